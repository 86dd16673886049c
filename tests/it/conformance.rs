//! Conformance: Microsoft's Python management SDKs (pinned in `tests/conformance/requirements.txt`)
//! run a whole scenario against the real `aksform emulator` binary. The SDKs are generated from
//! the official REST specs, so this is the proof that the emulator speaks ARM rather than a
//! dialect of our own.
//!
//! The virtualenv lives in `target/conformance-venv` and is rebuilt only when the requirements
//! (or the Python version) change. Python 3 with `venv` and access to PyPI are required: without
//! them the test fails and says what to install.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::common::emulator::EmulatorProcess;
use crate::common::repo;

/// How long installing the SDKs may take (a first install downloads about 30 MB).
const INSTALL_TIMEOUT: Duration = Duration::from_secs(900);
/// How long the scenario may take.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(300);

/// What a finished command printed.
struct Ran {
    success: bool,
    code: Option<i32>,
    output: String,
}

/// Runs `cmd` with stdout and stderr in files under `dir`; kills it after `timeout`.
#[track_caller]
fn run(mut cmd: Command, dir: &Path, name: &str, timeout: Duration) -> Ran {
    let out_path = dir.join(format!("{name}.out"));
    let out = File::create(&out_path).expect("an output file");
    let err = out.try_clone().expect("an output file");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for a child") {
            break Some(status);
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = std::fs::read_to_string(&out_path).unwrap_or_default();
    match status {
        Some(s) => Ran {
            success: s.success(),
            code: s.code(),
            output,
        },
        None => panic!(
            "{name} did not finish within {} s: {cmd:?}\n--- output\n{output}",
            timeout.as_secs()
        ),
    }
}

/// `python3 --version`, or a failure that says how to install Python.
fn python_version() -> String {
    match Command::new("python3").arg("--version").output() {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
            let minor: Option<u32> = text
                .strip_prefix("Python 3.")
                .and_then(|rest| rest.split('.').next())
                .and_then(|m| m.parse().ok());
            assert!(
                minor.is_some_and(|m| m >= 9),
                "the conformance test needs Python 3.9 or newer, found {text:?}: install a newer python3 (Debian/Ubuntu: `apt-get install python3 python3-venv`)"
            );
            text
        }
        _ => panic!(
            "the conformance test needs python3 (3.9 or newer, with venv) on PATH to run Microsoft's Azure SDKs against the emulator. \
             Install it, e.g. `apt-get install python3 python3-venv` on Debian/Ubuntu, `brew install python` on macOS, then run `cargo test --locked` again."
        ),
    }
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// The virtualenv with the pinned SDKs, created or refreshed when the requirements changed.
fn sdk_venv(scratch: &Path) -> PathBuf {
    let requirements = repo().join("tests/conformance/requirements.txt");
    let version = python_version();
    let digest =
        Sha256::digest(std::fs::read(&requirements).expect("tests/conformance/requirements.txt"));
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let wanted = format!("{hex} {version}\n");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .to_path_buf();
    let venv = target.join("conformance-venv");
    let stamp = venv.join("requirements.sha256");
    let python = venv_python(&venv);
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return venv;
    }
    if venv.exists() {
        std::fs::remove_dir_all(&venv).expect("removing the old virtualenv");
    }
    let mut create = Command::new("python3");
    create.arg("-m").arg("venv").arg(&venv);
    let made = run(create, scratch, "venv", Duration::from_secs(300));
    assert!(
        made.success,
        "`python3 -m venv {}` failed; on Debian/Ubuntu install the venv module with `apt-get install python3-venv`.\n{}",
        venv.display(),
        made.output
    );
    let mut install = Command::new(&python);
    install
        .args([
            "-m",
            "pip",
            "install",
            "--no-input",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements)
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1");
    let installed = run(install, scratch, "pip", INSTALL_TIMEOUT);
    assert!(
        installed.success,
        "installing the Azure SDKs from {} failed (PyPI must be reachable):\n{}",
        requirements.display(),
        installed.output
    );
    std::fs::write(&stamp, wanted).expect("writing the virtualenv stamp");
    venv
}

#[test]
fn microsofts_python_sdks_run_a_whole_scenario_against_the_emulator() {
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let venv = sdk_venv(scratch.path());
    let traffic = scratch.path().join("traffic");
    let emulator = EmulatorProcess::start(&[
        "--speed",
        "20",
        "--traffic-dir",
        traffic.to_str().expect("a UTF-8 temporary path"),
    ]);
    let mut script = Command::new(venv_python(&venv));
    script
        .arg(repo().join("tests/conformance/conformance.py"))
        .arg(&emulator.url)
        .arg("00000000-0000-0000-0000-0000000c0f01")
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let ran = run(script, scratch.path(), "conformance", SCENARIO_TIMEOUT);
    drop(emulator);
    if !ran.success {
        // Keep the exchanges for a look (or for ../shared/tools/oav/check.sh).
        let kept = scratch.keep();
        panic!(
            "the conformance scenario failed (exit {:?}); the emulator's traffic is kept in {}\n--- conformance.py output\n{}",
            ran.code,
            kept.join("traffic").display(),
            ran.output
        );
    }
    assert!(
        ran.output.contains("conformance: all steps passed"),
        "{}",
        ran.output
    );
    let exchanges = std::fs::read_dir(&traffic).map_or(0, Iterator::count);
    assert!(
        exchanges > 20,
        "the emulator wrote only {exchanges} traffic files to {}",
        traffic.display()
    );
    // CI validates these exchanges with Microsoft's oav (../shared/tools/oav/check.sh).
    if let Some(keep) = std::env::var_os("AKSFORM_CONFORMANCE_TRAFFIC_DIR") {
        let keep = PathBuf::from(keep);
        std::fs::create_dir_all(&keep).expect("the traffic directory");
        for entry in std::fs::read_dir(&traffic).expect("traffic files") {
            let entry = entry.expect("a traffic file");
            std::fs::copy(entry.path(), keep.join(entry.file_name())).expect("a copy");
        }
    }
}
