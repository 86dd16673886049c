//! Rules for `azurerm_kubernetes_cluster`: networking, identity and Entra, upgrade channels, DNS,
//! private clusters, and the settings that need a paid tier.

use std::net::IpAddr;

use super::conflict;
use crate::config::eval::ResourceInstance;
use crate::config::schema::checks::parse_cidr;
use crate::diag::{Diagnostic, Diagnostics};

const NP: &str = "network_profile.0.";

pub(super) fn check(r: &ResourceInstance, d: &mut Diagnostics) {
    network(r, d);
    identity_and_access(r, d);
    dns_and_private_cluster(r, d);
    upgrades(r, d);
    tiers(r, d);
    maintenance_window(r, "maintenance_window_auto_upgrade", d);
    maintenance_window(r, "maintenance_window_node_os", d);
}

fn network(r: &ResourceInstance, d: &mut Diagnostics) {
    let plugin = r.str(&format!("{NP}network_plugin"));
    let policy = r.str(&format!("{NP}network_policy"));
    let mode = r.str(&format!("{NP}network_plugin_mode"));
    let plane = r.str(&format!("{NP}network_data_plane"));
    if policy == Some("azure") && plugin.is_some_and(|p| p != "azure") {
        d.push(conflict(
            r,
            &format!("{NP}network_policy"),
            &format!("{NP}network_plugin"),
            "network_policy \"azure\" needs network_plugin \"azure\"".into(),
            "the Azure network policy runs only with Azure CNI",
            "the plugin is set here",
            "set network_plugin = \"azure\" (with network_plugin_mode = \"overlay\" if you want overlay networking)",
        ));
    }
    if mode == Some("overlay") && plugin.is_some_and(|p| p != "azure") {
        d.push(conflict(
            r,
            &format!("{NP}network_plugin_mode"),
            &format!("{NP}network_plugin"),
            "network_plugin_mode \"overlay\" needs network_plugin \"azure\"".into(),
            "overlay is a mode of Azure CNI",
            "the plugin is set here",
            "set network_plugin = \"azure\"",
        ));
    }
    if plane == Some("cilium") && policy.is_some_and(|p| p != "cilium") {
        d.push(conflict(
            r,
            &format!("{NP}network_data_plane"),
            &format!("{NP}network_policy"),
            "network_data_plane \"cilium\" needs network_policy \"cilium\"".into(),
            "Azure CNI powered by Cilium enforces policies with Cilium",
            "the policy is set here",
            "set network_policy = \"cilium\", or keep network_data_plane = \"azure\"",
        ));
    }
    if let (Some(ip), Some(cidr)) = (
        r.str(&format!("{NP}dns_service_ip")),
        r.str(&format!("{NP}service_cidr")),
    ) && let (Ok(ip), Ok((net, len))) = (ip.parse::<IpAddr>(), parse_cidr(cidr))
        && !contains(net, len, ip)
    {
        d.push(conflict(
            r,
            &format!("{NP}dns_service_ip"),
            &format!("{NP}service_cidr"),
            format!("dns_service_ip {ip} is outside service_cidr {cidr}"),
            "must be an address inside service_cidr",
            "the service CIDR is set here",
            "pick an address inside service_cidr, conventionally its .10 address (e.g. 10.0.0.10 for 10.0.0.0/16)",
        ));
    }
    if let Some(pod) = r.str(&format!("{NP}pod_cidr"))
        && plugin == Some("azure")
        && mode != Some("overlay")
    {
        d.push(
            Diagnostic::error(format!(
                "pod_cidr {pod} is only used with kubenet or Azure CNI overlay"
            ))
            .at(r.span_of(&format!("{NP}pod_cidr")))
            .label("flat Azure CNI gives pods addresses from the node subnet")
            .help("remove pod_cidr, or set network_plugin_mode = \"overlay\""),
        );
    }
}

/// Whether `ip` lies in `net/len`.
pub(crate) fn contains(net: IpAddr, len: u8, ip: IpAddr) -> bool {
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            let mask = if len == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(len))
            };
            u32::from(n) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => {
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(len))
            };
            u128::from(n) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}

