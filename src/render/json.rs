//! The plan in Terraform's JSON plan format (`terraform show -json`, format version 1.2), so that
//! tools built for Terraform plans (policy checkers, cost estimators, the `terraform-json` Go
//! library) can read ours.
//!
//! The field names and shapes are Terraform's: `planned_values.root_module` with nested
//! `child_modules`, `resource_changes[].change.{actions, before, after, after_unknown,
//! before_sensitive, after_sensitive}`, `output_changes`. There is no `timestamp` (the output is
//! stable: the same plan gives the same bytes), no `configuration` and no `prior_state`. What
//! only aksform knows sits under a top-level `aksform` key, which Terraform readers ignore: the
//! target, the plan-wide notes and each resource's reasons and notes.
//!
//! As in Terraform, `before` and `after` hold sensitive values as they are; `before_sensitive`
//! and `after_sensitive` say which ones they are. Values known only after apply are left out of
//! `after` and `planned_values` (`null` in place inside lists), and `after_unknown` marks them.
//! A data source read at plan time is not a change: `resource_changes` lists only the reads
//! deferred to apply (there `["read"]` always means "during apply"), while `planned_values`
//! holds every data source.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Map, Value as Json, json};

use super::{is_deferred_read, sort_keys};
use crate::addr::{AbsResourceInstance, ModuleInstance};
use crate::plan::{Action, Mode, OutputChange, Plan, ResourceChange};

/// The version of Terraform's JSON plan format this follows.
pub const FORMAT_VERSION: &str = "1.2";

/// The provider every resource belongs to.
pub const PROVIDER: &str = "registry.terraform.io/hashicorp/azurerm";

/// Writes [`to_value`] pretty-printed, with a trailing newline.
///
/// # Errors
///
/// Only the errors of `out`.
pub fn write(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(plan)).map_err(io::Error::other)?;
    writeln!(out)
}

/// The plan as a Terraform JSON plan.
pub fn to_value(plan: &Plan) -> Json {
    let mut root = Map::new();
    root.insert("format_version".into(), FORMAT_VERSION.into());
    root.insert(
        "terraform_version".into(),
        plan.aksform_version.clone().into(),
    );
    root.insert("planned_values".into(), planned_values(plan));
    root.insert(
        "resource_changes".into(),
        plan.resources
            .iter()
            .filter(|rc| rc.action != Action::Read || is_deferred_read(rc))
            .map(resource_change)
            .collect(),
    );
    root.insert(
        "output_changes".into(),
        Json::Object(
            plan.outputs
                .iter()
                .map(|o| (o.name.clone(), output_change(o)))
                .collect(),
        ),
    );
    root.insert("applyable".into(), plan.has_changes().into());
    root.insert("complete".into(), true.into());
    root.insert("errored".into(), false.into());
    root.insert("aksform".into(), extension(plan));
    Json::Object(root)
}

/// `planned_values`: the outputs and the resources as they will be after apply.
fn planned_values(plan: &Plan) -> Json {
    let mut outputs = Map::new();
    for o in plan.outputs.iter().filter(|o| o.action != Action::Delete) {
        let mut entry = Map::new();
        entry.insert("sensitive".into(), o.sensitive.into());
        if let (false, Some(value)) = (o.unknown, &o.after) {
            entry.insert("value".into(), sort_keys(value));
        }
        outputs.insert(o.name.clone(), Json::Object(entry));
    }
    let mut root = ModuleNode::default();
    for rc in plan
        .resources
        .iter()
        .filter(|rc| rc.action != Action::Delete)
    {
        let values = match (&rc.after, &rc.before) {
            (Some(after), _) if after.is_object() => {
                sort_keys(&known_only(after, &rc.after_unknown))
            }
            (_, Some(before)) if before.is_object() => sort_keys(before),
            _ => json!({}),
        };
        let mut resource = identity(rc);
        resource.insert("schema_version".into(), 0.into());
        resource.insert("values".into(), values);
        resource.insert(
            "sensitive_values".into(),
            shape_or(&rc.sensitive, json!({})),
        );
        root.at(&module_path(rc))
            .resources
            .push(Json::Object(resource));
    }
    let mut planned = Map::new();
    if !outputs.is_empty() {
        planned.insert("outputs".into(), Json::Object(outputs));
    }
    planned.insert("root_module".into(), root.to_json(None));
    Json::Object(planned)
}

