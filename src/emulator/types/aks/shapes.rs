//! The shape of request bodies, checked before any rule looks at values: the JSON types of
//! cluster and pool fields (refused as ARM refuses a body it cannot deserialize), the cluster and
//! pool name patterns, and the `agentPoolProfiles` list.

use serde_json::{Map, Value};

use super::rules::invalid;
use crate::emulator::error::{ArmError, ArmResult};

/// The JSON type a field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Str,
    /// A whole number.
    Int,
    /// `true` or `false`.
    Bool,
    /// An object.
    Obj,
    /// An array.
    Arr,
}

/// Cluster properties with a fixed JSON type.
pub const CLUSTER: &[(&str, Kind)] = &[
    ("kubernetesVersion", Kind::Str),
    ("dnsPrefix", Kind::Str),
    ("fqdnSubdomain", Kind::Str),
    ("nodeResourceGroup", Kind::Str),
    ("supportPlan", Kind::Str),
    ("enableRBAC", Kind::Bool),
    ("disableLocalAccounts", Kind::Bool),
    ("networkProfile", Kind::Obj),
    ("aadProfile", Kind::Obj),
    ("autoUpgradeProfile", Kind::Obj),
    ("apiServerAccessProfile", Kind::Obj),
    ("addonProfiles", Kind::Obj),
    ("securityProfile", Kind::Obj),
    ("oidcIssuerProfile", Kind::Obj),
    ("identityProfile", Kind::Obj),
    ("agentPoolProfiles", Kind::Arr),
];

/// Pool properties with a fixed JSON type.
pub const POOL: &[(&str, Kind)] = &[
    ("count", Kind::Int),
    ("minCount", Kind::Int),
    ("maxCount", Kind::Int),
    ("maxPods", Kind::Int),
    ("osDiskSizeGB", Kind::Int),
    ("vmSize", Kind::Str),
    ("osType", Kind::Str),
    ("osSKU", Kind::Str),
    ("osDiskType", Kind::Str),
    ("mode", Kind::Str),
    ("orchestratorVersion", Kind::Str),
    ("vnetSubnetID", Kind::Str),
    ("podSubnetID", Kind::Str),
    ("enableAutoScaling", Kind::Bool),
    ("enableNodePublicIP", Kind::Bool),
    ("enableFIPS", Kind::Bool),
    ("upgradeSettings", Kind::Obj),
    ("powerState", Kind::Obj),
    ("nodeLabels", Kind::Obj),
    ("tags", Kind::Obj),
    ("nodeTaints", Kind::Arr),
    ("availabilityZones", Kind::Arr),
];

/// 400 `InvalidRequestContent` when a field of `m` (named `{prefix}{field}` in the message) has
/// the wrong JSON type; `null` is always fine.
pub fn check(m: &Map<String, Value>, fields: &[(&str, Kind)], prefix: &str) -> ArmResult<()> {
    for (field, kind) in fields {
        let Some(v) = m.get(*field).filter(|v| !v.is_null()) else {
            continue;
        };
        let ok = match kind {
            Kind::Str => v.is_string(),
            Kind::Int => v.is_i64() || v.is_u64(),
            Kind::Bool => v.is_boolean(),
            Kind::Obj => v.is_object(),
            Kind::Arr => v.is_array(),
        };
        if !ok {
            let want = match kind {
                Kind::Str => "a string",
                Kind::Int => "an integer",
                Kind::Bool => "a boolean",
                Kind::Obj => "an object",
                Kind::Arr => "an array",
            };
            return Err(ArmError::bad_body(format!(
                "The request content was invalid and could not be deserialized: '{prefix}{field}' must be {want}, not {v}."
            )));
        }
    }
    Ok(())
}

/// The cluster name pattern: 1–63 letters, digits, `-` and `_`, starting and ending with a letter
/// or digit.
pub fn cluster_name(name: &str) -> ArmResult<()> {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let ok = (1..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && edge(name.chars().next())
        && edge(name.chars().last());
    if ok {
        return Ok(());
    }
    Err(invalid(
        "resourceName",
        format!(
            "Resource name '{name}' is invalid. It must be 1 to 63 characters long, contain only letters, numbers, '-' and '_', and start and end with a letter or number."
        ),
    ))
}

/// The agent pool name pattern `^[a-z][a-z0-9]{0,11}$`; Windows pools at most 6 characters.
pub fn pool_name(name: &str, windows: bool) -> ArmResult<()> {
    let max = if windows { 6 } else { 12 };
    let ok = name.len() <= max
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if ok {
        return Ok(());
    }
    let kind = if windows {
        "Windows agent pool"
    } else {
        "agent pool"
    };
    Err(invalid(
        "agentPoolProfile.name",
        format!(
            "The {kind} name '{name}' is invalid. It must start with a lowercase letter, have max length of {max}, and only have characters a-z0-9."
        ),
    ))
}

/// The pools a cluster body lists, with their names, checked for shape and duplicates.
pub fn pool_inputs(props: &Map<String, Value>) -> ArmResult<Vec<(String, Map<String, Value>)>> {
    let list = match props.get("agentPoolProfiles") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => {
            return Err(invalid(
                "agentPoolProfiles",
                "agentPoolProfiles must be an array.",
            ));
        }
    };
    let mut out: Vec<(String, Map<String, Value>)> = Vec::new();
    for item in list {
        let m = item.as_object().cloned().unwrap_or_default();
        let name = m
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| {
                invalid(
                    "agentPoolProfile.name",
                    "Every agent pool profile needs a name.",
                )
            })?
            .to_string();
        if out.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            return Err(invalid(
                "agentPoolProfile.name",
                format!("Agent pool name '{name}' is used more than once in agentPoolProfiles."),
            ));
        }
        out.push((name, m));
    }
    Ok(out)
}
