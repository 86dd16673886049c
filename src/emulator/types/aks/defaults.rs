//! What AKS fills in on a cluster: server-set fields (FQDNs, identities, resource UID, versions),
//! defaults for omitted settings (network profile, upgrade channels, RBAC, support plan, SKU), and
//! how a PUT body is merged over the stored cluster (omitted top-level settings stay as they were).

use serde_json::{Map, Value, json};

use super::network;
use super::rules::{invalid, key_ci, lookup};
use super::upgrade::Versioning;
use crate::emulator::error::ArmResult;
use crate::emulator::http::Ctx;

/// Server-set properties: a client's copy is checked by `read_only()` and never stored.
pub const SERVER_SET: &[&str] = &[
    "provisioningState",
    "powerState",
    "maxAgentPools",
    "currentKubernetesVersion",
    "fqdn",
    "privateFQDN",
    "azurePortalFQDN",
    "resourceUID",
    "agentPoolProfiles",
];

/// Properties for which an empty string means "not set" (azurerm sends them so).
const EMPTY_IS_UNSET: &[&str] = &[
    "kubernetesVersion",
    "nodeResourceGroup",
    "dnsPrefix",
    "fqdnSubdomain",
];

/// Addons that get a managed identity of their own when enabled, with the identity's name prefix.
const ADDON_IDENTITIES: &[(&str, &str)] = &[
    ("omsagent", "omsagent"),
    ("azurepolicy", "azurepolicy"),
    (
        "azureKeyvaultSecretsProvider",
        "azurekeyvaultsecretsprovider",
    ),
];

/// Names a cluster's generated values derive from.
pub struct Names<'a> {
    /// Subscription.
    pub sub: &'a str,
    /// Resource group as written.
    pub rg: &'a str,
    /// Cluster name.
    pub name: &'a str,
    /// Normalized region.
    pub location: &'a str,
}

impl Names<'_> {
    fn identity_id(&self, node_rg: &str, name: &str) -> String {
        format!(
            "/subscriptions/{}/resourcegroups/{node_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}",
            self.sub
        )
    }
}

fn guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn hex(rng: &mut fastrand::Rng, n: usize) -> String {
    (0..n).map(|_| rng.digit(16)).collect()
}

/// The stored properties of a cluster with the request's properties merged in (see [`merge`]).
pub fn merge_cluster(
    existing: Option<&Map<String, Value>>,
    sent: &Map<String, Value>,
) -> Map<String, Value> {
    merge(existing, sent, SERVER_SET, Some(EMPTY_IS_UNSET))
}

/// Properties whose value is a map of the user's keys (pool tags, node labels): a PUT replaces them.
const WHOLE_MAPS: &[&str] = &["tags", "nodeLabels"];

