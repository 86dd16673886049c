//! One resource's writes during an apply: the ARM requests of a create, an update (upgrade steps
//! first, one AKS operation each, checked against the upgrade profile before it is sent), a
//! replacement or a delete, and of the children it owns (maintenance configurations). Every
//! write is conditional: `If-Match` with the ETag the plan saw (or this apply's own last write),
//! `If-None-Match: *` for creates.

use std::sync::Arc;
use std::time::Instant;

use serde_json::Value as Json;

use super::observer::{Observer, Verb};
use crate::arm::lro::{Progress, ProgressSink};
use crate::arm::{ArmClient, ArmError, Condition, Live, ServiceError};
use crate::config::arm::OnDelete;
use crate::model::{ApiFamily, ResourceId};
use crate::plan::merge::{set_at, strip_read_only};
use crate::plan::upgrade::{VERSION_ATTRIBUTES, default_pool_name, offered_step, profile_path};
use crate::plan::{Action, ChildWrite, ResourceChange};

/// Why one resource's work failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Azure refused a request or an operation failed.
    #[error(transparent)]
    Arm(#[from] ArmError),
    /// An upgrade step is not on offer any more; nothing of the step was sent.
    #[error("{0}")]
    StepRefused(String),
    /// A value the request needs is still unknown after everything it depends on was applied.
    #[error("{0}")]
    Unknown(String),
}

impl WriteError {
    /// The ARM error code, when Azure gave one.
    pub fn code(&self) -> Option<String> {
        match self {
            WriteError::Arm(ArmError::ChangedSincePlan { .. }) => {
                Some("PreconditionFailed".to_string())
            }
            WriteError::Arm(e) => e.service().map(|s| s.code.clone()),
            WriteError::StepRefused(_) => Some("UpgradeNotOffered".to_string()),
            WriteError::Unknown(_) => None,
        }
    }
}

/// What a finished resource leaves behind, for the state index and for later fills.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// The ARM id owned afterwards (`None` after a delete).
    pub id: Option<String>,
    /// Its ETag.
    pub etag: Option<String>,
    /// The resource as read after the write (`None` after a delete).
    pub body: Option<Json>,
}

/// One resource's work, ready to run.
#[derive(Debug, Clone)]
pub struct Job {
    /// The planned change.
    pub change: ResourceChange,
    /// The body to send (the plan's, or filled in after the dependencies were applied).
    pub body: Option<Json>,
    /// The ETag the first write must match: this apply's own last write of the resource, else
    /// the plan's.
    pub etag: Option<String>,
    /// This apply already wrote the cluster the resource belongs to (which changes its pools'
    /// ETags): the ETag to match is read again just before the write.
    pub reread: bool,
}

/// Reports a resource's operation polls to the observer.
struct Sink {
    observer: Arc<dyn Observer>,
    address: String,
    verb: Verb,
    started: Instant,
}

impl ProgressSink for Sink {
    fn report(&self, progress: &Progress) {
        self.observer.progress(
            &self.address,
            self.verb,
            &progress.state,
            self.started.elapsed(),
        );
    }
}

