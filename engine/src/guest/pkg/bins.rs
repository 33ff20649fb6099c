//! Programs the packages put on the PATH, as far as learners use them: version checks
//! (`httpd -v`, `nginx -v`, `php -v`, `git --version`, `mysql --version`, …), config tests,
//! `stress` (which takes the time it is told to), `wget` (through the same web serving as
//! `curl`), `tree`, and a very small `php`. Anything else an installed program is asked to do
//! says plainly that it is not simulated.

use super::catalogue::{Distro, Pkg};
use super::{installed, Ctx};
use crate::clock::{Time, SECOND};
use crate::compute::{Instance, State};
use crate::console::shell::{CmdOut, Invocation, System};
use crate::console::Machine;
use crate::guest::web::{self, WebAnswer};

/// Whether an installed package (or the AMI) provides command `name`.
pub fn provided(inst: &Instance, d: Distro, name: &str) -> bool {
    super::catalogue::rows(d).any(|p| p.commands.contains(&name) && installed(inst, d, p.name))
}

fn version_of(inst: &Instance, d: Distro, pkg: &str) -> String {
    super::row(inst, d, pkg).map(|p: &Pkg| p.version_on(d).split('-').next().unwrap_or("").to_string()).unwrap_or_default()
}

fn not_simulated(what: &str) -> CmdOut {
    CmdOut::err(1, format!("ec2lab: {what} is not simulated yet\n"))
}

fn pid(m: &Machine) -> u64 {
    2000 + (m.now_millis() / 1000) % 20_000
}

