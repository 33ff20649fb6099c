//! Hardware failures and their consequences: `lab fail|repair rack|host|az`, the status checks
//! that notice them, simplified automatic recovery, scheduled events (`lab schedule-event`, and
//! the retirement of instances that cannot be recovered), and what can reach an instance while
//! its hardware is down. The console's words for all of this are in `console/lab/failures.rs`.
//!
//! The model, in one place (what the documentation does not settle is marked UNCONFIRMED):
//! - A rack fails by power or by network (`Rack::power_ok`, `Rack::network_ok`), a host by itself
//!   (`Host::healthy`). Power and host failures take the guest OS down at once (`os_down`): nothing
//!   answers, and `lab connect`/`lab exec` refuse. A network failure leaves the OS running, but
//!   nothing outside the rack reaches it (ssh, curl and ping from anywhere else time out, and its
//!   own calls to AWS fail). Its metadata service, served by the host rather than over the rack's
//!   network, still answers inside, and `lab connect`/`lab exec` still work: they stand for the
//!   EC2 serial console there (UNCONFIRMED: the metadata service during a rack network loss).
//! - Status checks run every minute, on the minute of the virtual clock. The first check after a
//!   failure marks the system check impaired and, as the instance no longer answers, the
//!   instance check too (reachability `failed`, `ImpairedSince` = that check).
//! - Simplified automatic recovery is on (`default`) unless `modify-instance-maintenance-options
//!   --auto-recovery disabled`; it applies to types whose catalogue entry has
//!   `AutoRecoverySupported` (not i3, which has instance store) with tenancy `default` or
//!   `dedicated`. [`timing::RECOVERY_AFTER`] after the first failed check the instance moves to
//!   healthy hardware under its placement group's rules (`placement::Planner`: a cluster stays on
//!   its segment, a spread instance goes to a rack the group does not use, a partition instance
//!   stays in its partition), keeping its id, private and public IP, metadata and volume; its OS
//!   reboots and the checks show `initializing`, then `ok`, as after a launch. If nothing fits, it
//!   stays impaired and recovery is tried again [`timing::RECOVERY_RETRY`] later, at most
//!   [`timing::RECOVERY_ATTEMPTS`] times; after that it is treated as unrecoverable
//!   (UNCONFIRMED: EC2 documents "up to three recovery attempts per day", not this schedule).
//! - An unrecoverable instance stays `running` and impaired and gets an `instance-stop` event
//!   [`timing::RETIREMENT_NOTICE`] ahead (UNCONFIRMED: the notice). When it comes due EC2 stops
//!   the instance (`Server.ScheduledStop`); the stop releases the failed host, and a later start
//!   picks healthy hardware. Stopping it yourself earlier does the same.
//! - Repair makes the hardware usable at once. Network back: both checks pass at the next check.
//!   Power or host back: the system check passes at the next check, but the instance check stays
//!   impaired until the OS boots again (`reboot-instances`, or stop and start): power does not
//!   restart the instance by itself (UNCONFIRMED). Retirement events of instances on repaired
//!   hardware are canceled.
//! - Dedicated Hosts: `dedicated::on_hardware_failure` hears of every hardware host that fails;
//!   instances of tenancy `host` are left to it (no simplified recovery and no retirement here).
//!   It can move one with [`recover_onto`].
//! - Scheduled events (`lab schedule-event`, retirement): `instance-reboot` reboots the instance
//!   at NotBefore (a reboot by the owner before then completes it); `system-reboot` reboots the
//!   host (the instance is unreachable for [`timing::SYSTEM_REBOOT`] and boots again);
//!   `system-maintenance` cuts its network for [`timing::MAINTENANCE_OUTAGE`]; `instance-stop` and
//!   `instance-retirement` stop it (every instance here is EBS-backed). Status checks do not
//!   flag these planned outages (UNCONFIRMED). Reboot and maintenance events have a window
//!   (NotAfter) and a deadline (NotBeforeDeadline) and can be moved with
//!   `modify-instance-event-start-time`; stop events cannot. Stopping an instance completes its
//!   events; terminating it cancels them. Completed and canceled events stay in
//!   describe-instance-status for a week and in the metadata's `events/maintenance/history`.

use crate::catalog;
use crate::clock::{Time, SECOND};
#[cfg(test)]
use crate::clock::{DAY, HOUR, MINUTE};
use crate::compute::{Ec2Error, Instance, State};
use crate::world::{Event, EventKind, World};
use std::collections::BTreeMap;

#[cfg(test)]
mod tests;

/// Every delay of this module, in one place.
pub mod timing {
    use crate::clock::{DAY, HOUR, MINUTE, SECOND};
    /// Status checks run every minute.
    pub const STATUS_CHECK_INTERVAL: u64 = MINUTE;
    /// From the first failed system check to the automatic recovery attempt (UNCONFIRMED).
    pub const RECOVERY_AFTER: (u64, u64) = (2 * MINUTE, 4 * MINUTE);
    /// A recovery that found no room is tried again this much later…
    pub const RECOVERY_RETRY: u64 = 5 * MINUTE;
    /// …this many attempts in all.
    pub const RECOVERY_ATTEMPTS: u32 = 3;
    /// A recovered instance's reboot on its new host.
    pub const RECOVERY_REBOOT: (u64, u64) = (30 * SECOND, 60 * SECOND);
    /// How far ahead an unrecoverable instance's `instance-stop` is scheduled (UNCONFIRMED).
    pub const RETIREMENT_NOTICE: u64 = DAY;
    /// `lab schedule-event` without `--in`.
    pub const DEFAULT_EVENT_IN: u64 = HOUR;
    /// NotAfter - NotBefore of reboot and maintenance events.
    pub const EVENT_WINDOW: u64 = 2 * HOUR;
    /// NotBeforeDeadline - NotBefore of reboot and maintenance events.
    pub const EVENT_DEADLINE: u64 = 7 * DAY;
    /// A rescheduled event must start at least this far from now…
    pub const RESCHEDULE_MIN_LEAD: u64 = 60 * MINUTE;
    /// …and an event starting within this cannot be rescheduled.
    pub const RESCHEDULE_FREEZE: u64 = 5 * MINUTE;
    /// A `system-reboot`: the host and the instance are down this long.
    pub const SYSTEM_REBOOT: (u64, u64) = (2 * MINUTE, 4 * MINUTE);
    /// A `system-maintenance`: the network is cut this long.
    pub const MAINTENANCE_OUTAGE: (u64, u64) = (MINUTE, 3 * MINUTE);
    /// Completed and canceled events stay in describe-instance-status this long.
    pub const EVENT_HISTORY_VISIBLE: u64 = 7 * DAY;
    /// `lab schedule-event --in` at most this far ahead.
    pub const MAX_EVENT_IN: u64 = 30 * DAY;
    /// An instance's own outbound connection to an unreachable endpoint gives up after this.
    pub const OUTBOUND_TIMEOUT: u64 = 60 * SECOND;
}

