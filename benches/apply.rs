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
use aksform::state::{EntryStatus, StateIndex};
use azure_core::http::Method;

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
    /// Within a stack: the mean and max of (next PUT - the previous resource's last request),
    /// network to subnet and subnet to cluster.
    gap_mean: f64,
    gap_max: f64,
    /// The resource group's PUT to the network's PUT, mean and max.
    group_gap_mean: f64,
    group_gap_max: f64,
    /// Long-running writes in flight, averaged over the write phase, per slot.
    utilisation: f64,
    /// The stack that finished last: when its group was sent (after the first write), the
    /// time between its writes, its three long-running writes (PUT to last poll or read).
    crit_start: f64,
    crit_gaps: f64,
    crit_lro: f64,
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

/// One write of a stack: when its PUT arrived, when the last request about it (a status poll,
/// the read after the operation) did, and whether it was long-running.
#[derive(Debug, Clone, Copy)]
struct Step {
    put: i64,
    end: i64,
    long_running: bool,
}

/// The writes of stack `i`, in order: group, network, subnet, cluster.
fn steps(log: &[Exchange], i: usize, overshoot: &mut Vec<f64>) -> Vec<Step> {
    let rg = format!("/resourcegroups/rg-bench-{i}");
    let in_group = |p: &str| p.ends_with(&rg) || p.contains(&format!("{rg}/"));
    let mut out = Vec::new();
    for name in [
        rg.clone(),
        format!("/virtualnetworks/vnet-bench-{i}"),
        "/subnets/snet-nodes".to_string(),
        format!("/managedclusters/aks-bench-{i}"),
    ] {
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
        // The read of the resource right after its write (the final GET) belongs to it.
        end = log
            .iter()
            .filter(|e| e.method == "GET" && id_of(e) && e.time >= end && e.time - end < 500)
            .map(|e| e.time)
            .max()
            .unwrap_or(end);
        out.push(Step {
            put: put.time,
            end,
            long_running: put.operation.is_some(),
        });
    }
    out
}

fn split(log: &[Exchange], started: i64, ended: i64, parallelism: usize) -> Split {
    let first = log.first().map_or(started, |e| e.time);
    let last = log.last().map_or(ended, |e| e.time);
    let first_write = log
        .iter()
        .find(|e| e.method == "PUT")
        .map_or(last, |e| e.time);
    let status_poll = |e: &Exchange| e.path.contains("/operations/");
    let mut s = Split {
        startup: (first - started) as f64,
        reads: (first_write - first) as f64,
        writes: (last - first_write) as f64,
        exit: (ended - last) as f64,
        requests: log.len(),
        puts: log.iter().filter(|e| e.method == "PUT").count(),
        polls: log.iter().filter(|e| status_poll(e)).count(),
        gets_after_write: log
            .iter()
            .filter(|e| e.method == "GET" && e.time >= first_write && !status_poll(e))
            .count(),
        ..Split::default()
    };
    let (mut overshoot, mut gaps, mut group_gaps) = (Vec::new(), Vec::new(), Vec::new());
    let mut busy = 0.0;
    let mut critical: Option<Vec<Step>> = None;
    for i in 0..STACKS {
        let st = steps(log, i, &mut overshoot);
        busy += st
            .iter()
            .filter(|x| x.long_running)
            .map(|x| (x.end - x.put) as f64)
            .sum::<f64>();
        for (k, pair) in st.windows(2).enumerate() {
            let gap = (pair[1].put - pair[0].end) as f64;
            if k == 0 {
                group_gaps.push(gap);
            } else {
                gaps.push(gap);
            }
        }
        let end = |v: &[Step]| v.last().map_or(0, |x| x.end);
        if critical.as_deref().is_none_or(|c| end(&st) > end(c)) {
            critical = Some(st);
        }
    }
    s.overshoot_mean = mean(&overshoot);
    s.overshoot_max = max(&overshoot);
    s.gap_mean = mean(&gaps);
    s.gap_max = max(&gaps);
    s.group_gap_mean = mean(&group_gaps);
    s.group_gap_max = max(&group_gaps);
    s.utilisation = busy / (s.writes.max(1.0) * parallelism as f64);
    if let Some(c) = critical.filter(|c| !c.is_empty()) {
        s.crit_start = (c[0].put - first_write) as f64;
        s.crit_gaps = c.windows(2).map(|p| (p[1].put - p[0].end) as f64).sum();
        s.crit_lro = c
            .iter()
            .filter(|x| x.long_running)
            .map(|x| (x.end - x.put) as f64)
            .sum();
    }
    s
}

