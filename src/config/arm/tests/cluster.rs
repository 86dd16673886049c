//! The example's cluster: its whole body, each casing trap on its own, the managed and
//! replacing pointers, the default pool as an agent pool resource, and the maintenance windows.

use serde_json::json;

use super::*;
use crate::config::schema::ForceNew;

fn workspace_id() -> String {
    id("Microsoft.OperationalInsights/workspaces/log-aks-hardened-prod")
}

fn subnet_id() -> String {
    id("Microsoft.Network/virtualNetworks/vnet-hardened-prod/subnets/snet-hardened-prod-nodes")
}

fn cluster_id() -> String {
    id("Microsoft.ContainerService/managedClusters/aks-hardened-prod")
}

fn tags() -> serde_json::Value {
    json!({"cost_center": "platform", "environment": "prod", "managed_by": "aksform"})
}

#[test]
fn the_example_cluster_maps_to_this_body() {
    let d = desired_of(&example(), CLUSTER);
    assert_eq!(d.id.as_str(), cluster_id());
    assert_eq!(d.api_family, ApiFamily::ContainerService);
    assert_eq!(d.on_delete, OnDelete::Delete);
    let expected = json!({
        "location": "westeurope",
        "tags": tags(),
        "sku": {"name": "Base", "tier": "Standard"},
        "identity": {"type": "SystemAssigned"},
        "properties": {
            "kubernetesVersion": "1.33",
            "dnsPrefix": "aks-hardened-prod",
            "enableRBAC": true,
            "disableLocalAccounts": true,
            "supportPlan": "KubernetesOfficial",
            "servicePrincipalProfile": {"clientId": "msi"},
            "autoUpgradeProfile": {"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"},
            "oidcIssuerProfile": {"enabled": true},
            "metricsProfile": {"costAnalysis": {"enabled": false}},
            "securityProfile": {
                "workloadIdentity": {"enabled": true},
                "imageCleaner": {"enabled": true, "intervalHours": 48},
                "defender": {
                    "logAnalyticsWorkspaceResourceId": workspace_id(),
                    "securityMonitoring": {"enabled": true}
                }
            },
            "apiServerAccessProfile": {
                "enablePrivateCluster": false,
                "enablePrivateClusterPublicFQDN": false,
                "disableRunCommand": true,
                "authorizedIPRanges": ["203.0.113.0/24"],
                "enableVnetIntegration": false
            },
            "addonProfiles": {
                "azurepolicy": {"enabled": true, "config": {"version": "v2"}},
                "omsagent": {
                    "enabled": true,
                    "config": {
                        "logAnalyticsWorkspaceResourceID": workspace_id(),
                        "useAADAuth": "true"
                    }
                },
                "azureKeyvaultSecretsProvider": {"enabled": false}
            },
            "aadProfile": {
                "managed": true,
                "enableAzureRBAC": true,
                "adminGroupObjectIDs": ["6a5e1f2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"]
            },
            "networkProfile": {
                "networkPlugin": "azure",
                "networkPluginMode": "overlay",
                "networkPolicy": "azure",
                "networkDataplane": "azure",
                "podCidr": "192.168.0.0/16",
                "serviceCidr": "172.16.0.0/16",
                "dnsServiceIP": "172.16.0.10",
                "outboundType": "loadBalancer",
                "loadBalancerSku": "standard"
            },
            "agentPoolProfiles": [default_pool_body()]
        }
    });
    assert_eq!(
        d.body,
        expected,
        "{}",
        serde_json::to_string_pretty(&d.body).unwrap()
    );
}

/// The default pool inside the cluster body.
fn default_pool_body() -> serde_json::Value {
    json!({
        "name": "system",
        "mode": "System",
        "osType": "Linux",
        "type": "VirtualMachineScaleSets",
        "vmSize": "Standard_D4ds_v5",
        "count": 3,
        "enableAutoScaling": true,
        "minCount": 3,
        "maxCount": 5,
        "availabilityZones": ["1", "2", "3"],
        "vnetSubnetID": subnet_id(),
        "orchestratorVersion": "1.33",
        "nodeTaints": ["CriticalAddonsOnly=true:NoSchedule"],
        "osDiskType": "Ephemeral",
        "osSKU": "AzureLinux",
        "enableEncryptionAtHost": true,
        "enableNodePublicIP": false,
        "enableFIPS": false,
        "tags": {},
        "upgradeSettings": {
            "maxSurge": "33%",
            "drainTimeoutInMinutes": 30,
            "nodeSoakDurationInMinutes": 0
        }
    })
}

