variable "name" {
  description = "Base name of the virtual network and its subnets."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,60}$", var.name))
    error_message = "The name must be 1-61 letters, digits, '_', '.' or '-', starting with a letter or digit."
  }
}

variable "resource_group_name" {
  description = "Resource group that holds the network."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "address_space" {
  description = "Address space of the virtual network."
  type        = list(string)
  default     = ["10.10.0.0/16"]

  validation {
    condition     = length(var.address_space) > 0 && alltrue([for cidr in var.address_space : can(cidrhost(cidr, 0))])
    error_message = "address_space must hold at least one CIDR block, e.g. \"10.10.0.0/16\"."
  }
}

variable "node_subnet_prefix" {
  description = "Prefix of the subnet the cluster's nodes live in. With Azure CNI overlay, pods take addresses from pod_cidr instead, so a /22 holds about 1,000 nodes."
  type        = string
  default     = "10.10.0.0/22"

  validation {
    condition     = can(cidrnetmask(var.node_subnet_prefix))
    error_message = "node_subnet_prefix must be an IPv4 CIDR block."
  }
}

variable "extra_security_rules" {
  description = "Additional inbound rules for the node subnet's network security group, by name."
  type = map(object({
    priority                = number
    access                  = optional(string, "Allow")
    protocol                = optional(string, "Tcp")
    source_address_prefix   = string
    destination_port_ranges = list(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for rule in values(var.extra_security_rules) : rule.priority >= 100 && rule.priority < 4000])
    error_message = "Extra rule priorities must be between 100 and 3999; 4000 and above are reserved for the module's own rules."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
