//! The Kubernetes version catalogue of the emulated region: which minors and patches exist, which
//! are offered, the default, aliases such as "1.33", the upgrade paths between versions, and the
//! `locations/{loc}/kubernetesVersions` list built from them.

use std::fmt;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::emulator::error::ArmResult;
use crate::emulator::http::{Ctx, Reply, Request};
use crate::emulator::types::{location, unsupported_method};

/// One minor release and its patches.
struct Minor {
    minor: u32,
    patches: &'static [u32],
    /// Offered for new clusters and pools (out-of-support minors are not).
    supported: bool,
    preview: bool,
}

/// Every version the region knows, oldest first. 1.31 is out of support: clusters still on it
/// work and can move to 1.32, but nothing new may use it.
const CATALOGUE: &[Minor] = &[
    Minor {
        minor: 31,
        patches: &[1, 5, 10],
        supported: false,
        preview: false,
    },
    Minor {
        minor: 32,
        patches: &[0, 4, 7],
        supported: true,
        preview: false,
    },
    Minor {
        minor: 33,
        patches: &[0, 2, 5],
        supported: true,
        preview: false,
    },
    Minor {
        minor: 34,
        patches: &[0, 1, 3],
        supported: true,
        preview: false,
    },
    Minor {
        minor: 35,
        patches: &[0, 1],
        supported: true,
        preview: true,
    },
];

/// The minor used when a cluster names no version.
const DEFAULT_MINOR: u32 = 34;

/// The newest minor whose control plane may lag behind by at most two minors instead of three.
const WIDE_SKEW_FROM: u32 = 28;

/// A full `1.x.y` version of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// The minor (the major is always 1).
    pub minor: u32,
    /// The patch.
    pub patch: u32,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}.{}", self.minor, self.patch)
    }
}

/// A version as a client wrote it: `1.x` (an alias for the newest patch) or `1.x.y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    /// `1.x`.
    Alias(u32),
    /// `1.x.y`.
    Full(Version),
}

/// Parses `1.x` or `1.x.y` (a leading `v` is not accepted, as in AKS).
pub fn parse(s: &str) -> Option<Requested> {
    let parts: Vec<&str> = s.trim().split('.').collect();
    let num = |p: &str| -> Option<u32> {
        (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    match parts.as_slice() {
        [major, minor] if num(major) == Some(1) => Some(Requested::Alias(num(minor)?)),
        [major, minor, patch] if num(major) == Some(1) => Some(Requested::Full(Version {
            minor: num(minor)?,
            patch: num(patch)?,
        })),
        _ => None,
    }
}

fn minor(m: u32) -> Option<&'static Minor> {
    CATALOGUE.iter().find(|x| x.minor == m)
}

fn versions_of(m: &Minor) -> impl Iterator<Item = Version> + '_ {
    m.patches.iter().map(move |&patch| Version {
        minor: m.minor,
        patch,
    })
}

/// Every version of the catalogue, oldest first.
pub fn all() -> impl Iterator<Item = Version> {
    CATALOGUE.iter().flat_map(versions_of)
}

/// Whether the catalogue has this exact version.
pub fn exists(v: Version) -> bool {
    minor(v.minor).is_some_and(|m| m.patches.contains(&v.patch))
}

/// Whether new clusters and pools may use this version.
pub fn offered(v: Version) -> bool {
    exists(v) && minor(v.minor).is_some_and(|m| m.supported)
}

/// Whether the version's minor is in preview.
pub fn is_preview(v: Version) -> bool {
    minor(v.minor).is_some_and(|m| m.preview)
}

/// The newest patch of the default minor.
pub fn default_version() -> Version {
    newest(DEFAULT_MINOR, None).unwrap_or(Version {
        minor: DEFAULT_MINOR,
        patch: 0,
    })
}

/// The newest patch of minor `m`, no newer than `cap` when given.
pub fn newest(m: u32, cap: Option<Version>) -> Option<Version> {
    versions_of(minor(m)?)
        .filter(|v| cap.is_none_or(|c| *v <= c))
        .max()
}

/// Resolves what a client wrote to a catalogue version: an alias to the newest patch of its minor
/// (no newer than `cap`, for pools following their control plane), a full version to itself.
/// `None` when the catalogue does not have it.
pub fn resolve(s: &str, cap: Option<Version>) -> Option<Version> {
    match parse(s)? {
        Requested::Alias(m) => newest(m, cap.filter(|c| c.minor == m)),
        Requested::Full(v) => exists(v).then_some(v),
    }
}

/// Where a version may be upgraded to in one step: newer patches of its minor (when the minor is
/// still offered) and every patch of the next minor.
pub fn upgrades(from: Version) -> Vec<Version> {
    all()
        .filter(|v| {
            (v.minor == from.minor && v.patch > from.patch && offered(*v))
                || (v.minor == from.minor + 1 && offered(*v))
        })
        .collect()
}

