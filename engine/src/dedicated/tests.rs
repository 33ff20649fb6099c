//! Dedicated Hosts, Dedicated Instances, Host Reservations and RAM sharing: unit tests.

use super::*;
use crate::api::{self, Caller};
use crate::clock::MINUTE;
use crate::compute::RunRequest;
use crate::placement::CreateRequest;
use serde_json::{json, Value};

const AL2023: &str = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

fn alloc(w: &mut World, t: Option<&str>, family: Option<&str>, az: &str, auto: bool) -> Result<String, Ec2Error> {
    w.allocate_hosts(AllocateRequest {
        instance_type: t.map(String::from),
        instance_family: family.map(String::from),
        availability_zone: Some(az.into()),
        auto_placement: Some(if auto { "on" } else { "off" }.into()),
        ..Default::default()
    })
    .map(|mut v| v.remove(0))
}

fn on_host(t: &str, n: i64, host: Option<&str>, affinity: Option<&str>) -> RunRequest {
    RunRequest {
        image_id: AL2023.into(),
        instance_type: Some(t.into()),
        min_count: n,
        max_count: n,
        tenancy: Some("host".into()),
        host_id: host.map(String::from),
        affinity: affinity.map(String::from),
        ..Default::default()
    }
}

fn run(w: &mut World, r: RunRequest) -> Result<Vec<String>, Ec2Error> {
    w.run_instances(r).map(|(_, ids)| ids)
}

fn hw_of(w: &World, id: &str) -> usize {
    w.compute.get(id).unwrap().host.unwrap()
}

fn avail(w: &World, host: &str, t: &str) -> (u32, u32) {
    let h = w.dedicated.get(host).unwrap();
    capacity(w, h).per_type.iter().find(|(x, _, _)| x == t).map(|(_, a, total)| (*a, *total)).unwrap()
}

fn stop_and_wait(w: &mut World, ids: &[String]) {
    w.stop_instances(ids, false).unwrap();
    w.advance(2 * MINUTE);
    assert!(ids.iter().all(|i| w.compute.get(i).unwrap().state == State::Stopped));
}

#[test]
fn allocation_takes_an_empty_host_and_counts_capacity_by_size() {
    let mut w = World::new(11);
    let before = empty_hardware(&w.hardware, 0, "m5").len();
    let h = alloc(&mut w, None, Some("m5"), "us-east-1a", false).unwrap();
    assert!(h.starts_with("h-0") && h.len() == 19, "{h}");
    let host = w.dedicated.get(&h).unwrap().clone();
    let hw = &w.hardware.hosts[host.hw];
    assert_eq!(hw.tenancy, HostUse::DedicatedHost(h.clone()));
    assert!(hw.neighbours == 0 && hw.instances.is_empty());
    assert_eq!(empty_hardware(&w.hardware, 0, "m5").len(), before - 1);
    assert!(host.allows_multiple() && host.state == HostState::Available && !host.auto_placement && !host.host_recovery);
    // aws-facts §8: 48 cores; m5.large 1 core, 4xlarge 8 → 48 and 6 per host.
    assert_eq!(avail(&w, &h, "m5.large"), (48, 48));
    assert_eq!(avail(&w, &h, "m5.4xlarge"), (6, 6));
    assert_eq!(avail(&w, &h, "m5.24xlarge"), (1, 1));
    let c = capacity(&w, &host);
    assert_eq!((c.total_vcpus, c.available_vcpus), (96, 96));
    // Nitro mixes sizes: two 4xlarge (16 cores), then larges fill the rest.
    run(&mut w, on_host("m5.4xlarge", 2, Some(&h), None)).unwrap();
    assert_eq!(avail(&w, &h, "m5.4xlarge"), (4, 6));
    assert_eq!(avail(&w, &h, "m5.large"), (32, 48));
    assert_eq!(avail(&w, &h, "m5.24xlarge"), (0, 1));
    let smalls = run(&mut w, on_host("m5.large", 32, Some(&h), None)).unwrap();
    assert_eq!(smalls.len(), 32);
    assert_eq!(capacity(&w, w.dedicated.get(&h).unwrap()).available_vcpus, 0);
    let full = run(&mut w, on_host("m5.large", 1, Some(&h), None)).unwrap_err();
    assert_eq!(full.code, "InsufficientCapacityOnHost");
    assert!(full.message.contains(&h));
    // As many as fit, at least MinCount.
    let mut w = World::new(11);
    let h = alloc(&mut w, None, Some("m5"), "us-east-1a", false).unwrap();
    let mut r = on_host("m5.4xlarge", 1, Some(&h), None);
    r.max_count = 10;
    assert_eq!(run(&mut w, r).unwrap().len(), 6);
}

