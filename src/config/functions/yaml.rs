//! `yamlencode`: a small re-creation of the go-yaml (libyaml) emitter as Terraform drives it, so
//! that the output matches byte for byte: double-quoted strings (folded at 80 columns), literal
//! blocks for multi-line strings, block collections indented by 2, `[]`/`{}` for empty ones.

use super::{FuncCtx, FuncError, FuncSpec, Param};
use crate::config::value::{Value, format_number};

pub(super) const FUNCTIONS: &[FuncSpec] = &[FuncSpec {
    name: "yamlencode",
    params: &[Param::Any],
    variadic: None,
    unknown_aware: false,
    imp: yamlencode,
}];

const BEST_INDENT: i64 = 2;
const BEST_WIDTH: usize = 80;

fn yamlencode(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    yaml_encode(&args[0])
        .map(Value::String)
        .ok_or_else(|| FuncError::arg(0, "yamlencode(): the value is not known yet"))
}

/// `value` as a YAML document, or `None` if any part of it is unknown.
pub(super) fn yaml_encode(value: &Value) -> Option<String> {
    let mut e = Emitter::default();
    e.node(
        value,
        Ctx {
            root: true,
            ..Ctx::default()
        },
    )?;
    // Document end, then stream end: an open-ended root scalar gets an explicit "...".
    e.write_indent();
    if e.open_ended {
        e.write_indicator("...", true, false, false);
        e.write_indent();
    }
    Some(e.out)
}

#[derive(Clone, Copy, Default)]
struct Ctx {
    root: bool,
    mapping: bool,
    simple_key: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    Double,
    Literal,
}

struct Emitter {
    out: String,
    column: usize,
    indent: i64,
    indents: Vec<i64>,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
}

