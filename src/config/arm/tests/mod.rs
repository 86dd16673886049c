//! Tests of the azurerm ↔ ARM mapping, over the example configuration
//! (`examples/hardened-cluster` with `modules/hardened-aks` and `modules/network`) evaluated by
//! the crate's own pipeline, and over small configurations evaluated with the eval test helper.
//! This file holds the shared helpers and the tests of `field_matches` and of odd input.

use std::path::Path;

use super::*;
use crate::config::eval::ResourceInstance;
use crate::config::fs::MemFs;
use crate::config::pipeline::{LoadOptions, Loaded, load};

pub(crate) const SUB: &str = "00000000-0000-0000-0000-000000000001";

/// The example's files, as the repository has them.
const FILES: &[(&str, &str)] = &[
    (
        "examples/hardened-cluster/main.tf",
        include_str!("../../../../examples/hardened-cluster/main.tf"),
    ),
    (
        "examples/hardened-cluster/variables.tf",
        include_str!("../../../../examples/hardened-cluster/variables.tf"),
    ),
    (
        "examples/hardened-cluster/outputs.tf",
        include_str!("../../../../examples/hardened-cluster/outputs.tf"),
    ),
    (
        "examples/hardened-cluster/terraform.tfvars",
        include_str!("../../../../examples/hardened-cluster/terraform.tfvars"),
    ),
    (
        "modules/hardened-aks/main.tf",
        include_str!("../../../../modules/hardened-aks/main.tf"),
    ),
    (
        "modules/hardened-aks/variables.tf",
        include_str!("../../../../modules/hardened-aks/variables.tf"),
    ),
    (
        "modules/hardened-aks/outputs.tf",
        include_str!("../../../../modules/hardened-aks/outputs.tf"),
    ),
    (
        "modules/network/main.tf",
        include_str!("../../../../modules/network/main.tf"),
    ),
    (
        "modules/network/variables.tf",
        include_str!("../../../../modules/network/variables.tf"),
    ),
    (
        "modules/network/outputs.tf",
        include_str!("../../../../modules/network/outputs.tf"),
    ),
];

/// The example, evaluated with a known subscription.
pub(crate) fn example() -> Loaded {
    example_with(&crate::config::eval::NoData)
}

/// The example, evaluated with a known subscription and what `data` knows.
pub(crate) fn example_with(data: &dyn crate::config::eval::DataResolver) -> Loaded {
    let mut fs = MemFs::new();
    for (path, text) in FILES {
        fs.insert(*path, *text);
    }
    let loaded = load(
        &fs,
        Path::new("examples/hardened-cluster"),
        &LoadOptions {
            subscription_id: Some(SUB.to_string()),
            data,
            ..LoadOptions::default()
        },
    );
    let errors: Vec<_> = loaded
        .diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.summary.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    loaded
}

/// One instance of the example by address.
pub(crate) fn instance<'a>(loaded: &'a Loaded, addr: &str) -> &'a ResourceInstance {
    let all: Vec<String> = loaded
        .evaluated
        .resources
        .iter()
        .map(|r| r.addr.to_string())
        .collect();
    loaded
        .evaluated
        .resources
        .iter()
        .find(|r| r.addr.to_string() == addr)
        .unwrap_or_else(|| panic!("no {addr} in {all:?}"))
}

/// The example's `desired` of one address.
pub(crate) fn desired_of(loaded: &Loaded, addr: &str) -> Desired {
    desired(instance(loaded, addr)).unwrap_or_else(|e| panic!("{addr}: {e}"))
}

/// The cluster of the example.
pub(crate) const CLUSTER: &str = "module.aks.azurerm_kubernetes_cluster.this";

/// Ids of the example.
pub(crate) const RG_ID: &str =
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-hardened-prod";

pub(crate) fn id(rest: &str) -> String {
    format!("{RG_ID}/providers/{rest}")
}

mod cluster;
mod readback;
mod resources;
mod roundtrip;

