//! The whole configuration pipeline in one call: load the module tree, gather variable values,
//! evaluate, and run the cross-field rules. `validate` shows its diagnostics; `plan` goes on from
//! its result.

use std::collections::BTreeMap;
use std::path::Path;

use super::eval::{DataResolver, EvalOptions, Evaluated, NoData, evaluate};
use super::fs::Fs;
use super::module::{Config, load_config};
use super::rules;
use super::vars::{CliVar, collect_inputs};
use crate::addr::Mode;
use crate::diag::Diagnostics;

/// What the pipeline needs besides the directory.
pub struct LoadOptions<'a> {
    /// `TF_VAR_*` environment variables (name, value).
    pub env: Vec<(String, String)>,
    /// `-var` and `-var-file` in command-line order.
    pub cli: Vec<CliVar>,
    /// The subscription from the environment, if any.
    pub subscription_id: Option<String>,
    /// How data sources are read.
    pub data: &'a dyn DataResolver,
}

impl Default for LoadOptions<'_> {
    fn default() -> Self {
        LoadOptions {
            env: Vec::new(),
            cli: Vec::new(),
            subscription_id: None,
            data: &NoData,
        }
    }
}

/// A loaded and evaluated configuration with every diagnostic found on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The configuration as written (and the source files, for rendering diagnostics).
    pub config: Config,
    /// The evaluated values.
    pub evaluated: Evaluated,
    /// Every problem, errors first, in file order.
    pub diags: Diagnostics,
}

/// Counts for a one-line summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Managed resource instances.
    pub resources: usize,
    /// Data source instances.
    pub data_sources: usize,
    /// Module calls (static, not counting instances).
    pub modules: usize,
    /// Root variables.
    pub variables: usize,
    /// Root outputs.
    pub outputs: usize,
}

impl Loaded {
    /// Counts what the configuration declares.
    pub fn summary(&self) -> Summary {
        let root = self.config.root_decl();
        Summary {
            resources: self
                .evaluated
                .resources
                .iter()
                .filter(|r| r.addr.resource.mode == Mode::Managed)
                .count(),
            data_sources: self
                .evaluated
                .resources
                .iter()
                .filter(|r| r.addr.resource.mode == Mode::Data)
                .count(),
            modules: self.config.paths().len() - 1,
            variables: root.variables.len(),
            outputs: root.outputs.len(),
        }
    }
}

/// Loads, evaluates and checks the configuration in `dir`.
pub fn load(fs: &dyn Fs, dir: &Path, opts: &LoadOptions<'_>) -> Loaded {
    let mut diags = Diagnostics::new();
    let mut config = load_config(fs, dir, &mut diags);
    let inputs = collect_inputs(
        fs,
        dir,
        &opts.env,
        &opts.cli,
        &mut config.sources,
        &mut diags,
    );
    warn_undeclared(&config, &inputs, &mut diags);
    let evaluated = evaluate(
        &config,
        &EvalOptions {
            fs,
            subscription_id: opts.subscription_id.clone(),
            inputs: &inputs,
            data: opts.data,
        },
        &mut diags,
    );
    rules::check(&evaluated.resources, &mut diags);
    diags.sort();
    Loaded {
        config,
        evaluated,
        diags,
    }
}

/// Values given for variables the root module does not declare: an error on the command line, a
/// warning in files and the environment (as Terraform does).
fn warn_undeclared(
    config: &Config,
    inputs: &BTreeMap<String, super::vars::InputValue>,
    diags: &mut Diagnostics,
) {
    use super::vars::InputSource;
    use crate::diag::{Diagnostic, suggestion};
    let declared = &config.root_decl().variables;
    for (name, input) in inputs {
        if declared.contains_key(name) {
            continue;
        }
        let hint = suggestion(name, declared.keys().map(String::as_str));
        let d = match input.source {
            InputSource::CommandLine => Diagnostic::error(format!(
                "-var sets {name:?}, but the configuration declares no such variable"
            ))
            .help(format!(
                "declare it with a variable block, or fix the name.{hint}"
            )),
            InputSource::Environment(_) => continue,
            InputSource::File(_) => {
                Diagnostic::warning(format!("value for undeclared variable {name:?}"))
                    .at_opt(input.span.clone())
                    .help(format!("it is ignored; declare it or remove it.{hint}"))
            }
        };
        diags.push(d);
    }
}
