//! Variable type constraints (`list(string)`, `object({ a = optional(number, 1) })`, ...) and
//! Terraform's conversion of values to them.

use std::collections::BTreeMap;
use std::fmt;

use hcl_edit::expr::{Expression, ObjectKey};

use super::value::{Value, canonical_cmp};

/// A type constraint as written in a `variable` block.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum TypeConstraint {
    /// `any` (or no `type`).
    #[default]
    Any,
    /// `string`.
    String,
    /// `number`.
    Number,
    /// `bool`.
    Bool,
    /// `list(T)`.
    List(Box<TypeConstraint>),
    /// `set(T)`.
    Set(Box<TypeConstraint>),
    /// `map(T)`.
    Map(Box<TypeConstraint>),
    /// `object({...})`.
    Object(BTreeMap<String, ObjectAttr>),
    /// `tuple([...])`.
    Tuple(Vec<TypeConstraint>),
}

/// One attribute of an object type.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectAttr {
    /// Its type.
    pub ty: TypeConstraint,
    /// Declared with `optional(...)`.
    pub optional: bool,
    /// The second argument of `optional(T, default)`.
    pub default: Option<Value>,
}

impl fmt::Display for TypeConstraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeConstraint::Any => f.write_str("any"),
            TypeConstraint::String => f.write_str("string"),
            TypeConstraint::Number => f.write_str("number"),
            TypeConstraint::Bool => f.write_str("bool"),
            TypeConstraint::List(t) => write!(f, "list({t})"),
            TypeConstraint::Set(t) => write!(f, "set({t})"),
            TypeConstraint::Map(t) => write!(f, "map({t})"),
            TypeConstraint::Tuple(ts) => {
                f.write_str("tuple([")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
            TypeConstraint::Object(attrs) => {
                f.write_str("object({")?;
                for (i, (name, attr)) in attrs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    if attr.optional {
                        write!(f, " {name} = optional({})", attr.ty)?;
                    } else {
                        write!(f, " {name} = {}", attr.ty)?;
                    }
                }
                f.write_str(" })")
            }
        }
    }
}

/// Why a type expression is not a valid type constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    /// What is wrong.
    pub message: String,
    /// Byte range of the offending part.
    pub range: Option<std::ops::Range<usize>>,
}

/// Parses a type constraint expression.
///
/// # Errors
///
/// Returns what is wrong and where when the expression is not a type.
pub fn parse_type(expr: &Expression) -> Result<TypeConstraint, TypeError> {
    parse(expr, false)
}

