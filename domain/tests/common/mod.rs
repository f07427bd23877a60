//! Shared steps of the tests that connect TikTok accounts against the sandbox over real HTTP.
#![allow(dead_code)]

use chrono::Utc;
use domain::auth::RequestMeta;
use domain::entities::{tiktok_account, user};
use domain::sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use domain::services::Services;
use domain::tiktok::connections;
use sandbox::{Sandbox, SandboxConfig};
use secrecy::SecretString;

pub struct World {
    pub services: Services,
    pub sandbox: Sandbox,
    _data: tempfile::TempDir,
}

/// Soco's services and the sandbox mounted under `/sandbox` on one loopback port, as in sandbox
/// mode.
pub async fn world(db: DatabaseConnection) -> World {
    world_with(db, &[]).await
}

/// [`world`] with extra `SOCO_*` settings.
pub async fn world_with(db: DatabaseConnection, settings: &[(&str, &str)]) -> World {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let origin = format!("http://{}", listener.local_addr().expect("an address"));
    let mut config = SandboxConfig::for_public_url(&origin);
    config.scale.creators = 3;
    config.scale.videos_per_creator = 30;
    config.scale.history_days = 30;
    let sandbox = Sandbox::new(config);
    let router = axum::Router::new().nest("/sandbox", sandbox::router(sandbox.clone()));
    tokio::spawn(async move { axum::serve(listener, router).await });
    let mut vars = vec![("SOCO_PUBLIC_URL", origin.as_str())];
    vars.extend_from_slice(settings);
    let (services, data) = domain::testing::services_with(db, &vars).await;
    World { services, sandbox, _data: data }
}

pub async fn verified_user(services: &Services, email: &str) -> user::Model {
    let now = Utc::now();
    user::ActiveModel {
        email: Set(email.to_owned()),
        display_name: Set("Sari".to_owned()),
        email_verified_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&services.db)
    .await
    .expect("user")
}

pub fn meta() -> RequestMeta {
    RequestMeta::new("127.0.0.1".parse().expect("ip"), "test")
}

/// Approves the consent page as creator `creator` with `granted` ticked, as a browser would;
/// returns the callback's query string.
pub async fn consent(world: &World, url: &url::Url, creator: usize, granted: &[&str]) -> String {
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let page = client.get(url.as_str()).send().await.expect("consent page");
    assert_eq!(page.status(), 200);
    let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    form.push(("open_id".into(), world.sandbox.world.creators.all[creator].open_id.clone()));
    form.push(("decision".into(), "approve".into()));
    form.extend(granted.iter().map(|g| ("granted".to_owned(), (*g).to_owned())));
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&form).finish();
    let reply = client
        .post(url.as_str())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("decision");
    assert!(reply.status().is_redirection(), "{}", reply.status());
    let location = reply.headers()["location"].to_str().expect("ascii").to_owned();
    let callback = url::Url::parse(&location).expect("absolute");
    assert_eq!(callback.path(), "/connect/tiktok/callback");
    callback.query().unwrap_or_default().to_owned()
}

pub const ALL: &[&str] = &["user.info.basic", "user.info.profile", "user.info.stats", "video.list"];

pub async fn connect(
    world: &World,
    user: &user::Model,
    session: &SecretString,
    creator: usize,
    granted: &[&str],
) -> tiktok_account::Model {
    let url = connections::start(&world.services, user, session, Utc::now()).await.expect("start");
    let query = consent(world, &url, creator, granted).await;
    connections::complete(&world.services, user, session, &query, &meta(), Utc::now())
        .await
        .expect("complete")
}
