//! One resource as a Terraform-style block: the `# ADDRESS will be ...` headline and its reasons,
//! `~ resource "TYPE" "NAME" {`, then the attributes, grouped by the first segments of their
//! dotted paths into nested blocks (`~ default_node_pool {`), `=` aligned within each block,
//! unchanged attributes counted rather than listed, and the resource's notes last.
//!
//! Attributes are sorted by name (`id` first) and blocks follow the attributes, as Terraform
//! draws them, so the output does not depend on the order the planner listed the changes in.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::Value as Json;

use super::values::{self, KNOWN_AFTER_APPLY, SENSITIVE};
use super::{Paint, Style, Sym, hidden, indent};
use crate::addr::quote;
use crate::plan::{Action, AttributeChange, Mode, ResourceChange};
use crate::render::{headline, is_deferred_read};

/// Attributes shown for context when the others are hidden (imports and destroys).
const IDENTIFYING: [&str; 3] = ["name", "resource_group_name", "location"];

/// How the attributes of a resource are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// Every attribute `+ name = value`.
    Create,
    /// `- name = value -> null`.
    Delete,
    /// Each attribute by its own before and after.
    Change,
    /// Unmarked: the resource as it is adopted.
    Import,
}

/// One attribute line (or lines) before layout.
struct Row {
    name: String,
    sym: Sym,
    value: Vec<String>,
    forces: bool,
}

/// A block of rows and nested blocks.
#[derive(Default)]
struct Block {
    rows: Vec<Row>,
    blocks: BTreeMap<String, Block>,
}

impl Block {
    /// The block's mark: its children's when they agree, `~` when they do not.
    fn sym(&self) -> Sym {
        let mut syms = self
            .rows
            .iter()
            .map(|r| r.sym)
            .chain(self.blocks.values().map(Block::sym));
        let Some(first) = syms.next() else {
            return Sym::Same;
        };
        if syms.all(|s| s == first) {
            first
        } else {
            Sym::Change
        }
    }

    /// The block at `path` below this one, created on the way.
    fn descend(&mut self, path: &[&str]) -> &mut Block {
        match path.split_first() {
            Some((first, rest)) => self
                .blocks
                .entry((*first).to_string())
                .or_default()
                .descend(rest),
            None => self,
        }
    }
}

/// Writes one resource: headline, reasons, and its block, without a trailing blank line.
///
/// # Errors
///
/// Only the errors of `out`.
pub(crate) fn write_resource(
    out: &mut dyn Write,
    rc: &ResourceChange,
    style: Style,
) -> io::Result<()> {
    let p = Paint::from(style);
    let (sym, frame) = match rc.action {
        Action::NoOp => (Sym::Same, Frame::Import),
        Action::Create => (Sym::Add, Frame::Create),
        Action::Update => (Sym::Change, Frame::Change),
        Action::Replace {
            create_before_destroy: false,
        } => (Sym::DeleteCreate, Frame::Change),
        Action::Replace {
            create_before_destroy: true,
        } => (Sym::CreateDelete, Frame::Change),
        Action::Delete => (Sym::Remove, Frame::Delete),
        Action::Read => (Sym::Read, Frame::Create),
    };
    let address = p.bold(&format!("  # {}", rc.address));
    writeln!(out, "{address} {}", headline(rc))?;
    for reason in &rc.reasons {
        writeln!(out, "  # ({reason})")?;
    }
    if rc.importing && !matches!(rc.action, Action::NoOp | Action::Update) {
        let id = rc.id.as_deref().unwrap_or_default();
        writeln!(out, "  # (imported from {})", quote(id))?;
    }
    // Terraform's wording, unless the planner said why already.
    if is_deferred_read(rc) && rc.reasons.is_empty() {
        writeln!(out, "  # (config refers to values not yet known)")?;
    }
    let keyword = match rc.mode {
        Mode::Managed => "resource",
        Mode::Data => "data",
    };
    writeln!(
        out,
        "{}{keyword} {} {} {{",
        p.lead(0, sym),
        quote(&rc.type_name),
        quote(&rc.name)
    )?;
    // What the context rows and the hidden counts come from: the live side for a destroy, the
    // planned side otherwise, nothing for a create (which lists every attribute).
    let reference = match frame {
        Frame::Create => None,
        Frame::Delete => rc.before.as_ref(),
        Frame::Change | Frame::Import => rc.after.as_ref().or(rc.before.as_ref()),
    };
    let root = tree(rc, frame, reference, p);
    let ended_with_block = write_body(out, &root, &[], 1, reference, p)?;
    if (!rc.notes.is_empty() || !rc.upgrade_steps.is_empty()) && ended_with_block {
        writeln!(out)?;
    }
    for note in &rc.notes {
        writeln!(out, "{}# ({note})", indent(2))?;
    }
    if !rc.upgrade_steps.is_empty() {
        writeln!(
            out,
            "{}# upgrade steps, one AKS operation each, in this order:",
            indent(2)
        )?;
        for (i, step) in rc.upgrade_steps.iter().enumerate() {
            writeln!(out, "{}#   {}. {}", indent(2), i + 1, step.describe())?;
        }
    }
    writeln!(out, "{}}}", indent(1))
}

