//! Whether a planned Kubernetes version change is an upgrade AKS will accept, judged before
//! anything is sent against the cluster's upgrade profile (`upgradeProfiles/default`, read only
//! when a version changes): no downgrades, no skipped minor versions, only versions on offer, and
//! no node pool ahead of its control plane. A refused upgrade is an error at plan time rather than
//! a 400 halfway through an apply.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::planner::span_for;
use super::rules::Version;
use super::types::{Action, Plan, ResourceChange, UpgradeStep};
use crate::config::eval::Evaluated;
use crate::diag::Diagnostic;
use crate::model::ResourceId;

/// The azurerm attribute of a cluster's version and of a pool's.
const CLUSTER_VERSION: &str = "kubernetes_version";
const DEFAULT_POOL_VERSION: &str = "default_node_pool.orchestrator_version";
const POOL_VERSION: &str = "orchestrator_version";

/// The azurerm attributes a version change sets: upgrade steps carry them out.
pub const VERSION_ATTRIBUTES: [&str; 3] = [CLUSTER_VERSION, DEFAULT_POOL_VERSION, POOL_VERSION];

/// One version change that needs the upgrade profile of `cluster_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionChange {
    /// The resource's address.
    pub address: String,
    /// The attribute that changes (`kubernetes_version`, `orchestrator_version`, ...).
    pub attribute: &'static str,
    /// The cluster whose upgrade profile judges it.
    pub cluster_id: String,
    /// The node pool's name, for a pool's version (the default pool's too).
    pub pool: Option<String>,
    /// The version asked for.
    pub requested: String,
}

/// The version changes of `plan` that an upgrade profile must judge: updates in place of a
/// cluster's or a pool's version (creates and replacements start at the version they ask for).
pub fn version_changes(plan: &Plan) -> Vec<VersionChange> {
    let mut out = Vec::new();
    for rc in plan.resources.iter().filter(|r| r.action == Action::Update) {
        let Some(id) = rc.id.as_deref() else {
            continue;
        };
        let wanted = |attr: &'static str| {
            rc.attributes
                .iter()
                .find(|a| a.path == attr && !a.unknown)
                .and_then(|a| a.after.as_ref()?.as_str().map(str::to_string))
        };
        let mut push = |attribute, cluster_id: &str, pool: Option<String>| {
            if let Some(requested) = wanted(attribute) {
                out.push(VersionChange {
                    address: rc.address.clone(),
                    attribute,
                    cluster_id: cluster_id.to_string(),
                    pool,
                    requested,
                });
            }
        };
        match rc.type_name.as_str() {
            "azurerm_kubernetes_cluster" => {
                push(CLUSTER_VERSION, id, None);
                push(DEFAULT_POOL_VERSION, id, default_pool_name(rc));
            }
            "azurerm_kubernetes_cluster_node_pool" => {
                if let Some((cluster, name)) = split_pool_id(id) {
                    push(POOL_VERSION, cluster, Some(name.to_string()));
                }
            }
            _ => {}
        }
    }
    out
}

/// The name of a cluster's default pool, from its planned attributes.
pub fn default_pool_name(rc: &ResourceChange) -> Option<String> {
    let pool = rc.after.as_ref()?.get("default_node_pool")?;
    let pool = pool.get(0).unwrap_or(pool);
    pool.get("name")?.as_str().map(str::to_string)
}

/// `(cluster id, pool name)` of an agent pool id.
fn split_pool_id(id: &str) -> Option<(&str, &str)> {
    let at = id.to_ascii_lowercase().rfind("/agentpools/")?;
    Some((&id[..at], &id[at + "/agentPools/".len()..]))
}

