//! Agent pools: the two views staying consistent, ETags per pool, scaling, immutable pool
//! properties, System pool protection and the agentPools endpoints.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::*;

#[test]
fn cluster_pools_and_agent_pools_are_one_set_of_documents() {
    let mut env = Env::new();
    let c = env.cluster(
        "k1",
        with(body(None), |b| {
            b["properties"]["agentPoolProfiles"] = json!([
                {"name": "system", "count": 1, "vmSize": "Standard_D4s_v5"},
                {"name": "work", "count": 0, "vmSize": "Standard_D4s_v5"}
            ]);
        }),
    );
    // Created through the cluster, read through agentPools.
    let list = env.get(&format!("{}/agentPools", mc("k1")));
    let names: Vec<&str> = list["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["system", "work"]);
    let work = env.get(&ap("k1", "work"));
    assert_eq!(
        work["type"],
        "Microsoft.ContainerService/managedClusters/agentPools"
    );
    assert_eq!(work["id"], ap("k1", "work").as_str());
    assert_eq!(work["properties"]["mode"], "User");
    assert_eq!(
        work["properties"]["eTag"],
        c["properties"]["agentPoolProfiles"][1]["eTag"]
    );
    // Created through agentPools, read through the cluster, after the others.
    let r = env
        .put(
            &ap("k1", "extra"),
            pool(json!({"orchestratorVersion": "1.34"})),
        )
        .unwrap();
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        r.body.as_ref().unwrap()["properties"]["provisioningState"],
        "Creating"
    );
    assert!(header(&r, "Azure-AsyncOperation").is_some());
    assert_eq!(
        env.state(&mc("k1")),
        "Succeeded",
        "a pool write leaves the cluster alone"
    );
    env.settle();
    let after = env.get(&mc("k1"));
    let pools = after["properties"]["agentPoolProfiles"].as_array().unwrap();
    assert_eq!(pools.len(), 3);
    assert_eq!(pools[2]["name"], "extra");
    assert_eq!(pools[2]["currentOrchestratorVersion"], "1.34.3");
    assert_eq!(
        after["eTag"], c["eTag"],
        "a pool operation changes only the pool's ETag"
    );
    assert_eq!(
        pools[0]["eTag"],
        c["properties"]["agentPoolProfiles"][0]["eTag"]
    );
    // A cluster PUT that lists only some pools leaves the others alone.
    let b = with(after.clone(), |b| {
        b["properties"]["agentPoolProfiles"] = json!([after["properties"]["agentPoolProfiles"][0]]);
    });
    env.put(&mc("k1"), b).unwrap();
    env.settle();
    assert_eq!(
        env.get(&format!("{}/agentPools", mc("k1")))["value"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    err(
        env.call(Method::GET, &ap("k1", "nope"), None, &[]),
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        "k1/nope",
    );
    err(
        env.call(Method::GET, &ap("k9", "x"), None, &[]),
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        "k9",
    );
}

#[test]
fn pool_etags_and_scaling() {
    let mut env = Env::new();
    env.cluster("k1", body(None));
    let p = env.get(&ap("k1", "system"));
    let etag = p["properties"]["eTag"].as_str().unwrap().to_string();
    for (field, value) in [
        ("currentOrchestratorVersion", json!("1.33.0")),
        ("eTag", json!("other")),
        ("provisioningState", json!("Failed")),
    ] {
        let b = with(p.clone(), |b| b["properties"][field] = value);
        let e = err(
            env.put(&ap("k1", "system"), b),
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "read-only",
        );
        assert_eq!(e.target.unwrap(), format!("properties.{field}"));
        assert!(e.unwrapped);
    }
    let scaled = with(p.clone(), |b| b["properties"]["count"] = json!(5));
    err(
        env.call(
            Method::PUT,
            &ap("k1", "system"),
            Some(scaled.clone()),
            &[("If-Match", "old")],
        ),
        StatusCode::PRECONDITION_FAILED,
        "PreconditionFailed",
        "",
    );
    let r = env
        .call(
            Method::PUT,
            &ap("k1", "system"),
            Some(scaled),
            &[("If-Match", &etag)],
        )
        .unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.body.unwrap()["properties"]["provisioningState"],
        "Scaling"
    );
    env.settle();
    let p2 = env.get(&ap("k1", "system"));
    assert_eq!(p2["properties"]["count"], 5);
    assert_ne!(p2["properties"]["eTag"], etag.as_str());
    err(
        env.call(
            Method::DELETE,
            &ap("k1", "system"),
            None,
            &[("If-Match", &etag)],
        ),
        StatusCode::PRECONDITION_FAILED,
        "PreconditionFailed",
        "",
    );
    // Scaling through the cluster body shows Scaling on both.
    let c = env.get(&mc("k1"));
    let b = with(c, |b| {
        b["properties"]["agentPoolProfiles"][0]["count"] = json!(3)
    });
    env.put(&mc("k1"), b).unwrap();
    assert_eq!(env.state(&mc("k1")), "Scaling");
    assert_eq!(env.state(&ap("k1", "system")), "Scaling");
    env.settle();
    assert_eq!(env.get(&ap("k1", "system"))["properties"]["count"], 3);
}

#[test]
fn immutable_pool_properties() {
    let mut env = Env::new();
    let (nodes, pods) = env.subnets();
    let c = env.cluster(
        "k1",
        with(body(None), |b| {
            b["properties"]["agentPoolProfiles"][0]["vnetSubnetID"] = json!(nodes);
            b["properties"]["agentPoolProfiles"][0]["podSubnetID"] = json!(pods);
        }),
    );
    assert_eq!(c["properties"]["agentPoolProfiles"][0]["maxPods"], 250);
    let p = env.get(&ap("k1", "system"));
    for (field, value) in [
        ("osDiskType", json!("Ephemeral")),
        ("vnetSubnetID", json!(pods.clone())),
        ("osType", json!("Windows")),
    ] {
        let b = with(p.clone(), |b| b["properties"][field] = value);
        let e = err(
            env.put(&ap("k1", "system"), b),
            StatusCode::BAD_REQUEST,
            "PropertyChangeNotAllowed",
            &format!("Changing property 'agentPoolProfile.{field}' is not allowed."),
        );
        assert_eq!(e.target.unwrap(), format!("agentPoolProfile.{field}"));
    }
    // Through the cluster view too; ids compare case-insensitively.
    let b = with(c.clone(), |b| {
        b["properties"]["agentPoolProfiles"][0]["vnetSubnetID"] = json!(pods);
    });
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "PropertyChangeNotAllowed",
        "vnetSubnetID",
    );
    let b = with(c, |b| {
        b["properties"]["agentPoolProfiles"][0]["vnetSubnetID"] = json!(nodes.to_uppercase());
    });
    assert_eq!(env.put(&mc("k1"), b).unwrap().status, StatusCode::OK);
}

