//! The apply executor: a walk of the plan's dependency graph. Independent resources run
//! concurrently (a `JoinSet` bounded by `parallelism`); a resource starts once everything it
//! depends on succeeded; writes to one AKS cluster and its pools run one at a time, since AKS
//! runs one operation per cluster; a failure skips its dependents while independent branches
//! finish. The state index is saved after every finished resource (and before every create is
//! sent), so an interrupted apply loses nothing. The first interrupt stops new work and waits;
//! the second stops waiting and names the operations still running in Azure.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value as Json;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::ledger::Ledger;
use super::observer::{Observer, Outcome};
use super::refresh::refresh;
use super::write::{Job, WriteError, Written, perform, verb_of};
use crate::arm::ArmClient;
use crate::model::ResourceId;
use crate::plan::order::delete_rank;
use crate::plan::{Action, LiveResource, Mode, Plan, ResourceChange, Snapshot};

/// Fills in the values of a body that were unknown at plan time, from the resources applied so
/// far (the CLI evaluates the configuration again).
pub trait Fill {
    /// The body (and id) `change` sends now that its dependencies are in `applied`.
    ///
    /// # Errors
    ///
    /// Why it cannot be filled (a value still unknown, a configuration error).
    fn fill(&self, change: &ResourceChange, applied: &Snapshot) -> Result<Filled, String>;
}

/// A filled-in request.
#[derive(Debug, Clone)]
pub struct Filled {
    /// The ARM id.
    pub id: String,
    /// The body to send.
    pub body: Json,
}

/// How a run ended, resource by resource.
#[derive(Debug, Default)]
pub struct Report {
    /// Finished resources and what was done to them, in the order they finished.
    pub done: Vec<(String, Action)>,
    /// Failed resources: address, ARM error code, message.
    pub failed: Vec<(String, Option<String>, String)>,
    /// Resources not started, and why.
    pub skipped: Vec<(String, String)>,
    /// Resources whose operations were still running in Azure when the run stopped waiting.
    pub abandoned: Vec<String>,
    /// The run was interrupted.
    pub interrupted: bool,
    /// Saving the state index failed (the run stopped starting work).
    pub state_error: Option<String>,
}

impl Report {
    /// Whether everything planned was done.
    pub fn complete(&self) -> bool {
        self.failed.is_empty()
            && self.skipped.is_empty()
            && self.abandoned.is_empty()
            && !self.interrupted
            && self.state_error.is_none()
    }
}

/// One node of the walk.
struct Node {
    change: ResourceChange,
    deps: BTreeSet<usize>,
    /// The AKS cluster whose operations it runs (one at a time per cluster).
    cluster: Option<String>,
}

enum State {
    Waiting,
    Running,
    Done,
    Failed,
}

/// The options of a run.
#[derive(Clone)]
pub struct ExecOptions {
    /// How many resources may run at once.
    pub parallelism: usize,
    /// Who watches.
    pub observer: Arc<dyn Observer>,
}

/// The work of a plan: every change (and every adoption), with its dependencies among them.
fn nodes(plan: &Plan) -> Vec<Node> {
    let changes: Vec<&ResourceChange> = plan
        .resources
        .iter()
        .filter(|r| r.mode == Mode::Managed && (r.action.is_change() || r.importing))
        .collect();
    let index: BTreeMap<&str, usize> = changes
        .iter()
        .enumerate()
        .map(|(i, r)| (r.address.as_str(), i))
        .collect();
    changes
        .iter()
        .map(|rc| {
            let mut deps: BTreeSet<usize> = rc
                .depends_on
                .iter()
                .filter_map(|d| index.get(d.as_str()).copied())
                .collect();
            if rc.action == Action::Delete {
                // What is deleted goes before what contains it: pools before their cluster, the
                // cluster before its network, the resource group last.
                let rank = delete_rank(&rc.type_name);
                for (j, other) in changes.iter().enumerate() {
                    if other.action == Action::Delete
                        && delete_rank(&other.type_name) < rank
                        && same_group(other.id.as_deref(), rc.id.as_deref())
                    {
                        deps.insert(j);
                    }
                }
            }
            Node {
                change: (*rc).clone(),
                deps,
                cluster: rc.id.as_deref().and_then(cluster_of),
            }
        })
        .collect()
}

