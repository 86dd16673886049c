//! The static dependency graph of a configuration: one node per variable, local, resource, output
//! and module call of every module in the tree, an edge per reference. Its topological order is
//! the evaluation order; its cycles are errors that name every member.

use std::collections::{BTreeSet, HashMap};

use crate::addr::{Mode, ResourceAddr};
use crate::config::decl::{ModuleDecl, ResourceDecl};
use crate::config::module::Config;
use crate::config::syntax::{Expr, Reference, Step, references};
use crate::diag::{Diagnostic, Diagnostics, Span};

/// What a node is, inside its module.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    /// `variable "x"`.
    Var(String),
    /// `locals { x = ... }`.
    Local(String),
    /// A resource or data source (all its instances).
    Resource(ResourceAddr),
    /// `output "x"`.
    Output(String),
    /// The expansion of `module "x"` (its count/for_each), evaluated in the calling module.
    Call(String),
    /// The azurerm provider block(s) of the module.
    Provider,
}

/// A node: a module path (call names from the root) and what it is there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Node {
    /// Call names from the root.
    pub path: Vec<String>,
    /// What the node is.
    pub kind: NodeKind,
}

impl Node {
    /// The node's name as users write it (`module.net.local.cidr`).
    pub fn describe(&self) -> String {
        let prefix: String = self.path.iter().map(|p| format!("module.{p}.")).collect();
        let local = match &self.kind {
            NodeKind::Var(n) => format!("var.{n}"),
            NodeKind::Local(n) => format!("local.{n}"),
            NodeKind::Resource(a) => a.to_string(),
            NodeKind::Output(n) => format!("output.{n}"),
            NodeKind::Call(n) => format!("module.{n}"),
            NodeKind::Provider => "provider.azurerm".to_string(),
        };
        format!("{prefix}{local}")
    }
}

/// The graph with its evaluation order.
#[derive(Debug, Default)]
pub struct Graph {
    /// All nodes.
    pub nodes: Vec<Node>,
    /// Where each node is declared.
    pub spans: Vec<Span>,
    /// For each node, the nodes it depends on.
    pub deps: Vec<BTreeSet<usize>>,
    index: HashMap<Node, usize>,
}

impl Graph {
    /// The index of a node.
    pub fn find(&self, node: &Node) -> Option<usize> {
        self.index.get(node).copied()
    }

    fn add(&mut self, node: Node, span: Span) -> usize {
        let i = self.nodes.len();
        self.index.insert(node.clone(), i);
        self.nodes.push(node);
        self.spans.push(span);
        self.deps.push(BTreeSet::new());
        i
    }

    /// Builds the graph of every module in `config`; `depends_on` entries that name nothing are
    /// reported.
    pub fn build(config: &Config, diags: &mut Diagnostics) -> Graph {
        let mut g = Graph::default();
        let paths = config.paths();
        for path in &paths {
            let Some(m) = config.decl(path) else { continue };
            let node = |kind| Node {
                path: path.clone(),
                kind,
            };
            for (name, v) in &m.variables {
                g.add(node(NodeKind::Var(name.clone())), v.span.clone());
            }
            for (name, l) in &m.locals {
                g.add(node(NodeKind::Local(name.clone())), l.span.clone());
            }
            for (addr, r) in &m.resources {
                g.add(node(NodeKind::Resource(addr.clone())), r.span.clone());
            }
            for (name, o) in &m.outputs {
                g.add(node(NodeKind::Output(name.clone())), o.span.clone());
            }
            for (name, c) in &m.calls {
                g.add(node(NodeKind::Call(name.clone())), c.span.clone());
            }
            if let Some(p) = m.providers.first() {
                g.add(node(NodeKind::Provider), p.span.clone());
            }
        }
        for path in &paths {
            let Some(m) = config.decl(path) else { continue };
            g.add_edges(config, path, m, diags);
        }
        g
    }

