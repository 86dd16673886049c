//! `aksform show [PLANFILE]`: a saved plan drawn again in any format; without a file, what the
//! state index owns. Also the one place that draws a plan for `plan` and `show` alike.

use std::io::{self, Write};

use crate::cli::args::{PlanFormat, ShowArgs};
use crate::cli::exit::ExitStatus;
use crate::cli::target;
use crate::plan::Plan;
use crate::render::{self, text::Style};
use crate::state::{self, EntryStatus};

/// Draws `plan` in `format`, with the ARM body diff after it when `diff` is set (text and
/// markdown; the JSON plan carries the bodies' values already).
///
/// # Errors
///
/// Only the errors of `out`.
pub fn render_plan(
    out: &mut dyn Write,
    plan: &Plan,
    format: PlanFormat,
    diff: bool,
    color: bool,
) -> io::Result<()> {
    match format {
        PlanFormat::Text => {
            render::text::write(out, plan, Style { color })?;
            if diff {
                render::text::write_body_diff(out, plan)?;
            }
            Ok(())
        }
        PlanFormat::Markdown => {
            render::markdown::write(out, plan)?;
            if diff {
                render::markdown::write_body_diff(out, plan)?;
            }
            Ok(())
        }
        PlanFormat::Json => render::json::write(out, plan),
    }
}

/// Whether `-diff` goes with `format`; prints why not when it does not.
pub fn diff_allowed(format: PlanFormat, diff: bool) -> bool {
    if diff && format == PlanFormat::Json {
        eprintln!(
            "error: -diff draws the ARM bodies as text for -format=text and -format=markdown; the JSON plan already holds every value (before/after)"
        );
        return false;
    }
    true
}

/// Runs `show`.
///
/// # Errors
///
/// Only when writing the output fails.
pub fn run(args: &ShowArgs, color: bool) -> anyhow::Result<ExitStatus> {
    let format = args.output.format();
    if !diff_allowed(format, args.output.diff) {
        return Ok(ExitStatus::Usage);
    }
    let Some(file) = &args.planfile else {
        return show_state(args);
    };
    let saved = match state::load_plan(file) {
        Ok(saved) => saved,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitStatus::Failure);
        }
    };
    let mut out = Vec::new();
    if format == PlanFormat::Text {
        writeln!(
            out,
            "Saved plan {} (made {} against state serial {} of {}).",
            file.display(),
            saved.created,
            saved.state.serial,
            saved.state.path
        )?;
        writeln!(out)?;
    }
    render_plan(&mut out, &saved.plan, format, args.output.diff, color)?;
    io::stdout().lock().write_all(&out)?;
    Ok(ExitStatus::Success)
}

/// `show` without a plan file: the resources the state index owns, one per line.
fn show_state(args: &ShowArgs) -> anyhow::Result<ExitStatus> {
    let emulator = target::emulator_dir(&args.target, &args.dir);
    let path = target::state_path(args.state.as_deref(), &args.dir, emulator.as_deref());
    let index = match state::load(&path) {
        Ok(index) => index,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitStatus::Failure);
        }
    };
    let mut out = Vec::new();
    if args.output.format() == PlanFormat::Json {
        serde_json::to_writer_pretty(&mut out, &index)?;
        writeln!(out)?;
    } else if index.resources.is_empty() {
        writeln!(
            out,
            "The state index {} owns no resources yet.",
            path.display()
        )?;
    } else {
        for (address, entry) in &index.resources {
            let pending = match entry.status {
                EntryStatus::Pending => "  (pending: a write was not confirmed)",
                EntryStatus::Applied => "",
            };
            writeln!(out, "{address}  {}{pending}", entry.id)?;
        }
    }
    io::stdout().lock().write_all(&out)?;
    Ok(ExitStatus::Success)
}
