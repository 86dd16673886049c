//! Typed Azure resources, ARM resource ids and the pinned api-versions. Serde only, no IO.

pub mod api;
pub mod id;

pub use api::{ApiFamily, ApiVersions};
pub use id::ResourceId;
