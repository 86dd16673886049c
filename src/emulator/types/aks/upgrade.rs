//! Version changes: what a cluster or pool PUT asks for (alias, patch, next minor), the rules it
//! must follow (no unknown or retired versions, no downgrades, no skipped minors, pools within the
//! control plane's skew window), and the `upgradeProfiles/default` resources built from the same
//! catalogue.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::rules::not_allowed;
use super::versions::{self, Requested, Version};
use super::{POOL, cluster_doc};
use crate::emulator::error::{ArmError, ArmResult};
use crate::emulator::http::{Ctx, Reply, Request, str_at};
use crate::emulator::route::ResPath;
use crate::emulator::types::unsupported_method;

/// The version a cluster or pool ends up with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioning {
    /// What `kubernetesVersion` / `orchestratorVersion` shows: what the client sent.
    pub requested: String,
    /// The version running now (`current...Version`).
    pub current: Version,
    /// The version being upgraded to, when this is an upgrade.
    pub target: Option<Version>,
}

impl Versioning {
    /// The version once the operation is done.
    pub fn after(&self) -> Version {
        self.target.unwrap_or(self.current)
    }
}

fn unsupported(code: &str, v: &str) -> ArmError {
    ArmError::aks(
        StatusCode::BAD_REQUEST,
        code,
        format!(
            "Version {v} is not supported in this region. Please use [az aks get-versions] command to get the supported version list in this region. For more information, please check https://aka.ms/supported-version-list"
        ),
    )
}

/// A stored `1.x.y`.
pub fn stored(s: Option<&str>) -> Option<Version> {
    match versions::parse(s?)? {
        Requested::Full(v) => Some(v),
        Requested::Alias(_) => None,
    }
}

fn same_minor_alias(sent: &str, current: Version) -> bool {
    versions::parse(sent) == Some(Requested::Alias(current.minor))
}

/// The control plane's version after a PUT. `sent` is `properties.kubernetesVersion` (empty means
/// not sent); `existing` is (stored kubernetesVersion, current version) of an existing cluster.
///
/// # Errors
///
/// 400 `K8sVersionNotSupported` for unknown or retired versions; 400 `OperationNotAllowed` for
/// downgrades and skipped minors.
pub fn cluster_version(
    sent: Option<&str>,
    existing: Option<(&str, Version)>,
) -> ArmResult<Versioning> {
    const CODE: &str = "K8sVersionNotSupported";
    let sent = sent.map(str::trim).filter(|s| !s.is_empty());
    let Some((stored_text, current)) = existing else {
        let requested =
            sent.map_or_else(|| versions::default_version().to_string(), str::to_string);
        let v = versions::resolve(&requested, None)
            .filter(|v| versions::offered(*v))
            .ok_or_else(|| unsupported(CODE, &requested))?;
        return Ok(Versioning {
            requested,
            current: v,
            target: None,
        });
    };
    let Some(sent) = sent else {
        return Ok(Versioning {
            requested: stored_text.to_string(),
            current,
            target: None,
        });
    };
    let keep = Versioning {
        requested: sent.to_string(),
        current,
        target: None,
    };
    if sent == stored_text || same_minor_alias(sent, current) {
        return Ok(keep);
    }
    let v = versions::resolve(sent, None).ok_or_else(|| unsupported(CODE, sent))?;
    if v == current {
        return Ok(keep);
    }
    let available = versions::upgrades(current);
    if v < current {
        return Err(not_allowed(format!(
            "Downgrading Kubernetes version {current} to {v} is not allowed. Available upgrades: {}",
            versions::list(&available)
        )));
    }
    if !versions::offered(v) {
        return Err(unsupported(CODE, sent));
    }
    if !available.contains(&v) {
        return Err(not_allowed(format!(
            "Upgrading Kubernetes version {current} to {v} is not allowed. Available upgrades: {}",
            versions::list(&available)
        )));
    }
    Ok(Versioning {
        target: Some(v),
        ..keep
    })
}

fn incompatible(message: String) -> ArmError {
    ArmError::aks(
        StatusCode::BAD_REQUEST,
        "NodePoolMcVersionIncompatible",
        message,
    )
}

