//! Building ARM requests without IO: method, URL (endpoint + id + `api-version`), headers and body,
//! plus whether a request may be repeated blindly. Unit-testable; only `client` sends them.

use azure_core::http::{Method, Url};
use serde_json::Value;

use super::error::ArmError;
use crate::model::ResourceId;

/// A condition on a write.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Condition {
    /// Unconditional.
    #[default]
    None,
    /// Only if the resource still has this ETag (what a reviewed plan saw).
    IfMatch(String),
    /// Only if the resource does not exist yet (create-only).
    IfNoneMatch,
}

/// Whether a request may be sent again after an outcome that is not known (the connection broke
/// after the request went out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Repeating changes nothing (reads, deletes, unconditional full-body PUTs).
    Safe,
    /// Repeating may not be harmless (conditional writes, PATCH, POST): read the resource first to
    /// learn whether the first attempt took effect.
    ReadFirst,
}

/// A request ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmRequest {
    /// The method.
    pub method: Method,
    /// The full URL.
    pub url: Url,
    /// Extra headers (the pipeline adds authorization, user agent and ids).
    pub headers: Vec<(String, String)>,
    /// The JSON body.
    pub body: Option<Vec<u8>>,
    /// Whether it may be repeated blindly.
    pub repeat: Repeat,
    /// The resource, for messages.
    pub resource: String,
}

impl ArmRequest {
    /// A header value of the request.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn url_for(base: &Url, path: &str, api_version: &str) -> Result<Url, ArmError> {
    let mut url = base
        .join(path.trim_start_matches('/'))
        .map_err(|e| ArmError::InvalidRequest(format!("{path}: {e}")))?;
    url.query_pairs_mut()
        .append_pair("api-version", api_version);
    Ok(url)
}

fn build(
    method: Method,
    base: &Url,
    path: &str,
    api_version: &str,
    body: Option<&Value>,
    condition: &Condition,
) -> Result<ArmRequest, ArmError> {
    let mut headers = Vec::new();
    let mut repeat = match method {
        Method::Get | Method::Head | Method::Delete | Method::Put => Repeat::Safe,
        _ => Repeat::ReadFirst,
    };
    match condition {
        Condition::None => {}
        Condition::IfMatch(etag) => {
            headers.push(("If-Match".to_string(), etag.clone()));
            repeat = Repeat::ReadFirst;
        }
        Condition::IfNoneMatch => {
            headers.push(("If-None-Match".to_string(), "*".to_string()));
            repeat = Repeat::ReadFirst;
        }
    }
    let body = match body {
        Some(b) => {
            headers.push(("Content-Type".to_string(), "application/json".to_string()));
            Some(serde_json::to_vec(b).map_err(|e| ArmError::InvalidRequest(e.to_string()))?)
        }
        None => None,
    };
    Ok(ArmRequest {
        method,
        url: url_for(base, path, api_version)?,
        headers,
        body,
        repeat,
        resource: path.to_string(),
    })
}

/// `GET {id}`.
///
/// # Errors
///
/// When the URL cannot be built.
pub fn get(base: &Url, id: &ResourceId, api_version: &str) -> Result<ArmRequest, ArmError> {
    build(
        Method::Get,
        base,
        id.as_str(),
        api_version,
        None,
        &Condition::None,
    )
}

/// `GET` of any ARM path (upgrade profiles, version lists, collections).
///
/// # Errors
///
/// When the URL cannot be built.
pub fn get_path(base: &Url, path: &str, api_version: &str) -> Result<ArmRequest, ArmError> {
    build(Method::Get, base, path, api_version, None, &Condition::None)
}

/// `PUT {id}` with the full body.
///
/// # Errors
///
/// When the URL or body cannot be built.
pub fn put(
    base: &Url,
    id: &ResourceId,
    api_version: &str,
    body: &Value,
    condition: &Condition,
) -> Result<ArmRequest, ArmError> {
    build(
        Method::Put,
        base,
        id.as_str(),
        api_version,
        Some(body),
        condition,
    )
}

/// `PATCH {id}` (resource group tags, cluster tags).
///
/// # Errors
///
/// When the URL or body cannot be built.
pub fn patch(
    base: &Url,
    id: &ResourceId,
    api_version: &str,
    body: &Value,
    condition: &Condition,
) -> Result<ArmRequest, ArmError> {
    build(
        Method::Patch,
        base,
        id.as_str(),
        api_version,
        Some(body),
        condition,
    )
}

