//! Maintenance configurations (`default`, `aksManagedAutoUpgradeSchedule`,
//! `aksManagedNodeOSUpgradeSchedule`): synchronous PUT, GET, DELETE and list, with the schedule
//! rules of planned maintenance (one schedule shape with all its fields, 4–24 hour windows,
//! `HH:mm` start times, weekly-only `default`).

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::rules::invalid;
use super::{MAINTENANCE, cluster_doc};
use crate::emulator::error::{ArmError, ArmResult};
use crate::emulator::http::{Ctx, Reply, Request, page};
use crate::emulator::lro::rfc3339;
use crate::emulator::route::ResPath;
use crate::emulator::types::unsupported_method;

const NAMES: &[&str] = &[
    "default",
    "aksManagedAutoUpgradeSchedule",
    "aksManagedNodeOSUpgradeSchedule",
];
const DAYS: &[&str] = &[
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const WEEK_INDEX: &[&str] = &["First", "Second", "Third", "Fourth", "Last"];
const WINDOW: &str = "properties.maintenanceWindow";

/// Handles `managedClusters/{n}/maintenanceConfigurations[/{name}]`.
///
/// # Errors
///
/// 404 for a missing cluster or configuration; 400 for invalid names and schedules.
pub fn handle(ctx: &mut Ctx<'_>, p: &ResPath, req: &Request<'_>) -> ArmResult<Reply> {
    let cluster = cluster_doc(ctx.store, p)?.id().to_string();
    if p.is_collection() {
        if *req.method != Method::GET {
            return unsupported_method(req);
        }
        let items = ctx
            .store
            .children(&cluster, MAINTENANCE)
            .into_iter()
            .map(|d| d.body.clone())
            .collect();
        return Ok(page(req, ctx, items));
    }
    let name = p.name().unwrap_or("");
    let id = p.id();
    match *req.method {
        Method::GET => ctx
            .store
            .get(&id)
            .map(|d| Reply::json(StatusCode::OK, d.body.clone()))
            .ok_or_else(|| {
                ArmError::new(
                    StatusCode::NOT_FOUND,
                    "NotFound",
                    format!("The maintenance configuration '{name}' was not found."),
                )
            }),
        Method::PUT => put(ctx, &cluster, name, req),
        Method::DELETE => Ok(if ctx.store.remove(&id) > 0 {
            Reply::empty(StatusCode::OK)
        } else {
            Reply::empty(StatusCode::NO_CONTENT)
        }),
        _ => unsupported_method(req),
    }
}

fn put(ctx: &mut Ctx<'_>, cluster: &str, name: &str, req: &Request<'_>) -> ArmResult<Reply> {
    let Some(name) = NAMES.iter().find(|n| n.eq_ignore_ascii_case(name)) else {
        return Err(invalid(
            "configName",
            format!(
                "The maintenance configuration name '{name}' is invalid; use one of {}.",
                NAMES.join(", ")
            ),
        ));
    };
    let body = req.json()?;
    let props = body
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let present = |k: &str| props.get(k).is_some_and(|v| !v.is_null());
    let legacy = present("timeInWeek") || present("notAllowedTime");
    let mut out = Map::new();
    if *name == "default" && !present("maintenanceWindow") {
        if !present("timeInWeek") {
            return Err(invalid(
                "properties.timeInWeek",
                "The default maintenance configuration needs timeInWeek or a weekly maintenanceWindow.",
            ));
        }
        out.insert("timeInWeek".into(), time_in_week(&props["timeInWeek"])?);
        out.insert(
            "notAllowedTime".into(),
            spans(
                props.get("notAllowedTime"),
                "properties.notAllowedTime",
                false,
            )?,
        );
    } else {
        if legacy {
            return Err(invalid(
                "properties.timeInWeek",
                format!(
                    "timeInWeek and notAllowedTime cannot be used {}; use maintenanceWindow.",
                    if *name == "default" {
                        "together with maintenanceWindow"
                    } else {
                        "in this configuration"
                    }
                ),
            ));
        }
        let w = props
            .get("maintenanceWindow")
            .filter(|v| v.is_object())
            .ok_or_else(|| invalid(WINDOW, format!("{WINDOW} is required for '{name}'.")))?;
        let today = rfc3339(ctx.now).get(..10).unwrap_or("").to_string();
        out.insert(
            "maintenanceWindow".into(),
            window(w, *name == "default", &today)?,
        );
    }
    let id = format!("{cluster}/maintenanceConfigurations/{name}");
    let created = ctx.store.get(&id).is_none();
    let doc = json!({
        "id": id,
        "name": name,
        "type": "Microsoft.ContainerService/managedClusters/maintenanceConfigurations",
        "properties": out,
    });
    ctx.store.put(&id, MAINTENANCE, doc.clone());
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(Reply::json(status, doc))
}

fn int_in(v: &Value, field: &str, target: &str, lo: i64, hi: i64) -> ArmResult<i64> {
    v.get(field)
        .and_then(Value::as_i64)
        .filter(|n| (lo..=hi).contains(n))
        .ok_or_else(|| {
            invalid(
                &format!("{target}.{field}"),
                format!("{target}.{field} is required and must be between {lo} and {hi}."),
            )
        })
}

fn one_of(
    v: &Value,
    field: &str,
    target: &str,
    allowed: &[&'static str],
) -> ArmResult<&'static str> {
    let s = v.get(field).and_then(Value::as_str).unwrap_or("");
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(s))
        .copied()
        .ok_or_else(|| {
            invalid(
                &format!("{target}.{field}"),
                format!(
                    "{target}.{field} is required and must be one of {}.",
                    allowed.join(", ")
                ),
            )
        })
}

