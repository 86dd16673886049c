//! Schemas of the Log Analytics workspace and the role assignment, with the table of built-in Azure
//! roles that makes role assignment ids deterministic.

use std::collections::BTreeMap;

use super::{Attr, IdCtx, ResourceSchema, body, checks, name_rg_location};
use crate::addr::Mode;
use crate::config::value::Value;

pub(super) fn log_analytics_workspace() -> ResourceSchema {
    let mut attrs = vec![
        Attr::string("id").computed(),
        Attr::string("workspace_id").computed(),
        Attr::string("primary_shared_key").computed().sensitive(),
        Attr::string("secondary_shared_key").computed().sensitive(),
    ];
    attrs.extend(name_rg_location());
    attrs.extend([
        Attr::string("sku")
            .default("PerGB2018")
            .one_of(&[
                "PerGB2018",
                "PerNode",
                "Standalone",
                "CapacityReservation",
                "Free",
                "Premium",
                "Standard",
                "Unlimited",
                "LACluster",
            ])
            .force_new_when(
                "a change replaces it, except between PerGB2018 and CapacityReservation",
            ),
        Attr::number("retention_in_days")
            .optional_computed()
            .check(|v| checks::int_in(v, 30, 730)),
        Attr::number("daily_quota_gb").default(-1.0),
        Attr::number("reservation_capacity_in_gb_per_day"),
        Attr::bool("internet_ingestion_enabled").default(true),
        Attr::bool("internet_query_enabled").default(true),
        Attr::bool("local_authentication_enabled").default(true),
        Attr::bool("allow_resource_only_permissions").default(true),
        Attr::string_map("tags"),
    ]);
    ResourceSchema {
        type_name: "azurerm_log_analytics_workspace",
        mode: Mode::Managed,
        body: body(attrs, vec![]),
        removed: &[(
            "local_authentication_disabled",
            "use local_authentication_enabled (with the opposite value)",
        )],
        unsupported: &[
            "cmk_for_query_forced",
            "data_collection_rule_id",
            "immediate_data_purge_on_30_days_enabled",
            "identity",
        ],
        arm_id: Some(|c: &IdCtx<'_>| {
            Some(format!(
                "{}/providers/Microsoft.OperationalInsights/workspaces/{}",
                c.resource_group()?,
                c.str("name")?
            ))
        }),
        derive: None,
    }
}

/// Built-in Azure roles by name. Their definition GUIDs are the same in every tenant, which lets
/// `role_definition_name` resolve without a lookup and keeps role assignment ids deterministic.
pub const BUILTIN_ROLES: &[(&str, &str)] = &[
    ("Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"),
    ("Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c"),
    ("Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7"),
    (
        "User Access Administrator",
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    ),
    (
        "Role Based Access Control Administrator",
        "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    ),
    (
        "Azure Kubernetes Service RBAC Cluster Admin",
        "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    ),
    (
        "Azure Kubernetes Service RBAC Admin",
        "3498e952-d568-435e-9b2c-8d77e338d7f7",
    ),
    (
        "Azure Kubernetes Service RBAC Writer",
        "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
    ),
    (
        "Azure Kubernetes Service RBAC Reader",
        "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
    ),
    (
        "Azure Kubernetes Service Cluster Admin Role",
        "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8",
    ),
    (
        "Azure Kubernetes Service Cluster User Role",
        "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
    ),
    (
        "Azure Kubernetes Service Contributor Role",
        "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8",
    ),
    (
        "Network Contributor",
        "4d97b98b-1d4f-4787-a291-c67834d212e7",
    ),
    ("AcrPull", "7f951dda-4ed3-4680-a7ca-43fe172d538d"),
    (
        "Key Vault Secrets User",
        "4633458b-17de-408a-b874-0445c86b69e6",
    ),
    (
        "Key Vault Administrator",
        "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    ),
    ("Monitoring Reader", "43d0d8ad-25c7-4714-9337-8ba259a9fe05"),
];

/// The GUID of a built-in role, matched case-insensitively by name.
pub fn builtin_role_guid(name: &str) -> Option<&'static str> {
    BUILTIN_ROLES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, g)| *g)
}

/// The namespace of deterministic role assignment names (the one azurerm's newer code uses).
const ROLE_ASSIGNMENT_NAMESPACE: uuid::Uuid = uuid::uuid!("11fb06fb-712d-4ddd-98c7-e71bbd588830");

/// The deterministic name of a role assignment: a UUIDv5 over the lowercased scope, principal and
/// role (the role definition GUID when known, else the lowercased role name).
pub fn role_assignment_name(scope: &str, principal_id: &str, role: &str) -> String {
    let key = format!(
        "{}|{}|{}",
        scope.to_ascii_lowercase(),
        principal_id.to_ascii_lowercase(),
        role.to_ascii_lowercase()
    );
    uuid::Uuid::new_v5(&ROLE_ASSIGNMENT_NAMESPACE, key.as_bytes()).to_string()
}

