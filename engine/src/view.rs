//! Read-only views of the world for the UI (the datacenter pane, the instance pane).
//! Plain data, cheap to compare, so the UI can skip work when nothing changed.

use crate::world::World;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Datacenter {
    pub region: String,
    pub azs: Vec<AzView>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AzView {
    /// `us-east-1a`
    pub name: String,
    /// `use1-az6`
    pub zone_id: String,
    pub racks: Vec<RackView>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RackView {
    /// `us-east-1a-r03`
    pub id: String,
    /// Family of every host in the rack, e.g. `m5`.
    pub family: String,
    pub hosts: Vec<HostView>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostView {
    /// `us-east-1a-r03-h2`
    pub id: String,
    pub family: String,
    /// Capacity and use in quarter-cores.
    pub capacity_units: u32,
    pub used_units: u32,
    pub instances: Vec<InstanceChip>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceChip {
    pub id: String,
    /// The Name tag, or the id when there is none.
    pub label: String,
    pub instance_type: String,
    /// `pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`.
    pub state: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceDetail {
    pub id: String,
    pub name: Option<String>,
    pub state: String,
    pub instance_type: String,
    pub az: String,
    pub zone_id: String,
    /// Rack and host the instance runs on (stopped instances keep the last ones, `None` if never placed).
    pub rack: Option<String>,
    pub host: Option<String>,
    pub private_ip: String,
    pub private_dns: String,
    pub public_ip: Option<String>,
    pub public_dns: Option<String>,
    /// ISO time, e.g. `2026-01-05T09:00:00.000Z`.
    pub launch_time: String,
    pub image_id: String,
    pub key_name: Option<String>,
    pub security_groups: Vec<String>,
}

/// The region's AZs, racks, hosts and the instances on them. Stopped instances are not on a host
/// and are listed in `unplaced`.
pub fn datacenter(_world: &World) -> Datacenter {
    Datacenter::default()
}

/// Instances that are not on a host (stopped, or terminated and still visible).
pub fn unplaced(_world: &World) -> Vec<InstanceChip> {
    Vec::new()
}

pub fn instance(_world: &World, _id: &str) -> Option<InstanceDetail> {
    None
}
