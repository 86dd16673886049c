//! The `azurerm_kubernetes_cluster` schema: the attributes real AKS configurations use, with
//! azurerm 4.x names, the 3.x aliases, and what each change does to the cluster.

use super::pool::default_node_pool;
use super::{Attr, Block, IdCtx, ResourceSchema, body, checks, name_rg_location};
use crate::addr::Mode;
use crate::config::types::TypeConstraint;

const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn maintenance_window(name: &'static str) -> Block {
    Block::single(name)
        .attrs([
            Attr::string("frequency").required().one_of(&[
                "Daily",
                "Weekly",
                "AbsoluteMonthly",
                "RelativeMonthly",
            ]),
            Attr::number("interval")
                .required()
                .check(|v| checks::int_in(v, 1, 7)),
            Attr::number("duration")
                .required()
                .check(|v| checks::int_in(v, 4, 24)),
            Attr::string("day_of_week").one_of(DAYS),
            Attr::number("day_of_month").check(|v| checks::int_in(v, 1, 31)),
            Attr::string("week_index").one_of(&["First", "Second", "Third", "Fourth", "Last"]),
            Attr::string("start_time").check(checks::time_of_day),
            Attr::string("start_date")
                .optional_computed()
                .check(checks::date),
            Attr::string("utc_offset").check(checks::utc_offset),
        ])
        .block(Block::new("not_allowed").attrs([
            Attr::string("start").required().check(checks::date),
            Attr::string("end").required().check(checks::date),
        ]))
}

fn identity_block(name: &'static str) -> Block {
    Block::single(name).computed().attrs([
        Attr::string("client_id").computed(),
        Attr::string("object_id").computed(),
        Attr::string("user_assigned_identity_id").computed(),
    ])
}

fn network_profile() -> Block {
    Block::single("network_profile")
        .optional_computed()
        .force_new()
        .attrs([
            Attr::string("network_plugin")
                .required()
                .force_new()
                .one_of(&["azure", "kubenet", "none"]),
            Attr::string("network_plugin_mode")
                .one_of(&["overlay"])
                .force_new_when(
                    "changing it replaces the cluster, unless the new value is overlay",
                ),
            Attr::string("network_mode")
                .optional_computed()
                .one_of(&["bridge", "transparent"])
                .force_new(),
            Attr::string("network_policy")
                .optional_computed()
                .one_of(&["azure", "calico", "cilium"])
                .force_new_when("changing it once it is set replaces the cluster"),
            Attr::string("network_data_plane")
                .default("azure")
                .one_of(&["azure", "cilium"])
                .force_new_when("changing it once it is set replaces the cluster"),
            Attr::string("dns_service_ip")
                .optional_computed()
                .force_new()
                .check(checks::ipv4),
            Attr::string("pod_cidr")
                .optional_computed()
                .force_new()
                .check(checks::cidr),
            Attr::strings("pod_cidrs")
                .optional_computed()
                .force_new()
                .check(checks::cidrs),
            Attr::string("service_cidr")
                .optional_computed()
                .force_new()
                .check(checks::cidr),
            Attr::strings("service_cidrs")
                .optional_computed()
                .force_new()
                .check(checks::cidrs),
            Attr::string("outbound_type")
                .default("loadBalancer")
                .one_of(&[
                    "loadBalancer",
                    "userDefinedRouting",
                    "managedNATGateway",
                    "userAssignedNATGateway",
                    "none",
                ]),
            Attr::string("load_balancer_sku")
                .default("standard")
                .one_of(&["basic", "standard"])
                .force_new(),
            Attr::strings("ip_versions").optional_computed().force_new(),
        ])
        .block(
            Block::single("load_balancer_profile")
                .optional_computed()
                .force_new()
                .attrs([
                    Attr::number("managed_outbound_ip_count")
                        .optional_computed()
                        .check(|v| checks::int_in(v, 1, 100)),
                    Attr::number("managed_outbound_ipv6_count").optional_computed(),
                    Attr::string_set("outbound_ip_address_ids"),
                    Attr::string_set("outbound_ip_prefix_ids"),
                    Attr::number("outbound_ports_allocated")
                        .default(0.0)
                        .check(|v| checks::int_in(v, 0, 64000)),
                    Attr::number("idle_timeout_in_minutes")
                        .default(30.0)
                        .check(|v| checks::int_in(v, 4, 100)),
                    Attr::string("backend_pool_type")
                        .default("NodeIPConfiguration")
                        .one_of(&["NodeIP", "NodeIPConfiguration"]),
                    Attr::string_set("effective_outbound_ips").computed(),
                ]),
        )
        .block(
            Block::single("nat_gateway_profile")
                .optional_computed()
                .force_new()
                .attrs([
                    Attr::number("managed_outbound_ip_count")
                        .optional_computed()
                        .check(|v| checks::int_in(v, 1, 16)),
                    Attr::number("idle_timeout_in_minutes")
                        .default(4.0)
                        .check(|v| checks::int_in(v, 4, 120)),
                    Attr::string_set("effective_outbound_ips").computed(),
                ]),
        )
}

