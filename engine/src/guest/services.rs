//! Services (systemd units) of the guest: what runs, since when, and what starts at boot.
//!
//! A unit exists once a package installed it (or it belongs to the AMI's base system: sshd,
//! chronyd, the SSM agent, journald). Its state is [`super::Service`] on the instance: enabled
//! or not, active since a guest-clock time, failed. `systemctl` and `service` drive it with
//! systemd's own messages and exit codes; [`boot`] starts the enabled units at every boot and
//! [`shutdown`] stops everything when the instance stops.

use super::pkg::catalogue::{self, Distro, Listener, ServiceDef};
use super::pkg::{distro, Args, Ctx};
use super::Service;
use crate::clock::{Time, SECOND};
use crate::compute::Instance;
use crate::console::shell::{CmdOut, Invocation, System};
use crate::console::Machine;

/// How long after the OS starts booting systemd starts the base system and the enabled units.
const BASE_AFTER_BOOT: u64 = 2 * SECOND;
const UNITS_AFTER_BOOT: u64 = 4 * SECOND;

/// systemd at boot: every unit inactive, then the base system and every enabled unit started a
/// few seconds after `at`.
pub fn boot(world: &mut crate::World, id: &str, at: Time) {
    let Some(inst) = world.compute.get_mut(id) else { return };
    let d = distro(inst);
    for s in catalogue::base_services(d) {
        inst.guest.services.entry(s.name.to_string()).or_insert(Service { enabled: true, ..Default::default() });
    }
    for s in inst.guest.services.values_mut() {
        s.active_from = None;
        s.failed = false;
    }
    inst.guest.reloaded.clear();
    let enabled: Vec<String> = inst.guest.services.iter().filter(|(_, s)| s.enabled).map(|(n, _)| n.clone()).collect();
    // The base system first, then the rest in name order (a conflict on a port: the later fails).
    let (base, rest): (Vec<String>, Vec<String>) = enabled.into_iter().partition(|n| catalogue::service(d, n).is_some_and(|s| s.base));
    for name in base.iter().chain(rest.iter()) {
        let Some(def) = catalogue::service(d, name) else { continue };
        let t = if def.base { at.plus(BASE_AFTER_BOOT) } else { at.plus(UNITS_AFTER_BOOT + def.start_ms) };
        let _ = start(inst, d, name, t);
    }
}

/// The OS shuts down (the instance is stopping or terminating): every unit stops.
pub fn shutdown(world: &mut crate::World, id: &str) {
    let Some(inst) = world.compute.get_mut(id) else { return };
    for s in inst.guest.services.values_mut() {
        s.active_from = None;
        s.failed = false;
    }
    inst.guest.reloaded.clear();
}

/// A package that provided the unit is being removed: stop it and forget it.
pub fn forget(inst: &mut Instance, d: Distro, name: &str) {
    inst.guest.services.remove(name);
    inst.guest.reloaded.remove(name);
    let _ = d;
    let wants = format!("/etc/systemd/system/multi-user.target.wants/{name}.service");
    if inst.fs.is_file(&wants) {
        let _ = inst.fs.remove(&wants, false);
    }
}

/// Running at `now` (started, and its start time reached on the world's clock).
pub fn is_active(inst: &Instance, name: &str, now: Time) -> bool {
    inst.guest.services.get(name).is_some_and(|s| s.active_from.is_some_and(|t| t <= now))
}

/// Why a unit did not start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartError {
    NotFound,
    /// It ran and exited: the lines it logged.
    Failed(Vec<String>),
}

/// The catalogue definition of a unit the instance has (installed by a package, or base).
pub fn unit(inst: &Instance, d: Distro, name: &str) -> Option<&'static ServiceDef> {
    let def = catalogue::service(d, name)?;
    (def.base || inst.guest.services.contains_key(name)).then_some(def)
}

