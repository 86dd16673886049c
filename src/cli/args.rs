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
    /// Read live Azure and show what apply would change.
    Plan(PlanArgs),
    /// Plan and apply (asking for `yes` unless -auto-approve), or apply exactly a saved plan.
    Apply(ApplyArgs),
    /// Delete everything the state index owns, in reverse dependency order.
    Destroy(DestroyArgs),
    /// Show a saved plan (`plan -out FILE`) again, in any format; without a file, what the state
    /// index owns.
    Show(ShowArgs),
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

    /// Long-running operations on resources whose ARM id contains TEXT end Failed, every time
    /// (case-insensitive; repeatable): a fault aimed at one resource.
    #[arg(long, value_name = "TEXT")]
    pub fail_operations_on: Vec<String>,

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

/// How a plan is printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    /// Terraform-like text for a terminal.
    #[default]
    Text,
    /// A pull-request comment.
    Markdown,
    /// Terraform's JSON plan format.
    Json,
}

/// Where a command run's resources live: Azure, or the built-in emulator.
#[derive(Debug, Args, Default, Clone)]
pub struct TargetFlags {
    /// Run against the built-in emulator instead of Azure, with its state in DIR (default
    /// `.aksform/emulator/` next to the configuration; kept between runs).
    #[cfg(feature = "emulator")]
    #[arg(long, value_name = "DIR", num_args = 0..=1, require_equals = true)]
    pub emulator: Option<Option<PathBuf>>,
}

/// The state index and its lock.
#[derive(Debug, Args, Clone)]
pub struct StateFlags {
    /// The state index (default `.aksform/state.json` next to the configuration, or
    /// `state.json` in the emulator's directory with `--emulator`).
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,

    /// Take the state lock (`-lock=false` for read-only use while another run holds it).
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set,
          num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub lock: bool,

    /// How long to wait for the state lock held by another run: `0s` (default), `30s`, `5m`.
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = parse_duration)]
    pub lock_timeout: std::time::Duration,
}

/// `aksform plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The directory of the root module.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Variable values.
    #[command(flatten)]
    pub vars: VarFlags,

    /// Save the plan to FILE, for `aksform show FILE` and `aksform apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// How the plan is drawn.
    #[command(flatten)]
    pub output: OutputFlags,

    /// Exit 0 when there are no changes, 1 on error, 2 when there are changes.
    #[arg(long)]
    pub detailed_exitcode: bool,

    /// How many ARM reads run at once.
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=256))]
    pub parallelism: u32,

    /// Replacements and adoptions allowed.
    #[command(flatten)]
    pub changes: ChangeFlags,

    /// The state index and lock.
    #[command(flatten)]
    pub state: StateFlags,

    /// Azure or the emulator.
    #[command(flatten)]
    pub target: TargetFlags,
}

/// `aksform apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The directory of the root module, or a plan saved with `plan -out FILE` (applied exactly,
    /// without asking).
    #[arg(default_value = ".", value_name = "DIR|PLANFILE")]
    pub path: PathBuf,

    /// Variable values (not with a saved plan: it keeps its own).
    #[command(flatten)]
    pub vars: VarFlags,

    /// Approval, output and concurrency.
    #[command(flatten)]
    pub run: RunFlags,

    /// Replacements and adoptions allowed.
    #[command(flatten)]
    pub changes: ChangeFlags,

    /// The state index and lock.
    #[command(flatten)]
    pub state: StateFlags,

    /// Azure or the emulator.
    #[command(flatten)]
    pub target: TargetFlags,
}

/// `aksform destroy`.
#[derive(Debug, Args)]
pub struct DestroyArgs {
    /// The directory of the root module.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Variable values.
    #[command(flatten)]
    pub vars: VarFlags,

    /// Approval, output and concurrency.
    #[command(flatten)]
    pub run: RunFlags,

    /// The state index and lock.
    #[command(flatten)]
    pub state: StateFlags,

    /// Azure or the emulator.
    #[command(flatten)]
    pub target: TargetFlags,
}

/// How apply and destroy run.
#[derive(Debug, Args, Clone, Copy)]
pub struct RunFlags {
    /// Go ahead without asking for `yes`.
    #[arg(long)]
    pub auto_approve: bool,

    /// Machine-readable progress: one JSON event per line on standard output (needs
    /// -auto-approve).
    #[arg(long)]
    pub json: bool,

    /// How many resources are read and written at once.
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=256))]
    pub parallelism: u32,
}

/// What a plan may do that it otherwise refuses.
#[derive(Debug, Args, Clone, Default)]
pub struct ChangeFlags {
    /// Allow the replacement of this resource (clusters are never replaced without it;
    /// repeatable).
    #[arg(long, value_name = "ADDRESS")]
    pub allow_replace: Vec<String>,

