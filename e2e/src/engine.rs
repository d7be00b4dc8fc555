//! Which browser the suite drives: Chromium (the default) or Firefox ESR, chosen with
//! `MESHES_E2E_ENGINE=firefox` (decision 95). Each gets its own driver process per test and a
//! log file with the console output of every frame.

use std::path::Path;
use std::process::Stdio;
use thirtyfour::common::capabilities::firefox::FirefoxPreferences;
use thirtyfour::prelude::*;
use tokio::process::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    Firefox,
}

impl Engine {
    pub fn current() -> Engine {
        match std::env::var("MESHES_E2E_ENGINE").as_deref() {
            Ok("firefox") => Engine::Firefox,
            Ok("chromium") | Err(_) => Engine::Chromium,
            Ok(other) => panic!("MESHES_E2E_ENGINE={other}: chromium or firefox"),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "Chromium",
            Engine::Firefox => "Firefox",
        }
    }

    /// The driver on `port`; Firefox's console output goes to `log` through it.
    pub fn driver(self, port: u16, log: &Path) -> Command {
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
                let out = std::fs::File::create(log).expect("the browser log");
                let err = out.try_clone().expect("the browser log");
                let mut c = Command::new(
                    std::env::var("GECKODRIVER").unwrap_or_else(|_| "geckodriver".into()),
                );
                // Port 0 for its BiDi socket: the default (9222) is one port for every test.
                c.arg(format!("--port={port}"))
                    .arg("--websocket-port=0")
                    .stdout(out)
                    .stderr(err);
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
        }
    }
}
