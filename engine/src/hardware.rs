//! Physical hardware: racks (failure domains with their own power and network) holding hosts of one
//! instance family. Capacity is counted in quarter-cores ("units", see `InstanceType::host_units`), so
//! a region can run out and `InsufficientInstanceCapacity` is a real outcome.

use crate::catalog;
use crate::rng::Rng;

/// How many racks of each family every AZ gets, and hosts per rack. One table, so capacity is easy
/// to reason about: e.g. t3 = 8 racks × 4 hosts × 192 micro = 6,144 t3.micro per empty AZ.
/// Eight racks per family and AZ is the smallest number that lets a spread group hold its seven
/// instances per AZ and a partition group give each of its seven partitions a rack of its own, in
/// any single family; a real AZ has far more.
pub const RACKS_PER_AZ: &[(&str, usize)] = &[
    ("t3", 8),
    ("m5", 8),
    ("c5", 8),
    ("t2", 8),
    ("m6i", 8),
    ("m4", 8),
    ("c4", 8),
    ("c5n", 8),
    ("r5", 8),
    ("i3", 8),
    ("m3", 8),
];
pub const HOSTS_PER_RACK: usize = 4;

/// Other accounts' load: the share of racks that carry any, the share of hosts on such a rack that
/// do, and how full those hosts are. Quiet racks are what lets a cluster of whole-host instances
/// find a rack of its own.
pub const NEIGHBOUR_RACK_SHARE: f64 = 0.5;
pub const NEIGHBOUR_HOST_SHARE: f64 = 0.75;
pub const NEIGHBOUR_FILL_PERCENT: (u64, u64) = (10, 60);
/// A neighbour instance counts as this many quarter-cores (a 2-vCPU Nitro instance) when the
/// view turns their load into a number of instances.
pub const NEIGHBOUR_INSTANCE_UNITS: u32 = 4;

