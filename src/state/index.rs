//! The state index in memory: which resource addresses this stack owns, with their ARM ids and
//! last-applied ETags, and the checks every index must pass before it is used or written.
//!
//! Reading and writing the file is in `store.rs`; this file only holds the data.
//!
//! ```json
//! {"format_version": 1, "lineage": "…uuid v4…", "serial": 7, "aksform_version": "0.1.0",
//!  "subscription_id": "…", "resources": {"module.aks.azurerm_kubernetes_cluster.main": {
//!    "id": "/subscriptions/…", "type": "azurerm_kubernetes_cluster", "etag": "\"…\"",
//!    "schema_version": 0, "status": "applied", "updated": "2026-11-28T03:00:00Z"}}}
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::StateError;
use crate::addr::{AbsResourceInstance, Mode};

/// The newest state format this build reads, and the one it writes.
pub const FORMAT_VERSION: u32 = 1;

/// What the stack owns. Fields are in file order; `resources` is sorted by address, so the
/// file's text is stable and diffs well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(expecting = "a state index object")]
pub struct StateIndex {
    /// The file format. [`super::save`] always writes [`FORMAT_VERSION`].
    pub format_version: u32,
    /// A UUID v4 made when the index was first created. It never changes, so two files with
    /// different lineages are different stacks, not two versions of one.
    pub lineage: String,
    /// Bumped by every [`super::save`]; the mutations below leave it alone.
    pub serial: u64,
    /// The aksform version that last wrote the file. [`super::save`] sets it.
    pub aksform_version: String,
    /// The subscription the resources live in, once known.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// Owned resources by absolute address (`module.aks.azurerm_kubernetes_cluster.main`).
    #[serde(default)]
    pub resources: BTreeMap<String, Entry>,
}

/// One owned resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(expecting = "a resource entry object")]
pub struct Entry {
    /// The ARM id, `/subscriptions/…`.
    pub id: String,
    /// The resource type, e.g. `azurerm_kubernetes_cluster`; always the type in the address.
    #[serde(rename = "type")]
    pub type_name: String,
    /// The ETag ARM returned for the last successful write, if it returns ETags for this type.
    pub etag: Option<String>,
    /// The version of the entry's layout for this resource type (0 until one changes).
    #[serde(default)]
    pub schema_version: u32,
    /// Whether the last write is known to have finished.
    pub status: EntryStatus,
    /// When the entry was last recorded, RFC 3339 UTC.
    pub updated: String,
}

/// How far the last write of a resource got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryStatus {
    /// The write finished; the id and ETag are what ARM returned.
    Applied,
    /// A write was sent but not confirmed (the run stopped or failed mid-operation). The stack
    /// may own the resource, so the next plan reads it and decides.
    Pending,
}

impl Default for StateIndex {
    fn default() -> Self {
        Self::new()
    }
}

impl StateIndex {
    /// An empty index with a fresh lineage, serial 0 and no subscription.
    pub fn new() -> Self {
        StateIndex {
            format_version: FORMAT_VERSION,
            lineage: uuid::Uuid::new_v4().to_string(),
            serial: 0,
            aksform_version: env!("CARGO_PKG_VERSION").to_string(),
            subscription_id: None,
            resources: BTreeMap::new(),
        }
    }

    /// The entry at `addr`, if the stack owns it.
    pub fn get(&self, addr: &str) -> Option<&Entry> {
        self.resources.get(addr)
    }

    /// Records that a write of `addr` was sent and not yet confirmed. Call it before the
    /// request, so that a run that dies mid-operation still remembers the resource.
    ///
    /// If the entry already exists with the same id, its ETag and schema version are kept (the
    /// write may not have happened); otherwise the ETag is cleared.
    pub fn record_pending(&mut self, addr: &str, id: &str, type_name: &str) {
        let (etag, schema_version) = match self.resources.get(addr) {
            Some(old) if old.id.eq_ignore_ascii_case(id) => (old.etag.clone(), old.schema_version),
            Some(old) => (None, old.schema_version),
            None => (None, 0),
        };
        self.insert(
            addr,
            id,
            type_name,
            etag,
            schema_version,
            EntryStatus::Pending,
        );
    }

