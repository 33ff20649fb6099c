//! Systems Manager Parameter Store at the API boundary: botocore-shaped JSON in and out over
//! [`crate::ssm`] (the account's parameters) and AWS's public parameters ([`crate::catalog`]).
//!
//! Authorization of the `ssm:*` action itself happens before dispatch (`api::call_as`); what
//! happens here on the caller's behalf (KMS encryption and decryption of SecureStrings) is
//! authorized in [`crate::ssm`].

use super::{ApiError, Caller};
use crate::catalog;
use crate::ssm::{self, Parameter, ParamType, PutRequest, Selector, SsmError, Version};
use crate::world::World;
use serde_json::{json, Map, Value};

pub const OPERATIONS: &[&str] = &[
    "PutParameter",
    "GetParameter",
    "GetParameters",
    "GetParametersByPath",
    "DescribeParameters",
    "GetParameterHistory",
    "LabelParameterVersion",
    "UnlabelParameterVersion",
    "DeleteParameter",
    "DeleteParameters",
    "AddTagsToResource",
    "ListTagsForResource",
    "RemoveTagsFromResource",
];

/// The version of every public parameter and when it last changed (the catalogue's date).
const PUBLIC_MODIFIED: &str = "2025-11-12T20:16:41.095Z";

impl From<SsmError> for ApiError {
    fn from(e: SsmError) -> ApiError {
        ApiError::new(e.code, e.message)
    }
}

fn s<'a>(input: &'a Value, key: &str) -> Option<&'a str> {
    input.get(key).and_then(Value::as_str)
}

