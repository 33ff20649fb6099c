//! Package managers of the guest: `dnf`/`yum` and `rpm` on Amazon Linux, `apt`/`apt-get` and
//! `dpkg` on Ubuntu, `amazon-linux-extras` on Amazon Linux 2, and the programs the packages put
//! on the PATH (`httpd -v`, `php`, `git --version`, `stress`, `wget`, …).
//!
//! What a package is lives in one table ([`catalogue`]); this module resolves names and
//! dependencies against it and applies installs and removals to the instance: its files, its
//! services (registered with [`super::services`]) and `Guest::packages`. The front ends
//! (`rpm.rs`, `deb.rs`) only decide what to print, in each tool's own shape, and how long it
//! takes on the clock.
//!
//! Which manager exists depends on the instance's distribution, as on a real machine: `apt` on
//! Amazon Linux is `command not found`, and so is `dnf` on Amazon Linux 2.

pub mod catalogue;
mod bins;
mod deb;
mod files;
mod rpm;

pub use catalogue::{Distro, Pkg};
pub use bins::php_version;
pub use files::unit_file;

use crate::clock::Time;
use crate::compute::Instance;
use crate::console::shell::{CmdOut, Invocation};
use crate::console::Machine;

/// The distribution instance `inst` runs, from the catalogue AMI it was launched (or baked) from.
pub fn distro(inst: &Instance) -> Distro {
    let os = inst.ami().map(|a| a.os_name).unwrap_or("Amazon Linux 2023");
    if os.contains("Ubuntu 22.04") {
        Distro::Jammy
    } else if os.contains("Ubuntu") {
        Distro::Noble
    } else if os.contains("Amazon Linux 2023") {
        Distro::Al2023
    } else if os.contains("Amazon Linux 2") {
        Distro::Al2
    } else {
        Distro::Al2023
    }
}

/// x86_64 (true) or arm64.
pub fn is_x86(inst: &Instance) -> bool {
    inst.ami().map(|a| a.architecture != "arm64").unwrap_or(true)
}

/// What every front end needs to know about where it runs.
pub(crate) struct Ctx {
    pub id: String,
    pub d: Distro,
    pub x86: bool,
    /// Running as root (a boot script, `sudo`, a root shell).
    pub root: bool,
    /// Running inside a boot script (no terminal; the guest clock).
    pub script: bool,
}

fn ctx(m: &Machine, inv: &Invocation) -> Option<Ctx> {
    let id = m.on_instance()?.to_string();
    let inst = m.world.compute.get(&id)?;
    let root = inv.env.get("USER").is_some_and(|u| u == "root");
    Some(Ctx { d: distro(inst), x86: is_x86(inst), id, root, script: m.clock.is_some() })
}

fn base_name(argv0: &str) -> &str {
    argv0.rsplit('/').next().unwrap_or(argv0)
}

/// The package tools and packaged programs, on instances only. `None`: no such command here.
pub(crate) fn command(m: &mut Machine, inv: &Invocation) -> Option<CmdOut> {
    let name = base_name(inv.argv.first().map(String::as_str).unwrap_or(""));
    let c = ctx(m, inv)?;
    if !has_command(m, name) {
        return None;
    }
    Some(match name {
        "dnf" | "yum" if c.d == Distro::Al2023 => rpm::dnf(m, inv, &c),
        "yum" => rpm::yum(m, inv, &c),
        "rpm" => rpm::rpm(m, inv, &c),
        "amazon-linux-extras" => rpm::extras(m, inv, &c),
        "apt" | "apt-get" | "apt-cache" => deb::apt(m, inv, &c, name),
        "dpkg" | "dpkg-query" => deb::dpkg(m, inv, &c),
        "systemctl" | "service" => super::services::command(m, inv, &c, name),
        _ => bins::run(m, inv, &c, name),
    })
}

