//! The emulator binary over HTTP: authentication, api-versions, resource groups, networks,
//! workspaces, role assignments, long-running operations, ETags, paging, faults, the request log,
//! and persistence across a crash.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::emulator::EmulatorProcess;
use crate::common::http::{Resp, arm, send};

const SUB: &str = "00000000-0000-0000-0000-0000000000aa";

fn rg_path(rg: &str) -> String {
    format!("/subscriptions/{SUB}/resourcegroups/{rg}?api-version=2025-04-01")
}

fn net(rg: &str, rest: &str) -> String {
    format!(
        "/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.Network/{rest}?api-version=2026-03-01"
    )
}

fn make_rg(url: &str, rg: &str) {
    let r = arm(
        url,
        "PUT",
        &rg_path(rg),
        Some(&json!({"location": "westeurope"})),
    );
    assert!(r.status == 201 || r.status == 200, "{r:?}");
}

/// Polls an operation URL until it is no longer InProgress; returns the last status body.
#[track_caller]
fn wait_op(url: &str, async_op: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = arm(url, "GET", async_op, None);
        assert_eq!(r.status, 200, "{r:?}");
        let status = r.json()["status"].as_str().unwrap_or("").to_string();
        if status != "InProgress" {
            return r.json().clone();
        }
        assert!(
            Instant::now() < deadline,
            "operation did not finish: {}",
            r.text
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn vnet_body(prefix: &str, subnets: Value) -> Value {
    json!({
        "location": "westeurope",
        "properties": {"addressSpace": {"addressPrefixes": [prefix]}, "subnets": subnets},
    })
}

#[test]
fn requests_need_a_bearer_token_and_a_supported_api_version() {
    let emu = EmulatorProcess::start(&[]);
    let r = send(&emu.url, "GET", &rg_path("x"), None, &[]).unwrap();
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"]["code"], "AuthenticationFailed");
    assert!(r.header("WWW-Authenticate").is_some());
    let r = send(
        &emu.url,
        "GET",
        &rg_path("x"),
        None,
        &[("Authorization", "Basic abc")],
    )
    .unwrap();
    assert_eq!(r.json()["error"]["code"], "InvalidAuthenticationToken");
    let r = arm(
        &emu.url,
        "GET",
        &format!("/subscriptions/{SUB}/resourcegroups/x"),
        None,
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], "MissingApiVersionParameter");
    let r = arm(
        &emu.url,
        "GET",
        &format!("/subscriptions/{SUB}/resourcegroups/x?api-version=2014-04-01"),
        None,
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], "NoRegisteredProviderFound");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2025-04-01")
    );
    let r = arm(
        &emu.url,
        "GET",
        &net("rg", "virtualNetworks/v").replace("2026-03-01", "2025-04-01"),
        None,
    );
    assert_eq!(r.json()["error"]["code"], "NoRegisteredProviderFound");
}

