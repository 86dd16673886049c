//! References and traversals: `var.x`, `local.y`, `module.m.out`, `azurerm_subnet.s[0].id`,
//! `each.value`, `path.module`, indexing, attribute access and splats.

use hcl_edit::Decorated;
use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, TraversalOperator};

use super::expr::Scope;
use crate::addr::{Mode, ResourceAddr};
use crate::config::schema;
use crate::config::value::{Value, quote};
use crate::diag::{Diagnostic, Diagnostics, Span, suggestion};

type Ops = [Decorated<TraversalOperator>];

impl Scope<'_> {
    /// Evaluates a variable or traversal expression.
    pub fn traversal(&mut self, expr: &Expression, d: &mut Diagnostics) -> Value {
        let (root, ops): (&Expression, &Ops) = match expr {
            Expression::Traversal(t) => (&t.expr, &t.operators),
            other => (other, &[]),
        };
        let start = expr.span().map_or(0, |r| r.start);
        let (value, consumed) = match root {
            Expression::Variable(v) => match self.resolve(v.value().as_str(), ops, expr, d) {
                Some(r) => r,
                None => return Value::Unknown,
            },
            other => (self.eval(other, d), 0),
        };
        self.apply_ops(value, &ops[consumed..], start, d)
    }

    fn attr_at(ops: &Ops, i: usize) -> Option<&str> {
        match ops.get(i).map(Decorated::value) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.value().as_str()),
            _ => None,
        }
    }

    fn span_to(&self, start: usize, ops: &Ops, i: usize, whole: &Expression) -> Span {
        let end = ops
            .get(i)
            .and_then(hcl_edit::Span::span)
            .map_or_else(|| whole.span().map_or(start, |r| r.end), |r| r.end);
        Span::new(self.file, start..end.max(start))
    }

    /// Resolves the root name of a reference; returns the value and how many operators it used.
    fn resolve(
        &mut self,
        name: &str,
        ops: &Ops,
        whole: &Expression,
        d: &mut Diagnostics,
    ) -> Option<(Value, usize)> {
        if let Some((_, v)) = self.bound.iter().rev().find(|(n, _)| n == name) {
            return Some((v.clone(), 0));
        }
        let start = whole.span().map_or(0, |r| r.start);
        if !self.refs_allowed {
            d.push(
                Diagnostic::error("references are not allowed here")
                    .at(self.span_to(start, ops, 0, whole))
                    .label(format!("{name} cannot be used here"))
                    .help(
                        "only literal values (strings, numbers, bools, lists and maps) are allowed",
                    ),
            );
            return None;
        }
        // Every error here is about a name that does not exist: wrong for any input.
        let err = |d: &mut Diagnostics, upto: usize, summary: String, label: &str, help: String| {
            let mut diag = Diagnostic::error(summary)
                .at(self.span_to(start, ops, upto, whole))
                .label(label.to_string())
                .uncatchable();
            if !help.is_empty() {
                diag = diag.help(help);
            }
            d.push(diag);
            None
        };
        let need_attr = |i: usize, ops: &Ops| Self::attr_at(ops, i).map(str::to_string);
        match name {
            "var" => {
                let Some(var) = need_attr(0, ops) else {
                    return err(
                        d,
                        0,
                        "var must be followed by a variable name".into(),
                        "e.g. var.location",
                        String::new(),
                    );
                };
                if !self.module.variables.contains_key(&var) {
                    return err(
                        d,
                        0,
                        format!("undeclared input variable {var:?}"),
                        "no variable block declares this",
                        format!(
                            "declare it with a variable block.{}",
                            suggestion(&var, self.module.variables.keys().map(String::as_str))
                        ),
                    );
                }
                Some((self.env.var(self.inst, &var), 1))
            }
            "local" => {
                let Some(local) = need_attr(0, ops) else {
                    return err(
                        d,
                        0,
                        "local must be followed by a name".into(),
                        "e.g. local.tags",
                        String::new(),
                    );
                };
                if !self.module.locals.contains_key(&local) {
                    return err(
                        d,
                        0,
                        format!("undeclared local value {local:?}"),
                        "no locals block defines this",
                        format!(
                            "define it in a locals block.{}",
                            suggestion(&local, self.module.locals.keys().map(String::as_str))
                        ),
                    );
                }
                Some((self.env.local(self.inst, &local), 1))
            }
            "module" => {
                let Some(call) = need_attr(0, ops) else {
                    return err(
                        d,
                        0,
                        "module must be followed by a module name".into(),
                        "e.g. module.network",
                        String::new(),
                    );
                };
                if !self.module.calls.contains_key(&call) {
                    return err(
                        d,
                        0,
                        format!("undeclared module {call:?}"),
                        "no module block has this name",
                        format!(
                            "add a module block, or fix the name.{}",
                            suggestion(&call, self.module.calls.keys().map(String::as_str))
                        ),
                    );
                }
                // Name the missing output precisely when one is accessed statically.
                if let Some(output) = Self::attr_at(ops, 1)
                    && let Some(child) = self.env.config_child(self.inst, &call)
                    && !child.outputs.contains_key(output)
                {
                    return err(
                        d,
                        1,
                        format!("module {call:?} has no output {output:?}"),
                        "not an output of this module",
                        format!(
                            "add an output block to the module.{}",
                            suggestion(output, child.outputs.keys().map(String::as_str))
                        ),
                    );
                }
                Some((self.env.module_value(self.inst, &call), 1))
            }
            "data" => {
                let (Some(t), Some(n)) = (need_attr(0, ops), need_attr(1, ops)) else {
                    return err(
                        d,
                        1,
                        "data must be followed by a type and a name".into(),
                        "e.g. data.azurerm_client_config.current",
                        String::new(),
                    );
                };
                let addr = ResourceAddr::data(t, n);
                if !self.module.resources.contains_key(&addr) {
                    let candidates: Vec<String> = self
                        .module
                        .resources
                        .keys()
                        .filter(|a| a.mode == Mode::Data)
                        .map(ToString::to_string)
                        .collect();
                    return err(
                        d,
                        1,
                        format!("reference to undeclared data source {addr}"),
                        "no data block declares this",
                        format!(
                            "declare it with a data block.{}",
                            suggestion(&addr.to_string(), candidates.iter().map(String::as_str))
                        ),
                    );
                }
                Some((self.env.resource(self.inst, &addr), 2))
            }
            "path" => {
                let what = need_attr(0, ops).unwrap_or_default();
                // aksform works as if run inside the root module's directory (like
                // `terraform -chdir`): relative paths resolve against it.
                let v = match what.as_str() {
                    "module" => crate::config::fs::relative_to(&self.module.dir, self.env.root_dir)
                        .display()
                        .to_string(),
                    "root" | "cwd" => ".".to_string(),
                    _ => {
                        return err(
                            d,
                            0,
                            format!("path.{what} does not exist"),
                            "use path.module, path.root or path.cwd",
                            String::new(),
                        );
                    }
                };
                Some((Value::String(v), 1))
            }
            "terraform" => match need_attr(0, ops).as_deref() {
                Some("workspace") => Some((Value::from("default"), 1)),
                _ => err(
                    d,
                    0,
                    "only terraform.workspace is available".into(),
                    "aksform has one workspace, \"default\"",
                    String::new(),
                ),
            },
            "count" => match (need_attr(0, ops).as_deref(), &self.count_index) {
                (Some("index"), Some(i)) => Some((i.clone(), 1)),
                (Some("index"), None) => err(
                    d,
                    0,
                    "count.index is only available where count is set".into(),
                    "no count here",
                    "set count on this resource or module, or remove the reference".into(),
                ),
                _ => err(
                    d,
                    0,
                    "count has only the attribute index".into(),
                    "use count.index",
                    String::new(),
                ),
            },
            "each" => match (need_attr(0, ops).as_deref(), &self.each) {
                (Some("key"), Some((k, _))) => Some((k.clone(), 1)),
                (Some("value"), Some((_, v))) => Some((v.clone(), 1)),
                (Some("key" | "value"), None) => err(
                    d,
                    0,
                    "each is only available where for_each is set".into(),
                    "no for_each here",
                    "set for_each on this resource or module, or remove the reference".into(),
                ),
                _ => err(
                    d,
                    0,
                    "each has only key and value".into(),
                    "use each.key or each.value",
                    String::new(),
                ),
            },
            "self" => match &self.self_value {
                Some(v) => Some((v.clone(), 0)),
                None => err(
                    d,
                    0,
                    "self is only available in a postcondition".into(),
                    "not available here",
                    "refer to the resource by its address instead".into(),
                ),
            },
            type_name => {
                let Some(res_name) = need_attr(0, ops) else {
                    let mut help = String::from(
                        "a reference starts with var., local., module., data., or a resource type",
                    );
                    help.push_str(&suggestion(
                        name,
                        [
                            "var", "local", "module", "data", "each", "count", "path", "self",
                        ],
                    ));
                    return err(
                        d,
                        0,
                        format!("unknown name {name:?}"),
                        "not a variable or a resource type",
                        help,
                    );
                };
                let addr = ResourceAddr::managed(type_name, res_name);
                if self.module.resources.contains_key(&addr) {
                    return Some((self.env.resource(self.inst, &addr), 1));
                }
                let known_type = schema::schema(Mode::Managed, type_name).is_some();
                let candidates: Vec<String> = self
                    .module
                    .resources
                    .keys()
                    .filter(|a| a.mode == Mode::Managed)
                    .map(ToString::to_string)
                    .collect();
                let help = if known_type || type_name.contains('_') {
                    format!(
                        "declare it with a resource block in this module.{}",
                        suggestion(&addr.to_string(), candidates.iter().map(String::as_str))
                    )
                } else {
                    format!(
                        "a reference starts with var., local., module., data., or a resource type.{}",
                        suggestion(
                            type_name,
                            ["var", "local", "module", "data", "each", "count", "path"]
                        )
                    )
                };
                err(
                    d,
                    0,
                    format!("reference to undeclared resource {addr}"),
                    "nothing in this module has this address",
                    help,
                )
            }
        }
    }

    fn apply_ops(
        &mut self,
        mut value: Value,
        ops: &Ops,
        start: usize,
        d: &mut Diagnostics,
    ) -> Value {
        let mut i = 0;
        while i < ops.len() {
            let op = ops[i].value();
            // Point at the operator that fails (`[5]`, `.name`), not the whole traversal.
            let span = Span::new(
                self.file,
                ops[i]
                    .span()
                    .filter(|r| r.start >= start)
                    .unwrap_or(start..start),
            );
            match op {
                TraversalOperator::GetAttr(name) => {
                    value = self.get_attr(value, name.value().as_str(), span, d);
                }
                TraversalOperator::LegacyIndex(n) => {
                    #[allow(clippy::cast_precision_loss)]
                    let key = Value::Number(*n.value() as f64);
                    value = self.index(value, &key, span, d);
                }
                TraversalOperator::Index(key_expr) => {
                    let key = self.eval(key_expr, d);
                    value = self.index(value, &key, span, d);
                }
                TraversalOperator::FullSplat(_) | TraversalOperator::AttrSplat(_) => {
                    let full = matches!(op, TraversalOperator::FullSplat(_));
                    // The operators the splat applies to each element.
                    let mut j = i + 1;
                    while j < ops.len()
                        && (full
                            || matches!(
                                ops[j].value(),
                                TraversalOperator::GetAttr(_) | TraversalOperator::LegacyIndex(_)
                            ))
                    {
                        j += 1;
                    }
                    let elements = match value {
                        Value::Unknown => return Value::Unknown,
                        Value::Null => Vec::new(),
                        Value::List(items) | Value::Set(items) => items,
                        other => vec![other],
                    };
                    let sub = &ops[i + 1..j];
                    value = Value::List(
                        elements
                            .into_iter()
                            .map(|e| self.apply_ops(e, sub, start, d))
                            .collect(),
                    );
                    i = j;
                    continue;
                }
            }
            if value.is_unknown() {
                return Value::Unknown;
            }
            i += 1;
        }
        value
    }

    fn get_attr(&self, value: Value, name: &str, span: Span, d: &mut Diagnostics) -> Value {
        match value {
            Value::Unknown => Value::Unknown,
            Value::Map(mut m) => match m.remove(name) {
                Some(v) => v,
                None => {
                    d.push(
                        Diagnostic::error(format!("unsupported attribute {name:?}"))
                            .at(span)
                            .label("this object has no such attribute")
                            .help(if m.is_empty() {
                                "the object is empty".to_string()
                            } else {
                                format!(
                                    "it has {}.{}",
                                    list_names(m.keys().map(String::as_str)),
                                    suggestion(name, m.keys().map(String::as_str))
                                )
                            }),
                    );
                    Value::Unknown
                }
            },
            Value::List(_) | Value::Set(_) => {
                d.push(
                    Diagnostic::error(format!("cannot read attribute {name:?} of a list"))
                        .at(span)
                        .label("this is a list (a block, or a resource with count or for_each)")
                        .help(format!(
                            "pick one element, e.g. [0].{name}, or all of them with [*].{name}"
                        )),
                );
                Value::Unknown
            }
            Value::Null => {
                d.push(
                    Diagnostic::error(format!("cannot read attribute {name:?} of null"))
                        .at(span)
                        .label("this value is null")
                        .help("check that the value is set before using it, e.g. with try() or a conditional"),
                );
                Value::Unknown
            }
            other => {
                d.push(
                    Diagnostic::error(format!(
                        "cannot read attribute {name:?} of {}",
                        crate::config::functions::article(other.type_name())
                    ))
                    .at(span)
                    .label("only objects have attributes"),
                );
                Value::Unknown
            }
        }
    }

    fn index(&self, value: Value, key: &Value, span: Span, d: &mut Diagnostics) -> Value {
        if key.is_unknown() || value.is_unknown() {
            return Value::Unknown;
        }
        let mut fail = |summary: String, label: &str, help: String| {
            let mut diag = Diagnostic::error(summary)
                .at(span.clone())
                .label(label.to_string());
            if !help.is_empty() {
                diag = diag.help(help);
            }
            d.push(diag);
            Value::Unknown
        };
        match value {
            Value::List(mut items) => {
                let Some(n) = key.coerce_number() else {
                    return fail(
                        format!("a list index must be a number, not {}", key.type_name()),
                        "invalid index",
                        String::new(),
                    );
                };
                #[allow(clippy::cast_precision_loss)]
                if n.fract() != 0.0 || n < 0.0 || n >= items.len() as f64 {
                    return fail(
                        format!(
                            "index {} is out of range",
                            crate::config::value::format_number(n)
                        ),
                        "no element at this index",
                        format!(
                            "the list has {} element{}",
                            items.len(),
                            if items.len() == 1 { "" } else { "s" }
                        ),
                    );
                }
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                items.swap_remove(n as usize)
            }
            Value::Map(mut m) => {
                let Some(k) = key.coerce_string() else {
                    return fail(
                        format!("a map key must be a string, not {}", key.type_name()),
                        "invalid key",
                        String::new(),
                    );
                };
                match m.remove(&k) {
                    Some(v) => v,
                    None => fail(
                        format!("key {} does not exist", quote(&k)),
                        "no element with this key",
                        if m.is_empty() {
                            "the map is empty".to_string()
                        } else {
                            format!(
                                "the keys are {}.{}",
                                list_names(m.keys().map(String::as_str)),
                                suggestion(&k, m.keys().map(String::as_str))
                            )
                        },
                    ),
                }
            }
            Value::Set(_) => fail(
                "a set cannot be indexed".into(),
                "sets have no order",
                "convert it with tolist() first, or iterate with for".into(),
            ),
            Value::Null => fail(
                "cannot index null".into(),
                "this value is null",
                String::new(),
            ),
            other => fail(
                format!(
                    "cannot index {}",
                    crate::config::functions::article(other.type_name())
                ),
                "only lists and maps can be indexed",
                String::new(),
            ),
        }
    }
}

fn list_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    if names.len() > 12 {
        format!("{} and {} more", names[..12].join(", "), names.len() - 12)
    } else {
        names.join(", ")
    }
}
