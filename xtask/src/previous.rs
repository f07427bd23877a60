//! The previous build's files, kept beside the new ones: a tab opened before a deploy still
//! names the old glue, wasm and page-group modules, and fetches a group's modules only when it
//! first shows one of its pages. Without them that fetch would fail and the page with it. One
//! build back is kept (the files its `hash.txt` and split manifest name); older ones go.

use std::path::Path;

use crate::fingerprint::{read_list, read_manifest, site_file};

/// Copies into `new_site` every file of the build in `old_site` that `new_site` lacks, with its
/// precompressed copies; returns how many files were kept.
pub fn keep(old_site: &Path, new_site: &Path) -> anyhow::Result<usize> {
    let Ok(hashes) = read_list(old_site) else {
        return Ok(0);
    };
    let mut files = Vec::new();
    for (kind, hash) in &hashes {
        let Ok(file) = site_file(kind, hash) else { continue };
        if kind == "manifest" {
            // A broken old build keeps what it still names; it never stops the new one.
            let groups = read_manifest(old_site, hash).unwrap_or_default();
            files.extend(groups.into_values().flatten().map(|stem| format!("pkg/{stem}.wasm")));
        }
        files.push(file);
    }
    files.sort();
    files.dedup();
    let mut kept = 0;
    for file in files {
        // The build's own names only: never a path that leaves the site.
        if file.contains("..") {
            continue;
        }
        for name in [file.clone(), format!("{file}.br"), format!("{file}.gz")] {
            let (from, to) = (old_site.join(&name), new_site.join(&name));
            if from.is_file() && !to.exists() {
                std::fs::copy(&from, &to)?;
                if name == file {
                    kept += 1;
                }
            }
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::HASH_FILE;

    #[test]
    fn the_previous_builds_files_stay_and_older_ones_go() {
        let root = std::env::temp_dir().join(format!("xtask-previous-{}", std::process::id()));
        let (old, new) = (root.join("old"), root.join("new"));
        for site in [&old, &new] {
            std::fs::create_dir_all(site.join("pkg")).expect("pkg");
        }
        std::fs::write(old.join(HASH_FILE), "js: J1\nwasm: W1\nmanifest: M1\n").expect("hash file");
        for (name, text) in [
            ("pkg/soco.J1.js", "old glue"),
            ("pkg/soco.J1.js.br", "old glue, brotli"),
            ("pkg/soco.W1.wasm", "old wasm"),
            (
                "pkg/__wasm_split_manifest.M1.json",
                r#"{"public_page_1":["chunk_1.C1","split_public_page_1.P1"]}"#,
            ),
            ("pkg/chunk_1.C1.wasm", "shared"),
            ("pkg/split_public_page_1.P1.wasm", "old public pages"),
            ("pkg/split_public_page_1.P0.wasm", "two builds back"),
        ] {
            std::fs::write(old.join(name), text).expect("old file");
        }
        std::fs::write(new.join("pkg/chunk_1.C1.wasm"), "shared").expect("new file");

        assert_eq!(keep(&old, &new).expect("kept"), 4, "the shared chunk is the new build's own");
        for name in [
            "pkg/soco.J1.js",
            "pkg/soco.J1.js.br",
            "pkg/soco.W1.wasm",
            "pkg/__wasm_split_manifest.M1.json",
            "pkg/split_public_page_1.P1.wasm",
        ] {
            assert!(new.join(name).is_file(), "{name} kept");
        }
        assert!(!new.join("pkg/split_public_page_1.P0.wasm").exists(), "only one build back");
        assert!(!new.join(HASH_FILE).exists(), "the new build names its own files");
        assert_eq!(keep(&root.join("none"), &new).expect("no old site"), 0);
        std::fs::remove_dir_all(&root).expect("clean up");
    }
}
