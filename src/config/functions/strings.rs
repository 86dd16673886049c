//! Terraform's strings functions.

use super::FuncSpec;

pub(super) const FUNCTIONS: &[FuncSpec] = &[];
