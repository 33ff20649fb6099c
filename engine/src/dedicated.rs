//! Dedicated Hosts (allocate-hosts and friends) and Dedicated Instances (tenancy `dedicated`).
//!
//! A Dedicated Host is one physical host of `hardware.rs` handed to this account
//! (`HostUse::DedicatedHost(h-…)`): allocation takes an *empty* shared host (no instance of
//! this account, no neighbour) of the family in the AZ. Its capacity is the host's cores, counted
//! in the quarter-cores of `InstanceType::host_units`:
//!
//! - allocated with `--instance-family` (Nitro families only, `FamilyHost::allows_multiple_instance_types`):
//!   every size of the family that supports Dedicated Hosts, mixed on one host
//!   (`AllowsMultipleInstanceTypes: on`);
//! - allocated with `--instance-type`: that one type only (older families always: they run one
//!   size per host).
//!
//! Launches with `Tenancy=host` go to a named host (`HostId`: targeted placement) or, without
//! one, to a host of this account with auto-placement on and room for the type. A stopped
//! instance with affinity `host` restarts on the same host; with affinity `default` it tries its
//! last host first, then any auto-placement host.
//!
//! Dedicated Instances (`Tenancy=dedicated`) use `HostUse::DedicatedInstances`: hosts that run
//! only this account's Dedicated Instances, or empty shared hosts (which become dedicated with
//! the first one); they never share hardware with neighbours or default-tenancy instances, and
//! the account never sees which host they are on.
//!
//! Released hosts stay visible for [`RELEASED_VISIBLE`] (like terminated instances), then
//! describe-hosts no longer lists them. Prices live in [`pricing`], the one table.

use crate::catalog::{self, InstanceType};
use crate::clock::{Time, HOUR};
use crate::compute::{Ec2Error, State};
use crate::hardware::{Hardware, HostUse};
use crate::rng::Rng;
use crate::world::World;
use std::collections::BTreeMap;

pub mod pricing;
#[cfg(test)]
mod tests;

/// UNCONFIRMED: Dedicated Hosts per instance family and Region (a new account's default quota,
/// "Running Dedicated <family> Hosts"; real defaults vary by family and account).
pub const HOSTS_PER_FAMILY: usize = 3;

/// UNCONFIRMED: how long a released host stays in describe-hosts (AWS lists "recently" released
/// hosts; ec2lab keeps them an hour, as terminated instances).
pub const RELEASED_VISIBLE: u64 = HOUR;

/// UNCONFIRMED list: `PlatformDetails` of AMIs that cannot run on Dedicated Hosts (RHEL, SUSE
/// and SQL Server images with the licence included, from AWS or the Marketplace). No AMI of
/// ec2lab's catalogue is one of them (all are `Linux/UNIX`), so today no launch is refused by
/// this rule; it is data so that adding such an AMI is enough.
pub const HOST_RESTRICTED_PLATFORMS: &[&str] = &[
    "Red Hat Enterprise Linux",
    "Red Hat Enterprise Linux with HA",
    "SUSE Linux",
    "Windows with SQL Server Web",
    "Windows with SQL Server Standard",
    "Windows with SQL Server Enterprise",
];

/// `State` of a Dedicated Host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostState {
    Available,
    /// The hardware failed and host recovery is off (or found no replacement).
    UnderAssessment,
    /// Replaced by host recovery (UNCONFIRMED: the state AWS gives the old host; `permanent-failure`
    /// is the botocore state that fits).
    PermanentFailure,
    Released,
    ReleasedPermanentFailure,
}

impl HostState {
    pub fn name(self) -> &'static str {
        match self {
            HostState::Available => "available",
            HostState::UnderAssessment => "under-assessment",
            HostState::PermanentFailure => "permanent-failure",
            HostState::Released => "released",
            HostState::ReleasedPermanentFailure => "released-permanent-failure",
        }
    }
    /// Still allocated to the account (counts toward the quota, is billed).
    pub fn allocated(self) -> bool {
        matches!(self, HostState::Available | HostState::UnderAssessment)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DedicatedHost {
    /// `h-0…`
    pub id: String,
    /// Index into `Hardware::hosts`: the physical host (for a released or failed host, the one it
    /// was).
    pub hw: usize,
    pub az: usize,
    pub family: String,
    /// Allocated for one instance type: only that type runs on it. `None`: every size of the
    /// family (`AllowsMultipleInstanceTypes: on`).
    pub instance_type: Option<String>,
    pub auto_placement: bool,
    pub host_recovery: bool,
    /// Accepted and shown; ec2lab schedules no host maintenance.
    pub host_maintenance: bool,
    pub state: HostState,
    pub allocated: Time,
    pub released: Option<Time>,
    pub client_token: Option<String>,
    pub tags: Vec<(String, String)>,
    /// The Host Reservation covering it (`hr-0…`).
    pub reservation: Option<String>,
    /// Host recovery: the host that replaced this one, and the instances that moved there.
    pub replaced_by: Option<String>,
    pub moved: Vec<String>,
    /// Host recovery: the host this one replaced.
    pub replaces: Option<String>,
}

impl DedicatedHost {
    pub fn arn(&self) -> String {
        format!("arn:aws:ec2:{}:{}:dedicated-host/{}", catalog::REGION, crate::world::ACCOUNT_ID, self.id)
    }
    pub fn az_name(&self) -> &'static str {
        catalog::azs().get(self.az).map(|a| a.name).unwrap_or_default()
    }
    /// `AllowsMultipleInstanceTypes`.
    pub fn allows_multiple(&self) -> bool {
        self.instance_type.is_none()
    }
    /// Can an instance of `t` run on this host (ignoring room)?
    pub fn supports(&self, t: &InstanceType) -> bool {
        t.family == self.family && t.dedicated_hosts_supported() && self.instance_type.as_ref().is_none_or(|x| *x == t.name)
    }
    /// The instance types the host takes, smallest first.
    pub fn supported_types(&self) -> Vec<&'static InstanceType> {
        catalog::family_types(&self.family).into_iter().filter(|t| self.supports(t)).collect()
    }
    /// Listed by describe-hosts at `now` (released hosts for a while).
    pub fn visible(&self, now: Time) -> bool {
        self.released.is_none_or(|r| r.plus(RELEASED_VISIBLE) > now)
    }
}

