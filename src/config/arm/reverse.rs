//! Reading a live ARM body back into azurerm attribute values, to show a live resource in HCL
//! terms and to compare it with the configuration attribute by attribute.
//!
//! The read-back rules of `azurerm-to-arm.md` apply: null means the documented default, enums
//! come back in the azurerm spelling (matched case-insensitively against the schema's allowed
//! values), a subnet's single `addressPrefix` is wrapped into `address_prefixes`, names and
//! parents come from the id. Every schema attribute is present in the result (null when Azure
//! has nothing), every block a list (empty when absent).

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::normalize::{canonical_enum, pointer_ci};
use super::other::{role_assignment_from_arm, workspace_from_arm};
use super::pool::pool_values;
use super::reverse_cluster::cluster_from_arm;
use crate::addr::Mode;
use crate::config::schema::{self, BodySchema};
use crate::config::value::Value;
use crate::model::ResourceId;

/// `null`, for readers of absent values.
pub(super) static NULL: Json = Json::Null;

/// Reads a live body with case-insensitive keys; `null` counts as absent.
#[derive(Clone, Copy)]
pub(super) struct Live<'a>(pub(super) &'a Json);

impl<'a> Live<'a> {
    /// The non-null value at `ptr`.
    pub(super) fn get(&self, ptr: &str) -> Option<&'a Json> {
        pointer_ci(self.0, ptr).filter(|v| !v.is_null())
    }

    /// A reader rooted at `ptr` (an empty object when absent).
    pub(super) fn at(&self, ptr: &str) -> Live<'a> {
        Live(self.get(ptr).unwrap_or(&NULL))
    }

    /// A non-empty string at `ptr`, else null.
    pub(super) fn str(&self, ptr: &str) -> Value {
        match self.get(ptr).and_then(Json::as_str) {
            Some(s) if !s.is_empty() => Value::string(s),
            _ => Value::Null,
        }
    }

    /// A bool at `ptr`, `default` when absent.
    pub(super) fn bool_or(&self, ptr: &str, default: bool) -> Value {
        Value::Bool(self.get(ptr).and_then(Json::as_bool).unwrap_or(default))
    }

    /// A number at `ptr`, else null.
    pub(super) fn num(&self, ptr: &str) -> Value {
        self.get(ptr)
            .and_then(Json::as_f64)
            .map_or(Value::Null, Value::Number)
    }

    /// The strings of an array at `ptr` (empty when absent).
    pub(super) fn strings(&self, ptr: &str) -> Vec<Value> {
        self.get(ptr)
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Json::as_str)
                    .map(Value::string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A map of strings at `ptr` (empty when absent).
    pub(super) fn string_map(&self, ptr: &str) -> Value {
        Value::Map(
            self.get(ptr)
                .and_then(Json::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), Value::string(v.as_str()?))))
                        .collect()
                })
                .unwrap_or_default(),
        )
    }
}

/// A map of attribute values.
pub(super) type Attrs = BTreeMap<String, Value>;

