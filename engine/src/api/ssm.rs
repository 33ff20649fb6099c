//! Systems Manager Parameter Store at the API boundary. For now the store holds AWS's public
//! parameters (the latest-AMI ids); the account's own parameters arrive with the identity issue.

use super::ApiError;
use crate::catalog;
use crate::world::World;
use serde_json::{json, Value};

pub const OPERATIONS: &[&str] = &["GetParameter", "GetParameters", "GetParametersByPath"];

pub fn call(world: &mut World, caller: &super::Caller, operation: &str, input: &Value) -> Result<Value, ApiError> {
    let _ = caller;
    match operation {
        "GetParameter" => {
            let name = input.get("Name").and_then(Value::as_str).unwrap_or_default();
            let p = parameter(world, name)?;
            Ok(json!({ "Parameter": p }))
        }
        "GetParameters" => {
            let names: Vec<String> = input
                .get("Names")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
                .unwrap_or_default();
            if names.is_empty() || names.len() > 10 {
                return Err(ApiError::new(
                    "ValidationException",
                    format!("1 validation error detected: Value '[{}]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1", names.join(", ")),
                ));
            }
            let mut found = Vec::new();
            let mut invalid = Vec::new();
            for n in names {
                match parameter(world, &n) {
                    Ok(p) => found.push(p),
                    Err(_) => invalid.push(Value::String(n)),
                }
            }
            Ok(json!({ "Parameters": found, "InvalidParameters": invalid }))
        }
        "GetParametersByPath" => {
            let path = input.get("Path").and_then(Value::as_str).unwrap_or_default().to_string();
            let recursive = input.get("Recursive").and_then(Value::as_bool).unwrap_or(false);
            if !path.starts_with('/') {
                return Err(ApiError::new("ValidationException", "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\"."));
            }
            let prefix = if path.ends_with('/') { path.clone() } else { format!("{path}/") };
            let mut out = Vec::new();
            for (name, _) in catalog::public_parameters() {
                let Some(rest) = name.strip_prefix(&prefix) else { continue };
                if rest.is_empty() || (!recursive && rest.contains('/')) {
                    continue;
                }
                if let Ok(p) = parameter(world, name) {
                    out.push(p);
                }
            }
            Ok(json!({ "Parameters": out }))
        }
        _ => Err(ApiError::new("NotSimulated", format!("{operation} is not simulated in ec2lab yet."))),
    }
}

/// One parameter in GetParameter's shape, with `name:version` selectors.
fn parameter(world: &World, name: &str) -> Result<Value, ApiError> {
    let (base, selector) = match name.rsplit_once(':') {
        Some((b, s)) if !b.is_empty() => (b, Some(s)),
        _ => (name, None),
    };
    let Some(value) = world.ssm_parameter_value(base) else {
        return Err(ApiError::new("ParameterNotFound", ""));
    };
    if let Some(sel) = selector {
        if sel != "1" {
            return Err(ApiError::new("ParameterVersionNotFound", format!("Systems Manager could not find version {sel} of {base}. Verify the version and try again.")));
        }
    }
    let mut p = serde_json::Map::new();
    p.insert("Name".into(), json!(base));
    p.insert("Type".into(), json!("String"));
    p.insert("Value".into(), json!(value));
    p.insert("Version".into(), json!(1));
    if let Some(sel) = selector {
        p.insert("Selector".into(), json!(format!(":{sel}")));
    }
    p.insert("LastModifiedDate".into(), json!("2025-11-12T20:16:41.095000+00:00"));
    p.insert("ARN".into(), json!(format!("arn:aws:ssm:us-east-1::parameter{base}")));
    p.insert("DataType".into(), json!("text"));
    Ok(Value::Object(p))
}
