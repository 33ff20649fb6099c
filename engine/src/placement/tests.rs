use super::*;
use crate::clock::MINUTE;
use crate::compute::{RunRequest, State};
use std::collections::{BTreeMap, BTreeSet};

const AL2023: &str = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

fn group(w: &mut World, name: &str, strategy: &str, partitions: Option<i64>) {
    w.create_placement_group(CreateRequest { name: Some(name.into()), strategy: Some(strategy.into()), partition_count: partitions, ..Default::default() }).unwrap();
}

fn req(t: &str, n: i64, group: &str, az: &str) -> RunRequest {
    RunRequest {
        image_id: AL2023.into(),
        instance_type: Some(t.into()),
        min_count: n,
        max_count: n,
        placement_group: Some(group.into()),
        availability_zone: Some(az.into()),
        ..Default::default()
    }
}

/// No other accounts on the hardware, so a test can count whole hosts.
fn without_neighbours(w: &mut World) {
    for h in &mut w.hardware.hosts {
        h.neighbours = 0;
        h.neighbour_units = 0;
    }
}

fn rack_of(w: &World, id: &str) -> usize {
    w.hardware.hosts[w.compute.get(id).unwrap().host.unwrap()].rack
}

#[test]
fn create_describe_delete_and_their_errors() {
    let mut w = World::new(3);
    let g = w.create_placement_group(CreateRequest { name: Some("hpc".into()), strategy: Some("cluster".into()), ..Default::default() }).unwrap();
    assert!(g.id.starts_with("pg-0") && g.id.len() == 20, "{}", g.id);
    assert_eq!(g.arn(), format!("arn:aws:ec2:us-east-1:{ACCOUNT_ID}:placement-group/hpc"));
    assert!(g.network.same_segment && !g.network.rack_level_spread);
    let dup = w.create_placement_group(CreateRequest { name: Some("hpc".into()), strategy: Some("spread".into()), ..Default::default() }).unwrap_err();
    assert_eq!(dup.code, "InvalidPlacementGroup.Duplicate");
    let bad = |w: &mut World, name: &str, strategy: &str, count: Option<i64>, level: Option<&str>| {
        w.create_placement_group(CreateRequest { name: Some(name.into()), strategy: Some(strategy.into()), partition_count: count, spread_level: level.map(String::from), tags: vec![] }).unwrap_err().code
    };
    assert_eq!(bad(&mut w, "p", "partition", Some(8), None), "InvalidParameterValue");
    assert_eq!(bad(&mut w, "p", "partition", Some(0), None), "InvalidParameterValue");
    assert_eq!(bad(&mut w, "p", "cluster", Some(2), None), "InvalidParameterCombination");
    assert_eq!(bad(&mut w, "p", "spread", None, Some("host")), "InvalidParameterValue");
    assert_eq!(bad(&mut w, "p", "cluster", None, Some("rack")), "InvalidParameterCombination");
    assert_eq!(bad(&mut w, "p", "tight", None, None), "InvalidParameterValue");
    assert_eq!(bad(&mut w, &"x".repeat(256), "spread", None, None), "InvalidParameterValue");
    assert_eq!(bad(&mut w, "café", "spread", None, None), "InvalidParameterValue");
    w.create_placement_group(CreateRequest { name: Some("x".repeat(255)), strategy: Some("spread".into()), ..Default::default() }).unwrap();
    let s = w.placement.groups.last().unwrap();
    assert_eq!(s.spread_level.as_deref(), Some("rack"));
    group(&mut w, "p", "partition", None);
    assert_eq!(w.placement.get("p").unwrap().partition_count, Some(2));
    assert_eq!(w.delete_placement_group("nope").unwrap_err().code, "InvalidPlacementGroup.Unknown");
    w.delete_placement_group("hpc").unwrap();
    assert!(w.placement.get("hpc").is_none());
    // The per-Region limit.
    let before = w.placement.groups.len();
    for n in before..MAX_GROUPS {
        group(&mut w, &format!("g{n}"), "spread", None);
    }
    assert_eq!(bad(&mut w, "one-too-many", "spread", None, None), "MaxPlacementGroupsExceeded");
}

