//! Parameter policies (Advanced tier only): `Expiration`, `ExpirationNotification`,
//! `NoChangeNotification`, given to PutParameter as a JSON array.
//!
//! ```json
//! [{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2026-01-06T00:00:00.000Z"}},
//!  {"Type":"ExpirationNotification","Version":"1.0","Attributes":{"Before":"15","Unit":"Days"}},
//!  {"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"20","Unit":"Days"}}]
//! ```
//!
//! Expiration deletes the parameter when the virtual clock passes the timestamp (an event on the
//! world's queue). The two notifications would send EventBridge events, which ec2lab does not
//! simulate; their `PolicyStatus` still moves from `Pending` to `Finished` on the clock.

use super::SsmError;
use crate::clock::{Time, DAY, HOUR};
use serde_json::Value;

/// At most this many policies per parameter.
pub const MAX_POLICIES: usize = 10;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// Delete the parameter at this time.
    Expiration { at: Time },
    /// Notify this long before the expiration.
    ExpirationNotification { before_ms: u64 },
    /// Notify when the parameter has not changed for this long.
    NoChangeNotification { after_ms: u64 },
}

/// One policy: its text as AWS echoes it (`PolicyText`) and what it means.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Policy {
    pub text: String,
    pub kind: PolicyKind,
}

impl Policy {
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            PolicyKind::Expiration { .. } => "Expiration",
            PolicyKind::ExpirationNotification { .. } => "ExpirationNotification",
            PolicyKind::NoChangeNotification { .. } => "NoChangeNotification",
        }
    }

    /// `PolicyStatus` at `now` for a version last modified at `modified` whose policies are
    /// `all` (a notification before expiry needs the expiration time).
    pub fn status(&self, all: &[Policy], modified: Time, now: Time) -> &'static str {
        let due = match self.kind {
            PolicyKind::Expiration { at } => Some(at),
            PolicyKind::ExpirationNotification { before_ms } => expiration(all).map(|at| Time(at.0.saturating_sub(before_ms))),
            PolicyKind::NoChangeNotification { after_ms } => Some(modified.plus(after_ms)),
        };
        match due {
            Some(t) if t <= now => "Finished",
            _ => "Pending",
        }
    }
}

/// The expiration time among `policies`, if any.
pub fn expiration(policies: &[Policy]) -> Option<Time> {
    policies.iter().find_map(|p| match p.kind {
        PolicyKind::Expiration { at } => Some(at),
        _ => None,
    })
}

// The messages below are the SSM API model's descriptions of these errors; AWS's exact wording
// for each case is UNCONFIRMED.
fn type_error() -> SsmError {
    SsmError::new(
        "InvalidPolicyTypeException",
        "The policy type isn't supported. Parameter Store supports the following policy types: Expiration, ExpirationNotification, and NoChangeNotification.",
    )
}

fn attribute_error(detail: &str) -> SsmError {
    SsmError::new("InvalidPolicyAttributeException", format!("A policy attribute or its value is invalid. {detail}"))
}

fn incompatible() -> SsmError {
    SsmError::new(
        "IncompatiblePolicyException",
        "There is a conflict in the policies specified for this parameter. You can't, for example, specify two Expiration policies for a parameter. Review your policies, and try again.",
    )
}

fn amount(attrs: &serde_json::Map<String, Value>, field: &str) -> Result<u64, SsmError> {
    let n = match attrs.get(field) {
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    };
    let n = n.filter(|n| *n >= 1).ok_or_else(|| attribute_error(&format!("{field} must be a positive whole number.")))?;
    let unit = match attrs.get("Unit").and_then(Value::as_str) {
        Some("Days") => DAY,
        Some("Hours") => HOUR,
        _ => return Err(attribute_error("Unit must be Days or Hours.")),
    };
    n.checked_mul(unit).ok_or_else(|| attribute_error(&format!("{field} is too large.")))
}

