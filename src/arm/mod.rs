//! The Azure Resource Manager client: credentials, endpoints and (later) requests.

pub mod auth;
pub mod endpoint;
