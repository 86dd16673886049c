//! Tests of the ARM body diff: headers, sorted keys, redacted secrets, and silence when nothing
//! on the wire changes.

use serde_json::json;

use super::fixtures::*;
use super::render_diff;
use super::scenarios::*;
use crate::plan::{Action, ResourceChange};

/// A cluster update whose ARM bodies are `before` and `after`.
fn bodies(before: serde_json::Value, after: serde_json::Value) -> ResourceChange {
    let mut rc = managed("azurerm_kubernetes_cluster", "main", Action::Update);
    rc.body_before = Some(before);
    rc.body_after = Some(after);
    rc
}

#[test]
fn update_snapshot() {
    insta::assert_snapshot!(render_diff(&plan(vec![cluster_update()])));
}

#[test]
fn mixed_plan_snapshot() {
    insta::assert_snapshot!(render_diff(&mixed()));
}

#[test]
fn headers_name_the_address() {
    let out = render_diff(&plan(vec![in_module(cluster_update(), "module.aks")]));
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("--- module.aks.azurerm_kubernetes_cluster.main (live)")
    );
    assert_eq!(
        lines.next(),
        Some("+++ module.aks.azurerm_kubernetes_cluster.main (planned)")
    );
    assert!(lines.next().is_some_and(|l| l.starts_with("@@ ")), "{out}");
    assert!(out.contains("\n-        \"maxCount\": 5,\n"), "{out}");
    assert!(out.contains("\n+        \"maxCount\": 7,\n"), "{out}");
}

#[test]
fn one_diff_per_changing_resource_in_plan_order() {
    let out = render_diff(&mixed());
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("--- ")).collect();
    assert_eq!(
        headers,
        [
            "--- azurerm_resource_group.main (live)",
            "--- azurerm_kubernetes_cluster.main (live)",
            "--- module.monitoring.azurerm_user_assigned_identity.aks (live)",
            "--- azurerm_kubernetes_cluster_node_pool.user (live)",
            "--- azurerm_subnet.legacy (live)",
        ],
        "the NoOp import has equal bodies, the unchanged cluster and reads are skipped:\n{out}"
    );
}

#[test]
fn create_and_destroy_diff_against_nothing() {
    let out = render_diff(&plan(vec![resource_group_create(), subnet_delete()]));
    let (create, destroy) = out
        .split_once("--- azurerm_subnet.legacy")
        .expect("two diffs");
    assert!(create.contains("@@ -0,0 +1,"), "{create}");
    assert!(
        !create.lines().skip(2).any(|l| l.starts_with('-')),
        "{create}"
    );
    assert!(destroy.contains(" +0,0 @@"), "{destroy}");
    assert!(
        !destroy.lines().skip(2).any(|l| l.starts_with('+')),
        "{destroy}"
    );
}

