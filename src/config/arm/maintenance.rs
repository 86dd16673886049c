//! The cluster's maintenance windows ↔ `maintenanceConfigurations` children (§1.6 of
//! `azurerm-to-arm.md`): `maintenance_window_auto_upgrade` is
//! `aksManagedAutoUpgradeSchedule`, `maintenance_window_node_os` is
//! `aksManagedNodeOSUpgradeSchedule`, each `{"properties": {"maintenanceWindow": {...}}}`.
//!
//! `frequency` and `interval` (with `day_of_week`, `day_of_month`, `week_index`) pick exactly
//! one schedule shape, managed as a whole at `/properties/maintenanceWindow/schedule`. Dates are
//! sent as `YYYY-MM-DD`; `start_date` is Optional+Computed (AKS fills today's date). Read back,
//! the shape gives the frequency and dates come back as RFC 3339 midnights
//! (`2026-01-05T00:00:00Z`), as azurerm shows them.

use serde_json::{Map, Value as Json, json};

use super::builder::{Builder, Slot, int, string};
use super::normalize::date_part;
use super::reverse::{Live, NULL, attrs};
use super::{Desired, MapError, OnDelete};
use crate::config::eval::ResourceInstance;
use crate::config::value::Value;
use crate::model::{ApiFamily, ResourceId};

/// A maintenance window block and the configuration it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The azurerm block.
    pub block: &'static str,
    /// The `maintenanceConfigurations` name.
    pub config: &'static str,
}

/// `maintenance_window_auto_upgrade` → `aksManagedAutoUpgradeSchedule`.
pub const AUTO_UPGRADE_SCHEDULE: Window = Window {
    block: "maintenance_window_auto_upgrade",
    config: "aksManagedAutoUpgradeSchedule",
};

/// `maintenance_window_node_os` → `aksManagedNodeOSUpgradeSchedule`.
pub const NODE_OS_UPGRADE_SCHEDULE: Window = Window {
    block: "maintenance_window_node_os",
    config: "aksManagedNodeOSUpgradeSchedule",
};

/// The attribute path of a window attribute, as a `&'static str`.
macro_rules! attr {
    ($w:expr, $name:literal) => {
        if $w.block == "maintenance_window_node_os" {
            concat!("maintenance_window_node_os.", $name)
        } else {
            concat!("maintenance_window_auto_upgrade.", $name)
        }
    };
}

const MW: &str = "/properties/maintenanceWindow";

/// The configuration a window block writes, `None` when the block is not written.
///
/// # Errors
///
/// A schedule without the fields its frequency needs, or values of the wrong type.
pub(super) fn window(
    r: &ResourceInstance,
    cluster: &ResourceId,
    w: Window,
) -> Result<Option<Desired>, MapError> {
    let mut b = Builder::new(r);
    let id = cluster.child("maintenanceConfigurations", w.config);
    match b.block(w.block) {
        Some(false) => return Ok(None),
        None => b.unknown(MW, w.block),
        Some(true) => {
            schedule(&mut b, w)?;
            b.map(&format!("{MW}/durationHours"), attr!(w, "duration"), int)?;
            b.map(&format!("{MW}/startTime"), attr!(w, "start_time"), string)?;
            b.map(&format!("{MW}/utcOffset"), attr!(w, "utc_offset"), string)?;
            b.map(&format!("{MW}/startDate"), attr!(w, "start_date"), date)?;
            b.map_or(
                &format!("{MW}/notAllowedDates"),
                attr!(w, "not_allowed"),
                json!([]),
                not_allowed,
            )?;
        }
    }
    Ok(Some(b.finish(
        id,
        ApiFamily::ContainerService,
        Vec::new(),
        Vec::new(),
        OnDelete::Delete,
    )))
}

/// A date as `YYYY-MM-DD` (an RFC 3339 time is truncated).
fn date(v: &Value) -> Result<Json, String> {
    let s = v
        .as_str()
        .ok_or_else(|| format!("expected a date, got {}", v.type_name()))?;
    Ok(Json::String(date_part(s).to_string()))
}

fn not_allowed(v: &Value) -> Result<Json, String> {
    let mut out = Vec::new();
    for span in v.as_seq().unwrap_or_default() {
        let get = |k: &str| {
            span.get(k)
                .ok_or_else(|| format!("not_allowed needs {k}"))
                .and_then(date)
        };
        out.push(json!({ "start": get("start")?, "end": get("end")? }));
    }
    Ok(Json::Array(out))
}

