//! Connecting TikTok accounts, end to end against the sandbox over real HTTP, on SQLite and
//! PostgreSQL: consent bound to the session, partial grants, reconnecting the same account,
//! single-flight refresh with rotation, a refused grant flagging the account (one email), and
//! disconnect revoking at TikTok (refreshing a lapsed token first, or one only TikTok's clock
//! has ended, and saying so when TikTok does not confirm) and scheduling the data's deletion; a
//! token TikTok refuses early is refreshed once; single-flight holds between two `Services` that
//! share nothing but the database.

use chrono::{Duration, Utc};
use domain::Error;
use domain::db_tests;
use domain::entities::{tiktok_account, tiktok_token, user};
use domain::error::Code;
use domain::sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set};
use domain::services::Services;
use domain::tiktok::connections::{self, AccountStatus};
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
    assert_eq!(account.scopes.to_string(), "user.info.basic,video.list", "the partial grant is recorded");
    assert_eq!(account.username, None, "no profile scope, no username: degraded, not failed");
    assert_eq!(account.status, AccountStatus::Active);
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
    assert!(
        matches!(stolen, Err(Error::Invalid { field: "state", code: Code::ConnectExpired })),
        "{stolen:?}"
    );
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
    assert!(matches!(refused, Err(Error::Invalid { code: Code::TikTokGrantRefused, .. })), "{refused:?}");
    let flagged = connections::find(&world.services, &user, account.id).await.expect("account");
    assert_eq!(flagged.status, AccountStatus::Reconnect);
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
    assert_eq!((back.id, back.status), (account.id, AccountStatus::Active));
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

    let (gone, revocation) =
        connections::disconnect(&world.services, &user, account.id, &meta(), now).await.expect("disconnect");
    assert_eq!(revocation, connections::Revocation::Confirmed);
    assert_eq!(gone.status, AccountStatus::Disconnected);
    assert_eq!(gone.purge_after, Some(now + connections::PURGE_AFTER));
    assert!(world.sandbox.grants.list().is_empty(), "revoked at TikTok");
    assert!(
        tiktok_token::Entity::find_by_id(account.id).one(&world.services.db).await.expect("db").is_none()
    );
    // The withdrawal is in the user's requests register, done at once.
    use domain::entities::privacy_request;
    use domain::sea_orm::{ColumnTrait, QueryFilter};
    let withdrawals = privacy_request::Entity::find()
        .filter(privacy_request::Column::UserId.eq(user.id))
        .all(&world.services.db)
        .await
        .expect("db");
    assert_eq!(withdrawals.len(), 1);
    assert_eq!(withdrawals[0].kind, domain::privacy::RequestKind::Withdrawal);
    assert_eq!(withdrawals[0].status, domain::privacy::RequestStatus::Completed);
    assert_eq!(withdrawals[0].closed_at, Some(now));

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

async fn refresh_is_single_flight_without_shared_memory(db: DatabaseConnection) {
    // Two Services on one database share nothing in memory, as two processes would not: only the
    // database can make them take turns.
    let world = world(db.clone()).await;
    let other = Services::new(db, world.services.config.clone(), world.services.vault.keys().clone())
        .await
        .expect("services");
    let user = verified_user(&world.services, "wulan@example.id").await;
    let account = connect(&world, &user, &SecretString::from("s"), 0, ALL).await;
    for round in 1..=5 {
        let later = Utc::now() + Duration::hours(3 * round);
        let (a, b) = tokio::join!(
            connections::access_token(&world.services, &account, later),
            connections::access_token(&other, &account, later),
        );
        use secrecy::ExposeSecret;
        let (a, b) = (a.expect("first"), b.expect("second"));
        assert_eq!(a.expose_secret(), b.expose_secret(), "round {round}: one refresh, shared");
        let row =
            tiktok_token::Entity::find_by_id(account.id).one(&other.db).await.expect("db").expect("row");
        assert_eq!(row.generation, round, "one generation per refresh");
        assert_eq!(row.refresh_claimed_until, None, "the claim is released");
    }
    let still = connections::find(&world.services, &user, account.id).await.expect("account");
    assert_eq!(still.status, AccountStatus::Active, "nobody lost a race and flagged the account");
    assert!(domain::testing::outbox(&world.services, 0).await.is_empty(), "no reconnect email");
}

async fn a_token_tiktok_refuses_is_refreshed_once(db: DatabaseConnection) {
    let world = world(db).await;
    let user = verified_user(&world.services, "putri@example.id").await;
    let account = connect(&world, &user, &SecretString::from("s"), 1, ALL).await;
    let fields = [domain::tiktok::UserField::OpenId];
    let read = |services: &Services, account: &tiktok_account::Model| {
        let services = services.clone();
        let account = account.clone();
        async move {
            connections::with_token(&services, &account, Utc::now(), |token| {
                let services = services.clone();
                async move { services.tiktok.display.user_info(&token, &fields).await }
            })
            .await
        }
    };
    // TikTok ends the access token early (clock skew, an early rotation) while Soco's stored
    // expiry still looks an hour and more away.
    let grant = world.sandbox.grants.list()[0].clone();
    world.sandbox.grants.expire_access(grant.id, world.sandbox.clock.now());
    let info = read(&world.services, &account).await.expect("refreshed once, then read");
    assert_eq!(info.open_id.as_deref(), Some(account.open_id.as_str()));
    let row =
        tiktok_token::Entity::find_by_id(account.id).one(&world.services.db).await.expect("db").expect("row");
    assert_eq!(row.generation, 1, "exactly one refresh");

    // The user removes the app at TikTok: the refresh is refused, the account flagged, one email.
    world.sandbox.grants.revoke_user(&account.open_id);
    let refused = read(&world.services, &account).await;
    assert!(matches!(refused, Err(Error::Invalid { code: Code::TikTokGrantRefused, .. })), "{refused:?}");
    let flagged = connections::find(&world.services, &user, account.id).await.expect("account");
    assert_eq!(flagged.status, AccountStatus::Reconnect);
    let _ = read(&world.services, &flagged).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(domain::testing::outbox(&world.services, 1).await.len(), 1, "one email");
}

