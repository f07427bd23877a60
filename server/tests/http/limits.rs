//! Limits every request meets: header and request timeouts, body size, `TCP_NODELAY`, and
//! server function errors answered with their own status.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use server_fn::ServerFn;

use crate::support::*;

async fn slow_request_headers_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::with_vars(&[("SOCO_HEADER_READ_TIMEOUT_MS", "200")]).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let timeout = app.services.config.header_read_timeout;
    tokio::spawn(server::listen::serve(listener, app.router.clone(), timeout, std::future::pending()));
    /// Reads until the server closes; `None` when it is still open after two seconds.
    async fn closed(stream: &mut tokio::net::TcpStream) -> Option<String> {
        let mut seen = Vec::new();
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(2), stream.read_to_end(&mut seen)).await;
        read.ok().map(|_| String::from_utf8_lossy(&seen).into_owned())
    }
    let mut silent = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut dribbling = tokio::net::TcpStream::connect(addr).await.expect("connect");
    dribbling.write_all(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.expect("write");
    assert!(closed(&mut silent).await.is_some(), "a connection that sends nothing is closed");
    assert!(closed(&mut dribbling).await.is_some_and(|r| !r.contains("200 OK")), "unfinished headers");
    // A keep-alive connection gets its answer, then the same deadline while idle.
    let mut polite = tokio::net::TcpStream::connect(addr).await.expect("connect");
    polite.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:3000\r\n\r\n").await.expect("write");
    let answer = closed(&mut polite).await.expect("closed once idle");
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
}

/// Nagle's algorithm holds a response's second write until the client's delayed ACK (about
/// 40 ms): the serving socket must have `TCP_NODELAY`. Read back from the accepted socket itself,
/// found in this process's descriptors by its port pair.
async fn accepted_connections_send_without_delay() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let timeout = app.services.config.header_read_timeout;
    tokio::spawn(server::listen::serve(listener, app.router.clone(), timeout, std::future::pending()));
    let mut client = tokio::net::TcpStream::connect(addr).await.expect("connect");
    client.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:3000\r\n\r\n").await.expect("write");
    let mut answer = [0u8; 12];
    client.read_exact(&mut answer).await.expect("an answer");
    assert_eq!(&answer, b"HTTP/1.1 200");
    let accepted = served_socket(addr.port(), client.local_addr().expect("address").port());
    assert!(rustix::net::sockopt::tcp_nodelay(&accepted).expect("getsockopt"), "TCP_NODELAY is off");
    // The check itself can fail: the client's own socket never had the option set.
    assert!(!rustix::net::sockopt::tcp_nodelay(&client).expect("getsockopt"));
}

/// This process's socket for the TCP connection from local port `server` to peer port `peer`,
/// duplicated through a pidfd (no raw descriptor handling).
fn served_socket(server: u16, peer: u16) -> std::os::fd::OwnedFd {
    let table = std::fs::read_to_string("/proc/self/net/tcp").expect("/proc/self/net/tcp");
    let port = |field: &str| field.rsplit(':').next().and_then(|hex| u16::from_str_radix(hex, 16).ok());
    let inode = table
        .lines()
        .skip(1)
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .find(|cols| port(cols[1]) == Some(server) && port(cols[2]) == Some(peer))
        .map(|cols| cols[9].to_owned())
        .expect("the accepted connection is in the TCP table");
    let target = format!("socket:[{inode}]");
    let fd = std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .filter_map(Result::ok)
        .find(|entry| std::fs::read_link(entry.path()).is_ok_and(|link| link.as_os_str() == target.as_str()))
        .and_then(|entry| entry.file_name().to_str().and_then(|n| n.parse::<i32>().ok()))
        .expect("the accepted socket is one of this process's descriptors");
    let me = rustix::process::getpid();
    let pidfd = rustix::process::pidfd_open(me, rustix::process::PidfdFlags::empty()).expect("pidfd_open");
    rustix::process::pidfd_getfd(&pidfd, fd, rustix::process::PidfdGetfdFlags::empty()).expect("pidfd_getfd")
}

