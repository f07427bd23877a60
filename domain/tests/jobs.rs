//! The job queue on SQLite and PostgreSQL: dedupe, leases, lapsed leases, backoff, give-up.

use chrono::{Duration, Utc};
use domain::db_tests;
use domain::jobs::{self, NewJob};
use domain::sea_orm::DatabaseConnection;

fn job(key: Option<&str>, run_at: chrono::DateTime<Utc>) -> NewJob {
    NewJob {
        kind: "test.echo".into(),
        payload: serde_json::json!({ "n": 1 }),
        dedupe_key: key.map(Into::into),
        run_at,
    }
}

async fn dedupe_keys_keep_one_queued(db: DatabaseConnection) {
    let now = Utc::now();
    assert!(jobs::enqueue(&db, job(Some("sync:1"), now), now).await.expect("enqueue"));
    assert!(!jobs::enqueue(&db, job(Some("sync:1"), now), now).await.expect("enqueue"), "already queued");
    assert!(jobs::enqueue(&db, job(Some("sync:2"), now), now).await.expect("enqueue"));
    assert!(jobs::enqueue(&db, job(None, now), now).await.expect("enqueue"));
    assert!(jobs::enqueue(&db, job(None, now), now).await.expect("enqueue"), "no key, no dedupe");
    let leased = jobs::lease(&db, "w1", now, jobs::LEASE).await.expect("lease").expect("a due job");
    assert_eq!(leased.dedupe_key.as_deref(), Some("sync:1"), "equally due: first come, first served");
    assert!(jobs::finish(&db, &leased, "w1").await.expect("finish"));
    assert!(
        jobs::enqueue(&db, job(Some("sync:1"), now), now).await.expect("enqueue"),
        "free again once done"
    );
}

async fn leases_are_exclusive_and_lapse(db: DatabaseConnection) {
    let now = Utc::now();
    jobs::enqueue(&db, job(None, now - Duration::minutes(1)), now).await.expect("enqueue");
    jobs::enqueue(&db, job(None, now + Duration::hours(1)), now).await.expect("enqueue later");
    let first = jobs::lease(&db, "w1", now, jobs::LEASE).await.expect("lease").expect("due");
    assert_eq!(first.attempts, 1);
    assert_eq!(first.lease_owner.as_deref(), Some("w1"));
    assert!(jobs::lease(&db, "w2", now, jobs::LEASE).await.expect("lease").is_none(), "held, and the other is not due");

    // w1 dies: after the lease lapses, w2 takes the job; w1's late finish is refused.
    let later = now + jobs::LEASE + Duration::seconds(1);
    let second = jobs::lease(&db, "w2", later, jobs::LEASE).await.expect("lease").expect("lapsed lease");
    assert_eq!((second.id, second.attempts), (first.id, 2));
    assert!(!jobs::finish(&db, &first, "w1").await.expect("finish"), "lease lost");
    assert!(jobs::finish(&db, &second, "w2").await.expect("finish"));
}

async fn failures_back_off_then_give_up(db: DatabaseConnection) {
    let mut now = Utc::now();
    jobs::enqueue(&db, job(None, now), now).await.expect("enqueue");
    for attempt in 1..=jobs::MAX_ATTEMPTS {
        let leased = jobs::lease(&db, "w", now, jobs::LEASE).await.expect("lease").expect("due");
        assert_eq!(leased.attempts, attempt);
        jobs::fail(&db, &leased, "w", "boom", None, now).await.expect("fail");
        assert!(jobs::lease(&db, "w", now, jobs::LEASE).await.expect("lease").is_none(), "not due until the backoff ends");
        now += jobs::backoff(attempt, 0.25) + Duration::seconds(1);
    }
    assert!(jobs::lease(&db, "w", now + Duration::days(30, jobs::LEASE)).await.expect("lease").is_none(), "given up");

    // Retry-After wins over the backoff.
    let now = Utc::now();
    jobs::enqueue(&db, job(Some("limited"), now), now).await.expect("enqueue");
    let leased = jobs::lease(&db, "w", now, jobs::LEASE).await.expect("lease").expect("due");
    jobs::fail(&db, &leased, "w", "429", Some(now + Duration::seconds(7)), now).await.expect("fail");
    assert!(jobs::lease(&db, "w", now + Duration::seconds(6, jobs::LEASE)).await.expect("lease").is_none());
    let again = jobs::lease(&db, "w", now + Duration::seconds(8, jobs::LEASE)).await.expect("lease").expect("due");
    assert_eq!(again.last_error.as_deref(), Some("429"));
}

async fn hurrying_brings_a_later_job_forward(db: DatabaseConnection) {
    let now = Utc::now();
    jobs::enqueue(&db, job(Some("sync:9"), now + Duration::hours(6)), now).await.expect("enqueue");
    assert!(jobs::lease(&db, "w", now, jobs::LEASE).await.expect("lease").is_none(), "not due for six hours");
    assert!(jobs::hurry(&db, "sync:9", now).await.expect("hurry"));
    assert!(!jobs::hurry(&db, "sync:9", now).await.expect("hurry"), "already due: nothing to move");
    assert!(!jobs::hurry(&db, "sync:404", now).await.expect("hurry"));
    let leased = jobs::lease(&db, "w", now, jobs::LEASE).await.expect("lease").expect("due now");
    assert_eq!(leased.dedupe_key.as_deref(), Some("sync:9"));
}

db_tests!(
    dedupe_keys_keep_one_queued,
    leases_are_exclusive_and_lapse,
    failures_back_off_then_give_up,
    hurrying_brings_a_later_job_forward,
);