/// Start unit `name` so that it is active from `at`. Starting an active unit changes nothing.
pub fn start(inst: &mut Instance, d: Distro, name: &str, at: Time) -> Result<(), StartError> {
    let def = unit(inst, d, name).ok_or(StartError::NotFound)?;
    let svc = inst.guest.services.entry(name.to_string()).or_default();
    if svc.active_from.is_some() {
        return Ok(());
    }
    inst.guest.reloaded.insert(name.to_string(), at);
    if let Some(why) = start_failure(inst, d, def) {
        if let Some(s) = inst.guest.services.get_mut(name) {
            s.failed = true;
            s.active_from = None;
        }
        return Err(StartError::Failed(why));
    }
    if let Some(s) = inst.guest.services.get_mut(name) {
        s.failed = false;
        s.active_from = Some(at);
    }
    if def.port == 80 && matches!(def.listener, Listener::Apache | Listener::Nginx) && inst.guest.timeline.service_at.is_none() {
        inst.guest.timeline.service_at = Some(at);
    }
    // Amazon Linux 2023's php-fpm package makes httpd and nginx want php-fpm (a drop-in).
    if d == Distro::Al2023 && matches!(def.listener, Listener::Apache | Listener::Nginx) && inst.guest.services.contains_key("php-fpm") {
        let _ = start(inst, d, "php-fpm", at);
    }
    Ok(())
}

/// Why `def` cannot start right now: its configuration is gone, or its port is taken.
fn start_failure(inst: &Instance, d: Distro, def: &ServiceDef) -> Option<Vec<String>> {
    if !def.config.is_empty() && !inst.fs.is_file(def.config) {
        return Some(match def.listener {
            Listener::Nginx => vec![format!("nginx: [emerg] open() \"{}\" failed (2: No such file or directory)", def.config)],
            Listener::Apache => vec![format!("httpd: Could not open configuration file {}: No such file or directory", def.config)],
            _ => vec![format!("{}: configuration file {} not found", def.name, def.config)],
        });
    }
    if def.port != 0 {
        let taken = inst.guest.services.iter().any(|(n, s)| n != def.name && s.active_from.is_some() && catalogue::service(d, n).is_some_and(|o| o.port == def.port));
        if taken {
            return Some(match def.listener {
                Listener::Nginx => vec![
                    format!("nginx: [emerg] bind() to 0.0.0.0:{} failed (98: Address already in use)", def.port),
                    format!("nginx: [emerg] bind() to [::]:{} failed (98: Address already in use)", def.port),
                ],
                Listener::Apache => vec![
                    format!("(98)Address already in use: AH00072: make_sock: could not bind to address [::]:{}", def.port),
                    format!("(98)Address already in use: AH00072: make_sock: could not bind to address 0.0.0.0:{}", def.port),
                    "no listening sockets available, shutting down".into(),
                ],
                _ => vec![format!("Can't start server: Bind on TCP/IP port. Got error: 98: Address already in use")],
            });
        }
    }
    None
}

pub fn stop(inst: &mut Instance, name: &str) {
    if let Some(s) = inst.guest.services.get_mut(name) {
        s.active_from = None;
        s.failed = false;
    }
    inst.guest.reloaded.remove(name);
}

/// Names systemd also accepts for a unit (its `Alias=`).
fn canonical(d: Distro, name: &str) -> String {
    let n = name.strip_suffix(".service").unwrap_or(name);
    match n {
        "mysql" | "mysqld" => "mariadb".into(),
        "sshd" if d.is_ubuntu() => "ssh".into(),
        "ssh" if !d.is_ubuntu() => "sshd".into(),
        "apache" | "apache2" | "httpd" => if d.is_ubuntu() { if n == "httpd" { n.into() } else { "apache2".into() } } else { n.into() },
        _ => n.into(),
    }
}

/// systemd 219 (Amazon Linux 2) words things differently from 249+ (AL2023, Ubuntu).
fn old_systemd(d: Distro) -> bool {
    d == Distro::Al2
}

fn unit_path(d: Distro, name: &str) -> String {
    if name == "amazon-cloudwatch-agent" {
        return "/etc/systemd/system/amazon-cloudwatch-agent.service".into();
    }
    format!("{}/{name}.service", d.unit_dir())
}

fn wants_path(name: &str) -> String {
    format!("/etc/systemd/system/multi-user.target.wants/{name}.service")
}

/// Units with a SysV init script on Ubuntu (systemctl mentions syncing them on enable/disable).
fn has_sysv(d: Distro, name: &str) -> bool {
    d.is_ubuntu() && matches!(name, "apache2" | "nginx" | "mariadb" | "docker")
}

fn sysv_install(d: Distro) -> &'static str {
    if d == Distro::Jammy { "/lib/systemd/systemd-sysv-install" } else { "/usr/lib/systemd/systemd-sysv-install" }
}

