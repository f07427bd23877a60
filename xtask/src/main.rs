//! Soco's build tasks, run as `cargo xtask <task>` (an alias in `.cargo/config.toml`):
//!
//! - `site`: builds the release site into `target/site`: the wasm (`wasm-release` profile, split
//!   into one module per lazy route, wasm-bindgen through its library, npm's wasm-opt), the JS glue and CSS minified by esbuild,
//!   the charts bundle (only the ECharts parts Soco draws), the static files from `public/`;
//!   content-hashed names listed in `target/site/hash.txt`, and `.br`/`.gz` copies of everything
//!   compressible, and the previous build's hashed files kept beside them (open tabs still
//!   find theirs). The server is built separately (`cargo build --release -p server`).
//! - `size`: prints what a first page and the chart code cost (raw, gzip, brotli) and fails when
//!   a figure is over its budget in `budgets.json`.
//!
//! It does what cargo-leptos did for Soco's build without its 20-minute install: the pieces are
//! the workspace's own crates and npm packages, at the versions the lock files pin.

mod budget;
mod compress;
mod fingerprint;
mod previous;
mod site;
mod split;
mod tools;
mod wasm;

use std::path::PathBuf;
use std::process::ExitCode;

/// Where things are: the workspace, its cargo target folder and the site being built.
pub struct Paths {
    /// The workspace root (the folder of the top `Cargo.toml`).
    pub root: PathBuf,
    /// The cargo target folder (`CARGO_TARGET_DIR`, or `target/`).
    pub target: PathBuf,
    /// The site root the server serves: `target/site` in the work tree.
    pub site: PathBuf,
}

impl Paths {
    fn discover() -> Self {
        // `cargo run` names this checkout's xtask folder at run time. The compile-time value can
        // name another clone: clones share one target folder, and cargo may reuse the binary.
        let manifest_dir =
            std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into());
        let root =
            PathBuf::from(manifest_dir).parent().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|dir| if dir.is_absolute() { dir } else { root.join(dir) })
            .unwrap_or_else(|| root.join("target"));
        let site = root.join("target").join("site");
        Paths { root, target, site }
    }
}

const USAGE: &str = "usage: cargo xtask site | cargo xtask size";

fn main() -> ExitCode {
    let paths = Paths::discover();
    let task = std::env::args().nth(1);
    let result = match task.as_deref() {
        Some("site") => site::build(&paths),
        Some("size") => budget::report(&paths),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}
