//! Policy documents: validation with IAM's `MalformedPolicyDocument` messages, and the evaluator.
//!
//! The evaluator follows IAM's documented logic for one account:
//!
//! 1. every statement of every policy that applies is checked against the request (action,
//!    resource, principal for resource and trust policies, conditions);
//! 2. a matching `Deny` decides (`explicitDeny`), whatever else matches;
//! 3. otherwise a matching `Allow` decides (`allowed`);
//! 4. otherwise nothing allowed it (`implicitDeny`).
//!
//! A [`Decision`] records which statements decided (policy id, type, `Sid` or index, and the
//! statement's position in the document), which `simulate-principal-policy` shows.
//!
//! Documents are hostile input: nothing here indexes or unwraps user data.

use crate::clock::Time;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Which grammar a document follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Attached to a role (managed or inline): no `Principal`, needs `Resource`.
    Identity,
    /// A role's trust policy: needs `Principal`, no `Resource`, only `sts:` actions.
    Trust,
    /// A resource's own policy (a KMS key policy): `Principal` and `Resource`.
    Resource,
}

/// `MalformedPolicyDocument` messages (what IAM answers for a bad document).
pub mod msg {
    pub const SYNTAX: &str = "Syntax errors in policy.";
    pub const VERSION: &str = "Policy document must be version 2012-10-17 or greater.";
    pub const LEGACY: &str = "The policy failed legacy parsing";
    pub const SID_UNIQUE: &str = "Statement IDs (SID) in a single policy must be unique.";
    pub const NO_ACTIONS: &str = "Policy statement must contain actions.";
    pub const NO_RESOURCES: &str = "Policy statement must contain resources.";
    pub const PRINCIPAL_IN_IDENTITY: &str = "Policy document should not specify a principal.";
    pub const TRUST_RESOURCE: &str = "Has prohibited field Resource.";
    pub const TRUST_PRINCIPAL: &str = "Missing required field Principal.";
    pub const TRUST_ACTIONS: &str = "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity";
    pub const NO_VENDOR: &str = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
    pub const TWO_COLONS: &str = "Actions/Condition can contain only one colon.";
}

const STATEMENT_KEYS: &[&str] = &["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"];

/// Condition operators IAM knows (without `ForAnyValue:`/`ForAllValues:` and `IfExists`).
const OPERATORS: &[&str] = &[
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
    "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
    "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
];

/// Actions a trust policy may name.
const TRUST_ACTIONS: &[&str] = &[
    "sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity", "sts:DecodeAuthorizationMessage",
    "sts:GetAccessKeyInfo", "sts:GetCallerIdentity", "sts:GetFederationToken", "sts:GetServiceBearerToken",
    "sts:GetSessionToken", "sts:SetSourceIdentity", "sts:TagSession",
];

