//! Keyboard only: from the host page into the embed with Tab, through every control of the
//! Connections page with a visible focus ring on each, out of it and back with Shift-Tab; a form
//! opened with Enter (focus on its first field), submitted with errors (focus on the first), saved (announced in a live region),
//! closed with Escape (focus back on its opener); a confirmation opened with Space, kept with
//! Escape (focus back on the button that asked); an app connected with Enter, after which focus
//! is on the new connection. And `prefers-reduced-motion` stops the embed's animations.

use crate::oauth::{at_provider, back_when_closed};
use e2e::{Stack, TestResult, eventually};

use serde_json::Value;
use thirtyfour::Key;

/// The focused element of the embed: a description, whether it shows a focus ring (an outline
/// or a shadow), and whether it matches `arguments[0]`; null when nothing in it has focus.
const FOCUSED: &str = r#"
const el = document.activeElement;
if (!el || el === document.body) return null;
const cs = getComputedStyle(el);
const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40);
const desc = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${name}"`;
return { desc, ring, matches: el.matches(arguments[0]) };
"#;

async fn focused(s: &Stack, css: &str) -> Option<Value> {
    // Focus is in the embed when the host page's focus is on its frame (`hasFocus()` says
    // nothing in a headless window that never had the system's focus).
    s.driver.enter_default_frame().await.ok()?;
    let in_frame = s
        .try_js("return document.activeElement?.matches('iframe.meshes-embed') ?? false")
        .await
        .ok()?;
    if in_frame != Value::Bool(true) {
        return None;
    }
    s.enter_embed().await.ok()?;
    let v = s
        .driver
        .execute(FOCUSED, vec![Value::from(css)])
        .await
        .ok()?
        .json()
        .clone();
    (!v.is_null()).then_some(v)
}

/// Press keys, as the keyboard does, to whatever has focus. (Firefox's driver sends them to the
/// focused element of the frame the driver is in: the helpers leave it in the embed while focus
/// is there, and on the host page once it has left.)
async fn press(s: &Stack, keys: &[Key]) {
    let mut chain = s.driver.action_chain();
    for k in keys {
        chain = chain.send_keys(k.clone());
    }
    chain.perform().await.unwrap();
}

async fn shift_tab(s: &Stack) {
    s.driver
        .action_chain()
        .key_down(Key::Shift)
        .send_keys(Key::Tab)
        .key_up(Key::Shift)
        .perform()
        .await
        .unwrap();
}

/// Tab (or Shift-Tab) until the focused element matches `css` (at most 80 presses).
async fn tab_to(s: &Stack, css: &str, back: bool) {
    for _ in 0..80 {
        if focused(s, css).await.is_some_and(|f| f["matches"] == true) {
            return;
        }
        if back {
            shift_tab(s).await;
        } else {
            press(s, &[Key::Tab]).await;
        }
    }
    panic!("{css} is not reachable with the keyboard");
}

