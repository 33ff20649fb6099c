//! EC2's Dedicated Host operations: AllocateHosts, DescribeHosts, ModifyHosts, ReleaseHosts and
//! the Host Reservation ones (DescribeHostReservationOfferings, GetHostReservationPurchasePreview,
//! PurchaseHostReservation, DescribeHostReservations). The hosts and their rules live in
//! [`crate::dedicated`], the prices in [`crate::dedicated::pricing`].

use super::{int_of, list_of, matches_filters, required, str_of, tag_filter_values, tags_json, tags_of, ApiError, R};
use crate::catalog;
use crate::compute::Ec2Error;
use crate::dedicated::{self, pricing, AllocateRequest, DedicatedHost, HostReservation, ItemResult};
use crate::world::{World, ACCOUNT_ID};
use serde_json::{json, Map, Value};

/// `Filter: [{Name, Values}]` (these operations name the member `Filter`, not `Filters`).
fn filter_list(input: &Value) -> Vec<(String, Vec<String>)> {
    input
        .get("Filter")
        .or_else(|| input.get("Filters"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|f| Some((str_of(f, "Name")?, list_of(f, "Values")))).collect())
        .unwrap_or_default()
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

/// The `Host` shape, members in botocore's order. `viewer`: the account asking (a consumer of a
/// shared host sees only its own instances on it).
pub fn host_json(world: &World, h: &DedicatedHost, viewer: &str) -> Value {
    let shape = catalog::family_host(&h.family);
    let mut m = Map::new();
    m.insert("AutoPlacement".into(), json!(on_off(h.auto_placement)));
    m.insert("AvailabilityZone".into(), json!(h.az_name()));
    if h.state.allocated() {
        let c = dedicated::capacity(world, h);
        let per: Vec<Value> = c.per_type.iter().map(|(t, a, total)| json!({"AvailableCapacity": a, "InstanceType": t, "TotalCapacity": total})).collect();
        m.insert("AvailableCapacity".into(), json!({"AvailableInstanceCapacity": per, "AvailableVCpus": c.available_vcpus}));
    }
    if let Some(t) = &h.client_token {
        m.insert("ClientToken".into(), json!(t));
    }
    m.insert("HostId".into(), json!(h.id));
    let mut props = Map::new();
    props.insert("Cores".into(), json!(shape.map(|s| s.cores).unwrap_or(0)));
    match &h.instance_type {
        Some(t) => props.insert("InstanceType".into(), json!(t)),
        None => props.insert("InstanceFamily".into(), json!(h.family)),
    };
    props.insert("Sockets".into(), json!(shape.map(|s| s.sockets).unwrap_or(0)));
    props.insert("TotalVCpus".into(), json!(shape.map(|s| s.total_vcpus()).unwrap_or(0)));
    m.insert("HostProperties".into(), Value::Object(props));
    if let Some(r) = &h.reservation {
        m.insert("HostReservationId".into(), json!(r));
    }
    let mut instances = Vec::new();
    if h.state.allocated() && viewer == ACCOUNT_ID {
        if let Some(hw) = world.hardware.hosts.get(h.hw) {
            for id in &hw.instances {
                let t = world.compute.get(id).map(|i| i.instance_type.clone()).unwrap_or_default();
                instances.push(json!({"InstanceId": id, "InstanceType": t, "OwnerId": ACCOUNT_ID}));
            }
        }
    }
    m.insert("Instances".into(), Value::Array(instances));
    m.insert("State".into(), json!(h.state.name()));
    m.insert("AllocationTime".into(), json!(h.allocated.iso_millis()));
    if let Some(t) = h.released {
        m.insert("ReleaseTime".into(), json!(t.iso_millis()));
    }
    if !h.tags.is_empty() {
        m.insert("Tags".into(), tags_json(&h.tags));
    }
    m.insert("HostRecovery".into(), json!(on_off(h.host_recovery)));
    m.insert("AllowsMultipleInstanceTypes".into(), json!(on_off(h.allows_multiple())));
    m.insert("OwnerId".into(), json!(ACCOUNT_ID));
    m.insert("AvailabilityZoneId".into(), json!(catalog::azs().get(h.az).map(|a| a.zone_id).unwrap_or_default()));
    m.insert("MemberOfServiceLinkedResourceGroup".into(), json!(false));
    m.insert("HostMaintenance".into(), json!(on_off(h.host_maintenance)));
    Value::Object(m)
}

/// The values a host has for a describe-hosts filter, None for a name EC2 does not know.
fn host_filter_values(h: &DedicatedHost, name: &str) -> Option<Vec<String>> {
    if let Some(v) = tag_filter_values(&h.tags, name) {
        return Some(v);
    }
    Some(match name {
        "auto-placement" => vec![on_off(h.auto_placement).into()],
        "host-recovery" => vec![on_off(h.host_recovery).into()],
        "availability-zone" => vec![h.az_name().into()],
        "client-token" => h.client_token.iter().cloned().collect(),
        "host-reservation-id" => h.reservation.iter().cloned().collect(),
        "instance-type" => h.instance_type.iter().cloned().collect(),
        "state" => vec![h.state.name().into()],
        _ => return None,
    })
}

fn tag_specs(input: &Value, resource_type: &str) -> Result<Vec<(String, String)>, ApiError> {
    let mut tags = Vec::new();
    if let Some(specs) = input.get("TagSpecifications").and_then(Value::as_array) {
        for s in specs {
            let rt = str_of(s, "ResourceType").unwrap_or_default();
            if rt != resource_type {
                return Err(ApiError::new("InvalidParameterValue", format!("'{rt}' is not a valid taggable resource type for this operation.")));
            }
            tags.extend(tags_of(s.get("Tags").unwrap_or(&Value::Null)));
        }
    }
    Ok(tags)
}

pub fn allocate(world: &mut World, input: &Value) -> R {
    for unsupported in ["OutpostArn", "AssetIds", "CpuOptions"] {
        if input.get(unsupported).is_some() {
            return Err(ApiError::new("NotSimulated", format!("AllocateHosts with {unsupported} is not simulated (no Outposts, no AMD SEV-SNP).")));
        }
    }
    let req = AllocateRequest {
        instance_type: str_of(input, "InstanceType"),
        instance_family: str_of(input, "InstanceFamily"),
        availability_zone: str_of(input, "AvailabilityZone"),
        availability_zone_id: str_of(input, "AvailabilityZoneId"),
        quantity: int_of(input, "Quantity"),
        auto_placement: str_of(input, "AutoPlacement"),
        host_recovery: str_of(input, "HostRecovery"),
        host_maintenance: str_of(input, "HostMaintenance"),
        client_token: str_of(input, "ClientToken"),
        tags: tag_specs(input, "dedicated-host")?,
    };
    let ids = world.allocate_hosts(req)?;
    Ok(json!({ "HostIds": ids }))
}

/// The hosts `viewer` may see: its own (the learner's account), or those shared with it
/// through AWS RAM (the partner account).
fn visible_hosts<'a>(world: &'a World, viewer: &str) -> Vec<&'a DedicatedHost> {
    let now = world.now();
    if viewer == ACCOUNT_ID {
        return world.dedicated.hosts.iter().filter(|h| h.visible(now)).collect();
    }
    let shared = crate::ram::shared_host_ids(world, viewer);
    world.dedicated.hosts.iter().filter(|h| h.state.allocated() && shared.contains(&h.id)).collect()
}

