//! Decoding resource bodies against their schemas: every argument is evaluated, converted to its
//! type and checked against its allowed values; nested and `dynamic` blocks are expanded; unknown,
//! removed, unsupported and read-only names are errors that say what to write instead; omitted
//! arguments get their defaults. The result is one [`ResourceInstance`] per instance.

use std::collections::{BTreeMap, BTreeSet};

use hcl_edit::structure::{Attribute, Block, Body, Structure};

use super::decl::{ModuleDecl, ResourceDecl};
use super::eval::{Evaluator, Shape, expand};
use super::eval::{ResourceInstance, Scope};
use super::load::attr_key_span;
use super::schema::{self, AttrSchema, BodySchema, IdCtx, Presence, ResourceSchema};
use super::syntax::block_header_span;
use super::types::convert;
use super::value::{Value, quote};
use crate::addr::{AbsResourceInstance, InstanceKey, Mode, ModuleInstance};
use crate::diag::{Diagnostic, Diagnostics, Span, suggestion};

/// Evaluates every instance of a resource or data source; returns the value references see.
pub(crate) fn resource(
    ev: &mut Evaluator<'_>,
    inst: &ModuleInstance,
    module: &ModuleDecl,
    decl: &ResourceDecl,
    d: &mut Diagnostics,
) -> Value {
    let Some(schema) = schema::schema(decl.addr.mode, &decl.addr.type_name) else {
        d.push(unknown_type(decl));
        return Value::Unknown;
    };
    let expansion = {
        let mut scope = Scope::new(&ev.env, inst, module, decl.body.file);
        expand(&mut scope, decl.count.as_ref(), decl.for_each.as_ref(), d)
    };
    // Once per module instance; identical diagnostics are merged later.
    check_ignore_changes(decl, schema, d);
    let Some(expansion) = expansion else {
        return Value::Unknown;
    };
    let subscription = ev.out.subscription_id.clone();
    let mut instances: Vec<(InstanceKey, Value)> = Vec::new();
    for binding in &expansion.keys {
        let mut scope = Scope::new(&ev.env, inst, module, decl.body.file);
        scope.count_index = binding.count_index.clone();
        scope.each = binding.each.clone();
        let mut spans = BTreeMap::new();
        let mut values = Decoder {
            scope: &mut scope,
            schema,
            spans: &mut spans,
            d,
            misformed: BTreeSet::new(),
        }
        .body(&schema.body, &decl.body.body, "", "", decl.span.clone());
        if let Some(derive) = schema.derive {
            derive(subscription.as_deref(), &mut values);
        }
        let addr = AbsResourceInstance::new(inst.clone(), decl.addr.clone(), binding.key.clone());
        if decl.addr.mode == Mode::Data
            && let Some(read) = ev.opts.data.read(&addr, &values)
        {
            for (k, v) in read {
                if schema
                    .body
                    .attr(&k)
                    .is_some_and(|a| a.presence != Presence::Required)
                {
                    values.insert(k, v);
                }
            }
        }
        let id = schema.arm_id.and_then(|f| {
            f(&IdCtx {
                subscription: subscription.as_deref(),
                values: &values,
            })
        });
        if let Some(id) = &id {
            values.insert("id".to_string(), Value::String(id.clone()));
        }
        // What Azure has fills the computed values other resources refer to (an existing
        // cluster's OIDC issuer URL). The instance itself keeps them unknown: a computed value
        // the configuration did not write is never managed, so it never shows as a change.
        let mut seen = values.clone();
        if decl.addr.mode == Mode::Managed
            && let Some(live) = ev.opts.data.computed(&addr, &values)
        {
            for (k, v) in seen.iter_mut() {
                if let Some(known) = live.get(k) {
                    crate::config::eval::fill_unknown(v, known);
                }
            }
        }
        let object = Value::Map(seen);
        for check in &decl.lifecycle.preconditions {
            check_condition(&mut scope, check, None, "precondition", d);
        }
        for check in &decl.lifecycle.postconditions {
            check_condition(&mut scope, check, Some(&object), "postcondition", d);
        }
        instances.push((binding.key.clone(), object));
        ev.out.resources.push(ResourceInstance {
            addr,
            schema,
            values,
            id,
            spans,
            span: decl.span.clone(),
            lifecycle: decl.lifecycle.clone(),
            timeouts: decl.timeouts.clone(),
        });
    }
    match expansion.shape {
        Shape::Single => instances.pop().map_or(Value::Unknown, |(_, v)| v),
        Shape::Count => Value::List(instances.into_iter().map(|(_, v)| v).collect()),
        Shape::ForEach => Value::Map(
            instances
                .into_iter()
                .map(|(k, v)| match k {
                    InstanceKey::Str(s) => (s, v),
                    other => (other.to_string(), v),
                })
                .collect(),
        ),
    }
}

