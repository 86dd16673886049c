//! Tests of the JSON renderer against Terraform's JSON plan format 1.2: field names, types and
//! omissions (as `terraform show -json` writes them), stable bytes, and the `aksform` extension.

use serde_json::{Value as Json, json};

use super::fixtures::*;
use super::render_json;
use super::scenarios::*;
use crate::plan::{Action, ResourceChange};
use crate::render::json::{PROVIDER, to_value};

/// The keys of a JSON object, in order.
#[track_caller]
pub(super) fn keys(v: &Json) -> Vec<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

/// The `resource_changes` entry of `address`.
#[track_caller]
pub(super) fn change_of<'a>(v: &'a Json, address: &str) -> &'a Json {
    v["resource_changes"]
        .as_array()
        .expect("resource_changes is an array")
        .iter()
        .find(|rc| rc["address"] == address)
        .unwrap_or_else(|| panic!("no change of {address}"))
}

/// The one resource change of a plan holding only `rc`.
pub(super) fn only(rc: ResourceChange) -> Json {
    let address = rc.address.clone();
    change_of(&to_value(&plan(vec![rc])), &address).clone()
}

#[test]
fn mixed_plan_snapshot() {
    insta::assert_snapshot!(render_json(&mixed()));
}

#[test]
fn top_level_fields() {
    let v = to_value(&mixed());
    assert_eq!(
        keys(&v),
        [
            "format_version",
            "terraform_version",
            "planned_values",
            "resource_changes",
            "output_changes",
            "applyable",
            "complete",
            "errored",
            "aksform"
        ]
    );
    assert_eq!(v["format_version"], "1.2");
    assert_eq!(v["terraform_version"], "0.1.0");
    assert_eq!(
        (&v["applyable"], &v["complete"], &v["errored"]),
        (&json!(true), &json!(true), &json!(false))
    );
    assert!(
        v.get("timestamp").is_none(),
        "no wall-clock time in the output"
    );
    let empty = to_value(&plan(vec![]));
    assert_eq!(empty["applyable"], false);
    assert!(empty.get("timestamp").is_none());
}

#[test]
fn actions_are_terraforms_lists() {
    let cases = [
        (Action::Create, json!(["create"])),
        (Action::Update, json!(["update"])),
        (
            Action::Replace {
                create_before_destroy: false,
            },
            json!(["delete", "create"]),
        ),
        (
            Action::Replace {
                create_before_destroy: true,
            },
            json!(["create", "delete"]),
        ),
        (Action::NoOp, json!(["no-op"])),
        (Action::Delete, json!(["delete"])),
    ];
    for (action, expected) in cases {
        let rc = managed("azurerm_resource_group", "main", action);
        assert_eq!(only(rc)["change"]["actions"], expected, "{action:?}");
    }
    assert_eq!(only(deferred_read())["change"]["actions"], json!(["read"]));
}

#[test]
fn resource_change_fields() {
    let v = to_value(&mixed());
    let create = change_of(&v, "azurerm_kubernetes_cluster.main");
    assert_eq!(
        keys(create),
        ["address", "mode", "type", "name", "provider_name", "change"]
    );
    assert_eq!(create["mode"], "managed");
    assert_eq!(create["type"], "azurerm_kubernetes_cluster");
    assert_eq!(create["name"], "main");
    assert_eq!(create["provider_name"], PROVIDER);
    assert_eq!(PROVIDER, "registry.terraform.io/hashicorp/azurerm");
    assert_eq!(
        keys(&create["change"]),
        [
            "actions",
            "before",
            "after",
            "after_unknown",
            "before_sensitive",
            "after_sensitive"
        ]
    );
    let module = change_of(&v, "module.monitoring.azurerm_user_assigned_identity.aks");
    assert_eq!(keys(module)[..2], ["address", "module_address"]);
    assert_eq!(module["module_address"], "module.monitoring");
    let read = change_of(&v, "data.azurerm_kubernetes_service_versions.current");
    assert_eq!(read["mode"], "data");
    assert_eq!(read["type"], "azurerm_kubernetes_service_versions");
    assert_eq!(read["action_reason"], "read_because_config_unknown");
    assert_eq!(
        change_of(&v, "azurerm_subnet.legacy")["action_reason"],
        "delete_because_no_resource_config"
    );
    assert_eq!(
        change_of(&v, "azurerm_kubernetes_cluster_node_pool.user")["action_reason"],
        "replace_because_cannot_update"
    );
}

#[test]
fn index_is_a_number_or_a_string_and_absent_without_one() {
    let mut counted = managed("azurerm_subnet", "nodes", Action::Create);
    counted.address = "azurerm_subnet.nodes[1]".into();
    counted.index = Some(json!(1));
    let mut keyed = managed("azurerm_subnet", "pools", Action::Create);
    keyed.address = "azurerm_subnet.pools[\"user\"]".into();
    keyed.index = Some(json!("user"));
    let v = to_value(&plan(vec![counted, keyed, resource_group_create()]));
    assert_eq!(change_of(&v, "azurerm_subnet.nodes[1]")["index"], json!(1));
    assert_eq!(
        change_of(&v, "azurerm_subnet.pools[\"user\"]")["index"],
        json!("user")
    );
    assert!(
        change_of(&v, "azurerm_resource_group.main")
            .get("index")
            .is_none()
    );
    let planned = &v["planned_values"]["root_module"]["resources"];
    assert_eq!(planned[0]["index"], json!(1));
    assert_eq!(planned[1]["index"], json!("user"));
}

