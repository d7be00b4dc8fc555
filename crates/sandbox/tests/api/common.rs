//! In-process sandbox for API tests: a fresh in-memory database per test, the real router.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use meshes_sandbox::config::Config;
use meshes_sandbox::store::db::Db;
use meshes_sandbox::store::seed;
use meshes_sandbox::{AppState, meshes_router};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const WS: &str = seed::DEMO_WORKSPACE_ID;

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub key: String,
    /// This test's own copy of the database.
    data: tempfile::TempDir,
}

/// The demo data, seeded once per run and copied for each test: seeding is most of a test's
/// set-up (about 0.7 s in a debug build, and there are dozens of tests).
fn seeded() -> &'static [u8] {
    static TEMPLATE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("seeded.db");
        seed::seeded_file(&path).expect("seed the template database");
        std::fs::read(&path).expect("read the template database")
    })
}

pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
    pub text: String,
}

impl Res {
    /// Params named in a Meshes error body.
    pub fn params(&self) -> Vec<String> {
        self.json["error"]["data"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p["param"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    pub fn new() -> TestApp {
        Self::with_config(|_| {})
    }

    pub fn with_config(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let mut cfg = Config::for_tests("unused.db".into());
        tweak(&mut cfg);
        let data = tempfile::tempdir().expect("tempdir");
        let path = data.path().join("sandbox.db");
        std::fs::write(&path, seeded()).expect("write the seed");
        let db = Db::open(&path).expect("db");
        // Deliveries seeded as under way stay still: a test runs the engine for its own work.
        db.conn()
            .execute("UPDATE rule_events SET due_ms = NULL", [])
            .expect("quiet the seed");
        let state = AppState::new(cfg, db).expect("state");
        let key = state.cfg.management_key.clone();
        TestApp {
            router: meshes_router(state.clone()),
            state,
            key,
            data,
        }
    }

    /// This test's database file (a restarted sandbox opens it again).
    pub fn db_path(&self) -> std::path::PathBuf {
        self.data.path().join("sandbox.db")
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<Value>,
    ) -> Res {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(b) = bearer {
            req = req.header("authorization", format!("Bearer {b}"));
        }
        let body = match body {
            Some(v) => {
                req = req.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }

    pub async fn send(&self, req: Request<Body>) -> Res {
        send_to(&self.router, req).await
    }

    /// Management call.
    pub async fn m(&self, method: Method, path: &str, body: Option<Value>) -> Res {
        let key = self.key.clone();
        self.call(method, path, Some(&key), body).await
    }

    pub async fn mint(&self, extra: Value) -> Res {
        let mut body = json!({ "workspace_id": WS });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        self.m(Method::POST, "/api/v1/sessions", Some(body)).await
    }

    /// Mint and return (session_id, access_token, launch_token).
    pub async fn session(&self, extra: Value) -> (String, String, String) {
        let r = self.mint(extra).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let s = |k: &str| r.json[k].as_str().unwrap().to_owned();
        (s("session_id"), s("access_token"), s("launch_token"))
    }

    /// The exchange from a page on `https://app.example.com` (what most tests' sessions allow,
    /// or don't restrict).
    pub async fn exchange(&self, token: &str, session: Option<&str>) -> Res {
        self.exchange_from(token, session, Some("https://app.example.com"))
            .await
    }

    /// The exchange as the runtime sends it, with the parent origin the browser reported.
    pub async fn exchange_from(
        &self,
        token: &str,
        session: Option<&str>,
        parent: Option<&str>,
    ) -> Res {
        let mut body = json!({ "launch_token": token });
        if let Some(s) = session {
            body["session_id"] = s.into();
        }
        if let Some(p) = parent {
            body["parent_origin"] = p.into();
        }
        self.call(Method::POST, "/api/v1/embed/launch", None, Some(body))
            .await
    }
}

/// Send a request to any router (the Meshes one, the demo host's) and read the answer.
pub async fn send_to(router: &Router, req: Request<Body>) -> Res {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Res {
        status,
        headers,
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}
