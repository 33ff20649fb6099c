//! Reaching instances over the (simulated) network: `ssh`, `ping` (and, for `curl.rs`, how a
//! destination resolves and whether TCP reaches it).
//!
//! What decides the outcome is what decides it in AWS: the instance's state, whether it has a
//! public address, its security groups (from the workstation's public IP), the key pair, the
//! key file's permissions and the AMI's login user.

use super::shell::{CmdOut, Invocation};
use super::{Action, Machine};
use crate::clock::SECOND;
use crate::compute::{Instance, State};
use crate::fs::Fs;
use crate::net::{self, WORKSTATION_IP};

/// Linux gives up on an unanswered TCP connect after about two minutes.
pub(super) const TCP_CONNECT_TIMEOUT_MS: u64 = 127 * SECOND;

/// How a destination looks from where the command runs.
pub(super) enum Target<'a> {
    Instance(&'a Instance),
    /// An address nobody answers (a private address from outside the VPC, an unknown public IP).
    Silent,
    Unresolvable,
    Metadata,
}

pub(super) fn resolve<'a>(m: &'a Machine, host: &str) -> Target<'a> {
    let on_instance = m.on_instance().is_some();
    if host == "169.254.169.254" || host == "instance-data" || host == "instance-data.ec2.internal" || host == "[fd00:ec2::254]" {
        return Target::Metadata;
    }
    let ip = if let Some(ip) = net::parse_ip(host) {
        Some(ip)
    } else if let Some(rest) = host.strip_prefix("ec2-").and_then(|h| h.strip_suffix(".compute-1.amazonaws.com")) {
        net::parse_ip(&rest.replace('-', "."))
    } else if let Some(rest) = host.strip_prefix("ip-").and_then(|h| h.strip_suffix(".ec2.internal")) {
        // Private names resolve only inside the VPC.
        if on_instance { net::parse_ip(&rest.replace('-', ".")) } else { None }
    } else {
        None
    };
    let Some(ip) = ip else { return Target::Unresolvable };
    for i in m.world.compute.iter() {
        if i.public_ip == Some(ip) {
            return Target::Instance(i);
        }
        if on_instance && i.private_ip == ip && i.state != State::Terminated {
            return Target::Instance(i);
        }
    }
    Target::Silent
}

/// Can a TCP connection to `port` reach the instance? `Err(true)` = silently dropped (timeout),
/// `Err(false)` = refused.
pub(super) fn tcp_reaches(m: &Machine, inst: &Instance, port: u16) -> Result<(), bool> {
    if inst.state != State::Running {
        return Err(true);
    }
    // Failed hardware (faults.rs): nothing answers, and an instance whose own network is down
    // reaches nobody.
    if !crate::faults::reachable(m.world, inst) || m.on_instance().is_some_and(|src| src != inst.id && !crate::faults::network_up(m.world, src)) {
        return Err(true);
    }
    let allowed = match m.on_instance().and_then(|id| m.world.compute.get(id)) {
        None => m.world.net.workstation_allowed(&inst.security_groups, port),
        Some(src) => inst.security_groups.iter().filter_map(|g| m.world.net.sg(g)).any(|g| {
            g.ingress.iter().any(|r| r.allows("tcp", port, Some(src.private_ip), &src.security_groups))
        }),
    };
    if !allowed {
        return Err(true);
    }
    Ok(())
}

fn timeout_ms(opts: &[String]) -> u64 {
    for o in opts {
        if let Some(v) = o.strip_prefix("ConnectTimeout=") {
            if let Ok(n) = v.trim().parse::<u64>() {
                return n.min(3600) * SECOND;
            }
        }
    }
    TCP_CONNECT_TIMEOUT_MS
}

const SSH_USAGE: &str = "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]\n           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]\n           [-e escape_char] [-F configfile] [-I pkcs11] [-i identity_file]\n           [-J destination] [-L address] [-l login_name] [-m mac_spec]\n           [-O ctl_cmd] [-o option] [-P tag] [-p port] [-R address]\n           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]\n           destination [command [argument ...]]\n";