/// Whether [`command`] runs `name` on this machine.
pub(crate) fn has_command(m: &Machine, name: &str) -> bool {
    let Some(inst) = m.on_instance().and_then(|id| m.world.compute.get(id)) else { return false };
    let d = distro(inst);
    match name {
        "dnf" => d == Distro::Al2023,
        "yum" | "rpm" => !d.is_ubuntu(),
        "amazon-linux-extras" => d == Distro::Al2,
        "apt" | "apt-get" | "apt-cache" | "dpkg" | "dpkg-query" => d.is_ubuntu(),
        "systemctl" | "service" => true,
        _ => bins::provided(inst, d, name),
    }
}

// ---------------------------------------------------------------------------------------------
// The package database of one instance
// ---------------------------------------------------------------------------------------------

/// Installed: by a package manager, or part of the AMI.
pub fn installed(inst: &Instance, d: Distro, name: &str) -> bool {
    inst.guest.packages.contains(name) || is_base(d, name)
}

/// Part of the AMI itself (not removable in the simulation).
pub fn is_base(d: Distro, name: &str) -> bool {
    catalogue::rows(d).any(|p| p.name == name && p.base & d.bit() != 0)
}

/// Amazon Linux 2: whether an `amazon-linux-extras` topic is enabled (recorded in the yum
/// repository file the tool writes).
pub fn extras_enabled(inst: &Instance, topic: &str) -> bool {
    let Some(data) = inst.fs.read(rpm::EXTRAS_REPO) else { return false };
    let marker = format!("[amzn2extra-{topic}]");
    String::from_utf8_lossy(data).lines().any(|l| l.trim() == marker)
}

/// Ubuntu: whether `apt-get update` has fetched the package lists (a fresh AMI has none).
pub fn apt_lists_ready(inst: &Instance) -> bool {
    inst.fs.list_dir(deb::LISTS).map(|l| l.iter().any(|n| n.ends_with("_Packages"))).unwrap_or(false)
}

/// Rows the repositories offer right now (extras topics and EPEL only once enabled).
fn offered(inst: &Instance, d: Distro) -> impl Iterator<Item = &'static Pkg> + '_ {
    catalogue::rows(d).filter(move |p| p.extras.is_empty() || extras_enabled(inst, p.extras))
}

/// The row an exact package name means here: the installed one, else what the repositories
/// offer (a later row, from an enabled extras topic, wins over the core one).
pub fn row(inst: &Instance, d: Distro, name: &str) -> Option<&'static Pkg> {
    offered(inst, d).filter(|p| p.name == name).last().or_else(|| catalogue::rows(d).find(|p| p.name == name && installed(inst, d, name)))
}

/// What `install NAME` selects: by name or by a name the package provides. Ubuntu knows only
/// installed packages until its lists are fetched.
pub fn candidate(inst: &Instance, d: Distro, name: &str) -> Option<&'static Pkg> {
    // `httpd.x86_64` (dnf/yum) and `nginx=1.24.0-2ubuntu7.5` (apt) name a package too.
    let name = match name.split_once('=') {
        Some((n, _)) if d.is_ubuntu() => n,
        _ => name,
    };
    let name = [".x86_64", ".aarch64", ".noarch"].iter().find_map(|a| name.strip_suffix(a).filter(|_| !d.is_ubuntu())).unwrap_or(name);
    if d.is_ubuntu() && !apt_lists_ready(inst) {
        return catalogue::rows(d).find(|p| p.name == name && installed(inst, d, p.name));
    }
    if let Some(p) = row(inst, d, name) {
        return Some(p);
    }
    offered(inst, d).filter(|p| p.provides.contains(&name)).last()
}

/// Every installed package (AMI base included), sorted by name.
pub fn installed_rows(inst: &Instance, d: Distro) -> Vec<&'static Pkg> {
    let mut v: Vec<&'static Pkg> = Vec::new();
    for p in catalogue::rows(d) {
        if installed(inst, d, p.name) && !v.iter().any(|q| q.name == p.name) {
            if let Some(r) = row(inst, d, p.name) {
                v.push(r);
            }
        }
    }
    v.sort_by(|a, b| a.name.cmp(b.name));
    v
}

