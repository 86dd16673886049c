//! A plan made for a command (`plan`, `apply`, `destroy`): evaluate the configuration, connect
//! to Azure or the emulator, check the index belongs to the subscription, plan, and print the
//! diagnostics. Failures are printed here and come back as the exit status.

use std::sync::Arc;

use crate::apply::planning::{Outcome, PlanningError, make_plan};
use crate::arm::ClientOptions;
use crate::cli::exit::ExitStatus;
use crate::cli::printer::Printer;
use crate::cli::stack::Stack;
use crate::cli::target::{self, Session};
use crate::config::eval::NoData;
use crate::config::pipeline::Loaded;
use crate::plan::{PlanOptions, config_hash};

/// The command's choices for the planner.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// `-allow-replace`.
    pub allow_replace: Vec<String>,
    /// `-adopt`.
    pub adopt: Vec<String>,
    /// `destroy`.
    pub destroy: bool,
    /// `-parallelism`.
    pub parallelism: usize,
}

/// The async runtime of a command: two workers, IO and timers.
///
/// # Errors
///
/// When the runtime cannot start.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// Evaluates the configuration without Azure (for the provider block and the configuration's
/// hash) and connects.
///
/// # Errors
///
/// The exit status after printing the configuration's errors or the connection problem.
pub async fn connect(
    stack: &Stack,
    printer: &Printer,
    options: ClientOptions,
) -> Result<(Loaded, Session), ExitStatus> {
    let first = stack.load(&NoData);
    if first.diags.has_errors() {
        eprint!(
            "{}",
            printer.diagnostics(&first.diags, &first.config.sources)
        );
        return Err(ExitStatus::Failure);
    }
    let subscription = (!first.evaluated.subscription_is_placeholder)
        .then(|| first.evaluated.subscription_id.clone())
        .flatten();
    let session = match target::open(
        &first.evaluated.provider,
        subscription,
        stack.emulator.as_deref(),
        options,
    )
    .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Err(ExitStatus::Failure);
        }
    };
    if let Some(message) = stack.owner_mismatch(&session.target.subscription) {
        eprintln!("error: {message}");
        session.close().await;
        return Err(ExitStatus::Failure);
    }
    Ok((first, session))
}

/// Plans. The plan's `config_hash` is the hash of the configuration evaluated without Azure
/// (files and variables only), which apply of a saved plan can compute again.
///
/// # Errors
///
/// The exit status after printing the diagnostics or read failures.
pub async fn make(
    stack: &Stack,
    first: Loaded,
    session: &Session,
    choices: &Choices,
    printer: &Printer,
) -> Result<Outcome, ExitStatus> {
    let source_hash = config_hash(&first.evaluated);
    let options = PlanOptions {
        target: session.target.clone(),
        allow_replace: choices.allow_replace.clone(),
        adopt: choices.adopt.clone(),
        destroy: choices.destroy,
    };
    let load = |data: &dyn crate::config::eval::DataResolver| stack.load(data);
    let result = make_plan(
        first,
        &load,
        Arc::clone(&session.client),
        &session.identity,
        &stack.owned(),
        &options,
        choices.parallelism,
    )
    .await;
    let mut outcome = result.map_err(|e| reported(&e, printer))?;
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
        return Err(ExitStatus::Failure);
    }
    outcome.planned.plan.config_hash = source_hash;
    Ok(outcome)
}

/// Prints why planning stopped (the configuration's diagnostics, or the failed reads); exit 1.
pub fn reported(e: &PlanningError, printer: &Printer) -> ExitStatus {
    match e {
        PlanningError::Config(loaded, diags) => {
            eprint!("{}", printer.diagnostics(diags, &loaded.config.sources));
        }
        PlanningError::Azure(errors) => errors.iter().for_each(|e| eprintln!("error: {e}")),
    }
    ExitStatus::Failure
}
