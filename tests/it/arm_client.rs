//! The ARM client against the real emulator binary: create, read, update and delete of every
//! managed type; throttling, busy clusters, stale ETags, failed operations and dropped connections;
//! paging; both error shapes; the identity headers.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aksform::arm::auth::StaticToken;
use aksform::arm::retry::RetryPolicy;
use aksform::arm::traffic::TrafficRecorder;
use aksform::arm::{
    ArmClient, ArmError, ClientOptions, Condition, NoProgress, Progress, ProgressSink,
};
use aksform::model::{ApiFamily, ApiVersions, ResourceId};
use serde_json::{Value, json};

use crate::common::emulator::EmulatorProcess;
use crate::common::http::{arm, send};

const SUB: &str = "00000000-0000-0000-0000-0000000000aa";
const MARKER: &str = "tok-marker-5c1b8e";

fn client(url: &str) -> ArmClient {
    let credential = Arc::new(StaticToken::new(MARKER.to_string().into()));
    let options = ClientOptions {
        retry: RetryPolicy {
            base_delay: Duration::from_millis(20),
            ..RetryPolicy::default()
        },
        poll_interval: Duration::from_millis(50),
        ..ClientOptions::default()
    };
    ArmClient::new(
        format!("{url}/").parse().unwrap(),
        format!("{url}/.default"),
        credential,
        ApiVersions::default(),
        options,
    )
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn id(s: &str) -> ResourceId {
    s.parse().unwrap()
}

fn rg(name: &str) -> ResourceId {
    ResourceId::resource_group(SUB, name)
}

fn cluster_id(rg: &str) -> ResourceId {
    id(&format!(
        "/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/aks"
    ))
}

fn cluster_body() -> Value {
    json!({
        "location": "westeurope",
        "identity": {"type": "SystemAssigned"},
        "properties": {
            "kubernetesVersion": "1.33",
            "dnsPrefix": "aks",
            "agentPoolProfiles": [{"name": "system", "mode": "System", "count": 3, "vmSize": "Standard_D4ds_v5"}]
        }
    })
}

fn pool_body(count: u32) -> Value {
    json!({"properties": {"mode": "User", "count": count, "vmSize": "Standard_D4ds_v5"}})
}

fn set_faults(url: &str, faults: &Value) {
    let r = send(url, "PUT", "/_emulator/faults", Some(faults), &[]).unwrap();
    assert_eq!(r.status, 200, "{r:?}");
}

/// The logged exchanges (method, path, status) of the emulator.
fn log(url: &str) -> Vec<Value> {
    let r = send(url, "GET", "/_emulator/requests", None, &[]).unwrap();
    r.json()["requests"].as_array().cloned().unwrap_or_default()
}

/// Creates a resource group through the client.
async fn make_group(c: &ArmClient, name: &str) {
    c.put(
        &rg(name),
        &json!({"location": "westeurope"}),
        &Condition::None,
        &NoProgress,
    )
    .await
    .unwrap();
}

/// Remembers every progress report.
#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl ProgressSink for Recorder {
    fn report(&self, p: &Progress) {
        self.0
            .lock()
            .unwrap()
            .push(format!("{}: {}", p.resource.name(), p.state));
    }
}

