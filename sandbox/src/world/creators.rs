//! Creators, their videos and the metrics of both at any instant.
//!
//! Shapes, from what TikTok creators see: video views are heavy-tailed (log-normal around each
//! creator's median, so one video in a few hundred goes viral); views accrue fast in the first
//! days then slowly; likes, comments and shares are ratios of views that vary by creator and video;
//! followers grow with the views a creator earns; creators post more on weekdays' evenings
//! (Asia/Jakarta, UTC+7) and a little less at weekends.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;

use super::DAY;
use super::rng::{Draws, hash, numeric_id};
use crate::config::Scale;

const CREATOR: u64 = 1;
const VIDEO: u64 = 2;
/// Asia/Jakarta offset: posting hours are local.
const LOCAL_OFFSET: i64 = 7 * 3600;

const PROFILES: &[(&str, &str, &str)] = &[
    ("Dapur Sari", "dapursari.id", "Resep rumahan tiap hari 🍳 Jakarta"),
    ("Rizky Main Game", "rizkymaingame", "Mabar tiap malam • Mobile Legends & Valorant"),
    ("Ayu Glow", "ayuglow", "Skincare jujur untuk kulit tropis ✨"),
    ("Budi Jalan-Jalan", "budijalan", "Travel hemat keliling Nusantara"),
    ("Nadia Fit", "nadiafit", "Home workout 15 menit"),
    ("Maya Cooks", "mayacooks", "Quick dinners for busy people"),
    ("Tech with Arif", "arif.tech", "Gadget reviews in Bahasa & English"),
    ("Sinta Style", "sintastyle", "OOTD hijab modern"),
];

const TOPICS: &[&str] = &[
    "#resep",
    "#masakan",
    "#fyp",
    "#mobilelegends",
    "#skincare",
    "#review",
    "#tutorial",
    "#ootd",
    "#jalanjalan",
    "#workout",
    "#kuliner",
    "#gadget",
    "#tips",
    "#viral",
    "#indonesia",
    "#ramadan",
];

/// One creator account's fixed traits.
#[derive(Debug, Clone)]
pub struct Creator {
    /// Position in the world (0-based).
    pub index: u32,
    /// TikTok's per-app user id.
    pub open_id: String,
    /// TikTok's per-developer user id.
    pub union_id: String,
    /// `@` handle.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Profile text.
    pub bio: String,
    /// Verified badge.
    pub is_verified: bool,
    /// Followers at the start of history.
    pub base_followers: u64,
    /// Accounts followed at the start of history.
    pub base_following: u64,
    /// Mean videos per day.
    pub posts_per_day: f64,
    /// Median views of a video after it has settled.
    pub median_views: f64,
    /// New followers per view.
    pub follow_rate: f64,
    /// Mean likes per view.
    pub like_rate: f64,
}

/// One video's fixed traits; its counts come from [`Video::metrics_at`].
#[derive(Debug, Clone, PartialEq)]
pub struct Video {
    /// Item id.
    pub id: String,
    /// Owner's position.
    pub creator: u32,
    /// Posted at, Unix seconds.
    pub create_time: i64,
    /// Caption.
    pub description: String,
    /// Seconds.
    pub duration: u32,
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// The `share_url` the Display API reports instead of the canonical
    /// `https://www.tiktok.com/@<username>/video/<id>`: set through the control API to try how Soco
    /// treats a hostile or broken link. `None` for every generated video.
    pub share_url: Option<String>,
    /// Views it would reach after settling.
    settled_views: f64,
    like_rate: f64,
    comment_rate: f64,
    share_rate: f64,
    /// Days for views to reach ~63 % of settled.
    half_life_days: f64,
}

/// A video's counters at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VideoMetrics {
    /// Views.
    pub view_count: u64,
    /// Likes.
    pub like_count: u64,
    /// Comments.
    pub comment_count: u64,
    /// Shares.
    pub share_count: u64,
}

/// A creator's counters at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProfileStats {
    /// Followers.
    pub follower_count: u64,
    /// Following.
    pub following_count: u64,
    /// Likes received over all videos.
    pub likes_count: u64,
    /// Public videos.
    pub video_count: u64,
}

