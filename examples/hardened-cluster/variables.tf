variable "prefix" {
  description = "Short name of the workload; resource names are built from it."
  type        = string
  default     = "hardened"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.prefix))
    error_message = "prefix must be 2-16 lowercase letters and digits, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment stage."
  type        = string
  default     = "prod"

  validation {
    condition     = contains(["dev", "test", "prod"], var.environment)
    error_message = "environment must be dev, test or prod."
  }
}

variable "location" {
  description = "Azure region."
  type        = string
  default     = "westeurope"
}

variable "kubernetes_version" {
  description = "Kubernetes minor version; upgrades go one minor at a time."
  type        = string
  default     = "1.33"
}

variable "admin_group_object_ids" {
  description = "Entra ID groups whose members administer the cluster."
  type        = list(string)
}

variable "authorized_ip_ranges" {
  description = "CIDR blocks allowed to reach the cluster's API server."
  type        = list(string)
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default = {
    cost_center = "platform"
  }
}