/// `YYYY-MM-DD`.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return false;
    }
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// `HH:mm` from 00:00 to 23:59, or with a sign, a UTC offset up to ±14:00.
fn is_clock(s: &str, offset: bool) -> bool {
    let (body, max_h) = if offset {
        match s.strip_prefix('+').or_else(|| s.strip_prefix('-')) {
            Some(rest) => (rest, 14),
            None => return false,
        }
    } else {
        (s, 23)
    };
    let b = body.as_bytes();
    if b.len() != 5
        || b[2] != b':'
        || !b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 2 || c.is_ascii_digit())
    {
        return false;
    }
    let h: u32 = body[..2].parse().unwrap_or(99);
    let m: u32 = body[3..].parse().unwrap_or(99);
    h <= max_h && m < 60
}

fn window(w: &Value, weekly_only: bool, today: &str) -> ArmResult<Value> {
    let target = format!("{WINDOW}.schedule");
    let schedule = w
        .get("schedule")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid(&target, format!("{target} is required.")))?;
    let kinds: Vec<(&String, &Value)> = schedule.iter().filter(|(_, v)| !v.is_null()).collect();
    let [(kind, s)] = kinds.as_slice() else {
        return Err(invalid(
            &target,
            "One and only one of the schedule types should be specified. Choose either 'daily', 'weekly', 'absoluteMonthly' or 'relativeMonthly' for your maintenance schedule.",
        ));
    };
    let t = format!("{target}.{kind}");
    let shape = match kind.as_str() {
        "weekly" => json!({ "weekly": {
            "intervalWeeks": int_in(s, "intervalWeeks", &t, 1, 4)?,
            "dayOfWeek": one_of(s, "dayOfWeek", &t, DAYS)?,
        }}),
        _ if weekly_only => {
            return Err(invalid(
                &target,
                "The default maintenance configuration supports only a weekly schedule.",
            ));
        }
        "daily" => json!({ "daily": { "intervalDays": int_in(s, "intervalDays", &t, 1, 7)? } }),
        "absoluteMonthly" => json!({ "absoluteMonthly": {
            "intervalMonths": int_in(s, "intervalMonths", &t, 1, 6)?,
            "dayOfMonth": int_in(s, "dayOfMonth", &t, 1, 31)?,
        }}),
        "relativeMonthly" => json!({ "relativeMonthly": {
            "intervalMonths": int_in(s, "intervalMonths", &t, 1, 6)?,
            "weekIndex": one_of(s, "weekIndex", &t, WEEK_INDEX)?,
            "dayOfWeek": one_of(s, "dayOfWeek", &t, DAYS)?,
        }}),
        other => {
            return Err(invalid(
                &target,
                format!(
                    "Unknown schedule type '{other}'; use daily, weekly, absoluteMonthly or relativeMonthly."
                ),
            ));
        }
    };
    let duration = w
        .get("durationHours")
        .and_then(Value::as_i64)
        .filter(|h| (4..=24).contains(h))
        .ok_or_else(|| {
            invalid(
                &format!("{WINDOW}.durationHours"),
                "durationHours is required and must be between 4 and 24.",
            )
        })?;
    let start_time = w
        .get("startTime")
        .and_then(Value::as_str)
        .filter(|s| is_clock(s, false))
        .ok_or_else(|| {
            invalid(
                &format!("{WINDOW}.startTime"),
                "startTime is required, in the form HH:mm from 00:00 to 23:59.",
            )
        })?;
    let text = |f: &str| w.get(f).and_then(Value::as_str).filter(|s| !s.is_empty());
    let offset = text("utcOffset").unwrap_or("+00:00");
    if !is_clock(offset, true) {
        return Err(invalid(
            &format!("{WINDOW}.utcOffset"),
            "utcOffset must look like +05:30 or -07:00.",
        ));
    }
    let start_date = text("startDate").unwrap_or(today);
    if !is_date(start_date) {
        return Err(invalid(
            &format!("{WINDOW}.startDate"),
            "startDate must be a date in the form YYYY-MM-DD.",
        ));
    }
    let mut out = json!({
        "schedule": shape,
        "durationHours": duration,
        "utcOffset": offset,
        "startDate": start_date,
        "startTime": start_time,
    });
    if w.get("notAllowedDates").is_some_and(|v| !v.is_null()) {
        out["notAllowedDates"] = spans(
            w.get("notAllowedDates"),
            &format!("{WINDOW}.notAllowedDates"),
            true,
        )?;
    }
    Ok(out)
}

