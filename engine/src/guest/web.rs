//! Web servers on the guest: what answers on a TCP port of an instance.
//!
//! Whatever service is active on the port answers, as the real server would: Apache httpd
//! (Amazon Linux) and apache2 (Ubuntu) serve `/var/www/html`, nginx its own document root
//! (`/usr/share/nginx/html` on Amazon Linux, `/var/www/html` on Ubuntu), with each server's
//! index files, redirects, error pages and headers (`Server:`, `Date:` from the virtual clock,
//! `Last-Modified`, `ETag`, …). Amazon Linux's httpd answers `/` with its test page and status
//! 403 while the document root has no index page. MariaDB on 3306 and sshd on 22 answer, but
//! not in HTTP.
//!
//! PHP: when the server is set up for PHP (the module or php-fpm installed *and* loaded by a
//! start or reload since), `.php` files go through [`run_php`], a deliberately tiny evaluator:
//! text outside `<?php … ?>` is sent as it is; inside, only `echo`/`print` of literals,
//! variables set from literals, `gethostname()`, `phpversion()`, `date()` are run. Every other
//! statement is skipped, and the page says how many were (an HTML comment). Without PHP set up,
//! the file's source is sent, as a real server would.

use super::pkg::catalogue::{self, Distro, Listener};
use super::pkg::distro;
use crate::clock::Time;
use crate::compute::Instance;
use crate::imds::{HttpRequest, HttpResponse};

/// What a TCP connection to a port of a running, reachable instance finds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebAnswer {
    /// Nothing listens on the port: connection refused (curl exit 7).
    Refused,
    Response(HttpResponse),
    /// Something listens but does not speak HTTP (MariaDB on 3306 sends its binary greeting):
    /// real curl gives up with `curl: (1) Received HTTP/0.9 when not allowed`.
    NotHttp(Vec<u8>),
}

/// Serve `req` on `port` of instance `id` from whichever service listens there (httpd, nginx, …),
/// at the world's current time. The caller has already checked state and security groups.
pub fn serve(world: &mut crate::World, id: &str, port: u16, req: &HttpRequest) -> WebAnswer {
    let now = world.now();
    serve_at(world, id, port, req, now)
}

/// [`serve`] at a given time: a process inside the instance running on the guest clock (a boot
/// script's `curl localhost`) sees services its script started a moment ago.
pub fn serve_at(world: &mut crate::World, id: &str, port: u16, req: &HttpRequest, now: Time) -> WebAnswer {
    let Some(inst) = world.compute.get(id) else { return WebAnswer::Refused };
    let d = distro(inst);
    let listening = inst
        .guest
        .services
        .iter()
        .filter(|(_, s)| !s.failed && s.active_from.is_some_and(|t| t <= now))
        .filter_map(|(n, _)| catalogue::service(d, n))
        .find(|def| def.port == port);
    let Some(def) = listening else { return WebAnswer::Refused };
    match def.listener {
        Listener::Mysql => WebAnswer::NotHttp(mysql_greeting(inst, d)),
        Listener::None if port == 22 => WebAnswer::NotHttp(ssh_banner(d).into()),
        Listener::None => WebAnswer::Refused,
        Listener::Apache => WebAnswer::Response(apache(inst, d, req, now)),
        Listener::Nginx => WebAnswer::Response(nginx(inst, d, req, now)),
    }
}

fn ssh_banner(d: Distro) -> &'static str {
    match d {
        Distro::Al2023 => "SSH-2.0-OpenSSH_8.7\r\n",
        Distro::Al2 => "SSH-2.0-OpenSSH_7.4\r\n",
        Distro::Noble => "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.14\r\n",
        Distro::Jammy => "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.13\r\n",
    }
}

