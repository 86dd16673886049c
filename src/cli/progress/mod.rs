//! The apply's progress display: the three [`Observer`]s the CLI can hand the executor (live
//! indicatif bars on a terminal, timestamped lines in CI, Terraform's JSON UI events with `-json`),
//! the choice between them, and the wording they share.
//!
//! The executor calls an observer from many tasks at once. Each implementation keeps its state
//! behind one mutex and writes every line with one `write_all` while holding it, so lines never
//! interleave; a poisoned mutex is taken over rather than propagated.

mod json;
mod plain;
mod terminal;

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

pub use json::Json;
pub use plain::Plain;
pub use terminal::Terminal;

use crate::apply::observer::{Observer, Outcome, Verb};

/// How often a plain or JSON progress line may repeat for one resource, as in Terraform.
pub const PROGRESS_INTERVAL: Duration = Duration::from_secs(10);

/// What the first Ctrl-C does, in words.
pub const STOPPING: &str = "Stopping: no new operations start; waiting for the running ones \
                            (press Ctrl-C again to stop waiting)";

/// Which display an apply gets; chosen once per command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// Live bars on stderr: stderr is a terminal and colour is allowed.
    Terminal,
    /// Timestamped lines on stderr (CI, pipes, `-no-color`, `NO_COLOR`).
    Plain,
    /// One JSON UI event per line on stdout (`-json`).
    Json,
}

impl ProgressMode {
    /// Picks the mode from the `-json` and `-no-color` flags and the environment: whether stderr
    /// is a terminal, `NO_COLOR`, and `TERM=dumb` (where indicatif would draw nothing).
    pub fn detect(json: bool, no_color: bool) -> Self {
        let animate = std::io::stderr().is_terminal()
            && !no_color
            && std::env::var_os("NO_COLOR").is_none()
            && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
        Self::choose(json, animate)
    }

    /// `Json` when asked for, else `Terminal` when live drawing is allowed, else `Plain`.
    pub fn choose(json: bool, animate: bool) -> Self {
        match (json, animate) {
            (true, _) => ProgressMode::Json,
            (false, true) => ProgressMode::Terminal,
            (false, false) => ProgressMode::Plain,
        }
    }
}

/// The observer for `mode`, writing to the real stderr (or stdout for JSON).
pub fn for_run(mode: ProgressMode) -> Box<dyn Observer> {
    match mode {
        ProgressMode::Terminal => Box::new(Terminal::stderr()),
        ProgressMode::Plain => Box::new(Plain::stderr()),
        ProgressMode::Json => Box::new(Json::stdout()),
    }
}

/// Where the line writers get the time: a monotonic instant for throttling and the wall clock
/// for timestamps. Tests substitute a clock they advance by hand.
pub trait Clock: Send + Sync {
    /// Now, for measuring intervals.
    fn now(&self) -> Instant;
    /// Now, for timestamps.
    fn wall(&self) -> SystemTime;
}

/// The system's clocks.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// When each running resource last got a line, so progress lines come at most once per interval.
#[derive(Debug, Default)]
struct Throttle {
    last: HashMap<String, Instant>,
}

impl Throttle {
    /// A line for `key` was written at `now`.
    fn mark(&mut self, key: String, now: Instant) {
        self.last.insert(key, now);
    }

    /// Whether a progress line for `key` may be written at `now`; if so, it counts as written.
    fn due(&mut self, key: String, now: Instant, every: Duration) -> bool {
        match self.last.get(&key) {
            Some(t) if now.saturating_duration_since(*t) < every => false,
            _ => {
                self.last.insert(key, now);
                true
            }
        }
    }

    /// `key` ended.
    fn forget(&mut self, key: &str) {
        self.last.remove(key);
    }
}