#[test]
fn cluster_packs_one_rack_and_runs_out_of_it() {
    let mut w = World::new(7);
    without_neighbours(&mut w);
    group(&mut w, "hpc", "cluster", None);
    let e = w.run_instances(req("t3.large", 1, "hpc", "us-east-1a")).unwrap_err();
    assert_eq!(e.code, "InvalidParameterCombination");
    assert!(e.message.contains("'t3.large'"));
    // m5.24xlarge takes a whole m5 host; a rack holds four.
    let (_, ids) = w.run_instances(req("m5.24xlarge", 4, "hpc", "us-east-1a")).unwrap();
    let racks: BTreeSet<usize> = ids.iter().map(|i| rack_of(&w, i)).collect();
    assert_eq!(racks.len(), 1, "one rack for the whole cluster");
    assert!(w.hardware.room_for(0, "m5", 192) >= 4, "the AZ still has m5 room elsewhere");
    let e = w.run_instances(req("m5.24xlarge", 1, "hpc", "us-east-1a")).unwrap_err();
    assert_eq!(e.code, "InsufficientInstanceCapacity");
    // Another AZ is refused while the group has members.
    let e = w.run_instances(req("m5.large", 1, "hpc", "us-east-1b")).unwrap_err();
    assert_eq!(e.code, "InvalidPlacementGroup.InUse");
    // No AZ given: the group's AZ.
    w.advance(MINUTE);
    w.stop_instances(&ids[..1], false).unwrap();
    w.advance(2 * MINUTE);
    assert_eq!(w.compute.get(&ids[0]).unwrap().state, State::Stopped);
    let mut r = req("m5.24xlarge", 1, "hpc", "");
    r.availability_zone = None;
    let (_, more) = w.run_instances(r).unwrap();
    assert_eq!(rack_of(&w, &more[0]), rack_of(&w, &ids[1]), "the newcomer takes the freed host on the same rack");
    // The stopped member cannot come back: its rack is full again.
    let e = w.start_instances(&ids[..1]).unwrap_err();
    assert_eq!(e.code, "InsufficientInstanceCapacity");
    assert!(e.message.contains(&ids[0]));
    // Delete: in use until every member has terminated.
    assert_eq!(w.delete_placement_group("hpc").unwrap_err().message, "The placement group 'hpc' is in use and may not be deleted.");
    let all: Vec<String> = ids.iter().chain(&more).cloned().collect();
    w.terminate_instances(&all).unwrap();
    assert_eq!(w.delete_placement_group("hpc").unwrap_err().code, "InvalidPlacementGroup.InUse", "shutting-down still counts");
    w.advance(2 * MINUTE);
    w.delete_placement_group("hpc").unwrap();
}

#[test]
fn cluster_lock_is_released_when_the_group_empties() {
    let mut w = World::new(8);
    group(&mut w, "hpc", "cluster", None);
    let (_, ids) = w.run_instances(req("c5.large", 2, "hpc", "us-east-1c")).unwrap();
    w.advance(MINUTE);
    w.terminate_instances(&ids).unwrap();
    w.advance(2 * MINUTE);
    let (_, ids) = w.run_instances(req("c5.large", 1, "hpc", "us-east-1d")).unwrap();
    assert_eq!(catalog::azs()[w.compute.get(&ids[0]).unwrap().az()].name, "us-east-1d");
}

