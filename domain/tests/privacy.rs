//! The privacy requests register on both databases: rights exercised in Soco are recorded as
//! done; requests received by email are recorded by the operator, queued by deadline, extended
//! once with a reason the user is emailed, and completed or refused; nobody else can touch the
//! queue.

use chrono::{DateTime, Duration, Utc};
use domain::actor::Actor;
use domain::audit::EventKind;
use domain::auth::RequestMeta;
use domain::auth::session;
use domain::entities::security_event;
use domain::error::Code;
use domain::privacy::{RequestKind, RequestStatus, deadline, erasure, requests};
use domain::sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use domain::services::Services;
use domain::testing::{outbox, services};
use domain::users::{self, LoginOutcome, ProfileUpdate, Registration};
use domain::{Error, db_tests};
use secrecy::SecretString;

const PASSWORD: &str = "kopi susu gula aren tiga";

static META: std::sync::LazyLock<RequestMeta> =
    std::sync::LazyLock::new(|| RequestMeta::new("203.0.113.5".parse().expect("ip"), "Firefox/140.0"));

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).expect("valid")
}

/// Registers `email` (the first one becomes the operator) and signs it in.
async fn member(services: &Services, email: &str, zone: &str) -> session::Resolved {
    let registration = Registration {
        email: email.into(),
        display_name: "Ayu Lestari".into(),
        password: SecretString::from(PASSWORD),
        adult: true,
        accept_terms: true,
        locale: "id".into(),
        time_zone: zone.into(),
    };
    users::register(services, registration, &META, t0()).await.expect("register");
    services.settle().await;
    let token =
        match users::login(services, email, &SecretString::from(PASSWORD), &META, t0()).await.expect("login")
        {
            LoginOutcome::SignedIn(session) => session.token,
            LoginOutcome::SecondFactorNeeded(_) => panic!("no 2FA"),
        };
    session::resolve(&services.db, secrecy::ExposeSecret::expose_secret(&token), t0())
        .await
        .expect("db")
        .expect("live")
}

/// The extension notice in the outbox, once it has been written (mail goes in the background).
async fn extension_notice(services: &Services) -> domain::mail::outbox::StoredEmail {
    for count in 1..400 {
        let mail = outbox(services, 1).await;
        if let Some(notice) =
            mail.into_iter().find(|m| m.to == "ayu@example.id" && m.subject.contains("privasi"))
        {
            return notice;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5 + count / 40)).await;
    }
    panic!("no extension notice was mailed");
}

fn acting<'a>(services: &'a Services, current: &'a session::Resolved, now: DateTime<Utc>) -> Actor<'a> {
    Actor { services, session: current, meta: &META, now }
}

async fn events(services: &Services, user_id: i64, kind: EventKind) -> usize {
    security_event::Entity::find()
        .filter(security_event::Column::UserId.eq(user_id))
        .filter(security_event::Column::Kind.eq(kind))
        .all(&services.db)
        .await
        .expect("db")
        .len()
}

async fn corrections_are_recorded_as_done_and_only_when_something_changed(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    let _operator = member(&services, "op@example.id", "UTC").await;
    let ayu = member(&services, "ayu@example.id", "Asia/Jakarta").await;
    let same = ProfileUpdate {
        display_name: "Ayu Lestari".into(),
        locale: "id".into(),
        time_zone: "Asia/Jakarta".into(),
    };
    users::update_profile(&acting(&services, &ayu, t0()), same).await.expect("unchanged");
    assert!(
        requests::mine(&acting(&services, &ayu, t0())).await.expect("mine").is_empty(),
        "nothing changed"
    );

    let renamed = ProfileUpdate {
        display_name: "Ayu L.".into(),
        locale: "en".into(),
        time_zone: "Asia/Jakarta".into(),
    };
    users::update_profile(&acting(&services, &ayu, t0()), renamed).await.expect("renamed");
    let mine = requests::mine(&acting(&services, &ayu, t0())).await.expect("mine");
    assert_eq!(mine.len(), 1);
    let correction = &mine[0];
    assert_eq!((correction.kind, correction.status), (RequestKind::Rectification, RequestStatus::Completed));
    assert_eq!(correction.detail.as_deref(), Some("name,language"));
    assert_eq!((correction.received_at, correction.closed_at), (t0(), Some(t0())));
    assert_eq!(correction.due_at, deadline::due(t0(), chrono_tz::Asia::Jakarta));
}

