//! One module per command.

pub mod apply;
pub mod auth;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod fmt;
pub mod plan;
pub mod show;
pub mod validate;