#[test]
fn casing_traps_one_by_one() {
    let d = desired_of(&example(), CLUSTER);
    let at = |p: &str| d.body.pointer(p).cloned();
    // Defender: "ResourceId"; omsagent: "ResourceID".
    assert_eq!(
        at("/properties/securityProfile/defender/logAnalyticsWorkspaceResourceId"),
        Some(json!(workspace_id()))
    );
    assert_eq!(
        at("/properties/securityProfile/defender/logAnalyticsWorkspaceResourceID"),
        None
    );
    assert_eq!(
        at("/properties/addonProfiles/omsagent/config/logAnalyticsWorkspaceResourceID"),
        Some(json!(workspace_id()))
    );
    assert_eq!(
        at("/properties/addonProfiles/omsagent/config/logAnalyticsWorkspaceResourceId"),
        None
    );
    // useAADAuth is a string, not a bool.
    assert_eq!(
        at("/properties/addonProfiles/omsagent/config/useAADAuth"),
        Some(json!("true"))
    );
    for ptr in [
        "/properties/enableRBAC",
        "/properties/aadProfile/enableAzureRBAC",
        "/properties/aadProfile/adminGroupObjectIDs",
        "/properties/apiServerAccessProfile/authorizedIPRanges",
        "/properties/apiServerAccessProfile/enablePrivateClusterPublicFQDN",
        "/properties/autoUpgradeProfile/nodeOSUpgradeChannel",
        "/properties/networkProfile/networkDataplane",
        "/properties/networkProfile/dnsServiceIP",
        "/properties/agentPoolProfiles/0/vnetSubnetID",
        "/properties/agentPoolProfiles/0/osSKU",
        "/properties/agentPoolProfiles/0/enableFIPS",
        "/properties/agentPoolProfiles/0/enableNodePublicIP",
    ] {
        assert!(at(ptr).is_some(), "{ptr} is missing");
        assert!(d.managed.iter().any(|m| m == ptr), "{ptr} is not managed");
    }
    for wrong in [
        "/properties/enableRbac",
        "/properties/networkProfile/networkDataPlane",
        "/properties/networkProfile/dnsServiceIp",
        "/properties/agentPoolProfiles/0/vnetSubnetId",
        "/properties/agentPoolProfiles/0/osSku",
    ] {
        assert_eq!(at(wrong), None, "{wrong}");
    }
    // Inverted bools.
    assert_eq!(
        at("/properties/apiServerAccessProfile/disableRunCommand"),
        Some(json!(true))
    );
    assert_eq!(
        at("/properties/agentPoolProfiles/0/nodeTaints"),
        Some(json!(["CriticalAddonsOnly=true:NoSchedule"]))
    );
    // No read-only field is ever sent.
    for ro in [
        "/id",
        "/name",
        "/eTag",
        "/identity/principalId",
        "/properties/provisioningState",
        "/properties/currentKubernetesVersion",
        "/properties/fqdn",
        "/properties/identityProfile",
        "/properties/oidcIssuerProfile/issuerURL",
        "/properties/agentPoolProfiles/0/currentOrchestratorVersion",
    ] {
        assert_eq!(at(ro), None, "{ro}");
    }
}

