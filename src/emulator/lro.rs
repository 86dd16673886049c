//! Long-running operations as ARM runs them: a write answers at once with a non-terminal
//! `provisioningState` and `Azure-AsyncOperation` / `Location` URLs; the resource keeps that state
//! until the operation's time is up; then the status resource says Succeeded (or Failed, with an
//! error) and the resource reaches its final state. Deadlines are wall-clock times, so a restarted
//! emulator finishes what was in flight.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::store::{Store, key, new_etag};

/// The state of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OpStatus {
    /// Still running.
    InProgress,
    /// Done.
    Succeeded,
    /// Ended with an error.
    Failed,
    /// Stopped before it finished.
    Canceled,
}

impl OpStatus {
    fn as_str(self) -> &'static str {
        match self {
            OpStatus::InProgress => "InProgress",
            OpStatus::Succeeded => "Succeeded",
            OpStatus::Failed => "Failed",
            OpStatus::Canceled => "Canceled",
        }
    }
}

/// What finishing an operation does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Effect {
    /// Merge `patch` into the resource and set `properties.provisioningState` to Succeeded (or
    /// Failed, without the patch, when the operation fails).
    Finish {
        /// The resource.
        id: String,
        /// JSON merge patch applied on success.
        patch: Value,
    },
    /// Remove the resource and everything below it (on failure, it is marked Failed instead).
    Remove {
        /// The resource.
        id: String,
    },
}

/// One long-running operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// Its id (the last segment of the status URLs).
    pub id: String,
    /// The resource it works on, as written.
    pub resource_id: String,
    /// The provider namespace of the status URL.
    pub namespace: String,
    /// The region in the status URL.
    pub location: String,
    /// The api-version of the request that started it.
    pub api_version: String,
    /// The HTTP method that started it.
    pub method: String,
    /// The state shown while it runs (Creating, Updating, Upgrading, Scaling, Deleting).
    pub running_state: String,
    /// Its status.
    pub status: OpStatus,
    /// Start, as milliseconds since the Unix epoch.
    pub start_ms: u64,
    /// When it is due to end.
    pub due_ms: u64,
    /// When it ended.
    pub end_ms: Option<u64>,
    /// Decided at start: this operation will end Failed.
    pub fail: bool,
    /// The error of a failed or canceled operation.
    pub error: Option<Value>,
    /// What finishing does.
    pub effects: Vec<Effect>,
}

impl Operation {
    /// Whether it is still running.
    pub fn is_running(&self) -> bool {
        self.status == OpStatus::InProgress
    }

    /// Path of the `Azure-AsyncOperation` status resource.
    pub fn status_path(&self) -> String {
        let sub = self
            .resource_id
            .split('/')
            .nth(2)
            .unwrap_or("00000000-0000-0000-0000-000000000000");
        format!(
            "/subscriptions/{sub}/providers/{}/locations/{}/operations/{}",
            self.namespace, self.location, self.id
        )
    }

    /// Path of the `Location` result resource.
    pub fn result_path(&self) -> String {
        let sub = self.resource_id.split('/').nth(2).unwrap_or("");
        if self.namespace.eq_ignore_ascii_case("Microsoft.Resources") {
            format!("/subscriptions/{sub}/operationresults/{}", self.id)
        } else {
            format!(
                "/subscriptions/{sub}/providers/{}/locations/{}/operationresults/{}",
                self.namespace, self.location, self.id
            )
        }
    }

    /// The `Azure-AsyncOperation`, `Location` and `Retry-After` headers, with absolute URLs.
    pub fn headers(&self, base: &str, now: u64) -> Vec<(&'static str, String)> {
        let v = &self.api_version;
        vec![
            (
                "Azure-AsyncOperation",
                format!("{base}{}?api-version={v}", self.status_path()),
            ),
            (
                "Location",
                format!("{base}{}?api-version={v}", self.result_path()),
            ),
            (
                "Retry-After",
                retry_after(self.due_ms.saturating_sub(now)).to_string(),
            ),
        ]
    }

    /// The status resource body.
    pub fn status_body(&self, now: u64) -> Value {
        let mut body = json!({
            "id": self.status_path(),
            "name": self.id,
            "status": self.status.as_str(),
            "startTime": rfc3339(self.start_ms),
        });
        if let Some(end) = self.end_ms {
            body["endTime"] = json!(rfc3339(end));
            body["percentComplete"] = json!(100.0);
        } else {
            let total = self.due_ms.saturating_sub(self.start_ms).max(1);
            let done = now.saturating_sub(self.start_ms).min(total);
            #[allow(clippy::cast_precision_loss)]
            let pct = (done as f64 * 100.0 / total as f64).floor().min(99.0);
            body["percentComplete"] = json!(pct);
        }
        if let Some(e) = &self.error {
            body["error"] = e.clone();
        }
        body
    }
}