pub(crate) fn run(m: &mut Machine, inv: &Invocation, c: &Ctx, name: &str) -> CmdOut {
    let args: Vec<&str> = inv.argv.iter().skip(1).map(String::as_str).collect();
    let Some(inst) = m.world.compute.get(&c.id) else { return CmdOut::err(1, "") };
    let first = args.first().copied().unwrap_or("");
    match name {
        "httpd" | "apache2" | "apachectl" | "apache2ctl" => {
            let pkg = if c.d.is_ubuntu() { "apache2" } else { "httpd" };
            let v = version_of(inst, c.d, pkg);
            let os = c.d.server_os();
            match first {
                "-v" | "-V" => CmdOut::ok(format!("Server version: Apache/{v} ({os})\nServer built:   2025-07-29T00:00:00\n")),
                "-t" | "configtest" => {
                    let conf = if c.d.is_ubuntu() { "/etc/apache2/apache2.conf" } else { "/etc/httpd/conf/httpd.conf" };
                    if inst.fs.is_file(conf) {
                        CmdOut::err(0, "Syntax OK\n")
                    } else {
                        CmdOut::err(1, format!("{name}: Could not open configuration file {conf}: No such file or directory\n"))
                    }
                }
                "start" | "stop" | "restart" | "graceful" | "reload" => not_simulated(&format!("{name} {first} (use `sudo systemctl {first} {pkg}`)")),
                _ => not_simulated(&format!("running {name} by hand (use `sudo systemctl start {pkg}`)")),
            }
        }
        "nginx" => {
            let v = version_of(inst, c.d, "nginx");
            let suffix = if c.d.is_ubuntu() { " (Ubuntu)" } else { "" };
            match first {
                "-v" => CmdOut::err(0, format!("nginx version: nginx/{v}{suffix}\n")),
                "-V" => CmdOut::err(0, format!("nginx version: nginx/{v}{suffix}\nbuilt with OpenSSL 3.0.8\nTLS SNI support enabled\n")),
                "-t" => {
                    if inst.fs.is_file("/etc/nginx/nginx.conf") {
                        CmdOut::err(0, "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n")
                    } else {
                        CmdOut::err(1, "nginx: [emerg] open() \"/etc/nginx/nginx.conf\" failed (2: No such file or directory)\nnginx: configuration file /etc/nginx/nginx.conf test failed\n")
                    }
                }
                "-s" => {
                    let sig = args.get(1).copied().unwrap_or("");
                    if !c.root {
                        return CmdOut::err(1, "nginx: [alert] kill(1234, 1) failed (1: Operation not permitted)\n");
                    }
                    let active = inst.guest.services.get("nginx").is_some_and(|s| s.active_from.is_some());
                    if !active {
                        return CmdOut::err(1, "nginx: [error] invalid PID number \"\" in \"/run/nginx.pid\"\n");
                    }
                    let now = Time(m.now_millis());
                    let Some(inst) = m.world.compute.get_mut(&c.id) else { return CmdOut::err(1, "") };
                    match sig {
                        "reload" | "reopen" => {
                            inst.guest.reloaded.insert("nginx".into(), now);
                            CmdOut::default()
                        }
                        "stop" | "quit" => {
                            crate::guest::services::stop(inst, "nginx");
                            CmdOut::default()
                        }
                        _ => CmdOut::err(1, format!("nginx: invalid option: \"-s {sig}\"\n")),
                    }
                }
                _ => not_simulated("running nginx by hand (use `sudo systemctl start nginx`)"),
            }
        }
        "php" | "php8.3" | "php8.1" => php(m, inv, c, &args),
        "git" => match first {
            "--version" | "version" => CmdOut::ok(format!("git version {}\n", version_of(inst, c.d, "git").trim_start_matches("1:"))),
            "" => CmdOut::ok("usage: git [-v | --version] [-h | --help] <command> [<args>]\n"),
            sub => not_simulated(&format!("git {sub}")),
        },
        "mysql" | "mariadb" => {
            let (pkg, ubuntu_client) = match c.d {
                Distro::Al2023 => ("mariadb105", false),
                Distro::Al2 => ("mariadb", false),
                _ => ("mariadb-client", true),
            };
            let v = version_of(inst, c.d, pkg);
            let v = v.rsplit(':').next().unwrap_or(&v).to_string();
            if matches!(first, "--version" | "-V") {
                return CmdOut::ok(match (c.d, ubuntu_client) {
                    (Distro::Al2, _) => format!("{name}  Ver 15.1 Distrib {v}-MariaDB, for Linux (x86_64) using readline 5.1\n"),
                    (_, true) => format!("{name} from {v}-MariaDB, client 15.2 for debian-linux-gnu (x86_64) using  EditLine wrapper\n"),
                    _ => format!("{name}  Ver 15.1 Distrib {v}-MariaDB, for Linux (x86_64) using  EditLine wrapper\n"),
                });
            }
            let now = Time(m.now_millis());
            if !crate::guest::services::is_active(inst, "mariadb", now) {
                let sock = if c.d.is_ubuntu() { "/run/mysqld/mysqld.sock" } else { "/var/lib/mysql/mysql.sock" };
                return CmdOut::err(1, format!("ERROR 2002 (HY000): Can't connect to local server through socket '{sock}' (2)\n"));
            }
            not_simulated("the MariaDB client (the server is running; SQL is not simulated)")
        }
        "python3" => match first {
            "--version" | "-V" => CmdOut::ok(format!("Python {}\n", version_of(inst, c.d, "python3").split('~').next().unwrap_or(""))),
            "-m" if args.get(1) == Some(&"http.server") => not_simulated("python3 -m http.server (serve files with httpd or nginx instead)"),
            _ => not_simulated("running Python programs"),
        },
        "node" | "nodejs" => match first {
            "--version" | "-v" => CmdOut::ok(format!("v{}\n", version_of(inst, c.d, "nodejs").split(['+', '~']).next().unwrap_or(""))),
            _ => not_simulated("running Node.js programs"),
        },
        "npm" => match first {
            "--version" | "-v" => CmdOut::ok(if c.d.is_ubuntu() { "9.2.0\n" } else { "10.8.2\n" }),
            _ => not_simulated("npm"),
        },
        "stress" => stress(m, c, &args, false),
        "stress-ng" => stress(m, c, &args, true),
        "wget" => wget(m, inv, c, &args),
        "tree" => tree(m, inv, &args),
        "htop" => not_simulated("htop (it is interactive; `ps aux` and `uptime` show the same facts)"),
        "mysql_secure_installation" => not_simulated("mysql_secure_installation (it is interactive)"),
        other => not_simulated(other),
    }
}

/// `60`, `60s`, `2m`, `1h` (stress's and stress-ng's timeouts).
fn parse_timeout(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, unit) = match s.char_indices().find(|(_, ch)| !ch.is_ascii_digit()) {
        Some((i, _)) => (s.get(..i)?, s.get(i..)?),
        None => (s, "s"),
    };
    let n: u64 = num.parse().ok()?;
    let mul = match unit {
        "s" | "" => SECOND,
        "m" => 60 * SECOND,
        "h" => 3600 * SECOND,
        "d" => 86_400 * SECOND,
        _ => return None,
    };
    Some(n.saturating_mul(mul))
}

