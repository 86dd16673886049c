//! Terraform's functions for looking into collections: `length`, `lookup`, `element`, `index`,
//! `contains`, `keys`, `values` and `one`. Functions that build collections live in `lists.rs`
//! and `combine.rs`, set algebra in `sets.rs`.

use super::support::{describe, map_arg, seq_arg, whole_arg};
use super::{FuncCtx, FuncError, FuncSpec, Param, article, spec};
use crate::config::value::{Value, quote};

pub(super) const FUNCTIONS: &[FuncSpec] = &[
    spec("length", &[Param::Any], None, true, length),
    spec(
        "lookup",
        &[Param::Any, Param::String],
        Some(Param::Any),
        true,
        lookup,
    ),
    spec("element", &[Param::Any, Param::Number], None, true, element),
    spec("index", &[Param::Any, Param::Any], None, false, index),
    spec("contains", &[Param::List, Param::Any], None, true, contains),
    spec("keys", &[Param::Map], None, true, keys),
    spec("values", &[Param::Map], None, true, values),
    spec("one", &[Param::List], None, true, one),
];

#[allow(clippy::cast_precision_loss)]
fn count(n: usize) -> Value {
    Value::Number(n as f64)
}

/// `length(value)`: characters of a string, elements of a list or set, entries of a map. The
/// length of a known list is known even when its elements are not.
fn length(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    match &args[0] {
        Value::Unknown => Ok(Value::Unknown),
        Value::String(s) => Ok(count(s.chars().count())),
        Value::List(items) | Value::Set(items) => Ok(count(items.len())),
        Value::Map(map) => Ok(count(map.len())),
        Value::Null => Err(FuncError::arg(0, "argument 1 of length() must not be null")),
        other => Err(FuncError::arg(
            0,
            format!(
                "length(): the argument must be a string, a list, a set or a map, not {}",
                article(other.type_name())
            ),
        )),
    }
}

/// `lookup(map, key[, default])`.
fn lookup(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    if args.len() > 3 {
        return Err(FuncError::new(format!(
            "lookup() takes two or three arguments, but {} were given",
            args.len()
        )));
    }
    let map = match &args[0] {
        Value::Unknown => return Ok(Value::Unknown),
        Value::Map(map) => map,
        other => {
            return Err(FuncError::arg(
                0,
                format!(
                    "lookup() requires a map as the first argument, not {}",
                    describe(other)
                ),
            ));
        }
    };
    let Value::String(key) = &args[1] else {
        return Ok(Value::Unknown);
    };
    match (map.get(key), args.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(FuncError::arg(
            1,
            format!(
                "lookup(): the map has no key {}, and no default value was given",
                quote(key)
            ),
        )),
    }
}

/// `element(list, index)`: the index wraps around the end of the list.
fn element(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let items = match &args[0] {
        Value::Unknown => None,
        Value::List(items) => Some(items),
        Value::Set(_) => {
            return Err(FuncError::arg(
                0,
                "element(): cannot read elements from a set, because its elements have no order; \
                 convert it with tolist() first",
            ));
        }
        other => {
            return Err(FuncError::arg(
                0,
                format!(
                    "element(): the first argument must be a list, not {}",
                    describe(other)
                ),
            ));
        }
    };
    if args[1].is_unknown() {
        return Ok(Value::Unknown);
    }
    let i = whole_arg("element", 1, &args[1], "the index")?;
    if i < 0 {
        return Err(FuncError::arg(
            1,
            format!("element(): the index must not be negative, but it is {i}"),
        ));
    }
    let Some(items) = items else {
        return Ok(Value::Unknown);
    };
    if items.is_empty() {
        return Err(FuncError::arg(
            0,
            "element(): cannot read an element of an empty list",
        ));
    }
    let i = usize::try_from(i).unwrap_or(usize::MAX) % items.len();
    Ok(items[i].clone())
}

/// `index(list, value)`: the position of the first element equal to `value`.
fn index(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let Value::List(items) = &args[0] else {
        return Err(FuncError::arg(
            0,
            format!(
                "index(): the first argument must be a list, not {}",
                describe(&args[0])
            ),
        ));
    };
    if items.is_empty() {
        return Err(FuncError::arg(0, "index(): cannot search an empty list"));
    }
    items
        .iter()
        .position(|item| *item == args[1])
        .map(count)
        .ok_or_else(|| {
            FuncError::arg(
                1,
                format!(
                    "index(): {} is not an element of the list",
                    describe(&args[1])
                ),
            )
        })
}

/// `contains(list, value)`; unknown elements make the answer unknown unless a match is found.
fn contains(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let Some(items) = seq_arg("contains", 0, &args[0])? else {
        return Ok(Value::Unknown);
    };
    if items.is_empty() {
        return Ok(Value::Bool(false));
    }
    if !args[1].is_wholly_known() {
        return Ok(Value::Unknown);
    }
    let mut unknown = false;
    for item in items {
        if !item.is_wholly_known() {
            unknown = true;
        } else if *item == args[1] {
            return Ok(Value::Bool(true));
        }
    }
    Ok(if unknown {
        Value::Unknown
    } else {
        Value::Bool(false)
    })
}

