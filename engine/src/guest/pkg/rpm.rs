//! The Amazon Linux front ends: `dnf` (and `yum`, the same program on Amazon Linux 2023),
//! `yum` 3 on Amazon Linux 2, `rpm` queries and `amazon-linux-extras`.

use super::catalogue::{Distro, Pkg};
use super::{answered_yes, apply_install, apply_remove, installed, installed_rows, plan_install, plan_remove, size_k, unused_auto, Args, Ctx};
use crate::clock::{Time, HOUR};
use crate::console::shell::{CmdOut, Invocation, System};
use crate::console::Machine;

/// Where `amazon-linux-extras` records enabled topics.
pub const EXTRAS_REPO: &str = "/etc/yum.repos.d/amzn2-extras.repo";
/// dnf's cached repository metadata (its age is the "Last metadata expiration check").
const DNF_CACHE: &str = "/var/cache/dnf/amazonlinux.solv";
const YUM_CACHE: &str = "/var/cache/yum/amzn2-core/repomd.xml";
/// How long cached metadata stays fresh.
const METADATA_EXPIRE: u64 = 48 * HOUR;

const ROOT_ERROR: &str = "Error: This command has to be run with superuser privileges (under the root user on most systems).\n";
const YUM_PLUGINS: &str = "Loaded plugins: extras_suggestions, langpacks, priorities, update-motd\n";

/// The extras topics the simulation provides, with the packages `install TOPIC` installs.
const TOPICS: &[(&str, &[&str])] = &[
    ("docker", &["docker"]),
    ("epel", &["epel-release"]),
    ("mariadb10.5", &["mariadb"]),
    ("nginx1", &["nginx"]),
    ("php8.2", &["php-cli", "php-pdo", "php-fpm", "php-json", "php-mysqlnd"]),
];

struct Out {
    o: String,
    e: String,
}

impl Out {
    fn new() -> Out {
        Out { o: String::new(), e: String::new() }
    }
    fn done(self, code: i32) -> CmdOut {
        CmdOut { stdout: self.o.into_bytes(), stderr: self.e.into_bytes(), code }
    }
}

fn now(m: &Machine) -> Time {
    Time(m.now_millis())
}

/// `Mon Jan  5 09:01:10 2026` (dnf's `%c` in the C locale).
fn c_time(t: Time) -> String {
    t.date_cmd().replace(" UTC", "")
}

