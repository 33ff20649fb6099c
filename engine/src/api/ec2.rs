//! EC2 operations at the API boundary: botocore input shapes in, output shapes out.

use super::ApiError;
use crate::catalog;
use crate::compute::{check_instance_id, Ec2Error, Instance, MetadataOptionsRequest, RunRequest, State, StateChange};
use crate::net::{self, KeyPair, Peer, Rule, SecurityGroup};
use crate::world::World;
use serde_json::{json, Map, Value};

pub const OPERATIONS: &[&str] = &[
    "RunInstances",
    "DescribeInstances",
    "StartInstances",
    "StopInstances",
    "RebootInstances",
    "TerminateInstances",
    "DescribeInstanceStatus",
    "DescribeInstanceTypes",
    "DescribeAvailabilityZones",
    "DescribeRegions",
    "DescribeImages",
    "CreateImage",
    "DeregisterImage",
    "DescribeImageAttribute",
    "CreateKeyPair",
    "ImportKeyPair",
    "DescribeKeyPairs",
    "DeleteKeyPair",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
    "DescribeSecurityGroups",
    "AuthorizeSecurityGroupIngress",
    "RevokeSecurityGroupIngress",
    "DescribeVpcs",
    "DescribeSubnets",
    "CreateTags",
    "DeleteTags",
    "DescribeTags",
    "DescribeInstanceAttribute",
    "ModifyInstanceAttribute",
    "GetConsoleOutput",
    "ModifyInstanceMetadataOptions",
    "AssociateIamInstanceProfile",
    "ReplaceIamInstanceProfileAssociation",
    "DisassociateIamInstanceProfile",
    "DescribeIamInstanceProfileAssociations",
    "CreatePlacementGroup",
    "DescribePlacementGroups",
    "DeletePlacementGroup",
    "ModifyInstancePlacement",
    "ModifyInstanceMaintenanceOptions",
    "ModifyInstanceEventStartTime",
    "AllocateHosts",
    "DescribeHosts",
    "ModifyHosts",
    "ReleaseHosts",
    "DescribeHostReservationOfferings",
    "GetHostReservationPurchasePreview",
    "PurchaseHostReservation",
    "DescribeHostReservations",
];

mod hosts;
mod iam_profiles;
mod maintenance;
mod placement;

impl From<Ec2Error> for ApiError {
    fn from(e: Ec2Error) -> ApiError {
        ApiError::new(e.code, e.message)
    }
}

type R = Result<Value, ApiError>;

pub fn call(world: &mut World, caller: &super::Caller, operation: &str, input: &Value) -> R {
    let _ = caller;
    if input.get("DryRun").and_then(Value::as_bool) == Some(true) {
        if !OPERATIONS.contains(&operation) {
            return not_simulated(operation);
        }
        return Err(ApiError::new("DryRunOperation", "Request would have succeeded, but DryRun flag is set."));
    }
    match operation {
        "RunInstances" => iam_profiles::check_launch(world, caller, input).and_then(|_| run_instances(world, input)),
        "DescribeInstances" => describe_instances(world, input),
        "StartInstances" => {
            let ids = instance_ids(input)?;
            Ok(json!({ "StartingInstances": changes(world.start_instances(&ids)?) }))
        }
        "StopInstances" => {
            let ids = instance_ids(input)?;
            Ok(json!({ "StoppingInstances": changes(world.stop_instances(&ids, bool_of(input, "Force"))?) }))
        }
        "TerminateInstances" => {
            let ids = instance_ids(input)?;
            Ok(json!({ "TerminatingInstances": changes(world.terminate_instances(&ids)?) }))
        }
        "RebootInstances" => {
            let ids = instance_ids(input)?;
            world.reboot_instances(&ids)?;
            Ok(json!({}))
        }
        "DescribeInstanceStatus" => describe_instance_status(world, input),
        "DescribeInstanceTypes" => describe_instance_types(input),
        "DescribeAvailabilityZones" => describe_azs(input),
        "DescribeRegions" => describe_regions(input),
        "DescribeImages" => describe_images(world, input),
        "CreateImage" => create_image(world, input),
        "DeregisterImage" => deregister_image(world, input),
        "DescribeImageAttribute" => describe_image_attribute(world, input),
        "CreateKeyPair" => create_key_pair(world, input),
        "ImportKeyPair" => import_key_pair(world, input),
        "DescribeKeyPairs" => describe_key_pairs(world, input),
        "DeleteKeyPair" => delete_key_pair(world, input),
        "CreateSecurityGroup" => create_security_group(world, input),
        "DeleteSecurityGroup" => delete_security_group(world, input),
        "DescribeSecurityGroups" => describe_security_groups(world, input),
        "AuthorizeSecurityGroupIngress" => authorize_ingress(world, input),
        "RevokeSecurityGroupIngress" => revoke_ingress(world, input),
        "DescribeVpcs" => describe_vpcs(world, input),
        "DescribeSubnets" => describe_subnets(world, input),
        "CreateTags" => create_tags(world, input, true),
        "DeleteTags" => create_tags(world, input, false),
        "DescribeTags" => describe_tags(world, input),
        "DescribeInstanceAttribute" => describe_instance_attribute(world, input),
        "ModifyInstanceAttribute" => modify_instance_attribute(world, input),
        "GetConsoleOutput" => get_console_output(world, input),
        "ModifyInstanceMetadataOptions" => modify_instance_metadata_options(world, input),
        "AssociateIamInstanceProfile" => iam_profiles::associate(world, caller, input),
        "ReplaceIamInstanceProfileAssociation" => iam_profiles::replace(world, caller, input),
        "DisassociateIamInstanceProfile" => iam_profiles::disassociate(world, input),
        "DescribeIamInstanceProfileAssociations" => iam_profiles::describe(world, input),
        "CreatePlacementGroup" => placement::create(world, input),
        "DescribePlacementGroups" => placement::describe(world, input),
        "DeletePlacementGroup" => placement::delete(world, input),
        "ModifyInstancePlacement" => placement::modify_instance_placement(world, input),
        "ModifyInstanceMaintenanceOptions" => maintenance::modify_instance_maintenance_options(world, input),
        "ModifyInstanceEventStartTime" => maintenance::modify_instance_event_start_time(world, input),
        "AllocateHosts" => hosts::allocate(world, input),
        "DescribeHosts" => hosts::describe(world, crate::ram::account_of(caller), input),
        "ModifyHosts" => hosts::modify(world, input),
        "ReleaseHosts" => hosts::release(world, input),
        "DescribeHostReservationOfferings" => hosts::describe_offerings(input),
        "GetHostReservationPurchasePreview" => hosts::purchase_preview(world, input),
        "PurchaseHostReservation" => hosts::purchase(world, input),
        "DescribeHostReservations" => hosts::describe_reservations(world, input),
        _ => not_simulated(operation),
    }
}

fn not_simulated(operation: &str) -> R {
    Err(ApiError::new("NotSimulated", format!("{operation} is not simulated in ec2lab yet.")))
}

// ---------------------------------------------------------------------------------------------
// Input helpers
// ---------------------------------------------------------------------------------------------

fn str_of(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn int_of(v: &Value, key: &str) -> Option<i64> {
    match v.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn bool_of(v: &Value, key: &str) -> bool {
    match v.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

fn list_of(v: &Value, key: &str) -> Vec<String> {
    match v.get(key) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| match x {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn required(v: &Value, key: &str) -> Result<String, ApiError> {
    str_of(v, key).ok_or_else(|| ApiError::new("MissingParameter", format!("The request must contain the parameter {key}")))
}

fn instance_ids(input: &Value) -> Result<Vec<String>, ApiError> {
    let ids = list_of(input, "InstanceIds");
    if ids.is_empty() {
        return Err(ApiError::new("MissingParameter", "The request must contain the parameter InstanceIds"));
    }
    Ok(ids)
}

fn tags_of(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| Some((str_of(t, "Key")?, str_of(t, "Value").unwrap_or_default())))
                .collect()
        })
        .unwrap_or_default()
}

fn tags_json(tags: &[(String, String)]) -> Value {
    Value::Array(tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect())
}

/// `Filters: [{Name, Values}]` as (name, values) pairs.
fn filters(input: &Value) -> Vec<(String, Vec<String>)> {
    input
        .get("Filters")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|f| Some((str_of(f, "Name")?, list_of(f, "Values")))).collect())
        .unwrap_or_default()
}

/// EC2 filter values accept `*` and `?` wildcards.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0usize, 0usize, None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            pi += 1;
            mark = ti;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Does any of `values` match any of `actual`?
fn any_match(values: &[String], actual: &[String]) -> bool {
    values.iter().any(|v| actual.iter().any(|a| wildcard_match(v, a)))
}

/// Apply EC2 `Filters` to one resource: every filter must match one of its values (filters AND,
/// values OR, `*`/`?` wildcards). `values_for` gives the resource's values for a filter name, or
/// `None` for a name EC2 does not know, which is an error even when another filter already failed.
fn matches_filters(flts: &[(String, Vec<String>)], mut values_for: impl FnMut(&String) -> Option<Vec<String>>) -> Result<bool, ApiError> {
    let mut keep = true;
    for (name, values) in flts {
        match values_for(name) {
            Some(actual) => keep &= any_match(values, &actual),
            None => return Err(invalid_filter(name)),
        }
    }
    Ok(keep)
}

fn invalid_filter(name: &str) -> ApiError {
    ApiError::new("InvalidParameterValue", format!("The filter '{name}' is invalid"))
}

// ---------------------------------------------------------------------------------------------
// Instances
// ---------------------------------------------------------------------------------------------

fn run_instances(world: &mut World, input: &Value) -> R {
    let image_id = required(input, "ImageId")?;
    let placement = input.get("Placement").cloned().unwrap_or(Value::Null);
    let md = input.get("MetadataOptions").cloned().unwrap_or(Value::Null);
    let mut tags = Vec::new();
    if let Some(specs) = input.get("TagSpecifications").and_then(Value::as_array) {
        for s in specs {
            let rt = str_of(s, "ResourceType").unwrap_or_default();
            if rt == "instance" {
                tags.extend(tags_of(s.get("Tags").unwrap_or(&Value::Null)));
            } else if !["volume", "network-interface", "spot-instances-request", "elastic-gpu"].contains(&rt.as_str()) {
                return Err(ApiError::new("InvalidParameterValue", format!("'{rt}' is not a valid taggable resource type for this operation.")));
            }
        }
    }
    let mut req = RunRequest {
        image_id,
        instance_type: str_of(input, "InstanceType"),
        key_name: str_of(input, "KeyName"),
        security_group_ids: list_of(input, "SecurityGroupIds"),
        security_group_names: list_of(input, "SecurityGroups"),
        subnet_id: str_of(input, "SubnetId"),
        min_count: int_of(input, "MinCount").unwrap_or(1),
        max_count: int_of(input, "MaxCount").unwrap_or(1),
        user_data: str_of(input, "UserData"),
        tags,
        availability_zone: str_of(&placement, "AvailabilityZone"),
        placement_group: match (str_of(&placement, "GroupName"), str_of(&placement, "GroupId")) {
            (Some(_), Some(_)) => return Err(ApiError::new("InvalidParameterCombination", "Specify either a placement group name or a placement group ID, not both.")),
            (None, Some(gid)) => match world.placement.by_id(&gid) {
                Some(g) => Some(g.name.clone()),
                None => return Err(ApiError::new("InvalidPlacementGroup.Unknown", format!("The Placement Group ID '{gid}' is unknown."))),
            },
            (name, None) => name,
        },
        partition_number: int_of(&placement, "PartitionNumber").map(|n| n.max(0) as u32),
        tenancy: str_of(&placement, "Tenancy"),
        host_id: str_of(&placement, "HostId"),
        affinity: str_of(&placement, "Affinity"),
        metadata: MetadataOptionsRequest {
            http_tokens: str_of(&md, "HttpTokens"),
            hop_limit: int_of(&md, "HttpPutResponseHopLimit"),
            http_endpoint: str_of(&md, "HttpEndpoint"),
            http_protocol_ipv6: str_of(&md, "HttpProtocolIpv6"),
            instance_metadata_tags: str_of(&md, "InstanceMetadataTags"),
        },
        iam_instance_profile: input.get("IamInstanceProfile").and_then(|p| str_of(p, "Name").or_else(|| str_of(p, "Arn"))),
        ebs_optimized: input.get("EbsOptimized").map(|_| bool_of(input, "EbsOptimized")),
        monitoring: input.get("Monitoring").is_some_and(|m| bool_of(m, "Enabled")),
        client_token: str_of(input, "ClientToken"),
        associate_public_ip: None,
        private_ip: str_of(input, "PrivateIpAddress"),
        shutdown_behavior: str_of(input, "InstanceInitiatedShutdownBehavior"),
        disable_api_termination: bool_of(input, "DisableApiTermination"),
    };
    if let Some(nis) = input.get("NetworkInterfaces").and_then(Value::as_array) {
        if let Some(ni) = nis.first() {
            if ni.get("AssociatePublicIpAddress").is_some() {
                req.associate_public_ip = Some(bool_of(ni, "AssociatePublicIpAddress"));
            }
            if let Some(s) = str_of(ni, "SubnetId") {
                req.subnet_id = Some(s);
            }
            req.security_group_ids.extend(list_of(ni, "Groups"));
            if let Some(ip) = str_of(ni, "PrivateIpAddress") {
                req.private_ip = Some(ip);
            }
        }
    }
    let (reservation_id, ids) = world.run_instances(req)?;
    let instances: Vec<Value> = ids.iter().filter_map(|id| world.compute.get(id)).map(|i| instance_json(world, i)).collect();
    Ok(json!({
        "ReservationId": reservation_id,
        "OwnerId": world.account_id(),
        "Groups": [],
        "Instances": instances,
    }))
}

