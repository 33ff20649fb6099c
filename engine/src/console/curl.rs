//! `curl`: an HTTP client over the simulated network.
//!
//! On an instance, `169.254.169.254`, `instance-data` and `[fd00:ec2::254]` reach the metadata
//! service ([`crate::imds::request`]); instance addresses (and `localhost` on an instance) reach
//! whatever web server listens there ([`crate::guest::web::serve`]) once state and security
//! groups let the connection through. What fails, fails the way curl 8 says it: exit 6 (name not
//! resolved), 7 (refused), 22 (`-f` and a status of 400 or more), 28 (timeouts), 3 (bad URL).
//! The same client runs inside `docker run … curl` (one network hop further away).

use super::shell::{CmdOut, Invocation, System};
use super::ssh::{resolve, tcp_reaches, Target, TCP_CONNECT_TIMEOUT_MS};
use super::Machine;
use crate::fs::Fs;
use crate::guest::web::{self, WebAnswer};
use crate::imds::{self, HttpRequest, HttpResponse};

/// What this curl calls itself (Amazon Linux 2023 and Ubuntu 24.04 ship curl 8).
pub const USER_AGENT: &str = "curl/8.5.0";
const TRY: &str = "curl: try 'curl --help' or 'curl --manual' for more information\n";
/// A web page as curl sees it takes a moment; successful transfers do not move the clock.
const MAX_REDIRECTS: usize = 50;

/// Where a curl process runs: on the instance itself, or in a container on it.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Ctx {
    /// Network hops to the instance's interface (a container bridge adds one).
    pub hops: u32,
    /// In a container: `-o` writes into the container's own (throw-away) filesystem, and
    /// `localhost` is the container, unless it shares the host's network.
    pub container: bool,
    pub host_network: bool,
}

#[derive(Default)]
struct Opts {
    silent: bool,
    show_error: bool,
    fail: bool,
    fail_with_body: bool,
    include: bool,
    head: bool,
    verbose: bool,
    location: bool,
    output: Option<String>,
    remote_name: bool,
    write_out: Option<String>,
    method: Option<String>,
    headers: Vec<String>,
    connect_timeout: Option<u64>,
    max_time: Option<u64>,
    data: Option<String>,
    user_agent: Option<String>,
    urls: Vec<String>,
    help: bool,
    /// Options curl has that change nothing here (`-k`, `--compressed`, `--retry N`, …).
    ignored: Vec<String>,
}

/// Long name for a short option letter.
fn short_name(c: char) -> Option<&'static str> {
    Some(match c {
        's' => "silent",
        'S' => "show-error",
        'f' => "fail",
        'i' => "include",
        'I' => "head",
        'v' => "verbose",
        'L' => "location",
        'o' => "output",
        'O' => "remote-name",
        'w' => "write-out",
        'X' => "request",
        'H' => "header",
        'm' => "max-time",
        'd' => "data",
        'A' => "user-agent",
        'e' => "referer",
        'u' => "user",
        'k' => "insecure",
        '4' => "ipv4",
        '6' => "ipv6",
        'g' => "globoff",
        'N' => "no-buffer",
        '#' => "progress-bar",
        'q' => "disable",
        'h' => "help",
        _ => return None,
    })
}

/// Does long option `name` take a value? `None`: not an option this curl knows.
fn takes_value(name: &str) -> Option<bool> {
    Some(match name {
        "output" | "write-out" | "request" | "header" | "max-time" | "connect-timeout" | "data" | "data-raw"
        | "data-binary" | "data-ascii" | "user-agent" | "referer" | "user" | "retry" | "retry-delay" | "retry-max-time"
        | "url" | "cacert" | "capath" => true,
        "silent" | "show-error" | "fail" | "fail-with-body" | "include" | "head" | "verbose" | "location"
        | "remote-name" | "insecure" | "ipv4" | "ipv6" | "globoff" | "no-buffer" | "progress-bar" | "disable"
        | "help" | "compressed" | "http1.1" | "no-progress-meter" | "fail-early" | "retry-connrefused"
        | "create-dirs" | "tcp-nodelay" | "no-keepalive" | "path-as-is" | "location-trusted" => false,
        _ => return None,
    })
}

fn seconds_ms(v: &str) -> Option<u64> {
    let s: f64 = v.trim().parse().ok()?;
    if !s.is_finite() || s < 0.0 {
        return None;
    }
    Some((s.min(86_400.0) * 1000.0).round() as u64)
}

fn apply(o: &mut Opts, name: &str, shown: &str, value: Option<&str>) -> Result<(), String> {
    let v = value.unwrap_or("");
    match name {
        "silent" => o.silent = true,
        "show-error" => o.show_error = true,
        "fail" => o.fail = true,
        "fail-with-body" => o.fail_with_body = true,
        "include" => o.include = true,
        "head" => o.head = true,
        "verbose" => o.verbose = true,
        "location" | "location-trusted" => o.location = true,
        "output" => o.output = Some(v.to_string()),
        "remote-name" => o.remote_name = true,
        "write-out" => o.write_out = Some(v.to_string()),
        "request" => o.method = Some(v.to_string()),
        "header" => o.headers.push(v.to_string()),
        "max-time" | "connect-timeout" => {
            let Some(ms) = seconds_ms(v) else {
                return Err(format!("curl: option {shown}: expected a proper numerical parameter\n{TRY}"));
            };
            if name == "max-time" {
                o.max_time = Some(ms);
            } else {
                o.connect_timeout = Some(ms);
            }
        }
        "data" | "data-raw" | "data-binary" | "data-ascii" => {
            o.data = Some(match o.data.take() {
                Some(prev) => format!("{prev}&{v}"),
                None => v.to_string(),
            })
        }
        "user-agent" => o.user_agent = Some(v.to_string()),
        "url" => o.urls.push(v.to_string()),
        "help" => o.help = true,
        _ => o.ignored.push(shown.to_string()),
    }
    Ok(())
}

