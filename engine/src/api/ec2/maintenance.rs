//! Hardware failures and scheduled events at the API boundary: ModifyInstanceMaintenanceOptions,
//! ModifyInstanceEventStartTime, and the parts of DescribeInstanceStatus that show them (events,
//! `ImpairedSince`). The model lives in [`crate::faults`].

use super::{required, str_of, ApiError, R};
use crate::clock::Time;
use crate::compute::Instance;
use crate::faults::{self, MaintenanceEvent};
use crate::world::World;
use serde_json::{json, Map, Value};

/// An `InstanceStatusEvent`, members in botocore's order.
pub fn event_json(e: &MaintenanceEvent) -> Value {
    let mut m = Map::new();
    m.insert("InstanceEventId".into(), json!(e.id));
    m.insert("Code".into(), json!(e.code.name()));
    m.insert("Description".into(), json!(e.shown_description()));
    if let Some(a) = e.not_after {
        m.insert("NotAfter".into(), json!(a.iso_millis()));
    }
    m.insert("NotBefore".into(), json!(e.not_before.iso_millis()));
    if let Some(d) = e.deadline {
        m.insert("NotBeforeDeadline".into(), json!(d.iso_millis()));
    }
    Value::Object(m)
}

/// `InstanceStatuses[].Events`: None when there is nothing to show (EC2 leaves the key out).
pub fn events_json(world: &World, i: &Instance) -> Option<Value> {
    let events = faults::visible_events(world, i);
    (!events.is_empty()).then(|| Value::Array(events.iter().map(event_json).collect()))
}

/// An `InstanceStatusSummary` for a check's status, with `ImpairedSince` when impaired.
pub fn summary_json(status: &str, impaired_since: Option<Time>) -> Value {
    match status {
        "not-applicable" => json!({"Status": "not-applicable"}),
        "impaired" => {
            let mut d = Map::new();
            if let Some(t) = impaired_since {
                d.insert("ImpairedSince".into(), json!(t.iso_millis()));
            }
            d.insert("Name".into(), json!("reachability"));
            d.insert("Status".into(), json!("failed"));
            json!({"Details": [Value::Object(d)], "Status": "impaired"})
        }
        s => json!({"Details": [{"Name": "reachability", "Status": if s == "ok" { "passed" } else { s }}], "Status": s}),
    }
}

/// The reachability value of a check's status (`passed`, `failed`, `initializing`, …).
pub fn reachability(status: &str) -> &str {
    match status {
        "ok" => "passed",
        "impaired" => "failed",
        s => s,
    }
}

/// The attached EBS volumes' check: network storage does not fail with the host, so it follows
/// the usual launch-time course whatever the hardware under the instance does.
pub fn ebs_status(world: &World, i: &Instance) -> &'static str {
    match world.status_checks(i) {
        ("not-applicable", _) => "not-applicable",
        ("impaired", _) | (_, "impaired") => match i.checks_ok_at {
            Some(t) if t <= world.now() => "ok",
            _ => "initializing",
        },
        (s, _) => s,
    }
}

/// Values of the `event.*` filters of describe-instance-status; None: not an event filter.
pub fn event_filter_values(world: &World, i: &Instance, name: &str) -> Option<Vec<String>> {
    let events = faults::visible_events(world, i);
    let times = |t: Option<Time>| -> Vec<String> { t.map(|t| vec![t.iso_millis(), t.iso(), t.iso_offset()]).unwrap_or_default() };
    Some(match name {
        "event.code" => events.iter().map(|e| e.code.name().to_string()).collect(),
        "event.description" => events.iter().map(|e| e.shown_description()).collect(),
        "event.instance-event-id" => events.iter().map(|e| e.id.clone()).collect(),
        "event.not-before" => events.iter().flat_map(|e| times(Some(e.not_before))).collect(),
        "event.not-after" => events.iter().flat_map(|e| times(e.not_after)).collect(),
        "event.not-before-deadline" => events.iter().flat_map(|e| times(e.deadline)).collect(),
        _ => return None,
    })
}

pub fn modify_instance_maintenance_options(world: &mut World, input: &Value) -> R {
    let id = required(input, "InstanceId")?;
    let auto = str_of(input, "AutoRecovery");
    let migration = str_of(input, "RebootMigration");
    let (ar, rm) = faults::modify_maintenance_options(world, &id, auto.as_deref(), migration.as_deref())?;
    let mut m = Map::new();
    m.insert("InstanceId".into(), json!(id));
    m.insert("AutoRecovery".into(), json!(ar.name()));
    if let Some(r) = rm {
        m.insert("RebootMigration".into(), json!(r));
    }
    Ok(Value::Object(m))
}

/// A timestamp parameter as the CLI sends it: ISO 8601 text (`2026-01-05T10:00:00Z`, with or
/// without the zone or milliseconds), or seconds since the epoch.
fn timestamp(v: &Value) -> Option<Time> {
    match v {
        Value::Number(n) => n.as_f64().filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e11).map(|s| Time((s * 1000.0) as u64)),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(n) = s.parse::<f64>() {
                return timestamp(&json!(n));
            }
            Time::parse_iso(s)
        }
        _ => None,
    }
}

pub fn modify_instance_event_start_time(world: &mut World, input: &Value) -> R {
    let id = required(input, "InstanceId")?;
    let event_id = required(input, "InstanceEventId")?;
    let raw = input.get("NotBefore").ok_or_else(|| ApiError::new("MissingParameter", "The request must contain the parameter NotBefore"))?;
    let Some(at) = timestamp(raw) else {
        let shown = raw.as_str().map(String::from).unwrap_or_else(|| raw.to_string());
        return Err(ApiError::new("InvalidParameterValue", format!("Value ({shown}) for parameter notBefore is invalid. Expected a date and time such as 2026-01-05T10:00:00Z.")));
    };
    let e = faults::modify_event_start_time(world, &id, &event_id, at)?;
    Ok(json!({ "Event": event_json(&e) }))
}
