//! The build's static files and their content-hashed names.
//!
//! `cargo xtask site` writes `hash.txt` (`kind: hash` lines for js, wasm, css, charts, and the
//! split loader and its manifest); Leptos reads the same file to link the hydration scripts, the
//! stylesheet and the route modules a page needs. A site built without hashes (or none at all,
//! as in tests) uses the plain names.

/// What the `<meta name="soco-charts">` tag of every page holds: the charts bundle's URL, which
/// the chart component loads on pages that draw one.
pub const CHARTS_META: &str = "soco-charts";

/// The URL of a build file of `kind` (`js`, `wasm`, `css`, `charts`, `split` (the loader of the
/// route modules) or `manifest` (which modules each route needs)) as this build names it.
#[cfg(feature = "ssr")]
pub fn url(options: &leptos::config::LeptosOptions, kind: &str) -> String {
    let pkg = options.site_pkg_dir.as_ref();
    let (stem, extension) = match kind {
        "charts" => ("charts", "js"),
        "split" => ("__wasm_split", "js"),
        "manifest" => ("__wasm_split_manifest", "json"),
        other => (options.output_name.as_ref(), other),
    };
    match hashes(options).into_iter().find(|(k, _)| k == kind) {
        Some((_, hash)) => format!("/{pkg}/{stem}.{hash}.{extension}"),
        None => format!("/{pkg}/{stem}.{extension}"),
    }
}

/// The URLs of every wasm module the lazy routes load (from the build's split manifest), sorted;
/// empty when the build has no manifest (no `manifest` hash, as in tests). An error when the hash
/// file names a manifest that is missing or malformed: the pages could not load their modules
/// (Leptos would fail on the first render), so the server must not start on such a site.
#[cfg(feature = "ssr")]
pub fn route_modules(options: &leptos::config::LeptosOptions) -> std::io::Result<Vec<String>> {
    use std::io::{Error, ErrorKind};
    if !hashes(options).iter().any(|(kind, _)| kind == "manifest") {
        return Ok(Vec::new());
    }
    let manifest = url(options, "manifest");
    let path = std::path::Path::new(options.site_root.as_ref()).join(manifest.trim_start_matches('/'));
    let text = std::fs::read_to_string(&path).map_err(|error| {
        Error::new(error.kind(), format!("the split manifest {}: {error}", path.display()))
    })?;
    let routes: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_str(&text).map_err(|error| {
            Error::new(
                ErrorKind::InvalidData,
                format!("the split manifest {} is malformed: {error}", path.display()),
            )
        })?;
    let pkg = options.site_pkg_dir.as_ref();
    // Names the build writes only; anything else (a path, a query) is not a module of this site.
    let is_module_name = |stem: &String| {
        !stem.is_empty()
            && !stem.contains("..")
            && stem.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    let mut modules: Vec<String> = routes
        .into_values()
        .flatten()
        .filter(is_module_name)
        .map(|stem| format!("/{pkg}/{stem}.wasm"))
        .collect();
    modules.sort();
    modules.dedup();
    Ok(modules)
}

/// The `(kind, hash)` lines of the hash file, when hashing is on and the file is there; read
/// where Leptos reads it (the hash file's path, relative to the server binary's folder).
#[cfg(feature = "ssr")]
pub fn hashes(options: &leptos::config::LeptosOptions) -> Vec<(String, String)> {
    if !options.hash_files {
        return Vec::new();
    }
    let path = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())));
    let text = path.and_then(|path| std::fs::read_to_string(path).ok()).unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(kind, hash)| (kind.trim().to_owned(), hash.trim().to_owned()))
        .collect()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_hash_file_when_hashing_is_on() {
        let dir = tempfile_dir("names");
        let file = dir.join("hash.txt");
        std::fs::write(&file, "js: AAA\nwasm: BBB\ncss: CCC\ncharts: DDD\nsplit: EEE\nmanifest: FFF\n")
            .expect("write");
        let mut options = leptos::config::LeptosOptions::builder().output_name("soco").build();
        // An absolute hash file path wins over the binary's folder, as in Leptos.
        options.hash_file = file.to_string_lossy().into_owned().into();
        assert_eq!(url(&options, "charts"), "/pkg/charts.js", "hashing off: plain names");
        options.hash_files = true;
        assert_eq!(url(&options, "js"), "/pkg/soco.AAA.js");
        assert_eq!(url(&options, "wasm"), "/pkg/soco.BBB.wasm");
        assert_eq!(url(&options, "css"), "/pkg/soco.CCC.css");
        assert_eq!(url(&options, "charts"), "/pkg/charts.DDD.js");
        assert_eq!(url(&options, "split"), "/pkg/__wasm_split.EEE.js");
        assert_eq!(url(&options, "manifest"), "/pkg/__wasm_split_manifest.FFF.json");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn route_modules_come_from_the_split_manifest() {
        let dir = tempfile_dir("modules");
        std::fs::create_dir_all(dir.join("pkg")).expect("folder");
        std::fs::write(dir.join("hash.txt"), "manifest: M1\n").expect("write");
        std::fs::write(
            dir.join("pkg").join("__wasm_split_manifest.M1.json"),
            r#"{"login":["chunk_1.A","split_login.B"],"terms":["chunk_1.A","../../etc/passwd","a/b"]}"#,
        )
        .expect("write");
        let mut options = leptos::config::LeptosOptions::builder().output_name("soco").build();
        options.site_root = dir.to_string_lossy().into_owned().into();
        options.hash_file = dir.join("hash.txt").to_string_lossy().into_owned().into();
        assert!(route_modules(&options).expect("no manifest").is_empty(), "hashing off: no manifest");
        options.hash_files = true;
        assert_eq!(
            route_modules(&options).expect("modules"),
            ["/pkg/chunk_1.A.wasm", "/pkg/split_login.B.wasm"]
        );
        std::fs::write(dir.join("pkg").join("__wasm_split_manifest.M1.json"), "{\"login\": 1}")
            .expect("write");
        let error = route_modules(&options).expect_err("a malformed manifest");
        assert!(error.to_string().contains("malformed"), "{error}");
        std::fs::remove_file(dir.join("pkg").join("__wasm_split_manifest.M1.json")).expect("remove");
        assert!(route_modules(&options).is_err(), "a named manifest that is missing");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    /// A folder of this test's own (tests run in parallel in one process).
    fn tempfile_dir(test: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("soco-assets-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("folder");
        dir
    }
}
