//! `cargo bench --bench apply`: applying a fan-out configuration (20 independent stacks, each a
//! resource group, a virtual network, a subnet and an AKS cluster: 80 resources) against a fresh
//! built-in emulator whose every long-running operation takes T = 2 s, at parallelism 10 and 20.
//!
//! The target (issue 6) is wall time at most 1.2 × the critical-path bound plus one poll
//! interval. The resource group PUT is synchronous, then the network, the subnet and the cluster
//! are long-running operations of T each: 20 chains of 3 operations on P slots, so the bound is
//! ceil(20 / P) × 3 × T; the poll interval is the emulator's `Retry-After`, 1 s.
//!
//! Each run is the real command line, `aksform apply -auto-approve -parallelism=P -state=FILE
//! DIR`, run in-process by this bench binary started again as a child (`--aksform-in-process`),
//! so that the connection environment (`ARM_ENDPOINT`, `ARM_ACCESS_TOKEN`,
//! `ARM_SUBSCRIPTION_ID`) is set on the child's `Command` and not on this process, and the
//! command's output goes to files rather than the terminal. The emulator runs here, in memory, a
//! fresh one per run. After each run the state index must hold 80 applied resources and every
//! one must read back `Succeeded`; the emulator's request log then splits the wall time into the
//! part before the first write (start-up, configuration, the plan's 80 reads), the writes, and
//! the exit. `aksform plan` alone is timed too, on fresh emulators. Medians of 5 runs.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aksform::arm::auth::StaticToken;
use aksform::arm::request::{ArmRequest, Repeat};
use aksform::arm::{ArmClient, ClientOptions};
use aksform::emulator::{Durations, Emulator, EmulatorConfig};
use aksform::model::{ApiVersions, ResourceId};
use aksform::state::EntryStatus;
use azure_core::http::Method;
use serde_json::Value;

const SUB: &str = "00000000-0000-4000-8000-0000000000b6";
const TENANT: &str = "00000000-0000-4000-8000-0000000000b7";
const OBJECT_ID: &str = "00000000-0000-4000-8000-0000000000b8";
const CLIENT_ID: &str = "00000000-0000-4000-8000-0000000000b9";
/// Independent stacks.
const STACKS: usize = 20;
/// Resources per stack.
const PER_STACK: usize = 4;
/// The duration of every long-running operation, a whole number of seconds (`Retry-After` is).
const T_MS: u64 = 2000;
/// Long-running operations per chain: network, subnet, cluster (the group's PUT is synchronous).
const DEPTH: u64 = 3;
/// The emulator's `Retry-After` while an operation has under a second left.
const POLL_MS: u64 = 1000;
const PARALLELISMS: [usize; 2] = [10, 20];
const RUNS: usize = 5;
const TARGET: f64 = 1.2;
/// The first argument that makes this binary run the command line in-process.
const CHILD: &str = "--aksform-in-process";

/// The configuration: `STACKS` copies of a resource group, a network, a subnet and a cluster.
fn fan_out() -> String {
    let mut out = String::from("provider \"azurerm\" {\n  features {}\n}\n");
    for i in 0..STACKS {
        out.push_str(&format!(
            r#"
resource "azurerm_resource_group" "s{i}" {{
  name     = "rg-bench-{i}"
  location = "westeurope"
}}

resource "azurerm_virtual_network" "s{i}" {{
  name                = "vnet-bench-{i}"
  location            = azurerm_resource_group.s{i}.location
  resource_group_name = azurerm_resource_group.s{i}.name
  address_space       = ["10.{i}.0.0/16"]
}}

resource "azurerm_subnet" "s{i}" {{
  name                 = "snet-nodes"
  resource_group_name  = azurerm_resource_group.s{i}.name
  virtual_network_name = azurerm_virtual_network.s{i}.name
  address_prefixes     = ["10.{i}.0.0/22"]
}}

resource "azurerm_kubernetes_cluster" "s{i}" {{
  name                    = "aks-bench-{i}"
  location                = azurerm_resource_group.s{i}.location
  resource_group_name     = azurerm_resource_group.s{i}.name
  dns_prefix              = "aks-bench-{i}"
  kubernetes_version      = "1.33"
  sku_tier                = "Standard"
  local_account_disabled  = true
  oidc_issuer_enabled     = true
  node_os_upgrade_channel = "NodeImage"

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
    pod_cidr            = "192.168.0.0/16"
    service_cidr        = "172.16.0.0/16"
    dns_service_ip      = "172.16.0.10"
  }}

  default_node_pool {{
    name                 = "system"
    vm_size              = "Standard_D4ds_v5"
    node_count           = 2
    orchestrator_version = "1.33"
    vnet_subnet_id       = azurerm_subnet.s{i}.id
  }}
}}
"#
        ));
    }
    out
}

