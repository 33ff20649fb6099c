//! Tests of faults.rs: failures, status checks, recovery under placement rules, retirement,
//! scheduled events, and what reaches an instance on failed hardware.

use super::*;
use crate::compute::RunRequest;
use crate::placement::{rack_partition, CreateRequest};
use std::collections::BTreeSet;

const AL2023: &str = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

fn launch(w: &mut World, t: &str, n: i64, group: Option<&str>, az: &str) -> Vec<String> {
    let req = RunRequest {
        image_id: AL2023.into(),
        instance_type: Some(t.into()),
        min_count: n,
        max_count: n,
        placement_group: group.map(String::from),
        availability_zone: Some(az.into()),
        ..Default::default()
    };
    w.run_instances(req).unwrap().1
}

/// Launch and let the instances boot and pass their checks.
fn running(w: &mut World, t: &str, n: i64, group: Option<&str>, az: &str) -> Vec<String> {
    let ids = launch(w, t, n, group, az);
    w.advance(4 * MINUTE);
    for id in &ids {
        assert_eq!(w.status_checks(w.compute.get(id).unwrap()), ("ok", "ok"));
    }
    ids
}

fn group(w: &mut World, name: &str, strategy: &str, partitions: Option<i64>) {
    w.create_placement_group(CreateRequest { name: Some(name.into()), strategy: Some(strategy.into()), partition_count: partitions, ..Default::default() }).unwrap();
}

fn host_of(w: &World, id: &str) -> usize {
    w.compute.get(id).unwrap().host.unwrap()
}

fn rack_of(w: &World, id: &str) -> usize {
    w.hardware.hosts[host_of(w, id)].rack
}

fn checks(w: &World, id: &str) -> (&'static str, &'static str) {
    w.status_checks(w.compute.get(id).unwrap())
}

#[test]
fn power_loss_is_seen_at_the_next_check_and_recovery_moves_the_instance() {
    let mut w = World::new(21);
    let ids = running(&mut w, "m5.large", 1, None, "us-east-1a");
    let id = &ids[0];
    let (old_host, old_rack) = (host_of(&w, id), rack_of(&w, id));
    let before = w.compute.get(id).unwrap().clone();
    w.advance(20 * SECOND);
    let r = fail(&mut w, Target::Rack(old_rack), Cause::Power);
    assert!(!r.already && r.hosts_down == 4);
    assert_eq!(r.affected.len(), 1);
    assert!(matches!(r.affected[0].outlook, Outlook::Recovery { .. }), "{:?}", r.affected[0].outlook);
    // Nothing answers at once; the checks notice on the minute.
    let inst = w.compute.get(id).unwrap();
    assert!(!reachable(&w, inst) && !os_running(&w, inst));
    assert_eq!(checks(&w, id), ("ok", "ok"));
    assert_eq!(r.check_at, next_check(w.now()));
    w.advance_to(r.check_at);
    assert_eq!(checks(&w, id), ("impaired", "impaired"));
    assert_eq!(w.compute.get(id).unwrap().faults.system_impaired_since, Some(r.check_at));
    // A few minutes later: healthy hardware, same identity, a reboot, checks start over.
    w.advance(timing::RECOVERY_AFTER.1);
    let inst = w.compute.get(id).unwrap();
    let new_host = inst.host.unwrap();
    assert_ne!(w.hardware.hosts[new_host].rack, old_rack);
    assert!(w.hardware.host_ok(&w.hardware.hosts[new_host]));
    assert!(w.hardware.hosts[new_host].instances.contains(id) && !w.hardware.hosts[old_host].instances.contains(id));
    assert_eq!((inst.private_ip, inst.public_ip, inst.state), (before.private_ip, before.public_ip, State::Running));
    assert_eq!(inst.boots, before.boots + 1);
    assert_eq!(inst.faults.recoveries, 1);
    assert_eq!(checks(&w, id), ("initializing", "initializing"));
    w.advance(4 * MINUTE);
    assert_eq!(checks(&w, id), ("ok", "ok"));
    assert!(reachable(&w, w.compute.get(id).unwrap()));
}

