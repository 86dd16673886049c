//! Per-pointer equivalence of a desired and a live ARM body, applying the read-back rules of
//! `azurerm-to-arm.md` so that a plan shows no noise: null equals the documented default,
//! locations, ids and enums are compared as ARM means them, sets ignore order, a version alias
//! matches its patch, bare IPs equal their `/32`, and a cluster's pools are found by name.

use serde_json::Value as Json;

use super::normalize::{
    cidr_sets_equal, date_part, ids_equal, k8s_version_matches, locations_equal, pointer_ci,
    pointer_segments,
};

/// Leaves whose null or absent value means `false`.
const FALSE_WHEN_NULL: &[&str] = &[
    "enablePrivateCluster",
    "enablePrivateClusterPublicFQDN",
    "disableRunCommand",
    "disableLocalAccounts",
    "enableEncryptionAtHost",
    "enableNodePublicIP",
    "enableFIPS",
    "enableAutoScaling",
    "enableVnetIntegration",
    "enabled",
    "disableLocalAuth",
];

/// Leaves whose null or absent value means an empty collection.
const EMPTY_WHEN_NULL: &[&str] = &[
    "tags",
    "nodeLabels",
    "nodeTaints",
    "availabilityZones",
    "authorizedIPRanges",
    "adminGroupObjectIDs",
    "serviceEndpoints",
    "delegations",
    "notAllowedDates",
    "securityRules",
    "dnsServers",
    "userAssignedIdentities",
];

/// String leaves compared ignoring case (enums ARM may echo in another case, names, sizes).
const CASE_INSENSITIVE: &[&str] = &[
    "type",
    "tier",
    "name",
    "loadBalancerSku",
    "networkPlugin",
    "networkPluginMode",
    "networkPolicy",
    "networkDataplane",
    "networkMode",
    "outboundType",
    "backendPoolType",
    "protocol",
    "direction",
    "access",
    "privateEndpointNetworkPolicies",
    "privateLinkServiceNetworkPolicies",
    "publicNetworkAccessForIngestion",
    "publicNetworkAccessForQuery",
    "vmSize",
    "osSKU",
    "osType",
    "osDiskType",
    "mode",
    "scaleSetPriority",
    "scaleSetEvictionPolicy",
    "upgradeChannel",
    "nodeOSUpgradeChannel",
    "supportPlan",
    "principalType",
    "undrainableNodeBehavior",
    "dayOfWeek",
    "weekIndex",
];

/// String leaves holding ARM ids (or `System`/`None`), compared as ids.
const IDS: &[&str] = &[
    "id",
    "vnetSubnetID",
    "podSubnetID",
    "subnetId",
    "logAnalyticsWorkspaceResourceId",
    "logAnalyticsWorkspaceResourceID",
    "privateDNSZone",
    "managedBy",
    "principalId",
    "delegatedManagedIdentityResourceId",
];

/// Array leaves compared as sets of case-insensitive strings.
const SETS: &[&str] = &[
    "availabilityZones",
    "adminGroupObjectIDs",
    "ipFamilies",
    "nodeTaints",
];

/// The documented default a null or absent leaf stands for.
fn default_for(leaf: &str) -> Option<Json> {
    Some(match leaf {
        l if FALSE_WHEN_NULL.contains(&l) => Json::Bool(false),
        l if EMPTY_WHEN_NULL.contains(&l) => match l {
            "tags" | "nodeLabels" | "userAssignedIdentities" => Json::Object(Default::default()),
            _ => Json::Array(Vec::new()),
        },
        "enableRBAC" | "defaultOutboundAccess" => Json::Bool(true),
        "scaleSetPriority" => Json::from("Regular"),
        "spotMaxPrice" => Json::from(-1),
        "mode" => Json::from("User"),
        "upgradeChannel" | "networkPolicy" => Json::from("none"),
        "networkDataplane" => Json::from("azure"),
        "tier" => Json::from("Free"),
        "nodeOSUpgradeChannel" => Json::from("NodeImage"),
        "supportPlan" => Json::from("KubernetesOfficial"),
        "maxUnavailable" => Json::from("0"),
        "utcOffset" => Json::from("+00:00"),
        _ => return None,
    })
}

