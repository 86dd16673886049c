//! azurerm attribute values as a plan shows them: looking up a dotted attribute path
//! (`default_node_pool.vm_size`) in an instance's values, and turning configuration values into
//! JSON with Terraform's masks for unknown and sensitive values.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use crate::config::schema::BodySchema;
use crate::config::value::Value;

/// The value at a dotted azurerm path. Blocks are lists: a list holding one block is stepped
/// into; a list of several stops the walk (the whole list is the value).
pub fn lookup<'a>(values: &'a BTreeMap<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut current = values.get(parts.next()?)?;
    for part in parts {
        if let Some([only]) = current.as_seq() {
            current = only;
        }
        match current {
            Value::Map(m) => current = m.get(part)?,
            Value::List(_) | Value::Set(_) => return Some(current),
            _ => return None,
        }
    }
    Some(current)
}

/// JSON for a value; unknown parts become `null` (the masks say where).
pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Unknown | Value::Null => Json::Null,
        Value::List(items) | Value::Set(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
        other => other.to_json().unwrap_or(Json::Null),
    }
}

/// JSON for an attribute map.
pub fn map_to_json(values: &BTreeMap<String, Value>) -> Json {
    Json::Object(
        values
            .iter()
            .map(|(k, v)| (k.clone(), to_json(v)))
            .collect(),
    )
}

/// Terraform's `after_unknown`: `true` where a value is unknown, objects and arrays where
/// something inside is; known leaves are left out of objects (and `false` in arrays).
pub fn unknown_mask(v: &Value) -> Json {
    match v {
        Value::Unknown => Json::Bool(true),
        Value::List(items) | Value::Set(items) => {
            Json::Array(items.iter().map(unknown_mask).collect())
        }
        Value::Map(m) => Json::Object(
            m.iter()
                .filter(|(_, v)| !v.is_wholly_known())
                .map(|(k, v)| (k.clone(), unknown_mask(v)))
                .collect(),
        ),
        _ => Json::Bool(false),
    }
}

/// `after_unknown` of an attribute map.
pub fn map_unknown_mask(values: &BTreeMap<String, Value>) -> Json {
    Json::Object(
        values
            .iter()
            .filter(|(_, v)| !v.is_wholly_known())
            .map(|(k, v)| (k.clone(), unknown_mask(v)))
            .collect(),
    )
}

/// Terraform's `*_sensitive` mask for a resource: `true` for each sensitive attribute that has a
/// value, nested through blocks.
pub fn sensitive_mask(body: &BodySchema, values: &BTreeMap<String, Value>) -> Json {
    let mut out = Map::new();
    for attr in body.attrs.iter().filter(|a| a.sensitive) {
        if values.get(attr.name).is_some_and(|v| !v.is_null()) {
            out.insert(attr.name.to_string(), Json::Bool(true));
        }
    }
    for block in &body.blocks {
        let Some(items) = values.get(block.name).and_then(Value::as_seq) else {
            continue;
        };
        let masks: Vec<Json> = items
            .iter()
            .map(|item| match item.as_map() {
                Some(m) => sensitive_mask(&block.body, m),
                None => Json::Object(Map::new()),
            })
            .collect();
        if masks
            .iter()
            .any(|m| m.as_object().is_some_and(|o| !o.is_empty()))
        {
            out.insert(block.name.to_string(), Json::Array(masks));
        }
    }
    Json::Object(out)
}

/// Whether the attribute at a dotted path is sensitive.
pub fn is_sensitive(body: &BodySchema, path: &str) -> bool {
    let mut body = body;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            return body.attr(part).is_some_and(|a| a.sensitive);
        }
        match body.block(part) {
            Some(b) => body = &b.body,
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values() -> BTreeMap<String, Value> {
        let pool = Value::map([
            ("name", Value::string("system")),
            ("vm_size", Value::string("Standard_D4ds_v5")),
            ("node_count", Value::Unknown),
        ]);
        BTreeMap::from([
            ("name".to_string(), Value::string("aks")),
            ("default_node_pool".to_string(), Value::List(vec![pool])),
            ("fqdn".to_string(), Value::Unknown),
            (
                "tags".to_string(),
                Value::map([("env", Value::string("prod"))]),
            ),
        ])
    }

    #[test]
    fn dotted_paths_step_into_single_blocks() {
        let v = values();
        assert_eq!(
            lookup(&v, "default_node_pool.vm_size"),
            Some(&Value::string("Standard_D4ds_v5"))
        );
        assert_eq!(lookup(&v, "tags.env"), Some(&Value::string("prod")));
        assert_eq!(lookup(&v, "nope"), None);
        assert_eq!(lookup(&v, "name.more"), None);
    }

    #[test]
    fn masks_follow_terraform() {
        let v = values();
        assert_eq!(
            map_unknown_mask(&v),
            json!({"default_node_pool": [{"node_count": true}], "fqdn": true})
        );
        assert_eq!(map_to_json(&v)["fqdn"], Json::Null);
        assert_eq!(map_to_json(&v)["default_node_pool"][0]["name"], "system");
    }

    #[test]
    fn sensitive_attributes_are_marked() {
        let schema =
            crate::config::schema::schema(crate::addr::Mode::Managed, "azurerm_kubernetes_cluster")
                .unwrap();
        let mut v = values();
        v.insert("kube_config_raw".into(), Value::string("apiVersion: v1"));
        let mask = sensitive_mask(&schema.body, &v);
        assert_eq!(mask["kube_config_raw"], true);
        assert!(is_sensitive(&schema.body, "kube_config_raw"));
        assert!(!is_sensitive(&schema.body, "default_node_pool.vm_size"));
    }
}
