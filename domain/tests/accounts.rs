//! Account flows end to end against the real database (SQLite and PostgreSQL) and the outbox.

use chrono::{DateTime, Duration, Utc};
use domain::accounts::{self, LoginOutcome, Registration};
use domain::auth::RequestMeta;
use domain::auth::session::{self, Stage};
use domain::auth::totp;
use domain::entities::user;
use domain::sea_orm::{DatabaseConnection, EntityTrait};
use domain::services::Services;
use domain::testing::{link_in, outbox, services};
use domain::{Error, db_tests};
use secrecy::{ExposeSecret, SecretString};

const PASSWORD: &str = "kopi susu gula aren tiga";

fn meta() -> RequestMeta {
    RequestMeta::new("203.0.113.5".parse().expect("ip"), "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
}

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).expect("valid")
}

fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

fn registration(email: &str) -> Registration {
    Registration {
        email: email.into(),
        display_name: "Ayu Lestari".into(),
        password: secret(PASSWORD),
        adult: true,
        accept_terms: true,
        locale: "id".into(),
        time_zone: "Asia/Jakarta".into(),
    }
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).expect("token in link").to_owned()
}

async fn user_by_email(services: &Services, email: &str) -> user::Model {
    use domain::sea_orm::{ColumnTrait, QueryFilter};
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&services.db)
        .await
        .expect("query")
        .expect("user")
}

async fn signed_in(services: &Services, email: &str, now: DateTime<Utc>) -> SecretString {
    match accounts::login(services, email, &secret(PASSWORD), &meta(), now).await.expect("login") {
        LoginOutcome::SignedIn(session) => session.token,
        LoginOutcome::SecondFactorNeeded(_) => panic!("unexpected second factor"),
    }
}

/// Logs in with the password and returns the session that still owes its second factor.
async fn owing_second_factor(services: &Services, email: &str, now: DateTime<Utc>) -> session::Resolved {
    let LoginOutcome::SecondFactorNeeded(pending) =
        accounts::login(services, email, &secret(PASSWORD), &meta(), now).await.expect("login")
    else {
        panic!("second factor expected")
    };
    session::resolve(&services.db, pending.token.expose_secret(), now).await.expect("resolve").expect("live")
}

async fn register_verify_and_log_in(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    accounts::register(&services, registration(" Ayu@Example.ID "), &meta(), t0()).await.expect("register");
    let ayu = user_by_email(&services, "ayu@example.id").await;
    assert_eq!(ayu.role, "admin", "the first account is the operator");
    assert_eq!(ayu.locale, "id");
    assert_eq!(ayu.terms_version.as_deref(), Some(accounts::TERMS_VERSION));
    assert!(ayu.adult_confirmed_at.is_some() && ayu.email_verified_at.is_none());
    assert!(ayu.password_hash.starts_with("$argon2id$"));

    let mail = outbox(&services, 1).await;
    assert_eq!(mail[0].to, "ayu@example.id");
    assert_eq!(mail[0].subject, "Konfirmasi alamat email Anda untuk Soco");
    let link = link_in(&mail[0].text);
    assert!(link.starts_with("http://127.0.0.1:3000/verify-email?token="), "{link}");

    // Unverified accounts can log in.
    let token = signed_in(&services, "AYU@example.id", t0()).await;
    let resolved =
        session::resolve(&services.db, token.expose_secret(), t0()).await.expect("resolve").expect("live");
    assert_eq!(resolved.user.id, ayu.id);
    assert_eq!(resolved.stage, Stage::Active);

    accounts::verify_email(&services, &token_of(&link), &meta(), t0()).await.expect("verify");
    assert!(user_by_email(&services, "ayu@example.id").await.email_verified_at.is_some());
    let again = accounts::verify_email(&services, &token_of(&link), &meta(), t0()).await;
    assert!(matches!(again, Err(Error::Invalid { field: "token", .. })), "single use: {again:?}");

    accounts::register(&services, registration("budi@example.id"), &meta(), t0()).await.expect("register");
    assert_eq!(user_by_email(&services, "budi@example.id").await.role, "member");
}

async fn registration_answers_the_same_for_taken_addresses(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    accounts::register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("first");
    outbox(&services, 1).await;
    let mut second = registration("AYU@example.id");
    second.display_name = "Someone Else".into();
    second.password = secret("another long passphrase here");
    accounts::register(&services, second, &meta(), t0()).await.expect("same answer");
    let users = user::Entity::find().all(&services.db).await.expect("users");
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].display_name, "Ayu Lestari", "nothing overwritten");
    let mail = outbox(&services, 2).await;
    assert_eq!(mail[0].subject, "Seseorang mencoba mendaftar dengan email Anda");
}

