//! The client's debug record of what it sent and received, one file per exchange in the traffic
//! format of Microsoft's `oav validate-traffic`, so that our requests can be checked against the
//! official REST specs. Tokens cannot leak into it: the client's requests never hold the
//! `Authorization` header (the pipeline adds it later), and it is not written.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value, json};

use super::request::ArmRequest;
use super::response::ArmResponse;

/// Writes exchanges into a directory.
#[derive(Debug)]
pub struct TrafficRecorder {
    dir: PathBuf,
    seq: AtomicU64,
}

impl TrafficRecorder {
    /// A recorder writing into `dir` (created if missing).
    ///
    /// # Errors
    ///
    /// When the directory cannot be created.
    pub fn new(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(TrafficRecorder {
            dir: dir.to_path_buf(),
            seq: AtomicU64::new(1),
        })
    }

    /// Records one exchange. Operation-status polls are skipped (no REST spec describes them).
    /// Writing is best effort: a debug aid must not fail the run, so errors are ignored.
    pub fn record(&self, req: &ArmRequest, resp: &ArmResponse) {
        let Some(exchange) = exchange(req, resp) else {
            return;
        };
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        let last = req
            .url
            .path_segments()
            .and_then(|mut s| s.next_back())
            .unwrap_or("root");
        let name: String = format!("{n:05}-{}-{last}", req.method)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = self.dir.join(format!("{name}.json"));
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let text = serde_json::to_string_pretty(&exchange).unwrap_or_default();
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, &path);
        }
    }
}

/// The exchange as an oav traffic document, `None` for operation-status polls.
pub fn exchange(req: &ArmRequest, resp: &ArmResponse) -> Option<Value> {
    let path = req.url.path();
    let lower = path.to_ascii_lowercase();
    if lower.contains("/operations/")
        || lower.contains("/operationresults/")
        || lower.contains("/operationstatuses/")
    {
        return None;
    }
    let query = req.url.query().unwrap_or("");
    let headers = |h: &mut dyn Iterator<Item = (&String, &String)>| {
        Value::Object(
            h.filter(|(k, _)| !k.eq_ignore_ascii_case("authorization"))
                .map(|(k, v)| (k.to_ascii_lowercase(), json!(v)))
                .collect::<Map<_, _>>(),
        )
    };
    let mut request = json!({
        "method": req.method.to_string(),
        "url": format!("https://management.azure.com{path}?{query}"),
        "headers": headers(&mut req.headers.iter().map(|(k, v)| (k, v))),
    });
    if let Some(body) = req
        .body
        .as_deref()
        .and_then(|b| serde_json::from_slice::<Value>(b).ok())
    {
        request["body"] = body;
    }
    let mut response = json!({
        "statusCode": resp.status.to_string(),
        "headers": headers(&mut resp.headers.iter()),
    });
    if let Some(body) = resp.json() {
        response["body"] = body;
    }
    Some(json!({"liveRequest": request, "liveResponse": response}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::request::{self, Condition};
    use crate::model::ResourceId;

    fn req() -> ArmRequest {
        let id: ResourceId = "/subscriptions/s/resourceGroups/rg".parse().unwrap();
        let mut r = request::put(
            &"http://127.0.0.1:9/".parse().unwrap(),
            &id,
            "2025-04-01",
            &json!({"location": "westeurope"}),
            &Condition::IfMatch("\"e1\"".into()),
        )
        .unwrap();
        r.headers
            .push(("Authorization".into(), "Bearer secret".into()));
        r
    }

    #[test]
    fn exchanges_take_oavs_shape_without_credentials() {
        let resp = ArmResponse::new(
            201,
            &[("content-type", "application/json")],
            r#"{"name":"rg"}"#,
        );
        let x = exchange(&req(), &resp).unwrap();
        assert_eq!(
            x["liveRequest"]["url"],
            "https://management.azure.com/subscriptions/s/resourceGroups/rg?api-version=2025-04-01"
        );
        assert_eq!(x["liveRequest"]["body"]["location"], "westeurope");
        assert_eq!(x["liveRequest"]["headers"]["if-match"], "\"e1\"");
        assert_eq!(x["liveResponse"]["statusCode"], "201", "oav wants a string");
        assert_eq!(x["liveResponse"]["body"]["name"], "rg");
        assert!(!x.to_string().contains("secret"));
    }

    #[test]
    fn status_polls_are_not_recorded() {
        let mut r = req();
        r.url = "http://127.0.0.1:9/subscriptions/s/providers/Microsoft.Network/locations/westeurope/operations/1?api-version=2026-03-01"
            .parse()
            .unwrap();
        let resp = ArmResponse::new(200, &[], "");
        assert_eq!(exchange(&r, &resp), None);
    }

    #[test]
    fn files_are_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let rec = TrafficRecorder::new(&dir.path().join("t")).unwrap();
        let resp = ArmResponse::new(200, &[], "{}");
        rec.record(&req(), &resp);
        rec.record(&req(), &resp);
        let mut names: Vec<String> = std::fs::read_dir(dir.path().join("t"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["00001-PUT-rg.json", "00002-PUT-rg.json"]);
    }
}
