//! Maintenance configurations: the schedule shapes, their validation, and the synchronous
//! endpoints.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::*;

fn path(name: &str) -> String {
    format!("{}/maintenanceConfigurations/{name}", mc("k1"))
}

fn window(schedule: Value) -> Value {
    json!({"properties": {"maintenanceWindow": {
        "schedule": schedule, "durationHours": 4, "utcOffset": "+05:30",
        "startDate": "2026-01-01", "startTime": "01:00",
        "notAllowedDates": [{"start": "2026-12-23", "end": "2027-01-02"}]
    }}})
}

#[test]
fn schedules_round_trip() {
    let mut env = Env::new();
    env.cluster("k1", body(None));
    let r = env
        .put(
            &path("aksManagedAutoUpgradeSchedule"),
            window(json!({"weekly": {"intervalWeeks": 2, "dayOfWeek": "friday"}})),
        )
        .unwrap();
    assert_eq!(r.status, StatusCode::CREATED);
    let b = r.body.unwrap();
    assert_eq!(
        b["type"],
        "Microsoft.ContainerService/managedClusters/maintenanceConfigurations"
    );
    assert_eq!(b["name"], "aksManagedAutoUpgradeSchedule");
    let w = &b["properties"]["maintenanceWindow"];
    assert_eq!(
        w["schedule"],
        json!({"weekly": {"intervalWeeks": 2, "dayOfWeek": "Friday"}})
    );
    assert_eq!(w["notAllowedDates"][0]["end"], "2027-01-02");
    let again = env
        .put(
            &path("aksManagedAutoUpgradeSchedule"),
            window(json!({"daily": {"intervalDays": 1}})),
        )
        .unwrap();
    assert_eq!(again.status, StatusCode::OK);
    // Defaults: UTC and today.
    let r = env
        .put(&path("aksManagedNodeOSUpgradeSchedule"), json!({"properties": {"maintenanceWindow": {
            "schedule": {"relativeMonthly": {"intervalMonths": 1, "weekIndex": "Last", "dayOfWeek": "Sunday"}},
            "durationHours": 24, "startTime": "23:59"
        }}}))
        .unwrap();
    let w = &r.body.unwrap()["properties"]["maintenanceWindow"];
    assert_eq!(w["utcOffset"], "+00:00");
    assert_eq!(w["startDate"], "2026-11-18");
    env.put(
        &path("default"),
        json!({"properties": {"timeInWeek": [{"day": "Monday", "hourSlots": [1, 2]}]}}),
    )
    .unwrap();
    let list = env.get(&format!("{}/maintenanceConfigurations", mc("k1")));
    assert_eq!(list["value"].as_array().unwrap().len(), 3);
    assert_eq!(
        env.get(&path("default"))["properties"]["timeInWeek"][0]["day"],
        "Monday"
    );
    assert_eq!(env.delete(&path("default")).unwrap().status, StatusCode::OK);
    assert_eq!(
        env.delete(&path("default")).unwrap().status,
        StatusCode::NO_CONTENT
    );
    err(
        env.call(Method::GET, &path("default"), None, &[]),
        StatusCode::NOT_FOUND,
        "NotFound",
        "default",
    );
    let other = format!("{}/maintenanceConfigurations/default", mc("k9"));
    err(
        env.put(
            &other,
            window(json!({"weekly": {"intervalWeeks": 1, "dayOfWeek": "Monday"}})),
        ),
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        "k9",
    );
}

