//! A configuration planned by the real binary against a standalone emulator (targeted with
//! `ARM_ENDPOINT`, as a user would), with a helper that creates what a plan would create through
//! the ARM client and records it in the state index, as apply will.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use aksform::arm::auth::StaticToken;
use aksform::arm::{ArmClient, ClientOptions, Condition, NoProgress};
use aksform::model::{ApiVersions, ResourceId};
use aksform::state::{self, StateIndex};
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

    /// Plans with `args`, then sends every create of the saved plan through the ARM client in
    /// plan order and records each in the state index: what apply does, without apply.
    #[track_caller]
    pub fn create_all(&self, args: &[&str]) {
        let file = self.tmp.path().join("create.plan");
        let out_arg = format!("-out={}", file.display());
        let mut all = vec![out_arg.as_str()];
        all.extend_from_slice(args);
        let out = self.plan(&all);
        assert_eq!(out.code, 0, "{}", out.combined());
        let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let client = self.client();
        let rt = runtime();
        let mut index = StateIndex::new();
        for rc in saved["plan"]["resources"].as_array().unwrap() {
            if rc["action"] != "create" || rc["mode"] != "managed" {
                continue;
            }
            let address = rc["address"].as_str().unwrap();
            let type_name = rc["type_name"].as_str().unwrap();
            let id: ResourceId = rc["id"].as_str().unwrap().parse().unwrap();
            let mut body = rc["body_after"].clone();
            if type_name == "azurerm_subnet_network_security_group_association" {
                // The association is a pointer on the subnet: set it on the live subnet.
                let live = rt
                    .block_on(client.get(&id))
                    .unwrap()
                    .expect("the subnet exists");
                let mut subnet = live.body;
                subnet["properties"]["networkSecurityGroup"] =
                    body["properties"]["networkSecurityGroup"].take();
                body = subnet;
            }
            let live = rt
                .block_on(client.put(&id, &body, &Condition::None, &NoProgress))
                .unwrap_or_else(|e| panic!("PUT {address}: {e}"));
            index.record_applied(address, id.as_str(), type_name, live.etag.as_deref());
            for child in rc["children"].as_array().into_iter().flatten() {
                assert_eq!(child["action"], "create", "{address}: {child}");
                let child_id: ResourceId = child["id"].as_str().unwrap().parse().unwrap();
                rt.block_on(client.put(
                    &child_id,
                    &child["body_after"],
                    &Condition::None,
                    &NoProgress,
                ))
                .unwrap_or_else(|e| panic!("PUT {child_id}: {e}"));
            }
        }
        index.subscription_id = Some(SUB.to_string());
        state::save(&self.state(), &mut index).unwrap();
    }
}
