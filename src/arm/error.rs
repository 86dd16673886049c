//! Errors of the ARM client: the service's own errors (ARM's wrapped `{"error":{...}}` body and the
//! AKS resource provider's unwrapped `{"code","message","target"}` body parsed into one type), and
//! everything that can go wrong on the way (transport, retries exhausted, timeouts, credentials).

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use super::response::ArmResponse;

/// An error returned by Azure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// HTTP status (0 for errors reported inside an operation status body).
    pub status: u16,
    /// The PascalCase code, e.g. `OperationNotAllowed`.
    pub code: String,
    /// The message.
    pub message: String,
    /// The property concerned.
    pub target: Option<String>,
    /// Nested errors.
    pub details: Vec<ServiceError>,
    /// `x-ms-request-id`, for support.
    pub request_id: Option<String>,
}

impl ServiceError {
    /// Parses an error response in either shape. A body that is not JSON (a proxy's HTML page)
    /// still gives an error with the HTTP status and a short excerpt.
    pub fn from_response(resp: &ArmResponse) -> Self {
        let mut e = match serde_json::from_slice::<Value>(&resp.body) {
            Ok(v) => Self::from_json(resp.status, &v),
            Err(_) => None,
        }
        .unwrap_or_else(|| {
            let text = String::from_utf8_lossy(&resp.body);
            let excerpt: String = text.chars().take(200).collect();
            ServiceError {
                status: resp.status,
                code: format!("Http{}", resp.status),
                message: if excerpt.trim().is_empty() {
                    format!("HTTP {} without an error body", resp.status)
                } else {
                    excerpt.trim().to_string()
                },
                target: None,
                details: Vec::new(),
                request_id: None,
            }
        });
        e.request_id = resp.header("x-ms-request-id").map(str::to_string);
        e
    }

    /// Parses `{"error": {...}}` or `{"code": ..., "message": ...}`.
    pub fn from_json(status: u16, v: &Value) -> Option<Self> {
        let obj = match v.get("error") {
            Some(inner) if inner.is_object() => inner,
            _ if v.get("code").is_some() => v,
            _ => return None,
        };
        let code = obj.get("code")?.as_str()?.to_string();
        Some(ServiceError {
            status,
            code,
            message: obj
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            target: obj
                .get("target")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
            details: obj
                .get("details")
                .and_then(Value::as_array)
                .map(|d| {
                    d.iter()
                        .filter_map(|x| Self::from_json(status, x))
                        .collect()
                })
                .unwrap_or_default(),
            request_id: None,
        })
    }

