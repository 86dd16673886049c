//! Read-back: the example's network, workspace and role assignment round trip through live
//! bodies, and each read-back quirk of the reference is applied by `from_arm` and
//! `field_matches`.

use serde_json::{Value as Json, json};

use super::*;
use crate::config::value::Value;

/// `d.body` as Azure returns it: `extra` merged in (one level per object).
fn live_from(d: &Desired, extra: Json) -> Json {
    fn merge(a: &mut Json, b: Json) {
        match (a, b) {
            (Json::Object(a), Json::Object(b)) => {
                for (k, v) in b {
                    match a.get_mut(&k) {
                        Some(old) if old.is_object() && v.is_object() => merge(old, v),
                        _ => {
                            a.insert(k, v);
                        }
                    }
                }
            }
            (a, b) => *a = b,
        }
    }
    let mut live = d.body.clone();
    merge(&mut live, extra);
    live["id"] = json!(d.id.as_str());
    live
}

fn all_match(d: &Desired, live: &Json) {
    for ptr in &d.managed {
        assert!(
            field_matches(ptr, &d.body, live),
            "{ptr}: {:?} != {:?}",
            d.body.pointer(ptr),
            normalize::pointer_ci(live, ptr)
        );
    }
}

#[test]
fn network_workspace_and_role_round_trip() {
    let l = example();
    let get = |addr: &str| (instance(&l, addr), desired_of(&l, addr));

    let (r, d) = get("module.network.azurerm_subnet.nodes");
    let live = live_from(
        &d,
        json!({"name": "snet-hardened-prod-nodes", "etag": "W/\"1\"", "properties": {
            "provisioningState": "Succeeded",
            "serviceEndpoints": [
                {"service": "Microsoft.Storage", "locations": ["westeurope", "northeurope"], "provisioningState": "Succeeded"},
                {"service": "Microsoft.ContainerRegistry", "locations": ["*"]},
                {"service": "Microsoft.KeyVault", "locations": ["*"]}
            ],
            "privateLinkServiceNetworkPolicies": "enabled",
            "networkSecurityGroup": {"id": id("Microsoft.Network/networkSecurityGroups/nsg-hardened-prod-nodes")},
            "ipConfigurations": [{"id": "/x"}]
        }}),
    );
    all_match(&d, &live);
    let back = from_arm("azurerm_subnet", &live);
    assert_eq!(
        back["address_prefixes"],
        Value::List(vec!["10.10.0.0/22".into()])
    );
    assert_eq!(
        back["virtual_network_name"],
        Value::from("vnet-hardened-prod")
    );
    assert_eq!(back["resource_group_name"], Value::from("rg-hardened-prod"));
    assert_eq!(back["service_endpoints"], r.values["service_endpoints"]);
    assert_eq!(
        back["private_link_service_network_policies_enabled"],
        Value::Bool(true)
    );
    let assoc = from_arm("azurerm_subnet_network_security_group_association", &live);
    let (ra, da) = get("module.network.azurerm_subnet_network_security_group_association.nodes");
    assert_eq!(
        assoc["network_security_group_id"],
        ra.values["network_security_group_id"]
    );
    assert_eq!(assoc["subnet_id"], ra.values["subnet_id"]);
    all_match(&da, &live);

    let (r, d) = get("module.network.azurerm_network_security_group.nodes");
    let mut live = live_from(
        &d,
        json!({"etag": "W/\"2\"", "properties": {"defaultSecurityRules": []}}),
    );
    let rule = &mut live["properties"]["securityRules"][0];
    rule["properties"]["protocol"] = json!("TCP");
    rule["properties"]["destinationPortRange"] = json!(null);
    rule["properties"]["destinationPortRanges"] = json!(["3389", "22"]);
    rule["properties"]["sourcePortRanges"] = json!([]);
    rule["id"] = json!("/rule");
    all_match(&d, &live);
    let back = from_arm("azurerm_network_security_group", &live);
    let rule = &back["security_rule"].as_seq().unwrap()[0];
    let written = &r.values["security_rule"].as_seq().unwrap()[0];
    for attr in [
        "name",
        "priority",
        "direction",
        "access",
        "protocol",
        "source_port_range",
        "destination_port_ranges",
        "source_address_prefix",
        "destination_address_prefix",
    ] {
        assert_eq!(rule.get(attr), written.get(attr), "{attr}");
    }
    assert_eq!(back["location"], Value::from("westeurope"));
    assert_eq!(back["tags"], r.values["tags"]);

    let (r, d) = get("module.network.azurerm_virtual_network.this");
    let live = live_from(
        &d,
        json!({"properties": {"resourceGuid": "g-1", "dhcpOptions": {"dnsServers": []},
        "subnets": [{"id": "/s", "name": "snet-hardened-prod-nodes", "properties": {"addressPrefix": "10.10.0.0/22"}}]}}),
    );
    all_match(&d, &live);
    let back = from_arm("azurerm_virtual_network", &live);
    assert_eq!(back["address_space"], r.values["address_space"]);
    assert_eq!(back["guid"], Value::from("g-1"));
    assert_eq!(
        back["subnet"].as_seq().unwrap()[0].get("address_prefixes"),
        Some(&Value::List(vec!["10.10.0.0/22".into()]))
    );

    let (r, d) = get("module.aks.azurerm_log_analytics_workspace.this");
    let mut live = live_from(
        &d,
        json!({"properties": {"customerId": "c-1", "provisioningState": "Succeeded",
        "sku": {"name": "pergb2018", "lastSkuUpdate": "2026-11-28T10:00:00Z"}}}),
    );
    live["properties"]["workspaceCapping"] =
        json!({"dailyQuotaGb": -1.0, "quotaNextResetTime": "x"});
    all_match(&d, &live);
    let back = from_arm("azurerm_log_analytics_workspace", &live);
    for attr in [
        "sku",
        "retention_in_days",
        "daily_quota_gb",
        "internet_ingestion_enabled",
        "internet_query_enabled",
        "local_authentication_enabled",
        "allow_resource_only_permissions",
        "location",
        "name",
        "tags",
    ] {
        assert_eq!(back[attr], r.values[attr], "{attr}");
    }
    assert_eq!(back["workspace_id"], Value::from("c-1"));

    let (r, d) =
        get("azurerm_role_assignment.cluster_admins[\"6a5e1f2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b\"]");
    let scope = d.id.scope().unwrap().to_string();
    let mut live = live_from(
        &d,
        json!({"name": d.id.name(), "type": "Microsoft.Authorization/roleAssignments",
        "properties": {"scope": scope.to_lowercase(), "createdOn": "2026-11-28T10:00:00Z"}}),
    );
    // Azure may return the definition id under another scope prefix.
    live["properties"]["roleDefinitionId"] = json!(format!(
        "{}/providers/Microsoft.Authorization/roleDefinitions/B1FF04BB-8A4E-4DC4-8EB5-8693973CE19B",
        scope
    ));
    all_match(&d, &live);
    let back = from_arm("azurerm_role_assignment", &live);
    for attr in ["name", "principal_id", "principal_type", "id"] {
        assert_eq!(back[attr], r.values[attr], "{attr}");
    }
    assert!(normalize::ids_equal(
        back["scope"].as_str().unwrap(),
        r.values["scope"].as_str().unwrap()
    ));
}

