//! The api-versions each resource provider accepts: the versions aksform pins, the defaults of
//! Microsoft's current Python SDKs, and a few older stable ones. Anything else is refused the way
//! ARM refuses it.

use std::collections::BTreeMap;

use axum::http::StatusCode;

use super::error::{ArmError, ArmResult};
use super::route::Route;

/// Microsoft.ContainerService (managedClusters, agentPools, maintenanceConfigurations, ...).
pub const CONTAINER_SERVICE: &[&str] = &[
    "2026-10-01",
    "2026-08-01",
    "2026-07-01",
    "2026-05-01",
    "2026-01-01",
    "2025-10-01",
    "2024-09-01",
];

/// Microsoft.Network (virtualNetworks, subnets, networkSecurityGroups).
pub const NETWORK: &[&str] = &[
    "2026-03-01",
    "2025-05-01",
    "2025-01-01",
    "2024-07-01",
    "2024-05-01",
    "2023-11-01",
];

/// Microsoft.Resources (resource groups).
pub const RESOURCES: &[&str] = &[
    "2025-04-01",
    "2024-11-01",
    "2024-03-01",
    "2023-07-01",
    "2022-09-01",
    "2021-04-01",
];

/// Microsoft.OperationalInsights (workspaces).
pub const OPERATIONAL_INSIGHTS: &[&str] = &["2025-07-01", "2025-02-01", "2023-09-01", "2022-10-01"];

/// Microsoft.Authorization (role assignments).
pub const AUTHORIZATION: &[&str] = &["2022-04-01", "2020-04-01-preview", "2015-07-01"];

/// The accepted versions for a route, with the type name used in messages.
fn versions(route: &Route) -> Option<(&'static [&'static str], String)> {
    Some(match route {
        Route::ResourceGroups { .. } | Route::ResourceGroup { .. } => {
            (RESOURCES, "resourceGroups".to_string())
        }
        Route::RoleAssignment { .. } => (AUTHORIZATION, "roleAssignments".to_string()),
        Route::KubernetesVersions { .. } => (
            CONTAINER_SERVICE,
            "locations/kubernetesVersions".to_string(),
        ),
        Route::Provider(p) => {
            let list = match p.ns.to_ascii_lowercase().as_str() {
                "microsoft.containerservice" => CONTAINER_SERVICE,
                "microsoft.network" => NETWORK,
                "microsoft.operationalinsights" => OPERATIONAL_INSIGHTS,
                "microsoft.resources" => RESOURCES,
                "microsoft.authorization" => AUTHORIZATION,
                _ => return None,
            };
            let t = p
                .segments
                .iter()
                .map(|(t, _)| t.as_str())
                .collect::<Vec<_>>()
                .join("/");
            (list, t)
        }
        Route::OperationStatus { .. } | Route::OperationResult { .. } | Route::Unknown => {
            return None;
        }
    })
}

/// Checks the `api-version` query parameter and returns it.
///
/// # Errors
///
/// 400 `MissingApiVersionParameter` when absent; 400 `NoRegisteredProviderFound` listing the
/// supported versions when not supported for the resource type.
pub fn check(route: &Route, query: &BTreeMap<String, String>) -> ArmResult<String> {
    let Some(v) = query.get("api-version").filter(|v| !v.is_empty()) else {
        return Err(ArmError::new(
            StatusCode::BAD_REQUEST,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        ));
    };
    if let Some((list, type_name)) = versions(route)
        && !list.contains(&v.as_str())
    {
        return Err(ArmError::new(
            StatusCode::BAD_REQUEST,
            "NoRegisteredProviderFound",
            format!(
                "No registered resource provider found for location 'global' and API version '{v}' for type '{type_name}'. The supported api-versions are '{}'. The supported locations are '{}'.",
                list.join(", "),
                super::types::LOCATIONS.join(", ")
            ),
        ));
    }
    Ok(v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(v: &str) -> BTreeMap<String, String> {
        [("api-version".to_string(), v.to_string())]
            .into_iter()
            .collect()
    }

    #[test]
    fn versions_are_checked_per_provider() {
        let mc = Route::parse(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/k",
        );
        assert_eq!(check(&mc, &q("2026-08-01")).unwrap(), "2026-08-01");
        let e = check(&mc, &q("2026-03-01")).unwrap_err();
        assert_eq!(e.code, "NoRegisteredProviderFound");
        assert!(e.message.contains("2026-08-01"), "{}", e.message);
        assert!(e.message.contains("'managedClusters'"), "{}", e.message);
        let vnet = Route::parse(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
        );
        assert!(check(&vnet, &q("2026-03-01")).is_ok());
        let missing = check(&vnet, &BTreeMap::new()).unwrap_err();
        assert_eq!(missing.code, "MissingApiVersionParameter");
        let rg = Route::parse("/subscriptions/s/resourcegroups/rg");
        assert!(check(&rg, &q("2025-04-01")).is_ok());
        let ra =
            Route::parse("/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/x");
        assert!(check(&ra, &q("2022-04-01")).is_ok());
    }
}
