//! The sandbox's few HTML pages (the Login Kit and seller consent pages): escaping, one plain
//! page layout, and a strict content security policy of their own.
//!
//! The pages have no scripts and no styles. Their policy allows nothing but posting the form
//! back and the redirects to the registered redirect URIs' origins.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::Sandbox;

/// Escapes `text` for HTML text and quoted attribute values (`& < > " '`; html-escape).
pub fn escape(text: &str) -> String {
    html_escape::encode_quoted_attribute(text).into_owned()
}

/// A complete page titled `title` (escaped here) around `body` (already HTML).
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · TikTok sandbox</title></head><body><main>\
         <p><strong>TikTok sandbox</strong>: a local stand-in for TikTok. No real account is involved.</p>\
         <h1>{title}</h1>{body}</main></body></html>",
        title = escape(title)
    )
}

fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// `html` with `status` and the pages' content security policy.
pub fn respond(sandbox: &Sandbox, status: StatusCode, html: String) -> Response {
    let mut targets: Vec<String> = sandbox
        .config
        .login_kit
        .redirect_uris
        .iter()
        .chain(std::iter::once(&sandbox.config.shop_app.redirect_url))
        .filter_map(|u| origin(u))
        .collect();
    targets.sort();
    targets.dedup();
    let policy = format!(
        "default-src 'none'; img-src 'self'; form-action 'self' {}; frame-ancestors 'none'; base-uri 'none'",
        targets.join(" ")
    );
    let mut response = (status, Html(html)).into_response();
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_finds_origins() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;"
        );
        assert_eq!(origin("http://127.0.0.1:3000/connect/cb?x=1").as_deref(), Some("http://127.0.0.1:3000"));
        assert_eq!(origin("not a url"), None);
    }
}
