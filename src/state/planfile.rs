//! Saved plan files on disk (`plan -out FILE`, `show FILE`): written atomically like the state
//! index (a temporary file, synced, renamed over the target), read with errors that name the file.

use std::fs;
use std::io;
use std::path::Path;

use super::error::StateError;
use super::store::{parent_dir, replace_file, sync_dir};
use crate::plan::saved::{self, SavedPlan};

/// Writes `plan` to `path`, replacing any file there in one step.
///
/// # Errors
///
/// [`StateError::Io`] naming the step and file that failed; `path` is then untouched.
pub fn save_plan(path: &Path, plan: &SavedPlan) -> Result<(), StateError> {
    let dir = parent_dir(path);
    fs::create_dir_all(dir).map_err(|e| StateError::io("create the directory", dir, e))?;
    replace_file(path, dir, &saved::encode(plan))?;
    sync_dir(dir)
}

/// Reads the saved plan at `path`.
///
/// # Errors
///
/// [`StateError::Io`] when it cannot be read (a missing file says so), [`StateError::BadPlan`]
/// when it is not a plan this build can read.
pub fn load_plan(path: &Path) -> Result<SavedPlan, StateError> {
    let bytes = fs::read(path).map_err(|e| {
        let action = if e.kind() == io::ErrorKind::NotFound {
            "find the plan file"
        } else {
            "read"
        };
        StateError::io(action, path, e)
    })?;
    saved::decode(&bytes).map_err(|problem| StateError::BadPlan {
        path: path.to_path_buf(),
        problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::saved::{SavedPlanError, StateStamp};
    use crate::plan::{Plan, Target};

    fn sample() -> SavedPlan {
        let plan = Plan {
            format: crate::plan::types::PLAN_FORMAT,
            aksform_version: "0.1.0".into(),
            target: Target::default(),
            config_hash: String::new(),
            resources: Vec::new(),
            outputs: Vec::new(),
            notes: Vec::new(),
        };
        let stamp = StateStamp {
            lineage: "l".into(),
            serial: 0,
            path: "s".into(),
        };
        SavedPlan::new(plan, stamp, "2026-11-28T03:00:00Z".into())
    }

    #[test]
    fn saves_and_loads_without_leaving_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/tf.plan");
        save_plan(&path, &sample()).unwrap();
        save_plan(&path, &sample()).unwrap();
        assert_eq!(load_plan(&path).unwrap(), sample());
        let names: Vec<_> = fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["tf.plan"]);
    }

    #[test]
    fn errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.plan");
        let err = load_plan(&missing).unwrap_err().to_string();
        assert!(
            err.contains("cannot find the plan file") && err.contains("nope.plan"),
            "{err}"
        );
        let state = dir.path().join("state.json");
        fs::write(&state, r#"{"format_version": 1}"#).unwrap();
        let err = load_plan(&state).unwrap_err();
        assert!(matches!(
            err,
            StateError::BadPlan {
                problem: SavedPlanError::NotAPlan,
                ..
            }
        ));
        assert!(err.to_string().contains("state.json"), "{err}");
    }
}
