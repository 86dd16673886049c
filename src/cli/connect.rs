//! Connecting a command run to Azure: the `provider "azurerm"` block's settings and the
//! environment give the credential, the endpoint, the subscription and the api-versions; from
//! them comes the run's [`ArmClient`] (recording its exchanges when `AKSFORM_TRAFFIC_DIR` is set).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use azure_core::credentials::Secret;

use crate::arm::auth::{self, CredentialKind, Env, ProviderSettings};
use crate::arm::endpoint::Endpoint;
use crate::arm::traffic::TrafficRecorder;
use crate::arm::{ArmClient, ClientOptions};
use crate::config::value::Value;
use crate::model::ApiVersions;

/// The environment variable that turns on the client's debug record of its exchanges.
pub const TRAFFIC_DIR_VAR: &str = "AKSFORM_TRAFFIC_DIR";

/// A command run's connection to Azure.
#[derive(Debug)]
pub struct Connection {
    /// The client.
    pub client: ArmClient,
    /// Where it sends requests.
    pub endpoint: Endpoint,
    /// Which credential it authenticates with.
    pub credential: CredentialKind,
    /// The subscription, if one was given.
    pub subscription: Option<String>,
}

/// The provider block's arguments that concern the connection, with azurerm's names.
pub fn provider_settings(block: &BTreeMap<String, Value>) -> ProviderSettings {
    let text = |k: &str| block.get(k).and_then(Value::as_str).map(str::to_string);
    let flag = |k: &str| block.get(k).and_then(Value::as_bool);
    ProviderSettings {
        subscription_id: text("subscription_id"),
        tenant_id: text("tenant_id"),
        client_id: text("client_id"),
        client_secret: text("client_secret").map(Secret::new),
        environment: text("environment"),
        use_oidc: flag("use_oidc"),
        use_msi: flag("use_msi"),
        use_cli: flag("use_cli"),
        oidc_token: text("oidc_token").map(Secret::new),
        oidc_token_file_path: text("oidc_token_file_path"),
        msi_endpoint: text("msi_endpoint"),
    }
}

/// The provider block's `api_versions = { family = "YYYY-MM-DD" }`.
pub fn api_versions(block: &BTreeMap<String, Value>) -> BTreeMap<String, String> {
    block
        .get("api_versions")
        .and_then(Value::as_map)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// `client`, recording its exchanges when `AKSFORM_TRAFFIC_DIR` is set.
///
/// # Errors
///
/// When the directory cannot be created.
pub fn record_traffic(client: ArmClient, env: Env) -> anyhow::Result<ArmClient> {
    let Some(dir) = env(TRAFFIC_DIR_VAR).filter(|d| !d.trim().is_empty()) else {
        return Ok(client);
    };
    let recorder = TrafficRecorder::new(Path::new(&dir))
        .with_context(|| format!("{TRAFFIC_DIR_VAR}={dir}: cannot create the directory"))?;
    Ok(client.with_traffic(recorder))
}

/// Connects: chooses and builds the credential, resolves the endpoint and api-versions.
/// Nothing is sent yet; the first request fetches the token.
///
/// # Errors
///
/// Incomplete or contradictory credential settings, a bad endpoint or api-version, or a traffic
/// directory that cannot be created. Messages never hold a secret.
pub fn connect(
    block: &BTreeMap<String, Value>,
    env: Env,
    options: ClientOptions,
) -> anyhow::Result<Connection> {
    let settings = provider_settings(block);
    let endpoint = Endpoint::from_env(env, settings.environment.as_deref())?;
    let choice = auth::choose(env, &settings)?;
    let credential = auth::build(&choice, &endpoint)?;
    let api = ApiVersions::default().with_overrides(&api_versions(block), env)?;
    let mut client = ArmClient::new(
        endpoint.base.clone(),
        endpoint.scope.clone(),
        credential,
        api,
        options,
    );
    client = record_traffic(client, env)?;
    Ok(Connection {
        client,
        endpoint,
        credential: choice.kind(),
        subscription: auth::subscription(env, &settings),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_string())
        }
    }

    #[test]
    fn the_provider_block_names_are_azurerms() {
        let mut block = BTreeMap::new();
        block.insert("subscription_id".into(), Value::String("sub".into()));
        block.insert("use_oidc".into(), Value::Bool(true));
        block.insert("client_secret".into(), Value::String("s3cret".into()));
        let s = provider_settings(&block);
        assert_eq!(s.subscription_id.as_deref(), Some("sub"));
        assert_eq!(s.use_oidc, Some(true));
        assert!(!format!("{s:?}").contains("s3cret"));
    }

    #[test]
    fn an_access_token_and_a_loopback_endpoint_connect() {
        let env = env_of(&[
            ("ARM_ACCESS_TOKEN", "tok"),
            ("ARM_ENDPOINT", "http://127.0.0.1:1"),
            ("ARM_SUBSCRIPTION_ID", "sub-env"),
            ("AKSFORM_API_VERSION_NETWORK", "2025-01-01"),
        ]);
        let mut block = BTreeMap::new();
        block.insert(
            "api_versions".into(),
            Value::Map([("resources".to_string(), Value::String("2024-11-01".into()))].into()),
        );
        let c = connect(&block, &env, ClientOptions::default()).unwrap();
        assert_eq!(c.credential, CredentialKind::AccessToken);
        assert_eq!(c.subscription.as_deref(), Some("sub-env"));
        assert_eq!(c.endpoint.base.as_str(), "http://127.0.0.1:1/");
    }

    #[test]
    fn plain_http_elsewhere_is_refused() {
        let env = env_of(&[
            ("ARM_ACCESS_TOKEN", "tok"),
            ("ARM_ENDPOINT", "http://example.com"),
        ]);
        let e = connect(&BTreeMap::new(), &env, ClientOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("http"), "{e}");
        assert!(!e.contains("tok\""), "{e}");
    }
}