/// The paths an `arn:aws:iam::` resource may start with.
const IAM_RESOURCE_STARTS: &[&str] = &[
    "user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/", "server-certificate/", "policy/", "sms-mfa/",
    "saml-provider/", "oidc-provider/", "report/", "access-report/",
];

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/// Check a document the way IAM does when it is stored (`CreatePolicy`, `PutRolePolicy`,
/// `CreateRole`, …) and return it parsed; `Err` is the `MalformedPolicyDocument` message.
/// The checks and their order follow moto's `IAMPolicyDocumentValidator`, itself written
/// against IAM's answers.
pub fn validate(text: &str, kind: Kind) -> Result<Value, String> {
    let doc: Value = serde_json::from_str(text).map_err(|_| msg::SYNTAX.to_string())?;
    let statements = syntax(&doc, kind)?;
    if doc.get("Version").and_then(Value::as_str) != Some("2012-10-17") {
        return Err(msg::VERSION.into());
    }
    // Effect is compared case-sensitively here; dates in Date conditions must parse.
    for st in &statements {
        if !matches!(st.get("Effect").and_then(Value::as_str), Some("Allow" | "Deny")) {
            return Err(msg::LEGACY.into());
        }
        if let Some(Value::Object(cond)) = st.get("Condition") {
            for (op, body) in cond {
                if strip_operator(op).starts_with("Date") {
                    for v in body.as_object().into_iter().flat_map(|m| m.values()).flat_map(scalar_strings) {
                        if parse_date(&v).is_none() {
                            return Err(msg::LEGACY.into());
                        }
                    }
                }
            }
        }
    }
    // Resource formats: the first format problem is kept for later; statements without one
    // go through the legacy resource parser.
    let mut resource_error = String::new();
    for st in &statements {
        for key in ["Resource", "NotResource"] {
            let Some(v) = st.get(key) else { continue };
            let mut list = string_list(v);
            list.sort_by(|a, b| b.cmp(a));
            for r in &list {
                if resource_error.is_empty()
                    && let Some(e) = resource_format_error(r)
                {
                    resource_error = e;
                }
            }
            if resource_error.is_empty() {
                for r in string_list(v) {
                    if r != "*" {
                        let parts: Vec<&str> = r.split(':').collect();
                        let legacy_ok = (r.matches(':').count() >= 5 || !r.contains("::")) && parts.get(2).is_some_and(|p| !p.is_empty());
                        if !legacy_ok {
                            return Err(msg::LEGACY.into());
                        }
                    }
                }
            }
        }
    }
    let mut sids: Vec<&str> = Vec::new();
    for st in &statements {
        if let Some(sid) = st.get("Sid").and_then(Value::as_str).filter(|s| !s.is_empty()) {
            if sids.contains(&sid) {
                return Err(msg::SID_UNIQUE.into());
            }
            sids.push(sid);
        }
    }
    for st in &statements {
        let has = ["Action", "NotAction"].iter().any(|k| st.get(*k).is_some_and(|v| !matches!(v, Value::Array(a) if a.is_empty())));
        if !has {
            return Err(msg::NO_ACTIONS.into());
        }
    }
    match kind {
        Kind::Identity | Kind::Resource => {
            for st in &statements {
                let has = ["Resource", "NotResource"].iter().any(|k| st.get(*k).is_some_and(|v| !matches!(v, Value::Array(a) if a.is_empty())));
                if !has {
                    return Err(msg::NO_RESOURCES.into());
                }
            }
        }
        Kind::Trust => {
            for st in &statements {
                for a in st.get("Action").map(string_list).unwrap_or_default() {
                    if !TRUST_ACTIONS.contains(&a.as_str()) {
                        return Err(msg::TRUST_ACTIONS.into());
                    }
                }
            }
            if statements.iter().any(|st| st.contains_key("Resource") || st.contains_key("NotResource")) {
                return Err(msg::TRUST_RESOURCE.into());
            }
        }
    }
    if kind != Kind::Identity && statements.iter().any(|st| !st.contains_key("Principal") && !st.contains_key("NotPrincipal")) {
        return Err(msg::TRUST_PRINCIPAL.into());
    }
    if !resource_error.is_empty() {
        return Err(resource_error);
    }
    for st in &statements {
        for key in ["Action", "NotAction"] {
            for a in st.get(key).map(string_list).unwrap_or_default() {
                action_prefix(&a)?;
            }
        }
    }
    if kind != Kind::Identity {
        for st in &statements {
            for key in ["Principal", "NotPrincipal"] {
                if let Some(p) = st.get(key) {
                    principal_values(p)?;
                }
            }
        }
    }
    Ok(doc)
}

