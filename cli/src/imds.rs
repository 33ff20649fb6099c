//! `ec2lab imds`: one simulated instance's metadata service over real HTTP, for real clients.
//!
//! `ec2lab [--seed N] imds [--port 8169] [--instance ID|first] [--hops N] [FILE]` runs a setup
//! script (FILE or stdin) on a fresh world, moves the virtual clock until the chosen instance is
//! running, then answers HTTP/1.1 on 127.0.0.1:PORT with what a process on that instance would
//! get from 169.254.169.254, until the process is killed. From then on the virtual clock follows
//! real time: before each request it moves by the real time since the one before (token TTLs
//! expire as they would).
//!
//! Threads: one accepts connections, one per connection reads a request (httparse) and writes
//! the answer; the main thread owns the [`Lab`] and serves requests one at a time through a
//! channel, so the engine stays single-threaded. Every response closes its connection.

use engine::Lab;
use engine::clock::Time;
use engine::compute::State;
use engine::imds::{HttpRequest, HttpResponse};
use std::io::{self, IsTerminal, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

pub const USAGE: &str = "usage: ec2lab [--seed N] imds [--port 8169] [--instance ID|first] [--hops N] [FILE]\n\n  Runs the setup script (FILE, or standard input) on a fresh world, waits (on the virtual\n  clock) until the instance is running, then serves its instance metadata service over HTTP\n  on 127.0.0.1:PORT until stopped (Ctrl-C). The virtual clock follows real time from then on.\n  Point real clients at it, e.g. curl http://127.0.0.1:8169/latest/meta-data/ or\n  AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:8169/ for botocore and the AWS CLI.\n\n  --seed N         build the world from seed N (default 1)\n  --port N         TCP port on 127.0.0.1 (default 8169; 0 picks a free one, printed at start)\n  --instance ID    the instance to serve: an instance id, or `first` (default): the first\n                   launched instance that is not terminated\n  --hops N         answer as if the client were N network hops from the instance, like a\n                   container on it (default 0); a token PUT is lost when N reaches the\n                   instance's HttpPutResponseHopLimit\n  FILE             the setup script (console commands, as for `ec2lab FILE`)\n";

/// Longest request head (request line and headers) accepted.
const MAX_HEAD: usize = 16 * 1024;
/// Largest request body accepted (IMDS requests carry none; PUT bodies are read and ignored).
const MAX_BODY: usize = 64 * 1024;
/// Connections served at once; more are closed straight away.
const MAX_CONNECTIONS: usize = 64;
/// How long a connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// When the metadata service sends nothing back (a token response lost to the hop limit), the
/// connection is held open this long, or until the client gives up, then closed unanswered.
const NO_RESPONSE_HOLD: Duration = Duration::from_secs(10);
/// Virtual time allowed for the chosen instance to reach `running` after the setup script.
const MAX_BOOT_WAIT_MS: u64 = 60 * 60 * 1000;

struct Options {
    seed: u64,
    port: u16,
    instance: Option<String>,
    hops: u32,
    file: Option<String>,
}

/// A request handed from a connection thread to the thread that owns the lab.
struct Job {
    request: HttpRequest,
    reply: mpsc::Sender<(Option<HttpResponse>, Time)>,
}

fn fail(msg: &str) -> i32 {
    eprint!("ec2lab imds: {msg}\n{USAGE}");
    2
}

fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options { seed: 1, port: 8169, instance: None, hops: 0, file: None };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            match inline.clone().or_else(|| it.next().cloned()) {
                Some(v) => Ok(v),
                None => Err(format!("{name} needs {what}")),
            }
        };
        match name {
            "-h" | "--help" => return Ok(None),
            "--seed" => o.seed = value("a number")?.parse().map_err(|_| "--seed needs a number".to_string())?,
            "--port" => o.port = value("a port number")?.parse().map_err(|_| "--port needs a port number (0-65535)".to_string())?,
            "--hops" => o.hops = value("a number")?.parse().map_err(|_| "--hops needs a number".to_string())?,
            "--instance" => {
                let v = value("an instance id or `first`")?;
                o.instance = if v == "first" { None } else { Some(v) };
            }
            s if s.starts_with('-') && s != "-" => return Err(format!("unknown option {s}")),
            s => {
                if o.file.is_some() {
                    return Err("only one FILE".into());
                }
                o.file = Some(s.to_string());
            }
        }
    }
    Ok(Some(o))
}