fn parse(args: &[String]) -> Result<Opts, CmdOut> {
    let mut o = Opts::default();
    let usage = |msg: String| CmdOut::err(2, msg);
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if let Some(long) = a.strip_prefix("--") {
            let Some(needs) = takes_value(long) else {
                return Err(usage(format!("ec2lab: curl: option {a} is not simulated yet (or is not a curl option)\n")));
            };
            let value = if needs {
                let Some(v) = args.get(i) else {
                    return Err(usage(format!("curl: option {a}: requires parameter\n{TRY}")));
                };
                i += 1;
                Some(v.as_str())
            } else {
                None
            };
            apply(&mut o, long, a, value).map_err(usage)?;
        } else if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a.chars().skip(1).collect();
            let mut k = 0;
            while k < chars.len() {
                let c = chars[k];
                k += 1;
                let Some(name) = short_name(c) else {
                    return Err(usage(format!("ec2lab: curl: option -{c} is not simulated yet (or is not a curl option)\n")));
                };
                let shown = format!("-{c}");
                if takes_value(name) == Some(true) {
                    let rest: String = chars[k..].iter().collect();
                    k = chars.len();
                    let value = if !rest.is_empty() {
                        rest
                    } else if let Some(v) = args.get(i) {
                        i += 1;
                        v.clone()
                    } else {
                        return Err(usage(format!("curl: option {shown}: requires parameter\n{TRY}")));
                    };
                    apply(&mut o, name, &shown, Some(&value)).map_err(usage)?;
                } else {
                    apply(&mut o, name, &shown, None).map_err(usage)?;
                }
            }
        } else {
            o.urls.push(a.to_string());
        }
    }
    Ok(o)
}

const HELP: &str = "\
Usage: curl [options...] <url>
 -d, --data <data>           HTTP POST data
 -f, --fail                  Fail fast with no output on HTTP errors
 -h, --help <category>       Get help for commands
 -H, --header <header/@file> Pass custom header(s) to server
 -i, --include               Include protocol response headers in the output
 -I, --head                  Show document info only
 -L, --location              Follow redirects
 -m, --max-time <fractional seconds> Maximum time allowed for transfer
     --connect-timeout <fractional seconds> Maximum time allowed for connection
 -o, --output <file>         Write to file instead of stdout
 -O, --remote-name           Write output to a file named as the remote file
 -s, --silent                Silent mode
 -S, --show-error            Show error even when -s is used
 -v, --verbose               Make the operation more talkative
 -w, --write-out <format>    Use output FORMAT after completion
 -X, --request <method>      Specify request method to use
";

/// A URL as curl takes it apart.
#[derive(Clone, Debug)]
struct Url {
    full: String,
    scheme: String,
    /// Lower-case host, without the brackets of an IPv6 literal.
    host: String,
    ipv6_literal: bool,
    port: u16,
    /// What the Host header carries (`host` or `host:port`, brackets kept).
    authority: String,
    /// Path and query (`/` at least).
    path: String,
}

fn parse_url(raw: &str) -> Result<Url, (i32, String)> {
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err((3, "curl: (3) URL rejected: Malformed input to a URL function\n".into()));
    }
    let (scheme, rest) = match raw.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("http".to_string(), raw),
    };
    if scheme != "http" && scheme != "https" {
        return Err((1, format!("curl: (1) Protocol \"{scheme}\" not supported\n")));
    }
    let full = if raw.contains("://") { raw.to_string() } else { format!("http://{raw}") };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let mut path = rest[end..].split('#').next().unwrap_or("").to_string();
    if path.is_empty() || path.starts_with('?') {
        path = format!("/{path}");
    }
    let hostport = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
    let default_port = if scheme == "https" { 443 } else { 80 };
    let bad_port = || (3, "curl: (3) URL rejected: Port number was not a decimal number between 0 and 65535\n".to_string());
    let parse_port = |p: &str| -> Result<u16, (i32, String)> {
        if p.is_empty() {
            return Ok(default_port);
        }
        if !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 5 {
            return Err(bad_port());
        }
        p.parse::<u16>().map_err(|_| bad_port())
    };
    let (host, ipv6_literal, port) = if let Some(inner) = hostport.strip_prefix('[') {
        let Some((addr, after)) = inner.split_once(']') else {
            return Err((3, "curl: (3) URL rejected: Bad IPv6 address\n".into()));
        };
        if addr.is_empty() || !addr.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') || !addr.contains(':') {
            return Err((3, "curl: (3) URL rejected: Bad IPv6 address\n".into()));
        }
        let port = match after.strip_prefix(':') {
            Some(p) => parse_port(p)?,
            None if after.is_empty() => default_port,
            None => return Err((3, "curl: (3) URL rejected: Bad IPv6 address\n".into())),
        };
        (addr.to_ascii_lowercase(), true, port)
    } else {
        let (h, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h, parse_port(p)?),
            None => (hostport, default_port),
        };
        if h.is_empty() {
            return Err((3, "curl: (3) URL rejected: No host part in the URL\n".into()));
        }
        if !h.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_') {
            return Err((3, "curl: (3) URL rejected: Bad hostname\n".into()));
        }
        (h.to_ascii_lowercase(), false, port)
    };
    Ok(Url { full, scheme, host, ipv6_literal, port, authority: hostport.to_string(), path })
}

/// Where a connection goes.
enum Dest {
    Imds { ipv6: bool },
    Web { instance: String },
    CheckIp,
    Refused,
    Drop,
    /// No route (an IPv6 address on an IPv4-only network).
    Unreachable,
    Unresolvable,
    /// A name on the real internet.
    Outside,
}

