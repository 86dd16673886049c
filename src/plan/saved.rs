//! A saved plan (`plan -out FILE`): the plan itself (the evaluated configuration's hash, every
//! change, the ETag of every live resource read) and the state index it was made against, so
//! that apply can refuse a plan whose world has moved on.

use serde::{Deserialize, Serialize};

use super::types::{PLAN_FORMAT, Plan};

/// The `kind` every saved plan file carries, so that another JSON file is recognised as one.
pub const SAVED_PLAN_KIND: &str = "aksform-plan";

/// The state index a plan was made against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateStamp {
    /// The index's lineage (which stack).
    pub lineage: String,
    /// Its serial (which version of it); an index never saved has serial 0.
    pub serial: u64,
    /// The state file the run used, as given.
    pub path: String,
}

/// The configuration a plan was made from: its directory and the `-var`/`-var-file` arguments,
/// so that apply evaluates the same configuration again (to check its hash and to fill in
/// values known only after apply).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigStamp {
    /// The root module's directory, absolute.
    pub dir: String,
    /// `-var` and `-var-file` in command-line order (files as absolute paths).
    pub vars: Vec<SavedVar>,
}

/// One `-var` or `-var-file` argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SavedVar {
    /// `-var NAME=VALUE`.
    Var(String),
    /// `-var-file PATH`.
    VarFile(String),
}

/// What `plan -out` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    /// [`SAVED_PLAN_KIND`].
    pub kind: String,
    /// When the plan was made, RFC 3339 UTC (shown by `show`; not part of the plan's meaning).
    pub created: String,
    /// The state index it was made against.
    pub state: StateStamp,
    /// The configuration it was made from.
    #[serde(default)]
    pub config: ConfigStamp,
    /// The plan.
    pub plan: Plan,
}

impl SavedPlan {
    /// A saved plan of `plan`, made against `state`, at `created`.
    pub fn new(plan: Plan, state: StateStamp, created: String) -> Self {
        SavedPlan {
            kind: SAVED_PLAN_KIND.to_string(),
            created,
            state,
            config: ConfigStamp::default(),
            plan,
        }
    }
}

/// Why bytes are not a saved plan this build can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SavedPlanError {
    /// Not JSON, or JSON of another shape.
    #[error("line {line}, column {column}: {message}")]
    Malformed {
        /// 1-based line (0 when serde could not tell).
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde's description.
        message: String,
    },
    /// JSON, but not an aksform plan (a Terraform plan, a state index, ...).
    #[error("not an aksform plan (no \"kind\": \"{SAVED_PLAN_KIND}\")")]
    NotAPlan,
    /// A plan format newer than this build reads.
    #[error(
        "plan format {found}, written by aksform {writer}; this aksform reads format {PLAN_FORMAT} at most"
    )]
    TooNew {
        /// The file's format.
        found: u64,
        /// The aksform version that wrote it.
        writer: String,
    },
}

/// Pretty JSON with a final newline.
pub fn encode(saved: &SavedPlan) -> Vec<u8> {
    // A plan is plain data (strings, numbers, JSON values): serialising cannot fail.
    let mut bytes = serde_json::to_vec_pretty(saved).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Reads a saved plan, checking its kind and format before its shape, so that a plan from a
/// newer aksform says "upgrade" rather than "malformed".
///
/// # Errors
///
/// See [`SavedPlanError`].
pub fn decode(bytes: &[u8]) -> Result<SavedPlan, SavedPlanError> {
    let malformed = |e: serde_json::Error| {
        let (line, column, message) = crate::diag::json_error_parts(&e);
        SavedPlanError::Malformed {
            line,
            column,
            message,
        }
    };
    let probe: serde_json::Value = serde_json::from_slice(bytes).map_err(malformed)?;
    if probe.get("kind").and_then(|k| k.as_str()) != Some(SAVED_PLAN_KIND) {
        return Err(SavedPlanError::NotAPlan);
    }
    let plan = probe.get("plan");
    if let Some(found) = plan.and_then(|p| p.get("format")).and_then(|f| f.as_u64())
        && found > u64::from(PLAN_FORMAT)
    {
        let writer = plan
            .and_then(|p| p.get("aksform_version"))
            .and_then(|v| v.as_str())
            .unwrap_or("an unknown version")
            .to_string();
        return Err(SavedPlanError::TooNew { found, writer });
    }
    serde_json::from_slice(bytes).map_err(malformed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Target;

    fn sample() -> SavedPlan {
        let plan = Plan {
            format: PLAN_FORMAT,
            aksform_version: "0.1.0".into(),
            target: Target {
                endpoint: "https://management.azure.com/".into(),
                subscription: "00000000-0000-0000-0000-000000000001".into(),
                emulator: false,
            },
            config_hash: "ab".repeat(32),
            resources: Vec::new(),
            outputs: Vec::new(),
            notes: vec!["a note".into()],
        };
        let stamp = StateStamp {
            lineage: "l".into(),
            serial: 3,
            path: ".aksform/state.json".into(),
        };
        SavedPlan::new(plan, stamp, "2026-11-28T03:00:00Z".into())
    }

    #[test]
    fn round_trips() {
        let saved = sample();
        assert_eq!(decode(&encode(&saved)), Ok(saved));
    }

    #[test]
    fn other_json_is_not_a_plan() {
        assert_eq!(
            decode(br#"{"format_version": 1, "resources": {}}"#),
            Err(SavedPlanError::NotAPlan)
        );
        assert!(matches!(
            decode(b"{\n  \"kind\": "),
            Err(SavedPlanError::Malformed { line: 2, .. })
        ));
    }

    #[test]
    fn a_newer_format_asks_for_an_upgrade() {
        let mut v: serde_json::Value = serde_json::from_slice(&encode(&sample())).unwrap();
        v["plan"]["format"] = 99.into();
        v["plan"]["aksform_version"] = "9.0.0".into();
        v["plan"]["resources"] = "a shape from the future".into();
        let err = decode(&serde_json::to_vec(&v).unwrap()).unwrap_err();
        assert_eq!(
            err,
            SavedPlanError::TooNew {
                found: 99,
                writer: "9.0.0".into()
            }
        );
    }

    #[test]
    fn a_damaged_plan_is_malformed_with_a_position() {
        let mut v: serde_json::Value = serde_json::from_slice(&encode(&sample())).unwrap();
        v["plan"]["resources"] = 5.into();
        let text = serde_json::to_string_pretty(&v).unwrap();
        let Err(SavedPlanError::Malformed { line, message, .. }) = decode(text.as_bytes()) else {
            panic!("not malformed")
        };
        assert!(line > 1, "{line}");
        assert!(message.contains("invalid type"), "{message}");
    }
}