fn identity_and_access(r: &ResourceInstance, d: &mut Diagnostics) {
    let aad = "azure_active_directory_role_based_access_control";
    let has_aad = r
        .get(aad)
        .and_then(|v| v.as_seq())
        .is_some_and(|s| !s.is_empty());
    if r.bool("workload_identity_enabled") == Some(true)
        && r.bool("oidc_issuer_enabled") != Some(true)
    {
        d.push(conflict(
            r,
            "workload_identity_enabled",
            "oidc_issuer_enabled",
            "workload_identity_enabled needs oidc_issuer_enabled = true".into(),
            "workload identity federates tokens through the cluster's OIDC issuer",
            "the OIDC issuer is disabled here",
            "set oidc_issuer_enabled = true",
        ));
    }
    if r.bool("local_account_disabled") == Some(true) {
        if !has_aad && r.get(aad).is_some_and(|v| v.is_wholly_known()) {
            d.push(
                Diagnostic::error("local_account_disabled needs Microsoft Entra integration")
                    .at(r.span_of("local_account_disabled"))
                    .label("without local accounts and without Entra ID nobody can sign in")
                    .help(format!(
                        "add an {aad} block, e.g. {{ azure_rbac_enabled = true, admin_group_object_ids = [var.admin_group_id] }}"
                    )),
            );
        }
        if r.bool("role_based_access_control_enabled") == Some(false) {
            d.push(conflict(
                r,
                "local_account_disabled",
                "role_based_access_control_enabled",
                "local_account_disabled needs role_based_access_control_enabled = true".into(),
                "local accounts can only be disabled on an RBAC-enabled cluster",
                "RBAC is disabled here",
                "remove role_based_access_control_enabled = false",
            ));
        }
    }
    if has_aad {
        let tenant = r.is_set(&format!("{aad}.0.tenant_id"));
        let groups = r.is_set(&format!("{aad}.0.admin_group_object_ids"));
        let rbac = r.bool(&format!("{aad}.0.azure_rbac_enabled")) == Some(true);
        if !tenant && !groups && !rbac {
            d.push(
                Diagnostic::error(format!("the {aad} block sets nothing"))
                    .at(r.span_of(&format!("{aad}.0")))
                    .label("needs admin_group_object_ids, azure_rbac_enabled or tenant_id")
                    .help("bind cluster administrators to an Entra group: admin_group_object_ids = [\"<group object id>\"]"),
            );
        }
    }
    let id_type = r.str("identity.0.type");
    let ids = r
        .get("identity.0.identity_ids")
        .and_then(|v| v.as_seq())
        .map(<[_]>::len);
    match (id_type, ids) {
        (Some("UserAssigned"), Some(0) | None)
            if r.get("identity.0.identity_ids")
                .is_some_and(|v| v.is_wholly_known()) =>
        {
            d.push(
                Diagnostic::error("identity type \"UserAssigned\" needs identity_ids")
                    .at(r.span_of("identity.0.type"))
                    .label("no user-assigned identity given")
                    .help("set identity_ids = [<identity resource id>], or use type = \"SystemAssigned\""),
            );
        }
        (Some("SystemAssigned"), Some(n)) if n > 0 => d.push(conflict(
            r,
            "identity.0.identity_ids",
            "identity.0.type",
            "identity_ids is only used with type \"UserAssigned\"".into(),
            "ignored for a system-assigned identity",
            "the identity type is set here",
            "remove identity_ids, or set type = \"UserAssigned\"",
        )),
        _ => {}
    }
}

fn dns_and_private_cluster(r: &ResourceInstance, d: &mut Diagnostics) {
    let prefix = r.is_set("dns_prefix");
    let private_prefix = r.is_set("dns_prefix_private_cluster");
    if prefix && private_prefix {
        d.push(
            Diagnostic::error("set only one of dns_prefix and dns_prefix_private_cluster")
                .at(r.span_of("dns_prefix"))
                .label("dns_prefix is set")
                .related(
                    r.span_of("dns_prefix_private_cluster"),
                    "dns_prefix_private_cluster is also set",
                )
                .help("remove one of them"),
        );
    } else if !prefix && !private_prefix {
        d.push(
            Diagnostic::error("set exactly one of dns_prefix and dns_prefix_private_cluster")
                .at(r.span.clone())
                .label("the cluster has no DNS prefix")
                .help("add dns_prefix = \"<name>\" (the API server's host name starts with it)"),
        );
    }
    let private = r.bool("private_cluster_enabled") == Some(true);
    if private_prefix {
        let zone = r.str("private_dns_zone_id");
        let custom_zone = zone
            .is_some_and(|z| !z.eq_ignore_ascii_case("system") && !z.eq_ignore_ascii_case("none"));
        if !private || !custom_zone {
            d.push(conflict(
                r,
                "dns_prefix_private_cluster",
                "private_cluster_enabled",
                "dns_prefix_private_cluster needs a private cluster with a custom private DNS zone"
                    .into(),
                "only used with private_cluster_enabled = true and a private_dns_zone_id",
                "private clusters are configured here",
                "use dns_prefix instead, or enable the private cluster and set private_dns_zone_id",
            ));
        }
    }
    if let Some(zone) = r.str("private_dns_zone_id")
        && zone.starts_with('/')
        && r.str("identity.0.type") == Some("SystemAssigned")
    {
        d.push(conflict(
            r,
            "private_dns_zone_id",
            "identity.0.type",
            "a custom private_dns_zone_id needs a user-assigned identity".into(),
            "AKS must be granted rights on the zone before the cluster exists",
            "the identity is system-assigned here",
            "use identity { type = \"UserAssigned\", identity_ids = [...] } with rights on the zone",
        ));
    }
    let ranges = r
        .get("api_server_access_profile.0.authorized_ip_ranges")
        .and_then(|v| v.as_seq())
        .is_some_and(|s| !s.is_empty());
    if private && ranges {
        d.push(conflict(
            r,
            "api_server_access_profile.0.authorized_ip_ranges",
            "private_cluster_enabled",
            "authorized_ip_ranges cannot be used with a private cluster".into(),
            "a private API server has no public endpoint to restrict",
            "the cluster is private here",
            "remove authorized_ip_ranges, or make the cluster public",
        ));
    }
}

