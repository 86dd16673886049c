//! Rules for node pools (a cluster's `default_node_pool` and `azurerm_kubernetes_cluster_node_pool`):
//! autoscaling bounds, Spot settings, Windows names, surge settings, and version skew against the
//! control plane.

use super::{conflict, number};
use crate::config::eval::ResourceInstance;
use crate::diag::{Diagnostic, Diagnostics};

/// `(major, minor)` of a version such as `1.30` or `1.30.7`.
pub(crate) fn minor(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// Checks one pool; `p` is the path prefix of its attributes (`default_node_pool.0.` or ``).
pub(super) fn check(r: &ResourceInstance, p: &str, d: &mut Diagnostics) {
    let at = |name: &str| format!("{p}{name}");
    let is_default = !p.is_empty();
    let autoscale = r.bool(&at("auto_scaling_enabled")) == Some(true);
    let (min, max, count) = (
        number(r, &at("min_count")),
        number(r, &at("max_count")),
        number(r, &at("node_count")),
    );
    if autoscale {
        let missing: Vec<&str> = [("min_count", min), ("max_count", max)]
            .into_iter()
            .filter(|(name, v)| v.is_none() && !r.is_set(&at(name)))
            .map(|(name, _)| name)
            .collect();
        if !missing.is_empty() {
            d.push(
                Diagnostic::error(format!("autoscaling needs {}", missing.join(" and ")))
                    .at(r.span_of(&at("auto_scaling_enabled")))
                    .label(format!(
                        "auto_scaling_enabled = true without {}",
                        missing.join(" and ")
                    ))
                    .help(
                        "set min_count and max_count, the bounds the autoscaler keeps the pool in",
                    ),
            );
        }
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            d.push(conflict(
                r,
                &at("min_count"),
                &at("max_count"),
                format!("min_count ({lo}) is larger than max_count ({hi})"),
                "must be at most max_count",
                "max_count is set here",
                "swap the values, or raise max_count",
            ));
        }
        if let Some(n) = count {
            let low = min.is_some_and(|lo| n < lo);
            let high = max.is_some_and(|hi| n > hi);
            if low || high {
                let (other, bound) = if low {
                    ("min_count", min)
                } else {
                    ("max_count", max)
                };
                d.push(conflict(
                    r,
                    &at("node_count"),
                    &at(other),
                    format!(
                        "node_count ({n}) is {} {other} ({})",
                        if low { "below" } else { "above" },
                        bound.unwrap_or_default()
                    ),
                    "must be between min_count and max_count",
                    &format!("{other} is set here"),
                    "set node_count within the autoscaler's bounds, or remove it",
                ));
            }
        }
    } else {
        for name in ["min_count", "max_count"] {
            if r.is_set(&at(name)) {
                d.push(conflict(
                    r,
                    &at(name),
                    &at("auto_scaling_enabled"),
                    format!("{name} needs auto_scaling_enabled = true"),
                    "only used by the cluster autoscaler",
                    "autoscaling is configured here",
                    "set auto_scaling_enabled = true, or remove min_count and max_count",
                ));
            }
        }
        let system = is_default || r.str("mode") == Some("System");
        if system && count == Some(0.0) {
            d.push(
                Diagnostic::error("a system node pool needs at least one node")
                    .at(r.span_of(&at("node_count")))
                    .label("node_count = 0")
                    .help("system pools run CoreDNS and other critical add-ons; set node_count = 1 or more"),
            );
        }
        if system && !r.is_set(&at("node_count")) {
            d.push(
                Diagnostic::error("set node_count (or enable autoscaling) on the system pool")
                    .at(r.span_of(p.trim_end_matches('.')))
                    .label("without autoscaling, the pool size must be given")
                    .help("add node_count = 3, or auto_scaling_enabled = true with min_count and max_count"),
            );
        }
    }
    if let (Some(tmp), Some(name)) = (
        r.str(&at("temporary_name_for_rotation")),
        r.str(&at("name")),
    ) && tmp == name
    {
        d.push(conflict(
            r,
            &at("temporary_name_for_rotation"),
            &at("name"),
            "temporary_name_for_rotation must differ from the pool's name".into(),
            "the temporary pool exists next to the original during a rotation",
            "the pool's name is set here",
            "choose another name, e.g. the pool name with a \"tmp\" suffix",
        ));
    }
    if let (Some(a), Some(b)) = (r.str(&at("vnet_subnet_id")), r.str(&at("pod_subnet_id")))
        && a.eq_ignore_ascii_case(b)
    {
        d.push(conflict(
            r,
            &at("pod_subnet_id"),
            &at("vnet_subnet_id"),
            "pod_subnet_id must differ from vnet_subnet_id".into(),
            "pods and nodes need separate subnets with dynamic pod IP allocation",
            "the node subnet is set here",
            "create a separate subnet for pods",
        ));
    }
    if !is_default {
        resource_only(r, d);
    }
}

