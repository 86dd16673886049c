//! The plan as terminal text, in the shape Terraform users know: a legend, one block per changing
//! resource (`+ ~ -/+ +/- - <=`), the summary line, output changes and notes.
//!
//! Colour is ANSI and only when [`Style::color`] is set: green `+`, yellow `~`, red `-`, cyan `<=`,
//! bold headings. Without it the output holds no escape codes at all, so it can be pasted, logged
//! and snapshotted. The resource blocks are in [`resource`], the values inside them in [`values`].

mod resource;
mod values;

use std::io::{self, Write};

use crate::plan::{Action, OutputChange, Plan};

use super::{count, emulator_line, is_shown, quiet_notes, summary_counts};

pub(crate) use resource::write_resource;

/// How to draw the text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    /// Use ANSI colours and bold (a terminal that wants them); `false` writes plain text.
    pub color: bool,
}

/// Writes `plan` as text: the emulator target, the legend and the changing resources, the
/// summary line (or "No changes."), output changes and notes.
///
/// # Errors
///
/// Only the errors of `out`.
pub fn write(out: &mut dyn Write, plan: &Plan, style: Style) -> io::Result<()> {
    let p = Paint::from(style);
    if let Some(line) = emulator_line(plan) {
        writeln!(out, "{}", p.bold(&line))?;
        writeln!(out)?;
    }
    if plan.has_changes() {
        let shown: Vec<_> = plan.resources.iter().filter(|rc| is_shown(rc)).collect();
        if !shown.is_empty() {
            write_legend(out, plan, p)?;
            writeln!(out, "aksform will perform the following actions:")?;
            writeln!(out)?;
            for rc in shown {
                write_resource(out, rc, style)?;
                writeln!(out)?;
            }
        }
        writeln!(out, "{} {}", p.bold("Plan:"), summary_counts(plan))?;
        if plan.outputs.iter().any(|o| o.action.is_change()) {
            writeln!(out)?;
            writeln!(out, "{}", p.bold("Changes to Outputs:"))?;
            write_outputs(out, &plan.outputs, style)?;
        }
    } else {
        writeln!(
            out,
            "{} Your infrastructure matches the configuration.",
            p.green_bold("No changes.")
        )?;
        writeln!(out)?;
        writeln!(
            out,
            "aksform compared the live resources with the configuration and found no differences, so no changes are needed."
        )?;
    }
    let notes = quiet_notes(plan);
    if !notes.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", p.bold("Notes:"))?;
        for note in notes {
            writeln!(out, "  # {note}")?;
        }
    }
    Ok(())
}

/// Writes the ARM body diff of `plan` ([`super::diff`]) under a heading, after the text plan;
/// nothing when no body changes.
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
    writeln!(out)?;
    writeln!(out, "ARM request bodies, live against planned:")?;
    writeln!(out)?;
    out.write_all(&body)
}

/// The legend of the resource-level symbols the plan uses, in Terraform's order.
fn write_legend(out: &mut dyn Write, plan: &Plan, p: Paint) -> io::Result<()> {
    let used = |f: fn(Action) -> bool| plan.resources.iter().any(|rc| is_shown(rc) && f(rc.action));
    let rows: [(Sym, &str, bool); 6] = [
        (Sym::Add, "create", used(|a| a == Action::Create)),
        (
            Sym::Change,
            "update in-place",
            used(|a| a == Action::Update),
        ),
        (Sym::Remove, "destroy", used(|a| a == Action::Delete)),
        (
            Sym::DeleteCreate,
            "destroy and then create replacement",
            used(|a| {
                a == Action::Replace {
                    create_before_destroy: false,
                }
            }),
        ),
        (
            Sym::CreateDelete,
            "create replacement and then destroy",
            used(|a| {
                a == Action::Replace {
                    create_before_destroy: true,
                }
            }),
        ),
        (
            Sym::Read,
            "read (data resources)",
            used(|a| a == Action::Read),
        ),
    ];
    if !rows.iter().any(|r| r.2) {
        return Ok(());
    }
    writeln!(
        out,
        "Resource actions are indicated with the following symbols:"
    )?;
    for (sym, what, _) in rows.iter().filter(|r| r.2) {
        writeln!(out, "{} {what}", p.sym(*sym))?;
    }
    writeln!(out)
}

