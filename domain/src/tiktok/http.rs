//! The one HTTP client every TikTok call goes through, and its adapter for the `oauth2` crate.
//!
//! Build one [`Http`] at start-up and share it (it pools connections): [`super::LoginKit`] and
//! [`super::DisplayApi`] both take it. Production talks HTTPS through rustls (never OpenSSL) with
//! the operating system's trust store; tests talk plain HTTP to the sandbox.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};

/// Timeouts of the shared client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    /// How long establishing a connection (TCP and TLS) may take.
    pub connect_timeout: Duration,
    /// How long a whole request may take, response body included.
    pub request_timeout: Duration,
}

impl Default for HttpSettings {
    /// 10 s to connect, 30 s per request: TikTok answers in well under a second, and a stuck call
    /// must give its worker back rather than hold it forever.
    fn default() -> Self {
        HttpSettings { connect_timeout: Duration::from_secs(10), request_timeout: Duration::from_secs(30) }
    }
}

/// What can go wrong below HTTP semantics: building the client, or sending a request.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The client could not be built (no usable TLS trust store, ...).
    #[error("HTTP client setup failed: {0}")]
    Setup(#[source] reqwest::Error),
    /// The request never got a complete response (connection refused, timeout, reset, ...).
    #[error("HTTP transport failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// The request or response could not be represented (an invalid header, ...).
    #[error("invalid HTTP message: {0}")]
    Message(String),
}

/// A shared, cheaply cloneable HTTP client for TikTok's hosts.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
}

impl Http {
    /// A client with `settings`. It never follows redirects: TikTok's API endpoints do not
    /// redirect, and following one could send a token or a client secret somewhere else.
    pub fn new(settings: HttpSettings) -> Result<Self, HttpError> {
        let client = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("soco/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(HttpError::Setup)?;
        Ok(Http { client })
    }

    /// The underlying reqwest client, for the JSON APIs.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends an `http` request (as `oauth2` builds them) and reads the whole response.
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (parts, body) = request.into_parts();
        let url = parts.uri.to_string();
        let response = self
            .client
            .request(parts.method, url)
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(HttpError::Transport)?;
        let mut builder = http::Response::builder().status(response.status()).version(response.version());
        if let Some(headers) = builder.headers_mut() {
            headers.extend(response.headers().iter().map(|(name, value)| (name.clone(), value.clone())));
        }
        let body = response.bytes().await.map_err(HttpError::Transport)?;
        builder.body(body.to_vec()).map_err(|e| HttpError::Message(e.to_string()))
    }
}

/// Lets `oauth2` send its token and revocation requests through our reqwest 0.13 client (its own
/// `reqwest` feature would pull reqwest 0.12 and a second TLS stack).
impl<'c> AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_with_rustls_and_the_platform_roots() {
        assert!(Http::new(HttpSettings::default()).is_ok());
    }
}