/// The start of MariaDB's handshake packet (protocol 10, then the server version).
fn mysql_greeting(inst: &Instance, d: Distro) -> Vec<u8> {
    let pkg = match d {
        Distro::Al2023 => "mariadb105-server",
        _ => "mariadb-server",
    };
    let v = super::pkg::row(inst, d, pkg).map(|p| p.version_on(d).split('-').next().unwrap_or("").to_string()).unwrap_or_default();
    let version = format!("5.5.5-{v}-MariaDB");
    let mut body = vec![0x0a];
    body.extend_from_slice(version.as_bytes());
    body.push(0);
    body.extend_from_slice(&[0x08, 0, 0, 0, 0x3e, 0x2b, 0x5d, 0x26, 0x41, 0x4f, 0x22, 0x7e, 0, 0xfe, 0xf7, 0x2d, 0x02, 0, 0xff, 0x81, 0x15]);
    let mut pkt = vec![body.len() as u8, 0, 0, 0];
    pkt.extend(body);
    pkt
}

/// `Mon, 05 Jan 2026 09:10:00 GMT`.
pub fn http_date(t: Time) -> String {
    let dc = t.date_cmd();
    let p: Vec<&str> = dc.split_whitespace().collect();
    let day = p.get(2).and_then(|d| d.parse::<u32>().ok()).unwrap_or(1);
    format!("{}, {day:02} {} {} {} GMT", p.first().unwrap_or(&"Mon"), p.get(1).unwrap_or(&"Jan"), p.get(5).unwrap_or(&"2026"), p.get(3).unwrap_or(&"00:00:00"))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

fn host_of(inst: &Instance, req: &HttpRequest) -> String {
    header(req, "Host").map(String::from).unwrap_or_else(|| inst.public_ip_string().unwrap_or_else(|| inst.private_ip_string()))
}

/// The request path without query string, decoded and normalised, and whether it ended in `/`.
fn req_path(req: &HttpRequest) -> (String, bool) {
    let raw = req.path.split(['?', '#']).next().unwrap_or("/");
    let raw = if raw.starts_with('/') { raw.to_string() } else { format!("/{raw}") };
    let decoded = percent_decode(&raw);
    (crate::fs::normalize(&decoded), decoded.ends_with('/'))
}

fn mime(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    Some(match ext.as_str() {
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "js" => "text/javascript",
        "json" => "application/json",
        "txt" | "log" => "text/plain",
        "xml" => "text/xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "ico" => "image/vnd.microsoft.icon",
        "pdf" => "application/pdf",
        "php" | "phtml" => "application/x-httpd-php",
        _ => return None,
    })
}

fn version(inst: &Instance, d: Distro, pkg: &str) -> String {
    super::pkg::row(inst, d, pkg).map(|p| p.version_on(d).split('-').next().unwrap_or("").to_string()).unwrap_or_default()
}

fn respond(status: u16, reason: &'static str, headers: Vec<(String, String)>, body: Vec<u8>, head: bool) -> HttpResponse {
    HttpResponse { status, reason, headers, body: if head { Vec::new() } else { body } }
}

/// Apache's ETag for a file: size and modification time (µs), in hex.
fn apache_etag(size: usize, mtime_ms: u64) -> String {
    format!("\"{size:x}-{:x}\"", mtime_ms * 1000)
}

/// Whether a configuration file has been read by the running server (it existed when the
/// service last started or reloaded).
fn loaded(inst: &Instance, svc: &str, conf: &str) -> bool {
    if !inst.fs.is_file(conf) {
        return false;
    }
    let read_at = inst.guest.reloaded.get(svc).copied().or_else(|| inst.guest.services.get(svc).and_then(|s| s.active_from));
    match (inst.fs.mtime(conf), read_at) {
        (Some(m), Some(r)) => m <= r.0,
        (None, _) => true,
        (Some(_), None) => false,
    }
}

pub struct PhpEnv {
    pub hostname: String,
    pub version: String,
    pub now: Time,
}

// ---------------------------------------------------------------------------------------------
// Apache
// ---------------------------------------------------------------------------------------------

fn apache(inst: &Instance, d: Distro, req: &HttpRequest, now: Time) -> HttpResponse {
    let ubuntu = d.is_ubuntu();
    let svc = if ubuntu { "apache2" } else { "httpd" };
    let v = version(inst, d, if ubuntu { "apache2" } else { "httpd" });
    let os = d.server_os();
    let server = format!("Apache/{v} ({os})");
    let host = host_of(inst, req);
    let head = req.method == "HEAD";
    let base = |extra: Vec<(String, String)>| {
        let mut h = vec![("Date".to_string(), http_date(now)), ("Server".to_string(), server.clone())];
        h.extend(extra);
        h
    };
    let error = |status: u16, reason: &'static str, text: String, extra: Vec<(String, String)>| {
        let sig = if ubuntu { format!("<hr>\n<address>{server} Server at {} Port 80</address>\n", host.split(':').next().unwrap_or(&host)) } else { String::new() };
        let body = format!("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>{status} {reason}</title>\n</head><body>\n<h1>{reason}</h1>\n<p>{text}</p>\n{sig}</body></html>\n");
        let mut h = base(extra);
        h.push(("Content-Length".into(), body.len().to_string()));
        h.push(("Content-Type".into(), "text/html; charset=iso-8859-1".into()));
        respond(status, reason, h, body.into_bytes(), head)
    };
    // PHP is set up when its handler's configuration was loaded by the running server.
    let php_conf = if ubuntu {
        ["8.3", "8.1"].iter().map(|v| format!("/etc/apache2/mods-available/php{v}.load")).find(|p| inst.fs.is_file(p))
    } else {
        Some("/etc/httpd/conf.d/php.conf".to_string()).filter(|p| inst.fs.is_file(p))
    };
    let php_on = php_conf.as_deref().is_some_and(|c| loaded(inst, svc, c));
    let (path, slash) = req_path(req);
    let root = "/var/www/html";
    let mut file = format!("{root}{}", if path == "/" { "" } else { path.as_str() });
    if inst.fs.is_dir(&file) {
        if !slash && path != "/" {
            let loc = format!("http://{host}{path}/");
            return error(301, "Moved Permanently", format!("The document has moved <a href=\"{loc}\">here</a>."), vec![("Location".into(), loc)]);
        }
        let mut index = vec!["index.html".to_string()];
        if php_on {
            index.insert(0, "index.php".into());
        }
        if ubuntu {
            index = vec!["index.html".into(), "index.cgi".into(), "index.pl".into(), "index.php".into(), "index.xhtml".into(), "index.htm".into()];
        }
        match index.iter().map(|i| format!("{}/{i}", file.trim_end_matches('/'))).find(|p| inst.fs.is_file(p)) {
            Some(p) => file = p,
            None => {
                // Amazon Linux's welcome.conf: `/` without an index shows the test page, as a 403.
                if !ubuntu && path == "/" && inst.fs.is_file("/etc/httpd/conf.d/welcome.conf") {
                    let page = inst.fs.read("/usr/share/httpd/noindex/index.html").map(|b| b.to_vec()).unwrap_or_default();
                    let mt = inst.fs.mtime("/usr/share/httpd/noindex/index.html").unwrap_or(inst.created.0);
                    let mut h = base(vec![("Last-Modified".into(), http_date(Time(mt))), ("ETag".into(), apache_etag(page.len(), mt)), ("Accept-Ranges".into(), "bytes".into())]);
                    h.push(("Content-Length".into(), page.len().to_string()));
                    h.push(("Content-Type".into(), "text/html; charset=UTF-8".into()));
                    return respond(403, "Forbidden", h, page, head);
                }
                return listing(inst, &file, &path, base(Vec::new()), head);
            }
        }
    }
    if !inst.fs.is_file(&file) {
        return error(404, "Not Found", "The requested URL was not found on this server.".into(), Vec::new());
    }
    let is_php = file.ends_with(".php");
    if is_php && php_on {
        if d == Distro::Al2023 && !super::services::is_active(inst, "php-fpm", now) {
            return error(503, "Service Unavailable", "The server is temporarily unable to service your\nrequest due to maintenance downtime or capacity\nproblems. Please try again later.".into(), Vec::new());
        }
        let src = String::from_utf8_lossy(inst.fs.read(&file).unwrap_or_default()).into_owned();
        let env = PhpEnv { hostname: inst.short_hostname(), version: super::pkg::php_version(inst, d), now };
        let (mut body, skipped) = run_php(&src, &env);
        if skipped > 0 {
            body.push_str(&format!("\n<!-- ec2lab: {skipped} PHP statement(s) not run: the simulation runs only echo/print of simple values -->\n"));
        }
        let mut h = base(Vec::new());
        h.push(("Content-Length".into(), body.len().to_string()));
        h.push(("Content-Type".into(), "text/html; charset=UTF-8".into()));
        return respond(200, "OK", h, body.into_bytes(), head);
    }
    if !matches!(req.method.as_str(), "GET" | "HEAD") {
        let m = req.method.clone();
        return error(405, "Method Not Allowed", format!("The requested method {m} is not allowed for this URL."), vec![("Allow".into(), "HEAD,GET,POST,OPTIONS".into())]);
    }
    let data = inst.fs.read(&file).map(|b| b.to_vec()).unwrap_or_default();
    let mt = inst.fs.mtime(&file).unwrap_or(inst.created.0);
    let mut h = base(vec![("Last-Modified".into(), http_date(Time(mt))), ("ETag".into(), apache_etag(data.len(), mt)), ("Accept-Ranges".into(), "bytes".into())]);
    h.push(("Content-Length".into(), data.len().to_string()));
    if ubuntu && mime(&file).is_some_and(|m| m.starts_with("text/")) {
        h.push(("Vary".into(), "Accept-Encoding".into()));
    }
    match mime(&file) {
        Some(m @ ("text/html" | "text/plain")) if !ubuntu => h.push(("Content-Type".into(), format!("{m}; charset=UTF-8"))),
        Some(m) => h.push(("Content-Type".into(), m.into())),
        None => {}
    }
    respond(200, "OK", h, data, head)
}