fn b(input: &Value, key: &str) -> bool {
    input.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn strings(input: &Value, key: &str) -> Vec<String> {
    input.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default()
}

fn tags_in(input: &Value) -> Vec<(String, String)> {
    input
        .get("Tags")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| Some((t.get("Key")?.as_str()?.to_string(), t.get("Value").and_then(Value::as_str).unwrap_or("").to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// `MaxResults` within `1..=max` (botocore checks the minimum, the service the maximum).
fn max_results(input: &Value, max: i64, default: usize, quoted: bool) -> Result<usize, ApiError> {
    let Some(n) = input.get("MaxResults").and_then(Value::as_i64) else { return Ok(default) };
    if n > max || n < 1 {
        let shown = if quoted { format!("'{n}'") } else { n.to_string() };
        let bound = if n > max { format!("less than or equal to {max}") } else { "greater than or equal to 1".to_string() };
        let dot = if quoted { "." } else { "" };
        return Err(ApiError::new(
            "ValidationException",
            format!("1 validation error detected: Value {shown} at 'maxResults' failed to satisfy constraint: Member must have value {bound}{dot}"),
        ));
    }
    Ok(n as usize)
}

/// Pagination tokens: opaque to the caller, an offset inside.
fn token_out(offset: usize) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("ec2lab-ssm-page:{offset}"))
}

fn token_in(input: &Value) -> Result<usize, ApiError> {
    use base64::Engine as _;
    let Some(t) = s(input, "NextToken") else { return Ok(0) };
    base64::engine::general_purpose::STANDARD
        .decode(t.as_bytes())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| t.strip_prefix("ec2lab-ssm-page:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| ApiError::new("InvalidNextToken", "The specified token isn't valid."))
}

/// One page of `items` from the request's NextToken; the output's NextToken when more remain.
fn page<T>(items: Vec<T>, input: &Value, size: usize) -> Result<(Vec<T>, Option<String>), ApiError> {
    let start = token_in(input)?;
    let total = items.len();
    let out: Vec<T> = items.into_iter().skip(start).take(size).collect();
    let next = (start + size < total).then(|| token_out(start + size));
    Ok((out, next))
}

pub fn call(world: &mut World, caller: &Caller, operation: &str, input: &Value) -> Result<Value, ApiError> {
    match operation {
        "PutParameter" => put_parameter(world, caller, input),
        "GetParameter" => {
            let name = s(input, "Name").unwrap_or_default();
            let p = get_one(world, caller, name, b(input, "WithDecryption")).map_err(|e| {
                // GetParameter's ParameterNotFound carries no message (moto adds one).
                if e.code == "ParameterNotFound" {
                    ApiError::new("ParameterNotFound", "")
                } else {
                    e
                }
            })?;
            Ok(json!({ "Parameter": p }))
        }
        "GetParameters" => {
            let names = strings(input, "Names");
            if names.is_empty() || names.len() > 10 {
                return Err(ApiError::new(
                    "ValidationException",
                    format!("1 validation error detected: Value '[{}]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 10.", names.join(", ")),
                ));
            }
            let decrypt = b(input, "WithDecryption");
            let mut found = Vec::new();
            let mut invalid = Vec::new();
            let mut seen: Vec<&String> = Vec::new();
            for n in &names {
                if seen.contains(&n) {
                    continue;
                }
                seen.push(n);
                match get_one(world, caller, n, decrypt) {
                    Ok(p) => found.push(p),
                    Err(e) if e.code == "ParameterNotFound" || e.code == "ParameterVersionNotFound" => invalid.push(Value::String(n.clone())),
                    Err(e) => return Err(e),
                }
            }
            Ok(json!({ "Parameters": found, "InvalidParameters": invalid }))
        }
        "GetParametersByPath" => get_by_path(world, caller, input),
        "DescribeParameters" => describe(world, input),
        "GetParameterHistory" => history(world, caller, input),
        "LabelParameterVersion" => label(world, input),
        "UnlabelParameterVersion" => unlabel(world, input),
        "DeleteParameter" => {
            let name = s(input, "Name").unwrap_or_default();
            if world.ssm.remove(name).is_none() {
                return Err(SsmError::not_found(name).into());
            }
            world.bump();
            Ok(json!({}))
        }
        "DeleteParameters" => {
            let names = strings(input, "Names");
            if names.is_empty() || names.len() > 10 {
                return Err(ApiError::new(
                    "ValidationException",
                    format!("1 validation error detected: Value '[{}]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 10.", names.join(", ")),
                ));
            }
            let mut deleted = Vec::new();
            let mut invalid = Vec::new();
            for n in names {
                if world.ssm.remove(&n).is_some() {
                    deleted.push(n);
                } else {
                    invalid.push(n);
                }
            }
            world.bump();
            Ok(json!({ "DeletedParameters": deleted, "InvalidParameters": invalid }))
        }
        "AddTagsToResource" | "ListTagsForResource" | "RemoveTagsFromResource" => tags(world, operation, input),
        _ => Err(ApiError::new("NotSimulated", format!("{operation} is not simulated in ec2lab yet."))),
    }
}

fn put_parameter(world: &mut World, caller: &Caller, input: &Value) -> Result<Value, ApiError> {
    let req = PutRequest {
        name: s(input, "Name").unwrap_or_default().to_string(),
        value: s(input, "Value").unwrap_or_default().to_string(),
        ptype: s(input, "Type").map(String::from),
        description: s(input, "Description").map(String::from),
        key_id: s(input, "KeyId").map(String::from),
        overwrite: b(input, "Overwrite"),
        allowed_pattern: s(input, "AllowedPattern").map(String::from),
        tags: tags_in(input),
        tier: s(input, "Tier").map(String::from),
        policies: s(input, "Policies").map(String::from),
        data_type: s(input, "DataType").map(String::from),
    };
    let (version, tier) = world.put_parameter(caller, req)?;
    Ok(json!({ "Version": version, "Tier": tier.as_str() }))
}

/// GetParameter's `Parameter` for a public parameter (one version, a String).
fn public_parameter(name: &str) -> Result<Value, SsmError> {
    let (base, sel) = ssm::parse_selector(name).ok_or_else(|| SsmError::not_found(name))?;
    let value = catalog::public_parameter(base).ok_or_else(|| SsmError::not_found(name))?;
    match &sel {
        Selector::Version(1) | Selector::Latest => {}
        Selector::Version(v) => return Err(SsmError::version_not_found(&v.to_string(), base)),
        Selector::Label(_) => return Err(SsmError::not_found(name)),
    }
    let mut p = Map::new();
    p.insert("Name".into(), json!(base));
    p.insert("Type".into(), json!("String"));
    p.insert("Value".into(), json!(value));
    p.insert("Version".into(), json!(1));
    if let Some((_, tail)) = name.split_once(':') {
        p.insert("Selector".into(), json!(format!(":{tail}")));
    }
    p.insert("LastModifiedDate".into(), json!(PUBLIC_MODIFIED));
    p.insert("ARN".into(), json!(ssm::parameter_arn(base)));
    p.insert("DataType".into(), json!("text"));
    Ok(Value::Object(p))
}

/// The value a caller sees: plaintext, or a SecureString's ciphertext unless decrypting.
fn shown_value(world: &mut World, caller: &Caller, p_name: &str, v: &Version, decrypt: bool) -> Result<String, SsmError> {
    if v.ptype == ParamType::SecureString && decrypt {
        world.ssm_decrypt(caller, p_name, v)
    } else {
        Ok(v.value.clone())
    }
}

/// GetParameter's `Parameter` for `name[:selector]` (also a parameter ARN).
fn get_one(world: &mut World, caller: &Caller, name: &str, decrypt: bool) -> Result<Value, ApiError> {
    let name = ssm::name_from_arn(name);
    if ssm::is_public(&name) {
        return Ok(public_parameter(&name)?);
    }
    let (p, v, _) = world.ssm.select(&name)?;
    let (p_name, arn, v) = (p.name.clone(), p.arn(), v.clone());
    let value = shown_value(world, caller, &p_name, &v, decrypt)?;
    let mut o = Map::new();
    o.insert("Name".into(), json!(p_name));
    o.insert("Type".into(), json!(v.ptype.as_str()));
    o.insert("Value".into(), json!(value));
    o.insert("Version".into(), json!(v.version));
    if let Some((_, tail)) = name.split_once(':') {
        o.insert("Selector".into(), json!(format!(":{tail}")));
    }
    o.insert("LastModifiedDate".into(), json!(v.modified.iso_millis()));
    o.insert("ARN".into(), json!(arn));
    o.insert("DataType".into(), json!(v.data_type));
    Ok(Value::Object(o))
}

/// A parameter filter as the request gives it.
struct Filter {
    key: String,
    option: String,
    values: Vec<String>,
}

fn filters_in(input: &Value) -> Vec<Filter> {
    input
        .get("ParameterFilters")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|f| {
                    let key = s(f, "Key").unwrap_or_default().to_string();
                    let default = if key == "Path" { "OneLevel" } else { "Equals" };
                    Filter { option: s(f, "Option").unwrap_or(default).to_string(), values: strings(f, "Values"), key }
                })
                .collect()
        })
        .unwrap_or_default()
}

