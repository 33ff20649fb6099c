//! AWS RAM at the API boundary (rest-json: lowerCamelCase members). The model lives in
//! [`crate::ram`]; the caller's account decides what is "SELF" and what "OTHER-ACCOUNTS".

use super::{ApiError, Caller};
use crate::ram::{self, Association, Invitation, ResourceShare};
use crate::world::World;
use serde_json::{json, Map, Value};

pub const OPERATIONS: &[&str] = &[
    "CreateResourceShare",
    "GetResourceShares",
    "AssociateResourceShare",
    "DisassociateResourceShare",
    "DeleteResourceShare",
    "ListResources",
    "ListPrincipals",
    "GetResourceShareAssociations",
    "GetResourceShareInvitations",
    "AcceptResourceShareInvitation",
];

type R = Result<Value, ApiError>;

/// The model's typed error, at the edge.
fn e(err: crate::compute::Ec2Error) -> ApiError {
    ApiError::from(err)
}

fn s(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(String::from)
}

fn list(v: &Value, key: &str) -> Vec<String> {
    v.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
}

fn required(v: &Value, key: &str) -> Result<String, ApiError> {
    s(v, key).ok_or_else(|| ApiError::new("MissingRequiredParameterException", format!("The request must contain the parameter {key}.")))
}

fn tags_json(tags: &[(String, String)]) -> Value {
    Value::Array(tags.iter().map(|(k, v)| json!({"key": k, "value": v})).collect())
}

fn share_json(sh: &ResourceShare) -> Value {
    let mut m = Map::new();
    m.insert("resourceShareArn".into(), json!(sh.arn));
    m.insert("name".into(), json!(sh.name));
    m.insert("owningAccountId".into(), json!(sh.owner));
    m.insert("allowExternalPrincipals".into(), json!(sh.allow_external));
    m.insert("status".into(), json!(sh.status()));
    if !sh.tags.is_empty() {
        m.insert("tags".into(), tags_json(&sh.tags));
    }
    m.insert("creationTime".into(), json!(sh.created.iso_millis()));
    m.insert("lastUpdatedTime".into(), json!(sh.updated.iso_millis()));
    m.insert("featureSet".into(), json!("STANDARD"));
    Value::Object(m)
}

fn association_json(share_arn: &str, share_name: &str, a: &Association) -> Value {
    json!({
        "resourceShareArn": share_arn,
        "resourceShareName": share_name,
        "associatedEntity": a.entity,
        "associationType": a.kind.name(),
        "status": a.status.name(),
        "creationTime": a.created.iso_millis(),
        "lastUpdatedTime": a.updated.iso_millis(),
        "external": a.external,
    })
}

fn invitation_json(i: &Invitation) -> Value {
    json!({
        "resourceShareInvitationArn": i.arn,
        "resourceShareName": i.share_name,
        "resourceShareArn": i.share_arn,
        "senderAccountId": i.sender,
        "receiverAccountId": i.receiver,
        "invitationTimestamp": i.created.iso_millis(),
        "status": i.status.name(),
    })
}

