output "cluster_id" {
  description = "ARM id of the cluster."
  value       = module.aks.cluster_id
}

output "oidc_issuer_url" {
  description = "OIDC issuer for workload identity federation."
  value       = module.aks.oidc_issuer_url
}

output "node_subnet_id" {
  description = "Id of the node subnet."
  value       = module.network.node_subnet_id
}
