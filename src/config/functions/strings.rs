//! Terraform's string functions: case, trimming, splitting and joining, substrings, `replace` and
//! the `regex`/`regexall` pair (`format` and `formatlist` live in `format.rs`).

use std::collections::BTreeMap;

use regex::Regex;

use super::support::{describe, strings_of, whole_arg};
use super::{FuncCtx, FuncError, FuncSpec, Param};
use crate::config::value::{Value, quote};

pub(super) const FUNCTIONS: &[FuncSpec] = &[
    spec("lower", &[Param::String], lower),
    spec("upper", &[Param::String], upper),
    spec("title", &[Param::String], title),
    spec("strrev", &[Param::String], strrev),
    spec("trimspace", &[Param::String], trimspace),
    spec("chomp", &[Param::String], chomp),
    spec("trim", &[Param::String, Param::String], trim),
    spec("trimprefix", &[Param::String, Param::String], trimprefix),
    spec("trimsuffix", &[Param::String, Param::String], trimsuffix),
    spec("startswith", &[Param::String, Param::String], startswith),
    spec("endswith", &[Param::String, Param::String], endswith),
    spec("strcontains", &[Param::String, Param::String], strcontains),
    spec("split", &[Param::String, Param::String], split),
    spec("indent", &[Param::Number, Param::String], indent),
    spec(
        "replace",
        &[Param::String, Param::String, Param::String],
        replace,
    ),
    spec(
        "substr",
        &[Param::String, Param::Number, Param::Number],
        substr,
    ),
    spec("regex", &[Param::String, Param::String], regex),
    spec("regexall", &[Param::String, Param::String], regexall),
    FuncSpec {
        name: "join",
        params: &[Param::String],
        variadic: Some(Param::List),
        unknown_aware: false,
        imp: join,
    },
];

const fn spec(name: &'static str, params: &'static [Param], imp: super::FuncImpl) -> FuncSpec {
    FuncSpec {
        name,
        params,
        variadic: None,
        unknown_aware: false,
        imp,
    }
}

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

/// `replace(string, search, replacement)`: a search string wrapped in slashes is a regular
/// expression whose replacement may use `$1` and `${name}`; otherwise the search is literal.
fn replace(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let (s, search, replacement) = (text(&args, 0), text(&args, 1), text(&args, 2));
    if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
        let re = compile("replace", 1, &search[1..search.len() - 1])?;
        return string(re.replace_all(s, replacement).into_owned());
    }
    string(s.replace(search, replacement))
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

/// Compiles a regular expression (RE2 syntax, which the `regex` crate shares), reporting errors
/// against argument `index` of `func`.
pub(super) fn compile(func: &str, index: usize, pattern: &str) -> Result<Regex, FuncError> {
    Regex::new(pattern).map_err(|e| {
        let detail = e.to_string();
        let reason = detail
            .lines()
            .find_map(|l| l.strip_prefix("error: "))
            .unwrap_or(detail.as_str())
            .to_string();
        FuncError::arg(
            index,
            format!(
                "{func}(): invalid regular expression {}: {reason}",
                quote(pattern)
            ),
        )
    })
}

/// What a match of `re` produces: the whole match without capture groups, a list of the groups
/// when they are unnamed, a map when they are named. Mixing both is an error.
enum Captures {
    Whole,
    Positional,
    Named(Vec<(usize, String)>),
}

fn captures_kind(func: &str, re: &Regex) -> Result<Captures, FuncError> {
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let named = names.iter().filter(|n| n.is_some()).count();
    match (names.len(), named) {
        (0, _) => Ok(Captures::Whole),
        (_, 0) => Ok(Captures::Positional),
        (n, m) if n == m => Ok(Captures::Named(
            names
                .iter()
                .enumerate()
                .filter_map(|(i, n)| n.map(|n| (i + 1, n.to_string())))
                .collect(),
        )),
        _ => Err(FuncError::arg(
            0,
            format!("{func}(): the pattern cannot mix named and unnamed capture groups"),
        )),
    }
}