/// The list form of versions used in messages: `[1.33.0, 1.33.2]`.
pub fn list(vs: &[Version]) -> String {
    let items: Vec<String> = vs.iter().map(ToString::to_string).collect();
    format!("[{}]", items.join(", "))
}

/// How far a pool may lag behind a control plane on `cp`, in minors.
pub fn max_skew(cp: Version) -> u32 {
    if cp.minor >= WIDE_SKEW_FROM { 3 } else { 2 }
}

/// Why a pool on `pool` cannot run under a control plane on `cp`, if it cannot.
pub fn skew_problem(pool: Version, cp: Version) -> Option<String> {
    let base = format!("Node pool version {pool} and control plane version {cp} are incompatible.");
    if pool.minor > cp.minor {
        return Some(format!(
            "{base} Minor version of node pool version {} is bigger than control plane version {}.",
            pool.minor, cp.minor
        ));
    }
    if pool.minor == cp.minor && pool.patch > cp.patch {
        return Some(format!(
            "{base} Patch version of node pool version {} is bigger than control plane version {}.",
            pool.patch, cp.patch
        ));
    }
    let n = max_skew(cp);
    (cp.minor - pool.minor > n).then(|| {
        format!(
            "{base} Minor version of node pool version {} cannot be more than {n} versions less than control plane's version minor version {}.",
            pool.minor, cp.minor
        )
    })
}

/// The body of `GET .../locations/{loc}/kubernetesVersions`: offered minors only, each with its
/// patches and their one-step upgrades.
pub fn catalogue_body() -> Value {
    let values: Vec<Value> = CATALOGUE
        .iter()
        .filter(|m| m.supported)
        .map(|m| {
            let mut patches = serde_json::Map::new();
            for v in versions_of(m) {
                let ups: Vec<String> = upgrades(v).iter().map(ToString::to_string).collect();
                patches.insert(v.to_string(), json!({ "upgrades": ups }));
            }
            let mut entry = json!({
                "version": format!("1.{}", m.minor),
                "capabilities": { "supportPlan": ["KubernetesOfficial"] },
                "patchVersions": patches,
            });
            if m.minor == DEFAULT_MINOR {
                entry["isDefault"] = json!(true);
            }
            if m.preview {
                entry["isPreview"] = json!(true);
            }
            entry
        })
        .collect();
    json!({ "values": values })
}

/// `GET /subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{loc}/kubernetesVersions`.
///
/// # Errors
///
/// 405 for other methods; 400 for a region the emulator does not offer.
pub fn versions_list(_ctx: &mut Ctx<'_>, loc: &str, req: &Request<'_>) -> ArmResult<Reply> {
    if *req.method != Method::GET {
        return unsupported_method(req);
    }
    location(&json!({ "location": loc }), "locations/kubernetesVersions")?;
    Ok(Reply::json(StatusCode::OK, catalogue_body()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        match parse(s) {
            Some(Requested::Full(v)) => v,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn aliases_and_full_versions() {
        assert_eq!(parse("1.33"), Some(Requested::Alias(33)));
        assert_eq!(parse("v1.33"), None);
        assert_eq!(parse("1.33.2.1"), None);
        assert_eq!(parse(""), None);
        assert_eq!(resolve("1.33", None), Some(v("1.33.5")));
        assert_eq!(resolve("1.33", Some(v("1.33.2"))), Some(v("1.33.2")));
        assert_eq!(resolve("1.33", Some(v("1.34.0"))), Some(v("1.33.5")));
        assert_eq!(resolve("1.20.7", None), None);
        assert_eq!(resolve("1.33.3", None), None);
        assert_eq!(default_version(), v("1.34.3"));
        assert!(!offered(v("1.31.10")) && exists(v("1.31.10")));
        assert!(offered(v("1.35.1")) && is_preview(v("1.35.1")));
    }

    #[test]
    fn upgrade_paths_take_one_minor_at_a_time() {
        assert_eq!(
            list(&upgrades(v("1.32.4"))),
            "[1.32.7, 1.33.0, 1.33.2, 1.33.5]"
        );
        // Out of support: only onwards to the next minor.
        assert_eq!(list(&upgrades(v("1.31.1"))), "[1.32.0, 1.32.4, 1.32.7]");
        assert_eq!(list(&upgrades(v("1.35.1"))), "[]");
    }

    #[test]
    fn skew_window() {
        assert!(skew_problem(v("1.32.7"), v("1.35.0")).is_none());
        let newer = skew_problem(v("1.34.0"), v("1.33.5")).unwrap();
        assert!(newer.contains("Minor version of node pool version 34 is bigger"));
        assert!(skew_problem(v("1.33.5"), v("1.33.2")).is_some());
        assert!(skew_problem(v("1.31.1"), v("1.35.0")).is_some());
        assert_eq!(max_skew(v("1.27.0")), 2);
    }
}