#[test]
fn single_type_hosts_and_older_families_run_one_size() {
    let mut w = World::new(12);
    // Allocated for a type: only that type, even on a Nitro family.
    let h = alloc(&mut w, Some("m5.large"), None, "us-east-1b", true).unwrap();
    let host = w.dedicated.get(&h).unwrap();
    assert!(!host.allows_multiple());
    assert_eq!(capacity(&w, host).per_type, vec![("m5.large".to_string(), 48, 48)]);
    let e = run(&mut w, on_host("m5.xlarge", 1, Some(&h), None)).unwrap_err();
    assert_eq!(e.code, "UnsupportedInstanceTypeOnHost");
    run(&mut w, on_host("m5.large", 1, Some(&h), None)).unwrap();
    // Older families: one size per host, so --instance-family is refused.
    let e = alloc(&mut w, None, Some("c4"), "us-east-1b", false).unwrap_err();
    assert_eq!(e.code, "UnsupportedHostConfiguration");
    assert!(e.message.contains("c4.large"), "{}", e.message);
    let c4 = alloc(&mut w, Some("c4.xlarge"), None, "us-east-1b", false).unwrap();
    assert_eq!(capacity(&w, w.dedicated.get(&c4).unwrap()).per_type, vec![("c4.xlarge".to_string(), 10, 10)]);
    assert_eq!(run(&mut w, on_host("c4.large", 1, Some(&c4), None)).unwrap_err().code, "UnsupportedInstanceTypeOnHost");
    // T3 hosts exist (192 nano/micro/small/medium on 48 cores); T2 has none.
    let t3 = alloc(&mut w, None, Some("t3"), "us-east-1b", false).unwrap();
    assert_eq!(avail(&w, &t3, "t3.micro"), (192, 192));
    assert_eq!(avail(&w, &t3, "t3.large"), (96, 96));
    assert_eq!(avail(&w, &t3, "t3.2xlarge"), (24, 24));
    run(&mut w, on_host("t3.micro", 3, Some(&t3), None)).unwrap();
    assert_eq!(alloc(&mut w, Some("t2.micro"), None, "us-east-1b", false).unwrap_err().code, "InvalidParameterValue");
    assert_eq!(alloc(&mut w, None, Some("t2"), "us-east-1b", false).unwrap_err().code, "InvalidInstanceFamily");
    // Parameter errors.
    assert_eq!(alloc(&mut w, Some("m5.large"), Some("m5"), "us-east-1b", false).unwrap_err().code, "InvalidParameterCombination");
    assert_eq!(alloc(&mut w, None, None, "us-east-1b", false).unwrap_err().code, "MissingParameter");
    assert_eq!(alloc(&mut w, Some("m5.huge"), None, "us-east-1b", false).unwrap_err().code, "InvalidParameterValue");
    assert_eq!(alloc(&mut w, Some("m5.large"), None, "us-east-1z", false).unwrap_err().code, "InvalidParameterValue");
    let zero = w.allocate_hosts(AllocateRequest { instance_family: Some("m5".into()), availability_zone: Some("us-east-1a".into()), quantity: Some(0), ..Default::default() });
    assert_eq!(zero.unwrap_err().code, "InvalidParameterValue");
}

#[test]
fn quota_and_capacity_refusals() {
    let mut w = World::new(13);
    let three = w.allocate_hosts(AllocateRequest { instance_family: Some("r5".into()), availability_zone: Some("us-east-1c".into()), quantity: Some(3), ..Default::default() }).unwrap();
    assert_eq!(three.len(), 3);
    let e = alloc(&mut w, None, Some("r5"), "us-east-1d", false).unwrap_err();
    assert_eq!(e.code, "HostLimitExceeded");
    assert!(e.message.contains("(1)") && e.message.contains("up to 4") && e.message.contains("limit of 3"), "{}", e.message);
    // Another family has its own quota.
    alloc(&mut w, None, Some("c5"), "us-east-1d", false).unwrap();
    // No empty hardware left in an AZ: every host busy with someone.
    let mut w = World::new(13);
    for h in w.hardware.hosts.iter_mut().filter(|h| h.az == 4 && h.family == "m5") {
        h.neighbours = 1;
        h.neighbour_units = 4;
    }
    let e = alloc(&mut w, None, Some("m5"), "us-east-1e", false).unwrap_err();
    assert_eq!(e.code, "InsufficientHostCapacity");
    assert!(w.take_notes().iter().any(|n| n.contains("empty m5 host")));
    assert!(w.dedicated.hosts.is_empty());
}

#[test]
fn auto_placement_decides_untargeted_launches() {
    let mut w = World::new(14);
    let off = alloc(&mut w, None, Some("c5"), "us-east-1a", false).unwrap();
    let e = run(&mut w, on_host("c5.large", 1, None, None)).unwrap_err();
    assert_eq!(e.code, "InsufficientHostCapacity");
    assert!(e.message.starts_with("You do not have a host with a matching configuration"));
    assert!(w.take_notes().iter().any(|n| n.contains(&off) && n.contains("auto-placement off")));
    // Targeted placement works with auto-placement off.
    let t = run(&mut w, on_host("c5.large", 1, Some(&off), None)).unwrap();
    assert_eq!(w.compute.get(&t[0]).unwrap().placement.host_id.as_deref(), Some(off.as_str()));
    // Turned on: untargeted launches land there, in its AZ.
    let r = w.modify_hosts(std::slice::from_ref(&off), Some("on"), None, None, None, None).unwrap();
    assert_eq!(r, vec![Ok(off.clone())]);
    let u = run(&mut w, on_host("c5.xlarge", 2, None, None)).unwrap();
    for id in &u {
        let i = w.compute.get(id).unwrap();
        assert_eq!((i.placement.host_id.as_deref(), i.az(), i.placement.affinity.as_deref()), (Some(off.as_str()), 0, Some("default")));
    }
    // A named AZ without a host: nothing takes it.
    let mut r = on_host("c5.large", 1, None, None);
    r.availability_zone = Some("us-east-1b".into());
    assert_eq!(run(&mut w, r).unwrap_err().code, "InsufficientHostCapacity");
    // A targeted launch into another AZ.
    let mut r = on_host("c5.large", 1, Some(&off), None);
    r.availability_zone = Some("us-east-1b".into());
    assert_eq!(run(&mut w, r).unwrap_err().code, "ZonesMismatched");
    // Unknown and malformed host ids.
    assert_eq!(run(&mut w, on_host("c5.large", 1, Some("h-0123456789abcdef0"), None)).unwrap_err().code, "InvalidHostID.NotFound");
    assert_eq!(run(&mut w, on_host("c5.large", 1, Some("host-1"), None)).unwrap_err().code, "InvalidHostID.Malformed");
    // Default-tenancy launches never land on a Dedicated Host.
    let d = run(&mut w, RunRequest { image_id: AL2023.into(), instance_type: Some("c5.large".into()), min_count: 5, max_count: 5, availability_zone: Some("us-east-1a".into()), ..Default::default() }).unwrap();
    let dh = w.dedicated.get(&off).unwrap().hw;
    assert!(d.iter().all(|i| hw_of(&w, i) != dh));
}

