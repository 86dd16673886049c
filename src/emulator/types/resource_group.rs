//! Microsoft.Resources resource groups: synchronous PUT, GET, HEAD, PATCH of tags, a
//! long-running DELETE that removes everything inside, and the subscription's list.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{location, tags, unsupported_method};
use crate::emulator::error::{ArmError, ArmResult};
use crate::emulator::http::{Ctx, Reply, Request, page};
use crate::emulator::lro::{self, Effect};
use crate::emulator::route::Route;

/// The id of a resource group.
pub fn id(sub: &str, rg: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}")
}

const KIND: &str = "microsoft.resources/resourcegroups";

/// Handles `/subscriptions/{sub}/resourcegroups[/{rg}]`.
///
/// # Errors
///
/// ARM's errors for missing groups, bad bodies and changed locations.
pub fn handle(ctx: &mut Ctx<'_>, route: &Route, req: &Request<'_>) -> ArmResult<Reply> {
    match route {
        Route::ResourceGroups { sub } => {
            if *req.method != Method::GET {
                return unsupported_method(req);
            }
            let items = ctx
                .store
                .list(KIND, &format!("/subscriptions/{sub}"))
                .into_iter()
                .map(|d| d.body.clone())
                .collect();
            Ok(page(req, ctx, items))
        }
        Route::ResourceGroup { sub, rg } => match *req.method {
            Method::PUT => put(ctx, sub, rg, req),
            Method::GET | Method::HEAD => {
                let doc = ctx
                    .store
                    .get(&id(sub, rg))
                    .ok_or_else(|| ArmError::rg_not_found(rg))?;
                if *req.method == Method::HEAD {
                    Ok(Reply::empty(StatusCode::NO_CONTENT))
                } else {
                    Ok(Reply::json(StatusCode::OK, doc.body.clone()))
                }
            }
            Method::PATCH => patch(ctx, sub, rg, req),
            Method::DELETE => delete(ctx, sub, rg),
            _ => unsupported_method(req),
        },
        _ => unsupported_method(req),
    }
}

fn put(ctx: &mut Ctx<'_>, sub: &str, rg: &str, req: &Request<'_>) -> ArmResult<Reply> {
    validate_name(rg)?;
    let body = req.json()?;
    let loc = location(body, "resourceGroups")?;
    let tags = tags(body)?;
    let rid = id(sub, rg);
    if let Some(existing) = ctx.store.get(&rid) {
        if existing.state() == Some("Deleting") {
            return Err(ArmError::new(
                StatusCode::CONFLICT,
                "ResourceGroupBeingDeleted",
                format!(
                    "The resource group '{rg}' is in deprovisioning state and cannot perform this operation."
                ),
            ));
        }
        let old = existing.body["location"].as_str().unwrap_or("").to_string();
        if old != loc {
            return Err(ArmError::new(
                StatusCode::CONFLICT,
                "InvalidResourceGroupLocation",
                format!(
                    "Invalid resource group location '{loc}'. The Resource group already exists in location '{old}'."
                ),
            ));
        }
        let mut doc = existing.body.clone();
        set_optional(&mut doc, "tags", tags);
        set_optional(&mut doc, "managedBy", body.get("managedBy").cloned());
        ctx.store.put(&rid, KIND, doc.clone());
        return Ok(Reply::json(StatusCode::OK, doc));
    }
    let mut doc = json!({
        "id": rid,
        "name": rg,
        "type": "Microsoft.Resources/resourceGroups",
        "location": loc,
        "properties": { "provisioningState": "Succeeded" },
    });
    set_optional(&mut doc, "tags", tags);
    set_optional(&mut doc, "managedBy", body.get("managedBy").cloned());
    ctx.store.put(&rid, KIND, doc.clone());
    Ok(Reply::json(StatusCode::CREATED, doc))
}

fn set_optional(doc: &mut Value, key: &str, value: Option<Value>) {
    match value {
        Some(v) if !v.is_null() => {
            doc[key] = v;
        }
        _ => {
            if let Some(o) = doc.as_object_mut() {
                o.remove(key);
            }
        }
    }
}

fn patch(ctx: &mut Ctx<'_>, sub: &str, rg: &str, req: &Request<'_>) -> ArmResult<Reply> {
    let body = req.json()?;
    let rid = id(sub, rg);
    let mut doc = ctx
        .store
        .get(&rid)
        .ok_or_else(|| ArmError::rg_not_found(rg))?
        .body
        .clone();
    if let Some(t) = tags(body)? {
        doc["tags"] = t;
    }
    if let Some(m) = body.get("managedBy") {
        set_optional(&mut doc, "managedBy", Some(m.clone()));
    }
    ctx.store.put(&rid, KIND, doc.clone());
    Ok(Reply::json(StatusCode::OK, doc))
}

fn delete(ctx: &mut Ctx<'_>, sub: &str, rg: &str) -> ArmResult<Reply> {
    let rid = id(sub, rg);
    let doc = ctx
        .store
        .get(&rid)
        .ok_or_else(|| ArmError::rg_not_found(rg))?;
    if let Some(op) = ctx.store.running_operation(&rid, false)
        && op.method == "DELETE"
    {
        // Already being deleted: point at the same operation.
        let headers = op
            .headers(ctx.base, ctx.now)
            .into_iter()
            .filter(|(k, _)| *k != "Azure-AsyncOperation")
            .collect();
        return Ok(Reply::empty(StatusCode::ACCEPTED).with_headers(headers));
    }
    let loc = doc.body["location"]
        .as_str()
        .unwrap_or("westeurope")
        .to_string();
    // Everything inside goes with the group; operations running there stop.
    lro::cancel(ctx.store, &rid, ctx.now);
    let duration = ctx.duration(ctx.cfg.durations.delete_ms);
    let fail = ctx.should_fail(rid.as_str());
    let op = lro::start(
        ctx.store,
        &rid,
        "Microsoft.Resources",
        &loc,
        ctx.api_version,
        "DELETE",
        "Deleting",
        ctx.now,
        duration,
        fail,
        vec![Effect::Remove { id: rid.clone() }],
    );
    let headers = op
        .headers(ctx.base, ctx.now)
        .into_iter()
        .filter(|(k, _)| *k != "Azure-AsyncOperation")
        .collect();
    Ok(Reply::empty(StatusCode::ACCEPTED).with_headers(headers))
}

fn validate_name(rg: &str) -> ArmResult<()> {
    let ok = !rg.is_empty()
        && rg.len() <= 90
        && rg
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '(' | ')'))
        && !rg.ends_with('.');
    if ok {
        Ok(())
    } else {
        Err(ArmError::new(
            StatusCode::BAD_REQUEST,
            "InvalidResourceGroup",
            format!(
                "The provided resource group name '{rg}' has these invalid characters. The name can only be a letter, digit, '-', '.', '(', ')' or '_', and cannot end with '.'."
            ),
        ))
    }
}
