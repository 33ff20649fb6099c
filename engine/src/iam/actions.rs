//! Which IAM action and which resource(s) each simulated API call asks for, and the
//! authorization of every call ([`authorize_call`], run by `api::call_as` before dispatch).
//!
//! The action is `service:Operation` (`ec2:RunInstances`, `ssm:GetParameter`). Resources are
//! ARNs where the service authorizes per resource, `*` where AWS uses `*` (EC2's Describe
//! calls, listing calls). A call that names several resources needs all of them; the first
//! refused one is the one the message names.

use super::{authorize_as, Denied, Principal, REGION};
use crate::world::{World, ACCOUNT_ID};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// KMS: keys named by id, ARN or alias, or found from a ciphertext blob, are decided by
// `kms::authorize` (the key policy, and the caller's IAM policies where it delegates to the
// account). Calls that name no existing key are checked against IAM policies on `*`, or left to
// the KMS API (an unknown key is its `NotFoundException`; a predefined `alias/aws/…` key is
// created on first use and checked there).
// ---------------------------------------------------------------------------------------------

/// The key ARN a KMS `KeyId` names (key id, key ARN, `alias/NAME` or alias ARN), if the key
/// exists.
pub fn kms_key_arn(world: &World, key_id: &str) -> Option<String> {
    world.kms.resolve(key_id, true).ok().map(|id| crate::kms::key_arn(&id))
}

/// The key ARN a ciphertext blob (base64, as the API takes it) was encrypted under
/// (`Decrypt` without `KeyId`).
pub fn kms_ciphertext_key_arn(world: &World, ciphertext_blob: &str) -> Option<String> {
    use base64::Engine as _;
    let clean: String = ciphertext_blob.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD.decode(clean.as_bytes()).ok()?;
    world.kms.blob_key(&bytes).map(|id| crate::kms::key_arn(&id))
}

/// The key policy of a key (by ARN), as a document.
pub fn kms_key_policy(world: &World, key_arn: &str) -> Option<Value> {
    let id = key_arn.rsplit('/').next()?;
    world.kms.key(id).map(crate::kms::policy_document)
}

/// One resource a call needs: the ARN the evaluator matches and the words the message uses.
struct Res {
    arn: String,
    shown: String,
}

impl Res {
    fn arn(arn: String) -> Res {
        Res { shown: arn.clone(), arn }
    }
    fn shown(arn: String, shown: String) -> Res {
        Res { arn, shown }
    }
    fn any() -> Res {
        Res::arn("*".into())
    }
}

fn s<'a>(input: &'a Value, key: &str) -> Option<&'a str> {
    input.get(key).and_then(Value::as_str)
}

fn list(input: &Value, key: &str) -> Vec<String> {
    input.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default()
}

/// Authorize one API call by `caller` before it runs. `sts:GetCallerIdentity` is never refused
/// (AWS answers it even when a policy denies it).
pub fn authorize_call(world: &World, caller: &Principal, service: &str, operation: &str, input: &Value) -> Result<(), Denied> {
    if service == "sts" && operation == "GetCallerIdentity" {
        return Ok(());
    }
    let action = format!("{service}:{operation}");
    let resources = match service {
        "ec2" => ec2_resources(world, operation, input),
        "ssm" => ssm_resources(operation, input),
        "iam" => iam_resources(world, operation, input),
        "kms" => kms_resources(world, operation, input),
        _ => vec![Res::any()],
    };
    let extra = super::policy::Context::new();
    for r in resources {
        if service == "kms"
            && r.arn.contains(":key/")
            && let Some(id) = r.arn.rsplit('/').next().filter(|id| world.kms.key(id).is_some())
        {
            crate::kms::authorize(world, caller, &action, id, None).map_err(|d| Denied { explicit: d.message.contains("explicit deny"), message: d.message })?;
            continue;
        }
        authorize_as(world, caller, &action, &r.arn, &r.shown, &extra)?;
    }
    Ok(())
}

fn ec2_arn(kind: &str, id: &str) -> String {
    if kind == "image" {
        format!("arn:aws:ec2:{REGION}::image/{id}")
    } else {
        format!("arn:aws:ec2:{REGION}:{ACCOUNT_ID}:{kind}/{id}")
    }
}

/// The ARN of an EC2 resource from its id's prefix.
fn ec2_arn_for_id(id: &str) -> String {
    let kind = match id.split('-').next().unwrap_or_default() {
        "i" => "instance",
        "sg" => "security-group",
        "ami" => "image",
        "subnet" => "subnet",
        "vpc" => "vpc",
        "key" => "key-pair",
        "vol" => "volume",
        "eni" => "network-interface",
        "snap" => return format!("arn:aws:ec2:{REGION}::snapshot/{id}"),
        "pg" => "placement-group",
        "h" => "dedicated-host",
        "lt" => "launch-template",
        _ => return "*".into(),
    };
    ec2_arn(kind, id)
}

