//! IAM at the API boundary: roles, managed and inline policies, instance profiles, the
//! learner's user, and the policy simulator. Output shapes and member order follow botocore's
//! IAM model; errors carry IAM's codes (`NoSuchEntity`, `EntityAlreadyExists`,
//! `DeleteConflict`, `LimitExceeded`, `MalformedPolicyDocument`, `ValidationError`, …).
//!
//! Policy documents travel URL-encoded in the real API and the AWS CLI decodes them
//! (botocore's `json_decode_policies`), so documents come back here as JSON objects, as the
//! CLI prints them.

use super::ApiError;
use crate::iam::policy::{self, Context, Kind, PolicySource, Request, RequestPrincipal};
use crate::iam::{managed, Denied, InstanceProfile, ManagedPolicy, PolicyVersion, Principal, Role, LEARNER, LEARNER_ID, LEARNER_POLICY};
use crate::world::{World, ACCOUNT_ID};
use serde_json::{json, Map, Value};

pub const OPERATIONS: &[&str] = &[
    "CreateRole",
    "GetRole",
    "ListRoles",
    "DeleteRole",
    "UpdateRole",
    "UpdateAssumeRolePolicy",
    "TagRole",
    "UntagRole",
    "ListRoleTags",
    "CreatePolicy",
    "GetPolicy",
    "ListPolicies",
    "DeletePolicy",
    "CreatePolicyVersion",
    "GetPolicyVersion",
    "ListPolicyVersions",
    "SetDefaultPolicyVersion",
    "DeletePolicyVersion",
    "ListEntitiesForPolicy",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "ListAttachedRolePolicies",
    "PutRolePolicy",
    "GetRolePolicy",
    "ListRolePolicies",
    "DeleteRolePolicy",
    "CreateInstanceProfile",
    "GetInstanceProfile",
    "ListInstanceProfiles",
    "ListInstanceProfilesForRole",
    "AddRoleToInstanceProfile",
    "RemoveRoleFromInstanceProfile",
    "DeleteInstanceProfile",
    "GetUser",
    "SimulatePrincipalPolicy",
    "SimulateCustomPolicy",
];

type R = Result<Value, ApiError>;

/// IAM's quotas (defaults).
const MAX_POLICY_VERSIONS: usize = 5;
const MAX_ATTACHED_PER_ROLE: usize = 10;
const TRUST_POLICY_MAX: usize = 2048;
const INLINE_ROLE_TOTAL_MAX: usize = 10_240;
const MANAGED_POLICY_MAX: usize = 6_144;
const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