fn match_value(kind: &Captures, caps: &regex::Captures<'_>) -> Value {
    let group = |i: usize| caps.get(i).map_or(Value::Null, |m| Value::from(m.as_str()));
    match kind {
        Captures::Whole => group(0),
        Captures::Positional => Value::List((1..caps.len()).map(group).collect()),
        Captures::Named(names) => Value::Map(
            names
                .iter()
                .map(|(i, name)| (name.clone(), group(*i)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

/// `regex(pattern, string)`: the first match; no match is an error.
fn regex(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let re = compile("regex", 0, text(&args, 0))?;
    let kind = captures_kind("regex", &re)?;
    let s = text(&args, 1);
    let caps = re.captures(s).ok_or_else(|| {
        FuncError::arg(
            1,
            format!(
                "regex(): pattern did not match any part of the given string {}",
                describe(&args[1])
            ),
        )
    })?;
    Ok(match_value(&kind, &caps))
}

/// `regexall(pattern, string)`: every match, possibly none.
fn regexall(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let re = compile("regexall", 0, text(&args, 0))?;
    let kind = captures_kind("regexall", &re)?;
    let all = re
        .captures_iter(text(&args, 1))
        .map(|caps| match_value(&kind, &caps))
        .collect();
    Ok(Value::List(all))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn ok(name: &str, args: Vec<Value>) -> Value {
        call_fn(name, args).unwrap_or_else(|e| panic!("{name}: {}", e.message))
    }

    fn err(name: &str, args: Vec<Value>) -> FuncError {
        call_fn(name, args).expect_err("expected an error")
    }

    fn s(v: &str) -> Value {
        Value::from(v)
    }

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
    fn replace_literal_and_regex() {
        // Documented: replace("1 + 2 + 3", "+", "-") = "1 - 2 - 3";
        // replace("hello world", "/w.*d/", "everybody") = "hello everybody".
        assert_eq!(
            ok("replace", vec![s("1 + 2 + 3"), s("+"), s("-")]),
            s("1 - 2 - 3")
        );
        assert_eq!(
            ok(
                "replace",
                vec![s("hello world"), s("/w.*d/"), s("everybody")]
            ),
            s("hello everybody")
        );
        assert_eq!(
            ok(
                "replace",
                vec![s("key=value"), s("/(\\w+)=(\\w+)/"), s("$2=$1")]
            ),
            s("value=key")
        );
        assert_eq!(
            ok("replace", vec![s("a1b22"), s("/(?P<d>\\d+)/"), s("<${d}>")]),
            s("a<1>b<22>")
        );
        // A lone slash is a literal search.
        assert_eq!(ok("replace", vec![s("a/b"), s("/"), s("-")]), s("a-b"));
        let e = err("replace", vec![s("x"), s("/(/"), s("y")]);
        assert_eq!(e.arg, Some(1));
        assert!(
            e.message
                .starts_with("replace(): invalid regular expression \"(\""),
            "{}",
            e.message
        );
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
    fn regex_results_follow_the_capture_groups() {
        // Documented: regex("[a-z]+", "53453453.345345aaabbbccc23454") = "aaabbbccc";
        // regex("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01") = ["2019", "02", "01"];
        // regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")
        // = { authority = "terraform.io", scheme = "https" }.
        assert_eq!(
            ok(
                "regex",
                vec![s("[a-z]+"), s("53453453.345345aaabbbccc23454")]
            ),
            s("aaabbbccc")
        );
        assert_eq!(
            ok(
                "regex",
                vec![s(r"(\d\d\d\d)-(\d\d)-(\d\d)"), s("2019-02-01")]
            ),
            strs(&["2019", "02", "01"])
        );
        assert_eq!(
            ok(
                "regex",
                vec![
                    s("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?"),
                    s("https://terraform.io/docs/")
                ]
            ),
            Value::map([("authority", s("terraform.io")), ("scheme", s("https"))])
        );
        // A group that did not take part in the match is null.
        assert_eq!(
            ok("regex", vec![s("(a)|(b)"), s("b")]),
            Value::List(vec![Value::Null, s("b")])
        );
        let e = err("regex", vec![s("[a-z]+"), s("123")]);
        assert_eq!(e.arg, Some(1));
        assert!(e.message.contains("pattern did not match"), "{}", e.message);
        let e = err("regex", vec![s("(?P<a>x)(y)"), s("xy")]);
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("cannot mix"), "{}", e.message);
        assert_eq!(err("regex", vec![s("a{"), s("a")]).arg, Some(0));
    }

    #[test]
    fn regexall_lists_every_match() {
        // Documented: regexall("[a-z]+", "1234abcd5678efgh9") = ["abcd", "efgh"];
        // length(regexall("[a-z]+", "1234abcd5678efgh9")) = 2; regexall("[a-z]+", "123") = [].
        assert_eq!(
            ok("regexall", vec![s("[a-z]+"), s("1234abcd5678efgh9")]),
            strs(&["abcd", "efgh"])
        );
        assert_eq!(ok("regexall", vec![s("[a-z]+"), s("123")]), strs(&[]));
        assert_eq!(
            ok("regexall", vec![s(r"(\w)=(\d)"), s("a=1 b=2")]),
            Value::List(vec![strs(&["a", "1"]), strs(&["b", "2"])])
        );
        let e = err("regexall", vec![s("("), s("x")]);
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("regexall()"), "{}", e.message);
    }
}
