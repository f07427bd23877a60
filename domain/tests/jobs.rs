//! The job queue on SQLite and PostgreSQL: dedupe, leases, lapsed leases, backoff, give-up.

use chrono::{Duration, Utc};
use domain::db_tests;
use domain::entities::job::JobKind;
use domain::jobs::{self, NewJob};
use domain::sea_orm::DatabaseConnection;

fn job(key: Option<&str>, run_at: chrono::DateTime<Utc>) -> NewJob {
    NewJob {
        kind: JobKind::Other("test.echo".into()),
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
    assert!(
        jobs::lease(&db, "w2", now, jobs::LEASE).await.expect("lease").is_none(),
        "held, and the other is not due"
    );

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
        assert!(
            jobs::lease(&db, "w", now, jobs::LEASE).await.expect("lease").is_none(),
            "not due until the backoff ends"
        );
        now += jobs::backoff(attempt, 0.25) + Duration::seconds(1);
    }
    assert!(
        jobs::lease(&db, "w", now + Duration::days(30), jobs::LEASE).await.expect("lease").is_none(),
        "given up"
    );

    // Retry-After wins over the backoff.
    let now = Utc::now();
    jobs::enqueue(&db, job(Some("limited"), now), now).await.expect("enqueue");
    let leased = jobs::lease(&db, "w", now, jobs::LEASE).await.expect("lease").expect("due");
    jobs::fail(&db, &leased, "w", "429", Some(now + Duration::seconds(7)), now).await.expect("fail");
    assert!(jobs::lease(&db, "w", now + Duration::seconds(6), jobs::LEASE).await.expect("lease").is_none());
    let again =
        jobs::lease(&db, "w", now + Duration::seconds(8), jobs::LEASE).await.expect("lease").expect("due");
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

async fn a_given_up_job_stays_visible_and_blocks_nothing(db: DatabaseConnection) {
    let mut now = Utc::now();
    jobs::enqueue(&db, job(Some("sync:7"), now), now).await.expect("enqueue");
    let mut last = jobs::Failed::Retrying;
    for attempt in 1..=jobs::MAX_ATTEMPTS {
        let leased = jobs::lease(&db, "w", now, jobs::LEASE).await.expect("lease").expect("due");
        last = jobs::fail(&db, &leased, "w", &format!("boom {attempt}"), None, now).await.expect("fail");
        now += Duration::hours(7);
    }
    assert_eq!(last, jobs::Failed::GaveUp);
    let keys = vec!["sync:7".to_owned()];
    let troubles = jobs::troubles(&db, &keys).await.expect("db");
    assert_eq!(troubles.len(), 1);
    assert_eq!(troubles[0].last_error.as_deref(), Some("boom 8"));
    assert!(troubles[0].given_up_at.is_some() && troubles[0].failing_since.is_some());
    assert_eq!(jobs::failing(&db, 10).await.expect("db").len(), 1, "the operator sees it");

    // The key is free for new work (a reconnect), and the given-up row gives way to it on revive.
    assert!(jobs::enqueue(&db, job(Some("sync:7"), now), now).await.expect("enqueue"), "not blocked");
    assert!(!jobs::enqueue(&db, job(Some("sync:7"), now), now).await.expect("enqueue"), "one queued");
    assert_eq!(jobs::revive(&db, &keys, now).await.expect("revive"), 0, "the new job stands");
    let leased = jobs::lease(&db, "w", now, jobs::LEASE).await.expect("lease").expect("the new job");
    assert_eq!((leased.attempts, leased.given_up_at), (1, None));
    assert!(
        jobs::reschedule(&db, &leased, "w", &serde_json::json!({}), now + Duration::days(365), now)
            .await
            .expect("reschedule")
    );
    assert!(jobs::troubles(&db, &keys).await.expect("db").is_empty(), "a success clears the trouble");

    // Revive brings a given-up job back with fresh attempts and its payload.
    jobs::enqueue(&db, job(Some("sync:8"), now), now).await.expect("enqueue");
    for _ in 1..=jobs::MAX_ATTEMPTS {
        let leased = jobs::lease(&db, "w", now, jobs::LEASE).await.expect("lease").expect("due");
        jobs::fail(&db, &leased, "w", "boom", None, now).await.expect("fail");
        now += Duration::hours(7);
    }
    assert!(jobs::lease(&db, "w", now, jobs::LEASE).await.expect("lease").is_none(), "given up: not leased");
    assert_eq!(jobs::revive(&db, &["sync:8".to_owned()], now).await.expect("revive"), 1);
    let back = jobs::lease(&db, "w", now, jobs::LEASE).await.expect("lease").expect("revived");
    assert_eq!(
        (back.dedupe_key.as_deref(), back.attempts, back.payload.as_str()),
        (Some("sync:8"), 1, r#"{"n":1}"#)
    );
}

async fn a_long_job_renews_its_lease(db: DatabaseConnection) {
    let now = Utc::now();
    jobs::enqueue(&db, job(None, now), now).await.expect("enqueue");
    let leased = jobs::lease(&db, "w1", now, jobs::LEASE).await.expect("lease").expect("due");
    let later = now + jobs::LEASE - Duration::seconds(10);
    assert!(jobs::renew(&db, leased.id, "w1", later, jobs::LEASE).await.expect("renew"));
    let past_first_lease = now + jobs::LEASE + Duration::seconds(10);
    assert!(
        jobs::lease(&db, "w2", past_first_lease, jobs::LEASE).await.expect("lease").is_none(),
        "renewed: still held"
    );
    assert!(!jobs::renew(&db, leased.id, "w2", later, jobs::LEASE).await.expect("renew"), "not w2's lease");
}

db_tests!(
    a_given_up_job_stays_visible_and_blocks_nothing,
    a_long_job_renews_its_lease,
    dedupe_keys_keep_one_queued,
    leases_are_exclusive_and_lapse,
    failures_back_off_then_give_up,
    hurrying_brings_a_later_job_forward,
);