pub fn ssh(m: &mut Machine, inv: &Invocation) -> CmdOut {
    let mut identities: Vec<String> = Vec::new();
    let mut opts: Vec<String> = Vec::new();
    let mut login: Option<String> = None;
    let mut port: u16 = 22;
    let mut dest: Option<String> = None;
    let mut command: Vec<String> = Vec::new();
    let args = &inv.argv[1..];
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if dest.is_some() {
            command.push(a.clone());
            i += 1;
            continue;
        }
        match a.as_str() {
            "-i" | "-o" | "-l" | "-p" | "-F" | "-E" | "-J" | "-L" | "-R" | "-D" | "-b" | "-c" | "-m" | "-W" => {
                let Some(v) = args.get(i + 1) else {
                    return CmdOut::err(255, format!("ssh: option requires an argument -- {}\n{SSH_USAGE}", &a[1..]));
                };
                match a.as_str() {
                    "-i" => identities.push(v.clone()),
                    "-o" => opts.push(v.clone()),
                    "-l" => login = Some(v.clone()),
                    "-p" => match v.parse() {
                        Ok(p) => port = p,
                        Err(_) => return CmdOut::err(255, format!("Bad port '{v}'\n")),
                    },
                    _ => {}
                }
                i += 2;
            }
            s if s.starts_with("-i") && s.len() > 2 => {
                identities.push(s[2..].to_string());
                i += 1;
            }
            s if s.starts_with('-') && s.len() > 1 => {
                i += 1; // -v, -t, -T, -q, -A, -4 …: accepted, no effect here
            }
            _ => {
                dest = Some(a.clone());
                i += 1;
            }
        }
    }
    let Some(dest) = dest else { return CmdOut::err(255, SSH_USAGE) };
    let (user, host) = match dest.split_once('@') {
        Some((u, h)) => (u.to_string(), h.to_string()),
        None => (login.clone().unwrap_or_else(|| inv.env.get("USER").cloned().unwrap_or_else(|| "learner".into())), dest.clone()),
    };
    let user = login.unwrap_or(user);
    let mut err = String::new();
    let inst = match resolve(m, &host) {
        Target::Unresolvable => return CmdOut::err(255, format!("ssh: Could not resolve hostname {host}: Name or service not known\n")),
        Target::Metadata | Target::Silent => {
            m.world.advance(timeout_ms(&opts));
            return CmdOut::err(255, format!("ssh: connect to host {host} port {port}: Connection timed out\n"));
        }
        Target::Instance(i) => i,
    };
    match tcp_reaches(m, inst, port) {
        Err(_) => {
            m.world.advance(timeout_ms(&opts));
            return CmdOut::err(255, format!("ssh: connect to host {host} port {port}: Connection timed out\n"));
        }
        Ok(()) => {}
    }
    if port != 22 || !inst.sshd_ready(m.world.now()) {
        return CmdOut::err(255, format!("ssh: connect to host {host} port {port}: Connection refused\n"));
    }
    let inst_id = inst.id.clone();
    let key_name = inst.key_name.clone();
    let login_user = inst.default_user();
    let home = inv.env.get("HOME").cloned().unwrap_or_else(|| "/home/learner".into());

    // Host key: accept new hosts and remember them, as `StrictHostKeyChecking=accept-new` does.
    let known = format!("{home}/.ssh/known_hosts");
    let already = m.fs_ref().read(&known).is_some_and(|d| String::from_utf8_lossy(d).lines().any(|l| l.split(' ').next() == Some(host.as_str())));
    if !already {
        let fs = crate::console::shell::System::fs(m);
        fs.mkdir_p(&format!("{home}/.ssh"));
        let _ = fs.append(&known, format!("{host} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{}\n", &inst_id[2..]).as_bytes());
        err.push_str(&format!("Warning: Permanently added '{host}' (ED25519) to the list of known hosts.\n"));
    }

    // Identity files: those given with -i, else the default names in ~/.ssh.
    let candidates: Vec<String> = if identities.is_empty() {
        ["id_rsa", "id_ecdsa", "id_ed25519"].iter().map(|n| format!("{home}/.ssh/{n}")).collect()
    } else {
        identities.clone()
    };
    let mut key_ok = false;
    for path in &candidates {
        let full = if let Some(rest) = path.strip_prefix("~/") { format!("{home}/{rest}") } else { Fs::resolve(inv.cwd, path) };
        let fs = m.fs_ref();
        let Some(data) = fs.read(&full) else {
            if !identities.is_empty() {
                err.push_str(&format!("Warning: Identity file {path} not accessible: No such file or directory.\n"));
            }
            continue;
        };
        let mode = fs.mode(&full).unwrap_or(0o644);
        if mode & 0o077 != 0 {
            err.push_str(&format!(
                "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\nPermissions 0{:o} for '{path}' are too open.\nIt is required that your private key files are NOT accessible by others.\nThis private key will be ignored.\nLoad key \"{path}\": bad permissions\n",
                mode & 0o777
            ));
            continue;
        }
        let text = String::from_utf8_lossy(data).trim().to_string();
        let matches = key_name
            .as_ref()
            .and_then(|k| m.world.net.key_pair(k))
            .and_then(|k| k.private_pem.as_ref())
            .is_some_and(|pem| pem.trim() == text);
        if matches {
            key_ok = true;
            break;
        }
    }
    if !key_ok || user != login_user {
        err.push_str(&format!("{user}@{host}: Permission denied (publickey,gssapi-keyex,gssapi-with-mic).\n"));
        return CmdOut { stdout: Vec::new(), stderr: err.into_bytes(), code: 255 };
    }
    if !command.is_empty() {
        // Run one command remotely and come back, as `ssh host cmd` does.
        let line = command.join(" ");
        let Some(inst) = m.world.compute.get(&inst_id) else { return CmdOut::err(255, err) };
        let hostname = inst.short_hostname();
        let mut sh = super::shell::Shell::new(&user, &format!("/home/{user}"), &hostname);
        let place = super::Place::Instance(inst_id.clone());
        let mut actions = Vec::new();
        let out = {
            let mut remote = Machine { world: m.world, place: &place, actions: &mut actions, disabled: m.disabled, clock: None };
            sh.run(&line, &mut remote)
        };
        return CmdOut { stdout: out.stdout.into_bytes(), stderr: format!("{err}{}", out.stderr).into_bytes(), code: out.exit };
    }
    m.actions.push(Action::Connect { instance: inst_id, user, via: host });
    CmdOut { stdout: Vec::new(), stderr: err.into_bytes(), code: 0 }
}