fn upgrades(r: &ResourceInstance, d: &mut Diagnostics) {
    if r.str("automatic_upgrade_channel") == Some("node-image")
        && r.str("node_os_upgrade_channel")
            .is_some_and(|c| c != "NodeImage")
    {
        d.push(conflict(
            r,
            "automatic_upgrade_channel",
            "node_os_upgrade_channel",
            "automatic_upgrade_channel \"node-image\" needs node_os_upgrade_channel \"NodeImage\"".into(),
            "the node-image channel upgrades node images itself",
            "the node OS channel is set here",
            "set node_os_upgrade_channel = \"NodeImage\", or use automatic_upgrade_channel = \"patch\" or \"stable\"",
        ));
    }
    if let (Some(cp), Some(pool)) = (
        r.str("kubernetes_version"),
        r.str("default_node_pool.0.orchestrator_version"),
    ) && let (Some(a), Some(b)) = (super::pool::minor(cp), super::pool::minor(pool))
        && b > a
    {
        d.push(conflict(
            r,
            "default_node_pool.0.orchestrator_version",
            "kubernetes_version",
            format!("the default pool's version {pool} is newer than the control plane's {cp}"),
            "node pools may not run a newer Kubernetes minor than the control plane",
            "the control plane version is set here",
            "upgrade the control plane first: raise kubernetes_version, then the pools",
        ));
    }
    if r.is_set("image_cleaner_interval_hours") && r.bool("image_cleaner_enabled") != Some(true) {
        d.push(conflict(
            r,
            "image_cleaner_interval_hours",
            "image_cleaner_enabled",
            "image_cleaner_interval_hours has no effect while the image cleaner is off".into(),
            "set without image_cleaner_enabled = true",
            "the image cleaner is configured here",
            "set image_cleaner_enabled = true, or remove the interval",
        ));
    }
}

fn tiers(r: &ResourceInstance, d: &mut Diagnostics) {
    let tier = r.str("sku_tier").unwrap_or("Free");
    if r.bool("cost_analysis_enabled") == Some(true) && tier == "Free" {
        d.push(conflict(
            r,
            "cost_analysis_enabled",
            "sku_tier",
            "cost_analysis_enabled needs sku_tier \"Standard\" or \"Premium\"".into(),
            "cost analysis is not available on the Free tier",
            "the tier is set here",
            "set sku_tier = \"Standard\"",
        ));
    }
    if r.str("support_plan") == Some("AKSLongTermSupport") && tier != "Premium" {
        d.push(conflict(
            r,
            "support_plan",
            "sku_tier",
            "support_plan \"AKSLongTermSupport\" needs sku_tier \"Premium\"".into(),
            "long-term support is part of the Premium tier",
            "the tier is set here",
            "set sku_tier = \"Premium\"",
        ));
    }
}

fn maintenance_window(r: &ResourceInstance, block: &str, d: &mut Diagnostics) {
    let p = format!("{block}.0.");
    let Some(freq) = r.str(&format!("{p}frequency")) else {
        return;
    };
    let needs: &[&str] = match freq {
        "Weekly" => &["day_of_week"],
        "AbsoluteMonthly" => &["day_of_month"],
        "RelativeMonthly" => &["day_of_week", "week_index"],
        _ => &[],
    };
    for field in needs {
        if !r.is_set(&format!("{p}{field}")) {
            d.push(
                Diagnostic::error(format!("a {freq} {block} needs {field}"))
                    .at(r.span_of(&format!("{p}frequency")))
                    .label(format!("frequency {freq} without {field}"))
                    .help(format!("add {field} = ... to the {block} block")),
            );
        }
    }
    let forbidden: &[&str] = match freq {
        "Daily" => &["day_of_week", "day_of_month", "week_index"],
        "Weekly" => &["day_of_month", "week_index"],
        "AbsoluteMonthly" => &["day_of_week", "week_index"],
        "RelativeMonthly" => &["day_of_month"],
        _ => &[],
    };
    for field in forbidden {
        if r.is_set(&format!("{p}{field}")) {
            d.push(conflict(
                r,
                &format!("{p}{field}"),
                &format!("{p}frequency"),
                format!("{field} does not apply to a {freq} {block}"),
                "not used by this schedule",
                "the frequency is set here",
                &format!("remove {field}, or change the frequency"),
            ));
        }
    }
    let max = match freq {
        "Daily" => 7.0,
        "Weekly" => 4.0,
        _ => 6.0,
    };
    if super::number(r, &format!("{p}interval")).is_some_and(|i| i > max) {
        d.push(
            Diagnostic::error(format!("the interval of a {freq} {block} is at most {max}"))
                .at(r.span_of(&format!("{p}interval")))
                .label("too long")
                .help("AKS allows every 1-7 days, 1-4 weeks or 1-6 months"),
        );
    }
}