fn is_loopback(u: &Url) -> bool {
    u.host == "localhost" || u.host.ends_with(".localhost") || (u.ipv6_literal && u.host == "::1") || (!u.ipv6_literal && u.host.starts_with("127.") && crate::net::parse_ip(&u.host).is_some())
}

/// Decide where `u` leads from this machine, and the address curl would connect to.
fn route(m: &Machine, u: &Url, ctx: Ctx) -> (Dest, String) {
    let here = m.on_instance().map(str::to_string);
    let h = u.host.as_str();
    if u.ipv6_literal {
        if h == "fd00:ec2::254" {
            return match here {
                Some(_) if u.port == 80 => (Dest::Imds { ipv6: true }, h.into()),
                Some(_) => (Dest::Refused, h.into()),
                None => (Dest::Unreachable, h.into()),
            };
        }
        if h == "::1" {
            return loopback(here, ctx, h);
        }
        return (Dest::Unreachable, h.into());
    }
    if matches!(h, "169.254.169.254" | "instance-data" | "instance-data.ec2.internal") {
        return match here {
            Some(_) if u.port == 80 => (Dest::Imds { ipv6: false }, "169.254.169.254".into()),
            Some(_) => (Dest::Refused, "169.254.169.254".into()),
            None if h == "169.254.169.254" => (Dest::Drop, h.into()),
            None => (Dest::Unresolvable, h.into()),
        };
    }
    if is_loopback(u) {
        let addr = if h.starts_with("127.") { h } else { "127.0.0.1" };
        return loopback(here, ctx, addr);
    }
    if h == "checkip.amazonaws.com" {
        return (Dest::CheckIp, "checkip.amazonaws.com".into());
    }
    match resolve(m, h) {
        Target::Instance(inst) => {
            let addr = if crate::net::parse_ip(h).is_some() {
                h.to_string()
            } else if h.ends_with(".ec2.internal") {
                inst.private_ip_string()
            } else {
                inst.public_ip_string().unwrap_or_else(|| inst.private_ip_string())
            };
            // A machine reaches its own private address over loopback: no security group.
            if here.as_deref() == Some(inst.id.as_str()) && addr == inst.private_ip_string() && (!ctx.container || ctx.host_network) {
                return (Dest::Web { instance: inst.id.clone() }, addr);
            }
            match tcp_reaches(m, inst, u.port) {
                Ok(()) => (Dest::Web { instance: inst.id.clone() }, addr),
                Err(true) => (Dest::Drop, addr),
                Err(false) => (Dest::Refused, addr),
            }
        }
        Target::Silent | Target::Metadata => (Dest::Drop, h.into()),
        Target::Unresolvable => {
            let ours = h.ends_with(".ec2.internal") || h.ends_with(".compute.internal") || h.ends_with(".compute-1.amazonaws.com");
            if h.contains('.') && !ours && crate::net::parse_ip(h).is_none() {
                (Dest::Outside, h.into())
            } else {
                (Dest::Unresolvable, h.into())
            }
        }
    }
}

fn loopback(here: Option<String>, ctx: Ctx, addr: &str) -> (Dest, String) {
    match here {
        // A container's own loopback: nothing listens in it.
        Some(_) if ctx.container && !ctx.host_network => (Dest::Refused, addr.into()),
        Some(id) => (Dest::Web { instance: id }, addr.into()),
        // The learner's workstation runs no web server.
        None => (Dest::Refused, addr.into()),
    }
}

/// How one connection attempt ended.
enum Exchange {
    Response(HttpResponse),
    Refused,
    /// The connection attempt went unanswered.
    ConnectTimeout,
    /// Connected, but no answer ever arrived (a metadata token lost to the hop limit).
    NoResponse,
    Unreachable,
    Unresolvable,
    Outside,
    /// Something answered that does not speak HTTP.
    NotHttp,
}

fn exchange(m: &mut Machine, dest: &Dest, req: &HttpRequest, port: u16) -> Exchange {
    match dest {
        Dest::Imds { ipv6 } => {
            let Some(id) = m.on_instance().map(str::to_string) else { return Exchange::ConnectTimeout };
            let now = m.world.now();
            if *ipv6 && !m.world.compute.get(&id).is_some_and(|i| imds::ipv6_endpoint_answers(i, now)) {
                return Exchange::ConnectTimeout;
            }
            match imds::request(m.world, &id, req) {
                Some(r) => Exchange::Response(r),
                None => Exchange::NoResponse,
            }
        }
        Dest::Web { instance } => match web::serve_at(m.world, instance, port, req, crate::clock::Time(m.now_millis())) {
            WebAnswer::Refused => Exchange::Refused,
            WebAnswer::Response(r) => Exchange::Response(r),
            WebAnswer::NotHttp(_) => Exchange::NotHttp,
        },
        Dest::CheckIp => {
            let ip = match m.on_instance() {
                None => Some(crate::net::WORKSTATION_IP.to_string()),
                Some(id) => m.world.compute.get(id).and_then(|i| i.public_ip_string()),
            };
            match ip {
                // Without a public address the default subnet has no way out to the internet.
                None => Exchange::ConnectTimeout,
                Some(ip) => {
                    let body = format!("{ip}\n").into_bytes();
                    Exchange::Response(HttpResponse {
                        status: 200,
                        reason: "OK",
                        headers: vec![
                            ("Date".into(), imds::http_date(m.world.now())),
                            ("Content-Type".into(), "text/plain;charset=UTF-8".into()),
                            ("Content-Length".into(), body.len().to_string()),
                            ("Connection".into(), "keep-alive".into()),
                        ],
                        body,
                    })
                }
            }
        }
        Dest::Refused => Exchange::Refused,
        Dest::Drop => Exchange::ConnectTimeout,
        Dest::Unreachable => Exchange::Unreachable,
        Dest::Unresolvable => Exchange::Unresolvable,
        Dest::Outside => Exchange::Outside,
    }
}

