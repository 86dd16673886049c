//! Microsoft.ContainerService managed clusters and agent pools, with ARM's exact JSON names.
//!
//! Read-only fields (set by Azure) are `skip_serializing`: they are read from responses but can
//! never end up in a request body. Optional fields are left out when absent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A managed cluster (`Microsoft.ContainerService/managedClusters`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedCluster {
    /// Read-only: the ARM id.
    #[serde(default, skip_serializing)]
    pub id: Option<String>,
    /// Read-only: the name.
    #[serde(default, skip_serializing)]
    pub name: Option<String>,
    /// Read-only: the ETag (note the casing `eTag`).
    #[serde(default, skip_serializing, rename = "eTag")]
    pub e_tag: Option<String>,
    /// The region.
    pub location: String,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// Pricing tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<ManagedClusterSku>,
    /// The cluster identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<ManagedClusterIdentity>,
    /// Everything else.
    #[serde(default)]
    pub properties: ManagedClusterProperties,
}

/// `sku`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedClusterSku {
    /// `Base` or `Automatic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `Free`, `Standard` or `Premium`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
}

/// `identity`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedClusterIdentity {
    /// `SystemAssigned`, `UserAssigned` or `None`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Read-only: the system-assigned identity's principal.
    #[serde(default, skip_serializing)]
    pub principal_id: Option<String>,
    /// Read-only: its tenant.
    #[serde(default, skip_serializing)]
    pub tenant_id: Option<String>,
    /// User-assigned identities by resource id; values carry read-only ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_assigned_identities: Option<BTreeMap<String, UserAssignedIdentity>>,
}

/// A value of `userAssignedIdentities`: sent as `{}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAssignedIdentity {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub principal_id: Option<String>,
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub client_id: Option<String>,
}

/// `properties` of a managed cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedClusterProperties {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub provisioning_state: Option<String>,
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub power_state: Option<PowerState>,
    /// The requested version (`1.33` or `1.33.5`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes_version: Option<String>,
    /// Read-only: the version running (always a full patch version).
    #[serde(default, skip_serializing)]
    pub current_kubernetes_version: Option<String>,
    /// DNS prefix of the API server's FQDN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_prefix: Option<String>,
    /// Subdomain for private clusters with a custom DNS zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fqdn_subdomain: Option<String>,
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub fqdn: Option<String>,
    /// Read-only.
    #[serde(default, skip_serializing, rename = "azurePortalFQDN")]
    pub azure_portal_fqdn: Option<String>,
    /// Read-only.
    #[serde(default, skip_serializing, rename = "privateFQDN")]
    pub private_fqdn: Option<String>,
    /// The pools (on create; afterwards pools are their own resources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_pool_profiles: Option<Vec<AgentPoolProfile>>,
    /// The node resource group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_resource_group: Option<String>,
    /// Kubernetes RBAC.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "enableRBAC"
    )]
    pub enable_rbac: Option<bool>,
    /// Local accounts off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_local_accounts: Option<bool>,
    /// `KubernetesOfficial` or `AKSLongTermSupport`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_plan: Option<String>,
    /// Entra ID integration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aad_profile: Option<AadProfile>,
    /// Networking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_profile: Option<NetworkProfile>,
    /// Defender, workload identity, image cleaner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_profile: Option<SecurityProfile>,
    /// The OIDC issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oidc_issuer_profile: Option<OidcIssuerProfile>,
    /// Upgrade channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_upgrade_profile: Option<AutoUpgradeProfile>,
    /// API server access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_server_access_profile: Option<ApiServerAccessProfile>,
    /// Add-ons by name (`omsagent`, `azurepolicy`, `azureKeyvaultSecretsProvider`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addon_profiles: Option<BTreeMap<String, AddonProfile>>,
    /// `{ clientId: "msi" }` for clusters with a managed identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_principal_profile: Option<ServicePrincipalProfile>,
    /// Cost analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics_profile: Option<MetricsProfile>,
    /// Read-only: identities AKS created (the kubelet identity).
    #[serde(default, skip_serializing)]
    pub identity_profile: Option<BTreeMap<String, UserAssignedIdentityRef>>,
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub max_agent_pools: Option<u32>,
    /// Read-only.
    #[serde(default, skip_serializing, rename = "resourceUID")]
    pub resource_uid: Option<String>,
}

