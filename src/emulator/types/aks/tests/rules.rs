//! Cross-field cluster rules: network policy, Defender and Container Insights workspaces, local
//! accounts, workload identity, the OIDC issuer, identities and SKUs.

use axum::http::StatusCode;
use serde_json::json;

use super::*;

#[test]
fn network_rules() {
    let mut env = Env::new();
    let b = with(body(None), |b| {
        b["properties"]["networkProfile"] =
            json!({"networkPlugin": "kubenet", "networkPolicy": "azure"});
    });
    let e = err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "requires network plugin 'azure'",
    );
    assert_eq!(e.target.as_deref(), Some("networkProfile.networkPolicy"));
    assert!(e.unwrapped);
    let b = with(body(None), |b| {
        b["properties"]["networkProfile"] =
            json!({"serviceCidr": "10.0.0.0/16", "dnsServiceIP": "10.1.0.10"});
    });
    let e = err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "within serviceCidr",
    );
    assert_eq!(e.target.as_deref(), Some("networkProfile.dnsServiceIP"));
    let c = env.cluster(
        "k1",
        with(body(None), |b| {
            b["properties"]["networkProfile"] = json!({"networkPlugin": "azure", "networkPolicy": "azure", "podCidr": "192.168.0.0/16"});
        }),
    );
    let np = &c["properties"]["networkProfile"];
    assert_eq!(
        np["networkPluginMode"], "overlay",
        "a pod CIDR with Azure CNI means overlay"
    );
    assert_eq!(np["podCidrs"], json!(["192.168.0.0/16"]));
}

#[test]
fn defender_and_container_insights_need_existing_workspaces() {
    let mut env = Env::new();
    let defender = |id: Option<&str>| {
        with(body(None), |b| {
            let mut d = json!({"securityMonitoring": {"enabled": true}});
            if let Some(id) = id {
                d["logAnalyticsWorkspaceResourceId"] = json!(id);
            }
            b["properties"]["securityProfile"] = json!({"defender": d});
        })
    };
    let e = err(
        env.put(&mc("k1"), defender(None)),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "Microsoft Defender needs a Log Analytics workspace",
    );
    assert_eq!(
        e.target.as_deref(),
        Some("securityProfile.defender.logAnalyticsWorkspaceResourceId")
    );
    let missing = format!("{RG}/providers/Microsoft.OperationalInsights/workspaces/none");
    let e = err(
        env.put(&mc("k1"), defender(Some(&missing))),
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        "was not found",
    );
    assert!(e.message.contains(&missing));
    let oms = |id: &str| {
        with(body(None), |b| {
            b["properties"]["addonProfiles"] = json!({"omsAgent": {"enabled": true, "config": {"logAnalyticsWorkspaceResourceID": id}}});
        })
    };
    let e = err(
        env.put(&mc("k1"), oms(&missing)),
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        "none",
    );
    assert_eq!(
        e.target.as_deref(),
        Some("addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID")
    );
    let ws = env.workspace();
    env.cluster("k1", defender(Some(&ws.to_uppercase())));
    env.cluster(
        "k2",
        with(oms(&ws), |b| b["properties"]["dnsPrefix"] = json!("k2")),
    );
    // A disabled addon needs nothing.
    let off = with(body(None), |b| {
        b["properties"]["addonProfiles"] = json!({"omsagent": {"enabled": false}})
    });
    env.cluster(
        "k3",
        with(off, |b| b["properties"]["dnsPrefix"] = json!("k3")),
    );
}

#[test]
fn identity_rules() {
    let mut env = Env::new();
    let b = with(body(None), |b| {
        b["properties"]["disableLocalAccounts"] = json!(true)
    });
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "BadRequest",
        "Local accounts can only be disabled on AAD-enabled clusters",
    );
    let b = with(body(None), |b| {
        b["properties"]["securityProfile"] = json!({"workloadIdentity": {"enabled": true}})
    });
    let e = err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "requires the OIDC issuer",
    );
    assert_eq!(
        e.target.as_deref(),
        Some("securityProfile.workloadIdentity")
    );
    let b = with(body(None), |b| b["identity"] = json!({"type": "Magic"}));
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "'Magic'",
    );
    let b = with(body(None), |b| {
        b["identity"] = json!({"type": "UserAssigned"})
    });
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "userAssignedIdentities",
    );
    let b = with(body(None), |b| b["sku"] = json!({"tier": "Gold"}));
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "'Gold'",
    );
    let b = with(body(None), |b| {
        b["properties"]["supportPlan"] = json!("AKSLongTermSupport")
    });
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "Premium",
    );
    let uai = format!("{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1");
    let c = env.cluster(
        "k1",
        with(body(None), |b| {
            b["identity"] =
                json!({"type": "UserAssigned", "userAssignedIdentities": {uai.clone(): {}}});
            b["properties"]["aadProfile"] = json!({"managed": true, "enableAzureRBAC": true});
            b["properties"]["disableLocalAccounts"] = json!(true);
            b["properties"]["oidcIssuerProfile"] = json!({"enabled": true});
            b["sku"] = json!({"name": "Base", "tier": "Standard"});
        }),
    );
    let entry = &c["identity"]["userAssignedIdentities"][uai.as_str()];
    assert!(entry["principalId"].is_string() && entry["clientId"].is_string());
    assert_eq!(
        c["properties"]["servicePrincipalProfile"]["clientId"],
        "msi"
    );
    assert_eq!(c["sku"]["tier"], "Standard");
    // The OIDC issuer stays on once enabled.
    let b = with(c, |b| {
        b["properties"]["oidcIssuerProfile"]["enabled"] = json!(false)
    });
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "OperationNotAllowed",
        "OIDC issuer cannot be disabled",
    );
}