fn parse(expr: &Expression, in_object: bool) -> Result<TypeConstraint, TypeError> {
    use hcl_edit::Span as _;
    let err = |message: String| TypeError {
        message,
        range: expr.span(),
    };
    match expr {
        Expression::Variable(v) => match v.value().as_str() {
            "any" => Ok(TypeConstraint::Any),
            "string" => Ok(TypeConstraint::String),
            "number" => Ok(TypeConstraint::Number),
            "bool" => Ok(TypeConstraint::Bool),
            "list" => Ok(TypeConstraint::List(Box::new(TypeConstraint::Any))),
            "set" => Ok(TypeConstraint::Set(Box::new(TypeConstraint::Any))),
            "map" => Ok(TypeConstraint::Map(Box::new(TypeConstraint::Any))),
            other => Err(err(format!(
                "{other:?} is not a type; use string, number, bool, any, list(T), set(T), \
                 map(T), object({{...}}) or tuple([...])"
            ))),
        },
        Expression::String(s) => Err(err(format!(
            "quoted type constraints are not allowed; write {} without quotes",
            match s.value().as_str() {
                "list" => "list(string)",
                "map" => "map(string)",
                other => other,
            }
        ))),
        Expression::FuncCall(call) => {
            let name = call.name.name.value().as_str();
            let args: Vec<&Expression> = call.args.iter().collect();
            let one = |what: &str| -> Result<&Expression, TypeError> {
                match args.as_slice() {
                    [a] => Ok(*a),
                    _ => Err(err(format!("{what}(...) takes exactly one type argument"))),
                }
            };
            match name {
                "list" => Ok(TypeConstraint::List(Box::new(parse(one("list")?, false)?))),
                "set" => Ok(TypeConstraint::Set(Box::new(parse(one("set")?, false)?))),
                "map" => Ok(TypeConstraint::Map(Box::new(parse(one("map")?, false)?))),
                "tuple" => match one("tuple")? {
                    Expression::Array(items) => Ok(TypeConstraint::Tuple(
                        items
                            .iter()
                            .map(|i| parse(i, false))
                            .collect::<Result<_, _>>()?,
                    )),
                    _ => Err(err(
                        "tuple(...) takes a list of types: tuple([string, number])".into(),
                    )),
                },
                "object" => match one("object")? {
                    Expression::Object(obj) => {
                        let mut attrs = BTreeMap::new();
                        for (key, value) in obj.iter() {
                            let name = match key {
                                ObjectKey::Ident(i) => i.value().to_string(),
                                ObjectKey::Expression(Expression::String(s)) => {
                                    s.value().to_string()
                                }
                                ObjectKey::Expression(e) => {
                                    return Err(TypeError {
                                        message: "object attribute names must be names or strings"
                                            .into(),
                                        range: e.span(),
                                    });
                                }
                            };
                            let attr = parse_object_attr(value.expr())?;
                            attrs.insert(name, attr);
                        }
                        Ok(TypeConstraint::Object(attrs))
                    }
                    _ => Err(err(
                        "object(...) takes an object of attribute types: object({ name = string })"
                            .into(),
                    )),
                },
                "optional" if !in_object => Err(err(
                    "optional(...) is only allowed for an attribute of an object type".into(),
                )),
                other => Err(err(format!("{other}(...) is not a type constructor"))),
            }
        }
        _ => Err(err(
            "not a type; use string, number, bool, any, list(T), set(T), map(T), object({...}) or \
             tuple([...])"
                .into(),
        )),
    }
}

fn parse_object_attr(expr: &Expression) -> Result<ObjectAttr, TypeError> {
    use hcl_edit::Span as _;
    if let Expression::FuncCall(call) = expr
        && call.name.name.value().as_str() == "optional"
    {
        let args: Vec<&Expression> = call.args.iter().collect();
        let (ty, default) = match args.as_slice() {
            [t] => (parse(t, true)?, None),
            [t, d] => {
                let ty = parse(t, true)?;
                let value = const_value(d).ok_or_else(|| TypeError {
                    message: "the default of optional(...) must be a constant value".into(),
                    range: d.span(),
                })?;
                let mut warnings = Vec::new();
                let value = convert(&value, &ty, &mut warnings).map_err(|e| TypeError {
                    message: format!("the default of optional(...) does not fit its type: {e}"),
                    range: d.span(),
                })?;
                (ty, Some(value))
            }
            _ => {
                return Err(TypeError {
                    message: "optional(...) takes a type and an optional default".into(),
                    range: expr.span(),
                });
            }
        };
        return Ok(ObjectAttr {
            ty,
            optional: true,
            default,
        });
    }
    Ok(ObjectAttr {
        ty: parse(expr, true)?,
        optional: false,
        default: None,
    })
}

/// The value of a constant expression (literals, lists and objects of literals, negative numbers).
pub fn const_value(expr: &Expression) -> Option<Value> {
    Some(match expr {
        Expression::Null(_) => Value::Null,
        Expression::Bool(b) => Value::Bool(*b.value()),
        Expression::Number(n) => Value::Number(n.value().as_f64()?),
        Expression::String(s) => Value::String(s.value().to_string()),
        Expression::Array(items) => {
            Value::List(items.iter().map(const_value).collect::<Option<_>>()?)
        }
        Expression::Object(obj) => Value::Map(
            obj.iter()
                .map(|(k, v)| {
                    let key = match k {
                        ObjectKey::Ident(i) => i.value().to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                        ObjectKey::Expression(_) => return None,
                    };
                    Some((key, const_value(v.expr())?))
                })
                .collect::<Option<_>>()?,
        ),
        Expression::UnaryOp(u)
            if matches!(u.operator.value(), hcl_edit::expr::UnaryOperator::Neg) =>
        {
            Value::Number(-const_value(&u.expr)?.as_number()?)
        }
        Expression::Parenthesis(p) => const_value(p.inner())?,
        _ => return None,
    })
}

