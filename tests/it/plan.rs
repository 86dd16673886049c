//! `aksform plan` end to end: the hardened example against a fresh emulator (all creates, fully
//! known ids), the same resources existing unchanged (an empty plan, one GET per resource), every
//! kind of edit snapshotted in text, Markdown and JSON, saved plans and `show`, the lock and the
//! exit codes.

use std::path::PathBuf;

use aksform::arm::{Condition, NoProgress};
use aksform::model::ResourceId;
use serde_json::{Value, json};

use crate::common::stack::{SUB, Stack, runtime, traffic_dir};
use crate::common::{aksform_env, repo};

fn example() -> PathBuf {
    repo().join("examples/hardened-cluster")
}

fn fixture() -> PathBuf {
    repo().join("tests/fixtures/plan/stack")
}

#[test]
fn the_example_plans_every_resource_as_a_create_with_known_ids_against_the_built_in_emulator() {
    let tmp = tempfile::tempdir().unwrap();
    let emu = format!("--emulator={}", tmp.path().join("emu").display());
    let state = format!("-state={}", tmp.path().join("emu/state.json").display());
    let dir = example();
    let dir = dir.to_str().unwrap();
    let traffic = traffic_dir("plan-fresh");
    let env: Vec<(&str, &str)> = traffic
        .iter()
        .map(|d| ("AKSFORM_TRAFFIC_DIR", d.as_str()))
        .collect();
    let out = aksform_env(tmp.path(), &["plan", &emu, &state, "-json", dir], &env);
    assert_eq!(out.code, 0, "{}", out.combined());
    let plan: Value = serde_json::from_str(&out.stdout).unwrap();
    let changes = plan["resource_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 9, "{changes:#?}");
    for rc in changes {
        assert_eq!(
            rc["change"]["actions"],
            json!(["create"]),
            "{}",
            rc["address"]
        );
        let id = rc["change"]["after"]["id"].as_str().unwrap_or_default();
        assert!(
            id.starts_with("/subscriptions/00000000-0000-4000-8000-00000000e001/"),
            "{}: id {id:?}",
            rc["address"]
        );
        assert_ne!(
            rc["change"]["after_unknown"]["id"], true,
            "{}",
            rc["address"]
        );
    }
    assert_eq!(plan["aksform"]["target"]["emulator"], true);

    let out = aksform_env(
        tmp.path(),
        &["plan", &emu, &state, "-detailed-exitcode", dir],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.combined());
    assert_eq!(
        out.stdout.matches("the built-in emulator").count(),
        1,
        "{}",
        out.stdout
    );
    // The hardening a reviewer checks is drawn, not hidden behind "(known after apply)".
    for (attr, value) in [
        ("\"azure_rbac_enabled\"", "= true"),
        ("local_account_disabled", "= true"),
        ("\"network_policy\"", "= \"azure\""),
        ("\"type\"", "= \"SystemAssigned\""),
        ("\"only_critical_addons_enabled\"", "= true"),
        ("\"principal_id\"", "= (known after apply)"),
    ] {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.contains(attr) && l.trim_end().ends_with(value)),
            "{attr} {value}: {}",
            out.stdout
        );
    }
    assert!(
        out.stdout
            .contains("Plan: 9 to add, 0 to change, 0 to destroy."),
        "{}",
        out.stdout
    );
    for format in ["-format=markdown", "-json"] {
        let out = aksform_env(tmp.path(), &["plan", &emu, &state, format, dir], &[]);
        assert_eq!(
            out.stdout.matches("emulator (http").count()
                + out.stdout.matches("\"emulator\": true").count(),
            1,
            "{format}: {}",
            out.stdout
        );
    }
}

#[test]
fn existing_resources_plan_empty_with_one_get_each_and_nothing_else() {
    let stack = Stack::new(&example(), &[]);
    stack.apply(&[]);
    let before = stack.requests().len();
    let out = stack.plan_recorded(Some("existing"), &["-detailed-exitcode"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.stdout
            .starts_with("No changes. Your infrastructure matches the configuration."),
        "{}",
        out.stdout
    );
    let requests = stack.requests();
    let planned: Vec<&Value> = requests[before..].iter().collect();
    let methods: Vec<&str> = planned
        .iter()
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert!(methods.iter().all(|m| *m == "GET"), "{methods:?}");
    let mut paths: Vec<String> = planned
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_ascii_lowercase())
        .collect();
    let total = paths.len();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), total, "a resource was read twice: {paths:#?}");
    // Nine azurerm resources are ten ARM resources: the association is a field of the subnet,
    // and the cluster's two maintenance windows are two maintenanceConfigurations.
    assert_eq!(total, 10, "{paths:#?}");
    assert_eq!(
        paths
            .iter()
            .filter(|p| p.contains("/maintenanceconfigurations/"))
            .count(),
        2,
        "{paths:#?}"
    );
}