async fn emailed_requests_are_queued_extended_once_and_closed_by_the_operator(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    let operator = member(&services, "op@example.id", "UTC").await;
    let ayu = member(&services, "ayu@example.id", "Asia/Jakarta").await;
    let op = acting(&services, &operator, t0());
    let as_ayu = acting(&services, &ayu, t0());

    // Only the operator sees or works the queue.
    assert!(matches!(requests::queue(&as_ayu).await, Err(Error::Forbidden)));
    assert!(matches!(
        requests::record_received(&as_ayu, "ayu@example.id", RequestKind::Erasure, "").await,
        Err(Error::Forbidden)
    ));
    let unknown = requests::record_received(&op, "nobody@example.id", RequestKind::Erasure, "").await;
    assert!(matches!(unknown, Err(Error::Invalid { code: Code::NoSuchUser, .. })), "{unknown:?}");

    let erasure =
        requests::record_received(&op, " AYU@example.id ", RequestKind::Erasure, "Please delete everything.")
            .await
            .expect("recorded");
    assert_eq!(erasure.status, RequestStatus::Open);
    assert_eq!(erasure.recorded_by, Some(operator.user.id));
    assert_eq!(erasure.due_at, deadline::due(t0(), chrono_tz::Asia::Jakarta));
    assert_eq!(requests::mine(&as_ayu).await.expect("mine").len(), 1, "the user sees it");
    assert!(matches!(
        requests::close(&as_ayu, erasure.id, RequestStatus::Completed, "").await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(requests::extend(&as_ayu, erasure.id, 1, "busy").await, Err(Error::Forbidden)));

    let queue = requests::queue(&op).await.expect("queue");
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].email, "ayu@example.id");
    assert_eq!(queue[0].days_left, deadline::days_left(erasure.due_at, t0(), chrono_tz::Asia::Jakarta));

    // Extensions: a reason, one or two months, once; the user is emailed in their language.
    let no_reason = requests::extend(&op, erasure.id, 1, "  ").await;
    assert!(matches!(no_reason, Err(Error::Invalid { code: Code::ReasonRequired, .. })), "{no_reason:?}");
    let too_long = requests::extend(&op, erasure.id, 3, "backlog").await;
    assert!(matches!(too_long, Err(Error::Invalid { code: Code::ExtensionTooLong, .. })), "{too_long:?}");
    let until = requests::extend(&op, erasure.id, 2, "A backlog of exports").await.expect("extended");
    assert_eq!(until, deadline::extended(erasure.due_at, 2, chrono_tz::Asia::Jakarta).expect("two months"));
    let again = requests::extend(&op, erasure.id, 1, "more").await;
    assert!(matches!(again, Err(Error::Invalid { code: Code::AlreadyExtended, .. })), "{again:?}");
    let notice = extension_notice(&services).await;
    assert!(notice.text.contains("A backlog of exports"), "{}", notice.text);
    assert!(
        notice.text.contains(&until.with_timezone(&chrono_tz::Asia::Jakarta).format("%Y-%m-%d").to_string())
    );
    assert!(notice.text.contains("Penghapusan"), "the right named in Indonesian: {}", notice.text);

    // Past its deadline it shows as overdue.
    let late = acting(&services, &operator, until + Duration::days(3));
    assert!(requests::queue(&late).await.expect("queue")[0].days_left < 0);

    // A refusal needs its reason; closing is once.
    let refused = requests::close(&op, erasure.id, RequestStatus::Refused, "").await;
    assert!(matches!(refused, Err(Error::Invalid { code: Code::ReasonRequired, .. })), "{refused:?}");
    requests::close(&op, erasure.id, RequestStatus::Completed, "Deleted.").await.expect("completed");
    assert!(matches!(
        requests::close(&op, erasure.id, RequestStatus::Refused, "x").await,
        Err(Error::Conflict(_))
    ));
    assert!(requests::queue(&op).await.expect("queue").is_empty());
    let done = &requests::mine(&as_ayu).await.expect("mine")[0];
    assert_eq!(
        (done.status, done.outcome.as_deref(), done.closed_at),
        (RequestStatus::Completed, Some("Deleted."), Some(t0()))
    );

    for kind in [
        EventKind::PrivacyRequestRecorded,
        EventKind::PrivacyRequestExtended,
        EventKind::PrivacyRequestClosed,
    ] {
        assert_eq!(
            events(&services, ayu.user.id, kind.clone()).await,
            1,
            "{kind:?} in the user's audit trail"
        );
    }
}

