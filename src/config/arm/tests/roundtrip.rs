//! Round trips: the example's desired bodies, as a live GET returns them (read-only fields
//! added, casing and defaults changed the way Azure changes them), read back with `from_arm`,
//! give the values the configuration wrote, and `field_matches` finds no difference.

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use super::*;
use crate::config::value::Value;

/// The value of `attr` (dotted, block indices implied) in an attribute map.
fn at(values: &BTreeMap<String, Value>, attr: &str) -> Value {
    let mut segs = attr.split('.');
    let Some(mut v) = segs.next().and_then(|s| values.get(s)) else {
        return Value::Null;
    };
    for seg in segs {
        let first = match v {
            Value::List(items) => items.first(),
            other => Some(other),
        };
        match first.and_then(|m| m.get(seg)) {
            Some(next) => v = next,
            None => return Value::Null,
        }
    }
    v.clone()
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::List(l) | Value::Set(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

/// Whether a configured and a read-back value mean the same, with the normalisations the
/// planner applies (ids and locations, CIDRs, version aliases, dates, sets).
fn equivalent(attr: &str, config: &Value, live: &Value) -> bool {
    let leaf = attr.rsplit('.').next().unwrap_or(attr);
    match (config, live) {
        _ if is_empty(config) && is_empty(live) => true,
        // A block: present on both sides.
        (Value::List(a), Value::List(b)) if a.iter().chain(b).all(|v| v.as_map().is_some()) => {
            a.is_empty() == b.is_empty()
        }
        (Value::List(a) | Value::Set(a), Value::List(b) | Value::Set(b)) => {
            let norm = |l: &[Value]| {
                let mut v: Vec<String> = l
                    .iter()
                    .map(|x| match x.as_str() {
                        Some(s) if leaf.contains("ip_ranges") => normalize::canonical_cidr(s),
                        Some(s) => s.to_ascii_lowercase(),
                        None => x.to_string(),
                    })
                    .collect();
                v.sort();
                v
            };
            norm(a) == norm(b)
        }
        (Value::Map(a), Value::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| equivalent(k, v, w)))
        }
        (Value::String(a), Value::String(b)) => {
            if leaf == "location" {
                normalize::locations_equal(a, b)
            } else if leaf.ends_with("_version") {
                normalize::k8s_version_matches(a, b)
            } else if leaf.ends_with("id") || leaf.ends_with("_id") {
                normalize::ids_equal(a, b)
            } else if leaf.contains("date") || leaf == "start" || leaf == "end" {
                normalize::date_part(a) == normalize::date_part(b)
            } else {
                a == b
            }
        }
        (Value::Number(a), Value::Number(b)) => a == b,
        _ => config == live,
    }
}

/// The managed pointers of `d` whose attribute differs between `config` and `live`, or whose
/// value differs between `d.body` and `live_body` (each is reported once).
fn mismatches(
    d: &Desired,
    config: &BTreeMap<String, Value>,
    live: &BTreeMap<String, Value>,
    live_body: &Json,
) -> Vec<String> {
    let mut out = Vec::new();
    for (ptr, attr) in &d.attributes {
        // The built-in role table is private to the schema: compare the resolved id.
        let attr = if *attr == "role_definition_name" {
            "role_definition_id"
        } else {
            attr
        };
        let (c, l) = (at(config, attr), at(live, attr));
        if !equivalent(attr, &c, &l) {
            out.push(format!("{attr} ({ptr}): config {c} != live {l}"));
        } else if !field_matches(ptr, &d.body, live_body) {
            out.push(format!(
                "{ptr}: {:?} != {:?}",
                d.body.pointer(ptr),
                normalize::pointer_ci(live_body, ptr)
            ));
        }
    }
    out
}

/// No managed attribute or pointer differs.
fn assert_round_trip(
    d: &Desired,
    config: &BTreeMap<String, Value>,
    live: &BTreeMap<String, Value>,
    live_body: &Json,
) {
    let m = mismatches(d, config, live, live_body);
    assert!(m.is_empty(), "{m:#?}");
}

