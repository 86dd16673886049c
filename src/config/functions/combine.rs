//! Terraform's functions that build one collection from several: `concat`, `merge`, `zipmap`,
//! `coalesce`, `coalescelist`, `matchkeys` and `transpose`.

use std::collections::BTreeMap;

use super::support::{
    Shape, clash, convert, describe, items, list_any, shape_of, strings_of, unify, unify_values,
};
use super::{FuncCtx, FuncError, FuncSpec, Param, spec};
use crate::config::value::{Value, quote};

pub(super) const FUNCTIONS: &[FuncSpec] = &[
    spec("concat", &[], Some(Param::Any), true, concat),
    spec("zipmap", &[Param::List, Param::Any], None, false, zipmap),
    spec("merge", &[], Some(Param::Any), true, merge),
    spec("coalesce", &[], Some(Param::Any), true, coalesce),
    spec("coalescelist", &[], Some(Param::Any), true, coalescelist),
    spec(
        "matchkeys",
        &[Param::List, Param::List, Param::List],
        None,
        false,
        matchkeys,
    ),
    spec("transpose", &[Param::Map], None, false, transpose),
];

/// `concat(lists...)`: known even when elements of the lists are not.
fn concat(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    if args.is_empty() {
        return Err(FuncError::new("concat() needs at least one list"));
    }
    let mut unknown = false;
    for (i, arg) in args.iter().enumerate() {
        match arg {
            Value::List(_) => {}
            Value::Unknown => unknown = true,
            Value::Set(_) => {
                return Err(FuncError::arg(
                    i,
                    format!(
                        "concat(): all arguments must be lists or tuples, but argument {} is a set; \
                         convert it with tolist() first",
                        i + 1
                    ),
                ));
            }
            other => {
                return Err(FuncError::arg(
                    i,
                    format!(
                        "concat(): all arguments must be lists or tuples, but argument {} is {}",
                        i + 1,
                        describe(other)
                    ),
                ));
            }
        }
    }
    if unknown {
        return Ok(Value::Unknown);
    }
    let all = args
        .into_iter()
        .flat_map(|arg| match arg {
            Value::List(items) => items,
            _ => Vec::new(),
        })
        .collect();
    Ok(Value::List(all))
}

/// `zipmap(keys, values)`.
fn zipmap(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let keys = strings_of("zipmap", 0, args[0].as_seq().unwrap_or_default())?;
    let Value::List(values) = &args[1] else {
        return Err(FuncError::arg(
            1,
            format!(
                "zipmap(): the values must be a list, not {}",
                describe(&args[1])
            ),
        ));
    };
    if keys.len() != values.len() {
        return Err(FuncError::arg(
            1,
            format!(
                "zipmap(): the number of keys ({}) does not match the number of values ({})",
                keys.len(),
                values.len()
            ),
        ));
    }
    let mut out = BTreeMap::new();
    for (i, (key, value)) in keys.into_iter().zip(values).enumerate() {
        let key = key.ok_or_else(|| {
            FuncError::arg(
                0,
                format!("zipmap(): the keys list has a null value at index {i}"),
            )
        })?;
        out.insert(key, value.clone());
    }
    Ok(Value::Map(out))
}

/// `merge(maps...)`: later maps win; null arguments are skipped.
fn merge(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    for (i, arg) in args.iter().enumerate() {
        if !matches!(arg, Value::Map(_) | Value::Null | Value::Unknown) {
            return Err(FuncError::arg(
                i,
                format!(
                    "merge(): arguments must be maps or objects, but argument {} is {}",
                    i + 1,
                    describe(arg)
                ),
            ));
        }
    }
    let mut out = BTreeMap::new();
    for arg in args {
        match arg {
            Value::Map(map) => out.extend(map),
            Value::Unknown => return Ok(Value::Unknown),
            _ => {}
        }
    }
    Ok(Value::Map(out))
}

