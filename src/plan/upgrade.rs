//! Whether a planned Kubernetes version change is an upgrade AKS will accept, judged before
//! anything is sent against the cluster's upgrade profile (`upgradeProfiles/default`, read only
//! when a version changes): no downgrades, no skipped minor versions, only versions on offer, and
//! no node pool ahead of its control plane. A refused upgrade is an error at plan time rather than
//! a 400 halfway through an apply.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::planner::span_for;
use super::rules::Version;
use super::types::{Action, Plan, ResourceChange};
use crate::config::eval::Evaluated;
use crate::diag::Diagnostic;

/// The azurerm attribute of a cluster's version and of a pool's.
const CLUSTER_VERSION: &str = "kubernetes_version";
const DEFAULT_POOL_VERSION: &str = "default_node_pool.orchestrator_version";
const POOL_VERSION: &str = "orchestrator_version";

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
fn default_pool_name(rc: &ResourceChange) -> Option<String> {
    let pool = rc.after.as_ref()?.get("default_node_pool")?;
    let pool = pool.get(0).unwrap_or(pool);
    pool.get("name")?.as_str().map(str::to_string)
}

/// `(cluster id, pool name)` of an agent pool id.
fn split_pool_id(id: &str) -> Option<(&str, &str)> {
    let at = id.to_ascii_lowercase().rfind("/agentpools/")?;
    Some((&id[..at], &id[at + "/agentPools/".len()..]))
}

/// Judges `change` against the cluster's upgrade `profile`; `planned_control_plane` is the
/// version the same plan gives the cluster, if it changes it. `Err` says why AKS would refuse.
///
/// # Errors
///
/// The reason, in words a user can act on.
pub fn judge(
    change: &VersionChange,
    profile: &Json,
    planned_control_plane: Option<&str>,
) -> Result<(), String> {
    let Some(requested) = Version::parse(&change.requested) else {
        return Ok(()); // validate reports malformed versions
    };
    let props = profile.get("properties").unwrap_or(&Json::Null);
    let cp = props.get("controlPlaneProfile").unwrap_or(&Json::Null);
    let entry = match &change.pool {
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
        _ => Some(cp),
    };
    let Some(entry) = entry else {
        return Ok(()); // a pool the profile does not list yet: created, not upgraded
    };
    let Some(current) = entry
        .get("kubernetesVersion")
        .and_then(Json::as_str)
        .and_then(Version::parse)
    else {
        return Ok(());
    };
    let offered: Vec<Version> = entry
        .get("upgrades")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|u| Version::parse(u.get("kubernetesVersion")?.as_str()?))
        .collect();
    let list = || {
        if offered.is_empty() {
            "none".to_string()
        } else {
            offered.iter().map(full).collect::<Vec<_>>().join(", ")
        }
    };
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
    if requested.major == current.major && requested.minor > current.minor + 1 {
        let next = format!("{}.{}", current.major, current.minor + 1);
        return Err(format!(
            "{what} runs {}; {} skips minor version {next}, and AKS upgrades one minor version at a time: set {next} and apply, then {}",
            full(&current),
            change.requested,
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
    let same_version = minor(requested) == minor(current)
        && requested.patch.is_none_or(|p| Some(p) == current.patch);
    let on_offer = offered.iter().any(|o| {
        minor(*o) == minor(requested) && requested.patch.is_none_or(|p| o.patch == Some(p))
    });
    if same_version || on_offer {
        Ok(())
    } else {
        Err(format!(
            "{what} runs {}; {} is not an upgrade AKS offers from there (available: {})",
            full(&current),
            change.requested,
            list()
        ))
    }
}

/// The path of a cluster's upgrade profile, the key of its read in `Snapshot::extra`.
pub fn profile_path(cluster_id: &str) -> String {
    format!("{cluster_id}/upgradeProfiles/default")
}

/// An error at the attribute for every version change of `plan` that the upgrade profiles read
/// (`profiles`, keyed by [`profile_path`]) say AKS would refuse.
pub fn upgrade_diagnostics(
    plan: &Plan,
    evaluated: &Evaluated,
    profiles: &HashMap<String, Json>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for change in version_changes(plan) {
        let Some(profile) = profiles.get(&profile_path(&change.cluster_id)) else {
            continue;
        };
        let cluster_version = plan
            .resources
            .iter()
            .filter(|r| {
                r.id.as_deref()
                    .is_some_and(|id| id.eq_ignore_ascii_case(&change.cluster_id))
            })
            .flat_map(|r| r.attributes.iter())
            .find(|a| a.path == CLUSTER_VERSION)
            .and_then(|a| a.after.as_ref()?.as_str().map(str::to_string));
        let Err(why) = judge(&change, profile, cluster_version.as_deref()) else {
            continue;
        };
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
        out.push(d);
    }
    out
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

    #[test]
    fn offered_upgrades_and_aliases_pass() {
        for v in ["1.34", "1.34.3", "1.33", "1.33.5"] {
            assert_eq!(judge(&cluster(v), &profile(), None), Ok(()), "{v}");
        }
        assert_eq!(judge(&pool("1.33"), &profile(), None), Ok(()));
    }

    #[test]
    fn skipping_a_minor_is_refused_with_the_next_step() {
        let err = judge(&cluster("1.35"), &profile(), None).unwrap_err();
        assert_eq!(
            err,
            "the control plane runs 1.33.5; 1.35 skips minor version 1.34, and AKS upgrades one minor version at a time: set 1.34 and apply, then 1.35"
        );
        let err = judge(&pool("1.34"), &profile(), Some("1.34")).unwrap_err();
        assert!(
            err.starts_with("node pool \"apps\" runs 1.32.9; 1.34 skips minor version 1.33"),
            "{err}"
        );
    }

    #[test]
    fn downgrades_unknown_patches_and_pools_ahead_are_refused() {
        let err = judge(&cluster("1.32"), &profile(), None).unwrap_err();
        assert_eq!(
            err,
            "the control plane runs 1.33.5; AKS cannot downgrade it to 1.32"
        );
        assert!(
            judge(&cluster("1.33.2"), &profile(), None)
                .unwrap_err()
                .contains("downgrade")
        );
        let err = judge(&cluster("1.34.2"), &profile(), None).unwrap_err();
        assert_eq!(
            err,
            "the control plane runs 1.33.5; 1.34.2 is not an upgrade AKS offers from there (available: 1.34.1, 1.34.3)"
        );
        let err = judge(&pool("1.33"), &profile(), Some("1.32")).unwrap_err();
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
