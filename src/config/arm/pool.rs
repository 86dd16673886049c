//! Node pools: the cluster's `default_node_pool` (`properties.agentPoolProfiles[0]`, mode
//! System) and `azurerm_kubernetes_cluster_node_pool` (the agentPools resource, fields under
//! `properties`), per §1.3 and §2 of `azurerm-to-arm.md`, in both directions.
//!
//! Under autoscaling the pool's `count` drifts, so it is sent on create only (the configured
//! `node_count`, else `min_count`) and never managed; `minCount`/`maxCount` are managed as absent
//! when autoscaling is off, so turning it off nulls them. On read-back, Regular pools return no
//! priority (Regular), non-Spot pools no price (-1), an absent mode is User, null flags are
//! false, and the "0" azurerm sends for the unset one of max_surge / max_unavailable is hidden.

use serde_json::{Value as Json, json};

use super::MapError;
use super::builder::{Builder, Slot, boolean, int, number, string, string_map, strings};
use super::reverse::{Attrs, Live, attrs, block_if, or};
use crate::config::value::Value;

/// The taint `only_critical_addons_enabled` stands for.
pub const CRITICAL_ADDONS_TAINT: &str = "CriticalAddonsOnly=true:NoSchedule";

/// Which pool is mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PoolKind {
    /// `default_node_pool` of a cluster.
    Default,
    /// `azurerm_kubernetes_cluster_node_pool`.
    Resource,
}

impl PoolKind {
    fn prefix(self) -> &'static str {
        match self {
            PoolKind::Default => "/properties/agentPoolProfiles/0",
            PoolKind::Resource => "/properties",
        }
    }
}

/// The azurerm attribute path of a pool attribute (`default_node_pool.` + name for the default
/// pool), as a `&'static str`.
macro_rules! attr {
    ($kind:expr, $name:literal) => {
        match $kind {
            PoolKind::Default => concat!("default_node_pool.", $name),
            PoolKind::Resource => $name,
        }
    };
}

/// Maps the pool's attributes.
pub(super) fn pool(b: &mut Builder<'_>, kind: PoolKind) -> Result<(), MapError> {
    let p = kind.prefix();
    let at = |field: &str| format!("{p}/{field}");
    if kind == PoolKind::Default {
        b.map(&at("name"), "default_node_pool.name", string)?;
        b.set(&at("mode"), "default_node_pool", json!("System"));
        b.set(&at("osType"), "default_node_pool", json!("Linux"));
        b.map(&at("type"), "default_node_pool.type", string)?;
        match b.slot("default_node_pool.only_critical_addons_enabled") {
            Slot::Known(v) => {
                let taints = match boolean(v) {
                    Ok(Json::Bool(true)) => json!([CRITICAL_ADDONS_TAINT]),
                    Ok(_) => json!([]),
                    Err(e) => {
                        return Err(b.error("default_node_pool.only_critical_addons_enabled", e));
                    }
                };
                b.set(
                    &at("nodeTaints"),
                    "default_node_pool.only_critical_addons_enabled",
                    taints,
                );
            }
            Slot::Unknown => b.unknown(
                &at("nodeTaints"),
                "default_node_pool.only_critical_addons_enabled",
            ),
            Slot::Unset => {}
        }
    } else {
        b.create_only(&at("type"), json!("VirtualMachineScaleSets"));
        b.map(&at("mode"), "mode", string)?;
        b.map(&at("osType"), "os_type", string)?;
        b.map_or(&at("nodeTaints"), "node_taints", json!([]), strings)?;
        spot(b)?;
    }
    b.map(&at("vmSize"), attr!(kind, "vm_size"), string)?;
    counts(b, kind)?;
    b.map(&at("availabilityZones"), attr!(kind, "zones"), strings)?;
    b.map(&at("vnetSubnetID"), attr!(kind, "vnet_subnet_id"), string)?;
    b.map(&at("podSubnetID"), attr!(kind, "pod_subnet_id"), string)?;
    b.map(
        &at("orchestratorVersion"),
        attr!(kind, "orchestrator_version"),
        string,
    )?;
    b.map(&at("osDiskType"), attr!(kind, "os_disk_type"), string)?;
    b.map(&at("osDiskSizeGB"), attr!(kind, "os_disk_size_gb"), int)?;
    b.map(&at("osSKU"), attr!(kind, "os_sku"), string)?;
    b.map(&at("maxPods"), attr!(kind, "max_pods"), int)?;
    b.map(&at("nodeLabels"), attr!(kind, "node_labels"), string_map)?;
    b.map(
        &at("enableEncryptionAtHost"),
        attr!(kind, "host_encryption_enabled"),
        boolean,
    )?;
    b.map(
        &at("enableNodePublicIP"),
        attr!(kind, "node_public_ip_enabled"),
        boolean,
    )?;
    b.map(&at("enableFIPS"), attr!(kind, "fips_enabled"), boolean)?;
    b.map_or(&at("tags"), attr!(kind, "tags"), json!({}), string_map)?;
    upgrade_settings(b, kind)
}

