//! The Dedicated Hosts view: each of the account's hosts with its capacity by size, what a
//! licence counted per socket, per core or per VM would count, and what it costs by the hour
//! compared with running the same instances On-Demand and with Host Reservations. Prices come
//! from `dedicated::pricing` (approximate list prices, UNCONFIRMED there).

use crate::catalog;
use crate::compute::State;
use crate::dedicated::{self, pricing};
use crate::world::World;

/// One size on a host: how many more fit, how many fit on an empty host, how many run now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SizeCapacity {
    pub instance_type: String,
    pub available: u32,
    pub total: u32,
    pub running: u32,
}

/// An instance on a host.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostInstanceView {
    pub id: String,
    /// Name tag, or the id.
    pub label: String,
    pub instance_type: String,
    pub state: String,
    pub vcpus: u32,
    /// Physical cores it takes (quarter-cores / 4, rounded up).
    pub cores: u32,
    /// Its share of the host, in quarter-cores.
    pub units: u32,
}

/// What a licence would count on this host.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LicenceCounts {
    /// Per-socket licences: the host's sockets.
    pub sockets: u32,
    /// Per-core licences: the host's physical cores (all of them, whatever runs).
    pub cores: u32,
    /// Per-VM licences: instances running (or starting) on it.
    pub vms: u32,
    /// Per-vCPU counts inside those VMs.
    pub vcpus: u32,
}

/// A price per hour under one Host Reservation option.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReservationPrice {
    pub years: u32,
    /// `No Upfront` | `Partial Upfront` | `All Upfront`
    pub payment: String,
    pub upfront: f64,
    pub hourly: f64,
    /// Upfront spread over the term's hours, plus the hourly price.
    pub effective_hourly: f64,
}

/// Dollars per hour (approximate list prices).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HostCost {
    /// The host On-Demand (what a Dedicated Host bills; its instances are not billed).
    pub host_on_demand: f64,
    /// The instances running on it, were they ordinary On-Demand instances.
    pub instances_on_demand: f64,
    /// A full host's worth of the family's instances at On-Demand rates (its best size).
    pub full_host_on_demand: f64,
    /// Every Host Reservation option for the family, 1-year then 3-year.
    pub reservations: Vec<ReservationPrice>,
    /// The reservation covering the host: (id, its option).
    pub covered_by: Option<(String, ReservationPrice)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DedicatedHostView {
    pub id: String,
    pub name: Option<String>,
    pub az: String,
    pub family: String,
    /// `m5.large`, or `m5 (any size)` for a host that mixes sizes.
    pub configured_for: String,
    pub allows_multiple: bool,
    /// `available`, `under-assessment`, `permanent-failure`, `released`, …
    pub state: String,
    pub auto_placement: bool,
    pub host_recovery: bool,
    /// The physical host (`us-east-1a-r03-h2`) it is.
    pub hardware: String,
    pub replaced_by: Option<String>,
    pub replaces: Option<String>,
    /// Accounts it is shared with through AWS RAM (accepted).
    pub shared_with: Vec<String>,
    pub sockets: u32,
    pub cores: u32,
    pub total_vcpus: u32,
    pub available_vcpus: u32,
    pub capacity_units: u32,
    pub used_units: u32,
    pub sizes: Vec<SizeCapacity>,
    pub instances: Vec<HostInstanceView>,
    pub licence: LicenceCounts,
    pub cost: HostCost,
}

impl DedicatedHostView {
    /// Share of the host in use, 0..=1.
    pub fn used_fraction(&self) -> f64 {
        if self.capacity_units == 0 { 0.0 } else { self.used_units as f64 / self.capacity_units as f64 }
    }
}

fn price_of(o: &pricing::Offering) -> ReservationPrice {
    ReservationPrice { years: o.years, payment: o.payment.label().to_string(), upfront: o.upfront, hourly: o.hourly, effective_hourly: o.effective_hourly() }
}

