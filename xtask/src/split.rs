//! The browser build split into lazily loaded parts: every lazy route (`app::routes`) becomes a
//! wasm module of its own, code shared by several routes a chunk, and `__wasm_split.js` loads
//! them on demand (wasm-split's library, the one cargo-leptos uses). Then content-hashed names
//! for all of them, which needs care: the JS glue imports the loader and the loader imports the
//! glue, so neither can be named after its final bytes alone (see [`fingerprint`]).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::fingerprint::digest;
use crate::wasm::OUTPUT_NAME;

/// The loader's name as the wasm imports it and the glue links it, before hashing.
pub const LOADER: &str = "__wasm_split.js";

/// What [`transform`] wrote.
#[derive(Debug)]
pub struct Split {
    /// The main module, still to be run through wasm-bindgen.
    pub main: PathBuf,
    /// The loader script.
    pub loader: PathBuf,
    /// The split modules and chunks (`split_<name>.wasm`, `chunk_<n>.wasm`).
    pub modules: Vec<PathBuf>,
    /// Each lazy function's name and the module stems it needs, in loading order.
    pub prefetch: BTreeMap<String, Vec<String>>,
}

/// Splits the linked wasm `input` (linked with `--emit-relocs`) into `dir`.
pub fn transform(input: &Path, dir: &Path) -> anyhow::Result<Split> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let bytes = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    let main = dir.join(format!("{OUTPUT_NAME}_split.wasm"));
    let main_module = format!("./{OUTPUT_NAME}.js");
    let mut options = wasm_split_cli_support::Options::new(&bytes);
    options.output_dir = dir;
    options.main_out_path = &main;
    options.link_name = "./__wasm_split.js";
    options.main_module = &main_module;
    let split = wasm_split_cli_support::transform(options)
        .map_err(|error| anyhow::anyhow!("{error:?}"))
        .context("splitting the wasm")?;
    Ok(Split {
        main,
        loader: dir.join(LOADER),
        modules: split.split_modules,
        prefetch: split.prefetch_map.into_iter().collect(),
    })
}

/// The names [`fingerprint`] gave, for `hash.txt` and the size report.
#[derive(Debug)]
pub struct Hashed {
    /// `(kind, hash)` lines for `hash.txt`: `js`, `split`, `manifest`.
    pub lines: Vec<(String, String)>,
    /// Every file written, by its new name in `pkg`.
    pub files: Vec<String>,
}

