//! Loading one module: read the `*.tf` files of a directory, parse them with hcl-edit, and sort
//! their blocks into a [`ModuleDecl`]. Every problem becomes a diagnostic; loading goes on past
//! errors so that one run reports them all.

use std::collections::BTreeMap;
use std::path::Path;

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Body, Structure};

use super::decl::{CheckDecl, ModuleDecl};
use super::fs::Fs;
use super::syntax::{Expr, block_header_span, label_span, static_traversal};
use crate::addr::{Mode, ResourceAddr};
use crate::diag::{Diagnostic, Diagnostics, FileId, SourceMap, Span, suggestion};

const TOP_LEVEL: &[&str] = &[
    "terraform",
    "provider",
    "variable",
    "locals",
    "output",
    "resource",
    "data",
    "module",
    "moved",
    "import",
];

/// Reads and parses every `*.tf` file in `dir` into a module declaration.
pub fn load_module(
    fs: &dyn Fs,
    dir: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> ModuleDecl {
    let mut module = ModuleDecl {
        dir: dir.to_path_buf(),
        ..ModuleDecl::default()
    };
    let entries = match fs.read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("cannot read directory {}: {e}", dir.display()))
                    .help("pass the directory that holds your *.tf files"),
            );
            return module;
        }
    };
    let mut tf_files = Vec::new();
    for path in entries {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('.') || !fs.is_file(&path) {
            continue;
        }
        if name.ends_with(".tf.json") {
            diags.push(
                Diagnostic::error(format!(
                    "{} uses Terraform's JSON syntax, which aksform does not read yet",
                    path.display()
                ))
                .help("convert it to native HCL syntax (.tf)"),
            );
        } else if name.ends_with("_override.tf") || name == "override.tf" {
            diags.push(
                Diagnostic::error(format!(
                    "{} is an override file, which aksform does not support",
                    path.display()
                ))
                .help("merge its contents into the regular configuration files"),
            );
        } else if name.ends_with(".tf") {
            tf_files.push(path);
        }
    }
    if tf_files.is_empty() && !diags.has_errors() {
        diags.push(
            Diagnostic::error(format!(
                "no configuration files (*.tf) in {}",
                dir.display()
            ))
            .help("pass the directory that holds your *.tf files"),
        );
    }
    for path in tf_files {
        let text = match fs.read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::error(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
                continue;
            }
        };
        let name = path.display().to_string();
        let file = sources.add(path.clone(), name, text);
        module.files.push(file);
        let Some(body) = parse_file(sources, file, diags) else {
            continue;
        };
        let mut loader = Loader {
            file,
            module: &mut module,
            diags,
        };
        for structure in body {
            match structure {
                Structure::Attribute(attr) => {
                    let span = attr_key_span(file, &attr);
                    loader.diags.push(
                        Diagnostic::error(format!(
                            "unexpected argument {:?} at the top level",
                            attr.key.value().as_str()
                        ))
                        .at(span)
                        .label("arguments belong inside a block")
                        .help("put it inside a resource, variable, locals or other block"),
                    );
                }
                Structure::Block(block) => loader.block(block),
            }
        }
    }
    module
}

/// Parses one file; a syntax error becomes a diagnostic at its position.
pub fn parse_file(sources: &SourceMap, file: FileId, diags: &mut Diagnostics) -> Option<Body> {
    let text = sources.get(file).text();
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => Some(body),
        Err(e) => {
            let offset = e.location().offset();
            // An error at the very end usually means a block left open: point at it.
            if text[offset.min(text.len())..].trim().is_empty()
                && let Some((line, col)) = super::fmt::unclosed_bracket(text)
            {
                let f = sources.get(file);
                let start = f.offset(line, col);
                diags.push(
                    Diagnostic::error("unclosed bracket")
                        .at(Span::new(file, start..(start + 1).min(text.len())))
                        .label("this is never closed")
                        .help("add the matching closing bracket; nothing else in this file was checked"),
                );
                return None;
            }
            let end = (offset + 1).min(text.len()).max(offset);
            diags.push(
                Diagnostic::error("syntax error")
                    .at(Span::new(file, offset..end))
                    .label(e.message().to_string())
                    .help("fix the HCL syntax here; nothing else in this file was checked"),
            );
            None
        }
    }
}

/// The span of an attribute's name.
pub fn attr_key_span(file: FileId, attr: &Attribute) -> Span {
    Span::new(
        file,
        attr.key.span().or_else(|| attr.span()).unwrap_or(0..0),
    )
}