/// The text, Markdown and JSON of one plan (JSON reduced to the resources that change).
fn three_ways(stack: &Stack, vars: &[&str]) -> String {
    let mut args: Vec<&str> = vars.to_vec();
    let text = stack.plan(&args);
    assert_eq!(text.code, 0, "{}", text.combined());
    args.push("-format=markdown");
    let markdown = stack.plan(&args);
    args.pop();
    args.push("-json");
    let json_out = stack.plan(&args);
    let mut plan: Value = serde_json::from_str(&json_out.stdout).unwrap();
    let changes: Vec<Value> = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|rc| rc["change"]["actions"] != json!(["no-op"]))
        .cloned()
        .collect();
    plan["resource_changes"] = Value::Array(changes);
    plan.as_object_mut().unwrap().remove("planned_values");
    format!(
        "$ aksform plan {}\n{}{}\n---- -format=markdown\n{}\n---- -json (changing resources)\n{}\n",
        vars.join(" "),
        text.stdout,
        text.stderr,
        markdown.stdout,
        serde_json::to_string_pretty(&plan).unwrap()
    )
}

fn snapshot(name: &str, value: String) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(
        r#""terraform_version": "[^"]+""#,
        r#""terraform_version": "[VERSION]""#,
    );
    settings.add_filter(
        r#""config_hash": "[0-9a-f]+""#,
        r#""config_hash": "[HASH]""#,
    );
    settings.add_filter(r#""(e[tT]ag)": "[^"]+""#, r#""$1": "[ETAG]""#);
    // What the emulator makes up per cluster and workspace, as Azure does.
    settings.add_filter(
        r#""(principal_id|object_id|client_id|workspace_id|guid)": "[0-9a-f-]{36}""#,
        r#""$1": "[GUID]""#,
    );
    settings.add_filter(
        r"(oic\.prod-aks\.azure\.com/[0-9a-f-]{36}/)[0-9a-f-]{36}/",
        "$1[GUID]/",
    );
    settings.add_filter(r#"(fqdn": "[a-z0-9-]+-)[0-9a-f]{8}\."#, "$1[HASH].");
    settings.add_filter(
        r"publicIPAddresses/[0-9a-f-]{36}",
        "publicIPAddresses/[GUID]",
    );
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_suffix(name);
    settings.bind(|| insta::assert_snapshot!("plan_edit", value));
}

#[test]
fn every_kind_of_edit_is_planned_and_drawn() {
    let stack = Stack::new(&fixture(), &[]);
    stack.apply(&[]);
    let out = stack.plan(&["-detailed-exitcode"]);
    assert_eq!(
        out.code,
        0,
        "the stack as created plans empty: {}",
        out.combined()
    );

    snapshot(
        "in_place",
        three_ways(&stack, &["-var=retention_in_days=60"]),
    );
    snapshot(
        "forced_replacement",
        three_ways(&stack, &["-var=pool_os_type=Windows"]),
    );
    snapshot(
        "set_valued",
        three_ways(
            &stack,
            &[r#"-var=authorized_ip_ranges=["198.51.100.0/24","203.0.113.0/24","192.0.2.0/24"]"#],
        ),
    );
    snapshot(
        "version_alias",
        three_ways(&stack, &["-var=kubernetes_version=1.34"]),
    );
    // Skipping a minor version becomes one step per minor, checked against the upgrade profile
    // (first step) and the region's version list (the next), each read once.
    let before = stack.requests().len();
    let out = stack.plan_recorded(Some("upgrade"), &["-json", "-var=kubernetes_version=1.35"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let plan: Value = serde_json::from_str(&out.stdout).unwrap();
    let steps = &plan["aksform"]["resources"]["azurerm_kubernetes_cluster.main"]["upgrade_steps"];
    let path: Vec<String> = steps
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} {} -> {}",
                s["pool"],
                s["from"].as_str().unwrap(),
                s["to"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(path, ["null 1.33.5 -> 1.34.3", "null 1.34.3 -> 1.35"]);
    let reads: Vec<String> = stack.requests()[before..]
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .filter(|p| p.ends_with("/upgradeProfiles/default") || p.ends_with("/kubernetesVersions"))
        .collect();
    assert_eq!(reads.len(), 2, "{reads:?}");
    // A version no path reaches is refused at plan time, at the attribute, listing what is on offer.
    let out = stack.plan(&["-var=kubernetes_version=1.36"]);
    assert_eq!(out.code, 1, "{}", out.combined());
    let flat = out
        .stderr
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("1.36 is not an upgrade AKS offers from there (through 1.35.1) (available from 1.35.1: none)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("main.tf:"),
        "the error points at the file: {}",
        out.stderr
    );
    snapshot(
        "tags",
        three_ways(&stack, &[r#"-var=tags={team="platform",cost_center="43"}"#]),
    );
    snapshot(
        "ignore_changes",
        three_ways(&stack, &[r#"-var=workspace_tags={team="apps"}"#]),
    );

    // The autoscaler moved the pool to five nodes: the live count differs, the plan does not.
    let client = stack.client();
    let rt = runtime();
    let pool: ResourceId = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-plan/providers/Microsoft.ContainerService/managedClusters/aks-plan/agentPools/apps"
    )
    .parse()
    .unwrap();
    let mut body = rt.block_on(client.get(&pool)).unwrap().unwrap().body;
    body["properties"]["count"] = json!(5);
    rt.block_on(client.put(&pool, &body, &Condition::None, &NoProgress))
        .unwrap();
    snapshot("autoscaled_count", three_ways(&stack, &[]));

    // The patch channel moved the cluster from the configured 1.33.2 to 1.33.5.
    let cluster: ResourceId = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-plan/providers/Microsoft.ContainerService/managedClusters/aks-plan"
    )
    .parse()
    .unwrap();
    let mut body = rt.block_on(client.get(&cluster)).unwrap().unwrap().body;
    body["properties"]["kubernetesVersion"] = json!("1.33.5");
    rt.block_on(client.put(&cluster, &body, &Condition::None, &NoProgress))
        .unwrap();
    snapshot(
        "channel_managed_version",
        three_ways(&stack, &["-var=kubernetes_version=1.33.2"]),
    );
    let out = stack.plan(&["-detailed-exitcode"]);
    assert_eq!(out.code, 0, "{}", out.combined());
}

#[test]
fn a_saved_plan_shows_again_in_every_format() {
    let stack = Stack::new(&fixture(), &[]);
    let file = stack.tmp.path().join("p.plan");
    let out_arg = format!("-out={}", file.display());
    let text = stack.plan(&[&out_arg]);
    assert_eq!(text.code, 0, "{}", text.combined());
    assert!(text.stdout.contains("Saved the plan to"), "{}", text.stdout);
    let file_arg = file.to_str().unwrap();
    let shown = aksform_env(stack.tmp.path(), &["show", file_arg], &[]);
    assert_eq!(shown.code, 0, "{}", shown.combined());
    let body = shown.stdout.split_once("\n\n").unwrap().1;
    let planned = text.stdout.split("\nSaved the plan to").next().unwrap();
    assert_eq!(body, planned, "show draws the plan as plan did");
    let json = aksform_env(stack.tmp.path(), &["show", "-json", file_arg], &[]);
    let direct = stack.plan(&["-json"]);
    assert_eq!(json.stdout, direct.stdout);
    let md = aksform_env(
        stack.tmp.path(),
        &["show", "-format=markdown", "-diff", file_arg],
        &[],
    );
    assert!(md.stdout.starts_with("**Plan:** 6 to add"), "{}", md.stdout);
    assert!(
        md.stdout.contains("<summary>ARM request bodies</summary>"),
        "{}",
        md.stdout
    );

    let bad = stack.tmp.path().join("bad.plan");
    std::fs::write(&bad, "{\"kind\": \"aksform-plan\", \"plan\": 3}").unwrap();
    let out = aksform_env(stack.tmp.path(), &["show", bad.to_str().unwrap()], &[]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("bad.plan") && out.stderr.contains("make the plan again"),
        "{}",
        out.stderr
    );
    let out = aksform_env(stack.tmp.path(), &["show", "-json", "-diff", file_arg], &[]);
    assert_eq!(out.code, 64, "{}", out.combined());
}

#[test]
fn the_lock_is_held_and_named_and_bad_input_exits_1() {
    let stack = Stack::new(&fixture(), &[]);
    let lock = stack.tmp.path().join("state.json.lock");
    let held = aksform::state::acquire(&lock, "apply", std::time::Duration::ZERO).unwrap();
    let out = stack.plan(&[]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("the state is locked by apply (pid"),
        "{}",
        out.stderr
    );
    let out = stack.plan(&["-lock=false", "-detailed-exitcode"]);
    assert_eq!(out.code, 2, "{}", out.combined());
    drop(held);

    let out = stack.plan(&["-var=retention_in_days=\"many\""]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("retention_in_days"), "{}", out.stderr);

    let mut other = aksform::state::StateIndex::new();
    other.subscription_id = Some("00000000-0000-4000-8000-0000000000ff".into());
    aksform::state::save(&stack.state(), &mut other).unwrap();
    let out = stack.plan(&[]);
    assert_eq!(out.code, 1, "{}", out.combined());
    assert!(
        out.stderr
            .contains("belongs to subscription 00000000-0000-4000-8000-0000000000ff"),
        "{}",
        out.stderr
    );

    std::fs::write(stack.state(), "{ not json").unwrap();
    let out = stack.plan(&[]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("state.json:1:3"), "{}", out.stderr);
}

#[test]
fn a_resource_outside_the_index_is_never_taken_over_silently() {
    let stack = Stack::new(&fixture(), &[]);
    stack.apply(&[]);
    let state_arg = format!("-state={}", stack.state().display());
    let shown = aksform_env(stack.tmp.path(), &["show", &state_arg], &[]);
    assert_eq!(shown.code, 0, "{}", shown.combined());
    assert_eq!(shown.stdout.lines().count(), 6, "{}", shown.stdout);
    assert!(
        shown
            .stdout
            .contains("azurerm_kubernetes_cluster.main  /subscriptions/"),
        "{}",
        shown.stdout
    );
    std::fs::remove_file(stack.state()).unwrap();
    let shown = aksform_env(stack.tmp.path(), &["show", &state_arg], &[]);
    assert!(
        shown.stdout.contains("owns no resources yet"),
        "{}",
        shown.stdout
    );
    let out = stack.plan(&[]);
    assert_eq!(out.code, 1, "{}", out.combined());
    assert!(
        out.stderr.contains("azurerm_resource_group.main"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("-adopt"), "{}", out.stderr);
    let out = stack.plan(&[
        "-adopt=azurerm_resource_group.main",
        "-adopt=azurerm_virtual_network.main",
        "-adopt=azurerm_subnet.nodes",
        "-adopt=azurerm_log_analytics_workspace.logs",
        "-adopt=azurerm_kubernetes_cluster.main",
        "-adopt=azurerm_kubernetes_cluster_node_pool.apps",
    ]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.stdout
            .contains("Plan: 6 to import, 0 to add, 0 to change, 0 to destroy."),
        "{}",
        out.stdout
    );
}

#[test]
fn data_sources_are_read_at_plan_time() {
    use crate::common::stack::{CLIENT_ID, OBJECT_ID, TENANT};
    let stack = Stack::new(&repo().join("tests/fixtures/plan/data"), &[]);
    let out = stack.plan(&[]);
    assert_eq!(out.code, 1, "{}", out.combined());
    assert!(
        out.stderr
            .contains("the resource group \"rg-shared\" does not exist in"),
        "{}",
        out.stderr
    );

    let client = stack.client();
    let rt = runtime();
    let rg = ResourceId::resource_group(SUB, "rg-shared");
    rt.block_on(client.put(
        &rg,
        &json!({"location": "northeurope"}),
        &Condition::None,
        &NoProgress,
    ))
    .unwrap();
    let before = stack.requests().len();
    let out = stack.plan(&["-json"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let plan: Value = serde_json::from_str(&out.stdout).unwrap();
    let outputs = &plan["planned_values"]["outputs"];
    assert_eq!(outputs["tenant_id"]["value"], TENANT);
    assert_eq!(outputs["client_id"]["value"], CLIENT_ID);
    assert_eq!(
        outputs["subscription"]["value"],
        format!("/subscriptions/{SUB}")
    );
    assert_eq!(outputs["location"]["value"], "northeurope");
    let latest = outputs["latest_version"]["value"].as_str().unwrap();
    assert!(latest.starts_with("1."), "{latest}");
    let ws = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rc| rc["address"] == "azurerm_log_analytics_workspace.logs")
        .unwrap();
    assert_eq!(ws["change"]["after"]["tags"]["owner"], OBJECT_ID);
    assert_eq!(ws["change"]["after"]["location"], "northeurope");
    // Read now, so not listed as reads deferred to apply.
    assert_eq!(plan["resource_changes"].as_array().unwrap().len(), 1);
    // The group and the version list read once each, the workspace once: nothing else.
    let paths: Vec<String> = stack.requests()[before..]
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths.len(), 3, "{paths:#?}");
    assert!(
        paths.iter().any(|p| p.ends_with("/kubernetesVersions")),
        "{paths:#?}"
    );
}
