//! Evaluating expressions: literals, collections, templates, operators, conditionals and `for`
//! expressions, with Terraform's semantics and a diagnostic (pointing at the sub-expression) for
//! every error. An expression that fails evaluates to [`Value::Unknown`] so that one mistake is
//! reported once, not again by everything that uses it.

use std::collections::BTreeMap;

use hcl_edit::Span as _;
use hcl_edit::expr::{BinaryOperator, Expression, ForExpr, ObjectKey, UnaryOperator};
use hcl_edit::template::{Directive, Element, Strip, Template};

use super::Env;
use crate::addr::ModuleInstance;
use crate::config::decl::ModuleDecl;
use crate::config::value::{Value, format_number, quote};
use crate::diag::{Diagnostic, Diagnostics, FileId, Span};

/// Where an expression is evaluated and what it may refer to.
pub(crate) struct Scope<'a> {
    /// The configuration and everything evaluated so far.
    pub env: &'a Env<'a>,
    /// The module instance.
    pub inst: &'a ModuleInstance,
    /// The module's declarations.
    pub module: &'a ModuleDecl,
    /// The file the expression is in.
    pub file: FileId,
    /// `count.index`, inside a resource or module with `count`.
    pub count_index: Option<Value>,
    /// `each.key` and `each.value`, inside a resource or module with `for_each`.
    pub each: Option<(Value, Value)>,
    /// `self`, inside a postcondition.
    pub self_value: Option<Value>,
    /// Names bound by `for` expressions, dynamic block iterators and template variables.
    pub bound: Vec<(String, Value)>,
    /// Whether references to variables, resources and the like are allowed (not in tfvars or
    /// variable defaults).
    pub refs_allowed: bool,
}

impl<'a> Scope<'a> {
    /// A scope for module instance `inst`.
    pub fn new(
        env: &'a Env<'a>,
        inst: &'a ModuleInstance,
        module: &'a ModuleDecl,
        file: FileId,
    ) -> Self {
        Scope {
            env,
            inst,
            module,
            file,
            count_index: None,
            each: None,
            self_value: None,
            bound: Vec::new(),
            refs_allowed: true,
        }
    }

    /// The span of a sub-expression.
    pub fn span(&self, expr: &Expression) -> Span {
        Span::new(self.file, expr.span().unwrap_or(0..0))
    }

    /// An error diagnostic at `expr`.
    pub fn error(
        &self,
        d: &mut Diagnostics,
        expr: &Expression,
        summary: impl Into<String>,
        label: impl Into<String>,
    ) -> Value {
        d.push(Diagnostic::error(summary).at(self.span(expr)).label(label));
        Value::Unknown
    }

