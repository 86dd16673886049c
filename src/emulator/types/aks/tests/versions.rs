//! Versions end to end: aliases, upgrades one minor at a time, pool skew, unknown and retired
//! versions, the upgrade profiles and the region's version list.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::*;

fn set_version(env: &mut Env, id: &str, field: &str, v: &str) {
    let doc = env.store.get_mut(id).unwrap();
    doc.body["properties"][field] = json!(v);
}

#[test]
fn aliases_resolve_and_stay_as_written() {
    let mut env = Env::new();
    let c = env.cluster("k1", body(Some("1.33")));
    assert_eq!(c["properties"]["currentKubernetesVersion"], "1.33.5");
    // The same alias again is not an upgrade.
    env.put(&mc("k1"), c.clone()).unwrap();
    assert_eq!(env.state(&mc("k1")), "Updating");
    env.settle();
    // Nor is the minor's alias while on an older patch of it.
    set_version(&mut env, &mc("k1"), "currentKubernetesVersion", "1.33.2");
    set_version(&mut env, &mc("k1"), "kubernetesVersion", "1.33.2");
    set_version(
        &mut env,
        &ap("k1", "system"),
        "currentOrchestratorVersion",
        "1.33.2",
    );
    let c = env.get(&mc("k1"));
    let b = with(c, |b| b["properties"]["kubernetesVersion"] = json!("1.33"));
    env.put(&mc("k1"), b).unwrap();
    env.settle();
    let c = env.get(&mc("k1"));
    assert_eq!(c["properties"]["kubernetesVersion"], "1.33");
    assert_eq!(c["properties"]["currentKubernetesVersion"], "1.33.2");
}

#[test]
fn control_plane_upgrades_one_minor_at_a_time() {
    let mut env = Env::new();
    let c = env.cluster("k1", body(Some("1.32.7")));
    let skip = with(c.clone(), |b| {
        b["properties"]["kubernetesVersion"] = json!("1.34.3")
    });
    err(
        env.put(&mc("k1"), skip),
        StatusCode::BAD_REQUEST,
        "OperationNotAllowed",
        "Upgrading Kubernetes version 1.32.7 to 1.34.3 is not allowed. Available upgrades: [1.33.0, 1.33.2, 1.33.5]",
    );
    let down = with(c.clone(), |b| {
        b["properties"]["kubernetesVersion"] = json!("1.32.4")
    });
    err(
        env.put(&mc("k1"), down),
        StatusCode::BAD_REQUEST,
        "OperationNotAllowed",
        "Downgrading Kubernetes version 1.32.7 to 1.32.4",
    );
    let up = with(c, |b| b["properties"]["kubernetesVersion"] = json!("1.33"));
    let r = env.put(&mc("k1"), up).unwrap();
    assert_eq!(r.status, StatusCode::OK);
    let during = r.body.unwrap();
    assert_eq!(during["properties"]["provisioningState"], "Upgrading");
    assert_eq!(during["properties"]["kubernetesVersion"], "1.33");
    assert_eq!(
        during["properties"]["currentKubernetesVersion"], "1.32.7",
        "until it is done"
    );
    env.advance(2_000);
    let after = env.get(&mc("k1"));
    assert_eq!(after["properties"]["provisioningState"], "Succeeded");
    assert_eq!(after["properties"]["currentKubernetesVersion"], "1.33.5");
    // The pool stayed (control plane only), within the skew window.
    let pool = &after["properties"]["agentPoolProfiles"][0];
    assert_eq!(pool["currentOrchestratorVersion"], "1.32.7");
    // Then the pool, through agentPools: Upgrading while it runs.
    let p = env.get(&ap("k1", "system"));
    let up = with(p, |b| {
        b["properties"]["orchestratorVersion"] = json!("1.33.5")
    });
    let r = env.put(&ap("k1", "system"), up).unwrap();
    assert_eq!(
        r.body.unwrap()["properties"]["provisioningState"],
        "Upgrading"
    );
    env.settle();
    assert_eq!(
        env.get(&ap("k1", "system"))["properties"]["currentOrchestratorVersion"],
        "1.33.5"
    );
}

#[test]
fn upgrading_pools_with_the_control_plane() {
    let mut env = Env::new();
    let c = env.cluster("k1", body(Some("1.32.7")));
    let up = with(c, |b| {
        b["properties"]["kubernetesVersion"] = json!("1.33.2");
        b["properties"]["agentPoolProfiles"][0]["orchestratorVersion"] = json!("1.33.2");
    });
    env.put(&mc("k1"), up).unwrap();
    assert_eq!(env.state(&mc("k1")), "Upgrading");
    assert_eq!(env.state(&ap("k1", "system")), "Upgrading");
    env.cfg.faults.fail_operation_rate = 0.0;
    env.settle();
    let p = env.get(&ap("k1", "system"));
    assert_eq!(p["properties"]["currentOrchestratorVersion"], "1.33.2");
    // A failed upgrade keeps the old version.
    env.cfg.faults.fail_operation_rate = 1.0;
    let c = env.get(&mc("k1"));
    env.put(
        &mc("k1"),
        with(c, |b| {
            b["properties"]["kubernetesVersion"] = json!("1.34.0")
        }),
    )
    .unwrap();
    env.settle();
    let c = env.get(&mc("k1"));
    assert_eq!(c["properties"]["provisioningState"], "Failed");
    assert_eq!(c["properties"]["currentKubernetesVersion"], "1.33.2");
}

