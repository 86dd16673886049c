//! The planner: for every resource of the configuration and every resource the state index
//! owns, decide create, update, replace, delete or nothing; refuse what must not happen silently
//! (taking over an existing resource, replacing a cluster, destroying a protected resource); order
//! the result. Pure: the snapshot was read before.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use super::input::{LiveResource, Owned, PlanOptions, Snapshot};
use super::order::{delete_rank, dependencies};
use super::resource::{compare, live_view};
use super::types::{
    Action, AttributeChange, ChildWrite, Mode, OutputChange, PLAN_FORMAT, Plan, ResourceChange,
};
use super::{merge, views};
use crate::addr::Mode as AddrMode;
use crate::config::arm::normalize::ids_equal;
use crate::config::arm::{Desired, MapError, OnDelete, desired, from_arm};
use crate::config::eval::{Evaluated, ResourceInstance};
use crate::config::value::Value;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::ResourceId;

/// A plan and the problems that stop it (errors) or deserve a word (warnings).
#[derive(Debug)]
pub struct Planned {
    /// The plan (not to be applied when `diags` has errors).
    pub plan: Plan,
    /// Problems found while planning.
    pub diags: Diagnostics,
}

/// Every ARM resource the plan needs read: the configuration's resources and their children,
/// the maintenance configurations that must not exist, and everything the index owns.
pub fn reads(evaluated: &Evaluated, owned: &[Owned]) -> Vec<ResourceId> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut push = |id: ResourceId| {
        if seen.insert(id.as_str().to_ascii_lowercase()) {
            out.push(id);
        }
    };
    for r in managed(evaluated) {
        if let Ok(d) = desired(r) {
            push(d.id.clone());
            d.children.iter().for_each(|c| push(c.id.clone()));
            d.absent.iter().for_each(|a| push(a.clone()));
        }
    }
    for o in owned {
        if let Ok(id) = o.id.parse() {
            push(id);
        }
    }
    out
}

fn managed(evaluated: &Evaluated) -> impl Iterator<Item = &ResourceInstance> {
    evaluated
        .resources
        .iter()
        .filter(|r| r.addr.resource.mode == AddrMode::Managed)
}