fn changes(list: Vec<StateChange>) -> Value {
    Value::Array(
        list.into_iter()
            .map(|c| {
                json!({
                    "InstanceId": c.instance_id,
                    "CurrentState": state_json(c.current),
                    "PreviousState": state_json(c.previous),
                })
            })
            .collect(),
    )
}

fn state_json(s: State) -> Value {
    json!({"Code": s.code(), "Name": s.name()})
}

fn sg_pairs(world: &World, ids: &[String]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"GroupId": id, "GroupName": world.net.sg(id).map(|g| g.name.clone()).unwrap_or_default()}))
            .collect(),
    )
}

/// The `Instance` shape of DescribeInstances / RunInstances, in the order the CLI prints it.
pub fn instance_json(world: &World, i: &Instance) -> Value {
    let itype = catalog::instance_type(&i.instance_type);
    let ami = i.ami();
    let az = catalog::azs().get(i.az()).map(|a| a.name).unwrap_or("us-east-1a");
    let terminated = i.state == State::Terminated;
    let subnet = world.net.subnets.get(i.subnet);
    let mut m = Map::new();
    m.insert("Architecture".into(), json!(ami.map(|a| a.architecture).unwrap_or("x86_64")));
    let root = ami.map(|a| a.root_device_name).unwrap_or("/dev/xvda");
    if terminated {
        m.insert("BlockDeviceMappings".into(), json!([]));
    } else {
        m.insert(
            "BlockDeviceMappings".into(),
            json!([{
                "DeviceName": root,
                "Ebs": {"AttachTime": i.created.iso_offset(), "DeleteOnTermination": true, "Status": "attached", "VolumeId": i.volume_id}
            }]),
        );
    }
    m.insert("ClientToken".into(), json!(i.client_token));
    m.insert("EbsOptimized".into(), json!(i.ebs_optimized));
    m.insert("EnaSupport".into(), json!(ami.map(|a| a.ena_support).unwrap_or(true) && itype.is_some_and(|t| t.ena_support != catalog::EnaSupport::Unsupported)));
    m.insert("Hypervisor".into(), json!("xen"));
    if let Some(p) = iam_profiles::instance_profile_json(i) {
        m.insert("IamInstanceProfile".into(), p);
    }
    if !terminated {
        let mut ni = Map::new();
        if let Some(ip) = i.public_ip {
            ni.insert("Association".into(), json!({"IpOwnerId": "amazon", "PublicDnsName": net::public_dns(ip), "PublicIp": net::ip_to_string(ip)}));
        }
        ni.insert(
            "Attachment".into(),
            json!({"AttachTime": i.created.iso_offset(), "AttachmentId": i.attachment_id, "DeleteOnTermination": true, "DeviceIndex": 0, "Status": "attached", "NetworkCardIndex": 0}),
        );
        ni.insert("Description".into(), json!(""));
        ni.insert("Groups".into(), sg_pairs(world, &i.security_groups));
        ni.insert("Ipv6Addresses".into(), json!([]));
        ni.insert("MacAddress".into(), json!(i.mac));
        ni.insert("NetworkInterfaceId".into(), json!(i.eni_id));
        ni.insert("OwnerId".into(), json!(world.account_id()));
        ni.insert("PrivateDnsName".into(), json!(net::private_dns(i.private_ip)));
        ni.insert("PrivateIpAddress".into(), json!(i.private_ip_string()));
        let mut pia = Map::new();
        if let Some(ip) = i.public_ip {
            pia.insert("Association".into(), json!({"IpOwnerId": "amazon", "PublicDnsName": net::public_dns(ip), "PublicIp": net::ip_to_string(ip)}));
        }
        pia.insert("Primary".into(), json!(true));
        pia.insert("PrivateDnsName".into(), json!(net::private_dns(i.private_ip)));
        pia.insert("PrivateIpAddress".into(), json!(i.private_ip_string()));
        ni.insert("PrivateIpAddresses".into(), json!([Value::Object(pia)]));
        ni.insert("SourceDestCheck".into(), json!(true));
        ni.insert("Status".into(), json!("in-use"));
        ni.insert("SubnetId".into(), json!(subnet.map(|s| s.id.clone())));
        ni.insert("VpcId".into(), json!(subnet.map(|s| s.vpc_id.clone())));
        ni.insert("InterfaceType".into(), json!("interface"));
        m.insert("NetworkInterfaces".into(), json!([Value::Object(ni)]));
    } else {
        m.insert("NetworkInterfaces".into(), json!([]));
    }
    m.insert("RootDeviceName".into(), json!(root));
    m.insert("RootDeviceType".into(), json!("ebs"));
    m.insert("SecurityGroups".into(), if terminated { json!([]) } else { sg_pairs(world, &i.security_groups) });
    if !terminated {
        m.insert("SourceDestCheck".into(), json!(true));
    }
    if let Some((code, msg)) = &i.state_reason {
        m.insert("StateReason".into(), json!({"Code": code, "Message": msg}));
    }
    if !i.tags.is_empty() {
        m.insert("Tags".into(), tags_json(&i.tags));
    }
    m.insert("VirtualizationType".into(), json!("hvm"));
    if let Some(t) = itype {
        m.insert("CpuOptions".into(), json!({"CoreCount": t.default_cores, "ThreadsPerCore": t.threads_per_core}));
    }
    m.insert("CapacityReservationSpecification".into(), json!({"CapacityReservationPreference": "open"}));
    m.insert("HibernationOptions".into(), json!({"Configured": false}));
    m.insert(
        "MetadataOptions".into(),
        json!({
            "State": crate::imds::options_state(i, world.now()),
            "HttpTokens": i.metadata.http_tokens,
            "HttpPutResponseHopLimit": i.metadata.hop_limit,
            "HttpEndpoint": i.metadata.http_endpoint,
            "HttpProtocolIpv6": i.metadata.http_protocol_ipv6,
            "InstanceMetadataTags": i.metadata.instance_metadata_tags,
        }),
    );
    m.insert("EnclaveOptions".into(), json!({"Enabled": false}));
    if let Some(b) = ami.and_then(|a| a.boot_mode) {
        m.insert("BootMode".into(), json!(b));
    }
    m.insert("PlatformDetails".into(), json!(ami.map(|a| a.platform_details).unwrap_or("Linux/UNIX")));
    m.insert("UsageOperation".into(), json!("RunInstances"));
    m.insert("UsageOperationUpdateTime".into(), json!(i.launch_time.iso_offset()));
    m.insert(
        "PrivateDnsNameOptions".into(),
        json!({"HostnameType": "ip-name", "EnableResourceNameDnsARecord": false, "EnableResourceNameDnsAAAARecord": false}),
    );
    m.insert("MaintenanceOptions".into(), json!({"AutoRecovery": i.faults.auto_recovery.name()}));
    m.insert("CurrentInstanceBootMode".into(), json!(current_boot_mode(ami.and_then(|a| a.boot_mode), itype.map(|t| t.hypervisor.as_str()))));
    m.insert("InstanceId".into(), json!(i.id));
    m.insert("ImageId".into(), json!(i.image_id));
    m.insert("State".into(), state_json(i.state));
    m.insert("PrivateDnsName".into(), json!(if terminated { String::new() } else { net::private_dns(i.private_ip) }));
    m.insert("PublicDnsName".into(), json!(i.public_ip.map(net::public_dns).unwrap_or_default()));
    m.insert("StateTransitionReason".into(), json!(i.transition_reason));
    if let Some(k) = &i.key_name {
        m.insert("KeyName".into(), json!(k));
    }
    m.insert("AmiLaunchIndex".into(), json!(i.launch_index));
    m.insert("ProductCodes".into(), json!([]));
    m.insert("InstanceType".into(), json!(i.instance_type));
    m.insert("LaunchTime".into(), json!(i.launch_time.iso_offset()));
    let mut placement = Map::new();
    if let Some(a) = &i.placement.affinity {
        placement.insert("Affinity".into(), json!(a));
    }
    if let Some(g) = &i.placement.group_name {
        placement.insert("GroupName".into(), json!(g));
    } else {
        placement.insert("GroupName".into(), json!(""));
    }
    if let Some(g) = i.placement.group_name.as_deref().and_then(|g| world.placement.get(g)) {
        placement.insert("GroupId".into(), json!(g.id));
    }
    if let Some(p) = i.placement.partition_number {
        placement.insert("PartitionNumber".into(), json!(p));
    }
    if let Some(h) = i.placement.host_id.as_ref().filter(|_| i.placement.tenancy == "host") {
        placement.insert("HostId".into(), json!(h));
    }
    placement.insert("Tenancy".into(), json!(i.placement.tenancy));
    placement.insert("AvailabilityZone".into(), json!(az));
    m.insert("Placement".into(), Value::Object(placement));
    m.insert("Monitoring".into(), json!({"State": if i.monitoring { "enabled" } else { "disabled" }}));
    if !terminated {
        m.insert("SubnetId".into(), json!(subnet.map(|s| s.id.clone())));
        m.insert("VpcId".into(), json!(subnet.map(|s| s.vpc_id.clone())));
        m.insert("PrivateIpAddress".into(), json!(i.private_ip_string()));
    }
    if let Some(ip) = i.public_ip {
        m.insert("PublicIpAddress".into(), json!(net::ip_to_string(ip)));
    }
    Value::Object(m)
}

/// UEFI when the AMI asks for it, or prefers it and the type is Nitro (Xen types boot legacy BIOS).
fn current_boot_mode(ami_mode: Option<&str>, hypervisor: Option<&str>) -> &'static str {
    match (ami_mode, hypervisor) {
        (Some("uefi"), _) => "uefi",
        (Some("uefi-preferred"), Some("nitro")) => "uefi",
        _ => "legacy-bios",
    }
}

/// The tag filters every taggable resource answers: `tag:KEY` (the values of that key) and
/// `tag-key` (all keys). `None` for any other name.
fn tag_filter_values(tags: &[(String, String)], name: &str) -> Option<Vec<String>> {
    if let Some(key) = name.strip_prefix("tag:") {
        return Some(tags.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect());
    }
    (name == "tag-key").then(|| tags.iter().map(|(k, _)| k.clone()).collect())
}

