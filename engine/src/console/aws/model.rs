//! The compact CLI model generated from botocore by `engine/data/cli/extract_cli_model.py`.

use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const MODEL_JSON: &str = include_str!("../../../data/cli/model.json");

#[derive(Debug)]
pub struct Model {
    raw: Value,
    /// service → CLI operation names (kebab-case, sorted).
    names: BTreeMap<String, Vec<String>>,
}

/// A resolved shape reference.
#[derive(Clone, Copy, Debug)]
pub enum Shape<'a> {
    Scalar(&'a str),
    /// A list of the given scalar type.
    ScalarList(&'a str),
    Named(&'a str, &'a Value),
}

pub fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| {
        let raw: Value = serde_json::from_str(MODEL_JSON).unwrap_or(Value::Null);
        let mut names = BTreeMap::new();
        if let Some(obj) = raw.get("names").and_then(Value::as_object) {
            for (svc, v) in obj {
                names.insert(svc.clone(), decode_front_coded(v.as_str().unwrap_or("")));
            }
        }
        Model { raw, names }
    })
}

fn decode_front_coded(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut prev = String::new();
    for entry in s.split(' ').filter(|e| !e.is_empty()) {
        let mut chars = entry.chars();
        let k = chars.next().map(|c| (c as usize).saturating_sub(48)).unwrap_or(0);
        let mut name: String = prev.chars().take(k).collect();
        name.push_str(chars.as_str());
        prev = name.clone();
        out.push(name);
    }
    out
}

/// CLI name of a member (botocore's `xform_name(name, '-')` for the names in the model; the
/// generator records an override wherever this simple rule would differ).
pub fn kebab(name: &str) -> String {
    let cs: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in cs.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = cs[i - 1];
            let next = cs.get(i + 1).copied().unwrap_or(' ');
            if prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next.is_ascii_lowercase()) {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

pub const KNOWN_SERVICES: &[&str] = &["cloudformation", "cloudwatch", "ec2", "iam", "kms", "logs", "ram", "ssm", "sts"];

impl Model {
    pub fn op_names(&self, service: &str) -> Option<&[String]> {
        self.names.get(service).map(|v| v.as_slice())
    }

    /// Supported (modelled) operations of a service: (OperationName, entry).
    pub fn supported_ops(&self, service: &str) -> Vec<(&str, &Value)> {
        match self.raw.get("ops").and_then(|o| o.get(service)).and_then(Value::as_object) {
            Some(m) => m.iter().map(|(k, v)| (k.as_str(), v)).collect(),
            None => Vec::new(),
        }
    }

    /// Find a supported operation by its CLI name.
    pub fn find_op(&self, service: &str, cli_name: &str) -> Option<(&str, &Value)> {
        self.supported_ops(service).into_iter().find(|(name, _)| kebab(name) == cli_name)
    }

    pub fn shape(&self, r: &str) -> Shape<'_> {
        if let Some(base) = r.strip_suffix("[]") {
            return Shape::ScalarList(scalar_static(base));
        }
        match self.raw.get("shapes").and_then(Value::as_object).and_then(|s| s.get_key_value(r)) {
            Some((k, v)) => Shape::Named(k.as_str(), v),
            None => Shape::Scalar(scalar_static(r)),
        }
    }

    /// botocore's paginator config for an operation (services listed in the generator's
    /// PAGINATED): `{"it": [input tokens], "ot": [output tokens], "rk": [result keys],
    /// "lk": limit key, "mr": more-results key}`.
    pub fn paginator(&self, service: &str, op: &str) -> Option<&Value> {
        self.raw.get("paginators").and_then(|p| p.get(service)).and_then(|p| p.get(op))
    }

    pub fn waiters(&self, service: &str) -> Vec<(&str, &Value)> {
        match self.raw.get("waiters").and_then(|o| o.get(service)).and_then(Value::as_object) {
            Some(m) => m.iter().map(|(k, v)| (k.as_str(), v)).collect(),
            None => Vec::new(),
        }
    }
}

fn scalar_static(s: &str) -> &'static str {
    match s {
        "integer" => "integer",
        "long" => "long",
        "boolean" => "boolean",
        "double" => "double",
        "float" => "float",
        "timestamp" => "timestamp",
        "blob" => "blob",
        _ => "string",
    }
}

