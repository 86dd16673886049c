//! Terraform's regular expression functions: `regex`, `regexall` and `replace` (whose search
//! string is a regular expression when wrapped in slashes). Patterns use RE2 syntax, which the
//! `regex` crate shares.

use std::collections::BTreeMap;

use regex::Regex;

use super::support::describe;
use super::{FuncCtx, FuncError, FuncSpec, Param, simple};
use crate::config::value::{Value, quote};

pub(super) const FUNCTIONS: &[FuncSpec] = &[
    simple(
        "replace",
        &[Param::String, Param::String, Param::String],
        replace,
    ),
    simple("regex", &[Param::String, Param::String], regex),
    simple("regexall", &[Param::String, Param::String], regexall),
];

/// The string in argument `i` (the registry has already converted it).
fn text(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or_default()
}

/// `replace(string, search, replacement)`: a search string wrapped in slashes is a regular
/// expression whose replacement may use `$1` and `${name}`; otherwise the search is literal.
fn replace(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let (s, search, replacement) = (text(&args, 0), text(&args, 1), text(&args, 2));
    if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
        let re = compile("replace", 1, &search[1..search.len() - 1])?;
        return Ok(Value::String(re.replace_all(s, replacement).into_owned()));
    }
    Ok(Value::String(s.replace(search, replacement)))
}

/// Compiles a regular expression (RE2 syntax, which the `regex` crate shares), reporting errors
/// against argument `index` of `func`.
fn compile(func: &str, index: usize, pattern: &str) -> Result<Regex, FuncError> {
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
