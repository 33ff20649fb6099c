//! The blast radius of hardware failures, per placement group: what the rack view shows next to
//! `lab fail` (see `faults.rs`).

use crate::compute::State;
use crate::placement::Strategy;
use crate::world::World;
use std::collections::BTreeSet;

/// How one placement group stands against the hardware failures of the moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupImpact {
    /// The group's name.
    pub name: String,
    /// `cluster`, `spread` or `partition`.
    pub strategy: String,
    /// Instances in the group that are not terminated (stopped ones included).
    pub members: usize,
    /// Members on a host right now (pending, running, stopping, shutting down).
    pub placed: usize,
    /// Members whose hardware is down right now (rack power or network, or the host), whether
    /// or not a status check has noticed yet.
    pub on_failed_hardware: usize,
    /// Members whose system status check is `impaired`.
    pub impaired: usize,
    /// Their ids, in launch order.
    pub impaired_ids: Vec<String>,
    /// Distinct racks the placed members use, and how many of those are down.
    pub racks: usize,
    pub racks_down: usize,
    /// Partition groups: how many partitions the group has…
    pub partitions: Option<u32>,
    /// …and those with a member on failed hardware or impaired (ascending).
    pub partitions_affected: Vec<u32>,
}

/// One entry per placement group, in creation order.
pub fn blast_radius(world: &World) -> Vec<GroupImpact> {
    world
        .placement
        .groups
        .iter()
        .map(|g| {
            let mut gi = GroupImpact {
                name: g.name.clone(),
                strategy: g.strategy.name().to_string(),
                partitions: (g.strategy == Strategy::Partition).then_some(g.partition_count.unwrap_or(1)),
                ..Default::default()
            };
            let mut racks = BTreeSet::new();
            let mut down = BTreeSet::new();
            let mut parts = BTreeSet::new();
            for i in world.compute.iter().filter(|i| i.placement.group_name.as_deref() == Some(g.name.as_str()) && i.state != State::Terminated) {
                gi.members += 1;
                let broken = crate::faults::cause(world, i).is_some();
                let impaired = world.status_checks(i).0 == "impaired";
                if let Some(h) = i.host.and_then(|h| world.hardware.hosts.get(h)) {
                    gi.placed += 1;
                    racks.insert(h.rack);
                    if !world.hardware.rack_ok(h.rack) {
                        down.insert(h.rack);
                    }
                }
                if broken {
                    gi.on_failed_hardware += 1;
                }
                if impaired {
                    gi.impaired += 1;
                    gi.impaired_ids.push(i.id.clone());
                }
                if let (true, Some(p)) = (broken || impaired, i.placement.partition_number) {
                    parts.insert(p);
                }
            }
            gi.racks = racks.len();
            gi.racks_down = down.len();
            gi.partitions_affected = parts.into_iter().collect();
            gi
        })
        .collect()
}