/// The structural checks (anything wrong: "Syntax errors in policy."). Returns the statements.
fn syntax(doc: &Value, kind: Kind) -> Result<Vec<&Map<String, Value>>, String> {
    let err = || msg::SYNTAX.to_string();
    let root = doc.as_object().ok_or_else(err)?;
    if root.keys().any(|k| !matches!(k.as_str(), "Version" | "Id" | "Statement")) {
        return Err(err());
    }
    if let Some(v) = root.get("Version")
        && !matches!(v.as_str(), Some("2008-10-17" | "2012-10-17"))
    {
        return Err(err());
    }
    if root.get("Id").is_some_and(|v| !v.is_string()) {
        return Err(err());
    }
    let statements: Vec<&Value> = match root.get("Statement") {
        Some(Value::Array(a)) if !a.is_empty() => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => return Err(err()),
    };
    let mut out = Vec::new();
    for st in statements {
        let st = st.as_object().ok_or_else(err)?;
        if kind == Kind::Identity && (st.contains_key("Principal") || st.contains_key("NotPrincipal")) {
            return Err(msg::PRINCIPAL_IN_IDENTITY.into());
        }
        if st.keys().any(|k| !STATEMENT_KEYS.contains(&k.as_str())) {
            return Err(err());
        }
        for (a, b) in [("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal")] {
            if st.contains_key(a) && st.contains_key(b) {
                return Err(err());
            }
        }
        match st.get("Effect").and_then(Value::as_str) {
            Some(e) if e.eq_ignore_ascii_case("allow") || e.eq_ignore_ascii_case("deny") => {}
            _ => return Err(err()),
        }
        for key in ["Action", "NotAction", "Resource", "NotResource"] {
            match st.get(key) {
                None | Some(Value::String(_)) => {}
                Some(Value::Array(a)) if a.iter().all(Value::is_string) => {}
                _ => return Err(err()),
            }
        }
        if st.get("Sid").is_some_and(|v| !v.is_string()) {
            return Err(err());
        }
        if let Some(c) = st.get("Condition") {
            let c = c.as_object().ok_or_else(err)?;
            for (op, body) in c {
                let body = body.as_object().ok_or_else(err)?;
                for v in body.values() {
                    let ok = match v {
                        Value::String(_) | Value::Bool(_) | Value::Number(_) => true,
                        Value::Array(a) => a.iter().all(|x| matches!(x, Value::String(_) | Value::Bool(_) | Value::Number(_))),
                        _ => false,
                    };
                    if !ok {
                        return Err(err());
                    }
                }
                if !OPERATORS.contains(&strip_operator(op)) && !body.is_empty() {
                    return Err(err());
                }
            }
        }
        for key in ["Principal", "NotPrincipal"] {
            match st.get(key) {
                None => {}
                Some(Value::String(s)) if s == "*" => {}
                Some(Value::Object(m)) => {
                    for v in m.values() {
                        match v {
                            Value::String(_) => {}
                            Value::Array(a) if a.iter().all(Value::is_string) => {}
                            _ => return Err(err()),
                        }
                    }
                }
                _ => return Err(err()),
            }
        }
        out.push(st);
    }
    Ok(out)
}

/// `ForAnyValue:StringLikeIfExists` -> `StringLike`.
fn strip_operator(op: &str) -> &str {
    let op = op.strip_prefix("ForAnyValue:").or_else(|| op.strip_prefix("ForAllValues:")).unwrap_or(op);
    op.strip_suffix("IfExists").unwrap_or(op)
}

/// IAM's checks of one `Resource` value (moto's `_validate_resource_format`).
fn resource_format_error(resource: &str) -> Option<String> {
    if resource == "*" {
        return None;
    }
    let Some((_, rest)) = resource.split_once(':') else {
        return Some(format!("Resource {resource} must be in ARN format or \"*\"."));
    };
    let (part_name, sep, rest) = partition(rest);
    if part_name != "aws" && part_name != "*" && part_name != "aws-cn" && part_name != "aws-us-gov" {
        let partition = part_name;
        let parts: Vec<&str> = rest.split(':').collect();
        let part = |i: usize| -> String {
            match parts.get(i) {
                Some(p) if !(i == 0 && p.is_empty() && parts.len() == 1) => p.to_string(),
                _ => "*".into(),
            }
        };
        let a4 = if parts.len() > 3 { parts.get(3..).map(|p| p.join(":")).unwrap_or_default() } else { "*".into() };
        return Some(format!("Partition \"{partition}\" is not valid for resource \"arn:{partition}:{}:{}:{}:{a4}\".", part(0), part(1), part(2)));
    }
    if !sep {
        return Some("Resource vendor must be fully qualified and cannot contain regexes.".into());
    }
    let (service, _, after_service) = partition(rest);
    let (_, _, after_region) = partition(after_service);
    let (_, _, resource_id) = partition(after_region);
    if (service == "iam" || service == "s3") && !after_service.starts_with(':') {
        if service == "s3" && resource_id.starts_with("accesspoint/") {
            return None;
        }
        return Some(if service == "iam" {
            format!("IAM resource {resource} cannot contain region information.")
        } else {
            format!("Resource {resource} can not contain region information.")
        });
    }
    if service == "iam" && !IAM_RESOURCE_STARTS.iter().any(|s| resource_id.starts_with(s)) && resource_id != "root" {
        return Some(format!("IAM resource path must either be \"*\", root, or start with {}.", IAM_RESOURCE_STARTS.join(", ")));
    }
    None
}

/// Python's `str.partition(":")`.
fn partition(s: &str) -> (&str, bool, &str) {
    match s.split_once(':') {
        Some((a, b)) => (a, true, b),
        None => (s, false, ""),
    }
}

