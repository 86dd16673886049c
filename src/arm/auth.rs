//! Credentials for ARM, chosen as the azurerm provider chooses them.
//!
//! [`choose`] is a pure decision over environment variables and the `provider "azurerm"` block:
//! provider values win over `ARM_*` variables, which win over their `AZURE_*` equivalents. In order:
//! `ARM_ACCESS_TOKEN` (a ready bearer token), workload identity federation (`ARM_USE_OIDC` or a
//! federated token), a client secret, a managed identity (`ARM_USE_MSI`), and the Azure CLI.
//! [`build`] turns the choice into an azure_identity credential without contacting anything.
//!
//! Secrets live in [`Secret`]s; `Debug` output and error messages name variables, never values.

use std::fmt;
use std::path::PathBuf;

use azure_core::credentials::Secret;

use super::endpoint::EndpointError;

mod credential;
pub use credential::{StaticToken, build};

/// Reads an environment variable; `choose` and `subscription` take one so tests can fake it.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment, for [`choose`], [`subscription`] and [`Endpoint::from_env`].
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Settings from the evaluated `provider "azurerm"` block; each wins over its environment variable.
#[derive(Clone, Default, PartialEq)]
pub struct ProviderSettings {
    /// `subscription_id`.
    pub subscription_id: Option<String>,
    /// `tenant_id`.
    pub tenant_id: Option<String>,
    /// `client_id`.
    pub client_id: Option<String>,
    /// `client_secret`.
    pub client_secret: Option<Secret>,
    /// `environment`: a cloud name or an endpoint URL (see [`Endpoint::from_env`]).
    pub environment: Option<String>,
    /// `use_oidc`.
    pub use_oidc: Option<bool>,
    /// `use_msi`.
    pub use_msi: Option<bool>,
    /// `use_cli`.
    pub use_cli: Option<bool>,
    /// `oidc_token`.
    pub oidc_token: Option<Secret>,
    /// `oidc_token_file_path`.
    pub oidc_token_file_path: Option<String>,
    /// `msi_endpoint` (not supported by azure_identity; setting it with MSI is an error).
    pub msi_endpoint: Option<String>,
}

const HIDDEN: &str = "***";

fn hidden(secret: &Option<Secret>) -> Option<&'static str> {
    secret.as_ref().map(|_| HIDDEN)
}

impl fmt::Debug for ProviderSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderSettings")
            .field("subscription_id", &self.subscription_id)
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &hidden(&self.client_secret))
            .field("environment", &self.environment)
            .field("use_oidc", &self.use_oidc)
            .field("use_msi", &self.use_msi)
            .field("use_cli", &self.use_cli)
            .field("oidc_token", &hidden(&self.oidc_token))
            .field("oidc_token_file_path", &self.oidc_token_file_path)
            .field("msi_endpoint", &self.msi_endpoint)
            .finish()
    }
}

/// The kinds of credential, in the order they are considered (after `AccessToken`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// A service principal's client secret.
    ClientSecret,
    /// Workload identity federation: a federated (OIDC) token exchanged for an Entra token.
    WorkloadIdentity,
    /// The managed identity of the Azure host (system-assigned, or user-assigned by client id).
    ManagedIdentity,
    /// A ready bearer token from `ARM_ACCESS_TOKEN`.
    AccessToken,
    /// The account logged in to the Azure CLI.
    AzureCli,
}

impl fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialKind::ClientSecret => "client secret (ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_TENANT_ID)",
            CredentialKind::WorkloadIdentity => "workload identity federation (ARM_USE_OIDC, ARM_CLIENT_ID, ARM_TENANT_ID and a federated token)",
            CredentialKind::ManagedIdentity => "managed identity (ARM_USE_MSI, optional ARM_CLIENT_ID)",
            CredentialKind::AccessToken => "access token (ARM_ACCESS_TOKEN)",
            CredentialKind::AzureCli => "Azure CLI (az login)",
        })
    }
}

/// Where a workload identity's federated token comes from.
#[derive(Clone, PartialEq)]
pub enum OidcSource {
    /// A file holding the token, re-read as it rotates (`ARM_OIDC_TOKEN_FILE_PATH`,
    /// `AZURE_FEDERATED_TOKEN_FILE`).
    TokenFile(PathBuf),
    /// The token itself (`ARM_OIDC_TOKEN`).
    Token(Secret),
    /// An Azure Pipelines service connection (`ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID`,
    /// `SYSTEM_ACCESSTOKEN`; azure_identity reads `SYSTEM_OIDCREQUESTURI` itself).
    AzurePipelines {
        /// The service connection id.
        service_connection_id: String,
        /// The build's access token.
        system_access_token: Secret,
    },
}

