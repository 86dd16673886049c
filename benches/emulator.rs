//! Benchmark: the built-in ARM emulator with 1,000 resources. It starts the emulator in-process on
//! a loopback port, seeds the resources through the HTTP API, then measures GET throughput and
//! latency with several concurrent keep-alive clients, and reports the process memory and the size
//! of the JSON state.
//!
//! Run with `cargo bench --bench emulator`. The target (the emulator issue): at least 2,000 GETs/s
//! with a p99 under 10 ms on the project's 2-core machine.
//!
//! The client is plain HTTP/1.1 over tokio's `TcpStream` (keep-alive, `Content-Length` bodies), so
//! the figures measure the emulator rather than a client library. All traffic goes to 127.0.0.1,
//! and every loop is bounded in time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aksform::emulator::{Emulator, EmulatorConfig};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SUB: &str = "00000000-0000-0000-0000-00000000be11";
const LOCATION: &str = "westeurope";
/// Resources seeded, counted as the emulator's state counts them (every resource group, network,
/// subnet, NSG, workspace, role assignment, cluster and agent pool is one).
const RESOURCES: usize = 1_000;
const GROUPS: usize = 10;
/// Concurrent clients per measurement.
const CLIENTS: &[usize] = &[4, 16];
/// Rounds per measurement; the report gives their median.
const ROUNDS: usize = 3;
const ROUND_TIME: Duration = Duration::from_secs(3);
const WARMUP_TIME: Duration = Duration::from_secs(1);

const API_RESOURCES: &str = "2025-04-01";
const API_NETWORK: &str = "2026-03-01";
const API_WORKSPACES: &str = "2025-07-01";
const API_AUTHORIZATION: &str = "2022-04-01";
const API_AKS: &str = "2026-08-01";

/// Counts live heap bytes, to tell the resources' share of the memory from the request log's.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only adds bookkeeping.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
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

fn live_heap() -> u64 {
    LIVE.load(Ordering::Relaxed) as u64
}

// ------------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 keep-alive client.

/// One keep-alive connection.
struct Conn {
    stream: TcpStream,
    host: String,
    buf: Vec<u8>,
}

/// A response: status and body.
struct Resp {
    status: u16,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

impl Conn {
    async fn open(base: &str) -> Conn {
        let host = base.trim_start_matches("http://").to_string();
        let stream = TcpStream::connect(&host)
            .await
            .expect("connect to the emulator");
        stream.set_nodelay(true).expect("TCP_NODELAY");
        Conn {
            stream,
            host,
            buf: Vec::with_capacity(16 * 1024),
        }
    }

    async fn send(&mut self, method: &str, path: &str, body: Option<&Value>) -> Resp {
        let payload = body
            .map(|b| serde_json::to_vec(b).expect("JSON"))
            .unwrap_or_default();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer bench-token\r\n",
            self.host
        );
        if body.is_some() {
            req.push_str("Content-Type: application/json\r\n");
        }
        req.push_str(&format!("Content-Length: {}\r\n\r\n", payload.len()));
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(&payload);
        self.stream
            .write_all(&bytes)
            .await
            .expect("write a request");
        self.read_response().await
    }

    async fn read_response(&mut self) -> Resp {
        // Head.
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            self.fill().await;
        };
        let head = std::str::from_utf8(&self.buf[..head_end]).expect("an ASCII response head");
        let mut lines = head.split("\r\n");
        let status: u16 = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        let mut length = 0usize;
        for line in lines {
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().expect("a Content-Length");
                } else if k.eq_ignore_ascii_case("transfer-encoding") {
                    panic!("the benchmark client reads Content-Length bodies only, got {line:?}");
                }
            }
        }
        // Body.
        while self.buf.len() < head_end + length {
            self.fill().await;
        }
        let body = self.buf[head_end..head_end + length].to_vec();
        self.buf.drain(..head_end + length);
        Resp { status, body }
    }

    async fn fill(&mut self) {
        self.buf.reserve(16 * 1024);
        let n = self
            .stream
            .read_buf(&mut self.buf)
            .await
            .expect("read a response");
        assert!(n > 0, "the emulator closed a keep-alive connection");
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A small deterministic PRNG (xorshift64*), so the benchmark needs no extra crate.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        #[allow(clippy::cast_possible_truncation)]
        let r = (x >> 33) as usize;
        r % n
    }
}

// ------------------------------------------------------------------------------------------------
// Seeding.

/// PUTs `body` at `path` and checks the status.
async fn put(conn: &mut Conn, path: &str, api: &str, body: &Value) -> Value {
    let r = conn
        .send("PUT", &format!("{path}?api-version={api}"), Some(body))
        .await;
    assert!(
        (200..=202).contains(&r.status),
        "PUT {path}: {} {}",
        r.status,
        String::from_utf8_lossy(&r.body)
    );
    r.json()
}

