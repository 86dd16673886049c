//! The emulator's resources and operations, kept as raw JSON documents keyed by lowercased ARM id,
//! and their persistence (one state file, written atomically after every change).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lro::Operation;

/// One stored resource.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Doc {
    /// The resource as GET returns it, except children that are resources of their own (subnets,
    /// agent pools), which are assembled on read.
    pub body: Value,
    /// The lowercased full type, e.g. `microsoft.network/virtualnetworks/subnets`.
    pub kind: String,
    /// Creation order.
    pub seq: u64,
}

impl Doc {
    /// The id as created (`body.id`).
    pub fn id(&self) -> &str {
        self.body.get("id").and_then(Value::as_str).unwrap_or("")
    }

    /// `properties.provisioningState`.
    pub fn state(&self) -> Option<&str> {
        self.body
            .pointer("/properties/provisioningState")
            .and_then(Value::as_str)
    }

    /// The ETag, wherever this resource type keeps it (`eTag` on AKS, `etag` elsewhere).
    pub fn etag(&self) -> Option<&str> {
        self.body
            .get("eTag")
            .or_else(|| self.body.get("etag"))
            .and_then(Value::as_str)
    }
}

/// Everything the emulator knows.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Store {
    /// Resources by lowercased id.
    pub resources: BTreeMap<String, Doc>,
    /// Long-running operations by id.
    pub operations: BTreeMap<String, Operation>,
    /// The last creation sequence number handed out.
    pub seq: u64,
    /// Set by every change; cleared when persisted.
    #[serde(skip)]
    pub dirty: bool,
}

/// The lookup key of an id.
pub fn key(id: &str) -> String {
    id.trim_end_matches('/').to_ascii_lowercase()
}

impl Store {
    /// The resource with this id (case-insensitive).
    pub fn get(&self, id: &str) -> Option<&Doc> {
        self.resources.get(&key(id))
    }

    /// The resource with this id, to change it (marks the store changed).
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Doc> {
        self.dirty = true;
        self.resources.get_mut(&key(id))
    }

    /// Stores `body` under `id`, keeping the creation order of an existing resource.
    pub fn put(&mut self, id: &str, kind: &str, body: Value) {
        self.dirty = true;
        let k = key(id);
        let seq = match self.resources.get(&k) {
            Some(d) => d.seq,
            None => {
                self.seq += 1;
                self.seq
            }
        };
        self.resources.insert(
            k,
            Doc {
                body,
                kind: kind.to_ascii_lowercase(),
                seq,
            },
        );
    }

    /// Removes a resource and everything below it (children, role assignments at its scope).
    pub fn remove(&mut self, id: &str) -> usize {
        self.dirty = true;
        let k = key(id);
        let prefix = format!("{k}/");
        // Not one range from `k`: "rg-2" sorts between "rg" and "rg/".
        let mut doomed: Vec<String> = self
            .resources
            .range(prefix.clone()..)
            .take_while(|(key, _)| key.starts_with(&prefix))
            .map(|(key, _)| key.clone())
            .collect();
        if self.resources.contains_key(&k) {
            doomed.push(k);
        }
        for d in &doomed {
            self.resources.remove(d);
        }
        doomed.len()
    }

    /// Resources of `kind` directly or indirectly below `scope` (an id prefix), in creation order.
    pub fn list(&self, kind: &str, scope: &str) -> Vec<&Doc> {
        let kind = kind.to_ascii_lowercase();
        let k = key(scope);
        let prefix = format!("{k}/");
        let mut out: Vec<&Doc> = self
            .resources
            .range(prefix.clone()..)
            .take_while(|(key, _)| key.starts_with(&prefix))
            .map(|(_, d)| d)
            .filter(|d| d.kind == kind)
            .collect();
        out.sort_by_key(|d| d.seq);
        out
    }

    /// Children of `parent` of `kind` (one level down), in creation order.
    pub fn children(&self, parent: &str, kind: &str) -> Vec<&Doc> {
        let depth = key(parent).matches('/').count() + 2;
        self.list(kind, parent)
            .into_iter()
            .filter(|d| key(d.id()).matches('/').count() == depth)
            .collect()
    }

