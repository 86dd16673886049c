output "cluster_id" {
  description = "ARM id of the cluster, the scope for Azure RBAC role assignments."
  value       = azurerm_kubernetes_cluster.this.id
}

output "cluster_name" {
  description = "Name of the cluster."
  value       = azurerm_kubernetes_cluster.this.name
}

output "oidc_issuer_url" {
  description = "The cluster's OIDC issuer, for workload identity federation."
  value       = azurerm_kubernetes_cluster.this.oidc_issuer_url
}

output "kubelet_object_id" {
  description = "Object id of the kubelet identity (grant it AcrPull on your registry)."
  value       = azurerm_kubernetes_cluster.this.kubelet_identity[0].object_id
}

output "log_analytics_workspace_id" {
  description = "Id of the workspace that receives Container Insights and Defender data."
  value       = azurerm_log_analytics_workspace.this.id
}

output "node_pools" {
  description = "Names of the user node pools."
  value       = [for name, pool in azurerm_kubernetes_cluster_node_pool.user : pool.name]
}