async fn registration_rules(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    let refused = |r: Result<(), Error>| match r {
        Err(Error::Invalid { field, code }) => (field, code),
        other => panic!("expected a validation error, got {other:?}"),
    };
    let mut minor = registration("a@example.id");
    minor.adult = false;
    assert_eq!(
        refused(accounts::register(&services, minor, &meta(), t0()).await),
        ("adult", "adult_required")
    );
    let mut no_terms = registration("a@example.id");
    no_terms.accept_terms = false;
    assert_eq!(
        refused(accounts::register(&services, no_terms, &meta(), t0()).await),
        ("accept_terms", "terms_required")
    );
    let mut weak = registration("a@example.id");
    weak.password = secret("password1234");
    assert_eq!(
        refused(accounts::register(&services, weak, &meta(), t0()).await),
        ("password", "password_guessable")
    );
    let mut short = registration("a@example.id");
    short.password = secret("Xk#9pq!");
    assert_eq!(
        refused(accounts::register(&services, short, &meta(), t0()).await),
        ("password", "password_too_short")
    );
    let mut bad_email = registration("not-an-email");
    bad_email.email = "not-an-email".into();
    assert_eq!(
        refused(accounts::register(&services, bad_email, &meta(), t0()).await),
        ("email", "email_invalid")
    );
    assert!(user::Entity::find().all(&services.db).await.expect("users").is_empty());
}

async fn failed_logins_are_uniform_and_lock_out_on_the_sixth(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    accounts::register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    for email in ["ayu@example.id", "nobody@example.id"] {
        for attempt in 1..=5 {
            let result = accounts::login(&services, email, &secret("wrong password!"), &meta(), t0()).await;
            assert!(matches!(result, Err(Error::Unauthorized)), "{email} attempt {attempt}: {result:?}");
        }
        // The sixth is refused without checking the password, known account or not.
        let sixth = accounts::login(&services, email, &secret(PASSWORD), &meta(), t0()).await;
        assert!(matches!(sixth, Err(Error::RateLimited { retry_after_secs: 60 })), "{email}: {sixth:?}");
    }
    // After the lock, the right password works again.
    let later = t0() + Duration::minutes(2);
    signed_in(&services, "ayu@example.id", later).await;
}

async fn reset_links_work_once_and_expire_after_thirty_minutes(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    accounts::register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let old_session = signed_in(&services, "ayu@example.id", t0()).await;

    accounts::request_password_reset(&services, "ayu@example.id", &meta(), t0()).await.expect("request");
    accounts::request_password_reset(&services, "nobody@example.id", &meta(), t0())
        .await
        .expect("same answer");
    let mail = outbox(&services, 2).await;
    let reset_mail = mail.iter().find(|m| m.subject.contains("Atur ulang")).expect("reset mail");
    let token = token_of(&link_in(&reset_mail.text));

    let new_password = secret("teh manis dingin dua gelas");
    let expired =
        accounts::reset_password(&services, &token, &new_password, &meta(), t0() + Duration::minutes(31))
            .await;
    assert!(matches!(expired, Err(Error::Invalid { field: "token", .. })), "{expired:?}");

    accounts::reset_password(&services, &token, &new_password, &meta(), t0() + Duration::minutes(29))
        .await
        .expect("reset");
    let reused =
        accounts::reset_password(&services, &token, &new_password, &meta(), t0() + Duration::minutes(29))
            .await;
    assert!(matches!(reused, Err(Error::Invalid { field: "token", .. })), "{reused:?}");

    assert!(
        session::resolve(&services.db, old_session.expose_secret(), t0()).await.expect("resolve").is_none()
    );
    let old = accounts::login(&services, "ayu@example.id", &secret(PASSWORD), &meta(), t0()).await;
    assert!(matches!(old, Err(Error::Unauthorized)));
    accounts::login(&services, "ayu@example.id", &new_password, &meta(), t0()).await.expect("new password");
}