fn derive_role_assignment(subscription: Option<&str>, values: &mut BTreeMap<String, Value>) {
    let get =
        |values: &BTreeMap<String, Value>, k: &str| values.get(k).cloned().unwrap_or_default();
    // role_definition_id from a built-in role name.
    if get(values, "role_definition_id").is_unknown()
        && let Some(name) = get(values, "role_definition_name").as_str()
        && let (Some(guid), Some(sub)) = (builtin_role_guid(name), subscription)
    {
        values.insert(
            "role_definition_id".into(),
            Value::String(format!(
                "/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
            )),
        );
    }
    if get(values, "name").is_unknown() {
        let role = match get(values, "role_definition_id").as_str() {
            Some(id) => id.rsplit('/').next().unwrap_or(id).to_string(),
            None => match get(values, "role_definition_name").as_str() {
                Some(name) => {
                    builtin_role_guid(name).map_or_else(|| name.to_string(), str::to_string)
                }
                None => return,
            },
        };
        if let (Some(scope), Some(principal)) = (
            get(values, "scope").as_str(),
            get(values, "principal_id").as_str(),
        ) {
            values.insert(
                "name".into(),
                Value::String(role_assignment_name(scope, principal, &role)),
            );
        }
    }
}

pub(super) fn role_assignment() -> ResourceSchema {
    ResourceSchema {
        type_name: "azurerm_role_assignment",
        mode: Mode::Managed,
        body: body(
            vec![
                Attr::string("id").computed(),
                Attr::string("name")
                    .optional_computed()
                    .force_new()
                    .check(checks::guid),
                Attr::string("scope")
                    .required()
                    .force_new()
                    .check(|v| match v.as_str() {
                        Some(s)
                            if s.starts_with("/subscriptions/")
                                || s.starts_with(
                                    "/providers/Microsoft.Management/managementGroups/",
                                ) =>
                        {
                            Ok(())
                        }
                        Some(s) => Err(format!(
                            "{s:?} is not a scope; use a subscription, resource group, resource \
                             or management group id, e.g. azurerm_kubernetes_cluster.main.id"
                        )),
                        None => Ok(()),
                    }),
                Attr::string("role_definition_id")
                    .optional_computed()
                    .force_new()
                    .check(checks::arm_id_or_role),
                Attr::string("role_definition_name")
                    .optional_computed()
                    .force_new(),
                Attr::string("principal_id")
                    .required()
                    .force_new()
                    .check(checks::guid),
                Attr::string("principal_type")
                    .optional_computed()
                    .force_new()
                    .one_of(&[
                        "User",
                        "Group",
                        "ServicePrincipal",
                        "ForeignGroup",
                        "Device",
                    ]),
                Attr::string("description"),
                Attr::string("condition"),
                Attr::string("condition_version").one_of(&["1.0", "2.0"]),
                Attr::bool("skip_service_principal_aad_check").default(false),
                Attr::string("delegated_managed_identity_resource_id").force_new(),
            ],
            vec![],
        ),
        removed: &[],
        unsupported: &[],
        arm_id: Some(|c: &IdCtx<'_>| {
            Some(format!(
                "{}/providers/Microsoft.Authorization/roleAssignments/{}",
                c.str("scope")?,
                c.str("name")?
            ))
        }),
        derive: Some(derive_role_assignment),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_assignment_names_are_stable_and_case_insensitive() {
        let a = role_assignment_name("/subscriptions/S/rg", "ABC", "b1ff04bb");
        let b = role_assignment_name("/subscriptions/s/RG", "abc", "B1FF04BB");
        assert_eq!(a, b);
        assert!(checks::is_guid(&a));
        assert_ne!(
            a,
            role_assignment_name("/subscriptions/s/rg", "abc", "other")
        );
    }

    #[test]
    fn derives_role_definition_id_and_name_from_a_builtin_role() {
        let mut v: BTreeMap<String, Value> = [
            ("scope", Value::from("/subscriptions/s/resourceGroups/rg")),
            (
                "principal_id",
                Value::from("6a5e1f2b-0000-4c1a-9b1e-1234567890ab"),
            ),
            (
                "role_definition_name",
                Value::from("azure kubernetes service rbac cluster admin"),
            ),
            ("role_definition_id", Value::Unknown),
            ("name", Value::Unknown),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        derive_role_assignment(Some("s"), &mut v);
        assert_eq!(
            v["role_definition_id"],
            Value::from(
                "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"
            )
        );
        assert_eq!(
            v["name"],
            Value::String(role_assignment_name(
                "/subscriptions/s/resourceGroups/rg",
                "6a5e1f2b-0000-4c1a-9b1e-1234567890ab",
                "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"
            ))
        );
    }

    #[test]
    fn an_unknown_principal_leaves_the_name_unknown() {
        let mut v: BTreeMap<String, Value> = [
            ("scope", Value::from("/subscriptions/s")),
            ("principal_id", Value::Unknown),
            ("role_definition_name", Value::from("Reader")),
            ("name", Value::Unknown),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        derive_role_assignment(None, &mut v);
        assert!(v["name"].is_unknown());
    }
}