    /// Records that a write of `addr` finished, with the ETag ARM returned (if any).
    pub fn record_applied(&mut self, addr: &str, id: &str, type_name: &str, etag: Option<&str>) {
        let schema_version = self.resources.get(addr).map_or(0, |e| e.schema_version);
        let etag = etag.map(str::to_string);
        self.insert(
            addr,
            id,
            type_name,
            etag,
            schema_version,
            EntryStatus::Applied,
        );
    }

    /// Forgets `addr` (after it was deleted), returning the entry it had.
    pub fn remove(&mut self, addr: &str) -> Option<Entry> {
        self.resources.remove(addr)
    }

    /// The owned addresses, sorted.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        self.resources.keys().map(String::as_str)
    }

    fn insert(
        &mut self,
        addr: &str,
        id: &str,
        type_name: &str,
        etag: Option<String>,
        schema_version: u32,
        status: EntryStatus,
    ) {
        let entry = Entry {
            id: id.to_string(),
            type_name: type_name.to_string(),
            etag,
            schema_version,
            status,
            updated: super::now_rfc3339(),
        };
        self.resources.insert(addr.to_string(), entry);
    }

    /// Checks every entry: the address parses as a managed resource instance, the type matches
    /// the address, and the id is an ARM id. `path` only names the file in the error.
    ///
    /// # Errors
    ///
    /// [`StateError::BadEntry`] for the first entry that fails, in address order.
    pub fn validate(&self, path: &Path) -> Result<(), StateError> {
        for (address, entry) in &self.resources {
            if let Err(message) = check_entry(address, entry) {
                return Err(StateError::BadEntry {
                    path: path.to_path_buf(),
                    address: address.clone(),
                    message,
                });
            }
        }
        Ok(())
    }
}

/// Why `entry` at `address` cannot be used, if it cannot.
fn check_entry(address: &str, entry: &Entry) -> Result<(), String> {
    let parsed: AbsResourceInstance = address.parse().map_err(|e| format!("{e}"))?;
    if parsed.resource.mode != Mode::Managed {
        return Err("data sources are never owned, so they have no entry".to_string());
    }
    if parsed.resource.type_name != entry.type_name {
        return Err(format!(
            "type {:?} does not match the address's type {:?}",
            entry.type_name, parsed.resource.type_name
        ));
    }
    if !looks_like_arm_id(&entry.id) {
        return Err(format!(
            "id {:?} is not an ARM id (it must start with /subscriptions/)",
            entry.id
        ));
    }
    Ok(())
}

