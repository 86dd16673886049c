//! `aksform apply` and `destroy` end to end against a standalone emulator: the example applied
//! from nothing, then planned and applied again with nothing to do; upgrades as steps in the
//! request log's order; a saved plan refused after an out-of-band change; a failed operation
//! that skips its dependents only; a killed apply that a rerun finishes; destroy in order.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::common::repo;
use crate::common::stack::{SUB, Stack, traffic_dir};

fn example() -> PathBuf {
    repo().join("examples/hardened-cluster")
}

fn fixture() -> PathBuf {
    repo().join("tests/fixtures/apply/stack")
}

const RG: &str = "/resourceGroups/rg-apply";
const CLUSTER_NAME: &str = "/managedClusters/aks-apply";

/// Writes (anything but GET) in the request log from `from` on: (method, path, status).
fn writes(stack: &Stack, from: usize) -> Vec<(String, String, u64)> {
    stack.requests()[from..]
        .iter()
        .filter(|r| r["method"] != "GET")
        .map(|r| {
            (
                r["method"].as_str().unwrap().to_string(),
                r["path"].as_str().unwrap().to_string(),
                r["status"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_example_applies_then_plans_empty_a_second_apply_only_reads_and_destroy_empties_it() {
    let mut examples: Vec<PathBuf> = std::fs::read_dir(repo().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    examples.sort();
    assert!(examples.contains(&example()), "{examples:?}");
    for dir in examples {
        applies_idempotently(&dir);
    }
}

#[track_caller]
fn applies_idempotently(dir: &std::path::Path) {
    let stack = Stack::new(dir, &[]);
    let label = (dir == example()).then_some("example");
    let out = stack.run("apply", label, &["-auto-approve"]);
    assert_eq!(out.code, 0, "{}: {}", dir.display(), out.combined());
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(stack.state()).unwrap()).unwrap();
    let entries = index["resources"].as_object().unwrap();
    let added = format!(
        "Apply complete! Resources: {} added, 0 changed, 0 destroyed.",
        entries.len()
    );
    assert!(out.stdout.contains(&added), "{}", out.stdout);
    assert!(entries.values().all(|e| e["status"] == "applied"));
    assert_eq!(index["subscription_id"], SUB);
    if dir == example() {
        assert_eq!(entries.len(), 9, "{entries:#?}");
        // The outputs, with what Azure made up filled in.
        assert!(
            out.stdout.contains("oidc_issuer_url = \"https://"),
            "{}",
            out.stdout
        );
    }

    let out = stack.plan(&["-detailed-exitcode"]);
    assert_eq!(out.code, 0, "a second plan is empty: {}", out.combined());
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);

    let before = stack.requests().len();
    let out = stack.run("apply", None, &["-auto-approve"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("Apply complete! Resources: 0 added, 0 changed, 0 destroyed."),
        "{}",
        out.stdout
    );
    assert_eq!(writes(&stack, before), [], "a second apply only reads");

    // And destroy leaves nothing behind.
    let out = stack.run("destroy", None, &["-auto-approve"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let groups = crate::common::http::arm(
        &stack.emu.url,
        "GET",
        &format!("/subscriptions/{SUB}/resourcegroups?api-version=2025-04-01"),
        None,
    );
    assert_eq!(groups.json()["value"], json!([]), "{}", out.combined());
    assert_eq!(index_status(&stack), []);
}

#[test]
fn without_a_terminal_or_auto_approve_apply_refuses_and_writes_nothing() {
    let stack = Stack::new(&fixture(), &[]);
    let out = stack.run("apply", None, &[]);
    assert_eq!(out.code, 1, "{}", out.combined());
    assert!(
        out.stderr
            .contains("standard input is not a terminal: pass -auto-approve"),
        "{}",
        out.stderr
    );
    assert_eq!(writes(&stack, 0), []);
    let out = stack.run("apply", None, &["-json"]);
    assert_eq!(out.code, 64, "{}", out.combined());
}

#[test]
fn an_upgrade_skipping_a_minor_goes_control_plane_first_then_pools_one_at_a_time() {
    let stack = Stack::new(&fixture(), &[]);
    let out = stack.run(
        "apply",
        None,
        &["-auto-approve", "-var=kubernetes_version=1.32"],
    );
    assert_eq!(out.code, 0, "{}", out.combined());

    // The plan shows the steps.
    let out = stack.plan(&["-var=kubernetes_version=1.34"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    for step in [
        "1. control plane 1.32.7 -> 1.33.5",
        "2. control plane 1.33.5 -> 1.34",
        "3. node pool \"system\" 1.32.7 -> 1.33.5",
        "4. node pool \"system\" 1.33.5 -> 1.34",
    ] {
        assert!(out.stdout.contains(step), "{step}: {}", out.stdout);
    }
    assert!(
        out.stdout
            .contains("1. node pool \"apps\" 1.32.7 -> 1.33.5"),
        "{}",
        out.stdout
    );

    let before = stack.requests().len();
    let out = stack.run(
        "apply",
        Some("upgrade"),
        &["-auto-approve", "-var=kubernetes_version=1.34"],
    );
    assert_eq!(out.code, 0, "{}", out.combined());
    let requests = stack.requests();
    let sent: Vec<String> = requests[before..]
        .iter()
        .filter(|r| r["method"] == "PUT")
        .map(|r| {
            let path = r["path"].as_str().unwrap();
            let what = path.rsplit('/').next().unwrap();
            let body = &r["request_body"]["properties"];
            let version = body["orchestratorVersion"]
                .as_str()
                .or(body["kubernetesVersion"].as_str())
                .unwrap_or("-");
            format!("{what} {version} {}", r["status"])
        })
        .collect();
    assert_eq!(
        sent,
        [
            "aks-apply 1.33.5 200",
            "aks-apply 1.34 200",
            "system 1.33.5 200",
            "system 1.34 200",
            "apps 1.33.5 200",
            "apps 1.34 200",
            "batch 1.33.5 200",
            "batch 1.34 200",
        ],
        "control plane first, one minor at a time, then each pool in turn"
    );
    // The executor takes turns on the cluster: AKS never had to refuse a second operation.
    assert!(
        requests.iter().all(|r| r["status"] != 409),
        "no 409 while another operation ran"
    );
    // Each step was checked against a fresh upgrade profile before it was sent.
    let profile_reads = requests[before..]
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .unwrap()
                .ends_with("/upgradeProfiles/default")
        })
        .count();
    assert!(profile_reads >= 6, "{profile_reads}");
    // Never a 1.32 -> 1.34 request, never a refused write.
    let refused: Vec<String> = requests[before..]
        .iter()
        .filter(|r| r["method"] != "GET" && r["status"].as_u64().unwrap() >= 400)
        .map(|r| format!("{} {} {}", r["method"], r["path"], r["status"]))
        .collect();
    assert_eq!(refused, Vec::<String>::new());
    let out = stack.plan(&["-detailed-exitcode", "-var=kubernetes_version=1.34"]);
    assert_eq!(out.code, 0, "{}", out.combined());
}

/// Plans `var` into a saved plan, lets `meddle` change Azure behind its back, applies the plan
/// and returns the apply's output and the writes it sent.
fn saved_plan_after(
    stack: &Stack,
    var: &str,
    meddle: &dyn Fn(),
) -> (crate::common::Output, Vec<(String, String, u64)>) {
    let file = stack.tmp.path().join("reviewed.plan");
    let out_arg = format!("-out={}", file.display());
    let out = stack.plan(&[&out_arg, var]);
    assert_eq!(out.code, 0, "{}", out.combined());
    meddle();
    let before = stack.requests().len();
    let state = format!("-state={}", stack.state().display());
    let traffic = traffic_dir("apply-saved");
    let out = crate::common::aksform_env(
        stack.tmp.path(),
        &["apply", &state, file.to_str().unwrap()],
        &stack.env(traffic.as_deref()),
    );
    (out, writes(stack, before))
}

/// Changes the tags of the resource at `path` directly through the emulator.
fn retag(stack: &Stack, path: &str, api: &str) {
    let url = format!("{path}?api-version={api}");
    let mut body = crate::common::http::arm(&stack.emu.url, "GET", &url, None)
        .json()
        .clone();
    body["tags"] = json!({"team": "someone-else"});
    let resp = crate::common::http::arm(&stack.emu.url, "PUT", &url, Some(&body));
    assert!(resp.status < 300, "{}", resp.status);
}

#[test]
fn a_saved_plan_is_refused_after_an_out_of_band_change_and_writes_nothing() {
    let stack = Stack::new(&fixture(), &[]);
    let out = stack.run("apply", None, &["-auto-approve"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let vnet =
        format!("/subscriptions/{SUB}{RG}/providers/Microsoft.Network/virtualNetworks/vnet-apply");

    // The virtual network has an ETag: the write carries If-Match and Azure answers 412.
    let (out, written) = saved_plan_after(&stack, r#"-var=vnet_tags={team="apps"}"#, &|| {
        retag(&stack, &vnet, "2026-03-01");
    });
    assert_eq!(out.code, 1, "{}", out.combined());
    assert!(
        out.combined().contains(
            "vnet-apply changed since the plan was made (412 PreconditionFailed): run plan again"
        ),
        "{}",
        out.combined()
    );
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(written[0].2, 412, "the only write was refused: {written:?}");

    // A resource group has no ETag: it is read before the write and refused the same way.
    let rg = format!("/subscriptions/{SUB}{RG}");
    let (out, written) = saved_plan_after(&stack, r#"-var=tags={team="apps"}"#, &|| {
        retag(&stack, &rg, "2025-04-01");
    });
    assert_eq!(out.code, 1, "{}", out.combined());
    assert!(
        out.combined()
            .contains("rg-apply changed since the plan was made"),
        "{}",
        out.combined()
    );
    assert_eq!(written, [], "nothing is written");

    // A saved plan whose configuration changed since is refused before anything is read.
    let file = stack.tmp.path().join("old.plan");
    let out_arg = format!("-out={}", file.display());
    assert_eq!(stack.plan(&[&out_arg]).code, 0);
    let copy = stack.tmp.path().join("config");
    std::fs::create_dir_all(&copy).unwrap();
    let text = std::fs::read_to_string(fixture().join("main.tf")).unwrap();
    std::fs::write(copy.join("main.tf"), &text).unwrap();
    let mut saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    saved["config"]["dir"] = json!(copy.to_str().unwrap());
    std::fs::write(&file, saved.to_string()).unwrap();
    std::fs::write(
        copy.join("main.tf"),
        text.replace("retention_in_days   = 30", "retention_in_days   = 60"),
    )
    .unwrap();
    let state = format!("-state={}", stack.state().display());
    let out = crate::common::aksform_env(
        stack.tmp.path(),
        &["apply", &state, file.to_str().unwrap()],
        &stack.env(None),
    );
    assert_eq!(out.code, 1, "{}", out.combined());
    assert!(
        out.stderr
            .contains("changed since the plan was made (its hash differs): run plan again"),
        "{}",
        out.stderr
    );
}

/// The state index's entries: address -> status.
fn index_status(stack: &Stack) -> Vec<(String, String)> {
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(stack.state()).unwrap()).unwrap();
    index["resources"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(a, e)| (a.clone(), e["status"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn a_failed_operation_skips_its_dependents_finishes_the_rest_and_a_rerun_completes() {
    let stack = Stack::new(
        &fixture(),
        &["--fail-operations-on", "managedClusters/aks-apply"],
    );
    let out = stack.run("apply", None, &["-auto-approve"]);
    assert_eq!(out.code, 1, "{}", out.combined());
    let err = &out.stderr;
    assert!(
        err.contains("Apply stopped: 4 of 7 done, 1 failed, 2 skipped."),
        "{err}"
    );
    assert!(
        err.contains("failed:  azurerm_kubernetes_cluster.main:"),
        "the failure names the resource and the ARM error: {err}"
    );
    assert!(
        err.contains("skipped: azurerm_kubernetes_cluster_node_pool.apps (azurerm_kubernetes_cluster.main failed)"),
        "{err}"
    );
    for independent in [
        "azurerm_resource_group.main (created)",
        "azurerm_virtual_network.main (created)",
        "azurerm_subnet.nodes (created)",
        "azurerm_log_analytics_workspace.logs (created)",
    ] {
        assert!(
            err.contains(&format!("done:    {independent}")),
            "{independent}: {err}"
        );
    }
    // The index has what finished, and the cluster whose create was sent, as pending.
    let index = index_status(&stack);
    let expected: Vec<(String, String)> = [
        ("azurerm_kubernetes_cluster.main", "pending"),
        ("azurerm_log_analytics_workspace.logs", "applied"),
        ("azurerm_resource_group.main", "applied"),
        ("azurerm_subnet.nodes", "applied"),
        ("azurerm_virtual_network.main", "applied"),
    ]
    .iter()
    .map(|(a, s)| (a.to_string(), s.to_string()))
    .collect();
    assert_eq!(index, expected);

    // The fault is gone; the rerun does only what is left.
    let resp =
        crate::common::http::arm(&stack.emu.url, "PUT", "/_emulator/faults", Some(&json!({})));
    assert!(resp.status < 300, "{}", resp.status);
    let before = stack.requests().len();
    let out = stack.run("apply", None, &["-auto-approve"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let paths: Vec<String> = writes(&stack, before)
        .into_iter()
        .map(|(m, p, _)| format!("{m} {}", p.rsplit('/').next().unwrap()))
        .collect();
    assert_eq!(
        paths,
        ["PUT aks-apply", "PUT apps", "PUT batch"],
        "only what was left"
    );
    assert!(index_status(&stack).iter().all(|(_, s)| s == "applied"));
    let out = stack.plan(&["-detailed-exitcode"]);
    assert_eq!(out.code, 0, "{}", out.combined());
}

#[test]
fn destroy_deletes_everything_in_reverse_order_and_leaves_the_emulator_empty() {
    let stack = Stack::new(&fixture(), &[]);
    let out = stack.run("apply", None, &["-auto-approve"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let before = stack.requests().len();
    let out = stack.run("destroy", Some("stack"), &["-auto-approve"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.stdout
            .contains("Destroy complete! Resources: 7 destroyed."),
        "{}",
        out.stdout
    );
    let deletes: Vec<String> = writes(&stack, before)
        .into_iter()
        .map(|(m, p, _)| {
            assert_eq!(m, "DELETE", "{p}");
            p.rsplit('/').next().unwrap().to_string()
        })
        .collect();
    let at = |name: &str| {
        deletes
            .iter()
            .position(|d| d == name)
            .unwrap_or_else(|| panic!("{name} is deleted: {deletes:?}"))
    };
    assert!(
        at("apps") < at("aks-apply") && at("batch") < at("aks-apply"),
        "pools before their cluster: {deletes:?}"
    );
    assert!(
        at("aks-apply") < at("snet-nodes"),
        "the cluster before its network: {deletes:?}"
    );
    assert!(at("snet-nodes") < at("vnet-apply"), "{deletes:?}");
    assert_eq!(
        deletes.last().map(String::as_str),
        Some("rg-apply"),
        "the group last"
    );
    let groups = crate::common::http::arm(
        &stack.emu.url,
        "GET",
        &format!("/subscriptions/{SUB}/resourcegroups?api-version=2025-04-01"),
        None,
    );
    assert_eq!(groups.json()["value"], json!([]), "the emulator is empty");
    assert_eq!(index_status(&stack), []);
    let out = stack.run("destroy", None, &["-auto-approve"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.stdout
            .contains("Destroy complete! Resources: 0 destroyed."),
        "{}",
        out.stdout
    );
}

#[test]
fn an_apply_killed_mid_operation_is_finished_by_a_rerun_without_duplicate_creates() {
    // Real-time operations (a cluster takes seconds), so that the kill lands in the middle.
    let stack = Stack::new(&fixture(), &["--speed", "2"]);
    let mut child = spawn_apply(&stack);
    wait_for_put(&stack, &mut child, CLUSTER_NAME);
    child.kill().unwrap(); // SIGKILL: no cleanup of any kind
    child.wait().unwrap();
    let index = index_status(&stack);
    assert!(
        index.contains(&(
            "azurerm_kubernetes_cluster.main".to_string(),
            "pending".to_string()
        )),
        "the create in flight is remembered: {index:?}"
    );

    let out = stack.run("apply", None, &["-auto-approve"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let requests = stack.requests();
    let mut created: Vec<&str> = requests
        .iter()
        .filter(|r| r["method"] == "PUT" && r["status"] == 201)
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    let all = created.len();
    created.sort_unstable();
    created.dedup();
    assert_eq!(
        all,
        created.len(),
        "each resource created once: {created:#?}"
    );
    assert!(
        requests.iter().all(|r| r["status"] != 412),
        "no create collided with an existing resource"
    );
    assert!(index_status(&stack).iter().all(|(_, s)| s == "applied"));
    let out = stack.plan(&["-detailed-exitcode"]);
    assert_eq!(out.code, 0, "converged: {}", out.combined());
}

/// Starts `aksform apply -auto-approve` on the stack as a child process.
fn spawn_apply(stack: &Stack) -> std::process::Child {
    let state = format!("-state={}", stack.state().display());
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_aksform"));
    cmd.args([
        "apply",
        &state,
        "-auto-approve",
        fixture().to_str().unwrap(),
    ])
    .current_dir(stack.tmp.path())
    .env("NO_COLOR", "1")
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    for (k, v) in stack.env(None) {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// Waits until the request log has a PUT whose path ends with `suffix`.
fn wait_for_put(stack: &Stack, child: &mut std::process::Child, suffix: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !stack
        .requests()
        .iter()
        .any(|r| r["method"] == "PUT" && r["path"].as_str().unwrap().ends_with(suffix))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{suffix} was never sent"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "apply ended before {suffix}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn interrupt(child: &std::process::Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn ctrl_c_once_waits_for_running_operations_twice_abandons_them() {
    let stack = Stack::new(&fixture(), &["--speed", "2"]);
    // Once: the running cluster create finishes, nothing new starts.
    let mut child = spawn_apply(&stack);
    wait_for_put(&stack, &mut child, CLUSTER_NAME);
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("Stopping"), "{err}");
    assert!(
        err.contains("azurerm_kubernetes_cluster.main: Creation complete"),
        "{err}"
    );
    assert!(
        err.contains(
            "skipped: azurerm_kubernetes_cluster_node_pool.apps (the apply was interrupted)"
        ),
        "{err}"
    );
    assert!(err.contains("run apply again to finish the job"), "{err}");
    let index = index_status(&stack);
    assert!(
        index.contains(&(
            "azurerm_kubernetes_cluster.main".to_string(),
            "applied".to_string()
        )),
        "{index:?}"
    );

    // Twice: the wait is abandoned and the operation still running in Azure is named.
    let mut child = spawn_apply(&stack);
    wait_for_put(&stack, &mut child, "/agentPools/apps");
    interrupt(&child);
    std::thread::sleep(std::time::Duration::from_millis(100));
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("Still running in Azure (the state index remembers them; the next plan reads them): azurerm_kubernetes_cluster_node_pool.apps"),
        "{err}"
    );
    assert!(index_status(&stack).contains(&(
        "azurerm_kubernetes_cluster_node_pool.apps".to_string(),
        "pending".to_string()
    )));

    // And a rerun finishes the job.
    let out = stack.run("apply", None, &["-auto-approve"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(index_status(&stack).iter().all(|(_, s)| s == "applied"));
}

#[test]
fn json_progress_is_one_terraform_ui_event_per_line() {
    let stack = Stack::new(&fixture(), &[]);
    let out = stack.run("apply", None, &["-auto-approve", "-json"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let events: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let of = |kind: &str| -> Vec<String> {
        let mut v: Vec<String> = events
            .iter()
            .filter(|e| e["type"] == kind)
            .map(|e| e["hook"]["resource"]["addr"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(of("apply_start").len(), 7, "{events:#?}");
    assert_eq!(of("apply_start"), of("apply_complete"));
    let last = events.last().unwrap();
    assert_eq!(last["type"], "change_summary");
    assert_eq!(last["changes"]["add"], 7);
    assert!(
        events
            .iter()
            .all(|e| e["@timestamp"].is_string() && e["@message"].is_string())
    );
}

#[test]
fn every_kind_of_edit_applies_and_the_next_plan_is_empty() {
    let stack = Stack::new(&repo().join("tests/fixtures/plan/stack"), &[]);
    let out = stack.run("apply", None, &["-auto-approve"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let edits: [&[&str]; 5] = [
        // A tag removed and one changed, on the group, network, cluster and pool.
        &[r#"-var=tags={team="apps"}"#],
        // A set changed, a number changed.
        &[
            r#"-var=tags={team="apps"}"#,
            r#"-var=authorized_ip_ranges=["192.0.2.0/24"]"#,
            "-var=retention_in_days=60",
        ],
        // The control plane one minor up (the pool follows its own version).
        &[
            r#"-var=tags={team="apps"}"#,
            r#"-var=authorized_ip_ranges=["192.0.2.0/24"]"#,
            "-var=retention_in_days=60",
            "-var=kubernetes_version=1.34",
        ],
        // A tag added back; the workspace's tags are ignored by lifecycle.
        &[
            r#"-var=tags={team="apps",cost_center="7"}"#,
            r#"-var=authorized_ip_ranges=["192.0.2.0/24"]"#,
            "-var=retention_in_days=60",
            "-var=kubernetes_version=1.34",
            r#"-var=workspace_tags={team="ignored"}"#,
        ],
        // Back to the defaults, except the version (AKS cannot go back).
        &["-var=kubernetes_version=1.34"],
    ];
    for vars in edits {
        let mut args = vec!["-auto-approve"];
        args.extend_from_slice(vars);
        let out = stack.run("apply", None, &args);
        assert_eq!(out.code, 0, "{vars:?}: {}", out.combined());
        let mut plan_args = vec!["-detailed-exitcode"];
        plan_args.extend_from_slice(vars);
        let out = stack.plan(&plan_args);
        assert_eq!(out.code, 0, "{vars:?} converges: {}", out.combined());
    }
}

#[test]
fn a_cluster_replacement_brings_back_its_node_pools_after_it() {
    let stack = Stack::new(&fixture(), &[]);
    let out = stack.run("apply", None, &["-auto-approve"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let replace = ["-var=dns_prefix=aks-apply-2"];
    let out = stack.plan(&replace);
    assert_eq!(
        out.code,
        1,
        "a cluster replacement needs permission: {}",
        out.combined()
    );
    let allow = "-allow-replace=azurerm_kubernetes_cluster.main";
    let out = stack.plan(&[replace[0], allow]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.stdout
            .contains("azurerm_kubernetes_cluster.main is replaced, and Azure deletes it with it"),
        "{}",
        out.stdout
    );
    let before = stack.requests().len();
    let out = stack.run("apply", None, &["-auto-approve", replace[0], allow]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let sent: Vec<String> = writes(&stack, before)
        .into_iter()
        .map(|(m, p, _)| format!("{m} {}", p.rsplit('/').next().unwrap()))
        .collect();
    assert_eq!(
        sent,
        ["DELETE aks-apply", "PUT aks-apply", "PUT apps", "PUT batch"],
        "the pools went with the cluster and come back after it"
    );
    let out = stack.plan(&["-detailed-exitcode", replace[0]]);
    assert_eq!(out.code, 0, "{}", out.combined());
}