#[test]
fn pool_skew_and_skipped_minors() {
    let mut env = Env::new();
    env.cluster("k1", body(Some("1.33.5")));
    let e = err(
        env.put(
            &ap("k1", "newer"),
            pool(json!({"orchestratorVersion": "1.34.0"})),
        ),
        StatusCode::BAD_REQUEST,
        "NodePoolMcVersionIncompatible",
        "Node pool version 1.34.0 and control plane version 1.33.5 are incompatible. Minor version of node pool version 34 is bigger than control plane version 33.",
    );
    assert!(e.unwrapped);
    // On create, the cluster's and every pool's versions must fit together.
    let b = with(body(Some("1.33.2")), |b| {
        b["properties"]["agentPoolProfiles"][0]["orchestratorVersion"] = json!("1.33.5")
    });
    err(
        env.put(&mc("k2"), b),
        StatusCode::BAD_REQUEST,
        "NodePoolMcVersionIncompatible",
        "Patch version of node pool version 5",
    );
    // A pool far behind (set up directly: 1.31 is no longer offered) blocks control-plane upgrades
    // that would leave it more than three minors behind.
    let c = env.cluster(
        "k3",
        with(body(Some("1.34.3")), |b| {
            b["properties"]["dnsPrefix"] = json!("k3")
        }),
    );
    set_version(
        &mut env,
        &ap("k3", "system"),
        "currentOrchestratorVersion",
        "1.31.10",
    );
    set_version(
        &mut env,
        &ap("k3", "system"),
        "orchestratorVersion",
        "1.31.10",
    );
    let mut up = with(c, |b| {
        b["properties"]["kubernetesVersion"] = json!("1.35.0")
    });
    up["properties"]["agentPoolProfiles"][0] =
        json!({"name": "system", "count": 2, "vmSize": "Standard_D4s_v5"});
    err(
        env.put(&mc("k3"), up),
        StatusCode::BAD_REQUEST,
        "NodePoolMcVersionIncompatible",
        "cannot be more than 3 versions less than control plane's version",
    );
    // The pool may catch up one minor at a time, never skipping.
    let p = env.get(&ap("k3", "system"));
    err(
        env.put(
            &ap("k3", "system"),
            with(p.clone(), |b| {
                b["properties"]["orchestratorVersion"] = json!("1.33.5")
            }),
        ),
        StatusCode::BAD_REQUEST,
        "OperationNotAllowed",
        "Upgrade agent pool system version from 1.31.10 to 1.33.5 is not allowed, you can only upgrade one minor version at a time. Available upgrades: [1.32.0, 1.32.4, 1.32.7]",
    );
    let r = env
        .put(
            &ap("k3", "system"),
            with(p, |b| {
                b["properties"]["orchestratorVersion"] = json!("1.32")
            }),
        )
        .unwrap();
    assert_eq!(r.status, StatusCode::OK);
    env.settle();
    assert_eq!(
        env.get(&ap("k3", "system"))["properties"]["currentOrchestratorVersion"],
        "1.32.7"
    );
}

#[test]
fn unknown_and_retired_versions() {
    let mut env = Env::new();
    let msg = "Version 1.20.7 is not supported in this region. Please use [az aks get-versions] command to get the supported version list in this region.";
    let e = err(
        env.put(&mc("k1"), body(Some("1.20.7"))),
        StatusCode::BAD_REQUEST,
        "K8sVersionNotSupported",
        msg,
    );
    assert!(e.unwrapped);
    err(
        env.put(&mc("k1"), body(Some("1.31.10"))),
        StatusCode::BAD_REQUEST,
        "K8sVersionNotSupported",
        "1.31.10",
    );
    err(
        env.put(&mc("k1"), body(Some("latest"))),
        StatusCode::BAD_REQUEST,
        "K8sVersionNotSupported",
        "latest",
    );
    let b = with(body(None), |b| {
        b["properties"]["agentPoolProfiles"][0]["orchestratorVersion"] = json!("1.20.7")
    });
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "AgentPoolK8sVersionNotSupported",
        msg,
    );
    env.cluster("k1", body(Some("1.32.7")));
    err(
        env.put(
            &ap("k1", "old"),
            pool(json!({"orchestratorVersion": "1.31.5"})),
        ),
        StatusCode::BAD_REQUEST,
        "AgentPoolK8sVersionNotSupported",
        "1.31.5",
    );
    // A cluster already on the retired minor can still move on to the next one.
    set_version(&mut env, &mc("k1"), "currentKubernetesVersion", "1.31.10");
    set_version(&mut env, &mc("k1"), "kubernetesVersion", "1.31.10");
    set_version(
        &mut env,
        &ap("k1", "system"),
        "currentOrchestratorVersion",
        "1.31.10",
    );
    let c = env.get(&mc("k1"));
    assert_eq!(
        env.put(&mc("k1"), c.clone()).unwrap().status,
        StatusCode::OK,
        "staying is fine"
    );
    env.settle();
    let c = env.get(&mc("k1"));
    let r = env
        .put(
            &mc("k1"),
            with(c, |b| {
                b["properties"]["kubernetesVersion"] = json!("1.32.0")
            }),
        )
        .unwrap();
    assert_eq!(r.status, StatusCode::OK);
    env.settle();
    assert_eq!(
        env.get(&mc("k1"))["properties"]["currentKubernetesVersion"],
        "1.32.0"
    );
}

