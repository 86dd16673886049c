//! Helpers shared by the function modules: whole-number arguments, Terraform's unification of
//! element types (how `tolist(["a", 1])` becomes `["a", "1"]`), and short value descriptions for
//! error messages.

use std::collections::BTreeMap;

use super::{FuncError, article};
use crate::config::value::{Value, format_number, quote};

/// The elements of a list or set argument (the registry has checked the type).
pub(super) fn items(args: &[Value], i: usize) -> Vec<Value> {
    args.get(i)
        .and_then(Value::as_seq)
        .map(<[Value]>::to_vec)
        .unwrap_or_default()
}

/// `n` as an integer, when it is a whole number that fits Go's `int` (what Terraform requires of
/// indexes, counts and sizes).
pub(super) fn whole(n: f64) -> Option<i64> {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if n.fract() == 0.0 && (-LIMIT..LIMIT).contains(&n) {
        #[allow(clippy::cast_possible_truncation)]
        Some(n as i64)
    } else {
        None
    }
}

/// Argument `index` (already converted to a number) as a whole number, or an error naming `what`.
pub(super) fn whole_arg(
    func: &str,
    index: usize,
    arg: &Value,
    what: &str,
) -> Result<i64, FuncError> {
    let n = arg.as_number().unwrap_or(f64::NAN);
    whole(n).ok_or_else(|| {
        FuncError::arg(
            index,
            format!(
                "{func}(): {what} must be a whole number, not {}",
                describe(arg)
            ),
        )
    })
}

/// A short description of a value for messages: strings quoted (and shortened), numbers and bools
/// as written, collections by their kind.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => {
            const MAX: usize = 60;
            if s.chars().count() > MAX {
                let head: String = s.chars().take(MAX - 3).collect();
                let quoted = quote(&head);
                // Drop the closing quote: the string goes on.
                format!("{}...", &quoted[..quoted.len() - 1])
            } else {
                quote(s)
            }
        }
        Value::Number(n) => format_number(*n),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        Value::Unknown => "a value known only after apply".to_string(),
        other => article(other.type_name()),
    }
}

/// The elements of argument `index` of an unknown-aware function, which receives partly unknown
/// arguments unchecked: `Ok(None)` if the argument itself is unknown, an error if it is not a list.
pub(super) fn seq_arg<'a>(
    func: &str,
    index: usize,
    arg: &'a Value,
) -> Result<Option<&'a [Value]>, FuncError> {
    match arg {
        Value::Unknown => Ok(None),
        Value::List(items) | Value::Set(items) => Ok(Some(items)),
        other => Err(FuncError::arg(
            index,
            format!(
                "argument {} of {func}() must be a list, not {}",
                index + 1,
                article(other.type_name())
            ),
        )),
    }
}

/// Like [`seq_arg`], for a map or object argument.
pub(super) fn map_arg<'a>(
    func: &str,
    index: usize,
    arg: &'a Value,
) -> Result<Option<&'a BTreeMap<String, Value>>, FuncError> {
    match arg {
        Value::Unknown => Ok(None),
        Value::Map(map) => Ok(Some(map)),
        other => Err(FuncError::arg(
            index,
            format!(
                "argument {} of {func}() must be a map or object, not {}",
                index + 1,
                article(other.type_name())
            ),
        )),
    }
}

/// The elements of a list, tuple or set converted to strings as Terraform converts to
/// `list(string)`: numbers and bools are rendered, nulls stay `None`, anything else is an error
/// naming the element.
pub(super) fn strings_of(
    func: &str,
    index: usize,
    items: &[Value],
) -> Result<Vec<Option<String>>, FuncError> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Null => Ok(None),
            other => other.coerce_string().map(Some).ok_or_else(|| {
                FuncError::arg(
                    index,
                    format!(
                        "{func}(): element {i} of argument {} is {}, but a string is required",
                        index + 1,
                        describe(other)
                    ),
                )
            }),
        })
        .collect()
}

/// The structural type of a value, as far as Terraform's type unification needs it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Shape {
    /// Null or unknown: fits anything.
    Any,
    String,
    Number,
    Bool,
    Tuple(Vec<Shape>),
    List(Box<Shape>),
    Set(Box<Shape>),
    Object(BTreeMap<String, Shape>),
    Map(Box<Shape>),
}

impl Shape {
    fn is_primitive(&self) -> bool {
        matches!(self, Shape::String | Shape::Number | Shape::Bool)
    }

    fn is_sequence(&self) -> bool {
        matches!(self, Shape::Tuple(_) | Shape::List(_) | Shape::Set(_))
    }

    fn is_mapping(&self) -> bool {
        matches!(self, Shape::Object(_) | Shape::Map(_))
    }

    /// The shapes of the elements of a sequence or the values of a mapping.
    fn element_shapes(&self) -> Vec<Shape> {
        match self {
            Shape::Tuple(items) => items.clone(),
            Shape::Object(attrs) => attrs.values().cloned().collect(),
            Shape::List(e) | Shape::Set(e) | Shape::Map(e) => vec![(**e).clone()],
            _ => Vec::new(),
        }
    }
}