/// The versions a change sends, one step per minor version: intermediate steps go to the newest
/// patch of their minor that AKS offers from the step before (the cluster's upgrade `profile` for
/// the first step, the region's version `catalogue` for later ones); the last step sends the
/// configured text. `planned_control_plane` is the version the same plan gives the cluster, if
/// it changes it. Empty when the version does not change.
///
/// # Errors
///
/// Why AKS would refuse, in words a user can act on, listing the available upgrades.
pub fn path(
    change: &VersionChange,
    profile: &Json,
    catalogue: Option<&Json>,
    planned_control_plane: Option<&str>,
) -> Result<Path, String> {
    let none = Path::default();
    let Some(requested) = Version::parse(&change.requested) else {
        return Ok(none); // validate reports malformed versions
    };
    let Some(entry) = profile_entry(change, profile) else {
        return Ok(none); // a pool the profile does not list yet: created, not upgraded
    };
    let Some(current) = entry
        .get("kubernetesVersion")
        .and_then(Json::as_str)
        .and_then(Version::parse)
    else {
        return Ok(none);
    };
    let offered = upgrades_in(entry);
    let what = match &change.pool {
        Some(name) if change.attribute != CLUSTER_VERSION => format!("node pool {name:?}"),
        _ => "the control plane".to_string(),
    };
    let minor = |v: Version| (v.major, v.minor);
    if minor(requested) < minor(current)
        || (minor(requested) == minor(current)
            && requested
                .patch
                .is_some_and(|p| p < current.patch.unwrap_or(0)))
    {
        return Err(format!(
            "{what} runs {}; AKS cannot downgrade it to {}",
            full(&current),
            change.requested
        ));
    }
    if let (Some(cp_planned), true) = (
        planned_control_plane.and_then(Version::parse),
        change.attribute != CLUSTER_VERSION,
    ) && minor(requested) > minor(cp_planned)
    {
        return Err(format!(
            "{what} cannot run {} while the control plane runs {}: upgrade the control plane first",
            change.requested,
            planned_control_plane.unwrap_or_default()
        ));
    }
    if minor(requested) == minor(current)
        && requested.patch.is_none_or(|p| Some(p) == current.patch)
    {
        return Ok(none);
    }
    if requested.major != current.major {
        return Err(format!(
            "{what} runs {}; AKS does not upgrade across major versions to {}",
            full(&current),
            change.requested
        ));
    }
    let mut steps = Vec::new();
    let mut from = current;
    for m in current.minor + 1..=requested.minor {
        let last = m == requested.minor;
        let options = if from == current {
            offered.clone()
        } else {
            catalogue_upgrades(catalogue, from)
        };
        let pick = options
            .iter()
            .filter(|o| o.major == requested.major && o.minor == m)
            .filter(|o| !last || requested.patch.is_none_or(|p| o.patch == Some(p)))
            .max()
            .copied();
        let Some(pick) = pick else {
            let list = if options.is_empty() {
                "none".to_string()
            } else {
                options.iter().map(full).collect::<Vec<_>>().join(", ")
            };
            let via = if from == current {
                String::new()
            } else {
                format!(" (through {})", full(&from))
            };
            return Err(format!(
                "{what} runs {}; {} is not an upgrade AKS offers from there{via} (available from {}: {list})",
                full(&current),
                change.requested,
                full(&from)
            ));
        };
        steps.push(Step {
            from: full(&from),
            to: if last {
                change.requested.clone()
            } else {
                full(&pick)
            },
        });
        from = pick;
    }
    if minor(requested) == minor(current) {
        // A newer patch of the running minor.
        let on_offer = offered.iter().any(|o| {
            minor(*o) == minor(requested) && requested.patch.is_none_or(|p| o.patch == Some(p))
        });
        if !on_offer {
            return Err(format!(
                "{what} runs {}; {} is not an upgrade AKS offers from there (available: {})",
                full(&current),
                change.requested,
                list(&offered)
            ));
        }
        steps.push(Step {
            from: full(&current),
            to: change.requested.clone(),
        });
    }
    Ok(Path {
        current: full(&current),
        steps,
    })
}

/// The steps of one version change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path {
    /// The version running now (full).
    pub current: String,
    /// Each step's versions, in order.
    pub steps: Vec<Step>,
}

/// One step's versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Running before.
    pub from: String,
    /// Sent.
    pub to: String,
}

/// Whether a change skips minor versions, so that steps after the first need the region's
/// version catalogue.
pub fn needs_catalogue(change: &VersionChange, profile: &Json) -> bool {
    let current = profile_entry(change, profile)
        .and_then(|e| e.get("kubernetesVersion")?.as_str())
        .and_then(Version::parse);
    match (current, Version::parse(&change.requested)) {
        (Some(c), Some(r)) => r.major == c.major && r.minor > c.minor + 1,
        _ => false,
    }
}

/// The profile entry that judges `change`: the control plane's, or the pool's.
fn profile_entry<'a>(change: &VersionChange, profile: &'a Json) -> Option<&'a Json> {
    let props = profile.get("properties")?;
    match &change.pool {
        Some(name) if change.attribute != CLUSTER_VERSION => props
            .get("agentPoolProfiles")
            .and_then(Json::as_array)
            .and_then(|pools| {
                pools.iter().find(|p| {
                    p.get("name")
                        .and_then(Json::as_str)
                        .is_some_and(|n| n.eq_ignore_ascii_case(name))
                })
            }),
        _ => props.get("controlPlaneProfile"),
    }
}