#[test]
fn spread_uses_distinct_racks_and_stops_at_seven() {
    let mut w = World::new(11);
    group(&mut w, "ha", "spread", None);
    // Eight at once is over the limit whatever the hardware.
    assert_eq!(w.run_instances(req("m5.large", 8, "ha", "us-east-1a")).unwrap_err().code, "InvalidParameterValue");
    // Seven, mixing families: each on a rack of its own.
    let (_, t3) = w.run_instances(req("t3.micro", 4, "ha", "us-east-1a")).unwrap();
    let (_, m5) = w.run_instances(req("m5.large", 2, "ha", "us-east-1a")).unwrap();
    let (_, c5) = w.run_instances(req("c5.large", 1, "ha", "us-east-1a")).unwrap();
    let all: Vec<String> = t3.iter().chain(&m5).chain(&c5).cloned().collect();
    let racks: BTreeSet<usize> = all.iter().map(|i| rack_of(&w, i)).collect();
    assert_eq!(racks.len(), 7);
    let e = w.run_instances(req("c5.large", 1, "ha", "us-east-1a")).unwrap_err();
    assert_eq!(e.code, "InvalidParameterValue");
    assert!(e.message.contains("at most 7"), "{}", e.message);
    // Another AZ has its own seven; when racks are down there are not enough distinct ones.
    w.run_instances(req("c5.large", 1, "ha", "us-east-1b")).unwrap();
    let t3_racks_b: Vec<usize> = (0..w.hardware.racks.len()).filter(|&r| w.hardware.racks[r].az == 1 && w.hardware.racks[r].family == "t3").collect();
    for &r in &t3_racks_b[..3] {
        w.hardware.racks[r].power_ok = false;
    }
    let e = w.run_instances(req("t3.micro", 6, "ha", "us-east-1b")).unwrap_err();
    assert_eq!(e.code, "InsufficientInstanceCapacity", "five t3 racks are left in 1b for six instances");
    let (_, five) = w.run_instances(req("t3.micro", 5, "ha", "us-east-1b")).unwrap();
    assert_eq!(five.iter().map(|i| rack_of(&w, i)).collect::<BTreeSet<_>>().len(), 5);
    // Dedicated Instances are refused.
    let mut d = req("m5.large", 1, "ha", "us-east-1c");
    d.tenancy = Some("dedicated".into());
    assert_eq!(w.run_instances(d).unwrap_err().code, "InvalidParameterCombination");
}

#[test]
fn partitions_spread_evenly_and_take_a_number() {
    let mut w = World::new(13);
    group(&mut w, "kafka", "partition", Some(3));
    let (_, ids) = w.run_instances(req("m5.large", 6, "kafka", "us-east-1a")).unwrap();
    let mut per: BTreeMap<u32, usize> = BTreeMap::new();
    for id in &ids {
        let p = w.compute.get(id).unwrap().placement.partition_number.unwrap();
        *per.entry(p).or_default() += 1;
        assert_eq!(rack_partition(&w.hardware, rack_of(&w, id), 3), p);
    }
    assert_eq!(per, BTreeMap::from([(1, 2), (2, 2), (3, 2)]));
    let mut r = req("m5.large", 2, "kafka", "us-east-1a");
    r.partition_number = Some(2);
    let (_, two) = w.run_instances(r).unwrap();
    assert!(two.iter().all(|i| w.compute.get(i).unwrap().placement.partition_number == Some(2)));
    let mut r = req("m5.large", 1, "kafka", "us-east-1a");
    r.partition_number = Some(4);
    assert_eq!(w.run_instances(r).unwrap_err().code, "InvalidParameterValue");
    // A partition number without a partition group.
    group(&mut w, "ha", "spread", None);
    let mut r = req("m5.large", 1, "ha", "us-east-1a");
    r.partition_number = Some(1);
    assert_eq!(w.run_instances(r).unwrap_err().code, "InvalidParameterCombination");
    // Seven partitions: two instances each, and no rack holds two partitions.
    group(&mut w, "wide", "partition", Some(7));
    let (_, r5) = w.run_instances(req("r5.large", 14, "wide", "us-east-1a")).unwrap();
    let mut racks_of: BTreeMap<u32, BTreeSet<usize>> = BTreeMap::new();
    for i in &r5 {
        racks_of.entry(w.compute.get(i).unwrap().placement.partition_number.unwrap()).or_default().insert(rack_of(&w, i));
    }
    assert_eq!(racks_of.len(), 7);
    let all_racks: Vec<usize> = racks_of.values().flatten().copied().collect();
    assert_eq!(all_racks.len(), all_racks.iter().collect::<BTreeSet<_>>().len(), "partitions share no rack");
    // The racks of partition 5 lose power: a launch into it finds no capacity.
    for r in 0..w.hardware.racks.len() {
        if w.hardware.racks[r].az == 0 && w.hardware.racks[r].family == "r5" && rack_partition(&w.hardware, r, 7) == 5 {
            w.hardware.racks[r].power_ok = false;
        }
    }
    let mut r = req("r5.large", 1, "wide", "us-east-1a");
    r.partition_number = Some(5);
    assert_eq!(w.run_instances(r).unwrap_err().code, "InsufficientInstanceCapacity");
}

