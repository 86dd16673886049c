//! azurerm_kubernetes_cluster → `PUT .../managedClusters/{name}` (§1 of `azurerm-to-arm.md`).
//!
//! Casing traps kept here on purpose: Defender's `logAnalyticsWorkspaceResourceId` against the
//! omsagent add-on's `logAnalyticsWorkspaceResourceID`, `enableRBAC`, `aadProfile.tenantID`,
//! `adminGroupObjectIDs`, `enableAzureRBAC`, `authorizedIPRanges`, `privateDNSZone`,
//! `enablePrivateClusterPublicFQDN`, `nodeOSUpgradeChannel`, `networkDataplane`, `dnsServiceIP`.
//!
//! Absent optional blocks that stand for a feature are managed as "off" (`omsagent.enabled`
//! false, Defender's `securityMonitoring.enabled` false, no authorized IP ranges), as azurerm
//! reads them back; absent Optional+Computed blocks (`network_profile`) are left to Azure. The
//! Entra block is not managed when absent: managed Entra cannot be turned off.

use serde_json::{Map, Value as Json, json};

use super::builder::{
    Builder, Slot, bool_string, boolean, cidrs, id_refs, int, location, not, string, string_map,
    strings,
};
use super::pool::{PoolKind, pool};
use super::{Desired, MapError};

const P: &str = "/properties";
const API: &str = "/properties/apiServerAccessProfile";
const SEC: &str = "/properties/securityProfile";
const ADDONS: &str = "/properties/addonProfiles";
const NET: &str = "/properties/networkProfile";

/// Maps every cluster attribute and block except the maintenance windows.
pub(super) fn cluster(b: &mut Builder<'_>) -> Result<(), MapError> {
    b.map("/location", "location", location)?;
    b.map_or("/tags", "tags", json!({}), string_map)?;
    b.set("/sku/name", "sku_tier", json!("Base"));
    b.map("/sku/tier", "sku_tier", string)?;
    identity(b)?;
    top_level(b)?;
    api_server(b)?;
    security(b)?;
    addons(b)?;
    aad(b)?;
    network(b)?;
    pool(b, PoolKind::Default)
}

fn identity(b: &mut Builder<'_>) -> Result<(), MapError> {
    b.map("/identity/type", "identity.type", string)?;
    let ids_set = !matches!(b.slot("identity.identity_ids"), Slot::Unset);
    if b.str("identity.type") == Some("UserAssigned") || ids_set {
        b.map(
            "/identity/userAssignedIdentities",
            "identity.identity_ids",
            |v| {
                let Json::Array(ids) = strings(v)? else {
                    return Err("expected a set of ids".into());
                };
                Ok(Json::Object(
                    ids.into_iter()
                        .filter_map(|id| id.as_str().map(|s| (s.to_string(), json!({}))))
                        .collect::<Map<_, _>>(),
                ))
            },
        )?;
    }
    b.set(
        "/properties/servicePrincipalProfile/clientId",
        "identity",
        json!("msi"),
    );
    Ok(())
}

