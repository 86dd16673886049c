//! The example's JSON plan read the way tools built for Terraform plans read it: the field names
//! and types that HashiCorp's `terraform-json` Go library (`tfjson.Plan`) decodes into, checked
//! field by field, including its format-version constraint (`>= 0.1, < 2.0`).

use serde_json::{Map, Value};

use crate::common::{aksform_env, repo};

type Obj = Map<String, Value>;

#[track_caller]
fn obj<'a>(v: &'a Value, what: &str) -> &'a Obj {
    v.as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {v}"))
}

#[track_caller]
fn string(o: &Obj, key: &str, what: &str) -> String {
    match o.get(key) {
        Some(Value::String(s)) => s.clone(),
        other => panic!("{what}.{key} is not a string: {other:?}"),
    }
}

/// `before_sensitive`, `after_unknown` and friends: a bool or a JSON value of bools.
#[track_caller]
fn mask(v: Option<&Value>, what: &str) {
    match v {
        Some(Value::Bool(_) | Value::Object(_) | Value::Array(_)) => {}
        other => panic!("{what} is not a mask: {other:?}"),
    }
}

/// A `tfjson.Change`: actions from Terraform's set, the two sides and their masks.
#[track_caller]
fn change(c: &Obj, what: &str) {
    let actions = c["actions"]
        .as_array()
        .unwrap_or_else(|| panic!("{what}.actions"));
    assert!(!actions.is_empty(), "{what}.actions is empty");
    for a in actions {
        assert!(
            matches!(
                a.as_str(),
                Some("no-op" | "create" | "read" | "update" | "delete" | "forget")
            ),
            "{what}.actions has {a}"
        );
    }
    for side in ["before", "after"] {
        assert!(c.contains_key(side), "{what} has no {side}");
    }
    for m in ["after_unknown", "before_sensitive", "after_sensitive"] {
        mask(c.get(m), &format!("{what}.{m}"));
    }
}

/// A `tfjson.StateModule` and its children, recursively; returns the resource addresses.
#[track_caller]
fn module(m: &Obj, what: &str, out: &mut Vec<String>) {
    for r in m
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let r = obj(r, what);
        let address = string(r, "address", what);
        for key in ["mode", "type", "name", "provider_name"] {
            string(r, key, &address);
        }
        assert!(r["schema_version"].is_u64(), "{address}.schema_version");
        obj(&r["values"], &format!("{address}.values"));
        mask(
            r.get("sensitive_values"),
            &format!("{address}.sensitive_values"),
        );
        out.push(address);
    }
    for child in m
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let child = obj(child, what);
        let address = string(child, "address", what);
        assert!(address.starts_with("module."), "{address}");
        module(child, &address, out);
    }
}

#[test]
fn the_example_json_plan_has_the_shape_terraform_json_decodes() {
    let tmp = tempfile::tempdir().unwrap();
    let emu = format!("--emulator={}", tmp.path().join("emu").display());
    let state = format!("-state={}", tmp.path().join("emu/state.json").display());
    let dir = repo().join("examples/hardened-cluster");
    let out = aksform_env(
        tmp.path(),
        &["plan", &emu, &state, "-json", dir.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.combined());
    let plan: Value = serde_json::from_str(&out.stdout).unwrap();
    let root = obj(&plan, "plan");

    let version = string(root, "format_version", "plan");
    let (major, minor) = version.split_once('.').expect("major.minor");
    assert_eq!(major, "1", "terraform-json accepts >= 0.1, < 2.0");
    assert!(minor.parse::<u32>().is_ok(), "{version}");
    string(root, "terraform_version", "plan");
    assert!(!root.contains_key("timestamp"), "the output is stable");
    for flag in ["applyable", "complete", "errored"] {
        assert!(root[flag].is_boolean(), "{flag}");
    }

    let mut planned = Vec::new();
    let pv = obj(&root["planned_values"], "planned_values");
    module(
        obj(&pv["root_module"], "root_module"),
        "root_module",
        &mut planned,
    );
    assert_eq!(planned.len(), 9, "{planned:?}");
    for (name, o) in obj(&pv["outputs"], "planned_values.outputs") {
        assert!(o["sensitive"].is_boolean(), "output {name}");
    }

    let changes = root["resource_changes"].as_array().unwrap();
    for rc in changes {
        let rc = obj(rc, "resource_change");
        let address = string(rc, "address", "resource_change");
        for key in ["type", "name", "provider_name"] {
            string(rc, key, &address);
        }
        let mode = string(rc, "mode", &address);
        assert!(mode == "managed" || mode == "data", "{address}: {mode}");
        if let Some(index) = rc.get("index") {
            assert!(
                index.is_u64() || index.is_string(),
                "{address}.index {index}"
            );
        }
        if let Some(module) = rc.get("module_address") {
            assert!(address.starts_with(module.as_str().unwrap()), "{address}");
        }
        change(obj(&rc["change"], &address), &address);
        assert!(
            planned.contains(&address),
            "{address} missing from planned_values"
        );
    }
    assert_eq!(changes.len(), planned.len());

    for (name, c) in obj(&root["output_changes"], "output_changes") {
        change(obj(c, name), name);
    }
    assert_eq!(root["output_changes"].as_object().unwrap().len(), 3);
}
