//! Live progress on a terminal with indicatif: an overall "n of m done" bar and one spinner per
//! running resource (action, upgrade step, ARM `provisioningState`, elapsed time). When a
//! resource ends its spinner goes and a permanent line is printed above the bars.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{STOPPING, finished_text, key, lock};
use crate::apply::observer::{Observer, Outcome, Verb};

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

/// Spinners and an overall bar on stderr.
pub struct Terminal {
    multi: MultiProgress,
    overall: ProgressBar,
    running: Mutex<HashMap<String, Running>>,
}

/// A running resource's spinner and what its message is made of.
struct Running {
    bar: ProgressBar,
    verb: Verb,
    step: Option<String>,
}

impl Running {
    /// `Modifying... (Upgrading) [control plane to 1.33 (step 1 of 3)]`: the state before the
    /// step, so a narrow terminal cuts the step first.
    fn message(&self, state: Option<&str>) -> String {
        let mut msg = format!("{}...", self.verb.doing());
        if let Some(state) = state {
            msg.push_str(&format!(" ({state})"));
        }
        if let Some(step) = &self.step {
            msg.push_str(&format!(" [{step}]"));
        }
        msg
    }
}

impl Terminal {
    /// Draws on stderr.
    pub fn stderr() -> Self {
        Terminal::new(ProgressDrawTarget::stderr())
    }

    /// Draws on `target` (`ProgressDrawTarget::hidden()` in tests).
    pub fn new(target: ProgressDrawTarget) -> Self {
        let multi = MultiProgress::with_draw_target(target);
        let style = ProgressStyle::with_template("{bar:30.cyan/blue} {pos} of {len} done")
            .map_or_else(
                |_| ProgressStyle::default_bar(),
                |s| s.progress_chars("━╸ "),
            );
        let overall = multi.add(ProgressBar::new(0).with_style(style));
        Terminal {
            multi,
            overall,
            running: Mutex::new(HashMap::new()),
        }
    }

    /// Prints `line` above the bars (nothing when the target is hidden).
    fn println(&self, line: &str) {
        let _ = self.multi.println(line);
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner:.green} {prefix:.bold}: {wide_msg} [{elapsed}]")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

impl Observer for Terminal {
    fn begin(&self, total: usize) {
        self.overall.set_length(total as u64);
        self.overall.set_position(0);
    }

    fn started(&self, address: &str, verb: Verb, step: Option<&str>) {
        // Spinners go above the overall bar, which stays last.
        let bar = self.multi.insert_from_back(
            1,
            ProgressBar::new_spinner()
                .with_style(spinner_style())
                .with_prefix(address.to_string()),
        );
        let running = Running {
            bar,
            verb,
            step: step.map(str::to_string),
        };
        running.bar.set_message(running.message(None));
        running.bar.enable_steady_tick(Duration::from_millis(120));
        let old = lock(&self.running).insert(key(address, verb), running);
        if let Some(old) = old {
            old.bar.finish_and_clear();
            self.multi.remove(&old.bar);
        }
    }

    fn progress(&self, address: &str, verb: Verb, state: &str, _elapsed: Duration) {
        if let Some(r) = lock(&self.running).get(&key(address, verb)) {
            r.bar.set_message(r.message(Some(state)));
        }
    }

    fn finished(&self, address: &str, verb: Verb, elapsed: Duration, outcome: &Outcome) {
        let running = lock(&self.running).remove(&key(address, verb));
        if let Some(r) = running {
            r.bar.finish_and_clear();
            self.multi.remove(&r.bar);
        }
        let text = finished_text(address, verb, elapsed, outcome);
        let colour = match outcome {
            Outcome::Done { .. } => BOLD,
            Outcome::Failed { .. } => RED,
            Outcome::Skipped { .. } => YELLOW,
        };
        self.println(&format!("{colour}{text}{RESET}"));
        self.overall.inc(1);
    }

    fn stopping(&self) {
        self.println(&format!("{YELLOW}{STOPPING}{RESET}"));
    }

    fn end(&self) {
        for (_, r) in lock(&self.running).drain() {
            r.bar.finish_and_clear();
            self.multi.remove(&r.bar);
        }
        self.overall.finish_and_clear();
        let _ = self.multi.clear();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::thread;

    use super::*;

    #[test]
    fn runs_from_many_threads_without_panicking() {
        let t = Arc::new(Terminal::new(ProgressDrawTarget::hidden()));
        t.begin(40);
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let t = Arc::clone(&t);
                thread::spawn(move || {
                    for j in 0..10 {
                        let address = format!("azurerm_subnet.s{i}_{j}");
                        t.started(&address, Verb::Create, Some("step 1 of 1"));
                        t.progress(&address, Verb::Create, "Creating", Duration::from_secs(1));
                        let outcome = if j % 2 == 0 {
                            Outcome::Done { id: None }
                        } else {
                            Outcome::Skipped {
                                because: "upstream failed".into(),
                            }
                        };
                        t.finished(&address, Verb::Create, Duration::from_secs(2), &outcome);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().ok();
        }
        assert_eq!(t.overall.position(), 40);
        assert!(lock(&t.running).is_empty());
        t.started("left.over", Verb::Delete, None);
        t.stopping();
        t.end();
        assert!(lock(&t.running).is_empty());
    }

    #[test]
    fn spinner_message() {
        let r = Running {
            bar: ProgressBar::hidden(),
            verb: Verb::Update,
            step: Some("control plane to 1.33 (step 1 of 3)".into()),
        };
        assert_eq!(
            r.message(None),
            "Modifying... [control plane to 1.33 (step 1 of 3)]"
        );
        assert_eq!(
            r.message(Some("Upgrading")),
            "Modifying... (Upgrading) [control plane to 1.33 (step 1 of 3)]"
        );
    }
}
