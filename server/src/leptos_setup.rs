//! Leptos' own settings, from its `LEPTOS_*` variables with defaults that fit a plain
//! `server` binary started from the repository (site in `target/site`).

use std::net::SocketAddr;

use anyhow::Context as _;
use leptos::config::{LeptosOptions, get_configuration};

/// Reads `LEPTOS_*` and points Leptos at Soco's listen address.
///
/// `cargo xtask site` writes `hash.txt` (the hashed asset names) into the site root. Unless
/// `LEPTOS_HASH_FILE_NAME` says otherwise, that is the file Leptos reads (an absolute path wins
/// over its default, the binary's folder), so any server binary, release or test build, serves
/// the site it is pointed at. When `LEPTOS_HASH_FILES` is not set, hashing is on exactly when
/// the file exists.
pub fn leptos_options(addr: SocketAddr) -> anyhow::Result<LeptosOptions> {
    let mut options = get_configuration(None).context("invalid LEPTOS_* settings")?.leptos_options;
    options.site_addr = addr;
    if std::env::var_os("LEPTOS_HASH_FILE_NAME").is_none() {
        let site_root = std::path::absolute(options.site_root.as_ref()).context("the site root's path")?;
        options.hash_file = site_root.join("hash.txt").to_string_lossy().into_owned().into();
    }
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        options.hash_files = std::path::Path::new(options.hash_file.as_ref()).is_absolute()
            && std::path::Path::new(options.hash_file.as_ref()).exists();
    }
    Ok(options)
}