/// Python's `timedelta` text: `0:00:12`, `1 day, 2:03:04`.
fn timedelta(ms: u64) -> String {
    let s = ms / 1000;
    let (d, h, mi, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    let hms = format!("{h}:{mi:02}:{sec:02}");
    match d {
        0 => hms,
        1 => format!("1 day, {hms}"),
        d => format!("{d} days, {hms}"),
    }
}

/// A transfer rate as dnf prints it: `248 kB/s`, `2.0 MB/s`, `41 MB/s`.
fn rate(kb_per_s: u64) -> String {
    format!("{}/s", dl_size(kb_per_s))
}

/// A download size as dnf's progress lines print it: `129 kB`, `2.3 MB`.
fn dl_size(kb: u64) -> String {
    if kb >= 1000 {
        let mb = kb as f64 / 1024.0;
        if mb < 10.0 { format!("{mb:.1} MB") } else { format!("{mb:.0} MB") }
    } else {
        format!("{kb} kB")
    }
}

fn speed_for(kb: u64) -> u64 {
    // Small files are dominated by latency, large ones by the regional mirror's bandwidth.
    (kb * 1000 / (40 + kb / 45).max(1)).max(1)
}

/// Refresh (or report) dnf's metadata. Returns the lines dnf prints; sleeps while downloading.
fn dnf_metadata(m: &mut Machine, c: &Ctx, force: bool) -> String {
    let t = now(m);
    let fresh = m.world.compute.get(&c.id).and_then(|i| i.fs.mtime(DNF_CACHE)).filter(|&mt| !force && t.0.saturating_sub(mt) < METADATA_EXPIRE);
    let mut out = String::new();
    let checked = match fresh {
        Some(mt) => mt,
        None => {
            let (main, live) = if c.x86 { (41_574u64, 17u64) } else { (39_219, 15) };
            out.push_str(&format!("{:<48}{:>9} | {:>6}     00:05\n", "Amazon Linux 2023 repository", rate(8_400), dl_size(main)));
            out.push_str(&format!("{:<48}{:>9} | {:>6}     00:00\n", "Amazon Linux 2023 Kernel Livepatch repository", rate(214), dl_size(live)));
            m.sleep(5_200);
            let t = now(m);
            if let Some(inst) = m.world.compute.get_mut(&c.id) {
                inst.fs.mkdir_p("/var/cache/dnf");
                inst.fs.write(DNF_CACHE, b"ec2lab: stands for dnf's repository metadata cache\n".to_vec());
                inst.fs.set_mtime(DNF_CACHE, t.0);
            }
            t.0
        }
    };
    let t = now(m);
    out.push_str(&format!("Last metadata expiration check: {} ago on {}.\n", timedelta(t.0.saturating_sub(checked)), c_time(Time(checked))));
    out
}

/// dnf's transaction table: `Package Arch Version Repository Size` with sections.
fn dnf_table(sections: &[(&str, Vec<(&Pkg, String, u64)>)], d: Distro, x86: bool) -> String {
    let rows: Vec<(String, String, String, String, String)> = sections
        .iter()
        .flat_map(|(_, v)| v.iter().map(|(p, repo, kb)| (p.name.to_string(), p.arch(d, x86).to_string(), p.evr(d), repo.clone(), size_k(*kb))))
        .collect();
    let mut w = [7usize, 4, 7, 10, 4];
    for r in &rows {
        w[0] = w[0].max(r.0.len());
        w[1] = w[1].max(r.1.len());
        w[2] = w[2].max(r.2.len());
        w[3] = w[3].max(r.3.len());
        w[4] = w[4].max(r.4.len());
    }
    // dnf spreads the spare width of an 80-column terminal over the columns.
    let used = w.iter().sum::<usize>() + 5;
    if used < 80 {
        let spare = 80 - used;
        w[0] += spare / 4 + spare % 4;
        w[1] += spare / 4;
        w[2] += spare / 4;
        w[3] += spare / 4;
    }
    let line = "=".repeat(w.iter().sum::<usize>() + 5);
    let mut out = format!("{line}\n {:<a$} {:<b$} {:<c$} {:<e$} {:>f$}\n{line}\n", "Package", "Arch", "Version", "Repository", "Size", a = w[0], b = w[1], c = w[2], e = w[3], f = w[4]);
    for (title, v) in sections {
        if v.is_empty() {
            continue;
        }
        out.push_str(&format!("{title}:\n"));
        for (p, repo, kb) in v {
            out.push_str(&format!(" {:<a$} {:<b$} {:<c$} {:<e$} {:>f$}\n", p.name, p.arch(d, x86), p.evr(d), repo, size_k(*kb), a = w[0], b = w[1], c = w[2], e = w[3], f = w[4]));
        }
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "Package" } else { "Packages" }
}

/// `  Installing       : apr-1.7.5-1.amzn2023.0.4.x86_64           1/12`
fn step(action: &str, what: &str, i: usize, n: usize) -> String {
    let left = format!("  {action:<17}: {what}");
    let count = format!("{i}/{n}");
    let pad = 80usize.saturating_sub(left.len() + count.len()).max(1);
    format!("{left}{}{count}\n", " ".repeat(pad))
}

/// Two columns of names when they fit in 80 columns, else one per line.
fn columns(items: &[String]) -> String {
    let mut out = String::new();
    let w = items.iter().map(|s| s.len()).max().unwrap_or(0) + 2;
    if w * 2 + 2 <= 80 {
        for pair in items.chunks(2) {
            match pair {
                [a, b] => out.push_str(&format!("  {a:<w$}{b}\n")),
                [a] => out.push_str(&format!("  {a}\n")),
                _ => {}
            }
        }
    } else {
        for a in items {
            out.push_str(&format!("  {a}\n"));
        }
    }
    out
}

/// No answer to a prompt: what real tools do on end-of-input, plus a word for the console.
fn no_answer(m: &Machine, o: &mut Out, flag: &str, tool: &str) {
    if m.clock.is_none() {
        o.e.push_str(&format!("ec2lab: the console cannot answer prompts: add {flag} to the {tool} command (or pipe in `yes`)\n"));
    }
}

// ---------------------------------------------------------------------------------------------
// dnf (Amazon Linux 2023)
// ---------------------------------------------------------------------------------------------

pub(crate) fn dnf(m: &mut Machine, inv: &Invocation, c: &Ctx) -> CmdOut {
    let a = Args::parse(inv.argv, &["-c", "--config", "--setopt", "--enablerepo", "--disablerepo", "--releasever", "-x", "--exclude", "--repo", "--repoid", "--installroot"]);
    let mut o = Out::new();
    if a.has(&["--version"]) {
        return CmdOut::ok("4.14.0\n");
    }
    if a.has(&["-h", "--help"]) || a.sub.is_none() {
        let text = "usage: dnf [options] COMMAND\n\nList of Main Commands:\n\nautoremove, check-update, clean, info, install, list, makecache, remove, repolist,\nsearch, upgrade (and more, not simulated)\n";
        return if a.sub.is_none() && !a.has(&["-h", "--help"]) { CmdOut::err(1, format!("{text}Error: No command given\n")) } else { CmdOut::ok(text) };
    }
    let sub = a.sub.clone().unwrap_or_default();
    let yes = a.has(&["-y", "--assumeyes"]) || (!a.has(&["--assumeno"]) && answered_yes(inv.stdin));
    let quiet = a.has(&["-q", "--quiet"]);
    let needs_root = matches!(sub.as_str(), "install" | "in" | "reinstall" | "remove" | "erase" | "rm" | "update" | "upgrade" | "up" | "autoremove" | "clean" | "distro-sync" | "downgrade");
    if needs_root && !c.root {
        return CmdOut::err(1, ROOT_ERROR);
    }
    match sub.as_str() {
        "install" | "in" => {
            if a.operands.is_empty() {
                return CmdOut::err(1, "Error: Need to pass a list of pkgs to install\n");
            }
            if let Some(op) = a.operands.iter().find(|o| o.contains('/') || o.ends_with(".rpm")) {
                return CmdOut::err(1, format!("ec2lab: installing from a file or URL ({op}) is not simulated yet\n"));
            }
            let meta = dnf_metadata(m, c, false);
            if !quiet {
                o.o.push_str(&meta);
            }
            dnf_install(m, c, &a.operands, yes, quiet, o)
        }
        "remove" | "erase" | "rm" | "autoremove" => {
            if a.operands.is_empty() && sub != "autoremove" {
                return CmdOut::err(1, "Error: Need to pass a list of pkgs to remove\n");
            }
            dnf_remove(m, c, &a.operands, yes, quiet, sub == "autoremove", o)
        }
        "update" | "upgrade" | "up" | "check-update" | "upgrade-minimal" | "distro-sync" => {
            let meta = dnf_metadata(m, c, false);
            if !quiet {
                o.o.push_str(&meta);
            }
            let Some(inst) = m.world.compute.get(&c.id) else { return o.done(1) };
            let not_installed: Vec<&String> = a.operands.iter().filter(|n| !installed(inst, c.d, n)).collect();
            if !not_installed.is_empty() {
                for n in &not_installed {
                    if super::candidate(inst, c.d, n).is_some() {
                        o.o.push_str(&format!("Package {n} available, but not installed.\n"));
                    }
                    o.o.push_str(&format!("No match for argument: {n}\n"));
                }
                o.e.push_str("Error: No packages marked for upgrade.\n");
                return o.done(1);
            }
            if sub != "check-update" && !quiet {
                o.o.push_str("Dependencies resolved.\nNothing to do.\nComplete!\n");
            }
            m.sleep(1_500);
            o.done(0)
        }
        "list" | "ls" | "info" => {
            let meta = dnf_metadata(m, c, false);
            if !quiet {
                o.o.push_str(&meta);
            }
            list_or_info(m, c, &sub, &a.operands, o, false)
        }
        "search" => {
            if a.operands.is_empty() {
                return CmdOut::err(1, "Error: Need to pass a list of search terms\n");
            }
            let meta = dnf_metadata(m, c, false);
            if !quiet {
                o.o.push_str(&meta);
            }
            search(m, c, &a.operands, o, false)
        }
        "makecache" | "mc" => {
            let meta = dnf_metadata(m, c, a.has(&["--refresh"]));
            o.o.push_str(&meta);
            o.o.push_str("Metadata cache created.\n");
            o.done(0)
        }
        "clean" => {
            match a.operands.first().map(String::as_str) {
                Some("all") | Some("metadata") | Some("dbcache") | Some("expire-cache") => {
                    let had = m.world.compute.get_mut(&c.id).map(|i| i.fs.remove(DNF_CACHE, false).is_ok()).unwrap_or(false);
                    o.o.push_str(if had { "17 files removed\n" } else { "0 files removed\n" });
                }
                Some("packages") => o.o.push_str("0 files removed\n"),
                _ => return CmdOut::err(1, "usage: dnf clean {metadata,packages,dbcache,expire-cache,all}\nError: argument type: invalid choice\n"),
            }
            o.done(0)
        }
        "repolist" => {
            o.o.push_str("repo id                                repo name\namazonlinux                            Amazon Linux 2023 repository\nkernel-livepatch                       Amazon Linux 2023 Kernel Livepatch repository\n");
            o.done(0)
        }
        "reinstall" | "downgrade" | "history" | "group" | "groupinstall" | "groups" | "module" | "provides" | "whatprovides" | "repoquery" | "config-manager" | "mark" | "swap" | "shell" | "alias" | "check" | "deplist" | "updateinfo" | "repository-packages" => {
            CmdOut::err(1, format!("ec2lab: dnf {sub} is not simulated yet\n"))
        }
        other => CmdOut::err(1, format!("No such command: {other}. Please use /usr/bin/dnf --help\nIt could be a DNF plugin command, try: \"dnf install 'dnf-command({other})'\"\n")),
    }
}

fn dnf_install(m: &mut Machine, c: &Ctx, names: &[String], yes: bool, quiet: bool, mut o: Out) -> CmdOut {
    let Some(inst) = m.world.compute.get(&c.id) else { return o.done(1) };
    let plan = plan_install(inst, c.d, names);
    if !quiet {
        for n in names {
            if let Some(p) = plan.already.iter().find(|p| p.answers_to(n)) {
                o.o.push_str(&format!("Package {} is already installed.\n", p.nevra(c.d, c.x86)));
            }
        }
        for n in &plan.missing {
            o.o.push_str(&format!("No match for argument: {n}\n"));
        }
    }
    if !plan.missing.is_empty() {
        o.e.push_str(&format!("Error: Unable to find a match: {}\n", plan.missing.join(" ")));
        return o.done(1);
    }
    if !quiet {
        o.o.push_str("Dependencies resolved.\n");
    }
    if plan.is_empty() {
        if !quiet {
            o.o.push_str("Nothing to do.\nComplete!\n");
        }
        return o.done(0);
    }
    let mut requested = plan.requested.clone();
    requested.sort_by(|a, b| a.name.cmp(b.name));
    let with = |v: &[&'static Pkg]| v.iter().map(|p| (*p, p.repo_on(c.d), p.download_kb as u64)).collect::<Vec<_>>();
    let all = plan.all();
    let n = all.len();
    let dl: u64 = all.iter().map(|p| p.download_kb as u64).sum();
    let size: u64 = all.iter().map(|p| p.size_kb as u64).sum();
    if !quiet {
        o.o.push_str(&dnf_table(&[("Installing", with(&requested)), ("Installing dependencies", with(&plan.deps)), ("Installing weak dependencies", with(&plan.weak))], c.d, c.x86));
        o.o.push_str(&format!("\nTransaction Summary\n{}\nInstall  {n} {}\n\nTotal download size: {}\nInstalled size: {}\n", "=".repeat(80), plural(n), size_k(dl), size_k(size)));
    }
    if !yes {
        o.o.push_str("Is this ok [y/N]: Operation aborted.\n");
        no_answer(m, &mut o, "-y", "dnf");
        return o.done(1);
    }
    let order = plan.install_order();
    if !quiet {
        o.o.push_str("Downloading Packages:\n");
        for (i, p) in all.iter().enumerate() {
            let left = format!("({}/{n}): {}.rpm", i + 1, p.nevra(c.d, c.x86));
            let left: String = if left.len() > 47 { left.chars().take(47).collect() } else { left };
            o.o.push_str(&format!("{left:<47} {:>9} | {:>6}     00:00\n", rate(speed_for(p.download_kb as u64)), dl_size(p.download_kb as u64)));
        }
        o.o.push_str(&format!("{}\n{:<47} {:>9} | {:>6}     00:0{}\n", "-".repeat(80), "Total", rate(speed_for(dl)), dl_size(dl), (dl / 20_000).min(9)));
        o.o.push_str("Running transaction check\nTransaction check succeeded.\nRunning transaction test\nTransaction test succeeded.\nRunning transaction\n");
        o.o.push_str(&step("Preparing", "", 1, 1));
        for (i, p) in order.iter().enumerate() {
            let nevra = p.nevra(c.d, c.x86);
            if !p.services.is_empty() || p.name == "mariadb105-server" {
                o.o.push_str(&step("Running scriptlet", &nevra, i + 1, n));
            }
            o.o.push_str(&step("Installing", &nevra, i + 1, n));
            if !p.services.is_empty() {
                o.o.push_str(&step("Running scriptlet", &nevra, i + 1, n));
            }
        }
        for (i, p) in order.iter().enumerate() {
            o.o.push_str(&step("Verifying", &p.nevra(c.d, c.x86), i + 1, n));
        }
        o.o.push_str("\nInstalled:\n");
        o.o.push_str(&columns(&all.iter().map(|p| p.nevra(c.d, c.x86)).collect::<Vec<_>>()));
        o.o.push_str("\nComplete!\n");
    }
    m.sleep(super::install_ms(&all));
    let t = now(m);
    let items: Vec<(&'static Pkg, bool)> = order.iter().map(|p| (*p, !plan.requested.iter().any(|q| q.name == p.name))).collect();
    if let Some(inst) = m.world.compute.get_mut(&c.id) {
        apply_install(inst, c.d, &items, t);
    }
    o.done(0)
}

fn dnf_remove(m: &mut Machine, c: &Ctx, names: &[String], yes: bool, quiet: bool, autoremove: bool, mut o: Out) -> CmdOut {
    let Some(inst) = m.world.compute.get(&c.id) else { return o.done(1) };
    let (named, missing, base) = if autoremove && names.is_empty() { (Vec::new(), Vec::new(), Vec::new()) } else { plan_remove(inst, c.d, names) };
    if let Some(b) = base.first() {
        return CmdOut::err(1, format!("ec2lab: removing {} is not simulated (the AMI's own tools depend on it)\n", b.name));
    }
    for n in &missing {
        o.o.push_str(&format!("No match for argument: {n}\n"));
    }
    let unused = unused_auto(inst, c.d, &named);
    if named.is_empty() && unused.is_empty() {
        if !missing.is_empty() {
            o.e.push_str("No packages marked for removal.\n");
        }
        o.o.push_str("Dependencies resolved.\nNothing to do.\nComplete!\n");
        return o.done(0);
    }
    let (asked, dependents): (Vec<&'static Pkg>, Vec<&'static Pkg>) = named.iter().partition(|p| names.iter().any(|n| p.answers_to(n)));
    let repo = |p: &Pkg| if super::is_base(c.d, p.name) { "@System".to_string() } else { format!("@{}", p.repo_on(c.d)) };
    let with = |v: &[&'static Pkg]| v.iter().map(|p| (*p, repo(p), p.size_kb as u64)).collect::<Vec<_>>();
    let mut all: Vec<&'static Pkg> = named.iter().chain(unused.iter()).copied().collect();
    all.sort_by(|a, b| a.name.cmp(b.name));
    let n = all.len();
    let freed: u64 = all.iter().map(|p| p.size_kb as u64).sum();
    if !quiet {
        o.o.push_str("Dependencies resolved.\n");
        o.o.push_str(&dnf_table(&[("Removing", with(&asked)), ("Removing dependent packages", with(&dependents)), ("Removing unused dependencies", with(&unused))], c.d, c.x86));
        o.o.push_str(&format!("\nTransaction Summary\n{}\nRemove  {n} {}\n\nFreed space: {}\n", "=".repeat(80), plural(n), size_k(freed)));
    }
    if !yes {
        o.o.push_str("Is this ok [y/N]: Operation aborted.\n");
        no_answer(m, &mut o, "-y", "dnf");
        return o.done(1);
    }
    if !quiet {
        o.o.push_str("Running transaction check\nTransaction check succeeded.\nRunning transaction test\nTransaction test succeeded.\nRunning transaction\n");
        o.o.push_str(&step("Preparing", "", 1, 1));
        for (i, p) in all.iter().enumerate() {
            let nevra = p.nevra(c.d, c.x86);
            if !p.services.is_empty() {
                o.o.push_str(&step("Running scriptlet", &nevra, i + 1, n));
            }
            o.o.push_str(&step("Erasing", &nevra, i + 1, n));
        }
        for (i, p) in all.iter().enumerate() {
            o.o.push_str(&step("Verifying", &p.nevra(c.d, c.x86), i + 1, n));
        }
        o.o.push_str("\nRemoved:\n");
        o.o.push_str(&columns(&all.iter().map(|p| p.nevra(c.d, c.x86)).collect::<Vec<_>>()));
        o.o.push_str("\nComplete!\n");
    }
    m.sleep(super::remove_ms(&all));
    if let Some(inst) = m.world.compute.get_mut(&c.id) {
        apply_remove(inst, c.d, &all, false);
    }
    o.done(0)
}

/// `*` and `?` globs, as dnf and rpm match package names.
pub(super) fn glob(pat: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some(('*', rest)) => (0..=n.len()).any(|i| go(rest, n.get(i..).unwrap_or(&[]))),
            Some(('?', rest)) => !n.is_empty() && go(rest, n.get(1..).unwrap_or(&[])),
            Some((c, rest)) => n.first() == Some(c) && go(rest, n.get(1..).unwrap_or(&[])),
        }
    }
    let p: Vec<char> = pat.chars().take(200).collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

/// `dnf list|info` and `yum list|info`.
fn list_or_info(m: &mut Machine, c: &Ctx, sub: &str, operands: &[String], mut o: Out, yum: bool) -> CmdOut {
    let Some(inst) = m.world.compute.get(&c.id) else { return o.done(1) };
    let (scope, pats): (&str, Vec<&String>) = match operands.first().map(String::as_str) {
        Some(s @ ("installed" | "available" | "all" | "updates" | "upgrades" | "extras" | "recent")) => (s, operands.iter().skip(1).collect()),
        _ => ("all", operands.iter().collect()),
    };
    if sub != "list" && sub != "ls" && pats.is_empty() && scope == "all" {
        // `dnf info` with no names lists everything: keep it to what is installed.
    }
    let matches = |name: &str| pats.is_empty() || pats.iter().any(|p| glob(p, name));
    let inst_rows: Vec<&'static Pkg> = installed_rows(inst, c.d).into_iter().filter(|p| matches(p.name)).collect();
    let mut avail: Vec<&'static Pkg> = Vec::new();
    for p in super::catalogue::rows(c.d) {
        if matches(p.name) && !installed(inst, c.d, p.name) && !avail.iter().any(|q| q.name == p.name) {
            if let Some(r) = super::row(inst, c.d, p.name) {
                avail.push(r);
            }
        }
    }
    avail.sort_by(|a, b| a.name.cmp(b.name));
    let show_inst = matches!(scope, "installed" | "all");
    let show_avail = matches!(scope, "available" | "all");
    let repo_of = |p: &Pkg, inst_: bool| {
        if !inst_ {
            p.repo_on(c.d)
        } else if super::is_base(c.d, p.name) {
            if yum { "installed".into() } else { "@System".into() }
        } else {
            format!("@{}", p.repo_on(c.d))
        }
    };
    let mut any = false;
    let mut section = |title: &str, v: &[&'static Pkg], inst_: bool, out: &mut String| {
        if v.is_empty() {
            return;
        }
        any = true;
        out.push_str(&format!("{title}\n"));
        for p in v {
            if sub == "info" {
                let ver = p.version_on(c.d);
                let (version, release) = ver.split_once('-').unwrap_or((ver, ""));
                out.push_str(&format!("Name         : {}\n", p.name));
                if p.epoch > 0 {
                    out.push_str(&format!("Epoch        : {}\n", p.epoch));
                }
                out.push_str(&format!("Version      : {version}\nRelease      : {release}\nArchitecture : {}\nSize         : {}\n", p.arch(c.d, c.x86), size_k(if inst_ { p.size_kb } else { p.download_kb } as u64)));
                out.push_str(&format!("Source       : {}-{ver}.src.rpm\n", p.name));
                out.push_str(&format!("{:<13}: {}\n", if inst_ { "From repo" } else { "Repository" }, if inst_ { p.repo_on(c.d) } else { repo_of(p, false) }));
                out.push_str(&format!("Summary      : {}\n\n", p.summary));
            } else {
                let na = format!("{}.{}", p.name, p.arch(c.d, c.x86));
                out.push_str(&format!("{na:<37} {:<33} {}\n", p.evr(c.d), repo_of(p, inst_)));
            }
        }
    };
    if show_inst {
        section("Installed Packages", &inst_rows, true, &mut o.o);
    }
    if show_avail {
        section("Available Packages", &avail, false, &mut o.o);
    }
    if !any {
        o.e.push_str("Error: No matching Packages to list\n");
        return o.done(1);
    }
    o.done(0)
}

fn search(m: &mut Machine, c: &Ctx, terms: &[String], mut o: Out, yum: bool) -> CmdOut {
    let Some(inst) = m.world.compute.get(&c.id) else { return o.done(1) };
    let mut seen: Vec<&str> = Vec::new();
    let mut rows: Vec<&'static Pkg> = Vec::new();
    for p in super::catalogue::rows(c.d) {
        if !seen.contains(&p.name) && super::row(inst, c.d, p.name).is_some_and(|r| std::ptr::eq(r, p)) {
            seen.push(p.name);
            rows.push(p);
        }
    }
    rows.sort_by(|a, b| a.name.cmp(b.name));
    let term = terms.join(" ");
    let t = term.to_ascii_lowercase();
    let exact: Vec<&Pkg> = rows.iter().copied().filter(|p| p.name == t).collect();
    let both: Vec<&Pkg> = rows.iter().copied().filter(|p| p.name != t && p.name.contains(t.as_str()) && p.summary.to_ascii_lowercase().contains(t.as_str())).collect();
    let name: Vec<&Pkg> = rows.iter().copied().filter(|p| p.name != t && p.name.contains(t.as_str()) && !p.summary.to_ascii_lowercase().contains(t.as_str())).collect();
    let summ: Vec<&Pkg> = rows.iter().copied().filter(|p| !p.name.contains(t.as_str()) && p.summary.to_ascii_lowercase().contains(t.as_str())).collect();
    if exact.is_empty() && both.is_empty() && name.is_empty() && summ.is_empty() {
        if yum {
            o.o.push_str(&format!("No matches found\n"));
            return o.done(0);
        }
        o.e.push_str("No matches found.\n");
        return o.done(1);
    }
    let header = |title: String| {
        let inner = format!(" {title} ");
        let left = 80usize.saturating_sub(inner.len()) / 2;
        let right = 80usize.saturating_sub(inner.len() + left);
        format!("{}{inner}{}\n", "=".repeat(left), "=".repeat(right))
    };
    for (title, v) in [(format!("Name Exactly Matched: {term}"), exact), (format!("Name & Summary Matched: {term}"), both), (format!("Name Matched: {term}"), name), (format!("Summary Matched: {term}"), summ)] {
        if v.is_empty() {
            continue;
        }
        o.o.push_str(&header(if yum { title.replace("Exactly Matched", "Exactly Matched") } else { title }));
        for p in v {
            o.o.push_str(&format!("{}.{} : {}\n", p.name, p.arch(c.d, c.x86), p.summary));
        }
    }
    o.done(0)
}

// ---------------------------------------------------------------------------------------------
// yum 3 (Amazon Linux 2)
// ---------------------------------------------------------------------------------------------

fn yum_metadata(m: &mut Machine, c: &Ctx) -> String {
    let t = now(m);
    let fresh = m.world.compute.get(&c.id).and_then(|i| i.fs.mtime(YUM_CACHE)).is_some_and(|mt| t.0.saturating_sub(mt) < METADATA_EXPIRE);
    if fresh {
        return String::new();
    }
    let mut out = String::new();
    let repos: Vec<String> = {
        let inst = m.world.compute.get(&c.id);
        let mut v = vec!["amzn2-core".to_string()];
        for (topic, _) in TOPICS {
            if inst.is_some_and(|i| super::extras_enabled(i, topic)) {
                v.push(format!("amzn2extra-{topic}"));
            }
        }
        if inst.is_some_and(|i| i.fs.is_file("/etc/yum.repos.d/epel.repo")) {
            v.push("epel/x86_64/metalink".into());
        }
        v
    };
    for r in &repos {
        out.push_str(&format!("{r:<57}| 3.6 kB  00:00:00     \n"));
    }
    out.push_str(&format!("{:<59}| 2.7 kB  00:00:00     \n", "(1/3): amzn2-core/2/x86_64/group_gz"));
    out.push_str(&format!("{:<59}| 1.1 MB  00:00:00     \n", "(2/3): amzn2-core/2/x86_64/updateinfo"));
    out.push_str(&format!("{:<59}|  76 MB  00:00:01     \n", "(3/3): amzn2-core/2/x86_64/primary_db"));
    m.sleep(4_300);
    let t = now(m);
    if let Some(inst) = m.world.compute.get_mut(&c.id) {
        inst.fs.mkdir_p("/var/cache/yum/amzn2-core");
        inst.fs.write(YUM_CACHE, b"ec2lab: stands for yum's repository metadata cache\n".to_vec());
        inst.fs.set_mtime(YUM_CACHE, t.0);
    }
    out
}

/// `httpd.x86_64 0:2.4.62-1.amzn2.0.2` (yum's way of naming a package).
fn yum_name(p: &Pkg, c: &Ctx) -> String {
    format!("{}.{} {}:{}", p.name, p.arch(c.d, c.x86), p.epoch, p.version_on(c.d))
}

/// `1:mariadb-server-5.5.68-1.amzn2.0.1.x86_64` (the epoch first, as yum prints it).
fn nevra_e(p: &Pkg, c: &Ctx) -> String {
    let e = if p.epoch > 0 { format!("{}:", p.epoch) } else { String::new() };
    format!("{e}{}-{}.{}", p.name, p.version_on(c.d), p.arch(c.d, c.x86))
}

/// The extras_suggestions plugin's hint for a package that lives in an extras topic.
fn extras_hint(name: &str, c: &Ctx) -> Option<String> {
    let topic = super::catalogue::rows(c.d).find(|p| p.name == name && p.repo.starts_with("amzn2extra-"))?.extras;
    Some(format!(
        "\n{name} is available in Amazon Linux Extra topic \"{topic}\"\n\nTo use, run\n# sudo amazon-linux-extras install {topic}\n\nLearn more at\nhttps://aws.amazon.com/amazon-linux-2/faqs/#Amazon_Linux_Extras\n\n"
    ))
}

pub(crate) fn yum(m: &mut Machine, inv: &Invocation, c: &Ctx) -> CmdOut {
    let a = Args::parse(inv.argv, &["-c", "--config", "--setopt", "--enablerepo", "--disablerepo", "--releasever", "-x", "--exclude", "--installroot"]);
    let mut o = Out::new();
    if a.has(&["--version"]) {
        return CmdOut::ok("3.4.3\n");
    }
    let quiet = a.has(&["-q", "--quiet"]);
    if !quiet {
        o.o.push_str(YUM_PLUGINS);
    }
    let Some(sub) = a.sub.clone() else {
        o.e.push_str("You need to give some command\nUsage: yum [options] COMMAND\n");
        return o.done(1);
    };
    let yes = a.has(&["-y", "--assumeyes"]) || (!a.has(&["--assumeno"]) && answered_yes(inv.stdin));
    if matches!(sub.as_str(), "install" | "remove" | "erase" | "update" | "upgrade" | "clean" | "makecache" | "autoremove" | "reinstall" | "localinstall" | "groupinstall") && !c.root {
        o.e.push_str("You need to be root to perform this command.\n");
        return o.done(1);
    }
    match sub.as_str() {
        "install" => {
            if a.operands.is_empty() {
                o.e.push_str("Error: Need to pass a list of pkgs to install\n Mini usage:\n\ninstall PACKAGE...\n\nInstall a package or packages on your system\n\naliases: install-n, install-na, install-nevra\n");
                return o.done(1);
            }
            if let Some(op) = a.operands.iter().find(|o| o.contains('/') || o.ends_with(".rpm")) {
                return CmdOut::err(1, format!("ec2lab: installing from a file or URL ({op}) is not simulated yet\n"));
            }
            let meta = yum_metadata(m, c);
            if !quiet {
                o.o.push_str(&meta);
            }
            yum_install(m, c, &a.operands, yes, quiet, o)
        }
        "remove" | "erase" => yum_remove(m, c, &a.operands, yes, quiet, o),
        "update" | "upgrade" | "check-update" => {
            let meta = yum_metadata(m, c);
            if !quiet {
                o.o.push_str(&meta);
            }
            if sub != "check-update" {
                o.o.push_str("No packages marked for update\n");
            }
            m.sleep(1_200);
            o.done(0)
        }
        "list" | "info" => {
            let meta = yum_metadata(m, c);
            if !quiet {
                o.o.push_str(&meta);
            }
            list_or_info(m, c, &sub, &a.operands, o, true)
        }
        "search" => {
            if a.operands.is_empty() {
                o.e.push_str("Error: Need an item to match\n");
                return o.done(1);
            }
            let meta = yum_metadata(m, c);
            if !quiet {
                o.o.push_str(&meta);
            }
            search(m, c, &a.operands, o, true)
        }
        "makecache" => {
            if let Some(inst) = m.world.compute.get_mut(&c.id) {
                let _ = inst.fs.remove(YUM_CACHE, false);
            }
            let meta = yum_metadata(m, c);
            o.o.push_str(&meta);
            o.o.push_str("Metadata Cache Created\n");
            o.done(0)
        }
        "clean" => {
            let had = m.world.compute.get_mut(&c.id).map(|i| i.fs.remove(YUM_CACHE, false).is_ok()).unwrap_or(false);
            let repos = yum_repos(m, c).join(" ");
            o.o.push_str(&format!("Cleaning repos: {repos}\n"));
            match a.operands.first().map(String::as_str) {
                Some("all") => o.o.push_str(&format!("Cleaning up everything\nMaybe you want: rm -rf /var/cache/yum, to also free up space taken by orphaned data from disabled or removed repos\n{}\n", if had { "11 metadata files removed" } else { "0 metadata files removed" })),
                Some("metadata") => o.o.push_str(if had { "11 metadata files removed\n4 sqlite files removed\n0 metadata files removed\n" } else { "0 metadata files removed\n0 sqlite files removed\n0 metadata files removed\n" }),
                _ => o.o.push_str("0 packages removed\n"),
            }
            o.done(0)
        }
        "repolist" => {
            let meta = yum_metadata(m, c);
            if !quiet {
                o.o.push_str(&meta);
            }
            o.o.push_str(&format!("{:<32}{:<44}{:>6}\n", "repo id", "repo name", "status"));
            let mut total = 0;
            for r in yum_repos(m, c) {
                let (name, n) = match r.as_str() {
                    "amzn2-core" => ("Amazon Linux 2 core repository".to_string(), 34_716),
                    "epel" => ("Extra Packages for Enterprise Linux 7 - x86_64".to_string(), 13_795),
                    other => (format!("Amazon Extras repo for {}", other.trim_start_matches("amzn2extra-")), 95),
                };
                total += n;
                o.o.push_str(&format!("{:<32}{name:<44}{:>6}\n", format!("{r}/2/x86_64"), group(n)));
            }
            o.o.push_str(&format!("repolist: {}\n", group(total)));
            o.done(0)
        }
        other if matches!(other, "reinstall" | "localinstall" | "groupinstall" | "groups" | "history" | "provides" | "whatprovides" | "deplist" | "autoremove" | "load-transaction" | "shell") => {
            CmdOut::err(1, format!("ec2lab: yum {other} is not simulated yet\n"))
        }
        other => {
            o.e.push_str(&format!("No such command: {other}. Please use /usr/bin/yum --help\n"));
            o.done(1)
        }
    }
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn yum_repos(m: &Machine, c: &Ctx) -> Vec<String> {
    let mut v = vec!["amzn2-core".to_string()];
    if let Some(inst) = m.world.compute.get(&c.id) {
        for (topic, _) in TOPICS {
            if super::extras_enabled(inst, topic) {
                v.push(format!("amzn2extra-{topic}"));
            }
        }
        if inst.fs.is_file("/etc/yum.repos.d/epel.repo") {
            v.push("epel".into());
        }
    }
    v
}

/// yum's transaction table (same columns as dnf's, its own section titles).
fn yum_install(m: &mut Machine, c: &Ctx, names: &[String], yes: bool, quiet: bool, mut o: Out) -> CmdOut {
    let Some(inst) = m.world.compute.get(&c.id) else { return o.done(1) };
    let plan = plan_install(inst, c.d, names);
    for p in &plan.already {
        o.o.push_str(&format!("Package {} already installed and latest version\n", nevra_e(p, c)));
    }
    for n in &plan.missing {
        o.o.push_str(&format!("No package {n} available.\n"));
        if let Some(h) = extras_hint(n, c) {
            o.o.push_str(&h);
        }
    }
    if plan.is_empty() {
        if !plan.missing.is_empty() {
            o.e.push_str("Error: Nothing to do\n");
            return o.done(1);
        }
        o.o.push_str("Nothing to do\n");
        return o.done(0);
    }
    let all = plan.all();
    let order = plan.install_order();
    let n = all.len();
    let dl: u64 = all.iter().map(|p| p.download_kb as u64).sum();
    let size: u64 = all.iter().map(|p| p.size_kb as u64).sum();
    let mut deps: Vec<&'static Pkg> = plan.deps.iter().chain(&plan.weak).copied().collect();
    deps.sort_by(|a, b| a.name.cmp(b.name));
    let mut requested = plan.requested.clone();
    requested.sort_by(|a, b| a.name.cmp(b.name));
    if !quiet {
        o.o.push_str("Resolving Dependencies\n--> Running transaction check\n");
        for p in &requested {
            o.o.push_str(&format!("---> Package {} will be installed\n", yum_name(p, c)));
        }
        if !deps.is_empty() {
            for p in &requested {
                for dname in p.deps {
                    let dn = dname.trim_start_matches('?');
                    if deps.iter().any(|q| q.name == dn) {
                        o.o.push_str(&format!("--> Processing Dependency: {dn} for package: {}\n", nevra_e(p, c)));
                    }
                }
            }
            o.o.push_str("--> Running transaction check\n");
            for p in &deps {
                o.o.push_str(&format!("---> Package {} will be installed\n", yum_name(p, c)));
            }
        }
        o.o.push_str("--> Finished Dependency Resolution\n\nDependencies Resolved\n\n");
        let with = |v: &[&'static Pkg]| v.iter().map(|p| (*p, p.repo_on(c.d), p.download_kb as u64)).collect::<Vec<_>>();
        o.o.push_str(&dnf_table(&[("Installing", with(&requested)), ("Installing for dependencies", with(&deps))], c.d, c.x86));
        let summary = if deps.is_empty() {
            format!("Install  {} {}", requested.len(), if requested.len() == 1 { "Package" } else { "Packages" })
        } else {
            format!("Install  {} {} (+{} Dependent {})", requested.len(), if requested.len() == 1 { "Package" } else { "Packages" }, deps.len(), if deps.len() == 1 { "package" } else { "packages" })
        };
        o.o.push_str(&format!("\nTransaction Summary\n{}\n{summary}\n\nTotal download size: {}\nInstalled size: {}\n", "=".repeat(80), size_k(dl), size_k(size)));
    }
    if !yes {
        let t = now(m);
        let iso = t.iso();
        let stamp = format!("{}.{}-{}", iso.get(0..10).unwrap_or(""), iso.get(11..13).unwrap_or(""), iso.get(14..16).unwrap_or(""));
        o.o.push_str(&format!("Is this ok [y/d/N]: Exiting on user command\nYour transaction was saved, rerun it with:\n yum load-transaction /tmp/yum_save_tx.{stamp}.{:04x}.yumtx\n", (t.0 / 1000) % 0xffff));
        no_answer(m, &mut o, "-y", "yum");
        return o.done(1);
    }
    if !quiet {
        o.o.push_str("Downloading packages:\n");
        for (i, p) in all.iter().enumerate() {
            let left = format!("({}/{n}): {}.rpm", i + 1, p.nevra(c.d, c.x86));
            let left: String = if left.len() > 59 { left.chars().take(59).collect() } else { left };
            o.o.push_str(&format!("{left:<59}| {:>6}  00:00:00     \n", dl_size(p.download_kb as u64)));
        }
        o.o.push_str(&format!("{}\n{:<52}{:>9} | {:>6}  00:00:0{}     \n", "-".repeat(80), "Total", rate(speed_for(dl)), dl_size(dl), (dl / 20_000).min(9)));
        o.o.push_str("Running transaction check\nRunning transaction test\nTransaction test succeeded\nRunning transaction\n");
        let yum_step = |action: &str, what: &str, i: usize| {
            let left = format!("  {action:<11}: {what}");
            let count = format!("{i}/{n}");
            let pad = 78usize.saturating_sub(left.len() + count.len()).max(1);
            format!("{left}{}{count} \n", " ".repeat(pad))
        };
        for (i, p) in order.iter().enumerate() {
            o.o.push_str(&yum_step("Installing", &nevra_e(p, c), i + 1));
        }
        for (i, p) in order.iter().enumerate() {
            o.o.push_str(&yum_step("Verifying", &nevra_e(p, c), i + 1));
        }
        o.o.push_str("\nInstalled:\n");
        o.o.push_str(&columns(&requested.iter().map(|p| yum_name(p, c)).collect::<Vec<_>>()));
        if !deps.is_empty() {
            o.o.push_str("\nDependency Installed:\n");
            o.o.push_str(&columns(&deps.iter().map(|p| yum_name(p, c)).collect::<Vec<_>>()));
        }
        o.o.push_str("\nComplete!\n");
    }
    m.sleep(super::install_ms(&all));
    let t = now(m);
    let items: Vec<(&'static Pkg, bool)> = order.iter().map(|p| (*p, !plan.requested.iter().any(|q| q.name == p.name))).collect();
    if let Some(inst) = m.world.compute.get_mut(&c.id) {
        apply_install(inst, c.d, &items, t);
    }
    o.done(0)
}

fn yum_remove(m: &mut Machine, c: &Ctx, names: &[String], yes: bool, quiet: bool, mut o: Out) -> CmdOut {
    if names.is_empty() {
        o.e.push_str("Error: Need to pass a list of pkgs to remove\n");
        return o.done(1);
    }
    let Some(inst) = m.world.compute.get(&c.id) else { return o.done(1) };
    let (named, missing, base) = plan_remove(inst, c.d, names);
    if let Some(b) = base.first() {
        return CmdOut::err(1, format!("ec2lab: removing {} is not simulated (the AMI's own tools depend on it)\n", b.name));
    }
    for n in &missing {
        o.o.push_str(&format!("No Match for argument: {n}\n"));
    }
    if named.is_empty() {
        o.o.push_str("No Packages marked for removal\n");
        return o.done(0);
    }
    let (asked, dependents): (Vec<&'static Pkg>, Vec<&'static Pkg>) = named.iter().partition(|p| names.iter().any(|n| p.answers_to(n)));
    let n = named.len();
    let freed: u64 = named.iter().map(|p| p.size_kb as u64).sum();
    if !quiet {
        o.o.push_str("Resolving Dependencies\n--> Running transaction check\n");
        for p in named.iter() {
            o.o.push_str(&format!("---> Package {} will be erased\n", yum_name(p, c)));
        }
        o.o.push_str("--> Finished Dependency Resolution\n\nDependencies Resolved\n\n");
        let with = |v: &[&'static Pkg]| v.iter().map(|p| (*p, format!("@{}", p.repo_on(c.d)), p.size_kb as u64)).collect::<Vec<_>>();
        o.o.push_str(&dnf_table(&[("Removing", with(&asked)), ("Removing for dependencies", with(&dependents))], c.d, c.x86));
        let summary = if dependents.is_empty() { format!("Remove  {} {}", asked.len(), if asked.len() == 1 { "Package" } else { "Packages" }) } else { format!("Remove  {} {} (+{} Dependent packages)", asked.len(), if asked.len() == 1 { "Package" } else { "Packages" }, dependents.len()) };
        o.o.push_str(&format!("\nTransaction Summary\n{}\n{summary}\n\nInstalled size: {}\n", "=".repeat(80), size_k(freed)));
    }
    if !yes {
        o.o.push_str("Is this ok [y/N]: Exiting on user command\n");
        no_answer(m, &mut o, "-y", "yum");
        return o.done(1);
    }
    if !quiet {
        o.o.push_str("Downloading packages:\nRunning transaction check\nRunning transaction test\nTransaction test succeeded\nRunning transaction\n");
        for (i, p) in named.iter().enumerate() {
            o.o.push_str(&format!("  Erasing    : {:<55}{:>5} \n", nevra_e(p, c), format!("{}/{n}", i + 1)));
        }
        for (i, p) in named.iter().enumerate() {
            o.o.push_str(&format!("  Verifying  : {:<55}{:>5} \n", nevra_e(p, c), format!("{}/{n}", i + 1)));
        }
        o.o.push_str("\nRemoved:\n");
        o.o.push_str(&columns(&asked.iter().map(|p| yum_name(p, c)).collect::<Vec<_>>()));
        if !dependents.is_empty() {
            o.o.push_str("\nDependency Removed:\n");
            o.o.push_str(&columns(&dependents.iter().map(|p| yum_name(p, c)).collect::<Vec<_>>()));
        }
        o.o.push_str("\nComplete!\n");
    }
    m.sleep(super::remove_ms(&named));
    if let Some(inst) = m.world.compute.get_mut(&c.id) {
        apply_remove(inst, c.d, &named, false);
    }
    o.done(0)
}

// ---------------------------------------------------------------------------------------------
// amazon-linux-extras (Amazon Linux 2)
// ---------------------------------------------------------------------------------------------

pub(crate) fn extras(m: &mut Machine, inv: &Invocation, c: &Ctx) -> CmdOut {
    let a = Args::parse(inv.argv, &[]);
    let yes = a.has(&["-y"]) || answered_yes(inv.stdin);
    let sub = a.sub.clone().unwrap_or_else(|| "list".into());
    match sub.as_str() {
        "list" => {
            let Some(inst) = m.world.compute.get(&c.id) else { return CmdOut::err(1, "") };
            let mut out = String::new();
            for (i, (t, _)) in TOPICS.iter().enumerate() {
                let state = if super::extras_enabled(inst, t) { "enabled" } else { "available" };
                out.push_str(&format!("{:>3}  {t:<24} {state:<12} [ =stable ]\n", i + 1));
            }
            CmdOut { stdout: out.into_bytes(), stderr: b"ec2lab: only the topics the simulation provides are listed\n".to_vec(), code: 0 }
        }
        "enable" | "install" => {
            if !c.root {
                return CmdOut::err(1, "You lack permissions to write to system configuration.  /etc/yum.repos.d/amzn2-extras.repo\n");
            }
            if a.operands.is_empty() {
                return CmdOut::err(1, format!("amazon-linux-extras: error: {sub} requires at least one topic\n"));
            }
            let mut out = String::new();
            let mut pkgs: Vec<String> = Vec::new();
            for op in &a.operands {
                let topic = op.split('=').next().unwrap_or(op);
                let Some((_, names)) = TOPICS.iter().find(|(t, _)| *t == topic) else {
                    return CmdOut::err(1, format!("Topic {topic} is not found.\n"));
                };
                if let Some(inst) = m.world.compute.get_mut(&c.id) {
                    if !super::extras_enabled(inst, topic) {
                        let mut repo = inst.fs.read(EXTRAS_REPO).map(|d| String::from_utf8_lossy(d).into_owned()).unwrap_or_default();
                        repo.push_str(&format!("\n[amzn2extra-{topic}]\nenabled = 1\nname = Amazon Extras repo for {topic}\nmirrorlist = $awsproto://$amazonlinux.$awsregion.$awsdomain/$releasever/extras/{topic}/latest/$basearch/mirror.list\ngpgcheck = 1\npriority = 10\n"));
                        inst.fs.mkdir_p("/etc/yum.repos.d");
                        inst.fs.write(EXTRAS_REPO, repo.into_bytes());
                        let _ = inst.fs.remove(YUM_CACHE, false);
                    }
                }
                pkgs.extend(names.iter().map(|s| s.to_string()));
                if sub == "install" {
                    out.push_str(&format!("Installing {}\n", names.join(", ")));
                }
            }
            if sub == "enable" {
                out.push_str(&format!("\nNow you can install:\n # yum clean metadata\n # yum install {}\n", pkgs.join(" ")));
                return CmdOut::ok(out);
            }
            out.push_str(YUM_PLUGINS);
            out.push_str(&format!("Cleaning repos: {}\n12 metadata files removed\n4 sqlite files removed\n0 metadata files removed\n", yum_repos(m, c).join(" ")));
            out.push_str(YUM_PLUGINS);
            let meta = yum_metadata(m, c);
            out.push_str(&meta);
            let r = yum_install(m, c, &pkgs, yes, false, Out::new());
            let mut stdout = out.into_bytes();
            stdout.extend(r.stdout);
            CmdOut { stdout, stderr: r.stderr, code: r.code }
        }
        "disable" => CmdOut::err(1, "ec2lab: amazon-linux-extras disable is not simulated yet\n"),
        "info" | "help" | "--help" => CmdOut::ok("amazon-linux-extras [list | info TOPIC | enable TOPIC | install TOPIC]\n"),
        other => CmdOut::err(1, format!("amazon-linux-extras: error: unknown command {other}\n")),
    }
}

// ---------------------------------------------------------------------------------------------
// rpm queries
// ---------------------------------------------------------------------------------------------

pub(crate) fn rpm(m: &mut Machine, inv: &Invocation, c: &Ctx) -> CmdOut {
    let argv = inv.argv;
    let mut query = false;
    let (mut all, mut list, mut info, mut file) = (false, false, false, false);
    let mut names = Vec::new();
    for w in argv.iter().skip(1) {
        match w.as_str() {
            "--version" => return CmdOut::ok(if c.d == Distro::Al2 { "RPM version 4.11.3\n" } else { "RPM version 4.16.1.3\n" }),
            "--query" => query = true,
            "--all" => all = true,
            "--list" => list = true,
            "--info" => info = true,
            "--file" => file = true,
            s if s.starts_with("--") => {}
            s if s.starts_with('-') => {
                for ch in s.chars().skip(1) {
                    match ch {
                        'q' => query = true,
                        'a' => all = true,
                        'l' => list = true,
                        'i' if query => info = true,
                        'f' => file = true,
                        'i' | 'U' | 'e' | 'F' => return CmdOut::err(1, "ec2lab: installing or removing packages with rpm is not simulated yet; use dnf or yum\n"),
                        _ => {}
                    }
                }
            }
            s => names.push(s.to_string()),
        }
    }
    if !query {
        return CmdOut::err(1, "rpm: no operation specified\n");
    }
    let Some(inst) = m.world.compute.get(&c.id) else { return CmdOut::err(1, "") };
    let mut out = String::new();
    let mut err = String::new();
    let mut code = 0;
    if all {
        for p in installed_rows(inst, c.d) {
            if names.is_empty() || names.iter().any(|n| glob(n, p.name)) {
                out.push_str(&format!("{}\n", p.nevra(c.d, c.x86)));
            }
        }
        return CmdOut::ok(out);
    }
    if names.is_empty() {
        return CmdOut::err(1, "rpm: no arguments given for query\n");
    }
    for n in &names {
        if file {
            let path = crate::fs::normalize(n);
            let owner = installed_rows(inst, c.d).into_iter().find(|p| p.files.iter().any(|f| super::path_on(c.d, f).trim_end_matches('/') == path));
            match owner {
                Some(p) => out.push_str(&format!("{}\n", p.nevra(c.d, c.x86))),
                None if inst.fs.exists(&path) => {
                    out.push_str(&format!("file {path} is not owned by any package\n"));
                    code = 1;
                }
                None => {
                    err.push_str(&format!("error: file {path}: No such file or directory\n"));
                    code = 1;
                }
            }
            continue;
        }
        let Some(p) = installed_rows(inst, c.d).into_iter().find(|p| p.name == n.as_str()) else {
            out.push_str(&format!("package {n} is not installed\n"));
            code = 1;
            continue;
        };
        if list {
            let files: Vec<String> = p.files.iter().map(|f| super::path_on(c.d, f).trim_end_matches('/').to_string()).collect();
            if files.is_empty() {
                out.push_str("(contains no files)\n");
            }
            for f in files {
                out.push_str(&format!("{f}\n"));
            }
        } else if info {
            let ver = p.version_on(c.d);
            let (version, release) = ver.split_once('-').unwrap_or((ver, ""));
            out.push_str(&format!("Name        : {}\n", p.name));
            if p.epoch > 0 {
                out.push_str(&format!("Epoch       : {}\n", p.epoch));
            }
            out.push_str(&format!("Version     : {version}\nRelease     : {release}\nArchitecture: {}\nSize        : {}\nSummary     : {}\n", p.arch(c.d, c.x86), p.size_kb as u64 * 1024, p.summary));
        } else {
            out.push_str(&format!("{}\n", p.nevra(c.d, c.x86)));
        }
    }
    CmdOut { stdout: out.into_bytes(), stderr: err.into_bytes(), code }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(timedelta(12_000), "0:00:12");
        assert_eq!(timedelta(93_784_000), "1 day, 2:03:04");
        assert_eq!(c_time(Time(crate::clock::EPOCH_START_MS)), "Mon Jan  5 09:00:00 2026");
        assert_eq!(size_k(48), "48 k");
        assert_eq!(size_k(9), "9.0 k");
        assert_eq!(size_k(1434), "1.4 M");
        assert!(glob("http*", "httpd") && glob("*tools", "httpd-tools") && !glob("nginx", "nginx-core"));
        assert_eq!(group(34_716), "34,716");
        assert!(step("Installing", "x", 1, 12).ends_with("1/12\n"));
        assert_eq!(step("Installing", "apr-1.7.5-1.amzn2023.0.4.x86_64", 1, 12).trim_end().len(), 80);
    }
}
