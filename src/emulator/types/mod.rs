//! The resource types the emulator serves, the dispatch from routes to them, and what they share:
//! regions, resource-group checks, tags, and the operation status endpoints.

pub mod aks;
pub mod network;
pub mod resource_group;
pub mod roles;
pub mod workspace;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::error::{ArmError, ArmResult};
use super::http::{Ctx, Reply, Request, normalize_location, str_at};
use super::lro::OpStatus;
use super::route::Route;
use super::store::{Doc, Store};

/// The regions the emulator accepts (normalized).
pub const LOCATIONS: &[&str] = &[
    "eastus",
    "eastus2",
    "westus2",
    "westus3",
    "centralus",
    "northeurope",
    "westeurope",
    "uksouth",
    "swedencentral",
    "germanywestcentral",
    "francecentral",
    "switzerlandnorth",
    "southeastasia",
    "australiaeast",
    "japaneast",
    "canadacentral",
    "brazilsouth",
];

/// Routes a request to its resource type.
///
/// # Errors
///
/// Whatever the resource type reports, or 404 for unknown paths and types.
pub fn dispatch(ctx: &mut Ctx<'_>, route: &Route, req: &Request<'_>) -> ArmResult<Reply> {
    match route {
        Route::ResourceGroups { .. } | Route::ResourceGroup { .. } => {
            resource_group::handle(ctx, route, req)
        }
        Route::Provider(p) => {
            let t = p.type_key();
            if t.starts_with("microsoft.network/") {
                network::handle(ctx, p, req)
            } else if t.starts_with("microsoft.operationalinsights/workspaces") {
                workspace::handle(ctx, p, req)
            } else if t.starts_with("microsoft.containerservice/") {
                aks::handle(ctx, p, req)
            } else {
                Err(ArmError::new(
                    StatusCode::NOT_FOUND,
                    "InvalidResourceType",
                    format!(
                        "The resource type '{}' could not be found in the namespace '{}' for api version '{}'.",
                        p.segments
                            .iter()
                            .map(|(t, _)| t.as_str())
                            .collect::<Vec<_>>()
                            .join("/"),
                        p.ns,
                        ctx.api_version
                    ),
                ))
            }
        }
        Route::RoleAssignment { scope, name } => roles::handle(ctx, scope, name.as_deref(), req),
        Route::OperationStatus { id, .. } => operation_status(ctx, id, req),
        Route::OperationResult { id, .. } => operation_result(ctx, id, req),
        Route::KubernetesVersions { location, .. } => aks::versions_list(ctx, location, req),
        Route::Unknown => Err(ArmError::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!(
                "No HTTP resource was found that matches the request URI '{}'.",
                req.path
            ),
        )),
    }
}

/// The resource as GET returns it, with children that are resources of their own assembled.
pub fn render(store: &Store, doc: &Doc) -> Value {
    match doc.kind.as_str() {
        "microsoft.network/virtualnetworks" => network::render_vnet(store, doc),
        "microsoft.network/networksecuritygroups" => network::render_nsg(store, doc),
        "microsoft.containerservice/managedclusters" => aks::render_cluster(store, doc),
        _ => doc.body.clone(),
    }
}

fn method_not_allowed(req: &Request<'_>) -> ArmError {
    ArmError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!(
            "The requested resource does not support http method '{}'.",
            req.method
        ),
    )
}

/// 405 for a method a resource type does not support.
pub fn unsupported_method(req: &Request<'_>) -> ArmResult<Reply> {
    Err(method_not_allowed(req))
}

fn operation_status(ctx: &mut Ctx<'_>, id: &str, req: &Request<'_>) -> ArmResult<Reply> {
    if *req.method != Method::GET {
        return unsupported_method(req);
    }
    let op = ctx
        .store
        .operations
        .get(id)
        .ok_or_else(|| op_not_found(id))?;
    let mut reply = Reply::json(StatusCode::OK, op.status_body(ctx.now));
    if op.is_running() {
        // At least 1: clients treat 0 as "no advice" and fall back to their own (long) default.
        let wait = super::lro::retry_after(op.due_ms.saturating_sub(ctx.now)).max(1);
        reply.headers.push(("Retry-After", wait.to_string()));
    }
    Ok(reply)
}

