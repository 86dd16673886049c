//! Command-line arguments, parsed in two stages (as ripgrep does): clap turns words into [`Cli`],
//! and the commands read only the validated values. Terraform's single-dash long flags (`-json`,
//! `-var x=1`, `-var-file=f`) are accepted next to the usual `--json`.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Provision a hardened Azure Kubernetes Service cluster as code.
#[derive(Debug, Parser)]
#[command(name = "aksform", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Never use colours (also when NO_COLOR is set or output is not a terminal).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a configuration: syntax, references, types, resource schemas and cross-field rules.
    Validate(ValidateArgs),
    /// Rewrite configuration files in the canonical style.
    Fmt(FmtArgs),
    /// Print the version.
    Version,
}

/// Variable values, as Terraform takes them.
#[derive(Debug, Args, Default, Clone)]
pub struct VarFlags {
    /// Set a root variable: -var 'name=value' (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,

    /// Read root variables from a .tfvars or .tfvars.json file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
}

/// `aksform validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The directory of the root module.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Print the result as JSON (the shape of `terraform validate -json`).
    #[arg(long)]
    pub json: bool,

    /// Variable values.
    #[command(flatten)]
    pub vars: VarFlags,
}

/// `aksform fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Files or directories to format; `-` reads standard input and writes standard output.
    #[arg(default_value = ".")]
    pub targets: Vec<PathBuf>,

    /// Do not write; exit 3 when any file is not formatted.
    #[arg(long)]
    pub check: bool,

    /// Print a unified diff of the changes.
    #[arg(long)]
    pub diff: bool,

    /// Also format files in subdirectories.
    #[arg(long)]
    pub recursive: bool,
}

/// Long options that may be written with one dash, as Terraform users do.
const SINGLE_DASH: &[&str] = &[
    "json",
    "var",
    "var-file",
    "check",
    "diff",
    "recursive",
    "no-color",
    "version",
    "help",
];

/// Rewrites `-json` to `--json` (and `-var=x` to `--var=x`) for the options above; leaves
/// everything after `--` alone.
pub fn normalize(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut out = Vec::new();
    let mut done = false;
    for arg in args {
        if done {
            out.push(arg);
            continue;
        }
        if arg == "--" {
            done = true;
            out.push(arg);
            continue;
        }
        let rewritten = arg.to_str().and_then(|s| {
            let rest = s.strip_prefix('-')?;
            if rest.starts_with('-') {
                return None;
            }
            let name = rest.split_once('=').map_or(rest, |(n, _)| n);
            SINGLE_DASH
                .contains(&name)
                .then(|| OsString::from(format!("-{s}")))
        });
        out.push(rewritten.unwrap_or(arg));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        let args = normalize(args.iter().map(OsString::from));
        Cli::try_parse_from(args).unwrap()
    }

    #[test]
    fn terraform_style_flags() {
        let cli = parse(&[
            "aksform",
            "validate",
            "-json",
            "-var",
            "a=1",
            "-var=b=2",
            "-var-file=x.tfvars",
            "dir",
        ]);
        let Command::Validate(v) = cli.command else {
            panic!()
        };
        assert!(v.json);
        assert_eq!(v.vars.vars, vec!["a=1", "b=2"]);
        assert_eq!(v.vars.var_files, vec![PathBuf::from("x.tfvars")]);
        assert_eq!(v.dir, PathBuf::from("dir"));
    }

    #[test]
    fn fmt_flags_and_defaults() {
        let cli = parse(&["aksform", "fmt", "-check", "--diff", "-recursive"]);
        let Command::Fmt(f) = cli.command else {
            panic!()
        };
        assert!(f.check && f.diff && f.recursive);
        assert_eq!(f.targets, vec![PathBuf::from(".")]);
    }

    #[test]
    fn values_and_dash_dash_are_untouched() {
        let n = normalize(["aksform", "fmt", "-", "--", "-json"].map(OsString::from));
        assert_eq!(
            n,
            ["aksform", "fmt", "-", "--", "-json"]
                .map(OsString::from)
                .to_vec()
        );
        let n = normalize(["-x", "-jsonx"].map(OsString::from));
        assert_eq!(n, ["-x", "-jsonx"].map(OsString::from).to_vec());
    }
}