pub fn call(world: &mut World, caller: &super::Caller, operation: &str, input: &Value) -> R {
    match operation {
        "CreateRole" => create_role(world, input),
        "GetRole" => {
            let role = role(world, input)?;
            Ok(json!({ "Role": role_json(role, RoleView::Get) }))
        }
        "ListRoles" => {
            let prefix = str_of(input, "PathPrefix").unwrap_or("/");
            let roles: Vec<Value> = world.iam.roles.values().filter(|r| r.path.starts_with(prefix)).map(|r| role_json(r, RoleView::List)).collect();
            paged(input, "Roles", roles)
        }
        "DeleteRole" => delete_role(world, input),
        "UpdateRole" => update_role(world, input),
        "UpdateAssumeRolePolicy" => {
            let name = role(world, input)?.name.clone();
            let doc = document(input, "PolicyDocument", Kind::Trust)?;
            trust_checks(world, &doc.1, &doc.0)?;
            if let Some(r) = world.iam.roles.get_mut(&name) {
                r.trust_policy = doc.0;
            }
            world.bump();
            Ok(json!({}))
        }
        "TagRole" => {
            let name = role(world, input)?.name.clone();
            let tags = tags_of(input)?;
            let Some(r) = world.iam.roles.get_mut(&name) else { return Err(no_role(&name)) };
            let mut merged = r.tags.clone();
            for (k, v) in tags {
                match merged.iter_mut().find(|(tk, _)| tk.eq_ignore_ascii_case(&k)) {
                    Some(t) => t.1 = v,
                    None => merged.push((k, v)),
                }
            }
            if merged.len() > 50 {
                return Err(ApiError::new("LimitExceeded", "The number of tags has reached the maximum limit."));
            }
            r.tags = merged;
            world.bump();
            Ok(json!({}))
        }
        "UntagRole" => {
            let name = role(world, input)?.name.clone();
            let keys = str_list(input, "TagKeys");
            if let Some(r) = world.iam.roles.get_mut(&name) {
                r.tags.retain(|(k, _)| !keys.iter().any(|x| x.eq_ignore_ascii_case(k)));
            }
            Ok(json!({}))
        }
        "ListRoleTags" => {
            let r = role(world, input)?;
            let tags: Vec<Value> = r.tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect();
            paged(input, "Tags", tags)
        }
        "CreatePolicy" => create_policy(world, input),
        "GetPolicy" => {
            let p = any_policy(world, str_of(input, "PolicyArn").unwrap_or_default())?;
            Ok(json!({ "Policy": policy_json(world, &p, true) }))
        }
        "ListPolicies" => list_policies(world, input),
        "DeletePolicy" => delete_policy(world, input),
        "CreatePolicyVersion" => create_policy_version(world, input),
        "GetPolicyVersion" => get_policy_version(world, input),
        "ListPolicyVersions" => {
            let arn = str_of(input, "PolicyArn").unwrap_or_default();
            let versions: Vec<Value> = if let Some(p) = managed::by_arn(arn) {
                vec![json!({"VersionId": p.version, "IsDefaultVersion": true, "CreateDate": p.updated_time().iso_offset()})]
            } else {
                let p = customer_policy(world, arn)?;
                p.versions.iter().rev().map(|v| version_json(p, v, false)).collect()
            };
            paged(input, "Versions", versions)
        }
        "SetDefaultPolicyVersion" => set_default_version(world, input),
        "DeletePolicyVersion" => delete_policy_version(world, input),
        "ListEntitiesForPolicy" => {
            let arn = str_of(input, "PolicyArn").unwrap_or_default();
            any_policy(world, arn)?;
            let roles: Vec<Value> = world.iam.roles.values().filter(|r| r.attached.iter().any(|a| a == arn)).map(|r| json!({"RoleName": r.name, "RoleId": r.id})).collect();
            let users: Vec<Value> = if arn == LEARNER_POLICY { vec![json!({"UserName": LEARNER, "UserId": LEARNER_ID})] } else { Vec::new() };
            Ok(json!({"PolicyGroups": [], "PolicyUsers": users, "PolicyRoles": roles}))
        }
        "AttachRolePolicy" => attach_role_policy(world, input),
        "DetachRolePolicy" => {
            let name = role(world, input)?.name.clone();
            let arn = str_of(input, "PolicyArn").unwrap_or_default().to_string();
            let attached = world.iam.roles.get(&name).is_some_and(|r| r.attached.contains(&arn));
            if !attached {
                return Err(ApiError::new("NoSuchEntity", format!("Policy {arn} was not found.")));
            }
            if let Some(r) = world.iam.roles.get_mut(&name) {
                r.attached.retain(|a| *a != arn);
            }
            world.bump();
            Ok(json!({}))
        }
        "ListAttachedRolePolicies" => {
            let r = role(world, input)?;
            let prefix = str_of(input, "PathPrefix").unwrap_or("/");
            let list: Vec<Value> = r
                .attached
                .iter()
                .filter_map(|arn| world.iam.managed_policy(arn))
                .filter(|p| p.path.starts_with(prefix))
                .map(|p| json!({"PolicyName": p.name, "PolicyArn": p.arn}))
                .collect();
            paged(input, "AttachedPolicies", list)
        }
        "PutRolePolicy" => put_role_policy(world, input),
        "GetRolePolicy" => {
            let r = role(world, input)?;
            let pname = str_of(input, "PolicyName").unwrap_or_default();
            let Some(doc) = r.inline.get(pname) else {
                return Err(ApiError::new("NoSuchEntity", format!("The role policy with name {pname} cannot be found.")));
            };
            Ok(json!({"RoleName": r.name, "PolicyName": pname, "PolicyDocument": doc}))
        }
        "ListRolePolicies" => {
            let r = role(world, input)?;
            let names: Vec<Value> = r.inline.keys().map(|k| json!(k)).collect();
            paged(input, "PolicyNames", names)
        }
        "DeleteRolePolicy" => {
            let name = role(world, input)?.name.clone();
            let pname = str_of(input, "PolicyName").unwrap_or_default().to_string();
            let removed = world.iam.roles.get_mut(&name).and_then(|r| r.inline.remove(&pname));
            if removed.is_none() {
                return Err(ApiError::new("NoSuchEntity", format!("The role policy with name {pname} cannot be found.")));
            }
            world.bump();
            Ok(json!({}))
        }
        "CreateInstanceProfile" => create_instance_profile(world, input),
        "GetInstanceProfile" => {
            let p = profile(world, input)?;
            Ok(json!({ "InstanceProfile": profile_json(world, p) }))
        }
        "ListInstanceProfiles" => {
            let prefix = str_of(input, "PathPrefix").unwrap_or("/");
            let list: Vec<Value> = world.iam.instance_profiles.values().filter(|p| p.path.starts_with(prefix)).map(|p| profile_json(world, p)).collect();
            paged(input, "InstanceProfiles", list)
        }
        "ListInstanceProfilesForRole" => {
            let name = role(world, input)?.name.clone();
            let list: Vec<Value> = world.iam.instance_profiles.values().filter(|p| p.roles.contains(&name)).map(|p| profile_json(world, p)).collect();
            paged(input, "InstanceProfiles", list)
        }
        "AddRoleToInstanceProfile" => {
            let pname = profile(world, input)?.name.clone();
            let rname = role(world, input)?.name.clone();
            let Some(p) = world.iam.instance_profiles.get_mut(&pname) else { return Err(no_profile(&pname)) };
            if !p.roles.is_empty() {
                return Err(ApiError::new("LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"));
            }
            p.roles.push(rname);
            world.bump();
            Ok(json!({}))
        }
        "RemoveRoleFromInstanceProfile" => {
            let pname = profile(world, input)?.name.clone();
            let rname = role(world, input)?.name.clone();
            let Some(p) = world.iam.instance_profiles.get_mut(&pname) else { return Err(no_profile(&pname)) };
            if !p.roles.contains(&rname) {
                return Err(ApiError::new("NoSuchEntity", format!("The role with name {rname} cannot be found in instance profile {pname}.")));
            }
            p.roles.retain(|r| *r != rname);
            world.bump();
            Ok(json!({}))
        }
        "DeleteInstanceProfile" => {
            let p = profile(world, input)?;
            if !p.roles.is_empty() {
                return Err(ApiError::new("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first."));
            }
            let name = p.name.clone();
            world.iam.instance_profiles.remove(&name);
            world.bump();
            Ok(json!({}))
        }
        "GetUser" => get_user(world, caller, input),
        "SimulatePrincipalPolicy" => simulate(world, input, true),
        "SimulateCustomPolicy" => simulate(world, input, false),
        _ => Err(ApiError::new("NotSimulated", format!("{operation} is not simulated in ec2lab yet."))),
    }
}

