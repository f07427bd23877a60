//! The arithmetic behind the analytics pages, kept free of the database so it is tested on its
//! own: engagement rates, medians, daily figures from snapshots, the posting-time heatmap and
//! hashtag performance.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::range::DateRange;

/// A video's (or an account's) four public counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Views.
    pub views: i64,
    /// Likes.
    pub likes: i64,
    /// Comments.
    pub comments: i64,
    /// Shares.
    pub shares: i64,
}

impl Counters {
    /// Likes, comments and shares together.
    pub fn interactions(&self) -> i64 {
        self.likes.saturating_add(self.comments).saturating_add(self.shares)
    }

    /// Interactions per view, as a fraction (0.05 is 5%); `None` without views.
    pub fn engagement_rate(&self) -> Option<f64> {
        engagement_rate(self.interactions(), self.views)
    }

    /// What was gained from `earlier` to `self`, each counter at least zero (TikTok's counts
    /// can dip when it removes fake engagement; a dip is not negative activity).
    pub fn gained_since(&self, earlier: &Counters) -> Counters {
        let gain = |now: i64, then: i64| now.saturating_sub(then).max(0);
        Counters {
            views: gain(self.views, earlier.views),
            likes: gain(self.likes, earlier.likes),
            comments: gain(self.comments, earlier.comments),
            shares: gain(self.shares, earlier.shares),
        }
    }
}

/// `interactions / views` as a fraction; `None` when there were no views.
pub fn engagement_rate(interactions: i64, views: i64) -> Option<f64> {
    (views > 0).then(|| interactions.max(0) as f64 / views as f64)
}

/// The median of `values` (the mean of the middle two for an even count, rounded down);
/// `None` for no values. Reorders `values`.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        // Halve before adding so two huge counts cannot overflow.
        let (a, b) = (values[mid - 1], values[mid]);
        a / 2 + b / 2 + (a % 2 + b % 2) / 2
    })
}

/// One day of account activity: what its videos gained that day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DailyActivity {
    /// The day, in the user's zone.
    pub day: NaiveDate,
    /// Gained that day; `None` when Soco has no reading at the end of the day or before it.
    pub gained: Option<Counters>,
}

/// Daily gains from account totals (`(taken_at, totals)`, in time order): for each day of
/// `range`, the day's last reading minus the last reading before the day began. A day without
/// a reading of its own, or with nothing before it, has no figure.
pub fn daily_activity(totals: &[(DateTime<Utc>, Counters)], range: &DateRange) -> Vec<DailyActivity> {
    let last = last_per_day(totals, range);
    let mut previous = totals.iter().rev().find(|(t, _)| range.day_of(*t) < range.from).map(|(_, c)| *c);
    range
        .days()
        .map(|day| {
            let today = last.get(&day).copied();
            let gained = match (today, previous) {
                (Some(now), Some(before)) => Some(now.gained_since(&before)),
                _ => None,
            };
            if today.is_some() {
                previous = today;
            }
            DailyActivity { day, gained }
        })
        .collect()
}

/// Each day's last value among `points` (in time order), for the days of `range`.
pub fn last_per_day<T: Copy>(points: &[(DateTime<Utc>, T)], range: &DateRange) -> BTreeMap<NaiveDate, T> {
    let mut days = BTreeMap::new();
    for (at, value) in points {
        let day = range.day_of(*at);
        if day >= range.from && day <= range.to {
            days.insert(day, *value);
        }
    }
    days
}

/// Median views of the videos posted in each hour of each weekday, in the user's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heatmap {
    /// `cells[weekday][hour]`: Monday is 0; `None` where nothing was posted.
    pub cells: Vec<Vec<Option<i64>>>,
    /// How many videos each cell's median is over.
    pub counts: Vec<Vec<u32>>,
}

impl Heatmap {
    /// The cell with the highest median (weekday from Monday = 0, hour), if any.
    pub fn best(&self) -> Option<(usize, usize)> {
        let mut best: Option<(i64, usize, usize)> = None;
        for (day, hours) in self.cells.iter().enumerate() {
            for (hour, cell) in hours.iter().enumerate() {
                if let Some(v) = cell
                    && best.is_none_or(|(b, _, _)| *v > b)
                {
                    best = Some((*v, day, hour));
                }
            }
        }
        best.map(|(_, d, h)| (d, h))
    }
}

