//! Terraform's string functions: case, trimming, prefixes, splitting and joining, substrings and
//! indentation (`format`/`formatlist` live in `format.rs`, the regular expression functions in
//! `patterns.rs`).

use super::support::{strings_of, whole_arg};
use super::{FuncCtx, FuncError, FuncSpec, Param, simple};
use crate::config::value::Value;

pub(super) const FUNCTIONS: &[FuncSpec] = &[
    simple("lower", &[Param::String], lower),
    simple("upper", &[Param::String], upper),
    simple("title", &[Param::String], title),
    simple("strrev", &[Param::String], strrev),
    simple("trimspace", &[Param::String], trimspace),
    simple("chomp", &[Param::String], chomp),
    simple("trim", &[Param::String, Param::String], trim),
    simple("trimprefix", &[Param::String, Param::String], trimprefix),
    simple("trimsuffix", &[Param::String, Param::String], trimsuffix),
    simple("startswith", &[Param::String, Param::String], startswith),
    simple("endswith", &[Param::String, Param::String], endswith),
    simple("strcontains", &[Param::String, Param::String], strcontains),
    simple("split", &[Param::String, Param::String], split),
    simple("indent", &[Param::Number, Param::String], indent),
    simple(
        "substr",
        &[Param::String, Param::Number, Param::Number],
        substr,
    ),
    FuncSpec {
        name: "join",
        params: &[Param::String],
        variadic: Some(Param::List),
        unknown_aware: false,
        imp: join,
    },
];

/// The string in argument `i` (the registry has already converted it).
fn text(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or_default()
}

fn string(s: impl Into<String>) -> Result<Value, FuncError> {
    Ok(Value::String(s.into()))
}

/// Go's `unicode.ToUpper`/`ToLower` map one character to one character; where Rust's full case
/// mapping would produce several (`ß` → `SS`), the character is kept, as Terraform does.
fn map_chars(s: &str, f: impl Fn(char) -> Option<char>) -> String {
    s.chars().map(|c| f(c).unwrap_or(c)).collect()
}

fn single<I: Iterator<Item = char>>(mut it: I) -> Option<char> {
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

fn lower(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    string(map_chars(text(&args, 0), |c| single(c.to_lowercase())))
}

fn upper(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    string(map_chars(text(&args, 0), |c| single(c.to_uppercase())))
}

/// Go's `strings.Title`: a letter is uppercased when the character before it separates words
/// (anything but ASCII letters, digits and `_`, and non-ASCII letters and digits).
fn title(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    fn separates(c: char) -> bool {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        !c.is_alphanumeric() && c.is_whitespace()
    }
    let mut prev = ' ';
    let out = text(&args, 0)
        .chars()
        .map(|c| {
            let mapped = if separates(prev) {
                single(c.to_uppercase()).unwrap_or(c)
            } else {
                c
            };
            prev = c;
            mapped
        })
        .collect::<String>();
    string(out)
}

fn strrev(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    string(text(&args, 0).chars().rev().collect::<String>())
}

fn trimspace(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    string(text(&args, 0).trim())
}

/// Removes all trailing newline sequences (`\n`, `\r\n`, `\r`).
fn chomp(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    string(text(&args, 0).trim_end_matches(['\r', '\n']))
}

fn trim(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let cutset = text(&args, 1);
    string(text(&args, 0).trim_matches(|c| cutset.contains(c)))
}

fn trimprefix(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let s = text(&args, 0);
    string(s.strip_prefix(text(&args, 1)).unwrap_or(s))
}

fn trimsuffix(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let s = text(&args, 0);
    string(s.strip_suffix(text(&args, 1)).unwrap_or(s))
}

fn startswith(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    Ok(Value::Bool(text(&args, 0).starts_with(text(&args, 1))))
}

fn endswith(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    Ok(Value::Bool(text(&args, 0).ends_with(text(&args, 1))))
}

fn strcontains(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    Ok(Value::Bool(text(&args, 0).contains(text(&args, 1))))
}

/// `split(separator, string)`; an empty separator splits into characters.
fn split(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let (sep, s) = (text(&args, 0), text(&args, 1));
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| Value::String(c.to_string())).collect()
    } else {
        s.split(sep).map(Value::from).collect()
    };
    Ok(Value::List(parts))
}

