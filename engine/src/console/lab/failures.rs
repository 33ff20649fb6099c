//! `lab fail`, `lab repair`, `lab where`, `lab schedule-event`: the console's side of
//! `faults.rs` (which holds the model). Each prints a short account of what happened.

use super::super::shell::CmdOut;
use super::super::Machine;
use crate::catalog;
use crate::clock::parse_duration;
use crate::compute::State;
use crate::faults::{self, Cause, EventCode, NoRecovery, Outlook, Target};
use crate::placement::Strategy;

const FAIL_USAGE: &str = "lab: fail: usage: lab fail rack RACK-ID [--power|--network]
                 lab fail host HOST-ID
                 lab fail az AZ-NAME [--power|--network]
";
const REPAIR_USAGE: &str = "lab: repair: usage: lab repair rack RACK-ID | host HOST-ID | az AZ-NAME | all\n";
const SCHEDULE_USAGE: &str = "lab: schedule-event: usage: lab schedule-event INSTANCE-ID CODE [--in DURATION]
  CODE: instance-reboot, system-reboot, system-maintenance, instance-retirement or instance-stop
";

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Find what a `lab fail`/`lab repair` names, or the error to print (exit 1).
fn target(m: &Machine, kind: &str, id: &str, verb: &str) -> Result<Target, CmdOut> {
    let found = match kind {
        "rack" => faults::find_rack(m.world, id).map(Target::Rack),
        "host" => faults::find_host(m.world, id).map(Target::Host),
        _ => faults::find_az(id).map(Target::Az),
    };
    found.ok_or_else(|| {
        let example = match kind {
            "rack" => "racks are named like us-east-1a-r03",
            "host" => "hosts are named like us-east-1a-r03-h2, or give one of your Dedicated Hosts' h- ids",
            _ => "Availability Zones are us-east-1a to us-east-1f",
        };
        CmdOut::err(1, format!("lab: {verb}: no {} '{id}' ({example}; `lab where` shows where your instances run)\n", if kind == "az" { "Availability Zone" } else { kind }))
    })
}