fn blocks() -> Vec<Block> {
    vec![
        default_node_pool(),
        Block::single("identity").required().attrs([
            Attr::string("type")
                .required()
                .one_of(&["SystemAssigned", "UserAssigned"]),
            Attr::string_set("identity_ids").check(checks::identity_ids),
            Attr::string("principal_id").computed(),
            Attr::string("tenant_id").computed(),
        ]),
        Block::single("azure_active_directory_role_based_access_control").attrs([
            Attr::string("tenant_id")
                .optional_computed()
                .check(checks::guid),
            Attr::string_set("admin_group_object_ids").check(checks::guids),
            Attr::bool("azure_rbac_enabled").default(false),
        ]),
        network_profile(),
        Block::single("microsoft_defender").attr(
            Attr::string("log_analytics_workspace_id")
                .required()
                .check(checks::workspace_id),
        ),
        Block::single("oms_agent")
            .attrs([
                Attr::string("log_analytics_workspace_id")
                    .required()
                    .check(checks::workspace_id),
                Attr::bool("msi_auth_for_monitoring_enabled").default(false),
            ])
            .block(identity_block("oms_agent_identity")),
        Block::single("api_server_access_profile").attrs([
            Attr::string_set("authorized_ip_ranges").check(checks::cidrs_or_ips),
            Attr::string("subnet_id")
                .check(checks::subnet_id)
                .force_new_when("clearing it replaces the cluster"),
            Attr::bool("virtual_network_integration_enabled")
                .default(false)
                .alias(&["vnet_integration_enabled"]),
        ]),
        Block::single("key_vault_secrets_provider")
            .attrs([
                Attr::bool("secret_rotation_enabled").default(false),
                Attr::string("secret_rotation_interval").default("2m"),
            ])
            .block(identity_block("secret_identity")),
        maintenance_window("maintenance_window_auto_upgrade"),
        maintenance_window("maintenance_window_node_os"),
        identity_block("kubelet_identity"),
    ]
}

fn attrs() -> Vec<Attr> {
    let mut attrs = vec![
        Attr::string("id").computed(),
        Attr::string("fqdn").computed(),
        Attr::string("private_fqdn").computed(),
        Attr::string("portal_fqdn").computed(),
        Attr::string("current_kubernetes_version").computed(),
        Attr::string("oidc_issuer_url").computed(),
        Attr::string("node_resource_group_id").computed(),
        Attr::string("kube_config_raw").computed().sensitive(),
        Attr::string("kube_admin_config_raw").computed().sensitive(),
        Attr::new("kube_config", TypeConstraint::Any)
            .computed()
            .sensitive(),
        Attr::new("kube_admin_config", TypeConstraint::Any)
            .computed()
            .sensitive(),
    ];
    attrs.extend(name_rg_location());
    if let Some(name) = attrs.iter_mut().find(|a| a.0.name == "name") {
        name.0.check = Some(checks::cluster_name);
    }
    attrs.extend([
        Attr::string("dns_prefix")
            .force_new()
            .check(checks::dns_prefix),
        Attr::string("dns_prefix_private_cluster")
            .force_new()
            .check(checks::dns_prefix),
        Attr::string("kubernetes_version")
            .optional_computed()
            .check(checks::k8s_version),
        Attr::string("sku_tier")
            .default("Free")
            .one_of(&["Free", "Standard", "Premium"]),
        Attr::string("support_plan")
            .default("KubernetesOfficial")
            .one_of(&["KubernetesOfficial", "AKSLongTermSupport"]),
        Attr::string("node_resource_group")
            .optional_computed()
            .force_new(),
        Attr::string("automatic_upgrade_channel")
            .one_of(&["patch", "rapid", "node-image", "stable"])
            .alias(&["automatic_channel_upgrade"]),
        Attr::string("node_os_upgrade_channel")
            .default("NodeImage")
            .one_of(&["None", "Unmanaged", "SecurityPatch", "NodeImage"])
            .alias(&["node_os_channel_upgrade"]),
        Attr::bool("local_account_disabled").default(false),
        Attr::bool("role_based_access_control_enabled")
            .default(true)
            .force_new(),
        Attr::bool("oidc_issuer_enabled").default(false),
        Attr::bool("workload_identity_enabled").default(false),
        Attr::bool("azure_policy_enabled").default(false),
        Attr::bool("image_cleaner_enabled").default(false),
        Attr::number("image_cleaner_interval_hours").check(|v| checks::int_in(v, 24, 2160)),
        Attr::bool("private_cluster_enabled")
            .default(false)
            .force_new(),
        Attr::bool("private_cluster_public_fqdn_enabled").default(false),
        Attr::string("private_dns_zone_id")
            .optional_computed()
            .force_new(),
        Attr::bool("run_command_enabled").default(true),
        Attr::bool("cost_analysis_enabled").default(false),
        Attr::string_map("tags"),
    ]);
    attrs
}