/// A pool's version after a PUT, under a control plane that will be on `cp` and whose
/// `kubernetesVersion` reads `cp_requested`. `existing` is (stored orchestratorVersion, current).
///
/// # Errors
///
/// 400 `AgentPoolK8sVersionNotSupported`, `NodePoolMcVersionIncompatible` or
/// `OperationNotAllowed` (downgrades, skipped minors).
pub fn pool_version(
    name: &str,
    sent: Option<&str>,
    existing: Option<(&str, Version)>,
    cp: Version,
    cp_requested: &str,
) -> ArmResult<Versioning> {
    const CODE: &str = "AgentPoolK8sVersionNotSupported";
    let sent = sent.map(str::trim).filter(|s| !s.is_empty());
    let Some((stored_text, current)) = existing else {
        let Some(sent) = sent else {
            return Ok(Versioning {
                requested: cp_requested.to_string(),
                current: cp,
                target: None,
            });
        };
        let v = versions::resolve(sent, Some(cp))
            .filter(|v| versions::offered(*v))
            .ok_or_else(|| unsupported(CODE, sent))?;
        if let Some(problem) = versions::skew_problem(v, cp) {
            return Err(incompatible(problem));
        }
        return Ok(Versioning {
            requested: sent.to_string(),
            current: v,
            target: None,
        });
    };
    let keep = |requested: &str| -> ArmResult<Versioning> {
        if let Some(problem) = versions::skew_problem(current, cp) {
            return Err(incompatible(problem));
        }
        Ok(Versioning {
            requested: requested.to_string(),
            current,
            target: None,
        })
    };
    let Some(sent) = sent else {
        return keep(stored_text);
    };
    if sent == stored_text || same_minor_alias(sent, current) {
        return keep(sent);
    }
    let v = versions::resolve(sent, Some(cp)).ok_or_else(|| unsupported(CODE, sent))?;
    if v == current {
        return keep(sent);
    }
    if v < current {
        return Err(not_allowed(format!(
            "Downgrading agent pool {name} version from {current} to {v} is not allowed."
        )));
    }
    if !versions::offered(v) {
        return Err(unsupported(CODE, sent));
    }
    if let Some(problem) = versions::skew_problem(v, cp) {
        return Err(incompatible(problem));
    }
    if v.minor > current.minor + 1 {
        return Err(not_allowed(format!(
            "Upgrade agent pool {name} version from {current} to {v} is not allowed, you can only upgrade one minor version at a time. Available upgrades: {}",
            versions::list(&pool_upgrades(current, Some(cp)))
        )));
    }
    Ok(Versioning {
        requested: sent.to_string(),
        current,
        target: Some(v),
    })
}

/// Where a pool on `from` can go in one step, no further than `cap` when given.
fn pool_upgrades(from: Version, cap: Option<Version>) -> Vec<Version> {
    versions::upgrades(from)
        .into_iter()
        .filter(|v| cap.is_none_or(|c| *v <= c))
        .collect()
}

fn upgrade_items(vs: &[Version]) -> Vec<Value> {
    vs.iter()
        .map(|v| {
            let mut item = json!({ "kubernetesVersion": v.to_string() });
            if versions::is_preview(*v) {
                item["isPreview"] = json!(true);
            }
            item
        })
        .collect()
}

fn os_type(props: &Value) -> &str {
    str_at(props, "/osType").unwrap_or("Linux")
}

/// `GET .../managedClusters/{n}/upgradeProfiles/default`.
///
/// # Errors
///
/// 404 for a missing cluster or a profile other than `default`; 405 for other methods.
pub fn cluster_profile(ctx: &mut Ctx<'_>, p: &ResPath, req: &Request<'_>) -> ArmResult<Reply> {
    if *req.method != Method::GET || p.is_collection() {
        return unsupported_method(req);
    }
    let doc = cluster_doc(ctx.store, p)?;
    if !p.name().is_some_and(|n| n.eq_ignore_ascii_case("default")) {
        return Err(profile_not_found(p));
    }
    let cp = stored(str_at(&doc.body, "/properties/currentKubernetesVersion"))
        .unwrap_or_else(versions::default_version);
    let cp_ups = versions::upgrades(cp);
    let ceiling = cp_ups.iter().copied().max().unwrap_or(cp);
    let pools: Vec<Value> = ctx
        .store
        .children(doc.id(), POOL)
        .into_iter()
        .map(|d| {
            let props = d.body.get("properties").cloned().unwrap_or_default();
            let current = stored(str_at(&props, "/currentOrchestratorVersion")).unwrap_or(cp);
            json!({
                "name": d.body.get("name").cloned().unwrap_or_default(),
                "kubernetesVersion": current.to_string(),
                "osType": os_type(&props),
                "upgrades": upgrade_items(&pool_upgrades(current, Some(ceiling))),
            })
        })
        .collect();
    let body = json!({
        "id": format!("{}/upgradeProfiles/default", doc.id()),
        "name": "default",
        "type": "Microsoft.ContainerService/managedClusters/upgradeprofiles",
        "properties": {
            "controlPlaneProfile": {
                "kubernetesVersion": cp.to_string(),
                "name": doc.body.get("name").cloned().unwrap_or_default(),
                "osType": "Linux",
                "upgrades": upgrade_items(&cp_ups),
            },
            "agentPoolProfiles": pools,
        },
    });
    Ok(Reply::json(StatusCode::OK, body))
}