/// The shape of `value`.
pub(super) fn shape_of(value: &Value) -> Shape {
    match value {
        Value::Null | Value::Unknown => Shape::Any,
        Value::String(_) => Shape::String,
        Value::Number(_) => Shape::Number,
        Value::Bool(_) => Shape::Bool,
        Value::List(items) => Shape::Tuple(items.iter().map(shape_of).collect()),
        Value::Set(items) => Shape::Set(Box::new(
            unify(items.iter().map(shape_of)).unwrap_or(Shape::Any),
        )),
        Value::Map(map) => {
            Shape::Object(map.iter().map(|(k, v)| (k.clone(), shape_of(v))).collect())
        }
    }
}

/// The single shape all of `shapes` convert to, as Terraform's type unification finds it: mixed
/// primitives become strings, objects with different attributes become maps, tuples of different
/// lengths become lists; `None` when there is no such shape (a string and an object, say).
pub(super) fn unify(shapes: impl IntoIterator<Item = Shape>) -> Option<Shape> {
    unify_all(shapes.into_iter().collect())
}

fn unify_all(shapes: Vec<Shape>) -> Option<Shape> {
    let shapes: Vec<Shape> = shapes.into_iter().filter(|s| *s != Shape::Any).collect();
    let Some(first) = shapes.first() else {
        return Some(Shape::Any);
    };
    if shapes.iter().all(|s| s == first) {
        return Some(first.clone());
    }
    if shapes.iter().all(Shape::is_primitive) {
        return Some(Shape::String);
    }
    if shapes.iter().all(Shape::is_mapping) {
        let objects: Vec<&BTreeMap<String, Shape>> = shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Object(attrs) => Some(attrs),
                _ => None,
            })
            .collect();
        let same_keys =
            objects.len() == shapes.len() && objects.iter().all(|o| o.keys().eq(objects[0].keys()));
        if same_keys {
            let mut attrs = BTreeMap::new();
            for key in objects[0].keys() {
                let column = objects.iter().filter_map(|o| o.get(key).cloned()).collect();
                attrs.insert(key.clone(), unify_all(column)?);
            }
            return Some(Shape::Object(attrs));
        }
        let element = unify_all(shapes.iter().flat_map(Shape::element_shapes).collect())?;
        return Some(Shape::Map(Box::new(element)));
    }
    if shapes.iter().all(Shape::is_sequence) {
        let tuples: Vec<&Vec<Shape>> = shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Tuple(items) => Some(items),
                _ => None,
            })
            .collect();
        if tuples.len() == shapes.len() && tuples.iter().all(|t| t.len() == tuples[0].len()) {
            let items = (0..tuples[0].len())
                .map(|i| unify_all(tuples.iter().map(|t| t[i].clone()).collect()))
                .collect::<Option<Vec<_>>>()?;
            return Some(Shape::Tuple(items));
        }
        let element = unify_all(shapes.iter().flat_map(Shape::element_shapes).collect())?;
        if shapes.iter().all(|s| matches!(s, Shape::Set(_))) {
            return Some(Shape::Set(Box::new(element)));
        }
        return Some(Shape::List(Box::new(element)));
    }
    None
}

/// Converts `value` to `shape` (which it must unify with): numbers and bools become strings where a
/// string is wanted, sets become lists where a list is wanted, and so on inside collections.
pub(super) fn convert(value: Value, shape: &Shape) -> Value {
    match (shape, value) {
        (Shape::String, Value::Number(n)) => Value::String(format_number(n)),
        (Shape::String, Value::Bool(b)) => Value::String(b.to_string()),
        (Shape::Tuple(shapes), Value::List(items)) if shapes.len() == items.len() => Value::List(
            items
                .into_iter()
                .zip(shapes)
                .map(|(v, s)| convert(v, s))
                .collect(),
        ),
        (Shape::List(element), Value::List(items) | Value::Set(items)) => {
            Value::List(items.into_iter().map(|v| convert(v, element)).collect())
        }
        (Shape::Set(element), Value::List(items) | Value::Set(items)) => {
            Value::set(items.into_iter().map(|v| convert(v, element)))
        }
        (Shape::Object(shapes), Value::Map(map)) => Value::Map(
            map.into_iter()
                .map(|(k, v)| {
                    let v = match shapes.get(&k) {
                        Some(s) => convert(v, s),
                        None => v,
                    };
                    (k, v)
                })
                .collect(),
        ),
        (Shape::Map(element), Value::Map(map)) => Value::Map(
            map.into_iter()
                .map(|(k, v)| (k, convert(v, element)))
                .collect(),
        ),
        (_, value) => value,
    }
}

/// Converts all of `items` to their unified shape, as Terraform does when it turns a tuple into a
/// list (or the elements of several lists into one element type); `None` if they do not unify.
pub(super) fn unify_values(items: Vec<Value>) -> Option<Vec<Value>> {
    let shape = unify(items.iter().map(shape_of))?;
    Some(items.into_iter().map(|v| convert(v, &shape)).collect())
}