/// A metric boost armed by the control API: from `at`, views of every video of the creator are
/// multiplied by `1 + factor`, and `followers` are added.
#[derive(Debug, Clone, Copy)]
struct Boost {
    at: i64,
    factor: f64,
    followers: u64,
}

#[derive(Debug, Default)]
struct Overlays {
    /// Extra videos per creator (published through Content Posting or added by the control API).
    videos: HashMap<u32, Vec<Video>>,
    boosts: HashMap<u32, Vec<Boost>>,
    added: u64,
}

/// Every creator, with the overlays the control API and Content Posting add.
#[derive(Debug)]
pub struct Creators {
    seed: u64,
    genesis: i64,
    /// The accounts, by position.
    pub all: Vec<Creator>,
    overlays: Mutex<Overlays>,
}

impl Creator {
    fn generate(seed: u64, index: u32, scale: &Scale) -> Self {
        let mut draws = Draws::new(seed, &[CREATOR, u64::from(index)]);
        let (name, handle, bio) = PROFILES[index as usize % PROFILES.len()];
        let round = index as usize / PROFILES.len();
        let suffix = if round == 0 { String::new() } else { (round + 1).to_string() };
        let history = f64::from(scale.history_days.max(1));
        let posts_per_day = f64::from(scale.videos_per_creator) / history * draws.range(0.6, 1.4);
        let base_followers = draws.log_normal(40_000.0, 1.2).round().max(50.0) as u64;
        let h = hash(seed, &[CREATOR, u64::from(index), 99]);
        Creator {
            index,
            open_id: format!(
                "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
                h >> 32,
                (h >> 16) & 0xffff,
                h & 0xfff,
                (h >> 20) & 0xfff,
                hash(seed, &[CREATOR, u64::from(index), 98]) & 0xffff_ffff_ffff
            ),
            union_id: format!("u{:016x}", hash(seed, &[CREATOR, u64::from(index), 97])),
            username: format!("{handle}{suffix}"),
            display_name: if suffix.is_empty() { name.to_owned() } else { format!("{name} {suffix}") },
            bio: bio.to_owned(),
            is_verified: draws.chance(0.3),
            base_followers,
            base_following: draws.range(50.0, 900.0) as u64,
            posts_per_day,
            median_views: (base_followers as f64 * draws.range(0.15, 0.6)).max(200.0),
            follow_rate: draws.range(0.002, 0.012),
            like_rate: draws.range(0.04, 0.11),
        }
    }
}

impl Video {
    /// Counters at `t` (zero before it was posted). Never decreases as `t` grows.
    pub fn metrics_at(&self, t: i64, boost: f64) -> VideoMetrics {
        let age_days = ((t - self.create_time) as f64 / DAY as f64).max(0.0);
        let views = self.settled_views
            * (1.0 - (-age_days / self.half_life_days).exp())
            * (1.0 + 0.001 * age_days)
            * (1.0 + boost);
        VideoMetrics {
            view_count: views as u64,
            like_count: (views * self.like_rate) as u64,
            comment_count: (views * self.comment_rate) as u64,
            share_count: (views * self.share_rate) as u64,
        }
    }
}

impl Creators {
    /// Generates every creator's profile for `scale`, with history starting at `genesis`.
    pub fn new(scale: &Scale, genesis: i64) -> Self {
        let all = (0..scale.creators).map(|i| Creator::generate(scale.seed, i, scale)).collect();
        Creators { seed: scale.seed, genesis, all, overlays: Mutex::default() }
    }

    /// The creator with `open_id`.
    pub fn by_open_id(&self, open_id: &str) -> Option<&Creator> {
        self.all.iter().find(|c| c.open_id == open_id)
    }