/// The resources of one module instance and its children, by address.
#[derive(Default)]
struct ModuleNode {
    resources: Vec<Json>,
    children: BTreeMap<String, ModuleNode>,
}

impl ModuleNode {
    /// The node at `path` (module addresses from the outermost in), created on the way.
    fn at(&mut self, path: &[String]) -> &mut ModuleNode {
        match path.split_first() {
            Some((first, rest)) => self.children.entry(first.clone()).or_default().at(rest),
            None => self,
        }
    }

    /// Terraform's `module` object; empty lists and the root's address are left out.
    fn to_json(&self, address: Option<&str>) -> Json {
        let mut m = Map::new();
        if !self.resources.is_empty() {
            m.insert("resources".into(), Json::Array(self.resources.clone()));
        }
        if let Some(address) = address {
            m.insert("address".into(), address.into());
        }
        if !self.children.is_empty() {
            let children = self
                .children
                .iter()
                .map(|(addr, child)| child.to_json(Some(addr)))
                .collect();
            m.insert("child_modules".into(), Json::Array(children));
        }
        Json::Object(m)
    }
}

/// The module instances holding `rc`, outermost first: `["module.aks", "module.aks.module.net"]`.
/// When the address does not parse, the module part as given, in one step.
fn module_path(rc: &ResourceChange) -> Vec<String> {
    if rc.module.is_empty() {
        return Vec::new();
    }
    let parsed = rc.address.parse::<AbsResourceInstance>().ok().map(|a| {
        (1..=a.module.0.len())
            .filter_map(|n| a.module.0.get(..n))
            .map(|steps| ModuleInstance(steps.to_vec()).to_string())
            .collect::<Vec<_>>()
    });
    match parsed {
        Some(path) if path.last() == Some(&rc.module) => path,
        _ => vec![rc.module.clone()],
    }
}

/// The fields that name a resource: address, mode, type, name, index, provider.
fn identity(rc: &ResourceChange) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("address".into(), rc.address.clone().into());
    m.insert(
        "mode".into(),
        match rc.mode {
            Mode::Managed => "managed",
            Mode::Data => "data",
        }
        .into(),
    );
    m.insert("type".into(), rc.type_name.clone().into());
    m.insert("name".into(), rc.name.clone().into());
    if let Some(index) = rc.index.as_ref().filter(|i| !i.is_null()) {
        m.insert("index".into(), index.clone());
    }
    m.insert("provider_name".into(), PROVIDER.into());
    m
}

/// One entry of `resource_changes`.
fn resource_change(rc: &ResourceChange) -> Json {
    let mut m = identity(rc);
    if !rc.module.is_empty() {
        // Terraform puts module_address right after address.
        let mut ordered = Map::new();
        for (k, v) in m {
            let is_address = k == "address";
            ordered.insert(k, v);
            if is_address {
                ordered.insert("module_address".into(), rc.module.clone().into());
            }
        }
        m = ordered;
    }
    let before = rc.before.as_ref().filter(|v| !v.is_null());
    let after = rc.after.as_ref().filter(|v| !v.is_null());
    let sensitive = shape_or(&rc.sensitive, json!({}));
    let mut change = Map::new();
    change.insert("actions".into(), json!(rc.action.terraform_actions()));
    change.insert("before".into(), before.map_or(Json::Null, sort_keys));
    change.insert(
        "after".into(),
        after.map_or(Json::Null, |a| sort_keys(&known_only(a, &rc.after_unknown))),
    );
    change.insert(
        "after_unknown".into(),
        shape_or(&rc.after_unknown, json!({})),
    );
    change.insert(
        "before_sensitive".into(),
        before.map_or(json!(false), |_| sensitive.clone()),
    );
    change.insert(
        "after_sensitive".into(),
        after.map_or(json!(false), |_| sensitive),
    );
    if matches!(rc.action, Action::Replace { .. })
        && rc.attributes.iter().any(|a| a.forces_replacement)
    {
        // Terraform leaves `replace_paths` out when no path caused the replacement.
        change.insert("replace_paths".into(), replace_paths(rc, before.or(after)));
    }
    if rc.importing {
        let importing = rc
            .id
            .as_ref()
            .map_or_else(|| json!({}), |id| json!({ "id": id }));
        change.insert("importing".into(), importing);
    }
    m.insert("change".into(), Json::Object(change));
    let reason = match rc.action {
        Action::Replace { .. } => Some("replace_because_cannot_update"),
        Action::Delete => Some("delete_because_no_resource_config"),
        Action::Read if is_deferred_read(rc) => Some("read_because_config_unknown"),
        _ => None,
    };
    if let Some(reason) = reason {
        m.insert("action_reason".into(), reason.into());
    }
    Json::Object(m)
}

