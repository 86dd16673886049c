//! Terraform's type conversion functions: `tostring`, `tonumber`, `tobool`, `tolist`, `toset` and
//! `tomap`. Null converts to null; collections unify their element types as Terraform does.

use super::support::{clash, describe, unify_values};
use super::{FuncCtx, FuncError, FuncSpec, Param, article};
use crate::config::value::{Value, parse_number};

pub(super) const FUNCTIONS: &[FuncSpec] = &[
    spec("tostring", tostring),
    spec("tonumber", tonumber),
    spec("tobool", tobool),
    spec("tolist", tolist),
    spec("toset", toset),
    spec("tomap", tomap),
];

const fn spec(name: &'static str, imp: super::FuncImpl) -> FuncSpec {
    FuncSpec {
        name,
        params: &[Param::Any],
        variadic: None,
        unknown_aware: false,
        imp,
    }
}

fn cannot(func: &str, value: &Value, target: &str) -> FuncError {
    FuncError::arg(
        0,
        format!(
            "{func}(): cannot convert {} to {target}",
            article(value.type_name())
        ),
    )
}

fn tostring(_: &FuncCtx<'_>, mut args: Vec<Value>) -> Result<Value, FuncError> {
    match args.swap_remove(0) {
        Value::Null => Ok(Value::Null),
        v => v
            .coerce_string()
            .map(Value::String)
            .ok_or_else(|| cannot("tostring", &v, "a string")),
    }
}

fn tonumber(_: &FuncCtx<'_>, mut args: Vec<Value>) -> Result<Value, FuncError> {
    match args.swap_remove(0) {
        Value::Null => Ok(Value::Null),
        Value::Number(n) => Ok(Value::Number(n)),
        Value::String(s) => parse_number(&s).map(Value::Number).ok_or_else(|| {
            FuncError::arg(
                0,
                format!(
                    "tonumber(): cannot convert {} to a number; the string must be a decimal \
                     representation of a number",
                    describe(&Value::String(s.clone()))
                ),
            )
        }),
        v => Err(cannot("tonumber", &v, "a number")),
    }
}

fn tobool(_: &FuncCtx<'_>, mut args: Vec<Value>) -> Result<Value, FuncError> {
    match args.swap_remove(0) {
        Value::Null => Ok(Value::Null),
        Value::Bool(b) => Ok(Value::Bool(b)),
        Value::String(s) => match s.as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(FuncError::arg(
                0,
                format!(
                    "tobool(): cannot convert {} to a bool; only the strings \"true\" and \"false\" \
                     are allowed",
                    describe(&Value::String(s.clone()))
                ),
            )),
        },
        v => Err(cannot("tobool", &v, "a bool")),
    }
}

/// The elements of a sequence converted to one type, or an error for `func`.
fn unified(func: &str, items: Vec<Value>, what: &str) -> Result<Vec<Value>, FuncError> {
    let why = clash(&items);
    unify_values(items).ok_or_else(|| {
        FuncError::arg(
            0,
            format!(
                "{func}(): cannot convert to a {what} of one element type: the elements mix {why}"
            ),
        )
    })
}

fn tolist(_: &FuncCtx<'_>, mut args: Vec<Value>) -> Result<Value, FuncError> {
    match args.swap_remove(0) {
        Value::Null => Ok(Value::Null),
        Value::List(items) | Value::Set(items) => {
            Ok(Value::List(unified("tolist", items, "list")?))
        }
        v => Err(cannot("tolist", &v, "a list")),
    }
}

fn toset(_: &FuncCtx<'_>, mut args: Vec<Value>) -> Result<Value, FuncError> {
    match args.swap_remove(0) {
        Value::Null => Ok(Value::Null),
        Value::List(items) | Value::Set(items) => Ok(Value::set(unified("toset", items, "set")?)),
        v => Err(cannot("toset", &v, "a set")),
    }
}

