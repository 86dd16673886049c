//! `aksform fmt`: rewrites HCL source into the canonical layout (hclwrite's rules plus aksform's
//! blank-line rules), refusing to produce output that would mean something else.
//!
//! The pipeline is: parse the input with hcl-edit (for syntax errors with positions), lex it
//! ([`lexer`]), lay the tokens out ([`layout`]), then prove the result safe: it must parse to the
//! same [`hcl::Body`] as the input, and formatting it again must not change it.

mod layout;
mod lexer;
#[cfg(test)]
mod tests;

use hcl::expr::{Expression, ObjectKey, Operation, TemplateExpr, TraversalOperator};
use hcl::template::{Directive, Element, Template};
use hcl::{Body, Structure};

/// Why a source file could not be formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FmtError {
    /// The input is not valid HCL.
    #[error("{line}:{column}: {message}")]
    Parse {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the parser expected or found.
        message: String,
    },
    /// The formatter produced output that would not mean the same as the input (or that would
    /// change again when formatted). This is a bug in the formatter; nothing should be written.
    #[error("internal formatter error: formatting would change the meaning of the file ({0})")]
    Internal(String),
}

/// The innermost opening bracket (`{`, `[` or `(`) that is never closed, as 1-based line and
/// column, when the text lexes; used to point a parse error at the block that is left open instead
/// of at the end of the file.
pub fn unclosed_bracket(src: &str) -> Option<(usize, usize)> {
    let tokens = lexer::lex(src).ok()?;
    let mut stack: Vec<(lexer::Kind, usize, usize)> = Vec::new();
    for t in tokens {
        match t.kind {
            lexer::Kind::OBrace | lexer::Kind::OBrack | lexer::Kind::OParen => {
                stack.push((t.kind, t.line, t.column));
            }
            lexer::Kind::TemplateInterp | lexer::Kind::TemplateControl => {
                stack.push((lexer::Kind::OBrace, t.line, t.column));
            }
            lexer::Kind::CBrace
            | lexer::Kind::CBrack
            | lexer::Kind::CParen
            | lexer::Kind::TemplateSeqEnd => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.last().map(|&(_, line, column)| (line, column))
}

/// Formats HCL source text canonically.
///
/// # Errors
///
/// [`FmtError::Parse`] when `src` is not valid HCL, [`FmtError::Internal`] when the safety check
/// finds the result would not be equivalent to `src` or not stable under re-formatting.
pub fn format_source(src: &str) -> Result<String, FmtError> {
    let parsed = hcl_edit::parser::parse_body(src).map_err(|err| FmtError::Parse {
        line: err.location().line(),
        column: err.location().column(),
        message: err.message().to_owned(),
    })?;
    // CRLF becomes LF. That is the one deliberate change of content (inside heredocs and
    // multi-line strings), so the meaning is compared against the LF-normalised input.
    let unix = src.replace("\r\n", "\n");
    let expected = if unix.len() == src.len() {
        normalized(parsed.into())
    } else {
        semantic_body(&unix).map_err(|e| internal(format!("input with LF line endings: {e}")))?
    };
    let formatted = format_tokens(&unix)?;
    verify(&expected, &formatted)?;
    Ok(formatted)
}

/// The safety check: `formatted` must parse to the same meaning as `expected`, and formatting
/// it again must not change it.
fn verify(expected: &Body, formatted: &str) -> Result<(), FmtError> {
    let actual = semantic_body(formatted)
        .map_err(|e| internal(format!("formatted output does not parse: {e}")))?;
    if &actual != expected {
        return Err(internal(
            "the formatted output parses to a different body".into(),
        ));
    }
    if format_tokens(formatted)? != formatted {
        return Err(internal("formatting the output again changes it".into()));
    }
    Ok(())
}

/// A unified diff (`--- a/path`, `+++ b/path`, 3 lines of context) from `old` to `new`; empty
/// when they are equal.
#[must_use]
pub fn unified_diff(path_label: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path_label}"), &format!("b/{path_label}"))
        .to_string()
}

fn internal(detail: String) -> FmtError {
    FmtError::Internal(detail)
}

/// Lex and lay out, without any checks.
fn format_tokens(src: &str) -> Result<String, FmtError> {
    let tokens = lexer::lex(src).map_err(|e| internal(format!("lexer: {e}")))?;
    Ok(layout::layout(&tokens))
}

/// Parses `src` into its meaning: an [`hcl::Body`] with every quoted template re-rendered
/// canonically (the whitespace inside `${ }` and `%{ }` is insignificant, but hcl-rs keeps quoted
/// templates as raw text).
fn semantic_body(src: &str) -> Result<Body, hcl_edit::parser::Error> {
    hcl_edit::parser::parse_body(src).map(|body| normalized(body.into()))
}

/// Whether two sources mean the same: both parse, to equal normalised bodies.
#[cfg(test)]
fn same_meaning(a: &str, b: &str) -> bool {
    matches!((semantic_body(a), semantic_body(b)), (Ok(x), Ok(y)) if x == y)
}

fn normalized(mut body: Body) -> Body {
    normalize_body(&mut body);
    body
}

fn normalize_body(body: &mut Body) {
    for structure in &mut body.0 {
        match structure {
            Structure::Attribute(attr) => normalize_expr(&mut attr.expr),
            Structure::Block(block) => normalize_body(&mut block.body),
        }
    }
}

fn normalize_expr(expr: &mut Expression) {
    match expr {
        Expression::Array(items) => items.iter_mut().for_each(normalize_expr),
        Expression::Object(object) => {
            *object = std::mem::take(object)
                .into_iter()
                .map(|(mut key, mut value)| {
                    if let ObjectKey::Expression(key) = &mut key {
                        normalize_expr(key);
                    }
                    normalize_expr(&mut value);
                    (key, value)
                })
                .collect();
        }
        Expression::TemplateExpr(template) => {
            if let TemplateExpr::QuotedString(raw) = template.as_mut() {
                *raw = canonical_template(raw);
            }
        }
        Expression::Traversal(traversal) => {
            normalize_expr(&mut traversal.expr);
            for op in &mut traversal.operators {
                if let TraversalOperator::Index(index) = op {
                    normalize_expr(index);
                }
            }
        }
        Expression::FuncCall(call) => call.args.iter_mut().for_each(normalize_expr),
        Expression::Parenthesis(inner) => normalize_expr(inner),
        Expression::Conditional(cond) => {
            normalize_expr(&mut cond.cond_expr);
            normalize_expr(&mut cond.true_expr);
            normalize_expr(&mut cond.false_expr);
        }
        Expression::Operation(op) => match op.as_mut() {
            Operation::Unary(unary) => normalize_expr(&mut unary.expr),
            Operation::Binary(binary) => {
                normalize_expr(&mut binary.lhs_expr);
                normalize_expr(&mut binary.rhs_expr);
            }
        },
        Expression::ForExpr(for_expr) => {
            normalize_expr(&mut for_expr.collection_expr);
            if let Some(key) = &mut for_expr.key_expr {
                normalize_expr(key);
            }
            normalize_expr(&mut for_expr.value_expr);
            if let Some(cond) = &mut for_expr.cond_expr {
                normalize_expr(cond);
            }
        }
        _ => {}
    }
}

/// The raw text of a quoted template, parsed, normalised recursively and printed back by hcl-rs.
/// Text that does not parse is kept as it is (it then has to match exactly).
fn canonical_template(raw: &str) -> String {
    let Ok(mut template) = raw.parse::<Template>() else {
        return raw.to_owned();
    };
    normalize_template(&mut template);
    hcl::format::to_string(&template).unwrap_or_else(|_| raw.to_owned())
}

fn normalize_template(template: &mut Template) {
    for element in template.elements_mut() {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(interp) => normalize_expr(&mut interp.expr),
            Element::Directive(directive) => match directive.as_mut() {
                Directive::If(if_dir) => {
                    normalize_expr(&mut if_dir.cond_expr);
                    normalize_template(&mut if_dir.true_template);
                    if let Some(false_template) = &mut if_dir.false_template {
                        normalize_template(false_template);
                    }
                }
                Directive::For(for_dir) => {
                    normalize_expr(&mut for_dir.collection_expr);
                    normalize_template(&mut for_dir.template);
                }
            },
        }
    }
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn errors_display_position_and_message() {
        let err = FmtError::Parse {
            line: 3,
            column: 7,
            message: "unexpected token".into(),
        };
        assert_eq!(err.to_string(), "3:7: unexpected token");
        let err = FmtError::Internal("x".into());
        assert!(err.to_string().contains("would change the meaning"));
    }

    #[test]
    fn templates_are_compared_by_structure() {
        assert_eq!(canonical_template("${ a }"), canonical_template("${a}"));
        assert_eq!(
            canonical_template("%{ if b }${ \"${ c }\" }%{ endif }"),
            canonical_template("%{if b}${\"${c}\"}%{endif}")
        );
        assert_ne!(canonical_template("${a} "), canonical_template("${a}"));
        assert_eq!(canonical_template("${"), "${", "unparsable text is kept");
    }

    #[test]
    fn normalisation_reaches_nested_expressions() {
        let body = |src: &str| semantic_body(src).map_err(|e| e.to_string());
        assert_eq!(
            body("a = [{ k = f(x ? \"${ y }\" : z[\"${ w }\"]) }]\n"),
            body("a = [{ k = f(x ? \"${y}\" : z[\"${w}\"]) }]\n")
        );
        assert_eq!(
            body("b { c = [for v in l : \"${ v }\" if -v > 0] }\n"),
            body("b { c = [for v in l : \"${v}\" if -v > 0] }\n")
        );
    }

    #[test]
    fn formatting_is_refused_rather_than_wrong() {
        // Valid HCL, formatted and verified end to end.
        assert_eq!(format_source("a=1").as_deref(), Ok("a = 1\n"));
        // Invalid HCL never reaches the formatter.
        assert!(matches!(
            format_source("a = }"),
            Err(FmtError::Parse { line: 1, .. })
        ));
    }

    #[test]
    fn unified_diff_marks_a_missing_final_newline() {
        let diff = unified_diff("x.tf", "a = 1", "a = 1\n");
        assert!(diff.starts_with("--- a/x.tf\n+++ b/x.tf\n"), "{diff}");
        assert!(diff.contains("No newline at end of file"), "{diff}");
    }
}