/// The rows of a resource, nested by path: its attributes, its id, and the identifying
/// attributes where the frame wants context.
fn tree(rc: &ResourceChange, frame: Frame, source: Option<&Json>, p: Paint) -> Block {
    let mut root = Block::default();
    for a in &rc.attributes {
        let segments: Vec<&str> = a.path.split('.').collect();
        let Some((name, parents)) = segments.split_last() else {
            continue;
        };
        let mask = match frame {
            Frame::Create => a
                .path
                .split('.')
                .try_fold(&rc.after_unknown, |m, k| m.get(k)),
            _ => None,
        };
        if let Some(row) = row(a, name, frame, mask, parents.len() + 1, p) {
            root.descend(parents).rows.push(row);
        }
    }
    let mut context: Vec<(&str, Json)> = Vec::new();
    if let Some(id) = &rc.id {
        context.push(("id", Json::String(id.clone())));
    }
    let wanted: &[&str] = match frame {
        Frame::Create => &[],
        Frame::Change => &IDENTIFYING[..1],
        Frame::Import => &IDENTIFYING,
        Frame::Delete if rc.attributes.is_empty() => &IDENTIFYING,
        Frame::Delete => &[],
    };
    for key in wanted {
        if let Some(v) = source.and_then(|s| s.get(key)).filter(|v| !v.is_null()) {
            context.push((key, v.clone()));
        }
    }
    for (name, value) in context {
        if root.rows.iter().any(|r| r.name == name) {
            continue;
        }
        let (sym, value) = match frame {
            Frame::Create => (Sym::Add, values::whole(&value, Sym::Add, 1, p)),
            Frame::Delete => (Sym::Remove, values::to_null(&value, 1, p)),
            Frame::Change | Frame::Import => (Sym::Same, values::whole(&value, Sym::Same, 1, p)),
        };
        root.rows.push(Row {
            name: name.to_string(),
            sym,
            value,
            forces: false,
        });
    }
    sort(&mut root);
    root
}

/// `id` first, then by name, at every level.
fn sort(block: &mut Block) {
    block
        .rows
        .sort_by(|a, b| (a.name != "id", &a.name).cmp(&(b.name != "id", &b.name)));
    block.blocks.values_mut().for_each(sort);
}

/// One attribute as a row at `level`; `None` for an attribute a create leaves unset.
fn row(
    a: &AttributeChange,
    name: &str,
    frame: Frame,
    mask: Option<&Json>,
    level: usize,
    p: Paint,
) -> Option<Row> {
    let before = a.before.as_ref().filter(|v| !v.is_null());
    let after = a.after.as_ref().filter(|v| !v.is_null());
    let text = |s: &str| vec![s.to_string()];
    let (sym, value) = match frame {
        Frame::Create if a.sensitive && (a.unknown || after.is_some()) => {
            (Sym::Add, text(SENSITIVE))
        }
        Frame::Create if a.unknown => (Sym::Add, text(KNOWN_AFTER_APPLY)),
        Frame::Create => match mask {
            Some(m) => (
                Sym::Add,
                values::whole_masked(after?, m, Sym::Add, level, p),
            ),
            None => (Sym::Add, values::whole(after?, Sym::Add, level, p)),
        },
        Frame::Delete => {
            let value = before.or(after)?;
            let shown = if a.sensitive {
                values::arrow(text(SENSITIVE), text("null"))
            } else {
                values::to_null(value, level, p)
            };
            (Sym::Remove, shown)
        }
        Frame::Import => match after.or(before) {
            _ if a.sensitive => (Sym::Same, text(SENSITIVE)),
            Some(v) => (Sym::Same, values::whole(v, Sym::Same, level, p)),
            None => return None,
        },
        Frame::Change => change(a, before, after, level, p),
    };
    Some(Row {
        name: name.to_string(),
        sym,
        value,
        forces: a.forces_replacement,
    })
}

