//! Placement groups: the account's groups (`World::placement`) and the rules that decide where a
//! group's instances may run, on the racks and hosts of `hardware.rs`.
//!
//! - cluster: one AZ, locked by the first launch; one network segment, i.e. the k-th rack of each
//!   family in that AZ (segment k). Instances are packed onto the segment's rack for their family,
//!   filling hosts in order, so adding more later or another type can find the rack full.
//! - spread (rack level): every live instance of the group on a distinct rack in its AZ, at most
//!   [`SPREAD_PER_AZ`] per AZ.
//! - partition: the k-th rack of a family in an AZ belongs to partition `k % count + 1`, so two
//!   partitions never share a rack; instances go to the least filled partition unless a
//!   `PartitionNumber` is given.
//!
//! "Live" members are those holding hardware (pending, running, stopping, shutting-down).

use crate::catalog;
use crate::clock::Time;
use crate::compute::Ec2Error;
use crate::hardware::Hardware;
use crate::rng::Rng;
use crate::world::{World, ACCOUNT_ID};

#[cfg(test)]
mod tests;

/// Placement groups per account and Region.
pub const MAX_GROUPS: usize = 500;
/// Running instances per AZ in one spread placement group.
pub const SPREAD_PER_AZ: usize = 7;
/// Partitions per AZ in a partition placement group.
pub const MAX_PARTITIONS: u32 = 7;
/// Partitions a partition placement group may have to take Dedicated Instances.
pub const MAX_DEDICATED_PARTITIONS: u32 = 2;
/// Longest group name (ASCII characters).
pub const MAX_NAME_LEN: usize = 255;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Strategy {
    Cluster,
    Spread,
    Partition,
}

impl Strategy {
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Cluster => "cluster",
            Strategy::Spread => "spread",
            Strategy::Partition => "partition",
        }
    }
    pub fn parse(s: &str) -> Option<Strategy> {
        match s {
            "cluster" => Some(Strategy::Cluster),
            "spread" => Some(Strategy::Spread),
            "partition" => Some(Strategy::Partition),
            _ => None,
        }
    }
}

/// What the group means for the network, recorded for the networking model to use later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NetworkProperties {
    /// Cluster: every member on one network segment (low latency, high per-flow throughput).
    pub same_segment: bool,
    /// Spread and partition: members (or partitions) on racks with their own network and power.
    pub rack_level_spread: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PlacementGroup {
    pub name: String,
    /// `pg-0…`
    pub id: String,
    pub strategy: Strategy,
    /// Partition groups only.
    pub partition_count: Option<u32>,
    /// Spread groups only (`rack`).
    pub spread_level: Option<String>,
    /// `available` (creation is immediate here; `pending`/`deleting`/`deleted` are not observed).
    pub state: String,
    pub tags: Vec<(String, String)>,
    pub created: Time,
    /// Cluster only: (AZ index, segment) chosen by the first launch; released once no
    /// non-terminated member is left.
    pub cluster_lock: Option<(usize, usize)>,
    pub network: NetworkProperties,
}

