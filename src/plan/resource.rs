//! The diff of one managed resource instance against its live ARM resource(s): which managed
//! fields differ (with the read-back rules of `config::arm::compare`), what that means in azurerm
//! attributes, whether it is an update or a replacement, and the notes for what is not a change
//! (upgrade channels, the autoscaler, `ignore_changes`).

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::input::{LiveResource, Snapshot};
use super::rules::{self, Effect};
use super::types::AttributeChange;
use super::views::{self, lookup};
use crate::config::arm::{
    AUTO_UPGRADE_SCHEDULE, Desired, NODE_OS_UPGRADE_SCHEDULE, cluster_from_arm, field_matches,
    force_new_rule, from_arm, live_at,
};
use crate::config::eval::ResourceInstance;
use crate::config::value::Value;

/// What comparing one resource found.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Changed attributes, in azurerm terms.
    pub attributes: Vec<AttributeChange>,
    /// Why it must be replaced (empty: in place).
    pub replace_reasons: Vec<String>,
    /// What is not a change but worth saying.
    pub notes: Vec<String>,
    /// Managed pointers left as they are live (ignored or owned by a channel or unknown).
    pub skipped: Vec<String>,
}

impl Comparison {
    /// Whether anything changes.
    pub fn changes(&self) -> bool {
        !self.attributes.is_empty()
    }
}

/// The azurerm view of the live resource (`before`), with a cluster's maintenance configurations.
pub fn live_view(
    r: &ResourceInstance,
    d: &Desired,
    live: &LiveResource,
    snapshot: &Snapshot,
) -> BTreeMap<String, Value> {
    if r.schema.type_name == "azurerm_kubernetes_cluster" {
        let windows: Vec<Json> = [&AUTO_UPGRADE_SCHEDULE, &NODE_OS_UPGRADE_SCHEDULE]
            .iter()
            .filter_map(|w| snapshot.get(&d.id.child("maintenanceConfigurations", w.config)))
            .map(|l| l.body.clone())
            .collect();
        let pool = r.str("default_node_pool.0.name");
        return cluster_from_arm(&live.body, &windows, pool);
    }
    from_arm(r.schema.type_name, &live.body)
}

/// Compares the configuration with what exists.
pub fn compare(
    r: &ResourceInstance,
    d: &Desired,
    live: &LiveResource,
    snapshot: &Snapshot,
) -> Comparison {
    let before = live_view(r, d, live, snapshot);
    let mut out = Comparison::default();
    let mut changed: Vec<(&'static str, bool)> = Vec::new();
    let add = |attr: &'static str, unknown: bool, changed: &mut Vec<(&'static str, bool)>| {
        if !changed.iter().any(|(a, _)| *a == attr) {
            changed.push((attr, unknown));
        }
    };
    compare_one(r, d, &live.body, &mut out, &mut |a, u| {
        add(a, u, &mut changed)
    });
    for child in &d.children {
        match snapshot.get(&child.id) {
            Some(l) => compare_one(r, child, &l.body, &mut out, &mut |a, u| {
                add(a, u, &mut changed);
            }),
            None => {
                if let Some(block) = child_block(child) {
                    add(block, false, &mut changed);
                }
            }
        }
    }
    for gone in &d.absent {
        if snapshot.get(gone).is_some()
            && let Some(block) = window_block(gone.name())
        {
            add(block, false, &mut changed);
        }
    }
    for (attr, unknown) in changed {
        if rules::ignores(&r.lifecycle.ignore_changes, attr) {
            out.notes.push(format!(
                "{attr} differs from the configuration; lifecycle.ignore_changes leaves it as it is"
            ));
            continue;
        }
        let rule = force_new_rule(r.schema.type_name, attr);
        let forces = match rules::force_effect(rule, attr, rotation_pool(r)) {
            Effect::InPlace => false,
            Effect::InPlaceNoted(note) => {
                out.notes.push(note);
                false
            }
            Effect::Replace(why) => {
                out.replace_reasons.push(why);
                true
            }
        };
        out.attributes.push(AttributeChange {
            path: attr.to_string(),
            before: lookup(&before, attr)
                .map(views::to_json)
                .filter(|v| !v.is_null()),
            after: lookup(&r.values, attr)
                .filter(|v| !v.is_unknown())
                .map(views::to_json)
                .filter(|v| !v.is_null()),
            unknown: unknown || lookup(&r.values, attr).is_some_and(|v| !v.is_wholly_known()),
            sensitive: views::is_sensitive(&r.schema.body, attr),
            forces_replacement: forces,
        });
    }
    autoscaler_note(r, d, &live.body, &mut out);
    out
}

