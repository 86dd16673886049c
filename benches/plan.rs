//! `cargo bench --bench plan`: planning a generated fleet of 300 azurerm resources (8 clusters with
//! 36 node pools each, plus a resource group, a network, a subnet and a workspace) against the
//! built-in emulator with 50 ms of latency on every request, at the default parallelism of 10.
//!
//! The target (issue 5) is at most 1.3 × ceil(300 / parallelism) × 50 ms. The plan reads 316 ARM
//! resources (each cluster also has its two maintenance configurations read), which the figures
//! report next to the bound. Medians of 7 runs; a fresh client each run, so token and connection
//! set-up count too.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aksform::apply::data::Identity;
use aksform::apply::planning::{PlanningError, make_plan};
use aksform::arm::auth::StaticToken;
use aksform::arm::{ArmClient, ClientOptions};
use aksform::config::eval::DataResolver;
use aksform::config::fs::MemFs;
use aksform::config::pipeline::{LoadOptions, load};
use aksform::emulator::{Emulator, EmulatorConfig, Faults};
use aksform::model::ApiVersions;
use aksform::plan::{Action, PlanOptions};

const SUB: &str = "00000000-0000-4000-8000-0000000000b1";
const CLUSTERS: usize = 8;
const POOLS: usize = 36;
const LATENCY_MS: u64 = 50;
const PARALLELISM: usize = 10;
const RUNS: usize = 7;

fn fleet() -> String {
    format!(
        r#"
provider "azurerm" {{
  features {{}}
}}

locals {{
  clusters = toset([for i in range({CLUSTERS}) : format("c%02d", i)])
  pools = {{
    for pool in flatten([
      for c in local.clusters : [
        for i in range({POOLS}) : {{ cluster = c, name = format("p%02d", i) }}
      ]
    ]) : "${{pool.cluster}}-${{pool.name}}" => pool
  }}
}}

resource "azurerm_resource_group" "fleet" {{
  name     = "rg-fleet"
  location = "westeurope"
}}

resource "azurerm_virtual_network" "fleet" {{
  name                = "vnet-fleet"
  location            = azurerm_resource_group.fleet.location
  resource_group_name = azurerm_resource_group.fleet.name
  address_space       = ["10.0.0.0/8"]
}}

resource "azurerm_subnet" "nodes" {{
  name                 = "nodes"
  resource_group_name  = azurerm_resource_group.fleet.name
  virtual_network_name = azurerm_virtual_network.fleet.name
  address_prefixes     = ["10.0.0.0/12"]
}}

resource "azurerm_log_analytics_workspace" "fleet" {{
  name                = "log-fleet"
  location            = azurerm_resource_group.fleet.location
  resource_group_name = azurerm_resource_group.fleet.name
  sku                 = "PerGB2018"
}}

resource "azurerm_kubernetes_cluster" "c" {{
  for_each                  = local.clusters
  name                      = "aks-${{each.key}}"
  location                  = azurerm_resource_group.fleet.location
  resource_group_name       = azurerm_resource_group.fleet.name
  dns_prefix                = "aks-${{each.key}}"
  kubernetes_version        = "1.33"
  local_account_disabled    = true
  automatic_upgrade_channel = "patch"

  azure_active_directory_role_based_access_control {{
    azure_rbac_enabled     = true
    admin_group_object_ids = ["6a5e1f2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"]
  }}

  identity {{
    type = "SystemAssigned"
  }}

  network_profile {{
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_policy      = "azure"
  }}

  microsoft_defender {{
    log_analytics_workspace_id = azurerm_log_analytics_workspace.fleet.id
  }}

  default_node_pool {{
    name           = "system"
    vm_size        = "Standard_D4ds_v5"
    node_count     = 3
    vnet_subnet_id = azurerm_subnet.nodes.id
  }}
}}

resource "azurerm_kubernetes_cluster_node_pool" "p" {{
  for_each              = local.pools
  name                  = each.value.name
  kubernetes_cluster_id = azurerm_kubernetes_cluster.c[each.value.cluster].id
  vm_size               = "Standard_D4ds_v5"
  auto_scaling_enabled  = true
  min_count             = 1
  max_count             = 5
  vnet_subnet_id        = azurerm_subnet.nodes.id
}}
"#
    )
}

fn client(url: &str) -> Arc<ArmClient> {
    Arc::new(ArmClient::new(
        format!("{url}/").parse().expect("a URL"),
        format!("{url}/.default"),
        Arc::new(StaticToken::new("bench".to_string().into())),
        ApiVersions::default(),
        ClientOptions::default(),
    ))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn bench() {
    let cfg = EmulatorConfig {
        faults: Faults {
            latency_ms: LATENCY_MS,
            ..Faults::default()
        },
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(cfg, 0).await.expect("the emulator starts");
    let fs = MemFs::new().with("fleet/main.tf", fleet());
    let load_with = |data: &dyn DataResolver| {
        let opts = LoadOptions {
            subscription_id: Some(SUB.to_string()),
            data,
            ..LoadOptions::default()
        };
        load(&fs, std::path::Path::new("fleet"), &opts)
    };
    let who = Identity {
        subscription_id: SUB.to_string(),
        ..Identity::default()
    };
    let mut times = Vec::new();
    let mut reads = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let outcome = make_plan(
            &load_with,
            client(emulator.url()),
            &who,
            &[],
            &PlanOptions::default(),
            PARALLELISM,
        )
        .await
        .unwrap_or_else(|e| match e {
            PlanningError::Config(_, diags) => {
                let problems: Vec<String> = diags.iter().map(|d| d.summary.clone()).collect();
                panic!("the fleet does not plan: {problems:#?}")
            }
            PlanningError::Azure(errors) => panic!("reads failed: {errors:?}"),
        });
        times.push(started.elapsed());
        let plan = &outcome.planned.plan;
        assert!(
            !outcome.planned.diags.has_errors(),
            "the fleet has planning errors"
        );
        assert_eq!(plan.resources.len(), 300, "the fleet has 300 resources");
        assert!(plan.resources.iter().all(|r| r.action == Action::Create));
        reads = outcome.reads;
    }
    emulator.stop().await;
    let m = median(times.clone());
    let bound = Duration::from_millis(300usize.div_ceil(PARALLELISM) as u64 * LATENCY_MS);
    let read_bound = Duration::from_millis(reads.div_ceil(PARALLELISM) as u64 * LATENCY_MS);
    println!(
        "plan of 300 resources ({reads} ARM reads), {LATENCY_MS} ms latency, parallelism {PARALLELISM}: \
         median {:.0} ms (min {:.0} ms, max {:.0} ms over {RUNS} runs)",
        m.as_secs_f64() * 1e3,
        times.iter().min().unwrap().as_secs_f64() * 1e3,
        times.iter().max().unwrap().as_secs_f64() * 1e3,
    );
    println!(
        "bound ceil(300/{PARALLELISM}) x {LATENCY_MS} ms = {} ms: ratio {:.2} (target <= 1.30); \
         against the reads' own bound {} ms: ratio {:.2}",
        bound.as_millis(),
        m.as_secs_f64() / bound.as_secs_f64(),
        read_bound.as_millis(),
        m.as_secs_f64() / read_bound.as_secs_f64(),
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(bench());
}
