//! The host kit (`www/meshes-embed.js`) as vendors get it: its hand-written types check against
//! a usage example (`tsc --noEmit -p e2e/kit-types`), and minified it stays within its budget.

use crate::{Ctx, run, size};

/// The kit's budget: 2 kB brotli (-q 11) once minified (terser, as a bundler would).
pub const GUARD_BROTLI: u64 = 2048;

/// Type-check the usage example against `www/meshes-embed.d.ts` through `www/package.json`.
pub fn types(ctx: &Ctx) -> Result<(), String> {
    run(ctx.cmd("tsc").args(["-p", "e2e/kit-types"]))
}

/// Raw, minified and minified+brotli bytes; fails above the guard.
pub fn size(ctx: &Ctx) -> Result<String, String> {
    let path = ctx.root.join("www/meshes-embed.js");
    let raw = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let out = ctx
        .cmd("terser")
        .arg(&path)
        .args(["--module", "-c", "-m"])
        .output()
        .map_err(|e| format!("terser: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "terser: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let brotli = size::brotli(&out.stdout).len() as u64;
    let text = format!(
        "Host kit www/meshes-embed.js: {} bytes raw, {} minified, {brotli} minified+brotli (guard {GUARD_BROTLI})\n",
        raw.len(),
        out.stdout.len()
    );
    if brotli > GUARD_BROTLI {
        return Err(format!("{text}the host kit exceeds its brotli guard"));
    }
    Ok(text)
}