/// `ec2lab imds …` (the arguments after `imds`, with any `--seed` given before it).
pub fn main(args: &[String]) -> i32 {
    let o = match parse_args(args) {
        Ok(Some(o)) => o,
        Ok(None) => {
            print!("{USAGE}");
            return 0;
        }
        Err(e) => return fail(&e),
    };
    let script = match &o.file {
        Some(f) if f != "-" => match std::fs::read(f) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                eprintln!("ec2lab imds: {f}: {e}");
                return 2;
            }
        },
        _ => {
            if io::stdin().is_terminal() {
                eprintln!("ec2lab imds: reading the setup script from standard input (end it with Ctrl-D)");
            }
            let mut b = Vec::new();
            if let Err(e) = io::stdin().read_to_end(&mut b) {
                eprintln!("ec2lab imds: reading standard input: {e}");
                return 2;
            }
            String::from_utf8_lossy(&b).into_owned()
        }
    };
    let mut lab = Lab::new(o.seed);
    run_setup(&mut lab, &script);
    let id = match choose_instance(&lab, o.instance.as_deref()) {
        Ok(id) => id,
        Err(e) => {
            eprintln!("ec2lab imds: {e}");
            return 1;
        }
    };
    if let Err(e) = wait_running(&mut lab, &id) {
        eprintln!("ec2lab imds: {e}");
        return 1;
    }
    let listener = match TcpListener::bind(("127.0.0.1", o.port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("ec2lab imds: cannot listen on 127.0.0.1:{}: {e}", o.port);
            return 1;
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(o.port);
    eprintln!(
        "ec2lab imds: serving the instance metadata of {id} at http://127.0.0.1:{port}/ (seed {}, virtual clock {}; Ctrl-C to stop)",
        o.seed,
        lab.now().iso()
    );
    serve(lab, &id, o.hops, listener);
    0
}

/// Run the setup script command by command. Output is not shown, except what a command printed
/// on stderr or a failing status, so problems in the script are visible.
fn run_setup(lab: &mut Lab, script: &str) {
    for cmd in engine::console::split_commands(script) {
        let out = lab.run(&cmd);
        if !out.stderr.is_empty() || out.exit != 0 {
            let mut lines = cmd.lines();
            eprintln!("ec2lab imds: setup: $ {}{}", lines.next().unwrap_or(""), if lines.next().is_some() { " …" } else { "" });
            for l in out.stderr.lines() {
                eprintln!("  {l}");
            }
            if out.exit != 0 {
                eprintln!("  [exit {}]", out.exit);
            }
        }
        if lab.take_quit_request() {
            break;
        }
    }
}

fn choose_instance(lab: &Lab, wanted: Option<&str>) -> Result<String, String> {
    let compute = &lab.world().compute;
    match wanted {
        Some(id) => match compute.get(id) {
            Some(i) => Ok(i.id.clone()),
            None => {
                let known: Vec<&str> = compute.iter().map(|i| i.id.as_str()).collect();
                Err(if known.is_empty() {
                    format!("instance {id} not found: the setup script launched no instance")
                } else {
                    format!("instance {id} not found (the world has: {})", known.join(", "))
                })
            }
        },
        None => compute
            .iter()
            .find(|i| !matches!(i.state, State::Terminated | State::ShuttingDown))
            .map(|i| i.id.clone())
            .ok_or_else(|| "no instance to serve: the setup script must launch one (aws ec2 run-instances …)".to_string()),
    }
}

/// Move the virtual clock, event by event, until `id` is running.
fn wait_running(lab: &mut Lab, id: &str) -> Result<(), String> {
    let start = lab.now();
    loop {
        let state = lab.world().compute.get(id).map(|i| i.state);
        match state {
            Some(State::Running) => return Ok(()),
            Some(State::Pending) => {}
            Some(s) => return Err(format!("instance {id} is {}; the setup script must leave it running or pending", s.name())),
            None => return Err(format!("instance {id} disappeared")),
        }
        let now = lab.now();
        if now.0.saturating_sub(start.0) >= MAX_BOOT_WAIT_MS {
            return Err(format!("instance {id} was still pending after an hour of virtual time"));
        }
        let step = match lab.world().next_event_at() {
            Some(t) if t > now => t.0 - now.0,
            _ => 1000,
        };
        lab.advance(step);
    }
}

fn serve(mut lab: Lab, id: &str, hops: u32, listener: TcpListener) {
    let (tx, rx) = mpsc::channel::<Job>();
    let open = Arc::new(AtomicUsize::new(0));
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(stream) = conn else { continue };
            if open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                let _ = stream.shutdown(Shutdown::Both);
                continue;
            }
            open.fetch_add(1, Ordering::SeqCst);
            let (tx, count) = (tx.clone(), open.clone());
            let spawned = thread::Builder::new().spawn(move || {
                connection(stream, hops, &tx);
                count.fetch_sub(1, Ordering::SeqCst);
            });
            if spawned.is_err() {
                // The closure (and with it the connection) was dropped unrun.
                open.fetch_sub(1, Ordering::SeqCst);
                eprintln!("ec2lab imds: could not start a thread for a connection");
            }
        }
    });
    let mut last = Instant::now();
    while let Ok(job) = rx.recv() {
        // The virtual clock follows real time, in whole milliseconds (the rest carries over).
        let ms = last.elapsed().as_millis().min(u64::MAX as u128) as u64;
        last += Duration::from_millis(ms);
        lab.advance(ms);
        let resp = lab.imds_request(id, &job.request);
        let now = lab.now();
        let status = match &resp {
            Some(r) => r.status.to_string(),
            None => "- (no response: the client times out)".to_string(),
        };
        eprintln!("{} {} {} {}", now.iso(), job.request.method, printable(&job.request.path), status);
        let _ = job.reply.send((resp, now));
    }
}

