//! Writes and their long-running operations: sending a PUT, PATCH or DELETE, waiting out a 409
//! while another operation runs on the cluster or its pools, and following the operation through
//! `Azure-AsyncOperation`, `Location` or the resource's `provisioningState` until it ends.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::{ArmClient, Live};
use crate::arm::error::{ArmError, ServiceError};
use crate::arm::lro::{self, PollTarget, Progress, ProgressSink, Status};
use crate::arm::request::{self, ArmRequest};
use crate::arm::response::ArmResponse;
use crate::model::{ApiFamily, ResourceId};

impl ArmClient {
    /// Sends a write, waits for it, and reads the resource as it is afterwards.
    pub(super) async fn write_then_read(
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
    pub(super) async fn write(
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