/// Whole seconds to wait, rounded up (0 when due).
pub fn retry_after(remaining_ms: u64) -> u64 {
    remaining_ms.div_ceil(1000)
}

/// Starts an operation on `resource_id`: the resource (and the `also` ids) show `running_state`
/// until `due_ms`.
#[allow(clippy::too_many_arguments)]
pub fn start(
    store: &mut Store,
    resource_id: &str,
    namespace: &str,
    location: &str,
    api_version: &str,
    method: &str,
    running_state: &str,
    now: u64,
    duration_ms: u64,
    fail: bool,
    effects: Vec<Effect>,
) -> Operation {
    let op = Operation {
        id: uuid::Uuid::new_v4().to_string(),
        resource_id: resource_id.to_string(),
        namespace: namespace.to_string(),
        location: location.to_ascii_lowercase().replace(' ', ""),
        api_version: api_version.to_string(),
        method: method.to_string(),
        running_state: running_state.to_string(),
        status: OpStatus::InProgress,
        start_ms: now,
        due_ms: now + duration_ms,
        end_ms: None,
        fail,
        error: None,
        effects,
    };
    for effect in &op.effects {
        let id = match effect {
            Effect::Finish { id, .. } | Effect::Remove { id } => id,
        };
        set_state(store, id, running_state);
    }
    store.operations.insert(op.id.clone(), op.clone());
    store.dirty = true;
    op
}

fn set_state(store: &mut Store, id: &str, state: &str) {
    if let Some(doc) = store.get_mut(id)
        && let Some(props) = doc
            .body
            .get_mut("properties")
            .and_then(Value::as_object_mut)
    {
        props.insert("provisioningState".into(), json!(state));
    }
}

/// Finishes every operation whose time is up. Returns how many finished.
pub fn tick(store: &mut Store, now: u64) -> usize {
    let due: Vec<String> = store
        .operations
        .values()
        .filter(|op| op.is_running() && op.due_ms <= now)
        .map(|op| op.id.clone())
        .collect();
    for id in &due {
        finish(store, id, now);
    }
    // Keep the last 2,000 finished operations; status URLs older than that answer 404.
    let finished = store
        .operations
        .values()
        .filter(|o| !o.is_running())
        .count();
    if finished > 2_000 {
        let mut old: Vec<(u64, String)> = store
            .operations
            .values()
            .filter(|o| !o.is_running())
            .map(|o| (o.end_ms.unwrap_or(0), o.id.clone()))
            .collect();
        old.sort();
        for (_, id) in old.into_iter().take(finished - 2_000) {
            store.operations.remove(&id);
        }
    }
    due.len()
}

fn finish(store: &mut Store, op_id: &str, now: u64) {
    let Some(op) = store.operations.get(op_id).cloned() else {
        return;
    };
    let failed = op.fail;
    for effect in &op.effects {
        match effect {
            Effect::Finish { id, patch } => {
                if let Some(doc) = store.get_mut(id) {
                    if !failed {
                        merge(&mut doc.body, patch);
                    }
                    if let Some(props) = doc
                        .body
                        .get_mut("properties")
                        .and_then(Value::as_object_mut)
                    {
                        props.insert(
                            "provisioningState".into(),
                            json!(if failed { "Failed" } else { "Succeeded" }),
                        );
                    }
                }
            }
            Effect::Remove { id } => {
                if failed {
                    set_state(store, id, "Failed");
                } else {
                    store.remove(id);
                }
            }
        }
    }
    if let Some(stored) = store.operations.get_mut(op_id) {
        stored.end_ms = Some(now.max(stored.due_ms.min(now)));
        if failed {
            stored.status = OpStatus::Failed;
            stored.error = Some(json!({
                "code": "InternalOperationError",
                "message": format!(
                    "The operation '{}' on '{}' failed (injected by the emulator's fault settings).",
                    stored.running_state, stored.resource_id
                ),
            }));
        } else {
            stored.status = OpStatus::Succeeded;
        }
    }
    store.dirty = true;
}

