//! Managed cluster lifecycle: creation with defaults, long-running states, 409 while busy, ETags,
//! PATCH, the delete cascade and lists.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::*;

#[test]
fn creation_fills_defaults_and_runs_as_an_operation() {
    let mut env = Env::new();
    let r = env.put(&mc("k1"), body(Some("1.33"))).unwrap();
    assert_eq!(r.status, StatusCode::CREATED);
    let b = r.body.clone().unwrap();
    assert_eq!(b["properties"]["provisioningState"], "Creating");
    assert_eq!(
        b["properties"]["agentPoolProfiles"][0]["provisioningState"],
        "Creating"
    );
    let status = header(&r, "Azure-AsyncOperation").unwrap();
    assert!(
        status.contains("/providers/Microsoft.ContainerService/locations/westeurope/operations/"),
        "{status}"
    );
    assert!(header(&r, "Location").is_some() && header(&r, "Retry-After") == Some("4"));
    env.advance(3_999);
    assert_eq!(env.state(&mc("k1")), "Creating");
    env.advance(1);
    let c = env.get(&mc("k1"));
    let p = &c["properties"];
    assert_eq!(c["type"], "Microsoft.ContainerService/ManagedClusters");
    assert_eq!(p["provisioningState"], "Succeeded");
    assert_eq!(p["kubernetesVersion"], "1.33");
    assert_eq!(p["currentKubernetesVersion"], "1.33.5");
    assert_eq!(p["powerState"], json!({"code": "Running"}));
    assert_eq!(p["maxAgentPools"], 100);
    let fqdn = p["fqdn"].as_str().unwrap();
    assert!(
        fqdn.starts_with("aks1-") && fqdn.ends_with(".hcp.westeurope.azmk8s.io"),
        "{fqdn}"
    );
    assert_eq!(
        fqdn.len(),
        "aks1-".len() + 8 + ".hcp.westeurope.azmk8s.io".len()
    );
    assert!(
        p["azurePortalFQDN"]
            .as_str()
            .unwrap()
            .contains(".portal.hcp.")
    );
    assert_eq!(p["nodeResourceGroup"], "MC_rg_k1_westeurope");
    assert_eq!(p["enableRBAC"], true);
    assert_eq!(p["disableLocalAccounts"], false);
    assert_eq!(p["supportPlan"], "KubernetesOfficial");
    assert_eq!(c["sku"], json!({"name": "Base", "tier": "Free"}));
    assert_eq!(c["identity"]["type"], "SystemAssigned");
    assert_eq!(c["identity"]["tenantId"], env.cfg.tenant_id.as_str());
    assert_eq!(c["identity"]["principalId"].as_str().unwrap().len(), 36);
    assert!(
        p["identityProfile"]["kubeletidentity"]["resourceId"]
            .as_str()
            .unwrap()
            .ends_with("/resourcegroups/MC_rg_k1_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/k1-agentpool")
    );
    assert_eq!(
        p["autoUpgradeProfile"],
        json!({"upgradeChannel": "none", "nodeOSUpgradeChannel": "NodeImage"})
    );
    let np = &p["networkProfile"];
    assert_eq!(np["networkPlugin"], "azure");
    assert_eq!(np["networkPluginMode"], "overlay");
    assert_eq!(np["podCidr"], "10.244.0.0/16");
    assert_eq!(np["serviceCidr"], "10.0.0.0/16");
    assert_eq!(np["dnsServiceIP"], "10.0.0.10");
    assert_eq!(np["outboundType"], "loadBalancer");
    assert_eq!(np["loadBalancerSku"], "standard");
    assert_eq!(np["networkDataplane"], "azure");
    assert_eq!(np["loadBalancerProfile"]["managedOutboundIPs"]["count"], 1);
    assert_eq!(
        np["loadBalancerProfile"]["effectiveOutboundIPs"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(p["resourceUID"].as_str().unwrap().len(), 24);
    assert_eq!(c["eTag"].as_str().unwrap().len(), 36);
    let pool = &p["agentPoolProfiles"][0];
    assert_eq!(pool["name"], "system");
    assert_eq!(pool["mode"], "System");
    assert_eq!(pool["osType"], "Linux");
    assert_eq!(pool["osSKU"], "Ubuntu");
    assert_eq!(pool["osDiskType"], "Managed");
    assert_eq!(pool["osDiskSizeGB"], 128);
    assert_eq!(pool["maxPods"], 250);
    assert_eq!(pool["type"], "VirtualMachineScaleSets");
    assert_eq!(pool["orchestratorVersion"], "1.33");
    assert_eq!(pool["currentOrchestratorVersion"], "1.33.5");
    assert_eq!(
        pool["nodeImageVersion"],
        "AKSUbuntu-2204gen2containerd-202611.10.0"
    );
    assert_eq!(pool["upgradeSettings"]["maxSurge"], "10%");
    assert_eq!(pool["powerState"]["code"], "Running");
    assert_eq!(pool["scaleSetPriority"], "Regular");
    assert_eq!(pool["enableAutoScaling"], false);
    assert_eq!(pool["provisioningState"], "Succeeded");
    assert!(pool["eTag"].is_string());
}

#[test]
fn server_set_fields_for_addons_oidc_and_other_networks() {
    let mut env = Env::new();
    let ws = env.workspace();
    let c = env.cluster(
        "k1",
        with(body(None), |b| {
            b["properties"]["oidcIssuerProfile"] = json!({"enabled": true});
            b["properties"]["securityProfile"] = json!({"workloadIdentity": {"enabled": true}});
            b["properties"]["addonProfiles"] = json!({
                "omsagent": {"enabled": true, "config": {"logAnalyticsWorkspaceResourceID": ws}},
                "azurepolicy": {"enabled": false},
                "azureKeyvaultSecretsProvider": {"enabled": true}
            });
            b["properties"]["networkProfile"] =
                json!({"networkPlugin": "kubenet", "networkMode": ""});
        }),
    );
    let p = &c["properties"];
    assert_eq!(p["kubernetesVersion"], "1.34.3", "the default version");
    let issuer = p["oidcIssuerProfile"]["issuerURL"].as_str().unwrap();
    let tenant = env.cfg.tenant_id.clone();
    assert!(issuer.starts_with(&format!(
        "https://westeurope.oic.prod-aks.azure.com/{tenant}/"
    )));
    assert!(issuer.ends_with('/'));
    let oms = &p["addonProfiles"]["omsagent"]["identity"];
    assert!(
        oms["resourceId"]
            .as_str()
            .unwrap()
            .ends_with("/userAssignedIdentities/omsagent-k1")
    );
    assert!(oms["clientId"].is_string() && oms["objectId"].is_string());
    assert!(p["addonProfiles"]["azurepolicy"].get("identity").is_none());
    assert!(p["addonProfiles"]["azureKeyvaultSecretsProvider"]["identity"].is_object());
    assert_eq!(p["networkProfile"]["networkPlugin"], "kubenet");
    assert!(p["networkProfile"].get("networkPluginMode").is_none());
    assert!(
        p["networkProfile"].get("networkMode").is_none(),
        "empty strings are unset"
    );
    assert_eq!(p["agentPoolProfiles"][0]["maxPods"], 110);
    // Identities survive an update.
    let again = with(c.clone(), |b| b["tags"] = json!({"env": "test"}));
    env.put(&mc("k1"), again).unwrap();
    env.settle();
    let after = env.get(&mc("k1"));
    assert_eq!(
        after["properties"]["oidcIssuerProfile"]["issuerURL"],
        issuer
    );
    assert_eq!(
        after["properties"]["addonProfiles"]["omsagent"]["identity"],
        *oms
    );
    assert_eq!(after["identity"], c["identity"]);
    assert_eq!(after["properties"]["fqdn"], c["properties"]["fqdn"]);
    // Flat Azure CNI gets 30 pods per node.
    let flat = env.cluster(
        "k2",
        with(body(None), |b| {
            b["properties"]["networkProfile"] = json!({"networkPlugin": "azure"})
        }),
    );
    assert_eq!(flat["properties"]["agentPoolProfiles"][0]["maxPods"], 30);
    assert!(
        flat["properties"]["networkProfile"]
            .get("podCidr")
            .is_none()
    );
}

#[test]
fn failed_operations_leave_the_cluster_failed() {
    let mut env = Env::new();
    env.cfg.faults.fail_operation_rate = 1.0;
    env.put(&mc("k1"), body(None)).unwrap();
    env.settle();
    assert_eq!(env.state(&mc("k1")), "Failed");
    assert_eq!(env.state(&ap("k1", "system")), "Failed");
}

#[test]
fn busy_clusters_refuse_writes_with_409() {
    let mut env = Env::new();
    env.put(&mc("k1"), body(None)).unwrap();
    let msg = "Operation is not allowed: Another operation (Creating) is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation";
    let e = err(
        env.put(&mc("k1"), body(None)),
        StatusCode::CONFLICT,
        "OperationNotAllowed",
        msg,
    );
    assert!(e.unwrapped);
    err(
        env.put(&ap("k1", "user1"), pool(json!({}))),
        StatusCode::CONFLICT,
        "OperationNotAllowed",
        "(Creating)",
    );
    err(
        env.delete(&ap("k1", "system")),
        StatusCode::CONFLICT,
        "OperationNotAllowed",
        "in progress",
    );
    err(
        env.call(Method::PATCH, &mc("k1"), Some(json!({"tags": {}})), &[]),
        StatusCode::CONFLICT,
        "OperationNotAllowed",
        "in progress",
    );
    env.settle();
    // A pool operation makes the whole cluster busy.
    env.put(&ap("k1", "user1"), pool(json!({}))).unwrap();
    let c = env.get(&mc("k1"));
    err(
        env.put(&mc("k1"), c),
        StatusCode::CONFLICT,
        "OperationNotAllowed",
        "(Creating)",
    );
    env.settle();
    let c = env.get(&mc("k1"));
    assert_eq!(env.put(&mc("k1"), c).unwrap().status, StatusCode::OK);
}

#[test]
fn etags_guard_writes() {
    let mut env = Env::new();
    let c = env.cluster("k1", body(None));
    let etag = c["eTag"].as_str().unwrap().to_string();
    let pool_etag = c["properties"]["agentPoolProfiles"][0]["eTag"]
        .as_str()
        .unwrap()
        .to_string();
    let put =
        |env: &mut Env, h: &[(&str, &str)]| env.call(Method::PUT, &mc("k1"), Some(c.clone()), h);
    err(
        put(&mut env, &[("If-None-Match", "*")]),
        StatusCode::PRECONDITION_FAILED,
        "PreconditionFailed",
        "already exists",
    );
    err(
        put(&mut env, &[("If-Match", "stale")]),
        StatusCode::PRECONDITION_FAILED,
        "PreconditionFailed",
        "stale",
    );
    assert_eq!(
        put(&mut env, &[("If-Match", &etag)]).unwrap().status,
        StatusCode::OK
    );
    env.settle();
    let after = env.get(&mc("k1"));
    assert_ne!(
        after["eTag"],
        etag.as_str(),
        "a cluster operation changes the cluster's ETag"
    );
    assert_ne!(
        after["properties"]["agentPoolProfiles"][0]["eTag"],
        pool_etag.as_str(),
        "and its pools'"
    );
    // The old ETag is stale now, for every write.
    let stale = [("If-Match", etag.as_str())];
    err(
        put(&mut env, &stale),
        StatusCode::PRECONDITION_FAILED,
        "PreconditionFailed",
        "",
    );
    err(
        env.call(
            Method::PATCH,
            &mc("k1"),
            Some(json!({"tags": {"a": "b"}})),
            &stale,
        ),
        StatusCode::PRECONDITION_FAILED,
        "PreconditionFailed",
        "",
    );
    err(
        env.call(Method::DELETE, &mc("k1"), None, &stale),
        StatusCode::PRECONDITION_FAILED,
        "PreconditionFailed",
        "",
    );
    err(
        env.call(
            Method::PUT,
            &mc("k2"),
            Some(body(None)),
            &[("If-Match", "*")],
        ),
        StatusCode::PRECONDITION_FAILED,
        "PreconditionFailed",
        "does not exist",
    );
    let created = env
        .call(
            Method::PUT,
            &mc("k2"),
            Some(body(None)),
            &[("If-None-Match", "*")],
        )
        .unwrap();
    assert_eq!(created.status, StatusCode::CREATED);
}

#[test]
fn patch_changes_tags_only() {
    let mut env = Env::new();
    let c = env.cluster("k1", body(None));
    let r = env
        .call(
            Method::PATCH,
            &mc("k1"),
            Some(json!({"tags": {"team": "a"}, "properties": {"dnsPrefix": "x"}})),
            &[],
        )
        .unwrap();
    assert_eq!(r.status, StatusCode::OK);
    let b = r.body.unwrap();
    assert_eq!(b["tags"], json!({"team": "a"}));
    assert_eq!(b["properties"]["dnsPrefix"], "aks1");
    assert_ne!(b["eTag"], c["eTag"]);
    assert_ne!(
        b["properties"]["agentPoolProfiles"][0]["eTag"],
        c["properties"]["agentPoolProfiles"][0]["eTag"]
    );
    err(
        env.call(Method::PATCH, &mc("nope"), Some(json!({"tags": {}})), &[]),
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        "nope",
    );
}

#[test]
fn delete_cascades_and_lists_page() {
    let mut env = Env::new();
    env.cluster("k1", body(None));
    env.cluster(
        "k2",
        with(body(None), |b| b["properties"]["dnsPrefix"] = json!("aks2")),
    );
    env.put(&ap("k1", "user1"), pool(json!({}))).unwrap();
    env.settle();
    let mw = json!({"properties": {"maintenanceWindow": {"schedule": {"weekly": {"intervalWeeks": 1, "dayOfWeek": "Sunday"}}, "durationHours": 4, "startTime": "00:00"}}});
    env.put(
        &format!(
            "{}/maintenanceConfigurations/aksManagedAutoUpgradeSchedule",
            mc("k1")
        ),
        mw,
    )
    .unwrap();
    let ra = format!(
        "{}/providers/Microsoft.Authorization/roleAssignments/11111111-2222-3333-4444-555555555555",
        mc("k1")
    );
    env.put(&ra, json!({"properties": {
        "roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"),
        "principalId": "99999999-2222-3333-4444-555555555555"
    }})).unwrap();
    let list = env.get(&format!(
        "{RG}/providers/Microsoft.ContainerService/managedClusters"
    ));
    assert_eq!(list["value"].as_array().unwrap().len(), 2);
    assert_eq!(
        list["value"][0]["properties"]["agentPoolProfiles"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    env.cfg.page_size = 1;
    let sub = env.get(&format!(
        "/subscriptions/{SUB}/providers/Microsoft.ContainerService/managedClusters"
    ));
    assert_eq!(sub["value"][0]["name"], "k1");
    assert!(sub["nextLink"].as_str().unwrap().contains("$skiptoken=1"));
    let r = env.delete(&mc("k1")).unwrap();
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert!(header(&r, "Location").is_some() && header(&r, "Azure-AsyncOperation").is_some());
    assert_eq!(env.state(&mc("k1")), "Deleting");
    assert_eq!(env.state(&ap("k1", "user1")), "Deleting");
    // Deleting again while it runs points at the same operation.
    let again = env.delete(&mc("k1")).unwrap();
    assert_eq!(header(&again, "Location"), header(&r, "Location"));
    env.settle();
    err(
        env.call(Method::GET, &mc("k1"), None, &[]),
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        "k1",
    );
    assert!(
        env.store
            .resources
            .keys()
            .all(|k| !k.contains("managedclusters/k1")),
        "nothing left below it"
    );
    assert_eq!(
        env.delete(&mc("k1")).unwrap().status,
        StatusCode::NO_CONTENT
    );
    assert!(env.store.get(&mc("k2")).is_some());
}