const PATH_RULES: &str = "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\". It can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol \"/\". Valid example: /get/parameters2-/by1./path0_.";

/// ParameterFilters checks (moto's order and messages); `by_path`: GetParametersByPath's rules.
fn check_filters(filters: &[Filter], by_path: bool) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    for (i, f) in filters.iter().enumerate() {
        let n = i + 1;
        let key_ok = matches!(f.key.as_str(), "Name" | "Type" | "KeyId" | "Path" | "Label" | "Tier" | "DataType") || (f.key.starts_with("tag:") && f.key.len() > 4);
        if !key_ok {
            errors.push(format!(
                "Value \"{}\" at \"parameterFilters.{n}.member.key\" failed to satisfy constraint: Member must satisfy regular expression pattern: tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType",
                f.key
            ));
        }
        if f.key.len() > 132 {
            errors.push(format!("Value \"{}\" at \"parameterFilters.{n}.member.key\" failed to satisfy constraint: Member must have length less than or equal to 132", f.key));
        }
        if f.option.len() > 10 {
            errors.push(format!("Value \"over 10 chars\" at \"parameterFilters.{n}.member.option\" failed to satisfy constraint: Member must have length less than or equal to 10"));
        }
        if f.values.len() > 50 {
            errors.push(format!(
                "Value \"{:?}\" at \"parameterFilters.{n}.member.values\" failed to satisfy constraint: Member must have length less than or equal to 50",
                f.values
            ));
        }
        if f.values.iter().any(|v| v.len() > 1024 || v.is_empty()) {
            errors.push(format!(
                "Value \"{:?}\" at \"parameterFilters.{n}.member.values\" failed to satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1]",
                f.values
            ));
        }
    }
    if !errors.is_empty() {
        let plural = if errors.len() > 1 { "s" } else { "" };
        return Err(ApiError::new("ValidationException", format!("{} validation error{plural} detected: {}", errors.len(), errors.join("; "))));
    }
    let mut seen: Vec<&str> = Vec::new();
    for f in filters {
        let key = f.key.as_str();
        if !by_path && key == "Label" {
            return Err(ApiError::new("InvalidFilterKey", "The following filter key is not valid: Label. Valid filter keys include: [Path, Name, Type, KeyId, Tier]."));
        }
        if by_path && (matches!(key, "Name" | "Path" | "Tier" | "DataType") || key.starts_with("tag:")) {
            return Err(ApiError::new("InvalidFilterKey", format!("The following filter key is not valid: {key}. Valid filter keys include: [Type, KeyId].")));
        }
        if f.values.is_empty() && !key.starts_with("tag:") {
            return Err(ApiError::new("InvalidFilterValue", format!("The following filter values are missing : null for filter key {key}.")));
        }
        if seen.contains(&key) {
            return Err(ApiError::new(
                "InvalidFilterKey",
                format!("The following filter is duplicated in the request: {key}. A request can contain only one occurrence of a specific filter."),
            ));
        }
        seen.push(key);
        match key {
            "Path" => {
                if f.option != "Recursive" && f.option != "OneLevel" {
                    return Err(ApiError::new(
                        "InvalidFilterOption",
                        format!("The following filter option is not valid: {}. Valid options include: [Recursive, OneLevel].", f.option),
                    ));
                }
                for v in &f.values {
                    let lower = v.to_ascii_lowercase();
                    if lower.starts_with("/aws") || lower.starts_with("/ssm") {
                        return Err(ApiError::new(
                            "ValidationException",
                            "Filters for common parameters can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). When using global parameters, please specify within a global namespace.",
                        ));
                    }
                    if v.contains("//") || !v.starts_with('/') || !v.chars().all(|c| c.is_ascii_alphanumeric() || "_.-/".contains(c)) {
                        return Err(ApiError::new("ValidationException", PATH_RULES));
                    }
                }
            }
            "Tier" => {
                if let Some(v) = f.values.iter().find(|v| !matches!(v.as_str(), "Standard" | "Advanced" | "Intelligent-Tiering")) {
                    return Err(ApiError::new(
                        "InvalidFilterOption",
                        format!("The following filter value is not valid: {v}. Valid values include: [Standard, Advanced, Intelligent-Tiering]."),
                    ));
                }
            }
            "Type" => {
                if let Some(v) = f.values.iter().find(|v| ParamType::parse(v).is_none()) {
                    return Err(ApiError::new(
                        "InvalidFilterOption",
                        format!("The following filter value is not valid: {v}. Valid values include: [String, StringList, SecureString]."),
                    ));
                }
            }
            _ => {}
        }
        if key != "Path" {
            let mut allowed = vec!["Equals", "BeginsWith"];
            if key == "Name" && !by_path {
                allowed.push("Contains");
            }
            if key == "Label" {
                allowed = vec!["Equals"];
            }
            if !allowed.contains(&f.option.as_str()) {
                return Err(ApiError::new(
                    "InvalidFilterOption",
                    format!("The following filter option is not valid: {}. Valid options include: [BeginsWith, Equals].", f.option),
                ));
            }
        }
    }
    Ok(())
}