/// The describe-instances filter names the simulation answers (besides `tag:KEY`).
const INSTANCE_FILTERS: &[&str] = &[
    "instance-id", "instance-state-name", "instance-state-code", "instance-type", "image-id", "key-name",
    "availability-zone", "placement.availability-zone", "tag-key", "tag-value", "vpc-id", "subnet-id",
    "private-ip-address", "network-interface.addresses.private-ip-address", "ip-address",
    "network-interface.addresses.association.public-ip", "dns-name", "private-dns-name", "instance.group-id",
    "group-id", "network-interface.group-id", "instance.group-name", "group-name", "network-interface.group-name",
    "reservation-id", "launch-index", "architecture", "root-device-type", "tenancy", "placement.tenancy",
    "placement-group-name", "placement.group-name", "placement-partition-number", "owner-id",
    "metadata-options.http-tokens", "metadata-options.http-endpoint", "metadata-options.http-put-response-hop-limit",
    "monitoring-state", "network-interface.mac-address", "availability-zone-id",
    "iam-instance-profile.arn", "iam-instance-profile.id", "host-id", "affinity",
];

/// The values an instance has for a describe-instances filter name, or None if the name is unknown.
fn instance_filter_values(world: &World, i: &Instance, name: &str) -> Option<Vec<String>> {
    let az = catalog::azs().get(i.az());
    let subnet = world.net.subnets.get(i.subnet);
    let one = |s: String| Some(vec![s]);
    if let Some(values) = tag_filter_values(&i.tags, name) {
        return Some(values);
    }
    match name {
        "instance-id" => one(i.id.clone()),
        "instance-state-name" => one(i.state.name().into()),
        "instance-state-code" => one(i.state.code().to_string()),
        "instance-type" => one(i.instance_type.clone()),
        "image-id" => one(i.image_id.clone()),
        "key-name" => Some(i.key_name.iter().cloned().collect()),
        "iam-instance-profile.arn" | "iam-instance-profile.id" => Some(iam_profiles::filter_values(i, name)),
        "availability-zone" | "placement.availability-zone" => one(az.map(|a| a.name.to_string()).unwrap_or_default()),
        "tag-value" => Some(i.tags.iter().map(|(_, v)| v.clone()).collect()),
        "vpc-id" => one(subnet.map(|s| s.vpc_id.clone()).unwrap_or_default()),
        "subnet-id" => one(subnet.map(|s| s.id.clone()).unwrap_or_default()),
        "private-ip-address" | "network-interface.addresses.private-ip-address" => one(i.private_ip_string()),
        "ip-address" | "network-interface.addresses.association.public-ip" => Some(i.public_ip_string().into_iter().collect()),
        "dns-name" => Some(i.public_ip.map(net::public_dns).into_iter().collect()),
        "private-dns-name" => one(net::private_dns(i.private_ip)),
        "instance.group-id" | "group-id" | "network-interface.group-id" => Some(i.security_groups.clone()),
        "instance.group-name" | "group-name" | "network-interface.group-name" => {
            Some(i.security_groups.iter().filter_map(|g| world.net.sg(g)).map(|g| g.name.clone()).collect())
        }
        "reservation-id" => one(i.reservation_id.clone()),
        "launch-index" => one(i.launch_index.to_string()),
        "architecture" => one(i.ami().map(|a| a.architecture.to_string()).unwrap_or_default()),
        "root-device-type" => one("ebs".into()),
        "tenancy" | "placement.tenancy" => one(i.placement.tenancy.clone()),
        "host-id" => Some(i.placement.host_id.iter().filter(|_| i.placement.tenancy == "host").cloned().collect()),
        "affinity" => Some(i.placement.affinity.iter().cloned().collect()),
        "placement-group-name" | "placement.group-name" => Some(i.placement.group_name.iter().cloned().collect()),
        "placement-partition-number" => Some(i.placement.partition_number.map(|p| p.to_string()).into_iter().collect()),
        "owner-id" => one(world.account_id().into()),
        "metadata-options.http-tokens" => one(i.metadata.http_tokens.clone()),
        "metadata-options.http-endpoint" => one(i.metadata.http_endpoint.clone()),
        "metadata-options.http-put-response-hop-limit" => one(i.metadata.hop_limit.to_string()),
        "monitoring-state" => one(if i.monitoring { "enabled" } else { "disabled" }.into()),
        "network-interface.mac-address" => one(i.mac.clone()),
        "availability-zone-id" => one(az.map(|a| a.zone_id.to_string()).unwrap_or_default()),
        _ => None,
    }
}

fn describe_instances(world: &mut World, input: &Value) -> R {
    let ids = list_of(input, "InstanceIds");
    let flts = filters(input);
    for id in &ids {
        check_instance_id(world, id)?;
    }
    // EC2 rejects an unknown filter name even when there is nothing to filter.
    for (name, _) in &flts {
        if !name.starts_with("tag:") && !INSTANCE_FILTERS.contains(&name.as_str()) {
            return Err(invalid_filter(name));
        }
    }
    let mut reservations: Vec<(String, Vec<Value>)> = Vec::new();
    for i in world.compute.iter() {
        if !ids.is_empty() && !ids.contains(&i.id) {
            continue;
        }
        let keep = matches_filters(&flts, |name| instance_filter_values(world, i, name))?;
        if !keep {
            continue;
        }
        let j = instance_json(world, i);
        match reservations.iter_mut().find(|(r, _)| *r == i.reservation_id) {
            Some((_, list)) => list.push(j),
            None => reservations.push((i.reservation_id.clone(), vec![j])),
        }
    }
    let res: Vec<Value> = reservations
        .into_iter()
        .map(|(r, list)| json!({"ReservationId": r, "OwnerId": world.account_id(), "Groups": [], "Instances": list}))
        .collect();
    Ok(json!({ "Reservations": res }))
}

fn describe_instance_status(world: &mut World, input: &Value) -> R {
    let ids = list_of(input, "InstanceIds");
    for id in &ids {
        check_instance_id(world, id)?;
    }
    let include_all = bool_of(input, "IncludeAllInstances");
    let flts = filters(input);
    let mut out = Vec::new();
    for i in world.compute.iter() {
        if !ids.is_empty() && !ids.contains(&i.id) {
            continue;
        }
        if i.state != State::Running && !include_all {
            continue;
        }
        let (sys, inst) = world.status_checks(i);
        let ebs = maintenance::ebs_status(world, i);
        let az = catalog::azs().get(i.az()).map(|a| a.name).unwrap_or_default();
        let keep = matches_filters(&flts, |name| {
            let actual: Vec<String> = match name.as_str() {
                "availability-zone" => vec![az.to_string()],
                "instance-state-name" => vec![i.state.name().into()],
                "instance-state-code" => vec![i.state.code().to_string()],
                "system-status.status" => vec![sys.into()],
                "instance-status.status" => vec![inst.into()],
                "system-status.reachability" => vec![maintenance::reachability(sys).into()],
                "instance-status.reachability" => vec![maintenance::reachability(inst).into()],
                "attached-ebs-status.status" => vec![ebs.into()],
                _ => return maintenance::event_filter_values(world, i, name),
            };
            Some(actual)
        })?;
        if !keep {
            continue;
        }
        // Failed hardware (faults.rs): when the status checks first saw it.
        let (sys_since, inst_since) = (i.faults.system_impaired_since, i.faults.instance_impaired_since);
        let mut status = Map::new();
        status.insert("AvailabilityZone".into(), json!(az));
        if let Some(events) = maintenance::events_json(world, i) {
            status.insert("Events".into(), events);
        }
        status.insert("InstanceId".into(), json!(i.id));
        status.insert("InstanceState".into(), state_json(i.state));
        status.insert("InstanceStatus".into(), maintenance::summary_json(inst, inst_since));
        status.insert("SystemStatus".into(), maintenance::summary_json(sys, sys_since));
        status.insert("AttachedEbsStatus".into(), maintenance::summary_json(ebs, None));
        out.push(Value::Object(status));
    }
    Ok(json!({ "InstanceStatuses": out }))
}

fn describe_instance_types(input: &Value) -> R {
    let names = list_of(input, "InstanceTypes");
    for n in &names {
        if catalog::instance_type(n).is_none() {
            return Err(ApiError::new("InvalidInstanceType", format!("The following supplied instance types do not exist: [{n}]")));
        }
    }
    let flts = filters(input);
    let mut out = Vec::new();
    for t in catalog::instance_types() {
        if !names.is_empty() && !names.contains(&t.name) {
            continue;
        }
        let keep = matches_filters(&flts, |name| {
            let actual: Vec<String> = match name.as_str() {
                "instance-type" => vec![t.name.clone()],
                "current-generation" => vec![t.current_generation.to_string()],
                "burstable-performance-supported" => vec![t.burstable.to_string()],
                "bare-metal" => vec![t.bare_metal.to_string()],
                "hypervisor" => vec![t.hypervisor.clone()],
                "vcpu-info.default-vcpus" => vec![t.vcpus.to_string()],
                "vcpu-info.default-cores" => vec![t.default_cores.to_string()],
                "memory-info.size-in-mib" => vec![t.memory_mib.to_string()],
                "network-info.ena-support" => vec![t.ena_support.as_str().into()],
                "network-info.network-performance" => vec![t.network_performance.clone()],
                "ebs-info.ebs-optimized-support" => vec![t.ebs_optimized.as_str().into()],
                "placement-group-info.supported-strategies" => t.placement_strategies.clone(),
                "processor-info.supported-architecture" => t.architectures().iter().map(|s| s.to_string()).collect(),
                "dedicated-hosts-supported" => vec![t.dedicated_hosts_supported().to_string()],
                _ => return None,
            };
            Some(actual)
        })?;
        if keep {
            out.push(t.raw.clone());
        }
    }
    Ok(json!({ "InstanceTypes": out }))
}

fn describe_azs(input: &Value) -> R {
    let names = list_of(input, "ZoneNames");
    let ids = list_of(input, "ZoneIds");
    for n in &names {
        if catalog::az(n).is_none() {
            return Err(ApiError::new("InvalidParameterValue", format!("Invalid availability zone: [{n}]")));
        }
    }
    let flts = filters(input);
    let mut out = Vec::new();
    for az in catalog::azs() {
        if !names.is_empty() && !names.iter().any(|n| n == az.name) {
            continue;
        }
        if !ids.is_empty() && !ids.iter().any(|n| n == az.zone_id) {
            continue;
        }
        let keep = matches_filters(&flts, |name| {
            let actual = match name.as_str() {
                "zone-name" => az.name,
                "zone-id" => az.zone_id,
                "region-name" | "group-name" | "network-border-group" => catalog::REGION,
                "state" => "available",
                "zone-type" => "availability-zone",
                "opt-in-status" => "opt-in-not-required",
                _ => return None,
            };
            Some(vec![actual.to_string()])
        })?;
        if keep {
            out.push(json!({
                "OptInStatus": "opt-in-not-required",
                "Messages": [],
                "RegionName": catalog::REGION,
                "ZoneName": az.name,
                "ZoneId": az.zone_id,
                "GroupName": catalog::REGION,
                "NetworkBorderGroup": catalog::REGION,
                "ZoneType": "availability-zone",
                "GroupLongName": "US East (N. Virginia) 1",
                "State": "available",
            }));
        }
    }
    Ok(json!({ "AvailabilityZones": out }))
}

fn describe_regions(input: &Value) -> R {
    let names = list_of(input, "RegionNames");
    for n in &names {
        if catalog::region(n).is_none() {
            return Err(ApiError::new("InvalidParameterValue", format!("Invalid region: {n}")));
        }
    }
    let flts = filters(input);
    let mut out = Vec::new();
    for r in catalog::regions() {
        if !names.is_empty() && !names.iter().any(|n| *n == r.name) {
            continue;
        }
        let keep = matches_filters(&flts, |name| {
            let actual = match name.as_str() {
                "region-name" => r.name.to_string(),
                "endpoint" => r.endpoint.to_string(),
                "opt-in-status" => r.opt_in_status.to_string(),
                _ => return None,
            };
            Some(vec![actual])
        })?;
        if keep {
            out.push(json!({"Endpoint": r.endpoint, "RegionName": r.name, "OptInStatus": r.opt_in_status}));
        }
    }
    Ok(json!({ "Regions": out }))
}

