//! `cargo bench --bench plan`: planning a generated fleet of 300 azurerm resources (8 clusters with
//! 36 node pools each, plus a resource group, a network, a subnet and a workspace) against the
//! built-in emulator with 50 ms of latency on every request, at the default parallelism of 10.
//!
//! The target (issue 5) is at most 1.3 × ceil(300 / parallelism) × 50 ms. The plan reads 316 ARM
//! resources (each cluster also has its two maintenance configurations read), which the figures
//! report next to the bound. Two scenarios: the fleet before it exists (every read a 404), and
//! after it was created as planned (every read a 200, an empty plan). Medians of 7 runs; a fresh
//! client each run, so token and connection set-up count too.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aksform::apply::data::Identity;
use aksform::apply::planning::{Outcome, PlanningError, make_plan};
use aksform::arm::auth::StaticToken;
use aksform::arm::request::{ArmRequest, Repeat};
use aksform::arm::{ArmClient, ClientOptions, Condition, NoProgress};
use aksform::config::eval::{DataResolver, NoData};
use aksform::config::fs::MemFs;
use aksform::config::pipeline::{LoadOptions, Loaded, load};
use aksform::emulator::{Emulator, EmulatorConfig};
use aksform::model::{ApiVersions, ResourceId};
use aksform::plan::{Action, Owned, PlanOptions};
use azure_core::http::Method;

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

/// Plans the fleet `RUNS` times against `url`; every run must give `expect` for every resource.
async fn measure(
    label: &str,
    url: &str,
    load_with: &dyn Fn(&dyn DataResolver) -> Loaded,
    owned: &[Owned],
    expect: Action,
) {
    let who = Identity {
        subscription_id: SUB.to_string(),
        ..Identity::default()
    };
    let mut times = Vec::new();
    let mut reads = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let outcome = plan_once(url, load_with, &who, owned).await;
        times.push(started.elapsed());
        let plan = &outcome.planned.plan;
        assert!(
            !outcome.planned.diags.has_errors(),
            "the fleet has planning errors"
        );
        assert_eq!(plan.resources.len(), 300, "the fleet has 300 resources");
        assert!(
            plan.resources.iter().all(|r| r.action == expect),
            "{label}: not all {expect:?}"
        );
        reads = outcome.reads;
    }
    let m = median(times.clone());
    let bound = Duration::from_millis(300usize.div_ceil(PARALLELISM) as u64 * LATENCY_MS);
    let read_bound = Duration::from_millis(reads.div_ceil(PARALLELISM) as u64 * LATENCY_MS);
    println!(
        "{label}: plan of 300 resources ({reads} ARM reads), {LATENCY_MS} ms latency, parallelism \
         {PARALLELISM}: median {:.0} ms (min {:.0} ms, max {:.0} ms over {RUNS} runs)",
        m.as_secs_f64() * 1e3,
        times.iter().min().unwrap().as_secs_f64() * 1e3,
        times.iter().max().unwrap().as_secs_f64() * 1e3,
    );
    println!(
        "{label}: bound ceil(300/{PARALLELISM}) x {LATENCY_MS} ms = {} ms: ratio {:.2} (target <= \
         1.30); against the reads' own bound {} ms: ratio {:.2}",
        bound.as_millis(),
        m.as_secs_f64() / bound.as_secs_f64(),
        read_bound.as_millis(),
        m.as_secs_f64() / read_bound.as_secs_f64(),
    );
}

async fn plan_once(
    url: &str,
    load_with: &dyn Fn(&dyn DataResolver) -> Loaded,
    who: &Identity,
    owned: &[Owned],
) -> Outcome {
    make_plan(
        load_with(&NoData),
        load_with,
        client(url),
        who,
        owned,
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
    })
}

/// Creates what a plan of the fleet would create, in plan order, as apply will; returns what the
/// state index would then own.
async fn seed(url: &str, load_with: &dyn Fn(&dyn DataResolver) -> Loaded) -> Vec<Owned> {
    let who = Identity {
        subscription_id: SUB.to_string(),
        ..Identity::default()
    };
    let outcome = plan_once(url, load_with, &who, &[]).await;
    let client = ArmClient::new(
        format!("{url}/").parse().expect("a URL"),
        format!("{url}/.default"),
        Arc::new(StaticToken::new("bench".to_string().into())),
        ApiVersions::default(),
        ClientOptions {
            poll_interval: Duration::from_millis(5),
            ..ClientOptions::default()
        },
    );
    let mut owned = Vec::new();
    for rc in &outcome.planned.plan.resources {
        let id: ResourceId = rc.id.as_deref().expect("an id").parse().expect("an ARM id");
        let body = rc.body_after.as_ref().expect("a body");
        client
            .put(&id, body, &Condition::None, &NoProgress)
            .await
            .unwrap_or_else(|e| panic!("seeding {}: {e}", rc.address));
        owned.push(Owned {
            address: rc.address.clone(),
            id: id.to_string(),
            type_name: rc.type_name.clone(),
            pending: false,
        });
    }
    owned
}

/// Sets the emulator's injected latency through its admin endpoint.
async fn set_latency(url: &str, ms: u64) {
    let req = ArmRequest {
        method: Method::Put,
        url: format!("{url}/_emulator/faults").parse().expect("a URL"),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: Some(format!("{{\"latency_ms\": {ms}}}").into_bytes()),
        repeat: Repeat::Safe,
        resource: "/_emulator/faults".into(),
    };
    let resp = client(url).send(&req).await.expect("the faults are set");
    assert_eq!(resp.status, 200, "setting the latency");
}

async fn bench() {
    let fs = MemFs::new().with("fleet/main.tf", fleet());
    let load_with = |data: &dyn DataResolver| {
        let opts = LoadOptions {
            subscription_id: Some(SUB.to_string()),
            data,
            ..LoadOptions::default()
        };
        load(&fs, std::path::Path::new("fleet"), &opts)
    };
    let cfg = EmulatorConfig {
        speed: 1000.0,
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(cfg, 0).await.expect("the emulator starts");
    let url = emulator.url().to_string();

    // A fleet that does not exist yet: every read answers 404.
    set_latency(&url, LATENCY_MS).await;
    measure("new fleet", &url, &load_with, &[], Action::Create).await;

    // The same fleet once it exists, unchanged: every read answers 200 and the plan is empty.
    set_latency(&url, 0).await;
    let owned = seed(&url, &load_with).await;
    set_latency(&url, LATENCY_MS).await;
    measure("existing fleet", &url, &load_with, &owned, Action::NoOp).await;
    emulator.stop().await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(bench());
}