/// The heatmap of `(posted_at, views)` pairs in `zone`.
pub fn heatmap(videos: impl IntoIterator<Item = (DateTime<Utc>, i64)>, zone: chrono_tz::Tz) -> Heatmap {
    let mut buckets: Vec<Vec<Vec<i64>>> = vec![vec![Vec::new(); 24]; 7];
    for (posted, views) in videos {
        let local = posted.with_timezone(&zone);
        let day = local.weekday().num_days_from_monday() as usize;
        buckets[day][local.hour() as usize].push(views);
    }
    Heatmap {
        cells: buckets.iter_mut().map(|hours| hours.iter_mut().map(|b| median(b)).collect()).collect(),
        counts: buckets
            .iter()
            .map(|hours| hours.iter().map(|b| u32::try_from(b.len()).unwrap_or(u32::MAX)).collect())
            .collect(),
    }
}

/// The hashtags of a caption, lower-cased, each once, in order of appearance. A tag is `#`
/// followed by letters, digits or underscores in any script (`#fyp`, `#kulinerjakarta`, `#大食い`).
pub fn hashtags(caption: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    let mut rest = caption;
    while let Some(at) = rest.find('#') {
        let after = &rest[at + 1..];
        let end = after.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(after.len());
        let tag = after[..end].to_lowercase();
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
        rest = &after[end..];
    }
    tags
}

/// How the videos carrying one hashtag did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HashtagStat {
    /// The tag, without `#`, lower-cased.
    pub tag: String,
    /// Videos carrying it.
    pub videos: u32,
    /// Median views of those videos.
    pub median_views: i64,
    /// Their views together.
    pub total_views: i64,
    /// Their interactions per view.
    pub engagement_rate: Option<f64>,
}

