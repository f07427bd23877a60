//! `.br` (quality 11) and `.gz` (level 9) copies of every compressible file of the site, made once
//! at build time; the server's static file handler picks one by the request's
//! `Accept-Encoding` (tower-http's `ServeDir` with precompressed variants).

use std::io::Write as _;
use std::path::Path;

/// Formats that are compressed already: a second pass only costs time.
const ALREADY_COMPRESSED: [&str; 8] = ["png", "jpg", "jpeg", "webp", "avif", "gif", "woff2", "zip"];

/// Writes the copies next to each file under `site` (a file per core at a time); returns how many
/// files got them.
pub fn precompress(site: &Path) -> anyhow::Result<usize> {
    let mut files = Vec::new();
    compressible(site, &mut files)?;
    // Largest first, so the last file to finish is a small one.
    files.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
    crate::tools::on_every_core(&files, |(path, _)| {
        let bytes = std::fs::read(path)?;
        std::fs::write(with_suffix(path, "br"), brotli(&bytes)?)?;
        std::fs::write(with_suffix(path, "gz"), gzip(&bytes)?)?;
        Ok(())
    })?;
    Ok(files.len())
}

/// The files under `dir` worth compressing, with their sizes.
fn compressible(dir: &Path, files: &mut Vec<(std::path::PathBuf, u64)>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            compressible(&path, files)?;
            continue;
        }
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        let skip = ALREADY_COMPRESSED.contains(&extension.as_str())
            || extension == "br"
            || extension == "gz"
            || path.file_name().is_some_and(|name| name == crate::fingerprint::HASH_FILE);
        if !skip {
            files.push((path, entry.metadata()?.len()));
        }
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    name.into()
}

/// Brotli at its best (quality 11, 4 MiB window).
pub fn brotli(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = ::brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(bytes)?;
    }
    Ok(out)
}

/// gzip at level 9.
pub fn gzip(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    #[test]
    fn both_copies_decode_to_the_original() {
        let text = "Soco menyimpan riwayat yang tidak disimpan TikTok. ".repeat(50);
        let mut from_gzip = String::new();
        flate2::read::GzDecoder::new(&gzip(text.as_bytes()).expect("gzip")[..])
            .read_to_string(&mut from_gzip)
            .expect("gunzip");
        assert_eq!(from_gzip, text);
        let compressed = brotli(text.as_bytes()).expect("brotli");
        assert!(compressed.len() < text.len() / 10, "{} bytes", compressed.len());
        let mut from_brotli = Vec::new();
        ::brotli::Decompressor::new(&compressed[..], 4096).read_to_end(&mut from_brotli).expect("unbrotli");
        assert_eq!(from_brotli, text.as_bytes());
    }
}