fn resource_only(r: &ResourceInstance, d: &mut Diagnostics) {
    if r.str("os_type") == Some("Windows")
        && let Some(name) = r.str("name")
        && name.len() > 6
    {
        d.push(conflict(
            r,
            "name",
            "os_type",
            format!(
                "a Windows node pool name has at most 6 characters; {name:?} has {}",
                name.len()
            ),
            "too long for a Windows pool",
            "the pool is Windows here",
            "shorten the name, e.g. \"win1\"",
        ));
    }
    let spot = r.str("priority") == Some("Spot");
    if !spot {
        for name in ["eviction_policy", "spot_max_price"] {
            if r.is_set(name) {
                d.push(conflict(
                    r,
                    name,
                    "priority",
                    format!("{name} is only used with priority \"Spot\""),
                    "not used by a Regular pool",
                    "the priority is set here",
                    "remove it, or set priority = \"Spot\"",
                ));
            }
        }
    } else if r.str("mode") == Some("System") {
        d.push(conflict(
            r,
            "priority",
            "mode",
            "a Spot node pool cannot be a System pool".into(),
            "Spot nodes can be evicted at any time",
            "the mode is set here",
            "use mode = \"User\" for Spot pools",
        ));
    }
    if r.is_set("upgrade_settings.0.max_surge") && r.is_set("upgrade_settings.0.max_unavailable") {
        d.push(conflict(
            r,
            "upgrade_settings.0.max_unavailable",
            "upgrade_settings.0.max_surge",
            "set only one of max_surge and max_unavailable".into(),
            "an upgrade either adds surge nodes or takes nodes away",
            "max_surge is set here",
            "remove one of them",
        ));
    } else if !spot
        && r.is_set("upgrade_settings.0")
        && !r.is_set("upgrade_settings.0.max_surge")
        && !r.is_set("upgrade_settings.0.max_unavailable")
    {
        d.push(
            Diagnostic::error("upgrade_settings needs max_surge or max_unavailable")
                .at(r.span_of("upgrade_settings.0"))
                .help("add max_surge = \"33%\" (a percentage or a node count)"),
        );
    }
}

/// Node pool resources against the cluster they belong to: never newer than the control plane,
/// at most three minor versions behind it.
pub(super) fn pool_versions(resources: &[ResourceInstance], d: &mut Diagnostics) {
    for pool in resources
        .iter()
        .filter(|r| r.addr.resource.type_name == "azurerm_kubernetes_cluster_node_pool")
    {
        let (Some(cluster_id), Some(pv)) = (
            pool.str("kubernetes_cluster_id"),
            pool.str("orchestrator_version"),
        ) else {
            continue;
        };
        let Some(cluster) = resources.iter().find(|c| {
            c.addr.resource.type_name == "azurerm_kubernetes_cluster"
                && c.id
                    .as_deref()
                    .is_some_and(|id| id.eq_ignore_ascii_case(cluster_id))
        }) else {
            continue;
        };
        let Some(cv) = cluster.str("kubernetes_version") else {
            continue;
        };
        let (Some(p), Some(c)) = (minor(pv), minor(cv)) else {
            continue;
        };
        let (summary, label) = if p > c {
            (
                format!("node pool version {pv} is newer than its cluster's {cv}"),
                "node pools may not run a newer minor version than the control plane",
            )
        } else if p.0 == c.0 && c.1 > p.1 + 3 {
            (
                format!(
                    "node pool version {pv} is more than three minor versions behind its cluster's {cv}"
                ),
                "Kubernetes supports node versions up to three minors older than the control plane",
            )
        } else {
            continue;
        };
        d.push(
            Diagnostic::error(summary)
                .at(pool.span_of("orchestrator_version"))
                .label(label)
                .related(
                    cluster.span_of("kubernetes_version"),
                    "the cluster's version is set here",
                )
                .help(
                    "upgrade the control plane first, then each pool, one minor version at a time",
                ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::minor;

    #[test]
    fn minor_versions() {
        assert_eq!(minor("1.30"), Some((1, 30)));
        assert_eq!(minor("1.30.7"), Some((1, 30)));
        assert_eq!(minor("x"), None);
    }
}
