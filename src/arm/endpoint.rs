//! Where Azure Resource Manager lives and which token scope it takes: the public cloud, a sovereign
//! cloud, or a URL (an emulator on loopback, a private ARM). Plain `http://` is accepted only for
//! loopback addresses, because the bearer token would otherwise cross the network in clear text.
//!
//! The setting comes from the provider block's `environment`, else `ARM_ENDPOINT`, else azurerm's
//! `ARM_ENVIRONMENT`; `ARM_SCOPE` overrides the token scope whatever the endpoint.

use std::fmt;
use std::net::IpAddr;

use azure_core::cloud::CloudConfiguration;
use azure_core::http::Url;

use super::auth::AuthError;

/// The token scope of the public cloud's ARM, also used for endpoints given as a URL.
pub const PUBLIC_SCOPE: &str = "https://management.azure.com/.default";
/// Environment variable with the endpoint: a cloud name or a URL.
pub const ENDPOINT_VAR: &str = "ARM_ENDPOINT";
/// azurerm's environment variable for the cloud name; `ARM_ENDPOINT` wins over it.
pub const ENVIRONMENT_VAR: &str = "ARM_ENVIRONMENT";
/// Environment variable that overrides the token scope.
pub const SCOPE_VAR: &str = "ARM_SCOPE";

/// The Azure cloud an endpoint belongs to, which decides the Entra authority host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cloud {
    /// Azure public cloud.
    Public,
    /// Azure US Government.
    UsGovernment,
    /// Azure operated by 21Vianet (China).
    China,
    /// An endpoint given as a URL; it authenticates against the public cloud's authority.
    Custom,
}

impl Cloud {
    /// The Microsoft Entra authority host that issues tokens for this cloud.
    pub fn authority_host(self) -> &'static str {
        match self {
            Cloud::Public | Cloud::Custom => "https://login.microsoftonline.com",
            Cloud::UsGovernment => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
        }
    }

    /// The azure_core cloud configuration, for credentials that take one.
    pub fn configuration(self) -> CloudConfiguration {
        match self {
            Cloud::Public | Cloud::Custom => CloudConfiguration::AzurePublic,
            Cloud::UsGovernment => CloudConfiguration::AzureGovernment,
            Cloud::China => CloudConfiguration::AzureChina,
        }
    }

    /// The canonical name, as the provider block's `environment` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Cloud::Public => "public",
            Cloud::UsGovernment => "usgovernment",
            Cloud::China => "china",
            Cloud::Custom => "custom",
        }
    }

    fn management(self) -> &'static str {
        match self {
            Cloud::Public | Cloud::Custom => "https://management.azure.com/",
            Cloud::UsGovernment => "https://management.usgovcloudapi.net/",
            Cloud::China => "https://management.chinacloudapi.cn/",
        }
    }
}

/// Cloud names as azurerm's `environment` accepts them (compared case-insensitively). azurerm does
/// not accept `AzureUSGovernmentCloud`-style names, so neither do we.
const NAMES: &[(&str, Cloud)] = &[
    ("public", Cloud::Public),
    ("global", Cloud::Public),
    ("usgovernment", Cloud::UsGovernment),
    ("usgovernmentl4", Cloud::UsGovernment),
    ("usgovernmentl5", Cloud::UsGovernment),
    ("dod", Cloud::UsGovernment),
    ("china", Cloud::China),
];

/// Why an endpoint setting is unusable (wrapped in [`AuthError::Endpoint`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// Neither a known cloud name nor a URL.
    #[error(
        "unknown endpoint {value}: use public, usgovernment or china (azurerm's global, \
         usgovernmentl4, usgovernmentl5 and dod work too) or an https:// URL"
    )]
    Unknown {
        /// The setting, quoted, if it looks like a name (else `(not shown)`).
        value: String,
    },
    /// Looks like a URL but is not a usable one.
    #[error("the endpoint is not a usable URL: {reason}")]
    InvalidUrl {
        /// What is wrong.
        reason: String,
    },
    /// The URL carries a user name or password.
    #[error("the endpoint URL must not contain a user name or password")]
    Userinfo,
    /// The scheme is neither https nor http.
    #[error("the endpoint must use https (or http on a loopback address), not {scheme}")]
    UnsupportedScheme {
        /// The scheme.
        scheme: String,
    },
    /// Plain http to a host that is not a loopback address.
    #[error(
        "refusing the plain http endpoint {origin}: http would send the bearer token in clear \
         text; use https (plain http is accepted only for loopback addresses: 127.0.0.0/8, ::1, \
         localhost)"
    )]
    Insecure {
        /// Scheme, host and port of the endpoint.
        origin: String,
    },
}

