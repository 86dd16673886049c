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
    /// Serve the built-in Azure Resource Manager emulator on a loopback port.
    #[cfg(feature = "emulator")]
    Emulator(EmulatorArgs),
    /// Show the endpoint, credential and subscription in use, and prove them with one read.
    Auth(AuthArgs),
    /// Print the version.
    Version,
}

/// `aksform auth`.
#[derive(Debug, Args)]
pub struct AuthArgs {
    /// The directory whose `provider "azurerm"` block applies (none is fine: the environment alone).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// `aksform emulator`.
#[cfg(feature = "emulator")]
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Port on 127.0.0.1 (0 picks a free one; the URL is printed on stdout).
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// Keep resources and in-flight operations in this directory (survives restarts).
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,

    /// Make long-running operations this many times faster (e.g. 10).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,

    /// Items per page in list responses.
    #[arg(long, default_value_t = 100)]
    pub page_size: usize,

    /// Duration of an operation kind at speed 1, in milliseconds (repeatable): cluster-create,
    /// cluster-update, pool, network, workspace or delete, e.g. --duration cluster-create=600000.
    #[arg(long = "duration", value_name = "KIND=MS")]
    pub durations: Vec<String>,

    /// Append every request and response to this JSONL file.
    #[arg(long, value_name = "FILE")]
    pub request_log: Option<PathBuf>,

    /// Write every ARM exchange to this directory in oav's traffic format.
    #[arg(long, value_name = "DIR")]
    pub traffic_dir: Option<PathBuf>,

    /// Added latency per request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,

    /// Random extra latency per request, up to this many milliseconds.
    #[arg(long, default_value_t = 0)]
    pub jitter_ms: u64,

    /// Share of requests answered with 429 Throttled (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub throttle_rate: f64,

    /// Share of requests answered with 500 or 503 (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub server_error_rate: f64,

    /// Share of requests whose connection is dropped (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub drop_rate: f64,

    /// Share of long-running operations that end Failed (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub fail_operation_rate: f64,

    /// Enforce AKS's per-operation token buckets (e.g. 20 cluster PUTs, one more per minute).
    #[arg(long)]
    pub token_buckets: bool,

    /// Seed for the fault dice, for reproducible runs.
    #[arg(long)]
    pub seed: Option<u64>,

    /// Send the AKS resource provider's errors without the {"error": ...} envelope, as real AKS
    /// has been seen to do (clients must read both shapes).
    #[arg(long)]
    pub aks_unwrapped_errors: bool,
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