/// The rows of `Changes to Outputs:` for the outputs that change, names aligned.
pub(crate) fn write_outputs(
    out: &mut dyn Write,
    outputs: &[OutputChange],
    style: Style,
) -> io::Result<()> {
    let p = Paint::from(style);
    let changing: Vec<_> = outputs.iter().filter(|o| o.action.is_change()).collect();
    let width = changing.iter().map(|o| o.name.len()).max().unwrap_or(0);
    for o in changing {
        let sym = match o.action {
            Action::Create => Sym::Add,
            Action::Delete => Sym::Remove,
            _ => Sym::Change,
        };
        let mut lines = if o.sensitive {
            vec!["(sensitive value)".to_string()]
        } else if o.unknown {
            vec!["(known after apply)".to_string()]
        } else if sym == Sym::Remove {
            vec!["null".to_string()]
        } else {
            let after = o.after.clone().unwrap_or(serde_json::Value::Null);
            values::whole(&after, sym, 0, p)
        };
        let first = lines.remove(0);
        writeln!(out, "{} {:width$} = {first}", p.sym(sym), o.name)?;
        for line in lines {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// The mark of a line: what happens to the thing it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::render) enum Sym {
    /// Unchanged (shown for context): blank.
    Same,
    /// `+`.
    Add,
    /// `~`.
    Change,
    /// `-`.
    Remove,
    /// `-/+`.
    DeleteCreate,
    /// `+/-`.
    CreateDelete,
    /// `<=`.
    Read,
}

/// ANSI colour, or none.
#[derive(Debug, Clone, Copy)]
pub(in crate::render) struct Paint {
    color: bool,
}

impl From<Style> for Paint {
    fn from(style: Style) -> Self {
        Paint { color: style.color }
    }
}

impl Paint {
    fn wrap(self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// Bold.
    pub(in crate::render) fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }

    fn green_bold(self, s: &str) -> String {
        self.wrap("1;32", s)
    }

    /// Red (`# forces replacement`).
    pub(in crate::render) fn red(self, s: &str) -> String {
        self.wrap("31", s)
    }

    /// The symbol right-aligned in three columns, coloured: `  +`, `-/+`, ` <=`.
    pub(in crate::render) fn sym(self, sym: Sym) -> String {
        let green = |s| self.wrap("32", s);
        let red = |s| self.wrap("31", s);
        match sym {
            Sym::Same => "   ".to_string(),
            Sym::Add => format!("  {}", green("+")),
            Sym::Change => format!("  {}", self.wrap("33", "~")),
            Sym::Remove => format!("  {}", red("-")),
            Sym::DeleteCreate => format!("{}/{}", red("-"), green("+")),
            Sym::CreateDelete => format!("{}/{}", green("+"), red("-")),
            Sym::Read => format!(" {}", self.wrap("36", "<=")),
        }
    }

    /// The start of a line at nesting `level` with its mark: four spaces a level, the symbol in
    /// three columns, a space.
    pub(in crate::render) fn lead(self, level: usize, sym: Sym) -> String {
        format!("{}{} ", indent(level), self.sym(sym))
    }
}

/// Four spaces a level.
pub(in crate::render) fn indent(level: usize) -> String {
    "    ".repeat(level)
}

/// `# (3 unchanged attributes hidden)` as a line at `level`.
pub(in crate::render) fn hidden(level: usize, n: usize, what: &str) -> String {
    format!("{}    # ({} hidden)", indent(level), count(n, what))
}
