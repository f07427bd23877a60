//! Builders of what tests start from: a signed-in user, a TikTok account with history (and
//! soon a shop with orders).

use domain::tiktok::Scope;

use super::{PASSWORD, TestApp};

impl TestApp {
    /// Registers an account directly and signs it in; returns the `Cookie` header value.
    pub(crate) async fn signed_in(&self, email: &str) -> String {
        let meta = domain::auth::RequestMeta::new("127.0.0.1".parse().expect("ip"), "test");
        let registration = domain::users::Registration {
            email: email.into(),
            display_name: "Ayu".into(),
            password: PASSWORD.to_owned().into(),
            adult: true,
            accept_terms: true,
            locale: "en".into(),
            time_zone: "UTC".into(),
        };
        domain::users::register(&self.services, registration, &meta, self.clock().now())
            .await
            .expect("register");
        self.services.settle().await;
        match domain::users::login(
            &self.services,
            email,
            &PASSWORD.to_owned().into(),
            &meta,
            self.clock().now(),
        )
        .await
        .expect("login")
        {
            domain::users::LoginOutcome::SignedIn(session) => {
                format!("soco_session={}", secrecy::ExposeSecret::expose_secret(&session.token))
            }
            domain::users::LoginOutcome::SecondFactorNeeded(_) => panic!("no 2FA expected"),
        }
    }

    /// A TikTok account of `email`'s user, connected, with two videos and three snapshots,
    /// inserted directly; returns its id.
    pub(crate) async fn tiktok_account_with_history(&self, email: &str) -> i64 {
        use domain::entities::{tiktok_account, tiktok_video, tiktok_video_snapshot, user};
        use domain::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
        let owner = user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .one(&self.services.db)
            .await
            .expect("db")
            .expect("user");
        let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&chrono::Utc);
        let account = tiktok_account::ActiveModel {
            user_id: Set(owner.id),
            open_id: Set("open-1".into()),
            username: Set(Some("dapursari.id".into())),
            display_name: Set("Dapur Sari".into()),
            scopes: Set(vec![Scope::UserInfoBasic, Scope::VideoList].into()),
            status: Set(domain::tiktok::connections::AccountStatus::Active),
            connected_at: Set(at("2026-11-01T00:00:00Z")),
            backfill_done: Set(true),
            created_at: Set(at("2026-11-01T00:00:00Z")),
            updated_at: Set(at("2026-11-01T00:00:00Z")),
            ..Default::default()
        }
        .insert(&self.services.db)
        .await
        .expect("account");
        for (video_id, posted, caption, views) in [
            ("7001", "2026-10-30T12:00:00Z", "Nasi goreng, pedas \"level 5\"", 1000),
            ("7002", "2026-11-05T19:00:00Z", "Bekal kantor", 0),
        ] {
            let video = tiktok_video::ActiveModel {
                account_id: Set(account.id),
                video_id: Set(video_id.into()),
                posted_at: Set(at(posted)),
                title: Set(caption.into()),
                description: Set(format!("{caption} #resep")),
                duration: Set(30),
                view_count: Set(views),
                like_count: Set(views / 20),
                comment_count: Set(views / 200),
                share_count: Set(views / 200),
                metrics_at: Set(Some(at("2026-11-06T00:00:00Z"))),
                first_seen_at: Set(at("2026-11-06T00:00:00Z")),
                ..Default::default()
            }
            .insert(&self.services.db)
            .await
            .expect("video");
            for taken in ["2026-11-05T00:00:00Z", "2026-11-06T00:00:00Z"].iter().take(if video_id == "7001" {
                2
            } else {
                1
            }) {
                tiktok_video_snapshot::ActiveModel {
                    video_row_id: Set(video.id),
                    taken_at: Set(at(taken)),
                    view_count: Set(views),
                    like_count: Set(views / 20),
                    comment_count: Set(0),
                    share_count: Set(0),
                    ..Default::default()
                }
                .insert(&self.services.db)
                .await
                .expect("snapshot");
            }
        }
        account.id
    }
}