#[test]
fn network_loss_keeps_the_os_running_and_repair_restores_the_checks() {
    let mut w = World::new(22);
    let ids = running(&mut w, "t3.micro", 1, None, "us-east-1b");
    let id = &ids[0];
    w.modify_maintenance_options_for_test(id, "disabled");
    let rack = rack_of(&w, id);
    let r = fail(&mut w, Target::Rack(rack), Cause::Network);
    assert!(matches!(r.affected[0].outlook, Outlook::NoRecovery(NoRecovery::Disabled)));
    let inst = w.compute.get(id).unwrap();
    assert!(os_running(&w, inst) && !reachable(&w, inst) && !inst.faults.os_down);
    assert!(!network_up(&w, id));
    w.advance_to(r.check_at);
    assert_eq!(checks(&w, id), ("impaired", "impaired"));
    // Not recoverable: a retirement is on the calendar.
    let ev = w.compute.get(id).unwrap().faults.active_events().next().cloned().unwrap();
    assert_eq!((ev.code, ev.not_before, ev.not_after, ev.deadline), (EventCode::InstanceStop, w.now().plus(timing::RETIREMENT_NOTICE), None, None));
    w.advance(10 * SECOND);
    let back = repair(&mut w, Some(Target::Rack(rack)));
    assert_eq!((back.racks, back.hosts_up), (1, 4));
    assert_eq!(back.returning.len(), 1);
    assert!(!back.returning[0].needs_boot);
    assert_eq!(back.returning[0].canceled, vec![ev.id.clone()]);
    assert!(reachable(&w, w.compute.get(id).unwrap()), "reachable as soon as the network is back");
    assert_eq!(checks(&w, id), ("impaired", "impaired"), "until the next check");
    w.advance_to(back.check_at);
    assert_eq!(checks(&w, id), ("ok", "ok"));
    let inst = w.compute.get(id).unwrap();
    assert_eq!(inst.faults.events[0].state, EventState::Canceled);
    // The retirement never fires.
    w.advance(2 * DAY);
    assert_eq!(w.compute.get(id).unwrap().state, State::Running);
}

impl World {
    fn modify_maintenance_options_for_test(&mut self, id: &str, v: &str) {
        modify_maintenance_options(self, id, Some(v), None).unwrap();
    }
}

#[test]
fn after_a_power_loss_the_instance_check_waits_for_a_reboot() {
    let mut w = World::new(23);
    let ids = running(&mut w, "c5.large", 1, None, "us-east-1c");
    let id = &ids[0];
    w.modify_maintenance_options_for_test(id, "disabled");
    let h = host_of(&w, id);
    let r = fail(&mut w, Target::Host(h), Cause::Host);
    assert_eq!(r.hosts_down, 1);
    w.advance_to(r.check_at);
    assert_eq!(checks(&w, id), ("impaired", "impaired"));
    // A reboot cannot happen on a dead host.
    let boots = w.compute.get(id).unwrap().boots;
    w.reboot_instances(std::slice::from_ref(id)).unwrap();
    assert_eq!(w.compute.get(id).unwrap().boots, boots);
    let back = repair(&mut w, Some(Target::Host(h)));
    assert!(back.returning[0].needs_boot);
    w.advance_to(back.check_at);
    assert_eq!(checks(&w, id), ("ok", "impaired"), "hardware fine, OS still down");
    assert!(!os_running(&w, w.compute.get(id).unwrap()));
    w.reboot_instances(std::slice::from_ref(id)).unwrap();
    w.advance(2 * MINUTE);
    assert_eq!(checks(&w, id), ("ok", "ok"));
    assert_eq!(w.compute.get(id).unwrap().boots, boots + 1);
}

#[test]
fn an_unrecoverable_instance_is_stopped_at_its_retirement_and_starts_elsewhere() {
    let mut w = World::new(24);
    let ids = running(&mut w, "i3.large", 1, None, "us-east-1a");
    let id = &ids[0];
    let rack = rack_of(&w, id);
    let r = fail(&mut w, Target::Rack(rack), Cause::Power);
    assert_eq!(r.affected[0].outlook, Outlook::NoRecovery(NoRecovery::Unsupported("i3.large".into())));
    w.advance(2 * MINUTE);
    let ev = w.compute.get(id).unwrap().faults.active_events().next().cloned().unwrap();
    assert_eq!(ev.code, EventCode::InstanceStop);
    assert_eq!(w.compute.get(id).unwrap().state, State::Running);
    assert!(imds_scheduled(w.compute.get(id).unwrap()).contains("\"Code\" : \"instance-stop\""));
    w.advance_to(ev.not_before);
    let inst = w.compute.get(id).unwrap();
    assert_eq!(inst.state, State::Stopping);
    assert_eq!(inst.state_reason.as_ref().map(|r| r.0.as_str()), Some("Server.ScheduledStop"));
    w.advance(2 * MINUTE);
    let inst = w.compute.get(id).unwrap();
    assert_eq!(inst.state, State::Stopped);
    assert_eq!(inst.faults.events[0].state, EventState::Completed);
    assert!(imds_history(inst).contains("[Completed] The instance is running on degraded hardware"));
    assert!(w.hardware.hosts.iter().all(|h| !h.instances.contains(id)), "the failed host is released");
    assert_eq!(checks(&w, id), ("not-applicable", "not-applicable"));
    w.start_instances(std::slice::from_ref(id)).unwrap();
    assert_ne!(rack_of(&w, id), rack);
    w.advance(4 * MINUTE);
    assert_eq!(checks(&w, id), ("ok", "ok"));
}

