//! `meshes:scroll-into-view`: the frame is as tall as its content, so it never scrolls; when a
//! notice, an error or a form appears where the host page has scrolled away from, only the host
//! can bring it into view. We say where it is; the host kit scrolls if it is out of sight.

use crate::host::bridge::Bridge;
use meshes_protocol::EmbedMessage;

/// Ask the host to show `el`: its box in this frame's viewport, in whole pixels. A frame the
/// host clamped (so it scrolls after all) first brings the element into its own view.
pub fn reveal(bridge: &Bridge, el: &web_sys::Element) {
    let opts = web_sys::ScrollIntoViewOptions::new();
    opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
    el.scroll_into_view_with_scroll_into_view_options(&opts);
    let rect = el.get_bounding_client_rect();
    // In document coordinates: until the host applies the new height, the frame is shorter
    // than its content and the line above may have scrolled it; once grown it shows the
    // whole document, so a viewport position would be off by that scroll.
    let scrolled = web_sys::window()
        .and_then(|w| w.scroll_y().ok())
        .unwrap_or(0.0);
    if let Some(msg) = message(rect.top() + scrolled, rect.height()) {
        bridge.post(&msg);
    }
}

/// The message for a box, if its numbers are real (an element that is not rendered has none
/// worth sending).
pub fn message(top: f64, height: f64) -> Option<EmbedMessage> {
    const LIMIT: f64 = 1.0e6;
    (top.is_finite() && height.is_finite() && top.abs() < LIMIT && (0.0..LIMIT).contains(&height))
        .then(|| EmbedMessage::ScrollIntoView {
            top: top.floor() as i32,
            height: height.ceil() as u32,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn boxes_become_whole_pixels_and_junk_is_not_sent() {
        assert_eq!(
            message(-40.6, 35.2),
            Some(EmbedMessage::ScrollIntoView {
                top: -41,
                height: 36
            })
        );
        for (top, height) in [
            (f64::NAN, 10.0),
            (0.0, f64::INFINITY),
            (0.0, -1.0),
            (2.0e6, 10.0),
        ] {
            assert_eq!(message(top, height), None, "{top} {height}");
        }
    }
}
