//! Evaluating each kind of graph node for every instance of its module: variables (with type
//! conversion and validation), locals, outputs, module call expansion, the provider block, and
//! resources (through `config::decode`).

use std::collections::BTreeMap;

use super::expr::{Scope, describe};
use super::graph::{Graph, Node, NodeKind};
use super::{
    Binding, Env, EvalOptions, Evaluated, Expansion, InstanceState, OutputValue, Shape, module_path,
};
use crate::addr::{InstanceKey, ModuleInstance};
use crate::config::decl::{CheckDecl, ModuleDecl};
use crate::config::syntax::Expr;
use crate::config::types::{TypeConstraint, const_value, convert};
use crate::config::value::Value;
use crate::config::vars::RawInput;
use crate::diag::{Diagnostic, Diagnostics, Span};

pub(crate) struct Evaluator<'a> {
    pub env: Env<'a>,
    pub opts: &'a EvalOptions<'a>,
    pub out: Evaluated,
}

impl<'a> Evaluator<'a> {
    pub fn run(&mut self, graph: &Graph, d: &mut Diagnostics) {
        let (order, cycles) = graph.order();
        let mut in_cycle = vec![false; graph.nodes.len()];
        for cycle in &cycles {
            let names: Vec<String> = cycle.iter().map(|&i| graph.nodes[i].describe()).collect();
            let mut diag = Diagnostic::error(format!("cycle: {}", names.join(" → ")))
                .at(graph.spans[cycle[0]].clone())
                .label(format!("{} depends on itself through this cycle", names[0]))
                .help("break the cycle: one of these values must not depend on the others");
            for &i in &cycle[1..] {
                diag = diag.related(
                    graph.spans[i].clone(),
                    format!("{} is part of the cycle", graph.nodes[i].describe()),
                );
            }
            d.push(diag);
            for &i in cycle {
                in_cycle[i] = true;
            }
        }
        for idx in order {
            if !in_cycle[idx] {
                self.node(&graph.nodes[idx], d);
            }
        }
    }

    /// Every instance of the module at `path`.
    pub fn instances_of(&self, path: &[String]) -> Vec<ModuleInstance> {
        let Some((last, parent)) = path.split_last() else {
            return vec![ModuleInstance::root()];
        };
        let mut out = Vec::new();
        for p in self.instances_of(parent) {
            if let Some(exp) = self.env.expansions.get(&(p.clone(), last.clone())) {
                for b in &exp.keys {
                    out.push(p.child(last.clone(), b.key.clone()));
                }
            }
        }
        out
    }

