//! On the demo host page: opening it, its message log, its controls.

use crate::{Stack, eventually};
use serde_json::Value;
use thirtyfour::prelude::*;

impl Stack {
    /// Open the demo host page (with optional demo-control presets) and wait for the handshake.
    pub async fn open_host(&self, query: &str) -> WebDriverResult<()> {
        self.driver.goto(format!("{}/{query}", self.host)).await?;
        self.wait_for_log("meshes:ready", 1).await;
        Ok(())
    }

    /// Host message log entries (newest last) as `(type, text)`.
    pub async fn host_log(&self) -> Vec<(String, String)> {
        self.driver
            .enter_default_frame()
            .await
            .expect("the host page");
        let v = self
            .js("return [...document.querySelectorAll('#message-log li')].reverse().map(li => [li.dataset.type, li.textContent]);")
            .await;
        serde_json::from_value(v).expect("the host log's entries")
    }

    pub async fn wait_for_log(&self, ty: &str, count: usize) -> Vec<String> {
        let ty = ty.to_owned();
        eventually(&format!("{count}× {ty} in the host log"), || async {
            let hits: Vec<String> = self
                .host_log()
                .await
                .into_iter()
                .filter(|(t, _)| *t == ty)
                .map(|(_, text)| text)
                .collect();
            (hits.len() >= count).then_some(hits)
        })
        .await
    }
    /// Click a host-page control (by script: the demo controls sit in a collapsed panel).
    pub async fn click_on_host(&self, css: &str) -> WebDriverResult<()> {
        self.driver.enter_default_frame().await?;
        self.driver
            .execute(
                "document.querySelector(arguments[0]).click()",
                vec![Value::from(css)],
            )
            .await?;
        Ok(())
    }

    /// Set a field of one of the demo host's forms and tell the page, as a user would (an
    /// `input` event on the form).
    pub async fn fill_on_host(&self, form: &str, field: &str, value: &str) -> WebDriverResult<()> {
        self.driver.enter_default_frame().await?;
        self.driver
            .execute(
                "const f = document.querySelector(arguments[0]); f.elements[arguments[1]].value = arguments[2]; \
                 f.dispatchEvent(new Event('input', {bubbles: true})); return true",
                vec![Value::from(form), Value::from(field), Value::from(value)],
            )
            .await?;
        Ok(())
    }

    /// The demo host's status line.
    pub async fn host_status(&self) -> String {
        let _ = self.driver.enter_default_frame().await;
        let text = self
            .js("return document.querySelector('#host-status').textContent")
            .await;
        text.as_str().expect("the host's status line").to_owned()
    }
}