/// An install worked out against the catalogue.
#[derive(Default)]
pub struct Plan {
    /// Asked for and not installed yet.
    pub requested: Vec<&'static Pkg>,
    /// Pulled in as dependencies (sorted by name).
    pub deps: Vec<&'static Pkg>,
    /// Pulled in as weak dependencies (dnf lists these apart).
    pub weak: Vec<&'static Pkg>,
    /// Asked for but installed already.
    pub already: Vec<&'static Pkg>,
    /// Names nothing answers to.
    pub missing: Vec<String>,
}

impl Plan {
    pub fn all(&self) -> Vec<&'static Pkg> {
        let mut v: Vec<&'static Pkg> = self.requested.iter().chain(&self.deps).chain(&self.weak).copied().collect();
        v.sort_by(|a, b| a.name.cmp(b.name));
        v
    }
    /// Every package after the packages it depends on (then by name): the order packages are
    /// unpacked and set up in.
    pub fn install_order(&self) -> Vec<&'static Pkg> {
        fn visit(p: &'static Pkg, all: &[&'static Pkg], out: &mut Vec<&'static Pkg>, depth: usize) {
            if out.iter().any(|q| q.name == p.name) || depth > 64 {
                return;
            }
            for dep in p.deps {
                let name = dep.trim_start_matches('?');
                if let Some(d) = all.iter().find(|q| q.name == name) {
                    visit(d, all, out, depth + 1);
                }
            }
            if !out.iter().any(|q| q.name == p.name) {
                out.push(p);
            }
        }
        let all = self.all();
        let mut out = Vec::new();
        for p in &all {
            visit(p, &all, &mut out, 0);
        }
        out
    }
    pub fn is_empty(&self) -> bool {
        self.requested.is_empty() && self.deps.is_empty() && self.weak.is_empty()
    }
}

