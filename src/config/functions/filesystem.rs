//! Terraform's filesystem functions.

use super::FuncSpec;

pub(super) const FUNCTIONS: &[FuncSpec] = &[];
