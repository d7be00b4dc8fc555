//! What the Connect panel says and offers in each state of the flow: pure, so tested natively.

use super::SANDBOX_HINT;
use crate::i18n::{t, tf};
use crate::oauth::{OauthFlow, Phase};
use meshes_protocol::api::AttemptStatus;

/// The buttons a flow state offers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Act {
    ShowWindow,
    NewTab,
    Cancel,
    Retry,
    Dismiss,
    Redirect,
}

impl Act {
    pub fn meta(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Act::ShowWindow => ("oauth-show", "connections.show_window", "btn"),
            Act::NewTab => ("oauth-new-tab", "connections.new_tab", "btn btn-primary"),
            Act::Cancel => ("oauth-cancel", "common.cancel", "btn"),
            Act::Retry => ("oauth-retry", "common.try_again", "btn btn-primary"),
            Act::Dismiss => ("oauth-dismiss", "connections.dismiss", "btn-link"),
            Act::Redirect => ("oauth-redirect", "connections.redirect_instead", "btn"),
        }
    }

    pub fn run(self, flow: OauthFlow) {
        match self {
            Act::ShowWindow => flow.show_window(),
            Act::NewTab => flow.open_tab(),
            Act::Cancel => flow.cancel(),
            Act::Retry => flow.retry(),
            Act::Dismiss => flow.reset(),
            Act::Redirect => flow.redirect(),
        }
    }
}

/// What the status line says in each state: one data shape, rendered by one template (one view
/// type instead of one per state keeps the bundle smaller). Pure, so tested natively.
#[derive(Debug, PartialEq)]
pub struct StatusLine {
    pub phase: &'static str,
    /// "alert" (needs the user) or "status" (progress).
    pub role: &'static str,
    pub class: &'static str,
    pub lines: Vec<String>,
    pub code: Option<&'static str>,
    pub acts: Vec<Act>,
    /// A real link the user follows (the redirect fallback leaves the host page).
    pub link: Option<String>,
}

/// `redirect`: the host opted in to the redirect fallback, so blocked windows can offer it.
pub fn describe(phase: &Phase, name: &str, redirect: bool) -> Option<StatusLine> {
    let line = |phase, role, class, lines: Vec<String>, acts| StatusLine {
        phase,
        role,
        class,
        lines,
        code: None,
        acts,
        link: None,
    };
    let with_redirect = |mut acts: Vec<Act>| {
        if redirect {
            acts.insert(acts.len() - 1, Act::Redirect);
        }
        acts
    };
    Some(match phase {
        Phase::Idle => return None,
        Phase::Finished(a) if a.status == AttemptStatus::Completed => return None,
        Phase::Opening => line(
            "opening",
            "status",
            "flow-status",
            vec![tf("connections.flow_opening", &[("name", name)])],
            vec![],
        ),
        Phase::Waiting { lost: false } => line(
            "waiting",
            "status",
            "flow-status",
            vec![tf("connections.flow_waiting", &[("name", name)])],
            vec![Act::ShowWindow, Act::Cancel],
        ),
        Phase::Waiting { lost: true } => line(
            "waiting",
            "status",
            "flow-status",
            vec![tf("connections.flow_lost", &[("name", name)])],
            vec![Act::Cancel],
        ),
        Phase::Blocked => line(
            "blocked",
            "alert",
            "flow-status warning",
            vec![tf("connections.flow_blocked", &[("name", name)])],
            with_redirect(vec![Act::NewTab, Act::Cancel]),
        ),
        Phase::NoWindows => StatusLine {
            code: Some(SANDBOX_HINT),
            ..line(
                "no-windows",
                "alert",
                "flow-status warning",
                vec![
                    tf("connections.flow_no_windows", &[("name", name)]),
                    t("connections.flow_sandbox_hint"),
                ],
                with_redirect(vec![Act::Cancel]),
            )
        },
        Phase::RedirectReady(url) => StatusLine {
            link: Some(url.clone()),
            ..line(
                "redirect",
                "status",
                "flow-status",
                vec![tf("connections.flow_redirect", &[("name", name)])],
                vec![Act::Cancel],
            )
        },
        Phase::Resuming => line(
            "resuming",
            "status",
            "flow-status",
            vec![tf("connections.flow_resuming", &[("name", name)])],
            vec![],
        ),
        Phase::Finished(a) => {
            let title = match a.status {
                AttemptStatus::Denied => tf("connections.flow_denied", &[("name", name)]),
                AttemptStatus::Cancelled => tf("connections.flow_cancelled", &[("name", name)]),
                AttemptStatus::Expired => tf("connections.flow_expired", &[("name", name)]),
                _ => tf("connections.flow_failed", &[("name", name)]),
            };
            // A denial needs no second sentence saying the same; it needs what to do instead.
            let why = match (a.status, &a.error) {
                (AttemptStatus::Denied, _) => tf("connections.flow_denied_hint", &[("name", name)]),
                (_, Some(e)) => e.message.clone(),
                (_, None) => t("connections.flow_nothing_connected"),
            };
            line(
                a.status.as_str(),
                "alert",
                "flow-status error-state",
                vec![title, why],
                vec![Act::Retry, Act::Dismiss],
            )
        }
        Phase::Refused(msg) => line(
            "refused",
            "alert",
            "flow-status error-state",
            vec![
                tf("connections.flow_failed", &[("name", name)]),
                msg.clone(),
            ],
            vec![Act::Retry],
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use meshes_protocol::api::{AttemptError, OauthAttempt, OauthMode};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn finished(status: AttemptStatus) -> Phase {
        Phase::Finished(Box::new(OauthAttempt {
            id: "a".into(),
            workspace: "w".into(),
            integration: "slack".into(),
            mode: OauthMode::Popup,
            status,
            connection_id: None,
            reauthorize: false,
            account: None,
            error: Some(AttemptError {
                code: "x".into(),
                message: "Because.".into(),
            }),
            start_url: None,
            start_proof: None,
            created_at: String::new(),
            expires_at: String::new(),
            completed_at: None,
        }))
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn every_state_says_what_next() {
        assert_eq!(describe(&Phase::Idle, "Slack", false), None);
        assert_eq!(
            describe(&finished(AttemptStatus::Completed), "Slack", false),
            None,
            "the page notice announces success"
        );
        let blocked = describe(&Phase::Blocked, "Slack", false).unwrap();
        assert_eq!(
            (blocked.role, blocked.acts.as_slice()),
            ("alert", [Act::NewTab, Act::Cancel].as_slice())
        );
        let sandboxed = describe(&Phase::NoWindows, "Slack", false).unwrap();
        assert_eq!(
            sandboxed.code,
            Some("allow-popups allow-popups-to-escape-sandbox")
        );
        let lost = describe(&Phase::Waiting { lost: true }, "Slack", false).unwrap();
        assert!(lost.lines[0].contains("If you closed its window") && lost.acts == [Act::Cancel]);
        let denied = describe(&finished(AttemptStatus::Denied), "Slack", false).unwrap();
        assert_eq!(denied.phase, "denied");
        assert_eq!(
            denied.lines,
            [
                "Slack was not connected: access was denied.",
                "To connect it, try again and allow access when Slack asks."
            ],
            "said once, then what to do"
        );
        assert!(denied.acts.contains(&Act::Retry));
        for s in [
            AttemptStatus::Cancelled,
            AttemptStatus::Expired,
            AttemptStatus::Failed,
        ] {
            let d = describe(&finished(s), "Slack", false).unwrap();
            assert_eq!((d.phase, d.role), (s.as_str(), "alert"));
        }
    }
}
