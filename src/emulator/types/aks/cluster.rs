//! Managed clusters: the long-running PUT (create, update, upgrade, scale through the pools it
//! lists), GET, tag-only PATCH, the cascading DELETE, and the lists per resource group and per
//! subscription.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::defaults::{self, Names, merge_cluster};
use super::network::default_max_pods;
use super::pools::{self, Owner, PoolPlan, last_system_pool};
use super::rules::{self, invalid};
use super::shapes;
use super::upgrade::{cluster_version, stored};
use super::versions;
use super::{
    CLUSTER, NS, POOL, accepted, busy, cluster_not_found, location_of, props_of, render_cluster,
    set_state, unwrapped,
};
use crate::emulator::error::{ArmError, ArmResult};
use crate::emulator::http::{Ctx, Reply, Request, page, preconditions, read_only, str_at};
use crate::emulator::lro::{self, Effect};
use crate::emulator::route::ResPath;
use crate::emulator::store::{key, new_etag};
use crate::emulator::types::{
    location, location_change, require_rg, resource_group, tags, unsupported_method,
};

/// Read-only cluster fields a client may echo unchanged.
const READ_ONLY: &[&str] = &[
    "/eTag",
    "/properties/provisioningState",
    "/properties/powerState",
    "/properties/currentKubernetesVersion",
    "/properties/fqdn",
    "/properties/azurePortalFQDN",
    "/properties/privateFQDN",
    "/properties/maxAgentPools",
    "/properties/resourceUID",
    "/identity/principalId",
    "/identity/tenantId",
    "/properties/oidcIssuerProfile/issuerURL",
];

/// Read-only fields of the pools inside `agentPoolProfiles`.
const POOL_READ_ONLY: &[&str] = &["eTag", "currentOrchestratorVersion", "provisioningState"];

/// Handles `managedClusters[/{n}]`.
///
/// # Errors
///
/// ARM's 404s; the AKS rules of each operation.
pub fn handle(ctx: &mut Ctx<'_>, p: &ResPath, req: &Request<'_>) -> ArmResult<Reply> {
    if p.is_collection() {
        if *req.method != Method::GET {
            return unsupported_method(req);
        }
        let scope = match &p.rg {
            Some(rg) => {
                require_rg(ctx.store, &p.sub, rg)?;
                resource_group::id(&p.sub, rg)
            }
            None => format!("/subscriptions/{}", p.sub),
        };
        let store = &*ctx.store;
        let items = store
            .list(CLUSTER, &scope)
            .into_iter()
            .map(|d| render_cluster(store, d))
            .collect();
        return Ok(page(req, ctx, items));
    }
    if p.rg.is_none() {
        return unsupported_method(req);
    }
    match *req.method {
        Method::GET => ctx
            .store
            .get(&p.id())
            .map(|d| Reply::json(StatusCode::OK, render_cluster(ctx.store, d)))
            .ok_or_else(|| cluster_not_found(p)),
        Method::PUT => put(ctx, p, req),
        Method::PATCH => patch(ctx, p, req),
        Method::DELETE => delete(ctx, p, req),
        _ => unsupported_method(req),
    }
}

