//! `aksform apply [DIR|PLANFILE]` and `aksform destroy [DIR]`: plan (or load a saved plan and
//! check that neither the configuration nor the state index moved since), show the plan, ask
//! for `yes` on a terminal, then walk the plan with the executor while the progress display
//! watches, and end with a summary of what was done, what failed and what was skipped.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::apply::executor::{ExecOptions, Report, execute};
use crate::apply::fill::ConfigFill;
use crate::apply::ledger::Ledger;
use crate::apply::observer::Observer;
use crate::apply::planning::{DataValues, resolve_data};
use crate::arm::ClientOptions;
use crate::cli::args::{ApplyArgs, DestroyArgs, PlanFormat, RunFlags, StateFlags, TargetFlags};
use crate::cli::commands::plan::failed;
use crate::cli::commands::show::render_plan;
use crate::cli::exit::ExitStatus;
use crate::cli::planning::{Choices, connect, make, reported, runtime};
use crate::cli::printer::Printer;
use crate::cli::progress;

use crate::cli::stack::{Stack, saved_vars};
use crate::cli::target::Session;
use crate::config::eval::DataResolver;
use crate::config::vars::CliVar;
use crate::plan::resolver::LiveValues;
use crate::plan::saved::SavedPlan;
use crate::plan::{Action, Plan, Snapshot, config_hash};
use crate::state;

/// How a run shows itself.
#[derive(Debug, Clone, Copy)]
pub struct Display {
    /// Colour on standard output.
    pub color: bool,
    /// `-no-color` or `NO_COLOR`.
    pub no_color: bool,
}

/// Runs `apply`.
///
/// # Errors
///
/// Only when writing the output fails or the async runtime cannot start.
pub fn run_apply(
    args: &ApplyArgs,
    vars: Vec<CliVar>,
    printer: &Printer,
    display: Display,
) -> anyhow::Result<ExitStatus> {
    if args.path.is_file() {
        if !vars.is_empty() {
            eprintln!(
                "error: a saved plan keeps the variables it was made with; -var and -var-file cannot be given with {}",
                args.path.display()
            );
            return Ok(ExitStatus::Usage);
        }
        return apply_saved(args, printer, display);
    }
    let choices = Choices {
        allow_replace: args.changes.allow_replace.clone(),
        adopt: args.changes.adopt.clone(),
        destroy: false,
        parallelism: args.run.parallelism as usize,
    };
    let run = Run {
        dir: &args.path,
        state: &args.state,
        target: &args.target,
        flags: args.run,
    };
    run.plan_and_apply(vars, &choices, printer, display)
}

/// Runs `destroy`.
///
/// # Errors
///
/// Only when writing the output fails or the async runtime cannot start.
pub fn run_destroy(
    args: &DestroyArgs,
    vars: Vec<CliVar>,
    printer: &Printer,
    display: Display,
) -> anyhow::Result<ExitStatus> {
    let choices = Choices {
        destroy: true,
        parallelism: args.run.parallelism as usize,
        ..Choices::default()
    };
    let run = Run {
        dir: &args.dir,
        state: &args.state,
        target: &args.target,
        flags: args.run,
    };
    run.plan_and_apply(vars, &choices, printer, display)
}

/// What `apply DIR` and `destroy` share.
struct Run<'a> {
    dir: &'a Path,
    state: &'a StateFlags,
    target: &'a TargetFlags,
    flags: RunFlags,
}

