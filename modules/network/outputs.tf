output "virtual_network_id" {
  description = "Id of the virtual network."
  value       = azurerm_virtual_network.this.id
}

output "node_subnet_id" {
  description = "Id of the node subnet (with its network security group attached)."
  value       = azurerm_subnet.nodes.id

  # Nodes must not start before the security group guards their subnet.
  depends_on = [azurerm_subnet_network_security_group_association.nodes]
}

output "network_security_group_id" {
  description = "Id of the node subnet's network security group."
  value       = azurerm_network_security_group.nodes.id
}