/// Apache's `Options Indexes` page for a directory without an index file.
fn listing(inst: &Instance, dir: &str, path: &str, mut h: Vec<(String, String)>, head: bool) -> HttpResponse {
    let shown = if path.ends_with('/') { path.to_string() } else { format!("{path}/") };
    let mut rows = String::new();
    if path != "/" {
        rows.push_str("<li><a href=\"../\"> Parent Directory</a></li>\n");
    }
    for n in inst.fs.list_dir(dir).unwrap_or_default() {
        if n.starts_with('.') {
            continue;
        }
        let suffix = if inst.fs.is_dir(&format!("{dir}/{n}")) { "/" } else { "" };
        rows.push_str(&format!("<li><a href=\"{n}{suffix}\"> {n}{suffix}</a></li>\n"));
    }
    let body = format!("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<html>\n <head>\n  <title>Index of {shown}</title>\n </head>\n <body>\n<h1>Index of {shown}</h1>\n<ul>{rows}</ul>\n</body></html>\n");
    h.push(("Content-Length".into(), body.len().to_string()));
    h.push(("Content-Type".into(), "text/html;charset=UTF-8".into()));
    respond(200, "OK", h, body.into_bytes(), head)
}

// ---------------------------------------------------------------------------------------------
// nginx
// ---------------------------------------------------------------------------------------------

