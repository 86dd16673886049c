//! The top-level blocks other than resources: `terraform`, `provider`, `variable`, `locals`,
//! `output`, `module`, `moved` and `import`, each checked and sorted into the module declaration.

use std::collections::BTreeMap;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Structure};

use super::decl::{
    ImportDecl, LocalDecl, ModuleCallDecl, MovedDecl, OutputDecl, ProviderDecl, TerraformDecl,
    VariableDecl,
};
use super::load::{Loader, attr_key_span, fields};
use super::meta;
use super::syntax::{Expr, block_header_span, static_traversal};
use super::types::{TypeConstraint, parse_type};
use crate::diag::{Diagnostic, Span};

impl Loader<'_> {
    pub(crate) fn terraform(&mut self, block: Block) {
        let span = block_header_span(self.file, &block);
        if self.labels(&block, &[]).is_none() {
            return;
        }
        let f = fields(
            self.file,
            block.body,
            "the terraform block",
            &["required_version", "experiments"],
            &["required_providers", "backend", "cloud", "provider_meta"],
            self.diags,
        );
        let mut decl = TerraformDecl {
            required_version: None,
            required_providers: BTreeMap::new(),
            span,
        };
        for (name, attr) in f.attrs {
            let expr = self.expr(attr);
            match name.as_str() {
                "required_version" => match expr.as_literal_str() {
                    Some(v) => decl.required_version = Some(v.to_string()),
                    None => self.diags.push(
                        Diagnostic::error("required_version must be a literal string")
                            .at(expr.span()),
                    ),
                },
                _ => self.diags.push(
                    Diagnostic::error("experiments are not supported by aksform").at(expr.span()),
                ),
            }
        }
        for inner in f.blocks {
            let header = block_header_span(self.file, &inner);
            match inner.ident.value().as_str() {
                "required_providers" => {
                    for structure in inner.body {
                        match structure {
                            Structure::Attribute(attr) => {
                                let name = attr.key.value().to_string();
                                let source = match &attr.value {
                                    Expression::Object(obj) => obj.iter().find_map(|(k, v)| {
                                        (k.as_ident().map(|i| i.as_str()) == Some("source"))
                                            .then(|| super::syntax::literal_str(v.expr()))
                                            .flatten()
                                            .map(str::to_string)
                                    }),
                                    _ => None,
                                };
                                decl.required_providers
                                    .insert(name.clone(), source.unwrap_or(name));
                            }
                            Structure::Block(b) => self.diags.push(
                                Diagnostic::error("required_providers takes arguments, not blocks")
                                    .at(block_header_span(self.file, &b)),
                            ),
                        }
                    }
                }
                "backend" | "cloud" => self.diags.push(
                    Diagnostic::warning(format!(
                        "the {} block is ignored",
                        inner.ident.value().as_str()
                    ))
                    .at(header)
                    .detail(
                        "aksform reads live Azure state and keeps only a small state index in \
                         .aksform/; it never uses a Terraform backend",
                    )
                    .help("remove the block, or keep it if Terraform still uses this directory"),
                ),
                _ => self
                    .diags
                    .push(Diagnostic::warning("provider_meta is ignored by aksform").at(header)),
            }
        }
        self.module.terraform.push(decl);
    }

    pub(crate) fn provider(&mut self, block: Block) {
        let span = block_header_span(self.file, &block);
        let Some(labels) = self.labels(&block, &["provider name"]) else {
            return;
        };
        let name = labels[0].0.clone();
        if name != "azurerm" {
            self.diags.push(
                Diagnostic::warning(format!("provider {name:?} is not used by aksform"))
                    .at(span)
                    .detail(
                        "aksform manages Azure resources through the azurerm resource types only",
                    )
                    .help("this block is ignored; resources of other providers are not supported"),
            );
            return;
        }
        let f = fields(
            self.file,
            block.body,
            "the azurerm provider block",
            meta::AZURERM_PROVIDER_ARGS,
            &["features"],
            self.diags,
        );
        let mut decl = ProviderDecl {
            name,
            alias: None,
            attrs: BTreeMap::new(),
            has_features: false,
            span: span.clone(),
        };
        for (attr_name, attr) in f.attrs {
            let expr = self.expr(attr);
            if attr_name == "alias" {
                match expr.as_literal_str() {
                    Some(a) => decl.alias = Some(a.to_string()),
                    None => self
                        .diags
                        .push(Diagnostic::error("alias must be a literal string").at(expr.span())),
                }
            } else {
                if attr_name == meta::API_VERSIONS_ARG {
                    meta::check_api_versions(&expr, self.diags);
                }
                if let Some(note) = meta::provider_arg_note(&attr_name) {
                    self.diags.push(
                        Diagnostic::warning(format!(
                            "provider argument {attr_name:?} has no effect"
                        ))
                        .at(expr.span())
                        .detail(note),
                    );
                }
                decl.attrs.insert(attr_name, expr);
            }
        }
        for features in f.blocks {
            if decl.has_features {
                self.diags.push(
                    Diagnostic::error("the features block is given twice")
                        .at(block_header_span(self.file, &features)),
                );
            }
            decl.has_features = true;
            meta::check_features(self.file, features.body, self.diags);
        }
        if !decl.has_features && decl.alias.is_none() {
            self.diags.push(
                Diagnostic::error("the azurerm provider block needs a features block")
                    .at(span)
                    .help("add `features {}` inside the provider block, as azurerm requires"),
            );
        }
        self.module.providers.push(decl);
    }

    pub(crate) fn variable(&mut self, block: Block) {
        let span = block_header_span(self.file, &block);
        let Some(labels) = self.labels(&block, &["variable name"]) else {
            return;
        };
        let name = labels[0].0.clone();
        if meta::RESERVED_VARIABLE_NAMES.contains(&name.as_str()) {
            self.diags.push(
                Diagnostic::error(format!("{name:?} cannot be used as a variable name"))
                    .at(labels[0].1.clone())
                    .label("reserved for a meta-argument of module calls")
                    .help("choose another name"),
            );
            return;
        }
        let f = fields(
            self.file,
            block.body,
            "a variable block",
            &[
                "type",
                "default",
                "description",
                "sensitive",
                "nullable",
                "ephemeral",
            ],
            &["validation"],
            self.diags,
        );
        let mut decl = VariableDecl {
            name: name.clone(),
            ty: TypeConstraint::Any,
            default: None,
            description: None,
            sensitive: false,
            nullable: true,
            validations: Vec::new(),
            span: span.clone(),
        };
        for (attr_name, attr) in f.attrs {
            let expr = self.expr(attr);
            match attr_name.as_str() {
                "type" => match parse_type(&expr.expr) {
                    Ok(t) => decl.ty = t,
                    Err(e) => self.diags.push(
                        Diagnostic::error(format!("invalid type for variable {name:?}"))
                            .at(Span::new(
                                self.file,
                                e.range.unwrap_or_else(|| expr.span().range),
                            ))
                            .label(e.message),
                    ),
                },
                "default" => decl.default = Some(expr),
                "description" => decl.description = self.literal_string(&expr, "description"),
                "sensitive" => decl.sensitive = self.literal_bool(&expr, "sensitive"),
                "nullable" => decl.nullable = self.literal_bool(&expr, "nullable"),
                _ => {
                    self.literal_bool(&expr, "ephemeral");
                }
            }
        }
        for inner in f.blocks {
            if let Some(check) = self.check_block(inner, "validation") {
                decl.validations.push(check);
            }
        }
        if let Some(prev) = self.module.variables.get(&name) {
            self.duplicate("variable", &name, span, prev.span.clone());
            return;
        }
        self.module.variables.insert(name, decl);
    }

    pub(crate) fn locals(&mut self, block: Block) {
        if self.labels(&block, &[]).is_none() {
            return;
        }
        for structure in block.body {
            match structure {
                Structure::Attribute(attr) => {
                    let name = attr.key.value().to_string();
                    let span = attr_key_span(self.file, &attr);
                    if let Some(prev) = self.module.locals.get(&name) {
                        self.duplicate("local value", &name, span, prev.span.clone());
                        continue;
                    }
                    let value = self.expr(attr);
                    self.module
                        .locals
                        .insert(name.clone(), LocalDecl { name, value, span });
                }
                Structure::Block(b) => self.diags.push(
                    Diagnostic::error("locals blocks hold only `name = value` entries")
                        .at(block_header_span(self.file, &b))
                        .help("write a nested value as an object: `name = { ... }`"),
                ),
            }
        }
    }

    pub(crate) fn output(&mut self, block: Block) {
        let span = block_header_span(self.file, &block);
        let Some(labels) = self.labels(&block, &["output name"]) else {
            return;
        };
        let name = labels[0].0.clone();
        let mut f = fields(
            self.file,
            block.body,
            "an output block",
            &[
                "value",
                "description",
                "sensitive",
                "depends_on",
                "ephemeral",
            ],
            &["precondition"],
            self.diags,
        );
        let Some(value) = f.attrs.remove("value").map(|a| self.expr(a)) else {
            self.diags.push(
                Diagnostic::error(format!("output {name:?} has no value"))
                    .at(span)
                    .help("add `value = ...`"),
            );
            return;
        };
        let description = f
            .attrs
            .remove("description")
            .and_then(|a| self.literal_string(&Expr::new(self.file, a.value), "description"));
        let sensitive = f
            .attrs
            .remove("sensitive")
            .is_some_and(|a| self.literal_bool(&Expr::new(self.file, a.value), "sensitive"));
        if let Some(a) = f.attrs.remove("ephemeral") {
            self.literal_bool(&Expr::new(self.file, a.value), "ephemeral");
        }
        let depends_on = f
            .attrs
            .remove("depends_on")
            .map(|a| self.traversal_list(a, "depends_on"))
            .unwrap_or_default();
        let preconditions = f
            .blocks
            .into_iter()
            .filter_map(|b| self.check_block(b, "precondition"))
            .collect();
        if let Some(prev) = self.module.outputs.get(&name) {
            self.duplicate("output", &name, span, prev.span.clone());
            return;
        }
        self.module.outputs.insert(
            name.clone(),
            OutputDecl {
                name,
                value,
                description,
                sensitive,
                depends_on,
                preconditions,
                span,
            },
        );
    }

    /// A list of static references (`depends_on`, `replace_triggered_by`).
    pub(crate) fn module_call(&mut self, block: Block) {
        let span = block_header_span(self.file, &block);
        let Some(labels) = self.labels(&block, &["module name"]) else {
            return;
        };
        let name = labels[0].0.clone();
        let mut source = None;
        let mut decl = ModuleCallDecl {
            name: name.clone(),
            source: String::new(),
            source_span: span.clone(),
            count: None,
            for_each: None,
            depends_on: Vec::new(),
            inputs: BTreeMap::new(),
            span: span.clone(),
        };
        let mut version = None;
        for structure in block.body {
            match structure {
                Structure::Attribute(attr) => {
                    let key = attr.key.value().to_string();
                    match key.as_str() {
                        "source" => {
                            let expr = self.expr(attr);
                            decl.source_span = expr.span();
                            source = self.literal_string(&expr, "a module source");
                        }
                        "version" => version = Some(self.expr(attr).span()),
                        "count" => decl.count = Some(self.expr(attr)),
                        "for_each" => decl.for_each = Some(self.expr(attr)),
                        "depends_on" => decl.depends_on = self.traversal_list(attr, "depends_on"),
                        "providers" => {}
                        _ => {
                            let key_span = attr_key_span(self.file, &attr);
                            if decl.inputs.contains_key(&key) {
                                self.diags.push(
                                    Diagnostic::error(format!("argument {key:?} is set twice"))
                                        .at(key_span),
                                );
                                continue;
                            }
                            decl.inputs.insert(key, self.expr(attr));
                        }
                    }
                }
                Structure::Block(b) => self.diags.push(
                    Diagnostic::error("module calls take arguments, not blocks")
                        .at(block_header_span(self.file, &b))
                        .help("pass nested values as objects: `name = { ... }`"),
                ),
            }
        }
        if decl.count.is_some() && decl.for_each.is_some() {
            self.diags.push(meta::count_and_for_each(span.clone()));
        }
        let Some(source) = source else {
            if !self.diags.has_errors() {
                self.diags.push(
                    Diagnostic::error(format!("module {name:?} has no source"))
                        .at(span)
                        .help("add `source = \"./path/to/module\"`"),
                );
            }
            return;
        };
        if let Some(d) = meta::check_module_source(&source, decl.source_span.clone(), version) {
            self.diags.push(d);
            return;
        }
        decl.source = source;
        if let Some(prev) = self.module.calls.get(&name) {
            self.duplicate("module call", &name, span, prev.span.clone());
            return;
        }
        self.module.calls.insert(name, decl);
    }

    pub(crate) fn moved(&mut self, block: Block) {
        let span = block_header_span(self.file, &block);
        if self.labels(&block, &[]).is_none() {
            return;
        }
        let mut f = fields(
            self.file,
            block.body,
            "a moved block",
            &["from", "to"],
            &[],
            self.diags,
        );
        let from = f.attrs.remove("from").and_then(|a| self.address(a, "from"));
        let to = f.attrs.remove("to").and_then(|a| self.address(a, "to"));
        match (from, to) {
            (Some(from), Some(to)) => self.module.moved.push(MovedDecl { from, to, span }),
            _ => self.diags.push(
                Diagnostic::error("a moved block needs both `from` and `to` addresses").at(span),
            ),
        }
    }

    pub(crate) fn address(
        &mut self,
        attr: Attribute,
        what: &str,
    ) -> Option<(String, Vec<super::syntax::Step>)> {
        let expr = self.expr(attr);
        let t = static_traversal(&expr.expr);
        if t.is_none() {
            self.diags.push(
                Diagnostic::error(format!("`{what}` must be a resource or module address"))
                    .at(expr.span())
                    .help("write an address such as azurerm_subnet.nodes or module.network"),
            );
        }
        t
    }

    pub(crate) fn import(&mut self, block: Block) {
        let span = block_header_span(self.file, &block);
        if self.labels(&block, &[]).is_none() {
            return;
        }
        let mut f = fields(
            self.file,
            block.body,
            "an import block",
            &["to", "id", "provider"],
            &[],
            self.diags,
        );
        let to = f.attrs.remove("to").and_then(|a| self.address(a, "to"));
        let id = f.attrs.remove("id").map(|a| self.expr(a));
        match (to, id) {
            (Some(to), Some(id)) => self.module.imports.push(ImportDecl { to, id, span }),
            _ => self.diags.push(
                Diagnostic::error("an import block needs `to` (an address) and `id` (an ARM id)")
                    .at(span),
            ),
        }
    }
}