/// A Host Reservation (PurchaseHostReservation).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HostReservation {
    /// `hr-0…`
    pub id: String,
    pub offering_id: String,
    pub family: String,
    pub years: u32,
    pub payment: pricing::Payment,
    pub hosts: Vec<String>,
    pub start: Time,
    pub end: Time,
    /// Totals for all its hosts, in thousandths of a dollar (integers keep the state hashable).
    pub hourly_milli: u64,
    pub upfront_milli: u64,
    pub client_token: Option<String>,
    pub tags: Vec<(String, String)>,
}

impl HostReservation {
    pub fn state(&self, now: Time) -> &'static str {
        if now >= self.end { "retired" } else { "active" }
    }
}

/// The account's Dedicated Hosts and Host Reservations (`World::dedicated`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DedicatedHosts {
    /// In allocation order (a recovery's replacement comes after the host it replaced).
    pub hosts: Vec<DedicatedHost>,
    pub reservations: Vec<HostReservation>,
}

impl DedicatedHosts {
    pub fn get(&self, id: &str) -> Option<&DedicatedHost> {
        self.hosts.iter().find(|h| h.id == id)
    }
    fn get_mut(&mut self, id: &str) -> Option<&mut DedicatedHost> {
        self.hosts.iter_mut().find(|h| h.id == id)
    }
    /// The allocated Dedicated Host on hardware host `hw`, if any.
    pub fn on_hardware(&self, hw: usize) -> Option<&DedicatedHost> {
        self.hosts.iter().find(|h| h.hw == hw && h.state.allocated())
    }
    /// Tags of a host (CreateTags, DeleteTags), if it is still listed.
    pub fn tags_mut(&mut self, id: &str, now: Time) -> Option<&mut Vec<(String, String)>> {
        self.hosts.iter_mut().find(|h| h.id == id && h.visible(now)).map(|h| &mut h.tags)
    }
}

/// How much of a host is free: per supported type (available, total) instances, and vCPUs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Capacity {
    /// (instance type, available, total), smallest type first.
    pub per_type: Vec<(String, u32, u32)>,
    pub available_vcpus: u32,
    pub total_vcpus: u32,
    pub used_units: u32,
    pub capacity_units: u32,
}

/// The capacity of `h` right now. vCPUs are counted as the share of the host's units that is
/// free (exact for every family; burstable instances oversubscribe vCPUs, as T3 hosts do).
pub fn capacity(world: &World, h: &DedicatedHost) -> Capacity {
    let shape = catalog::family_host(&h.family);
    let total_vcpus = shape.map(|s| s.total_vcpus()).unwrap_or(0);
    let Some(hw) = world.hardware.hosts.get(h.hw) else { return Capacity { total_vcpus, ..Default::default() } };
    let cap = hw.capacity_units.max(1);
    let free = hw.free_units();
    let per_type = h
        .supported_types()
        .into_iter()
        .map(|t| {
            let u = t.host_units().max(1);
            (t.name.clone(), free / u, hw.capacity_units / u)
        })
        .collect();
    Capacity {
        per_type,
        available_vcpus: (free as u64 * total_vcpus as u64 / cap as u64) as u32,
        total_vcpus,
        used_units: hw.used_units,
        capacity_units: hw.capacity_units,
    }
}

// ---------------------------------------------------------------------------------------------
// Errors. Codes are EC2's (API reference, "Error codes"); messages marked UNCONFIRMED are ec2lab's
// best reading where EC2's exact wording is not documented.
// ---------------------------------------------------------------------------------------------

pub mod errors {
    use crate::compute::Ec2Error;

    /// EC2's words (seen in SDK issue reports) for an untargeted launch with no host to take it.
    pub fn no_matching_host() -> Ec2Error {
        Ec2Error::new(
            "InsufficientHostCapacity",
            "You do not have a host with a matching configuration and sufficient capacity. Either target a host resource group that can automatically allocate hosts on your behalf, or manually allocate a new host to your account and then try again.",
        )
    }
    /// EC2's words for a targeted launch that does not fit on the named host.
    pub fn no_room_on(host: &str) -> Ec2Error {
        Ec2Error::new("InsufficientCapacityOnHost", format!("Dedicated host {host} has insufficient capacity to launch the instances in this request."))
    }
    /// UNCONFIRMED wording: allocate-hosts found too few empty hosts.
    pub fn no_empty_hardware() -> Ec2Error {
        Ec2Error::new("InsufficientHostCapacity", "Insufficient capacity.")
    }
    /// The wording of EC2's quota refusal (seen for mac1 hosts).
    pub fn quota(requested: usize, total: usize, family: &str, limit: usize) -> Ec2Error {
        Ec2Error::new(
            "HostLimitExceeded",
            format!("The number of Dedicated hosts you've requested ({requested}) would bring your total up to {total} for the specified group of instance types ({family}). This exceeds your current limit of {limit}."),
        )
    }
    /// UNCONFIRMED wording.
    pub fn malformed(id: &str) -> Ec2Error {
        Ec2Error::new("InvalidHostID.Malformed", format!("Invalid id: \"{id}\" (expecting \"h-...\")"))
    }
    /// UNCONFIRMED wording.
    pub fn not_found(id: &str) -> Ec2Error {
        Ec2Error::new("InvalidHostID.NotFound", format!("The Dedicated Host ID '{id}' does not exist"))
    }
    /// UNCONFIRMED wording.
    pub fn not_available(id: &str, state: &str) -> Ec2Error {
        Ec2Error::new("InvalidHostState", format!("Dedicated host {id} is {state}; it must be available for this operation."))
    }
    /// UNCONFIRMED wording.
    pub fn in_use(id: &str, n: usize) -> Ec2Error {
        let what = if n == 1 { "1 instance".to_string() } else { format!("{n} instances") };
        Ec2Error::new("IncorrectState", format!("Dedicated host {id} has {what} running on it; stop or terminate them before releasing the host."))
    }
    /// UNCONFIRMED wording.
    pub fn zones_mismatched(host: &str, host_az: &str, az: &str) -> Ec2Error {
        Ec2Error::new("ZonesMismatched", format!("The Availability Zone {az} does not match the Availability Zone of Dedicated host {host} ({host_az})."))
    }
    /// UNCONFIRMED wording.
    pub fn unsupported_type(t: &str, host: &str, supports: &str) -> Ec2Error {
        Ec2Error::new("UnsupportedInstanceTypeOnHost", format!("Instance type {t} is not supported on Dedicated host {host}, which takes {supports}."))
    }
    /// UNCONFIRMED wording.
    pub fn no_compatible_host(instance: &str) -> Ec2Error {
        Ec2Error::new("IncompatibleHostRequirements", format!("There are no available or compatible Dedicated Hosts on which to start instance {instance}."))
    }
    /// The documented rule, UNCONFIRMED wording.
    pub fn no_groups() -> Ec2Error {
        Ec2Error::new("InvalidParameterCombination", "Placement groups are not supported for instances with a tenancy of 'host': Dedicated Hosts cannot be launched into placement groups.")
    }
    /// EC2's words (seen in a CLI report).
    pub fn affinity_needs_host() -> Ec2Error {
        Ec2Error::new("InvalidParameterCombination", "The parameter affinity cannot be used without specifying a tenancy of 'host'")
    }
    /// The documented code (`InvalidRequest`), UNCONFIRMED wording.
    pub fn from_host(id: &str, to: &str) -> Ec2Error {
        Ec2Error::new("InvalidRequest", format!("The tenancy of instance '{id}' cannot be changed from host to {to}."))
    }
}

