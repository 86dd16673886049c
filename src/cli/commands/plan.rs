//! `aksform plan [DIR]`: evaluate the configuration, read live Azure (or the emulator) once per
//! resource, and draw what apply would change; `-out FILE` saves it for `show` and `apply`.

use std::io::{self, Write};

use crate::arm::ClientOptions;
use crate::cli::args::{PlanArgs, PlanFormat};
use crate::cli::commands::show::{diff_allowed, render_plan};
use crate::cli::exit::ExitStatus;
use crate::cli::planning::{Choices, connect, make, runtime};
use crate::cli::printer::Printer;
use crate::cli::stack::Stack;
use crate::config::vars::CliVar;
use crate::plan::saved::SavedPlan;
use crate::state;

/// Runs `plan`.
///
/// # Errors
///
/// Only when writing the output fails or the async runtime cannot start; everything about the
/// configuration, the state and Azure is reported and gives exit 1.
pub fn run(
    args: &PlanArgs,
    vars: Vec<CliVar>,
    printer: &Printer,
    color: bool,
) -> anyhow::Result<ExitStatus> {
    let format = args.output.format();
    if !diff_allowed(format, args.output.diff) {
        return Ok(ExitStatus::Usage);
    }
    let stack = match Stack::open(&args.dir, vars, &args.state, &args.target, "plan") {
        Ok(stack) => stack,
        Err(e) => return failed(&e),
    };
    let choices = Choices {
        allow_replace: args.changes.allow_replace.clone(),
        adopt: args.changes.adopt.clone(),
        destroy: false,
        parallelism: args.parallelism as usize,
    };
    let made = runtime()?.block_on(async {
        let (first, session) = connect(&stack, printer, ClientOptions::default()).await?;
        let made = make(&stack, first, &session, &choices, printer).await;
        session.close().await;
        made
    });
    let outcome = match made {
        Ok(outcome) => outcome,
        Err(status) => return Ok(status),
    };
    let plan = &outcome.planned.plan;
    let mut out = Vec::new();
    render_plan(&mut out, plan, format, args.output.diff, color)?;
    if let Some(file) = &args.out {
        let mut saved = SavedPlan::new(plan.clone(), stack.state_stamp(), state::now_rfc3339());
        saved.config = stack.config_stamp();
        if let Err(e) = state::save_plan(file, &saved) {
            io::stdout().lock().write_all(&out)?;
            return failed(&e);
        }
        let note = format!(
            "\nSaved the plan to {}. To apply exactly this plan: aksform apply {}\n",
            file.display(),
            file.display()
        );
        if format == PlanFormat::Text {
            out.extend_from_slice(note.as_bytes());
        } else {
            eprint!("{note}");
        }
    }
    io::stdout().lock().write_all(&out)?;
    Ok(if args.detailed_exitcode && plan.has_changes() {
        ExitStatus::Changes
    } else {
        ExitStatus::Success
    })
}

/// Prints `e` and ends the command with exit 1.
pub fn failed(e: &dyn std::fmt::Display) -> anyhow::Result<ExitStatus> {
    eprintln!("error: {e}");
    Ok(ExitStatus::Failure)
}
