//! What TikTok knows of a creator's posting settings, as `creator_info/query` reports them and
//! the init endpoints enforce them.
//!
//! The generated creators carry no posting settings, so they are drawn here from the world's seed
//! (same seed, same settings), except whether an account is private, which is configured
//! (`SOCO_SANDBOX_PRIVATE_CREATORS`) so that a test or a demo can choose it.

use crate::Sandbox;
use crate::world::creators::Creator;
use crate::world::rng::Draws;

use super::PRIVACY_LEVELS;

/// Coordinate of posting settings in the world's random paths (creators use 1, videos 2).
const POSTING: u64 = 11;

/// A creator's posting settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostingProfile {
    /// Privacy levels the creator may post with; private accounts don't get
    /// `PUBLIC_TO_EVERYONE`.
    pub privacy_level_options: Vec<&'static str>,
    /// The creator turned comments off in the app.
    pub comment_disabled: bool,
    /// The creator turned duets off.
    pub duet_disabled: bool,
    /// The creator turned stitches off.
    pub stitch_disabled: bool,
    /// Longest video the creator may post, seconds.
    pub max_video_post_duration_sec: u32,
}

/// `creator`'s settings in `sandbox`.
pub fn of(sandbox: &Sandbox, creator: &Creator) -> PostingProfile {
    let mut draws = Draws::new(sandbox.world.scale.seed, &[POSTING, u64::from(creator.index)]);
    let private = sandbox.config.private_creators.contains(&creator.username);
    PostingProfile {
        privacy_level_options: PRIVACY_LEVELS
            .into_iter()
            .filter(|level| !(private && *level == "PUBLIC_TO_EVERYONE"))
            .collect(),
        comment_disabled: draws.chance(0.1),
        duet_disabled: draws.chance(0.15),
        stitch_disabled: draws.chance(0.15),
        // Most accounts may post 10 minutes; some have been given 60.
        max_video_post_duration_sec: if draws.chance(0.3) { 3600 } else { 600 },
    }
}

/// `creator`'s avatar as TikTok serves it: a CDN link that expires two hours after `now`
/// (tiktok-api.md 4.1), under the sandbox's own address.
pub fn avatar_url(sandbox: &Sandbox, creator: &Creator, now: i64) -> String {
    format!("{}?x-expires={}", crate::media::avatar_url(sandbox, &creator.open_id), now + 2 * 3600)
}
