//! ARM request paths: resource groups, provider resources at any depth, role assignments at any
//! scope, operation status URLs and the Kubernetes version list. Matching is case-insensitive, as
//! in ARM.

/// A provider resource or collection path:
/// `/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResPath {
    /// Subscription id.
    pub sub: String,
    /// Resource group, absent for subscription-level paths.
    pub rg: Option<String>,
    /// Provider namespace as written, e.g. `Microsoft.Network`.
    pub ns: String,
    /// Type/name pairs; the last name is `None` for a collection.
    pub segments: Vec<(String, Option<String>)>,
}

impl ResPath {
    /// The full type in lowercase, e.g. `microsoft.network/virtualnetworks/subnets`.
    pub fn type_key(&self) -> String {
        let mut s = self.ns.to_ascii_lowercase();
        for (t, _) in &self.segments {
            s.push('/');
            s.push_str(&t.to_ascii_lowercase());
        }
        s
    }

    /// Whether the path names a collection (the last segment has no name).
    pub fn is_collection(&self) -> bool {
        self.segments.last().is_some_and(|(_, n)| n.is_none())
    }

    /// The resource name (last segment), if any.
    pub fn name(&self) -> Option<&str> {
        self.segments.last().and_then(|(_, n)| n.as_deref())
    }

    /// The id of the resource (or collection) as written.
    pub fn id(&self) -> String {
        let mut s = format!("/subscriptions/{}", self.sub);
        if let Some(rg) = &self.rg {
            s.push_str(&format!("/resourceGroups/{rg}"));
        }
        s.push_str(&format!("/providers/{}", self.ns));
        for (t, n) in &self.segments {
            s.push('/');
            s.push_str(t);
            if let Some(n) = n {
                s.push('/');
                s.push_str(n);
            }
        }
        s
    }

    /// The id of the parent resource (one type/name pair less), for child resources.
    pub fn parent(&self) -> Option<ResPath> {
        if self.segments.len() < 2 {
            return None;
        }
        let mut p = self.clone();
        p.segments.pop();
        if p.segments.last().is_some_and(|(_, n)| n.is_none()) {
            return None;
        }
        Some(p)
    }
}

/// What a request addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `GET /subscriptions/{sub}/resourcegroups`.
    ResourceGroups {
        /// Subscription.
        sub: String,
    },
    /// `/subscriptions/{sub}/resourcegroups/{rg}`.
    ResourceGroup {
        /// Subscription.
        sub: String,
        /// Name as written.
        rg: String,
    },
    /// A provider resource or collection.
    Provider(ResPath),
    /// `{scope}/providers/Microsoft.Authorization/roleAssignments[/{name}]`.
    RoleAssignment {
        /// The scope (everything before `/providers/Microsoft.Authorization`).
        scope: String,
        /// The assignment name, `None` for the list.
        name: Option<String>,
    },
    /// `/subscriptions/{sub}/providers/{ns}/locations/{loc}/operations/{id}` (Azure-AsyncOperation).
    OperationStatus {
        /// Subscription.
        sub: String,
        /// The operation id.
        id: String,
    },
    /// `.../locations/{loc}/operationresults/{id}` or `/subscriptions/{sub}/operationresults/{id}`
    /// (Location).
    OperationResult {
        /// Subscription.
        sub: String,
        /// The operation id.
        id: String,
    },
    /// `/subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{loc}/kubernetesVersions`.
    KubernetesVersions {
        /// Subscription.
        sub: String,
        /// Region.
        location: String,
    },
    /// Anything else.
    Unknown,
}