/// What broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cause {
    /// The rack lost power: every host in it is off.
    Power,
    /// The rack lost its network: the hosts run, nothing reaches them.
    Network,
    /// The host itself failed.
    Host,
}

impl Cause {
    /// Does the guest OS stop with it?
    pub fn stops_os(self) -> bool {
        self != Cause::Network
    }
}

/// `MaintenanceOptions.AutoRecovery`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AutoRecovery {
    #[default]
    Default,
    Disabled,
}

impl AutoRecovery {
    pub fn name(self) -> &'static str {
        match self {
            AutoRecovery::Default => "default",
            AutoRecovery::Disabled => "disabled",
        }
    }
}

/// The scheduled event codes of EC2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventCode {
    InstanceReboot,
    SystemReboot,
    SystemMaintenance,
    InstanceRetirement,
    InstanceStop,
}

impl EventCode {
    pub const ALL: [EventCode; 5] = [EventCode::InstanceReboot, EventCode::SystemReboot, EventCode::SystemMaintenance, EventCode::InstanceRetirement, EventCode::InstanceStop];
    pub fn name(self) -> &'static str {
        match self {
            EventCode::InstanceReboot => "instance-reboot",
            EventCode::SystemReboot => "system-reboot",
            EventCode::SystemMaintenance => "system-maintenance",
            EventCode::InstanceRetirement => "instance-retirement",
            EventCode::InstanceStop => "instance-stop",
        }
    }
    pub fn parse(s: &str) -> Option<EventCode> {
        EventCode::ALL.into_iter().find(|c| c.name() == s)
    }
    /// The description EC2 gives such an event.
    pub fn description(self) -> &'static str {
        match self {
            EventCode::InstanceReboot | EventCode::SystemReboot => "The instance is scheduled for a reboot",
            EventCode::SystemMaintenance => "The instance is scheduled for network maintenance",
            EventCode::InstanceRetirement | EventCode::InstanceStop => "The instance is running on degraded hardware",
        }
    }
    /// Reboot and maintenance events have a window and a deadline, so they can be rescheduled.
    fn reschedulable(self) -> bool {
        matches!(self, EventCode::InstanceReboot | EventCode::SystemReboot | EventCode::SystemMaintenance)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventState {
    Active,
    Completed,
    Canceled,
}

impl EventState {
    pub fn name(self) -> &'static str {
        match self {
            EventState::Active => "active",
            EventState::Completed => "completed",
            EventState::Canceled => "canceled",
        }
    }
}

/// One scheduled event of an instance.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MaintenanceEvent {
    /// `instance-event-0…`
    pub id: String,
    pub code: EventCode,
    /// Without the `[Completed] `/`[Canceled] ` prefix (see [`MaintenanceEvent::shown_description`]).
    pub description: String,
    pub not_before: Time,
    pub not_after: Option<Time>,
    pub deadline: Option<Time>,
    pub state: EventState,
    /// A system reboot or maintenance under way: when it ends.
    pub ends: Option<Time>,
    /// When it was completed or canceled.
    pub closed: Option<Time>,
}

impl MaintenanceEvent {
    pub fn shown_description(&self) -> String {
        match self.state {
            EventState::Active => self.description.clone(),
            EventState::Completed => format!("[Completed] {}", self.description),
            EventState::Canceled => format!("[Canceled] {}", self.description),
        }
    }
}

/// An instance's side of failures and maintenance (lives with the instance: `Instance::faults`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct InstanceFaults {
    pub auto_recovery: AutoRecovery,
    /// `RebootMigration` as set by modify-instance-maintenance-options (recorded, not simulated).
    pub reboot_migration: Option<String>,
    /// The status check that first saw the system check fail (None: passing).
    pub system_impaired_since: Option<Time>,
    /// The status check that first saw the instance check fail.
    pub instance_impaired_since: Option<Time>,
    /// The guest OS lost power and has not booted since.
    pub os_down: bool,
    /// When the pending automatic recovery attempt runs.
    pub recovery_due: Option<Time>,
    /// Failed attempts for the current failure.
    pub recovery_attempts: u32,
    /// Successful recoveries over the instance's life.
    pub recoveries: u32,
    /// Unreachable until then (a scheduled system reboot or maintenance, a recovery's reboot).
    pub offline_until: Option<Time>,
    /// Scheduled events, oldest first (active and past).
    pub events: Vec<MaintenanceEvent>,
}

impl InstanceFaults {
    /// Forget an impairment and any recovery in progress (after a recovery, a stop or a
    /// termination).
    fn clear_impairment(&mut self) {
        self.system_impaired_since = None;
        self.instance_impaired_since = None;
        self.os_down = false;
        self.recovery_due = None;
        self.recovery_attempts = 0;
        self.offline_until = None;
    }

