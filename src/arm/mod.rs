//! The Azure Resource Manager client: credentials and endpoints, request building, the HTTP
//! pipeline, retries, long-running operations and typed errors. Imports nothing from `emulator`.

pub mod auth;
pub mod claims;
pub mod client;
pub mod endpoint;
pub mod error;
pub mod lro;
pub mod pipeline;
pub mod request;
pub mod response;
pub mod retry;
pub mod traffic;

pub use client::{ArmClient, ClientOptions, Live};
pub use error::{ArmError, ServiceError};
pub use lro::{NoProgress, Progress, ProgressSink};
pub use request::Condition;
