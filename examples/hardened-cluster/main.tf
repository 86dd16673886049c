# A hardened AKS cluster, end to end: resource group, network, cluster with a system and a user
# pool, and cluster administrators bound through an Entra ID group.
#
#   aksform validate examples/hardened-cluster

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}

# The subscription comes from ARM_SUBSCRIPTION_ID (or the built-in emulator).
provider "azurerm" {
  features {}
}

locals {
  name = "${var.prefix}-${var.environment}"
  tags = merge(var.tags, {
    environment = var.environment
    managed_by  = "aksform"
  })
}

resource "azurerm_resource_group" "main" {
  name     = "rg-${local.name}"
  location = var.location
  tags     = local.tags
}

module "network" {
  source = "../../modules/network"

  name                = local.name
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  address_space       = ["10.10.0.0/16"]
  node_subnet_prefix  = "10.10.0.0/22"
  tags                = local.tags
}

module "aks" {
  source = "../../modules/hardened-aks"

  name                   = "aks-${local.name}"
  resource_group_name    = azurerm_resource_group.main.name
  location               = azurerm_resource_group.main.location
  kubernetes_version     = var.kubernetes_version
  node_subnet_id         = module.network.node_subnet_id
  admin_group_object_ids = var.admin_group_object_ids
  authorized_ip_ranges   = var.authorized_ip_ranges
  tags                   = local.tags

  user_pools = {
    apps = {
      vm_size   = "Standard_D4ds_v5"
      min_count = 2
      max_count = 10
      node_labels = {
        workload = "apps"
      }
    }
  }
}

# Cluster administrators are the members of Entra ID groups, never individual users.
resource "azurerm_role_assignment" "cluster_admins" {
  for_each = toset(var.admin_group_object_ids)

  scope                = module.aks.cluster_id
  role_definition_name = "Azure Kubernetes Service RBAC Cluster Admin"
  principal_id         = each.value
  principal_type       = "Group"
}
