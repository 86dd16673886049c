//! Reading a live managed cluster back into azurerm attribute values (the cluster half of
//! [`super::from_arm`]); its pools are read by [`super::pool`], its maintenance windows by
//! [`super::maintenance`].
//!
//! Read-back rules applied here: `upgradeChannel` "none" is an unset channel; null
//! `enablePrivateCluster` / `disableRunCommand` / `disableLocalAccounts` are false; an absent
//! `enableRBAC` is true; a missing SKU tier is Free; add-on and config keys are matched ignoring
//! case and add-ons count as configured only when enabled; Defender counts only when
//! `securityMonitoring.enabled` is true; `networkPolicy` "none" is unset; an absent data plane is
//! azure; `privateDNSZone` "system"/"none" become System/None; the default pool is the one
//! named by the caller, else the first System pool.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::maintenance::{
    AUTO_UPGRADE_SCHEDULE, NODE_OS_UPGRADE_SCHEDULE, maintenance_window_from_arm,
};
use super::pool::pool_values;
use super::reverse::{Live, attrs, block_if, conform, or};
use crate::config::value::Value;
use crate::model::ResourceId;

/// The azurerm values of a live cluster. `maintenance` holds the live maintenance
/// configurations (GET bodies, matched by `name` or the last id segment); `default_pool` names
/// the default node pool (by default the first System pool, else the first pool).
pub fn cluster_from_arm(
    live: &Json,
    maintenance: &[Json],
    default_pool: Option<&str>,
) -> BTreeMap<String, Value> {
    let l = Live(live);
    let p = l.at("/properties");
    let id = l.str("/id");
    let parsed = id.as_str().and_then(|s| s.parse::<ResourceId>().ok());
    let mut out = attrs([
        ("id", id.clone()),
        (
            "name",
            match l.str("/name") {
                Value::Null => parsed
                    .as_ref()
                    .map_or(Value::Null, |r| Value::string(r.name())),
                n => n,
            },
        ),
        (
            "resource_group_name",
            parsed
                .as_ref()
                .and_then(ResourceId::resource_group_name)
                .map_or(Value::Null, Value::string),
        ),
        ("location", l.str("/location")),
        ("tags", l.string_map("/tags")),
        ("sku_tier", or(l.str("/sku/tier"), "Free")),
        ("dns_prefix", p.str("/dnsPrefix")),
        ("dns_prefix_private_cluster", p.str("/fqdnSubdomain")),
        ("kubernetes_version", p.str("/kubernetesVersion")),
        (
            "current_kubernetes_version",
            p.str("/currentKubernetesVersion"),
        ),
        ("node_resource_group", p.str("/nodeResourceGroup")),
        (
            "support_plan",
            or(p.str("/supportPlan"), "KubernetesOfficial"),
        ),
        (
            "automatic_upgrade_channel",
            match p.str("/autoUpgradeProfile/upgradeChannel") {
                Value::String(s) if s.eq_ignore_ascii_case("none") => Value::Null,
                v => v,
            },
        ),
        (
            "node_os_upgrade_channel",
            or(
                p.str("/autoUpgradeProfile/nodeOSUpgradeChannel"),
                "NodeImage",
            ),
        ),
        (
            "local_account_disabled",
            p.bool_or("/disableLocalAccounts", false),
        ),
        (
            "role_based_access_control_enabled",
            p.bool_or("/enableRBAC", true),
        ),
        (
            "oidc_issuer_enabled",
            p.bool_or("/oidcIssuerProfile/enabled", false),
        ),
        ("oidc_issuer_url", p.str("/oidcIssuerProfile/issuerURL")),
        (
            "workload_identity_enabled",
            p.bool_or("/securityProfile/workloadIdentity/enabled", false),
        ),
        (
            "azure_policy_enabled",
            p.bool_or("/addonProfiles/azurepolicy/enabled", false),
        ),
        (
            "image_cleaner_enabled",
            p.bool_or("/securityProfile/imageCleaner/enabled", false),
        ),
        (
            "image_cleaner_interval_hours",
            p.num("/securityProfile/imageCleaner/intervalHours"),
        ),
        (
            "private_cluster_enabled",
            p.bool_or("/apiServerAccessProfile/enablePrivateCluster", false),
        ),
        (
            "private_cluster_public_fqdn_enabled",
            p.bool_or(
                "/apiServerAccessProfile/enablePrivateClusterPublicFQDN",
                false,
            ),
        ),
        (
            "private_dns_zone_id",
            match p.str("/apiServerAccessProfile/privateDNSZone") {
                Value::String(s) if s.eq_ignore_ascii_case("system") => Value::string("System"),
                Value::String(s) if s.eq_ignore_ascii_case("none") => Value::string("None"),
                v => v,
            },
        ),
        (
            "run_command_enabled",
            Value::Bool(
                !p.get("/apiServerAccessProfile/disableRunCommand")
                    .and_then(Json::as_bool)
                    .unwrap_or(false),
            ),
        ),
        (
            "cost_analysis_enabled",
            p.bool_or("/metricsProfile/costAnalysis/enabled", false),
        ),
        ("fqdn", p.str("/fqdn")),
        ("private_fqdn", p.str("/privateFQDN")),
        ("portal_fqdn", p.str("/azurePortalFQDN")),
    ]);
    if let (Some(r), Value::String(node_rg)) = (&parsed, p.str("/nodeResourceGroup")) {
        out.insert(
            "node_resource_group_id".into(),
            Value::string(ResourceId::resource_group(r.subscription_id(), &node_rg).as_str()),
        );
    }
    let blocks = [
        ("identity", identity(l)),
        (
            "azure_active_directory_role_based_access_control",
            aad(p.at("/aadProfile")),
        ),
        ("network_profile", network(p.at("/networkProfile"))),
        (
            "microsoft_defender",
            defender(p.at("/securityProfile/defender")),
        ),
        ("oms_agent", oms_agent(p.at("/addonProfiles/omsagent"))),
        (
            "api_server_access_profile",
            api_server(p.at("/apiServerAccessProfile")),
        ),
        (
            "key_vault_secrets_provider",
            key_vault(p.at("/addonProfiles/azureKeyvaultSecretsProvider")),
        ),
        ("default_node_pool", default_node_pool(p, default_pool)),
        (
            "kubelet_identity",
            identity_ref(p.at("/identityProfile/kubeletidentity")),
        ),
    ];
    for (name, value) in blocks {
        out.insert(name.to_string(), value);
    }
    for w in [AUTO_UPGRADE_SCHEDULE, NODE_OS_UPGRADE_SCHEDULE] {
        let found = maintenance.iter().find(|m| {
            let l = Live(m);
            let name = l.get("/name").and_then(Json::as_str).or_else(|| {
                l.get("/id")
                    .and_then(Json::as_str)
                    .and_then(|i| i.rsplit('/').next())
            });
            name.is_some_and(|n| n.eq_ignore_ascii_case(w.config))
        });
        let v = found
            .and_then(maintenance_window_from_arm)
            .map_or(Value::List(Vec::new()), |b| Value::List(vec![b]));
        out.insert(w.block.to_string(), v);
    }
    conform("azurerm_kubernetes_cluster", out)
}