/// Whether two ids are in the same resource group (or either has none).
fn same_group(a: Option<&str>, b: Option<&str>) -> bool {
    let group = |id: Option<&str>| {
        let id: ResourceId = id?.parse().ok()?;
        Some((
            id.subscription_id().to_ascii_lowercase(),
            id.resource_group_name()?.to_ascii_lowercase(),
        ))
    };
    match (group(a), group(b)) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// The cluster an AKS resource (cluster, pool, maintenance configuration) belongs to.
pub fn cluster_of(id: &str) -> Option<String> {
    let mut at: ResourceId = id.parse().ok()?;
    if !at
        .resource_type()
        .to_ascii_lowercase()
        .starts_with("microsoft.containerservice/managedclusters")
    {
        return None;
    }
    while !at.is_type("Microsoft.ContainerService/managedClusters") {
        at = at.parent()?;
    }
    Some(at.as_str().to_ascii_lowercase())
}

/// A task's result.
type TaskResult = (usize, Result<Written, WriteError>, Duration);

/// Applies `plan`.
///
/// `applied` starts as what planning read and receives every resource written; `interrupts`
/// delivers one message per Ctrl-C.
pub async fn execute(
    client: Arc<ArmClient>,
    plan: &Plan,
    ledger: &mut Ledger,
    fill: &dyn Fill,
    applied: &mut Snapshot,
    options: ExecOptions,
    mut interrupts: mpsc::Receiver<()>,
) -> Report {
    let observer = options.observer;
    let nodes = nodes(plan);
    let ids: BTreeMap<String, String> = plan
        .resources
        .iter()
        .filter_map(|r| Some((r.address.clone(), r.id.clone()?)))
        .collect();
    let mut state: Vec<State> = nodes.iter().map(|_| State::Waiting).collect();
    let mut report = Report::default();
    let mut busy: BTreeSet<String> = BTreeSet::new();
    let mut running: BTreeSet<usize> = BTreeSet::new();
    let mut tasks: JoinSet<TaskResult> = JoinSet::new();
    let mut stopping = false;
    let mut interrupts_open = true;
    // This apply's own last ETag per id: a later write of the same resource matches it.
    let mut etags: BTreeMap<String, Option<String>> = BTreeMap::new();
    // Clusters this apply wrote to (their pools' ETags moved with them).
    let mut touched: BTreeSet<String> = BTreeSet::new();
    observer.begin(nodes.len());
    loop {
        if !stopping && report.state_error.is_none() {
            let mut batch: Vec<(usize, Job)> = Vec::new();
            for i in 0..nodes.len() {
                if running.len() >= options.parallelism.max(1) {
                    break;
                }
                if !matches!(state[i], State::Waiting)
                    || !nodes[i]
                        .deps
                        .iter()
                        .all(|d| matches!(state[*d], State::Done))
                    || nodes[i].cluster.as_ref().is_some_and(|c| busy.contains(c))
                {
                    continue;
                }
                let node = &nodes[i];
                let rc = &node.change;
                let mut job = Job {
                    change: rc.clone(),
                    body: rc.body_after.clone(),
                    etag: rc.etag.clone(),
                    reread: false,
                };
                if let Some(id) = &rc.id
                    && let Some(own) = etags.get(&id.to_ascii_lowercase())
                {
                    job.etag.clone_from(own);
                } else if node.cluster.as_ref().is_some_and(|c| touched.contains(c)) {
                    job.reread = true;
                }
                if needs_fill(rc) {
                    let filled =
                        match ensure_read(&client, rc, &ids, applied, options.parallelism).await {
                            Ok(()) => fill.fill(rc, applied).map_err(|why| {
                                WriteError::Unknown(format!("{}: {why}", rc.address))
                            }),
                            Err(e) => Err(e),
                        };
                    match filled {
                        Ok(filled) => {
                            job.change.id = Some(filled.id);
                            job.body = Some(filled.body);
                        }
                        Err(e) => {
                            observer.started(&rc.address, verb_of(rc.action), None);
                            fail(
                                &mut report,
                                &mut state,
                                i,
                                node,
                                e,
                                &*observer,
                                Duration::ZERO,
                            );
                            continue;
                        }
                    }
                }
                if let Some(c) = &node.cluster {
                    busy.insert(c.clone());
                }
                state[i] = State::Running;
                running.insert(i);
                batch.push((i, job));
            }
            // Pending entries of everything about to start are on disk before any of it is sent.
            let changes: Vec<&ResourceChange> = batch.iter().map(|(_, j)| &j.change).collect();
            if let Err(e) = ledger.before(&changes) {
                report.state_error = Some(e.to_string());
                for (i, _) in &batch {
                    state[*i] = State::Waiting;
                    running.remove(i);
                    if let Some(c) = &nodes[*i].cluster {
                        busy.remove(c);
                    }
                }
                batch.clear();
            }
            for (i, job) in batch {
                let started = Instant::now();
                observer.started(&job.change.address, verb_of(job.change.action), None);
                let client = Arc::clone(&client);
                let obs = Arc::clone(&observer);
                tasks.spawn(async move {
                    let result = perform(&client, job, obs, started).await;
                    (i, result, started.elapsed())
                });
            }
        }
        if running.is_empty() {
            break;
        }
        tokio::select! {
            joined = tasks.join_next() => {
                let Some(first) = joined else { break };
                // Everything else that finished meanwhile is recorded with one save.
                let mut finished = vec![first];
                while let Some(more) = tasks.try_join_next() {
                    finished.push(more);
                }
                let mut succeeded: Vec<(usize, Written, Duration)> = Vec::new();
                for joined in finished {
                    let (i, result, elapsed) = match joined {
                        Ok(r) => r,
                        Err(e) => {
                            // A task that panicked or was cancelled: its node is unknown.
                            report.state_error.get_or_insert(format!("an apply task failed: {e}"));
                            continue;
                        }
                    };
                    running.remove(&i);
                    if let Some(c) = &nodes[i].cluster {
                        busy.remove(c);
                        touched.insert(c.clone());
                    }
                    match result {
                        Ok(written) => succeeded.push((i, written, elapsed)),
                        Err(e) => fail(&mut report, &mut state, i, &nodes[i], e, &*observer, elapsed),
                    }
                }
                let done: Vec<(&ResourceChange, &Written)> = succeeded
                    .iter()
                    .map(|(i, w, _)| (&nodes[*i].change, w))
                    .collect();
                if let Err(e) = ledger.after(&done) {
                    report.state_error = Some(e.to_string());
                }
                for (i, written, elapsed) in &succeeded {
                    let rc = &nodes[*i].change;
                    record(applied, &mut etags, rc, written);
                    state[*i] = State::Done;
                    report.done.push((rc.address.clone(), rc.action));
                    observer.finished(
                        &rc.address,
                        verb_of(rc.action),
                        *elapsed,
                        &Outcome::Done { id: written.id.clone() },
                    );
                }
            }
            signal = interrupts.recv(), if interrupts_open => {
                if signal.is_none() {
                    interrupts_open = false;
                } else if stopping {
                    report.abandoned = running.iter().map(|i| nodes[*i].change.address.clone()).collect();
                    tasks.abort_all();
                    break;
                } else {
                    stopping = true;
                    report.interrupted = true;
                    observer.stopping();
                }
            }
        }
    }
    for (i, s) in state.iter().enumerate() {
        if matches!(s, State::Waiting) {
            let because = if report.state_error.is_some() {
                "the state index could not be saved".to_string()
            } else if stopping {
                "the apply was interrupted".to_string()
            } else {
                blocked_by(&nodes, &state, i)
            };
            observer.finished(
                &nodes[i].change.address,
                verb_of(nodes[i].change.action),
                Duration::ZERO,
                &Outcome::Skipped {
                    because: because.clone(),
                },
            );
            report
                .skipped
                .push((nodes[i].change.address.clone(), because));
        }
    }
    observer.end();
    report
}

/// Whether a change's body has values known only after apply.
fn needs_fill(rc: &ResourceChange) -> bool {
    matches!(
        rc.action,
        Action::Create | Action::Update | Action::Replace { .. }
    ) && (!rc.body_unknown.is_empty() || rc.id.is_none())
}

/// Reads the dependencies of `rc` that this run has not seen yet (a saved plan's apply has no
/// snapshot of its own), so that the fill can use their computed values.
async fn ensure_read(
    client: &Arc<ArmClient>,
    rc: &ResourceChange,
    ids: &BTreeMap<String, String>,
    applied: &mut Snapshot,
    parallelism: usize,
) -> Result<(), WriteError> {
    let missing: Vec<ResourceId> = rc
        .depends_on
        .iter()
        .filter_map(|a| ids.get(a)?.parse::<ResourceId>().ok())
        .filter(|id| !applied.was_read(id))
        .collect();
    if !missing.is_empty() {
        let read = refresh(Arc::clone(client), missing, parallelism)
            .await
            .map_err(|mut errors| WriteError::Arm(errors.swap_remove(0)))?;
        applied.merge(read);
    }
    Ok(())
}

/// Remembers what a finished resource left behind.
fn record(
    applied: &mut Snapshot,
    etags: &mut BTreeMap<String, Option<String>>,
    rc: &ResourceChange,
    written: &Written,
) {
    let Some(id) = written.id.as_ref().or(rc.id.as_ref()) else {
        return;
    };
    etags.insert(id.to_ascii_lowercase(), written.etag.clone());
    if let Ok(parsed) = id.parse::<ResourceId>() {
        applied.insert(
            &parsed,
            written.body.clone().map(|body| LiveResource {
                body,
                etag: written.etag.clone(),
            }),
        );
    }
}

/// Marks node `i` failed and reports it.
fn fail(
    report: &mut Report,
    state: &mut [State],
    i: usize,
    node: &Node,
    e: WriteError,
    observer: &dyn Observer,
    elapsed: Duration,
) {
    state[i] = State::Failed;
    let code = e.code();
    let message = e.to_string();
    observer.finished(
        &node.change.address,
        verb_of(node.change.action),
        elapsed,
        &Outcome::Failed {
            code: code.clone(),
            message: message.clone(),
        },
    );
    report
        .failed
        .push((node.change.address.clone(), code, message));
}

/// Why a waiting node never started: the first dependency that failed or was itself blocked.
fn blocked_by(nodes: &[Node], state: &[State], i: usize) -> String {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<usize> = nodes[i].deps.iter().copied().collect();
    while let Some(d) = stack.pop() {
        if !seen.insert(d) {
            continue;
        }
        match state[d] {
            State::Failed => return format!("{} failed", nodes[d].change.address),
            State::Waiting => stack.extend(nodes[d].deps.iter().copied()),
            State::Running | State::Done => {}
        }
    }
    "a resource it depends on did not finish".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Target;

    const RG: &str = "/subscriptions/s/resourceGroups/rg";

    fn change(
        address: &str,
        type_name: &str,
        id: &str,
        action: Action,
        deps: &[&str],
    ) -> ResourceChange {
        let mut rc = ResourceChange::new(
            address.into(),
            String::new(),
            Mode::Managed,
            type_name.into(),
            address.rsplit('.').next().unwrap_or_default().into(),
            action,
        );
        rc.id = Some(id.into());
        rc.depends_on = deps.iter().map(|d| (*d).to_string()).collect();
        rc
    }

    fn plan(resources: Vec<ResourceChange>) -> Plan {
        Plan {
            format: crate::plan::types::PLAN_FORMAT,
            aksform_version: String::new(),
            target: Target::default(),
            config_hash: String::new(),
            resources,
            outputs: Vec::new(),
            notes: Vec::new(),
        }
    }

    #[test]
    fn aks_resources_share_their_cluster_and_nothing_else_does() {
        let cluster = format!("{RG}/providers/Microsoft.ContainerService/managedClusters/aks");
        assert_eq!(cluster_of(&cluster), Some(cluster.to_ascii_lowercase()));
        assert_eq!(
            cluster_of(&format!("{cluster}/agentPools/apps")),
            Some(cluster.to_ascii_lowercase())
        );
        assert_eq!(
            cluster_of(&format!("{cluster}/maintenanceConfigurations/default")),
            Some(cluster.to_ascii_lowercase())
        );
        // A role assignment scoped to the cluster is an Authorization resource.
        assert_eq!(
            cluster_of(&format!(
                "{cluster}/providers/Microsoft.Authorization/roleAssignments/x"
            )),
            None
        );
        assert_eq!(cluster_of(RG), None);
    }

    #[test]
    fn only_changes_are_nodes_and_dependencies_follow_them() {
        let p = plan(vec![
            change(
                "azurerm_resource_group.a",
                "azurerm_resource_group",
                RG,
                Action::NoOp,
                &[],
            ),
            change(
                "azurerm_virtual_network.v",
                "azurerm_virtual_network",
                &format!("{RG}/providers/Microsoft.Network/virtualNetworks/v"),
                Action::Create,
                &["azurerm_resource_group.a"],
            ),
            change(
                "azurerm_subnet.s",
                "azurerm_subnet",
                &format!("{RG}/providers/Microsoft.Network/virtualNetworks/v/subnets/s"),
                Action::Create,
                &["azurerm_virtual_network.v", "azurerm_resource_group.a"],
            ),
        ]);
        let n = nodes(&p);
        assert_eq!(n.len(), 2, "the unchanged group is no node");
        assert!(
            n[0].deps.is_empty(),
            "a dependency that does not change is met"
        );
        assert_eq!(n[1].deps, BTreeSet::from([0]));
    }

    #[test]
    fn deletes_wait_for_what_they_contain_within_their_group() {
        let cluster = format!("{RG}/providers/Microsoft.ContainerService/managedClusters/aks");
        let p = plan(vec![
            change(
                "azurerm_resource_group.a",
                "azurerm_resource_group",
                RG,
                Action::Delete,
                &[],
            ),
            change(
                "azurerm_kubernetes_cluster.k",
                "azurerm_kubernetes_cluster",
                &cluster,
                Action::Delete,
                &[],
            ),
            change(
                "azurerm_kubernetes_cluster_node_pool.p",
                "azurerm_kubernetes_cluster_node_pool",
                &format!("{cluster}/agentPools/p"),
                Action::Delete,
                &[],
            ),
            change(
                "azurerm_resource_group.other",
                "azurerm_resource_group",
                "/subscriptions/s/resourceGroups/other",
                Action::Delete,
                &[],
            ),
        ]);
        let n = nodes(&p);
        assert_eq!(n[2].deps, BTreeSet::new(), "the pool goes first");
        assert_eq!(n[1].deps, BTreeSet::from([2]), "then its cluster");
        assert_eq!(n[0].deps, BTreeSet::from([1, 2]), "the group last");
        assert_eq!(n[3].deps, BTreeSet::new(), "another group is independent");
        assert_eq!(n[1].cluster, n[2].cluster, "pool and cluster take turns");
    }

    #[test]
    fn a_skipped_resource_names_the_failure_that_blocked_it() {
        let p = plan(vec![
            change("a.x", "azurerm_resource_group", RG, Action::Create, &[]),
            change(
                "b.x",
                "azurerm_resource_group",
                RG,
                Action::Create,
                &["a.x"],
            ),
            change(
                "c.x",
                "azurerm_resource_group",
                RG,
                Action::Create,
                &["b.x"],
            ),
        ]);
        let n = nodes(&p);
        let state = [State::Failed, State::Waiting, State::Waiting];
        assert_eq!(blocked_by(&n, &state, 2), "a.x failed");
        assert_eq!(blocked_by(&n, &state, 1), "a.x failed");
    }
}