/// `/subscriptions/<something>…`, compared case-insensitively as ARM does.
fn looks_like_arm_id(id: &str) -> bool {
    const PREFIX: &str = "/subscriptions/";
    id.len() > PREFIX.len()
        && id
            .get(..PREFIX.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
}

#[cfg(test)]
mod tests {
    use super::*;

    const AKS: &str = "module.aks.azurerm_kubernetes_cluster.main";
    const AKS_ID: &str = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/\
                          providers/Microsoft.ContainerService/managedClusters/aks";

    #[test]
    fn new_index_is_empty_with_a_v4_lineage() {
        let a = StateIndex::new();
        let b = StateIndex::new();
        assert_eq!((a.serial, a.format_version), (0, FORMAT_VERSION));
        assert!(a.resources.is_empty() && a.subscription_id.is_none());
        let uuid = uuid::Uuid::parse_str(&a.lineage).unwrap();
        assert_eq!(uuid.get_version_num(), 4);
        assert_ne!(a.lineage, b.lineage);
    }

    #[test]
    fn pending_then_applied_then_removed() {
        let mut s = StateIndex::new();
        s.record_pending(AKS, AKS_ID, "azurerm_kubernetes_cluster");
        let e = s.get(AKS).unwrap();
        assert_eq!((e.status, e.etag.as_deref()), (EntryStatus::Pending, None));
        assert!(e.updated.ends_with('Z'));

        s.record_applied(AKS, AKS_ID, "azurerm_kubernetes_cluster", Some("\"e1\""));
        let e = s.get(AKS).unwrap();
        assert_eq!(e.status, EntryStatus::Applied);
        assert_eq!(e.etag.as_deref(), Some("\"e1\""));
        assert_eq!(s.serial, 0, "mutations do not bump the serial");

        // An update in flight keeps the last-applied ETag; a new id drops it.
        s.record_pending(AKS, AKS_ID, "azurerm_kubernetes_cluster");
        assert_eq!(s.get(AKS).unwrap().etag.as_deref(), Some("\"e1\""));
        s.record_pending(AKS, &format!("{AKS_ID}2"), "azurerm_kubernetes_cluster");
        assert_eq!(s.get(AKS).unwrap().etag, None);

        assert_eq!(s.addresses().collect::<Vec<_>>(), vec![AKS]);
        assert!(s.remove(AKS).is_some());
        assert!(s.get(AKS).is_none() && s.remove(AKS).is_none());
    }

    #[test]
    fn addresses_are_sorted() {
        let mut s = StateIndex::new();
        for a in [
            "azurerm_subnet.b",
            "azurerm_resource_group.main",
            "azurerm_subnet.a",
        ] {
            let ty = a.split('.').next().unwrap();
            s.record_applied(a, AKS_ID, ty, None);
        }
        let got: Vec<_> = s.addresses().collect();
        assert_eq!(
            got,
            [
                "azurerm_resource_group.main",
                "azurerm_subnet.a",
                "azurerm_subnet.b"
            ]
        );
    }

    #[test]
    fn serializes_in_the_documented_shape() {
        let mut s = StateIndex::new();
        s.lineage = "l".into();
        s.record_applied(AKS, AKS_ID, "azurerm_kubernetes_cluster", None);
        s.resources.get_mut(AKS).unwrap().updated = "2026-11-28T03:00:00Z".into();
        let v = serde_json::to_value(&s).unwrap();
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        let want = [
            "format_version",
            "lineage",
            "serial",
            "aksform_version",
            "subscription_id",
            "resources",
        ];
        assert_eq!(keys, want);
        assert_eq!(
            v["resources"][AKS],
            serde_json::json!({"id": AKS_ID, "type": "azurerm_kubernetes_cluster", "etag": null,
                "schema_version": 0, "status": "applied", "updated": "2026-11-28T03:00:00Z"})
        );
    }

    fn bad_entry(addr: &str, id: &str, ty: &str) -> String {
        let mut s = StateIndex::new();
        s.record_applied(addr, id, ty, None);
        match s.validate(Path::new("st.json")) {
            Err(e @ StateError::BadEntry { .. }) => e.to_string(),
            other => panic!("expected BadEntry for {addr}, got {other:?}"),
        }
    }

    #[test]
    fn validate_rejects_ids_types_and_addresses() {
        let e = bad_entry(AKS, "aks", "azurerm_kubernetes_cluster");
        assert!(e.starts_with(&format!(
            "st.json: resource {AKS}: id \"aks\" is not an ARM id"
        )));
        assert!(e.contains("st.json.backup"), "{e}");
        let e = bad_entry(AKS, "/subscriptions/", "azurerm_kubernetes_cluster");
        assert!(e.contains("is not an ARM id"), "{e}");
        let e = bad_entry(AKS, AKS_ID, "azurerm_subnet");
        assert!(e.contains("does not match the address's type"), "{e}");
        let e = bad_entry("module.aks", AKS_ID, "azurerm_subnet");
        assert!(e.contains("invalid address"), "{e}");
        let e = bad_entry(
            "data.azurerm_client_config.c",
            AKS_ID,
            "azurerm_client_config",
        );
        assert!(e.contains("data sources are never owned"), "{e}");
    }

    #[test]
    fn validate_accepts_keys_and_any_case_prefix() {
        let mut s = StateIndex::new();
        s.record_applied(
            "module.net[\"a\"].azurerm_subnet.nodes[0]",
            "/SUBSCRIPTIONS/x/resourceGroups/rg",
            "azurerm_subnet",
            None,
        );
        s.validate(Path::new("st.json")).unwrap();
    }
}