pub fn describe(world: &World, viewer: &str, input: &Value) -> R {
    let ids = list_of(input, "HostIds");
    let max = int_of(input, "MaxResults");
    if max.is_some() && !ids.is_empty() {
        // UNCONFIRMED wording; the documented rule.
        return Err(ApiError::new("InvalidParameterCombination", "The parameters hostId and maxResults cannot be used in the same request."));
    }
    if let Some(n) = max {
        if !(5..=500).contains(&n) {
            return Err(ApiError::new("InvalidParameterValue", format!("Value ({n}) for parameter maxResults is invalid. Expecting a value between 5 and 500.")));
        }
    }
    let hosts = visible_hosts(world, viewer);
    for id in &ids {
        if !dedicated::well_formed(id) {
            return Err(dedicated::errors::malformed(id).into());
        }
        if !hosts.iter().any(|h| h.id == *id) {
            return Err(dedicated::errors::not_found(id).into());
        }
    }
    let flts = filter_list(input);
    let mut out = Vec::new();
    for h in hosts {
        if !ids.is_empty() && !ids.contains(&h.id) {
            continue;
        }
        if matches_filters(&flts, |name| host_filter_values(h, name))? {
            out.push(host_json(world, h, viewer));
        }
    }
    // Pages: NextToken is the index of the next host (opaque to the caller).
    let start = match str_of(input, "NextToken") {
        Some(t) => t.strip_prefix("hosts-").and_then(|n| n.parse::<usize>().ok()).ok_or_else(|| ApiError::new("InvalidPaginationToken", format!("Invalid pagination token: {t}")))?,
        None => 0,
    };
    let mut res = Map::new();
    let rest: Vec<Value> = out.into_iter().skip(start).collect();
    match max {
        Some(n) if rest.len() > n as usize => {
            res.insert("Hosts".into(), Value::Array(rest[..n as usize].to_vec()));
            res.insert("NextToken".into(), json!(format!("hosts-{}", start + n as usize)));
        }
        _ => {
            res.insert("Hosts".into(), Value::Array(rest));
        }
    }
    Ok(Value::Object(res))
}

