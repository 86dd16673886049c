//! Shared helpers: run the real `aksform` binary and capture its output, scrubbed for snapshots;
//! an HTTP client and an emulator process for the emulator tests.

pub mod emulator;
pub mod http;
pub mod stack;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What one run of the binary printed and how it ended.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// stdout and stderr together, for snapshots.
    pub fn combined(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `aksform ARGS` in `dir` with a clean, colourless environment.
#[track_caller]
pub fn aksform_in(dir: &Path, args: &[&str]) -> Output {
    aksform_env(dir, args, &[])
}

/// Runs `aksform ARGS` in the repository root.
#[track_caller]
pub fn aksform(args: &[&str]) -> Output {
    aksform_in(&repo(), args)
}

/// Runs `aksform ARGS` in `dir` with extra environment variables.
#[track_caller]
pub fn aksform_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aksform"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    for (k, _) in std::env::vars() {
        if k.starts_with("TF_VAR_") || k.starts_with("ARM_") || k.starts_with("AZURE_") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the aksform binary runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Snapshots CLI output with temporary paths scrubbed.
#[macro_export]
macro_rules! cli_snapshot {
    ($name:expr, $value:expr) => {{
        let mut settings = insta::Settings::clone_current();
        settings.add_filter(r"/tmp/[^\s/]+", "[TMP]");
        settings.add_filter(r"aksform \d+\.\d+\.\d+", "aksform [VERSION]");
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!($name, $value));
    }};
}