/// Enable `name`; returns what systemctl prints (stderr).
pub fn enable(inst: &mut Instance, d: Distro, name: &str) -> String {
    let mut msg = String::new();
    if has_sysv(d, name) {
        msg.push_str(&format!("Synchronizing state of {name}.service with SysV service script with {}.\nExecuting: {} enable {name}\n", sysv_install(d), sysv_install(d)));
    }
    let Some(s) = inst.guest.services.get_mut(name) else { return msg };
    if !s.enabled {
        s.enabled = true;
        let (from, to) = (wants_path(name), unit_path(d, name));
        msg.push_str(&if old_systemd(d) { format!("Created symlink from {from} to {to}.\n") } else { format!("Created symlink {from} \u{2192} {to}.\n") });
        inst.fs.mkdir_p("/etc/systemd/system/multi-user.target.wants");
        let text = catalogue::service(d, name).map(super::pkg::unit_file).unwrap_or_default();
        inst.fs.write(&from, text.into_bytes());
    }
    msg
}

pub fn disable(inst: &mut Instance, d: Distro, name: &str) -> String {
    let mut msg = String::new();
    if has_sysv(d, name) {
        msg.push_str(&format!("Synchronizing state of {name}.service with SysV service script with {}.\nExecuting: {} disable {name}\n", sysv_install(d), sysv_install(d)));
    }
    let Some(s) = inst.guest.services.get_mut(name) else { return msg };
    if s.enabled {
        s.enabled = false;
        let from = wants_path(name);
        msg.push_str(&match d {
            Distro::Al2 => format!("Removed symlink {from}.\n"),
            Distro::Jammy => format!("Removed {from}.\n"),
            _ => format!("Removed \"{from}\".\n"),
        });
        let _ = inst.fs.remove(&from, false);
    }
    msg
}

// ---------------------------------------------------------------------------------------------
// systemctl and service
// ---------------------------------------------------------------------------------------------

pub(crate) fn command(m: &mut Machine, inv: &Invocation, c: &Ctx, name: &str) -> CmdOut {
    if name == "service" {
        return service_cmd(m, inv, c);
    }
    let a = Args::parse(inv.argv, &["-t", "--type", "--state", "-n", "--lines", "-p", "--property"]);
    let verb = a.sub.clone().unwrap_or_else(|| "list-units".into());
    systemctl(m, c, &verb, &a)
}

fn service_cmd(m: &mut Machine, inv: &Invocation, c: &Ctx) -> CmdOut {
    let args: Vec<&str> = inv.argv.iter().skip(1).map(String::as_str).collect();
    match args.as_slice() {
        [] => CmdOut::err(1, "Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]\n"),
        ["--status-all"] => not_simulated("service --status-all"),
        [unit, verb, ..] => {
            let name = canonical(c.d, unit);
            let mut a = Args { flags: Vec::new(), sub: Some((*verb).to_string()), operands: vec![name.clone()] };
            if !matches!(*verb, "start" | "stop" | "restart" | "reload" | "status" | "try-restart" | "condrestart" | "force-reload") {
                return CmdOut::err(1, format!("ec2lab: service {unit} {verb} is not simulated yet\n"));
            }
            if *verb == "condrestart" {
                a.sub = Some("try-restart".into());
            }
            if *verb == "force-reload" {
                a.sub = Some("reload-or-restart".into());
            }
            let mut out = systemctl(m, c, a.sub.clone().unwrap_or_default().as_str(), &a);
            if !c.d.is_ubuntu() {
                let mut e = format!("Redirecting to /bin/systemctl {verb} {name}.service\n").into_bytes();
                e.extend_from_slice(&out.stderr);
                out.stderr = e;
            }
            out
        }
        [unit] => CmdOut::err(1, format!("Usage: /etc/init.d/{unit} {{start|stop|restart|reload|status}}\n")),
    }
}

fn not_simulated(what: &str) -> CmdOut {
    CmdOut::err(1, format!("ec2lab: {what} is not simulated yet\n"))
}