/// Gives the glue (`<name>.js`), the loader and the modules in `pkg` their hashed names and
/// writes the manifest Leptos reads to preload a page's modules.
///
/// - Each module is named after its bytes; the loader's references to them are rewritten.
/// - The glue and the loader import each other. The loader is named after the hash of both
///   *before* either names the other (those bytes decide everything after), the glue is then
///   rewritten to import that name and named after its final bytes, and the loader rewritten to
///   import the glue's final name.
pub fn fingerprint(pkg: &Path, prefetch: &BTreeMap<String, Vec<String>>) -> anyhow::Result<Hashed> {
    let mut files = Vec::new();
    let loader_path = pkg.join(LOADER);
    let mut loader = std::fs::read_to_string(&loader_path).context("reading the split loader")?;

    let mut stems = HashMap::new();
    for stem in prefetch.values().flatten() {
        if stems.contains_key(stem) {
            continue;
        }
        let path = pkg.join(format!("{stem}.wasm"));
        let hash = digest(&std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?);
        let hashed = format!("{stem}.{hash}");
        std::fs::rename(&path, pkg.join(format!("{hashed}.wasm")))?;
        loader = replace_specifier(&loader, &format!("./{stem}.wasm"), &format!("./{hashed}.wasm"))
            .with_context(|| format!("the loader never fetches {stem}.wasm"))?;
        files.push(format!("{hashed}.wasm"));
        stems.insert(stem.clone(), hashed);
    }

    let glue_path = pkg.join(format!("{OUTPUT_NAME}.js"));
    let glue = std::fs::read_to_string(&glue_path).context("reading the JS glue")?;
    let loader_hash = digest(format!("{loader}\0{glue}").as_bytes());
    let loader_name = format!("__wasm_split.{loader_hash}.js");
    // Only the import statements: the glue also keys the wasm's imports by the module name the
    // wasm itself names ("./__wasm_split.js"), which must stay as it is.
    let glue = replace_import(&glue, &format!("./{LOADER}"), &format!("./{loader_name}"))
        .context("the JS glue never imports the split loader")?;
    let glue_hash = digest(glue.as_bytes());
    let glue_name = format!("{OUTPUT_NAME}.{glue_hash}.js");
    let loader = replace_import(&loader, &format!("./{OUTPUT_NAME}.js"), &format!("./{glue_name}"))
        .context("the split loader never imports the JS glue")?;
    std::fs::write(pkg.join(&glue_name), glue)?;
    std::fs::remove_file(&glue_path)?;
    std::fs::write(pkg.join(&loader_name), loader)?;
    std::fs::remove_file(&loader_path)?;
    files.push(glue_name);
    files.push(loader_name);

    // A module the manifest does not name would be served unhashed, and cached for a year.
    for entry in std::fs::read_dir(pkg)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let unhashed = name.ends_with(".wasm") && name.matches('.').count() == 1;
        if unhashed && (name.starts_with("chunk_") || name.starts_with("split_")) {
            bail!("the split wrote {name}, which no page group names");
        }
    }

    let manifest: BTreeMap<&String, Vec<&String>> = prefetch
        .iter()
        .map(|(name, needs)| (name, needs.iter().map(|stem| &stems[stem]).collect()))
        .collect();
    let manifest = serde_json::to_string(&manifest)?;
    let manifest_hash = digest(manifest.as_bytes());
    let manifest_name = format!("__wasm_split_manifest.{manifest_hash}.json");
    std::fs::write(pkg.join(&manifest_name), manifest)?;
    files.push(manifest_name);

    Ok(Hashed {
        lines: vec![
            ("js".into(), glue_hash),
            ("split".into(), loader_hash),
            ("manifest".into(), manifest_hash),
        ],
        files,
    })
}

/// `text` with the module `from` replaced by `to` in its import statements (`from"…"`,
/// `import"…"`, with or without a space) only; an error when none imports it.
fn replace_import(text: &str, from: &str, to: &str) -> anyhow::Result<String> {
    replace_quoted(text, from, to, &["from", "from ", "import", "import "])
        .with_context(|| format!("nothing imports {from:?}"))
}

/// `text` with the quoted module specifier `from` replaced by `to`; an error when it is absent.
fn replace_specifier(text: &str, from: &str, to: &str) -> anyhow::Result<String> {
    replace_quoted(text, from, to, &[""]).with_context(|| format!("no {from:?} in the file"))
}