/// `lifecycle { ignore_changes = [...] }` may only name arguments and blocks of the resource type.
fn check_ignore_changes(decl: &ResourceDecl, schema: &'static ResourceSchema, d: &mut Diagnostics) {
    use super::decl::IgnoreChanges;
    use super::syntax::Step;
    let IgnoreChanges::Paths(paths) = &decl.lifecycle.ignore_changes else {
        return;
    };
    for (steps, span) in paths {
        let mut body = &schema.body;
        let mut shown = String::new();
        let mut steps = steps.iter().peekable();
        while let Some(step) = steps.next() {
            let Step::Attr(name) = step else { break };
            if !shown.is_empty() {
                shown.push('.');
            }
            shown.push_str(name);
            if body.attr(name).is_some() || body.alias(name).is_some() {
                // Anything after an attribute indexes into its value (tags["x"]).
                break;
            }
            if let Some(block) = body.block(name) {
                body = &block.body;
                // Skip the block index: default_node_pool[0] or default_node_pool.0.
                if matches!(steps.peek(), Some(Step::Index(_) | Step::Splat)) {
                    steps.next();
                }
                continue;
            }
            let candidates: Vec<&str> = body.writable_names().collect();
            d.push(
                Diagnostic::error(format!(
                    "ignore_changes names {shown}, which {} does not have",
                    schema.type_name
                ))
                .at(span.clone())
                .label("not an argument or block of this resource type")
                .help(format!(
                    "list arguments of the resource, e.g. tags or default_node_pool[0].node_count.{}",
                    suggestion(name, candidates.iter().copied())
                )),
            );
            break;
        }
    }
}

fn check_condition(
    scope: &mut Scope<'_>,
    check: &super::decl::CheckDecl,
    self_value: Option<&Value>,
    kind: &str,
    d: &mut Diagnostics,
) {
    let saved_file = scope.file;
    scope.file = check.condition.file;
    scope.self_value = self_value.cloned();
    let cond = scope.eval(&check.condition.expr, d);
    if scope.bool_of(&cond, &check.condition.expr, "condition", d) == Some(false) {
        let msg = scope.eval(&check.error_message.expr, d);
        d.push(
            Diagnostic::error(format!("{kind} failed"))
                .at(check.condition.span())
                .label(
                    msg.coerce_string()
                        .unwrap_or_else(|| "the condition is false".into()),
                )
                .related(check.span.clone(), format!("this {kind}")),
        );
    }
    scope.self_value = None;
    scope.file = saved_file;
}

fn unknown_type(decl: &ResourceDecl) -> Diagnostic {
    let mode = decl.addr.mode;
    let t = decl.addr.type_name.as_str();
    let what = if mode == Mode::Managed {
        "resource type"
    } else {
        "data source"
    };
    let supported: Vec<&str> = schema::type_names(mode).collect();
    let mut diag =
        Diagnostic::error(format!("unsupported {what} {t:?}")).at(decl.type_span.clone());
    if schema::KNOWN_UNSUPPORTED_TYPES.contains(&t)
        || (t.starts_with("azurerm_") && mode == Mode::Managed)
    {
        diag = diag.label("aksform does not manage this azurerm type").help(format!(
            "aksform manages the resources of a hardened AKS cluster: {}. Manage {t} with another \
             tool and pass its id in through a variable.{}",
            supported.join(", "),
            suggestion(t, supported.iter().copied())
        ));
    } else {
        diag = diag.label(format!("not a supported {what}")).help(format!(
            "the supported {what}s are {}.{}",
            supported.join(", "),
            suggestion(t, supported.iter().copied())
        ));
    }
    diag
}