fn action_prefix(action: &str) -> Result<(), String> {
    let parts: Vec<&str> = action.split(':').collect();
    if parts.len() == 1 && action != "*" {
        return Err(msg::NO_VENDOR.into());
    }
    if parts.len() > 2 {
        return Err(msg::TWO_COLONS.into());
    }
    let vendor = parts.first().copied().unwrap_or_default();
    if vendor != "*" && vendor.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '.')) {
        return Err(format!("Vendor {vendor} is not valid"));
    }
    Ok(())
}

/// The principals a `Principal` element names, checked: AWS principals must be `*`, an
/// account id or an ARN; service principals must look like `name.amazonaws.com`.
fn principal_values(p: &Value) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    match p {
        Value::String(s) => out.push(("AWS".to_string(), s.clone())),
        Value::Object(m) => {
            for (k, v) in m {
                for s in string_list(v) {
                    out.push((k.clone(), s));
                }
            }
        }
        _ => return Err(msg::SYNTAX.into()),
    }
    for (k, v) in &out {
        let ok = match k.as_str() {
            "AWS" => v == "*" || (v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit())) || v.starts_with("arn:"),
            "Service" => v == "*" || (v.contains('.') && (v.ends_with(".amazonaws.com") || v.ends_with(".amazonaws.com.cn") || v.ends_with(".aws.internal"))),
            "Federated" | "CanonicalUser" => !v.is_empty(),
            _ => false,
        };
        if !ok {
            let kind = if k == "Service" { "SERVICE".to_string() } else { k.clone() };
            return Err(format!("Invalid principal in policy: \"{kind}\":\"{v}\""));
        }
    }
    Ok(out)
}

/// Every `"AWS"` principal ARN a trust or resource policy names (the API checks that the
/// roles and users it names exist).
pub fn named_aws_principals(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for st in statements_of(doc) {
        for key in ["Principal", "NotPrincipal"] {
            if let Some(Value::Object(m)) = st.get(key)
                && let Some(v) = m.get("AWS")
            {
                out.extend(string_list(v));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Small JSON helpers
// ---------------------------------------------------------------------------------------------

/// A string or a list of strings as a list (anything else: empty).
pub fn string_list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    }
}

/// Condition values: strings, numbers and booleans, alone or in a list, as text.
fn scalar_strings(v: &Value) -> Vec<String> {
    fn one(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
    match v {
        Value::Array(a) => a.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    }
}

/// The statements of a document (object or array form).
pub fn statements_of(doc: &Value) -> Vec<&Map<String, Value>> {
    match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(m)) => vec![m],
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Request context
// ---------------------------------------------------------------------------------------------

/// The request context: condition keys and their values. Keys compare case-insensitively,
/// as IAM's do; a key may hold several values (multivalued keys).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    values: BTreeMap<String, (String, Vec<String>)>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }
    /// Set `key` to one value.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.values.insert(key.to_ascii_lowercase(), (key.to_string(), vec![value.into()]));
    }
    /// Set `key` to several values.
    pub fn set_many(&mut self, key: &str, values: Vec<String>) {
        self.values.insert(key.to_ascii_lowercase(), (key.to_string(), values));
    }
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.values.get(&key.to_ascii_lowercase()).map(|(_, v)| v.as_slice())
    }
    pub fn remove(&mut self, key: &str) {
        self.values.remove(&key.to_ascii_lowercase());
    }
    /// Every key with its values, keys as first written.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.values.values().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

/// Who makes the request, as a resource or trust policy's `Principal` sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestPrincipal {
    /// An IAM user or a role session: its ARN, the ARN of the role for a session, and its account.
    Aws { arn: String, role_arn: Option<String>, account: String },
    /// An AWS service (`ec2.amazonaws.com`).
    Service(String),
}

/// One request to decide.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// `service:Operation`, e.g. `ssm:GetParameter`.
    pub action: &'a str,
    /// The resource ARN, or `*`.
    pub resource: &'a str,
    /// Needed for trust and resource policies only.
    pub principal: Option<&'a RequestPrincipal>,
    pub context: &'a Context,
}

// ---------------------------------------------------------------------------------------------
// Decisions
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvalDecision {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

impl EvalDecision {
    /// The API's words (`EvalDecision`).
    pub fn as_str(self) -> &'static str {
        match self {
            EvalDecision::Allowed => "allowed",
            EvalDecision::ExplicitDeny => "explicitDeny",
            EvalDecision::ImplicitDeny => "implicitDeny",
        }
    }
}