/// One row of `user` in every table the inventory says holds users' rows, besides those
/// registering and signing in made; returns nothing, the test then checks each table.
async fn fill_every_table(services: &Services, user: &domain::entities::user::Model) {
    use domain::entities::{
        recovery_code, tiktok_account, tiktok_account_total, tiktok_connect_flow, tiktok_profile_snapshot,
        tiktok_token, tiktok_video, tiktok_video_snapshot,
    };
    use domain::sea_orm::{ActiveModelTrait, Set};
    let db = &services.db;
    recovery_code::ActiveModel {
        user_id: Set(user.id),
        code_hash: Set(format!("{:064}", user.id)),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("recovery code");
    tiktok_connect_flow::ActiveModel {
        user_id: Set(user.id),
        session_hash: Set("s".repeat(64)),
        state_hash: Set(format!("{:064}", user.id)),
        key_id: Set("k1".into()),
        pkce_verifier: Set(vec![1, 2, 3]),
        created_at: Set(t0()),
        expires_at: Set(t0() + Duration::minutes(10)),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("connect flow");
    let account = tiktok_account::ActiveModel {
        user_id: Set(user.id),
        open_id: Set(format!("open-{}", user.id)),
        username: Set(Some("dapursari.id".into())),
        display_name: Set("Dapur\u{7} Sari".into()),
        scopes: Set(vec![domain::tiktok::Scope::UserInfoBasic].into()),
        status: Set(domain::tiktok::connections::AccountStatus::Active),
        connected_at: Set(t0()),
        backfill_done: Set(true),
        created_at: Set(t0()),
        updated_at: Set(t0()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("account");
    tiktok_token::ActiveModel {
        account_id: Set(account.id),
        key_id: Set("k1".into()),
        access_token: Set(vec![0; 40]),
        access_expires_at: Set(t0() + Duration::days(1)),
        refresh_token: Set(vec![0; 40]),
        refresh_expires_at: Set(t0() + Duration::days(365)),
        updated_at: Set(t0()),
        generation: Set(1),
        refresh_claimed_until: Set(None),
        refresh_claimed_by: Set(None),
    }
    .insert(db)
    .await
    .expect("token");
    tiktok_account_total::ActiveModel {
        account_id: Set(account.id),
        taken_at: Set(t0()),
        videos: Set(1),
        view_count: Set(10),
        like_count: Set(1),
        comment_count: Set(0),
        share_count: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("totals");
    tiktok_profile_snapshot::ActiveModel {
        account_id: Set(account.id),
        taken_at: Set(t0()),
        follower_count: Set(Some(5)),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("profile snapshot");
    let video = tiktok_video::ActiveModel {
        account_id: Set(account.id),
        video_id: Set("7001".into()),
        posted_at: Set(t0()),
        title: Set("Nasi goreng".into()),
        description: Set("#resep".into()),
        duration: Set(30),
        view_count: Set(10),
        like_count: Set(1),
        comment_count: Set(0),
        share_count: Set(0),
        first_seen_at: Set(t0()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("video");
    tiktok_video_snapshot::ActiveModel {
        video_row_id: Set(video.id),
        taken_at: Set(t0()),
        view_count: Set(10),
        like_count: Set(1),
        comment_count: Set(0),
        share_count: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("video snapshot");
    requests::record_done(db, user, RequestKind::Rectification, "name", t0()).await.expect("request");
}

async fn rows_of(services: &Services, user_id: i64) -> Vec<(&'static str, u64)> {
    let mut rows = Vec::new();
    for class in erasure::deletion_order() {
        rows.push((class.table, erasure::count_rows(&services.db, class, user_id).await.expect("count")));
    }
    rows
}

/// [`rows_of`] for the tables kept as long as the account (housekeeping also ends expired
/// sessions and links, whoever's they are).
async fn durable_rows_of(services: &Services, user_id: i64) -> Vec<(&'static str, u64)> {
    let mut rows = Vec::new();
    for class in erasure::deletion_order() {
        if class.retention == domain::inventory::Retention::Account {
            rows.push((class.table, erasure::count_rows(&services.db, class, user_id).await.expect("count")));
        }
    }
    rows
}

async fn a_deleted_account_keeps_nothing_after_its_grace_period(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    let operator = member(&services, "op@example.id", "UTC").await;
    let ayu = member(&services, "ayu@example.id", "Asia/Jakarta").await;
    fill_every_table(&services, &ayu.user).await;
    fill_every_table(&services, &operator.user).await;
    for (table, n) in rows_of(&services, ayu.user.id).await {
        assert!(n >= 1, "the test gives the user a row in {table}: add one to fill_every_table");
    }
    let operators_rows = durable_rows_of(&services, operator.user.id).await;

    let leaving =
        users::request_deletion(&acting(&services, &operator, t0()), &SecretString::from(PASSWORD), "").await;
    assert!(matches!(leaving, Err(Error::Invalid { code: Code::OperatorMustStay, .. })), "{leaving:?}");
    let wrong =
        users::request_deletion(&acting(&services, &ayu, t0()), &SecretString::from("nope"), "").await;
    assert!(matches!(wrong, Err(Error::Invalid { field: "password", .. })), "{wrong:?}");
    let at = users::request_deletion(&acting(&services, &ayu, t0()), &SecretString::from(PASSWORD), "")
        .await
        .expect("scheduled");
    assert_eq!(at, t0() + Duration::days(7), "the default grace period");

    // At once: every session ends, the TikTok grant is withdrawn and its tokens deleted.
    let now_rows = rows_of(&services, ayu.user.id).await;
    let count = |table: &str| now_rows.iter().find(|(t, _)| *t == table).map(|(_, n)| *n);
    assert_eq!(count("sessions"), Some(0));
    assert_eq!(count("tiktok_tokens"), Some(0));
    // Signing in now grants nothing but cancelling.
    match users::login(&services, "ayu@example.id", &SecretString::from(PASSWORD), &META, t0())
        .await
        .expect("login")
    {
        LoginOutcome::SignedIn(session) => assert_eq!(session.stage, session::Stage::ErasurePending),
        LoginOutcome::SecondFactorNeeded(_) => panic!("no 2FA"),
    }

    // Housekeeping keeps it until the grace period is over, then deletes every row of it.
    assert_eq!(services.sweep(at - Duration::minutes(1)).await.expect("sweep").erased_users, 0);
    assert!(rows_of(&services, ayu.user.id).await.iter().any(|(_, n)| *n > 0));
    // (Erased through `erase_due`, the part of housekeeping that does it: a whole sweep at this
    // test's instant would also clear the outbox, whose files carry today's date.)
    let not_due = erasure::erase(&services, &operator.user, at).await.expect("erase");
    assert_eq!(not_due, None, "an account not scheduled is never erased, whoever asks");
    assert_eq!(erasure::erase_due(&services, at).await.expect("erase"), 1);
    for (table, n) in rows_of(&services, ayu.user.id).await {
        assert_eq!(n, 0, "{table} still holds rows of the erased user");
    }
    assert_eq!(durable_rows_of(&services, operator.user.id).await, operators_rows, "nobody else loses a row");
    assert_eq!(erasure::erase_due(&services, at + Duration::days(1)).await.expect("erase"), 0, "once");

    // The receipt: counts per table, no personal data, in the audit log and in the mail.
    let receipts = security_event::Entity::find()
        .filter(security_event::Column::Kind.eq(EventKind::AccountErased))
        .all(&services.db)
        .await
        .expect("db");
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].user_id, None);
    let detail = receipts[0].detail.clone().expect("receipt");
    let receipt: serde_json::Value = serde_json::from_str(&detail).expect("json");
    assert!(receipt["rows"]["tiktok_video_snapshots"].as_u64() >= Some(1), "{detail}");
    assert_eq!(receipt["rows"]["users"], 1);
    for personal in ["ayu", "Ayu", "203.0.113.5", "dapursari"] {
        assert!(!detail.contains(personal), "{personal} in {detail}");
    }
    let mut mailed = None;
    for _ in 0..400 {
        mailed = outbox(&services, 1).await.into_iter().find(|m| m.subject == "Akun Soco Anda telah dihapus");
        if mailed.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(mailed.expect("the receipt is mailed").to, "ayu@example.id");
}

async fn signing_in_within_the_grace_period_can_cancel_the_deletion(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    let operator = member(&services, "op@example.id", "UTC").await;
    let ayu = member(&services, "ayu@example.id", "Asia/Jakarta").await;
    let at = users::request_deletion(&acting(&services, &ayu, t0()), &SecretString::from(PASSWORD), "")
        .await
        .expect("scheduled");
    let later = t0() + Duration::days(2);
    let token = match users::login(&services, "ayu@example.id", &SecretString::from(PASSWORD), &META, later)
        .await
        .expect("login")
    {
        LoginOutcome::SignedIn(session) => session.token,
        LoginOutcome::SecondFactorNeeded(_) => panic!("no 2FA"),
    };
    let pending = session::resolve(&services.db, secrecy::ExposeSecret::expose_secret(&token), later)
        .await
        .expect("db")
        .expect("live");
    assert_eq!(users::pending_deletion(&pending).expect("pending"), at);
    assert!(
        matches!(users::pending_deletion(&ayu), Err(Error::Forbidden)),
        "a full session is not a pending one"
    );
    // The operator can neither close nor move a deletion asked for in Soco.
    let op = acting(&services, &operator, later);
    let queued = requests::queue(&op).await.expect("queue");
    assert_eq!(queued.len(), 1);
    let id = queued[0].request.id;
    let closing = requests::close(&op, id, RequestStatus::Completed, "").await;
    assert!(matches!(closing, Err(Error::Conflict(_))), "{closing:?}");
    assert!(matches!(requests::extend(&op, id, 1, "busy").await, Err(Error::Conflict(_))));
    let kept = users::cancel_deletion(&services, &pending, &META, later).await.expect("cancelled");
    assert_eq!(kept.stage, session::Stage::Active);
    assert!(
        users::cancel_deletion(&services, &pending, &META, later).await.is_err(),
        "the pending session is spent"
    );
    assert_eq!(erasure::erase_due(&services, at + Duration::days(1)).await.expect("erase"), 0, "kept");
    let mine = requests::mine(&acting(&services, &ayu, later)).await.expect("mine");
    let erasure = mine.iter().find(|r| r.kind == RequestKind::Erasure).expect("recorded");
    assert_eq!((erasure.status, erasure.closed_at), (RequestStatus::Cancelled, Some(later)));
    assert_eq!(events(&services, ayu.user.id, EventKind::ErasureCancelled).await, 1);
    // The owner hears that someone kept the account.
    let mut alert = None;
    for _ in 0..400 {
        alert = outbox(&services, 1)
            .await
            .into_iter()
            .find(|m| m.subject == "Penghapusan akun Soco Anda dibatalkan");
        if alert.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(alert.expect("the owner is told").to, "ayu@example.id");
}

db_tests!(
    corrections_are_recorded_as_done_and_only_when_something_changed,
    emailed_requests_are_queued_extended_once_and_closed_by_the_operator,
    a_deleted_account_keeps_nothing_after_its_grace_period,
    signing_in_within_the_grace_period_can_cancel_the_deletion,
);