impl fmt::Debug for OidcSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TokenFile(path) => write!(f, "TokenFile({path:?})"),
            Self::Token(_) => write!(f, "Token({HIDDEN:?})"),
            Self::AzurePipelines {
                service_connection_id: id,
                ..
            } => write!(
                f,
                "AzurePipelines {{ service_connection_id: {id:?}, system_access_token: {HIDDEN:?} }}"
            ),
        }
    }
}

/// The credential [`choose`] picked, with its parameters.
#[derive(Clone, PartialEq)]
pub enum CredentialChoice {
    /// A ready bearer token.
    AccessToken {
        /// The token.
        token: Secret,
    },
    /// Workload identity federation.
    WorkloadIdentity {
        /// Tenant id.
        tenant_id: String,
        /// Client id of the federated application or user-assigned identity.
        client_id: String,
        /// Where the federated token comes from.
        source: OidcSource,
    },
    /// A client secret.
    ClientSecret {
        /// Tenant id.
        tenant_id: String,
        /// Client id.
        client_id: String,
        /// The secret.
        secret: Secret,
    },
    /// A managed identity.
    ManagedIdentity {
        /// Client id of a user-assigned identity; `None` = system-assigned.
        client_id: Option<String>,
    },
    /// The Azure CLI.
    AzureCli {
        /// Tenant to request tokens in; `None` = the CLI's default.
        tenant_id: Option<String>,
    },
}

impl CredentialChoice {
    /// The kind of credential.
    pub fn kind(&self) -> CredentialKind {
        match self {
            CredentialChoice::AccessToken { .. } => CredentialKind::AccessToken,
            CredentialChoice::WorkloadIdentity { .. } => CredentialKind::WorkloadIdentity,
            CredentialChoice::ClientSecret { .. } => CredentialKind::ClientSecret,
            CredentialChoice::ManagedIdentity { .. } => CredentialKind::ManagedIdentity,
            CredentialChoice::AzureCli { .. } => CredentialKind::AzureCli,
        }
    }
}

impl fmt::Debug for CredentialChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AccessToken { .. } => write!(f, "AccessToken {{ token: {HIDDEN:?} }}"),
            Self::WorkloadIdentity {
                tenant_id: t,
                client_id: c,
                source: s,
            } => write!(
                f,
                "WorkloadIdentity {{ tenant_id: {t:?}, client_id: {c:?}, source: {s:?} }}"
            ),
            Self::ClientSecret {
                tenant_id: t,
                client_id: c,
                ..
            } => write!(
                f,
                "ClientSecret {{ tenant_id: {t:?}, client_id: {c:?}, secret: {HIDDEN:?} }}"
            ),
            Self::ManagedIdentity { client_id: c } => {
                write!(f, "ManagedIdentity {{ client_id: {c:?} }}")
            }
            Self::AzureCli { tenant_id: t } => write!(f, "AzureCli {{ tenant_id: {t:?} }}"),
        }
    }
}

/// Why no credential or endpoint could be set up. Messages name settings, never their values.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// A credential is half configured: `present` asks for it but `missing` is not set.
    #[error("{present} is set but {missing} is not; set it to use the {kind} credential")]
    Incomplete {
        /// The setting that asks for the credential (a variable, or a provider attribute).
        present: &'static str,
        /// The variable that is missing.
        missing: &'static str,
        /// The credential the settings point at.
        kind: CredentialKind,
    },
    /// A client id (the setting named) is set but nothing that uses one is.
    #[error(
        "{0} is set but no credential uses it: set ARM_CLIENT_SECRET (client secret), \
         ARM_USE_OIDC=true with a federated token (workload identity) or ARM_USE_MSI=true \
         (managed identity), or ARM_USE_CLI=true to use the Azure CLI anyway"
    )]
    ClientIdUnused(&'static str),
    /// The boolean variable named holds something other than true/false/1/0.
    #[error("{0} must be true or false (1 and 0 are accepted too)")]
    InvalidBool(&'static str),
    /// Nothing is configured and the setting named turns the Azure CLI off.
    #[error(
        "no credential is configured and {0} turns off the Azure CLI: set ARM_CLIENT_ID, \
         ARM_CLIENT_SECRET and ARM_TENANT_ID (client secret); ARM_USE_OIDC=true with \
         ARM_CLIENT_ID, ARM_TENANT_ID and ARM_OIDC_TOKEN_FILE_PATH (workload identity); \
         ARM_USE_MSI=true (managed identity); or ARM_ACCESS_TOKEN; or allow the Azure CLI"
    )]
    NoCredential(&'static str),
    /// The setting named asks for workload identity, but there is no federated token.
    #[error(
        "{0} asks for workload identity federation but there is no federated token: set \
         ARM_OIDC_TOKEN_FILE_PATH (or AZURE_FEDERATED_TOKEN_FILE) to a file holding it, or \
         ARM_OIDC_TOKEN to the token"
    )]
    OidcTokenMissing(&'static str),
    /// GitHub Actions' token request (the variable named) is not supported by azure_identity 1.0.
    #[error(
        "{0} is set, but requesting the GitHub Actions OIDC token is not supported yet \
         (azure_identity has no credential for it): fetch the token (audience \
         api://AzureADTokenExchange) into a file and set ARM_OIDC_TOKEN_FILE_PATH, set \
         ARM_OIDC_TOKEN, or sign in with azure/login and use the Azure CLI"
    )]
    GitHubOidcUnsupported(&'static str),
    /// A custom managed identity endpoint (the setting named) is not supported.
    #[error(
        "{0} is not supported: the managed identity credential finds its endpoint itself \
         (IMDS, or IDENTITY_ENDPOINT on App Service); unset it"
    )]
    MsiEndpointUnsupported(&'static str),
    /// azure_identity refused to construct the credential.
    #[error("could not set up the {kind} credential: {source}")]
    Credential {
        /// The credential.
        kind: CredentialKind,
        /// azure_identity's error.
        source: azure_core::Error,
    },
    /// The endpoint setting is unusable.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
}