fn items_json(results: Vec<ItemResult>) -> Value {
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for r in results {
        match r {
            Ok(id) => ok.push(json!(id)),
            Err((id, e)) => failed.push(json!({"Error": {"Code": e.code, "Message": e.message}, "ResourceId": id})),
        }
    }
    json!({"Successful": ok, "Unsuccessful": failed})
}

fn host_ids(input: &Value) -> Result<Vec<String>, ApiError> {
    let ids = list_of(input, "HostIds");
    if ids.is_empty() {
        return Err(ApiError::new("MissingParameter", "The request must contain the parameter hostId"));
    }
    Ok(ids)
}

pub fn modify(world: &mut World, input: &Value) -> R {
    let ids = host_ids(input)?;
    let r = world.modify_hosts(
        &ids,
        str_of(input, "AutoPlacement").as_deref(),
        str_of(input, "HostRecovery").as_deref(),
        str_of(input, "HostMaintenance").as_deref(),
        str_of(input, "InstanceType").as_deref(),
        str_of(input, "InstanceFamily").as_deref(),
    )?;
    Ok(items_json(r))
}

pub fn release(world: &mut World, input: &Value) -> R {
    let ids = host_ids(input)?;
    Ok(items_json(world.release_hosts(&ids)))
}

fn offering_json(o: &pricing::Offering) -> Value {
    json!({
        "CurrencyCode": "USD",
        "Duration": o.duration_seconds(),
        "HourlyPrice": pricing::price_string(o.hourly),
        "InstanceFamily": o.family,
        "OfferingId": o.id,
        "PaymentOption": o.payment.name(),
        "UpfrontPrice": pricing::price_string(o.upfront),
    })
}

pub fn describe_offerings(input: &Value) -> R {
    let flts = filter_list(input);
    let min = int_of(input, "MinDuration");
    let max = int_of(input, "MaxDuration");
    let only = str_of(input, "OfferingId");
    if let Some(id) = &only {
        dedicated::find_offering(id)?;
    }
    let mut out = Vec::new();
    for o in pricing::offerings() {
        if only.as_ref().is_some_and(|id| *id != o.id) {
            continue;
        }
        let d = o.duration_seconds() as i64;
        if min.is_some_and(|m| d < m) || max.is_some_and(|m| d > m) {
            continue;
        }
        let keep = matches_filters(&flts, |name| match name.as_str() {
            "instance-family" => Some(vec![o.family.to_string()]),
            "payment-option" => Some(vec![o.payment.name().to_string()]),
            _ => None,
        })?;
        if keep {
            out.push(offering_json(&o));
        }
    }
    Ok(json!({ "OfferingSet": out }))
}

/// One `Purchase` item: the offering for `n` hosts (prices are totals for them).
fn purchase_json(o: &pricing::Offering, hosts: &[String], reservation: Option<&str>) -> Value {
    let n = hosts.len() as f64;
    let mut m = Map::new();
    m.insert("CurrencyCode".into(), json!("USD"));
    m.insert("Duration".into(), json!(o.duration_seconds()));
    m.insert("HostIdSet".into(), json!(hosts));
    if let Some(r) = reservation {
        m.insert("HostReservationId".into(), json!(r));
    }
    m.insert("HourlyPrice".into(), json!(pricing::price_string(o.hourly * n)));
    m.insert("InstanceFamily".into(), json!(o.family));
    m.insert("PaymentOption".into(), json!(o.payment.name()));
    m.insert("UpfrontPrice".into(), json!(pricing::price_string(o.upfront * n)));
    Value::Object(m)
}

