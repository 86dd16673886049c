//! Progress as Terraform's machine-readable UI events (`terraform apply -json`): one object per
//! line on stdout with `@level`, `@message`, `@module`, `@timestamp`, `type` and a `hook`
//! describing the resource (`apply_start`, `apply_progress`, `apply_complete`, `apply_errored`).
//! Beyond Terraform's set: `apply_skipped` for a resource not started, a `stopping` event on the
//! first Ctrl-C, and extra hook keys (`step`, `provisioning_state`, `error_code`,
//! `error_message`, `reason`), which Terraform's consumers are told to ignore.

use std::io::{Stdout, Write};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};

use super::{
    Clock, Lines, PROGRESS_INTERVAL, STOPPING, SystemClock, elapsed_secs, finished_text,
    progress_text, started_text,
};
use crate::addr::{AbsResourceInstance, InstanceKey};
use crate::apply::observer::{Observer, Outcome, Verb};
use crate::state::rfc3339_utc;

/// Writes JSON UI events, progress every interval at most per resource (as Terraform's timer).
pub struct Json<W> {
    lines: Lines<W>,
}

impl Json<Stdout> {
    /// Events on stdout, progress every [`PROGRESS_INTERVAL`] at most.
    pub fn stdout() -> Self {
        Json::new(std::io::stdout(), Arc::new(SystemClock), PROGRESS_INTERVAL)
    }
}

impl<W: Write + Send> Json<W> {
    /// Events on `out`, timed by `clock`, progress every `every` at most per resource.
    pub fn new(out: W, clock: Arc<dyn Clock>, every: Duration) -> Self {
        Json {
            lines: Lines::new(out, clock, every),
        }
    }

    /// The writer back, with everything written to it.
    pub fn into_inner(self) -> W {
        self.lines.into_inner()
    }
}

/// One event line at the time `wall`; a null `hook` is left out.
fn event(wall: SystemTime, level: &str, message: String, kind: &str, hook: Value) -> String {
    let mut event = json!({
        "@level": level,
        "@message": message,
        "@module": "aksform.ui",
        "@timestamp": rfc3339_utc(wall),
        "type": kind,
    });
    if let (Value::Object(event), false) = (&mut event, hook.is_null()) {
        event.insert("hook".into(), hook);
    }
    event.to_string()
}

/// The `hook` object: the resource and action, plus `extra` keys.
fn hook(address: &str, verb: Verb, extra: Value) -> Value {
    let mut hook = Map::new();
    hook.insert("resource".into(), resource(address));
    hook.insert("action".into(), verb.action().into());
    if let Value::Object(extra) = extra {
        hook.extend(extra.into_iter().filter(|(_, v)| !v.is_null()));
    }
    Value::Object(hook)
}

/// Terraform's `ResourceAddr` for `address`. An address that does not parse keeps `addr` and
/// leaves the parts empty.
fn resource(address: &str) -> Value {
    let Ok(a) = address.parse::<AbsResourceInstance>() else {
        return json!({
            "addr": address, "module": "", "resource": address, "implied_provider": "",
            "resource_type": "", "resource_name": "", "resource_key": null,
        });
    };
    let type_name = &a.resource.type_name;
    let key = match &a.key {
        InstanceKey::None => Value::Null,
        InstanceKey::Int(i) => (*i).into(),
        InstanceKey::Str(s) => s.as_str().into(),
    };
    json!({
        "addr": address,
        "module": a.module.to_string(),
        "resource": format!("{}{}", a.resource, a.key),
        "implied_provider": type_name.split('_').next().unwrap_or(type_name),
        "resource_type": type_name,
        "resource_name": a.resource.name,
        "resource_key": key,
    })
}

impl<W: Write + Send> Observer for Json<W> {
    fn started(&self, address: &str, verb: Verb, step: Option<&str>) {
        self.lines.started(address, verb, |wall| {
            let message = started_text(address, verb, step);
            let hook = hook(address, verb, json!({ "step": step }));
            event(wall, "info", message, "apply_start", hook)
        });
    }

    fn progress(&self, address: &str, verb: Verb, state: &str, elapsed: Duration) {
        self.lines.progress(address, verb, |wall| {
            let message = progress_text(address, verb, state, elapsed);
            let extra =
                json!({ "elapsed_seconds": elapsed_secs(elapsed), "provisioning_state": state });
            let hook = hook(address, verb, extra);
            event(wall, "info", message, "apply_progress", hook)
        });
    }

    fn finished(&self, address: &str, verb: Verb, elapsed: Duration, outcome: &Outcome) {
        self.lines.finished(address, verb, |wall| {
            let message = finished_text(address, verb, elapsed, outcome);
            let secs = elapsed_secs(elapsed);
            let (level, kind, extra) = match outcome {
                Outcome::Done { id } => {
                    let id_key = id.as_ref().map(|_| "id");
                    let extra =
                        json!({ "id_key": id_key, "id_value": id, "elapsed_seconds": secs });
                    ("info", "apply_complete", extra)
                }
                Outcome::Failed { code, message } => {
                    let extra = json!({ "elapsed_seconds": secs, "error_code": code, "error_message": message });
                    ("error", "apply_errored", extra)
                }
                Outcome::Skipped { because } => {
                    ("warn", "apply_skipped", json!({ "reason": because }))
                }
            };
            let hook = hook(address, verb, extra);
            event(wall, level, message, kind, hook)
        });
    }

