//! `meshes:navigate-to`: the host opens exactly the pages a deep link could open for this
//! session, the Events filters ride along, and anything else is answered, not followed.

use super::*;
use crate::common::{mount, ok, until};
use meshes_embed::host::receive;
use meshes_protocol::api::{Event, Rule};
use meshes_protocol::message::NavigateRefusal;
use meshes_protocol::{EmbedMessage, EmbedPage, HostMessage, SessionType};
use wasm_bindgen_test::*;

fn path_and_query() -> String {
    let l = crate::common::window().location();
    format!("{}{}", l.pathname().unwrap(), l.search().unwrap())
}

#[wasm_bindgen_test]
async fn the_host_opens_what_a_deep_link_could_and_hears_why_not() {
    let (t, _) = fake(vec![
        ("/event-types", vec![ok("[]")]),
        ("/events?", vec![ok(&page_of::<Event>(&[]))]),
        ("/rules", vec![ok(&page_of::<Rule>(&[]))]),
    ]);
    let m = mount(
        "/workspace/rules?session=sess_test",
        SessionType::Resource,
        t,
    );
    assert!(m.api.accept_auth(jwt(SID)).await);
    let go = |path: &str| {
        receive(
            m.api,
            HostMessage::NavigateTo {
                path: path.to_owned(),
            },
        )
    };

    go("/workspace/events?status=failed&launch=stolen&session=evil");
    until("the Events page", || {
        path_and_query() == "/workspace/events?session=sess_test&status=failed"
    })
    .await;
    until("the host told", || {
        m.posted(&EmbedMessage::Navigate {
            path: "/workspace/events?status=failed".into(),
            page: EmbedPage::Events,
        })
    })
    .await;

    // Not for a resource session: refused, and the page stays.
    go("/workspace/connections");
    // Not a page at all, however it is dressed up.
    go("/Workspace/rules");
    go("/workspace/%72ules");
    until("three refusals", || {
        m.posted
            .lock()
            .unwrap()
            .iter()
            .filter(|p| matches!(p, EmbedMessage::NavigateRefused { .. }))
            .count()
            == 3
    })
    .await;
    for (path, reason) in [
        ("/workspace/connections", NavigateRefusal::NotAllowed),
        ("/Workspace/rules", NavigateRefusal::UnknownPath),
        ("/workspace/%72ules", NavigateRefusal::UnknownPath),
    ] {
        assert!(
            m.posted(&EmbedMessage::NavigateRefused {
                path: path.into(),
                reason
            }),
            "{path}"
        );
    }
    assert_eq!(
        path_and_query(),
        "/workspace/events?session=sess_test&status=failed"
    );
    // Already there: no route change, but the host still hears where the embed is.
    let told = || {
        m.posted
            .lock()
            .unwrap()
            .iter()
            .filter(|p| matches!(p, EmbedMessage::Navigate { path, .. } if path == "/workspace/events?status=failed"))
            .count()
    };
    assert_eq!(told(), 1);
    go("/workspace/events?status=failed");
    until("the host told again", || told() == 2).await;
}