#[test]
fn sides_of_creates_and_destroys() {
    let create = only(cluster_create());
    let c = &create["change"];
    assert_eq!(c["before"], Json::Null);
    assert_eq!(c["before_sensitive"], json!(false));
    assert!(
        c["after"].is_object() && c["after_sensitive"].is_object(),
        "{c}"
    );
    assert_eq!(
        c["after_sensitive"],
        json!({"kube_config_raw": true, "windows_profile": [{"admin_password": true}]})
    );
    let delete = only(subnet_delete());
    let d = &delete["change"];
    assert_eq!(d["after"], Json::Null);
    assert_eq!(d["after_sensitive"], json!(false));
    assert_eq!(d["after_unknown"], json!({}));
    assert_eq!(d["before"]["address_prefixes"], json!(["10.10.8.0/24"]));
    assert_eq!(d["before_sensitive"], json!({}));
}

#[test]
fn unknown_values_are_left_out_of_after() {
    let v = to_value(&plan(vec![cluster_create()]));
    let c = &change_of(&v, "azurerm_kubernetes_cluster.main")["change"];
    for key in ["fqdn", "oidc_issuer_url", "kube_config_raw"] {
        assert!(c["after"].get(key).is_none(), "{key} in {}", c["after"]);
        assert_eq!(c["after_unknown"][key], true, "{key}");
    }
    assert_eq!(c["after"]["identity"], json!([{"type": "SystemAssigned"}]));
    assert_eq!(
        c["after_unknown"]["identity"],
        json!([{"principal_id": true}])
    );
    assert_eq!(
        c["after"]["default_node_pool"][0]["upgrade_settings"],
        json!([{"max_surge": "33%"}])
    );
    let values = &v["planned_values"]["root_module"]["resources"][0]["values"];
    assert_eq!(
        values, &c["after"],
        "planned values are the known part of after"
    );
    let mut listed = managed("azurerm_subnet", "s", Action::Create);
    listed.after = Some(json!({"ids": ["a", null, "c"], "name": "s"}));
    listed.after_unknown = json!({"ids": [false, true, false]});
    assert_eq!(
        only(listed)["change"]["after"],
        json!({"ids": ["a", null, "c"], "name": "s"})
    );
}

#[test]
fn replace_paths_name_the_forcing_attributes() {
    let pool = only(pool_replace(false));
    assert_eq!(pool["change"]["replace_paths"], json!([["vm_size"]]));
    let mut cluster = cluster_update();
    cluster.action = Action::Replace {
        create_before_destroy: true,
    };
    cluster.attributes = vec![forcing(changed(
        "default_node_pool.vm_size",
        json!("a"),
        json!("b"),
    ))];
    assert_eq!(
        only(cluster)["change"]["replace_paths"],
        json!([["default_node_pool", 0, "vm_size"]])
    );
    let mut renamed = pool_replace(false);
    renamed
        .attributes
        .iter_mut()
        .for_each(|a| a.forces_replacement = false);
    let change = &only(renamed)["change"];
    assert!(
        change.get("replace_paths").is_none(),
        "omitted without a path: {change}"
    );
    assert!(
        only(cluster_update())["change"]
            .get("replace_paths")
            .is_none()
    );
}

#[test]
fn importing_only_when_adopting() {
    for rc in [identity_import(false), identity_import(true)] {
        let id = rc.id.clone().expect("an id");
        let c = only(rc);
        assert_eq!(c["change"]["importing"], json!({ "id": id }));
        assert_eq!(keys(&c["change"]).last(), Some(&"importing"));
    }
    assert_eq!(
        only(identity_import(false))["change"]["actions"],
        json!(["no-op"])
    );
    assert_eq!(
        only(identity_import(true))["change"]["actions"],
        json!(["update"])
    );
    assert!(only(cluster_update())["change"].get("importing").is_none());
}

#[test]
fn sensitive_values_are_flagged() {
    let v = to_value(&plan(vec![secrets_update()]));
    let c = &change_of(&v, "azurerm_kubernetes_cluster.legacy")["change"];
    let mask =
        json!({"kube_admin_config_raw": true, "service_principal": [{"client_secret": true}]});
    assert_eq!(c["before_sensitive"], mask);
    assert_eq!(c["after_sensitive"], mask);
    assert!(
        c["after"].get("kube_admin_config_raw").is_none(),
        "unknown: {c}"
    );
    let planned = &v["planned_values"]["root_module"]["resources"][0];
    assert_eq!(planned["sensitive_values"], mask);
}

#[test]
fn plan_time_reads_are_not_changes() {
    let v = to_value(&plan(vec![plan_time_read(), deferred_read()]));
    let changes: Vec<&Json> = v["resource_changes"]
        .as_array()
        .expect("resource_changes")
        .iter()
        .map(|rc| &rc["address"])
        .collect();
    assert_eq!(
        changes,
        [&json!("data.azurerm_kubernetes_service_versions.current")]
    );
    let planned = &v["planned_values"]["root_module"]["resources"];
    assert_eq!(planned[0]["address"], "data.azurerm_client_config.current");
    assert_eq!(planned[0]["mode"], "data");
    assert_eq!(planned[0]["values"]["tenant_id"], "tenant-1");
    assert_eq!(planned[1]["values"], json!({"include_preview": false}));
}
