//! Terraform's encoding functions.

use super::FuncSpec;

pub(super) const FUNCTIONS: &[FuncSpec] = &[];
