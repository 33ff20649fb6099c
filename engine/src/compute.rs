//! Instances: launch, placement on hosts, lifecycle on the virtual clock, status checks.
//! Typed requests in, typed errors out; the AWS JSON shapes live in `api::ec2`.

use crate::catalog;
use crate::clock::{Time, SECOND};
use crate::fs::Fs;
use crate::net;
use crate::world::{Event, EventKind, World};
use std::collections::BTreeMap;

/// How long things take on the virtual clock (ranges, drawn from the seeded generator).
/// Tens of seconds to boot, as in EC2; one place to tune them.
pub mod timing {
    use crate::clock::{MINUTE, SECOND};
    pub const BOOT: (u64, u64) = (20 * SECOND, 45 * SECOND);
    pub const SSHD_AFTER_RUNNING: (u64, u64) = (8 * SECOND, 20 * SECOND);
    pub const STATUS_CHECKS_AFTER_RUNNING: (u64, u64) = (90 * SECOND, 150 * SECOND);
    pub const STOP: (u64, u64) = (20 * SECOND, 50 * SECOND);
    pub const TERMINATE: (u64, u64) = (20 * SECOND, 50 * SECOND);
    pub const REBOOT: (u64, u64) = (20 * SECOND, 40 * SECOND);
    /// Terminated instances stay visible in describe calls for about an hour.
    pub const TERMINATED_VISIBLE: u64 = 60 * MINUTE;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    Pending,
    Running,
    ShuttingDown,
    Terminated,
    Stopping,
    Stopped,
}