/// The elements of argument `index` converted as Terraform converts a tuple to `list(any)`: all to
/// one element type, or an error naming the clash.
pub(super) fn list_any(
    func: &str,
    index: usize,
    items: Vec<Value>,
) -> Result<Vec<Value>, FuncError> {
    let why = clash(&items);
    unify_values(items).ok_or_else(|| {
        FuncError::arg(
            index,
            format!(
                "{func}(): all elements of argument {} must have the same type, but they mix {why}",
                index + 1
            ),
        )
    })
}

/// A name for a shape in messages ("a string", "an object").
pub(super) fn shape_name(shape: &Shape) -> &'static str {
    match shape {
        Shape::Any => "null",
        Shape::String => "a string",
        Shape::Number => "a number",
        Shape::Bool => "a bool",
        Shape::Tuple(_) | Shape::List(_) => "a list",
        Shape::Set(_) => "a set",
        Shape::Object(_) | Shape::Map(_) => "an object",
    }
}

/// Why `items` do not unify, naming the first two element kinds that clash, e.g.
/// "a string and an object".
pub(super) fn clash(items: &[Value]) -> String {
    let mut kinds: Vec<&'static str> = Vec::new();
    for item in items {
        let name = shape_name(&shape_of(item));
        if name != "null" && !kinds.contains(&name) {
            kinds.push(name);
        }
    }
    match kinds.as_slice() {
        [a, b, ..] => format!("{a} and {b}"),
        _ => "elements of different structure".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers() {
        assert_eq!(whole(3.0), Some(3));
        assert_eq!(whole(-2.0), Some(-2));
        assert_eq!(whole(2.5), None);
        assert_eq!(whole(1e300), None);
        assert_eq!(whole(f64::NAN), None);
    }

    #[test]
    fn primitives_unify_to_string() {
        let out = unify_values(vec!["a".into(), Value::from(1.0), Value::Bool(true)]).unwrap();
        assert_eq!(out, vec![Value::from("a"), "1".into(), "true".into()]);
        // Same-typed values are left alone.
        let nums = unify_values(vec![Value::from(1.0), Value::Null]).unwrap();
        assert_eq!(nums, vec![Value::from(1.0), Value::Null]);
    }

    #[test]
    fn objects_with_different_keys_unify_to_maps() {
        let a = Value::map([("a", Value::from(1.0))]);
        let b = Value::map([("b", Value::from("x"))]);
        let out = unify_values(vec![a, b]).unwrap();
        assert_eq!(out[0], Value::map([("a", Value::from("1"))]));
        assert_eq!(out[1], Value::map([("b", Value::from("x"))]));
    }

    #[test]
    fn strings_and_objects_do_not_unify() {
        let items = vec![Value::from("a"), Value::map([("b", Value::from(1.0))])];
        assert!(unify_values(items.clone()).is_none());
        assert_eq!(clash(&items), "a string and an object");
    }

    #[test]
    fn descriptions_are_short() {
        assert_eq!(describe(&Value::from("x")), "\"x\"");
        assert_eq!(describe(&Value::List(vec![])), "a list");
        assert_eq!(describe(&Value::Map(BTreeMap::new())), "an object");
        let long = "y".repeat(100);
        assert!(describe(&Value::from(long.as_str())).ends_with("..."));
    }

    #[test]
    fn every_function_survives_odd_arguments() {
        let pool = vec![
            Value::Null,
            Value::Unknown,
            Value::Bool(true),
            Value::from(-1.0),
            Value::from(1.5),
            Value::from(1e300),
            Value::from(""),
            Value::from("%[2]*x/(/"),
            Value::from("10.0.0.0/8"),
            Value::List(vec![Value::from("a"), Value::from(1.0), Value::Unknown]),
            Value::map([("k", Value::List(vec![Value::from("x")]))]),
            Value::set(vec![Value::from(2.0), Value::from("b")]),
        ];
        let mut calls = 0;
        for spec in super::super::all() {
            let mut args: Vec<Vec<Value>> = vec![vec![]];
            for _ in 0..3 {
                let longer: Vec<Vec<Value>> = args
                    .iter()
                    .filter(|a| a.len() == args.last().map_or(0, Vec::len))
                    .flat_map(|a| {
                        pool.iter().map(move |v| {
                            let mut a = a.clone();
                            a.push(v.clone());
                            a
                        })
                    })
                    .collect();
                args.extend(longer);
            }
            for a in args {
                calls += 1;
                let result = std::panic::catch_unwind(|| {
                    super::super::testing::call_fn(spec.name, a.clone())
                });
                assert!(result.is_ok(), "{}() panicked with {a:?}", spec.name);
            }
        }
        // Every function was tried with up to three arguments from the pool.
        let per_function = 1 + pool.len() + pool.len().pow(2) + pool.len().pow(3);
        assert_eq!(calls, super::super::all().count() * per_function);
    }
}