/// `powerState`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PowerState {
    /// `Running` or `Stopped`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// An identity AKS manages (`identityProfile.kubeletidentity`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAssignedIdentityRef {
    /// Its resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// Its client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Its object id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
}

/// `aadProfile`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AadProfile {
    /// Managed Entra integration (always true in azurerm 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// Azure RBAC for Kubernetes authorization.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "enableAzureRBAC"
    )]
    pub enable_azure_rbac: Option<bool>,
    /// Groups that administer the cluster.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "adminGroupObjectIDs"
    )]
    pub admin_group_object_ids: Option<Vec<String>>,
    /// The tenant.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "tenantID")]
    pub tenant_id: Option<String>,
}

/// `networkProfile`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkProfile {
    /// `azure`, `kubenet` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_plugin: Option<String>,
    /// `overlay`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_plugin_mode: Option<String>,
    /// `azure`, `calico`, `cilium` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_policy: Option<String>,
    /// `azure` or `cilium` (note: `networkDataplane`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "networkDataplane"
    )]
    pub network_dataplane: Option<String>,
    /// `transparent` or `bridge`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_mode: Option<String>,
    /// Pod CIDR (kubenet, overlay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_cidr: Option<String>,
    /// Service CIDR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_cidr: Option<String>,
    /// The cluster DNS service address (note: `dnsServiceIP`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "dnsServiceIP"
    )]
    pub dns_service_ip: Option<String>,
    /// `loadBalancer`, `userDefinedRouting`, `managedNATGateway`, `userAssignedNATGateway`, `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbound_type: Option<String>,
    /// `standard` or `basic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer_sku: Option<String>,
    /// IP families.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_families: Option<Vec<String>>,
    /// Pod CIDRs (dual stack).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_cidrs: Option<Vec<String>>,
    /// Service CIDRs (dual stack).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_cidrs: Option<Vec<String>>,
}

/// `securityProfile`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityProfile {
    /// Microsoft Defender for Containers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defender: Option<Defender>,
    /// Workload identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_identity: Option<Enabled>,
    /// Image cleaner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_cleaner: Option<ImageCleaner>,
}

/// `securityProfile.defender`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Defender {
    /// The workspace (note: `...ResourceId`, lowercase "d", unlike the omsagent add-on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_analytics_workspace_resource_id: Option<String>,
    /// Whether Defender monitors the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_monitoring: Option<Enabled>,
}

/// `{ "enabled": bool }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Enabled {
    /// On or off.
    #[serde(default)]
    pub enabled: bool,
}

/// `securityProfile.imageCleaner`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageCleaner {
    /// On or off.
    #[serde(default)]
    pub enabled: bool,
    /// Scan interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_hours: Option<u32>,
}

/// `oidcIssuerProfile`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OidcIssuerProfile {
    /// On or off (cannot be turned off once on).
    #[serde(default)]
    pub enabled: bool,
    /// Read-only: the issuer URL.
    #[serde(default, skip_serializing, rename = "issuerURL")]
    pub issuer_url: Option<String>,
}

/// `autoUpgradeProfile`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoUpgradeProfile {
    /// `rapid`, `stable`, `patch`, `node-image` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade_channel: Option<String>,
    /// `None`, `Unmanaged`, `NodeImage` or `SecurityPatch` (note: `nodeOSUpgradeChannel`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "nodeOSUpgradeChannel"
    )]
    pub node_os_upgrade_channel: Option<String>,
}

