//! `cargo xtask size`: what the built site costs a browser (raw, gzip and brotli, as served from
//! the precompressed copies), checked against `budgets.json` in the workspace root.

use std::path::Path;

use anyhow::{Context as _, bail};
use serde::Deserialize;

use crate::Paths;
use crate::fingerprint::HASH_FILE;

#[derive(Debug, Deserialize)]
struct Budgets {
    first_page: Budget,
    charts: Budget,
}

#[derive(Debug, Deserialize)]
struct Budget {
    brotli_bytes: u64,
    /// Kinds from `hash.txt`: js, wasm, css, charts.
    files: Vec<String>,
}

/// The site file of a `hash.txt` kind.
fn file_of(kind: &str, hash: &str) -> anyhow::Result<String> {
    let name = crate::wasm::OUTPUT_NAME;
    Ok(match kind {
        "js" => format!("pkg/{name}.{hash}.js"),
        "wasm" => format!("pkg/{name}.{hash}.wasm"),
        "css" => format!("pkg/{name}.{hash}.css"),
        "charts" => format!("pkg/charts.{hash}.js"),
        other => bail!("budgets.json names an unknown kind of file: {other}"),
    })
}

pub fn report(paths: &Paths) -> anyhow::Result<()> {
    let budgets: Budgets = serde_json::from_str(
        &std::fs::read_to_string(paths.root.join("budgets.json")).context("reading budgets.json")?,
    )
    .context("budgets.json")?;
    let hashes = std::fs::read_to_string(paths.site.join(HASH_FILE))
        .with_context(|| format!("no built site in {} (run `cargo xtask site`)", paths.site.display()))?;
    let hash_of = |kind: &str| {
        hashes
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(k, _)| k.trim() == kind)
            .map(|(_, h)| h.trim().to_owned())
            .with_context(|| format!("{HASH_FILE} has no {kind} line"))
    };
    println!("{:<40} {:>10} {:>10} {:>10}", "file", "raw", "gzip", "brotli");
    let mut over = Vec::new();
    for (name, budget) in [("first page", &budgets.first_page), ("charts", &budgets.charts)] {
        let mut total = Sizes::default();
        for kind in &budget.files {
            let file = file_of(kind, &hash_of(kind)?)?;
            let sizes = Sizes::of(&paths.site, &file)?;
            println!("{file:<40} {:>10} {:>10} {:>10}", sizes.raw, sizes.gzip, sizes.brotli);
            total = total.plus(&sizes);
        }
        let verdict = if total.brotli <= budget.brotli_bytes { "within" } else { "OVER" };
        println!(
            "{:<40} {:>10} {:>10} {:>10}  {verdict} its budget of {} brotli",
            format!("= {name}"),
            total.raw,
            total.gzip,
            total.brotli,
            budget.brotli_bytes
        );
        if total.brotli > budget.brotli_bytes {
            over.push(format!("{name}: {} bytes brotli, budget {}", total.brotli, budget.brotli_bytes));
        }
    }
    if !over.is_empty() {
        bail!("over budget: {}", over.join("; "));
    }
    Ok(())
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