#[test]
fn schedules_are_validated() {
    let mut env = Env::new();
    env.cluster("k1", body(None));
    let auto = path("aksManagedAutoUpgradeSchedule");
    let weekly = json!({"weekly": {"intervalWeeks": 1, "dayOfWeek": "Monday"}});
    let cases: Vec<(String, Value, &str, &str)> = vec![
        (
            path("mine"),
            window(weekly.clone()),
            "configName",
            "is invalid",
        ),
        (
            path("default"),
            window(json!({"daily": {"intervalDays": 1}})),
            "properties.maintenanceWindow.schedule",
            "only a weekly schedule",
        ),
        (
            auto.clone(),
            window(json!({})),
            "properties.maintenanceWindow.schedule",
            "One and only one",
        ),
        (
            auto.clone(),
            window(
                json!({"daily": {"intervalDays": 1}, "weekly": {"intervalWeeks": 1, "dayOfWeek": "Monday"}}),
            ),
            "properties.maintenanceWindow.schedule",
            "One and only one",
        ),
        (
            auto.clone(),
            window(json!({"weekly": {"intervalWeeks": 1}})),
            "properties.maintenanceWindow.schedule.weekly.dayOfWeek",
            "required",
        ),
        (
            auto.clone(),
            window(json!({"weekly": {"intervalWeeks": 5, "dayOfWeek": "Monday"}})),
            "properties.maintenanceWindow.schedule.weekly.intervalWeeks",
            "between 1 and 4",
        ),
        (
            auto.clone(),
            window(json!({"absoluteMonthly": {"intervalMonths": 1}})),
            "properties.maintenanceWindow.schedule.absoluteMonthly.dayOfMonth",
            "between 1 and 31",
        ),
        (
            auto.clone(),
            window(
                json!({"relativeMonthly": {"intervalMonths": 1, "weekIndex": "Fifth", "dayOfWeek": "Monday"}}),
            ),
            "properties.maintenanceWindow.schedule.relativeMonthly.weekIndex",
            "First, Second",
        ),
        (
            auto.clone(),
            window(json!({"hourly": {}})),
            "properties.maintenanceWindow.schedule",
            "Unknown schedule type",
        ),
        (
            auto.clone(),
            json!({"properties": {}}),
            "properties.maintenanceWindow",
            "is required",
        ),
        (
            auto.clone(),
            json!({"properties": {"timeInWeek": [{"day": "Monday"}]}}),
            "properties.timeInWeek",
            "use maintenanceWindow",
        ),
        (
            path("default"),
            json!({"properties": {}}),
            "properties.timeInWeek",
            "needs timeInWeek",
        ),
        (
            path("default"),
            json!({"properties": {"timeInWeek": [{"day": "Someday"}]}}),
            "properties.timeInWeek.day",
            "Monday",
        ),
        (
            path("default"),
            json!({"properties": {"timeInWeek": [{"day": "Monday", "hourSlots": [24]}]}}),
            "properties.timeInWeek.hourSlots",
            "0 to 23",
        ),
    ];
    for (p, b, target, part) in cases {
        let e = err(
            env.put(&p, b),
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            part,
        );
        assert_eq!(e.target.as_deref(), Some(target), "{part}");
    }
    let field = |f: &str, v: Value| {
        let mut b = window(weekly.clone());
        b["properties"]["maintenanceWindow"][f] = v;
        b
    };
    for (f, v, part) in [
        ("durationHours", json!(3), "between 4 and 24"),
        ("durationHours", json!(25), "between 4 and 24"),
        ("durationHours", Value::Null, "required"),
        ("startTime", json!("25:00"), "HH:mm"),
        ("startTime", json!("1:00"), "HH:mm"),
        ("startTime", json!("ab:cd"), "HH:mm"),
        ("utcOffset", json!("05:30"), "+05:30"),
        ("startDate", json!("2026-13-01"), "YYYY-MM-DD"),
        (
            "notAllowedDates",
            json!([{"start": "2027-01-02", "end": "2026-12-23"}]),
            "not after",
        ),
        (
            "notAllowedDates",
            json!([{"start": "2027-01-02"}]),
            "start and an end",
        ),
    ] {
        let e = err(
            env.put(&auto, field(f, v)),
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            part,
        );
        assert!(
            e.target
                .unwrap()
                .starts_with(&format!("properties.maintenanceWindow.{f}"))
        );
    }
}

#[test]
fn odd_windows_get_answers_not_panics() {
    let mut env = Env::new();
    env.cluster("k1", body(None));
    let values = [
        Value::Null,
        json!(7),
        json!("é€😀12345"),
        json!("2026-01-0é"),
        json!("+1é:00"),
        json!([]),
        json!({}),
        json!([{"start": 1}]),
    ];
    for field in [
        "schedule",
        "durationHours",
        "startTime",
        "utcOffset",
        "startDate",
        "notAllowedDates",
    ] {
        for v in &values {
            for name in ["default", "aksManagedNodeOSUpgradeSchedule"] {
                let mut b = window(json!({"weekly": {"intervalWeeks": 1, "dayOfWeek": "Monday"}}));
                b["properties"]["maintenanceWindow"][field] = v.clone();
                let _ = env.put(&path(name), b);
            }
        }
    }
    for v in &values {
        let _ = env.put(
            &path("default"),
            json!({"properties": {"timeInWeek": v, "notAllowedTime": v}}),
        );
        let _ = env.put(&path("default"), json!({"properties": v}));
    }
}