fn client(url: &str) -> ArmClient {
    ArmClient::new(
        format!("{url}/").parse().expect("a URL"),
        format!("{url}/.default"),
        Arc::new(StaticToken::new("bench".to_string().into())),
        ApiVersions::default(),
        ClientOptions {
            poll_interval: Duration::from_millis(20),
            ..ClientOptions::default()
        },
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn epoch_ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Milliseconds since the epoch of the request log's `2026-11-28T06:40:00.123Z`.
fn parse_time(s: &str) -> i64 {
    let n = |a: usize, b: usize| s[a..b].parse::<i64>().expect("a timestamp");
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    let (hh, mm, ss, milli) = (n(11, 13), n(14, 16), n(17, 19), n(20, 23));
    // Howard Hinnant's days-from-civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    ((days * 86_400 + hh * 3600 + mm * 60 + ss) * 1000) + milli
}

/// One exchange of the emulator's request log.
struct Exchange {
    time: i64,
    method: String,
    path: String,
    status: u16,
    /// The status resource an accepted write is polled at.
    operation: Option<String>,
    /// What a status poll said.
    op_status: Option<String>,
}

/// The path of an absolute URL, without its query.
fn url_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("", |at| &rest[at..]);
    path.split('?').next().unwrap_or("").to_ascii_lowercase()
}

async fn request_log(url: &str) -> Vec<Exchange> {
    let req = ArmRequest {
        method: Method::Get,
        url: format!("{url}/_emulator/requests").parse().expect("a URL"),
        headers: Vec::new(),
        body: None,
        repeat: Repeat::Safe,
        resource: "/_emulator/requests".into(),
    };
    let resp = client(url).send(&req).await.expect("the request log");
    let log = resp.json().expect("the request log is JSON");
    log["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|e| Exchange {
            time: parse_time(e["time"].as_str().expect("a time")),
            method: e["method"].as_str().unwrap_or("").to_string(),
            path: e["path"].as_str().unwrap_or("").to_ascii_lowercase(),
            status: u16::try_from(e["status"].as_u64().unwrap_or(0)).unwrap_or(0),
            operation: e["response_headers"]
                .as_object()
                .and_then(|h| {
                    h.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("azure-asyncoperation"))
                })
                .and_then(|(_, v)| v.as_str())
                .map(url_path),
            op_status: e["response_body"]["status"].as_str().map(str::to_string),
        })
        .collect()
}

/// Where the time of one run went, from the request log (milliseconds).
#[derive(Debug, Default, Clone)]
struct Split {
    /// Process start to the first request.
    startup: f64,
    /// First request to the first write: the plan's reads.
    reads: f64,
    /// First write to the last request.
    writes: f64,
    /// Last request to the exit.
    exit: f64,
    requests: usize,
    puts: usize,
    polls: usize,
    gets_after_write: usize,
    /// Long-running writes: the mean and max of (first `Succeeded` poll - PUT - T).
    overshoot_mean: f64,
    overshoot_max: f64,
    /// Within a stack: the mean and max of (next PUT - the previous resource's last request).
    gap_mean: f64,
    gap_max: f64,
    /// The resource group's PUT to the network's PUT, mean.
    group_gap_mean: f64,
    /// Long-running writes in flight, averaged over the write phase, per slot.
    utilisation: f64,
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0, f64::max)
}

