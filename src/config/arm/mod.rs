//! The mapping between aksform's evaluated configuration (azurerm 4.x names) and Azure Resource
//! Manager JSON bodies, following `azurerm-to-arm.md`.
//!
//! - [`desired`] turns one evaluated resource instance into the ARM resource(s) it stands for: the
//!   request body, the JSON pointers the configuration manages (compared by the planner and merged
//!   over the live body on writes), the pointers known only after apply, and which pointers force a
//!   replacement.
//! - [`from_arm`] (and [`cluster_from_arm`] with the cluster's maintenance configurations) reads a
//!   live ARM body back into azurerm attribute values, applying the provider's read-back rules.
//! - [`normalize`] and [`compare`] hold the pure helpers a noise-free diff needs (§9 of the
//!   reference): locations, ids, enums, CIDRs, versions, and per-pointer equivalence.
//!
//! Everything here is pure: no IO, no panics on any input.

mod builder;
mod cluster;
pub mod compare;
mod maintenance;
mod network;
pub mod normalize;
mod other;
mod pool;
mod reverse;
mod reverse_cluster;

#[cfg(test)]
pub(crate) mod tests;

use serde_json::Value as Json;

use crate::config::eval::ResourceInstance;
use crate::model::{ApiFamily, ResourceId};

pub use builder::force_new_rule;
pub use compare::{field_matches, live_at, live_pointer};
pub use maintenance::{
    AUTO_UPGRADE_SCHEDULE, NODE_OS_UPGRADE_SCHEDULE, Window, maintenance_window_from_arm,
};
pub use pool::CRITICAL_ADDONS_TAINT;
pub use reverse::from_arm;
pub use reverse_cluster::cluster_from_arm;

/// What deleting a [`Desired`] means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    /// `DELETE` the resource at `id`.
    Delete,
    /// The azurerm resource is a setting of another ARM resource (the subnet–NSG association):
    /// removing it means a GET + PUT of `id` with every managed pointer set to `null`.
    ClearManaged,
}

impl OnDelete {
    /// What deleting an azurerm resource of `type_name` means; known from the type alone, so
    /// that a resource removed from the configuration is deleted the same way.
    pub fn of(type_name: &str) -> OnDelete {
        match type_name {
            "azurerm_subnet_network_security_group_association" => OnDelete::ClearManaged,
            _ => OnDelete::Delete,
        }
    }

    /// The fields of another resource an azurerm resource of `type_name` owns, when it is a
    /// setting of that resource rather than a resource of its own.
    pub fn owned_pointers(type_name: &str) -> &'static [&'static str] {
        match OnDelete::of(type_name) {
            OnDelete::ClearManaged => &[network::ASSOCIATION_POINTER],
            OnDelete::Delete => &[],
        }
    }
}

/// The ARM side of one azurerm resource instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Desired {
    /// The ARM resource the body is for.
    pub id: ResourceId,
    /// Which api-version family serves it.
    pub api_family: ApiFamily,
    /// The PUT body with ARM's exact names, built from the configuration. It never holds
    /// read-only fields, and leaves out the values of `unknown` pointers. It holds every managed
    /// value, plus a few create-only values that are not managed (`count` of an autoscaled pool is
    /// sent on create as `min_count`, then drifts): a create sends `body` as it is.
    pub body: Json,
    /// JSON pointers (RFC 6901) of every field the configuration manages: set by the user, or a
    /// provider default aksform enforces (`sku.tier` "Free", `upgradeChannel` "none", ...). The
    /// desired value of a pointer is `body` at that pointer; a managed pointer absent from `body`
    /// (and not unknown) means "null / absent". The planner compares only these (with
    /// [`field_matches`]) and merges them over the live body on updates, so fields Azure or other
    /// tools set are kept. Collections (tags, zones, rules) are managed as a whole.
    pub managed: Vec<String>,
    /// Managed pointers whose value is known only after apply (`Value::Unknown`), e.g. a role
    /// assignment's `/properties/principalId` taken from a cluster's kubelet identity. They are
    /// not in `body`; the planner shows them as "(known after apply)" and compares neither them
    /// nor any managed pointer that contains them.
    pub unknown: Vec<String>,
    /// ARM resources this azurerm resource also writes, each a full `Desired` of its own: the
    /// cluster's `maintenanceConfigurations/aksManagedAutoUpgradeSchedule` and
    /// `aksManagedNodeOSUpgradeSchedule` (one per configured window block).
    pub children: Vec<Desired>,
    /// ARM resources this azurerm resource owns that the configuration says must not exist: the
    /// maintenance configurations of window blocks that are not written. The planner deletes
    /// them when they exist.
    pub absent: Vec<ResourceId>,
    /// For each managed pointer whose change replaces something, the azurerm attribute (dotted,
    /// without block indices: `default_node_pool.vm_size`). [`force_new_rule`] gives the kind:
    /// `Always` (replace the resource), `Rotation` (rotate the node pool) or `Conditional` with
    /// the condition as text.
    pub force_new: Vec<(String, &'static str)>,
    /// For each managed pointer, the azurerm attribute it comes from (same form as `force_new`;
    /// implicit constants such as `sku.name` "Base" name the block or attribute they belong to).
    /// The planner uses it to show a change in HCL terms.
    pub attributes: Vec<(String, &'static str)>,
    /// What deleting this resource means.
    pub on_delete: OnDelete,
}

impl Desired {
    /// Whether `pointer` is unknown, or contains or lies inside an unknown pointer: such a
    /// pointer cannot be compared before apply.
    pub fn is_unknown(&self, pointer: &str) -> bool {
        self.unknown
            .iter()
            .any(|u| normalize::pointer_within(u, pointer) || normalize::pointer_within(pointer, u))
    }

    /// The azurerm attribute a managed pointer comes from.
    pub fn attribute_of(&self, pointer: &str) -> Option<&'static str> {
        self.attributes
            .iter()
            .find(|(p, _)| p == pointer)
            .map(|(_, a)| *a)
    }

    /// The desired value at a managed pointer (`None` when absent or unknown).
    pub fn value_at(&self, pointer: &str) -> Option<&Json> {
        self.body.pointer(pointer)
    }

    /// For a cluster: its default node pool as the agent pool resource
    /// (`{cluster}/agentPools/{name}`) that the planner writes to update the pool after create.
    /// The pointers under `/properties/agentPoolProfiles/0` become pointers under `/properties`.
    /// `None` for other types or when the pool's name is unknown.
    pub fn default_pool(&self) -> Option<Desired> {
        cluster::default_pool(self)
    }
}