// ---------------------------------------------------------------------------------------------
// Images (the public catalogue and the account's own, images.rs)
// ---------------------------------------------------------------------------------------------

/// The `describe-images` item for an owned image, in botocore's `Image` member order, shaped
/// like the catalogue's (`catalog::image_json`) but owned by the account: no `ImageOwnerAlias`,
/// not public, `ImageLocation` = `ACCOUNT/NAME`, `SourceInstanceId`, its own snapshot.
fn owned_image_json(img: &crate::images::Image) -> Value {
    let base = img.base_ami();
    let vol_type = base.map(|a| a.root_volume_type).unwrap_or("gp3");
    let root = base.map(|a| a.root_device_name).unwrap_or("/dev/xvda");
    let mut ebs = Map::new();
    ebs.insert("DeleteOnTermination".into(), json!(true));
    if vol_type == "gp3" {
        ebs.insert("Iops".into(), json!(3000));
    }
    ebs.insert("SnapshotId".into(), json!(img.snapshot_id));
    ebs.insert("VolumeSize".into(), json!(base.map(|a| a.root_volume_size_gib).unwrap_or(8)));
    ebs.insert("VolumeType".into(), json!(vol_type));
    if vol_type == "gp3" {
        ebs.insert("Throughput".into(), json!(125));
    }
    ebs.insert("Encrypted".into(), json!(false));
    let mut m = Map::new();
    m.insert("PlatformDetails".into(), json!(base.map(|a| a.platform_details).unwrap_or("Linux/UNIX")));
    m.insert("UsageOperation".into(), json!("RunInstances"));
    m.insert("BlockDeviceMappings".into(), json!([{ "Ebs": Value::Object(ebs), "DeviceName": root }]));
    if let Some(d) = &img.description {
        m.insert("Description".into(), json!(d));
    }
    m.insert("EnaSupport".into(), json!(base.map(|a| a.ena_support).unwrap_or(true)));
    m.insert("Hypervisor".into(), json!("xen"));
    m.insert("Name".into(), json!(img.name));
    m.insert("RootDeviceName".into(), json!(root));
    m.insert("RootDeviceType".into(), json!("ebs"));
    m.insert("SriovNetSupport".into(), json!("simple"));
    if !img.tags.is_empty() {
        m.insert("Tags".into(), tags_json(&img.tags));
    }
    m.insert("VirtualizationType".into(), json!("hvm"));
    if let Some(mode) = base.and_then(|a| a.boot_mode) {
        m.insert("BootMode".into(), json!(mode));
    }
    // UNCONFIRMED: that an image made with CreateImage keeps the source AMI's ImdsSupport.
    if let Some(imds) = base.and_then(|a| a.imds_support) {
        m.insert("ImdsSupport".into(), json!(imds));
    }
    m.insert("SourceInstanceId".into(), json!(img.source_instance));
    m.insert("DeregistrationProtection".into(), json!("disabled"));
    if let Some(t) = img.last_launched {
        m.insert("LastLaunchedTime".into(), json!(t.iso_millis()));
    }
    m.insert("ImageId".into(), json!(img.id));
    m.insert("ImageLocation".into(), json!(img.location()));
    m.insert("State".into(), json!(img.state.name()));
    m.insert("OwnerId".into(), json!(crate::world::ACCOUNT_ID));
    m.insert("CreationDate".into(), json!(img.created.iso_millis()));
    m.insert("Public".into(), json!(false));
    m.insert("Architecture".into(), json!(base.map(|a| a.architecture).unwrap_or("x86_64")));
    m.insert("ImageType".into(), json!("machine"));
    Value::Object(m)
}

/// A describe-images filter's values for one image, read from its JSON item (so the catalogue's
/// images and the account's answer the same way). `None`: a filter name EC2 does not know.
fn image_filter_values(img: &Value, name: &str) -> Option<Vec<String>> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let field = |key: &str| img.get(key).and_then(text).into_iter().collect::<Vec<_>>();
    let ebs = |key: &str| -> Vec<String> {
        img["BlockDeviceMappings"].as_array().map(|a| a.iter().filter_map(|b| b["Ebs"].get(key).and_then(text)).collect()).unwrap_or_default()
    };
    let tags: Vec<(String, String)> = img["Tags"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| Some((str_of(t, "Key")?, str_of(t, "Value").unwrap_or_default()))).collect())
        .unwrap_or_default();
    if let Some(v) = tag_filter_values(&tags, name) {
        return Some(v);
    }
    Some(match name {
        "name" => field("Name"),
        "image-id" => field("ImageId"),
        "architecture" => field("Architecture"),
        "owner-id" => field("OwnerId"),
        "owner-alias" => field("ImageOwnerAlias"),
        "state" => field("State"),
        "root-device-type" => field("RootDeviceType"),
        "root-device-name" => field("RootDeviceName"),
        "virtualization-type" => field("VirtualizationType"),
        "platform-details" => field("PlatformDetails"),
        "usage-operation" => field("UsageOperation"),
        "description" => field("Description"),
        "is-public" => field("Public"),
        "ena-support" => field("EnaSupport"),
        "hypervisor" => field("Hypervisor"),
        "image-type" => field("ImageType"),
        "manifest-location" => field("ImageLocation"),
        "creation-date" => field("CreationDate"),
        "sriov-net-support" => field("SriovNetSupport"),
        "imds-support" => field("ImdsSupport"),
        "boot-mode" => field("BootMode"),
        "source-instance-id" => field("SourceInstanceId"),
        "block-device-mapping.snapshot-id" => ebs("SnapshotId"),
        "block-device-mapping.volume-size" => ebs("VolumeSize"),
        "block-device-mapping.volume-type" => ebs("VolumeType"),
        "block-device-mapping.delete-on-termination" => ebs("DeleteOnTermination"),
        "block-device-mapping.encrypted" => ebs("Encrypted"),
        "block-device-mapping.device-name" => img["BlockDeviceMappings"]
            .as_array()
            .map(|a| a.iter().filter_map(|b| str_of(b, "DeviceName")).collect())
            .unwrap_or_default(),
        _ => return None,
    })
}

fn describe_images(world: &World, input: &Value) -> R {
    let ids = list_of(input, "ImageIds");
    let owners = list_of(input, "Owners");
    for id in &ids {
        if !crate::images::well_formed_id(id) {
            return Err(crate::images::malformed(id).into());
        }
        // A deregistered image of the account is no error: it is simply no longer listed.
        if catalog::image(id).is_none() && world.images.get(id).is_none() {
            return Err(crate::images::not_found(id).into());
        }
    }
    let flts = filters(input);
    let items = catalog::images().iter().map(catalog::image_json).chain(world.images.live().map(owned_image_json));
    let mut out = Vec::new();
    for item in items {
        let id = item["ImageId"].as_str().unwrap_or_default();
        if !ids.is_empty() && !ids.iter().any(|i| i == id) {
            continue;
        }
        if !owners.is_empty() {
            let owner = item["OwnerId"].as_str().unwrap_or_default();
            let alias = item["ImageOwnerAlias"].as_str();
            let ok = owners.iter().any(|o| o == owner || Some(o.as_str()) == alias || (o == "self" && owner == crate::world::ACCOUNT_ID));
            if !ok {
                continue;
            }
        }
        if matches_filters(&flts, |name| image_filter_values(&item, name))? {
            out.push(item);
        }
    }
    Ok(json!({ "Images": out }))
}

fn create_image(world: &mut World, input: &Value) -> R {
    let instance_id = required(input, "InstanceId")?;
    let name = required(input, "Name")?;
    let (mut tags, mut snapshot_tags) = (Vec::new(), Vec::new());
    if let Some(specs) = input.get("TagSpecifications").and_then(Value::as_array) {
        for s in specs {
            let rt = str_of(s, "ResourceType").unwrap_or_default();
            let list = tags_of(s.get("Tags").unwrap_or(&Value::Null));
            match rt.as_str() {
                "image" => tags.extend(list),
                "snapshot" => snapshot_tags.extend(list),
                _ => return Err(ApiError::new("InvalidParameterValue", format!("'{rt}' is not a valid taggable resource type for this operation."))),
            }
        }
    }
    if input.get("BlockDeviceMappings").and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
        return Err(ApiError::new("NotSimulated", "CreateImage with --block-device-mappings is not simulated in ec2lab yet: instances have only their root volume."));
    }
    let req = crate::images::CreateImageRequest {
        instance_id,
        name,
        description: str_of(input, "Description"),
        no_reboot: bool_of(input, "NoReboot"),
        tags,
        snapshot_tags,
    };
    let id = world.create_image(req)?;
    Ok(json!({ "ImageId": id }))
}

fn deregister_image(world: &mut World, input: &Value) -> R {
    let id = required(input, "ImageId")?;
    let snapshot = world.deregister_image(&id)?;
    let mut m = Map::new();
    m.insert("Return".into(), json!(true));
    if bool_of(input, "DeleteAssociatedSnapshots") {
        m.insert("DeleteSnapshotResults".into(), json!([{ "SnapshotId": snapshot, "ReturnCode": "success" }]));
    }
    Ok(Value::Object(m))
}

fn describe_image_attribute(world: &mut World, input: &Value) -> R {
    let id = required(input, "ImageId")?;
    let attr = required(input, "Attribute")?;
    if !crate::images::well_formed_id(&id) {
        return Err(crate::images::malformed(&id).into());
    }
    if catalog::image(&id).is_some() {
        return Err(ApiError::new("AuthFailure", format!("Not authorized for image:{id}")));
    }
    let Some(img) = world.images.live().find(|i| i.id == id) else { return Err(crate::images::not_found(&id).into()) };
    let item = owned_image_json(img);
    // botocore's ImageAttribute member order (the order the CLI prints): the scalar attributes,
    // then ImageId, then the lists.
    let mut m = Map::new();
    if matches!(attr.as_str(), "launchPermission" | "productCodes" | "blockDeviceMapping") {
        m.insert("ImageId".into(), json!(id));
    }
    let value = |key: &str| match item.get(key) {
        Some(v) => json!({ "Value": v }),
        None => json!({}),
    };
    match attr.as_str() {
        "description" => {
            m.insert("Description".into(), value("Description"));
        }
        "kernel" => {
            m.insert("KernelId".into(), json!({}));
        }
        "ramdisk" => {
            m.insert("RamdiskId".into(), json!({}));
        }
        "sriovNetSupport" => {
            m.insert("SriovNetSupport".into(), value("SriovNetSupport"));
        }
        "bootMode" => {
            m.insert("BootMode".into(), value("BootMode"));
        }
        "imdsSupport" => {
            m.insert("ImdsSupport".into(), value("ImdsSupport"));
        }
        "lastLaunchedTime" => {
            m.insert("LastLaunchedTime".into(), value("LastLaunchedTime"));
        }
        "deregistrationProtection" => {
            m.insert("DeregistrationProtection".into(), value("DeregistrationProtection"));
        }
        "launchPermission" => {
            m.insert("LaunchPermissions".into(), json!([]));
        }
        "productCodes" => {
            m.insert("ProductCodes".into(), json!([]));
        }
        "blockDeviceMapping" => {
            m.insert("BlockDeviceMappings".into(), item["BlockDeviceMappings"].clone());
        }
        "tpmSupport" | "uefiData" => {
            return Err(ApiError::new("NotSimulated", format!("DescribeImageAttribute for '{attr}' is not simulated in ec2lab yet.")));
        }
        _ => {
            return Err(ApiError::new("InvalidParameterValue", format!("Value ({attr}) for parameter attribute is invalid. Unknown attribute.")));
        }
    }
    if !m.contains_key("ImageId") {
        m.insert("ImageId".into(), json!(id));
    }
    Ok(Value::Object(m))
}

// ---------------------------------------------------------------------------------------------
// Key pairs
// ---------------------------------------------------------------------------------------------

fn valid_key_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 255 && name.chars().all(|c| c.is_ascii() && !c.is_ascii_control())
}