fn sku(sent: Option<&Value>, existing: Option<&Value>) -> ArmResult<Value> {
    let mut out = existing
        .cloned()
        .unwrap_or_else(|| json!({ "name": "Base", "tier": "Free" }));
    if let Some(m) = sent.and_then(Value::as_object) {
        for (k, v) in m {
            if !v.is_null() {
                out[k] = v.clone();
            }
        }
    }
    let check = |field: &str, allowed: &[&'static str]| -> ArmResult<&'static str> {
        let v = out.get(field).and_then(Value::as_str).unwrap_or(allowed[0]);
        allowed
            .iter()
            .find(|a| a.eq_ignore_ascii_case(v))
            .copied()
            .ok_or_else(|| {
                invalid(
                    &format!("sku.{field}"),
                    format!(
                        "The SKU {field} '{v}' is invalid; use {}.",
                        allowed.join(", ")
                    ),
                )
            })
    };
    let name = check("name", &["Base", "Automatic"])?;
    let tier = check("tier", &["Free", "Standard", "Premium"])?;
    Ok(json!({ "name": name, "tier": tier }))
}

fn put(ctx: &mut Ctx<'_>, p: &ResPath, req: &Request<'_>) -> ArmResult<Reply> {
    let rg = p.rg.clone().unwrap_or_default();
    let name = p.name().unwrap_or("").to_string();
    shapes::cluster_name(&name)?;
    require_rg(ctx.store, &p.sub, &rg)?;
    let body = req.json()?;
    let id = p.id();
    let stored_doc = ctx.store.get(&id).map(|d| d.body.clone());
    let rendered = ctx.store.get(&id).map(|d| render_cluster(ctx.store, d));
    let create = stored_doc.is_none();
    let etag = ctx.store.get(&id).map(|d| d.etag().map(str::to_string));
    preconditions(req, etag.as_ref().map(Option::as_deref)).map_err(unwrapped)?;
    if !create {
        busy(ctx.store, &id)?;
    }
    read_only(body, rendered.as_ref(), READ_ONLY).map_err(unwrapped)?;
    let loc = location(body, "managedClusters")?;
    if let Some(e) = rendered.as_ref().and_then(|e| location_change(e, &loc)) {
        return Err(e);
    }
    let tags = tags(body)?;
    let sent = props_of(body);
    shapes::check(&sent, shapes::CLUSTER, "properties.")?;
    let inputs = shapes::pool_inputs(&sent)?;
    if create && inputs.is_empty() {
        return Err(invalid(
            "agentPoolProfiles",
            "At least one agent pool profile is required to create a managed cluster.",
        ));
    }
    for (i, (pname, input)) in inputs.iter().enumerate() {
        let old = ctx
            .store
            .get(&format!("{id}/agentPools/{pname}"))
            .map(|d| props_of(&d.body));
        for f in POOL_READ_ONLY {
            let Some(v) = input.get(*f).filter(|v| !v.is_null()) else {
                continue;
            };
            if old.as_ref().and_then(|o| o.get(*f)) != Some(v) {
                let target = format!("properties.agentPoolProfiles[{i}].{f}");
                return Err(invalid(
                    &target,
                    format!(
                        "Property '{target}' is read-only and cannot be set to a different value."
                    ),
                ));
            }
        }
    }
    let old_props = stored_doc.as_ref().map(props_of);
    let merged = merge_cluster(old_props.as_ref(), &sent);
    rules::check_cluster(ctx.store, old_props.as_ref(), &merged)?;
    let identity = defaults::identity(
        body.get("identity"),
        stored_doc.as_ref().and_then(|d| d.get("identity")),
        &ctx.cfg.tenant_id,
    )?;
    let sku = sku(
        body.get("sku"),
        stored_doc.as_ref().and_then(|d| d.get("sku")),
    )?;
    let existing_version = stored_doc.as_ref().and_then(|d| {
        let current = stored(str_at(d, "/properties/currentKubernetesVersion"))?;
        Some((
            str_at(d, "/properties/kubernetesVersion")
                .unwrap_or("")
                .to_string(),
            current,
        ))
    });
    let version = cluster_version(
        sent.get("kubernetesVersion").and_then(Value::as_str),
        existing_version.as_ref().map(|(t, v)| (t.as_str(), *v)),
    )?;
    let names = Names {
        sub: &p.sub,
        rg: &rg,
        name: &name,
        location: &loc,
    };
    let identity_type = identity["type"].as_str().unwrap_or("None").to_string();
    let props = defaults::fill(
        ctx,
        &names,
        merged,
        old_props.as_ref(),
        &version,
        &identity_type,
    );
    if props.get("supportPlan").and_then(Value::as_str) == Some("AKSLongTermSupport")
        && sku["tier"] != "Premium"
    {
        return Err(invalid(
            "supportPlan",
            "The AKSLongTermSupport plan needs the Premium SKU tier.",
        ));
    }
    let owner = Owner {
        cluster_id: &id,
        cp: version.after(),
        cp_requested: &version.requested,
        max_pods: default_max_pods(&props),
    };
    let mut plans: Vec<PoolPlan> = Vec::new();
    for (i, (pname, input)) in inputs.iter().enumerate() {
        let pid = format!("{id}/agentPools/{pname}");
        let old = ctx.store.get(&pid).map(|d| d.body.clone());
        let mode = if create && i == 0 { "System" } else { "User" };
        let mut flat = input.clone();
        flat.remove("name");
        plans.push(pools::plan(
            ctx.store,
            &owner,
            pname,
            &flat,
            old.as_ref(),
            mode,
        )?);
    }
    let listed: Vec<String> = plans.iter().map(|p| key(&p.id)).collect();
    let others: Vec<(String, Value)> = ctx
        .store
        .children(&id, POOL)
        .into_iter()
        .filter(|d| !listed.contains(&key(d.id())))
        .map(|d| (d.id().to_string(), d.body.clone()))
        .collect();
    for (_, other) in &others {
        if let Some(current) = stored(str_at(other, "/properties/currentOrchestratorVersion"))
            && let Some(problem) = versions::skew_problem(current, version.after())
        {
            return Err(ArmError::aks(
                StatusCode::BAD_REQUEST,
                "NodePoolMcVersionIncompatible",
                problem,
            ));
        }
    }
    let system_left = plans.iter().any(|p| p.mode() == "System")
        || others
            .iter()
            .any(|(_, o)| str_at(o, "/properties/mode") == Some("System"));
    if !system_left {
        if create {
            return Err(ArmError::aks(
                StatusCode::BAD_REQUEST,
                "MustDefineAtLeastOneSystemPool",
                "Must define at least one system pool.",
            ));
        }
        let was_system = |pid: &str| {
            ctx.store
                .get(pid)
                .and_then(|d| str_at(&d.body, "/properties/mode"))
                .is_some_and(|m| m == "System")
        };
        let switched = plans.iter().find(|p| was_system(&p.id));
        let pname = switched
            .and_then(|p| str_at(&p.body, "/name"))
            .unwrap_or("");
        return Err(last_system_pool(pname));
    }
    let mut doc = json!({
        "id": id,
        "location": loc,
        "name": name,
        "type": "Microsoft.ContainerService/ManagedClusters",
        "eTag": new_etag(),
        "sku": sku,
        "identity": identity,
        "properties": props,
    });
    if let Some(t) = tags {
        doc["tags"] = t;
    }
    for k in ["kind", "extendedLocation"] {
        if let Some(v) = body.get(k).filter(|v| !v.is_null()) {
            doc[k] = v.clone();
        }
    }
    let cluster_changed = match &stored_doc {
        None => true,
        Some(old) => {
            let strip = |v: &Value| {
                let mut v = v.clone();
                v["eTag"] = Value::Null;
                v
            };
            strip(old) != strip(&doc)
        }
    };
    let changed: Vec<&PoolPlan> = plans.iter().filter(|p| p.changed).collect();
    let state = if create {
        "Creating"
    } else if version.target.is_some() {
        "Upgrading"
    } else if !cluster_changed
        && !changed.is_empty()
        && changed.iter().all(|p| p.state == "Scaling")
    {
        "Scaling"
    } else {
        "Updating"
    };
    let cp_patch = match version.target {
        Some(v) => json!({ "properties": { "currentKubernetesVersion": v.to_string() } }),
        None => json!({}),
    };
    let mut effects = vec![Effect::Finish {
        id: id.clone(),
        patch: cp_patch,
    }];
    ctx.store.put(&id, CLUSTER, doc);
    for plan in &plans {
        ctx.store.put(&plan.id, POOL, plan.body.clone());
        if plan.changed {
            effects.push(plan.effect());
        }
    }
    // A cluster operation gives every pool a new ETag.
    for (oid, mut other) in others {
        other["properties"]["eTag"] = json!(new_etag());
        ctx.store.put(&oid, POOL, other);
    }
    let duration = ctx.duration(if create {
        ctx.cfg.durations.cluster_create_ms
    } else {
        ctx.cfg.durations.cluster_update_ms
    });
    let fail = ctx.should_fail(&id);
    let op = lro::start(
        ctx.store,
        &id,
        NS,
        &loc,
        ctx.api_version,
        "PUT",
        state,
        ctx.now,
        duration,
        fail,
        effects,
    );
    for plan in plans.iter().filter(|p| p.changed) {
        set_state(ctx.store, &plan.id, plan.state);
    }
    let out = ctx.store.get(&id).map(|d| render_cluster(ctx.store, d));
    let status = if create {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(accepted(ctx, &op, status, out))
}

fn patch(ctx: &mut Ctx<'_>, p: &ResPath, req: &Request<'_>) -> ArmResult<Reply> {
    let id = p.id();
    let mut doc = ctx
        .store
        .get(&id)
        .map(|d| d.body.clone())
        .ok_or_else(|| cluster_not_found(p))?;
    preconditions(req, Some(str_at(&doc, "/eTag"))).map_err(unwrapped)?;
    busy(ctx.store, &id)?;
    let body = req.json()?;
    match tags(body)? {
        Some(t) => doc["tags"] = t,
        None if body.get("tags").is_some() => {
            if let Some(o) = doc.as_object_mut() {
                o.remove("tags");
            }
        }
        None => {}
    }
    lro::touch_etag(&mut doc);
    ctx.store.put(&id, CLUSTER, doc);
    let pool_ids: Vec<String> = ctx
        .store
        .children(&id, POOL)
        .iter()
        .map(|d| d.id().to_string())
        .collect();
    for pid in pool_ids {
        if let Some(d) = ctx.store.get_mut(&pid) {
            d.body["properties"]["eTag"] = json!(new_etag());
        }
    }
    let out = ctx
        .store
        .get(&id)
        .map(|d| render_cluster(ctx.store, d))
        .unwrap_or_default();
    Ok(Reply::json(StatusCode::OK, out))
}

fn delete(ctx: &mut Ctx<'_>, p: &ResPath, req: &Request<'_>) -> ArmResult<Reply> {
    let id = p.id();
    let Some(doc) = ctx.store.get(&id).map(|d| d.body.clone()) else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    preconditions(req, Some(str_at(&doc, "/eTag"))).map_err(unwrapped)?;
    if let Some(op) = ctx.store.running_operation(&id, false)
        && op.method == "DELETE"
    {
        // Already being deleted: the same operation again.
        let op = op.clone();
        return Ok(accepted(ctx, &op, StatusCode::ACCEPTED, None));
    }
    busy(ctx.store, &id)?;
    let mut effects: Vec<Effect> = ctx
        .store
        .children(&id, POOL)
        .iter()
        .map(|d| Effect::Remove {
            id: d.id().to_string(),
        })
        .collect();
    effects.push(Effect::Remove { id: id.clone() });
    let duration = ctx.duration(ctx.cfg.durations.delete_ms);
    let fail = ctx.should_fail(&id);
    let op = lro::start(
        ctx.store,
        &id,
        NS,
        &location_of(&doc),
        ctx.api_version,
        "DELETE",
        "Deleting",
        ctx.now,
        duration,
        fail,
        effects,
    );
    Ok(accepted(ctx, &op, StatusCode::ACCEPTED, None))
}
