//! Physical hardware: racks (failure domains with their own power and network) holding hosts of one
//! instance family. Capacity is counted in quarter-cores ("units", see `InstanceType::host_units`), so
//! a region can run out and `InsufficientInstanceCapacity` is a real outcome.

use crate::catalog;
use crate::rng::Rng;

/// How many racks of each family every AZ gets, and hosts per rack. One table, so capacity is easy
/// to reason about: e.g. t3 = 3 racks × 4 hosts × 192 micro = 2,304 t3.micro per AZ.
pub const RACKS_PER_AZ: &[(&str, usize)] = &[
    ("t3", 3),
    ("m5", 3),
    ("c5", 2),
    ("t2", 1),
    ("m6i", 1),
    ("m4", 1),
    ("c4", 1),
    ("c5n", 1),
    ("r5", 1),
    ("i3", 1),
    ("m3", 1),
];
pub const HOSTS_PER_RACK: usize = 4;

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
}

impl Host {
    pub fn free_units(&self) -> u32 {
        self.capacity_units.saturating_sub(self.used_units)
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

    /// Hosts in `az` that could take an instance of `family` needing `units`, in layout order.
    pub fn candidates(&self, az: usize, family: &str, units: u32) -> Vec<usize> {
        self.hosts
            .iter()
            .enumerate()
            .filter(|(_, h)| h.az == az && h.family == family && h.free_units() >= units && self.rack_ok(h.rack))
            .map(|(i, _)| i)
            .collect()
    }

    /// How many instances needing `units` of `family` still fit in `az`.
    pub fn room_for(&self, az: usize, family: &str, units: u32) -> u64 {
        if units == 0 {
            return 0;
        }
        self.hosts
            .iter()
            .filter(|h| h.az == az && h.family == family && self.rack_ok(h.rack))
            .map(|h| (h.free_units() / units) as u64)
            .sum()
    }

    fn rack_ok(&self, rack: usize) -> bool {
        self.racks.get(rack).is_some_and(|r| r.power_ok && r.network_ok)
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

    pub fn release(&mut self, host: usize, instance_id: &str, units: u32) {
        if let Some(h) = self.hosts.get_mut(host) {
            if let Some(pos) = h.instances.iter().position(|i| i == instance_id) {
                h.instances.remove(pos);
                h.used_units = h.used_units.saturating_sub(units);
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
        // 3 t3 racks × 4 hosts × 192 quarter-cores = 2,304 t3.micro per AZ.
        assert_eq!(hw.room_for(0, "t3", 1), 2304);
    }

    #[test]
    fn placing_uses_capacity_and_choice_respects_it() {
        let mut hw = Hardware::build();
        let mut rng = Rng::new(1);
        let m5 = hw.candidates(0, "m5", 192);
        assert_eq!(m5.len(), 12, "every empty m5 host fits a 48-core instance");
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
}