/// Per-hashtag performance over `(caption, counters)` pairs: the `limit` tags with the highest
/// median views among those on at least `min_videos` videos (ties: more videos, then name).
pub fn hashtag_stats<'a>(
    videos: impl IntoIterator<Item = (&'a str, Counters)>,
    min_videos: u32,
    limit: usize,
) -> Vec<HashtagStat> {
    let mut by_tag: HashMap<String, (Vec<i64>, Counters)> = HashMap::new();
    for (caption, counters) in videos {
        for tag in hashtags(caption) {
            let (views, sum) = by_tag.entry(tag).or_default();
            views.push(counters.views);
            sum.views = sum.views.saturating_add(counters.views);
            sum.likes = sum.likes.saturating_add(counters.likes);
            sum.comments = sum.comments.saturating_add(counters.comments);
            sum.shares = sum.shares.saturating_add(counters.shares);
        }
    }
    let mut stats: Vec<HashtagStat> = by_tag
        .into_iter()
        .filter(|(_, (views, _))| views.len() as u32 >= min_videos)
        .map(|(tag, (mut views, sum))| HashtagStat {
            tag,
            videos: u32::try_from(views.len()).unwrap_or(u32::MAX),
            median_views: median(&mut views).unwrap_or(0),
            total_views: sum.views,
            engagement_rate: sum.engagement_rate(),
        })
        .collect();
    stats.sort_by(|a, b| {
        b.median_views.cmp(&a.median_views).then(b.videos.cmp(&a.videos)).then(a.tag.cmp(&b.tag))
    });
    stats.truncate(limit);
    stats
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiktok::analytics::range::tests::{at, day};
    use proptest::prelude::*;

    fn views(n: i64) -> Counters {
        Counters { views: n, likes: n / 10, comments: n / 100, shares: n / 1000 }
    }

    #[test]
    fn engagement_is_interactions_per_view() {
        let c = Counters { views: 1000, likes: 80, comments: 15, shares: 5 };
        assert_eq!(c.engagement_rate(), Some(0.1));
        assert_eq!(Counters::default().engagement_rate(), None, "no views, no rate");
        assert_eq!(engagement_rate(-3, 10), Some(0.0));
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5));
        assert_eq!(median(&mut [9, 1, 5]), Some(5));
        assert_eq!(median(&mut [1, 2, 3, 10]), Some(2));
        assert_eq!(median(&mut [i64::MAX, i64::MAX]), Some(i64::MAX));
    }

    proptest! {
        #[test]
        fn the_median_sits_between_the_extremes(mut values in proptest::collection::vec(0i64..1_000_000_000, 1..50)) {
            let (lo, hi) = (*values.iter().min().unwrap(), *values.iter().max().unwrap());
            let m = median(&mut values).unwrap();
            prop_assert!(lo <= m && m <= hi);
            let below = values.iter().filter(|v| **v < m).count();
            let above = values.iter().filter(|v| **v > m).count();
            prop_assert!(below <= values.len() / 2 && above <= values.len() / 2);
        }

        #[test]
        fn daily_gains_add_up_to_the_whole_range(steps in proptest::collection::vec(0i64..10_000, 2..40)) {
            // One reading a day with growing totals: the daily gains sum to last minus first.
            let zone = chrono_tz::UTC;
            let start = at("2026-01-01T12:00:00Z");
            let mut total = 0;
            let totals: Vec<_> = steps.iter().enumerate().map(|(i, s)| {
                total += s;
                (start + chrono::Duration::days(i as i64), views(total))
            }).collect();
            let range = DateRange { from: day("2026-01-02"), to: day("2026-01-01") + chrono::Duration::days(steps.len() as i64 - 1), zone };
            let days = daily_activity(&totals, &range);
            let sum: i64 = days.iter().map(|d| d.gained.expect("every day has a reading").views).sum();
            prop_assert_eq!(sum, totals.last().unwrap().1.views - totals[0].1.views);
        }
    }

    #[test]
    fn daily_activity_differences_each_days_last_reading() {
        let zone = chrono_tz::Asia::Jakarta;
        let totals = vec![
            (at("2026-11-01T10:00:00Z"), views(1000)), // Nov 1 in Jakarta
            (at("2026-11-02T01:00:00Z"), views(1500)), // Nov 2, 08:00 local
            (at("2026-11-02T16:00:00Z"), views(2000)), // Nov 2, 23:00 local: the day's last
            (at("2026-11-02T18:00:00Z"), views(2600)), // Nov 3, 01:00 local
            (at("2026-11-04T05:00:00Z"), views(2500)), // Nov 4: a dip
        ];
        let range = DateRange { from: day("2026-11-02"), to: day("2026-11-05"), zone };
        let days = daily_activity(&totals, &range);
        let gained: Vec<Option<i64>> = days.iter().map(|d| d.gained.map(|g| g.views)).collect();
        assert_eq!(gained, vec![Some(1000), Some(600), Some(0), None]);
        assert_eq!(days[0].gained.map(|g| g.likes), Some(100));
        let first = DateRange { from: day("2026-11-01"), to: day("2026-11-01"), zone };
        assert_eq!(daily_activity(&totals, &first)[0].gained, None, "nothing before the first reading");
    }

    #[test]
    fn heatmap_takes_medians_in_the_users_zone() {
        let zone = chrono_tz::Asia::Jakarta;
        let map = heatmap(
            [
                (at("2026-11-16T05:10:00Z"), 100), // Monday 12:10 in Jakarta
                (at("2026-11-16T05:50:00Z"), 300),
                (at("2026-11-23T05:00:00Z"), 200), // the next Monday, same hour
                (at("2026-11-21T13:00:00Z"), 50),  // Saturday 20:00
            ],
            zone,
        );
        assert_eq!(map.cells[0][12], Some(200));
        assert_eq!(map.counts[0][12], 3);
        assert_eq!(map.cells[5][20], Some(50));
        assert_eq!(map.cells[0][5], None, "UTC hours are not used");
        assert_eq!(map.best(), Some((0, 12)));
        assert_eq!(heatmap([], zone).best(), None);
    }

    #[test]
    fn hashtags_are_read_from_captions() {
        assert_eq!(
            hashtags("Resep #MasakMudah dan #fyp! #fyp #大食い #"),
            vec!["masakmudah", "fyp", "大食い"]
        );
        assert_eq!(hashtags("no tags"), Vec::<String>::new());
        assert_eq!(hashtags("##double #a_b#c"), vec!["double", "a_b", "c"]);
    }

    #[test]
    fn hashtag_stats_rank_by_median_views() {
        let videos = [
            ("#food #fyp", views(1000)),
            ("#food", views(3000)),
            ("#fyp #dance", views(100)),
            ("#dance", views(50_000)),
            ("#once", views(1_000_000)),
        ];
        let stats = hashtag_stats(videos.iter().map(|(c, v)| (*c, *v)), 2, 10);
        let order: Vec<(&str, u32, i64)> =
            stats.iter().map(|s| (s.tag.as_str(), s.videos, s.median_views)).collect();
        assert_eq!(order, vec![("dance", 2, 25_050), ("food", 2, 2000), ("fyp", 2, 550)]);
        assert_eq!(stats[1].total_views, 4000);
        assert_eq!(hashtag_stats(videos.iter().map(|(c, v)| (*c, *v)), 1, 1)[0].tag, "once");
    }
}
