//! How an emulator behaves: operation durations, paging, persistence, the request log and faults.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Everything an emulator instance is configured with.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Long-running operation durations at speed 1.
    pub durations: Durations,
    /// Divides every duration: 10 makes operations ten times faster.
    pub speed: f64,
    /// Items per page of every list response.
    pub page_size: usize,
    /// Where resources and in-flight operations are persisted; `None` keeps them in memory.
    pub state_dir: Option<PathBuf>,
    /// A JSONL file that receives every request and response.
    pub request_log: Option<PathBuf>,
    /// A directory that receives every ARM exchange as an oav traffic file.
    pub traffic_dir: Option<PathBuf>,
    /// Faults injected from the start.
    pub faults: Faults,
    /// The subscription's tenant, reported in identities.
    pub tenant_id: String,
    /// Send the AKS resource provider's own errors without the `{"error": ...}` envelope, as real
    /// AKS has been seen to do; off by default, so responses match the published REST specs.
    pub aks_unwrapped_errors: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            durations: Durations::default(),
            speed: 1.0,
            page_size: 100,
            state_dir: None,
            request_log: None,
            traffic_dir: None,
            faults: Faults::default(),
            tenant_id: "72f988bf-86f1-41af-91ab-2d7cd011db47".to_string(),
            aks_unwrapped_errors: false,
        }
    }
}

impl EmulatorConfig {
    /// The real duration of an operation that takes `base` at speed 1.
    pub fn scaled(&self, base: Duration) -> Duration {
        if self.speed <= 0.0 || !self.speed.is_finite() {
            return base;
        }
        base.div_f64(self.speed)
    }
}

/// How long operations take, per resource type, at speed 1. The defaults are seconds, not the
/// minutes real Azure takes, so that a quickstart and the tests stay fast.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Durations {
    /// Creating a managed cluster.
    pub cluster_create_ms: u64,
    /// Updating a managed cluster (and upgrades).
    pub cluster_update_ms: u64,
    /// Creating, updating or upgrading an agent pool.
    pub pool_ms: u64,
    /// Virtual networks, subnets and network security groups.
    pub network_ms: u64,
    /// Log Analytics workspaces.
    pub workspace_ms: u64,
    /// Deleting anything long-running (resource groups included).
    pub delete_ms: u64,
}

impl Default for Durations {
    fn default() -> Self {
        Durations {
            cluster_create_ms: 4000,
            cluster_update_ms: 2000,
            pool_ms: 2000,
            network_ms: 500,
            workspace_ms: 500,
            delete_ms: 1000,
        }
    }
}

/// Faults to inject. Rates are probabilities from 0 to 1 per request (or per operation).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Fixed latency added to every request.
    pub latency_ms: u64,
    /// Random extra latency, up to this much.
    pub jitter_ms: u64,
    /// Share of requests answered with 429 `Throttled` and `Retry-After`.
    pub throttle_rate: f64,
    /// `Retry-After` seconds sent with injected throttling.
    pub throttle_retry_after_s: u64,
    /// Share of requests answered with 500 or 503.
    pub server_error_rate: f64,
    /// Share of requests whose connection is dropped without an answer.
    pub drop_rate: f64,
    /// Share of long-running operations that end `Failed`.
    pub fail_operation_rate: f64,
    /// Long-running operations on resources whose id contains one of these (case-insensitive)
    /// end `Failed`, every time: a fault aimed at one resource.
    pub fail_operations_on: Vec<String>,
    /// Apply AKS's per-operation token buckets (e.g. 20 cluster PUTs, refilled 1 a minute).
    pub token_buckets: bool,
    /// Seed for the random choices, for reproducible runs.
    pub seed: Option<u64>,
}