#[test]
fn a_cluster_whose_rack_is_down_has_nowhere_to_go() {
    let mut w = World::new(25);
    group(&mut w, "hpc", "cluster", None);
    let ids = running(&mut w, "c5.large", 4, Some("hpc"), "us-east-1a");
    let rack = rack_of(&w, &ids[0]);
    assert!(ids.iter().all(|i| rack_of(&w, i) == rack));
    let r = fail(&mut w, Target::Rack(rack), Cause::Power);
    assert_eq!(r.affected.len(), 4);
    assert!(r.affected.iter().all(|a| a.outlook == Outlook::NoRoom));
    w.advance(timing::RECOVERY_AFTER.1 + (timing::RECOVERY_ATTEMPTS as u64) * timing::RECOVERY_RETRY + MINUTE);
    for id in &ids {
        let inst = w.compute.get(id).unwrap();
        assert_eq!(inst.host.map(|h| w.hardware.hosts[h].rack), Some(rack), "still on the dead rack");
        assert_eq!(checks(&w, id), ("impaired", "impaired"));
        assert_eq!(inst.faults.recovery_attempts, timing::RECOVERY_ATTEMPTS);
        assert!(inst.faults.active_events().any(|e| e.code == EventCode::InstanceStop));
    }
    let impact = crate::view::blast_radius(&w);
    assert_eq!(impact[0].name, "hpc");
    assert_eq!((impact[0].members, impact[0].impaired, impact[0].racks, impact[0].racks_down), (4, 4, 1, 1));
    // A host failure alone leaves room on the rack: the member moves within the segment.
    let mut w = World::new(25);
    group(&mut w, "hpc", "cluster", None);
    let ids = running(&mut w, "c5.large", 2, Some("hpc"), "us-east-1a");
    let rack = rack_of(&w, &ids[0]);
    let h = host_of(&w, &ids[0]);
    let r = fail(&mut w, Target::Host(h), Cause::Host);
    assert!(matches!(r.affected[0].outlook, Outlook::Recovery { .. }));
    w.advance(10 * MINUTE);
    assert_eq!(rack_of(&w, &ids[0]), rack);
    assert_eq!(checks(&w, &ids[0]), ("ok", "ok"));
}

#[test]
fn a_spread_group_loses_one_per_rack_and_recovers_it_on_a_rack_of_its_own() {
    let mut w = World::new(26);
    group(&mut w, "ha", "spread", None);
    let ids = running(&mut w, "m5.large", 7, Some("ha"), "us-east-1a");
    let victim = &ids[3];
    let rack = rack_of(&w, victim);
    let r = fail(&mut w, Target::Rack(rack), Cause::Power);
    assert_eq!(r.affected.iter().map(|a| a.id.clone()).collect::<Vec<_>>(), vec![victim.clone()]);
    w.advance(MINUTE + timing::RECOVERY_AFTER.1);
    let racks: BTreeSet<usize> = ids.iter().map(|i| rack_of(&w, i)).collect();
    assert_eq!(racks.len(), 7, "still seven distinct racks");
    assert!(!racks.contains(&rack));
    w.advance(4 * MINUTE);
    assert!(ids.iter().all(|i| checks(&w, i) == ("ok", "ok")));
}