#[test]
fn affinity_keeps_a_stopped_instance_on_its_host() {
    let mut w = World::new(15);
    let a = alloc(&mut w, Some("m5.4xlarge"), None, "us-east-1a", true).unwrap();
    let b = alloc(&mut w, Some("m5.4xlarge"), None, "us-east-1a", true).unwrap();
    let pinned = run(&mut w, on_host("m5.4xlarge", 1, Some(&a), Some("host"))).unwrap();
    let loose = run(&mut w, on_host("m5.4xlarge", 1, Some(&a), None)).unwrap();
    w.advance(MINUTE);
    let both = [pinned[0].clone(), loose[0].clone()];
    stop_and_wait(&mut w, &both);
    assert_eq!(w.compute.get(&pinned[0]).unwrap().placement.host_id.as_deref(), Some(a.as_str()), "a stopped instance keeps its host id");
    // Host a fills up while they are stopped.
    run(&mut w, on_host("m5.4xlarge", 6, Some(&a), None)).unwrap();
    assert_eq!(w.start_instances(&[pinned[0].clone()]).unwrap_err().code, "InsufficientCapacityOnHost");
    // Affinity default: tries its last host, then any auto-placement host.
    w.start_instances(&[loose[0].clone()]).unwrap();
    assert_eq!(w.compute.get(&loose[0]).unwrap().placement.host_id.as_deref(), Some(b.as_str()));
    // Room again on a: the pinned one goes back there, whatever else has room.
    let on_a: Vec<String> = w.hardware.hosts[w.dedicated.get(&a).unwrap().hw].instances.clone();
    w.terminate_instances(&on_a[..1]).unwrap();
    w.advance(MINUTE);
    w.start_instances(&[pinned[0].clone()]).unwrap();
    let i = w.compute.get(&pinned[0]).unwrap();
    assert_eq!(i.host, Some(w.dedicated.get(&a).unwrap().hw));
    assert_eq!(i.placement.affinity.as_deref(), Some("host"));
    // Affinity without tenancy host, or with a bad value.
    let mut r = on_host("m5.large", 1, None, Some("host"));
    r.tenancy = Some("default".into());
    assert_eq!(run(&mut w, r).unwrap_err().message, "The parameter affinity cannot be used without specifying a tenancy of 'host'");
    assert_eq!(run(&mut w, on_host("m5.4xlarge", 1, None, Some("sticky"))).unwrap_err().code, "InvalidAffinity");
}

#[test]
fn release_only_when_empty_and_released_hosts_fade() {
    let mut w = World::new(16);
    let h = alloc(&mut w, None, Some("m5"), "us-east-1a", false).unwrap();
    let hw = w.dedicated.get(&h).unwrap().hw;
    let ids = run(&mut w, on_host("m5.large", 2, Some(&h), None)).unwrap();
    let r = w.release_hosts(std::slice::from_ref(&h));
    let Err((id, e)) = &r[0] else { panic!("{r:?}") };
    assert_eq!((id.as_str(), e.code), (h.as_str(), "IncorrectState"));
    assert!(e.message.contains("2 instances"), "{}", e.message);
    w.advance(MINUTE);
    stop_and_wait(&mut w, &ids);
    // Stopped instances do not hold the host.
    assert_eq!(w.release_hosts(std::slice::from_ref(&h)), vec![Ok(h.clone())]);
    let host = w.dedicated.get(&h).unwrap();
    assert_eq!(host.state, HostState::Released);
    assert!(host.released.is_some());
    assert_eq!(w.hardware.hosts[hw].tenancy, HostUse::Shared, "the hardware goes back to the pool");
    // Released: not again, not modifiable, not a launch target.
    let again = w.release_hosts(std::slice::from_ref(&h));
    assert_eq!(again[0].as_ref().unwrap_err().1.code, "InvalidHostState");
    assert_eq!(w.modify_hosts(std::slice::from_ref(&h), Some("on"), None, None, None, None).unwrap()[0].as_ref().unwrap_err().1.code, "InvalidHostState");
    assert_eq!(run(&mut w, on_host("m5.large", 1, Some(&h), None)).unwrap_err().code, "InvalidHostState");
    // An unknown id in the same request is its own failure.
    let mixed = w.release_hosts(&["h-0123456789abcdef0".to_string()]);
    assert_eq!(mixed[0].as_ref().unwrap_err().1.code, "InvalidHostID.NotFound");
    // Listed for an hour, then gone.
    w.advance(RELEASED_VISIBLE);
    assert_eq!(find(&w, &h).unwrap_err().code, "InvalidHostID.NotFound");
}

#[test]
fn modify_changes_configuration_only_when_empty() {
    let mut w = World::new(17);
    let h = alloc(&mut w, None, Some("r5"), "us-east-1a", false).unwrap();
    let r = w.modify_hosts(std::slice::from_ref(&h), None, Some("on"), None, Some("r5.2xlarge"), None).unwrap();
    assert_eq!(r, vec![Ok(h.clone())]);
    let host = w.dedicated.get(&h).unwrap();
    assert!(host.host_recovery && host.instance_type.as_deref() == Some("r5.2xlarge"));
    run(&mut w, on_host("r5.2xlarge", 1, Some(&h), None)).unwrap();
    let busy = w.modify_hosts(std::slice::from_ref(&h), None, None, None, None, Some("r5")).unwrap();
    assert_eq!(busy[0].as_ref().unwrap_err().1.code, "InvalidHostConfiguration");
    let other = w.modify_hosts(std::slice::from_ref(&h), None, None, None, Some("m5.large"), None).unwrap();
    assert_eq!(other[0].as_ref().unwrap_err().1.code, "UnsupportedHostConfiguration");
    assert_eq!(w.modify_hosts(std::slice::from_ref(&h), None, None, None, None, None).unwrap_err().code, "MissingParameter");
    assert_eq!(w.modify_hosts(std::slice::from_ref(&h), Some("maybe"), None, None, None, None).unwrap_err().code, "InvalidParameterValue");
}

