//! The example's other resources (user pool, resource group, network, workspace, role
//! assignment) with their exact bodies, and small configurations for the cases the example does
//! not reach: unknown values, absent windows, identities, bare IPs, errors.

use serde_json::json;

use super::*;
use crate::config::eval::tests::run;

fn tags() -> serde_json::Value {
    json!({"cost_center": "platform", "environment": "prod", "managed_by": "aksform"})
}

#[test]
fn the_user_pool() {
    let d = desired_of(
        &example(),
        "module.aks.azurerm_kubernetes_cluster_node_pool.user[\"apps\"]",
    );
    assert_eq!(
        d.id.as_str(),
        id("Microsoft.ContainerService/managedClusters/aks-hardened-prod/agentPools/apps")
    );
    assert_eq!(d.api_family, ApiFamily::ContainerService);
    let expected = json!({"properties": {
        "type": "VirtualMachineScaleSets",
        "mode": "User",
        "osType": "Linux",
        "nodeTaints": [],
        "scaleSetPriority": "Regular",
        "vmSize": "Standard_D4ds_v5",
        "enableAutoScaling": true,
        "count": 2,
        "minCount": 2,
        "maxCount": 10,
        "availabilityZones": ["1", "2", "3"],
        "vnetSubnetID": id("Microsoft.Network/virtualNetworks/vnet-hardened-prod/subnets/snet-hardened-prod-nodes"),
        "orchestratorVersion": "1.33",
        "osDiskType": "Managed",
        "osSKU": "AzureLinux",
        "nodeLabels": {"workload": "apps"},
        "enableEncryptionAtHost": true,
        "enableNodePublicIP": false,
        "enableFIPS": false,
        "tags": tags(),
        "upgradeSettings": {
            "maxSurge": "33%",
            "maxUnavailable": "0",
            "drainTimeoutInMinutes": 30,
            "nodeSoakDurationInMinutes": 0
        }
    }});
    assert_eq!(
        d.body,
        expected,
        "{}",
        serde_json::to_string_pretty(&d.body).unwrap()
    );
    // type and count are sent on create only.
    for create_only in ["/properties/type", "/properties/count"] {
        assert!(!d.managed.iter().any(|m| m == create_only), "{create_only}");
    }
    assert_eq!(
        d.attribute_of("/properties/upgradeSettings/maxUnavailable"),
        Some("upgrade_settings.max_surge")
    );
    assert!(
        d.force_new
            .iter()
            .any(|(p, a)| p == "/properties/osType" && *a == "os_type")
    );
}