    fn decl(&self, path: &[String]) -> Option<&'a ModuleDecl> {
        self.env.config.decl(path)
    }

    fn node(&mut self, node: &Node, d: &mut Diagnostics) {
        let Some(module) = self.decl(&node.path) else {
            return;
        };
        for inst in self.instances_of(&node.path) {
            self.env.instances.entry(inst.clone()).or_default();
            match &node.kind {
                NodeKind::Var(name) => {
                    let v = self.variable(&inst, module, name, d);
                    self.state(&inst).vars.insert(name.clone(), v);
                }
                NodeKind::Local(name) => {
                    let decl = &module.locals[name];
                    let v = Scope::new(&self.env, &inst, module, decl.value.file)
                        .eval(&decl.value.expr, d);
                    self.state(&inst).locals.insert(name.clone(), v);
                }
                NodeKind::Output(name) => {
                    let decl = &module.outputs[name];
                    let v = Scope::new(&self.env, &inst, module, decl.value.file)
                        .eval(&decl.value.expr, d);
                    for check in &decl.preconditions {
                        self.check(&inst, module, None, check, "precondition", d);
                    }
                    if inst.is_root() {
                        self.out.outputs.insert(
                            name.clone(),
                            OutputValue {
                                value: v.clone(),
                                sensitive: decl.sensitive,
                                description: decl.description.clone(),
                            },
                        );
                    }
                    self.state(&inst).outputs.insert(name.clone(), v);
                }
                NodeKind::Call(name) => {
                    let call = &module.calls[name];
                    let mut scope = Scope::new(&self.env, &inst, module, call.span.file);
                    let exp = expand(&mut scope, call.count.as_ref(), call.for_each.as_ref(), d)
                        .unwrap_or(Expansion {
                            shape: Shape::Single,
                            keys: Vec::new(),
                        });
                    self.env
                        .expansions
                        .insert((inst.clone(), name.clone()), exp);
                }
                NodeKind::Provider => self.provider(&inst, module, d),
                NodeKind::Resource(addr) => {
                    let decl = &module.resources[addr];
                    let value = crate::config::decode::resource(self, &inst, module, decl, d);
                    self.state(&inst).resources.insert(addr.clone(), value);
                }
            }
        }
    }

    pub(crate) fn state(&mut self, inst: &ModuleInstance) -> &mut InstanceState {
        self.env.instances.entry(inst.clone()).or_default()
    }

    fn provider(&mut self, inst: &ModuleInstance, module: &ModuleDecl, d: &mut Diagnostics) {
        if !inst.is_root() {
            if let Some(p) = module.providers.first() {
                d.push(
                    Diagnostic::warning("provider blocks inside modules are ignored")
                        .at(p.span.clone())
                        .help("configure the azurerm provider once, in the root module"),
                );
            }
            return;
        }
        let Some(p) = module.providers.iter().find(|p| p.alias.is_none()) else {
            return;
        };
        let mut values = BTreeMap::new();
        for (name, expr) in &p.attrs {
            let v = Scope::new(&self.env, inst, module, expr.file).eval(&expr.expr, d);
            if name == "subscription_id" {
                match &v {
                    Value::String(s) if crate::config::schema::checks::is_guid(s) => {
                        self.out.subscription_id = Some(s.clone());
                        self.out.subscription_is_placeholder = false;
                    }
                    Value::String(s) if s.is_empty() => {}
                    Value::String(s) => d.push(
                        Diagnostic::error(format!("subscription_id {s:?} is not a GUID"))
                            .at(expr.span())
                            .help("use the subscription's id (a GUID), not its name"),
                    ),
                    _ => {}
                }
            }
            values.insert(name.clone(), v);
        }
        self.out.provider = values;
    }

    /// The value of variable `name` in `inst`, converted and validated.
    fn variable(
        &mut self,
        inst: &ModuleInstance,
        module: &ModuleDecl,
        name: &str,
        d: &mut Diagnostics,
    ) -> Value {
        let decl = &module.variables[name];
        let (raw, at, origin) = if inst.is_root() {
            match self.opts.inputs.get(name) {
                Some(input) => {
                    let origin = input.origin(&self.env.config.sources);
                    let v = self.root_input(inst, module, name, &decl.ty, &input.raw, &origin, d);
                    (Some(v), input.span.clone(), origin)
                }
                None => (None, None, String::new()),
            }
        } else {
            let (parent, call_name) = split_parent(inst);
            let ppath = module_path(&parent);
            let call = self
                .decl(&ppath)
                .and_then(|m| m.calls.get(&call_name))
                .cloned();
            match call.as_ref().and_then(|c| c.inputs.get(name)) {
                Some(expr) => {
                    let pmod = self.decl(&ppath).unwrap_or(module);
                    let binding = self
                        .env
                        .expansions
                        .get(&(parent.clone(), call_name.clone()))
                        .and_then(|e| {
                            e.keys
                                .iter()
                                .find(|b| Some(&b.key) == inst.0.last().map(|s| &s.key))
                        })
                        .cloned();
                    let mut scope = Scope::new(&self.env, &parent, pmod, expr.file);
                    if let Some(b) = binding {
                        scope.count_index = b.count_index;
                        scope.each = b.each;
                    }
                    let v = scope.eval(&expr.expr, d);
                    (Some(v), Some(expr.span()), format!("module {call_name:?}"))
                }
                None => (None, call.map(|c| c.span), format!("module {call_name:?}")),
            }
        };
        let value = match raw {
            Some(Value::Null) if !decl.nullable => None,
            Some(v) => Some(v),
            None => None,
        };
        let mut at = at;
        let value = match value {
            Some(v) => v,
            None => match &decl.default {
                Some(default) => {
                    at = Some(default.span());
                    let mut scope = Scope::new(&self.env, inst, module, default.file);
                    scope.refs_allowed = false;
                    scope.eval(&default.expr, d)
                }
                None if inst.is_root() && !module.is_root_config() => {
                    self.out.unset_variables.push(name.to_string());
                    return Value::Unknown;
                }
                None => {
                    let mut diag =
                        Diagnostic::error(format!("no value for the required variable {name:?}"))
                            .at(decl.span.clone())
                            .label("this variable has no default");
                    diag = if inst.is_root() {
                        diag.help(format!(
                            "set it with -var '{name}=...', in terraform.tfvars, or with the environment variable TF_VAR_{name}"
                        ))
                    } else {
                        // The fix belongs in the module block: point there.
                        let call_span = at.unwrap_or_else(|| decl.span.clone());
                        Diagnostic::error(format!(
                            "{origin} needs a value for its variable {name:?}"
                        ))
                        .at(call_span)
                        .label(format!("{name} is not set"))
                        .related(
                            decl.span.clone(),
                            "the variable is declared here without a default",
                        )
                        .help(format!("add {name} = ... to the module block"))
                    };
                    d.push(diag);
                    return Value::Unknown;
                }
            },
        };
        if value.is_null() && !decl.nullable {
            d.push(
                Diagnostic::error(format!("variable {name:?} must not be null"))
                    .at(at.clone().unwrap_or_else(|| decl.span.clone()))
                    .help("it is declared with nullable = false"),
            );
            return Value::Unknown;
        }
        let mut warnings = Vec::new();
        let converted = match convert(&value, &decl.ty, &mut warnings) {
            Ok(v) => v,
            Err(e) => {
                let mut diag = Diagnostic::error(format!("invalid value for variable {name:?}"))
                    .label(format!("{e}; the variable's type is {}", decl.ty))
                    .related(decl.span.clone(), "the variable is declared here");
                diag = match &at {
                    Some(span) => diag.at(span.clone()),
                    None => diag
                        .at(decl.span.clone())
                        .detail(format!("the value comes from {origin}")),
                };
                d.push(diag);
                return Value::Unknown;
            }
        };
        for w in warnings {
            d.push(
                Diagnostic::warning(format!("value for variable {name:?}: {w}"))
                    .at(at.clone().unwrap_or_else(|| decl.span.clone())),
            );
        }
        // Validation conditions see the converted value.
        self.state(inst)
            .vars
            .insert(name.to_string(), converted.clone());
        for check in &decl.validations {
            if let Some(message) = self.failed_check(inst, module, None, check, d) {
                let mut diag = Diagnostic::error(format!("invalid value for variable {name:?}"))
                    .label(message)
                    .related(check.span.clone(), "by this validation rule");
                diag = match &at {
                    Some(span) => diag.at(span.clone()),
                    None => diag
                        .at(decl.span.clone())
                        .detail(format!("the value comes from {origin}")),
                };
                d.push(diag);
            }
        }
        converted
    }

    #[allow(clippy::too_many_arguments)]
    fn root_input(
        &self,
        inst: &ModuleInstance,
        module: &ModuleDecl,
        name: &str,
        ty: &TypeConstraint,
        raw: &RawInput,
        origin: &str,
        d: &mut Diagnostics,
    ) -> Value {
        match raw {
            RawInput::Json(v) => v.clone(),
            RawInput::Expr(e) => {
                let mut scope = Scope::new(&self.env, inst, module, e.file);
                scope.refs_allowed = false;
                scope.eval(&e.expr, d)
            }
            RawInput::Text(text) => match ty {
                TypeConstraint::String
                | TypeConstraint::Number
                | TypeConstraint::Bool
                | TypeConstraint::Any => Value::String(text.clone()),
                _ => match hcl_edit::parser::parse_expr(text)
                    .ok()
                    .as_ref()
                    .and_then(const_value)
                {
                    Some(v) => v,
                    None => {
                        d.push(
                            Diagnostic::error(format!("invalid value for variable {name:?} from {origin}"))
                                .help(format!(
                                    "the variable's type is {ty}, so the value must be an HCL literal, e.g. '[\"a\", \"b\"]' or '{{ key = \"value\" }}'"
                                )),
                        );
                        Value::Unknown
                    }
                },
            },
        }
    }

    /// Evaluates a check block; reports a false condition as an error.
    pub(crate) fn check(
        &mut self,
        inst: &ModuleInstance,
        module: &ModuleDecl,
        self_value: Option<&Value>,
        check: &CheckDecl,
        kind: &str,
        d: &mut Diagnostics,
    ) {
        if let Some(message) = self.failed_check(inst, module, self_value, check, d) {
            d.push(
                Diagnostic::error(format!("{kind} failed"))
                    .at(check.condition.span())
                    .label(message)
                    .related(check.span.clone(), format!("this {kind}")),
            );
        }
    }

    /// The error message of a check whose condition is known to be false.
    fn failed_check(
        &self,
        inst: &ModuleInstance,
        module: &ModuleDecl,
        self_value: Option<&Value>,
        check: &CheckDecl,
        d: &mut Diagnostics,
    ) -> Option<String> {
        let mut scope = Scope::new(&self.env, inst, module, check.condition.file);
        scope.self_value = self_value.cloned();
        let cond = scope.eval(&check.condition.expr, d);
        let ok = scope.bool_of(&cond, &check.condition.expr, "condition", d)?;
        if ok {
            return None;
        }
        let mut scope = Scope::new(&self.env, inst, module, check.error_message.file);
        scope.self_value = self_value.cloned();
        let msg = scope.eval(&check.error_message.expr, d);
        Some(
            msg.coerce_string()
                .unwrap_or_else(|| "the condition is false".to_string()),
        )
    }
}