#[test]
fn cluster_read_back_quirks() {
    let live = json!({
        "id": id("Microsoft.ContainerService/managedClusters/aks"),
        "location": "westeurope",
        "sku": {"name": "Base"},
        "properties": {
            "autoUpgradeProfile": {"upgradeChannel": "none"},
            "apiServerAccessProfile": {"enablePrivateCluster": true, "privateDNSZone": "system",
                "disableRunCommand": null, "authorizedIPRanges": ["198.51.100.7/32"]},
            "disableLocalAccounts": null,
            "networkProfile": {"networkPlugin": "Azure", "networkPolicy": "none", "networkPluginMode": "Overlay"},
            "addonProfiles": {"AzurePolicy": {"enabled": false, "config": null}, "omsagent": {"enabled": false}},
            "securityProfile": {"defender": {"securityMonitoring": {"enabled": false}}}
        }
    });
    let v = from_arm("azurerm_kubernetes_cluster", &live);
    assert_eq!(v["name"], Value::from("aks"));
    assert_eq!(v["sku_tier"], Value::from("Free"));
    assert_eq!(v["automatic_upgrade_channel"], Value::Null);
    assert_eq!(v["node_os_upgrade_channel"], Value::from("NodeImage"));
    assert_eq!(v["private_cluster_enabled"], Value::Bool(true));
    assert_eq!(v["private_dns_zone_id"], Value::from("System"));
    assert_eq!(v["run_command_enabled"], Value::Bool(true));
    assert_eq!(v["local_account_disabled"], Value::Bool(false));
    assert_eq!(v["role_based_access_control_enabled"], Value::Bool(true));
    assert_eq!(v["azure_policy_enabled"], Value::Bool(false));
    assert_eq!(v["oms_agent"], Value::List(vec![]));
    assert_eq!(v["microsoft_defender"], Value::List(vec![]));
    assert_eq!(v["maintenance_window_auto_upgrade"], Value::List(vec![]));
    let net = &v["network_profile"].as_seq().unwrap()[0];
    assert_eq!(net.get("network_plugin"), Some(&Value::from("azure")));
    assert_eq!(
        net.get("network_plugin_mode"),
        Some(&Value::from("overlay"))
    );
    assert_eq!(net.get("network_policy"), Some(&Value::Null));
    assert_eq!(net.get("network_data_plane"), Some(&Value::from("azure")));
    let api = &v["api_server_access_profile"].as_seq().unwrap()[0];
    assert_eq!(
        api.get("authorized_ip_ranges"),
        Some(&Value::set(["198.51.100.7/32".into()]))
    );
    // Every schema attribute is present.
    assert!(v.contains_key("kubernetes_version") && v.contains_key("kubelet_identity"));
    assert!(from_arm("azurerm_storage_account", &live).is_empty());

    // The same quirks per pointer: a bare IP matches its /32, "none" matches an unset channel,
    // null flags match false, a disabled add-on without config matches.
    let desired = json!({"properties": {
        "autoUpgradeProfile": {"upgradeChannel": "none"},
        "apiServerAccessProfile": {"authorizedIPRanges": ["198.51.100.7"], "disableRunCommand": false},
        "disableLocalAccounts": false,
        "addonProfiles": {"azurepolicy": {"enabled": false}},
        "networkProfile": {"networkPluginMode": "overlay", "networkPlugin": "azure"}
    }});
    for ptr in [
        "/properties/autoUpgradeProfile/upgradeChannel",
        "/properties/apiServerAccessProfile/authorizedIPRanges",
        "/properties/apiServerAccessProfile/disableRunCommand",
        "/properties/disableLocalAccounts",
        "/properties/addonProfiles/azurepolicy/enabled",
        "/properties/networkProfile/networkPluginMode",
        "/properties/networkProfile/networkPlugin",
        "/sku/tier",
    ] {
        let mut d = desired.clone();
        if ptr == "/sku/tier" {
            d["sku"] = json!({"tier": "Free"});
        }
        assert!(field_matches(ptr, &d, &live), "{ptr}");
    }
    let unset = json!({"properties": {"autoUpgradeProfile": {}}});
    assert!(field_matches(
        "/properties/autoUpgradeProfile/upgradeChannel",
        &unset,
        &json!({})
    ));
}