    /// Evaluates `expr`.
    pub fn eval(&mut self, expr: &Expression, d: &mut Diagnostics) -> Value {
        match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => n.value().as_f64().map_or_else(
                || self.error(d, expr, "invalid number", "not representable"),
                Value::Number,
            ),
            Expression::String(s) => Value::String(s.value().to_string()),
            Expression::Array(items) => {
                Value::List(items.iter().map(|item| self.eval(item, d)).collect())
            }
            Expression::Object(obj) => self.object(obj, d),
            Expression::StringTemplate(t) => self.template(t, d),
            Expression::HeredocTemplate(h) => self.template(&h.template, d),
            Expression::Parenthesis(p) => self.eval(p.inner(), d),
            Expression::Variable(_) | Expression::Traversal(_) => self.traversal(expr, d),
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, d);
                match self.bool_of(&cond, &c.cond_expr, "condition", d) {
                    Some(true) => self.eval(&c.true_expr, d),
                    Some(false) => self.eval(&c.false_expr, d),
                    None => Value::Unknown,
                }
            }
            Expression::FuncCall(call) => self.call(expr, call, d),
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr, d);
                match u.operator.value() {
                    UnaryOperator::Neg => match self.number_of(&v, &u.expr, "operand of -", d) {
                        Some(n) => Value::Number(-n),
                        None => Value::Unknown,
                    },
                    UnaryOperator::Not => match self.bool_of(&v, &u.expr, "operand of !", d) {
                        Some(b) => Value::Bool(!b),
                        None => Value::Unknown,
                    },
                }
            }
            Expression::BinaryOp(b) => self.binary(b, d),
            Expression::ForExpr(f) => self.for_expr(f, d),
        }
    }

    fn object(&mut self, obj: &hcl_edit::expr::Object, d: &mut Diagnostics) -> Value {
        let mut out = BTreeMap::new();
        let mut unknown = false;
        for (key, value) in obj.iter() {
            let key = match key {
                ObjectKey::Ident(i) => i.value().to_string(),
                ObjectKey::Expression(e) => match self.eval(e, d) {
                    Value::Unknown => {
                        unknown = true;
                        continue;
                    }
                    Value::Null => {
                        self.error(d, e, "object key is null", "a key must be a string");
                        continue;
                    }
                    k => match k.coerce_string() {
                        Some(s) => s,
                        None => {
                            self.error(
                                d,
                                e,
                                format!("object key is {}, not a string", k.type_name()),
                                "a key must be a string",
                            );
                            continue;
                        }
                    },
                },
            };
            let v = self.eval(value.expr(), d);
            if out.contains_key(&key) {
                self.error(
                    d,
                    value.expr(),
                    format!("duplicate object key {}", quote(&key)),
                    "this key was already set in this object",
                );
                continue;
            }
            out.insert(key, v);
        }
        if unknown {
            Value::Unknown
        } else {
            Value::Map(out)
        }
    }

    /// Evaluates a template to a string.
    pub fn template(&mut self, t: &Template, d: &mut Diagnostics) -> Value {
        let mut out = String::new();
        match self.template_into(t, &mut out, &mut false, d) {
            true => Value::String(out),
            false => Value::Unknown,
        }
    }

    /// Appends the template's text to `out`; false when some part is unknown.
    fn template_into(
        &mut self,
        t: &Template,
        out: &mut String,
        strip_next: &mut bool,
        d: &mut Diagnostics,
    ) -> bool {
        let mut known = true;
        for element in t.iter() {
            match element {
                Element::Literal(lit) => {
                    let text: &str = lit.value();
                    if *strip_next {
                        out.push_str(text.trim_start());
                        *strip_next = false;
                    } else {
                        out.push_str(text);
                    }
                }
                Element::Interpolation(i) => {
                    apply_strip(i.strip, out, strip_next);
                    let v = self.eval(&i.expr, d);
                    known &= self.interpolate(&v, &i.expr, out, d);
                }
                Element::Directive(dir) => match dir.as_ref() {
                    Directive::If(iff) => {
                        apply_strip(iff.if_expr.strip, out, strip_next);
                        let cond = self.eval(&iff.if_expr.cond_expr, d);
                        match self.bool_of(&cond, &iff.if_expr.cond_expr, "%{if} condition", d) {
                            Some(true) => {
                                known &=
                                    self.template_into(&iff.if_expr.template, out, strip_next, d);
                            }
                            Some(false) => {
                                if let Some(e) = &iff.else_expr {
                                    apply_strip(e.strip, out, strip_next);
                                    known &= self.template_into(&e.template, out, strip_next, d);
                                }
                            }
                            None => known = false,
                        }
                        apply_strip(iff.endif_expr.strip, out, strip_next);
                    }
                    Directive::For(f) => {
                        let fe = &f.for_expr;
                        apply_strip(fe.strip, out, strip_next);
                        let coll = self.eval(&fe.collection_expr, d);
                        match self.iterate(&coll, &fe.collection_expr, d) {
                            Some(items) => {
                                for (k, v) in items {
                                    let before = self.bound.len();
                                    if let Some(kv) = &fe.key_var {
                                        self.bound.push((kv.value().to_string(), k));
                                    }
                                    self.bound.push((fe.value_var.value().to_string(), v));
                                    known &= self.template_into(&fe.template, out, strip_next, d);
                                    self.bound.truncate(before);
                                }
                            }
                            None => known = false,
                        }
                        apply_strip(f.endfor_expr.strip, out, strip_next);
                    }
                },
            }
        }
        known
    }

    fn interpolate(
        &mut self,
        v: &Value,
        expr: &Expression,
        out: &mut String,
        d: &mut Diagnostics,
    ) -> bool {
        match v {
            Value::Unknown => false,
            Value::Null => {
                self.error(
                    d,
                    expr,
                    "null value in a string template",
                    "this expression is null",
                );
                false
            }
            other => match other.coerce_string() {
                Some(s) => {
                    out.push_str(&s);
                    true
                }
                None => {
                    self.error(
                        d,
                        expr,
                        format!(
                            "cannot include {} in a string template",
                            crate::config::functions::article(other.type_name())
                        ),
                        "a string, number or bool is required here",
                    );
                    false
                }
            },
        }
    }

    /// The (key, value) pairs of a collection for `for`: lists by index, maps by key, sets by
    /// value. `None` when unknown or not a collection (reported).
    pub fn iterate(
        &mut self,
        coll: &Value,
        expr: &Expression,
        d: &mut Diagnostics,
    ) -> Option<Vec<(Value, Value)>> {
        match coll {
            Value::Unknown => None,
            Value::List(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Value::from(i as f64), v.clone()))
                    .collect(),
            ),
            Value::Set(items) => Some(items.iter().map(|v| (v.clone(), v.clone())).collect()),
            Value::Map(m) => Some(
                m.iter()
                    .map(|(k, v)| (Value::String(k.clone()), v.clone()))
                    .collect(),
            ),
            Value::Null => {
                self.error(
                    d,
                    expr,
                    "cannot iterate over null",
                    "a list, set or map is required",
                );
                None
            }
            other => {
                self.error(
                    d,
                    expr,
                    format!(
                        "cannot iterate over {}",
                        crate::config::functions::article(other.type_name())
                    ),
                    "a list, set or map is required",
                );
                None
            }
        }
    }

    fn for_expr(&mut self, f: &ForExpr, d: &mut Diagnostics) -> Value {
        let coll = self.eval(&f.intro.collection_expr, d);
        let Some(items) = self.iterate(&coll, &f.intro.collection_expr, d) else {
            return Value::Unknown;
        };
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut unknown = false;
        for (k, v) in items {
            let before = self.bound.len();
            if let Some(kv) = &f.intro.key_var {
                self.bound.push((kv.value().to_string(), k));
            }
            self.bound.push((f.intro.value_var.value().to_string(), v));
            let keep = match &f.cond {
                Some(cond) => {
                    let c = self.eval(&cond.expr, d);
                    self.bool_of(&c, &cond.expr, "for condition", d)
                }
                None => Some(true),
            };
            match keep {
                Some(true) => {
                    let value = self.eval(&f.value_expr, d);
                    match &f.key_expr {
                        None => list.push(value),
                        Some(key_expr) => match self.eval(key_expr, d) {
                            Value::Unknown => unknown = true,
                            key => match key.coerce_string() {
                                Some(key) if f.grouping => {
                                    groups.entry(key).or_default().push(value)
                                }
                                Some(key) => match map.entry(key) {
                                    std::collections::btree_map::Entry::Occupied(e) => {
                                        d.push(
                                            Diagnostic::error(format!(
                                                "duplicate key {} in a for expression",
                                                quote(e.key())
                                            ))
                                            .at(self.span(key_expr))
                                            .label("two elements produce this key")
                                            .help(
                                                "if duplicates are expected, add ... after the \
                                                 value expression to group values by key",
                                            ),
                                        );
                                        unknown = true;
                                    }
                                    std::collections::btree_map::Entry::Vacant(e) => {
                                        e.insert(value);
                                    }
                                },
                                None => {
                                    self.error(
                                        d,
                                        key_expr,
                                        format!(
                                            "a for expression key must be a string, not {}",
                                            key.type_name()
                                        ),
                                        "not a string",
                                    );
                                    unknown = true;
                                }
                            },
                        },
                    }
                }
                Some(false) => {}
                None => unknown = true,
            }
            self.bound.truncate(before);
        }
        if unknown {
            return Value::Unknown;
        }
        match &f.key_expr {
            None => Value::List(list),
            Some(_) if f.grouping => Value::Map(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Value::List(v)))
                    .collect(),
            ),
            Some(_) => Value::Map(map),
        }
    }

    fn binary(&mut self, b: &hcl_edit::expr::BinaryOp, d: &mut Diagnostics) -> Value {
        let op = *b.operator.value();
        // && and || short-circuit, as current Terraform does.
        if matches!(op, BinaryOperator::And | BinaryOperator::Or) {
            let l = self.eval(&b.lhs_expr, d);
            let lb = self.bool_of(&l, &b.lhs_expr, "left operand", d);
            match (op, lb) {
                (BinaryOperator::And, Some(false)) => return Value::Bool(false),
                (BinaryOperator::Or, Some(true)) => return Value::Bool(true),
                _ => {}
            }
            let r = self.eval(&b.rhs_expr, d);
            let rb = self.bool_of(&r, &b.rhs_expr, "right operand", d);
            return match (lb, rb) {
                (Some(_), Some(r)) => Value::Bool(r),
                _ => Value::Unknown,
            };
        }
        let l = self.eval(&b.lhs_expr, d);
        let r = self.eval(&b.rhs_expr, d);
        match op {
            BinaryOperator::Eq | BinaryOperator::NotEq => {
                if !l.is_wholly_known() || !r.is_wholly_known() {
                    return Value::Unknown;
                }
                let eq = values_equal(&l, &r);
                Value::Bool(if op == BinaryOperator::Eq { eq } else { !eq })
            }
            _ => {
                let (Some(x), Some(y)) = (
                    self.number_of(&l, &b.lhs_expr, "left operand", d),
                    self.number_of(&r, &b.rhs_expr, "right operand", d),
                ) else {
                    return Value::Unknown;
                };
                match op {
                    BinaryOperator::Plus => Value::Number(x + y),
                    BinaryOperator::Minus => Value::Number(x - y),
                    BinaryOperator::Mul => Value::Number(x * y),
                    BinaryOperator::Div | BinaryOperator::Mod if y == 0.0 => {
                        self.error(d, &b.rhs_expr, "division by zero", "this is zero")
                    }
                    BinaryOperator::Div => Value::Number(x / y),
                    BinaryOperator::Mod => Value::Number(x % y),
                    BinaryOperator::Less => Value::Bool(x < y),
                    BinaryOperator::LessEq => Value::Bool(x <= y),
                    BinaryOperator::Greater => Value::Bool(x > y),
                    BinaryOperator::GreaterEq => Value::Bool(x >= y),
                    _ => Value::Unknown,
                }
            }
        }
    }

    /// A bool for `what`, converting `"true"`/`"false"`; reports other types. `None` if unknown.
    pub fn bool_of(
        &self,
        v: &Value,
        expr: &Expression,
        what: &str,
        d: &mut Diagnostics,
    ) -> Option<bool> {
        match v {
            Value::Unknown => None,
            Value::Null => {
                self.error(d, expr, format!("the {what} is null"), "a bool is required");
                None
            }
            other => other.coerce_bool().or_else(|| {
                self.error(
                    d,
                    expr,
                    format!("the {what} must be a bool, not {}", describe(other)),
                    "a bool is required",
                );
                None
            }),
        }
    }

    /// A number for `what`, converting numeric strings; reports other types. `None` if unknown.
    pub fn number_of(
        &self,
        v: &Value,
        expr: &Expression,
        what: &str,
        d: &mut Diagnostics,
    ) -> Option<f64> {
        match v {
            Value::Unknown => None,
            Value::Null => {
                self.error(
                    d,
                    expr,
                    format!("the {what} is null"),
                    "a number is required",
                );
                None
            }
            other => other.coerce_number().or_else(|| {
                self.error(
                    d,
                    expr,
                    format!("the {what} must be a number, not {}", describe(other)),
                    "a number is required",
                );
                None
            }),
        }
    }
}

fn apply_strip(strip: Strip, out: &mut String, strip_next: &mut bool) {
    if matches!(strip, Strip::Start | Strip::Both) {
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
    }
    *strip_next = matches!(strip, Strip::End | Strip::Both);
}

/// Equality as Terraform's `==`: same type and same value (lists and tuples, maps and objects are
/// the same type here).
pub fn values_equal(a: &Value, b: &Value) -> bool {
    a == b
}

/// A short description of a value for messages: `the string "x"`, `number 3`, `a list`.
pub fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string {}", quote(s)),
        Value::Number(n) => format!("the number {}", format_number(*n)),
        Value::Bool(b) => format!("the bool {b}"),
        other => crate::config::functions::article(other.type_name()),
    }
}
