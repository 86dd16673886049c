//! Evaluation: walk the dependency graph in order and give every variable, local, resource
//! instance, module output and data source its value, expanding `count`, `for_each` and module
//! instances on the way. Pure: files are read through [`Fs`], data sources through a
//! [`DataResolver`].

mod call;
mod expr;
mod graph;
mod nodes;
mod traverse;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub use graph::{Graph, Node, NodeKind};

use crate::addr::{AbsResourceInstance, InstanceKey, ModuleInstance, ResourceAddr};
use crate::config::decl::{Lifecycle, ModuleDecl};
use crate::config::fs::Fs;
use crate::config::module::Config;
use crate::config::schema::ResourceSchema;
use crate::config::syntax::Step;
use crate::config::value::Value;
use crate::config::vars::InputValue;
use crate::diag::{Diagnostics, Span};
pub(crate) use expr::Scope;
pub(crate) use nodes::{Evaluator, expand};

/// Reads data sources. The planner implements it with ARM reads; validation uses [`NoData`], which
/// leaves everything a data source exports unknown.
pub trait DataResolver {
    /// The exported attributes of one data source instance, given its evaluated arguments, or
    /// `None` when they are not known (yet).
    fn read(
        &self,
        addr: &AbsResourceInstance,
        args: &BTreeMap<String, Value>,
    ) -> Option<BTreeMap<String, Value>>;

    /// For a managed resource instance that exists: the values Azure has for it, from which the
    /// attributes the configuration leaves unknown (computed ones: principal ids, FQDNs) are
    /// filled. Configured values are never replaced. `None` (the default) leaves them unknown.
    fn computed(
        &self,
        _addr: &AbsResourceInstance,
        _values: &BTreeMap<String, Value>,
    ) -> Option<BTreeMap<String, Value>> {
        None
    }
}

/// Fills the unknown parts of `value` from `known` (same shape); known parts stay, and a null
/// or empty `known` leaves a part unknown.
pub fn fill_unknown(value: &mut Value, known: &Value) {
    match (value, known) {
        // Azure having nothing is no answer: the value stays unknown rather than becoming null.
        (Value::Unknown, Value::Null) => {}
        (Value::Unknown, Value::List(k) | Value::Set(k)) if k.is_empty() => {}
        (slot @ Value::Unknown, k) => *slot = k.clone(),
        (Value::Map(m), Value::Map(k)) => {
            for (key, v) in m.iter_mut() {
                if let Some(kv) = k.get(key) {
                    fill_unknown(v, kv);
                }
            }
        }
        (Value::List(items) | Value::Set(items), Value::List(k) | Value::Set(k))
            if items.len() == k.len() =>
        {
            for (v, kv) in items.iter_mut().zip(k) {
                fill_unknown(v, kv);
            }
        }
        _ => {}
    }
}

/// A resolver that knows nothing: data source attributes are "known after apply".
#[derive(Debug, Default, Clone, Copy)]
pub struct NoData;

impl DataResolver for NoData {
    fn read(
        &self,
        _: &AbsResourceInstance,
        _: &BTreeMap<String, Value>,
    ) -> Option<BTreeMap<String, Value>> {
        None
    }
}

/// What evaluation needs besides the configuration.
pub struct EvalOptions<'a> {
    /// Files for `file()`, `templatefile()` and friends.
    pub fs: &'a dyn Fs,
    /// The subscription from the environment (`ARM_SUBSCRIPTION_ID`); the provider block's
    /// `subscription_id` takes precedence, as in azurerm.
    pub subscription_id: Option<String>,
    /// Values for the root module's variables.
    pub inputs: &'a BTreeMap<String, InputValue>,
    /// Data source reads.
    pub data: &'a dyn DataResolver,
}

/// One evaluated resource or data source instance.
#[derive(Debug, Clone)]
pub struct ResourceInstance {
    /// Its absolute address.
    pub addr: AbsResourceInstance,
    /// Its type's schema.
    pub schema: &'static ResourceSchema,
    /// Every attribute of the schema: set values, defaults, null, or unknown for computed ones.
    pub values: BTreeMap<String, Value>,
    /// The ARM id, when everything it derives from is known.
    pub id: Option<String>,
    /// Where each set attribute's value is written, by path (`default_node_pool.0.vm_size`);
    /// nested blocks map their path (`default_node_pool.0`) to their header.
    pub spans: BTreeMap<String, Span>,
    /// The resource block's header.
    pub span: Span,
    /// `lifecycle {}`.
    pub lifecycle: Lifecycle,
    /// `timeouts {}`.
    pub timeouts: BTreeMap<String, (String, Span)>,
}

impl ResourceInstance {
    /// The value at a dotted path such as `network_profile.0.network_plugin`.
    pub fn get(&self, path: &str) -> Option<&Value> {
        let mut parts = path.split('.');
        let mut v = self.values.get(parts.next()?)?;
        for part in parts {
            v = match v {
                Value::List(items) => items.get(part.parse::<usize>().ok()?)?,
                Value::Map(m) => m.get(part)?,
                _ => return None,
            };
        }
        Some(v)
    }