/// `DELETE {id}`.
///
/// # Errors
///
/// When the URL cannot be built.
pub fn delete(
    base: &Url,
    id: &ResourceId,
    api_version: &str,
    condition: &Condition,
) -> Result<ArmRequest, ArmError> {
    build(
        Method::Delete,
        base,
        id.as_str(),
        api_version,
        None,
        condition,
    )
}

/// A `GET` of an absolute URL ARM handed out (`nextLink`, `Azure-AsyncOperation`, `Location`).
/// It must point at the same host as the endpoint, so that the bearer token never goes elsewhere.
///
/// # Errors
///
/// When the URL is not absolute or points at another host.
pub fn follow(base: &Url, link: &str, resource: &str) -> Result<ArmRequest, ArmError> {
    let url = Url::parse(link).map_err(|e| ArmError::InvalidResponse {
        resource: resource.to_string(),
        message: format!("ARM returned the link {link:?}, which is not a URL ({e})"),
    })?;
    if url.scheme() != base.scheme()
        || url.host_str() != base.host_str()
        || url.port_or_known_default() != base.port_or_known_default()
    {
        return Err(ArmError::InvalidResponse {
            resource: resource.to_string(),
            message: format!(
                "ARM returned a link to another host ({}); it is not followed, so that the access token is not sent there",
                url.host_str().unwrap_or("?")
            ),
        });
    }
    Ok(ArmRequest {
        method: Method::Get,
        url,
        headers: Vec::new(),
        body: None,
        repeat: Repeat::Safe,
        resource: resource.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> Url {
        Url::parse("https://management.azure.com/").unwrap()
    }

    fn id() -> ResourceId {
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks"
            .parse()
            .unwrap()
    }

    #[test]
    fn builds_urls_with_api_versions() {
        let r = get(&base(), &id(), "2026-08-01").unwrap();
        assert_eq!(r.method, Method::Get);
        assert_eq!(
            r.url.as_str(),
            "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks?api-version=2026-08-01"
        );
        assert_eq!(r.repeat, Repeat::Safe);
        let emu = Url::parse("http://127.0.0.1:4000").unwrap();
        let r = get_path(&emu, "/subscriptions/s/providers/Microsoft.ContainerService/locations/westeurope/kubernetesVersions", "2026-08-01").unwrap();
        assert_eq!(
            r.url.as_str(),
            "http://127.0.0.1:4000/subscriptions/s/providers/Microsoft.ContainerService/locations/westeurope/kubernetesVersions?api-version=2026-08-01"
        );
    }

    #[test]
    fn writes_carry_body_and_conditions() {
        let body = json!({"location": "westeurope"});
        let r = put(&base(), &id(), "2026-08-01", &body, &Condition::None).unwrap();
        assert_eq!(
            r.body.as_deref(),
            Some(br#"{"location":"westeurope"}"#.as_slice())
        );
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.repeat, Repeat::Safe, "a full-body PUT is idempotent");
        let c = put(
            &base(),
            &id(),
            "2026-08-01",
            &body,
            &Condition::IfMatch("e1".into()),
        )
        .unwrap();
        assert_eq!(c.header("If-Match"), Some("e1"));
        assert_eq!(c.repeat, Repeat::ReadFirst);
        let n = put(&base(), &id(), "2026-08-01", &body, &Condition::IfNoneMatch).unwrap();
        assert_eq!(n.header("If-None-Match"), Some("*"));
        let p = patch(&base(), &id(), "2026-08-01", &body, &Condition::None).unwrap();
        assert_eq!(
            p.repeat,
            Repeat::ReadFirst,
            "PATCH is not idempotent in general"
        );
        let d = delete(&base(), &id(), "2026-08-01", &Condition::None).unwrap();
        assert_eq!((d.method, d.body), (Method::Delete, None));
    }

    #[test]
    fn links_must_stay_on_the_endpoint() {
        let ok = follow(
            &base(),
            "https://management.azure.com/subscriptions/s/providers/x/operations/1?api-version=v",
            "r",
        )
        .unwrap();
        assert_eq!(ok.method, Method::Get);
        let other = follow(&base(), "https://evil.example.com/x", "r").unwrap_err();
        assert!(other.to_string().contains("not followed"));
        assert!(follow(&base(), "/relative", "r").is_err());
        let http = follow(&base(), "http://management.azure.com/x", "r").unwrap_err();
        assert!(http.to_string().contains("another host"));
    }
}