/// An access-denied refusal in the calling service's words: EC2's `UnauthorizedOperation`
/// (with its encoded authorization failure message), `AccessDeniedException` for SSM and
/// KMS, `AccessDenied` for IAM and STS.
pub fn access_denied(service: &str, d: &Denied) -> ApiError {
    match service {
        "ec2" => ApiError::new(
            "UnauthorizedOperation",
            format!("You are not authorized to perform this operation. {}. Encoded authorization failure message: {}", d.message, encoded_failure(&d.message)),
        ),
        "ssm" | "kms" | "logs" => ApiError::new("AccessDeniedException", d.message.clone()),
        _ => ApiError::new("AccessDenied", d.message.clone()),
    }
}

/// EC2's encoded authorization failure message: an opaque token that only
/// `sts decode-authorization-message` can read. Derived from the message (same refusal, same
/// token), in the URL-safe base64 alphabet EC2 uses.
fn encoded_failure(message: &str) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in message.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut out = String::with_capacity(440);
    for _ in 0..440 {
        // xorshift64*: a fixed stream from the message's hash.
        h ^= h >> 12;
        h ^= h << 25;
        h ^= h >> 27;
        let v = h.wrapping_mul(0x2545_f491_4f6c_dd1d);
        out.push(B64[(v >> 58) as usize] as char);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Input helpers and validation
// ---------------------------------------------------------------------------------------------

fn str_of<'a>(input: &'a Value, key: &str) -> Option<&'a str> {
    input.get(key).and_then(Value::as_str)
}

fn str_list(input: &Value, key: &str) -> Vec<String> {
    input.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default()
}

fn validation(value: &str, field: &str, constraint: &str) -> ApiError {
    ApiError::new("ValidationError", format!("1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}"))
}

/// `[\w+=,.@-]+` with a length limit (role, policy and instance profile names).
fn check_name(value: &str, field: &str, max: usize) -> Result<(), ApiError> {
    if value.chars().count() > max {
        return Err(validation(value, field, &format!("Member must have length less than or equal to {max}")));
    }
    if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)) {
        return Err(validation(value, field, "Member must satisfy regular expression pattern: [\\w+=,.@-]+"));
    }
    Ok(())
}

