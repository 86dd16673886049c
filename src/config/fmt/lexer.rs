//! The HCL native-syntax lexer behind `aksform fmt`: source text in, tokens that keep their exact
//! source text out (whitespace between tokens is dropped; the layout pass decides it afresh).

use std::fmt;

/// What a token is. The names follow hclsyntax's token types where they have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An identifier or keyword (`resource`, `for`, `in`, `true`, `foo-bar`).
    Ident,
    /// A number literal (`1`, `1.5`, `2e10`).
    Number,
    // Operators and punctuation: `= == != < <= > >= + - * / % && || ! ? : => :: . ... , ( ) [ ] {`.
    Assign,
    EqualOp,
    NotEqual,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    And,
    Or,
    Bang,
    Question,
    Colon,
    FatArrow,
    DoubleColon,
    Dot,
    Ellipsis,
    Comma,
    OParen,
    CParen,
    OBrack,
    CBrack,
    OBrace,
    /// `}` closing a brace opened in expression mode
    CBrace,
    /// `"` opening a quoted template
    OQuote,
    /// Literal text inside a quoted template, escapes included verbatim
    QuotedLit,
    /// `"` closing a quoted template
    CQuote,
    /// `${` or `${~`
    TemplateInterp,
    /// `%{` or `%{~`
    TemplateControl,
    /// `}` or `~}` ending a template sequence
    TemplateSeqEnd,
    /// `<<EOT` or `<<-EOT`
    HeredocOpen,
    /// One content line of a heredoc, without its line ending
    HeredocLine,
    /// The closing marker of a heredoc with the whitespace before it
    HeredocClose,
    /// `# ...` or `// ...`, without the line ending
    LineComment,
    /// `/* ... */`, possibly spanning lines
    BlockComment,
    /// `\n` or `\r\n` outside of tokens
    Newline,
}

/// One token with its exact source text and 1-based start position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    /// What the token is.
    pub kind: Kind,
    /// The exact source text of the token.
    pub text: &'a str,
    /// 1-based line of the first character.
    pub line: usize,
    /// 1-based column (in characters) of the first character.
    pub column: usize,
}

/// A lexing failure: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Whether `c` may start an identifier (an approximation of Unicode `XID_Start` plus `_`).
pub(crate) fn is_id_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// Whether `c` may continue an identifier (`XID_Continue` plus `-`, approximated).
pub(crate) fn is_id_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// The lexer state: a stack of modes, because quoted templates nest expressions which nest
/// quoted templates again. An explicit stack (not recursion) keeps deep garbage from overflowing.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Expression syntax; `braces` counts `{` opened in this mode, `in_template` says whether an
    /// unmatched `}` ends a template sequence.
    Expr { braces: usize, in_template: bool },
    /// Inside `"..."`.
    Quoted,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    line: usize,
    column: usize,
    tokens: Vec<Token<'a>>,
    modes: Vec<Mode>,
}

