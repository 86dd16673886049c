# A hardened AKS cluster: Entra ID with Azure RBAC and no local accounts, Azure CNI overlay with the
# Azure network policy, Defender for Containers, automatic patch and node OS upgrades inside
# maintenance windows, a restricted public API server, workload identity, and a system pool that
# runs only critical add-ons.

resource "azurerm_log_analytics_workspace" "this" {
  name                = "log-${var.name}"
  location            = var.location
  resource_group_name = var.resource_group_name
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = var.tags
}

resource "azurerm_kubernetes_cluster" "this" {
  name                = var.name
  location            = var.location
  resource_group_name = var.resource_group_name
  dns_prefix          = var.name
  kubernetes_version  = var.kubernetes_version
  sku_tier            = "Standard"
  tags                = var.tags

  # Identity and access: Entra ID only, authorised through Azure RBAC, bound to groups.
  role_based_access_control_enabled = true
  local_account_disabled            = true

  azure_active_directory_role_based_access_control {
    azure_rbac_enabled     = true
    admin_group_object_ids = var.admin_group_object_ids
  }

  identity {
    type = "SystemAssigned"
  }

  oidc_issuer_enabled       = true
  workload_identity_enabled = true
  run_command_enabled       = false

  api_server_access_profile {
    authorized_ip_ranges = var.authorized_ip_ranges
  }

  # Network: Azure CNI overlay with the Azure network policy engine.
  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_policy      = "azure"
    network_data_plane  = "azure"
    pod_cidr            = var.network.pod_cidr
    service_cidr        = var.network.service_cidr
    dns_service_ip      = var.network.dns_service_ip
    outbound_type       = "loadBalancer"
    load_balancer_sku   = "standard"
  }

  # Upgrades: patches and node images arrive on their own, inside the windows below.
  automatic_upgrade_channel = "patch"
  node_os_upgrade_channel   = "NodeImage"

  maintenance_window_auto_upgrade {
    frequency   = "Weekly"
    interval    = 1
    day_of_week = var.maintenance.upgrade_day
    start_time  = var.maintenance.start_time
    duration    = var.maintenance.duration
    utc_offset  = var.maintenance.utc_offset
  }

  maintenance_window_node_os {
    frequency   = "Weekly"
    interval    = 1
    day_of_week = var.maintenance.node_os_day
    start_time  = var.maintenance.start_time
    duration    = var.maintenance.duration
    utc_offset  = var.maintenance.utc_offset
  }

  # Threat protection and visibility.
  microsoft_defender {
    log_analytics_workspace_id = azurerm_log_analytics_workspace.this.id
  }

  oms_agent {
    log_analytics_workspace_id      = azurerm_log_analytics_workspace.this.id
    msi_auth_for_monitoring_enabled = true
  }

  azure_policy_enabled         = true
  image_cleaner_enabled        = true
  image_cleaner_interval_hours = 48

  default_node_pool {
    name                         = "system"
    vm_size                      = var.system_pool.vm_size
    orchestrator_version         = var.kubernetes_version
    auto_scaling_enabled         = true
    min_count                    = var.system_pool.min_count
    max_count                    = var.system_pool.max_count
    zones                        = var.system_pool.zones
    vnet_subnet_id               = var.node_subnet_id
    only_critical_addons_enabled = true
    os_sku                       = "AzureLinux"
    os_disk_type                 = "Ephemeral"
    host_encryption_enabled      = true
    temporary_name_for_rotation  = "systemtmp"

    upgrade_settings {
      max_surge                     = "33%"
      drain_timeout_in_minutes      = 30
      node_soak_duration_in_minutes = 0
    }
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  for_each = var.user_pools

  name                    = each.key
  kubernetes_cluster_id   = azurerm_kubernetes_cluster.this.id
  mode                    = "User"
  vm_size                 = each.value.vm_size
  orchestrator_version    = var.kubernetes_version
  auto_scaling_enabled    = true
  min_count               = each.value.min_count
  max_count               = each.value.max_count
  zones                   = each.value.zones
  vnet_subnet_id          = var.node_subnet_id
  os_sku                  = "AzureLinux"
  host_encryption_enabled = true
  node_labels             = each.value.node_labels
  node_taints             = each.value.node_taints
  tags                    = var.tags

  upgrade_settings {
    max_surge                     = "33%"
    drain_timeout_in_minutes      = 30
    node_soak_duration_in_minutes = 0
  }
}
