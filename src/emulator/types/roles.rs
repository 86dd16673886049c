//! Microsoft.Authorization role assignments at any scope: a subscription, a resource group, or any
//! resource the emulator holds. Synchronous, like the real API.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::unsupported_method;
use crate::emulator::error::{ArmError, ArmResult};
use crate::emulator::http::{Ctx, Reply, Request, page};
use crate::emulator::lro::rfc3339;
use crate::emulator::store::key;

const KIND: &str = "microsoft.authorization/roleassignments";

const PRINCIPAL_TYPES: &[&str] = &[
    "User",
    "Group",
    "ServicePrincipal",
    "ForeignGroup",
    "Device",
];

fn is_guid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok() && s.len() == 36
}

/// Handles `{scope}/providers/Microsoft.Authorization/roleAssignments[/{name}]`.
///
/// # Errors
///
/// The Authorization resource provider's errors.
pub fn handle(
    ctx: &mut Ctx<'_>,
    scope: &str,
    name: Option<&str>,
    req: &Request<'_>,
) -> ArmResult<Reply> {
    let Some(name) = name else {
        if *req.method != Method::GET {
            return unsupported_method(req);
        }
        // At the scope and below it.
        let items = ctx
            .store
            .list(KIND, scope)
            .into_iter()
            .map(|d| d.body.clone())
            .collect::<Vec<_>>();
        return Ok(page(req, ctx, items));
    };
    let id = format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}");
    match *req.method {
        Method::GET => ctx
            .store
            .get(&id)
            .map(|d| Reply::json(StatusCode::OK, d.body.clone()))
            .ok_or_else(|| {
                ArmError::new(
                    StatusCode::NOT_FOUND,
                    "RoleAssignmentNotFound",
                    format!("The role assignment '{name}' is not found."),
                )
            }),
        Method::DELETE => match ctx.store.get(&id).map(|d| d.body.clone()) {
            Some(body) => {
                ctx.store.remove(&id);
                Ok(Reply::json(StatusCode::OK, body))
            }
            None => Ok(Reply::empty(StatusCode::NO_CONTENT)),
        },
        Method::PUT => put(ctx, scope, name, &id, req),
        _ => unsupported_method(req),
    }
}

fn scope_exists(ctx: &Ctx<'_>, scope: &str) -> bool {
    let parts: Vec<&str> = scope.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["subscriptions", _] => true,
        ["providers", "Microsoft.Management", "managementGroups", _] => true,
        _ => ctx.store.get(scope).is_some(),
    }
}

fn put(
    ctx: &mut Ctx<'_>,
    scope: &str,
    name: &str,
    id: &str,
    req: &Request<'_>,
) -> ArmResult<Reply> {
    if !is_guid(name) {
        return Err(ArmError::new(
            StatusCode::BAD_REQUEST,
            "InvalidRoleAssignmentId",
            format!(
                "The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID."
            ),
        ));
    }
    if !scope_exists(ctx, scope) {
        return Err(ArmError::new(
            StatusCode::NOT_FOUND,
            "InvalidScope",
            format!("The scope '{scope}' does not exist, so no role can be assigned on it."),
        ));
    }
    let body = req.json()?;
    let props = body.get("properties").cloned().unwrap_or_else(|| json!({}));
    let role = props
        .get("roleDefinitionId")
        .and_then(Value::as_str)
        .filter(|r| {
            let l = r.to_ascii_lowercase();
            l.contains("/providers/microsoft.authorization/roledefinitions/") && r.rsplit('/').next().is_some_and(is_guid)
        })
        .ok_or_else(|| {
            ArmError::new(
                StatusCode::BAD_REQUEST,
                "InvalidRoleDefinitionId",
                "The role definition ID is not valid: use /subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}.",
            )
        })?
        .to_string();
    let principal = props
        .get("principalId")
        .and_then(Value::as_str)
        .filter(|p| is_guid(p))
        .ok_or_else(|| {
            ArmError::new(
                StatusCode::BAD_REQUEST,
                "InvalidPrincipalId",
                "A valid principal ID must be provided for role assignment.",
            )
        })?
        .to_string();
    let principal_type = match props.get("principalType").and_then(Value::as_str) {
        None => "User".to_string(),
        Some(t) => PRINCIPAL_TYPES
            .iter()
            .find(|p| p.eq_ignore_ascii_case(t))
            .map(|p| (*p).to_string())
            .ok_or_else(|| {
                ArmError::invalid(
                    "properties.principalType",
                    format!(
                        "'{t}' is not a principal type; use {}.",
                        PRINCIPAL_TYPES.join(", ")
                    ),
                )
            })?,
    };
    let role_guid = role.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
    let existing = ctx.store.get(id).map(|d| d.body.clone());
    if let Some(e) = &existing {
        let same = |f: &str, v: &str| {
            e.pointer(&format!("/properties/{f}"))
                .and_then(Value::as_str)
                .is_some_and(|x| {
                    x.eq_ignore_ascii_case(v)
                        || x.rsplit('/').next().is_some_and(|g| {
                            g.eq_ignore_ascii_case(v.rsplit('/').next().unwrap_or(v))
                        })
                })
        };
        if !same("roleDefinitionId", &role) || !same("principalId", &principal) {
            return Err(ArmError::new(
                StatusCode::BAD_REQUEST,
                "RoleAssignmentUpdateNotPermitted",
                "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
            ));
        }
    } else if let Some(dup) = ctx.store.list(KIND, "/").into_iter().find(|d| {
        let p = &d.body["properties"];
        p["scope"].as_str().is_some_and(|s| key(s) == key(scope))
            && p["principalId"]
                .as_str()
                .is_some_and(|x| x.eq_ignore_ascii_case(&principal))
            && p["roleDefinitionId"].as_str().is_some_and(|r| {
                r.rsplit('/')
                    .next()
                    .is_some_and(|g| g.eq_ignore_ascii_case(&role_guid))
            })
    }) {
        return Err(ArmError::new(
            StatusCode::CONFLICT,
            "RoleAssignmentExists",
            format!(
                "The role assignment already exists. The ID of the existing role assignment is {}.",
                dup.id().rsplit('/').next().unwrap_or("")
            ),
        ));
    }
    let created = existing
        .as_ref()
        .and_then(|e| e.pointer("/properties/createdOn").cloned())
        .unwrap_or_else(|| json!(rfc3339(ctx.now)));
    let mut out_props = json!({
        "roleDefinitionId": role,
        "principalId": principal,
        "principalType": principal_type,
        "scope": scope,
        "createdOn": created,
        "updatedOn": rfc3339(ctx.now),
        "createdBy": "00000000-0000-0000-0000-00000000e4a1",
        "updatedBy": "00000000-0000-0000-0000-00000000e4a1",
    });
    for f in [
        "description",
        "condition",
        "conditionVersion",
        "delegatedManagedIdentityResourceId",
    ] {
        if let Some(v) = props.get(f).filter(|v| !v.is_null()) {
            out_props[f] = v.clone();
        }
    }
    if out_props.get("condition").is_some() && out_props.get("conditionVersion").is_none() {
        out_props["conditionVersion"] = json!("2.0");
    }
    let doc = json!({
        "id": id,
        "type": "Microsoft.Authorization/roleAssignments",
        "name": name,
        "properties": out_props,
    });
    ctx.store.put(id, KIND, doc.clone());
    let status = if existing.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(Reply::json(status, doc))
}
