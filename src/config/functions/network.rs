//! Terraform's network functions.

use super::FuncSpec;

pub(super) const FUNCTIONS: &[FuncSpec] = &[];
