//! Errors of the state layer: reading and writing the state index, and taking its lock. Every
//! variant carries the path it is about, and every message says what to do next.

use std::io;
use std::path::{Path, PathBuf};

use super::index::FORMAT_VERSION;

/// Why the state index could not be read, written or locked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// A file operation failed (read, write, rename, lock). The OS error is the source, so
    /// `{:#}` prints it after the message.
    #[error("cannot {action} {}", path.display())]
    Io {
        /// What was being done, as a verb phrase: `read`, `write`, `create the directory`.
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },

    /// The file is not JSON, or not JSON of the state index's shape.
    #[error(
        "{}:{line}:{column}: the state index is damaged: {message}; restore the previous copy \
         from {}.backup (or fix the file by hand)",
        path.display(),
        path.display()
    )]
    Corrupt {
        /// The state file.
        path: PathBuf,
        /// 1-based line serde reported (0 when it could not tell).
        line: usize,
        /// 1-based column serde reported (0 when it could not tell).
        column: usize,
        /// serde's description, without its position suffix.
        message: String,
    },

    /// The file uses a newer state format than this build understands.
    #[error(
        "{} has state format {version}, written by aksform {writer}; this aksform ({}) reads \
         format {FORMAT_VERSION} at most: upgrade aksform to {writer} or later",
        path.display(),
        env!("CARGO_PKG_VERSION")
    )]
    TooNew {
        /// The state file.
        path: PathBuf,
        /// Its `format_version`.
        version: u64,
        /// Its `aksform_version`, or `an unknown version`.
        writer: String,
    },

    /// One resource entry is unusable (an address that does not parse, an id that is not an ARM
    /// id, a type that does not match the address).
    #[error(
        "{}: resource {address}: {message}; fix or remove the entry, or restore the previous \
         copy from {}.backup",
        path.display(),
        path.display()
    )]
    BadEntry {
        /// The state file.
        path: PathBuf,
        /// The entry's key, e.g. `module.aks.azurerm_kubernetes_cluster.main`.
        address: String,
        /// What is wrong with it.
        message: String,
    },

    /// A file given as a saved plan is not one this build can read.
    #[error(
        "{}: {problem}; make the plan again with `aksform plan -out {}`",
        path.display(),
        path.display()
    )]
    BadPlan {
        /// The plan file.
        path: PathBuf,
        /// What is wrong with it.
        problem: crate::plan::saved::SavedPlanError,
    },

    /// Another process holds the state lock and did not release it in time.
    #[error(
        "the state is locked by {holder}; wait for it to finish, or pass -lock-timeout=5m to \
         wait longer (read-only commands may pass -lock=false to skip the lock; lock file {})",
        path.display()
    )]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// Who holds it, e.g. `aksform apply (pid 4242 on build-7, since 2026-11-28T03:01:02Z)`,
        /// or `another process` when the lock file does not say.
        holder: String,
    },
}

impl StateError {
    /// An [`StateError::Io`] for `action` on `path`.
    pub(crate) fn io(action: &'static str, path: &Path, source: io::Error) -> Self {
        StateError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    /// A [`StateError::Corrupt`] from a serde_json error, keeping its line and column apart from
    /// its message.
    pub(crate) fn corrupt(path: &Path, err: &serde_json::Error) -> Self {
        let (line, column, message) = crate::diag::json_error_parts(err);
        StateError::Corrupt {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    }

    /// The file the error is about: the state file, or the lock file for
    /// [`StateError::Locked`].
    pub fn path(&self) -> &Path {
        match self {
            StateError::Io { path, .. }
            | StateError::Corrupt { path, .. }
            | StateError::TooNew { path, .. }
            | StateError::BadEntry { path, .. }
            | StateError::BadPlan { path, .. }
            | StateError::Locked { path, .. } => path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_keeps_position_out_of_the_message() {
        let err = serde_json::from_str::<serde_json::Value>("{\n  \"a\": ,\n}").unwrap_err();
        let e = StateError::corrupt(Path::new(".aksform/state.json"), &err);
        let StateError::Corrupt {
            line,
            column,
            message,
            ..
        } = &e
        else {
            panic!("not Corrupt: {e:?}");
        };
        assert_eq!((*line, *column), (2, 8));
        assert_eq!(message, "expected value");
        assert_eq!(
            e.to_string(),
            ".aksform/state.json:2:8: the state index is damaged: expected value; restore the \
             previous copy from .aksform/state.json.backup (or fix the file by hand)"
        );
    }

    #[test]
    fn io_prints_the_source_only_in_the_chain() {
        let e = StateError::io(
            "write",
            Path::new("/x/state.json"),
            io::Error::new(io::ErrorKind::PermissionDenied, "denied"),
        );
        assert_eq!(e.to_string(), "cannot write /x/state.json");
        assert_eq!(
            std::error::Error::source(&e).map(ToString::to_string),
            Some("denied".to_string())
        );
        assert_eq!(e.path(), Path::new("/x/state.json"));
    }

    #[test]
    fn too_new_names_the_writer_and_the_remedy() {
        let e = StateError::TooNew {
            path: PathBuf::from("s.json"),
            version: 2,
            writer: "0.4.0".into(),
        };
        let text = e.to_string();
        assert!(text.starts_with("s.json has state format 2, written by aksform 0.4.0;"));
        assert!(
            text.ends_with("upgrade aksform to 0.4.0 or later"),
            "{text}"
        );
    }

    #[test]
    fn locked_names_the_holder_and_both_flags() {
        let e = StateError::Locked {
            path: PathBuf::from(".aksform/lock"),
            holder: "aksform apply (pid 4242 on build-7, since 2026-11-28T03:01:02Z)".into(),
        };
        let text = e.to_string();
        assert!(text.starts_with(
            "the state is locked by aksform apply (pid 4242 on build-7, since \
             2026-11-28T03:01:02Z); wait for it to finish, or pass -lock-timeout=5m"
        ));
        assert!(text.contains("read-only commands may pass -lock=false"));
        assert!(text.contains(".aksform/lock"));
    }
}
