//! The command-line interface: arguments in, a command run, an [`ExitStatus`] out. `anyhow` is
//! used here and in `main` only.

pub mod args;
pub mod commands;
pub mod connect;
pub mod exit;
pub mod fs;
pub mod planning;
pub mod printer;
pub mod progress;
pub mod stack;
pub mod target;

use std::ffi::OsString;

use clap::Parser;

use args::{Cli, Command};
pub use exit::ExitStatus;
use printer::Printer;

use crate::config::vars::CliVar;

/// Parses `args` (including the program name) and runs the command.
///
/// # Errors
///
/// Only for failures outside the user's input (e.g. a closed stdout); those are printed by `main`.
pub fn run(args: impl IntoIterator<Item = OsString>) -> anyhow::Result<ExitStatus> {
    let args = args::normalize(args);
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let usage = e.use_stderr();
            e.print()?;
            return Ok(if usage {
                ExitStatus::Usage
            } else {
                ExitStatus::Success
            });
        }
    };
    let printer = Printer::new(cli.no_color);
    match &cli.command {
        Command::Validate(v) => commands::validate::run(v, ordered_vars(&args), &printer),
        Command::Fmt(f) => commands::fmt::run(f, &printer),
        Command::Plan(p) => {
            commands::plan::run(p, ordered_vars(&args), &printer, stdout_color(cli.no_color))
        }
        Command::Apply(a) => {
            commands::apply::run_apply(a, ordered_vars(&args), &printer, display(cli.no_color))
        }
        Command::Destroy(d) => {
            commands::apply::run_destroy(d, ordered_vars(&args), &printer, display(cli.no_color))
        }
        Command::Show(s) => commands::show::run(s, stdout_color(cli.no_color)),
        Command::Auth(a) => commands::auth::run(a, &printer),
        #[cfg(feature = "emulator")]
        Command::Emulator(e) => commands::emulator::run(e),
        Command::Version => {
            println!("aksform {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitStatus::Success)
        }
    }
}

/// Colour on standard output: only on a terminal, without `-no-color` and without `NO_COLOR`.
fn stdout_color(no_color: bool) -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && !no_color && std::env::var_os("NO_COLOR").is_none()
}

/// How apply and destroy show themselves.
fn display(no_color: bool) -> commands::apply::Display {
    commands::apply::Display {
        color: stdout_color(no_color),
        no_color: no_color || std::env::var_os("NO_COLOR").is_some(),
    }
}

/// `--var` and `--var-file` values in the order they were given, which decides precedence
/// (clap keeps each option's values, but not their interleaving).
fn ordered_vars(args: &[OsString]) -> Vec<CliVar> {
    let mut out = Vec::new();
    let mut iter = args.iter().filter_map(|a| a.to_str());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        if let Some(v) = arg.strip_prefix("--var=") {
            out.push(CliVar::Var(v.to_string()));
        } else if let Some(v) = arg.strip_prefix("--var-file=") {
            out.push(CliVar::File(v.into()));
        } else if arg == "--var" {
            if let Some(v) = iter.next() {
                out.push(CliVar::Var(v.to_string()));
            }
        } else if arg == "--var-file"
            && let Some(v) = iter.next()
        {
            out.push(CliVar::File(v.into()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn var_flags_keep_their_order() {
        let args = args::normalize(
            [
                "aksform",
                "validate",
                "-var-file=a.tfvars",
                "-var",
                "x=1",
                "-var-file",
                "b.tfvars",
                "-var=y=2",
            ]
            .map(OsString::from),
        );
        let got: Vec<String> = ordered_vars(&args)
            .into_iter()
            .map(|v| match v {
                CliVar::Var(s) => format!("var {s}"),
                CliVar::File(p) => format!("file {}", p.display()),
            })
            .collect();
        assert_eq!(
            got,
            ["file a.tfvars", "var x=1", "file b.tfvars", "var y=2"]
        );
    }
}