fn key_tags(input: &Value, rt: &str) -> Vec<(String, String)> {
    input
        .get("TagSpecifications")
        .and_then(Value::as_array)
        .map(|specs| {
            specs
                .iter()
                .filter(|s| str_of(s, "ResourceType").as_deref() == Some(rt))
                .flat_map(|s| tags_of(s.get("Tags").unwrap_or(&Value::Null)))
                .collect()
        })
        .unwrap_or_default()
}

fn fingerprint(world: &mut World, sha256: bool) -> String {
    use base64::Engine as _;
    if sha256 {
        let bytes: Vec<u8> = (0..32).map(|_| world.rng.below(256) as u8).collect();
        base64::engine::general_purpose::STANDARD.encode(bytes)
    } else {
        (0..20).map(|_| format!("{:02x}", world.rng.below(256))).collect::<Vec<_>>().join(":")
    }
}

fn create_key_pair(world: &mut World, input: &Value) -> R {
    use base64::Engine as _;
    let name = required(input, "KeyName")?;
    if !valid_key_name(&name) {
        return Err(ApiError::new("InvalidParameterValue", format!("Value ({name}) for parameter keyName is invalid.")));
    }
    if world.net.key_pair(&name).is_some() {
        return Err(ApiError::new("InvalidKeyPair.Duplicate", format!("The keypair '{name}' already exists.")));
    }
    let key_type = str_of(input, "KeyType").unwrap_or_else(|| "rsa".into());
    if key_type != "rsa" && key_type != "ed25519" {
        return Err(ApiError::new("InvalidParameterValue", format!("Value ({key_type}) for parameter keyType is invalid.")));
    }
    let format = str_of(input, "KeyFormat").unwrap_or_else(|| "pem".into());
    if format != "pem" && format != "ppk" {
        return Err(ApiError::new("InvalidParameterValue", format!("Value ({format}) for parameter keyFormat is invalid.")));
    }
    let (body_len, header, footer) = if key_type == "rsa" {
        (1190usize, "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----")
    } else {
        (300usize, "-----BEGIN OPENSSH PRIVATE KEY-----", "-----END OPENSSH PRIVATE KEY-----")
    };
    let raw: Vec<u8> = (0..body_len).map(|_| world.rng.below(256) as u8).collect();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&raw);
    let lines: Vec<&str> = b64.as_bytes().chunks(if key_type == "rsa" { 64 } else { 70 }).map(|c| std::str::from_utf8(c).unwrap_or("")).collect();
    let pem = format!("{header}\n{}\n{footer}", lines.join("\n"));
    let pub_raw: Vec<u8> = (0..if key_type == "rsa" { 279 } else { 51 }).map(|_| world.rng.below(256) as u8).collect();
    let public_key = format!(
        "{} {} {name}",
        if key_type == "rsa" { "ssh-rsa" } else { "ssh-ed25519" },
        base64::engine::general_purpose::STANDARD.encode(pub_raw)
    );
    let fp = fingerprint(world, key_type == "ed25519");
    let id = world.rng.resource_id("key");
    let tags = key_tags(input, "key-pair");
    world.net.key_pairs.push(KeyPair {
        id: id.clone(),
        name: name.clone(),
        key_type,
        fingerprint: fp.clone(),
        private_pem: Some(pem.clone()),
        public_key,
        created: world.now(),
        tags: tags.clone(),
    });
    world.bump();
    let mut m = Map::new();
    m.insert("KeyFingerprint".into(), json!(fp));
    m.insert("KeyMaterial".into(), json!(pem));
    m.insert("KeyName".into(), json!(name));
    m.insert("KeyPairId".into(), json!(id));
    if !tags.is_empty() {
        m.insert("Tags".into(), tags_json(&tags));
    }
    Ok(Value::Object(m))
}

