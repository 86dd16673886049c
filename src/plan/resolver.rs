//! What evaluation learns from the refresh: data source values read at plan time, and, for
//! managed resources that exist and stay, the computed attributes Azure has for them (principal
//! ids, FQDNs, the OIDC issuer), so that references to them are known and a plan after apply is
//! empty. Resources the plan creates or replaces keep theirs unknown.

use std::collections::{BTreeMap, BTreeSet};

use super::input::Snapshot;
use crate::addr::AbsResourceInstance;
use crate::config::arm::from_arm;
use crate::config::eval::DataResolver;
use crate::config::value::Value;
use crate::model::ResourceId;

/// The resolver for one evaluation round.
#[derive(Debug, Clone, Copy)]
pub struct LiveValues<'a> {
    /// Everything read so far.
    pub snapshot: &'a Snapshot,
    /// Data source values, by instance address.
    pub data: &'a BTreeMap<String, BTreeMap<String, Value>>,
    /// Instances the plan creates or replaces: their computed values are not Azure's yet.
    pub fresh: &'a BTreeSet<String>,
}

impl DataResolver for LiveValues<'_> {
    fn read(
        &self,
        addr: &AbsResourceInstance,
        _args: &BTreeMap<String, Value>,
    ) -> Option<BTreeMap<String, Value>> {
        self.data.get(&addr.to_string()).cloned()
    }

    fn computed(
        &self,
        addr: &AbsResourceInstance,
        values: &BTreeMap<String, Value>,
    ) -> Option<BTreeMap<String, Value>> {
        if self.fresh.contains(&addr.to_string()) {
            return None;
        }
        let id: ResourceId = values.get("id")?.as_str()?.parse().ok()?;
        let live = self.snapshot.get(&id)?;
        Some(from_arm(&addr.resource.type_name, &live.body))
    }
}