impl Run<'_> {
    fn plan_and_apply(
        &self,
        vars: Vec<CliVar>,
        choices: &Choices,
        printer: &Printer,
        display: Display,
    ) -> anyhow::Result<ExitStatus> {
        if self.flags.json && !self.flags.auto_approve {
            eprintln!(
                "error: -json needs -auto-approve: there is no prompt in machine-readable mode"
            );
            return Ok(ExitStatus::Usage);
        }
        let command = if choices.destroy { "destroy" } else { "apply" };
        let stack = match Stack::open(self.dir, vars, self.state, self.target, command) {
            Ok(stack) => stack,
            Err(e) => return failed(&e),
        };
        runtime()?.block_on(async {
            let (first, session) = match connect(&stack, printer, ClientOptions::default()).await {
                Ok(x) => x,
                Err(status) => return Ok(status),
            };
            let status = async {
                let outcome = match make(&stack, first, &session, choices, printer).await {
                    Ok(outcome) => outcome,
                    Err(status) => return Ok(status),
                };
                let how = How {
                    json: self.flags.json,
                    display,
                    parallelism: self.flags.parallelism as usize,
                    destroy: choices.destroy,
                    ask: !self.flags.auto_approve,
                };
                let mut applied = outcome.snapshot.clone();
                carry_out(
                    &stack,
                    &session,
                    &outcome.planned.plan,
                    &outcome.data,
                    &mut applied,
                    how,
                )
                .await
            }
            .await;
            session.close().await;
            status
        })
    }
}

/// `apply PLANFILE`: exactly the saved plan, refused when the configuration or the state index
/// changed since; every write carries the ETag the plan saw.
fn apply_saved(
    args: &ApplyArgs,
    printer: &Printer,
    display: Display,
) -> anyhow::Result<ExitStatus> {
    let saved: SavedPlan = match state::load_plan(&args.path) {
        Ok(saved) => saved,
        Err(e) => return failed(&e),
    };
    if saved.config.dir.is_empty() {
        return failed(&format!(
            "{} does not say which configuration it was made from (an older aksform wrote it): run plan -out again",
            args.path.display()
        ));
    }
    let dir = Path::new(&saved.config.dir);
    let stack = match Stack::open(
        dir,
        saved_vars(&saved.config),
        &args.state,
        &args.target,
        "apply",
    ) {
        Ok(stack) => stack,
        Err(e) => return failed(&e),
    };
    let stamp = &saved.state;
    let moved = stack.index.serial != stamp.serial
        || (stamp.serial > 0 && stack.index.lineage != stamp.lineage);
    if moved {
        return failed(&format!(
            "the state index {} changed since the plan was made (serial {} then, {} now): another run applied in between; run plan again",
            stack.state_path.display(),
            stamp.serial,
            stack.index.serial
        ));
    }
    let plan = &saved.plan;
    if plan.target.emulator && stack.emulator.is_none() {
        return failed(&format!(
            "{} was made against the built-in emulator: apply it with --emulator (the same directory as for the plan)",
            args.path.display()
        ));
    }
    runtime()?.block_on(async {
        let (first, session) = match connect(&stack, printer, ClientOptions::default()).await {
            Ok(x) => x,
            Err(status) => return Ok(status),
        };
        let status = async {
            if !session.target.subscription.eq_ignore_ascii_case(&plan.target.subscription)
                || session.target.emulator != plan.target.emulator
            {
                return failed(&format!(
                    "the plan was made against subscription {}{}, but this run targets {}{}",
                    plan.target.subscription,
                    if plan.target.emulator { " (emulator)" } else { "" },
                    session.target.subscription,
                    if session.target.emulator { " (emulator)" } else { "" },
                ));
            }
            if config_hash(&first.evaluated) != plan.config_hash {
                return failed(&format!(
                    "the configuration in {} changed since the plan was made (its hash differs): run plan again",
                    stack.dir.display()
                ));
            }
            let load = |data: &dyn DataResolver| stack.load(data);
            let data = match resolve_data(first, &load, &session.client, &session.identity).await {
                Ok((_, data)) => data,
                Err(e) => return Ok(reported(&e, printer)),
            };
            let how = How {
                json: args.run.json,
                display,
                parallelism: args.run.parallelism as usize,
                destroy: false,
                ask: false,
            };
            carry_out(&stack, &session, plan, &data, &mut Snapshot::default(), how).await
        }
        .await;
        session.close().await;
        status
    })
}

/// How a plan is carried out.
#[derive(Debug, Clone, Copy)]
struct How {
    json: bool,
    display: Display,
    parallelism: usize,
    destroy: bool,
    /// Ask for `yes` first.
    ask: bool,
}

