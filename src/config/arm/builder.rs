//! Builds a [`Desired`] from one resource instance: reads azurerm values by dotted attribute path
//! (`default_node_pool.upgrade_settings.max_surge`, block indices implied), converts them to JSON,
//! writes them at JSON pointers of the body, and records what is managed, unknown and
//! replacing.
//!
//! How a value is classified ([`Slot`]):
//! - a known value (written, or the schema default) is managed and written to the body;
//! - an unknown value the user wrote (`principal_id = ...kubelet_identity[0].object_id`) is
//!   managed and unknown, and left out of the body;
//! - null, or an unwritten Optional+Computed attribute (Azure decides), is not managed at all.

use serde_json::{Map, Value as Json};

use super::{Desired, MapError, OnDelete};
use crate::addr::Mode;
use crate::config::eval::ResourceInstance;
use crate::config::schema::{self, BodySchema, ForceNew, Presence};
use crate::config::value::Value;
use crate::model::{ApiFamily, ResourceId};

/// What the configuration says about one attribute.
#[derive(Debug, Clone, Copy)]
pub(super) enum Slot<'a> {
    /// A wholly known value (written or the schema default).
    Known(&'a Value),
    /// Written, but known only after apply.
    Unknown,
    /// Null, absent, or left to Azure.
    Unset,
}

/// Converts a known value to ARM JSON, or says why it cannot.
pub(super) type Conv = fn(&Value) -> Result<Json, String>;

/// Collects the body and the pointer lists of one [`Desired`].
pub(super) struct Builder<'r> {
    pub(super) r: &'r ResourceInstance,
    body: Json,
    managed: Vec<String>,
    unknown: Vec<String>,
    force_new: Vec<(String, &'static str)>,
    attributes: Vec<(String, &'static str)>,
}

impl<'r> Builder<'r> {
    pub(super) fn new(r: &'r ResourceInstance) -> Self {
        Builder {
            r,
            body: Json::Object(Map::new()),
            managed: Vec::new(),
            unknown: Vec::new(),
            force_new: Vec::new(),
            attributes: Vec::new(),
        }
    }

    /// The value of `attr` (a dotted path through single blocks, without indices).
    pub(super) fn slot(&self, attr: &str) -> Slot<'r> {
        slot(self.r, &self.r.schema.body, attr)
    }

    /// A known string at `attr`.
    pub(super) fn str(&self, attr: &str) -> Option<&'r str> {
        match self.slot(attr) {
            Slot::Known(v) => v.as_str(),
            _ => None,
        }
    }

    /// A known bool at `attr`.
    pub(super) fn bool(&self, attr: &str) -> Option<bool> {
        match self.slot(attr) {
            Slot::Known(v) => v.coerce_bool(),
            _ => None,
        }
    }

    /// Whether the block at `path` is written (`Some(true)`), absent (`Some(false)`) or unknown.
    pub(super) fn block(&self, path: &str) -> Option<bool> {
        match self.slot(path) {
            Slot::Known(Value::List(items)) => Some(!items.is_empty()),
            Slot::Known(_) | Slot::Unset => Some(false),
            Slot::Unknown => None,
        }
    }

    /// Maps `attr` to `ptr` when it is set or unknown; returns whether it was.
    pub(super) fn map(
        &mut self,
        ptr: &str,
        attr: &'static str,
        conv: Conv,
    ) -> Result<bool, MapError> {
        match self.slot(attr) {
            Slot::Known(v) if !v.is_wholly_known() => {
                self.unknown(ptr, attr);
                Ok(true)
            }
            Slot::Known(v) => {
                let json = conv(v).map_err(|p| self.error(attr, p))?;
                self.set(ptr, attr, json);
                Ok(true)
            }
            Slot::Unknown => {
                self.unknown(ptr, attr);
                Ok(true)
            }
            Slot::Unset => Ok(false),
        }
    }

    /// Maps `attr` to `ptr`, managing `default` (what the provider sends) when it is unset.
    pub(super) fn map_or(
        &mut self,
        ptr: &str,
        attr: &'static str,
        default: Json,
        conv: Conv,
    ) -> Result<(), MapError> {
        if !self.map(ptr, attr, conv)? {
            self.set(ptr, attr, default);
        }
        Ok(())
    }

    /// Manages `ptr` with `value`, attributed to `attr` (an attribute or a block).
    pub(super) fn set(&mut self, ptr: &str, attr: &'static str, value: Json) {
        put(&mut self.body, ptr, value);
        self.manage(ptr, attr);
    }

    /// Manages `ptr` as absent: a write sets it to `null`.
    pub(super) fn absent(&mut self, ptr: &str, attr: &'static str) {
        self.manage(ptr, attr);
    }

    /// Manages `ptr` as known only after apply.
    pub(super) fn unknown(&mut self, ptr: &str, attr: &'static str) {
        self.manage(ptr, attr);
        if !self.unknown.iter().any(|p| p == ptr) {
            self.unknown.push(ptr.to_string());
        }
    }

    /// Writes `value` to the body without managing it: sent on create only.
    pub(super) fn create_only(&mut self, ptr: &str, value: Json) {
        put(&mut self.body, ptr, value);
    }

    fn manage(&mut self, ptr: &str, attr: &'static str) {
        if self.managed.iter().any(|p| p == ptr) {
            return;
        }
        self.managed.push(ptr.to_string());
        self.attributes.push((ptr.to_string(), attr));
        if force_new_rule(self.r.schema.type_name, attr) != ForceNew::No {
            self.force_new.push((ptr.to_string(), attr));
        }
    }

    /// A [`MapError::Value`] for `attr`.
    pub(super) fn error(&self, attr: &str, problem: impl Into<String>) -> MapError {
        MapError::Value {
            addr: self.r.addr.to_string(),
            attribute: attr.to_string(),
            problem: problem.into(),
        }
    }

    /// The finished [`Desired`].
    pub(super) fn finish(
        self,
        id: ResourceId,
        api_family: ApiFamily,
        children: Vec<Desired>,
        absent: Vec<ResourceId>,
        on_delete: OnDelete,
    ) -> Desired {
        Desired {
            id,
            api_family,
            body: self.body,
            managed: self.managed,
            unknown: self.unknown,
            children,
            absent,
            force_new: self.force_new,
            attributes: self.attributes,
            on_delete,
        }
    }
}

