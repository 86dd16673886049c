//! Terraform's set algebra: `setunion`, `setintersection` and `setsubtract`. The elements of all
//! arguments are first converted to one element type, so `setunion(["a"], [1])` is `["1", "a"]`.

use super::support::unify_values;
use super::{FuncCtx, FuncError, FuncSpec, Param, strict};
use crate::config::value::Value;

pub(super) const FUNCTIONS: &[FuncSpec] = &[
    strict("setunion", &[Param::List], Some(Param::List), setunion),
    strict(
        "setintersection",
        &[Param::List],
        Some(Param::List),
        setintersection,
    ),
    strict(
        "setsubtract",
        &[Param::List, Param::List],
        None,
        setsubtract,
    ),
];

/// The arguments as sets of one element type (duplicates removed).
fn sets(func: &str, args: &[Value]) -> Result<Vec<Vec<Value>>, FuncError> {
    let lengths: Vec<usize> = args
        .iter()
        .map(|a| a.as_seq().map_or(0, <[Value]>::len))
        .collect();
    let all: Vec<Value> = args
        .iter()
        .flat_map(|a| a.as_seq().unwrap_or_default().iter().cloned())
        .collect();
    let mut all = unify_values(all).ok_or_else(|| {
        FuncError::new(format!(
            "{func}(): the given sets must all have elements of one type"
        ))
    })?;
    let mut out = Vec::with_capacity(lengths.len());
    for len in lengths {
        let rest = all.split_off(len);
        out.push(dedup(std::mem::replace(&mut all, rest)));
    }
    Ok(out)
}

fn dedup(items: Vec<Value>) -> Vec<Value> {
    match Value::set(items) {
        Value::Set(items) => items,
        _ => Vec::new(),
    }
}

fn setunion(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    Ok(Value::set(sets("setunion", &args)?.into_iter().flatten()))
}

fn setintersection(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let mut sets = sets("setintersection", &args)?.into_iter();
    let first = sets.next().unwrap_or_default();
    let others: Vec<Vec<Value>> = sets.collect();
    Ok(Value::set(first.into_iter().filter(|item| {
        others.iter().all(|set| set.contains(item))
    })))
}

fn setsubtract(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let mut sets = sets("setsubtract", &args)?.into_iter();
    let (first, second) = (
        sets.next().unwrap_or_default(),
        sets.next().unwrap_or_default(),
    );
    Ok(Value::set(
        first.into_iter().filter(|item| !second.contains(item)),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn set(items: &[&str]) -> Value {
        Value::set(items.iter().map(|s| Value::from(*s)))
    }

    #[test]
    fn setunion_examples() {
        // Documented: setunion(["a", "b"], ["b", "c"], ["d"]) = ["a", "b", "c", "d"] (as a set).
        assert_eq!(
            ok(
                "setunion",
                vec![strs(&["a", "b"]), strs(&["b", "c"]), strs(&["d"])]
            ),
            set(&["a", "b", "c", "d"])
        );
        assert_eq!(
            ok("setunion", vec![strs(&["b", "a", "b"])]),
            set(&["a", "b"])
        );
        assert_eq!(
            ok("setunion", vec![strs(&["a"]), nums(&[1.0])]),
            set(&["1", "a"])
        );
        let e = call_fn(
            "setunion",
            vec![strs(&["a"]), Value::List(vec![strs(&["b"])])],
        )
        .unwrap_err();
        assert!(
            e.message.starts_with("setunion(): the given sets"),
            "{}",
            e.message
        );
        assert_eq!(
            call_fn("setunion", vec![Value::from("a")]).unwrap_err().arg,
            Some(0)
        );
    }

    #[test]
    fn setintersection_examples() {
        // Documented: setintersection(["a", "b"], ["b", "c"], ["b", "d"]) = ["b"].
        assert_eq!(
            ok(
                "setintersection",
                vec![strs(&["a", "b"]), strs(&["b", "c"]), strs(&["b", "d"])]
            ),
            set(&["b"])
        );
        assert_eq!(
            ok("setintersection", vec![strs(&["a"]), strs(&["b"])]),
            set(&[])
        );
        assert_eq!(
            ok("setintersection", vec![strs(&["b", "a"])]),
            set(&["a", "b"])
        );
        assert_eq!(
            ok("setintersection", vec![nums(&[1.0, 2.0]), strs(&["2"])]),
            set(&["2"])
        );
        assert_eq!(call_fn("setintersection", vec![]).unwrap_err().arg, None);
    }

    #[test]
    fn setsubtract_examples() {
        // Documented: setsubtract(["a", "b", "c"], ["a", "c"]) = ["b"].
        assert_eq!(
            ok(
                "setsubtract",
                vec![strs(&["a", "b", "c"]), strs(&["a", "c"])]
            ),
            set(&["b"])
        );
        assert_eq!(
            ok("setsubtract", vec![strs(&["a"]), strs(&[])]),
            set(&["a"])
        );
        assert_eq!(
            ok(
                "setsubtract",
                vec![
                    Value::set(vec![Value::from(1.0), Value::from(2.0)]),
                    nums(&[2.0])
                ]
            ),
            Value::Set(vec![Value::from(1.0)])
        );
        let e = call_fn("setsubtract", vec![strs(&["a"]), Value::Null]).unwrap_err();
        assert_eq!(e.arg, Some(1));
    }
}