    /// Adopt this resource into the state index when it already exists in Azure (repeatable).
    #[arg(long, value_name = "ADDRESS")]
    pub adopt: Vec<String>,
}

/// `aksform show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A plan saved with `plan -out FILE`; without it, the resources the state index owns.
    pub planfile: Option<PathBuf>,

    /// How the plan is drawn.
    #[command(flatten)]
    pub output: OutputFlags,

    /// The directory of the root module, whose state index is shown without a plan file.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// The state index to show (default as for plan).
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,

    /// Azure or the emulator (chooses the default state index).
    #[command(flatten)]
    pub target: TargetFlags,
}

/// How `plan` and `show` draw a plan.
#[derive(Debug, Args, Default, Clone)]
pub struct OutputFlags {
    /// Print Terraform's JSON plan format (the same as `-format=json`).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,

    /// Output format.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<PlanFormat>,

    /// Also print a unified diff of each changing resource's ARM body (text and markdown).
    #[arg(long)]
    pub diff: bool,
}

impl OutputFlags {
    /// The format that `-json` and `-format` choose.
    pub fn format(&self) -> PlanFormat {
        if self.json {
            PlanFormat::Json
        } else {
            self.format.unwrap_or_default()
        }
    }
}

/// A duration as Terraform writes them: `0s`, `1500ms`, `30s`, `5m`, `1h`, `1m30s`.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("{s:?} is not a duration; write e.g. 0s, 30s, 5m or 1h30m");
    let mut total = std::time::Duration::ZERO;
    let mut rest = s.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(bad());
        }
        let n: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let part = match &rest[..unit] {
            "ms" => std::time::Duration::from_millis(n),
            "s" => std::time::Duration::from_secs(n),
            "m" => std::time::Duration::from_secs(n.saturating_mul(60)),
            "h" => std::time::Duration::from_secs(n.saturating_mul(3600)),
            _ => return Err(bad()),
        };
        rest = &rest[unit..];
        total = total.saturating_add(part);
    }
    Ok(total)
}

/// Long options that may be written with one dash, as Terraform users do.
const SINGLE_DASH: &[&str] = &[
    "json",
    "var",
    "out",
    "format",
    "detailed-exitcode",
    "parallelism",
    "state",
    "lock",
    "lock-timeout",
    "allow-replace",
    "adopt",
    "auto-approve",
    "emulator",
    "dir",
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
    fn plan_flags_terraform_style() {
        let cli = parse(&[
            "aksform",
            "plan",
            "-out=tf.plan",
            "-detailed-exitcode",
            "-parallelism=4",
            "-lock=false",
            "-lock-timeout=1m30s",
            "-allow-replace=azurerm_kubernetes_cluster.main",
            "-format=markdown",
            "-diff",
            "infra",
        ]);
        let Command::Plan(p) = cli.command else {
            panic!()
        };
        assert_eq!(p.out, Some(PathBuf::from("tf.plan")));
        assert!(p.detailed_exitcode && p.output.diff);
        assert_eq!(p.parallelism, 4);
        assert!(!p.state.lock);
        assert_eq!(p.state.lock_timeout, std::time::Duration::from_secs(90));
        assert_eq!(p.changes.allow_replace, ["azurerm_kubernetes_cluster.main"]);
        assert_eq!(p.output.format(), PlanFormat::Markdown);
        assert_eq!(p.dir, PathBuf::from("infra"));
    }

    #[test]
    fn plan_defaults() {
        let cli = parse(&["aksform", "plan", "-lock"]);
        let Command::Plan(p) = cli.command else {
            panic!()
        };
        assert!(p.state.lock);
        assert_eq!(p.parallelism, 10);
        assert_eq!(p.state.lock_timeout, std::time::Duration::ZERO);
        assert_eq!(p.output.format(), PlanFormat::Text);
        let args = normalize(["aksform", "plan", "-parallelism=0"].map(OsString::from));
        assert!(Cli::try_parse_from(args).is_err());
    }

    #[cfg(feature = "emulator")]
    #[test]
    fn emulator_takes_an_optional_directory() {
        let Command::Plan(p) = parse(&["aksform", "plan", "--emulator", "dir"]).command else {
            panic!()
        };
        assert_eq!(p.target.emulator, Some(None));
        assert_eq!(p.dir, PathBuf::from("dir"));
        let Command::Plan(p) = parse(&["aksform", "plan", "-emulator=/tmp/e"]).command else {
            panic!()
        };
        assert_eq!(p.target.emulator, Some(Some(PathBuf::from("/tmp/e"))));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("0s"), Ok(std::time::Duration::ZERO));
        assert_eq!(
            parse_duration("1500ms"),
            Ok(std::time::Duration::from_millis(1500))
        );
        assert_eq!(
            parse_duration("1h30m"),
            Ok(std::time::Duration::from_secs(5400))
        );
        for bad in ["", "5", "s", "5x", "-1s", "1.5s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
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