fn op_not_found(id: &str) -> ArmError {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "OperationNotFound",
        format!("The operation '{id}' was not found."),
    )
}

fn operation_result(ctx: &mut Ctx<'_>, id: &str, req: &Request<'_>) -> ArmResult<Reply> {
    if *req.method != Method::GET {
        return unsupported_method(req);
    }
    let op = ctx
        .store
        .operations
        .get(id)
        .ok_or_else(|| op_not_found(id))?;
    match op.status {
        OpStatus::InProgress => {
            let headers = op
                .headers(ctx.base, ctx.now)
                .into_iter()
                .filter(|(k, _)| *k != "Azure-AsyncOperation")
                .collect();
            Ok(Reply::empty(StatusCode::ACCEPTED).with_headers(headers))
        }
        OpStatus::Succeeded => {
            if op.method == "DELETE" {
                return Ok(Reply::empty(StatusCode::OK));
            }
            match ctx.store.get(&op.resource_id) {
                Some(doc) => Ok(Reply::json(StatusCode::OK, render(ctx.store, doc))),
                None => Ok(Reply::empty(StatusCode::NO_CONTENT)),
            }
        }
        OpStatus::Failed | OpStatus::Canceled => {
            let err = op.error.clone().unwrap_or_else(
                || json!({"code": "OperationFailed", "message": "The operation failed."}),
            );
            Ok(Reply::json(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({ "error": err }),
            ))
        }
    }
}

/// The resource group of a path, which must exist and not be on its way out.
///
/// # Errors
///
/// 404 `ResourceGroupNotFound`; 409 `ResourceGroupBeingDeleted`.
pub fn require_rg<'s>(store: &'s Store, sub: &str, rg: &str) -> ArmResult<&'s Doc> {
    let doc = store
        .get(&resource_group::id(sub, rg))
        .ok_or_else(|| ArmError::rg_not_found(rg))?;
    if doc.state() == Some("Deleting") {
        return Err(ArmError::new(
            StatusCode::CONFLICT,
            "ResourceGroupBeingDeleted",
            format!(
                "The resource group '{rg}' is in deprovisioning state and cannot perform this operation."
            ),
        ));
    }
    Ok(doc)
}

/// The normalized, supported `location` of a request body.
///
/// # Errors
///
/// 400 when it is missing or not a region the emulator offers.
pub fn location(body: &Value, type_name: &str) -> ArmResult<String> {
    let raw = str_at(body, "/location").ok_or_else(|| {
        ArmError::new(
            StatusCode::BAD_REQUEST,
            "LocationRequired",
            "The location property is required for this definition.",
        )
    })?;
    let loc = normalize_location(raw);
    if !LOCATIONS.contains(&loc.as_str()) {
        return Err(ArmError::new(
            StatusCode::BAD_REQUEST,
            "LocationNotAvailableForResourceType",
            format!(
                "The provided location '{raw}' is not available for resource type '{type_name}'. List of available regions for the resource type is '{}'.",
                LOCATIONS.join(",")
            ),
        ));
    }
    Ok(loc)
}

/// The `tags` of a body: an object of strings (or absent).
///
/// # Errors
///
/// 400 `InvalidTag` for anything else.
pub fn tags(body: &Value) -> ArmResult<Option<Value>> {
    match body.get("tags") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) if m.values().all(Value::is_string) => {
            Ok(Some(Value::Object(m.clone())))
        }
        Some(_) => Err(ArmError::new(
            StatusCode::BAD_REQUEST,
            "InvalidTag",
            "Tags must be an object of string values.",
        )),
    }
}

/// A location that changed on an existing resource.
pub fn location_change(existing: &Value, new: &str) -> Option<ArmError> {
    let old = str_at(existing, "/location")?;
    (normalize_location(old) != new).then(|| {
        ArmError::new(
            StatusCode::BAD_REQUEST,
            "LocationNotAvailableForResourceType",
            format!("The location of an existing resource cannot change from '{old}' to '{new}'."),
        )
        .target("location")
    })
}