pub fn purchase_preview(world: &World, input: &Value) -> R {
    let offering = required(input, "OfferingId")?;
    let hosts = list_of(input, "HostIdSet");
    let o = world.host_reservation_preview(&offering, &hosts)?;
    let n = hosts.len() as f64;
    Ok(json!({
        "CurrencyCode": "USD",
        "Purchase": [purchase_json(&o, &hosts, None)],
        "TotalHourlyPrice": pricing::price_string(o.hourly * n),
        "TotalUpfrontPrice": pricing::price_string(o.upfront * n),
    }))
}

pub fn purchase(world: &mut World, input: &Value) -> R {
    let offering = required(input, "OfferingId")?;
    let hosts = list_of(input, "HostIdSet");
    if let Some(c) = str_of(input, "CurrencyCode") {
        if c != "USD" {
            return Err(Ec2Error::invalid_value(&c, "currencyCode").into());
        }
    }
    let o = dedicated::find_offering(&offering)?;
    if let Some(limit) = str_of(input, "LimitPrice") {
        let Ok(l) = limit.trim().parse::<f64>() else { return Err(Ec2Error::invalid_value(&limit, "limitPrice").into()) };
        let total = o.upfront * hosts.len() as f64;
        if total > l {
            // UNCONFIRMED wording.
            return Err(ApiError::new("InvalidParameterValue", format!("The total upfront price ({}) exceeds the limit price ({limit}).", pricing::price_string(total))));
        }
    }
    let tags = tag_specs(input, "host-reservation")?;
    let token = str_of(input, "ClientToken");
    let r = world.purchase_host_reservation(&offering, &hosts, token.clone(), tags)?;
    let mut m = Map::new();
    if let Some(t) = token {
        m.insert("ClientToken".into(), json!(t));
    }
    m.insert("CurrencyCode".into(), json!("USD"));
    m.insert("Purchase".into(), json!([purchase_json(&o, &r.hosts, Some(&r.id))]));
    m.insert("TotalHourlyPrice".into(), json!(pricing::price_string(r.hourly_milli as f64 / 1000.0)));
    m.insert("TotalUpfrontPrice".into(), json!(pricing::price_string(r.upfront_milli as f64 / 1000.0)));
    Ok(Value::Object(m))
}

fn reservation_json(world: &World, r: &HostReservation) -> Value {
    let mut m = Map::new();
    m.insert("Count".into(), json!(r.hosts.len()));
    m.insert("CurrencyCode".into(), json!("USD"));
    m.insert("Duration".into(), json!(pricing::term_seconds(r.years)));
    m.insert("End".into(), json!(r.end.iso_millis()));
    m.insert("HostIdSet".into(), json!(r.hosts));
    m.insert("HostReservationId".into(), json!(r.id));
    m.insert("HourlyPrice".into(), json!(pricing::price_string(r.hourly_milli as f64 / 1000.0)));
    m.insert("InstanceFamily".into(), json!(r.family));
    m.insert("OfferingId".into(), json!(r.offering_id));
    m.insert("PaymentOption".into(), json!(r.payment.name()));
    m.insert("Start".into(), json!(r.start.iso_millis()));
    m.insert("State".into(), json!(r.state(world.now())));
    m.insert("UpfrontPrice".into(), json!(pricing::price_string(r.upfront_milli as f64 / 1000.0)));
    m.insert("Tags".into(), tags_json(&r.tags));
    Value::Object(m)
}

pub fn describe_reservations(world: &World, input: &Value) -> R {
    let ids = list_of(input, "HostReservationIdSet");
    for id in &ids {
        if !world.dedicated.reservations.iter().any(|r| r.id == *id) {
            // UNCONFIRMED code and wording.
            return Err(ApiError::new("InvalidHostReservationId.NotFound", format!("The Dedicated Host Reservation ID '{id}' does not exist")));
        }
    }
    let flts = filter_list(input);
    let mut out = Vec::new();
    for r in &world.dedicated.reservations {
        if !ids.is_empty() && !ids.contains(&r.id) {
            continue;
        }
        let keep = matches_filters(&flts, |name| {
            if let Some(v) = tag_filter_values(&r.tags, name) {
                return Some(v);
            }
            Some(match name.as_str() {
                "instance-family" => vec![r.family.clone()],
                "payment-option" => vec![r.payment.name().into()],
                "state" => vec![r.state(world.now()).into()],
                _ => return None,
            })
        })?;
        if keep {
            out.push(reservation_json(world, r));
        }
    }
    Ok(json!({ "HostReservationSet": out }))
}
