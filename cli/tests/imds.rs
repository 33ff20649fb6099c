//! `ec2lab imds`: the built binary serves an instance's metadata over real HTTP. These tests talk
//! to it with raw HTTP/1.1 over TcpStream, as any client would.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const AL2023: &str = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
const AMZN2: &str = "resolve:ssm:/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2";

struct Server {
    child: Child,
    port: u16,
    instance: String,
    /// stderr lines after the start line (the request log).
    log: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Log lines printed so far (waits briefly for the last request's line).
    fn log_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(l) = self.log.recv_timeout(Duration::from_millis(300)) {
            out.push(l);
        }
        out
    }
}

/// Start `ec2lab --seed 5 imds --port 0 ARGS…` with `script` on stdin; wait for its start line.
/// (The child is killed and waited for by `Server`'s Drop, or here if it never starts.)
#[allow(clippy::zombie_processes)]
fn start(args: &[&str], script: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ec2lab"))
        .args(["--seed", "5", "imds", "--port", "0"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ec2lab runs");
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    loop {
        let Ok(line) = rx.recv_timeout(Duration::from_secs(60)) else {
            let _ = child.kill();
            let status = child.wait();
            panic!("no start line ({status:?}); stderr so far: {seen:#?}");
        };
        if let Some(rest) = line.strip_prefix("ec2lab imds: serving the instance metadata of ") {
            let instance = rest.split_whitespace().next().unwrap().to_string();
            let url = rest.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).unwrap();
            let port = url.trim_start_matches("http://127.0.0.1:").trim_end_matches('/').parse().unwrap();
            assert!(instance.starts_with("i-0") && instance.len() == 19, "{line}");
            return Server { child, port, instance, log: rx };
        }
        seen.push(line);
    }
}

#[derive(Debug)]
struct Resp {
    status_line: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Resp {
    fn status(&self) -> u16 {
        self.status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Send raw bytes; `None` when the server closed the connection (or went quiet for `wait`)
/// without answering.
fn raw(port: u16, request: &str, wait: Duration) -> Option<Resp> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    s.set_read_timeout(Some(wait)).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    if buf.is_empty() {
        return None;
    }
    let text = String::from_utf8(buf).expect("utf-8 response");
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap().to_string();
    let headers = lines.map(|l| l.split_once(": ").map(|(k, v)| (k.to_string(), v.to_string())).expect("header line")).collect();
    let r = Resp { status_line, headers, body: body.to_string() };
    assert_eq!(r.header("Connection"), Some("close"), "{r:?}");
    let len: usize = r.header("Content-Length").expect("Content-Length").parse().unwrap();
    if !request.starts_with("HEAD ") {
        assert_eq!(len, r.body.len(), "{r:?}");
    }
    Some(r)
}

fn get(port: u16, path: &str, token: Option<&str>) -> Resp {
    let t = token.map(|t| format!("X-aws-ec2-metadata-token: {t}\r\n")).unwrap_or_default();
    raw(port, &format!("GET {path} HTTP/1.1\r\nHost: 169.254.169.254\r\nAccept: */*\r\n{t}\r\n"), Duration::from_secs(10)).expect("an answer")
}

fn put_token(port: u16, ttl: Option<&str>, wait: Duration) -> Option<Resp> {
    let t = ttl.map(|t| format!("X-aws-ec2-metadata-token-ttl-seconds: {t}\r\n")).unwrap_or_default();
    raw(port, &format!("PUT /latest/api/token HTTP/1.1\r\nHost: 169.254.169.254\r\n{t}Content-Length: 0\r\n\r\n"), wait)
}

fn launch(image: &str, extra: &str) -> String {
    format!("aws ec2 run-instances --image-id {image} --instance-type t3.micro {extra}\n")
}

#[test]
fn serves_versions_tokens_and_missing_items() {
    let srv = start(&[], &launch(AMZN2, ""));
    let p = srv.port;

    let root = get(p, "/", None);
    assert_eq!(root.status_line, "HTTP/1.1 200 OK", "{root:?}");
    let versions: Vec<&str> = root.body.lines().collect();
    assert_eq!(versions.first(), Some(&"1.0"), "{root:?}");
    assert_eq!(versions.last(), Some(&"latest"), "{root:?}");

    // IMDSv2: a token, then a read with it.
    let tok = put_token(p, Some("21600"), Duration::from_secs(10)).expect("a token response");
    assert_eq!(tok.status_line, "HTTP/1.1 200 OK", "{tok:?}");
    assert_eq!(tok.header("X-aws-ec2-metadata-token-ttl-seconds"), Some("21600"), "{tok:?}");
    assert!(!tok.body.is_empty());
    let id = get(p, "/latest/meta-data/instance-id", Some(&tok.body));
    assert_eq!((id.status(), id.body.as_str()), (200, srv.instance.as_str()), "{id:?}");

    // HttpTokens=optional (Amazon Linux 2's default): IMDSv1 reads work too.
    let v1 = get(p, "/latest/meta-data/instance-id", None);
    assert_eq!((v1.status(), v1.body.as_str()), (200, srv.instance.as_str()), "{v1:?}");

    // A listing ends sub-directories with `/`.
    let md = get(p, "/latest/meta-data/", None);
    assert_eq!(md.status(), 200);
    assert!(md.body.lines().any(|l| l == "placement/") && md.body.lines().any(|l| l == "instance-id"), "{md:?}");

    let missing = get(p, "/latest/meta-data/no-such-item", Some(&tok.body));
    assert_eq!(missing.status_line, "HTTP/1.1 404 Not Found", "{missing:?}");

    // Bad token requests: no TTL, or one out of 1..=21600.
    for ttl in [None, Some("0"), Some("21601"), Some("soon")] {
        let r = put_token(p, ttl, Duration::from_secs(10)).expect("an answer");
        assert_eq!(r.status_line, "HTTP/1.1 400 Bad Request", "ttl {ttl:?}: {r:?}");
    }

    // HEAD: the same head as GET, no body.
    let head = raw(p, "HEAD /latest/meta-data/instance-id HTTP/1.1\r\nHost: x\r\n\r\n", Duration::from_secs(10)).unwrap();
    assert_eq!(head.status(), 200, "{head:?}");
    assert_eq!(head.header("Content-Length"), Some(srv.instance.len().to_string().as_str()));
    assert_eq!(head.body, "");

    // Not HTTP at all: the server's own 400, and it keeps serving.
    let junk = raw(p, "\u{1}\u{2} nonsense\r\n\r\n", Duration::from_secs(10)).expect("an answer");
    assert_eq!(junk.status(), 400, "{junk:?}");
    assert_eq!(get(p, "/", None).status(), 200);

    let log = srv.log_lines();
    assert!(log.iter().any(|l| l.ends_with(" GET / 200")), "{log:#?}");
    assert!(log.iter().any(|l| l.ends_with(" PUT /latest/api/token 200")), "{log:#?}");
    assert!(log.iter().any(|l| l.ends_with(" GET /latest/meta-data/no-such-item 404")), "{log:#?}");
}

#[test]
fn tokens_required_expire_on_the_real_clock() {
    // Amazon Linux 2023 launches with HttpTokens=required and hop limit 2: a container one hop
    // away still gets its token.
    let srv = start(&["--hops", "1"], &launch(AL2023, ""));
    let p = srv.port;
    let r = get(p, "/latest/meta-data/instance-id", None);
    assert_eq!(r.status_line, "HTTP/1.1 401 Unauthorized", "{r:?}");
    let bad = get(p, "/latest/meta-data/instance-id", Some("not-a-token"));
    assert_eq!(bad.status(), 401, "{bad:?}");
    let tok = put_token(p, Some("1"), Duration::from_secs(10)).expect("a token response");
    assert_eq!(tok.status(), 200, "{tok:?}");
    let ok = get(p, "/latest/meta-data/instance-id", Some(&tok.body));
    assert_eq!((ok.status(), ok.body.as_str()), (200, srv.instance.as_str()), "{ok:?}");
    // The virtual clock follows real time: a one-second token is gone after two.
    std::thread::sleep(Duration::from_millis(2200));
    let late = get(p, "/latest/meta-data/instance-id", Some(&tok.body));
    assert_eq!(late.status(), 401, "{late:?}");
}

#[test]
fn hop_limit_drops_the_token_response() {
    // Hop limit 1 (Amazon Linux 2's default) and a client one hop away: the PUT is never
    // answered; the connection is held, then closed without a byte.
    let srv = start(&["--hops", "1"], &launch(AMZN2, ""));
    let t = std::time::Instant::now();
    assert!(put_token(srv.port, Some("60"), Duration::from_secs(2)).is_none());
    assert!(t.elapsed() >= Duration::from_millis(1900), "answered or closed too early: {:?}", t.elapsed());
    // IMDSv1 still answers (HttpTokens=optional).
    assert_eq!(get(srv.port, "/latest/meta-data/instance-id", None).status(), 200);
    let log = srv.log_lines();
    assert!(log.iter().any(|l| l.contains(" PUT /latest/api/token - (no response")), "{log:#?}");
}

#[test]
fn endpoint_disabled_is_403() {
    let srv = start(&[], &launch(AMZN2, "--metadata-options HttpEndpoint=disabled"));
    let r = get(srv.port, "/latest/meta-data/", None);
    assert_eq!(r.status_line, "HTTP/1.1 403 Forbidden", "{r:?}");
}

#[test]
fn picks_the_named_instance_and_refuses_missing_ones() {
    // Two instances: --instance chooses the second.
    let script = launch(AMZN2, "--count 2");
    let first = start(&[], &script);
    let out = Command::new(env!("CARGO_BIN_EXE_ec2lab"))
        .args(["--seed", "5", "imds", "--port", "0", "--instance", "i-0000000000000000f"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(script.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("instance i-0000000000000000f not found (the world has: ") && err.contains(&first.instance), "{err}");
    let second = err.split("the world has: ").nth(1).unwrap().trim_end().trim_end_matches(')').split(", ").nth(1).unwrap().to_string();
    let srv = start(&["--instance", &second], &script);
    assert_eq!(srv.instance, second);
    assert_eq!(get(srv.port, "/latest/meta-data/instance-id", None).body, second);

    // No instance at all.
    let out = Command::new(env!("CARGO_BIN_EXE_ec2lab"))
        .args(["imds", "--port", "0"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(b"echo nothing launched\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no instance to serve"));
}