/// What one transfer produced, for `-w`.
#[derive(Default)]
struct Done {
    code: u16,
    content_type: String,
    headers: Vec<(String, String)>,
    size: usize,
    url: String,
    remote_ip: String,
    remote_port: u16,
    exit: i32,
    errormsg: String,
    method: String,
    redirects: usize,
    time_ms: u64,
}

/// `curl ARGS…` as typed in a shell on this machine.
pub(super) fn curl(m: &mut Machine, inv: &Invocation) -> CmdOut {
    let args = inv.argv.get(1..).unwrap_or(&[]);
    run(m, args, inv.cwd, inv.stdin, Ctx::default())
}

/// Run curl with `args` (without the command name) from `cwd` in context `ctx`.
pub(super) fn run(m: &mut Machine, args: &[String], cwd: &str, stdin: &[u8], ctx: Ctx) -> CmdOut {
    if args.is_empty() {
        return CmdOut::err(2, TRY);
    }
    let mut o = match parse(args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if o.help {
        return CmdOut::ok(HELP);
    }
    if o.urls.is_empty() {
        return CmdOut::err(2, format!("curl: no URL specified!\n{TRY}"));
    }
    // `-d @file` / `-d @-` read the data.
    let mut pre_err = String::new();
    if let Some(d) = o.data.clone()
        && let Some(p) = d.strip_prefix('@')
    {
        let text = if p == "-" {
            Some(String::from_utf8_lossy(stdin).into_owned())
        } else {
            m.fs_ref().read(&Fs::resolve(cwd, p)).map(|b| String::from_utf8_lossy(b).into_owned())
        };
        o.data = Some(text.map(|t| t.replace(['\r', '\n'], "")).unwrap_or_default());
        if o.data.as_deref() == Some("") && p != "-" && !o.silent {
            pre_err = format!("Warning: Couldn't read data from file \"{p}\", this makes an empty POST.\n");
        }
    }
    finish_multi(m, &o, cwd, ctx, pre_err)
}

fn finish_multi(m: &mut Machine, o: &Opts, cwd: &str, ctx: Ctx, pre_err: String) -> CmdOut {
    let mut out = CmdOut { stdout: Vec::new(), stderr: pre_err.into_bytes(), code: 0 };
    for (n, url) in o.urls.iter().enumerate() {
        let one = transfer(m, o, url, n == 0, cwd, ctx);
        out.stdout.extend(one.stdout);
        out.stderr.extend(one.stderr);
        out.code = one.code;
    }
    out
}

fn silent_err(o: &Opts, msg: &str, err: &mut Vec<u8>) {
    if !o.silent || o.show_error {
        err.extend_from_slice(msg.as_bytes());
    }
}

/// One URL: connect (following redirects with `-L`), print what curl prints.
fn transfer(m: &mut Machine, o: &Opts, raw_url: &str, first: bool, cwd: &str, ctx: Ctx) -> CmdOut {
    let mut stdout: Vec<u8> = Vec::new();
    let mut stderr: Vec<u8> = Vec::new();
    let mut done = Done { url: raw_url.to_string(), ..Default::default() };
    let mut url = match parse_url(raw_url) {
        Ok(u) => u,
        Err((code, msg)) => {
            silent_err(o, &msg, &mut stderr);
            done.exit = code;
            done.errormsg = msg.trim_end().split_once(") ").map(|x| x.1).unwrap_or("").to_string();
            write_out(m, o, &done, cwd, &mut stdout, &mut stderr);
            return CmdOut { stdout, stderr, code };
        }
    };
    let mut method = o.method.clone().unwrap_or_else(|| {
        if o.head {
            "HEAD".into()
        } else if o.data.is_some() {
            "POST".into()
        } else {
            "GET".into()
        }
    });
    let mut redirects = 0;
    let result: Result<HttpResponse, (i32, String)> = loop {
        done.url = url.full.clone();
        done.method = method.clone();
        let (dest, addr) = route(m, &url, ctx);
        done.remote_port = url.port;
        let shown_addr = if url.ipv6_literal { format!("[{addr}]") } else { addr.clone() };
        let req = build_request(o, &url, &method, ctx);
        if o.verbose && !matches!(dest, Dest::Unresolvable | Dest::Outside) {
            stderr.extend(format!("*   Trying {shown_addr}:{}...\n", url.port).into_bytes());
        }
        let ex = exchange(m, &dest, &req, url.port);
        let shown_host = url.host.clone();
        match ex {
            Exchange::Response(resp) => {
                done.remote_ip = addr.clone();
                if o.verbose {
                    stderr.extend(format!("* Connected to {} ({addr}) port {}\n", url.host, url.port).into_bytes());
                    stderr.extend(format!("> {} {} HTTP/1.1\r\n", req.method, req.path).into_bytes());
                    for (k, v) in &req.headers {
                        stderr.extend(format!("> {k}: {v}\r\n").into_bytes());
                    }
                    stderr.extend(b"> \r\n");
                    stderr.extend(head_text(&resp, "< ").into_bytes());
                }
                let location = resp.header("Location").map(str::to_string);
                if o.location && (300..400).contains(&resp.status)
                    && let Some(loc) = location
                {
                    if o.include {
                        stdout.extend(head_text(&resp, "").into_bytes());
                    }
                    if redirects >= MAX_REDIRECTS {
                        break Err((47, format!("curl: (47) Maximum ({MAX_REDIRECTS}) redirects followed\n")));
                    }
                    redirects += 1;
                    let next = if loc.contains("://") {
                        loc
                    } else if loc.starts_with('/') {
                        format!("{}://{}{}", url.scheme, url.authority, loc)
                    } else {
                        let base = url.path.rsplit_once('/').map(|(b, _)| b).unwrap_or("");
                        format!("{}://{}{}/{}", url.scheme, url.authority, base, loc)
                    };
                    if matches!(resp.status, 301..=303) && method == "POST" {
                        method = "GET".into();
                    }
                    match parse_url(&next) {
                        Ok(u) => {
                            url = u;
                            continue;
                        }
                        Err(e) => break Err(e),
                    }
                }
                break Ok(resp);
            }
            Exchange::Refused => {
                break Err((7, format!("curl: (7) Failed to connect to {shown_host} port {} after 1 ms: Couldn't connect to server\n", url.port)));
            }
            Exchange::Unreachable => {
                break Err((7, format!("curl: (7) Failed to connect to {shown_host} port {} after 0 ms: Couldn't connect to server\n", url.port)));
            }
            Exchange::NotHttp => break Err((1, "curl: (1) Received HTTP/0.9 when not allowed\n".to_string())),
            Exchange::Unresolvable => break Err((6, format!("curl: (6) Could not resolve host: {shown_host}\n"))),
            Exchange::Outside => {
                let msg = format!("ec2lab: curl: reaching {shown_host} on the internet is not simulated yet (only this lab's instances, the metadata service and checkip.amazonaws.com answer)\n");
                stderr.extend(msg.into_bytes());
                break Err((6, String::new()));
            }
            Exchange::ConnectTimeout => {
                let limit = match (o.connect_timeout, o.max_time) {
                    (Some(c), Some(mx)) => Some(c.min(mx)),
                    (c, mx) => c.or(mx),
                };
                match limit {
                    Some(t) => {
                        m.sleep(t);
                        done.time_ms = t;
                        break Err((28, format!("curl: (28) Connection timed out after {t} milliseconds\n")));
                    }
                    None => {
                        let t = TCP_CONNECT_TIMEOUT_MS;
                        m.sleep(t);
                        done.time_ms = t;
                        break Err((28, format!("curl: (28) Failed to connect to {shown_host} port {} after {t} ms: Timeout was reached\n", url.port)));
                    }
                }
            }
            Exchange::NoResponse => {
                if o.verbose {
                    stderr.extend(format!("* Connected to {} ({addr}) port {}\n", url.host, url.port).into_bytes());
                }
                match o.max_time {
                    Some(t) => {
                        m.sleep(t);
                        done.time_ms = t;
                        break Err((28, format!("curl: (28) Operation timed out after {t} milliseconds with 0 bytes received\n")));
                    }
                    None => {
                        let msg = "ec2lab: curl is connected but no answer will ever come: the metadata service's reply to this PUT was dropped because the caller is more hops away than HttpPutResponseHopLimit allows. A real curl would hang here until you pressed Ctrl-C; give it a limit with -m/--max-time.\n";
                        stderr.extend(msg.as_bytes());
                        break Err((130, String::new()));
                    }
                }
            }
        }
    };
    done.redirects = redirects;
    let code = match result {
        Err((code, msg)) => {
            silent_err(o, &msg, &mut stderr);
            done.exit = code;
            done.errormsg = msg.trim_end().split_once(") ").map(|x| x.1).unwrap_or("").to_string();
            code
        }
        Ok(resp) => {
            done.code = resp.status;
            done.content_type = resp.header("Content-Type").unwrap_or("").to_string();
            done.headers = resp.headers.clone();
            done.size = resp.body.len();
            if o.verbose {
                let closing = resp.header("Connection").is_some_and(|c| c.eq_ignore_ascii_case("close"));
                stderr.extend(if closing { "* Closing connection\n".to_string() } else { format!("* Connection #0 to host {} left intact\n", url.host) }.into_bytes());
            }
            let failed = (o.fail || o.fail_with_body) && resp.status >= 400;
            let mut code = 0;
            if !failed || o.fail_with_body {
                let mut shown = Vec::new();
                if o.include || o.head {
                    shown.extend(head_text(&resp, "").into_bytes());
                }
                if method != "HEAD" && !o.head {
                    shown.extend_from_slice(&resp.body);
                }
                let target = if first { o.output.clone() } else { None };
                let target = target.or_else(|| {
                    if o.remote_name && first {
                        Some(url.path.split('?').next().unwrap_or("").rsplit('/').next().unwrap_or("").to_string())
                    } else {
                        None
                    }
                });
                match target {
                    None => stdout.extend(shown),
                    Some(name) if name.is_empty() => {
                        silent_err(o, "curl: Remote file name has no length!\n", &mut stderr);
                        done.exit = 23;
                        write_out(m, o, &done, cwd, &mut stdout, &mut stderr);
                        return CmdOut { stdout, stderr, code: 23 };
                    }
                    Some(name) => {
                        if name == "-" {
                            stdout.extend(shown);
                        } else {
                            let path = Fs::resolve(cwd, &name);
                            let len = shown.len();
                            let written = if ctx.container { Ok(()) } else { m.fs().write_file(&path, shown) };
                            if let Err(e) = written {
                                silent_err(o, &format!("Warning: Failed to open the file {name}: {e}\ncurl: (23) Failure writing output to destination\n"), &mut stderr);
                                done.exit = 23;
                                write_out(m, o, &done, cwd, &mut stdout, &mut stderr);
                                return CmdOut { stdout, stderr, code: 23 };
                            }
                            if !o.silent {
                                stderr.extend(progress_meter(len).into_bytes());
                            }
                        }
                    }
                }
            }
            if failed {
                silent_err(o, &format!("curl: (22) The requested URL returned error: {}\n", resp.status), &mut stderr);
                done.errormsg = format!("The requested URL returned error: {}", resp.status);
                code = 22;
            }
            done.exit = code;
            code
        }
    };
    write_out(m, o, &done, cwd, &mut stdout, &mut stderr);
    CmdOut { stdout, stderr, code }
}

fn build_request(o: &Opts, u: &Url, method: &str, ctx: Ctx) -> HttpRequest {
    let mut headers: Vec<(String, String)> = vec![
        ("Host".into(), u.authority.clone()),
        ("User-Agent".into(), o.user_agent.clone().unwrap_or_else(|| USER_AGENT.to_string())),
        ("Accept".into(), "*/*".into()),
    ];
    for h in &o.headers {
        // `Name: value` adds or replaces; `Name:` removes; `Name;` sends it empty.
        if let Some(name) = h.strip_suffix(';').filter(|n| !n.contains(':')) {
            headers.push((name.trim().to_string(), String::new()));
            continue;
        }
        let Some((name, value)) = h.split_once(':') else { continue };
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() {
            continue;
        }
        let replaced = headers.iter().position(|(k, _)| k.eq_ignore_ascii_case(name));
        if value.is_empty() {
            if let Some(i) = replaced {
                headers.remove(i);
            }
            continue;
        }
        match replaced {
            Some(i) if i < 3 => headers[i] = (name.to_string(), value.to_string()),
            _ => headers.push((name.to_string(), value.to_string())),
        }
    }
    if let Some(d) = &o.data {
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("Content-Type")) {
            headers.push(("Content-Type".into(), "application/x-www-form-urlencoded".into()));
        }
        headers.push(("Content-Length".into(), d.len().to_string()));
    }
    HttpRequest { method: method.to_string(), path: u.path.clone(), headers, hops: ctx.hops, ipv6: u.ipv6_literal }
}

