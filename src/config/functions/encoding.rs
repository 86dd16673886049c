//! Terraform's encoding functions: `jsonencode`/`jsondecode` (with Go's escaping and Terraform's
//! number rendering), `base64encode`/`base64decode` and `urlencode` (`yamlencode` is in `yaml.rs`).

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::{DecodePaddingMode, general_purpose};
use serde::de::{self, Error as _};

use super::support::describe;
use super::{FuncCtx, FuncError, FuncSpec, Param, simple};
use crate::config::value::{Value, format_number};

pub(super) const FUNCTIONS: &[FuncSpec] = &[
    simple("jsonencode", &[Param::Any], jsonencode),
    simple("jsondecode", &[Param::String], jsondecode),
    simple("base64encode", &[Param::String], base64encode),
    simple("base64decode", &[Param::String], base64decode),
    simple("urlencode", &[Param::String], urlencode),
];

fn text(args: &[Value]) -> &str {
    args.first().and_then(Value::as_str).unwrap_or_default()
}

/// `value` as compact JSON the way Terraform writes it: object keys sorted, integers without a
/// fraction, and `<`, `>`, `&`, U+2028 and U+2029 escaped as Go's `encoding/json` does. `None` if
/// any part of the value is unknown.
pub(super) fn json_encode(value: &Value) -> Option<String> {
    let mut out = String::new();
    write_json(value, &mut out)?;
    Some(out)
}

fn write_json(value: &Value, out: &mut String) -> Option<()> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&format_number(*n)),
        Value::String(s) => json_string(s, out),
        Value::List(items) | Value::Set(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(k, out);
                out.push(':');
                write_json(v, out)?;
            }
            out.push('}');
        }
        Value::Unknown => return None,
    }
    Some(())
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn jsonencode(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    json_encode(&args[0])
        .map(Value::String)
        .ok_or_else(|| FuncError::arg(0, "jsonencode(): the value is not known yet"))
}

/// Builds a [`Value`] straight from JSON, so that duplicate object keys can be rejected as
/// Terraform rejects them.
struct JsonValue(Value);

impl<'de> de::Deserialize<'de> for JsonValue {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor).map(JsonValue)
    }
}

struct JsonVisitor;

impl<'de> de::Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n as f64))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n as f64))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Value::Number(n))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::from(s))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(JsonValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::List(items))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let JsonValue(v) = map.next_value()?;
            if out.contains_key(&key) {
                return Err(A::Error::custom(format!(
                    "duplicate \"{key}\" property in JSON object"
                )));
            }
            out.insert(key, v);
        }
        Ok(Value::Map(out))
    }
}

/// `jsondecode(string)`: objects become maps, arrays lists, numbers numbers.
fn jsondecode(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    serde_json::from_str::<JsonValue>(text(&args))
        .map(|JsonValue(v)| v)
        .map_err(|e| {
            FuncError::arg(
                0,
                format!("jsondecode(): the string is not valid JSON: {e}"),
            )
        })
}

fn base64encode(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    Ok(Value::String(STANDARD.encode(text(&args))))
}

/// Go's `base64.StdEncoding`: padding required, line breaks ignored, stray trailing bits allowed.
const GO_STD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// Decodes standard base64 as Go does.
pub(super) fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let cleaned: String = s.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
    GO_STD.decode(cleaned).ok()
}

fn base64decode(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let bytes = decode_base64(text(&args)).ok_or_else(|| {
        FuncError::arg(
            0,
            format!(
                "base64decode(): failed to decode base64 data {}",
                describe(&args[0])
            ),
        )
    })?;
    String::from_utf8(bytes).map(Value::String).map_err(|_| {
        FuncError::arg(
            0,
            "base64decode(): the result of decoding the provided string is not valid UTF-8; \
             Terraform strings must be UTF-8",
        )
    })
}

/// Go's `url.QueryEscape`: unreserved characters stay, spaces become `+`, the rest is `%XX`.
fn urlencode(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let mut out = String::new();
    for b in text(&args).bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    Ok(Value::String(out))
}

