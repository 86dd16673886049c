//! Resource groups and the network resources: virtual network, subnet, network security group,
//! and the subnet–NSG association (§3–§6 of `azurerm-to-arm.md`).
//!
//! The association has no ARM resource of its own: azurerm gives it the subnet's id, and it is
//! the subnet's `properties.networkSecurityGroup.id`. It maps to a [`super::Desired`] on the
//! subnet id that manages only that pointer. Because the planner compares and merges managed
//! pointers only, the subnet's own `Desired` (which never manages `networkSecurityGroup`) and the
//! association's compose on the same ARM resource without overwriting each other, exactly as the
//! two azurerm resources share the subnet; deleting the association clears the pointer
//! ([`super::OnDelete::ClearManaged`]) instead of deleting the subnet.

use serde_json::{Map, Value as Json, json};

use super::MapError;
use super::builder::{
    Builder, Slot, boolean, enabled, id_refs, int, location, string, string_map, strings,
};
use crate::config::value::Value;

/// `location` and `tags` (`{}` when unset, as azurerm sends).
fn location_and_tags(b: &mut Builder<'_>) -> Result<(), MapError> {
    b.map("/location", "location", location)?;
    b.map_or("/tags", "tags", json!({}), string_map)
}

/// azurerm_resource_group → `{location, tags, managedBy}`.
pub(super) fn resource_group(b: &mut Builder<'_>) -> Result<(), MapError> {
    location_and_tags(b)?;
    b.map("/managedBy", "managed_by", string)?;
    Ok(())
}

/// azurerm_virtual_network → `{location, tags, properties: {addressSpace, dhcpOptions,
/// subnets}}`. Inline subnets are managed only when `subnet` blocks are written: otherwise the
/// live list (with the azurerm_subnet children) must be kept.
pub(super) fn virtual_network(b: &mut Builder<'_>) -> Result<(), MapError> {
    location_and_tags(b)?;
    b.map(
        "/properties/addressSpace/addressPrefixes",
        "address_space",
        strings,
    )?;
    b.map("/properties/dhcpOptions/dnsServers", "dns_servers", strings)?;
    if b.block("subnet") == Some(true) || matches!(b.slot("subnet"), Slot::Unknown) {
        b.map("/properties/subnets", "subnet", inline_subnets)?;
    }
    Ok(())
}

fn field<'a>(m: &'a Value, name: &str) -> Option<&'a Value> {
    m.get(name).filter(|v| !v.is_null())
}

fn seq(m: &Value, name: &str) -> Vec<Value> {
    field(m, name)
        .and_then(Value::as_seq)
        .map(<[Value]>::to_vec)
        .unwrap_or_default()
}

fn text(m: &Value, name: &str) -> Result<Option<Json>, String> {
    field(m, name)
        .map(|v| string(v).map_err(|e| format!("{name}: {e}")))
        .transpose()
}

/// One or several prefixes: a single prefix goes to the singular field (§5).
fn prefixes(props: &mut Map<String, Json>, list: Vec<Value>) -> Result<(), String> {
    let Json::Array(mut items) = strings(&Value::List(list))? else {
        return Err("expected a list".into());
    };
    if items.len() == 1 {
        props.insert("addressPrefix".into(), items.remove(0));
    } else {
        props.insert("addressPrefixes".into(), Json::Array(items));
    }
    Ok(())
}

fn service_endpoints(list: &[Value]) -> Result<Json, String> {
    list.iter()
        .map(|s| string(s).map(|s| json!({ "service": s })))
        .collect::<Result<Vec<_>, _>>()
        .map(Json::Array)
}

fn inline_subnets(v: &Value) -> Result<Json, String> {
    let mut out = Vec::new();
    for s in v.as_seq().unwrap_or_default() {
        let mut props = Map::new();
        prefixes(&mut props, seq(s, "address_prefixes"))?;
        if let Some(id) = text(s, "security_group")? {
            props.insert("networkSecurityGroup".into(), json!({ "id": id }));
        }
        props.insert(
            "serviceEndpoints".into(),
            service_endpoints(&seq(s, "service_endpoints"))?,
        );
        if let Some(d) = field(s, "default_outbound_access_enabled") {
            props.insert("defaultOutboundAccess".into(), boolean(d)?);
        }
        if let Some(p) = text(s, "private_endpoint_network_policies")? {
            props.insert("privateEndpointNetworkPolicies".into(), p);
        }
        out.push(json!({ "name": text(s, "name")?, "properties": props }));
    }
    Ok(Json::Array(out))
}

