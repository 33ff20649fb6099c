//! `ec2-metadata`: Amazon Linux's metadata helper (the amazon-ec2-utils package, MIT licence).
//!
//! The real tool is a bash script around `curl -s -f`: it fetches an IMDSv2 token first
//! (`PUT /latest/api/token`, TTL 900) and then one GET per item, printing `name: value` lines and
//! `not available` for what is missing. This does the same requests through
//! [`crate::imds::request`], so the metadata service's log shows them, and prints what the script
//! prints (including its `availablility-zone-id` spelling in `--all`). Only Amazon Linux AMIs
//! have it.

use super::shell::{CmdOut, Invocation};
use super::Machine;
use crate::imds::{self, HttpRequest};

const VERSION: &str = "2.2.0";
const TOKEN_ERROR: &str =
    "[ERROR] Could not get IMDSv2 token. Instance Metadata might have been disabled or this is not an EC2 instance.\n";

/// Is this machine an Amazon Linux instance (the OS that ships ec2-metadata)?
pub(super) fn available(m: &Machine) -> bool {
    m.on_instance()
        .and_then(|id| m.world.compute.get(id))
        .and_then(|i| i.ami())
        .is_some_and(|a| a.os_name.starts_with("Amazon Linux"))
}

/// One printable item: short option, long option, label, path under `latest/`.
const ITEMS: &[(char, &str, &str, &str)] = &[
    ('a', "ami-id", "ami-id", "meta-data/ami-id"),
    ('l', "ami-launch-index", "ami-launch-index", "meta-data/ami-launch-index"),
    ('m', "ami-manifest-path", "ami-manifest-path", "meta-data/ami-manifest-path"),
    ('n', "ancestor-ami-ids", "ancestor-ami-ids", "meta-data/ancestor-ami-ids"),
    ('D', "aws-domain", "aws-domain", "meta-data/services/domain"),
    ('i', "instance-id", "instance-id", "meta-data/instance-id"),
    ('t', "instance-type", "instance-type", "meta-data/instance-type"),
    ('h', "local-hostname", "local-hostname", "meta-data/local-hostname"),
    ('o', "local-ipv4", "local-ipv4", "meta-data/local-ipv4"),
    ('k', "kernel-id", "kernel-id", "meta-data/kernel-id"),
    ('z', "availability-zone", "placement", "meta-data/placement/availability-zone"),
    ('Z', "availability-zone-id", "availability-zone-id", "meta-data/placement/availability-zone-id"),
    ('R', "region", "region", "meta-data/placement/region"),
    ('P', "partition", "partition", "meta-data/services/partition"),
    ('c', "product-codes", "product-codes", "meta-data/product-codes"),
    ('p', "public-hostname", "public-hostname", "meta-data/public-hostname"),
    ('v', "public-ipv4", "public-ipv4", "meta-data/public-ipv4"),
    ('r', "ramdisk-id", "ramdisk-id", "/meta-data/ramdisk-id"),
    ('e', "reservation-id", "reservation-id", "/meta-data/reservation-id"),
    ('s', "security-groups", "security-groups", "meta-data/security-groups"),
    ('d', "user-data", "user-data", "user-data"),
];

#[derive(Clone, Debug, PartialEq)]
enum Action {
    Item(usize),
    BlockDevices,
    PublicKeys,
    Tags,
    Path(String),
    All,
}

fn help() -> String {
    format!(
        "ec2-metadata v{VERSION}
Use to retrieve EC2 instance metadata from within a running EC2 instance. 
e.g. to retrieve instance id: ec2-metadata -i
\t\t to retrieve ami id: ec2-metadata -a
\t\t to get help: ec2-metadata --help
For more information on Amazon EC2 instance meta-data, refer to the documentation at
https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-metadata.html

Usage: ec2-metadata <option>
Options:
--all                     Show all metadata information for this host (also default).
-a/--ami-id               The AMI ID used to launch this instance
-l/--ami-launch-index     The index of this instance in the reservation (per AMI).
-m/--ami-manifest-path    The manifest path of the AMI with which the instance was launched.
-n/--ancestor-ami-ids     The AMI IDs of any instances that were rebundled to create this AMI.
-D/--aws-domain           The root domain name that AWS uses in this region
-b/--block-device-mapping Defines native device names to use when exposing virtual devices.
-i/--instance-id          The ID of this instance
-t/--instance-type        The type of instance to launch. For more information, see Instance Types.
-h/--local-hostname       The local hostname of the instance.
-o/--local-ipv4           Public IP address if launched with direct addressing; private IP address if launched with public addressing.
-k/--kernel-id            The ID of the kernel launched with this instance, if applicable.
-z/--availability-zone    The availability zone in which the instance launched. Same as placement
-Z/--availability-zone-id The availability zone id in which the instance launched.
-R/--region               The region in which the instance launched.
-P/--partition            The AWS partition name.
-c/--product-codes        Product codes associated with this instance.
-p/--public-hostname      The public hostname of the instance.
-v/--public-ipv4          NATted public IP Address
-u/--public-keys          Public keys. Only available if supplied at instance launch time
-r/--ramdisk-id           The ID of the RAM disk launched with this instance, if applicable.
-e/--reservation-id       ID of the reservation.
-s/--security-groups      Names of the security groups the instance is launched in. Only available if supplied at instance launch time
-d/--user-data            User-supplied data.Only available if supplied at instance launch time.
-g/--tags                 Tags assigned to this instance.
--quiet                   Suppress tag keys from the output.
--path                    Show metadata information from the specified path.  Can be specified multiple times.
"
    )
}