#[test]
fn modify_instance_placement_only_when_stopped() {
    let mut w = World::new(17);
    group(&mut w, "kafka", "partition", Some(3));
    group(&mut w, "hpc", "cluster", None);
    let mut r = req("m5.large", 1, "", "us-east-1a");
    r.placement_group = None;
    let (_, ids) = w.run_instances(r).unwrap();
    let id = ids[0].clone();
    w.advance(MINUTE);
    assert_eq!(w.modify_instance_placement(&id, Some("kafka"), Some(3)).unwrap_err().code, "IncorrectInstanceState");
    w.stop_instances(&ids, false).unwrap();
    w.advance(2 * MINUTE);
    assert_eq!(w.modify_instance_placement(&id, Some("nope"), None).unwrap_err().code, "InvalidPlacementGroup.Unknown");
    assert_eq!(w.modify_instance_placement(&id, Some("kafka"), Some(9)).unwrap_err().code, "InvalidParameterValue");
    w.modify_instance_placement(&id, Some("kafka"), Some(3)).unwrap();
    w.start_instances(&ids).unwrap();
    assert_eq!(rack_partition(&w.hardware, rack_of(&w, &id), 3), 3);
    assert_eq!(w.compute.get(&id).unwrap().placement.partition_number, Some(3));
    w.advance(MINUTE);
    w.stop_instances(&ids, false).unwrap();
    w.advance(2 * MINUTE);
    w.modify_instance_placement(&id, Some(""), None).unwrap();
    let p = &w.compute.get(&id).unwrap().placement;
    assert_eq!((p.group_name.clone(), p.partition_number), (None, None));
    // Into a cluster group: the member sets the group's AZ at its start.
    w.modify_instance_placement(&id, Some("hpc"), None).unwrap();
    w.start_instances(&ids).unwrap();
    assert_eq!(w.placement.get("hpc").unwrap().cluster_lock.map(|l| l.0), Some(0));
}