fn import_key_pair(world: &mut World, input: &Value) -> R {
    use base64::Engine as _;
    let name = required(input, "KeyName")?;
    let material = required(input, "PublicKeyMaterial")?;
    if world.net.key_pair(&name).is_some() {
        return Err(ApiError::new("InvalidKeyPair.Duplicate", format!("The keypair '{name}' already exists.")));
    }
    // The API takes the key base64-encoded (the CLI's fileb:// does that); accept raw text too.
    let text = base64::engine::general_purpose::STANDARD
        .decode(material.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or(material.clone());
    let text = text.trim().to_string();
    let key_type = if text.starts_with("ssh-rsa ") {
        "rsa"
    } else if text.starts_with("ssh-ed25519 ") {
        "ed25519"
    } else {
        return Err(ApiError::new("InvalidKey.Format", "Key is not in valid OpenSSH public key format"));
    };
    let fp = fingerprint(world, key_type == "ed25519");
    let id = world.rng.resource_id("key");
    let tags = key_tags(input, "key-pair");
    world.net.key_pairs.push(KeyPair {
        id: id.clone(),
        name: name.clone(),
        key_type: key_type.into(),
        fingerprint: fp.clone(),
        private_pem: None,
        public_key: text,
        created: world.now(),
        tags,
    });
    world.bump();
    Ok(json!({"KeyFingerprint": fp, "KeyName": name, "KeyPairId": id}))
}

fn describe_key_pairs(world: &mut World, input: &Value) -> R {
    let names = list_of(input, "KeyNames");
    let ids = list_of(input, "KeyPairIds");
    for n in &names {
        if world.net.key_pair(n).is_none() {
            return Err(ApiError::new("InvalidKeyPair.NotFound", format!("The key pair '{n}' does not exist")));
        }
    }
    for id in &ids {
        if !world.net.key_pairs.iter().any(|k| &k.id == id) {
            return Err(ApiError::new("InvalidKeyPair.NotFound", format!("The key pair ID '{id}' does not exist")));
        }
    }
    let flts = filters(input);
    let include_public = bool_of(input, "IncludePublicKey");
    let mut out = Vec::new();
    for k in &world.net.key_pairs {
        if !names.is_empty() && !names.contains(&k.name) {
            continue;
        }
        if !ids.is_empty() && !ids.contains(&k.id) {
            continue;
        }
        let keep = matches_filters(&flts, |name| {
            if let Some(values) = tag_filter_values(&k.tags, name) {
                return Some(values);
            }
            let actual: Vec<String> = match name.as_str() {
                "key-name" => vec![k.name.clone()],
                "key-pair-id" => vec![k.id.clone()],
                "fingerprint" => vec![k.fingerprint.clone()],
                "key-type" => vec![k.key_type.clone()],
                _ => return None,
            };
            Some(actual)
        })?;
        if !keep {
            continue;
        }
        let mut m = Map::new();
        m.insert("KeyPairId".into(), json!(k.id));
        m.insert("KeyFingerprint".into(), json!(k.fingerprint));
        m.insert("KeyName".into(), json!(k.name));
        m.insert("KeyType".into(), json!(k.key_type));
        m.insert("Tags".into(), tags_json(&k.tags));
        if include_public {
            m.insert("PublicKey".into(), json!(k.public_key));
        }
        m.insert("CreateTime".into(), json!(k.created.iso_offset()));
        out.push(Value::Object(m));
    }
    Ok(json!({ "KeyPairs": out }))
}

fn delete_key_pair(world: &mut World, input: &Value) -> R {
    let name = str_of(input, "KeyName");
    let id = str_of(input, "KeyPairId");
    if name.is_none() && id.is_none() {
        return Err(ApiError::new("MissingParameter", "The request must contain the parameter KeyName or KeyPairId"));
    }
    let pos = world.net.key_pairs.iter().position(|k| Some(&k.name) == name.as_ref() || Some(&k.id) == id.as_ref());
    // EC2 answers success for a name that does not exist; an unknown id is an error.
    let removed = match pos {
        Some(p) => Some(world.net.key_pairs.remove(p)),
        None => {
            if let Some(id) = id {
                return Err(ApiError::new("InvalidKeyPair.NotFound", format!("The key pair ID '{id}' does not exist")));
            }
            None
        }
    };
    world.bump();
    let mut m = Map::new();
    m.insert("Return".into(), json!(true));
    if let Some(k) = removed {
        m.insert("KeyPairId".into(), json!(k.id));
    }
    Ok(Value::Object(m))
}

// ---------------------------------------------------------------------------------------------
// Security groups
// ---------------------------------------------------------------------------------------------

fn find_group(world: &World, input: &Value) -> Result<String, ApiError> {
    if let Some(id) = str_of(input, "GroupId") {
        return match world.net.sg(&id) {
            Some(g) => Ok(g.id.clone()),
            None => Err(ApiError::new("InvalidGroup.NotFound", format!("The security group '{id}' does not exist"))),
        };
    }
    if let Some(name) = str_of(input, "GroupName") {
        let vpc = world.net.default_vpc().id.clone();
        return match world.net.sg_by_name(&vpc, &name) {
            Some(g) => Ok(g.id.clone()),
            None => Err(ApiError::new("InvalidGroup.NotFound", format!("The security group '{name}' does not exist in default VPC '{vpc}'"))),
        };
    }
    Err(ApiError::new("MissingParameter", "The request must contain the parameter groupName or groupId"))
}

fn create_security_group(world: &mut World, input: &Value) -> R {
    let name = required(input, "GroupName")?;
    let description = required(input, "Description")?;
    if name.len() > 255 || name.is_empty() {
        return Err(ApiError::new("InvalidParameterValue", format!("Value ({name}) for parameter GroupName is invalid. Length exceeds maximum of 255 characters.")));
    }
    if name.to_ascii_lowercase().starts_with("sg-") {
        return Err(ApiError::new("InvalidParameterValue", "Group names may not be in the format sg-*."));
    }
    let vpc_id = str_of(input, "VpcId").unwrap_or_else(|| world.net.default_vpc().id.clone());
    if !world.net.vpcs.iter().any(|v| v.id == vpc_id) {
        return Err(ApiError::new("InvalidVpcID.NotFound", format!("The vpc ID '{vpc_id}' does not exist")));
    }
    if world.net.sg_by_name(&vpc_id, &name).is_some() {
        return Err(ApiError::new("InvalidGroup.Duplicate", format!("The security group '{name}' already exists for VPC '{vpc_id}'")));
    }
    let id = world.rng.resource_id("sg");
    let egress = net::all_traffic_out(&mut world.rng);
    let tags = key_tags(input, "security-group");
    world.net.security_groups.push(SecurityGroup { id: id.clone(), name, description, vpc_id, ingress: Vec::new(), egress: vec![egress], tags: tags.clone() });
    world.bump();
    let mut m = Map::new();
    m.insert("GroupId".into(), json!(id));
    if !tags.is_empty() {
        m.insert("Tags".into(), tags_json(&tags));
    }
    m.insert("SecurityGroupArn".into(), json!(format!("arn:aws:ec2:us-east-1:{}:security-group/{id}", world.account_id())));
    Ok(Value::Object(m))
}

fn delete_security_group(world: &mut World, input: &Value) -> R {
    let id = find_group(world, input)?;
    let Some(g) = world.net.sg(&id) else { return Err(ApiError::new("InvalidGroup.NotFound", format!("The security group '{id}' does not exist"))) };
    if g.name == "default" {
        return Err(ApiError::new("CannotDelete", format!("the specified group: \"{id}\" name: \"default\" cannot be deleted by a user")));
    }
    let in_use = world.compute.iter().any(|i| i.state != State::Terminated && i.security_groups.contains(&id));
    let referenced = world.net.security_groups.iter().any(|o| o.id != id && o.ingress.iter().chain(o.egress.iter()).any(|r| r.peer == Peer::Group(id.clone())));
    if in_use || referenced {
        return Err(ApiError::new("DependencyViolation", format!("resource {id} has a dependent object")));
    }
    world.net.security_groups.retain(|g| g.id != id);
    world.bump();
    Ok(json!({"Return": true, "GroupId": id}))
}

fn rule_json(r: &Rule) -> Value {
    let mut m = Map::new();
    if let (Some(f), true) = (r.from_port, r.protocol != "-1") {
        m.insert("FromPort".into(), json!(f));
    }
    m.insert("IpProtocol".into(), json!(r.protocol));
    let mut ranges = Vec::new();
    let mut pairs = Vec::new();
    match &r.peer {
        Peer::Cidr(c) => {
            let mut x = Map::new();
            x.insert("CidrIp".into(), json!(c));
            if let Some(d) = &r.description {
                x.insert("Description".into(), json!(d));
            }
            ranges.push(Value::Object(x));
        }
        Peer::Group(g) => {
            let mut x = Map::new();
            if let Some(d) = &r.description {
                x.insert("Description".into(), json!(d));
            }
            x.insert("UserId".into(), json!("123456789012"));
            x.insert("GroupId".into(), json!(g));
            pairs.push(Value::Object(x));
        }
    }
    m.insert("IpRanges".into(), Value::Array(ranges));
    m.insert("Ipv6Ranges".into(), json!([]));
    m.insert("PrefixListIds".into(), json!([]));
    if let (Some(t), true) = (r.to_port, r.protocol != "-1") {
        m.insert("ToPort".into(), json!(t));
    }
    m.insert("UserIdGroupPairs".into(), Value::Array(pairs));
    Value::Object(m)
}

/// Merge rules that share protocol and ports into one IpPermission, as DescribeSecurityGroups does.
fn permissions_json(rules: &[Rule]) -> Value {
    let mut out: Vec<Value> = Vec::new();
    let mut keys: Vec<(String, Option<i32>, Option<i32>)> = Vec::new();
    for r in rules {
        let key = (r.protocol.clone(), r.from_port, r.to_port);
        let j = rule_json(r);
        match keys.iter().position(|k| *k == key) {
            Some(p) => {
                for field in ["IpRanges", "UserIdGroupPairs"] {
                    if let (Some(dst), Some(src)) = (out[p].get(field).cloned(), j.get(field)) {
                        let mut a = dst.as_array().cloned().unwrap_or_default();
                        a.extend(src.as_array().cloned().unwrap_or_default());
                        out[p][field] = Value::Array(a);
                    }
                }
            }
            None => {
                keys.push(key);
                out.push(j);
            }
        }
    }
    Value::Array(out)
}

fn sg_json(world: &World, g: &SecurityGroup) -> Value {
    let mut m = Map::new();
    m.insert("GroupId".into(), json!(g.id));
    m.insert("IpPermissionsEgress".into(), permissions_json(&g.egress));
    if !g.tags.is_empty() {
        m.insert("Tags".into(), tags_json(&g.tags));
    }
    m.insert("VpcId".into(), json!(g.vpc_id));
    m.insert("SecurityGroupArn".into(), json!(format!("arn:aws:ec2:us-east-1:{}:security-group/{}", world.account_id(), g.id)));
    m.insert("OwnerId".into(), json!(world.account_id()));
    m.insert("GroupName".into(), json!(g.name));
    m.insert("Description".into(), json!(g.description));
    m.insert("IpPermissions".into(), permissions_json(&g.ingress));
    Value::Object(m)
}

fn describe_security_groups(world: &mut World, input: &Value) -> R {
    let ids = list_of(input, "GroupIds");
    let names = list_of(input, "GroupNames");
    let vpc = world.net.default_vpc().id.clone();
    for id in &ids {
        if world.net.sg(id).is_none() {
            return Err(ApiError::new("InvalidGroup.NotFound", format!("The security group '{id}' does not exist")));
        }
    }
    for n in &names {
        if world.net.sg_by_name(&vpc, n).is_none() {
            return Err(ApiError::new("InvalidGroup.NotFound", format!("The security group '{n}' does not exist in default VPC '{vpc}'")));
        }
    }
    let flts = filters(input);
    let mut out = Vec::new();
    for g in &world.net.security_groups {
        if !ids.is_empty() && !ids.contains(&g.id) {
            continue;
        }
        if !names.is_empty() && !names.contains(&g.name) {
            continue;
        }
        let keep = matches_filters(&flts, |name| {
            if let Some(values) = tag_filter_values(&g.tags, name) {
                return Some(values);
            }
            let actual: Vec<String> = match name.as_str() {
                "group-id" => vec![g.id.clone()],
                "group-name" => vec![g.name.clone()],
                "vpc-id" => vec![g.vpc_id.clone()],
                "description" => vec![g.description.clone()],
                "owner-id" => vec![world.account_id().into()],
                "ip-permission.from-port" => g.ingress.iter().filter_map(|r| r.from_port.map(|p| p.to_string())).collect(),
                "ip-permission.to-port" => g.ingress.iter().filter_map(|r| r.to_port.map(|p| p.to_string())).collect(),
                "ip-permission.protocol" => g.ingress.iter().map(|r| r.protocol.clone()).collect(),
                "ip-permission.cidr" => g.ingress.iter().filter_map(|r| if let Peer::Cidr(c) = &r.peer { Some(c.clone()) } else { None }).collect(),
                _ => return None,
            };
            Some(actual)
        })?;
        if keep {
            out.push(sg_json(world, g));
        }
    }
    Ok(json!({ "SecurityGroups": out }))
}

/// Rules named by an authorize/revoke request: the flat form (`IpProtocol`, `FromPort`, `ToPort`,
/// `CidrIp`, `SourceSecurityGroupName`) or `IpPermissions`.
fn requested_rules(world: &World, input: &Value) -> Result<Vec<Rule>, ApiError> {
    let mut rules = Vec::new();
    let norm_proto = |p: &str| -> Result<String, ApiError> {
        match p.to_ascii_lowercase().as_str() {
            "tcp" | "6" => Ok("tcp".into()),
            "udp" | "17" => Ok("udp".into()),
            "icmp" | "1" => Ok("icmp".into()),
            "-1" | "all" => Ok("-1".into()),
            other => Err(ApiError::new("InvalidParameterValue", format!("Invalid value '{other}' for IP protocol. Unknown protocol."))),
        }
    };
    let check_ports = |proto: &str, from: Option<i64>, to: Option<i64>| -> Result<(Option<i32>, Option<i32>), ApiError> {
        if proto == "-1" {
            return Ok((None, None));
        }
        let (Some(f), Some(t)) = (from, to) else {
            return Err(ApiError::new("MissingParameter", "The request must contain the parameter FromPort and ToPort for TCP or UDP rules"));
        };
        if proto != "icmp" && (!(0..=65535).contains(&f) || !(0..=65535).contains(&t) || f > t) {
            return Err(ApiError::new("InvalidParameterValue", format!("Invalid value '{f}-{t}' for port range. Specify a range from 0 to 65535 with the start no greater than the end.")));
        }
        Ok((Some(f as i32), Some(t as i32)))
    };
    let check_cidr = |c: &str| -> Result<String, ApiError> {
        match net::parse_cidr(c) {
            Some(_) => Ok(c.to_string()),
            None => Err(ApiError::new("InvalidParameterValue", format!("CIDR block {c} is malformed"))),
        }
    };
    if let Some(proto) = str_of(input, "IpProtocol") {
        let proto = norm_proto(&proto)?;
        let (f, t) = check_ports(&proto, int_of(input, "FromPort"), int_of(input, "ToPort"))?;
        let peer = if let Some(c) = str_of(input, "CidrIp") {
            Peer::Cidr(check_cidr(&c)?)
        } else if let Some(g) = str_of(input, "SourceSecurityGroupName") {
            let vpc = world.net.default_vpc().id.clone();
            Peer::Group(world.net.sg_by_name(&vpc, &g).map(|x| x.id.clone()).ok_or_else(|| ApiError::new("InvalidGroup.NotFound", format!("The security group '{g}' does not exist in default VPC '{vpc}'")))?)
        } else {
            return Err(ApiError::new("MissingParameter", "The request must contain the parameter CidrIp or SourceSecurityGroupName"));
        };
        rules.push(Rule { id: String::new(), protocol: proto, from_port: f, to_port: t, peer, description: None });
    }
    if let Some(perms) = input.get("IpPermissions").and_then(Value::as_array) {
        for p in perms {
            let proto = norm_proto(&str_of(p, "IpProtocol").unwrap_or_else(|| "-1".into()))?;
            let (f, t) = check_ports(&proto, int_of(p, "FromPort"), int_of(p, "ToPort"))?;
            for r in p.get("IpRanges").and_then(Value::as_array).into_iter().flatten() {
                let c = str_of(r, "CidrIp").unwrap_or_default();
                rules.push(Rule { id: String::new(), protocol: proto.clone(), from_port: f, to_port: t, peer: Peer::Cidr(check_cidr(&c)?), description: str_of(r, "Description") });
            }
            for r in p.get("UserIdGroupPairs").and_then(Value::as_array).into_iter().flatten() {
                let g = str_of(r, "GroupId").or_else(|| {
                    let vpc = world.net.default_vpc().id.clone();
                    str_of(r, "GroupName").and_then(|n| world.net.sg_by_name(&vpc, &n).map(|x| x.id.clone()))
                });
                let Some(g) = g.filter(|g| world.net.sg(g).is_some()) else {
                    return Err(ApiError::new("InvalidGroup.NotFound", "The security group in UserIdGroupPairs does not exist"));
                };
                rules.push(Rule { id: String::new(), protocol: proto.clone(), from_port: f, to_port: t, peer: Peer::Group(g), description: str_of(r, "Description") });
            }
        }
    }
    if rules.is_empty() {
        return Err(ApiError::new("MissingParameter", "The request must contain the parameter IpPermissions"));
    }
    Ok(rules)
}

fn same_rule(a: &Rule, b: &Rule) -> bool {
    a.protocol == b.protocol && a.from_port == b.from_port && a.to_port == b.to_port && a.peer == b.peer
}

fn rule_words(r: &Rule) -> String {
    let peer = match &r.peer {
        Peer::Cidr(c) => c.clone(),
        Peer::Group(g) => g.clone(),
    };
    let proto = if r.protocol == "-1" { "ALL".to_string() } else { r.protocol.to_uppercase() };
    format!(
        "peer: {peer}, {proto}, from port: {}, to port: {}, ALLOW",
        r.from_port.map(|p| p.to_string()).unwrap_or_else(|| "-1".into()),
        r.to_port.map(|p| p.to_string()).unwrap_or_else(|| "-1".into())
    )
}

fn authorize_ingress(world: &mut World, input: &Value) -> R {
    let gid = find_group(world, input)?;
    let mut rules = requested_rules(world, input)?;
    let existing = world.net.sg(&gid).map(|g| g.ingress.clone()).unwrap_or_default();
    for r in &rules {
        if existing.iter().any(|e| same_rule(e, r)) {
            return Err(ApiError::new("InvalidPermission.Duplicate", format!("the specified rule \"{}\" already exists", rule_words(r))));
        }
    }
    let mut out = Vec::new();
    for r in rules.iter_mut() {
        r.id = world.rng.resource_id("sgr");
        let mut m = Map::new();
        m.insert("SecurityGroupRuleId".into(), json!(r.id));
        m.insert("GroupId".into(), json!(gid));
        m.insert("GroupOwnerId".into(), json!(world.account_id()));
        m.insert("IsEgress".into(), json!(false));
        m.insert("IpProtocol".into(), json!(r.protocol));
        m.insert("FromPort".into(), json!(r.from_port.unwrap_or(-1)));
        m.insert("ToPort".into(), json!(r.to_port.unwrap_or(-1)));
        match &r.peer {
            Peer::Cidr(c) => {
                m.insert("CidrIpv4".into(), json!(c));
            }
            Peer::Group(g) => {
                m.insert("ReferencedGroupInfo".into(), json!({"GroupId": g, "UserId": world.account_id()}));
            }
        }
        if let Some(d) = &r.description {
            m.insert("Description".into(), json!(d));
        }
        m.insert("SecurityGroupRuleArn".into(), json!(format!("arn:aws:ec2:us-east-1:{}:security-group-rule/{}", world.account_id(), r.id)));
        out.push(Value::Object(m));
    }
    if let Some(g) = world.net.sg_mut(&gid) {
        g.ingress.extend(rules);
    }
    world.bump();
    Ok(json!({"Return": true, "SecurityGroupRules": out}))
}

fn revoke_ingress(world: &mut World, input: &Value) -> R {
    let gid = find_group(world, input)?;
    if let Some(ids) = input.get("SecurityGroupRuleIds").and_then(Value::as_array) {
        let ids: Vec<String> = ids.iter().filter_map(|v| v.as_str().map(String::from)).collect();
        let Some(g) = world.net.sg_mut(&gid) else { return Err(ApiError::new("InvalidGroup.NotFound", "The security group does not exist")) };
        for id in &ids {
            if !g.ingress.iter().any(|r| &r.id == id) {
                return Err(ApiError::new("InvalidSecurityGroupRuleId.NotFound", format!("The security group rule ID '{id}' does not exist")));
            }
        }
        g.ingress.retain(|r| !ids.contains(&r.id));
        world.bump();
        return Ok(json!({"Return": true}));
    }
    let rules = requested_rules(world, input)?;
    let Some(g) = world.net.sg_mut(&gid) else { return Err(ApiError::new("InvalidGroup.NotFound", "The security group does not exist")) };
    let mut unknown = Vec::new();
    for r in &rules {
        if let Some(p) = g.ingress.iter().position(|e| same_rule(e, r)) {
            g.ingress.remove(p);
        } else {
            unknown.push(rule_json(r));
        }
    }
    world.bump();
    if unknown.len() == rules.len() {
        return Err(ApiError::new("InvalidPermission.NotFound", "The specified rule does not exist in this security group."));
    }
    let mut m = Map::new();
    m.insert("Return".into(), json!(true));
    if !unknown.is_empty() {
        m.insert("UnknownIpPermissions".into(), Value::Array(unknown));
    }
    Ok(Value::Object(m))
}

// ---------------------------------------------------------------------------------------------
// VPCs, subnets, tags
// ---------------------------------------------------------------------------------------------

fn describe_vpcs(world: &mut World, input: &Value) -> R {
    let ids = list_of(input, "VpcIds");
    for id in &ids {
        if !world.net.vpcs.iter().any(|v| &v.id == id) {
            return Err(ApiError::new("InvalidVpcID.NotFound", format!("The vpc ID '{id}' does not exist")));
        }
    }
    let flts = filters(input);
    let mut out = Vec::new();
    for v in &world.net.vpcs {
        if !ids.is_empty() && !ids.contains(&v.id) {
            continue;
        }
        let keep = matches_filters(&flts, |name| {
            let actual = match name.as_str() {
                "vpc-id" => v.id.clone(),
                "is-default" | "isDefault" => v.is_default.to_string(),
                "cidr" | "cidr-block-association.cidr-block" => v.cidr.clone(),
                "state" => "available".into(),
                "owner-id" => world.account_id().into(),
                _ => return None,
            };
            Some(vec![actual])
        })?;
        if keep {
            out.push(json!({
                "OwnerId": world.account_id(),
                "InstanceTenancy": "default",
                "CidrBlockAssociationSet": [{"AssociationId": v.cidr_assoc_id, "CidrBlock": v.cidr, "CidrBlockState": {"State": "associated"}}],
                "IsDefault": v.is_default,
                "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
                "VpcId": v.id,
                "State": "available",
                "CidrBlock": v.cidr,
                "DhcpOptionsId": v.dhcp_options_id,
            }));
        }
    }
    Ok(json!({ "Vpcs": out }))
}

fn describe_subnets(world: &mut World, input: &Value) -> R {
    let ids = list_of(input, "SubnetIds");
    for id in &ids {
        if world.net.subnet(id).is_none() {
            return Err(ApiError::new("InvalidSubnetID.NotFound", format!("The subnet ID '{id}' does not exist")));
        }
    }
    let flts = filters(input);
    let mut out = Vec::new();
    for s in &world.net.subnets {
        if !ids.is_empty() && !ids.contains(&s.id) {
            continue;
        }
        let az = catalog::azs().get(s.az);
        let keep = matches_filters(&flts, |name| {
            let actual = match name.as_str() {
                "subnet-id" => s.id.clone(),
                "vpc-id" => s.vpc_id.clone(),
                "availability-zone" | "availabilityZone" => az.map(|a| a.name.to_string()).unwrap_or_default(),
                "availability-zone-id" => az.map(|a| a.zone_id.to_string()).unwrap_or_default(),
                "default-for-az" | "defaultForAz" => s.default_for_az.to_string(),
                "cidr-block" | "cidr" | "cidrBlock" => s.cidr(),
                "state" => "available".into(),
                "map-public-ip-on-launch" => s.map_public_ip_on_launch.to_string(),
                "owner-id" => world.account_id().into(),
                _ => return None,
            };
            Some(vec![actual])
        })?;
        if keep {
            out.push(json!({
                "AvailabilityZoneId": az.map(|a| a.zone_id).unwrap_or_default(),
                "MapCustomerOwnedIpOnLaunch": false,
                "OwnerId": world.account_id(),
                "AssignIpv6AddressOnCreation": false,
                "Ipv6CidrBlockAssociationSet": [],
                "SubnetArn": format!("arn:aws:ec2:us-east-1:{}:subnet/{}", world.account_id(), s.id),
                "EnableDns64": false,
                "Ipv6Native": false,
                "PrivateDnsNameOptionsOnLaunch": {"HostnameType": "ip-name", "EnableResourceNameDnsARecord": false, "EnableResourceNameDnsAAAARecord": false},
                "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
                "SubnetId": s.id,
                "State": "available",
                "VpcId": s.vpc_id,
                "CidrBlock": s.cidr(),
                "AvailableIpAddressCount": s.available(),
                "AvailabilityZone": az.map(|a| a.name).unwrap_or_default(),
                "DefaultForAz": s.default_for_az,
                "MapPublicIpOnLaunch": s.map_public_ip_on_launch,
            }));
        }
    }
    Ok(json!({ "Subnets": out }))
}

/// Tags live on instances, security groups and key pairs in this simulation.
fn tags_mut<'a>(world: &'a mut World, id: &str) -> Option<&'a mut Vec<(String, String)>> {
    if id.starts_with("i-") {
        return world.compute.get_mut(id).map(|i| &mut i.tags);
    }
    if id.starts_with("sg-") {
        return world.net.sg_mut(id).map(|g| &mut g.tags);
    }
    if id.starts_with("key-") {
        return world.net.key_pairs.iter_mut().find(|k| k.id == id).map(|k| &mut k.tags);
    }
    if id.starts_with("ami-") {
        return world.images.get_mut(id).filter(|i| i.state != crate::images::ImageState::Deregistered).map(|i| &mut i.tags);
    }
    if id.starts_with("h-") {
        let now = world.now();
        return world.dedicated.tags_mut(id, now);
    }
    None
}