/// A role or instance profile path: `/` or `/a/b/` (printable ASCII between slashes).
fn check_path(value: &str) -> Result<(), ApiError> {
    if value.chars().count() > 512 {
        return Err(validation(value, "path", "Member must have length less than or equal to 512"));
    }
    let ok = value == "/" || (value.len() >= 3 && value.starts_with('/') && value.ends_with('/') && value.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    if !ok {
        return Err(validation(value, "path", "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"));
    }
    Ok(())
}

/// A managed policy path: `/` or `/a/b/` of `[A-Za-z0-9.,+@=_-]`.
fn check_policy_path(value: &str) -> Result<(), ApiError> {
    let inner_ok = value.starts_with('/')
        && value.ends_with('/')
        && value.trim_matches('/').split('/').all(|seg| !seg.is_empty() && seg.chars().all(|c| c.is_ascii_alphanumeric() || ".,+@=_-".contains(c)));
    if value != "/" && !inner_ok {
        return Err(validation(value, "path", "Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/"));
    }
    Ok(())
}

/// A document parameter, validated for its kind: (parsed, original text).
fn document(input: &Value, key: &str, kind: Kind) -> Result<(Value, String), ApiError> {
    let text = str_of(input, key).unwrap_or_default().to_string();
    let doc = policy::validate(&text, kind).map_err(|m| ApiError::new("MalformedPolicyDocument", m))?;
    Ok((doc, text))
}

/// IAM counts a policy's size without whitespace.
fn policy_size(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// What IAM checks of a trust policy beyond its grammar: its size, and that the roles and
/// users it names exist (it stores their unique ids).
fn trust_checks(world: &World, text: &str, doc: &Value) -> Result<(), ApiError> {
    if policy_size(text) > TRUST_POLICY_MAX {
        return Err(ApiError::new("LimitExceeded", format!("Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_MAX}")));
    }
    for p in policy::named_aws_principals(doc) {
        let ours = format!("arn:aws:iam::{ACCOUNT_ID}:");
        let Some(rest) = p.strip_prefix(&ours) else { continue };
        let exists = match rest.split_once('/') {
            Some(("role", _)) => world.iam.role_by_arn(&p).is_some(),
            Some(("user", name)) => name == LEARNER,
            _ => true,
        };
        if !exists {
            return Err(ApiError::new("MalformedPolicyDocument", format!("Invalid principal in policy: \"AWS\":\"{p}\"")));
        }
    }
    Ok(())
}

fn tags_of(input: &Value) -> Result<Vec<(String, String)>, ApiError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for t in input.get("Tags").and_then(Value::as_array).into_iter().flatten() {
        let k = t.get("Key").and_then(Value::as_str).unwrap_or_default().to_string();
        let v = t.get("Value").and_then(Value::as_str).unwrap_or_default().to_string();
        if out.iter().any(|(x, _)| x.eq_ignore_ascii_case(&k)) {
            return Err(ApiError::new("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive."));
        }
        out.push((k, v));
    }
    if out.len() > 50 {
        return Err(validation("[…]", "tags", "Member must have length less than or equal to 50"));
    }
    Ok(out)
}

fn tags_json(tags: &[(String, String)]) -> Value {
    Value::Array(tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect())
}

fn new_id(world: &mut World, prefix: &str) -> String {
    format!("{prefix}{}", world.rng.string_from(ID_ALPHABET, 17))
}

/// A list result. Without `MaxItems` everything comes back (as the CLI shows it after reading
/// every page); with it, one page plus `IsTruncated` and the `Marker` for the next one.
fn paged(input: &Value, key: &str, items: Vec<Value>) -> R {
    let mut out = Map::new();
    let Some(max) = input.get("MaxItems").and_then(Value::as_u64) else {
        out.insert(key.into(), Value::Array(items));
        return Ok(Value::Object(out));
    };
    if !(1..=1000).contains(&max) {
        return Err(validation(&max.to_string(), "maxItems", "Member must have value less than or equal to 1000"));
    }
    let start = match str_of(input, "Marker") {
        Some(m) => m.parse::<usize>().map_err(|_| ApiError::new("InvalidInput", "Invalid Marker."))?,
        None => 0,
    };
    let end = start.saturating_add(max as usize).min(items.len());
    let page: Vec<Value> = items.get(start.min(items.len())..end).map(|s| s.to_vec()).unwrap_or_default();
    let truncated = end < items.len();
    out.insert(key.into(), Value::Array(page));
    out.insert("IsTruncated".into(), json!(truncated));
    if truncated {
        out.insert("Marker".into(), json!(end.to_string()));
    }
    Ok(Value::Object(out))
}

// ---------------------------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------------------------

fn no_role(name: &str) -> ApiError {
    ApiError::new("NoSuchEntity", format!("The role with name {name} cannot be found."))
}

fn no_profile(name: &str) -> ApiError {
    ApiError::new("NoSuchEntity", format!("Instance Profile {name} cannot be found."))
}

fn role<'a>(world: &'a World, input: &Value) -> Result<&'a Role, ApiError> {
    let name = str_of(input, "RoleName").unwrap_or_default();
    world.iam.role(name).ok_or_else(|| no_role(name))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RoleView {
    /// CreateRole's answer.
    Create,
    /// GetRole: everything, with `RoleLastUsed`.
    Get,
    /// ListRoles: no tags, no last-used.
    List,
    /// Inside an instance profile.
    Profile,
}

fn role_json(r: &Role, view: RoleView) -> Value {
    let mut m = Map::new();
    m.insert("Path".into(), json!(r.path));
    m.insert("RoleName".into(), json!(r.name));
    m.insert("RoleId".into(), json!(r.id));
    m.insert("Arn".into(), json!(r.arn));
    m.insert("CreateDate".into(), json!(r.created.iso_offset()));
    m.insert("AssumeRolePolicyDocument".into(), r.trust_policy.clone());
    if view != RoleView::Profile {
        if !r.description.is_empty() {
            m.insert("Description".into(), json!(r.description));
        }
        if view != RoleView::Create {
            m.insert("MaxSessionDuration".into(), json!(r.max_session_duration));
        }
    }
    if matches!(view, RoleView::Create | RoleView::Get) && !r.tags.is_empty() {
        m.insert("Tags".into(), tags_json(&r.tags));
    }
    if view == RoleView::Get {
        m.insert("RoleLastUsed".into(), json!({}));
    }
    Value::Object(m)
}

fn create_role(world: &mut World, input: &Value) -> R {
    let name = str_of(input, "RoleName").unwrap_or_default().to_string();
    check_name(&name, "roleName", 64)?;
    let path = str_of(input, "Path").unwrap_or("/").to_string();
    check_path(&path)?;
    let description = str_of(input, "Description").unwrap_or_default().to_string();
    if description.chars().count() > 1000 {
        return Err(validation(&description, "description", "Member must have length less than or equal to 1000"));
    }
    let max_session = max_session(input)?.unwrap_or(3600);
    let tags = tags_of(input)?;
    let (doc, text) = document(input, "AssumeRolePolicyDocument", Kind::Trust)?;
    if world.iam.roles.contains_key(&name) || world.iam.roles.keys().any(|k| k.eq_ignore_ascii_case(&name)) {
        return Err(ApiError::new("EntityAlreadyExists", format!("Role with name {name} already exists.")));
    }
    trust_checks(world, &text, &doc)?;
    let id = new_id(world, "AROA");
    let mut r = Role::new(&name, &path, id, world.now(), doc);
    r.description = description;
    r.max_session_duration = max_session;
    r.tags = tags;
    let out = json!({ "Role": role_json(&r, RoleView::Create) });
    world.iam.roles.insert(name, r);
    world.bump();
    Ok(out)
}

fn max_session(input: &Value) -> Result<Option<u32>, ApiError> {
    let Some(v) = input.get("MaxSessionDuration").and_then(Value::as_i64) else { return Ok(None) };
    if v < 3600 {
        return Err(validation(&v.to_string(), "maxSessionDuration", "Member must have value greater than or equal to 3600"));
    }
    if v > 43200 {
        return Err(validation(&v.to_string(), "maxSessionDuration", "Member must have value less than or equal to 43200"));
    }
    Ok(Some(v as u32))
}

