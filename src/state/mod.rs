//! The state layer: the small index of what this stack owns (`.aksform/state.json`) and the lock
//! that keeps two commands from writing it at once (`.aksform/lock`).
//!
//! Live Azure is the source of truth (DESIGN.md, decision 2). The index only remembers which
//! addresses the stack created and their ARM ids, so that a resource removed from the
//! configuration is planned for deletion; losing it loses nothing else, because ids follow from
//! names.
//!
//! ```text
//! <root module>/.aksform/
//!   state.json          the index: its data in index.rs, read and written by store.rs
//!   state.json.backup   the version the last save replaced
//!   lock                held with an OS file lock while a command runs (lock.rs)
//! ```
//!
//! Nothing here talks to Azure. The functions block the calling thread (file IO, and polling
//! for the lock), so async callers run them before the runtime work starts or on
//! `spawn_blocking`.

pub mod error;
pub mod index;
pub mod lock;
pub mod planfile;
pub mod store;

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub use error::StateError;
pub use index::{Entry, EntryStatus, FORMAT_VERSION, StateIndex};
pub use lock::{LockHolder, StateLock, acquire};
pub use planfile::{load_plan, save_plan};
pub use store::{backup_path, load, save};

/// The directory next to the root module that holds the state files.
pub const STATE_DIR: &str = ".aksform";

/// The state index's file name inside [`STATE_DIR`].
pub const STATE_FILE: &str = "state.json";

/// The lock's file name inside [`STATE_DIR`].
pub const LOCK_FILE: &str = "lock";

/// `<root>/.aksform/state.json`, the default state index for the root module in `root`.
pub fn state_path(root: &Path) -> PathBuf {
    root.join(STATE_DIR).join(STATE_FILE)
}

/// `<root>/.aksform/lock`, the default lock file for the root module in `root`.
pub fn lock_path(root: &Path) -> PathBuf {
    root.join(STATE_DIR).join(LOCK_FILE)
}

/// The current time as an RFC 3339 UTC timestamp with whole seconds: `2026-11-28T03:00:00Z`.
pub fn now_rfc3339() -> String {
    rfc3339_utc(SystemTime::now())
}

/// `t` as an RFC 3339 UTC timestamp with whole seconds. Times before 1970 (a badly set clock)
/// print as the epoch rather than failing.
pub fn rfc3339_utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    // u64 seconds / 86 400 always fits an i64.
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to a proleptic Gregorian
/// (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both are in range by construction; the fallbacks are never taken.
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64) -> String {
        rfc3339_utc(UNIX_EPOCH + Duration::from_secs(secs))
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(951_868_799), "2000-02-29T23:59:59Z");
        assert_eq!(at(1_709_164_800), "2024-02-29T00:00:00Z");
        assert_eq!(at(1_735_689_599), "2024-12-31T23:59:59Z");
        assert_eq!(at(1_795_834_862), "2026-11-28T03:01:02Z");
        assert_eq!(at(4_102_444_800), "2100-01-01T00:00:00Z");
    }

    #[test]
    fn sub_second_parts_are_dropped() {
        let t = UNIX_EPOCH + Duration::from_millis(1_500);
        assert_eq!(rfc3339_utc(t), "1970-01-01T00:00:01Z");
    }

    #[test]
    fn times_before_the_epoch_print_as_the_epoch() {
        let t = UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(rfc3339_utc(t), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn civil_from_days_round_trips_every_day_of_four_centuries() {
        // days_from_civil, the inverse, written independently by counting.
        let mut days = 0i64;
        for year in 1970..2370 {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            let lengths = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ];
            for (m, len) in lengths.iter().enumerate() {
                for d in 1..=*len {
                    let month = u32::try_from(m + 1).unwrap();
                    assert_eq!(civil_from_days(days), (year, month, d), "day {days}");
                    days += 1;
                }
            }
        }
    }

    #[test]
    fn now_looks_like_a_timestamp() {
        let s = now_rfc3339();
        assert_eq!(s.len(), 20, "{s}");
        assert!(s.starts_with("20") && s.ends_with('Z'), "{s}");
    }

    #[test]
    fn default_paths_sit_in_the_state_dir() {
        let root = Path::new("/srv/stack");
        assert_eq!(
            state_path(root),
            Path::new("/srv/stack/.aksform/state.json")
        );
        assert_eq!(lock_path(root), Path::new("/srv/stack/.aksform/lock"));
    }
}
