//! Making a plan against Azure: evaluate the configuration, read the data sources, read every
//! resource once (concurrently), evaluate again with what Azure knows, and plan; repeat while
//! the set of resources to read or to create changes (at most a few rounds: ids follow from
//! names, so they rarely depend on live values).

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::data::{DataReads, Identity, read_data};
use super::refresh::refresh;
use crate::arm::{ArmClient, ArmError};
use crate::config::eval::DataResolver;
use crate::config::pipeline::Loaded;
use crate::config::value::Value;
use crate::diag::Diagnostics;
use crate::model::{ApiFamily, ResourceId};
use crate::plan::resolver::LiveValues;
use crate::plan::upgrade::{
    catalogue_key, catalogue_path, needs_catalogue, profile_path, upgrade_steps, version_changes,
};
use crate::plan::{Action, Owned, PlanOptions, Planned, Snapshot, plan, reads};

/// How many evaluate-read-plan rounds may run before the plan is taken as it is.
const MAX_ROUNDS: usize = 4;

/// A finished planning run.
#[derive(Debug)]
pub struct Outcome {
    /// The configuration as last evaluated (with live computed values filled in).
    pub loaded: Loaded,
    /// The plan and its diagnostics.
    pub planned: Planned,
    /// Every resource read.
    pub snapshot: Snapshot,
    /// How many ARM resources were read.
    pub reads: usize,
    /// The data sources' values, by instance address (for evaluations during apply).
    pub data: DataValues,
}

/// Data source values, by instance address.
pub type DataValues = BTreeMap<String, BTreeMap<String, Value>>;

/// Reads the data sources of `first`, in rounds (one may take its arguments from another), and
/// evaluates the configuration again with their values.
///
/// # Errors
///
/// Configuration errors, or a data source that cannot be read.
pub async fn resolve_data(
    first: Loaded,
    load: &dyn Fn(&dyn DataResolver) -> Loaded,
    client: &ArmClient,
    who: &Identity,
) -> Result<(Loaded, DataValues), PlanningError> {
    if first.diags.has_errors() {
        let diags = first.diags.clone();
        return Err(PlanningError::Config(Box::new(first), diags));
    }
    let snapshot = Snapshot::default();
    let fresh: BTreeSet<String> = BTreeSet::new();
    let mut data = BTreeMap::new();
    let mut loaded = first;
    for _ in 0..MAX_ROUNDS {
        let DataReads { values, problems } = read_data(client, &loaded.evaluated, who, &data).await;
        if !problems.is_empty() {
            let mut diags = loaded.diags.clone();
            problems.into_iter().for_each(|p| diags.push(p));
            return Err(PlanningError::Config(Box::new(loaded), diags));
        }
        if values.is_empty() {
            break;
        }
        data.extend(values);
        loaded = load(&LiveValues {
            snapshot: &snapshot,
            data: &data,
            fresh: &fresh,
        });
        if loaded.diags.has_errors() {
            let diags = loaded.diags.clone();
            return Err(PlanningError::Config(Box::new(loaded), diags));
        }
    }
    Ok((loaded, data))
}

/// Why planning stopped early.
#[derive(Debug)]
pub enum PlanningError {
    /// The configuration (or a data source read) has errors.
    Config(Box<Loaded>, Diagnostics),
    /// Reading Azure failed.
    Azure(Vec<ArmError>),
}

