//! Prices: the one table of hourly list prices behind the cost view (`view::dedicated_hosts`),
//! `describe-host-reservation-offerings`, `get-host-reservation-purchase-preview` and
//! `purchase-host-reservation`.
//!
//! UNCONFIRMED (all of it): ec2lab has no price list offline. These are approximate public
//! us-east-1 On-Demand list prices for Linux, rounded, as a learner would find them on the
//! pricing pages; they are here to compare, not to bill. Instance prices scale with size within
//! a family (per vCPU; burstable families per GiB of memory, as their list prices do). A host's
//! price is about 10% above a full host's worth of the family's instances at On-Demand rates (the
//! ratio of the real m5 figures: 48 × m5.large at $0.096 = $4.608 against $5.069 for the host),
//! taken against the host shapes of `catalog::FamilyHost`. Host Reservations are the host price
//! times the discounts in [`RESERVATION_DISCOUNTS`] (UNCONFIRMED, typical of the published
//! offerings: about a third off for one year, a bit over half for three).

use crate::catalog::{self, InstanceType};

/// How a family's instance prices scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Basis {
    /// Dollars per hour per vCPU.
    PerVcpu(f64),
    /// Dollars per hour per GiB of memory (burstable T families).
    PerGib(f64),
}

/// One family's prices: its instances' basis, and the Dedicated Host's On-Demand hourly price
/// (`None`: no Dedicated Hosts for the family).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FamilyPrice {
    pub family: &'static str,
    pub basis: Basis,
    pub host_hourly: Option<f64>,
}

/// UNCONFIRMED: approximate us-east-1 list prices (see the module comment).
#[rustfmt::skip]
pub static PRICES: [FamilyPrice; 11] = [
    FamilyPrice { family: "c4",  basis: Basis::PerVcpu(0.05),   host_hourly: Some(2.200) }, // c4.large $0.10; 20 cores
    FamilyPrice { family: "c5",  basis: Basis::PerVcpu(0.0425), host_hourly: Some(4.488) }, // c5.large $0.085; 48 cores
    FamilyPrice { family: "c5n", basis: Basis::PerVcpu(0.054),  host_hourly: Some(4.277) }, // c5n.large $0.108; 36 cores
    FamilyPrice { family: "i3",  basis: Basis::PerVcpu(0.078),  host_hourly: Some(6.178) }, // i3.large $0.156; 36 cores
    FamilyPrice { family: "m3",  basis: Basis::PerVcpu(0.0665), host_hourly: Some(2.926) }, // m3.medium $0.067, m3.large $0.133; 20 cores
    FamilyPrice { family: "m4",  basis: Basis::PerVcpu(0.05),   host_hourly: Some(3.960) }, // m4.large $0.10; 36 cores
    FamilyPrice { family: "m5",  basis: Basis::PerVcpu(0.048),  host_hourly: Some(5.069) }, // m5.large $0.096; 48 cores
    FamilyPrice { family: "m6i", basis: Basis::PerVcpu(0.048),  host_hourly: Some(6.758) }, // m6i.large $0.096; 64 cores
    FamilyPrice { family: "r5",  basis: Basis::PerVcpu(0.063),  host_hourly: Some(6.653) }, // r5.large $0.126; 48 cores
    FamilyPrice { family: "t2",  basis: Basis::PerGib(0.0116),  host_hourly: None },        // t2.micro $0.0116; no Dedicated Hosts
    FamilyPrice { family: "t3",  basis: Basis::PerGib(0.0104),  host_hourly: Some(8.786) }, // t3.micro $0.0104; 48 cores = 192 × 4 GiB
];

/// Hours in a reservation term of `years` (what the effective hourly price spreads the upfront
/// payment over).
pub fn term_hours(years: u32) -> f64 {
    8760.0 * years as f64
}

/// `Duration` of a term in seconds, as the API gives it.
pub fn term_seconds(years: u32) -> u64 {
    31_536_000 * years as u64
}

/// The three payment options of a Host Reservation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Payment {
    NoUpfront,
    PartialUpfront,
    AllUpfront,
}

impl Payment {
    pub const ALL: [Payment; 3] = [Payment::NoUpfront, Payment::PartialUpfront, Payment::AllUpfront];
    /// `NoUpfront` | `PartialUpfront` | `AllUpfront` (the API's words).
    pub fn name(self) -> &'static str {
        match self {
            Payment::NoUpfront => "NoUpfront",
            Payment::PartialUpfront => "PartialUpfront",
            Payment::AllUpfront => "AllUpfront",
        }
    }
    /// `No Upfront`, … (the console's words).
    pub fn label(self) -> &'static str {
        match self {
            Payment::NoUpfront => "No Upfront",
            Payment::PartialUpfront => "Partial Upfront",
            Payment::AllUpfront => "All Upfront",
        }
    }
}

/// UNCONFIRMED: effective price of a Host Reservation as a share of the On-Demand host price,
/// by term (years) and payment option.
pub const RESERVATION_DISCOUNTS: [(u32, Payment, f64); 6] = [
    (1, Payment::NoUpfront, 0.70),
    (1, Payment::PartialUpfront, 0.67),
    (1, Payment::AllUpfront, 0.655),
    (3, Payment::NoUpfront, 0.48),
    (3, Payment::PartialUpfront, 0.44),
    (3, Payment::AllUpfront, 0.43),
];

pub fn family_price(family: &str) -> Option<&'static FamilyPrice> {
    PRICES.iter().find(|p| p.family == family)
}

/// Round to `d` decimals.
fn round(x: f64, d: i32) -> f64 {
    let f = 10f64.powi(d);
    (x * f).round() / f
}

