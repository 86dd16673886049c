//! The Log Analytics workspace and the role assignment (§7 and §8 of `azurerm-to-arm.md`), in
//! both directions.
//!
//! A role assignment's name (the last id segment) is the deterministic UUIDv5 the schema derives
//! from scope, principal and role, so re-applies are idempotent; `role_definition_name` of a
//! built-in role is resolved to its definition id by the schema too. A custom role name needs a
//! lookup (`GET {scope}/providers/Microsoft.Authorization/roleDefinitions?$filter=roleName eq
//! '...'`): until the planner has done it, `/properties/roleDefinitionId` is unknown.

use serde_json::{Value as Json, json};

use super::MapError;
use super::builder::{
    Builder, Slot, boolean, enabled, int, location, not, number, string, string_map,
};
use super::reverse::{Attrs, Live, attrs};
use crate::config::value::Value;
use crate::model::ResourceId;

/// azurerm_log_analytics_workspace → `{location, tags, properties: {sku, retentionInDays,
/// workspaceCapping, features, publicNetworkAccessFor*}}`.
pub(super) fn workspace(b: &mut Builder<'_>) -> Result<(), MapError> {
    b.map("/location", "location", location)?;
    b.map_or("/tags", "tags", json!({}), string_map)?;
    b.map("/properties/sku/name", "sku", string)?;
    b.map(
        "/properties/sku/capacityReservationLevel",
        "reservation_capacity_in_gb_per_day",
        int,
    )?;
    // Optional+Computed: azurerm sends 0 when omitted and Azure applies 30; left out here.
    b.map("/properties/retentionInDays", "retention_in_days", int)?;
    b.map(
        "/properties/workspaceCapping/dailyQuotaGb",
        "daily_quota_gb",
        number,
    )?;
    b.map(
        "/properties/features/enableLogAccessUsingOnlyResourcePermissions",
        "allow_resource_only_permissions",
        boolean,
    )?;
    b.map(
        "/properties/features/disableLocalAuth",
        "local_authentication_enabled",
        not,
    )?;
    b.map(
        "/properties/publicNetworkAccessForIngestion",
        "internet_ingestion_enabled",
        enabled,
    )?;
    b.map(
        "/properties/publicNetworkAccessForQuery",
        "internet_query_enabled",
        enabled,
    )?;
    Ok(())
}

/// azurerm_role_assignment → `{properties: {roleDefinitionId, principalId, principalType,
/// description, condition, conditionVersion}}` (no `name` in the body).
pub(super) fn role_assignment(b: &mut Builder<'_>) -> Result<(), MapError> {
    const ROLE: &str = "/properties/roleDefinitionId";
    let by_id = b.r.is_set("role_definition_id");
    let attr = if by_id {
        "role_definition_id"
    } else {
        "role_definition_name"
    };
    match b.slot("role_definition_id") {
        Slot::Known(v) => {
            let id = string(v).map_err(|e| b.error(attr, e))?;
            b.set(ROLE, attr, id);
        }
        Slot::Unknown => b.unknown(ROLE, attr),
        // A custom role's name, resolved by a lookup before apply.
        Slot::Unset if !by_id && !matches!(b.slot("role_definition_name"), Slot::Unset) => {
            b.unknown(ROLE, attr);
        }
        Slot::Unset => {
            return Err(b.error(
                "role_definition_id",
                "set role_definition_id or role_definition_name",
            ));
        }
    }
    b.map("/properties/principalId", "principal_id", string)?;
    let typed = b.map("/properties/principalType", "principal_type", string)?;
    if !typed && b.bool("skip_service_principal_aad_check") == Some(true) {
        b.set(
            "/properties/principalType",
            "skip_service_principal_aad_check",
            json!("ServicePrincipal"),
        );
    }
    b.map("/properties/description", "description", string)?;
    if b.map("/properties/condition", "condition", string)? {
        b.map_or(
            "/properties/conditionVersion",
            "condition_version",
            json!("2.0"),
            string,
        )?;
    }
    b.map(
        "/properties/delegatedManagedIdentityResourceId",
        "delegated_managed_identity_resource_id",
        string,
    )?;
    Ok(())
}

/// A live workspace's attributes (besides id, name, group, location and tags).
pub(super) fn workspace_from_arm(l: Live<'_>) -> Attrs {
    let p = l.at("/properties");
    let open = |ptr: &str| {
        Value::Bool(
            p.get(ptr)
                .and_then(Json::as_str)
                .is_none_or(|s| !s.eq_ignore_ascii_case("Disabled")),
        )
    };
    let daily = p.num("/workspaceCapping/dailyQuotaGb");
    attrs([
        ("workspace_id", p.str("/customerId")),
        ("sku", p.str("/sku/name")),
        (
            "reservation_capacity_in_gb_per_day",
            p.num("/sku/capacityReservationLevel"),
        ),
        ("retention_in_days", p.num("/retentionInDays")),
        (
            "daily_quota_gb",
            if daily.is_null() {
                Value::Number(-1.0)
            } else {
                daily
            },
        ),
        (
            "allow_resource_only_permissions",
            p.bool_or(
                "/features/enableLogAccessUsingOnlyResourcePermissions",
                true,
            ),
        ),
        (
            "local_authentication_enabled",
            Value::Bool(
                !p.get("/features/disableLocalAuth")
                    .and_then(Json::as_bool)
                    .unwrap_or(false),
            ),
        ),
        (
            "internet_ingestion_enabled",
            open("/publicNetworkAccessForIngestion"),
        ),
        (
            "internet_query_enabled",
            open("/publicNetworkAccessForQuery"),
        ),
    ])
}

/// A live role assignment's attributes.
pub(super) fn role_assignment_from_arm(l: Live<'_>, id: &str) -> Attrs {
    let p = l.at("/properties");
    let role = p.str("/roleDefinitionId");
    // The built-in role table is private to the schema module, so the name is not derived
    // here; the planner compares role_definition_id.
    let role_name = Value::Null;
    let scope = match p.str("/scope") {
        Value::Null => id
            .parse::<ResourceId>()
            .ok()
            .and_then(|r| r.scope())
            .map_or(Value::Null, |s| Value::string(s.as_str())),
        s => s,
    };
    attrs([
        ("id", l.str("/id")),
        ("name", l.str("/name")),
        ("scope", scope),
        ("role_definition_id", role),
        ("role_definition_name", role_name),
        ("principal_id", p.str("/principalId")),
        ("principal_type", p.str("/principalType")),
        ("description", p.str("/description")),
        ("condition", p.str("/condition")),
        ("condition_version", p.str("/conditionVersion")),
        (
            "delegated_managed_identity_resource_id",
            p.str("/delegatedManagedIdentityResourceId"),
        ),
        ("skip_service_principal_aad_check", Value::Bool(false)),
    ])
}