fn top_level(b: &mut Builder<'_>) -> Result<(), MapError> {
    let fields: [(&str, &'static str, super::builder::Conv); 11] = [
        ("kubernetesVersion", "kubernetes_version", string),
        ("dnsPrefix", "dns_prefix", string),
        ("fqdnSubdomain", "dns_prefix_private_cluster", string),
        ("nodeResourceGroup", "node_resource_group", string),
        ("enableRBAC", "role_based_access_control_enabled", boolean),
        ("disableLocalAccounts", "local_account_disabled", boolean),
        ("supportPlan", "support_plan", string),
        (
            "autoUpgradeProfile/nodeOSUpgradeChannel",
            "node_os_upgrade_channel",
            string,
        ),
        ("oidcIssuerProfile/enabled", "oidc_issuer_enabled", boolean),
        (
            "metricsProfile/costAnalysis/enabled",
            "cost_analysis_enabled",
            boolean,
        ),
        (
            "securityProfile/workloadIdentity/enabled",
            "workload_identity_enabled",
            boolean,
        ),
    ];
    for (path, attr, conv) in fields {
        b.map(&format!("{P}/{path}"), attr, conv)?;
    }
    // An unset channel is sent (and read back) as "none".
    b.map_or(
        "/properties/autoUpgradeProfile/upgradeChannel",
        "automatic_upgrade_channel",
        json!("none"),
        string,
    )
}

fn api_server(b: &mut Builder<'_>) -> Result<(), MapError> {
    b.map(
        &format!("{API}/enablePrivateCluster"),
        "private_cluster_enabled",
        boolean,
    )?;
    b.map(
        &format!("{API}/enablePrivateClusterPublicFQDN"),
        "private_cluster_public_fqdn_enabled",
        boolean,
    )?;
    b.map(
        &format!("{API}/privateDNSZone"),
        "private_dns_zone_id",
        string,
    )?;
    b.map(
        &format!("{API}/disableRunCommand"),
        "run_command_enabled",
        not,
    )?;
    let ranges = format!("{API}/authorizedIPRanges");
    match b.block("api_server_access_profile") {
        Some(true) => {
            b.map_or(
                &ranges,
                "api_server_access_profile.authorized_ip_ranges",
                json!([]),
                cidrs,
            )?;
            b.map(
                &format!("{API}/enableVnetIntegration"),
                "api_server_access_profile.virtual_network_integration_enabled",
                boolean,
            )?;
            b.map(
                &format!("{API}/subnetId"),
                "api_server_access_profile.subnet_id",
                string,
            )?;
        }
        Some(false) => b.set(&ranges, "api_server_access_profile", json!([])),
        None => b.unknown(&ranges, "api_server_access_profile"),
    }
    Ok(())
}

fn security(b: &mut Builder<'_>) -> Result<(), MapError> {
    b.map(
        &format!("{SEC}/imageCleaner/enabled"),
        "image_cleaner_enabled",
        boolean,
    )?;
    b.map(
        &format!("{SEC}/imageCleaner/intervalHours"),
        "image_cleaner_interval_hours",
        int,
    )?;
    let monitoring = format!("{SEC}/defender/securityMonitoring/enabled");
    match b.block("microsoft_defender") {
        Some(true) => {
            b.map(
                &format!("{SEC}/defender/logAnalyticsWorkspaceResourceId"),
                "microsoft_defender.log_analytics_workspace_id",
                string,
            )?;
            b.set(&monitoring, "microsoft_defender", json!(true));
        }
        Some(false) => b.set(&monitoring, "microsoft_defender", json!(false)),
        None => b.unknown(&format!("{SEC}/defender"), "microsoft_defender"),
    }
    Ok(())
}

fn addons(b: &mut Builder<'_>) -> Result<(), MapError> {
    match b.slot("azure_policy_enabled") {
        Slot::Known(v) => {
            let on = v.coerce_bool().ok_or_else(|| {
                b.error(
                    "azure_policy_enabled",
                    format!("expected a bool, got {}", v.type_name()),
                )
            })?;
            b.set(
                &format!("{ADDONS}/azurepolicy/enabled"),
                "azure_policy_enabled",
                json!(on),
            );
            if on {
                b.set(
                    &format!("{ADDONS}/azurepolicy/config/version"),
                    "azure_policy_enabled",
                    json!("v2"),
                );
            }
        }
        Slot::Unknown => b.unknown(&format!("{ADDONS}/azurepolicy"), "azure_policy_enabled"),
        Slot::Unset => {}
    }
    let oms = format!("{ADDONS}/omsagent");
    match b.block("oms_agent") {
        Some(true) => {
            b.set(&format!("{oms}/enabled"), "oms_agent", json!(true));
            b.map(
                &format!("{oms}/config/logAnalyticsWorkspaceResourceID"),
                "oms_agent.log_analytics_workspace_id",
                string,
            )?;
            b.map(
                &format!("{oms}/config/useAADAuth"),
                "oms_agent.msi_auth_for_monitoring_enabled",
                bool_string,
            )?;
        }
        Some(false) => b.set(&format!("{oms}/enabled"), "oms_agent", json!(false)),
        None => b.unknown(&oms, "oms_agent"),
    }
    let kv = format!("{ADDONS}/azureKeyvaultSecretsProvider");
    match b.block("key_vault_secrets_provider") {
        Some(true) => {
            b.set(
                &format!("{kv}/enabled"),
                "key_vault_secrets_provider",
                json!(true),
            );
            b.map(
                &format!("{kv}/config/enableSecretRotation"),
                "key_vault_secrets_provider.secret_rotation_enabled",
                bool_string,
            )?;
            b.map(
                &format!("{kv}/config/rotationPollInterval"),
                "key_vault_secrets_provider.secret_rotation_interval",
                string,
            )?;
        }
        Some(false) => b.set(
            &format!("{kv}/enabled"),
            "key_vault_secrets_provider",
            json!(false),
        ),
        None => b.unknown(&kv, "key_vault_secrets_provider"),
    }
    Ok(())
}

fn aad(b: &mut Builder<'_>) -> Result<(), MapError> {
    const BLOCK: &str = "azure_active_directory_role_based_access_control";
    const AAD: &str = "/properties/aadProfile";
    match b.block(BLOCK) {
        Some(true) => {
            // azurerm 4.x always sends managed = true.
            b.set(&format!("{AAD}/managed"), BLOCK, json!(true));
            b.map(
                &format!("{AAD}/enableAzureRBAC"),
                "azure_active_directory_role_based_access_control.azure_rbac_enabled",
                boolean,
            )?;
            b.map_or(
                &format!("{AAD}/adminGroupObjectIDs"),
                "azure_active_directory_role_based_access_control.admin_group_object_ids",
                json!([]),
                strings,
            )?;
            b.map(
                &format!("{AAD}/tenantID"),
                "azure_active_directory_role_based_access_control.tenant_id",
                string,
            )?;
        }
        Some(false) => {}
        None => b.unknown(AAD, BLOCK),
    }
    Ok(())
}

/// `network_profile` attributes with their ARM names (relative to `networkProfile`).
const NETWORK: &[(&str, &str)] = &[
    ("networkPlugin", "network_profile.network_plugin"),
    ("networkPluginMode", "network_profile.network_plugin_mode"),
    ("networkMode", "network_profile.network_mode"),
    ("networkPolicy", "network_profile.network_policy"),
    ("networkDataplane", "network_profile.network_data_plane"),
    ("dnsServiceIP", "network_profile.dns_service_ip"),
    ("podCidr", "network_profile.pod_cidr"),
    ("serviceCidr", "network_profile.service_cidr"),
    ("outboundType", "network_profile.outbound_type"),
    ("loadBalancerSku", "network_profile.load_balancer_sku"),
];

fn network(b: &mut Builder<'_>) -> Result<(), MapError> {
    match b.block("network_profile") {
        Some(false) => return Ok(()),
        None => {
            b.unknown(NET, "network_profile");
            return Ok(());
        }
        Some(true) => {}
    }
    for (field, attr) in NETWORK {
        b.map(&format!("{NET}/{field}"), attr, string)?;
    }
    b.map(
        &format!("{NET}/podCidrs"),
        "network_profile.pod_cidrs",
        strings,
    )?;
    b.map(
        &format!("{NET}/serviceCidrs"),
        "network_profile.service_cidrs",
        strings,
    )?;
    b.map(
        &format!("{NET}/ipFamilies"),
        "network_profile.ip_versions",
        strings,
    )?;
    if b.block("network_profile.load_balancer_profile") == Some(true) {
        let lb = format!("{NET}/loadBalancerProfile");
        let fields: [(&str, &'static str, super::builder::Conv); 7] = [
            (
                "managedOutboundIPs/count",
                "network_profile.load_balancer_profile.managed_outbound_ip_count",
                int,
            ),
            (
                "managedOutboundIPs/countIPv6",
                "network_profile.load_balancer_profile.managed_outbound_ipv6_count",
                int,
            ),
            (
                "outboundIPs/publicIPs",
                "network_profile.load_balancer_profile.outbound_ip_address_ids",
                id_refs,
            ),
            (
                "outboundIPPrefixes/publicIPPrefixes",
                "network_profile.load_balancer_profile.outbound_ip_prefix_ids",
                id_refs,
            ),
            (
                "allocatedOutboundPorts",
                "network_profile.load_balancer_profile.outbound_ports_allocated",
                int,
            ),
            (
                "idleTimeoutInMinutes",
                "network_profile.load_balancer_profile.idle_timeout_in_minutes",
                int,
            ),
            (
                "backendPoolType",
                "network_profile.load_balancer_profile.backend_pool_type",
                string,
            ),
        ];
        for (field, attr, conv) in fields {
            b.map(&format!("{lb}/{field}"), attr, conv)?;
        }
    }
    if b.block("network_profile.nat_gateway_profile") == Some(true) {
        let nat = format!("{NET}/natGatewayProfile");
        b.map(
            &format!("{nat}/managedOutboundIPProfile/count"),
            "network_profile.nat_gateway_profile.managed_outbound_ip_count",
            int,
        )?;
        b.map(
            &format!("{nat}/idleTimeoutInMinutes"),
            "network_profile.nat_gateway_profile.idle_timeout_in_minutes",
            int,
        )?;
    }
    Ok(())
}

/// See [`Desired::default_pool`].
pub(super) fn default_pool(d: &Desired) -> Option<Desired> {
    const P0: &str = "/properties/agentPoolProfiles/0";
    if !d.id.is_type("Microsoft.ContainerService/managedClusters") {
        return None;
    }
    let mut props = d.body.pointer(P0)?.as_object()?.clone();
    let name = props.remove("name")?.as_str()?.to_string();
    let rewrite = |p: &str| {
        p.strip_prefix(P0)
            .filter(|rest| rest.starts_with('/') && *rest != "/name")
            .map(|rest| format!("/properties{rest}"))
    };
    let pairs = |list: &[(String, &'static str)]| {
        list.iter()
            .filter_map(|(p, a)| rewrite(p).map(|p| (p, *a)))
            .collect::<Vec<_>>()
    };
    Some(Desired {
        id: d.id.child("agentPools", &name),
        api_family: d.api_family,
        body: json!({ "properties": props }),
        managed: d.managed.iter().filter_map(|p| rewrite(p)).collect(),
        unknown: d.unknown.iter().filter_map(|p| rewrite(p)).collect(),
        children: Vec::new(),
        absent: Vec::new(),
        force_new: pairs(&d.force_new),
        attributes: pairs(&d.attributes),
        on_delete: super::OnDelete::Delete,
    })
}
