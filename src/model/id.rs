//! ARM resource ids: parsing, building, case-insensitive comparison, parents and children.
//!
//! An id is `/subscriptions/{sub}[/resourceGroups/{rg}][/providers/{ns}/{type}/{name}[/{type}/{name}...]]`,
//! optionally followed by an extension resource at that scope
//! (`/providers/Microsoft.Authorization/roleAssignments/{name}`). ARM compares ids
//! case-insensitively and returns segments in varying case, so equality and hashing ignore case
//! while the text keeps the casing it was built or parsed with.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// A parsed ARM resource id.
#[derive(Debug, Clone, Eq)]
pub struct ResourceId {
    text: String,
    subscription: String,
    resource_group: Option<String>,
    /// Provider segments: each is (namespace, [(type, name)...]); more than one for extension
    /// resources such as role assignments on a cluster.
    providers: Vec<Provider>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Provider {
    namespace: String,
    types: Vec<(String, String)>,
}

/// Why a string is not a resource id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not an Azure resource id: {reason}")]
pub struct IdError {
    input: String,
    reason: &'static str,
}

impl ResourceId {
    /// `/subscriptions/{sub}`.
    pub fn subscription(sub: &str) -> Self {
        ResourceId::build(sub, None, Vec::new())
    }

    /// `/subscriptions/{sub}/resourceGroups/{rg}`.
    pub fn resource_group(sub: &str, rg: &str) -> Self {
        ResourceId::build(sub, Some(rg), Vec::new())
    }

    /// A provider resource in a resource group, e.g.
    /// `ResourceId::resource(sub, rg, "Microsoft.Network", &[("virtualNetworks", "v"), ("subnets", "s")])`.
    pub fn resource(sub: &str, rg: &str, namespace: &str, types: &[(&str, &str)]) -> Self {
        ResourceId::build(
            sub,
            Some(rg),
            vec![Provider {
                namespace: namespace.to_string(),
                types: types
                    .iter()
                    .map(|(t, n)| ((*t).to_string(), (*n).to_string()))
                    .collect(),
            }],
        )
    }

    fn build(sub: &str, rg: Option<&str>, providers: Vec<Provider>) -> Self {
        let mut text = format!("/subscriptions/{sub}");
        if let Some(rg) = rg {
            text.push_str(&format!("/resourceGroups/{rg}"));
        }
        for p in &providers {
            text.push_str(&format!("/providers/{}", p.namespace));
            for (t, n) in &p.types {
                text.push_str(&format!("/{t}/{n}"));
            }
        }
        ResourceId {
            text,
            subscription: sub.to_string(),
            resource_group: rg.map(str::to_string),
            providers,
        }
    }

    /// The subscription id.
    pub fn subscription_id(&self) -> &str {
        &self.subscription
    }

    /// The resource group name, if the id is in one.
    pub fn resource_group_name(&self) -> Option<&str> {
        self.resource_group.as_deref()
    }

    /// The last name (the resource's own name), or the group's or subscription's.
    pub fn name(&self) -> &str {
        match self.providers.last().and_then(|p| p.types.last()) {
            Some((_, n)) => n,
            None => self.resource_group.as_deref().unwrap_or(&self.subscription),
        }
    }

    /// The full type, e.g. `Microsoft.Network/virtualNetworks/subnets`; `Microsoft.Resources/resourceGroups`
    /// and `Microsoft.Resources/subscriptions` for those levels.
    pub fn resource_type(&self) -> String {
        match self.providers.last() {
            Some(p) => {
                let mut s = p.namespace.clone();
                for (t, _) in &p.types {
                    s.push('/');
                    s.push_str(t);
                }
                s
            }
            None if self.resource_group.is_some() => {
                "Microsoft.Resources/resourceGroups".to_string()
            }
            None => "Microsoft.Resources/subscriptions".to_string(),
        }
    }

