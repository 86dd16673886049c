//! `aksform emulator`: serve the built-in ARM emulator until SIGINT or SIGTERM; the first line on
//! stdout is its base URL.

use std::io::Write;

use anyhow::Context;

use crate::cli::args::EmulatorArgs;
use crate::cli::exit::ExitStatus;
use crate::emulator::{Durations, Emulator, EmulatorConfig, Faults};

/// Applies `--duration KIND=MS` flags.
fn durations(flags: &[String]) -> anyhow::Result<Durations> {
    let mut d = Durations::default();
    for flag in flags {
        let (kind, ms) = flag.split_once('=').ok_or_else(|| {
            anyhow::anyhow!("--duration {flag:?}: write KIND=MS, e.g. cluster-create=600000")
        })?;
        let ms: u64 = ms.parse().map_err(|_| {
            anyhow::anyhow!("--duration {flag:?}: {ms:?} is not a number of milliseconds")
        })?;
        let slot = match kind {
            "cluster-create" => &mut d.cluster_create_ms,
            "cluster-update" => &mut d.cluster_update_ms,
            "pool" => &mut d.pool_ms,
            "network" => &mut d.network_ms,
            "workspace" => &mut d.workspace_ms,
            "delete" => &mut d.delete_ms,
            other => anyhow::bail!(
                "--duration: unknown operation kind {other:?}; use cluster-create, cluster-update, pool, network, workspace or delete"
            ),
        };
        *slot = ms;
    }
    Ok(d)
}

/// The emulator configuration the flags describe.
pub fn config(args: &EmulatorArgs) -> anyhow::Result<EmulatorConfig> {
    let rate = |name: &str, v: f64| {
        if (0.0..=1.0).contains(&v) {
            Ok(v)
        } else {
            Err(anyhow::anyhow!("--{name} must be between 0 and 1, not {v}"))
        }
    };
    if !(args.speed.is_finite() && args.speed > 0.0) {
        anyhow::bail!("--speed must be a positive number, not {}", args.speed);
    }
    if args.page_size == 0 {
        anyhow::bail!("--page-size must be at least 1");
    }
    Ok(EmulatorConfig {
        durations: durations(&args.durations)?,
        speed: args.speed,
        page_size: args.page_size,
        state_dir: args.state_dir.clone(),
        request_log: args.request_log.clone(),
        traffic_dir: args.traffic_dir.clone(),
        faults: Faults {
            latency_ms: args.latency_ms,
            jitter_ms: args.jitter_ms,
            throttle_rate: rate("throttle-rate", args.throttle_rate)?,
            throttle_retry_after_s: 1,
            server_error_rate: rate("server-error-rate", args.server_error_rate)?,
            drop_rate: rate("drop-rate", args.drop_rate)?,
            fail_operation_rate: rate("fail-operation-rate", args.fail_operation_rate)?,
            fail_operations_on: args.fail_operations_on.clone(),
            token_buckets: args.token_buckets,
            seed: args.seed,
        },
        aks_unwrapped_errors: args.aks_unwrapped_errors,
        ..EmulatorConfig::default()
    })
}

/// Runs the emulator in the foreground.
///
/// # Errors
///
/// When the flags are invalid, the port cannot be bound or the state cannot be loaded.
pub fn run(args: &EmulatorArgs) -> anyhow::Result<ExitStatus> {
    let cfg = config(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let emulator = Emulator::start(cfg, args.port)
            .await
            .with_context(|| format!("starting the emulator on 127.0.0.1:{}", args.port))?;
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", emulator.url())?;
            out.flush()?;
        }
        wait_for_signal().await;
        emulator.stop().await;
        Ok(ExitStatus::Success)
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_flags() {
        let d = durations(&["cluster-create=10".into(), "delete=5".into()]).unwrap();
        assert_eq!(
            (d.cluster_create_ms, d.delete_ms, d.pool_ms),
            (10, 5, Durations::default().pool_ms)
        );
        assert!(
            durations(&["cluster=10".into()])
                .unwrap_err()
                .to_string()
                .contains("unknown operation kind")
        );
        assert!(durations(&["pool".into()]).is_err());
        assert!(durations(&["pool=x".into()]).is_err());
    }
}
