//! Inbound host messages: only well-formed ones, from the parent window at the bound origin,
//! trusted, get through (docs/contract.md §3).

use crate::common::*;
use meshes_protocol::HostMessage;
use meshes_protocol::message::Reject;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn bridge_accepts_only_well_formed_auth_from_the_parent_origin() {
    let origin = window().location().origin().unwrap();
    let seen = capture(origin.clone());
    let good = jwt(SID);
    let cases: Vec<JsValue> = vec![
        js(&format!("{{type: 'meshes:auth', token: '{good}'}}")),
        js("'meshes:auth'"),
        js("42"),
        js("null"),
        js(&format!("[{{type: 'meshes:auth', token: '{good}'}}]")),
        js("{type: 'meshes:authx', token: 'a.b.c'}"),
        js("{type: 'MESHES:AUTH', token: 'a.b.c'}"),
        js("{type: 'meshes:auth'}"),
        js("{type: 'meshes:auth', token: 42}"),
        js("{type: 'meshes:auth', token: 'Bearer a.b.c'}"),
        js("{type: 'meshes:auth', token: 'a.b.c\\r\\nX-Injected: 1'}"),
        js("{type: 'meshes:auth', token: 'a'.repeat(9000) + '.b.c'}"),
        js("{type: 'x'.repeat(1 << 20)}"),
        js("new Date()"),
        js("new Map([['type', 'meshes:auth']])"),
        js("(() => { let a = []; for (let i = 0; i < 10000; i++) a = [a]; return a; })()"),
        js("JSON.parse('{\"__proto__\": {\"type\": \"meshes:auth\"}}')"),
        js(&format!(
            "{{type: 'meshes:auth', token: '{good}', expires_in: -1}}"
        )),
    ];
    // Some values cannot even be structured-cloned; those never arrive, which is fine.
    let n = cases
        .iter()
        .filter(|data| window().post_message(data, &origin).is_ok())
        .count();
    assert!(
        n >= cases.len() - 1,
        "only pathological values may fail to post"
    );
    until("every message to be inspected", || seen.borrow().len() >= n).await;
    let verdicts = seen.borrow();
    assert_eq!(
        verdicts[0],
        Ok(HostMessage::Auth {
            token: good.clone(),
            expires_in: None
        })
    );
    for (i, v) in verdicts.iter().enumerate().skip(1) {
        assert!(v.is_err(), "case {i} was accepted: {v:?}");
    }
    assert!(!js("window.__pwned === true").as_bool().unwrap());
}

#[wasm_bindgen_test]
async fn bridge_rejects_wrong_origin_wrong_source_and_synthetic_events() {
    let origin = window().location().origin().unwrap();
    // Expecting another origin: our own valid message is dropped.
    let other = capture("http://other.test".into());
    window()
        .post_message(
            &js(&format!("{{type: 'meshes:auth', token: '{}'}}", jwt(SID))),
            &origin,
        )
        .unwrap();
    until("the message", || !other.borrow().is_empty()).await;
    assert_eq!(other.borrow()[0], Err(Reject::Origin));

    // A child frame (same origin, but not our parent) posting the same message.
    let seen = capture(origin.clone());
    let doc = window().document().unwrap();
    let frame: web_sys::HtmlIFrameElement = doc.create_element("iframe").unwrap().unchecked_into();
    frame.set_srcdoc(&format!(
        "<script>parent.postMessage({{type: 'meshes:auth', token: '{}'}}, '{origin}')</script>",
        jwt(SID)
    ));
    doc.body().unwrap().append_child(&frame).unwrap();
    // A sandboxed child ("null" origin) posting too.
    let sandboxed: web_sys::HtmlIFrameElement =
        doc.create_element("iframe").unwrap().unchecked_into();
    sandboxed.set_attribute("sandbox", "allow-scripts").unwrap();
    sandboxed.set_srcdoc(&format!(
        "<script>parent.postMessage({{type: 'meshes:auth', token: '{}'}}, '{origin}')</script>",
        jwt(SID)
    ));
    doc.body().unwrap().append_child(&sandboxed).unwrap();
    until("both frames' messages", || seen.borrow().len() >= 2).await;
    assert!(
        seen.borrow().iter().all(|v| *v == Err(Reject::Source)),
        "{:?}",
        seen.borrow()
    );

    // A synthetic MessageEvent that claims the right origin and source.
    let init = web_sys::MessageEventInit::new();
    init.set_data(&js(&format!(
        "{{type: 'meshes:auth', token: '{}'}}",
        jwt(SID)
    )));
    init.set_origin(&origin);
    let ev = web_sys::MessageEvent::new_with_event_init_dict("message", &init).unwrap();
    let before = seen.borrow().len();
    window().dispatch_event(&ev).unwrap();
    assert_eq!(seen.borrow().len(), before + 1);
    assert_eq!(
        seen.borrow()[before],
        Err(Reject::Source),
        "untrusted events are dropped"
    );
    frame.remove();
    sandboxed.remove();
}