fn update_role(world: &mut World, input: &Value) -> R {
    let name = role(world, input)?.name.clone();
    let ms = max_session(input)?;
    let description = str_of(input, "Description").map(String::from);
    if let Some(d) = &description
        && d.chars().count() > 1000
    {
        return Err(validation(d, "description", "Member must have length less than or equal to 1000"));
    }
    if let Some(r) = world.iam.roles.get_mut(&name) {
        if let Some(d) = description {
            r.description = d;
        }
        if let Some(ms) = ms {
            r.max_session_duration = ms;
        }
    }
    world.bump();
    Ok(json!({}))
}

fn delete_role(world: &mut World, input: &Value) -> R {
    let r = role(world, input)?;
    let name = r.name.clone();
    if world.iam.instance_profiles.values().any(|p| p.roles.contains(&name)) {
        return Err(ApiError::new("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first."));
    }
    if !r.attached.is_empty() {
        return Err(ApiError::new("DeleteConflict", "Cannot delete entity, must detach all policies first."));
    }
    if !r.inline.is_empty() {
        return Err(ApiError::new("DeleteConflict", "Cannot delete entity, must delete policies first."));
    }
    world.iam.roles.remove(&name);
    world.bump();
    Ok(json!({}))
}

fn attach_role_policy(world: &mut World, input: &Value) -> R {
    let name = role(world, input)?.name.clone();
    let arn = str_of(input, "PolicyArn").unwrap_or_default().to_string();
    if world.iam.managed_policy(&arn).is_none() {
        return Err(ApiError::new("NoSuchEntity", format!("Policy {arn} does not exist or is not attachable.")));
    }
    let Some(r) = world.iam.roles.get_mut(&name) else { return Err(no_role(&name)) };
    if r.attached.contains(&arn) {
        return Ok(json!({}));
    }
    if r.attached.len() >= MAX_ATTACHED_PER_ROLE {
        return Err(ApiError::new("LimitExceeded", format!("Cannot exceed quota for PoliciesPerRole: {MAX_ATTACHED_PER_ROLE}")));
    }
    r.attached.push(arn);
    world.bump();
    Ok(json!({}))
}

fn put_role_policy(world: &mut World, input: &Value) -> R {
    let name = role(world, input)?.name.clone();
    let pname = str_of(input, "PolicyName").unwrap_or_default().to_string();
    check_name(&pname, "policyName", 128)?;
    let (doc, text) = document(input, "PolicyDocument", Kind::Identity)?;
    let Some(r) = world.iam.roles.get_mut(&name) else { return Err(no_role(&name)) };
    let others: usize = r.inline.iter().filter(|(k, _)| **k != pname).map(|(_, d)| policy_size(&d.to_string())).sum();
    if others + policy_size(&text) > INLINE_ROLE_TOTAL_MAX {
        return Err(ApiError::new("LimitExceeded", format!("Maximum policy size of {INLINE_ROLE_TOTAL_MAX} bytes exceeded for role {name}")));
    }
    r.inline.insert(pname, doc);
    world.bump();
    Ok(json!({}))
}

// ---------------------------------------------------------------------------------------------
// Managed policies
// ---------------------------------------------------------------------------------------------

fn no_policy(arn: &str) -> ApiError {
    ApiError::new("NoSuchEntity", format!("Policy {arn} was not found."))
}

fn any_policy(world: &World, arn: &str) -> Result<crate::iam::PolicyInfo, ApiError> {
    world.iam.managed_policy(arn).ok_or_else(|| no_policy(arn))
}

/// A customer managed policy to change; AWS's own cannot be changed from an account.
fn customer_policy<'a>(world: &'a World, arn: &str) -> Result<&'a ManagedPolicy, ApiError> {
    world.iam.policies.get(arn).ok_or_else(|| no_policy(arn))
}

/// Refuse changes to an AWS managed policy: they live in AWS's account, not the learner's.
fn not_ours(world: &World, caller_action: &str, arn: &str) -> Result<(), ApiError> {
    if managed::by_arn(arn).is_some() {
        let _ = world;
        return Err(ApiError::new(
            "AccessDenied",
            format!("User: {} is not authorized to perform: {caller_action} on resource: policy {arn}", Principal::Admin.arn()),
        ));
    }
    Ok(())
}

fn policy_json(world: &World, p: &crate::iam::PolicyInfo, full: bool) -> Value {
    let mut m = Map::new();
    m.insert("PolicyName".into(), json!(p.name));
    m.insert("PolicyId".into(), json!(p.id));
    m.insert("Arn".into(), json!(p.arn));
    m.insert("Path".into(), json!(p.path));
    m.insert("DefaultVersionId".into(), json!(p.default_version));
    m.insert("AttachmentCount".into(), json!(world.iam.attachment_count(&p.arn)));
    m.insert("PermissionsBoundaryUsageCount".into(), json!(0));
    m.insert("IsAttachable".into(), json!(true));
    if full && !p.description.is_empty() {
        m.insert("Description".into(), json!(p.description));
    }
    m.insert("CreateDate".into(), json!(p.created.iso_offset()));
    m.insert("UpdateDate".into(), json!(p.updated.iso_offset()));
    if full
        && let Some(cp) = world.iam.policies.get(&p.arn)
        && !cp.tags.is_empty()
    {
        m.insert("Tags".into(), tags_json(&cp.tags));
    }
    Value::Object(m)
}