fn tomap(_: &FuncCtx<'_>, mut args: Vec<Value>) -> Result<Value, FuncError> {
    match args.swap_remove(0) {
        Value::Null => Ok(Value::Null),
        Value::Map(map) => {
            let (keys, values): (Vec<String>, Vec<Value>) = map.into_iter().unzip();
            let values = unified("tomap", values, "map")?;
            Ok(Value::Map(keys.into_iter().zip(values).collect()))
        }
        v => Err(cannot("tomap", &v, "a map")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn ok(name: &str, v: Value) -> Value {
        call_fn(name, vec![v]).unwrap_or_else(|e| panic!("{name}: {}", e.message))
    }

    fn err(name: &str, v: Value) -> FuncError {
        call_fn(name, vec![v]).expect_err("expected an error")
    }

    #[test]
    fn tostring_examples() {
        // Documented: tostring("hello") = "hello"; tostring(1) = "1"; tostring(true) = "true";
        // tostring(null) = null; tostring([]) is an error.
        assert_eq!(ok("tostring", s("hello")), s("hello"));
        assert_eq!(ok("tostring", Value::from(1.0)), s("1"));
        assert_eq!(ok("tostring", Value::from(2.5)), s("2.5"));
        assert_eq!(ok("tostring", Value::Bool(true)), s("true"));
        assert_eq!(ok("tostring", Value::Null), Value::Null);
        let e = err("tostring", Value::List(vec![]));
        assert_eq!(e.arg, Some(0));
        assert_eq!(e.message, "tostring(): cannot convert a list to a string");
        assert!(
            err("tostring", Value::map::<&str>([]))
                .message
                .contains("an object")
        );
    }

    #[test]
    fn tonumber_examples() {
        // Documented: tonumber(1) = 1; tonumber("1") = 1; tonumber(null) = null;
        // tonumber("no") is an error.
        assert_eq!(ok("tonumber", Value::from(1.0)), Value::from(1.0));
        assert_eq!(ok("tonumber", s("1")), Value::from(1.0));
        assert_eq!(ok("tonumber", s("-2.5e1")), Value::from(-25.0));
        assert_eq!(ok("tonumber", Value::Null), Value::Null);
        let e = err("tonumber", s("no"));
        assert_eq!(e.arg, Some(0));
        assert!(
            e.message
                .starts_with("tonumber(): cannot convert \"no\" to a number"),
            "{}",
            e.message
        );
        assert!(err("tonumber", s(" 1")).message.contains("\" 1\""));
        assert_eq!(
            err("tonumber", Value::Bool(true)).message,
            "tonumber(): cannot convert a bool to a number"
        );
    }

    #[test]
    fn tobool_examples() {
        // Documented: tobool(true) = true; tobool("true") = true; tobool(null) = null;
        // tobool("no") and tobool(1) are errors.
        assert_eq!(ok("tobool", Value::Bool(true)), Value::Bool(true));
        assert_eq!(ok("tobool", s("true")), Value::Bool(true));
        assert_eq!(ok("tobool", s("false")), Value::Bool(false));
        assert_eq!(ok("tobool", Value::Null), Value::Null);
        let e = err("tobool", s("no"));
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("\"no\" to a bool"), "{}", e.message);
        assert_eq!(
            err("tobool", Value::from(1.0)).message,
            "tobool(): cannot convert a number to a bool"
        );
    }

    #[test]
    fn tolist_examples() {
        // Documented: tolist(["a", "b", "c"]); tolist(["a", "b", 3]) = ["a", "b", "3"].
        assert_eq!(ok("tolist", strs(&["a", "b", "c"])), strs(&["a", "b", "c"]));
        assert_eq!(
            ok(
                "tolist",
                Value::List(vec![s("a"), s("b"), Value::from(3.0)])
            ),
            strs(&["a", "b", "3"])
        );
        assert_eq!(
            ok("tolist", Value::set(vec![s("b"), s("a")])),
            strs(&["a", "b"])
        );
        assert_eq!(
            ok("tolist", Value::List(vec![s("a"), Value::Null])),
            Value::List(vec![s("a"), Value::Null])
        );
        assert_eq!(ok("tolist", Value::Null), Value::Null);
        assert_eq!(
            ok(
                "tolist",
                Value::List(vec![Value::Bool(true), Value::from(1.0)])
            ),
            strs(&["true", "1"])
        );
        let e = err(
            "tolist",
            Value::List(vec![s("a"), Value::map([("b", s("c"))])]),
        );
        assert_eq!(e.arg, Some(0));
        assert!(
            e.message.contains("mix a string and an object"),
            "{}",
            e.message
        );
        assert_eq!(
            err("tolist", s("a")).message,
            "tolist(): cannot convert a string to a list"
        );
    }

    #[test]
    fn toset_examples() {
        // Documented: toset(["a", "b", "c"]); toset(["a", "b", 3]) = ["3", "a", "b"];
        // toset(["c", "b", "b"]) = ["b", "c"].
        assert_eq!(
            ok("toset", strs(&["c", "b", "b"])),
            Value::Set(vec![s("b"), s("c")])
        );
        assert_eq!(
            ok("toset", Value::List(vec![s("a"), s("b"), Value::from(3.0)])),
            Value::Set(vec![s("3"), s("a"), s("b")])
        );
        assert_eq!(
            ok("toset", nums(&[3.0, 1.0, 3.0])),
            Value::Set(vec![Value::from(1.0), Value::from(3.0)])
        );
        let e = err("toset", Value::List(vec![strs(&["x"]), s("y")]));
        assert!(e.message.contains("a list and a string"), "{}", e.message);
        assert_eq!(err("toset", Value::from(1.0)).arg, Some(0));
    }

    #[test]
    fn tomap_examples() {
        // Documented: tomap({"a" = 1, "b" = 2}); tomap({"a" = "foo", "b" = true}) =
        // { a = "foo", b = "true" }.
        let m = Value::map([("a", Value::from(1.0)), ("b", Value::from(2.0))]);
        assert_eq!(ok("tomap", m.clone()), m);
        assert_eq!(
            ok(
                "tomap",
                Value::map([("a", s("foo")), ("b", Value::Bool(true))])
            ),
            Value::map([("a", s("foo")), ("b", s("true"))])
        );
        assert_eq!(
            ok(
                "tomap",
                Value::map([
                    ("a", Value::map([("x", Value::from(1.0))])),
                    ("b", Value::map([("y", s("z"))]))
                ])
            ),
            Value::map([
                ("a", Value::map([("x", s("1"))])),
                ("b", Value::map([("y", s("z"))]))
            ])
        );
        let e = err(
            "tomap",
            Value::map([("a", s("foo")), ("b", Value::map([("c", s("d"))]))]),
        );
        assert_eq!(e.arg, Some(0));
        assert!(
            e.message.contains("tomap(): cannot convert to a map"),
            "{}",
            e.message
        );
        assert_eq!(
            err("tomap", strs(&["a"])).message,
            "tomap(): cannot convert a list to a map"
        );
    }
}
