//! The plan as Markdown for a pull-request comment (GitHub-flavoured): the summary line first, a
//! `> [!CAUTION]` callout when anything is destroyed or replaced, the emulator target, a table of
//! the changing resources, then one collapsed `<details>` block per resource holding its text
//! rendering in a ```` ```diff ```` fence, the output changes and the notes.
//!
//! No ANSI codes, ever. Text from the plan is escaped where Markdown would read it: table cells
//! and the callout escape `|`, `<`, `>` and `&` as HTML entities, addresses are `<code>` elements,
//! and each fence is longer than any run of backticks inside it. In the fences the `+`, `-` and
//! `~` marks move to the first column (keeping the width) so that GitHub colours the lines.

use std::io::{self, Write};

use super::text::{self, Style};
use super::{
    action_label, count, emulator_line, headline, is_deferred_read, is_shown, quiet_notes,
    summary_counts, symbol,
};
use crate::plan::{Action, Plan, ResourceChange};

/// How many attribute paths the Details column names before `and N more`.
const DETAILS_PATHS: usize = 5;

/// Writes `plan` as a pull-request comment.
///
/// # Errors
///
/// Only the errors of `out`.
pub fn write(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    if plan.has_changes() {
        writeln!(out, "**Plan:** {}", summary_counts(plan))?;
    } else {
        writeln!(
            out,
            "**No changes.** Your infrastructure matches the configuration."
        )?;
    }
    let destructive: Vec<_> = plan
        .resources
        .iter()
        .filter(|rc| rc.action.is_destructive())
        .collect();
    if !destructive.is_empty() {
        writeln!(out)?;
        writeln!(out, "> [!CAUTION]")?;
        writeln!(
            out,
            "> This plan destroys or replaces {}:",
            count(destructive.len(), "resource")
        )?;
        for rc in destructive {
            let reasons = rc
                .reasons
                .iter()
                .map(|r| escape(r))
                .collect::<Vec<_>>()
                .join("; ");
            let reasons = if reasons.is_empty() {
                reasons
            } else {
                format!(" ({reasons})")
            };
            writeln!(out, "> - {} {}{reasons}", code(&rc.address), headline(rc))?;
        }
    }
    if let Some(line) = emulator_line(plan) {
        writeln!(out)?;
        writeln!(out, "> [!NOTE]")?;
        writeln!(out, "> {}", escape(&line))?;
    }
    let shown: Vec<_> = plan.resources.iter().filter(|rc| is_shown(rc)).collect();
    if !shown.is_empty() {
        writeln!(out)?;
        writeln!(out, "| | Resource | Action | Details |")?;
        writeln!(out, "|---|---|---|---|")?;
        for rc in &shown {
            let sym = match symbol(rc.action) {
                "" => String::new(),
                s => format!("`{s}`"),
            };
            writeln!(
                out,
                "| {sym} | {} | {} | {} |",
                code(&rc.address),
                action_label(rc),
                details(rc)
            )?;
        }
    }
    for rc in &shown {
        writeln!(out)?;
        writeln!(
            out,
            "<details><summary>{} — {}</summary>",
            code(&rc.address),
            action_label(rc)
        )?;
        writeln!(out)?;
        let mut buf = Vec::new();
        text::write_resource(&mut buf, rc, Style { color: false })?;
        fenced(out, &String::from_utf8_lossy(&buf))?;
        writeln!(out)?;
        writeln!(out, "</details>")?;
    }
    if plan.outputs.iter().any(|o| o.action.is_change()) {
        writeln!(out)?;
        writeln!(out, "**Changes to outputs:**")?;
        writeln!(out)?;
        let mut buf = Vec::new();
        text::write_outputs(&mut buf, &plan.outputs, Style { color: false })?;
        fenced(out, &String::from_utf8_lossy(&buf))?;
    }
    let notes = quiet_notes(plan);
    if !notes.is_empty() {
        writeln!(out)?;
        writeln!(out, "**Notes:**")?;
        writeln!(out)?;
        for note in notes {
            writeln!(out, "- {}", escape(&note))?;
        }
    }
    Ok(())
}

/// The Details cell: the reasons of a destroy, the changed attributes of an update or
/// replacement (those forcing it marked), nothing for a create.
fn details(rc: &ResourceChange) -> String {
    match rc.action {
        Action::Delete => rc
            .reasons
            .iter()
            .map(|r| escape(r))
            .collect::<Vec<_>>()
            .join("; "),
        Action::Update | Action::Replace { .. } => {
            let changed: Vec<String> = rc
                .attributes
                .iter()
                .filter(|a| a.unknown || a.before != a.after)
                .map(|a| {
                    let mark = if a.forces_replacement {
                        " (forces replacement)"
                    } else {
                        ""
                    };
                    format!("{}{mark}", code(&a.path))
                })
                .collect();
            let mut cell = changed
                .iter()
                .take(DETAILS_PATHS)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if changed.len() > DETAILS_PATHS {
                cell.push_str(&format!(" and {} more", changed.len() - DETAILS_PATHS));
            }
            cell
        }
        Action::Read if is_deferred_read(rc) => "configuration known only during apply".into(),
        Action::NoOp | Action::Create | Action::Read => String::new(),
    }
}

/// Writes `body` in a ```` ```diff ```` fence longer than any backtick run inside it, with the
/// line marks moved to the first column.
fn fenced(out: &mut dyn Write, body: &str) -> io::Result<()> {
    let fence = fence_for(body);
    writeln!(out, "{fence}diff")?;
    for line in body.lines() {
        writeln!(out, "{}", mark_first(line))?;
    }
    writeln!(out, "{fence}")
}

/// A backtick fence longer than any run of backticks in `body` (at least three).
fn fence_for(body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Writes the ARM body diff of `plan` ([`super::diff`]) as a collapsed `<details>` block with a
/// ```` ```diff ```` fence; nothing when no body changes.
///
/// # Errors
///
/// Only the errors of `out`.
pub fn write_body_diff(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    let mut body = Vec::new();
    super::diff::write(&mut body, plan)?;
    if body.is_empty() {
        return Ok(());
    }
    let text = String::from_utf8_lossy(&body);
    let fence = fence_for(&text);
    writeln!(out)?;
    writeln!(out, "<details><summary>ARM request bodies</summary>")?;
    writeln!(out)?;
    writeln!(out, "{fence}diff")?;
    out.write_all(&body)?;
    writeln!(out, "{fence}")?;
    writeln!(out)?;
    writeln!(out, "</details>")
}

/// `      + name = "x"` as `+       name = "x"`: the same width, the mark where a diff
/// highlighter looks for it. Lines without a mark are unchanged.
fn mark_first(line: &str) -> String {
    let rest = line.trim_start_matches(' ');
    let pad = &line[..line.len() - rest.len()];
    let marked = ["+ ", "- ", "~ "].iter().any(|m| rest.starts_with(m));
    match rest.split_at_checked(1) {
        Some((mark, tail)) if marked && !pad.is_empty() => format!("{mark}{pad}{tail}"),
        _ => line.to_string(),
    }
}

/// An address or path as inline code that survives tables: `<code>` with its text escaped.
fn code(s: &str) -> String {
    format!("<code>{}</code>", escape(s))
}

/// Text safe in a table cell, a callout and inline HTML: `&`, `<`, `>`, `|`, backticks and
/// backslashes as entities, line breaks as spaces.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("&#124;"),
            '`' => out.push_str("&#96;"),
            '\\' => out.push_str("&#92;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