    fn add_edges(
        &mut self,
        config: &Config,
        path: &[String],
        m: &ModuleDecl,
        diags: &mut Diagnostics,
    ) {
        let me = |kind| Node {
            path: path.to_vec(),
            kind,
        };
        let parent_call = path.split_last().map(|(last, parent)| {
            (
                parent.to_vec(),
                last.clone(),
                config.decl(parent).and_then(|p| p.calls.get(last)),
            )
        });
        for (name, v) in &m.variables {
            let from = self.find(&me(NodeKind::Var(name.clone()))).unwrap_or(0);
            for check in &v.validations {
                self.refs_of(from, config, path, &check.condition);
                self.refs_of(from, config, path, &check.error_message);
            }
            // A module's input is evaluated in the caller, after the call is expanded.
            if let Some((parent, call_name, Some(call))) = &parent_call {
                if let Some(input) = call.inputs.get(name) {
                    self.refs_of(from, config, parent, input);
                }
                self.edge_to(from, parent, NodeKind::Call(call_name.clone()));
            }
        }
        for (name, l) in &m.locals {
            let from = self.find(&me(NodeKind::Local(name.clone()))).unwrap_or(0);
            self.refs_of(from, config, path, &l.value);
            self.after_call(from, &parent_call);
        }
        for (addr, r) in &m.resources {
            let from = self
                .find(&me(NodeKind::Resource(addr.clone())))
                .unwrap_or(0);
            self.resource_edges(from, config, path, m, r, diags);
            self.after_call(from, &parent_call);
        }
        for (name, o) in &m.outputs {
            let from = self.find(&me(NodeKind::Output(name.clone()))).unwrap_or(0);
            self.refs_of(from, config, path, &o.value);
            for c in &o.preconditions {
                self.refs_of(from, config, path, &c.condition);
                self.refs_of(from, config, path, &c.error_message);
            }
            self.depends_on(from, path, m, &o.depends_on, diags);
            self.after_call(from, &parent_call);
        }
        for (name, c) in &m.calls {
            let from = self.find(&me(NodeKind::Call(name.clone()))).unwrap_or(0);
            for e in c.count.iter().chain(&c.for_each) {
                self.refs_of(from, config, path, e);
            }
            self.depends_on(from, path, m, &c.depends_on, diags);
            self.after_call(from, &parent_call);
        }
        if let Some(from) = self.find(&me(NodeKind::Provider)) {
            for p in &m.providers {
                for e in p.attrs.values() {
                    self.refs_of(from, config, path, e);
                }
            }
        }
    }

    fn after_call(
        &mut self,
        from: usize,
        parent_call: &Option<(
            Vec<String>,
            String,
            Option<&crate::config::decl::ModuleCallDecl>,
        )>,
    ) {
        if let Some((parent, name, _)) = parent_call {
            self.edge_to(from, parent, NodeKind::Call(name.clone()));
        }
    }

    fn resource_edges(
        &mut self,
        from: usize,
        config: &Config,
        path: &[String],
        m: &ModuleDecl,
        r: &ResourceDecl,
        diags: &mut Diagnostics,
    ) {
        for e in r.count.iter().chain(&r.for_each) {
            self.refs_of(from, config, path, e);
        }
        for reference in body_references(&r.body.body) {
            self.reference(from, config, path, &reference);
        }
        for c in r
            .lifecycle
            .preconditions
            .iter()
            .chain(&r.lifecycle.postconditions)
        {
            self.refs_of(from, config, path, &c.condition);
            self.refs_of(from, config, path, &c.error_message);
        }
        self.depends_on(from, path, m, &r.depends_on, diags);
        for (root, steps, span) in &r.lifecycle.replace_triggered_by {
            let target = resolve_static(m, root, steps);
            if !matches!(target, Some(NodeKind::Resource(_))) {
                diags.push(
                    Diagnostic::error("replace_triggered_by names no resource of this module")
                        .at(span.clone())
                        .label("not a declared resource")
                        .help("name a resource (azurerm_x.name) or one of its attributes"),
                );
            }
        }
        // The azurerm provider's settings (subscription) shape every resource's id.
        self.edge_to(from, &[], NodeKind::Provider);
    }

    fn depends_on(
        &mut self,
        from: usize,
        path: &[String],
        m: &ModuleDecl,
        entries: &[(String, Vec<Step>, Span)],
        diags: &mut Diagnostics,
    ) {
        for (root, steps, span) in entries {
            let target = resolve_static(m, root, steps);
            match target {
                Some(kind) => {
                    let node = Node {
                        path: path.to_vec(),
                        kind,
                    };
                    if let Some(to) = self.find(&node) {
                        self.deps[from].insert(to);
                    }
                }
                None => diags.push(
                    Diagnostic::error("depends_on names nothing declared in this module")
                        .at(span.clone())
                        .label("no such resource, data source or module")
                        .help(
                            "depends_on takes resources (azurerm_x.name), data sources \
                             (data.azurerm_x.name) or modules (module.name)",
                        ),
                ),
            }
        }
    }

    fn edge_to(&mut self, from: usize, path: &[String], kind: NodeKind) {
        let node = Node {
            path: path.to_vec(),
            kind,
        };
        if let Some(to) = self.find(&node)
            && to != from
        {
            self.deps[from].insert(to);
        }
    }

    fn refs_of(&mut self, from: usize, config: &Config, path: &[String], expr: &Expr) {
        for reference in references(&expr.expr) {
            self.reference(from, config, path, &reference);
        }
    }

    fn reference(&mut self, from: usize, config: &Config, path: &[String], r: &Reference) {
        let Some(m) = config.decl(path) else { return };
        if r.root == "module" {
            let Some(call) = r.attr(0) else { return };
            if !m.calls.contains_key(call) {
                return;
            }
            let mut child = path.to_vec();
            child.push(call.to_string());
            match r.attr(1) {
                Some(output) => self.edge_to(from, &child, NodeKind::Output(output.to_string())),
                None => {
                    // `module.x` or `module.x[0].y`: depends on every output.
                    if let Some(cm) = config.decl(&child) {
                        for output in cm.outputs.keys() {
                            self.edge_to(from, &child, NodeKind::Output(output.clone()));
                        }
                    }
                }
            }
            self.edge_to(from, path, NodeKind::Call(call.to_string()));
            return;
        }
        if let Some(kind) = resolve_static(m, &r.root, &r.steps) {
            self.edge_to(from, path, kind);
        }
    }