fn create_tags(world: &mut World, input: &Value, add: bool) -> R {
    let resources = list_of(input, "Resources");
    if resources.is_empty() {
        return Err(ApiError::new("MissingParameter", "The request must contain the parameter resourceIdSet"));
    }
    let tags = tags_of(input.get("Tags").unwrap_or(&Value::Null));
    if add && tags.is_empty() {
        return Err(ApiError::new("MissingParameter", "The request must contain the parameter Tags"));
    }
    for r in &resources {
        if tags_mut(world, r).is_none() {
            let (code, what) = if r.starts_with("i-") {
                ("InvalidInstanceID.NotFound", format!("The instance ID '{r}' does not exist"))
            } else if r.starts_with("sg-") {
                ("InvalidGroup.NotFound", format!("The security group '{r}' does not exist"))
            } else if r.starts_with("ami-") {
                ("InvalidAMIID.NotFound", format!("The image id '[{r}]' does not exist"))
            } else if r.starts_with("h-") {
                let e = crate::dedicated::errors::not_found(r);
                (e.code, e.message)
            } else {
                ("InvalidID", format!("The ID '{r}' is not valid"))
            };
            return Err(ApiError::new(code, what));
        }
    }
    for (k, _) in &tags {
        if k.to_ascii_lowercase().starts_with("aws:") {
            return Err(ApiError::new("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use"));
        }
    }
    let raw_tags = input.get("Tags").and_then(Value::as_array).cloned().unwrap_or_default();
    for r in &resources {
        let Some(list) = tags_mut(world, r) else { continue };
        if add {
            for (k, v) in &tags {
                match list.iter_mut().find(|(a, _)| a == k) {
                    Some(e) => e.1 = v.clone(),
                    None => list.push((k.clone(), v.clone())),
                }
            }
        } else if raw_tags.is_empty() {
            list.clear();
        } else {
            for t in &raw_tags {
                let Some(k) = str_of(t, "Key") else { continue };
                let v = t.get("Value").and_then(Value::as_str);
                list.retain(|(a, b)| !(a == &k && v.is_none_or(|v| v == b)));
            }
        }
    }
    world.bump();
    Ok(json!({}))
}

