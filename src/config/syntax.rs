//! Helpers over hcl-edit's syntax tree: expressions tied to their file, spans, static traversals,
//! literals, and the references an expression makes.

use std::ops::Range;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, BlockLabel};
use hcl_edit::template::{Directive, Element, Template};

use crate::diag::{FileId, Span};

/// An expression as written, together with the file it is in.
#[derive(Debug, Clone)]
pub struct Expr {
    /// The file.
    pub file: FileId,
    /// The syntax tree (spans are byte offsets into the file).
    pub expr: Expression,
}

impl Expr {
    /// Wraps an expression of `file`.
    pub fn new(file: FileId, expr: Expression) -> Self {
        Expr { file, expr }
    }

    /// Where the expression is.
    pub fn span(&self) -> Span {
        Span::new(self.file, self.expr.span().unwrap_or(0..0))
    }

    /// The span of a sub-expression of this one.
    pub fn span_of(&self, sub: &Expression) -> Span {
        Span::new(self.file, sub.span().unwrap_or_else(|| self.range()))
    }

    fn range(&self) -> Range<usize> {
        self.expr.span().unwrap_or(0..0)
    }

    /// The string, when the expression is a plain string literal (no interpolation).
    pub fn as_literal_str(&self) -> Option<&str> {
        literal_str(&self.expr)
    }

    /// The bool, when the expression is a literal `true` or `false`.
    pub fn as_literal_bool(&self) -> Option<bool> {
        match &self.expr {
            Expression::Bool(b) => Some(*b.value()),
            _ => None,
        }
    }
}

/// The string of a plain string literal (a quoted string with no interpolation).
pub fn literal_str(expr: &Expression) -> Option<&str> {
    match expr {
        Expression::String(s) => Some(s.value().as_str()),
        _ => None,
    }
}

/// The sub-expression at a value path such as `[1]`, `.name` or `["key"].ports[0]` (the paths
/// type conversion reports), as far as `expr` spells it out with list and object literals.
pub fn locate<'e>(expr: &'e Expression, path: &str) -> &'e Expression {
    let mut current = expr;
    let mut rest = path;
    loop {
        while let Expression::Parenthesis(p) = current {
            current = p.inner();
        }
        let (next, tail) = if let Some(r) = rest.strip_prefix("[\"") {
            let Some(end) = r.find("\"]") else {
                return current;
            };
            (PathStep::Key(&r[..end]), &r[end + 2..])
        } else if let Some(r) = rest.strip_prefix('[') {
            let Some(end) = r.find(']') else {
                return current;
            };
            let Ok(i) = r[..end].parse::<usize>() else {
                return current;
            };
            (PathStep::Index(i), &r[end + 1..])
        } else if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            (PathStep::Key(&r[..end]), &r[end..])
        } else {
            return current;
        };
        let found = match (next, current) {
            (PathStep::Index(i), Expression::Array(items)) => items.iter().nth(i),
            (PathStep::Key(k), Expression::Object(obj)) => obj.iter().find_map(|(key, v)| {
                let name = match key {
                    hcl_edit::expr::ObjectKey::Ident(i) => i.value().as_str(),
                    hcl_edit::expr::ObjectKey::Expression(e) => literal_str(e)?,
                };
                (name == k).then(|| v.expr())
            }),
            _ => None,
        };
        match found {
            Some(e) => {
                current = e;
                rest = tail;
            }
            None => return current,
        }
    }
}

#[derive(Clone, Copy)]
enum PathStep<'p> {
    Index(usize),
    Key(&'p str),
}

/// A span covering a block's header: its type and labels (what diagnostics about the whole block
/// point at).
pub fn block_header_span(file: FileId, block: &Block) -> Span {
    let start = block
        .ident
        .span()
        .map_or_else(|| block.span().unwrap_or(0..0).start, |r| r.start);
    let end = block
        .labels
        .last()
        .and_then(label_span)
        .or_else(|| block.ident.span())
        .map_or(start, |r| r.end);
    Span::new(file, start..end)
}

/// The span of a block label.
pub fn label_span(label: &BlockLabel) -> Option<Range<usize>> {
    match label {
        BlockLabel::Ident(i) => i.span(),
        BlockLabel::String(s) => s.span(),
    }
}

/// One step of a static traversal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `.name`
    Attr(String),
    /// `[0]` or `.0`
    Index(u64),
    /// `["key"]`
    Key(String),
    /// `[*]` or `.*`
    Splat,
    /// An index that is not a literal (`[var.x]`).
    Dynamic,
}