/// Unit names from operands: `httpd`, `httpd.service`; other unit types are refused.
fn units(c: &Ctx, a: &Args) -> Result<Vec<String>, CmdOut> {
    let mut v = Vec::new();
    for o in &a.operands {
        if let Some((_, ty)) = o.rsplit_once('.') {
            if matches!(ty, "socket" | "target" | "timer" | "mount" | "path" | "slice" | "scope" | "device" | "swap" | "automount") {
                return Err(not_simulated(&format!("systemd {ty} units ({o})")));
            }
        }
        v.push(canonical(c.d, o));
    }
    Ok(v)
}

fn systemctl(m: &mut Machine, c: &Ctx, verb: &str, a: &Args) -> CmdOut {
    let quiet = a.has(&["-q", "--quiet"]);
    let names = match units(c, a) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let needs_units = matches!(verb, "start" | "stop" | "restart" | "try-restart" | "reload" | "reload-or-restart" | "enable" | "disable" | "is-active" | "is-enabled" | "is-failed" | "mask" | "unmask" | "reset-failed" | "show" | "cat");
    if needs_units && names.is_empty() && verb != "reset-failed" {
        return CmdOut::err(1, format!("Too few arguments.\n"));
    }
    let privileged = matches!(verb, "start" | "stop" | "restart" | "try-restart" | "reload" | "reload-or-restart" | "enable" | "disable" | "daemon-reload" | "mask" | "unmask" | "reset-failed");
    if privileged && !c.root {
        return denied(c, verb, names.first().map(String::as_str).unwrap_or(""));
    }
    match verb {
        "start" | "restart" | "try-restart" | "reload-or-restart" => start_cmd(m, c, verb, &names),
        "stop" => {
            let mut err = String::new();
            let mut code = 0;
            for n in &names {
                let Some(inst) = m.world.compute.get_mut(&c.id) else { break };
                match unit(inst, c.d, n) {
                    None => {
                        err.push_str(&format!("Failed to stop {n}.service: Unit {n}.service not loaded.\n"));
                        code = 5;
                    }
                    Some(def) if def.base && essential(n) => return base_refused(n, "stopping"),
                    Some(_) => stop(inst, n),
                }
            }
            CmdOut { stdout: Vec::new(), stderr: err.into_bytes(), code }
        }
        "reload" => {
            let now = Time(m.now_millis());
            let mut err = String::new();
            let mut code = 0;
            for n in &names {
                let Some(inst) = m.world.compute.get_mut(&c.id) else { break };
                match unit(inst, c.d, n) {
                    None => {
                        err.push_str(&format!("Failed to reload {n}.service: Unit {n}.service not found.\n"));
                        code = 5;
                    }
                    Some(_) if !inst.guest.services.get(n.as_str()).is_some_and(|s| s.active_from.is_some()) => {
                        err.push_str(&format!("{n}.service is not active, cannot reload.\n"));
                        code = 1;
                    }
                    Some(_) => {
                        inst.guest.reloaded.insert(n.clone(), now);
                    }
                }
            }
            CmdOut { stdout: Vec::new(), stderr: err.into_bytes(), code }
        }
        "enable" | "disable" => {
            let now_flag = a.has(&["--now"]);
            let mut err = String::new();
            for n in &names {
                let Some(inst) = m.world.compute.get_mut(&c.id) else { break };
                match unit(inst, c.d, n) {
                    None => return CmdOut::err(1, format!("{err}Failed to {verb} unit: Unit file {n}.service does not exist.\n")),
                    Some(def) if def.base && essential(n) && verb == "disable" => return base_refused(n, "disabling"),
                    Some(_) => err.push_str(&if verb == "enable" { enable(inst, c.d, n) } else { disable(inst, c.d, n) }),
                }
            }
            let mut out = CmdOut { stdout: Vec::new(), stderr: err.into_bytes(), code: 0 };
            if now_flag {
                let then = if verb == "enable" {
                    start_cmd(m, c, "start", &names)
                } else {
                    let mut code = 0;
                    for n in &names {
                        if let Some(inst) = m.world.compute.get_mut(&c.id) {
                            if unit(inst, c.d, n).is_some() {
                                stop(inst, n);
                            } else {
                                code = 5;
                            }
                        }
                    }
                    CmdOut { code, ..Default::default() }
                };
                out.stdout.extend(then.stdout);
                out.stderr.extend(then.stderr);
                out.code = then.code;
            }
            out
        }
        "is-active" | "is-failed" => {
            let now = Time(m.now_millis());
            let Some(inst) = m.world.compute.get(&c.id) else { return CmdOut::err(1, "") };
            let mut out = String::new();
            let mut any = false;
            for n in &names {
                let s = inst.guest.services.get(n.as_str());
                let state = match s {
                    Some(s) if s.failed => "failed",
                    Some(s) if s.active_from.is_some_and(|t| t <= now) => "active",
                    Some(s) if s.active_from.is_some() => "activating",
                    _ => "inactive",
                };
                any |= if verb == "is-active" { state == "active" } else { state == "failed" };
                out.push_str(state);
                out.push('\n');
            }
            let code = if any { 0 } else { 3 };
            let code = if verb == "is-failed" && !any { 1 } else { code };
            CmdOut { stdout: if quiet { Vec::new() } else { out.into_bytes() }, stderr: Vec::new(), code }
        }
        "is-enabled" => {
            let Some(inst) = m.world.compute.get(&c.id) else { return CmdOut::err(1, "") };
            let mut out = String::new();
            let mut any = false;
            for n in &names {
                if unit(inst, c.d, n).is_none() {
                    return CmdOut { stdout: out.into_bytes(), stderr: format!("Failed to get unit file state for {n}.service: No such file or directory\n").into_bytes(), code: 1 };
                }
                let en = inst.guest.services.get(n.as_str()).is_some_and(|s| s.enabled);
                any |= en;
                out.push_str(if en { "enabled\n" } else { "disabled\n" });
            }
            CmdOut { stdout: if quiet { Vec::new() } else { out.into_bytes() }, stderr: Vec::new(), code: if any { 0 } else { 1 } }
        }
        "status" => status_cmd(m, c, &names),
        "daemon-reload" | "reset-failed" => {
            if verb == "reset-failed" {
                if let Some(inst) = m.world.compute.get_mut(&c.id) {
                    for (n, s) in inst.guest.services.iter_mut() {
                        if names.is_empty() || names.contains(n) {
                            s.failed = false;
                        }
                    }
                }
            }
            CmdOut::default()
        }
        "list-units" => list_units(m, c, a),
        "list-unit-files" => list_unit_files(m, c),
        "cat" => {
            let Some(inst) = m.world.compute.get(&c.id) else { return CmdOut::err(1, "") };
            let mut out = String::new();
            for n in &names {
                let Some(def) = unit(inst, c.d, n) else {
                    return CmdOut { stdout: out.into_bytes(), stderr: format!("No files found for {n}.service.\n").into_bytes(), code: 1 };
                };
                out.push_str(&format!("# {}\n{}", unit_path(c.d, n), super::pkg::unit_file(def)));
            }
            CmdOut::ok(out)
        }
        "--version" | "-V" => CmdOut::ok(match c.d {
            Distro::Al2 => "systemd 219\n",
            Distro::Al2023 => "systemd 252 (252.23-2.amzn2023)\n",
            Distro::Noble => "systemd 255 (255.4-1ubuntu8.10)\n",
            Distro::Jammy => "systemd 249 (249.11-0ubuntu3.16)\n",
        }),
        _ => not_simulated(&format!("systemctl {verb}")),
    }
}