#[test]
fn upgrade_profiles() {
    let mut env = Env::new();
    env.cluster("k1", body(Some("1.33.2")));
    let prof = env.get(&format!("{}/upgradeProfiles/default", mc("k1")));
    assert_eq!(
        prof["id"],
        format!("{}/upgradeProfiles/default", mc("k1")).as_str()
    );
    assert_eq!(prof["name"], "default");
    assert_eq!(
        prof["type"],
        "Microsoft.ContainerService/managedClusters/upgradeprofiles"
    );
    let cp = &prof["properties"]["controlPlaneProfile"];
    assert_eq!(cp["kubernetesVersion"], "1.33.2");
    assert_eq!(cp["osType"], "Linux");
    let ups: Vec<&str> = cp["upgrades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["kubernetesVersion"].as_str().unwrap())
        .collect();
    assert_eq!(ups, ["1.33.5", "1.34.0", "1.34.1", "1.34.3"]);
    let pool = &prof["properties"]["agentPoolProfiles"][0];
    assert_eq!(pool["name"], "system");
    assert_eq!(pool["kubernetesVersion"], "1.33.2");
    assert_eq!(pool["upgrades"].as_array().unwrap().len(), 4);
    let pp = env.get(&format!("{}/upgradeProfiles/default", ap("k1", "system")));
    assert_eq!(
        pp["type"],
        "Microsoft.ContainerService/managedClusters/agentPools/upgradeProfiles"
    );
    assert_eq!(pp["properties"]["kubernetesVersion"], "1.33.2");
    assert_eq!(
        pp["properties"]["upgrades"],
        json!([]),
        "never past the control plane"
    );
    assert_eq!(
        pp["properties"]["latestNodeImageVersion"],
        "AKSUbuntu-2204gen2containerd-202611.10.0"
    );
    env.cluster(
        "k2",
        with(body(Some("1.34.3")), |b| {
            b["properties"]["dnsPrefix"] = json!("k2")
        }),
    );
    let prof = env.get(&format!("{}/upgradeProfiles/default", mc("k2")));
    let up = &prof["properties"]["controlPlaneProfile"]["upgrades"][0];
    assert_eq!(
        *up,
        json!({"kubernetesVersion": "1.35.0", "isPreview": true})
    );
    err(
        env.call(
            Method::GET,
            &format!("{}/upgradeProfiles/default", mc("k9")),
            None,
            &[],
        ),
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        "k9",
    );
    err(
        env.call(
            Method::GET,
            &format!("{}/upgradeProfiles/other", mc("k1")),
            None,
            &[],
        ),
        StatusCode::NOT_FOUND,
        "NotFound",
        "other",
    );
}

#[test]
fn kubernetes_versions_list() {
    let mut env = Env::new();
    let path = format!(
        "/subscriptions/{SUB}/providers/Microsoft.ContainerService/locations/westeurope/kubernetesVersions"
    );
    let list = env.get(&path);
    let values = list["values"].as_array().unwrap();
    let minors: Vec<&str> = values
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(
        minors,
        ["1.32", "1.33", "1.34", "1.35"],
        "1.31 is no longer offered"
    );
    let d: Vec<&Value> = values.iter().filter(|v| v["isDefault"] == true).collect();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["version"], "1.34");
    assert_eq!(values[3]["isPreview"], true);
    assert_eq!(
        values[1]["capabilities"]["supportPlan"],
        json!(["KubernetesOfficial"])
    );
    assert_eq!(
        values[1]["patchVersions"]["1.33.2"]["upgrades"],
        json!(["1.33.5", "1.34.0", "1.34.1", "1.34.3"])
    );
    assert_eq!(values[3]["patchVersions"]["1.35.1"]["upgrades"], json!([]));
    let bad = format!(
        "/subscriptions/{SUB}/providers/Microsoft.ContainerService/locations/mars/kubernetesVersions"
    );
    err(
        env.call(Method::GET, &bad, None, &[]),
        StatusCode::BAD_REQUEST,
        "LocationNotAvailableForResourceType",
        "mars",
    );
}