/// Runs `job`.
///
/// # Errors
///
/// The first request that failed; nothing after it is sent.
pub async fn perform(
    client: &ArmClient,
    mut job: Job,
    observer: Arc<dyn Observer>,
    started: Instant,
) -> Result<Written, WriteError> {
    let rc = &job.change.clone();
    let verb = verb_of(rc.action);
    let sink = Sink {
        observer: Arc::clone(&observer),
        address: rc.address.clone(),
        verb,
        started,
    };
    let id = parse(rc.id.as_deref().unwrap_or_default())?;
    let setting = OnDelete::of(&rc.type_name) == OnDelete::ClearManaged;
    let cond = |etag: &Option<String>| etag.clone().map_or(Condition::None, Condition::IfMatch);
    // Whether the resource exists, when a read before the write already told.
    let mut exists_now = None;
    if job.reread {
        let now = client.get(&id).await?;
        exists_now = Some(now.is_some());
        if let Some(now) = now {
            job.etag = now.etag;
        }
    } else if job.etag.is_none() && !setting {
        unchanged_since_plan(client, &id, rc).await?;
    }
    match rc.action {
        Action::NoOp | Action::Read => Ok(Written {
            id: rc.id.clone(),
            etag: job.etag.clone(),
            body: rc.body_before.clone(),
        }),
        Action::Delete if setting => {
            // Clearing a field of a resource that is gone already is done.
            let live = set_fields(client, &id, rc, None, &job.etag, &sink).await?;
            Ok(Written {
                id: None,
                etag: live.as_ref().and_then(|l| l.etag.clone()),
                body: live.map(|l| l.body),
            })
        }
        Action::Delete => {
            client.delete(&id, &cond(&job.etag), &sink).await?;
            Ok(Written::default())
        }
        Action::Create | Action::Update if setting => {
            let live = set_fields(client, &id, rc, job.body.as_ref(), &job.etag, &sink)
                .await?
                .ok_or_else(|| {
                    WriteError::Arm(ArmError::InvalidResponse {
                        resource: id.to_string(),
                        message: format!(
                            "{} sets a field of this resource, which does not exist",
                            rc.address
                        ),
                    })
                })?;
            Ok(written(&id, live))
        }
        Action::Create => {
            let body = sendable(rc, job.body.clone())?;
            let live = client
                .put(&id, &body, &Condition::IfNoneMatch, &sink)
                .await?;
            write_children(client, rc, &sink, false).await?;
            Ok(written(&id, live))
        }
        Action::Update => {
            let mut etag = job.etag.clone();
            let mut last = None;
            let steps = rc.upgrade_steps.len();
            for (i, step) in rc.upgrade_steps.iter().enumerate() {
                let text = format!("{} (step {} of {steps})", step.describe(), i + 1);
                observer.started(&rc.address, Verb::Update, Some(&text));
                let live = upgrade_step(client, rc, step, &etag, &sink).await?;
                if step.id.eq_ignore_ascii_case(id.as_str()) {
                    etag.clone_from(&live.etag);
                    last = Some(live);
                } else {
                    // A cluster's default pool is part of it: carry on from the cluster as it is.
                    let now = client.get(&id).await?.ok_or_else(|| gone(&id))?;
                    etag.clone_from(&now.etag);
                    last = Some(now);
                }
            }
            let only_versions = !rc.upgrade_steps.is_empty()
                && rc
                    .attributes
                    .iter()
                    .all(|a| VERSION_ATTRIBUTES.contains(&a.path.as_str()));
            let live = match last {
                Some(live) if only_versions => live,
                _ => {
                    let body = sendable(rc, job.body.clone())?;
                    client.put(&id, &body, &cond(&etag), &sink).await?
                }
            };
            write_children(client, rc, &sink, false).await?;
            Ok(written(&id, live))
        }
        Action::Replace {
            create_before_destroy,
        } => {
            let old = rc
                .body_before
                .as_ref()
                .and_then(|b| b.get("id")?.as_str())
                .map_or_else(|| Ok(id.clone()), parse)?;
            let moved = !old.as_str().eq_ignore_ascii_case(id.as_str());
            let body = sendable(rc, job.body.clone())?;
            // What lived inside a replaced resource is gone already when its turn comes.
            let exists = match exists_now {
                Some(known) if !moved => known,
                _ => client.get(&old).await?.is_some(),
            };
            let live = if create_before_destroy && moved {
                let live = client
                    .put(&id, &body, &Condition::IfNoneMatch, &sink)
                    .await?;
                if exists {
                    client.delete(&old, &cond(&job.etag), &sink).await?;
                }
                live
            } else {
                if exists {
                    client.delete(&old, &cond(&job.etag), &sink).await?;
                }
                client
                    .put(&id, &body, &Condition::IfNoneMatch, &sink)
                    .await?
            };
            write_children(client, rc, &sink, true).await?;
            Ok(written(&id, live))
        }
    }
}