fn nginx(inst: &Instance, d: Distro, req: &HttpRequest, now: Time) -> HttpResponse {
    let ubuntu = d.is_ubuntu();
    let v = version(inst, d, "nginx");
    let server = if ubuntu { format!("nginx/{v} (Ubuntu)") } else { format!("nginx/{v}") };
    let head = req.method == "HEAD";
    let host = host_of(inst, req);
    let base = |ctype: &str, len: usize| {
        vec![("Server".to_string(), server.clone()), ("Date".to_string(), http_date(now)), ("Content-Type".to_string(), ctype.to_string()), ("Content-Length".to_string(), len.to_string()), ("Connection".to_string(), "keep-alive".to_string())]
    };
    let root = if ubuntu { "/var/www/html" } else { "/usr/share/nginx/html" };
    let builtin = |status: u16, reason: &'static str, extra: Vec<(String, String)>| {
        let body = format!("<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>{server}</center>\r\n</body>\r\n</html>\r\n");
        let mut h = base("text/html", body.len());
        h.extend(extra);
        respond(status, reason, h, body.into_bytes(), head)
    };
    // Amazon Linux's nginx.conf sends 404 and 50x to its own pages in the document root.
    let error = |status: u16, reason: &'static str| {
        let page = match status {
            404 if !ubuntu => Some("/404.html"),
            500..=504 if !ubuntu => Some("/50x.html"),
            _ => None,
        };
        match page.map(|p| format!("{root}{p}")).filter(|p| inst.fs.is_file(p)) {
            Some(p) => {
                let data = inst.fs.read(&p).map(|b| b.to_vec()).unwrap_or_default();
                let mut h = base("text/html", data.len());
                let mt = inst.fs.mtime(&p).unwrap_or(inst.created.0);
                h.push(("ETag".into(), format!("\"{:x}-{:x}\"", mt / 1000, data.len())));
                respond(status, reason, h, data, head)
            }
            None => builtin(status, reason, Vec::new()),
        }
    };
    let php_conf = if ubuntu { "/etc/nginx/sites-enabled/default" } else { "/etc/nginx/default.d/php.conf" };
    let php_on = loaded(inst, "nginx", php_conf)
        && (!ubuntu || inst.fs.read(php_conf).is_some_and(|b| String::from_utf8_lossy(b).lines().any(|l| l.trim_start().starts_with("fastcgi_pass"))));
    let (path, slash) = req_path(req);
    let mut file = format!("{root}{}", if path == "/" { "" } else { path.as_str() });
    if inst.fs.is_dir(&file) {
        if !slash && path != "/" {
            return builtin(301, "Moved Permanently", vec![("Location".into(), format!("http://{host}{path}/"))]);
        }
        let mut index: Vec<&str> = if ubuntu { vec!["index.html", "index.htm", "index.nginx-debian.html"] } else { vec!["index.html"] };
        if php_on {
            index.insert(0, "index.php");
        }
        match index.iter().map(|i| format!("{}/{i}", file.trim_end_matches('/'))).find(|p| inst.fs.is_file(p)) {
            Some(p) => file = p,
            None => return builtin(403, "Forbidden", Vec::new()),
        }
    }
    if !inst.fs.is_file(&file) {
        return error(404, "Not Found");
    }
    if file.ends_with(".php") && php_on {
        let fpm = if ubuntu { ["php8.3-fpm", "php8.1-fpm"].iter().any(|s| super::services::is_active(inst, s, now)) } else { super::services::is_active(inst, "php-fpm", now) };
        if !fpm {
            return error(502, "Bad Gateway");
        }
        let src = String::from_utf8_lossy(inst.fs.read(&file).unwrap_or_default()).into_owned();
        let env = PhpEnv { hostname: inst.short_hostname(), version: super::pkg::php_version(inst, d), now };
        let (mut body, skipped) = run_php(&src, &env);
        if skipped > 0 {
            body.push_str(&format!("\n<!-- ec2lab: {skipped} PHP statement(s) not run: the simulation runs only echo/print of simple values -->\n"));
        }
        let h = base("text/html; charset=UTF-8", body.len());
        return respond(200, "OK", h, body.into_bytes(), head);
    }
    if !matches!(req.method.as_str(), "GET" | "HEAD") {
        return builtin(405, "Not Allowed", Vec::new());
    }
    let data = inst.fs.read(&file).map(|b| b.to_vec()).unwrap_or_default();
    let mt = inst.fs.mtime(&file).unwrap_or(inst.created.0);
    let ctype = match mime(&file) {
        Some("application/x-httpd-php") | None => "application/octet-stream",
        Some("text/javascript") => "application/javascript",
        Some(m) => m,
    };
    let mut h = base(ctype, data.len());
    h.insert(4, ("Last-Modified".into(), http_date(Time(mt))));
    h.push(("ETag".into(), format!("\"{:x}-{:x}\"", mt / 1000, data.len())));
    h.push(("Accept-Ranges".into(), "bytes".into()));
    respond(200, "OK", h, data, head)
}

