//! The synthetic world: creators with their videos and metric curves, shops with their products
//! and orders, all generated lazily from one seed.
//!
//! Nothing is materialised up front: a creator's videos on a given day, a video's metrics at a
//! given instant, a shop's orders on a given day are pure functions of the seed and their
//! coordinates. Memory stays bounded whatever the scale; only what the control API adds (extra
//! videos, metric boosts) and what Content Posting publishes is stored, as overlays.

pub mod creators;
pub mod markets;
pub mod rng;
pub mod shops;

use crate::config::Scale;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// The world, generated from `scale` with its history ending at `start`.
#[derive(Debug)]
pub struct World {
    /// The knobs it was generated from.
    pub scale: Scale,
    /// First day of history (Unix seconds at 00:00 UTC).
    pub genesis: i64,
    /// The creator accounts.
    pub creators: creators::Creators,
    /// The TikTok Shop sellers and shops.
    pub shops: shops::Shops,
}

impl World {
    /// Generates the world's fixed parts (profiles, shops, catalogues); the rest is computed on
    /// demand.
    pub fn new(scale: &Scale, start: i64) -> Self {
        let genesis = (start.div_euclid(DAY) - i64::from(scale.history_days)) * DAY;
        World {
            scale: scale.clone(),
            genesis,
            creators: creators::Creators::new(scale, genesis),
            shops: shops::Shops::new(scale, genesis),
        }
    }

    /// Drops every overlay: the world as generated.
    pub fn reset(&self) {
        self.creators.reset();
        self.shops.reset();
    }
}