fn split(log: &[Exchange], started: i64, ended: i64, parallelism: usize) -> Split {
    let first = log.first().map_or(started, |e| e.time);
    let last = log.last().map_or(ended, |e| e.time);
    let first_write = log
        .iter()
        .find(|e| e.method == "PUT")
        .map_or(last, |e| e.time);
    let mut s = Split {
        startup: (first - started) as f64,
        reads: (first_write - first) as f64,
        writes: (last - first_write) as f64,
        exit: (ended - last) as f64,
        requests: log.len(),
        puts: log.iter().filter(|e| e.method == "PUT").count(),
        polls: log
            .iter()
            .filter(|e| e.path.contains("/operations/"))
            .count(),
        gets_after_write: log
            .iter()
            .filter(|e| {
                e.method == "GET" && e.time >= first_write && !e.path.contains("/operations/")
            })
            .count(),
        ..Split::default()
    };
    let (mut overshoot, mut gaps, mut group_gaps) = (Vec::new(), Vec::new(), Vec::new());
    let mut busy = 0.0;
    for i in 0..STACKS {
        // The stack's writes in order: group, network, subnet, cluster.
        let mut steps: Vec<(i64, i64)> = Vec::new(); // (PUT, last request about it)
        for name in [
            format!("/resourcegroups/rg-bench-{i}"),
            format!("/virtualnetworks/vnet-bench-{i}"),
            "/subnets/snet-nodes".to_string(),
            format!("/managedclusters/aks-bench-{i}"),
        ] {
            let rg = format!("/resourcegroups/rg-bench-{i}");
            let in_group = |p: &str| p.ends_with(&rg) || p.contains(&format!("{rg}/"));
            let id_of = |e: &Exchange| in_group(&e.path) && e.path.ends_with(&name);
            let Some(put) = log.iter().find(|e| e.method == "PUT" && id_of(e)) else {
                continue;
            };
            let mut end = put.time;
            if let Some(op) = &put.operation {
                let polls: Vec<&Exchange> = log.iter().filter(|e| &e.path == op).collect();
                if let Some(done) = polls
                    .iter()
                    .find(|e| e.op_status.as_deref() == Some("Succeeded"))
                {
                    overshoot.push((done.time - put.time - T_MS as i64) as f64);
                }
                end = polls.iter().map(|e| e.time).max().unwrap_or(end);
            }
            // A read of the resource right after its operation (the final GET) belongs to it.
            end = log
                .iter()
                .filter(|e| e.method == "GET" && id_of(e) && e.time >= end && e.time - end < 500)
                .map(|e| e.time)
                .max()
                .unwrap_or(end);
            if put.operation.is_some() {
                busy += (end - put.time) as f64;
            }
            steps.push((put.time, end));
        }
        for (k, pair) in steps.windows(2).enumerate() {
            let gap = (pair[1].0 - pair[0].1) as f64;
            if k == 0 {
                group_gaps.push(gap);
            } else {
                gaps.push(gap);
            }
        }
    }
    s.overshoot_mean = mean(&overshoot);
    s.overshoot_max = max(&overshoot);
    s.gap_mean = mean(&gaps);
    s.gap_max = max(&gaps);
    s.group_gap_mean = mean(&group_gaps);
    s.utilisation = busy / (s.writes.max(1.0) * parallelism as f64);
    s
}

/// A fresh emulator: in memory, every operation T.
async fn emulator() -> Emulator {
    let cfg = EmulatorConfig {
        durations: Durations {
            cluster_create_ms: T_MS,
            cluster_update_ms: T_MS,
            pool_ms: T_MS,
            network_ms: T_MS,
            workspace_ms: T_MS,
            delete_ms: T_MS,
        },
        speed: 1.0,
        ..EmulatorConfig::default()
    };
    Emulator::start(cfg, 0).await.expect("the emulator starts")
}

/// Runs `aksform ARGS` in a child copy of this binary pointed at `url`; its output goes to
/// `out` (stdout, then stderr). Returns the wall time and the epoch milliseconds of its start
/// and end.
fn aksform(url: &str, args: &[&str], out: &Path) -> (Duration, i64, i64) {
    let token = aksform::arm::claims::unsigned(&serde_json::json!({
        "tid": TENANT, "oid": OBJECT_ID, "appid": CLIENT_ID
    }));
    let stdout = std::fs::File::create(out.with_extension("out")).expect("an output file");
    let stderr = std::fs::File::create(out.with_extension("err")).expect("an output file");
    let exe = std::env::current_exe().expect("this binary");
    let started_at = SystemTime::now();
    let started = Instant::now();
    let status = Command::new(exe)
        .arg(CHILD)
        .args(args)
        .env("ARM_ENDPOINT", url)
        .env("ARM_ACCESS_TOKEN", token)
        .env("ARM_SUBSCRIPTION_ID", SUB)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .status()
        .expect("the child runs");
    let wall = started.elapsed();
    if !status.success() {
        let text = |ext| std::fs::read_to_string(out.with_extension(ext)).unwrap_or_default();
        panic!(
            "aksform {args:?} exited {status}\n--- stdout\n{}\n--- stderr\n{}",
            text("out"),
            text("err")
        );
    }
    let ended = epoch_ms(started_at) + i64::try_from(wall.as_millis()).unwrap_or(0);
    (wall, epoch_ms(started_at), ended)
}