/// Standard base64 with padding, for the hash and file modules.
pub(super) fn encode_base64(bytes: &[u8]) -> String {
    general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn jsonencode_matches_terraform() {
        // Documented: jsonencode({"hello"="world"}) = {"hello":"world"}.
        assert_eq!(
            ok("jsonencode", vec![Value::map([("hello", s("world"))])]),
            s(r#"{"hello":"world"}"#)
        );
        let v = Value::map([
            (
                "b",
                Value::List(vec![Value::from(1.0), Value::from(2.5), Value::Null]),
            ),
            ("a", Value::Bool(true)),
            ("c", Value::map::<&str>([])),
        ]);
        assert_eq!(
            ok("jsonencode", vec![v]),
            s(r#"{"a":true,"b":[1,2.5,null],"c":{}}"#)
        );
        assert_eq!(
            ok("jsonencode", vec![s("<b>&\"\n\u{1}\u{8}")]),
            s(r#""\u003cb\u003e\u0026\"\n\u0001\b""#)
        );
        assert_eq!(
            ok("jsonencode", vec![Value::from(1e21)]),
            s("1000000000000000000000")
        );
        assert_eq!(ok("jsonencode", vec![Value::from(1.5e-7)]), s("0.00000015"));
        assert_eq!(ok("jsonencode", vec![Value::Null]), s("null"));
        let e = call_fn("jsonencode", vec![Value::Null, Value::Null]).unwrap_err();
        assert_eq!(e.arg, None);
        assert_eq!(
            e.message,
            "jsonencode() takes exactly 1 argument, but 2 were given"
        );
        assert_eq!(
            ok("jsonencode", vec![Value::set(vec![s("b"), s("a")])]),
            s(r#"["a","b"]"#)
        );
        assert_eq!(ok("jsonencode", vec![s("☃ \u{2028}")]), s("\"☃ \\u2028\""));
        assert_eq!(
            call_fn("jsonencode", vec![Value::List(vec![Value::Unknown])]).unwrap(),
            Value::Unknown
        );
    }

    #[test]
    fn jsondecode_builds_values() {
        // Documented: jsondecode("{\"hello\": \"world\"}") = { hello = "world" }; jsondecode("true").
        assert_eq!(
            ok("jsondecode", vec![s(r#"{"hello": "world"}"#)]),
            Value::map([("hello", s("world"))])
        );
        assert_eq!(ok("jsondecode", vec![s("true")]), Value::Bool(true));
        assert_eq!(
            ok("jsondecode", vec![s(r#"[1, 2.5, "x", null, {"a": []}]"#)]),
            Value::List(vec![
                Value::from(1.0),
                Value::from(2.5),
                s("x"),
                Value::Null,
                Value::map([("a", Value::List(vec![]))]),
            ])
        );
        let e = call_fn("jsondecode", vec![s("{")]).unwrap_err();
        assert_eq!(e.arg, Some(0));
        assert!(
            e.message
                .starts_with("jsondecode(): the string is not valid JSON"),
            "{}",
            e.message
        );
        let e = call_fn("jsondecode", vec![s(r#"{"a": 1, "a": 2}"#)]).unwrap_err();
        assert!(
            e.message.contains("duplicate \"a\" property"),
            "{}",
            e.message
        );
        assert!(call_fn("jsondecode", vec![s("1 2")]).is_err());
        // Deep nesting is refused, not a stack overflow.
        assert!(call_fn("jsondecode", vec![s(&"[".repeat(10_000))]).is_err());
    }

    #[test]
    fn base64_round_trip() {
        // Documented: base64encode("Hello World") = "SGVsbG8gV29ybGQ="; base64decode reverses it.
        assert_eq!(
            ok("base64encode", vec![s("Hello World")]),
            s("SGVsbG8gV29ybGQ=")
        );
        assert_eq!(
            ok("base64decode", vec![s("SGVsbG8gV29ybGQ=")]),
            s("Hello World")
        );
        assert_eq!(
            ok("base64decode", vec![s("SGVsbG8g\nV29ybGQ=")]),
            s("Hello World")
        );
        assert_eq!(ok("base64encode", vec![s("")]), s(""));
        assert_eq!(ok("base64encode", vec![s("☃")]), s("4piD"));
        let e = call_fn("base64encode", vec![Value::List(vec![])]).unwrap_err();
        assert_eq!(e.arg, Some(0));
        assert_eq!(
            e.message,
            "argument 1 of base64encode() must be a string, not a list"
        );
        let e = call_fn("base64decode", vec![s("SGVsbG8gV29ybGQ")]).unwrap_err();
        assert_eq!(e.arg, Some(0));
        assert!(
            e.message
                .contains("failed to decode base64 data \"SGVsbG8gV29ybGQ\""),
            "{}",
            e.message
        );
        let e = call_fn("base64decode", vec![s("/w==")]).unwrap_err();
        assert!(e.message.contains("not valid UTF-8"), "{}", e.message);
        assert!(call_fn("base64decode", vec![s("a*==")]).is_err());
    }

    #[test]
    fn urlencode_is_query_escaping() {
        // Documented: urlencode("Hello World!") = "Hello+World%21"; urlencode("☃") = "%E2%98%83";
        // urlencode("foo:bar@localhost?foo=bar&bar=baz") = "foo%3Abar%40localhost%3Ffoo%3Dbar%26bar%3Dbaz".
        assert_eq!(
            ok("urlencode", vec![s("Hello World!")]),
            s("Hello+World%21")
        );
        assert_eq!(ok("urlencode", vec![s("☃")]), s("%E2%98%83"));
        assert_eq!(
            ok("urlencode", vec![s("foo:bar@localhost?foo=bar&bar=baz")]),
            s("foo%3Abar%40localhost%3Ffoo%3Dbar%26bar%3Dbaz")
        );
        assert_eq!(ok("urlencode", vec![s("a-b_c.d~e")]), s("a-b_c.d~e"));
        assert_eq!(
            call_fn("urlencode", vec![Value::List(vec![])])
                .unwrap_err()
                .arg,
            Some(0)
        );
    }
}
