

# AKS cluster for the platform team.
# Everything below is deliberately badly formatted.
terraform {
required_version = ">= 1.6"
  required_providers {
    azurerm = {
      source="hashicorp/azurerm"
      version = "~> 3.100"
    }
  }
}
provider "azurerm" {
  features { }
}



locals {
	name_prefix = "${ var.environment }-aks"
    common_tags = merge(var.tags, {
      environment = var.environment
      managed_by = "aksform"
  })
  node_pools = {for p in var.node_pools: p.name => p if p.enabled}
  max_pods=110
}

resource "azurerm_resource_group" "main" {
  name     = "${local.name_prefix}-rg"
  location = var.location
  tags=local.common_tags   
}
# The cluster itself
resource "azurerm_kubernetes_cluster" "main" {
  name = "${local.name_prefix}-cluster"
  location = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  dns_prefix = local.name_prefix
  kubernetes_version = var.kubernetes_version # pinned by the platform team
  sku_tier = var.environment=="prod" ? "Standard":"Free" # SLA only in prod
  private_cluster_enabled = true
  local_account_disabled  = !  var.allow_local_accounts


  default_node_pool {
    name = "system"
    vm_size = "Standard_D4s_v5"
    node_count = var.system_node_count
    max_pods = local.max_pods
    os_disk_size_gb = 128
    zones = [ "1" , "2","3" ]
    vnet_subnet_id = azurerm_subnet.nodes.id
    only_critical_addons_enabled = true
    upgrade_settings { max_surge = "33%" }
  }

  identity {
    type = "UserAssigned"
    identity_ids = [ azurerm_user_assigned_identity.aks.id ]
  }

  network_profile {
    network_plugin    = "azure"
    network_policy = "calico"
    service_cidr = cidrsubnet( var.service_cidr_base,4 , 0 )
    dns_service_ip = cidrhost(cidrsubnet(var.service_cidr_base, 4, 0), 10)
    load_balancer_sku = "standard"
  }

  dynamic "azure_active_directory_role_based_access_control" {
    for_each = var.aad_admin_group_ids == [] ? [] : [1]
    content {
      azure_rbac_enabled = true
      admin_group_object_ids = var.aad_admin_group_ids
    }
  }

  oms_agent {
    log_analytics_workspace_id = azurerm_log_analytics_workspace.main.id
  }

  lifecycle {
    ignore_changes = [
        default_node_pool[0].node_count, # managed by the autoscaler
        kubernetes_version,
    ]
  }

  tags = local.common_tags
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  for_each = local.node_pools
  name = each.key
  kubernetes_cluster_id = azurerm_kubernetes_cluster.main.id
  vm_size = each.value.vm_size
  min_count = each.value.min_count
  max_count = each.value.max_count
  node_taints = [for t in each.value.taints: "${t.key}=${t.value}:${t.effect}"]
  node_labels = merge(local.common_tags, {"pool" = each.key})
  priority = each.value.spot ? "Spot" : "Regular"
  spot_max_price = each.value.spot ? - 1 : null
}

resource "azurerm_role_assignment" "acr_pull" {
  scope = azurerm_container_registry.main.id
  role_definition_name = "AcrPull"
  principal_id = azurerm_kubernetes_cluster.main.kubelet_identity[0].object_id
}
resource "azurerm_policy_definition" "aks_no_privileged" {
  name = "aks-no-privileged"
  policy_type = "Custom"
  mode = "Indexed"
  policy_rule = <<-POLICY
    {
      "if": { "field": "type", "equals": "Microsoft.ContainerService/managedClusters" },
      "then": { "effect": "audit" }   
    }
  POLICY
}

output "kube_config" {
  value     = azurerm_kubernetes_cluster.main.kube_config_raw
  sensitive = true
}
output "node_pool_ids" {
  value = {for k, p in azurerm_kubernetes_cluster_node_pool.user : k => p.id}
}
# end of file


