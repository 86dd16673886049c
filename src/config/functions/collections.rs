//! Terraform's collections functions.

use super::FuncSpec;

pub(super) const FUNCTIONS: &[FuncSpec] = &[];
