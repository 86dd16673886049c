//! `format` and `formatlist`: Terraform's printf-style formatting (go-cty's verbs, flags, widths,
//! precisions and `%[n]` argument indexes, with Go's rendering of numbers).

use super::encoding::json_encode;
use super::gofmt::{Verb, format_float, format_integer, go_float};
use super::{FuncCtx, FuncError, FuncSpec, Param};
use crate::config::value::Value;

pub(super) const FUNCTIONS: &[FuncSpec] = &[
    FuncSpec {
        name: "format",
        params: &[Param::String],
        variadic: Some(Param::Any),
        unknown_aware: false,
        imp: format,
    },
    FuncSpec {
        name: "formatlist",
        params: &[Param::String],
        variadic: Some(Param::Any),
        unknown_aware: true,
        imp: formatlist,
    },
];

/// Widths and precisions beyond this are refused rather than allocated.
const MAX_WIDTH: usize = 10_000;

/// A formatting failure: the value argument at fault (0-based among the values) if any, and why.
struct FmtError {
    value: Option<usize>,
    message: String,
}

impl FmtError {
    fn syntax(message: String) -> Self {
        FmtError {
            value: None,
            message,
        }
    }

    fn at(value: usize, message: String) -> Self {
        FmtError {
            value: Some(value),
            message,
        }
    }

    /// As an error of `func`, whose argument 0 is the format string.
    fn into_func_error(self, func: &str, prefix: &str) -> FuncError {
        let message = format!("{func}(): {prefix}{}", self.message);
        match self.value {
            Some(v) => FuncError::arg(v + 1, message),
            None => FuncError::arg(0, message),
        }
    }
}

fn format(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let fmt = args.first().and_then(Value::as_str).unwrap_or_default();
    render(fmt, &args[1..])
        .map(Value::String)
        .map_err(|e| e.into_func_error("format", ""))
}

