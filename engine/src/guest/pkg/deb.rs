//! The Ubuntu front ends: `apt-get`, `apt`, `apt-cache` and `dpkg` queries.
//!
//! A fresh Ubuntu AMI has no package lists: until `apt-get update` has run, apt knows only what
//! is installed, so `apt-get install nginx` fails with `Unable to locate package`, as it does on
//! a new instance. Services of packages installed here start at once (Debian's policy).

use super::catalogue::{Distro, Pkg};
use super::{answered_yes, apply_install, apply_remove, apt_lists_ready, installed, installed_rows, plan_install, plan_remove, unused_auto, Args, Ctx};
use crate::clock::Time;
use crate::console::shell::{CmdOut, Invocation, System};
use crate::console::Machine;

pub const LISTS: &str = "/var/lib/apt/lists";

const LOCK_ERROR: &str = "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n";
const LISTS_LOCK_ERROR: &str = "E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)\nE: Unable to lock directory /var/lib/apt/lists/\nW: Problem unlinking the file /var/cache/apt/pkgcache.bin - RemoveCaches (13: Permission denied)\nW: Problem unlinking the file /var/cache/apt/srcpkgcache.bin - RemoveCaches (13: Permission denied)\n";
const APT_WARNING: &str = "\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n";

struct Out {
    o: String,
    e: String,
}

impl Out {
    fn done(self, code: i32) -> CmdOut {
        CmdOut { stdout: self.o.into_bytes(), stderr: self.e.into_bytes(), code }
    }
}

fn mirror(c: &Ctx) -> &'static str {
    if c.x86 { "http://us-east-1.ec2.archive.ubuntu.com/ubuntu" } else { "http://us-east-1.ec2.ports.ubuntu.com/ubuntu-ports" }
}

/// apt's sizes: `465 kB`, `2,084 kB`, `18.6 MB`.
fn apt_size(kb: u64) -> String {
    if kb >= 10_000 {
        format!("{:.1} MB", kb as f64 / 1000.0)
    } else if kb >= 1000 {
        format!("{},{:03} kB", kb / 1000, kb % 1000)
    } else {
        format!("{kb} kB")
    }
}

/// Libraries are `Multi-Arch: same`: dpkg names them with their architecture.
fn dpkg_name(p: &Pkg, c: &Ctx) -> String {
    if p.name.starts_with("lib") && !p.noarch {
        format!("{}:{}", p.name, p.arch(c.d, c.x86))
    } else {
        p.name.to_string()
    }
}