/// Splits `src` into tokens. Never panics; malformed input yields a [`LexError`].
pub(crate) fn lex(src: &str) -> Result<Vec<Token<'_>>, LexError> {
    let mut lexer = Lexer {
        src,
        pos: 0,
        line: 1,
        column: 1,
        tokens: Vec::new(),
        modes: vec![Mode::Expr {
            braces: 0,
            in_template: false,
        }],
    };
    while lexer.pos < src.len() {
        match lexer.modes.last().copied() {
            Some(Mode::Quoted) => lexer.quoted()?,
            Some(Mode::Expr { .. }) => lexer.expr()?,
            None => return Err(lexer.error("unbalanced template nesting")),
        }
    }
    if lexer.modes.len() > 1 {
        return Err(lexer.error("unterminated string or template sequence at end of input"));
    }
    Ok(lexer.tokens)
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn error(&self, message: impl Into<String>) -> LexError {
        LexError {
            line: self.line,
            column: self.column,
            message: message.into(),
        }
    }

    /// Consumes `len` bytes (always a char boundary here), updating the position.
    fn advance(&mut self, len: usize) -> &'a str {
        let end = (self.pos + len).min(self.src.len());
        let text = self.src.get(self.pos..end).unwrap_or("");
        for c in text.chars() {
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.pos = end;
        text
    }

    fn push(&mut self, kind: Kind, len: usize) {
        let (line, column) = (self.line, self.column);
        let text = self.advance(len);
        self.tokens.push(Token {
            kind,
            text,
            line,
            column,
        });
    }

    /// One step inside a quoted template: a closing quote, a sequence opener or a literal run.
    fn quoted(&mut self) -> Result<(), LexError> {
        let rest = self.rest();
        if rest.starts_with('"') {
            self.push(Kind::CQuote, 1);
            self.modes.pop();
            return Ok(());
        }
        if rest.starts_with("${") || rest.starts_with("%{") {
            let kind = if rest.starts_with('$') {
                Kind::TemplateInterp
            } else {
                Kind::TemplateControl
            };
            let len = if rest[2..].starts_with('~') { 3 } else { 2 };
            self.push(kind, len);
            self.modes.push(Mode::Expr {
                braces: 0,
                in_template: true,
            });
            return Ok(());
        }
        let bytes = rest.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => break,
                b'\\' => {
                    // An escape: skip the backslash and the whole next character.
                    let next = rest[i + 1..].chars().next().map_or(0, char::len_utf8);
                    i += 1 + next;
                }
                b'$' | b'%'
                    if bytes.get(i + 1) == Some(&bytes[i]) && bytes.get(i + 2) == Some(&b'{') =>
                {
                    // `$${` and `%%{` are escaped template markers, literal text.
                    i += 3;
                }
                b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => break,
                _ => i += 1,
            }
        }
        let i = i.min(bytes.len());
        if i == bytes.len() {
            return Err(self.error("unterminated quoted string"));
        }
        self.push(Kind::QuotedLit, i);
        Ok(())
    }

    /// One token (or skipped whitespace) in expression syntax.
    fn expr(&mut self) -> Result<(), LexError> {
        let rest = self.rest();
        let Some(c) = rest.chars().next() else {
            return Err(self.error("lexer position is not on a character boundary"));
        };
        match c {
            ' ' | '\t' => {
                let len = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                self.advance(len);
            }
            '\n' => self.push(Kind::Newline, 1),
            '\r' if rest.starts_with("\r\n") => self.push(Kind::Newline, 2),
            '\r' => {
                // A lone carriage return is treated as insignificant whitespace.
                self.advance(1);
            }
            '#' => self.line_comment(),
            '/' if rest.starts_with("//") => self.line_comment(),
            '/' if rest.starts_with("/*") => match rest[2..].find("*/") {
                Some(end) => self.push(Kind::BlockComment, end + 4),
                None => return Err(self.error("unterminated /* comment")),
            },
            '"' => {
                self.push(Kind::OQuote, 1);
                self.modes.push(Mode::Quoted);
            }
            '<' if rest.starts_with("<<") => self.heredoc()?,
            '{' => {
                if let Some(Mode::Expr { braces, .. }) = self.modes.last_mut() {
                    *braces += 1;
                }
                self.push(Kind::OBrace, 1);
            }
            '}' => self.close_brace(1, false)?,
            '~' if rest.starts_with("~}") => self.close_brace(2, true)?,
            '0'..='9' => {
                let len = number_len(rest);
                self.push(Kind::Number, len);
            }
            c if is_id_start(c) => {
                let len = rest
                    .char_indices()
                    .find(|&(_, c)| !is_id_continue(c))
                    .map_or(rest.len(), |(i, _)| i);
                self.push(Kind::Ident, len);
            }
            _ => {
                let Some((kind, len)) = operator(rest) else {
                    return Err(self.error(format!("unexpected character {c:?}")));
                };
                self.push(kind, len);
            }
        }
        Ok(())
    }

    fn line_comment(&mut self) {
        let rest = self.rest();
        let mut len = rest.find('\n').unwrap_or(rest.len());
        if rest[..len].ends_with('\r') {
            len -= 1;
        }
        self.push(Kind::LineComment, len);
    }

    /// `}` or `~}`: closes an expression brace, or ends the innermost template sequence.
    fn close_brace(&mut self, len: usize, strip: bool) -> Result<(), LexError> {
        match self.modes.last_mut() {
            Some(Mode::Expr { braces, .. }) if *braces > 0 && !strip => {
                *braces -= 1;
                self.push(Kind::CBrace, len);
            }
            Some(Mode::Expr {
                in_template: true, ..
            }) => {
                self.push(Kind::TemplateSeqEnd, len);
                self.modes.pop();
            }
            _ if !strip => self.push(Kind::CBrace, len),
            _ => return Err(self.error("unexpected `~}` outside a template sequence")),
        }
        Ok(())
    }

    /// `<<EOT` / `<<-EOT`, its content lines verbatim, and its closing marker.
    fn heredoc(&mut self) -> Result<(), LexError> {
        let rest = self.rest();
        let after = rest[2..].strip_prefix('-').unwrap_or(&rest[2..]);
        let marker_len = match after.chars().next() {
            Some(c) if is_id_start(c) => after
                .char_indices()
                .find(|&(_, c)| !is_id_continue(c))
                .map_or(after.len(), |(i, _)| i),
            // Not a heredoc: two less-than operators (which the parser would reject).
            _ => {
                self.push(Kind::Less, 1);
                return Ok(());
            }
        };
        let marker = &after[..marker_len];
        let open_len = rest.len() - after.len() + marker_len;
        let line_end = &rest[open_len..];
        let ending = if line_end.starts_with('\n') {
            1
        } else if line_end.starts_with("\r\n") {
            2
        } else {
            return Err(self.error("a heredoc marker must be followed by a newline"));
        };
        self.push(Kind::HeredocOpen, open_len);
        self.advance(ending);
        loop {
            let rest = self.rest();
            let (line, has_newline) = match rest.find('\n') {
                Some(i) => (&rest[..i], true),
                None => (rest, false),
            };
            let trimmed = line.trim_start_matches([' ', '\t']);
            if let Some(after_marker) = trimmed.strip_prefix(marker)
                && !after_marker.chars().next().is_some_and(is_id_continue)
            {
                let close_len = line.len() - trimmed.len() + marker.len();
                self.push(Kind::HeredocClose, close_len);
                return Ok(());
            }
            if !has_newline {
                return Err(self.error(format!("unterminated heredoc, expected `{marker}`")));
            }
            let content = line.strip_suffix('\r').unwrap_or(line);
            self.push(Kind::HeredocLine, content.len());
            self.advance(line.len() - content.len() + 1);
        }
    }
}