/// A resolved ARM endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Base URL, always ending in `/`, that resource ids are joined to.
    pub base: Url,
    /// The scope tokens are requested for, e.g. `https://management.azure.com/.default`.
    pub scope: String,
    /// `public`, `usgovernment`, `china`, or the base URL for an endpoint given as a URL.
    pub name: String,
    /// The cloud, which decides the Entra authority host.
    pub cloud: Cloud,
}

impl Endpoint {
    /// Resolve a setting (cloud name or URL; `None` or blank = public), with `ARM_SCOPE` from the
    /// process environment overriding the scope.
    pub fn resolve(setting: Option<&str>) -> Result<Self, AuthError> {
        let scope = std::env::var(SCOPE_VAR).ok();
        Self::resolve_with_scope(setting, scope.as_deref())
    }

    /// Resolve from the provider block's `environment`, else `ARM_ENDPOINT`, else `ARM_ENVIRONMENT`
    /// read through `env`; `ARM_SCOPE` (through `env`) overrides the scope.
    pub fn from_env(
        env: &dyn Fn(&str) -> Option<String>,
        environment: Option<&str>,
    ) -> Result<Self, AuthError> {
        let setting = non_blank(environment.map(str::to_owned))
            .or_else(|| non_blank(env(ENDPOINT_VAR)))
            .or_else(|| non_blank(env(ENVIRONMENT_VAR)));
        let scope = env(SCOPE_VAR);
        Self::resolve_with_scope(setting.as_deref(), scope.as_deref())
    }

    /// Resolve a setting with an explicit scope override (blank = none). Pure.
    pub fn resolve_with_scope(
        setting: Option<&str>,
        scope: Option<&str>,
    ) -> Result<Self, AuthError> {
        let mut endpoint = match setting.map(str::trim).filter(|s| !s.is_empty()) {
            None => Self::named(Cloud::Public)?,
            Some(s) if s.contains("://") => Self::url(s)?,
            Some(s) => match NAMES.iter().find(|(name, _)| name.eq_ignore_ascii_case(s)) {
                Some((_, cloud)) => Self::named(*cloud)?,
                None => {
                    // Echo only what looks like a name, never something that may be a token.
                    let name_like = |c: char| c.is_ascii_alphanumeric() || "-_. ".contains(c);
                    let value = if s.len() <= 40 && s.chars().all(name_like) {
                        format!("{s:?}")
                    } else {
                        "(not shown)".to_owned()
                    };
                    return Err(EndpointError::Unknown { value }.into());
                }
            },
        };
        if let Some(scope) = scope.map(str::trim).filter(|s| !s.is_empty()) {
            endpoint.scope = scope.to_owned();
        }
        Ok(endpoint)
    }

    /// Whether the base URL's host is a loopback address (127.0.0.0/8, `::1`, `localhost`).
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(&self.base)
    }

    /// The Microsoft Entra authority host for this endpoint's cloud.
    pub fn authority_host(&self) -> &'static str {
        self.cloud.authority_host()
    }

    fn named(cloud: Cloud) -> Result<Self, EndpointError> {
        let base = Url::parse(cloud.management()).map_err(|e| EndpointError::InvalidUrl {
            reason: e.to_string(),
        })?;
        Ok(Endpoint {
            scope: format!("{}.default", base.as_str()),
            name: cloud.name().to_owned(),
            base,
            cloud,
        })
    }

    fn url(text: &str) -> Result<Self, EndpointError> {
        let invalid = |reason: &str| EndpointError::InvalidUrl {
            reason: reason.to_owned(),
        };
        let mut base = Url::parse(text).map_err(|e| invalid(&e.to_string()))?;
        if !base.username().is_empty() || base.password().is_some() {
            return Err(EndpointError::Userinfo);
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(invalid("it must not have a query string or a fragment"));
        }
        if base.host_str().is_none_or(str::is_empty) {
            return Err(invalid("it has no host"));
        }
        match base.scheme() {
            "https" => {}
            "http" if is_loopback_host(&base) => {}
            "http" => {
                let port = base.port().map(|p| format!(":{p}")).unwrap_or_default();
                let host = base.host_str().unwrap_or_default();
                return Err(EndpointError::Insecure {
                    origin: format!("http://{host}{port}"),
                });
            }
            other => {
                return Err(EndpointError::UnsupportedScheme {
                    scheme: other.chars().take(20).collect(),
                });
            }
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Ok(Endpoint {
            scope: PUBLIC_SCOPE.to_owned(),
            name: base.as_str().to_owned(),
            base,
            cloud: Cloud::Custom,
        })
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.cloud == Cloud::Custom {
            write!(f, "{}", self.base)
        } else {
            write!(f, "{} ({})", self.name, self.base)
        }
    }
}

fn non_blank(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

fn is_loopback_host(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests;
