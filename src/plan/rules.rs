//! The planner's judgement calls, each a small pure function: whether a newer live Kubernetes
//! version is the upgrade channel's doing, which attribute paths `lifecycle.ignore_changes`
//! names, and what a change to a ForceNew attribute does.

use crate::config::decl::IgnoreChanges;
use crate::config::schema::ForceNew;
use crate::config::syntax::Step;

/// A Kubernetes version: `1.33` or `1.33.5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch, when given.
    pub patch: Option<u32>,
}

impl Version {
    /// Parses `1.33` or `1.33.5` (anything else is `None`).
    pub fn parse(s: &str) -> Option<Version> {
        let mut parts = s.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(p) => Some(p.parse().ok()?),
            None => None,
        };
        parts.next().is_none().then_some(Version {
            major,
            minor,
            patch,
        })
    }

    /// `1.33`.
    pub fn minor_string(self) -> String {
        format!("{}.{}", self.major, self.minor)
    }
}

/// Whether a live version newer than the configured one is what `channel` (azurerm spelling:
/// `patch`, `stable`, `rapid`, `node-image`, `none`) does by itself: a newer patch of the same
/// minor under `patch`, a newer patch or minor under `stable` and `rapid`.
pub fn channel_upgraded(channel: &str, configured: &str, live: &str) -> bool {
    let (Some(c), Some(l)) = (Version::parse(configured), Version::parse(live)) else {
        return false;
    };
    let same_minor = (c.major, c.minor) == (l.major, l.minor);
    let newer_patch = same_minor && l.patch.unwrap_or(0) > c.patch.unwrap_or(0);
    match channel.to_ascii_lowercase().as_str() {
        "patch" => newer_patch,
        "stable" | "rapid" => newer_patch || (l.major, l.minor) > (c.major, c.minor),
        _ => false,
    }
}

/// The attribute paths `ignore_changes` names, dotted without indices
/// (`default_node_pool[0].node_count` is `default_node_pool.node_count`), each with the map key
/// it ends in, if any (`tags["created"]` is `("tags", Some("created"))`).
pub fn ignored_paths(ignore: &IgnoreChanges) -> Vec<(String, Option<String>)> {
    let IgnoreChanges::Paths(paths) = ignore else {
        return Vec::new();
    };
    paths
        .iter()
        .map(|(steps, _)| {
            let mut names = Vec::new();
            let mut key = None;
            for step in steps {
                match step {
                    Step::Attr(a) => names.push(a.clone()),
                    Step::Key(k) => key = Some(k.clone()),
                    _ => {}
                }
            }
            (names.join("."), key)
        })
        .collect()
}

/// Whether `ignore_changes` covers the whole of attribute `attr` (a path or a block around it;
/// a single map key does not cover the map).
pub fn ignores(ignore: &IgnoreChanges, attr: &str) -> bool {
    match ignore {
        IgnoreChanges::None => false,
        IgnoreChanges::All => true,
        IgnoreChanges::Paths(_) => ignored_paths(ignore).iter().any(|(path, key)| {
            key.is_none() && (attr == path || attr.starts_with(&format!("{path}.")))
        }),
    }
}

/// What a change to a ForceNew attribute does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Updated in place.
    InPlace,
    /// In place, with a caveat to show.
    InPlaceNoted(String),
    /// The resource is replaced; the text says why.
    Replace(String),
}

/// The effect of changing `attr` whose schema rule is `rule`. `rotation_pool` is the cluster's
/// `default_node_pool.temporary_name_for_rotation`, when set.
pub fn force_effect(rule: ForceNew, attr: &str, rotation_pool: Option<&str>) -> Effect {
    match rule {
        ForceNew::No => Effect::InPlace,
        ForceNew::Always => Effect::Replace(format!("{attr} cannot be changed in place")),
        ForceNew::Conditional(when) => {
            Effect::InPlaceNoted(format!("{attr}: Azure replaces the resource {when}"))
        }
        ForceNew::Rotation => match rotation_pool {
            Some(temp) => Effect::InPlaceNoted(format!(
                "{attr} changes by rotating the default node pool through the temporary pool \
                 {temp:?}: nodes are replaced, the cluster stays"
            )),
            None => Effect::Replace(format!(
                "{attr} cannot be changed in place without default_node_pool.\
                 temporary_name_for_rotation (set it to rotate the pool instead of replacing \
                 the cluster)"
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{SourceMap, Span};

    #[test]
    fn versions_parse() {
        assert_eq!(
            Version::parse("1.33.5"),
            Some(Version {
                major: 1,
                minor: 33,
                patch: Some(5)
            })
        );
        assert_eq!(
            Version::parse("1.33").map(Version::minor_string),
            Some("1.33".into())
        );
        assert_eq!(Version::parse("latest"), None);
        assert_eq!(Version::parse("1.33.5.1"), None);
    }

    #[test]
    fn channels_own_their_upgrades() {
        assert!(channel_upgraded("patch", "1.33.2", "1.33.5"));
        assert!(
            !channel_upgraded("patch", "1.33", "1.34.1"),
            "patch never changes the minor"
        );
        assert!(channel_upgraded("stable", "1.33", "1.34.1"));
        assert!(channel_upgraded("rapid", "1.33.1", "1.33.4"));
        assert!(!channel_upgraded("none", "1.33.2", "1.33.5"));
        assert!(!channel_upgraded("node-image", "1.33.2", "1.33.5"));
        assert!(
            !channel_upgraded("stable", "1.34", "1.33.9"),
            "older is never the channel"
        );
    }

    #[test]
    fn ignore_changes_paths() {
        let file = SourceMap::default().add("main.tf".into(), "main.tf".into(), "");
        let span = Span::new(file, 0..0);
        let ignore = IgnoreChanges::Paths(vec![
            (
                vec![
                    Step::Attr("default_node_pool".into()),
                    Step::Index(0),
                    Step::Attr("node_count".into()),
                ],
                span.clone(),
            ),
            (
                vec![Step::Attr("tags".into()), Step::Key("created".into())],
                span,
            ),
        ]);
        assert!(ignores(&ignore, "default_node_pool.node_count"));
        assert!(!ignores(&ignore, "default_node_pool.vm_size"));
        assert!(!ignores(&ignore, "tags"), "one key does not cover the map");
        assert_eq!(
            ignored_paths(&ignore)[1],
            ("tags".to_string(), Some("created".to_string()))
        );
        assert!(ignores(&IgnoreChanges::All, "anything"));
        assert!(!ignores(&IgnoreChanges::None, "tags"));
    }

    #[test]
    fn force_new_effects() {
        assert_eq!(force_effect(ForceNew::No, "a", None), Effect::InPlace);
        assert!(matches!(
            force_effect(ForceNew::Always, "location", None),
            Effect::Replace(_)
        ));
        assert!(matches!(
            force_effect(ForceNew::Rotation, "default_node_pool.vm_size", Some("tmp")),
            Effect::InPlaceNoted(_)
        ));
        match force_effect(ForceNew::Rotation, "default_node_pool.vm_size", None) {
            Effect::Replace(why) => assert!(why.contains("temporary_name_for_rotation")),
            other => panic!("{other:?}"),
        }
    }
}