/// Whatever the launch sequence: no spread group has two live instances on one rack in an AZ
/// or more than seven in an AZ, no rack holds two partitions of one group, and a cluster's live
/// instances share one AZ and one segment.
#[test]
fn placement_rules_hold_for_random_sequences() {
    let types = ["t3.micro", "t3.large", "m5.large", "m5.4xlarge", "m5.24xlarge", "c5.large", "c5.9xlarge", "r5.large", "m4.large"];
    let azs = ["us-east-1a", "us-east-1b"];
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut failures = 0;
    for seed in 0..40u64 {
        let mut w = World::new(seed);
        let mut rng = crate::rng::Rng::new(seed ^ 0x5eed);
        group(&mut w, "s", "spread", None);
        group(&mut w, "p3", "partition", Some(3));
        group(&mut w, "p7", "partition", Some(7));
        group(&mut w, "c", "cluster", None);
        let groups = ["s", "p3", "p7", "c"];
        for _step in 0..60 {
            let ids: Vec<String> = w.compute.iter().map(|i| i.id.clone()).collect();
            match rng.below(8) {
                0..=2 => {
                    let g = groups[rng.below(4) as usize];
                    let mut r = req(types[rng.below(types.len() as u64) as usize], 1 + rng.below(4) as i64, g, azs[rng.below(2) as usize]);
                    r.min_count = 1;
                    if rng.below(3) == 0 {
                        r.availability_zone = None;
                    }
                    if g.starts_with('p') && rng.below(2) == 0 {
                        r.partition_number = Some(1 + rng.below(8) as u32);
                    }
                    let _ = w.run_instances(r);
                }
                3 if !ids.is_empty() => {
                    let _ = w.stop_instances(&[ids[rng.below(ids.len() as u64) as usize].clone()], false);
                }
                4 if !ids.is_empty() => {
                    let pick: Vec<String> = ids.iter().filter(|_| rng.below(3) == 0).cloned().collect();
                    let _ = w.start_instances(&pick);
                }
                5 if !ids.is_empty() => {
                    let _ = w.terminate_instances(&[ids[rng.below(ids.len() as u64) as usize].clone()]);
                }
                // Hardware failures (faults.rs): a rack of an instance, by power or network, or
                // its host; recoveries must keep the rules.
                6 if !ids.is_empty() => {
                    let id = &ids[rng.below(ids.len() as u64) as usize];
                    if let Some(h) = w.compute.get(id).and_then(|i| i.host) {
                        let (target, cause) = match rng.below(3) {
                            0 => (crate::faults::Target::Rack(w.hardware.hosts[h].rack), crate::faults::Cause::Power),
                            1 => (crate::faults::Target::Rack(w.hardware.hosts[h].rack), crate::faults::Cause::Network),
                            _ => (crate::faults::Target::Host(h), crate::faults::Cause::Host),
                        };
                        crate::faults::fail(&mut w, target, cause);
                        failures += 1;
                    }
                }
                7 => {
                    crate::faults::repair(&mut w, None);
                }
                _ => {}
            }
            w.advance(rng.between(0, 2 * MINUTE));
            for (g, n) in check_invariants(&w, seed) {
                *seen.entry(g).or_default() += n;
            }
        }
    }
    // The sequences did put instances into every kind of group, and broke hardware under them.
    for g in ["spread", "partition", "cluster"] {
        assert!(seen.get(g).copied().unwrap_or(0) > 100, "{seen:?}");
    }
    assert!(failures > 100, "{failures} failures");
    assert!(seen.get("recovered").copied().unwrap_or(0) > 20, "{seen:?}");
}

fn check_invariants(w: &World, seed: u64) -> BTreeMap<&'static str, usize> {
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut spread: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut partition_of_rack: BTreeMap<(String, usize), u32> = BTreeMap::new();
    let mut cluster: BTreeSet<(usize, usize)> = BTreeSet::new();
    for i in w.compute.iter() {
        let (Some(g), Some(h)) = (i.placement.group_name.as_deref(), i.host) else { continue };
        let rack = w.hardware.hosts[h].rack;
        *seen.entry(match g { "s" => "spread", "c" => "cluster", _ => "partition" }).or_default() += 1;
        if i.faults.recoveries > 0 {
            *seen.entry("recovered").or_default() += 1;
        }
        match g {
            "s" => spread.entry(i.az()).or_default().push(rack),
            "c" => {
                cluster.insert((i.az(), family_rank(&w.hardware, rack)));
            }
            _ => {
                let p = i.placement.partition_number.expect("a partition member has a number");
                let n = w.placement.get(g).unwrap().partition_count.unwrap();
                assert!((1..=n).contains(&p), "seed {seed}: partition {p} of {n}");
                assert_eq!(rack_partition(&w.hardware, rack, n), p, "seed {seed}: rack of the wrong partition");
                if let Some(other) = partition_of_rack.insert((g.to_string(), rack), p) {
                    assert_eq!(other, p, "seed {seed}: two partitions of {g} share rack {rack}");
                }
            }
        }
    }
    for (az, racks) in spread {
        let distinct: BTreeSet<usize> = racks.iter().copied().collect();
        assert_eq!(distinct.len(), racks.len(), "seed {seed}: spread group has two instances on one rack in AZ {az}");
        assert!(racks.len() <= SPREAD_PER_AZ, "seed {seed}: spread group over the limit");
    }
    assert!(cluster.len() <= 1, "seed {seed}: cluster members on {cluster:?}");
    // Capacity is never overcommitted.
    assert!(w.hardware.hosts.iter().all(|h| h.used_units <= h.capacity_units), "seed {seed}: a host is overcommitted");
    seen
}