async fn two_factor_with_totp_and_recovery_codes(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    accounts::register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let ayu = user_by_email(&services, "ayu@example.id").await;
    let setup = accounts::begin_totp_setup(&services, &ayu, t0()).await.expect("setup");
    assert!(setup.qr_svg.starts_with("<svg"));
    let ayu = user_by_email(&services, "ayu@example.id").await;
    let again = accounts::totp_setup_in_progress(&services, &ayu).expect("open").expect("in progress");
    assert_eq!(again.secret.expose_secret(), setup.secret.expose_secret());
    assert!(ayu.totp_secret.is_some() && ayu.totp_enabled_at.is_none());
    assert!(
        !ayu.totp_secret
            .as_ref()
            .expect("sealed")
            .windows(setup.secret.expose_secret().len())
            .any(|w| w == setup.secret.expose_secret().as_bytes()),
        "stored encrypted"
    );

    let now_secs = u64::try_from(t0().timestamp()).expect("positive");
    let wrong = accounts::confirm_totp_setup(&services, &ayu, "000000", &meta(), t0()).await;
    assert!(matches!(wrong, Err(Error::Invalid { field: "code", .. })));
    let code = totp::code_at(&setup.secret, &ayu.email, now_secs).expect("code");
    let recovery = accounts::confirm_totp_setup(&services, &ayu, &code, &meta(), t0()).await.expect("enable");
    assert_eq!(recovery.len(), 10);
    let ayu = user_by_email(&services, "ayu@example.id").await;
    let shown = accounts::recovery_codes_to_show(&services, &ayu).expect("open").expect("kept until saved");
    assert_eq!(shown, recovery.iter().map(|c| c.expose_secret().to_owned()).collect::<Vec<_>>());
    accounts::acknowledge_recovery_codes(&services, &ayu, t0()).await.expect("saved");
    let ayu = user_by_email(&services, "ayu@example.id").await;
    assert!(accounts::recovery_codes_to_show(&services, &ayu).expect("open").is_none());

    let pending = match accounts::login(&services, "ayu@example.id", &secret(PASSWORD), &meta(), t0())
        .await
        .expect("login")
    {
        LoginOutcome::SecondFactorNeeded(pending) => pending,
        LoginOutcome::SignedIn(_) => panic!("the second factor must be asked for"),
    };
    let resolved = session::resolve(&services.db, pending.token.expose_secret(), t0())
        .await
        .expect("resolve")
        .expect("live");
    assert_eq!(resolved.stage, Stage::SecondFactor);
    let later = t0() + Duration::seconds(60);
    let code = totp::code_at(&setup.secret, &ayu.email, now_secs + 60).expect("code");
    let full =
        accounts::complete_second_factor(&services, &resolved, &code, &meta(), later).await.expect("totp");
    assert_ne!(full.token.expose_secret(), pending.token.expose_secret(), "the session id changes");
    assert!(
        session::resolve(&services.db, pending.token.expose_secret(), later)
            .await
            .expect("resolve")
            .is_none()
    );

    // A recovery code works once.
    let resolved = owing_second_factor(&services, "ayu@example.id", later).await;
    let typed = recovery[3].expose_secret().to_uppercase();
    accounts::complete_second_factor(&services, &resolved, &typed, &meta(), later)
        .await
        .expect("recovery code");
    assert_eq!(accounts::recovery_codes_left(&services.db, ayu.id).await.expect("count"), 9);
    let resolved = owing_second_factor(&services, "ayu@example.id", later).await;
    let reused = accounts::complete_second_factor(&services, &resolved, &typed, &meta(), later).await;
    assert!(matches!(reused, Err(Error::Invalid { field: "code", .. })), "{reused:?}");

    // Turning it off needs the password.
    let ayu = user_by_email(&services, "ayu@example.id").await;
    assert!(accounts::disable_totp(&services, &ayu, &secret("wrong"), &meta(), later).await.is_err());
    accounts::disable_totp(&services, &ayu, &secret(PASSWORD), &meta(), later).await.expect("disable");
    signed_in(&services, "ayu@example.id", later).await;
}

async fn password_change_ends_other_sessions(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    accounts::register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let phone = signed_in(&services, "ayu@example.id", t0()).await;
    let laptop = signed_in(&services, "ayu@example.id", t0()).await;
    let current =
        session::resolve(&services.db, laptop.expose_secret(), t0()).await.expect("resolve").expect("live");
    let wrong = accounts::change_password(
        &services,
        &current,
        &secret("nope"),
        &secret("es teh manis pakai es batu"),
        &meta(),
        t0(),
    )
    .await;
    assert!(matches!(wrong, Err(Error::Invalid { field: "current_password", .. })));
    accounts::change_password(
        &services,
        &current,
        &secret(PASSWORD),
        &secret("es teh manis pakai es batu"),
        &meta(),
        t0(),
    )
    .await
    .expect("change");
    assert!(session::resolve(&services.db, phone.expose_secret(), t0()).await.expect("resolve").is_none());
    assert!(session::resolve(&services.db, laptop.expose_secret(), t0()).await.expect("resolve").is_some());
}

