//! Accessibility, measured: axe-core's WCAG 2.1 A and AA rules on every page of the embed and
//! every state that matters (lists, forms with their errors, confirmations, empty and error
//! states, a member's read-only view, the Connect panel in each OAuth state, the expired
//! banner), with zero violations. Each test prints its table of results per state.

use crate::oauth::{at_provider, back_when_closed, phase_text, row_text};
use e2e::axe::Audit;
use e2e::{DEMO_WORKSPACE_ID, Stack, TestResult, eventually};
use serde_json::json;

/// The audits of one walk, by state.
#[derive(Default)]
struct Report(Vec<(String, Audit)>);

impl Report {
    async fn audit(&mut self, s: &Stack, state: &str) {
        s.enter_embed().await.unwrap();
        // Nothing mid-transition: a page whose skeleton is still up is not the state named.
        eventually(&format!("{state} settled"), || async {
            let busy = s
                .js("return !!document.querySelector('.skeleton, [aria-busy=\"true\"]')")
                .await;
            (busy == false).then_some(())
        })
        .await;
        self.0.push((state.to_owned(), s.axe().await));
    }

    /// Print the table, then fail on any violation (all of them listed, not the first).
    fn finish(self) {
        println!(
            "{:<44} {:>6} {:>10} {:>8}",
            "state", "passes", "violations", "unsure"
        );
        for (state, a) in &self.0 {
            println!(
                "{state:<44} {:>6} {:>10} {:>8}",
                a.passes,
                a.violations.len(),
                a.unsure.len()
            );
        }
        let failing: Vec<String> = self
            .0
            .iter()
            .flat_map(|(state, a)| {
                let unsure = a.unsure.iter().map(|n| format!("contrast undecided: {n}"));
                a.violations
                    .iter()
                    .cloned()
                    .chain(unsure)
                    .map(move |v| format!("{state}: {v}"))
            })
            .collect();
        assert!(
            self.0.iter().all(|(_, a)| a.passes > 0),
            "an audit checked nothing"
        );
        assert!(failing.is_empty(), "{}", failing.join("\n"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_and_its_states_pass_axe() -> TestResult {
    let s = Stack::start().await;
    s.open_host("?role=owner&payload_scope=true").await?;
    let mut r = Report::default();
    s.embed_text(".kpis").await;
    // The audit sees a violation when there is one: a button without a name.
    s.js("document.body.append(Object.assign(document.createElement('button'), {id: 'unnamed'})); return true")
        .await;
    let planted = s.axe().await;
    assert!(
        planted
            .violations
            .iter()
            .any(|v| v.starts_with("button-name") && v.contains("#unnamed")),
        "axe missed a planted violation: {planted:?}"
    );
    s.js("document.getElementById('unnamed').remove(); return true")
        .await;
    r.audit(&s, "dashboard").await;

    s.nav_to("connections", "#connections-table").await;
    r.audit(&s, "connections").await;
    s.click_when_ready("#new-connection").await?;
    s.embed_text("#connection-form").await;
    r.audit(&s, "new connection form").await;
    s.click_in_embed("#conn-save").await?;
    s.embed_text("#connection-form [aria-invalid='true']").await;
    r.audit(&s, "new connection form, with errors").await;
    s.escape_in_embed().await;
    s.click_when_ready("#connections-table .delete-connection")
        .await?;
    s.embed_text(".confirm-yes").await;
    r.audit(&s, "delete confirmation").await;
    s.escape_in_embed().await;

    s.click_when_ready("#connections-table td.actions a")
        .await?;
    s.embed_text(".mapping-row").await;
    r.audit(&s, "field mapping").await;

    s.nav_to("rules", "#rules-table").await;
    r.audit(&s, "rules").await;
    s.click_when_ready("#rules-table .test-rule").await?;
    s.embed_text("#rules-table .row-panel").await;
    r.audit(&s, "a rule's test event").await;
    s.click_when_ready("#new-rule").await?;
    s.embed_text("#rule-form").await;
    s.click_in_embed("#rule-save").await?;
    s.embed_text("#rule-form [aria-invalid='true']").await;
    r.audit(&s, "new rule form, with errors").await;
    s.escape_in_embed().await;

    s.nav_to("events", "#events-table").await;
    r.audit(&s, "events").await;
    s.click_when_ready("#events-table tr[data-status='failed'] a")
        .await?;
    s.embed_text("#deliveries").await;
    s.click_when_ready("#deliveries button[aria-expanded]")
        .await?;
    s.embed_text(".attempts-row .attempts, .attempts-row .empty")
        .await;
    r.audit(&s, "event detail, attempts open").await;
    s.nav_to("events", "#events-table").await;
    s.set_in_embed("#filter-event", "no.such.event").await?;
    s.click_in_embed("#filter-apply").await?;
    s.embed_text("#events-empty").await;
    r.audit(&s, "events, nothing matches").await;

    // The API fails for good: the error state.
    let rules = format!("/api/v1/workspaces/{DEMO_WORKSPACE_ID}/rules");
    s.fault(json!({"path": rules, "kind": "status", "status": 502, "times": 20}))
        .await;
    s.nav_to("rules", ".error-state").await;
    r.audit(&s, "rules, API failing").await;
    s.clear_faults().await;
    s.quit().await;

    // A member: read-only notes instead of the owner's actions.
    let s = Stack::start().await;
    s.open_host("?role=member&launch_page=connections").await?;
    s.embed_text("#connections-table").await;
    r.audit(&s, "connections, a member").await;
    s.nav_to("rules", "#rules-table").await;
    r.audit(&s, "rules, a member").await;
    s.quit().await;
    r.finish();
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connect_panel_and_the_expired_banner_pass_axe() -> TestResult {
    let s = Stack::start().await;
    s.open_host("?role=admin&launch_page=connections").await?;
    s.embed_text("#connect-apps").await;
    let mut r = Report::default();
    r.audit(&s, "connect panel").await;

    // Waiting on the sign-in window, then the user denies.
    s.click_when_ready(".connect-oauth[data-integration='slack']")
        .await?;
    let main = s.switch_to_new_window().await?;
    s.driver.switch_to_window(main.clone()).await?;
    phase_text(&s, "waiting").await;
    r.audit(&s, "connect: waiting for the window").await;
    s.switch_to_new_window().await?;
    at_provider(&s, None).await?;
    back_when_closed(&s, main.clone()).await?;
    phase_text(&s, "denied").await;
    r.audit(&s, "connect: denied").await;

    // A popup blocker.
    s.js("window.open = () => null; return true").await;
    s.click_when_ready(".connect-oauth[data-integration='intercom']")
        .await?;
    phase_text(&s, "blocked").await;
    r.audit(&s, "connect: window blocked").await;
    s.click_in_embed("#oauth-cancel").await?;
    s.open_host("?role=admin&launch_page=connections").await?;
    s.embed_text("#connect-apps").await;

    // Approved: the new connection and the notice that says so.
    s.click_when_ready(".connect-oauth[data-integration='zoom']")
        .await?;
    s.switch_to_new_window().await?;
    at_provider(&s, Some("Initech")).await?;
    back_when_closed(&s, main.clone()).await?;
    assert!(row_text(&s, "Zoom (Initech)").await.contains("Active"));
    r.audit(&s, "connect: connected").await;

    // The session's token lapses and the host cannot renew it: the expired banner.
    s.renewal_fails().await;
    s.click_in_embed("#connections-reload").await?;
    s.embed_text("#session-banner").await;
    r.audit(&s, "session expired banner").await;
    s.quit().await;
    r.finish();
    Ok(())
}