fn ec2_resources(world: &World, op: &str, input: &Value) -> Vec<Res> {
    if op.starts_with("Describe") {
        return vec![Res::any()];
    }
    let instances = |ids: Vec<String>| -> Vec<Res> {
        if ids.is_empty() {
            vec![Res::arn(ec2_arn("instance", "*"))]
        } else {
            ids.iter().map(|id| Res::arn(ec2_arn("instance", id))).collect()
        }
    };
    match op {
        "RunInstances" => vec![Res::arn(ec2_arn("instance", "*"))],
        "CreateKeyPair" | "ImportKeyPair" => vec![Res::arn(ec2_arn("key-pair", s(input, "KeyName").unwrap_or("*")))],
        "DeleteKeyPair" => vec![Res::arn(ec2_arn("key-pair", s(input, "KeyPairId").or(s(input, "KeyName")).unwrap_or("*")))],
        "CreateSecurityGroup" => vec![Res::arn(ec2_arn("security-group", "*"))],
        "DeleteSecurityGroup" | "AuthorizeSecurityGroupIngress" | "RevokeSecurityGroupIngress" | "AuthorizeSecurityGroupEgress" | "RevokeSecurityGroupEgress" => {
            vec![Res::arn(ec2_arn("security-group", s(input, "GroupId").unwrap_or("*")))]
        }
        "CreatePlacementGroup" | "DeletePlacementGroup" => vec![Res::arn(ec2_arn("placement-group", s(input, "GroupName").unwrap_or("*")))],
        "DeregisterImage" => vec![Res::arn(ec2_arn("image", s(input, "ImageId").unwrap_or("*")))],
        "AllocateHosts" => vec![Res::arn(ec2_arn("dedicated-host", "*"))],
        "ModifyHosts" | "ReleaseHosts" => {
            let ids = list(input, "HostIds");
            if ids.is_empty() {
                vec![Res::arn(ec2_arn("dedicated-host", "*"))]
            } else {
                ids.iter().map(|id| Res::arn(ec2_arn("dedicated-host", id))).collect()
            }
        }
        "CreateTags" | "DeleteTags" => {
            let ids = list(input, "Resources");
            if ids.is_empty() {
                vec![Res::any()]
            } else {
                ids.iter().map(|id| Res::arn(ec2_arn_for_id(id))).collect()
            }
        }
        "ReplaceIamInstanceProfileAssociation" | "DisassociateIamInstanceProfile" => {
            let id = s(input, "AssociationId").and_then(|a| crate::sts::instance_with_association(world, a));
            vec![Res::arn(ec2_arn("instance", id.as_deref().unwrap_or("*")))]
        }
        _ => {
            if let Some(id) = s(input, "InstanceId") {
                instances(vec![id.to_string()])
            } else if input.get("InstanceIds").is_some() {
                instances(list(input, "InstanceIds"))
            } else {
                vec![Res::any()]
            }
        }
    }
}

/// `arn:aws:ssm:us-east-1:123456789012:parameter/NAME` for a parameter name (leading `/`
/// dropped, a `:version`/`:label` selector removed); AWS's public parameters (`/aws/service/…`)
/// carry no account. A name that is already an ARN is kept (without its selector).
pub fn parameter_arn(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("arn:") {
        // arn:aws:ssm:REGION:ACCOUNT:parameter/NAME[:selector]
        let mut parts: Vec<&str> = rest.splitn(5, ':').collect();
        if let Some(last) = parts.last_mut()
            && let Some((n, _)) = last.rsplit_once(':')
        {
            *last = n;
        }
        return format!("arn:{}", parts.join(":"));
    }
    let base = match name.rsplit_once(':') {
        Some((b, _)) if !b.is_empty() => b,
        _ => name,
    };
    let trimmed = base.strip_prefix('/').unwrap_or(base);
    let account = if base.starts_with("/aws/service/") { "" } else { ACCOUNT_ID };
    format!("arn:aws:ssm:{REGION}:{account}:parameter/{trimmed}")
}

fn ssm_resources(op: &str, input: &Value) -> Vec<Res> {
    match op {
        "GetParameters" | "DeleteParameters" => {
            let names = list(input, "Names");
            if names.is_empty() {
                vec![Res::any()]
            } else {
                names.iter().map(|n| Res::arn(parameter_arn(n))).collect()
            }
        }
        "GetParametersByPath" => vec![Res::arn(parameter_arn(s(input, "Path").unwrap_or("/")))],
        // Listing names the account's whole Parameter Store.
        "DescribeParameters" => vec![Res::arn(format!("arn:aws:ssm:{REGION}:{ACCOUNT_ID}:*"))],
        "AddTagsToResource" | "RemoveTagsFromResource" | "ListTagsForResource" if s(input, "ResourceType") == Some("Parameter") => {
            vec![Res::arn(parameter_arn(s(input, "ResourceId").unwrap_or("*")))]
        }
        _ => match s(input, "Name") {
            Some(n) => vec![Res::arn(parameter_arn(n))],
            None => vec![Res::any()],
        },
    }
}

