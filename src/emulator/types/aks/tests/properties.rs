//! What a cluster body may say: read-only fields echoed or changed, immutable properties,
//! names and required fields.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::*;

#[test]
fn read_only_fields_may_be_echoed_but_not_changed() {
    let mut env = Env::new();
    let c = env.cluster("k1", body(None));
    // The whole GET body sent back is fine.
    assert_eq!(
        env.put(&mc("k1"), c.clone()).unwrap().status,
        StatusCode::OK
    );
    env.settle();
    let c = env.get(&mc("k1"));
    let cases = [
        (
            "/properties/fqdn",
            json!("other.hcp.westeurope.azmk8s.io"),
            "properties.fqdn",
        ),
        (
            "/properties/currentKubernetesVersion",
            json!("1.32.0"),
            "properties.currentKubernetesVersion",
        ),
        (
            "/properties/provisioningState",
            json!("Failed"),
            "properties.provisioningState",
        ),
        (
            "/properties/maxAgentPools",
            json!(5),
            "properties.maxAgentPools",
        ),
        (
            "/properties/resourceUID",
            json!("x"),
            "properties.resourceUID",
        ),
        (
            "/properties/powerState",
            json!({"code": "Stopped"}),
            "properties.powerState",
        ),
        (
            "/properties/azurePortalFQDN",
            json!("x"),
            "properties.azurePortalFQDN",
        ),
        (
            "/identity/principalId",
            json!("00000000-0000-0000-0000-000000000000"),
            "identity.principalId",
        ),
        (
            "/identity/tenantId",
            json!("00000000-0000-0000-0000-000000000000"),
            "identity.tenantId",
        ),
        ("/eTag", json!("nope"), "eTag"),
        (
            "/properties/agentPoolProfiles/0/currentOrchestratorVersion",
            json!("1.32.0"),
            "properties.agentPoolProfiles[0].currentOrchestratorVersion",
        ),
        (
            "/properties/agentPoolProfiles/0/eTag",
            json!("nope"),
            "properties.agentPoolProfiles[0].eTag",
        ),
        (
            "/properties/agentPoolProfiles/0/provisioningState",
            json!("Failed"),
            "properties.agentPoolProfiles[0].provisioningState",
        ),
    ];
    for (pointer, value, target) in cases {
        let mut b = c.clone();
        *b.pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{pointer}")) = value;
        let e = err(
            env.put(&mc("k1"), b),
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "read-only",
        );
        assert_eq!(e.target.as_deref(), Some(target));
    }
    // New clusters cannot set them either.
    let b = with(body(None), |b| b["properties"]["privateFQDN"] = json!("x"));
    err(
        env.put(&mc("k2"), b),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "privateFQDN",
    );
    let b = with(body(None), |b| {
        b["properties"]["oidcIssuerProfile"] = json!({"enabled": true, "issuerURL": "https://x/"})
    });
    err(
        env.put(&mc("k2"), b),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "issuerURL",
    );
}