/// A reference made by an expression: `var.x`, `azurerm_subnet.nodes.id`, `each.value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The root name (`var`, `local`, `module`, `data`, a resource type, `each`, ...).
    pub root: String,
    /// The steps after the root, up to the first dynamic step.
    pub steps: Vec<Step>,
    /// The byte range of the whole traversal.
    pub range: Range<usize>,
}

impl Reference {
    /// The attribute name of step `i`, if that step is `.name`.
    pub fn attr(&self, i: usize) -> Option<&str> {
        match self.steps.get(i) {
            Some(Step::Attr(a)) => Some(a),
            _ => None,
        }
    }
}

/// The root name and static steps of an expression that is a plain traversal
/// (`a.b[0]["k"]`), or `None` for anything else.
pub fn static_traversal(expr: &Expression) -> Option<(String, Vec<Step>)> {
    match expr {
        Expression::Variable(v) => Some((v.value().to_string(), Vec::new())),
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else {
                return None;
            };
            let steps = t
                .operators
                .iter()
                .map(|op| step_of(op.value()))
                .collect::<Vec<_>>();
            if steps.contains(&Step::Dynamic) {
                return None;
            }
            Some((root.value().to_string(), steps))
        }
        _ => None,
    }
}

fn step_of(op: &TraversalOperator) -> Step {
    match op {
        TraversalOperator::GetAttr(name) => Step::Attr(name.value().to_string()),
        TraversalOperator::LegacyIndex(i) => Step::Index(*i.value()),
        TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => Step::Splat,
        TraversalOperator::Index(expr) => match expr {
            Expression::Number(n) => n.value().as_u64().map_or(Step::Dynamic, Step::Index),
            Expression::String(s) => Step::Key(s.value().to_string()),
            _ => Step::Dynamic,
        },
    }
}

/// Every reference `expr` makes, in source order, leaving out names bound inside it (the
/// iteration variables of `for` expressions and template `for` directives).
pub fn references(expr: &Expression) -> Vec<Reference> {
    let mut out = Vec::new();
    let mut bound = Vec::new();
    collect(expr, &mut bound, &mut out);
    out
}

fn collect(expr: &Expression, bound: &mut Vec<String>, out: &mut Vec<Reference>) {
    match expr {
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_) => {}
        Expression::Array(items) => {
            for item in items.iter() {
                collect(item, bound, out);
            }
        }
        Expression::Object(obj) => {
            for (key, value) in obj.iter() {
                if let hcl_edit::expr::ObjectKey::Expression(k) = key {
                    // A bare name as a key is a literal in Terraform; only a parenthesized or
                    // otherwise complex key is evaluated.
                    if !matches!(k, Expression::Variable(_)) {
                        collect(k, bound, out);
                    }
                }
                collect(value.expr(), bound, out);
            }
        }
        Expression::StringTemplate(t) => collect_template(t, bound, out),
        Expression::HeredocTemplate(h) => collect_template(&h.template, bound, out),
        Expression::Parenthesis(p) => collect(p.inner(), bound, out),
        Expression::Variable(v) => {
            let name = v.value().as_str();
            if !bound.iter().any(|b| b == name) {
                out.push(Reference {
                    root: name.to_string(),
                    steps: Vec::new(),
                    range: v.span().unwrap_or(0..0),
                });
            }
        }
        Expression::Conditional(c) => {
            collect(&c.cond_expr, bound, out);
            collect(&c.true_expr, bound, out);
            collect(&c.false_expr, bound, out);
        }
        Expression::FuncCall(f) => {
            for arg in f.args.iter() {
                collect(arg, bound, out);
            }
        }
        Expression::Traversal(t) => {
            if let Expression::Variable(root) = &t.expr {
                let name = root.value().as_str();
                if !bound.iter().any(|b| b == name) {
                    let steps = t
                        .operators
                        .iter()
                        .map(|op| step_of(op.value()))
                        .take_while(|s| *s != Step::Dynamic)
                        .collect();
                    out.push(Reference {
                        root: name.to_string(),
                        steps,
                        range: t.span().unwrap_or(0..0),
                    });
                }
            } else {
                collect(&t.expr, bound, out);
            }
            for op in &t.operators {
                if let TraversalOperator::Index(index) = op.value() {
                    collect(index, bound, out);
                }
            }
        }
        Expression::UnaryOp(u) => collect(&u.expr, bound, out),
        Expression::BinaryOp(b) => {
            collect(&b.lhs_expr, bound, out);
            collect(&b.rhs_expr, bound, out);
        }
        Expression::ForExpr(f) => {
            collect(&f.intro.collection_expr, bound, out);
            let before = bound.len();
            if let Some(k) = &f.intro.key_var {
                bound.push(k.value().to_string());
            }
            bound.push(f.intro.value_var.value().to_string());
            if let Some(k) = &f.key_expr {
                collect(k, bound, out);
            }
            collect(&f.value_expr, bound, out);
            if let Some(cond) = &f.cond {
                collect(&cond.expr, bound, out);
            }
            bound.truncate(before);
        }
    }
}

