//! Typed schemas of the azurerm resource types and data sources aksform supports: for every
//! argument its type, whether it is required, optional or computed, its default, its allowed values,
//! whether changing it replaces the resource, and the azurerm 3.x names it replaces.
//!
//! The schemas are data: decoding, cross-field rules and (later) the planner read them, so adding
//! an attribute is one line here.

mod cluster;
mod data;
mod network;
mod other;
mod pool;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::types::TypeConstraint;
use super::value::Value;
use crate::addr::Mode;

/// Whether an attribute is set by the user, by Azure, or either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Must be set.
    Required,
    /// May be set; unset means the default (or null).
    Optional,
    /// May be set; unset means Azure decides (known after apply).
    OptionalComputed,
    /// Set by Azure only; the user cannot set it.
    Computed,
}

/// What changing an attribute does to the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForceNew {
    /// Updated in place.
    No,
    /// Replaces the resource.
    Always,
    /// Replaces the resource in some cases; the text says when.
    Conditional(&'static str),
    /// Rotates the node pool (needs `temporary_name_for_rotation` on a default pool).
    Rotation,
}

/// An extra check of a value (range, pattern, id shape); returns the problem.
pub type Check = fn(&Value) -> Result<(), String>;

/// One argument or exported attribute.
#[derive(Debug, Clone)]
pub struct AttrSchema {
    /// The azurerm 4.x name.
    pub name: &'static str,
    /// Its type.
    pub ty: TypeConstraint,
    /// Required, optional or computed.
    pub presence: Presence,
    /// The value the provider uses when the argument is omitted.
    pub default: Option<Value>,
    /// The allowed values, when they are a fixed set (compared case-sensitively, as azurerm does).
    pub allowed: &'static [&'static str],
    /// Further validation.
    pub check: Option<Check>,
    /// What a change does.
    pub force_new: ForceNew,
    /// azurerm 3.x names accepted with a warning.
    pub aliases: &'static [&'static str],
    /// Shown as `(sensitive)`.
    pub sensitive: bool,
}

/// A nested block.
#[derive(Debug, Clone)]
pub struct BlockSchema {
    /// The azurerm 4.x name.
    pub name: &'static str,
    /// Minimum number of blocks.
    pub min: usize,
    /// Maximum number of blocks (0 = any number).
    pub max: usize,
    /// Azure fills it when omitted (so omitting it is not a change), or it is read-only.
    pub presence: Presence,
    /// What adding, removing or changing the block does, beyond its attributes.
    pub force_new: ForceNew,
    /// azurerm 3.x names accepted with a warning.
    pub aliases: &'static [&'static str],
    /// Its contents.
    pub body: BodySchema,
}

/// Attributes and nested blocks.
#[derive(Debug, Clone, Default)]
pub struct BodySchema {
    /// Attributes in declaration order.
    pub attrs: Vec<AttrSchema>,
    /// Nested blocks in declaration order.
    pub blocks: Vec<BlockSchema>,
}

impl BodySchema {
    /// The attribute called `name` (4.x name).
    pub fn attr(&self, name: &str) -> Option<&AttrSchema> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// The block called `name` (4.x name).
    pub fn block(&self, name: &str) -> Option<&BlockSchema> {
        self.blocks.iter().find(|b| b.name == name)
    }

    /// The attribute or block whose 3.x alias is `name`, with its 4.x name.
    pub fn alias(&self, name: &str) -> Option<&'static str> {
        self.attrs
            .iter()
            .find(|a| a.aliases.contains(&name))
            .map(|a| a.name)
            .or_else(|| {
                self.blocks
                    .iter()
                    .find(|b| b.aliases.contains(&name))
                    .map(|b| b.name)
            })
    }

    /// Every name the user may write here (attributes that are not computed-only, and blocks).
    pub fn writable_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.attrs
            .iter()
            .filter(|a| a.presence != Presence::Computed)
            .map(|a| a.name)
            .chain(
                self.blocks
                    .iter()
                    .filter(|b| b.presence != Presence::Computed)
                    .map(|b| b.name),
            )
    }
}

/// How a resource's ARM id is derived from its evaluated arguments.
pub type IdFn = fn(&IdCtx<'_>) -> Option<String>;

/// What an id function may read.
pub struct IdCtx<'a> {
    /// The subscription, when known.
    pub subscription: Option<&'a str>,
    /// The evaluated arguments.
    pub values: &'a BTreeMap<String, Value>,
}

impl IdCtx<'_> {
    /// A known string argument.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.values.get(name).and_then(Value::as_str)
    }

    /// `/subscriptions/{sub}/resourceGroups/{rg}` from the `resource_group_name` argument.
    pub fn resource_group(&self) -> Option<String> {
        Some(format!(
            "/subscriptions/{}/resourceGroups/{}",
            self.subscription?,
            self.str("resource_group_name")?
        ))
    }
}