/// Waits until the emulator has no operation in progress.
async fn settle(conn: &mut Conn) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let state = conn.send("GET", "/_emulator/state", None).await.json();
        let running = state["operations"].as_array().map_or(0, |ops| {
            ops.iter().filter(|o| o["status"] == "InProgress").count()
        });
        if running == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{running} operations still running after 60 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn guid(n: usize, kind: u16) -> String {
    format!("{kind:08x}-0000-4000-8000-{n:012x}")
}

/// Seeds `RESOURCES` resources: per group a resource group, a network with subnets, NSGs,
/// Log Analytics workspaces, role assignments, and clusters with a system and a user pool each.
/// Returns the GET path (with api-version) of every resource.
async fn seed(base: &str) -> Vec<String> {
    let mut conn = Conn::open(base).await;
    // Per group (100 resources): 1 group + 1 network + 16 subnets + 16 NSGs + 10 workspaces +
    // 2 clusters, each with a system and a user pool, + 50 role assignments.
    let per_group = RESOURCES / GROUPS;
    let (subnets, nsgs, workspaces, clusters) = (16, 16, 10, 2);
    let assignments = per_group - 1 - 1 - subnets - nsgs - workspaces - clusters * 3;
    let mut targets = Vec::with_capacity(RESOURCES);
    for g in 0..GROUPS {
        let rg = format!("/subscriptions/{SUB}/resourceGroups/rg-bench-{g:02}");
        put(
            &mut conn,
            &rg,
            API_RESOURCES,
            &json!({"location": LOCATION, "tags": {"bench": "emulator"}}),
        )
        .await;
        targets.push(format!("{rg}?api-version={API_RESOURCES}"));

        let vnet = format!("{rg}/providers/Microsoft.Network/virtualNetworks/vnet-{g:02}");
        let subnet_bodies: Vec<Value> = (0..subnets)
            .map(|s| json!({"name": format!("snet-{s:02}"), "properties": {"addressPrefix": format!("10.{g}.{}.0/24", s)}}))
            .collect();
        put(
            &mut conn,
            &vnet,
            API_NETWORK,
            &json!({"location": LOCATION, "properties": {"addressSpace": {"addressPrefixes": [format!("10.{g}.0.0/16")]}, "subnets": subnet_bodies}}),
        )
        .await;
        targets.push(format!("{vnet}?api-version={API_NETWORK}"));
        for s in 0..subnets {
            targets.push(format!(
                "{vnet}/subnets/snet-{s:02}?api-version={API_NETWORK}"
            ));
        }

        for n in 0..nsgs {
            let nsg = format!("{rg}/providers/Microsoft.Network/networkSecurityGroups/nsg-{n:02}");
            put(
                &mut conn,
                &nsg,
                API_NETWORK,
                &json!({"location": LOCATION, "properties": {"securityRules": [{
                    "name": "deny-ssh",
                    "properties": {"priority": 100, "direction": "Inbound", "access": "Deny", "protocol": "Tcp",
                        "sourcePortRange": "*", "destinationPortRange": "22",
                        "sourceAddressPrefix": "Internet", "destinationAddressPrefix": "*"}
                }]}}),
            )
            .await;
            targets.push(format!("{nsg}?api-version={API_NETWORK}"));
        }

        for w in 0..workspaces {
            let ws = format!(
                "{rg}/providers/Microsoft.OperationalInsights/workspaces/law-bench-{g:02}-{w:02}"
            );
            put(
                &mut conn,
                &ws,
                API_WORKSPACES,
                &json!({"location": LOCATION, "properties": {"sku": {"name": "PerGB2018"}, "retentionInDays": 30}}),
            )
            .await;
            targets.push(format!("{ws}?api-version={API_WORKSPACES}"));
        }

        for a in 0..assignments {
            let name = guid(g * 1000 + a, 0xa551);
            let ra = format!("{rg}/providers/Microsoft.Authorization/roleAssignments/{name}");
            put(
                &mut conn,
                &ra,
                API_AUTHORIZATION,
                &json!({"properties": {
                    "roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"),
                    "principalId": guid(g * 1000 + a, 0x9e0),
                    "principalType": "Group",
                }}),
            )
            .await;
            targets.push(format!("{ra}?api-version={API_AUTHORIZATION}"));
        }

        for c in 0..clusters {
            let mc =
                format!("{rg}/providers/Microsoft.ContainerService/managedClusters/aks-{g:02}-{c}");
            put(
                &mut conn,
                &mc,
                API_AKS,
                &json!({
                    "location": LOCATION,
                    "identity": {"type": "SystemAssigned"},
                    "properties": {
                        "dnsPrefix": format!("bench{g:02}{c}"),
                        "kubernetesVersion": "1.34",
                        "agentPoolProfiles": [{
                            "name": "system", "mode": "System", "count": 1, "vmSize": "Standard_D4ds_v5",
                            "osType": "Linux", "type": "VirtualMachineScaleSets",
                            "vnetSubnetID": format!("{vnet}/subnets/snet-{c:02}"),
                        }],
                        "networkProfile": {"networkPlugin": "azure", "networkPluginMode": "overlay",
                            "podCidr": "10.244.0.0/16", "serviceCidr": "10.0.0.0/16", "dnsServiceIP": "10.0.0.10"},
                    }
                }),
            )
            .await;
            targets.push(format!("{mc}?api-version={API_AKS}"));
            targets.push(format!("{mc}/agentPools/system?api-version={API_AKS}"));
        }
    }
    // Agent pools wait for their cluster.
    settle(&mut conn).await;
    for g in 0..GROUPS {
        let rg = format!("/subscriptions/{SUB}/resourceGroups/rg-bench-{g:02}");
        let vnet = format!("{rg}/providers/Microsoft.Network/virtualNetworks/vnet-{g:02}");
        for c in 0..clusters {
            let pool = format!(
                "{rg}/providers/Microsoft.ContainerService/managedClusters/aks-{g:02}-{c}/agentPools/user"
            );
            put(
                &mut conn,
                &pool,
                API_AKS,
                &json!({"properties": {"mode": "User", "count": 1, "vmSize": "Standard_D4ds_v5", "osType": "Linux",
                    "type": "VirtualMachineScaleSets", "vnetSubnetID": format!("{vnet}/subnets/snet-{:02}", c + 8)}}),
            )
            .await;
            targets.push(format!("{pool}?api-version={API_AKS}"));
        }
    }
    settle(&mut conn).await;
    targets
}

