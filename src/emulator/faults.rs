//! Fault injection: random throttling, server errors and dropped connections, and the token
//! buckets with which the AKS resource provider and ARM limit request rates.

use std::collections::HashMap;

use axum::http::Method;

use super::config::Faults;
use super::route::Route;

/// What to do to one request instead of (or before) answering it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    /// Nothing: answer normally.
    Nothing,
    /// 429 `Throttled` with this `Retry-After`.
    Throttle(u64),
    /// 500 or 503.
    ServerError(u16),
    /// Close the connection without an answer.
    Drop,
}

/// Rolls the dice for one request.
pub fn choose(faults: &Faults, rng: &mut fastrand::Rng) -> Injected {
    if faults.drop_rate > 0.0 && rng.f64() < faults.drop_rate {
        return Injected::Drop;
    }
    if faults.throttle_rate > 0.0 && rng.f64() < faults.throttle_rate {
        return Injected::Throttle(faults.throttle_retry_after_s.max(1));
    }
    if faults.server_error_rate > 0.0 && rng.f64() < faults.server_error_rate {
        return Injected::ServerError(if rng.bool() { 500 } else { 503 });
    }
    Injected::Nothing
}

/// A token bucket.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    burst: f64,
    per_second: f64,
    last_ms: u64,
}

/// The limit that applies to one request: the bucket's key, size and refill rate, and the name of
/// the AKS handler it is reported under.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    /// Which bucket.
    pub key: String,
    /// Burst size.
    pub burst: f64,
    /// Tokens added per second.
    pub per_second: f64,
    /// e.g. `PutManagedClusterHandler.PUT`.
    pub handler: &'static str,
}

/// The AKS limits (learn.microsoft.com/azure/aks/quotas-skus-regions, "throttling limits on AKS
/// resource provider APIs"), and ARM's regional read and write buckets for everything else.
pub fn limit_for(method: &Method, route: &Route) -> Limit {
    let lim = |key: String, burst: f64, per_second: f64, handler| Limit {
        key,
        burst,
        per_second,
        handler,
    };
    match route {
        Route::Provider(p) if p.ns.eq_ignore_ascii_case("Microsoft.ContainerService") => {
            let t = p.type_key();
            let sub = &p.sub;
            match (method, t.as_str(), p.is_collection()) {
                (&Method::GET, "microsoft.containerservice/managedclusters", true) => match &p.rg {
                    Some(rg) => lim(
                        format!("list-mc/{sub}/{}", rg.to_ascii_lowercase()),
                        60.0,
                        1.0,
                        "ListManagedClustersByResourceGroupHandler.GET",
                    ),
                    None => lim(
                        format!("list-mc/{sub}"),
                        500.0,
                        1.0,
                        "ListManagedClustersHandler.GET",
                    ),
                },
                (&Method::PUT, "microsoft.containerservice/managedclusters", false) => lim(
                    format!("put-mc/{}", p.id().to_ascii_lowercase()),
                    20.0,
                    1.0 / 60.0,
                    "PutManagedClusterHandler.PUT",
                ),
                (&Method::PUT, "microsoft.containerservice/managedclusters/agentpools", false) => {
                    lim(
                        format!("put-ap/{}", p.id().to_ascii_lowercase()),
                        20.0,
                        1.0 / 60.0,
                        "PutAgentPoolHandler.PUT",
                    )
                }
                (&Method::GET, "microsoft.containerservice/managedclusters", false) => lim(
                    format!("get-mc/{}", p.id().to_ascii_lowercase()),
                    60.0,
                    1.0,
                    "GetManagedClusterHandler.GET",
                ),
                _ => lim(format!("aks/{sub}"), 60.0, 1.0, "ManagedClusterHandler"),
            }
        }
        Route::OperationStatus { sub, .. } | Route::OperationResult { sub, .. } => lim(
            format!("op/{sub}"),
            200.0,
            2.0,
            "GetOperationStatusHandler.GET",
        ),
        _ => {
            let write = !matches!(*method, Method::GET | Method::HEAD);
            if write {
                lim("arm-writes".into(), 200.0, 10.0, "writes")
            } else {
                lim("arm-reads".into(), 250.0, 25.0, "reads")
            }
        }
    }
}

/// All buckets.
#[derive(Debug, Default)]
pub struct Buckets {
    buckets: HashMap<String, Bucket>,
}

impl Buckets {
    /// Takes a token for `limit`; on failure, the seconds until one is available.
    pub fn take(&mut self, limit: &Limit, now_ms: u64) -> Result<f64, u64> {
        let b = self.buckets.entry(limit.key.clone()).or_insert(Bucket {
            tokens: limit.burst,
            burst: limit.burst,
            per_second: limit.per_second,
            last_ms: now_ms,
        });
        #[allow(clippy::cast_precision_loss)]
        let elapsed = now_ms.saturating_sub(b.last_ms) as f64 / 1000.0;
        b.tokens = (b.tokens + elapsed * b.per_second).min(b.burst);
        b.last_ms = now_ms;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(b.tokens)
        } else {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let wait = ((1.0 - b.tokens) / b.per_second).ceil().max(1.0) as u64;
            Err(wait)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(path: &str) -> Route {
        Route::parse(path)
    }

    #[test]
    fn aks_limits_by_operation() {
        let put = limit_for(
            &Method::PUT,
            &route(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/k",
            ),
        );
        assert_eq!(
            (put.burst, put.handler),
            (20.0, "PutManagedClusterHandler.PUT")
        );
        let get = limit_for(
            &Method::GET,
            &route(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/k",
            ),
        );
        assert_eq!(get.burst, 60.0);
        let list = limit_for(
            &Method::GET,
            &route("/subscriptions/s/providers/Microsoft.ContainerService/managedClusters"),
        );
        assert_eq!(list.burst, 500.0);
        let other = limit_for(&Method::PUT, &route("/subscriptions/s/resourcegroups/rg"));
        assert_eq!(other.key, "arm-writes");
    }

    #[test]
    fn buckets_drain_and_refill() {
        let limit = Limit {
            key: "k".into(),
            burst: 2.0,
            per_second: 1.0,
            handler: "h",
        };
        let mut b = Buckets::default();
        assert!(b.take(&limit, 0).is_ok());
        assert!(b.take(&limit, 0).is_ok());
        assert_eq!(b.take(&limit, 0), Err(1));
        assert!(b.take(&limit, 1000).is_ok());
        let slow = Limit {
            key: "s".into(),
            burst: 1.0,
            per_second: 1.0 / 60.0,
            handler: "h",
        };
        assert!(b.take(&slow, 0).is_ok());
        assert_eq!(b.take(&slow, 0), Err(60));
    }

    #[test]
    fn dice_respect_rates() {
        let mut rng = fastrand::Rng::with_seed(7);
        assert_eq!(choose(&Faults::default(), &mut rng), Injected::Nothing);
        let always = Faults {
            throttle_rate: 1.0,
            throttle_retry_after_s: 3,
            ..Faults::default()
        };
        assert_eq!(choose(&always, &mut rng), Injected::Throttle(3));
        let drop = Faults {
            drop_rate: 1.0,
            ..Faults::default()
        };
        assert_eq!(choose(&drop, &mut rng), Injected::Drop);
    }
}