/// The shell the line writers ([`Plain`], [`Json`]) share: the output and the throttle behind one
/// mutex, the clock, and the interval. Each method takes the lock once, settles the throttle for
/// the resource, and writes one whole line built (under the lock, so timestamps go in order) from
/// the wall time; the writers keep only their line formats.
struct Lines<W> {
    inner: Mutex<LinesInner<W>>,
    clock: Arc<dyn Clock>,
    every: Duration,
}

struct LinesInner<W> {
    out: W,
    throttle: Throttle,
}

impl<W: Write> Lines<W> {
    /// Lines on `out`, timed by `clock`, progress every `every` at most per resource.
    fn new(out: W, clock: Arc<dyn Clock>, every: Duration) -> Self {
        Lines {
            inner: Mutex::new(LinesInner {
                out,
                throttle: Throttle::default(),
            }),
            clock,
            every,
        }
    }

    /// The writer back, with everything written to it.
    fn into_inner(self) -> W {
        self.inner
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .out
    }

    /// `address` started: its progress interval starts now, and `line` is written.
    fn started(&self, address: &str, verb: Verb, line: impl FnOnce(SystemTime) -> String) {
        let mut inner = lock(&self.inner);
        inner.throttle.mark(key(address, verb), self.clock.now());
        write_line(&mut inner.out, line(self.clock.wall()));
    }

    /// `address` is still running: `line` is written if a full interval has passed since its
    /// last line.
    fn progress(&self, address: &str, verb: Verb, line: impl FnOnce(SystemTime) -> String) {
        let mut inner = lock(&self.inner);
        if inner
            .throttle
            .due(key(address, verb), self.clock.now(), self.every)
        {
            write_line(&mut inner.out, line(self.clock.wall()));
        }
    }

    /// `address` ended: its throttle is dropped, and `line` is written.
    fn finished(&self, address: &str, verb: Verb, line: impl FnOnce(SystemTime) -> String) {
        let mut inner = lock(&self.inner);
        inner.throttle.forget(&key(address, verb));
        write_line(&mut inner.out, line(self.clock.wall()));
    }

    /// Writes `line`, for no resource in particular.
    fn line(&self, line: impl FnOnce(SystemTime) -> String) {
        let mut inner = lock(&self.inner);
        write_line(&mut inner.out, line(self.clock.wall()));
    }
}

/// A throttle key: the halves of a replacement (delete, create) are separate operations.
fn key(address: &str, verb: Verb) -> String {
    format!("{address} {}", verb.action())
}

/// Locks `m`, taking over the data if another task panicked while holding it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Writes `line` and a newline with one call, then flushes. Output errors (a closed pipe) are
/// ignored: the display must never stop the apply.
fn write_line(out: &mut impl Write, mut line: String) {
    line.push('\n');
    let _ = out.write_all(line.as_bytes());
    let _ = out.flush();
}

/// `azurerm_x.y: Creating...`, with ` [step]` for an upgrade step.
fn started_text(address: &str, verb: Verb, step: Option<&str>) -> String {
    match step {
        Some(step) => format!("{address}: {}... [{step}]", verb.doing()),
        None => format!("{address}: {}...", verb.doing()),
    }
}

/// `azurerm_x.y: Still creating... [30s elapsed] (provisioningState Creating)`.
fn progress_text(address: &str, verb: Verb, state: &str, elapsed: Duration) -> String {
    format!(
        "{address}: Still {}... [{} elapsed] (provisioningState {state})",
        verb.doing().to_lowercase(),
        elapsed_text(elapsed)
    )
}

/// The permanent line for how `address` ended.
fn finished_text(address: &str, verb: Verb, elapsed: Duration, outcome: &Outcome) -> String {
    let after = elapsed_text(elapsed);
    match outcome {
        Outcome::Done { id: Some(id) } => {
            format!(
                "{address}: {} complete after {after} [id={id}]",
                verb.done()
            )
        }
        Outcome::Done { id: None } => format!("{address}: {} complete after {after}", verb.done()),
        Outcome::Failed {
            code: Some(code),
            message,
        } => format!(
            "{address}: {} failed after {after}: {code}: {message}",
            verb.done()
        ),
        Outcome::Failed {
            code: None,
            message,
        } => format!("{address}: {} failed after {after}: {message}", verb.done()),
        Outcome::Skipped { because } => format!("{address}: Skipped: {because}"),
    }
}

