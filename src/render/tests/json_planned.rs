//! Tests of the JSON renderer's `planned_values`, `output_changes` and `aksform` extension, and
//! of its stable bytes: the same plan, in whatever key order it was built, gives the same output.

use serde_json::{Value as Json, json};

use super::fixtures::*;
use super::json::keys;
use super::render_json;
use super::scenarios::*;
use crate::plan::{Action, Plan};
use crate::render::json::to_value;

#[test]
fn planned_values_nest_modules() {
    let mut p = plan(vec![
        resource_group_create(),
        in_module(cluster_create(), "module.aks"),
        in_module(pool_replace(false), "module.aks.module.pools"),
        in_module(subnet_delete(), "module.aks.module.net"),
        in_module(identity_import(false), "module.identity"),
    ]);
    p.outputs = outputs();
    let planned = &to_value(&p)["planned_values"];
    let root = &planned["root_module"];
    assert_eq!(
        keys(root),
        ["resources", "child_modules"],
        "the root has no address"
    );
    assert_eq!(
        root["resources"][0]["address"],
        "azurerm_resource_group.main"
    );
    let children = root["child_modules"].as_array().expect("child_modules");
    let addresses: Vec<&Json> = children.iter().map(|c| &c["address"]).collect();
    assert_eq!(addresses, [&json!("module.aks"), &json!("module.identity")]);
    let aks = &children[0];
    assert_eq!(
        aks["resources"][0]["address"],
        "module.aks.azurerm_kubernetes_cluster.main"
    );
    assert_eq!(
        aks["child_modules"],
        json!([{ "resources": [aks["child_modules"][0]["resources"][0]], "address": "module.aks.module.pools" }]),
        "the module holding only a delete is left out"
    );
    let pool = &aks["child_modules"][0]["resources"][0];
    assert_eq!(
        keys(pool),
        [
            "address",
            "mode",
            "type",
            "name",
            "provider_name",
            "schema_version",
            "values",
            "sensitive_values"
        ]
    );
    assert_eq!(pool["values"]["vm_size"], "Standard_D8ds_v5");
    assert_eq!(pool["schema_version"], 0);
    let outputs = &planned["outputs"];
    assert!(
        outputs.get("legacy_endpoint").is_none(),
        "destroyed outputs are not planned"
    );
    assert_eq!(
        outputs["cluster_fqdn"],
        json!({"sensitive": false}),
        "no value while unknown"
    );
    assert_eq!(
        outputs["kube_config"],
        json!({"sensitive": true, "value": "apiVersion: v1"})
    );
    assert_eq!(
        outputs["subnet_ids"]["value"],
        json!({"system": "snet-system", "user": "snet-user"})
    );
}

#[test]
fn output_changes() {
    let mut p = plan(vec![]);
    p.outputs = outputs();
    let v = to_value(&p);
    let changes = &v["output_changes"];
    assert_eq!(
        keys(changes),
        [
            "cluster_fqdn",
            "kube_config",
            "subnet_ids",
            "node_resource_group",
            "legacy_endpoint",
            "cluster_name"
        ]
    );
    let expect = |name: &str, actions: Json, after: Json, unknown: bool, sensitive: bool| {
        let expected = json!({
            "actions": actions, "before": null, "after": after, "after_unknown": unknown,
            "before_sensitive": sensitive, "after_sensitive": sensitive,
        });
        assert_eq!(changes[name], expected, "{name}");
    };
    expect("cluster_fqdn", json!(["create"]), Json::Null, true, false);
    expect(
        "kube_config",
        json!(["create"]),
        json!("apiVersion: v1"),
        false,
        true,
    );
    expect(
        "node_resource_group",
        json!(["update"]),
        json!("MC_rg-aks_aks-prod"),
        false,
        false,
    );
    expect(
        "legacy_endpoint",
        json!(["delete"]),
        Json::Null,
        false,
        false,
    );
    expect(
        "cluster_name",
        json!(["no-op"]),
        json!("aks-prod"),
        false,
        false,
    );
    assert_eq!(
        keys(&changes["subnet_ids"]["after"]),
        ["system", "user"],
        "keys sorted"
    );
}

#[test]
fn the_same_plan_gives_the_same_bytes() {
    let first = render_json(&mixed());
    assert_eq!(first, render_json(&mixed()));
    assert!(first.ends_with("}\n"), "a trailing newline");
    let mut shuffled = mixed();
    for rc in &mut shuffled.resources {
        for side in [&mut rc.before, &mut rc.after] {
            if let Some(Json::Object(map)) = side {
                let mut entries: Vec<_> = std::mem::take(map).into_iter().collect();
                entries.reverse();
                map.extend(entries);
            }
        }
    }
    let text = |p: &Plan| serde_json::to_string(&p.resources[3].after).expect("serializes");
    assert_ne!(
        text(&shuffled),
        text(&mixed()),
        "the shuffle reorders the keys"
    );
    assert_eq!(
        render_json(&shuffled),
        first,
        "object key order in the plan does not leak"
    );
    let reparsed: Json = serde_json::from_str(&first).expect("valid JSON");
    assert_eq!(reparsed, to_value(&mixed()));
}

#[test]
fn aksform_extension() {
    let v = to_value(&on_emulator(mixed()));
    let ext = &v["aksform"];
    assert_eq!(keys(ext), ["target", "notes", "resources"]);
    assert_eq!(
        ext["target"],
        json!({"endpoint": EMULATOR, "subscription": SUBSCRIPTION, "emulator": true})
    );
    assert_eq!(ext["notes"], json!(mixed().notes));
    let resources = &ext["resources"];
    assert_eq!(
        keys(resources),
        [
            "data.azurerm_kubernetes_service_versions.current",
            "azurerm_kubernetes_cluster_node_pool.user",
            "azurerm_subnet.legacy",
            "module.legacy.azurerm_kubernetes_cluster.main",
        ],
        "only resources with reasons or notes"
    );
    assert_eq!(
        resources["azurerm_kubernetes_cluster_node_pool.user"],
        json!({"reasons": ["vm_size cannot be changed in place"], "notes": []})
    );
    assert_eq!(
        to_value(&plan(vec![]))["aksform"]["target"]["emulator"],
        false
    );
}

/// A plan whose only resource has no values at all.
fn bare() -> Plan {
    plan(vec![managed(
        "azurerm_resource_group",
        "main",
        Action::Create,
    )])
}

#[test]
fn missing_values_are_empty_objects() {
    let v = to_value(&bare());
    let c = &v["resource_changes"][0]["change"];
    assert_eq!((&c["before"], &c["after"]), (&Json::Null, &Json::Null));
    assert_eq!(c["after_unknown"], json!({}));
    let planned = &v["planned_values"]["root_module"]["resources"][0];
    assert_eq!(planned["values"], json!({}));
    assert_eq!(planned["sensitive_values"], json!({}));
}