/// Builds an attribute map from pairs.
pub(super) fn attrs<const N: usize>(pairs: [(&str, Value); N]) -> Attrs {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// A block value: a list of one object.
pub(super) fn block(values: Attrs) -> Value {
    Value::List(vec![Value::Map(values)])
}

/// `v`, or `default` when null.
pub(super) fn or(v: Value, default: &str) -> Value {
    if v.is_null() {
        Value::string(default)
    } else {
        v
    }
}

/// No block when `cond` is false.
pub(super) fn block_if(cond: bool, values: impl FnOnce() -> Attrs) -> Value {
    if cond {
        block(values())
    } else {
        Value::List(Vec::new())
    }
}

/// The azurerm attribute values of a live ARM body of `type_name` (`azurerm_subnet`, ...). For
/// a subnet–NSG association, `live` is the subnet. Clusters are read without maintenance
/// windows; use [`cluster_from_arm`] to include them. An unknown type gives an empty map.
pub fn from_arm(type_name: &str, live: &Json) -> BTreeMap<String, Value> {
    let l = Live(live);
    let id = l.get("/id").and_then(Json::as_str).unwrap_or("");
    let parsed = id.parse::<ResourceId>().ok();
    let name = l.str("/name");
    let name = if name.is_null() {
        parsed
            .as_ref()
            .map_or(Value::Null, |p| Value::string(p.name()))
    } else {
        name
    };
    let rg = parsed
        .as_ref()
        .and_then(ResourceId::resource_group_name)
        .map_or(Value::Null, Value::string);
    let mut out = match type_name {
        "azurerm_resource_group" => attrs([("managed_by", l.str("/managedBy"))]),
        "azurerm_virtual_network" => virtual_network(l),
        "azurerm_subnet" => {
            let mut s = subnet(l.at("/properties"));
            let vnet = parsed.as_ref().and_then(ResourceId::parent);
            s.insert(
                "virtual_network_name".into(),
                vnet.map_or(Value::Null, |v| Value::string(v.name())),
            );
            s
        }
        "azurerm_subnet_network_security_group_association" => {
            return conform(
                type_name,
                attrs([
                    ("id", l.str("/id")),
                    ("subnet_id", l.str("/id")),
                    (
                        "network_security_group_id",
                        l.str("/properties/networkSecurityGroup/id"),
                    ),
                ]),
            );
        }
        "azurerm_network_security_group" => attrs([(
            "security_rule",
            Value::List(
                l.get("/properties/securityRules")
                    .and_then(Json::as_array)
                    .map(|rules| rules.iter().map(|r| security_rule(Live(r))).collect())
                    .unwrap_or_default(),
            ),
        )]),
        "azurerm_log_analytics_workspace" => workspace_from_arm(l),
        "azurerm_role_assignment" => return conform(type_name, role_assignment_from_arm(l, id)),
        "azurerm_kubernetes_cluster" => return cluster_from_arm(live, &[], None),
        "azurerm_kubernetes_cluster_node_pool" => {
            let mut p = pool_values(l.at("/properties"), false);
            p.insert(
                "kubernetes_cluster_id".into(),
                parsed
                    .as_ref()
                    .and_then(ResourceId::parent)
                    .map_or(Value::Null, |c| Value::string(c.as_str())),
            );
            p
        }
        _ => return BTreeMap::new(),
    };
    out.insert("id".into(), l.str("/id"));
    out.insert("name".into(), name);
    out.insert("resource_group_name".into(), rg);
    if type_name != "azurerm_subnet" && type_name != "azurerm_kubernetes_cluster_node_pool" {
        out.insert("location".into(), l.str("/location"));
        out.insert("tags".into(), l.string_map("/tags"));
    }
    conform(type_name, out)
}

/// Fills every schema attribute and block (null / empty list), drops what the schema does not
/// know, and brings enums to the azurerm spelling.
pub(super) fn conform(type_name: &str, mut values: Attrs) -> Attrs {
    if let Some(s) = schema::schema(Mode::Managed, type_name) {
        conform_body(&s.body, &mut values);
    }
    values
}

fn conform_body(body: &BodySchema, values: &mut Attrs) {
    values.retain(|k, _| body.attr(k).is_some() || body.block(k).is_some());
    for a in &body.attrs {
        let v = values.entry(a.name.to_string()).or_insert(Value::Null);
        if let Value::String(s) = v
            && !a.allowed.is_empty()
        {
            *s = canonical_enum(s, a.allowed);
        }
    }
    for b in &body.blocks {
        let v = values
            .entry(b.name.to_string())
            .or_insert(Value::List(Vec::new()));
        if let Value::List(items) = v {
            for item in items {
                if let Value::Map(m) = item {
                    conform_body(&b.body, m);
                }
            }
        }
    }
}

fn virtual_network(l: Live<'_>) -> Attrs {
    let subnets = l
        .get("/properties/subnets")
        .and_then(Json::as_array)
        .map(|list| {
            list.iter()
                .map(|s| {
                    let s = Live(s);
                    let mut m = subnet(s.at("/properties"));
                    m.insert("id".into(), s.str("/id"));
                    m.insert("name".into(), s.str("/name"));
                    m.insert(
                        "security_group".into(),
                        s.str("/properties/networkSecurityGroup/id"),
                    );
                    Value::Map(m)
                })
                .collect()
        })
        .unwrap_or_default();
    attrs([
        ("guid", l.str("/properties/resourceGuid")),
        (
            "address_space",
            Value::set(l.strings("/properties/addressSpace/addressPrefixes")),
        ),
        (
            "dns_servers",
            Value::List(l.strings("/properties/dhcpOptions/dnsServers")),
        ),
        ("subnet", Value::List(subnets)),
    ])
}

/// A subnet's `properties` (also the inline form of a network).
fn subnet(p: Live<'_>) -> Attrs {
    let mut prefixes = p.strings("/addressPrefixes");
    if prefixes.is_empty()
        && let Value::String(one) = p.str("/addressPrefix")
    {
        prefixes.push(Value::String(one));
    }
    let endpoints = p
        .get("/serviceEndpoints")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|e| Some(Value::string(e.get("service")?.as_str()?)))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let link = p
        .get("/privateLinkServiceNetworkPolicies")
        .and_then(Json::as_str)
        .is_none_or(|s| s.eq_ignore_ascii_case("Enabled"));
    let delegations = p
        .get("/delegations")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .map(|d| {
                    let d = Live(d);
                    Value::Map(attrs([
                        ("name", d.str("/name")),
                        (
                            "service_delegation",
                            block(attrs([
                                ("name", d.str("/properties/serviceName")),
                                ("actions", Value::set(d.strings("/properties/actions"))),
                            ])),
                        ),
                    ]))
                })
                .collect()
        })
        .unwrap_or_default();
    attrs([
        ("address_prefixes", Value::List(prefixes)),
        ("service_endpoints", Value::set(endpoints)),
        (
            "private_endpoint_network_policies",
            p.str("/privateEndpointNetworkPolicies"),
        ),
        (
            "private_link_service_network_policies_enabled",
            Value::Bool(link),
        ),
        (
            "default_outbound_access_enabled",
            p.bool_or("/defaultOutboundAccess", true),
        ),
        ("delegation", Value::List(delegations)),
    ])
}

