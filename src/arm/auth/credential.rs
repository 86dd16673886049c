//! Constructing the azure_identity credential for a [`CredentialChoice`], and [`StaticToken`] for a
//! bearer token minted elsewhere. Nothing here contacts the network: a federated token file is read,
//! but no token is requested and no Azure CLI is run until `get_token`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::http::{ClientMethodOptions, ClientOptions};
use azure_core::time::{Duration, OffsetDateTime};
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, AzurePipelinesCredential,
    AzurePipelinesCredentialOptions, ClientAssertion, ClientAssertionCredential,
    ClientAssertionCredentialOptions, ClientSecretCredential, ClientSecretCredentialOptions,
    ManagedIdentityCredential, ManagedIdentityCredentialOptions, UserAssignedId,
    WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};

use super::{AuthError, CredentialChoice, HIDDEN, OidcSource};
use crate::arm::endpoint::Endpoint;

/// Construct the credential for a choice, with the endpoint cloud's authority host where the
/// credential takes one. Contacts nothing (a token file is read, an Azure CLI is not run).
pub fn build(
    choice: &CredentialChoice,
    endpoint: &Endpoint,
) -> Result<Arc<dyn TokenCredential>, AuthError> {
    let failed = |source| AuthError::Credential {
        kind: choice.kind(),
        source,
    };
    let cloud = Some(Arc::new(endpoint.cloud.configuration()));
    let client_options = ClientOptions {
        cloud,
        ..Default::default()
    };
    let assertion = ClientAssertionCredentialOptions {
        client_options: client_options.clone(),
    };
    Ok(match choice {
        CredentialChoice::AccessToken { token } => Arc::new(StaticToken::new(token.clone())),
        CredentialChoice::ClientSecret {
            tenant_id: t,
            client_id: c,
            secret,
        } => {
            let options = ClientSecretCredentialOptions { client_options };
            ClientSecretCredential::new(t, c.clone(), secret.clone(), Some(options))
                .map_err(failed)?
        }
        CredentialChoice::WorkloadIdentity {
            tenant_id: t,
            client_id: c,
            source,
        } => match source {
            OidcSource::TokenFile(path) => {
                let options = WorkloadIdentityCredentialOptions {
                    credential_options: assertion,
                    client_id: Some(c.clone()),
                    tenant_id: Some(t.clone()),
                    token_file_path: Some(path.clone()),
                };
                WorkloadIdentityCredential::new(Some(options)).map_err(failed)?
            }
            OidcSource::Token(token) => {
                let token = StaticAssertion(token.clone());
                ClientAssertionCredential::new(t.clone(), c.clone(), token, Some(assertion))
                    .map_err(failed)?
            }
            OidcSource::AzurePipelines {
                service_connection_id: id,
                system_access_token: token,
            } => {
                let options = AzurePipelinesCredentialOptions {
                    credential_options: assertion,
                };
                AzurePipelinesCredential::new(
                    t.clone(),
                    c.clone(),
                    id,
                    token.clone(),
                    Some(options),
                )
                .map_err(failed)?
            }
        },
        CredentialChoice::ManagedIdentity { client_id } => {
            let user_assigned_id = client_id.clone().map(UserAssignedId::ClientId);
            let options = ManagedIdentityCredentialOptions {
                user_assigned_id,
                ..Default::default()
            };
            ManagedIdentityCredential::new(Some(options)).map_err(failed)?
        }
        CredentialChoice::AzureCli { tenant_id } => {
            let (tenant_id, subscription, executor) = (tenant_id.clone(), None, None);
            let options = AzureCliCredentialOptions {
                subscription,
                tenant_id,
                executor,
            };
            AzureCliCredential::new(Some(options)).map_err(failed)?
        }
    })
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A bearer token minted elsewhere (`ARM_ACCESS_TOKEN`), handed out as is, valid an hour ahead.
#[derive(Clone)]
pub struct StaticToken {
    token: Secret,
}

impl StaticToken {
    /// A credential that always returns `token`.
    pub fn new(token: Secret) -> Self {
        StaticToken { token }
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticToken")
            .field("token", &HIDDEN)
            .finish()
    }
}

// The trait is declared with `#[async_trait]`; this is the signature that macro generates.
impl TokenCredential for StaticToken {
    fn get_token<'life0, 'life1, 'life2, 'life3, 'async_trait>(
        &'life0 self,
        _scopes: &'life1 [&'life2 str],
        _options: Option<TokenRequestOptions<'life3>>,
    ) -> BoxFuture<'async_trait, azure_core::Result<AccessToken>>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        'life2: 'async_trait,
        'life3: 'async_trait,
        Self: 'async_trait,
    {
        let token = AccessToken::new(
            self.token.clone(),
            OffsetDateTime::now_utc() + Duration::hours(1),
        );
        Box::pin(async move { Ok(token) })
    }
}

/// A federated token given inline (`ARM_OIDC_TOKEN`).
struct StaticAssertion(Secret);

impl fmt::Debug for StaticAssertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StaticAssertion").field(&HIDDEN).finish()
    }
}

impl ClientAssertion for StaticAssertion {
    fn secret<'life0, 'life1, 'async_trait>(
        &'life0 self,
        _options: Option<ClientMethodOptions<'life1>>,
    ) -> BoxFuture<'async_trait, azure_core::Result<String>>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        Self: 'async_trait,
    {
        let token = self.0.secret().to_owned();
        Box::pin(async move { Ok(token) })
    }
}

#[cfg(test)]
mod tests;
