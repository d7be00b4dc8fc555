//! Inside the embed: entering its frame, reading its text and counters, and acting on it.

use crate::{Stack, eventually};
use serde_json::Value;
use thirtyfour::prelude::*;

impl Stack {
    /// Switch into the embed iframe.
    pub async fn enter_embed(&self) -> WebDriverResult<()> {
        self.driver.enter_default_frame().await?;
        self.driver
            .find(By::Css("iframe.meshes-embed"))
            .await?
            .enter_frame()
            .await
    }

    /// Text of the first element matching `css` inside the embed, once it exists.
    pub async fn embed_text(&self, css: &str) -> String {
        let script = format!(
            "const el = document.querySelector({}); return el ? el.textContent : null;",
            Value::from(css)
        );
        // The frame itself may not be there yet (the host page mounts it after minting).
        eventually(&format!("{css} in the embed"), || async {
            self.enter_embed().await.ok()?;
            self.try_js(&script).await.ok()?.as_str().map(str::to_owned)
        })
        .await
    }

    /// The session the host page launched (from its status line).
    pub async fn host_session_id(&self) -> String {
        self.host_status()
            .await
            .split_whitespace()
            .find(|w| w.starts_with("sess_"))
            .expect("session id in the host status")
            .to_owned()
    }

    /// A numeric `data-` attribute of the embed's root (bridge counters); the root must exist.
    pub async fn embed_counter(&self, name: &str) -> u64 {
        self.enter_embed().await.expect("enter iframe");
        let v = self
            .js(&format!(
                "return document.querySelector('.meshes-root')?.dataset['{name}'] ?? null"
            ))
            .await;
        v.as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no numeric data-{name} on the embed root: {v}"))
    }

    /// The access token the embed is using (from the sandbox's request log; test hooks only).
    pub async fn embed_token(&self) -> String {
        let seen = self.requests_to("GET", "/api/v1/").await;
        seen.iter()
            .rev()
            .find_map(|r| r["authorization"].as_str()?.strip_prefix("Bearer "))
            .expect("an authenticated request from the embed")
            .to_owned()
    }

    /// Click an element inside the embed.
    pub async fn click_in_embed(&self, css: &str) -> WebDriverResult<()> {
        self.uncovered().await?;
        if crate::Engine::current() == crate::Engine::WebKit {
            self.scroll_to_click(css).await?;
        }
        self.driver.find(By::Css(css)).await?.click().await
    }

    /// What the WebDriver spec has a driver do before a click, done for WebKit's, which scrolls
    /// only the frame's own document (and WebKit lets no cross-origin frame scroll its parent)
    /// and so clicks off screen when the host page is scrolled: bring the element into the host
    /// window by scrolling the host page, once it has stopped scrolling (the kit may be
    /// scrolling it to a form that just opened).
    async fn scroll_to_click(&self, css: &str) -> WebDriverResult<()> {
        let last = std::cell::RefCell::new(Value::Null);
        eventually("the host page to stop scrolling", || async {
            self.driver.enter_default_frame().await.ok()?;
            tokio::time::sleep(std::time::Duration::from_millis(60)).await;
            let now = self.try_js("return scrollY").await.ok()?;
            (last.replace(now.clone()) == now).then_some(())
        })
        .await;
        self.enter_embed().await?;
        let el = self.driver.find(By::Css(css)).await?;
        let rect = self
            .driver
            .execute(
                "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom]",
                vec![el.to_json()?],
            )
            .await?
            .json()
            .clone();
        self.driver.enter_default_frame().await?;
        self.driver
            .execute(
                "const top = document.querySelector('iframe.meshes-embed').getBoundingClientRect().top; \
                 const [a, b] = [top + arguments[0], top + arguments[1]]; \
                 if (a < 0 || b > innerHeight) scrollBy({top: (a + b - innerHeight) / 2, behavior: 'instant'}); \
                 return scrollY",
                vec![rect[0].clone(), rect[1].clone()],
            )
            .await?;
        self.enter_embed().await
    }

    /// Type into a field inside the embed as a user does: click it, then type. (WebKit lets no
    /// script focus a field in a cross-origin frame the user has not clicked into, its driver's
    /// typing included.)
    pub async fn type_in_embed(&self, css: &str, text: &str) -> WebDriverResult<()> {
        self.click_in_embed(css).await?;
        self.driver.find(By::Css(css)).await?.send_keys(text).await
    }

    /// Wait until the kit's loader no longer covers the frame (it goes with the first
    /// `meshes:resize`), then enter the embed. A click before then lands on the loader: Chromium's
    /// driver says so, WebKit's clicks the loader without a word.
    pub async fn uncovered(&self) -> WebDriverResult<()> {
        self.driver.enter_default_frame().await?;
        eventually("the kit's loader to go", || async {
            let covered = self
                .try_js("return !!document.querySelector('.meshes-embed-loader')")
                .await
                .ok()?;
            (covered == Value::Bool(false)).then_some(())
        })
        .await;
        self.enter_embed().await
    }

    /// Follow the embed's nav link to `page` (its path segment), then wait for `ready`.
    pub async fn nav_to(&self, page: &str, ready: &str) {
        self.click_in_embed(&format!(".ws-nav a[href^='/workspace/{page}']"))
            .await
            .unwrap();
        self.embed_text(ready).await;
    }

    /// Press Escape on whatever has focus inside the embed (closes a form or a confirmation).
    pub async fn escape_in_embed(&self) {
        self.js("document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true})); return true")
            .await;
    }

    /// Set a form control inside the embed and fire `input` + `change`, as a user's edit does
    /// (selects and date inputs have no portable typing through WebDriver).
    pub async fn set_in_embed(&self, css: &str, value: &str) -> WebDriverResult<()> {
        self.enter_embed().await?;
        eventually(&format!("{css} in the embed"), || async {
            let found = self
                .driver
                .execute(
                    "const el = document.querySelector(arguments[0]); if (!el) return false; \
                     el.value = arguments[1]; \
                     for (const t of ['input', 'change']) el.dispatchEvent(new Event(t, {bubbles: true})); \
                     return el.value === arguments[1];",
                    vec![Value::from(css), Value::from(value)],
                )
                .await
                .ok()
                .and_then(|r| r.json().as_bool())
                .unwrap_or(false);
            found.then_some(())
        })
        .await;
        Ok(())
    }
}
