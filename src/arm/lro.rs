//! Long-running operations, the parts that need no network: where to poll (`Azure-AsyncOperation`
//! preferred over `Location`, else the resource itself), how long to wait (`Retry-After`, else a
//! default), and what a status answer means. The client runs the loop.

use std::time::Duration;

use serde_json::Value;

use super::error::ServiceError;
use super::response::ArmResponse;
use crate::model::ResourceId;

/// Where the outcome of an operation is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollTarget {
    /// The `Azure-AsyncOperation` status resource (preferred).
    AsyncOperation(String),
    /// The `Location` result URL: 202 while running, the result when done.
    Location(String),
    /// No operation URL: read the resource until its `provisioningState` is terminal.
    Resource,
    /// Nothing to wait for: the answer is final.
    None,
}

/// Where to poll after the first answer to a write.
pub fn poll_target(resp: &ArmResponse) -> PollTarget {
    if let Some(u) = resp
        .header("azure-asyncoperation")
        .filter(|u| !u.is_empty())
    {
        return PollTarget::AsyncOperation(u.to_string());
    }
    if let Some(u) = resp.header("location").filter(|u| !u.is_empty())
        && (resp.status == 202 || resp.status == 201)
    {
        return PollTarget::Location(u.to_string());
    }
    match resp.provisioning_state() {
        Some(state) if !is_terminal(&state) => PollTarget::Resource,
        _ => PollTarget::None,
    }
}

/// Whether a `provisioningState` or operation status is final.
pub fn is_terminal(state: &str) -> bool {
    ["Succeeded", "Failed", "Canceled", "Cancelled"]
        .iter()
        .any(|t| t.eq_ignore_ascii_case(state))
}

/// How long to wait before the next poll: the answer's `Retry-After`, else `default`.
pub fn wait(resp: &ArmResponse, default: Duration) -> Duration {
    resp.retry_after().unwrap_or(default)
}

/// What a status resource says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Still running (any value other than the three terminal ones).
    Running(String),
    /// Done.
    Succeeded,
    /// Ended with an error.
    Failed(ServiceError),
    /// Stopped.
    Canceled(ServiceError),
}

/// Reads an `Azure-AsyncOperation` status body: `{"status": ..., "error": {...}}`.
pub fn parse_status(body: &Value) -> Option<Status> {
    let status = body.get("status")?.as_str()?;
    let error = || {
        body.get("error")
            .and_then(|e| ServiceError::from_json(0, &serde_json::json!({ "error": e })))
            .unwrap_or_else(|| ServiceError {
                status: 0,
                code: "OperationFailed".into(),
                message: format!("the operation ended {status} without an error object"),
                target: None,
                details: Vec::new(),
                request_id: None,
            })
    };
    Some(if status.eq_ignore_ascii_case("Succeeded") {
        Status::Succeeded
    } else if status.eq_ignore_ascii_case("Failed") {
        Status::Failed(error())
    } else if status.eq_ignore_ascii_case("Canceled") || status.eq_ignore_ascii_case("Cancelled") {
        Status::Canceled(error())
    } else {
        Status::Running(status.to_string())
    })
}

/// A progress report for the display: which resource, its state, how long so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The resource.
    pub resource: ResourceId,
    /// The `provisioningState` (Creating, Updating, Upgrading, ...) or the operation status.
    pub state: String,
    /// Time since the write was sent.
    pub elapsed: Duration,
}

/// Receives progress reports while operations run.
pub trait ProgressSink: Send + Sync {
    /// Called at every poll.
    fn report(&self, progress: &Progress);
}

/// Discards progress.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn report(&self, _: &Progress) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> ArmResponse {
        ArmResponse::new(status, headers, body)
    }

    #[test]
    fn prefers_azure_async_operation() {
        let both = resp(
            201,
            &[
                ("Azure-AsyncOperation", "https://a"),
                ("Location", "https://l"),
            ],
            "{}",
        );
        assert_eq!(
            poll_target(&both),
            PollTarget::AsyncOperation("https://a".into())
        );
        let loc = resp(202, &[("Location", "https://l")], "");
        assert_eq!(poll_target(&loc), PollTarget::Location("https://l".into()));
        let state = resp(
            201,
            &[],
            r#"{"properties":{"provisioningState":"Creating"}}"#,
        );
        assert_eq!(poll_target(&state), PollTarget::Resource);
        let done = resp(
            200,
            &[],
            r#"{"properties":{"provisioningState":"Succeeded"}}"#,
        );
        assert_eq!(poll_target(&done), PollTarget::None);
        let sync = resp(200, &[("Location", "https://l")], "{}");
        assert_eq!(
            poll_target(&sync),
            PollTarget::None,
            "a 200 with Location is final"
        );
    }

    #[test]
    fn waits_follow_retry_after() {
        assert_eq!(
            wait(
                &resp(200, &[("Retry-After", "3")], ""),
                Duration::from_secs(10)
            ),
            Duration::from_secs(3)
        );
        assert_eq!(
            wait(&resp(200, &[], ""), Duration::from_secs(10)),
            Duration::from_secs(10)
        );
    }

    #[test]
    fn status_bodies() {
        assert_eq!(
            parse_status(&json!({"status": "InProgress"})),
            Some(Status::Running("InProgress".into()))
        );
        assert_eq!(
            parse_status(&json!({"status": "Succeeded"})),
            Some(Status::Succeeded)
        );
        let failed = parse_status(
            &json!({"status": "Failed", "error": {"code": "QuotaExceeded", "message": "no cores"}}),
        )
        .unwrap();
        match failed {
            Status::Failed(e) => {
                assert_eq!(e.code, "QuotaExceeded");
                assert_eq!(e.message, "no cores");
            }
            other => panic!("{other:?}"),
        }
        let canceled = parse_status(&json!({"status": "Canceled"})).unwrap();
        assert!(
            matches!(canceled, Status::Canceled(e) if e.message.contains("without an error object"))
        );
        assert_eq!(parse_status(&json!({"nope": 1})), None);
        assert!(is_terminal("succeeded") && is_terminal("Canceled") && !is_terminal("Upgrading"));
    }
}