/// The status line and headers as curl prints them with `-i` (and, prefixed `< `, with `-v`),
/// CRLF line ends as on the wire, a blank line after.
fn head_text(resp: &HttpResponse, prefix: &str) -> String {
    let mut s = format!("{prefix}HTTP/1.1 {} {}\r\n", resp.status, resp.reason);
    for (k, v) in &resp.headers {
        s.push_str(&format!("{prefix}{k}: {v}\r\n"));
    }
    s.push_str(&format!("{prefix}\r\n"));
    s
}

/// The meter curl writes to stderr when the body goes to a file (not with `-s`): the finished
/// transfer's line only.
fn progress_meter(len: usize) -> String {
    let size = fmt5(len as u64);
    let speed = fmt5(len as u64 * 1000);
    format!(
        "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n100 {size}  100 {size}    0     0  {speed}      0 --:--:-- --:--:-- --:--:-- {speed}\n"
    )
}

/// curl's five-character size field (`  56`, ` 1024`, `  97k`, `1953M`).
fn fmt5(n: u64) -> String {
    if n < 100_000 {
        format!("{n:>5}")
    } else if n < 10_000 * 1024 {
        format!("{:>4}k", n / 1024)
    } else if n < 10_000 * 1024 * 1024 {
        format!("{:>4}M", n / (1024 * 1024))
    } else {
        format!("{:>4}G", n / (1024 * 1024 * 1024))
    }
}

