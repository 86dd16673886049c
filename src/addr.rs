//! Resource and module addresses (`module.net.azurerm_subnet.nodes["a"]`), with `Display` and
//! `FromStr` that round-trip.
//!
//! As in OpenTofu's `addrs`, each address has a module-local form ([`ResourceAddr`]) and an absolute
//! form that adds the module instance path ([`AbsResourceInstance`]). The text form is HCL traversal
//! syntax, so addresses can be typed on the command line (`-adopt=ADDRESS`) and parsed back.

use std::fmt;
use std::str::FromStr;

/// Managed resource or data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// `resource "type" "name"`.
    Managed,
    /// `data "type" "name"`.
    Data,
}

/// The key of one instance of a resource or module with `count` or `for_each`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstanceKey {
    /// No `count` or `for_each`.
    None,
    /// `count.index`.
    Int(u32),
    /// `each.key`.
    Str(String),
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::None => Ok(()),
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => write!(f, "[{}]", quote(s)),
        }
    }
}

/// A resource inside one module: `azurerm_subnet.nodes` or `data.azurerm_client_config.current`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceAddr {
    /// Managed or data.
    pub mode: Mode,
    /// The resource type, e.g. `azurerm_subnet`.
    pub type_name: String,
    /// The local name, e.g. `nodes`.
    pub name: String,
}

impl ResourceAddr {
    /// A managed resource address.
    pub fn managed(type_name: impl Into<String>, name: impl Into<String>) -> Self {
        ResourceAddr {
            mode: Mode::Managed,
            type_name: type_name.into(),
            name: name.into(),
        }
    }

    /// A data source address.
    pub fn data(type_name: impl Into<String>, name: impl Into<String>) -> Self {
        ResourceAddr {
            mode: Mode::Data,
            type_name: type_name.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for ResourceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mode == Mode::Data {
            f.write_str("data.")?;
        }
        write!(f, "{}.{}", self.type_name, self.name)
    }
}

/// One step of a module instance path: `module.name[key]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleStep {
    /// The module call's name.
    pub name: String,
    /// Which instance of the call.
    pub key: InstanceKey,
}

/// A module instance: the root (empty) or a chain of calls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleInstance(pub Vec<ModuleStep>);

impl ModuleInstance {
    /// The root module.
    pub fn root() -> Self {
        ModuleInstance(Vec::new())
    }

    /// Whether this is the root module.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The instance of call `name` with `key` inside this one.
    #[must_use]
    pub fn child(&self, name: impl Into<String>, key: InstanceKey) -> Self {
        let mut steps = self.0.clone();
        steps.push(ModuleStep {
            name: name.into(),
            key,
        });
        ModuleInstance(steps)
    }
}

impl fmt::Display for ModuleInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{}{}", step.name, step.key)?;
        }
        Ok(())
    }
}

/// One instance of a resource anywhere in the module tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AbsResourceInstance {
    /// The module instance holding the resource.
    pub module: ModuleInstance,
    /// The resource inside that module.
    pub resource: ResourceAddr,
    /// The instance key.
    pub key: InstanceKey,
}

impl AbsResourceInstance {
    /// Builds an address.
    pub fn new(module: ModuleInstance, resource: ResourceAddr, key: InstanceKey) -> Self {
        AbsResourceInstance {
            module,
            resource,
            key,
        }
    }
}

impl fmt::Display for AbsResourceInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        write!(f, "{}{}", self.resource, self.key)
    }
}

/// Why an address did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid address {input:?}: {reason}")]
pub struct ParseAddrError {
    input: String,
    reason: String,
}