// ---------------------------------------------------------------------------------------------
// The tiny PHP evaluator
// ---------------------------------------------------------------------------------------------

/// Run `src` as PHP the way the module description says: returns the output and how many
/// statements were skipped because the simulation does not run them.
pub fn run_php(src: &str, env: &PhpEnv) -> (String, usize) {
    let mut out = String::new();
    let mut skipped = 0;
    let mut vars: Vec<(String, String)> = Vec::new();
    let mut rest = src;
    loop {
        let open = [rest.find("<?php"), rest.find("<?=")].into_iter().flatten().min();
        let Some(start) = open else {
            out.push_str(rest);
            break;
        };
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start..).unwrap_or("");
        let (short, code_start) = if after.starts_with("<?=") { (true, 3) } else { (false, 5) };
        let body_all = after.get(code_start..).unwrap_or("");
        let (code, next) = match body_all.find("?>") {
            Some(e) => {
                // PHP eats one newline right after `?>`.
                let tail = body_all.get(e + 2..).unwrap_or("");
                (body_all.get(..e).unwrap_or(""), tail.strip_prefix('\n').unwrap_or(tail))
            }
            None => (body_all, ""),
        };
        let code = if short { format!("echo {code};") } else { code.to_string() };
        for stmt in statements(&code) {
            if !exec(&stmt, env, &mut vars, &mut out) {
                skipped += 1;
            }
        }
        rest = next;
        if rest.is_empty() {
            break;
        }
    }
    (out, skipped)
}