fn stress(m: &mut Machine, c: &Ctx, args: &[&str], ng: bool) -> CmdOut {
    let _ = c;
    let mut hogs: Vec<(String, u64)> = Vec::new();
    let mut timeout = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        let (key, inline) = match a.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (a, None),
        };
        let mut val = || -> Option<&str> {
            if inline.is_some() {
                inline
            } else {
                i += 1;
                args.get(i).copied()
            }
        };
        match key {
            "-c" | "--cpu" => hogs.push(("cpu".into(), val().and_then(|v| v.parse().ok()).unwrap_or(1))),
            "-i" | "--io" => hogs.push(("io".into(), val().and_then(|v| v.parse().ok()).unwrap_or(1))),
            "-m" | "--vm" => hogs.push(("vm".into(), val().and_then(|v| v.parse().ok()).unwrap_or(1))),
            "-d" | "--hdd" => hogs.push(("hdd".into(), val().and_then(|v| v.parse().ok()).unwrap_or(1))),
            "-t" | "--timeout" => {
                let Some(t) = val().and_then(parse_timeout) else {
                    return CmdOut::err(1, format!("{}: FAIL: invalid timeout\n", if ng { "stress-ng" } else { "stress" }));
                };
                timeout = Some(t);
            }
            "--vm-bytes" | "--vm-hang" | "--hdd-bytes" | "--backoff" | "--metrics-brief" | "-v" | "--verbose" | "-q" | "--quiet" => {
                if matches!(key, "--vm-bytes" | "--vm-hang" | "--hdd-bytes" | "--backoff") && inline.is_none() {
                    i += 1;
                }
            }
            "--version" => return CmdOut::ok(if ng { "stress-ng, version 0.13.00\n" } else { "stress 1.0.4\n" }),
            _ => {}
        }
        i += 1;
    }
    let p = pid(m);
    if hogs.is_empty() {
        return if ng {
            CmdOut::err(1, format!("stress-ng: info:  [{p}] no stressors specified\n"))
        } else {
            CmdOut::ok("`stress' imposes certain types of compute stress on your system\n\nUsage: stress [OPTION [ARG]] ...\n -c, --cpu N        spawn N workers spinning on sqrt()\n -t, --timeout N    timeout after N seconds\n")
        };
    }
    let Some(t) = timeout else {
        return CmdOut::err(1, "ec2lab: without --timeout the load runs until interrupted, and the console cannot interrupt it: add --timeout 60s\n");
    };
    let t = t.min(86_400 * SECOND);
    let secs = t / SECOND;
    m.sleep(t);
    if ng {
        let (mi, s) = (secs / 60, secs % 60);
        let span = if mi > 0 { format!("{mi} min, {s} secs") } else { format!("{s} secs") };
        let list: Vec<String> = hogs.iter().map(|(k, n)| format!("{n} {k}")).collect();
        CmdOut::err(0, format!("stress-ng: info:  [{p}] setting to a {span} run per stressor\nstress-ng: info:  [{p}] dispatching hogs: {}\nstress-ng: info:  [{p}] successful run completed in {}.00 secs\n", list.join(", "), if mi > 0 { format!("{mi} min, {s}") } else { s.to_string() }))
    } else {
        let count = |k: &str| hogs.iter().filter(|(h, _)| h == k).map(|(_, n)| n).sum::<u64>();
        CmdOut::ok(format!("stress: info: [{p}] dispatching hogs: {} cpu, {} io, {} vm, {} hdd\nstress: info: [{p}] successful run completed in {secs}s\n", count("cpu"), count("io"), count("vm"), count("hdd")))
    }
}

fn tree(m: &mut Machine, inv: &Invocation, args: &[&str]) -> CmdOut {
    let root = args.iter().find(|a| !a.starts_with('-')).copied().unwrap_or(".");
    let path = crate::fs::Fs::resolve(inv.cwd, root);
    let fs = m.fs();
    if !fs.is_dir(&path) {
        return CmdOut::ok(format!("{root}  [error opening dir]\n\n0 directories, 0 files\n"));
    }
    let mut out = format!("{root}\n");
    let (mut dirs, mut files) = (0, 0);
    fn walk(fs: &crate::fs::Fs, p: &str, prefix: &str, out: &mut String, dirs: &mut usize, files: &mut usize, depth: usize) {
        if depth > 20 || out.len() > 200_000 {
            return;
        }
        let Ok(names) = fs.list_dir(p) else { return };
        let names: Vec<String> = names.into_iter().filter(|n| !n.starts_with('.')).collect();
        for (i, n) in names.iter().enumerate() {
            let last = i + 1 == names.len();
            out.push_str(&format!("{prefix}{}{n}\n", if last { "\u{2514}\u{2500}\u{2500} " } else { "\u{251c}\u{2500}\u{2500} " }));
            let child = if p == "/" { format!("/{n}") } else { format!("{p}/{n}") };
            if fs.is_dir(&child) {
                *dirs += 1;
                let next = format!("{prefix}{}", if last { "    " } else { "\u{2502}   " });
                walk(fs, &child, &next, out, dirs, files, depth + 1);
            } else {
                *files += 1;
            }
        }
    }
    walk(fs, &path, "", &mut out, &mut dirs, &mut files, 0);
    out.push_str(&format!("\n{dirs} {}, {files} {}\n", if dirs == 1 { "directory" } else { "directories" }, if files == 1 { "file" } else { "files" }));
    CmdOut::ok(out)
}