/// Every resource of the fan-out is in the state index, applied, and reads back `Succeeded`.
async fn verify(url: &str, state: &Path) {
    let index = aksform::state::load(state).expect("the state index");
    assert_eq!(
        index.resources.len(),
        STACKS * PER_STACK,
        "the state index has every resource"
    );
    let client = client(url);
    for (address, entry) in &index.resources {
        assert_eq!(entry.status, EntryStatus::Applied, "{address}");
        let id: ResourceId = entry.id.parse().expect("an ARM id");
        let live = client
            .get(&id)
            .await
            .unwrap_or_else(|e| panic!("GET {id}: {e}"))
            .unwrap_or_else(|| panic!("{address} ({id}) does not exist"));
        assert_eq!(
            live.body["properties"]["provisioningState"].as_str(),
            Some("Succeeded"),
            "{address}"
        );
    }
}

struct Measured {
    walls: Vec<Duration>,
    splits: Vec<Split>,
}

fn median<T: Clone + PartialOrd>(v: &[T]) -> T {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).expect("comparable"));
    v[v.len() / 2].clone()
}

fn apply_runs(rt: &tokio::runtime::Runtime, dir: &Path, parallelism: usize) -> Measured {
    let mut m = Measured {
        walls: Vec::new(),
        splits: Vec::new(),
    };
    for run in 0..RUNS {
        let emu = rt.block_on(emulator());
        let url = emu.url().to_string();
        let tmp = tempfile::tempdir().expect("a temporary directory");
        let state = tmp.path().join("state.json");
        let args = [
            "apply".to_string(),
            "-auto-approve".to_string(),
            format!("-parallelism={parallelism}"),
            format!("-state={}", state.display()),
            dir.display().to_string(),
        ];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (wall, started, ended) = aksform(&url, &args, &tmp.path().join("apply"));
        let log = rt.block_on(request_log(&url));
        rt.block_on(verify(&url, &state));
        rt.block_on(emu.stop());
        let s = split(&log, started, ended, parallelism);
        eprintln!(
            "apply -parallelism={parallelism} run {}: {:.0} ms (start-up {:.0}, reads {:.0}, \
             writes {:.0}, exit {:.0}; {} requests: {} PUTs, {} polls, {} GETs after the first \
             write; LRO overshoot mean {:.0} max {:.0} ms; dependency gap mean {:.0} max {:.0} ms, \
             group->network {:.0} ms; utilisation {:.2})",
            run + 1,
            ms(wall),
            s.startup,
            s.reads,
            s.writes,
            s.exit,
            s.requests,
            s.puts,
            s.polls,
            s.gets_after_write,
            s.overshoot_mean,
            s.overshoot_max,
            s.gap_mean,
            s.gap_max,
            s.group_gap_mean,
            s.utilisation,
        );
        m.walls.push(wall);
        m.splits.push(s);
    }
    m
}

/// `aksform plan` alone on fresh emulators: the median wall time and the median span of its reads.
fn plan_runs(rt: &tokio::runtime::Runtime, dir: &Path, parallelism: usize) -> (Vec<Duration>, f64) {
    let mut walls = Vec::new();
    let mut spans = Vec::new();
    for _ in 0..RUNS {
        let emu = rt.block_on(emulator());
        let url = emu.url().to_string();
        let tmp = tempfile::tempdir().expect("a temporary directory");
        let args = [
            "plan".to_string(),
            format!("-parallelism={parallelism}"),
            format!("-state={}", tmp.path().join("state.json").display()),
            dir.display().to_string(),
        ];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (wall, _, _) = aksform(&url, &args, &tmp.path().join("plan"));
        let log = rt.block_on(request_log(&url));
        rt.block_on(emu.stop());
        assert!(log.iter().all(|e| e.method == "GET"), "a plan only reads");
        let span = match (log.first(), log.last()) {
            (Some(a), Some(b)) => (b.time - a.time) as f64,
            _ => 0.0,
        };
        walls.push(wall);
        spans.push(span);
    }
    (walls, median(&spans))
}

