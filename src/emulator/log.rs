//! The request log: every exchange, kept in memory for `/_emulator/requests`, appended to an
//! optional JSONL file, and optionally written as one oav traffic file per ARM exchange
//! (`liveRequest`/`liveResponse`), so that Microsoft's validator can check our wire shapes.

use std::collections::VecDeque;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use serde_json::{Value, json};

/// One exchange.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Position in the log (1-based, increasing).
    pub seq: u64,
    /// Milliseconds since the Unix epoch.
    pub time_ms: u64,
    /// Method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Raw query string.
    pub query: String,
    /// Request headers (Authorization redacted).
    pub request_headers: Vec<(String, String)>,
    /// Request body (JSON, or a string when not JSON).
    pub request_body: Option<Value>,
    /// Status code.
    pub status: u16,
    /// Response headers.
    pub response_headers: Vec<(String, String)>,
    /// Response body.
    pub response_body: Option<Value>,
    /// Time spent, in milliseconds.
    pub duration_ms: f64,
}

impl Entry {
    /// The entry as JSON (the shape of `/_emulator/requests` and the JSONL file).
    pub fn to_json(&self) -> Value {
        let headers = |h: &[(String, String)]| {
            Value::Object(h.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
        };
        json!({
            "seq": self.seq,
            "time": super::lro::rfc3339(self.time_ms),
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "duration_ms": self.duration_ms,
            "request_headers": headers(&self.request_headers),
            "request_body": self.request_body,
            "response_headers": headers(&self.response_headers),
            "response_body": self.response_body,
        })
    }

    /// The exchange in oav's traffic format, `None` for requests that are not ARM calls.
    pub fn to_traffic(&self) -> Option<Value> {
        // Operation status URLs have no REST spec to validate against.
        let status_url =
            self.path.contains("/operations/") || self.path.contains("/operationresults/");
        if !self.query.contains("api-version=") || self.path.starts_with("/_emulator") || status_url
        {
            return None;
        }
        let headers = |h: &[(String, String)]| {
            Value::Object(h.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
        };
        let mut request = json!({
            "method": self.method,
            "url": format!("https://management.azure.com{}?{}", self.path, self.query),
            "headers": headers(&self.request_headers),
        });
        if let Some(b) = &self.request_body {
            request["body"] = b.clone();
        }
        let mut response = json!({
            "statusCode": self.status.to_string(),
            "headers": headers(&self.response_headers),
        });
        if let Some(b) = &self.response_body {
            response["body"] = b.clone();
        }
        Some(json!({ "liveRequest": request, "liveResponse": response }))
    }
}

/// The log.
#[derive(Debug)]
pub struct RequestLog {
    inner: Mutex<Inner>,
    file: Option<PathBuf>,
    traffic_dir: Option<PathBuf>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: VecDeque<Entry>,
    next_seq: u64,
}

/// How many entries are kept in memory.
const CAPACITY: usize = 20_000;
/// How many of the newest entries keep their bodies (older ones keep only their metadata, so a
/// long load test does not grow the log without bound).
const WITH_BODIES: usize = 2_000;

impl RequestLog {
    /// A log, optionally also written to a JSONL file and a traffic directory.
    pub fn new(file: Option<PathBuf>, traffic_dir: Option<PathBuf>) -> Self {
        if let Some(dir) = &traffic_dir {
            let _ = std::fs::create_dir_all(dir);
        }
        RequestLog {
            inner: Mutex::new(Inner {
                entries: VecDeque::new(),
                next_seq: 1,
            }),
            file,
            traffic_dir,
        }
    }

    /// Records an exchange (its `seq` is assigned here).
    pub fn record(&self, mut entry: Entry) {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entry.seq = inner.next_seq;
        inner.next_seq += 1;
        if let Some(path) = &self.file
            && let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
        {
            let _ = writeln!(f, "{}", entry.to_json());
        }
        if let (Some(dir), Some(traffic)) = (&self.traffic_dir, entry.to_traffic()) {
            let name = format!("{:06}-{}-{}.json", entry.seq, entry.method, entry.status);
            let _ = std::fs::write(
                dir.join(name),
                serde_json::to_vec_pretty(&traffic).unwrap_or_default(),
            );
        }
        inner.entries.push_back(entry);
        if inner.entries.len() > CAPACITY {
            inner.entries.pop_front();
        }
        let n = inner.entries.len();
        if n > WITH_BODIES
            && let Some(old) = inner.entries.get_mut(n - WITH_BODIES - 1)
        {
            old.request_body = None;
            old.response_body = None;
        }
    }

    /// Entries with `seq > since`, and the next `since` to ask with.
    pub fn since(&self, since: u64) -> (Vec<Value>, u64) {
        let inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let items = inner
            .entries
            .iter()
            .filter(|e| e.seq > since)
            .map(Entry::to_json)
            .collect();
        (items, inner.next_seq - 1)
    }

    /// Forgets the entries kept in memory.
    pub fn clear(&self) {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        inner.entries.clear();
    }
}

/// Headers as (name, value) pairs, with credentials redacted.
pub fn redact(headers: &axum::http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            let value = if k == axum::http::header::AUTHORIZATION {
                "Bearer [REDACTED]".to_string()
            } else {
                v.to_str().unwrap_or("").to_string()
            };
            (k.as_str().to_string(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, query: &str) -> Entry {
        Entry {
            seq: 0,
            time_ms: 0,
            method: "PUT".into(),
            path: path.into(),
            query: query.into(),
            request_headers: vec![("content-type".into(), "application/json".into())],
            request_body: Some(json!({"location": "westeurope"})),
            status: 201,
            response_headers: vec![],
            response_body: Some(json!({"id": "x"})),
            duration_ms: 1.0,
        }
    }

    #[test]
    fn log_keeps_order_and_writes_traffic_files() {
        let dir = tempfile::tempdir().unwrap();
        let log = RequestLog::new(
            Some(dir.path().join("log.jsonl")),
            Some(dir.path().join("traffic")),
        );
        log.record(entry(
            "/subscriptions/s/resourcegroups/rg",
            "api-version=2025-04-01",
        ));
        log.record(entry("/_emulator/faults", ""));
        let (items, next) = log.since(0);
        assert_eq!(items.len(), 2);
        assert_eq!(next, 2);
        assert_eq!(log.since(1).0.len(), 1);
        let lines = std::fs::read_to_string(dir.path().join("log.jsonl")).unwrap();
        assert_eq!(lines.lines().count(), 2);
        let files: Vec<_> = std::fs::read_dir(dir.path().join("traffic"))
            .unwrap()
            .collect();
        assert_eq!(files.len(), 1, "only ARM calls become traffic files");
        let t: Value =
            serde_json::from_slice(&std::fs::read(files[0].as_ref().unwrap().path()).unwrap())
                .unwrap();
        assert_eq!(t["liveResponse"]["statusCode"], "201");
        assert!(
            t["liveRequest"]["url"]
                .as_str()
                .unwrap()
                .contains("?api-version=2025-04-01")
        );
    }
}
