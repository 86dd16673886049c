//! Terraform's hash functions.

use super::FuncSpec;

pub(super) const FUNCTIONS: &[FuncSpec] = &[];
