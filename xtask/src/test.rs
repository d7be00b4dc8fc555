//! `cargo xtask test`: every check and test the repo has, in the order that finds a mistake
//! soonest, with the release build running beside the tests.
//!
//! Where the time goes on a fresh clone (2 cores, docs/decisions.md 81): clippy checks every
//! dependency once per target (about 100 s native, 95 s wasm32); one native build makes every
//! native test binary and the e2e suite (about 200 s; the package selection is the same in every
//! native command, or cargo would unify features differently and build again); the native tests
//! then run in seconds; the browser tests build the runtime for wasm32 and run it in Chromium
//! and again in Firefox ESR (about 100 s, then 50 s);
//! the release build (about 145 s alone, its last minute on one core) runs in the background
//! from the native build on; the e2e suite takes about 280 s in Chromium, a third of it on real
//! token timelines (the 30 s refresh timeout is the contract), and its core about 170 s in
//! Firefox ESR and 110 s in WebKitGTK (`e2e.rs`).

use crate::e2e::E2E_SUITE;
use crate::{Ctx, run, size_report, step};
use std::fs::File;
use std::path::Path;
use std::process::Child;

pub fn test(ctx: &Ctx) -> Result<(), String> {
    crate::setup::setup(ctx)?;
    step("rustfmt and leptosfmt", || {
        run(cargo(ctx).args(["fmt", "--all", "--", "--check"]))?;
        run(ctx
            .cmd("leptosfmt")
            .args(["--quiet", "--check", "src", "tests"]))
    })?;
    step("host kit types (tsc --noEmit)", || crate::kit::types(ctx))?;
    step("clippy (native)", || {
        run(cargo(ctx)
            .args(["clippy", "--workspace", "--all-targets"])
            .args(["--", "-D", "warnings"]))
    })?;
    step("clippy (wasm32)", clippy_wasm(ctx))?;
    let log = ctx.target_dir().join("release-build.log");
    let mut release = start_release_build(ctx, &log)?;
    let tests = native_and_browser_tests(ctx);
    if tests.is_err() {
        // Say what broke now, not after the build.
        let _ = release.kill();
    }
    let built = step(
        "release build (running since the native tests began)",
        || finish_release_build(release, &log),
    );
    tests?;
    built?;
    crate::e2e::e2e(ctx, || cargo(ctx))?;
    step("bundle size", || size_report(ctx))
}

/// Cargo for CI: not incremental (a fresh clone builds everything once; the incremental caches
/// would only cost time).
fn cargo(ctx: &Ctx) -> std::process::Command {
    let mut c = ctx.cmd("cargo");
    c.env("CARGO_INCREMENTAL", "0");
    c
}

fn clippy_wasm(ctx: &Ctx) -> impl FnOnce() -> Result<(), String> + '_ {
    move || {
        let wasm = ["--target", "wasm32-unknown-unknown"];
        run(cargo(ctx)
            .args(["clippy", "-p", "meshes-embed", "--all-targets"])
            .args(wasm)
            .args(["--", "-D", "warnings"]))?;
        // The split release build compiles the pages as split functions.
        run(cargo(ctx)
            .args([
                "clippy",
                "-p",
                "meshes-embed",
                "--lib",
                "--features",
                "split",
            ])
            .args(wasm)
            .args(["--", "-D", "warnings"]))?;
        run(cargo(ctx)
            .args(["clippy", "-p", "meshes-protocol", "--lib"])
            .args(wasm)
            .args(["--", "-D", "warnings"]))
    }
}

/// Every native cargo command selects the same packages: with another selection cargo unifies
/// features differently and builds much of it again. Which tests run is chosen by target.
pub const NATIVE: [&str; 4] = ["test", "--workspace", "--exclude", "meshes-embed"];