/// One setting: its provider attribute (as named in messages) and its environment variables, the
/// first winning. `missing` is how an error names it when absent.
struct Setting {
    attr: &'static str,
    vars: &'static [&'static str],
    missing: &'static str,
}

const fn setting(attr: &'static str, vars: &'static [&'static str]) -> Setting {
    Setting {
        attr,
        vars,
        missing: vars[0],
    }
}

#[rustfmt::skip]
mod settings {
    use super::{setting, Setting};
    pub const TENANT_ID: Setting = setting("tenant_id (provider block)", &["ARM_TENANT_ID", "AZURE_TENANT_ID"]);
    pub const CLIENT_ID: Setting = setting("client_id (provider block)", &["ARM_CLIENT_ID", "AZURE_CLIENT_ID"]);
    pub const CLIENT_SECRET: Setting = setting("client_secret (provider block)", &["ARM_CLIENT_SECRET", "AZURE_CLIENT_SECRET"]);
    pub const SUBSCRIPTION_ID: Setting = setting("subscription_id (provider block)", &["ARM_SUBSCRIPTION_ID", "AZURE_SUBSCRIPTION_ID"]);
    pub const USE_OIDC: Setting = setting("use_oidc (provider block)", &["ARM_USE_OIDC"]);
    pub const USE_MSI: Setting = setting("use_msi (provider block)", &["ARM_USE_MSI"]);
    pub const USE_CLI: Setting = setting("use_cli (provider block)", &["ARM_USE_CLI"]);
    pub const OIDC_TOKEN: Setting = setting("oidc_token (provider block)", &["ARM_OIDC_TOKEN"]);
    pub const OIDC_TOKEN_FILE: Setting = setting("oidc_token_file_path (provider block)", &["ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE"]);
    pub const MSI_ENDPOINT: Setting = setting("msi_endpoint (provider block)", &["ARM_MSI_ENDPOINT"]);
    pub const ACCESS_TOKEN: Setting = setting("", &["ARM_ACCESS_TOKEN"]);
    pub const ADO_CONNECTION: Setting = setting("", &["ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID"]);
    pub const ADO_TOKEN: Setting = Setting { missing: "SYSTEM_ACCESSTOKEN (or ARM_OIDC_REQUEST_TOKEN)", ..setting("", &["ARM_OIDC_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN"]) };
    pub const ADO_URL: Setting = setting("", &["SYSTEM_OIDCREQUESTURI"]);
    pub const GITHUB_URL: Setting = setting("", &["ACTIONS_ID_TOKEN_REQUEST_URL", "ARM_OIDC_REQUEST_URL"]);
}
use settings::*;

/// A value found for a setting, and where (a variable or provider attribute).
struct Found {
    value: String,
    from: &'static str,
}

impl Setting {
    /// The provider value if set, else the first set variable. Blank counts as unset.
    fn find(&self, provider: Option<&str>, env: Env) -> Option<Found> {
        let blank = |v: &str| v.trim().is_empty();
        if let Some(value) = provider.filter(|v| !blank(v)) {
            return Some(Found {
                value: value.trim().to_owned(),
                from: self.attr,
            });
        }
        self.vars.iter().find_map(|name| {
            let value = env(name).filter(|v| !blank(v))?;
            Some(Found {
                value: value.trim().to_owned(),
                from: name,
            })
        })
    }

    /// A boolean: the provider value, else the variable (true/false/1/0, any case).
    fn flag(
        &self,
        provider: Option<bool>,
        env: Env,
    ) -> Result<Option<(bool, &'static str)>, AuthError> {
        if let Some(value) = provider {
            return Ok(Some((value, self.attr)));
        }
        let Some(found) = self.find(None, env) else {
            return Ok(None);
        };
        match found.value.to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(Some((true, found.from))),
            "false" | "0" => Ok(Some((false, found.from))),
            _ => Err(AuthError::InvalidBool(found.from)),
        }
    }

    /// The value, or an error saying that `present` needs it.
    fn need(
        &self,
        found: Option<Found>,
        present: &'static str,
        kind: CredentialKind,
    ) -> Result<String, AuthError> {
        found.map(|f| f.value).ok_or(AuthError::Incomplete {
            present,
            missing: self.missing,
            kind,
        })
    }
}