    pub fn active_events(&self) -> impl Iterator<Item = &MaintenanceEvent> {
        self.events.iter().filter(|e| e.state == EventState::Active)
    }
}

// ---------------------------------------------------------------------------------------------
// What is broken
// ---------------------------------------------------------------------------------------------

/// Why a hardware host is down, if it is (power first, then the host, then the network).
pub fn host_cause(world: &World, host: usize) -> Option<Cause> {
    let h = world.hardware.hosts.get(host)?;
    let rack = world.hardware.racks.get(h.rack)?;
    if !rack.power_ok {
        Some(Cause::Power)
    } else if !h.healthy {
        Some(Cause::Host)
    } else if !rack.network_ok {
        Some(Cause::Network)
    } else {
        None
    }
}

/// Why the instance's hardware is down, if it is.
pub fn cause(world: &World, inst: &Instance) -> Option<Cause> {
    inst.host.and_then(|h| host_cause(world, h))
}

/// Is the guest OS running (the instance is running, its host has power, the OS has not lost
/// it since)? `lab connect` and `lab exec` need this.
pub fn os_running(world: &World, inst: &Instance) -> bool {
    inst.state == State::Running && !inst.faults.os_down && !cause(world, inst).is_some_and(Cause::stops_os)
}

/// Can anything outside the instance's rack reach it over the network right now?
pub fn reachable(world: &World, inst: &Instance) -> bool {
    inst.state == State::Running
        && !inst.faults.os_down
        && cause(world, inst).is_none()
        && inst.faults.offline_until.is_none_or(|t| world.now() >= t)
}

/// Can the instance reach the network (AWS endpoints, other instances)?
pub fn network_up(world: &World, id: &str) -> bool {
    world.compute.get(id).is_some_and(|i| reachable(world, i))
}

/// Does a login session on this instance survive? `console` = opened by `lab connect` (the serial
/// console, which needs no network), else by ssh.
pub fn keeps_session(world: &World, inst: &Instance, console: bool) -> bool {
    if console { os_running(world, inst) } else { reachable(world, inst) }
}

/// The status checks' override of the usual `(system, instance)`: `Some` while a check is impaired.
pub(crate) fn checks_override(inst: &Instance, usual: (&'static str, &'static str)) -> Option<(&'static str, &'static str)> {
    let f = &inst.faults;
    if f.system_impaired_since.is_none() && f.instance_impaired_since.is_none() {
        return None;
    }
    Some((
        if f.system_impaired_since.is_some() { "impaired" } else { usual.0 },
        if f.instance_impaired_since.is_some() { "impaired" } else { usual.1 },
    ))
}

/// The first status check strictly after `t`.
pub fn next_check(t: Time) -> Time {
    Time((t.0 / timing::STATUS_CHECK_INTERVAL + 1) * timing::STATUS_CHECK_INTERVAL)
}

/// Why simplified automatic recovery does not apply to an instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoRecovery {
    Disabled,
    Unsupported(String),
    DedicatedHost(String),
}

pub fn recovery_applies(inst: &Instance) -> Result<(), NoRecovery> {
    if inst.placement.tenancy == "host" {
        return Err(NoRecovery::DedicatedHost(inst.placement.host_id.clone().unwrap_or_default()));
    }
    if inst.faults.auto_recovery == AutoRecovery::Disabled {
        return Err(NoRecovery::Disabled);
    }
    let supported = catalog::instance_type(&inst.instance_type).and_then(|t| t.raw.get("AutoRecoverySupported")).and_then(|v| v.as_bool()).unwrap_or(false);
    if !supported {
        return Err(NoRecovery::Unsupported(inst.instance_type.clone()));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Failing and repairing hardware
// ---------------------------------------------------------------------------------------------

/// What `lab fail`/`lab repair` act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Index into `Hardware::racks`.
    Rack(usize),
    /// Index into `Hardware::hosts`.
    Host(usize),
    /// Index into `catalog::azs()`.
    Az(usize),
}

pub fn find_rack(world: &World, id: &str) -> Option<usize> {
    world.hardware.racks.iter().position(|r| r.id == id)
}

/// A hardware host by its id (`us-east-1a-r03-h2`), or the hardware under one of the account's
/// Dedicated Hosts by its `h-…` id (released hosts excluded).
pub fn find_host(world: &World, id: &str) -> Option<usize> {
    world.hardware.hosts.iter().position(|h| h.id == id).or_else(|| {
        let d = world.dedicated.get(id)?;
        matches!(&world.hardware.hosts.get(d.hw)?.tenancy, crate::hardware::HostUse::DedicatedHost(h) if h == id).then_some(d.hw)
    })
}

pub fn find_az(name: &str) -> Option<usize> {
    catalog::azs().iter().position(|a| a.name == name)
}

impl Target {
    /// The hardware hosts it covers.
    pub fn hosts(self, world: &World) -> Vec<usize> {
        match self {
            Target::Host(h) => vec![h],
            Target::Rack(r) => world.hardware.racks.get(r).map(|r| r.hosts.clone()).unwrap_or_default(),
            Target::Az(a) => (0..world.hardware.hosts.len()).filter(|&h| world.hardware.hosts[h].az == a).collect(),
        }
    }
    fn racks(self, world: &World) -> Vec<usize> {
        match self {
            Target::Host(_) => Vec::new(),
            Target::Rack(r) => vec![r],
            Target::Az(a) => (0..world.hardware.racks.len()).filter(|&r| world.hardware.racks[r].az == a).collect(),
        }
    }
}

/// What happens next to one of the learner's instances on failed hardware.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outlook {
    /// Automatic recovery will move it (to this host, as things stand now).
    Recovery { host: String },
    /// Automatic recovery applies, but the placement group's rules leave nowhere to go now.
    NoRoom,
    /// No automatic recovery for it.
    NoRecovery(NoRecovery),
    /// It was not running (stopping, shutting down): nothing more happens.
    NotRunning(State),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Affected {
    pub id: String,
    pub name: Option<String>,
    pub host: String,
    pub group: Option<(String, crate::placement::Strategy, Option<u32>)>,
    pub outlook: Outlook,
}

/// What a `lab fail` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailReport {
    pub target: Target,
    pub cause: Cause,
    /// Nothing changed: it had already failed that way.
    pub already: bool,
    /// Hosts that went down with this failure (some may have been down already)…
    pub hosts_down: usize,
    /// …of the hosts it covers.
    pub hosts_total: usize,
    pub racks: usize,
    /// Other accounts' instances on those hosts.
    pub neighbours: u32,
    pub affected: Vec<Affected>,
    /// The status check that will notice.
    pub check_at: Time,
}

