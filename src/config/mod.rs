//! The configuration language: loading `*.tf` files, evaluating them, and checking them against
//! the resource schemas.

pub mod fmt;
pub mod fs;
pub mod functions;
pub mod value;
