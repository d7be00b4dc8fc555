//! `cargo xtask <command>` — the repo's two README commands and their parts.
//!
//!   setup   install what is missing (idempotent): Debian chromium/chromedriver/brotli, the wasm32
//!           target, trunk, wasm-bindgen-cli matching Cargo.lock, npm binaryen 132, terser and TypeScript, cargo fetch
//!   dev     setup, build the embed, start the sandbox with seeded demo data (args pass through)
//!   test    setup, fmt, clippy (native + wasm32), native tests and browser tests with the
//!           release build beside them, e2e against it, bundle-size report (`test.rs`)
//!   build   setup, release build of the embed, size report
//!   release the release build alone (what `test` runs in the background)
//!   size    size report of the current dist/
//!   bench   setup, release build, then the embed against a hand-written page in headless
//!           Chromium at 1× and 4× CPU (writes target/bench-report.md), and the release sandbox
//!           under load (target/load-report.md); not part of `test`

mod contrast;
mod e2e;
mod kit;
mod setup;
mod size;
mod split;
mod test;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

pub struct Ctx {
    pub root: PathBuf,
}

impl Ctx {
    pub fn target_dir(&self) -> PathBuf {
        std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| self.root.join("target"))
    }

    pub fn dist(&self) -> PathBuf {
        self.root.join("dist")
    }

    /// PATH with npm's wasm-opt first (never Debian's) and cargo's bin dir present.
    fn path(&self) -> String {
        let mut parts = vec![
            self.root
                .join("node_modules/.bin")
                .to_string_lossy()
                .into_owned(),
        ];
        if let Some(home) = cargo_home() {
            parts.push(home.join("bin").to_string_lossy().into_owned());
        }
        parts.push(std::env::var("PATH").unwrap_or_default());
        parts.join(":")
    }

    pub fn cmd(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.current_dir(&self.root)
            .env("PATH", self.path())
            .env("TRUNK_SKIP_VERSION_CHECK", "true");
        c
    }
}

pub fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

pub fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!(
        "{} {}",
        cmd.get_program().to_string_lossy(),
        cmd.get_args()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("    $ {shown}");
    let status = cmd.status().map_err(|e| format!("{shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Run one named step, timing it.
pub fn step(name: &str, f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    println!("==> {name}");
    let t = Instant::now();
    let r = f();
    println!(
        "<== {name}: {} in {:.1}s",
        if r.is_ok() { "ok" } else { "FAILED" },
        t.elapsed().as_secs_f64()
    );
    r
}

pub fn build_embed(ctx: &Ctx) -> Result<(), String> {
    step("release build, split at the lazy pages", || {
        split::build(ctx)
    })?;
    step("precompress (brotli, gzip)", || {
        size::precompress(&ctx.dist())
    })
}

pub fn size_report(ctx: &Ctx) -> Result<(), String> {
    let r = size::report(&ctx.dist());
    let k = kit::size(ctx);
    let mut text = match &r {
        Ok(t) | Err(t) => t.clone(),
    };
    text += match &k {
        Ok(t) | Err(t) => t,
    };
    text += &size::twiggy_top(&split::names_wasm(ctx));
    println!("{text}");
    let _ = std::fs::create_dir_all(ctx.target_dir());
    let _ = std::fs::write(ctx.target_dir().join("size-report.txt"), &text);
    r.and(k).map(|_| ())
}

/// `cargo xtask dev -- --no-seed`: cargo passes the `--` through; the sandbox's flags follow it.
fn sandbox_args(args: &[String]) -> &[String] {
    match args.first().map(String::as_str) {
        Some("--") => &args[1..],
        _ => args,
    }
}

fn bench(ctx: &Ctx) -> Result<(), String> {
    setup::setup(ctx)?;
    build_embed(ctx)?;
    step("bench (embed vs baseline, headless Chromium)", || {
        run(ctx.cmd("cargo").args(["build", "-p", "meshes-sandbox"]))?;
        run(ctx
            .cmd("cargo")
            .args(["run", "-q", "-p", "e2e", "--bin", "bench"])
            .env("MESHES_DIST", ctx.dist())
            .env(
                "MESHES_SANDBOX_BIN",
                ctx.target_dir().join("debug/meshes-sandbox"),
            )
            .env("CHROMEDRIVER", "/usr/bin/chromedriver"))
    })?;
    step("server load (release sandbox, 100,000 events)", || {
        run(ctx
            .cmd("cargo")
            .args(["build", "--release", "-p", "meshes-sandbox"]))?;
        run(ctx
            .cmd("cargo")
            .args(["run", "--release", "-q", "-p", "e2e", "--bin", "load"])
            .env(
                "MESHES_SANDBOX_BIN",
                ctx.target_dir().join("release/meshes-sandbox"),
            ))
    })
}

fn dev(ctx: &Ctx, args: &[String]) -> Result<(), String> {
    let args = sandbox_args(args);
    setup::setup(ctx)?;
    build_embed(ctx)?;
    step("build sandbox", || {
        run(ctx.cmd("cargo").args(["build", "-p", "meshes-sandbox"]))
    })?;
    println!("==> starting meshes-sandbox (Ctrl-C to stop)");
    run(ctx
        .cmd(
            &ctx.target_dir()
                .join("debug/meshes-sandbox")
                .to_string_lossy(),
        )
        .args(args)
        .env("MESHES_DIST", ctx.dist()))
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let ctx = Ctx {
        root: root.canonicalize().unwrap_or(root),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let started = Instant::now();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::setup(&ctx),
        Some("dev") => dev(&ctx, &args[1..]),
        Some("test") => test::test(&ctx),
        // The release build alone: what `test` runs beside the tests.
        Some("release") => build_embed(&ctx),
        Some("build") => setup::setup(&ctx)
            .and_then(|_| build_embed(&ctx))
            .and_then(|_| size_report(&ctx)),
        Some("size") => size_report(&ctx),
        Some("bench") => bench(&ctx),
        _ => Err(
            "usage: cargo xtask <setup | dev [sandbox flags] | test | build | size | bench>".into(),
        ),
    };
    let secs = started.elapsed().as_secs_f64();
    match result {
        Ok(()) => println!(
            "xtask {}: ok in {secs:.0}s",
            args.first().map(String::as_str).unwrap_or("")
        ),
        Err(e) => {
            eprintln!("xtask: {e} (after {secs:.0}s)");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sandbox_args;

    #[test]
    fn dev_passes_the_flags_after_the_separator() {
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(sandbox_args(&v(&["--", "--no-seed"])), v(&["--no-seed"]));
        assert_eq!(
            sandbox_args(&v(&["--", "--embed-origin", "http://127.0.0.1:8081"])),
            v(&["--embed-origin", "http://127.0.0.1:8081"])
        );
        assert_eq!(sandbox_args(&v(&["--no-seed"])), v(&["--no-seed"]));
        assert!(sandbox_args(&[]).is_empty());
    }
}
