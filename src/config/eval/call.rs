//! Function calls: `try` and `can` (which need their arguments unevaluated), the function library,
//! argument expansion (`f(list...)`), and errors that point at the offending argument.

use std::collections::BTreeMap;
use std::path::Path;

use hcl_edit::expr::{Expression, FuncCall};

use super::expr::Scope;
use crate::config::functions::{self, FuncCtx};
use crate::config::value::Value;
use crate::diag::{Diagnostic, Diagnostics, suggestion};

impl Scope<'_> {
    /// Evaluates a function call.
    pub fn call(&mut self, whole: &Expression, call: &FuncCall, d: &mut Diagnostics) -> Value {
        let name = call.name.name.value().as_str();
        if call.name.is_namespaced() {
            d.push(
                Diagnostic::error(format!(
                    "provider-defined functions are not supported ({}::{name})",
                    call.name
                        .namespace
                        .iter()
                        .map(|n| n.value().as_str())
                        .collect::<Vec<_>>()
                        .join("::")
                ))
                .at(self.span(whole))
                .label("aksform offers only Terraform's built-in functions")
                .uncatchable(),
            );
            return Value::Unknown;
        }
        let args: Vec<&Expression> = call.args.iter().collect();
        match name {
            "try" => return self.try_(whole, &args, d),
            "can" => return self.can(whole, &args, d),
            _ => {}
        }
        let Some(spec) = functions::lookup(name) else {
            if let Some(why) = functions::refusal(name) {
                d.push(
                    Diagnostic::error(format!("{name}() is not available in aksform"))
                        .at(self.span(whole))
                        .label("unsupported function")
                        .help(format!("{name}() is refused because {why}"))
                        .uncatchable(),
                );
            } else {
                let names: Vec<&str> = functions::all()
                    .map(|f| f.name)
                    .chain(["try", "can"])
                    .collect();
                d.push(
                    Diagnostic::error(format!("call to unknown function {name}()"))
                        .at(self.span(whole))
                        .label("no function with this name")
                        .help(format!(
                            "see the README for the supported functions.{}",
                            suggestion(name, names.iter().copied())
                        ))
                        .uncatchable(),
                );
            }
            // Still evaluate the arguments, so their own mistakes are reported too.
            for a in &args {
                self.eval(a, d);
            }
            return Value::Unknown;
        };
        if !call.args.expand_final()
            && let Some(message) = functions::arity_error(spec, args.len())
        {
            d.push(
                Diagnostic::error(format!("error in {name}()"))
                    .at(self.span(whole))
                    .label(message)
                    .uncatchable(),
            );
            return Value::Unknown;
        }
        let mut values: Vec<Value> = args.iter().map(|a| self.eval(a, d)).collect();
        if call.args.expand_final() {
            match values.pop() {
                Some(Value::List(items) | Value::Set(items)) => values.extend(items),
                Some(Value::Unknown) => return Value::Unknown,
                Some(other) => {
                    let last = args.last().copied().unwrap_or(whole);
                    return self.error(
                        d,
                        last,
                        format!(
                            "cannot expand {} with ...",
                            crate::config::functions::article(other.type_name())
                        ),
                        "only a list or tuple can be expanded into arguments",
                    );
                }
                None => {}
            }
        }
        let env = self.env;
        let render = |text: &str, path: &Path, vars: &BTreeMap<String, Value>| {
            env.render_template(self.inst, self.module, text, path, vars)
        };
        let ctx = FuncCtx {
            fs: env.fs,
            base_dir: env.root_dir,
            render_template: &render,
        };
        match functions::call(spec, &ctx, values) {
            Ok(v) => v,
            Err(e) => {
                let at = e
                    .arg
                    .and_then(|i| args.get(i.min(args.len().saturating_sub(1))).copied())
                    .unwrap_or(whole);
                d.push(
                    Diagnostic::error(format!("error in {name}()"))
                        .at(self.span(at))
                        .label(e.message),
                );
                Value::Unknown
            }
        }
    }

    /// `try(a, b, ...)`: the first argument that evaluates without error. An unknown argument makes
    /// the result unknown, since it might yet fail.
    fn try_(&mut self, whole: &Expression, args: &[&Expression], d: &mut Diagnostics) -> Value {
        if args.is_empty() {
            return self.error(
                d,
                whole,
                "try() needs at least one argument",
                "nothing to try",
            );
        }
        let mut last_errors = Diagnostics::new();
        for a in args {
            let mut inner = Diagnostics::new();
            let v = self.eval(a, &mut inner);
            if propagate_uncatchable(&mut inner, d) {
                return Value::Unknown;
            }
            if !inner.has_errors() {
                return v;
            }
            last_errors = inner;
        }
        d.push(
            Diagnostic::error("no argument of try() could be evaluated")
                .at(self.span(whole))
                .label("every argument failed")
                .help(format!(
                    "the last one failed with: {}",
                    last_errors
                        .iter()
                        .next()
                        .map_or_else(String::new, |e| match &e.label {
                            Some(l) => format!("{}: {l}", e.summary),
                            None => e.summary.clone(),
                        })
                )),
        );
        Value::Unknown
    }

    /// `can(expr)`: whether `expr` evaluates without error; unknown while `expr` is unknown.
    fn can(&mut self, whole: &Expression, args: &[&Expression], d: &mut Diagnostics) -> Value {
        let [a] = args else {
            return self.error(
                d,
                whole,
                "can() takes exactly one argument",
                "wrong number of arguments",
            );
        };
        let mut inner = Diagnostics::new();
        let v = self.eval(a, &mut inner);
        if propagate_uncatchable(&mut inner, d) {
            Value::Unknown
        } else if inner.has_errors() {
            Value::Bool(false)
        } else if v.is_wholly_known() {
            Value::Bool(true)
        } else {
            Value::Unknown
        }
    }
}

/// Moves the structural errors of `inner` (which `try` and `can` must not hide) to `outer`;
/// whether there were any.
fn propagate_uncatchable(inner: &mut Diagnostics, outer: &mut Diagnostics) -> bool {
    let (hard, soft): (Vec<_>, Vec<_>) = std::mem::take(inner)
        .into_iter()
        .partition(|d| d.uncatchable);
    *inner = soft.into_iter().collect();
    let any = !hard.is_empty();
    for d in hard {
        outer.push(d);
    }
    any
}