/// The value of `attr` in `r`, read through `body` (the schema of the values' top level).
fn slot<'r>(r: &'r ResourceInstance, body: &'static BodySchema, attr: &str) -> Slot<'r> {
    let segs: Vec<&str> = attr.split('.').collect();
    let mut schema = body;
    let mut cur: Option<&'r Value> = None;
    let mut indexed = String::new();
    for (i, seg) in segs.iter().enumerate() {
        if !indexed.is_empty() {
            indexed.push('.');
        }
        indexed.push_str(seg);
        let v = match cur {
            None => r.values.get(*seg),
            Some(m) => m.get(seg),
        };
        let a = schema.attr(seg);
        let blk = schema.block(seg);
        if i + 1 == segs.len() {
            let (presence, default) = match (a, blk) {
                (Some(a), _) => (a.presence, a.default.as_ref()),
                (None, Some(b)) => (b.presence, None),
                (None, None) => (Presence::Optional, None),
            };
            return match v {
                None | Some(Value::Null) => match default {
                    Some(d) if presence != Presence::Computed => Slot::Known(d),
                    _ => Slot::Unset,
                },
                Some(Value::Unknown) => match presence {
                    Presence::OptionalComputed | Presence::Computed if !r.is_set(&indexed) => {
                        Slot::Unset
                    }
                    _ => Slot::Unknown,
                },
                // A block list is known even when some values inside it are not.
                Some(v @ Value::List(_)) if a.is_none() && blk.is_some() => Slot::Known(v),
                Some(v) if !v.is_wholly_known() => Slot::Unknown,
                Some(v) => Slot::Known(v),
            };
        }
        let Some(b) = blk else { return Slot::Unset };
        match v {
            Some(Value::List(items)) => match items.first() {
                Some(first) => {
                    cur = Some(first);
                    indexed.push_str(".0");
                    schema = &b.body;
                }
                None => return Slot::Unset,
            },
            Some(Value::Unknown) if b.presence == Presence::Optional => return Slot::Unknown,
            _ => return Slot::Unset,
        }
    }
    Slot::Unset
}

/// What changing `attr` (dotted, without indices; an attribute or a block) of a `type_name`
/// resource does, from the schema's ForceNew markers. `ForceNew::No` for unknown names.
pub fn force_new_rule(type_name: &str, attr: &str) -> ForceNew {
    let Some(s) = schema::schema(Mode::Managed, type_name) else {
        return ForceNew::No;
    };
    let mut body = &s.body;
    let segs: Vec<&str> = attr.split('.').collect();
    for (i, seg) in segs.iter().enumerate() {
        if i + 1 == segs.len() {
            if let Some(a) = body.attr(seg) {
                return a.force_new;
            }
            return body.block(seg).map_or(ForceNew::No, |b| b.force_new);
        }
        match body.block(seg) {
            Some(b) => body = &b.body,
            None => return ForceNew::No,
        }
    }
    ForceNew::No
}