/// Split code on `;` outside quotes; comments dropped.
fn statements(code: &str) -> Vec<String> {
    let mut v = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                cur.push(c);
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                    }
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    cur.push(c);
                }
                '/' if chars.peek() == Some(&'/') => {
                    for n in chars.by_ref() {
                        if n == '\n' {
                            break;
                        }
                    }
                }
                '#' => {
                    for n in chars.by_ref() {
                        if n == '\n' {
                            break;
                        }
                    }
                }
                ';' => {
                    v.push(std::mem::take(&mut cur));
                }
                _ => cur.push(c),
            },
        }
    }
    v.push(cur);
    v.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

/// Run one statement; false when it is not one the evaluator knows.
fn exec(stmt: &str, env: &PhpEnv, vars: &mut Vec<(String, String)>, out: &mut String) -> bool {
    let lower = stmt.to_ascii_lowercase();
    for kw in ["echo", "print"] {
        if lower.starts_with(kw) && stmt.get(kw.len()..).is_some_and(|r| r.starts_with([' ', '(', '\'', '"', '\t', '\n', '$'])) {
            let rest = stmt.get(kw.len()..).unwrap_or("").trim();
            let mut parts = Vec::new();
            for arg in split_top(rest, ',') {
                match eval(&arg, env, vars) {
                    Some(s) => parts.push(s),
                    None => return false,
                }
            }
            for p in parts {
                out.push_str(&p);
            }
            return true;
        }
    }
    if let Some(rest) = stmt.strip_prefix('$') {
        if let Some((name, value)) = rest.split_once('=') {
            let name = name.trim();
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !value.starts_with('=') {
                if let Some(v) = eval(value, env, vars) {
                    vars.retain(|(n, _)| n != name);
                    vars.push((name.to_string(), v));
                    return true;
                }
            }
        }
    }
    false
}

fn split_top(s: &str, sep: char) -> Vec<String> {
    let mut v = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut depth = 0i32;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                cur.push(c);
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                    }
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if c == '\'' || c == '"' {
                    quote = Some(c);
                } else if c == '(' {
                    depth += 1;
                } else if c == ')' {
                    depth -= 1;
                } else if c == sep && depth == 0 {
                    v.push(std::mem::take(&mut cur));
                    continue;
                }
                cur.push(c);
            }
        }
    }
    v.push(cur);
    v
}

/// A concatenation (`.`) of terms the evaluator knows.
fn eval(expr: &str, env: &PhpEnv, vars: &[(String, String)]) -> Option<String> {
    let expr = expr.trim();
    let expr = match expr.strip_prefix('(').and_then(|e| e.strip_suffix(')')) {
        Some(inner) if split_top(inner, ')').len() == 1 => inner.trim(),
        _ => expr,
    };
    let mut out = String::new();
    for term in split_top(expr, '.') {
        out.push_str(&term_value(term.trim(), env, vars)?);
    }
    Some(out)
}

