//! The canonical layout of `aksform fmt`: indentation, spacing and alignment modelled on
//! hashicorp/hcl's hclwrite formatter (`format.go`), plus aksform's blank-line rules.
//!
//! Like hclwrite, the layout only ever changes the whitespace between tokens: lines are never
//! split or joined (blank lines aside), and token text is copied verbatim, so string literals,
//! heredoc bodies and comment text come out as they went in.

use super::lexer::{Kind, Token};

/// One logical line: the tokens up to a newline token (multi-line tokens such as heredocs and
/// `/* */` comments stay inside the line that starts them), split into hclwrite's three cells:
/// `lead`, `assign` (from the `=` of a single-line attribute) and `comment` (a trailing line
/// comment).
#[derive(Debug)]
struct Line<'a> {
    toks: Vec<Token<'a>>,
    /// The number of spaces before each token; `spaces[0]` is the indentation.
    spaces: Vec<usize>,
    /// Index of the first token of the assign cell.
    assign: Option<usize>,
    /// Index of the comment cell.
    comment: Option<usize>,
}

impl<'a> Line<'a> {
    /// Splits a line into cells the way hclwrite's `linesForFormat` does.
    fn new(toks: Vec<Token<'a>>) -> Self {
        let comment = (toks.len() > 1 && toks.last().is_some_and(|t| t.kind == Kind::LineComment))
            .then(|| toks.len() - 1);
        let code_end = comment.unwrap_or(toks.len());
        // Only the first `=` counts, and only when the rest of the line is a whole expression
        // (balanced brackets); `a = {` opens a multi-line value and has no assign cell.
        let assign = toks
            .iter()
            .take(code_end)
            .position(|t| t.kind == Kind::Assign)
            .filter(|&i| i > 0 && net_brackets(&toks[i..code_end]) == 0);
        let spaces = vec![0; toks.len()];
        Line {
            toks,
            spaces,
            assign,
            comment,
        }
    }

    fn lead_end(&self) -> usize {
        self.assign.or(self.comment).unwrap_or(self.toks.len())
    }

    fn code_end(&self) -> usize {
        self.comment.unwrap_or(self.toks.len())
    }

    /// The display column reached after `self.toks[..end]`, hclwrite's `Tokens.Columns()` except
    /// that a token spanning lines restarts the count on its last line.
    fn columns(&self, end: usize) -> usize {
        let mut col = 0;
        for (tok, &spaces) in self.toks.iter().zip(&self.spaces).take(end) {
            match tok.kind {
                Kind::HeredocLine | Kind::HeredocClose => col = width(tok.text),
                _ => match tok.text.rfind('\n') {
                    Some(nl) => col = width(&tok.text[nl + 1..]),
                    None => col += spaces + width(tok.text),
                },
            }
        }
        col
    }