/// Cancels the running operation on `resource_id` (and children), leaving the resources as they
/// were at the start, marked Canceled.
pub fn cancel(store: &mut Store, resource_id: &str, now: u64) -> bool {
    let k = key(resource_id);
    let ids: Vec<String> = store
        .operations
        .values()
        .filter(|o| {
            o.is_running()
                && (key(&o.resource_id) == k || key(&o.resource_id).starts_with(&format!("{k}/")))
        })
        .map(|o| o.id.clone())
        .collect();
    for id in &ids {
        if let Some(op) = store.operations.get_mut(id) {
            op.status = OpStatus::Canceled;
            op.end_ms = Some(now);
            op.error = Some(json!({
                "code": "OperationCanceled",
                "message": "The operation was canceled by a newer request.",
            }));
            let effects = op.effects.clone();
            for effect in effects {
                let id = match effect {
                    Effect::Finish { id, .. } | Effect::Remove { id } => id,
                };
                set_state(store, &id, "Canceled");
            }
        }
    }
    store.dirty = true;
    !ids.is_empty()
}

/// A JSON merge patch (RFC 7396): objects merge, `null` removes, anything else replaces.
pub fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// A fresh ETag on the resource, in the field the type uses.
pub fn touch_etag(body: &mut Value) {
    if let Some(o) = body.as_object_mut() {
        let field = if o.contains_key("etag") {
            "etag"
        } else {
            "eTag"
        };
        o.insert(field.into(), json!(new_etag()));
    }
}

/// Milliseconds since the Unix epoch as an RFC 3339 UTC timestamp.
pub fn rfc3339(ms: u64) -> String {
    let secs = ms / 1000;
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        ms % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_795_000_000_123), "2026-11-18T11:06:40.123Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn merge_patch() {
        let mut v = json!({"a": 1, "b": {"c": 2, "d": 3}});
        merge(&mut v, &json!({"b": {"c": null, "e": 4}, "f": [1]}));
        assert_eq!(v, json!({"a": 1, "b": {"d": 3, "e": 4}, "f": [1]}));
    }

    fn with_resource(state: &str) -> (Store, String) {
        let mut s = Store::default();
        let id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"
            .to_string();
        s.put(
            &id,
            "microsoft.network/virtualnetworks",
            json!({"id": id, "properties": {"provisioningState": state}}),
        );
        (s, id)
    }

    #[test]
    fn operations_run_then_finish() {
        let (mut s, id) = with_resource("Succeeded");
        let op = start(
            &mut s,
            &id,
            "Microsoft.Network",
            "West Europe",
            "2026-03-01",
            "PUT",
            "Updating",
            1_000,
            500,
            false,
            vec![Effect::Finish {
                id: id.clone(),
                patch: json!({"properties": {"x": 1}}),
            }],
        );
        assert_eq!(s.get(&id).unwrap().state(), Some("Updating"));
        assert_eq!(op.status_body(1_250)["percentComplete"], json!(50.0));
        assert_eq!(
            op.headers("http://h", 1_000)[2],
            ("Retry-After", "1".to_string())
        );
        assert!(op.headers("http://h", 1_000)[0].1.starts_with(
            "http://h/subscriptions/s/providers/Microsoft.Network/locations/westeurope/operations/"
        ));
        assert_eq!(tick(&mut s, 1_499), 0);
        assert_eq!(tick(&mut s, 1_500), 1);
        let doc = s.get(&id).unwrap();
        assert_eq!(doc.state(), Some("Succeeded"));
        assert_eq!(doc.body["properties"]["x"], json!(1));
        assert_eq!(
            s.operations[&op.id].status_body(2_000)["status"],
            "Succeeded"
        );
    }

    #[test]
    fn failing_and_deleting_operations() {
        let (mut s, id) = with_resource("Succeeded");
        let op = start(
            &mut s,
            &id,
            "Microsoft.Network",
            "westeurope",
            "v",
            "DELETE",
            "Deleting",
            0,
            10,
            true,
            vec![Effect::Remove { id: id.clone() }],
        );
        tick(&mut s, 10);
        assert_eq!(s.get(&id).unwrap().state(), Some("Failed"));
        let body = s.operations[&op.id].status_body(10);
        assert_eq!(body["status"], "Failed");
        assert_eq!(body["error"]["code"], "InternalOperationError");
        let op2 = start(
            &mut s,
            &id,
            "Microsoft.Network",
            "westeurope",
            "v",
            "DELETE",
            "Deleting",
            20,
            10,
            false,
            vec![Effect::Remove { id: id.clone() }],
        );
        assert!(s.running_operation(&id, false).is_some());
        tick(&mut s, 30);
        assert!(s.get(&id).is_none());
        assert_eq!(s.operations[&op2.id].status, OpStatus::Succeeded);
    }
}
