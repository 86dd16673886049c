//! What `plan`, `apply` and `destroy` share before they talk to Azure: the state lock and index
//! of the run, how the configuration evaluates (files, `-var`s, `TF_VAR_*`, the subscription),
//! and the checks that the index belongs to the subscription the run targets.

use std::path::{Path, PathBuf};

use crate::cli::args::{StateFlags, TargetFlags};
use crate::cli::fs::RealFs;
use crate::cli::target;
use crate::config::eval::DataResolver;
use crate::config::pipeline::{LoadOptions, Loaded, load};
use crate::config::vars::CliVar;
use crate::plan::Owned;
use crate::plan::saved::{ConfigStamp, SavedVar, StateStamp};
use crate::state::{self, EntryStatus, StateIndex, StateLock};

/// A run's stack: its configuration, its state index (locked) and its target directory.
pub struct Stack {
    /// The root module.
    pub dir: PathBuf,
    /// `-var` and `-var-file`, in order.
    pub vars: Vec<CliVar>,
    /// The emulator's directory with `--emulator`.
    pub emulator: Option<PathBuf>,
    /// The state index file.
    pub state_path: PathBuf,
    /// The index as loaded.
    pub index: StateIndex,
    /// Held for the whole run (`None` with `-lock=false`).
    pub lock: Option<StateLock>,
    tf_vars: Vec<(String, String)>,
    env_subscription: Option<String>,
}

impl Stack {
    /// Takes the lock (for `command`) and loads the index of the configuration in `dir`.
    ///
    /// # Errors
    ///
    /// A lock held by another run, or an index that cannot be read; the message says which.
    pub fn open(
        dir: &Path,
        vars: Vec<CliVar>,
        flags: &StateFlags,
        target_flags: &TargetFlags,
        command: &str,
    ) -> Result<Stack, String> {
        let emulator = target::emulator_dir(target_flags, dir);
        let state_path = target::state_path(flags.state.as_deref(), dir, emulator.as_deref());
        let lock = if flags.lock {
            let path = target::lock_path(flags.state.as_deref(), dir);
            Some(state::acquire(&path, command, flags.lock_timeout).map_err(|e| e.to_string())?)
        } else {
            None
        };
        let index = state::load(&state_path).map_err(|e| e.to_string())?;
        Ok(Stack {
            dir: dir.to_path_buf(),
            vars,
            env_subscription: target::environment_subscription(emulator.is_some()),
            emulator,
            state_path,
            index,
            lock,
            tf_vars: target::tf_var_env(),
        })
    }

    /// Evaluates the configuration with `data` resolving data sources and computed values.
    pub fn load(&self, data: &dyn DataResolver) -> Loaded {
        let opts = LoadOptions {
            env: self.tf_vars.clone(),
            cli: self.vars.clone(),
            subscription_id: self.env_subscription.clone(),
            data,
        };
        load(&RealFs, &self.dir, &opts)
    }

    /// Why the index cannot be used against `subscription`, if it belongs to another one.
    pub fn owner_mismatch(&self, subscription: &str) -> Option<String> {
        let owner = self.index.subscription_id.as_ref()?;
        (!owner.eq_ignore_ascii_case(subscription)).then(|| {
            format!(
                "the state index {} belongs to subscription {owner}, but this run targets subscription {subscription}; use the matching subscription, or another -state",
                self.state_path.display()
            )
        })
    }

    /// The resources the index owns, as the planner reads them.
    pub fn owned(&self) -> Vec<Owned> {
        self.index
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

    /// What a saved plan records about the index.
    pub fn state_stamp(&self) -> StateStamp {
        StateStamp {
            lineage: self.index.lineage.clone(),
            serial: self.index.serial,
            path: self.state_path.display().to_string(),
        }
    }

    /// What a saved plan records about the configuration.
    pub fn config_stamp(&self) -> ConfigStamp {
        let abs = |p: &Path| {
            std::path::absolute(p)
                .unwrap_or_else(|_| p.to_path_buf())
                .display()
                .to_string()
        };
        ConfigStamp {
            dir: abs(&self.dir),
            vars: self
                .vars
                .iter()
                .map(|v| match v {
                    CliVar::Var(s) => SavedVar::Var(s.clone()),
                    CliVar::File(p) => SavedVar::VarFile(abs(p)),
                })
                .collect(),
        }
    }
}

/// The `-var`s of a saved plan, as the loader takes them.
pub fn saved_vars(stamp: &ConfigStamp) -> Vec<CliVar> {
    stamp
        .vars
        .iter()
        .map(|v| match v {
            SavedVar::Var(s) => CliVar::Var(s.clone()),
            SavedVar::VarFile(p) => CliVar::File(PathBuf::from(p)),
        })
        .collect()
}