/// The median time of one save of an index like the one this apply ends with (80 entries),
/// into a fresh directory next to the runs' state: the executor saves before every create is
/// sent and after every resource finishes.
fn state_save_ms() -> f64 {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let path = tmp.path().join("state.json");
    let mut index = StateIndex::new();
    index.subscription_id = Some(SUB.to_string());
    for i in 0..STACKS * PER_STACK {
        let id = format!(
            "/subscriptions/{SUB}/resourceGroups/rg-bench-{i}/providers/Microsoft.Network/virtualNetworks/vnet-bench-{i}"
        );
        index.record_applied(
            &format!("azurerm_virtual_network.s{i}"),
            &id,
            "azurerm_virtual_network",
            Some("W/\"1\""),
        );
    }
    let mut times = Vec::new();
    for _ in 0..40 {
        let started = Instant::now();
        aksform::state::save(&path, &mut index).expect("the index is saved");
        times.push(ms(started.elapsed()));
    }
    median(&times)
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
/// `out` (`.out` and `.err`). Returns the wall time, the epoch milliseconds of its start and
/// end, and its standard output.
fn aksform(url: &str, args: &[&str], out: &Path) -> (Duration, i64, i64, String) {
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
    let stdout = std::fs::read_to_string(out.with_extension("out")).expect("the output");
    (wall, epoch_ms(started_at), ended, stdout)
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
        let (wall, started, ended, stdout) = aksform(&url, &args, &tmp.path().join("apply"));
        assert!(
            stdout.contains(&format!(
                "Resources: {} added, 0 changed",
                STACKS * PER_STACK
            )),
            "the apply does not report every resource added:\n{stdout}"
        );
        let log = rt.block_on(request_log(&url));
        rt.block_on(verify(&url, &state));
        rt.block_on(emu.stop());
        let s = split(&log, started, ended, parallelism);
        eprintln!(
            "apply -parallelism={parallelism} run {}: {:.0} ms (start-up {:.0}, reads {:.0}, \
             writes {:.0}, exit {:.0}; {} requests: {} PUTs, {} status polls, {} reads after the \
             first write; overshoot {:.0} ms; gaps: group->network {:.0}, then {:.0} ms; last \
             stack: start {:.0}, gaps {:.0}, operations {:.0} ms)",
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
            s.group_gap_mean,
            s.gap_mean,
            s.crit_start,
            s.crit_gaps,
            s.crit_lro,
        );
        m.walls.push(wall);
        m.splits.push(s);
    }
    m
}

/// `aksform plan` alone, on fresh emulators.
struct Planned {
    walls: Vec<Duration>,
    /// The median time from its first read to its last.
    span: f64,
    /// How many reads it sends.
    reads: usize,
}

