//! `make bench`: can the time of an answer tell whether an address has an account?
//!
//! Starts the real router on Soco's own listener on a loopback port (SQLite in a temporary folder) with one account,
//! then posts 200 pairs of sign-ups (the taken address, then a fresh one, or the other way round,
//! alternating) and 200 pairs of reset requests (known address, unknown one), as a browser
//! without JavaScript would. Prints the medians of each side and the mean of the paired
//! differences Δ with its 95% interval: an interval that holds 0 means the answers' timing gives
//! nothing away at this sample size. Figures, not a test: nothing here fails on time.

mod support;

use std::time::{Duration, Instant};

use server_fn::ServerFn;

const PAIRS: usize = 200;
const WARM_UP: usize = 10;
const PASSWORD: &str = support::PASSWORD;
const KNOWN: &str = "known@example.com";

#[tokio::main]
async fn main() {
    let site =
        support::Site::start(&[("SOCO_AUTH_BURST", "100000"), ("SOCO_AUTH_PER_MINUTE", "100000")], None)
            .await;
    let services = &site.services;
    domain::users::register(services, registration(KNOWN), &support::meta(), chrono::Utc::now())
        .await
        .expect("register");
    services.settle().await;
    let client = Client { http: site.http.clone(), origin: site.origin.clone() };

    println!("account enumeration by timing: {PAIRS} pairs each, over HTTP on loopback, alternating order");
    let sign_up = |email: String| {
        let client = client.clone();
        async move {
            let r = registration(&email);
            client
                .post(
                    app::api::auth::Register::PATH,
                    "/register",
                    &[
                        ("email", r.email.as_str()),
                        ("display_name", r.display_name.as_str()),
                        ("password", PASSWORD),
                        ("adult", "on"),
                        ("accept_terms", "on"),
                        ("locale", "en"),
                        ("time_zone", "UTC"),
                    ],
                )
                .await
        }
    };
    let reset = |email: String| {
        let client = client.clone();
        async move {
            client
                .post(app::api::auth::ForgotPassword::PATH, "/forgot-password", &[("email", email.as_str())])
                .await
        }
    };

    for i in 0..WARM_UP {
        sign_up(format!("warm{i}@example.com")).await;
        reset(format!("warm{i}@example.com")).await;
    }
    services.settle().await;

    let mut pairs = Vec::with_capacity(PAIRS);
    for i in 0..PAIRS {
        let (known, fresh) = if i % 2 == 0 {
            let known = sign_up(KNOWN.to_owned()).await;
            (known, sign_up(format!("new{i}@example.com")).await)
        } else {
            let fresh = sign_up(format!("new{i}@example.com")).await;
            (sign_up(KNOWN.to_owned()).await, fresh)
        };
        pairs.push((known, fresh));
    }
    report("sign-up (taken vs free address)", &pairs);
    services.settle().await;

    let mut pairs = Vec::with_capacity(PAIRS);
    for i in 0..PAIRS {
        let (known, unknown) = if i % 2 == 0 {
            let known = reset(KNOWN.to_owned()).await;
            (known, reset(format!("nobody{i}@example.com")).await)
        } else {
            let unknown = reset(format!("nobody{i}@example.com")).await;
            (reset(KNOWN.to_owned()).await, unknown)
        };
        pairs.push((known, unknown));
    }
    report("reset request (known vs unknown address)", &pairs);
    services.settle().await;
}

fn registration(email: &str) -> domain::users::Registration {
    domain::users::Registration { time_zone: "UTC".into(), ..support::registration(email) }
}

#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    origin: String,
}

impl Client {
    /// Posts a form as a browser without JavaScript does; returns how long the answer took.
    async fn post(&self, path: &str, page: &str, form: &[(&str, &str)]) -> Duration {
        let sent = Instant::now();
        let response = self
            .http
            .post(format!("{}{path}", self.origin))
            .header("accept", "text/html")
            .header("origin", &self.origin)
            .header("referer", format!("{}{page}", self.origin))
            .form(form)
            .send()
            .await
            .expect("response");
        let took = sent.elapsed();
        assert_eq!(response.status(), 302, "{path} answered {}", response.status());
        took
    }
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn report(what: &str, pairs: &[(Duration, Duration)]) {
    let n = pairs.len() as f64;
    let deltas: Vec<f64> = pairs.iter().map(|(a, b)| millis(*a) - millis(*b)).collect();
    let mean = deltas.iter().sum::<f64>() / n;
    let sd = (deltas.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let half = 1.96 * sd / n.sqrt();
    println!(
        "{what}: median {:.2} ms vs {:.2} ms; Δ mean {mean:+.2} ms (95% interval {:+.2} to {:+.2} ms), Δ median {:+.2} ms",
        median(pairs.iter().map(|(a, _)| millis(*a)).collect()),
        median(pairs.iter().map(|(_, b)| millis(*b)).collect()),
        mean - half,
        mean + half,
        median(deltas.clone()),
    );
}