    /// The generated videos `creator` posted on `day` (days since the Unix epoch), newest first.
    fn generated_on(&self, creator: &Creator, day: i64) -> Vec<Video> {
        if day * DAY < self.genesis {
            return Vec::new();
        }
        let coordinates = [VIDEO, u64::from(creator.index), day as u64];
        let mut draws = Draws::new(self.seed, &coordinates);
        let weekday = (day + 4).rem_euclid(7); // 1970-01-01 was a Thursday; 0 = Sunday.
        let weekend = if weekday == 0 || weekday == 6 { 0.8 } else { 1.05 };
        let count = draws.poisson(creator.posts_per_day * weekend);
        let mut used = Vec::with_capacity(count as usize);
        let mut videos: Vec<Video> = (0..count)
            .map(|k| {
                let mut d = Draws::new(self.seed, &[VIDEO, u64::from(creator.index), day as u64, k]);
                // Local posting hour: lunch (11-13) or evening (18-22) mostly, sometimes any time.
                let hour = match d.below(10) {
                    0..=2 => d.range(11.0, 13.5),
                    3..=8 => d.range(18.0, 22.5),
                    _ => d.range(6.0, 24.0),
                };
                let mut second = ((hour * 3600.0) as i64 - LOCAL_OFFSET).rem_euclid(DAY);
                while used.contains(&second) {
                    second = (second + 1) % DAY; // one video per second per creator: cursors stay exact
                }
                used.push(second);
                let tags: Vec<&str> = (0..1 + d.below(3)).map(|_| *d.pick(TOPICS)).collect();
                let portrait = d.chance(0.92);
                Video {
                    id: numeric_id(self.seed, &[VIDEO, u64::from(creator.index), day as u64, k]),
                    creator: creator.index,
                    create_time: day * DAY + second,
                    description: format!("{} {}", caption(&mut d), tags.join(" ")),
                    duration: d.range(7.0, 180.0) as u32,
                    width: if portrait { 1080 } else { 1920 },
                    height: if portrait { 1920 } else { 1080 },
                    share_url: None,
                    settled_views: d.log_normal(creator.median_views, 1.3),
                    like_rate: creator.like_rate * d.range(0.6, 1.5),
                    comment_rate: d.range(0.002, 0.008),
                    share_rate: d.range(0.002, 0.015),
                    half_life_days: d.range(0.7, 3.0),
                }
            })
            .collect();
        videos.sort_by_key(|v| std::cmp::Reverse(v.create_time));
        videos
    }

    /// `creator`'s public videos posted strictly before `before` (Unix seconds) and no later than
    /// `now`, newest first, at most `limit`; and whether older ones remain.
    pub fn videos_before(
        &self,
        creator: &Creator,
        before: i64,
        now: i64,
        limit: usize,
    ) -> (Vec<Video>, bool) {
        let before = before.min(now + 1);
        let extra: Vec<Video> = {
            let overlays = self.overlays.lock().unwrap_or_else(|e| e.into_inner());
            overlays.videos.get(&creator.index).cloned().unwrap_or_default()
        };
        let mut found: Vec<Video> = Vec::with_capacity(limit.saturating_add(1).min(64));
        let mut day = (before - 1).div_euclid(DAY);
        let first_day = self.genesis.div_euclid(DAY);
        while day >= first_day && found.len() <= limit {
            found.extend(self.generated_on(creator, day).into_iter().filter(|v| v.create_time < before));
            day -= 1;
        }
        found.extend(extra.into_iter().filter(|v| v.create_time < before));
        found.sort_by_key(|v| std::cmp::Reverse(v.create_time));
        let has_more = found.len() > limit;
        found.truncate(limit);
        (found, has_more)
    }

    /// Every public video of `creator` at `now`, newest first.
    pub fn all_videos(&self, creator: &Creator, now: i64) -> Vec<Video> {
        self.videos_before(creator, now + 1, now, usize::MAX - 1).0
    }

    /// The video `id` if it belongs to `creator` and is public at `now`.
    pub fn video(&self, creator: &Creator, id: &str, now: i64) -> Option<Video> {
        self.all_videos(creator, now).into_iter().find(|v| v.id == id)
    }

    /// The views multiplier of `creator`'s boosts at `t`.
    pub fn boost_at(&self, creator: &Creator, t: i64) -> f64 {
        let overlays = self.overlays.lock().unwrap_or_else(|e| e.into_inner());
        overlays
            .boosts
            .get(&creator.index)
            .map_or(0.0, |b| b.iter().filter(|b| b.at <= t).map(|b| b.factor).sum())
    }