/// azurerm_subnet → `{properties: {...}}`; never `networkSecurityGroup` (the association's).
pub(super) fn subnet(b: &mut Builder<'_>) -> Result<(), MapError> {
    const ONE: &str = "/properties/addressPrefix";
    const MANY: &str = "/properties/addressPrefixes";
    match b.slot("address_prefixes") {
        Slot::Known(v) => {
            let mut props = Map::new();
            prefixes(&mut props, v.as_seq().unwrap_or_default().to_vec())
                .map_err(|e| b.error("address_prefixes", e))?;
            for (ptr, key) in [(ONE, "addressPrefix"), (MANY, "addressPrefixes")] {
                match props.remove(key) {
                    Some(value) => b.set(ptr, "address_prefixes", value),
                    // The other field is managed as absent, so a write nulls it.
                    None => b.absent(ptr, "address_prefixes"),
                }
            }
        }
        Slot::Unknown => {
            b.unknown(ONE, "address_prefixes");
            b.unknown(MANY, "address_prefixes");
        }
        Slot::Unset => {}
    }
    b.map_or(
        "/properties/serviceEndpoints",
        "service_endpoints",
        json!([]),
        |v| service_endpoints(v.as_seq().unwrap_or_default()),
    )?;
    b.map(
        "/properties/privateEndpointNetworkPolicies",
        "private_endpoint_network_policies",
        string,
    )?;
    b.map(
        "/properties/privateLinkServiceNetworkPolicies",
        "private_link_service_network_policies_enabled",
        enabled,
    )?;
    b.map(
        "/properties/defaultOutboundAccess",
        "default_outbound_access_enabled",
        boolean,
    )?;
    b.map_or(
        "/properties/delegations",
        "delegation",
        json!([]),
        delegations,
    )?;
    Ok(())
}

fn delegations(v: &Value) -> Result<Json, String> {
    let mut out = Vec::new();
    for d in v.as_seq().unwrap_or_default() {
        let service = seq(d, "service_delegation");
        let service = service.first().unwrap_or(&Value::Null);
        let mut props = Map::new();
        if let Some(name) = text(service, "name")? {
            props.insert("serviceName".into(), name);
        }
        let actions = seq(service, "actions");
        if !actions.is_empty() {
            props.insert("actions".into(), strings(&Value::List(actions))?);
        }
        out.push(json!({ "name": text(d, "name")?, "properties": props }));
    }
    Ok(Json::Array(out))
}

/// azurerm_network_security_group → `{location, tags, properties: {securityRules}}`. The rules
/// are Optional+Computed (attribute mode): with no `security_rule` block they are not managed.
pub(super) fn security_group(b: &mut Builder<'_>) -> Result<(), MapError> {
    location_and_tags(b)?;
    if b.block("security_rule") != Some(false) {
        b.map("/properties/securityRules", "security_rule", security_rules)?;
    }
    Ok(())
}

/// Singular fields sent as `""` when unset (§6); plural ones only when non-empty.
const RULE_PAIRS: &[(&str, &str, &str, &str)] = &[
    (
        "source_port_range",
        "sourcePortRange",
        "source_port_ranges",
        "sourcePortRanges",
    ),
    (
        "destination_port_range",
        "destinationPortRange",
        "destination_port_ranges",
        "destinationPortRanges",
    ),
    (
        "source_address_prefix",
        "sourceAddressPrefix",
        "source_address_prefixes",
        "sourceAddressPrefixes",
    ),
    (
        "destination_address_prefix",
        "destinationAddressPrefix",
        "destination_address_prefixes",
        "destinationAddressPrefixes",
    ),
];

fn security_rules(v: &Value) -> Result<Json, String> {
    let mut out = Vec::new();
    for r in v.as_seq().unwrap_or_default() {
        let name = text(r, "name")?;
        let mut p = Map::new();
        if let Some(d) = text(r, "description")?.filter(|d| d != "") {
            p.insert("description".into(), d);
        }
        let priority = field(r, "priority").ok_or("a rule has no priority")?;
        p.insert("priority".into(), int(priority)?);
        for key in ["direction", "access", "protocol"] {
            p.insert(key.into(), text(r, key)?.unwrap_or_else(|| json!("")));
        }
        for (one, one_json, many, many_json) in RULE_PAIRS {
            p.insert(
                (*one_json).into(),
                text(r, one)?.unwrap_or_else(|| json!("")),
            );
            let list = seq(r, many);
            if !list.is_empty() {
                p.insert((*many_json).into(), strings(&Value::List(list))?);
            }
        }
        for (attr, key) in [
            (
                "source_application_security_group_ids",
                "sourceApplicationSecurityGroups",
            ),
            (
                "destination_application_security_group_ids",
                "destinationApplicationSecurityGroups",
            ),
        ] {
            let ids = seq(r, attr);
            if !ids.is_empty() {
                p.insert(key.into(), id_refs(&Value::List(ids))?);
            }
        }
        out.push(json!({ "name": name, "properties": p }));
    }
    Ok(Json::Array(out))
}

/// azurerm_subnet_network_security_group_association → the subnet's
/// `properties.networkSecurityGroup.id`, and nothing else.
/// The subnet field an `azurerm_subnet_network_security_group_association` owns.
pub const ASSOCIATION_POINTER: &str = "/properties/networkSecurityGroup/id";

pub(super) fn association(b: &mut Builder<'_>) -> Result<(), MapError> {
    b.map(ASSOCIATION_POINTER, "network_security_group_id", string)?;
    Ok(())
}