/// `text` with `from`, quoted and after one of `prefixes`, replaced by `to`; an error when there
/// is none.
fn replace_quoted(text: &str, from: &str, to: &str, prefixes: &[&str]) -> anyhow::Result<String> {
    let mut out = text.to_owned();
    let mut found = false;
    for prefix in prefixes {
        for quote in ['"', '\'', '`'] {
            let quoted = format!("{prefix}{quote}{from}{quote}");
            if out.contains(&quoted) {
                out = out.replace(&quoted, &format!("{prefix}{quote}{to}{quote}"));
                found = true;
            }
        }
    }
    if !found {
        bail!("not found");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> PathBuf {
        let pkg = std::env::temp_dir().join(format!("xtask-split-{}-{}", std::process::id(), files.len()));
        if pkg.exists() {
            std::fs::remove_dir_all(&pkg).expect("clean");
        }
        std::fs::create_dir_all(&pkg).expect("folder");
        for (name, text) in files {
            std::fs::write(pkg.join(name), text).expect("write");
        }
        pkg
    }

    #[test]
    fn the_glue_loader_and_modules_name_each_other_by_their_hashed_names() {
        let glue = "import*as i1 from\"./__wasm_split.js\";import * as i2 from \"./__wasm_split.js\";\
                    const imports={\"./__wasm_split.js\":i1,\"./__wasm_split.js\":i2};export function initSync(){}";
        let loader = "import{initSync}from\"./soco.js\";const c=()=>fetch(new URL(\"./chunk_1.wasm\",import.meta.url));\
                      export const l=()=>fetch(new URL(\"./split_login.wasm\",import.meta.url));";
        let pkg = site(&[
            ("soco.js", glue),
            ("__wasm_split.js", loader),
            ("chunk_1.wasm", "chunk"),
            ("split_login.wasm", "login"),
        ]);
        let prefetch =
            BTreeMap::from([("login_1".to_owned(), vec!["chunk_1".to_owned(), "split_login".to_owned()])]);
        let hashed = fingerprint(&pkg, &prefetch).expect("hashed");

        let hash = |kind: &str| hashed.lines.iter().find(|(k, _)| k == kind).expect(kind).1.clone();
        let (glue_hash, loader_hash, manifest_hash) = (hash("js"), hash("split"), hash("manifest"));
        let glue_now = std::fs::read_to_string(pkg.join(format!("soco.{glue_hash}.js"))).expect("glue");
        assert!(glue_now.contains(&format!("from\"./__wasm_split.{loader_hash}.js\"")), "{glue_now}");
        assert!(glue_now.contains(&format!("from \"./__wasm_split.{loader_hash}.js\"")), "{glue_now}");
        assert!(
            glue_now.contains("{\"./__wasm_split.js\":i1,\"./__wasm_split.js\":i2}"),
            "the wasm's own import names stay: {glue_now}"
        );
        assert_eq!(digest(glue_now.as_bytes()), glue_hash, "the glue is named after its final bytes");
        let loader_now =
            std::fs::read_to_string(pkg.join(format!("__wasm_split.{loader_hash}.js"))).expect("loader");
        assert!(loader_now.contains(&format!("\"./soco.{glue_hash}.js\"")), "{loader_now}");
        let chunk = format!("chunk_1.{}", digest(b"chunk"));
        let login = format!("split_login.{}", digest(b"login"));
        assert!(
            loader_now.contains(&format!("\"./{chunk}.wasm\""))
                && loader_now.contains(&format!("\"./{login}.wasm\""))
        );
        assert!(pkg.join(format!("{chunk}.wasm")).exists() && !pkg.join("chunk_1.wasm").exists());
        let manifest =
            std::fs::read_to_string(pkg.join(format!("__wasm_split_manifest.{manifest_hash}.json")))
                .expect("manifest");
        assert_eq!(manifest, format!("{{\"login_1\":[\"{chunk}\",\"{login}\"]}}"));
        assert!(!pkg.join("soco.js").exists() && !pkg.join("__wasm_split.js").exists());
        std::fs::remove_dir_all(&pkg).expect("clean up");
    }

    #[test]
    fn a_new_module_renames_the_loader_and_the_glue() {
        let run = |chunk: &str| {
            let pkg = site(&[
                ("soco.js", "import\"./__wasm_split.js\";"),
                ("__wasm_split.js", "import\"./soco.js\";fetch(\"./chunk_1.wasm\")"),
                ("chunk_1.wasm", chunk),
            ]);
            let prefetch = BTreeMap::from([("a".to_owned(), vec!["chunk_1".to_owned()])]);
            let lines = fingerprint(&pkg, &prefetch).expect("hashed").lines;
            std::fs::remove_dir_all(&pkg).expect("clean up");
            lines
        };
        let (before, after) = (run("one"), run("two"));
        for kind in 0..3 {
            assert_ne!(before[kind], after[kind], "{}", before[kind].0);
        }
        assert_eq!(run("one"), before, "the same bytes, the same names");
    }

    #[test]
    fn a_missing_reference_fails_the_build() {
        let pkg = site(&[("soco.js", "no import here"), ("__wasm_split.js", "import\"./soco.js\";")]);
        let error = fingerprint(&pkg, &BTreeMap::new()).expect_err("no import of the loader");
        assert!(format!("{error:#}").contains("never imports the split loader"), "{error:#}");
        std::fs::remove_dir_all(&pkg).expect("clean up");
    }
}
