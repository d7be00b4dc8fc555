//! Which browser the suite drives: Chromium (the default), Firefox ESR or WebKitGTK (Safari's
//! engine family), chosen with `MESHES_E2E_ENGINE=firefox|webkit` (decisions 95, 96). Each gets
//! its own driver process per test and a log file with the console output of every frame.
//! WebKitGTK has no headless mode: it needs a display, e.g. `xvfb-run -a cargo test …`.

use crate::servers::start_listening;
use std::path::Path;
use std::process::Stdio;
use thirtyfour::common::capabilities::firefox::FirefoxPreferences;
use thirtyfour::prelude::*;
use tokio::process::{Child, Command};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    Firefox,
    WebKit,
}

impl Engine {
    /// The engine of this run (read once: it is asked before every click).
    pub fn current() -> Engine {
        static CURRENT: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
        *CURRENT.get_or_init(|| match std::env::var("MESHES_E2E_ENGINE").as_deref() {
            Ok("firefox") => Engine::Firefox,
            Ok("webkit") => Engine::WebKit,
            Ok("chromium") | Err(_) => Engine::Chromium,
            Ok(other) => panic!("MESHES_E2E_ENGINE={other}: chromium, firefox or webkit"),
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "Chromium",
            Engine::Firefox => "Firefox",
            Engine::WebKit => "WebKitGTK",
        }
    }

    /// A driver and a browser session in it, the window 1280×1000. A browser that fails to
    /// start (a busy machine can make a WebKit session fail) gets a second try with a new driver.
    pub async fn start(self, extra_args: &[&str], log: &Path) -> (Child, WebDriver) {
        let mut attempt = 1;
        loop {
            let spawn = |[port]: [u16; 1]| {
                self.driver(port, log)
                    .spawn()
                    .unwrap_or_else(|e| panic!("cannot start {}'s driver: {e}", self.name()))
            };
            let (child, [port]) =
                start_listening("the browser driver", spawn, |ports| ports.to_vec()).await;
            let caps = self.capabilities(extra_args, log);
            match WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await {
                Ok(driver) => {
                    if self != Engine::Chromium {
                        // Chromium takes its size as a flag.
                        driver.set_window_rect(0, 0, 1280, 1000).await.unwrap();
                    }
                    return (child, driver);
                }
                Err(e) if attempt < 2 => eprintln!("{} session, try {attempt}: {e}", self.name()),
                Err(e) => panic!("no {} session: {e}", self.name()),
            }
            attempt += 1;
        }
    }

    /// The driver on `port`; Firefox's and WebKit's console output goes to `log` through it.
    pub fn driver(self, port: u16, log: &Path) -> Command {
        let logged = |program: &str| {
            // Appended to, never truncated: WebKit's wrapper appends to it too, and a retried
            // start keeps the failed try's output.
            let out = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)
                .expect("the browser log");
            let err = out.try_clone().expect("the browser log");
            let mut c = Command::new(program);
            c.stdout(out).stderr(err);
            c
        };
        let mut cmd = match self {
            Engine::Chromium => {
                let mut c = Command::new(
                    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()),
                );
                c.arg(format!("--port={port}"))
                    .stdout(Stdio::null())
                    .stderr(Stdio::null());
                c
            }
            Engine::Firefox => {
                let mut c =
                    logged(&std::env::var("GECKODRIVER").unwrap_or_else(|_| "geckodriver".into()));
                // Port 0 for its BiDi socket: the default (9222) is one port for every test.
                c.arg(format!("--port={port}")).arg("--websocket-port=0");
                c
            }
            Engine::WebKit => {
                assert!(
                    std::env::var_os("DISPLAY").is_some(),
                    "WebKitGTK needs a display: run the suite under `xvfb-run -a`"
                );
                let mut c = logged(
                    &std::env::var("WEBKIT_DRIVER").unwrap_or_else(|_| "WebKitWebDriver".into()),
                );
                // The driver discards the browser's output: the wrapper appends it to the log.
                c.arg(format!("--port={port}"))
                    .env("MESHES_BROWSER_LOG", log)
                    // English, as the other engines here speak (its default is the C locale).
                    .env("LANG", "en_US.UTF-8")
                    // Classic scrollbars, as the tests measure them in Chromium (GTK's setting,
                    // from webkit/gtk-3.0/settings.ini).
                    .env("XDG_CONFIG_HOME", webkit_dir());
                c
            }
        };
        cmd.kill_on_drop(true);
        cmd
    }

    /// The session's capabilities; Chromium's console output goes to `log`.
    pub fn capabilities(self, extra_args: &[&str], log: &Path) -> Capabilities {
        match self {
            Engine::Chromium => {
                let mut caps = DesiredCapabilities::chrome();
                caps.set_binary(
                    &std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                )
                .unwrap();
                for arg in [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--window-size=1280,1000",
                ]
                .iter()
                .chain(extra_args)
                {
                    caps.add_arg(arg).unwrap();
                }
                // Console output of every frame (cross-origin iframes included).
                caps.add_arg("--enable-logging").unwrap();
                caps.add_arg("--log-level=0").unwrap();
                caps.add_arg(&format!("--log-file={}", log.display()))
                    .unwrap();
                caps.into()
            }
            Engine::Firefox => {
                assert!(extra_args.is_empty(), "Chromium flags given to Firefox");
                let mut caps = DesiredCapabilities::firefox();
                caps.set_firefox_binary(
                    &std::env::var("FIREFOX_BIN").unwrap_or_else(|_| "/usr/bin/firefox-esr".into()),
                )
                .unwrap();
                caps.add_arg("-headless").unwrap();
                let mut prefs = FirefoxPreferences::new();
                // Console output of every frame to the driver's stdout (the log file).
                prefs.set("devtools.console.stdout.content", true).unwrap();
                // Classic scrollbars, as the tests measure them in Chromium.
                prefs
                    .set("widget.gtk.overlay-scrollbars.enabled", false)
                    .unwrap();
                caps.set_preferences(prefs).unwrap();
                caps.into()
            }
            Engine::WebKit => {
                assert!(extra_args.is_empty(), "Chromium flags given to WebKit");
                // MiniBrowser through a wrapper that keeps its output (`WEBKIT_BROWSER` names
                // another build of it).
                let binary = webkit_dir().join("minibrowser.sh");
                let mut caps = Capabilities::new();
                caps.set(
                    "webkitgtk:browserOptions",
                    serde_json::json!({
                        "binary": binary,
                        // Console output of every frame to its stdout (the log file).
                        "args": ["--automation", "--enable-write-console-messages-to-stdout=true"],
                    }),
                )
                .unwrap();
                caps
            }
        }
    }
}

/// `e2e/webkit`: MiniBrowser's wrapper and the GTK settings its runs use.
fn webkit_dir() -> std::path::PathBuf {
    crate::repo_root().join("e2e/webkit")
}