/// The live value at a desired pointer: pools of a cluster (`/properties/agentPoolProfiles/N`)
/// are matched by the desired pool's name, object keys case-insensitively.
/// The pointer in the live body that corresponds to the desired body's `pointer`: the same, except
/// that a cluster's pools are found by name (`/properties/agentPoolProfiles/0/vmSize` of the desired
/// body may be index 2 of the live one). `None` when the live body has no such pool; the returned
/// pointer may still name a field the live body lacks.
pub fn live_pointer(pointer: &str, desired: &Json, live: &Json) -> Option<String> {
    let segs = pointer_segments(pointer);
    if segs.len() >= 3 && segs[0] == "properties" && segs[1] == "agentPoolProfiles" {
        let name = desired
            .pointer(&format!("/properties/agentPoolProfiles/{}/name", segs[2]))
            .and_then(Json::as_str)?;
        let index = pointer_ci(live, "/properties/agentPoolProfiles")?
            .as_array()?
            .iter()
            .position(|p| {
                p.get("name")
                    .and_then(Json::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })?;
        let rest: String = segs[3..]
            .iter()
            .map(|s| format!("/{}", super::normalize::escape_segment(s)))
            .collect();
        return Some(format!("/properties/agentPoolProfiles/{index}{rest}"));
    }
    Some(pointer.to_string())
}

/// The live value at the desired body's `pointer` (see [`live_pointer`]), names matched
/// case-insensitively.
pub fn live_at<'a>(pointer: &str, desired: &Json, live: &'a Json) -> Option<&'a Json> {
    pointer_ci(live, &live_pointer(pointer, desired, live)?)
}

/// Whether the live body satisfies the desired body at the managed `pointer`.
pub fn field_matches(pointer: &str, desired: &Json, live: &Json) -> bool {
    let segs = pointer_segments(pointer);
    let leaf = segs.last().map_or("", String::as_str);
    if pointer == "/properties/addressPrefix" || pointer == "/properties/addressPrefixes" {
        return subnet_prefixes(desired) == subnet_prefixes(live);
    }
    let norm = |v: Option<&Json>| match v {
        None | Some(Json::Null) => default_for(leaf).unwrap_or(Json::Null),
        Some(v) => v.clone(),
    };
    let want = norm(desired.pointer(pointer));
    let have = norm(live_at(pointer, desired, live));
    values_match(pointer, leaf, &want, &have)
}

fn values_match(pointer: &str, leaf: &str, want: &Json, have: &Json) -> bool {
    match (leaf, want, have) {
        ("location", Json::String(a), Json::String(b)) => locations_equal(a, b),
        ("kubernetesVersion" | "orchestratorVersion", Json::String(a), Json::String(b)) => {
            k8s_version_matches(a, b)
        }
        ("roleDefinitionId", Json::String(a), Json::String(b)) => {
            let tail = |s: &str| s.rsplit('/').next().unwrap_or(s).to_ascii_lowercase();
            tail(a) == tail(b)
        }
        ("startDate", Json::String(a), Json::String(b)) => date_part(a) == date_part(b),
        ("maxSurge" | "maxUnavailable", Json::String(a), Json::String(b)) => {
            a.trim_end_matches('%') == b.trim_end_matches('%')
        }
        ("useAADAuth" | "enableSecretRotation", a, b) => truthy(a) == truthy(b),
        ("authorizedIPRanges", Json::Array(a), Json::Array(b)) => cidr_sets_equal(strs(a), strs(b)),
        ("userAssignedIdentities", Json::Object(a), Json::Object(b)) => {
            a.len() == b.len() && a.keys().all(|k| b.keys().any(|l| ids_equal(k, l)))
        }
        ("serviceEndpoints", Json::Array(a), Json::Array(b)) => {
            let services =
                |l: &[Json]| sorted_lower(l.iter().filter_map(|e| e.get("service")?.as_str()));
            services(a) == services(b)
        }
        ("securityRules", Json::Array(a), Json::Array(b)) => rules_match(a, b),
        ("addressPrefixes", Json::Array(a), Json::Array(b)) if pointer.contains("addressSpace") => {
            sorted_lower(strs(a)) == sorted_lower(strs(b))
        }
        (l, Json::Array(a), Json::Array(b)) if SETS.contains(&l) => {
            sorted_lower(strs(a)) == sorted_lower(strs(b)) && a.len() == b.len()
        }
        (l, Json::String(a), Json::String(b)) if IDS.contains(&l) => ids_equal(a, b),
        (l, Json::String(a), Json::String(b)) if CASE_INSENSITIVE.contains(&l) => {
            a.eq_ignore_ascii_case(b)
        }
        _ => json_eq(want, have),
    }
}