async fn disconnect_refreshes_a_lapsed_token_before_revoking(db: DatabaseConnection) {
    let world = world(db).await;
    let user = verified_user(&world.services, "indah@example.id").await;
    let account = connect(&world, &user, &SecretString::from("s"), 2, ALL).await;
    // Three hours on, on both sides: the stored access token has lapsed at TikTok, and the
    // strict sandbox refuses to revoke with it.
    world.sandbox.clock.advance(3 * 3600);
    let later = Utc::now() + Duration::hours(3);
    let (_, revocation) = connections::disconnect(&world.services, &user, account.id, &meta(), later)
        .await
        .expect("disconnect");
    assert_eq!(revocation, connections::Revocation::Confirmed, "refreshed, then revoked");
    assert!(world.sandbox.grants.list().is_empty(), "nothing left alive at TikTok");
}

async fn disconnect_refreshes_when_only_tiktoks_clock_moved(db: DatabaseConnection) {
    let world = world(db).await;
    let user = verified_user(&world.services, "wulan@example.id").await;
    let account = connect(&world, &user, &SecretString::from("s"), 1, ALL).await;
    // TikTok's clock is three hours ahead; Soco's copy of the token still looks fresh to Soco.
    world.sandbox.clock.advance(3 * 3600);
    let (_, revocation) = connections::disconnect(&world.services, &user, account.id, &meta(), Utc::now())
        .await
        .expect("disconnect");
    assert_eq!(revocation, connections::Revocation::Confirmed, "refused, refreshed, then revoked");
    assert!(world.sandbox.grants.list().is_empty(), "nothing left alive at TikTok");
}

async fn disconnect_says_when_tiktok_did_not_confirm(db: DatabaseConnection) {
    use sandbox::faults::{Fault, FaultKind, FaultTarget};
    let world = world(db).await;
    let user = verified_user(&world.services, "tari@example.id").await;
    let account = connect(&world, &user, &SecretString::from("s"), 0, ALL).await;
    world.sandbox.faults.arm(Fault {
        id: 0,
        target: FaultTarget { endpoint: Some("oauth.revoke".into()), account: None },
        kind: FaultKind::ServerError { status: 503 },
        times: None,
    });
    let (gone, revocation) = connections::disconnect(&world.services, &user, account.id, &meta(), Utc::now())
        .await
        .expect("disconnect");
    assert_eq!(revocation, connections::Revocation::NotConfirmed, "told as it is");
    assert_eq!(gone.status, AccountStatus::Disconnected);
    assert!(
        tiktok_token::Entity::find_by_id(account.id).one(&world.services.db).await.expect("db").is_none(),
        "tokens deleted at once all the same"
    );
    assert_eq!(world.sandbox.grants.list().len(), 1, "the grant really is still alive at TikTok");

    // An account whose grant TikTok already ended has nothing to revoke, and says so.
    world.sandbox.faults.clear(None);
    let back = connect(&world, &user, &SecretString::from("s"), 0, ALL).await;
    world.sandbox.grants.revoke_user(&back.open_id);
    let (_, revocation) =
        connections::disconnect(&world.services, &user, back.id, &meta(), Utc::now() + Duration::hours(3))
            .await
            .expect("disconnect");
    assert_eq!(revocation, connections::Revocation::AlreadyEnded);
    assert!(domain::testing::outbox(&world.services, 0).await.is_empty(), "no reconnect email on disconnect");
}

async fn a_grant_whose_profile_cannot_be_read_is_given_back(db: DatabaseConnection) {
    use sandbox::faults::{Fault, FaultKind, FaultTarget};
    let world = world(db).await;
    let user = verified_user(&world.services, "rani@example.id").await;
    let session = SecretString::from("s");
    world.sandbox.faults.arm(Fault {
        id: 0,
        target: FaultTarget { endpoint: Some("display.user_info".into()), account: None },
        kind: FaultKind::ServerError { status: 500 },
        times: None,
    });
    let url = connections::start(&world.services, &user, &session, Utc::now()).await.expect("start");
    let query = consent(&world, &url, 1, ALL).await;
    let failed = connections::complete(&world.services, &user, &session, &query, &meta(), Utc::now()).await;
    assert!(failed.is_err(), "{failed:?}");
    assert!(world.sandbox.grants.list().is_empty(), "the new grant was revoked, not orphaned");
    assert!(connections::list(&world.services, &user).await.expect("list").is_empty());
}

db_tests!(
    refresh_is_single_flight_without_shared_memory,
    a_token_tiktok_refuses_is_refreshed_once,
    disconnect_refreshes_a_lapsed_token_before_revoking,
    disconnect_refreshes_when_only_tiktoks_clock_moved,
    disconnect_says_when_tiktok_did_not_confirm,
    a_grant_whose_profile_cannot_be_read_is_given_back,
    connect_and_reconnect_without_duplicates,
    the_state_is_bound_to_the_session_and_used_once,
    refresh_is_single_flight_and_rotation_is_kept,
    a_refused_grant_flags_the_account_and_mails_once,
    disconnect_revokes_deletes_tokens_and_schedules_the_purge,
    rotate_keys_reseals_every_token,
);
