//! AKS's validation rules for cluster and pool bodies: names, required and immutable properties,
//! cross-field requirements (network policy, Defender, Container Insights, local accounts,
//! workload identity) and references to subnets and workspaces that must exist.

use std::net::Ipv4Addr;

use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::emulator::error::{ArmError, ArmResult};
use crate::emulator::store::{Store, key};

const SUBNET: &str = "microsoft.network/virtualnetworks/subnets";
const WORKSPACE: &str = "microsoft.operationalinsights/workspaces";

/// 400 `InvalidParameter` about `target`.
pub fn invalid(target: &str, message: impl Into<String>) -> ArmError {
    ArmError::aks(StatusCode::BAD_REQUEST, "InvalidParameter", message).target(target)
}

/// 400 `InvalidParameter` in AKS's terse form for a bad value.
pub fn invalid_value(target: &str, why: &str) -> ArmError {
    invalid(
        target,
        format!("The value of parameter {target} is invalid. {why}")
            .trim_end()
            .to_string(),
    )
}

/// 400 `OperationNotAllowed`.
pub fn not_allowed(message: impl Into<String>) -> ArmError {
    ArmError::aks(StatusCode::BAD_REQUEST, "OperationNotAllowed", message)
}

/// 400 `PropertyChangeNotAllowed` for an immutable property.
pub fn change_not_allowed(target: &str) -> ArmError {
    ArmError::aks(
        StatusCode::BAD_REQUEST,
        "PropertyChangeNotAllowed",
        format!("Changing property '{target}' is not allowed."),
    )
    .target(target)
}

fn text<'m>(m: &'m Map<String, Value>, pointer: &str) -> Option<&'m str> {
    lookup(m, pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn flag(m: &Map<String, Value>, pointer: &str) -> bool {
    lookup(m, pointer).and_then(Value::as_bool).unwrap_or(false)
}

/// A JSON pointer into a properties map.
pub fn lookup<'m>(m: &'m Map<String, Value>, pointer: &str) -> Option<&'m Value> {
    let mut parts = pointer.trim_start_matches('/').splitn(2, '/');
    let first = m.get(parts.next()?)?;
    match parts.next() {
        Some(rest) => first.pointer(&format!("/{rest}")),
        None => Some(first),
    }
    .filter(|v| !v.is_null())
}

/// Whether two values differ, comparing strings case-insensitively.
fn differs(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(Value::String(x)), Some(Value::String(y))) => !x.eq_ignore_ascii_case(y),
        (a, b) => a != b,
    }
}

/// Immutable cluster properties: (pointer below `properties`, target, value when absent).
const IMMUTABLE: &[(&str, &str, Option<bool>)] = &[
    ("/dnsPrefix", "dnsPrefix", None),
    ("/fqdnSubdomain", "fqdnSubdomain", None),
    ("/nodeResourceGroup", "nodeResourceGroup", None),
    ("/enableRBAC", "enableRBAC", Some(true)),
    (
        "/apiServerAccessProfile/enablePrivateCluster",
        "apiServerAccessProfile.enablePrivateCluster",
        Some(false),
    ),
];

/// Whether a workspace id names a Log Analytics workspace the emulator holds.
pub fn workspace_exists(store: &Store, id: &str) -> bool {
    store.get(id).is_some_and(|d| d.kind == WORKSPACE)
}

fn workspace(store: &Store, id: Option<&str>, target: &str, what: &str) -> ArmResult<()> {
    let Some(id) = id else {
        return Err(invalid(
            target,
            format!("{what} needs a Log Analytics workspace: {target} is required."),
        ));
    };
    if workspace_exists(store, id) {
        return Ok(());
    }
    Err(ArmError::aks(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        format!("The Log Analytics workspace '{id}' referenced by {target} was not found."),
    )
    .target(target))
}

/// A case-insensitive key of an object.
pub fn key_ci<'m>(m: &'m Map<String, Value>, name: &str) -> Option<(&'m String, &'m Value)> {
    m.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))
}

