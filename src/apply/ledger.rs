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

    /// Before the writes of `changes` are sent: a resource that may come to exist is remembered
    /// as pending, so that a run that dies mid-operation still knows it. One save for all.
    ///
    /// # Errors
    ///
    /// When the index cannot be saved (nothing is sent then).
    pub fn before(&mut self, changes: &[&ResourceChange]) -> Result<(), StateError> {
        let mut changed = false;
        for rc in changes {
            let creates =
                matches!(rc.action, Action::Create | Action::Replace { .. }) || rc.importing;
            if let (true, Some(id)) = (creates, rc.id.as_deref()) {
                self.index.record_pending(&rc.address, id, &rc.type_name);
                changed = true;
            }
        }
        if changed { self.save() } else { Ok(()) }
    }

    /// After `done` finished: each recorded with the id and ETag Azure returned, or forgotten
    /// after a delete. One save for all.
    ///
    /// # Errors
    ///
    /// When the index cannot be saved.
    pub fn after(&mut self, done: &[(&ResourceChange, &Written)]) -> Result<(), StateError> {
        for (rc, written) in done {
            if rc.action == Action::Delete {
                self.index.remove(&rc.address);
            } else if let Some(id) = written.id.as_deref().or(rc.id.as_deref()) {
                self.index
                    .record_applied(&rc.address, id, &rc.type_name, written.etag.as_deref());
            }
        }
        if done.is_empty() { Ok(()) } else { self.save() }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Mode;

    const ID: &str = "/subscriptions/s/resourceGroups/rg";

    fn rc(action: Action) -> ResourceChange {
        let mut rc = ResourceChange::new(
            "azurerm_resource_group.main".into(),
            String::new(),
            Mode::Managed,
            "azurerm_resource_group".into(),
            "main".into(),
            action,
        );
        rc.id = Some(ID.into());
        rc
    }

    fn on_disk(path: &std::path::Path) -> StateIndex {
        state::load(path).unwrap()
    }

    #[test]
    fn a_create_is_pending_on_disk_before_it_is_sent_and_applied_after() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut ledger = Ledger::new(StateIndex::new(), path.clone(), "sub".into());
        let create = rc(Action::Create);
        ledger.before(&[&create]).unwrap();
        let index = on_disk(&path);
        let entry = index.get("azurerm_resource_group.main").unwrap();
        assert_eq!(entry.status, EntryStatus::Pending);
        assert_eq!(index.subscription_id.as_deref(), Some("sub"));
        let written = Written {
            id: Some(ID.into()),
            etag: Some("e1".into()),
            body: None,
        };
        ledger.after(&[(&create, &written)]).unwrap();
        let entry = on_disk(&path)
            .get("azurerm_resource_group.main")
            .cloned()
            .unwrap();
        assert_eq!(entry.status, EntryStatus::Applied);
        assert_eq!(entry.etag.as_deref(), Some("e1"));
        // An update of an owned resource needs no pending entry: nothing is saved before it.
        let serial = on_disk(&path).serial;
        ledger.before(&[&rc(Action::Update)]).unwrap();
        assert_eq!(on_disk(&path).serial, serial);
        ledger
            .after(&[(&rc(Action::Delete), &Written::default())])
            .unwrap();
        assert!(on_disk(&path).resources.is_empty());
    }

    #[test]
    fn pending_creates_found_unchanged_are_confirmed_and_gone_ones_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut index = StateIndex::new();
        index.record_pending("azurerm_resource_group.main", ID, "azurerm_resource_group");
        index.record_applied(
            "azurerm_resource_group.gone",
            "/subscriptions/s/resourceGroups/x",
            "azurerm_resource_group",
            None,
        );
        let mut ledger = Ledger::new(index, path.clone(), "sub".into());
        let mut noop = rc(Action::NoOp);
        noop.etag = Some("e2".into());
        let plan = Plan {
            format: crate::plan::types::PLAN_FORMAT,
            aksform_version: String::new(),
            target: crate::plan::Target::default(),
            config_hash: String::new(),
            resources: vec![noop],
            outputs: Vec::new(),
            notes: Vec::new(),
        };
        ledger.confirm(&plan).unwrap();
        ledger
            .forget(&["azurerm_resource_group.gone".to_string()])
            .unwrap();
        let index = on_disk(&path);
        assert_eq!(index.resources.len(), 1);
        let entry = index.get("azurerm_resource_group.main").unwrap();
        assert_eq!(entry.status, EntryStatus::Applied);
        assert_eq!(entry.etag.as_deref(), Some("e2"));
    }
}