    /// The operation running on `id` (or on anything it is the parent of when `include_children`).
    pub fn running_operation(&self, id: &str, include_children: bool) -> Option<&Operation> {
        let k = key(id);
        let prefix = format!("{k}/");
        self.operations.values().find(|op| {
            op.is_running() && {
                let ok = key(&op.resource_id);
                ok == k || (include_children && ok.starts_with(&prefix))
            }
        })
    }
}

/// A fresh ETag.
pub fn new_etag() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Where the state lives on disk.
#[derive(Debug, Clone)]
pub struct Persist {
    path: PathBuf,
}

impl Persist {
    /// State kept in `dir/emulator-state.json`.
    pub fn new(dir: &Path) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Persist {
            path: dir.join("emulator-state.json"),
        })
    }

    /// The state saved last time, or an empty store.
    ///
    /// # Errors
    ///
    /// When the file exists but cannot be read or parsed (it is never silently discarded).
    pub fn load(&self) -> io::Result<Store> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{} is not a valid emulator state: {e}", self.path.display()),
                )
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Store::default()),
            Err(e) => Err(e),
        }
    }

    /// Writes the state: a temporary file, flushed to disk, then renamed over the old one.
    ///
    /// # Errors
    ///
    /// Any I/O error; the previous state file is then untouched.
    pub fn save(&self, store: &Store) -> io::Result<()> {
        let bytes = serde_json::to_vec(store).map_err(io::Error::other)?;
        let tmp = self.path.with_extension("json.tmp");
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &self.path)?;
        if let Some(dir) = self.path.parent()
            && let Ok(d) = std::fs::File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RG: &str = "/subscriptions/s/resourceGroups/RG";

    fn vnet(name: &str) -> String {
        format!("{RG}/providers/Microsoft.Network/virtualNetworks/{name}")
    }

    #[test]
    fn lookups_are_case_insensitive_and_ordered_by_creation() {
        let mut s = Store::default();
        s.put(RG, "Microsoft.Resources/resourceGroups", json!({"id": RG}));
        s.put(
            "/subscriptions/s/resourceGroups/RG-2",
            "microsoft.resources/resourcegroups",
            json!({}),
        );
        s.put(
            &vnet("b"),
            "microsoft.network/virtualnetworks",
            json!({"id": vnet("b")}),
        );
        s.put(
            &vnet("a"),
            "microsoft.network/virtualnetworks",
            json!({"id": vnet("a")}),
        );
        let sub = format!("{}/subnets/x", vnet("a"));
        s.put(
            &sub,
            "microsoft.network/virtualnetworks/subnets",
            json!({"id": sub}),
        );
        assert!(s.get(&RG.to_uppercase()).is_some());
        let names: Vec<_> = s
            .list("microsoft.network/virtualnetworks", RG)
            .iter()
            .map(|d| d.id().rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(names, ["b", "a"]);
        assert_eq!(
            s.children(&vnet("a"), "microsoft.network/virtualnetworks/subnets")
                .len(),
            1
        );
        assert_eq!(
            s.children(RG, "microsoft.network/virtualnetworks/subnets")
                .len(),
            0
        );
        // Removing the group removes everything inside it.
        assert_eq!(s.remove(&RG.to_lowercase()), 4);
        assert_eq!(s.resources.len(), 1, "RG-2 stays");
    }

    #[test]
    fn persistence_round_trips_and_refuses_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let p = Persist::new(dir.path()).unwrap();
        assert!(p.load().unwrap().resources.is_empty());
        let mut s = Store::default();
        s.put(RG, "microsoft.resources/resourcegroups", json!({"id": RG}));
        p.save(&s).unwrap();
        let back = p.load().unwrap();
        assert_eq!(back.get(RG).unwrap().id(), RG);
        assert_eq!(back.seq, 1);
        std::fs::write(dir.path().join("emulator-state.json"), "{oops").unwrap();
        assert!(p.load().is_err());
    }
}
