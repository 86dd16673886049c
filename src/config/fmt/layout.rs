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
    if a == Newline {
        false
    } else if s == Ident && a == OParen {
        // A function name sticks to its argument list.
        false
    } else if (s == Ident && a == DoubleColon) || (s == DoubleColon && a == Ident) {
        false
    } else if s == Dot || a == Dot {
        false
    } else if a == Comma || a == Ellipsis {
        false
    } else if s == Comma {
        true
    } else if matches!(s, QuotedLit | OQuote | HeredocOpen | HeredocLine)
        || matches!(a, QuotedLit | CQuote | HeredocLine | HeredocClose)
    {
        // Nothing is added inside template literals.
        false
    } else if s == Ident && subject.text == "in" && before.is_some_and(|b| b.kind == Ident) {
        // `for x in [a, b]`, not `in[a, b]`.
        true
    } else if a == OBrack && (matches!(s, Ident | Number) || bracket_change(s) < 0) {
        false
    } else if s == Bang {
        false
    } else if s == Minus {
        !is_negation(before)
    } else if s == OBrace || a == CBrace {
        // Braces are spaced on both sides, except `{}`.
        !(s == OBrace && a == CBrace)
    } else if matches!(s, TemplateInterp | TemplateControl) && a == OBrace {
        true
    } else if s == CBrace && a == TemplateSeqEnd {
        true
    } else if s == TemplateSeqEnd && matches!(a, TemplateInterp | TemplateControl) {
        false
    } else if bracket_change(s) > 0 || bracket_change(a) < 0 {
        false
    } else {
        true
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
        let run = lines[start..].iter().take_while(|l| cell(l).is_some()).count();
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
                rest = tail
            }
            [open, close, tail @ ..] if open.kind == Kind::OQuote && close.kind == Kind::CQuote => {
                rest = tail
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
