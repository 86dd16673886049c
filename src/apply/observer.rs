//! What the executor tells whoever watches an apply: a resource started, its operation polled
//! (ARM `provisioningState`, elapsed time), an upgrade step began, a resource finished, failed or
//! was skipped. The CLI's progress display (`cli::progress`) implements [`Observer`]; tests
//! record the events.

use std::time::Duration;

/// What is being done to a resource, in Terraform's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// A create.
    Create,
    /// An update in place (upgrade steps included).
    Update,
    /// The delete half of a replacement, or a destroy.
    Delete,
    /// A data source read after apply-time values became known.
    Read,
}

impl Verb {
    /// `Creating`, `Modifying`, `Destroying`, `Reading`.
    pub fn doing(self) -> &'static str {
        match self {
            Verb::Create => "Creating",
            Verb::Update => "Modifying",
            Verb::Delete => "Destroying",
            Verb::Read => "Reading",
        }
    }

    /// `Creation`, `Modifications`, `Destruction`, `Read` (for "… complete after 5s").
    pub fn done(self) -> &'static str {
        match self {
            Verb::Create => "Creation",
            Verb::Update => "Modifications",
            Verb::Delete => "Destruction",
            Verb::Read => "Read",
        }
    }

    /// Terraform's JSON UI action name: `create`, `update`, `delete`, `read`.
    pub fn action(self) -> &'static str {
        match self {
            Verb::Create => "create",
            Verb::Update => "update",
            Verb::Delete => "delete",
            Verb::Read => "read",
        }
    }
}

/// How a resource's work ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done; the ARM id written, when there is one.
    Done {
        /// The ARM id.
        id: Option<String>,
    },
    /// Azure refused or the operation failed.
    Failed {
        /// The ARM error code (`OperationNotAllowed`, `PreconditionFailed`, ...), when Azure gave one.
        code: Option<String>,
        /// The whole message.
        message: String,
    },
    /// Not started: something it depends on failed, or the run was interrupted.
    Skipped {
        /// Why, in words (`azurerm_resource_group.main failed`).
        because: String,
    },
}

/// Receives the executor's events. Called from many tasks at once; implementations lock what
/// they share. Every method has an empty default, so an observer implements what it shows.
pub trait Observer: Send + Sync {
    /// The apply starts `total` resource operations.
    fn begin(&self, _total: usize) {}

    /// `address` starts: `verb` and, for an upgrade step, what the step is
    /// (`control plane to 1.33 (step 1 of 3)`).
    fn started(&self, _address: &str, _verb: Verb, _step: Option<&str>) {}

    /// An operation of `address` was polled: its `provisioningState` (or operation status) and
    /// the time since this resource started.
    fn progress(&self, _address: &str, _verb: Verb, _state: &str, _elapsed: Duration) {}

    /// `address` ended.
    fn finished(&self, _address: &str, _verb: Verb, _elapsed: Duration, _outcome: &Outcome) {}

    /// The user asked to stop (first Ctrl-C): no new work starts.
    fn stopping(&self) {}

    /// The apply is over.
    fn end(&self) {}
}

/// Shows nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Quiet;

impl Observer for Quiet {}