/// The type of a shape, as the CLI calls it.
pub fn type_name(s: Shape<'_>) -> &str {
    match s {
        Shape::Scalar(t) => t,
        Shape::ScalarList(_) => "list",
        Shape::Named(_, v) => v.get("t").and_then(Value::as_str).unwrap_or("string"),
    }
}

/// Members of a structure shape, in model order: (name, ref).
pub fn members(s: Shape<'_>) -> Vec<(&str, &str)> {
    match s {
        Shape::Named(_, v) => match v.get("m").and_then(Value::as_object) {
            Some(m) => m.iter().map(|(k, r)| (k.as_str(), r.as_str().unwrap_or("string"))).collect(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

pub fn required(s: Shape<'_>) -> Vec<&str> {
    match s {
        Shape::Named(_, v) => v.get("r").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default(),
        _ => Vec::new(),
    }
}

pub fn member_cli_name(s: Shape<'_>, member: &str) -> String {
    if let Shape::Named(_, v) = s {
        if let Some(n) = v.get("n").and_then(|n| n.get(member)).and_then(Value::as_str) {
            return n.to_string();
        }
    }
    kebab(member)
}

/// The member shape of a list.
pub fn list_member(s: Shape<'_>) -> Shape<'static> {
    let m = model();
    match s {
        Shape::ScalarList(t) => Shape::Scalar(scalar_static(t)),
        Shape::Named(_, v) => m.shape(v.get("e").and_then(Value::as_str).unwrap_or("string")),
        Shape::Scalar(_) => Shape::Scalar("string"),
    }
}

pub fn map_value(s: Shape<'_>) -> Shape<'static> {
    match s {
        Shape::Named(_, v) => model().shape(v.get("v").and_then(Value::as_str).unwrap_or("string")),
        _ => Shape::Scalar("string"),
    }
}

pub fn enum_values(s: Shape<'_>) -> Vec<&str> {
    match s {
        Shape::Named(_, v) if type_name(s) == "string" => {
            v.get("e").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

pub fn is_scalar(s: Shape<'_>) -> bool {
    !matches!(type_name(s), "structure" | "list" | "map")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_loads_and_names_decode() {
        let m = model();
        let ec2 = m.op_names("ec2").unwrap();
        assert!(ec2.len() > 500);
        assert!(ec2.iter().any(|n| n == "describe-instances"));
        assert!(ec2.iter().any(|n| n == "create-placement-group"));
        assert!(m.op_names("sts").unwrap().iter().any(|n| n == "get-caller-identity"));
        let supported = m.supported_ops("ec2");
        for op in ["RunInstances", "ModifyInstanceMetadataOptions", "CreateImage", "DeregisterImage", "CreatePlacementGroup", "ModifyInstancePlacement"] {
            assert!(supported.iter().any(|(o, _)| *o == op), "{op} is supported");
        }
        for op in ["PutParameter", "GetParametersByPath", "LabelParameterVersion", "DeleteParameters"] {
            assert!(m.supported_ops("ssm").iter().any(|(o, _)| *o == op), "ssm {op} is supported");
        }
        assert_eq!(m.paginator("ssm", "GetParametersByPath").and_then(|p| p.get("lk")).and_then(Value::as_str), Some("MaxResults"));
        assert_eq!(m.paginator("kms", "ListKeys").and_then(|p| p.get("mr")).and_then(Value::as_str), Some("Truncated"));
        assert!(m.paginator("ssm", "GetParameter").is_none());
        assert!(m.find_op("ec2", "run-instances").is_some());
        let waiters = m.waiters("ec2");
        for w in ["instance-running", "instance-stopped", "image-available"] {
            assert!(waiters.iter().any(|(x, _)| *x == w), "waiter {w}");
        }
    }

    #[test]
    fn kebab_matches_xform_name() {
        assert_eq!(kebab("InstanceIds"), "instance-ids");
        assert_eq!(kebab("DryRun"), "dry-run");
        assert_eq!(kebab("Ipv6AddressCount"), "ipv6-address-count");
        assert_eq!(kebab("DescribeVpcs"), "describe-vpcs");
        assert_eq!(kebab("EbsOptimized"), "ebs-optimized");
        assert_eq!(kebab("SriovNetSupport"), "sriov-net-support");
    }
}
