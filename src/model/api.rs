//! The one table of pinned api-versions, per resource provider, overridable per provider from an
//! environment variable (`AKSFORM_API_VERSION_CONTAINERSERVICE=2026-10-01`) or the azurerm
//! provider block (`api_versions = { containerservice = "2026-10-01" }`).

use std::collections::BTreeMap;
use std::fmt;

/// A resource provider aksform talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiFamily {
    /// Microsoft.ContainerService: clusters, agent pools, maintenance configurations.
    ContainerService,
    /// Microsoft.Network: virtual networks, subnets, network security groups.
    Network,
    /// Microsoft.OperationalInsights: Log Analytics workspaces.
    OperationalInsights,
    /// Microsoft.Resources: resource groups.
    Resources,
    /// Microsoft.Authorization: role assignments.
    Authorization,
}

impl ApiFamily {
    /// Every family.
    pub const ALL: [ApiFamily; 5] = [
        ApiFamily::ContainerService,
        ApiFamily::Network,
        ApiFamily::OperationalInsights,
        ApiFamily::Resources,
        ApiFamily::Authorization,
    ];

    /// The version aksform is built and tested against.
    pub fn pinned(self) -> &'static str {
        match self {
            ApiFamily::ContainerService => "2026-08-01",
            ApiFamily::Network => "2026-03-01",
            ApiFamily::OperationalInsights => "2025-07-01",
            ApiFamily::Resources => "2025-04-01",
            ApiFamily::Authorization => "2022-04-01",
        }
    }

    /// The short key used in overrides: `containerservice`, `network`, ...
    pub fn key(self) -> &'static str {
        match self {
            ApiFamily::ContainerService => "containerservice",
            ApiFamily::Network => "network",
            ApiFamily::OperationalInsights => "operationalinsights",
            ApiFamily::Resources => "resources",
            ApiFamily::Authorization => "authorization",
        }
    }

    /// The family serving a resource type such as `Microsoft.Network/virtualNetworks/subnets`.
    pub fn for_type(resource_type: &str) -> Option<ApiFamily> {
        let ns = resource_type.split('/').next()?.to_ascii_lowercase();
        Some(match ns.as_str() {
            "microsoft.containerservice" => ApiFamily::ContainerService,
            "microsoft.network" => ApiFamily::Network,
            "microsoft.operationalinsights" => ApiFamily::OperationalInsights,
            "microsoft.resources" => ApiFamily::Resources,
            "microsoft.authorization" => ApiFamily::Authorization,
            _ => return None,
        })
    }
}

impl fmt::Display for ApiFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The api-versions in use for one command run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiVersions {
    versions: BTreeMap<ApiFamily, String>,
}

impl Default for ApiVersions {
    fn default() -> Self {
        ApiVersions {
            versions: ApiFamily::ALL
                .iter()
                .map(|f| (*f, f.pinned().to_string()))
                .collect(),
        }
    }
}

/// A bad override.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiVersionError {
    /// The family is not one aksform knows.
    #[error(
        "unknown api family {0:?}: use containerservice, network, operationalinsights, resources or authorization"
    )]
    UnknownFamily(String),
    /// The value is not an api-version.
    #[error(
        "{value:?} is not an api-version for {family} (write YYYY-MM-DD or YYYY-MM-DD-preview)"
    )]
    BadVersion {
        /// Which family.
        family: ApiFamily,
        /// What was given.
        value: String,
    },
}

fn valid(v: &str) -> bool {
    let date = v.get(..10).unwrap_or("");
    let rest = &v[date.len()..];
    date.len() == 10
        && date.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        })
        && (rest.is_empty() || rest == "-preview")
}

impl ApiVersions {
    /// The version for a family.
    pub fn get(&self, family: ApiFamily) -> &str {
        self.versions
            .get(&family)
            .map_or(family.pinned(), String::as_str)
    }

    /// The version for a resource type (`None` for types outside the supported providers).
    pub fn for_type(&self, resource_type: &str) -> Option<&str> {
        ApiFamily::for_type(resource_type).map(|f| self.get(f))
    }

    /// Applies overrides: first from the provider block's `api_versions` map, then from
    /// `AKSFORM_API_VERSION_<FAMILY>` environment variables (which win).
    ///
    /// # Errors
    ///
    /// An unknown family or a malformed version.
    pub fn with_overrides(
        mut self,
        provider_block: &BTreeMap<String, String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ApiVersionError> {
        for (key, value) in provider_block {
            let family = ApiFamily::ALL
                .into_iter()
                .find(|f| f.key().eq_ignore_ascii_case(key))
                .ok_or_else(|| ApiVersionError::UnknownFamily(key.clone()))?;
            self.set(family, value)?;
        }
        for family in ApiFamily::ALL {
            let var = format!("AKSFORM_API_VERSION_{}", family.key().to_ascii_uppercase());
            if let Some(value) = env(&var).filter(|v| !v.is_empty()) {
                self.set(family, &value)?;
            }
        }
        Ok(self)
    }

    fn set(&mut self, family: ApiFamily, value: &str) -> Result<(), ApiVersionError> {
        if !valid(value) {
            return Err(ApiVersionError::BadVersion {
                family,
                value: value.to_string(),
            });
        }
        self.versions.insert(family, value.to_string());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_versions_and_types() {
        let v = ApiVersions::default();
        assert_eq!(
            v.for_type("Microsoft.ContainerService/managedClusters/agentPools"),
            Some("2026-08-01")
        );
        assert_eq!(
            v.for_type("microsoft.network/virtualNetworks"),
            Some("2026-03-01")
        );
        assert_eq!(
            v.for_type("Microsoft.Resources/resourceGroups"),
            Some("2025-04-01")
        );
        assert_eq!(
            v.for_type("Microsoft.Authorization/roleAssignments"),
            Some("2022-04-01")
        );
        assert_eq!(
            v.for_type("Microsoft.OperationalInsights/workspaces"),
            Some("2025-07-01")
        );
        assert_eq!(v.for_type("Microsoft.Storage/storageAccounts"), None);
    }

    #[test]
    fn overrides_from_the_provider_block_then_the_environment() {
        let block: BTreeMap<String, String> =
            [("ContainerService".to_string(), "2026-10-01".to_string())].into();
        let v = ApiVersions::default()
            .with_overrides(&block, |k| {
                (k == "AKSFORM_API_VERSION_NETWORK").then(|| "2025-05-01".to_string())
            })
            .unwrap();
        assert_eq!(v.get(ApiFamily::ContainerService), "2026-10-01");
        assert_eq!(v.get(ApiFamily::Network), "2025-05-01");
        let env_wins = ApiVersions::default()
            .with_overrides(&block, |k| {
                (k == "AKSFORM_API_VERSION_CONTAINERSERVICE")
                    .then(|| "2026-07-01-preview".to_string())
            })
            .unwrap();
        assert_eq!(
            env_wins.get(ApiFamily::ContainerService),
            "2026-07-01-preview"
        );
    }

    #[test]
    fn bad_overrides_are_errors() {
        let block: BTreeMap<String, String> =
            [("storage".to_string(), "2026-10-01".to_string())].into();
        assert!(matches!(
            ApiVersions::default().with_overrides(&block, |_| None),
            Err(ApiVersionError::UnknownFamily(_))
        ));
        let err = ApiVersions::default()
            .with_overrides(&BTreeMap::new(), |_| Some("latest".to_string()))
            .unwrap_err();
        assert!(err.to_string().contains("\"latest\" is not an api-version"));
    }
}
