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
use super::lro::{self, PollTarget, Progress, ProgressSink, Status};
use super::request::{self, ArmRequest, Condition, Repeat};
use super::response::ArmResponse;
use super::retry::{self, Attempt, Decision, RetryPolicy};
use super::traffic::TrafficRecorder;
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
            pipeline: super::pipeline::build(credential, scope, correlation_id.clone()),
            base,
            api,
            options,
            correlation_id,
            traffic: None,
        }
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

    /// Sends a write, waits for it, and reads the resource as it is afterwards.
    async fn write_then_read(
        &self,
        id: &ResourceId,
        req: &ArmRequest,
        progress: &dyn ProgressSink,
    ) -> Result<Live, ArmError> {
        self.write(id, req, progress).await?;
        self.get(id)
            .await?
            .ok_or_else(|| ArmError::InvalidResponse {
                resource: id.to_string(),
                message: format!("the resource is gone right after the {}", req.method),
            })
    }

    /// Sends a write, waiting out conflicting operations, then follows its long-running operation.
    async fn write(
        &self,
        id: &ResourceId,
        req: &ArmRequest,
        progress: &dyn ProgressSink,
    ) -> Result<ArmResponse, ArmError> {
        let started = Instant::now();
        let method = req.method.to_string();
        let mut idle_conflicts = 0;
        loop {
            let resp = self.send(req).await?;
            if resp.is_success() {
                return self.follow(id, &method, resp, started, progress).await;
            }
            let error = Box::new(ServiceError::from_response(&resp));
            if resp.status == 412 {
                return Err(ArmError::ChangedSincePlan {
                    resource: id.to_string(),
                    error,
                });
            }
            let busy = resp.status == 409
                && [
                    "OperationNotAllowed",
                    "AnotherOperationInProgress",
                    "Conflict",
                ]
                .iter()
                .any(|c| error.is(c));
            let refuse = || ArmError::Service {
                method: method.clone(),
                resource: id.to_string(),
                error: error.clone(),
            };
            if !busy || started.elapsed() > self.options.conflict_timeout {
                return Err(refuse());
            }
            if self.wait_until_idle(id, started, progress).await? {
                idle_conflicts = 0;
            } else {
                // Azure said busy but nothing is running: the operation may have just ended, or
                // the conflict is of another kind. Try a few times, then report it.
                idle_conflicts += 1;
                if idle_conflicts > 3 {
                    return Err(refuse());
                }
                tokio::time::sleep(self.options.poll_interval.min(Duration::from_secs(30))).await;
            }
        }
    }

    /// The operations running where a write to `id` can collide: on the resource itself, or for
    /// AKS on the cluster and every one of its pools (one operation at a time per cluster), for a
    /// subnet on its virtual network. Returns `(resource, provisioningState)` of the busy ones.
    async fn running(&self, id: &ResourceId) -> Result<Vec<(String, String)>, ArmError> {
        const CLUSTER: &str = "Microsoft.ContainerService/managedClusters";
        let owner = if id.is_type(&format!("{CLUSTER}/agentPools"))
            || id.is_type(&format!("{CLUSTER}/maintenanceConfigurations"))
            || id.is_type("Microsoft.Network/virtualNetworks/subnets")
        {
            id.parent().unwrap_or_else(|| id.clone())
        } else {
            id.clone()
        };
        let mut bodies: Vec<Value> = self
            .get(&owner)
            .await?
            .map(|l| l.body)
            .into_iter()
            .collect();
        if owner.is_type(CLUSTER) && !bodies.is_empty() {
            let pools = format!("{}/agentPools", owner.as_str());
            bodies.extend(self.list(&pools, ApiFamily::ContainerService).await?);
        }
        Ok(bodies
            .iter()
            .filter_map(|b| {
                let state = b.pointer("/properties/provisioningState")?.as_str()?;
                let name = b
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or(owner.as_str());
                (!lro::is_terminal(state)).then(|| (name.to_string(), state.to_string()))
            })
            .collect())
    }

    /// After a 409: waits until nothing runs where the write to `id` collides. Returns whether
    /// anything was running at all (a 409 with nothing running is not a busy resource).
    async fn wait_until_idle(
        &self,
        id: &ResourceId,
        started: Instant,
        progress: &dyn ProgressSink,
    ) -> Result<bool, ArmError> {
        let mut waited = false;
        loop {
            let busy = self.running(id).await?;
            let Some((other, state)) = busy.first() else {
                return Ok(waited);
            };
            waited = true;
            progress.report(&Progress {
                resource: id.clone(),
                state: format!("waiting: {other} is {state}"),
                elapsed: started.elapsed(),
            });
            if started.elapsed() > self.options.conflict_timeout {
                return Err(ArmError::Timeout {
                    resource: id.to_string(),
                    what: format!("the operation on {other} to finish"),
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(self.options.poll_interval.min(Duration::from_secs(30))).await;
        }
    }

    /// Follows the long-running operation a write started until it ends.
    async fn follow(
        &self,
        id: &ResourceId,
        method: &str,
        first: ArmResponse,
        started: Instant,
        progress: &dyn ProgressSink,
    ) -> Result<ArmResponse, ArmError> {
        let state = first.provisioning_state().unwrap_or_else(|| {
            if method == "DELETE" {
                "Deleting".into()
            } else {
                "Accepted".into()
            }
        });
        let mut wait = lro::wait(&first, self.options.poll_interval);
        let target = lro::poll_target(&first);
        if target == PollTarget::None {
            return Ok(first);
        }
        loop {
            if started.elapsed() > self.options.operation_timeout {
                return Err(ArmError::Timeout {
                    resource: id.to_string(),
                    what: "the operation".into(),
                    waited: started.elapsed(),
                });
            }
            progress.report(&Progress {
                resource: id.clone(),
                state: state.clone(),
                elapsed: started.elapsed(),
            });
            tokio::time::sleep(wait).await;
            match &target {
                PollTarget::AsyncOperation(url) => {
                    let resp = self
                        .send(&request::follow(&self.base, url, id.as_str())?)
                        .await?;
                    if resp.status != 200 {
                        // A failed status read is not a failed operation: keep polling.
                        wait = lro::wait(&resp, self.options.poll_interval);
                        continue;
                    }
                    wait = lro::wait(&resp, self.options.poll_interval);
                    match resp.json().as_ref().and_then(lro::parse_status) {
                        Some(Status::Succeeded) => return Ok(resp),
                        Some(Status::Failed(error)) => {
                            return Err(ArmError::OperationFailed {
                                resource: id.to_string(),
                                status: "Failed".into(),
                                error: Box::new(error),
                            });
                        }
                        Some(Status::Canceled(error)) => {
                            return Err(ArmError::OperationFailed {
                                resource: id.to_string(),
                                status: "Canceled".into(),
                                error: Box::new(error),
                            });
                        }
                        Some(Status::Running(_)) | None => {}
                    }
                }
                PollTarget::Location(url) => {
                    let resp = self
                        .send(&request::follow(&self.base, url, id.as_str())?)
                        .await?;
                    wait = lro::wait(&resp, self.options.poll_interval);
                    match resp.status {
                        202 => {}
                        200..=299 => return Ok(resp),
                        404 if method == "DELETE" => return Ok(resp),
                        _ => {
                            return Err(ArmError::OperationFailed {
                                resource: id.to_string(),
                                status: "Failed".into(),
                                error: Box::new(ServiceError::from_response(&resp)),
                            });
                        }
                    }
                }
                PollTarget::Resource => {
                    let req = request::get(&self.base, id, self.api_version(id)?)?;
                    let resp = self.send(&req).await?;
                    wait = lro::wait(&resp, self.options.poll_interval);
                    if resp.status == 404 && method == "DELETE" {
                        return Ok(resp);
                    }
                    match resp.provisioning_state() {
                        Some(s) if s.eq_ignore_ascii_case("Succeeded") => return Ok(resp),
                        Some(s) if lro::is_terminal(&s) => {
                            return Err(ArmError::OperationFailed {
                                resource: id.to_string(),
                                status: s.clone(),
                                error: Box::new(ServiceError {
                                    status: 0,
                                    code: format!("Provisioning{s}"),
                                    message: format!("the resource's provisioningState became {s}"),
                                    target: None,
                                    details: Vec::new(),
                                    request_id: resp.header("x-ms-request-id").map(str::to_string),
                                }),
                            });
                        }
                        _ => {}
                    }
                }
                PollTarget::None => return Ok(first),
            }
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
