//! The language through the real kit and embed on their own origins: the demo host's Language
//! control switches the embed live (`update({locale})` → `meshes:configure`), the catalog comes
//! from the embed's origin once, Arabic turns the page right to left, and a new session starts
//! in the language the host holds.

use e2e::{Stack, TestResult, eventually};

/// `<html lang>`, `dir`, the `<h1>` and the first nav link of the embed, and how many catalogs
/// its document fetched.
async fn embed_state(s: &Stack) -> Option<(String, String, String, String, u64)> {
    s.enter_embed().await.ok()?;
    let v = s
        .try_js(
            "const h = document.documentElement; \
             return [h.lang, h.dir, document.querySelector('h1')?.textContent ?? '', \
               document.querySelector('.ws-nav a')?.textContent ?? '', \
               performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname.startsWith('/locales/')).length]",
        )
        .await
        .ok()?;
    let text = |i: usize| v[i].as_str().unwrap_or_default().to_owned();
    Some((text(0), text(1), text(2), text(3), v[4].as_u64()?))
}

async fn until_lang(s: &Stack, lang: &str, h1: &str) -> (String, String, String, String, u64) {
    eventually(&format!("the embed in {lang}"), || async {
        embed_state(s).await.filter(|st| st.0 == lang && st.2 == h1)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switches_live_and_a_new_session_keeps_it() -> TestResult {
    let s = Stack::start().await;
    s.open_host("").await?;
    s.embed_text("#kpi-events .kpi-value").await;
    // The browser here speaks English: nothing to fetch.
    let en = until_lang(&s, "en-US", "Dashboard").await;
    assert_eq!(
        (en.1.as_str(), en.3.as_str(), en.4),
        ("ltr", "Dashboard", 0)
    );

    s.fill_on_host("#look-form", "locale", "fr").await?;
    let fr = until_lang(&s, "fr", "Tableau de bord").await;
    assert_eq!(fr.1, "ltr");
    assert_eq!(fr.4, 1, "the French catalog, once, from the embed's origin");
    // Numbers and dates follow: the dashboard's rate reads the French way.
    s.enter_embed().await?;
    let rate = s
        .js("return document.querySelector('#kpi-success .kpi-value').textContent")
        .await;
    let rate = rate.as_str().unwrap_or_default();
    assert!(
        rate == "—" || rate.contains('\u{a0}') || rate.contains('\u{202f}'),
        "{rate:?}"
    );

    s.fill_on_host("#look-form", "locale", "ar").await?;
    let ar = until_lang(&s, "ar", "لوحة المعلومات").await;
    assert_eq!(ar.1, "rtl");
    s.enter_embed().await?;
    let layout = s
        .js("const nav = [...document.querySelectorAll('.ws-nav a')]; \
             return [getComputedStyle(document.body).direction, \
               nav[0].getBoundingClientRect().left > nav[nav.length - 1].getBoundingClientRect().left, \
               document.documentElement.scrollWidth <= document.documentElement.clientWidth]")
        .await;
    assert_eq!(layout[0], "rtl");
    assert_eq!(layout[1], true, "the first nav link is on the right");
    assert_eq!(layout[2], true, "nothing overflows sideways");

    // A new session is mounted in the language the host holds now.
    s.click_on_host("#session-form button[type=submit]").await?;
    s.wait_for_log("meshes:ready", 2).await;
    let again = until_lang(&s, "ar", "لوحة المعلومات").await;
    assert_eq!(again.1, "rtl");
    s.quit().await;
    Ok(())
}