/// Is `id` shaped like a host id (`h-` and 8 or 17 hex digits)?
pub fn well_formed(id: &str) -> bool {
    id.strip_prefix("h-").is_some_and(|h| (h.len() == 8 || h.len() == 17) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A host of the account by id, or EC2's error for a malformed or unknown id.
pub fn find<'a>(world: &'a World, id: &str) -> Result<&'a DedicatedHost, Ec2Error> {
    if !well_formed(id) {
        return Err(errors::malformed(id));
    }
    world.dedicated.get(id).filter(|h| h.visible(world.now())).ok_or_else(|| errors::not_found(id))
}

// ---------------------------------------------------------------------------------------------
// Allocation, modification, release
// ---------------------------------------------------------------------------------------------

/// What `allocate-hosts` asks for.
#[derive(Clone, Debug, Default)]
pub struct AllocateRequest {
    pub instance_type: Option<String>,
    pub instance_family: Option<String>,
    pub availability_zone: Option<String>,
    pub availability_zone_id: Option<String>,
    pub quantity: Option<i64>,
    pub auto_placement: Option<String>,
    pub host_recovery: Option<String>,
    pub host_maintenance: Option<String>,
    pub client_token: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// `on` | `off` for a parameter, or EC2's invalid-value error.
fn on_off(v: Option<&str>, default: bool, param: &str) -> Result<bool, Ec2Error> {
    match v {
        None => Ok(default),
        Some("on") => Ok(true),
        Some("off") => Ok(false),
        Some(x) => Err(Ec2Error::invalid_value(x, param)),
    }
}

/// Empty shared hosts (nothing of anyone's on them) of `family` in `az` whose hardware and rack
/// are up: what allocate-hosts and host recovery can take.
pub fn empty_hardware(hw: &Hardware, az: usize, family: &str) -> Vec<usize> {
    hw.hosts
        .iter()
        .enumerate()
        .filter(|(_, h)| h.az == az && h.family == family && h.tenancy == HostUse::Shared && h.is_empty() && hw.host_ok(h))
        .map(|(i, _)| i)
        .collect()
}

/// Resolve an instance type or family for a host: (family, single type).
fn host_configuration(instance_type: Option<&str>, family: Option<&str>) -> Result<(String, Option<String>), Ec2Error> {
    match (instance_type, family) {
        (Some(_), Some(_)) => {
            // UNCONFIRMED wording.
            Err(Ec2Error::new("InvalidParameterCombination", "You cannot specify both instanceType and instanceFamily in the same request."))
        }
        (None, None) => Err(Ec2Error::new("MissingParameter", "The request must contain the parameter instanceType or instanceFamily")),
        (Some(t), None) => {
            let Some(it) = catalog::instance_type(t) else { return Err(Ec2Error::invalid_value(t, "instanceType")) };
            if !it.dedicated_hosts_supported() {
                // UNCONFIRMED wording.
                return Err(Ec2Error::new("InvalidParameterValue", format!("Dedicated Hosts do not support the instance type '{t}'.")));
            }
            Ok((it.family.clone(), Some(it.name.clone())))
        }
        (None, Some(f)) => {
            let sizes = catalog::family_types(f);
            if sizes.is_empty() || !sizes.iter().any(|t| t.dedicated_hosts_supported()) {
                // UNCONFIRMED wording.
                return Err(Ec2Error::new("InvalidInstanceFamily", format!("The instance family '{f}' is not supported for Dedicated Hosts.")));
            }
            if !catalog::family_host(f).is_some_and(|s| s.allows_multiple_instance_types) {
                // UNCONFIRMED wording: older (non-Nitro) families run one size per host.
                let example = sizes.iter().find(|t| t.dedicated_hosts_supported()).map(|t| t.name.clone()).unwrap_or_default();
                return Err(Ec2Error::new(
                    "UnsupportedHostConfiguration",
                    format!("Dedicated Hosts of the {f} family support a single instance type: specify instanceType (for example {example}) instead of instanceFamily."),
                ));
            }
            Ok((f.to_string(), None))
        }
    }
}

/// One host's outcome in ModifyHosts / ReleaseHosts.
pub type ItemResult = Result<String, (String, Ec2Error)>;

impl World {
    /// AllocateHosts: `quantity` empty hardware hosts of the family in the AZ become this
    /// account's Dedicated Hosts.
    pub fn allocate_hosts(&mut self, req: AllocateRequest) -> Result<Vec<String>, Ec2Error> {
        if let Some(tok) = req.client_token.as_deref().filter(|t| !t.is_empty()) {
            let again: Vec<String> = self.dedicated.hosts.iter().filter(|h| h.client_token.as_deref() == Some(tok)).map(|h| h.id.clone()).collect();
            if !again.is_empty() {
                return Ok(again);
            }
        }
        let (family, single) = host_configuration(req.instance_type.as_deref(), req.instance_family.as_deref())?;
        let az = match (&req.availability_zone, &req.availability_zone_id) {
            (None, None) => return Err(Ec2Error::new("MissingParameter", "The request must contain the parameter availabilityZone")),
            (Some(n), id) => {
                let Some(i) = catalog::azs().iter().position(|a| a.name == n.as_str()) else {
                    return Err(Ec2Error::new("InvalidParameterValue", format!("Invalid availability zone: [{n}]")));
                };
                if let Some(id) = id {
                    if catalog::azs()[i].zone_id != id.as_str() {
                        // UNCONFIRMED wording.
                        return Err(Ec2Error::new("InvalidParameterCombination", format!("Availability Zone {n} is not the zone with ID {id}.")));
                    }
                }
                i
            }
            (None, Some(id)) => match catalog::azs().iter().position(|a| a.zone_id == id.as_str()) {
                Some(i) => i,
                None => return Err(Ec2Error::new("InvalidParameterValue", format!("Invalid availability zone ID: [{id}]"))),
            },
        };
        let quantity = req.quantity.unwrap_or(1);
        if quantity < 1 {
            return Err(Ec2Error::new("InvalidParameterValue", format!("Value ({quantity}) for parameter quantity is invalid. Expected a positive integer.")));
        }
        let auto_placement = on_off(req.auto_placement.as_deref(), false, "autoPlacement")?;
        let host_recovery = on_off(req.host_recovery.as_deref(), false, "hostRecovery")?;
        // UNCONFIRMED default: host maintenance on, as the console allocates.
        let host_maintenance = on_off(req.host_maintenance.as_deref(), true, "hostMaintenance")?;
        let held = self.dedicated.hosts.iter().filter(|h| h.family == family && h.state.allocated()).count();
        let wanted = quantity.min(10_000) as usize;
        if held + wanted > HOSTS_PER_FAMILY {
            return Err(errors::quota(wanted, held + wanted, &family, HOSTS_PER_FAMILY));
        }
        let mut pool = empty_hardware(&self.hardware, az, &family);
        if pool.len() < wanted {
            let az_name = catalog::azs()[az].name;
            self.note(&format!(
                "a Dedicated Host needs a whole physical host with nothing on it; {az_name} has {} empty {family} host(s) right now (other accounts' instances keep the rest busy). Try another Availability Zone or fewer hosts.",
                pool.len()
            ));
            return Err(errors::no_empty_hardware());
        }
        let now = self.now();
        let mut ids = Vec::new();
        for _ in 0..wanted {
            let Some(i) = self.rng.pick(&pool) else { break };
            let hw = pool.remove(i);
            let id = self.rng.resource_id("h");
            if let Some(h) = self.hardware.hosts.get_mut(hw) {
                h.tenancy = HostUse::DedicatedHost(id.clone());
            }
            self.dedicated.hosts.push(DedicatedHost {
                id: id.clone(),
                hw,
                az,
                family: family.clone(),
                instance_type: single.clone(),
                auto_placement,
                host_recovery,
                host_maintenance,
                state: HostState::Available,
                allocated: now,
                released: None,
                client_token: req.client_token.clone().filter(|t| !t.is_empty()),
                tags: req.tags.clone(),
                reservation: None,
                replaced_by: None,
                moved: Vec::new(),
                replaces: None,
            });
            ids.push(id);
        }
        self.bump();
        Ok(ids)
    }