/// Length of the number literal at the start of `s` (which starts with a digit).
fn number_len(s: &str) -> usize {
    let b = s.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i = digits(0);
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1 + digits(i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        if b.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
            i += 1 + sign + digits(i + 1 + sign);
        }
    }
    i
}

/// The operator or punctuation token at the start of `s`, longest match first.
fn operator(s: &str) -> Option<(Kind, usize)> {
    use Kind::*;
    const TEXTS: [&str; 26] = [
        "...", "=>", "==", "!=", "<=", ">=", "&&", "||", "::", "=", "<", ">", "+", "-", "*", "/",
        "%", "!", "?", ":", ".", ",", "(", ")", "[", "]",
    ];
    #[rustfmt::skip]
    const KINDS: [Kind; 26] = [
        Ellipsis, FatArrow, EqualOp, NotEqual, LessEq, GreaterEq, And, Or, DoubleColon, Assign,
        Less, Greater, Plus, Minus, Star, Slash, Percent, Bang, Question, Colon, Dot, Comma,
        OParen, CParen, OBrack, CBrack,
    ];
    TEXTS
        .iter()
        .zip(KINDS)
        .find(|(op, _)| s.starts_with(*op))
        .map(|(op, kind)| (kind, op.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Kind::*;

    fn kinds(src: &str) -> Vec<Kind> {
        lex(src).unwrap().iter().map(|t| t.kind).collect()
    }

    fn texts(src: &str) -> Vec<&str> {
        lex(src).unwrap().iter().map(|t| t.text).collect()
    }

    #[test]
    fn attribute_tokens_with_positions() {
        let shown: Vec<String> = lex("a = 1\n  bb=\"x\"")
            .unwrap()
            .iter()
            .map(|t| format!("{:?}:{:?}@{}:{}", t.kind, t.text, t.line, t.column))
            .collect();
        assert_eq!(
            shown.join(" "),
            "Ident:\"a\"@1:1 Assign:\"=\"@1:3 Number:\"1\"@1:5 Newline:\"\\n\"@1:6 Ident:\"bb\"@2:3 \
             Assign:\"=\"@2:5 OQuote:\"\\\"\"@2:6 QuotedLit:\"x\"@2:7 CQuote:\"\\\"\"@2:8"
        );
    }

    #[test]
    fn operators_take_the_longest_match() {
        assert_eq!(
            texts("a<=b>=c==d!=e=>f...g::h&&i||!j<k>l?m:n"),
            [
                "a", "<=", "b", ">=", "c", "==", "d", "!=", "e", "=>", "f", "...", "g", "::", "h",
                "&&", "i", "||", "!", "j", "<", "k", ">", "l", "?", "m", ":", "n"
            ]
        );
        assert_eq!(
            kinds("+-*/%.,()[]{}"),
            [
                Plus, Minus, Star, Slash, Percent, Dot, Comma, OParen, CParen, OBrack, CBrack,
                OBrace, CBrace
            ]
        );
    }

    #[test]
    fn numbers_and_legacy_indexes() {
        assert_eq!(
            texts("1 1.5 2e10 1.5e-3 7E+2"),
            ["1", "1.5", "2e10", "1.5e-3", "7E+2"]
        );
        assert_eq!(texts("a.0.b"), ["a", ".", "0", ".", "b"]);
        assert_eq!(texts("a.0.1"), ["a", ".", "0.1"]);
        assert_eq!(texts("1.x 2e"), ["1", ".", "x", "2", "e"]);
    }

    #[test]
    fn identifiers_may_contain_dashes_and_unicode() {
        assert_eq!(
            texts("foo-bar _x é-1 a - b"),
            ["foo-bar", "_x", "é-1", "a", "-", "b"]
        );
    }

    #[test]
    fn quoted_templates_nest_expressions_and_quotes() {
        assert_eq!(
            texts(r#""a${f("}", {b = "${c}"})}d""#),
            [
                "\"", "a", "${", "f", "(", "\"", "}", "\"", ",", "{", "b", "=", "\"", "${", "c",
                "}", "\"", "}", ")", "}", "d", "\""
            ]
        );
        assert_eq!(
            format!("{:?}", kinds(r#""%{~ if x ~}y%{ endif }""#)),
            "[OQuote, TemplateControl, Ident, Ident, TemplateSeqEnd, QuotedLit, TemplateControl, \
             Ident, TemplateSeqEnd, CQuote]"
        );
        assert_eq!(texts(r#""${~x~}""#), ["\"", "${~", "x", "~}", "\""]);
    }

    #[test]
    fn escapes_stay_inside_literals() {
        assert_eq!(
            texts(r#""$${a} %%{b} \"q\" \\""#),
            ["\"", r#"$${a} %%{b} \"q\" \\"#, "\""]
        );
    }

    #[test]
    fn heredocs_keep_lines_verbatim() {
        let src = "x = <<-EOT\n  a ${b}  \n\tc\n  EOT\ny = 1";
        assert_eq!(
            texts(src),
            [
                "x",
                "=",
                "<<-EOT",
                "  a ${b}  ",
                "\tc",
                "  EOT",
                "\n",
                "y",
                "=",
                "1"
            ]
        );
        assert_eq!(
            format!("{:?}", &kinds(src)[2..6]),
            "[HeredocOpen, HeredocLine, HeredocLine, HeredocClose]"
        );
    }

    #[test]
    fn heredoc_close_may_be_followed_by_code() {
        assert_eq!(
            kinds("f(<<EOT\nEOTX\nEOT)"),
            [
                Ident,
                OParen,
                HeredocOpen,
                HeredocLine,
                HeredocClose,
                CParen
            ]
        );
        assert_eq!(
            texts("<<EOT\r\na\r\nEOT\r\n"),
            ["<<EOT", "a", "EOT", "\r\n"]
        );
    }

    #[test]
    fn comments_exclude_their_line_ending() {
        assert_eq!(
            texts("# a \r\n// b\n/* c\n d */ x"),
            ["# a ", "\r\n", "// b", "\n", "/* c\n d */", "x"]
        );
        assert_eq!(kinds("a /**/ b"), [Ident, BlockComment, Ident]);
    }

    #[test]
    fn errors_have_positions() {
        let err = |src: &str| lex(src).map(|_| ()).unwrap_err();
        assert_eq!((err("a = \"x").line, err("a = \"x").column), (1, 6));
        assert!(err("a = \"x").message.contains("unterminated"));
        let e = err("a = 1\nb = /* x");
        assert_eq!((e.line, e.column), (2, 5));
        let e = err("x = <<EOT\nabc\n");
        assert!(e.message.contains("EOT"), "{e}");
        assert!(err("x = <<EOT y\nEOT\n").message.contains("newline"));
        assert_eq!(err("a = @").column, 5);
        assert!(err("a = ~").message.contains("unexpected"));
        assert!(err("a = \"${x").message.contains("unterminated"));
    }

    #[test]
    fn tokens_cover_every_non_whitespace_character() {
        let src = "r \"x\" {\n  a = [1, \"${b[\"k\"]}\"] # c\n  h = <<EOT\n q \nEOT\n}\n";
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let joined: String = lex(src).unwrap().iter().map(|t| t.text).collect();
        assert_eq!(strip(&joined), strip(src));
    }

    #[test]
    fn every_prefix_lexes_or_errors_without_panicking() {
        let src = "a = \"${f(\"x\", {b = 1})}\" # c\nh = <<-EOT\n  é\r\n  EOT\n/* d */ z = -1";
        for (end, _) in src.char_indices() {
            let _ = lex(&src[..end]);
        }
    }
}