/// Stored properties with a request's merged in: a sent top-level object is merged one level
/// deep (its keys replace, `null` removes), except the [`WHOLE_MAPS`], and anything else replaces. Keys in `skip` (server-set),
/// `null`s and empty strings (of the `empty_unset` keys, or of any key when `None`) are skipped,
/// so that what a client leaves out stays as it was.
pub fn merge(
    existing: Option<&Map<String, Value>>,
    sent: &Map<String, Value>,
    skip: &[&str],
    empty_unset: Option<&[&str]>,
) -> Map<String, Value> {
    let mut out = existing.cloned().unwrap_or_default();
    for (k, v) in sent {
        let empty = v.as_str().is_some_and(str::is_empty)
            && empty_unset.is_none_or(|keys| keys.contains(&k.as_str()));
        if skip.contains(&k.as_str()) || v.is_null() || empty {
            continue;
        }
        match (out.get_mut(k), v) {
            // Maps of the user's own keys are replaced whole: a key left out is removed.
            (Some(Value::Object(old)), Value::Object(new)) if !WHOLE_MAPS.contains(&k.as_str()) => {
                for (nk, nv) in new {
                    if nv.is_null() {
                        old.remove(nk);
                    } else {
                        old.insert(nk.clone(), nv.clone());
                    }
                }
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// The cluster's `identity`: as sent (or as stored when not sent; SystemAssigned by default) with
/// principal and tenant ids filled.
///
/// # Errors
///
/// 400 `InvalidParameter` for an unknown type or a UserAssigned identity without identities.
pub fn identity(sent: Option<&Value>, existing: Option<&Value>, tenant: &str) -> ArmResult<Value> {
    let sent = sent.filter(|v| !v.is_null());
    let Some(sent) = sent.or(existing) else {
        return Ok(json!({ "type": "SystemAssigned", "principalId": guid(), "tenantId": tenant }));
    };
    let kind = sent
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("SystemAssigned");
    let old_type = existing.and_then(|e| e.get("type")).and_then(Value::as_str);
    let same_type = old_type.is_some_and(|t| t.eq_ignore_ascii_case(kind));
    let kept = |field: &str| {
        existing
            .filter(|_| same_type)
            .and_then(|e| e.get(field))
            .cloned()
            .unwrap_or_else(|| json!(guid()))
    };
    if kind.eq_ignore_ascii_case("SystemAssigned") {
        Ok(
            json!({ "type": "SystemAssigned", "principalId": kept("principalId"), "tenantId": tenant }),
        )
    } else if kind.eq_ignore_ascii_case("UserAssigned") {
        let ids = sent
            .get("userAssignedIdentities")
            .and_then(Value::as_object)
            .filter(|m| !m.is_empty())
            .ok_or_else(|| {
                invalid(
                    "identity.userAssignedIdentities",
                    "A UserAssigned identity needs at least one entry in userAssignedIdentities.",
                )
            })?;
        let mut out = Map::new();
        for id in ids.keys() {
            let old = existing
                .and_then(|e| e.get("userAssignedIdentities"))
                .and_then(Value::as_object)
                .and_then(|m| key_ci(m, id))
                .map(|(_, v)| v.clone());
            let field = |f: &str| {
                old.as_ref()
                    .and_then(|o| o.get(f))
                    .cloned()
                    .unwrap_or_else(|| json!(guid()))
            };
            out.insert(
                id.clone(),
                json!({ "principalId": field("principalId"), "clientId": field("clientId") }),
            );
        }
        Ok(json!({ "type": "UserAssigned", "userAssignedIdentities": out }))
    } else if kind.eq_ignore_ascii_case("None") {
        Ok(json!({ "type": "None" }))
    } else {
        Err(invalid(
            "identity.type",
            format!(
                "The identity type '{kind}' is invalid; use SystemAssigned, UserAssigned or None."
            ),
        ))
    }
}

/// The properties of a cluster as stored: `merged` with server-set fields and defaults filled.
pub fn fill(
    ctx: &mut Ctx<'_>,
    n: &Names<'_>,
    merged: Map<String, Value>,
    existing: Option<&Map<String, Value>>,
    version: &Versioning,
    identity_type: &str,
) -> Map<String, Value> {
    let old = |k: &str| existing.and_then(|e| e.get(k)).cloned();
    let uid = old("resourceUID")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| hex(ctx.rng, 24));
    let short = uid.get(..8).unwrap_or("00000000").to_string();
    let mut out = Map::new();
    out.insert(
        "provisioningState".into(),
        old("provisioningState").unwrap_or_else(|| json!("Succeeded")),
    );
    out.insert(
        "powerState".into(),
        old("powerState").unwrap_or_else(|| json!({ "code": "Running" })),
    );
    out.insert("maxAgentPools".into(), json!(100));
    out.insert("kubernetesVersion".into(), json!(version.requested));
    out.insert(
        "currentKubernetesVersion".into(),
        json!(version.current.to_string()),
    );
    for k in ["dnsPrefix", "fqdnSubdomain"] {
        if let Some(v) = merged.get(k) {
            out.insert(k.into(), v.clone());
        }
    }
    let text = |k: &str| merged.get(k).and_then(Value::as_str).map(str::to_string);
    let prefix = text("dnsPrefix")
        .or_else(|| text("fqdnSubdomain"))
        .unwrap_or_else(|| n.name.to_string());
    let flag = |p: &str| lookup(&merged, p).and_then(Value::as_bool).unwrap_or(false);
    let private = flag("/apiServerAccessProfile/enablePrivateCluster");
    if !private || flag("/apiServerAccessProfile/enablePrivateClusterPublicFQDN") {
        out.insert(
            "fqdn".into(),
            json!(format!("{prefix}-{short}.hcp.{}.azmk8s.io", n.location)),
        );
    }
    out.insert(
        "azurePortalFQDN".into(),
        json!(format!(
            "{prefix}-{short}.portal.hcp.{}.azmk8s.io",
            n.location
        )),
    );
    if private {
        let private_fqdn = old("privateFQDN").unwrap_or_else(|| {
            json!(format!(
                "{prefix}-{short}.{}.privatelink.{}.azmk8s.io",
                guid(),
                n.location
            ))
        });
        out.insert("privateFQDN".into(), private_fqdn);
    }
    out.insert("agentPoolProfiles".into(), json!([]));
    for (k, v) in &merged {
        if !out.contains_key(k) && !SERVER_SET.contains(&k.as_str()) {
            out.insert(k.clone(), v.clone());
        }
    }
    if identity_type != "None" {
        out.entry("servicePrincipalProfile")
            .or_insert_with(|| json!({ "clientId": "msi" }));
    }
    let node_rg = text("nodeResourceGroup")
        .unwrap_or_else(|| format!("MC_{}_{}_{}", n.rg, n.name, n.location));
    out.insert("nodeResourceGroup".into(), json!(node_rg));
    addons(n, &mut out, existing, &node_rg);
    out.entry("enableRBAC").or_insert(json!(true));
    out.entry("supportPlan")
        .or_insert(json!("KubernetesOfficial"));
    out.entry("disableLocalAccounts").or_insert(json!(false));
    let network = network::profile(n.sub, out.get("networkProfile"), &node_rg);
    out.insert("networkProfile".into(), network);
    let mut upgrade = json!({ "upgradeChannel": "none", "nodeOSUpgradeChannel": "NodeImage" });
    if let Some(m) = out.get("autoUpgradeProfile").and_then(Value::as_object) {
        for (k, v) in m {
            upgrade[k] = v.clone();
        }
    }
    out.insert("autoUpgradeProfile".into(), upgrade);
    if let Some(aad) = out.get_mut("aadProfile").and_then(Value::as_object_mut)
        && aad.get("managed").and_then(Value::as_bool) == Some(true)
    {
        let blank = aad
            .get("tenantID")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
        if blank {
            aad.insert("tenantID".into(), json!(ctx.cfg.tenant_id));
        }
        aad.entry("enableAzureRBAC").or_insert(json!(false));
    }
    if private
        && let Some(api) = out
            .get_mut("apiServerAccessProfile")
            .and_then(Value::as_object_mut)
    {
        api.entry("privateDNSZone").or_insert(json!("system"));
    }
    let oidc = flag("/oidcIssuerProfile/enabled");
    let mut issuer = json!({ "enabled": oidc });
    if oidc {
        issuer["issuerURL"] = existing
            .and_then(|e| lookup(e, "/oidcIssuerProfile/issuerURL"))
            .cloned()
            .unwrap_or_else(|| {
                json!(format!(
                    "https://{}.oic.prod-aks.azure.com/{}/{}/",
                    n.location,
                    ctx.cfg.tenant_id,
                    guid()
                ))
            });
    }
    out.insert("oidcIssuerProfile".into(), issuer);
    let kubelet = out
        .get("identityProfile")
        .and_then(|v| v.get("kubeletidentity"))
        .cloned()
        .unwrap_or_default();
    let field = |f: &str, fallback: String| kubelet.get(f).cloned().unwrap_or(json!(fallback));
    let kubelet = json!({
        "resourceId": field("resourceId", n.identity_id(&node_rg, &format!("{}-agentpool", n.name))),
        "clientId": field("clientId", guid()),
        "objectId": field("objectId", guid()),
    });
    out.insert(
        "identityProfile".into(),
        json!({ "kubeletidentity": kubelet }),
    );
    out.insert("resourceUID".into(), json!(uid));
    out
}

/// Identities for enabled addons (kept across updates), none for disabled ones.
fn addons(
    n: &Names<'_>,
    out: &mut Map<String, Value>,
    existing: Option<&Map<String, Value>>,
    node_rg: &str,
) {
    let Some(addons) = out.get_mut("addonProfiles").and_then(Value::as_object_mut) else {
        return;
    };
    for (key, profile) in addons.iter_mut() {
        let Some(p) = profile.as_object_mut() else {
            continue;
        };
        p.remove("identity");
        if p.get("enabled").and_then(Value::as_bool) != Some(true) {
            continue;
        }
        if key.eq_ignore_ascii_case("azureKeyvaultSecretsProvider") {
            let config = p.entry("config").or_insert_with(|| json!({}));
            if let Some(c) = config.as_object_mut() {
                c.entry("enableSecretRotation").or_insert(json!("false"));
                c.entry("rotationPollInterval").or_insert(json!("2m"));
            }
        }
        let Some((_, prefix)) = ADDON_IDENTITIES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
        else {
            continue;
        };
        let kept = existing
            .and_then(|e| e.get("addonProfiles"))
            .and_then(Value::as_object)
            .and_then(|m| key_ci(m, key))
            .and_then(|(_, v)| v.get("identity"))
            .cloned();
        let identity = kept.unwrap_or_else(|| {
            json!({
                "resourceId": n.identity_id(node_rg, &format!("{prefix}-{}", n.name)),
                "clientId": guid(),
                "objectId": guid(),
            })
        });
        p.insert("identity".into(), identity);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_put_merges_settings_but_replaces_the_users_maps() {
        let stored = map(json!({
            "upgradeSettings": {"maxSurge": "10%", "drainTimeoutInMinutes": 30},
            "tags": {"team": "a", "cost_center": "1"},
            "nodeLabels": {"workload": "x", "old": "y"},
            "vmSize": "Standard_D4ds_v5"
        }));
        let sent = map(json!({
            "upgradeSettings": {"maxSurge": "33%"},
            "tags": {"team": "b"},
            "nodeLabels": {"workload": "x"}
        }));
        let out = merge(Some(&stored), &sent, &[], None);
        assert_eq!(
            out["upgradeSettings"],
            json!({"maxSurge": "33%", "drainTimeoutInMinutes": 30})
        );
        assert_eq!(
            out["tags"],
            json!({"team": "b"}),
            "a tag left out is removed"
        );
        assert_eq!(out["nodeLabels"], json!({"workload": "x"}));
        assert_eq!(out["vmSize"], "Standard_D4ds_v5", "what is not sent stays");
    }
}
