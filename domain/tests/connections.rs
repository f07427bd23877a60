//! Connecting TikTok accounts, end to end against the sandbox over real HTTP, on SQLite and
//! PostgreSQL: consent bound to the session, partial grants, reconnecting the same account,
//! single-flight refresh with rotation, a refused grant flagging the account (one email), and
//! disconnect revoking at TikTok and scheduling the data's deletion.

use chrono::{Duration, Utc};
use domain::Error;
use domain::connections::{self, status};
use domain::db_tests;
use domain::entities::{tiktok_account, tiktok_token, user};
use domain::sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set};
use domain::services::Services;
use secrecy::SecretString;

mod common;

use common::*;

async fn connect_and_reconnect_without_duplicates(db: DatabaseConnection) {
    let world = world(db).await;
    let user = verified_user(&world.services, "sari@example.id").await;
    let session = SecretString::from("session-one");

    let account = connect(&world, &user, &session, 1, &["user.info.basic", "video.list"]).await;
    let creator = &world.sandbox.world.creators.all[1];
    assert_eq!(account.open_id, creator.open_id);
    assert_eq!(account.display_name, creator.display_name);
    assert_eq!(account.scopes, "user.info.basic,video.list", "the partial grant is recorded");
    assert_eq!(account.username, None, "no profile scope, no username: degraded, not failed");
    assert_eq!(account.status, status::ACTIVE);
    let tokens = tiktok_token::Entity::find_by_id(account.id)
        .one(&world.services.db)
        .await
        .expect("db")
        .expect("tokens");
    assert!(!String::from_utf8_lossy(&tokens.access_token).contains("act."), "sealed, not plain");

    // The same TikTok account again, now with every scope: updated, not duplicated.
    let again = connect(&world, &user, &session, 1, ALL).await;
    assert_eq!(again.id, account.id);
    assert_eq!(again.username.as_deref(), Some(creator.username.as_str()));
    assert_eq!(tiktok_account::Entity::find().count(&world.services.db).await.expect("count"), 1);
    let other = connect(&world, &user, &session, 2, ALL).await;
    assert_ne!(other.id, account.id, "many accounts per user");
    assert_eq!(connections::list(&world.services, &user).await.expect("list").len(), 2);
}

async fn the_state_is_bound_to_the_session_and_used_once(db: DatabaseConnection) {
    let world = world(db).await;
    let user = verified_user(&world.services, "budi@example.id").await;
    let session = SecretString::from("session-one");
    let url = connections::start(&world.services, &user, &session, Utc::now()).await.expect("start");
    let query = consent(&world, &url, 0, ALL).await;

    let other_session = SecretString::from("session-two");
    let stolen =
        connections::complete(&world.services, &user, &other_session, &query, &meta(), Utc::now()).await;
    assert!(matches!(stolen, Err(Error::Invalid { field: "state", code: "connect_expired" })), "{stolen:?}");
    let replay = connections::complete(&world.services, &user, &session, &query, &meta(), Utc::now()).await;
    assert!(matches!(replay, Err(Error::Invalid { field: "state", .. })), "spent by the first attempt");

    let url = connections::start(&world.services, &user, &session, Utc::now()).await.expect("start");
    let query = consent(&world, &url, 0, ALL).await;
    let late = Utc::now() + connections::FLOW_LIFETIME + Duration::seconds(1);
    let expired = connections::complete(&world.services, &user, &session, &query, &meta(), late).await;
    assert!(matches!(expired, Err(Error::Invalid { field: "state", .. })), "{expired:?}");

    let unverified = user::ActiveModel { email_verified_at: Set(None), ..user.clone().into() }
        .update(&world.services.db)
        .await
        .expect("update");
    let refused = connections::start(&world.services, &unverified, &session, Utc::now()).await;
    assert!(refused.is_err(), "unverified accounts cannot connect");
}

async fn refresh_is_single_flight_and_rotation_is_kept(db: DatabaseConnection) {
    let world = world(db).await;
    let user = verified_user(&world.services, "ayu@example.id").await;
    let account = connect(&world, &user, &SecretString::from("s"), 0, ALL).await;
    let later = Utc::now() + Duration::hours(3);
    // Two callers at once: the sandbox rotates refresh tokens, so a second refresh with the old
    // one would be refused. Both succeed only if the second waited for the first.
    let (a, b) = tokio::join!(
        connections::access_token(&world.services, &account, later),
        connections::access_token(&world.services, &account, later),
    );
    let (a, b) = (a.expect("first"), b.expect("second"));
    use secrecy::ExposeSecret;
    assert_eq!(a.expose_secret(), b.expose_secret(), "one refresh, shared");
    let info = world
        .services
        .tiktok
        .display
        .user_info(&a, &[domain::tiktok::UserField::OpenId])
        .await
        .expect("works");
    assert_eq!(info.open_id.as_deref(), Some(account.open_id.as_str()));
    assert_eq!(world.sandbox.grants.list().len(), 1);
}

