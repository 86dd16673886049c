//! Terraform's functions that transform one list: `flatten`, `distinct`, `compact`, `reverse`,
//! `sort`, `slice` and `chunklist`, and the `alltrue`/`anytrue` tests over a list of bools.

use super::support::{describe, items, list_any, seq_arg, strings_of, whole_arg};
use super::{FuncCtx, FuncError, FuncSpec, Param, spec};
use crate::config::value::Value;

pub(super) const FUNCTIONS: &[FuncSpec] = &[
    spec("flatten", &[Param::List], None, false, flatten),
    spec("distinct", &[Param::List], None, false, distinct),
    spec("compact", &[Param::List], None, false, compact),
    spec("reverse", &[Param::List], None, false, reverse),
    spec("sort", &[Param::List], None, false, sort),
    spec(
        "slice",
        &[Param::Any, Param::Number, Param::Number],
        None,
        false,
        slice,
    ),
    spec(
        "chunklist",
        &[Param::List, Param::Number],
        None,
        false,
        chunklist,
    ),
    spec("alltrue", &[Param::List], None, true, alltrue),
    spec("anytrue", &[Param::List], None, true, anytrue),
];

/// `flatten(list)`: nested lists and sets are flattened recursively; maps are kept as elements.
fn flatten(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    fn walk(items: Vec<Value>, out: &mut Vec<Value>) {
        for item in items {
            match item {
                Value::List(inner) | Value::Set(inner) => walk(inner, out),
                other => out.push(other),
            }
        }
    }
    let mut out = Vec::new();
    walk(items(&args, 0), &mut out);
    Ok(Value::List(out))
}

/// `distinct(list)`: the first occurrence of each element, in order.
fn distinct(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let mut out: Vec<Value> = Vec::new();
    for item in list_any("distinct", 0, items(&args, 0))? {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    Ok(Value::List(out))
}

/// `compact(list)`: the strings that are neither empty nor null.
fn compact(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let strings = strings_of("compact", 0, &items(&args, 0))?;
    Ok(Value::List(
        strings
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .map(Value::String)
            .collect(),
    ))
}

fn reverse(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let mut list = items(&args, 0);
    list.reverse();
    Ok(Value::List(list))
}

/// `sort(list)`: lexical order of the elements as strings (numbers are converted first).
fn sort(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let mut strings = strings_of("sort", 0, &items(&args, 0))?
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            s.ok_or_else(|| {
                FuncError::arg(
                    0,
                    format!("sort(): element {i} is null; a null string cannot be sorted"),
                )
            })
        })
        .collect::<Result<Vec<String>, FuncError>>()?;
    strings.sort();
    Ok(Value::List(
        strings.into_iter().map(Value::String).collect(),
    ))
}

/// `slice(list, start, end)`: elements from `start` up to but not including `end`.
fn slice(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let list = match &args[0] {
        Value::List(items) => items,
        Value::Set(_) => {
            return Err(FuncError::arg(
                0,
                "slice(): cannot slice a set, because its elements do not have indices; convert \
                 it with tolist() if the order of the result does not matter",
            ));
        }
        other => {
            return Err(FuncError::arg(
                0,
                format!(
                    "slice(): the first argument must be a list, not {}",
                    describe(other)
                ),
            ));
        }
    };
    let len = i64::try_from(list.len()).unwrap_or(i64::MAX);
    let start = whole_arg("slice", 1, &args[1], "the start index")?;
    let end = whole_arg("slice", 2, &args[2], "the end index")?;
    for (i, idx, what) in [(1, start, "start"), (2, end, "end")] {
        if idx < 0 {
            return Err(FuncError::arg(
                i,
                format!("slice(): the {what} index must not be less than zero, but it is {idx}"),
            ));
        }
        if idx > len {
            return Err(FuncError::arg(
                i,
                format!(
                    "slice(): the {what} index ({idx}) must not be greater than the length of the \
                     list ({len})"
                ),
            ));
        }
    }
    if start > end {
        return Err(FuncError::arg(
            1,
            format!(
                "slice(): the start index ({start}) must not be greater than the end index ({end})"
            ),
        ));
    }
    let (start, end) = (
        usize::try_from(start).unwrap_or(0),
        usize::try_from(end).unwrap_or(0),
    );
    Ok(Value::List(
        list.get(start..end).unwrap_or_default().to_vec(),
    ))
}