/// Choose the credential from the environment and the provider block (see the module docs).
pub fn choose(env: Env, provider: &ProviderSettings) -> Result<CredentialChoice, AuthError> {
    let use_oidc = USE_OIDC.flag(provider.use_oidc, env)?;
    let use_msi = USE_MSI.flag(provider.use_msi, env)?;
    let use_cli = USE_CLI.flag(provider.use_cli, env)?;
    if let Some(token) = ACCESS_TOKEN.find(None, env) {
        let token = Secret::new(token.value);
        return Ok(CredentialChoice::AccessToken { token });
    }
    let tenant = TENANT_ID.find(provider.tenant_id.as_deref(), env);
    let client = CLIENT_ID.find(provider.client_id.as_deref(), env);
    let secret = CLIENT_SECRET.find(provider.client_secret.as_ref().map(Secret::secret), env);
    let token = OIDC_TOKEN.find(provider.oidc_token.as_ref().map(Secret::secret), env);
    let token_file = OIDC_TOKEN_FILE.find(provider.oidc_token_file_path.as_deref(), env);

    let oidc = match use_oidc {
        Some((true, from)) => Some(from),
        Some((false, _)) => None,
        None => token.as_ref().or(token_file.as_ref()).map(|f| f.from),
    };
    if let Some(trigger) = oidc {
        let kind = CredentialKind::WorkloadIdentity;
        let client_id = CLIENT_ID.need(client, trigger, kind)?;
        let tenant_id = TENANT_ID.need(tenant, trigger, kind)?;
        let source = oidc_source(token, token_file, trigger, env)?;
        return Ok(CredentialChoice::WorkloadIdentity {
            tenant_id,
            client_id,
            source,
        });
    }
    if let Some(secret) = secret {
        let kind = CredentialKind::ClientSecret;
        let client_id = CLIENT_ID.need(client, secret.from, kind)?;
        let tenant_id = TENANT_ID.need(tenant, secret.from, kind)?;
        let secret = Secret::new(secret.value);
        return Ok(CredentialChoice::ClientSecret {
            tenant_id,
            client_id,
            secret,
        });
    }
    if let Some((true, _)) = use_msi {
        if let Some(endpoint) = MSI_ENDPOINT.find(provider.msi_endpoint.as_deref(), env) {
            return Err(AuthError::MsiEndpointUnsupported(endpoint.from));
        }
        return Ok(CredentialChoice::ManagedIdentity {
            client_id: client.map(|c| c.value),
        });
    }
    match (use_cli, client) {
        (Some((false, disabled_by)), _) => Err(AuthError::NoCredential(disabled_by)),
        (None, Some(client)) => Err(AuthError::ClientIdUnused(client.from)),
        _ => Ok(CredentialChoice::AzureCli {
            tenant_id: tenant.map(|t| t.value),
        }),
    }
}

fn oidc_source(
    token: Option<Found>,
    file: Option<Found>,
    trigger: &'static str,
    env: Env,
) -> Result<OidcSource, AuthError> {
    if let Some(token) = token {
        return Ok(OidcSource::Token(Secret::new(token.value)));
    }
    if let Some(file) = file {
        return Ok(OidcSource::TokenFile(PathBuf::from(file.value)));
    }
    if let Some(connection) = ADO_CONNECTION.find(None, env) {
        let kind = CredentialKind::WorkloadIdentity;
        let token = ADO_TOKEN.need(ADO_TOKEN.find(None, env), connection.from, kind)?;
        ADO_URL.need(ADO_URL.find(None, env), connection.from, kind)?;
        return Ok(OidcSource::AzurePipelines {
            service_connection_id: connection.value,
            system_access_token: Secret::new(token),
        });
    }
    if let Some(url) = GITHUB_URL.find(None, env) {
        return Err(AuthError::GitHubOidcUnsupported(url.from));
    }
    Err(AuthError::OidcTokenMissing(trigger))
}

/// The subscription: the provider block's, else `ARM_SUBSCRIPTION_ID`, else `AZURE_SUBSCRIPTION_ID`.
pub fn subscription(env: Env, provider: &ProviderSettings) -> Option<String> {
    SUBSCRIPTION_ID
        .find(provider.subscription_id.as_deref(), env)
        .map(|f| f.value)
}

#[cfg(test)]
pub(crate) mod tests;
