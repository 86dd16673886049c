//! `aksform plan [DIR]`: evaluate the configuration, read live Azure (or the emulator) once per
//! resource, and draw what apply would change; `-out FILE` saves it for `show` and `apply`.

use std::io::{self, Write};
use std::sync::Arc;

use crate::apply::planning::{PlanningError, make_plan};
use crate::arm::ClientOptions;
use crate::cli::args::{PlanArgs, PlanFormat};
use crate::cli::commands::show::{diff_allowed, render_plan};
use crate::cli::exit::ExitStatus;
use crate::cli::fs::RealFs;
use crate::cli::printer::Printer;
use crate::cli::target;
use crate::config::eval::{DataResolver, NoData};
use crate::config::pipeline::{LoadOptions, Loaded, load};
use crate::config::vars::CliVar;
use crate::plan::saved::{SavedPlan, StateStamp};
use crate::plan::{Owned, PlanOptions};
use crate::state::{self, EntryStatus, StateIndex};

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
    let emulator = target::emulator_dir(&args.target, &args.dir);
    let state_path =
        target::state_path(args.state.state.as_deref(), &args.dir, emulator.as_deref());
    let _lock = if args.state.lock {
        let path = target::lock_path(args.state.state.as_deref(), &args.dir);
        match state::acquire(&path, "plan", args.state.lock_timeout) {
            Ok(lock) => Some(lock),
            Err(e) => return failed(&e),
        }
    } else {
        None
    };
    let index = match state::load(&state_path) {
        Ok(index) => index,
        Err(e) => return failed(&e),
    };

    let tf_vars = target::tf_var_env();
    let env_subscription = target::environment_subscription(emulator.is_some());
    let load_with = |data: &dyn DataResolver| -> Loaded {
        let opts = LoadOptions {
            env: tf_vars.clone(),
            cli: vars.clone(),
            subscription_id: env_subscription.clone(),
            data,
        };
        load(&RealFs, &args.dir, &opts)
    };
    let first = load_with(&NoData);
    if first.diags.has_errors() {
        eprint!(
            "{}",
            printer.diagnostics(&first.diags, &first.config.sources)
        );
        return Ok(ExitStatus::Failure);
    }
    let subscription = (!first.evaluated.subscription_is_placeholder)
        .then(|| first.evaluated.subscription_id.clone())
        .flatten();
    let block = first.evaluated.provider.clone();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let outcome = runtime.block_on(async {
        let session = match target::open(&block, subscription, emulator.as_deref(), ClientOptions::default()).await {
            Ok(s) => s,
            Err(e) => return Err(format!("{e:#}")),
        };
        if let Some(owner) = &index.subscription_id
            && !owner.eq_ignore_ascii_case(&session.target.subscription)
        {
            let message = format!(
                "the state index {} belongs to subscription {owner}, but this run targets subscription {}; use the matching subscription, or another -state",
                state_path.display(),
                session.target.subscription
            );
            session.close().await;
            return Err(message);
        }
        let options = PlanOptions {
            target: session.target.clone(),
            allow_replace: args.allow_replace.clone(),
            adopt: args.adopt.clone(),
        };
        let result = make_plan(
            first,
            &load_with,
            Arc::clone(&session.client),
            &session.identity,
            &owned(&index),
            &options,
            args.parallelism as usize,
        )
        .await;
        session.close().await;
        Ok(result)
    });
    let outcome = match outcome {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(PlanningError::Config(loaded, diags))) => {
            eprint!("{}", printer.diagnostics(&diags, &loaded.config.sources));
            return Ok(ExitStatus::Failure);
        }
        Ok(Err(PlanningError::Azure(errors))) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            return Ok(ExitStatus::Failure);
        }
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(ExitStatus::Failure);
        }
    };
    let mut diags = outcome.loaded.diags.clone();
    outcome
        .planned
        .diags
        .iter()
        .for_each(|d| diags.push(d.clone()));
    if !diags.is_empty() {
        eprint!(
            "{}",
            printer.diagnostics(&diags, &outcome.loaded.config.sources)
        );
    }
    if diags.has_errors() {
        return Ok(ExitStatus::Failure);
    }
    let plan = &outcome.planned.plan;
    let mut out = Vec::new();
    render_plan(&mut out, plan, format, args.output.diff, color)?;
    if let Some(file) = &args.out {
        let stamp = StateStamp {
            lineage: index.lineage.clone(),
            serial: index.serial,
            path: state_path.display().to_string(),
        };
        let saved = SavedPlan::new(plan.clone(), stamp, state::now_rfc3339());
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

/// The resources the state index owns, as the planner reads them.
pub fn owned(index: &StateIndex) -> Vec<Owned> {
    index
        .resources
        .iter()
        .map(|(address, entry)| Owned {
            address: address.clone(),
            id: entry.id.clone(),
            type_name: entry.type_name.clone(),
            pending: entry.status == EntryStatus::Pending,
        })
        .collect()
}

/// Prints `e` and ends the command with exit 1.
fn failed(e: &dyn std::fmt::Display) -> anyhow::Result<ExitStatus> {
    eprintln!("error: {e}");
    Ok(ExitStatus::Failure)
}