/// Fail hardware: a rack or every rack of an AZ by `what` (Power or Network), or one host
/// (`Cause::Host`).
pub fn fail(world: &mut World, target: Target, what: Cause) -> FailReport {
    let hosts = target.hosts(world);
    let before: Vec<bool> = hosts.iter().map(|&h| host_cause(world, h).is_none()).collect();
    let mut changed = false;
    for r in target.racks(world) {
        let Some(rack) = world.hardware.racks.get_mut(r) else { continue };
        match what {
            Cause::Network => {
                changed |= rack.network_ok;
                rack.network_ok = false;
            }
            _ => {
                changed |= rack.power_ok;
                rack.power_ok = false;
            }
        }
    }
    if let Target::Host(h) = target
        && let Some(host) = world.hardware.hosts.get_mut(h)
    {
        changed |= host.healthy;
        host.healthy = false;
    }
    let now = world.now();
    let check_at = next_check(now);
    if !changed {
        return FailReport { target, cause: what, already: true, hosts_down: 0, hosts_total: hosts.len(), racks: 0, neighbours: 0, affected: Vec::new(), check_at };
    }
    let newly: Vec<usize> = hosts.iter().zip(&before).filter(|(h, ok)| **ok && host_cause(world, **h).is_some()).map(|(h, _)| *h).collect();
    let mut affected = Vec::new();
    let (mut rng, mut planners) = (world.rng.clone(), BTreeMap::new());
    let ids: Vec<String> = hosts.iter().filter_map(|&h| world.hardware.hosts.get(h)).flat_map(|h| h.instances.clone()).collect();
    for id in &ids {
        let Some(inst) = world.compute.get(id) else { continue };
        let c = cause(world, inst);
        let live = matches!(inst.state, State::Pending | State::Running);
        let generation = inst.generation;
        if live {
            if c.is_some_and(Cause::stops_os)
                && let Some(i) = world.compute.get_mut(id)
            {
                i.faults.os_down = true;
            }
            world.push_event(check_at, Event { kind: EventKind::StatusCheck, instance: id.clone(), generation });
        }
        if let Some(a) = describe_affected(world, id, &mut rng, &mut planners) {
            affected.push(a);
        }
    }
    let neighbours = hosts.iter().filter_map(|&h| world.hardware.hosts.get(h)).map(|h| h.neighbours).sum();
    let racks = match target {
        Target::Host(_) => 0,
        _ => target.racks(world).len(),
    };
    world.bump();
    for &h in &newly {
        crate::dedicated::on_hardware_failure(world, h);
    }
    FailReport { target, cause: what, already: false, hosts_down: newly.len(), hosts_total: hosts.len(), racks, neighbours, affected, check_at }
}

/// What is known and expected of one instance on newly failed hardware. `rng` and `planners`
/// carry a dry run of the recoveries across the instances of one failure (a copy of the world's
/// generator: its own draws do not move).
fn describe_affected(world: &World, id: &str, rng: &mut crate::rng::Rng, planners: &mut BTreeMap<String, crate::placement::Planner>) -> Option<Affected> {
    let inst = world.compute.get(id)?;
    let host = inst.host.and_then(|h| world.hardware.hosts.get(h)).map(|h| h.id.clone()).unwrap_or_default();
    let group = inst
        .placement
        .group_name
        .as_deref()
        .and_then(|g| world.placement.get(g))
        .map(|g| (g.name.clone(), g.strategy, inst.placement.partition_number));
    let outlook = if !matches!(inst.state, State::Pending | State::Running) {
        Outlook::NotRunning(inst.state)
    } else {
        match recovery_applies(inst) {
            Err(n) => Outlook::NoRecovery(n),
            Ok(()) => match pick_host_with(world, id, rng, planners) {
                Some(h) => Outlook::Recovery { host: world.hardware.hosts[h].id.clone() },
                None => Outlook::NoRoom,
            },
        }
    };
    Some(Affected { id: id.to_string(), name: inst.name_tag().map(String::from), host, group, outlook })
}

/// An instance still on repaired hardware, and what happens to it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Returning {
    pub id: String,
    pub name: Option<String>,
    /// Its OS lost power: it needs a reboot (or a stop and start) to pass the instance check.
    pub needs_boot: bool,
    /// A retirement event of it was canceled.
    pub canceled: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepairReport {
    /// None = `lab repair all`.
    pub target: Option<Target>,
    /// Racks whose power or network came back, hosts that came back.
    pub racks: usize,
    pub hosts: usize,
    /// Hardware hosts usable again.
    pub hosts_up: usize,
    pub returning: Vec<Returning>,
    pub check_at: Time,
}

