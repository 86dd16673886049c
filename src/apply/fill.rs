//! Filling in, during an apply, the request values a plan could not know (a role assignment's
//! principal taken from a cluster the same apply creates): the configuration is evaluated again
//! with the resources applied so far, and the resource's request is built anew.

use std::collections::BTreeSet;

use super::executor::{Fill, Filled};
use super::planning::DataValues;
use crate::config::arm::desired;
use crate::config::eval::DataResolver;
use crate::config::pipeline::Loaded;
use crate::plan::merge::update_body;
use crate::plan::resolver::LiveValues;
use crate::plan::{Action, ResourceChange, Snapshot};

/// Fills from the configuration: `load` evaluates it with a resolver (the CLI's files and
/// variables), `data` holds the data sources read for the plan.
pub struct ConfigFill<'a> {
    /// Evaluates the configuration.
    pub load: &'a dyn Fn(&dyn DataResolver) -> Loaded,
    /// The data sources' values.
    pub data: &'a DataValues,
}

impl Fill for ConfigFill<'_> {
    fn fill(&self, change: &ResourceChange, applied: &Snapshot) -> Result<Filled, String> {
        let fresh = BTreeSet::new();
        let loaded = (self.load)(&LiveValues {
            snapshot: applied,
            data: self.data,
            fresh: &fresh,
        });
        if loaded.diags.has_errors() {
            return Err("the configuration has errors now; run plan again".to_string());
        }
        let r = loaded
            .evaluated
            .resources
            .iter()
            .find(|r| r.addr.to_string() == change.address)
            .ok_or_else(|| "the configuration no longer declares it; run plan again".to_string())?;
        let d = desired(r).map_err(|e| e.to_string())?;
        if !d.unknown.is_empty() {
            return Err(format!(
                "{} still unknown after everything it depends on was applied",
                d.unknown.join(", ")
            ));
        }
        let body = match (change.action, applied.get(&d.id)) {
            (Action::Update, Some(live)) => update_body(&d, &live.body, &|_| false),
            _ => d.body.clone(),
        };
        Ok(Filled {
            id: d.id.to_string(),
            body,
        })
    }
}