/// `apiServerAccessProfile`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiServerAccessProfile {
    /// CIDRs allowed to reach the API server (note: `authorizedIPRanges`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "authorizedIPRanges"
    )]
    pub authorized_ip_ranges: Option<Vec<String>>,
    /// Private cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_private_cluster: Option<bool>,
    /// `system`, `none` or a private DNS zone id (note: `privateDNSZone`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "privateDNSZone"
    )]
    pub private_dns_zone: Option<String>,
    /// A public FQDN for a private cluster (note: `enablePrivateClusterPublicFQDN`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "enablePrivateClusterPublicFQDN"
    )]
    pub enable_private_cluster_public_fqdn: Option<bool>,
    /// Run command off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_run_command: Option<bool>,
    /// API server VNet integration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_vnet_integration: Option<bool>,
    /// Its subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
}

/// An add-on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddonProfile {
    /// On or off.
    pub enabled: bool,
    /// String settings; the omsagent workspace key is `logAnalyticsWorkspaceResourceID` (capital
    /// "ID"), unlike Defender's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<BTreeMap<String, String>>,
    /// Read-only: the add-on's identity.
    #[serde(default, skip_serializing)]
    pub identity: Option<UserAssignedIdentityRef>,
}

/// `servicePrincipalProfile`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipalProfile {
    /// `msi` with a managed identity.
    pub client_id: String,
}

/// `metricsProfile`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricsProfile {
    /// Cost analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_analysis: Option<Enabled>,
}

/// An entry of `agentPoolProfiles`: the pool's name and its properties, flat.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentPoolProfile {
    /// The pool name.
    pub name: String,
    /// Its settings.
    #[serde(flatten)]
    pub properties: AgentPoolProperties,
}

/// An agent pool resource (`.../managedClusters/{c}/agentPools/{p}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentPool {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub id: Option<String>,
    /// Read-only (the name comes from the URL).
    #[serde(default, skip_serializing)]
    pub name: Option<String>,
    /// Its settings.
    #[serde(default)]
    pub properties: AgentPoolProperties,
}

/// The settings of a pool.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentPoolProperties {
    /// Read-only.
    #[serde(default, skip_serializing, rename = "eTag")]
    pub e_tag: Option<String>,
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub provisioning_state: Option<String>,
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub power_state: Option<PowerState>,
    /// Number of nodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// VM size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vm_size: Option<String>,
    /// OS disk size (note: `osDiskSizeGB`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "osDiskSizeGB"
    )]
    pub os_disk_size_gb: Option<u32>,
    /// `Managed` or `Ephemeral`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_disk_type: Option<String>,
    /// `Linux` or `Windows`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_type: Option<String>,
    /// OS SKU (note: `osSKU`).
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "osSKU")]
    pub os_sku: Option<String>,
    /// Max pods per node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pods: Option<u32>,
    /// `System` or `User`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The requested version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orchestrator_version: Option<String>,
    /// Read-only: the version running.
    #[serde(default, skip_serializing)]
    pub current_orchestrator_version: Option<String>,
    /// Read-only (in the versions aksform pins, aksform never sets it).
    #[serde(default, skip_serializing)]
    pub node_image_version: Option<String>,
    /// Node subnet (note: `vnetSubnetID`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "vnetSubnetID"
    )]
    pub vnet_subnet_id: Option<String>,
    /// Pod subnet (note: `podSubnetID`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "podSubnetID"
    )]
    pub pod_subnet_id: Option<String>,
    /// Cluster autoscaler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_auto_scaling: Option<bool>,
    /// Autoscaler lower bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_count: Option<u32>,
    /// Autoscaler upper bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_count: Option<u32>,
    /// Zones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zones: Option<Vec<String>>,
    /// Kubernetes node labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_labels: Option<BTreeMap<String, String>>,
    /// Kubernetes node taints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_taints: Option<Vec<String>>,
    /// Azure tags of the pool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// `VirtualMachineScaleSets`.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "type")]
    pub kind: Option<String>,
    /// Surge and drain settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade_settings: Option<UpgradeSettings>,
    /// Host encryption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_encryption_at_host: Option<bool>,
    /// Public IPs on nodes (note: `enableNodePublicIP`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "enableNodePublicIP"
    )]
    pub enable_node_public_ip: Option<bool>,
    /// FIPS (note: `enableFIPS`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "enableFIPS"
    )]
    pub enable_fips: Option<bool>,
    /// `Regular` or `Spot`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_set_priority: Option<String>,
    /// `Delete` or `Deallocate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_set_eviction_policy: Option<String>,
    /// Maximum Spot price (-1 = on-demand price).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_max_price: Option<f64>,
}

