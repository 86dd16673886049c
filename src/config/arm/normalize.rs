//! Pure normalisation helpers for noise-free diffs (§9 of `azurerm-to-arm.md`): locations, ids
//! and enums compared case-insensitively, CIDR canonicalisation, Kubernetes version aliases,
//! dates, and JSON pointers (including a case-insensitive lookup, since ARM returns keys such as
//! add-on names in varying case).

use std::net::IpAddr;

use serde_json::Value as Json;

use crate::model::ResourceId;

/// A location as ARM returns it: lowercase, without spaces (`"West Europe"` → `"westeurope"`).
pub fn normalize_location(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether two locations name the same region.
pub fn locations_equal(a: &str, b: &str) -> bool {
    normalize_location(a) == normalize_location(b)
}

/// Whether two ARM resource ids are the same resource: parsed and compared case-insensitively
/// (segment casing varies on read-back), or as text ignoring case and a trailing `/` when either
/// does not parse.
pub fn ids_equal(a: &str, b: &str) -> bool {
    match (a.parse::<ResourceId>(), b.parse::<ResourceId>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a
            .trim_end_matches('/')
            .eq_ignore_ascii_case(b.trim_end_matches('/')),
    }
}

/// Whether two enum values are the same, ignoring ASCII case (`"Overlay"` = `"overlay"`).
pub fn enum_eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The spelling from `allowed` that `value` matches case-insensitively, else `value` itself:
/// brings a live enum back to the azurerm spelling (`"Standard"` → `"standard"` for
/// `load_balancer_sku`).
pub fn canonical_enum(value: &str, allowed: &[&str]) -> String {
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value))
        .map_or_else(|| value.to_string(), |a| (*a).to_string())
}

/// A CIDR block in canonical form: a bare address gets its host prefix (`/32`, or `/128` for
/// IPv6), as ARM returns authorized IP ranges. Anything that is not an address is returned as is.
pub fn canonical_cidr(s: &str) -> String {
    let s = s.trim();
    match s.split_once('/') {
        Some((addr, len)) => match (addr.parse::<IpAddr>(), len.parse::<u8>()) {
            (Ok(ip), Ok(len)) => format!("{ip}/{len}"),
            _ => s.to_string(),
        },
        None => match s.parse::<IpAddr>() {
            Ok(ip @ IpAddr::V4(_)) => format!("{ip}/32"),
            Ok(ip @ IpAddr::V6(_)) => format!("{ip}/128"),
            Err(_) => s.to_string(),
        },
    }
}

/// Whether two lists of CIDR blocks hold the same blocks, in any order, after
/// [`canonical_cidr`].
pub fn cidr_sets_equal<'a>(
    a: impl IntoIterator<Item = &'a str>,
    b: impl IntoIterator<Item = &'a str>,
) -> bool {
    let canon = |it: &mut dyn Iterator<Item = &'a str>| {
        let mut v: Vec<String> = it.map(canonical_cidr).collect();
        v.sort();
        v.dedup();
        v
    };
    canon(&mut a.into_iter()) == canon(&mut b.into_iter())
}

/// Whether the live Kubernetes version satisfies the configured one: equal, or the configured
/// version is an alias (`MAJOR.MINOR`) of the live patch version (`"1.33"` matches `"1.33.5"`,
/// not `"1.34.0"` nor `"1.3.3"`).
pub fn k8s_version_matches(config: &str, live: &str) -> bool {
    let c: Vec<&str> = config.trim().split('.').collect();
    let l: Vec<&str> = live.trim().split('.').collect();
    if c.is_empty() || c.len() > l.len() || c.iter().any(|p| p.is_empty()) {
        return false;
    }
    c.iter()
        .zip(&l)
        .all(|(a, b)| match (a.parse::<u64>(), b.parse::<u64>()) {
            (Ok(x), Ok(y)) => x == y,
            _ => a == b,
        })
}

/// The `YYYY-MM-DD` part of a date or RFC 3339 time (`"2026-01-05T00:00:00Z"` → `"2026-01-05"`).
pub fn date_part(s: &str) -> &str {
    s.get(..10).filter(|d| d.len() == 10).unwrap_or(s)
}