/// `-w FORMAT`: `%{http_code}`, `%{content_type}`, … and `\n`, `\t`, `\r`, `\\`.
fn write_out(m: &mut Machine, o: &Opts, d: &Done, cwd: &str, stdout: &mut Vec<u8>, stderr: &mut Vec<u8>) {
    let Some(fmt) = &o.write_out else { return };
    let fmt = match fmt.strip_prefix('@') {
        Some("-") | None => fmt.clone(),
        Some(p) => match m.fs_ref().read(&Fs::resolve(cwd, p)) {
            Some(b) => String::from_utf8_lossy(b).into_owned(),
            None => String::new(),
        },
    };
    let secs = |ms: u64| format!("{}.{:06}", ms / 1000, (ms % 1000) * 1000);
    let mut to_err = false;
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut piece = String::new();
        if c == '\\' && i + 1 < chars.len() {
            match chars[i + 1] {
                'n' => piece.push('\n'),
                't' => piece.push('\t'),
                'r' => piece.push('\r'),
                '\\' => piece.push('\\'),
                other => {
                    piece.push('\\');
                    piece.push(other);
                }
            }
            i += 2;
        } else if c == '%' && chars.get(i + 1) == Some(&'%') {
            piece.push('%');
            i += 2;
        } else if c == '%' && chars.get(i + 1) == Some(&'{') {
            let close = chars[i..].iter().position(|&x| x == '}').map(|p| p + i);
            let Some(close) = close else {
                piece.extend(&chars[i..]);
                i = chars.len();
                push(&mut piece, to_err, stdout, stderr);
                continue;
            };
            let var: String = chars[i + 2..close].iter().collect();
            i = close + 1;
            match var.as_str() {
                "http_code" | "response_code" => piece = format!("{:03}", d.code),
                "content_type" => piece = d.content_type.clone(),
                "size_download" => piece = d.size.to_string(),
                "url_effective" | "url" => piece = d.url.clone(),
                "remote_ip" => piece = d.remote_ip.clone(),
                "remote_port" => piece = if d.remote_ip.is_empty() { "0".into() } else { d.remote_port.to_string() },
                "exitcode" => piece = d.exit.to_string(),
                "errormsg" => piece = d.errormsg.clone(),
                "method" => piece = d.method.clone(),
                "num_redirects" => piece = d.redirects.to_string(),
                "num_headers" => piece = d.headers.len().to_string(),
                "time_total" | "time_connect" | "time_starttransfer" | "time_namelookup" => {
                    piece = secs(if d.code == 0 { d.time_ms } else { 1 })
                }
                "stderr" => to_err = true,
                "stdout" => to_err = false,
                other => stderr.extend(format!("curl: unknown --write-out variable: '{other}'\n").into_bytes()),
            }
        } else if c == '%' && chars[i..].iter().take(8).collect::<String>() == "%header{" && chars[i + 8..].contains(&'}') {
            let close = chars[i + 8..].iter().position(|&x| x == '}').map(|p| p + i + 8).unwrap_or(chars.len());
            let name: String = chars.get(i + 8..close).map(|c| c.iter().collect()).unwrap_or_default();
            i = close + 1;
            piece = d.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(&name)).map(|(_, v)| v.clone()).unwrap_or_default();
        } else {
            piece.push(c);
            i += 1;
        }
        push(&mut piece, to_err, stdout, stderr);
    }
}