/// Base units the lab itself relies on (your connection, the journal).
fn essential(name: &str) -> bool {
    matches!(name, "sshd" | "ssh" | "systemd-journald")
}

fn base_refused(name: &str, what: &str) -> CmdOut {
    CmdOut::err(1, format!("ec2lab: {what} {name} is not simulated (it is part of the base system the lab relies on)\n"))
}

/// A non-root user asked systemd to change something.
fn denied(c: &Ctx, verb: &str, name: &str) -> CmdOut {
    let why = if c.d.is_ubuntu() { "Interactive authentication required." } else { "Access denied" };
    match verb {
        "enable" | "disable" | "mask" | "unmask" => CmdOut::err(1, format!("Failed to {verb} unit: {why}\n")),
        "daemon-reload" => CmdOut::err(1, format!("Failed to reload daemon: {why}\n")),
        "reset-failed" => CmdOut::err(1, format!("Failed to reset failed state of unit {name}.service: {why}\n")),
        _ => {
            let v = match verb {
                "try-restart" | "reload-or-restart" => "restart",
                v => v,
            };
            CmdOut::err(4, format!("Failed to {v} {name}.service: {why}\nSee system logs and 'systemctl status {name}.service' for details.\n"))
        }
    }
}

fn start_cmd(m: &mut Machine, c: &Ctx, verb: &str, names: &[String]) -> CmdOut {
    let mut err = String::new();
    let mut code = 0;
    for n in names {
        let (def, active) = {
            let Some(inst) = m.world.compute.get(&c.id) else { break };
            match unit(inst, c.d, n) {
                Some(def) => (def, inst.guest.services.get(n.as_str()).is_some_and(|s| s.active_from.is_some())),
                None => {
                    let v = if verb == "start" { "start" } else { "restart" };
                    err.push_str(&format!("Failed to {v} {n}.service: Unit {n}.service not found.\n"));
                    code = 5;
                    continue;
                }
            }
        };
        if verb == "try-restart" && !active {
            continue;
        }
        if def.base && essential(n) && verb != "start" {
            return base_refused(n, "restarting");
        }
        if verb != "start" {
            if let Some(inst) = m.world.compute.get_mut(&c.id) {
                stop(inst, n);
            }
        } else if active {
            continue;
        }
        // systemctl waits until the unit is up.
        m.sleep(def.start_ms);
        let at = Time(m.now_millis());
        let Some(inst) = m.world.compute.get_mut(&c.id) else { break };
        if let Err(StartError::Failed(_)) = start(inst, c.d, n, at) {
            let v = if verb == "start" { "" } else { "" };
            let _ = v;
            if old_systemd(c.d) {
                err.push_str(&format!("Job for {n}.service failed because the control process exited with error code. See \"systemctl status {n}.service\" and \"journalctl -xe\" for details.\n"));
            } else {
                err.push_str(&format!("Job for {n}.service failed because the control process exited with error code.\nSee \"systemctl status {n}.service\" and \"journalctl -xeu {n}.service\" for details.\n"));
            }
            code = 1;
        }
    }
    CmdOut { stdout: Vec::new(), stderr: err.into_bytes(), code }
}