    /// A known string at `path`.
    pub fn str(&self, path: &str) -> Option<&str> {
        self.get(path).and_then(Value::as_str)
    }

    /// A known bool at `path`.
    pub fn bool(&self, path: &str) -> Option<bool> {
        self.get(path).and_then(Value::as_bool)
    }

    /// Where the value at `path` is written, else the nearest enclosing block, else the resource.
    pub fn span_of(&self, path: &str) -> Span {
        let mut p = path;
        loop {
            if let Some(s) = self.spans.get(p) {
                return s.clone();
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => return self.span.clone(),
            }
        }
    }

    /// Whether the attribute at `path` was written in the configuration.
    pub fn is_set(&self, path: &str) -> bool {
        self.spans.contains_key(path)
    }
}

/// A root module output.
#[derive(Debug, Clone)]
pub struct OutputValue {
    /// The value.
    pub value: Value,
    /// `sensitive = true`.
    pub sensitive: bool,
    /// `description`.
    pub description: Option<String>,
}

/// The result of evaluating a configuration.
#[derive(Debug, Default)]
pub struct Evaluated {
    /// Every resource and data source instance, in address order.
    pub resources: Vec<ResourceInstance>,
    /// The root module's outputs.
    pub outputs: BTreeMap<String, OutputValue>,
    /// The root azurerm provider block's arguments.
    pub provider: BTreeMap<String, Value>,
    /// The subscription resource ids were built with.
    pub subscription_id: Option<String>,
    /// No subscription was known (neither the environment nor the provider block gave one), so
    /// ids were built with [`PLACEHOLDER_SUBSCRIPTION`] to check the configuration; a plan must
    /// not use them.
    pub subscription_is_placeholder: bool,
    /// Root variables without a value that were treated as unknown (a module validated alone).
    pub unset_variables: Vec<String>,
    /// The dependency graph (resources depend on what their expressions reference).
    pub graph: Graph,
    /// The root module's `import` blocks, evaluated.
    pub imports: Vec<ImportTarget>,
}

/// One evaluated `import { to = ADDRESS, id = ARM_ID }` block.
#[derive(Debug, Clone)]
pub struct ImportTarget {
    /// The resource instance address, as [`AbsResourceInstance`] displays it.
    pub to: String,
    /// The ARM id (unknown when it depends on values known only after apply).
    pub id: Value,
    /// The block.
    pub span: Span,
}

/// Per module instance: the values evaluated so far.
#[derive(Debug, Default)]
pub(crate) struct InstanceState {
    vars: BTreeMap<String, Value>,
    locals: BTreeMap<String, Value>,
    resources: BTreeMap<ResourceAddr, Value>,
    outputs: BTreeMap<String, Value>,
}

/// The instances of one module call inside one instance of its caller.
#[derive(Debug, Clone)]
pub(crate) struct Expansion {
    /// Whether the call uses count (a list), for_each (a map) or neither (one object).
    pub(crate) shape: Shape,
    /// Each instance's key and its `count.index` / `each` bindings.
    pub(crate) keys: Vec<Binding>,
}

/// How instances are addressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Neither count nor for_each.
    Single,
    /// `count`: a list.
    Count,
    /// `for_each`: a map.
    ForEach,
}

/// One instance's key and what `count.index` / `each` mean inside it.
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub(crate) key: InstanceKey,
    pub(crate) count_index: Option<Value>,
    pub(crate) each: Option<(Value, Value)>,
}

/// The read-only environment of an expression: the configuration and all values evaluated so far.
pub(crate) struct Env<'a> {
    pub config: &'a Config,
    pub fs: &'a dyn Fs,
    pub root_dir: &'a Path,
    instances: HashMap<ModuleInstance, InstanceState>,
    expansions: HashMap<(ModuleInstance, String), Expansion>,
}

pub(crate) fn module_path(inst: &ModuleInstance) -> Vec<String> {
    inst.0.iter().map(|s| s.name.clone()).collect()
}