/// `ping`: ICMP is allowed only by an explicit ICMP rule; otherwise nothing comes back.
pub fn ping(m: &mut Machine, inv: &Invocation) -> CmdOut {
    let args: Vec<&String> = inv.argv[1..].iter().filter(|a| !a.starts_with('-')).collect();
    let count = inv.argv.iter().position(|a| a == "-c").and_then(|p| inv.argv.get(p + 1)).and_then(|c| c.parse::<u32>().ok()).unwrap_or(4).clamp(1, 100);
    let Some(host) = args.iter().rev().find(|a| a.parse::<u32>().is_err()).map(|s| s.to_string()) else {
        return CmdOut::err(2, "ping: usage error: Destination address required\n");
    };
    let reply = match resolve(m, &host) {
        Target::Unresolvable => return CmdOut::err(2, format!("ping: {host}: Name or service not known\n")),
        Target::Instance(i) => {
            let src = net::parse_ip(WORKSTATION_IP);
            i.state == State::Running
                && crate::faults::reachable(m.world, i)
                && i.security_groups.iter().filter_map(|g| m.world.net.sg(g)).any(|g| g.ingress.iter().any(|r| r.allows("icmp", 0, src, &[])))
        }
        _ => false,
    };
    m.world.advance(count as u64 * SECOND);
    let mut out = format!("PING {host} ({host}) 56(84) bytes of data.\n");
    if reply {
        for s in 1..=count {
            out.push_str(&format!("64 bytes from {host}: icmp_seq={s} ttl=50 time=12.{s} ms\n"));
        }
        out.push_str(&format!("\n--- {host} ping statistics ---\n{count} packets transmitted, {count} received, 0% packet loss, time {}ms\n", (count - 1) * 1000));
        CmdOut::ok(out)
    } else {
        out.push_str(&format!("\n--- {host} ping statistics ---\n{count} packets transmitted, 0 received, 100% packet loss, time {}ms\n\n", (count - 1) * 1000));
        CmdOut { stdout: out.into_bytes(), stderr: Vec::new(), code: 1 }
    }
}

/// Could the learner's `ssh` from the workstation reach this instance and log in? The same
/// conditions `ssh` checks, without running it: `Err` says the first thing in the way.
pub fn workstation_ssh_ready(world: &crate::World, instance_id: &str) -> Result<(), String> {
    let Some(inst) = world.compute.get(instance_id) else { return Err(format!("there is no instance {instance_id}")) };
    if inst.state != State::Running {
        return Err(format!("{instance_id} is {}", inst.state.name()));
    }
    if !crate::faults::reachable(world, inst) {
        return Err(format!("{instance_id} cannot be reached: its hardware is down"));
    }
    if inst.public_ip.is_none() {
        return Err(format!("{instance_id} has no public IPv4 address"));
    }
    if !world.net.workstation_allowed(&inst.security_groups, 22) {
        return Err(format!("no security group of {instance_id} lets the workstation in on port 22"));
    }
    if !inst.sshd_ready(world.now()) {
        return Err(format!("sshd on {instance_id} is not up yet"));
    }
    let Some(key) = inst.key_name.as_deref() else { return Err(format!("{instance_id} was launched without a key pair")) };
    let Some(pem) = world.net.key_pair(key).and_then(|k| k.private_pem.as_deref()) else {
        return Err(format!("the private key of key pair {key} was never given to the workstation"));
    };
    let pem = pem.trim();
    let fs = &world.workstation_fs;
    let saved = fs.paths().filter(|p| fs.is_file(p)).filter(|p| fs.read(p).is_some_and(|d| String::from_utf8_lossy(d).trim() == pem)).collect::<Vec<_>>();
    if saved.is_empty() {
        return Err(format!("the private key of {key} is not saved on the workstation"));
    }
    if !saved.iter().any(|p| fs.mode(p).is_some_and(|m| m & 0o077 == 0)) {
        return Err(format!("the private key of {key} is readable by others (ssh refuses it; chmod 400)"));
    }
    Ok(())
}

/// Does a TCP connection from the workstation reach `port` of this instance (running, public
/// address, a security group rule that admits the workstation)? Says nothing about what listens.
pub fn workstation_port_open(world: &crate::World, instance_id: &str, port: u16) -> bool {
    world.compute.get(instance_id).is_some_and(|i| {
        i.state == State::Running && crate::faults::reachable(world, i) && i.public_ip.is_some() && world.net.workstation_allowed(&i.security_groups, port)
    })
}