#[test]
fn immutable_cluster_properties() {
    let mut env = Env::new();
    let c = env.cluster(
        "k1",
        with(body(None), |b| {
            b["properties"]["aadProfile"] = json!({"managed": true, "adminGroupObjectIDs": []});
            b["properties"]["networkProfile"] = json!({"networkPlugin": "kubenet"});
        }),
    );
    assert_eq!(
        c["properties"]["aadProfile"]["tenantID"],
        env.cfg.tenant_id.as_str()
    );
    let cases: [(&str, Value, &str); 6] = [
        ("/properties/dnsPrefix", json!("other"), "dnsPrefix"),
        (
            "/properties/nodeResourceGroup",
            json!("MC_other"),
            "nodeResourceGroup",
        ),
        ("/properties/enableRBAC", json!(false), "enableRBAC"),
        (
            "/properties/networkProfile/networkPlugin",
            json!("none"),
            "networkProfile.networkPlugin",
        ),
        (
            "/properties/aadProfile/managed",
            json!(false),
            "aadProfile.managed",
        ),
        ("/properties/fqdnSubdomain", json!("sub"), "fqdnSubdomain"),
    ];
    for (pointer, value, target) in cases {
        let mut b = c.clone();
        match b.pointer_mut(pointer) {
            Some(v) => *v = value,
            None => b["properties"]["fqdnSubdomain"] = value,
        }
        let e = err(
            env.put(&mc("k1"), b),
            StatusCode::BAD_REQUEST,
            "PropertyChangeNotAllowed",
            &format!("Changing property '{target}' is not allowed."),
        );
        assert_eq!(e.target.as_deref(), Some(target));
        assert!(e.unwrapped);
    }
    let b = with(c.clone(), |b| {
        b["properties"]["apiServerAccessProfile"] = json!({"enablePrivateCluster": true});
    });
    let e = err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "PropertyChangeNotAllowed",
        "",
    );
    assert_eq!(
        e.target.as_deref(),
        Some("apiServerAccessProfile.enablePrivateCluster")
    );
    // Omitting an immutable property or an empty dnsPrefix is no change; kubenet moves to overlay.
    let b = with(c.clone(), |b| {
        b["properties"]["dnsPrefix"] = json!("");
        let p = b["properties"].as_object_mut().unwrap();
        p.remove("nodeResourceGroup");
        p.remove("enableRBAC");
        b["properties"]["networkProfile"]["networkPlugin"] = json!("azure");
        b["properties"]["networkProfile"]["networkPluginMode"] = json!("overlay");
    });
    assert_eq!(env.put(&mc("k1"), b).unwrap().status, StatusCode::OK);
    env.settle();
    let after = env.get(&mc("k1"));
    assert_eq!(after["properties"]["dnsPrefix"], "aks1");
    assert_eq!(
        after["properties"]["networkProfile"]["networkPlugin"],
        "azure"
    );
    assert_eq!(
        after["properties"]["networkProfile"]["podCidr"],
        "10.244.0.0/16"
    );
}

#[test]
fn names_and_required_fields() {
    let mut env = Env::new();
    let e = err(
        env.put(&mc("-bad"), body(None)),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "'-bad' is invalid",
    );
    assert_eq!(e.target.as_deref(), Some("resourceName"));
    let b = with(body(None), |b| b["properties"]["dnsPrefix"] = json!(""));
    let e = err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "dnsPrefix must be specified",
    );
    assert_eq!(e.target.as_deref(), Some("dnsPrefix"));
    let b = with(body(None), |b| {
        b["properties"]["dnsPrefix"] = json!("bad_prefix")
    });
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "dnsPrefix is invalid",
    );
    let b = with(body(None), |b| {
        b["properties"].as_object_mut().unwrap().remove("dnsPrefix");
        b["properties"]["fqdnSubdomain"] = json!("priv");
        b["properties"]["apiServerAccessProfile"] = json!({"enablePrivateCluster": true});
    });
    let c = env.cluster("priv", b);
    assert!(c["properties"].get("fqdn").is_none());
    assert!(
        c["properties"]["privateFQDN"]
            .as_str()
            .unwrap()
            .contains(".privatelink.westeurope.azmk8s.io")
    );
    assert_eq!(
        c["properties"]["apiServerAccessProfile"]["privateDNSZone"],
        "system"
    );
    let b = with(body(None), |b| {
        b["properties"]["agentPoolProfiles"] = json!([])
    });
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "At least one agent pool",
    );
    err(
        env.put(&mc("k1"), json!({"properties": {}})),
        StatusCode::BAD_REQUEST,
        "LocationRequired",
        "",
    );
    err(
        env.call(Method::PUT, &mc("k1"), None, &[]),
        StatusCode::BAD_REQUEST,
        "InvalidRequestContent",
        "",
    );
    let other_rg = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/none/providers/Microsoft.ContainerService/managedClusters/k";
    err(
        env.put(other_rg, body(None)),
        StatusCode::NOT_FOUND,
        "ResourceGroupNotFound",
        "none",
    );
}

