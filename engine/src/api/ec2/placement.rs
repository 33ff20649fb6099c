//! EC2's placement-group operations: CreatePlacementGroup, DescribePlacementGroups,
//! DeletePlacementGroup and ModifyInstancePlacement. The groups and their rules live in
//! [`crate::placement`].

use super::{filters, int_of, list_of, matches_filters, required, str_of, tag_filter_values, tags_json, tags_of, ApiError, R};
use crate::placement::{self, CreateRequest, PlacementGroup};
use crate::world::World;
use serde_json::{json, Map, Value};

fn group_json(g: &PlacementGroup) -> Value {
    let mut m = Map::new();
    m.insert("GroupName".into(), json!(g.name));
    m.insert("State".into(), json!(g.state));
    m.insert("Strategy".into(), json!(g.strategy.name()));
    if let Some(n) = g.partition_count {
        m.insert("PartitionCount".into(), json!(n));
    }
    m.insert("GroupId".into(), json!(g.id));
    m.insert("Tags".into(), tags_json(&g.tags));
    m.insert("GroupArn".into(), json!(g.arn()));
    if let Some(l) = &g.spread_level {
        m.insert("SpreadLevel".into(), json!(l));
    }
    Value::Object(m)
}

pub fn create(world: &mut World, input: &Value) -> R {
    let mut tags = Vec::new();
    if let Some(specs) = input.get("TagSpecifications").and_then(Value::as_array) {
        for s in specs {
            let rt = str_of(s, "ResourceType").unwrap_or_default();
            if rt != "placement-group" {
                return Err(ApiError::new("InvalidParameterValue", format!("'{rt}' is not a valid taggable resource type for this operation.")));
            }
            tags.extend(tags_of(s.get("Tags").unwrap_or(&Value::Null)));
        }
    }
    let req = CreateRequest {
        name: str_of(input, "GroupName"),
        strategy: str_of(input, "Strategy"),
        partition_count: int_of(input, "PartitionCount"),
        spread_level: str_of(input, "SpreadLevel"),
        tags,
    };
    let g = world.create_placement_group(req)?;
    Ok(json!({ "PlacementGroup": group_json(&g) }))
}

pub fn describe(world: &World, input: &Value) -> R {
    let names = list_of(input, "GroupNames");
    let ids = list_of(input, "GroupIds");
    for n in &names {
        if world.placement.get(n).is_none() {
            return Err(placement::unknown(n).into());
        }
    }
    for id in &ids {
        if world.placement.by_id(id).is_none() {
            // UNCONFIRMED wording for an unknown group id.
            return Err(ApiError::new("InvalidPlacementGroup.Unknown", format!("The Placement Group ID '{id}' is unknown.")));
        }
    }
    let flts = filters(input);
    let mut out = Vec::new();
    for g in &world.placement.groups {
        if (!names.is_empty() && !names.contains(&g.name)) || (!ids.is_empty() && !ids.contains(&g.id)) {
            continue;
        }
        let keep = matches_filters(&flts, |name| match name.as_str() {
            "group-name" => Some(vec![g.name.clone()]),
            "group-arn" => Some(vec![g.arn()]),
            "strategy" => Some(vec![g.strategy.name().to_string()]),
            "state" => Some(vec![g.state.clone()]),
            "spread-level" => Some(g.spread_level.iter().cloned().collect()),
            other => tag_filter_values(&g.tags, other),
        })?;
        if keep {
            out.push(group_json(g));
        }
    }
    Ok(json!({ "PlacementGroups": out }))
}

pub fn delete(world: &mut World, input: &Value) -> R {
    let name = required(input, "GroupName")?;
    world.delete_placement_group(&name)?;
    Ok(json!({}))
}

pub fn modify_instance_placement(world: &mut World, input: &Value) -> R {
    let id = required(input, "InstanceId")?;
    if input.get("HostResourceGroupArn").is_some() {
        return Err(ApiError::new("NotSimulated", "modify-instance-placement with --host-resource-group-arn is not simulated (host resource groups are not)."));
    }
    // Tenancy, host and affinity (dedicated.rs), before any group change.
    let (tenancy, host, affinity) = (str_of(input, "Tenancy"), str_of(input, "HostId"), str_of(input, "Affinity"));
    let dedicated_part = tenancy.is_some() || host.is_some() || affinity.is_some();
    if dedicated_part {
        world.modify_instance_tenancy(&id, tenancy.as_deref(), host.as_deref(), affinity.as_deref())?;
    }
    let group = match (str_of(input, "GroupName"), str_of(input, "GroupId")) {
        (Some(_), Some(_)) => return Err(ApiError::new("InvalidParameterCombination", "Specify either groupName or groupId, not both.")),
        (Some(n), None) => Some(n),
        (None, Some(gid)) => match world.placement.by_id(&gid) {
            Some(g) => Some(g.name.clone()),
            None => return Err(ApiError::new("InvalidPlacementGroup.Unknown", format!("The Placement Group ID '{gid}' is unknown."))),
        },
        (None, None) => None,
    };
    let partition = match int_of(input, "PartitionNumber") {
        Some(p) if p >= 1 && p <= u32::MAX as i64 => Some(p as u32),
        Some(p) => return Err(ApiError::new("InvalidParameterValue", format!("Value ({p}) for parameter partitionNumber is invalid."))),
        None => None,
    };
    if group.is_none() && partition.is_none() {
        if dedicated_part {
            return Ok(json!({ "Return": true }));
        }
        return Err(ApiError::new("MissingParameter", "The request must contain the parameter groupName, groupId, partitionNumber, tenancy, hostId or affinity"));
    }
    world.modify_instance_placement(&id, group.as_deref(), partition)?;
    Ok(json!({ "Return": true }))
}
