//! `docker`, as far as the metadata lesson needs it: `docker run [--rm] IMAGE curl …`.
//!
//! A container on the default bridge network is one network hop further from the metadata
//! service than the instance, so with `HttpPutResponseHopLimit` 1 its token PUT never gets an
//! answer (as in AWS); `--network host` shares the instance's network and is zero hops away.
//! The command exists only where the `docker` package is installed; it needs the docker service
//! running. Everything else docker does says plainly that it is not simulated.

use super::curl::{self, Ctx};
use super::shell::{CmdOut, Invocation, System};
use super::Machine;
use crate::clock::SECOND;

/// Where the instance keeps the list of images it has pulled (one `name:tag` a line).
const PULLED: &str = "/var/lib/docker/ec2lab-pulled-images";

/// Is the docker package installed on this machine?
pub(super) fn installed(m: &Machine) -> bool {
    m.on_instance().and_then(|id| m.world.compute.get(id)).is_some_and(|i| i.guest.packages.contains("docker") || i.guest.packages.contains("docker.io"))
}

fn daemon_running(m: &Machine) -> bool {
    // The caller's time: a boot script runs on its guest clock (see crate::guest).
    let now = crate::clock::Time(m.now_millis());
    m.on_instance().and_then(|id| m.world.compute.get(id)).and_then(|i| i.guest.services.get("docker")).is_some_and(|s| {
        !s.failed && s.active_from.is_some_and(|t| t <= now)
    })
}

const NO_DAEMON: &str = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?";

/// What ec2lab knows about an image.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Amazon Linux: has curl.
    AmazonLinux,
    /// curlimages/curl: curl is the entrypoint.
    CurlImage,
    /// ubuntu, debian, alpine, busybox: no curl in the image.
    NoCurl,
}

/// `amazonlinux` -> (`amazonlinux:latest`, repository path for the pull message, kind).
fn image(reference: &str) -> Option<(String, String, Kind)> {
    let (name, tag) = match reference.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, t),
        _ => (reference, "latest"),
    };
    let short = name.strip_prefix("docker.io/").unwrap_or(name);
    let short = short.strip_prefix("library/").unwrap_or(short);
    let (repo, kind) = match short {
        "amazonlinux" => ("library/amazonlinux", Kind::AmazonLinux),
        "public.ecr.aws/amazonlinux/amazonlinux" => ("amazonlinux/amazonlinux", Kind::AmazonLinux),
        "curlimages/curl" => ("curlimages/curl", Kind::CurlImage),
        "ubuntu" => ("library/ubuntu", Kind::NoCurl),
        "debian" => ("library/debian", Kind::NoCurl),
        "alpine" => ("library/alpine", Kind::NoCurl),
        "busybox" => ("library/busybox", Kind::NoCurl),
        _ => return None,
    };
    Some((format!("{name}:{tag}"), repo.to_string(), kind))
}

/// Stable hex digits for an image's layer and digest (a pull shows them; they verify nothing).
fn hex_of(seed: &str, n: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::new();
    for b in seed.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    while out.len() < n {
        h ^= h >> 31;
        h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        out.push_str(&format!("{h:016x}"));
    }
    out.truncate(n);
    out
}

fn run_help() -> &'static str {
    "See 'docker run --help'.\n"
}

/// `docker …` on an instance. `None` where docker is not installed (command not found).
pub(super) fn run(m: &mut Machine, inv: &Invocation) -> Option<CmdOut> {
    if !installed(m) {
        return None;
    }
    let args = inv.argv.get(1..).unwrap_or(&[]);
    let Some(sub) = args.first() else {
        return Some(CmdOut::err(1, "ec2lab: docker: only `docker run [--rm] IMAGE curl …` is simulated yet\n"));
    };
    if sub != "run" {
        if !daemon_running(m) && !sub.starts_with('-') {
            return Some(CmdOut::err(1, format!("{NO_DAEMON}\n")));
        }
        return Some(CmdOut::err(1, format!("ec2lab: docker {sub} is not simulated yet (only `docker run [--rm] IMAGE curl …` is)\n")));
    }
    Some(docker_run(m, &args[1..]))
}