// ------------------------------------------------------------------------------------------------
// Measuring.

/// `VmRSS` and `VmHWM` of this process, in KiB.
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn mib(kib: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let m = kib as f64 / 1024.0;
    format!("{m:.1} MiB")
}

fn heap_mib(bytes: u64) -> String {
    mib(bytes / 1024)
}

/// One round's figures.
#[derive(Debug, Clone, Copy)]
struct Round {
    rps: f64,
    p50_us: u64,
    p90_us: u64,
    p99_us: u64,
}

/// `clients` connections doing random GETs for `time`; every answer must be 200.
async fn load(
    base: &str,
    targets: &std::sync::Arc<Vec<String>>,
    clients: usize,
    time: Duration,
    seed: u64,
) -> Round {
    let start = Instant::now();
    let deadline = start + time;
    let mut tasks = Vec::new();
    for c in 0..clients {
        let base = base.to_string();
        let targets = std::sync::Arc::clone(targets);
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(&base).await;
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (c as u64 + 1));
            let mut latencies: Vec<u32> = Vec::with_capacity(64 * 1024);
            while Instant::now() < deadline {
                let path = &targets[rng.below(targets.len())];
                let t = Instant::now();
                let r = conn.send("GET", path, None).await;
                let us = u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX);
                assert_eq!(
                    r.status,
                    200,
                    "GET {path}: {}",
                    String::from_utf8_lossy(&r.body)
                );
                latencies.push(us);
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("a client task"));
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let i = ((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1;
        u64::from(all[i])
    };
    #[allow(clippy::cast_precision_loss)]
    let rps = all.len() as f64 / elapsed;
    Round {
        rps,
        p50_us: pct(0.50),
        p90_us: pct(0.90),
        p99_us: pct(0.99),
    }
}

fn median_by<T: Copy, K: PartialOrd>(xs: &[T], key: impl Fn(&T) -> K) -> T {
    let mut v = xs.to_vec();
    v.sort_by(|a, b| key(a).partial_cmp(&key(b)).expect("comparable"));
    v[v.len() / 2]
}

fn ms(us: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let m = us as f64 / 1000.0;
    format!("{m:.2} ms")
}

