//! The runtime value of HCL expressions, with Terraform's conversions and a value for "known after apply".
//!
//! The model follows Terraform's cty closely enough for configurations to behave the same: lists and
//! tuples share [`Value::List`], maps and objects share [`Value::Map`] (keys sorted, as Terraform
//! iterates them), sets keep their elements unique in Terraform's canonical order, and
//! [`Value::Unknown`] stands for a value only Azure can tell (a principal id, an FQDN).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

/// A value produced by evaluating an expression.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// Any number; Terraform's arbitrary precision is not needed for infrastructure configs.
    Number(f64),
    /// A string.
    String(String),
    /// A list or tuple.
    List(Vec<Value>),
    /// A set: unique elements in canonical order (see [`Value::set`]).
    Set(Vec<Value>),
    /// A map or object, keys in lexical order.
    Map(BTreeMap<String, Value>),
    /// A value that is not known until apply.
    Unknown,
}

impl Value {
    /// A string value.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// A set from any elements: duplicates removed, canonical order (numbers ascending, then strings
    /// lexically, then everything else by its rendering).
    pub fn set(items: impl IntoIterator<Item = Value>) -> Value {
        let mut items: Vec<Value> = items.into_iter().collect();
        items.sort_by(canonical_cmp);
        items.dedup();
        Value::Set(items)
    }

    /// A map from pairs.
    pub fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The Terraform type name used in messages: `string`, `number`, `bool`, `list`, `set`,
    /// `object`, `null`, or `unknown`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Map(_) => "object",
            Value::Unknown => "unknown",
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether this value itself is unknown (not looking inside collections).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// Whether this value and everything inside it is known.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(items) | Value::Set(items) => items.iter().all(Value::is_wholly_known),
            Value::Map(map) => map.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The bool, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The elements of a list, tuple or set.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) | Value::Set(items) => Some(items),
            _ => None,
        }
    }

    /// The entries of a map or object.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Attribute `name` of an object, if this is an object that has it.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(name))
    }

    /// Converts to a string the way Terraform does for a `string` parameter: numbers and bools are
    /// rendered, strings pass through; anything else is `None`.
    pub fn coerce_string(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(format_number(*n)),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Converts to a number the way Terraform does: numbers pass through, strings are parsed.
    pub fn coerce_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::String(s) => parse_number(s),
            _ => None,
        }
    }

    /// Converts to a bool the way Terraform does: bools pass through, `"true"`/`"false"` are parsed.
    pub fn coerce_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// Whether a value is truthy in Terraform's sense of a `bool` condition (after coercion).
    pub fn truthy(&self) -> Option<bool> {
        self.coerce_bool()
    }
}

/// Parses a number the way Terraform converts a string to a number (decimal, optional sign,
/// fraction and exponent; no hex, no surrounding whitespace).
pub fn parse_number(s: &str) -> Option<f64> {
    let bytes = s.as_bytes();
    if bytes.is_empty()
        || !bytes
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    let n: f64 = s.parse().ok()?;
    n.is_finite().then_some(n)
}

/// Renders a number as Terraform does: integers without a fraction, others in the shortest form
/// that round-trips.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e21 {
        // Integral: print without ".0" (and without "-0").
        let r = if n == 0.0 { 0.0 } else { n };
        format!("{r:.0}")
    } else {
        format!("{n}")
    }
}

/// Terraform's canonical order for set elements and sorting: numbers ascending, then strings
/// lexically, then bools, then everything else by rendering.
pub fn canonical_cmp(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Number(_) => 0,
            Value::String(_) => 1,
            Value::Bool(_) => 2,
            Value::Null => 3,
            Value::List(_) | Value::Set(_) => 4,
            Value::Map(_) => 5,
            Value::Unknown => 6,
        }
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.total_cmp(y),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => rank(a)
            .cmp(&rank(b))
            .then_with(|| a.to_string().cmp(&b.to_string())),
    }
}

