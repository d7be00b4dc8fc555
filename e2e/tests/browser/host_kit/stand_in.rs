//! A stand-in for the embed on another origin, scripted by the test, and the host kit mounted
//! against it.

use e2e::{Stack, eventually};
use serde_json::Value;
use thirtyfour::By;

pub struct Bench {
    pub s: Stack,
    pub embed: String,
}

/// Records what a freshly mounted handle reports on the handle itself (see
/// [`Bench::mount_only`]), so an earlier handle settling late cannot write over it.
const WATCH: &str = "const k = window.__kit; k.seen = []; k.settled = null; \
    for (const e of ['ready', 'navigate', 'navigate-refused', 'resize', 'connection', 'expired', 'error', 'refresh-failed']) \
      k.on(e, (d) => k.seen.push([e, d])); \
    k.ready.then((r) => { k.settled = {ok: r}; }, (e) => { k.settled = {code: e.code, message: e.message}; });";

impl Bench {
    pub async fn open() -> Bench {
        let s = Stack::start().await;
        let (host, embed) = e2e::kit::start().await;
        s.driver
            .goto(format!("{host}/host.html#{embed}"))
            .await
            .expect("the bench page");
        eventually("the bench", || async {
            (s.try_js("return window.__ready === true").await.ok()? == Value::Bool(true))
                .then_some(())
        })
        .await;
        Bench { s, embed }
    }

    /// Mount without waiting for anything to load in the frame (it may never); returns the
    /// iframe URL. What the handle reports lands in its `seen` as `[event, detail]`, and how
    /// `ready` settled in its `settled`.
    pub async fn mount_only(&self, options: &str) -> String {
        self.host().await;
        let src = self
            .s
            .js(&format!(
                "const src = window.__mount({options}); {WATCH} return src;"
            ))
            .await;
        src.as_str().expect("iframe src").to_owned()
    }

    /// Mount with extra options given as JS source (functions allowed); returns the iframe URL.
    pub async fn mount(&self, options: &str) -> String {
        let src = self.mount_only(options).await;
        // Wait for the stand-in to load inside the new iframe.
        eventually("the stand-in embed", || async {
            self.embed_frame().await.ok()?;
            (self
                .s
                .try_js("return Array.isArray(window.__got)")
                .await
                .ok()?
                == Value::Bool(true))
            .then_some(())
        })
        .await;
        self.host().await;
        src
    }

    pub async fn host(&self) {
        self.s
            .driver
            .enter_default_frame()
            .await
            .expect("host page");
    }

    pub async fn embed_frame(&self) -> thirtyfour::prelude::WebDriverResult<()> {
        self.s.driver.enter_default_frame().await?;
        self.s
            .driver
            .find(By::Css("#box iframe"))
            .await?
            .enter_frame()
            .await
    }

    /// Post from the stand-in embed to the host page.
    pub async fn send(&self, msg: Value) {
        self.embed_frame().await.expect("embed frame");
        self.s
            .js(&format!("window.__send({msg}); return true"))
            .await;
        self.host().await;
    }

    /// What the stand-in embed received (data only), and from which origin.
    pub async fn got(&self) -> Vec<Value> {
        self.embed_frame().await.expect("embed frame");
        let v = self.s.js("return window.__got").await;
        self.host().await;
        v.as_array().expect("received").clone()
    }

    pub async fn events(&self) -> Vec<Value> {
        self.host().await;
        self.s
            .js("return window.__events")
            .await
            .as_array()
            .expect("events")
            .clone()
    }

    pub async fn height(&self) -> String {
        self.host().await;
        let v = self
            .s
            .js("return document.querySelector('#box iframe').style.height")
            .await;
        v.as_str().expect("height").to_owned()
    }
}

impl Bench {
    /// What the handle's `on()` listeners heard, as `[event, detail]` pairs.
    pub async fn seen(&self) -> Vec<Value> {
        self.host().await;
        self.s
            .js("return window.__kit.seen")
            .await
            .as_array()
            .expect("seen")
            .clone()
    }

    /// How `ready` settled: `{ok: info}` or `{code, message}`; `Null` while pending.
    pub async fn settled(&self) -> Value {
        self.host().await;
        self.s.js("return window.__kit.settled").await
    }
}