fn collect_template(t: &Template, bound: &mut Vec<String>, out: &mut Vec<Reference>) {
    for element in t.iter() {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(i) => collect(&i.expr, bound, out),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    collect(&d.if_expr.cond_expr, bound, out);
                    collect_template(&d.if_expr.template, bound, out);
                    if let Some(e) = &d.else_expr {
                        collect_template(&e.template, bound, out);
                    }
                }
                Directive::For(d) => {
                    collect(&d.for_expr.collection_expr, bound, out);
                    let before = bound.len();
                    if let Some(k) = &d.for_expr.key_var {
                        bound.push(k.value().to_string());
                    }
                    bound.push(d.for_expr.value_var.value().to_string());
                    collect_template(&d.for_expr.template, bound, out);
                    bound.truncate(before);
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl_edit::parser::parse_expr;

    fn refs(src: &str) -> Vec<(String, Vec<Step>)> {
        references(&parse_expr(src).unwrap())
            .into_iter()
            .map(|r| (r.root, r.steps))
            .collect()
    }

    fn attr(s: &str) -> Step {
        Step::Attr(s.to_string())
    }

    #[test]
    fn finds_references_with_static_steps() {
        assert_eq!(
            refs("azurerm_subnet.nodes[0].id"),
            vec![(
                "azurerm_subnet".into(),
                vec![attr("nodes"), Step::Index(0), attr("id")]
            )]
        );
        assert_eq!(
            refs("module.net.ids[var.i].x"),
            vec![
                ("module".into(), vec![attr("net"), attr("ids")]),
                ("var".into(), vec![attr("i")]),
            ]
        );
        assert_eq!(
            refs("a.*.b"),
            vec![("a".into(), vec![Step::Splat, attr("b")])]
        );
    }

    #[test]
    fn for_variables_are_not_references() {
        assert_eq!(
            refs("[for k, v in var.m : \"${k}=${v.x}\" if v != local.skip]"),
            vec![
                ("var".into(), vec![attr("m")]),
                ("local".into(), vec![attr("skip")]),
            ]
        );
        assert_eq!(
            refs("\"%{ for x in var.l }${x}${y}%{ endfor }\""),
            vec![("var".into(), vec![attr("l")]), ("y".into(), vec![])]
        );
    }

    #[test]
    fn object_keys_that_are_names_are_literals() {
        assert_eq!(
            refs("{ a = var.x, (local.k) = 1 }"),
            vec![
                ("var".into(), vec![attr("x")]),
                ("local".into(), vec![attr("k")])
            ]
        );
    }

    #[test]
    fn locate_finds_literal_elements() {
        let e = parse_expr("{ a = [1, { b = \"x\" }], \"c d\" = 2 }").unwrap();
        let text = |p: &str| locate(&e, p).to_string().trim().to_string();
        assert_eq!(text("[\"a\"][1].b"), "\"x\"");
        assert_eq!(text(".a[0]"), "1");
        assert_eq!(text("[\"c d\"]"), "2");
        // Paths beyond what is written stop at the deepest literal.
        assert_eq!(text(".a[5]"), "[1, { b = \"x\" }]");
        assert_eq!(text(""), e.to_string().trim());
    }

    #[test]
    fn static_traversals() {
        let e = parse_expr("azurerm_subnet.nodes[\"a\"].id").unwrap();
        assert_eq!(
            static_traversal(&e),
            Some((
                "azurerm_subnet".into(),
                vec![attr("nodes"), Step::Key("a".into()), attr("id")]
            ))
        );
        assert_eq!(static_traversal(&parse_expr("a[b]").unwrap()), None);
        assert_eq!(static_traversal(&parse_expr("f(x)").unwrap()), None);
    }
}