#[test]
fn resource_groups_lifecycle_paging_and_cascading_delete() {
    let emu = EmulatorProcess::start(&["--speed", "50", "--page-size", "2"]);
    let url = &emu.url;
    let r = arm(
        url,
        "PUT",
        &rg_path("rg-a"),
        Some(&json!({"location": "West Europe", "tags": {"env": "prod"}})),
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["location"], "westeurope");
    assert_eq!(r.json()["properties"]["provisioningState"], "Succeeded");
    let again = arm(
        url,
        "PUT",
        &rg_path("RG-A"),
        Some(&json!({"location": "westeurope"})),
    );
    assert_eq!(again.status, 200, "names are case-insensitive");
    assert_eq!(again.json()["name"], "rg-a", "the original casing is kept");
    let moved = arm(
        url,
        "PUT",
        &rg_path("rg-a"),
        Some(&json!({"location": "northeurope"})),
    );
    assert_eq!(moved.status, 409);
    assert_eq!(
        moved.json()["error"]["code"],
        "InvalidResourceGroupLocation"
    );
    assert_eq!(arm(url, "HEAD", &rg_path("rg-a"), None).status, 204);
    assert_eq!(arm(url, "HEAD", &rg_path("nope"), None).status, 404);
    let missing = arm(url, "GET", &rg_path("nope"), None);
    assert_eq!(missing.json()["error"]["code"], "ResourceGroupNotFound");
    let patched = arm(
        url,
        "PATCH",
        &rg_path("rg-a"),
        Some(&json!({"tags": {"env": "dev"}})),
    );
    assert_eq!(patched.json()["tags"]["env"], "dev");
    for rg in ["rg-b", "rg-c"] {
        make_rg(url, rg);
    }
    // Paging: 3 groups, 2 per page.
    let first = arm(
        url,
        "GET",
        &format!("/subscriptions/{SUB}/resourcegroups?api-version=2025-04-01"),
        None,
    );
    assert_eq!(first.json()["value"].as_array().unwrap().len(), 2);
    let next = first.json()["nextLink"]
        .as_str()
        .expect("nextLink")
        .to_string();
    let second = arm(url, "GET", &next, None);
    assert_eq!(second.json()["value"].as_array().unwrap().len(), 1);
    assert!(second.json().get("nextLink").is_none());
    // Deleting a group deletes what is inside it.
    let v = arm(
        url,
        "PUT",
        &net("rg-a", "virtualNetworks/v1"),
        Some(&vnet_body("10.0.0.0/16", json!([]))),
    );
    wait_op(url, v.header("Azure-AsyncOperation").unwrap());
    let del = arm(url, "DELETE", &rg_path("rg-a"), None);
    assert_eq!(del.status, 202);
    let location = del.header("Location").expect("Location").to_string();
    assert!(location.contains("/operationresults/"), "{location}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = arm(url, "GET", &location, None);
        if r.status == 200 {
            break;
        }
        assert_eq!(r.status, 202);
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(arm(url, "GET", &rg_path("rg-a"), None).status, 404);
    assert_eq!(
        arm(url, "GET", &net("rg-a", "virtualNetworks/v1"), None).status,
        404
    );
}

#[test]
fn long_running_network_writes_and_the_two_views_of_subnets() {
    let emu = EmulatorProcess::start(&["--speed", "2"]);
    let url = &emu.url;
    make_rg(url, "rg");
    let put = arm(
        url,
        "PUT",
        &net("rg", "virtualNetworks/vnet"),
        Some(&vnet_body(
            "10.0.0.0/16",
            json!([{"name": "nodes", "properties": {"addressPrefix": "10.0.0.0/22"}}]),
        )),
    );
    assert_eq!(put.status, 201);
    assert_eq!(put.json()["properties"]["provisioningState"], "Updating");
    assert_eq!(put.header("Retry-After"), Some("1"));
    let op_url = put
        .header("Azure-AsyncOperation")
        .expect("Azure-AsyncOperation")
        .to_string();
    // While the operation runs, GETs keep showing it.
    let during = arm(url, "GET", &net("rg", "virtualNetworks/vnet"), None);
    assert_eq!(during.json()["properties"]["provisioningState"], "Updating");
    let status = arm(url, "GET", &op_url, None);
    assert_eq!(status.json()["status"], "InProgress");
    let done = wait_op(url, &op_url);
    assert_eq!(done["status"], "Succeeded");
    assert!(done["endTime"].is_string());
    let vnet = arm(url, "GET", &net("rg", "virtualNetworks/vnet"), None);
    assert_eq!(vnet.json()["properties"]["provisioningState"], "Succeeded");
    // A subnet added as a child resource shows in the network's inline list, and vice versa.
    let sub = arm(
        url,
        "PUT",
        &net("rg", "virtualNetworks/vnet/subnets/pods"),
        Some(&json!({"properties": {"addressPrefixes": ["10.0.8.0/22"]}})),
    );
    assert_eq!(sub.status, 201);
    assert_eq!(
        sub.json()["properties"]["addressPrefix"],
        "10.0.8.0/22",
        "one prefix comes back singular"
    );
    wait_op(url, sub.header("Azure-AsyncOperation").unwrap());
    let vnet = arm(url, "GET", &net("rg", "virtualNetworks/vnet"), None);
    let names: Vec<&str> = vnet.json()["properties"]["subnets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["nodes", "pods"]);
    let child = arm(
        url,
        "GET",
        &net("rg", "virtualNetworks/vnet/subnets/nodes"),
        None,
    );
    assert_eq!(child.json()["properties"]["addressPrefix"], "10.0.0.0/22");
    let list = arm(url, "GET", &net("rg", "virtualNetworks/vnet/subnets"), None);
    assert_eq!(list.json()["value"].as_array().unwrap().len(), 2);
    // Overlaps and prefixes outside the network are refused with ARM's codes.
    let overlap = arm(
        url,
        "PUT",
        &net("rg", "virtualNetworks/vnet/subnets/bad"),
        Some(&json!({"properties": {"addressPrefix": "10.0.1.0/24"}})),
    );
    assert_eq!(overlap.status, 400);
    assert_eq!(overlap.json()["error"]["code"], "NetcfgSubnetRangesOverlap");
    let outside = arm(
        url,
        "PUT",
        &net("rg", "virtualNetworks/vnet/subnets/bad"),
        Some(&json!({"properties": {"addressPrefix": "10.1.0.0/24"}})),
    );
    assert_eq!(
        outside.json()["error"]["code"],
        "NetcfgSubnetRangeOutsideVnet"
    );
    // A network PUT without the child subnet removes it (the azurerm trap aksform avoids).
    let r = arm(
        url,
        "PUT",
        &net("rg", "virtualNetworks/vnet"),
        Some(&vnet_body(
            "10.0.0.0/16",
            json!([{"name": "nodes", "properties": {"addressPrefix": "10.0.0.0/22"}}]),
        )),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        arm(
            url,
            "GET",
            &net("rg", "virtualNetworks/vnet/subnets/pods"),
            None
        )
        .status,
        404
    );
    // Deletes are long-running too.
    let del = arm(
        url,
        "DELETE",
        &net("rg", "virtualNetworks/vnet/subnets/nodes"),
        None,
    );
    assert_eq!(del.status, 409, "the network is still updating: {del:?}");
    wait_op(url, r.header("Azure-AsyncOperation").unwrap());
    let del = arm(
        url,
        "DELETE",
        &net("rg", "virtualNetworks/vnet/subnets/nodes"),
        None,
    );
    assert_eq!(del.status, 202);
    assert!(del.header("Location").is_some() && del.header("Azure-AsyncOperation").is_some());
    wait_op(url, del.header("Azure-AsyncOperation").unwrap());
    assert_eq!(
        arm(
            url,
            "GET",
            &net("rg", "virtualNetworks/vnet/subnets/nodes"),
            None
        )
        .status,
        404
    );
    assert_eq!(
        arm(
            url,
            "DELETE",
            &net("rg", "virtualNetworks/vnet/subnets/nodes"),
            None
        )
        .status,
        204
    );
}

#[test]
fn etags_read_only_fields_and_security_groups() {
    let emu = EmulatorProcess::start(&["--speed", "100"]);
    let url = &emu.url;
    make_rg(url, "rg");
    let rule = |name: &str, prio: u32| {
        json!({"name": name, "properties": {"priority": prio, "direction": "Inbound", "access": "Deny", "protocol": "Tcp",
            "sourceAddressPrefix": "Internet", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"}})
    };
    let path = net("rg", "networkSecurityGroups/nsg");
    let body = json!({"location": "westeurope", "properties": {"securityRules": [rule("deny-ssh", 4000)]}});
    let created = arm(url, "PUT", &path, Some(&body));
    assert_eq!(created.status, 201);
    assert_eq!(
        created.json()["properties"]["defaultSecurityRules"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    wait_op(url, created.header("Azure-AsyncOperation").unwrap());
    let current = arm(url, "GET", &path, None);
    let etag = current.json()["etag"].as_str().unwrap().to_string();
    // If-None-Match: * on an existing resource, and a stale If-Match: 412.
    let r = send(
        url,
        "PUT",
        &path,
        Some(&body),
        &[("Authorization", "Bearer t"), ("If-None-Match", "*")],
    )
    .unwrap();
    assert_eq!(r.status, 412);
    assert_eq!(r.json()["error"]["code"], "PreconditionFailed");
    let r = send(
        url,
        "PUT",
        &path,
        Some(&body),
        &[("Authorization", "Bearer t"), ("If-Match", "W/\"stale\"")],
    )
    .unwrap();
    assert_eq!(r.status, 412);
    let r = send(
        url,
        "PUT",
        &path,
        Some(&body),
        &[("Authorization", "Bearer t"), ("If-Match", &etag)],
    )
    .unwrap();
    assert_eq!(r.status, 200, "{r:?}");
    assert_ne!(
        r.json()["etag"].as_str().unwrap(),
        etag,
        "every write changes the ETag"
    );
    wait_op(url, r.header("Azure-AsyncOperation").unwrap());
    // Read-only fields: ignored when equal, refused when different.
    let echoed = arm(url, "GET", &path, None).json().clone();
    let r = arm(url, "PUT", &path, Some(&echoed));
    assert_eq!(r.status, 200, "{r:?}");
    wait_op(url, r.header("Azure-AsyncOperation").unwrap());
    let mut echoed = arm(url, "GET", &path, None).json().clone();
    echoed["properties"]["provisioningState"] = json!("Failed");
    let bad = arm(url, "PUT", &path, Some(&echoed));
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.json()["error"]["target"],
        "properties.provisioningState"
    );
    // Rule validation.
    let dup = json!({"location": "westeurope", "properties": {"securityRules": [rule("a", 300), rule("b", 300)]}});
    assert_eq!(
        arm(
            url,
            "PUT",
            &net("rg", "networkSecurityGroups/n2"),
            Some(&dup)
        )
        .json()["error"]["code"],
        "SecurityRuleConflict"
    );
    let low = json!({"location": "westeurope", "properties": {"securityRules": [rule("a", 50)]}});
    assert_eq!(
        arm(
            url,
            "PUT",
            &net("rg", "networkSecurityGroups/n2"),
            Some(&low)
        )
        .json()["error"]["code"],
        "SecurityRuleInvalidPriority"
    );
    // A group attached to a subnet cannot be deleted.
    std::thread::sleep(Duration::from_millis(50));
    let nsg_id = arm(url, "GET", &path, None).json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let v = arm(
        url,
        "PUT",
        &net("rg", "virtualNetworks/v"),
        Some(&vnet_body(
            "10.0.0.0/16",
            json!([{"name": "s", "properties": {"addressPrefix": "10.0.0.0/24", "networkSecurityGroup": {"id": nsg_id}}}]),
        )),
    );
    wait_op(url, v.header("Azure-AsyncOperation").unwrap());
    let users = arm(url, "GET", &path, None);
    assert_eq!(
        users.json()["properties"]["subnets"][0]["id"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next(),
        Some("s")
    );
    let del = arm(url, "DELETE", &path, None);
    assert_eq!(
        del.json()["error"]["code"],
        "InUseNetworkSecurityGroupCannotBeDeleted"
    );
    let dangling = arm(
        url,
        "PUT",
        &net("rg", "virtualNetworks/v2"),
        Some(&vnet_body(
            "10.1.0.0/16",
            json!([{"name": "s", "properties": {"addressPrefix": "10.1.0.0/24", "networkSecurityGroup": {"id": format!("{nsg_id}-missing")}}}]),
        )),
    );
    assert_eq!(dangling.json()["error"]["code"], "InvalidResourceReference");
}

#[test]
fn workspaces_and_role_assignments() {
    let emu = EmulatorProcess::start(&["--speed", "100"]);
    let url = &emu.url;
    make_rg(url, "rg");
    let ws = format!(
        "/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log-aks?api-version=2025-07-01"
    );
    let r = arm(
        url,
        "PUT",
        &ws,
        Some(&json!({"location": "westeurope", "properties": {"sku": {"name": "PerGB2018"}}})),
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["properties"]["provisioningState"], "Creating");
    assert_eq!(r.json()["properties"]["retentionInDays"], 30);
    let customer = r.json()["properties"]["customerId"]
        .as_str()
        .unwrap()
        .to_string();
    wait_op(url, r.header("Azure-AsyncOperation").unwrap());
    let again = arm(url, "GET", &ws, None);
    assert_eq!(again.json()["properties"]["customerId"], customer.as_str());
    let bad = arm(
        url,
        "PUT",
        &ws,
        Some(&json!({"location": "westeurope", "properties": {"retentionInDays": 5}})),
    );
    assert_eq!(bad.json()["error"]["target"], "properties.retentionInDays");

    let scope = format!("/subscriptions/{SUB}/resourceGroups/rg");
    let ra = |name: &str| {
        format!(
            "{scope}/providers/Microsoft.Authorization/roleAssignments/{name}?api-version=2022-04-01"
        )
    };
    let role = format!(
        "/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"
    );
    let body = |principal: &str| json!({"properties": {"roleDefinitionId": role, "principalId": principal, "principalType": "Group"}});
    let p1 = "6a5e1f2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
    let name = "2b4c6e8a-0000-4000-8000-000000000001";
    let r = arm(url, "PUT", &ra(name), Some(&body(p1)));
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.json()["properties"]["scope"], scope.as_str());
    let dup = arm(
        url,
        "PUT",
        &ra("2b4c6e8a-0000-4000-8000-000000000002"),
        Some(&body(p1)),
    );
    assert_eq!(dup.status, 409);
    assert_eq!(dup.json()["error"]["code"], "RoleAssignmentExists");
    let not_guid = arm(url, "PUT", &ra("admins"), Some(&body(p1)));
    assert_eq!(not_guid.json()["error"]["code"], "InvalidRoleAssignmentId");
    let missing_scope = arm(
        url,
        "PUT",
        &format!(
            "/subscriptions/{SUB}/resourceGroups/nope/providers/Microsoft.Authorization/roleAssignments/{name}?api-version=2022-04-01"
        ),
        Some(&body(p1)),
    );
    assert_eq!(missing_scope.status, 404);
    let list = arm(
        url,
        "GET",
        &format!(
            "{scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01"
        ),
        None,
    );
    assert_eq!(list.json()["value"].as_array().unwrap().len(), 1);
    assert_eq!(arm(url, "DELETE", &ra(name), None).status, 200);
    assert_eq!(arm(url, "DELETE", &ra(name), None).status, 204);
}

#[test]
fn faults_from_the_admin_endpoint_and_the_request_log() {
    let emu = EmulatorProcess::start(&["--speed", "100", "--seed", "1"]);
    let url = &emu.url;
    make_rg(url, "rg");
    let set = |f: Value| {
        let r = send(url, "PUT", "/_emulator/faults", Some(&f), &[]).unwrap();
        assert_eq!(r.status, 200, "{r:?}");
    };
    set(json!({"throttle_rate": 1.0, "throttle_retry_after_s": 7}));
    let r = arm(url, "GET", &rg_path("rg"), None);
    assert_eq!(r.status, 429);
    assert_eq!(r.json()["error"]["code"], "Throttled");
    assert_eq!(r.header("Retry-After"), Some("7"));
    set(json!({"server_error_rate": 1.0}));
    let r = arm(url, "GET", &rg_path("rg"), None);
    assert!(r.status == 500 || r.status == 503, "{r:?}");
    set(json!({"drop_rate": 1.0}));
    let dropped = send(
        url,
        "GET",
        &rg_path("rg"),
        None,
        &[("Authorization", "Bearer t")],
    );
    assert!(
        dropped.is_err() || dropped.as_ref().is_ok_and(|r| r.text.len() < 1000),
        "{dropped:?}"
    );
    set(json!({"fail_operation_rate": 1.0}));
    let v = arm(
        url,
        "PUT",
        &net("rg", "virtualNetworks/v"),
        Some(&vnet_body("10.0.0.0/16", json!([]))),
    );
    let end = wait_op(url, v.header("Azure-AsyncOperation").unwrap());
    assert_eq!(end["status"], "Failed");
    assert_eq!(end["error"]["code"], "InternalOperationError");
    assert_eq!(
        arm(url, "GET", &net("rg", "virtualNetworks/v"), None).json()["properties"]["provisioningState"],
        "Failed"
    );
    assert_eq!(
        send(url, "DELETE", "/_emulator/faults", None, &[])
            .unwrap()
            .status,
        204
    );
    assert_eq!(arm(url, "GET", &rg_path("rg"), None).status, 200);
    let log: Resp = send(url, "GET", "/_emulator/requests", None, &[]).unwrap();
    let entries = log.json()["requests"].as_array().unwrap();
    assert!(entries.len() >= 6, "{}", entries.len());
    let first = &entries[0];
    assert_eq!(first["method"], "PUT");
    assert_eq!(
        first["request_headers"]["authorization"],
        "Bearer [REDACTED]"
    );
    let since = log.json()["last"].as_u64().unwrap();
    arm(url, "GET", &rg_path("rg"), None);
    let newer = send(
        url,
        "GET",
        &format!("/_emulator/requests?since={since}"),
        None,
        &[],
    )
    .unwrap();
    assert_eq!(newer.json()["requests"].as_array().unwrap().len(), 1);
}

#[test]
fn state_survives_kill_9_in_the_middle_of_an_operation() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().to_str().unwrap();
    let mut emu = EmulatorProcess::start(&["--state-dir", state, "--speed", "1"]);
    make_rg(&emu.url, "rg");
    let put = arm(
        &emu.url,
        "PUT",
        &net("rg", "virtualNetworks/v"),
        Some(&vnet_body("10.0.0.0/16", json!([]))),
    );
    assert_eq!(put.json()["properties"]["provisioningState"], "Updating");
    let op_id = put
        .header("Azure-AsyncOperation")
        .unwrap()
        .split('/')
        .next_back()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    emu.kill();
    let restarted = EmulatorProcess::start(&["--state-dir", state, "--speed", "1"]);
    let url = &restarted.url;
    assert_eq!(arm(url, "GET", &rg_path("rg"), None).status, 200);
    let op_url = format!(
        "/subscriptions/{SUB}/providers/Microsoft.Network/locations/westeurope/operations/{op_id}?api-version=2026-03-01"
    );
    let done = wait_op(url, &op_url);
    assert_eq!(done["status"], "Succeeded");
    assert_eq!(
        arm(url, "GET", &net("rg", "virtualNetworks/v"), None).json()["properties"]["provisioningState"],
        "Succeeded"
    );
    // A corrupt state file is refused, never silently replaced.
    drop(restarted);
    std::fs::write(dir.path().join("emulator-state.json"), "{not json").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aksform"))
        .args(["emulator", "--port", "0", "--state-dir", state])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a valid emulator state"));
}

#[test]
fn aks_token_buckets_throttle_cluster_writes() {
    let emu = EmulatorProcess::start(&["--speed", "100", "--token-buckets"]);
    let url = &emu.url;
    make_rg(url, "rg");
    let path = format!(
        "/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks?api-version=2026-08-01"
    );
    let body = json!({
        "location": "westeurope",
        "identity": {"type": "SystemAssigned"},
        "properties": {
            "kubernetesVersion": "1.33",
            "dnsPrefix": "aks",
            "agentPoolProfiles": [{"name": "system", "mode": "System", "count": 3, "vmSize": "Standard_D4ds_v5"}]
        }
    });
    let mut statuses = Vec::new();
    for _ in 0..21 {
        statuses.push(arm(url, "PUT", &path, Some(&body)));
    }
    assert_eq!(statuses[0].status, 201, "{:?}", statuses[0]);
    // 20 PUTs per cluster, refilled one a minute: the 21st is throttled.
    assert!(statuses[..20].iter().all(|r| r.status != 429));
    let last = &statuses[20];
    assert_eq!(last.status, 429, "{last:?}");
    assert_eq!(last.json()["error"]["code"], "Throttled");
    assert!(
        last.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("PutManagedClusterHandler.PUT")
    );
    let wait: u64 = last.header("Retry-After").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Reads of the cluster have their own, larger bucket.
    assert_eq!(arm(url, "GET", &path, None).status, 200);
}

#[test]
fn aks_errors_are_wrapped_unless_asked_for_the_unwrapped_shape() {
    let body = json!({"location": "westeurope", "identity": {"type": "SystemAssigned"},
        "properties": {"kubernetesVersion": "1.20", "dnsPrefix": "aks",
            "agentPoolProfiles": [{"name": "system", "mode": "System", "count": 1, "vmSize": "Standard_D4ds_v5"}]}});
    let path = format!(
        "/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks?api-version=2026-08-01"
    );
    let wrapped = EmulatorProcess::start(&[]);
    make_rg(&wrapped.url, "rg");
    let r = arm(&wrapped.url, "PUT", &path, Some(&body));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], "K8sVersionNotSupported");
    let raw = EmulatorProcess::start(&["--aks-unwrapped-errors"]);
    make_rg(&raw.url, "rg");
    let r = arm(&raw.url, "PUT", &path, Some(&body));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["code"], "K8sVersionNotSupported");
    assert!(r.json().get("error").is_none());
    // ARM-level errors keep the envelope either way.
    let missing = arm(&raw.url, "GET", &rg_path("nope"), None);
    assert_eq!(missing.json()["error"]["code"], "ResourceGroupNotFound");
}
