//! The order of a plan: which resources each resource depends on (through references,
//! `depends_on`, variables, locals, outputs and module calls), and the sequence apply starts them
//! in: dependencies first for creates and updates, the reverse for deletes.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::eval::{Evaluated, Graph, NodeKind};

/// For each resource node of the graph (module path + resource address, as `describe()` names
/// it), the resource nodes it depends on, following non-resource nodes through.
fn resource_deps(graph: &Graph) -> BTreeMap<usize, BTreeSet<usize>> {
    let mut out = BTreeMap::new();
    for (i, node) in graph.nodes.iter().enumerate() {
        if !matches!(node.kind, NodeKind::Resource(_)) {
            continue;
        }
        let mut found = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let mut stack: Vec<usize> = graph.deps[i].iter().copied().collect();
        while let Some(j) = stack.pop() {
            if !seen.insert(j) {
                continue;
            }
            if matches!(graph.nodes[j].kind, NodeKind::Resource(_)) {
                found.insert(j);
            } else {
                stack.extend(graph.deps[j].iter().copied());
            }
        }
        found.remove(&i);
        out.insert(i, found);
    }
    out
}

/// The graph node name of an instance address: `module.aks.azurerm_x.y["k"]` is in node
/// `module.aks.azurerm_x.y` (module keys dropped as well: `module.pools["a"].x.y` is
/// `module.pools.x.y`).
pub fn node_name(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for c in address.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '"' if depth > 0 => in_string = true,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Dependencies of every resource instance of `evaluated`, by address, and a rank per address
/// (its node's position in the evaluation order: dependencies have lower ranks).
pub fn dependencies(
    evaluated: &Evaluated,
) -> (BTreeMap<String, Vec<String>>, BTreeMap<String, usize>) {
    let graph = &evaluated.graph;
    let deps = resource_deps(graph);
    let mut by_node: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &evaluated.resources {
        let address = r.addr.to_string();
        by_node
            .entry(node_name(&address))
            .or_default()
            .push(address);
    }
    let (order, _) = graph.order();
    let rank_of_node: BTreeMap<String, usize> = order
        .iter()
        .enumerate()
        .map(|(rank, &i)| (graph.nodes[i].describe(), rank))
        .collect();
    let mut out = BTreeMap::new();
    let mut ranks = BTreeMap::new();
    for (i, node_deps) in &deps {
        let name = graph.nodes[*i].describe();
        let Some(instances) = by_node.get(&name) else {
            continue;
        };
        let upstream: Vec<String> = node_deps
            .iter()
            .filter_map(|j| by_node.get(&graph.nodes[*j].describe()))
            .flatten()
            .cloned()
            .collect();
        for address in instances {
            out.insert(address.clone(), upstream.clone());
            ranks.insert(
                address.clone(),
                rank_of_node.get(&name).copied().unwrap_or(usize::MAX),
            );
        }
    }
    (out, ranks)
}

/// The order deletes of resources no longer configured run in: dependents before what they
/// depend on, judged by type (role assignments, pools, clusters, then networks, groups last).
pub fn delete_rank(type_name: &str) -> usize {
    match type_name {
        "azurerm_role_assignment" => 0,
        "azurerm_kubernetes_cluster_node_pool" => 1,
        "azurerm_kubernetes_cluster" => 2,
        "azurerm_subnet_network_security_group_association" => 3,
        "azurerm_log_analytics_workspace" => 4,
        "azurerm_subnet" => 5,
        "azurerm_network_security_group" => 6,
        "azurerm_virtual_network" => 7,
        "azurerm_resource_group" => 9,
        _ => 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_addresses_map_to_their_nodes() {
        assert_eq!(
            node_name("azurerm_resource_group.main"),
            "azurerm_resource_group.main"
        );
        assert_eq!(
            node_name("module.aks[\"a]b\"].azurerm_role_assignment.admins[\"x\\\"y\"]"),
            "module.aks.azurerm_role_assignment.admins"
        );
        assert_eq!(node_name("azurerm_subnet.s[3]"), "azurerm_subnet.s");
    }

    #[test]
    fn deletes_run_dependents_first() {
        assert!(delete_rank("azurerm_role_assignment") < delete_rank("azurerm_kubernetes_cluster"));
        assert!(delete_rank("azurerm_subnet") < delete_rank("azurerm_virtual_network"));
        assert!(delete_rank("azurerm_virtual_network") < delete_rank("azurerm_resource_group"));
    }
}