fn decode(segment: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Route {
    /// Parses a request path (without query).
    pub fn parse(path: &str) -> Route {
        let segs: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode)
            .collect();
        let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
        let l: Vec<&str> = lower.iter().map(String::as_str).collect();
        // Role assignments at any scope.
        if let Some(pos) = (0..l.len().saturating_sub(2)).rev().find(|&i| {
            l[i] == "providers"
                && l[i + 1] == "microsoft.authorization"
                && l[i + 2] == "roleassignments"
        }) {
            let rest = &segs[pos + 3..];
            if rest.len() <= 1 {
                let scope = format!("/{}", segs[..pos].join("/"));
                return Route::RoleAssignment {
                    scope,
                    name: rest.first().cloned(),
                };
            }
        }
        if l.len() < 2 || l[0] != "subscriptions" {
            return Route::Unknown;
        }
        let sub = segs[1].clone();
        match &l[2..] {
            ["resourcegroups"] => return Route::ResourceGroups { sub },
            ["resourcegroups", _] => {
                return Route::ResourceGroup {
                    sub,
                    rg: segs[3].clone(),
                };
            }
            ["operationresults", _] => {
                return Route::OperationResult {
                    sub,
                    id: segs[3].clone(),
                };
            }
            ["providers", _, "locations", _, "operations", _] => {
                return Route::OperationStatus {
                    sub,
                    id: segs[7].clone(),
                };
            }
            ["providers", _, "locations", _, "operationresults", _] => {
                return Route::OperationResult {
                    sub,
                    id: segs[7].clone(),
                };
            }
            [
                "providers",
                "microsoft.containerservice",
                "locations",
                _,
                "kubernetesversions",
            ] => {
                return Route::KubernetesVersions {
                    sub,
                    location: segs[5].clone(),
                };
            }
            _ => {}
        }
        let (rg, rest) = match &l[2..] {
            ["resourcegroups", _, "providers", ..] => (Some(segs[3].clone()), 4),
            ["providers", ..] => (None, 2),
            _ => return Route::Unknown,
        };
        // rest points at "providers"
        let after = &segs[rest + 1..];
        if after.len() < 2 {
            return Route::Unknown;
        }
        let ns = after[0].clone();
        let mut segments = Vec::new();
        let mut i = 1;
        while i < after.len() {
            let t = after[i].clone();
            let n = after.get(i + 1).cloned();
            segments.push((t, n));
            i += 2;
        }
        Route::Provider(ResPath {
            sub,
            rg,
            ns,
            segments,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(path: &str) -> ResPath {
        match Route::parse(path) {
            Route::Provider(p) => p,
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn provider_paths() {
        let r = p(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
        );
        assert_eq!(r.type_key(), "microsoft.network/virtualnetworks/subnets");
        assert_eq!(r.name(), Some("a"));
        assert_eq!(
            r.parent().unwrap().id(),
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"
        );
        let c = p(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/k/agentPools",
        );
        assert!(c.is_collection());
        let sub = p("/subscriptions/s/providers/Microsoft.ContainerService/managedClusters");
        assert_eq!(sub.rg, None);
        assert!(sub.is_collection());
        let enc = p(
            "/subscriptions/s/resourceGroups/rg%20x/providers/Microsoft.Network/virtualNetworks/v",
        );
        assert_eq!(enc.rg.as_deref(), Some("rg x"));
    }

    #[test]
    fn other_routes() {
        assert_eq!(
            Route::parse("/subscriptions/s/resourcegroups/RG"),
            Route::ResourceGroup {
                sub: "s".into(),
                rg: "RG".into()
            }
        );
        assert_eq!(
            Route::parse("/subscriptions/s/resourceGroups"),
            Route::ResourceGroups { sub: "s".into() }
        );
        assert_eq!(
            Route::parse(
                "/subscriptions/s/providers/Microsoft.ContainerService/locations/westeurope/operations/op1"
            ),
            Route::OperationStatus {
                sub: "s".into(),
                id: "op1".into()
            }
        );
        assert_eq!(
            Route::parse("/subscriptions/s/operationresults/op2"),
            Route::OperationResult {
                sub: "s".into(),
                id: "op2".into()
            }
        );
        assert_eq!(
            Route::parse(
                "/subscriptions/s/providers/Microsoft.ContainerService/locations/westeurope/kubernetesVersions"
            ),
            Route::KubernetesVersions {
                sub: "s".into(),
                location: "westeurope".into()
            }
        );
        assert_eq!(
            Route::parse("/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/k/providers/Microsoft.Authorization/roleAssignments/g"),
            Route::RoleAssignment {
                scope: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/k".into(),
                name: Some("g".into())
            }
        );
        assert_eq!(
            Route::parse("/subscriptions/s/providers/Microsoft.Authorization/roleAssignments"),
            Route::RoleAssignment {
                scope: "/subscriptions/s".into(),
                name: None
            }
        );
        assert_eq!(Route::parse("/nope"), Route::Unknown);
    }
}
