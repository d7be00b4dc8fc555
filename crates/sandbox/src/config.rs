//! Command-line flags, each mirrored by a `MESHES_*` environment variable.

use clap::Parser;
use std::path::PathBuf;

pub const DEFAULT_MANAGEMENT_KEY: &str = "sandbox-management-key";
const WORKSPACE_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

#[derive(Debug, Clone, Parser)]
#[command(
    name = "meshes-sandbox",
    version,
    about = "Local stand-in for Meshes: session API, launch exchange, workspace API, embed \
             documents and a demo host app, on three distinct origins.",
    after_help = "Every flag can also be set through the environment variable shown next to it."
)]
pub struct Config {
    /// The Meshes origin: API under /api/v1, embed documents under /workspace/..., their assets.
    #[arg(long, env = "MESHES_API_ADDR", default_value = "127.0.0.1:8787")]
    pub api_addr: String,

    /// The demo host app ("Acme CRM"): its pages and its backend that mints sessions.
    #[arg(long, env = "MESHES_HOST_ADDR", default_value = "localhost:8080")]
    pub host_addr: String,

    /// The fake OAuth providers (a third origin).
    #[arg(long, env = "MESHES_PROVIDER_ADDR", default_value = "127.0.0.1:8789")]
    pub provider_addr: String,

    /// The providers' authorization page sends `Cross-Origin-Opener-Policy: same-origin`, which
    /// severs the popup from the embed (as some real providers do).
    #[arg(long, env = "MESHES_PROVIDER_COOP")]
    pub provider_coop: bool,

    /// Delay the providers' authorization page by this many milliseconds.
    #[arg(long, env = "MESHES_PROVIDER_SLOW_MS", default_value_t = 0)]
    pub provider_slow_ms: u64,

    /// SQLite database file; data survives restarts.
    #[arg(long, env = "MESHES_DB", default_value_os_t = default_path(".data/meshes-sandbox.db"))]
    pub db: PathBuf,

    /// The built embed (Trunk's dist directory).
    #[arg(long, env = "MESHES_DIST", default_value_os_t = default_path("dist"))]
    pub dist: PathBuf,

    /// The demo host app's static files.
    #[arg(long, env = "MESHES_WWW", default_value_os_t = default_path("www"))]
    pub www: PathBuf,

    /// Management API key (`Authorization: Bearer <key>`). Never sent to a browser.
    #[arg(
        long,
        env = "MESHES_MANAGEMENT_KEY",
        default_value = DEFAULT_MANAGEMENT_KEY,
        hide_env_values = true
    )]
    pub management_key: String,

    /// Public origin of embed documents in launch URLs (e.g. a `trunk serve` origin during
    /// development). Defaults to http://<api-addr>.
    #[arg(long, env = "MESHES_EMBED_ORIGIN")]
    pub embed_origin: Option<String>,

    /// Start without the demo workspace (seeding is idempotent and on by default).
    #[arg(long, env = "MESHES_NO_SEED")]
    pub no_seed: bool,

    /// How many events the demo workspace is seeded with (on a fresh database only).
    #[arg(long, env = "MESHES_SEED_EVENTS", default_value_t = 2400, value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub seed_events: u32,

    /// Tests only: record requests (credentials included) and allow fault injection under
    /// /__sandbox. Never enable this anywhere else.
    #[arg(long, env = "MESHES_TEST_HOOKS")]
    pub test_hooks: bool,

    /// Tests only: lowest accepted `ttl_seconds` (Meshes: 300), so token expiry can be exercised
    /// in seconds.
    #[arg(long, env = "MESHES_MIN_TTL_SECONDS", default_value_t = 300, value_parser = clap::value_parser!(i64).range(1..=300))]
    pub min_ttl_seconds: i64,

    /// How long one delivery attempt may take, connection to last byte read.
    #[arg(long, env = "MESHES_DELIVERY_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(100..=120_000))]
    pub delivery_timeout_ms: u64,

    /// The first retry's delay; each later one doubles it (with jitter), up to an hour.
    #[arg(long, env = "MESHES_RETRY_BASE_MS", default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(10..=600_000))]
    pub retry_base_ms: u64,

    /// Event ingestion: requests per second each key may make, sustained.
    #[arg(long, env = "MESHES_INGEST_RATE", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub ingest_rate: u32,

    /// Event ingestion: requests each key may make at once before the sustained rate applies.
    #[arg(long, env = "MESHES_INGEST_BURST", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub ingest_burst: u32,

    /// Tests only (with the test hooks): the embed doctor's probe reports the server's clock
    /// this many seconds off, so a skewed computer clock can be shown in every browser.
    #[arg(long, env = "MESHES_PROBE_CLOCK_OFFSET_SECONDS", default_value_t = 0, value_parser = clap::value_parser!(i64).range(-86_400..=86_400))]
    pub probe_clock_offset_seconds: i64,
}