/// JSON equality with numbers compared by value (`1` = `1.0`).
pub fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn truthy(v: &Json) -> bool {
    match v {
        Json::String(s) => !s.is_empty() && !s.eq_ignore_ascii_case("false"),
        Json::Bool(b) => *b,
        _ => false,
    }
}

fn strs(items: &[Json]) -> Vec<&str> {
    items.iter().filter_map(Json::as_str).collect()
}

fn sorted_lower<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut v: Vec<String> = items.into_iter().map(str::to_ascii_lowercase).collect();
    v.sort();
    v
}

/// A subnet's prefixes, whichever of `addressPrefix` / `addressPrefixes` holds them.
fn subnet_prefixes(body: &Json) -> Vec<String> {
    let props = pointer_ci(body, "/properties");
    let many = props
        .and_then(|p| p.get("addressPrefixes"))
        .and_then(Json::as_array)
        .filter(|a| !a.is_empty());
    match (
        many,
        props
            .and_then(|p| p.get("addressPrefix"))
            .and_then(Json::as_str),
    ) {
        (Some(list), _) => sorted_lower(strs(list)),
        (None, Some(one)) => vec![one.to_ascii_lowercase()],
        (None, None) => Vec::new(),
    }
}

/// NSG rules as a set keyed by name: `""` equals absent, `[]` equals absent, lists are sets,
/// enums ignore case.
fn rules_match(want: &[Json], have: &[Json]) -> bool {
    let name = |r: &Json| {
        r.get("name")
            .and_then(Json::as_str)
            .map(str::to_ascii_lowercase)
    };
    if want.len() != have.len() {
        return false;
    }
    want.iter().all(|w| {
        let Some(h) = have.iter().find(|h| name(h) == name(w)) else {
            return false;
        };
        let empty = Json::Object(Default::default());
        let wp = w.get("properties").unwrap_or(&empty);
        let hp = h.get("properties").unwrap_or(&empty);
        let keys: std::collections::BTreeSet<&String> = wp
            .as_object()
            .into_iter()
            .chain(hp.as_object())
            .flat_map(|m| m.keys())
            .filter(|k| *k != "provisioningState")
            .collect();
        keys.into_iter().all(|k| {
            let blank = |v: Option<&Json>| match v {
                None | Some(Json::Null) => Json::Null,
                Some(Json::String(s)) if s.is_empty() => Json::Null,
                Some(Json::Array(a)) if a.is_empty() => Json::Null,
                Some(v) => v.clone(),
            };
            let (a, b) = (blank(wp.get(k)), blank(hp.get(k)));
            match (&a, &b) {
                (Json::Array(x), Json::Array(y)) => {
                    let flat = |l: &[Json]| {
                        sorted_lower(
                            l.iter()
                                .filter_map(|e| e.as_str().or_else(|| e.get("id")?.as_str())),
                        )
                    };
                    flat(x) == flat(y)
                }
                _ => values_match("", k, &a, &b),
            }
        })
    })
}
