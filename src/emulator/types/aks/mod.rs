//! Microsoft.ContainerService: managed clusters and their agent pools (two views of the same
//! pool documents), maintenance configurations, upgrade profiles and the Kubernetes version list,
//! with AKS's validation rules, version-skew rules and error bodies.

mod cluster;
mod defaults;
mod maintenance;
mod network;
mod pools;
mod rules;
mod shapes;
mod upgrade;
mod versions;

#[cfg(test)]
mod tests;

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::emulator::error::{ArmError, ArmResult};
use crate::emulator::http::{Ctx, Reply, Request};
use crate::emulator::lro::Operation;
use crate::emulator::route::ResPath;
use crate::emulator::store::{Doc, Store};

pub use versions::versions_list;

/// The provider namespace, as AKS spells it in ids and status URLs.
const NS: &str = "Microsoft.ContainerService";
/// Stored kind of a managed cluster.
const CLUSTER: &str = "microsoft.containerservice/managedclusters";
/// Stored kind of an agent pool.
const POOL: &str = "microsoft.containerservice/managedclusters/agentpools";
/// Stored kind of a maintenance configuration.
const MAINTENANCE: &str = "microsoft.containerservice/managedclusters/maintenanceconfigurations";
const CLUSTER_PROFILE: &str = "microsoft.containerservice/managedclusters/upgradeprofiles";
const POOL_PROFILE: &str = "microsoft.containerservice/managedclusters/agentpools/upgradeprofiles";

/// Handles Microsoft.ContainerService resources.
///
/// # Errors
///
/// ARM's errors (missing groups and resources) and the AKS resource provider's own.
pub fn handle(ctx: &mut Ctx<'_>, p: &ResPath, req: &Request<'_>) -> ArmResult<Reply> {
    match p.type_key().as_str() {
        CLUSTER => cluster::handle(ctx, p, req),
        POOL => pools::handle(ctx, p, req),
        MAINTENANCE => maintenance::handle(ctx, p, req),
        CLUSTER_PROFILE => upgrade::cluster_profile(ctx, p, req),
        POOL_PROFILE => upgrade::pool_profile(ctx, p, req),
        other => Err(ArmError::new(
            StatusCode::NOT_FOUND,
            "InvalidResourceType",
            format!("The resource type '{other}' is not served by the emulator."),
        )),
    }
}

/// A cluster as GET returns it: the stored document with `agentPoolProfiles` assembled from its
/// agent pools (flat: `name` and the pool's properties), in creation order.
pub fn render_cluster(store: &Store, doc: &Doc) -> Value {
    let mut v = doc.body.clone();
    let pools: Vec<Value> = store
        .children(doc.id(), POOL)
        .into_iter()
        .map(flat_pool)
        .collect();
    if let Some(props) = v.get_mut("properties").and_then(Value::as_object_mut) {
        // The stored body keeps a placeholder so that the list sits where AKS puts it.
        props.insert("agentPoolProfiles".into(), Value::Array(pools));
    }
    v
}

/// A pool in the cluster's `agentPoolProfiles` form.
fn flat_pool(doc: &Doc) -> Value {
    let mut m = Map::new();
    m.insert(
        "name".into(),
        doc.body.get("name").cloned().unwrap_or(Value::Null),
    );
    if let Some(props) = doc.body.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            m.insert(k.clone(), v.clone());
        }
    }
    Value::Object(m)
}

/// The ETag of an agent pool (`properties.eTag`).
fn pool_etag(body: &Value) -> Option<&str> {
    body.pointer("/properties/eTag").and_then(Value::as_str)
}

/// The id of the cluster a path is under (or is).
fn cluster_id(p: &ResPath) -> String {
    let name = p.segments.first().and_then(|(_, n)| n.as_deref());
    format!(
        "/subscriptions/{}/resourceGroups/{}/providers/{}/managedClusters/{}",
        p.sub,
        p.rg.as_deref().unwrap_or(""),
        p.ns,
        name.unwrap_or("")
    )
}

/// The cluster a path is under, which must exist.
fn cluster_doc<'s>(store: &'s Store, p: &ResPath) -> ArmResult<&'s Doc> {
    store
        .get(&cluster_id(p))
        .filter(|d| d.kind == CLUSTER)
        .ok_or_else(|| cluster_not_found(p))
}

/// ARM's 404 for a missing cluster.
fn cluster_not_found(p: &ResPath) -> ArmError {
    let name = p.segments.first().and_then(|(_, n)| n.as_deref());
    ArmError::not_found(
        "Microsoft.ContainerService/managedClusters",
        name.unwrap_or(""),
        p.rg.as_deref().unwrap_or(""),
    )
}

/// The AKS resource provider's form of an error raised by the shared helpers.
fn unwrapped(mut e: ArmError) -> ArmError {
    e.unwrapped = true;
    e
}

/// 409 while an operation runs on the cluster or any of its pools.
fn busy(store: &Store, cluster: &str) -> ArmResult<()> {
    match store.running_operation(cluster, true) {
        Some(op) => Err(ArmError::aks(
            StatusCode::CONFLICT,
            "OperationNotAllowed",
            format!(
                "Operation is not allowed: Another operation ({}) is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation",
                op.running_state
            ),
        )),
        None => Ok(()),
    }
}

/// The normalized region of a stored resource.
fn location_of(body: &Value) -> String {
    body.get("location")
        .and_then(Value::as_str)
        .unwrap_or("westeurope")
        .to_string()
}

/// A write's answer: `body` with the operation's status headers.
fn accepted(ctx: &Ctx<'_>, op: &Operation, status: StatusCode, body: Option<Value>) -> Reply {
    let reply = match body {
        Some(b) => Reply::json(status, b),
        None => Reply::empty(status),
    };
    reply.with_headers(op.headers(ctx.base, ctx.now))
}

/// The properties object of a body (an empty map when absent).
fn props_of(body: &Value) -> Map<String, Value> {
    body.get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Sets `properties.provisioningState` of a stored resource.
fn set_state(store: &mut Store, id: &str, state: &str) {
    if let Some(doc) = store.get_mut(id)
        && let Some(p) = doc
            .body
            .get_mut("properties")
            .and_then(Value::as_object_mut)
    {
        p.insert("provisioningState".into(), json!(state));
    }
}
