//! Microsoft.OperationalInsights workspaces: long-running create and update, server-set ids and
//! defaults, delete, and lists.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{location, location_change, require_rg, tags, unsupported_method};
use crate::emulator::error::{ArmError, ArmResult};
use crate::emulator::http::{Ctx, Reply, Request, page, preconditions, read_only};
use crate::emulator::lro::{self, Effect, rfc3339};
use crate::emulator::route::ResPath;
use crate::emulator::store::new_etag;

const KIND: &str = "microsoft.operationalinsights/workspaces";

const SKUS: &[&str] = &[
    "Free",
    "Standard",
    "Premium",
    "PerNode",
    "PerGB2018",
    "Standalone",
    "CapacityReservation",
    "LACluster",
];

const READ_ONLY: &[&str] = &[
    "/properties/provisioningState",
    "/properties/customerId",
    "/properties/createdDate",
    "/properties/modifiedDate",
];

/// Handles workspaces.
///
/// # Errors
///
/// The OperationalInsights resource provider's errors.
pub fn handle(ctx: &mut Ctx<'_>, p: &ResPath, req: &Request<'_>) -> ArmResult<Reply> {
    if p.segments.len() != 1 {
        return Err(ArmError::new(
            StatusCode::NOT_FOUND,
            "InvalidResourceType",
            "Only workspaces are served under Microsoft.OperationalInsights.",
        ));
    }
    if p.is_collection() {
        if *req.method != Method::GET {
            return unsupported_method(req);
        }
        let scope = match &p.rg {
            Some(rg) => {
                require_rg(ctx.store, &p.sub, rg)?;
                super::resource_group::id(&p.sub, rg)
            }
            None => format!("/subscriptions/{}", p.sub),
        };
        let items = ctx
            .store
            .list(KIND, &scope)
            .into_iter()
            .map(|d| d.body.clone())
            .collect();
        return Ok(page(req, ctx, items));
    }
    let rg = p.rg.clone().unwrap_or_default();
    let id = p.id();
    match *req.method {
        Method::GET => ctx
            .store
            .get(&id)
            .map(|d| Reply::json(StatusCode::OK, d.body.clone()))
            .ok_or_else(|| not_found(p)),
        Method::PUT => put(ctx, p, &rg, req),
        Method::DELETE => {
            let Some(doc) = ctx.store.get(&id) else {
                return Ok(Reply::empty(StatusCode::NO_CONTENT));
            };
            let loc = doc.body["location"]
                .as_str()
                .unwrap_or("westeurope")
                .to_string();
            busy(ctx, &id)?;
            let duration = ctx.duration(ctx.cfg.durations.delete_ms);
            let fail = ctx.should_fail(&id);
            let op = lro::start(
                ctx.store,
                &id,
                "Microsoft.OperationalInsights",
                &loc,
                ctx.api_version,
                "DELETE",
                "Deleting",
                ctx.now,
                duration,
                fail,
                vec![Effect::Remove { id: id.clone() }],
            );
            Ok(Reply::empty(StatusCode::ACCEPTED).with_headers(op.headers(ctx.base, ctx.now)))
        }
        _ => unsupported_method(req),
    }
}

fn not_found(p: &ResPath) -> ArmError {
    ArmError::not_found(
        "Microsoft.OperationalInsights/workspaces",
        p.name().unwrap_or(""),
        p.rg.as_deref().unwrap_or(""),
    )
}

fn busy(ctx: &Ctx<'_>, id: &str) -> ArmResult<()> {
    match ctx.store.running_operation(id, false) {
        Some(op) => Err(ArmError::new(
            StatusCode::CONFLICT,
            "Conflict",
            format!(
                "The workspace is busy with another operation ({}); retry when it has finished.",
                op.running_state
            ),
        )),
        None => Ok(()),
    }
}

