//! The builders the renderer tests make plans from: resources with nothing set but their action,
//! attribute changes (set, changed, unknown, secret, forcing), values nested by dotted path, and
//! plans against Azure or the emulator. The scenarios built from them are in [`super::scenarios`].

use serde_json::{Map, Value as Json, json};

use crate::plan::types::PLAN_FORMAT;
use crate::plan::{Action, AttributeChange, Mode, OutputChange, Plan, ResourceChange, Target};

/// The subscription every plan is made against.
pub(super) const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000001";

/// The emulator's endpoint in the emulator plans.
pub(super) const EMULATOR: &str = "http://127.0.0.1:8943";

/// The id of the resource group everything lives in.
pub(super) const RG: &str =
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks";

/// An ARM id inside the resource group: `tail` starts with `/providers/`.
pub(super) fn arm_id(tail: &str) -> String {
    format!("{RG}{tail}")
}

/// The cluster's ARM id.
pub(super) fn cluster_id() -> String {
    arm_id("/providers/Microsoft.ContainerService/managedClusters/aks-prod")
}

/// A managed resource at the root with nothing set but its action.
pub(super) fn managed(type_name: &str, name: &str, action: Action) -> ResourceChange {
    ResourceChange::new(
        format!("{type_name}.{name}"),
        String::new(),
        Mode::Managed,
        type_name.into(),
        name.into(),
        action,
    )
}

/// A data source read.
pub(super) fn data_source(type_name: &str, name: &str) -> ResourceChange {
    ResourceChange {
        address: format!("data.{type_name}.{name}"),
        mode: Mode::Data,
        ..managed(type_name, name, Action::Read)
    }
}

/// `rc` moved into the module instance `module` (`module.aks`).
pub(super) fn in_module(mut rc: ResourceChange, module: &str) -> ResourceChange {
    rc.address = format!("{module}.{}", rc.address);
    rc.module = module.into();
    rc
}

/// An attribute change with both sides given.
pub(super) fn attr(path: &str, before: Option<Json>, after: Option<Json>) -> AttributeChange {
    AttributeChange {
        path: path.into(),
        before,
        after,
        unknown: false,
        sensitive: false,
        forces_replacement: false,
    }
}

/// An attribute a create sets.
pub(super) fn set(path: &str, value: Json) -> AttributeChange {
    attr(path, None, Some(value))
}

/// An attribute that changes from `before` to `after`.
pub(super) fn changed(path: &str, before: Json, after: Json) -> AttributeChange {
    attr(path, Some(before), Some(after))
}

/// An attribute known only after apply.
pub(super) fn unknown(path: &str, before: Option<Json>) -> AttributeChange {
    AttributeChange {
        unknown: true,
        ..attr(path, before, None)
    }
}

/// `a`, sensitive.
pub(super) fn secret(a: AttributeChange) -> AttributeChange {
    AttributeChange {
        sensitive: true,
        ..a
    }
}

/// `a`, forcing a replacement.
pub(super) fn forcing(a: AttributeChange) -> AttributeChange {
    AttributeChange {
        forces_replacement: true,
        ..a
    }
}

/// azurerm values from dotted paths, blocks as one-element lists: `[("a.b", 1)]` is
/// `{"a": [{"b": 1}]}`.
pub(super) fn nest(entries: &[(&str, Json)]) -> Json {
    let mut root = Map::new();
    for (path, value) in entries {
        let mut here = &mut root;
        let mut segments: Vec<&str> = path.split('.').collect();
        let leaf = segments.pop().unwrap_or_default();
        for segment in segments {
            let block = here
                .entry(segment.to_string())
                .or_insert_with(|| json!([{}]));
            here = block[0]
                .as_object_mut()
                .expect("blocks are lists of one object");
        }
        here.insert(leaf.to_string(), value.clone());
    }
    Json::Object(root)
}

/// A plan against Azure.
pub(super) fn plan(resources: Vec<ResourceChange>) -> Plan {
    Plan {
        format: PLAN_FORMAT,
        aksform_version: "0.1.0".into(),
        target: Target {
            endpoint: "https://management.azure.com".into(),
            subscription: SUBSCRIPTION.into(),
            emulator: false,
        },
        config_hash: "ab".repeat(32),
        resources,
        outputs: Vec::new(),
        notes: Vec::new(),
    }
}

/// `plan` made against the built-in emulator.
pub(super) fn on_emulator(mut plan: Plan) -> Plan {
    plan.target = Target {
        endpoint: EMULATOR.into(),
        subscription: SUBSCRIPTION.into(),
        emulator: true,
    };
    plan
}

/// An output change.
pub(super) fn output(name: &str, action: Action, after: Option<Json>) -> OutputChange {
    OutputChange {
        name: name.into(),
        action,
        after,
        unknown: false,
        sensitive: false,
    }
}