async fn sessions_expire_when_idle_or_old_and_can_be_revoked(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    accounts::register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let token = signed_in(&services, "ayu@example.id", t0()).await;
    let resolve = |at: DateTime<Utc>| {
        let db = services.db.clone();
        let token = token.expose_secret().to_owned();
        async move { session::resolve(&db, &token, at).await.expect("resolve") }
    };
    // Used every six days, it lives until the absolute limit.
    let mut at = t0();
    while at + Duration::days(6) < t0() + session::ABSOLUTE_LIFETIME {
        at += Duration::days(6);
        assert!(resolve(at).await.is_some(), "alive at {at}");
    }
    assert!(resolve(t0() + session::ABSOLUTE_LIFETIME + Duration::seconds(1)).await.is_none());

    let idle = signed_in(&services, "ayu@example.id", t0()).await;
    assert!(
        session::resolve(&services.db, idle.expose_secret(), t0() + Duration::days(8))
            .await
            .expect("resolve")
            .is_none()
    );

    let a = signed_in(&services, "ayu@example.id", t0()).await;
    let b = signed_in(&services, "ayu@example.id", t0()).await;
    let current =
        session::resolve(&services.db, a.expose_secret(), t0()).await.expect("resolve").expect("live");
    let other =
        session::resolve(&services.db, b.expose_secret(), t0()).await.expect("resolve").expect("live");
    let listed = session::list_active(&services.db, current.user.id, t0()).await.expect("list");
    assert!(listed.iter().any(|s| s.id == other.session.id));
    accounts::revoke_session(&services, &current, other.session.id, &meta(), t0()).await.expect("revoke");
    assert!(session::resolve(&services.db, b.expose_secret(), t0()).await.expect("resolve").is_none());
    assert!(matches!(
        accounts::revoke_session(&services, &current, other.session.id, &meta(), t0()).await,
        Err(Error::NotFound)
    ));
    assert!(session::resolve(&services.db, "not-a-token", t0()).await.expect("resolve").is_none());
}

async fn email_change_needs_the_new_address_confirmed(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    accounts::register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    outbox(&services, 1).await;
    let ayu = user_by_email(&services, "ayu@example.id").await;
    let wrong =
        accounts::request_email_change(&services, &ayu, "ayu@new.example.id", &secret("nope"), &meta(), t0())
            .await;
    assert!(matches!(wrong, Err(Error::Invalid { field: "password", .. })));
    accounts::request_email_change(&services, &ayu, "Ayu@New.Example.ID", &secret(PASSWORD), &meta(), t0())
        .await
        .expect("request");
    let mail = outbox(&services, 2).await;
    assert_eq!(mail[0].to, "ayu@new.example.id");
    assert_eq!(
        user_by_email(&services, "ayu@example.id").await.id,
        ayu.id,
        "nothing changes before confirmation"
    );
    accounts::confirm_email_change(&services, &token_of(&link_in(&mail[0].text)), &meta(), t0())
        .await
        .expect("confirm");
    let changed = user_by_email(&services, "ayu@new.example.id").await;
    assert_eq!(changed.id, ayu.id);
    let mail = outbox(&services, 3).await;
    assert_eq!(mail[0].to, "ayu@example.id", "the old address is told");
    assert!(mail[0].text.contains("ayu@new.example.id"));
}

async fn the_audit_log_records_security_events(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    accounts::register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let _ = accounts::login(&services, "ayu@example.id", &secret("wrong password!"), &meta(), t0()).await;
    signed_in(&services, "ayu@example.id", t0() + Duration::seconds(1)).await;
    let ayu = user_by_email(&services, "ayu@example.id").await;
    let events = domain::audit::recent_for_user(&services.db, ayu.id, 10).await.expect("events");
    let kinds: Vec<_> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["login", "login_failed", "registered"]);
    assert_eq!(events[0].ip, "203.0.113.5");
    assert!(events[0].user_agent.contains("Firefox"));
}

async fn housekeeping_deletes_what_has_expired(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    accounts::register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    signed_in(&services, "ayu@example.id", t0()).await;
    let _ = accounts::login(&services, "nobody@example.id", &secret("wrong password!"), &meta(), t0()).await;
    let nothing = services.sweep(t0()).await.expect("sweep");
    assert_eq!(nothing, domain::services::Swept::default(), "nothing has expired yet");
    let later = services.sweep(t0() + Duration::days(91)).await.expect("sweep");
    assert_eq!(later.sessions, 1);
    assert_eq!(later.tokens, 1, "the unused verification link expired");
    assert_eq!(later.throttles, 1);
    assert_eq!(later.events, 3, "registered, login, login_failed are past 90 days");
}

db_tests!(
    housekeeping_deletes_what_has_expired,
    register_verify_and_log_in,
    registration_answers_the_same_for_taken_addresses,
    registration_rules,
    failed_logins_are_uniform_and_lock_out_on_the_sixth,
    reset_links_work_once_and_expire_after_thirty_minutes,
    two_factor_with_totp_and_recovery_codes,
    password_change_ends_other_sessions,
    sessions_expire_when_idle_or_old_and_can_be_revoked,
    email_change_needs_the_new_address_confirmed,
    the_audit_log_records_security_events,
);