fn version_json(p: &ManagedPolicy, v: &PolicyVersion, with_document: bool) -> Value {
    let mut m = Map::new();
    if with_document {
        m.insert("Document".into(), v.document.clone());
    }
    m.insert("VersionId".into(), json!(v.id));
    m.insert("IsDefaultVersion".into(), json!(v.id == p.default_version));
    m.insert("CreateDate".into(), json!(v.created.iso_offset()));
    Value::Object(m)
}

fn create_policy(world: &mut World, input: &Value) -> R {
    let name = str_of(input, "PolicyName").unwrap_or_default().to_string();
    check_name(&name, "policyName", 128)?;
    let path = str_of(input, "Path").unwrap_or("/").to_string();
    check_policy_path(&path)?;
    let description = str_of(input, "Description").unwrap_or_default().to_string();
    if description.chars().count() > 1000 {
        return Err(validation(&description, "description", "Member must have length less than or equal to 1000"));
    }
    let tags = tags_of(input)?;
    let (doc, text) = document(input, "PolicyDocument", Kind::Identity)?;
    if policy_size(&text) > MANAGED_POLICY_MAX {
        return Err(ApiError::new("LimitExceeded", format!("Cannot exceed quota for PolicySize: {MANAGED_POLICY_MAX}")));
    }
    let arn = format!("arn:aws:iam::{ACCOUNT_ID}:policy{path}{name}");
    if world.iam.policies.values().any(|p| p.name.eq_ignore_ascii_case(&name)) {
        return Err(ApiError::new("EntityAlreadyExists", format!("A policy called {name} already exists. Duplicate names are not allowed.")));
    }
    let id = new_id(world, "ANPA");
    let now = world.now();
    let p = ManagedPolicy {
        name,
        path,
        id,
        arn: arn.clone(),
        description,
        created: now,
        updated: now,
        default_version: "v1".into(),
        versions: vec![PolicyVersion { id: "v1".into(), document: doc, created: now }],
        next_version: 2,
        tags,
    };
    world.iam.policies.insert(arn.clone(), p);
    world.bump();
    let info = any_policy(world, &arn)?;
    Ok(json!({ "Policy": policy_json(world, &info, true) }))
}

fn list_policies(world: &World, input: &Value) -> R {
    let scope = str_of(input, "Scope").unwrap_or("All");
    let only_attached = input.get("OnlyAttached").and_then(Value::as_bool).unwrap_or(false);
    let prefix = str_of(input, "PathPrefix").unwrap_or("/");
    let mut all: Vec<crate::iam::PolicyInfo> = Vec::new();
    if scope != "Local" {
        all.extend(managed::POLICIES.iter().filter_map(|p| world.iam.managed_policy(&p.arn())));
    }
    if scope != "AWS" {
        all.extend(world.iam.policies.keys().filter_map(|arn| world.iam.managed_policy(arn)));
    }
    all.retain(|p| p.path.starts_with(prefix) && (!only_attached || world.iam.attachment_count(&p.arn) > 0));
    all.sort_by(|a, b| a.name.cmp(&b.name));
    let list: Vec<Value> = all.iter().map(|p| policy_json(world, p, false)).collect();
    paged(input, "Policies", list)
}