struct Run<'a, 'b> {
    m: &'a mut Machine<'b>,
    id: String,
    token: String,
    quiet: bool,
    out: String,
}

impl Run<'_, '_> {
    /// `curl -s -q -H "X-aws-ec2-metadata-token:$TOKEN" -f BASE/VERSION/PATH`, trailing newlines
    /// removed as `$(…)` removes them; empty on any failure.
    fn get(&mut self, version: &str, path: &str) -> String {
        let req = HttpRequest {
            method: "GET".into(),
            path: format!("/{version}/{path}"),
            headers: vec![
                ("Host".into(), "169.254.169.254".into()),
                ("User-Agent".into(), super::curl::USER_AGENT.into()),
                ("Accept".into(), "*/*".into()),
                (imds::TOKEN_HEADER.into(), self.token.clone()),
            ],
            hops: 0,
            ipv6: false,
        };
        match imds::request(self.m.world, &self.id, &req) {
            Some(r) if r.status < 400 => String::from_utf8_lossy(&r.body).trim_end_matches('\n').to_string(),
            _ => String::new(),
        }
    }

    fn label(&mut self, text: &str) {
        if !self.quiet {
            self.out.push_str(text);
        }
    }

    fn normal(&mut self, label: &str, version: &str, path: &str) {
        self.label(&format!("{label}: "));
        let v = self.get(version, path);
        if v.is_empty() {
            self.out.push_str("not available\n");
        } else {
            self.out.push_str(&v);
            self.out.push('\n');
        }
    }

    fn block_devices(&mut self) {
        self.label("block-device-mapping: \n");
        let list = self.get("latest", "meta-data/block-device-mapping/");
        if list.is_empty() {
            self.out.push_str("not available\n");
            return;
        }
        for name in list.split_whitespace().map(str::to_string).collect::<Vec<_>>() {
            self.label(&format!("\t {name}: "));
            let v = self.get("latest", &format!("meta-data/block-device-mapping/{name}"));
            self.out.push_str(&format!("{v}\n"));
        }
    }

    fn public_keys(&mut self) {
        self.label("public-keys: \n");
        let list = self.get("latest", "meta-data/public-keys/");
        if list.is_empty() {
            self.out.push_str("not available\n");
            return;
        }
        for entry in list.split_whitespace().map(str::to_string).collect::<Vec<_>>() {
            let index = entry.split('=').next().unwrap_or("").to_string();
            let keyname = entry.split('=').nth(1).unwrap_or(&entry).to_string();
            self.label(&format!("keyname:{keyname}\nindex:{index}\n"));
            let format = self.get("latest", &format!("meta-data/public-keys/{index}/"));
            self.label(&format!("format:{format}\nkey:(begins from next line)\n"));
            let key = self.get("latest", &format!("meta-data/public-keys/{index}/{format}"));
            self.out.push_str(&format!("{key}\n"));
        }
    }

    fn tags(&mut self) {
        self.label("tags: \n");
        let list = self.get("latest", "meta-data/tags/instance/");
        if list.is_empty() {
            self.out.push_str("not available\n");
            return;
        }
        for key in list.split_whitespace().map(str::to_string).collect::<Vec<_>>() {
            self.out.push_str(&format!("\t {key}: "));
            let v = self.get("latest", &format!("meta-data/tags/instance/{key}"));
            self.out.push_str(&format!("{v}\n"));
        }
    }

    fn path(&mut self, p: &str) {
        let collapse = |s: &str| {
            let mut out = String::new();
            for c in s.chars() {
                if !(c == '/' && out.ends_with('/')) {
                    out.push(c);
                }
            }
            out
        };
        let mut path = collapse(p);
        let bare = path.trim_start_matches('/');
        let first = bare.split('/').next().unwrap_or("");
        let versioned = path == "/" || first == "latest" || first == "1.0" || is_date(first);
        if !versioned {
            path = if first == "dynamic" || first == "meta-data" || bare.starts_with("dynamic") || bare.starts_with("meta-data") {
                format!("latest/{path}")
            } else {
                format!("latest/meta-data/{path}")
            };
        }
        let path = collapse(&path);
        // The script empties its version for --path: the URL becomes BASE//PATH.
        self.normal(&path.clone(), "", &path);
    }