/// Shows `plan`, asks when it should, tidies the index (entries gone from Azure, creates Azure
/// finished), walks the plan and summarizes.
async fn carry_out(
    stack: &Stack,
    session: &Session,
    plan: &Plan,
    data: &DataValues,
    applied: &mut Snapshot,
    how: How,
) -> anyhow::Result<ExitStatus> {
    if !how.json {
        let mut out = Vec::new();
        render_plan(&mut out, plan, PlanFormat::Text, false, how.display.color)?;
        io::stdout().lock().write_all(&out)?;
    }
    let mut ledger = Ledger::new(
        stack.index.clone(),
        stack.state_path.clone(),
        session.target.subscription.clone(),
    );
    // Nothing is written, not even the index's tidying, before the user said yes.
    if plan.has_changes() && how.ask && !approved(how.destroy)? {
        return Ok(ExitStatus::Failure);
    }
    if let Err(e) = ledger
        .forget(&gone(stack, plan))
        .and_then(|()| ledger.confirm(plan))
    {
        return failed(&e);
    }
    if !plan.has_changes() {
        let status = finish_empty(how.destroy, how.json);
        if !how.json && !how.destroy {
            print_outputs(stack, data, applied);
        }
        return Ok(status);
    }
    let load = |d: &dyn DataResolver| stack.load(d);
    let observer: Arc<dyn Observer> = Arc::from(progress::for_run(progress::ProgressMode::detect(
        how.json,
        how.display.no_color,
    )));
    let (tx, rx) = mpsc::channel(4);
    let signals = tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if tx.send(()).await.is_err() {
                break;
            }
        }
    });
    let fill = ConfigFill { load: &load, data };
    let report = execute(
        Arc::clone(&session.client),
        plan,
        &mut ledger,
        &fill,
        applied,
        ExecOptions {
            parallelism: how.parallelism,
            observer,
        },
        rx,
    )
    .await;
    signals.abort();
    let status = summarize(&report, plan, how.destroy, how.json);
    if report.complete() && !how.json && !how.destroy {
        print_outputs(stack, data, applied);
    }
    Ok(status)
}

/// Terraform's `Outputs:` after a finished apply: the root module's outputs evaluated with what
/// Azure returned (sensitive ones hidden).
fn print_outputs(stack: &Stack, data: &DataValues, applied: &Snapshot) {
    let fresh = std::collections::BTreeSet::new();
    let loaded = stack.load(&LiveValues {
        snapshot: applied,
        data,
        fresh: &fresh,
    });
    if loaded.diags.has_errors() || loaded.evaluated.outputs.is_empty() {
        return;
    }
    let width = loaded
        .evaluated
        .outputs
        .keys()
        .map(String::len)
        .max()
        .unwrap_or(0);
    println!("\nOutputs:\n");
    for (name, o) in &loaded.evaluated.outputs {
        let value = if o.sensitive {
            "<sensitive>".to_string()
        } else if o.value.is_wholly_known() {
            let json = crate::plan::views::to_json(&o.value);
            serde_json::to_string_pretty(&json).unwrap_or_default()
        } else {
            "(known after the next plan)".to_string()
        };
        println!("{name:width$} = {value}");
    }
}

/// Owned addresses the plan does not mention: gone from Azure and no longer configured.
fn gone(stack: &Stack, plan: &Plan) -> Vec<String> {
    stack
        .index
        .addresses()
        .filter(|a| !plan.resources.iter().any(|r| r.address == *a))
        .map(str::to_string)
        .collect()
}

/// Asks for `yes` on a terminal; refuses without one.
fn approved(destroy: bool) -> io::Result<bool> {
    if !io::stdin().is_terminal() {
        eprintln!(
            "error: {} needs approval, and standard input is not a terminal: pass -auto-approve, or apply a plan saved with plan -out",
            if destroy { "destroy" } else { "apply" }
        );
        return Ok(false);
    }
    let question = if destroy {
        "Do you really want to destroy all resources?\n  aksform will delete everything the state index owns. There is no undo."
    } else {
        "Do you want to perform these actions?\n  aksform will perform the actions described above."
    };
    let mut stdout = io::stdout().lock();
    write!(
        stdout,
        "\n{question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: "
    )?;
    stdout.flush()?;
    drop(stdout);
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line)?;
    if line.trim() == "yes" {
        println!();
        Ok(true)
    } else {
        println!("\n{} cancelled.", if destroy { "Destroy" } else { "Apply" });
        Ok(false)
    }
}

