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
use domain::privacy::{RequestKind, RequestStatus, deadline, requests};
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

db_tests!(
    corrections_are_recorded_as_done_and_only_when_something_changed,
    emailed_requests_are_queued_extended_once_and_closed_by_the_operator,
);