fn bench() -> bool {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path().join("fanout");
    std::fs::create_dir_all(&dir).expect("the configuration directory");
    std::fs::write(dir.join("main.tf"), fan_out()).expect("the configuration");

    let mut rows = Vec::new();
    for p in PARALLELISMS {
        let (plan_walls, plan_span) = plan_runs(&rt, &dir, p);
        let applied = apply_runs(&rt, &dir, p);
        rows.push((p, plan_walls, plan_span, applied));
    }

    println!();
    println!(
        "apply of {STACKS} independent stacks ({} resources; {DEPTH} long-running operations of \
         T = {T_MS} ms per stack), {RUNS} runs each, fresh emulator per run",
        STACKS * PER_STACK
    );
    println!(
        "{:>3}  {:>8}  {:>8}  {:>8}  {:>8}  {:>8}  {:>6}  {:>8}  {:>8}  {:>8}",
        "P", "median", "min", "max", "bound", "allowed", "ratio", "reads", "writes", "plan"
    );
    let mut pass = true;
    for (p, plan_walls, plan_span, m) in &rows {
        let bound = STACKS.div_ceil(*p) as f64 * DEPTH as f64 * T_MS as f64;
        let allowed = TARGET * bound + POLL_MS as f64;
        let med = ms(median(&m.walls));
        let reads = median(&m.splits.iter().map(|s| s.reads).collect::<Vec<_>>());
        let writes = median(&m.splits.iter().map(|s| s.writes).collect::<Vec<_>>());
        pass &= med <= allowed;
        println!(
            "{p:>3}  {:>6.0}ms  {:>6.0}ms  {:>6.0}ms  {:>6.0}ms  {:>6.0}ms  {:>6.3}  {:>6.0}ms  {:>6.0}ms  {:>6.0}ms",
            med,
            ms(*m.walls.iter().min().expect("runs")),
            ms(*m.walls.iter().max().expect("runs")),
            bound,
            allowed,
            med / bound,
            reads,
            writes,
            ms(median(plan_walls)),
        );
        let _ = plan_span;
    }
    println!(
        "(bound = ceil({STACKS}/P) x {DEPTH} x {T_MS} ms; allowed = {TARGET} x bound + {POLL_MS} ms; \
         reads = the apply's first request to its first write, writes = its first write to its \
         last request (medians); plan = `aksform plan` alone, wall, median)"
    );
    for (p, _, plan_span, m) in &rows {
        let col = |f: fn(&Split) -> f64| median(&m.splits.iter().map(f).collect::<Vec<_>>());
        println!(
            "P={p}: start-up {:.0} ms, reads {:.0} ms (plan alone: reads span {:.0} ms), writes \
             {:.0} ms, exit {:.0} ms; LRO overshoot past T mean {:.0} ms (max {:.0}); dependency \
             gap mean {:.0} ms (max {:.0}); slot utilisation {:.2}",
            col(|s| s.startup),
            col(|s| s.reads),
            plan_span,
            col(|s| s.writes),
            col(|s| s.exit),
            col(|s| s.overshoot_mean),
            col(|s| s.overshoot_max),
            col(|s| s.gap_mean),
            col(|s| s.gap_max),
            col(|s| s.utilisation),
        );
    }
    println!(
        "{}: apply wall time <= {TARGET} x critical-path bound + one poll interval ({POLL_MS} ms) \
         at parallelism {PARALLELISMS:?}",
        if pass { "PASS" } else { "FAIL" }
    );
    pass
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == CHILD) {
        let argv = std::iter::once(OsString::from("aksform")).chain(args[2..].iter().cloned());
        return match aksform::cli::run(argv) {
            Ok(status) => status.into(),
            Err(e) => {
                eprintln!("aksform: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    bench();
    ExitCode::SUCCESS
}