/// A server function called by the hydrated client (no `text/html` in Accept) answers an error
/// with the error's own status and the same JSON body; leptos_axum alone says 500 for all.
async fn server_function_errors_answer_with_their_own_status() {
    let app = TestApp::new().await;
    let call = |path: &'static str, form: &'static str, cookie: Option<String>| {
        let mut request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::ORIGIN, "http://127.0.0.1:3000");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        app.request(request.body(Body::from(form)).expect("request"))
    };
    let bad_field = call(
        app::api::auth::Register::PATH,
        "email=not-an-address&display_name=Ayu&password=kopi+susu+gula+aren+tiga&adult=on&accept_terms=on",
        None,
    )
    .await;
    assert_eq!(bad_field.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad_field.body);
    let error: app::error::AppError = serde_json::from_str(&bad_field.body).expect("the error, as before");
    assert_eq!(error.field(), Some("email"));
    // Signed out, a signed-in call is 401, not a server failure.
    let signed_out = call(app::api::account::ResendVerification::PATH, "", None).await;
    assert_eq!(signed_out.status, StatusCode::UNAUTHORIZED, "{}", signed_out.body);
    // Success is untouched.
    let cookie = app.signed_in("ayu@example.id").await;
    let ok = app.get_as(&cookie, app::api::account::GetMe::PATH).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert!(ok.body.contains("ayu@example.id"), "{}", ok.body);
}

async fn a_request_that_takes_too_long_gets_408() {
    let app = TestApp::with_vars(&[("SOCO_REQUEST_TIMEOUT_MS", "300")]).await;
    // A body that starts and never ends (a slow upload holding a worker).
    let never_ends = futures_util::stream::StreamExt::chain(
        futures_util::stream::once(async {
            Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"email="))
        }),
        futures_util::stream::pending(),
    );
    let request = Request::post(app::api::auth::Login::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .body(Body::from_stream(never_ends))
        .expect("request");
    let reply = tokio::time::timeout(std::time::Duration::from_secs(5), app.request(request))
        .await
        .expect("answered well before the test gives up");
    assert_eq!(reply.status, StatusCode::REQUEST_TIMEOUT);
}

async fn an_oversized_body_gets_413() {
    let app = TestApp::with_vars(&[("SOCO_MAX_BODY_BYTES", "1024")]).await;
    let form = format!("email=ayu%40example.id&password={}", "x".repeat(4096));
    let request = Request::post(app::api::auth::Login::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, form.len())
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .body(Body::from(form))
        .expect("request");
    assert_eq!(app.request(request).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Without a length, the body is cut off where the limit is: a valid login padded past it
    // (in `next`) signs nobody in.
    app.signed_in("ayu@example.id").await;
    let padded = format!(
        "email=ayu%40example.id&password={}&next=%2F{}",
        PASSWORD.replace(' ', "+"),
        "a".repeat(4096)
    );
    let chunked = || {
        let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> =
            padded.as_bytes().chunks(512).map(|c| Ok(axum::body::Bytes::copy_from_slice(c))).collect();
        Request::post(app::api::auth::Login::PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header(header::ORIGIN, "http://127.0.0.1:3000")
            .header(header::REFERER, "http://127.0.0.1:3000/login")
            .body(Body::from_stream(futures_util::stream::iter(chunks)))
            .expect("request")
    };
    let reply = app.request(chunked()).await;
    assert!(
        !header(&reply, header::SET_COOKIE).contains("soco_session="),
        "{} {:?}",
        reply.status,
        reply.headers
    );
    drop(app);
    // The same login under the default limit signs in: the limit, not the form, refused it.
    let roomy = TestApp::new().await;
    roomy.signed_in("ayu@example.id").await;
    let reply = roomy.request(chunked()).await;
    assert!(header(&reply, header::SET_COOKIE).contains("soco_session="), "{} {}", reply.status, reply.body);
}

on_both_databases!(
    slow_request_headers_are_cut_off,
    accepted_connections_send_without_delay,
    server_function_errors_answer_with_their_own_status,
    a_request_that_takes_too_long_gets_408,
    an_oversized_body_gets_413,
);