#[test]
fn keys_are_sorted_at_every_level() {
    // Every leaf changes, so every line is in the one hunk.
    let body = |n: u32| json!({"zeta": n, "alpha": {"zz": n, "aa": n, "mm": [{"y": n, "b": n}]}, "mid": n});
    let out = render_diff(&plan(vec![bodies(body(1), body(2))]));
    let position = |needle: &str| {
        out.find(needle)
            .unwrap_or_else(|| panic!("{needle} in:\n{out}"))
    };
    assert!(position("\"alpha\"") < position("\"mid\""), "{out}");
    assert!(position("\"mid\"") < position("\"zeta\""), "{out}");
    assert!(position("\"aa\"") < position("\"mm\""), "{out}");
    assert!(position("\"mm\"") < position("\"zz\""), "{out}");
    assert!(position("\"b\"") < position("\"y\""), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn the_same_bodies_in_another_key_order_give_the_same_diff() {
    let a = bodies(
        json!({"a": 1, "b": {"c": 1, "d": 2}}),
        json!({"a": 2, "b": {"c": 1, "d": 2}}),
    );
    let b = bodies(
        json!({"b": {"d": 2, "c": 1}, "a": 1}),
        json!({"b": {"d": 2, "c": 1}, "a": 2}),
    );
    assert_eq!(render_diff(&plan(vec![a])), render_diff(&plan(vec![b])));
}

#[test]
fn unchanged_secrets_are_redacted_on_both_sides() {
    let body = |count: u32| {
        json!({"properties": {
            "count": count,
            "clientSecret": "hunter2",
            "adminPassword": "P@ssw0rd!",
            "password": "pw-1",
        }})
    };
    let out = render_diff(&plan(vec![bodies(body(1), body(2))]));
    for secret in ["hunter2", "P@ssw0rd!", "pw-1"] {
        assert!(!out.contains(secret), "{secret} leaked:\n{out}");
    }
    for key in ["adminPassword", "clientSecret"] {
        let line = format!("\n     \"{key}\": \"(sensitive value)\",\n");
        assert!(out.contains(&line), "{key} as context:\n{out}");
    }
    assert!(
        out.contains("\n     \"password\": \"(sensitive value)\"\n"),
        "{out}"
    );
    assert!(
        !out.contains("changed)"),
        "unchanged secrets are context:\n{out}"
    );
}

#[test]
fn changed_secrets_are_redacted_and_marked() {
    let out = render_diff(&plan(vec![secrets_update()]));
    for secret in ["old-s3cret", "new-s3cret", "P@ss-old"] {
        assert!(!out.contains(secret), "{secret} leaked:\n{out}");
    }
    assert!(
        out.contains("\n-      \"secret\": \"(sensitive value)\"\n"),
        "{out}"
    );
    assert!(
        out.contains("\n+      \"secret\": \"(sensitive value, changed)\"\n"),
        "{out}"
    );
    assert!(
        out.contains("\n-      \"adminPassword\": \"(sensitive value)\",\n"),
        "a removed secret:\n{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn secret_keys_match_case_insensitively_inside_arrays() {
    let body = |s: &str| json!({"items": [{"PASSWORD": s, "Secret": s, "name": "a"}]});
    let out = render_diff(&plan(vec![bodies(body("one"), body("two"))]));
    assert!(
        !out.contains("\"one\"") && !out.contains("\"two\""),
        "{out}"
    );
    assert_eq!(
        out.matches("(sensitive value, changed)").count(),
        2,
        "{out}"
    );
}

#[test]
fn non_string_secret_fields_are_walked_not_hidden() {
    let before = json!({"secret": {"keyVaultId": "kv-1", "password": "a"}});
    let after = json!({"secret": {"keyVaultId": "kv-2", "password": "a"}});
    let out = render_diff(&plan(vec![bodies(before, after)]));
    assert!(
        out.contains("\"kv-1\"") && out.contains("\"kv-2\""),
        "{out}"
    );
    assert!(!out.contains("\"a\""), "{out}");
}

#[test]
fn nothing_is_written_when_the_bodies_are_equal() {
    let same = json!({"location": "westeurope", "tags": {"env": "prod"}});
    assert_eq!(
        render_diff(&plan(vec![bodies(same.clone(), same.clone())])),
        ""
    );
    let reordered = json!({"tags": {"env": "prod"}, "location": "westeurope"});
    assert_eq!(
        render_diff(&plan(vec![bodies(same.clone(), reordered)])),
        ""
    );
    let secret = |s: &str| json!({"password": s});
    assert_ne!(
        render_diff(&plan(vec![bodies(secret("a"), secret("b"))])),
        "",
        "a changed secret is still a change"
    );
    let mut noop = bodies(json!({"a": 1}), json!({"a": 2}));
    noop.action = Action::NoOp;
    assert_eq!(
        render_diff(&plan(vec![noop, plan_time_read()])),
        "",
        "no-ops are not diffed"
    );
    assert_eq!(render_diff(&plan(vec![])), "");
}

#[test]
fn null_bodies_count_as_absent() {
    let mut rc = bodies(serde_json::Value::Null, json!({"a": 1}));
    rc.action = Action::Create;
    let out = render_diff(&plan(vec![rc]));
    assert!(out.contains("@@ -0,0 +1,3 @@"), "{out}");
    assert!(!out.contains("null"), "{out}");
}