pub fn plan_install(inst: &Instance, d: Distro, names: &[String]) -> Plan {
    let mut plan = Plan::default();
    let mut queue: Vec<(&'static Pkg, bool)> = Vec::new();
    for n in names {
        match candidate(inst, d, n) {
            None => {
                if !plan.missing.contains(n) {
                    plan.missing.push(n.clone());
                }
            }
            Some(p) if installed(inst, d, p.name) => {
                if !plan.already.iter().any(|q| q.name == p.name) {
                    plan.already.push(p);
                }
            }
            Some(p) => {
                if !plan.requested.iter().any(|q| q.name == p.name) {
                    plan.requested.push(p);
                    queue.push((p, false));
                }
            }
        }
    }
    let planned = |plan: &Plan, name: &str| plan.requested.iter().chain(&plan.deps).chain(&plan.weak).any(|q| q.name == name);
    while let Some((p, _)) = queue.pop() {
        for dep in p.deps {
            let (weak, name) = match dep.strip_prefix('?') {
                Some(n) => (true, n),
                None => (false, *dep),
            };
            if installed(inst, d, name) || planned(&plan, name) {
                continue;
            }
            let Some(r) = row(inst, d, name) else { continue };
            if weak {
                plan.weak.push(r);
            } else {
                plan.deps.push(r);
            }
            queue.push((r, weak));
        }
    }
    // A dependency reached both strongly and weakly counts as strong.
    let strong: Vec<&str> = plan.deps.iter().map(|p| p.name).collect();
    plan.weak.retain(|p| !strong.contains(&p.name));
    plan.deps.sort_by(|a, b| a.name.cmp(b.name));
    plan.weak.sort_by(|a, b| a.name.cmp(b.name));
    plan
}

/// Virtual time to download and install these packages (ms).
pub fn install_ms(pkgs: &[&Pkg]) -> u64 {
    1200 + pkgs.iter().map(|p| 350 + p.download_kb as u64 / 40 + p.size_kb as u64 / 100).sum::<u64>()
}

pub fn remove_ms(pkgs: &[&Pkg]) -> u64 {
    600 + pkgs.iter().map(|p| 200 + p.size_kb as u64 / 400).sum::<u64>()
}

/// Where a catalogue path lands on this distribution (Ubuntu 22.04 keeps units in /lib).
pub fn path_on(d: Distro, path: &str) -> String {
    match (d, path.strip_prefix("/usr/lib/systemd/system/")) {
        (Distro::Jammy, Some(rest)) => format!("/lib/systemd/system/{rest}"),
        _ => path.to_string(),
    }
}

/// Put packages on the instance: files (existing files are left alone, as package managers keep
/// a changed configuration), services registered (inactive), the package database.
/// `auto`: installed as dependencies.
pub fn apply_install(inst: &mut Instance, d: Distro, pkgs: &[(&'static Pkg, bool)], now: Time) {
    for (p, auto) in pkgs {
        for f in p.files {
            let path = path_on(d, f);
            if let Some(dir) = path.strip_suffix('/') {
                inst.fs.mkdir_p(dir);
                continue;
            }
            if inst.fs.exists(&path) {
                continue;
            }
            inst.fs.mkdir_p(crate::fs::parent(&path));
            let (data, mode) = files::content(&path, d, p);
            if inst.fs.write(&path, data) {
                let _ = inst.fs.set_mode(&path, mode);
                inst.fs.set_mtime(&path, now.0);
            }
        }
        for s in p.services {
            inst.guest.services.entry((*s).to_string()).or_default();
        }
        inst.guest.packages.insert(p.name.to_string());
        if *auto {
            inst.guest.auto_installed.insert(p.name.to_string());
        } else {
            inst.guest.auto_installed.remove(p.name);
        }
    }
}

/// What removing `names` takes away: the packages themselves and every installed package that
/// depends on them. Returns (to remove, names not installed, base packages refused).
pub fn plan_remove(inst: &Instance, d: Distro, names: &[String]) -> (Vec<&'static Pkg>, Vec<String>, Vec<&'static Pkg>) {
    let mut out: Vec<&'static Pkg> = Vec::new();
    let mut missing = Vec::new();
    let mut base = Vec::new();
    for n in names {
        let found = installed_rows(inst, d).into_iter().find(|p| p.name == n.as_str()).or_else(|| installed_rows(inst, d).into_iter().find(|p| p.provides.contains(&n.as_str())));
        match found {
            Some(p) if is_base(d, p.name) => base.push(p),
            Some(p) => {
                if !out.iter().any(|q| q.name == p.name) {
                    out.push(p)
                }
            }
            None => missing.push(n.clone()),
        }
    }
    // Reverse dependencies (hard ones), to a fixpoint.
    loop {
        let mut added = false;
        for p in installed_rows(inst, d) {
            if out.iter().any(|q| q.name == p.name) || is_base(d, p.name) {
                continue;
            }
            if p.deps.iter().any(|dep| !dep.starts_with('?') && out.iter().any(|q| q.name == *dep)) {
                out.push(p);
                added = true;
            }
        }
        if !added {
            break;
        }
    }
    (out, missing, base)
}

/// Packages installed as dependencies that nothing left would need once `removing` is gone.
pub fn unused_auto(inst: &Instance, d: Distro, removing: &[&'static Pkg]) -> Vec<&'static Pkg> {
    let mut gone: Vec<&'static Pkg> = removing.to_vec();
    let mut extra: Vec<&'static Pkg> = Vec::new();
    loop {
        let remaining: Vec<&'static Pkg> = installed_rows(inst, d).into_iter().filter(|p| !gone.iter().any(|g| g.name == p.name)).collect();
        let needed = |name: &str| remaining.iter().any(|r| r.deps.iter().any(|dep| dep.trim_start_matches('?') == name));
        let newly: Vec<&'static Pkg> = remaining.iter().filter(|p| inst.guest.auto_installed.contains(p.name) && !needed(p.name)).copied().collect();
        if newly.is_empty() {
            break;
        }
        gone.extend(newly.iter().copied());
        extra.extend(newly);
    }
    extra.sort_by(|a, b| a.name.cmp(b.name));
    extra
}

/// Take packages off the instance. `keep_config`: leave files under /etc (`apt remove`, as
/// opposed to `purge`). Their services stop and disappear.
pub fn apply_remove(inst: &mut Instance, d: Distro, pkgs: &[&'static Pkg], keep_config: bool) {
    for p in pkgs {
        for s in p.services {
            super::services::forget(inst, d, s);
        }
        let mut dirs = Vec::new();
        for f in p.files {
            let path = path_on(d, f);
            if let Some(dir) = path.strip_suffix('/') {
                dirs.push(dir.to_string());
                continue;
            }
            if keep_config && path.starts_with("/etc/") {
                continue;
            }
            if inst.fs.is_file(&path) {
                let _ = inst.fs.remove(&path, false);
            }
        }
        // Directories go only when empty (content the learner added stays, as with rpm/dpkg).
        dirs.sort_by_key(|d| std::cmp::Reverse(d.len()));
        for dir in dirs {
            if inst.fs.list_dir(&dir).is_ok_and(|l| l.is_empty()) {
                let _ = inst.fs.remove(&dir, false);
            }
        }
        inst.guest.packages.remove(p.name);
        inst.guest.auto_installed.remove(p.name);
    }
}

// ---------------------------------------------------------------------------------------------
// Shared formatting
// ---------------------------------------------------------------------------------------------

/// rpm-style sizes as dnf and yum print them: `48 k`, `9.8 k`, `1.4 M`.
pub(crate) fn size_k(kb: u64) -> String {
    let kb = kb.max(1) as f64;
    let (v, unit) = if kb >= 1024.0 * 1024.0 { (kb / 1024.0 / 1024.0, "G") } else if kb >= 1024.0 { (kb / 1024.0, "M") } else { (kb, "k") };
    if v < 10.0 {
        format!("{v:.1} {unit}")
    } else {
        format!("{v:.0} {unit}")
    }
}

/// Options shared by the front ends: flags (`-y`), the first non-option word (the
/// subcommand) and the operands after it.
pub(crate) struct Args {
    pub flags: Vec<String>,
    pub sub: Option<String>,
    pub operands: Vec<String>,
}

impl Args {
    /// `takes_value`: options whose value is the next word (`-c FILE`).
    pub fn parse(argv: &[String], takes_value: &[&str]) -> Args {
        let mut a = Args { flags: Vec::new(), sub: None, operands: Vec::new() };
        let mut i = 1;
        while i < argv.len() {
            let w = &argv[i];
            if w == "--" {
                a.operands.extend(argv[i + 1..].iter().cloned());
                break;
            }
            if w.starts_with('-') && w.len() > 1 {
                if takes_value.contains(&w.as_str()) {
                    i += 1;
                }
                a.flags.push(w.clone());
            } else if a.sub.is_none() {
                a.sub = Some(w.clone());
            } else {
                a.operands.push(w.clone());
            }
            i += 1;
        }
        a
    }
    pub fn has(&self, names: &[&str]) -> bool {
        self.flags.iter().any(|f| names.contains(&f.as_str()) || (f.starts_with('-') && !f.starts_with("--") && f.len() > 2 && names.iter().any(|n| n.len() == 2 && n.starts_with('-') && !n.starts_with("--") && f[1..].contains(&n[1..]))))
    }
}

/// The answer to a `[y/N]` prompt read from the command's input (`echo y | dnf install …`).
pub(crate) fn answered_yes(stdin: &[u8]) -> bool {
    let first = String::from_utf8_lossy(stdin).lines().next().unwrap_or("").trim().to_ascii_lowercase();
    first == "y" || first == "yes"
}

#[cfg(test)]
mod tests;
