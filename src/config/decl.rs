//! The declarations of one module exactly as written: variables, locals, outputs, resources, data
//! sources, module calls and the blocks aksform reads but does not evaluate. Nothing here is
//! evaluated; `eval` turns these into values.

use std::collections::BTreeMap;
use std::path::PathBuf;

use hcl_edit::structure::Body;

use super::syntax::{Expr, Step};
use super::types::TypeConstraint;
use crate::addr::ResourceAddr;
use crate::diag::{FileId, Span};

/// A body of attributes and nested blocks as written, with the file it is in.
#[derive(Debug, Clone)]
pub struct BodyDecl {
    /// The file.
    pub file: FileId,
    /// The syntax tree, meta-arguments removed.
    pub body: Body,
}

/// One module: the `*.tf` files of one directory.
#[derive(Debug, Default)]
pub struct ModuleDecl {
    /// The directory, as the user would name it (relative when possible).
    pub dir: PathBuf,
    /// The files read, in name order.
    pub files: Vec<FileId>,
    /// `terraform {}` blocks.
    pub terraform: Vec<TerraformDecl>,
    /// `provider "..." {}` blocks.
    pub providers: Vec<ProviderDecl>,
    /// `variable` blocks, by name.
    pub variables: BTreeMap<String, VariableDecl>,
    /// Entries of all `locals` blocks, by name.
    pub locals: BTreeMap<String, LocalDecl>,
    /// `output` blocks, by name.
    pub outputs: BTreeMap<String, OutputDecl>,
    /// `resource` and `data` blocks, by address.
    pub resources: BTreeMap<ResourceAddr, ResourceDecl>,
    /// `module` blocks, by name.
    pub calls: BTreeMap<String, ModuleCallDecl>,
    /// `moved` blocks.
    pub moved: Vec<MovedDecl>,
    /// `import` blocks.
    pub imports: Vec<ImportDecl>,
}

impl ModuleDecl {
    /// Whether this directory is a root configuration (it configures the azurerm provider) rather
    /// than a reusable module. Only a root must have a value for every required variable.
    pub fn is_root_config(&self) -> bool {
        self.providers.iter().any(|p| p.name == "azurerm")
    }
}

/// `terraform {}`: read, not enforced.
#[derive(Debug, Clone)]
pub struct TerraformDecl {
    /// `required_version`, if given.
    pub required_version: Option<String>,
    /// `required_providers` entries: local name → source address.
    pub required_providers: BTreeMap<String, String>,
    /// Where the block is.
    pub span: Span,
}

/// `provider "name" {}`.
#[derive(Debug, Clone)]
pub struct ProviderDecl {
    /// The provider's local name, e.g. `azurerm`.
    pub name: String,
    /// `alias`, if given.
    pub alias: Option<String>,
    /// The arguments (evaluated later: they may use variables).
    pub attrs: BTreeMap<String, Expr>,
    /// `features {}` was given.
    pub has_features: bool,
    /// Where the block header is.
    pub span: Span,
}

/// `variable "name" {}`.
#[derive(Debug, Clone)]
pub struct VariableDecl {
    /// The name.
    pub name: String,
    /// `type`, if given; `any` otherwise.
    pub ty: TypeConstraint,
    /// `default`, if given (the variable is then optional).
    pub default: Option<Expr>,
    /// `description`.
    pub description: Option<String>,
    /// `sensitive = true`.
    pub sensitive: bool,
    /// `nullable` (default true).
    pub nullable: bool,
    /// `validation {}` blocks.
    pub validations: Vec<CheckDecl>,
    /// Where the block header is.
    pub span: Span,
}

/// A `validation`, `precondition` or `postcondition` block.
#[derive(Debug, Clone)]
pub struct CheckDecl {
    /// Must be true.
    pub condition: Expr,
    /// The message shown when it is false.
    pub error_message: Expr,
    /// Where the block header is.
    pub span: Span,
}