/// The native test targets, from `cargo metadata`: every package's but the e2e suite (run
/// later) and the runtime's (its unit tests run in the browser).
fn native_tests(ctx: &Ctx) -> Result<Vec<String>, String> {
    let out = ctx
        .cmd("cargo")
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let mut args = vec!["--lib".to_owned(), "--bins".to_owned()];
    for package in meta["packages"].as_array().into_iter().flatten() {
        if package["name"] == "meshes-embed" {
            continue;
        }
        for target in package["targets"].as_array().into_iter().flatten() {
            let is_test = target["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "test"));
            let name = target["name"].as_str().unwrap_or_default();
            if is_test && !(package["name"] == "e2e" && name == E2E_SUITE) {
                args.extend(["--test".to_owned(), name.to_owned()]);
            }
        }
    }
    Ok(args)
}

/// The runtime's unit tests run with its browser tests (in the browser, where the runtime
/// runs), so the native tests never compile the Leptos stack for the host.
fn native_and_browser_tests(ctx: &Ctx) -> Result<(), String> {
    // One build of every native test binary, the e2e suite's included: one cargo run keeps
    // both cores busy where two in a row would each end on one.
    step("native build (tests, sandbox, e2e suite)", || {
        let native = ["test", "--workspace", "--exclude", "meshes-embed"];
        run(cargo(ctx).args(native).arg("--no-run"))?;
        run(cargo(ctx)
            .args(native)
            .args(["--test", E2E_SUITE, "--no-run"]))
    })?;
    step("native tests", || {
        run(cargo(ctx).args(NATIVE).args(native_tests(ctx)?))
    })?;
    // The same tests in both engines (one build: only the driver differs).
    for (engine, driver, path, other) in [
        (
            "Chromium",
            "CHROMEDRIVER",
            "/usr/bin/chromedriver",
            "GECKODRIVER",
        ),
        ("Firefox ESR", "GECKODRIVER", "geckodriver", "CHROMEDRIVER"),
    ] {
        step(
            &format!("browser tests (wasm-bindgen-test, headless {engine})"),
            || {
                run(cargo(ctx)
                    .args([
                        "test",
                        "-p",
                        "meshes-embed",
                        "--target",
                        "wasm32-unknown-unknown",
                    ])
                    .env(driver, path)
                    .env_remove(other)
                    .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))
            },
        )?;
    }
    Ok(())
}

/// `cargo xtask release` in the background (its own target directory, so no lock is shared
/// with the tests), its output in `log`.
fn start_release_build(ctx: &Ctx, log: &Path) -> Result<Child, String> {
    println!(
        "==> release build, in the background (log: {})",
        log.display()
    );
    let _ = std::fs::create_dir_all(ctx.target_dir());
    let out = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    ctx.cmd(&exe.to_string_lossy())
        .arg("release")
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("release build: {e}"))
}

fn finish_release_build(mut release: Child, log: &Path) -> Result<(), String> {
    let status = release.wait().map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(log).unwrap_or_default();
    // Its own step lines, so the summary shows where its time went.
    for line in text.lines().filter(|l| l.starts_with("<== ")) {
        println!("    {line}");
    }
    if status.success() {
        Ok(())
    } else {
        println!("{text}");
        Err(format!(
            "the release build failed ({status}); its log is above"
        ))
    }
}

#[cfg(test)]
mod tests {
    /// No sender anywhere in the runtime, its loader or the host kit may use the wildcard
    /// target origin (docs/contract.md §3). A source scan: it runs natively, with the repo at hand.
    #[test]
    fn nothing_posts_to_the_wildcard_origin() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut stack = vec![root.join("src"), root.join("www"), root.join("assets")];
        let mut scanned = 0;
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                scanned += 1;
                for (i, line) in text.lines().enumerate() {
                    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
                    let wildcard = ["\"*\")", "'*')", "\"*\",", "'*',"]
                        .iter()
                        .any(|w| compact.contains(w));
                    let sends = compact.contains("post_message") || compact.contains("postMessage");
                    assert!(
                        !(sends && wildcard),
                        "{}:{} posts to '*'",
                        path.display(),
                        i + 1
                    );
                }
            }
        }
        assert!(scanned > 50, "the scan saw the sources ({scanned} files)");
    }
}
