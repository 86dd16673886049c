//! The ARM request bodies of a plan as a unified diff: for every resource that changes, the body
//! as read (`--- ADDRESS (live)`) against the body that will be sent (`+++ ADDRESS (planned)`),
//! pretty-printed JSON with the keys of every object sorted, three lines of context.
//!
//! It shows what the text plan cannot: the exact wire shape, read-only fields included. A missing
//! side (a create, a destroy) is empty text. Values of well-known secret fields (`secret`,
//! `password`, `adminPassword`, `clientSecret`) are replaced by `(sensitive value)`, or
//! `(sensitive value, changed)` on the planned side when they change, so the diff can go to a CI
//! log.

use std::io::{self, Write};

use serde_json::Value as Json;
use similar::TextDiff;

use super::sort_keys;
use crate::plan::Plan;

/// Object keys whose string values are secrets (compared case-insensitively).
const SECRET_KEYS: [&str; 4] = ["secret", "password", "adminpassword", "clientsecret"];

/// The text that replaces a secret.
const HIDDEN: &str = "(sensitive value)";

/// The text that replaces a secret that the plan changes.
const HIDDEN_CHANGED: &str = "(sensitive value, changed)";

/// Writes one unified diff per changing resource whose bodies differ, in plan order. Writes
/// nothing when no body changes.
///
/// # Errors
///
/// Only the errors of `out`.
pub fn write(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    for rc in plan
        .resources
        .iter()
        .filter(|rc| rc.action.is_change() || rc.importing)
    {
        let before = rc.body_before.as_ref().filter(|b| !b.is_null());
        let after = rc.body_after.as_ref().filter(|b| !b.is_null());
        let old = body_text(before.map(|b| redacted(b, None)).as_ref())?;
        let new = body_text(after.map(|a| redacted(a, before)).as_ref())?;
        if old == new {
            continue;
        }
        let diff = TextDiff::from_lines(&old, &new);
        diff.unified_diff()
            .context_radius(3)
            .header(
                &format!("{} (live)", rc.address),
                &format!("{} (planned)", rc.address),
            )
            .to_writer(&mut *out)?;
    }
    Ok(())
}

/// A body as pretty JSON with sorted keys and a final newline; empty text when absent.
pub(crate) fn body_text(body: Option<&Json>) -> io::Result<String> {
    let Some(body) = body else {
        return Ok(String::new());
    };
    let mut text = serde_json::to_string_pretty(&sort_keys(body)).map_err(io::Error::other)?;
    text.push('\n');
    Ok(text)
}

/// `body` with the string values of secret fields hidden; `other` is the body on the other side,
/// to tell a changed secret from an unchanged one.
fn redacted(body: &Json, other: Option<&Json>) -> Json {
    match body {
        Json::Object(map) => Json::Object(
            map.iter()
                .map(|(key, value)| {
                    let theirs = other.and_then(|o| o.get(key));
                    let is_secret = SECRET_KEYS.iter().any(|s| key.eq_ignore_ascii_case(s));
                    let shown = match value {
                        Json::String(_)
                            if is_secret && other.is_some() && theirs != Some(value) =>
                        {
                            Json::String(HIDDEN_CHANGED.to_string())
                        }
                        Json::String(_) if is_secret => Json::String(HIDDEN.to_string()),
                        _ => redacted(value, theirs),
                    };
                    (key.clone(), shown)
                })
                .collect(),
        ),
        Json::Array(items) => Json::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| redacted(item, other.and_then(|o| o.get(i))))
                .collect(),
        ),
        other => other.clone(),
    }
}