impl Default for Emitter {
    fn default() -> Self {
        Emitter {
            out: String::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
            open_ended: false,
        }
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's notion of a printable character (astral-plane characters are not).
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        && c != '\u{feff}'
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_str(&mut self, s: &str) {
        for c in s.chars() {
            self.put(c);
        }
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self) {
        let indent = usize::try_from(self.indent.max(0)).unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, indicator: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        self.put_str(indicator);
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn node(&mut self, value: &Value, ctx: Ctx) -> Option<()> {
        match value {
            Value::Unknown => return None,
            Value::Null => self.scalar("null", Style::Plain, ctx),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Value::Number(n) => self.scalar(&format_number(*n), Style::Plain, ctx),
            Value::String(s) => {
                let style = if s.contains('\n') {
                    Style::Literal
                } else {
                    Style::Double
                };
                self.scalar(s, style, ctx);
            }
            Value::List(items) | Value::Set(items) if items.is_empty() => self.empty("[", "]"),
            Value::Map(map) if map.is_empty() => self.empty("{", "}"),
            Value::List(items) | Value::Set(items) => {
                self.increase_indent(false, ctx.mapping && !self.indention);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, Ctx::default())?;
                }
                self.pop_indent();
            }
            Value::Map(map) => {
                self.increase_indent(false, false);
                let in_mapping = Ctx {
                    mapping: true,
                    ..Ctx::default()
                };
                for (key, v) in map {
                    self.write_indent();
                    let simple = key.len() <= 128 && !key.chars().any(is_break);
                    if simple {
                        let ctx = Ctx {
                            simple_key: true,
                            ..in_mapping
                        };
                        self.scalar(key, Style::Double, ctx);
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.node(&Value::from(key.as_str()), in_mapping)?;
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(v, in_mapping)?;
                }
                self.pop_indent();
            }
        }
        Some(())
    }

    /// An empty collection, always in flow style.
    fn empty(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn scalar(&mut self, value: &str, requested: Style, ctx: Ctx) {
        let multiline = value.chars().any(is_break);
        let special = value.chars().any(|c| !is_printable(c));
        let trailing_space = value.ends_with(' ');
        let space_break = value
            .chars()
            .zip(value.chars().skip(1))
            .any(|(a, b)| a == ' ' && is_break(b));
        let block_allowed = !(value.is_empty() || trailing_space || space_break || special);
        let mut style = requested;
        if ctx.simple_key && multiline {
            style = Style::Double;
        }
        if style == Style::Literal && (!block_allowed || ctx.simple_key) {
            style = Style::Double;
        }
        self.increase_indent(true, false);
        match style {
            Style::Plain => {
                if !self.whitespace {
                    self.put(' ');
                }
                self.put_str(value);
                self.whitespace = false;
                self.indention = false;
                if ctx.root {
                    self.open_ended = true;
                }
            }
            Style::Double => self.double_quoted(value, !ctx.simple_key),
            Style::Literal => self.literal(value),
        }
        self.pop_indent();
    }

    fn double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    c => {
                        let v = u32::from(c);
                        let escaped = match v {
                            0..=0xff => format!("x{v:02X}"),
                            0x100..=0xffff => format!("u{v:04X}"),
                            _ => format!("U{v:08X}"),
                        };
                        self.put_str(&escaped);
                    }
                }
                spaces = false;
            } else if c == ' ' {
                let inner = i > 0 && i + 1 < chars.len();
                if allow_breaks && !spaces && self.column > BEST_WIDTH && inner {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        if value.starts_with(' ') || value.starts_with(is_break) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let mut tail = value.chars().rev();
        let chomp = match (tail.next(), tail.next()) {
            (Some(last), _) if !is_break(last) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(prev)) if is_break(prev) => Some("+"),
            (None, _) => Some("-"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                if c == '\n' {
                    self.put_break();
                } else {
                    self.out.push(c);
                    self.column = 0;
                }
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                    breaks = false;
                }
                self.put(c);
                self.indention = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn yaml(v: Value) -> String {
        match call_fn("yamlencode", vec![v]) {
            Ok(Value::String(s)) => s,
            other => panic!("yamlencode: {other:?}"),
        }
    }

    #[test]
    fn documented_examples() {
        // yamlencode({"a":"b", "c":"d"}), yamlencode({"foo":[1, 2, 3], "bar": "baz"}) and
        // yamlencode({"foo":[1, {"a":"b","c":"d"}, 3], "bar": "baz"}) from the Terraform docs.
        assert_eq!(
            yaml(Value::map([("a", s("b")), ("c", s("d"))])),
            "\"a\": \"b\"\n\"c\": \"d\"\n"
        );
        assert_eq!(
            yaml(Value::map([
                ("foo", nums(&[1.0, 2.0, 3.0])),
                ("bar", s("baz"))
            ])),
            "\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n"
        );
        let inner = Value::map([("a", s("b")), ("c", s("d"))]);
        assert_eq!(
            yaml(Value::map([
                (
                    "foo",
                    Value::List(vec![Value::from(1.0), inner, Value::from(3.0)])
                ),
                ("bar", s("baz")),
            ])),
            "\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n- 3\n"
        );
    }

    #[test]
    fn scalars_at_the_root() {
        // go-cty-yaml's own tests: true → "true\n...\n", "" → "\"\"\n", null → "null\n...\n".
        assert_eq!(yaml(Value::Bool(true)), "true\n...\n");
        assert_eq!(yaml(s("")), "\"\"\n");
        assert_eq!(yaml(s("hello")), "\"hello\"\n");
        assert_eq!(yaml(Value::from(0.0)), "0\n...\n");
        assert_eq!(yaml(Value::Null), "null\n...\n");
        assert_eq!(yaml(Value::List(vec![])), "[]\n");
        assert_eq!(yaml(Value::map::<&str>([])), "{}\n");
        assert_eq!(yaml(strs(&["b"])), "- \"b\"\n");
    }

    #[test]
    fn nesting() {
        let v = Value::map([
            ("a", Value::map([("b", s("c")), ("d", Value::List(vec![]))])),
            ("e", Value::List(vec![strs(&["x", "y"]), Value::Null])),
            ("f", Value::map::<&str>([])),
            ("g", Value::from(2.5)),
        ]);
        assert_eq!(
            yaml(v),
            "\"a\":\n  \"b\": \"c\"\n  \"d\": []\n\"e\":\n- - \"x\"\n  - \"y\"\n- null\n\"f\": {}\n\"g\": 2.5\n"
        );
        let v = Value::List(vec![Value::map([("a", nums(&[1.0, 2.0]))])]);
        assert_eq!(yaml(v), "- \"a\":\n  - 1\n  - 2\n");
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        assert_eq!(
            yaml(Value::map([("a", s("x\ny"))])),
            "\"a\": |-\n  x\n  y\n"
        );
        assert_eq!(
            yaml(Value::map([("a", s("x\ny\n")), ("b", s("z"))])),
            "\"a\": |\n  x\n  y\n\"b\": \"z\"\n"
        );
        assert_eq!(yaml(Value::map([("a", s("x\n\n"))])), "\"a\": |+\n  x\n\n");
        assert_eq!(
            yaml(Value::map([("a", s(" x\ny"))])),
            "\"a\": |2-\n   x\n  y\n"
        );
        assert_eq!(yaml(s("a\n\nb")), "|-\n  a\n\n  b\n");
        assert_eq!(yaml(strs(&["a\nb"])), "- |-\n  a\n  b\n");
        // Trailing spaces, tabs and spaces before a line break force the quoted style.
        assert_eq!(yaml(s("a \nb")), "\"a \\nb\"\n");
        assert_eq!(yaml(s("a\tb\nc")), "\"a\\tb\\nc\"\n");
        // A key with a line break is a complex key.
        assert_eq!(
            yaml(Value::map([("k\nl", Value::from(1.0))])),
            "? |-\n  k\n  l\n: 1\n"
        );
    }

    #[test]
    fn escapes_in_double_quotes() {
        assert_eq!(
            yaml(s("say \"hi\" \\ now")),
            "\"say \\\"hi\\\" \\\\ now\"\n"
        );
        assert_eq!(yaml(s("\u{1}\u{7f}é☃")), "\"\\x01\\x7Fé☃\"\n");
        assert_eq!(yaml(s("🎉")), "\"\\U0001F389\"\n");
        assert_eq!(yaml(s("a\rb")), "\"a\\rb\"\n");
    }

    #[test]
    fn long_strings_fold_at_80_columns() {
        let words = vec!["word"; 30].join(" ");
        let out = yaml(Value::map([("k", s(&words))]));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(lines[0].len() > 80 && lines[0].len() < 90, "{out}");
        assert!(lines[1].starts_with("  word"), "{out}");
        // Folding only drops the space where the line breaks.
        let rejoined = format!("{} {}", lines[0], lines[1].trim_start());
        assert_eq!(rejoined, format!("\"k\": \"{words}\""));
        // A double space at the fold is kept with an escape.
        let spaced = format!("{}  tail", "x".repeat(85));
        let out = yaml(s(&spaced));
        assert!(out.contains("\n  \\ tail"), "{out}");
    }

    #[test]
    fn unknown_values_make_an_unknown_result() {
        let v = Value::map([("a", Value::Unknown)]);
        assert_eq!(call_fn("yamlencode", vec![v]).unwrap(), Value::Unknown);
        assert_eq!(call_fn("yamlencode", vec![]).unwrap_err().arg, None);
    }
}