/// Spaces are capped so that a typo cannot make the result gigabytes long.
const MAX_INDENT: i64 = 10_000;

fn indent(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let spaces = whole_arg("indent", 0, &args[0], "the number of spaces")?;
    if !(0..=MAX_INDENT).contains(&spaces) {
        return Err(FuncError::arg(
            0,
            format!(
                "indent(): the number of spaces must be between 0 and {MAX_INDENT}, not {spaces}"
            ),
        ));
    }
    let pad = " ".repeat(usize::try_from(spaces).unwrap_or_default());
    string(text(&args, 1).replace('\n', &format!("\n{pad}")))
}

/// `substr(string, offset, length)` on characters: a negative offset counts from the end and a
/// length of -1 (or any negative length) takes the rest.
fn substr(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let s = text(&args, 0);
    let offset = whole_arg("substr", 1, &args[1], "the offset")?;
    let length = whole_arg("substr", 2, &args[2], "the length")?;
    let total = i64::try_from(s.chars().count()).unwrap_or(i64::MAX);
    let start = if offset < 0 {
        offset.saturating_add(total).max(0)
    } else {
        offset
    };
    if start >= total || length == 0 {
        return string("");
    }
    let skip = usize::try_from(start).unwrap_or(usize::MAX);
    let rest = s.chars().skip(skip);
    let out: String = match usize::try_from(length) {
        Ok(take) => rest.take(take).collect(),
        Err(_) => rest.collect(),
    };
    string(out)
}

