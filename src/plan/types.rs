//! The plan as plain data: what will happen to each resource and output, attribute by attribute,
//! with the ARM bodies before and after and the ETags the plan saw. Renderers draw it; apply
//! executes it; `-out` saves it (serde) and `show` loads it again.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// The version of the saved-plan format; a plan file of another version is refused.
pub const PLAN_FORMAT: u32 = 1;

/// What happens to one resource instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Nothing: live matches the configuration.
    NoOp,
    /// Created.
    Create,
    /// Updated in place.
    Update,
    /// Destroyed, then created again (or created first with `create_before_destroy`).
    Replace {
        /// `lifecycle { create_before_destroy = true }`.
        create_before_destroy: bool,
    },
    /// Destroyed.
    Delete,
    /// A data source read at plan time.
    Read,
}

impl Action {
    /// Terraform's `change.actions` list for this action.
    pub fn terraform_actions(self) -> &'static [&'static str] {
        match self {
            Action::NoOp => &["no-op"],
            Action::Create => &["create"],
            Action::Update => &["update"],
            Action::Replace {
                create_before_destroy: false,
            } => &["delete", "create"],
            Action::Replace {
                create_before_destroy: true,
            } => &["create", "delete"],
            Action::Delete => &["delete"],
            Action::Read => &["read"],
        }
    }

    /// Whether the action changes anything.
    pub fn is_change(self) -> bool {
        !matches!(self, Action::NoOp | Action::Read)
    }

    /// Whether the action destroys something.
    pub fn is_destructive(self) -> bool {
        matches!(self, Action::Replace { .. } | Action::Delete)
    }
}

/// A managed resource or a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// `resource`.
    Managed,
    /// `data`.
    Data,
}

/// One attribute that changes, in azurerm terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeChange {
    /// The dotted azurerm path: `kubernetes_version`, `default_node_pool.vm_size`,
    /// `network_profile.network_policy`, `tags`.
    pub path: String,
    /// The live value (`None` when absent or when creating).
    pub before: Option<Json>,
    /// The configured value (`None` when it becomes absent or is unknown).
    pub after: Option<Json>,
    /// The new value is known only after apply.
    pub unknown: bool,
    /// The value is sensitive: show `(sensitive value)`.
    pub sensitive: bool,
    /// Changing it replaces the resource.
    pub forces_replacement: bool,
}

/// Everything the plan decided for one resource instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceChange {
    /// The absolute address: `module.aks.azurerm_kubernetes_cluster.main`.
    pub address: String,
    /// The module part of the address (`module.aks`), empty at the root.
    pub module: String,
    /// Managed or data.
    pub mode: Mode,
    /// `azurerm_kubernetes_cluster`.
    pub type_name: String,
    /// The resource's name in the configuration.
    pub name: String,
    /// `count` index or `for_each` key, as JSON (number or string); `None` without either.
    pub index: Option<Json>,
    /// The ARM id (always known: ids are deterministic; `None` only for data sources without one).
    pub id: Option<String>,
    /// What happens.
    pub action: Action,
    /// The resource exists in Azure and is adopted into the state index by this plan
    /// (`import` block or `-adopt`).
    pub importing: bool,
    /// Why the action was chosen when it is not obvious: the attributes that force a replacement,
    /// "removed from the configuration", "gone from Azure".
    pub reasons: Vec<String>,
    /// The attributes that change (empty for no-op, create lists every configured attribute).
    pub attributes: Vec<AttributeChange>,
    /// Notes that are not changes: a newer live version chosen by the upgrade channel, a node
    /// count owned by the autoscaler, changes hidden by `ignore_changes`.
    pub notes: Vec<String>,
    /// The azurerm attributes as Azure has them (`None` when the resource does not exist).
    pub before: Option<Json>,
    /// The azurerm attributes as they will be (`None` when deleted); unknown values are `null`
    /// here and `true` in `after_unknown`.
    pub after: Option<Json>,
    /// Terraform's `after_unknown`: the same shape as `after`, `true` where a value is unknown.
    pub after_unknown: Json,
    /// Terraform's `before_sensitive` / `after_sensitive`: `true` where a value is sensitive.
    pub sensitive: Json,
    /// The ARM body as read (`None` when absent).
    pub body_before: Option<Json>,
    /// The ARM body that will be sent (the live body with the managed fields set), for `-diff`.
    pub body_after: Option<Json>,
    /// The ETag of the live resource when the plan read it; apply sends it as `If-Match`.
    pub etag: Option<String>,
    /// Addresses this one depends on (references and `depends_on`).
    pub depends_on: Vec<String>,
    /// The other ARM resources this azurerm resource writes (a cluster's maintenance
    /// configurations), so that a saved plan holds every request apply will send.
    #[serde(default)]
    pub children: Vec<ChildWrite>,
    /// A version change in place, as the upgrades apply sends one at a time: the control plane
    /// first, one minor version per step, then the node pool(s), each checked against the
    /// cluster's upgrade profile before it is sent. Empty when no version changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upgrade_steps: Vec<UpgradeStep>,
    /// JSON pointers of `body_after` whose values are known only after apply (a principal id
    /// taken from a cluster created by the same apply): apply fills them in once everything the
    /// resource depends on is done.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body_unknown: Vec<String>,
}