/// `count`, `enableAutoScaling`, `minCount`, `maxCount`.
fn counts(b: &mut Builder<'_>, kind: PoolKind) -> Result<(), MapError> {
    let p = kind.prefix();
    let auto = b.bool(attr!(kind, "auto_scaling_enabled"));
    b.map(
        &format!("{p}/enableAutoScaling"),
        attr!(kind, "auto_scaling_enabled"),
        boolean,
    )?;
    let count = format!("{p}/count");
    if auto == Some(true) {
        let initial = match (
            b.slot(attr!(kind, "node_count")),
            b.slot(attr!(kind, "min_count")),
        ) {
            (Slot::Known(v), _) | (_, Slot::Known(v)) => Some(v),
            _ => None,
        };
        if let Some(v) = initial {
            let n = int(v).map_err(|e| b.error(attr!(kind, "node_count"), e))?;
            b.create_only(&count, n);
        }
    } else {
        b.map(&count, attr!(kind, "node_count"), int)?;
    }
    for (field, name) in [
        ("minCount", attr!(kind, "min_count")),
        ("maxCount", attr!(kind, "max_count")),
    ] {
        let ptr = format!("{p}/{field}");
        if auto == Some(false) {
            b.absent(&ptr, name);
        } else {
            b.map(&ptr, name, int)?;
        }
    }
    Ok(())
}

/// `scaleSetPriority`, and for Spot pools `scaleSetEvictionPolicy` and `spotMaxPrice`.
fn spot(b: &mut Builder<'_>) -> Result<(), MapError> {
    b.map("/properties/scaleSetPriority", "priority", string)?;
    if b.str("priority") == Some("Spot") {
        b.map(
            "/properties/scaleSetEvictionPolicy",
            "eviction_policy",
            string,
        )?;
        b.map("/properties/spotMaxPrice", "spot_max_price", number)?;
    } else if b.str("eviction_policy").is_some() {
        return Err(b.error(
            "eviction_policy",
            "an eviction policy needs priority = \"Spot\"",
        ));
    }
    Ok(())
}

/// `upgradeSettings`, managed only when the block is written.
fn upgrade_settings(b: &mut Builder<'_>, kind: PoolKind) -> Result<(), MapError> {
    if b.block(attr!(kind, "upgrade_settings")) == Some(false) {
        return Ok(());
    }
    let u = format!("{}/upgradeSettings", kind.prefix());
    let surge = b.map(
        &format!("{u}/maxSurge"),
        attr!(kind, "upgrade_settings.max_surge"),
        string,
    )?;
    if kind == PoolKind::Resource {
        let unavailable = b.map(
            &format!("{u}/maxUnavailable"),
            "upgrade_settings.max_unavailable",
            string,
        )?;
        // The two are exclusive; azurerm sends "0" for the one not set.
        if surge && !unavailable {
            b.set(
                &format!("{u}/maxUnavailable"),
                "upgrade_settings.max_surge",
                json!("0"),
            );
        } else if unavailable && !surge {
            b.set(
                &format!("{u}/maxSurge"),
                "upgrade_settings.max_unavailable",
                json!("0"),
            );
        }
        b.map(
            &format!("{u}/undrainableNodeBehavior"),
            "upgrade_settings.undrainable_node_behavior",
            string,
        )?;
    }
    b.map_or(
        &format!("{u}/drainTimeoutInMinutes"),
        attr!(kind, "upgrade_settings.drain_timeout_in_minutes"),
        json!(0),
        int,
    )?;
    b.map_or(
        &format!("{u}/nodeSoakDurationInMinutes"),
        attr!(kind, "upgrade_settings.node_soak_duration_in_minutes"),
        json!(0),
        int,
    )?;
    Ok(())
}