fn ws() -> String {
    // Azure returns the workspace id with another casing of the group segment.
    format!(
        "/subscriptions/{SUB}/resourcegroups/rg-hardened-prod/providers/Microsoft.OperationalInsights/workspaces/log-aks-hardened-prod"
    )
}

fn subnet() -> String {
    format!(
        "/subscriptions/{SUB}/resourcegroups/rg-hardened-prod/providers/Microsoft.Network/virtualNetworks/vnet-hardened-prod/subnets/snet-hardened-prod-nodes"
    )
}

/// A GET of the example's cluster, modelled on `ManagedClustersGet.json` (2026-08-01) and the
/// emulator's responses.
pub(crate) fn live_cluster() -> Json {
    let cluster = id("Microsoft.ContainerService/managedClusters/aks-hardened-prod");
    let node_rg = "MC_rg-hardened-prod_aks-hardened-prod_westeurope";
    let identity = |name: &str| {
        json!({
            "resourceId": format!("/subscriptions/{SUB}/resourcegroups/{node_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"),
            "clientId": "2f9c1a3e-0c4b-4c5d-9e8f-0a1b2c3d4e5f",
            "objectId": "7d8e9f00-1a2b-4c3d-8e4f-5a6b7c8d9e0f"
        })
    };
    let pool = |name: &str, mode: &str, count: u32, min: u32, max: u32| {
        json!({
            "name": name, "count": count, "vmSize": "Standard_D4ds_v5", "osDiskSizeGB": 128,
            "osDiskType": if mode == "System" { "Ephemeral" } else { "Managed" },
            "kubeletDiskType": "OS", "maxPods": 250, "type": "VirtualMachineScaleSets",
            "availabilityZones": ["3", "1", "2"], "enableAutoScaling": true,
            "minCount": min, "maxCount": max, "provisioningState": "Succeeded",
            "powerState": {"code": "Running"}, "orchestratorVersion": "1.33",
            "currentOrchestratorVersion": "1.33.5", "enableNodePublicIP": false, "mode": mode,
            "enableEncryptionAtHost": true, "osType": "Linux", "osSKU": "AzureLinux",
            "nodeImageVersion": "AKSAzureLinux-V3gen2-202611.03.0", "eTag": "3f1c8a2e",
            "vnetSubnetID": subnet(),
            "upgradeSettings": {"maxSurge": "33%", "maxUnavailable": "0", "drainTimeoutInMinutes": 30, "nodeSoakDurationInMinutes": 0},
            "enableFIPS": false
        })
    };
    let mut system = pool("system", "System", 4, 3, 5);
    system["nodeTaints"] = json!(["criticaladdonsonly=true:NoSchedule"]);
    system["tags"] = json!(null);
    let mut apps = pool("apps", "User", 2, 2, 10);
    apps["nodeLabels"] = json!({"workload": "apps"});
    json!({
        "id": cluster, "name": "aks-hardened-prod",
        "type": "Microsoft.ContainerService/ManagedClusters",
        "eTag": "beywbwei", "location": "westeurope",
        "tags": {"cost_center": "platform", "environment": "prod", "managed_by": "aksform"},
        "sku": {"name": "Base", "tier": "Standard"},
        "identity": {"type": "SystemAssigned", "principalId": "9a8b7c6d-0000-4e1f-8a2b-3c4d5e6f7a8b", "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47"},
        "properties": {
            "provisioningState": "Succeeded", "powerState": {"code": "Running"},
            "kubernetesVersion": "1.33", "currentKubernetesVersion": "1.33.5",
            "dnsPrefix": "aks-hardened-prod",
            "fqdn": "aks-hardened-prod-1a2b3c4d.hcp.westeurope.azmk8s.io",
            "azurePortalFQDN": "aks-hardened-prod-1a2b3c4d.portal.hcp.westeurope.azmk8s.io",
            "agentPoolProfiles": [apps, system],
            "servicePrincipalProfile": {"clientId": "msi"},
            "addonProfiles": {
                "azurepolicy": {"enabled": true, "config": {"version": "v2"}, "identity": identity("azurepolicy-aks-hardened-prod")},
                "omsAgent": {"enabled": true, "config": {"logAnalyticsWorkspaceResourceID": ws(), "useAADAuth": "true"}, "identity": identity("omsagent-aks-hardened-prod")}
            },
            "nodeResourceGroup": node_rg, "enableRBAC": true, "supportPlan": "KubernetesOfficial",
            "networkProfile": {
                "networkPlugin": "azure", "networkPluginMode": "Overlay", "networkPolicy": "azure",
                "networkDataplane": "azure", "loadBalancerSku": "Standard",
                "loadBalancerProfile": {"managedOutboundIPs": {"count": 1}, "effectiveOutboundIPs": [{"id": format!("/subscriptions/{SUB}/resourceGroups/{node_rg}/providers/Microsoft.Network/publicIPAddresses/6c1d")}], "backendPoolType": "nodeIPConfiguration"},
                "podCidr": "192.168.0.0/16", "serviceCidr": "172.16.0.0/16", "dnsServiceIP": "172.16.0.10",
                "outboundType": "loadBalancer", "podCidrs": ["192.168.0.0/16"], "serviceCidrs": ["172.16.0.0/16"], "ipFamilies": ["IPv4"]
            },
            "maxAgentPools": 100,
            "aadProfile": {"managed": true, "adminGroupObjectIDs": ["6A5E1F2B-3C4D-4E5F-8A9B-0C1D2E3F4A5B"], "enableAzureRBAC": true, "tenantID": "72f988bf-86f1-41af-91ab-2d7cd011db47"},
            "apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24"], "enablePrivateCluster": null, "disableRunCommand": true},
            "autoUpgradeProfile": {"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"},
            "disableLocalAccounts": true,
            "securityProfile": {
                "defender": {"logAnalyticsWorkspaceResourceId": ws(), "securityMonitoring": {"enabled": true}},
                "workloadIdentity": {"enabled": true},
                "imageCleaner": {"enabled": true, "intervalHours": 48}
            },
            "oidcIssuerProfile": {"enabled": true, "issuerURL": "https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/0b1c2d3e/"},
            "identityProfile": {"kubeletidentity": identity("aks-hardened-prod-agentpool")},
            "metricsProfile": {"costAnalysis": {"enabled": false}},
            "resourceUID": "6745ef0d2c1b4a3f8e9d0c1b"
        }
    })
}

