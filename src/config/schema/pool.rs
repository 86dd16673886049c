//! Node pool schemas: the attributes shared by a cluster's `default_node_pool` block and the
//! `azurerm_kubernetes_cluster_node_pool` resource.

use super::{Attr, Block, IdCtx, ResourceSchema, body, checks};
use crate::addr::Mode;

/// OS SKUs AKS accepts for Linux and Windows pools.
pub const OS_SKUS: &[&str] = &[
    "AzureLinux",
    "AzureLinux3",
    "Ubuntu",
    "Ubuntu2204",
    "Ubuntu2404",
    "Windows2019",
    "Windows2022",
];

/// Attributes every pool has, in the order the docs list them.
pub(super) fn common_attrs() -> Vec<Attr> {
    vec![
        Attr::number("node_count")
            .optional_computed()
            .check(|v| checks::int_in(v, 0, 1000)),
        Attr::bool("auto_scaling_enabled")
            .default(false)
            .alias(&["enable_auto_scaling"]),
        Attr::number("min_count").check(|v| checks::int_in(v, 0, 1000)),
        Attr::number("max_count").check(|v| checks::int_in(v, 0, 1000)),
        Attr::string_set("zones")
            .rotation()
            .alias(&["availability_zones"]),
        Attr::string("vnet_subnet_id")
            .rotation()
            .check(checks::subnet_id),
        Attr::string("pod_subnet_id")
            .rotation()
            .check(checks::subnet_id),
        Attr::string("orchestrator_version")
            .optional_computed()
            .check(checks::k8s_version),
        Attr::string("os_disk_type")
            .default("Managed")
            .one_of(&["Managed", "Ephemeral"])
            .rotation(),
        Attr::number("os_disk_size_gb")
            .optional_computed()
            .rotation()
            .check(|v| checks::int_in(v, 30, 2048)),
        Attr::string("os_sku")
            .optional_computed()
            .one_of(OS_SKUS)
            .rotation(),
        Attr::number("max_pods")
            .optional_computed()
            .rotation()
            .check(|v| checks::int_in(v, 10, 250)),
        Attr::string_map("node_labels").optional_computed(),
        Attr::bool("host_encryption_enabled")
            .default(false)
            .rotation()
            .alias(&["enable_host_encryption"]),
        Attr::bool("node_public_ip_enabled")
            .default(false)
            .rotation()
            .alias(&["enable_node_public_ip"]),
        Attr::bool("fips_enabled").default(false).rotation(),
        Attr::string("temporary_name_for_rotation").check(checks::pool_name),
        Attr::string_map("tags"),
    ]
}

fn upgrade_settings(resource: bool) -> Block {
    let max_surge = Attr::string("max_surge").check(checks::surge);
    let mut block = Block::single("upgrade_settings").attrs([
        if resource {
            max_surge
        } else {
            max_surge.required()
        },
        Attr::number("drain_timeout_in_minutes")
            .check(|v| checks::int_in(v, 0, 1440))
            .force_new_when("going from a non-zero value to 0 replaces the cluster"),
        Attr::number("node_soak_duration_in_minutes").check(|v| checks::int_in(v, 0, 30)),
    ]);
    if resource {
        block = block.attrs([
            Attr::string("max_unavailable").check(checks::surge),
            Attr::string("undrainable_node_behavior").one_of(&["Cordon", "Schedule"]),
        ]);
    }
    block
}

/// The `default_node_pool` block of a cluster.
pub(super) fn default_node_pool() -> Block {
    let mut attrs = vec![
        Attr::string("name")
            .required()
            .check(checks::pool_name)
            .force_new_when(
                "renaming the default pool replaces the cluster, unless the old name is the \
                 temporary_name_for_rotation left by a failed rotation",
            ),
        Attr::string("vm_size").required().rotation(),
        Attr::bool("only_critical_addons_enabled")
            .default(false)
            .rotation(),
        Attr::string("type")
            .default("VirtualMachineScaleSets")
            .one_of(&["VirtualMachineScaleSets", "AvailabilitySet"])
            .force_new(),
    ];
    attrs.extend(common_attrs());
    let mut b = Block::single("default_node_pool").required();
    for a in attrs {
        b = b.attr(a);
    }
    b.block(upgrade_settings(false))
}

pub(super) fn node_pool_resource() -> ResourceSchema {
    let mut attrs = vec![
        Attr::string("id").computed(),
        Attr::string("name")
            .required()
            .force_new()
            .check(checks::pool_name),
        Attr::string("kubernetes_cluster_id")
            .required()
            .force_new()
            .check(checks::cluster_id),
        Attr::string("vm_size").optional_computed().rotation(),
        Attr::string("mode")
            .default("User")
            .one_of(&["System", "User"]),
        Attr::string("os_type")
            .default("Linux")
            .one_of(&["Linux", "Windows"])
            .force_new(),
        Attr::strings("node_taints").check(checks::taints),
        Attr::string("priority")
            .default("Regular")
            .one_of(&["Regular", "Spot"])
            .force_new(),
        Attr::string("eviction_policy")
            .one_of(&["Delete", "Deallocate"])
            .force_new(),
        Attr::number("spot_max_price").default(-1.0).force_new(),
    ];
    attrs.extend(common_attrs());
    ResourceSchema {
        type_name: "azurerm_kubernetes_cluster_node_pool",
        mode: Mode::Managed,
        body: body(attrs, vec![upgrade_settings(true)]),
        removed: &[],
        unsupported: &[
            "kubelet_config",
            "linux_os_config",
            "node_network_profile",
            "capacity_reservation_group_id",
            "gpu_instance",
            "host_group_id",
            "node_public_ip_prefix_id",
            "proximity_placement_group_id",
            "snapshot_id",
            "ultra_ssd_enabled",
            "workload_runtime",
            "kubelet_disk_type",
            "scale_down_mode",
            "windows_profile",
            "message_of_the_day",
        ],
        arm_id: Some(|c: &IdCtx<'_>| {
            Some(format!(
                "{}/agentPools/{}",
                c.str("kubernetes_cluster_id")?,
                c.str("name")?
            ))
        }),
        derive: None,
    }
}