/// A pool's values from its flat properties (`agentPoolProfiles[i]`, or `properties` of an
/// agent pool resource). `default` selects the default_node_pool form.
pub(super) fn pool_values(a: Live<'_>, default: bool) -> Attrs {
    let taints = a.strings("/nodeTaints");
    let hide_zero = |v: Value| match v {
        Value::String(s) if !default && (s == "0" || s == "0%") => Value::Null,
        v => v,
    };
    let u = a.at("/upgradeSettings");
    let mut out = attrs([
        ("vm_size", a.str("/vmSize")),
        ("node_count", a.num("/count")),
        (
            "auto_scaling_enabled",
            a.bool_or("/enableAutoScaling", false),
        ),
        ("min_count", a.num("/minCount")),
        ("max_count", a.num("/maxCount")),
        ("zones", Value::set(a.strings("/availabilityZones"))),
        ("vnet_subnet_id", a.str("/vnetSubnetID")),
        ("pod_subnet_id", a.str("/podSubnetID")),
        ("orchestrator_version", a.str("/orchestratorVersion")),
        ("os_disk_type", or(a.str("/osDiskType"), "Managed")),
        ("os_disk_size_gb", a.num("/osDiskSizeGB")),
        ("os_sku", a.str("/osSKU")),
        ("max_pods", a.num("/maxPods")),
        ("node_labels", a.string_map("/nodeLabels")),
        (
            "host_encryption_enabled",
            a.bool_or("/enableEncryptionAtHost", false),
        ),
        (
            "node_public_ip_enabled",
            a.bool_or("/enableNodePublicIP", false),
        ),
        ("fips_enabled", a.bool_or("/enableFIPS", false)),
        ("tags", a.string_map("/tags")),
        (
            "upgrade_settings",
            block_if(u.get("").is_some(), || {
                attrs([
                    ("max_surge", hide_zero(u.str("/maxSurge"))),
                    ("max_unavailable", hide_zero(u.str("/maxUnavailable"))),
                    ("drain_timeout_in_minutes", u.num("/drainTimeoutInMinutes")),
                    (
                        "node_soak_duration_in_minutes",
                        u.num("/nodeSoakDurationInMinutes"),
                    ),
                    (
                        "undrainable_node_behavior",
                        u.str("/undrainableNodeBehavior"),
                    ),
                ])
            }),
        ),
    ]);
    if default {
        let critical = taints.iter().any(|t| {
            t.as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case(CRITICAL_ADDONS_TAINT))
        });
        out.insert("name".into(), a.str("/name"));
        out.insert("type".into(), or(a.str("/type"), "VirtualMachineScaleSets"));
        out.insert("only_critical_addons_enabled".into(), Value::Bool(critical));
    } else {
        let spot = a
            .get("/scaleSetPriority")
            .and_then(Json::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("Spot"));
        let price = a.num("/spotMaxPrice");
        out.extend(attrs([
            ("mode", or(a.str("/mode"), "User")),
            ("os_type", or(a.str("/osType"), "Linux")),
            ("node_taints", Value::List(taints)),
            ("priority", or(a.str("/scaleSetPriority"), "Regular")),
            ("eviction_policy", a.str("/scaleSetEvictionPolicy")),
            (
                "spot_max_price",
                if spot && !price.is_null() {
                    price
                } else {
                    Value::Number(-1.0)
                },
            ),
        ]));
    }
    out
}
