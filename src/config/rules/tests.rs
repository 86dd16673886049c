//! Tests of the cross-field rules: each rule fires on a minimal configuration, names the attributes
//! involved, and stays quiet on the valid variant.

use crate::config::eval::tests::{Run, run};
use crate::diag::Diagnostics;

fn check(src: &str) -> (Run, Vec<String>) {
    let r = run(src);
    let mut d = Diagnostics::new();
    super::check(&r.ev.resources, &mut d);
    d.sort();
    let msgs = d
        .iter()
        .map(|x| {
            let related: Vec<String> = x
                .related
                .iter()
                .map(|(s, l)| format!("{l} @ {}", r.config.sources.location(s)))
                .collect();
            format!(
                "{} @ {}{}",
                x.summary,
                x.span
                    .as_ref()
                    .map(|s| r.config.sources.location(s))
                    .unwrap_or_default(),
                if related.is_empty() {
                    String::new()
                } else {
                    format!(" | {}", related.join(" | "))
                }
            )
        })
        .collect();
    (r, msgs)
}

fn cluster(extra: &str, pool_extra: &str) -> String {
    format!(
        r#"resource "azurerm_kubernetes_cluster" "k" {{
  name                = "aks"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "aks"
  identity {{
    type = "SystemAssigned"
  }}
  default_node_pool {{
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
{pool_extra}
  }}
{extra}
}}
"#
    )
}

#[test]
fn a_plain_cluster_passes() {
    let (r, m) = check(&cluster("", ""));
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    assert!(m.is_empty(), "{m:?}");
}

#[test]
fn azure_policy_needs_azure_plugin_and_names_both_places() {
    let (_, m) = check(&cluster(
        "  network_profile {\n    network_plugin = \"kubenet\"\n    network_policy = \"azure\"\n  }\n",
        "",
    ));
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(
        m[0],
        "network_policy \"azure\" needs network_plugin \"azure\" @ root/main.tf:17:22 | the plugin is set here @ root/main.tf:16:22"
    );
}

#[test]
fn dns_service_ip_must_be_in_the_service_cidr() {
    let (_, m) = check(&cluster(
        "  network_profile {\n    network_plugin = \"azure\"\n    service_cidr   = \"10.0.0.0/16\"\n    dns_service_ip = \"10.1.0.10\"\n  }\n",
        "",
    ));
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].starts_with(
            "dns_service_ip 10.1.0.10 is outside service_cidr 10.0.0.0/16 @ root/main.tf:18:22"
        ),
        "{m:?}"
    );
}

#[test]
fn identity_and_entra_rules() {
    let (_, m) = check(&cluster(
        "  workload_identity_enabled = true\n  local_account_disabled    = true\n",
        "",
    ));
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(
        m[0].starts_with("workload_identity_enabled needs oidc_issuer_enabled = true"),
        "{m:?}"
    );
    assert!(
        m[1].starts_with("local_account_disabled needs Microsoft Entra integration"),
        "{m:?}"
    );
}

#[test]
fn upgrade_channels_must_agree() {
    let (_, m) = check(&cluster(
        "  automatic_upgrade_channel = \"node-image\"\n  node_os_upgrade_channel   = \"SecurityPatch\"\n",
        "",
    ));
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].contains("needs node_os_upgrade_channel \"NodeImage\""),
        "{m:?}"
    );
    assert!(
        m[0].contains("| the node OS channel is set here @ root/main.tf:16:31"),
        "{m:?}"
    );
}

#[test]
fn autoscaling_bounds() {
    let (_, m) = check(&cluster(
        "",
        "    auto_scaling_enabled = true\n    min_count = 5\n    max_count = 2\n",
    ));
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(
        m.iter()
            .any(|x| x.starts_with("min_count (5) is larger than max_count (2)")),
        "{m:?}"
    );
    assert!(
        m.iter()
            .any(|x| x.starts_with("node_count (3) is below min_count (5)")),
        "{m:?}"
    );
    let (_, m) = check(&cluster("", "    auto_scaling_enabled = true\n"));
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].starts_with("autoscaling needs min_count and max_count"),
        "{m:?}"
    );
}