#[test]
fn managed_pointers_and_replacements() {
    let d = desired_of(&example(), CLUSTER);
    assert!(d.unknown.is_empty(), "{:?}", d.unknown);
    // Every managed pointer has an attribute; every body leaf is managed, except the count of
    // the autoscaled pool, sent on create only.
    assert_eq!(d.managed.len(), d.attributes.len());
    let count = "/properties/agentPoolProfiles/0/count";
    assert!(!d.managed.iter().any(|m| m == count));
    assert_eq!(d.body.pointer(count), Some(&json!(3)));
    for (ptr, _) in &d.attributes {
        assert!(d.managed.contains(ptr));
    }
    // Not managed: left to Azure (Optional+Computed and unset).
    for free in [
        "/properties/nodeResourceGroup",
        "/properties/networkProfile/networkMode",
        "/properties/agentPoolProfiles/0/maxPods",
        "/properties/agentPoolProfiles/0/osDiskSizeGB",
        "/properties/agentPoolProfiles/0/nodeLabels",
        "/properties/aadProfile/tenantID",
        "/properties/apiServerAccessProfile/privateDNSZone",
    ] {
        assert!(!d.managed.iter().any(|m| m == free), "{free}");
    }
    let kind = |ptr: &str| {
        let attr = d
            .force_new
            .iter()
            .find(|(p, _)| p == ptr)
            .map(|(_, a)| *a)
            .unwrap_or_else(|| panic!("{ptr} does not force a replacement"));
        (attr, force_new_rule("azurerm_kubernetes_cluster", attr))
    };
    assert_eq!(kind("/location"), ("location", ForceNew::Always));
    assert_eq!(
        kind("/properties/enableRBAC"),
        ("role_based_access_control_enabled", ForceNew::Always)
    );
    assert_eq!(
        kind("/properties/agentPoolProfiles/0/vmSize"),
        ("default_node_pool.vm_size", ForceNew::Rotation)
    );
    assert_eq!(
        kind("/properties/agentPoolProfiles/0/nodeTaints").0,
        "default_node_pool.only_critical_addons_enabled"
    );
    assert!(matches!(
        kind("/properties/agentPoolProfiles/0/upgradeSettings/drainTimeoutInMinutes").1,
        ForceNew::Conditional(_)
    ));
    assert!(matches!(
        kind("/properties/networkProfile/networkPolicy").1,
        ForceNew::Conditional(_)
    ));
    for in_place in [
        "/properties/kubernetesVersion",
        "/sku/tier",
        "/properties/autoUpgradeProfile/upgradeChannel",
        "/properties/agentPoolProfiles/0/minCount",
        "/properties/apiServerAccessProfile/authorizedIPRanges",
    ] {
        assert!(
            !d.force_new.iter().any(|(p, _)| p == in_place),
            "{in_place}"
        );
    }
    assert_eq!(
        d.attribute_of("/properties/apiServerAccessProfile/disableRunCommand"),
        Some("run_command_enabled")
    );
}

#[test]
fn the_default_pool_as_an_agent_pool_resource() {
    let d = desired_of(&example(), CLUSTER);
    let pool = d.default_pool().expect("a default pool");
    assert_eq!(
        pool.id.as_str(),
        format!("{}/agentPools/system", cluster_id())
    );
    let mut props = default_pool_body();
    props.as_object_mut().unwrap().remove("name");
    assert_eq!(pool.body, json!({ "properties": props }));
    assert!(pool.managed.iter().all(|p| p.starts_with("/properties/")));
    assert!(pool.managed.iter().any(|p| p == "/properties/vmSize"));
    assert!(!pool.managed.iter().any(|p| p == "/properties/name"));
    assert!(
        pool.force_new
            .iter()
            .any(|(p, a)| p == "/properties/vmSize" && *a == "default_node_pool.vm_size")
    );
    assert!(pool.children.is_empty());
    let rg = desired_of(&example(), "azurerm_resource_group.main");
    assert!(rg.default_pool().is_none());
}

#[test]
fn maintenance_windows_are_children() {
    let d = desired_of(&example(), CLUSTER);
    assert!(d.absent.is_empty());
    let names: Vec<&str> = d.children.iter().map(|c| c.id.name()).collect();
    assert_eq!(
        names,
        [
            "aksManagedAutoUpgradeSchedule",
            "aksManagedNodeOSUpgradeSchedule"
        ]
    );
    let window = |day: &str| {
        json!({"properties": {"maintenanceWindow": {
            "schedule": {"weekly": {"intervalWeeks": 1, "dayOfWeek": day}},
            "durationHours": 4,
            "startTime": "02:00",
            "utcOffset": "+00:00",
            "notAllowedDates": []
        }}})
    };
    assert_eq!(d.children[0].body, window("Sunday"));
    assert_eq!(d.children[1].body, window("Saturday"));
    let c = &d.children[0];
    assert_eq!(
        c.id.as_str(),
        format!(
            "{}/maintenanceConfigurations/aksManagedAutoUpgradeSchedule",
            cluster_id()
        )
    );
    assert_eq!(c.api_family, ApiFamily::ContainerService);
    assert_eq!(
        c.managed,
        [
            "/properties/maintenanceWindow/schedule",
            "/properties/maintenanceWindow/durationHours",
            "/properties/maintenanceWindow/startTime",
            "/properties/maintenanceWindow/utcOffset",
            "/properties/maintenanceWindow/notAllowedDates",
        ]
    );
    assert_eq!(
        c.attribute_of("/properties/maintenanceWindow/schedule"),
        Some("maintenance_window_auto_upgrade.frequency")
    );
    assert!(c.force_new.is_empty());
}