fn term_value(t: &str, env: &PhpEnv, vars: &[(String, String)]) -> Option<String> {
    if t.len() >= 2 && t.starts_with('\'') && t.ends_with('\'') {
        let inner = t.get(1..t.len() - 1)?;
        return Some(inner.replace("\\'", "'").replace("\\\\", "\\"));
    }
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        let inner = t.get(1..t.len() - 1)?;
        let mut s = String::new();
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('r') => s.push('\r'),
                    Some(o) => s.push(o),
                    None => s.push('\\'),
                },
                '$' => {
                    let mut name = String::new();
                    while let Some(&n) = chars.peek() {
                        if n.is_ascii_alphanumeric() || n == '_' {
                            name.push(n);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    if name.is_empty() {
                        s.push('$');
                    } else {
                        s.push_str(&vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())?);
                    }
                }
                c => s.push(c),
            }
        }
        return Some(s);
    }
    if let Some(name) = t.strip_prefix('$') {
        return vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    }
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
        return Some(t.to_string());
    }
    let lower = t.to_ascii_lowercase().replace(' ', "");
    match lower.as_str() {
        "gethostname()" => return Some(env.hostname.clone()),
        "phpversion()" | "php_version" => return Some(env.version.clone()),
        "php_eol" => return Some("\n".into()),
        "php_os" => return Some("Linux".into()),
        _ => {}
    }
    if lower.starts_with("date(") && lower.ends_with(')') {
        let arg = t.get(t.find('(')? + 1..t.len() - 1)?.trim();
        let fmt = term_value(arg, env, vars)?;
        return Some(php_date(&fmt, env.now));
    }
    None
}

/// PHP's `date()` for the common format letters (UTC).
fn php_date(fmt: &str, t: Time) -> String {
    let iso = t.iso();
    let dc = t.date_cmd();
    let p: Vec<&str> = dc.split_whitespace().collect();
    let mut out = String::new();
    for c in fmt.chars() {
        match c {
            'Y' => out.push_str(iso.get(0..4).unwrap_or("")),
            'y' => out.push_str(iso.get(2..4).unwrap_or("")),
            'm' => out.push_str(iso.get(5..7).unwrap_or("")),
            'd' => out.push_str(iso.get(8..10).unwrap_or("")),
            'j' => out.push_str(iso.get(8..10).unwrap_or("").trim_start_matches('0')),
            'H' => out.push_str(iso.get(11..13).unwrap_or("")),
            'i' => out.push_str(iso.get(14..16).unwrap_or("")),
            's' => out.push_str(iso.get(17..19).unwrap_or("")),
            'D' => out.push_str(p.first().copied().unwrap_or("")),
            'M' => out.push_str(p.get(1).copied().unwrap_or("")),
            'T' | 'e' => out.push_str("UTC"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_php() {
        let t = Time(crate::clock::EPOCH_START_MS);
        assert_eq!(http_date(t), "Mon, 05 Jan 2026 09:00:00 GMT");
        let env = PhpEnv { hostname: "ip-10-0-0-1".into(), version: "8.4.14".into(), now: t };
        let (out, skipped) = run_php("<h1><?php echo \"Hello from \" . gethostname(); ?></h1>\n<?= date('Y-m-d') ?>\n", &env);
        // PHP swallows the newline right after `?>`.
        assert_eq!(out, "<h1>Hello from ip-10-0-0-1</h1>\n2026-01-05");
        assert_eq!(skipped, 0);
        let (out, skipped) = run_php("<?php $n = 'web'; echo \"tier: $n\"; mysqli_connect('db'); phpinfo(); ?>", &env);
        assert_eq!((out.as_str(), skipped), ("tier: web", 2));
        let (out, _) = run_php("<?php echo 'unterminated", &env);
        assert_eq!(out, "");
        assert_eq!(percent_decode("/a%20b%zz%2"), "/a b%zz%2");
    }
}
