//! Progress as timestamped lines on stderr, for CI logs and pipes: one line when a resource
//! starts, a "Still creating..." line at most once per interval, one when it ends.

use std::io::{Stderr, Write};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::{
    Clock, Lines, PROGRESS_INTERVAL, STOPPING, SystemClock, finished_text, progress_text,
    started_text,
};
use crate::apply::observer::{Observer, Outcome, Verb};
use crate::state::rfc3339_utc;

/// Writes `2026-11-28T06:40:00Z aksform: azurerm_kubernetes_cluster.main: Creating...` lines.
pub struct Plain<W> {
    lines: Lines<W>,
}

impl Plain<Stderr> {
    /// Lines on stderr, progress every [`PROGRESS_INTERVAL`] at most.
    pub fn stderr() -> Self {
        Plain::new(std::io::stderr(), Arc::new(SystemClock), PROGRESS_INTERVAL)
    }
}

impl<W: Write + Send> Plain<W> {
    /// Lines on `out`, timed by `clock`, progress every `every` at most per resource.
    pub fn new(out: W, clock: Arc<dyn Clock>, every: Duration) -> Self {
        Plain {
            lines: Lines::new(out, clock, every),
        }
    }

    /// The writer back, with everything written to it.
    pub fn into_inner(self) -> W {
        self.lines.into_inner()
    }
}

/// `text` stamped with the time `wall`.
fn stamped(wall: SystemTime, text: &str) -> String {
    format!("{} aksform: {text}", rfc3339_utc(wall))
}

impl<W: Write + Send> Observer for Plain<W> {
    fn started(&self, address: &str, verb: Verb, step: Option<&str>) {
        self.lines.started(address, verb, |wall| {
            stamped(wall, &started_text(address, verb, step))
        });
    }

    fn progress(&self, address: &str, verb: Verb, state: &str, elapsed: Duration) {
        self.lines.progress(address, verb, |wall| {
            stamped(wall, &progress_text(address, verb, state, elapsed))
        });
    }

    fn finished(&self, address: &str, verb: Verb, elapsed: Duration, outcome: &Outcome) {
        self.lines.finished(address, verb, |wall| {
            stamped(wall, &finished_text(address, verb, elapsed, outcome))
        });
    }

    fn stopping(&self) {
        self.lines.line(|wall| stamped(wall, STOPPING));
    }
}

#[cfg(test)]
mod tests {
    use std::thread;

    use super::*;
    use crate::cli::progress::testing::FakeClock;

    const AKS: &str = "azurerm_kubernetes_cluster.main";

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    fn text(p: Plain<Vec<u8>>) -> String {
        String::from_utf8_lossy(&p.into_inner()).into_owned()
    }

    #[test]
    fn start_throttled_progress_and_end() {
        let clock = FakeClock::new();
        let p = Plain::new(Vec::new(), clock.clone(), PROGRESS_INTERVAL);
        p.begin(2);
        p.started(AKS, Verb::Create, None);
        clock.advance(5);
        p.progress(AKS, Verb::Create, "Creating", secs(5)); // too soon after the start line
        clock.advance(5);
        p.progress(AKS, Verb::Create, "Creating", secs(10));
        clock.advance(9);
        p.progress(AKS, Verb::Create, "Creating", secs(19)); // too soon
        clock.advance(1);
        p.progress(AKS, Verb::Create, "Succeeded", secs(20));
        clock.advance(70);
        let id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks";
        let done = Outcome::Done {
            id: Some(id.into()),
        };
        p.finished(AKS, Verb::Create, secs(90), &done);
        p.end();
        insta::assert_snapshot!(text(p), @r"
        2026-11-28T06:40:00Z aksform: azurerm_kubernetes_cluster.main: Creating...
        2026-11-28T06:40:10Z aksform: azurerm_kubernetes_cluster.main: Still creating... [10s elapsed] (provisioningState Creating)
        2026-11-28T06:40:20Z aksform: azurerm_kubernetes_cluster.main: Still creating... [20s elapsed] (provisioningState Succeeded)
        2026-11-28T06:41:30Z aksform: azurerm_kubernetes_cluster.main: Creation complete after 1m30s [id=/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks]
        ");
    }

    #[test]
    fn failure_skip_step_and_stop() {
        let clock = FakeClock::new();
        let p = Plain::new(Vec::new(), clock.clone(), PROGRESS_INTERVAL);
        p.started(
            AKS,
            Verb::Update,
            Some("control plane to 1.33 (step 1 of 3)"),
        );
        clock.advance(3);
        let failed = Outcome::Failed {
            code: Some("OperationNotAllowed".into()),
            message: "Upgrade is not allowed".into(),
        };
        p.finished(AKS, Verb::Update, secs(3), &failed);
        p.stopping();
        let skipped = Outcome::Skipped {
            because: format!("{AKS} failed"),
        };
        p.finished(
            "azurerm_kubernetes_cluster_node_pool.user",
            Verb::Update,
            Duration::ZERO,
            &skipped,
        );
        insta::assert_snapshot!(text(p), @r"
        2026-11-28T06:40:00Z aksform: azurerm_kubernetes_cluster.main: Modifying... [control plane to 1.33 (step 1 of 3)]
        2026-11-28T06:40:03Z aksform: azurerm_kubernetes_cluster.main: Modifications failed after 3s: OperationNotAllowed: Upgrade is not allowed
        2026-11-28T06:40:03Z aksform: Stopping: no new operations start; waiting for the running ones (press Ctrl-C again to stop waiting)
        2026-11-28T06:40:03Z aksform: azurerm_kubernetes_cluster_node_pool.user: Skipped: azurerm_kubernetes_cluster.main failed
        ");
    }

    #[test]
    fn each_resource_has_its_own_throttle() {
        let clock = FakeClock::new();
        let p = Plain::new(Vec::new(), clock.clone(), PROGRESS_INTERVAL);
        p.started("a.x", Verb::Create, None);
        clock.advance(6);
        p.started("b.x", Verb::Delete, None);
        clock.advance(4);
        p.progress("a.x", Verb::Create, "Creating", secs(10));
        p.progress("b.x", Verb::Delete, "Deleting", secs(4));
        clock.advance(6);
        p.progress("b.x", Verb::Delete, "Deleting", secs(10));
        insta::assert_snapshot!(text(p), @r"
        2026-11-28T06:40:00Z aksform: a.x: Creating...
        2026-11-28T06:40:06Z aksform: b.x: Destroying...
        2026-11-28T06:40:10Z aksform: a.x: Still creating... [10s elapsed] (provisioningState Creating)
        2026-11-28T06:40:16Z aksform: b.x: Still destroying... [10s elapsed] (provisioningState Deleting)
        ");
    }

    #[test]
    fn whole_lines_from_many_threads() {
        let p = Arc::new(Plain::new(Vec::new(), FakeClock::new(), PROGRESS_INTERVAL));
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let p = Arc::clone(&p);
                thread::spawn(move || {
                    for j in 0..50 {
                        let address = format!("azurerm_subnet.s{i}_{j}");
                        p.started(&address, Verb::Create, None);
                        p.finished(&address, Verb::Create, secs(1), &Outcome::Done { id: None });
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().ok();
        }
        let Ok(p) = Arc::try_unwrap(p) else {
            panic!("a thread still holds the observer");
        };
        let out = text(p);
        assert_eq!(out.lines().count(), 800);
        assert!(out.lines().all(
            |l| l.starts_with("2026-11-28T06:40:00Z aksform: azurerm_subnet.s")
                && (l.ends_with("Creating...") || l.ends_with("Creation complete after 1s"))
        ));
    }
}