/// `upgradeSettings`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeSettings {
    /// `"33%"` or a node count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<String>,
    /// `"1"` or a percentage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<String>,
    /// Drain timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drain_timeout_in_minutes: Option<u32>,
    /// Soak time between nodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_soak_duration_in_minutes: Option<u32>,
    /// `Cordon` or `Schedule`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undrainable_node_behavior: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn read_only_fields_are_read_but_never_sent() {
        let live = json!({
            "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks",
            "name": "aks",
            "eTag": "e1",
            "location": "westeurope",
            "identity": {"type": "SystemAssigned", "principalId": "p", "tenantId": "t"},
            "properties": {
                "provisioningState": "Succeeded",
                "kubernetesVersion": "1.33",
                "currentKubernetesVersion": "1.33.5",
                "fqdn": "aks-x.hcp.westeurope.azmk8s.io",
                "enableRBAC": true,
                "agentPoolProfiles": [{"name": "system", "count": 3, "vmSize": "Standard_D4ds_v5", "eTag": "p1", "currentOrchestratorVersion": "1.33.5", "vnetSubnetID": "/s"}],
                "securityProfile": {"defender": {"logAnalyticsWorkspaceResourceId": "/w", "securityMonitoring": {"enabled": true}}},
                "addonProfiles": {"omsagent": {"enabled": true, "config": {"logAnalyticsWorkspaceResourceID": "/w"}, "identity": {"clientId": "c"}}},
                "oidcIssuerProfile": {"enabled": true, "issuerURL": "https://x"},
                "unknownFutureField": 1
            }
        });
        let c: ManagedCluster = serde_json::from_value(live).unwrap();
        assert_eq!(c.e_tag.as_deref(), Some("e1"));
        assert_eq!(
            c.properties.current_kubernetes_version.as_deref(),
            Some("1.33.5")
        );
        let pool = &c.properties.agent_pool_profiles.as_ref().unwrap()[0];
        assert_eq!(pool.properties.vnet_subnet_id.as_deref(), Some("/s"));
        let sent = serde_json::to_value(&c).unwrap();
        for path in [
            "/id",
            "/name",
            "/eTag",
            "/identity/principalId",
            "/properties/provisioningState",
            "/properties/currentKubernetesVersion",
            "/properties/fqdn",
            "/properties/agentPoolProfiles/0/eTag",
            "/properties/agentPoolProfiles/0/currentOrchestratorVersion",
            "/properties/addonProfiles/omsagent/identity",
            "/properties/oidcIssuerProfile/issuerURL",
        ] {
            assert!(sent.pointer(path).is_none(), "{path} must not be sent");
        }
        assert_eq!(sent["properties"]["enableRBAC"], true);
        assert_eq!(
            sent["properties"]["securityProfile"]["defender"]["logAnalyticsWorkspaceResourceId"],
            "/w"
        );
        assert_eq!(
            sent["properties"]["addonProfiles"]["omsagent"]["config"]["logAnalyticsWorkspaceResourceID"],
            "/w"
        );
        assert_eq!(
            sent["properties"]["agentPoolProfiles"][0]["vnetSubnetID"],
            "/s"
        );
        assert!(sent["properties"].get("kubernetesVersion").is_some());
        // Absent optional fields are left out.
        assert!(sent["properties"].get("networkProfile").is_none());
        assert!(sent.get("tags").is_none());
    }
}
