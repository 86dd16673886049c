//! A built-in Azure Resource Manager emulator: the ARM REST API for every resource type aksform
//! manages, served on a loopback port, with Azure's wire behaviour (long-running operations,
//! ETags, AKS's rules and error codes, paging, throttling) and fault injection.
//!
//! It works on raw JSON and imports nothing from the rest of the crate (not the model, the client,
//! the planner or the executor), so a test never grades aksform's logic against itself.

mod api;
pub mod config;
mod error;
mod faults;
mod http;
mod log;
mod lro;
mod route;
mod server;
mod store;
mod types;

pub use config::{Durations, EmulatorConfig, Faults};
pub use server::{Emulator, Shared, serve};
