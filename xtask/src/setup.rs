//! Idempotent installation of everything the build and the tests need. Each step checks first
//! and does nothing when the right version is already there.

use crate::{Ctx, run, step};
use std::process::Command;

pub const TRUNK_VERSION: &str = "0.21.14";
pub const LEPTOSFMT_VERSION: &str = "0.1.33";
/// The three engines the browser tests run in (WebKitGTK's driver brings its MiniBrowser; it
/// needs a display, hence Xvfb), and brotli for the size report.
pub const APT_PACKAGES: [&str; 7] = [
    "chromium",
    "chromium-driver",
    "firefox-esr",
    "webkit2gtk-driver",
    "xvfb",
    "xauth",
    "brotli",
];

pub fn setup(ctx: &Ctx) -> Result<(), String> {
    step("apt packages", || apt(ctx))?;
    step("wasm32 target", wasm_target)?;
    step("trunk", trunk)?;
    step("wasm-bindgen-cli", || wasm_bindgen(ctx))?;
    step(
        "wasm-opt, terser, tsc, React types and axe-core (npm)",
        || binaryen(ctx),
    )?;
    step("wasm-split-cli", wasm_split)?;
    step("twiggy", twiggy)?;
    step("leptosfmt", leptosfmt)?;
    step("geckodriver", geckodriver)?;
    step("cargo fetch", || {
        run(Command::new("cargo").arg("fetch").current_dir(&ctx.root))
    })
}

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn apt(_ctx: &Ctx) -> Result<(), String> {
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .copied()
        .filter(|p| {
            // Installed, not just known: a removed package keeps its status entry.
            !Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", p])
                .output()
                .is_ok_and(|o| o.status.success() && o.stdout == b"install ok installed")
        })
        .collect();
    if missing.is_empty() {
        println!("    already installed: {}", APT_PACKAGES.join(", "));
        return Ok(());
    }
    // Debian's binaryen is deliberately not installed: its wasm-opt 108 breaks the bundle.
    let root = output("id", &["-u"]).as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut c = Command::new(if root { "apt-get" } else { "sudo" });
        if !root {
            c.arg("apt-get");
        }
        run(c.args(args).env("DEBIAN_FRONTEND", "noninteractive"))
    };
    apt(&["update", "-qq"])?;
    let mut args = vec!["install", "-y", "-qq"];
    args.extend(&missing);
    apt(&args)
}

fn wasm_target() -> Result<(), String> {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l == "wasm32-unknown-unknown") {
        println!("    already installed");
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn trunk() -> Result<(), String> {
    if output("trunk", &["--version"]).as_deref() == Some(&format!("trunk {TRUNK_VERSION}")) {
        println!("    trunk {TRUNK_VERSION} already installed");
        return Ok(());
    }
    // Thin LTO and parallel codegen: half the build time of trunk's own release profile, and a
    // binary that builds byte-identical bundles.
    run(Command::new("cargo")
        .args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"])
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16"))
}

/// The wasm-bindgen version pinned by Cargo.lock (the CLI must match it exactly).
pub fn locked_wasm_bindgen(ctx: &Ctx) -> Result<String, String> {
    let lock = std::fs::read_to_string(ctx.root.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(v) = lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
        {
            return Ok(v.to_owned());
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn wasm_bindgen(ctx: &Ctx) -> Result<(), String> {
    let want = locked_wasm_bindgen(ctx)?;
    if output("wasm-bindgen", &["--version"]).as_deref() == Some(&format!("wasm-bindgen {want}")) {
        println!("    wasm-bindgen {want} already installed");
        return Ok(());
    }
    // No --locked: the CLI's own lockfile pins a webpki-roots release the registry lacks.
    run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &want, "--force"]))
}

pub const WASM_SPLIT_VERSION: &str = "0.2.4";

/// Splits the release wasm at the split page functions (the release pipeline, `split.rs`).
fn wasm_split() -> Result<(), String> {
    cargo_install(
        "wasm_split_cli_support",
        WASM_SPLIT_VERSION,
        &["--features", "build-binary"],
    )
}

pub const TWIGGY_VERSION: &str = "0.8.0";

/// The size report's "what is big" table (`twiggy top`).
fn twiggy() -> Result<(), String> {
    cargo_install("twiggy", TWIGGY_VERSION, &[])
}

/// Formats the `view!` macros, which rustfmt leaves alone (`leptosfmt.toml`).
fn leptosfmt() -> Result<(), String> {
    cargo_install("leptosfmt", LEPTOSFMT_VERSION, &[])
}

pub const GECKODRIVER_VERSION: &str = "0.37.1";

/// Drives Firefox ESR for the browser tests (Debian ships no geckodriver).
fn geckodriver() -> Result<(), String> {
    cargo_install("geckodriver", GECKODRIVER_VERSION, &[])
}

/// `cargo install --locked <krate> --version <version>`, unless that version is installed.
fn cargo_install(krate: &str, version: &str, extra: &[&str]) -> Result<(), String> {
    let listed = output("cargo", &["install", "--list"]).unwrap_or_default();
    if listed.contains(&format!("{krate} v{version}:")) {
        println!("    {krate} {version} already installed");
        return Ok(());
    }
    run(Command::new("cargo")
        .args(["install", "--locked", krate, "--version", version])
        .args(extra))
}

fn binaryen(ctx: &Ctx) -> Result<(), String> {
    let wasm_opt = ctx.root.join("node_modules/.bin/wasm-opt");
    let version = output(&wasm_opt.to_string_lossy(), &["--version"]).unwrap_or_default();
    let terser = ctx.root.join("node_modules/.bin/terser");
    let terser = output(&terser.to_string_lossy(), &["--version"]).unwrap_or_default();
    let tsc = ctx.root.join("node_modules/.bin/tsc");
    let tsc = output(&tsc.to_string_lossy(), &["--version"]).unwrap_or_default();
    if version.starts_with("wasm-opt version 132")
        && terser == "terser 5.51.4"
        && tsc == "Version 5.9.3"
        && ctx
            .root
            .join("node_modules/@types/react/package.json")
            .exists()
        && std::fs::read_to_string(ctx.root.join("node_modules/axe-core/package.json"))
            .is_ok_and(|p| p.contains("\"version\": \"4.14.1\""))
    {
        println!("    {version}, {terser}, tsc {tsc}");
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&ctx.root))
}
