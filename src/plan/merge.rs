//! The body an update sends: the live body with every managed field set to the configured value
//! (or removed when the configuration says absent), and everything else as Azure has it, so that
//! fields set by Azure or other tools survive. Read-only fields are dropped.

use serde_json::{Map, Value as Json};

use crate::config::arm::normalize::pointer_segments;
use crate::config::arm::{Desired, live_pointer};

/// Fields Azure sets, a GET returns and Microsoft's specs refuse in a request, as pointers where
/// `*` is every member or item.
const READ_ONLY: &[&str] = &[
    "/id",
    "/etag",
    "/eTag",
    "/type",
    "/systemData",
    "/name",
    "/identity/principalId",
    "/identity/tenantId",
    "/identity/userAssignedIdentities/*/principalId",
    "/identity/userAssignedIdentities/*/clientId",
    "/properties/provisioningState",
    "/properties/resourceGuid",
    "/properties/fqdn",
    "/properties/azurePortalFQDN",
    "/properties/privateFQDN",
    "/properties/powerState",
    "/properties/currentKubernetesVersion",
    "/properties/currentOrchestratorVersion",
    "/properties/maxAgentPools",
    "/properties/nodeImageVersion",
    "/properties/customerId",
    "/properties/createdDate",
    "/properties/modifiedDate",
    "/properties/scope",
    "/properties/createdOn",
    "/properties/updatedOn",
    "/properties/createdBy",
    "/properties/updatedBy",
    "/properties/eTag",
    "/properties/resourceUID",
    "/properties/oidcIssuerProfile/issuerURL",
    "/properties/networkProfile/loadBalancerProfile/effectiveOutboundIPs",
    "/properties/agentPoolProfiles/*/eTag",
    "/properties/agentPoolProfiles/*/provisioningState",
    "/properties/agentPoolProfiles/*/currentOrchestratorVersion",
    "/properties/agentPoolProfiles/*/nodeImageVersion",
    "/properties/addonProfiles/*/identity",
    "/properties/subnets/*/etag",
    "/properties/subnets/*/type",
    "/properties/subnets/*/properties/provisioningState",
    "/properties/subnets/*/properties/ipConfigurations",
    "/properties/subnets/*/properties/purpose",
    "/properties/securityRules/*/etag",
    "/properties/securityRules/*/type",
    "/properties/securityRules/*/properties/provisioningState",
    "/properties/defaultSecurityRules",
    "/properties/networkInterfaces",
    "/properties/ipConfigurations",
    "/properties/purpose",
];

/// The update body for `desired` over `live`. `skip` says which managed pointers to leave as
/// they are live (unknown ones, ones `ignore_changes` covers).
pub fn update_body(desired: &Desired, live: &Json, skip: &dyn Fn(&str) -> bool) -> Json {
    let mut out = live.clone();
    for pointer in &desired.managed {
        if skip(pointer) {
            continue;
        }
        let Some(target) = live_pointer(pointer, &desired.body, live) else {
            // A pool the live cluster does not have: agent pools are written on their own.
            continue;
        };
        set_at(&mut out, &target, desired.body.pointer(pointer).cloned());
    }
    strip_read_only(&mut out);
    out
}

/// Sets the value at `pointer` (creating objects on the way), or removes it for `None`.
pub fn set_at(root: &mut Json, pointer: &str, value: Option<Json>) {
    match value {
        Some(v) => set(root, pointer, v),
        None => remove(root, pointer),
    }
}

/// Drops the read-only fields of a body.
pub fn strip_read_only(body: &mut Json) {
    for pattern in READ_ONLY {
        let segs: Vec<&str> = pattern.split('/').skip(1).collect();
        remove_matching(body, &segs);
    }
}

/// Removes every member that `segs` (with `*` wildcards) reaches.
fn remove_matching(node: &mut Json, segs: &[&str]) {
    let Some((first, rest)) = segs.split_first() else {
        return;
    };
    if rest.is_empty() {
        if let Json::Object(map) = node {
            map.remove(*first);
        }
        return;
    }
    match (node, *first) {
        (Json::Object(map), "*") => map.values_mut().for_each(|v| remove_matching(v, rest)),
        (Json::Array(items), "*") => items.iter_mut().for_each(|v| remove_matching(v, rest)),
        (Json::Object(map), key) => {
            if let Some(v) = map.get_mut(key) {
                remove_matching(v, rest);
            }
        }
        _ => {}
    }
}

/// Sets the value at `pointer`, creating objects on the way (array indices must exist).
fn set(root: &mut Json, pointer: &str, value: Json) {
    let segs = pointer_segments(pointer);
    let Some((last, parents)) = segs.split_last() else {
        *root = value;
        return;
    };
    let mut node = root;
    for seg in parents {
        node = match node {
            Json::Object(map) => {
                let key = existing_key(map, seg);
                map.entry(key).or_insert_with(|| Json::Object(Map::new()))
            }
            Json::Array(items) => match seg.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(item) => item,
                None => return,
            },
            _ => return,
        };
        if node.is_null() {
            *node = Json::Object(Map::new());
        }
    }
    match node {
        Json::Object(map) => {
            let key = existing_key(map, last);
            map.insert(key, value);
        }
        Json::Array(items) => {
            if let Some(slot) = last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *slot = value;
            }
        }
        _ => {}
    }
}

