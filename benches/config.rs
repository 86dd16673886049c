//! Benchmark: load and evaluate a generated configuration of 1,000 resources (plus locals,
//! variables, a module and for_each expansion), the way `aksform validate` does, and report the
//! median wall time and the peak heap.
//!
//! Run with `cargo bench --bench config`. The target (issue 2): under 0.5 s and under 200 MB.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aksform::config::fs::MemFs;
use aksform::config::pipeline::{LoadOptions, load};

/// Counts live and peak heap bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only adds bookkeeping.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// A root module with `groups` groups of resources and a module called once per group.
fn generate(groups: usize) -> (MemFs, usize) {
    let mut main = String::from(
        "provider \"azurerm\" {\n  features {}\n  subscription_id = \"00000000-0000-0000-0000-000000000001\"\n}\n\n\
         variable \"location\" {\n  type    = string\n  default = \"westeurope\"\n}\n\n\
         variable \"admin_groups\" {\n  type    = list(string)\n  default = [\"6a5e1f2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b\", \"7a5e1f2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b\"]\n}\n\n\
         locals {\n  tags = { managed_by = \"aksform\", cost_center = \"platform\" }\n}\n\n",
    );
    let mut resources = 0;
    for g in 0..groups {
        let _ = write!(
            main,
            r#"resource "azurerm_resource_group" "rg{g}" {{
  name     = "rg-bench-{g}"
  location = var.location
  tags     = merge(local.tags, {{ group = "{g}" }})
}}

module "net{g}" {{
  source              = "./net"
  name                = "bench{g}"
  resource_group_name = azurerm_resource_group.rg{g}.name
  location            = azurerm_resource_group.rg{g}.location
  octet               = {g}
}}

resource "azurerm_log_analytics_workspace" "law{g}" {{
  name                = "log-bench-{g}"
  location            = var.location
  resource_group_name = azurerm_resource_group.rg{g}.name
  retention_in_days   = 30
}}

resource "azurerm_kubernetes_cluster" "aks{g}" {{
  name                      = "aks-bench-{g}"
  location                  = var.location
  resource_group_name       = azurerm_resource_group.rg{g}.name
  dns_prefix                = "aks-bench-{g}"
  kubernetes_version        = "1.33"
  sku_tier                  = "Standard"
  local_account_disabled    = true
  oidc_issuer_enabled       = true
  workload_identity_enabled = true
  automatic_upgrade_channel = "patch"
  tags                      = local.tags

  azure_active_directory_role_based_access_control {{
    azure_rbac_enabled     = true
    admin_group_object_ids = var.admin_groups
  }}

  identity {{
    type = "SystemAssigned"
  }}

  network_profile {{
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_policy      = "azure"
    pod_cidr            = "192.168.0.0/16"
    service_cidr        = "172.16.0.0/16"
    dns_service_ip      = "172.16.0.10"
  }}

  microsoft_defender {{
    log_analytics_workspace_id = azurerm_log_analytics_workspace.law{g}.id
  }}

  default_node_pool {{
    name                         = "system"
    vm_size                      = "Standard_D4ds_v5"
    auto_scaling_enabled         = true
    min_count                    = 3
    max_count                    = 5
    vnet_subnet_id               = module.net{g}.subnet_id
    only_critical_addons_enabled = true
  }}
}}

resource "azurerm_kubernetes_cluster_node_pool" "user{g}" {{
  for_each              = {{ apps = 2, jobs = 1 }}
  name                  = each.key
  kubernetes_cluster_id = azurerm_kubernetes_cluster.aks{g}.id
  vm_size               = "Standard_D4ds_v5"
  node_count            = each.value
  vnet_subnet_id        = module.net{g}.subnet_id
}}

resource "azurerm_role_assignment" "admins{g}" {{
  for_each             = toset(var.admin_groups)
  scope                = azurerm_kubernetes_cluster.aks{g}.id
  role_definition_name = "Azure Kubernetes Service RBAC Cluster Admin"
  principal_id         = each.value
  principal_type       = "Group"
}}

"#
        );
        // rg, law, aks, 2 pools, 2 role assignments + 4 in the module
        resources += 11;
    }
    let net = r#"variable "name" {
  type = string
}
variable "resource_group_name" {
  type = string
}
variable "location" {
  type = string
}
variable "octet" {
  type = number
  validation {
    condition     = var.octet >= 0 && var.octet < 256
    error_message = "octet must be 0-255"
  }
}
resource "azurerm_virtual_network" "this" {
  name                = "vnet-${var.name}"
  location            = var.location
  resource_group_name = var.resource_group_name
  address_space       = [cidrsubnet("10.0.0.0/8", 8, var.octet)]
}
resource "azurerm_subnet" "nodes" {
  name                 = "nodes"
  resource_group_name  = var.resource_group_name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [cidrsubnet(tolist(azurerm_virtual_network.this.address_space)[0], 6, 0)]
}
resource "azurerm_network_security_group" "nodes" {
  name                = "nsg-${var.name}"
  location            = var.location
  resource_group_name = var.resource_group_name
  dynamic "security_rule" {
    for_each = { deny-ssh = 4000, deny-rdp = 4001 }
    content {
      name                       = security_rule.key
      priority                   = security_rule.value
      direction                  = "Inbound"
      access                     = "Deny"
      protocol                   = "Tcp"
      source_address_prefix      = "Internet"
      source_port_range          = "*"
      destination_address_prefix = "*"
      destination_port_range     = security_rule.key == "deny-ssh" ? "22" : "3389"
    }
  }
}
resource "azurerm_subnet_network_security_group_association" "nodes" {
  subnet_id                 = azurerm_subnet.nodes.id
  network_security_group_id = azurerm_network_security_group.nodes.id
}
output "subnet_id" {
  value = azurerm_subnet.nodes.id
}
"#;
    let fs = MemFs::new()
        .with("bench/main.tf", main)
        .with("bench/net/main.tf", net);
    (fs, resources)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let groups = 91; // 91 groups of 11 resources = 1,001 resources
    let (fs, expected) = generate(groups);
    let runs = 15;
    let mut times = Vec::with_capacity(runs);
    let mut peaks = Vec::with_capacity(runs);
    let mut resources = 0;
    for _ in 0..runs {
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let start = Instant::now();
        let loaded = load(&fs, Path::new("bench"), &LoadOptions::default());
        times.push(start.elapsed());
        peaks.push(PEAK.load(Ordering::Relaxed) - base);
        assert!(
            !loaded.diags.has_errors(),
            "the generated configuration must be valid: {:?}",
            loaded.diags.iter().find(|d| d.is_error())
        );
        resources = loaded.summary().resources;
        drop(loaded);
    }
    assert_eq!(resources, expected);
    peaks.sort_unstable();
    let t = median(times.clone());
    let min = times.iter().min().copied().unwrap_or_default();
    println!("config/load+evaluate: {resources} resources, {runs} runs");
    println!(
        "  median {:.1} ms (min {:.1} ms)",
        t.as_secs_f64() * 1e3,
        min.as_secs_f64() * 1e3
    );
    println!(
        "  peak heap median {:.1} MB (max {:.1} MB)",
        peaks[peaks.len() / 2] as f64 / 1e6,
        peaks[peaks.len() - 1] as f64 / 1e6
    );
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(hwm) = status.lines().find(|l| l.starts_with("VmHWM"))
    {
        println!(
            "  process {}",
            hwm.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
    println!(
        "  target: < 500 ms and < 200 MB: {}",
        if t < Duration::from_millis(500) && peaks[peaks.len() / 2] < 200_000_000 {
            "met"
        } else {
            "MISSED"
        }
    );
}
