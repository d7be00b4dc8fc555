//! The report: medians, ratios, build sizes, tours.

use super::{Sample, Target, tour::Tour};
use std::collections::BTreeMap;

fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Raw and brotli sizes of a build file.
fn sizes(dist: &std::path::Path, file: &str) -> (u64, u64) {
    let Ok(bytes) = std::fs::read(dist.join(file.trim_start_matches('/'))) else {
        return (0, 0);
    };
    let mut out = vec![];
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    (bytes.len() as u64, out.len() as u64)
}

pub type Tours = BTreeMap<u32, Vec<Tour>>;
type Metric = (&'static str, fn(&Sample) -> f64);

pub fn report(
    samples: &BTreeMap<(u32, Target), Vec<Sample>>,
    tours: &Tours,
    dist: &std::path::Path,
    rounds: usize,
) -> String {
    let mut out = format!(
        "# Bench: embed vs hand-written page\n\nMedians of {} interleaved rounds (the first of {rounds} discarded), milliseconds from the frame's navigation start.\n\n| throttle | metric | embed | baseline | ratio |\n|---|---|---|---|---|\n",
        rounds - 1
    );
    let metrics: [Metric; 8] = [
        ("navigation → `meshes:ready`", |s| s.ready),
        ("`meshes:auth` → data painted", |s| s.auth_to_painted),
        ("… of which: auth → dashboard read sent", |s| {
            s.auth_to_read
        }),
        ("… the read (sent → answered)", |s| s.read),
        ("… answered → painted", |s| s.read_to_painted),
        ("navigation → data painted", |s| s.painted),
        ("longest task before paint", |s| s.longest_task),
        ("bytes transferred before paint", |s| s.bytes_before_paint),
    ];
    for rate in [1u32, 4] {
        for (name, f) in metrics {
            let m = |t| {
                median(
                    samples
                        .get(&(rate, t))
                        .map_or(vec![], |v| v.iter().map(f).collect()),
                )
            };
            let (e, b) = (m(Target::Embed), m(Target::Baseline));
            let ratio = if b > 0.0 {
                format!("{:.2}×", e / b)
            } else {
                "—".to_owned()
            };
            out += &format!("| {rate}× | {name} | {e:.0} | {b:.0} | {ratio} |\n");
        }
    }
    let critical: Vec<String> = samples
        .get(&(1, Target::Embed))
        .and_then(|v| v.last())
        .map(|s| s.files_before_paint.clone())
        .unwrap_or_default();
    // The shipped files, the split build's package folder included.
    let mut files: Vec<String> = vec![];
    let mut dirs = vec![(String::new(), dist.to_path_buf())];
    while let Some((prefix, dir)) = dirs.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.path().is_dir() && name.starts_with("pkg-") {
                dirs.push((format!("{name}/"), e.path()));
            } else if [".wasm", ".js", ".css"].iter().any(|x| name.ends_with(x)) {
                files.push(name);
            }
        }
    }
    files.sort();
    let (mut crit_raw, mut crit_br, mut all_raw, mut all_br) = (0, 0, 0, 0);
    for f in &files {
        let (raw, br) = sizes(dist, f);
        all_raw += raw;
        all_br += br;
        if critical.iter().any(|c| c.ends_with(f.as_str())) {
            crit_raw += raw;
            crit_br += br;
        }
    }
    out += &format!(
        "\nEmbed build: before the first page paints {crit_raw} B raw / {crit_br} B brotli ({} files); whole app {all_raw} B raw / {all_br} B brotli ({} files).\n",
        critical.len(),
        files.len()
    );
    for (rate, runs) in tours {
        let pages: Vec<String> = runs
            .first()
            .map(|(switches, _)| switches.iter().map(|(p, ..)| p.clone()).collect())
            .unwrap_or_default();
        let list: Vec<String> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let resizes = runs.iter().filter_map(|(sw, _)| sw.get(i).map(|x| x.1));
                let (low, high) = (resizes.clone().min(), resizes.max());
                let longest = median(
                    runs.iter()
                        .filter_map(|(sw, _)| sw.get(i).map(|x| x.2))
                        .collect(),
                );
                let resizes = if low == high {
                    format!("{}", high.unwrap_or(0))
                } else {
                    format!("{}–{}", low.unwrap_or(0), high.unwrap_or(0))
                };
                format!("{p} {resizes} (longest task {longest:.0} ms)")
            })
            .collect();
        let overall: Vec<f64> = runs.iter().map(|(_, l)| *l).collect();
        let worst = overall.iter().copied().fold(0.0, f64::max);
        out += &format!(
            "\nTour at {rate}×, {} tours (medians): `meshes:resize` per page switch: {}; longest task from navigation through the tour: median {:.0} ms, worst {worst:.0} ms.\n",
            runs.len(),
            list.join(", "),
            median(overall)
        );
    }
    out
}
