//! Typed Azure resources, ARM resource ids and the pinned api-versions. Serde only, no IO.
//!
//! The resource types carry ARM's exact JSON names (including its casing traps). Read-only fields
//! are `skip_serializing`: they are read from responses and can never end up in a request body.

pub mod api;
pub mod cluster;
pub mod id;
pub mod network;
pub mod resources;

pub use api::{ApiFamily, ApiVersions};
pub use id::ResourceId;