/// Writes `value` at the JSON pointer `ptr`, creating objects (and arrays for numeric
/// segments) on the way; a non-container in the way is replaced.
pub(super) fn put(root: &mut Json, ptr: &str, value: Json) {
    let segs: Vec<String> = super::normalize::pointer_segments(ptr);
    let mut cur = root;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let index = seg.parse::<usize>().ok();
        if index.is_some() && !cur.is_array() && !cur.is_object() {
            *cur = Json::Array(Vec::new());
        } else if index.is_none() && !cur.is_object() {
            *cur = Json::Object(Map::new());
        }
        let next = match (cur, index) {
            (Json::Array(items), Some(n)) => {
                while items.len() <= n {
                    items.push(Json::Null);
                }
                &mut items[n]
            }
            (Json::Object(m), _) => m.entry(seg.clone()).or_insert(Json::Null),
            // Unreachable: `cur` was made an array or an object above.
            (other, _) => other,
        };
        if last {
            *next = value;
            return;
        }
        cur = next;
    }
    *cur = value;
}

// Conversions from configuration values to ARM JSON.

/// A string (numbers and bools are rendered).
pub(super) fn string(v: &Value) -> Result<Json, String> {
    v.coerce_string()
        .map(Json::String)
        .ok_or_else(|| format!("expected a string, got {}", v.type_name()))
}

/// A whole number.
pub(super) fn int(v: &Value) -> Result<Json, String> {
    let n = v
        .coerce_number()
        .ok_or_else(|| format!("expected a number, got {}", v.type_name()))?;
    if n.fract() != 0.0 || n.abs() > 9.0e15 {
        return Err(format!("expected a whole number, got {n}"));
    }
    #[allow(clippy::cast_possible_truncation)]
    Ok(Json::from(n as i64))
}

/// Any number (whole numbers are written without a fraction).
pub(super) fn number(v: &Value) -> Result<Json, String> {
    let n = v
        .coerce_number()
        .ok_or_else(|| format!("expected a number, got {}", v.type_name()))?;
    if n.fract() == 0.0 && n.abs() <= 9.0e15 {
        return int(v);
    }
    serde_json::Number::from_f64(n)
        .map(Json::Number)
        .ok_or_else(|| format!("{n} is not a finite number"))
}

/// A bool.
pub(super) fn boolean(v: &Value) -> Result<Json, String> {
    v.coerce_bool()
        .map(Json::Bool)
        .ok_or_else(|| format!("expected a bool, got {}", v.type_name()))
}

/// The negation of a bool (`run_command_enabled` → `disableRunCommand`).
pub(super) fn not(v: &Value) -> Result<Json, String> {
    v.coerce_bool()
        .map(|b| Json::Bool(!b))
        .ok_or_else(|| format!("expected a bool, got {}", v.type_name()))
}

/// A bool as `"Enabled"` / `"Disabled"`.
pub(super) fn enabled(v: &Value) -> Result<Json, String> {
    v.coerce_bool()
        .map(|b| Json::from(if b { "Enabled" } else { "Disabled" }))
        .ok_or_else(|| format!("expected a bool, got {}", v.type_name()))
}

/// A bool as the string `"true"` / `"false"` (add-on config values).
pub(super) fn bool_string(v: &Value) -> Result<Json, String> {
    v.coerce_bool()
        .map(|b| Json::String(b.to_string()))
        .ok_or_else(|| format!("expected a bool, got {}", v.type_name()))
}

/// A list or set of strings, in its order.
pub(super) fn strings(v: &Value) -> Result<Json, String> {
    let items = v
        .as_seq()
        .ok_or_else(|| format!("expected a list of strings, got {}", v.type_name()))?;
    items
        .iter()
        .map(string)
        .collect::<Result<Vec<_>, _>>()
        .map(Json::Array)
}

/// A map of strings.
pub(super) fn string_map(v: &Value) -> Result<Json, String> {
    let m = v
        .as_map()
        .ok_or_else(|| format!("expected a map of strings, got {}", v.type_name()))?;
    m.iter()
        .map(|(k, v)| string(v).map(|s| (k.clone(), s)))
        .collect::<Result<Map<_, _>, _>>()
        .map(Json::Object)
}

/// A location, normalised (`West Europe` → `westeurope`).
pub(super) fn location(v: &Value) -> Result<Json, String> {
    let s = v
        .as_str()
        .ok_or_else(|| format!("expected a string, got {}", v.type_name()))?;
    Ok(Json::String(super::normalize::normalize_location(s)))
}

/// CIDR blocks, bare IPs given their host prefix (`/32`).
pub(super) fn cidrs(v: &Value) -> Result<Json, String> {
    let Json::Array(items) = strings(v)? else {
        return Err("expected a list of strings".into());
    };
    Ok(Json::Array(
        items
            .into_iter()
            .map(|s| match s {
                Json::String(s) => Json::String(super::normalize::canonical_cidr(&s)),
                other => other,
            })
            .collect(),
    ))
}

/// Resource ids as `[{ "id": ... }]` references.
pub(super) fn id_refs(v: &Value) -> Result<Json, String> {
    let Json::Array(items) = strings(v)? else {
        return Err("expected a list of ids".into());
    };
    Ok(Json::Array(
        items
            .into_iter()
            .map(|id| serde_json::json!({ "id": id }))
            .collect(),
    ))
}