/// A resource type or data source.
#[derive(Debug, Clone)]
pub struct ResourceSchema {
    /// e.g. `azurerm_kubernetes_cluster`.
    pub type_name: &'static str,
    /// Resource or data source.
    pub mode: Mode,
    /// Its arguments and blocks.
    pub body: BodySchema,
    /// azurerm names removed in 4.0, with what to write instead.
    pub removed: &'static [(&'static str, &'static str)],
    /// azurerm names aksform does not support yet, with a note.
    pub unsupported: &'static [&'static str],
    /// Derives the ARM id; `None` for data sources without one.
    pub arm_id: Option<IdFn>,
    /// Fills computed values that follow from the arguments (e.g. a deterministic name).
    pub derive: Option<DeriveFn>,
}

/// Fills computed values that are known from the arguments alone; gets the subscription if known.
pub type DeriveFn = fn(Option<&str>, &mut BTreeMap<String, Value>);

static SCHEMAS: LazyLock<BTreeMap<(Mode, &'static str), ResourceSchema>> = LazyLock::new(|| {
    [
        network::resource_group(),
        network::virtual_network(),
        network::subnet(),
        network::network_security_group(),
        network::subnet_nsg_association(),
        other::log_analytics_workspace(),
        other::role_assignment(),
        cluster::kubernetes_cluster(),
        pool::node_pool_resource(),
        data::client_config(),
        data::subscription(),
        data::resource_group(),
        data::kubernetes_service_versions(),
    ]
    .into_iter()
    .map(|s| ((s.mode, s.type_name), s))
    .collect()
});

/// The schema of a resource type or data source.
pub fn schema(mode: Mode, type_name: &str) -> Option<&'static ResourceSchema> {
    SCHEMAS
        .iter()
        .find(|((m, t), _)| *m == mode && *t == type_name)
        .map(|(_, s)| s)
}

/// Every supported type name of a mode.
pub fn type_names(mode: Mode) -> impl Iterator<Item = &'static str> {
    SCHEMAS
        .keys()
        .filter(move |(m, _)| *m == mode)
        .map(|(_, t)| *t)
}

/// Well-known azurerm resource types aksform does not manage, so the error can say so plainly.
pub const KNOWN_UNSUPPORTED_TYPES: &[&str] = &[
    "azurerm_kubernetes_cluster_extension",
    "azurerm_kubernetes_fleet_manager",
    "azurerm_container_registry",
    "azurerm_key_vault",
    "azurerm_key_vault_secret",
    "azurerm_user_assigned_identity",
    "azurerm_private_dns_zone",
    "azurerm_private_dns_zone_virtual_network_link",
    "azurerm_route_table",
    "azurerm_subnet_route_table_association",
    "azurerm_public_ip",
    "azurerm_nat_gateway",
    "azurerm_monitor_diagnostic_setting",
    "azurerm_log_analytics_solution",
    "azurerm_management_lock",
    "azurerm_disk_encryption_set",
    "azurerm_application_gateway",
    "azurerm_storage_account",
    "azurerm_network_security_rule",
];

/// Builds an attribute schema.
pub(crate) struct Attr(AttrSchema);

impl Attr {
    pub(crate) fn new(name: &'static str, ty: TypeConstraint) -> Self {
        Attr(AttrSchema {
            name,
            ty,
            presence: Presence::Optional,
            default: None,
            allowed: &[],
            check: None,
            force_new: ForceNew::No,
            aliases: &[],
            sensitive: false,
        })
    }
    pub(crate) fn string(name: &'static str) -> Self {
        Self::new(name, TypeConstraint::String)
    }
    pub(crate) fn bool(name: &'static str) -> Self {
        Self::new(name, TypeConstraint::Bool)
    }
    pub(crate) fn number(name: &'static str) -> Self {
        Self::new(name, TypeConstraint::Number)
    }
    pub(crate) fn strings(name: &'static str) -> Self {
        Self::new(name, TypeConstraint::List(Box::new(TypeConstraint::String)))
    }
    pub(crate) fn string_set(name: &'static str) -> Self {
        Self::new(name, TypeConstraint::Set(Box::new(TypeConstraint::String)))
    }
    pub(crate) fn string_map(name: &'static str) -> Self {
        Self::new(name, TypeConstraint::Map(Box::new(TypeConstraint::String)))
    }
    pub(crate) fn required(mut self) -> Self {
        self.0.presence = Presence::Required;
        self
    }
    pub(crate) fn computed(mut self) -> Self {
        self.0.presence = Presence::Computed;
        self
    }
    pub(crate) fn optional_computed(mut self) -> Self {
        self.0.presence = Presence::OptionalComputed;
        self
    }
    pub(crate) fn default(mut self, v: impl Into<Value>) -> Self {
        self.0.default = Some(v.into());
        self
    }
    pub(crate) fn one_of(mut self, allowed: &'static [&'static str]) -> Self {
        self.0.allowed = allowed;
        self
    }
    pub(crate) fn check(mut self, check: Check) -> Self {
        self.0.check = Some(check);
        self
    }
    pub(crate) fn force_new(mut self) -> Self {
        self.0.force_new = ForceNew::Always;
        self
    }
    pub(crate) fn force_new_when(mut self, when: &'static str) -> Self {
        self.0.force_new = ForceNew::Conditional(when);
        self
    }
    pub(crate) fn rotation(mut self) -> Self {
        self.0.force_new = ForceNew::Rotation;
        self
    }
    pub(crate) fn alias(mut self, aliases: &'static [&'static str]) -> Self {
        self.0.aliases = aliases;
        self
    }
    pub(crate) fn sensitive(mut self) -> Self {
        self.0.sensitive = true;
        self
    }
    pub(crate) fn build(self) -> AttrSchema {
        self.0
    }
}

