//! The build's static files and their content-hashed names.
//!
//! `cargo xtask site` writes `hash.txt` (`kind: hash` lines for js, wasm, css and charts); Leptos
//! reads the same file to link the hydration scripts and the stylesheet. A site built without
//! hashes (or none at all, as in tests) uses the plain names.

/// What the `<meta name="soco-charts">` tag of every page holds: the charts bundle's URL, which
/// the chart component loads on pages that draw one.
pub const CHARTS_META: &str = "soco-charts";

/// The URL of a build file of `kind` (`js`, `wasm`, `css` or `charts`) as this build names it.
#[cfg(feature = "ssr")]
pub fn url(options: &leptos::config::LeptosOptions, kind: &str) -> String {
    let pkg = options.site_pkg_dir.as_ref();
    let stem = if kind == "charts" { "charts" } else { options.output_name.as_ref() };
    let extension = match kind {
        "charts" => "js",
        other => other,
    };
    match hashes(options).into_iter().find(|(k, _)| k == kind) {
        Some((_, hash)) => format!("/{pkg}/{stem}.{hash}.{extension}"),
        None => format!("/{pkg}/{stem}.{extension}"),
    }
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
        let dir = tempfile_dir();
        let file = dir.join("hash.txt");
        std::fs::write(&file, "js: AAA\nwasm: BBB\ncss: CCC\ncharts: DDD\n").expect("write");
        let mut options = leptos::config::LeptosOptions::builder().output_name("soco").build();
        // An absolute hash file path wins over the binary's folder, as in Leptos.
        options.hash_file = file.to_string_lossy().into_owned().into();
        assert_eq!(url(&options, "charts"), "/pkg/charts.js", "hashing off: plain names");
        options.hash_files = true;
        assert_eq!(url(&options, "js"), "/pkg/soco.AAA.js");
        assert_eq!(url(&options, "wasm"), "/pkg/soco.BBB.wasm");
        assert_eq!(url(&options, "css"), "/pkg/soco.CCC.css");
        assert_eq!(url(&options, "charts"), "/pkg/charts.DDD.js");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("soco-assets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("folder");
        dir
    }
}