/// `coalesce(values...)`: the first argument that is neither null nor an empty string, after
/// converting all arguments to one type.
fn coalesce(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let shape = unify(args.iter().map(shape_of)).ok_or_else(|| {
        FuncError::new(format!(
            "coalesce(): all arguments must have the same type, but they mix {}",
            clash(&args)
        ))
    })?;
    for arg in args {
        if arg.is_unknown() {
            return Ok(Value::Unknown);
        }
        let value = convert(arg, &shape);
        match &value {
            Value::Null => {}
            Value::String(s) if s.is_empty() && shape == Shape::String => {}
            _ => return Ok(value),
        }
    }
    Err(FuncError::new(
        "coalesce(): no non-null, non-empty-string arguments",
    ))
}

/// `coalescelist(lists...)`: the first list that is not empty.
fn coalescelist(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    if args.is_empty() {
        return Err(FuncError::new("coalescelist() needs at least one list"));
    }
    for (i, arg) in args.iter().enumerate() {
        if !matches!(arg, Value::List(_) | Value::Null | Value::Unknown) {
            return Err(FuncError::arg(
                i,
                format!(
                    "coalescelist(): arguments must be lists or tuples, but argument {} is {}",
                    i + 1,
                    describe(arg)
                ),
            ));
        }
    }
    for arg in args {
        match arg {
            Value::Unknown => return Ok(Value::Unknown),
            Value::List(ref items) if !items.is_empty() => return Ok(arg),
            _ => {}
        }
    }
    Err(FuncError::new(
        "coalescelist(): every argument is null or an empty list",
    ))
}

/// `matchkeys(values, keys, searchset)`: the values whose corresponding key is in the search set.
fn matchkeys(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let values = list_any("matchkeys", 0, items(&args, 0))?;
    let keys = items(&args, 1);
    let searchset = items(&args, 2);
    if values.len() != keys.len() {
        return Err(FuncError::arg(
            1,
            format!(
                "matchkeys(): the lists of values ({}) and keys ({}) must have the same length",
                values.len(),
                keys.len()
            ),
        ));
    }
    let n = keys.len();
    let mut both = keys;
    both.extend(searchset);
    let mut both = unify_values(both).ok_or_else(|| {
        FuncError::arg(
            2,
            "matchkeys(): the keys and the search set must have the same element type",
        )
    })?;
    let searchset = both.split_off(n);
    Ok(Value::List(
        values
            .into_iter()
            .zip(both)
            .filter(|(_, key)| searchset.contains(key))
            .map(|(value, _)| value)
            .collect(),
    ))
}