fn identity(l: Live<'_>) -> Value {
    let i = l.at("/identity");
    let ids = i
        .get("/userAssignedIdentities")
        .and_then(Json::as_object)
        .map(|m| {
            m.keys()
                .map(|k| Value::string(k.as_str()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    block_if(i.get("/type").is_some(), || {
        attrs([
            ("type", i.str("/type")),
            ("identity_ids", Value::set(ids)),
            ("principal_id", i.str("/principalId")),
            ("tenant_id", i.str("/tenantId")),
        ])
    })
}

fn identity_ref(i: Live<'_>) -> Value {
    block_if(i.get("").is_some(), || {
        attrs([
            ("client_id", i.str("/clientId")),
            ("object_id", i.str("/objectId")),
            ("user_assigned_identity_id", i.str("/resourceId")),
        ])
    })
}

fn aad(a: Live<'_>) -> Value {
    block_if(a.get("").is_some(), || {
        attrs([
            ("tenant_id", a.str("/tenantID")),
            (
                "admin_group_object_ids",
                Value::set(a.strings("/adminGroupObjectIDs")),
            ),
            ("azure_rbac_enabled", a.bool_or("/enableAzureRBAC", false)),
        ])
    })
}

fn defender(d: Live<'_>) -> Value {
    let on = d.get("/securityMonitoring/enabled").and_then(Json::as_bool) == Some(true);
    block_if(on, || {
        attrs([(
            "log_analytics_workspace_id",
            d.str("/logAnalyticsWorkspaceResourceId"),
        )])
    })
}

/// Add-on string flags: anything but "false" or empty reads as true.
fn flag(a: Live<'_>, ptr: &str) -> Value {
    Value::Bool(
        a.get(ptr)
            .and_then(Json::as_str)
            .is_some_and(|s| !s.is_empty() && !s.eq_ignore_ascii_case("false")),
    )
}

fn oms_agent(a: Live<'_>) -> Value {
    block_if(
        a.get("/enabled").and_then(Json::as_bool) == Some(true),
        || {
            attrs([
                (
                    "log_analytics_workspace_id",
                    a.str("/config/logAnalyticsWorkspaceResourceID"),
                ),
                (
                    "msi_auth_for_monitoring_enabled",
                    flag(a, "/config/useAADAuth"),
                ),
                ("oms_agent_identity", identity_ref(a.at("/identity"))),
            ])
        },
    )
}

fn key_vault(a: Live<'_>) -> Value {
    block_if(
        a.get("/enabled").and_then(Json::as_bool) == Some(true),
        || {
            attrs([
                (
                    "secret_rotation_enabled",
                    flag(a, "/config/enableSecretRotation"),
                ),
                (
                    "secret_rotation_interval",
                    or(a.str("/config/rotationPollInterval"), "2m"),
                ),
                ("secret_identity", identity_ref(a.at("/identity"))),
            ])
        },
    )
}

fn api_server(a: Live<'_>) -> Value {
    let ranges = a.strings("/authorizedIPRanges");
    let vnet = a.get("/enableVnetIntegration").and_then(Json::as_bool) == Some(true);
    let subnet = a.str("/subnetId");
    block_if(!ranges.is_empty() || vnet || !subnet.is_null(), || {
        attrs([
            ("authorized_ip_ranges", Value::set(ranges)),
            ("subnet_id", subnet),
            ("virtual_network_integration_enabled", Value::Bool(vnet)),
        ])
    })
}

fn network(n: Live<'_>) -> Value {
    let lb = n.at("/loadBalancerProfile");
    let nat = n.at("/natGatewayProfile");
    let ids = |l: Live<'_>, ptr: &str| {
        Value::set(
            l.get(ptr)
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|e| Some(Value::string(e.get("id")?.as_str()?)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
        )
    };
    block_if(n.get("").is_some(), || {
        attrs([
            ("network_plugin", n.str("/networkPlugin")),
            ("network_plugin_mode", n.str("/networkPluginMode")),
            ("network_mode", n.str("/networkMode")),
            (
                "network_policy",
                match n.str("/networkPolicy") {
                    Value::String(s) if s.eq_ignore_ascii_case("none") => Value::Null,
                    v => v,
                },
            ),
            (
                "network_data_plane",
                or(n.str("/networkDataplane"), "azure"),
            ),
            ("dns_service_ip", n.str("/dnsServiceIP")),
            ("pod_cidr", n.str("/podCidr")),
            ("pod_cidrs", Value::List(n.strings("/podCidrs"))),
            ("service_cidr", n.str("/serviceCidr")),
            ("service_cidrs", Value::List(n.strings("/serviceCidrs"))),
            ("outbound_type", or(n.str("/outboundType"), "loadBalancer")),
            (
                "load_balancer_sku",
                or(n.str("/loadBalancerSku"), "standard"),
            ),
            ("ip_versions", Value::List(n.strings("/ipFamilies"))),
            (
                "load_balancer_profile",
                block_if(lb.get("").is_some(), || {
                    attrs([
                        (
                            "managed_outbound_ip_count",
                            lb.num("/managedOutboundIPs/count"),
                        ),
                        (
                            "managed_outbound_ipv6_count",
                            lb.num("/managedOutboundIPs/countIPv6"),
                        ),
                        ("outbound_ip_address_ids", ids(lb, "/outboundIPs/publicIPs")),
                        (
                            "outbound_ip_prefix_ids",
                            ids(lb, "/outboundIPPrefixes/publicIPPrefixes"),
                        ),
                        (
                            "outbound_ports_allocated",
                            lb.num("/allocatedOutboundPorts"),
                        ),
                        ("idle_timeout_in_minutes", lb.num("/idleTimeoutInMinutes")),
                        ("backend_pool_type", lb.str("/backendPoolType")),
                        ("effective_outbound_ips", ids(lb, "/effectiveOutboundIPs")),
                    ])
                }),
            ),
            (
                "nat_gateway_profile",
                block_if(nat.get("").is_some(), || {
                    attrs([
                        (
                            "managed_outbound_ip_count",
                            nat.num("/managedOutboundIPProfile/count"),
                        ),
                        ("idle_timeout_in_minutes", nat.num("/idleTimeoutInMinutes")),
                        ("effective_outbound_ips", ids(nat, "/effectiveOutboundIPs")),
                    ])
                }),
            ),
        ])
    })
}

fn default_node_pool(p: Live<'_>, name: Option<&str>) -> Value {
    let pools: Vec<&Json> = p
        .get("/agentPoolProfiles")
        .and_then(Json::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let field =
        |pool: &&Json, k: &str| Live(pool).get(k).and_then(Json::as_str).map(str::to_string);
    let chosen = match name {
        Some(n) => pools
            .iter()
            .find(|pool| field(pool, "/name").is_some_and(|m| m.eq_ignore_ascii_case(n))),
        None => pools
            .iter()
            .find(|pool| field(pool, "/mode").is_some_and(|m| m.eq_ignore_ascii_case("System")))
            .or(pools.first()),
    };
    match chosen {
        Some(pool) => Value::List(vec![Value::Map(pool_values(Live(pool), true))]),
        None => Value::List(Vec::new()),
    }
}