/// One policy handed to the evaluator.
#[derive(Clone, Debug)]
pub struct PolicySource<'a> {
    /// What `SourcePolicyId` shows: a managed policy's name, an inline policy's name,
    /// `PolicyInputList.1`, …
    pub id: String,
    /// `SourcePolicyType`: `role`, `user`, `aws-managed`, `user-managed`, `resource`, `none`.
    pub kind: &'static str,
    /// The managed policy's ARN, if it is one.
    pub arn: Option<String>,
    pub document: &'a Value,
}

/// A statement that matched the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matched {
    pub policy_id: String,
    pub policy_type: &'static str,
    pub policy_arn: Option<String>,
    pub sid: Option<String>,
    /// 0-based index of the statement in its document.
    pub index: usize,
    pub deny: bool,
    /// `(line, column)` of the statement in the document's compact JSON form.
    pub start: (u32, u32),
    pub end: (u32, u32),
    /// Matched through the account's root principal (`arn:aws:iam::ACCOUNT:root` or the bare
    /// account id) in a resource policy: the account delegates to its identity policies.
    pub via_account: bool,
}

impl Matched {
    /// `AdministratorAccess statement 1` or `MyPolicy statement "AllowRead"`, for sentences.
    pub fn describe(&self) -> String {
        match &self.sid {
            Some(s) if !s.is_empty() => format!("{} statement \"{s}\"", self.policy_id),
            _ => format!("{} statement {}", self.policy_id, self.index + 1),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub decision: EvalDecision,
    /// The statements that decided: the matching Denies for `ExplicitDeny`, the matching
    /// Allows for `Allowed`, none for `ImplicitDeny`.
    pub matched: Vec<Matched>,
    /// Condition keys the policies asked about that the context did not hold.
    pub missing_context: Vec<String>,
}

impl Decision {
    pub fn allowed(&self) -> bool {
        self.decision == EvalDecision::Allowed
    }
}

/// Evaluate `policies` for `req`: explicit deny > allow > implicit deny.
pub fn evaluate(policies: &[PolicySource<'_>], req: &Request<'_>) -> Decision {
    let mut allows = Vec::new();
    let mut denies = Vec::new();
    let mut missing = Vec::new();
    for p in policies {
        let version_2012 = p.document.get("Version").and_then(Value::as_str) == Some("2012-10-17");
        let spans = statement_spans(p.document);
        for (index, st) in statements_of(p.document).into_iter().enumerate() {
            let Some(via_account) = statement_matches(st, req, version_2012, &mut missing) else { continue };
            let deny = st.get("Effect").and_then(Value::as_str) == Some("Deny");
            let (start, end) = spans.get(index).copied().unwrap_or(((1, 1), (1, 1)));
            let m = Matched {
                policy_id: p.id.clone(),
                policy_type: p.kind,
                policy_arn: p.arn.clone(),
                sid: st.get("Sid").and_then(Value::as_str).map(String::from),
                index,
                deny,
                start,
                end,
                via_account,
            };
            if deny {
                denies.push(m);
            } else {
                allows.push(m);
            }
        }
    }
    missing.sort();
    missing.dedup();
    if !denies.is_empty() {
        Decision { decision: EvalDecision::ExplicitDeny, matched: denies, missing_context: missing }
    } else if !allows.is_empty() {
        Decision { decision: EvalDecision::Allowed, matched: allows, missing_context: missing }
    } else {
        Decision { decision: EvalDecision::ImplicitDeny, matched: Vec::new(), missing_context: missing }
    }
}

/// Does one statement apply to the request? `Some(via_account)` when it does.
fn statement_matches(st: &Map<String, Value>, req: &Request<'_>, vars: bool, missing: &mut Vec<String>) -> Option<bool> {
    // Action / NotAction (case-insensitive wildcards).
    let action_ok = if let Some(a) = st.get("Action") {
        string_list(a).iter().any(|p| glob(p, req.action, true))
    } else if let Some(a) = st.get("NotAction") {
        !string_list(a).iter().any(|p| glob(p, req.action, true))
    } else {
        false
    };
    if !action_ok {
        return None;
    }
    // Resource / NotResource (case-sensitive, per ARN segment, policy variables). Trust
    // policies have neither: the role itself is the resource.
    let ctx = if vars { Some(req.context) } else { None };
    if let Some(r) = st.get("Resource") {
        if !string_list(r).iter().any(|p| resource_matches(p, req.resource, ctx)) {
            return None;
        }
    } else if let Some(r) = st.get("NotResource")
        && string_list(r).iter().any(|p| resource_matches(p, req.resource, ctx))
    {
        return None;
    }
    // Principal / NotPrincipal.
    let mut via_account = false;
    if let Some(p) = st.get("Principal") {
        let who = req.principal?;
        via_account = principal_matches(p, who)?;
    } else if let Some(p) = st.get("NotPrincipal")
        && principal_matches(p, req.principal?).is_some()
    {
        return None;
    }
    // Conditions: every operator, every key must hold.
    if let Some(Value::Object(cond)) = st.get("Condition") {
        for (op, body) in cond {
            let body = body.as_object()?;
            for (key, values) in body {
                if !condition_holds(op, key, &scalar_strings(values), req.context, ctx, missing) {
                    return None;
                }
            }
        }
    }
    Some(via_account)
}

/// `Some(via_account)` when the `Principal` element names the requester.
fn principal_matches(p: &Value, who: &RequestPrincipal) -> Option<bool> {
    let entries: Vec<(String, String)> = match p {
        Value::String(s) => vec![("AWS".into(), s.clone())],
        Value::Object(m) => m.iter().flat_map(|(k, v)| string_list(v).into_iter().map(move |s| (k.clone(), s))).collect(),
        _ => return None,
    };
    let mut via_account = None;
    for (k, v) in entries {
        match (k.as_str(), who) {
            ("AWS", _) if v == "*" => return Some(false),
            ("AWS", RequestPrincipal::Aws { arn, role_arn, account }) => {
                if v == *account || v == format!("arn:aws:iam::{account}:root") {
                    via_account = Some(true);
                } else if v == *arn || role_arn.as_deref() == Some(v.as_str()) {
                    return Some(false);
                }
            }
            ("Service", RequestPrincipal::Service(s)) if v == *s || v == "*" => return Some(false),
            _ => {}
        }
    }
    via_account
}

/// One condition key under one operator.
fn condition_holds(op: &str, key: &str, policy_values: &[String], context: &Context, vars: Option<&Context>, missing: &mut Vec<String>) -> bool {
    let (set, rest) = if let Some(r) = op.strip_prefix("ForAnyValue:") {
        (Some(true), r)
    } else if let Some(r) = op.strip_prefix("ForAllValues:") {
        (Some(false), r)
    } else {
        (None, op)
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    let request = context.get(key);
    if base == "Null" {
        let present = request.is_some_and(|v| !v.is_empty());
        return policy_values.iter().any(|pv| pv.eq_ignore_ascii_case(&(!present).to_string()));
    }
    let negated = matches!(
        base,
        "StringNotEquals" | "StringNotEqualsIgnoreCase" | "StringNotLike" | "NumericNotEquals" | "DateNotEquals" | "NotIpAddress" | "ArnNotEquals" | "ArnNotLike"
    );
    let request: &[String] = match request {
        Some(v) if !v.is_empty() => v,
        _ => {
            if !missing.iter().any(|m| m.eq_ignore_ascii_case(key)) {
                missing.push(key.to_string());
            }
            // A missing key: IfExists and ForAllValues hold, ForAnyValue does not, a negated
            // operator holds (nothing to match against), a positive one does not.
            return match set {
                Some(false) => true,
                Some(true) => false,
                None => if_exists || negated,
            };
        }
    };
    // Does one request value satisfy the (positive form of the) operator for some policy value?
    let positive = |rv: &str| -> bool { policy_values.iter().any(|pv| compare(base, rv, pv, vars)) };
    let one = |rv: &str| -> bool { if negated { !positive(rv) } else { positive(rv) } };
    match set {
        Some(true) => request.iter().any(|rv| one(rv)),
        Some(false) => request.iter().all(|rv| one(rv)),
        None => {
            if negated {
                !request.iter().any(|rv| positive(rv))
            } else {
                request.iter().any(|rv| positive(rv))
            }
        }
    }
}

/// The positive form of an operator: does request value `rv` match policy value `pv`?
fn compare(base: &str, rv: &str, pv: &str, vars: Option<&Context>) -> bool {
    match base {
        "StringEquals" | "StringNotEquals" => substitute(pv, vars).is_some_and(|p| p == rv),
        "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => substitute(pv, vars).is_some_and(|p| p.to_lowercase() == rv.to_lowercase()),
        "StringLike" | "StringNotLike" => compile(pv, vars).is_some_and(|t| glob_tokens(&t, rv, false)),
        "NumericEquals" | "NumericNotEquals" | "NumericLessThan" | "NumericLessThanEquals" | "NumericGreaterThan" | "NumericGreaterThanEquals" => {
            let (Ok(r), Ok(p)) = (rv.trim().parse::<f64>(), pv.trim().parse::<f64>()) else { return false };
            match base {
                "NumericLessThan" => r < p,
                "NumericLessThanEquals" => r <= p,
                "NumericGreaterThan" => r > p,
                "NumericGreaterThanEquals" => r >= p,
                _ => r == p,
            }
        }
        "DateEquals" | "DateNotEquals" | "DateLessThan" | "DateLessThanEquals" | "DateGreaterThan" | "DateGreaterThanEquals" => {
            let (Some(r), Some(p)) = (parse_date(rv), parse_date(pv)) else { return false };
            match base {
                "DateLessThan" => r < p,
                "DateLessThanEquals" => r <= p,
                "DateGreaterThan" => r > p,
                "DateGreaterThanEquals" => r >= p,
                _ => r == p,
            }
        }
        "Bool" => rv.eq_ignore_ascii_case(pv),
        "BinaryEquals" => rv == pv,
        "IpAddress" | "NotIpAddress" => ip_in(rv, pv),
        "ArnEquals" | "ArnLike" | "ArnNotEquals" | "ArnNotLike" => arn_like(pv, rv, vars),
        _ => false,
    }
}

/// ISO 8601 (`2026-01-05T09:00:00Z`, `2026-01-05`) or epoch seconds, as milliseconds.
pub fn parse_date(s: &str) -> Option<u64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<u64>().ok().map(|x| x.saturating_mul(1000));
    }
    if s.len() == 10 {
        return Time::parse_iso(&format!("{s}T00:00:00Z")).map(|t| t.0);
    }
    Time::parse_iso(s).map(|t| t.0)
}

/// Is IP `ip` inside `cidr` (an address alone means /32 or /128)?
pub fn ip_in(ip: &str, cidr: &str) -> bool {
    use std::net::IpAddr;
    let Ok(addr) = ip.trim().parse::<IpAddr>() else { return false };
    let (net, bits) = match cidr.trim().split_once('/') {
        Some((n, b)) => match b.parse::<u32>() {
            Ok(b) => (n, Some(b)),
            Err(_) => return false,
        },
        None => (cidr.trim(), None),
    };
    let Ok(net) = net.parse::<IpAddr>() else { return false };
    match (addr, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let bits = bits.unwrap_or(32);
            if bits > 32 {
                return false;
            }
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
            (u32::from(a) & mask) == (u32::from(n) & mask)
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let bits = bits.unwrap_or(128);
            if bits > 128 {
                return false;
            }
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits) };
            (u128::from(a) & mask) == (u128::from(n) & mask)
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Wildcards, ARNs, policy variables
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Lit(char),
    Star,
    One,
}

/// A pattern as tokens; `${key}` policy variables are replaced by the context's value (as
/// literal text) when `vars` is given. `None`: a variable the context does not hold.
fn compile(pattern: &str, vars: Option<&Context>) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push(Tok::Star),
            '?' => out.push(Tok::One),
            '$' if vars.is_some() && chars.peek() == Some(&'{') => {
                chars.next();
                let mut name = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '}' {
                        closed = true;
                        break;
                    }
                    name.push(c);
                }
                if !closed {
                    out.push(Tok::Lit('$'));
                    out.push(Tok::Lit('{'));
                    out.extend(name.chars().map(Tok::Lit));
                    continue;
                }
                let value = variable(&name, vars)?;
                out.extend(value.chars().map(Tok::Lit));
            }
            c => out.push(Tok::Lit(c)),
        }
    }
    Some(out)
}

