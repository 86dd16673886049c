//! Terraform's conversion functions.

use super::FuncSpec;

pub(super) const FUNCTIONS: &[FuncSpec] = &[];