fn delete_policy(world: &mut World, input: &Value) -> R {
    let arn = str_of(input, "PolicyArn").unwrap_or_default().to_string();
    not_ours(world, "iam:DeletePolicy", &arn)?;
    let p = customer_policy(world, &arn)?;
    if world.iam.attachment_count(&arn) > 0 {
        return Err(ApiError::new("DeleteConflict", "Cannot delete a policy attached to entities."));
    }
    if p.versions.len() > 1 {
        return Err(ApiError::new(
            "DeleteConflict",
            "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        ));
    }
    world.iam.policies.remove(&arn);
    world.bump();
    Ok(json!({}))
}

fn create_policy_version(world: &mut World, input: &Value) -> R {
    let arn = str_of(input, "PolicyArn").unwrap_or_default().to_string();
    not_ours(world, "iam:CreatePolicyVersion", &arn)?;
    customer_policy(world, &arn)?;
    let (doc, text) = document(input, "PolicyDocument", Kind::Identity)?;
    if policy_size(&text) > MANAGED_POLICY_MAX {
        return Err(ApiError::new("LimitExceeded", format!("Cannot exceed quota for PolicySize: {MANAGED_POLICY_MAX}")));
    }
    let set_default = input.get("SetAsDefault").and_then(Value::as_bool).unwrap_or(false);
    let now = world.now();
    let Some(p) = world.iam.policies.get_mut(&arn) else { return Err(no_policy(&arn)) };
    if p.versions.len() >= MAX_POLICY_VERSIONS {
        return Err(ApiError::new(
            "LimitExceeded",
            "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
        ));
    }
    let v = PolicyVersion { id: format!("v{}", p.next_version), document: doc, created: now };
    p.next_version += 1;
    if set_default {
        p.default_version = v.id.clone();
        p.updated = now;
    }
    let out = json!({ "PolicyVersion": version_json(p, &v, false) });
    p.versions.push(v);
    world.bump();
    Ok(out)
}

fn check_version_id(v: &str) -> Result<(), ApiError> {
    let ok = v.strip_prefix('v').is_some_and(|rest| {
        let (num, suffix) = match rest.split_once('.') {
            Some((n, s)) => (n, Some(s)),
            None => (rest, None),
        };
        num.starts_with(|c: char| ('1'..='9').contains(&c))
            && num.chars().all(|c| c.is_ascii_digit())
            && suffix.is_none_or(|s| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    });
    if !ok {
        return Err(validation(v, "versionId", "Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?"));
    }
    Ok(())
}

fn get_policy_version(world: &World, input: &Value) -> R {
    let arn = str_of(input, "PolicyArn").unwrap_or_default();
    let vid = str_of(input, "VersionId").unwrap_or_default();
    check_version_id(vid)?;
    let missing = || ApiError::new("NoSuchEntity", format!("Policy {arn} version {vid} does not exist or is not attachable."));
    if let Some(p) = managed::by_arn(arn) {
        if vid != p.version {
            return Err(missing());
        }
        return Ok(json!({"PolicyVersion": {"Document": p.document(), "VersionId": p.version, "IsDefaultVersion": true, "CreateDate": p.updated_time().iso_offset()}}));
    }
    let p = customer_policy(world, arn)?;
    let v = p.versions.iter().find(|v| v.id == vid).ok_or_else(missing)?;
    Ok(json!({ "PolicyVersion": version_json(p, v, true) }))
}

fn set_default_version(world: &mut World, input: &Value) -> R {
    let arn = str_of(input, "PolicyArn").unwrap_or_default().to_string();
    let vid = str_of(input, "VersionId").unwrap_or_default().to_string();
    check_version_id(&vid)?;
    not_ours(world, "iam:SetDefaultPolicyVersion", &arn)?;
    customer_policy(world, &arn)?;
    let now = world.now();
    let Some(p) = world.iam.policies.get_mut(&arn) else { return Err(no_policy(&arn)) };
    if !p.versions.iter().any(|v| v.id == vid) {
        return Err(ApiError::new("NoSuchEntity", format!("Policy {arn} version {vid} does not exist or is not attachable.")));
    }
    p.default_version = vid;
    p.updated = now;
    world.bump();
    Ok(json!({}))
}

fn delete_policy_version(world: &mut World, input: &Value) -> R {
    let arn = str_of(input, "PolicyArn").unwrap_or_default().to_string();
    let vid = str_of(input, "VersionId").unwrap_or_default().to_string();
    check_version_id(&vid)?;
    not_ours(world, "iam:DeletePolicyVersion", &arn)?;
    customer_policy(world, &arn)?;
    let Some(p) = world.iam.policies.get_mut(&arn) else { return Err(no_policy(&arn)) };
    if !p.versions.iter().any(|v| v.id == vid) {
        return Err(ApiError::new("NoSuchEntity", format!("Policy {arn} version {vid} does not exist or is not attachable.")));
    }
    if p.default_version == vid {
        return Err(ApiError::new("DeleteConflict", "Cannot delete the default version of a policy."));
    }
    p.versions.retain(|v| v.id != vid);
    world.bump();
    Ok(json!({}))
}

// ---------------------------------------------------------------------------------------------
// Instance profiles
// ---------------------------------------------------------------------------------------------

fn profile<'a>(world: &'a World, input: &Value) -> Result<&'a InstanceProfile, ApiError> {
    let name = str_of(input, "InstanceProfileName").unwrap_or_default();
    world.iam.instance_profiles.get(name).ok_or_else(|| no_profile(name))
}

fn profile_json(world: &World, p: &InstanceProfile) -> Value {
    let roles: Vec<Value> = p.roles.iter().filter_map(|r| world.iam.role(r)).map(|r| role_json(r, RoleView::Profile)).collect();
    let mut m = Map::new();
    m.insert("Path".into(), json!(p.path));
    m.insert("InstanceProfileName".into(), json!(p.name));
    m.insert("InstanceProfileId".into(), json!(p.id));
    m.insert("Arn".into(), json!(p.arn));
    m.insert("CreateDate".into(), json!(p.created.iso_offset()));
    m.insert("Roles".into(), Value::Array(roles));
    if !p.tags.is_empty() {
        m.insert("Tags".into(), tags_json(&p.tags));
    }
    Value::Object(m)
}

fn create_instance_profile(world: &mut World, input: &Value) -> R {
    let name = str_of(input, "InstanceProfileName").unwrap_or_default().to_string();
    check_name(&name, "instanceProfileName", 128)?;
    let path = str_of(input, "Path").unwrap_or("/").to_string();
    check_path(&path)?;
    let tags = tags_of(input)?;
    if world.iam.instance_profiles.keys().any(|k| k.eq_ignore_ascii_case(&name)) {
        return Err(ApiError::new("EntityAlreadyExists", format!("Instance Profile {name} already exists.")));
    }
    let id = new_id(world, "AIPA");
    let p = InstanceProfile {
        arn: format!("arn:aws:iam::{ACCOUNT_ID}:instance-profile{path}{name}"),
        name: name.clone(),
        path,
        id,
        created: world.now(),
        roles: Vec::new(),
        tags,
    };
    let out = json!({ "InstanceProfile": profile_json(world, &p) });
    world.iam.instance_profiles.insert(name, p);
    world.bump();
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The learner's user
// ---------------------------------------------------------------------------------------------

fn get_user(world: &World, caller: &Principal, input: &Value) -> R {
    let name = match str_of(input, "UserName") {
        Some(n) => n,
        None if *caller == Principal::Admin => LEARNER,
        None => return Err(ApiError::new("ValidationError", "Must specify userName when calling with non-User credentials")),
    };
    if name != LEARNER {
        return Err(ApiError::new("NoSuchEntity", format!("The user with name {name} cannot be found.")));
    }
    // The learner's user exists from the moment the lab's account does.
    let created = crate::clock::Time(crate::clock::EPOCH_START_MS);
    let _ = world;
    Ok(json!({"User": {
        "Path": "/",
        "UserName": LEARNER,
        "UserId": LEARNER_ID,
        "Arn": Principal::Admin.arn(),
        "CreateDate": created.iso_offset(),
    }}))
}

// ---------------------------------------------------------------------------------------------
// The policy simulator
// ---------------------------------------------------------------------------------------------

/// `SimulatePrincipalPolicy` (`principal`: the role's or the learner's own policies, plus any
/// `PolicyInputList`) and `SimulateCustomPolicy` (only `PolicyInputList`). As in IAM, the
/// context holds only the `ContextEntries` given: keys a condition asks for and nobody gave
/// are listed in `MissingContextValues`.
fn simulate(world: &World, input: &Value, principal: bool) -> R {
    let mut owned: Vec<(String, &'static str, Option<String>, Value)> = Vec::new();
    let mut caller_arn: Option<String> = str_of(input, "CallerArn").map(String::from);
    if principal {
        let source = str_of(input, "PolicySourceArn").unwrap_or_default();
        let user_arn = Principal::Admin.arn();
        if source == user_arn {
            owned.extend(world.iam.learner_policies());
        } else if let Some(r) = world.iam.role_by_arn(source) {
            owned.extend(world.iam.role_policies(r));
        } else if let Some(rest) = source.strip_prefix(&format!("arn:aws:iam::{ACCOUNT_ID}:")) {
            return Err(match rest.split_once('/') {
                Some(("role", n)) => no_role(n.rsplit('/').next().unwrap_or(n)),
                Some(("user", n)) => ApiError::new("NoSuchEntity", format!("The user with name {n} cannot be found.")),
                _ => ApiError::new("InvalidInput", format!("Invalid ARN: {source}")),
            });
        } else {
            return Err(ApiError::new("InvalidInput", format!("Invalid ARN: {source}")));
        }
        caller_arn.get_or_insert_with(|| source.to_string());
    }
    for (i, text) in str_list(input, "PolicyInputList").iter().enumerate() {
        let doc = policy::validate(text, Kind::Identity).map_err(|m| ApiError::new("InvalidInput", m))?;
        owned.push((format!("PolicyInputList.{}", i + 1), "", None, doc));
    }
    if !principal && owned.is_empty() {
        return Err(ApiError::new("InvalidInput", "PolicyInputList must contain at least one policy."));
    }
    let resource_policy = match str_of(input, "ResourcePolicy") {
        Some(text) => Some(policy::validate(text, Kind::Resource).map_err(|m| ApiError::new("InvalidInput", m))?),
        None => None,
    };
    let mut ctx = Context::new();
    for e in input.get("ContextEntries").and_then(Value::as_array).into_iter().flatten() {
        let Some(k) = e.get("ContextKeyName").and_then(Value::as_str) else { continue };
        let vals: Vec<String> = e.get("ContextKeyValues").and_then(Value::as_array).map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default();
        ctx.set_many(k, vals);
    }
    let actions = str_list(input, "ActionNames");
    if actions.is_empty() {
        return Err(ApiError::new("InvalidInput", "ActionNames must contain at least one action."));
    }
    let mut resources = str_list(input, "ResourceArns");
    if resources.is_empty() {
        resources.push("*".into());
    }
    let mut sources: Vec<PolicySource<'_>> = owned.iter().map(|(id, kind, arn, doc)| PolicySource { id: id.clone(), kind, arn: arn.clone(), document: doc }).collect();
    if let Some(doc) = &resource_policy {
        sources.push(PolicySource { id: "ResourcePolicy".into(), kind: "resource", arn: None, document: doc });
    }
    let who: Option<RequestPrincipal> = caller_arn.as_deref().map(|a| crate::iam::request_principal(a, None));
    let mut results = Vec::new();
    for action in &actions {
        for resource in &resources {
            let d = policy::evaluate(&sources, &Request { action, resource, principal: who.as_ref(), context: &ctx });
            let matched: Vec<Value> = d
                .matched
                .iter()
                .map(|m| {
                    let mut s = Map::new();
                    s.insert("SourcePolicyId".into(), json!(m.policy_id));
                    if !m.policy_type.is_empty() {
                        s.insert("SourcePolicyType".into(), json!(m.policy_type));
                    }
                    s.insert("StartPosition".into(), json!({"Line": m.start.0, "Column": m.start.1}));
                    s.insert("EndPosition".into(), json!({"Line": m.end.0, "Column": m.end.1}));
                    Value::Object(s)
                })
                .collect();
            results.push(json!({
                "EvalActionName": action,
                "EvalResourceName": resource,
                "EvalDecision": d.decision.as_str(),
                "MatchedStatements": matched,
                "MissingContextValues": d.missing_context,
            }));
        }
    }
    paged(input, "EvaluationResults", results)
}