#[test]
fn maintenance_schedule_shapes_read_back() {
    let window = |schedule: Json| {
        json!({"name": "aksManagedNodeOSUpgradeSchedule", "properties": {"maintenanceWindow": {
            "schedule": schedule, "durationHours": 6, "startTime": "22:30", "utcOffset": "+05:30",
            "startDate": "2026-01-05",
            "notAllowedDates": [{"start": "2026-12-23", "end": "2027-01-02"}]
        }}})
    };
    let cases = [
        (
            json!({"daily": {"intervalDays": 2}}),
            "Daily",
            2.0,
            Value::Null,
            Value::Null,
            Value::Null,
        ),
        (
            json!({"weekly": {"intervalWeeks": 1, "dayOfWeek": "Friday"}}),
            "Weekly",
            1.0,
            "Friday".into(),
            Value::Null,
            Value::Null,
        ),
        (
            json!({"absoluteMonthly": {"intervalMonths": 3, "dayOfMonth": 15}}),
            "AbsoluteMonthly",
            3.0,
            Value::Null,
            15.0.into(),
            Value::Null,
        ),
        (
            json!({"relativeMonthly": {"intervalMonths": 1, "weekIndex": "Last", "dayOfWeek": "Sunday"}}),
            "RelativeMonthly",
            1.0,
            "Sunday".into(),
            Value::Null,
            "Last".into(),
        ),
    ];
    for (schedule, freq, interval, dow, dom, week) in cases {
        let b = maintenance_window_from_arm(&window(schedule)).unwrap();
        assert_eq!(b.get("frequency"), Some(&Value::from(freq)));
        assert_eq!(b.get("interval"), Some(&Value::from(interval)));
        assert_eq!(b.get("day_of_week"), Some(&dow), "{freq}");
        assert_eq!(b.get("day_of_month"), Some(&dom), "{freq}");
        assert_eq!(b.get("week_index"), Some(&week), "{freq}");
        assert_eq!(b.get("duration"), Some(&Value::from(6.0)));
        assert_eq!(
            b.get("start_date"),
            Some(&Value::from("2026-01-05T00:00:00Z"))
        );
        assert_eq!(b.get("utc_offset"), Some(&Value::from("+05:30")));
        let not_allowed = b.get("not_allowed").and_then(Value::as_seq).unwrap();
        assert_eq!(
            not_allowed[0].get("end"),
            Some(&Value::from("2027-01-02T00:00:00Z"))
        );
    }
    assert!(maintenance_window_from_arm(&json!({"properties": {}})).is_none());
}