/// For a resource without an ETag (resource groups, role assignments), `If-Match` cannot guard
/// the write: read it and refuse when it no longer is what the plan saw.
async fn unchanged_since_plan(
    client: &ArmClient,
    id: &ResourceId,
    rc: &ResourceChange,
) -> Result<(), WriteError> {
    let (Some(before), Action::Update | Action::Delete) = (&rc.body_before, rc.action) else {
        return Ok(());
    };
    let now = client.get(id).await?.map(|l| l.body);
    let mut seen = before.clone();
    strip_read_only(&mut seen);
    let same = now.is_some_and(|mut now| {
        strip_read_only(&mut now);
        now == seen
    });
    if same {
        return Ok(());
    }
    Err(WriteError::Arm(ArmError::ChangedSincePlan {
        resource: id.to_string(),
        error: Box::new(ServiceError {
            status: 412,
            code: "PreconditionFailed".into(),
            message:
                "the resource has no ETag; read before writing, it differs from what the plan saw"
                    .into(),
            target: None,
            details: Vec::new(),
            request_id: None,
        }),
    }))
}

/// The verb an action is shown with.
pub fn verb_of(action: Action) -> Verb {
    match action {
        Action::Create | Action::Replace { .. } => Verb::Create,
        Action::Delete => Verb::Delete,
        Action::Read => Verb::Read,
        Action::Update | Action::NoOp => Verb::Update,
    }
}

fn written(id: &ResourceId, live: Live) -> Written {
    Written {
        id: Some(id.to_string()),
        etag: live.etag,
        body: Some(live.body),
    }
}

fn parse(id: &str) -> Result<ResourceId, WriteError> {
    id.parse().map_err(|_| {
        WriteError::Unknown(format!(
            "the Azure id {id:?} is not known or not an ARM id; run plan again"
        ))
    })
}

fn gone(id: &ResourceId) -> WriteError {
    WriteError::Arm(ArmError::InvalidResponse {
        resource: id.to_string(),
        message: "the resource is gone in the middle of its upgrade".into(),
    })
}

/// The body to send: the job's, with a cluster's node pools reduced to its default pool (pools
/// that are resources of their own are never written through the cluster).
fn sendable(rc: &ResourceChange, body: Option<Json>) -> Result<Json, WriteError> {
    let mut body = body.ok_or_else(|| {
        WriteError::Unknown(format!("{}: the plan has no request body", rc.address))
    })?;
    if rc.type_name == "azurerm_kubernetes_cluster" {
        keep_default_pool(rc, &mut body);
    }
    Ok(body)
}

/// Drops every `agentPoolProfiles` entry but the configured default pool's.
fn keep_default_pool(rc: &ResourceChange, body: &mut Json) {
    let Some(default) = default_pool_name(rc) else {
        return;
    };
    if let Some(pools) = body
        .pointer_mut("/properties/agentPoolProfiles")
        .and_then(Json::as_array_mut)
    {
        pools.retain(|p| {
            p.get("name")
                .and_then(Json::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case(&default))
        });
    }
}

/// One upgrade step: read the upgrade profile and refuse a step that is not on offer, then read
/// the resource and send it back with only the version changed.
async fn upgrade_step(
    client: &ArmClient,
    rc: &ResourceChange,
    step: &crate::plan::types::UpgradeStep,
    chain_etag: &Option<String>,
    sink: &Sink,
) -> Result<Live, WriteError> {
    let step_id = parse(&step.id)?;
    let cluster = match &step.pool {
        Some(_) => step_id
            .parent()
            .ok_or_else(|| WriteError::Unknown(format!("{}: not an agent pool id", step.id)))?,
        None => step_id.clone(),
    };
    let profile = client
        .get_path(&profile_path(cluster.as_str()), ApiFamily::ContainerService)
        .await?;
    offered_step(&profile, step.pool.as_deref(), &step.to).map_err(|why| {
        WriteError::StepRefused(format!(
            "{}: {} was not sent: {why}",
            rc.address,
            step.describe()
        ))
    })?;
    let live = client.get(&step_id).await?.ok_or_else(|| gone(&step_id))?;
    let mut body = live.body;
    strip_read_only(&mut body);
    let pointer = if step.pool.is_some() {
        "/properties/orchestratorVersion"
    } else {
        "/properties/kubernetesVersion"
    };
    set_at(&mut body, pointer, Some(Json::String(step.to.clone())));
    if step.pool.is_none() {
        keep_default_pool(rc, &mut body);
    }
    // The resource's own first write matches the plan's ETag; a default pool (part of the
    // cluster) matches what was just read.
    let own = step_id
        .as_str()
        .eq_ignore_ascii_case(rc.id.as_deref().unwrap_or_default());
    let etag = if own { chain_etag.clone() } else { live.etag };
    let cond = etag.map_or(Condition::None, Condition::IfMatch);
    Ok(client.put(&step_id, &body, &cond, sink).await?)
}