/// The cluster-level rules. `old` is the stored properties of an existing cluster; `new` the
/// properties after the request was merged in, before defaults are filled.
pub fn check_cluster(
    store: &Store,
    old: Option<&Map<String, Value>>,
    new: &Map<String, Value>,
) -> ArmResult<()> {
    if let Some(old) = old {
        for (pointer, target, absent) in IMMUTABLE {
            let dflt = absent.map(Value::Bool);
            let before = lookup(old, pointer).or(dflt.as_ref());
            if let Some(after) = lookup(new, pointer)
                && differs(before, Some(after))
            {
                return Err(change_not_allowed(target));
            }
        }
        let plugin = "/networkProfile/networkPlugin";
        if let (Some(before), Some(after)) = (text(old, plugin), text(new, plugin))
            && !before.eq_ignore_ascii_case(after)
        {
            let overlay = text(new, "/networkProfile/networkPluginMode")
                .is_some_and(|m| m.eq_ignore_ascii_case("overlay"));
            let migration = before.eq_ignore_ascii_case("kubenet")
                && after.eq_ignore_ascii_case("azure")
                && overlay;
            if !migration {
                return Err(change_not_allowed("networkProfile.networkPlugin"));
            }
        }
        if flag(old, "/aadProfile/managed")
            && lookup(new, "/aadProfile/managed").and_then(Value::as_bool) == Some(false)
        {
            return Err(change_not_allowed("aadProfile.managed"));
        }
        if flag(old, "/oidcIssuerProfile/enabled")
            && lookup(new, "/oidcIssuerProfile/enabled").and_then(Value::as_bool) == Some(false)
        {
            return Err(not_allowed(
                "Operation is not allowed: the OIDC issuer cannot be disabled once it has been enabled.",
            ));
        }
    }
    let private = flag(new, "/apiServerAccessProfile/enablePrivateCluster");
    match (text(new, "/dnsPrefix"), text(new, "/fqdnSubdomain")) {
        (None, None) if old.is_none() => {
            let which = if private {
                "dnsPrefix or fqdnSubdomain"
            } else {
                "dnsPrefix"
            };
            return Err(invalid(
                "dnsPrefix",
                format!("The value of parameter dnsPrefix is invalid: {which} must be specified."),
            ));
        }
        (Some(_), Some(_)) => {
            return Err(invalid(
                "fqdnSubdomain",
                "Only one of dnsPrefix and fqdnSubdomain can be specified.",
            ));
        }
        (None, Some(_)) if !private => {
            return Err(invalid(
                "fqdnSubdomain",
                "fqdnSubdomain can only be used with private clusters (apiServerAccessProfile.enablePrivateCluster).",
            ));
        }
        (Some(p), _) => {
            let ok = (1..=54).contains(&p.len())
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !p.starts_with('-')
                && !p.ends_with('-');
            if !ok {
                return Err(invalid_value(
                    "dnsPrefix",
                    "It must be 1 to 54 characters of letters, numbers and '-', starting and ending with a letter or number.",
                ));
            }
        }
        _ => {}
    }
    network(new)?;
    security(store, new)?;
    if flag(new, "/disableLocalAccounts") && !flag(new, "/aadProfile/managed") {
        return Err(ArmError::aks(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "Local accounts can only be disabled on AAD-enabled clusters: disableLocalAccounts can only be set on Azure AD integration enabled cluster. Please integrate your cluster with AAD (aadProfile.managed).",
        ));
    }
    if flag(new, "/aadProfile/managed") && lookup(new, "/enableRBAC") == Some(&Value::Bool(false)) {
        return Err(invalid(
            "aadProfile",
            "AKS-managed Azure AD integration needs Kubernetes RBAC (enableRBAC).",
        ));
    }
    Ok(())
}

fn cidr(s: &str) -> Option<(u32, u32)> {
    let (a, l) = s.split_once('/')?;
    let addr: Ipv4Addr = a.parse().ok()?;
    let len: u32 = l.parse().ok().filter(|l| *l <= 32)?;
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Some((u32::from(addr) & mask, (u32::from(addr) & mask) | !mask))
}

fn network(new: &Map<String, Value>) -> ArmResult<()> {
    let plugin = text(new, "/networkProfile/networkPlugin").unwrap_or("azure");
    if let Some(policy) = text(new, "/networkProfile/networkPolicy")
        && policy.eq_ignore_ascii_case("azure")
        && !plugin.eq_ignore_ascii_case("azure")
    {
        return Err(invalid(
            "networkProfile.networkPolicy",
            format!(
                "Network policy 'azure' requires network plugin 'azure', but networkPlugin is '{plugin}'."
            ),
        ));
    }
    for (pointer, max) in [
        (
            "/networkProfile/loadBalancerProfile/managedOutboundIPs/count",
            100,
        ),
        (
            "/networkProfile/natGatewayProfile/managedOutboundIPProfile/count",
            16,
        ),
    ] {
        if let Some(v) = lookup(new, pointer)
            && !v.as_i64().is_some_and(|n| (1..=max).contains(&n))
        {
            let target = pointer.trim_start_matches('/').replace('/', ".");
            return Err(invalid_value(
                &target,
                &format!("It must be between 1 and {max}."),
            ));
        }
    }
    if let Some(service) = text(new, "/networkProfile/serviceCidr") {
        let Some((lo, hi)) = cidr(service) else {
            return Err(invalid_value(
                "networkProfile.serviceCidr",
                "It must be an IPv4 CIDR.",
            ));
        };
        if let Some(dns) = text(new, "/networkProfile/dnsServiceIP") {
            let inside = dns
                .parse::<Ipv4Addr>()
                .is_ok_and(|ip| (lo..=hi).contains(&u32::from(ip)));
            if !inside {
                return Err(invalid_value(
                    "networkProfile.dnsServiceIP",
                    "dnsServiceIP must be an address within serviceCidr.",
                ));
            }
        }
    }
    Ok(())
}