/// Compares one ARM resource's managed pointers; `changed(attr, unknown)` collects differences.
fn compare_one(
    r: &ResourceInstance,
    d: &Desired,
    live: &Json,
    out: &mut Comparison,
    changed: &mut dyn FnMut(&'static str, bool),
) {
    let ignored_keys = rules::ignored_paths(&r.lifecycle.ignore_changes);
    for pointer in &d.managed {
        let attr = d.attribute_of(pointer).unwrap_or("(unnamed)");
        if d.is_unknown(pointer) {
            changed(attr, true);
            continue;
        }
        if field_matches(pointer, &d.body, live) {
            continue;
        }
        // `ignore_changes = [tags["created"]]`: compare the map without those keys.
        let keys: Vec<&String> = ignored_keys
            .iter()
            .filter(|(path, key)| path == attr && key.is_some())
            .filter_map(|(_, key)| key.as_ref())
            .collect();
        if !keys.is_empty() && maps_equal_except(&d.body, live, pointer, &keys) {
            continue;
        }
        if let Some(note) = channel_note(r, pointer, d, live) {
            out.notes.push(note);
            out.skipped.push(pointer.clone());
            continue;
        }
        if rules::ignores(&r.lifecycle.ignore_changes, attr) {
            out.skipped.push(pointer.clone());
        }
        changed(attr, false);
    }
}

/// Whether two maps at `pointer` are equal once `keys` are left out of both.
fn maps_equal_except(desired: &Json, live: &Json, pointer: &str, keys: &[&String]) -> bool {
    let strip = |v: Option<&Json>| -> Json {
        let mut m = v.and_then(Json::as_object).cloned().unwrap_or_default();
        m.retain(|k, _| !keys.contains(&k));
        Json::Object(m)
    };
    strip(desired.pointer(pointer)) == strip(live_at(pointer, desired, live))
}

/// For a version field that differs: a note when the upgrade channel made the live one newer.
fn channel_note(r: &ResourceInstance, pointer: &str, d: &Desired, live: &Json) -> Option<String> {
    if !(pointer.ends_with("/kubernetesVersion") || pointer.ends_with("/orchestratorVersion")) {
        return None;
    }
    let configured = d.body.pointer(pointer)?.as_str()?;
    let live_version = live_at(pointer, &d.body, live)?.as_str()?;
    // A pool follows its cluster's channel; the pool body does not say it, the cluster's does.
    let channel = r
        .str("automatic_upgrade_channel")
        .map(str::to_string)
        .or_else(|| {
            live.pointer("/properties/autoUpgradeProfile/upgradeChannel")
                .and_then(Json::as_str)
                .map(str::to_string)
        })?;
    rules::channel_upgraded(&channel, configured, live_version).then(|| {
        format!(
            "{} is {live_version} in Azure, newer than the configured {configured}: the {channel} \
             upgrade channel upgraded it, so it is left as it is (raise the configured version to \
             record it)",
            d.attribute_of(pointer).unwrap_or("the Kubernetes version")
        )
    })
}

/// With autoscaling on, a node count that differs from the configured one is the autoscaler's.
fn autoscaler_note(r: &ResourceInstance, d: &Desired, live: &Json, out: &mut Comparison) {
    let (prefix, pointer) = match r.schema.type_name {
        "azurerm_kubernetes_cluster" => (
            "default_node_pool.0.",
            "/properties/agentPoolProfiles/0/count",
        ),
        "azurerm_kubernetes_cluster_node_pool" => ("", "/properties/count"),
        _ => return,
    };
    if r.bool(&format!("{prefix}auto_scaling_enabled")) != Some(true) {
        return;
    }
    let Some(configured) = r
        .get(&format!("{prefix}node_count"))
        .and_then(Value::as_number)
    else {
        return;
    };
    let Some(current) = live_at(pointer, &d.body, live).and_then(Json::as_f64) else {
        return;
    };
    if (current - configured).abs() > f64::EPSILON {
        out.notes.push(format!(
            "node_count is {current} in Azure (configured {configured}): with autoscaling on, the \
             autoscaler owns the count"
        ));
    }
}

/// `default_node_pool.temporary_name_for_rotation` of a cluster.
fn rotation_pool(r: &ResourceInstance) -> Option<&str> {
    (r.schema.type_name == "azurerm_kubernetes_cluster")
        .then(|| r.str("default_node_pool.0.temporary_name_for_rotation"))
        .flatten()
        .filter(|s| !s.is_empty())
}

/// The azurerm block a maintenance configuration stands for.
fn window_block(config_name: &str) -> Option<&'static str> {
    [&AUTO_UPGRADE_SCHEDULE, &NODE_OS_UPGRADE_SCHEDULE]
        .into_iter()
        .find(|w| w.config.eq_ignore_ascii_case(config_name))
        .map(|w| w.block)
}

/// The azurerm block a child [`Desired`] stands for.
fn child_block(child: &Desired) -> Option<&'static str> {
    window_block(child.id.name())
}
