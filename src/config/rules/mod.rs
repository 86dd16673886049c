//! Cross-field rules: checks that involve more than one attribute or resource (a network policy
//! that needs a plugin, a DNS service IP that must lie in the service CIDR, overlapping subnets),
//! each reported with the locations of every attribute involved.
//!
//! Rules only judge known values: what depends on values known after apply is checked by Azure.

mod cluster;
mod network;
mod pool;

use super::eval::ResourceInstance;
use super::value::Value;
use crate::diag::{Diagnostic, Diagnostics};

/// Runs every rule over the evaluated resources.
pub fn check(resources: &[ResourceInstance], diags: &mut Diagnostics) {
    for r in resources {
        match r.addr.resource.type_name.as_str() {
            "azurerm_kubernetes_cluster" => {
                cluster::check(r, diags);
                if r.get("default_node_pool.0").is_some() {
                    pool::check(r, "default_node_pool.0.", diags);
                }
            }
            "azurerm_kubernetes_cluster_node_pool" => pool::check(r, "", diags),
            _ => {}
        }
    }
    network::overlapping_subnets(resources, diags);
    network::subnets_inside_their_network(resources, diags);
    network::duplicate_ids(resources, diags);
    pool::pool_versions(resources, diags);
}

/// A rule violation between two attributes of one resource: the error points at `path` and names
/// `other`.
pub(crate) fn conflict(
    r: &ResourceInstance,
    path: &str,
    other: &str,
    summary: String,
    label: &str,
    other_label: &str,
    help: &str,
) -> Diagnostic {
    let mut d = Diagnostic::error(summary)
        .at(r.span_of(path))
        .label(label.to_string())
        .help(help.to_string());
    if r.is_set(other) && r.span_of(other) != r.span_of(path) {
        d = d.related(r.span_of(other), other_label.to_string());
    }
    d
}

/// A known, non-null value at `path`.
pub(crate) fn known<'r>(r: &'r ResourceInstance, path: &str) -> Option<&'r Value> {
    r.get(path).filter(|v| v.is_wholly_known() && !v.is_null())
}

/// A known whole number at `path`.
pub(crate) fn number(r: &ResourceInstance, path: &str) -> Option<f64> {
    known(r, path).and_then(Value::as_number)
}

#[cfg(test)]
mod tests;