impl fmt::Display for Value {
    /// Renders the value in HCL syntax, e.g. `["a", 1]` or `{ a = true }`; unknown values show as
    /// `(known after apply)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => f.write_str(&format_number(*n)),
            Value::String(s) => write!(f, "{}", quote(s)),
            Value::List(items) | Value::Set(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Value::Map(map) => {
                if map.is_empty() {
                    return f.write_str("{}");
                }
                f.write_str("{ ")?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if is_identifier(k) {
                        write!(f, "{k} = {v}")?;
                    } else {
                        write!(f, "{} = {v}", quote(k))?;
                    }
                }
                f.write_str(" }")
            }
            Value::Unknown => f.write_str("(known after apply)"),
        }
    }
}

pub use crate::addr::quote;

/// Whether `s` is a valid HCL identifier.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<i64> for Value {
    #[allow(clippy::cast_precision_loss)]
    fn from(n: i64) -> Self {
        Value::Number(n as f64)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::List(items)
    }
}

impl From<BTreeMap<String, Value>> for Value {
    fn from(map: BTreeMap<String, Value>) -> Self {
        Value::Map(map)
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(items) => {
                Value::List(items.into_iter().map(Value::from).collect())
            }
            serde_json::Value::Object(map) => {
                Value::Map(map.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        }
    }
}

impl Value {
    /// Converts to JSON; `None` when the value is not wholly known.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        Some(match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
                    #[allow(clippy::cast_possible_truncation)]
                    serde_json::Value::from(*n as i64)
                } else {
                    serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, Into::into)
                }
            }
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::List(items) | Value::Set(items) => serde_json::Value::Array(
                items
                    .iter()
                    .map(Value::to_json)
                    .collect::<Option<Vec<_>>>()?,
            ),
            Value::Map(map) => serde_json::Value::Object(
                map.iter()
                    .map(|(k, v)| v.to_json().map(|v| (k.clone(), v)))
                    .collect::<Option<serde_json::Map<_, _>>>()?,
            ),
            Value::Unknown => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_render_like_terraform() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(0.1), "0.1");
        assert_eq!(format_number(1e20), "100000000000000000000");
        assert_eq!(format_number(2.5), "2.5");
    }

    #[test]
    fn numbers_parse_like_terraform() {
        assert_eq!(parse_number("5"), Some(5.0));
        assert_eq!(parse_number("-1.5e2"), Some(-150.0));
        assert_eq!(parse_number(" 5"), None);
        assert_eq!(parse_number("0x10"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn sets_are_unique_and_ordered() {
        let s = Value::set(vec!["b".into(), "a".into(), "b".into()]);
        assert_eq!(s, Value::Set(vec!["a".into(), "b".into()]));
        let n = Value::set(vec![Value::from(10.0), Value::from(2.0)]);
        assert_eq!(n, Value::Set(vec![Value::from(2.0), Value::from(10.0)]));
    }

    #[test]
    fn display_is_hcl() {
        let v = Value::map([
            ("a", Value::List(vec![Value::from(1.0), "x".into()])),
            ("b-c", Value::Null),
            ("d e", Value::Unknown),
        ]);
        assert_eq!(
            v.to_string(),
            r#"{ a = [1, "x"], b-c = null, "d e" = (known after apply) }"#
        );
    }

    #[test]
    fn coercions() {
        assert_eq!(Value::from(1.5).coerce_string().as_deref(), Some("1.5"));
        assert_eq!(Value::from("12").coerce_number(), Some(12.0));
        assert_eq!(Value::from("true").coerce_bool(), Some(true));
        assert_eq!(Value::from("yes").coerce_bool(), None);
    }

    #[test]
    fn wholly_known_looks_inside() {
        assert!(Value::List(vec![Value::Null]).is_wholly_known());
        assert!(!Value::map([("a", Value::Unknown)]).is_wholly_known());
    }

    #[test]
    fn json_round_trip() {
        let j = serde_json::json!({"a": [1, 2.5, "x", null, true]});
        let v = Value::from(j.clone());
        assert_eq!(v.to_json(), Some(j));
        assert_eq!(Value::Unknown.to_json(), None);
    }
}