/// Log-safe text: control characters shown as `?`.
fn printable(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

/// What a connection's request came to: a request for the metadata service, or an answer the
/// HTTP layer gives itself (malformed or unsupported requests).
enum Incoming {
    Request(HttpRequest),
    Reject(u16, &'static str),
    Gone,
}

fn connection(mut stream: TcpStream, hops: u32, tx: &mpsc::Sender<Job>) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    let (request, head_only) = match read_request(&mut stream, hops) {
        Incoming::Request(r) => {
            let head = r.method == "HEAD";
            (r, head)
        }
        Incoming::Reject(status, reason) => {
            eprintln!("ec2lab imds: answered a request that is not HTTP this server takes: {status} {reason}");
            let resp = HttpResponse {
                status,
                reason,
                headers: vec![("Content-Type".into(), "text/plain".into())],
                body: format!("{status} {reason}\n").into_bytes(),
            };
            write_response(&mut stream, &resp, None, false);
            return;
        }
        Incoming::Gone => return,
    };
    let (rtx, rrx) = mpsc::channel();
    if tx.send(Job { request, reply: rtx }).is_err() {
        return;
    }
    match rrx.recv() {
        Ok((Some(resp), now)) => write_response(&mut stream, &resp, Some(now), head_only),
        Ok((None, _)) => hold_unanswered(&mut stream),
        Err(_) => {}
    }
}

fn read_request(stream: &mut TcpStream, hops: u32) -> Incoming {
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Incoming::Gone,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut r = httparse::Request::new(&mut headers);
        match r.parse(&buf) {
            Ok(httparse::Status::Partial) => {
                if buf.len() > MAX_HEAD {
                    return Incoming::Reject(431, "Request Header Fields Too Large");
                }
            }
            Err(httparse::Error::TooManyHeaders) => return Incoming::Reject(431, "Request Header Fields Too Large"),
            Err(_) => return Incoming::Reject(400, "Bad Request"),
            Ok(httparse::Status::Complete(head_len)) => {
                let method = r.method.unwrap_or("GET").to_string();
                let target = r.path.unwrap_or("/");
                // An absolute-form target (`GET http://169.254.169.254/latest/ HTTP/1.1`, as sent
                // to a proxy) names the path after the authority.
                let path = match target.strip_prefix("http://").or_else(|| target.strip_prefix("https://")) {
                    Some(rest) => match rest.find('/') {
                        Some(i) => rest[i..].to_string(),
                        None => "/".to_string(),
                    },
                    None => target.to_string(),
                };
                let mut hdrs = Vec::new();
                for h in r.headers.iter() {
                    hdrs.push((h.name.to_string(), String::from_utf8_lossy(h.value).into_owned()));
                }
                let header = |name: &str| hdrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_string());
                if header("Transfer-Encoding").is_some_and(|v| !v.eq_ignore_ascii_case("identity")) {
                    return Incoming::Reject(501, "Not Implemented");
                }
                let body_len = match header("Content-Length") {
                    None => 0,
                    Some(v) => match v.parse::<usize>() {
                        Ok(n) if n <= MAX_BODY => n,
                        Ok(_) => return Incoming::Reject(413, "Payload Too Large"),
                        Err(_) => return Incoming::Reject(400, "Bad Request"),
                    },
                };
                // The body is read so the connection is clean, then ignored: the metadata
                // service takes no request bodies.
                let mut have = buf.len().saturating_sub(head_len);
                while have < body_len {
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => return Incoming::Gone,
                        Ok(n) => have += n,
                    }
                }
                return Incoming::Request(HttpRequest { method, path, headers: hdrs, hops, ipv6: false });
            }
        }
    }
}