fn push(piece: &mut String, to_err: bool, stdout: &mut Vec<u8>, stderr: &mut Vec<u8>) {
    if to_err {
        stderr.extend(piece.as_bytes());
    } else {
        stdout.extend(piece.as_bytes());
    }
    piece.clear();
}

#[cfg(test)]
mod tests {
    use crate::clock::SECOND;
    use crate::guest::Service;
    use crate::Lab;

    const RUN: &str = "aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --instance-type t3.micro --query 'Instances[0].InstanceId' --output text";

    /// A lab with one running AL2023 instance (tokens required, hop limit 2), connected to it.
    fn on_instance() -> (Lab, String) {
        let mut lab = Lab::new(11);
        let id = lab.run(RUN).stdout.trim().to_string();
        lab.run("lab advance 1m");
        assert_eq!(lab.run(&format!("lab connect {id}")).exit, 0);
        (lab, id)
    }

    fn with_docker(lab: &mut Lab, id: &str, running: bool) {
        let now = lab.now();
        let inst = lab.world.compute.get_mut(id).unwrap();
        inst.guest.packages.insert("docker".into());
        let active = if running { Some(now) } else { None };
        inst.guest.services.insert("docker".into(), Service { active_from: active, ..Default::default() });
    }

    #[test]
    fn workstation_cannot_reach_the_metadata_service() {
        let mut lab = Lab::new(2);
        let before = lab.now();
        let o = lab.run("curl http://169.254.169.254/latest/meta-data/");
        assert_eq!(o.exit, 28);
        assert_eq!(o.stderr, "curl: (28) Failed to connect to 169.254.169.254 port 80 after 127000 ms: Timeout was reached\n");
        assert_eq!(lab.now().0 - before.0, 127 * SECOND, "the OS's connect timeout passes on the clock");
        let o = lab.run("curl -sS --connect-timeout 2 http://169.254.169.254/");
        assert_eq!((o.exit, o.stderr.as_str()), (28, "curl: (28) Connection timed out after 2000 milliseconds\n"));
        let o = lab.run("curl http://instance-data/latest/");
        assert_eq!((o.exit, o.stderr.as_str()), (6, "curl: (6) Could not resolve host: instance-data\n"));
        assert_eq!(lab.run("ec2-metadata").exit, 127, "not on the workstation");
    }