fn default_path(rel: &str) -> PathBuf {
    let root = PathBuf::from(WORKSPACE_ROOT);
    root.canonicalize().unwrap_or(root).join(rel)
}

/// `addr` (`name:port`, `[v6]:port`, a `Host` header) as a URL's authority: the host as the URL
/// standard normalises it (lower case, IPv6 compressed) and the port. Anything more than an
/// authority (user info, a path) is not one.
pub fn authority(addr: &str) -> Option<(url::Host<String>, Option<u16>)> {
    let u = url::Url::parse(&format!("http://{addr}/")).ok()?;
    let bare = u.username().is_empty() && u.password().is_none() && u.path() == "/";
    let bare = bare && u.query().is_none() && u.fragment().is_none();
    Some((u.host()?.to_owned(), u.port_or_known_default())).filter(|_| bare)
}

impl Config {
    pub fn api_origin(&self) -> String {
        format!("http://{}", self.api_addr)
    }

    pub fn embed_origin(&self) -> String {
        self.embed_origin
            .clone()
            .unwrap_or_else(|| self.api_origin())
            .trim_end_matches('/')
            .to_owned()
    }

    pub fn host_origin(&self) -> String {
        format!("http://{}", self.host_addr)
    }

    pub fn provider_origin(&self) -> String {
        format!("http://{}", self.provider_addr)
    }

    /// The ports the sandbox serves its API and host app on (the engine never delivers there).
    pub fn own_ports(&self) -> Vec<u16> {
        [&self.api_addr, &self.host_addr]
            .into_iter()
            .filter_map(|a| authority(a).and_then(|(_, p)| p))
            .collect()
    }

    /// The published default management key on an address other machines can reach: anyone on
    /// the network could mint sessions for every workspace.
    pub fn default_key_exposed(&self) -> bool {
        let loopback = |addr: &str| {
            authority(addr).is_some_and(|(host, _)| match host {
                url::Host::Domain(d) => d == "localhost",
                url::Host::Ipv4(ip) => ip.is_loopback(),
                url::Host::Ipv6(ip) => ip.is_loopback(),
            })
        };
        self.management_key == DEFAULT_MANAGEMENT_KEY
            && ![&self.api_addr, &self.host_addr]
                .iter()
                .all(|a| loopback(a))
    }

    /// Defaults for tests: ephemeral-looking addresses are supplied by the caller.
    pub fn for_tests(db: PathBuf) -> Config {
        Config {
            api_addr: "127.0.0.1:18787".into(),
            host_addr: "localhost:18080".into(),
            provider_addr: "127.0.0.1:18789".into(),
            db,
            dist: default_path("crates/sandbox/tests/dist"),
            www: default_path("www"),
            management_key: "test-management-key".into(),
            embed_origin: None,
            no_seed: true,
            test_hooks: false,
            min_ttl_seconds: 300,
            probe_clock_offset_seconds: 0,
            delivery_timeout_ms: 2_000,
            retry_base_ms: 50,
            ingest_rate: 50,
            ingest_burst: 100,
            seed_events: 2400,
            provider_coop: false,
            provider_slow_ms: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_key_is_only_fine_on_loopback() {
        let mut c = Config::for_tests("x.db".into());
        c.management_key = DEFAULT_MANAGEMENT_KEY.into();
        for (api, host, exposed) in [
            ("127.0.0.1:8787", "localhost:8080", false),
            ("[::1]:8787", "localhost:8080", false),
            ("0.0.0.0:8787", "localhost:8080", true),
            ("127.0.0.1:8787", "192.168.1.5:8080", true),
            ("demo.example.com:80", "localhost:8080", true),
            ("LOCALHOST:8787", "127.1.2.3:8080", false),
            ("localhost.evil.example:8787", "localhost:8080", true),
            ("user@localhost:8787", "localhost:8080", true),
        ] {
            (c.api_addr, c.host_addr) = (api.into(), host.into());
            assert_eq!(c.default_key_exposed(), exposed, "{api} {host}");
        }
        c.api_addr = "0.0.0.0:8787".into();
        c.management_key = "something-private".into();
        assert!(!c.default_key_exposed());
    }

    /// The demo host answers only as its configured address: the same authority in another
    /// case or spelling is it, anything else is not.
    #[test]
    fn authorities_compare_as_urls_do() {
        let ours = authority("localhost:8080");
        for same in ["localhost:8080", "LocalHost:8080", "%6Cocalhost:8080"] {
            assert_eq!(authority(same), ours, "{same}");
        }
        for other in [
            "localhost:8081",
            "localhost",
            "localhost.:8080",
            "evil.example:8080",
            "localhost:8080/x",
            "a@localhost:8080",
            "",
        ] {
            assert_ne!(authority(other), ours, "{other}");
        }
        assert_eq!(authority("[::1]:8787"), authority("[0:0::1]:8787"));
    }
}