/// Wrap package names the way apt does: two spaces of indent, lines under 80 columns.
fn wrap(names: &[String]) -> String {
    let mut out = String::new();
    let mut line = String::from(" ");
    for n in names {
        if line.len() + 1 + n.len() > 79 && line.len() > 1 {
            out.push_str(&line);
            out.push('\n');
            line = String::from(" ");
        }
        line.push(' ');
        line.push_str(n);
    }
    if line.len() > 1 {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn reading(c: &Ctx) -> &'static str {
    // Without a terminal apt prints its progress lines without the trailing "Done".
    if c.script {
        "Reading package lists...\nBuilding dependency tree...\nReading state information...\n"
    } else {
        "Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n"
    }
}

pub(crate) fn apt(m: &mut Machine, inv: &Invocation, c: &Ctx, tool: &str) -> CmdOut {
    let a = Args::parse(inv.argv, &["-o", "-c", "-t", "--target-release", "--option"]);
    // `-qq` (or `-q -q`, `-q=2`): nothing but errors.
    let q: usize = a
        .flags
        .iter()
        .map(|f| match f.as_str() {
            "--quiet" | "-q=1" => 1,
            "-q=2" => 2,
            f if f.starts_with('-') && !f.starts_with("--") && !f.contains('=') => f.matches('q').count(),
            _ => 0,
        })
        .sum();
    let mut out = apt_run(m, inv, c, tool, a);
    if q >= 2 {
        out.stdout.clear();
    }
    out
}

fn apt_run(m: &mut Machine, inv: &Invocation, c: &Ctx, tool: &str, a: Args) -> CmdOut {
    let mut o = Out { o: String::new(), e: String::new() };
    if tool == "apt" && c.script {
        o.e.push_str(APT_WARNING);
    }
    let Some(sub) = a.sub.clone() else {
        return CmdOut::err(if tool == "apt" { 1 } else { 100 }, format!("{tool} 2.7.14 (amd64)\nUsage: {tool} [options] command\n\nE: No command given\n"));
    };
    let yes = a.has(&["-y", "--yes", "--assume-yes"]) || answered_yes(inv.stdin);
    let purge = sub == "purge" || a.has(&["--purge"]);
    if tool == "apt-cache" {
        return apt_cache(m, c, &sub, &a.operands, o);
    }
    let write = matches!(sub.as_str(), "install" | "remove" | "purge" | "autoremove" | "upgrade" | "dist-upgrade" | "full-upgrade" | "reinstall");
    if write && !c.root {
        o.e.push_str(LOCK_ERROR);
        return o.done(100);
    }
    match sub.as_str() {
        "update" => {
            if !c.root {
                o.o.push_str("Reading package lists... Done\n");
                o.e.push_str(LISTS_LOCK_ERROR);
                return o.done(100);
            }
            update(m, c, tool, o)
        }
        "install" => {
            if let Some(op) = a.operands.iter().find(|o| o.contains('/') || o.ends_with(".deb")) {
                return CmdOut::err(100, format!("ec2lab: installing from a file ({op}) is not simulated yet\n"));
            }
            install(m, inv, c, &a.operands, yes, o)
        }
        "remove" | "purge" | "autoremove" => remove(m, c, &sub, &a.operands, yes, purge, o),
        "upgrade" | "dist-upgrade" | "full-upgrade" => {
            o.o.push_str(reading(c));
            o.o.push_str("Calculating upgrade... Done\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n");
            o.done(0)
        }
        "list" => list(m, c, &a, o),
        "show" | "search" | "policy" => apt_cache(m, c, &sub, &a.operands, o),
        "clean" | "autoclean" => o.done(0),
        other if matches!(other, "reinstall" | "edit-sources" | "source" | "build-dep" | "download" | "changelog" | "satisfy" | "mark" | "check") => {
            CmdOut::err(1, format!("ec2lab: {tool} {other} is not simulated yet\n"))
        }
        other => {
            o.e.push_str(&format!("E: Invalid operation {other}\n"));
            o.done(if tool == "apt" { 1 } else { 100 })
        }
    }
}

fn update(m: &mut Machine, c: &Ctx, tool: &str, mut o: Out) -> CmdOut {
    let Some(inst) = m.world.compute.get(&c.id) else { return o.done(100) };
    let fresh = apt_lists_ready(inst);
    let code = c.d.codename();
    let mir = mirror(c);
    let arch = if c.x86 { "amd64" } else { "arm64" };
    let sec = if c.x86 { "http://security.ubuntu.com/ubuntu" } else { "http://ports.ubuntu.com/ubuntu-ports" };
    let heads = [(mir, code.to_string(), 256), (mir, format!("{code}-updates"), 126), (mir, format!("{code}-backports"), 126), (sec, format!("{code}-security"), 126)];
    let mut i = 0;
    for (host, suite, kb) in &heads {
        i += 1;
        if fresh {
            o.o.push_str(&format!("Hit:{i} {host} {suite} InRelease\n"));
        } else {
            o.o.push_str(&format!("Get:{i} {host} {suite} InRelease [{kb} kB]\n"));
        }
    }
    if !fresh {
        for (suite, comp, kb) in [(code.to_string(), "main", 1401), (code.to_string(), "universe", 15_044), (format!("{code}-updates"), "main", 1_298), (format!("{code}-updates"), "universe", 1_116), (format!("{code}-security"), "main", 1_027), (format!("{code}-security"), "universe", 876)] {
            i += 1;
            let host = if suite.ends_with("-security") { sec } else { mir };
            o.o.push_str(&format!("Get:{i} {host} {suite}/{comp} {arch} Packages [{}]\n", apt_size(kb)));
        }
        o.o.push_str("Fetched 22.3 MB in 4s (5,580 kB/s)\n");
    }
    m.sleep(if fresh { 1_800 } else { 4_600 });
    let t = Time(m.now_millis());
    if let Some(inst) = m.world.compute.get_mut(&c.id) {
        inst.fs.mkdir_p(LISTS);
        let host = mir.trim_start_matches("http://").replace('/', "_");
        for suite in [code.to_string(), format!("{code}-updates"), format!("{code}-security")] {
            for f in [format!("{host}_dists_{suite}_InRelease"), format!("{host}_dists_{suite}_main_binary-{arch}_Packages"), format!("{host}_dists_{suite}_universe_binary-{arch}_Packages")] {
                let p = format!("{LISTS}/{f}");
                inst.fs.write(&p, b"ec2lab: stands for a package list fetched by apt-get update\n".to_vec());
                inst.fs.set_mtime(&p, t.0);
            }
        }
    }
    o.o.push_str(if c.script { "Reading package lists...\n" } else { "Reading package lists... Done\n" });
    if tool == "apt" {
        o.o.push_str(if c.script { "Building dependency tree...\nReading state information...\n" } else { "Building dependency tree... Done\nReading state information... Done\n" });
        o.o.push_str("All packages are up to date.\n");
    }
    o.done(0)
}

fn deb_file(p: &Pkg, c: &Ctx) -> String {
    format!("{}_{}_{}.deb", p.name, p.evr(c.d).replace(':', "%3a"), p.arch(c.d, c.x86))
}

fn db_count(m: &Machine, c: &Ctx) -> usize {
    let n = m.world.compute.get(&c.id).map(|i| i.guest.packages.len()).unwrap_or(0);
    (if c.d == Distro::Jammy { 64_132 } else { 70_958 }) + n * 37
}

fn install(m: &mut Machine, inv: &Invocation, c: &Ctx, names: &[String], yes: bool, mut o: Out) -> CmdOut {
    o.o.push_str(reading(c));
    let Some(inst) = m.world.compute.get(&c.id) else { return o.done(100) };
    let plan = plan_install(inst, c.d, names);
    if let Some(n) = plan.missing.first() {
        o.e.push_str(&format!("E: Unable to locate package {n}\n"));
        return o.done(100);
    }
    let mut manual = Vec::new();
    for p in &plan.already {
        o.o.push_str(&format!("{} is already the newest version ({}).\n", p.name, p.evr(c.d)));
        if inst.guest.auto_installed.contains(p.name) {
            o.o.push_str(&format!("{} set to manually installed.\n", p.name));
            manual.push(p.name.to_string());
        }
    }
    if let Some(inst) = m.world.compute.get_mut(&c.id) {
        for n in &manual {
            inst.guest.auto_installed.remove(n.as_str());
        }
    }
    let all = plan.all();
    let mut extra: Vec<&'static Pkg> = plan.deps.iter().chain(&plan.weak).copied().collect();
    extra.sort_by(|a, b| a.name.cmp(b.name));
    if !extra.is_empty() {
        o.o.push_str("The following additional packages will be installed:\n");
        o.o.push_str(&wrap(&extra.iter().map(|p| p.name.to_string()).collect::<Vec<_>>()));
    }
    if !all.is_empty() {
        o.o.push_str("The following NEW packages will be installed:\n");
        o.o.push_str(&wrap(&all.iter().map(|p| p.name.to_string()).collect::<Vec<_>>()));
    }
    o.o.push_str(&format!("0 upgraded, {} newly installed, 0 to remove and 0 not upgraded.\n", all.len()));
    if all.is_empty() {
        return o.done(0);
    }
    let dl: u64 = all.iter().map(|p| p.download_kb as u64).sum();
    let size: u64 = all.iter().map(|p| p.size_kb as u64).sum();
    o.o.push_str(&format!("Need to get {} of archives.\nAfter this operation, {} of additional disk space will be used.\n", apt_size(dl), apt_size(size)));
    // apt asks only when it installs more than was asked for.
    if !extra.is_empty() && !yes {
        o.o.push_str("Do you want to continue? [Y/n] Abort.\n");
        if m.clock.is_none() {
            o.e.push_str("ec2lab: the console cannot answer prompts: add -y to the apt command (or pipe in `yes`)\n");
        }
        return o.done(1);
    }
    let order = plan.install_order();
    let arch = if c.x86 { "amd64" } else { "arm64" };
    for (i, p) in all.iter().enumerate() {
        o.o.push_str(&format!("Get:{} {} {} {arch} {} {} {} [{}]\n", i + 1, mirror(c), p.repo_on(c.d), p.name, p.arch(c.d, c.x86), p.evr(c.d), apt_size(p.download_kb as u64)));
    }
    let secs = (dl / 30_000).max(0);
    o.o.push_str(&format!("Fetched {} in {secs}s ({}/s)\n", apt_size(dl), apt_size((dl * 1000 / (200 + dl / 40).max(1)).max(1))));
    let noninteractive = inv.env.get("DEBIAN_FRONTEND").is_some_and(|v| v == "noninteractive");
    if c.script && !noninteractive {
        o.e.push_str("debconf: unable to initialize frontend: Dialog\ndebconf: (TERM is not set, so the dialog frontend is not usable.)\ndebconf: falling back to frontend: Readline\ndebconf: unable to initialize frontend: Readline\ndebconf: (This frontend requires a controlling tty.)\ndebconf: falling back to frontend: Teletype\ndpkg-preconfigure: unable to re-open stdin: \n");
    }
    let count = db_count(m, c);
    let width = if order.len() > 10 { 2 } else { 1 };
    for (i, p) in order.iter().enumerate() {
        let dn = dpkg_name(p, c);
        o.o.push_str(&format!("Selecting previously unselected package {dn}.\n"));
        if i == 0 {
            o.o.push_str(&format!("(Reading database ... {count} files and directories currently installed.)\n"));
        }
        let file = if order.len() > 1 { format!("{i:0width$}-{}", deb_file(p, c)) } else { deb_file(p, c) };
        o.o.push_str(&format!("Preparing to unpack .../{file} ...\nUnpacking {dn} ({}) ...\n", p.evr(c.d)));
    }
    m.sleep(super::install_ms(&all));
    let t = Time(m.now_millis());
    let items: Vec<(&'static Pkg, bool)> = order.iter().map(|p| (*p, !plan.requested.iter().any(|q| q.name == p.name))).collect();
    if let Some(inst) = m.world.compute.get_mut(&c.id) {
        apply_install(inst, c.d, &items, t);
    }
    let mut web = false;
    for p in &order {
        o.o.push_str(&format!("Setting up {} ({}) ...\n", dpkg_name(p, c), p.evr(c.d)));
        if p.name == "apache2" {
            o.o.push_str("Enabling module mpm_event.\nEnabling module authz_core.\nEnabling module dir.\nEnabling module mime.\nEnabling conf charset.\nEnabling conf security.\nEnabling site 000-default.\n");
        }
        if p.apache_module {
            let v = p.name.trim_start_matches("libapache2-mod-php");
            o.o.push_str(&format!("Module mpm_event disabled.\nEnabling module mpm_prefork.\napache2_switch_mpm Switch to prefork\napache2_invoke: Enable module php{v}\n"));
        }
        web |= matches!(p.name, "apache2" | "nginx");
        // Debian policy: a daemon is enabled and started when its package is set up.
        for s in p.services {
            let Some(def) = super::catalogue::service(c.d, s) else { continue };
            if !def.starts_on_install {
                continue;
            }
            let msg = m.world.compute.get_mut(&c.id).map(|inst| super::super::services::enable(inst, c.d, s)).unwrap_or_default();
            // systemd-sysv-install's lines only show when enabling by hand.
            for line in msg.lines().filter(|l| l.starts_with("Created symlink")) {
                o.o.push_str(line);
                o.o.push('\n');
            }
            m.sleep(def.start_ms);
            let at = Time(m.now_millis());
            let failed = m.world.compute.get_mut(&c.id).is_some_and(|inst| super::super::services::start(inst, c.d, s, at).is_err());
            if failed {
                o.e.push_str(&format!("Job for {s}.service failed because the control process exited with error code.\nSee \"systemctl status {s}.service\" and \"journalctl -xeu {s}.service\" for details.\ninvoke-rc.d: initscript {s}, action \"start\" failed.\n"));
            }
        }
        if p.apache_module {
            // The module's postinst restarts apache2 so that it loads the module.
            let at = Time(m.now_millis());
            if let Some(inst) = m.world.compute.get_mut(&c.id) {
                if inst.guest.services.get("apache2").is_some_and(|s| s.active_from.is_some()) {
                    inst.guest.reloaded.insert("apache2".into(), at);
                }
            }
        }
    }
    let (man, libc, ufw) = if c.d == Distro::Jammy { ("2.10.2-1", "2.35-0ubuntu3.11", "0.36.1-4ubuntu0.1") } else { ("2.12.0-4build2", "2.39-0ubuntu8.6", "0.36.2-6") };
    if web {
        o.o.push_str(&format!("Processing triggers for ufw ({ufw}) ...\n"));
    }
    o.o.push_str(&format!("Processing triggers for man-db ({man}) ...\n"));
    if order.iter().any(|p| p.name.starts_with("lib")) {
        o.o.push_str(&format!("Processing triggers for libc-bin ({libc}) ...\n"));
    }
    o.o.push_str("Scanning processes...\nScanning linux images...\n\nRunning kernel seems to be up-to-date.\n\nNo services need to be restarted.\n\nNo containers need to be restarted.\n\nNo user sessions are running outdated binaries.\n\nNo VM guests are running outdated hypervisor (qemu) binaries on this host.\n");
    let _ = t;
    o.done(0)
}

fn remove(m: &mut Machine, c: &Ctx, sub: &str, names: &[String], yes: bool, purge: bool, mut o: Out) -> CmdOut {
    o.o.push_str(reading(c));
    let Some(inst) = m.world.compute.get(&c.id) else { return o.done(100) };
    let (mut named, missing, base) = if sub == "autoremove" && names.is_empty() { (Vec::new(), Vec::new(), Vec::new()) } else { plan_remove(inst, c.d, names) };
    for n in &missing {
        if super::catalogue::rows(c.d).any(|p| p.name == n.as_str()) && (apt_lists_ready(inst) || installed(inst, c.d, n)) {
            o.o.push_str(&format!("Package '{n}' is not installed, so not removed\n"));
        } else {
            o.e.push_str(&format!("E: Unable to locate package {n}\n"));
            return o.done(100);
        }
    }
    if let Some(b) = base.first() {
        return CmdOut::err(100, format!("ec2lab: removing {} is not simulated (the system's own tools depend on it)\n", b.name));
    }
    let unused = unused_auto(inst, c.d, &named);
    if sub == "autoremove" {
        named.extend(unused.iter().copied());
    } else if !unused.is_empty() {
        o.o.push_str(if unused.len() == 1 { "The following package was automatically installed and is no longer required:\n" } else { "The following packages were automatically installed and are no longer required:\n" });
        o.o.push_str(&wrap(&unused.iter().map(|p| p.name.to_string()).collect::<Vec<_>>()));
        o.o.push_str(&format!("Use 'sudo apt autoremove' to remove {}.\n", if unused.len() == 1 { "it" } else { "them" }));
    }
    named.sort_by(|a, b| a.name.cmp(b.name));
    if !named.is_empty() {
        o.o.push_str("The following packages will be REMOVED:\n");
        o.o.push_str(&wrap(&named.iter().map(|p| if purge { format!("{}*", p.name) } else { p.name.to_string() }).collect::<Vec<_>>()));
    }
    o.o.push_str(&format!("0 upgraded, 0 newly installed, {} to remove and 0 not upgraded.\n", named.len()));
    if named.is_empty() {
        return o.done(0);
    }
    let freed: u64 = named.iter().map(|p| p.size_kb as u64).sum();
    o.o.push_str(&format!("After this operation, {} disk space will be freed.\n", apt_size(freed)));
    if !yes {
        o.o.push_str("Do you want to continue? [Y/n] Abort.\n");
        if m.clock.is_none() {
            o.e.push_str("ec2lab: the console cannot answer prompts: add -y to the apt command (or pipe in `yes`)\n");
        }
        return o.done(1);
    }
    o.o.push_str(&format!("(Reading database ... {} files and directories currently installed.)\n", db_count(m, c)));
    for p in &named {
        o.o.push_str(&format!("Removing {} ({}) ...\n", dpkg_name(p, c), p.evr(c.d)));
    }
    let man = if c.d == Distro::Jammy { "2.10.2-1" } else { "2.12.0-4build2" };
    o.o.push_str(&format!("Processing triggers for man-db ({man}) ...\n"));
    if purge {
        for p in &named {
            o.o.push_str(&format!("Purging configuration files for {} ({}) ...\n", dpkg_name(p, c), p.evr(c.d)));
        }
    }
    m.sleep(super::remove_ms(&named));
    if let Some(inst) = m.world.compute.get_mut(&c.id) {
        apply_remove(inst, c.d, &named, !purge);
    }
    o.done(0)
}

fn pocket(p: &Pkg, c: &Ctx) -> String {
    let r = p.repo_on(c.d);
    r.split('/').next().unwrap_or(&r).to_string()
}

fn list(m: &mut Machine, c: &Ctx, a: &Args, mut o: Out) -> CmdOut {
    let Some(inst) = m.world.compute.get(&c.id) else { return o.done(1) };
    let only_installed = a.has(&["--installed", "-i"]);
    if a.has(&["--upgradable", "-u"]) {
        o.o.push_str(if c.script { "Listing...\n" } else { "Listing... Done\n" });
        return o.done(0);
    }
    o.o.push_str(if c.script { "Listing...\n" } else { "Listing... Done\n" });
    let pats: Vec<&String> = a.operands.iter().collect();
    let matches = |name: &str| pats.is_empty() || pats.iter().any(|p| super::rpm::glob(p, name));
    let mut rows: Vec<&'static Pkg> = if only_installed || !apt_lists_ready(inst) {
        installed_rows(inst, c.d)
    } else {
        let mut v: Vec<&'static Pkg> = super::catalogue::rows(c.d).collect();
        v.sort_by(|a, b| a.name.cmp(b.name));
        v.dedup_by(|a, b| a.name == b.name);
        v
    };
    rows.retain(|p| matches(p.name));
    for p in rows {
        let inst_ = installed(inst, c.d, p.name);
        let mark = match (inst_, inst.guest.auto_installed.contains(p.name)) {
            (true, true) => ",now",
            (true, false) => ",now",
            _ => "",
        };
        let tag = match (inst_, inst.guest.auto_installed.contains(p.name)) {
            (true, true) => " [installed,automatic]",
            (true, false) => " [installed]",
            _ => "",
        };
        o.o.push_str(&format!("{}/{}{mark} {} {}{tag}\n", p.name, pocket(p, c), p.evr(c.d), p.arch(c.d, c.x86)));
    }
    o.done(0)
}

fn apt_cache(m: &mut Machine, c: &Ctx, sub: &str, operands: &[String], mut o: Out) -> CmdOut {
    let Some(inst) = m.world.compute.get(&c.id) else { return o.done(100) };
    let ready = apt_lists_ready(inst);
    let known = |n: &str| super::catalogue::rows(c.d).find(|p| p.name == n).filter(|p| ready || installed(inst, c.d, p.name));
    match sub {
        "policy" => {
            for n in operands {
                let Some(p) = known(n) else { continue };
                let inst_ = installed(inst, c.d, p.name);
                o.o.push_str(&format!("{}:\n  Installed: {}\n  Candidate: {}\n  Version table:\n", p.name, if inst_ { p.evr(c.d) } else { "(none)".into() }, p.evr(c.d)));
                o.o.push_str(&format!(" {} {} 500\n        500 {} {} {} Packages\n", if inst_ { "***" } else { "   " }, p.evr(c.d), mirror(c), p.repo_on(c.d), if c.x86 { "amd64" } else { "arm64" }));
                if inst_ {
                    o.o.push_str("        100 /var/lib/dpkg/status\n");
                }
            }
            o.done(0)
        }
        "show" => {
            if operands.is_empty() {
                o.e.push_str("E: No packages found\n");
                return o.done(100);
            }
            for n in operands {
                let Some(p) = known(n) else {
                    o.e.push_str(&format!("E: No packages found\n"));
                    return o.done(100);
                };
                let deps: Vec<String> = p.deps.iter().map(|d| d.trim_start_matches('?')).filter(|d| super::catalogue::rows(c.d).any(|q| q.name == *d)).map(String::from).collect();
                o.o.push_str(&format!("Package: {}\nVersion: {}\nPriority: optional\nOrigin: Ubuntu\nMaintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>\nInstalled-Size: {} kB\n", p.name, p.evr(c.d), p.size_kb));
                if !deps.is_empty() {
                    o.o.push_str(&format!("Depends: {}\n", deps.join(", ")));
                }
                o.o.push_str(&format!("Download-Size: {}\nAPT-Sources: {} {} {} Packages\nDescription: {}\n\n", apt_size(p.download_kb as u64), mirror(c), p.repo_on(c.d), if c.x86 { "amd64" } else { "arm64" }, p.summary));
            }
            o.done(0)
        }
        "search" => {
            let t = operands.join(" ").to_ascii_lowercase();
            if t.is_empty() {
                o.e.push_str("E: You must give at least one search pattern\n");
                return o.done(100);
            }
            if sub == "search" && !c.script {
                o.o.push_str("Sorting... Done\nFull Text Search... Done\n");
            }
            let mut rows: Vec<&'static Pkg> = super::catalogue::rows(c.d).filter(|p| ready || installed(inst, c.d, p.name)).collect();
            rows.sort_by(|a, b| a.name.cmp(b.name));
            rows.dedup_by(|a, b| a.name == b.name);
            for p in rows {
                if p.name.contains(t.as_str()) || p.summary.to_ascii_lowercase().contains(t.as_str()) {
                    let tag = if installed(inst, c.d, p.name) { " [installed]" } else { "" };
                    o.o.push_str(&format!("{}/{} {} {}{tag}\n  {}\n\n", p.name, pocket(p, c), p.evr(c.d), p.arch(c.d, c.x86), p.summary));
                }
            }
            o.done(0)
        }
        other => CmdOut::err(100, format!("ec2lab: apt-cache {other} is not simulated yet\n")),
    }
}

// ---------------------------------------------------------------------------------------------
// dpkg queries
// ---------------------------------------------------------------------------------------------

pub(crate) fn dpkg(m: &mut Machine, inv: &Invocation, c: &Ctx) -> CmdOut {
    let Some(inst) = m.world.compute.get(&c.id) else { return CmdOut::err(1, "") };
    let argv: Vec<&str> = inv.argv.iter().skip(1).map(String::as_str).collect();
    let (op, rest): (&str, Vec<&str>) = match argv.split_first() {
        Some((op, rest)) => (op, rest.to_vec()),
        None => return CmdOut::err(2, "dpkg: error: need an action option\n\nType dpkg --help for help about installing and deinstalling packages [*];\nUse 'apt' or 'aptitude' for user-friendly package management;\n"),
    };
    match op {
        "-l" | "--list" => {
            let rows: Vec<&'static Pkg> = installed_rows(inst, c.d).into_iter().filter(|p| rest.is_empty() || rest.iter().any(|pat| super::rpm::glob(pat, p.name))).collect();
            if rows.is_empty() {
                let pat = rest.first().copied().unwrap_or("");
                return CmdOut::err(1, format!("dpkg-query: no packages found matching {pat}\n"));
            }
            let wn = rows.iter().map(|p| p.name.len()).max().unwrap_or(4).max(14);
            let wv = rows.iter().map(|p| p.evr(c.d).len()).max().unwrap_or(7).max(12);
            let mut out = String::from("Desired=Unknown/Install/Remove/Purge/Hold\n| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n");
            out.push_str(&format!("||/ {:<wn$} {:<wv$} {:<12} {}\n", "Name", "Version", "Architecture", "Description"));
            out.push_str(&format!("+++-{}-{}-{}-{}\n", "=".repeat(wn), "=".repeat(wv), "=".repeat(12), "=".repeat(37)));
            for p in rows {
                out.push_str(&format!("ii  {:<wn$} {:<wv$} {:<12} {}\n", p.name, p.evr(c.d), p.arch(c.d, c.x86), p.summary));
            }
            CmdOut::ok(out)
        }
        "-L" | "--listfiles" | "-s" | "--status" => {
            let Some(name) = rest.first() else { return CmdOut::err(2, format!("dpkg-query: error: {op} needs at least one package name argument\n")) };
            let Some(p) = installed_rows(inst, c.d).into_iter().find(|p| p.name == *name) else {
                return if op == "-L" || op == "--listfiles" {
                    CmdOut::err(1, format!("dpkg-query: package '{name}' is not installed\nUse dpkg --contents (= dpkg-deb --contents) to list archive files contents.\n"))
                } else {
                    CmdOut::err(1, format!("dpkg-query: package '{name}' is not installed and no information is available\nUse dpkg --info (= dpkg-deb --info) to examine archive files.\n"))
                };
            };
            if op == "-L" || op == "--listfiles" {
                let mut out = String::from("/.\n");
                for f in p.files {
                    out.push_str(&format!("{}\n", super::path_on(c.d, f).trim_end_matches('/')));
                }
                CmdOut::ok(out)
            } else {
                CmdOut::ok(format!(
                    "Package: {}\nStatus: install ok installed\nPriority: optional\nInstalled-Size: {}\nMaintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>\nArchitecture: {}\nVersion: {}\nDescription: {}\n",
                    p.name, p.size_kb, p.arch(c.d, c.x86), p.evr(c.d), p.summary
                ))
            }
        }
        "-S" | "--search" => {
            let Some(path) = rest.first() else { return CmdOut::err(2, "dpkg-query: error: --search needs at least one file name pattern argument\n") };
            let path = crate::fs::normalize(path);
            match installed_rows(inst, c.d).into_iter().find(|p| p.files.iter().any(|f| super::path_on(c.d, f).trim_end_matches('/') == path)) {
                Some(p) => CmdOut::ok(format!("{}: {path}\n", p.name)),
                None => CmdOut::err(1, format!("dpkg-query: no path found matching pattern {path}\n")),
            }
        }
        "--version" => CmdOut::ok("Debian 'dpkg' package management program version 1.22.6 (amd64).\n"),
        "-i" | "--install" | "-r" | "--remove" | "-P" | "--purge" | "--configure" | "--unpack" => CmdOut::err(2, "ec2lab: installing or removing packages with dpkg is not simulated yet; use apt-get\n"),
        other => CmdOut::err(2, format!("ec2lab: dpkg {other} is not simulated yet\n")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_wrapping() {
        assert_eq!(apt_size(465), "465 kB");
        assert_eq!(apt_size(2084), "2,084 kB");
        assert_eq!(apt_size(18_600), "18.6 MB");
        let names: Vec<String> = (0..30).map(|i| format!("package-{i}")).collect();
        let w = wrap(&names);
        assert!(w.lines().all(|l| l.len() < 80 && l.starts_with("  ")));
    }
}