/// Repair hardware (`None`: everything that is broken).
pub fn repair(world: &mut World, target: Option<Target>) -> RepairReport {
    let (racks, hosts): (Vec<usize>, Vec<usize>) = match target {
        Some(t) => (t.racks(world), t.hosts(world)),
        None => ((0..world.hardware.racks.len()).collect(), (0..world.hardware.hosts.len()).collect()),
    };
    let before: Vec<bool> = hosts.iter().map(|&h| host_cause(world, h).is_none()).collect();
    let mut fixed_racks = 0;
    for &r in &racks {
        let Some(rack) = world.hardware.racks.get_mut(r) else { continue };
        if !rack.power_ok || !rack.network_ok {
            fixed_racks += 1;
        }
        rack.power_ok = true;
        rack.network_ok = true;
    }
    // Everything in it: the racks' power and network, and failed hosts.
    let mut fixed_hosts = 0;
    for &h in &hosts {
        let Some(host) = world.hardware.hosts.get_mut(h) else { continue };
        if !host.healthy {
            fixed_hosts += 1;
        }
        host.healthy = true;
    }
    let up: Vec<usize> = hosts.iter().zip(&before).filter(|(h, ok)| !**ok && host_cause(world, **h).is_none()).map(|(h, _)| *h).collect();
    // A Dedicated Host waiting on its hardware (host recovery off) is available again.
    for &h in &up {
        crate::dedicated::on_hardware_repair(world, h);
    }
    let now = world.now();
    let check_at = next_check(now);
    let mut returning = Vec::new();
    for &h in &up {
        let ids = world.hardware.hosts.get(h).map(|x| x.instances.clone()).unwrap_or_default();
        for id in ids {
            let Some(inst) = world.compute.get(&id) else { continue };
            if !matches!(inst.state, State::Pending | State::Running) {
                continue;
            }
            let generation = inst.generation;
            let needs_boot = inst.faults.os_down;
            let name = inst.name_tag().map(String::from);
            world.push_event(check_at, Event { kind: EventKind::StatusCheck, instance: id.clone(), generation });
            let canceled = close_events(world, &id, |e| matches!(e.code, EventCode::InstanceStop | EventCode::InstanceRetirement), EventState::Canceled);
            returning.push(Returning { id, name, needs_boot, canceled });
        }
    }
    world.bump();
    RepairReport { target, racks: fixed_racks, hosts: fixed_hosts, hosts_up: up.len(), returning, check_at }
}

// ---------------------------------------------------------------------------------------------
// Status checks, recovery, retirement (events on the world's queue)
// ---------------------------------------------------------------------------------------------

/// Apply one of this module's queue events (called by `World::advance`).
pub(crate) fn apply(world: &mut World, ev: Event) {
    match ev.kind {
        EventKind::StatusCheck => status_check(world, &ev.instance, ev.generation),
        EventKind::AutoRecovery => attempt_recovery(world, &ev.instance, ev.generation),
        EventKind::MaintenanceDue => maintenance_due(world, &ev.instance),
        _ => {}
    }
}

fn status_check(world: &mut World, id: &str, generation: u32) {
    let now = world.now();
    let Some(inst) = world.compute.get(id) else { return };
    if inst.generation != generation {
        return;
    }
    match inst.state {
        State::Pending => {
            // Checks begin once it runs.
            world.push_event(next_check(now), Event { kind: EventKind::StatusCheck, instance: id.to_string(), generation });
            return;
        }
        State::Running => {}
        _ => return,
    }
    let broken = cause(world, inst).is_some();
    let Some(inst) = world.compute.get_mut(id) else { return };
    let f = &mut inst.faults;
    let first = broken && f.system_impaired_since.is_none();
    if broken {
        f.system_impaired_since.get_or_insert(now);
        f.instance_impaired_since.get_or_insert(now);
    } else {
        f.system_impaired_since = None;
        if f.os_down {
            // The hardware is fine, but nothing boots the OS by itself: no answer.
            f.instance_impaired_since.get_or_insert(now);
        } else {
            f.instance_impaired_since = None;
        }
    }
    if first {
        decide(world, id);
    }
    world.bump();
}

/// The system check has just failed: recover it, or retire it.
fn decide(world: &mut World, id: &str) {
    let Some(inst) = world.compute.get(id) else { return };
    if inst.faults.recovery_due.is_some() {
        return;
    }
    match recovery_applies(inst) {
        Ok(()) => {
            let generation = inst.generation;
            let after = world.rng.between(timing::RECOVERY_AFTER.0, timing::RECOVERY_AFTER.1);
            let at = world.now().plus(after);
            if let Some(i) = world.compute.get_mut(id) {
                i.faults.recovery_due = Some(at);
                i.faults.recovery_attempts = 0;
            }
            world.push_event(at, Event { kind: EventKind::AutoRecovery, instance: id.to_string(), generation });
        }
        Err(NoRecovery::DedicatedHost(_)) => {} // dedicated.rs decides
        Err(_) => retire(world, id),
    }
}

fn attempt_recovery(world: &mut World, id: &str, generation: u32) {
    let Some(inst) = world.compute.get(id) else { return };
    if inst.generation != generation || inst.faults.recovery_due.is_none() {
        return;
    }
    let (running, broken, applies) = (inst.state == State::Running, cause(world, inst).is_some(), recovery_applies(inst));
    if let Some(i) = world.compute.get_mut(id) {
        i.faults.recovery_due = None;
    }
    if !running || !broken {
        // Stopped meanwhile, or the hardware was repaired: nothing to recover.
        return;
    }
    if applies.is_err() {
        // Disabled since the failure.
        retire(world, id);
        return;
    }
    let mut rng = world.rng.clone();
    let pick = pick_host(world, id, &mut rng);
    world.rng = rng;
    match pick {
        Some(h) => recover_onto(world, id, h),
        None => {
            let now = world.now();
            let attempts = world.compute.get(id).map(|i| i.faults.recovery_attempts + 1).unwrap_or(timing::RECOVERY_ATTEMPTS);
            if attempts < timing::RECOVERY_ATTEMPTS {
                let at = now.plus(timing::RECOVERY_RETRY);
                if let Some(i) = world.compute.get_mut(id) {
                    i.faults.recovery_attempts = attempts;
                    i.faults.recovery_due = Some(at);
                }
                world.push_event(at, Event { kind: EventKind::AutoRecovery, instance: id.to_string(), generation });
            } else {
                if let Some(i) = world.compute.get_mut(id) {
                    i.faults.recovery_attempts = attempts;
                }
                retire(world, id);
            }
            world.bump();
        }
    }
}