/// Why an instance cannot be mapped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MapError {
    /// The resource's ARM id depends on values known only after apply.
    #[error("{addr}: its Azure resource id is not known until apply")]
    UnknownId {
        /// The resource address.
        addr: String,
    },
    /// The id the schema built does not parse.
    #[error("{addr}: {source}")]
    BadId {
        /// The resource address.
        addr: String,
        /// The parse error.
        source: crate::model::id::IdError,
    },
    /// A value that cannot be turned into the JSON ARM expects.
    #[error("{addr}: {attribute}: {problem}")]
    Value {
        /// The resource address.
        addr: String,
        /// The azurerm attribute (dotted path).
        attribute: String,
        /// What is wrong.
        problem: String,
    },
    /// Not a managed resource type aksform maps.
    #[error("{addr}: {type_name} is not a resource type aksform maps to ARM")]
    UnsupportedType {
        /// The resource address.
        addr: String,
        /// The type.
        type_name: String,
    },
}

/// The ARM resource(s) one evaluated managed resource instance stands for.
///
/// # Errors
///
/// [`MapError::UnknownId`] when the instance's id is not known (a role assignment whose
/// principal is known only after apply and has no explicit `name`), [`MapError::Value`] when a
/// value cannot be expressed in ARM JSON, [`MapError::UnsupportedType`] for data sources and
/// other types.
pub fn desired(r: &ResourceInstance) -> Result<Desired, MapError> {
    let addr = r.addr.to_string();
    let type_name = r.schema.type_name;
    let family = match type_name {
        "azurerm_resource_group" => ApiFamily::Resources,
        "azurerm_virtual_network"
        | "azurerm_subnet"
        | "azurerm_network_security_group"
        | "azurerm_subnet_network_security_group_association" => ApiFamily::Network,
        "azurerm_log_analytics_workspace" => ApiFamily::OperationalInsights,
        "azurerm_kubernetes_cluster" | "azurerm_kubernetes_cluster_node_pool" => {
            ApiFamily::ContainerService
        }
        "azurerm_role_assignment" => ApiFamily::Authorization,
        _ => {
            return Err(MapError::UnsupportedType {
                addr,
                type_name: type_name.to_string(),
            });
        }
    };
    if r.addr.resource.mode != crate::addr::Mode::Managed {
        return Err(MapError::UnsupportedType {
            addr,
            type_name: type_name.to_string(),
        });
    }
    let id =
        r.id.as_deref()
            .ok_or_else(|| MapError::UnknownId { addr: addr.clone() })?
            .parse::<ResourceId>()
            .map_err(|source| MapError::BadId {
                addr: addr.clone(),
                source,
            })?;
    let mut b = builder::Builder::new(r);
    let mut children = Vec::new();
    let mut absent = Vec::new();
    match type_name {
        "azurerm_resource_group" => network::resource_group(&mut b)?,
        "azurerm_virtual_network" => network::virtual_network(&mut b)?,
        "azurerm_subnet" => network::subnet(&mut b)?,
        "azurerm_network_security_group" => network::security_group(&mut b)?,
        "azurerm_subnet_network_security_group_association" => network::association(&mut b)?,
        "azurerm_log_analytics_workspace" => other::workspace(&mut b)?,
        "azurerm_role_assignment" => other::role_assignment(&mut b)?,
        "azurerm_kubernetes_cluster" => {
            cluster::cluster(&mut b)?;
            for which in [AUTO_UPGRADE_SCHEDULE, NODE_OS_UPGRADE_SCHEDULE] {
                match maintenance::window(r, &id, which)? {
                    Some(child) => children.push(child),
                    None => absent.push(id.child("maintenanceConfigurations", which.config)),
                }
            }
        }
        _ => pool::pool(&mut b, pool::PoolKind::Resource)?,
    }
    Ok(b.finish(id, family, children, absent, OnDelete::of(type_name)))
}