fn matches_text(option: &str, what: &str, values: &[String]) -> bool {
    match option {
        "BeginsWith" => values.iter().any(|v| what.starts_with(v.as_str())),
        "Contains" => values.iter().any(|v| what.contains(v.as_str())),
        _ => values.iter().any(|v| v == what),
    }
}

/// Does version `v` of `p` pass every filter (Label is handled by the caller)?
fn passes(p: &Parameter, v: &Version, filters: &[Filter]) -> bool {
    let full = format!("/{}", ssm::key_of(&p.name));
    filters.iter().all(|f| match f.key.as_str() {
        "Name" => {
            let values: Vec<String> = if f.option == "Contains" { f.values.clone() } else { f.values.iter().map(|x| format!("/{}", ssm::key_of(x))).collect() };
            matches_text(&f.option, &full, &values)
        }
        "Type" => matches_text(&f.option, v.ptype.as_str(), &f.values),
        "KeyId" => v.key_id.as_deref().is_some_and(|k| matches_text(&f.option, k, &f.values)),
        "Tier" => matches_text(&f.option, v.tier.as_str(), &f.values),
        "DataType" => matches_text(&f.option, &v.data_type, &f.values),
        "Path" => {
            let depth = full.matches('/').count();
            f.values.iter().any(|val| {
                let base = format!("/{}", val.trim_matches('/'));
                if base == "/" {
                    f.option == "Recursive" || depth == 1
                } else {
                    full.starts_with(&format!("{base}/")) && (f.option == "Recursive" || depth == base.matches('/').count() + 1)
                }
            })
        }
        "Label" => true,
        k => match k.strip_prefix("tag:") {
            Some(tag) => p.tags.iter().any(|(tk, tv)| tk == tag && (f.values.is_empty() || matches_text(&f.option, tv, &f.values))),
            None => false,
        },
    })
}