#[test]
fn resource_group_network_and_workspace() {
    let l = example();
    let rg = desired_of(&l, "azurerm_resource_group.main");
    assert_eq!(rg.id.as_str(), RG_ID);
    assert_eq!(rg.api_family, ApiFamily::Resources);
    assert_eq!(rg.body, json!({"location": "westeurope", "tags": tags()}));
    assert_eq!(rg.managed, ["/location", "/tags"]);

    let vnet = desired_of(&l, "module.network.azurerm_virtual_network.this");
    assert_eq!(vnet.api_family, ApiFamily::Network);
    assert_eq!(
        vnet.body,
        json!({"location": "westeurope", "tags": tags(),
            "properties": {"addressSpace": {"addressPrefixes": ["10.10.0.0/16"]}}})
    );
    // No inline subnet blocks: the live subnets are never managed (nor wiped).
    assert!(
        !vnet
            .managed
            .iter()
            .any(|m| m.starts_with("/properties/subnets"))
    );
    assert!(
        !vnet
            .managed
            .iter()
            .any(|m| m.starts_with("/properties/dhcpOptions"))
    );

    let subnet = desired_of(&l, "module.network.azurerm_subnet.nodes");
    assert_eq!(
        subnet.body,
        json!({"properties": {
            "addressPrefix": "10.10.0.0/22",
            "serviceEndpoints": [
                {"service": "Microsoft.ContainerRegistry"},
                {"service": "Microsoft.KeyVault"},
                {"service": "Microsoft.Storage"}
            ],
            "privateEndpointNetworkPolicies": "Disabled",
            "privateLinkServiceNetworkPolicies": "Enabled",
            "defaultOutboundAccess": true,
            "delegations": []
        }})
    );
    // One prefix: the singular field; the plural one is managed as absent.
    assert!(
        subnet
            .managed
            .iter()
            .any(|m| m == "/properties/addressPrefixes")
    );
    assert!(
        !subnet
            .managed
            .iter()
            .any(|m| m.contains("networkSecurityGroup"))
    );

    let nsg = desired_of(&l, "module.network.azurerm_network_security_group.nodes");
    assert_eq!(
        nsg.body,
        json!({"location": "westeurope", "tags": tags(), "properties": {"securityRules": [{
            "name": "deny-remote-admin-from-internet",
            "properties": {
                "priority": 4000,
                "direction": "Inbound",
                "access": "Deny",
                "protocol": "Tcp",
                "sourcePortRange": "*",
                "destinationPortRange": "",
                "destinationPortRanges": ["22", "3389"],
                "sourceAddressPrefix": "Internet",
                "destinationAddressPrefix": "*"
            }
        }]}})
    );
    assert_eq!(
        nsg.managed,
        ["/location", "/tags", "/properties/securityRules"]
    );

    let assoc = desired_of(
        &l,
        "module.network.azurerm_subnet_network_security_group_association.nodes",
    );
    assert_eq!(assoc.id, subnet.id);
    assert_eq!(assoc.on_delete, OnDelete::ClearManaged);
    assert_eq!(
        assoc.body,
        json!({"properties": {"networkSecurityGroup": {"id": id("Microsoft.Network/networkSecurityGroups/nsg-hardened-prod-nodes")}}})
    );
    assert_eq!(assoc.managed, ["/properties/networkSecurityGroup/id"]);

    let ws = desired_of(&l, "module.aks.azurerm_log_analytics_workspace.this");
    assert_eq!(ws.api_family, ApiFamily::OperationalInsights);
    assert_eq!(
        ws.body,
        json!({"location": "westeurope", "tags": tags(), "properties": {
            "sku": {"name": "PerGB2018"},
            "retentionInDays": 30,
            "workspaceCapping": {"dailyQuotaGb": -1},
            "features": {
                "enableLogAccessUsingOnlyResourcePermissions": true,
                "disableLocalAuth": false
            },
            "publicNetworkAccessForIngestion": "Enabled",
            "publicNetworkAccessForQuery": "Enabled"
        }})
    );
}

#[test]
fn the_role_assignment_has_a_deterministic_id() {
    let l = example();
    let addr = "azurerm_role_assignment.cluster_admins[\"6a5e1f2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b\"]";
    let d = desired_of(&l, addr);
    let scope = id("Microsoft.ContainerService/managedClusters/aks-hardened-prod");
    let role = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";
    let principal = "6a5e1f2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
    let namespace = uuid::uuid!("11fb06fb-712d-4ddd-98c7-e71bbd588830");
    let key = format!("{}|{principal}|{role}", scope.to_ascii_lowercase());
    let name = uuid::Uuid::new_v5(&namespace, key.as_bytes());
    assert_eq!(
        d.id.as_str(),
        format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}")
    );
    assert_eq!(d.id.scope().map(|s| s.to_string()), Some(scope));
    assert_eq!(d.api_family, ApiFamily::Authorization);
    assert_eq!(
        d.body,
        json!({"properties": {
            "roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{role}"),
            "principalId": principal,
            "principalType": "Group"
        }})
    );
    assert!(d.unknown.is_empty());
    assert_eq!(
        d.attribute_of("/properties/roleDefinitionId"),
        Some("role_definition_name")
    );
    // Evaluating again gives the same id.
    assert_eq!(desired_of(&example(), addr).id, d.id);
}