#[test]
fn dns_prefix_exactly_one() {
    let src = cluster("", "").replace("  dns_prefix          = \"aks\"\n", "");
    let (_, m) = check(&src);
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].starts_with("set exactly one of dns_prefix and dns_prefix_private_cluster"),
        "{m:?}"
    );
}

#[test]
fn windows_pool_names_and_spot_settings() {
    let (_, m) = check(
        r#"resource "azurerm_kubernetes_cluster_node_pool" "w" {
  name                  = "windows1"
  kubernetes_cluster_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks"
  os_type               = "Windows"
  eviction_policy       = "Delete"
  node_count            = 1
}
"#,
    );
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(
        m[0].starts_with("a Windows node pool name has at most 6 characters; \"windows1\" has 8"),
        "{m:?}"
    );
    assert!(
        m[1].starts_with("eviction_policy is only used with priority \"Spot\""),
        "{m:?}"
    );
}

#[test]
fn overlapping_subnets_and_address_space() {
    let (_, m) = check(
        r#"resource "azurerm_virtual_network" "v" {
  name                = "vnet"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}
resource "azurerm_subnet" "a" {
  name                 = "a"
  resource_group_name  = "rg"
  virtual_network_name = "vnet"
  address_prefixes     = ["10.0.0.0/22"]
}
resource "azurerm_subnet" "b" {
  name                 = "b"
  resource_group_name  = "rg"
  virtual_network_name = "vnet"
  address_prefixes     = ["10.0.2.0/24"]
}
resource "azurerm_subnet" "c" {
  name                 = "c"
  resource_group_name  = "rg"
  virtual_network_name = "vnet"
  address_prefixes     = ["10.1.0.0/24"]
}
"#,
    );
    assert_eq!(m.len(), 2, "{m:?}");
    assert_eq!(
        m[0],
        "subnets \"a\" and \"b\" of network \"vnet\" overlap (10.0.0.0/22 and 10.0.2.0/24) @ root/main.tf:17:26 | 10.0.0.0/22 is declared here @ root/main.tf:11:26"
    );
    assert!(
        m[1].starts_with(
            "subnet \"c\" (10.1.0.0/24) is outside the address space of network \"vnet\""
        ),
        "{m:?}"
    );
}

#[test]
fn a_separate_subnet_listed_by_its_network_counts_once() {
    // What the network looks like once its computed `subnet` list is filled from Azure.
    let (_, m) = check(
        r#"resource "azurerm_virtual_network" "v" {
  name                = "vnet"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
  subnet {
    name             = "A"
    address_prefixes = ["10.0.0.0/22"]
  }
}
resource "azurerm_subnet" "a" {
  name                 = "a"
  resource_group_name  = "rg"
  virtual_network_name = "vnet"
  address_prefixes     = ["10.0.0.0/22"]
}
"#,
    );
    assert!(m.is_empty(), "{m:?}");
}

#[test]
fn duplicate_azure_ids() {
    let (_, m) = check(
        "resource \"azurerm_resource_group\" \"a\" {\n  name     = \"rg\"\n  location = \"westeurope\"\n}\nresource \"azurerm_resource_group\" \"b\" {\n  name     = \"RG\"\n  location = \"westeurope\"\n}\n",
    );
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(m[0].starts_with("azurerm_resource_group.a and azurerm_resource_group.b manage the same Azure resource @ root/main.tf:5:1"), "{m:?}");
}

#[test]
fn pool_version_skew_against_its_cluster() {
    let src = format!(
        "{}\nresource \"azurerm_kubernetes_cluster_node_pool\" \"u\" {{\n  name                  = \"user\"\n  kubernetes_cluster_id = azurerm_kubernetes_cluster.k.id\n  orchestrator_version  = \"1.31\"\n  node_count            = 1\n}}\n",
        cluster("  kubernetes_version = \"1.30\"\n", "")
    );
    let (r, m) = check(&src);
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].starts_with("node pool version 1.31 is newer than its cluster's 1.30"),
        "{m:?}"
    );
}