/// The upgrades a profile entry lists.
fn upgrades_in(entry: &Json) -> Vec<Version> {
    entry
        .get("upgrades")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|u| Version::parse(u.get("kubernetesVersion")?.as_str()?))
        .collect()
}

/// Where `from` can go according to the region's version list
/// (`{"values": [{"patchVersions": {"1.33.5": {"upgrades": ["1.34.0"]}}}]}`).
fn catalogue_upgrades(catalogue: Option<&Json>, from: Version) -> Vec<Version> {
    let key = full(&from);
    catalogue
        .and_then(|c| c.get("values"))
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|minor| {
            minor
                .get("patchVersions")?
                .get(&key)?
                .get("upgrades")?
                .as_array()
        })
        .flatten()
        .filter_map(|u| Version::parse(u.as_str()?))
        .collect()
}

fn list(vs: &[Version]) -> String {
    if vs.is_empty() {
        "none".to_string()
    } else {
        vs.iter().map(full).collect::<Vec<_>>().join(", ")
    }
}

/// Whether the upgrade `profile` (read just before a step is sent) offers `to` to the control
/// plane (`pool: None`) or to the pool: `Err` says what it offers instead.
///
/// # Errors
///
/// The running version and the upgrades on offer.
pub fn offered_step(profile: &Json, pool: Option<&str>, to: &str) -> Result<(), String> {
    let change = VersionChange {
        address: String::new(),
        attribute: if pool.is_some() {
            POOL_VERSION
        } else {
            CLUSTER_VERSION
        },
        cluster_id: String::new(),
        pool: pool.map(str::to_string),
        requested: to.to_string(),
    };
    let Some(entry) = profile_entry(&change, profile) else {
        return Err("the upgrade profile does not list it".to_string());
    };
    let Some(wanted) = Version::parse(to) else {
        return Err(format!("{to} is not a version"));
    };
    let offered = upgrades_in(entry);
    let on_offer = offered.iter().any(|o| {
        o.major == wanted.major
            && o.minor == wanted.minor
            && wanted.patch.is_none_or(|p| o.patch == Some(p))
    });
    if on_offer {
        return Ok(());
    }
    let running = entry
        .get("kubernetesVersion")
        .and_then(Json::as_str)
        .unwrap_or("an unknown version");
    Err(format!(
        "it runs {running} and AKS offers {} from there",
        list(&offered)
    ))
}

/// The path of a cluster's upgrade profile, the key of its read in `Snapshot::extra`.
pub fn profile_path(cluster_id: &str) -> String {
    format!("{cluster_id}/upgradeProfiles/default")
}

/// The key of the region's version catalogue for `cluster_id` in `Snapshot::extra`.
pub fn catalogue_key(cluster_id: &str) -> String {
    format!("{cluster_id}#kubernetesVersions")
}

/// The path of the version catalogue of `location` in the subscription of `cluster`.
pub fn catalogue_path(cluster: &ResourceId, location: &str) -> String {
    format!(
        "/subscriptions/{}/providers/Microsoft.ContainerService/locations/{location}/kubernetesVersions",
        cluster.subscription_id()
    )
}

/// The version skew AKS allows between a control plane on `cp_minor` and its pools.
fn allowed_skew(cp_minor: u32) -> u32 {
    if cp_minor >= 28 { 3 } else { 2 }
}

/// Fills in the upgrade steps of every version change of `plan` (read from `extra`: the upgrade
/// profiles keyed by [`profile_path`], the catalogues by [`catalogue_key`]) and returns an error
/// at the attribute for every change AKS would refuse: downgrades, versions not on offer, pools
/// ahead of the control plane, pools left further behind than the skew allows.
pub fn upgrade_steps(
    plan: &mut Plan,
    evaluated: &Evaluated,
    extra: &HashMap<String, Json>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let changes = version_changes(plan);
    let mut steps: Vec<(String, UpgradeStep)> = Vec::new();
    for change in &changes {
        let Some(profile) = extra.get(&profile_path(&change.cluster_id)) else {
            continue;
        };
        let cluster_version = planned_cluster_version(plan, &change.cluster_id);
        let catalogue = extra.get(&catalogue_key(&change.cluster_id));
        match path(change, profile, catalogue, cluster_version.as_deref()) {
            Ok(p) => {
                let id = match &change.pool {
                    Some(name) if change.attribute != CLUSTER_VERSION => {
                        format!("{}/agentPools/{name}", change.cluster_id)
                    }
                    _ => change.cluster_id.clone(),
                };
                let pool = change
                    .pool
                    .clone()
                    .filter(|_| change.attribute != CLUSTER_VERSION);
                steps.extend(p.steps.into_iter().map(|s| {
                    (
                        change.address.clone(),
                        UpgradeStep {
                            id: id.clone(),
                            pool: pool.clone(),
                            from: s.from,
                            to: s.to,
                        },
                    )
                }));
            }
            Err(why) => out.push(diagnostic(evaluated, change, &why)),
        }
    }
    out.extend(skew_problems(evaluated, extra, &changes));
    for rc in &mut plan.resources {
        // Control plane steps come first: they were pushed first for each cluster.
        rc.upgrade_steps = steps
            .iter()
            .filter(|(a, _)| *a == rc.address)
            .map(|(_, s)| s.clone())
            .collect();
    }
    out
}