/// One entry of a `locals` block.
#[derive(Debug, Clone)]
pub struct LocalDecl {
    /// The name.
    pub name: String,
    /// The value.
    pub value: Expr,
    /// Where the name is.
    pub span: Span,
}

/// `output "name" {}`.
#[derive(Debug, Clone)]
pub struct OutputDecl {
    /// The name.
    pub name: String,
    /// `value`.
    pub value: Expr,
    /// `description`.
    pub description: Option<String>,
    /// `sensitive = true`.
    pub sensitive: bool,
    /// `depends_on`.
    pub depends_on: Vec<(String, Vec<Step>, Span)>,
    /// `precondition {}` blocks.
    pub preconditions: Vec<CheckDecl>,
    /// Where the block header is.
    pub span: Span,
}

/// `resource "type" "name" {}` or `data "type" "name" {}`.
#[derive(Debug, Clone)]
pub struct ResourceDecl {
    /// The address inside the module.
    pub addr: ResourceAddr,
    /// `count`.
    pub count: Option<Expr>,
    /// `for_each`.
    pub for_each: Option<Expr>,
    /// `depends_on`: static traversals with their spans.
    pub depends_on: Vec<(String, Vec<Step>, Span)>,
    /// `provider = azurerm.alias`, if given.
    pub provider: Option<String>,
    /// `lifecycle {}`.
    pub lifecycle: Lifecycle,
    /// `timeouts {}` values (create, read, update, delete) as written, e.g. `"90m"`.
    pub timeouts: BTreeMap<String, (String, Span)>,
    /// The arguments and blocks of the resource type itself.
    pub body: BodyDecl,
    /// Where the block header is.
    pub span: Span,
    /// Where the type label is.
    pub type_span: Span,
}

/// `lifecycle {}` of a resource.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    /// `prevent_destroy = true`.
    pub prevent_destroy: bool,
    /// `create_before_destroy = true`.
    pub create_before_destroy: bool,
    /// `ignore_changes`.
    pub ignore_changes: IgnoreChanges,
    /// `replace_triggered_by`: references to resources or their attributes.
    pub replace_triggered_by: Vec<(String, Vec<Step>, Span)>,
    /// `precondition {}` blocks.
    pub preconditions: Vec<CheckDecl>,
    /// `postcondition {}` blocks.
    pub postconditions: Vec<CheckDecl>,
}

/// `lifecycle { ignore_changes = ... }`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum IgnoreChanges {
    /// Nothing ignored.
    #[default]
    None,
    /// `ignore_changes = all`.
    All,
    /// Attribute paths, e.g. `default_node_pool[0].node_count` as `[Attr, Index, Attr]`.
    Paths(Vec<(Vec<Step>, Span)>),
}

/// `module "name" {}`.
#[derive(Debug, Clone)]
pub struct ModuleCallDecl {
    /// The call's name.
    pub name: String,
    /// `source`, a local path.
    pub source: String,
    /// Where `source` is.
    pub source_span: Span,
    /// `count`.
    pub count: Option<Expr>,
    /// `for_each`.
    pub for_each: Option<Expr>,
    /// `depends_on`.
    pub depends_on: Vec<(String, Vec<Step>, Span)>,
    /// Input variables.
    pub inputs: BTreeMap<String, Expr>,
    /// Where the block header is.
    pub span: Span,
}

/// `moved { from = ..., to = ... }`: accepted and kept for the planner.
#[derive(Debug, Clone)]
pub struct MovedDecl {
    /// The old address as written.
    pub from: (String, Vec<Step>),
    /// The new address as written.
    pub to: (String, Vec<Step>),
    /// Where the block header is.
    pub span: Span,
}

/// `import { to = ADDRESS, id = "ARM id" }`.
#[derive(Debug, Clone)]
pub struct ImportDecl {
    /// The resource the existing Azure object is adopted as.
    pub to: (String, Vec<Step>),
    /// The ARM id (may use variables).
    pub id: Expr,
    /// Where the block header is.
    pub span: Span,
}