fn write_response(stream: &mut TcpStream, resp: &HttpResponse, now: Option<Time>, head_only: bool) {
    let clean = |s: &str| s.replace(['\r', '\n'], " ");
    // The handler's headers in its order. Content-Length must match the bytes sent (for HEAD: the
    // handler's figure for the body a GET would get); every connection closes after one answer.
    let length = match (head_only, resp.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-length"))) {
        (true, Some((_, v))) => clean(v),
        _ => resp.body.len().to_string(),
    };
    let mut out = format!("HTTP/1.1 {} {}\r\n", resp.status, clean(resp.reason));
    let (mut has_date, mut has_length, mut has_connection) = (false, false, false);
    for (k, v) in &resp.headers {
        if k.eq_ignore_ascii_case("transfer-encoding") {
            continue;
        }
        let value = if k.eq_ignore_ascii_case("content-length") {
            has_length = true;
            length.clone()
        } else if k.eq_ignore_ascii_case("connection") {
            has_connection = true;
            "close".to_string()
        } else {
            has_date |= k.eq_ignore_ascii_case("date");
            clean(v)
        };
        out.push_str(&format!("{}: {}\r\n", clean(k), value));
    }
    if let (false, Some(t)) = (has_date, now) {
        out.push_str(&format!("Date: {}\r\n", http_date(t)));
    }
    if !has_length {
        out.push_str(&format!("Content-Length: {length}\r\n"));
    }
    if !has_connection {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&resp.body);
    }
    if stream.write_all(&bytes).and_then(|_| stream.flush()).is_err() {
        return;
    }
    let _ = stream.shutdown(Shutdown::Write);
    // Wait (briefly) for the client to close first, so unread bytes never turn the close into a
    // reset that could cost the client our answer.
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut sink = [0u8; 1024];
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

/// Nothing comes back: keep the connection open until the client gives up (or a while), then
/// close it without a word, as a lost response looks from the client's side.
fn hold_unanswered(stream: &mut TcpStream) {
    let deadline = Instant::now() + NO_RESPONSE_HOLD;
    let _ = stream.set_read_timeout(Some(Duration::from_millis(250)));
    let mut sink = [0u8; 1024];
    while Instant::now() < deadline {
        match stream.read(&mut sink) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// `Mon, 05 Jan 2026 09:00:00 GMT` (RFC 9110's IMF-fixdate) on the virtual clock.
fn http_date(t: Time) -> String {
    // `date_cmd` is `Mon Jan  5 09:00:00 UTC 2026`.
    let d = t.date_cmd();
    let p: Vec<&str> = d.split_whitespace().collect();
    match p.as_slice() {
        [wd, mon, day, hms, _, year] => format!("{wd}, {:0>2} {mon} {year} {hms} GMT", day),
        _ => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_date_is_imf_fixdate() {
        assert_eq!(http_date(Time(engine::clock::EPOCH_START_MS)), "Mon, 05 Jan 2026 09:00:00 GMT");
        assert_eq!(http_date(Time(engine::clock::EPOCH_START_MS + 7 * 86_400_000)), "Mon, 12 Jan 2026 09:00:00 GMT");
    }

    #[test]
    fn options() {
        let a = |v: &[&str]| parse_args(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let o = a(&["--port", "0", "--instance=i-0abc", "--seed", "4", "setup.txt"]).unwrap().unwrap();
        assert_eq!((o.port, o.instance.as_deref(), o.seed, o.file.as_deref(), o.hops), (0, Some("i-0abc"), 4, Some("setup.txt"), 0));
        assert!(a(&["--instance", "first"]).unwrap().unwrap().instance.is_none());
        assert!(a(&["--port", "70000"]).is_err());
        assert!(a(&["--port"]).is_err());
        assert!(a(&["--bogus"]).is_err());
        assert!(a(&["a", "b"]).is_err());
        assert!(a(&["--help"]).unwrap().is_none());
    }
}