pub(super) fn kubernetes_cluster() -> ResourceSchema {
    ResourceSchema {
        type_name: "azurerm_kubernetes_cluster",
        mode: Mode::Managed,
        body: body(attrs(), blocks()),
        removed: &[
            (
                "api_server_authorized_ip_ranges",
                "use api_server_access_profile { authorized_ip_ranges = [...] }",
            ),
            (
                "public_network_access_enabled",
                "removed in azurerm 4.0; use private_cluster_enabled or \
                 api_server_access_profile.authorized_ip_ranges",
            ),
            (
                "enable_pod_security_policy",
                "pod security policies are gone from Kubernetes; use Azure Policy (azure_policy_enabled)",
            ),
            (
                "addon_profile",
                "use the top-level blocks and flags: oms_agent, azure_policy_enabled, \
                 key_vault_secrets_provider",
            ),
            (
                "role_based_access_control",
                "use role_based_access_control_enabled and an \
                 azure_active_directory_role_based_access_control block",
            ),
            ("agent_pool_profile", "use a default_node_pool block"),
            (
                "default_node_pool.node_taints",
                "use only_critical_addons_enabled on the default pool, and taints on an \
                 azurerm_kubernetes_cluster_node_pool",
            ),
            (
                "network_profile.docker_bridge_cidr",
                "removed in azurerm 4.0: AKS no longer uses a docker bridge",
            ),
            (
                "network_profile.ebpf_data_plane",
                "use network_profile.network_data_plane",
            ),
            (
                "azure_active_directory_role_based_access_control.managed",
                "managed Entra integration is the only mode in azurerm 4.0; remove it",
            ),
            (
                "azure_active_directory_role_based_access_control.client_app_id",
                "legacy Entra integration is gone; remove it and use admin_group_object_ids",
            ),
            (
                "azure_active_directory_role_based_access_control.server_app_id",
                "legacy Entra integration is gone; remove it and use admin_group_object_ids",
            ),
            (
                "azure_active_directory_role_based_access_control.server_app_secret",
                "legacy Entra integration is gone; remove it and use admin_group_object_ids",
            ),
        ],
        unsupported: &[
            "linux_profile",
            "windows_profile",
            "auto_scaler_profile",
            "http_proxy_config",
            "storage_profile",
            "workload_autoscaler_profile",
            "service_principal",
            "kubelet_identity",
            "monitor_metrics",
            "web_app_routing",
            "ingress_application_gateway",
            "key_management_service",
            "http_application_routing_enabled",
            "open_service_mesh_enabled",
            "node_provisioning_profile",
            "service_mesh_profile",
            "confidential_computing",
            "aci_connector_linux",
            "custom_ca_trust_certificates_base64",
            "edge_zone",
            "disk_encryption_set_id",
            "maintenance_window",
            "upgrade_override",
            "bootstrap_profile",
            "ai_toolchain_operator_enabled",
            "network_profile.advanced_networking",
            "default_node_pool.kubelet_config",
            "default_node_pool.linux_os_config",
            "default_node_pool.node_network_profile",
            "default_node_pool.capacity_reservation_group_id",
            "default_node_pool.gpu_instance",
            "default_node_pool.host_group_id",
            "default_node_pool.node_public_ip_prefix_id",
            "default_node_pool.proximity_placement_group_id",
            "default_node_pool.snapshot_id",
            "default_node_pool.ultra_ssd_enabled",
            "default_node_pool.workload_runtime",
            "default_node_pool.kubelet_disk_type",
            "default_node_pool.scale_down_mode",
            "default_node_pool.message_of_the_day",
        ],
        arm_id: Some(|c: &IdCtx<'_>| {
            Some(format!(
                "{}/providers/Microsoft.ContainerService/managedClusters/{}",
                c.resource_group()?,
                c.str("name")?
            ))
        }),
        derive: None,
    }
}