#[test]
fn every_managed_type_is_created_read_updated_and_deleted() {
    let emu = EmulatorProcess::start(&["--speed", "50"]);
    let mut c = client(&emu.url);
    // CI validates what the client sent against Microsoft's specs (.ci/run).
    if let Some(dir) = std::env::var_os("AKSFORM_CONFORMANCE_TRAFFIC_DIR") {
        let dir = std::path::Path::new(&dir).join("client");
        c = c.with_traffic(TrafficRecorder::new(&dir).unwrap());
    }
    rt().block_on(async {
        let p = &NoProgress;
        let group = rg("rg-aks");
        assert_eq!(c.get(&group).await.unwrap(), None, "a missing resource reads as None");
        let made = c.put(&group, &json!({"location": "westeurope"}), &Condition::IfNoneMatch, p).await.unwrap();
        assert_eq!(made.body["properties"]["provisioningState"], "Succeeded");
        let tagged = c.patch(&group, &json!({"tags": {"env": "prod"}}), &Condition::None, p).await.unwrap();
        assert_eq!(tagged.body["tags"]["env"], "prod");

        let base = format!("/subscriptions/{SUB}/resourceGroups/rg-aks/providers");
        let nsg = id(&format!("{base}/Microsoft.Network/networkSecurityGroups/nsg-nodes"));
        let rule = json!({"name": "deny-ssh", "properties": {"priority": 4000, "direction": "Inbound", "access": "Deny",
            "protocol": "Tcp", "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"}});
        let made = c.put(&nsg, &json!({"location": "westeurope", "properties": {"securityRules": [rule]}}), &Condition::IfNoneMatch, p).await.unwrap();
        assert!(made.etag.is_some(), "network resources carry an ETag");
        assert_eq!(made.body["properties"]["securityRules"][0]["name"], "deny-ssh");

        let vnet = id(&format!("{base}/Microsoft.Network/virtualNetworks/vnet-aks"));
        let made = c
            .put(&vnet, &json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}), &Condition::None, p)
            .await
            .unwrap();
        assert_eq!(made.body["properties"]["provisioningState"], "Succeeded");
        let subnet = vnet.child("subnets", "nodes");
        let made = c
            .put(&subnet, &json!({"properties": {"addressPrefix": "10.0.0.0/22", "networkSecurityGroup": {"id": nsg.as_str()}}}), &Condition::None, p)
            .await
            .unwrap();
        assert_eq!(made.body["properties"]["addressPrefix"], "10.0.0.0/22");
        let vnet_now = c.get(&vnet).await.unwrap().unwrap();
        assert_eq!(vnet_now.body["properties"]["subnets"][0]["name"], "nodes", "the subnet shows in its network");
        // A full PUT of a network must list its subnets, or Azure removes them.
        let tagged = json!({"location": "westeurope", "tags": {"team": "platform"}, "properties": {
            "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
            "subnets": [{"name": "nodes", "properties": {"addressPrefix": "10.0.0.0/22", "networkSecurityGroup": {"id": nsg.as_str()}}}]}});
        let updated = c.put(&vnet, &tagged, &Condition::IfMatch(vnet_now.etag.clone().unwrap()), p).await.unwrap();
        assert_eq!(updated.body["tags"]["team"], "platform");
        assert_eq!(updated.body["properties"]["subnets"][0]["name"], "nodes", "a full PUT keeps the subnet");

        let ws = id(&format!("{base}/Microsoft.OperationalInsights/workspaces/log-aks"));
        let made = c.put(&ws, &json!({"location": "westeurope", "properties": {"sku": {"name": "PerGB2018"}}}), &Condition::None, p).await.unwrap();
        assert_eq!(made.body["properties"]["retentionInDays"], 30, "the default shows after the write");
        let made = c
            .put(&ws, &json!({"location": "westeurope", "properties": {"sku": {"name": "PerGB2018"}, "retentionInDays": 90}}), &Condition::None, p)
            .await
            .unwrap();
        assert_eq!(made.body["properties"]["retentionInDays"], 90);

        let cluster = cluster_id("rg-aks");
        let made = c.put(&cluster, &cluster_body(), &Condition::IfNoneMatch, p).await.unwrap();
        assert_eq!(made.body["properties"]["provisioningState"], "Succeeded");
        assert!(made.body["properties"]["fqdn"].is_string(), "read-only fields come back");
        let pool = cluster.child("agentPools", "user1");
        let made = c.put(&pool, &pool_body(2), &Condition::None, p).await.unwrap();
        assert_eq!(made.body["properties"]["count"], 2);
        let made = c.put(&pool, &pool_body(3), &Condition::None, p).await.unwrap();
        assert_eq!(made.body["properties"]["count"], 3);
        let pools = c.list(&format!("{}/agentPools", cluster.as_str()), ApiFamily::ContainerService).await.unwrap();
        assert_eq!(pools.len(), 2, "system and user1: {pools:?}");
        let window = cluster.child("maintenanceConfigurations", "aksManagedAutoUpgradeSchedule");
        let schedule = json!({"properties": {"maintenanceWindow": {
            "schedule": {"weekly": {"intervalWeeks": 1, "dayOfWeek": "Sunday"}},
            "durationHours": 4, "startTime": "02:00", "utcOffset": "+00:00"}}});
        let made = c.put(&window, &schedule, &Condition::None, p).await.unwrap();
        assert_eq!(made.body["properties"]["maintenanceWindow"]["durationHours"], 4);
        let profile = c
            .get_path(&format!("{}/upgradeProfiles/default", cluster.as_str()), ApiFamily::ContainerService)
            .await
            .unwrap();
        assert!(profile["properties"]["controlPlaneProfile"]["kubernetesVersion"].as_str().unwrap().starts_with("1.33."), "{profile}");

        let ra = id(&format!(
            "/subscriptions/{SUB}/resourceGroups/rg-aks/providers/Microsoft.Authorization/roleAssignments/2b4c6e8a-0000-4000-8000-000000000001"
        ));
        let role = format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b");
        let made = c
            .put(&ra, &json!({"properties": {"roleDefinitionId": role, "principalId": "6a5e1f2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b", "principalType": "Group"}}), &Condition::None, p)
            .await
            .unwrap();
        assert_eq!(made.body["properties"]["principalType"], "Group");

        for gone in [&ra, &window, &pool, &cluster, &ws, &subnet, &vnet, &nsg] {
            c.delete(gone, &Condition::None, p).await.unwrap();
            assert_eq!(c.get(gone).await.unwrap(), None, "{gone} is gone");
            c.delete(gone, &Condition::None, p).await.expect("deleting what is gone succeeds");
        }
        c.delete(&group, &Condition::None, p).await.unwrap();
        assert_eq!(c.get(&group).await.unwrap(), None);
    });
}

