//! The file-system seam of the configuration layer: loading reads through [`Fs`], never `std::fs`.
//!
//! The CLI hands in a real file system; tests and benchmarks use [`MemFs`], so that everything in
//! `config` runs without touching a disk.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Read-only access to configuration files.
pub trait Fs: Send + Sync {
    /// The whole file as UTF-8.
    ///
    /// # Errors
    ///
    /// Fails when the file is missing, unreadable, or not UTF-8.
    fn read_to_string(&self, path: &Path) -> io::Result<String>;

    /// The entries (files and directories) directly inside `dir`, sorted by name.
    ///
    /// # Errors
    ///
    /// Fails when `dir` is not a readable directory.
    fn read_dir(&self, dir: &Path) -> io::Result<Vec<PathBuf>>;

    /// Whether `path` is a regular file (following symlinks).
    fn is_file(&self, path: &Path) -> bool;

    /// Whether `path` is a directory (following symlinks).
    fn is_dir(&self, path: &Path) -> bool;
}

/// An in-memory file system for tests and benchmarks.
#[derive(Debug, Default, Clone)]
pub struct MemFs {
    files: BTreeMap<PathBuf, String>,
}

impl MemFs {
    /// An empty file system.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> &mut Self {
        self.files.insert(normalize(&path.into()), text.into());
        self
    }

    /// Builder form of [`MemFs::insert`].
    #[must_use]
    pub fn with(mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        self.insert(path, text);
        self
    }
}

impl Fs for MemFs {
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        self.files.get(&normalize(path)).cloned().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("no such file: {}", path.display()),
            )
        })
    }

    fn read_dir(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let dir = normalize(dir);
        if !self.is_dir(&dir) {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("no such directory: {}", dir.display()),
            ));
        }
        let mut entries: Vec<PathBuf> = self
            .files
            .keys()
            .filter_map(|p| {
                let rest = p.strip_prefix(&dir).ok()?;
                let first = rest.components().next()?;
                Some(dir.join(first.as_os_str()))
            })
            .collect();
        entries.dedup();
        Ok(entries)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(&normalize(path))
    }

    fn is_dir(&self, path: &Path) -> bool {
        let dir = normalize(path);
        self.files.keys().any(|p| p != &dir && p.starts_with(&dir))
    }
}

/// Lexically normalizes a path: removes `.` and resolves `..` against earlier components, without
/// touching the disk (so it works for paths that do not exist, like in-memory files).
pub fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for comp in path.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(comp),
            },
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return PathBuf::from(".");
    }
    parts.iter().map(|c| c.as_os_str()).collect()
}

/// The lexical path from directory `base` to `target` (both normalized the same way):
/// `relative_to("modules/net", "examples/x")` is `../../modules/net`.
pub fn relative_to(target: &Path, base: &Path) -> PathBuf {
    let target = normalize(target);
    let base = normalize(base);
    let tc: Vec<Component<'_>> = target
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    let bc: Vec<Component<'_>> = base
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    let common = tc.iter().zip(&bc).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..bc.len() {
        out.push("..");
    }
    for c in &tc[common..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memfs_lists_and_reads() {
        let fs = MemFs::new()
            .with("root/main.tf", "a")
            .with("root/sub/x.tf", "b")
            .with("root/vars.tf", "c");
        assert_eq!(fs.read_to_string(Path::new("root/./main.tf")).unwrap(), "a");
        assert_eq!(
            fs.read_dir(Path::new("root")).unwrap(),
            vec![
                PathBuf::from("root/main.tf"),
                PathBuf::from("root/sub"),
                PathBuf::from("root/vars.tf")
            ]
        );
        assert!(fs.is_dir(Path::new("root/sub")));
        assert!(!fs.is_dir(Path::new("root/main.tf")));
        assert!(fs.read_dir(Path::new("nope")).is_err());
    }

    #[test]
    fn relative_paths_between_directories() {
        let r = |a: &str, b: &str| relative_to(Path::new(a), Path::new(b));
        assert_eq!(
            r("modules/net", "examples/x"),
            PathBuf::from("../../modules/net")
        );
        assert_eq!(r("root", "root"), PathBuf::from("."));
        assert_eq!(r("root/sub", "root"), PathBuf::from("sub"));
        assert_eq!(r(".", "."), PathBuf::from("."));
    }

    #[test]
    fn normalize_resolves_dots() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(normalize(Path::new("/a/../b")), PathBuf::from("/b"));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
    }
}
