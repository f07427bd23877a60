//! Links TikTok sends that Soco shows as link targets (a video's `share_url` becomes an `<a href>`):
//! only an absolute `https://` URL is kept. Anything else (`javascript:`, `data:`, `http://`, a
//! relative or unparsable string) is dropped, so a hostile or broken value from TikTok, or from
//! whatever answers at its configured address, never reaches a page.

/// `raw` as a link target Soco may store and render: the `url` crate's serialisation of an
/// absolute `https` URL with a host, or `None` (logged at debug) for anything else.
pub fn https_link(raw: &str) -> Option<String> {
    match url::Url::parse(raw) {
        Ok(link) if link.scheme() == "https" && link.host().is_some() => Some(link.into()),
        Ok(link) => {
            tracing::debug!(scheme = link.scheme(), "a link from TikTok is not https; not stored");
            None
        }
        Err(error) => {
            tracing::debug!(%error, "a link from TikTok does not parse; not stored");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_links_are_kept() {
        let share = "https://www.tiktok.com/@sari/video/7301234567890123456";
        assert_eq!(https_link(share).as_deref(), Some(share));
        for hostile in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "http://www.tiktok.com/@sari/video/1",
            "//evil.example/x",
            "/relative",
            "https:",
            "",
        ] {
            assert_eq!(https_link(hostile), None, "{hostile:?}");
        }
    }

    #[test]
    fn kept_links_are_normalised() {
        // The parser drops tabs and newlines as browsers do, and percent-encodes what an href
        // must not carry raw: what is stored is what a browser would follow.
        assert_eq!(
            https_link("https://www.tiktok.com/@sari/video/1?x=\"><script>").as_deref(),
            Some("https://www.tiktok.com/@sari/video/1?x=%22%3E%3Cscript%3E")
        );
        assert_eq!(https_link("HTTPS://WWW.TikTok.com/a\n").as_deref(), Some("https://www.tiktok.com/a"));
    }
}