fn describe_tags(world: &mut World, input: &Value) -> R {
    let flts = filters(input);
    let mut rows: Vec<(String, &'static str, String, String)> = Vec::new();
    for i in world.compute.iter() {
        for (k, v) in &i.tags {
            rows.push((i.id.clone(), "instance", k.clone(), v.clone()));
        }
    }
    for g in &world.net.security_groups {
        for (k, v) in &g.tags {
            rows.push((g.id.clone(), "security-group", k.clone(), v.clone()));
        }
    }
    for kp in &world.net.key_pairs {
        for (k, v) in &kp.tags {
            rows.push((kp.id.clone(), "key-pair", k.clone(), v.clone()));
        }
    }
    for img in world.images.live() {
        for (k, v) in &img.tags {
            rows.push((img.id.clone(), "image", k.clone(), v.clone()));
        }
    }
    let now = world.now();
    for h in world.dedicated.hosts.iter().filter(|h| h.visible(now)) {
        for (k, v) in &h.tags {
            rows.push((h.id.clone(), "dedicated-host", k.clone(), v.clone()));
        }
    }
    let mut out = Vec::new();
    for (rid, rt, k, v) in rows {
        let keep = matches_filters(&flts, |name| {
            let actual = match name.as_str() {
                "resource-id" => rid.clone(),
                "resource-type" => rt.to_string(),
                "key" | "tag-key" => k.clone(),
                "value" | "tag-value" => v.clone(),
                n if n.starts_with("tag:") => {
                    if &n[4..] == k.as_str() { v.clone() } else { return Some(Vec::new()) }
                }
                _ => return None,
            };
            Some(vec![actual])
        })?;
        if keep {
            out.push(json!({"Key": k, "ResourceId": rid, "ResourceType": rt, "Value": v}));
        }
    }
    Ok(json!({ "Tags": out }))
}

fn describe_instance_attribute(world: &mut World, input: &Value) -> R {
    let id = required(input, "InstanceId")?;
    check_instance_id(world, &id)?;
    let attr = required(input, "Attribute")?;
    let Some(i) = world.compute.get(&id) else { return Err(ApiError::new("InvalidInstanceID.NotFound", format!("The instance ID '{id}' does not exist"))) };
    let mut m = Map::new();
    m.insert("InstanceId".into(), json!(id));
    match attr.as_str() {
        "userData" => {
            m.insert("UserData".into(), match &i.user_data {
                Some(u) => json!({"Value": u}),
                None => json!({}),
            });
        }
        "instanceType" => {
            m.insert("InstanceType".into(), json!({"Value": i.instance_type}));
        }
        "disableApiTermination" => {
            m.insert("DisableApiTermination".into(), json!({"Value": i.disable_api_termination}));
        }
        "instanceInitiatedShutdownBehavior" => {
            m.insert("InstanceInitiatedShutdownBehavior".into(), json!({"Value": i.shutdown_behavior}));
        }
        "ebsOptimized" => {
            m.insert("EbsOptimized".into(), json!({"Value": i.ebs_optimized}));
        }
        "groupSet" => {
            m.insert("Groups".into(), Value::Array(i.security_groups.iter().map(|g| json!({"GroupId": g})).collect()));
        }
        "rootDeviceName" => {
            m.insert("RootDeviceName".into(), json!({"Value": i.ami().map(|a| a.root_device_name).unwrap_or("/dev/xvda")}));
        }
        "sourceDestCheck" => {
            m.insert("SourceDestCheck".into(), json!({"Value": true}));
        }
        "enaSupport" => {
            m.insert("EnaSupport".into(), json!({"Value": true}));
        }
        "kernel" | "ramdisk" | "productCodes" | "blockDeviceMapping" | "sriovNetSupport" | "enclaveOptions" | "disableApiStop" => {
            return Err(ApiError::new("NotSimulated", format!("DescribeInstanceAttribute for '{attr}' is not simulated in ec2lab yet.")));
        }
        _ => {
            return Err(ApiError::new("InvalidParameterValue", format!("Value ({attr}) for parameter attribute is invalid. Unknown attribute.")));
        }
    }
    Ok(Value::Object(m))
}

fn modify_instance_attribute(world: &mut World, input: &Value) -> R {
    use base64::Engine as _;
    let id = required(input, "InstanceId")?;
    check_instance_id(world, &id)?;
    let Some(state) = world.compute.get(&id).map(|i| i.state) else { return Ok(json!({})) };
    let value_of = |key: &str| input.get(key).and_then(|v| if v.is_object() { str_of(v, "Value") } else { str_of(input, key) });
    let attr = str_of(input, "Attribute");
    let val = str_of(input, "Value");
    let pick = |key: &str, attr_name: &str| value_of(key).or_else(|| if attr.as_deref() == Some(attr_name) { val.clone() } else { None });
    // AWS's words, whatever the attribute (the argument only names it for the reader).
    let stopped_only = |_what: &str| -> Result<(), ApiError> {
        if state != State::Stopped {
            return Err(ApiError::new("IncorrectInstanceState", format!("The instance '{id}' is not in the 'stopped' state.")));
        }
        Ok(())
    };
    let mut changed = false;
    if let Some(ud) = pick("UserData", "userData") {
        stopped_only("User data")?;
        // The API takes base64, and `--attribute userData --value` passes the text as given (the
        // CLI encodes only run-instances' --user-data). Line breaks, as `base64` wraps its
        // output, are skipped. What the bytes mean is not EC2's business: anything decodable up
        // to the size limit is stored.
        let clean: String = ud.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let raw = base64::engine::general_purpose::STANDARD
            .decode(clean.as_bytes())
            .map_err(|_| ApiError::new("InvalidUserData.Malformed", "Invalid BASE64 encoding of user data."))?;
        if raw.len() > crate::compute::USER_DATA_LIMIT {
            return Err(ApiError::new("InvalidParameterValue", format!("User data is limited to {} bytes", crate::compute::USER_DATA_LIMIT)));
        }
        if let Some(i) = world.compute.get_mut(&id) {
            i.user_data = if clean.is_empty() { None } else { Some(clean) };
        }
        changed = true;
    }
    if let Some(t) = pick("InstanceType", "instanceType") {
        stopped_only("The instance type")?;
        if catalog::instance_type(&t).is_none() {
            return Err(ApiError::new("InvalidParameterValue", format!("Value ({t}) for parameter instanceType is invalid.")));
        }
        if let Some(i) = world.compute.get_mut(&id) {
            i.instance_type = t;
        }
        changed = true;
    }
    if let Some(v) = pick("DisableApiTermination", "disableApiTermination") {
        if let Some(i) = world.compute.get_mut(&id) {
            i.disable_api_termination = v == "true";
        }
        changed = true;
    }
    if let Some(v) = pick("InstanceInitiatedShutdownBehavior", "instanceInitiatedShutdownBehavior") {
        if v != "stop" && v != "terminate" {
            return Err(Ec2Error::invalid_value(&v, "InstanceInitiatedShutdownBehavior").into());
        }
        if let Some(i) = world.compute.get_mut(&id) {
            i.shutdown_behavior = v;
        }
        changed = true;
    }
    let groups = list_of(input, "Groups");
    if !groups.is_empty() {
        for g in &groups {
            if world.net.sg(g).is_none() {
                return Err(ApiError::new("InvalidGroup.NotFound", format!("The security group '{g}' does not exist")));
            }
        }
        if let Some(i) = world.compute.get_mut(&id) {
            i.security_groups = groups;
        }
        changed = true;
    }
    if let Some(v) = pick("EbsOptimized", "ebsOptimized") {
        stopped_only("EBS optimization")?;
        if let Some(i) = world.compute.get_mut(&id) {
            i.ebs_optimized = v == "true";
        }
        changed = true;
    }
    if !changed {
        return Err(ApiError::new("MissingParameter", "The request must contain exactly one attribute to modify."));
    }
    world.bump();
    Ok(json!({}))
}

/// ModifyInstanceMetadataOptions: the named options change, the rest stay; the answer says
/// `pending` until the instance applies them (see `imds::modify_options`).
fn modify_instance_metadata_options(world: &mut World, input: &Value) -> R {
    let id = str_of(input, "InstanceId").unwrap_or_default();
    let req = MetadataOptionsRequest {
        http_tokens: str_of(input, "HttpTokens"),
        hop_limit: int_of(input, "HttpPutResponseHopLimit"),
        http_endpoint: str_of(input, "HttpEndpoint"),
        http_protocol_ipv6: str_of(input, "HttpProtocolIpv6"),
        instance_metadata_tags: str_of(input, "InstanceMetadataTags"),
    };
    let md = crate::imds::modify_options(world, &id, &req)?;
    Ok(json!({
        "InstanceId": id,
        "InstanceMetadataOptions": {
            "State": "pending",
            "HttpTokens": md.http_tokens,
            "HttpPutResponseHopLimit": md.hop_limit,
            "HttpEndpoint": md.http_endpoint,
            "HttpProtocolIpv6": md.http_protocol_ipv6,
            "InstanceMetadataTags": md.instance_metadata_tags,
        },
    }))
}

fn get_console_output(world: &mut World, input: &Value) -> R {
    use base64::Engine as _;
    let id = required(input, "InstanceId")?;
    check_instance_id(world, &id)?;
    let Some(i) = world.compute.get(&id) else { return Ok(json!({"InstanceId": id})) };
    let mut m = Map::new();
    m.insert("InstanceId".into(), json!(id));
    if i.boots == 0 {
        return Ok(Value::Object(m));
    }
    let host = i.short_hostname();
    let os = i.ami().map(|a| a.os_name).unwrap_or("Linux");
    let log = format!(
        "[    0.000000] Linux version 6.1.0 (mockbuild@ec2lab) #1 SMP\n[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz root=UUID=00000000 ro console=ttyS0\n[    2.113421] systemd[1]: Detected virtualization amazon.\n[    2.401132] systemd[1]: Hostname set to <{host}.ec2.internal>.\n[  OK  ] Started sshd.service - OpenSSH server daemon.\n[  OK  ] Reached target multi-user.target - Multi-User System.\n\n{os}\nKernel 6.1 on an x86_64 (-)\n\n{host} login: \n"
    );
    m.insert("Output".into(), json!(base64::engine::general_purpose::STANDARD.encode(log)));
    m.insert("Timestamp".into(), json!(i.state_since.iso_offset()));
    Ok(Value::Object(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("web*", "web-1"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("t3.?icro", "t3.micro"));
        assert!(!wildcard_match("web", "web-1"));
        assert!(wildcard_match("*-1", "web-1"));
        assert!(!wildcard_match("a*b", "a"));
    }

    #[test]
    fn filters_and_across_names_or_across_values_and_reject_unknown_names() {
        let f = |pairs: &[(&str, &[&str])]| -> Vec<(String, Vec<String>)> {
            pairs.iter().map(|(n, v)| (n.to_string(), v.iter().map(|x| x.to_string()).collect())).collect()
        };
        let values = |name: &String| match name.as_str() {
            "state" => Some(vec!["running".to_string()]),
            "type" => Some(vec!["t3.micro".to_string()]),
            _ => None,
        };
        assert_eq!(matches_filters(&f(&[("state", &["stopped", "running"]), ("type", &["t3.*"])]), values), Ok(true));
        assert_eq!(matches_filters(&f(&[("state", &["stopped"])]), values), Ok(false));
        // An unknown name is an error even after another filter has already failed.
        let err = matches_filters(&f(&[("state", &["stopped"]), ("bogus", &["x"])]), values).unwrap_err();
        assert_eq!(err.message, "The filter 'bogus' is invalid");
    }

    #[test]
    fn every_listed_instance_filter_is_answered() {
        let mut world = World::new(1);
        let input = json!({"ImageId": "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1});
        call(&mut world, &super::super::Caller::Admin, "RunInstances", &input).unwrap();
        let inst = world.compute.iter().next().unwrap().clone();
        for name in INSTANCE_FILTERS {
            assert!(instance_filter_values(&world, &inst, name).is_some(), "{name}");
        }
        assert!(instance_filter_values(&world, &inst, "no-such-filter").is_none());
    }

    #[test]
    fn run_instances_output_shape() {
        let mut world = World::new(1);
        let input = json!({"ImageId": "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", "InstanceType": "m5.large", "MinCount": 2, "MaxCount": 2,
            "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "db"}]}]});
        let out = call(&mut world, &super::super::Caller::Admin, "RunInstances", &input).unwrap();
        assert!(out["ReservationId"].as_str().unwrap().starts_with("r-0"));
        let insts = out["Instances"].as_array().unwrap();
        assert_eq!(insts.len(), 2);
        assert_eq!(insts[1]["AmiLaunchIndex"], 1);
        assert_eq!(insts[0]["State"], json!({"Code": 0, "Name": "pending"}));
        assert_eq!(insts[0]["Tags"][0]["Value"], "db");
        assert_eq!(insts[0]["CpuOptions"]["CoreCount"], 1);
        assert_eq!(insts[0]["MetadataOptions"]["HttpTokens"], "required", "AL2023 AMIs default to IMDSv2");
        let ip = insts[0]["PublicIpAddress"].as_str().unwrap();
        assert_eq!(insts[0]["PublicDnsName"], format!("ec2-{}.compute-1.amazonaws.com", ip.replace('.', "-")));
        let private = insts[0]["PrivateIpAddress"].as_str().unwrap();
        assert!(private.starts_with("172.31."));
        // Both share the reservation and the same AZ.
        assert_eq!(insts[0]["Placement"]["AvailabilityZone"], insts[1]["Placement"]["AvailabilityZone"]);
    }

    #[test]
    fn security_group_rules_round_trip() {
        let mut world = World::new(1);
        let sg = call(&mut world, &super::super::Caller::Admin, "CreateSecurityGroup", &json!({"GroupName": "web", "Description": "web"})).unwrap();
        let id = sg["GroupId"].as_str().unwrap().to_string();
        let rule = json!({"GroupId": id, "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "0.0.0.0/0"});
        call(&mut world, &super::super::Caller::Admin, "AuthorizeSecurityGroupIngress", &rule).unwrap();
        let dup = call(&mut world, &super::super::Caller::Admin, "AuthorizeSecurityGroupIngress", &rule).unwrap_err();
        assert_eq!(dup.code, "InvalidPermission.Duplicate");
        assert!(world.net.workstation_allowed(&[id.clone()], 80));
        assert!(!world.net.workstation_allowed(&[id.clone()], 22));
        call(&mut world, &super::super::Caller::Admin, "RevokeSecurityGroupIngress", &rule).unwrap();
        assert!(!world.net.workstation_allowed(&[id.clone()], 80));
        let gone = call(&mut world, &super::super::Caller::Admin, "RevokeSecurityGroupIngress", &rule).unwrap_err();
        assert_eq!(gone.code, "InvalidPermission.NotFound");
        let default = world.net.sg_by_name(&world.net.default_vpc().id.clone(), "default").unwrap().id.clone();
        let err = call(&mut world, &super::super::Caller::Admin, "DeleteSecurityGroup", &json!({"GroupId": default})).unwrap_err();
        assert_eq!(err.code, "CannotDelete");
        call(&mut world, &super::super::Caller::Admin, "DeleteSecurityGroup", &json!({"GroupId": id})).unwrap();
    }
}