/// Builds a block schema.
pub(crate) struct Block(BlockSchema);

impl Block {
    pub(crate) fn new(name: &'static str) -> Self {
        Block(BlockSchema {
            name,
            min: 0,
            max: 0,
            presence: Presence::Optional,
            force_new: ForceNew::No,
            aliases: &[],
            body: BodySchema::default(),
        })
    }
    pub(crate) fn single(name: &'static str) -> Self {
        let mut b = Self::new(name);
        b.0.max = 1;
        b
    }
    pub(crate) fn required(mut self) -> Self {
        self.0.min = 1;
        self
    }
    pub(crate) fn computed(mut self) -> Self {
        self.0.presence = Presence::Computed;
        self
    }
    pub(crate) fn optional_computed(mut self) -> Self {
        self.0.presence = Presence::OptionalComputed;
        self
    }
    pub(crate) fn force_new(mut self) -> Self {
        self.0.force_new = ForceNew::Always;
        self
    }
    pub(crate) fn attr(mut self, a: Attr) -> Self {
        self.0.body.attrs.push(a.build());
        self
    }
    pub(crate) fn attrs(mut self, attrs: impl IntoIterator<Item = Attr>) -> Self {
        self.0.body.attrs.extend(attrs.into_iter().map(Attr::build));
        self
    }
    pub(crate) fn block(mut self, b: Block) -> Self {
        self.0.body.blocks.push(b.build());
        self
    }
    pub(crate) fn build(self) -> BlockSchema {
        self.0
    }
}

/// A body from attribute and block builders.
pub(crate) fn body(attrs: Vec<Attr>, blocks: Vec<Block>) -> BodySchema {
    BodySchema {
        attrs: attrs.into_iter().map(Attr::build).collect(),
        blocks: blocks.into_iter().map(Block::build).collect(),
    }
}

/// `name`, `resource_group_name` and `location`, all forcing replacement.
pub(crate) fn name_rg_location() -> Vec<Attr> {
    vec![
        Attr::string("name").required().force_new(),
        Attr::string("resource_group_name").required().force_new(),
        Attr::string("location")
            .required()
            .force_new()
            .check(checks::location),
    ]
}

pub(crate) mod checks;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_registered_once_with_an_id_function() {
        let managed: Vec<_> = type_names(Mode::Managed).collect();
        assert_eq!(managed.len(), 9, "{managed:?}");
        for t in managed {
            let s = schema(Mode::Managed, t).unwrap();
            assert!(s.arm_id.is_some(), "{t} has no id function");
            assert!(s.body.attr("id").is_some(), "{t} exports no id");
        }
        assert_eq!(type_names(Mode::Data).count(), 4);
    }

    #[test]
    fn aliases_and_names_do_not_collide() {
        for ((_, t), s) in SCHEMAS.iter() {
            check_body(t, &s.body);
        }
    }

    fn check_body(t: &str, b: &BodySchema) {
        let mut names: Vec<&str> = b
            .attrs
            .iter()
            .map(|a| a.name)
            .chain(b.blocks.iter().map(|b| b.name))
            .collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(n, names.len(), "duplicate names in {t}");
        for a in &b.attrs {
            for alias in a.aliases {
                assert!(!names.contains(alias), "{t}: alias {alias} is also a name");
            }
            if let Some(d) = &a.default {
                assert!(
                    super::super::types::convert(d, &a.ty, &mut Vec::new()).is_ok(),
                    "{t}.{}: default does not fit its type",
                    a.name
                );
            }
        }
        for blk in &b.blocks {
            check_body(t, &blk.body);
        }
    }
}