/// Whole seconds in Go's style, as Terraform prints them: `0s`, `5s`, `1m30s`, `2h0m5s`.
fn elapsed_text(d: Duration) -> String {
    let secs = elapsed_secs(d);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}

/// `d` rounded to the nearest second.
fn elapsed_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_millis() >= 500)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_choice() {
        assert_eq!(ProgressMode::choose(true, true), ProgressMode::Json);
        assert_eq!(ProgressMode::choose(true, false), ProgressMode::Json);
        assert_eq!(ProgressMode::choose(false, true), ProgressMode::Terminal);
        assert_eq!(ProgressMode::choose(false, false), ProgressMode::Plain);
        assert_eq!(ProgressMode::detect(true, true), ProgressMode::Json);
        assert_eq!(ProgressMode::detect(false, true), ProgressMode::Plain);
    }

    #[test]
    fn elapsed_like_terraform() {
        let t = |s: u64, ms: u64| elapsed_text(Duration::from_millis(s * 1000 + ms));
        assert_eq!(t(0, 0), "0s");
        assert_eq!(t(4, 600), "5s");
        assert_eq!(t(90, 0), "1m30s");
        assert_eq!(t(3605, 0), "1h0m5s");
    }

    #[test]
    fn finished_wording() {
        let s = Duration::from_secs(3);
        let failed = Outcome::Failed {
            code: None,
            message: "boom".into(),
        };
        assert_eq!(
            finished_text("a.b", Verb::Update, s, &failed),
            "a.b: Modifications failed after 3s: boom"
        );
        let done = Outcome::Done { id: None };
        assert_eq!(
            finished_text("a.b", Verb::Delete, s, &done),
            "a.b: Destruction complete after 3s"
        );
        assert_eq!(
            started_text(
                "a.b",
                Verb::Update,
                Some("control plane to 1.33 (step 1 of 3)")
            ),
            "a.b: Modifying... [control plane to 1.33 (step 1 of 3)]"
        );
    }

    #[test]
    fn throttle_waits_a_full_interval_per_key() {
        let t0 = Instant::now();
        let at = |s| t0 + Duration::from_secs(s);
        let mut t = Throttle::default();
        t.mark("a".into(), at(0));
        assert!(!t.due("a".into(), at(9), PROGRESS_INTERVAL));
        assert!(t.due("b".into(), at(9), PROGRESS_INTERVAL));
        assert!(t.due("a".into(), at(10), PROGRESS_INTERVAL));
        assert!(!t.due("a".into(), at(19), PROGRESS_INTERVAL));
        t.forget("a");
        assert!(t.due("a".into(), at(19), PROGRESS_INTERVAL));
    }
}

#[cfg(test)]
mod testing {
    //! A clock tests move by hand.

    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

    use super::{Clock, lock};

    /// Starts at 2026-11-28T06:40:00Z and moves only when told.
    pub struct FakeClock {
        start: Instant,
        offset: Mutex<Duration>,
    }

    impl FakeClock {
        pub fn new() -> Arc<Self> {
            Arc::new(FakeClock {
                start: Instant::now(),
                offset: Mutex::new(Duration::ZERO),
            })
        }

        pub fn advance(&self, secs: u64) {
            *lock(&self.offset) += Duration::from_secs(secs);
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> Instant {
            self.start + *lock(&self.offset)
        }

        fn wall(&self) -> SystemTime {
            UNIX_EPOCH + Duration::from_secs(1_795_848_000) + *lock(&self.offset)
        }
    }
}