/// The segments of a JSON pointer, unescaped (`~1` → `/`, `~0` → `~`).
pub fn pointer_segments(ptr: &str) -> Vec<String> {
    if ptr.is_empty() {
        return Vec::new();
    }
    ptr.trim_start_matches('/')
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// One pointer segment escaped (`/` → `~1`, `~` → `~0`).
pub fn escape_segment(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Whether `inner` is `outer` or lies inside it (`/a/b` is within `/a`, `/ab` is not).
pub fn pointer_within(inner: &str, outer: &str) -> bool {
    inner == outer
        || (inner.starts_with(outer) && inner.as_bytes().get(outer.len()) == Some(&b'/'))
        || outer.is_empty()
}

/// The value at a JSON pointer, matching object keys exactly first and then ignoring ASCII case
/// (`/properties/addonProfiles/omsagent` finds `omsAgent`).
pub fn pointer_ci<'a>(root: &'a Json, ptr: &str) -> Option<&'a Json> {
    let mut cur = root;
    for seg in pointer_segments(ptr) {
        cur = match cur {
            Json::Object(m) => m.get(&seg).or_else(|| {
                m.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&seg))
                    .map(|(_, v)| v)
            })?,
            Json::Array(items) => items.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn locations_lose_case_and_spaces() {
        assert_eq!(normalize_location("West Europe"), "westeurope");
        assert_eq!(normalize_location("westeurope"), "westeurope");
        assert!(locations_equal("North  Europe", "northeurope"));
        assert!(!locations_equal("westeurope", "westus"));
    }

    #[test]
    fn ids_compare_without_case() {
        let a = "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/v";
        let b = "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/v/";
        assert!(ids_equal(a, b));
        assert!(!ids_equal(a, &format!("{a}x")));
        assert!(ids_equal("System", "system"));
        assert!(enum_eq("Overlay", "overlay"));
        assert_eq!(
            canonical_enum("STANDARD", &["basic", "standard"]),
            "standard"
        );
        assert_eq!(canonical_enum("other", &["basic"]), "other");
    }

    #[test]
    fn cidrs_are_canonical() {
        assert_eq!(canonical_cidr("203.0.113.7"), "203.0.113.7/32");
        assert_eq!(canonical_cidr("203.0.113.0/24"), "203.0.113.0/24");
        assert_eq!(canonical_cidr(" 2001:db8::1 "), "2001:db8::1/128");
        assert_eq!(canonical_cidr("Internet"), "Internet");
        assert_eq!(canonical_cidr("10.0.0.0/x"), "10.0.0.0/x");
        assert!(cidr_sets_equal(
            ["1.2.3.4", "10.0.0.0/8"],
            ["10.0.0.0/8", "1.2.3.4/32"]
        ));
        assert!(!cidr_sets_equal(["1.2.3.4"], ["1.2.3.5/32"]));
    }

    #[test]
    fn version_aliases_match_patches() {
        assert!(k8s_version_matches("1.33", "1.33.5"));
        assert!(k8s_version_matches("1.33", "1.33"));
        assert!(k8s_version_matches("1.33.5", "1.33.5"));
        assert!(!k8s_version_matches("1.33.5", "1.33"));
        assert!(!k8s_version_matches("1.33", "1.34.0"));
        assert!(!k8s_version_matches("1.3", "1.33.1"));
        assert!(!k8s_version_matches("", "1.33.1"));
        assert!(!k8s_version_matches("1.", "1.33.1"));
    }

    #[test]
    fn dates_and_pointers() {
        assert_eq!(date_part("2026-01-05T00:00:00Z"), "2026-01-05");
        assert_eq!(date_part("2026"), "2026");
        assert_eq!(pointer_segments("/a/b~1c/~0d"), vec!["a", "b/c", "~d"]);
        assert_eq!(escape_segment("a/b~"), "a~1b~0");
        assert!(pointer_within("/a/b", "/a"));
        assert!(!pointer_within("/ab", "/a"));
        let doc =
            json!({"properties": {"addonProfiles": {"omsAgent": {"enabled": true}}, "l": [1, 2]}});
        assert_eq!(
            pointer_ci(&doc, "/properties/addonProfiles/omsagent/enabled"),
            Some(&json!(true))
        );
        assert_eq!(pointer_ci(&doc, "/properties/l/1"), Some(&json!(2)));
        assert_eq!(pointer_ci(&doc, "/properties/l/x"), None);
        assert_eq!(pointer_ci(&doc, ""), Some(&doc));
    }
}