/// `formatlist(format, args...)`: list arguments are iterated in lockstep (they must all have the
/// same length), other arguments repeat in every iteration.
fn formatlist(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let Some(Value::String(fmt)) = args.first() else {
        return Ok(Value::Unknown);
    };
    let values = &args[1..];
    let mut length: Option<(usize, usize)> = None;
    for (i, value) in values.iter().enumerate() {
        match value {
            Value::Unknown => return Ok(Value::Unknown),
            Value::List(items) | Value::Set(items) => match length {
                None => length = Some((items.len(), i)),
                Some((n, first)) if n != items.len() => {
                    return Err(FuncError::arg(
                        i + 1,
                        format!(
                            "formatlist(): argument {} has length {}, but argument {} has length {}; \
                             all list arguments must have the same length",
                            i + 2,
                            items.len(),
                            first + 2,
                            n
                        ),
                    ));
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
    let iterations = length.map_or(1, |(n, _)| n);
    let mut out = Vec::with_capacity(iterations);
    for k in 0..iterations {
        let row: Vec<Value> = values
            .iter()
            .map(|v| match v {
                Value::List(items) | Value::Set(items) => items.get(k).cloned().unwrap_or_default(),
                other => other.clone(),
            })
            .collect();
        if !row.iter().all(Value::is_wholly_known) {
            out.push(Value::Unknown);
            continue;
        }
        let s = render(fmt, &row)
            .map_err(|e| e.into_func_error("formatlist", &format!("in iteration {k}: ")))?;
        out.push(Value::String(s));
    }
    Ok(Value::List(out))
}

/// Renders `fmt` with `args` (the values after the format string).
fn render(fmt: &str, args: &[Value]) -> Result<String, FmtError> {
    let mut out = String::with_capacity(fmt.len());
    let mut next = 1;
    let mut max_used = 0;
    let mut chars = fmt.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.next_if(|&(_, c)| c == '%').is_some() {
            out.push('%');
            continue;
        }
        let mut verb = Verb {
            offset: start,
            arg: next,
            ..Verb::default()
        };
        while let Some((_, c)) = chars.next_if(|&(_, c)| matches!(c, '0' | '#' | '-' | '+' | ' ')) {
            match c {
                '0' => verb.zero = true,
                '#' => verb.sharp = true,
                '-' => verb.minus = true,
                '+' => verb.plus = true,
                _ => verb.space = true,
            }
        }
        let unrecognized = |at: Option<(usize, char)>| match at {
            Some((i, c)) => {
                FmtError::syntax(format!("unrecognized format character '{c}' at offset {i}"))
            }
            None => FmtError::syntax(format!("invalid format string starting at offset {start}")),
        };
        if chars.next_if(|&(_, c)| c == '[').is_some() {
            if chars.peek().is_none_or(|&(_, c)| !matches!(c, '1'..='9')) {
                return Err(unrecognized(chars.next()));
            }
            verb.arg = number(&mut chars).map_err(FmtError::syntax)?;
            if chars.next_if(|&(_, c)| c == ']').is_none() {
                return Err(unrecognized(chars.next()));
            }
        }
        if chars.peek().is_some_and(|&(_, c)| matches!(c, '1'..='9')) {
            verb.width = Some(number(&mut chars).map_err(FmtError::syntax)?);
        }
        if chars.next_if(|&(_, c)| c == '.').is_some() {
            let digits = chars.peek().is_some_and(|&(_, c)| c.is_ascii_digit());
            verb.prec = Some(if digits {
                number(&mut chars).map_err(FmtError::syntax)?
            } else {
                0
            });
        }
        match chars.next() {
            Some((i, c)) if c.is_ascii_alphabetic() => {
                verb.mode = c;
                verb.raw = &fmt[start..i + 1];
            }
            Some((i, '*')) => {
                return Err(FmtError::syntax(format!(
                    "widths and precisions taken from arguments (\"*\", at offset {i}) are not supported"
                )));
            }
            other => return Err(unrecognized(other)),
        }
        append(&mut out, &verb, args)?;
        max_used = max_used.max(verb.arg);
        next = verb.arg + 1;
    }
    if args.len() > max_used {
        return Err(FmtError::at(
            max_used,
            if max_used == 0 {
                "too many arguments; no verbs in format string".to_string()
            } else {
                format!("too many arguments; only {max_used} used by format string")
            },
        ));
    }
    Ok(out)
}

/// A decimal number in a verb (argument index, width or precision).
fn number(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> Result<usize, String> {
    let mut n: usize = 0;
    while let Some((i, c)) = chars.next_if(|&(_, c)| c.is_ascii_digit()) {
        n = n * 10 + (c as usize - '0' as usize);
        if n > MAX_WIDTH {
            return Err(format!(
                "the number at offset {i} is too large (the limit is {MAX_WIDTH})"
            ));
        }
    }
    Ok(n)
}

fn append(out: &mut String, verb: &Verb<'_>, args: &[Value]) -> Result<(), FmtError> {
    let index = verb.arg - 1;
    let Some(arg) = args.get(index) else {
        return Err(FmtError::syntax(format!(
            "not enough arguments for \"{}\" at {}: need index {} but have {} total",
            verb.raw,
            verb.offset,
            verb.arg,
            args.len()
        )));
    };
    let unsupported = |why: &str| {
        FmtError::at(
            index,
            format!(
                "unsupported value for \"{}\" at {}: {why}",
                verb.raw, verb.offset
            ),
        )
    };
    if verb.mode != 'v' && arg.is_null() {
        return Err(unsupported("null value cannot be formatted"));
    }
    match verb.mode {
        'v' => {
            let text = match arg {
                Value::String(s) if !verb.sharp => s.clone(),
                Value::Number(n) if !verb.sharp => go_float(*n, 'g', None),
                other => json_encode(other).ok_or_else(|| unsupported("value is not known"))?,
            };
            out.push_str(&pad(verb, text));
        }
        't' => {
            let b = arg
                .coerce_bool()
                .ok_or_else(|| unsupported("bool required"))?;
            out.push_str(if b { "true" } else { "false" });
        }
        'b' | 'd' | 'o' | 'x' | 'X' => {
            let n = arg
                .coerce_number()
                .ok_or_else(|| unsupported("number required"))?;
            if n.fract() != 0.0 {
                return Err(unsupported("an integer is required"));
            }
            out.push_str(&format_integer(verb, n));
        }
        'e' | 'E' | 'f' | 'g' | 'G' => {
            let n = arg
                .coerce_number()
                .ok_or_else(|| unsupported("number required"))?;
            out.push_str(&format_float(verb, n));
        }
        's' | 'q' => {
            let s = arg
                .coerce_string()
                .ok_or_else(|| unsupported("string required"))?;
            let s = match verb.prec {
                Some(p) if p > 0 => s.chars().take(p).collect(),
                _ => s,
            };
            let text = if verb.mode == 'q' {
                json_encode(&Value::String(s)).unwrap_or_default()
            } else {
                s
            };
            out.push_str(&pad(verb, text));
        }
        other => {
            return Err(FmtError::syntax(format!(
                "unsupported format verb '{other}' in \"{}\" at offset {}",
                verb.raw, verb.offset
            )));
        }
    }
    Ok(())
}

/// Pads to the verb's width (in characters), with zeros if the `0` flag is given, on the right if
/// the `-` flag is.
fn pad(verb: &Verb<'_>, text: String) -> String {
    let len = text.chars().count();
    match verb.width {
        Some(w) if w > len => {
            let fill = (if verb.zero { "0" } else { " " }).repeat(w - len);
            if verb.minus {
                text + &fill
            } else {
                fill + &text
            }
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn fmt(f: &str, args: Vec<Value>) -> String {
        let mut all = vec![Value::from(f)];
        all.extend(args);
        match call_fn("format", all) {
            Ok(Value::String(s)) => s,
            other => panic!("format({f:?}): {other:?}"),
        }
    }

    fn fmt_err(f: &str, args: Vec<Value>) -> FuncError {
        let mut all = vec![Value::from(f)];
        all.extend(args);
        call_fn("format", all).expect_err("expected an error")
    }

    fn n(x: f64) -> Value {
        Value::from(x)
    }

    fn s(x: &str) -> Value {
        Value::from(x)
    }

    #[test]
    fn documented_examples() {
        // format("Hello, %s!", "Ander") = "Hello, Ander!"; format("There are %d lights", 4) =
        // "There are 4 lights"; format("%-5s: %s", "a", "b") aligns; %#v gives JSON.
        assert_eq!(fmt("Hello, %s!", vec![s("Ander")]), "Hello, Ander!");
        assert_eq!(
            fmt("There are %d lights", vec![n(4.0)]),
            "There are 4 lights"
        );
        assert_eq!(fmt("%#v", vec![s("hello")]), "\"hello\"");
        assert_eq!(fmt("%#v", vec![Value::map([("a", n(1.0))])]), "{\"a\":1}");
        assert_eq!(fmt("%v", vec![strs(&["a", "b"])]), "[\"a\",\"b\"]");
        assert_eq!(fmt("%v", vec![Value::Null]), "null");
        assert_eq!(
            fmt("%v %v %v", vec![s("x"), n(2.0), Value::Bool(true)]),
            "x 2 true"
        );
        assert_eq!(fmt("100%%", vec![]), "100%");
        assert_eq!(fmt("%%%v", vec![Value::Bool(false)]), "%false");
    }

    #[test]
    fn strings_widths_and_precisions() {
        assert_eq!(fmt("%10s|", vec![s("hello")]), "     hello|");
        assert_eq!(fmt("%-10s|", vec![s("hello")]), "hello     |");
        assert_eq!(fmt("%-8s|", vec![s("ab")]), "ab      |");
        assert_eq!(fmt("%.2s", vec![s("hello")]), "he");
        assert_eq!(fmt("%4.2s", vec![s("hello")]), "  he");
        assert_eq!(fmt("%.5s", vec![s("日本語日本語")]), "日本語日本");
        assert_eq!(fmt("%q", vec![s("Hello\nWorld")]), "\"Hello\\nWorld\"");
        assert_eq!(fmt("%6.2q", vec![s("hello")]), "  \"he\"");
        assert_eq!(fmt("%q", vec![s("<b>")]), "\"\\u003cb\\u003e\"");
        assert_eq!(fmt("%s", vec![Value::Bool(false)]), "false");
        assert_eq!(fmt("%s", vec![n(1.5)]), "1.5");
        assert_eq!(fmt("%05s", vec![s("ab")]), "000ab");
        assert_eq!(fmt("%t", vec![s("true")]), "true");
    }

    #[test]
    fn argument_indexes() {
        assert_eq!(
            fmt("Hello, %[2]s!", vec![s("Stephen"), s("Ermintrude")]),
            "Hello, Ermintrude!"
        );
        assert_eq!(fmt("%[2]s %[1]s %s", vec![s("a"), s("b")]), "b a b");
        assert_eq!(fmt("%[2]d things", vec![n(1.0), n(10.0)]), "10 things");
    }

    #[test]
    fn errors() {
        let e = fmt_err("%s is missing", vec![]);
        assert_eq!(e.arg, Some(0));
        assert_eq!(
            e.message,
            "format(): not enough arguments for \"%s\" at 0: need index 1 but have 0 total"
        );
        let e = fmt_err("%v %v %v", vec![Value::Bool(true), Value::Bool(true)]);
        assert!(
            e.message.contains("\"%v\" at 6: need index 3 but have 2"),
            "{}",
            e.message
        );
        let e = fmt_err("%[0]s", vec![s("x")]);
        assert!(
            e.message
                .ends_with("unrecognized format character '0' at offset 2"),
            "{}",
            e.message
        );
        let e = fmt_err("%z", vec![n(1.0)]);
        assert_eq!(
            e.message,
            "format(): unsupported format verb 'z' in \"%z\" at offset 0"
        );
        let e = fmt_err("%012z", vec![n(1.0)]);
        assert!(e.message.contains("'z' in \"%012z\""), "{}", e.message);
        let e = fmt_err("%☠", vec![n(1.0)]);
        assert!(
            e.message
                .ends_with("unrecognized format character '☠' at offset 1"),
            "{}",
            e.message
        );
        let e = fmt_err("abc %", vec![]);
        assert!(
            e.message
                .contains("invalid format string starting at offset 4"),
            "{}",
            e.message
        );
        let e = fmt_err("x %d", vec![n(1.5)]);
        assert_eq!(e.arg, Some(1));
        assert!(
            e.message.ends_with("\"%d\" at 2: an integer is required"),
            "{}",
            e.message
        );
        let e = fmt_err("%d", vec![Value::Bool(true)]);
        assert!(e.message.ends_with("number required"), "{}", e.message);
        let e = fmt_err("%s", vec![Value::Null]);
        assert!(
            e.message.ends_with("null value cannot be formatted"),
            "{}",
            e.message
        );
        let e = fmt_err("%s", vec![Value::List(vec![])]);
        assert!(e.message.ends_with("string required"), "{}", e.message);
        let e = fmt_err("no verbs", vec![n(10.0)]);
        assert_eq!(e.arg, Some(1));
        assert!(
            e.message
                .ends_with("too many arguments; no verbs in format string")
        );
        let e = fmt_err("only one verb %d", vec![n(10.0), n(11.0)]);
        assert_eq!(e.arg, Some(2));
        assert!(
            e.message
                .ends_with("too many arguments; only 1 used by format string")
        );
        let e = fmt_err("%99999999s", vec![s("x")]);
        assert!(e.message.contains("too large"), "{}", e.message);
        let e = fmt_err("%*d", vec![n(1.0), n(2.0)]);
        assert!(e.message.contains("not supported"), "{}", e.message);
    }

    #[test]
    fn unknown_arguments_make_an_unknown_result() {
        assert_eq!(
            call_fn("format", vec![s("%s"), Value::Unknown]).unwrap(),
            Value::Unknown
        );
    }

    #[test]
    fn formatlist_iterates_in_lockstep() {
        // Documented: formatlist("Hello, %s!", ["Valentina", "Ander", "Olivia", "Sam"]) and
        // formatlist("%s, %s!", "Salutations", ["Valentina", "Ander", "Olivia", "Sam"]).
        let names = strs(&["Valentina", "Ander", "Olivia", "Sam"]);
        assert_eq!(
            call_fn("formatlist", vec![s("Hello, %s!"), names.clone()]).unwrap(),
            strs(&[
                "Hello, Valentina!",
                "Hello, Ander!",
                "Hello, Olivia!",
                "Hello, Sam!"
            ])
        );
        assert_eq!(
            call_fn("formatlist", vec![s("%s, %s!"), s("Salutations"), names]).unwrap(),
            strs(&[
                "Salutations, Valentina!",
                "Salutations, Ander!",
                "Salutations, Olivia!",
                "Salutations, Sam!"
            ])
        );
        assert_eq!(
            call_fn(
                "formatlist",
                vec![s("%s=%d"), strs(&["a", "b"]), nums(&[1.0, 2.0])]
            )
            .unwrap(),
            strs(&["a=1", "b=2"])
        );
        assert_eq!(call_fn("formatlist", vec![s("x")]).unwrap(), strs(&["x"]));
        assert_eq!(
            call_fn("formatlist", vec![s("%s"), strs(&[])]).unwrap(),
            strs(&[])
        );
        assert_eq!(
            call_fn(
                "formatlist",
                vec![s("%s"), Value::List(vec![s("a"), Value::Unknown])]
            )
            .unwrap(),
            Value::List(vec![s("a"), Value::Unknown])
        );
        assert_eq!(
            call_fn("formatlist", vec![s("%s"), Value::Unknown]).unwrap(),
            Value::Unknown
        );
        let e = call_fn(
            "formatlist",
            vec![s("%s %s"), strs(&["a", "b"]), strs(&["c"])],
        )
        .unwrap_err();
        assert_eq!(e.arg, Some(2));
        assert!(
            e.message
                .contains("argument 3 has length 1, but argument 2 has length 2"),
            "{}",
            e.message
        );
        let e = call_fn("formatlist", vec![s("%d"), strs(&["a"])]).unwrap_err();
        assert_eq!(e.arg, Some(1));
        assert!(
            e.message.starts_with("formatlist(): in iteration 0: "),
            "{}",
            e.message
        );
    }
}