/// On-Demand hourly price of one instance of `t`.
pub fn instance_hourly(t: &InstanceType) -> Option<f64> {
    let p = family_price(&t.family)?;
    Some(match p.basis {
        Basis::PerVcpu(r) => round(r * t.vcpus as f64, 4),
        Basis::PerGib(r) => round(r * t.memory_gib(), 4),
    })
}

/// On-Demand hourly price of a Dedicated Host of `family`.
pub fn host_hourly(family: &str) -> Option<f64> {
    family_price(family)?.host_hourly
}

/// A Host Reservation offering: one family, term and payment option.
#[derive(Clone, Debug, PartialEq)]
pub struct Offering {
    /// `hro-0…`: fixed for the family, term and payment option.
    pub id: String,
    pub family: &'static str,
    pub years: u32,
    pub payment: Payment,
    /// Per host.
    pub upfront: f64,
    /// Per host per hour.
    pub hourly: f64,
}

impl Offering {
    /// What one host costs per hour over the term, the upfront payment spread over its hours.
    pub fn effective_hourly(&self) -> f64 {
        self.hourly + self.upfront / term_hours(self.years)
    }
    pub fn duration_seconds(&self) -> u64 {
        term_seconds(self.years)
    }
}

/// A fixed offering id for (family, years, payment): `hro-0` and 16 hex digits of an FNV digest
/// (no generator: the same offering always has the same id).
fn offering_id(family: &str, years: u32, payment: Payment) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{family}/{years}/{}", payment.name()).bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("hro-0{h:016x}")
}

/// Every offering, by family (alphabetical), then term, then payment option.
pub fn offerings() -> Vec<Offering> {
    let mut out = Vec::new();
    for p in &PRICES {
        let Some(host) = p.host_hourly else { continue };
        for (years, payment, share) in RESERVATION_DISCOUNTS {
            let total = host * share * term_hours(years);
            let (upfront, hourly) = match payment {
                Payment::NoUpfront => (0.0, round(host * share, 3)),
                Payment::PartialUpfront => {
                    let up = (total / 2.0).round();
                    (up, round((total - up) / term_hours(years), 3))
                }
                Payment::AllUpfront => (total.round(), 0.0),
            };
            out.push(Offering { id: offering_id(p.family, years, payment), family: p.family, years, payment, upfront, hourly });
        }
    }
    out
}

pub fn offering(id: &str) -> Option<Offering> {
    offerings().into_iter().find(|o| o.id == id)
}

/// The most a full host of `family` earns at On-Demand rates: the best of its sizes, each
/// packed as tightly as the host allows.
pub fn full_host_on_demand(family: &str) -> Option<f64> {
    let shape = catalog::family_host(family)?;
    catalog::family_types(family)
        .into_iter()
        .filter(|t| t.dedicated_hosts_supported() && t.host_units() > 0)
        .filter_map(|t| Some((shape.host_units() / t.host_units()) as f64 * instance_hourly(t)?))
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
}

/// `1.234` as the API's price strings (three decimals).
pub fn price_string(x: f64) -> String {
    format!("{x:.3}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_list_prices() {
        let t = |n: &str| catalog::instance_type(n).unwrap();
        assert_eq!(instance_hourly(t("m5.large")), Some(0.096));
        assert_eq!(instance_hourly(t("m5.4xlarge")), Some(0.768));
        assert_eq!(instance_hourly(t("c5.large")), Some(0.085));
        assert_eq!(instance_hourly(t("t3.micro")), Some(0.0104));
        assert_eq!(instance_hourly(t("t3.nano")), Some(0.0052));
        assert_eq!(instance_hourly(t("t2.micro")), Some(0.0116));
        assert_eq!(host_hourly("m5"), Some(5.069));
        assert_eq!(host_hourly("t2"), None);
    }

    #[test]
    fn a_host_costs_a_little_more_than_its_instances() {
        for p in &PRICES {
            let Some(host) = p.host_hourly else {
                assert!(catalog::family_types(p.family).iter().all(|t| !t.dedicated_hosts_supported()), "{}", p.family);
                continue;
            };
            let full = full_host_on_demand(p.family).unwrap();
            let ratio = host / full;
            assert!((1.05..=1.15).contains(&ratio), "{}: host {host} vs full {full} ({ratio})", p.family);
        }
        // Every simulated family has a price.
        for f in catalog::families() {
            assert!(family_price(f).is_some(), "{f}");
        }
    }

    #[test]
    fn offerings_are_consistent() {
        let all = offerings();
        assert_eq!(all.len(), 10 * 6);
        let ids: std::collections::HashSet<_> = all.iter().map(|o| o.id.clone()).collect();
        assert_eq!(ids.len(), all.len());
        for o in &all {
            assert!(o.id.starts_with("hro-0") && o.id.len() == 21, "{}", o.id);
            let host = host_hourly(o.family).unwrap();
            let eff = o.effective_hourly();
            assert!(eff < host, "{o:?}");
            match o.payment {
                Payment::NoUpfront => assert_eq!(o.upfront, 0.0),
                Payment::AllUpfront => assert_eq!(o.hourly, 0.0),
                Payment::PartialUpfront => assert!(o.upfront > 0.0 && o.hourly > 0.0),
            }
            assert_eq!(offering(&o.id).as_ref(), Some(o));
        }
        // Longer and more upfront is cheaper.
        let m5 = |y, p| all.iter().find(|o| o.family == "m5" && o.years == y && o.payment == p).unwrap().effective_hourly();
        assert!(m5(1, Payment::NoUpfront) > m5(1, Payment::PartialUpfront));
        assert!(m5(1, Payment::PartialUpfront) > m5(1, Payment::AllUpfront));
        assert!(m5(1, Payment::AllUpfront) > m5(3, Payment::NoUpfront));
        assert!(m5(3, Payment::AllUpfront) < 0.45 * 5.069);
    }
}