/// The version the plan gives a cluster, when it changes it.
fn planned_cluster_version(plan: &Plan, cluster_id: &str) -> Option<String> {
    plan.resources
        .iter()
        .filter(|r| {
            r.id.as_deref()
                .is_some_and(|id| id.eq_ignore_ascii_case(cluster_id))
        })
        .flat_map(|r| r.attributes.iter())
        .find(|a| a.path == CLUSTER_VERSION)
        .and_then(|a| a.after.as_ref()?.as_str().map(str::to_string))
}

/// Pools the new control plane version would leave more minor versions behind than AKS allows.
fn skew_problems(
    evaluated: &Evaluated,
    extra: &HashMap<String, Json>,
    changes: &[VersionChange],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for cp in changes.iter().filter(|c| c.attribute == CLUSTER_VERSION) {
        let (Some(profile), Some(target)) = (
            extra.get(&profile_path(&cp.cluster_id)),
            Version::parse(&cp.requested),
        ) else {
            continue;
        };
        let pools = profile
            .pointer("/properties/agentPoolProfiles")
            .and_then(Json::as_array)
            .into_iter()
            .flatten();
        for p in pools {
            let (Some(name), Some(current)) = (
                p.get("name").and_then(Json::as_str),
                p.get("kubernetesVersion")
                    .and_then(Json::as_str)
                    .and_then(Version::parse),
            ) else {
                continue;
            };
            // A pool upgraded by the same plan ends at its requested version, but only after
            // the control plane is done; it must be within the skew while it waits.
            let skew = allowed_skew(target.minor);
            if target.minor > current.minor + skew {
                let why = format!(
                    "the control plane would run {} while node pool {name:?} still runs {}: AKS allows pools at most {skew} minor versions behind; upgrade the control plane to 1.{} first, apply, upgrade the pool, then continue",
                    cp.requested,
                    full(&current),
                    current.minor + skew
                );
                out.push(diagnostic(evaluated, cp, &why));
            }
        }
    }
    out
}

fn diagnostic(evaluated: &Evaluated, change: &VersionChange, why: &str) -> Diagnostic {
    let mut d = Diagnostic::error(format!("{}: {why}", change.address))
        .label("this upgrade would be refused by AKS")
        .help("the cluster's upgrade profile lists the versions AKS offers from the running one; `az aks get-upgrades` shows the same list");
    if let Some(r) = evaluated
        .resources
        .iter()
        .find(|r| r.addr.to_string() == change.address)
    {
        d = d.at(span_for(r, change.attribute));
    }
    d
}