    /// Whether the resource type equals `t` (case-insensitively).
    pub fn is_type(&self, t: &str) -> bool {
        self.resource_type().eq_ignore_ascii_case(t)
    }

    /// The parent: a child resource's owner, an extension resource's scope, a top-level resource's
    /// group, a group's subscription; `None` for a subscription.
    pub fn parent(&self) -> Option<ResourceId> {
        let mut providers = self.providers.clone();
        match providers.last_mut() {
            Some(p) if p.types.len() > 1 => {
                p.types.pop();
            }
            Some(_) => {
                providers.pop();
            }
            None if self.resource_group.is_some() => {
                return Some(ResourceId::subscription(&self.subscription));
            }
            None => return None,
        }
        Some(ResourceId::build(
            &self.subscription,
            self.resource_group.as_deref(),
            providers,
        ))
    }

    /// A child resource of this one: `vnet.child("subnets", "s")`.
    pub fn child(&self, type_name: &str, name: &str) -> ResourceId {
        let mut providers = self.providers.clone();
        match providers.last_mut() {
            Some(p) => p.types.push((type_name.to_string(), name.to_string())),
            None => {
                // A child of a group or subscription needs a provider: not meaningful here.
                providers.push(Provider {
                    namespace: String::new(),
                    types: vec![(type_name.to_string(), name.to_string())],
                });
            }
        }
        ResourceId::build(
            &self.subscription,
            self.resource_group.as_deref(),
            providers,
        )
    }

    /// An extension resource at this scope:
    /// `cluster.extension("Microsoft.Authorization", "roleAssignments", guid)`.
    pub fn extension(&self, namespace: &str, type_name: &str, name: &str) -> ResourceId {
        let mut providers = self.providers.clone();
        providers.push(Provider {
            namespace: namespace.to_string(),
            types: vec![(type_name.to_string(), name.to_string())],
        });
        ResourceId::build(
            &self.subscription,
            self.resource_group.as_deref(),
            providers,
        )
    }

    /// The scope of an extension resource (everything before its provider), if it is one.
    pub fn scope(&self) -> Option<ResourceId> {
        (self.providers.len() > 1).then(|| {
            let mut providers = self.providers.clone();
            providers.pop();
            ResourceId::build(
                &self.subscription,
                self.resource_group.as_deref(),
                providers,
            )
        })
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for ResourceId {
    fn eq(&self, other: &Self) -> bool {
        self.text.eq_ignore_ascii_case(&other.text)
    }
}

impl Hash for ResourceId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.to_ascii_lowercase().hash(state);
    }
}

impl PartialOrd for ResourceId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ResourceId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.text
            .to_ascii_lowercase()
            .cmp(&other.text.to_ascii_lowercase())
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for ResourceId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| IdError {
            input: s.to_string(),
            reason,
        };
        let trimmed = s.trim_end_matches('/');
        let segs: Vec<&str> = trimmed.split('/').collect();
        if segs.first() != Some(&"") {
            return Err(err("it must start with /subscriptions/"));
        }
        let segs = &segs[1..];
        if segs.len() < 2 || !segs[0].eq_ignore_ascii_case("subscriptions") || segs[1].is_empty() {
            return Err(err("it must start with /subscriptions/{subscription id}"));
        }
        let sub = segs[1];
        let mut i = 2;
        let mut rg = None;
        if segs.len() > i && segs[i].eq_ignore_ascii_case("resourceGroups") {
            rg = Some(
                *segs
                    .get(i + 1)
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| err("the resource group name is missing"))?,
            );
            i += 2;
        }
        let mut providers = Vec::new();
        while i < segs.len() {
            if !segs[i].eq_ignore_ascii_case("providers") {
                return Err(err("expected /providers/ after the scope"));
            }
            let namespace = *segs
                .get(i + 1)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| err("the provider namespace is missing"))?;
            i += 2;
            let mut types = Vec::new();
            while i < segs.len() && !segs[i].eq_ignore_ascii_case("providers") {
                let t = segs[i];
                let n = *segs
                    .get(i + 1)
                    .ok_or_else(|| err("a resource type has no name"))?;
                if t.is_empty() || n.is_empty() {
                    return Err(err("empty segment"));
                }
                types.push((t.to_string(), n.to_string()));
                i += 2;
            }
            if types.is_empty() {
                return Err(err("a provider has no resource type"));
            }
            providers.push(Provider {
                namespace: namespace.to_string(),
                types,
            });
        }
        Ok(ResourceId {
            text: trimmed.to_string(),
            subscription: sub.to_string(),
            resource_group: rg.map(str::to_string),
            providers,
        })
    }
}

