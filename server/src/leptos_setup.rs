//! Leptos' own settings, from its `LEPTOS_*` variables with defaults that fit a plain
//! `server` binary started from the repository (site in `target/site`).

use std::net::SocketAddr;

use anyhow::Context as _;
use leptos::config::{LeptosOptions, get_configuration};

/// Reads `LEPTOS_*` and points Leptos at Soco's listen address.
///
/// cargo-leptos writes `hash.txt` (the hashed asset names) next to the binary. When
/// `LEPTOS_HASH_FILES` is not set, hashing is on exactly when that file exists, so a release
/// binary started directly serves the names it was built with.
pub fn leptos_options(addr: SocketAddr) -> anyhow::Result<LeptosOptions> {
    let mut options = get_configuration(None).context("invalid LEPTOS_* settings")?.leptos_options;
    options.site_addr = addr;
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        options.hash_files = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
            .is_some_and(|path| path.exists());
    }
    Ok(options)
}