#[test]
fn throttling_and_server_errors_are_ridden_out() {
    let emu = EmulatorProcess::start(&["--speed", "50", "--seed", "7"]);
    let c = client(&emu.url);
    arm(
        &emu.url,
        "PUT",
        &format!("/subscriptions/{SUB}/resourcegroups/rg?api-version=2025-04-01"),
        Some(&json!({"location": "westeurope"})),
    );
    set_faults(
        &emu.url,
        &json!({"throttle_rate": 0.5, "throttle_retry_after_s": 1, "server_error_rate": 0.2, "seed": 7}),
    );
    rt().block_on(async {
        for _ in 0..4 {
            let live = c.get(&rg("rg")).await.unwrap().unwrap();
            assert_eq!(live.body["name"], "rg");
        }
    });
    let statuses: Vec<u64> = log(&emu.url)
        .iter()
        .filter_map(|e| e["status"].as_u64())
        .collect();
    assert!(
        statuses.contains(&429),
        "the burst was throttled: {statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        4,
        "{statuses:?}"
    );
}

#[test]
fn retries_stop_at_the_configured_limit() {
    let emu = EmulatorProcess::start(&[]);
    set_faults(&emu.url, &json!({"server_error_rate": 1.0}));
    let mut c = client(&emu.url);
    c = ArmClient::new(
        c.base().clone(),
        "x/.default".into(),
        Arc::new(StaticToken::new(MARKER.to_string().into())),
        ApiVersions::default(),
        ClientOptions {
            retry: RetryPolicy {
                max_attempts: 3,
                base_delay: Duration::from_millis(10),
                ..RetryPolicy::default()
            },
            ..ClientOptions::default()
        },
    );
    let e = rt().block_on(c.get(&rg("rg"))).unwrap_err();
    match &e {
        ArmError::RetriesExhausted { attempts, .. } => assert_eq!(*attempts, 3),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("giving up after 3 attempts"), "{e}");
    assert_eq!(log(&emu.url).len(), 3);
}