/// One upgrade AKS runs as its own operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeStep {
    /// The ARM resource written: the cluster (control plane) or the agent pool.
    pub id: String,
    /// The node pool's name; `None` for the control plane.
    pub pool: Option<String>,
    /// The version running before the step.
    pub from: String,
    /// The version the step sends (a full `1.x.y` for intermediate steps, the configured text
    /// for the last).
    pub to: String,
}

impl UpgradeStep {
    /// `control plane 1.32.7 -> 1.33.5` or `node pool "apps" 1.32.7 -> 1.33.5`.
    pub fn describe(&self) -> String {
        match &self.pool {
            None => format!("control plane {} -> {}", self.from, self.to),
            Some(p) => format!("node pool {p:?} {} -> {}", self.from, self.to),
        }
    }
}

impl ResourceChange {
    /// A change of `address` with nothing decided but its action: no reasons, attributes,
    /// sides, bodies or children yet. The planner and tests fill in the rest.
    pub fn new(
        address: String,
        module: String,
        mode: Mode,
        type_name: String,
        name: String,
        action: Action,
    ) -> Self {
        ResourceChange {
            address,
            module,
            mode,
            type_name,
            name,
            index: None,
            id: None,
            action,
            importing: false,
            reasons: Vec::new(),
            attributes: Vec::new(),
            notes: Vec::new(),
            before: None,
            after: None,
            after_unknown: Json::Object(serde_json::Map::new()),
            sensitive: Json::Object(serde_json::Map::new()),
            body_before: None,
            body_after: None,
            etag: None,
            depends_on: Vec::new(),
            children: Vec::new(),
            upgrade_steps: Vec::new(),
            body_unknown: Vec::new(),
        }
    }
}

/// One ARM resource written on behalf of an azurerm resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChildWrite {
    /// Its ARM id.
    pub id: String,
    /// Create, update, delete or no-op.
    pub action: Action,
    /// The body as read (`None` when it does not exist).
    pub body_before: Option<Json>,
    /// The body to send (`None` for a delete).
    pub body_after: Option<Json>,
    /// Its ETag when read.
    pub etag: Option<String>,
}

/// An output value that changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputChange {
    /// The output's name.
    pub name: String,
    /// What happens (create, update, delete, no-op).
    pub action: Action,
    /// The value, when known.
    pub after: Option<Json>,
    /// Known only after apply.
    pub unknown: bool,
    /// `sensitive = true`.
    pub sensitive: bool,
}

/// Where the plan was made against.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The ARM endpoint.
    pub endpoint: String,
    /// The subscription.
    pub subscription: String,
    /// The built-in emulator, not Azure.
    pub emulator: bool,
}

/// A plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// [`PLAN_FORMAT`].
    pub format: u32,
    /// The aksform version that made it.
    pub aksform_version: String,
    /// Where it was made against.
    pub target: Target,
    /// SHA-256 of the evaluated configuration (hex); apply of a saved plan refuses a changed one.
    pub config_hash: String,
    /// Every resource instance (data sources first, then managed resources in the order apply
    /// will start them: creates and updates in dependency order, deletes in reverse).
    pub resources: Vec<ResourceChange>,
    /// The root module's outputs.
    pub outputs: Vec<OutputChange>,
    /// Plan-wide notes (e.g. resources left to an upgrade channel).
    pub notes: Vec<String>,
}

/// The counts of the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Created (replacements count here and in `destroy`).
    pub add: usize,
    /// Updated in place.
    pub change: usize,
    /// Destroyed.
    pub destroy: usize,
    /// Adopted into the state index.
    pub import: usize,
}

impl Plan {
    /// Counts for `Plan: 1 to add, 2 to change, 0 to destroy.`
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for r in self.resources.iter().filter(|r| r.mode == Mode::Managed) {
            match r.action {
                Action::Create => s.add += 1,
                Action::Update => s.change += 1,
                Action::Replace { .. } => {
                    s.add += 1;
                    s.destroy += 1;
                }
                Action::Delete => s.destroy += 1,
                Action::NoOp | Action::Read => {}
            }
            if r.importing {
                s.import += 1;
            }
        }
        s
    }

    /// Whether applying it would change anything (resources or outputs, imports included).
    pub fn has_changes(&self) -> bool {
        self.resources
            .iter()
            .any(|r| r.action.is_change() || r.importing)
            || self.outputs.iter().any(|o| o.action.is_change())
    }
}
