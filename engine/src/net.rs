//! Networking basics: the default VPC, one default subnet per AZ, addresses, security groups and
//! key pairs. Security groups decide whether traffic from the workstation reaches an instance.

use crate::catalog;
use crate::clock::Time;
use crate::rng::Rng;
use std::collections::BTreeSet;

/// The learner's laptop as the internet sees it (a documentation address, RFC 5737).
pub const WORKSTATION_IP: &str = "203.0.113.10";

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Vpc {
    pub id: String,
    pub cidr: String,
    pub is_default: bool,
    pub dhcp_options_id: String,
    pub cidr_assoc_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    pub az: usize,
    /// Network address as a u32 and prefix length.
    pub base: u32,
    pub prefix: u8,
    pub default_for_az: bool,
    pub map_public_ip_on_launch: bool,
    pub used: BTreeSet<u32>,
}

impl Subnet {
    pub fn cidr(&self) -> String {
        format!("{}/{}", ip_to_string(self.base), self.prefix)
    }
    pub fn size(&self) -> u32 {
        1u32 << (32 - self.prefix as u32)
    }
    /// AWS keeps the first four and the last address of every subnet.
    pub fn available(&self) -> u32 {
        self.size().saturating_sub(5).saturating_sub(self.used.len() as u32)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rule {
    pub id: String,
    /// `tcp`, `udp`, `icmp` or `-1` (all).
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    /// Exactly one peer per rule (as AWS's security-group-rule model has it).
    pub peer: Peer,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Peer {
    Cidr(String),
    Group(String),
}

impl Rule {
    /// Does this rule let `protocol`/`port` in from `source_ip` (or from a member of `source_groups`)?
    pub fn allows(&self, protocol: &str, port: u16, source_ip: Option<u32>, source_groups: &[String]) -> bool {
        let proto_ok = self.protocol == "-1" || self.protocol == protocol;
        let port_ok = self.protocol == "-1"
            || match (self.from_port, self.to_port) {
                (Some(f), Some(t)) => (f == -1 && t == -1) || (f <= port as i32 && port as i32 <= t),
                _ => true,
            };
        let peer_ok = match &self.peer {
            Peer::Cidr(c) => source_ip.is_some_and(|ip| cidr_contains(c, ip)),
            Peer::Group(g) => source_groups.iter().any(|s| s == g),
        };
        proto_ok && port_ok && peer_ok
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub description: String,
    pub vpc_id: String,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
    pub tags: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeyPair {
    pub id: String,
    pub name: String,
    pub key_type: String,
    pub fingerprint: String,
    /// The private key as handed out by CreateKeyPair (None for imported keys).
    pub private_pem: Option<String>,
    /// The public key line (`ssh-rsa AAAA… name`).
    pub public_key: String,
    pub created: Time,
    pub tags: Vec<(String, String)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Net {
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub security_groups: Vec<SecurityGroup>,
    pub key_pairs: Vec<KeyPair>,
    pub public_ips_in_use: BTreeSet<u32>,
}

/// Public address pools (Amazon's us-east-1 ranges) as (first octet, second octet range).
const PUBLIC_POOLS: &[(u32, u32, u32)] = &[(3, 80, 95), (18, 204, 215), (34, 192, 239), (44, 192, 223), (54, 80, 90), (52, 0, 95)];

impl Net {
    pub fn build(rng: &mut Rng) -> Net {
        let vpc_id = rng.resource_id("vpc");
        let vpc = Vpc {
            id: vpc_id.clone(),
            cidr: "172.31.0.0/16".into(),
            is_default: true,
            dhcp_options_id: rng.resource_id("dopt"),
            cidr_assoc_id: rng.resource_id("vpc-cidr-assoc"),
        };
        let mut subnets = Vec::new();
        for (i, _) in catalog::azs().iter().enumerate() {
            subnets.push(Subnet {
                id: rng.resource_id("subnet"),
                vpc_id: vpc_id.clone(),
                az: i,
                base: (172 << 24) | (31 << 16) | ((i as u32 * 16) << 8),
                prefix: 20,
                default_for_az: true,
                map_public_ip_on_launch: true,
                used: BTreeSet::new(),
            });
        }
        let default_sg_id = rng.resource_id("sg");
        let default_sg = SecurityGroup {
            id: default_sg_id.clone(),
            name: "default".into(),
            description: "default VPC security group".into(),
            vpc_id: vpc_id.clone(),
            ingress: vec![Rule {
                id: rng.resource_id("sgr"),
                protocol: "-1".into(),
                from_port: None,
                to_port: None,
                peer: Peer::Group(default_sg_id),
                description: None,
            }],
            egress: vec![all_traffic_out(rng)],
            tags: Vec::new(),
        };
        Net { vpcs: vec![vpc], subnets, security_groups: vec![default_sg], key_pairs: Vec::new(), public_ips_in_use: BTreeSet::new() }
    }

    pub fn default_vpc(&self) -> &Vpc {
        &self.vpcs[0]
    }

    pub fn subnet(&self, id: &str) -> Option<&Subnet> {
        self.subnets.iter().find(|s| s.id == id)
    }

    pub fn default_subnet_for(&self, az: usize) -> Option<usize> {
        self.subnets.iter().position(|s| s.az == az && s.default_for_az)
    }

    pub fn sg(&self, id: &str) -> Option<&SecurityGroup> {
        self.security_groups.iter().find(|g| g.id == id)
    }

    pub fn sg_mut(&mut self, id: &str) -> Option<&mut SecurityGroup> {
        self.security_groups.iter_mut().find(|g| g.id == id)
    }

    pub fn sg_by_name(&self, vpc_id: &str, name: &str) -> Option<&SecurityGroup> {
        self.security_groups.iter().find(|g| g.vpc_id == vpc_id && g.name == name)
    }

    pub fn key_pair(&self, name: &str) -> Option<&KeyPair> {
        self.key_pairs.iter().find(|k| k.name == name)
    }

    /// A free private address in the subnet, chosen by the world's generator.
    pub fn allocate_private_ip(&mut self, subnet: usize, rng: &mut Rng) -> Option<u32> {
        let s = self.subnets.get_mut(subnet)?;
        if s.available() == 0 {
            return None;
        }
        let size = s.size();
        for _ in 0..64 {
            let offset = rng.between(4, (size - 2) as u64) as u32;
            let ip = s.base + offset;
            if s.used.insert(ip) {
                return Some(ip);
            }
        }
        (4..size - 1).map(|o| s.base + o).find(|ip| s.used.insert(*ip))
    }

    pub fn release_private_ip(&mut self, subnet: usize, ip: u32) {
        if let Some(s) = self.subnets.get_mut(subnet) {
            s.used.remove(&ip);
        }
    }

    /// A fresh public IPv4 from Amazon's pools.
    pub fn allocate_public_ip(&mut self, rng: &mut Rng) -> u32 {
        loop {
            let (a, lo, hi) = PUBLIC_POOLS[rng.below(PUBLIC_POOLS.len() as u64) as usize];
            let b = rng.between(lo as u64, hi as u64) as u32;
            let c = rng.below(256) as u32;
            let d = rng.between(1, 254) as u32;
            let ip = (a << 24) | (b << 16) | (c << 8) | d;
            if self.public_ips_in_use.insert(ip) {
                return ip;
            }
        }
    }

    pub fn release_public_ip(&mut self, ip: u32) {
        self.public_ips_in_use.remove(&ip);
    }

    /// Would a TCP connection from the workstation to `port` pass these security groups?
    pub fn workstation_allowed(&self, groups: &[String], port: u16) -> bool {
        let src = parse_ip(WORKSTATION_IP);
        groups
            .iter()
            .filter_map(|g| self.sg(g))
            .any(|g| g.ingress.iter().any(|r| r.allows("tcp", port, src, &[])))
    }
}

pub fn all_traffic_out(rng: &mut Rng) -> Rule {
    Rule {
        id: rng.resource_id("sgr"),
        protocol: "-1".into(),
        from_port: None,
        to_port: None,
        peer: Peer::Cidr("0.0.0.0/0".into()),
        description: None,
    }
}

pub fn ip_to_string(ip: u32) -> String {
    format!("{}.{}.{}.{}", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255)
}

pub fn parse_ip(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut ip = 0u32;
    for p in parts {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = p.parse().ok()?;
        if n > 255 {
            return None;
        }
        ip = (ip << 8) | n;
    }
    Some(ip)
}

/// Parse `a.b.c.d/n`; the address must be the network address only if `strict`.
pub fn parse_cidr(s: &str) -> Option<(u32, u8)> {
    let (ip, len) = s.split_once('/')?;
    let ip = parse_ip(ip)?;
    if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) || len.len() > 2 {
        return None;
    }
    let len: u8 = len.parse().ok()?;
    if len > 32 {
        return None;
    }
    Some((ip, len))
}

pub fn cidr_contains(cidr: &str, ip: u32) -> bool {
    match parse_cidr(cidr) {
        Some((net, len)) => {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len as u32) };
            (net & mask) == (ip & mask)
        }
        None => false,
    }
}

/// `ip-172-31-5-9.ec2.internal`
pub fn private_dns(ip: u32) -> String {
    format!("ip-{}.ec2.internal", ip_to_string(ip).replace('.', "-"))
}

/// `ec2-3-91-22-10.compute-1.amazonaws.com` (us-east-1's form).
pub fn public_dns(ip: u32) -> String {
    format!("ec2-{}.compute-1.amazonaws.com", ip_to_string(ip).replace('.', "-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_cidrs() {
        assert_eq!(parse_ip("172.31.5.9").map(ip_to_string).as_deref(), Some("172.31.5.9"));
        assert_eq!(parse_ip("256.1.1.1"), None);
        assert_eq!(parse_ip("1.2.3"), None);
        assert!(cidr_contains("0.0.0.0/0", parse_ip("8.8.8.8").unwrap()));
        assert!(cidr_contains("203.0.113.0/24", parse_ip(WORKSTATION_IP).unwrap()));
        assert!(!cidr_contains("198.51.100.0/24", parse_ip(WORKSTATION_IP).unwrap()));
        assert!(cidr_contains("203.0.113.10/32", parse_ip(WORKSTATION_IP).unwrap()));
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
        assert_eq!(private_dns(parse_ip("172.31.5.9").unwrap()), "ip-172-31-5-9.ec2.internal");
        assert_eq!(public_dns(parse_ip("3.91.22.10").unwrap()), "ec2-3-91-22-10.compute-1.amazonaws.com");
    }

    #[test]
    fn rules_decide_reachability() {
        let ws = parse_ip(WORKSTATION_IP);
        let r = Rule { id: "sgr-1".into(), protocol: "tcp".into(), from_port: Some(22), to_port: Some(22), peer: Peer::Cidr("0.0.0.0/0".into()), description: None };
        assert!(r.allows("tcp", 22, ws, &[]));
        assert!(!r.allows("tcp", 80, ws, &[]));
        assert!(!r.allows("udp", 22, ws, &[]));
        let g = Rule { peer: Peer::Group("sg-1".into()), protocol: "-1".into(), from_port: None, to_port: None, ..r };
        assert!(!g.allows("tcp", 22, ws, &[]));
        assert!(g.allows("tcp", 22, None, &["sg-1".into()]));
    }
}
