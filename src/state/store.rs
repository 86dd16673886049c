//! The state index on disk: [`load`] (a missing file is an empty index; anything damaged is a
//! clear error) and [`save`] (backup, then an atomic replace, so `state.json` is always either
//! the old or the new version, never half of one).

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::error::StateError;
use super::index::{FORMAT_VERSION, StateIndex};

/// Reads the state index at `path`. A missing file is an empty, new index (a stack that has
/// never been applied), not an error.
///
/// # Errors
///
/// - [`StateError::Io`] if the file exists but cannot be read.
/// - [`StateError::Corrupt`] if it is not JSON or not of the index's shape, with serde's line
///   and column.
/// - [`StateError::TooNew`] if a newer aksform wrote it in a newer format.
/// - [`StateError::BadEntry`] if an entry's address, type or id is unusable.
pub fn load(path: &Path) -> Result<StateIndex, StateError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(StateIndex::new()),
        Err(e) => return Err(StateError::io("read", path, e)),
    };
    // Check the format before the shape: a newer format may have a different shape, and
    // "upgrade aksform" is the useful message then.
    let probe: Probe = serde_json::from_slice(&bytes).map_err(|e| StateError::corrupt(path, &e))?;
    if let Some(version) = probe.format_version.as_ref().and_then(Value::as_u64)
        && version > u64::from(FORMAT_VERSION)
    {
        let writer = probe
            .aksform_version
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or("an unknown version")
            .to_string();
        return Err(StateError::TooNew {
            path: path.to_path_buf(),
            version,
            writer,
        });
    }
    let index: StateIndex =
        serde_json::from_slice(&bytes).map_err(|e| StateError::corrupt(path, &e))?;
    index.validate(path)?;
    Ok(index)
}

/// Just enough of any format version to tell which one it is.
#[derive(Deserialize)]
#[serde(expecting = "a state index object")]
struct Probe {
    format_version: Option<Value>,
    aksform_version: Option<Value>,
}

/// Writes `index` to `path`, bumping its `serial` and stamping the current format and aksform
/// version. Creates the parent directory, copies the current file to
/// [`backup_path`]`(path)`, writes a temporary file in the same directory, syncs it, renames it
/// over `path`, then (on unix) syncs the directory so the rename survives a crash.
///
/// On failure before the rename, `path` is untouched, the temporary file is removed and
/// `index` is as it was. A failure to sync the directory after the rename is still reported,
/// but `index.serial` stays bumped, since the file now holds it.
///
/// # Errors
///
/// [`StateError::BadEntry`] (nothing is written: the index would not load back), or
/// [`StateError::Io`] naming the step and file that failed.
pub fn save(path: &Path, index: &mut StateIndex) -> Result<(), StateError> {
    index.validate(path)?;
    let dir = parent_dir(path);
    fs::create_dir_all(dir).map_err(|e| StateError::io("create the directory", dir, e))?;

    let before = (
        index.serial,
        index.format_version,
        index.aksform_version.clone(),
    );
    index.serial = index.serial.saturating_add(1);
    index.format_version = FORMAT_VERSION;
    index.aksform_version = env!("CARGO_PKG_VERSION").to_string();

    let written = encode(path, index)
        .and_then(|bytes| backup(path, dir).map(|()| bytes))
        .and_then(|bytes| replace_file(path, dir, &bytes));
    if let Err(e) = written {
        (index.serial, index.format_version, index.aksform_version) = before;
        return Err(e);
    }
    sync_dir(dir)
}

/// `<path>.backup` next to `path`: where [`save`] keeps the version it replaced.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".backup");
    path.with_file_name(name)
}

/// The directory holding `path` (`.` for a bare file name).
pub(super) fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Pretty JSON with a final newline.
fn encode(path: &Path, index: &StateIndex) -> Result<Vec<u8>, StateError> {
    let mut bytes = serde_json::to_vec_pretty(index)
        .map_err(|e| StateError::io("encode the state index for", path, e.into()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Copies the current `path`, if there is one, to its backup (atomically too, so a crash here
/// cannot leave a torn backup either).
fn backup(path: &Path, dir: &Path) -> Result<(), StateError> {
    match fs::read(path) {
        Ok(bytes) => replace_file(&backup_path(path), dir, &bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StateError::io("read", path, e)),
    }
}

/// Writes `bytes` to a new temporary file in `dir`, syncs it and renames it over `target`.
/// The temporary file is removed if any step fails.
pub(super) fn replace_file(target: &Path, dir: &Path, bytes: &[u8]) -> Result<(), StateError> {
    let Some(name) = target.file_name() else {
        let e = io::Error::new(io::ErrorKind::InvalidInput, "not a file path");
        return Err(StateError::io("write", target, e));
    };
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", uuid::Uuid::new_v4().simple()));
    let tmp = dir.join(tmp_name);

    let result = write_new(&tmp, bytes)
        .and_then(|()| fs::rename(&tmp, target).map_err(|e| StateError::io("replace", target, e)));
    if result.is_err() {
        // Best effort: the error being returned matters more than a stray temporary file.
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Creates `path` (which must not exist), writes `bytes` and syncs it to disk.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), StateError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| StateError::io("create", path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| StateError::io("write", path, e))
}

/// Syncs the directory entry list, so a rename inside it is durable.
#[cfg(unix)]
pub(super) fn sync_dir(dir: &Path) -> Result<(), StateError> {
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| StateError::io("sync the directory", dir, e))
}

/// Directories cannot be synced this way off unix; the rename is still atomic.
#[cfg(not(unix))]
pub(super) fn sync_dir(_dir: &Path) -> Result<(), StateError> {
    Ok(())
}

#[cfg(test)]
mod tests;