#[test]
fn a_partition_group_loses_one_partition_and_recovers_inside_it() {
    let mut w = World::new(27);
    group(&mut w, "kafka", "partition", Some(3));
    let ids = running(&mut w, "r5.large", 6, Some("kafka"), "us-east-1a");
    let victim = &ids[0];
    let p = w.compute.get(victim).unwrap().placement.partition_number.unwrap();
    let rack = rack_of(&w, victim);
    let r = fail(&mut w, Target::Rack(rack), Cause::Power);
    let parts: BTreeSet<u32> = r.affected.iter().map(|a| w.compute.get(&a.id).unwrap().placement.partition_number.unwrap()).collect();
    assert_eq!(parts, BTreeSet::from([p]), "one partition hit");
    w.advance_to(r.check_at);
    let impact = crate::view::blast_radius(&w);
    assert_eq!(impact[0].partitions, Some(3));
    assert_eq!(impact[0].partitions_affected, vec![p]);
    w.advance(timing::RECOVERY_AFTER.1);
    for a in &r.affected {
        let inst = w.compute.get(&a.id).unwrap();
        assert_eq!(inst.placement.partition_number, Some(p));
        assert_eq!(rack_partition(&w.hardware, rack_of(&w, &a.id), 3), p, "recovered into its own partition");
        assert_ne!(rack_of(&w, &a.id), rack);
    }
}

#[test]
fn a_stop_while_recovery_is_pending_ends_it() {
    let mut w = World::new(28);
    let ids = running(&mut w, "m5.large", 1, None, "us-east-1d");
    let id = &ids[0];
    let rack = rack_of(&w, id);
    let r = fail(&mut w, Target::Rack(rack), Cause::Power);
    w.advance_to(r.check_at);
    assert!(w.compute.get(id).unwrap().faults.recovery_due.is_some());
    w.stop_instances(std::slice::from_ref(id), false).unwrap();
    w.advance(10 * MINUTE);
    let inst = w.compute.get(id).unwrap();
    assert_eq!((inst.state, inst.host, inst.faults.recoveries), (State::Stopped, None, 0));
    assert!(inst.faults.system_impaired_since.is_none() && !inst.faults.os_down);
}

#[test]
fn scheduled_reboot_events_run_and_can_be_moved_within_their_deadline() {
    let mut w = World::new(29);
    let ids = running(&mut w, "t3.micro", 1, None, "us-east-1a");
    let id = &ids[0];
    let at = w.now().plus(2 * HOUR);
    let eid = add_event(&mut w, id, EventCode::SystemReboot, at).unwrap();
    assert!(eid.starts_with("instance-event-0") && eid.len() == "instance-event-".len() + 17, "{eid}");
    let ev = w.compute.get(id).unwrap().faults.events[0].clone();
    assert_eq!((ev.not_after, ev.deadline), (Some(at.plus(timing::EVENT_WINDOW)), Some(at.plus(timing::EVENT_DEADLINE))));
    let scheduled = imds_scheduled(w.compute.get(id).unwrap());
    assert!(scheduled.starts_with("[ {\n  \"NotBefore\" : \"5 Jan 2026 "), "{scheduled}");
    assert!(scheduled.contains("\"State\" : \"active\"") && scheduled.ends_with("} ]"));
    assert_eq!(imds_history(w.compute.get(id).unwrap()), "[]");
    // Rescheduling: unknown id, too soon, past the deadline, then fine.
    let now = w.now();
    assert_eq!(modify_event_start_time(&mut w, id, "instance-event-0123456789abcdef0", at).unwrap_err().code, "InvalidInstanceEventIDNotFound");
    assert_eq!(modify_event_start_time(&mut w, id, &eid, now.plus(30 * MINUTE)).unwrap_err().code, "InvalidInstanceEventStartTime");
    assert_eq!(modify_event_start_time(&mut w, id, &eid, at.plus(8 * DAY)).unwrap_err().code, "InvalidInstanceEventStartTime");
    let later = at.plus(DAY);
    let moved = modify_event_start_time(&mut w, id, &eid, later).unwrap();
    assert_eq!((moved.not_before, moved.not_after), (later, Some(later.plus(timing::EVENT_WINDOW))));
    // The old time passes without effect; the new one reboots the host.
    let boots = w.compute.get(id).unwrap().boots;
    w.advance_to(at.plus(MINUTE));
    assert_eq!(w.compute.get(id).unwrap().boots, boots);
    w.advance_to(later);
    let inst = w.compute.get(id).unwrap();
    assert_eq!(inst.boots, boots + 1);
    assert!(!reachable(&w, inst), "down during the host's reboot");
    assert!(inst.faults.events[0].ends.is_some());
    w.advance(timing::SYSTEM_REBOOT.1 + MINUTE);
    let inst = w.compute.get(id).unwrap();
    assert!(reachable(&w, inst));
    assert_eq!(inst.faults.events[0].state, EventState::Completed);
    assert!(imds_history(inst).contains("\"Description\" : \"[Completed] The instance is scheduled for a reboot\""));
    assert_eq!(checks(&w, id), ("ok", "ok"), "planned maintenance does not fail the checks");
    // A stop event has no deadline: it cannot be moved.
    let now = w.now();
    let stop = add_event(&mut w, id, EventCode::InstanceStop, now.plus(3 * HOUR)).unwrap();
    assert_eq!(modify_event_start_time(&mut w, id, &stop, now.plus(4 * HOUR)).unwrap_err().code, "InvalidInstanceEventStartTime");
    // The owner's own reboot completes an instance-reboot event; termination cancels the rest.
    let reboot = add_event(&mut w, id, EventCode::InstanceReboot, now.plus(3 * HOUR)).unwrap();
    w.reboot_instances(std::slice::from_ref(id)).unwrap();
    let state_of = |w: &World, e: &str| w.compute.get(id).unwrap().faults.events.iter().find(|x| x.id == e).unwrap().state;
    assert_eq!(state_of(&w, &reboot), EventState::Completed);
    w.terminate_instances(std::slice::from_ref(id)).unwrap();
    w.advance(MINUTE);
    assert_eq!(state_of(&w, &stop), EventState::Canceled);
}