/// `keys(map)`: sorted; known even when the values are not.
fn keys(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    Ok(match map_arg("keys", 0, &args[0])? {
        Some(map) => Value::List(map.keys().map(|k| Value::from(k.as_str())).collect()),
        None => Value::Unknown,
    })
}

/// `values(map)`: in the order of the sorted keys.
fn values(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    Ok(match map_arg("values", 0, &args[0])? {
        Some(map) => Value::List(map.values().cloned().collect()),
        None => Value::Unknown,
    })
}

/// `one(list)`: null for no elements, the element for one, an error for more.
fn one(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    match seq_arg("one", 0, &args[0])? {
        None => Ok(Value::Unknown),
        Some([]) => Ok(Value::Null),
        Some([only]) => Ok(only.clone()),
        Some(items) => Err(FuncError::arg(
            0,
            format!(
                "one(): the list must have zero or one elements, but it has {}",
                items.len()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn length_examples() {
        // Documented: length([]) = 0; length(["a", "b"]) = 2; length({"a" = "b"}) = 1;
        // length("hello") = 5; length("👾🕹️") = 2 (in characters, here code points).
        assert_eq!(ok("length", vec![strs(&[])]), n(0.0));
        assert_eq!(ok("length", vec![strs(&["a", "b"])]), n(2.0));
        assert_eq!(ok("length", vec![Value::map([("a", s("b"))])]), n(1.0));
        assert_eq!(ok("length", vec![s("hello")]), n(5.0));
        assert_eq!(ok("length", vec![s("héllo☃")]), n(6.0));
        assert_eq!(ok("length", vec![Value::set(vec![s("a"), s("a")])]), n(1.0));
        assert_eq!(
            ok(
                "length",
                vec![Value::List(vec![Value::Unknown, Value::Unknown])]
            ),
            n(2.0)
        );
        assert_eq!(ok("length", vec![Value::Unknown]), Value::Unknown);
        let e = err("length", vec![n(5.0)]);
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("not a number"), "{}", e.message);
        assert!(
            err("length", vec![Value::Null])
                .message
                .contains("must not be null")
        );
    }

    #[test]
    fn lookup_examples() {
        // Documented: lookup({a="ay", b="bee"}, "a", "what?") = "ay";
        // lookup({a="ay", b="bee"}, "c", "what?") = "what?".
        let m = || Value::map([("a", s("ay")), ("b", s("bee"))]);
        assert_eq!(ok("lookup", vec![m(), s("a"), s("what?")]), s("ay"));
        assert_eq!(ok("lookup", vec![m(), s("c"), s("what?")]), s("what?"));
        assert_eq!(ok("lookup", vec![m(), s("b")]), s("bee"));
        let partly = Value::map([("a", s("x")), ("b", Value::Unknown)]);
        assert_eq!(ok("lookup", vec![partly.clone(), s("a")]), s("x"));
        assert_eq!(ok("lookup", vec![partly, s("b")]), Value::Unknown);
        assert_eq!(ok("lookup", vec![Value::Unknown, s("a")]), Value::Unknown);
        assert_eq!(ok("lookup", vec![m(), Value::Unknown]), Value::Unknown);
        let e = err("lookup", vec![m(), s("c")]);
        assert_eq!(e.arg, Some(1));
        assert_eq!(
            e.message,
            "lookup(): the map has no key \"c\", and no default value was given"
        );
        let e = err("lookup", vec![strs(&["a"]), s("a")]);
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("requires a map"), "{}", e.message);
        let e = err("lookup", vec![m(), s("a"), s("x"), s("y")]);
        assert!(
            e.message
                .contains("two or three arguments, but 4 were given"),
            "{}",
            e.message
        );
    }

    #[test]
    fn element_examples() {
        // Documented: element(["a", "b", "c"], 1) = "b"; element(["a", "b", "c"], 3) = "a".
        let l = || strs(&["a", "b", "c"]);
        assert_eq!(ok("element", vec![l(), n(1.0)]), s("b"));
        assert_eq!(ok("element", vec![l(), n(3.0)]), s("a"));
        assert_eq!(ok("element", vec![l(), n(3e12)]), s("a"));
        assert_eq!(ok("element", vec![l(), s("2")]), s("c"));
        assert_eq!(
            ok(
                "element",
                vec![Value::List(vec![s("a"), Value::Unknown]), n(0.0)]
            ),
            s("a")
        );
        assert_eq!(ok("element", vec![Value::Unknown, n(0.0)]), Value::Unknown);
        let e = err("element", vec![l(), n(-1.0)]);
        assert_eq!(e.arg, Some(1));
        assert!(e.message.contains("must not be negative"), "{}", e.message);
        assert_eq!(err("element", vec![l(), n(0.5)]).arg, Some(1));
        let e = err("element", vec![strs(&[]), n(0.0)]);
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("empty list"), "{}", e.message);
        assert!(
            err("element", vec![Value::set(vec![s("a")]), n(0.0)])
                .message
                .contains("tolist()")
        );
        assert_eq!(err("element", vec![s("abc"), n(0.0)]).arg, Some(0));
    }

    #[test]
    fn index_examples() {
        // Documented: index(["a", "b", "c"], "b") = 1.
        assert_eq!(ok("index", vec![strs(&["a", "b", "c"]), s("b")]), n(1.0));
        assert_eq!(ok("index", vec![strs(&["a", "b", "b"]), s("b")]), n(1.0));
        assert_eq!(ok("index", vec![nums(&[1.0, 2.0]), n(2.0)]), n(1.0));
        let e = err("index", vec![strs(&["a"]), s("z")]);
        assert_eq!(e.arg, Some(1));
        assert_eq!(e.message, "index(): \"z\" is not an element of the list");
        assert_eq!(
            err("index", vec![strs(&[]), s("z")]).message,
            "index(): cannot search an empty list"
        );
        assert_eq!(
            err("index", vec![Value::set(vec![s("a")]), s("a")]).arg,
            Some(0)
        );
        // A number does not equal its string form.
        assert!(call_fn("index", vec![strs(&["1"]), n(1.0)]).is_err());
    }

    #[test]
    fn contains_examples() {
        // Documented: contains(["a", "b", "c"], "a") = true; contains(["a", "b", "c"], "d") = false.
        assert_eq!(
            ok("contains", vec![strs(&["a", "b", "c"]), s("a")]),
            Value::Bool(true)
        );
        assert_eq!(
            ok("contains", vec![strs(&["a", "b", "c"]), s("d")]),
            Value::Bool(false)
        );
        assert_eq!(
            ok("contains", vec![Value::set(vec![n(1.0)]), n(1.0)]),
            Value::Bool(true)
        );
        assert_eq!(
            ok("contains", vec![strs(&[]), Value::Unknown]),
            Value::Bool(false)
        );
        let partly = Value::List(vec![s("a"), Value::Unknown]);
        assert_eq!(
            ok("contains", vec![partly.clone(), s("a")]),
            Value::Bool(true)
        );
        assert_eq!(ok("contains", vec![partly, s("b")]), Value::Unknown);
        assert_eq!(
            ok("contains", vec![strs(&["a"]), Value::Unknown]),
            Value::Unknown
        );
        let e = err("contains", vec![s("abc"), s("a")]);
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("contains()"), "{}", e.message);
    }

    #[test]
    fn keys_and_values() {
        // Documented: keys({a=1, c=2, d=3}) = ["a", "c", "d"]; values({a=3, c=2, d=1}) = [3, 2, 1].
        let m = Value::map([("d", n(1.0)), ("a", n(3.0)), ("c", n(2.0))]);
        assert_eq!(ok("keys", vec![m.clone()]), strs(&["a", "c", "d"]));
        assert_eq!(ok("values", vec![m]), nums(&[3.0, 2.0, 1.0]));
        let partly = Value::map([("b", Value::Unknown), ("a", n(1.0))]);
        assert_eq!(ok("keys", vec![partly.clone()]), strs(&["a", "b"]));
        assert_eq!(
            ok("values", vec![partly]),
            Value::List(vec![n(1.0), Value::Unknown])
        );
        assert_eq!(ok("keys", vec![Value::Unknown]), Value::Unknown);
        // Partly unknown arguments are still type-checked.
        let e = err("keys", vec![Value::List(vec![Value::Unknown])]);
        assert_eq!(
            e.message,
            "argument 1 of keys() must be a map or object, not a list"
        );
        let e = err("one", vec![Value::map([("a", Value::Unknown)])]);
        assert_eq!(
            e.message,
            "argument 1 of one() must be a list, not an object"
        );
        let e = err("keys", vec![strs(&["a"])]);
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("keys()"), "{}", e.message);
        assert_eq!(err("values", vec![s("x")]).arg, Some(0));
    }

    #[test]
    fn one_examples() {
        // Documented: one([]) = null; one(["hello"]) = "hello"; one(["hello", "goodbye"]) errors.
        assert_eq!(ok("one", vec![strs(&[])]), Value::Null);
        assert_eq!(ok("one", vec![strs(&["hello"])]), s("hello"));
        assert_eq!(ok("one", vec![Value::set(vec![s("x")])]), s("x"));
        assert_eq!(
            ok("one", vec![Value::List(vec![Value::Unknown])]),
            Value::Unknown
        );
        let e = err("one", vec![strs(&["hello", "goodbye"])]);
        assert_eq!(e.arg, Some(0));
        assert_eq!(
            e.message,
            "one(): the list must have zero or one elements, but it has 2"
        );
        assert_eq!(err("one", vec![s("x")]).arg, Some(0));
    }
}
