//! The ARM client: sends requests through the pipeline with the retry rules, rides out 409s while
//! another operation runs, waits for long-running operations with progress reports, follows
//! `nextLink` pages, and turns every failure into a typed [`ArmError`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use azure_core::credentials::TokenCredential;
use azure_core::error::ErrorKind;
use azure_core::http::{Context, Method, Pipeline, PipelineSendOptions, Request, Url};
use serde_json::Value;

use super::error::{ArmError, ServiceError};
use super::lro::ProgressSink;
use super::request::{self, ArmRequest, Condition, Repeat};
use super::response::ArmResponse;
use super::retry::{self, Attempt, Decision, RetryPolicy};
use super::traffic::TrafficRecorder;

mod operation;
use crate::model::{ApiFamily, ApiVersions, ResourceId};

/// Timing of the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientOptions {
    /// Retries of single requests.
    pub retry: RetryPolicy,
    /// The wait between polls when Azure gives no `Retry-After`.
    pub poll_interval: Duration,
    /// How long a long-running operation may take.
    pub operation_timeout: Duration,
    /// How long to wait out another operation (409) before giving up.
    pub conflict_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            retry: RetryPolicy::default(),
            poll_interval: Duration::from_secs(10),
            operation_timeout: Duration::from_secs(90 * 60),
            conflict_timeout: Duration::from_secs(60 * 60),
        }
    }
}

/// A resource as read: its body and ETag.
#[derive(Debug, Clone, PartialEq)]
pub struct Live {
    /// The body as GET returned it.
    pub body: Value,
    /// The ETag, if the type has one.
    pub etag: Option<String>,
}

/// The client of one command run.
pub struct ArmClient {
    pipeline: Pipeline,
    base: Url,
    api: ApiVersions,
    options: ClientOptions,
    correlation_id: String,
    traffic: Option<TrafficRecorder>,
    credential: Arc<dyn TokenCredential>,
    scope: String,
}

impl std::fmt::Debug for ArmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArmClient")
            .field("base", &self.base.as_str())
            .field("correlation_id", &self.correlation_id)
            .finish_non_exhaustive()
    }
}

/// Why one attempt did not produce an answer.
enum Failed {
    NotSent(String),
    Unknown(String),
    Credential(String),
}

/// A uniform random number in 0..1 for backoff jitter (53 random bits of a v4 UUID).
fn jitter() -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let bits = (uuid::Uuid::new_v4().as_u128() >> 75) as f64;
    #[allow(clippy::cast_precision_loss)]
    let scale = (1u64 << 53) as f64;
    bits / scale
}

impl ArmClient {
    /// A client for `base` (e.g. `https://management.azure.com/`) with tokens for `scope`.
    pub fn new(
        base: Url,
        scope: String,
        credential: Arc<dyn TokenCredential>,
        api: ApiVersions,
        options: ClientOptions,
    ) -> Self {
        let correlation_id = uuid::Uuid::new_v4().to_string();
        ArmClient {
            pipeline: super::pipeline::build(
                Arc::clone(&credential),
                scope.clone(),
                correlation_id.clone(),
            ),
            base,
            api,
            options,
            correlation_id,
            traffic: None,
            credential,
            scope,
        }
    }

    /// The claims of the access token (tenant `tid`, object `oid`, application `appid`/`azp`),
    /// decoded without verifying the signature: they describe who aksform runs as (the
    /// `azurerm_client_config` data source). An empty object when the token is not a JWT. The
    /// token itself never leaves this function.
    ///
    /// # Errors
    ///
    /// When no token can be obtained.
    pub async fn token_claims(&self) -> Result<Value, ArmError> {
        let token = self
            .credential
            .get_token(&[&self.scope], None)
            .await
            .map_err(|e| ArmError::Credential(e.to_string()))?;
        Ok(super::claims::decode(token.token.secret()))
    }

    /// Also writes every exchange into `recorder`'s directory (the debug option behind
    /// `AKSFORM_TRAFFIC_DIR`).
    #[must_use]
    pub fn with_traffic(mut self, recorder: TrafficRecorder) -> Self {
        self.traffic = Some(recorder);
        self
    }

    /// The correlation id shared by every request of this run.
    pub fn correlation_id(&self) -> &str {
        &self.correlation_id
    }

    /// The endpoint.
    pub fn base(&self) -> &Url {
        &self.base
    }