struct Decoder<'s, 'a> {
    scope: &'s mut Scope<'a>,
    schema: &'static ResourceSchema,
    spans: &'s mut BTreeMap<String, Span>,
    d: &'s mut Diagnostics,
    /// Paths of names written in the wrong form (a block as an argument or the other way round):
    /// already reported, so not also reported as missing.
    misformed: BTreeSet<String>,
}

impl Decoder<'_, '_> {
    /// Decodes a body. `prefix` is the instance path (`default_node_pool.0.`); `schema_path` the
    /// same without indices (`default_node_pool.`), used to look up removed and unsupported names.
    fn body(
        &mut self,
        bs: &'static BodySchema,
        body: &Body,
        prefix: &str,
        schema_path: &str,
        header: Span,
    ) -> BTreeMap<String, Value> {
        let mut values = BTreeMap::new();
        let mut keys: BTreeMap<&'static str, Span> = BTreeMap::new();
        let mut blocks: BTreeMap<&'static str, Vec<(Value, Span)>> = BTreeMap::new();
        let mut unknown_blocks: BTreeSet<&'static str> = BTreeSet::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(a) => {
                    self.attribute(bs, a, prefix, schema_path, &mut values, &mut keys)
                }
                Structure::Block(b) if b.ident.value().as_str() == "dynamic" => {
                    self.dynamic(bs, b, prefix, schema_path, &mut blocks, &mut unknown_blocks);
                }
                Structure::Block(b) => {
                    let name = b.ident.value().to_string();
                    let header = block_header_span(self.scope.file, b);
                    if let Some(bschema) =
                        self.block_schema(bs, &name, schema_path, header.clone(), true)
                    {
                        self.nested(bschema, &b.body, prefix, schema_path, header, &mut blocks);
                    }
                }
            }
        }
        self.fill(
            bs,
            &mut values,
            &mut keys,
            blocks,
            unknown_blocks,
            (prefix, schema_path),
            header,
        );
        values
    }

    fn attribute(
        &mut self,
        bs: &'static BodySchema,
        a: &Attribute,
        prefix: &str,
        schema_path: &str,
        values: &mut BTreeMap<String, Value>,
        keys: &mut BTreeMap<&'static str, Span>,
    ) {
        let name = a.key.value().as_str();
        let key_span = attr_key_span(self.scope.file, a);
        let attr: &'static AttrSchema = match bs.attr(name) {
            Some(attr) => attr,
            None => match bs.alias(name).and_then(|new| bs.attr(new)) {
                Some(attr) => {
                    self.d.push(
                        Diagnostic::warning(format!(
                            "{name:?} is the azurerm 3.x name of {:?}",
                            attr.name
                        ))
                        .at(key_span.clone())
                        .label("deprecated name")
                        .help(format!(
                            "rename it to {}; aksform accepts both for now",
                            attr.name
                        )),
                    );
                    attr
                }
                None => {
                    self.unknown_name(bs, name, schema_path, key_span, false);
                    // Evaluate anyway, so mistakes inside are reported too.
                    self.scope.eval(&a.value, self.d);
                    return;
                }
            },
        };
        if attr.presence == Presence::Computed {
            self.d.push(
                Diagnostic::error(format!("{} is read-only", attr.name))
                    .at(key_span)
                    .label("Azure sets this value")
                    .help(format!(
                        "remove it; read it elsewhere as <resource>.{}",
                        attr.name
                    )),
            );
            return;
        }
        if let Some(prev) = keys.get(attr.name) {
            self.d.push(
                Diagnostic::error(format!("{} is set twice", attr.name))
                    .at(key_span)
                    .related(prev.clone(), "first set here")
                    .help("remove one of them (a 3.x name and its 4.x name count as the same argument)"),
            );
            return;
        }
        keys.insert(attr.name, key_span);
        let value = self.scope.eval(&a.value, self.d);
        let span = self.scope.span(&a.value);
        if value.is_null() {
            return;
        }
        self.spans
            .insert(format!("{prefix}{}", attr.name), span.clone());
        let mut warnings = Vec::new();
        let value = match convert(&value, &attr.ty, &mut warnings) {
            Ok(v) => v,
            Err(e) => {
                let at = self
                    .scope
                    .span(crate::config::syntax::locate(&a.value, &e.path));
                self.d.push(
                    Diagnostic::error(format!(
                        "invalid value for {}",
                        display_path(prefix, attr.name)
                    ))
                    .at(at)
                    .label(format!("{e} (the type of {} is {})", attr.name, attr.ty)),
                );
                values.insert(attr.name.to_string(), Value::Unknown);
                return;
            }
        };
        if let Err((label, help)) = check_value(attr, &value) {
            let at = self.scope.span(failing_element(attr, &value, &a.value));
            let mut diag = Diagnostic::error(format!(
                "invalid value for {}",
                display_path(prefix, attr.name)
            ))
            .at(at)
            .label(label);
            if let Some(help) = help {
                diag = diag.help(help);
            }
            self.d.push(diag);
        }
        values.insert(attr.name.to_string(), value);
    }

    fn block_schema(
        &mut self,
        bs: &'static BodySchema,
        name: &str,
        schema_path: &str,
        header: Span,
        report: bool,
    ) -> Option<&'static schema::BlockSchema> {
        match bs.block(name) {
            Some(b)
                if b.presence == Presence::Computed
                    && !self
                        .schema
                        .unsupported
                        .contains(&format!("{schema_path}{name}").as_str()) =>
            {
                self.d.push(
                    Diagnostic::error(format!("{name} is read-only"))
                        .at(header)
                        .label("Azure sets this block")
                        .help(format!(
                            "remove it; read it elsewhere as <resource>.{name}[0]"
                        )),
                );
                None
            }
            Some(b) if b.presence != Presence::Computed => Some(b),
            _ => {
                if report {
                    self.unknown_name(bs, name, schema_path, header, true);
                }
                None
            }
        }
    }

    fn nested(
        &mut self,
        bschema: &'static schema::BlockSchema,
        body: &Body,
        prefix: &str,
        schema_path: &str,
        header: Span,
        blocks: &mut BTreeMap<&'static str, Vec<(Value, Span)>>,
    ) {
        let list = blocks.entry(bschema.name).or_default();
        let index = list.len();
        let inner_prefix = format!("{prefix}{}.{index}.", bschema.name);
        let inner_schema_path = format!("{schema_path}{}.", bschema.name);
        self.spans
            .insert(format!("{prefix}{}.{index}", bschema.name), header.clone());
        let v = self.body(
            &bschema.body,
            body,
            &inner_prefix,
            &inner_schema_path,
            header.clone(),
        );
        blocks
            .entry(bschema.name)
            .or_default()
            .push((Value::Map(v), header));
    }

    fn dynamic(
        &mut self,
        bs: &'static BodySchema,
        b: &Block,
        prefix: &str,
        schema_path: &str,
        blocks: &mut BTreeMap<&'static str, Vec<(Value, Span)>>,
        unknown_blocks: &mut BTreeSet<&'static str>,
    ) {
        let file = self.scope.file;
        let header = block_header_span(file, b);
        let Some(label) = b.labels.first().map(|l| l.as_str().to_string()) else {
            self.d.push(
                Diagnostic::error("a dynamic block needs the name of the block it generates")
                    .at(header)
                    .help("write dynamic \"security_rule\" { ... }"),
            );
            return;
        };
        let Some(bschema) = self.block_schema(bs, &label, schema_path, header.clone(), true) else {
            return;
        };
        let mut for_each = None;
        let mut iterator = label.clone();
        let mut content = None;
        for s in b.body.iter() {
            match s {
                Structure::Attribute(a) => match a.key.value().as_str() {
                    "for_each" => for_each = Some(&a.value),
                    "iterator" => match crate::config::syntax::static_traversal(&a.value) {
                        Some((name, steps)) if steps.is_empty() => iterator = name,
                        _ => self.d.push(
                            Diagnostic::error("iterator must be a plain name")
                                .at(self.scope.span(&a.value))
                                .help("write iterator = rule"),
                        ),
                    },
                    "labels" => self.d.push(
                        Diagnostic::error("labels are not used by any block aksform supports")
                            .at(attr_key_span(file, a))
                            .help("remove labels"),
                    ),
                    other => self.d.push(
                        Diagnostic::error(format!(
                            "unsupported argument {other:?} in a dynamic block"
                        ))
                        .at(attr_key_span(file, a))
                        .help("a dynamic block takes for_each, iterator and a content block"),
                    ),
                },
                Structure::Block(inner) if inner.ident.value().as_str() == "content" => {
                    if content.is_some() {
                        self.d.push(
                            Diagnostic::error("a dynamic block has only one content block")
                                .at(block_header_span(file, inner)),
                        );
                    }
                    content = Some(inner);
                }
                Structure::Block(inner) => self.d.push(
                    Diagnostic::error(format!(
                        "unexpected block {:?} in a dynamic block",
                        inner.ident.value().as_str()
                    ))
                    .at(block_header_span(file, inner))
                    .help("put the generated block's contents inside content { ... }"),
                ),
            }
        }
        let (Some(for_each), Some(content)) = (for_each, content) else {
            self.d.push(
                Diagnostic::error("a dynamic block needs for_each and a content block")
                    .at(header)
                    .help("write for_each = ... and content { ... }"),
            );
            return;
        };
        let coll = self.scope.eval(for_each, self.d);
        let Some(items) = self.scope.iterate(&coll, for_each, self.d) else {
            unknown_blocks.insert(bschema.name);
            return;
        };
        for (k, v) in items {
            let it = Value::map([("key", k), ("value", v)]);
            self.scope.bound.push((iterator.clone(), it));
            self.nested(
                bschema,
                &content.body,
                prefix,
                schema_path,
                header.clone(),
                blocks,
            );
            self.scope.bound.pop();
        }
    }

    fn unknown_name(
        &mut self,
        bs: &BodySchema,
        name: &str,
        schema_path: &str,
        span: Span,
        is_block: bool,
    ) {
        let full = format!("{schema_path}{name}");
        let type_name = self.schema.type_name;
        let kind = if is_block { "block" } else { "argument" };
        let diag =
            if let Some((_, note)) = self.schema.removed.iter().find(|(n, _)| *n == full) {
                Diagnostic::error(format!("{full} was removed in azurerm 4.0"))
                    .at(span)
                    .label("no longer part of azurerm")
                    .help(note.to_string())
            } else if self.schema.unsupported.contains(&full.as_str()) {
                Diagnostic::error(format!("{full} is not supported by aksform yet"))
                .at(span)
                .label(format!("an azurerm {kind} of {type_name} that aksform does not manage"))
                .help(
                    "remove it, or manage this setting outside aksform; the README lists what is \
                     supported",
                )
            } else if is_block && bs.attr(name).is_some() {
                self.misformed.insert(format!("{schema_path}{name}"));
                Diagnostic::error(format!("{name} is an argument, not a block"))
                    .at(span)
                    .label("written as a block")
                    .help(format!("write {name} = ..."))
            } else if !is_block && bs.block(name).is_some() {
                self.misformed.insert(format!("{schema_path}{name}"));
                Diagnostic::error(format!("{name} is a block, not an argument"))
                    .at(span)
                    .label("written as an argument")
                    .help(format!("write {name} {{ ... }}"))
            } else {
                let candidates: Vec<&str> = bs.writable_names().collect();
                let where_ = if schema_path.is_empty() {
                    type_name.to_string()
                } else {
                    format!("{type_name}.{}", schema_path.trim_end_matches('.'))
                };
                Diagnostic::error(format!("unsupported {kind} {name:?} in {where_}"))
                    .at(span)
                    .label(format!("{where_} has no {kind} with this name"))
                    .help(
                        match crate::diag::did_you_mean(name, candidates.iter().copied()) {
                            Some(c) => format!("did you mean {c:?}?"),
                            None => format!("the names allowed here are {}", candidates.join(", ")),
                        },
                    )
            };
        self.d.push(diag);
    }

    #[allow(clippy::too_many_arguments)]
    fn fill(
        &mut self,
        bs: &'static BodySchema,
        values: &mut BTreeMap<String, Value>,
        keys: &mut BTreeMap<&'static str, Span>,
        mut blocks: BTreeMap<&'static str, Vec<(Value, Span)>>,
        unknown_blocks: BTreeSet<&'static str>,
        (prefix, schema_path): (&str, &str),
        header: Span,
    ) {
        for attr in &bs.attrs {
            if values.contains_key(attr.name) {
                continue;
            }
            if self
                .misformed
                .contains(&format!("{schema_path}{}", attr.name))
            {
                values.insert(attr.name.to_string(), Value::Unknown);
                continue;
            }
            let v = match (attr.presence, &attr.default) {
                (Presence::Required, _) => {
                    let written_null = keys.contains_key(attr.name);
                    self.d.push(
                        Diagnostic::error(format!(
                            "the argument {:?} is required{}",
                            attr.name,
                            if written_null { ", but it is null" } else { "" }
                        ))
                        .at(keys
                            .get(attr.name)
                            .cloned()
                            .unwrap_or_else(|| header.clone()))
                        .label(format!(
                            "{} must be set here",
                            display_path(prefix, attr.name)
                        ))
                        .help(format!("add {} = ...", attr.name)),
                    );
                    Value::Unknown
                }
                (_, Some(default)) if attr.presence != Presence::Computed => default.clone(),
                (Presence::Optional, None) => Value::Null,
                _ => Value::Unknown,
            };
            values.insert(attr.name.to_string(), v);
        }
        for bschema in &bs.blocks {
            let name = bschema.name;
            if unknown_blocks.contains(name) {
                values.insert(name.to_string(), Value::Unknown);
                continue;
            }
            let given = blocks.remove(name).unwrap_or_default();
            if self.misformed.contains(&format!("{schema_path}{name}")) {
                values.insert(name.to_string(), Value::Unknown);
                continue;
            }
            if given.len() < bschema.min {
                self.d.push(
                    Diagnostic::error(format!("a {name} block is required"))
                        .at(header.clone())
                        .label(format!("add {name} {{ ... }} here"))
                        .help(format!(
                            "{} needs at least {} {name} block",
                            self.schema.type_name, bschema.min
                        )),
                );
            }
            if bschema.max > 0 && given.len() > bschema.max {
                self.d.push(
                    Diagnostic::error(format!("too many {name} blocks"))
                        .at(given[bschema.max].1.clone())
                        .label(format!("at most {} allowed", bschema.max))
                        .related(given[0].1.clone(), "the first one is here")
                        .help("merge them into one block"),
                );
            }
            let v = if given.is_empty() && bschema.presence != Presence::Optional {
                Value::Unknown
            } else {
                Value::List(given.into_iter().map(|(v, _)| v).collect())
            };
            values.insert(name.to_string(), v);
        }
    }
}