#[test]
fn field_matches_applies_the_read_back_rules() {
    use serde_json::json;
    let desired = json!({
        "location": "westeurope",
        "identity": {"userAssignedIdentities": {"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/a": {}}},
        "properties": {
            "kubernetesVersion": "1.33",
            "roleDefinitionId": "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/abc",
            "serviceEndpoints": [{"service": "Microsoft.Storage"}],
            "addonProfiles": {"omsagent": {"config": {"useAADAuth": "true"}}},
            "agentPoolProfiles": [{"name": "system", "vmSize": "Standard_D4ds_v5", "upgradeSettings": {"maxSurge": "33%"}}],
            "upgradeSettings": {"maxUnavailable": "0"},
            "maintenanceWindow": {"startDate": "2026-01-05", "durationHours": 4},
            "scaleSetPriority": "Regular",
            "spotMaxPrice": -1
        }
    });
    let live = json!({
        "location": "West Europe",
        "identity": {"userAssignedIdentities": {"/subscriptions/s/resourcegroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/a": {"principalId": "p", "clientId": "c"}}},
        "properties": {
            "kubernetesVersion": "1.33.5",
            "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/ABC",
            "serviceEndpoints": [{"service": "Microsoft.Storage", "locations": ["westeurope"]}],
            "addonProfiles": {"omsAgent": {"config": {"useAADAuth": "True"}}},
            "agentPoolProfiles": [
                {"name": "apps", "vmSize": "Standard_D8ds_v5"},
                {"name": "system", "vmSize": "standard_d4ds_v5", "upgradeSettings": {"maxSurge": "33%"}}
            ],
            "maintenanceWindow": {"startDate": "2026-01-05T00:00:00Z", "durationHours": 4.0}
        }
    });
    for ptr in [
        "/location",
        "/identity/userAssignedIdentities",
        "/properties/kubernetesVersion",
        "/properties/roleDefinitionId",
        "/properties/serviceEndpoints",
        "/properties/addonProfiles/omsagent/config/useAADAuth",
        "/properties/agentPoolProfiles/0/vmSize",
        "/properties/agentPoolProfiles/0/upgradeSettings/maxSurge",
        "/properties/upgradeSettings/maxUnavailable",
        "/properties/maintenanceWindow/startDate",
        "/properties/maintenanceWindow/durationHours",
        "/properties/scaleSetPriority",
        "/properties/spotMaxPrice",
    ] {
        assert!(field_matches(ptr, &desired, &live), "{ptr}");
    }
    // And what is different is different.
    let mut other = live.clone();
    other["properties"]["kubernetesVersion"] = json!("1.34.1");
    other["properties"]["agentPoolProfiles"][1]["vmSize"] = json!("Standard_D8ds_v5");
    other["properties"]["serviceEndpoints"] = json!([]);
    other["properties"]["scaleSetPriority"] = json!("Spot");
    other["properties"]["addonProfiles"]["omsAgent"]["config"]["useAADAuth"] = json!("false");
    for ptr in [
        "/properties/kubernetesVersion",
        "/properties/agentPoolProfiles/0/vmSize",
        "/properties/serviceEndpoints",
        "/properties/scaleSetPriority",
        "/properties/addonProfiles/omsagent/config/useAADAuth",
    ] {
        assert!(!field_matches(ptr, &desired, &other), "{ptr}");
    }
    // A pool that does not exist yet matches nothing.
    let mut renamed = desired.clone();
    renamed["properties"]["agentPoolProfiles"][0]["name"] = json!("sys2");
    assert!(!field_matches(
        "/properties/agentPoolProfiles/0/vmSize",
        &renamed,
        &live
    ));
}

#[test]
fn subnet_prefixes_and_rules_compare_as_azure_returns_them() {
    use serde_json::json;
    let one = json!({"properties": {"addressPrefix": "10.0.0.0/24"}});
    let plural = json!({"properties": {"addressPrefixes": ["10.0.0.0/24"]}});
    let two = json!({"properties": {"addressPrefixes": ["10.0.1.0/24", "10.0.0.0/24"]}});
    for ptr in ["/properties/addressPrefix", "/properties/addressPrefixes"] {
        assert!(field_matches(ptr, &one, &plural));
        assert!(!field_matches(ptr, &one, &two));
    }
    let rule = |protocol: &str, priority: u32, ranges: serde_json::Value| {
        json!({"properties": {"securityRules": [{"name": "r", "properties": {
            "priority": priority, "direction": "Inbound", "access": "Deny", "protocol": protocol,
            "sourcePortRange": "*", "destinationPortRange": "", "destinationPortRanges": ranges,
            "sourceAddressPrefix": "Internet", "destinationAddressPrefix": "*"}}]}})
    };
    let want = rule("Tcp", 4000, json!(["22", "3389"]));
    let ptr = "/properties/securityRules";
    assert!(field_matches(
        ptr,
        &want,
        &rule("TCP", 4000, json!(["3389", "22"]))
    ));
    assert!(!field_matches(
        ptr,
        &want,
        &rule("Tcp", 4001, json!(["22", "3389"]))
    ));
    assert!(!field_matches(
        ptr,
        &want,
        &rule("Tcp", 4000, json!(["22"]))
    ));
    assert!(!field_matches(
        ptr,
        &want,
        &json!({"properties": {"securityRules": []}})
    ));
}

#[test]
fn odd_input_never_panics() {
    use serde_json::json;
    let odd = [
        json!(null),
        json!(7),
        json!("x"),
        json!([1, 2]),
        json!({"id": 5, "name": [], "properties": "p", "location": {}}),
        json!({"id": "/subscriptions", "properties": {"agentPoolProfiles": {"a": 1}, "addonProfiles": [],
            "maintenanceWindow": {"schedule": {"weekly": 3}}, "securityRules": [null, 1, {"properties": 2}]}}),
    ];
    let types = [
        "azurerm_resource_group",
        "azurerm_virtual_network",
        "azurerm_subnet",
        "azurerm_network_security_group",
        "azurerm_subnet_network_security_group_association",
        "azurerm_log_analytics_workspace",
        "azurerm_kubernetes_cluster",
        "azurerm_kubernetes_cluster_node_pool",
        "azurerm_role_assignment",
        "nope",
    ];
    for body in &odd {
        for t in types {
            let _ = from_arm(t, body);
        }
        let _ = cluster_from_arm(body, std::slice::from_ref(body), Some("x"));
        let _ = maintenance_window_from_arm(body);
        for other in &odd {
            for ptr in [
                "",
                "/",
                "/properties/agentPoolProfiles/0/vmSize",
                "/properties/securityRules",
                "/properties/addressPrefix",
                "/x/~1/0",
                "/location",
            ] {
                let _ = field_matches(ptr, body, other);
            }
        }
    }
}