// ---------------------------------------------------------------------------------------------
// php (the CLI): versions, `-r CODE` and `php FILE`, through the tiny evaluator in web.rs
// ---------------------------------------------------------------------------------------------

fn php(m: &mut Machine, inv: &Invocation, c: &Ctx, args: &[&str]) -> CmdOut {
    let Some(inst) = m.world.compute.get(&c.id) else { return CmdOut::err(1, "") };
    let v = php_version(inst, c.d);
    let first = args.first().copied().unwrap_or("");
    let env = web::PhpEnv { hostname: inst.short_hostname(), version: v.clone(), now: Time(m.now_millis()) };
    match first {
        "-v" | "--version" => {
            let zend = format!("4.{}", v.split('.').nth(1).unwrap_or("0"));
            CmdOut::ok(format!("PHP {v} (cli) (built: Oct 21 2025 12:00:00) (NTS gcc x86_64)\nCopyright (c) The PHP Group\nZend Engine v{zend}.{}, Copyright (c) Zend Technologies\n", v.split('.').nth(2).unwrap_or("0")))
        }
        "-r" => {
            let code = args.get(1).copied().unwrap_or("");
            let (out, skipped) = web::run_php(&format!("<?php {code}"), &env);
            let mut res = CmdOut::ok(out);
            if skipped > 0 {
                res.stderr = format!("ec2lab: {skipped} PHP statement(s) not run: the simulation runs only echo/print of simple values\n").into_bytes();
            }
            res
        }
        "-S" => not_simulated("PHP's built-in web server"),
        "-m" | "-i" => not_simulated(&format!("php {first}")),
        "" => not_simulated("an interactive PHP session"),
        file => {
            let p = crate::fs::Fs::resolve(inv.cwd, file);
            let src = match m.fs().read_file(&p) {
                Ok(d) => String::from_utf8_lossy(d).into_owned(),
                Err(_) => return CmdOut::err(1, format!("Could not open input file: {file}\n")),
            };
            let (out, skipped) = web::run_php(&src, &env);
            let mut res = CmdOut::ok(out);
            if skipped > 0 {
                res.stderr = format!("ec2lab: {skipped} PHP statement(s) not run: the simulation runs only echo/print of simple values\n").into_bytes();
            }
            res
        }
    }
}

/// PHP's version on this instance (`8.4.14`), or "" without PHP.
pub fn php_version(inst: &Instance, d: Distro) -> String {
    for pkg in ["php8.4-cli", "php-cli", "php8.3-cli", "php8.1-cli"] {
        if installed(inst, d, pkg) {
            return version_of(inst, d, pkg);
        }
    }
    String::new()
}

// ---------------------------------------------------------------------------------------------
// wget
// ---------------------------------------------------------------------------------------------

/// `http://host[:port]/path` → (host, port, path).
fn parse_url(url: &str) -> Option<(String, u16, String)> {
    let rest = url.strip_prefix("http://").or_else(|| if url.contains("://") { None } else { Some(url) })?;
    let (hostport, path) = match rest.find('/') {
        Some(i) => (rest.get(..i)?, rest.get(i..)?),
        None => (rest, "/"),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !hostport.starts_with('[') => (h, p.parse().ok()?),
        _ => (hostport, 80),
    };
    if host.is_empty() {
        return None;
    }
    Some((host.to_string(), port, path.to_string()))
}