/// Healthy hardware for the instance under its placement group's rules (or, outside a group, any
/// host of its family and tenancy in its AZ), chosen with `rng`.
pub fn pick_host(world: &World, id: &str, rng: &mut crate::rng::Rng) -> Option<usize> {
    pick_host_with(world, id, rng, &mut BTreeMap::new())
}

/// [`pick_host`] with one planner per group kept in `planners`, so several picks in a row see each
/// other (and a group's hardware is copied once).
fn pick_host_with(world: &World, id: &str, rng: &mut crate::rng::Rng, planners: &mut BTreeMap<String, crate::placement::Planner>) -> Option<usize> {
    let inst = world.compute.get(id)?;
    let (az, family, units) = (inst.az(), inst.family(), inst.units());
    let tenancy = if inst.placement.tenancy == "dedicated" { "dedicated" } else { "default" };
    if let Some(g) = inst.placement.group_name.as_deref().and_then(|g| world.placement.get(g)) {
        let planner = planners.entry(g.name.clone()).or_insert_with(|| crate::placement::Planner::new(world, g).with_tenancy(tenancy));
        // The instance leaves its old place: it does not count against the group's rules.
        if let Some(rack) = inst.host.and_then(|h| world.hardware.hosts.get(h)).map(|h| h.rack) {
            let me = (az, rack, inst.placement.partition_number);
            if let Some(p) = planner.members.iter().position(|m| *m == me) {
                planner.members.remove(p);
            }
        }
        return planner.pick(rng, az, &family, units, inst.placement.partition_number, 1).ok().map(|(h, _)| h);
    }
    let pool = world.hardware.candidates_for(az, &family, units, tenancy);
    rng.pick(&pool).map(|i| pool[i])
}

/// Move a running instance to hardware host `host` the way a recovery does: same id, addresses,
/// metadata and volume; the OS reboots there; the status checks start over. Also for
/// `dedicated.rs`'s host recovery.
pub fn recover_onto(world: &mut World, id: &str, host: usize) {
    let Some(inst) = world.compute.get(id) else { return };
    if host >= world.hardware.hosts.len() {
        return;
    }
    let (old, units, tenancy) = (inst.host, inst.units(), inst.placement.tenancy.clone());
    if let Some(o) = old {
        world.hardware.release(o, id, units);
    }
    world.hardware.place_with_tenancy(host, id, units, if tenancy == "dedicated" { "dedicated" } else { "default" });
    let now = world.now();
    let d = world.rng.between(timing::RECOVERY_REBOOT.0, timing::RECOVERY_REBOOT.1);
    let checks = world.rng.between(crate::compute::timing::STATUS_CHECKS_AFTER_RUNNING.0, crate::compute::timing::STATUS_CHECKS_AFTER_RUNNING.1);
    if let Some(i) = world.compute.get_mut(id) {
        i.host = Some(host);
        i.last_host = Some(host);
        i.boots += 1;
        i.sshd_ready_at = Some(now.plus(d));
        i.checks_ok_at = Some(now.plus(d + checks));
        i.generation += 1;
        i.faults.clear_impairment();
        i.faults.recoveries += 1;
        i.faults.offline_until = Some(now.plus(d));
    }
    close_events(world, id, |e| matches!(e.code, EventCode::InstanceStop | EventCode::InstanceRetirement), EventState::Canceled);
    crate::guest::on_boot(world, id, now.plus(d));
    world.bump();
}

/// Schedule the retirement of an instance that cannot be recovered (once).
fn retire(world: &mut World, id: &str) {
    let Some(inst) = world.compute.get(id) else { return };
    if inst.faults.active_events().any(|e| matches!(e.code, EventCode::InstanceStop | EventCode::InstanceRetirement)) {
        return;
    }
    let at = world.now().plus(timing::RETIREMENT_NOTICE);
    let _ = add_event(world, id, EventCode::InstanceStop, at);
}

// ---------------------------------------------------------------------------------------------
// Scheduled events
// ---------------------------------------------------------------------------------------------

/// Schedule an event for an instance (`lab schedule-event`, retirement). Returns its id.
pub fn add_event(world: &mut World, id: &str, code: EventCode, not_before: Time) -> Result<String, Ec2Error> {
    crate::compute::check_instance_id(world, id)?;
    // Event times are whole seconds.
    let not_before = Time(not_before.0.div_ceil(SECOND) * SECOND);
    let event_id = world.rng.resource_id("instance-event");
    let (not_after, deadline) = if code.reschedulable() {
        (Some(not_before.plus(timing::EVENT_WINDOW)), Some(not_before.plus(timing::EVENT_DEADLINE)))
    } else {
        (None, None)
    };
    let ev = MaintenanceEvent {
        id: event_id.clone(),
        code,
        description: code.description().to_string(),
        not_before,
        not_after,
        deadline,
        state: EventState::Active,
        ends: None,
        closed: None,
    };
    if let Some(i) = world.compute.get_mut(id) {
        i.faults.events.push(ev);
    }
    world.push_event(not_before, Event { kind: EventKind::MaintenanceDue, instance: id.to_string(), generation: 0 });
    world.bump();
    Ok(event_id)
}

/// Close the active events of `id` that `which` selects; returns their ids.
fn close_events(world: &mut World, id: &str, which: impl Fn(&MaintenanceEvent) -> bool, state: EventState) -> Vec<String> {
    let now = world.now();
    let Some(inst) = world.compute.get_mut(id) else { return Vec::new() };
    let mut closed = Vec::new();
    for e in inst.faults.events.iter_mut().filter(|e| e.state == EventState::Active) {
        if which(e) {
            e.state = state;
            e.closed = Some(now);
            e.ends = None;
            closed.push(e.id.clone());
        }
    }
    closed
}

