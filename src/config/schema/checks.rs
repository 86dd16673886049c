//! Value checks used by the schemas: name patterns, ranges, CIDRs, GUIDs and ARM id shapes.

use std::net::{IpAddr, Ipv4Addr};

use crate::config::value::Value;

/// `Ok` when `ok`, else the message.
fn ensure(ok: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(message()) }
}

fn string(v: &Value) -> Option<&str> {
    v.as_str()
}

/// An Azure region name: letters and digits (spaces allowed, as Azure normalizes them away).
pub fn location(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ') {
        return Err(format!(
            "{s:?} is not an Azure region; use a name such as \"westeurope\" or \"West Europe\""
        ));
    }
    Ok(())
}

/// A GUID such as an Entra object id.
pub fn guid(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    if is_guid(s) {
        Ok(())
    } else {
        Err(format!(
            "{s:?} is not a GUID (expected 8-4-4-4-12 hex digits, e.g. \
             00000000-0000-0000-0000-000000000000)"
        ))
    }
}

/// Every element of a list is a GUID.
pub fn guids(v: &Value) -> Result<(), String> {
    for item in v.as_seq().unwrap_or_default() {
        guid(item)?;
    }
    Ok(())
}

/// Whether `s` is a GUID.
pub fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A CIDR block `a.b.c.d/n` (IPv4 or IPv6).
pub fn cidr(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    parse_cidr(s).map(|_| ())
}

/// Every element is a CIDR block.
pub fn cidrs(v: &Value) -> Result<(), String> {
    for item in v.as_seq().unwrap_or_default() {
        cidr(item)?;
    }
    Ok(())
}

/// Every element is a CIDR block or a bare IPv4 address (which Azure reads as /32).
pub fn cidrs_or_ips(v: &Value) -> Result<(), String> {
    for item in v.as_seq().unwrap_or_default() {
        if let Some(s) = item.as_str()
            && !s.contains('/')
        {
            if s.parse::<Ipv4Addr>().is_err() {
                return Err(format!("{s:?} is not an IPv4 address or CIDR block"));
            }
            continue;
        }
        cidr(item)?;
    }
    Ok(())
}

/// Parses a CIDR block into its address and prefix length.
///
/// # Errors
///
/// Says what is wrong.
pub fn parse_cidr(s: &str) -> Result<(IpAddr, u8), String> {
    let (addr, len) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?} is not a CIDR block (expected e.g. \"10.0.0.0/16\")"))?;
    let addr: IpAddr = addr
        .parse()
        .map_err(|_| format!("{s:?} is not a CIDR block: {addr:?} is not an IP address"))?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let len: u8 =
        len.parse().ok().filter(|l| *l <= max).ok_or_else(|| {
            format!("{s:?} is not a CIDR block: the prefix length must be 0-{max}")
        })?;
    Ok((addr, len))
}

/// The first and last address of an IPv4 CIDR block as integers.
pub fn ipv4_range(s: &str) -> Option<(u32, u32)> {
    let (IpAddr::V4(addr), len) = parse_cidr(s).ok()? else {
        return None;
    };
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    let start = u32::from(addr) & mask;
    Some((start, start | !mask))
}

/// An IPv4 address.
pub fn ipv4(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    s.parse::<Ipv4Addr>()
        .map(|_| ())
        .map_err(|_| format!("{s:?} is not an IPv4 address"))
}

/// An ARM resource id (`/subscriptions/...`).
pub fn arm_id(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    if s.to_ascii_lowercase().starts_with("/subscriptions/") && s.split('/').count() >= 3 {
        Ok(())
    } else {
        Err(format!(
            "{s:?} is not an Azure resource id (expected \"/subscriptions/<id>/resourceGroups/...\"); \
             reference the resource's id attribute, e.g. azurerm_subnet.nodes.id"
        ))
    }
}

/// A role definition id: subscription-scoped or tenant-scoped (`/providers/Microsoft.Authorization/...`).
pub fn arm_id_or_role(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    let lower = s.to_ascii_lowercase();
    let ok = (lower.starts_with("/subscriptions/") || lower.starts_with("/providers/"))
        && lower.contains("/providers/microsoft.authorization/roledefinitions/")
        && s.rsplit('/').next().is_some_and(is_guid);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{s:?} is not a role definition id (expected              \"/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<guid>\");              or set role_definition_name to a role's name instead"
        ))
    }
}

fn arm_id_of(v: &Value, provider_type: &str, example: &str) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    arm_id(v)?;
    let lower = s.to_ascii_lowercase();
    if lower.contains(&format!(
        "/providers/{}/",
        provider_type.to_ascii_lowercase()
    )) {
        Ok(())
    } else {
        Err(format!(
            "{s:?} is not the id of a {provider_type} resource; reference it as {example}"
        ))
    }
}