async fn a_refused_grant_flags_the_account_and_mails_once(db: DatabaseConnection) {
    let world = world(db).await;
    let user = verified_user(&world.services, "nadia@example.id").await;
    let account = connect(&world, &user, &SecretString::from("s"), 2, ALL).await;
    world.sandbox.grants.revoke_user(&account.open_id); // the user removed the app at TikTok
    let later = Utc::now() + Duration::hours(3);
    let refused = connections::access_token(&world.services, &account, later).await;
    assert!(matches!(refused, Err(Error::Invalid { code: "tiktok_grant_refused", .. })), "{refused:?}");
    let flagged = connections::find(&world.services, &user, account.id).await.expect("account");
    assert_eq!(flagged.status, status::RECONNECT);
    assert!(
        tiktok_token::Entity::find_by_id(account.id).one(&world.services.db).await.expect("db").is_none()
    );
    let mail = domain::testing::outbox(&world.services, 1).await;
    assert!(mail[0].subject.contains("Reconnect"), "{:?}", mail[0].subject);
    // Again: no second email.
    let _ = connections::access_token(&world.services, &flagged, later).await;
    connections::flag_for_reconnect(&world.services, account.id, later).await.expect("flag");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(domain::testing::outbox(&world.services, 1).await.len(), 1);
    // Reconnecting brings it back.
    let back = connect(&world, &user, &SecretString::from("s"), 2, ALL).await;
    assert_eq!((back.id, back.status.as_str()), (account.id, status::ACTIVE));
}

async fn disconnect_revokes_deletes_tokens_and_schedules_the_purge(db: DatabaseConnection) {
    let world = world(db).await;
    let user = verified_user(&world.services, "rizky@example.id").await;
    let stranger = verified_user(&world.services, "x@example.id").await;
    let account = connect(&world, &user, &SecretString::from("s"), 1, ALL).await;
    // Whole microseconds: PostgreSQL keeps no more.
    let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);
    let theirs = connections::disconnect(&world.services, &stranger, account.id, &meta(), now).await;
    assert!(matches!(theirs, Err(Error::NotFound)), "only the owner can disconnect");

    let gone =
        connections::disconnect(&world.services, &user, account.id, &meta(), now).await.expect("disconnect");
    assert_eq!(gone.status, status::DISCONNECTED);
    assert_eq!(gone.purge_after, Some(now + connections::PURGE_AFTER));
    assert!(world.sandbox.grants.list().is_empty(), "revoked at TikTok");
    assert!(
        tiktok_token::Entity::find_by_id(account.id).one(&world.services.db).await.expect("db").is_none()
    );

    // Reconnecting within 30 days cancels the deletion.
    let back = connect(&world, &user, &SecretString::from("s"), 1, ALL).await;
    assert_eq!((back.id, back.purge_after), (account.id, None));
    connections::disconnect(&world.services, &user, account.id, &meta(), now).await.expect("disconnect");
    assert_eq!(
        connections::purge_disconnected(&world.services.db, now + Duration::days(29)).await.expect("purge"),
        0
    );
    assert_eq!(
        connections::purge_disconnected(&world.services.db, now + Duration::days(31)).await.expect("purge"),
        1
    );
    assert!(connections::list(&world.services, &user).await.expect("list").is_empty());
}

async fn rotate_keys_reseals_every_token(db: DatabaseConnection) {
    use domain::keyring::KeyRing;
    let world = world(db.clone()).await;
    let user = verified_user(&world.services, "arif@example.id").await;
    let account = connect(&world, &user, &SecretString::from("s"), 0, ALL).await;
    let old = world.services.vault.keys().active();
    let hex = |key: &domain::keyring::Key| key.bytes().iter().map(|b| format!("{b:02x}")).collect::<String>();
    let fresh = KeyRing::generate("k2027").expect("key");
    let both =
        KeyRing::parse(&format!("k2027:{},{}:{}", hex(fresh.active()), old.id(), hex(old))).expect("ring");
    let rotated_services =
        Services::new(db.clone(), world.services.config.clone(), both).await.expect("services");

    let rotated = domain::key_rotation::rotate(&rotated_services).await.expect("rotate");
    assert_eq!(rotated.tiktok_tokens, 1);
    assert_eq!(
        domain::key_rotation::rotate(&rotated_services).await.expect("again").tiktok_tokens,
        0,
        "idempotent"
    );
    let row = tiktok_token::Entity::find_by_id(account.id).one(&db).await.expect("db").expect("tokens");
    assert_eq!(row.key_id, "k2027");

    // The old key can go: the new one alone opens the tokens (a refresh proves both work).
    let only_new = KeyRing::parse(&format!("k2027:{}", hex(fresh.active()))).expect("ring");
    let new_services = Services::new(db, world.services.config.clone(), only_new).await.expect("services");
    let token = connections::access_token(&new_services, &account, Utc::now() + Duration::hours(3))
        .await
        .expect("refreshed");
    let info = new_services
        .tiktok
        .display
        .user_info(&token, &[domain::tiktok::UserField::OpenId])
        .await
        .expect("works");
    assert_eq!(info.open_id.as_deref(), Some(account.open_id.as_str()));
}

db_tests!(
    connect_and_reconnect_without_duplicates,
    the_state_is_bound_to_the_session_and_used_once,
    refresh_is_single_flight_and_rotation_is_kept,
    a_refused_grant_flags_the_account_and_mails_once,
    disconnect_revokes_deletes_tokens_and_schedules_the_purge,
    rotate_keys_reseals_every_token,
);
