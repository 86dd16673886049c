//! What resource handlers see and return: the request, the shared context, the reply, paging with
//! `nextLink`, conditional requests (`If-Match`, `If-None-Match`) and read-only field checks.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::{Value, json};

use super::config::EmulatorConfig;
use super::error::{ArmError, ArmResult};
use super::store::Store;

/// A parsed request.
pub struct Request<'a> {
    /// The method.
    pub method: &'a Method,
    /// The headers.
    pub headers: &'a HeaderMap,
    /// Query parameters (last value wins).
    pub query: &'a BTreeMap<String, String>,
    /// The JSON body, when one was sent.
    pub body: Option<Value>,
    /// The path as requested (for nextLink).
    pub path: &'a str,
}

impl Request<'_> {
    /// The body, or a 400 when there is none.
    pub fn json(&self) -> ArmResult<&Value> {
        self.body.as_ref().filter(|b| b.is_object()).ok_or_else(|| {
            ArmError::bad_body("The request content was invalid: a JSON object body is required.")
        })
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The shared state a handler works on, under the store lock.
pub struct Ctx<'a> {
    /// Resources and operations.
    pub store: &'a mut Store,
    /// The configuration (durations, paging, faults).
    pub cfg: &'a EmulatorConfig,
    /// Now, in milliseconds since the Unix epoch.
    pub now: u64,
    /// The emulator's base URL, for absolute links.
    pub base: &'a str,
    /// The request's api-version.
    pub api_version: &'a str,
    /// Random choices (fault injection, generated values).
    pub rng: &'a mut fastrand::Rng,
}

impl Ctx<'_> {
    /// The real duration of an operation that takes `base_ms` at speed 1.
    pub fn duration(&self, base_ms: u64) -> u64 {
        u64::try_from(
            self.cfg
                .scaled(std::time::Duration::from_millis(base_ms))
                .as_millis(),
        )
        .unwrap_or(u64::MAX)
    }

    /// Whether the next operation, on the resource `id`, should end Failed (fault injection:
    /// the random rate, or an id that contains one of `fail_operations_on`).
    pub fn should_fail(&mut self, id: &str) -> bool {
        let id = id.to_ascii_lowercase();
        if self
            .cfg
            .faults
            .fail_operations_on
            .iter()
            .any(|part| !part.is_empty() && id.contains(&part.to_ascii_lowercase()))
        {
            return true;
        }
        let rate = self.cfg.faults.fail_operation_rate;
        rate > 0.0 && self.rng.f64() < rate
    }
}

/// A response.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// JSON body, if any.
    pub body: Option<Value>,
}

impl Reply {
    /// A JSON reply.
    pub fn json(status: StatusCode, body: Value) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    /// A reply without a body.
    pub fn empty(status: StatusCode) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: None,
        }
    }

    /// Adds headers.
    #[must_use]
    pub fn with_headers(mut self, headers: Vec<(&'static str, String)>) -> Self {
        self.headers.extend(headers);
        self
    }
}

/// One page of `items`, with a `nextLink` when more follow.
pub fn page(req: &Request<'_>, ctx: &Ctx<'_>, items: Vec<Value>) -> Reply {
    let size = ctx.cfg.page_size.max(1);
    let skip: usize = req
        .query
        .get("$skiptoken")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let total = items.len();
    let value: Vec<Value> = items.into_iter().skip(skip).take(size).collect();
    let mut body = json!({ "value": value });
    if skip + size < total {
        let mut q: Vec<String> = req
            .query
            .iter()
            .filter(|(k, _)| k.as_str() != "$skiptoken")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        q.push(format!("$skiptoken={}", skip + size));
        body["nextLink"] = json!(format!("{}{}?{}", ctx.base, req.path, q.join("&")));
    }
    Reply::json(StatusCode::OK, body)
}

/// Checks `If-Match` and `If-None-Match` against the current ETag (`None` when the resource does
/// not exist), with the status codes of AKS's ETag documentation.
///
/// # Errors
///
/// 400 for contradictory or malformed headers, 412 when a precondition fails.
pub fn preconditions(req: &Request<'_>, current: Option<Option<&str>>) -> ArmResult<()> {
    let if_match = req
        .header("If-Match")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let if_none = req
        .header("If-None-Match")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(v) = if_none
        && v != "*"
    {
        return Err(ArmError::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "If-None-Match only supports '*'.",
        ));
    }
    if if_match.is_some() && if_none.is_some() {
        return Err(ArmError::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "If-Match and If-None-Match cannot be used together.",
        ));
    }
    match (current, if_match, if_none) {
        (Some(_), _, Some(_)) => Err(ArmError::precondition(
            "The resource already exists and If-None-Match: * was given.",
        )),
        (None, Some(_), _) => Err(ArmError::precondition(
            "The resource does not exist, so If-Match cannot match.",
        )),
        (Some(etag), Some(expected), None) if expected != "*" => {
            let strip = |s: &str| s.trim_start_matches("W/").trim_matches('"').to_string();
            if etag.map(strip) == Some(strip(expected)) {
                Ok(())
            } else {
                Err(ArmError::precondition(format!(
                    "The resource has changed: its ETag is {} but If-Match gave {expected}.",
                    etag.unwrap_or("none")
                )))
            }
        }
        _ => Ok(()),
    }
}