/// `v` without the values `unknown` (Terraform's `after_unknown` shape) marks `true`: left out of
/// objects, `null` in lists, as Terraform's `after` has them.
fn known_only(v: &Json, unknown: &Json) -> Json {
    match (v, unknown) {
        (Json::Object(map), Json::Object(mask)) => Json::Object(
            map.iter()
                .filter(|(k, _)| mask.get(*k) != Some(&Json::Bool(true)))
                .map(|(k, v)| {
                    let inner = mask.get(k).map_or_else(|| v.clone(), |m| known_only(v, m));
                    (k.clone(), inner)
                })
                .collect(),
        ),
        (Json::Array(items), Json::Array(mask)) => Json::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| match mask.get(i) {
                    Some(Json::Bool(true)) => Json::Null,
                    Some(m) => known_only(v, m),
                    None => v.clone(),
                })
                .collect(),
        ),
        _ => v.clone(),
    }
}

/// `v` with its keys sorted, or `default` when it is `null`.
fn shape_or(v: &Json, default: Json) -> Json {
    if v.is_null() { default } else { sort_keys(v) }
}

/// Terraform's `replace_paths`: the path of each attribute that forces the replacement, with the
/// index `0` where the value passes through a list (a nested block):
/// `[["default_node_pool", 0, "vm_size"]]`.
fn replace_paths(rc: &ResourceChange, values: Option<&Json>) -> Json {
    let paths = rc
        .attributes
        .iter()
        .filter(|a| a.forces_replacement)
        .map(|a| {
            let mut here = values;
            let mut steps = Vec::new();
            for segment in a.path.split('.') {
                if let Some(Json::Array(items)) = here {
                    steps.push(json!(0));
                    here = items.first();
                }
                steps.push(json!(segment));
                here = here.and_then(|v| v.get(segment));
            }
            Json::Array(steps)
        })
        .collect();
    Json::Array(paths)
}

/// One entry of `output_changes`.
fn output_change(o: &OutputChange) -> Json {
    let after = match (&o.after, o.unknown) {
        (Some(v), false) => sort_keys(v),
        _ => Json::Null,
    };
    json!({
        "actions": o.action.terraform_actions(),
        "before": null,
        "after": after,
        "after_unknown": o.unknown,
        // The plan knows only whether the output is sensitive, so, as in Terraform, both sides
        // say the same.
        "before_sensitive": o.sensitive,
        "after_sensitive": o.sensitive,
    })
}

/// The `aksform` extension: target, plan-wide notes, and the reasons, notes and upgrade steps of
/// each resource that has any.
fn extension(plan: &Plan) -> Json {
    let mut resources = Map::new();
    for rc in &plan.resources {
        if rc.reasons.is_empty() && rc.notes.is_empty() && rc.upgrade_steps.is_empty() {
            continue;
        }
        let mut entry = json!({ "reasons": rc.reasons, "notes": rc.notes });
        if !rc.upgrade_steps.is_empty() {
            entry["upgrade_steps"] = json!(rc.upgrade_steps);
        }
        resources.insert(rc.address.clone(), entry);
    }
    json!({
        "target": {
            "endpoint": plan.target.endpoint,
            "subscription": plan.target.subscription,
            "emulator": plan.target.emulator,
        },
        "notes": plan.notes,
        "resources": resources,
    })
}
