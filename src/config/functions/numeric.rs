//! Terraform's numeric functions.

use super::FuncSpec;

pub(super) const FUNCTIONS: &[FuncSpec] = &[];