/// A deterministic process id for a unit's main process.
fn pid(name: &str, at: Time) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes().chain(at.0.to_le_bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    1200 + h % 28000
}

/// `3s`, `1min 3s`, `2h 5min`, `1 day 2h`: systemd's timespans.
fn timespan(ms: u64) -> String {
    let s = ms / 1000;
    let (d, h, mi, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    if d > 0 {
        let unit = if d == 1 { "day" } else { "days" };
        if h > 0 { format!("{d} {unit} {h}h") } else { format!("{d} {unit}") }
    } else if h > 0 {
        if mi > 0 { format!("{h}h {mi}min") } else { format!("{h}h") }
    } else if mi > 0 {
        if sec > 0 { format!("{mi}min {sec}s") } else { format!("{mi}min") }
    } else if s > 0 {
        format!("{sec}s")
    } else {
        // `systemctl status` itself takes a few milliseconds after the start it reports.
        format!("{}ms", (ms % 1000).max(4))
    }
}

/// `Mon 2026-01-05 09:05:12 UTC`.
fn since(t: Time) -> String {
    let wd = t.date_cmd();
    let wd = wd.split_whitespace().next().unwrap_or("Mon").to_string();
    let iso = t.iso();
    format!("{wd} {} {} UTC", iso.get(0..10).unwrap_or(""), iso.get(11..19).unwrap_or(""))
}

/// `Jan 05 09:05:12` (journal timestamps).
fn journal_time(t: Time) -> String {
    let dc = t.date_cmd();
    let parts: Vec<&str> = dc.split_whitespace().collect();
    let (mon, day, hms) = (parts.get(1).copied().unwrap_or("Jan"), parts.get(2).and_then(|d| d.parse::<u32>().ok()).unwrap_or(1), parts.get(3).copied().unwrap_or("00:00:00"));
    format!("{mon} {day:02} {hms}")
}

fn status_cmd(m: &mut Machine, c: &Ctx, names: &[String]) -> CmdOut {
    let now = Time(m.now_millis());
    let host = if c.d.is_ubuntu() { m.world.compute.get(&c.id).map(|i| i.short_hostname()).unwrap_or_default() } else { m.hostname() };
    let Some(inst) = m.world.compute.get(&c.id) else { return CmdOut::err(1, "") };
    if names.is_empty() {
        return not_simulated("systemctl status without a unit name");
    }
    let mut out = String::new();
    let mut err = String::new();
    let mut code = 0;
    for (i, n) in names.iter().enumerate() {
        let Some(def) = unit(inst, c.d, n) else {
            err.push_str(&format!("Unit {n}.service could not be found.\n"));
            code = 4;
            continue;
        };
        if i > 0 && !out.is_empty() {
            out.push('\n');
        }
        let svc = inst.guest.services.get(n.as_str()).cloned().unwrap_or_default();
        let active = svc.active_from.filter(|t| *t <= now);
        let old = old_systemd(c.d);
        let preset_word = if matches!(c.d, Distro::Al2 | Distro::Jammy) { "vendor preset" } else { "preset" };
        let preset = if def.preset { "enabled" } else { "disabled" };
        let enabled = if svc.enabled { "enabled" } else { "disabled" };
        let dot = if old { "\u{25cf}" } else if svc.failed { "\u{d7}" } else if active.is_some() { "\u{25cf}" } else { "\u{25cb}" };
        // Field labels are right-aligned; systemd 219 used a narrower column.
        let w = if old { 9 } else { 11 };
        let field = |label: &str, value: &str| format!("{label:>w$}: {value}\n");
        out.push_str(&format!("{dot} {n}.service - {}\n", def.description));
        out.push_str(&field("Loaded", &format!("loaded ({}; {enabled}; {preset_word}: {preset})", unit_path(c.d, n))));
        // systemd 252 and later name the unit in these journal lines; 219 and 249 do not.
        let title = if matches!(c.d, Distro::Al2 | Distro::Jammy) { def.description.to_string() } else { format!("{n}.service - {}", def.description) };
        let jhost = |t: Time, who: &str, msg: &str| format!("{} {host} {who}: {msg}\n", journal_time(t));
        if let Some(t) = active {
            let ago = timespan(now.0.saturating_sub(t.0));
            out.push_str(&field("Active", &format!("active (running) since {}; {ago} ago", since(t))));
            if !def.docs.is_empty() {
                out.push_str(&field("Docs", def.docs));
            }
            let p = pid(n, t);
            let prog = def.exec.split_whitespace().next().unwrap_or(n);
            let prog = crate::fs::file_name(prog.trim_end_matches(':'));
            out.push_str(&field("Main PID", &format!("{p} ({prog})")));
            if !old {
                out.push_str(&field("Tasks", &format!("{} (limit: 1114)", def.tasks)));
                out.push_str(&field("Memory", def.memory));
                out.push_str(&field("CPU", "84ms"));
            }
            out.push_str(&field("CGroup", &format!("/system.slice/{n}.service")));
            out.push_str(&format!("{:>w$}  \u{2514}\u{2500}{p} {}\n", "", def.exec));
            out.push('\n');
            let start_t = Time(t.0.saturating_sub(def.start_ms));
            out.push_str(&jhost(start_t, "systemd[1]", &format!("Starting {title}...")));
            if !def.ready_log.is_empty() && def.listener == Listener::Apache {
                out.push_str(&jhost(t, &format!("{prog}[{p}]"), def.ready_log));
            }
            out.push_str(&jhost(t, "systemd[1]", &format!("Started {title}.")));
            code = code.max(0);
        } else if svc.failed {
            let t = inst.guest.reloaded.get(n.as_str()).copied().unwrap_or(now);
            let ago = timespan(now.0.saturating_sub(t.0));
            out.push_str(&field("Active", &format!("failed (Result: exit-code) since {}; {ago} ago", since(t))));
            if !def.docs.is_empty() {
                out.push_str(&field("Docs", def.docs));
            }
            let p = pid(n, t);
            out.push_str(&field("Process", &format!("{p} ExecStart={} (code=exited, status=1/FAILURE)", def.exec.split(' ').next().unwrap_or(""))));
            out.push('\n');
            out.push_str(&jhost(t, "systemd[1]", &format!("Starting {title}...")));
            let why = start_failure(inst, c.d, def).unwrap_or_else(|| vec![format!("{n} exited with an error")]);
            let prog = crate::fs::file_name(def.exec.split_whitespace().next().unwrap_or(n).trim_end_matches(':')).to_string();
            for line in why {
                out.push_str(&jhost(t, &format!("{prog}[{p}]"), &line));
            }
            out.push_str(&jhost(t, "systemd[1]", &format!("{n}.service: Main process exited, code=exited, status=1/FAILURE")));
            out.push_str(&jhost(t, "systemd[1]", &format!("{n}.service: Failed with result 'exit-code'.")));
            out.push_str(&jhost(t, "systemd[1]", &format!("Failed to start {title}.")));
            code = code.max(3);
        } else {
            out.push_str(&field("Active", "inactive (dead)"));
            if !def.docs.is_empty() {
                out.push_str(&field("Docs", def.docs));
            }
            code = code.max(3);
        }
    }
    CmdOut { stdout: out.into_bytes(), stderr: err.into_bytes(), code }
}

fn list_units(m: &mut Machine, c: &Ctx, a: &Args) -> CmdOut {
    let now = Time(m.now_millis());
    let all = a.has(&["-a", "--all"]);
    let ty_ok = a.flags.iter().all(|f| !f.starts_with("--type=") || f == "--type=service");
    if !ty_ok {
        return not_simulated("listing units other than services");
    }
    let Some(inst) = m.world.compute.get(&c.id) else { return CmdOut::err(1, "") };
    let mut rows: Vec<(String, &str, &str, &str, &str)> = Vec::new();
    for (n, s) in &inst.guest.services {
        let Some(def) = unit(inst, c.d, n) else { continue };
        let (active, sub) = if s.failed {
            ("failed", "failed")
        } else if s.active_from.is_some_and(|t| t <= now) {
            ("active", "running")
        } else {
            ("inactive", "dead")
        };
        if !all && active == "inactive" {
            continue;
        }
        rows.push((format!("{n}.service"), "loaded", active, sub, def.description));
    }
    let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(4).max(4);
    let mut out = format!("  {:<w$} LOAD   ACTIVE   SUB     DESCRIPTION\n", "UNIT");
    for (u, l, ac, sub, desc) in &rows {
        let mark = if *ac == "failed" { "\u{25cf}" } else { " " };
        out.push_str(&format!("{mark} {u:<w$} {l:<6} {ac:<8} {sub:<7} {desc}\n"));
    }
    out.push_str("\nLOAD   = Reflects whether the unit definition was properly loaded.\nACTIVE = The high-level unit activation state, i.e. generalization of SUB.\nSUB    = The low-level unit activation state, values depend on unit type.\n");
    if all {
        out.push_str(&format!("{} loaded units listed.\n", rows.len()));
    } else {
        out.push_str(&format!("{} loaded units listed. Pass --all to see loaded but inactive units, too.\n", rows.len()));
    }
    out.push_str("To show all installed unit files use 'systemctl list-unit-files'.\n");
    CmdOut::ok(out)
}

fn list_unit_files(m: &mut Machine, c: &Ctx) -> CmdOut {
    let Some(inst) = m.world.compute.get(&c.id) else { return CmdOut::err(1, "") };
    let mut rows = Vec::new();
    for (n, s) in &inst.guest.services {
        let Some(def) = unit(inst, c.d, n) else { continue };
        rows.push((format!("{n}.service"), if s.enabled { "enabled" } else { "disabled" }, if def.preset { "enabled" } else { "disabled" }));
    }
    let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(9).max(9);
    let mut out = format!("{:<w$} STATE    PRESET\n", "UNIT FILE");
    if c.d == Distro::Al2 {
        out = format!("{:<w$} STATE\n", "UNIT FILE");
    }
    for (u, st, pr) in &rows {
        if c.d == Distro::Al2 {
            out.push_str(&format!("{u:<w$} {st}\n"));
        } else {
            out.push_str(&format!("{u:<w$} {st:<8} {pr}\n"));
        }
    }
    out.push_str(&format!("\n{} unit files listed.\n", rows.len()));
    CmdOut::ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timespans_read_like_systemd() {
        assert_eq!(timespan(3_400), "3s");
        assert_eq!(timespan(63_000), "1min 3s");
        assert_eq!(timespan(120_000), "2min");
        assert_eq!(timespan(2 * 3_600_000 + 5 * 60_000), "2h 5min");
        assert_eq!(timespan(26 * 3_600_000), "1 day 2h");
        assert_eq!(since(Time(crate::clock::EPOCH_START_MS)), "Mon 2026-01-05 09:00:00 UTC");
        assert_eq!(journal_time(Time(crate::clock::EPOCH_START_MS)), "Jan 05 09:00:00");
    }
}
