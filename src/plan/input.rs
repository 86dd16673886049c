//! What the planner reads besides the evaluated configuration: the live snapshot (one GET per
//! ARM resource, made by the refresh), what the state index says the stack owns, and the
//! command's choices (`-allow-replace`, `-adopt`).

use std::collections::HashMap;

use serde_json::Value as Json;

use super::types::Target;
use crate::model::ResourceId;

/// A live ARM resource as read.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveResource {
    /// The body GET returned.
    pub body: Json,
    /// Its ETag, if the type has one.
    pub etag: Option<String>,
}

/// The result of the refresh: every ARM resource the plan needs, read once. An id that was read
/// and not found maps to `None`.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    resources: HashMap<String, Option<LiveResource>>,
    /// Extra reads keyed by path (the upgrade profile of a cluster whose version changes).
    pub extra: HashMap<String, Json>,
}

impl Snapshot {
    /// Records a read.
    pub fn insert(&mut self, id: &ResourceId, live: Option<LiveResource>) {
        self.resources
            .insert(id.as_str().to_ascii_lowercase(), live);
    }

    /// The live resource, if it was read and exists.
    pub fn get(&self, id: &ResourceId) -> Option<&LiveResource> {
        self.resources
            .get(&id.as_str().to_ascii_lowercase())
            .and_then(Option::as_ref)
    }

    /// Whether the id was read at all.
    pub fn was_read(&self, id: &ResourceId) -> bool {
        self.resources
            .contains_key(&id.as_str().to_ascii_lowercase())
    }

    /// Adds the reads of `other`.
    pub fn merge(&mut self, other: Snapshot) {
        self.resources.extend(other.resources);
        self.extra.extend(other.extra);
    }

    /// Whether any resource read exists.
    pub fn any_exists(&self) -> bool {
        self.resources.values().any(Option::is_some)
    }

    /// How many resources were read.
    pub fn len(&self) -> usize {
        self.resources.len()
    }

    /// Whether nothing was read.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }
}

/// One resource the state index says the stack owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned {
    /// Its address.
    pub address: String,
    /// Its ARM id.
    pub id: String,
    /// Its azurerm type.
    pub type_name: String,
    /// Recorded before its create was sent, not confirmed since: ours if it exists.
    pub pending: bool,
}

/// The command's choices.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// Where the plan is made against.
    pub target: Target,
    /// Addresses whose replacement is allowed (`-allow-replace=ADDRESS`); clusters need it.
    pub allow_replace: Vec<String>,
    /// Addresses to adopt when they already exist in Azure (`-adopt=ADDRESS`).
    pub adopt: Vec<String>,
    /// Plan the deletion of everything the state index owns (`destroy`).
    pub destroy: bool,
}
