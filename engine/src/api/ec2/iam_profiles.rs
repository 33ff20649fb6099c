//! EC2's side of instance roles: `--iam-instance-profile` at launch and the instance-profile
//! association operations. Associations live on the instance ([`crate::sts::InstanceIam`]);
//! what the metadata service delivers for them is [`crate::sts`]'s business.

use super::{filters, int_of, list_of, matches_filters, required, str_of, ApiError, R};
use crate::compute::{check_instance_id, State};
use crate::sts::{self, Association};
use crate::world::World;
use serde_json::{json, Map, Value};

/// The caller may hand `role_arn` to EC2 (`iam:PassRole` with `iam:PassedToService`), or EC2's
/// refusal.
fn pass_role(world: &World, caller: &super::super::Caller, role_arn: &str) -> Result<(), ApiError> {
    crate::iam::check_pass_role(world, caller, role_arn, "ec2.amazonaws.com").map_err(|d| super::super::iam::access_denied("ec2", &d))
}

/// The profile named by an `IamInstanceProfileSpecification` (`Arn` wins over `Name`).
fn profile_spec(input: &Value) -> String {
    let spec = input.get("IamInstanceProfile").cloned().unwrap_or(Value::Null);
    str_of(&spec, "Arn").or_else(|| str_of(&spec, "Name")).unwrap_or_default()
}

/// RunInstances with `IamInstanceProfile`: the caller must be allowed to pass the profile's role.
/// (An unknown profile is refused by the launch itself, in its place among the other checks.)
pub fn check_launch(world: &World, caller: &super::super::Caller, input: &Value) -> Result<(), ApiError> {
    if input.get("IamInstanceProfile").is_none() {
        return Ok(());
    }
    if let Ok((_, _, Some(role_arn))) = sts::find_profile(world, &profile_spec(input)) {
        pass_role(world, caller, &role_arn)?;
    }
    Ok(())
}

fn association_json(world: &World, instance: &str, a: &Association, with_time: bool) -> Value {
    let mut m = Map::new();
    m.insert("AssociationId".into(), json!(a.id));
    m.insert("InstanceId".into(), json!(instance));
    m.insert("IamInstanceProfile".into(), json!({"Arn": a.profile_arn, "Id": a.profile_id}));
    m.insert("State".into(), json!(sts::association_state(a, world.now())));
    if with_time {
        m.insert("Timestamp".into(), json!(a.since.iso_offset()));
    }
    Value::Object(m)
}

fn not_found(assoc: &str) -> ApiError {
    ApiError::new("InvalidAssociationID.NotFound", format!("An invalid association-id of '{assoc}' was given"))
}

/// The instance whose current association is `assoc`.
fn holder(world: &World, assoc: &str) -> Result<String, ApiError> {
    world
        .compute
        .iter()
        .find(|i| !matches!(i.state, State::ShuttingDown | State::Terminated) && i.iam.association.as_ref().is_some_and(|a| a.id == assoc))
        .map(|i| i.id.clone())
        .ok_or_else(|| not_found(assoc))
}

/// AssociateIamInstanceProfile: a running or stopped instance without an association.
pub fn associate(world: &mut World, caller: &super::super::Caller, input: &Value) -> R {
    let id = required(input, "InstanceId")?;
    check_instance_id(world, &id)?;
    let (arn, profile_id, role_arn) = sts::find_profile(world, &profile_spec(input))?;
    sts::sync(world, &id);
    let Some(inst) = world.compute.get(&id) else { return Err(not_found_instance(&id)) };
    if matches!(inst.state, State::ShuttingDown | State::Terminated) {
        // UNCONFIRMED wording; EC2 documents only running or stopped instances as eligible.
        return Err(ApiError::new("IncorrectInstanceState", format!("The instance '{id}' is not in a state from which it can be associated with an instance profile.")));
    }
    if inst.iam.association.is_some() {
        return Err(ApiError::new("IncorrectState", format!("There is an existing association for instance {id}")));
    }
    if let Some(r) = role_arn {
        pass_role(world, caller, &r)?;
    }
    let a = sts::associate(world, &id, &arn, &profile_id).ok_or_else(|| not_found_instance(&id))?;
    Ok(json!({"IamInstanceProfileAssociation": association_json(world, &id, &a, false)}))
}

