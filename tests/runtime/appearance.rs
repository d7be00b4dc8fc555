//! `meshes:configure {appearance}`: read key by key from the JS object (only checked values
//! survive), and applied to `<html>`: the theme as `data-theme`, values as custom properties.

use super::*;
use crate::common::{capture, js, mount, ok, until, window};
use meshes_embed::host::receive;
use meshes_protocol::api::Rule;
use meshes_protocol::appearance::{Appearance, Theme};
use meshes_protocol::{HostMessage, SessionType};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn only_checked_values_get_through_and_they_are_applied() {
    let origin = window().location().origin().unwrap();
    let seen = capture(origin.clone());
    for data in [
        "{type: 'meshes:configure', appearance: {theme: 'dark', colorPrimary: '#0b7285', \
         colorText: 'red;background:url(//evil.test/x)', colorBorder: 'var(--bg)', \
         fontFamily: '\"Source Sans 3\", sans-serif', fontSizeBase: '99px', spacingUnit: '6px', \
         colorEvil: '#fff', theme2: 'auto'}}",
        "{type: 'meshes:configure', appearance: [{theme: 'dark'}]}",
        "{type: 'meshes:configure', appearance: {theme: 'DARK', colorPrimary: 42}}",
    ] {
        window().post_message(&js(data), &origin).unwrap();
    }
    until("the three messages", || seen.borrow().len() >= 3).await;
    let verdicts: Vec<_> = seen.borrow().iter().take(3).cloned().collect();
    let applied = Appearance {
        theme: Some(Theme::Dark),
        vars: vec![
            ("--accent", "#0b7285".into()),
            ("--font", "\"Source Sans 3\", sans-serif".into()),
            ("--space", "6px".into()),
        ],
    };
    assert_eq!(
        verdicts,
        [
            Ok(HostMessage::Configure {
                appearance: applied.clone(),
                locale: None,
            }),
            Ok(HostMessage::Configure {
                appearance: Appearance::default(),
                locale: None,
            }),
            Ok(HostMessage::Configure {
                appearance: Appearance::default(),
                locale: None,
            }),
        ]
    );

    let (t, _) = fake(vec![("/rules", vec![ok(&page_of::<Rule>(&[]))])]);
    let m = mount("/workspace/rules", SessionType::Workspace, t);
    receive(
        m.api,
        HostMessage::Configure {
            appearance: applied,
            locale: None,
        },
    );
    let root = window().document().unwrap().document_element().unwrap();
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("dark"));
    let style = root
        .clone()
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .style();
    assert_eq!(style.get_property_value("--accent").unwrap(), "#0b7285");
    assert_eq!(style.get_property_value("--space").unwrap(), "6px");
    assert_eq!(
        style.get_property_value("--fg").unwrap(),
        "",
        "junk never set"
    );
    assert_eq!(style.get_property_value("background").unwrap(), "");
    // Later keys change only themselves.
    receive(
        m.api,
        HostMessage::Configure {
            appearance: Appearance {
                theme: Some(Theme::Light),
                vars: vec![],
            },
            locale: None,
        },
    );
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("light"));
    assert_eq!(style.get_property_value("--accent").unwrap(), "#0b7285");
    // Leave the shared test page as it was.
    root.remove_attribute("data-theme").unwrap();
    for var in ["--accent", "--font", "--space"] {
        style.remove_property(var).unwrap();
    }
}
