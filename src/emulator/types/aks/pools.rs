//! Agent pools: one document per pool, written either through the cluster's
//! `agentPoolProfiles` or through `managedClusters/{n}/agentPools/{ap}`; their defaults and
//! server-set fields, the rules a pool change must pass, and the agentPools endpoints.

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::defaults::merge;
use super::network::default_max_pods;
use super::rules::{self, invalid_value, not_allowed};
use super::shapes;
use super::upgrade::{Versioning, pool_version, stored};
use super::versions::{self, Version};
use super::{POOL, accepted, busy, cluster_doc, location_of, pool_etag, props_of, unwrapped};
use crate::emulator::error::{ArmError, ArmResult};
use crate::emulator::http::{Ctx, Reply, Request, page, preconditions, read_only, str_at};
use crate::emulator::lro::{self, Effect};
use crate::emulator::route::ResPath;
use crate::emulator::store::{Store, key, new_etag};
use crate::emulator::types::unsupported_method;

/// Read-only pool properties (pointers into the agentPools body).
pub const READ_ONLY: &[&str] = &[
    "/properties/eTag",
    "/properties/currentOrchestratorVersion",
    "/properties/provisioningState",
];

/// Pool properties a client never sets.
const SERVER_SET: &[&str] = &[
    "name",
    "eTag",
    "currentOrchestratorVersion",
    "provisioningState",
];

/// The cluster a pool belongs to, as the pool rules need it.
pub struct Owner<'a> {
    /// The cluster's id.
    pub cluster_id: &'a str,
    /// The control plane's version once the current request is done.
    pub cp: Version,
    /// The cluster's `kubernetesVersion` as written (new pools without a version get it).
    pub cp_requested: &'a str,
    /// Pods per node by default under the cluster's network profile.
    pub max_pods: u64,
}

/// A pool write worked out and checked, not yet stored.
pub struct PoolPlan {
    /// The pool's id.
    pub id: String,
    /// The document to store.
    pub body: Value,
    /// Its version change, if any.
    pub versioning: Versioning,
    /// The state it shows while the operation runs.
    pub state: &'static str,
    /// Whether the write changes anything (new pool, new settings, new version).
    pub changed: bool,
}

impl PoolPlan {
    /// What finishing the operation changes on the pool.
    pub fn effect(&self) -> Effect {
        let patch = match self.versioning.target {
            Some(v) => json!({ "properties": { "currentOrchestratorVersion": v.to_string() } }),
            None => json!({}),
        };
        Effect::Finish {
            id: self.id.clone(),
            patch,
        }
    }

    /// The pool's mode.
    pub fn mode(&self) -> &str {
        str_at(&self.body, "/properties/mode").unwrap_or("User")
    }
}

fn node_image(os_sku: &str, windows: bool) -> String {
    if windows {
        "AKSWindows-2022-containerd-20348.3091.261110".into()
    } else if os_sku.to_ascii_lowercase().starts_with("azurelinux") {
        "AKSAzureLinux-V3gen2-202611.10.0".into()
    } else {
        "AKSUbuntu-2204gen2containerd-202611.10.0".into()
    }
}

fn canonical(value: &str, allowed: &[&'static str], target: &str) -> ArmResult<&'static str> {
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value))
        .copied()
        .ok_or_else(|| {
            invalid_value(
                target,
                &format!("It must be one of {}.", allowed.join(", ")),
            )
        })
}