fn profile_not_found(p: &ResPath) -> ArmError {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "NotFound",
        format!(
            "The upgrade profile '{}' was not found; only 'default' exists.",
            p.name().unwrap_or("")
        ),
    )
}

/// `GET .../agentPools/{ap}/upgradeProfiles/default`.
///
/// # Errors
///
/// 404 for a missing cluster, pool or profile; 405 for other methods.
pub fn pool_profile(ctx: &mut Ctx<'_>, p: &ResPath, req: &Request<'_>) -> ArmResult<Reply> {
    if *req.method != Method::GET || p.is_collection() {
        return unsupported_method(req);
    }
    let cluster = cluster_doc(ctx.store, p)?;
    let pool_path = p.parent().ok_or_else(|| profile_not_found(p))?;
    let pool_name = pool_path.name().unwrap_or("");
    let pool = ctx.store.get(&pool_path.id()).ok_or_else(|| {
        ArmError::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("The agent pool '{pool_name}' was not found."),
        )
    })?;
    if !p.name().is_some_and(|n| n.eq_ignore_ascii_case("default")) {
        return Err(profile_not_found(p));
    }
    let cp = stored(str_at(
        &cluster.body,
        "/properties/currentKubernetesVersion",
    ))
    .unwrap_or_else(versions::default_version);
    let props = pool.body.get("properties").cloned().unwrap_or_default();
    let current = stored(str_at(&props, "/currentOrchestratorVersion")).unwrap_or(cp);
    let image = str_at(&props, "/nodeImageVersion")
        .unwrap_or("")
        .to_string();
    let body = json!({
        "id": format!("{}/upgradeProfiles/default", pool.id()),
        "name": "default",
        "type": "Microsoft.ContainerService/managedClusters/agentPools/upgradeProfiles",
        "properties": {
            "kubernetesVersion": current.to_string(),
            "osType": os_type(&props),
            "upgrades": upgrade_items(&pool_upgrades(current, Some(cp))),
            "latestNodeImageVersion": image,
            "recentlyUsedVersions": [],
        },
    });
    Ok(Reply::json(StatusCode::OK, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        stored(Some(s)).unwrap()
    }

    #[test]
    fn cluster_versions() {
        let c = cluster_version(Some("1.33"), None).unwrap();
        assert_eq!((c.requested.as_str(), c.current), ("1.33", v("1.33.5")));
        assert_eq!(cluster_version(None, None).unwrap().current, v("1.34.3"));
        let e = cluster_version(Some("1.31.10"), None).unwrap_err();
        assert_eq!(e.code, "K8sVersionNotSupported");
        // The same alias again, or the same minor, is not an upgrade.
        let c = cluster_version(Some("1.33"), Some(("1.33.2", v("1.33.2")))).unwrap();
        assert_eq!(c.target, None);
        // Out of support, but onwards to the next minor is fine.
        let c = cluster_version(Some("1.32.7"), Some(("1.31.10", v("1.31.10")))).unwrap();
        assert_eq!(c.target, Some(v("1.32.7")));
        let e = cluster_version(Some("1.31.10"), Some(("1.31.1", v("1.31.1")))).unwrap_err();
        assert_eq!(e.code, "K8sVersionNotSupported");
    }

    #[test]
    fn pool_versions() {
        let p = pool_version("np", None, None, v("1.33.5"), "1.33").unwrap();
        assert_eq!((p.requested.as_str(), p.current), ("1.33", v("1.33.5")));
        let p = pool_version("np", Some("1.33"), None, v("1.33.2"), "1.33").unwrap();
        assert_eq!(p.current, v("1.33.2"));
        let e = pool_version("np", Some("1.34.0"), None, v("1.33.2"), "1.33").unwrap_err();
        assert_eq!(e.code, "NodePoolMcVersionIncompatible");
        let e = pool_version(
            "np",
            Some("1.34.3"),
            Some(("1.32.7", v("1.32.7"))),
            v("1.34.3"),
            "1.34",
        )
        .unwrap_err();
        assert_eq!(e.code, "OperationNotAllowed");
        assert!(
            e.message.contains("one minor version at a time"),
            "{}",
            e.message
        );
        assert!(
            e.message.ends_with("[1.33.0, 1.33.2, 1.33.5]"),
            "{}",
            e.message
        );
    }
}