fn get_by_path(world: &mut World, caller: &Caller, input: &Value) -> Result<Value, ApiError> {
    let path = s(input, "Path").unwrap_or_default().to_string();
    let recursive = b(input, "Recursive");
    let decrypt = b(input, "WithDecryption");
    if !path.starts_with('/') {
        return Err(ApiError::new("ValidationException", PATH_RULES));
    }
    let filters = filters_in(input);
    check_filters(&filters, true)?;
    let size = max_results(input, 10, 10, false)?;
    let prefix = if path.ends_with('/') { path.clone() } else { format!("{path}/") };
    // Public parameters answer under /aws/service/…; the account's own everywhere else.
    let mut hits: Vec<Hit> = Vec::new();
    if prefix.starts_with("/aws/") {
        for (name, _) in catalog::public_parameters() {
            let Some(rest) = name.strip_prefix(&prefix) else { continue };
            if rest.is_empty() || (!recursive && rest.contains('/')) {
                continue;
            }
            let type_ok = filters.iter().all(|f| match f.key.as_str() {
                "Type" => matches_text(&f.option, "String", &f.values),
                _ => false,
            });
            if type_ok {
                hits.push(Hit::Public(name.clone()));
            }
        }
    } else {
        let key_prefix = ssm::key_of(&prefix).to_string();
        let label = filters.iter().find(|f| f.key == "Label");
        for p in world.ssm.all() {
            let key = ssm::key_of(&p.name);
            let rest = if key_prefix.is_empty() { Some(key) } else { key.strip_prefix(key_prefix.as_str()) };
            let Some(rest) = rest else { continue };
            if rest.is_empty() || (!recursive && rest.contains('/')) {
                continue;
            }
            // With a Label filter the labelled version answers (not necessarily the latest).
            let v = match label {
                Some(l) => match p.versions.iter().rev().find(|v| v.labels.iter().any(|x| l.values.contains(x))) {
                    Some(v) => v,
                    None => continue,
                },
                None => p.latest(),
            };
            if passes(p, v, &filters) {
                hits.push(Hit::Own(p.name.clone(), v.version));
            }
        }
    }
    let (hits, next) = page(hits, input, size)?;
    let mut out = Vec::new();
    for h in hits {
        out.push(match h {
            Hit::Public(name) => public_parameter(&name)?,
            Hit::Own(name, version) => get_one(world, caller, &format!("{name}:{version}"), decrypt).map(|mut v| {
                if let Value::Object(o) = &mut v {
                    o.shift_remove("Selector");
                }
                v
            })?,
        });
    }
    let mut o = Map::new();
    o.insert("Parameters".into(), Value::Array(out));
    if let Some(t) = next {
        o.insert("NextToken".into(), json!(t));
    }
    Ok(Value::Object(o))
}

enum Hit {
    Public(String),
    Own(String, u64),
}

fn policies_json(v: &Version, now: crate::clock::Time) -> Value {
    Value::Array(
        v.policies
            .iter()
            .map(|p| json!({"PolicyText": p.text, "PolicyType": p.type_name(), "PolicyStatus": p.status(&v.policies, v.modified, now)}))
            .collect(),
    )
}