#[test]
fn a_cluster_keeps_a_system_pool() {
    let mut env = Env::new();
    let b = with(body(None), |b| {
        b["properties"]["agentPoolProfiles"][0]["mode"] = json!("User")
    });
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "MustDefineAtLeastOneSystemPool",
        "Must define at least one system pool.",
    );
    env.cluster("k1", body(None));
    err(
        env.delete(&ap("k1", "system")),
        StatusCode::BAD_REQUEST,
        "OperationNotAllowed",
        "last System mode agent pool",
    );
    let p = env.get(&ap("k1", "system"));
    let user = with(p, |b| b["properties"]["mode"] = json!("User"));
    err(
        env.put(&ap("k1", "system"), user.clone()),
        StatusCode::BAD_REQUEST,
        "OperationNotAllowed",
        "'system'",
    );
    let c = env.get(&mc("k1"));
    let b = with(c, |b| {
        b["properties"]["agentPoolProfiles"][0]["mode"] = json!("User")
    });
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "OperationNotAllowed",
        "at least one System",
    );
    // With a second System pool, the first may go.
    env.put(&ap("k1", "sys2"), pool(json!({"mode": "System"})))
        .unwrap();
    env.settle();
    assert_eq!(
        env.put(&ap("k1", "system"), user).unwrap().status,
        StatusCode::OK
    );
    env.settle();
    let r = env.delete(&ap("k1", "system")).unwrap();
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert!(header(&r, "Location").is_some());
    assert_eq!(env.state(&ap("k1", "system")), "Deleting");
    env.settle();
    assert!(env.store.get(&ap("k1", "system")).is_none());
    assert_eq!(
        env.delete(&ap("k1", "system")).unwrap().status,
        StatusCode::NO_CONTENT
    );
    err(
        env.delete(&ap("k1", "sys2")),
        StatusCode::BAD_REQUEST,
        "OperationNotAllowed",
        "last System",
    );
}