/// The live maintenance configurations of the example's cluster.
pub(crate) fn live_windows() -> Vec<Json> {
    let cluster = id("Microsoft.ContainerService/managedClusters/aks-hardened-prod");
    [
        ("aksManagedAutoUpgradeSchedule", "Sunday"),
        ("aksManagedNodeOSUpgradeSchedule", "Saturday"),
    ]
    .into_iter()
    .map(|(name, day)| {
        json!({
            "id": format!("{cluster}/maintenanceConfigurations/{name}"), "name": name,
            "type": "Microsoft.ContainerService/managedClusters/maintenanceConfigurations",
            "properties": {"maintenanceWindow": {
                "schedule": {"weekly": {"intervalWeeks": 1, "dayOfWeek": day}},
                "durationHours": 4, "utcOffset": "+00:00", "startDate": "2026-11-28",
                "startTime": "02:00", "notAllowedDates": []
            }}
        })
    })
    .collect()
}

#[test]
fn the_cluster_round_trips() {
    let l = example();
    let r = instance(&l, CLUSTER);
    let d = desired(r).unwrap();
    let live = live_cluster();
    let windows = live_windows();
    let back = cluster_from_arm(&live, &windows, Some("system"));
    assert_round_trip(&d, &r.values, &back, &live);
    for (child, body) in d.children.iter().zip(&windows) {
        assert_round_trip(child, &r.values, &back, body);
    }
    let pool = d.default_pool().unwrap();
    let live_pool = json!({"properties": live["properties"]["agentPoolProfiles"][1]});
    for ptr in &pool.managed {
        assert!(field_matches(ptr, &pool.body, &live_pool), "{ptr}");
    }
    // The default pool is found by mode too, and the read-only values come back.
    assert_eq!(
        cluster_from_arm(&live, &windows, None)["default_node_pool"],
        back["default_node_pool"]
    );
    assert_eq!(back["current_kubernetes_version"], Value::from("1.33.5"));
    assert_eq!(at(&back, "default_node_pool.node_count"), Value::from(4.0));
    assert_eq!(
        at(&back, "kubelet_identity.object_id"),
        Value::from("7d8e9f00-1a2b-4c3d-8e4f-5a6b7c8d9e0f")
    );
    assert_eq!(
        at(&back, "oms_agent.oms_agent_identity.client_id"),
        Value::from("2f9c1a3e-0c4b-4c5d-9e8f-0a1b2c3d4e5f")
    );
    assert_eq!(
        at(&back, "maintenance_window_node_os.start_date"),
        Value::from("2026-11-28T00:00:00Z")
    );
    assert_eq!(
        at(&back, "maintenance_window_node_os.day_of_week"),
        Value::from("Saturday")
    );
    assert_eq!(
        back["node_resource_group_id"],
        Value::from(format!(
            "/subscriptions/{SUB}/resourceGroups/MC_rg-hardened-prod_aks-hardened-prod_westeurope"
        ))
    );
    // Enums come back in the azurerm spelling.
    assert_eq!(
        at(&back, "network_profile.network_plugin_mode"),
        Value::from("overlay")
    );
    assert_eq!(
        at(&back, "network_profile.load_balancer_sku"),
        Value::from("standard")
    );
    assert_eq!(
        at(
            &back,
            "network_profile.load_balancer_profile.backend_pool_type"
        ),
        Value::from("NodeIPConfiguration")
    );
    assert_eq!(back["private_cluster_enabled"], Value::Bool(false));
    assert_eq!(back["key_vault_secrets_provider"], Value::List(vec![]));
    // Real differences are found, both in HCL terms and per pointer.
    let mut changed = live.clone();
    changed["properties"]["apiServerAccessProfile"]["disableRunCommand"] = json!(false);
    changed["properties"]["apiServerAccessProfile"]["authorizedIPRanges"] =
        json!(["198.51.100.0/24"]);
    changed["properties"]["agentPoolProfiles"][1]["nodeTaints"] = json!(null);
    changed["properties"]["addonProfiles"]["omsAgent"]["enabled"] = json!(false);
    changed["sku"]["tier"] = json!("Premium");
    let back = cluster_from_arm(&changed, &windows, Some("system"));
    let m = mismatches(&d, &r.values, &back, &changed);
    let attrs: Vec<&str> = m
        .iter()
        .map(|s| s.split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(
        attrs,
        [
            "sku_tier",
            "sku_tier",
            "run_command_enabled",
            "api_server_access_profile.authorized_ip_ranges",
            "oms_agent",
            "oms_agent.log_analytics_workspace_id",
            "oms_agent.msi_auth_for_monitoring_enabled",
            "default_node_pool.only_critical_addons_enabled",
        ],
        "{m:#?}"
    );
}

#[test]
fn the_user_pool_round_trips() {
    let l = example();
    let r = instance(
        &l,
        "module.aks.azurerm_kubernetes_cluster_node_pool.user[\"apps\"]",
    );
    let d = desired(r).unwrap();
    let mut props = live_cluster()["properties"]["agentPoolProfiles"][0].clone();
    props["tags"] =
        json!({"cost_center": "platform", "environment": "prod", "managed_by": "aksform"});
    let live = json!({"id": d.id.as_str(), "name": "apps", "properties": props});
    let back = from_arm("azurerm_kubernetes_cluster_node_pool", &live);
    assert_round_trip(&d, &r.values, &back, &live);
    assert_eq!(back["priority"], Value::from("Regular"));
    assert_eq!(back["spot_max_price"], Value::from(-1.0));
    assert_eq!(at(&back, "upgrade_settings.max_unavailable"), Value::Null);
    assert_eq!(
        back["kubernetes_cluster_id"],
        Value::from(id(
            "Microsoft.ContainerService/managedClusters/aks-hardened-prod"
        ))
    );
    // A real difference is one.
    let mut bigger = live.clone();
    bigger["properties"]["vmSize"] = json!("Standard_D8ds_v5");
    assert!(!field_matches("/properties/vmSize", &d.body, &bigger));
}