pub fn fail(m: &mut Machine, args: &[&str]) -> CmdOut {
    if args == ["--list"] {
        return CmdOut::ok(broken_list(m));
    }
    let (kind, id, flags) = match args {
        [kind @ ("rack" | "host" | "az"), id, flags @ ..] if !id.starts_with('-') => (*kind, *id, flags),
        _ => return CmdOut::err(2, FAIL_USAGE),
    };
    let cause = match (kind, flags) {
        ("host", []) => Cause::Host,
        ("host", _) => return CmdOut::err(2, format!("lab: fail: a host fails as a whole (no --power or --network)\n{FAIL_USAGE}")),
        (_, [] | ["--power"]) => Cause::Power,
        (_, ["--network"]) => Cause::Network,
        _ => return CmdOut::err(2, FAIL_USAGE),
    };
    let t = match target(m, kind, id, "fail") {
        Ok(t) => t,
        Err(e) => return e,
    };
    let r = faults::fail(m.world, t, cause);
    let hw = &m.world.hardware;
    let mut out = String::new();
    let rack_down = |m: &Machine, host: &str| faults::find_host(m.world, host).is_some_and(|h| !m.world.hardware.rack_ok(m.world.hardware.hosts[h].rack));
    let what = match t {
        Target::Rack(i) => {
            let rack = &hw.racks[i];
            format!("{} ({} rack in {})", rack.id, rack.family, catalog::azs()[rack.az].name)
        }
        Target::Host(i) => {
            let h = &hw.hosts[i];
            format!("Host {} ({}, rack {})", h.id, h.family, hw.racks[h.rack].id)
        }
        Target::Az(a) => catalog::azs()[a].name.to_string(),
    };
    if r.already {
        let state = match (t, cause) {
            (Target::Host(_), _) => "has failed already",
            (_, Cause::Network) => "has no network already",
            _ => "has no power already",
        };
        return CmdOut::ok(format!("{what} {state}; nothing changed.\n"));
    }
    let hosts = plural(r.hosts_total, "host", "hosts");
    match (t, cause) {
        (Target::Host(_), _) => out.push_str(&format!("{what} has failed.\n")),
        (Target::Az(_), Cause::Network) => out.push_str(&format!(
            "{what} has lost its network: all {} ({hosts}) keep running, but nothing can reach them.\n",
            plural(r.racks, "rack", "racks")
        )),
        (Target::Az(_), _) => out.push_str(&format!("{what} has lost power: all {} ({hosts}) are down.\n", plural(r.racks, "rack", "racks"))),
        (_, Cause::Network) => out.push_str(&format!("{what} has lost its network: its {hosts} keep running, but nothing can reach them.\n")),
        _ => out.push_str(&format!("{what} has lost power: its {hosts} are down.\n")),
    }
    if r.neighbours > 0 {
        out.push_str(&format!("Other accounts had {} there.\n", plural(r.neighbours as usize, "instance", "instances")));
    }
    if r.affected.is_empty() {
        out.push_str("None of your instances ran there.\n");
        return CmdOut::ok(out);
    }
    // Instances with the same fate are listed under one sentence saying what happens to them.
    let mut fates: Vec<(Fate, Vec<String>)> = Vec::new();
    let width = r.affected.iter().map(|a| label(&a.id, a.name.as_deref()).len()).max().unwrap_or(0);
    let hwidth = r.affected.iter().map(|a| a.host.len()).max().unwrap_or(0);
    let mut live = 0;
    for a in &r.affected {
        let group = match &a.group {
            Some((g, Strategy::Partition, Some(p))) => format!("{g} (partition {p})"),
            Some((g, s, _)) => format!("{g} ({})", s.name()),
            None => String::new(),
        };
        let strategy = a.group.as_ref().map(|g| g.1);
        let fate = match &a.outlook {
            Outlook::NotRunning(_) => Fate::NotRunning,
            Outlook::NoRoom => match strategy {
                Some(Strategy::Cluster) if rack_down(m, &a.host) => Fate::ClusterRackDown,
                Some(Strategy::Cluster) => Fate::ClusterRackFull,
                Some(_) => Fate::GroupNoRoom,
                None => Fate::AzNoRoom,
            },
            Outlook::NoRecovery(NoRecovery::Disabled) => Fate::Disabled,
            Outlook::NoRecovery(NoRecovery::Unsupported(t)) => Fate::Unsupported(t.clone()),
            Outlook::NoRecovery(NoRecovery::DedicatedHost(_)) => Fate::DedicatedHost,
            Outlook::Recovery { .. } => Fate::Recovery(strategy),
        };
        // Still on failed hardware (a Dedicated Host's recovery may have moved it already).
        if m.world.compute.get(&a.id).is_some_and(|i| matches!(i.state, State::Pending | State::Running) && faults::cause(m.world, i).is_some()) {
            live += 1;
        }
        let line = format!("  {:<width$}  {:<hwidth$}  {group}", label(&a.id, a.name.as_deref()), a.host);
        match fates.iter_mut().find(|(f, _)| *f == fate) {
            Some((_, lines)) => lines.push(line),
            None => fates.push((fate, vec![line])),
        }
    }
    for (fate, lines) in fates {
        out.push_str(&fate.sentence(lines.len()));
        out.push('\n');
        for l in lines {
            out.push_str(l.trim_end());
            out.push('\n');
        }
    }
    if live > 0 {
        out.push_str(&format!(
            "Status checks run every minute: the one at {} will see {} impaired.\n",
            r.check_at.iso(),
            if live == 1 { "it" } else { "them" }
        ));
    }
    CmdOut::ok(out)
}

/// What happens next to instances on failed hardware, for `lab fail`'s account.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Fate {
    Recovery(Option<Strategy>),
    ClusterRackDown,
    ClusterRackFull,
    GroupNoRoom,
    AzNoRoom,
    Disabled,
    Unsupported(String),
    DedicatedHost,
    NotRunning,
}

