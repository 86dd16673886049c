//! The state index during an apply: a create is recorded as pending before it is sent, every
//! finished resource is recorded (or forgotten, after a delete) when it finishes, and the index
//! is saved each time, so that a run stopped at any point loses nothing.

use std::path::PathBuf;

use super::write::Written;
use crate::plan::{Action, Plan, ResourceChange};
use crate::state::{self, EntryStatus, StateError, StateIndex};

/// The state index of one apply and where it is saved.
#[derive(Debug)]
pub struct Ledger {
    index: StateIndex,
    path: PathBuf,
    subscription: String,
}

impl Ledger {
    /// The index loaded from `path`, owned by `subscription`.
    pub fn new(index: StateIndex, path: PathBuf, subscription: String) -> Self {
        Ledger {
            index,
            path,
            subscription,
        }
    }

    /// The index as it is now.
    pub fn index(&self) -> &StateIndex {
        &self.index
    }

    /// Before `rc`'s writes are sent: a resource that may come to exist is remembered as
    /// pending, so that a run that dies mid-operation still knows it.
    ///
    /// # Errors
    ///
    /// When the index cannot be saved (nothing is sent then).
    pub fn before(&mut self, rc: &ResourceChange) -> Result<(), StateError> {
        let creates = matches!(rc.action, Action::Create | Action::Replace { .. }) || rc.importing;
        let (true, Some(id)) = (creates, rc.id.as_deref()) else {
            return Ok(());
        };
        self.index.record_pending(&rc.address, id, &rc.type_name);
        self.save()
    }

    /// After `rc` finished: recorded with the id and ETag Azure returned, or forgotten.
    ///
    /// # Errors
    ///
    /// When the index cannot be saved.
    pub fn after(&mut self, rc: &ResourceChange, written: &Written) -> Result<(), StateError> {
        if rc.action == Action::Delete {
            self.index.remove(&rc.address);
        } else if let Some(id) = written.id.as_deref().or(rc.id.as_deref()) {
            self.index
                .record_applied(&rc.address, id, &rc.type_name, written.etag.as_deref());
        }
        self.save()
    }

    /// Confirms the pending entries of resources the plan found existing and unchanged: a create
    /// that a stopped run sent and Azure finished.
    ///
    /// # Errors
    ///
    /// When the index cannot be saved.
    pub fn confirm(&mut self, plan: &Plan) -> Result<(), StateError> {
        let mut changed = false;
        for rc in plan.resources.iter().filter(|r| r.action == Action::NoOp) {
            let (Some(id), Some(entry)) = (rc.id.as_deref(), self.index.get(&rc.address)) else {
                continue;
            };
            if entry.status == EntryStatus::Pending && entry.id.eq_ignore_ascii_case(id) {
                self.index
                    .record_applied(&rc.address, id, &rc.type_name, rc.etag.as_deref());
                changed = true;
            }
        }
        if changed { self.save() } else { Ok(()) }
    }

    /// Forgets the resources a plan found gone from Azure (its notes say so) and saves.
    ///
    /// # Errors
    ///
    /// When the index cannot be saved.
    pub fn forget(&mut self, addresses: &[String]) -> Result<(), StateError> {
        if addresses.is_empty() {
            return Ok(());
        }
        for a in addresses {
            self.index.remove(a);
        }
        self.save()
    }

    fn save(&mut self) -> Result<(), StateError> {
        if self.index.subscription_id.is_none() {
            self.index.subscription_id = Some(self.subscription.clone());
        }
        state::save(&self.path, &mut self.index)
    }
}
