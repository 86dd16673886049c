//! aksform: provision a hardened Azure Kubernetes Service cluster as code.
//!
//! The crate is layered (see DESIGN.md): `addr` and `diag` at the bottom, then `model`, then
//! `config`, `state` and `arm`, then `plan` and `policy`, `apply`, `render`, and `cli` on top.
//! `emulator` stands apart and imports nothing from the rest.

pub mod addr;
pub mod apply;
pub mod arm;
pub mod cli;
pub mod config;
pub mod diag;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod model;
pub mod plan;
pub mod render;
pub mod state;
