//! `meshes:configure {appearance}`: the host's look, applied to `<html>` as it arrives: the
//! theme as `data-theme` (the stylesheet holds both palettes), each checked value as a custom
//! property set through the CSSOM (no style attribute is parsed, so the CSP is unchanged). The
//! frame re-measures itself, so a bigger font or spacing resizes it like any other change.

use meshes_protocol::appearance::Appearance;
use wasm_bindgen::JsCast;

pub fn apply(appearance: &Appearance) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    if let Some(theme) = appearance.theme {
        let _ = root.set_attribute("data-theme", theme.as_str());
    }
    let Ok(root) = root.dyn_into::<web_sys::HtmlElement>() else {
        return;
    };
    let style = root.style();
    for (var, value) in &appearance.vars {
        let _ = style.set_property(var, value);
    }
}
