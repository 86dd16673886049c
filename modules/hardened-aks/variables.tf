variable "name" {
  description = "Name of the cluster (also the base of its DNS prefix and of the Log Analytics workspace)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,40}[a-z0-9]$", var.name))
    error_message = "The name must be 2-42 lowercase letters, digits or '-', starting and ending with a letter or digit."
  }
}

variable "resource_group_name" {
  description = "Resource group of the cluster."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version (MAJOR.MINOR). The patch channel keeps patches current; raise this one minor at a time."
  type        = string

  validation {
    condition     = can(regex("^1\\.[0-9]+$", var.kubernetes_version))
    error_message = "Give a minor version such as \"1.33\"; the patch upgrade channel picks the patch."
  }
}

variable "node_subnet_id" {
  description = "Subnet for the nodes (Azure CNI overlay: pods get addresses from pod_cidr)."
  type        = string
}

variable "admin_group_object_ids" {
  description = "Object ids of the Entra ID groups whose members administer the cluster. Access is bound to groups, never to individual users."
  type        = list(string)

  validation {
    condition     = length(var.admin_group_object_ids) > 0
    error_message = "At least one administrator group is required: with local accounts disabled, nobody else can sign in."
  }

  validation {
    condition     = alltrue([for id in var.admin_group_object_ids : can(regex("^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$", id))])
    error_message = "admin_group_object_ids must be Entra group object ids (GUIDs)."
  }
}

variable "authorized_ip_ranges" {
  description = "CIDR blocks allowed to reach the public API server."
  type        = list(string)

  validation {
    condition     = length(var.authorized_ip_ranges) > 0 && alltrue([for cidr in var.authorized_ip_ranges : can(cidrhost(cidr, 0))])
    error_message = "authorized_ip_ranges must list at least one CIDR block; an unrestricted public API server is not hardened."
  }
}

variable "network" {
  description = "Overlay networking ranges; they must not overlap the virtual network."
  type = object({
    pod_cidr       = optional(string, "192.168.0.0/16")
    service_cidr   = optional(string, "172.16.0.0/16")
    dns_service_ip = optional(string, "172.16.0.10")
  })
  default = {}
}

variable "system_pool" {
  description = "The system node pool, which runs only critical add-ons."
  type = object({
    vm_size   = optional(string, "Standard_D4ds_v5")
    min_count = optional(number, 3)
    max_count = optional(number, 5)
    zones     = optional(list(string), ["1", "2", "3"])
  })
  default = {}

  validation {
    condition     = var.system_pool.min_count >= 2 && var.system_pool.min_count <= var.system_pool.max_count
    error_message = "The system pool needs at least two nodes for resilience, and min_count must not exceed max_count."
  }
}

variable "user_pools" {
  description = "Node pools for workloads, by name (lowercase letters and digits, at most 12)."
  type = map(object({
    vm_size     = string
    min_count   = number
    max_count   = number
    zones       = optional(list(string), ["1", "2", "3"])
    node_labels = optional(map(string), {})
    node_taints = optional(list(string), [])
  }))
  default = {}
}

variable "maintenance" {
  description = "Weekly maintenance windows (UTC) for Kubernetes patch upgrades and node OS updates."
  type = object({
    upgrade_day = optional(string, "Sunday")
    node_os_day = optional(string, "Saturday")
    start_time  = optional(string, "02:00")
    duration    = optional(number, 4)
    utc_offset  = optional(string, "+00:00")
  })
  default = {}
}

variable "log_retention_days" {
  description = "Retention of the Log Analytics workspace used by Container Insights and Defender."
  type        = number
  default     = 30

  validation {
    condition     = var.log_retention_days >= 30 && var.log_retention_days <= 730
    error_message = "log_retention_days must be between 30 and 730."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