    /// `creator`'s counters at `now`: followers grow from the views earned; likes are the sum over
    /// videos, as TikTok reports them.
    pub fn stats_at(&self, creator: &Creator, now: i64) -> ProfileStats {
        let boost = self.boost_at(creator, now);
        let videos = self.all_videos(creator, now);
        let mut views = 0u64;
        let mut likes = 0u64;
        for video in &videos {
            let m = video.metrics_at(now, boost);
            views += m.view_count;
            likes += m.like_count;
        }
        let days = ((now - self.genesis) as f64 / DAY as f64).max(0.0);
        let extra_followers: u64 = {
            let overlays = self.overlays.lock().unwrap_or_else(|e| e.into_inner());
            overlays
                .boosts
                .get(&creator.index)
                .map_or(0, |b| b.iter().filter(|b| b.at <= now).map(|b| b.followers).sum())
        };
        ProfileStats {
            follower_count: creator.base_followers
                + (views as f64 * creator.follow_rate) as u64
                + (days * creator.base_followers as f64 * 0.0005) as u64
                + extra_followers,
            following_count: creator.base_following + (days / 9.0) as u64,
            likes_count: likes,
            video_count: videos.len() as u64,
        }
    }

    /// Publishes a new video for `creator` at `at` (Content Posting, or the control API's activity)
    /// and returns it. Its performance is drawn like any other video's; `share_url` replaces its
    /// canonical link (see [`Video::share_url`]).
    pub fn add_video(
        &self,
        creator: &Creator,
        at: i64,
        description: &str,
        duration: u32,
        share_url: Option<&str>,
    ) -> Video {
        let mut overlays = self.overlays.lock().unwrap_or_else(|e| e.into_inner());
        overlays.added += 1;
        let serial = overlays.added;
        let mut d = Draws::new(self.seed, &[VIDEO, u64::from(creator.index), u64::MAX, serial]);
        // Keep one video per second per creator, generated ones included.
        let taken: Vec<i64> = self
            .generated_on(creator, at.div_euclid(DAY))
            .iter()
            .chain(overlays.videos.get(&creator.index).into_iter().flatten())
            .map(|v| v.create_time)
            .collect();
        let mut create_time = at;
        while taken.contains(&create_time) {
            create_time += 1;
        }
        let video = Video {
            id: numeric_id(self.seed, &[VIDEO, u64::from(creator.index), u64::MAX, serial]),
            creator: creator.index,
            create_time,
            description: description.chars().take(150).collect(),
            duration,
            width: 1080,
            height: 1920,
            share_url: share_url.map(str::to_owned),
            settled_views: d.log_normal(creator.median_views, 1.3),
            like_rate: creator.like_rate * d.range(0.6, 1.5),
            comment_rate: d.range(0.002, 0.008),
            share_rate: d.range(0.002, 0.015),
            half_life_days: d.range(0.7, 3.0),
        };
        overlays.videos.entry(creator.index).or_default().push(video.clone());
        video
    }

    /// Arms a boost for `creator` from `at`: views times `1 + factor`, plus `followers`.
    pub fn boost(&self, creator: &Creator, at: i64, factor: f64, followers: u64) {
        let mut overlays = self.overlays.lock().unwrap_or_else(|e| e.into_inner());
        overlays.boosts.entry(creator.index).or_default().push(Boost {
            at,
            factor: factor.max(0.0),
            followers,
        });
    }

    /// Drops every added video and boost.
    pub fn reset(&self) {
        *self.overlays.lock().unwrap_or_else(|e| e.into_inner()) = Overlays::default();
    }
}