fn wget(m: &mut Machine, inv: &Invocation, c: &Ctx, args: &[&str]) -> CmdOut {
    let mut quiet = false;
    let mut out_file: Option<String> = None;
    let mut url = None;
    let mut timeout: Option<u64> = None;
    let mut tries: u64 = 20;
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        match a {
            "-q" | "--quiet" => quiet = true,
            "-O" | "--output-document" => {
                i += 1;
                out_file = args.get(i).map(|s| s.to_string());
            }
            "-qO-" | "-qO" => {
                quiet = true;
                if a == "-qO-" {
                    out_file = Some("-".into());
                } else {
                    i += 1;
                    out_file = args.get(i).map(|s| s.to_string());
                }
            }
            "-T" | "--timeout" => {
                i += 1;
                timeout = args.get(i).and_then(|v| v.parse::<u64>().ok()).map(|s| s.min(3600) * SECOND);
            }
            "-t" | "--tries" => {
                i += 1;
                tries = args.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(20).clamp(1, 20);
            }
            s if s.starts_with("-O") && s.len() > 2 => out_file = s.get(2..).map(String::from),
            s if s.starts_with("--output-document=") => out_file = s.get(18..).map(String::from),
            s if s.starts_with("--timeout=") => timeout = s.get(10..).and_then(|v| v.parse::<u64>().ok()).map(|s| s.min(3600) * SECOND),
            s if s.starts_with("--tries=") => tries = s.get(8..).and_then(|v| v.parse::<u64>().ok()).unwrap_or(20).clamp(1, 20),
            s if s.starts_with('-') => {}
            s => url = Some(s.to_string()),
        }
        i += 1;
    }
    let Some(url) = url else {
        return CmdOut::err(1, "wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n");
    };
    if url.starts_with("https://") || url.starts_with("ftp://") {
        let host = url.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("");
        return CmdOut::err(4, format!("ec2lab: wget {url}: only plain HTTP to instances in this lab is simulated ({host} is outside it)\n"));
    }
    let Some((host, port, path)) = parse_url(&url) else {
        return CmdOut::err(1, format!("{url}: Invalid URL.\n"));
    };
    let full = if url.starts_with("http://") { url.clone() } else { format!("http://{url}") };
    let stamp = |t: Time| {
        let iso = t.iso();
        format!("{} {}", iso.get(0..10).unwrap_or(""), iso.get(11..19).unwrap_or(""))
    };
    let mut err = String::new();
    let t0 = Time(m.now_millis());
    if !quiet {
        err.push_str(&format!("--{}--  {full}\n", stamp(t0)));
    }
    // Where does the connection go?
    enum Dest {
        Imds,
        Instance(String, bool),
        Outside,
    }
    let dest = {
        let me = m.world.compute.get(&c.id);
        let ip = crate::net::parse_ip(&host);
        if host == "169.254.169.254" {
            Dest::Imds
        } else if host == "localhost" || host == "127.0.0.1" || me.is_some_and(|i| Some(i.private_ip) == ip || (i.public_ip.is_some() && i.public_ip == ip)) {
            Dest::Instance(c.id.clone(), true)
        } else if let Some(ip) = ip {
            match m.world.compute.iter().find(|i| i.private_ip == ip && i.state != State::Terminated || i.public_ip == Some(ip)) {
                Some(t) => {
                    let allowed = t.state == State::Running
                        && me.is_some_and(|src| {
                            let (sip, sgroups): (u32, &[String]) = if t.private_ip == ip { (src.private_ip, &src.security_groups) } else { (src.public_ip.unwrap_or(src.private_ip), &[]) };
                            t.security_groups.iter().filter_map(|g| m.world.net.sg(g)).any(|g| g.ingress.iter().any(|r| r.allows("tcp", port, Some(sip), sgroups)))
                        });
                    Dest::Instance(t.id.clone(), allowed)
                }
                None => Dest::Outside,
            }
        } else {
            Dest::Outside
        }
    };
    let req = crate::imds::HttpRequest { method: "GET".into(), path: path.clone(), headers: vec![("User-Agent".into(), "Wget/1.21.3".into()), ("Accept".into(), "*/*".into()), ("Host".into(), host.clone())], hops: 0, ipv6: false };
    let answer = match dest {
        Dest::Outside => {
            return CmdOut::err(4, format!("{err}ec2lab: the internet outside this lab is not simulated; wget reaches instances in this account and the metadata service\n"));
        }
        Dest::Imds => match crate::imds::request(m.world, &c.id, &req) {
            Some(r) => WebAnswer::Response(r),
            None => WebAnswer::Refused,
        },
        Dest::Instance(id, true) => {
            if !quiet {
                err.push_str(&format!("Connecting to {host}:{port}... "));
            }
            web::serve_at(m.world, &id, port, &req, crate::clock::Time(m.now_millis()))
        }
        Dest::Instance(_, false) => {
            // Dropped by a security group (or the instance is not running): wget waits, retries, gives up.
            let per = timeout.unwrap_or(127 * SECOND);
            for n in 1..=tries {
                if n > 1 && !quiet {
                    let t = Time(m.now_millis());
                    err.push_str(&format!("--{}--  (try:{n:>2})  {full}\n", stamp(t)));
                }
                if !quiet {
                    err.push_str(&format!("Connecting to {host}:{port}... failed: Connection timed out.\n"));
                }
                m.sleep(per);
                if n < tries {
                    if !quiet {
                        err.push_str("Retrying.\n\n");
                    }
                    m.sleep(n.min(10) * SECOND);
                }
            }
            if !quiet {
                err.push_str("Giving up.\n\n");
            }
            return CmdOut::err(4, err);
        }
    };
    let resp = match answer {
        WebAnswer::Refused => {
            if !quiet {
                err.push_str("failed: Connection refused.\n");
            }
            return CmdOut::err(4, err);
        }
        WebAnswer::NotHttp(_) => {
            if !quiet {
                err.push_str("connected.\nHTTP request sent, awaiting response... Read error (Connection reset by peer) in headers.\nGiving up.\n\n");
            }
            return CmdOut::err(4, err);
        }
        WebAnswer::Response(r) => r,
    };
    if !quiet {
        if !err.ends_with("... ") {
            err.push_str(&format!("Connecting to {host}:{port}... "));
        }
        err.push_str(&format!("connected.\nHTTP request sent, awaiting response... {} {}\n", resp.status, resp.reason));
    }
    if resp.status >= 400 {
        if !quiet {
            err.push_str(&format!("{} ERROR {}: {}.\n\n", stamp(Time(m.now_millis())), resp.status, resp.reason));
        }
        return CmdOut::err(8, err);
    }
    let ctype = resp.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-type")).map(|(_, v)| v.split(';').next().unwrap_or("").to_string()).unwrap_or_default();
    let len = resp.body.len();
    let name = match &out_file {
        Some(f) => f.clone(),
        None => {
            let last = path.split('?').next().unwrap_or("").rsplit('/').next().unwrap_or("");
            let base = if last.is_empty() { "index.html".to_string() } else { last.to_string() };
            let mut name = base.clone();
            let mut n = 1;
            while m.fs().exists(&crate::fs::Fs::resolve(inv.cwd, &name)) && n < 100 {
                name = format!("{base}.{n}");
                n += 1;
            }
            name
        }
    };
    if !quiet {
        err.push_str(&format!("Length: {len} [{ctype}]\n"));
        if name != "-" {
            err.push_str(&format!("Saving to: \u{2018}{name}\u{2019}\n\n"));
            err.push_str(&format!("{:<20}100%[===================>] {len:>7}  --.-KB/s    in 0s      \n\n", name.chars().take(19).collect::<String>()));
            err.push_str(&format!("{} (12.4 MB/s) - \u{2018}{name}\u{2019} saved [{len}/{len}]\n\n", stamp(Time(m.now_millis()))));
        }
    }
    if name == "-" {
        return CmdOut { stdout: resp.body, stderr: err.into_bytes(), code: 0 };
    }
    let p = crate::fs::Fs::resolve(inv.cwd, &name);
    if let Err(e) = m.fs().write_file(&p, resp.body) {
        return CmdOut::err(3, format!("{err}{name}: {e}\n"));
    }
    let t = m.now_millis();
    m.fs().set_mtime(&p, t);
    if inv.env.get("USER").is_some_and(|u| u != "root") {
        let u = inv.env.get("USER").cloned().unwrap_or_default();
        m.fs().chown(&p, &u);
    }
    CmdOut { stdout: Vec::new(), stderr: err.into_bytes(), code: 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_timeouts() {
        assert_eq!(parse_url("http://10.0.0.5/a/b.html"), Some(("10.0.0.5".into(), 80, "/a/b.html".into())));
        assert_eq!(parse_url("http://10.0.0.5:8080"), Some(("10.0.0.5".into(), 8080, "/".into())));
        assert_eq!(parse_url("localhost"), Some(("localhost".into(), 80, "/".into())));
        assert_eq!(parse_url("http://:80/"), None);
        assert_eq!(parse_timeout("60s"), Some(60_000));
        assert_eq!(parse_timeout("2m"), Some(120_000));
        assert_eq!(parse_timeout("90"), Some(90_000));
        assert_eq!(parse_timeout("x"), None);
    }
}