/// `join(separator, list...)`.
fn join(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    if args.len() < 2 {
        return Err(FuncError::new(
            "join() needs a separator and at least one list to join",
        ));
    }
    let sep = text(&args, 0);
    let several = args.len() > 2;
    let mut parts = Vec::new();
    for (i, list) in args.iter().enumerate().skip(1) {
        let items = list.as_seq().unwrap_or_default();
        for (j, item) in strings_of("join", i, items)?.into_iter().enumerate() {
            let Some(item) = item else {
                let which = if several {
                    format!("element {j} of list {i}")
                } else {
                    format!("element {j}")
                };
                return Err(FuncError::arg(
                    i,
                    format!("join(): {which} is null; null values cannot be joined"),
                ));
            };
            parts.push(item);
        }
    }
    string(parts.join(sep))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn case_functions() {
        // Documented examples: upper("hello") = "HELLO", lower("HELLO") = "hello",
        // title("hello world") = "Hello World".
        assert_eq!(ok("upper", vec![s("hello")]), s("HELLO"));
        assert_eq!(ok("upper", vec![s("алло!")]), s("АЛЛО!"));
        assert_eq!(ok("lower", vec![s("HELLO")]), s("hello"));
        assert_eq!(ok("lower", vec![s("АЛЛО!")]), s("алло!"));
        assert_eq!(ok("title", vec![s("hello world")]), s("Hello World"));
        assert_eq!(ok("title", vec![s("aks-node_pool")]), s("Aks-Node_pool"));
        assert_eq!(ok("upper", vec![Value::from(5.0)]), s("5"));
        // Go's one-to-one case mapping keeps ß.
        assert_eq!(ok("upper", vec![s("straße")]), s("STRAßE"));
        let e = err("upper", vec![Value::List(vec![])]);
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("upper()"), "{}", e.message);
    }

    #[test]
    fn strrev_reverses_characters() {
        assert_eq!(ok("strrev", vec![s("hello")]), s("olleh"));
        assert_eq!(ok("strrev", vec![s("a ☃")]), s("☃ a"));
        assert_eq!(err("strrev", vec![Value::Null]).arg, Some(0));
    }

    #[test]
    fn trimming() {
        // Documented: trimspace("  hello\n\n") = "hello"; trim("?!hello?!", "!?") = "hello";
        // trimprefix("helloworld", "hello") = "world"; trimsuffix("helloworld", "world") = "hello";
        // chomp("hello\n") = "hello", chomp("hello\r\n") = "hello", chomp("hello\n\n") = "hello".
        assert_eq!(ok("trimspace", vec![s("  hello\n\n")]), s("hello"));
        assert_eq!(ok("trimspace", vec![s("\u{3000}x\t")]), s("x"));
        assert_eq!(ok("trim", vec![s("?!hello?!"), s("!?")]), s("hello"));
        assert_eq!(ok("trim", vec![s("foobar"), s("far")]), s("oob"));
        assert_eq!(
            ok("trim", vec![s("   hello! world.!  "), s("! ")]),
            s("hello! world.")
        );
        assert_eq!(
            ok("trimprefix", vec![s("helloworld"), s("hello")]),
            s("world")
        );
        assert_eq!(
            ok("trimprefix", vec![s("helloworld"), s("cat")]),
            s("helloworld")
        );
        assert_eq!(
            ok("trimprefix", vec![s("hellohello"), s("hello")]),
            s("hello")
        );
        assert_eq!(
            ok("trimsuffix", vec![s("helloworld"), s("world")]),
            s("hello")
        );
        assert_eq!(
            ok("trimsuffix", vec![s("helloworld"), s("cat")]),
            s("helloworld")
        );
        assert_eq!(ok("chomp", vec![s("hello\n")]), s("hello"));
        assert_eq!(ok("chomp", vec![s("hello\r\n")]), s("hello"));
        assert_eq!(ok("chomp", vec![s("hello\n\n")]), s("hello"));
        assert_eq!(ok("chomp", vec![s("hello\r\n\r\n\n")]), s("hello"));
        assert_eq!(ok("chomp", vec![s("a\nb")]), s("a\nb"));
        let e = err("trim", vec![s("x"), Value::Null]);
        assert_eq!(e.arg, Some(1));
    }

    #[test]
    fn prefix_suffix_and_contains() {
        // Documented: startswith("hello world", "hello") = true, endswith("hello world", "world")
        // = true, strcontains("hello world", "wor") = true.
        assert_eq!(
            ok("startswith", vec![s("hello world"), s("hello")]),
            Value::Bool(true)
        );
        assert_eq!(
            ok("startswith", vec![s("hello world"), s("world")]),
            Value::Bool(false)
        );
        assert_eq!(
            ok("endswith", vec![s("hello world"), s("world")]),
            Value::Bool(true)
        );
        assert_eq!(
            ok("endswith", vec![s("hello world"), s("hello")]),
            Value::Bool(false)
        );
        assert_eq!(
            ok("strcontains", vec![s("hello world"), s("wor")]),
            Value::Bool(true)
        );
        assert_eq!(
            ok("strcontains", vec![s("hello world"), s("wod")]),
            Value::Bool(false)
        );
        let e = err("strcontains", vec![s("x"), Value::map([("a", s("b"))])]);
        assert_eq!(e.arg, Some(1));
    }

    #[test]
    fn split_and_join() {
        // Documented: split(",", "foo,bar,baz") = ["foo", "bar", "baz"]; split(",", "foo") =
        // ["foo"]; split(",", "") = [""]; join(", ", ["foo", "bar", "baz"]) = "foo, bar, baz".
        assert_eq!(
            ok("split", vec![s(","), s("foo,bar,baz")]),
            strs(&["foo", "bar", "baz"])
        );
        assert_eq!(ok("split", vec![s(","), s("foo")]), strs(&["foo"]));
        assert_eq!(ok("split", vec![s(","), s("")]), strs(&[""]));
        assert_eq!(ok("split", vec![s(""), s("abc")]), strs(&["a", "b", "c"]));
        assert_eq!(ok("split", vec![s(""), s("")]), strs(&[]));
        assert_eq!(
            ok("join", vec![s(", "), strs(&["foo", "bar", "baz"])]),
            s("foo, bar, baz")
        );
        assert_eq!(ok("join", vec![s(", "), strs(&["foo"])]), s("foo"));
        assert_eq!(
            ok("join", vec![s("-"), strs(&["a"]), strs(&["b", "c"])]),
            s("a-b-c")
        );
        assert_eq!(ok("join", vec![s(","), nums(&[1.0, 2.5])]), s("1,2.5"));
        assert_eq!(
            ok("join", vec![s(","), Value::set(vec![s("b"), s("a")])]),
            s("a,b")
        );
        let e = err(
            "join",
            vec![s(","), Value::List(vec![s("a"), Value::List(vec![])])],
        );
        assert_eq!(e.arg, Some(1));
        assert!(e.message.contains("element 1"), "{}", e.message);
        let e = err(
            "join",
            vec![s(","), strs(&["a"]), Value::List(vec![Value::Null])],
        );
        assert_eq!(e.arg, Some(2));
        assert!(
            e.message.contains("element 0 of list 2 is null"),
            "{}",
            e.message
        );
        let e = err("join", vec![s(",")]);
        assert!(e.message.contains("at least one list"), "{}", e.message);
        assert_eq!(err("join", vec![s(","), s("abc")]).arg, Some(1));
    }

    #[test]
    fn indent_pads_all_but_the_first_line() {
        // Documented: "  items: ${indent(2, "[\n  foo,\n  bar,\n]\n")}".
        assert_eq!(
            ok(
                "indent",
                vec![Value::from(2.0), s("[\n  foo,\n  bar,\n]\n")]
            ),
            s("[\n    foo,\n    bar,\n  ]\n  ")
        );
        assert_eq!(
            ok("indent", vec![Value::from(4.0), s("one line")]),
            s("one line")
        );
        let e = err("indent", vec![Value::from(-1.0), s("a\nb")]);
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("-1"), "{}", e.message);
        assert_eq!(
            err("indent", vec![Value::from(1e9), s("a\nb")]).arg,
            Some(0)
        );
        assert_eq!(err("indent", vec![Value::from(1.5), s("a")]).arg, Some(0));
    }

    #[test]
    fn substr_on_characters() {
        // Documented: substr("hello world", 1, 4) = "ello"; substr("🤔🤷", 0, 1) = "🤔";
        // substr("hello world", -5, -1) = "world"; substr("hello world", 6, 10) = "world".
        let hw = || s("hello world");
        let n = Value::from;
        assert_eq!(ok("substr", vec![hw(), n(1.0), n(4.0)]), s("ello"));
        assert_eq!(ok("substr", vec![s("🤔🤷"), n(0.0), n(1.0)]), s("🤔"));
        assert_eq!(ok("substr", vec![hw(), n(-5.0), n(-1.0)]), s("world"));
        assert_eq!(ok("substr", vec![hw(), n(6.0), n(10.0)]), s("world"));
        assert_eq!(ok("substr", vec![hw(), n(20.0), n(2.0)]), s(""));
        assert_eq!(ok("substr", vec![hw(), n(0.0), n(0.0)]), s(""));
        assert_eq!(ok("substr", vec![hw(), n(-50.0), n(5.0)]), s("hello"));
        let e = err("substr", vec![hw(), n(1.5), n(2.0)]);
        assert_eq!(e.arg, Some(1));
        assert!(e.message.contains("whole number"), "{}", e.message);
        assert_eq!(err("substr", vec![hw(), n(0.0), s("x")]).arg, Some(2));
    }

    #[test]
    fn wrong_types_point_at_the_argument() {
        let list = || Value::List(vec![]);
        let cases = [
            ("lower", vec![list()], 0),
            ("title", vec![Value::map([("a", s("b"))])], 0),
            ("trimspace", vec![list()], 0),
            ("chomp", vec![Value::Null], 0),
            ("trimprefix", vec![s("x"), list()], 1),
            ("trimsuffix", vec![list(), s("x")], 0),
            ("startswith", vec![s("x"), Value::Null], 1),
            ("endswith", vec![list(), s("x")], 0),
            ("split", vec![s(","), list()], 1),
        ];
        for (name, args, index) in cases {
            let e = err(name, args);
            assert_eq!(e.arg, Some(index), "{name}");
            assert!(e.message.contains(&format!("{name}()")), "{}", e.message);
        }
    }
}