    #[test]
    fn options_tokens_files_and_write_out() {
        let (mut lab, id) = on_instance();
        let o = lab.run("curl -s -w '%{http_code}' -o /dev/null http://169.254.169.254/latest/meta-data/");
        assert_eq!((o.exit, o.stdout.as_str()), (0, "401"));
        let o = lab.run("TOKEN=$(curl -sSf -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300') && curl -fsS -H \"X-aws-ec2-metadata-token: $TOKEN\" http://169.254.169.254/latest/meta-data/instance-id");
        assert_eq!((o.exit, o.stdout.as_str(), o.stderr.as_str()), (0, id.as_str(), ""));
        let o = lab.run("curl -sX PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 99999' -w ' %{http_code}\\n' -o /dev/null http://169.254.169.254/latest/api/token");
        assert_eq!(o.stdout, " 400\n");
        let o = lab.run("T=$(curl -s -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token); curl -s -o /tmp/az -H \"X-aws-ec2-metadata-token: $T\" http://169.254.169.254/latest/meta-data/placement/availability-zone; cat /tmp/az");
        let az = crate::catalog::azs()[lab.world.compute.get(&id).unwrap().az()].name;
        assert_eq!(o.stdout, az);
        let o = lab.run("curl -sf http://169.254.169.254/latest/meta-data/; echo \" $?\"");
        assert_eq!(o.stdout, " 22\n", "-s hides the (22) message");
        let o = lab.run("curl -o /no/such/dir/x -s -S -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token");
        assert_eq!(o.exit, 23);
        assert!(o.stderr.contains("Failed to open the file /no/such/dir/x: No such file or directory"), "{}", o.stderr);
        assert_eq!(lab.run("curl -Q x").exit, 2);
        assert_eq!(lab.run("curl -m").stderr, "curl: option -m: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
        assert_eq!(lab.run("curl -m abc http://x").exit, 2);
        assert_eq!(lab.run("curl -s").stderr, "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
        assert_eq!(lab.run("curl 'http://[fd00:ec2::254'").exit, 3);
        let o = lab.run("curl -s -w '%{nope}' http://localhost/");
        assert_eq!((o.exit, o.stderr.as_str()), (7, "curl: unknown --write-out variable: 'nope'\n"));
        // Every request went through the service's log.
        let log = &lab.world.compute.get(&id).unwrap().imds.log;
        assert!(log.len() >= 7 && log.iter().any(|e| e.status == 400) && log.iter().any(|e| e.status == 401));
    }

    #[test]
    fn a_container_is_one_hop_further() {
        let (mut lab, id) = on_instance();
        assert_eq!(lab.run("docker ps").exit, 127, "not installed: command not found");
        with_docker(&mut lab, &id, false);
        let o = lab.run("docker run --rm amazonlinux curl -s http://169.254.169.254/");
        assert_eq!(o.exit, 125);
        assert!(o.stderr.starts_with("docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"));
        with_docker(&mut lab, &id, true);
        let put = "curl -s -m 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' -w '%{http_code}' http://169.254.169.254/latest/api/token";
        // Hop limit 2 (AL2023's default): the container gets its token.
        let o = lab.run(&format!("docker run --rm amazonlinux {put}"));
        assert!(o.stderr.starts_with("Unable to find image 'amazonlinux:latest' locally\n"), "{}", o.stderr);
        assert_eq!(o.exit, 0);
        assert!(o.stdout.ends_with("200") && o.stdout.len() == 59, "{}", o.stdout);
        // Hop limit 1: the answer to the PUT is lost; curl gives up after -m.
        lab.run("exit");
        let o = lab.run(&format!("aws ec2 modify-instance-metadata-options --instance-id {id} --http-put-response-hop-limit 1 --query InstanceMetadataOptions.State --output text"));
        assert_eq!((o.exit, o.stdout.as_str()), (0, "pending\n"));
        lab.run("sleep 3");
        lab.run(&format!("lab connect {id}"));
        let before = lab.now();
        let o = lab.run(&format!("docker run --rm amazonlinux {put}"));
        assert_eq!((o.exit, o.stdout.as_str()), (28, "000"));
        assert_eq!(o.stderr, "", "already pulled; -s hides the error");
        assert_eq!(lab.now().0 - before.0, 2 * SECOND);
        let o = lab.run("docker run --rm amazonlinux curl -sS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token");
        assert_eq!(o.exit, 130, "without -m a real curl would hang");
        assert!(o.stderr.contains("HttpPutResponseHopLimit"));
        // From the instance itself, or a container on the host's network: zero hops.
        assert_eq!(lab.run(&format!("docker run --rm --network host amazonlinux {put}")).exit, 0);
        assert_eq!(lab.run(put).exit, 0);
        // Other images and commands.
        let o = lab.run("docker run --rm ubuntu curl http://169.254.169.254/");
        assert_eq!(o.exit, 127);
        assert!(o.stderr.contains("exec: \"curl\": executable file not found in $PATH"));
        assert_eq!(lab.run("docker run --rm amazonlinux sh -c 'echo hi'").exit, 1);
        assert!(lab.run("docker images").stderr.contains("not simulated"));
        let o = lab.run("docker run --rm curlimages/curl -s http://169.254.169.254/latest/meta-data/ -w '%{http_code}' -o /dev/null");
        assert_eq!(o.stdout, "401", "curlimages/curl runs curl on its arguments");
    }

    #[test]
    fn ec2_metadata_only_on_amazon_linux_and_uses_tokens() {
        let (mut lab, id) = on_instance();
        let o = lab.run("ec2-metadata -i --instance-type");
        assert_eq!(o.stdout, format!("instance-id: {id}\ninstance-type: t3.micro\n"));
        let log: Vec<_> = lab.world.compute.get(&id).unwrap().imds.log.iter().map(|e| (e.method.clone(), e.token, e.status)).collect();
        assert_eq!(log, vec![("PUT".into(), false, 200), ("GET".into(), true, 200), ("GET".into(), true, 200)]);
        assert_eq!(lab.run("ec2-metadata -v --quiet").stdout.trim(), lab.world.compute.get(&id).unwrap().public_ip_string().unwrap());
        let o = lab.run("ec2-metadata -x");
        assert_eq!((o.exit, o.stderr.as_str()), (1, "ec2-metadata: invalid option -- 'x'\nTerminating...\n"));
        assert!(lab.run("ec2-metadata --help").stdout.starts_with("ec2-metadata v"));
        let all = lab.run("ec2-metadata").stdout;
        assert!(all.contains("\nuser-data: not available\ntags: \nnot available\n"), "{all}");
        // Ubuntu has no ec2-metadata.
        lab.run("exit");
        let ubuntu = lab.run("aws ec2 run-instances --image-id ami-0920277e6075bff9f --instance-type t3.micro --query 'Instances[0].InstanceId' --output text").stdout.trim().to_string();
        lab.run("lab advance 2m");
        let o = lab.run(&format!("lab exec {ubuntu} ec2-metadata -i"));
        assert_eq!((o.exit, o.stderr.as_str()), (127, "bash: ec2-metadata: command not found\n"));
        // The metadata service is off: the script stops at the token.
        lab.run(&format!("aws ec2 modify-instance-metadata-options --instance-id {id} --http-endpoint disabled"));
        lab.run("lab advance 5s");
        let o = lab.run(&format!("lab exec {id} ec2-metadata -i"));
        assert_eq!(o.exit, 1);
        assert!(o.stderr.starts_with("[ERROR] Could not get IMDSv2 token."));
    }

    #[test]
    fn lab_exec_runs_as_root_on_the_world_clock() {
        let mut lab = Lab::new(4);
        let id = lab.run(RUN).stdout.trim().to_string();
        let o = lab.run(&format!("lab exec {id} whoami"));
        assert_eq!((o.exit, o.stderr.as_str()), (1, format!("lab: exec: {id} is pending; it must be running to run commands on it\n").as_str()));
        assert!(lab.run("lab exec i-0123456789abcdef0 ls").stderr.contains("no instance"));
        assert_eq!(lab.run("lab exec").exit, 2);
        lab.run("lab advance 1m");
        let o = lab.run(&format!("lab exec {id} whoami"));
        assert_eq!(o.stdout, "root\n");
        let before = lab.now();
        let o = lab.run(&format!("lab exec {id} curl -s -i -H 'X-Forwarded-For: 1.2.3.4' -X PUT http://169.254.169.254/latest/api/token"));
        assert!(o.stdout.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{}", o.stdout);
        lab.run(&format!("lab exec {id} sleep 5"));
        assert_eq!(lab.now().0 - before.0, 5 * SECOND, "sleep moves the world's clock");
        assert_eq!(lab.run(&format!("lab exec {id} echo 'a b'  \"c'd\"")).stdout, "a b c'd\n", "arguments survive re-quoting");
    }
}
