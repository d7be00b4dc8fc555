//! Top-level windows: the OAuth popup or tab next to the host page.

use crate::{Stack, eventually};
use thirtyfour::prelude::*;

impl Stack {
    /// Wait for a second browser window (the OAuth popup or tab) and switch to it. Returns the
    /// handle of the window we were in.
    pub async fn switch_to_new_window(&self) -> WebDriverResult<WindowHandle> {
        let main = self.driver.window().await?;
        let other = eventually("a second window", || async {
            let all = self.driver.windows().await.ok()?;
            all.into_iter().find(|w| *w != main)
        })
        .await;
        self.driver.switch_to_window(other).await?;
        Ok(main)
    }

    /// How many top-level windows are open.
    pub async fn window_count(&self) -> usize {
        self.driver.windows().await.map(|w| w.len()).unwrap_or(0)
    }
}