/// SHA-256 (hex) of the evaluated configuration: every instance's values (unknowns marked) and
/// the outputs. A saved plan remembers it; apply refuses a configuration that changed since.
pub fn config_hash(evaluated: &Evaluated) -> String {
    let mut hasher = Sha256::new();
    for r in &evaluated.resources {
        let doc = serde_json::json!([
            r.addr.to_string(),
            views::map_to_json(&r.values),
            views::map_unknown_mask(&r.values)
        ]);
        hasher.update(doc.to_string().as_bytes());
    }
    for (name, o) in &evaluated.outputs {
        let doc = serde_json::json!([
            name,
            views::to_json(&o.value),
            views::unknown_mask(&o.value)
        ]);
        hasher.update(doc.to_string().as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Makes the plan.
pub fn plan(
    evaluated: &Evaluated,
    snapshot: &Snapshot,
    owned: &[Owned],
    options: &PlanOptions,
) -> Planned {
    let mut diags = Diagnostics::default();
    let (deps, ranks) = dependencies(evaluated);
    let owned_by_addr: BTreeMap<&str, &Owned> =
        owned.iter().map(|o| (o.address.as_str(), o)).collect();
    let imports: BTreeMap<&str, &crate::config::eval::ImportTarget> = evaluated
        .imports
        .iter()
        .map(|i| (i.to.as_str(), i))
        .collect();
    let mut changes = Vec::new();
    let mut configured = BTreeSet::new();
    for r in &evaluated.resources {
        let address = r.addr.to_string();
        configured.insert(address.clone());
        if r.addr.resource.mode == AddrMode::Data {
            if !r.values.values().all(Value::is_wholly_known) {
                changes.push(data_read(r, &address));
            }
            continue;
        }
        if options.destroy {
            configured.remove(&address);
            if r.lifecycle.prevent_destroy && owned_by_addr.contains_key(address.as_str()) {
                diags.push(
                    Diagnostic::error(format!(
                        "{address} has lifecycle.prevent_destroy set, but destroy deletes it"
                    ))
                    .at(r.span.clone())
                    .help("remove prevent_destroy first if the resource really is to be destroyed"),
                );
            }
            continue;
        }
        let ctx = Ctx {
            r,
            address: &address,
            snapshot,
            owned: owned_by_addr.get(address.as_str()).copied(),
            import: imports.get(address.as_str()).copied(),
            options,
        };
        if let Some(mut change) = ctx.plan_one(&mut diags) {
            change.depends_on = deps.get(&address).cloned().unwrap_or_default();
            changes.push(change);
        }
    }
    for i in &evaluated.imports {
        if !configured.contains(&i.to) {
            diags.push(
                Diagnostic::error(format!(
                    "import block: {} is not an instance of this configuration",
                    i.to
                ))
                .at(i.span.clone())
                .help("`to` must name a resource instance the configuration declares"),
            );
        }
    }
    recreate_with_parents(&mut changes);
    let rank = |c: &ResourceChange| ranks.get(&c.address).copied().unwrap_or(usize::MAX);
    changes.sort_by(|a, b| {
        (a.mode == Mode::Managed, rank(a), &a.address).cmp(&(
            b.mode == Mode::Managed,
            rank(b),
            &b.address,
        ))
    });
    let mut notes = Vec::new();
    let mut deletes = Vec::new();
    for o in owned.iter().filter(|o| !configured.contains(&o.address)) {
        match deletion(o, snapshot) {
            Some(change) => deletes.push(change),
            None => notes.push(format!(
                "{} is gone from Azure already; it is dropped from the state index",
                o.address
            )),
        }
    }
    deletes.sort_by(|a, b| {
        (delete_rank(&a.type_name), &a.address).cmp(&(delete_rank(&b.type_name), &b.address))
    });
    changes.extend(deletes);
    // The index does not keep output values: a stack that owns nothing yet creates them all;
    // otherwise an output whose value is known is taken as unchanged.
    let fresh_stack = owned.is_empty();
    let outputs = evaluated
        .outputs
        .iter()
        .map(|(name, o)| OutputChange {
            name: name.clone(),
            action: if options.destroy {
                Action::Delete
            } else if fresh_stack {
                Action::Create
            } else if o.value.is_wholly_known() {
                Action::NoOp
            } else {
                Action::Update
            },
            after: o.value.is_wholly_known().then(|| views::to_json(&o.value)),
            unknown: !o.value.is_wholly_known(),
            sensitive: o.sensitive,
        })
        .collect();
    Planned {
        plan: Plan {
            format: PLAN_FORMAT,
            aksform_version: env!("CARGO_PKG_VERSION").to_string(),
            target: options.target.clone(),
            config_hash: config_hash(evaluated),
            resources: changes,
            outputs,
            notes,
        },
        diags,
    }
}

/// One managed instance being planned.
struct Ctx<'a> {
    r: &'a ResourceInstance,
    address: &'a str,
    snapshot: &'a Snapshot,
    owned: Option<&'a Owned>,
    import: Option<&'a crate::config::eval::ImportTarget>,
    options: &'a PlanOptions,
}

impl Ctx<'_> {
    fn plan_one(&self, diags: &mut Diagnostics) -> Option<ResourceChange> {
        let d = match desired(self.r) {
            Ok(d) => d,
            Err(MapError::UnknownId { .. }) => {
                let mut c = self.base(None, Action::Create);
                c.attributes = created_attributes(self.r);
                c.notes
                    .push("its Azure id is known only after apply".into());
                return Some(c);
            }
            Err(e) => {
                diags.push(Diagnostic::error(e.to_string()).at(self.r.span.clone()));
                return None;
            }
        };
        let live = self.snapshot.get(&d.id).filter(|l| present(&d, l));
        let moved_from = self
            .owned
            .filter(|o| !ids_equal(&o.id, d.id.as_str()))
            .and_then(|o| o.id.parse::<ResourceId>().ok());
        let owns_this_id = self.owned.is_some_and(|o| ids_equal(&o.id, d.id.as_str()));
        let importing = live.is_some() && !owns_this_id && self.adopting(&d, diags);
        let Some(live) = live else {
            return Some(self.create(&d, moved_from.as_ref(), diags));
        };
        if !owns_this_id && !importing {
            diags.push(
                Diagnostic::error(format!(
                    "{} already exists in Azure, and this stack does not manage it",
                    self.address
                ))
                .at(self.r.span.clone())
                .detail(format!(
                    "{} exists; aksform never takes over a resource silently",
                    d.id
                ))
                .help(format!(
                    "to manage it from now on, add import {{ to = {}, id = \"{}\" }} or pass \
                     -adopt={}; otherwise give the resource another name",
                    self.address, d.id, self.address
                )),
            );
            return None;
        }
        let cmp = compare(self.r, &d, live, self.snapshot);
        let action = if !cmp.replace_reasons.is_empty() {
            Action::Replace {
                create_before_destroy: self.r.lifecycle.create_before_destroy,
            }
        } else if cmp.changes() || failed(live) {
            Action::Update
        } else {
            Action::NoOp
        };
        if action.is_destructive() {
            self.guard_destroy(&cmp.replace_reasons, diags);
        }
        let mut c = self.base(Some(&d), action);
        c.importing = importing;
        c.reasons = cmp.replace_reasons.clone();
        c.notes = cmp.notes.clone();
        if failed(live) && !cmp.changes() && action == Action::Update {
            c.notes.push(
                "its last operation failed (provisioningState Failed): apply sends it again, \
                 which is how Azure reconciles a failed resource"
                    .into(),
            );
        }
        c.attributes = cmp.attributes.clone();
        c.before = Some(views::map_to_json(&live_view(
            self.r,
            &d,
            live,
            self.snapshot,
        )));
        c.body_before = Some(live.body.clone());
        c.etag.clone_from(&live.etag);
        c.body_after = Some(match action {
            Action::Replace { .. } => d.body.clone(),
            _ => merge::update_body(&d, &live.body, &|p| cmp.skipped.iter().any(|s| s == p)),
        });
        Some(c)
    }

    /// An instance that does not exist: created (or, when its id changed, replaced).
    fn create(
        &self,
        d: &Desired,
        moved_from: Option<&ResourceId>,
        diags: &mut Diagnostics,
    ) -> ResourceChange {
        let old = moved_from.and_then(|id| self.snapshot.get(id).map(|l| (id, l)));
        let mut c = self.base(Some(d), Action::Create);
        c.attributes = created_attributes(self.r);
        c.body_after = Some(d.body.clone());
        if let Some((old_id, live)) = old {
            let why = format!(
                "its Azure id changes from {old_id} to {} (a name changed)",
                d.id
            );
            c.action = Action::Replace {
                create_before_destroy: self.r.lifecycle.create_before_destroy,
            };
            self.guard_destroy(std::slice::from_ref(&why), diags);
            c.reasons.push(why);
            c.before = Some(views::map_to_json(&from_arm(
                self.r.schema.type_name,
                &live.body,
            )));
            c.body_before = Some(live.body.clone());
            c.etag.clone_from(&live.etag);
        } else if d.on_delete == OnDelete::ClearManaged {
            // A setting of a resource that exists: its write must match what the plan saw.
            c.etag = self.snapshot.get(&d.id).and_then(|l| l.etag.clone());
        } else if self.owned.is_some_and(|o| !o.pending) {
            c.notes.push(
                "the state index has it, but it is gone from Azure: it is created again".into(),
            );
        }
        c
    }

    /// Whether an existing resource is adopted by an `import` block or `-adopt`.
    fn adopting(&self, d: &Desired, diags: &mut Diagnostics) -> bool {
        if let Some(i) = self.import {
            match i.id.as_str() {
                Some(id) if ids_equal(id, d.id.as_str()) => return true,
                Some(id) => diags.push(
                    Diagnostic::error(format!(
                        "import block: the id {id} is not {}'s id",
                        self.address
                    ))
                    .at(i.span.clone())
                    .detail(format!("the configuration gives {} the id {}", self.address, d.id))
                    .help("import the resource at the id the configuration names, or change the configuration's names to match"),
                ),
                None => diags.push(
                    Diagnostic::error("import block: the id is not known before apply")
                        .at(i.span.clone())
                        .help("write the ARM id literally or from variables"),
                ),
            }
            return false;
        }
        self.options.adopt.iter().any(|a| a == self.address)
    }

    /// Refuses a replacement or destruction that must be asked for.
    fn guard_destroy(&self, reasons: &[String], diags: &mut Diagnostics) {
        if self.r.lifecycle.prevent_destroy {
            diags.push(
                Diagnostic::error(format!(
                    "{} has lifecycle.prevent_destroy set, but this plan replaces it",
                    self.address
                ))
                .at(self.r.span.clone())
                .detail(reasons.join("; "))
                .help("change the configuration so the resource can be updated in place, or remove prevent_destroy"),
            );
        }
        if self.r.schema.type_name == "azurerm_kubernetes_cluster"
            && !self.options.allow_replace.iter().any(|a| a == self.address)
        {
            let span = reasons
                .iter()
                .find_map(|why| why.split_whitespace().next())
                .map_or_else(|| self.r.span.clone(), |attr| span_for(self.r, attr));
            diags.push(
                Diagnostic::error(format!(
                    "this plan would replace the cluster {}",
                    self.address
                ))
                .at(span)
                .detail(format!(
                    "{}. Replacing a cluster deletes it with every workload, volume and \
                         in-cluster secret, and creates a new one with a new API server address \
                         and identities.",
                    reasons.join("; ")
                ))
                .help(format!(
                    "prefer a new node pool (azurerm_kubernetes_cluster_node_pool) or a pool \
                         rotation (default_node_pool.temporary_name_for_rotation); if replacing \
                         really is intended, pass -allow-replace={}",
                    self.address
                )),
            );
        }
    }

    /// The fields every change of this instance has.
    fn base(&self, d: Option<&Desired>, action: Action) -> ResourceChange {
        let r = self.r;
        ResourceChange {
            index: index_of(r),
            id: d.map(|d| d.id.to_string()),
            after: Some(views::map_to_json(&r.values)),
            after_unknown: views::map_unknown_mask(&r.values),
            sensitive: views::sensitive_mask(&r.schema.body, &r.values),
            children: d.map(|d| self.child_writes(d)).unwrap_or_default(),
            body_unknown: d.map(|d| d.unknown.clone()).unwrap_or_default(),
            ..ResourceChange::new(
                self.address.to_string(),
                r.addr.module.to_string(),
                Mode::Managed,
                r.schema.type_name.to_string(),
                r.addr.resource.name.clone(),
                action,
            )
        }
    }

    /// The writes of the ARM resources `d` owns besides itself: each configured child created
    /// or merged over what exists, each child that must not exist deleted.
    fn child_writes(&self, d: &Desired) -> Vec<ChildWrite> {
        let mut out = Vec::new();
        for child in &d.children {
            let live = self.snapshot.get(&child.id);
            let body_after = match live {
                Some(l) => merge::update_body(child, &l.body, &|_| false),
                None => child.body.clone(),
            };
            let action = match live {
                None => Action::Create,
                Some(l) if l.body == body_after => Action::NoOp,
                Some(_) => Action::Update,
            };
            out.push(ChildWrite {
                id: child.id.to_string(),
                action,
                body_before: live.map(|l| l.body.clone()),
                body_after: Some(body_after),
                etag: live.and_then(|l| l.etag.clone()),
            });
        }
        for gone in &d.absent {
            if let Some(l) = self.snapshot.get(gone) {
                out.push(ChildWrite {
                    id: gone.to_string(),
                    action: Action::Delete,
                    body_before: Some(l.body.clone()),
                    body_after: None,
                    etag: l.etag.clone(),
                });
            }
        }
        out
    }
}

/// Whether the resource's last operation failed: a PUT of the same body reconciles it.
fn failed(live: &LiveResource) -> bool {
    live.body
        .pointer("/properties/provisioningState")
        .and_then(Json::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("Failed"))
}

/// Whether a live read means the azurerm resource exists: for the subnet–NSG association, that
/// the subnet has a security group.
fn present(d: &Desired, live: &LiveResource) -> bool {
    match d.on_delete {
        OnDelete::Delete => true,
        OnDelete::ClearManaged => d
            .managed
            .iter()
            .any(|p| live.body.pointer(p).is_some_and(|v| !v.is_null())),
    }
}

/// Resources that live inside a replaced one (a cluster's separate node pools, role assignments
/// scoped to it) go with it when Azure deletes it: they are replaced too, after it, with the
/// body they have now.
fn recreate_with_parents(changes: &mut [ResourceChange]) {
    let replaced: Vec<(String, String)> = changes
        .iter()
        .filter(|c| matches!(c.action, Action::Replace { .. }))
        .filter_map(|c| {
            // The old resource is the one deleted (its id changes when a name does).
            let old = c
                .body_before
                .as_ref()
                .and_then(|b| b.get("id")?.as_str())
                .or(c.id.as_deref())?;
            Some((format!("{}/", old.to_ascii_lowercase()), c.address.clone()))
        })
        .collect();
    if replaced.is_empty() {
        return;
    }
    for c in changes.iter_mut() {
        let Some(id) = c.id.as_deref().map(str::to_ascii_lowercase) else {
            continue;
        };
        let Some((_, parent)) = replaced.iter().find(|(prefix, _)| id.starts_with(prefix)) else {
            continue;
        };
        if !matches!(c.action, Action::NoOp | Action::Update) {
            continue;
        }
        c.action = Action::Replace {
            create_before_destroy: false,
        };
        c.reasons.push(format!(
            "{parent} is replaced, and Azure deletes it with it"
        ));
    }
}

/// A resource the index owns that the configuration no longer declares; `None` when it is gone.
fn deletion(o: &Owned, snapshot: &Snapshot) -> Option<ResourceChange> {
    let id: ResourceId = o.id.parse().ok()?;
    let live = snapshot.get(&id)?;
    // A setting of another resource exists while one of its fields is set.
    let owned = OnDelete::owned_pointers(&o.type_name);
    if !owned.is_empty()
        && owned
            .iter()
            .all(|p| live.body.pointer(p).is_none_or(Json::is_null))
    {
        return None;
    }
    let (type_name, name) = last_resource(&o.address);
    let before = views::map_to_json(&from_arm(&o.type_name, &live.body));
    let type_name = if type_name.is_empty() {
        o.type_name.clone()
    } else {
        type_name
    };
    Some(ResourceChange {
        id: Some(o.id.clone()),
        reasons: vec!["it is no longer in the configuration".into()],
        before: Some(before),
        body_before: Some(live.body.clone()),
        etag: live.etag.clone(),
        ..ResourceChange::new(
            o.address.clone(),
            module_of(&o.address),
            Mode::Managed,
            type_name,
            name,
            Action::Delete,
        )
    })
}

/// A data source whose arguments are known only after apply: read then.
fn data_read(r: &ResourceInstance, address: &str) -> ResourceChange {
    ResourceChange {
        index: index_of(r),
        id: r.id.clone(),
        reasons: vec!["its arguments are known only after apply".into()],
        after: Some(views::map_to_json(&r.values)),
        after_unknown: views::map_unknown_mask(&r.values),
        sensitive: views::sensitive_mask(&r.schema.body, &r.values),
        ..ResourceChange::new(
            address.to_string(),
            module_of(address),
            Mode::Data,
            r.schema.type_name.to_string(),
            r.addr.resource.name.clone(),
            Action::Read,
        )
    }
}

/// Every attribute a create sets: configured values and computed ones known after apply.
fn created_attributes(r: &ResourceInstance) -> Vec<AttributeChange> {
    r.values
        .iter()
        .filter(|(_, v)| !v.is_null() && !matches!(v.as_seq(), Some([])))
        .map(|(name, v)| AttributeChange {
            path: name.clone(),
            before: None,
            // A block with some computed parts keeps its known parts (the renderers mark the
            // rest from `after_unknown`), so that a reviewer sees what the configuration says.
            after: (!v.is_unknown()).then(|| views::to_json(v)),
            unknown: v.is_unknown(),
            sensitive: views::is_sensitive(&r.schema.body, name),
            forces_replacement: false,
        })
        .collect()
}

/// The span of a dotted attribute (`default_node_pool.vm_size`) in the configuration.
pub(crate) fn span_for(r: &ResourceInstance, attr: &str) -> crate::diag::Span {
    let strip = |k: &str| {
        k.split('.')
            .filter(|s| s.parse::<usize>().is_err())
            .collect::<Vec<_>>()
            .join(".")
    };
    r.spans
        .iter()
        .find(|(k, _)| strip(k) == attr)
        .map_or_else(|| r.span.clone(), |(_, s)| s.clone())
}

/// `module.a.module.b["k"]` of `module.a.module.b["k"].azurerm_x.y`; empty at the root.
fn module_of(address: &str) -> String {
    let parts = segments(address);
    let mut end = 0;
    while end + 2 < parts.len() && parts[end] == "module" {
        end += 2;
    }
    parts[..end].join(".")
}

/// The type and name of the last resource part of an address.
fn last_resource(address: &str) -> (String, String) {
    let parts = segments(address);
    match parts.as_slice() {
        [.., t, n] => (t.clone(), super::order::node_name(n)),
        _ => (String::new(), address.to_string()),
    }
}

/// The dot-separated parts of an address, keys kept with their part
/// (`module.a["x.y"].azurerm_b.c[0]` is `module`, `a["x.y"]`, `azurerm_b`, `c[0]`).
fn segments(address: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for c in address.chars() {
        if in_string {
            in_string = c != '"' || escaped;
            escaped = c == '\\' && !escaped;
        } else {
            match c {
                '[' => depth += 1,
                ']' => depth = depth.saturating_sub(1),
                '"' if depth > 0 => in_string = true,
                '.' if depth == 0 => {
                    out.push(String::new());
                    continue;
                }
                _ => {}
            }
        }
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out
}

/// The count index or for_each key of an instance.
fn index_of(r: &ResourceInstance) -> Option<Json> {
    match &r.addr.key {
        crate::addr::InstanceKey::None => None,
        crate::addr::InstanceKey::Int(i) => Some(Json::from(*i)),
        crate::addr::InstanceKey::Str(s) => Some(Json::String(s.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_into_module_and_resource() {
        let a = r#"module.a["x.y"].module.b.azurerm_role_assignment.admins["g.1"]"#;
        assert_eq!(module_of(a), r#"module.a["x.y"].module.b"#);
        assert_eq!(
            last_resource(a),
            ("azurerm_role_assignment".to_string(), "admins".to_string())
        );
        assert_eq!(module_of("azurerm_resource_group.main"), "");
    }
}