/// A value that does not fit a type; `path` locates the offending part (`.subnets[1].cidr`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    /// Where inside the value, empty for the value itself.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at {}: {}", self.path, self.message)
        }
    }
}

/// Converts `value` to `ty` with Terraform's rules: numbers and bools become strings where a
/// string is wanted, numeric strings become numbers, `"true"`/`"false"` become bools, tuples become
/// lists, optional object attributes get their defaults. Attributes an object type does not
/// declare are dropped, with a warning pushed to `warnings`.
///
/// # Errors
///
/// Returns the first part of the value that does not fit.
pub fn convert(
    value: &Value,
    ty: &TypeConstraint,
    warnings: &mut Vec<String>,
) -> Result<Value, ConvertError> {
    convert_at(value, ty, String::new(), warnings)
}

fn convert_at(
    value: &Value,
    ty: &TypeConstraint,
    path: String,
    warnings: &mut Vec<String>,
) -> Result<Value, ConvertError> {
    if matches!(value, Value::Null | Value::Unknown) {
        return Ok(value.clone());
    }
    let fail = |path: &str, message: String| ConvertError {
        path: path.to_string(),
        message,
    };
    let required = |what: &str| {
        fail(
            &path,
            format!("{what} required, but got {}", describe(value)),
        )
    };
    match ty {
        TypeConstraint::Any => Ok(value.clone()),
        TypeConstraint::String => value
            .coerce_string()
            .map(Value::String)
            .ok_or_else(|| required("a string is")),
        TypeConstraint::Number => value
            .coerce_number()
            .map(Value::Number)
            .ok_or_else(|| required("a number is")),
        TypeConstraint::Bool => value
            .coerce_bool()
            .map(Value::Bool)
            .ok_or_else(|| required("a bool is")),
        TypeConstraint::List(elem) | TypeConstraint::Set(elem) => {
            let items = value.as_seq().ok_or_else(|| required("a list is"))?;
            let converted = items
                .iter()
                .enumerate()
                .map(|(i, item)| convert_at(item, elem, format!("{path}[{i}]"), warnings))
                .collect::<Result<Vec<_>, _>>()?;
            if matches!(ty, TypeConstraint::Set(_)) {
                let mut items = converted;
                items.sort_by(canonical_cmp);
                items.dedup();
                Ok(Value::Set(items))
            } else {
                Ok(Value::List(converted))
            }
        }
        TypeConstraint::Map(elem) => {
            let map = value.as_map().ok_or_else(|| required("a map is"))?;
            let converted = map
                .iter()
                .map(|(k, v)| {
                    convert_at(
                        v,
                        elem,
                        format!("{path}[{}]", super::value::quote(k)),
                        warnings,
                    )
                    .map(|v| (k.clone(), v))
                })
                .collect::<Result<BTreeMap<_, _>, _>>()?;
            Ok(Value::Map(converted))
        }
        TypeConstraint::Tuple(elems) => {
            let items = value.as_seq().ok_or_else(|| required("a tuple is"))?;
            if items.len() != elems.len() {
                return Err(fail(
                    &path,
                    format!(
                        "a tuple of {} elements is required, but got {}",
                        elems.len(),
                        items.len()
                    ),
                ));
            }
            Ok(Value::List(
                items
                    .iter()
                    .zip(elems)
                    .enumerate()
                    .map(|(i, (item, t))| convert_at(item, t, format!("{path}[{i}]"), warnings))
                    .collect::<Result<_, _>>()?,
            ))
        }
        TypeConstraint::Object(attrs) => {
            let map = value.as_map().ok_or_else(|| required("an object is"))?;
            let mut out = BTreeMap::new();
            for (name, attr) in attrs {
                let sub = format!("{path}.{name}");
                match map.get(name) {
                    Some(v) if !v.is_null() => {
                        out.insert(name.clone(), convert_at(v, &attr.ty, sub, warnings)?);
                    }
                    present => {
                        if attr.optional {
                            out.insert(name.clone(), attr.default.clone().unwrap_or(Value::Null));
                        } else if present.is_some() {
                            out.insert(name.clone(), Value::Null);
                        } else {
                            return Err(fail(&path, format!("attribute {name:?} is required")));
                        }
                    }
                }
            }
            for extra in map.keys().filter(|k| !attrs.contains_key(*k)) {
                warnings.push(format!(
                    "attribute {extra:?}{} is not declared in the type and is ignored",
                    if path.is_empty() {
                        String::new()
                    } else {
                        format!(" at {path}")
                    }
                ));
            }
            Ok(Value::Map(out))
        }
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("the string {}", super::value::quote(s)),
        Value::Number(_) | Value::Bool(_) => format!("{} {value}", value.type_name()),
        other => super::functions::article(other.type_name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl_edit::parser::parse_expr;

    fn ty(src: &str) -> TypeConstraint {
        parse_type(&parse_expr(src).unwrap()).unwrap()
    }

    fn conv(v: Value, t: &str) -> Result<Value, String> {
        convert(&v, &ty(t), &mut Vec::new()).map_err(|e| e.to_string())
    }

    #[test]
    fn parses_and_displays_types() {
        for src in [
            "string",
            "list(string)",
            "map(list(number))",
            "set(bool)",
            "tuple([string, number])",
            "object({ a = string, b = optional(number) })",
        ] {
            assert_eq!(ty(src).to_string(), src);
        }
        assert_eq!(ty("list").to_string(), "list(any)");
    }

    #[test]
    fn rejects_bad_types() {
        for (src, msg) in [
            ("\"string\"", "quoted type constraints"),
            ("strin", "is not a type"),
            ("list(string, number)", "exactly one"),
            ("optional(string)", "only allowed"),
            ("foo(string)", "not a type constructor"),
            ("object({ a = optional(number, \"x\") })", "does not fit"),
        ] {
            let e = parse_type(&parse_expr(src).unwrap()).unwrap_err();
            assert!(e.message.contains(msg), "{src}: {}", e.message);
        }
    }

    #[test]
    fn converts_like_terraform() {
        assert_eq!(conv(Value::from(5.0), "string"), Ok("5".into()));
        assert_eq!(conv("7".into(), "number"), Ok(Value::from(7.0)));
        assert_eq!(conv("true".into(), "bool"), Ok(Value::Bool(true)));
        assert!(
            conv("x".into(), "number")
                .unwrap_err()
                .contains("a number is required")
        );
        assert_eq!(
            conv(
                Value::List(vec!["b".into(), "a".into(), "b".into()]),
                "set(string)"
            ),
            Ok(Value::Set(vec!["a".into(), "b".into()]))
        );
        assert!(
            conv(
                Value::List(vec![Value::map([("x", Value::Null)])]),
                "list(string)"
            )
            .unwrap_err()
            .starts_with("at [0]:")
        );
    }

    #[test]
    fn objects_fill_optional_defaults_and_require_the_rest() {
        let t =
            "object({ name = string, size = optional(number, 3), tags = optional(map(string)) })";
        let v = conv(Value::map([("name", "a".into())]), t).unwrap();
        assert_eq!(
            v,
            Value::map([
                ("name", Value::from("a")),
                ("size", Value::from(3.0)),
                ("tags", Value::Null)
            ])
        );
        let e = conv(Value::map([("size", Value::from(1.0))]), t).unwrap_err();
        assert!(e.contains("\"name\" is required"), "{e}");
        let mut warnings = Vec::new();
        convert(
            &Value::map([("name", "a".into()), ("nmae", "b".into())]),
            &ty(t),
            &mut warnings,
        )
        .unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("\"nmae\""));
    }

    #[test]
    fn constants() {
        let e = parse_expr("{ a = [1, -2, \"x\"], \"b\" = null }").unwrap();
        assert_eq!(
            const_value(&e),
            Some(Value::map([
                (
                    "a",
                    Value::List(vec![Value::from(1.0), Value::from(-2.0), "x".into()])
                ),
                ("b", Value::Null)
            ]))
        );
        assert_eq!(const_value(&parse_expr("var.x").unwrap()), None);
    }
}
