//! The release build, split: only the shell and the first page on the critical path, every
//! other page in its own wasm chunk fetched on demand (Leptos `#[lazy]`, `src/pages/lazy.rs`).
//! Trunk cannot split, so the release pipeline is:
//!
//!   cargo build (feature `split`, relocations kept) → wasm-split-cli → wasm-bindgen
//!   (`--keep-lld-exports`) → wasm-opt -Oz on every module → one content-hashed folder
//!   `dist/pkg-<hash>/` (the tools fix the names inside) → `dist/index.html`
//!
//! `trunk serve` (development) and the tests keep building one unsplit module.

use crate::{Ctx, run};
use std::path::{Path, PathBuf};

const BIN: &str = "meshes-embed";
/// What the compiler emits for wasm32 today (Trunk passes the same to wasm-opt).
const WASM_FEATURES: [&str; 6] = [
    "--enable-reference-types",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-multivalue",
    "--enable-mutable-globals",
];

/// wasm-opt passes for every module. Restructuring the control flow before optimizing for size
/// twice gives 1.4 % less brotli than a single `-Oz` (measured on the main module: 142.7 →
/// 140.8 kB); the bench shows no slowdown.
const OPTIMIZE: [&str; 4] = ["--flatten", "--rereloop", "-Oz", "-Oz"];

/// 16 hex of a digest over `parts` (file names and contents), for cache-busting names.
fn hash16(parts: &[(String, Vec<u8>)]) -> String {
    use std::hash::Hasher;
    // FNV-1a, 64 bit: stable across toolchains, enough to tell builds apart.
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    for (name, data) in parts {
        h.write(name.as_bytes());
        h.write(&[0]);
        h.write(data);
    }
    format!("{:016x}", h.finish())
}

struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = e.map_err(|e| e.to_string())?.path();
        if path.is_file() {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            out.push((name, std::fs::read(&path).map_err(|e| e.to_string())?));
        }
    }
    out.sort();
    Ok(out)
}

/// Compiler flags of the split build. Panic locations name source files; remapping the
/// registry and checkout prefixes away keeps those strings short (about 5 kB raw in the main
/// module) and the build the same whichever folder it ran in.
fn rustflags(ctx: &Ctx) -> Vec<String> {
    let mut flags: Vec<String> = ["--cfg", "erase_components", "-C", "link-arg=--emit-relocs"]
        .map(String::from)
        .into();
    let registries = crate::cargo_home()
        .map(|h| h.join("registry/src"))
        .and_then(|d| std::fs::read_dir(d).ok())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path());
    for from in registries.chain([ctx.root.clone()]) {
        flags.push(format!("--remap-path-prefix={}=", from.display()));
    }
    flags
}

