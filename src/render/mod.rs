//! Renderers of a [`Plan`]: terminal text, a unified diff of the ARM bodies, Markdown for pull
//! requests, and Terraform's JSON plan format (DESIGN.md decision 7).
//!
//! A plan is data that the planner decided; the renderers only draw it. Each writes to any
//! [`std::io::Write`] and does no other IO, and the same plan always draws the same bytes (keys
//! sorted, no wall-clock time), so outputs can be snapshotted and compared in review.
//!
//! - [`text`]: what `aksform plan` prints, in the shape Terraform users know (`+ ~ -/+ -`).
//! - [`diff`]: the ARM request bodies, live against planned, as a unified diff (`-diff`).
//! - [`markdown`]: a pull-request comment: summary, destructive-change callout, table, details.
//! - [`json`]: `terraform show -json` for tools built for Terraform plans.
//!
//! The helpers here are the vocabulary the renderers share: which resources are drawn, what their
//! headline says and the counts of the summary line.

pub mod diff;
pub mod json;
pub mod markdown;
pub mod text;

#[cfg(test)]
mod tests;

use serde_json::Value as Json;

use crate::plan::{Action, Plan, ResourceChange};

/// Whether a resource is drawn as a change: it changes something, it is imported, or it is a
/// data source that can only be read during apply.
pub(crate) fn is_shown(rc: &ResourceChange) -> bool {
    rc.action.is_change() || rc.importing || is_deferred_read(rc)
}

/// A data source read whose configuration is not known until apply (Terraform's
/// `read_because_config_unknown`). Reads at plan time are not changes and are not drawn.
pub(crate) fn is_deferred_read(rc: &ResourceChange) -> bool {
    rc.action == Action::Read
        && (rc.attributes.iter().any(|a| a.unknown) || contains_true(&rc.after_unknown))
}

/// Whether any leaf of `v` is `true` (the shape of `after_unknown` and `sensitive`).
pub(crate) fn contains_true(v: &Json) -> bool {
    match v {
        Json::Bool(b) => *b,
        Json::Array(items) => items.iter().any(contains_true),
        Json::Object(map) => map.values().any(contains_true),
        _ => false,
    }
}

/// What happens to a resource, after its address: `will be updated in-place`.
pub(crate) fn headline(rc: &ResourceChange) -> &'static str {
    match (rc.action, rc.importing) {
        (Action::NoOp, true) => "will be imported",
        (Action::Update, true) => "will be imported and updated in-place",
        (Action::NoOp, false) => "has no changes",
        (Action::Create, _) => "will be created",
        (Action::Update, false) => "will be updated in-place",
        (Action::Replace { .. }, _) => "must be replaced",
        (Action::Delete, _) => "will be destroyed",
        (Action::Read, _) => "will be read during apply",
    }
}

/// A short name of the action for tables: `update in-place`, `replace (destroy first)`.
pub(crate) fn action_label(rc: &ResourceChange) -> &'static str {
    match (rc.action, rc.importing) {
        (Action::NoOp, true) => "import",
        (Action::Update, true) => "import, update in-place",
        (Action::NoOp, false) => "no-op",
        (Action::Create, _) => "create",
        (Action::Update, false) => "update in-place",
        (
            Action::Replace {
                create_before_destroy: false,
            },
            _,
        ) => "replace (destroy, then create)",
        (
            Action::Replace {
                create_before_destroy: true,
            },
            _,
        ) => "replace (create, then destroy)",
        (Action::Delete, _) => "destroy",
        (Action::Read, _) => "read during apply",
    }
}

/// The resource-level symbol in Terraform's legend: `+`, `~`, `-/+`, `+/-`, `-`, `<=`; empty for
/// an import without other changes.
pub(crate) fn symbol(action: Action) -> &'static str {
    match action {
        Action::NoOp => "",
        Action::Create => "+",
        Action::Update => "~",
        Action::Replace {
            create_before_destroy: false,
        } => "-/+",
        Action::Replace {
            create_before_destroy: true,
        } => "+/-",
        Action::Delete => "-",
        Action::Read => "<=",
    }
}

/// The counts of the summary line: `1 to import, 1 to add, 0 to change, 0 to destroy.`
pub(crate) fn summary_counts(plan: &Plan) -> String {
    let s = plan.summary();
    let import = if s.import > 0 {
        format!("{} to import, ", s.import)
    } else {
        String::new()
    };
    format!(
        "{import}{} to add, {} to change, {} to destroy.",
        s.add, s.change, s.destroy
    )
}

/// The sentence naming the emulator target, once per output.
pub(crate) fn emulator_line(plan: &Plan) -> Option<String> {
    plan.target.emulator.then(|| {
        format!(
            "Target: the built-in emulator ({}), not Azure.",
            plan.target.endpoint
        )
    })
}

/// "1 element", "2 elements".
pub(crate) fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Notes of resources that are not drawn as changes, each prefixed with its address, then the
/// plan-wide notes: what the `Notes:` sections list.
pub(crate) fn quiet_notes(plan: &Plan) -> Vec<String> {
    let resources = plan
        .resources
        .iter()
        .filter(|rc| !is_shown(rc))
        .flat_map(|rc| rc.notes.iter().map(move |n| format!("{}: {n}", rc.address)));
    resources.chain(plan.notes.iter().cloned()).collect()
}

/// `v` with the keys of every object in sorted order, so that output does not depend on the
/// order a map was built in.
pub(crate) fn sort_keys(v: &Json) -> Json {
    match v {
        Json::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Json::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sort_keys(v)))
                    .collect(),
            )
        }
        Json::Array(items) => Json::Array(items.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}