    fn stopping(&self) {
        self.lines
            .line(|wall| event(wall, "warn", STOPPING.into(), "stopping", Value::Null));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::progress::testing::FakeClock;

    const AKS: &str = "azurerm_kubernetes_cluster.main";

    fn events(j: Json<Vec<u8>>) -> Vec<Value> {
        let out = String::from_utf8_lossy(&j.into_inner()).into_owned();
        out.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    #[test]
    fn resource_address_parts() {
        let r = resource(r#"module.a["x.y"].azurerm_b.c[0]"#);
        assert_eq!(
            r,
            json!({
                "addr": r#"module.a["x.y"].azurerm_b.c[0]"#,
                "module": r#"module.a["x.y"]"#,
                "resource": "azurerm_b.c[0]",
                "implied_provider": "azurerm",
                "resource_type": "azurerm_b",
                "resource_name": "c",
                "resource_key": 0,
            })
        );
        let d = resource(r#"data.azurerm_client_config.current["k"]"#);
        assert_eq!(d["module"], "");
        assert_eq!(d["resource"], r#"data.azurerm_client_config.current["k"]"#);
        assert_eq!(d["resource_type"], "azurerm_client_config");
        assert_eq!(d["resource_key"], "k");
        let odd = resource("not an address");
        assert_eq!(odd["addr"], "not an address");
        assert_eq!(odd["resource_type"], "");
    }

    #[test]
    fn apply_events() {
        let clock = FakeClock::new();
        let j = Json::new(Vec::new(), clock.clone(), PROGRESS_INTERVAL);
        j.begin(3);
        j.started(AKS, Verb::Create, None);
        clock.advance(4);
        j.progress(AKS, Verb::Create, "Creating", Duration::from_secs(4)); // throttled
        clock.advance(6);
        j.progress(AKS, Verb::Create, "Creating", Duration::from_secs(10));
        clock.advance(2);
        let done = Outcome::Done {
            id: Some("/subscriptions/0/x".into()),
        };
        j.finished(AKS, Verb::Create, Duration::from_millis(12_400), &done);
        let failed = Outcome::Failed {
            code: Some("Conflict".into()),
            message: "busy".into(),
        };
        j.finished(
            "azurerm_subnet.a",
            Verb::Delete,
            Duration::from_secs(3),
            &failed,
        );
        j.stopping();
        let skipped = Outcome::Skipped {
            because: "azurerm_subnet.a failed".into(),
        };
        j.finished("azurerm_subnet.b", Verb::Update, Duration::ZERO, &skipped);
        j.end();

        let ev = events(j);
        let kinds: Vec<&str> = ev.iter().filter_map(|e| e["type"].as_str()).collect();
        assert_eq!(
            kinds,
            [
                "apply_start",
                "apply_progress",
                "apply_complete",
                "apply_errored",
                "stopping",
                "apply_skipped"
            ]
        );
        for e in &ev {
            assert_eq!(e["@module"], "aksform.ui");
            let keys: Vec<&str> = e
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k.as_str())
                .collect();
            assert_eq!(
                keys[..5],
                ["@level", "@message", "@module", "@timestamp", "type"]
            );
        }
        assert_eq!(ev[0]["@timestamp"], "2026-11-28T06:40:00Z");
        assert_eq!(ev[0]["@message"], format!("{AKS}: Creating..."));
        assert_eq!(
            ev[0]["hook"],
            json!({"resource": resource(AKS), "action": "create"})
        );
        assert_eq!(ev[1]["@timestamp"], "2026-11-28T06:40:10Z");
        assert_eq!(ev[1]["hook"]["elapsed_seconds"], 10);
        assert_eq!(ev[1]["hook"]["provisioning_state"], "Creating");
        assert_eq!(ev[2]["@level"], "info");
        assert_eq!(
            ev[2]["@message"],
            format!("{AKS}: Creation complete after 12s [id=/subscriptions/0/x]")
        );
        assert_eq!(ev[2]["hook"]["id_key"], "id");
        assert_eq!(ev[2]["hook"]["id_value"], "/subscriptions/0/x");
        assert_eq!(ev[2]["hook"]["elapsed_seconds"], 12);
        assert_eq!(ev[3]["@level"], "error");
        assert_eq!(
            ev[3]["hook"],
            json!({
                "resource": resource("azurerm_subnet.a"), "action": "delete",
                "elapsed_seconds": 3, "error_code": "Conflict", "error_message": "busy",
            })
        );
        assert_eq!(ev[4]["@level"], "warn");
        assert_eq!(ev[4]["@message"], STOPPING);
        assert!(ev[4].get("hook").is_none());
        assert_eq!(ev[5]["@level"], "warn");
        assert_eq!(ev[5]["hook"]["reason"], "azurerm_subnet.a failed");
        assert_eq!(ev[5]["hook"]["action"], "update");
    }

    #[test]
    fn step_and_missing_id_and_code() {
        let j = Json::new(Vec::new(), FakeClock::new(), PROGRESS_INTERVAL);
        j.started(AKS, Verb::Update, Some("node pool user to 1.33"));
        j.finished(
            AKS,
            Verb::Update,
            Duration::from_secs(1),
            &Outcome::Done { id: None },
        );
        let failed = Outcome::Failed {
            code: None,
            message: "timeout".into(),
        };
        j.finished(AKS, Verb::Update, Duration::from_secs(1), &failed);
        let ev = events(j);
        assert_eq!(ev[0]["hook"]["step"], "node pool user to 1.33");
        let complete = ev[1]["hook"].as_object().cloned().unwrap_or_default();
        assert!(!complete.contains_key("id_key") && !complete.contains_key("id_value"));
        let errored = ev[2]["hook"].as_object().cloned().unwrap_or_default();
        assert!(!errored.contains_key("error_code"));
        assert_eq!(errored["error_message"], "timeout");
    }
}