fn describe(world: &mut World, input: &Value) -> Result<Value, ApiError> {
    let has_old = input.get("Filters").and_then(Value::as_array).is_some_and(|a| !a.is_empty());
    let filters = filters_in(input);
    if has_old && !filters.is_empty() {
        return Err(ApiError::new("ValidationException", "You can use either Filters or ParameterFilters in a single request."));
    }
    check_filters(&filters, false)?;
    // The deprecated Filters (Name: begins with, Type, KeyId: equals).
    let old: Vec<Filter> = input
        .get("Filters")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|f| {
                    let key = s(f, "Key").unwrap_or_default().to_string();
                    let option = if key == "Name" { "BeginsWith" } else { "Equals" }.to_string();
                    Filter { key, option, values: strings(f, "Values") }
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(f) = old.iter().find(|f| !matches!(f.key.as_str(), "Name" | "Type" | "KeyId")) {
        return Err(ApiError::new(
            "ValidationException",
            format!("1 validation error detected: Value '{}' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [Name, Type, KeyId]", f.key),
        ));
    }
    let size = max_results(input, 50, 10, true)?;
    let now = world.now();
    let mut rows = Vec::new();
    for p in world.ssm.all() {
        let v = p.latest();
        let old_ok = old.iter().all(|f| match f.key.as_str() {
            // Name values match the name as stored, by prefix.
            "Name" => f.values.iter().any(|x| p.name.starts_with(x.as_str())),
            _ => passes(p, v, std::slice::from_ref(f)),
        });
        if !old_ok || !passes(p, v, &filters) {
            continue;
        }
        let mut o = Map::new();
        o.insert("Name".into(), json!(p.name));
        o.insert("ARN".into(), json!(p.arn()));
        o.insert("Type".into(), json!(v.ptype.as_str()));
        if let Some(k) = &v.key_id {
            o.insert("KeyId".into(), json!(k));
        }
        o.insert("LastModifiedDate".into(), json!(v.modified.iso_millis()));
        o.insert("LastModifiedUser".into(), json!(v.user));
        if let Some(d) = &v.description {
            o.insert("Description".into(), json!(d));
        }
        if let Some(a) = &v.allowed_pattern {
            o.insert("AllowedPattern".into(), json!(a));
        }
        o.insert("Version".into(), json!(v.version));
        o.insert("Tier".into(), json!(v.tier.as_str()));
        o.insert("Policies".into(), policies_json(v, now));
        o.insert("DataType".into(), json!(v.data_type));
        rows.push(Value::Object(o));
    }
    let (rows, next) = page(rows, input, size)?;
    let mut o = Map::new();
    o.insert("Parameters".into(), Value::Array(rows));
    if let Some(t) = next {
        o.insert("NextToken".into(), json!(t));
    }
    Ok(Value::Object(o))
}

fn history(world: &mut World, caller: &Caller, input: &Value) -> Result<Value, ApiError> {
    let name = ssm::name_from_arn(s(input, "Name").unwrap_or_default());
    let size = max_results(input, 50, 50, true)?;
    let decrypt = b(input, "WithDecryption");
    let p = world.ssm.get(&name).cloned().ok_or_else(|| SsmError::not_found(&name))?;
    let now = world.now();
    let (versions, next) = page(p.versions.clone(), input, size)?;
    let mut rows = Vec::new();
    for v in versions {
        let value = shown_value(world, caller, &p.name, &v, decrypt)?;
        let mut o = Map::new();
        o.insert("Name".into(), json!(p.name));
        o.insert("Type".into(), json!(v.ptype.as_str()));
        if let Some(k) = &v.key_id {
            o.insert("KeyId".into(), json!(k));
        }
        o.insert("LastModifiedDate".into(), json!(v.modified.iso_millis()));
        o.insert("LastModifiedUser".into(), json!(v.user));
        if let Some(d) = &v.description {
            o.insert("Description".into(), json!(d));
        }
        o.insert("Value".into(), json!(value));
        if let Some(a) = &v.allowed_pattern {
            o.insert("AllowedPattern".into(), json!(a));
        }
        o.insert("Version".into(), json!(v.version));
        o.insert("Labels".into(), json!(v.labels));
        o.insert("Tier".into(), json!(v.tier.as_str()));
        o.insert("Policies".into(), policies_json(&v, now));
        o.insert("DataType".into(), json!(v.data_type));
        rows.push(Value::Object(o));
    }
    let mut o = Map::new();
    o.insert("Parameters".into(), Value::Array(rows));
    if let Some(t) = next {
        o.insert("NextToken".into(), json!(t));
    }
    Ok(Value::Object(o))
}

fn check_labels(labels: &[String]) -> Result<(), ApiError> {
    if labels.is_empty() || labels.len() > ssm::LABEL_LIMIT {
        return Err(ApiError::new(
            "ValidationException",
            format!("1 validation error detected: Value '[{}]' at 'labels' failed to satisfy constraint: Member must have length less than or equal to 10, Member must have length greater than or equal to 1", labels.join(", ")),
        ));
    }
    if let Some(l) = labels.iter().find(|l| l.chars().count() > 100) {
        return Err(ApiError::new(
            "ValidationException",
            format!("1 validation error detected: Value '[{l}]' at 'labels' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 100, Member must have length greater than or equal to 1]"),
        ));
    }
    Ok(())
}

fn label(world: &mut World, input: &Value) -> Result<Value, ApiError> {
    let name = s(input, "Name").unwrap_or_default().to_string();
    let labels = strings(input, "Labels");
    check_labels(&labels)?;
    let p = world.ssm.get_mut(&name).ok_or_else(|| SsmError::not_found(&name))?;
    let version = match input.get("ParameterVersion").and_then(Value::as_u64) {
        Some(v) => v,
        None => p.latest().version,
    };
    let Some(idx) = p.versions.iter().position(|v| v.version == version) else {
        return Err(SsmError::version_not_found(&version.to_string(), &name).into());
    };
    let (good, invalid): (Vec<String>, Vec<String>) = labels.into_iter().partition(|l| ssm::valid_label(l));
    let mut added: Vec<String> = Vec::new();
    for l in &good {
        if !p.versions[idx].labels.contains(l) && !added.contains(l) {
            added.push(l.clone());
        }
    }
    if p.versions[idx].labels.len() + added.len() > ssm::LABEL_LIMIT {
        return Err(ApiError::new(
            "ParameterVersionLabelLimitExceeded",
            "A parameter version can have maximum 10 labels.Move one or more labels to another version and try again.",
        ));
    }
    // A label names one version: it moves here from wherever it was.
    for (i, v) in p.versions.iter_mut().enumerate() {
        if i != idx {
            v.labels.retain(|l| !good.contains(l));
        }
    }
    p.versions[idx].labels.extend(added);
    world.bump();
    Ok(json!({ "InvalidLabels": invalid, "ParameterVersion": version }))
}

fn unlabel(world: &mut World, input: &Value) -> Result<Value, ApiError> {
    let name = s(input, "Name").unwrap_or_default().to_string();
    let labels = strings(input, "Labels");
    check_labels(&labels)?;
    let version = input.get("ParameterVersion").and_then(Value::as_u64).unwrap_or(0);
    let p = world.ssm.get_mut(&name).ok_or_else(|| SsmError::not_found(&name))?;
    let Some(v) = p.versions.iter_mut().find(|v| v.version == version) else {
        return Err(SsmError::version_not_found(&version.to_string(), &name).into());
    };
    let (removed, invalid): (Vec<String>, Vec<String>) = labels.into_iter().partition(|l| v.labels.contains(l));
    v.labels.retain(|l| !removed.contains(l));
    world.bump();
    Ok(json!({ "RemovedLabels": removed, "InvalidLabels": invalid }))
}

const RESOURCE_TYPES: &[&str] =
    &["Document", "ManagedInstance", "MaintenanceWindow", "Parameter", "PatchBaseline", "OpsItem", "OpsMetadata", "Automation", "Association", "CloudConnector"];

fn tags(world: &mut World, operation: &str, input: &Value) -> Result<Value, ApiError> {
    let rtype = s(input, "ResourceType").unwrap_or_default();
    let id = ssm::name_from_arn(s(input, "ResourceId").unwrap_or_default());
    if !RESOURCE_TYPES.contains(&rtype) {
        return Err(ApiError::new("InvalidResourceType", "The resource type isn't valid."));
    }
    let bad_id = || ApiError::new("InvalidResourceId", "The resource ID isn't valid. Verify that you entered the correct ID and try again.");
    if rtype != "Parameter" {
        // Only parameters exist in this simulation.
        return Err(bad_id());
    }
    let p = world.ssm.get_mut(&id).ok_or_else(bad_id)?;
    match operation {
        "ListTagsForResource" => {
            let list: Vec<Value> = p.tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect();
            Ok(json!({ "TagList": list }))
        }
        "AddTagsToResource" => {
            let mut tags = p.tags.clone();
            for (k, v) in tags_in(input) {
                match tags.iter_mut().find(|(tk, _)| *tk == k) {
                    Some(t) => t.1 = v,
                    None => tags.push((k, v)),
                }
            }
            if tags.len() > 50 {
                return Err(ApiError::new("TooManyTagsError", "The Targets parameter includes too many tags. Remove one or more tags and try the command again."));
            }
            p.tags = tags;
            world.bump();
            Ok(json!({}))
        }
        _ => {
            let keys = strings(input, "TagKeys");
            p.tags.retain(|(k, _)| !keys.contains(k));
            world.bump();
            Ok(json!({}))
        }
    }
}