/// Parse `--policies` (a JSON array as text); `now` rejects expirations in the past.
pub fn parse(text: &str, now: Time) -> Result<Vec<Policy>, SsmError> {
    let v: Value = serde_json::from_str(text).map_err(|_| type_error())?;
    let Value::Array(items) = v else { return Err(type_error()) };
    if items.len() > MAX_POLICIES {
        return Err(SsmError::new(
            "PoliciesLimitExceededException",
            "You specified more than the maximum number of allowed policies for the parameter. The maximum is 10.",
        ));
    }
    let mut out: Vec<Policy> = Vec::new();
    for item in items {
        let Value::Object(o) = &item else { return Err(type_error()) };
        let empty = serde_json::Map::new();
        let attrs = o.get("Attributes").and_then(Value::as_object).unwrap_or(&empty);
        if o.get("Version").and_then(Value::as_str).is_some_and(|v| v != "1.0") {
            return Err(attribute_error("Version must be 1.0."));
        }
        let kind = match o.get("Type").and_then(Value::as_str) {
            Some("Expiration") => {
                let ts = attrs.get("Timestamp").and_then(Value::as_str).unwrap_or("");
                let at = Time::parse_iso(ts).ok_or_else(|| attribute_error("Timestamp must be an ISO 8601 time such as 2026-01-06T09:00:00.000Z."))?;
                if at <= now {
                    return Err(attribute_error("The expiration Timestamp must be in the future."));
                }
                PolicyKind::Expiration { at }
            }
            Some("ExpirationNotification") => PolicyKind::ExpirationNotification { before_ms: amount(attrs, "Before")? },
            Some("NoChangeNotification") => PolicyKind::NoChangeNotification { after_ms: amount(attrs, "After")? },
            _ => return Err(type_error()),
        };
        let p = Policy { text: serde_json::to_string(&item).unwrap_or_default(), kind };
        if out.iter().any(|q| q.type_name() == p.type_name()) {
            return Err(incompatible());
        }
        out.push(p);
    }
    // A notification before expiry needs an expiration to count back from.
    if out.iter().any(|p| matches!(p.kind, PolicyKind::ExpirationNotification { .. })) && expiration(&out).is_none() {
        return Err(incompatible());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Time = Time(crate::clock::EPOCH_START_MS);

    #[test]
    fn parses_the_three_types() {
        let p = parse(
            r#"[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2026-01-06T09:00:00.000Z"}},
                {"Type":"ExpirationNotification","Version":"1.0","Attributes":{"Before":"2","Unit":"Hours"}},
                {"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"1","Unit":"Days"}}]"#,
            NOW,
        )
        .unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(expiration(&p), Some(NOW.plus(DAY)));
        assert_eq!(p[0].text, r#"{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2026-01-06T09:00:00.000Z"}}"#);
        assert_eq!(p[1].status(&p, NOW, NOW), "Pending");
        assert_eq!(p[1].status(&p, NOW, NOW.plus(DAY - 2 * HOUR)), "Finished");
        assert_eq!(p[2].status(&p, NOW, NOW.plus(DAY)), "Finished");
    }

    #[test]
    fn rejects_bad_policies() {
        assert_eq!(parse("invalid json", NOW).unwrap_err().code, "InvalidPolicyTypeException");
        assert_eq!(parse(r#"[{"Type":"Rotation"}]"#, NOW).unwrap_err().code, "InvalidPolicyTypeException");
        let past = r#"[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2020-01-01T00:00:00Z"}}]"#;
        assert_eq!(parse(past, NOW).unwrap_err().code, "InvalidPolicyAttributeException");
        let two = r#"[{"Type":"NoChangeNotification","Attributes":{"After":"1","Unit":"Days"}},{"Type":"NoChangeNotification","Attributes":{"After":"2","Unit":"Days"}}]"#;
        assert_eq!(parse(two, NOW).unwrap_err().code, "IncompatiblePolicyException");
        let lonely = r#"[{"Type":"ExpirationNotification","Attributes":{"Before":"1","Unit":"Days"}}]"#;
        assert_eq!(parse(lonely, NOW).unwrap_err().code, "IncompatiblePolicyException");
        let unit = r#"[{"Type":"NoChangeNotification","Attributes":{"After":"1","Unit":"Weeks"}}]"#;
        assert_eq!(parse(unit, NOW).unwrap_err().code, "InvalidPolicyAttributeException");
        let many = format!("[{}]", vec![r#"{"Type":"NoChangeNotification","Attributes":{"After":"1","Unit":"Days"}}"#; 11].join(","));
        assert_eq!(parse(&many, NOW).unwrap_err().code, "PoliciesLimitExceededException");
    }
}
