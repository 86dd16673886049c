//! Where a command run's requests go: Azure, through the provider block and the environment, or
//! the built-in emulator started in-process (`--emulator[=DIR]`), with a fixed token and a fixed
//! subscription. Also where the run's state index and lock live, which depends on the target.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;

use crate::apply::data::Identity;
use crate::arm::auth::{Env, ProviderSettings, process_env};
use crate::arm::{ArmClient, ClientOptions};
use crate::cli::args::TargetFlags;
use crate::cli::connect::{connect, provider_settings};
use crate::config::value::Value;
use crate::plan::Target;
use crate::state::{STATE_DIR, STATE_FILE};

/// The subscription every emulator run uses, unless the provider block names one.
pub const EMULATOR_SUBSCRIPTION: &str = "00000000-0000-4000-8000-00000000e001";

/// The object id of the principal the emulator's token names.
pub const EMULATOR_OBJECT_ID: &str = "00000000-0000-4000-8000-00000000e002";

/// The application id of the principal the emulator's token names.
pub const EMULATOR_CLIENT_ID: &str = "00000000-0000-4000-8000-00000000e003";

/// The emulator's directory for a run in `root`, when `--emulator` is given.
pub fn emulator_dir(flags: &TargetFlags, root: &Path) -> Option<PathBuf> {
    #[cfg(feature = "emulator")]
    {
        flags.emulator.as_ref().map(|dir| {
            dir.clone()
                .unwrap_or_else(|| root.join(STATE_DIR).join("emulator"))
        })
    }
    #[cfg(not(feature = "emulator"))]
    {
        let _ = (flags, root);
        None
    }
}

/// The state index of a run in `root`: `-state PATH`, else `state.json` in the emulator's
/// directory (so that rehearsals never mix with the index of real resources), else
/// `.aksform/state.json`.
pub fn state_path(given: Option<&Path>, root: &Path, emulator: Option<&Path>) -> PathBuf {
    match (given, emulator) {
        (Some(path), _) => path.to_path_buf(),
        (None, Some(dir)) => dir.join(STATE_FILE),
        (None, None) => crate::state::state_path(root),
    }
}

/// The lock of a run in `root`: `.aksform/lock` for the default indexes (one lock per root
/// module), `PATH.lock` next to an index given with `-state PATH`.
pub fn lock_path(given: Option<&Path>, root: &Path) -> PathBuf {
    match given {
        Some(path) => {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(".lock");
            path.with_file_name(name)
        }
        None => crate::state::lock_path(root),
    }
}

/// The `TF_VAR_*` variables of the process environment, for [`crate::config::pipeline::LoadOptions`].
pub fn tf_var_env() -> Vec<(String, String)> {
    std::env::vars()
        .filter(|(k, _)| k.starts_with("TF_VAR_"))
        .collect()
}

/// The subscription a configuration is evaluated with before connecting: the fixed emulator
/// subscription, or `ARM_SUBSCRIPTION_ID` (`AZURE_SUBSCRIPTION_ID`). The provider block's
/// `subscription_id` wins over both.
pub fn environment_subscription(emulator: bool) -> Option<String> {
    if emulator {
        return Some(EMULATOR_SUBSCRIPTION.to_string());
    }
    crate::arm::auth::subscription(&process_env, &ProviderSettings::default())
}

/// A connected run.
pub struct Session {
    /// The client, shared by the concurrent reads and writes.
    pub client: Arc<ArmClient>,
    /// What the plan records as its target.
    pub target: Target,
    /// Who the run is, for `azurerm_client_config`.
    pub identity: Identity,
    #[cfg(feature = "emulator")]
    emulator: Option<crate::emulator::Emulator>,
}

impl Session {
    /// Stops the in-process emulator, if any, letting it finish writing its state.
    pub async fn close(self) {
        #[cfg(feature = "emulator")]
        if let Some(emulator) = self.emulator {
            emulator.stop().await;
        }
    }
}

