//! `aksform auth [DIR]`: shows which endpoint, credential and subscription a command run would
//! use (from DIR's `provider "azurerm"` block and the environment) and proves them with one read,
//! the subscription's resource groups. Tokens and secrets are never printed.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use std::time::Duration;

use crate::arm::ClientOptions;
use crate::arm::auth::process_env;
use crate::arm::endpoint::Cloud;
use crate::arm::retry::RetryPolicy;
use crate::cli::args::AuthArgs;
use crate::cli::connect::connect;
use crate::cli::exit::ExitStatus;
use crate::cli::fs::RealFs;
use crate::cli::printer::Printer;
use crate::config::pipeline::{LoadOptions, load};
use crate::config::value::Value;
use crate::model::ApiFamily;

/// Whether `dir` holds configuration files.
fn has_config(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.ends_with(".tf") || name.ends_with(".tf.json")
        })
    })
}

/// The provider block of DIR's configuration; `Err` with the rendered diagnostics when the
/// configuration has errors.
fn provider_block(dir: &Path, printer: &Printer) -> Result<BTreeMap<String, Value>, String> {
    if !has_config(dir) {
        return Ok(BTreeMap::new());
    }
    let loaded = load(&RealFs, dir, &LoadOptions::default());
    if loaded.diags.has_errors() {
        return Err(printer.diagnostics(&loaded.diags, &loaded.config.sources));
    }
    Ok(loaded.evaluated.provider)
}

/// Runs `auth`.
///
/// # Errors
///
/// Only when writing the output fails; connection problems are reported and give exit 1.
pub fn run(args: &AuthArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let block = match provider_block(&args.dir, printer) {
        Ok(b) => b,
        Err(rendered) => {
            eprint!("{rendered}");
            eprintln!(
                "error: fix the configuration in {} first",
                args.dir.display()
            );
            return Ok(ExitStatus::Failure);
        }
    };
    // A quick check: a few attempts, not the patient retrying of plan and apply.
    let options = ClientOptions {
        retry: RetryPolicy {
            max_attempts: 3,
            max_elapsed: Duration::from_secs(30),
            ..RetryPolicy::default()
        },
        ..ClientOptions::default()
    };
    let conn = match connect(&block, &process_env, options) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(ExitStatus::Failure);
        }
    };
    let mut out = std::io::stdout().lock();
    match conn.endpoint.cloud {
        Cloud::Custom => writeln!(out, "endpoint      {}", conn.endpoint.base)?,
        _ => writeln!(
            out,
            "endpoint      {} ({})",
            conn.endpoint.base, conn.endpoint.name
        )?,
    }
    writeln!(out, "credential    {}", conn.credential)?;
    let Some(sub) = &conn.subscription else {
        writeln!(out, "subscription  none")?;
        drop(out);
        eprintln!(
            "error: no subscription: set ARM_SUBSCRIPTION_ID or subscription_id in the provider \"azurerm\" block"
        );
        return Ok(ExitStatus::Failure);
    };
    writeln!(out, "subscription  {sub}")?;
    out.flush()?;
    if let Err(e) = crate::cli::target::check_guid(sub) {
        drop(out);
        eprintln!("error: {e}");
        return Ok(ExitStatus::Failure);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let path = format!("/subscriptions/{sub}/resourcegroups");
    match runtime.block_on(conn.client.list(&path, ApiFamily::Resources)) {
        Ok(groups) => {
            writeln!(
                out,
                "access        ok: {} resource group{} readable (correlation id {})",
                groups.len(),
                if groups.len() == 1 { "" } else { "s" },
                conn.client.correlation_id()
            )?;
            Ok(ExitStatus::Success)
        }
        Err(e) => {
            writeln!(out, "access        failed")?;
            drop(out);
            eprintln!("error: {e}");
            Ok(ExitStatus::Failure)
        }
    }
}