impl State {
    pub fn code(self) -> u32 {
        match self {
            State::Pending => 0,
            State::Running => 16,
            State::ShuttingDown => 32,
            State::Terminated => 48,
            State::Stopping => 64,
            State::Stopped => 80,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Running => "running",
            State::ShuttingDown => "shutting-down",
            State::Terminated => "terminated",
            State::Stopping => "stopping",
            State::Stopped => "stopped",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MetadataOptions {
    pub http_tokens: String,
    pub hop_limit: u32,
    pub http_endpoint: String,
    pub http_protocol_ipv6: String,
    pub instance_metadata_tags: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Placement {
    pub az: usize,
    pub group_name: Option<String>,
    pub partition_number: Option<u32>,
    pub tenancy: String,
    pub host_id: Option<String>,
    pub affinity: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Instance {
    pub id: String,
    pub reservation_id: String,
    pub launch_index: u32,
    pub image_id: String,
    /// The public catalogue AMI whose OS the instance runs: `image_id` itself, or for an owned
    /// image (`images.rs`) the catalogue AMI it was baked from. OS facts come from it.
    pub base_image: &'static str,
    pub instance_type: String,
    pub key_name: Option<String>,
    /// Index into `Net::subnets`.
    pub subnet: usize,
    pub private_ip: u32,
    pub public_ip: Option<u32>,
    /// Whether the instance gets a public address at every start.
    pub wants_public_ip: bool,
    pub security_groups: Vec<String>,
    pub state: State,
    pub state_since: Time,
    pub transition_reason: String,
    pub state_reason: Option<(String, String)>,
    pub launch_time: Time,
    /// When the instance was first launched: the root volume and network interface stay
    /// attached since then, across stops and starts.
    pub created: Time,
    pub host: Option<usize>,
    pub last_host: Option<usize>,
    pub tags: Vec<(String, String)>,
    /// Base64 user data as EC2 stores it (cloud-init reads it at boot: `guest::cloud_init`).
    pub user_data: Option<String>,
    pub metadata: MetadataOptions,
    /// The IAM instance profile association and what the metadata service delivers for it.
    pub iam: crate::sts::InstanceIam,
    pub placement: Placement,
    pub ebs_optimized: bool,
    pub monitoring: bool,
    pub client_token: String,
    pub eni_id: String,
    pub attachment_id: String,
    pub mac: String,
    pub volume_id: String,
    pub shutdown_behavior: String,
    pub disable_api_termination: bool,
    pub boots: u32,
    pub checks_ok_at: Option<Time>,
    pub sshd_ready_at: Option<Time>,
    /// Bumped on every transition so stale timed events are ignored.
    pub generation: u32,
    pub fs: Fs,
    /// The guest OS: packages, services, cloud-init's record, the boot timeline.
    pub guest: crate::guest::Guest,
    /// The metadata service's per-instance state: tokens, request log, tokenless count.
    pub imds: crate::imds::ImdsState,
    /// Hardware failures as they touch this instance, its maintenance options and scheduled
    /// events (`faults.rs`).
    pub faults: crate::faults::InstanceFaults,
}

impl Instance {
    pub fn name_tag(&self) -> Option<&str> {
        self.tags.iter().find(|(k, _)| k == "Name").map(|(_, v)| v.as_str())
    }
    pub fn az(&self) -> usize {
        self.placement.az
    }
    pub fn private_ip_string(&self) -> String {
        net::ip_to_string(self.private_ip)
    }
    pub fn public_ip_string(&self) -> Option<String> {
        self.public_ip.map(net::ip_to_string)
    }
    pub fn units(&self) -> u32 {
        catalog::instance_type(&self.instance_type).map(|t| t.host_units()).unwrap_or(4)
    }
    pub fn family(&self) -> String {
        catalog::instance_type(&self.instance_type).map(|t| t.family.to_string()).unwrap_or_default()
    }
    /// The catalogue AMI behind the instance's OS (see `base_image`).
    pub fn ami(&self) -> Option<&'static catalog::Ami> {
        catalog::image(self.base_image)
    }
    /// The login user of the instance's AMI (`ec2-user` or `ubuntu`).
    pub fn default_user(&self) -> String {
        self.ami().map(|a| a.default_user.to_string()).unwrap_or_else(|| "ec2-user".into())
    }
    /// `ip-172-31-5-9` (the short hostname the shell prompt shows).
    pub fn short_hostname(&self) -> String {
        format!("ip-{}", self.private_ip_string().replace('.', "-"))
    }
    pub fn sshd_ready(&self, now: Time) -> bool {
        self.state == State::Running && self.sshd_ready_at.is_some_and(|t| t <= now)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Compute {
    /// By launch sequence number, so iteration is launch order.
    pub instances: BTreeMap<u64, Instance>,
    pub by_id: BTreeMap<String, u64>,
    pub next_seq: u64,
}

impl Compute {
    pub fn get(&self, id: &str) -> Option<&Instance> {
        self.by_id.get(id).and_then(|s| self.instances.get(s))
    }
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Instance> {
        let s = *self.by_id.get(id)?;
        self.instances.get_mut(&s)
    }
    pub fn iter(&self) -> impl Iterator<Item = &Instance> {
        self.instances.values()
    }
    pub fn len(&self) -> usize {
        self.instances.len()
    }
    pub fn is_empty(&self) -> bool {
        self.instances.is_empty()
    }
    fn insert(&mut self, inst: Instance) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.by_id.insert(inst.id.clone(), seq);
        self.instances.insert(seq, inst);
    }
    fn remove(&mut self, id: &str) {
        if let Some(s) = self.by_id.remove(id) {
            self.instances.remove(&s);
        }
    }
}

/// A typed EC2 error: AWS's code and message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Ec2Error {
    pub code: &'static str,
    pub message: String,
}

impl Ec2Error {
    pub fn new(code: &'static str, message: impl Into<String>) -> Ec2Error {
        Ec2Error { code, message: message.into() }
    }
    pub fn invalid_value(value: &str, param: &str) -> Ec2Error {
        Ec2Error::new("InvalidParameterValue", format!("Value ({value}) for parameter {param} is invalid."))
    }
    fn incorrect_state(id: &str, verb: &str) -> Ec2Error {
        Ec2Error::new("IncorrectInstanceState", format!("The instance '{id}' is not in a state from which it can be {verb}."))
    }
}

/// Check an instance id's shape and existence, as EC2 does for every instance-id parameter.
pub fn check_instance_id(world: &World, id: &str) -> Result<(), Ec2Error> {
    let well_formed = id.strip_prefix("i-").is_some_and(|h| (h.len() == 8 || h.len() == 17) && h.bytes().all(|b| b.is_ascii_hexdigit()));
    if !well_formed {
        return Err(Ec2Error::new("InvalidInstanceID.Malformed", format!("Invalid id: \"{id}\"")));
    }
    if world.compute.get(id).is_none() {
        return Err(Ec2Error::new("InvalidInstanceID.NotFound", format!("The instance ID '{id}' does not exist")));
    }
    Ok(())
}

fn check_instance_ids(world: &World, ids: &[String]) -> Result<(), Ec2Error> {
    let mut missing = Vec::new();
    for id in ids {
        match check_instance_id(world, id) {
            Err(e) if e.code == "InvalidInstanceID.NotFound" => missing.push(id.clone()),
            Err(e) => return Err(e),
            Ok(()) => {}
        }
    }
    match missing.len() {
        0 => Ok(()),
        1 => Err(Ec2Error::new("InvalidInstanceID.NotFound", format!("The instance ID '{}' does not exist", missing[0]))),
        _ => Err(Ec2Error::new("InvalidInstanceID.NotFound", format!("The instance IDs '{}' do not exist", missing.join(", ")))),
    }
}

/// Everything `RunInstances` can be asked, already parsed from the API shape.
#[derive(Clone, Debug, Default)]
pub struct RunRequest {
    pub image_id: String,
    pub instance_type: Option<String>,
    pub key_name: Option<String>,
    pub security_group_ids: Vec<String>,
    pub security_group_names: Vec<String>,
    pub subnet_id: Option<String>,
    pub min_count: i64,
    pub max_count: i64,
    pub user_data: Option<String>,
    pub tags: Vec<(String, String)>,
    pub availability_zone: Option<String>,
    pub placement_group: Option<String>,
    pub partition_number: Option<u32>,
    pub tenancy: Option<String>,
    pub host_id: Option<String>,
    pub affinity: Option<String>,
    pub metadata: MetadataOptionsRequest,
    pub iam_instance_profile: Option<String>,
    pub ebs_optimized: Option<bool>,
    pub monitoring: bool,
    pub client_token: Option<String>,
    pub associate_public_ip: Option<bool>,
    pub private_ip: Option<String>,
    pub shutdown_behavior: Option<String>,
    pub disable_api_termination: bool,
}

#[derive(Clone, Debug, Default)]
pub struct MetadataOptionsRequest {
    pub http_tokens: Option<String>,
    pub hop_limit: Option<i64>,
    pub http_endpoint: Option<String>,
    pub http_protocol_ipv6: Option<String>,
    pub instance_metadata_tags: Option<String>,
}

/// A state change as StartInstances/StopInstances/TerminateInstances report it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateChange {
    pub instance_id: String,
    pub previous: State,
    pub current: State,
}

/// User data may hold at most 16 KB once decoded.
pub const USER_DATA_LIMIT: usize = 16 * 1024;

impl World {
    /// Resolve `resolve:ssm:/aws/service/…` image ids the way EC2 does at launch.
    pub fn resolve_image_id(&self, image_id: &str) -> Result<String, Ec2Error> {
        if let Some(param) = image_id.strip_prefix("resolve:ssm:") {
            let name = param.split(':').next().unwrap_or(param);
            // `name:version` and `name:label` select a version (ssm_parameter_value resolves them).
            return match self.ssm_parameter_value(param) {
                Some(v) => Ok(v),
                None => Err(Ec2Error::new(
                    "InvalidParameterValue",
                    format!("Error resolving the SSM parameter. SSM parameter '{name}' does not exist."),
                )),
            };
        }
        Ok(image_id.to_string())
    }

    pub fn run_instances(&mut self, req: RunRequest) -> Result<(String, Vec<String>), Ec2Error> {
        // Parameter checks, in roughly the order EC2 reports them.
        if req.min_count < 1 {
            return Err(Ec2Error::new("InvalidParameterValue", format!("Value ({}) for parameter minCount is invalid. Expected a positive integer.", req.min_count)));
        }
        if req.max_count < 1 {
            return Err(Ec2Error::new("InvalidParameterValue", format!("Value ({}) for parameter maxCount is invalid. Expected a positive integer.", req.max_count)));
        }
        if req.min_count > req.max_count {
            return Err(Ec2Error::new("InvalidParameterValue", "Value for parameter minCount is invalid. minCount must not exceed maxCount."));
        }
        let image_id = self.resolve_image_id(&req.image_id)?;
        // A catalogue AMI, or one of the account's own images (images.rs) with its snapshot.
        let source = self.launch_source(&image_id)?;
        let ami = source.base;
        let type_name = req.instance_type.clone().unwrap_or_else(|| "m1.small".into());
        let Some(itype) = catalog::instance_type(&type_name) else {
            let msg = if req.instance_type.is_none() {
                "No instance type was given, so EC2 would use its old default m1.small, which ec2lab does not simulate. Pass --instance-type (for example t3.micro).".to_string()
            } else {
                format!("Value ({type_name}) for parameter instanceType is invalid. ec2lab simulates the t2, t3, m3, m4, m5, m6i, c4, c5, c5n, r5 and i3 families.")
            };
            return Err(Ec2Error::new("InvalidParameterValue", msg));
        };
        let ami_arch = ami.architecture.to_string();
        let type_archs: Vec<String> = itype.raw["ProcessorInfo"]["SupportedArchitectures"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
            .unwrap_or_default();
        if !type_archs.is_empty() && !type_archs.contains(&ami_arch) {
            return Err(Ec2Error::new(
                "InvalidParameterValue",
                format!("The architecture '{}' of the specified instance type does not match the architecture '{ami_arch}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI.", type_archs.join(", ")),
            ));
        }
        if let Some(k) = &req.key_name {
            if self.net.key_pair(k).is_none() {
                return Err(Ec2Error::new("InvalidKeyPair.NotFound", format!("The key pair '{k}' does not exist")));
            }
        }
        if let Some(ud) = &req.user_data {
            use base64::Engine as _;
            match base64::engine::general_purpose::STANDARD.decode(ud.trim()) {
                // The code real EC2 answers with (seen from CreateLaunchTemplate; moto agrees).
                Err(_) => return Err(Ec2Error::new("InvalidUserData.Malformed", "Invalid BASE64 encoding of user data.")),
                Ok(raw) if raw.len() > USER_DATA_LIMIT => {
                    return Err(Ec2Error::new("InvalidParameterValue", format!("User data is limited to {USER_DATA_LIMIT} bytes")));
                }
                Ok(_) => {}
            }
        }
        let md = self.metadata_options(&req.metadata, ami.imds_support)?;
        if let Some(t) = &req.tenancy {
            if !["default", "dedicated", "host"].contains(&t.as_str()) {
                return Err(Ec2Error::invalid_value(t, "tenancy"));
            }
        }
        // A host id alone means tenancy `host` (dedicated.rs).
        let tenancy = req.tenancy.clone().unwrap_or_else(|| if req.host_id.is_some() { "host".into() } else { "default".into() });
        if let Some(a) = &req.affinity {
            if tenancy != "host" {
                return Err(crate::dedicated::errors::affinity_needs_host());
            }
            if a != "default" && a != "host" {
                return Err(Ec2Error::new("InvalidAffinity", format!("Value ({a}) for parameter affinity is invalid. Valid values are default and host.")));
            }
        }
        if req.host_id.is_some() && tenancy != "host" {
            // UNCONFIRMED wording.
            return Err(Ec2Error::new("InvalidParameterCombination", format!("The parameter hostId can only be used with a tenancy of 'host', not '{tenancy}'.")));
        }
        if tenancy == "host" {
            crate::dedicated::check_ami(ami.platform_details)?;
        }
        // A placement group: it must exist and accept this type, tenancy and partition number.
        let group = match req.placement_group.as_deref().filter(|g| !g.is_empty()) {
            Some(g) => {
                let group = self.placement.get(g).cloned().ok_or_else(|| crate::placement::unknown(g))?;
                self.check_group_fit(&group, itype, &tenancy, req.partition_number)?;
                Some(group)
            }
            None => {
                if let Some(p) = req.partition_number {
                    return Err(Ec2Error::new("InvalidParameterCombination", format!("A partition number ({p}) can only be given with a partition placement group.")));
                }
                None
            }
        };
        // A cluster group already in use stays in its AZ.
        let cluster_az = group
            .as_ref()
            .filter(|g| g.strategy == crate::placement::Strategy::Cluster && crate::placement::group_has_members(self, &g.name))
            .and_then(|g| g.cluster_lock.map(|(az, _)| az));
        let profile = match &req.iam_instance_profile {
            Some(p) => Some(crate::sts::find_profile(self, p)?),
            None => None,
        };
        if let Some(b) = &req.shutdown_behavior {
            if b != "stop" && b != "terminate" {
                return Err(Ec2Error::invalid_value(b, "InstanceInitiatedShutdownBehavior"));
            }
        }

        // Where: a named subnet, a named AZ, or EC2's choice among AZs with room.
        let units = itype.host_units();
        let family = itype.family.to_string();
        let subnet_index = if let Some(sid) = &req.subnet_id {
            match self.net.subnets.iter().position(|s| &s.id == sid) {
                Some(i) => {
                    if let Some(az) = &req.availability_zone {
                        if catalog::azs().get(self.net.subnets[i].az).map(|a| a.name) != Some(az.as_str()) {
                            return Err(Ec2Error::new("InvalidParameterValue", format!("Value ({az}) for parameter availabilityZone is invalid. Subnet {sid} is in Availability Zone {}", catalog::azs()[self.net.subnets[i].az].name)));
                        }
                    }
                    i
                }
                None => return Err(Ec2Error::new("InvalidSubnetID.NotFound", format!("The subnet ID '{sid}' does not exist"))),
            }
        } else if let Some(az) = &req.availability_zone {
            let Some(az_index) = catalog::azs().iter().position(|a| a.name == az.as_str()) else {
                return Err(Ec2Error::new("InvalidParameterValue", format!("Invalid availability zone: [{az}]")));
            };
            self.net.default_subnet_for(az_index).unwrap_or(0)
        } else if let Some(az) = cluster_az {
            self.net.default_subnet_for(az).unwrap_or(0)
        } else if let Some(az) = (tenancy == "host").then(|| crate::dedicated::launch_az(self, req.host_id.as_deref(), itype, req.min_count as u64)).flatten() {
            // On Dedicated Hosts: the named host's AZ, or the first auto-placement host's.
            self.net.default_subnet_for(az).unwrap_or(0)
        } else {
            // EC2 picks an AZ; prefer those that fit the whole request.
            let n = catalog::azs().len();
            let fits_all: Vec<usize> = (0..n).filter(|&a| crate::dedicated::room(&self.hardware, a, &family, units, &tenancy) >= req.max_count as u64).collect();
            let fits_min: Vec<usize> = (0..n).filter(|&a| crate::dedicated::room(&self.hardware, a, &family, units, &tenancy) >= req.min_count as u64).collect();
            let pool = if !fits_all.is_empty() { fits_all } else if !fits_min.is_empty() { fits_min } else { (0..n).collect() };
            let az = pool[self.rng.pick(&pool).unwrap_or(0)];
            self.net.default_subnet_for(az).unwrap_or(0)
        };
        let az = self.net.subnets[subnet_index].az;
        let az_name = catalog::azs()[az].name;
        if let (Some(g), Some(locked)) = (&group, cluster_az) {
            if locked != az {
                // UNCONFIRMED wording; a cluster placement group cannot span Availability Zones.
                return Err(Ec2Error::new(
                    "InvalidPlacementGroup.InUse",
                    format!("The placement group '{}' is in use in another Availability Zone: {}.", g.name, catalog::azs()[locked].name),
                ));
            }
        }

        // Security groups: ids, or names in the default VPC, or the default group.
        let vpc_id = self.net.subnets[subnet_index].vpc_id.clone();
        let mut groups = Vec::new();
        for g in &req.security_group_ids {
            match self.net.sg(g) {
                Some(sg) => groups.push(sg.id.clone()),
                None => return Err(Ec2Error::new("InvalidGroup.NotFound", format!("The security group '{g}' does not exist"))),
            }
        }
        for g in &req.security_group_names {
            match self.net.sg_by_name(&vpc_id, g) {
                Some(sg) => groups.push(sg.id.clone()),
                None => return Err(Ec2Error::new("InvalidGroup.NotFound", format!("The security group '{g}' does not exist in default VPC '{vpc_id}'"))),
            }
        }
        if groups.is_empty() {
            if let Some(sg) = self.net.sg_by_name(&vpc_id, "default") {
                groups.push(sg.id.clone());
            }
        }
        groups.dedup();

        // On Dedicated Hosts: the named host, or the auto-placement hosts (dedicated.rs).
        let host_plan = if tenancy == "host" {
            Some(crate::dedicated::plan_launch(self, req.host_id.as_deref(), az, itype, req.min_count as u64, req.max_count as u64)?)
        } else {
            None
        };

        // In a placement group, the group's rules decide the hosts: plan them all first.
        let mut plan: Option<Vec<(usize, Option<u32>)>> = None;
        if let Some(g) = &group {
            let mut planner = crate::placement::Planner::new(self, g).with_tenancy(&tenancy);
            if let Err(r) = planner.check_spread(az, req.min_count as u64) {
                return Err(crate::placement::launch_refusal(self, &r, g, &type_name, az));
            }
            let mut picks = Vec::new();
            let mut refusal = None;
            while picks.len() < req.max_count as usize {
                match planner.pick(&mut self.rng, az, &family, units, req.partition_number, req.max_count as u64) {
                    Ok(p) => picks.push(p),
                    Err(r) => {
                        refusal = Some(r);
                        break;
                    }
                }
            }
            if picks.len() < req.min_count as usize {
                let r = refusal.unwrap_or(crate::placement::Refusal::Capacity);
                return Err(crate::placement::launch_refusal(self, &r, g, &type_name, az));
            }
            let lock = planner.lock;
            self.set_cluster_lock(&g.name, lock);
            plan = Some(picks);
        }

        // Capacity: as many as fit, at least MinCount.
        let room = match (&plan, &host_plan) {
            (Some(p), _) => p.len() as u64,
            (_, Some(p)) => p.len() as u64,
            _ => crate::dedicated::room(&self.hardware, az, &family, units, &tenancy),
        };
        if room < req.min_count as u64 {
            if tenancy == "dedicated" {
                self.note(&format!("Dedicated Instances need hosts that run nothing but this account's Dedicated Instances, or empty ones; {az_name} has room for {room} {type_name} that way."));
            }
            let others: Vec<&str> = (0..catalog::azs().len())
                .filter(|&a| a != az && crate::dedicated::room(&self.hardware, a, &family, units, &tenancy) >= req.min_count as u64)
                .map(|a| catalog::azs()[a].name)
                .collect();
            let hint = if others.is_empty() {
                String::new()
            } else {
                format!(" You can currently get {type_name} capacity by not specifying an Availability Zone in your request or choosing {}.", others.join(", "))
            };
            return Err(Ec2Error::new(
                "InsufficientInstanceCapacity",
                format!("We currently do not have sufficient {type_name} capacity in the Availability Zone you requested ({az_name}). Our system will be working on provisioning additional capacity.{hint}"),
            ));
        }
        let count = (req.max_count as u64).min(room) as usize;
        if self.net.subnets[subnet_index].available() < count as u32 {
            return Err(Ec2Error::new("InsufficientFreeAddressesInSubnet", format!("There are not enough free addresses in subnet '{}' to satisfy the requested number of instances.", self.net.subnets[subnet_index].id)));
        }
        if let Some(ip) = &req.private_ip {
            if count > 1 {
                return Err(Ec2Error::new("InvalidParameterCombination", "Network interfaces and an instance-level private IP address should not be specified on the same request"));
            }
            let Some(addr) = net::parse_ip(ip) else { return Err(Ec2Error::invalid_value(ip, "PrivateIpAddress")) };
            let s = &self.net.subnets[subnet_index];
            if !net::cidr_contains(&s.cidr(), addr) {
                return Err(Ec2Error::new("InvalidParameterValue", format!("Address {ip} does not fall within the subnet's address range")));
            }
            if s.used.contains(&addr) {
                return Err(Ec2Error::new("InvalidIPAddress.InUse", format!("Address {ip} is in use.")));
            }
        }

        let reservation_id = self.rng.resource_id("r");
        let wants_public = req.associate_public_ip.unwrap_or(self.net.subnets[subnet_index].map_public_ip_on_launch);
        let client_token = req.client_token.clone().unwrap_or_else(|| {
            let h = self.rng.hex(32);
            format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
        });
        let mut ids = Vec::new();
        for launch_index in 0..count {
            let id = self.rng.resource_id("i");
            let private_ip = match &req.private_ip {
                Some(ip) => {
                    let addr = net::parse_ip(ip).unwrap_or(0);
                    self.net.subnets[subnet_index].used.insert(addr);
                    addr
                }
                None => match self.net.allocate_private_ip(subnet_index, &mut self.rng) {
                    Some(ip) => ip,
                    None => break,
                },
            };
            let picked = match (&plan, &host_plan) {
                (Some(p), _) => p.get(launch_index).map(|x| x.0),
                (_, Some(p)) => p.get(launch_index).copied(),
                _ if tenancy == "dedicated" => crate::dedicated::choose_dedicated(&self.hardware, &mut self.rng, az, &family, units, &[]),
                _ => self.hardware.choose(&mut self.rng, az, &family, units, None),
            };
            let Some(host) = picked else {
                self.net.release_private_ip(subnet_index, private_ip);
                break;
            };
            self.hardware.place_with_tenancy(host, &id, units, &tenancy);
            let public_ip = if wants_public { Some(self.net.allocate_public_ip(&mut self.rng)) } else { None };
            let mac = {
                let h = self.rng.hex(10);
                format!("0e:{}:{}:{}:{}:{}", &h[0..2], &h[2..4], &h[4..6], &h[6..8], &h[8..10])
            };
            let os = ami.os_name.to_string();
            let user = ami.default_user.to_string();
            // From an owned image: its root volume, packages and enabled services, exactly as
            // snapshotted (images.rs); from a catalogue AMI: a fresh OS.
            let (fs, guest) = match &source.baked {
                Some(b) => (
                    b.fs.clone(),
                    crate::guest::Guest { packages: b.packages.clone(), services: b.services.clone(), ..Default::default() },
                ),
                None => {
                    let mut fs = Fs::linux(&user, &format!("/home/{user}"));
                    let hostname = format!("ip-{}.ec2.internal", net::ip_to_string(private_ip).replace('.', "-"));
                    fs.write("/etc/hostname", format!("{hostname}\n").into_bytes());
                    fs.write("/etc/os-release", os_release(&os).into_bytes());
                    (fs, crate::guest::Guest::default())
                }
            };
            let inst = Instance {
                id: id.clone(),
                reservation_id: reservation_id.clone(),
                launch_index: launch_index as u32,
                image_id: image_id.clone(),
                base_image: ami.image_id,
                instance_type: type_name.clone(),
                key_name: req.key_name.clone(),
                subnet: subnet_index,
                private_ip,
                public_ip,
                wants_public_ip: wants_public,
                security_groups: groups.clone(),
                state: State::Pending,
                state_since: self.now(),
                transition_reason: String::new(),
                state_reason: Some(("pending".into(), "pending".into())),
                launch_time: self.now(),
                created: self.now(),
                host: Some(host),
                last_host: Some(host),
                tags: req.tags.clone(),
                user_data: req.user_data.clone(),
                metadata: md.clone(),
                iam: Default::default(),
                placement: Placement {
                    az,
                    group_name: req.placement_group.clone().filter(|g| !g.is_empty()),
                    partition_number: plan.as_ref().and_then(|p| p.get(launch_index)).and_then(|x| x.1),
                    tenancy: tenancy.clone(),
                    // Only instances on Dedicated Hosts see their host.
                    host_id: if tenancy == "host" { crate::dedicated::host_id_on(self, host) } else { None },
                    affinity: if tenancy == "host" { Some(req.affinity.clone().unwrap_or_else(|| "default".into())) } else { None },
                },
                ebs_optimized: req.ebs_optimized.unwrap_or(false),
                monitoring: req.monitoring,
                client_token: client_token.clone(),
                eni_id: self.rng.resource_id("eni"),
                attachment_id: self.rng.resource_id("eni-attach"),
                mac,
                volume_id: self.rng.resource_id("vol"),
                shutdown_behavior: req.shutdown_behavior.clone().unwrap_or_else(|| "stop".into()),
                disable_api_termination: req.disable_api_termination,
                boots: 0,
                checks_ok_at: None,
                sshd_ready_at: None,
                generation: 0,
                fs,
                guest: crate::guest::Guest { timeline: crate::guest::Timeline { launched: Some(self.now()), ..Default::default() }, ..guest },
                imds: Default::default(),
                faults: Default::default(),
            };
            self.compute.insert(inst);
            if let Some((arn, profile_id, _)) = &profile {
                crate::sts::associate(self, &id, arn, profile_id);
            }
            let boot = self.rng.between(timing::BOOT.0, timing::BOOT.1);
            self.schedule(boot, &id, EventKind::BootComplete, 0);
            ids.push(id);
        }
        if ids.is_empty() {
            return Err(Ec2Error::new(
                "InsufficientInstanceCapacity",
                format!("We currently do not have sufficient {type_name} capacity in the Availability Zone you requested ({az_name}). Our system will be working on provisioning additional capacity."),
            ));
        }
        if source.baked.is_some() {
            self.image_launched(&image_id);
        }
        self.bump();
        Ok((reservation_id, ids))
    }

    fn metadata_options(&self, req: &MetadataOptionsRequest, ami_imds: Option<&str>) -> Result<MetadataOptions, Ec2Error> {
        let v2 = ami_imds == Some("v2.0");
        let pick = |v: &Option<String>, allowed: &[&str], default: &str, param: &str| -> Result<String, Ec2Error> {
            match v {
                Some(x) if allowed.contains(&x.as_str()) => Ok(x.clone()),
                Some(x) => Err(Ec2Error::invalid_value(x, param)),
                None => Ok(default.to_string()),
            }
        };
        let hop = match req.hop_limit {
            Some(h) if (1..=64).contains(&h) => h as u32,
            Some(h) => return Err(Ec2Error::new("InvalidParameterValue", format!("The HttpPutResponseHopLimit value {h} is invalid. Specify a value between 1 and 64."))),
            None => if v2 { 2 } else { 1 },
        };
        Ok(MetadataOptions {
            http_tokens: pick(&req.http_tokens, &["optional", "required"], if v2 { "required" } else { "optional" }, "HttpTokens")?,
            hop_limit: hop,
            http_endpoint: pick(&req.http_endpoint, &["enabled", "disabled"], "enabled", "HttpEndpoint")?,
            http_protocol_ipv6: pick(&req.http_protocol_ipv6, &["enabled", "disabled"], "disabled", "HttpProtocolIpv6")?,
            instance_metadata_tags: pick(&req.instance_metadata_tags, &["enabled", "disabled"], "disabled", "InstanceMetadataTags")?,
        })
    }

    pub fn start_instances(&mut self, ids: &[String]) -> Result<Vec<StateChange>, Ec2Error> {
        check_instance_ids(self, ids)?;
        for id in ids {
            let st = self.compute.get(id).map(|i| i.state).unwrap_or(State::Terminated);
            if !matches!(st, State::Stopped | State::Pending | State::Running) {
                return Err(Ec2Error::incorrect_state(id, "started"));
            }
        }
        // Capacity for every stopped one, before changing anything.
        let mut plan = Vec::new();
        let mut reserved: BTreeMap<usize, u32> = BTreeMap::new();
        let mut planners: BTreeMap<String, crate::placement::Planner> = BTreeMap::new();
        let mut reserved_tenancy: BTreeMap<usize, String> = BTreeMap::new();
        let mut partitions: Vec<(String, Option<u32>)> = Vec::new();
        for id in ids {
            let Some(inst) = self.compute.get(id) else { continue };
            if inst.state != State::Stopped {
                continue;
            }
            let (az, family, units, last) = (inst.az(), inst.family(), inst.units(), inst.last_host);
            let tenancy = inst.placement.tenancy.clone();
            // On a Dedicated Host: its host (affinity), or an auto-placement host (dedicated.rs).
            if tenancy == "host" {
                let host = crate::dedicated::plan_start(self, id, &reserved)?;
                *reserved.entry(host).or_default() += units;
                reserved_tenancy.insert(host, tenancy);
                plan.push((id.clone(), host, units));
                continue;
            }
            // A member of a placement group goes back under the group's rules.
            if let Some(g) = inst.placement.group_name.as_deref().and_then(|g| self.placement.get(g)).cloned() {
                let (t, part) = (inst.instance_type.clone(), inst.placement.partition_number);
                let planner = planners.entry(format!("{}\u{0}{tenancy}", g.name)).or_insert_with(|| crate::placement::Planner::new(self, &g).with_tenancy(&tenancy));
                for (&h, &u) in &reserved {
                    if let (Some(p), Some(real)) = (planner.hw.hosts.get_mut(h), self.hardware.hosts.get(h)) {
                        p.used_units = real.used_units + u;
                    }
                }
                match planner.pick(&mut self.rng, az, &family, units, part, 1) {
                    Ok((host, part)) => {
                        *reserved.entry(host).or_default() += units;
                        reserved_tenancy.insert(host, tenancy.clone());
                        plan.push((id.clone(), host, units));
                        partitions.push((id.clone(), part));
                    }
                    Err(crate::placement::Refusal::SpreadLimit(n)) => {
                        return Err(crate::placement::spread_limit(&g.name, catalog::azs()[az].name, n));
                    }
                    Err(crate::placement::Refusal::Capacity) => {
                        let note = crate::placement::capacity_note(&g, catalog::azs()[az].name);
                        self.note(&note);
                        return Err(Ec2Error::new(
                            "InsufficientInstanceCapacity",
                            format!("Insufficient capacity to start instance '{id}': we currently do not have sufficient {t} capacity in the Availability Zone ({}). Our system will be working on provisioning additional capacity. You can try again later.", catalog::azs()[az].name),
                        ));
                    }
                }
                continue;
            }
            // Dedicated Instances only on their own kind of host; a host planned in this call for
            // one tenancy is not offered to the other.
            let candidates: Vec<usize> = self
                .hardware
                .candidates_for(az, &family, units, &tenancy)
                .into_iter()
                .filter(|h| self.hardware.hosts[*h].free_units() >= units + reserved.get(h).copied().unwrap_or(0))
                .filter(|h| reserved_tenancy.get(h).is_none_or(|t| *t == tenancy))
                .collect();
            let ours: Vec<usize> = candidates.iter().copied().filter(|&h| self.hardware.hosts[h].tenancy == crate::hardware::HostUse::DedicatedInstances).collect();
            let candidates = if tenancy == "dedicated" && !ours.is_empty() { ours } else { candidates };
            let preferred: Vec<usize> = candidates.iter().copied().filter(|h| Some(*h) != last).collect();
            let pool = if preferred.is_empty() { candidates } else { preferred };
            let Some(i) = self.rng.pick(&pool) else {
                let t = inst.instance_type.clone();
                return Err(Ec2Error::new(
                    "InsufficientInstanceCapacity",
                    format!("Insufficient capacity to start instance '{id}': we currently do not have sufficient {t} capacity in the Availability Zone ({}). Our system will be working on provisioning additional capacity. You can try again later.", catalog::azs()[az].name),
                ));
            };
            *reserved.entry(pool[i]).or_default() += units;
            reserved_tenancy.insert(pool[i], tenancy);
            plan.push((id.clone(), pool[i], units));
        }
        for (key, planner) in &planners {
            let lock = planner.lock;
            let name = key.split('\u{0}').next().unwrap_or_default().to_string();
            self.set_cluster_lock(&name, lock);
        }
        for (id, part) in partitions {
            if let Some(inst) = self.compute.get_mut(&id) {
                inst.placement.partition_number = part;
            }
        }
        let mut out = Vec::new();
        for id in ids {
            let Some(prev) = self.compute.get(id).map(|i| i.state) else { continue };
            if let Some((_, host, units)) = plan.iter().find(|(p, _, _)| p == id) {
                let (host, units) = (*host, *units);
                let tenancy = self.compute.get(id).map(|i| i.placement.tenancy.clone()).unwrap_or_default();
                self.hardware.place_with_tenancy(host, id, units, &tenancy);
                let host_id = if tenancy == "host" { crate::dedicated::host_id_on(self, host) } else { None };
                let public = if self.compute.get(id).is_some_and(|i| i.wants_public_ip) { Some(self.net.allocate_public_ip(&mut self.rng)) } else { None };
                let now = self.now();
                let generation = {
                    let Some(inst) = self.compute.get_mut(id) else { continue };
                    inst.host = Some(host);
                    inst.last_host = Some(host);
                    if host_id.is_some() {
                        inst.placement.host_id = host_id;
                    }
                    inst.public_ip = public;
                    inst.state = State::Pending;
                    inst.state_since = now;
                    inst.launch_time = now;
                    inst.transition_reason = String::new();
                    inst.state_reason = Some(("pending".into(), "pending".into()));
                    inst.checks_ok_at = None;
                    inst.sshd_ready_at = None;
                    inst.generation += 1;
                    inst.generation
                };
                let boot = self.rng.between(timing::BOOT.0, timing::BOOT.1);
                self.schedule(boot, id, EventKind::BootComplete, generation);
                out.push(StateChange { instance_id: id.clone(), previous: prev, current: State::Pending });
            } else {
                out.push(StateChange { instance_id: id.clone(), previous: prev, current: prev });
            }
        }
        self.bump();
        Ok(out)
    }

    /// `--force` is accepted; a simulated OS never hangs on shutdown, so a forced stop takes as
    /// long as a normal one.
    pub fn stop_instances(&mut self, ids: &[String], _force: bool) -> Result<Vec<StateChange>, Ec2Error> {
        check_instance_ids(self, ids)?;
        for id in ids {
            let st = self.compute.get(id).map(|i| i.state).unwrap_or(State::Terminated);
            if !matches!(st, State::Running | State::Stopping | State::Stopped) {
                return Err(Ec2Error::incorrect_state(id, "stopped"));
            }
        }
        let mut out = Vec::new();
        for id in ids {
            let Some(prev) = self.compute.get(id).map(|i| i.state) else { continue };
            if prev != State::Running {
                out.push(StateChange { instance_id: id.clone(), previous: prev, current: prev });
                continue;
            }
            let now = self.now();
            let generation = self.transition(id, State::Stopping, Some((
                "Client.UserInitiatedShutdown".into(),
                "Client.UserInitiatedShutdown: User initiated shutdown".into(),
            )), Some(format!("User initiated ({})", gmt(now))));
            let d = self.rng.between(timing::STOP.0, timing::STOP.1);
            self.schedule(d, id, EventKind::Stopped, generation);
            out.push(StateChange { instance_id: id.clone(), previous: prev, current: State::Stopping });
        }
        self.bump();
        Ok(out)
    }

    pub fn terminate_instances(&mut self, ids: &[String]) -> Result<Vec<StateChange>, Ec2Error> {
        check_instance_ids(self, ids)?;
        for id in ids {
            if self.compute.get(id).is_some_and(|i| i.disable_api_termination) {
                return Err(Ec2Error::new("OperationNotPermitted", format!("The instance '{id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.")));
            }
        }
        let mut out = Vec::new();
        for id in ids {
            let Some(prev) = self.compute.get(id).map(|i| i.state) else { continue };
            if matches!(prev, State::ShuttingDown | State::Terminated) {
                out.push(StateChange { instance_id: id.clone(), previous: prev, current: prev });
                continue;
            }
            let now = self.now();
            let generation = self.transition(id, State::ShuttingDown, Some((
                "Client.UserInitiatedShutdown".into(),
                "Client.UserInitiatedShutdown: User initiated shutdown".into(),
            )), Some(format!("User initiated ({})", gmt(now))));
            let d = if prev == State::Stopped { self.rng.between(2 * SECOND, 8 * SECOND) } else { self.rng.between(timing::TERMINATE.0, timing::TERMINATE.1) };
            self.schedule(d, id, EventKind::Terminated, generation);
            out.push(StateChange { instance_id: id.clone(), previous: prev, current: State::ShuttingDown });
        }
        self.bump();
        Ok(out)
    }

    pub fn reboot_instances(&mut self, ids: &[String]) -> Result<(), Ec2Error> {
        check_instance_ids(self, ids)?;
        for id in ids {
            let st = self.compute.get(id).map(|i| i.state).unwrap_or(State::Terminated);
            if matches!(st, State::Terminated | State::ShuttingDown) {
                return Err(Ec2Error::incorrect_state(id, "rebooted"));
            }
        }
        for id in ids {
            let d = self.rng.between(timing::REBOOT.0, timing::REBOOT.1);
            let now = self.now();
            // Nothing boots on a host without power (faults.rs); a reboot clears a lost OS.
            if !crate::faults::begin_reboot(self, id, now.plus(d)) {
                continue;
            }
            let Some(inst) = self.compute.get_mut(id) else { continue };
            if inst.state != State::Running {
                continue; // EC2 accepts and ignores reboots of instances that are not running.
            }
            inst.sshd_ready_at = Some(now.plus(d));
            inst.boots += 1;
            // The OS comes back after the reboot delay; cloud-init runs its per-boot work then.
            crate::guest::on_boot(self, id, now.plus(d));
        }
        self.bump();
        Ok(())
    }

    /// Move an instance to `state`, returning its new generation.
    pub(crate) fn transition(&mut self, id: &str, state: State, reason: Option<(String, String)>, transition: Option<String>) -> u32 {
        let now = self.now();
        let Some(inst) = self.compute.get_mut(id) else { return 0 };
        inst.state = state;
        inst.state_since = now;
        inst.state_reason = reason;
        if let Some(t) = transition {
            inst.transition_reason = t;
        }
        inst.sshd_ready_at = None;
        inst.generation += 1;
        let generation = inst.generation;
        // The OS shuts down with the instance: every service stops.
        if matches!(state, State::Stopping | State::ShuttingDown) {
            crate::guest::services::shutdown(self, id);
        }
        generation
    }

    pub(crate) fn schedule(&mut self, after_ms: u64, id: &str, kind: EventKind, generation: u32) {
        let at = self.now().plus(after_ms);
        self.push_event(at, Event { kind, instance: id.to_string(), generation });
    }

    /// Apply one timed event (called by `World::advance`).
    pub(crate) fn apply_instance_event(&mut self, ev: Event) {
        let now = self.now();
        let Some(inst) = self.compute.get(&ev.instance) else { return };
        if inst.generation != ev.generation {
            return; // superseded by a later transition
        }
        match ev.kind {
            EventKind::BootComplete if inst.state == State::Pending => {
                let sshd = self.rng.between(timing::SSHD_AFTER_RUNNING.0, timing::SSHD_AFTER_RUNNING.1);
                let checks = self.rng.between(timing::STATUS_CHECKS_AFTER_RUNNING.0, timing::STATUS_CHECKS_AFTER_RUNNING.1);
                if let Some(inst) = self.compute.get_mut(&ev.instance) {
                    inst.state = State::Running;
                    inst.state_since = now;
                    inst.state_reason = None;
                    inst.transition_reason = String::new();
                    inst.boots += 1;
                    inst.sshd_ready_at = Some(now.plus(sshd));
                    inst.checks_ok_at = Some(now.plus(checks));
                }
                crate::guest::on_boot(self, &ev.instance, now);
            }
            EventKind::Stopped if inst.state == State::Stopping => {
                let (host, units, public) = (inst.host, inst.units(), inst.public_ip);
                if let Some(h) = host {
                    self.hardware.release(h, &ev.instance, units);
                }
                if let Some(ip) = public {
                    self.net.release_public_ip(ip);
                }
                if let Some(inst) = self.compute.get_mut(&ev.instance) {
                    inst.state = State::Stopped;
                    inst.state_since = now;
                    inst.host = None;
                    inst.public_ip = None;
                    inst.checks_ok_at = None;
                }
                crate::faults::on_stopped(self, &ev.instance);
            }
            EventKind::Terminated if inst.state == State::ShuttingDown => {
                let (host, units, public, subnet, private) = (inst.host, inst.units(), inst.public_ip, inst.subnet, inst.private_ip);
                if let Some(h) = host {
                    self.hardware.release(h, &ev.instance, units);
                }
                if let Some(ip) = public {
                    self.net.release_public_ip(ip);
                }
                self.net.release_private_ip(subnet, private);
                let generation = if let Some(inst) = self.compute.get_mut(&ev.instance) {
                    inst.state = State::Terminated;
                    inst.state_since = now;
                    inst.host = None;
                    inst.public_ip = None;
                    inst.checks_ok_at = None;
                    inst.generation += 1;
                    inst.generation
                } else {
                    0
                };
                crate::faults::on_terminated(self, &ev.instance);
                self.schedule(timing::TERMINATED_VISIBLE, &ev.instance, EventKind::Forget, generation);
            }
            EventKind::Forget if inst.state == State::Terminated => {
                self.compute.remove(&ev.instance);
            }
            _ => {}
        }
    }

    /// Instance status checks: (system, instance) each `ok`/`initializing`/`impaired`/`not-applicable`.
    pub fn status_checks(&self, inst: &Instance) -> (&'static str, &'static str) {
        if inst.state != State::Running {
            return ("not-applicable", "not-applicable");
        }
        let usual = match inst.checks_ok_at {
            Some(t) if t <= self.now() => ("ok", "ok"),
            _ => ("initializing", "initializing"),
        };
        // Failed hardware, as the last status check saw it (faults.rs).
        crate::faults::checks_override(inst, usual).unwrap_or(usual)
    }
}

/// `2026-01-05 09:10:00 GMT`, the form EC2 uses in `StateTransitionReason`.
pub fn gmt(t: Time) -> String {
    let iso = t.iso();
    format!("{} {} GMT", &iso[0..10], &iso[11..19])
}

fn os_release(os: &str) -> String {
    if os.contains("Ubuntu") {
        let ver = if os.contains("22.04") { "22.04" } else { "24.04" };
        format!("PRETTY_NAME=\"Ubuntu {ver} LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"{ver}\"\nID=ubuntu\nID_LIKE=debian\n")
    } else if os.contains("Amazon Linux 2023") {
        "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"2023\"\nPRETTY_NAME=\"Amazon Linux 2023\"\n".into()
    } else {
        "NAME=\"Amazon Linux\"\nVERSION=\"2\"\nID=\"amzn\"\nID_LIKE=\"centos rhel fedora\"\nVERSION_ID=\"2\"\nPRETTY_NAME=\"Amazon Linux 2\"\n".into()
    }
}
