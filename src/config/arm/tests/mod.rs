//! Tests of the azurerm ↔ ARM mapping, over the example configuration
//! (`examples/hardened-cluster` with `modules/hardened-aks` and `modules/network`) evaluated by
//! the crate's own pipeline, and over small configurations evaluated with the eval test helper.

use std::path::Path;

use super::*;
use crate::config::eval::ResourceInstance;
use crate::config::fs::MemFs;
use crate::config::pipeline::{LoadOptions, Loaded, load};

pub(crate) const SUB: &str = "00000000-0000-0000-0000-000000000001";

/// The example's files, as the repository has them.
const FILES: &[(&str, &str)] = &[
    (
        "examples/hardened-cluster/main.tf",
        include_str!("../../../../examples/hardened-cluster/main.tf"),
    ),
    (
        "examples/hardened-cluster/variables.tf",
        include_str!("../../../../examples/hardened-cluster/variables.tf"),
    ),
    (
        "examples/hardened-cluster/outputs.tf",
        include_str!("../../../../examples/hardened-cluster/outputs.tf"),
    ),
    (
        "examples/hardened-cluster/terraform.tfvars",
        include_str!("../../../../examples/hardened-cluster/terraform.tfvars"),
    ),
    (
        "modules/hardened-aks/main.tf",
        include_str!("../../../../modules/hardened-aks/main.tf"),
    ),
    (
        "modules/hardened-aks/variables.tf",
        include_str!("../../../../modules/hardened-aks/variables.tf"),
    ),
    (
        "modules/hardened-aks/outputs.tf",
        include_str!("../../../../modules/hardened-aks/outputs.tf"),
    ),
    (
        "modules/network/main.tf",
        include_str!("../../../../modules/network/main.tf"),
    ),
    (
        "modules/network/variables.tf",
        include_str!("../../../../modules/network/variables.tf"),
    ),
    (
        "modules/network/outputs.tf",
        include_str!("../../../../modules/network/outputs.tf"),
    ),
];

/// The example, evaluated with a known subscription.
pub(crate) fn example() -> Loaded {
    let mut fs = MemFs::new();
    for (path, text) in FILES {
        fs.insert(*path, *text);
    }
    let loaded = load(
        &fs,
        Path::new("examples/hardened-cluster"),
        &LoadOptions {
            subscription_id: Some(SUB.to_string()),
            ..LoadOptions::default()
        },
    );
    let errors: Vec<_> = loaded
        .diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.summary.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    loaded
}

/// One instance of the example by address.
pub(crate) fn instance<'a>(loaded: &'a Loaded, addr: &str) -> &'a ResourceInstance {
    let all: Vec<String> = loaded
        .evaluated
        .resources
        .iter()
        .map(|r| r.addr.to_string())
        .collect();
    loaded
        .evaluated
        .resources
        .iter()
        .find(|r| r.addr.to_string() == addr)
        .unwrap_or_else(|| panic!("no {addr} in {all:?}"))
}

/// The example's `desired` of one address.
pub(crate) fn desired_of(loaded: &Loaded, addr: &str) -> Desired {
    desired(instance(loaded, addr)).unwrap_or_else(|e| panic!("{addr}: {e}"))
}

/// The cluster of the example.
pub(crate) const CLUSTER: &str = "module.aks.azurerm_kubernetes_cluster.this";

/// Ids of the example.
pub(crate) const RG_ID: &str =
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-hardened-prod";

pub(crate) fn id(rest: &str) -> String {
    format!("{RG_ID}/providers/{rest}")
}

mod cluster;
mod resources;