impl Fate {
    /// One sentence about `n` instances.
    fn sentence(&self, n: usize) -> String {
        let one = n == 1;
        let (these, them, their, they, is) = if one { ("This instance", "it", "its", "it", "is") } else { ("These instances", "them", "their", "they", "are") };
        let retire = format!("{they} will stay impaired, then be scheduled to stop");
        match self {
            Fate::Recovery(None) => format!("Automatic recovery will move {them} to healthy hardware:"),
            Fate::Recovery(Some(Strategy::Cluster)) => format!("Automatic recovery will move {them} to another host on {their} cluster group's rack:"),
            Fate::Recovery(Some(Strategy::Spread)) => format!("Automatic recovery will move {them} to a rack {their} spread group does not use:"),
            Fate::Recovery(Some(Strategy::Partition)) => format!("Automatic recovery will move {them} to another rack of {their} partition:"),
            Fate::ClusterRackDown => format!("{these} {is} in a cluster group whose rack is down: automatic recovery has nowhere to put {them} inside the group, so {retire}:"),
            Fate::ClusterRackFull => format!("{these} {is} in a cluster group whose rack has no other room: automatic recovery has nowhere to put {them} inside the group, so {retire}:"),
            Fate::GroupNoRoom => format!("{} placement group's rules leave no healthy room for automatic recovery, so {retire}:", capitalize(their)),
            Fate::AzNoRoom => format!("No healthy hardware in {their} AZ has room for automatic recovery, so {retire}:"),
            Fate::Disabled => format!("Automatic recovery is disabled for {them}, so {retire}:"),
            Fate::Unsupported(t) => format!("{t} does not support automatic recovery, so {retire}:"),
            Fate::DedicatedHost => format!("{these} {is} on a Dedicated Host: its host recovery setting decides what happens to {them}:"),
            Fate::NotRunning => format!("{these} {} stopping or shutting down already: nothing more happens to {them}:", if one { "was" } else { "were" }),
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn returning_line(x: &faults::Returning) -> String {
    let mut line = format!("  {}", label(&x.id, x.name.as_deref()));
    for e in &x.canceled {
        line.push_str(&format!("  (its scheduled instance-stop {e} is canceled)"));
    }
    line.push('\n');
    line
}

fn label(id: &str, name: Option<&str>) -> String {
    match name {
        Some(n) => format!("{id} ({n})"),
        None => id.to_string(),
    }
}

pub fn repair(m: &mut Machine, args: &[&str]) -> CmdOut {
    let t = match args {
        ["all"] => None,
        [kind @ ("rack" | "host" | "az"), id] => match target(m, kind, id, "repair") {
            Ok(t) => Some(t),
            Err(e) => return e,
        },
        _ => return CmdOut::err(2, REPAIR_USAGE),
    };
    let r = faults::repair(m.world, t);
    let hw = &m.world.hardware;
    let name = match t {
        Some(Target::Rack(i)) => hw.racks[i].id.clone(),
        Some(Target::Host(i)) => format!("Host {}", hw.hosts[i].id),
        Some(Target::Az(a)) => catalog::azs()[a].name.to_string(),
        None => String::new(),
    };
    let mut out = String::new();
    if r.racks == 0 && r.hosts == 0 {
        return CmdOut::ok(if t.is_none() { "Nothing to repair: all hardware is healthy.\n".into() } else { format!("Nothing to repair: {name} is healthy.\n") });
    }
    match t {
        Some(Target::Rack(_)) => out.push_str(&format!("{name} is repaired: its hosts take instances again.\n")),
        Some(Target::Host(_)) => out.push_str(&format!("{name} is repaired and takes instances again.\n")),
        _ => {
            let mut parts = Vec::new();
            if r.racks > 0 {
                parts.push(plural(r.racks, "rack", "racks"));
            }
            if r.hosts > 0 {
                parts.push(plural(r.hosts, "host", "hosts"));
            }
            let scope = if t.is_some() { format!("{name}: repaired") } else { "Repaired".into() };
            out.push_str(&format!("{scope} {}; {} take instances again.\n", parts.join(" and "), plural(r.hosts_up, "host", "hosts")));
        }
    }
    let (boot, back): (Vec<&faults::Returning>, Vec<&faults::Returning>) = r.returning.iter().partition(|x| x.needs_boot);
    if !back.is_empty() {
        out.push_str(&format!(
            "{} reachable again; {} status checks pass at {}:\n",
            if back.len() == 1 { "This instance is" } else { "These instances are" },
            if back.len() == 1 { "its" } else { "their" },
            r.check_at.iso()
        ));
        for x in back {
            out.push_str(&returning_line(x));
        }
    }
    if !boot.is_empty() {
        out.push_str(&format!(
            "The OS of {} lost power: the system check passes at {}, the instance check only after a reboot (aws ec2 reboot-instances) or a stop and start:\n",
            if boot.len() == 1 { "this instance" } else { "these instances" },
            r.check_at.iso()
        ));
        for x in boot {
            out.push_str(&returning_line(x));
        }
    }
    CmdOut::ok(out)
}

/// `lab fail --list`: what is broken now, one line each (`rack ID power|network`, `host ID`).
fn broken_list(m: &Machine) -> String {
    let hw = &m.world.hardware;
    let mut out = String::new();
    for r in &hw.racks {
        if !r.power_ok {
            out.push_str(&format!("rack {} power\n", r.id));
        }
        if !r.network_ok {
            out.push_str(&format!("rack {} network\n", r.id));
        }
    }
    for h in hw.hosts.iter().filter(|h| !h.healthy) {
        out.push_str(&format!("host {}\n", h.id));
    }
    out
}

/// `lab where [INSTANCE-ID…]`: one line per instance (every one when no id is given).
/// `lab where --rack|--host INSTANCE-ID…`: only the rack (host) id of each, one per line (`-`
/// when it has none), for use in `$( … )`.
pub fn where_(m: &mut Machine, ids: &[&str]) -> CmdOut {
    if let Some(flag @ ("--rack" | "--host")) = ids.first().copied() {
        let ids = &ids[1..];
        if ids.is_empty() {
            return CmdOut::err(2, format!("lab: where: {flag} needs at least one INSTANCE-ID\n"));
        }
        let w = &*m.world;
        let mut out = String::new();
        for id in ids {
            let Some(i) = w.compute.get(id) else {
                return CmdOut::err(1, format!("lab: where: no instance '{id}' in this account\n"));
            };
            let host = i.host.and_then(|h| w.hardware.hosts.get(h));
            let name = match (flag, host) {
                ("--rack", Some(h)) => w.hardware.racks.get(h.rack).map(|r| r.id.clone()),
                (_, Some(h)) => Some(h.id.clone()),
                _ => None,
            };
            out.push_str(name.as_deref().unwrap_or("-"));
            out.push('\n');
        }
        return CmdOut::ok(out);
    }
    let w = &*m.world;
    for id in ids {
        if w.compute.get(id).is_none() {
            return CmdOut::err(1, format!("lab: where: no instance '{id}' in this account\n"));
        }
    }
    let list: Vec<&crate::compute::Instance> = if ids.is_empty() {
        w.compute.iter().filter(|i| i.state != State::Terminated).collect()
    } else {
        ids.iter().filter_map(|id| w.compute.get(id)).collect()
    };
    if list.is_empty() {
        return CmdOut::ok("You have no instances.\n");
    }
    let named = list.iter().any(|i| i.name_tag().is_some());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut head = vec!["INSTANCE"];
    if named {
        head.push("NAME");
    }
    head.extend(["STATE", "AZ", "RACK", "HOST", "PLACEMENT GROUP", "TENANCY", "HARDWARE"]);
    rows.push(head.iter().map(|s| s.to_string()).collect());
    for i in list {
        let host = i.host.and_then(|h| w.hardware.hosts.get(h));
        let rack = host.and_then(|h| w.hardware.racks.get(h.rack));
        let group = match i.placement.group_name.as_deref().and_then(|g| w.placement.get(g)) {
            Some(g) => match (g.strategy, i.placement.partition_number) {
                (Strategy::Partition, Some(p)) => format!("{} (partition {p})", g.name),
                (s, _) => format!("{} ({})", g.name, s.name()),
            },
            None => "-".into(),
        };
        let tenancy = match (&i.placement.tenancy[..], &i.placement.host_id) {
            ("host", Some(h)) => format!("host {h}"),
            (t, _) => t.to_string(),
        };
        let hardware = match (host, rack) {
            (Some(h), Some(r)) => {
                let mut bad = Vec::new();
                if !r.power_ok {
                    bad.push("no power");
                }
                if !r.network_ok {
                    bad.push("no network");
                }
                if !h.healthy {
                    bad.push("host failed");
                }
                if bad.is_empty() { "ok".to_string() } else { bad.join(", ") }
            }
            _ => "-".into(),
        };
        let mut row = vec![i.id.clone()];
        if named {
            row.push(i.name_tag().unwrap_or("-").to_string());
        }
        row.extend([
            i.state.name().to_string(),
            catalog::azs().get(i.az()).map(|a| a.name).unwrap_or("-").to_string(),
            rack.map(|r| r.id.clone()).unwrap_or_else(|| "-".into()),
            host.map(|h| h.id.clone()).unwrap_or_else(|| "-".into()),
            group,
            tenancy,
            hardware,
        ]);
        rows.push(row);
    }
    let cols = rows[0].len();
    let widths: Vec<usize> = (0..cols).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in &rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c + 1 == cols {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[c]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    CmdOut::ok(out)
}

pub fn schedule_event(m: &mut Machine, args: &[&str]) -> CmdOut {
    let (id, code, rest) = match args {
        [id, code, rest @ ..] => (*id, *code, rest),
        _ => return CmdOut::err(2, SCHEDULE_USAGE),
    };
    let Some(code) = EventCode::parse(code) else {
        return CmdOut::err(2, format!("lab: schedule-event: unknown event code '{code}'\n{SCHEDULE_USAGE}"));
    };
    let after = match rest {
        [] => faults::timing::DEFAULT_EVENT_IN,
        ["--in", d] => match parse_duration(d) {
            Some(ms) if ms <= faults::timing::MAX_EVENT_IN => ms,
            Some(_) => return CmdOut::err(2, "lab: schedule-event: --in is at most 30d\n"),
            None => return CmdOut::err(2, format!("lab: schedule-event: invalid duration '{d}' (try 30m, 2h or 1d)\n")),
        },
        _ => return CmdOut::err(2, SCHEDULE_USAGE),
    };
    let Some(inst) = m.world.compute.get(id) else {
        return CmdOut::err(1, format!("lab: schedule-event: no instance '{id}' in this account\n"));
    };
    if !matches!(inst.state, State::Running | State::Pending) {
        return CmdOut::err(1, format!("lab: schedule-event: {id} is {}; EC2 schedules events for running instances\n", inst.state.name()));
    }
    let at = m.world.now().plus(after);
    let event_id = match faults::add_event(m.world, id, code, at) {
        Ok(e) => e,
        Err(e) => return CmdOut::err(1, format!("lab: schedule-event: {}\n", e.message)),
    };
    let Some(ev) = m.world.compute.get(id).and_then(|i| i.faults.events.iter().find(|e| e.id == event_id)).cloned() else {
        return CmdOut::err(1, "lab: schedule-event: the event was not recorded\n");
    };
    let what = match code {
        EventCode::InstanceReboot => "EC2 reboots the instance",
        EventCode::SystemReboot => "EC2 reboots its host: the instance is down a few minutes and boots again",
        EventCode::SystemMaintenance => "its network is cut for a few minutes",
        EventCode::InstanceRetirement | EventCode::InstanceStop => "EC2 stops the instance (start it again to get a healthy host)",
    };
    let mut out = format!("Scheduled {} {} for {id}: not before {}", code.name(), ev.id, ev.not_before.iso());
    if let Some(a) = ev.not_after {
        out.push_str(&format!(", not after {}", a.iso()));
    }
    if let Some(d) = ev.deadline {
        out.push_str(&format!(", deadline {} (modify-instance-event-start-time can move it until then)", d.iso()));
    }
    out.push_str(&format!(".\nAt that time {what}.\nIt shows in `aws ec2 describe-instance-status` and in the instance's metadata (events/maintenance/scheduled).\n"));
    CmdOut::ok(out)
}
