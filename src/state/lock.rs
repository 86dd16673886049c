//! The state lock: one command at a time may change the state. [`acquire`] takes an OS file
//! lock on `.aksform/lock` and writes who holds it into the file, so a second command can say
//! who it is waiting for; [`StateLock`] releases it when dropped.
//!
//! The lock is the standard library's `File::try_lock` (`flock` on unix, `LockFileEx` on
//! Windows). The OS drops it when the holder exits, even after a crash or `kill -9`, so there are
//! no stale locks and no force-unlock. It is advisory and tied to the file: never delete the lock
//! file while a command runs, or the next command locks a new file beside the held one.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::error::StateError;

/// How often a waiting [`acquire`] tries again.
const POLL: Duration = Duration::from_millis(100);

/// Who holds the lock, as written into the lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    /// The holder's process id.
    pub pid: u32,
    /// The holder's host name, or `unknown host`.
    pub host: String,
    /// The command it runs, e.g. `aksform apply`.
    pub command: String,
    /// When it took the lock, RFC 3339 UTC.
    pub started: String,
}

impl fmt::Display for LockHolder {
    /// `aksform apply (pid 4242 on build-7, since 2026-11-28T03:01:02Z)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (pid {} on {}, since {})",
            self.command, self.pid, self.host, self.started
        )
    }
}

/// A held state lock. Dropping it clears the holder information (best effort) and closes the
/// file, which releases the lock.
#[derive(Debug)]
pub struct StateLock {
    file: File,
    path: PathBuf,
    holder: LockHolder,
}

impl StateLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What this process wrote into the lock file.
    pub fn holder(&self) -> &LockHolder {
        &self.holder
    }
}

impl Drop for StateLock {
    fn drop(&mut self) {
        // Best effort: a stale description in an unlocked file is harmless, because waiters
        // only read it while the lock is held.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

/// Takes the state lock at `lock_path` (usually `.aksform/lock`, see [`super::lock_path`]) for
/// `command` (e.g. `aksform apply`), creating the file and its directory if needed. While
/// another process holds it, tries again every 100 ms until `timeout` has passed; a zero
/// `timeout` tries once. Blocks the calling thread while it waits.
///
/// Once locked, writes a [`LockHolder`] for this process into the file and syncs it. That
/// failing (a full disk) fails the call, since the state write would fail next.
///
/// # Errors
///
/// - [`StateError::Locked`] naming the holder (`another process` if the file does not say) when
///   the lock is still held after `timeout`.
/// - [`StateError::Io`] when the file cannot be created, locked (a file system without locks)
///   or written.
pub fn acquire(
    lock_path: &Path,
    command: &str,
    timeout: Duration,
) -> Result<StateLock, StateError> {
    if let Some(dir) = lock_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| StateError::io("create the directory", dir, e))?;
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(lock_path)
        .map_err(|e| StateError::io("open the lock file", lock_path, e))?;

    // `None`: a timeout too large to add to now, i.e. wait for ever.
    let deadline = Instant::now().checked_add(timeout);
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(fs::TryLockError::WouldBlock) => {
                let now = Instant::now();
                let left = deadline.map_or(POLL, |d| d.saturating_duration_since(now));
                if left.is_zero() {
                    return Err(StateError::Locked {
                        path: lock_path.to_path_buf(),
                        holder: read_holder(lock_path),
                    });
                }
                thread::sleep(left.min(POLL));
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(StateError::io("lock", lock_path, e));
            }
        }
    }

    let holder = LockHolder {
        pid: std::process::id(),
        host: host_name(),
        command: command.to_string(),
        started: super::now_rfc3339(),
    };
    // Dropping `file` on the error path releases the lock again.
    write_holder(&file, &holder).map_err(|e| StateError::io("write", lock_path, e))?;
    Ok(StateLock {
        file,
        path: lock_path.to_path_buf(),
        holder,
    })
}

/// Replaces the lock file's content with `holder` as JSON and syncs it.
fn write_holder(mut file: &File, holder: &LockHolder) -> std::io::Result<()> {
    let json = serde_json::to_vec(holder)?;
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&json)?;
    file.sync_all()
}

/// The holder described by the lock file, or `another process` when it cannot be read or
/// parsed (the holder has not written it yet, or the OS refuses reads of a locked file).
fn read_holder(lock_path: &Path) -> String {
    fs::read(lock_path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<LockHolder>(&bytes).ok())
        .map_or_else(|| "another process".to_string(), |h| h.to_string())
}