/// The one schedule shape `frequency` selects.
fn schedule(b: &mut Builder<'_>, w: Window) -> Result<(), MapError> {
    let ptr = format!("{MW}/schedule");
    let freq_attr = attr!(w, "frequency");
    let fields = [
        ("interval", attr!(w, "interval")),
        ("day_of_week", attr!(w, "day_of_week")),
        ("day_of_month", attr!(w, "day_of_month")),
        ("week_index", attr!(w, "week_index")),
    ];
    let mut known = Map::new();
    let mut unknown = matches!(b.slot(freq_attr), Slot::Unknown);
    for (name, path) in fields {
        match b.slot(path) {
            Slot::Known(v) => {
                known.insert(name.to_string(), v.to_json().unwrap_or(Json::Null));
            }
            Slot::Unknown => unknown = true,
            Slot::Unset => {}
        }
    }
    if unknown {
        b.unknown(&ptr, freq_attr);
        return Ok(());
    }
    let Some(freq) = b.str(freq_attr) else {
        return Ok(());
    };
    let need = |name: &str, path: &str| -> Result<Json, MapError> {
        let v = known
            .get(name)
            .cloned()
            .ok_or_else(|| b.error(path, format!("frequency = \"{freq}\" needs {name}")))?;
        match name {
            "interval" | "day_of_month" => int(&Value::from(v)).map_err(|e| b.error(path, e)),
            _ => Ok(v),
        }
    };
    let interval = need("interval", fields[0].1)?;
    let shape = match freq {
        "Daily" => json!({ "daily": { "intervalDays": interval } }),
        "Weekly" => json!({ "weekly": {
            "intervalWeeks": interval,
            "dayOfWeek": need("day_of_week", fields[1].1)?,
        } }),
        "AbsoluteMonthly" => json!({ "absoluteMonthly": {
            "intervalMonths": interval,
            "dayOfMonth": need("day_of_month", fields[2].1)?,
        } }),
        "RelativeMonthly" => json!({ "relativeMonthly": {
            "intervalMonths": interval,
            "weekIndex": need("week_index", fields[3].1)?,
            "dayOfWeek": need("day_of_week", fields[1].1)?,
        } }),
        other => {
            return Err(b.error(
                freq_attr,
                format!("{other:?} is not Daily, Weekly, AbsoluteMonthly or RelativeMonthly"),
            ));
        }
    };
    b.set(&ptr, freq_attr, shape);
    Ok(())
}

/// A maintenance configuration body as a `maintenance_window_*` block value (an object), or
/// `None` when it has no `maintenanceWindow`.
pub fn maintenance_window_from_arm(config: &Json) -> Option<Value> {
    let w = Live(config).at("/properties/maintenanceWindow");
    w.get("")?;
    let midnight = |v: Value| match v {
        Value::String(s) => Value::String(format!("{}T00:00:00Z", date_part(&s))),
        v => v,
    };
    let s = w.at("/schedule");
    let (freq, interval, shape) = [
        ("Daily", "/intervalDays", "/daily"),
        ("Weekly", "/intervalWeeks", "/weekly"),
        ("AbsoluteMonthly", "/intervalMonths", "/absoluteMonthly"),
        ("RelativeMonthly", "/intervalMonths", "/relativeMonthly"),
    ]
    .into_iter()
    .find_map(|(f, i, k)| s.get(k).map(|_| (f, s.at(k).num(i), s.at(k))))
    .unwrap_or(("", Value::Null, Live(&NULL)));
    let not_allowed = w
        .get("/notAllowedDates")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .map(|d| {
                    let d = Live(d);
                    Value::Map(attrs([
                        ("start", midnight(d.str("/start"))),
                        ("end", midnight(d.str("/end"))),
                    ]))
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Value::Map(attrs([
        (
            "frequency",
            if freq.is_empty() {
                Value::Null
            } else {
                Value::string(freq)
            },
        ),
        ("interval", interval),
        ("duration", w.num("/durationHours")),
        ("day_of_week", shape.str("/dayOfWeek")),
        ("day_of_month", shape.num("/dayOfMonth")),
        ("week_index", shape.str("/weekIndex")),
        ("start_time", w.str("/startTime")),
        ("start_date", midnight(w.str("/startDate"))),
        ("utc_offset", w.str("/utcOffset")),
        ("not_allowed", Value::List(not_allowed)),
    ])))
}