impl serde::Serialize for ResourceId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for ResourceId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBNET: &str = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/nodes";

    #[test]
    fn parses_and_round_trips() {
        let id: ResourceId = SUBNET.parse().unwrap();
        assert_eq!(id.subscription_id(), "s1");
        assert_eq!(id.resource_group_name(), Some("rg"));
        assert_eq!(id.name(), "nodes");
        assert_eq!(
            id.resource_type(),
            "Microsoft.Network/virtualNetworks/subnets"
        );
        assert_eq!(id.to_string(), SUBNET);
        let built = ResourceId::resource(
            "s1",
            "rg",
            "Microsoft.Network",
            &[("virtualNetworks", "v"), ("subnets", "nodes")],
        );
        assert_eq!(built, id);
        assert_eq!(built.as_str(), SUBNET);
    }

    #[test]
    fn compares_case_insensitively() {
        let a: ResourceId = SUBNET.parse().unwrap();
        let b: ResourceId = SUBNET.to_lowercase().parse().unwrap();
        assert_eq!(a, b);
        let mut set = std::collections::HashSet::new();
        set.insert(a);
        assert!(set.contains(&b));
    }

    #[test]
    fn parents_children_and_extensions() {
        let subnet: ResourceId = SUBNET.parse().unwrap();
        let vnet = subnet.parent().unwrap();
        assert_eq!(vnet.resource_type(), "Microsoft.Network/virtualNetworks");
        assert_eq!(vnet.child("subnets", "nodes"), subnet);
        let rg = vnet.parent().unwrap();
        assert_eq!(rg.to_string(), "/subscriptions/s1/resourceGroups/rg");
        assert_eq!(rg.resource_type(), "Microsoft.Resources/resourceGroups");
        let sub = rg.parent().unwrap();
        assert_eq!(sub.to_string(), "/subscriptions/s1");
        assert!(sub.parent().is_none());
        let cluster = ResourceId::resource(
            "s1",
            "rg",
            "Microsoft.ContainerService",
            &[("managedClusters", "aks")],
        );
        let ra = cluster.extension("Microsoft.Authorization", "roleAssignments", "g");
        assert_eq!(
            ra.to_string(),
            format!("{cluster}/providers/Microsoft.Authorization/roleAssignments/g")
        );
        assert_eq!(
            ra.resource_type(),
            "Microsoft.Authorization/roleAssignments"
        );
        assert_eq!(ra.scope().unwrap(), cluster);
        assert_eq!(ra.parent().unwrap(), cluster);
        let parsed: ResourceId = ra.to_string().parse().unwrap();
        assert_eq!(parsed.scope().unwrap(), cluster);
        let at_sub: ResourceId =
            "/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/g"
                .parse()
                .unwrap();
        assert_eq!(at_sub.resource_group_name(), None);
        assert!(at_sub.is_type("microsoft.authorization/roleassignments"));
    }

    #[test]
    fn rejects_what_is_not_an_id() {
        for bad in [
            "",
            "subscriptions/s",
            "/subscriptions",
            "/subscriptions/s/resourceGroups",
            "/subscriptions/s/resourceGroups/rg/providers",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks",
            "/subscriptions/s/resourceGroups/rg/foo/bar",
        ] {
            assert!(bad.parse::<ResourceId>().is_err(), "{bad:?}");
        }
    }
}