    fn is_blank(&self) -> bool {
        self.toks.is_empty()
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// hclwrite's `tokenBracketChange`: template sequence openers count as brackets too.
fn bracket_change(kind: Kind) -> i64 {
    match kind {
        Kind::OBrace
        | Kind::OBrack
        | Kind::OParen
        | Kind::TemplateInterp
        | Kind::TemplateControl => 1,
        Kind::CBrace | Kind::CBrack | Kind::CParen | Kind::TemplateSeqEnd => -1,
        _ => 0,
    }
}

fn net_brackets(toks: &[Token<'_>]) -> i64 {
    toks.iter().map(|t| bracket_change(t.kind)).sum()
}

/// Lays out a whole token stream (as produced by [`super::lexer::lex`]) canonically.
pub(crate) fn layout(tokens: &[Token<'_>]) -> String {
    let mut lines = lines_for_format(tokens);
    format_indent(&mut lines);
    format_spaces(&mut lines);
    format_cells(&mut lines);
    let blank_before = top_level_separators(&lines);
    assemble(&lines, &blank_before)
}

fn lines_for_format<'a>(tokens: &[Token<'a>]) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let mut current = Vec::new();
    for tok in tokens {
        if tok.kind == Kind::Newline {
            lines.push(Line::new(std::mem::take(&mut current)));
        } else {
            current.push(*tok);
        }
    }
    lines.push(Line::new(current));
    lines
}

/// hclwrite's `formatIndent`: two spaces per level of the indent stack. A line with a net
/// increase in brackets pushes its count; a net decrease pops levels until it is used up, so
/// lines like `}, {` or `])` stay sensible even when brackets are not symmetrical per line.
fn format_indent(lines: &mut [Line<'_>]) {
    let mut indents: Vec<i64> = Vec::new();
    for line in lines.iter_mut() {
        if line.is_blank() {
            continue;
        }
        let net = net_brackets(&line.toks[..line.code_end()]);
        if net < 0 {
            let mut closed = -net;
            while closed > 0 {
                let Some(top) = indents.last_mut() else { break };
                if closed >= *top {
                    closed -= *top;
                    indents.pop();
                } else {
                    *top -= closed;
                    closed = 0;
                }
            }
        }
        line.spaces[0] = 2 * indents.len();
        if net > 0 {
            indents.push(net);
        }
    }
}

/// hclwrite's `formatSpaces`: spacing inside the lead and assign cells by [`space_after`].
fn format_spaces(lines: &mut [Line<'_>]) {
    for line in lines.iter_mut() {
        let (lead_end, code_end) = (line.lead_end(), line.code_end());
        space_cell(line, 0, lead_end);
        if let Some(assign) = line.assign {
            line.spaces[assign] = 1;
            space_cell(line, assign, code_end);
        }
    }
}

fn space_cell(line: &mut Line<'_>, start: usize, end: usize) {
    for i in start..end.saturating_sub(1) {
        let before = (i > start).then(|| &line.toks[i - 1]);
        let space = space_after(&line.toks[i], before, &line.toks[i + 1]);
        line.spaces[i + 1] = usize::from(space);
    }
}

/// hclwrite's `spaceAfterToken`: whether `subject` wants one space before `after`. `before` is
/// `None` when `subject` starts its cell.
fn space_after(subject: &Token<'_>, before: Option<&Token<'_>>, after: &Token<'_>) -> bool {
    use Kind::*;
    let (s, a) = (subject.kind, after.kind);
    match (s, a) {
        (_, Newline) => false,
        // A function name sticks to its argument list, namespace parts to each other.
        (Ident, OParen | DoubleColon) | (DoubleColon, Ident) => false,
        (Dot, _) | (_, Dot) => false,
        (_, Comma | Ellipsis) => false,
        (Comma, _) => true,
        // Nothing is added inside template literals or heredocs.
        (QuotedLit | OQuote | HeredocOpen | HeredocLine, _)
        | (_, QuotedLit | CQuote | HeredocLine | HeredocClose) => false,
        // `for x in [a, b]`, not `in[a, b]`.
        (Ident, _) if subject.text == "in" && before.is_some_and(|b| b.kind == Ident) => true,
        (Ident | Number, OBrack) => false,
        (_, OBrack) if bracket_change(s) < 0 => false,
        (Bang, _) => false,
        (Minus, _) => !is_negation(before),
        // Braces are spaced on both sides, except `{}`.
        (OBrace, CBrace) => false,
        (OBrace, _) | (_, CBrace) => true,
        (TemplateInterp | TemplateControl, OBrace) | (CBrace, TemplateSeqEnd) => true,
        (TemplateSeqEnd, TemplateInterp | TemplateControl) => false,
        // No space after an opener or before a closer; everything else is space-separated.
        _ => bracket_change(s) <= 0 && bracket_change(a) >= 0,
    }
}

/// hclwrite's heuristic for a unary minus: the token before cannot end an operand. Beyond
/// hclwrite, `=>` and template sequence openers also count (`k => -v`, `"${-x}"`).
fn is_negation(before: Option<&Token<'_>>) -> bool {
    use Kind::*;
    before.is_none_or(|b| {
        matches!(
            b.kind,
            OParen
                | OBrace
                | OBrack
                | Assign
                | Colon
                | Comma
                | Question
                | Plus
                | Star
                | Slash
                | Percent
                | Minus
                | EqualOp
                | NotEqual
                | Greater
                | GreaterEq
                | Less
                | LessEq
                | And
                | Or
                | Bang
                | FatArrow
                | TemplateInterp
                | TemplateControl
        )
    })
}

/// hclwrite's `formatCells`: vertically align the `=` of consecutive single-line attributes, then
/// the trailing comments of consecutive lines. Any line without such a cell (a blank line, a block
/// header, a multi-line value's first or last line, an own-line comment) ends the run.
fn format_cells(lines: &mut [Line<'_>]) {
    align(lines, |line| line.assign, |line| line.lead_end());
    align(lines, |line| line.comment, |line| line.code_end());
}

fn align(
    lines: &mut [Line<'_>],
    cell: impl Fn(&Line<'_>) -> Option<usize>,
    before_cell: impl Fn(&Line<'_>) -> usize,
) {
    let mut start = 0;
    while start < lines.len() {
        let run = lines[start..]
            .iter()
            .take_while(|l| cell(l).is_some())
            .count();
        if run == 0 {
            start += 1;
            continue;
        }
        let chain = &mut lines[start..start + run];
        let max = chain
            .iter()
            .map(|l| l.columns(before_cell(l)))
            .max()
            .unwrap_or(0);
        for line in chain.iter_mut() {
            let cols = line.columns(before_cell(line));
            if let Some(i) = cell(line) {
                line.spaces[i] = max - cols + 1;
            }
        }
        start += run;
    }
}

/// Marks the lines before which a blank line must go so that top-level blocks are separated by
/// exactly one: when a block (with any comment lines directly above it) follows the closing line
/// of the previous top-level block.
fn top_level_separators(lines: &[Line<'_>]) -> Vec<bool> {
    let n = lines.len();
    let mut depth = vec![0i64; n + 1];
    for (i, line) in lines.iter().enumerate() {
        depth[i + 1] = (depth[i] + net_brackets(&line.toks)).max(0);
    }
    let is_top_comment = |i: usize| {
        depth[i] == 0
            && !lines[i].is_blank()
            && lines[i]
                .toks
                .iter()
                .all(|t| matches!(t.kind, Kind::LineComment | Kind::BlockComment))
    };
    let mut blank_before = vec![false; n];
    let mut prev_end: Option<usize> = None;
    let mut i = 0;
    while i < n {
        if depth[i] != 0 || !is_block_header(&lines[i].toks) {
            i += 1;
            continue;
        }
        let mut start = i;
        while start > 0 && Some(start - 1) != prev_end && is_top_comment(start - 1) {
            start -= 1;
        }
        if start > 0 && Some(start - 1) == prev_end {
            blank_before[start] = true;
        }
        let mut end = i;
        while end + 1 < n && depth[end + 1] != 0 {
            end += 1;
        }
        prev_end = Some(end);
        i = end + 1;
    }
    blank_before
}

/// Whether a line opens a block: an identifier, then labels (identifiers or plain quoted
/// strings), then `{`.
fn is_block_header(toks: &[Token<'_>]) -> bool {
    if toks.first().is_none_or(|t| t.kind != Kind::Ident) {
        return false;
    }
    let mut rest = &toks[1..];
    loop {
        match rest {
            [first, tail @ ..] if first.kind == Kind::Ident => rest = tail,
            [open, lit, close, tail @ ..]
                if open.kind == Kind::OQuote
                    && lit.kind == Kind::QuotedLit
                    && close.kind == Kind::CQuote =>
            {
                rest = tail;
            }
            [open, close, tail @ ..] if open.kind == Kind::OQuote && close.kind == Kind::CQuote => {
                rest = tail;
            }
            [first, ..] => return first.kind == Kind::OBrace,
            [] => return false,
        }
    }
}

fn render(line: &Line<'_>, out: &mut String) {
    for (tok, &spaces) in line.toks.iter().zip(&line.spaces) {
        match tok.kind {
            Kind::HeredocLine | Kind::HeredocClose => {
                out.push('\n');
                out.push_str(tok.text);
            }
            Kind::LineComment => {
                out.extend(std::iter::repeat_n(' ', spaces));
                out.push_str(tok.text.trim_end());
            }
            _ => {
                out.extend(std::iter::repeat_n(' ', spaces));
                out.push_str(&tok.text.replace("\r\n", "\n"));
            }
        }
    }
}

/// Joins the lines: no blank lines at the start or end, runs of blank lines collapsed to one,
/// the required separators inserted, and exactly one final newline.
fn assemble(lines: &[Line<'_>], blank_before: &[bool]) -> String {
    let mut out = String::new();
    let mut pending_blank = false;
    for (line, &separate) in lines.iter().zip(blank_before) {
        if line.is_blank() {
            pending_blank = !out.is_empty();
            continue;
        }
        if (pending_blank || separate) && !out.is_empty() {
            out.push('\n');
        }
        pending_blank = false;
        render(line, &mut out);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::fmt::lexer::lex;

    fn fmt(src: &str) -> String {
        layout(&lex(src).unwrap())
    }

    /// Spacing between the first two tokens of `src` by `space_after`.
    fn spaced(src: &str) -> bool {
        let toks = lex(src).unwrap();
        space_after(&toks[0], None, &toks[1])
    }

    #[test]
    fn space_after_rules() {
        assert!(!spaced("f("), "function name and paren");
        assert!(!spaced("a."), "no space before a dot");
        assert!(!spaced(".a"), "no space after a dot");
        assert!(!spaced("a,"), "no space before a comma");
        assert!(spaced(",a"), "space after a comma");
        assert!(!spaced("a..."), "no space before an ellipsis");
        assert!(!spaced("a["), "index sticks to identifier");
        assert!(!spaced(")["), "index sticks to a closer");
        assert!(spaced("=["), "but not to an operator");
        assert!(!spaced("!a"), "bang sticks");
        assert!(!spaced("-a"), "minus at the start is a negation");
        assert!(spaced("{a"), "braces are spaced inside");
        assert!(spaced("a}"), "braces are spaced inside");
        assert!(!spaced("{}"), "but empty braces are not");
        assert!(!spaced("(a"), "no space after an opener");
        assert!(!spaced("a)"), "no space before a closer");
        assert!(spaced("a+"), "operators are spaced");
        assert!(!spaced("p::"), "namespaces stick");
    }

    #[test]
    fn minus_uses_the_token_before() {
        let toks = lex("a - - 1").unwrap();
        assert!(
            space_after(&toks[1], Some(&toks[0]), &toks[2]),
            "binary after an operand"
        );
        assert!(
            !space_after(&toks[2], Some(&toks[1]), &toks[3]),
            "unary after an operator"
        );
        let toks = lex("k => -v").unwrap();
        assert!(
            !space_after(&toks[2], Some(&toks[1]), &toks[3]),
            "unary after =>"
        );
    }

    #[test]
    fn in_keyword_is_spaced_before_a_tuple() {
        let toks = lex("x in [").unwrap();
        assert!(space_after(&toks[1], Some(&toks[0]), &toks[2]));
        assert!(
            !space_after(&toks[1], None, &toks[2]),
            "`in` as a plain name"
        );
    }

    #[test]
    fn template_sequences() {
        assert_eq!(fmt("a = \"${ {b=1} }\""), "a = \"${ { b = 1 } }\"\n");
        assert_eq!(
            fmt("a = \"${x} ${ y }%{ if z }!%{ endif }\""),
            "a = \"${x} ${y}%{if z}!%{endif}\"\n"
        );
    }

    #[test]
    fn indent_stack_handles_asymmetric_lines() {
        assert_eq!(fmt("x = foo([\n1,\n])\n"), "x = foo([\n  1,\n])\n");
        // hclwrite's well-known `}, {` layout inside a list of objects.
        assert_eq!(
            fmt("x = [{\na = 1\n}, {\nb = 2\n}]\n"),
            "x = [{\n  a = 1\n  }, {\n  b = 2\n}]\n"
        );
        // More closers than openers never underflow.
        assert_eq!(fmt("}\n)\n]\na = 1\n"), "}\n)\n]\na = 1\n");
    }

    #[test]
    fn cells_split_like_hclwrite() {
        fn line(src: &str) -> Line<'_> {
            Line::new(lex(src).unwrap())
        }
        let l = line("a = { b = 1 } # c");
        assert_eq!((l.assign, l.comment), (Some(1), Some(7)));
        let l = line("a = {");
        assert_eq!((l.assign, l.comment), (None, None), "multi-line value");
        let l = line("# c");
        assert_eq!(l.comment, None, "own-line comment is lead");
        let l = line("= 1");
        assert_eq!(l.assign, None, "no assign at index 0");
        let l = line("b { c = 1 }");
        assert_eq!(l.assign, None, "unbalanced after the first =");
    }

    #[test]
    fn columns_count_characters_and_restart_on_new_lines() {
        let mut l = Line::new(lex("ä /* x\n yz */ b").unwrap());
        l.spaces = vec![0, 1, 1];
        assert_eq!(l.columns(1), 1);
        assert_eq!(l.columns(2), 6);
        assert_eq!(l.columns(3), 8);
        assert_eq!(fmt("ä = 1\nbb = 2\n"), "ä  = 1\nbb = 2\n");
    }

    #[test]
    fn block_headers() {
        let header = |src: &str| is_block_header(&lex(src).unwrap());
        assert!(header("a {"));
        assert!(header("resource \"x\" y \"\" {"));
        assert!(!header("a = {"));
        assert!(!header("\"a\" {"));
        assert!(!header("a \"${x}\" {"));
        assert!(!header("a b"));
    }

    #[test]
    fn separators_go_before_attached_comments() {
        let lines = lines_for_format(&lex("a {\n}\n# x\nb {}\nc = 1\nd {}\n").unwrap());
        assert_eq!(
            top_level_separators(&lines),
            [false, false, true, false, false, false, false]
        );
    }

    #[test]
    fn multi_line_block_comment_lines_are_verbatim() {
        assert_eq!(
            fmt("a {\n      /* one\n   two  \n  */\n}\n"),
            "a {\n  /* one\n   two  \n  */\n}\n"
        );
    }
}