fn plan_runs(rt: &tokio::runtime::Runtime, dir: &Path, parallelism: usize) -> Planned {
    let mut walls = Vec::new();
    let mut spans = Vec::new();
    let mut reads = 0;
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
        let (wall, _, _, stdout) = aksform(&url, &args, &tmp.path().join("plan"));
        assert!(
            stdout.contains(&format!("Plan: {} to add, 0 to change", STACKS * PER_STACK)),
            "the plan does not create every resource:\n{stdout}"
        );
        let log = rt.block_on(request_log(&url));
        rt.block_on(emu.stop());
        // Each resource, and (today) each cluster's two maintenance configurations too.
        assert!(
            log.len() >= STACKS * PER_STACK && log.iter().all(|e| e.method == "GET"),
            "a plan of the fan-out reads every resource and writes nothing"
        );
        reads = log.len();
        let span = match (log.first(), log.last()) {
            (Some(a), Some(b)) => (b.time - a.time) as f64,
            _ => 0.0,
        };
        walls.push(wall);
        spans.push(span);
    }
    Planned {
        walls,
        span: median(&spans),
        reads,
    }
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
        let planned = plan_runs(&rt, &dir, p);
        let applied = apply_runs(&rt, &dir, p);
        rows.push((p, planned, applied));
    }

    let save = state_save_ms();

    println!();
    println!(
        "apply of {STACKS} independent stacks ({} resources; {DEPTH} long-running operations of \
         T = {T_MS} ms per stack), {RUNS} runs each, a fresh emulator per run",
        STACKS * PER_STACK
    );
    println!(
        "{:>3}  {:>8}  {:>8}  {:>8}  {:>8}  {:>8}  {:>6}  {:>8}  {:>8}  {:>8}",
        "P", "median", "min", "max", "bound", "allowed", "ratio", "reads", "writes", "plan"
    );
    let mut pass = true;
    for (p, planned, m) in &rows {
        let bound = STACKS.div_ceil(*p) as f64 * DEPTH as f64 * T_MS as f64;
        let allowed = TARGET * bound + POLL_MS as f64;
        let med = ms(median(&m.walls));
        let col = |f: fn(&Split) -> f64| median(&m.splits.iter().map(f).collect::<Vec<_>>());
        pass &= med <= allowed;
        println!(
            "{p:>3}  {:>6.0}ms  {:>6.0}ms  {:>6.0}ms  {:>6.0}ms  {:>6.0}ms  {:>6.3}  {:>6.0}ms  \
             {:>6.0}ms  {:>6.0}ms",
            med,
            ms(*m.walls.iter().min().expect("runs")),
            ms(*m.walls.iter().max().expect("runs")),
            bound,
            allowed,
            med / bound,
            col(|s| s.reads),
            col(|s| s.writes),
            ms(median(&planned.walls)),
        );
    }
    println!(
        "(bound = ceil({STACKS}/P) x {DEPTH} x {T_MS} ms; allowed = {TARGET} x bound + {POLL_MS} \
         ms; ratio = median / bound; reads = the apply's first request to its first write (its \
         plan), writes = its first write to its last request; plan = `aksform plan` alone, wall)"
    );
    for (p, planned, m) in &rows {
        let col = |f: fn(&Split) -> f64| median(&m.splits.iter().map(f).collect::<Vec<_>>());
        println!(
            "P={p} (medians, ms): start-up {:.0}, reads {:.0}, writes {:.0}, exit {:.0}; plan \
             alone {:.0} wall, its {} reads span {:.0}",
            col(|s| s.startup),
            col(|s| s.reads),
            col(|s| s.writes),
            col(|s| s.exit),
            ms(median(&planned.walls)),
            planned.reads,
            planned.span,
        );
        println!(
            "  polling: an operation's first Succeeded poll comes {:.0} ms after T (max {:.0}); \
             scheduling: group->network {:.0} ms (max {:.0}), network->subnet->cluster {:.0} ms \
             per step (max {:.0}); slots busy with operations {:.0}% of the writes",
            col(|s| s.overshoot_mean),
            col(|s| s.overshoot_max),
            col(|s| s.group_gap_mean),
            col(|s| s.group_gap_max),
            col(|s| s.gap_mean),
            col(|s| s.gap_max),
            col(|s| s.utilisation) * 100.0,
        );
        println!(
            "  the stack that finished last: group sent {:.0} ms after the first write, {:.0} ms \
             between its writes, {:.0} ms in its {DEPTH} operations ({} ms of T)",
            col(|s| s.crit_start),
            col(|s| s.crit_gaps),
            col(|s| s.crit_lro),
            DEPTH * T_MS,
        );
    }
    println!(
        "state index: one save of {} entries takes {save:.1} ms here (median); the executor \
         saves once per dispatch pass and once per batch of finished resources, at most {} times \
         a run",
        STACKS * PER_STACK,
        2 * STACKS * PER_STACK,
    );
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