/// The id of a subnet.
pub fn subnet_id(v: &Value) -> Result<(), String> {
    arm_id_of(
        v,
        "Microsoft.Network/virtualNetworks",
        "azurerm_subnet.<name>.id",
    )?;
    match string(v) {
        Some(s) if !s.to_ascii_lowercase().contains("/subnets/") => Err(format!(
            "{s:?} is a virtual network id, not a subnet id; reference azurerm_subnet.<name>.id"
        )),
        _ => Ok(()),
    }
}

/// The id of a Log Analytics workspace.
pub fn workspace_id(v: &Value) -> Result<(), String> {
    arm_id_of(
        v,
        "Microsoft.OperationalInsights/workspaces",
        "azurerm_log_analytics_workspace.<name>.id",
    )
}

/// The id of an AKS cluster.
pub fn cluster_id(v: &Value) -> Result<(), String> {
    arm_id_of(
        v,
        "Microsoft.ContainerService/managedClusters",
        "azurerm_kubernetes_cluster.<name>.id",
    )
}

/// The id of a network security group.
pub fn nsg_id(v: &Value) -> Result<(), String> {
    arm_id_of(
        v,
        "Microsoft.Network/networkSecurityGroups",
        "azurerm_network_security_group.<name>.id",
    )
}

/// The id of a user-assigned identity.
pub fn identity_ids(v: &Value) -> Result<(), String> {
    for item in v.as_seq().unwrap_or_default() {
        arm_id_of(
            item,
            "Microsoft.ManagedIdentity/userAssignedIdentities",
            "a user-assigned identity's id",
        )?;
    }
    Ok(())
}

/// A whole number in `lo..=hi`.
pub fn int_in(v: &Value, lo: i64, hi: i64) -> Result<(), String> {
    let Some(n) = v.as_number() else {
        return Ok(());
    };
    #[allow(clippy::cast_precision_loss)]
    if n.fract() != 0.0 || n < lo as f64 || n > hi as f64 {
        return Err(format!(
            "{} is out of range: expected a whole number from {lo} to {hi}",
            crate::config::value::format_number(n)
        ));
    }
    Ok(())
}

/// A Kubernetes version such as `1.30` or `1.30.7`.
pub fn k8s_version(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    let parts: Vec<&str> = s.split('.').collect();
    if (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        Ok(())
    } else {
        Err(format!(
            "{s:?} is not a Kubernetes version; write MAJOR.MINOR (\"1.30\") or MAJOR.MINOR.PATCH (\"1.30.7\")"
        ))
    }
}

/// An agent pool name: lowercase letters and digits, starting with a letter, at most 12.
pub fn pool_name(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    let mut chars = s.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.len() <= 12;
    ensure(ok, || {
        format!(
            "{s:?} is not a valid node pool name: it must match ^[a-z][a-z0-9]{{0,11}}$ \
             (lowercase letters and digits, starting with a letter, at most 12 characters)"
        )
    })
}

/// An AKS cluster name (1–63 characters: letters, digits, `-` and `_`, alphanumeric at both ends).
pub fn cluster_name(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric());
    ensure(ok, || {
        format!(
            "{s:?} is not a valid cluster name: 1-63 letters, digits, '-' or '_', starting and \
             ending with a letter or digit"
        )
    })
}

/// A DNS prefix: 1–54 characters, letters, digits and `-`, alphanumeric at both ends.
pub fn dns_prefix(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    let ok = !s.is_empty()
        && s.len() <= 54
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric());
    ensure(ok, || {
        format!(
            "{s:?} is not a valid DNS prefix: 1-54 letters, digits or '-', starting and ending \
             with a letter or digit"
        )
    })
}

/// A resource group name: 1–90 characters of letters, digits, `._-()`, not ending in a period.
pub fn resource_group_name(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    let ok = !s.is_empty()
        && s.len() <= 90
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '(' | ')'))
        && !s.ends_with('.');
    ensure(ok, || {
        format!(
            "{s:?} is not a valid resource group name: 1-90 letters, digits, '.', '_', '-', '(' \
             or ')', not ending with '.'"
        )
    })
}

/// A time of day `HH:mm`.
pub fn time_of_day(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    let ok = s.len() == 5
        && s.as_bytes()[2] == b':'
        && s[..2].parse::<u8>().is_ok_and(|h| h < 24)
        && s[3..].parse::<u8>().is_ok_and(|m| m < 60);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{s:?} is not a time of day; write HH:mm, e.g. \"02:00\""
        ))
    }
}

/// A UTC offset `+05:30` / `-08:00`.
pub fn utc_offset(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    let ok = s.len() == 6
        && matches!(s.as_bytes()[0], b'+' | b'-')
        && s.as_bytes()[3] == b':'
        && s[1..3].parse::<u8>().is_ok_and(|h| h <= 14)
        && s[4..].parse::<u8>().is_ok_and(|m| m < 60);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{s:?} is not a UTC offset; write e.g. \"+00:00\" or \"-05:30\""
        ))
    }
}