fn split_parent(inst: &ModuleInstance) -> (ModuleInstance, String) {
    let mut steps = inst.0.clone();
    let last = steps.pop().map(|s| s.name).unwrap_or_default();
    (ModuleInstance(steps), last)
}

/// Evaluates `count` / `for_each` into instance keys. `None` (after a diagnostic) when they cannot
/// be determined.
pub(crate) fn expand(
    scope: &mut Scope<'_>,
    count: Option<&Expr>,
    for_each: Option<&Expr>,
    d: &mut Diagnostics,
) -> Option<Expansion> {
    if count.is_some() && for_each.is_some() {
        // Already reported when the block was loaded; evaluating either would only add noise.
        return None;
    }
    if let Some(expr) = count {
        let before = d.error_count();
        let v = scope.eval(&expr.expr, d);
        let span = expr.span();
        let n = match v {
            Value::Unknown => {
                if d.error_count() == before {
                    d.push(unknown_expansion("count", span));
                }
                return None;
            }
            ref other => match other.coerce_number() {
                Some(n) if n.fract() == 0.0 && (0.0..=10_000.0).contains(&n) => n,
                _ => {
                    d.push(Diagnostic::error("invalid count").at(span).label(format!(
                        "count must be a whole number from 0 to 10000, not {}",
                        describe(other)
                    )));
                    return None;
                }
            },
        };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let n = n as u32;
        return Some(Expansion {
            shape: Shape::Count,
            keys: (0..n)
                .map(|i| Binding {
                    key: InstanceKey::Int(i),
                    count_index: Some(Value::from(f64::from(i))),
                    each: None,
                })
                .collect(),
        });
    }
    if let Some(expr) = for_each {
        let before = d.error_count();
        let v = scope.eval(&expr.expr, d);
        let span = expr.span();
        let bad = |d: &mut Diagnostics, what: String, help: &str| {
            d.push(
                Diagnostic::error("invalid for_each")
                    .at(span.clone())
                    .label(what)
                    .help(help.to_string()),
            );
            None
        };
        let pairs: Vec<(String, Value)> = match v {
            Value::Unknown => {
                if d.error_count() == before {
                    d.push(unknown_expansion("for_each", span));
                }
                return None;
            }
            Value::Map(m) => m.into_iter().collect(),
            Value::Set(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) => out.push((s.clone(), Value::String(s))),
                        Value::Unknown => {
                            d.push(unknown_expansion("for_each", span));
                            return None;
                        }
                        other => {
                            return bad(
                                d,
                                format!(
                                    "a set of strings is required, but it holds {}",
                                    describe(&other)
                                ),
                                "convert the elements to strings, e.g. toset([for x in var.list : tostring(x)])",
                            );
                        }
                    }
                }
                out
            }
            Value::List(_) => {
                return bad(
                    d,
                    "a map or a set of strings is required, but this is a list".into(),
                    "convert it with toset(...), or build a map with a for expression: { for x in list : x.name => x }",
                );
            }
            Value::Null => {
                return bad(
                    d,
                    "for_each is null".into(),
                    "use an empty map {} for no instances",
                );
            }
            other => {
                return bad(
                    d,
                    format!(
                        "a map or a set of strings is required, not {}",
                        describe(&other)
                    ),
                    "use a map, or toset([...]) of strings",
                );
            }
        };
        return Some(Expansion {
            shape: Shape::ForEach,
            keys: pairs
                .into_iter()
                .map(|(k, v)| Binding {
                    key: InstanceKey::Str(k.clone()),
                    count_index: None,
                    each: Some((Value::String(k), v)),
                })
                .collect(),
        });
    }
    Some(Expansion {
        shape: Shape::Single,
        keys: vec![Binding {
            key: InstanceKey::None,
            count_index: None,
            each: None,
        }],
    })
}

fn unknown_expansion(what: &str, span: Span) -> Diagnostic {
    Diagnostic::error(format!("{what} depends on values known only after apply"))
        .at(span)
        .label("cannot be determined before apply")
        .help(format!(
            "{what} must be known when planning: base it on variables, locals or resource \
             arguments you set, not on values Azure assigns (ids of data sources, principal ids)"
        ))
}