const SMALL: &str = r#"
resource "azurerm_kubernetes_cluster" "c" {
  name                = "aks"
  location            = "West Europe"
  resource_group_name = "rg"
  dns_prefix          = "aks"
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D2s_v5"
    node_count = 2
  }
  identity {
    type         = "UserAssigned"
    identity_ids = ["/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1"]
  }
  api_server_access_profile {
    authorized_ip_ranges = ["198.51.100.7", "203.0.113.0/24"]
  }
}
resource "azurerm_role_assignment" "pull" {
  name                 = "c3a1d6a0-3d43-4b8e-a3f8-1f0b0e6d2c11"
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg"
  role_definition_name = "AcrPull"
  principal_id         = azurerm_kubernetes_cluster.c.kubelet_identity[0].object_id
}
resource "azurerm_role_assignment" "nameless" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg"
  role_definition_name = "AcrPull"
  principal_id         = azurerm_kubernetes_cluster.c.kubelet_identity[0].object_id
}
resource "azurerm_role_assignment" "custom" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg"
  role_definition_name = "Cluster Operators"
  principal_id         = "4f3c2b1a-0000-4000-8000-000000000001"
}
resource "azurerm_subnet" "wide" {
  name                 = "wide"
  resource_group_name  = "rg"
  virtual_network_name = "vnet"
  address_prefixes     = ["10.0.0.0/24", "10.0.1.0/24"]
}
data "azurerm_client_config" "current" {}
"#;

#[test]
fn a_small_cluster_without_optional_blocks() {
    let r = run(SMALL);
    assert!(r.errors().is_empty(), "{:?}", r.errors());
    let d = desired(r.resource("azurerm_kubernetes_cluster.c")).unwrap();
    let at = |p: &str| d.body.pointer(p).cloned();
    assert_eq!(at("/location"), Some(json!("westeurope")));
    assert_eq!(at("/sku"), Some(json!({"name": "Base", "tier": "Free"})));
    let identity_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1";
    assert_eq!(
        at("/identity"),
        Some(json!({"type": "UserAssigned", "userAssignedIdentities": {identity_id: {}}}))
    );
    assert_eq!(
        at("/properties/autoUpgradeProfile/upgradeChannel"),
        Some(json!("none"))
    );
    // Bare IPs get /32, as AKS returns them.
    assert_eq!(
        at("/properties/apiServerAccessProfile/authorizedIPRanges"),
        Some(json!(["198.51.100.7/32", "203.0.113.0/24"]))
    );
    // Absent feature blocks are managed as off; absent Optional+Computed blocks are not managed.
    assert_eq!(
        at("/properties/addonProfiles"),
        Some(json!({
            "azurepolicy": {"enabled": false},
            "omsagent": {"enabled": false},
            "azureKeyvaultSecretsProvider": {"enabled": false}
        }))
    );
    assert_eq!(
        at("/properties/securityProfile/defender"),
        Some(json!({"securityMonitoring": {"enabled": false}}))
    );
    assert_eq!(at("/properties/networkProfile"), None);
    assert_eq!(at("/properties/aadProfile"), None);
    assert_eq!(at("/properties/kubernetesVersion"), None);
    // Without autoscaling, count is managed and min/max are managed as absent.
    assert_eq!(at("/properties/agentPoolProfiles/0/count"), Some(json!(2)));
    for p in ["count", "minCount", "maxCount"] {
        let ptr = format!("/properties/agentPoolProfiles/0/{p}");
        assert!(d.managed.contains(&ptr), "{ptr}");
    }
    assert_eq!(at("/properties/agentPoolProfiles/0/minCount"), None);
    assert_eq!(at("/properties/agentPoolProfiles/0/upgradeSettings"), None);
    // No window blocks: both configurations must not exist.
    assert!(d.children.is_empty());
    let absent: Vec<&str> = d.absent.iter().map(|a| a.name()).collect();
    assert_eq!(
        absent,
        [
            "aksManagedAutoUpgradeSchedule",
            "aksManagedNodeOSUpgradeSchedule"
        ]
    );
}