/// The account's Dedicated Hosts that describe-hosts lists (released ones for a while), in
/// allocation order.
pub fn dedicated_hosts(world: &World) -> Vec<DedicatedHostView> {
    let now = world.now();
    let offerings = pricing::offerings();
    world
        .dedicated
        .hosts
        .iter()
        .filter(|h| h.visible(now))
        .map(|h| {
            let shape = catalog::family_host(&h.family);
            let allocated = h.state.allocated();
            let cap = dedicated::capacity(world, h);
            let hw = world.hardware.hosts.get(h.hw);
            let mut instances = Vec::new();
            if allocated {
                for id in hw.map(|x| x.instances.clone()).unwrap_or_default() {
                    let Some(i) = world.compute.get(&id) else { continue };
                    let t = catalog::instance_type(&i.instance_type);
                    let units = i.units();
                    instances.push(HostInstanceView {
                        id: i.id.clone(),
                        label: i.name_tag().map(String::from).unwrap_or_else(|| i.id.clone()),
                        instance_type: i.instance_type.clone(),
                        state: i.state.name().to_string(),
                        vcpus: t.map(|t| t.vcpus).unwrap_or(0),
                        cores: units.div_ceil(4),
                        units,
                    });
                }
            }
            let running: Vec<&HostInstanceView> = instances.iter().filter(|i| i.state == State::Running.name() || i.state == State::Pending.name()).collect();
            let sizes = cap
                .per_type
                .iter()
                .map(|(t, a, total)| SizeCapacity { instance_type: t.clone(), available: *a, total: *total, running: running.iter().filter(|i| i.instance_type == *t).count() as u32 })
                .collect();
            let instances_on_demand: f64 = running.iter().filter_map(|i| catalog::instance_type(&i.instance_type).and_then(pricing::instance_hourly)).sum();
            let reservations: Vec<ReservationPrice> = offerings.iter().filter(|o| o.family == h.family).map(price_of).collect();
            let covered_by = h.reservation.as_ref().and_then(|rid| {
                let r = world.dedicated.reservations.iter().find(|r| r.id == *rid)?;
                let o = pricing::offering(&r.offering_id)?;
                Some((rid.clone(), price_of(&o)))
            });
            DedicatedHostView {
                id: h.id.clone(),
                name: h.tags.iter().find(|(k, _)| k == "Name").map(|(_, v)| v.clone()),
                az: h.az_name().to_string(),
                family: h.family.clone(),
                configured_for: h.instance_type.clone().unwrap_or_else(|| format!("{} (any size)", h.family)),
                allows_multiple: h.allows_multiple(),
                state: h.state.name().to_string(),
                auto_placement: h.auto_placement,
                host_recovery: h.host_recovery,
                hardware: hw.map(|x| x.id.clone()).unwrap_or_default(),
                replaced_by: h.replaced_by.clone(),
                replaces: h.replaces.clone(),
                shared_with: crate::ram::host_shared_with(world, &h.arn()),
                sockets: shape.map(|s| s.sockets).unwrap_or(0),
                cores: shape.map(|s| s.cores).unwrap_or(0),
                total_vcpus: cap.total_vcpus,
                available_vcpus: if allocated { cap.available_vcpus } else { 0 },
                capacity_units: cap.capacity_units,
                used_units: if allocated { cap.used_units } else { 0 },
                sizes: if allocated { sizes } else { Vec::new() },
                licence: LicenceCounts {
                    sockets: shape.map(|s| s.sockets).unwrap_or(0),
                    cores: shape.map(|s| s.cores).unwrap_or(0),
                    vms: running.len() as u32,
                    vcpus: running.iter().map(|i| i.vcpus).sum(),
                },
                instances,
                cost: HostCost {
                    host_on_demand: if allocated { pricing::host_hourly(&h.family).unwrap_or(0.0) } else { 0.0 },
                    instances_on_demand,
                    full_host_on_demand: pricing::full_host_on_demand(&h.family).unwrap_or(0.0),
                    reservations,
                    covered_by,
                },
            }
        })
        .collect()
}