impl Env<'_> {
    fn state(&self, inst: &ModuleInstance) -> Option<&InstanceState> {
        self.instances.get(inst)
    }

    /// `var.name` in `inst` (unknown until evaluated).
    pub fn var(&self, inst: &ModuleInstance, name: &str) -> Value {
        self.state(inst)
            .and_then(|s| s.vars.get(name))
            .cloned()
            .unwrap_or(Value::Unknown)
    }

    /// `local.name` in `inst`.
    pub fn local(&self, inst: &ModuleInstance, name: &str) -> Value {
        self.state(inst)
            .and_then(|s| s.locals.get(name))
            .cloned()
            .unwrap_or(Value::Unknown)
    }

    /// A resource's value in `inst`: an object, a list (count) or a map (for_each).
    pub fn resource(&self, inst: &ModuleInstance, addr: &ResourceAddr) -> Value {
        self.state(inst)
            .and_then(|s| s.resources.get(addr))
            .cloned()
            .unwrap_or(Value::Unknown)
    }

    /// The declarations of the module called `call` from `inst`.
    pub fn config_child(&self, inst: &ModuleInstance, call: &str) -> Option<&ModuleDecl> {
        let mut path = module_path(inst);
        path.push(call.to_string());
        self.config.decl(&path)
    }

    /// `module.call` in `inst`: its outputs, per instance when it has count or for_each.
    pub fn module_value(&self, inst: &ModuleInstance, call: &str) -> Value {
        // A module whose source could not be loaded has been reported already: its outputs are
        // unknown, not empty, so that every use of them does not add an error of its own.
        if self.config_child(inst, call).is_none() {
            return Value::Unknown;
        }
        let Some(exp) = self.expansions.get(&(inst.clone(), call.to_string())) else {
            return Value::Unknown;
        };
        let outputs_of = |b: &Binding| {
            let child = inst.child(call, b.key.clone());
            Value::Map(
                self.state(&child)
                    .map(|s| s.outputs.clone())
                    .unwrap_or_default(),
            )
        };
        match exp.shape {
            Shape::Single => exp.keys.first().map_or(Value::Unknown, outputs_of),
            Shape::Count => Value::List(exp.keys.iter().map(outputs_of).collect()),
            Shape::ForEach => Value::Map(
                exp.keys
                    .iter()
                    .map(|b| match &b.key {
                        InstanceKey::Str(k) => (k.clone(), outputs_of(b)),
                        other => (other.to_string(), outputs_of(b)),
                    })
                    .collect(),
            ),
        }
    }

    /// Renders a template for `templatefile()`: only `vars` and functions are available.
    pub fn render_template(
        &self,
        inst: &ModuleInstance,
        module: &ModuleDecl,
        text: &str,
        path: &Path,
        vars: &BTreeMap<String, Value>,
    ) -> Result<Value, String> {
        let template = hcl_edit::parser::parse_template(text).map_err(|e| {
            format!(
                "{}:{}:{}: {}",
                path.display(),
                e.location().line(),
                e.location().column(),
                e.message()
            )
        })?;
        let file = module.files.first().copied().ok_or("no source file")?;
        let mut scope = Scope::new(self, inst, module, file);
        scope.refs_allowed = false;
        scope.bound = vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let mut d = Diagnostics::new();
        let v = scope.template(&template, &mut d);
        if let Some(e) = d.iter().find(|e| e.is_error()) {
            let (line, col) = e.span.as_ref().map_or((1, 1), |s| {
                let before = &text[..s.range.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                (line, col)
            });
            let label = e
                .label
                .as_deref()
                .map(|l| format!(": {l}"))
                .unwrap_or_default();
            let help = e
                .help
                .as_deref()
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            return Err(format!(
                "{}:{line}:{col}: {}{label}{help}",
                path.display(),
                e.summary
            ));
        }
        Ok(v)
    }
}

/// The subscription used for ids when none is known: validation still gets complete, comparable
/// ids (two resources with the same id, a pool's cluster), and the plan refuses to run without a
/// real subscription.
pub const PLACEHOLDER_SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000000";

/// Evaluates `config`: every problem is added to `diags`; the result holds whatever could be
/// evaluated (failed parts are unknown).
pub fn evaluate(config: &Config, opts: &EvalOptions<'_>, diags: &mut Diagnostics) -> Evaluated {
    let graph = Graph::build(config, diags);
    let root_dir = config.root_decl().dir.clone();
    let mut ev = Evaluator {
        env: Env {
            config,
            fs: opts.fs,
            root_dir: &root_dir,
            instances: HashMap::new(),
            expansions: HashMap::new(),
        },
        opts,
        out: Evaluated {
            subscription_id: Some(
                opts.subscription_id
                    .clone()
                    .unwrap_or_else(|| PLACEHOLDER_SUBSCRIPTION.to_string()),
            ),
            subscription_is_placeholder: opts.subscription_id.is_none(),
            ..Evaluated::default()
        },
    };
    ev.env
        .instances
        .insert(ModuleInstance::root(), InstanceState::default());
    ev.run(&graph, diags);
    let root = config.root_decl();
    for import in &root.imports {
        let id = expr::Scope::new(&ev.env, &ModuleInstance::root(), root, import.id.file)
            .eval(&import.id.expr, diags);
        ev.out.imports.push(ImportTarget {
            to: import_address(&import.to.0, &import.to.1),
            id,
            span: import.span.clone(),
        });
    }
    let mut out = ev.out;
    out.resources.sort_by(|a, b| a.addr.cmp(&b.addr));
    out.graph = graph;
    out
}

/// `azurerm_role_assignment.admins["ops"]` from an import block's `to` traversal.
fn import_address(root: &str, steps: &[Step]) -> String {
    let mut s = root.to_string();
    for step in steps {
        match step {
            Step::Attr(a) => s.push_str(&format!(".{a}")),
            Step::Index(i) => s.push_str(&format!("[{i}]")),
            Step::Key(k) => s.push_str(&format!("[{k:?}]")),
            Step::Splat => s.push_str("[*]"),
            Step::Dynamic => s.push_str("[?]"),
        }
    }
    s
}

#[cfg(test)]
mod module_tests;
#[cfg(test)]
pub(crate) mod tests;
