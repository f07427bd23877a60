//! Running the programs the build needs: cargo, and the npm-installed wasm-opt and esbuild (from
//! `node_modules/.bin`, never a download); and running independent steps on every core.

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

/// Runs `step` on each of `items`, on as many threads as the machine has cores; the first error
/// (in `items`' order) wins, after every step has ended.
pub fn on_every_core<T: Sync>(
    items: &[T],
    step: impl Fn(&T) -> anyhow::Result<()> + Sync,
) -> anyhow::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let cores = std::thread::available_parallelism().map_or(1, usize::from).min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, anyhow::Result<()>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..cores)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else { break done };
                        done.push((index, step(item)));
                    }
                })
            })
            .collect();
        // A step that panicked panics the task, after the others ended: never a silent gap.
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().try_for_each(|(_, result)| result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_runs_once_and_the_first_error_wins() {
        let seen = std::sync::Mutex::new(Vec::new());
        let items: Vec<u32> = (0..50).collect();
        let result = on_every_core(&items, |&item| {
            seen.lock().expect("lock").push(item);
            if item % 20 == 7 { anyhow::bail!("item {item}") } else { Ok(()) }
        });
        assert_eq!(result.expect_err("three failed").to_string(), "item 7");
        let mut seen = seen.into_inner().expect("lock");
        seen.sort_unstable();
        assert_eq!(seen, items);
        assert!(on_every_core(&Vec::<u32>::new(), |_| Ok(())).is_ok());
    }
}