#[test]
fn maintenance_cuts_the_network_for_a_while() {
    let mut w = World::new(30);
    let ids = running(&mut w, "t3.micro", 1, None, "us-east-1a");
    let id = &ids[0];
    let at = w.now().plus(10 * MINUTE);
    add_event(&mut w, id, EventCode::SystemMaintenance, at).unwrap();
    w.advance_to(at);
    let inst = w.compute.get(id).unwrap();
    assert!(!reachable(&w, inst) && os_running(&w, inst));
    w.advance(timing::MAINTENANCE_OUTAGE.1);
    assert!(reachable(&w, w.compute.get(id).unwrap()));
    assert_eq!(w.compute.get(id).unwrap().faults.events[0].state, EventState::Completed);
}

#[test]
fn failing_twice_or_repairing_healthy_hardware_changes_nothing() {
    let mut w = World::new(31);
    let r = repair(&mut w, None);
    assert_eq!((r.racks, r.hosts, r.hosts_up), (0, 0, 0));
    let a = fail(&mut w, Target::Az(2), Cause::Network);
    assert_eq!(a.racks, w.hardware.racks.iter().filter(|r| r.az == 2).count());
    let hash = w.state_hash();
    let b = fail(&mut w, Target::Az(2), Cause::Network);
    assert!(b.already && b.hosts_down == 0);
    assert_eq!(w.state_hash(), hash);
    let r = repair(&mut w, None);
    assert_eq!(r.racks, a.racks);
    assert!(w.hardware.racks.iter().all(|r| r.power_ok && r.network_ok));
}

#[test]
fn same_inputs_same_world() {
    let run = || {
        let mut w = World::new(32);
        group(&mut w, "ha", "spread", None);
        let ids = running(&mut w, "m5.large", 3, Some("ha"), "us-east-1a");
        let rack = rack_of(&w, &ids[1]);
        fail(&mut w, Target::Rack(rack), Cause::Power);
        let at = w.now().plus(HOUR);
        add_event(&mut w, &ids[0], EventCode::InstanceReboot, at).unwrap();
        w.advance(2 * HOUR);
        (w.state_hash(), ids.iter().map(|i| host_of(&w, i)).collect::<Vec<_>>())
    };
    assert_eq!(run(), run());
}

#[test]
fn event_times_in_the_metadata_service_format() {
    assert_eq!(imds_time(Time(1_548_061_243_000)), "21 Jan 2019 09:00:43 GMT");
    assert_eq!(imds_time(Time(crate::clock::EPOCH_START_MS)), "5 Jan 2026 09:00:00 GMT");
    assert_eq!(next_check(Time(crate::clock::EPOCH_START_MS)), Time(crate::clock::EPOCH_START_MS + MINUTE));
    assert_eq!(next_check(Time(crate::clock::EPOCH_START_MS + 59_999)), Time(crate::clock::EPOCH_START_MS + MINUTE));
}

