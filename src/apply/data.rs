//! Data sources read at plan time: `azurerm_client_config` from the credential's token claims,
//! `azurerm_resource_group` with one GET, `azurerm_kubernetes_service_versions` from the AKS
//! versions API, `azurerm_subscription` from what the run knows (there is no pinned subscriptions
//! API: its descriptive fields stay unknown).

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::addr::Mode;
use crate::arm::ArmClient;
use crate::config::eval::{Evaluated, ResourceInstance};
use crate::config::value::Value;
use crate::diag::Diagnostic;
use crate::model::{ApiFamily, ResourceId};
use crate::plan::rules::Version;

/// What the run knows about itself, for `azurerm_client_config`.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    /// The subscription.
    pub subscription_id: String,
    /// `ARM_TENANT_ID` or the provider block's, when set.
    pub tenant_id: Option<String>,
    /// `ARM_CLIENT_ID` or the provider block's, when set.
    pub client_id: Option<String>,
}

/// The values read, by instance address, and the problems met.
#[derive(Debug, Default)]
pub struct DataReads {
    /// Attributes of each data source instance read.
    pub values: BTreeMap<String, BTreeMap<String, Value>>,
    /// Reads that failed, as diagnostics at the data block.
    pub problems: Vec<Diagnostic>,
}

/// Reads every data source instance whose arguments are known and that is not in `done`.
pub async fn read_data(
    client: &ArmClient,
    evaluated: &Evaluated,
    who: &Identity,
    done: &BTreeMap<String, BTreeMap<String, Value>>,
) -> DataReads {
    let mut out = DataReads::default();
    let mut claims: Option<Json> = None;
    for r in evaluated
        .resources
        .iter()
        .filter(|r| r.addr.resource.mode == Mode::Data)
    {
        let address = r.addr.to_string();
        if done.contains_key(&address) {
            continue;
        }
        let read = match r.schema.type_name {
            "azurerm_client_config" => {
                if claims.is_none() {
                    claims = Some(client.token_claims().await.unwrap_or(Json::Null));
                }
                Ok(client_config(claims.as_ref().unwrap_or(&Json::Null), who))
            }
            "azurerm_subscription" => Ok(subscription(r, who)),
            "azurerm_resource_group" => resource_group(client, r, who).await,
            "azurerm_kubernetes_service_versions" => versions(client, r, who).await,
            _ => continue,
        };
        match read {
            Ok(Some(values)) => {
                out.values.insert(address, values);
            }
            Ok(None) => {}
            Err(message) => out.problems.push(
                Diagnostic::error(format!("reading {address}: {message}")).at(r.span.clone()),
            ),
        }
    }
    out
}

fn text(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

fn client_config(claims: &Json, who: &Identity) -> Option<BTreeMap<String, Value>> {
    let claim = |k: &str| claims.get(k).and_then(Json::as_str).map(str::to_string);
    let tenant = claim("tid").or_else(|| who.tenant_id.clone());
    let client = claim("appid")
        .or_else(|| claim("azp"))
        .or_else(|| who.client_id.clone());
    let object = claim("oid");
    let known = |v: Option<String>| v.map_or(Value::Unknown, text);
    Some(BTreeMap::from([
        (
            "id".to_string(),
            text(format!(
                "clientConfigs/clientId={};objectId={};subscriptionId={};tenantId={}",
                client.as_deref().unwrap_or(""),
                object.as_deref().unwrap_or(""),
                who.subscription_id,
                tenant.as_deref().unwrap_or("")
            )),
        ),
        ("client_id".to_string(), known(client)),
        ("tenant_id".to_string(), known(tenant)),
        ("object_id".to_string(), known(object)),
        (
            "subscription_id".to_string(),
            text(who.subscription_id.clone()),
        ),
    ]))
}

fn subscription(r: &ResourceInstance, who: &Identity) -> Option<BTreeMap<String, Value>> {
    let sub = r
        .str("subscription_id")
        .map_or_else(|| who.subscription_id.clone(), str::to_string);
    // The subscription resource itself (display name, state, policies) is not read yet: those
    // attributes are null, not "known after apply", so that a plan that uses them settles.
    let mut values = BTreeMap::from([
        ("id".to_string(), text(format!("/subscriptions/{sub}"))),
        ("subscription_id".to_string(), text(sub)),
        (
            "tenant_id".to_string(),
            who.tenant_id.clone().map_or(Value::Null, text),
        ),
        ("tags".to_string(), Value::map::<String>([])),
    ]);
    for unread in [
        "display_name",
        "state",
        "location_placement_id",
        "quota_id",
        "spending_limit",
    ] {
        values.insert(unread.to_string(), Value::Null);
    }
    Some(values)
}

async fn resource_group(
    client: &ArmClient,
    r: &ResourceInstance,
    who: &Identity,
) -> Result<Option<BTreeMap<String, Value>>, String> {
    let Some(name) = r.str("name") else {
        return Ok(None);
    };
    let id = ResourceId::resource_group(&who.subscription_id, name);
    match client.get(&id).await.map_err(|e| e.to_string())? {
        None => Err(format!(
            "the resource group {name:?} does not exist in subscription {}",
            who.subscription_id
        )),
        Some(live) => {
            let b = &live.body;
            let s = |p: &str| {
                b.pointer(p)
                    .and_then(Json::as_str)
                    .map_or(Value::Null, text)
            };
            Ok(Some(BTreeMap::from([
                ("id".to_string(), text(id.to_string())),
                ("location".to_string(), s("/location")),
                ("managed_by".to_string(), s("/managedBy")),
                (
                    "tags".to_string(),
                    b.get("tags")
                        .cloned()
                        .map_or_else(|| Value::map::<String>([]), Value::from),
                ),
            ])))
        }
    }
}

async fn versions(
    client: &ArmClient,
    r: &ResourceInstance,
    who: &Identity,
) -> Result<Option<BTreeMap<String, Value>>, String> {
    let Some(location) = r.str("location") else {
        return Ok(None);
    };
    let prefix = r.str("version_prefix").unwrap_or("");
    let preview = r.bool("include_preview").unwrap_or(true);
    let path = format!(
        "/subscriptions/{}/providers/Microsoft.ContainerService/locations/{location}/kubernetesVersions",
        who.subscription_id
    );
    let body = client
        .get_path(&path, ApiFamily::ContainerService)
        .await
        .map_err(|e| e.to_string())?;
    let mut all: Vec<(Version, String, bool)> = Vec::new();
    for minor in body
        .get("values")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let is_preview = minor
            .get("isPreview")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let is_default = minor
            .get("isDefault")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        for patch in minor
            .get("patchVersions")
            .and_then(Json::as_object)
            .into_iter()
            .flat_map(|m| m.keys())
        {
            if (preview || !is_preview)
                && patch.starts_with(prefix)
                && let Some(v) = Version::parse(patch)
            {
                all.push((v, patch.clone(), is_default));
            }
        }
    }
    all.sort();
    let latest = all
        .last()
        .map(|(_, s, _)| text(s.clone()))
        .unwrap_or(Value::Null);
    let default = all
        .iter()
        .rev()
        .find(|(_, _, d)| *d)
        .map_or(Value::Null, |(_, s, _)| text(s.clone()));
    Ok(Some(BTreeMap::from([
        ("id".to_string(), text(path)),
        (
            "versions".to_string(),
            Value::List(all.into_iter().map(|(_, s, _)| text(s)).collect()),
        ),
        ("latest_version".to_string(), latest),
        ("default_version".to_string(), default),
    ])))
}