/// A setting of another resource (the subnet–NSG association): read that resource, set (or
/// clear, for `fields: None`) the managed fields, and write it back. `None` when the resource
/// does not exist.
async fn set_fields(
    client: &ArmClient,
    id: &ResourceId,
    rc: &ResourceChange,
    fields: Option<&Json>,
    etag: &Option<String>,
    sink: &Sink,
) -> Result<Option<Live>, WriteError> {
    let Some(live) = client.get(id).await? else {
        return Ok(None);
    };
    let mut body = live.body;
    for pointer in OnDelete::owned_pointers(&rc.type_name) {
        set_at(
            &mut body,
            pointer,
            fields.and_then(|f| f.pointer(pointer)).cloned(),
        );
    }
    strip_read_only(&mut body);
    let expected = etag.clone().or(live.etag);
    let cond = expected.map_or(Condition::None, Condition::IfMatch);
    Ok(Some(client.put(id, &body, &cond, sink).await?))
}

/// Writes the children a resource owns: creates and updates as planned (after a replacement,
/// every child is written anew), deletes of children that must not exist.
async fn write_children(
    client: &ArmClient,
    rc: &ResourceChange,
    sink: &Sink,
    replaced: bool,
) -> Result<(), WriteError> {
    for child in &rc.children {
        write_child(client, child, sink, replaced).await?;
    }
    Ok(())
}

async fn write_child(
    client: &ArmClient,
    child: &ChildWrite,
    sink: &Sink,
    replaced: bool,
) -> Result<(), WriteError> {
    let id = parse(&child.id)?;
    let cond = match (&child.etag, replaced) {
        (Some(e), false) => Condition::IfMatch(e.clone()),
        _ => Condition::None,
    };
    match (child.action, &child.body_after) {
        (Action::Delete, _) if !replaced => client.delete(&id, &cond, sink).await?,
        (Action::Delete, _) => {}
        (Action::NoOp, _) if !replaced => {}
        (_, Some(body)) => {
            client.put(&id, body, &cond, sink).await?;
        }
        (_, None) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_cluster_body_carries_only_its_default_pool() {
        let mut rc = ResourceChange::new(
            "azurerm_kubernetes_cluster.main".into(),
            String::new(),
            crate::plan::Mode::Managed,
            "azurerm_kubernetes_cluster".into(),
            "main".into(),
            Action::Update,
        );
        rc.after = Some(json!({"default_node_pool": [{"name": "system"}]}));
        let body =
            json!({"properties": {"agentPoolProfiles": [{"name": "system"}, {"name": "apps"}]}});
        let sent = sendable(&rc, Some(body)).unwrap();
        assert_eq!(
            sent["properties"]["agentPoolProfiles"],
            json!([{"name": "system"}])
        );
        let err = sendable(&rc, None).unwrap_err();
        assert!(err.to_string().contains("no request body"), "{err}");
    }

    #[test]
    fn failures_carry_their_codes() {
        let e = WriteError::StepRefused("x".into());
        assert_eq!(e.code().as_deref(), Some("UpgradeNotOffered"));
        assert_eq!(
            verb_of(Action::Replace {
                create_before_destroy: false
            }),
            Verb::Create
        );
        assert_eq!(verb_of(Action::Delete), Verb::Delete);
    }
}