/// `transpose(map)`: swaps the keys and the values of a map of lists of strings.
fn transpose(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, value) in args[0].as_map().into_iter().flatten() {
        let bad = |what: String| {
            FuncError::arg(
                0,
                format!(
                    "transpose(): the input must be a map of lists of strings, but {} {what}",
                    quote(key)
                ),
            )
        };
        let list = value
            .as_seq()
            .ok_or_else(|| bad(format!("is {}", describe(value))))?;
        for (i, item) in list.iter().enumerate() {
            let item = match item {
                Value::Null => None,
                other => other.coerce_string(),
            }
            .ok_or_else(|| bad(format!("has {} at index {i}", describe(item))))?;
            let keys = out.entry(item).or_default();
            keys.push(key.clone());
            keys.sort();
        }
    }
    Ok(Value::Map(
        out.into_iter()
            .map(|(k, v)| (k, Value::List(v.into_iter().map(Value::String).collect())))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn list(items: Vec<Value>) -> Value {
        Value::List(items)
    }

    #[test]
    fn concat_examples() {
        // Documented: concat(["a", ""], ["b", "c"]) = ["a", "", "b", "c"].
        assert_eq!(
            ok("concat", vec![strs(&["a", ""]), strs(&["b", "c"])]),
            strs(&["a", "", "b", "c"])
        );
        assert_eq!(
            ok("concat", vec![strs(&["a"]), nums(&[1.0])]),
            list(vec![s("a"), n(1.0)])
        );
        assert_eq!(ok("concat", vec![strs(&[])]), strs(&[]));
        assert_eq!(
            ok("concat", vec![list(vec![Value::Unknown]), strs(&["b"])]),
            list(vec![Value::Unknown, s("b")])
        );
        assert_eq!(
            ok("concat", vec![strs(&["a"]), Value::Unknown]),
            Value::Unknown
        );
        let e = err("concat", vec![strs(&["a"]), s("b")]);
        assert_eq!(e.arg, Some(1));
        assert!(e.message.contains("argument 2 is \"b\""), "{}", e.message);
        assert!(
            err("concat", vec![Value::set(vec![s("a")])])
                .message
                .contains("tolist()")
        );
        assert!(err("concat", vec![]).message.contains("at least one list"));
    }

    #[test]
    fn zipmap_examples() {
        // Documented: zipmap(["a", "b"], [1, 2]) = { a = 1, b = 2 }.
        assert_eq!(
            ok("zipmap", vec![strs(&["a", "b"]), nums(&[1.0, 2.0])]),
            Value::map([("a", n(1.0)), ("b", n(2.0))])
        );
        assert_eq!(
            ok("zipmap", vec![strs(&["a", "a"]), nums(&[1.0, 2.0])]),
            Value::map([("a", n(2.0))])
        );
        assert_eq!(
            ok("zipmap", vec![nums(&[1.0]), strs(&["x"])]),
            Value::map([("1", s("x"))])
        );
        let e = err("zipmap", vec![strs(&["a"]), nums(&[1.0, 2.0])]);
        assert_eq!(e.arg, Some(1));
        assert!(
            e.message
                .contains("number of keys (1) does not match the number of values (2)")
        );
        let e = err("zipmap", vec![Value::List(vec![Value::Null]), nums(&[1.0])]);
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("null value at index 0"), "{}", e.message);
        assert_eq!(err("zipmap", vec![strs(&["a"]), s("x")]).arg, Some(1));
    }

    #[test]
    fn merge_examples() {
        // Documented: merge({a="b", c="d"}, {e="f", c="z"}) = {a="b", c="z", e="f"};
        // merge({a="b"}, {a=[1,2], c="z"}, {d=3}) = {a=[1,2], c="z", d=3}.
        assert_eq!(
            ok(
                "merge",
                vec![
                    Value::map([("a", s("b")), ("c", s("d"))]),
                    Value::map([("e", s("f")), ("c", s("z"))])
                ]
            ),
            Value::map([("a", s("b")), ("c", s("z")), ("e", s("f"))])
        );
        assert_eq!(
            ok(
                "merge",
                vec![
                    Value::map([("a", s("b"))]),
                    Value::map([("a", nums(&[1.0, 2.0])), ("c", s("z"))]),
                    Value::map([("d", n(3.0))]),
                ]
            ),
            Value::map([("a", nums(&[1.0, 2.0])), ("c", s("z")), ("d", n(3.0))])
        );
        assert_eq!(ok("merge", vec![]), Value::Map(BTreeMap::new()));
        assert_eq!(
            ok("merge", vec![Value::Null, Value::map([("a", n(1.0))])]),
            Value::map([("a", n(1.0))])
        );
        let partly = Value::map([("a", Value::Unknown)]);
        assert_eq!(
            ok("merge", vec![partly.clone(), Value::map([("b", n(1.0))])]),
            Value::map([("a", Value::Unknown), ("b", n(1.0))])
        );
        assert_eq!(ok("merge", vec![partly, Value::Unknown]), Value::Unknown);
        let e = err("merge", vec![Value::map([("a", n(1.0))]), strs(&["x"])]);
        assert_eq!(e.arg, Some(1));
        assert_eq!(
            e.message,
            "merge(): arguments must be maps or objects, but argument 2 is a list"
        );
    }

    #[test]
    fn coalesce_examples() {
        // Documented: coalesce("a", "b") = "a"; coalesce("", "b") = "b"; coalesce(1, 2) = 1.
        assert_eq!(ok("coalesce", vec![s("a"), s("b")]), s("a"));
        assert_eq!(ok("coalesce", vec![s(""), s("b")]), s("b"));
        assert_eq!(ok("coalesce", vec![n(1.0), n(2.0)]), n(1.0));
        assert_eq!(ok("coalesce", vec![Value::Null, s(""), n(3.0)]), s("3"));
        assert_eq!(ok("coalesce", vec![s("a"), Value::Unknown]), s("a"));
        assert_eq!(
            ok("coalesce", vec![s(""), Value::Unknown, s("b")]),
            Value::Unknown
        );
        assert_eq!(ok("coalesce", vec![strs(&[]), strs(&["x"])]), strs(&[]));
        let e = err("coalesce", vec![Value::Null, s("")]);
        assert_eq!(e.arg, None);
        assert_eq!(
            e.message,
            "coalesce(): no non-null, non-empty-string arguments"
        );
        assert!(err("coalesce", vec![]).message.contains("no non-null"));
        let e = err("coalesce", vec![s("a"), Value::map([("b", n(1.0))])]);
        assert!(
            e.message.contains("must have the same type"),
            "{}",
            e.message
        );
    }

    #[test]
    fn coalescelist_examples() {
        // Documented: coalescelist(["a", "b"], ["c", "d"]) = ["a", "b"];
        // coalescelist([], ["c", "d"]) = ["c", "d"].
        assert_eq!(
            ok("coalescelist", vec![strs(&["a", "b"]), strs(&["c", "d"])]),
            strs(&["a", "b"])
        );
        assert_eq!(
            ok("coalescelist", vec![strs(&[]), strs(&["c", "d"])]),
            strs(&["c", "d"])
        );
        assert_eq!(
            ok("coalescelist", vec![Value::Null, strs(&["c"])]),
            strs(&["c"])
        );
        assert_eq!(
            ok("coalescelist", vec![strs(&[]), Value::Unknown]),
            Value::Unknown
        );
        assert_eq!(
            ok("coalescelist", vec![strs(&["a"]), Value::Unknown]),
            strs(&["a"])
        );
        let e = err("coalescelist", vec![strs(&[]), s("x")]);
        assert_eq!(e.arg, Some(1));
        assert!(e.message.contains("argument 2 is \"x\""), "{}", e.message);
        assert!(
            err("coalescelist", vec![strs(&[]), Value::Null])
                .message
                .contains("every argument")
        );
        assert!(
            err("coalescelist", vec![])
                .message
                .contains("at least one list")
        );
    }

    #[test]
    fn matchkeys_examples() {
        // Documented: matchkeys(["i-123", "i-abc", "i-def"], ["us-west", "us-east", "us-east"],
        // ["us-east"]) = ["i-abc", "i-def"].
        assert_eq!(
            ok(
                "matchkeys",
                vec![
                    strs(&["i-123", "i-abc", "i-def"]),
                    strs(&["us-west", "us-east", "us-east"]),
                    strs(&["us-east"])
                ]
            ),
            strs(&["i-abc", "i-def"])
        );
        assert_eq!(
            ok(
                "matchkeys",
                vec![strs(&["a", "b"]), nums(&[1.0, 2.0]), strs(&["2"])]
            ),
            strs(&["b"])
        );
        assert_eq!(
            ok("matchkeys", vec![strs(&["a"]), strs(&["k"]), strs(&[])]),
            strs(&[])
        );
        let e = err(
            "matchkeys",
            vec![strs(&["a"]), strs(&["k", "l"]), strs(&["k"])],
        );
        assert_eq!(e.arg, Some(1));
        assert!(e.message.contains("same length"), "{}", e.message);
        let e = err(
            "matchkeys",
            vec![strs(&["a"]), strs(&["k"]), list(vec![strs(&["k"])])],
        );
        assert_eq!(e.arg, Some(2));
    }

    #[test]
    fn transpose_examples() {
        // Documented: transpose({"a" = ["1", "2"], "b" = ["2", "3"]}) =
        // {"1" = ["a"], "2" = ["a", "b"], "3" = ["b"]}.
        let m = Value::map([("a", strs(&["1", "2"])), ("b", strs(&["2", "3"]))]);
        assert_eq!(
            ok("transpose", vec![m]),
            Value::map([
                ("1", strs(&["a"])),
                ("2", strs(&["a", "b"])),
                ("3", strs(&["b"]))
            ])
        );
        let e = err("transpose", vec![Value::map([("a", s("x"))])]);
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("\"a\" is \"x\""), "{}", e.message);
        assert!(
            err(
                "transpose",
                vec![Value::map([("a", list(vec![Value::Null]))])]
            )
            .message
            .contains("index 0")
        );
    }
}