#[test]
fn wrong_json_types_are_refused() {
    let mut env = Env::new();
    let b = with(body(None), |b| b["properties"]["enableRBAC"] = json!("yes"));
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "InvalidRequestContent",
        "'properties.enableRBAC' must be a boolean",
    );
    let b = with(body(None), |b| {
        b["properties"]["agentPoolProfiles"][0]["count"] = json!("3")
    });
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "InvalidRequestContent",
        "'agentPoolProfile.count' must be an integer",
    );
    let b = with(body(None), |b| {
        b["properties"]["addonProfiles"] = json!({"azurepolicy": {}})
    });
    let e = err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "needs 'enabled'",
    );
    assert_eq!(
        e.target.as_deref(),
        Some("addonProfiles.azurepolicy.enabled")
    );
    let b = with(body(None), |b| {
        b["properties"]["networkProfile"] =
            json!({"loadBalancerProfile": {"managedOutboundIPs": {"count": 1_000_000}}});
    });
    err(
        env.put(&mc("k1"), b),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
        "between 1 and 100",
    );
}

/// Sets `pointer` in `v`, creating objects on the way; gives up where a parent is not a container.
fn set(v: &mut Value, pointer: &str, new: Value) {
    let mut cur = v;
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let next = match cur {
            Value::Object(m) => m.entry(part.to_string()).or_insert_with(|| json!({})),
            Value::Array(a) => match part.parse::<usize>().ok().and_then(|n| a.get_mut(n)) {
                Some(x) => x,
                None => return,
            },
            _ => return,
        };
        if last {
            *next = new;
            return;
        }
        cur = next;
    }
}

#[test]
fn odd_bodies_get_answers_not_panics() {
    let mut env = Env::new();
    let c = env.cluster("k1", body(None));
    let values = [
        Value::Null,
        json!(1),
        json!(-5),
        json!(1e30),
        json!(true),
        json!("x"),
        json!(""),
        json!("é€😀/../"),
        json!([]),
        json!([1, {"name": 2}]),
        json!({}),
        json!({"name": "x", "count": {}, "enabled": "no"}),
    ];
    let pointers = [
        "/properties",
        "/properties/kubernetesVersion",
        "/properties/dnsPrefix",
        "/properties/networkProfile",
        "/properties/networkProfile/networkPlugin",
        "/properties/networkProfile/podCidr",
        "/properties/networkProfile/loadBalancerProfile",
        "/properties/networkProfile/loadBalancerProfile/managedOutboundIPs",
        "/properties/networkProfile/loadBalancerProfile/managedOutboundIPs/count",
        "/properties/networkProfile/loadBalancerProfile/outboundIPs/publicIPs",
        "/properties/networkProfile/outboundType",
        "/properties/addonProfiles",
        "/properties/addonProfiles/omsagent",
        "/properties/addonProfiles/omsagent/config",
        "/properties/agentPoolProfiles",
        "/properties/agentPoolProfiles/0",
        "/properties/agentPoolProfiles/0/name",
        "/properties/agentPoolProfiles/0/count",
        "/properties/agentPoolProfiles/0/orchestratorVersion",
        "/properties/agentPoolProfiles/0/upgradeSettings",
        "/properties/agentPoolProfiles/0/powerState",
        "/properties/aadProfile",
        "/properties/securityProfile/defender",
        "/properties/autoUpgradeProfile",
        "/properties/oidcIssuerProfile",
        "/properties/identityProfile",
        "/properties/identityProfile/kubeletidentity",
        "/identity",
        "/identity/userAssignedIdentities",
        "/sku",
        "/tags",
        "/location",
    ];
    for pointer in pointers {
        for v in &values {
            for name in ["k1", "k2"] {
                let mut b = if name == "k1" { c.clone() } else { body(None) };
                set(&mut b, pointer, v.clone());
                if env.put(&mc(name), b).is_ok() {
                    env.settle();
                    let got = env.get(&mc(name));
                    assert!(got["properties"]["agentPoolProfiles"].is_array());
                }
            }
            let mut p = pool(json!({}));
            set(
                &mut p,
                &pointer.replace("/properties/agentPoolProfiles/0", "/properties"),
                v.clone(),
            );
            let _ = env.put(&ap("k1", "extra"), p);
            env.settle();
        }
    }
    let _ = env.call(Method::PUT, &mc("k1"), Some(json!([1, 2])), &[]);
    let _ = env.call(Method::PUT, &ap("k1", "extra"), Some(json!("x")), &[]);
}
