//! Read-only views of the world for the UI (the datacenter pane, the instance pane).
//! Plain data, cheap to compare, so the UI can skip work when nothing changed.

use crate::catalog;
use crate::compute::{Instance, State};
use crate::net;
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
/// and are listed by [`unplaced`].
pub fn datacenter(world: &World) -> Datacenter {
    let mut azs: Vec<AzView> = catalog::azs()
        .iter()
        .map(|a| AzView { name: a.name.to_string(), zone_id: a.zone_id.to_string(), racks: Vec::new() })
        .collect();
    for rack in &world.hardware.racks {
        let hosts = rack
            .hosts
            .iter()
            .filter_map(|&h| world.hardware.hosts.get(h))
            .map(|h| HostView {
                id: h.id.clone(),
                family: h.family.clone(),
                capacity_units: h.capacity_units,
                used_units: h.used_units,
                instances: h.instances.iter().filter_map(|id| world.compute.get(id)).map(chip).collect(),
            })
            .collect();
        if let Some(az) = azs.get_mut(rack.az) {
            az.racks.push(RackView { id: rack.id.clone(), family: rack.family.clone(), hosts });
        }
    }
    Datacenter { region: catalog::REGION.to_string(), azs }
}

fn chip(i: &Instance) -> InstanceChip {
    InstanceChip {
        id: i.id.clone(),
        label: i.name_tag().map(String::from).unwrap_or_else(|| i.id.clone()),
        instance_type: i.instance_type.clone(),
        state: i.state.name().to_string(),
    }
}

/// Instances that are not on a host (stopped, or terminated and still visible).
pub fn unplaced(world: &World) -> Vec<InstanceChip> {
    world.compute.iter().filter(|i| i.host.is_none()).map(chip).collect()
}

pub fn instance(world: &World, id: &str) -> Option<InstanceDetail> {
    let i = world.compute.get(id)?;
    let az = catalog::azs().get(i.az());
    let host = i.host.or(i.last_host).and_then(|h| world.hardware.hosts.get(h));
    let terminated = i.state == State::Terminated;
    Some(InstanceDetail {
        id: i.id.clone(),
        name: i.name_tag().map(String::from),
        state: i.state.name().to_string(),
        instance_type: i.instance_type.clone(),
        az: az.map(|a| a.name.to_string()).unwrap_or_default(),
        zone_id: az.map(|a| a.zone_id.to_string()).unwrap_or_default(),
        rack: host.and_then(|h| world.hardware.racks.get(h.rack)).map(|r| r.id.clone()),
        host: host.map(|h| h.id.clone()),
        private_ip: if terminated { String::new() } else { i.private_ip_string() },
        private_dns: if terminated { String::new() } else { net::private_dns(i.private_ip) },
        public_ip: i.public_ip_string(),
        public_dns: i.public_ip.map(net::public_dns),
        launch_time: i.launch_time.iso_millis(),
        image_id: i.image_id.clone(),
        key_name: i.key_name.clone(),
        security_groups: i
            .security_groups
            .iter()
            .map(|g| world.net.sg(g).map(|s| format!("{} ({})", s.name, s.id)).unwrap_or_else(|| g.clone()))
            .collect(),
    })
}