/// Whether `name` is a valid Terraform name (letters, digits, `_`, `-`; not starting with a digit
/// or dash).
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// A block's body split into its attributes and nested blocks, with unknown and duplicate names
/// reported.
pub(crate) struct Fields {
    pub attrs: BTreeMap<String, Attribute>,
    pub blocks: Vec<Block>,
}

/// Splits `body` and reports any argument not in `attrs` or block not in `blocks` (with a
/// suggestion), and any argument given twice.
pub(crate) fn fields(
    file: FileId,
    body: Body,
    what: &str,
    attrs: &[&str],
    blocks: &[&str],
    diags: &mut Diagnostics,
) -> Fields {
    let mut out = Fields {
        attrs: BTreeMap::new(),
        blocks: Vec::new(),
    };
    for structure in body {
        match structure {
            Structure::Attribute(attr) => {
                let name = attr.key.value().to_string();
                let span = attr_key_span(file, &attr);
                if !attrs.contains(&name.as_str()) {
                    let mut d =
                        Diagnostic::error(format!("unsupported argument {name:?} in {what}"))
                            .at(span)
                            .label("not expected here");
                    if blocks.contains(&name.as_str()) {
                        d = d.help(format!("{name} is a block: write `{name} {{ ... }}`"));
                    } else {
                        d = d.help(format!(
                            "{}{}",
                            allowed_list(attrs),
                            suggestion(&name, attrs.iter().copied())
                        ));
                    }
                    diags.push(d);
                    continue;
                }
                if let Some(prev) = out.attrs.get(&name) {
                    diags.push(
                        Diagnostic::error(format!("argument {name:?} is set twice in {what}"))
                            .at(span)
                            .related(attr_key_span(file, prev), "first set here")
                            .help("remove one of them"),
                    );
                    continue;
                }
                out.attrs.insert(name, attr);
            }
            Structure::Block(block) => {
                let name = block.ident.value().to_string();
                if !blocks.contains(&name.as_str()) {
                    let mut d = Diagnostic::error(format!("unsupported block {name:?} in {what}"))
                        .at(block_header_span(file, &block))
                        .label("not expected here");
                    if attrs.contains(&name.as_str()) {
                        d = d.help(format!("{name} is an argument: write `{name} = ...`"));
                    } else if blocks.is_empty() {
                        d = d.help(format!("{what} takes no blocks"));
                    } else {
                        d = d.help(format!(
                            "the blocks allowed here are {}.{}",
                            blocks.join(", "),
                            suggestion(&name, blocks.iter().copied())
                        ));
                    }
                    diags.push(d);
                    continue;
                }
                out.blocks.push(block);
            }
        }
    }
    out
}

fn allowed_list(attrs: &[&str]) -> String {
    if attrs.is_empty() {
        "no arguments are allowed here.".to_string()
    } else {
        format!("the arguments allowed here are {}.", attrs.join(", "))
    }
}

/// Sorts the blocks of one file into a module; `meta` adds the resource meta-arguments.
pub(crate) struct Loader<'a> {
    pub(crate) file: FileId,
    pub(crate) module: &'a mut ModuleDecl,
    pub(crate) diags: &'a mut Diagnostics,
}