/// Removes the value at `pointer`, if present.
fn remove(root: &mut Json, pointer: &str) {
    let segs = pointer_segments(pointer);
    let Some((last, parents)) = segs.split_last() else {
        return;
    };
    let mut node = root;
    for seg in parents {
        node = match node {
            Json::Object(map) => {
                let key = existing_key(map, seg);
                match map.get_mut(&key) {
                    Some(n) => n,
                    None => return,
                }
            }
            Json::Array(items) => match seg.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(n) => n,
                None => return,
            },
            _ => return,
        };
    }
    if let Json::Object(map) = node {
        let key = existing_key(map, last);
        map.remove(&key);
    }
}

/// The key as the live body spells it (ARM echoes names in its own case), else `seg`.
fn existing_key(map: &Map<String, Json>, seg: &str) -> String {
    map.keys()
        .find(|k| k.eq_ignore_ascii_case(seg))
        .cloned()
        .unwrap_or_else(|| seg.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::arm::OnDelete;
    use crate::model::ApiFamily;
    use serde_json::json;

    #[test]
    fn pointers_are_set_and_cleared_on_objects() {
        let mut body = json!({"properties": {"addressPrefix": "10.0.0.0/24"}});
        set_at(
            &mut body,
            "/properties/networkSecurityGroup",
            Some(json!({"id": "/nsg"})),
        );
        assert_eq!(body["properties"]["networkSecurityGroup"]["id"], "/nsg");
        set_at(&mut body, "/properties/networkSecurityGroup", None);
        assert_eq!(
            body,
            json!({"properties": {"addressPrefix": "10.0.0.0/24"}})
        );
    }

    #[test]
    fn read_only_fields_go_at_every_depth() {
        let mut body = json!({
            "id": "/x", "etag": "e", "identity": {"type": "SystemAssigned", "principalId": "p", "tenantId": "t"},
            "properties": {
                "kubernetesVersion": "1.33",
                "oidcIssuerProfile": {"enabled": true, "issuerURL": "https://i"},
                "agentPoolProfiles": [{"name": "system", "count": 2, "eTag": "x", "provisioningState": "Succeeded", "currentOrchestratorVersion": "1.33.5"}],
                "subnets": [{"name": "s", "etag": "e", "properties": {"addressPrefix": "10.0.0.0/24", "provisioningState": "Succeeded"}}]
            }
        });
        strip_read_only(&mut body);
        assert_eq!(
            body,
            json!({
                "identity": {"type": "SystemAssigned"},
                "properties": {
                    "kubernetesVersion": "1.33",
                    "oidcIssuerProfile": {"enabled": true},
                    "agentPoolProfiles": [{"name": "system", "count": 2}],
                    "subnets": [{"name": "s", "properties": {"addressPrefix": "10.0.0.0/24"}}]
                }
            })
        );
    }

    fn desired(body: Json, managed: &[&str]) -> Desired {
        Desired {
            id: "/subscriptions/s/resourceGroups/rg".parse().unwrap(),
            api_family: ApiFamily::Resources,
            body,
            managed: managed.iter().map(|s| (*s).to_string()).collect(),
            unknown: Vec::new(),
            children: Vec::new(),
            absent: Vec::new(),
            force_new: Vec::new(),
            attributes: Vec::new(),
            on_delete: OnDelete::Delete,
        }
    }

    #[test]
    fn managed_fields_win_and_the_rest_is_kept() {
        let d = desired(
            json!({"tags": {"env": "prod"}, "properties": {"agentPoolProfiles": [{"name": "system", "vmSize": "B"}]}}),
            &[
                "/tags",
                "/properties/agentPoolProfiles/0/vmSize",
                "/properties/disableLocalAccounts",
            ],
        );
        let live = json!({
            "id": "/x", "name": "aks", "location": "westeurope", "tags": {"env": "dev"},
            "properties": {"provisioningState": "Succeeded", "disableLocalAccounts": false, "fqdn": "f",
                "agentPoolProfiles": [{"name": "user", "vmSize": "U"}, {"name": "System", "vmSize": "A"}]}
        });
        let body = update_body(&d, &live, &|_| false);
        assert_eq!(
            body,
            json!({"location": "westeurope", "tags": {"env": "prod"},
                "properties": {"agentPoolProfiles": [{"name": "user", "vmSize": "U"}, {"name": "System", "vmSize": "B"}]}})
        );
    }

    #[test]
    fn skipped_pointers_stay_live() {
        let d = desired(json!({"tags": {"a": "1"}}), &["/tags"]);
        let live = json!({"tags": {"b": "2"}});
        assert_eq!(update_body(&d, &live, &|p| p == "/tags"), live);
    }
}