#[test]
fn unknown_principals_and_custom_roles() {
    let r = run(SMALL);
    let pull = desired(r.resource("azurerm_role_assignment.pull")).unwrap();
    assert_eq!(pull.unknown, ["/properties/principalId"]);
    assert!(pull.managed.iter().any(|m| m == "/properties/principalId"));
    assert_eq!(pull.body.pointer("/properties/principalId"), None);
    assert!(pull.is_unknown("/properties/principalId"));
    assert!(pull.is_unknown("/properties"));
    assert!(!pull.is_unknown("/properties/roleDefinitionId"));
    assert!(
        pull.body["properties"]["roleDefinitionId"]
            .as_str()
            .unwrap()
            .ends_with("/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d")
    );
    // Without a name, the id derives from the unknown principal.
    let err = desired(r.resource("azurerm_role_assignment.nameless")).unwrap_err();
    assert!(matches!(err, MapError::UnknownId { .. }), "{err}");
    assert!(err.to_string().contains("not known until apply"), "{err}");
    // A custom role needs a lookup: its definition id is unknown until then.
    let custom = desired(r.resource("azurerm_role_assignment.custom")).unwrap();
    assert_eq!(custom.unknown, ["/properties/roleDefinitionId"]);
    assert_eq!(
        custom.attribute_of("/properties/roleDefinitionId"),
        Some("role_definition_name")
    );
}

#[test]
fn several_prefixes_use_the_plural_field() {
    let r = run(SMALL);
    let d = desired(r.resource("azurerm_subnet.wide")).unwrap();
    assert_eq!(
        d.body.pointer("/properties/addressPrefixes"),
        Some(&json!(["10.0.0.0/24", "10.0.1.0/24"]))
    );
    assert_eq!(d.body.pointer("/properties/addressPrefix"), None);
    assert!(d.managed.iter().any(|m| m == "/properties/addressPrefix"));
}

#[test]
fn data_sources_and_bad_values_are_errors() {
    let r = run(SMALL);
    let err = desired(r.resource("data.azurerm_client_config.current")).unwrap_err();
    assert!(matches!(err, MapError::UnsupportedType { .. }), "{err}");
    let spot = run(r#"
resource "azurerm_kubernetes_cluster_node_pool" "p" {
  name                  = "spot"
  kubernetes_cluster_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks"
  vm_size               = "Standard_D2s_v5"
  eviction_policy       = "Delete"
}
"#);
    let err = desired(spot.resource("azurerm_kubernetes_cluster_node_pool.p")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "azurerm_kubernetes_cluster_node_pool.p: eviction_policy: an eviction policy needs priority = \"Spot\""
    );
}

#[test]
fn spot_pools_send_eviction_and_price() {
    let r = run(r#"
resource "azurerm_kubernetes_cluster_node_pool" "p" {
  name                  = "spot"
  kubernetes_cluster_id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks"
  vm_size               = "Standard_D2s_v5"
  priority              = "Spot"
  eviction_policy       = "Delete"
  node_taints           = ["kubernetes.azure.com/scalesetpriority=spot:NoSchedule"]
  upgrade_settings {
    max_unavailable = "1"
  }
}
"#);
    assert!(r.errors().is_empty(), "{:?}", r.errors());
    let d = desired(r.resource("azurerm_kubernetes_cluster_node_pool.p")).unwrap();
    let p = &d.body["properties"];
    assert_eq!(p["scaleSetPriority"], "Spot");
    assert_eq!(p["scaleSetEvictionPolicy"], "Delete");
    assert_eq!(p["spotMaxPrice"], -1);
    assert_eq!(
        p["nodeTaints"],
        json!(["kubernetes.azure.com/scalesetpriority=spot:NoSchedule"])
    );
    assert_eq!(
        p["upgradeSettings"],
        json!({"maxUnavailable": "1", "maxSurge": "0", "drainTimeoutInMinutes": 0, "nodeSoakDurationInMinutes": 0})
    );
    assert!(p.get("count").is_none());
}
