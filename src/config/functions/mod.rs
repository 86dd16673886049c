//! The Terraform function library: a registry of [`FuncSpec`]s and the one place that calls them.
//!
//! [`call`] checks arity, converts arguments to the declared parameter types (as Terraform does:
//! `upper(5)` is `"5"`), rejects nulls where Terraform does, and short-circuits to
//! [`Value::Unknown`] when an argument is not yet known, so implementations only see known,
//! well-typed values. `try` and `can` need unevaluated arguments and live in the evaluator.

mod collections;
mod combine;
mod conversion;
mod encoding;
mod filesystem;
mod format;
mod gofmt;
mod hash;
mod lists;
mod network;
mod numeric;
mod patterns;
mod sets;
mod strings;
mod support;
mod yaml;

use std::collections::BTreeMap;
use std::path::Path;

use super::fs::Fs;
use super::value::Value;

/// What a function may use besides its arguments.
pub struct FuncCtx<'a> {
    /// Files are read through this.
    pub fs: &'a dyn Fs,
    /// Relative paths given to `file`, `fileexists`, `templatefile` and `abspath` resolve against
    /// this directory (the root module's directory, as with `terraform -chdir`).
    pub base_dir: &'a Path,
    /// Renders a template (`templatefile`): the template text, the path it came from (for error
    /// messages) and the variables it may use.
    pub render_template: &'a RenderTemplate<'a>,
}

/// Renders a template text (from the given path) with the given variables.
pub type RenderTemplate<'a> =
    dyn Fn(&str, &Path, &BTreeMap<String, Value>) -> Result<Value, String> + 'a;

/// The type a parameter accepts; arguments are converted before the implementation sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// Anything, including `null`.
    Any,
    /// A string; numbers and bools are converted to their string form.
    String,
    /// A number; numeric strings are converted.
    Number,
    /// A bool; `"true"`/`"false"` are converted.
    Bool,
    /// A list, tuple or set (passed as [`Value::List`] or [`Value::Set`] unchanged).
    List,
    /// A map or object.
    Map,
    /// A list, tuple, set, map or object.
    Collection,
}

/// An error from a function: which argument (0-based) is wrong, if one is, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncError {
    /// The offending argument, so the diagnostic can point at it.
    pub arg: Option<usize>,
    /// What is wrong, phrased for users.
    pub message: String,
}

impl FuncError {
    /// An error about the call as a whole.
    pub fn new(message: impl Into<String>) -> Self {
        FuncError {
            arg: None,
            message: message.into(),
        }
    }

    /// An error about argument `index`.
    pub fn arg(index: usize, message: impl Into<String>) -> Self {
        FuncError {
            arg: Some(index),
            message: message.into(),
        }
    }
}

/// The signature of a function implementation.
pub type FuncImpl = fn(&FuncCtx<'_>, Vec<Value>) -> Result<Value, FuncError>;

/// One function of the library.
#[derive(Clone, Copy)]
pub struct FuncSpec {
    /// The name used in configurations.
    pub name: &'static str,
    /// Fixed parameters, in order.
    pub params: &'static [Param],
    /// The type of any further arguments, if the function is variadic.
    pub variadic: Option<Param>,
    /// When true, the implementation receives unknown values (and values containing them) and
    /// decides itself; otherwise [`call`] returns [`Value::Unknown`] for them.
    pub unknown_aware: bool,
    /// The implementation.
    pub imp: FuncImpl,
}

impl std::fmt::Debug for FuncSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FuncSpec")
            .field("name", &self.name)
            .finish()
    }
}

/// Builds a [`FuncSpec`] (a `const fn`, so the function tables stay `const`).
pub(super) const fn spec(
    name: &'static str,
    params: &'static [Param],
    variadic: Option<Param>,
    unknown_aware: bool,
    imp: FuncImpl,
) -> FuncSpec {
    FuncSpec {
        name,
        params,
        variadic,
        unknown_aware,
        imp,
    }
}

/// A [`FuncSpec`] with fixed parameters that never sees unknown values.
pub(super) const fn simple(
    name: &'static str,
    params: &'static [Param],
    imp: FuncImpl,
) -> FuncSpec {
    strict(name, params, None, imp)
}