/// The lab commands: their exit codes, and no panic whatever the arguments.
#[test]
fn lab_commands_refuse_bad_input_without_changing_anything() {
    let mut lab = crate::Lab::new(33);
    let run = |lab: &mut crate::Lab, line: &str| {
        let o = lab.run(line);
        (o.exit, o.stdout, o.stderr)
    };
    let hash = lab.world().state_hash();
    for (line, code) in [
        ("lab fail", 2),
        ("lab fail rack", 2),
        ("lab fail rack --power", 2),
        ("lab fail rack us-east-1a-r01 --power --network", 2),
        ("lab fail rack us-east-1a-r01 --sideways", 2),
        ("lab fail host us-east-1a-r01-h1 --power", 2),
        ("lab fail shelf us-east-1a-r01", 2),
        ("lab fail rack us-east-1a-r999", 1),
        ("lab fail host us-east-1a-r01-h9", 1),
        ("lab fail az us-east-1z", 1),
        ("lab fail az 💥 --network", 1),
        ("lab repair", 2),
        ("lab repair rack", 2),
        ("lab repair rack nope", 1),
        ("lab repair everything", 2),
        ("lab where i-0123456789abcdef0", 1),
        ("lab schedule-event", 2),
        ("lab schedule-event i-0123456789abcdef0", 2),
        ("lab schedule-event i-0123456789abcdef0 instance-reboot --in", 2),
        ("lab schedule-event i-0123456789abcdef0 instance-reboot --in 31d", 2),
        ("lab schedule-event i-0123456789abcdef0 instance-reboot --in -5m", 2),
        ("lab schedule-event i-0123456789abcdef0 reboot", 2),
        ("lab schedule-event i-0123456789abcdef0 instance-reboot", 1),
        ("lab schedule-event '' instance-stop --in 1e309", 2),
    ] {
        let (exit, out, err) = run(&mut lab, line);
        assert_eq!(exit, code, "{line}: {out}{err}");
        assert!(out.is_empty() && err.starts_with("lab: "), "{line}: {out}{err}");
    }
    assert_eq!(lab.world().state_hash(), hash, "nothing changed");
    let (exit, out, _) = run(&mut lab, "lab where");
    assert_eq!((exit, out.as_str()), (0, "You have no instances.\n"));
    let (exit, out, _) = run(&mut lab, "lab repair all");
    assert_eq!((exit, out.as_str()), (0, "Nothing to repair: all hardware is healthy.\n"));
}

/// An instance whose network is down reaches no AWS endpoint; its metadata service answers, and
/// `lab exec` (the serial console) still works. A power loss ends even that.
#[test]
fn from_inside_a_network_loss() {
    let mut lab = crate::Lab::new(34);
    let script = "aws iam create-role --role-name r --assume-role-policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}'
aws iam attach-role-policy --role-name r --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess
aws iam create-instance-profile --instance-profile-name r
aws iam add-role-to-instance-profile --instance-profile-name r --role-name r
aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --instance-type t3.micro --iam-instance-profile Name=r --placement AvailabilityZone=us-east-1a
lab advance 3m";
    for (cmd, o) in lab.run_script(script) {
        assert_eq!(o.exit, 0, "{cmd}: {}", o.stderr);
    }
    let id = lab.world().compute.iter().next().unwrap().id.clone();
    assert_eq!(lab.run(&format!("lab exec {id} aws ec2 describe-instances --query 'length(Reservations)'")).stdout, "1\n");
    let o = lab.run("lab fail az us-east-1a --network");
    assert_eq!(o.exit, 0, "{}", o.stderr);
    let before = lab.world().now();
    let o = lab.run(&format!("lab exec {id} aws ec2 describe-instances --query 'length(Reservations)'"));
    assert_eq!((o.exit, o.stderr.as_str()), (255, "\nConnect timeout on endpoint URL: \"https://ec2.us-east-1.amazonaws.com/\"\n"));
    assert_eq!(lab.world().now(), before.plus(timing::OUTBOUND_TIMEOUT));
    let o = lab.run(&format!("lab exec {id} curl -s -H 'X-aws-ec2-metadata-token: x' http://169.254.169.254/latest/meta-data/instance-id"));
    assert_eq!(o.exit, 0, "{}", o.stderr);
    lab.run("lab repair all");
    lab.run("lab fail az us-east-1a");
    let o = lab.run(&format!("lab exec {id} true"));
    assert_eq!((o.exit, o.stderr), (1, format!("lab: exec: {id} does not answer: its OS lost power with its hardware\n")));
}
