//! Harness for the cross-origin end-to-end tests: starts a fresh sandbox (its own database and
//! ports) and a browser driver per test, and drives real headless Chromium (or Firefox ESR or
//! WebKitGTK, `engine`) through the demo host.
//!
//! Origins: host `http://localhost:<p>`, Meshes `http://127.0.0.1:<p>`, provider
//! `http://127.0.0.1:<p>` — three distinct origins, host and Meshes on distinct sites.
#![allow(
    clippy::unwrap_used,
    reason = "the test harness: a setup that breaks should fail its test at once"
)]

use serde_json::Value;
use std::future::Future;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;
use tokio::process::{Child, Command};

pub const MANAGEMENT_KEY: &str = "e2e-management-key";
pub const DEMO_WORKSPACE_ID: &str = "7c1e2d9a-5b7e-4f3a-9a51-0d6c8e2f4b10";

pub type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

pub mod attacker;
pub mod axe;
mod embed;
pub mod engine;
mod hooks;
mod host;
pub mod kit;
pub mod profile;
mod servers;
mod windows;

pub use engine::Engine;
use servers::{seeded_template, start_listening};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A running sandbox + browser driver + browser session. Processes die with it.
pub struct Stack {
    pub host: String,
    pub meshes: String,
    /// The fake providers' origin, which also serves the webhook inbox (`/inbox/{name}`).
    pub provider: String,
    pub driver: WebDriver,
    pub http: reqwest::Client,
    browser_log: PathBuf,
    _sandbox: Child,
    _browser_driver: Child,
    _data: tempfile::TempDir,
}

impl Stack {
    pub async fn start() -> Stack {
        Self::start_with(&[]).await
    }

    /// Start with extra sandbox environment (e.g. `MESHES_PROVIDER_COOP`).
    pub async fn start_with(env: &[(&str, &str)]) -> Stack {
        Self::start_custom(env, &[]).await
    }

    /// Start with extra sandbox environment and extra Chromium flags (the bench runs frames in
    /// their host page's process, so CPU throttling applies to them too).
    pub async fn start_custom(env: &[(&str, &str)], chrome_args: &[&str]) -> Stack {
        let data = tempfile::tempdir().expect("tempdir");
        std::fs::write(data.path().join("sandbox.db"), seeded_template()).expect("write the seed");
        let bin = std::env::var_os("MESHES_SANDBOX_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join("target/debug/meshes-sandbox"));
        let dist = std::env::var_os("MESHES_DIST")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join("dist"));
        assert!(
            dist.join("index.html").exists(),
            "no embed build at {} (run `cargo xtask test`)",
            dist.display()
        );
        let spawn_sandbox = |[host_port, api_port, provider_port]: [u16; 3]| {
            Command::new(&bin)
                .env("MESHES_API_ADDR", format!("127.0.0.1:{api_port}"))
                .env("MESHES_HOST_ADDR", format!("localhost:{host_port}"))
                .env("MESHES_PROVIDER_ADDR", format!("127.0.0.1:{provider_port}"))
                .env("MESHES_DB", data.path().join("sandbox.db"))
                .env("MESHES_DIST", &dist)
                .env("MESHES_WWW", repo_root().join("www"))
                .env("MESHES_MANAGEMENT_KEY", MANAGEMENT_KEY)
                // Request log + fault injection, and tokens short enough to watch them expire.
                .env("MESHES_TEST_HOOKS", "true")
                .env("MESHES_MIN_TTL_SECONDS", "20")
                .env("RUST_LOG", "warn")
                .envs(env.iter().copied())
                .stdout(Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()))
        };
        let (sandbox, [host_port, api_port, provider_port]) =
            start_listening("the sandbox", spawn_sandbox, |[h, a, p]| vec![h, a, p]).await;
        let browser_log = data.path().join("browser.log");
        let (browser_driver, driver) = Engine::current().start(chrome_args, &browser_log).await;
        Stack {
            host: format!("http://localhost:{host_port}"),
            meshes: format!("http://127.0.0.1:{api_port}"),
            provider: format!("http://127.0.0.1:{provider_port}"),
            driver,
            http: reqwest::Client::new(),
            browser_log,
            _sandbox: sandbox,
            _browser_driver: browser_driver,
            _data: data,
        }
    }
    /// Run JS in the current browsing context and return its value. A script that throws, or a
    /// context that is gone, fails the test: a negative check must never pass on an error.
    pub async fn js(&self, script: &str) -> Value {
        match self.try_js(script).await {
            Ok(v) => v,
            Err(e) => panic!("script failed: {e}\n{script:.200}"),
        }
    }

    /// `js` for polling through a navigation (the context may briefly not exist).
    pub async fn try_js(&self, script: &str) -> WebDriverResult<Value> {
        self.driver
            .execute(script, vec![])
            .await
            .map(|r| r.json().clone())
    }
    /// Call the Meshes API with the management key.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.meshes))
            .bearer_auth(MANAGEMENT_KEY);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("api call");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// The browser's own log: console output of every frame, and its diagnostics.
    pub fn browser_log(&self) -> String {
        let log = std::fs::read_to_string(&self.browser_log).expect("the browser's log file");
        assert!(
            !log.is_empty(),
            "the browser's log is empty: a scan of it would prove nothing"
        );
        log
    }
    /// Wait for an element inside the embed, then click it.
    pub async fn click_when_ready(&self, css: &str) -> WebDriverResult<()> {
        self.embed_text(css).await;
        self.click_in_embed(css).await
    }
    /// Save a full-page screenshot when `E2E_SCREENSHOTS` names a directory (for humans).
    pub async fn screenshot(&self, name: &str) {
        if let Some(dir) = std::env::var_os("E2E_SCREENSHOTS") {
            let _ = self.driver.enter_default_frame().await;
            let _ = std::fs::create_dir_all(&dir);
            let _ = self
                .driver
                .screenshot(&PathBuf::from(dir).join(format!("{name}.png")))
                .await;
        }
    }

    pub async fn quit(self) {
        let _ = self.driver.quit().await;
    }
}

/// Poll until `check` yields a value (10 s), failing the test with `what` otherwise.
pub async fn eventually<T, F, Fut>(what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    eventually_within(what, Duration::from_secs(10), check).await
}

/// `eventually` with an explicit limit (for waits the contract sets, e.g. the 30 s refresh timeout).
pub async fn eventually_within<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The URL path of a file in the split build under test (`/pkg-<hash>/<file>`).
pub fn build_path(file: &str) -> String {
    let dist = std::env::var_os("MESHES_DIST")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    let pkg = std::fs::read_dir(&dist)
        .expect("the build under test")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("pkg-"))
        .expect("a split build (`cargo xtask build`): dist/pkg-<hash>/");
    assert!(
        dist.join(&pkg).join(file).exists(),
        "{pkg}/{file} in the build"
    );
    format!("/{pkg}/{file}")
}

/// Percent-encode everything but unreserved characters (for URL fragments the tests build).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
