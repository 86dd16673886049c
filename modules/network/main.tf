# The network of a hardened AKS cluster: one virtual network, a node subnet, and a network
# security group on that subnet that refuses remote administration from the internet.

resource "azurerm_virtual_network" "this" {
  name                = "vnet-${var.name}"
  location            = var.location
  resource_group_name = var.resource_group_name
  address_space       = var.address_space
  tags                = var.tags
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-${var.name}-nodes"
  resource_group_name  = var.resource_group_name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [var.node_subnet_prefix]

  # Reach Azure services over the Microsoft backbone.
  service_endpoints = ["Microsoft.ContainerRegistry", "Microsoft.KeyVault", "Microsoft.Storage"]
}

resource "azurerm_network_security_group" "nodes" {
  name                = "nsg-${var.name}-nodes"
  location            = var.location
  resource_group_name = var.resource_group_name
  tags                = var.tags

  # SSH and RDP to nodes are never exposed to the internet; use `kubectl debug` instead.
  security_rule {
    name                       = "deny-remote-admin-from-internet"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "Tcp"
    source_address_prefix      = "Internet"
    source_port_range          = "*"
    destination_address_prefix = "*"
    destination_port_ranges    = ["22", "3389"]
  }

  dynamic "security_rule" {
    for_each = var.extra_security_rules
    iterator = rule

    content {
      name                       = rule.key
      priority                   = rule.value.priority
      direction                  = "Inbound"
      access                     = rule.value.access
      protocol                   = rule.value.protocol
      source_address_prefix      = rule.value.source_address_prefix
      source_port_range          = "*"
      destination_address_prefix = "*"
      destination_port_ranges    = rule.value.destination_port_ranges
    }
  }
}

resource "azurerm_subnet_network_security_group_association" "nodes" {
  subnet_id                 = azurerm_subnet.nodes.id
  network_security_group_id = azurerm_network_security_group.nodes.id
}