impl FromStr for AbsResourceInstance {
    type Err = ParseAddrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: &str| ParseAddrError {
            input: s.to_string(),
            reason: reason.to_string(),
        };
        let mut p = Parser { rest: s };
        let mut module = ModuleInstance::root();
        loop {
            let word = p.ident().ok_or_else(|| err("expected a name"))?;
            if word == "module" {
                p.dot().ok_or_else(|| err("expected `.` after `module`"))?;
                let name = p.ident().ok_or_else(|| err("expected a module name"))?;
                let key = p.key().map_err(|e| err(&e))?;
                module.0.push(ModuleStep { name, key });
                p.dot()
                    .ok_or_else(|| err("expected a resource after the module path"))?;
                continue;
            }
            let (mode, type_name) = if word == "data" {
                p.dot().ok_or_else(|| err("expected `.` after `data`"))?;
                (
                    Mode::Data,
                    p.ident()
                        .ok_or_else(|| err("expected a data source type"))?,
                )
            } else {
                (Mode::Managed, word)
            };
            p.dot()
                .ok_or_else(|| err("expected `.` and a name after the resource type"))?;
            let name = p.ident().ok_or_else(|| err("expected a resource name"))?;
            let key = p.key().map_err(|e| err(&e))?;
            if !p.rest.is_empty() {
                return Err(err("unexpected text after the address"));
            }
            return Ok(AbsResourceInstance {
                module,
                resource: ResourceAddr {
                    mode,
                    type_name,
                    name,
                },
                key,
            });
        }
    }
}

struct Parser<'a> {
    rest: &'a str,
}

impl Parser<'_> {
    fn ident(&mut self) -> Option<String> {
        let end = self
            .rest
            .char_indices()
            .find(|&(i, c)| {
                !(c.is_alphanumeric() || c == '_' || (i > 0 && c == '-'))
                    || (i == 0 && c.is_ascii_digit())
            })
            .map_or(self.rest.len(), |(i, _)| i);
        if end == 0 {
            return None;
        }
        let (word, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(word.to_string())
    }

    fn dot(&mut self) -> Option<()> {
        self.rest = self.rest.strip_prefix('.')?;
        Some(())
    }

    fn key(&mut self) -> Result<InstanceKey, String> {
        let Some(rest) = self.rest.strip_prefix('[') else {
            return Ok(InstanceKey::None);
        };
        if let Some(rest) = rest.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = rest.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some((_, 'n')) => out.push('\n'),
                        Some((_, 't')) => out.push('\t'),
                        Some((_, 'r')) => out.push('\r'),
                        Some((_, c)) => out.push(c),
                        None => break,
                    },
                    '"' => {
                        let after = &rest[i + 1..];
                        let after = after
                            .strip_prefix(']')
                            .ok_or("expected `]` after the key")?;
                        self.rest = after;
                        return Ok(InstanceKey::Str(out));
                    }
                    c => out.push(c),
                }
            }
            return Err("unterminated string key".into());
        }
        let end = rest.find(']').ok_or("expected `]`")?;
        let n: u32 = rest[..end]
            .parse()
            .map_err(|_| format!("{:?} is not an index or a quoted key", &rest[..end]))?;
        self.rest = &rest[end + 1..];
        Ok(InstanceKey::Int(n))
    }
}

/// Quotes a string as an HCL string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(s: &str) {
        let a: AbsResourceInstance = s.parse().unwrap();
        assert_eq!(a.to_string(), s);
    }

    #[test]
    fn addresses_round_trip() {
        round_trip("azurerm_subnet.nodes");
        round_trip("data.azurerm_client_config.current");
        round_trip("azurerm_kubernetes_cluster_node_pool.user[0]");
        round_trip("azurerm_role_assignment.admins[\"platform \\\"ops\\\"\"]");
        round_trip("module.net.azurerm_subnet.nodes");
        round_trip("module.aks[\"prod\"].module.net[2].data.azurerm_resource_group.rg");
    }

    #[test]
    fn parsed_parts() {
        let a: AbsResourceInstance = "module.x[1].azurerm_resource_group.main[\"k\"]"
            .parse()
            .unwrap();
        assert_eq!(
            a.module,
            ModuleInstance::root().child("x", InstanceKey::Int(1))
        );
        assert_eq!(
            a.resource,
            ResourceAddr::managed("azurerm_resource_group", "main")
        );
        assert_eq!(a.key, InstanceKey::Str("k".into()));
    }

    #[test]
    fn bad_addresses_are_errors() {
        for bad in [
            "",
            "azurerm_subnet",
            "azurerm_subnet.",
            "module.x",
            "a.b[",
            "a.b[x]",
            "a.b[\"x\"",
            "a.b.c",
            "1a.b",
        ] {
            assert!(bad.parse::<AbsResourceInstance>().is_err(), "{bad:?}");
        }
    }
}
