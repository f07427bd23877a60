//! Login Kit scopes: what Soco asks for, and reading what the user actually granted.
//!
//! TikTok users may untick scopes on the consent page, so the granted set (the callback's
//! `scopes`, the token's `scope`) is what counts; both are comma-separated, unlike RFC 6749's
//! spaces. [`parse_scopes`] is the one place that splits them.

use std::fmt;

/// A Login Kit scope (tiktok-api.md section 2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `user.info.basic`: open_id, union_id, avatars, display name (granted with every login).
    UserInfoBasic,
    /// `user.info.profile`: bio, profile link, verification, username.
    UserInfoProfile,
    /// `user.info.stats`: follower, following, likes and video counts.
    UserInfoStats,
    /// `video.list`: the user's public videos (`/v2/video/list/` and `/v2/video/query/`).
    VideoList,
    /// `video.upload`: drafts to the creator's inbox.
    VideoUpload,
    /// `video.publish`: Direct Post.
    VideoPublish,
    /// A scope this version of Soco does not know; kept so nothing granted is lost.
    Other(String),
}

impl Scope {
    /// What Soco's account connection asks for (issue 5): profile, stats and videos.
    pub const CONNECT: [Scope; 4] =
        [Scope::UserInfoBasic, Scope::UserInfoProfile, Scope::UserInfoStats, Scope::VideoList];

    /// TikTok's name for it.
    pub fn as_str(&self) -> &str {
        match self {
            Scope::UserInfoBasic => "user.info.basic",
            Scope::UserInfoProfile => "user.info.profile",
            Scope::UserInfoStats => "user.info.stats",
            Scope::VideoList => "video.list",
            Scope::VideoUpload => "video.upload",
            Scope::VideoPublish => "video.publish",
            Scope::Other(name) => name,
        }
    }

    /// The scope called `name`.
    pub fn parse(name: &str) -> Scope {
        match name {
            "user.info.basic" => Scope::UserInfoBasic,
            "user.info.profile" => Scope::UserInfoProfile,
            "user.info.stats" => Scope::UserInfoStats,
            "video.list" => Scope::VideoList,
            "video.upload" => Scope::VideoUpload,
            "video.publish" => Scope::VideoPublish,
            other => Scope::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Splits TikTok's comma-separated scope list (tolerating spaces, which RFC 6749 servers use),
/// dropping blanks and repeats and keeping the order.
pub fn parse_scopes(list: &str) -> Vec<Scope> {
    let mut scopes: Vec<Scope> = Vec::new();
    for name in list.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()) {
        let scope = Scope::parse(name);
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    scopes
}

/// The scopes a grant holds, in the order TikTok reported them; stored in
/// `tiktok_accounts.scopes` in TikTok's comma-separated form.
#[derive(Debug, Clone, Default, PartialEq, Eq, sea_orm::DeriveValueType)]
#[sea_orm(value_type = "String")]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// Whether `scope` was granted.
    pub fn contains(&self, scope: &Scope) -> bool {
        self.0.contains(scope)
    }
}

impl std::ops::Deref for Scopes {
    type Target = [Scope];

    fn deref(&self) -> &[Scope] {
        &self.0
    }
}

impl From<Vec<Scope>> for Scopes {
    fn from(scopes: Vec<Scope>) -> Self {
        Scopes(scopes)
    }
}

impl From<&[Scope]> for Scopes {
    fn from(scopes: &[Scope]) -> Self {
        Scopes(scopes.to_vec())
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&join_scopes(&self.0))
    }
}

impl std::str::FromStr for Scopes {
    type Err = std::convert::Infallible;

    fn from_str(list: &str) -> Result<Self, Self::Err> {
        Ok(Scopes(parse_scopes(list)))
    }
}

/// Joins scopes the way TikTok expects them: with commas.
pub fn join_scopes(scopes: &[Scope]) -> String {
    scopes.iter().map(Scope::as_str).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commas_spaces_repeats_and_unknown_scopes() {
        assert_eq!(
            parse_scopes("user.info.basic,video.list, user.info.basic,,research.data"),
            vec![Scope::UserInfoBasic, Scope::VideoList, Scope::Other("research.data".into())]
        );
        assert_eq!(parse_scopes(""), vec![]);
    }

    #[test]
    fn stored_scopes_read_back_as_written() {
        let granted: Scopes = "user.info.basic, video.list,research.data".parse().unwrap();
        assert!(granted.contains(&Scope::VideoList) && !granted.contains(&Scope::UserInfoStats));
        assert_eq!(granted.to_string(), "user.info.basic,video.list,research.data");
        assert_eq!(granted.to_string().parse::<Scopes>().unwrap(), granted);
    }

    #[test]
    fn round_trips_every_known_scope() {
        for scope in Scope::CONNECT.iter().chain(&[Scope::VideoUpload, Scope::VideoPublish]) {
            assert_eq!(Scope::parse(scope.as_str()), *scope);
        }
        assert_eq!(
            join_scopes(&Scope::CONNECT),
            "user.info.basic,user.info.profile,user.info.stats,video.list"
        );
    }
}
