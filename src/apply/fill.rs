//! Filling in, during an apply, the request values a plan could not know (a role assignment's
//! principal taken from a cluster the same apply creates): the configuration is evaluated again
//! with the resources applied so far, and the resource's request is built anew.

use std::collections::BTreeSet;

use super::executor::{Fill, Filled};
use super::planning::DataValues;
use crate::config::arm::{desired, live_pointer};
use crate::config::eval::DataResolver;
use crate::config::pipeline::Loaded;
use crate::plan::merge::set_at;
use crate::plan::resolver::LiveValues;
use crate::plan::{ResourceChange, Snapshot};

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
        // Only what was unknown is filled in: the rest is the body the plan showed (with what
        // `ignore_changes` and the upgrade channels left alone).
        let body = match &change.body_after {
            Some(planned) if change.id.is_some() => {
                let mut body = planned.clone();
                for pointer in &change.body_unknown {
                    let target =
                        live_pointer(pointer, &d.body, planned).unwrap_or_else(|| pointer.clone());
                    set_at(&mut body, &target, d.body.pointer(pointer).cloned());
                }
                body
            }
            _ => d.body.clone(),
        };
        Ok(Filled {
            id: d.id.to_string(),
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;
    use crate::config::arm::tests::example_with;
    use crate::plan::{Action, Mode};

    #[test]
    fn only_the_unknown_pointers_are_filled_into_the_planned_body() {
        let load = |data: &dyn crate::config::eval::DataResolver| example_with(data);
        let data = BTreeMap::new();
        let fill = ConfigFill {
            load: &load,
            data: &data,
        };
        let loaded = example_with(&crate::config::eval::NoData);
        let r = loaded
            .evaluated
            .resources
            .iter()
            .find(|r| r.schema.type_name == "azurerm_role_assignment")
            .unwrap();
        let d = desired(r).unwrap();
        let mut change = ResourceChange::new(
            r.addr.to_string(),
            String::new(),
            Mode::Managed,
            "azurerm_role_assignment".into(),
            "cluster_admins".into(),
            Action::Update,
        );
        change.id = Some(d.id.to_string());
        // The planned body keeps what the plan decided (here a field set by someone else)...
        let mut planned = d.body.clone();
        planned["properties"]["description"] = json!("kept");
        planned["properties"]["principalId"] = json!("stale");
        change.body_after = Some(planned);
        // ...and only the unknown pointer is taken from the configuration evaluated again.
        change.body_unknown = vec!["/properties/principalId".into()];
        let filled = fill.fill(&change, &Snapshot::default()).unwrap();
        assert_eq!(filled.id, d.id.to_string());
        assert_eq!(filled.body["properties"]["description"], "kept");
        assert_eq!(
            filled.body["properties"]["principalId"],
            d.body["properties"]["principalId"]
        );
    }
}