/// A [`FuncSpec`] that never sees unknown values, with optional variadic arguments.
pub(super) const fn strict(
    name: &'static str,
    params: &'static [Param],
    variadic: Option<Param>,
    imp: FuncImpl,
) -> FuncSpec {
    spec(name, params, variadic, false, imp)
}

/// Every function of the library.
pub fn all() -> impl Iterator<Item = &'static FuncSpec> {
    [
        strings::FUNCTIONS,
        patterns::FUNCTIONS,
        format::FUNCTIONS,
        collections::FUNCTIONS,
        combine::FUNCTIONS,
        lists::FUNCTIONS,
        sets::FUNCTIONS,
        numeric::FUNCTIONS,
        encoding::FUNCTIONS,
        yaml::FUNCTIONS,
        hash::FUNCTIONS,
        network::FUNCTIONS,
        filesystem::FUNCTIONS,
        conversion::FUNCTIONS,
    ]
    .into_iter()
    .flatten()
}

/// The function called `name`.
pub fn lookup(name: &str) -> Option<&'static FuncSpec> {
    all().find(|f| f.name == name)
}

/// Why a Terraform function is refused, when it is one aksform deliberately does not offer.
pub fn refusal(name: &str) -> Option<&'static str> {
    Some(match name {
        "timestamp" | "plantimestamp" => {
            "its result changes on every run, so a plan that uses it would never be empty; pass the \
             time in through a variable instead"
        }
        "uuid" => {
            "it returns a new random value on every run, so a plan that uses it would never be \
             empty; use uuidv5() with a fixed namespace and name for a stable identifier"
        }
        "bcrypt" => {
            "its salt is random, so the result changes on every run and a plan that uses it would \
             never be empty"
        }
        "filemd5" | "filesha1" | "filesha256" | "filesha512" | "fileset" | "pathexpand"
        | "templatestring" | "ephemeralasnull" | "issensitive" | "sensitive" | "nonsensitive"
        | "textdecodebase64" | "textencodebase64" | "base64gzip" | "base64sha512" | "uuidv4"
        | "rsadecrypt" | "setproduct" | "formatdate" | "timeadd" | "timecmp" | "type"
        | "csvdecode" | "yamldecode" | "can_be_null" | "endswith_any" => {
            "aksform does not implement it yet; the supported functions are listed in the README"
        }
        _ => return None,
    })
}

/// Calls `spec` with already evaluated arguments.
///
/// # Errors
///
/// Returns a [`FuncError`] naming the offending argument when the arity or an argument's type is
/// wrong, or whatever the implementation reports.
pub fn call(spec: &FuncSpec, ctx: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    if let Some(message) = arity_error(spec, args.len()) {
        return Err(FuncError::new(message));
    }
    let mut converted = Vec::with_capacity(args.len());
    let mut any_unknown = false;
    for (i, arg) in args.into_iter().enumerate() {
        let param = spec
            .params
            .get(i)
            .copied()
            .or(spec.variadic)
            .unwrap_or(Param::Any);
        if !arg.is_wholly_known() {
            any_unknown = true;
            if spec.unknown_aware {
                converted.push(arg);
                continue;
            }
            // Still check what can be checked, so a wrong type is reported before apply.
            if !arg.is_unknown() {
                convert_param(spec.name, i, param, arg)?;
            }
            continue;
        }
        converted.push(convert_param(spec.name, i, param, arg)?);
    }
    if any_unknown && !spec.unknown_aware {
        return Ok(Value::Unknown);
    }
    (spec.imp)(ctx, converted)
}

