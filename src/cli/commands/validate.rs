//! `aksform validate [DIR]`: load, evaluate and check a configuration; report every problem.

use std::io::Write;

use serde::Serialize;

use crate::cli::args::ValidateArgs;
use crate::cli::exit::ExitStatus;
use crate::cli::fs::RealFs;
use crate::cli::printer::{Printer, count};
use crate::config::pipeline::{LoadOptions, Loaded, load};
use crate::config::vars::CliVar;
use crate::diag::JsonDiagnostic;

/// The `-json` output, in the shape of `terraform validate -json`.
#[derive(Serialize)]
struct JsonResult {
    format_version: &'static str,
    valid: bool,
    error_count: usize,
    warning_count: usize,
    diagnostics: Vec<JsonDiagnostic>,
}

/// Runs `validate`.
///
/// # Errors
///
/// Only when writing the output fails; problems in the configuration are diagnostics.
pub fn run(
    args: &ValidateArgs,
    vars: Vec<CliVar>,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let opts = LoadOptions {
        env: crate::cli::target::tf_var_env(),
        cli: vars,
        subscription_id: crate::cli::target::environment_subscription(false),
        ..LoadOptions::default()
    };
    let loaded = load(&RealFs, &args.dir, &opts);
    let valid = !loaded.diags.has_errors();
    if args.json {
        let result = JsonResult {
            format_version: "1.0",
            valid,
            error_count: loaded.diags.error_count(),
            warning_count: loaded.diags.warning_count(),
            diagnostics: loaded
                .diags
                .iter()
                .map(|d| JsonDiagnostic::new(d, &loaded.config.sources))
                .collect(),
        };
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &result)?;
        writeln!(out)?;
    } else {
        let rendered = printer.diagnostics(&loaded.diags, &loaded.config.sources);
        eprint!("{rendered}");
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{}",
            summary_line(&args.dir.display().to_string(), &loaded)
        )?;
    }
    Ok(if valid {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// The one-line result.
pub fn summary_line(dir: &str, loaded: &Loaded) -> String {
    let d = &loaded.diags;
    if d.has_errors() {
        let warnings = if d.warning_count() > 0 {
            format!(" and {}", count(d.warning_count(), "warning"))
        } else {
            String::new()
        };
        return format!(
            "Error: the configuration in {dir} has {}{warnings}.",
            count(d.error_count(), "error")
        );
    }
    let s = loaded.summary();
    let mut line = format!(
        "Success! The configuration in {dir} is valid: {}, {}, {}, {}, {}",
        count(s.resources, "resource"),
        count(s.data_sources, "data source"),
        count(s.modules, "module call"),
        count(s.variables, "variable"),
        count(s.outputs, "output"),
    );
    if d.warning_count() > 0 {
        line.push_str(&format!(" ({})", count(d.warning_count(), "warning")));
    }
    line.push('.');
    let unset = &loaded.evaluated.unset_variables;
    if !unset.is_empty() {
        line.push_str(&format!(
            " Checked as a reusable module: {} without a value ({}) treated as known only after apply.",
            count(unset.len(), "variable"),
            unset.join(", ")
        ));
    }
    line
}