fn put(ctx: &mut Ctx<'_>, p: &ResPath, rg: &str, req: &Request<'_>) -> ArmResult<Reply> {
    let id = p.id();
    let name = p.name().unwrap_or_default().to_string();
    let valid = (4..=63).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !valid {
        return Err(ArmError::invalid(
            "name",
            format!(
                "Workspace name '{name}' is invalid: use 4-63 letters, digits or '-', starting and ending with a letter or digit."
            ),
        ));
    }
    require_rg(ctx.store, &p.sub, rg)?;
    let body = req.json()?;
    let existing = ctx.store.get(&id).map(|d| d.body.clone());
    preconditions(
        req,
        existing
            .as_ref()
            .map(|e| e.get("etag").and_then(Value::as_str)),
    )?;
    read_only(body, existing.as_ref(), READ_ONLY)?;
    let loc = location(body, "workspaces")?;
    if let Some(e) = existing.as_ref().and_then(|e| location_change(e, &loc)) {
        return Err(e);
    }
    busy(ctx, &id)?;
    let props = body.get("properties").cloned().unwrap_or_else(|| json!({}));
    let sku = props
        .pointer("/sku/name")
        .and_then(Value::as_str)
        .unwrap_or("PerGB2018");
    let Some(sku) = SKUS.iter().find(|s| s.eq_ignore_ascii_case(sku)) else {
        return Err(ArmError::invalid(
            "properties.sku.name",
            format!(
                "The SKU '{sku}' is not valid; use one of {}.",
                SKUS.join(", ")
            ),
        ));
    };
    let retention = match props.get("retentionInDays") {
        None | Some(Value::Null) => 30,
        Some(v) => match v.as_u64() {
            Some(d) if (30..=730).contains(&d) => d,
            _ => {
                return Err(ArmError::invalid(
                    "properties.retentionInDays",
                    format!("retentionInDays must be between 30 and 730, not {v}."),
                ));
            }
        },
    };
    let created = existing
        .as_ref()
        .and_then(|e| e.pointer("/properties/createdDate").cloned())
        .unwrap_or_else(|| json!(rfc3339(ctx.now)));
    let customer = existing
        .as_ref()
        .and_then(|e| e.pointer("/properties/customerId").cloned())
        .unwrap_or_else(|| json!(uuid::Uuid::new_v4().to_string()));
    let mut features = json!({ "legacy": 0, "searchVersion": 1, "enableLogAccessUsingOnlyResourcePermissions": true });
    if let Some(f) = props.get("features").and_then(Value::as_object) {
        for (k, v) in f {
            features[k] = v.clone();
        }
    }
    let mut doc = json!({
        "id": id,
        "name": name,
        "type": "Microsoft.OperationalInsights/workspaces",
        "location": loc,
        "etag": format!("\"{}\"", new_etag()),
        "properties": {
            "provisioningState": "Succeeded",
            "customerId": customer,
            "sku": { "name": sku, "lastSkuUpdate": rfc3339(ctx.now) },
            "retentionInDays": retention,
            "features": features,
            "workspaceCapping": {
                "dailyQuotaGb": props.pointer("/workspaceCapping/dailyQuotaGb").cloned().unwrap_or(json!(-1.0)),
                "quotaNextResetTime": rfc3339(ctx.now + 86_400_000),
                "dataIngestionStatus": "RespectQuota",
            },
            "publicNetworkAccessForIngestion": props.get("publicNetworkAccessForIngestion").cloned().unwrap_or(json!("Enabled")),
            "publicNetworkAccessForQuery": props.get("publicNetworkAccessForQuery").cloned().unwrap_or(json!("Enabled")),
            "createdDate": created,
            "modifiedDate": rfc3339(ctx.now),
        },
    });
    if let Some(t) = tags(body)? {
        doc["tags"] = t;
    }
    ctx.store.put(&id, KIND, doc);
    let duration = ctx.duration(ctx.cfg.durations.workspace_ms);
    let fail = ctx.should_fail(&id);
    let running = if existing.is_some() {
        "Updating"
    } else {
        "Creating"
    };
    let op = lro::start(
        ctx.store,
        &id,
        "Microsoft.OperationalInsights",
        &loc,
        ctx.api_version,
        "PUT",
        running,
        ctx.now,
        duration,
        fail,
        vec![Effect::Finish {
            id: id.clone(),
            patch: json!({}),
        }],
    );
    let doc = ctx
        .store
        .get(&id)
        .map(|d| d.body.clone())
        .unwrap_or_default();
    let status = if existing.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(Reply::json(status, doc).with_headers(op.headers(ctx.base, ctx.now)))
}