/// An attribute of an update or replacement: added, removed, changed, or unchanged.
fn change(
    a: &AttributeChange,
    before: Option<&Json>,
    after: Option<&Json>,
    level: usize,
    p: Paint,
) -> (Sym, Vec<String>) {
    let text = |s: &str| vec![s.to_string()];
    let sym = match (before, after) {
        (None, _) => Sym::Add,
        (Some(_), None) if !a.unknown => Sym::Remove,
        (Some(b), Some(a)) if b == a => Sym::Same,
        (Some(_), _) => Sym::Change,
    };
    let value = match (before, after) {
        _ if a.sensitive && sym == Sym::Remove => values::arrow(text(SENSITIVE), text("null")),
        _ if a.sensitive => text(SENSITIVE),
        (Some(b), _) if a.unknown => values::arrow(
            values::whole(b, Sym::Same, level, p),
            text(KNOWN_AFTER_APPLY),
        ),
        _ if a.unknown => text(KNOWN_AFTER_APPLY),
        (Some(b), None) => values::to_null(b, level, p),
        (None, Some(v)) => values::whole(v, Sym::Add, level, p),
        (Some(_), Some(v)) if sym == Sym::Same => values::whole(v, Sym::Same, level, p),
        (Some(b), Some(v)) => values::change(b, v, level, p),
        (None, None) => text("null"),
    };
    (sym, value)
}

/// Writes the rows, the hidden count and the nested blocks of `block` at `level`. Returns whether
/// the last thing written was a nested block (so the caller can space what follows).
fn write_body(
    out: &mut dyn Write,
    block: &Block,
    path: &[&str],
    level: usize,
    reference: Option<&Json>,
    p: Paint,
) -> io::Result<bool> {
    let width = block
        .rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0);
    for row in &block.rows {
        let (first, rest) = row
            .value
            .split_first()
            .map_or(("", &[][..]), |(f, r)| (f, r));
        let forces = if row.forces {
            format!(" {}", p.red("# forces replacement"))
        } else {
            String::new()
        };
        let lead = p.lead(level, row.sym);
        writeln!(out, "{lead}{:width$} = {first}{forces}", row.name)?;
        for line in rest {
            writeln!(out, "{line}")?;
        }
    }
    let (attrs, blocks) = unshown(reference, path, block);
    if attrs > 0 {
        writeln!(out, "{}", hidden(level, attrs, "unchanged attribute"))?;
    }
    let mut wrote = !block.rows.is_empty() || attrs > 0;
    for (name, child) in &block.blocks {
        if wrote {
            writeln!(out)?;
        }
        writeln!(out, "{}{name} {{", p.lead(level, child.sym()))?;
        let mut child_path = path.to_vec();
        child_path.push(name);
        write_body(out, child, &child_path, level + 1, reference, p)?;
        writeln!(out, "{}}}", indent(level + 1))?;
        wrote = true;
    }
    if blocks > 0 {
        writeln!(out, "{}", hidden(level, blocks, "unchanged block"))?;
    }
    Ok(!block.blocks.is_empty() && blocks == 0)
}

/// How many attributes and blocks the reference value has at `path` that `block` does not show.
/// A block is a non-empty list of objects (Terraform's shape for nested blocks); a block given as
/// a list of more than one object has no single counterpart and counts nothing.
fn unshown(reference: Option<&Json>, path: &[&str], block: &Block) -> (usize, usize) {
    let mut here = reference;
    for segment in path {
        here = here.and_then(|v| single(v.get(segment)?));
    }
    let Some(Json::Object(map)) = here else {
        return (0, 0);
    };
    let shown = |k: &String| {
        block.rows.iter().any(|r| &r.name == k) || block.blocks.contains_key(k.as_str())
    };
    let (mut attrs, mut blocks) = (0, 0);
    for value in map
        .iter()
        .filter(|(k, v)| !v.is_null() && !shown(k))
        .map(|(_, v)| v)
    {
        match value {
            Json::Array(items) if !items.is_empty() && items.iter().all(Json::is_object) => {
                blocks += 1;
            }
            _ => attrs += 1,
        }
    }
    (attrs, blocks)
}

/// The object of a nested block: the value itself, or the only element of a one-element list.
fn single(v: &Json) -> Option<&Json> {
    match v {
        Json::Array(items) if items.len() == 1 => items.first(),
        Json::Array(_) => None,
        other => Some(other),
    }
}
