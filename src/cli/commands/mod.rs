//! One module per command.

#[cfg(feature = "emulator")]
pub mod emulator;
pub mod fmt;
pub mod validate;