    /// ModifyHosts: per host, Ok(id) or the reason it was not changed.
    #[allow(clippy::too_many_arguments)]
    pub fn modify_hosts(
        &mut self,
        ids: &[String],
        auto_placement: Option<&str>,
        host_recovery: Option<&str>,
        host_maintenance: Option<&str>,
        instance_type: Option<&str>,
        instance_family: Option<&str>,
    ) -> Result<Vec<ItemResult>, Ec2Error> {
        if auto_placement.is_none() && host_recovery.is_none() && host_maintenance.is_none() && instance_type.is_none() && instance_family.is_none() {
            // UNCONFIRMED wording.
            return Err(Ec2Error::new("MissingParameter", "The request must contain at least one of the parameters autoPlacement, hostRecovery, hostMaintenance, instanceType or instanceFamily"));
        }
        let ap = auto_placement.map(|v| on_off(Some(v), false, "autoPlacement")).transpose()?;
        let hr = host_recovery.map(|v| on_off(Some(v), false, "hostRecovery")).transpose()?;
        let hm = host_maintenance.map(|v| on_off(Some(v), false, "hostMaintenance")).transpose()?;
        let config = if instance_type.is_some() || instance_family.is_some() { Some(host_configuration(instance_type, instance_family)?) } else { None };
        let mut out = Vec::new();
        for id in ids {
            let h = match find(self, id) {
                Ok(h) => h,
                Err(e) => {
                    out.push(Err((id.clone(), e)));
                    continue;
                }
            };
            if h.state != HostState::Available {
                out.push(Err((id.clone(), errors::not_available(id, h.state.name()))));
                continue;
            }
            if let Some((family, _)) = &config {
                if *family != h.family {
                    // UNCONFIRMED wording.
                    out.push(Err((id.clone(), Ec2Error::new("UnsupportedHostConfiguration", format!("Dedicated host {id} is an {} host; it can only be configured for {} instance types.", h.family, h.family)))));
                    continue;
                }
                let busy = self.hardware.hosts.get(h.hw).map(|x| x.instances.len()).unwrap_or(0);
                if busy > 0 {
                    // UNCONFIRMED wording.
                    out.push(Err((id.clone(), Ec2Error::new("InvalidHostConfiguration", format!("Dedicated host {id} has instances on it: its supported instance type or family can be changed only while it has none.")))));
                    continue;
                }
            }
            let Some(h) = self.dedicated.get_mut(id) else { continue };
            if let Some(v) = ap {
                h.auto_placement = v;
            }
            if let Some(v) = hr {
                h.host_recovery = v;
            }
            if let Some(v) = hm {
                h.host_maintenance = v;
            }
            if let Some((_, single)) = &config {
                h.instance_type = single.clone();
            }
            out.push(Ok(id.clone()));
        }
        self.bump();
        Ok(out)
    }