/// ARM's rule for read-only fields in a request: equal to the stored value is fine (clients echo
/// what they read), different is a 400. `paths` are JSON pointers; `stored` is the existing
/// resource, if any.
///
/// # Errors
///
/// 400 `InvalidParameter` naming the first read-only field sent with a different value.
pub fn read_only(body: &Value, stored: Option<&Value>, paths: &[&str]) -> ArmResult<()> {
    for path in paths {
        let Some(sent) = body.pointer(path) else {
            continue;
        };
        if sent.is_null() {
            continue;
        }
        let current = stored.and_then(|s| s.pointer(path));
        if current != Some(sent) {
            let field = path.trim_start_matches('/').replace('/', ".");
            return Err(ArmError::invalid(
                &field,
                format!("Property '{field}' is read-only and cannot be set to a different value."),
            ));
        }
    }
    Ok(())
}

/// A string field of a JSON body.
pub fn str_at<'v>(body: &'v Value, pointer: &str) -> Option<&'v str> {
    body.pointer(pointer).and_then(Value::as_str)
}

/// A location in ARM's normalized form: lowercase, no spaces.
pub fn normalize_location(location: &str) -> String {
    location.to_ascii_lowercase().replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn req<'a>(headers: &'a HeaderMap, query: &'a BTreeMap<String, String>) -> Request<'a> {
        Request {
            method: &Method::PUT,
            headers,
            query,
            body: None,
            path: "/x",
        }
    }

    #[test]
    fn conditional_requests_follow_the_aks_table() {
        let q = BTreeMap::new();
        let mut h = HeaderMap::new();
        assert!(preconditions(&req(&h, &q), None).is_ok());
        h.insert("If-Match", HeaderValue::from_static("abc"));
        assert_eq!(
            preconditions(&req(&h, &q), None).unwrap_err().status,
            StatusCode::PRECONDITION_FAILED
        );
        assert!(preconditions(&req(&h, &q), Some(Some("abc"))).is_ok());
        assert!(preconditions(&req(&h, &q), Some(Some("\"abc\""))).is_ok());
        assert_eq!(
            preconditions(&req(&h, &q), Some(Some("xyz")))
                .unwrap_err()
                .code,
            "PreconditionFailed"
        );
        h.insert("If-Match", HeaderValue::from_static("*"));
        assert!(preconditions(&req(&h, &q), Some(Some("xyz"))).is_ok());
        let mut h = HeaderMap::new();
        h.insert("If-None-Match", HeaderValue::from_static("*"));
        assert!(preconditions(&req(&h, &q), None).is_ok());
        assert_eq!(
            preconditions(&req(&h, &q), Some(None)).unwrap_err().status,
            StatusCode::PRECONDITION_FAILED
        );
        h.insert("If-Match", HeaderValue::from_static("a"));
        assert_eq!(
            preconditions(&req(&h, &q), Some(None)).unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
        let mut h = HeaderMap::new();
        h.insert("If-None-Match", HeaderValue::from_static("abc"));
        assert_eq!(
            preconditions(&req(&h, &q), None).unwrap_err().code,
            "BadRequest"
        );
    }

    #[test]
    fn read_only_fields_equal_or_rejected() {
        let stored = json!({"properties": {"provisioningState": "Succeeded", "fqdn": "x"}});
        assert!(
            read_only(
                &json!({"properties": {"provisioningState": "Succeeded"}}),
                Some(&stored),
                &["/properties/provisioningState"]
            )
            .is_ok()
        );
        let e = read_only(
            &json!({"properties": {"fqdn": "y"}}),
            Some(&stored),
            &["/properties/fqdn"],
        )
        .unwrap_err();
        assert_eq!(e.target.as_deref(), Some("properties.fqdn"));
        assert!(
            read_only(
                &json!({"properties": {"fqdn": "y"}}),
                None,
                &["/properties/fqdn"]
            )
            .is_err()
        );
    }
}
