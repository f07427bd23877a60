//! `cargo xtask size`: what the built site costs a browser (raw, gzip and brotli, as served from
//! the precompressed copies), checked against `budgets.json` in the workspace root.
//!
//! A first page loads the shell (JS glue, main wasm, CSS, the split loader) and the modules of
//! its route's group (`app::routes`); the figure that counts is the heaviest group's. Each budget
//! has a target (the goal) and a ceiling (what the build may never exceed, so a figure can only
//! move down); the task fails above a ceiling and reports a missed target.

use std::path::Path;

use anyhow::{Context as _, bail};
use serde::Deserialize;

use crate::Paths;
use crate::fingerprint::{HASH_FILE, read_list, read_manifest, site_file};

#[derive(Debug, Deserialize)]
struct Budgets {
    first_page: Budget,
    charts: Budget,
}

#[derive(Debug, Deserialize)]
struct Budget {
    /// The goal, in brotli bytes.
    target_brotli_bytes: u64,
    /// The most the build may weigh, in brotli bytes: over it, the task fails.
    ceiling_brotli_bytes: u64,
}

/// The site files of the shell every page loads, as `hash.txt` kinds.
const SHELL: [&str; 4] = ["js", "wasm", "css", "split"];

pub fn report(paths: &Paths) -> anyhow::Result<()> {
    let budgets: Budgets = serde_json::from_str(
        &std::fs::read_to_string(paths.root.join("budgets.json")).context("reading budgets.json")?,
    )
    .context("budgets.json")?;
    let hashes = read_list(&paths.site)
        .with_context(|| format!("no built site in {} (run `cargo xtask site`)", paths.site.display()))?;
    let hash_of = |kind: &str| {
        hashes
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, h)| h.clone())
            .with_context(|| format!("{HASH_FILE} has no {kind} line"))
    };
    let site = &paths.site;
    let line = |name: &str, sizes: &Sizes, note: &str| {
        println!("{name:<52} {:>9} {:>9} {:>9}{note}", sizes.raw, sizes.gzip, sizes.brotli);
    };
    println!("{:<52} {:>9} {:>9} {:>9}", "file", "raw", "gzip", "brotli");

    let mut shell = Sizes::default();
    for kind in SHELL {
        let file = site_file(kind, &hash_of(kind)?)?;
        let sizes = Sizes::of(site, &file)?;
        line(&file, &sizes, "");
        shell = shell.plus(&sizes);
    }
    line("= the shell every page loads", &shell, "");

    let manifest = read_manifest(site, &hash_of("manifest")?)?;
    let mut heaviest: Option<(String, Sizes)> = None;
    for (group, modules) in &manifest {
        let mut sizes = Sizes::default();
        for module in modules {
            sizes = sizes.plus(&Sizes::of(site, &format!("pkg/{module}.wasm"))?);
        }
        line(&format!("+ {} ({} modules)", group_name(group), modules.len()), &sizes, "");
        if heaviest.as_ref().is_none_or(|(_, most)| sizes.brotli > most.brotli) {
            heaviest = Some((group_name(group), sizes));
        }
    }
    let (group, modules) = heaviest.context("the split manifest names no route")?;
    let first_page = shell.plus(&modules);

    let charts_file = site_file("charts", &hash_of("charts")?)?;
    let charts = Sizes::of(site, &charts_file)?;
    line(&charts_file, &charts, "");

    let mut over = Vec::new();
    for (name, sizes, budget) in [
        (format!("first page (shell + {group})"), first_page, &budgets.first_page),
        ("charts".to_owned(), charts, &budgets.charts),
    ] {
        let verdict = verdict(sizes.brotli, budget);
        line(&format!("= {name}"), &sizes, &format!("  {verdict}"));
        if sizes.brotli > budget.ceiling_brotli_bytes {
            over.push(format!(
                "{name}: {} bytes brotli, ceiling {}",
                sizes.brotli, budget.ceiling_brotli_bytes
            ));
        }
    }
    if !over.is_empty() {
        bail!("over budget: {}", over.join("; "));
    }
    Ok(())
}

/// A split's name without the macro's location hash: `__public_page_123` reads `public_page`.
fn group_name(split: &str) -> String {
    let name = split.trim_start_matches('_');
    match name.rsplit_once('_') {
        Some((stem, hash)) if hash.chars().all(|c| c.is_ascii_digit()) => stem.to_owned(),
        _ => name.to_owned(),
    }
}

/// How `brotli` bytes stand against `budget`, in words.
fn verdict(brotli: u64, budget: &Budget) -> String {
    let target = budget.target_brotli_bytes;
    let ceiling = budget.ceiling_brotli_bytes;
    if brotli <= target {
        format!("within its target of {target}")
    } else if brotli <= ceiling {
        format!("OVER its target of {target} by {} (ceiling {ceiling})", brotli - target)
    } else {
        format!("OVER its ceiling of {ceiling}")
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Sizes {
    raw: u64,
    gzip: u64,
    brotli: u64,
}

impl Sizes {
    fn of(site: &Path, file: &str) -> anyhow::Result<Self> {
        let size = |name: String| {
            std::fs::metadata(site.join(&name)).map(|m| m.len()).with_context(|| format!("{name} is missing"))
        };
        Ok(Sizes {
            raw: size(file.to_owned())?,
            gzip: size(format!("{file}.gz"))?,
            brotli: size(format!("{file}.br"))?,
        })
    }

    fn plus(&self, other: &Sizes) -> Sizes {
        Sizes { raw: self.raw + other.raw, gzip: self.gzip + other.gzip, brotli: self.brotli + other.brotli }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_named_without_the_location_hash() {
        assert_eq!(group_name("__public_page_1205095701379487340"), "public_page");
        assert_eq!(group_name("analytics_page"), "analytics_page");
    }

    #[test]
    fn a_figure_over_the_ceiling_is_told_apart_from_a_missed_target() {
        let budget = Budget { target_brotli_bytes: 100, ceiling_brotli_bytes: 120 };
        assert_eq!(verdict(90, &budget), "within its target of 100");
        assert_eq!(verdict(110, &budget), "OVER its target of 100 by 10 (ceiling 120)");
        assert_eq!(verdict(121, &budget), "OVER its ceiling of 120");
    }
}