fn not_found_instance(id: &str) -> ApiError {
    ApiError::new("InvalidInstanceID.NotFound", format!("The instance ID '{id}' does not exist"))
}

/// ReplaceIamInstanceProfileAssociation: a new association (new id) takes the old one's place.
pub fn replace(world: &mut World, caller: &super::super::Caller, input: &Value) -> R {
    let assoc = required(input, "AssociationId")?;
    let (arn, profile_id, role_arn) = sts::find_profile(world, &profile_spec(input))?;
    let id = holder(world, &assoc)?;
    if let Some(r) = role_arn {
        pass_role(world, caller, &r)?;
    }
    let a = sts::replace(world, &id, &arn, &profile_id).ok_or_else(|| not_found(&assoc))?;
    Ok(json!({"IamInstanceProfileAssociation": association_json(world, &id, &a, false)}))
}

/// DisassociateIamInstanceProfile.
pub fn disassociate(world: &mut World, input: &Value) -> R {
    let assoc = required(input, "AssociationId")?;
    let id = holder(world, &assoc)?;
    let a = sts::disassociate(world, &id).ok_or_else(|| not_found(&assoc))?;
    Ok(json!({"IamInstanceProfileAssociation": association_json(world, &id, &a, false)}))
}

/// DescribeIamInstanceProfileAssociations: filters `instance-id` and `state`, `MaxResults`
/// (5–1000) with `NextToken`.
pub fn describe(world: &mut World, input: &Value) -> R {
    sts::sync_all(world);
    let ids = list_of(input, "AssociationIds");
    let flts = filters(input);
    let mut all: Vec<(String, Association)> = Vec::new();
    for i in world.compute.iter() {
        if matches!(i.state, State::ShuttingDown | State::Terminated) {
            continue;
        }
        for a in i.iam.association.iter().chain(i.iam.leaving.iter()) {
            all.push((i.id.clone(), a.clone()));
        }
    }
    for want in &ids {
        if !all.iter().any(|(_, a)| a.id == *want) {
            return Err(not_found(want));
        }
    }
    let now = world.now();
    let mut out = Vec::new();
    for (inst, a) in &all {
        if !ids.is_empty() && !ids.contains(&a.id) {
            continue;
        }
        let keep = matches_filters(&flts, |name| match name.as_str() {
            "instance-id" => Some(vec![inst.clone()]),
            "state" => Some(vec![sts::association_state(a, now).to_string()]),
            _ => None,
        })?;
        if keep {
            out.push(association_json(world, inst, a, true));
        }
    }
    let start: usize = match str_of(input, "NextToken") {
        Some(t) => t.parse().map_err(|_| ApiError::new("InvalidParameterValue", format!("Invalid value '{t}' for nextToken")))?,
        None => 0,
    };
    let page = int_of(input, "MaxResults").map(|n| n.clamp(5, 1000) as usize).unwrap_or(usize::MAX);
    let end = start.saturating_add(page).min(out.len());
    let mut m = Map::new();
    m.insert("IamInstanceProfileAssociations".into(), Value::Array(out.get(start.min(end)..end).unwrap_or(&[]).to_vec()));
    if end < out.len() {
        m.insert("NextToken".into(), json!(end.to_string()));
    }
    Ok(Value::Object(m))
}

/// describe-instances' `IamInstanceProfile` for an instance wearing one.
pub fn instance_profile_json(i: &crate::compute::Instance) -> Option<Value> {
    if matches!(i.state, State::Terminated) {
        return None;
    }
    let a = i.iam.association.as_ref()?;
    Some(json!({"Arn": a.profile_arn, "Id": a.profile_id}))
}

/// describe-instances' `iam-instance-profile.arn` / `.id` filter values.
pub fn filter_values(i: &crate::compute::Instance, name: &str) -> Vec<String> {
    let Some(a) = i.iam.association.as_ref().filter(|_| i.state != State::Terminated) else { return Vec::new() };
    match name {
        "iam-instance-profile.arn" => vec![a.profile_arn.clone()],
        _ => vec![a.profile_id.clone()],
    }
}
