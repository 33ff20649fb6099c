//! botocore's `ParamValidator`: types, required members and unknown members, with its texts.

use super::format::{py_repr, py_str};
use super::model::{self, Shape};
use serde_json::Value;

fn py_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<class 'NoneType'>",
        Value::Bool(_) => "<class 'bool'>",
        Value::Number(n) if n.is_f64() => "<class 'float'>",
        Value::Number(_) => "<class 'int'>",
        Value::String(_) => "<class 'str'>",
        Value::Array(_) => "<class 'list'>",
        Value::Object(_) => "<class 'dict'>",
    }
}

fn shown(v: &Value) -> String {
    match v {
        Value::Array(_) | Value::Object(_) => py_repr(v),
        other => py_str(other),
    }
}

fn name_of(name: &str) -> String {
    if name.is_empty() {
        "input".into()
    } else {
        name.strip_prefix('.').unwrap_or(name).to_string()
    }
}

/// Validate `params` against the input shape; `Err` is the full report.
pub fn validate(params: &Value, input_ref: &str) -> Result<(), String> {
    let mut errors = Vec::new();
    check(params, model::model().shape(input_ref), "", &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("Parameter validation failed:\n{}", errors.join("\n")))
    }
}

fn invalid_type(name: &str, v: &Value, valid: &str, errors: &mut Vec<String>) {
    errors.push(format!("Invalid type for parameter {}, value: {}, type: {}, valid types: {}", name_of(name), shown(v), py_type(v), valid));
}

fn check(v: &Value, s: Shape<'_>, name: &str, errors: &mut Vec<String>) {
    match model::type_name(s) {
        "structure" => {
            let Value::Object(map) = v else { return invalid_type(name, v, "<class 'dict'>", errors) };
            for r in model::required(s) {
                if !map.contains_key(r) {
                    errors.push(format!("Missing required parameter in {}: \"{}\"", name_of(name), r));
                }
            }
            let members = model::members(s);
            let mut known = Vec::new();
            for k in map.keys() {
                match members.iter().find(|(n, _)| n == k) {
                    Some((_, r)) => known.push((k, *r)),
                    None => {
                        let valid: Vec<&str> = members.iter().map(|(n, _)| *n).collect();
                        errors.push(format!("Unknown parameter in {}: \"{}\", must be one of: {}", name_of(name), k, valid.join(", ")));
                    }
                }
            }
            for (k, r) in known {
                check(&map[k], model::model().shape(r), &format!("{name}.{k}"), errors);
            }
        }
        "list" => {
            let Value::Array(items) = v else { return invalid_type(name, v, "<class 'list'>, <class 'tuple'>", errors) };
            let ms = model::list_member(s);
            for (i, item) in items.iter().enumerate() {
                check(item, ms, &format!("{name}[{i}]"), errors);
            }
        }
        "map" => {
            let Value::Object(map) = v else { return invalid_type(name, v, "<class 'dict'>", errors) };
            let vs = model::map_value(s);
            for (k, item) in map {
                check(item, vs, &format!("{name}.{k}"), errors);
            }
        }
        "string" => {
            if !v.is_string() {
                invalid_type(name, v, "<class 'str'>", errors)
            }
        }
        "integer" | "long" => {
            if !(v.is_i64() || v.is_u64() || v.is_boolean()) {
                invalid_type(name, v, "<class 'int'>", errors)
            }
        }
        "boolean" => {
            if !v.is_boolean() {
                invalid_type(name, v, "<class 'bool'>", errors)
            }
        }
        "double" | "float" => {
            if !(v.is_number() || v.is_boolean()) {
                invalid_type(name, v, "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>", errors)
            }
        }
        "blob" => {
            if !v.is_string() {
                invalid_type(name, v, "<class 'bytes'>, <class 'bytearray'>, file-like object", errors)
            }
        }
        "timestamp" => {
            if !(v.is_string() || v.is_number()) {
                invalid_type(name, v, "<class 'datetime.datetime'>, timestamp-string", errors)
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn botocore_texts() {
        let e = validate(&json!({"MinCount": 1, "MaxCount": "x"}), "RunInstancesRequest").unwrap_err();
        assert_eq!(e, "Parameter validation failed:\nInvalid type for parameter MaxCount, value: x, type: <class 'str'>, valid types: <class 'int'>");
        let e = validate(&json!({"Filters": [{"Nam": "x"}]}), "DescribeInstancesRequest").unwrap_err();
        assert_eq!(e, "Parameter validation failed:\nUnknown parameter in Filters[0]: \"Nam\", must be one of: Name, Values");
        let e = validate(&json!({}), "CreateKeyPairRequest").unwrap_err();
        assert_eq!(e, "Parameter validation failed:\nMissing required parameter in input: \"KeyName\"");
        assert!(validate(&json!({"InstanceIds": ["i-1"], "DryRun": true}), "DescribeInstancesRequest").is_ok());
    }
}