impl Loader<'_> {
    pub(crate) fn span(&self, range: Option<std::ops::Range<usize>>) -> Span {
        Span::new(self.file, range.unwrap_or(0..0))
    }

    pub(crate) fn expr(&self, attr: Attribute) -> Expr {
        Expr::new(self.file, attr.value)
    }

    pub(crate) fn labels(&mut self, block: &Block, names: &[&str]) -> Option<Vec<(String, Span)>> {
        let kind = block.ident.value().as_str();
        let header = block_header_span(self.file, block);
        if block.labels.len() != names.len() {
            let msg = if names.is_empty() {
                format!("{kind} blocks take no labels")
            } else {
                format!(
                    "{kind} blocks take {} label{}: {}",
                    names.len(),
                    if names.len() == 1 { "" } else { "s" },
                    names.join(" and ")
                )
            };
            self.diags.push(
                Diagnostic::error(format!("wrong number of labels on a {kind} block"))
                    .at(header)
                    .label(msg),
            );
            return None;
        }
        let mut out = Vec::new();
        for (label, what) in block.labels.iter().zip(names) {
            let text = label.as_str().to_string();
            let span = self.span(label_span(label));
            if !is_valid_name(&text) {
                self.diags.push(
                    Diagnostic::error(format!("invalid {what} {text:?}"))
                        .at(span)
                        .label("not a valid name")
                        .help(
                            "a name starts with a letter or underscore and contains only \
                             letters, digits, underscores and dashes",
                        ),
                );
                return None;
            }
            out.push((text, span));
        }
        Some(out)
    }

    fn block(&mut self, block: Block) {
        let kind = block.ident.value().to_string();
        match kind.as_str() {
            "terraform" => self.terraform(block),
            "provider" => self.provider(block),
            "variable" => self.variable(block),
            "locals" => self.locals(block),
            "output" => self.output(block),
            "resource" => self.resource(block, Mode::Managed),
            "data" => self.resource(block, Mode::Data),
            "module" => self.module_call(block),
            "moved" => self.moved(block),
            "import" => self.import(block),
            "check" | "removed" | "ephemeral" => self.diags.push(
                Diagnostic::error(format!("{kind} blocks are not supported by aksform yet"))
                    .at(block_header_span(self.file, &block))
                    .help("remove the block; see the README for the supported language"),
            ),
            other => self.diags.push(
                Diagnostic::error(format!("unknown block type {other:?}"))
                    .at(block_header_span(self.file, &block))
                    .label("not a top-level block")
                    .help(format!(
                        "the top-level blocks are {}.{}",
                        TOP_LEVEL.join(", "),
                        suggestion(other, TOP_LEVEL.iter().copied())
                    )),
            ),
        }
    }

    pub(crate) fn literal_string(&mut self, expr: &Expr, what: &str) -> Option<String> {
        if let Some(s) = expr.as_literal_str() {
            return Some(s.to_string());
        }
        self.diags.push(
            Diagnostic::error(format!("{what} must be a literal string"))
                .at(expr.span())
                .label("references and functions are not allowed here"),
        );
        None
    }

    pub(crate) fn literal_bool(&mut self, expr: &Expr, what: &str) -> bool {
        if let Some(b) = expr.as_literal_bool() {
            return b;
        }
        self.diags.push(
            Diagnostic::error(format!("{what} must be true or false"))
                .at(expr.span())
                .label("a literal bool is required here"),
        );
        false
    }

    pub(crate) fn check_block(&mut self, block: Block, kind: &str) -> Option<CheckDecl> {
        let span = block_header_span(self.file, &block);
        self.labels(&block, &[])?;
        let mut f = fields(
            self.file,
            block.body,
            &format!("a {kind} block"),
            &["condition", "error_message"],
            &[],
            self.diags,
        );
        let condition = f.attrs.remove("condition").map(|a| self.expr(a));
        let error_message = f.attrs.remove("error_message").map(|a| self.expr(a));
        match (condition, error_message) {
            (Some(condition), Some(error_message)) => Some(CheckDecl {
                condition,
                error_message,
                span,
            }),
            (c, _) => {
                let missing = if c.is_none() {
                    "condition"
                } else {
                    "error_message"
                };
                self.diags.push(
                    Diagnostic::error(format!("the {kind} block has no {missing}"))
                        .at(span)
                        .help(format!("add `{missing} = ...`")),
                );
                None
            }
        }
    }

    pub(crate) fn duplicate(&mut self, kind: &str, name: &str, span: Span, prev: Span) {
        self.diags.push(
            Diagnostic::error(format!("duplicate {kind} {name:?}"))
                .at(span)
                .label("declared again here")
                .related(prev, "first declared here")
                .help(format!(
                    "each {kind} name must be unique within a module; rename or remove one"
                )),
        );
    }

    pub(crate) fn traversal_list(
        &mut self,
        attr: Attribute,
        what: &str,
    ) -> Vec<(String, Vec<super::syntax::Step>, Span)> {
        let expr = self.expr(attr);
        let Expression::Array(items) = &expr.expr else {
            self.diags.push(
                Diagnostic::error(format!("{what} must be a list of references"))
                    .at(expr.span())
                    .help(format!(
                        "write e.g. `{what} = [azurerm_resource_group.main]`"
                    )),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let span = expr.span_of(item);
            match static_traversal(item) {
                Some((root, steps)) => out.push((root, steps, span)),
                None => self.diags.push(
                    Diagnostic::error(format!("{what} entries must be plain references"))
                        .at(span)
                        .label("not a reference")
                        .help("name a resource, data source or module, e.g. azurerm_subnet.nodes"),
                ),
            }
        }
        out
    }

    fn resource(&mut self, block: Block, mode: Mode) {
        let span = block_header_span(self.file, &block);
        let kind = if mode == Mode::Managed {
            "resource"
        } else {
            "data source"
        };
        let Some(labels) = self.labels(&block, &[&format!("{kind} type"), &format!("{kind} name")])
        else {
            return;
        };
        let addr = ResourceAddr {
            mode,
            type_name: labels[0].0.clone(),
            name: labels[1].0.clone(),
        };
        let type_span = labels[0].1.clone();
        let decl = self.split_resource(block.body, addr.clone(), span.clone(), type_span);
        if let Some(prev) = self.module.resources.get(&addr) {
            self.duplicate(kind, &addr.to_string(), span, prev.span.clone());
            return;
        }
        self.module.resources.insert(addr, decl);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::fs::MemFs;

    fn load(files: &[(&str, &str)]) -> (ModuleDecl, Diagnostics, SourceMap) {
        let mut fs = MemFs::new();
        for (name, text) in files {
            fs.insert(format!("m/{name}"), *text);
        }
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let m = load_module(&fs, Path::new("m"), &mut sources, &mut diags);
        (m, diags, sources)
    }

    fn errors(files: &[(&str, &str)]) -> Vec<String> {
        let (_, d, s) = load(files);
        d.iter()
            .filter(|d| d.is_error())
            .map(|d| {
                format!(
                    "{} @ {}",
                    d.summary,
                    d.span.as_ref().map(|sp| s.location(sp)).unwrap_or_default()
                )
            })
            .collect()
    }

    #[test]
    fn sorts_blocks_into_the_module() {
        let (m, d, _) = load(&[(
            "main.tf",
            r#"
terraform {
  required_version = ">= 1.5"
  required_providers {
    azurerm = { source = "hashicorp/azurerm", version = "~> 4.0" }
  }
}
provider "azurerm" {
  features {}
}
variable "name" {
  type    = string
  default = "x"
  validation {
    condition     = length(var.name) > 0
    error_message = "empty"
  }
}
locals {
  a = 1
  b = local.a
}
resource "azurerm_resource_group" "main" {
  name     = var.name
  location = "westeurope"
  lifecycle {
    prevent_destroy = true
    ignore_changes  = [tags]
  }
}
data "azurerm_client_config" "current" {}
output "id" {
  value = azurerm_resource_group.main.id
}
module "net" {
  source = "./net"
  name   = "n"
}
moved {
  from = azurerm_resource_group.old
  to   = azurerm_resource_group.main
}
"#,
        )]);
        assert!(d.is_empty(), "{d:?}");
        assert!(m.is_root_config());
        assert_eq!(m.variables["name"].validations.len(), 1);
        assert_eq!(m.locals.len(), 2);
        assert_eq!(m.resources.len(), 2);
        let rg = &m.resources[&ResourceAddr::managed("azurerm_resource_group", "main")];
        assert!(rg.lifecycle.prevent_destroy);
        assert_eq!(m.calls["net"].inputs.len(), 1);
        assert_eq!(
            m.terraform[0].required_providers["azurerm"],
            "hashicorp/azurerm"
        );
        assert_eq!(m.moved.len(), 1);
    }

    #[test]
    fn reports_every_problem_with_its_place() {
        let e = errors(&[
            ("a.tf", "resourc \"x\" \"y\" {}\nfoo = 1\n"),
            (
                "b.tf",
                "variable \"v\" {\n  tpye = string\n}\nvariable \"v\" {}\n",
            ),
            ("c.tf", "output \"o\" {\n  value = 1\n"),
        ]);
        assert_eq!(e.len(), 5, "{e:#?}");
        assert!(e[0].starts_with("unknown block type \"resourc\" @ m/a.tf:1:1"));
        assert!(e[1].starts_with("unexpected argument \"foo\" at the top level @ m/a.tf:2:1"));
        assert!(e[2].starts_with("unsupported argument \"tpye\" in a variable block @ m/b.tf:2:3"));
        assert!(e[3].starts_with("duplicate variable \"v\" @ m/b.tf:4:1"));
        assert!(e[4].starts_with("unclosed bracket @ m/c.tf:1:12"), "{e:?}");
    }

    #[test]
    fn module_sources_must_be_local() {
        let e = errors(&[(
            "a.tf",
            "module \"aks\" {\n  source = \"Azure/aks/azurerm\"\n}\n",
        )]);
        assert_eq!(e.len(), 1);
        assert!(e[0].contains("registry"), "{e:?}");
    }

    #[test]
    fn empty_directory_is_an_error() {
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let fs = MemFs::new().with("m/readme.md", "x");
        load_module(&fs, Path::new("m"), &mut sources, &mut diags);
        assert!(
            diags
                .iter()
                .next()
                .unwrap()
                .summary
                .contains("no configuration files")
        );
    }

    #[test]
    fn names_are_checked() {
        assert!(is_valid_name("main"));
        assert!(is_valid_name("_x-1"));
        assert!(!is_valid_name("1x"));
        assert!(!is_valid_name("a.b"));
        let e = errors(&[("a.tf", "resource \"azurerm_resource_group\" \"1rg\" {}\n")]);
        assert!(e[0].starts_with("invalid resource name"), "{e:?}");
    }
}