fn kms_resources(world: &World, op: &str, input: &Value) -> Vec<Res> {
    // A key that does not exist (yet) is left to the KMS API.
    let key = |id: &str| -> Option<Res> { kms_key_arn(world, id).map(Res::arn) };
    match op {
        "CreateAlias" | "DeleteAlias" | "UpdateAlias" => {
            let mut out = Vec::new();
            if let Some(a) = s(input, "AliasName") {
                out.push(Res::arn(format!("arn:aws:kms:{REGION}:{ACCOUNT_ID}:{a}")));
            }
            if let Some(k) = s(input, "TargetKeyId").and_then(key) {
                out.push(k);
            }
            out
        }
        "Decrypt" if s(input, "KeyId").is_none() => s(input, "CiphertextBlob").and_then(|b| kms_ciphertext_key_arn(world, b)).map(Res::arn).into_iter().collect(),
        _ => match s(input, "KeyId") {
            Some(k) => key(k).into_iter().collect(),
            None => vec![Res::any()],
        },
    }
}

fn iam_resources(world: &World, op: &str, input: &Value) -> Vec<Res> {
    let acct = ACCOUNT_ID;
    let role_name = s(input, "RoleName").unwrap_or_default();
    let role_arn = || -> String {
        world.iam.role(role_name).map(|r| r.arn.clone()).unwrap_or_else(|| format!("arn:aws:iam::{acct}:role/{role_name}"))
    };
    let profile = s(input, "InstanceProfileName").unwrap_or_default();
    let profile_arn = || -> String {
        world.iam.instance_profile(profile).map(|p| p.arn.clone()).unwrap_or_else(|| format!("arn:aws:iam::{acct}:instance-profile/{profile}"))
    };
    let policy_arn = s(input, "PolicyArn").unwrap_or_default();
    let path = s(input, "Path").unwrap_or("/");
    match op {
        "CreateRole" => vec![Res::arn(format!("arn:aws:iam::{acct}:role{path}{role_name}"))],
        "ListRoles" => vec![Res::arn(format!("arn:aws:iam::{acct}:role{}", s(input, "PathPrefix").unwrap_or("/")))],
        "GetRole" | "DeleteRole" | "UpdateRole" | "UpdateRoleDescription" | "UpdateAssumeRolePolicy" | "AttachRolePolicy" | "DetachRolePolicy"
        | "ListAttachedRolePolicies" | "PutRolePolicy" | "GetRolePolicy" | "ListRolePolicies" | "DeleteRolePolicy" | "ListInstanceProfilesForRole"
        | "TagRole" | "UntagRole" | "ListRoleTags" => vec![Res::shown(role_arn(), format!("role {role_name}"))],
        "CreatePolicy" => {
            let name = s(input, "PolicyName").unwrap_or_default();
            vec![Res::shown(format!("arn:aws:iam::{acct}:policy{path}{name}"), format!("policy {name}"))]
        }
        "ListPolicies" => {
            let prefix = s(input, "PathPrefix").unwrap_or("/");
            vec![Res::shown(format!("arn:aws:iam::{acct}:policy{prefix}"), format!("policy path {prefix}"))]
        }
        "GetPolicy" | "DeletePolicy" | "CreatePolicyVersion" | "GetPolicyVersion" | "ListPolicyVersions" | "SetDefaultPolicyVersion" | "DeletePolicyVersion"
        | "ListEntitiesForPolicy" => vec![Res::shown(policy_arn.to_string(), format!("policy {policy_arn}"))],
        "CreateInstanceProfile" => vec![Res::shown(format!("arn:aws:iam::{acct}:instance-profile{path}{profile}"), format!("instance profile {profile}"))],
        "GetInstanceProfile" | "DeleteInstanceProfile" | "AddRoleToInstanceProfile" | "RemoveRoleFromInstanceProfile" => {
            vec![Res::shown(profile_arn(), format!("instance profile {profile}"))]
        }
        "ListInstanceProfiles" => vec![Res::arn(format!("arn:aws:iam::{acct}:instance-profile{}", s(input, "PathPrefix").unwrap_or("/")))],
        "GetUser" => {
            let user = s(input, "UserName");
            match user {
                Some(u) => vec![Res::shown(format!("arn:aws:iam::{acct}:user/{u}"), format!("user {u}"))],
                // Without a name, GetUser answers about the caller itself.
                None => vec![Res::any()],
            }
        }
        "SimulatePrincipalPolicy" => vec![Res::arn(s(input, "PolicySourceArn").unwrap_or("*").to_string())],
        _ => vec![Res::any()],
    }
}
