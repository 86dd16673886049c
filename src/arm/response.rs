//! A response as the client's logic sees it: status, headers (lowercased names) and body bytes,
//! independent of the HTTP stack so that retry and polling decisions are plain functions.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

/// A response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArmResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers with lowercased names.
    pub headers: BTreeMap<String, String>,
    /// The body.
    pub body: Vec<u8>,
}

impl ArmResponse {
    /// A response built from parts (for tests and for answers assembled by hand).
    pub fn new(status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        ArmResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// A header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        if self.body.is_empty() {
            return None;
        }
        serde_json::from_slice(&self.body).ok()
    }

    /// 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `Retry-After` in whole seconds (ARM never sends an HTTP date here), or the
    /// `retry-after-ms` / `x-ms-retry-after-ms` variants.
    pub fn retry_after(&self) -> Option<Duration> {
        for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
            if let Some(ms) = self.header(name).and_then(|v| v.trim().parse::<u64>().ok()) {
                return Some(Duration::from_millis(ms));
            }
        }
        self.header("retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs)
    }

    /// The smallest `x-ms-ratelimit-remaining-*` value, when Azure reports one.
    pub fn ratelimit_remaining(&self) -> Option<u64> {
        self.headers
            .iter()
            .filter(|(k, _)| k.starts_with("x-ms-ratelimit-remaining-"))
            .filter_map(|(_, v)| v.trim().parse::<u64>().ok())
            .min()
    }

    /// `properties.provisioningState` of a JSON body.
    pub fn provisioning_state(&self) -> Option<String> {
        self.json()?
            .pointer("/properties/provisioningState")?
            .as_str()
            .map(str::to_string)
    }

    /// The resource's ETag (`eTag` on AKS, `etag` elsewhere, or the `ETag` header).
    pub fn etag(&self) -> Option<String> {
        let body = self.json();
        body.as_ref()
            .and_then(|b| b.get("eTag").or_else(|| b.get("etag")))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| self.header("etag").map(str::to_string))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(headers: &[(&str, &str)], body: &str) -> ArmResponse {
        ArmResponse::new(200, headers, body)
    }

    #[test]
    fn retry_after_and_rate_limits() {
        assert_eq!(
            with(&[("Retry-After", "7")], "").retry_after(),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            with(&[("retry-after-ms", "250")], "").retry_after(),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            with(&[("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT")], "").retry_after(),
            None
        );
        let r = with(
            &[
                ("x-ms-ratelimit-remaining-subscription-reads", "12"),
                ("x-ms-ratelimit-remaining-subscription-writes", "3"),
            ],
            "",
        );
        assert_eq!(r.ratelimit_remaining(), Some(3));
    }

    #[test]
    fn body_fields() {
        let r = with(
            &[],
            r#"{"eTag":"e","properties":{"provisioningState":"Creating"}}"#,
        );
        assert_eq!(r.provisioning_state().as_deref(), Some("Creating"));
        assert_eq!(r.etag().as_deref(), Some("e"));
        let n = with(&[("ETag", "W/\"x\"")], r#"{"etag":"W/\"y\""}"#);
        assert_eq!(n.etag().as_deref(), Some("W/\"y\""));
        assert_eq!(with(&[("ETag", "h")], "").etag().as_deref(), Some("h"));
    }
}
