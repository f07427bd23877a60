//! Content-hashed names: `pkg/soco.js` becomes `pkg/soco.<hash>.js`, so a year-long immutable
//! cache is safe and a new build is fetched at once. `hash.txt` in the site root lists the hashes
//! as `kind: hash` lines; Leptos reads it (js, wasm, css, and the split loader and manifest) to
//! link the files, the service worker to precache them, and the chart component's loader
//! (charts) through the page. The glue, the split loader and the route modules are named in
//! `crate::split`.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The file Leptos and Soco read the hashes from, in the site root.
pub const HASH_FILE: &str = "hash.txt";

/// A file renamed after its content: its `hash.txt` kind, the hash and the new name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hashed {
    pub kind: String,
    pub hash: String,
    pub name: String,
}

/// Renames each `(kind, file)` under `pkg` to its hashed name.
pub fn apply(pkg: &Path, files: &[(&str, String)]) -> anyhow::Result<Vec<Hashed>> {
    let mut renamed = Vec::new();
    for (kind, file) in files {
        let path = pkg.join(file);
        let hash = digest(&std::fs::read(&path)?);
        let (stem, extension) = file.rsplit_once('.').unwrap_or((file.as_str(), ""));
        let name = format!("{stem}.{hash}.{extension}");
        std::fs::rename(&path, pkg.join(&name))?;
        renamed.push(Hashed { kind: (*kind).to_owned(), hash, name });
    }
    Ok(renamed)
}

/// Writes `hash.txt` into `site`: a `kind: hash` line for each of `lines`.
pub fn write_list(site: &Path, lines: &[(String, String)]) -> anyhow::Result<()> {
    let list: String = lines.iter().map(|(kind, hash)| format!("{kind}: {hash}\n")).collect();
    std::fs::write(site.join(HASH_FILE), list)?;
    Ok(())
}

/// The `(kind, hash)` lines of the `hash.txt` in `site`.
pub fn read_list(site: &Path) -> std::io::Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(site.join(HASH_FILE))?;
    Ok(text
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(kind, hash)| (kind.trim().to_owned(), hash.trim().to_owned()))
        .collect())
}

/// The split manifest (route group: the module stems it loads) of the build in `site` whose
/// manifest hash is `hash`.
pub fn read_manifest(site: &Path, hash: &str) -> anyhow::Result<BTreeMap<String, Vec<String>>> {
    use anyhow::Context as _;
    let file = site_file("manifest", hash)?;
    let text = std::fs::read_to_string(site.join(&file)).with_context(|| format!("reading {file}"))?;
    serde_json::from_str(&text).with_context(|| format!("{file} is not a split manifest"))
}

/// The site file (under the site root) of a `hash.txt` line.
pub fn site_file(kind: &str, hash: &str) -> anyhow::Result<String> {
    let name = crate::wasm::OUTPUT_NAME;
    Ok(match kind {
        "js" => format!("pkg/{name}.{hash}.js"),
        "wasm" => format!("pkg/{name}.{hash}.wasm"),
        "css" => format!("pkg/{name}.{hash}.css"),
        "charts" => format!("pkg/charts.{hash}.js"),
        "split" => format!("pkg/__wasm_split.{hash}.js"),
        "manifest" => format!("pkg/__wasm_split_manifest.{hash}.json"),
        other => anyhow::bail!("unknown kind of file: {other}"),
    })
}

/// 16 characters of base64url (96 bits) of the SHA-256 of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    let full = Sha256::digest(bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&full[..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_change_with_the_content_and_stay_url_safe() {
        let (a, b) = (digest(b"soco"), digest(b"soco!"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{a}");
    }

    #[test]
    fn files_are_renamed_and_listed() {
        let site = std::env::temp_dir().join(format!("xtask-fingerprint-{}", std::process::id()));
        let pkg = site.join("pkg");
        std::fs::create_dir_all(&pkg).expect("folder");
        std::fs::write(pkg.join("soco.js"), "glue").expect("write");
        std::fs::write(pkg.join("charts.js"), "charts").expect("write");
        let renamed =
            apply(&pkg, &[("js", "soco.js".into()), ("charts", "charts.js".into())]).expect("hashed");
        let names: Vec<_> = renamed.iter().map(|file| file.name.clone()).collect();
        assert_eq!(
            names,
            [format!("soco.{}.js", digest(b"glue")), format!("charts.{}.js", digest(b"charts"))]
        );
        assert!(pkg.join(&names[0]).exists() && !pkg.join("soco.js").exists());
        let lines: Vec<_> = renamed.into_iter().map(|file| (file.kind, file.hash)).collect();
        write_list(&site, &lines).expect("list");
        let list = std::fs::read_to_string(site.join(HASH_FILE)).expect("list");
        assert_eq!(list, format!("js: {}\ncharts: {}\n", digest(b"glue"), digest(b"charts")));
        std::fs::remove_dir_all(&site).expect("clean up");
    }
}
