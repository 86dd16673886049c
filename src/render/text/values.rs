//! Values as HCL literals inside a text plan: strings quoted, lists `[ ... ]`, maps
//! `{ "key" = value }`, and the changes between two values, element by element.
//!
//! A rendered value is a list of lines: the first is the fragment that follows `name = `, the
//! others are whole lines already indented for their nesting level. Collections with more than
//! one element (or with a nested collection) take one line an element, each with its mark; a
//! changed map shows its added, removed and changed keys and a changed list its added and removed
//! elements (by longest common subsequence, which for sets in canonical order is the set
//! difference), with the unchanged ones counted in a `# (N unchanged elements hidden)` line.

use serde_json::{Map, Value as Json};
use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::{Paint, Sym, hidden, indent};
use crate::addr::quote;

/// A value that is known only after apply.
pub(in crate::render) const KNOWN_AFTER_APPLY: &str = "(known after apply)";

/// A value that is not shown.
pub(in crate::render) const SENSITIVE: &str = "(sensitive value)";

/// A value on one line: `"a"`, `3`, `["a", "b"]`, `{ "k" = "v" }`.
pub(in crate::render) fn inline(v: &Json) -> String {
    match v {
        Json::Null => "null".to_string(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => quote(s),
        Json::Array(items) => {
            let items: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        Json::Object(map) if map.is_empty() => "{}".to_string(),
        Json::Object(map) => {
            let entries: Vec<String> = sorted(map)
                .into_iter()
                .map(|(k, v)| format!("{} = {}", quote(k), inline(v)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
    }
}

/// Whether a value stays on one line: scalars, and collections of at most one scalar.
fn is_compact(v: &Json) -> bool {
    let scalar = |v: &Json| !matches!(v, Json::Array(_) | Json::Object(_));
    match v {
        Json::Array(items) => items.len() <= 1 && items.iter().all(scalar),
        Json::Object(map) => map.len() <= 1 && map.values().all(scalar),
        _ => true,
    }
}

/// The entries of a map in key order (stable whatever order the map was built in).
fn sorted(map: &Map<String, Json>) -> Vec<(&String, &Json)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

/// The display width of a quoted map key, for aligning `=`.
fn key_width<'a>(keys: impl Iterator<Item = &'a String>) -> usize {
    keys.map(|k| quote(k).chars().count()).max().unwrap_or(0)
}

/// A whole value following `name = ` on a line at `level`, its elements marked `sym` (`+` when
/// created, `-` when destroyed, blank for context).
pub(in crate::render) fn whole(v: &Json, sym: Sym, level: usize, p: Paint) -> Vec<String> {
    if is_compact(v) {
        return vec![inline(v)];
    }
    let mut lines = Vec::new();
    match v {
        Json::Array(items) => {
            lines.push("[".to_string());
            for item in items {
                let value = whole(item, sym, level + 1, p);
                push_element(&mut lines, p.lead(level + 1, sym), value, ",");
            }
            lines.push(format!("{}]", indent(level + 1)));
        }
        Json::Object(map) => {
            // As Terraform draws a created or destroyed object: null members are left out.
            let shown = |item: &Json| sym == Sym::Same || !item.is_null();
            let width = key_width(map.iter().filter(|(_, v)| shown(v)).map(|(k, _)| k));
            lines.push("{".to_string());
            for (k, item) in sorted(map).into_iter().filter(|(_, v)| shown(v)) {
                let head = format!("{}{:width$} = ", p.lead(level + 1, sym), quote(k));
                push_element(&mut lines, head, whole(item, sym, level + 1, p), "");
            }
            lines.push(format!("{}}}", indent(level + 1)));
        }
        _ => lines.push(inline(v)),
    }
    lines
}

/// As [`whole`] for a created value with unknown parts: where `mask` (Terraform's
/// `after_unknown` for this value) is `true` the line says `(known after apply)`; null members of
/// objects are left out.
pub(in crate::render) fn whole_masked(
    v: &Json,
    mask: &Json,
    sym: Sym,
    level: usize,
    p: Paint,
) -> Vec<String> {
    if mask == &Json::Bool(true) {
        return vec![KNOWN_AFTER_APPLY.to_string()];
    }
    if !super::super::contains_true(mask) {
        return whole(v, sym, level, p);
    }
    let mut lines = Vec::new();
    match v {
        Json::Array(items) => {
            lines.push("[".to_string());
            for (i, item) in items.iter().enumerate() {
                let m = mask.get(i).unwrap_or(&Json::Bool(false));
                let value = whole_masked(item, m, sym, level + 1, p);
                push_element(&mut lines, p.lead(level + 1, sym), value, ",");
            }
            lines.push(format!("{}]", indent(level + 1)));
        }
        Json::Object(map) => {
            let unknown = |k: &str| mask.get(k).is_some_and(super::super::contains_true);
            let shown: Vec<_> = sorted(map)
                .into_iter()
                .filter(|(k, v)| !v.is_null() || unknown(k))
                .collect();
            let width = key_width(shown.iter().map(|(k, _)| *k));
            lines.push("{".to_string());
            for (k, item) in shown {
                let m = mask.get(k.as_str()).unwrap_or(&Json::Bool(false));
                let head = format!("{}{:width$} = ", p.lead(level + 1, sym), quote(k));
                push_element(
                    &mut lines,
                    head,
                    whole_masked(item, m, sym, level + 1, p),
                    "",
                );
            }
            lines.push(format!("{}}}", indent(level + 1)));
        }
        _ => lines.push(inline(v)),
    }
    lines
}

/// The change from `before` to `after` following `name = ` on a line at `level`: maps and lists
/// element by element, anything else as `old -> new`.
pub(in crate::render) fn change(
    before: &Json,
    after: &Json,
    level: usize,
    p: Paint,
) -> Vec<String> {
    match (before, after) {
        (Json::Object(b), Json::Object(a)) => map_change(b, a, level, p),
        (Json::Array(b), Json::Array(a)) => list_change(b, a, level, p),
        _ => arrow(
            whole(before, Sym::Same, level, p),
            whole(after, Sym::Same, level, p),
        ),
    }
}

/// `from -> to`, joining the last line of `from` and the first of `to`.
pub(in crate::render) fn arrow(mut from: Vec<String>, to: Vec<String>) -> Vec<String> {
    let mut to = to.into_iter();
    match (from.last_mut(), to.next()) {
        (Some(last), Some(first)) => {
            last.push_str(" -> ");
            last.push_str(&first);
        }
        (None, Some(first)) => from.push(first),
        _ => {}
    }
    from.extend(to);
    from
}

/// `value -> null`: a removed value.
pub(in crate::render) fn to_null(v: &Json, level: usize, p: Paint) -> Vec<String> {
    arrow(whole(v, Sym::Remove, level, p), vec!["null".to_string()])
}

fn map_change(
    before: &Map<String, Json>,
    after: &Map<String, Json>,
    level: usize,
    p: Paint,
) -> Vec<String> {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut rows = Vec::new();
    let mut unchanged = 0;
    for key in keys {
        match (before.get(key), after.get(key)) {
            (Some(b), Some(a)) if b == a => unchanged += 1,
            (Some(b), Some(a)) => rows.push((Sym::Change, key, change(b, a, level + 1, p))),
            (None, Some(a)) => rows.push((Sym::Add, key, whole(a, Sym::Add, level + 1, p))),
            (Some(b), None) => rows.push((Sym::Remove, key, to_null(b, level + 1, p))),
            (None, None) => {}
        }
    }
    let width = key_width(rows.iter().map(|r| r.1));
    let mut lines = vec!["{".to_string()];
    for (sym, key, value) in rows {
        let head = format!("{}{:width$} = ", p.lead(level + 1, sym), quote(key));
        push_element(&mut lines, head, value, "");
    }
    if unchanged > 0 {
        lines.push(hidden(level + 1, unchanged, "unchanged element"));
    }
    lines.push(format!("{}}}", indent(level + 1)));
    lines
}

fn list_change(before: &[Json], after: &[Json], level: usize, p: Paint) -> Vec<String> {
    let old: Vec<String> = before.iter().map(inline).collect();
    let new: Vec<String> = after.iter().map(inline).collect();
    let mut lines = vec!["[".to_string()];
    for op in capture_diff_slices(Algorithm::Myers, &old, &new) {
        if let DiffOp::Equal { len, .. } = op {
            lines.push(hidden(level + 1, len, "unchanged element"));
            continue;
        }
        let (_, old_range, new_range) = op.as_tag_tuple();
        for item in before.get(old_range).unwrap_or_default() {
            let value = whole(item, Sym::Remove, level + 1, p);
            push_element(&mut lines, p.lead(level + 1, Sym::Remove), value, ",");
        }
        for item in after.get(new_range).unwrap_or_default() {
            let value = whole(item, Sym::Add, level + 1, p);
            push_element(&mut lines, p.lead(level + 1, Sym::Add), value, ",");
        }
    }
    lines.push(format!("{}]", indent(level + 1)));
    lines
}

/// Appends the lines of one element: the first after `head`, `tail` after the last.
fn push_element(lines: &mut Vec<String>, head: String, value: Vec<String>, tail: &str) {
    let n = value.len();
    for (i, line) in value.into_iter().enumerate() {
        let mut line = if i == 0 {
            format!("{head}{line}")
        } else {
            line
        };
        if i + 1 == n {
            line.push_str(tail);
        }
        lines.push(line);
    }
}