pub fn build(ctx: &Ctx) -> Result<(), String> {
    let target = ctx.target_dir().join("split");
    let work = target.join("out");
    let _ = std::fs::remove_dir_all(&work);
    let (split_dir, pkg_tmp) = (work.join("split"), work.join("pkg"));
    for d in [&split_dir, &pkg_tmp] {
        std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    // Its own target dir: the relocation flags would otherwise rebuild Trunk's artifacts.
    run(ctx
        .cmd("cargo")
        .args(["build", "--release", "--target", "wasm32-unknown-unknown"])
        .args(["--features", "split", "--bin", BIN, "--offline"])
        .env("CARGO_TARGET_DIR", &target)
        // The encoded form wins over any RUSTFLAGS around us, so relocations are always kept
        // (the splitter needs them).
        .env("CARGO_ENCODED_RUSTFLAGS", rustflags(ctx).join("\u{1f}")))?;
    let raw = target.join(format!("wasm32-unknown-unknown/release/{BIN}.wasm"));
    run(ctx
        .cmd("wasm-split-cli")
        .args(["--target", "web", "--out-name", BIN])
        .arg(&raw)
        .arg(&split_dir))?;
    run(ctx
        .cmd("wasm-bindgen")
        .args(["--target", "web", "--keep-lld-exports", "--out-name", BIN])
        .arg("--out-dir")
        .arg(&pkg_tmp)
        .arg(split_dir.join(format!("{BIN}.wasm"))))?;
    for (name, _) in files(&split_dir)? {
        if name.ends_with(".js") || (name.ends_with(".wasm") && name != format!("{BIN}.wasm")) {
            std::fs::copy(split_dir.join(&name), pkg_tmp.join(&name))
                .map_err(|e| format!("{name}: {e}"))?;
        }
    }
    for (name, _) in files(&pkg_tmp)? {
        if name.ends_with(".wasm") {
            let path = pkg_tmp.join(&name);
            if name == format!("{BIN}_bg.wasm") {
                // The same optimization with names kept, for `twiggy` in the size report (`-g`
                // costs 1 kB of code, so what ships is built without it).
                run(ctx
                    .cmd("wasm-opt")
                    .args(OPTIMIZE)
                    .arg("-g")
                    .args(WASM_FEATURES)
                    .arg(&path)
                    .arg("-o")
                    .arg(names_wasm(ctx)))?;
            }
            // `MESHES_WASM_NAMES=1`: keep function names in what ships, so a CPU profile
            // (`BENCH_PROFILE=1 cargo xtask bench`) names them. Never for a real release.
            let names = std::env::var_os("MESHES_WASM_NAMES").is_some();
            run(ctx
                .cmd("wasm-opt")
                .args(OPTIMIZE)
                .args(names.then_some("-g"))
                .args(WASM_FEATURES)
                .arg(&path)
                .arg("-o")
                .arg(&path))?;
        }
    }
    for junk in [".d.ts", "_bg.wasm.d.ts"] {
        let _ = std::fs::remove_file(pkg_tmp.join(format!("{BIN}{junk}")));
    }
    for (name, _) in files(&pkg_tmp)? {
        if name.ends_with(".js") {
            minify(ctx, &pkg_tmp.join(name))?;
        }
    }
    install(ctx, &pkg_tmp)
}

/// Minify an ES module in place (npm terser, pinned in package.json): the wasm-bindgen glue and
/// the loaders are on the critical path, and minified they need 2.4 kB less brotli.
fn minify(ctx: &Ctx, path: &Path) -> Result<(), String> {
    run(ctx
        .cmd("terser")
        .arg(path)
        .args(["--module", "--compress", "passes=2", "--mangle", "-o"])
        .arg(path))
}

/// The optimized main module with its function names, for `twiggy`.
pub fn names_wasm(ctx: &Ctx) -> PathBuf {
    ctx.target_dir().join("split/out/main-with-names.wasm")
}

/// Move the package into `dist/` under its hash, with the loader, the styles and the document.
fn install(ctx: &Ctx, pkg_tmp: &Path) -> Result<(), String> {
    let dist = ctx.dist();
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::create_dir_all(&dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    let pkg = format!("pkg-{}", hash16(&files(pkg_tmp)?));
    copy_dir(pkg_tmp, &dist.join(&pkg))?;
    let css = std::fs::read(ctx.root.join("assets/style.css")).map_err(|e| e.to_string())?;
    let css_name = format!("style-{}.css", hash16(&[("style.css".into(), css.clone())]));
    write(&dist.join(&css_name), &css)?;
    // The language catalogs the embed fetches on demand (English is compiled in).
    for lang in meshes_protocol::locale::SHIPPED
        .iter()
        .filter(|l| **l != "en")
    {
        let name = format!("{lang}.json");
        let json = std::fs::read(ctx.root.join("locales").join(&name))
            .map_err(|e| format!("{name}: {e}"))?;
        std::fs::create_dir_all(dist.join("locales")).map_err(|e| e.to_string())?;
        write(&dist.join("locales").join(&name), &json)?;
    }
    std::fs::copy(ctx.root.join("assets/boot.js"), dist.join("boot.js"))
        .map_err(|e| format!("boot.js: {e}"))?;
    minify(ctx, &dist.join("boot.js"))?;
    let js = format!("/{pkg}/{BIN}.js");
    let wasm = format!("/{pkg}/{BIN}_bg.wasm");
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <meta name="referrer" content="no-referrer" />
  <title>Meshes workspace</title>
  <link rel="stylesheet" href="/{css_name}" />
  <script type="module" src="/boot.js" data-js="{js}" data-wasm="{wasm}"></script>
  <link rel="modulepreload" href="{js}" /><link rel="modulepreload" href="/{pkg}/__wasm_split.js" />
  <link rel="preload" href="{wasm}" as="fetch" type="application/wasm" crossorigin="anonymous" />
</head>
<body></body>
</html>
"#
    );
    write(&dist.join("index.html"), html.as_bytes())
}

fn write(path: &PathBuf, data: &[u8]) -> Result<(), String> {
    std::fs::write(path, data).map_err(|e| format!("{}: {e}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for (name, data) in files(from)? {
        write(&to.join(name), &data)?;
    }
    Ok(())
}
