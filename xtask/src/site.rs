//! `cargo xtask site`: assembles the release site in a staging folder and swaps it in whole, so
//! a failed build leaves the previous site serving.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::Context as _;

use crate::Paths;
use crate::tools::{npm_tool, run};
use crate::wasm::OUTPUT_NAME;

/// Browsers the CSS and JS are lowered for (esbuild adds prefixes and rewrites newer syntax).
const BROWSERS: &str = "--target=es2020,chrome100,edge100,firefox100,safari15";

pub fn build(paths: &Paths) -> anyhow::Result<()> {
    let started = Instant::now();
    let staging = paths.site.with_extension("new");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    copy_tree(&paths.root.join("public"), &staging).context("copying public/")?;
    let pkg = staging.join("pkg");
    std::fs::create_dir_all(&pkg)?;

    let prefetch = crate::wasm::build(paths, &pkg)?;
    let esbuild = npm_tool(&paths.root, "esbuild")?;
    run(Command::new(&esbuild)
        .arg(paths.root.join("style").join("main.css"))
        .args(["--minify", BROWSERS, "--log-level=warning"])
        .arg(format!("--outfile={}", pkg.join(format!("{OUTPUT_NAME}.css")).display())))?;
    run(Command::new(&esbuild)
        .current_dir(&paths.root)
        .arg(paths.root.join("frontend").join("js").join("charts.js"))
        .args([
            "--bundle",
            "--minify",
            "--format=iife",
            "--global-name=echarts",
            BROWSERS,
            "--log-level=warning",
        ])
        .arg(format!("--outfile={}", pkg.join("charts.js").display())))?;

    let renamed = crate::fingerprint::apply(
        &pkg,
        &[
            ("wasm", format!("{OUTPUT_NAME}.wasm")),
            ("css", format!("{OUTPUT_NAME}.css")),
            ("charts", "charts.js".to_owned()),
        ],
    )?;
    let split = crate::split::fingerprint(&pkg, &prefetch)?;
    let mut lines: Vec<(String, String)> = renamed.iter().map(|f| (f.kind.clone(), f.hash.clone())).collect();
    lines.extend(split.lines);
    crate::fingerprint::write_list(&staging, &lines)?;
    let hashed: Vec<String> = renamed.into_iter().map(|f| f.name).chain(split.files).collect();
    let phase = Instant::now();
    let compressed = crate::compress::precompress(&staging)?;
    println!("brotli and gzip: {:.1} s", phase.elapsed().as_secs_f64());

    let kept = crate::previous::keep(&paths.site, &staging)?;
    if paths.site.exists() {
        std::fs::remove_dir_all(&paths.site)?;
    }
    std::fs::rename(&staging, &paths.site)?;
    println!(
        "site built in {:.0} s: {} ({} files hashed, {} page groups split out, {compressed} files precompressed, \
         {kept} files of the previous build kept)",
        started.elapsed().as_secs_f64(),
        paths.site.display(),
        hashed.len(),
        prefetch.len()
    );
    Ok(())
}

/// Copies the folder `from` into `to` (created), recursively.
pub fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}
