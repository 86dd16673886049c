//! Rules across resources: subnets of one virtual network must not overlap and must lie inside
//! its address space, and no two resources may manage the same Azure object.

use std::collections::BTreeMap;

use crate::config::eval::ResourceInstance;
use crate::config::schema::checks::ipv4_range;
use crate::diag::{Diagnostic, Diagnostics, Span};

/// One subnet prefix, wherever it is declared.
struct Prefix {
    /// `(resource group, network)`, lowercased.
    network: (String, String),
    subnet: String,
    cidr: String,
    range: (u32, u32),
    span: Span,
}

fn prefixes(resources: &[ResourceInstance]) -> Vec<Prefix> {
    let mut out = Vec::new();
    let mut push = |network: (String, String),
                    subnet: String,
                    list: Option<&[crate::config::value::Value]>,
                    span: Span| {
        for cidr in list.unwrap_or_default().iter().filter_map(|v| v.as_str()) {
            if let Some(range) = ipv4_range(cidr) {
                out.push(Prefix {
                    network: network.clone(),
                    subnet: subnet.clone(),
                    cidr: cidr.to_string(),
                    range,
                    span: span.clone(),
                });
            }
        }
    };
    // A subnet that is its own resource also shows in its network's `subnet` list once the
    // network's computed values are filled from Azure: it is one subnet, counted once.
    let separate: std::collections::BTreeSet<(String, String, String)> = resources
        .iter()
        .filter(|r| r.addr.resource.type_name == "azurerm_subnet")
        .filter_map(|r| {
            Some((
                r.str("resource_group_name")?.to_ascii_lowercase(),
                r.str("virtual_network_name")?.to_ascii_lowercase(),
                r.str("name")?.to_ascii_lowercase(),
            ))
        })
        .collect();
    for r in resources {
        match r.addr.resource.type_name.as_str() {
            "azurerm_subnet" => {
                let (Some(rg), Some(vnet), Some(name)) = (
                    r.str("resource_group_name"),
                    r.str("virtual_network_name"),
                    r.str("name"),
                ) else {
                    continue;
                };
                push(
                    (rg.to_ascii_lowercase(), vnet.to_ascii_lowercase()),
                    name.to_string(),
                    r.get("address_prefixes").and_then(|v| v.as_seq()),
                    r.span_of("address_prefixes"),
                );
            }
            "azurerm_virtual_network" => {
                let (Some(rg), Some(vnet)) = (r.str("resource_group_name"), r.str("name")) else {
                    continue;
                };
                let n = r
                    .get("subnet")
                    .and_then(|v| v.as_seq())
                    .map_or(0, <[_]>::len);
                for i in 0..n {
                    let Some(name) = r.str(&format!("subnet.{i}.name")) else {
                        continue;
                    };
                    let key = (
                        rg.to_ascii_lowercase(),
                        vnet.to_ascii_lowercase(),
                        name.to_ascii_lowercase(),
                    );
                    if separate.contains(&key) {
                        continue;
                    }
                    push(
                        (rg.to_ascii_lowercase(), vnet.to_ascii_lowercase()),
                        name.to_string(),
                        r.get(&format!("subnet.{i}.address_prefixes"))
                            .and_then(|v| v.as_seq()),
                        r.span_of(&format!("subnet.{i}.address_prefixes")),
                    );
                }
            }
            _ => {}
        }
    }
    out
}

/// Subnets of the same network whose prefixes overlap.
pub(super) fn overlapping_subnets(resources: &[ResourceInstance], d: &mut Diagnostics) {
    let all = prefixes(resources);
    let mut by_network: BTreeMap<&(String, String), Vec<&Prefix>> = BTreeMap::new();
    for p in &all {
        by_network.entry(&p.network).or_default().push(p);
    }
    for (network, list) in by_network {
        for (i, b) in list.iter().enumerate() {
            if let Some(a) = list[..i]
                .iter()
                .find(|a| a.range.0 <= b.range.1 && b.range.0 <= a.range.1)
            {
                let same = a.subnet == b.subnet;
                d.push(
                    Diagnostic::error(if same {
                        format!(
                            "subnet {:?} has overlapping prefixes {} and {}",
                            b.subnet, a.cidr, b.cidr
                        )
                    } else {
                        format!(
                            "subnets {:?} and {:?} of network {:?} overlap ({} and {})",
                            a.subnet, b.subnet, network.1, a.cidr, b.cidr
                        )
                    })
                    .at(b.span.clone())
                    .label(format!("{} overlaps {}", b.cidr, a.cidr))
                    .related(a.span.clone(), format!("{} is declared here", a.cidr))
                    .help("give each subnet its own part of the network's address space"),
                );
            }
        }
    }
}

/// A declared virtual network: its `(resource group, name)` key and its IPv4 address ranges.
type Network<'a> = (&'a ResourceInstance, (String, String), Vec<(u32, u32)>);

/// Subnets whose prefixes lie outside their network's address space (when both are declared).
pub(super) fn subnets_inside_their_network(resources: &[ResourceInstance], d: &mut Diagnostics) {
    let networks: Vec<Network<'_>> = resources
        .iter()
        .filter(|r| r.addr.resource.type_name == "azurerm_virtual_network")
        .filter_map(|r| {
            let key = (
                r.str("resource_group_name")?.to_ascii_lowercase(),
                r.str("name")?.to_ascii_lowercase(),
            );
            let space = r
                .get("address_space")?
                .as_seq()?
                .iter()
                .map(|v| v.as_str().and_then(ipv4_range))
                .collect::<Option<Vec<_>>>()?;
            Some((r, key, space))
        })
        .collect();
    for p in prefixes(resources) {
        let Some((vnet, _, space)) = networks.iter().find(|(_, k, _)| *k == p.network) else {
            continue;
        };
        if !space.iter().any(|s| s.0 <= p.range.0 && p.range.1 <= s.1) {
            d.push(
                Diagnostic::error(format!(
                    "subnet {:?} ({}) is outside the address space of network {:?}",
                    p.subnet, p.cidr, p.network.1
                ))
                .at(p.span.clone())
                .label("not inside any address_space prefix")
                .related(vnet.span_of("address_space"), "the network's address space")
                .help(
                    "pick a prefix inside the network's address_space, or widen the address space",
                ),
            );
        }
    }
}

/// Two resources of the same type that would manage the same Azure object.
pub(super) fn duplicate_ids(resources: &[ResourceInstance], d: &mut Diagnostics) {
    let mut seen: BTreeMap<(String, String), &ResourceInstance> = BTreeMap::new();
    // In declaration order, so the later block is the one called a duplicate.
    let mut managed: Vec<&ResourceInstance> = resources
        .iter()
        .filter(|r| r.addr.resource.mode == crate::addr::Mode::Managed)
        .collect();
    managed.sort_by_key(|r| (r.span.file, r.span.range.start));
    for r in managed {
        let Some(id) = &r.id else { continue };
        let key = (r.addr.resource.type_name.clone(), id.to_ascii_lowercase());
        if let Some(first) = seen.get(&key) {
            d.push(
                Diagnostic::error(format!("{} and {} manage the same Azure resource", first.addr, r.addr))
                    .at(r.span.clone())
                    .label(format!("its id is {id}"))
                    .related(first.span.clone(), format!("{} has the same id", first.addr))
                    .help("give them different names, or remove one: two blocks would fight over one resource"),
            );
        } else {
            seen.insert(key, r);
        }
    }
}