#[test]
fn a_configured_window_round_trips_with_dates() {
    let r = crate::config::eval::tests::run(
        r#"
resource "azurerm_kubernetes_cluster" "c" {
  name                = "aks"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "aks"
  default_node_pool {
    name    = "system"
    vm_size = "Standard_D2s_v5"
  }
  identity {
    type = "SystemAssigned"
  }
  maintenance_window_node_os {
    frequency   = "RelativeMonthly"
    interval    = 1
    week_index  = "Last"
    day_of_week = "Sunday"
    duration    = 6
    start_time  = "22:30"
    start_date  = "2026-01-05T00:00:00Z"
    not_allowed {
      start = "2026-12-23"
      end   = "2027-01-02T00:00:00Z"
    }
  }
}
"#,
    );
    assert!(r.errors().is_empty(), "{:?}", r.errors());
    let d = desired(r.resource("azurerm_kubernetes_cluster.c")).unwrap();
    assert_eq!(d.children.len(), 1);
    assert_eq!(d.absent.len(), 1);
    assert_eq!(d.absent[0].name(), "aksManagedAutoUpgradeSchedule");
    let child = &d.children[0];
    assert_eq!(
        child.body,
        json!({"properties": {"maintenanceWindow": {
            "schedule": {"relativeMonthly": {"intervalMonths": 1, "weekIndex": "Last", "dayOfWeek": "Sunday"}},
            "durationHours": 6, "startTime": "22:30", "startDate": "2026-01-05",
            "notAllowedDates": [{"start": "2026-12-23", "end": "2027-01-02"}]
        }}})
    );
    // AKS fills the offset; the live configuration matches on every managed pointer.
    let mut live = child.body.clone();
    live["properties"]["maintenanceWindow"]["utcOffset"] = json!("+00:00");
    live["name"] = json!("aksManagedNodeOSUpgradeSchedule");
    all_match(child, &live);
    let back = maintenance_window_from_arm(&live).unwrap();
    assert_eq!(
        back.get("start_date"),
        Some(&Value::from("2026-01-05T00:00:00Z"))
    );
    let mut changed = live.clone();
    changed["properties"]["maintenanceWindow"]["schedule"] =
        json!({"weekly": {"intervalWeeks": 1, "dayOfWeek": "Sunday"}});
    assert!(!field_matches(
        "/properties/maintenanceWindow/schedule",
        &child.body,
        &changed
    ));
}