/// The value of one policy variable: `${aws:username}`, `${aws:username, 'default'}`, and the
/// escapes `${*}`, `${?}`, `${$}`.
fn variable(name: &str, vars: Option<&Context>) -> Option<String> {
    match name {
        "*" | "?" | "$" => return Some(name.to_string()),
        _ => {}
    }
    let (key, default) = match name.split_once(',') {
        Some((k, d)) => {
            let d = d.trim();
            let d = d.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')).unwrap_or(d);
            (k.trim(), Some(d.to_string()))
        }
        None => (name.trim(), None),
    };
    vars.and_then(|c| c.get(key)).and_then(|v| v.first().cloned()).or(default)
}

/// A string with its policy variables replaced (for the `String…Equals` operators).
fn substitute(pattern: &str, vars: Option<&Context>) -> Option<String> {
    if vars.is_none() || !pattern.contains("${") {
        return Some(pattern.to_string());
    }
    let toks = compile(pattern, vars)?;
    Some(
        toks.iter()
            .map(|t| match t {
                Tok::Lit(c) => *c,
                Tok::Star => '*',
                Tok::One => '?',
            })
            .collect(),
    )
}

fn glob_tokens(pattern: &[Tok], text: &str, ignore_case: bool) -> bool {
    let t: Vec<char> = if ignore_case { text.to_lowercase().chars().collect() } else { text.chars().collect() };
    let p: Vec<Tok> = if ignore_case {
        pattern
            .iter()
            .flat_map(|tok| match tok {
                Tok::Lit(c) => c.to_lowercase().map(Tok::Lit).collect::<Vec<_>>(),
                other => vec![*other],
            })
            .collect()
    } else {
        pattern.to_vec()
    };
    // Iterative wildcard match with one backtrack point (linear-ish, no recursion).
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(Tok::Star) => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(Tok::One) => {
                pi += 1;
                ti += 1;
            }
            Some(Tok::Lit(c)) if t.get(ti) == Some(c) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    while p.get(pi) == Some(&Tok::Star) {
        pi += 1;
    }
    pi == p.len()
}