/// `chunklist(list, size)`: consecutive chunks of `size` elements; size 0 gives one chunk.
fn chunklist(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let list = list_any("chunklist", 0, items(&args, 0))?;
    let size = whole_arg("chunklist", 1, &args[1], "the size")?;
    if size < 0 {
        return Err(FuncError::arg(
            1,
            format!("chunklist(): the size must not be negative, but it is {size}"),
        ));
    }
    if list.is_empty() {
        return Ok(Value::List(Vec::new()));
    }
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if size == 0 {
        return Ok(Value::List(vec![Value::List(list)]));
    }
    Ok(Value::List(
        list.chunks(size)
            .map(|chunk| Value::List(chunk.to_vec()))
            .collect(),
    ))
}

/// An element of a `list(bool)` argument.
enum Truth {
    Unknown,
    Null,
    Is(bool),
}

/// The elements of a `list(bool)` argument (`"true"`/`"false"` convert); `None` if the list itself
/// is unknown.
fn truths(func: &str, args: &[Value]) -> Result<Option<Vec<Truth>>, FuncError> {
    let Some(list) = seq_arg(func, 0, &args[0])? else {
        return Ok(None);
    };
    list.iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Unknown => Ok(Truth::Unknown),
            Value::Null => Ok(Truth::Null),
            other => other.coerce_bool().map(Truth::Is).ok_or_else(|| {
                FuncError::arg(
                    0,
                    format!(
                        "{func}(): element {i} is {}, which is not a bool",
                        describe(other)
                    ),
                )
            }),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// `alltrue(list)`: true for an empty list; a null element counts as false.
fn alltrue(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let Some(list) = truths("alltrue", &args)? else {
        return Ok(Value::Unknown);
    };
    for item in list {
        match item {
            Truth::Unknown => return Ok(Value::Unknown),
            Truth::Null | Truth::Is(false) => return Ok(Value::Bool(false)),
            Truth::Is(true) => {}
        }
    }
    Ok(Value::Bool(true))
}

/// `anytrue(list)`: false for an empty list; null elements are skipped.
fn anytrue(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let Some(list) = truths("anytrue", &args)? else {
        return Ok(Value::Unknown);
    };
    let mut unknown = false;
    for item in list {
        match item {
            Truth::Unknown => unknown = true,
            Truth::Is(true) => return Ok(Value::Bool(true)),
            Truth::Null | Truth::Is(false) => {}
        }
    }
    Ok(if unknown {
        Value::Unknown
    } else {
        Value::Bool(false)
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn list(items: Vec<Value>) -> Value {
        Value::List(items)
    }

    #[test]
    fn flatten_examples() {
        // Documented: flatten([["a", "b"], [], ["c"]]) = ["a", "b", "c"];
        // flatten([[["a", "b"], []], ["c"]]) = ["a", "b", "c"].
        assert_eq!(
            ok(
                "flatten",
                vec![list(vec![strs(&["a", "b"]), strs(&[]), strs(&["c"])])]
            ),
            strs(&["a", "b", "c"])
        );
        assert_eq!(
            ok(
                "flatten",
                vec![list(vec![
                    list(vec![strs(&["a", "b"]), strs(&[])]),
                    strs(&["c"])
                ])]
            ),
            strs(&["a", "b", "c"])
        );
        let m = Value::map([("k", strs(&["v"]))]);
        assert_eq!(
            ok(
                "flatten",
                vec![list(vec![m.clone(), list(vec![m.clone()])])]
            ),
            list(vec![m.clone(), m])
        );
        assert_eq!(
            ok(
                "flatten",
                vec![list(vec![Value::set(vec![s("b"), s("a")]), s("c")])]
            ),
            strs(&["a", "b", "c"])
        );
        let e = err("flatten", vec![s("a")]);
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("flatten()"), "{}", e.message);
    }

    #[test]
    fn distinct_and_compact() {
        // Documented: distinct(["a", "b", "a", "c", "d", "b"]) = ["a", "b", "c", "d"];
        // compact(["a", "", "b", "c"]) = ["a", "b", "c"].
        assert_eq!(
            ok("distinct", vec![strs(&["a", "b", "a", "c", "d", "b"])]),
            strs(&["a", "b", "c", "d"])
        );
        assert_eq!(
            ok("distinct", vec![list(vec![s("1"), n(1.0), s("a")])]),
            strs(&["1", "a"])
        );
        assert_eq!(
            ok("distinct", vec![nums(&[2.0, 1.0, 2.0])]),
            nums(&[2.0, 1.0])
        );
        let e = err("distinct", vec![list(vec![s("a"), strs(&["b"])])]);
        assert_eq!(e.arg, Some(0));
        assert!(
            e.message.contains("must have the same type"),
            "{}",
            e.message
        );
        assert_eq!(
            ok("compact", vec![strs(&["a", "", "b", "c"])]),
            strs(&["a", "b", "c"])
        );
        assert_eq!(
            ok("compact", vec![list(vec![s("a"), Value::Null, n(1.0)])]),
            strs(&["a", "1"])
        );
        assert_eq!(err("compact", vec![list(vec![strs(&[])])]).arg, Some(0));
    }

    #[test]
    fn reverse_and_sort() {
        // Documented: reverse([1, 2, 3]) = [3, 2, 1]; sort(["e", "d", "a", "x"]) =
        // ["a", "d", "e", "x"]; numbers sort as strings.
        assert_eq!(
            ok("reverse", vec![nums(&[1.0, 2.0, 3.0])]),
            nums(&[3.0, 2.0, 1.0])
        );
        assert_eq!(
            ok("reverse", vec![Value::set(vec![s("a"), s("b")])]),
            strs(&["b", "a"])
        );
        assert_eq!(err("reverse", vec![s("abc")]).arg, Some(0));
        assert_eq!(
            ok("sort", vec![strs(&["e", "d", "a", "x"])]),
            strs(&["a", "d", "e", "x"])
        );
        assert_eq!(
            ok("sort", vec![nums(&[3.0, 1.0, 2.0])]),
            strs(&["1", "2", "3"])
        );
        assert_eq!(ok("sort", vec![nums(&[10.0, 9.0])]), strs(&["10", "9"]));
        let e = err("sort", vec![list(vec![s("a"), Value::Null])]);
        assert_eq!(e.arg, Some(0));
        assert_eq!(
            e.message,
            "sort(): element 1 is null; a null string cannot be sorted"
        );
        assert!(
            err("sort", vec![list(vec![Value::map([("a", n(1.0))])])])
                .message
                .contains("string is required")
        );
    }

    #[test]
    fn slice_examples() {
        // Documented: slice(["a", "b", "c", "d"], 1, 3) = ["b", "c"].
        let l = || strs(&["a", "b", "c", "d"]);
        assert_eq!(ok("slice", vec![l(), n(1.0), n(3.0)]), strs(&["b", "c"]));
        assert_eq!(ok("slice", vec![l(), n(0.0), n(4.0)]), l());
        assert_eq!(ok("slice", vec![l(), n(2.0), n(2.0)]), strs(&[]));
        let e = err("slice", vec![l(), n(3.0), n(1.0)]);
        assert_eq!(e.arg, Some(1));
        assert!(
            e.message
                .contains("start index (3) must not be greater than the end index (1)")
        );
        let e = err("slice", vec![l(), n(0.0), n(5.0)]);
        assert_eq!(e.arg, Some(2));
        assert!(
            e.message
                .contains("end index (5) must not be greater than the length of the list (4)")
        );
        assert_eq!(err("slice", vec![l(), n(-1.0), n(2.0)]).arg, Some(1));
        assert_eq!(err("slice", vec![l(), n(0.5), n(2.0)]).arg, Some(1));
        assert!(
            err("slice", vec![Value::set(vec![s("a")]), n(0.0), n(1.0)])
                .message
                .contains("cannot slice a set")
        );
        assert_eq!(err("slice", vec![s("abc"), n(0.0), n(1.0)]).arg, Some(0));
    }

    #[test]
    fn chunklist_examples() {
        // Documented: chunklist(["a", "b", "c", "d", "e"], 2) = [["a", "b"], ["c", "d"], ["e"]];
        // chunklist(["a", "b", "c", "d", "e"], 1) = [["a"], ["b"], ["c"], ["d"], ["e"]].
        let l = || strs(&["a", "b", "c", "d", "e"]);
        assert_eq!(
            ok("chunklist", vec![l(), n(2.0)]),
            list(vec![strs(&["a", "b"]), strs(&["c", "d"]), strs(&["e"])])
        );
        assert_eq!(
            ok("chunklist", vec![l(), n(1.0)]),
            list(vec![
                strs(&["a"]),
                strs(&["b"]),
                strs(&["c"]),
                strs(&["d"]),
                strs(&["e"])
            ])
        );
        assert_eq!(ok("chunklist", vec![l(), n(0.0)]), list(vec![l()]));
        assert_eq!(ok("chunklist", vec![strs(&[]), n(3.0)]), list(vec![]));
        let e = err("chunklist", vec![l(), n(-1.0)]);
        assert_eq!(e.arg, Some(1));
        assert!(e.message.contains("must not be negative"), "{}", e.message);
    }

    #[test]
    fn alltrue_and_anytrue() {
        // Documented: alltrue(["true", true]) = true; alltrue([true, false]) = false;
        // anytrue(["true"]) = true; anytrue([true, false]) = true; anytrue([]) = false.
        let b = Value::Bool;
        assert_eq!(ok("alltrue", vec![list(vec![s("true"), b(true)])]), b(true));
        assert_eq!(ok("alltrue", vec![list(vec![b(true), b(false)])]), b(false));
        assert_eq!(ok("alltrue", vec![list(vec![])]), b(true));
        assert_eq!(
            ok("alltrue", vec![list(vec![b(true), Value::Null])]),
            b(false)
        );
        assert_eq!(
            ok("alltrue", vec![list(vec![b(true), Value::Unknown])]),
            Value::Unknown
        );
        assert_eq!(
            ok("alltrue", vec![list(vec![b(false), Value::Unknown])]),
            b(false)
        );
        assert_eq!(ok("anytrue", vec![list(vec![s("true")])]), b(true));
        assert_eq!(ok("anytrue", vec![list(vec![b(true), b(false)])]), b(true));
        assert_eq!(ok("anytrue", vec![list(vec![])]), b(false));
        assert_eq!(
            ok("anytrue", vec![list(vec![Value::Null, b(false)])]),
            b(false)
        );
        assert_eq!(
            ok("anytrue", vec![list(vec![Value::Unknown, b(true)])]),
            b(true)
        );
        assert_eq!(
            ok("anytrue", vec![list(vec![Value::Unknown, b(false)])]),
            Value::Unknown
        );
        assert_eq!(ok("anytrue", vec![Value::Unknown]), Value::Unknown);
        let e = err("alltrue", vec![list(vec![b(true), s("yes")])]);
        assert_eq!(e.arg, Some(0));
        assert_eq!(
            e.message,
            "alltrue(): element 1 is \"yes\", which is not a bool"
        );
        assert!(
            err("anytrue", vec![list(vec![n(1.0)])])
                .message
                .starts_with("anytrue()")
        );
    }
}