    fn api_version(&self, id: &ResourceId) -> Result<&str, ArmError> {
        self.api.for_type(&id.resource_type()).ok_or_else(|| {
            ArmError::InvalidRequest(format!(
                "{id}: aksform does not manage resources of type {}",
                id.resource_type()
            ))
        })
    }

    async fn attempt(&self, req: &ArmRequest) -> Result<ArmResponse, Failed> {
        let mut r = Request::new(req.url.clone(), req.method);
        for (k, v) in &req.headers {
            r.insert_header(k.to_ascii_lowercase(), v.clone());
        }
        if let Some(body) = &req.body {
            r.set_body(body.clone());
        }
        let options = PipelineSendOptions {
            skip_checks: true,
            ..PipelineSendOptions::default()
        };
        match self
            .pipeline
            .send(&Context::new(), &mut r, Some(options))
            .await
        {
            Ok(resp) => {
                let (status, headers, body) = resp.deconstruct();
                let resp = ArmResponse {
                    status: u16::from(status),
                    headers: headers
                        .iter()
                        .map(|(k, v)| (k.as_str().to_ascii_lowercase(), v.as_str().to_string()))
                        .collect(),
                    body: body.as_ref().to_vec(),
                };
                if let Some(t) = &self.traffic {
                    t.record(req, &resp);
                }
                Ok(resp)
            }
            Err(e) => {
                // Messages of transport errors name the URL, never headers; credentials errors
                // are reported apart.
                let mut message = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    let text = cause.to_string();
                    if !message.contains(&text) {
                        message = format!("{message}: {text}");
                    }
                    source = cause.source();
                }
                Err(match e.kind() {
                    ErrorKind::Connection => Failed::NotSent(message),
                    ErrorKind::Credential => Failed::Credential(message),
                    _ => Failed::Unknown(message),
                })
            }
        }
    }

    /// Sends one request, retrying as [`retry::decide`] says. Returns whatever Azure finally
    /// answered (any status); only transport failures and exhausted retries are errors.
    ///
    /// # Errors
    ///
    /// [`ArmError::Transport`], [`ArmError::RetriesExhausted`] or [`ArmError::Credential`].
    pub async fn send(&self, req: &ArmRequest) -> Result<ArmResponse, ArmError> {
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self.attempt(req).await;
            let (outcome, last) = match &result {
                Ok(resp) => (Attempt::Answered(resp), format!("HTTP {}", resp.status)),
                Err(Failed::NotSent(m)) => (Attempt::NotSent, m.clone()),
                Err(Failed::Unknown(m)) => (Attempt::Unknown, m.clone()),
                Err(Failed::Credential(m)) => return Err(ArmError::Credential(m.clone())),
            };
            let decision = retry::decide(
                &self.options.retry,
                attempt,
                started.elapsed(),
                outcome,
                req.repeat,
                jitter(),
            );
            match (decision, result) {
                (Decision::Done, Ok(resp)) => return Ok(resp),
                (Decision::Retry(wait), _) => tokio::time::sleep(wait).await,
                (Decision::ReadThenRetry(wait), _) => {
                    tokio::time::sleep(wait).await;
                    if let Some(applied) = self.took_effect(req).await {
                        return Ok(applied);
                    }
                }
                (Decision::GiveUp | Decision::Done, Err(_)) if attempt == 1 => {
                    return Err(ArmError::Transport {
                        method: req.method.to_string(),
                        resource: req.resource.clone(),
                        message: last,
                    });
                }
                (Decision::GiveUp | Decision::Done, _) => {
                    return Err(ArmError::RetriesExhausted {
                        method: req.method.to_string(),
                        resource: req.resource.clone(),
                        attempts: attempt,
                        elapsed: started.elapsed(),
                        last,
                    });
                }
            }
        }
    }

    /// After an unknown outcome of a conditional write: reads the resource and, when the first
    /// attempt evidently took effect, returns that read in place of the lost answer.
    async fn took_effect(&self, req: &ArmRequest) -> Option<ArmResponse> {
        let mut get = req.clone();
        get.method = Method::Get;
        get.body = None;
        get.headers.clear();
        get.repeat = Repeat::Safe;
        let live = Box::pin(self.send(&get)).await.ok()?;
        let applied = match (req.header("If-Match"), req.header("If-None-Match")) {
            (Some(expected), _) => live.status == 200 && live.etag().as_deref() != Some(expected),
            (_, Some(_)) => live.status == 200,
            _ => false,
        };
        applied.then_some(live)
    }

    /// Reads a resource; `None` when it does not exist.
    ///
    /// # Errors
    ///
    /// Azure's error for anything but 200 and 404, or a transport failure.
    pub async fn get(&self, id: &ResourceId) -> Result<Option<Live>, ArmError> {
        let req = request::get(&self.base, id, self.api_version(id)?)?;
        let resp = self.send(&req).await?;
        match resp.status {
            200 => Ok(Some(Live {
                etag: resp.etag(),
                body: resp.json().ok_or_else(|| ArmError::InvalidResponse {
                    resource: id.to_string(),
                    message: "a 200 answer without a JSON body".into(),
                })?,
            })),
            404 => Ok(None),
            _ => Err(service_error("GET", id.as_str(), &resp)),
        }
    }

    /// Reads any ARM path of a provider family (upgrade profiles, the Kubernetes version list).
    ///
    /// # Errors
    ///
    /// Azure's error, or a transport failure.
    pub async fn get_path(&self, path: &str, family: ApiFamily) -> Result<Value, ArmError> {
        let req = request::get_path(&self.base, path, self.api.get(family))?;
        let resp = self.send(&req).await?;
        if resp.status != 200 {
            return Err(service_error("GET", path, &resp));
        }
        resp.json().ok_or_else(|| ArmError::InvalidResponse {
            resource: path.to_string(),
            message: "not JSON".into(),
        })
    }

    /// Every item of a collection, following `nextLink` across pages.
    ///
    /// # Errors
    ///
    /// Azure's error on any page, or a transport failure.
    pub async fn list(&self, path: &str, family: ApiFamily) -> Result<Vec<Value>, ArmError> {
        let mut req = request::get_path(&self.base, path, self.api.get(family))?;
        let mut out = Vec::new();
        for _ in 0..10_000 {
            let resp = self.send(&req).await?;
            if resp.status != 200 {
                return Err(service_error("GET", path, &resp));
            }
            let page = resp.json().unwrap_or(Value::Null);
            if let Some(items) = page.get("value").and_then(Value::as_array) {
                out.extend(items.iter().cloned());
            }
            match page
                .get("nextLink")
                .and_then(Value::as_str)
                .filter(|l| !l.is_empty())
            {
                Some(next) => req = request::follow(&self.base, next, path)?,
                None => return Ok(out),
            }
        }
        Err(ArmError::InvalidResponse {
            resource: path.to_string(),
            message: "more than 10,000 pages: the nextLink chain does not end".into(),
        })
    }

    /// Creates or replaces a resource with the full body and waits for the operation; returns the
    /// resource as it is afterwards.
    ///
    /// # Errors
    ///
    /// [`ArmError::ChangedSincePlan`] for a failed condition, [`ArmError::OperationFailed`] when
    /// the operation ends Failed or Canceled, Azure's error for refused requests, timeouts.
    pub async fn put(
        &self,
        id: &ResourceId,
        body: &Value,
        condition: &Condition,
        progress: &dyn ProgressSink,
    ) -> Result<Live, ArmError> {
        let req = request::put(&self.base, id, self.api_version(id)?, body, condition)?;
        self.write_then_read(id, &req, progress).await
    }

    /// Updates part of a resource (tags) and waits for the operation.
    ///
    /// # Errors
    ///
    /// As [`ArmClient::put`].
    pub async fn patch(
        &self,
        id: &ResourceId,
        body: &Value,
        condition: &Condition,
        progress: &dyn ProgressSink,
    ) -> Result<Live, ArmError> {
        let req = request::patch(&self.base, id, self.api_version(id)?, body, condition)?;
        self.write_then_read(id, &req, progress).await
    }

    /// Deletes a resource and waits until it is gone. Deleting what does not exist succeeds.
    ///
    /// # Errors
    ///
    /// As [`ArmClient::put`].
    pub async fn delete(
        &self,
        id: &ResourceId,
        condition: &Condition,
        progress: &dyn ProgressSink,
    ) -> Result<(), ArmError> {
        let req = request::delete(&self.base, id, self.api_version(id)?, condition)?;
        match self.write(id, &req, progress).await {
            Err(e) if e.is_not_found() => Ok(()),
            other => other.map(|_| ()),
        }
    }
}

fn service_error(method: &str, resource: &str, resp: &ArmResponse) -> ArmError {
    ArmError::Service {
        method: method.to_string(),
        resource: resource.to_string(),
        error: Box::new(ServiceError::from_response(resp)),
    }
}