/// Who may run on a host.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum HostUse {
    /// Shared tenancy: this account's default-tenancy instances and other accounts' (neighbours).
    #[default]
    Shared,
    /// Only this account's Dedicated Instances (tenancy `dedicated`), while it has any; an emptied
    /// host goes back to the shared pool.
    DedicatedInstances,
    /// Allocated to this account as a Dedicated Host: the `h-…` id (see `dedicated.rs`).
    DedicatedHost(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rack {
    /// `us-east-1a-r03`
    pub id: String,
    /// Index into `catalog::azs()`.
    pub az: usize,
    pub family: String,
    /// Indexes into `Hardware::hosts`.
    pub hosts: Vec<usize>,
    pub power_ok: bool,
    pub network_ok: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Host {
    /// `us-east-1a-r03-h2`
    pub id: String,
    pub rack: usize,
    pub az: usize,
    pub family: String,
    pub sockets: u32,
    pub cores: u32,
    /// Quarter-cores.
    pub capacity_units: u32,
    pub used_units: u32,
    /// Instance ids running (or pending/stopping) on this host, in arrival order.
    pub instances: Vec<String>,
    pub tenancy: HostUse,
    /// Other accounts' instances on this host (shared tenancy only): anonymous, seeded at world
    /// creation, counted in `neighbour_units` quarter-cores.
    pub neighbours: u32,
    pub neighbour_units: u32,
    /// False while the host itself has failed (`lab fail host`); its rack's power and network
    /// are on `Rack`.
    pub healthy: bool,
}

impl Host {
    pub fn free_units(&self) -> u32 {
        self.capacity_units.saturating_sub(self.used_units).saturating_sub(self.neighbour_units)
    }
    /// Nothing on it: no instance of this account and no neighbour.
    pub fn is_empty(&self) -> bool {
        self.instances.is_empty() && self.neighbours == 0 && self.used_units == 0
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Hardware {
    pub racks: Vec<Rack>,
    pub hosts: Vec<Host>,
}

impl Hardware {
    /// The region's datacenters. The layout is fixed (the same for every seed) so lessons can count
    /// on it; which host an instance lands on is where the seed matters.
    pub fn build() -> Hardware {
        let mut hw = Hardware::default();
        for (az_index, az) in catalog::azs().iter().enumerate() {
            let mut rack_no = 0;
            for &(family, count) in RACKS_PER_AZ {
                let Some(shape) = catalog::family_host(family) else { continue };
                for _ in 0..count {
                    rack_no += 1;
                    let rack_index = hw.racks.len();
                    let rack_id = format!("{}-r{:02}", az.name, rack_no);
                    let mut hosts = Vec::new();
                    for h in 0..HOSTS_PER_RACK {
                        hosts.push(hw.hosts.len());
                        hw.hosts.push(Host {
                            id: format!("{rack_id}-h{}", h + 1),
                            rack: rack_index,
                            az: az_index,
                            family: family.to_string(),
                            sockets: shape.sockets,
                            cores: shape.cores,
                            capacity_units: shape.cores * 4,
                            used_units: 0,
                            instances: Vec::new(),
                            tenancy: HostUse::Shared,
                            neighbours: 0,
                            neighbour_units: 0,
                            healthy: true,
                        });
                    }
                    hw.racks.push(Rack {
                        id: rack_id,
                        az: az_index,
                        family: family.to_string(),
                        hosts,
                        power_ok: true,
                        network_ok: true,
                    });
                }
            }
        }
        hw
    }

    /// Other accounts' instances, from a generator of their own (derived from the world's seed), so
    /// the world's main generator and every id it draws are unaffected by them.
    pub fn populate_neighbours(&mut self, seed: u64) {
        let mut rng = Rng::new(seed ^ 0x6e65_6967_6862_6f75);
        for rack in &self.racks {
            if !rng.chance(NEIGHBOUR_RACK_SHARE) {
                continue;
            }
            for &hi in &rack.hosts {
                let Some(h) = self.hosts.get_mut(hi) else { continue };
                if h.tenancy != HostUse::Shared || !rng.chance(NEIGHBOUR_HOST_SHARE) {
                    continue;
                }
                let pct = rng.between(NEIGHBOUR_FILL_PERCENT.0, NEIGHBOUR_FILL_PERCENT.1) as u32;
                h.neighbour_units = h.capacity_units * pct / 100;
                h.neighbours = (h.neighbour_units / NEIGHBOUR_INSTANCE_UNITS).max(1);
            }
        }
    }

    /// Shared-tenancy hosts in `az` that could take an instance of `family` needing `units`, in
    /// layout order.
    pub fn candidates(&self, az: usize, family: &str, units: u32) -> Vec<usize> {
        self.candidates_for(az, family, units, "default")
    }

    /// Like [`Hardware::candidates`] for a tenancy: `default` = shared hosts; `dedicated` = hosts
    /// already running this account's Dedicated Instances, or empty shared hosts; `host` = none
    /// (Dedicated Hosts are chosen by `dedicated.rs`).
    pub fn candidates_for(&self, az: usize, family: &str, units: u32, tenancy: &str) -> Vec<usize> {
        self.hosts
            .iter()
            .enumerate()
            .filter(|(_, h)| h.az == az && h.family == family && h.free_units() >= units && self.host_ok(h))
            .filter(|(_, h)| match tenancy {
                "default" => h.tenancy == HostUse::Shared,
                "dedicated" => h.tenancy == HostUse::DedicatedInstances || (h.tenancy == HostUse::Shared && h.is_empty()),
                _ => false,
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// How many instances needing `units` of `family` still fit in `az` on shared hosts.
    pub fn room_for(&self, az: usize, family: &str, units: u32) -> u64 {
        if units == 0 {
            return 0;
        }
        self.hosts
            .iter()
            .filter(|h| h.az == az && h.family == family && h.tenancy == HostUse::Shared && self.host_ok(h))
            .map(|h| (h.free_units() / units) as u64)
            .sum()
    }

    /// The rack's power and network are up.
    pub fn rack_ok(&self, rack: usize) -> bool {
        self.racks.get(rack).is_some_and(|r| r.power_ok && r.network_ok)
    }

    /// The host and its rack are up.
    pub fn host_ok(&self, h: &Host) -> bool {
        h.healthy && self.rack_ok(h.rack)
    }

    /// Choose a host for one instance with the world's generator, avoiding `avoid` when another fits.
    pub fn choose(&self, rng: &mut Rng, az: usize, family: &str, units: u32, avoid: Option<usize>) -> Option<usize> {
        let all = self.candidates(az, family, units);
        let preferred: Vec<usize> = all.iter().copied().filter(|&h| Some(h) != avoid).collect();
        let pool = if preferred.is_empty() { all } else { preferred };
        rng.pick(&pool).map(|i| pool[i])
    }

    pub fn place(&mut self, host: usize, instance_id: &str, units: u32) {
        if let Some(h) = self.hosts.get_mut(host) {
            h.used_units = h.used_units.saturating_add(units);
            h.instances.push(instance_id.to_string());
        }
    }

    /// Place an instance of `tenancy` (`default` or `dedicated`): a shared host taking a first
    /// Dedicated Instance becomes dedicated to this account.
    pub fn place_with_tenancy(&mut self, host: usize, instance_id: &str, units: u32, tenancy: &str) {
        if tenancy == "dedicated" {
            if let Some(h) = self.hosts.get_mut(host) {
                if h.tenancy == HostUse::Shared {
                    h.tenancy = HostUse::DedicatedInstances;
                }
            }
        }
        self.place(host, instance_id, units);
    }

    pub fn release(&mut self, host: usize, instance_id: &str, units: u32) {
        if let Some(h) = self.hosts.get_mut(host) {
            if let Some(pos) = h.instances.iter().position(|i| i == instance_id) {
                h.instances.remove(pos);
                h.used_units = h.used_units.saturating_sub(units);
            }
            if h.tenancy == HostUse::DedicatedInstances && h.instances.is_empty() {
                h.tenancy = HostUse::Shared;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_the_table() {
        let hw = Hardware::build();
        let racks_per_az: usize = RACKS_PER_AZ.iter().map(|(_, n)| n).sum();
        assert_eq!(hw.racks.len(), racks_per_az * catalog::azs().len());
        assert_eq!(hw.hosts.len(), hw.racks.len() * HOSTS_PER_RACK);
        assert_eq!(hw.racks[0].id, "us-east-1a-r01");
        assert_eq!(hw.hosts[0].id, "us-east-1a-r01-h1");
        for r in &hw.racks {
            assert!(r.hosts.iter().all(|&h| hw.hosts[h].family == r.family && hw.hosts[h].rack < hw.racks.len()));
        }
        // 8 t3 racks × 4 hosts × 192 quarter-cores = 6,144 t3.micro per empty AZ.
        assert_eq!(hw.room_for(0, "t3", 1), 6144);
    }

    #[test]
    fn placing_uses_capacity_and_choice_respects_it() {
        let mut hw = Hardware::build();
        let mut rng = Rng::new(1);
        let m5 = hw.candidates(0, "m5", 192);
        assert_eq!(m5.len(), 32, "every empty m5 host fits a 48-core instance");
        for (n, &h) in m5.iter().enumerate() {
            hw.place(h, &format!("i-{n}"), 192);
        }
        assert_eq!(hw.room_for(0, "m5", 4), 0);
        assert_eq!(hw.choose(&mut rng, 0, "m5", 4, None), None);
        hw.release(m5[3], "i-3", 192);
        assert_eq!(hw.choose(&mut rng, 0, "m5", 4, None), Some(m5[3]));
        // A failed rack offers nothing.
        let rack = hw.hosts[m5[3]].rack;
        hw.racks[rack].power_ok = false;
        assert_eq!(hw.choose(&mut rng, 0, "m5", 4, None), None);
    }

    #[test]
    fn neighbours_take_room_and_keep_dedicated_hardware_apart() {
        let empty = Hardware::build();
        let mut hw = Hardware::build();
        hw.populate_neighbours(7);
        let busy = hw.hosts.iter().filter(|h| h.neighbours > 0).count();
        assert!(busy > hw.hosts.len() / 5 && busy < hw.hosts.len() * 3 / 5, "{busy} of {}", hw.hosts.len());
        let quiet = hw.racks.iter().filter(|r| r.hosts.iter().all(|&h| hw.hosts[h].neighbours == 0)).count();
        assert!(quiet > hw.racks.len() / 3, "{quiet} quiet racks of {}", hw.racks.len());
        assert!(hw.room_for(0, "m5", 4) < empty.room_for(0, "m5", 4));
        let mut again = Hardware::build();
        again.populate_neighbours(7);
        assert_eq!(hw, again, "the same seed gives the same neighbours");
        // Dedicated Instances only go to hosts without neighbours, and make them dedicated.
        let d = hw.candidates_for(0, "m5", 4, "dedicated");
        assert!(!d.is_empty() && d.iter().all(|&h| hw.hosts[h].neighbours == 0));
        hw.place_with_tenancy(d[0], "i-d", 4, "dedicated");
        assert_eq!(hw.hosts[d[0]].tenancy, HostUse::DedicatedInstances);
        assert!(!hw.candidates(0, "m5", 4).contains(&d[0]), "a default-tenancy launch cannot share it");
        assert!(hw.candidates_for(0, "m5", 4, "dedicated").contains(&d[0]));
        hw.release(d[0], "i-d", 4);
        assert_eq!(hw.hosts[d[0]].tenancy, HostUse::Shared, "an emptied host goes back to the pool");
    }
}