    /// ReleaseHosts: a host with no instance on it is released (its hardware goes back to the
    /// shared pool); a host with instances is refused.
    pub fn release_hosts(&mut self, ids: &[String]) -> Vec<ItemResult> {
        let now = self.now();
        let mut out = Vec::new();
        for id in ids {
            let (hw, state) = match find(self, id) {
                Ok(h) => (h.hw, h.state),
                Err(e) => {
                    out.push(Err((id.clone(), e)));
                    continue;
                }
            };
            if matches!(state, HostState::Released | HostState::ReleasedPermanentFailure) {
                out.push(Err((id.clone(), errors::not_available(id, state.name()))));
                continue;
            }
            if state != HostState::PermanentFailure {
                let busy = self.hardware.hosts.get(hw).map(|x| x.instances.len()).unwrap_or(0);
                if busy > 0 {
                    out.push(Err((id.clone(), errors::in_use(id, busy))));
                    continue;
                }
                if let Some(x) = self.hardware.hosts.get_mut(hw) {
                    if x.tenancy == HostUse::DedicatedHost(id.clone()) {
                        x.tenancy = HostUse::Shared;
                    }
                }
            }
            if let Some(h) = self.dedicated.get_mut(id) {
                h.state = if state == HostState::PermanentFailure { HostState::ReleasedPermanentFailure } else { HostState::Released };
                h.released = Some(now);
                h.auto_placement = false;
            }
            out.push(Ok(id.clone()));
        }
        self.bump();
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Launching and starting on hosts
// ---------------------------------------------------------------------------------------------

/// The launch is refused if its AMI is one of [`HOST_RESTRICTED_PLATFORMS`].
pub fn check_ami(platform_details: &str) -> Result<(), Ec2Error> {
    if HOST_RESTRICTED_PLATFORMS.contains(&platform_details) {
        // UNCONFIRMED code and wording.
        return Err(Ec2Error::new("InvalidParameterCombination", format!("AMIs with the platform '{platform_details}' (licence included) cannot be launched on Dedicated Hosts. Bring your own licence instead.")));
    }
    Ok(())
}

/// Free units on hardware host `hw` after `reserved` planned ones.
fn free(world: &World, hw: usize, reserved: &BTreeMap<usize, u32>) -> u32 {
    world.hardware.hosts.get(hw).map(|h| h.free_units().saturating_sub(reserved.get(&hw).copied().unwrap_or(0))).unwrap_or(0)
}

/// What the host takes, in words (`m5.large`, or `every m5 size`).
fn takes(h: &DedicatedHost) -> String {
    match &h.instance_type {
        Some(t) => t.clone(),
        None => format!("{} instance types", h.family),
    }
}

/// A targeted host, checked for an instance of `t` in `az` (None: any AZ).
fn targeted<'a>(world: &'a World, id: &str, az: Option<usize>, t: &InstanceType) -> Result<&'a DedicatedHost, Ec2Error> {
    let h = find(world, id)?;
    if h.state != HostState::Available {
        return Err(errors::not_available(id, h.state.name()));
    }
    if let Some(az) = az.filter(|&a| a != h.az) {
        return Err(errors::zones_mismatched(id, h.az_name(), catalog::azs().get(az).map(|a| a.name).unwrap_or_default()));
    }
    if !h.supports(t) {
        return Err(errors::unsupported_type(&t.name, id, &takes(h)));
    }
    Ok(h)
}

/// The AZ a `Tenancy=host` launch without a subnet or AZ goes to: the named host's, or the first
/// auto-placement host with room for `min` instances of `t`.
pub(crate) fn launch_az(world: &World, host_id: Option<&str>, t: &InstanceType, min: u64) -> Option<usize> {
    if let Some(id) = host_id {
        return world.dedicated.get(id).map(|h| h.az);
    }
    let none = BTreeMap::new();
    let u = t.host_units().max(1);
    let auto = || world.dedicated.hosts.iter().filter(|h| h.state == HostState::Available && h.auto_placement && h.supports(t));
    auto().find(|h| (free(world, h.hw, &none) / u) as u64 >= min.max(1)).or_else(|| auto().next()).map(|h| h.az)
}

/// The hardware hosts (one per instance, at most `max`, at least `min`) a `Tenancy=host` launch of
/// `t` in `az` goes to: the named host (targeted placement), or the account's auto-placement
/// hosts in allocation order, each filled before the next.
pub(crate) fn plan_launch(world: &mut World, host_id: Option<&str>, az: usize, t: &InstanceType, min: u64, max: u64) -> Result<Vec<usize>, Ec2Error> {
    let u = t.host_units().max(1);
    let none = BTreeMap::new();
    if let Some(id) = host_id {
        let h = targeted(world, id, Some(az), t)?;
        let fit = (free(world, h.hw, &none) / u) as u64;
        if fit < min {
            return Err(errors::no_room_on(id));
        }
        return Ok(vec![h.hw; fit.min(max) as usize]);
    }
    let mut plan = Vec::new();
    for h in world.dedicated.hosts.iter().filter(|h| h.state == HostState::Available && h.auto_placement && h.az == az && h.supports(t)) {
        let fit = (free(world, h.hw, &none) / u) as u64;
        for _ in 0..fit {
            if plan.len() as u64 >= max {
                break;
            }
            plan.push(h.hw);
        }
    }
    if (plan.len() as u64) < min {
        explain_no_host(world, az, t);
        return Err(errors::no_matching_host());
    }
    Ok(plan)
}

/// A note for the learner when no auto-placement host took a launch: hosts that would have,
/// but have auto-placement off or are in another AZ.
fn explain_no_host(world: &mut World, az: usize, t: &InstanceType) {
    let az_name = catalog::azs().get(az).map(|a| a.name).unwrap_or_default();
    let fits: Vec<&DedicatedHost> = world.dedicated.hosts.iter().filter(|h| h.state == HostState::Available && h.supports(t)).collect();
    let off: Vec<String> = fits.iter().filter(|h| !h.auto_placement).map(|h| format!("{} ({})", h.id, h.az_name())).collect();
    let elsewhere: Vec<String> = fits.iter().filter(|h| h.auto_placement && h.az != az).map(|h| format!("{} ({})", h.id, h.az_name())).collect();
    let note = if !off.is_empty() {
        format!(
            "{} could take {} but {} auto-placement off: name it with --placement Tenancy=host,HostId=… or turn auto-placement on (aws ec2 modify-hosts --auto-placement on --host-ids …).",
            off.join(", "),
            t.name,
            if off.len() == 1 { "has" } else { "have" }
        )
    } else if !elsewhere.is_empty() {
        format!("the launch went to {az_name}, but your auto-placement hosts for {} are in another Availability Zone: {}.", t.name, elsewhere.join(", "))
    } else if world.dedicated.hosts.iter().any(|h| h.state == HostState::Available) {
        format!("none of your Dedicated Hosts has room and a configuration for {} in {az_name}.", t.name)
    } else {
        "you have no Dedicated Hosts: allocate one first (aws ec2 allocate-hosts).".to_string()
    };
    world.note(&note);
}

/// Where a stopped `Tenancy=host` instance starts: its host (affinity `host`, or affinity
/// `default` while its last host has room), else an auto-placement host in its AZ.
/// `reserved`: units already planned by the same StartInstances call.
pub(crate) fn plan_start(world: &mut World, instance: &str, reserved: &BTreeMap<usize, u32>) -> Result<usize, Ec2Error> {
    let Some(inst) = world.compute.get(instance) else { return Err(Ec2Error::new("InvalidInstanceID.NotFound", format!("The instance ID '{instance}' does not exist"))) };
    let Some(t) = catalog::instance_type(&inst.instance_type) else { return Err(Ec2Error::invalid_value(&inst.instance_type, "instanceType")) };
    let u = t.host_units().max(1);
    let az = inst.az();
    let pinned = inst.placement.affinity.as_deref() == Some("host");
    if let Some(id) = inst.placement.host_id.as_deref() {
        let usable = world.dedicated.get(id).filter(|h| h.state == HostState::Available && h.az == az && h.supports(t));
        match usable {
            Some(h) if free(world, h.hw, reserved) >= u => return Ok(h.hw),
            Some(_) if pinned => return Err(errors::no_room_on(id)),
            None if pinned => return Err(errors::no_compatible_host(instance)),
            _ => {}
        }
    }
    let pick = world
        .dedicated
        .hosts
        .iter()
        .find(|h| h.state == HostState::Available && h.auto_placement && h.az == az && h.supports(t) && free(world, h.hw, reserved) >= u)
        .map(|h| h.hw);
    match pick {
        Some(hw) => Ok(hw),
        None => {
            explain_no_host(world, az, t);
            Err(errors::no_matching_host())
        }
    }
}

/// The Dedicated Host id on hardware host `hw`.
pub fn host_id_on(world: &World, hw: usize) -> Option<String> {
    match world.hardware.hosts.get(hw).map(|h| &h.tenancy) {
        Some(HostUse::DedicatedHost(id)) => Some(id.clone()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Dedicated Instances
// ---------------------------------------------------------------------------------------------

/// How many instances needing `units` of `family` fit in `az` for `tenancy` (`default` or
/// `dedicated`).
pub fn room(hw: &Hardware, az: usize, family: &str, units: u32, tenancy: &str) -> u64 {
    if tenancy != "dedicated" {
        return hw.room_for(az, family, units);
    }
    if units == 0 {
        return 0;
    }
    hw.candidates_for(az, family, units, "dedicated").iter().map(|&h| (hw.hosts[h].free_units() / units) as u64).sum()
}

/// A host for one Dedicated Instance: hosts already running this account's Dedicated Instances
/// first (packed), else an empty shared host, chosen with the world's generator.
pub fn choose_dedicated(hw: &Hardware, rng: &mut Rng, az: usize, family: &str, units: u32, exclude: &[usize]) -> Option<usize> {
    let all: Vec<usize> = hw.candidates_for(az, family, units, "dedicated").into_iter().filter(|h| !exclude.contains(h)).collect();
    let ours: Vec<usize> = all.iter().copied().filter(|&h| hw.hosts[h].tenancy == HostUse::DedicatedInstances).collect();
    let pool = if ours.is_empty() { all } else { ours };
    rng.pick(&pool).map(|i| pool[i])
}

// ---------------------------------------------------------------------------------------------
// Tenancy, host and affinity changes (ModifyInstancePlacement)
// ---------------------------------------------------------------------------------------------

impl World {
    /// ModifyInstancePlacement's `--tenancy`, `--host-id` and `--affinity`. Tenancy and host
    /// changes need a stopped instance (they take effect at the next start); affinity alone can
    /// change at any time. Tenancy `host` cannot go back to `dedicated` or `default`. A host id
    /// moves the instance to that host (and to tenancy `host`).
    pub fn modify_instance_tenancy(&mut self, id: &str, tenancy: Option<&str>, host_id: Option<&str>, affinity: Option<&str>) -> Result<(), Ec2Error> {
        crate::compute::check_instance_id(self, id)?;
        let Some(inst) = self.compute.get(id) else { return Err(Ec2Error::new("InvalidInstanceID.NotFound", format!("The instance ID '{id}' does not exist"))) };
        if let Some(t) = tenancy {
            if !["default", "dedicated", "host"].contains(&t) {
                return Err(Ec2Error::invalid_value(t, "tenancy"));
            }
        }
        if let Some(a) = affinity {
            if a != "default" && a != "host" {
                return Err(Ec2Error::new("InvalidAffinity", format!("Value ({a}) for parameter affinity is invalid. Valid values are default and host.")));
            }
        }
        let current = inst.placement.tenancy.clone();
        let new_tenancy = match (tenancy, host_id) {
            (Some(t), _) => t.to_string(),
            (None, Some(_)) => "host".to_string(),
            (None, None) => current.clone(),
        };
        if current == "host" && new_tenancy != "host" {
            return Err(errors::from_host(id, &new_tenancy));
        }
        if host_id.is_some() && new_tenancy != "host" {
            // UNCONFIRMED wording.
            return Err(Ec2Error::new("InvalidParameterCombination", format!("The parameter hostId can only be used with a tenancy of 'host', not '{new_tenancy}'.")));
        }
        if affinity.is_some() && new_tenancy != "host" {
            return Err(errors::affinity_needs_host());
        }
        let changes_hardware = new_tenancy != current || host_id.is_some_and(|h| inst.placement.host_id.as_deref() != Some(h));
        if changes_hardware && inst.state != State::Stopped {
            // UNCONFIRMED wording (as for placement groups).
            return Err(Ec2Error::new("IncorrectInstanceState", format!("The instance '{id}' is not in the 'stopped' state; stop it before changing its tenancy or host.")));
        }
        let Some(itype) = catalog::instance_type(&inst.instance_type) else { return Err(Ec2Error::invalid_value(&inst.instance_type, "instanceType")) };
        if new_tenancy == "host" {
            if inst.placement.group_name.is_some() {
                return Err(errors::no_groups());
            }
            if let Some(ami) = inst.ami() {
                check_ami(ami.platform_details)?;
            }
            if !itype.dedicated_hosts_supported() {
                // UNCONFIRMED wording.
                return Err(Ec2Error::new("InvalidParameterCombination", format!("Instance type {} does not support Dedicated Hosts.", itype.name)));
            }
            if let Some(h) = host_id {
                targeted(self, h, Some(inst.az()), itype)?;
            }
        } else if let Some(g) = inst.placement.group_name.as_deref().and_then(|g| self.placement.get(g)).cloned() {
            self.check_group_fit(&g, itype, &new_tenancy, inst.placement.partition_number)?;
        }
        let Some(inst) = self.compute.get_mut(id) else { return Ok(()) };
        inst.placement.tenancy = new_tenancy.clone();
        if new_tenancy == "host" {
            if let Some(h) = host_id {
                inst.placement.host_id = Some(h.to_string());
            }
            if let Some(a) = affinity {
                inst.placement.affinity = Some(a.to_string());
            } else if inst.placement.affinity.is_none() {
                inst.placement.affinity = Some("default".into());
            }
        } else {
            inst.placement.host_id = None;
            inst.placement.affinity = None;
        }
        self.bump();
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Host Reservations
// ---------------------------------------------------------------------------------------------

/// Hosts a reservation (or its preview) may cover: the account's available hosts of the
/// offering's family, not yet covered.
fn reservable(world: &World, offering: &pricing::Offering, ids: &[String]) -> Result<(), Ec2Error> {
    if ids.is_empty() {
        return Err(Ec2Error::new("MissingParameter", "The request must contain the parameter hostIdSet"));
    }
    for id in ids {
        let h = find(world, id)?;
        if !h.state.allocated() {
            return Err(errors::not_available(id, h.state.name()));
        }
        if h.family != offering.family {
            // UNCONFIRMED wording.
            return Err(Ec2Error::new(
                "InvalidInstanceFamily",
                format!("The instance family of offering {} ({}) does not match the instance family of Dedicated host {id} ({}).", offering.id, offering.family, h.family),
            ));
        }
        if let Some(r) = &h.reservation {
            // UNCONFIRMED wording.
            return Err(Ec2Error::new("HostAlreadyCoveredByReservation", format!("Dedicated host {id} is already covered by reservation {r}.")));
        }
    }
    Ok(())
}

/// The offering `id`, or EC2's error for it.
pub fn find_offering(id: &str) -> Result<pricing::Offering, Ec2Error> {
    if !id.strip_prefix("hro-").is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit())) {
        return Err(Ec2Error::new("InvalidHostReservationOfferingId.Malformed", format!("Invalid id: \"{id}\" (expecting \"hro-...\")")));
    }
    // UNCONFIRMED code for a well-formed id that names no offering.
    pricing::offering(id).ok_or_else(|| Ec2Error::new("InvalidParameterValue", format!("The Dedicated Host Reservation offering '{id}' does not exist.")))
}

impl World {
    /// GetHostReservationPurchasePreview: the offering and the hosts it would cover.
    pub fn host_reservation_preview(&self, offering_id: &str, ids: &[String]) -> Result<pricing::Offering, Ec2Error> {
        let o = find_offering(offering_id)?;
        reservable(self, &o, ids)?;
        Ok(o)
    }

    /// PurchaseHostReservation: the hosts are covered from now for the offering's term.
    pub fn purchase_host_reservation(&mut self, offering_id: &str, ids: &[String], client_token: Option<String>, tags: Vec<(String, String)>) -> Result<HostReservation, Ec2Error> {
        if let Some(tok) = client_token.as_deref() {
            if let Some(r) = self.dedicated.reservations.iter().find(|r| r.client_token.as_deref() == Some(tok)) {
                return Ok(r.clone());
            }
        }
        let o = find_offering(offering_id)?;
        reservable(self, &o, ids)?;
        let n = ids.len() as f64;
        let now = self.now();
        let r = HostReservation {
            id: self.rng.resource_id("hr"),
            offering_id: o.id.clone(),
            family: o.family.to_string(),
            years: o.years,
            payment: o.payment,
            hosts: ids.to_vec(),
            start: now,
            end: now.plus(o.duration_seconds() * 1000),
            hourly_milli: (o.hourly * n * 1000.0).round() as u64,
            upfront_milli: (o.upfront * n * 1000.0).round() as u64,
            client_token,
            tags,
        };
        for id in ids {
            if let Some(h) = self.dedicated.get_mut(id) {
                h.reservation = Some(r.id.clone());
            }
        }
        self.dedicated.reservations.push(r.clone());
        self.bump();
        Ok(r)
    }
}

// ---------------------------------------------------------------------------------------------
// Hardware failures: host recovery
// ---------------------------------------------------------------------------------------------

/// Called by `faults.rs` when the hardware host `hw` (index into `Hardware::hosts`) fails
/// (its own failure, or its rack's power or network): host recovery happens here.
///
/// - No allocated Dedicated Host on `hw`: nothing to do.
/// - Host recovery off: the host goes `under-assessment`; its instances stay where they are
///   (what happens to them is `faults.rs`'s business). [`on_hardware_repair`] makes it
///   `available` again.
/// - Host recovery on: an empty healthy host of the family in the same AZ becomes a new
///   Dedicated Host (new `h-` id, same configuration, auto-placement, recovery and maintenance
///   settings, tags and reservation); the old one goes `permanent-failure` (UNCONFIRMED: the
///   state AWS shows for a replaced host) with `replaced_by` set, and its hardware leaves the
///   account. Every instance on the failed hardware moves to the new host: a pending or running
///   one through `faults::recover_onto` (same id and addresses, its OS reboots there, the status
///   checks start over), others (stopping, shutting down) by hardware accounting only; all get
///   `Instance::host`/`last_host` and `placement.host_id` of the new host, and stopped instances
///   pinned to the old host follow it. The moved ids are recorded in the old host's `moved`, and
///   the new host's `replaces` names the old one. With no empty hardware to take over, the host
///   goes `under-assessment` instead.
pub(crate) fn on_hardware_failure(world: &mut World, hw: usize) {
    let Some(old) = world.dedicated.on_hardware(hw).filter(|h| h.state == HostState::Available).cloned() else { return };
    if !old.host_recovery {
        if let Some(h) = world.dedicated.get_mut(&old.id) {
            h.state = HostState::UnderAssessment;
        }
        world.bump();
        return;
    }
    let mut pool = empty_hardware(&world.hardware, old.az, &old.family);
    pool.retain(|&i| i != hw);
    let Some(i) = world.rng.pick(&pool) else {
        if let Some(h) = world.dedicated.get_mut(&old.id) {
            h.state = HostState::UnderAssessment;
        }
        world.note(&format!("host recovery found no empty {} host in {} to replace {}: it stays under assessment.", old.family, old.az_name(), old.id));
        world.bump();
        return;
    };
    let new_hw = pool[i];
    let new_id = world.rng.resource_id("h");
    let now = world.now();
    if let Some(h) = world.hardware.hosts.get_mut(new_hw) {
        h.tenancy = HostUse::DedicatedHost(new_id.clone());
    }
    // Move every instance on the failed hardware.
    let moving: Vec<String> = world.hardware.hosts.get(hw).map(|h| h.instances.clone()).unwrap_or_default();
    for id in &moving {
        let Some((state, units)) = world.compute.get(id).map(|i| (i.state, i.units())) else { continue };
        if matches!(state, State::Pending | State::Running) {
            // Restarted on the new host the way a recovery restarts an instance (faults.rs).
            crate::faults::recover_onto(world, id, new_hw);
        } else {
            world.hardware.release(hw, id, units);
            world.hardware.place(new_hw, id, units);
        }
        if let Some(inst) = world.compute.get_mut(id) {
            inst.host = Some(new_hw);
            inst.last_host = Some(new_hw);
            inst.placement.host_id = Some(new_id.clone());
        }
    }
    // Stopped instances pinned to the old host follow it too.
    for inst in world.compute.instances.values_mut() {
        if inst.placement.host_id.as_deref() == Some(old.id.as_str()) {
            inst.placement.host_id = Some(new_id.clone());
        }
    }
    if let Some(x) = world.hardware.hosts.get_mut(hw) {
        if x.tenancy == HostUse::DedicatedHost(old.id.clone()) {
            x.tenancy = HostUse::Shared;
        }
    }
    if let Some(r) = old.reservation.as_deref().and_then(|r| world.dedicated.reservations.iter_mut().find(|x| x.id == r)) {
        for h in r.hosts.iter_mut() {
            if *h == old.id {
                *h = new_id.clone();
            }
        }
    }
    if let Some(h) = world.dedicated.get_mut(&old.id) {
        h.state = HostState::PermanentFailure;
        h.replaced_by = Some(new_id.clone());
        h.moved = moving.clone();
        h.reservation = None;
        h.auto_placement = false;
    }
    world.dedicated.hosts.push(DedicatedHost {
        id: new_id.clone(),
        hw: new_hw,
        allocated: now,
        released: None,
        state: HostState::Available,
        replaced_by: None,
        moved: Vec::new(),
        replaces: Some(old.id.clone()),
        client_token: None,
        ..old.clone()
    });
    world.note(&format!(
        "host recovery: {} failed; {new_id} replaces it in {} with the same configuration{}.",
        old.id,
        old.az_name(),
        if moving.is_empty() { String::new() } else { format!(", and its instances ({}) move there", moving.join(", ")) }
    ));
    world.bump();
}

/// Called by `faults.rs` when hardware host `hw` is repaired: an `under-assessment` Dedicated
/// Host on it is `available` again.
pub(crate) fn on_hardware_repair(world: &mut World, hw: usize) {
    let Some(id) = world.dedicated.on_hardware(hw).filter(|h| h.state == HostState::UnderAssessment).map(|h| h.id.clone()) else { return };
    if world.hardware.hosts.get(hw).is_some_and(|h| world.hardware.host_ok(h)) {
        if let Some(h) = world.dedicated.get_mut(&id) {
            h.state = HostState::Available;
        }
        world.bump();
    }
}