    /// The evaluation order (dependencies first) and the cycles (each a list of nodes).
    pub fn order(&self) -> (Vec<usize>, Vec<Vec<usize>>) {
        let sccs = tarjan(&self.deps);
        let mut cycles = Vec::new();
        let mut order = Vec::with_capacity(self.nodes.len());
        // Tarjan yields SCCs in reverse topological order of the "depends on" relation, which is
        // exactly dependencies-first.
        for scc in sccs {
            if scc.len() > 1 || self.deps[scc[0]].contains(&scc[0]) {
                let mut c = scc.clone();
                c.sort_unstable();
                cycles.push(c);
            }
            order.extend(scc);
        }
        (order, cycles)
    }
}

/// The node a reference names inside module `m`, for the roots that name nodes.
fn resolve_static(m: &ModuleDecl, root: &str, steps: &[Step]) -> Option<NodeKind> {
    let attr = |i: usize| match steps.get(i) {
        Some(Step::Attr(a)) => Some(a.clone()),
        _ => None,
    };
    match root {
        "var" => Some(NodeKind::Var(attr(0)?))
            .filter(|k| matches!(k, NodeKind::Var(n) if m.variables.contains_key(n))),
        "local" => Some(NodeKind::Local(attr(0)?))
            .filter(|k| matches!(k, NodeKind::Local(n) if m.locals.contains_key(n))),
        "module" => {
            let name = attr(0)?;
            m.calls.contains_key(&name).then_some(NodeKind::Call(name))
        }
        "data" => {
            let addr = ResourceAddr::data(attr(0)?, attr(1)?);
            m.resources
                .contains_key(&addr)
                .then_some(NodeKind::Resource(addr))
        }
        "count" | "each" | "self" | "path" | "terraform" => None,
        type_name => {
            let addr = ResourceAddr {
                mode: Mode::Managed,
                type_name: type_name.to_string(),
                name: attr(0)?,
            };
            m.resources
                .contains_key(&addr)
                .then_some(NodeKind::Resource(addr))
        }
    }
}

/// Every reference made anywhere in a resource body, nested and dynamic blocks included.
pub fn body_references(body: &hcl_edit::structure::Body) -> Vec<Reference> {
    let mut out = Vec::new();
    for structure in body.iter() {
        match structure {
            hcl_edit::structure::Structure::Attribute(a) => out.extend(references(&a.value)),
            hcl_edit::structure::Structure::Block(b) => {
                let iterator = if b.ident.value().as_str() == "dynamic" {
                    // The iterator name (the label, or `iterator = x`) is bound inside.
                    b.body
                        .get_attribute("iterator")
                        .and_then(|a| crate::config::syntax::static_traversal(&a.value))
                        .map(|(n, _)| n)
                        .or_else(|| b.labels.first().map(|l| l.as_str().to_string()))
                } else {
                    None
                };
                out.extend(
                    body_references(&b.body)
                        .into_iter()
                        .filter(|r| Some(&r.root) != iterator.as_ref()),
                );
            }
        }
    }
    out
}

/// Tarjan's strongly connected components, iteratively (no recursion: configurations can have long
/// reference chains).
fn tarjan(deps: &[BTreeSet<usize>]) -> Vec<Vec<usize>> {
    let n = deps.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    let adj: Vec<Vec<usize>> = deps.iter().map(|d| d.iter().copied().collect()).collect();
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(top) = work.len().checked_sub(1) {
            let (v, child) = work[top];
            if child == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = adj[v].get(child) {
                work[top].1 += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut scc = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    scc.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(scc);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deps(edges: &[(usize, usize)], n: usize) -> Vec<BTreeSet<usize>> {
        let mut d = vec![BTreeSet::new(); n];
        for (a, b) in edges {
            d[*a].insert(*b);
        }
        d
    }

    #[test]
    fn tarjan_orders_dependencies_first() {
        // 0 -> 1 -> 2, 3 -> 0
        let sccs = tarjan(&deps(&[(0, 1), (1, 2), (3, 0)], 4));
        let order: Vec<usize> = sccs.into_iter().flatten().collect();
        let pos = |x| order.iter().position(|&y| y == x).unwrap();
        assert!(pos(2) < pos(1) && pos(1) < pos(0) && pos(0) < pos(3));
    }

    #[test]
    fn tarjan_finds_cycles() {
        let sccs = tarjan(&deps(&[(0, 1), (1, 2), (2, 0), (3, 3)], 5));
        let mut big: Vec<_> = sccs.iter().filter(|s| s.len() > 1).cloned().collect();
        big[0].sort_unstable();
        assert_eq!(big, vec![vec![0, 1, 2]]);
    }

    #[test]
    fn tarjan_handles_long_chains_without_recursion() {
        let n = 200_000;
        let edges: Vec<(usize, usize)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        let sccs = tarjan(&deps(&edges, n));
        assert_eq!(sccs.len(), n);
        assert_eq!(sccs[0], vec![n - 1]);
    }
}
