//! Running the programs the build needs: cargo, and the npm-installed wasm-opt and esbuild (from
//! `node_modules/.bin`, never a download).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

/// An npm tool installed by `npm ci` in the workspace.
pub fn npm_tool(root: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let path = root.join("node_modules").join(".bin").join(name);
    if !path.exists() {
        bail!("{} is missing: run `npm ci` in {} (make does it)", path.display(), root.display());
    }
    Ok(path)
}

/// Runs `command`, failing with its name when it cannot start or exits unsuccessfully.
pub fn run(command: &mut Command) -> anyhow::Result<()> {
    let shown = format!("{command:?}");
    let status = command.status().with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

/// The cargo that runs this task (`CARGO`), or the one on `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}