/// Wildcard match of a plain pattern (`*` any run, `?` one character).
pub fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    compile(pattern, None).is_some_and(|t| glob_tokens(&t, text, ignore_case))
}

/// A policy's `Resource` against the request's resource: `*` matches everything; ARNs match
/// segment by segment (a wildcard does not reach across the first five colons).
fn resource_matches(pattern: &str, resource: &str, vars: Option<&Context>) -> bool {
    if pattern == "*" {
        return true;
    }
    arn_like(pattern, resource, vars)
}

/// `ArnLike` semantics: both split into six colon-separated parts, each matched with wildcards.
fn arn_like(pattern: &str, arn: &str, vars: Option<&Context>) -> bool {
    let pp: Vec<&str> = pattern.splitn(6, ':').collect();
    let ap: Vec<&str> = arn.splitn(6, ':').collect();
    if pp.len() != 6 || ap.len() != 6 {
        return compile(pattern, vars).is_some_and(|t| glob_tokens(&t, arn, false));
    }
    pp.iter().zip(ap.iter()).all(|(p, a)| compile(p, vars).is_some_and(|t| glob_tokens(&t, a, false)))
}

// ---------------------------------------------------------------------------------------------
// Statement positions
// ---------------------------------------------------------------------------------------------

/// Where each statement sits in the document's compact JSON text, as the simulator reports
/// it: line 1, columns just after the opening and the closing brace (1-based). Documents
/// typed on one line are stored as sent, so these match what AWS reports for them;
/// multi-line documents get positions in their compact form.
pub fn statement_spans(doc: &Value) -> Vec<((u32, u32), (u32, u32))> {
    let Some(root) = doc.as_object() else { return Vec::new() };
    let mut offset = 1usize; // after '{'
    let mut out = Vec::new();
    for (i, (k, v)) in root.iter().enumerate() {
        if i > 0 {
            offset += 1; // ','
        }
        offset += serde_json::to_string(k).map(|s| s.len()).unwrap_or(0) + 1; // "key":
        if k == "Statement" {
            let mut push = |start: usize, len: usize| {
                out.push(((1, (start + 2) as u32), (1, (start + len + 1) as u32)));
            };
            match v {
                Value::Array(a) => {
                    let mut o = offset + 1; // '['
                    for (j, st) in a.iter().enumerate() {
                        if j > 0 {
                            o += 1;
                        }
                        let len = serde_json::to_string(st).map(|s| s.len()).unwrap_or(0);
                        push(o, len);
                        o += len;
                    }
                }
                other => {
                    let len = serde_json::to_string(other).map(|s| s.len()).unwrap_or(0);
                    push(offset, len);
                }
            }
        }
        offset += serde_json::to_string(v).map(|s| s.len()).unwrap_or(0);
    }
    out
}