#[test]
fn a_write_while_the_cluster_is_busy_waits_for_the_running_operation() {
    let emu = EmulatorProcess::start(&[
        "--duration",
        "cluster-create=2500",
        "--duration",
        "pool=200",
    ]);
    let url = &emu.url;
    arm(
        url,
        "PUT",
        &format!("/subscriptions/{SUB}/resourcegroups/rg?api-version=2025-04-01"),
        Some(&json!({"location": "westeurope"})),
    );
    let cluster = cluster_id("rg");
    let started = arm(
        url,
        "PUT",
        &format!("{}?api-version=2026-08-01", cluster.as_str()),
        Some(&cluster_body()),
    );
    assert_eq!(started.status, 201, "{started:?}");
    let c = client(url);
    let progress = Recorder::default();
    let pool = cluster.child("agentPools", "user1");
    let made = rt()
        .block_on(c.put(&pool, &pool_body(2), &Condition::None, &progress))
        .unwrap();
    assert_eq!(made.body["properties"]["provisioningState"], "Succeeded");
    let pool_puts: Vec<u64> = log(url)
        .iter()
        .filter(|e| {
            e["method"] == "PUT" && e["path"].as_str().unwrap().ends_with("/agentPools/user1")
        })
        .filter_map(|e| e["status"].as_u64())
        .collect();
    assert_eq!(
        pool_puts.first(),
        Some(&409),
        "the first attempt met the running create: {pool_puts:?}"
    );
    assert_eq!(pool_puts.last(), Some(&201), "{pool_puts:?}");
    let seen = progress.0.lock().unwrap().join("\n");
    assert!(
        seen.contains("user1: waiting: ") && seen.contains("is Creating"),
        "{seen}"
    );
}

#[test]
fn a_stale_etag_is_a_changed_since_plan_error() {
    let emu = EmulatorProcess::start(&["--speed", "50"]);
    let c = client(&emu.url);
    rt().block_on(async {
        let p = &NoProgress;
        c.put(&rg("rg"), &json!({"location": "westeurope"}), &Condition::None, p).await.unwrap();
        let nsg = id(&format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg"));
        let planned = c.put(&nsg, &json!({"location": "westeurope"}), &Condition::None, p).await.unwrap();
        let etag = planned.etag.clone().unwrap();
        // Someone changes the resource after the plan read it.
        c.put(&nsg, &json!({"location": "westeurope", "tags": {"by": "portal"}}), &Condition::None, p).await.unwrap();
        let e = c
            .put(&nsg, &json!({"location": "westeurope", "tags": {"by": "plan"}}), &Condition::IfMatch(etag), p)
            .await
            .unwrap_err();
        assert!(matches!(e, ArmError::ChangedSincePlan { .. }), "{e:?}");
        assert!(e.to_string().contains("changed since the plan was made"), "{e}");
        assert_eq!(c.get(&nsg).await.unwrap().unwrap().body["tags"]["by"], "portal", "nothing was overwritten");
        let e = c.put(&nsg, &json!({"location": "westeurope"}), &Condition::IfNoneMatch, p).await.unwrap_err();
        assert!(matches!(e, ArmError::ChangedSincePlan { .. }), "create-only on an existing resource: {e:?}");
        let current = c.get(&nsg).await.unwrap().unwrap();
        let ok = c
            .put(&nsg, &json!({"location": "westeurope", "tags": {"by": "plan"}}), &Condition::IfMatch(current.etag.unwrap()), p)
            .await
            .unwrap();
        assert_eq!(ok.body["tags"]["by"], "plan");
    });
}

#[test]
fn a_failed_operation_returns_the_services_message() {
    let emu = EmulatorProcess::start(&["--speed", "50"]);
    let c = client(&emu.url);
    rt().block_on(async {
        make_group(&c, "rg").await;
    });
    set_faults(&emu.url, &json!({"fail_operation_rate": 1.0}));
    let vnet = id(&format!(
        "/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet"
    ));
    let body = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}});
    let e = rt()
        .block_on(c.put(&vnet, &body, &Condition::None, &NoProgress))
        .unwrap_err();
    let ArmError::OperationFailed { status, error, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(status, "Failed");
    assert_eq!(error.code, "InternalOperationError");
    assert!(
        error
            .message
            .contains("injected by the emulator's fault settings"),
        "{}",
        error.message
    );
    assert!(e.to_string().contains("ended Failed"), "{e}");
}