fn security_rule(r: Live<'_>) -> Value {
    let p = r.at("/properties");
    let ids = |ptr: &str| {
        Value::set(
            p.get(ptr)
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|e| Some(Value::string(e.get("id")?.as_str()?)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
        )
    };
    Value::Map(attrs([
        ("name", r.str("/name")),
        ("description", p.str("/description")),
        ("priority", p.num("/priority")),
        ("direction", p.str("/direction")),
        ("access", p.str("/access")),
        ("protocol", p.str("/protocol")),
        ("source_port_range", p.str("/sourcePortRange")),
        (
            "source_port_ranges",
            Value::set(p.strings("/sourcePortRanges")),
        ),
        ("destination_port_range", p.str("/destinationPortRange")),
        (
            "destination_port_ranges",
            Value::set(p.strings("/destinationPortRanges")),
        ),
        ("source_address_prefix", p.str("/sourceAddressPrefix")),
        (
            "source_address_prefixes",
            Value::set(p.strings("/sourceAddressPrefixes")),
        ),
        (
            "destination_address_prefix",
            p.str("/destinationAddressPrefix"),
        ),
        (
            "destination_address_prefixes",
            Value::set(p.strings("/destinationAddressPrefixes")),
        ),
        (
            "source_application_security_group_ids",
            ids("/sourceApplicationSecurityGroups"),
        ),
        (
            "destination_application_security_group_ids",
            ids("/destinationApplicationSecurityGroups"),
        ),
    ]))
}