/// Connects a run whose configuration evaluated to `subscription` and provider `block`: to the
/// emulator in `emulator` when given, else to Azure.
///
/// # Errors
///
/// Credential or endpoint problems, a subscription that is missing or not a GUID, an emulator
/// whose directory cannot be used.
pub async fn open(
    block: &BTreeMap<String, Value>,
    subscription: Option<String>,
    emulator: Option<&Path>,
    options: ClientOptions,
) -> anyhow::Result<Session> {
    let env: Env = &process_env;
    let settings = provider_settings(block);
    let identity = |subscription_id: String| Identity {
        subscription_id,
        tenant_id: settings
            .tenant_id
            .clone()
            .or_else(|| env("ARM_TENANT_ID").filter(|s| !s.is_empty())),
        client_id: settings
            .client_id
            .clone()
            .or_else(|| env("ARM_CLIENT_ID").filter(|s| !s.is_empty())),
    };
    if let Some(dir) = emulator {
        return open_emulator(block, subscription, dir, options).await;
    }
    let conn = connect(block, env, options)?;
    let Some(subscription) = subscription.or(conn.subscription) else {
        anyhow::bail!(
            "no subscription: set ARM_SUBSCRIPTION_ID or subscription_id in the provider \"azurerm\" block (or rehearse with --emulator)"
        );
    };
    check_guid(&subscription)?;
    Ok(Session {
        client: Arc::new(conn.client),
        target: Target {
            endpoint: conn.endpoint.base.to_string(),
            subscription: subscription.clone(),
            emulator: false,
        },
        identity: identity(subscription),
        #[cfg(feature = "emulator")]
        emulator: None,
    })
}

/// A subscription id must be a GUID before anything is sent with it.
pub(crate) fn check_guid(subscription: &str) -> anyhow::Result<()> {
    if uuid::Uuid::parse_str(subscription).is_err() {
        anyhow::bail!(
            "subscription {subscription:?} is not a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000)"
        );
    }
    Ok(())
}

#[cfg(feature = "emulator")]
async fn open_emulator(
    block: &BTreeMap<String, Value>,
    subscription: Option<String>,
    dir: &Path,
    options: ClientOptions,
) -> anyhow::Result<Session> {
    use azure_core::credentials::Secret;

    use crate::arm::auth::StaticToken;
    use crate::arm::claims;
    use crate::cli::connect::{api_versions, record_traffic};
    use crate::emulator::{Emulator, EmulatorConfig};
    use crate::model::ApiVersions;

    let subscription = subscription.unwrap_or_else(|| EMULATOR_SUBSCRIPTION.to_string());
    check_guid(&subscription)?;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the emulator's directory {}", dir.display()))?;
    let cfg = EmulatorConfig {
        state_dir: Some(dir.to_path_buf()),
        ..EmulatorConfig::default()
    };
    let tenant = cfg.tenant_id.clone();
    let emulator = Emulator::start(cfg, 0).await.with_context(|| {
        format!(
            "cannot start the emulator with its state in {}",
            dir.display()
        )
    })?;
    let endpoint = crate::arm::endpoint::Endpoint::resolve_with_scope(Some(emulator.url()), None)?;
    let base = endpoint.base.clone();
    let token = claims::unsigned(&serde_json::json!({
        "tid": tenant,
        "oid": EMULATOR_OBJECT_ID,
        "appid": EMULATOR_CLIENT_ID,
    }));
    let api = ApiVersions::default().with_overrides(&api_versions(block), process_env)?;
    let client = ArmClient::new(
        base.clone(),
        endpoint.scope,
        Arc::new(StaticToken::new(Secret::new(token))),
        api,
        options,
    );
    let client = record_traffic(client, &process_env)?;
    Ok(Session {
        client: Arc::new(client),
        target: Target {
            endpoint: base.to_string(),
            subscription: subscription.clone(),
            emulator: true,
        },
        identity: Identity {
            subscription_id: subscription,
            tenant_id: Some(tenant),
            client_id: Some(EMULATOR_CLIENT_ID.to_string()),
        },
        emulator: Some(emulator),
    })
}

#[cfg(not(feature = "emulator"))]
async fn open_emulator(
    _block: &BTreeMap<String, Value>,
    _subscription: Option<String>,
    _dir: &Path,
    _options: ClientOptions,
) -> anyhow::Result<Session> {
    anyhow::bail!("this aksform was built without the emulator feature")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_and_lock_paths() {
        let root = Path::new("infra");
        assert_eq!(
            state_path(None, root, None),
            Path::new("infra/.aksform/state.json")
        );
        assert_eq!(
            state_path(None, root, Some(Path::new("infra/.aksform/emulator"))),
            Path::new("infra/.aksform/emulator/state.json")
        );
        assert_eq!(
            state_path(Some(Path::new("s/x.json")), root, Some(Path::new("e"))),
            Path::new("s/x.json")
        );
        assert_eq!(lock_path(None, root), Path::new("infra/.aksform/lock"));
        assert_eq!(
            lock_path(Some(Path::new("s/x.json")), root),
            Path::new("s/x.json.lock")
        );
    }

    #[test]
    fn the_fixed_ids_are_guids() {
        for id in [
            EMULATOR_SUBSCRIPTION,
            EMULATOR_OBJECT_ID,
            EMULATOR_CLIENT_ID,
        ] {
            assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        }
        assert!(check_guid("sub").is_err());
    }
}
