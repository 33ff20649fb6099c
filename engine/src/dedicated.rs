//! Dedicated Hosts (allocate-hosts and friends) and Dedicated Instances (tenancy `dedicated`).
//!
//! A Dedicated Host is one physical host of `hardware.rs` handed to this account
//! (`HostUse::DedicatedHost(h-…)`); Dedicated Instances use `HostUse::DedicatedInstances`.

use crate::world::World;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DedicatedHosts {}

/// Called by `faults.rs` when the hardware host `hw` (index into `Hardware::hosts`) fails
/// (its own failure, or its rack's power or network): host recovery happens here.
pub(crate) fn on_hardware_failure(_world: &mut World, _hw: usize) {}
