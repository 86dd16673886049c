//! The configuration language: loading `*.tf` files, evaluating them, and checking them against
//! the resource schemas.

pub mod arm;
pub mod blocks;
pub mod decl;
pub mod decode;
pub mod eval;
pub mod fmt;
pub mod fs;
pub mod functions;
pub mod load;
pub mod meta;
pub mod module;
pub mod pipeline;
pub mod rules;
pub mod schema;
pub mod syntax;
pub mod types;
pub mod value;
pub mod vars;