/// An RFC 3339 timestamp or a date `YYYY-MM-DD`.
pub fn date(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    let d = s.get(..10).unwrap_or("");
    let parts: Vec<&str> = d.split('-').collect();
    let ok = parts.len() == 3
        && parts[0].len() == 4
        && parts[0].parse::<u16>().is_ok()
        && parts[1].parse::<u8>().is_ok_and(|m| (1..=12).contains(&m))
        && parts[2].parse::<u8>().is_ok_and(|d| (1..=31).contains(&d))
        && (s.len() == 10 || s.as_bytes().get(10) == Some(&b'T'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{s:?} is not a date; write YYYY-MM-DD or an RFC 3339 time such as \
             \"2026-01-01T00:00:00Z\""
        ))
    }
}

/// A max surge: a positive number of nodes or a percentage (`"10%"`, `"1"`).
pub fn surge(v: &Value) -> Result<(), String> {
    let Some(s) = string(v) else { return Ok(()) };
    let number = s.strip_suffix('%').unwrap_or(s);
    if number.parse::<u32>().is_ok() {
        Ok(())
    } else {
        Err(format!(
            "{s:?} is not a surge value; write a node count (\"1\") or a percentage (\"33%\")"
        ))
    }
}

/// A Kubernetes taint `key=value:Effect`.
pub fn taints(v: &Value) -> Result<(), String> {
    for item in v.as_seq().unwrap_or_default() {
        let Some(s) = item.as_str() else { continue };
        let effect = s.rsplit_once(':').map(|(_, e)| e);
        if !matches!(
            effect,
            Some("NoSchedule" | "PreferNoSchedule" | "NoExecute")
        ) || s.starts_with(['=', ':'])
        {
            return Err(format!(
                "{s:?} is not a taint; write key=value:Effect with Effect NoSchedule, \
                 PreferNoSchedule or NoExecute"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(f: fn(&Value) -> Result<(), String>, s: &str) -> bool {
        f(&Value::from(s)).is_ok()
    }

    #[test]
    fn checks_accept_and_reject() {
        assert!(ok(guid, "6a5e1f2b-0000-4c1a-9b1e-1234567890ab"));
        assert!(!ok(guid, "not-a-guid"));
        assert!(ok(cidr, "10.0.0.0/16"));
        assert!(!ok(cidr, "10.0.0.0/33"));
        assert!(!ok(cidr, "10.0.0.0"));
        assert!(ok(pool_name, "system"));
        assert!(!ok(pool_name, "System"));
        assert!(!ok(pool_name, "averyverylongname"));
        assert!(ok(k8s_version, "1.30"));
        assert!(ok(k8s_version, "1.30.7"));
        assert!(!ok(k8s_version, "v1.30"));
        assert!(ok(time_of_day, "02:30"));
        assert!(!ok(time_of_day, "25:00"));
        assert!(ok(utc_offset, "+05:30"));
        assert!(!ok(utc_offset, "05:30"));
        assert!(ok(date, "2026-01-01T00:00:00Z"));
        assert!(ok(date, "2026-01-01"));
        assert!(!ok(date, "01/01/2026"));
        assert!(ok(surge, "33%"));
        assert!(!ok(surge, "lots"));
        assert!(ok(location, "West Europe"));
        assert!(!ok(location, "west-europe"));
        assert!(ok(dns_prefix, "aks-prod"));
        assert!(!ok(dns_prefix, "-aks"));
        assert!(ok(cluster_name, "aks_prod-1"));
        assert!(ok(resource_group_name, "rg-aks(prod)"));
        assert!(!ok(resource_group_name, "rg."));
    }

    #[test]
    fn ids_are_checked_by_type() {
        let subnet = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/n";
        assert!(ok(subnet_id, subnet));
        assert!(!ok(
            subnet_id,
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"
        ));
        assert!(!ok(subnet_id, "nodes"));
        assert!(!ok(workspace_id, subnet));
    }

    #[test]
    fn ipv4_ranges() {
        assert_eq!(ipv4_range("10.0.0.0/24"), Some((0x0A00_0000, 0x0A00_00FF)));
        assert_eq!(ipv4_range("10.0.0.5/32"), Some((0x0A00_0005, 0x0A00_0005)));
        assert_eq!(ipv4_range("0.0.0.0/0"), Some((0, u32::MAX)));
        assert_eq!(ipv4_range("::/0"), None);
    }

    #[test]
    fn taints_and_ranges() {
        let t = Value::List(vec!["dedicated=gpu:NoSchedule".into()]);
        assert!(taints(&t).is_ok());
        let bad = Value::List(vec!["dedicated=gpu".into()]);
        assert!(taints(&bad).is_err());
        assert!(int_in(&Value::from(5.0), 1, 10).is_ok());
        assert!(int_in(&Value::from(0.0), 1, 10).is_err());
        assert!(int_in(&Value::from(1.5), 1, 10).is_err());
    }
}