impl PlacementGroup {
    pub fn arn(&self) -> String {
        format!("arn:aws:ec2:{}:{ACCOUNT_ID}:placement-group/{}", catalog::REGION, self.name)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Placements {
    /// In creation order.
    pub groups: Vec<PlacementGroup>,
}

impl Placements {
    pub fn get(&self, name: &str) -> Option<&PlacementGroup> {
        self.groups.iter().find(|g| g.name == name)
    }
    pub fn by_id(&self, id: &str) -> Option<&PlacementGroup> {
        self.groups.iter().find(|g| g.id == id)
    }
    fn get_mut(&mut self, name: &str) -> Option<&mut PlacementGroup> {
        self.groups.iter_mut().find(|g| g.name == name)
    }
}

pub fn unknown(name: &str) -> Ec2Error {
    Ec2Error::new("InvalidPlacementGroup.Unknown", format!("The Placement Group '{name}' is unknown."))
}

/// What `create-placement-group` asks for.
#[derive(Clone, Debug, Default)]
pub struct CreateRequest {
    pub name: Option<String>,
    pub strategy: Option<String>,
    pub partition_count: Option<i64>,
    pub spread_level: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// The position of a rack among the racks of its family in its AZ (0 = first).
pub fn family_rank(hw: &Hardware, rack: usize) -> usize {
    let Some(r) = hw.racks.get(rack) else { return 0 };
    hw.racks[..rack].iter().filter(|o| o.az == r.az && o.family == r.family).count()
}

/// The partition (1-based) a rack belongs to in a group of `count` partitions.
pub fn rack_partition(hw: &Hardware, rack: usize, count: u32) -> u32 {
    (family_rank(hw, rack) as u32 % count.max(1)) + 1
}

/// Why a pick failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No host with room that the group's rules allow (InsufficientInstanceCapacity).
    Capacity,
    /// A spread group already has its maximum in the AZ.
    SpreadLimit(usize),
}

/// A scratch copy of the hardware and the group's live members, to plan several placements
/// before committing any.
pub struct Planner {
    pub hw: Hardware,
    strategy: Strategy,
    partition_count: u32,
    /// (AZ, rack, partition) of every live member, including planned ones.
    pub members: Vec<(usize, usize, Option<u32>)>,
    pub lock: Option<(usize, usize)>,
    /// `default` or `dedicated` (Dedicated Instances only take hosts of their own kind; see
    /// `Hardware::candidates_for`).
    tenancy: String,
}

impl Planner {
    pub fn new(world: &World, group: &PlacementGroup) -> Planner {
        let members = world
            .compute
            .iter()
            .filter(|i| i.placement.group_name.as_deref() == Some(group.name.as_str()))
            .filter_map(|i| i.host.and_then(|h| world.hardware.hosts.get(h)).map(|h| (i.az(), h.rack, i.placement.partition_number)))
            .collect();
        Planner {
            hw: world.hardware.clone(),
            strategy: group.strategy,
            partition_count: group.partition_count.unwrap_or(1),
            members,
            lock: if group_has_members(world, &group.name) { group.cluster_lock } else { None },
            tenancy: "default".into(),
        }
    }

    /// Plan for instances of `tenancy` (`default` or `dedicated`).
    pub fn with_tenancy(mut self, tenancy: &str) -> Planner {
        self.tenancy = tenancy.to_string();
        self
    }

    /// A spread group refuses a request that would take it past [`SPREAD_PER_AZ`] in `az` even
    /// at its minimum count.
    pub fn check_spread(&self, az: usize, min_count: u64) -> Result<(), Refusal> {
        let live = self.members.iter().filter(|m| m.0 == az).count();
        if self.strategy == Strategy::Spread && live as u64 + min_count > SPREAD_PER_AZ as u64 {
            return Err(Refusal::SpreadLimit(live));
        }
        Ok(())
    }

    /// Choose a host for one instance; `count_hint` is how many the request wants (a cluster's
    /// first launch looks for a segment where they all fit).
    pub fn pick(&mut self, rng: &mut Rng, az: usize, family: &str, units: u32, partition: Option<u32>, count_hint: u64) -> Result<(usize, Option<u32>), Refusal> {
        let candidates = self.hw.candidates_for(az, family, units, &self.tenancy);
        let (host, part) = match self.strategy {
            Strategy::Cluster => {
                let segment = match self.lock {
                    Some((_, s)) => s,
                    None => {
                        // Segments (racks of this family) with room, preferring those that fit
                        // the whole request.
                        let mut racks: Vec<usize> = candidates.iter().map(|&h| self.hw.hosts[h].rack).collect();
                        racks.dedup();
                        let room = |r: usize| -> u64 { self.hw.racks[r].hosts.iter().map(|&h| (self.hw.hosts[h].free_units() / units.max(1)) as u64).sum() };
                        let fits: Vec<usize> = racks.iter().copied().filter(|&r| room(r) >= count_hint).collect();
                        let pool = if fits.is_empty() { racks } else { fits };
                        let Some(i) = rng.pick(&pool) else { return Err(Refusal::Capacity) };
                        family_rank(&self.hw, pool[i])
                    }
                };
                // Packed: the first host on the segment's rack with room.
                let host = candidates.iter().copied().find(|&h| family_rank(&self.hw, self.hw.hosts[h].rack) == segment).ok_or(Refusal::Capacity)?;
                self.lock = Some((az, segment));
                (host, None)
            }
            Strategy::Spread => {
                let live = self.members.iter().filter(|m| m.0 == az).count();
                if live >= SPREAD_PER_AZ {
                    return Err(Refusal::SpreadLimit(live));
                }
                let pool: Vec<usize> = candidates.iter().copied().filter(|&h| !self.members.iter().any(|m| m.0 == az && m.1 == self.hw.hosts[h].rack)).collect();
                let i = rng.pick(&pool).ok_or(Refusal::Capacity)?;
                (pool[i], None)
            }
            Strategy::Partition => {
                let n = self.partition_count;
                let in_part = |p: u32, hw: &Hardware| -> Vec<usize> { candidates.iter().copied().filter(|&h| rack_partition(hw, hw.hosts[h].rack, n) == p).collect() };
                let p = match partition {
                    Some(p) => p,
                    None => {
                        // The least filled partition in this AZ that has room; ties: the lowest.
                        let usable: Vec<u32> = (1..=n).filter(|&p| !in_part(p, &self.hw).is_empty()).collect();
                        let count = |p: u32| self.members.iter().filter(|m| m.0 == az && m.2 == Some(p)).count();
                        *usable.iter().min_by_key(|&&p| (count(p), p)).ok_or(Refusal::Capacity)?
                    }
                };
                let pool = in_part(p, &self.hw);
                let i = rng.pick(&pool).ok_or(Refusal::Capacity)?;
                (pool[i], Some(p))
            }
        };
        self.hw.place_with_tenancy(host, "", units, &self.tenancy);
        self.members.push((az, self.hw.hosts[host].rack, part));
        Ok((host, part))
    }
}

/// Does the group have a member that is not terminated?
pub fn group_has_members(world: &World, name: &str) -> bool {
    world.compute.iter().any(|i| i.placement.group_name.as_deref() == Some(name) && i.state != crate::compute::State::Terminated)
}

impl World {
    pub fn create_placement_group(&mut self, req: CreateRequest) -> Result<PlacementGroup, Ec2Error> {
        let Some(name) = req.name.filter(|n| !n.is_empty()) else {
            return Err(Ec2Error::new("MissingParameter", "The request must contain the parameter groupName"));
        };
        if name.len() > MAX_NAME_LEN || !name.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(Ec2Error::invalid_value(&name, "groupName"));
        }
        let strategy_name = req.strategy.unwrap_or_default();
        let Some(strategy) = Strategy::parse(&strategy_name) else {
            return Err(Ec2Error::invalid_value(&strategy_name, "strategy"));
        };
        let partition_count = match (strategy, req.partition_count) {
            (Strategy::Partition, None) => Some(2),
            (Strategy::Partition, Some(n)) if (1..=MAX_PARTITIONS as i64).contains(&n) => Some(n as u32),
            (Strategy::Partition, Some(n)) => {
                return Err(Ec2Error::new("InvalidParameterValue", format!("Value ({n}) for parameter partitionCount is invalid. A partition placement group can have 1 to {MAX_PARTITIONS} partitions.")));
            }
            (_, Some(_)) => {
                return Err(Ec2Error::new("InvalidParameterCombination", "The parameter partitionCount is valid only for placement groups with strategy 'partition'."));
            }
            (_, None) => None,
        };
        let spread_level = match (strategy, req.spread_level.as_deref()) {
            (Strategy::Spread, None | Some("rack")) => Some("rack".to_string()),
            (Strategy::Spread, Some("host")) => {
                return Err(Ec2Error::new("InvalidParameterValue", "Spread level 'host' is supported only for placement groups on AWS Outposts."));
            }
            (Strategy::Spread, Some(other)) => return Err(Ec2Error::invalid_value(other, "spreadLevel")),
            (_, Some(_)) => {
                return Err(Ec2Error::new("InvalidParameterCombination", "The parameter spreadLevel is valid only for placement groups with strategy 'spread'."));
            }
            (_, None) => None,
        };
        if self.placement.get(&name).is_some() {
            return Err(Ec2Error::new("InvalidPlacementGroup.Duplicate", format!("The Placement Group '{name}' already exists.")));
        }
        if self.placement.groups.len() >= MAX_GROUPS {
            // UNCONFIRMED: the code and wording of the per-Region group limit.
            return Err(Ec2Error::new("MaxPlacementGroupsExceeded", format!("You have reached the limit of {MAX_GROUPS} placement groups in this Region.")));
        }
        let group = PlacementGroup {
            id: self.rng.resource_id("pg"),
            name,
            strategy,
            partition_count,
            spread_level,
            state: "available".into(),
            tags: req.tags,
            created: self.now(),
            cluster_lock: None,
            network: NetworkProperties { same_segment: strategy == Strategy::Cluster, rack_level_spread: strategy != Strategy::Cluster },
        };
        self.placement.groups.push(group.clone());
        self.bump();
        Ok(group)
    }

    /// Only when every member has finished terminating.
    pub fn delete_placement_group(&mut self, name: &str) -> Result<(), Ec2Error> {
        if self.placement.get(name).is_none() {
            return Err(unknown(name));
        }
        if group_has_members(self, name) {
            return Err(Ec2Error::new("InvalidPlacementGroup.InUse", format!("The placement group '{name}' is in use and may not be deleted.")));
        }
        self.placement.groups.retain(|g| g.name != name);
        self.bump();
        Ok(())
    }

    /// Record the cluster lock a launch or start planned.
    pub(crate) fn set_cluster_lock(&mut self, name: &str, lock: Option<(usize, usize)>) {
        if let Some(g) = self.placement.get_mut(name) {
            if g.strategy == Strategy::Cluster {
                g.cluster_lock = lock;
            }
        }
    }

    /// The checks a group makes of an instance type, tenancy and partition number before any
    /// placement: shared by run-instances and modify-instance-placement.
    pub(crate) fn check_group_fit(&self, group: &PlacementGroup, itype: &catalog::InstanceType, tenancy: &str, partition: Option<u32>) -> Result<(), Ec2Error> {
        let t = &itype.name;
        if group.strategy == Strategy::Cluster && !itype.supports_placement("cluster") {
            return Err(Ec2Error::new(
                "InvalidParameterCombination",
                format!("Cluster placement groups are not supported by the '{t}' instance type. Specify a supported instance type or change the placement group strategy, and try again."),
            ));
        }
        if tenancy == "host" {
            return Err(crate::dedicated::errors::no_groups());
        }
        if group.strategy == Strategy::Partition && tenancy == "dedicated" && group.partition_count.unwrap_or(1) > MAX_DEDICATED_PARTITIONS {
            // UNCONFIRMED wording; aws-facts §7: with Dedicated Instances, at most two partitions.
            return Err(Ec2Error::new(
                "InvalidParameterCombination",
                format!(
                    "A partition placement group can have at most {MAX_DEDICATED_PARTITIONS} partitions for Dedicated Instances; '{}' has {}.",
                    group.name,
                    group.partition_count.unwrap_or(1)
                ),
            ));
        }
        if group.strategy == Strategy::Spread && tenancy == "dedicated" {
            // UNCONFIRMED wording; spread groups do not take Dedicated Instances.
            return Err(Ec2Error::new("InvalidParameterCombination", "Spread placement groups are not supported for instances with a tenancy of 'dedicated'."));
        }
        if let Some(p) = partition {
            match group.partition_count {
                Some(n) if (1..=n).contains(&p) => {}
                Some(n) => {
                    return Err(Ec2Error::new("InvalidParameterValue", format!("Value ({p}) for parameter partitionNumber is invalid. Placement group '{}' has {n} partitions (1 to {n}).", group.name)));
                }
                None => {
                    return Err(Ec2Error::new("InvalidParameterCombination", format!("A partition number can only be given for a partition placement group; '{}' uses the {} strategy.", group.name, group.strategy.name())));
                }
            }
        }
        Ok(())
    }
}

/// The error for a refused pick, in the words of a launch in `az`.
pub fn launch_refusal(world: &mut World, r: &Refusal, group: &PlacementGroup, type_name: &str, az: usize) -> Ec2Error {
    let az_name = catalog::azs().get(az).map(|a| a.name).unwrap_or_default();
    match r {
        Refusal::SpreadLimit(n) => spread_limit(&group.name, az_name, *n),
        Refusal::Capacity => {
            world.note(&capacity_note(group, az_name));
            Ec2Error::new(
                "InsufficientInstanceCapacity",
                format!("We currently do not have sufficient {type_name} capacity in the Availability Zone you requested ({az_name}). Our system will be working on provisioning additional capacity."),
            )
        }
    }
}

/// UNCONFIRMED: the code and message EC2 gives for more than seven running instances per AZ in
/// a spread placement group are not documented; this is the most plausible reading.
pub fn spread_limit(group: &str, az_name: &str, live: usize) -> Ec2Error {
    Ec2Error::new(
        "InvalidParameterValue",
        format!("A spread placement group can have at most {SPREAD_PER_AZ} running instances per Availability Zone; '{group}' has {live} in {az_name}, so the request would exceed that."),
    )
}

/// What the console tells the learner when a group's rules (not the AZ) ran out of room.
pub fn capacity_note(group: &PlacementGroup, az_name: &str) -> String {
    match group.strategy {
        Strategy::Cluster => format!("placement group '{}' (cluster) keeps its instances on one network segment in {az_name}, and the rack there has no room left for this request. Launch a cluster's instances together, with one instance type.", group.name),
        Strategy::Spread => format!("placement group '{}' (spread) needs a rack in {az_name} that none of its instances uses, with room for this type; there is none.", group.name),
        Strategy::Partition => format!("placement group '{}' (partition): the racks of the chosen partition in {az_name} have no room for this type.", group.name),
    }
}

impl World {
    /// ModifyInstancePlacement for placement groups: a stopped instance joins `group` (by name;
    /// `""` leaves its group), or changes partition within its group. The hardware is chosen when
    /// it next starts, under the group's rules.
    pub fn modify_instance_placement(&mut self, id: &str, group: Option<&str>, partition: Option<u32>) -> Result<(), Ec2Error> {
        crate::compute::check_instance_id(self, id)?;
        let Some(inst) = self.compute.get(id) else { return Err(Ec2Error::new("InvalidInstanceID.NotFound", format!("The instance ID '{id}' does not exist"))) };
        if inst.state != crate::compute::State::Stopped {
            // UNCONFIRMED wording; EC2 changes placement only for stopped instances.
            return Err(Ec2Error::new("IncorrectInstanceState", format!("The instance '{id}' is not in the 'stopped' state; stop it before changing its placement.")));
        }
        let target = match group {
            Some("") => {
                if let Some(p) = partition {
                    return Err(Ec2Error::new("InvalidParameterCombination", format!("A partition number ({p}) can only be given with a partition placement group.")));
                }
                if let Some(inst) = self.compute.get_mut(id) {
                    inst.placement.group_name = None;
                    inst.placement.partition_number = None;
                }
                self.bump();
                return Ok(());
            }
            Some(g) => g.to_string(),
            None => match &inst.placement.group_name {
                Some(g) => g.clone(),
                None => return Err(Ec2Error::new("MissingParameter", "The request must contain the parameter groupName or groupId")),
            },
        };
        let Some(g) = self.placement.get(&target).cloned() else { return Err(unknown(&target)) };
        let Some(itype) = catalog::instance_type(&inst.instance_type) else { return Err(Ec2Error::invalid_value(&inst.instance_type, "instanceType")) };
        self.check_group_fit(&g, itype, &inst.placement.tenancy, partition)?;
        let az = inst.az();
        if g.strategy == Strategy::Cluster {
            let others = self.compute.iter().any(|o| o.id != id && o.placement.group_name.as_deref() == Some(g.name.as_str()) && o.state != crate::compute::State::Terminated);
            if let Some((locked, _)) = g.cluster_lock.filter(|_| others) {
                if locked != az {
                    // UNCONFIRMED wording (as at launch).
                    return Err(Ec2Error::new(
                        "InvalidPlacementGroup.InUse",
                        format!("The placement group '{}' is in use in another Availability Zone: {}.", g.name, catalog::azs()[locked].name),
                    ));
                }
            }
        }
        if let Some(inst) = self.compute.get_mut(id) {
            inst.placement.group_name = Some(g.name.clone());
            inst.placement.partition_number = partition;
        }
        self.bump();
        Ok(())
    }
}