/// Works out a pool write: `sent` are the pool's properties as sent (flat, without `name`),
/// `existing` the stored pool document, `default_mode` the mode of a new pool without one.
///
/// # Errors
///
/// The pool rules: name, vmSize, versions, immutable properties, counts, subnets.
pub fn plan(
    store: &Store,
    owner: &Owner<'_>,
    name: &str,
    sent: &Map<String, Value>,
    existing: Option<&Value>,
    default_mode: &str,
) -> ArmResult<PoolPlan> {
    shapes::check(sent, shapes::POOL, "agentPoolProfile.")?;
    let old = existing.map(props_of);
    let merged = merge(old.as_ref(), sent, SERVER_SET, None);
    let get = |k: &str| {
        merged
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let os = canonical(
        get("osType").unwrap_or("Linux"),
        &["Linux", "Windows"],
        "agentPoolProfile.osType",
    )?;
    let windows = os == "Windows";
    shapes::pool_name(name, windows)?;
    let vm_size = get("vmSize")
        .ok_or_else(|| invalid_value("agentPoolProfile.vmSize", "vmSize is required."))?
        .to_string();
    let mode = canonical(
        get("mode").unwrap_or(default_mode),
        &["System", "User", "Gateway"],
        "agentPoolProfile.mode",
    )?;
    let old_version = old.as_ref().and_then(|o| {
        let current = stored(o.get("currentOrchestratorVersion").and_then(Value::as_str))?;
        let text = o
            .get("orchestratorVersion")
            .and_then(Value::as_str)
            .unwrap_or("");
        Some((text.to_string(), current))
    });
    let versioning = pool_version(
        name,
        sent.get("orchestratorVersion").and_then(Value::as_str),
        old_version.as_ref().map(|(t, v)| (t.as_str(), *v)),
        owner.cp,
        owner.cp_requested,
    )?;
    let autoscale = merged.get("enableAutoScaling").and_then(Value::as_bool) == Some(true);
    let count = merged.get("count").cloned().unwrap_or_else(|| {
        let min = merged.get("minCount").filter(|_| autoscale).cloned();
        min.unwrap_or(json!(1))
    });
    let os_sku = get("osSKU")
        .unwrap_or(if windows { "Windows2022" } else { "Ubuntu" })
        .to_string();
    let max_pods = if merged.contains_key("podSubnetID") {
        250
    } else {
        owner.max_pods
    };
    let mut upgrade = json!({ "maxSurge": "10%" });
    if let Some(m) = merged.get("upgradeSettings").and_then(Value::as_object) {
        for (k, v) in m {
            upgrade[k] = v.clone();
        }
    }
    let kept = |k: &str, dflt: Value| old.as_ref().and_then(|o| o.get(k)).cloned().unwrap_or(dflt);
    let mut p = Map::new();
    let mut put = |k: &str, v: Value| {
        p.insert(k.into(), v);
    };
    put("count", count);
    put("vmSize", json!(vm_size));
    put(
        "osDiskSizeGB",
        merged.get("osDiskSizeGB").cloned().unwrap_or(json!(128)),
    );
    put(
        "osDiskType",
        merged
            .get("osDiskType")
            .cloned()
            .unwrap_or(json!("Managed")),
    );
    put(
        "kubeletDiskType",
        merged
            .get("kubeletDiskType")
            .cloned()
            .unwrap_or(json!("OS")),
    );
    put(
        "maxPods",
        merged.get("maxPods").cloned().unwrap_or(json!(max_pods)),
    );
    put(
        "type",
        merged
            .get("type")
            .cloned()
            .unwrap_or(json!("VirtualMachineScaleSets")),
    );
    put("enableAutoScaling", json!(autoscale));
    put(
        "scaleDownMode",
        merged
            .get("scaleDownMode")
            .cloned()
            .unwrap_or(json!("Delete")),
    );
    put(
        "provisioningState",
        kept("provisioningState", json!("Succeeded")),
    );
    put(
        "powerState",
        merged
            .get("powerState")
            .cloned()
            .unwrap_or(json!({ "code": "Running" })),
    );
    put("orchestratorVersion", json!(versioning.requested));
    put(
        "currentOrchestratorVersion",
        json!(versioning.current.to_string()),
    );
    put(
        "nodeImageVersion",
        kept("nodeImageVersion", json!(node_image(&os_sku, windows))),
    );
    put(
        "enableNodePublicIP",
        merged
            .get("enableNodePublicIP")
            .cloned()
            .unwrap_or(json!(false)),
    );
    put("mode", json!(mode));
    put("osType", json!(os));
    put("osSKU", json!(os_sku));
    put("upgradeSettings", upgrade);
    put(
        "enableFIPS",
        merged.get("enableFIPS").cloned().unwrap_or(json!(false)),
    );
    put(
        "scaleSetPriority",
        merged
            .get("scaleSetPriority")
            .cloned()
            .unwrap_or(json!("Regular")),
    );
    for (k, v) in &merged {
        if !p.contains_key(k) {
            p.insert(k.clone(), v.clone());
        }
    }
    p.insert("eTag".into(), json!(new_etag()));
    rules::check_pool(store, old.as_ref(), &p)?;
    let changed = old
        .as_ref()
        .is_none_or(|o| strip(o, &[]) != strip(&p, &[]) || versioning.target.is_some());
    let state = if old.is_none() {
        "Creating"
    } else if versioning.target.is_some() {
        "Upgrading"
    } else if only_scaling(old.as_ref(), &p) {
        "Scaling"
    } else {
        "Updating"
    };
    let id = format!("{}/agentPools/{name}", owner.cluster_id);
    let body = json!({
        "id": id,
        "name": name,
        "type": "Microsoft.ContainerService/managedClusters/agentPools",
        "properties": p,
    });
    Ok(PoolPlan {
        id,
        body,
        versioning,
        state,
        changed,
    })
}

/// Pool properties without the server's bookkeeping and the `extra` keys.
fn strip(m: &Map<String, Value>, extra: &[&str]) -> Map<String, Value> {
    m.iter()
        .filter(|(k, _)| {
            !matches!(k.as_str(), "eTag" | "provisioningState") && !extra.contains(&k.as_str())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Whether only the node counts changed.
fn only_scaling(old: Option<&Map<String, Value>>, new: &Map<String, Value>) -> bool {
    let Some(old) = old else {
        return false;
    };
    let counts_only = ["count", "minCount", "maxCount"];
    let counts = |m: &Map<String, Value>| {
        (
            m.get("count").cloned(),
            m.get("minCount").cloned(),
            m.get("maxCount").cloned(),
        )
    };
    strip(old, &counts_only) == strip(new, &counts_only) && counts(old) != counts(new)
}

/// Whether the cluster keeps a System pool other than `except` (a pool id).
pub fn has_other_system_pool(store: &Store, cluster: &str, except: &str) -> bool {
    store.children(cluster, POOL).into_iter().any(|d| {
        key(d.id()) != key(except)
            && str_at(&d.body, "/properties/mode").is_some_and(|m| m.eq_ignore_ascii_case("System"))
    })
}

/// 400 when the last System pool would go.
pub fn last_system_pool(name: &str) -> ArmError {
    not_allowed(format!(
        "Operation is not allowed: agent pool '{name}' is the last System mode agent pool of the cluster. A cluster must have at least one System node pool."
    ))
}

/// Handles `managedClusters/{n}/agentPools[/{ap}]`.
///
/// # Errors
///
/// 404 for a missing cluster or pool; the pool rules; 409 while the cluster is busy.
pub fn handle(ctx: &mut Ctx<'_>, p: &ResPath, req: &Request<'_>) -> ArmResult<Reply> {
    let cluster = cluster_doc(ctx.store, p)?.id().to_string();
    if p.is_collection() {
        if *req.method != Method::GET {
            return unsupported_method(req);
        }
        let items = ctx
            .store
            .children(&cluster, POOL)
            .into_iter()
            .map(|d| d.body.clone())
            .collect();
        return Ok(page(req, ctx, items));
    }
    let name = p.name().unwrap_or("").to_string();
    let id = p.id();
    match *req.method {
        Method::GET => ctx
            .store
            .get(&id)
            .map(|d| Reply::json(StatusCode::OK, d.body.clone()))
            .ok_or_else(|| pool_not_found(p, &name)),
        Method::PUT => put(ctx, p, &cluster, &name, req),
        Method::DELETE => delete(ctx, &cluster, &id, &name, req),
        _ => unsupported_method(req),
    }
}

fn pool_not_found(p: &ResPath, name: &str) -> ArmError {
    let cluster = p
        .segments
        .first()
        .and_then(|(_, n)| n.as_deref())
        .unwrap_or("");
    ArmError::not_found(
        "Microsoft.ContainerService/managedClusters/agentPools",
        &format!("{cluster}/{name}"),
        p.rg.as_deref().unwrap_or(""),
    )
}

fn put(
    ctx: &mut Ctx<'_>,
    p: &ResPath,
    cluster: &str,
    name: &str,
    req: &Request<'_>,
) -> ArmResult<Reply> {
    let body = req.json()?;
    let id = p.id();
    let existing = ctx.store.get(&id).map(|d| d.body.clone());
    preconditions(req, existing.as_ref().map(pool_etag)).map_err(unwrapped)?;
    busy(ctx.store, cluster)?;
    read_only(body, existing.as_ref(), READ_ONLY).map_err(unwrapped)?;
    let (cp, cp_requested, max_pods, loc) = {
        let c = &cluster_doc(ctx.store, p)?.body;
        let cp = stored(str_at(c, "/properties/currentKubernetesVersion"))
            .unwrap_or_else(versions::default_version);
        let requested = str_at(c, "/properties/kubernetesVersion")
            .unwrap_or("")
            .to_string();
        (
            cp,
            requested,
            default_max_pods(&props_of(c)),
            location_of(c),
        )
    };
    let owner = Owner {
        cluster_id: cluster,
        cp,
        cp_requested: &cp_requested,
        max_pods,
    };
    let plan = plan(
        ctx.store,
        &owner,
        name,
        &props_of(body),
        existing.as_ref(),
        "User",
    )?;
    let was_system = existing
        .as_ref()
        .and_then(|e| str_at(e, "/properties/mode"))
        .is_some_and(|m| m == "System");
    if was_system && plan.mode() != "System" && !has_other_system_pool(ctx.store, cluster, &id) {
        return Err(last_system_pool(name));
    }
    ctx.store.put(&id, POOL, plan.body.clone());
    let duration = ctx.duration(ctx.cfg.durations.pool_ms);
    let fail = ctx.should_fail(&id);
    let op = lro::start(
        ctx.store,
        &id,
        super::NS,
        &loc,
        ctx.api_version,
        "PUT",
        plan.state,
        ctx.now,
        duration,
        fail,
        vec![plan.effect()],
    );
    let doc = ctx.store.get(&id).map(|d| d.body.clone());
    let status = if existing.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(accepted(ctx, &op, status, doc))
}

fn delete(
    ctx: &mut Ctx<'_>,
    cluster: &str,
    id: &str,
    name: &str,
    req: &Request<'_>,
) -> ArmResult<Reply> {
    let Some(existing) = ctx.store.get(id).map(|d| d.body.clone()) else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    preconditions(req, Some(pool_etag(&existing))).map_err(unwrapped)?;
    busy(ctx.store, cluster)?;
    let system = str_at(&existing, "/properties/mode").is_some_and(|m| m == "System");
    if system && !has_other_system_pool(ctx.store, cluster, id) {
        return Err(last_system_pool(name));
    }
    let loc = ctx
        .store
        .get(cluster)
        .map(|d| location_of(&d.body))
        .unwrap_or_default();
    let duration = ctx.duration(ctx.cfg.durations.delete_ms);
    let fail = ctx.should_fail(id);
    let op = lro::start(
        ctx.store,
        id,
        super::NS,
        &loc,
        ctx.api_version,
        "DELETE",
        "Deleting",
        ctx.now,
        duration,
        fail,
        vec![Effect::Remove { id: id.to_string() }],
    );
    Ok(accepted(ctx, &op, StatusCode::ACCEPTED, None))
}