fn caption(d: &mut Draws) -> String {
    const OPENERS: &[&str] = &[
        "Coba ini deh",
        "Part 2 yang kalian minta",
        "POV:",
        "Jangan skip!",
        "Day in my life",
        "3 tips cepat",
        "Review jujur",
        "Hari ini kita",
        "Wait for it",
        "Storytime",
    ];
    const SUBJECTS: &[&str] = &[
        "nasi goreng 10 menit",
        "push rank sampai mythic",
        "skincare pagi",
        "pantai tersembunyi di Bali",
        "workout tanpa alat",
        "outfit kondangan",
        "HP murah terbaik",
        "jajanan pasar",
        "bekal kantor",
        "mudik hemat",
    ];
    format!("{} {}", d.pick(OPENERS), d.pick(SUBJECTS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale(videos_per_creator: u32) -> Scale {
        Scale {
            seed: 9,
            creators: 3,
            videos_per_creator,
            history_days: 120,
            local_shops: 0,
            cross_border_shops: 0,
            products_per_shop: 1,
            orders_per_day: 0,
        }
    }

    const NOW: i64 = 1_793_491_200; // 2026-11-01

    #[test]
    fn same_seed_same_world() {
        let genesis = NOW - 120 * DAY;
        let a = Creators::new(&scale(100), genesis);
        let b = Creators::new(&scale(100), genesis);
        assert_eq!(a.all[1].open_id, b.all[1].open_id);
        assert_eq!(a.all_videos(&a.all[1], NOW), b.all_videos(&b.all[1], NOW));
        assert_eq!(a.stats_at(&a.all[1], NOW), b.stats_at(&b.all[1], NOW));
        let other = Creators::new(&Scale { seed: 10, ..scale(100) }, genesis);
        assert_ne!(a.all[1].open_id, other.all[1].open_id);
    }

    #[test]
    fn history_has_the_configured_size_and_shape() {
        let creators = Creators::new(&scale(300), NOW - 120 * DAY);
        let total: usize = creators.all.iter().map(|c| creators.all_videos(c, NOW).len()).sum();
        assert!((600..1300).contains(&total), "about 300 per creator on average, got {total}");
        for creator in &creators.all {
            let videos = creators.all_videos(creator, NOW);
            assert!(
                videos.windows(2).all(|w| w[0].create_time > w[1].create_time),
                "newest first, unique seconds"
            );
            assert!(videos.iter().all(|v| v.create_time >= NOW - 120 * DAY && v.create_time <= NOW));
            let mut views: Vec<u64> = videos.iter().map(|v| v.metrics_at(NOW, 0.0).view_count).collect();
            views.sort_unstable();
            let median = views[views.len() / 2].max(1);
            assert!(
                views[views.len() - 1] > median * 8,
                "heavy tail: max {} vs median {median}",
                views[views.len() - 1]
            );
        }
    }

    #[test]
    fn metrics_grow_with_time_and_new_videos_appear() {
        let creators = Creators::new(&scale(200), NOW - 120 * DAY);
        let creator = &creators.all[0];
        let video = creators.all_videos(creator, NOW)[0].clone();
        let mut last = video.metrics_at(video.create_time, 0.0);
        assert_eq!(last.view_count, 0);
        for hours in [1, 6, 24, 72, 24 * 30] {
            let m = video.metrics_at(video.create_time + hours * 3600, 0.0);
            assert!(m.view_count >= last.view_count && m.like_count >= last.like_count);
            last = m;
        }
        assert!(last.view_count > 0);
        let later = NOW + 30 * DAY;
        assert!(creators.all_videos(creator, later).len() > creators.all_videos(creator, NOW).len());
        let (before, after) = (creators.stats_at(creator, NOW), creators.stats_at(creator, later));
        assert!(after.follower_count > before.follower_count);
        assert!(after.likes_count > before.likes_count);
    }

    #[test]
    fn pages_by_time_cover_everything_once() {
        let creators = Creators::new(&scale(150), NOW - 120 * DAY);
        let creator = &creators.all[2];
        let added = creators.add_video(creator, NOW - 3600, "hello #fyp", 30, None);
        let all = creators.all_videos(creator, NOW);
        assert!(all.contains(&added));
        let mut seen = Vec::new();
        let mut before = NOW + 1;
        loop {
            let (page, more) = creators.videos_before(creator, before, NOW, 20);
            seen.extend(page.iter().map(|v| v.id.clone()));
            if !more {
                break;
            }
            before = page.last().expect("a page before more").create_time;
        }
        assert_eq!(seen, all.iter().map(|v| v.id.clone()).collect::<Vec<_>>());
        creators.reset();
        assert!(!creators.all_videos(creator, NOW).contains(&added));
    }
}