/// The end of a run with nothing to do.
fn finish_empty(destroy: bool, json: bool) -> ExitStatus {
    if json {
        summary_event(0, 0, 0, destroy);
    } else if destroy {
        println!("\nDestroy complete! Resources: 0 destroyed.");
    } else {
        println!("\nApply complete! Resources: 0 added, 0 changed, 0 destroyed.");
    }
    ExitStatus::Success
}

/// Prints what was done, what failed and what was skipped; exit 1 unless everything was done.
fn summarize(report: &Report, plan: &Plan, destroy: bool, json: bool) -> ExitStatus {
    let (mut added, mut changed, mut destroyed) = (0, 0, 0);
    for (_, action) in &report.done {
        match action {
            Action::Create => added += 1,
            Action::Update | Action::NoOp | Action::Read => changed += 1,
            Action::Replace { .. } => {
                added += 1;
                destroyed += 1;
            }
            Action::Delete => destroyed += 1,
        }
    }
    if json {
        summary_event(added, changed, destroyed, destroy);
    } else if report.complete() {
        if destroy {
            println!("\nDestroy complete! Resources: {destroyed} destroyed.");
        } else {
            println!(
                "\nApply complete! Resources: {added} added, {changed} changed, {destroyed} destroyed."
            );
        }
    }
    if report.complete() {
        return ExitStatus::Success;
    }
    let total = plan
        .resources
        .iter()
        .filter(|r| r.action.is_change() || r.importing)
        .count();
    eprintln!(
        "\n{} stopped: {} of {total} done, {} failed, {} skipped.",
        if destroy { "Destroy" } else { "Apply" },
        report.done.len(),
        report.failed.len(),
        report.skipped.len()
    );
    for (address, code, message) in &report.failed {
        match code {
            Some(code) => eprintln!("  failed:  {address}: {code}: {message}"),
            None => eprintln!("  failed:  {address}: {message}"),
        }
    }
    for (address, why) in &report.skipped {
        eprintln!("  skipped: {address} ({why})");
    }
    for (address, action) in &report.done {
        eprintln!("  done:    {address} ({})", done_word(*action));
    }
    if !report.abandoned.is_empty() {
        eprintln!(
            "  Still running in Azure (the state index remembers them; the next plan reads them): {}",
            report.abandoned.join(", ")
        );
    }
    if let Some(e) = &report.state_error {
        eprintln!("error: {e}");
    }
    if report.interrupted {
        eprintln!("The apply was interrupted; run apply again to finish the job.");
    } else {
        eprintln!("Fix what failed and run apply again: only what is left is planned.");
    }
    ExitStatus::Failure
}

fn done_word(action: Action) -> &'static str {
    match action {
        Action::Create => "created",
        Action::Update | Action::NoOp | Action::Read => "updated",
        Action::Replace { .. } => "replaced",
        Action::Delete => "destroyed",
    }
}

/// Terraform's `change_summary` event.
fn summary_event(add: usize, change: usize, remove: usize, destroy: bool) {
    let message = if destroy {
        format!("Destroy complete! Resources: {remove} destroyed.")
    } else {
        format!("Apply complete! Resources: {add} added, {change} changed, {remove} destroyed.")
    };
    let event = serde_json::json!({
        "@level": "info",
        "@message": message,
        "@module": "aksform.ui",
        "@timestamp": state::now_rfc3339(),
        "type": "change_summary",
        "changes": {
            "add": add, "change": change, "import": 0, "remove": remove,
            "operation": if destroy { "destroy" } else { "apply" },
        },
    });
    println!("{event}");
}