async fn bench() {
    let (rss_start, _) = rss_kib();
    let heap_start = live_heap();
    // Operations finish 100x faster than the defaults, so seeding does not wait on them.
    let cfg = EmulatorConfig {
        speed: 100.0,
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(cfg, 0).await.expect("the emulator starts");
    let base = emulator.url().to_string();
    let (rss_empty, _) = rss_kib();
    let heap_empty = live_heap();

    let seeding = Instant::now();
    let targets = seed(&base).await;
    let seed_time = seeding.elapsed();
    let mut conn = Conn::open(&base).await;
    let state = conn.send("GET", "/_emulator/state", None).await;
    let state_json = state.json();
    let resources = state_json["resources"].as_array().map_or(0, Vec::len);
    assert_eq!(
        resources, RESOURCES,
        "the emulator holds {resources} resources"
    );
    assert_eq!(targets.len(), RESOURCES, "one GET target per resource");
    let resources_bytes = serde_json::to_vec(&state_json["resources"])
        .expect("JSON")
        .len();
    let state_bytes = state.body.len();
    let (rss_seeded, _) = rss_kib();
    let mut kinds: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for r in state_json["resources"].as_array().into_iter().flatten() {
        *kinds
            .entry(r["type"].as_str().unwrap_or("?").to_string())
            .or_default() += 1;
    }
    println!(
        "seeded {resources} resources in {:.2} s through the HTTP API:",
        seed_time.as_secs_f64()
    );
    for (k, n) in &kinds {
        println!("  {n:>4}  {k}");
    }
    // Every target answers before the clock starts.
    for t in targets.iter() {
        let r = conn.send("GET", t, None).await;
        assert_eq!(
            r.status,
            200,
            "GET {t}: {}",
            String::from_utf8_lossy(&r.body)
        );
    }
    // The request log now holds the seeding's exchanges; without them, the live heap is the
    // resources and the finished operations.
    let cleared = conn.send("DELETE", "/_emulator/requests", None).await;
    assert_eq!(cleared.status, 204, "DELETE /_emulator/requests");
    drop((state, state_json, kinds, conn));
    let heap_seeded = live_heap();

    let targets = std::sync::Arc::new(targets);
    let _ = load(&base, &targets, 4, WARMUP_TIME, 1).await;
    println!(
        "\nGET throughput and latency, {ROUNDS} rounds of {} s each, medians (random resources, keep-alive, loopback, {} cores):",
        ROUND_TIME.as_secs(),
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get)
    );
    println!("| clients | GETs/s | p50 | p90 | p99 | rounds (GETs/s) |");
    println!("|---|---|---|---|---|---|");
    let mut verdict = true;
    for (i, &clients) in CLIENTS.iter().enumerate() {
        let mut rounds = Vec::new();
        for r in 0..ROUNDS {
            rounds.push(
                load(
                    &base,
                    &targets,
                    clients,
                    ROUND_TIME,
                    (i * 10 + r + 2) as u64,
                )
                .await,
            );
        }
        let rps = median_by(&rounds, |x| x.rps).rps;
        let p50 = median_by(&rounds, |x| x.p50_us).p50_us;
        let p90 = median_by(&rounds, |x| x.p90_us).p90_us;
        let p99 = median_by(&rounds, |x| x.p99_us).p99_us;
        verdict &= rps >= 2000.0 && p99 < 10_000;
        println!(
            "| {clients} | {rps:.0} | {} | {} | {} | {} |",
            ms(p50),
            ms(p90),
            ms(p99),
            rounds
                .iter()
                .map(|x| format!("{:.0}", x.rps))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let (rss_loaded, hwm) = rss_kib();
    let heap_loaded = live_heap();
    println!(
        "\nmemory of the process (emulator and benchmark client), RSS from /proc/self/status:"
    );
    println!("  before the emulator started        {}", mib(rss_start));
    println!("  emulator started, empty            {}", mib(rss_empty));
    println!(
        "  after seeding {RESOURCES} resources       {}",
        mib(rss_seeded)
    );
    println!(
        "  after the GET rounds               {} (peak {})",
        mib(rss_loaded),
        mib(hwm)
    );
    println!("live heap:");
    println!(
        "  {RESOURCES} resources and their finished operations (request log cleared): {}",
        heap_mib(heap_seeded.saturating_sub(heap_empty))
    );
    println!(
        "  after the GET rounds: {} more, the in-memory request log (it keeps 20,000 exchanges, bodies for the newest 2,000)",
        heap_mib(heap_loaded.saturating_sub(heap_seeded))
    );
    println!(
        "  (emulator start itself: {})",
        heap_mib(heap_empty.saturating_sub(heap_start))
    );
    #[allow(clippy::cast_precision_loss)]
    let kb = |b: usize| b as f64 / 1024.0;
    println!(
        "JSON state: {:.0} KiB of resources ({:.0} KiB with the finished operations, as /_emulator/state returns it)",
        kb(resources_bytes),
        kb(state_bytes)
    );
    println!(
        "\ntarget (>= 2,000 GETs/s and p99 < 10 ms at every concurrency): {}",
        if verdict { "met" } else { "NOT met" }
    );
    emulator.stop().await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(bench());
}
