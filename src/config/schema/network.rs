//! Schemas of the resource group and the network resources: virtual network, subnet, network
//! security group, and the subnet–NSG association.

use super::{Attr, Block, IdCtx, ResourceSchema, body, checks, name_rg_location};
use crate::addr::Mode;

pub(super) fn resource_group() -> ResourceSchema {
    ResourceSchema {
        type_name: "azurerm_resource_group",
        mode: Mode::Managed,
        body: body(
            vec![
                Attr::string("id").computed(),
                Attr::string("name")
                    .required()
                    .force_new()
                    .check(checks::resource_group_name),
                Attr::string("location")
                    .required()
                    .force_new()
                    .check(checks::location),
                Attr::string("managed_by"),
                Attr::string_map("tags"),
            ],
            vec![],
        ),
        removed: &[],
        unsupported: &[],
        arm_id: Some(|c: &IdCtx<'_>| {
            Some(format!(
                "/subscriptions/{}/resourceGroups/{}",
                c.subscription?,
                c.str("name")?
            ))
        }),
        derive: None,
    }
}

fn inline_subnet() -> Block {
    Block::new("subnet").optional_computed().attrs([
        Attr::string("id").computed(),
        Attr::string("name").required(),
        Attr::strings("address_prefixes")
            .required()
            .check(checks::cidrs),
        Attr::string("security_group").check(checks::nsg_id),
        Attr::string_set("service_endpoints"),
        Attr::bool("default_outbound_access_enabled").default(true),
        Attr::string("private_endpoint_network_policies")
            .default("Disabled")
            .one_of(PRIVATE_ENDPOINT_POLICIES),
    ])
}

const PRIVATE_ENDPOINT_POLICIES: &[&str] = &[
    "Disabled",
    "Enabled",
    "NetworkSecurityGroupEnabled",
    "RouteTableEnabled",
];

pub(super) fn virtual_network() -> ResourceSchema {
    let mut attrs = vec![
        Attr::string("id").computed(),
        Attr::string("guid").computed(),
    ];
    attrs.extend(name_rg_location());
    attrs.extend([
        Attr::string_set("address_space")
            .required()
            .check(checks::cidrs),
        Attr::strings("dns_servers").optional_computed(),
        Attr::string_map("tags"),
    ]);
    ResourceSchema {
        type_name: "azurerm_virtual_network",
        mode: Mode::Managed,
        body: body(attrs, vec![inline_subnet()]),
        removed: &[],
        unsupported: &[
            "ddos_protection_plan",
            "encryption",
            "bgp_community",
            "edge_zone",
            "flow_timeout_in_minutes",
            "ip_address_pool",
            "private_endpoint_vnet_policies",
        ],
        arm_id: Some(|c: &IdCtx<'_>| {
            Some(format!(
                "{}/providers/Microsoft.Network/virtualNetworks/{}",
                c.resource_group()?,
                c.str("name")?
            ))
        }),
        derive: None,
    }
}

pub(super) fn subnet() -> ResourceSchema {
    ResourceSchema {
        type_name: "azurerm_subnet",
        mode: Mode::Managed,
        body: body(
            vec![
                Attr::string("id").computed(),
                Attr::string("name").required().force_new(),
                Attr::string("resource_group_name").required().force_new(),
                Attr::string("virtual_network_name").required().force_new(),
                Attr::strings("address_prefixes")
                    .required()
                    .check(checks::cidrs),
                Attr::string_set("service_endpoints"),
                Attr::string("private_endpoint_network_policies")
                    .default("Disabled")
                    .one_of(PRIVATE_ENDPOINT_POLICIES),
                Attr::bool("private_link_service_network_policies_enabled").default(true),
                Attr::bool("default_outbound_access_enabled").default(true),
            ],
            vec![
                Block::new("delegation")
                    .attr(Attr::string("name").required())
                    .block(
                        Block::single("service_delegation")
                            .required()
                            .attrs([Attr::string("name").required(), Attr::string_set("actions")]),
                    ),
            ],
        ),
        removed: &[
            (
                "enforce_private_link_endpoint_network_policies",
                "use private_endpoint_network_policies = \"Enabled\" or \"Disabled\"",
            ),
            (
                "private_endpoint_network_policies_enabled",
                "use private_endpoint_network_policies = \"Enabled\" or \"Disabled\"",
            ),
            (
                "enforce_private_link_service_network_policies",
                "use private_link_service_network_policies_enabled (note the inverted meaning)",
            ),
            ("address_prefix", "use address_prefixes = [\"...\"]"),
        ],
        unsupported: &["service_endpoint_policy_ids", "ip_address_pool"],
        arm_id: Some(|c: &IdCtx<'_>| {
            Some(format!(
                "{}/providers/Microsoft.Network/virtualNetworks/{}/subnets/{}",
                c.resource_group()?,
                c.str("virtual_network_name")?,
                c.str("name")?
            ))
        }),
        derive: None,
    }
}

pub(super) fn network_security_group() -> ResourceSchema {
    let mut attrs = vec![Attr::string("id").computed()];
    attrs.extend(name_rg_location());
    attrs.push(Attr::string_map("tags"));
    ResourceSchema {
        type_name: "azurerm_network_security_group",
        mode: Mode::Managed,
        body: body(
            attrs,
            vec![
                Block::new("security_rule").attrs([
                    Attr::string("name").required(),
                    Attr::string("description"),
                    Attr::number("priority")
                        .required()
                        .check(|v| checks::int_in(v, 100, 4096)),
                    Attr::string("direction")
                        .required()
                        .one_of(&["Inbound", "Outbound"]),
                    Attr::string("access").required().one_of(&["Allow", "Deny"]),
                    Attr::string("protocol")
                        .required()
                        .one_of(&["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"]),
                    Attr::string("source_port_range"),
                    Attr::string_set("source_port_ranges"),
                    Attr::string("destination_port_range"),
                    Attr::string_set("destination_port_ranges"),
                    Attr::string("source_address_prefix"),
                    Attr::string_set("source_address_prefixes"),
                    Attr::string("destination_address_prefix"),
                    Attr::string_set("destination_address_prefixes"),
                    Attr::string_set("source_application_security_group_ids"),
                    Attr::string_set("destination_application_security_group_ids"),
                ]),
            ],
        ),
        removed: &[],
        unsupported: &[],
        arm_id: Some(|c: &IdCtx<'_>| {
            Some(format!(
                "{}/providers/Microsoft.Network/networkSecurityGroups/{}",
                c.resource_group()?,
                c.str("name")?
            ))
        }),
        derive: None,
    }
}

pub(super) fn subnet_nsg_association() -> ResourceSchema {
    ResourceSchema {
        type_name: "azurerm_subnet_network_security_group_association",
        mode: Mode::Managed,
        body: body(
            vec![
                Attr::string("id").computed(),
                Attr::string("subnet_id")
                    .required()
                    .force_new()
                    .check(checks::subnet_id),
                Attr::string("network_security_group_id")
                    .required()
                    .force_new()
                    .check(checks::nsg_id),
            ],
            vec![],
        ),
        removed: &[],
        unsupported: &[],
        // azurerm gives the association the id of its subnet.
        arm_id: Some(|c: &IdCtx<'_>| c.str("subnet_id").map(str::to_string)),
        derive: None,
    }
}
