//! The azure_core `Pipeline` the client sends through, and its policies: the bearer token (fetched
//! from the credential and cached until shortly before it expires), the user agent
//! `aksform/<version>`, and one `x-ms-correlation-request-id` for every request of a command run
//! (azure_core adds a fresh `x-ms-client-request-id` per request). azure_core's own retry policy is
//! off: the client decides retries itself.

use std::sync::Arc;

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, TokenCredential};
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{ClientOptions, Context, Pipeline, Request, RetryOptions};
use azure_core::time::{Duration as AzDuration, OffsetDateTime};
use tokio::sync::Mutex;

/// The user agent of every request.
pub fn user_agent() -> String {
    format!("aksform/{}", env!("CARGO_PKG_VERSION"))
}

/// Sets `Authorization: Bearer <token>` from a credential, caching the token.
pub struct BearerPolicy {
    credential: Arc<dyn TokenCredential>,
    scope: String,
    cached: Mutex<Option<AccessToken>>,
}

impl std::fmt::Debug for BearerPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the token.
        f.debug_struct("BearerPolicy")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl BearerPolicy {
    /// A policy for `scope`.
    pub fn new(credential: Arc<dyn TokenCredential>, scope: String) -> Self {
        BearerPolicy {
            credential,
            scope,
            cached: Mutex::new(None),
        }
    }

    async fn token(&self) -> azure_core::Result<String> {
        let mut cached = self.cached.lock().await;
        let fresh = cached
            .as_ref()
            .is_some_and(|t| t.expires_on > OffsetDateTime::now_utc() + AzDuration::minutes(5));
        if !fresh {
            *cached = Some(self.credential.get_token(&[&self.scope], None).await?);
        }
        Ok(cached
            .as_ref()
            .map(|t| t.token.secret().to_string())
            .unwrap_or_default())
    }
}

#[async_trait]
impl Policy for BearerPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let token = self.token().await?;
        request.insert_header("authorization", format!("Bearer {token}"));
        next[0].send(ctx, request, &next[1..]).await
    }
}

/// Sets the user agent and the run's correlation id.
#[derive(Debug)]
pub struct IdentityPolicy {
    correlation_id: String,
}

#[async_trait]
impl Policy for IdentityPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        request.insert_header("user-agent", user_agent());
        request.insert_header("x-ms-correlation-request-id", self.correlation_id.clone());
        next[0].send(ctx, request, &next[1..]).await
    }
}

/// The pipeline for one command run.
pub fn build(
    credential: Arc<dyn TokenCredential>,
    scope: String,
    correlation_id: String,
) -> Pipeline {
    let options = ClientOptions {
        retry: RetryOptions::none(),
        ..ClientOptions::default()
    };
    Pipeline::new(
        Some("aksform"),
        Some(env!("CARGO_PKG_VERSION")),
        options,
        Vec::new(),
        vec![
            Arc::new(IdentityPolicy { correlation_id }) as Arc<dyn Policy>,
            Arc::new(BearerPolicy::new(credential, scope)),
        ],
        None,
    )
}