/// Wait until the focused element matches `css` (10 s); the failure says where focus is.
async fn focus_on(s: &Stack, css: &str) {
    let mut last = None;
    for _ in 0..100 {
        last = focused(s, css).await;
        if last.as_ref().is_some_and(|f| f["matches"] == true) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("focus is not on {css} but on {last:?}");
}

async fn type_keys(s: &Stack, text: &str) {
    s.driver
        .action_chain()
        .send_keys(text)
        .perform()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connections_page_works_from_the_keyboard_alone() -> TestResult {
    let s = Stack::start().await;
    s.open_host("?role=owner&launch_page=connections").await?;
    s.embed_text("#connect-apps").await;
    s.uncovered().await?;
    // The user is on the host page's last control before the embed; Tab goes into the embed
    // (in Firefox the frame itself is one stop on the way).
    s.driver.enter_default_frame().await?;
    s.js("document.querySelector('.demo-controls summary').focus(); return true")
        .await;
    for _ in 0..3 {
        press(&s, &[Key::Tab]).await;
        if focused(&s, "*").await.is_some() {
            break;
        }
    }

    // The tour: every stop shows where focus is, every control is a stop, and the last Tab
    // leaves the embed (no trap).
    let mut stops: Vec<String> = Vec::new();
    while let Some(f) = focused(&s, "*").await {
        assert_eq!(f["ring"], true, "no visible focus on {}", f["desc"]);
        stops.push(f["desc"].as_str().unwrap().to_owned());
        assert!(stops.len() < 150, "Tab never leaves the embed: {stops:#?}");
        press(&s, &[Key::Tab]).await;
    }
    for expected in [
        "a \"Dashboard\"",
        "button#new-connection",
        "input#connection-filter",
        "button#connections-reload",
        "\"Connect ",
        "\"Edit ",
        "\"Delete ",
    ] {
        assert!(
            stops.iter().any(|d| d.contains(expected)),
            "{expected} is not a Tab stop: {stops:#?}"
        );
    }
    // Shift-Tab comes back in, to the last stop.
    shift_tab(&s).await;
    let back = focused(&s, "*").await.expect("focus back in the embed");
    assert_eq!(back["desc"].as_str(), stops.last().map(String::as_str));

    // A form: Enter opens it with focus on its first field (the type)…
    tab_to(&s, "#new-connection", true).await;
    press(&s, &[Key::Enter]).await;
    focus_on(&s, "#conn-type").await;
    tab_to(&s, "#conn-name", false).await;
    type_keys(&s, "Keyboard Hook").await;
    // …Enter submits it: without a URL, focus goes to the field in error…
    press(&s, &[Key::Enter]).await;
    focus_on(&s, "#connection-form [aria-invalid='true']").await;
    type_keys(&s, "https://ok.example.com/keyboard").await;
    press(&s, &[Key::Enter]).await;
    // …and the save is announced in a live region.
    let said = eventually("the save announced", || async {
        let v = s
            .js("return document.querySelector('[role=status].notice-ok')?.textContent ?? null")
            .await;
        v.as_str()
            .filter(|t| t.contains("Keyboard Hook"))
            .map(str::to_owned)
    })
    .await;
    assert!(!said.is_empty());

    // Escape closes a form and gives focus back to its opener.
    tab_to(&s, "#new-connection", true).await;
    press(&s, &[Key::Enter]).await;
    focus_on(&s, "#conn-type").await;
    press(&s, &[Key::Escape]).await;
    focus_on(&s, "#new-connection").await;
    assert_eq!(
        s.js("return !!document.querySelector('#connection-form')")
            .await,
        false
    );

    // Space opens a confirmation with focus on the safe choice; Escape gives it back.
    tab_to(&s, ".delete-connection", false).await;
    let asked = focused(&s, "*").await.unwrap()["desc"].clone();
    press(&s, &[Key::Space]).await;
    focus_on(&s, ".confirm-no").await;
    press(&s, &[Key::Escape]).await;
    focus_on(&s, ".delete-connection").await;
    assert_eq!(focused(&s, "*").await.unwrap()["desc"], asked);
    assert_eq!(
        s.js("return !!document.querySelector('.confirm')").await,
        false
    );

    // Connecting an app from the keyboard: afterwards focus is on the new connection.
    tab_to(&s, ".connect-oauth[data-integration='zoom']", true).await;
    press(&s, &[Key::Enter]).await;
    let main = s.switch_to_new_window().await?;
    at_provider(&s, Some("Keyed")).await?;
    back_when_closed(&s, main).await?;
    focus_on(&s, "tr.highlight td.actions *").await;
    let row = s
        .js("return document.activeElement.closest('tr').querySelector('.conn-name').textContent")
        .await;
    assert_eq!(row.as_str(), Some("Zoom (Keyed)"));
    s.quit().await;
    Ok(())
}

/// The embed's one animation (the skeleton's pulse) runs normally and stops for users who ask
/// for less motion (Chromium's `--force-prefers-reduced-motion`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reduced_motion_stops_the_animations() -> TestResult {
    const PULSE: &str = "const el = document.createElement('div'); el.className = 'skeleton-row'; \
        document.body.append(el); const a = getComputedStyle(el).animationName; el.remove(); \
        return [matchMedia('(prefers-reduced-motion: reduce)').matches, a]";
    if e2e::Engine::current() != e2e::Engine::Chromium {
        // Only Chromium takes the preference as a flag; WebKit's run has it on throughout
        // (GTK animations off), which the other tests exercise.
        return Ok(());
    }
    for (args, reduced, animation) in [
        (&[][..], false, "pulse"),
        (&["--force-prefers-reduced-motion"][..], true, "none"),
    ] {
        let s = Stack::start_custom(&[], args).await;
        s.open_host("").await?;
        s.embed_text("#kpi-events").await;
        let v = s.js(PULSE).await;
        assert_eq!(v, serde_json::json!([reduced, animation]), "{args:?}");
        s.quit().await;
    }
    Ok(())
}
