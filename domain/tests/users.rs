//! Account flows end to end against the real database (SQLite and PostgreSQL) and the outbox.

use chrono::{DateTime, Duration, Utc};
use domain::actor::Actor;
use domain::audit::EventKind;
use domain::auth::RequestMeta;
use domain::auth::session::{self, Stage};
use domain::auth::totp;
use domain::entities::user::{self, Role};
use domain::error::Code;
use domain::sea_orm::{DatabaseConnection, EntityTrait};
use domain::services::Services;
use domain::testing::{link_in, outbox, services};
use domain::users::{self, LoginOutcome, Registration};
use domain::{Error, db_tests};
use secrecy::{ExposeSecret, SecretString};

const PASSWORD: &str = "kopi susu gula aren tiga";

fn meta() -> RequestMeta {
    RequestMeta::new("203.0.113.5".parse().expect("ip"), "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
}

/// The request every test acts through.
static META: std::sync::LazyLock<RequestMeta> = std::sync::LazyLock::new(meta);

/// `current` acting through a request from the test's address at `now`.
fn acting<'a>(services: &'a Services, current: &'a session::Resolved, now: DateTime<Utc>) -> Actor<'a> {
    Actor { services, session: current, meta: &META, now }
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

/// Registers and waits for the part that runs after the answer.
async fn register(
    services: &Services,
    input: Registration,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let answer = users::register(services, input, meta, now).await;
    services.settle().await;
    answer
}

/// Asks for a reset link and waits for it to be made.
async fn request_reset(services: &Services, email: &str, now: DateTime<Utc>) {
    users::request_password_reset(services, email, &meta(), now).await.expect("reset request");
    services.settle().await;
}

async fn resolved(
    services: &Services,
    token: &SecretString,
    now: DateTime<Utc>,
) -> Option<session::Resolved> {
    session::resolve(&services.db, token.expose_secret(), now).await.expect("resolve")
}

/// A signed-in session of `email`, resolved.
async fn session_of(
    services: &Services,
    email: &str,
    now: DateTime<Utc>,
) -> (SecretString, session::Resolved) {
    let token = signed_in(services, email, now).await;
    let current = resolved(services, &token, now).await.expect("live");
    (token, current)
}

/// Confirms `email` with the link mailed at sign-up.
async fn verify(services: &Services, email: &str) {
    let link = link_to(services, email, "Konfirmasi").await;
    users::verify_email(services, &link, &meta(), t0()).await.expect("verify");
}

/// Confirms the address, then turns 2FA on for the session's user; returns the secret and the
/// replacing session.
async fn enable_two_factor(
    services: &Services,
    current: &session::Resolved,
    now: DateTime<Utc>,
) -> (SecretString, users::RecoveryCodesIssued) {
    verify(services, &current.user.email).await;
    let current = &session::Resolved { user: user_by_id(services, current.user.id).await, ..current.clone() };
    let setup =
        users::begin_totp_setup(&acting(services, current, now), &secret(PASSWORD)).await.expect("setup");
    let current = session::Resolved { user: user_by_id(services, current.user.id).await, ..current.clone() };
    let code = totp::code_at(&setup.secret, &current.user.email, secs(now)).expect("code");
    let on = users::confirm_totp_setup(&acting(services, &current, now), &code).await.expect("enable");
    (setup.secret, on)
}

/// Waits (up to two seconds) for the newest message that `wanted` accepts.
async fn mail_where(
    services: &Services,
    wanted: impl Fn(&domain::mail::outbox::StoredEmail) -> bool,
) -> domain::mail::outbox::StoredEmail {
    let dir = services.mailer.outbox_dir().expect("tests mail to the outbox").clone();
    for _ in 0..200 {
        if let Some(found) = domain::mail::outbox::list(&dir).await.expect("outbox").into_iter().find(&wanted)
        {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("no such message arrived");
}

/// The token of the newest link mailed to `to` whose subject contains `subject`.
async fn link_to(services: &Services, to: &str, subject: &str) -> String {
    token_of(&link_in(&mail_where(services, |m| m.to == to && m.subject.contains(subject)).await.text))
}

/// The token of a link mailed to `to` (subject containing `subject`) that is not among `seen`.
async fn new_link_to(services: &Services, to: &str, subject: &str, seen: &[String]) -> String {
    let dir = services.mailer.outbox_dir().expect("tests mail to the outbox").clone();
    for _ in 0..200 {
        let mail = domain::mail::outbox::list(&dir).await.expect("outbox");
        let fresh = mail
            .iter()
            .filter(|m| m.to == to && m.subject.contains(subject))
            .map(|m| token_of(&link_in(&m.text)))
            .find(|token| !seen.contains(token));
        if let Some(token) = fresh {
            return token;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("no new link to {to}");
}

fn secs(at: DateTime<Utc>) -> u64 {
    u64::try_from(at.timestamp()).expect("positive")
}

async fn user_by_id(services: &Services, id: i64) -> user::Model {
    user::Entity::find_by_id(id).one(&services.db).await.expect("query").expect("user")
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
    match users::login(services, email, &secret(PASSWORD), &meta(), now).await.expect("login") {
        LoginOutcome::SignedIn(session) => session.token,
        LoginOutcome::SecondFactorNeeded(_) => panic!("unexpected second factor"),
    }
}

/// Logs in with the password and returns the session that still owes its second factor.
async fn owing_second_factor(services: &Services, email: &str, now: DateTime<Utc>) -> session::Resolved {
    let LoginOutcome::SecondFactorNeeded(pending) =
        users::login(services, email, &secret(PASSWORD), &meta(), now).await.expect("login")
    else {
        panic!("second factor expected")
    };
    session::resolve(&services.db, pending.token.expose_secret(), now).await.expect("resolve").expect("live")
}

async fn register_verify_and_log_in(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration(" Ayu@Example.ID "), &meta(), t0()).await.expect("register");
    let ayu = user_by_email(&services, "ayu@example.id").await;
    assert_eq!(ayu.role, Role::Admin, "the first account is the operator");
    assert_eq!(ayu.locale, "id");
    assert_eq!(ayu.terms_version.as_deref(), Some(users::TERMS_VERSION));
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

    users::verify_email(&services, &token_of(&link), &meta(), t0()).await.expect("verify");
    assert!(user_by_email(&services, "ayu@example.id").await.email_verified_at.is_some());
    let again = users::verify_email(&services, &token_of(&link), &meta(), t0()).await;
    assert!(matches!(again, Err(Error::Invalid { field: "token", .. })), "single use: {again:?}");

    register(&services, registration("budi@example.id"), &meta(), t0()).await.expect("register");
    assert_eq!(user_by_email(&services, "budi@example.id").await.role, Role::Member);
}

async fn registration_answers_the_same_for_taken_addresses(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("first");
    outbox(&services, 1).await;
    let mut second = registration("AYU@example.id");
    second.display_name = "Someone Else".into();
    second.password = secret("another long passphrase here");
    register(&services, second, &meta(), t0()).await.expect("same answer");
    let users = user::Entity::find().all(&services.db).await.expect("users");
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].display_name, "Ayu Lestari", "nothing overwritten");
    let mail = outbox(&services, 2).await;
    assert_eq!(mail[0].subject, "Seseorang mencoba mendaftar dengan email Anda");
}

async fn registration_rules(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    let refused = |r: Result<(), Error>| match r {
        Err(Error::Invalid { field, code }) => (field, code.as_str()),
        other => panic!("expected a validation error, got {other:?}"),
    };
    let mut minor = registration("a@example.id");
    minor.adult = false;
    assert_eq!(refused(register(&services, minor, &meta(), t0()).await), ("adult", "adult_required"));
    let mut no_terms = registration("a@example.id");
    no_terms.accept_terms = false;
    assert_eq!(
        refused(register(&services, no_terms, &meta(), t0()).await),
        ("accept_terms", "terms_required")
    );
    let mut weak = registration("a@example.id");
    weak.password = secret("password1234");
    assert_eq!(refused(register(&services, weak, &meta(), t0()).await), ("password", "password_guessable"));
    let mut short = registration("a@example.id");
    short.password = secret("Xk#9pq!");
    assert_eq!(refused(register(&services, short, &meta(), t0()).await), ("password", "password_too_short"));
    let mut bad_email = registration("not-an-email");
    bad_email.email = "not-an-email".into();
    assert_eq!(refused(register(&services, bad_email, &meta(), t0()).await), ("email", "email_invalid"));
    assert!(user::Entity::find().all(&services.db).await.expect("users").is_empty());
}

async fn failed_logins_are_uniform_and_lock_out_on_the_sixth(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    for email in ["ayu@example.id", "nobody@example.id"] {
        for attempt in 1..=5 {
            let result = users::login(&services, email, &secret("wrong password!"), &meta(), t0()).await;
            assert!(matches!(result, Err(Error::Unauthorized)), "{email} attempt {attempt}: {result:?}");
        }
        // The sixth is refused without checking the password, known account or not.
        let sixth = users::login(&services, email, &secret(PASSWORD), &meta(), t0()).await;
        assert!(matches!(sixth, Err(Error::RateLimited { retry_after_secs: 60 })), "{email}: {sixth:?}");
    }
    // After the lock, the right password works again.
    let later = t0() + Duration::minutes(2);
    signed_in(&services, "ayu@example.id", later).await;
}

async fn reset_links_work_once_and_expire_after_thirty_minutes(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let old_session = signed_in(&services, "ayu@example.id", t0()).await;

    request_reset(&services, "ayu@example.id", t0()).await;
    request_reset(&services, "nobody@example.id", t0()).await;
    let mail = outbox(&services, 2).await;
    let reset_mail = mail.iter().find(|m| m.subject.contains("Atur ulang")).expect("reset mail");
    let token = token_of(&link_in(&reset_mail.text));

    let new_password = secret("teh manis dingin dua gelas");
    let expired =
        users::reset_password(&services, &token, &new_password, &meta(), t0() + Duration::minutes(31)).await;
    assert!(matches!(expired, Err(Error::Invalid { field: "token", .. })), "{expired:?}");

    users::reset_password(&services, &token, &new_password, &meta(), t0() + Duration::minutes(29))
        .await
        .expect("reset");
    let reused =
        users::reset_password(&services, &token, &new_password, &meta(), t0() + Duration::minutes(29)).await;
    assert!(matches!(reused, Err(Error::Invalid { field: "token", .. })), "{reused:?}");

    assert!(
        session::resolve(&services.db, old_session.expose_secret(), t0()).await.expect("resolve").is_none()
    );
    let old = users::login(&services, "ayu@example.id", &secret(PASSWORD), &meta(), t0()).await;
    assert!(matches!(old, Err(Error::Unauthorized)));
    users::login(&services, "ayu@example.id", &new_password, &meta(), t0()).await.expect("new password");
}

async fn two_factor_with_totp_and_recovery_codes(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let (_, current) = session_of(&services, "ayu@example.id", t0()).await;
    let unverified = users::begin_totp_setup(&acting(&services, &current, t0()), &secret(PASSWORD)).await;
    assert!(
        matches!(unverified, Err(Error::Invalid { code: Code::EmailUnverified, .. })),
        "2FA needs a confirmed address: {unverified:?}"
    );
    verify(&services, "ayu@example.id").await;
    let current = session::Resolved { user: user_by_id(&services, current.user.id).await, ..current };
    let wrong = users::begin_totp_setup(&acting(&services, &current, t0()), &secret("wrong")).await;
    assert!(
        matches!(wrong, Err(Error::Invalid { field: "password", .. })),
        "setup needs the password: {wrong:?}"
    );
    let setup =
        users::begin_totp_setup(&acting(&services, &current, t0()), &secret(PASSWORD)).await.expect("setup");
    assert!(setup.qr_svg.starts_with("<svg"));
    let ayu = user_by_email(&services, "ayu@example.id").await;
    let current = session::Resolved { user: ayu.clone(), ..current };
    let again = users::totp_setup_in_progress(&services, &current).expect("open").expect("in progress");
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

    let now_secs = secs(t0());
    let wrong = users::confirm_totp_setup(&acting(&services, &current, t0()), "000000").await;
    assert!(matches!(wrong, Err(Error::Invalid { field: "code", .. })));
    let code = totp::code_at(&setup.secret, &ayu.email, now_secs).expect("code");
    let on = users::confirm_totp_setup(&acting(&services, &current, t0()), &code).await.expect("enable");
    let recovery = on.codes;
    assert_eq!(recovery.len(), 10);
    let ayu = user_by_email(&services, "ayu@example.id").await;
    let shown = users::recovery_codes_to_show(&acting(
        &services,
        &session::Resolved { user: ayu.clone(), ..current.clone() },
        t0(),
    ))
    .expect("open")
    .expect("kept until saved");
    assert_eq!(shown, recovery.iter().map(|c| c.expose_secret().to_owned()).collect::<Vec<_>>());
    users::acknowledge_recovery_codes(&acting(
        &services,
        &session::Resolved { user: ayu.clone(), ..current.clone() },
        t0(),
    ))
    .await
    .expect("saved");
    let ayu = user_by_email(&services, "ayu@example.id").await;
    assert!(
        users::recovery_codes_to_show(&acting(
            &services,
            &session::Resolved { user: ayu.clone(), ..current.clone() },
            t0()
        ))
        .expect("open")
        .is_none()
    );

    let pending = match users::login(&services, "ayu@example.id", &secret(PASSWORD), &meta(), t0())
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
        users::complete_second_factor(&services, &resolved, &code, &meta(), later).await.expect("totp");
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
    users::complete_second_factor(&services, &resolved, &typed, &meta(), later).await.expect("recovery code");
    assert_eq!(users::recovery_codes_left(&services.db, ayu.id).await.expect("count"), 9);
    let resolved = owing_second_factor(&services, "ayu@example.id", later).await;
    let reused = users::complete_second_factor(&services, &resolved, &typed, &meta(), later).await;
    assert!(matches!(reused, Err(Error::Invalid { field: "code", .. })), "{reused:?}");

    // Turning it off needs the password.
    let pending = owing_second_factor(&services, "ayu@example.id", later).await;
    let code = totp::code_at(&setup.secret, &ayu.email, now_secs + 90).expect("code");
    let at = later + Duration::seconds(30);
    let full = users::complete_second_factor(&services, &pending, &code, &meta(), at).await.expect("totp");
    let current = resolved_new(&services, &full, at).await;
    assert!(users::disable_totp(&acting(&services, &current, later), &secret("wrong")).await.is_err());
    users::disable_totp(&acting(&services, &current, later), &secret(PASSWORD)).await.expect("disable");
    signed_in(&services, "ayu@example.id", later).await;
}

async fn resolved_new(
    services: &Services,
    new: &session::NewSession,
    now: DateTime<Utc>,
) -> session::Resolved {
    session::resolve(&services.db, new.token.expose_secret(), now).await.expect("resolve").expect("live")
}

async fn password_change_ends_other_sessions(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let phone = signed_in(&services, "ayu@example.id", t0()).await;
    let laptop = signed_in(&services, "ayu@example.id", t0()).await;
    let current =
        session::resolve(&services.db, laptop.expose_secret(), t0()).await.expect("resolve").expect("live");
    let wrong = users::change_password(
        &acting(&services, &current, t0()),
        &secret("nope"),
        &secret("es teh manis pakai es batu"),
    )
    .await;
    assert!(matches!(wrong, Err(Error::Invalid { field: "current_password", .. })));
    users::change_password(
        &acting(&services, &current, t0()),
        &secret(PASSWORD),
        &secret("es teh manis pakai es batu"),
    )
    .await
    .expect("change");
    assert!(session::resolve(&services.db, phone.expose_secret(), t0()).await.expect("resolve").is_none());
    assert!(session::resolve(&services.db, laptop.expose_secret(), t0()).await.expect("resolve").is_some());
}

async fn sessions_expire_when_idle_or_old_and_can_be_revoked(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
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
    users::revoke_session(&acting(&services, &current, t0()), other.session.id).await.expect("revoke");
    assert!(session::resolve(&services.db, b.expose_secret(), t0()).await.expect("resolve").is_none());
    assert!(matches!(
        users::revoke_session(&acting(&services, &current, t0()), other.session.id).await,
        Err(Error::NotFound)
    ));
    assert!(session::resolve(&services.db, "not-a-token", t0()).await.expect("resolve").is_none());
}

async fn email_change_needs_the_new_address_confirmed(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    outbox(&services, 1).await;
    let (_, current) = session_of(&services, "ayu@example.id", t0()).await;
    let ayu = current.user.clone();
    let wrong = users::request_email_change(
        &acting(&services, &current, t0()),
        "ayu@new.example.id",
        &secret("nope"),
    )
    .await;
    assert!(matches!(wrong, Err(Error::Invalid { field: "password", .. })));
    users::request_email_change(&acting(&services, &current, t0()), "Ayu@New.Example.ID", &secret(PASSWORD))
        .await
        .expect("request");
    let link = link_to(&services, "ayu@new.example.id", "").await;
    // The current address is told of the request.
    mail_where(&services, |m| m.to == "ayu@example.id" && m.text.contains("ayu@new.example.id")).await;
    assert_eq!(
        user_by_email(&services, "ayu@example.id").await.id,
        ayu.id,
        "nothing changes before confirmation"
    );
    let rotated = users::confirm_email_change(&services, &link, None, &meta(), t0()).await.expect("confirm");
    assert!(rotated.is_none(), "opened without a session: none to replace");
    let changed = user_by_email(&services, "ayu@new.example.id").await;
    assert_eq!(changed.id, ayu.id);
    // The old address is told of the change.
    mail_where(&services, |m| {
        m.to == "ayu@example.id"
            && m.text.contains("ayu@new.example.id")
            && !m.text.contains("/confirm-email")
            && m.subject.contains("diubah")
    })
    .await;
}

async fn the_audit_log_records_security_events(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let _ = users::login(&services, "ayu@example.id", &secret("wrong password!"), &meta(), t0()).await;
    signed_in(&services, "ayu@example.id", t0() + Duration::seconds(1)).await;
    let ayu = user_by_email(&services, "ayu@example.id").await;
    let events = domain::audit::recent_for_user(&services.db, ayu.id, 10).await.expect("events");
    let kinds: Vec<_> = events.iter().map(|e| e.kind.clone()).collect();
    assert_eq!(kinds, [EventKind::Login, EventKind::LoginFailed, EventKind::Registered]);
    assert_eq!(events[0].ip, "203.0.113.5");
    assert!(events[0].user_agent.contains("Firefox"));
}

async fn housekeeping_deletes_what_has_expired(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    signed_in(&services, "ayu@example.id", t0()).await;
    let _ = users::login(&services, "nobody@example.id", &secret("wrong password!"), &meta(), t0()).await;
    let nothing = services.sweep(t0()).await.expect("sweep");
    // (Outbox files age by the file system's clock, not by `now`: their sweep is tested apart.)
    let nothing = domain::services::Swept { outbox: 0, ..nothing };
    assert_eq!(nothing, domain::services::Swept::default(), "nothing has expired yet");
    let later = services.sweep(t0() + Duration::days(91)).await.expect("sweep");
    assert_eq!(later.sessions, 1);
    assert_eq!(later.tokens, 1, "the unused verification link expired");
    assert_eq!(later.throttles, 2, "the failed login, and the mail sent to ayu");
    assert_eq!(later.events, 3, "registered, login, login_failed are past 90 days");
}

// --- The attacks of the security review (issue 10), each refused ----------------------------

/// Finding 1: an email-change link asked for before a password reset must not outlive it.
async fn a_reset_ends_a_pending_email_change(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    // Someone who once had the password asks for the address to become theirs...
    let (_, thief) = session_of(&services, "ayu@example.id", t0()).await;
    users::request_email_change(&acting(&services, &thief, t0()), "thief@evil.example", &secret(PASSWORD))
        .await
        .expect("request");
    let change_link = link_to(&services, "thief@evil.example", "").await;
    mail_where(&services, |m| m.to == "ayu@example.id" && m.text.contains("thief@evil.example")).await;
    // ...the owner resets the password...
    request_reset(&services, "ayu@example.id", t0()).await;
    let reset = link_to(&services, "ayu@example.id", "Atur ulang").await;
    let new_password = secret("teh manis dingin dua gelas");
    users::reset_password(&services, &reset, &new_password, &meta(), t0()).await.expect("reset");
    // ...and the old link is worth nothing.
    let late = users::confirm_email_change(&services, &change_link, None, &meta(), t0()).await;
    assert!(matches!(late, Err(Error::Invalid { field: "token", .. })), "{late:?}");
    assert_eq!(user_by_id(&services, thief.user.id).await.email, "ayu@example.id");
}

/// Finding 1: a password change, an email change and the first verification end every link.
async fn every_link_ends_when_the_owner_changes_their_proof(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    let other_password = secret("teh manis dingin dua gelas");
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let verify = link_to(&services, "ayu@example.id", "Konfirmasi").await;
    let mut seen = Vec::new();
    request_reset(&services, "ayu@example.id", t0()).await;
    let first_reset = new_link_to(&services, "ayu@example.id", "Atur ulang", &seen).await;
    seen.push(first_reset.clone());
    // The first verification ends the reset link mailed before it.
    users::verify_email(&services, &verify, &meta(), t0()).await.expect("verify");
    let stale = users::reset_password(&services, &first_reset, &other_password, &meta(), t0()).await;
    assert!(matches!(stale, Err(Error::Invalid { field: "token", .. })), "after verification: {stale:?}");

    // A password change ends a reset link too.
    request_reset(&services, "ayu@example.id", t0()).await;
    let second_reset = new_link_to(&services, "ayu@example.id", "Atur ulang", &seen).await;
    seen.push(second_reset.clone());
    let (_, current) = session_of(&services, "ayu@example.id", t0()).await;
    let changed = secret("es teh manis pakai es batu");
    users::change_password(&acting(&services, &current, t0()), &secret(PASSWORD), &changed)
        .await
        .expect("change");
    let stale = users::reset_password(&services, &second_reset, &other_password, &meta(), t0()).await;
    assert!(matches!(stale, Err(Error::Invalid { field: "token", .. })), "after a change: {stale:?}");

    // An email change ends reset links sent to the old address.
    request_reset(&services, "ayu@example.id", t0()).await;
    let third_reset = new_link_to(&services, "ayu@example.id", "Atur ulang", &seen).await;
    let current = session::Resolved { user: user_by_id(&services, current.user.id).await, ..current };
    users::request_email_change(&acting(&services, &current, t0()), "ayu@new.example.id", &changed)
        .await
        .expect("request");
    let confirm = link_to(&services, "ayu@new.example.id", "").await;
    users::confirm_email_change(&services, &confirm, Some(&current), &meta(), t0()).await.expect("confirm");
    let stale = users::reset_password(&services, &third_reset, &other_password, &meta(), t0()).await;
    assert!(matches!(stale, Err(Error::Invalid { field: "token", .. })), "after an email change: {stale:?}");
}

/// Finding 1: whoever registered an address they do not own cannot add a factor the owner could
/// not remove, and loses their pending changes when the owner resets the password.
async fn a_reset_of_an_unverified_account_clears_the_earlier_holders_setup(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("squatter registers");
    let (_, squatter) = session_of(&services, "ayu@example.id", t0()).await;
    let refused = users::begin_totp_setup(&acting(&services, &squatter, t0()), &secret(PASSWORD)).await;
    assert!(matches!(refused, Err(Error::Invalid { code: Code::EmailUnverified, .. })), "{refused:?}");
    users::request_email_change(
        &acting(&services, &squatter, t0()),
        "squatter@evil.example",
        &secret(PASSWORD),
    )
    .await
    .expect("request");
    let change = link_to(&services, "squatter@evil.example", "").await;
    request_reset(&services, "ayu@example.id", t0()).await;
    let reset = link_to(&services, "ayu@example.id", "Atur ulang").await;
    let owners = secret("teh manis dingin dua gelas");
    users::reset_password(&services, &reset, &owners, &meta(), t0()).await.expect("reset");

    let ayu = user_by_email(&services, "ayu@example.id").await;
    assert!(ayu.email_verified_at.is_some());
    assert!(ayu.totp_enabled_at.is_none() && ayu.totp_secret.is_none());
    assert!(resolved_new_opt(&services, &squatter).await.is_none(), "the squatter's session ended");
    let late = users::confirm_email_change(&services, &change, None, &meta(), t0()).await;
    assert!(matches!(late, Err(Error::Invalid { field: "token", .. })), "{late:?}");
    let outcome = users::login(&services, "ayu@example.id", &owners, &meta(), t0()).await.expect("login");
    assert!(matches!(outcome, LoginOutcome::SignedIn(_)));
}

async fn resolved_new_opt(services: &Services, current: &session::Resolved) -> Option<session::Resolved> {
    use domain::sea_orm::EntityTrait as _;
    domain::entities::session::Entity::find_by_id(current.session.id)
        .one(&services.db)
        .await
        .expect("query")
        .map(|_| current.clone())
}

/// Finding 3: failed logins "as" another namespace's key lock nothing there.
async fn failed_logins_cannot_lock_anyones_second_factor(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let (_, current) = session_of(&services, "ayu@example.id", t0()).await;
    let (totp_secret, _) = enable_two_factor(&services, &current, t0()).await;
    let id = current.user.id;
    for typed in [format!("2fa:{id}"), format!("second_factor\n{id}"), format!("2FA:{id} ")] {
        for _ in 0..6 {
            let _ = users::login(&services, &typed, &secret("wrong password!"), &meta(), t0()).await;
        }
    }
    let at = t0() + Duration::seconds(30);
    let pending = owing_second_factor(&services, "ayu@example.id", at).await;
    let code = totp::code_at(&totp_secret, "ayu@example.id", secs(at)).expect("code");
    users::complete_second_factor(&services, &pending, &code, &meta(), at).await.expect("not locked");
    // Strings that cannot be addresses leave no counter behind.
    let counters =
        domain::entities::login_throttle::Entity::find().all(&services.db).await.expect("throttles");
    assert!(counters.iter().all(|c| c.failures <= 1), "{counters:?}");
    // Spelled differently, one address is one counter.
    for typed in [" AYU@example.id", "ayu@EXAMPLE.id", "ayu@example.id ", "Ayu@Example.Id", "ayu@example.id"]
    {
        let _ = users::login(&services, typed, &secret("wrong password!"), &meta(), at).await;
    }
    let locked = users::login(&services, "ayu@example.id", &secret(PASSWORD), &meta(), at).await;
    assert!(matches!(locked, Err(Error::RateLimited { .. })), "{locked:?}");
}

/// Finding 4: fifty wrong guesses at once get five password checks, not fifty.
async fn fifty_concurrent_guesses_are_checked_at_most_five_times(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let guesses = (0..50).map(|i| {
        let services = services.clone();
        tokio::spawn(async move {
            let guess = secret(&format!("wrong guess number {i}"));
            users::login(&services, "ayu@example.id", &guess, &meta(), t0()).await
        })
    });
    let mut checked = 0;
    for guess in futures_join(guesses).await {
        match guess {
            Err(Error::Unauthorized) => checked += 1,
            Err(Error::RateLimited { .. }) => {}
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert!(checked <= 5, "{checked} guesses were checked");
    assert!(checked >= 1);
}

async fn futures_join<T: Send + 'static>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        out.push(handle.await.expect("task"));
    }
    out
}

/// Finding 7: mail on request is limited per user and per address; one live change link.
async fn mail_on_request_is_limited(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let (_, ayu) = session_of(&services, "ayu@example.id", t0()).await;
    // Four more verification mails (the first went at sign-up), then a refusal.
    for _ in 0..4 {
        users::resend_verification(&acting(&services, &ayu, t0())).await.expect("resend");
    }
    let refused = users::resend_verification(&acting(&services, &ayu, t0())).await;
    assert!(matches!(refused, Err(Error::RateLimited { .. })), "{refused:?}");

    // Email changes: one live link at a time, five a user in the hour.
    register(&services, registration("budi@example.id"), &meta(), t0()).await.expect("register");
    let (_, budi) = session_of(&services, "budi@example.id", t0()).await;
    let mut links = Vec::new();
    for n in 0..5 {
        let to = format!("budi{n}@new.example.id");
        users::request_email_change(&acting(&services, &budi, t0()), &to, &secret(PASSWORD))
            .await
            .expect("request");
        links.push(link_to(&services, &to, "").await);
    }
    let sixth = users::request_email_change(
        &acting(&services, &budi, t0()),
        "budi5@new.example.id",
        &secret(PASSWORD),
    )
    .await;
    assert!(matches!(sixth, Err(Error::RateLimited { .. })), "{sixth:?}");
    let earlier = users::confirm_email_change(&services, &links[0], None, &meta(), t0()).await;
    assert!(
        matches!(earlier, Err(Error::Invalid { field: "token", .. })),
        "only the last link lives: {earlier:?}"
    );
    users::confirm_email_change(&services, &links[4], None, &meta(), t0()).await.expect("the last one works");

    // Reset requests for one address: the answer never changes, the mail stops at five.
    register(&services, registration("citra@example.id"), &meta(), t0()).await.expect("register");
    for _ in 0..8 {
        request_reset(&services, "citra@example.id", t0()).await;
    }
    let dir = services.mailer.outbox_dir().expect("outbox").clone();
    let to_citra = || {
        let dir = dir.clone();
        async move {
            domain::mail::outbox::list(&dir)
                .await
                .expect("list")
                .iter()
                .filter(|m| m.to == "citra@example.id")
                .count()
        }
    };
    for _ in 0..50 {
        if to_citra().await >= 6 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(to_citra().await, 6, "the sign-up mail and five reset links (their own budget)");
    // Two hours later the address gets mail again.
    request_reset(&services, "citra@example.id", t0() + Duration::hours(2)).await;
    for _ in 0..200 {
        if to_citra().await == 7 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("no mail after the limit's hour");
}

/// Finding 8: a TOTP code opens one login, not two.
async fn a_totp_code_works_once(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let (_, current) = session_of(&services, "ayu@example.id", t0()).await;
    let (totp_secret, _) = enable_two_factor(&services, &current, t0()).await;
    let setup_code = totp::code_at(&totp_secret, "ayu@example.id", secs(t0())).expect("code");
    let pending = owing_second_factor(&services, "ayu@example.id", t0()).await;
    let replay = users::complete_second_factor(&services, &pending, &setup_code, &meta(), t0()).await;
    assert!(
        matches!(replay, Err(Error::Invalid { field: "code", .. })),
        "the setup code is spent: {replay:?}"
    );

    let at = t0() + Duration::seconds(60);
    let code = totp::code_at(&totp_secret, "ayu@example.id", secs(at)).expect("code");
    let first = owing_second_factor(&services, "ayu@example.id", at).await;
    let second = owing_second_factor(&services, "ayu@example.id", at).await;
    let m = meta();
    let (a, b) = tokio::join!(
        users::complete_second_factor(&services, &first, &code, &m, at),
        users::complete_second_factor(&services, &second, &code, &m, at),
    );
    assert_eq!(usize::from(a.is_ok()) + usize::from(b.is_ok()), 1, "{a:?} {b:?}");
    // An older step is refused too, though within the skew.
    let third = owing_second_factor(&services, "ayu@example.id", at).await;
    let older = totp::code_at(&totp_secret, "ayu@example.id", secs(at) - 30).expect("code");
    let older = users::complete_second_factor(&services, &third, &older, &meta(), at).await;
    assert!(matches!(older, Err(Error::Invalid { .. })), "{older:?}");
    // The next step works.
    let next = t0() + Duration::seconds(90);
    let code = totp::code_at(&totp_secret, "ayu@example.id", secs(next)).expect("code");
    users::complete_second_factor(&services, &third, &code, &meta(), next).await.expect("next step");
}

/// Finding 9: recovery codes carry over 112 bits; the old short form is refused unread.
async fn recovery_codes_are_long(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let (_, current) = session_of(&services, "ayu@example.id", t0()).await;
    let (_, on) = enable_two_factor(&services, &current, t0()).await;
    for code in &on.codes {
        assert_eq!(totp::normalise_recovery_code(code.expose_secret()).len(), totp::RECOVERY_CODE_LEN);
    }
    let pending = owing_second_factor(&services, "ayu@example.id", t0()).await;
    let short = &totp::normalise_recovery_code(on.codes[0].expose_secret())[..10];
    let refused = users::complete_second_factor(&services, &pending, short, &meta(), t0()).await;
    assert!(matches!(refused, Err(Error::Invalid { .. })), "{refused:?}");
    // Shown for minutes, not for ever.
    let ayu = session::Resolved { user: user_by_email(&services, "ayu@example.id").await, ..current };
    let soon = t0() + Duration::minutes(5);
    assert!(users::recovery_codes_to_show(&acting(&services, &ayu, soon)).expect("open").is_some());
    let late = t0() + users::RECOVERY_CODES_SHOWN_FOR + Duration::seconds(1);
    assert!(users::recovery_codes_to_show(&acting(&services, &ayu, late)).expect("open").is_none());
}

/// Finding 10: a stolen session cannot guess the password at the in-session checks.
async fn in_session_password_guesses_end_the_session(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let (token, current) = session_of(&services, "ayu@example.id", t0()).await;
    let guess = |n: usize| secret(&format!("guess number {n} of many"));
    let mut answers = Vec::new();
    for n in 0..4 {
        answers.push(users::change_password(&acting(&services, &current, t0()), &guess(n), &guess(99)).await);
    }
    assert!(
        answers.iter().all(|a| matches!(a, Err(Error::Invalid { field: "current_password", .. }))),
        "{answers:?}"
    );
    assert!(resolved(&services, &token, t0()).await.is_some(), "four wrong tries are forgiven");
    let fifth =
        users::request_email_change(&acting(&services, &current, t0()), "x@example.id", &guess(4)).await;
    assert!(matches!(fifth, Err(Error::Invalid { code: Code::SignedOutAfterGuesses, .. })), "{fifth:?}");
    assert!(resolved(&services, &token, t0()).await.is_none(), "the session ended");
    // Whoever can sign in again with the password starts afresh.
    let (_, current) = session_of(&services, "ayu@example.id", t0()).await;
    users::change_password(&acting(&services, &current, t0()), &secret(PASSWORD), &guess(99))
        .await
        .expect("the owner, signed in again, may change it");
}

/// Finding 14: two first sign-ups at once make one operator.
async fn first_sign_ups_at_once_make_one_operator(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    let sign_ups = (0..8).map(|n| {
        let services = services.clone();
        tokio::spawn(async move {
            users::register(&services, registration(&format!("user{n}@example.id")), &meta(), t0()).await
        })
    });
    for answer in futures_join(sign_ups).await {
        answer.expect("register");
    }
    services.settle().await;
    let users = user::Entity::find().all(&services.db).await.expect("users");
    assert_eq!(users.len(), 8);
    assert_eq!(users.iter().filter(|u| u.role == Role::Admin).count(), 1, "{users:?}");
    // The database itself refuses a second operator.
    use domain::sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let mut member =
        users.iter().find(|u| u.role == Role::Member).expect("a member").clone().into_active_model();
    member.role = Set(Role::Admin);
    assert!(member.update(&services.db).await.is_err(), "a second operator was stored");
}

/// Finding 18: a 2FA change or an email change replaces the session and ends the others.
async fn security_changes_replace_the_session(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let (other, _) = session_of(&services, "ayu@example.id", t0()).await;
    let (token, current) = session_of(&services, "ayu@example.id", t0()).await;
    let (totp_secret, on) = enable_two_factor(&services, &current, t0()).await;
    assert!(resolved(&services, &token, t0()).await.is_none(), "the session id before 2FA is dead");
    assert!(resolved(&services, &other, t0()).await.is_none(), "other sessions end");
    let current = resolved_new(&services, &on.session, t0()).await;

    let other = {
        let at = t0() + Duration::seconds(30);
        let pending = owing_second_factor(&services, "ayu@example.id", at).await;
        let code = totp::code_at(&totp_secret, "ayu@example.id", secs(at)).expect("code");
        users::complete_second_factor(&services, &pending, &code, &meta(), at).await.expect("login").token
    };
    let replaced =
        users::disable_totp(&acting(&services, &current, t0()), &secret(PASSWORD)).await.expect("off");
    assert!(resolved(&services, &on.session.token, t0()).await.is_none());
    assert!(resolved(&services, &other, t0()).await.is_none());
    let current = resolved_new(&services, &replaced, t0()).await;

    let (other, _) = session_of(&services, "ayu@example.id", t0()).await;
    users::request_email_change(&acting(&services, &current, t0()), "ayu@new.example.id", &secret(PASSWORD))
        .await
        .expect("request");
    let confirm = link_to(&services, "ayu@new.example.id", "").await;
    let rotated = users::confirm_email_change(&services, &confirm, Some(&current), &meta(), t0())
        .await
        .expect("confirm")
        .expect("the signed-in browser gets a new session");
    assert!(resolved(&services, &replaced.token, t0()).await.is_none());
    assert!(resolved(&services, &other, t0()).await.is_none());
    assert_eq!(resolved_new(&services, &rotated, t0()).await.user.email, "ayu@new.example.id");
}

/// Review: a request already on its way when a reset commits writes nothing after it.
async fn a_request_in_flight_during_a_reset_changes_nothing(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let (_, thief) = session_of(&services, "ayu@example.id", t0()).await;
    // The thief's requests were checked against the old password and session...
    request_reset(&services, "ayu@example.id", t0()).await;
    let reset = link_to(&services, "ayu@example.id", "Atur ulang").await;
    let owners = secret("teh manis dingin dua gelas");
    users::reset_password(&services, &reset, &owners, &meta(), t0()).await.expect("reset");
    // ...and arrive after the reset: each is refused, none leaves a session, link or password.
    let changed = users::change_password(
        &acting(&services, &thief, t0()),
        &secret(PASSWORD),
        &secret("es teh manis pakai es batu"),
    )
    .await;
    assert!(matches!(changed, Err(Error::Unauthorized)), "{changed:?}");
    let link = users::request_email_change(
        &acting(&services, &thief, t0()),
        "thief@evil.example",
        &secret(PASSWORD),
    )
    .await;
    assert!(matches!(link, Err(Error::Unauthorized)), "{link:?}");
    let tokens = domain::entities::account_token::Entity::find().all(&services.db).await.expect("tokens");
    assert!(tokens.iter().all(|t| t.used_at.is_some()), "no live link: {tokens:?}");
    let sessions = domain::entities::session::Entity::find().all(&services.db).await.expect("sessions");
    assert!(sessions.is_empty(), "no session after the reset: {sessions:?}");
    let outcome = users::login(&services, "ayu@example.id", &owners, &meta(), t0()).await.expect("owner");
    assert!(matches!(outcome, LoginOutcome::SignedIn(_)));
}

/// Review: a 2FA setup belongs to the session that started it.
async fn a_two_factor_setup_is_seen_and_finished_by_its_session_only(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    verify(&services, "ayu@example.id").await;
    let (_, owner) = session_of(&services, "ayu@example.id", t0()).await;
    let (_, thief) = session_of(&services, "ayu@example.id", t0()).await;
    let setup =
        users::begin_totp_setup(&acting(&services, &owner, t0()), &secret(PASSWORD)).await.expect("setup");
    let thief = session::Resolved { user: user_by_id(&services, thief.user.id).await, ..thief };
    assert!(
        users::totp_setup_in_progress(&services, &thief).expect("open").is_none(),
        "the secret is not shown"
    );
    let code = totp::code_at(&setup.secret, "ayu@example.id", secs(t0())).expect("code");
    let stolen = users::confirm_totp_setup(&acting(&services, &thief, t0()), &code).await;
    assert!(matches!(stolen, Err(Error::Invalid { code: Code::TwoFactorSetupElsewhere, .. })), "{stolen:?}");
    let owner = session::Resolved { user: user_by_id(&services, owner.user.id).await, ..owner };
    assert!(users::totp_setup_in_progress(&services, &owner).expect("open").is_some());
    users::confirm_totp_setup(&acting(&services, &owner, t0()), &code).await.expect("the owner finishes it");
}

/// Review: a reset lifts the locks others ran the account into, and has a mail budget of its own.
async fn a_reset_gets_through_locks_and_notices(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    for _ in 0..6 {
        let _ = users::login(&services, "ayu@example.id", &secret("wrong password!"), &meta(), t0()).await;
        // Sign-ups "as" the owner use up the notices to that address, not the reset links.
        register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("same answer");
    }
    let locked = users::login(&services, "ayu@example.id", &secret(PASSWORD), &meta(), t0()).await;
    assert!(matches!(locked, Err(Error::RateLimited { .. })), "{locked:?}");
    request_reset(&services, "ayu@example.id", t0()).await;
    let reset = link_to(&services, "ayu@example.id", "Atur ulang").await;
    let owners = secret("teh manis dingin dua gelas");
    users::reset_password(&services, &reset, &owners, &meta(), t0()).await.expect("reset");
    let outcome = users::login(&services, "ayu@example.id", &owners, &meta(), t0()).await.expect("unlocked");
    assert!(matches!(outcome, LoginOutcome::SignedIn(_)));
}

/// Review: repeated wrong second-factor codes lock that step and tell the owner.
async fn wrong_second_factor_codes_alert_the_owner(db: DatabaseConnection) {
    let (services, _dir) = services(db).await;
    register(&services, registration("ayu@example.id"), &meta(), t0()).await.expect("register");
    let (_, current) = session_of(&services, "ayu@example.id", t0()).await;
    enable_two_factor(&services, &current, t0()).await;
    for _ in 0..5 {
        let pending = owing_second_factor(&services, "ayu@example.id", t0()).await;
        let wrong = users::complete_second_factor(&services, &pending, "000000", &meta(), t0()).await;
        assert!(matches!(wrong, Err(Error::Invalid { .. })), "{wrong:?}");
    }
    let pending = owing_second_factor(&services, "ayu@example.id", t0()).await;
    let locked = users::complete_second_factor(&services, &pending, "000000", &meta(), t0()).await;
    assert!(matches!(locked, Err(Error::RateLimited { .. })), "{locked:?}");
    mail_where(&services, |m| m.to == "ayu@example.id" && m.subject.contains("salah berulang kali")).await;
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
    a_reset_ends_a_pending_email_change,
    every_link_ends_when_the_owner_changes_their_proof,
    a_reset_of_an_unverified_account_clears_the_earlier_holders_setup,
    failed_logins_cannot_lock_anyones_second_factor,
    fifty_concurrent_guesses_are_checked_at_most_five_times,
    mail_on_request_is_limited,
    a_totp_code_works_once,
    recovery_codes_are_long,
    in_session_password_guesses_end_the_session,
    first_sign_ups_at_once_make_one_operator,
    security_changes_replace_the_session,
    a_request_in_flight_during_a_reset_changes_nothing,
    a_two_factor_setup_is_seen_and_finished_by_its_session_only,
    a_reset_gets_through_locks_and_notices,
    wrong_second_factor_codes_alert_the_owner,
);