/// For a list value written as a list literal, the element that fails the attribute's checks;
/// otherwise the whole expression.
fn failing_element<'e>(
    attr: &AttrSchema,
    value: &Value,
    expr: &'e hcl_edit::expr::Expression,
) -> &'e hcl_edit::expr::Expression {
    let (Some(_), hcl_edit::expr::Expression::Array(written)) = (value.as_seq(), expr) else {
        return expr;
    };
    // Elements written as literals can be checked one by one (sets may reorder the value).
    written
        .iter()
        .find(|e| {
            super::types::const_value(e)
                .is_some_and(|v| check_value(attr, &Value::List(vec![v])).is_err())
        })
        .unwrap_or(expr)
}

/// A user-facing attribute path: `default_node_pool.0.` + `name` is `default_node_pool[0].name`.
fn display_path(prefix: &str, name: &str) -> String {
    let mut out = String::new();
    for part in prefix.split('.').filter(|p| !p.is_empty()) {
        if part.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
    }
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(name);
    out
}

/// Checks a converted value against the attribute's allowed values and extra check; the error
/// is (label, help).
fn check_value(attr: &AttrSchema, value: &Value) -> Result<(), (String, Option<String>)> {
    if !value.is_wholly_known() {
        return Ok(());
    }
    if !attr.allowed.is_empty()
        && let Some(s) = value.as_str()
        && !attr.allowed.contains(&s)
    {
        let case = attr.allowed.iter().find(|a| a.eq_ignore_ascii_case(s));
        let help = match case {
            Some(c) => format!("values are case-sensitive: write {}", quote(c)),
            None => format!(
                "allowed values: {}.{}",
                attr.allowed
                    .iter()
                    .map(|a| quote(a))
                    .collect::<Vec<_>>()
                    .join(", "),
                suggestion(s, attr.allowed.iter().copied())
            ),
        };
        return Err((
            format!("{} is not an allowed value for {}", quote(s), attr.name),
            Some(help),
        ));
    }
    if let Some(check) = attr.check {
        check(value).map_err(|e| (e, None))?;
    }
    Ok(())
}