/// This machine's name: `/proc/sys/kernel/hostname`, else `$HOSTNAME`, else `unknown host`.
fn host_name() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown host".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locked_holder(result: Result<StateLock, StateError>) -> String {
        match result {
            Err(StateError::Locked { holder, .. }) => holder,
            Err(e) => panic!("expected Locked, got {e:?}"),
            Ok(_) => panic!("expected Locked, got the lock"),
        }
    }

    #[test]
    fn a_second_acquire_conflicts_and_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".aksform/lock");
        let held = acquire(&path, "aksform apply", Duration::ZERO).unwrap();
        assert_eq!(held.path(), path);
        assert_eq!(held.holder().pid, std::process::id());

        let result = acquire(&path, "aksform plan", Duration::ZERO);
        let Err(e) = result else {
            panic!("a second open file description got the lock");
        };
        let text = e.to_string();
        let want = format!(
            "the state is locked by aksform apply (pid {} on {}, since {})",
            std::process::id(),
            held.holder().host,
            held.holder().started
        );
        assert!(text.starts_with(&want), "{text}");
        assert!(text.contains("-lock-timeout=5m"), "{text}");
    }

    #[test]
    fn waiting_gives_up_after_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let _held = acquire(&path, "aksform apply", Duration::ZERO).unwrap();
        let start = Instant::now();
        let holder = locked_holder(acquire(&path, "aksform apply", Duration::from_millis(350)));
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(350), "{waited:?}");
        assert!(waited < Duration::from_secs(30), "{waited:?}");
        assert!(
            holder.contains(&format!("pid {}", std::process::id())),
            "{holder}"
        );
        assert!(holder.starts_with("aksform apply"), "{holder}");
    }

    #[test]
    fn dropping_the_guard_releases_and_clears_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let held = acquire(&path, "aksform apply", Duration::ZERO).unwrap();
        let written: LockHolder = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(&written, held.holder());
        drop(held);
        assert_eq!(fs::read(&path).unwrap(), b"");
        let again = acquire(&path, "aksform destroy", Duration::ZERO).unwrap();
        assert_eq!(again.holder().command, "aksform destroy");
    }

    #[test]
    fn a_waiter_gets_the_lock_when_it_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let held = acquire(&path, "aksform apply", Duration::ZERO).unwrap();
        let releaser = thread::spawn(move || {
            thread::sleep(Duration::from_millis(250));
            drop(held);
        });
        let got = acquire(&path, "aksform plan", Duration::from_secs(30));
        releaser.join().unwrap();
        assert_eq!(got.unwrap().holder().command, "aksform plan");
    }

    #[test]
    fn unreadable_holder_info_still_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        fs::write(&path, b"not json").unwrap();
        let other = File::open(&path).unwrap();
        other.try_lock().unwrap();
        let holder = locked_holder(acquire(&path, "aksform apply", Duration::ZERO));
        assert_eq!(holder, "another process");
        assert_eq!(
            fs::read(&path).unwrap(),
            b"not json",
            "a loser writes nothing"
        );
    }

    #[test]
    fn host_name_is_never_empty() {
        assert!(!host_name().is_empty());
    }

    /// Set in the child process of `another_process_holds_the_lock_until_it_dies`.
    const CHILD_ENV: &str = "AKSFORM_TEST_LOCK_CHILD";

    /// In the child: takes the lock and sleeps until killed. In a normal run: does nothing.
    #[test]
    fn child_lock_holder() {
        if let Some(path) = std::env::var_os(CHILD_ENV) {
            let _held = acquire(Path::new(&path), "aksform apply", Duration::ZERO).unwrap();
            thread::sleep(Duration::from_secs(60));
        }
    }

    #[test]
    fn another_process_holds_the_lock_until_it_dies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "state::lock::tests::child_lock_holder",
                "--nocapture",
            ])
            .env(CHILD_ENV, &path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let child_wrote_its_name = || {
            fs::read(&path)
                .ok()
                .and_then(|b| serde_json::from_slice::<LockHolder>(&b).ok())
                .is_some_and(|h| h.pid == child.id())
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !child_wrote_its_name() && Instant::now() < deadline {
            thread::sleep(POLL);
        }
        let result = acquire(&path, "aksform plan", Duration::ZERO);
        let killed = child.kill();
        let _ = child.wait();
        killed.unwrap();
        let holder = locked_holder(result);
        assert!(holder.contains(&format!("pid {} ", child.id())), "{holder}");
        // The OS released the dead child's lock; no force-unlock needed.
        acquire(&path, "aksform plan", Duration::from_secs(10)).unwrap();
    }
}