#[test]
fn host_recovery_replaces_a_failed_host() {
    let mut w = World::new(18);
    let h = w
        .allocate_hosts(AllocateRequest {
            instance_family: Some("m5".into()),
            availability_zone: Some("us-east-1a".into()),
            auto_placement: Some("on".into()),
            host_recovery: Some("on".into()),
            tags: vec![("Name".into(), "licensed".into())],
            ..Default::default()
        })
        .unwrap()
        .remove(0);
    let ids = run(&mut w, on_host("m5.xlarge", 2, Some(&h), Some("host"))).unwrap();
    w.advance(MINUTE);
    let old_hw = w.dedicated.get(&h).unwrap().hw;
    w.hardware.hosts[old_hw].healthy = false;
    on_hardware_failure(&mut w, old_hw);
    let old = w.dedicated.get(&h).unwrap().clone();
    assert_eq!(old.state, HostState::PermanentFailure);
    let new_id = old.replaced_by.clone().unwrap();
    assert_ne!(new_id, h);
    assert_eq!(old.moved, ids);
    let new = w.dedicated.get(&new_id).unwrap().clone();
    assert_eq!(new.state, HostState::Available);
    assert_eq!((new.az, new.family.as_str(), new.auto_placement, new.host_recovery, new.tags.clone()), (0, "m5", true, true, vec![("Name".to_string(), "licensed".to_string())]));
    assert_eq!(new.replaces.as_deref(), Some(h.as_str()));
    assert_ne!(new.hw, old_hw);
    assert_eq!(w.hardware.hosts[new.hw].tenancy, HostUse::DedicatedHost(new_id.clone()));
    for id in &ids {
        let i = w.compute.get(id).unwrap();
        assert_eq!((i.host, i.placement.host_id.as_deref()), (Some(new.hw), Some(new_id.as_str())));
    }
    assert!(w.hardware.hosts[old_hw].instances.is_empty());
    assert_eq!(w.hardware.hosts[new.hw].used_units, 16);
    // A replaced host is not a target any more, and can be released.
    assert_eq!(run(&mut w, on_host("m5.large", 1, Some(&h), None)).unwrap_err().code, "InvalidHostState");
    assert_eq!(w.release_hosts(std::slice::from_ref(&h)), vec![Ok(h.clone())]);
    assert_eq!(w.dedicated.get(&h).unwrap().state, HostState::ReleasedPermanentFailure);

    // Without host recovery: under assessment, and available again once repaired.
    let mut w = World::new(18);
    let h = alloc(&mut w, None, Some("m5"), "us-east-1a", false).unwrap();
    let ids = run(&mut w, on_host("m5.large", 1, Some(&h), None)).unwrap();
    let hw = w.dedicated.get(&h).unwrap().hw;
    w.hardware.hosts[hw].healthy = false;
    on_hardware_failure(&mut w, hw);
    assert_eq!(w.dedicated.get(&h).unwrap().state, HostState::UnderAssessment);
    assert_eq!(hw_of(&w, &ids[0]), hw, "its instances stay where they are");
    assert_eq!(run(&mut w, on_host("m5.large", 1, Some(&h), None)).unwrap_err().code, "InvalidHostState");
    on_hardware_repair(&mut w, hw);
    assert_eq!(w.dedicated.get(&h).unwrap().state, HostState::UnderAssessment, "still broken");
    w.hardware.hosts[hw].healthy = true;
    on_hardware_repair(&mut w, hw);
    assert_eq!(w.dedicated.get(&h).unwrap().state, HostState::Available);
    // `lab fail host` also takes the Dedicated Host's own id.
    assert_eq!(crate::faults::find_host(&w, &h), Some(hw));
    assert_eq!(crate::faults::find_host(&w, "h-0123456789abcdef0"), None);
    // The same through the lab's failure model: fail the host, repair it.
    crate::faults::fail(&mut w, crate::faults::Target::Host(hw), crate::faults::Cause::Host);
    assert_eq!(w.dedicated.get(&h).unwrap().state, HostState::UnderAssessment);
    crate::faults::repair(&mut w, Some(crate::faults::Target::Host(hw)));
    assert_eq!(w.dedicated.get(&h).unwrap().state, HostState::Available, "lab repair makes it available");
    // Hardware without a Dedicated Host: nothing happens.
    let before = w.dedicated.clone();
    on_hardware_failure(&mut w, 0);
    assert_eq!(w.dedicated, before);
}