fn docker_run(m: &mut Machine, args: &[String]) -> CmdOut {
    if !daemon_running(m) {
        return CmdOut::err(125, format!("docker: {NO_DAEMON}.\n{}", run_help()));
    }
    let mut network = "bridge".to_string();
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        let a = args[i].as_str();
        i += 1;
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (a, None),
        };
        let mut value = || -> Option<String> {
            if let Some(v) = inline.clone() {
                return Some(v);
            }
            let v = args.get(i).cloned();
            i += 1;
            v
        };
        match name {
            "--rm" | "-i" | "-t" | "-it" | "-ti" | "--interactive" | "--tty" | "--init" => {}
            "--network" | "--net" => match value() {
                Some(v) => network = v,
                None => return CmdOut::err(125, format!("flag needs an argument: '{}' in {name}\n{}", name.trim_start_matches('-'), run_help())),
            },
            "-e" | "--env" | "--name" | "-w" | "--workdir" | "-h" | "--hostname" | "--platform" => {
                if value().is_none() {
                    return CmdOut::err(125, format!("flag needs an argument: {name}\n{}", run_help()));
                }
            }
            "-d" | "--detach" => return CmdOut::err(1, "ec2lab: docker run --detach is not simulated yet (containers run in the foreground only)\n"),
            other => return CmdOut::err(1, format!("ec2lab: docker run option {other} is not simulated yet\n")),
        }
    }
    let Some(reference) = args.get(i) else {
        return CmdOut::err(125, format!("docker: 'docker run' requires at least 1 argument.\n{}", run_help()));
    };
    let command = &args[i + 1..];
    let ctx = match network.as_str() {
        "bridge" | "default" => Ctx { hops: 1, container: true, host_network: false },
        "host" => Ctx { hops: 0, container: true, host_network: true },
        "none" => return CmdOut::err(1, "ec2lab: docker run --network none is not simulated yet\n"),
        other => return CmdOut::err(125, format!("docker: Error response from daemon: network {other} not found.\n{}", run_help())),
    };
    let Some((name, repo, kind)) = image(reference) else {
        return CmdOut::err(
            125,
            format!("ec2lab: docker: the image '{reference}' is not simulated (amazonlinux and curlimages/curl have curl; ubuntu, debian, alpine and busybox are known too)\n"),
        );
    };
    let mut err = String::new();
    let pulled = m.fs_ref().read(PULLED).map(|d| String::from_utf8_lossy(d).lines().any(|l| l == name)).unwrap_or(false);
    if !pulled {
        // Pulling needs a way out to the registry: a public address in the default VPC.
        let online = m.on_instance().and_then(|id| m.world.compute.get(id)).is_some_and(|i| i.public_ip.is_some());
        let registry = if repo.starts_with("amazonlinux/") { "public.ecr.aws" } else { "registry-1.docker.io" };
        err.push_str(&format!("Unable to find image '{name}' locally\n"));
        if !online {
            m.sleep(15 * SECOND);
            err.push_str(&format!(
                "docker: Error response from daemon: Get \"https://{registry}/v2/\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers).\n{}",
                run_help()
            ));
            return CmdOut::err(125, err);
        }
        let tag = name.rsplit_once(':').map(|(_, t)| t).unwrap_or("latest");
        err.push_str(&format!("{tag}: Pulling from {repo}\n"));
        let layers = if kind == Kind::CurlImage { 3 } else { 1 };
        for n in 0..layers {
            err.push_str(&format!("{}: Pull complete\n", hex_of(&format!("{name}#{n}"), 12)));
        }
        err.push_str(&format!("Digest: sha256:{}\nStatus: Downloaded newer image for {name}\n", hex_of(&name, 64)));
        m.sleep(4 * SECOND);
        let fs = m.fs();
        fs.mkdir_p("/var/lib/docker");
        let _ = fs.append(PULLED, format!("{name}\n").as_bytes());
    }
    let with_err = |mut out: CmdOut, err: String| {
        let mut e = err.into_bytes();
        e.extend(out.stderr);
        out.stderr = e;
        out
    };
    // What runs in the container: curlimages/curl runs curl on its arguments.
    let (program, rest): (&str, &[String]) = match (kind, command.first()) {
        (Kind::CurlImage, Some(c)) if c == "curl" || c == "/usr/bin/curl" => ("curl", &command[1..]),
        (Kind::CurlImage, _) => ("curl", command),
        (_, Some(c)) => (c.as_str(), &command[1..]),
        // The default command is an interactive shell: without -it it exits at once.
        (_, None) => return with_err(CmdOut::ok(""), err),
    };
    let base = program.rsplit('/').next().unwrap_or(program);
    // The slim images lack curl (ubuntu, debian, alpine, busybox) or wget (amazonlinux).
    if (base == "curl" && kind == Kind::NoCurl) || (base == "wget" && kind == Kind::AmazonLinux) {
        err.push_str(&format!(
            "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown.\n"
        ));
        return CmdOut::err(127, err);
    }
    if base != "curl" {
        err.push_str(&format!("ec2lab: docker: running `{program}` in a container is not simulated yet (only curl is)\n"));
        return CmdOut::err(1, err);
    }
    with_err(curl::run(m, rest, "/", &[], ctx), err)
}