pub fn call(world: &mut World, caller: &Caller, operation: &str, input: &Value) -> R {
    let account = ram::account_of(caller);
    match operation {
        "CreateResourceShare" => {
            let name = required(input, "name")?;
            let tags = input
                .get("tags")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|t| Some((s(t, "key")?, s(t, "value").unwrap_or_default()))).collect())
                .unwrap_or_default();
            if input.get("permissionArns").is_some() || input.get("sources").is_some() || input.get("permissionTemplateParameters").is_some() {
                return Err(ApiError::new("ec2lab", "ec2lab's RAM uses each resource type's default managed permission; --permission-arns, --sources and permission templates are not simulated."));
            }
            let allow = input.get("allowExternalPrincipals").and_then(Value::as_bool);
            let token = s(input, "clientToken");
            let sh = ram::create_share(world, account, &name, &list(input, "resourceArns"), &list(input, "principals"), allow, tags, token.clone()).map_err(e)?;
            let mut out = Map::new();
            out.insert("resourceShare".into(), share_json(&sh));
            if let Some(t) = token {
                out.insert("clientToken".into(), json!(t));
            }
            Ok(Value::Object(out))
        }
        "GetResourceShares" => {
            let owner = required(input, "resourceOwner")?;
            ram::check_owner(&owner).map_err(e)?;
            let arns = list(input, "resourceShareArns");
            let name = s(input, "name");
            let status = s(input, "resourceShareStatus");
            let shares: Vec<Value> = ram::visible_shares(world, account, &owner)
                .into_iter()
                .filter(|sh| arns.is_empty() || arns.contains(&sh.arn))
                .filter(|sh| name.as_ref().is_none_or(|n| *n == sh.name))
                .filter(|sh| status.as_ref().is_none_or(|st| st == sh.status()))
                .map(share_json)
                .collect();
            Ok(json!({ "resourceShares": shares }))
        }
        "AssociateResourceShare" | "DisassociateResourceShare" => {
            let arn = required(input, "resourceShareArn")?;
            let (res, princ) = (list(input, "resourceArns"), list(input, "principals"));
            let done = if operation == "AssociateResourceShare" {
                ram::associate(world, account, &arn, &res, &princ)
            } else {
                ram::disassociate(world, account, &arn, &res, &princ)
            }
            .map_err(e)?;
            let list: Vec<Value> = done.iter().map(|(name, a)| association_json(&arn, name, a)).collect();
            let mut out = Map::new();
            out.insert("resourceShareAssociations".into(), Value::Array(list));
            if let Some(t) = s(input, "clientToken") {
                out.insert("clientToken".into(), json!(t));
            }
            Ok(Value::Object(out))
        }
        "DeleteResourceShare" => {
            let arn = required(input, "resourceShareArn")?;
            ram::delete_share(world, account, &arn).map_err(e)?;
            let mut out = Map::new();
            out.insert("returnValue".into(), json!(true));
            if let Some(t) = s(input, "clientToken") {
                out.insert("clientToken".into(), json!(t));
            }
            Ok(Value::Object(out))
        }
        "ListResources" => {
            let owner = required(input, "resourceOwner")?;
            ram::check_owner(&owner).map_err(e)?;
            let principal = s(input, "principal");
            if principal.is_some() && owner == "OTHER-ACCOUNTS" {
                // UNCONFIRMED wording of RAM's rule.
                return Err(ApiError::new("InvalidParameterException", "The principal parameter can be used only with a resource owner of SELF."));
            }
            let rtype = s(input, "resourceType");
            let arns = list(input, "resourceArns");
            let share_arns = list(input, "resourceShareArns");
            let mut out = Vec::new();
            for sh in ram::visible_shares(world, account, &owner).into_iter().filter(|sh| !sh.deleted) {
                if !share_arns.is_empty() && !share_arns.contains(&sh.arn) {
                    continue;
                }
                if let Some(p) = &principal {
                    if !sh.associations.iter().any(|a| a.kind == ram::AssociationKind::Principal && a.entity == *p && a.status != ram::AssociationStatus::Disassociated) {
                        continue;
                    }
                }
                for a in sh.associations.iter().filter(|a| a.kind == ram::AssociationKind::Resource && a.status == ram::AssociationStatus::Associated) {
                    if (!arns.is_empty() && !arns.contains(&a.entity)) || rtype.as_ref().is_some_and(|t| !t.eq_ignore_ascii_case(ram::HOST_RESOURCE_TYPE)) {
                        continue;
                    }
                    out.push(json!({
                        "arn": a.entity,
                        "type": ram::HOST_RESOURCE_TYPE,
                        "resourceShareArn": sh.arn,
                        "status": "AVAILABLE",
                        "creationTime": a.created.iso_millis(),
                        "lastUpdatedTime": a.updated.iso_millis(),
                        "resourceRegionScope": "REGIONAL",
                    }));
                }
            }
            Ok(json!({ "resources": out }))
        }
        "ListPrincipals" => {
            let owner = required(input, "resourceOwner")?;
            ram::check_owner(&owner).map_err(e)?;
            let share_arns = list(input, "resourceShareArns");
            let wanted = list(input, "principals");
            let resource = s(input, "resourceArn");
            let mut out = Vec::new();
            for sh in ram::visible_shares(world, account, &owner).into_iter().filter(|sh| !sh.deleted) {
                if !share_arns.is_empty() && !share_arns.contains(&sh.arn) {
                    continue;
                }
                if let Some(r) = &resource {
                    if !sh.associations.iter().any(|a| a.entity == *r && a.status == ram::AssociationStatus::Associated) {
                        continue;
                    }
                }
                if owner == "SELF" {
                    for a in sh.associations.iter().filter(|a| a.kind == ram::AssociationKind::Principal && a.status != ram::AssociationStatus::Disassociated) {
                        if wanted.is_empty() || wanted.contains(&a.entity) {
                            out.push(json!({"id": a.entity, "resourceShareArn": sh.arn, "creationTime": a.created.iso_millis(), "lastUpdatedTime": a.updated.iso_millis(), "external": a.external}));
                        }
                    }
                } else if wanted.is_empty() || wanted.contains(&sh.owner) {
                    // Who shares with this account: the owners.
                    out.push(json!({"id": sh.owner, "resourceShareArn": sh.arn, "creationTime": sh.created.iso_millis(), "lastUpdatedTime": sh.updated.iso_millis(), "external": true}));
                }
            }
            Ok(json!({ "principals": out }))
        }
        "GetResourceShareAssociations" => {
            let kind = required(input, "associationType")?;
            let kind = match kind.as_str() {
                "PRINCIPAL" => ram::AssociationKind::Principal,
                "RESOURCE" => ram::AssociationKind::Resource,
                "SOURCE" => return Ok(json!({ "resourceShareAssociations": [] })),
                other => return Err(ApiError::new("InvalidParameterException", format!("The associationType value {other} is not valid."))),
            };
            let share_arns = list(input, "resourceShareArns");
            let resource = s(input, "resourceArn");
            let principal = s(input, "principal");
            if kind == ram::AssociationKind::Principal && resource.is_some() {
                return Err(ApiError::new("InvalidParameterException", "The resourceArn parameter can be used only with an associationType of RESOURCE."));
            }
            if kind == ram::AssociationKind::Resource && principal.is_some() {
                return Err(ApiError::new("InvalidParameterException", "The principal parameter can be used only with an associationType of PRINCIPAL."));
            }
            let status = s(input, "associationStatus");
            let mut out = Vec::new();
            for sh in ram::visible_shares(world, account, "SELF") {
                if !share_arns.is_empty() && !share_arns.contains(&sh.arn) {
                    continue;
                }
                for a in sh.associations.iter().filter(|a| a.kind == kind) {
                    let entity_ok = resource.as_ref().or(principal.as_ref()).is_none_or(|x| *x == a.entity);
                    if entity_ok && status.as_ref().is_none_or(|st| st == a.status.name()) {
                        out.push(association_json(&sh.arn, &sh.name, a));
                    }
                }
            }
            Ok(json!({ "resourceShareAssociations": out }))
        }
        "GetResourceShareInvitations" => {
            let list: Vec<Value> = ram::invitations(world, account, &list(input, "resourceShareInvitationArns"), &list(input, "resourceShareArns")).map_err(e)?.into_iter().map(invitation_json).collect();
            Ok(json!({ "resourceShareInvitations": list }))
        }
        "AcceptResourceShareInvitation" => {
            let arn = required(input, "resourceShareInvitationArn")?;
            let inv = ram::accept(world, account, &arn).map_err(e)?;
            let mut out = Map::new();
            out.insert("resourceShareInvitation".into(), invitation_json(&inv));
            if let Some(t) = s(input, "clientToken") {
                out.insert("clientToken".into(), json!(t));
            }
            Ok(Value::Object(out))
        }
        _ => Err(ApiError::new("NotSimulated", format!("{operation} is not simulated in ec2lab yet."))),
    }
}