/// Events whose time came: start them, or finish those under way.
fn maintenance_due(world: &mut World, id: &str) {
    let now = world.now();
    let Some(inst) = world.compute.get(id) else { return };
    if !matches!(inst.state, State::Running | State::Pending) {
        return;
    }
    let due: Vec<(String, EventCode, Option<Time>)> = inst
        .faults
        .active_events()
        .filter(|e| e.ends.map_or(e.not_before <= now, |t| t <= now))
        .map(|e| (e.id.clone(), e.code, e.ends))
        .collect();
    for (eid, code, ends) in due {
        let only = |e: &MaintenanceEvent| e.id == eid;
        if ends.is_some() {
            close_events(world, id, only, EventState::Completed);
            continue;
        }
        match code {
            EventCode::InstanceReboot => {
                let d = world.rng.between(crate::compute::timing::REBOOT.0, crate::compute::timing::REBOOT.1);
                reboot_now(world, id, d);
                close_events(world, id, only, EventState::Completed);
            }
            EventCode::SystemReboot | EventCode::SystemMaintenance => {
                let (lo, hi) = if code == EventCode::SystemReboot { timing::SYSTEM_REBOOT } else { timing::MAINTENANCE_OUTAGE };
                let d = world.rng.between(lo, hi);
                if code == EventCode::SystemReboot {
                    reboot_now(world, id, d);
                }
                let end = now.plus(d);
                if let Some(i) = world.compute.get_mut(id) {
                    i.faults.offline_until = Some(end);
                    if let Some(e) = i.faults.events.iter_mut().find(|e| e.id == eid) {
                        e.ends = Some(end);
                    }
                }
                world.push_event(end, Event { kind: EventKind::MaintenanceDue, instance: id.to_string(), generation: 0 });
            }
            EventCode::InstanceStop | EventCode::InstanceRetirement => {
                close_events(world, id, only, EventState::Completed);
                scheduled_stop(world, id);
            }
        }
    }
    world.bump();
}

/// A reboot at EC2's hand (scheduled events).
fn reboot_now(world: &mut World, id: &str, d: u64) {
    let now = world.now();
    if !begin_reboot(world, id, now.plus(d)) {
        return;
    }
    if let Some(i) = world.compute.get_mut(id) {
        i.sshd_ready_at = Some(now.plus(d));
        i.boots += 1;
    }
    crate::guest::on_boot(world, id, now.plus(d));
}

/// EC2 stops the instance for its scheduled retirement.
fn scheduled_stop(world: &mut World, id: &str) {
    if world.compute.get(id).map(|i| i.state) != Some(State::Running) {
        return;
    }
    let generation = world.transition(
        id,
        State::Stopping,
        Some(("Server.ScheduledStop".into(), "Server.ScheduledStop: Stopped due to scheduled retirement".into())),
        Some(format!("Server initiated ({})", crate::compute::gmt(world.now()))),
    );
    let d = world.rng.between(crate::compute::timing::STOP.0, crate::compute::timing::STOP.1);
    world.schedule(d, id, EventKind::Stopped, generation);
}

// ---------------------------------------------------------------------------------------------
// Hooks called by compute.rs
// ---------------------------------------------------------------------------------------------

/// A reboot is about to happen (the owner's `reboot-instances`, or a scheduled one): false when
/// it cannot (not running, or its host has no power: nothing boots). The OS is back at `up_at`.
pub(crate) fn begin_reboot(world: &mut World, id: &str, up_at: Time) -> bool {
    let Some(inst) = world.compute.get(id) else { return false };
    if inst.state != State::Running || cause(world, inst).is_some_and(Cause::stops_os) {
        return false;
    }
    let generation = inst.generation;
    let was_down = inst.faults.os_down;
    if let Some(i) = world.compute.get_mut(id) {
        i.faults.os_down = false;
    }
    if was_down || world.compute.get(id).is_some_and(|i| i.faults.instance_impaired_since.is_some()) {
        // The next status check after the OS is up sees the instance answer again.
        world.push_event(next_check(up_at), Event { kind: EventKind::StatusCheck, instance: id.to_string(), generation });
    }
    close_events(world, id, |e| e.code == EventCode::InstanceReboot && e.ends.is_none(), EventState::Completed);
    true
}

/// The instance has stopped and left its host: the failure is behind it; its events are done.
pub(crate) fn on_stopped(world: &mut World, id: &str) {
    close_events(world, id, |_| true, EventState::Completed);
    clear(world, id);
}

/// The instance is terminated: its events are canceled.
pub(crate) fn on_terminated(world: &mut World, id: &str) {
    close_events(world, id, |_| true, EventState::Canceled);
    clear(world, id);
}

fn clear(world: &mut World, id: &str) {
    if let Some(i) = world.compute.get_mut(id) {
        i.faults.clear_impairment();
    }
}

// ---------------------------------------------------------------------------------------------
// The two API operations
// ---------------------------------------------------------------------------------------------

