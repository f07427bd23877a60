//! The service worker, `GET /sw.js`: generated at start-up from the assets this build serves.
//!
//! It precaches exactly the current build's files (hashed JS, wasm and CSS, the split loader
//! and every route's wasm modules, icons, manifest) plus the `/offline` page, and names its cache after a digest of their contents, so a
//! new build replaces the old cache. Pages and data are never cached (see `sw.js`).

use std::path::Path;

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use leptos::config::LeptosOptions;
use sha2::{Digest, Sha256};

/// The page the service worker shows for any navigation made without a network.
pub use app::OFFLINE_PATH;

const TEMPLATE: &str = include_str!("sw.js");

/// The generated script.
#[derive(Debug, Clone)]
pub struct ServiceWorker {
    /// The JavaScript served at `/sw.js`.
    pub script: String,
    /// The asset URLs it precaches, besides the offline page.
    pub precache: Vec<String>,
    /// Digest of those assets' contents; the cache's name.
    pub version: String,
}

impl ServiceWorker {
    /// Lists the build's assets under the site root and renders the script.
    pub fn build(options: &LeptosOptions) -> std::io::Result<Self> {
        let site_root = Path::new(options.site_root.as_ref());
        // The charts bundle is left out: only pages with a chart need it, and they fetch it.
        let mut candidates: Vec<String> =
            ["js", "wasm", "css"].iter().map(|kind| app::assets::url(options, kind)).collect();
        let modules = app::assets::route_modules(options)?;
        if !modules.is_empty() {
            candidates.push(app::assets::url(options, "split"));
            candidates.extend(modules);
        }
        candidates.push("/manifest.webmanifest".into());
        candidates.push("/favicon.ico".into());
        let icons = site_root.join("icons");
        if icons.is_dir() {
            let mut names = std::fs::read_dir(&icons)?
                .filter_map(|entry| entry.ok())
                .filter(|entry| entry.path().is_file())
                .map(|entry| format!("/icons/{}", entry.file_name().to_string_lossy()))
                .collect::<Vec<_>>();
            names.sort();
            candidates.extend(names);
        }

        let mut digest = Sha256::new();
        let mut precache = Vec::new();
        for url in candidates {
            match std::fs::read(site_root.join(url.trim_start_matches('/'))) {
                Ok(bytes) => {
                    digest.update(url.as_bytes());
                    digest.update(&bytes);
                    precache.push(url);
                }
                // A missing file would make the whole install fail: leave it out, loudly.
                Err(err) => tracing::warn!(%url, error = %err, "asset missing; not precached"),
            }
        }
        let version = hex::encode(&digest.finalize()[..8]);
        let list = serde_json::to_string(&precache).unwrap_or_else(|_| "[]".into());
        let script = TEMPLATE
            .replace("\"__SOCO_VERSION__\"", &format!("\"{version}\""))
            .replace("\"__SOCO_OFFLINE__\"", &format!("\"{OFFLINE_PATH}\""))
            .replace("[] /* __SOCO_PRECACHE__ */", &list);
        Ok(Self { script, precache, version })
    }
}

impl ServiceWorker {
    /// The `GET /sw.js` response; browsers revalidate it on every visit.
    pub fn response(&self) -> axum::response::Response {
        ([(CONTENT_TYPE, "text/javascript; charset=utf-8"), (CACHE_CONTROL, "no-cache")], self.script.clone())
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_build_precaches_the_loader_and_every_route_module() {
        let site = tempfile::tempdir().expect("site");
        let pkg = site.path().join("pkg");
        std::fs::create_dir_all(&pkg).expect("pkg");
        std::fs::write(
            site.path().join("hash.txt"),
            "js: J\nwasm: W\ncss: C\ncharts: H\nsplit: S\nmanifest: M\n",
        )
        .expect("hash file");
        for (name, text) in [
            ("soco.J.js", "glue"),
            ("soco.W.wasm", "main"),
            ("soco.C.css", "css"),
            ("charts.H.js", "charts"),
            ("__wasm_split.S.js", "loader"),
            (
                "__wasm_split_manifest.M.json",
                r#"{"login":["chunk_1.A","split_login.B"],"terms":["chunk_1.A"]}"#,
            ),
            ("chunk_1.A.wasm", "chunk"),
            ("split_login.B.wasm", "login"),
        ] {
            std::fs::write(pkg.join(name), text).expect("asset");
        }
        let mut options = LeptosOptions::builder().output_name("soco").build();
        options.site_root = site.path().to_string_lossy().into_owned().into();
        options.hash_file = site.path().join("hash.txt").to_string_lossy().into_owned().into();
        options.hash_files = true;
        let worker = ServiceWorker::build(&options).expect("worker");
        assert_eq!(
            worker.precache,
            [
                "/pkg/soco.J.js",
                "/pkg/soco.W.wasm",
                "/pkg/soco.C.css",
                "/pkg/__wasm_split.S.js",
                "/pkg/chunk_1.A.wasm",
                "/pkg/split_login.B.wasm",
            ]
        );

        // A new route module is a new cache.
        std::fs::write(pkg.join("split_login.B.wasm"), "login, changed").expect("asset");
        assert_ne!(ServiceWorker::build(&options).expect("worker").version, worker.version);
    }
}