#[test]
fn dedicated_instances_never_share_hardware() {
    let mut w = World::new(19);
    let di = run(
        &mut w,
        RunRequest { image_id: AL2023.into(), instance_type: Some("m5.large".into()), min_count: 6, max_count: 6, tenancy: Some("dedicated".into()), ..Default::default() },
    )
    .unwrap();
    let hosts: std::collections::BTreeSet<usize> = di.iter().map(|i| hw_of(&w, i)).collect();
    assert_eq!(hosts.len(), 1, "Dedicated Instances pack onto this account's dedicated hardware");
    for &h in &hosts {
        let x = &w.hardware.hosts[h];
        assert_eq!(x.tenancy, HostUse::DedicatedInstances);
        assert_eq!((x.neighbours, x.neighbour_units), (0, 0));
    }
    let az = w.compute.get(&di[0]).unwrap().az();
    // Default tenancy in the same AZ never lands there, even when asked for a lot.
    let def = run(
        &mut w,
        RunRequest {
            image_id: AL2023.into(),
            instance_type: Some("m5.large".into()),
            min_count: 40,
            max_count: 40,
            availability_zone: Some(catalog::azs()[az].name.into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(def.iter().all(|i| !hosts.contains(&hw_of(&w, i))));
    // Describe shows the tenancy, never a host.
    let out = api::call(&mut w, "ec2", "DescribeInstances", &json!({"InstanceIds": [di[0]]})).unwrap();
    let p = &out["Reservations"][0]["Instances"][0]["Placement"];
    assert_eq!(p["Tenancy"], "dedicated");
    assert!(p.get("HostId").is_none() && p.get("Affinity").is_none(), "{p}");
    // Stopped and started: back on dedicated hardware.
    w.advance(MINUTE);
    stop_and_wait(&mut w, &di[..1]);
    w.start_instances(&di[..1]).unwrap();
    let x = &w.hardware.hosts[hw_of(&w, &di[0])];
    assert!(x.tenancy == HostUse::DedicatedInstances && x.neighbours == 0);
    // Spread groups refuse them; partition groups take them with at most two partitions.
    w.create_placement_group(CreateRequest { name: Some("s".into()), strategy: Some("spread".into()), ..Default::default() }).unwrap();
    w.create_placement_group(CreateRequest { name: Some("p3".into()), strategy: Some("partition".into()), partition_count: Some(3), ..Default::default() }).unwrap();
    w.create_placement_group(CreateRequest { name: Some("p2".into()), strategy: Some("partition".into()), partition_count: Some(2), ..Default::default() }).unwrap();
    let in_group = |g: &str| RunRequest {
        image_id: AL2023.into(),
        instance_type: Some("m5.large".into()),
        min_count: 2,
        max_count: 2,
        tenancy: Some("dedicated".into()),
        placement_group: Some(g.into()),
        ..Default::default()
    };
    assert_eq!(run(&mut w, in_group("s")).unwrap_err().code, "InvalidParameterCombination");
    assert_eq!(run(&mut w, in_group("p3")).unwrap_err().code, "InvalidParameterCombination");
    let p2 = run(&mut w, in_group("p2")).unwrap();
    for i in &p2 {
        let x = &w.hardware.hosts[hw_of(&w, i)];
        assert!(x.tenancy == HostUse::DedicatedInstances && x.neighbours == 0, "{x:?}");
    }
    // Placement groups refuse Tenancy=host.
    let mut r = on_host("m5.large", 1, None, None);
    r.placement_group = Some("p2".into());
    assert_eq!(run(&mut w, r).unwrap_err().code, "InvalidParameterCombination");
}

#[test]
fn tenancy_changes_and_their_refusals() {
    let mut w = World::new(20);
    let h = alloc(&mut w, None, Some("m5"), "us-east-1a", true).unwrap();
    let on_h = run(&mut w, on_host("m5.large", 1, Some(&h), None)).unwrap().remove(0);
    let mut plain = RunRequest { image_id: AL2023.into(), instance_type: Some("m5.large".into()), min_count: 1, max_count: 1, ..Default::default() };
    plain.availability_zone = Some("us-east-1a".into());
    let def = run(&mut w, plain).unwrap().remove(0);
    w.advance(MINUTE);
    // Running: tenancy and host changes wait for a stop; affinity does not.
    assert_eq!(w.modify_instance_tenancy(&def, Some("dedicated"), None, None).unwrap_err().code, "IncorrectInstanceState");
    w.modify_instance_tenancy(&on_h, None, None, Some("host")).unwrap();
    assert_eq!(w.compute.get(&on_h).unwrap().placement.affinity.as_deref(), Some("host"));
    stop_and_wait(&mut w, &[on_h.clone(), def.clone()]);
    // Host to anything else: InvalidRequest.
    let e = w.modify_instance_tenancy(&on_h, Some("default"), None, None).unwrap_err();
    assert_eq!(e.code, "InvalidRequest");
    assert_eq!(w.modify_instance_tenancy(&on_h, Some("dedicated"), None, None).unwrap_err().code, "InvalidRequest");
    // Default to dedicated and back; then onto a host by id.
    w.modify_instance_tenancy(&def, Some("dedicated"), None, None).unwrap();
    w.start_instances(std::slice::from_ref(&def)).unwrap();
    assert_eq!(w.hardware.hosts[hw_of(&w, &def)].tenancy, HostUse::DedicatedInstances);
    w.advance(MINUTE);
    stop_and_wait(&mut w, std::slice::from_ref(&def));
    assert_eq!(w.modify_instance_tenancy(&def, None, None, Some("host")).unwrap_err().code, "InvalidParameterCombination");
    w.modify_instance_tenancy(&def, None, Some(&h), None).unwrap();
    let p = &w.compute.get(&def).unwrap().placement;
    assert_eq!((p.tenancy.as_str(), p.host_id.as_deref(), p.affinity.as_deref()), ("host", Some(h.as_str()), Some("default")));
    w.start_instances(std::slice::from_ref(&def)).unwrap();
    assert_eq!(hw_of(&w, &def), w.dedicated.get(&h).unwrap().hw);
    // Through the API, with its shapes.
    stop_and_wait(&mut w, std::slice::from_ref(&on_h));
    let e = api::call(&mut w, "ec2", "ModifyInstancePlacement", &json!({"InstanceId": on_h, "Tenancy": "dedicated"})).unwrap_err();
    assert_eq!(e.code, "InvalidRequest");
    let ok = api::call(&mut w, "ec2", "ModifyInstancePlacement", &json!({"InstanceId": on_h, "Affinity": "default"})).unwrap();
    assert_eq!(ok, json!({"Return": true}));
}

#[test]
fn reservations_price_and_cover_hosts() {
    let mut w = World::new(21);
    let h = alloc(&mut w, None, Some("m5"), "us-east-1a", false).unwrap();
    let c5 = alloc(&mut w, None, Some("c5"), "us-east-1a", false).unwrap();
    let o = pricing::offerings().into_iter().find(|o| o.family == "m5" && o.years == 1 && o.payment == pricing::Payment::PartialUpfront).unwrap();
    let p = w.host_reservation_preview(&o.id, std::slice::from_ref(&h)).unwrap();
    assert_eq!(p, o);
    assert_eq!(w.host_reservation_preview(&o.id, std::slice::from_ref(&c5)).unwrap_err().code, "InvalidInstanceFamily");
    assert_eq!(w.host_reservation_preview("hro-zz", std::slice::from_ref(&h)).unwrap_err().code, "InvalidHostReservationOfferingId.Malformed");
    let r = w.purchase_host_reservation(&o.id, std::slice::from_ref(&h), None, vec![]).unwrap();
    assert!(r.id.starts_with("hr-0"));
    assert_eq!(w.dedicated.get(&h).unwrap().reservation.as_deref(), Some(r.id.as_str()));
    assert_eq!(r.end.0 - r.start.0, 365 * 24 * 3600 * 1000);
    assert_eq!(w.purchase_host_reservation(&o.id, std::slice::from_ref(&h), None, vec![]).unwrap_err().code, "HostAlreadyCoveredByReservation");
    // The view prices the host the same way.
    let v = crate::view::dedicated_hosts(&w);
    let mine = v.iter().find(|x| x.id == h).unwrap();
    assert_eq!(mine.cost.host_on_demand, 5.069);
    let (rid, price) = mine.cost.covered_by.clone().unwrap();
    assert_eq!(rid, r.id);
    assert!((price.effective_hourly - o.effective_hourly()).abs() < 1e-9);
    assert_eq!(mine.cost.reservations.len(), 6);
}

#[test]
fn the_view_counts_licences_and_costs() {
    let mut w = World::new(22);
    let h = alloc(&mut w, None, Some("m5"), "us-east-1a", false).unwrap();
    run(&mut w, on_host("m5.4xlarge", 2, Some(&h), None)).unwrap();
    run(&mut w, on_host("m5.large", 3, Some(&h), None)).unwrap();
    let v = crate::view::dedicated_hosts(&w).remove(0);
    assert_eq!((v.licence.sockets, v.licence.cores, v.licence.vms, v.licence.vcpus), (2, 48, 5, 2 * 16 + 3 * 2));
    assert_eq!(v.instances.len(), 5);
    assert_eq!(v.sizes.iter().find(|s| s.instance_type == "m5.4xlarge").map(|s| (s.available, s.total, s.running)), Some((3, 6, 2)));
    assert!((v.cost.instances_on_demand - (2.0 * 0.768 + 3.0 * 0.096)).abs() < 1e-9);
    assert!((v.cost.full_host_on_demand - 4.608).abs() < 1e-9);
    assert!(v.cost.host_on_demand > v.cost.full_host_on_demand);
    assert!((v.used_fraction() - (2.0 * 32.0 + 3.0 * 4.0) / 192.0).abs() < 1e-9);
    assert_eq!(v.configured_for, "m5 (any size)");
}

fn partner_call(w: &mut World, service: &str, op: &str, input: Value) -> Result<Value, api::ApiError> {
    api::call_as(w, &Caller::Partner, service, op, &input)
}

#[test]
fn ram_shares_a_host_with_the_partner_account() {
    let mut w = World::new(23);
    let h = alloc(&mut w, None, Some("m5"), "us-east-1a", false).unwrap();
    run(&mut w, on_host("m5.large", 1, Some(&h), None)).unwrap();
    let arn = w.dedicated.get(&h).unwrap().arn();
    let partner = crate::ram::PARTNER_ACCOUNT_ID;
    // Nothing shared yet.
    assert_eq!(partner_call(&mut w, "ec2", "DescribeHosts", json!({})).unwrap(), json!({"Hosts": []}));
    let out = api::call(&mut w, "ram", "CreateResourceShare", &json!({"name": "licensed-hosts", "resourceArns": [arn], "principals": [partner]})).unwrap();
    let share = out["resourceShare"]["resourceShareArn"].as_str().unwrap().to_string();
    assert!(share.starts_with("arn:aws:ram:us-east-1:123456789012:resource-share/"));
    assert_eq!(out["resourceShare"]["status"], "ACTIVE");
    assert_eq!(out["resourceShare"]["allowExternalPrincipals"], true);
    let assoc = api::call(&mut w, "ram", "GetResourceShareAssociations", &json!({"associationType": "PRINCIPAL"})).unwrap();
    assert_eq!(assoc["resourceShareAssociations"][0]["status"], "ASSOCIATING");
    assert_eq!(assoc["resourceShareAssociations"][0]["external"], true);
    // Until the invitation is accepted the partner sees nothing.
    assert_eq!(partner_call(&mut w, "ec2", "DescribeHosts", json!({})).unwrap()["Hosts"], json!([]));
    let inv = partner_call(&mut w, "ram", "GetResourceShareInvitations", json!({})).unwrap();
    let inv_arn = inv["resourceShareInvitations"][0]["resourceShareInvitationArn"].as_str().unwrap().to_string();
    assert_eq!(inv["resourceShareInvitations"][0]["status"], "PENDING");
    assert_eq!(inv["resourceShareInvitations"][0]["senderAccountId"], "123456789012");
    // The learner cannot accept it for the partner.
    assert_eq!(api::call(&mut w, "ram", "AcceptResourceShareInvitation", &json!({"resourceShareInvitationArn": inv_arn})).unwrap_err().code, "ResourceShareInvitationArnNotFoundException");
    let acc = partner_call(&mut w, "ram", "AcceptResourceShareInvitation", json!({"resourceShareInvitationArn": inv_arn})).unwrap();
    assert_eq!(acc["resourceShareInvitation"]["status"], "ACCEPTED");
    assert_eq!(partner_call(&mut w, "ram", "AcceptResourceShareInvitation", json!({"resourceShareInvitationArn": inv_arn})).unwrap_err().code, "ResourceShareInvitationAlreadyAcceptedException");
    // Now the partner lists the host, owned by the learner, without the learner's instances.
    let hosts = partner_call(&mut w, "ec2", "DescribeHosts", json!({})).unwrap();
    assert_eq!(hosts["Hosts"][0]["HostId"], h.as_str());
    assert_eq!(hosts["Hosts"][0]["OwnerId"], "123456789012");
    assert_eq!(hosts["Hosts"][0]["Instances"], json!([]));
    let mine = api::call(&mut w, "ec2", "DescribeHosts", &json!({})).unwrap();
    assert_eq!(mine["Hosts"][0]["Instances"].as_array().unwrap().len(), 1);
    let other = partner_call(&mut w, "ram", "GetResourceShares", json!({"resourceOwner": "OTHER-ACCOUNTS"})).unwrap();
    assert_eq!(other["resourceShares"][0]["resourceShareArn"], share.as_str());
    assert_eq!(partner_call(&mut w, "ram", "GetResourceShares", json!({"resourceOwner": "SELF"})).unwrap(), json!({"resourceShares": []}));
    let res = partner_call(&mut w, "ram", "ListResources", json!({"resourceOwner": "OTHER-ACCOUNTS"})).unwrap();
    assert_eq!(res["resources"][0]["arn"], arn.as_str());
    assert_eq!(res["resources"][0]["type"], "ec2:DedicatedHost");
    assert_eq!(crate::view::dedicated_hosts(&w)[0].shared_with, vec![partner.to_string()]);
    // Who am I, as the partner.
    let me = partner_call(&mut w, "sts", "GetCallerIdentity", json!({})).unwrap();
    assert_eq!(me["Account"], partner);
    // Everything else is refused plainly, never done in the learner's account.
    let n = w.compute.len();
    let e = partner_call(&mut w, "ec2", "RunInstances", json!({"ImageId": AL2023, "InstanceType": "m5.large", "MinCount": 1, "MaxCount": 1})).unwrap_err();
    assert_eq!(e.code, "ec2lab");
    assert!(e.message.contains("partner account"), "{}", e.message);
    assert_eq!(w.compute.len(), n);
    assert_eq!(partner_call(&mut w, "ec2", "AllocateHosts", json!({"InstanceFamily": "m5", "AvailabilityZone": "us-east-1a"})).unwrap_err().code, "ec2lab");
    assert_eq!(partner_call(&mut w, "ram", "CreateResourceShare", json!({"name": "x"})).unwrap_err().code, "ec2lab");
    // Unsharing ends it.
    api::call(&mut w, "ram", "DisassociateResourceShare", &json!({"resourceShareArn": share, "principals": [partner]})).unwrap();
    assert_eq!(partner_call(&mut w, "ec2", "DescribeHosts", json!({})).unwrap()["Hosts"], json!([]));
    api::call(&mut w, "ram", "DeleteResourceShare", &json!({"resourceShareArn": share})).unwrap();
    let shares = api::call(&mut w, "ram", "GetResourceShares", &json!({"resourceOwner": "SELF"})).unwrap();
    assert_eq!(shares["resourceShares"][0]["status"], "DELETED");
}

#[test]
fn ram_refuses_what_it_cannot_share() {
    let mut w = World::new(24);
    let h = alloc(&mut w, None, Some("m5"), "us-east-1a", false).unwrap();
    let arn = w.dedicated.get(&h).unwrap().arn();
    let create = |w: &mut World, input: Value| api::call(w, "ram", "CreateResourceShare", &input).unwrap_err().code;
    assert_eq!(create(&mut w, json!({"name": "x", "resourceArns": ["not-an-arn"]})), "MalformedArnException");
    assert_eq!(create(&mut w, json!({"name": "x", "resourceArns": ["arn:aws:ec2:us-east-1:123456789012:dedicated-host/h-0123456789abcdef0"]})), "UnknownResourceException");
    assert_eq!(create(&mut w, json!({"name": "x", "resourceArns": ["arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1"]})), "ec2lab");
    assert_eq!(create(&mut w, json!({"name": "x", "resourceArns": [arn], "principals": ["123456789012"]})), "InvalidParameterException");
    assert_eq!(create(&mut w, json!({"name": "x", "resourceArns": [arn], "principals": ["bob"]})), "InvalidParameterException");
    assert_eq!(create(&mut w, json!({"name": "x", "resourceArns": [arn], "principals": ["210987654321"], "allowExternalPrincipals": false})), "OperationNotPermittedException");
    assert_eq!(api::call(&mut w, "ram", "GetResourceShares", &json!({"resourceOwner": "ME"})).unwrap_err().code, "InvalidParameterException");
    assert_eq!(api::call(&mut w, "ram", "DeleteResourceShare", &json!({"resourceShareArn": "arn:aws:ram:us-east-1:123456789012:resource-share/nope"})).unwrap_err().code, "UnknownResourceException");
    // A released host cannot be shared.
    w.release_hosts(std::slice::from_ref(&h));
    assert_eq!(create(&mut w, json!({"name": "x", "resourceArns": [arn]})), "UnknownResourceException");
}

#[test]
fn describe_hosts_filters_and_shapes() {
    let mut w = World::new(25);
    let a = alloc(&mut w, Some("m5.large"), None, "us-east-1a", true).unwrap();
    let b = alloc(&mut w, None, Some("c5"), "us-east-1b", false).unwrap();
    let d = |w: &mut World, input: Value| -> Vec<String> {
        api::call(w, "ec2", "DescribeHosts", &input).unwrap()["Hosts"].as_array().unwrap().iter().map(|h| h["HostId"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(d(&mut w, json!({})), vec![a.clone(), b.clone()]);
    assert_eq!(d(&mut w, json!({"Filter": [{"Name": "availability-zone", "Values": ["us-east-1b"]}]})), vec![b.clone()]);
    assert_eq!(d(&mut w, json!({"Filter": [{"Name": "auto-placement", "Values": ["on"]}]})), vec![a.clone()]);
    assert_eq!(d(&mut w, json!({"Filter": [{"Name": "instance-type", "Values": ["m5.*"]}]})), vec![a.clone()]);
    assert_eq!(d(&mut w, json!({"Filter": [{"Name": "state", "Values": ["released"]}]})), Vec::<String>::new());
    assert_eq!(d(&mut w, json!({"HostIds": [b]})), vec![b.clone()]);
    let bad = api::call(&mut w, "ec2", "DescribeHosts", &json!({"Filter": [{"Name": "colour", "Values": ["x"]}]})).unwrap_err();
    assert_eq!(bad.code, "InvalidParameterValue");
    assert_eq!(api::call(&mut w, "ec2", "DescribeHosts", &json!({"HostIds": ["h-0123456789abcdef0"]})).unwrap_err().code, "InvalidHostID.NotFound");
    let h = &api::call(&mut w, "ec2", "DescribeHosts", &json!({"HostIds": [a]})).unwrap()["Hosts"][0];
    let keys: Vec<&str> = h.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        vec![
            "AutoPlacement", "AvailabilityZone", "AvailableCapacity", "HostId", "HostProperties", "Instances", "State", "AllocationTime", "HostRecovery",
            "AllowsMultipleInstanceTypes", "OwnerId", "AvailabilityZoneId", "MemberOfServiceLinkedResourceGroup", "HostMaintenance"
        ]
    );
    assert_eq!(h["HostProperties"], json!({"Cores": 48, "InstanceType": "m5.large", "Sockets": 2, "TotalVCpus": 96}));
    assert_eq!(h["AvailableCapacity"], json!({"AvailableInstanceCapacity": [{"AvailableCapacity": 48, "InstanceType": "m5.large", "TotalCapacity": 48}], "AvailableVCpus": 96}));
    // Tags through CreateTags, and describe-tags lists them.
    api::call(&mut w, "ec2", "CreateTags", &json!({"Resources": [a], "Tags": [{"Key": "team", "Value": "db"}]})).unwrap();
    assert_eq!(d(&mut w, json!({"Filter": [{"Name": "tag:team", "Values": ["db"]}]})), vec![a.clone()]);
    let t = api::call(&mut w, "ec2", "DescribeTags", &json!({"Filters": [{"Name": "resource-type", "Values": ["dedicated-host"]}]})).unwrap();
    assert_eq!(t["Tags"][0]["ResourceId"], a.as_str());
    // Pages.
    let p = api::call(&mut w, "ec2", "DescribeHosts", &json!({"MaxResults": 5})).unwrap();
    assert!(p.get("NextToken").is_none());
    assert_eq!(api::call(&mut w, "ec2", "DescribeHosts", &json!({"MaxResults": 2})).unwrap_err().code, "InvalidParameterValue");
}

#[test]
fn the_same_commands_give_the_same_world() {
    let script = |seed: u64| {
        let mut w = World::new(seed);
        let h = alloc(&mut w, None, Some("m5"), "us-east-1a", true).unwrap();
        run(&mut w, on_host("m5.large", 3, None, None)).unwrap();
        run(&mut w, RunRequest { image_id: AL2023.into(), instance_type: Some("m5.large".into()), min_count: 2, max_count: 2, tenancy: Some("dedicated".into()), ..Default::default() }).unwrap();
        let hw = w.dedicated.get(&h).unwrap().hw;
        w.dedicated.hosts[0].host_recovery = true;
        w.hardware.hosts[hw].healthy = false;
        on_hardware_failure(&mut w, hw);
        w.state_hash()
    };
    assert_eq!(script(5), script(5));
    assert_ne!(script(5), script(6));
}

#[test]
fn hostile_inputs_never_panic() {
    let mut w = World::new(26);
    let h = alloc(&mut w, None, Some("m5"), "us-east-1a", true).unwrap();
    let nasty: Vec<Value> = vec![
        json!({}),
        json!(null),
        json!([]),
        json!({"HostIds": "h-1", "InstanceType": 5, "Quantity": -3, "AvailabilityZone": ["x"]}),
        json!({"HostIds": [null, 1, h], "AutoPlacement": "", "InstanceFamily": "", "Filter": [{"Name": null}]}),
        json!({"Quantity": 99999999999i64, "InstanceFamily": "m5", "AvailabilityZone": "us-east-1a"}),
        json!({"Quantity": "lots", "InstanceType": "m5.large", "AvailabilityZoneId": "use1-az6"}),
        json!({"HostIdSet": [h, h], "OfferingId": "hro-0", "LimitPrice": "NaN", "CurrencyCode": "EUR"}),
        json!({"MaxResults": 5, "NextToken": "hosts-99999999999999999999"}),
        json!({"MaxDuration": -1, "MinDuration": i64::MAX, "OfferingId": "hro-"}),
        json!({"name": "", "resourceArns": ["arn:::::"], "principals": ["", "arn:aws:organizations::1:ou/x"], "tags": [{"key": null}]}),
        json!({"resourceOwner": "SELF", "resourceShareArns": [1], "principal": "x", "resourceType": "ec2:DedicatedHost"}),
        json!({"associationType": "RESOURCE", "resourceArn": "arn:aws:ec2:us-east-1:1:dedicated-host/h-1"}),
        json!({"resourceShareArn": "arn:aws:ram:us-east-1:123456789012:resource-share/x", "principals": ["210987654321"]}),
        json!({"resourceShareInvitationArn": "arn:aws:ram:us-east-1:1:resource-share-invitation/x"}),
        json!({"InstanceId": "i-0123456789abcdef0", "Tenancy": "host", "HostId": "h-", "Affinity": "sometimes"}),
    ];
    let ec2_ops = [
        "AllocateHosts", "DescribeHosts", "ModifyHosts", "ReleaseHosts", "DescribeHostReservationOfferings",
        "GetHostReservationPurchasePreview", "PurchaseHostReservation", "DescribeHostReservations", "ModifyInstancePlacement", "RunInstances",
    ];
    for caller in [Caller::Admin, Caller::Partner] {
        for input in &nasty {
            for op in ec2_ops {
                let _ = api::call_as(&mut w, &caller, "ec2", op, input);
            }
            for op in api::ram::OPERATIONS {
                let _ = api::call_as(&mut w, &caller, "ram", op, input);
            }
        }
    }
    let _ = crate::view::dedicated_hosts(&w);
    for hw in [0, usize::MAX, w.hardware.hosts.len()] {
        on_hardware_failure(&mut w, hw);
        on_hardware_repair(&mut w, hw);
    }
}