fn security(store: &Store, new: &Map<String, Value>) -> ArmResult<()> {
    if let Some(addons) = new.get("addonProfiles").and_then(Value::as_object) {
        for (name, addon) in addons {
            if addon.get("enabled").and_then(Value::as_bool).is_none() {
                return Err(invalid(
                    &format!("addonProfiles.{name}.enabled"),
                    format!("Addon '{name}' needs 'enabled' (true or false)."),
                ));
            }
            if addon
                .get("config")
                .is_some_and(|c| !c.is_null() && !c.is_object())
            {
                return Err(invalid(
                    &format!("addonProfiles.{name}.config"),
                    format!("The config of addon '{name}' must be an object of strings."),
                ));
            }
        }
    }
    if flag(new, "/securityProfile/defender/securityMonitoring/enabled") {
        workspace(
            store,
            text(
                new,
                "/securityProfile/defender/logAnalyticsWorkspaceResourceId",
            ),
            "securityProfile.defender.logAnalyticsWorkspaceResourceId",
            "Microsoft Defender",
        )?;
    }
    if let Some(addons) = new.get("addonProfiles").and_then(Value::as_object)
        && let Some((_, oms)) = key_ci(addons, "omsagent")
        && oms.get("enabled").and_then(Value::as_bool) == Some(true)
    {
        let id = oms
            .get("config")
            .and_then(Value::as_object)
            .and_then(|c| key_ci(c, "logAnalyticsWorkspaceResourceID"))
            .and_then(|(_, v)| v.as_str())
            .filter(|s| !s.is_empty());
        workspace(
            store,
            id,
            "addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID",
            "The omsagent addon",
        )?;
    }
    if flag(new, "/securityProfile/workloadIdentity/enabled")
        && !flag(new, "/oidcIssuerProfile/enabled")
    {
        return Err(invalid(
            "securityProfile.workloadIdentity",
            "Enabling workload identity requires the OIDC issuer: set oidcIssuerProfile.enabled to true.",
        ));
    }
    Ok(())
}

/// The pool-level rules. `old` and `new` are pool properties with defaults filled.
pub fn check_pool(
    store: &Store,
    old: Option<&Map<String, Value>>,
    new: &Map<String, Value>,
) -> ArmResult<()> {
    if let Some(old) = old {
        for field in ["osType", "osDiskType", "vnetSubnetID"] {
            if differs(old.get(field), new.get(field)) {
                return Err(change_not_allowed(&format!("agentPoolProfile.{field}")));
            }
        }
    }
    for field in ["vnetSubnetID", "podSubnetID"] {
        if let Some(v) = new.get(field).filter(|v| !v.is_null()) {
            let ok = v
                .as_str()
                .and_then(|id| store.get(id))
                .is_some_and(|d| d.kind == SUBNET);
            if !ok {
                return Err(invalid_value(&format!("agentPoolProfile.{field}"), ""));
            }
        }
    }
    if let (Some(a), Some(b)) = (text(new, "/vnetSubnetID"), text(new, "/podSubnetID"))
        && key(a) == key(b)
    {
        return Err(invalid_value(
            "agentPoolProfile.podSubnetID",
            "The pod subnet must differ from the node subnet.",
        ));
    }
    let system = text(new, "/mode").is_some_and(|m| m.eq_ignore_ascii_case("System"));
    let windows = text(new, "/osType").is_some_and(|o| o.eq_ignore_ascii_case("Windows"));
    if system && windows {
        return Err(invalid_value(
            "agentPoolProfile.mode",
            "Windows agent pools cannot be System pools.",
        ));
    }
    let int = |f: &str| new.get(f).and_then(Value::as_i64);
    let count = int("count").unwrap_or(0);
    let min = if system { 1 } else { 0 };
    if !(min..=1000).contains(&count) {
        let why = if system {
            "System pools need 1 to 1000 nodes; only User pools can have 0."
        } else {
            "The node count must be between 0 and 1000."
        };
        return Err(invalid_value("agentPoolProfile.count", why));
    }
    if flag(new, "/enableAutoScaling") {
        let (Some(lo), Some(hi)) = (int("minCount"), int("maxCount")) else {
            return Err(invalid_value(
                "agentPoolProfile.minCount",
                "minCount and maxCount are required when enableAutoScaling is true.",
            ));
        };
        if lo < min || hi > 1000 || lo > hi {
            return Err(invalid_value(
                "agentPoolProfile.minCount",
                &format!("minCount must be between {min} and maxCount, and maxCount at most 1000."),
            ));
        }
        if !(lo..=hi).contains(&count) {
            return Err(invalid_value(
                "agentPoolProfile.count",
                &format!("The count {count} must be in the range [minCount {lo}, maxCount {hi}]."),
            ));
        }
    }
    if let Some(p) = int("maxPods")
        && !(10..=250).contains(&p)
    {
        return Err(invalid_value(
            "agentPoolProfile.maxPods",
            "maxPods must be between 10 and 250.",
        ));
    }
    if let Some(code) = text(new, "/powerState/code")
        && !["Running", "Stopped"]
            .iter()
            .any(|c| c.eq_ignore_ascii_case(code))
    {
        return Err(invalid_value(
            "agentPoolProfile.powerState.code",
            "It must be Running or Stopped.",
        ));
    }
    Ok(())
}