/// ModifyInstanceMaintenanceOptions: returns the options now in force.
pub fn modify_maintenance_options(world: &mut World, id: &str, auto_recovery: Option<&str>, reboot_migration: Option<&str>) -> Result<(AutoRecovery, Option<String>), Ec2Error> {
    crate::compute::check_instance_id(world, id)?;
    let ar = match auto_recovery {
        None => None,
        Some("default") => Some(AutoRecovery::Default),
        Some("disabled") => Some(AutoRecovery::Disabled),
        Some(other) => return Err(Ec2Error::invalid_value(other, "AutoRecovery")),
    };
    if let Some(r) = reboot_migration
        && r != "default"
        && r != "disabled"
    {
        return Err(Ec2Error::invalid_value(r, "RebootMigration"));
    }
    let Some(inst) = world.compute.get(id) else { return Err(Ec2Error::new("InvalidInstanceID.NotFound", format!("The instance ID '{id}' does not exist"))) };
    if matches!(inst.state, State::Terminated | State::ShuttingDown) {
        // UNCONFIRMED wording.
        return Err(Ec2Error::new("IncorrectInstanceState", format!("The instance '{id}' is not in a state from which its maintenance options can be modified.")));
    }
    if reboot_migration.is_some() {
        world.note("RebootMigration is recorded, but reboot migration is not simulated: a system-reboot event reboots the instance on its host.");
    }
    let Some(inst) = world.compute.get_mut(id) else { return Err(Ec2Error::new("InvalidInstanceID.NotFound", format!("The instance ID '{id}' does not exist"))) };
    if let Some(a) = ar {
        inst.faults.auto_recovery = a;
    }
    if let Some(r) = reboot_migration {
        inst.faults.reboot_migration = Some(r.to_string());
    }
    let out = (inst.faults.auto_recovery, inst.faults.reboot_migration.clone());
    world.bump();
    Ok(out)
}

/// ModifyInstanceEventStartTime. Error codes from EC2's list; their messages are UNCONFIRMED.
pub fn modify_event_start_time(world: &mut World, id: &str, event_id: &str, not_before: Time) -> Result<MaintenanceEvent, Ec2Error> {
    crate::compute::check_instance_id(world, id)?;
    let now = world.now();
    let Some(inst) = world.compute.get(id) else { return Err(Ec2Error::new("InvalidInstanceID.NotFound", format!("The instance ID '{id}' does not exist"))) };
    let Some(ev) = inst.faults.active_events().find(|e| e.id == event_id).cloned() else {
        return Err(Ec2Error::new("InvalidInstanceEventIDNotFound", format!("The event ID '{event_id}' does not exist for instance '{id}'.")));
    };
    let bad = |why: String| Err(Ec2Error::new("InvalidInstanceEventStartTime", why));
    let Some(deadline) = ev.deadline else {
        return bad(format!("The event '{event_id}' ({}) has no deadline, so it cannot be rescheduled.", ev.code.name()));
    };
    if ev.ends.is_some() || ev.not_before <= now.plus(timing::RESCHEDULE_FREEZE) {
        return bad(format!("The event '{event_id}' has started or starts within 5 minutes, so it cannot be rescheduled."));
    }
    if not_before < now.plus(timing::RESCHEDULE_MIN_LEAD) {
        return bad(format!("The new start time {} must be at least 60 minutes from now.", not_before.iso_millis()));
    }
    if not_before > deadline {
        return bad(format!("The new start time {} is after the event's deadline {}.", not_before.iso_millis(), deadline.iso_millis()));
    }
    let Some(inst) = world.compute.get_mut(id) else { return bad(String::new()) };
    let Some(e) = inst.faults.events.iter_mut().find(|e| e.id == event_id) else { return bad(String::new()) };
    let window = e.not_after.map(|a| a.0.saturating_sub(e.not_before.0));
    e.not_before = not_before;
    e.not_after = window.map(|w| not_before.plus(w));
    let out = e.clone();
    world.push_event(not_before, Event { kind: EventKind::MaintenanceDue, instance: id.to_string(), generation: 0 });
    world.bump();
    Ok(out)
}

/// The events describe-instance-status shows: active ones, and those closed within the last week.
pub fn visible_events(world: &World, inst: &Instance) -> Vec<MaintenanceEvent> {
    let now = world.now();
    inst.faults
        .events
        .iter()
        .filter(|e| e.state == EventState::Active || e.closed.is_some_and(|c| c.plus(timing::EVENT_HISTORY_VISIBLE) > now))
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The metadata service's view
// ---------------------------------------------------------------------------------------------

/// `21 Jan 2019 09:00:43 GMT` (the day not padded), as the metadata service writes event times.
pub fn imds_time(t: Time) -> String {
    const MO: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let iso = t.iso();
    let (y, m, d) = (&iso[0..4], iso[5..7].parse::<usize>().unwrap_or(1), iso[8..10].parse::<u32>().unwrap_or(1));
    format!("{d} {} {y} {} GMT", MO[(m.clamp(1, 12)) - 1], &iso[11..19])
}

/// A JSON list of events in the metadata service's style (the identity document's pretty
/// printer: `"Key" : value`, two-space indent; UNCONFIRMED for lists). `[]` when empty.
fn imds_events<'a>(events: impl Iterator<Item = &'a MaintenanceEvent>) -> String {
    let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let items: Vec<String> = events
        .map(|e| {
            let mut fields = vec![
                format!("  \"NotBefore\" : {}", q(&imds_time(e.not_before))),
                format!("  \"Code\" : {}", q(e.code.name())),
                format!("  \"Description\" : {}", q(&e.shown_description())),
                format!("  \"EventId\" : {}", q(&e.id)),
            ];
            if let Some(a) = e.not_after {
                fields.push(format!("  \"NotAfter\" : {}", q(&imds_time(a))));
            }
            if let Some(d) = e.deadline {
                fields.push(format!("  \"NotBeforeDeadline\" : {}", q(&imds_time(d))));
            }
            fields.push(format!("  \"State\" : {}", q(e.state.name())));
            format!("{{\n{}\n}}", fields.join(",\n"))
        })
        .collect();
    if items.is_empty() { "[]".into() } else { format!("[ {} ]", items.join(", ")) }
}

/// `meta-data/events/maintenance/scheduled`: the active events.
pub fn imds_scheduled(inst: &Instance) -> String {
    imds_events(inst.faults.active_events())
}

/// `meta-data/events/maintenance/history`: completed and canceled events.
pub fn imds_history(inst: &Instance) -> String {
    imds_events(inst.faults.events.iter().filter(|e| e.state != EventState::Active))
}