/// `[{start, end}]`: dates (`YYYY-MM-DD`) or timestamps, `start` not after `end`.
fn spans(v: Option<&Value>, target: &str, dates: bool) -> ArmResult<Value> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(json!([]));
    };
    let list = v.as_array().ok_or_else(|| {
        invalid(
            target,
            format!("{target} must be an array of {{start, end}}."),
        )
    })?;
    for s in list {
        let start = s.get("start").and_then(Value::as_str).unwrap_or("");
        let end = s.get("end").and_then(Value::as_str).unwrap_or("");
        let ok = |x: &str| {
            if dates {
                is_date(x)
            } else {
                x.get(..10).is_some_and(is_date)
            }
        };
        if !ok(start) || !ok(end) || start > end {
            return Err(invalid(
                target,
                format!(
                    "Each entry of {target} needs a start and an end {}, the start not after the end.",
                    if dates { "date (YYYY-MM-DD)" } else { "time" }
                ),
            ));
        }
    }
    Ok(v.clone())
}

fn time_in_week(v: &Value) -> ArmResult<Value> {
    let target = "properties.timeInWeek";
    let list = v.as_array().filter(|a| !a.is_empty()).ok_or_else(|| {
        invalid(
            target,
            "timeInWeek must be a non-empty array of {day, hourSlots}.",
        )
    })?;
    let mut out = Vec::new();
    for entry in list {
        let day = one_of(entry, "day", target, DAYS)?;
        let slots = entry
            .get("hourSlots")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if slots.iter().any(|h| h.as_u64().is_none_or(|h| h > 23)) {
            return Err(invalid(
                &format!("{target}.hourSlots"),
                "hourSlots must be hours from 0 to 23.",
            ));
        }
        out.push(json!({ "day": day, "hourSlots": slots }));
    }
    Ok(Value::Array(out))
}