    /// Whether the code is `code` (ARM codes are compared case-insensitively).
    pub fn is(&self, code: &str) -> bool {
        self.code.eq_ignore_ascii_case(code)
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.status > 0 {
            write!(f, "{} {}: {}", self.status, self.code, self.message)?;
        } else {
            write!(f, "{}: {}", self.code, self.message)?;
        }
        if let Some(t) = &self.target {
            write!(f, " (target {t})")?;
        }
        for d in &self.details {
            write!(f, "; {}: {}", d.code, d.message)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

/// Everything the ARM client can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ArmError {
    /// Azure answered with an error.
    #[error("{method} {resource}: {error}")]
    Service {
        /// The method.
        method: String,
        /// The resource (or URL) concerned.
        resource: String,
        /// What Azure said.
        error: Box<ServiceError>,
    },
    /// A conditional write failed: the resource changed after the plan read it.
    #[error("{resource} changed since the plan was made (412 PreconditionFailed): run plan again")]
    ChangedSincePlan {
        /// The resource.
        resource: String,
        /// What Azure said.
        error: Box<ServiceError>,
    },
    /// A long-running operation ended Failed or Canceled.
    #[error("the operation on {resource} ended {status}: {error}")]
    OperationFailed {
        /// The resource.
        resource: String,
        /// `Failed` or `Canceled`.
        status: String,
        /// The operation's error.
        error: Box<ServiceError>,
    },
    /// The request could not be completed on the network.
    #[error("{method} {resource}: could not reach Azure: {message}")]
    Transport {
        /// The method.
        method: String,
        /// The resource.
        resource: String,
        /// What failed (never contains credentials).
        message: String,
    },
    /// Retries did not help within the configured limits.
    #[error("{method} {resource}: giving up after {attempts} attempts in {:.0?}: {last}", .elapsed)]
    RetriesExhausted {
        /// The method.
        method: String,
        /// The resource.
        resource: String,
        /// Attempts made.
        attempts: u32,
        /// Time spent.
        elapsed: Duration,
        /// The last failure.
        last: String,
    },
    /// A long-running operation did not finish in time.
    #[error("timed out after {:.0?} waiting for {what} on {resource}", .waited)]
    Timeout {
        /// The resource.
        resource: String,
        /// What was awaited.
        what: String,
        /// How long.
        waited: Duration,
    },
    /// No token could be obtained.
    #[error("could not get an access token: {0}")]
    Credential(String),
    /// Azure answered something the client cannot read.
    #[error("{resource}: unexpected response: {message}")]
    InvalidResponse {
        /// The resource.
        resource: String,
        /// What is wrong.
        message: String,
    },
    /// A request that cannot be built (a bad id or URL).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl ArmError {
    /// The service error, if Azure reported one.
    pub fn service(&self) -> Option<&ServiceError> {
        match self {
            ArmError::Service { error, .. }
            | ArmError::ChangedSincePlan { error, .. }
            | ArmError::OperationFailed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether this is a 404.
    pub fn is_not_found(&self) -> bool {
        self.service().is_some_and(|e| e.status == 404)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> ArmResponse {
        ArmResponse::new(status, &[("x-ms-request-id", "req-1")], body)
    }

    #[test]
    fn parses_arms_wrapped_error() {
        let e = ServiceError::from_response(&resp(
            404,
            r#"{"error":{"code":"ResourceGroupNotFound","message":"Resource group 'rg' could not be found.","details":[{"code":"Inner","message":"x"}]}}"#,
        ));
        assert_eq!(e.status, 404);
        assert!(e.is("resourcegroupnotfound"));
        assert_eq!(e.details.len(), 1);
        assert_eq!(e.request_id.as_deref(), Some("req-1"));
        assert_eq!(
            e.to_string(),
            "404 ResourceGroupNotFound: Resource group 'rg' could not be found.; Inner: x [request id req-1]"
        );
    }

    #[test]
    fn parses_aks_unwrapped_error() {
        let e = ServiceError::from_response(&resp(
            400,
            r#"{"code":"PropertyChangeNotAllowed","message":"Changing property 'dnsPrefix' is not allowed.","target":"dnsPrefix","subcode":"","details":null}"#,
        ));
        assert_eq!(e.code, "PropertyChangeNotAllowed");
        assert_eq!(e.target.as_deref(), Some("dnsPrefix"));
        assert!(e.details.is_empty());
        assert!(e.to_string().contains("(target dnsPrefix)"));
    }

    #[test]
    fn non_json_bodies_still_give_an_error() {
        let e = ServiceError::from_response(&resp(502, "<html>Bad Gateway</html>"));
        assert_eq!(e.code, "Http502");
        assert_eq!(e.message, "<html>Bad Gateway</html>");
        let empty = ServiceError::from_response(&resp(500, ""));
        assert_eq!(empty.message, "HTTP 500 without an error body");
    }

    #[test]
    fn errors_say_what_happened() {
        let e = ArmError::ChangedSincePlan {
            resource: "/subscriptions/s/resourceGroups/rg".into(),
            error: Box::new(ServiceError::from_response(&resp(
                412,
                r#"{"error":{"code":"PreconditionFailed","message":"m"}}"#,
            ))),
        };
        assert!(e.to_string().contains("changed since the plan was made"));
        assert_eq!(e.service().unwrap().status, 412);
        let t = ArmError::Timeout {
            resource: "x".into(),
            what: "the operation".into(),
            waited: Duration::from_secs(90),
        };
        assert_eq!(
            t.to_string(),
            "timed out after 90s waiting for the operation on x"
        );
    }
}