    fn all(&mut self) {
        let item = |n: &str| ITEMS.iter().position(|i| i.1 == n).unwrap_or(0);
        for name in ["ami-id", "ami-launch-index", "ami-manifest-path", "ancestor-ami-ids"] {
            self.item(item(name));
        }
        self.normal("availablility-zone-id", "latest", "meta-data/placement/availability-zone-id");
        self.item(item("aws-domain"));
        self.block_devices();
        for name in ["instance-id", "instance-type", "local-hostname", "local-ipv4", "kernel-id", "availability-zone", "region", "partition", "product-codes", "public-hostname", "public-ipv4"] {
            self.item(item(name));
        }
        self.public_keys();
        for name in ["ramdisk-id", "reservation-id", "security-groups", "user-data"] {
            self.item(item(name));
        }
        self.tags();
    }

    fn item(&mut self, i: usize) {
        if let Some(&(_, _, label, path)) = ITEMS.get(i) {
            self.normal(label, "latest", path);
        }
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Parse the options the way the script's `getopt` does. `Err`: getopt's complaint.
fn parse(args: &[String]) -> Result<(Vec<Action>, bool, bool), String> {
    let mut actions = Vec::new();
    let (mut quiet, mut help) = (false, false);
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            match name {
                "help" => help = true,
                "quiet" => quiet = true,
                "all" => actions.push(Action::All),
                "block-device-mapping" => actions.push(Action::BlockDevices),
                "public-keys" => actions.push(Action::PublicKeys),
                "tags" => actions.push(Action::Tags),
                "path" => {
                    let v = match inline {
                        Some(v) => v,
                        None => match args.get(i) {
                            Some(v) => {
                                i += 1;
                                v.clone()
                            }
                            None => return Err("ec2-metadata: option '--path' requires an argument\n".into()),
                        },
                    };
                    actions.push(Action::Path(v));
                }
                n => match ITEMS.iter().position(|it| it.1 == n) {
                    Some(p) => actions.push(Action::Item(p)),
                    None => return Err(format!("ec2-metadata: unrecognized option '--{name}'\n")),
                },
            }
        } else if a.len() > 1 && a.starts_with('-') {
            for c in a.chars().skip(1) {
                match c {
                    'b' => actions.push(Action::BlockDevices),
                    'u' => actions.push(Action::PublicKeys),
                    'g' => actions.push(Action::Tags),
                    c => match ITEMS.iter().position(|it| it.0 == c) {
                        Some(p) => actions.push(Action::Item(p)),
                        None => return Err(format!("ec2-metadata: invalid option -- '{c}'\n")),
                    },
                }
            }
        }
        // Other words are left over after getopt's `--`, and the script ignores them.
    }
    Ok((actions, quiet, help))
}

/// `ec2-metadata [OPTIONS]`. `None` where the OS does not ship it.
pub(super) fn run(m: &mut Machine, inv: &Invocation) -> Option<CmdOut> {
    if !available(m) {
        return None;
    }
    let id = m.on_instance()?.to_string();
    // The script gets its token before it looks at the options.
    let put = HttpRequest {
        method: "PUT".into(),
        path: "/latest/api/token".into(),
        headers: vec![
            ("Host".into(), "169.254.169.254".into()),
            ("User-Agent".into(), super::curl::USER_AGENT.into()),
            ("Accept".into(), "*/*".into()),
            (imds::TTL_HEADER.into(), "900".into()),
        ],
        hops: 0,
        ipv6: false,
    };
    let token = match imds::request(m.world, &id, &put) {
        Some(r) if r.status < 400 && !r.body.is_empty() => String::from_utf8_lossy(&r.body).trim_end_matches('\n').to_string(),
        _ => return Some(CmdOut::err(1, TOKEN_ERROR)),
    };
    let args = inv.argv.get(1..).unwrap_or(&[]);
    let (actions, quiet, want_help) = match parse(args) {
        Ok(p) => p,
        Err(e) => return Some(CmdOut::err(1, format!("{e}Terminating...\n"))),
    };
    if want_help {
        return Some(CmdOut::ok(help()));
    }
    let mut r = Run { m, id, token, quiet, out: String::new() };
    if args.is_empty() {
        r.all();
    }
    for a in actions {
        match a {
            Action::Item(i) => r.item(i),
            Action::BlockDevices => r.block_devices(),
            Action::PublicKeys => r.public_keys(),
            Action::Tags => r.tags(),
            Action::Path(p) => r.path(&p),
            Action::All => {
                r.all();
                break;
            }
        }
    }
    Some(CmdOut::ok(r.out))
}