#[test]
fn dropped_connections_while_polling_are_survived() {
    /// Starts dropping a share of connections once polling has begun.
    struct DropWhilePolling {
        url: String,
        polls: AtomicUsize,
    }
    impl ProgressSink for DropWhilePolling {
        fn report(&self, _: &Progress) {
            if self.polls.fetch_add(1, Ordering::SeqCst) == 0 {
                set_faults(&self.url, &json!({"drop_rate": 0.5, "seed": 3}));
            }
        }
    }
    let emu = EmulatorProcess::start(&["--duration", "cluster-create=1500"]);
    let url = &emu.url;
    arm(
        url,
        "PUT",
        &format!("/subscriptions/{SUB}/resourcegroups/rg?api-version=2025-04-01"),
        Some(&json!({"location": "westeurope"})),
    );
    let c = client(url);
    let sink = DropWhilePolling {
        url: url.clone(),
        polls: AtomicUsize::new(0),
    };
    let made = rt()
        .block_on(c.put(&cluster_id("rg"), &cluster_body(), &Condition::None, &sink))
        .unwrap();
    assert_eq!(made.body["properties"]["provisioningState"], "Succeeded");
    let dropped = log(url)
        .iter()
        .filter(|e| e["status"] == 0 && e["method"] == "GET")
        .count();
    assert!(dropped > 0, "some polls were dropped");
}

#[test]
fn lists_follow_next_links_and_errors_keep_their_codes() {
    let emu = EmulatorProcess::start(&["--page-size", "2", "--aks-unwrapped-errors"]);
    let c = client(&emu.url);
    rt().block_on(async {
        for n in 0..5 {
            c.put(
                &rg(&format!("rg-{n}")),
                &json!({"location": "westeurope"}),
                &Condition::None,
                &NoProgress,
            )
            .await
            .unwrap();
        }
        let all = c
            .list(
                &format!("/subscriptions/{SUB}/resourcegroups"),
                ApiFamily::Resources,
            )
            .await
            .unwrap();
        assert_eq!(all.len(), 5, "three pages joined");
        let mut body = cluster_body();
        body["properties"]["kubernetesVersion"] = json!("1.20");
        let e = c
            .put(&cluster_id("rg-0"), &body, &Condition::None, &NoProgress)
            .await
            .unwrap_err();
        let error = e.service().expect("a service error");
        assert_eq!(
            (error.status, error.code.as_str()),
            (400, "K8sVersionNotSupported"),
            "the raw AKS shape is read"
        );
        let e = c
            .get(&cluster_id("rg-missing").parent().unwrap().parent().unwrap())
            .await;
        assert_eq!(e.unwrap(), None);
    });
    let pages = log(&emu.url)
        .iter()
        .filter(|e| {
            e["method"] == "GET" && e["path"].as_str().unwrap().ends_with("/resourcegroups")
        })
        .count();
    assert_eq!(pages, 3, "five groups, two a page");
}

#[test]
fn every_request_names_aksform_and_shares_one_correlation_id() {
    let emu = EmulatorProcess::start(&["--speed", "50"]);
    let c = client(&emu.url);
    rt().block_on(async {
        make_group(&c, "rg").await;
        c.get(&rg("rg")).await.unwrap();
    });
    let entries = log(&emu.url);
    assert!(entries.len() >= 3);
    let header = |e: &Value, name: &str| e["request_headers"][name].as_str().map(str::to_string);
    let mut client_ids = std::collections::HashSet::new();
    for e in &entries {
        let agent = header(e, "user-agent").unwrap();
        assert!(
            agent.starts_with(&format!("aksform/{}", env!("CARGO_PKG_VERSION"))),
            "{agent}"
        );
        assert_eq!(
            header(e, "x-ms-correlation-request-id").as_deref(),
            Some(c.correlation_id())
        );
        client_ids.insert(header(e, "x-ms-client-request-id").unwrap());
        assert_eq!(
            header(e, "authorization").as_deref(),
            Some("Bearer [REDACTED]")
        );
    }
    assert_eq!(
        client_ids.len(),
        entries.len(),
        "one client request id per request"
    );
}
