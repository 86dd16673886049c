//! Microsoft.Network virtual networks, subnets and network security groups, with ARM's JSON
//! names. Read-only fields are `skip_serializing`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `{ "id": ... }` references.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubResource {
    /// The referenced resource's id.
    pub id: String,
}

/// A virtual network.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualNetwork {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub id: Option<String>,
    /// Read-only (the name comes from the URL).
    #[serde(default, skip_serializing)]
    pub name: Option<String>,
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub etag: Option<String>,
    /// Region.
    pub location: String,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// Everything else.
    #[serde(default)]
    pub properties: VirtualNetworkProperties,
}

/// `properties` of a virtual network.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualNetworkProperties {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub provisioning_state: Option<String>,
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub resource_guid: Option<String>,
    /// Address space.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_space: Option<AddressSpace>,
    /// DNS servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dhcp_options: Option<DhcpOptions>,
    /// Subnets (inline view). Omitting them from a PUT deletes them, so writes always carry the
    /// live list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnets: Option<Vec<Subnet>>,
}

/// `addressSpace`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressSpace {
    /// CIDR blocks.
    #[serde(default)]
    pub address_prefixes: Vec<String>,
}

/// `dhcpOptions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DhcpOptions {
    /// DNS servers.
    #[serde(default)]
    pub dns_servers: Vec<String>,
}

/// A subnet (inline in a network, or the `.../subnets/{name}` resource).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subnet {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub id: Option<String>,
    /// The name (required inline, read-only for the child resource).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub etag: Option<String>,
    /// Everything else.
    #[serde(default)]
    pub properties: SubnetProperties,
}

/// `properties` of a subnet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubnetProperties {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub provisioning_state: Option<String>,
    /// One prefix (Azure returns a single prefix here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_prefix: Option<String>,
    /// Several prefixes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_prefixes: Option<Vec<String>>,
    /// The attached network security group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_security_group: Option<SubResource>,
    /// Service endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_endpoints: Option<Vec<ServiceEndpoint>>,
    /// Delegations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegations: Option<Vec<Delegation>>,
    /// `Disabled`, `Enabled`, `NetworkSecurityGroupEnabled` or `RouteTableEnabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_endpoint_network_policies: Option<String>,
    /// `Enabled` or `Disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_link_service_network_policies: Option<String>,
    /// Default outbound access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_outbound_access: Option<bool>,
}

/// A service endpoint; Azure adds read-only `locations`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceEndpoint {
    /// e.g. `Microsoft.Storage`.
    pub service: String,
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub locations: Option<Vec<String>>,
}

/// A subnet delegation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delegation {
    /// The delegation's name.
    pub name: String,
    /// The service and actions.
    #[serde(default)]
    pub properties: DelegationProperties,
}

/// `properties` of a delegation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DelegationProperties {
    /// e.g. `Microsoft.ContainerService/managedClusters`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// Actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<String>>,
}

/// A network security group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkSecurityGroup {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub id: Option<String>,
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub etag: Option<String>,
    /// Region.
    pub location: String,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// Everything else.
    #[serde(default)]
    pub properties: NetworkSecurityGroupProperties,
}

/// `properties` of a network security group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkSecurityGroupProperties {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub provisioning_state: Option<String>,
    /// The rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_rules: Option<Vec<SecurityRule>>,
    /// Read-only: the six rules every group has.
    #[serde(default, skip_serializing)]
    pub default_security_rules: Option<Vec<SecurityRule>>,
    /// Read-only: the subnets that use it.
    #[serde(default, skip_serializing)]
    pub subnets: Option<Vec<SubResource>>,
}

/// A security rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityRule {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub id: Option<String>,
    /// The rule's name.
    pub name: String,
    /// Its settings.
    #[serde(default)]
    pub properties: SecurityRuleProperties,
}

/// `properties` of a security rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityRuleProperties {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub provisioning_state: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// 100-4096.
    pub priority: u32,
    /// `Inbound` or `Outbound`.
    pub direction: String,
    /// `Allow` or `Deny`.
    pub access: String,
    /// `*`, `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah`.
    pub protocol: String,
    /// One source port range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_port_range: Option<String>,
    /// Several source port ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_port_ranges: Option<Vec<String>>,
    /// One destination port range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_port_range: Option<String>,
    /// Several destination port ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_port_ranges: Option<Vec<String>>,
    /// One source prefix or service tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_address_prefix: Option<String>,
    /// Several source prefixes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_address_prefixes: Option<Vec<String>>,
    /// One destination prefix or service tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_address_prefix: Option<String>,
    /// Several destination prefixes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_address_prefixes: Option<Vec<String>>,
    /// Source application security groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_application_security_groups: Option<Vec<SubResource>>,
    /// Destination application security groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_application_security_groups: Option<Vec<SubResource>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subnets_and_rules_round_trip_without_read_only_fields() {
        let live = json!({
            "id": "/v", "name": "v", "etag": "W/\"1\"", "location": "westeurope",
            "properties": {
                "provisioningState": "Succeeded", "resourceGuid": "g",
                "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                "subnets": [{"id": "/v/subnets/s", "name": "s", "etag": "W/\"2\"", "properties": {
                    "provisioningState": "Succeeded", "addressPrefix": "10.0.0.0/24",
                    "networkSecurityGroup": {"id": "/n"},
                    "serviceEndpoints": [{"service": "Microsoft.Storage", "locations": ["westeurope"]}]
                }}]
            }
        });
        let v: VirtualNetwork = serde_json::from_value(live).unwrap();
        let sent = serde_json::to_value(&v).unwrap();
        assert_eq!(
            sent,
            json!({"location": "westeurope", "properties": {
                "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                "subnets": [{"name": "s", "properties": {"addressPrefix": "10.0.0.0/24",
                    "networkSecurityGroup": {"id": "/n"}, "serviceEndpoints": [{"service": "Microsoft.Storage"}]}}]
            }})
        );
        let nsg: NetworkSecurityGroup = serde_json::from_value(json!({
            "location": "westeurope",
            "properties": {"securityRules": [{"name": "r", "id": "/r", "properties": {"priority": 4000, "direction": "Inbound", "access": "Deny", "protocol": "Tcp", "destinationPortRanges": ["22"]}}],
                "defaultSecurityRules": [{"name": "d", "properties": {"priority": 65000, "direction": "Inbound", "access": "Allow", "protocol": "*"}}]}
        })).unwrap();
        let sent = serde_json::to_value(&nsg).unwrap();
        assert!(sent["properties"].get("defaultSecurityRules").is_none());
        assert_eq!(
            sent["properties"]["securityRules"][0],
            json!({"name": "r", "properties": {"priority": 4000, "direction": "Inbound", "access": "Deny", "protocol": "Tcp", "destinationPortRanges": ["22"]}})
        );
    }
}