/// Plans. `first` is the configuration as evaluated without Azure (the caller has it already,
/// for the provider block); `load` evaluates it again with a resolver (the CLI's files,
/// variables and subscription).
///
/// # Errors
///
/// Configuration errors (with the loaded configuration, for rendering them) or read failures.
pub async fn make_plan(
    first: Loaded,
    load: &dyn Fn(&dyn DataResolver) -> Loaded,
    client: Arc<ArmClient>,
    who: &Identity,
    owned: &[Owned],
    options: &PlanOptions,
    parallelism: usize,
) -> Result<Outcome, PlanningError> {
    let (mut loaded, data) = resolve_data(first, load, &client, who).await?;
    let mut snapshot = Snapshot::default();
    let mut fresh: BTreeSet<String> = BTreeSet::new();
    let mut round = 0;
    loop {
        round += 1;
        let missing: Vec<_> = reads(&loaded.evaluated, owned)
            .into_iter()
            .filter(|id| !snapshot.was_read(id))
            .collect();
        if !missing.is_empty() {
            let read = refresh(Arc::clone(&client), missing, parallelism)
                .await
                .map_err(PlanningError::Azure)?;
            snapshot.merge(read);
        }
        // Evaluating again only pays when Azure had something to fill in: with nothing found,
        // the configuration evaluates as it just did.
        if snapshot.any_exists() || !fresh.is_empty() {
            let resolver = LiveValues {
                snapshot: &snapshot,
                data: &data,
                fresh: &fresh,
            };
            loaded = load(&resolver);
        }
        if loaded.diags.has_errors() {
            let diags = loaded.diags.clone();
            return Err(PlanningError::Config(Box::new(loaded), diags));
        }
        let planned = plan(&loaded.evaluated, &snapshot, owned, options);
        let now_fresh: BTreeSet<String> = planned
            .plan
            .resources
            .iter()
            // Only a replaced resource exists with values that are about to change.
            .filter(|r| matches!(r.action, Action::Replace { .. }))
            .map(|r| r.address.clone())
            .collect();
        let unread = reads(&loaded.evaluated, owned)
            .iter()
            .any(|id| !snapshot.was_read(id));
        let settled = now_fresh.is_subset(&fresh) && !unread;
        if settled || round == MAX_ROUNDS {
            let mut planned = planned;
            judge_upgrades(&client, &loaded, &mut planned, &mut snapshot).await?;
            let reads = snapshot.len() + snapshot.extra.len();
            return Ok(Outcome {
                loaded,
                planned,
                snapshot,
                reads,
                data,
            });
        }
        fresh.extend(now_fresh);
    }
}

/// Reads the upgrade profile of every cluster whose version (or one of whose pools' versions)
/// the plan changes in place, once per cluster, into `snapshot.extra`, and the region's version
/// catalogue when a change skips minor versions; then the planner's [`upgrade_steps`] turns each
/// change into steps, or into an error when AKS would refuse it.
async fn judge_upgrades(
    client: &ArmClient,
    loaded: &Loaded,
    planned: &mut Planned,
    snapshot: &mut Snapshot,
) -> Result<(), PlanningError> {
    for change in version_changes(&planned.plan) {
        let key = profile_path(&change.cluster_id);
        if let Entry::Vacant(slot) = snapshot.extra.entry(key.clone()) {
            let profile = client
                .get_path(slot.key(), ApiFamily::ContainerService)
                .await
                .map_err(|e| PlanningError::Azure(vec![e]))?;
            slot.insert(profile);
        }
        let skips = snapshot
            .extra
            .get(&key)
            .is_some_and(|p| needs_catalogue(&change, p));
        let cat_key = catalogue_key(&change.cluster_id);
        if skips && !snapshot.extra.contains_key(&cat_key) {
            let cluster: Option<ResourceId> = change.cluster_id.parse().ok();
            let location = cluster.as_ref().and_then(|id| {
                let live = snapshot.get(id)?;
                Some((id, live.body.get("location")?.as_str()?.to_string()))
            });
            if let Some(path) = location.map(|(id, l)| catalogue_path(id, &l)) {
                let catalogue = client
                    .get_path(&path, ApiFamily::ContainerService)
                    .await
                    .map_err(|e| PlanningError::Azure(vec![e]))?;
                snapshot.extra.insert(cat_key, catalogue);
            }
        }
    }
    for d in upgrade_steps(&mut planned.plan, &loaded.evaluated, &snapshot.extra) {
        planned.diags.push(d);
    }
    Ok(())
}