/// `1.33.5`, or `1.33` without a patch.
fn full(v: &Version) -> String {
    match v.patch {
        Some(p) => format!("{}.{}.{p}", v.major, v.minor),
        None => v.minor_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn profile() -> Json {
        json!({"properties": {
            "controlPlaneProfile": {"kubernetesVersion": "1.33.5", "upgrades": [
                {"kubernetesVersion": "1.34.1"}, {"kubernetesVersion": "1.34.3"}
            ]},
            "agentPoolProfiles": [
                {"name": "apps", "kubernetesVersion": "1.32.9", "upgrades": [{"kubernetesVersion": "1.33.5"}]}
            ]
        }})
    }

    fn cluster(requested: &str) -> VersionChange {
        VersionChange {
            address: "azurerm_kubernetes_cluster.main".into(),
            attribute: CLUSTER_VERSION,
            cluster_id: "/c".into(),
            pool: None,
            requested: requested.into(),
        }
    }

    fn pool(requested: &str) -> VersionChange {
        VersionChange {
            attribute: POOL_VERSION,
            pool: Some("apps".into()),
            ..cluster(requested)
        }
    }

    fn catalogue() -> Json {
        json!({"values": [
            {"version": "1.34", "patchVersions": {
                "1.34.1": {"upgrades": ["1.34.3", "1.35.0"]},
                "1.34.3": {"upgrades": ["1.35.0", "1.35.1"]}}},
            {"version": "1.33", "patchVersions": {"1.33.5": {"upgrades": ["1.34.1", "1.34.3"]}}}
        ]})
    }

    fn tos(change: &VersionChange, cp: Option<&str>) -> Vec<String> {
        path(change, &profile(), Some(&catalogue()), cp)
            .unwrap()
            .steps
            .into_iter()
            .map(|s| format!("{} -> {}", s.from, s.to))
            .collect()
    }

    #[test]
    fn offered_upgrades_and_aliases_are_one_step() {
        assert_eq!(tos(&cluster("1.34"), None), ["1.33.5 -> 1.34"]);
        assert_eq!(tos(&cluster("1.34.3"), None), ["1.33.5 -> 1.34.3"]);
        for same in ["1.33", "1.33.5"] {
            assert!(tos(&cluster(same), None).is_empty(), "{same}");
        }
        assert_eq!(tos(&pool("1.33"), None), ["1.32.9 -> 1.33"]);
    }

    #[test]
    fn skipping_a_minor_becomes_one_step_per_minor() {
        assert_eq!(
            tos(&cluster("1.35"), None),
            ["1.33.5 -> 1.34.3", "1.34.3 -> 1.35"]
        );
        assert_eq!(
            tos(&cluster("1.35.0"), None),
            ["1.33.5 -> 1.34.3", "1.34.3 -> 1.35.0"]
        );
        assert!(needs_catalogue(&cluster("1.35"), &profile()));
        assert!(!needs_catalogue(&cluster("1.34"), &profile()));
        // Without the catalogue the second step cannot be checked: refused, never guessed.
        let err = path(&cluster("1.35"), &profile(), None, None).unwrap_err();
        assert_eq!(
            err,
            "the control plane runs 1.33.5; 1.35 is not an upgrade AKS offers from there (through 1.34.3) (available from 1.34.3: none)"
        );
        let err = path(&cluster("1.36"), &profile(), Some(&catalogue()), None).unwrap_err();
        assert!(
            err.contains("1.36 is not an upgrade AKS offers from there (through 1.35.1)"),
            "{err}"
        );
    }

    #[test]
    fn downgrades_unknown_patches_and_pools_ahead_are_refused() {
        let judge = |c: &VersionChange, cp| path(c, &profile(), Some(&catalogue()), cp).map(|_| ());
        let err = judge(&cluster("1.32"), None).unwrap_err();
        assert_eq!(
            err,
            "the control plane runs 1.33.5; AKS cannot downgrade it to 1.32"
        );
        assert!(
            judge(&cluster("1.33.2"), None)
                .unwrap_err()
                .contains("downgrade")
        );
        let err = judge(&cluster("1.34.2"), None).unwrap_err();
        assert_eq!(
            err,
            "the control plane runs 1.33.5; 1.34.2 is not an upgrade AKS offers from there (available from 1.33.5: 1.34.1, 1.34.3)"
        );
        let err = judge(&pool("1.33"), Some("1.32")).unwrap_err();
        assert_eq!(
            err,
            "node pool \"apps\" cannot run 1.33 while the control plane runs 1.32: upgrade the control plane first"
        );
    }

    #[test]
    fn only_in_place_version_updates_are_judged() {
        let rc = json!({
            "address": "azurerm_kubernetes_cluster_node_pool.apps", "module": "", "mode": "managed",
            "type_name": "azurerm_kubernetes_cluster_node_pool", "name": "apps", "index": null,
            "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks/agentPools/apps",
            "action": "update", "importing": false, "reasons": [], "notes": [],
            "attributes": [{"path": "orchestrator_version", "before": "1.32", "after": "1.33",
                            "unknown": false, "sensitive": false, "forces_replacement": false}],
            "before": null, "after": null, "after_unknown": {}, "sensitive": {},
            "body_before": null, "body_after": null, "etag": null, "depends_on": []
        });
        let mut plan: Plan = serde_json::from_value(json!({
            "format": 1, "aksform_version": "0", "config_hash": "",
            "target": {"endpoint": "", "subscription": "", "emulator": false},
            "resources": [rc], "outputs": [], "notes": []
        }))
        .unwrap();
        let got = version_changes(&plan);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].pool.as_deref(), Some("apps"));
        assert!(
            got[0].cluster_id.ends_with("/managedClusters/aks"),
            "{}",
            got[0].cluster_id
        );
        assert_eq!(got[0].requested, "1.33");
        plan.resources[0].action = Action::Create;
        assert!(version_changes(&plan).is_empty());
    }
}