#[test]
fn pool_rules() {
    let mut env = Env::new();
    env.cluster("k1", body(None));
    let put =
        |env: &mut Env, name: &str, extra: serde_json::Value| env.put(&ap("k1", name), pool(extra));
    for name in ["User1", "1abc", "abcdefghijklm", "a_b"] {
        let e = err(
            put(&mut env, name, json!({})),
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "max length of 12",
        );
        assert_eq!(e.target.as_deref(), Some("agentPoolProfile.name"));
    }
    err(
        put(&mut env, "win1234", json!({"osType": "Windows"})),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "max length of 6",
    );
    err(
        put(&mut env, "sys0", json!({"mode": "System", "count": 0})),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "System pools need 1 to 1000",
    );
    err(
        put(&mut env, "big", json!({"count": 1001})),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "between 0 and 1000",
    );
    err(
        put(&mut env, "auto", json!({"enableAutoScaling": true})),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "minCount and maxCount are required",
    );
    let e = err(
        put(
            &mut env,
            "auto",
            json!({"enableAutoScaling": true, "minCount": 2, "maxCount": 4, "count": 5}),
        ),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "[minCount 2, maxCount 4]",
    );
    assert_eq!(e.target.as_deref(), Some("agentPoolProfile.count"));
    err(
        put(
            &mut env,
            "auto",
            json!({"enableAutoScaling": true, "minCount": 5, "maxCount": 4}),
        ),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "minCount must be",
    );
    let e = err(
        put(
            &mut env,
            "net",
            json!({"vnetSubnetID": format!("{RG}/providers/Microsoft.Network/virtualNetworks/v/subnets/none")}),
        ),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "The value of parameter agentPoolProfile.vnetSubnetID is invalid.",
    );
    assert_eq!(e.target.as_deref(), Some("agentPoolProfile.vnetSubnetID"));
    err(
        put(&mut env, "pods", json!({"podSubnetID": "nope"})),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "podSubnetID is invalid",
    );
    err(
        put(&mut env, "nosize", json!({"vmSize": ""})),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "vmSize is required",
    );
    err(
        put(
            &mut env,
            "winsys",
            json!({"osType": "Windows", "mode": "System"}),
        ),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "Windows agent pools cannot be System",
    );
    err(
        put(&mut env, "mode", json!({"mode": "Sometimes"})),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "System, User, Gateway",
    );
    // Autoscaling without a count starts at minCount; Windows pools get Windows defaults.
    let r = put(
        &mut env,
        "auto",
        json!({"enableAutoScaling": true, "minCount": 2, "maxCount": 4, "count": null}),
    )
    .unwrap();
    assert_eq!(r.body.unwrap()["properties"]["count"], 2);
    env.settle();
    let w = put(&mut env, "win", json!({"osType": "windows"}))
        .unwrap()
        .body
        .unwrap();
    assert_eq!(w["properties"]["osType"], "Windows");
    assert_eq!(w["properties"]["osSKU"], "Windows2022");
    assert!(
        w["properties"]["nodeImageVersion"]
            .as_str()
            .unwrap()
            .starts_with("AKSWindows-2022")
    );
    env.settle();
    err(
        env.put(&mc("k1"), with(body(None), |b| b["properties"]["agentPoolProfiles"] = json!([{"name": "system", "vmSize": "x"}, {"name": "System", "vmSize": "x"}]))),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "more than once",
    );
    err(
        env.put(
            &mc("k2"),
            with(body(None), |b| {
                b["properties"]["agentPoolProfiles"] = json!([{"count": 1}])
            }),
        ),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "needs a name",
    );
}
