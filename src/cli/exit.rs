//! The one place that decides exit codes.

use std::process::ExitCode;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything worked.
    Success,
    /// The input has problems (diagnostics were printed) or an operation failed.
    Failure,
    /// `plan -detailed-exitcode` succeeded and the plan has changes (Terraform's contract).
    Changes,
    /// The command line itself is wrong (64, sysexits' EX_USAGE, so that it never reads as
    /// `-detailed-exitcode`'s 2).
    Usage,
    /// `fmt -check` found files that are not formatted (as `terraform fmt -check`).
    NeedsFormatting,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(match status {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Changes => 2,
            ExitStatus::Usage => 64,
            ExitStatus::NeedsFormatting => 3,
        })
    }
}
