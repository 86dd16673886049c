//! A configuration planned and applied by the real binary against a standalone emulator
//! (targeted with `ARM_ENDPOINT`, as a user would), and a client of that emulator.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use aksform::arm::auth::StaticToken;
use aksform::arm::{ArmClient, ClientOptions};
use aksform::model::ApiVersions;
use serde_json::Value;

use super::emulator::EmulatorProcess;
use super::{Output, aksform_env};

/// `$AKSFORM_CONFORMANCE_TRAFFIC_DIR/NAME`, when CI collects traffic.
pub fn traffic_dir(name: &str) -> Option<String> {
    let root = std::env::var_os("AKSFORM_CONFORMANCE_TRAFFIC_DIR")?;
    Some(Path::new(&root).join(name).to_string_lossy().into_owned())
}

/// The subscription of every stack test.
pub const SUB: &str = "00000000-0000-4000-8000-0000000000c1";

/// Who the stack tests run as: the claims `azurerm_client_config` reads.
pub const TENANT: &str = "00000000-0000-4000-8000-0000000000d1";
pub const OBJECT_ID: &str = "00000000-0000-4000-8000-0000000000d2";
pub const CLIENT_ID: &str = "00000000-0000-4000-8000-0000000000d3";

/// An unsigned access token carrying those claims (the emulator accepts any bearer token).
static TOKEN: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    aksform::arm::claims::unsigned(&serde_json::json!({
        "tid": TENANT, "oid": OBJECT_ID, "appid": CLIENT_ID
    }))
});

/// A runtime for the ARM client's calls in a test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// An emulator, a state directory and the configuration directory planned.
pub struct Stack {
    pub emu: EmulatorProcess,
    pub dir: PathBuf,
    pub tmp: tempfile::TempDir,
}

impl Stack {
    /// A fresh emulator (fast operations unless `extra` gives `--speed`, a request log) for the
    /// configuration in `dir`.
    pub fn new(dir: &Path, extra: &[&str]) -> Stack {
        let tmp = tempfile::tempdir().unwrap();
        let log = tmp.path().join("requests.jsonl");
        let mut args = vec!["--request-log", log.to_str().unwrap()];
        if !extra.contains(&"--speed") {
            args.extend(["--speed", "100"]);
        }
        args.extend_from_slice(extra);
        let emu = EmulatorProcess::start(&args);
        Stack {
            emu,
            dir: dir.to_path_buf(),
            tmp,
        }
    }

    /// The state index the runs use.
    pub fn state(&self) -> PathBuf {
        self.tmp.path().join("state.json")
    }

    /// The emulator's request log, one JSON object per request (complete lines only).
    pub fn requests(&self) -> Vec<Value> {
        let text =
            std::fs::read_to_string(self.tmp.path().join("requests.jsonl")).unwrap_or_default();
        // A line being written while the log is read is left for the next read.
        text.lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Runs `aksform plan -state=… ARGS` against the emulator.
    #[track_caller]
    pub fn plan(&self, args: &[&str]) -> Output {
        self.plan_recorded(None, args)
    }

    /// As [`Stack::plan`]; with a `label`, and when CI collects traffic for Microsoft's validator
    /// (`AKSFORM_CONFORMANCE_TRAFFIC_DIR`), the client records its exchanges in `plan-LABEL/`.
    #[track_caller]
    pub fn plan_recorded(&self, label: Option<&str>, args: &[&str]) -> Output {
        self.run("plan", label, args)
    }

    /// Runs `aksform COMMAND -state=… ARGS DIR` against the emulator, recording traffic as
    /// [`Stack::plan_recorded`] does (in `COMMAND-LABEL/`).
    #[track_caller]
    pub fn run(&self, command: &str, label: Option<&str>, args: &[&str]) -> Output {
        let state = format!("-state={}", self.state().display());
        let mut all = vec![command, &state];
        all.extend_from_slice(args);
        all.push(self.dir.to_str().unwrap());
        let traffic = label.and_then(|l| traffic_dir(&format!("{command}-{l}")));
        let env = self.env(traffic.as_deref());
        aksform_env(self.tmp.path(), &all, &env)
    }

    /// The environment that points aksform at the emulator (and, with `traffic`, records).
    pub fn env<'a>(&'a self, traffic: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
        let mut env = vec![
            ("ARM_ENDPOINT", self.emu.url.as_str()),
            ("ARM_ACCESS_TOKEN", TOKEN.as_str()),
            ("ARM_SUBSCRIPTION_ID", SUB),
        ];
        if let Some(dir) = traffic {
            env.push(("AKSFORM_TRAFFIC_DIR", dir));
        }
        env
    }

    /// A client of the emulator.
    pub fn client(&self) -> ArmClient {
        let options = ClientOptions {
            poll_interval: Duration::from_millis(20),
            ..ClientOptions::default()
        };
        ArmClient::new(
            format!("{}/", self.emu.url).parse().unwrap(),
            format!("{}/.default", self.emu.url),
            Arc::new(StaticToken::new(TOKEN.clone().into())),
            ApiVersions::default(),
            options,
        )
    }

    /// Applies the configuration with `args` (`-auto-approve`), asserting that it succeeds.
    #[track_caller]
    pub fn apply(&self, args: &[&str]) {
        let mut all = vec!["-auto-approve"];
        all.extend_from_slice(args);
        let out = self.run("apply", None, &all);
        assert_eq!(out.code, 0, "{}", out.combined());
    }
}