/// The error for calling `spec` with `n` arguments, if that is the wrong number.
pub fn arity_error(spec: &FuncSpec, n: usize) -> Option<String> {
    let min = spec.params.len();
    if n >= min && (spec.variadic.is_some() || n == min) {
        return None;
    }
    let expected = match (spec.variadic, min) {
        (Some(_), 0) => "any number of arguments".to_string(),
        (Some(_), m) => format!("at least {m} argument{}", plural(m)),
        (None, m) => format!("exactly {m} argument{}", plural(m)),
    };
    Some(format!(
        "{}() takes {expected}, but {n} {} given",
        spec.name,
        if n == 1 { "was" } else { "were" }
    ))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn convert_param(func: &str, index: usize, param: Param, arg: Value) -> Result<Value, FuncError> {
    if arg.is_null() && param != Param::Any {
        return Err(FuncError::arg(
            index,
            format!("argument {} of {func}() must not be null", index + 1),
        ));
    }
    if arg.is_unknown() {
        return Ok(arg);
    }
    let wrong = |want: &str, arg: &Value| {
        FuncError::arg(
            index,
            format!(
                "argument {} of {func}() must be {want}, not {}",
                index + 1,
                article(arg.type_name())
            ),
        )
    };
    match param {
        Param::Any => Ok(arg),
        Param::String => arg
            .coerce_string()
            .map(Value::String)
            .ok_or_else(|| wrong("a string", &arg)),
        Param::Number => match &arg {
            Value::String(s) => arg.coerce_number().map(Value::Number).ok_or_else(|| {
                FuncError::arg(
                    index,
                    format!(
                        "argument {} of {func}() must be a number, and {} is not a number",
                        index + 1,
                        super::value::quote(s)
                    ),
                )
            }),
            _ => arg
                .coerce_number()
                .map(Value::Number)
                .ok_or_else(|| wrong("a number", &arg)),
        },
        Param::Bool => arg
            .coerce_bool()
            .map(Value::Bool)
            .ok_or_else(|| wrong("a bool", &arg)),
        Param::List => match arg {
            Value::List(_) | Value::Set(_) => Ok(arg),
            _ => Err(wrong("a list", &arg)),
        },
        Param::Map => match arg {
            Value::Map(_) => Ok(arg),
            _ => Err(wrong("a map or object", &arg)),
        },
        Param::Collection => match arg {
            Value::List(_) | Value::Set(_) | Value::Map(_) => Ok(arg),
            _ => Err(wrong("a list, set or map", &arg)),
        },
    }
}

/// "a string", "an object".
pub(crate) fn article(type_name: &str) -> String {
    match type_name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the function unit tests.
    use super::*;
    use crate::config::fs::MemFs;

    /// Calls function `name` with `args` in a context with the given in-memory files, relative
    /// paths resolving against `/work`.
    pub fn call_with(fs: &MemFs, name: &str, args: Vec<Value>) -> Result<Value, FuncError> {
        let spec = lookup(name).unwrap_or_else(|| panic!("no function {name}"));
        let render = |text: &str, _: &Path, vars: &BTreeMap<String, Value>| {
            // A minimal renderer for tests: replaces ${name} with string variables.
            let mut out = text.to_string();
            for (k, v) in vars {
                if let Some(s) = v.coerce_string() {
                    out = out.replace(&format!("${{{k}}}"), &s);
                }
            }
            Ok(Value::String(out))
        };
        let ctx = FuncCtx {
            fs,
            base_dir: Path::new("/work"),
            render_template: &render,
        };
        call(spec, &ctx, args)
    }

    /// Calls function `name` with no files available.
    pub fn call_fn(name: &str, args: Vec<Value>) -> Result<Value, FuncError> {
        call_with(&MemFs::new(), name, args)
    }

    /// Calls `name`, which must succeed.
    pub fn ok(name: &str, args: Vec<Value>) -> Value {
        call_fn(name, args).unwrap_or_else(|e| panic!("{name}: {}", e.message))
    }

    /// Calls `name`, which must fail.
    pub fn err(name: &str, args: Vec<Value>) -> FuncError {
        call_fn(name, args).expect_err("expected an error")
    }

    /// A string value.
    pub fn s(v: &str) -> Value {
        Value::from(v)
    }

    /// A number value.
    pub fn n(v: f64) -> Value {
        Value::from(v)
    }

    /// Shorthand for a list of strings.
    pub fn strs(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::from(*s)).collect())
    }

    /// Shorthand for a list of numbers.
    pub fn nums(items: &[f64]) -> Value {
        Value::List(items.iter().map(|n| Value::from(*n)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_functions_say_why() {
        assert!(refusal("timestamp").unwrap().contains("never be empty"));
        assert!(refusal("uuid").unwrap().contains("uuidv5"));
        assert!(refusal("upper").is_none());
    }

    #[test]
    fn every_function_has_a_unique_name() {
        let mut names: Vec<_> = all().map(|f| f.name).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
        for name in &names {
            assert!(
                refusal(name).is_none(),
                "{name} is both offered and refused"
            );
        }
    }
}
