//! The AWS CLI v2 front end.
//!
//! `aws [global options] SERVICE OPERATION [parameters]` parsed like awscli v2 (argparse
//! semantics, shorthand and JSON values, file:// and fileb://, the ec2 customizations), the
//! input validated like botocore, handed to [`crate::api::call`], and the output printed by
//! ports of the CLI's json/text/table formatters. Texts and exit codes follow awscli v2:
//! 252 usage/parameter errors, 253 configuration, 254 service errors, 255 everything else.

pub mod args;
pub mod config;
pub mod configure;
pub mod credentials;
pub mod format;
pub mod help;
pub mod model;
pub mod paginate;
pub mod shorthand;
pub mod validate;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod chain_tests;

use crate::api::ApiError;
use crate::console::shell::{CmdOut, Invocation};
use crate::world::World;
use serde_json::Value;
use std::collections::BTreeMap;

/// Where the `aws` command runs.
#[derive(Clone, Debug, Default)]
pub struct AwsContext {
    /// True on an EC2 instance: the credential chain ends with the instance profile, asked of
    /// the metadata service ([`Backend::imds`]).
    pub on_instance: bool,
    /// The instance's id (for [`run`]'s metadata requests).
    pub instance: Option<String>,
    /// Network hops between this CLI and the instance's metadata service: 0 for a process on
    /// the instance, 1 more per container bridge (the hop limit applies to the token answer).
    pub imds_hops: u32,
    /// Files the command wrote (`aws configure`): (path, contents), for the console to store.
    pub writes: std::cell::RefCell<Vec<(String, Vec<u8>)>>,
}

impl AwsContext {
    /// On an instance, the hops to its metadata service.
    pub fn imds_hops(&self) -> Option<u32> {
        self.on_instance.then_some(self.imds_hops)
    }
}

/// What the front end needs from the simulation. [`run`] wires it to the [`World`].
pub trait Backend {
    /// Send a request signed with `creds`.
    fn call(&mut self, creds: &crate::sts::Credentials, service: &str, operation: &str, input: &Value) -> Result<Value, ApiError>;
    fn is_simulated(&self, service: &str, operation: &str) -> bool;
    /// Advance the virtual clock (waiters sleeping between polls, metadata-service timeouts).
    fn advance(&mut self, ms: u64);
    /// A request from this machine to 169.254.169.254 (None: nothing answers).
    fn imds(&mut self, req: &crate::imds::HttpRequest) -> Option<crate::imds::HttpResponse> {
        let _ = req;
        None
    }
}

struct WorldBackend<'a> {
    world: &'a mut World,
    instance: Option<String>,
}

impl Backend for WorldBackend<'_> {
    fn call(&mut self, creds: &crate::sts::Credentials, service: &str, operation: &str, input: &Value) -> Result<Value, ApiError> {
        // An instance whose network is down (faults.rs) reaches no endpoint: the connection
        // attempt times out.
        if let Some(id) = &self.instance
            && !crate::faults::network_up(self.world, id)
        {
            self.world.advance(crate::faults::timing::OUTBOUND_TIMEOUT);
            return Err(ApiError::new(CONNECT_TIMEOUT, ""));
        }
        crate::api::call_signed(self.world, creds, service, operation, input)
    }
    fn is_simulated(&self, service: &str, operation: &str) -> bool {
        crate::api::is_simulated(service, operation)
    }
    fn advance(&mut self, ms: u64) {
        self.world.advance(ms)
    }
    fn imds(&mut self, req: &crate::imds::HttpRequest) -> Option<crate::imds::HttpResponse> {
        let id = self.instance.clone()?;
        crate::imds::request(self.world, &id, req)
    }
}

/// Run one `aws …` command against the world. `read_file` must answer for the shared config
/// and credentials files ([`config_paths`]) as well as `file://` arguments.
pub fn run(world: &mut World, inv: &Invocation, read_file: &dyn Fn(&str) -> Option<Vec<u8>>, ctx: &AwsContext) -> CmdOut {
    run_with(&mut WorldBackend { world, instance: ctx.instance.clone() }, inv, read_file, ctx)
}

/// The shared config and credentials files `aws` reads in this environment (expanded paths).
pub fn config_paths(env: &BTreeMap<String, String>) -> [String; 2] {
    let (config, creds) = config::AwsConfig::paths(env);
    [config, creds]
}

pub const VERSION: &str = "aws-cli/2.22.0 Python/3.12.6 Linux/6.1 exe/x86_64.amzn.2023";
const USAGE: &str = "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n";
pub const REGION: &str = "us-east-1";

/// Real services ec2lab recognises by name only.
const OTHER_REAL_SERVICES: &[&str] = &[
    "acm", "apigateway", "autoscaling", "backup", "cloudfront", "cloudtrail", "codebuild", "configure", "dynamodb", "ebs", "ecr", "ecs",
    "efs", "eks", "elb", "elbv2", "events", "glacier", "lambda", "lightsail", "organizations", "rds", "route53", "s3", "s3api",
    "secretsmanager", "ses", "sns", "sqs", "ssm-guiconnect", "sso", "ec2-instance-connect",
];

const REAL_REGIONS: &[&str] = &[
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ap-northeast-1",
    "ap-northeast-2", "ap-northeast-3", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2",
    "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1", "il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1",
];

/// A failed command: what goes to stderr and the exit code.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub code: i32,
    pub stderr: String,
}

impl Failure {
    /// argparse error (`ArgParseException`), exit 252.
    pub fn usage(msg: impl std::fmt::Display) -> Failure {
        Failure { code: 252, stderr: format!("\n{USAGE}\naws: error: {msg}\n\n") }
    }
    pub fn unknown_options(opts: &[String]) -> Failure {
        Failure { code: 252, stderr: format!("\n{USAGE}\nUnknown options: {}\n\n", opts.join(", ")) }
    }
    /// `ParamError`/`ParamValidationError`, exit 252.
    pub fn param(msg: impl std::fmt::Display) -> Failure {
        Failure { code: 252, stderr: format!("\n{msg}\n") }
    }
    /// Any other exception, exit 255.
    pub fn general(msg: impl std::fmt::Display) -> Failure {
        Failure { code: 255, stderr: format!("\n{msg}\n") }
    }
    pub fn client(code: &str, op: &str, msg: &str) -> Failure {
        Failure { code: 254, stderr: format!("\nAn error occurred ({code}) when calling the {op} operation: {msg}\n") }
    }
    fn not_simulated(service: &str, cli_op: &str) -> Failure {
        let cmd = if cli_op.is_empty() { format!("aws {service}") } else { format!("aws {service} {cli_op}") };
        Failure { code: 252, stderr: format!("ec2lab: '{cmd}' is a real AWS CLI command, but ec2lab does not simulate it yet.\n") }
    }
}

/// `file://`/`fileb://` access for parameter values.
pub struct Files<'a> {
    read: &'a dyn Fn(&str) -> Option<Vec<u8>>,
    env: &'a BTreeMap<String, String>,
}

impl Files<'_> {
    /// `os.path.expandvars(os.path.expanduser(path))`.
    pub fn expand(&self, path: &str) -> String {
        let home = self.env.get("HOME").cloned().unwrap_or_else(|| "/home/learner".into());
        let p = if path == "~" {
            home
        } else if let Some(rest) = path.strip_prefix("~/") {
            format!("{}/{}", home.trim_end_matches('/'), rest)
        } else {
            path.to_string()
        };
        let mut out = String::new();
        let cs: Vec<char> = p.chars().collect();
        let mut i = 0;
        while i < cs.len() {
            if cs[i] == '$' {
                let (name, end) = if cs.get(i + 1) == Some(&'{') {
                    match cs[i + 2..].iter().position(|&c| c == '}') {
                        Some(k) => (cs[i + 2..i + 2 + k].iter().collect::<String>(), i + 3 + k),
                        None => (String::new(), i + 1),
                    }
                } else {
                    let k = cs[i + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '_').count();
                    (cs[i + 1..i + 1 + k].iter().collect::<String>(), i + 1 + k)
                };
                if let Some(v) = self.env.get(&name).filter(|_| !name.is_empty()) {
                    out.push_str(v);
                    i = end;
                    continue;
                }
            }
            out.push(cs[i]);
            i += 1;
        }
        out
    }
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        (self.read)(path)
    }
}

#[derive(Default, Debug)]
struct Globals {
    output: Option<String>,
    query: Option<String>,
    region: Option<String>,
    profile: Option<String>,
    version: bool,
    no_paginate: bool,
}

struct GlobalOpt {
    name: &'static str,
    takes_value: bool,
    choices: &'static [&'static str],
}

const GLOBAL_OPTS: &[GlobalOpt] = &[
    GlobalOpt { name: "debug", takes_value: false, choices: &[] },
    GlobalOpt { name: "endpoint-url", takes_value: true, choices: &[] },
    GlobalOpt { name: "no-verify-ssl", takes_value: false, choices: &[] },
    GlobalOpt { name: "no-paginate", takes_value: false, choices: &[] },
    GlobalOpt { name: "output", takes_value: true, choices: &["json", "text", "table", "yaml", "yaml-stream"] },
    GlobalOpt { name: "query", takes_value: true, choices: &[] },
    GlobalOpt { name: "profile", takes_value: true, choices: &[] },
    GlobalOpt { name: "region", takes_value: true, choices: &[] },
    GlobalOpt { name: "version", takes_value: false, choices: &[] },
    GlobalOpt { name: "color", takes_value: true, choices: &["on", "off", "auto"] },
    GlobalOpt { name: "no-sign-request", takes_value: false, choices: &[] },
    GlobalOpt { name: "ca-bundle", takes_value: true, choices: &[] },
    GlobalOpt { name: "cli-read-timeout", takes_value: true, choices: &[] },
    GlobalOpt { name: "cli-connect-timeout", takes_value: true, choices: &[] },
    GlobalOpt { name: "cli-binary-format", takes_value: true, choices: &["base64", "raw-in-base64-out"] },
    GlobalOpt { name: "no-cli-pager", takes_value: false, choices: &[] },
    GlobalOpt { name: "cli-auto-prompt", takes_value: false, choices: &[] },
    GlobalOpt { name: "no-cli-auto-prompt", takes_value: false, choices: &[] },
];

/// argparse's "Invalid choice" message (`CLIArgParser._check_value`).
pub fn invalid_choice(arg: &str, value: &str, choices: &[String]) -> String {
    let mut msg: Vec<String> = vec!["Invalid choice, valid choices are:\n".into()];
    for chunk in choices.chunks(2) {
        msg.push(chunk.iter().map(|c| format!("{c:<40}")).collect::<Vec<_>>().join(" | "));
    }
    let close = close_matches(value, choices);
    if !close.is_empty() {
        msg.push(format!("\n\nInvalid choice: '{value}', maybe you meant:\n"));
        for c in close {
            msg.push(format!("  * {c}"));
        }
    }
    format!("argument {}: {}", arg, msg.join("\n"))
}

/// difflib.get_close_matches(word, possibilities, n=3, cutoff=0.8).
fn close_matches(word: &str, choices: &[String]) -> Vec<String> {
    let w: Vec<char> = word.chars().collect();
    let mut scored: Vec<(f64, &String)> = Vec::new();
    for c in choices {
        let b: Vec<char> = c.chars().collect();
        let total = w.len() + b.len();
        if total == 0 || w.len() > 200 || b.len() > 200 {
            continue;
        }
        let r = 2.0 * matching_chars(&w, &b) as f64 / total as f64;
        if r >= 0.8 {
            scored.push((r, c));
        }
    }
    scored.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal).then_with(|| b.1.cmp(a.1)));
    scored.into_iter().take(3).map(|(_, c)| c.clone()).collect()
}

/// Ratcliff/Obershelp matching characters (difflib's SequenceMatcher without junk).
fn matching_chars(a: &[char], b: &[char]) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let (mut best, mut bi, mut bj) = (0usize, 0usize, 0usize);
    let mut prev = vec![0usize; b.len() + 1];
    for i in 0..a.len() {
        let mut cur = vec![0usize; b.len() + 1];
        for j in 0..b.len() {
            if a[i] == b[j] {
                cur[j + 1] = prev[j] + 1;
                if cur[j + 1] > best {
                    best = cur[j + 1];
                    bi = i + 1 - best;
                    bj = j + 1 - best;
                }
            }
        }
        prev = cur;
    }
    if best == 0 {
        return 0;
    }
    best + matching_chars(&a[..bi], &b[..bj]) + matching_chars(&a[bi + best..], &b[bj + best..])
}

fn looks_like_option(tok: &str) -> bool {
    tok.starts_with('-') && tok.len() > 1 && tok[1..].parse::<f64>().is_err()
}

/// The main parser: global options anywhere, the first positional is the command.
fn parse_globals(argv: &[String]) -> Result<(Globals, Option<String>, Vec<String>), Failure> {
    let mut g = Globals::default();
    let mut command = None;
    let mut rest = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        let tok = &argv[i];
        i += 1;
        if tok.starts_with("--") && tok.len() > 2 {
            let (name, explicit) = match tok[2..].split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (&tok[2..], None),
            };
            let idx = args::match_option(GLOBAL_OPTS, name, |o| o.name).map_err(Failure::usage)?;
            let Some(idx) = idx else {
                rest.push(tok.clone());
                continue;
            };
            let opt = &GLOBAL_OPTS[idx];
            let value = if opt.takes_value {
                match explicit {
                    Some(v) => Some(v),
                    None if i < argv.len() && !looks_like_option(&argv[i]) => {
                        i += 1;
                        Some(argv[i - 1].clone())
                    }
                    None => return Err(Failure::usage(format!("argument --{}: expected one argument", opt.name))),
                }
            } else {
                if let Some(v) = explicit {
                    return Err(Failure::usage(format!("argument --{}: ignored explicit argument '{}'", opt.name, v)));
                }
                None
            };
            if let Some(v) = &value {
                if !opt.choices.is_empty() && !opt.choices.contains(&v.as_str()) {
                    let choices: Vec<String> = opt.choices.iter().map(|c| c.to_string()).collect();
                    return Err(Failure::usage(invalid_choice(&format!("--{}", opt.name), v, &choices)));
                }
            }
            match opt.name {
                "output" => g.output = value,
                "query" => g.query = value,
                "region" => g.region = value,
                "profile" => g.profile = value,
                "version" => g.version = true,
                "no-paginate" => g.no_paginate = true,
                "cli-read-timeout" | "cli-connect-timeout" => {
                    let v = value.unwrap_or_default();
                    if shorthand::py_int(&v).is_err() {
                        return Err(Failure::usage(format!("argument --{}: invalid int value: '{}'", opt.name, v)));
                    }
                }
                _ => {}
            }
        } else if command.is_none() && !looks_like_option(tok) {
            command = Some(tok.clone());
        } else {
            rest.push(tok.clone());
        }
    }
    Ok((g, command, rest))
}

/// The generic core of `aws`: testable with a fake backend.
pub fn run_with(backend: &mut dyn Backend, inv: &Invocation, read_file: &dyn Fn(&str) -> Option<Vec<u8>>, ctx: &AwsContext) -> CmdOut {
    let files = Files { read: read_file, env: inv.env };
    match drive(backend, inv, &files, ctx) {
        Ok(stdout) => CmdOut::ok(stdout),
        Err(f) => CmdOut::err(f.code, f.stderr),
    }
}

/// The command's resolved settings.
struct Settings {
    output: String,
    query: Option<jmespath::Expression<'static>>,
    /// The configured region; on an instance without one, the metadata service's (asked once).
    region: std::cell::RefCell<Option<String>>,
    cfg: config::AwsConfig,
    /// The `AWS_*` environment variables.
    env: BTreeMap<String, String>,
    /// The credentials, once the chain has found them (waiters reuse them).
    creds: std::cell::RefCell<Option<credentials::Found>>,
}

impl Settings {
    /// The region, or CLI v2's NoRegionError (exit 253). On an instance with none configured,
    /// the CLI asks the metadata service.
    fn region(&self, backend: &mut dyn Backend, ctx: &AwsContext) -> Result<String, Failure> {
        if self.region.borrow().is_none() && ctx.on_instance {
            let r = credentials::instance_region(backend, &self.env, ctx.imds_hops);
            *self.region.borrow_mut() = Some(r.unwrap_or_default());
        }
        match self.region.borrow().as_deref() {
            Some(r) if !r.is_empty() => Ok(r.to_string()),
            _ => Err(Failure { code: 253, stderr: "\nYou must specify a region. You can also configure your region by running \"aws configure\".\n".into() }),
        }
    }

    fn credentials(&self, backend: &mut dyn Backend, ctx: &AwsContext) -> Result<crate::sts::Credentials, Failure> {
        if let Some(f) = self.creds.borrow().as_ref() {
            return Ok(f.creds.clone());
        }
        let found = credentials::resolve(backend, &self.cfg, &self.env, ctx.imds_hops())?;
        let c = found.creds.clone();
        *self.creds.borrow_mut() = Some(found);
        Ok(c)
    }
}

fn drive(backend: &mut dyn Backend, inv: &Invocation, files: &Files<'_>, ctx: &AwsContext) -> Result<String, Failure> {
    let argv = inv.argv.get(1..).unwrap_or(&[]);
    let (g, command, rest) = parse_globals(argv)?;
    if g.version {
        return Ok(format!("{VERSION}\n"));
    }
    let Some(command) = command else {
        return Err(Failure::usage("the following arguments are required: command"));
    };
    let m = model::model();
    let mut services: Vec<String> = model::KNOWN_SERVICES.iter().chain(OTHER_REAL_SERVICES).map(|s| s.to_string()).collect();
    services.sort();
    services.push("help".into());
    if command == "help" {
        return Ok(help::top());
    }
    if command == "configure" {
        let cfg = config::AwsConfig::load(files, inv.env, g.profile.clone())?;
        let run = configure::Run { backend, cfg: &cfg, env: inv.env, stdin: inv.stdin, imds_hops: ctx.imds_hops(), flag_region: g.region.clone() };
        let (out, writes) = configure::run(&rest, run)?;
        ctx.writes.borrow_mut().extend(writes);
        return Ok(out);
    }
    if !model::KNOWN_SERVICES.contains(&command.as_str()) {
        if OTHER_REAL_SERVICES.contains(&command.as_str()) {
            return Err(Failure::not_simulated(&command, ""));
        }
        return Err(Failure::usage(invalid_choice("command", &command, &services)));
    }
    let service = command;
    // The shared files, and the profile in use (a named profile must exist).
    let cfg = config::AwsConfig::load(files, inv.env, g.profile.clone())?;
    let scoped = cfg.scoped()?;
    // Service level: the first positional is the operation.
    let (op_name, op_args) = {
        let mut op = None;
        let mut remaining = Vec::new();
        for tok in &rest {
            if op.is_none() && !looks_like_option(tok) {
                op = Some(tok.clone());
            } else {
                remaining.push(tok.clone());
            }
        }
        (op, remaining)
    };
    let Some(op_name) = op_name else {
        return Err(Failure::usage("the following arguments are required: operation"));
    };
    if op_name == "help" {
        return Ok(help::service(&service));
    }
    let has_waiters = matches!(service.as_str(), "ec2" | "ssm" | "iam" | "cloudformation" | "kms" | "logs" | "cloudwatch");
    let settings = || -> Result<Settings, Failure> {
        let output = g
            .output
            .clone()
            .or_else(|| inv.env.get("AWS_DEFAULT_OUTPUT").cloned())
            .or_else(|| scoped.get("output").cloned())
            .unwrap_or_else(|| "json".into());
        if !["json", "text", "table", "yaml", "yaml-stream"].contains(&output.as_str()) {
            return Err(Failure::general(format!("Unknown output type: {output}")));
        }
        let query = match &g.query {
            Some(q) => Some(jmespath::compile(&lenient_literals(q)).map_err(|e| Failure::param(format!("Bad value for --query {}: {}", q, jmes_error(&e))))?),
            None => None,
        };
        let region = g
            .region
            .clone()
            .or_else(|| inv.env.get("AWS_REGION").cloned())
            .or_else(|| inv.env.get("AWS_DEFAULT_REGION").cloned())
            .or_else(|| scoped.get("region").cloned())
            .filter(|r| !r.is_empty());
        let env = inv.env.iter().filter(|(k, _)| k.starts_with("AWS_")).map(|(k, v)| (k.clone(), v.clone())).collect();
        Ok(Settings { output, query, region: std::cell::RefCell::new(region), cfg: cfg.clone(), env, creds: Default::default() })
    };
    if op_name == "wait" && has_waiters {
        return wait(backend, &service, &op_args, files, ctx, settings()?);
    }
    let Some((op, entry)) = m.find_op(&service, &op_name) else {
        let names = m.op_names(&service).unwrap_or(&[]);
        if names.iter().any(|n| *n == op_name) {
            return Err(Failure::not_simulated(&service, &op_name));
        }
        let mut choices: Vec<String> = names.to_vec();
        if has_waiters {
            choices.push("wait".into());
        }
        choices.push("help".into());
        return Err(Failure::usage(invalid_choice("operation", &op_name, &choices)));
    };
    let mut table = args::arg_table(&service, op, entry);
    let has_input_json = op_args.iter().any(|a| a.starts_with("--cli-input-json") || a.starts_with("--generate-cli-skeleton"));
    if has_input_json {
        for a in table.iter_mut() {
            a.required = false;
        }
    }
    table.push(args::Arg { cli: "cli-input-json".into(), kind: args::Kind::Member { name: "\u{0}cli-input-json".into(), shape: "string".into() }, required: false, doc: "Read arguments from a JSON string (or file://).".into(), hidden: false });
    table.push(args::Arg { cli: "generate-cli-skeleton".into(), kind: args::Kind::Member { name: "\u{0}generate-cli-skeleton".into(), shape: "string".into() }, required: false, doc: "Print a JSON skeleton of the input (value: input).".into(), hidden: false });
    paginate::add_args(&service, op, &mut table);
    // `--generate-cli-skeleton` takes an optional value.
    let mut op_args = op_args;
    if let Some(pos) = op_args.iter().position(|a| a == "--generate-cli-skeleton") {
        if op_args.get(pos + 1).is_none_or(|n| looks_like_option(n)) {
            op_args.insert(pos + 1, "input".into());
        }
    }
    let (parsed, unknown) = args::parse(&table, &op_args).map_err(Failure::usage)?;
    if parsed.help {
        return Ok(help::operation(&service, op, entry.get("d").and_then(Value::as_str).unwrap_or(""), &table));
    }
    if !unknown.is_empty() {
        return Err(Failure::unknown_options(&unknown));
    }
    let input_ref = entry.get("i").and_then(Value::as_str).unwrap_or("");
    let mut real = args::Parsed { values: Vec::new(), help: false };
    let mut input_json = None;
    let mut paging: paginate::Paging = Vec::new();
    for (j, raw) in parsed.values {
        if paginate::is_paging_arg(&table[j]) {
            paging.push((table[j].cli.clone(), raw));
            continue;
        }
        match table[j].cli.as_str() {
            "generate-cli-skeleton" => {
                let args::Raw::Str(kind) = raw else { continue };
                if kind != "input" && kind != "output" && kind != "yaml-input" {
                    let choices: Vec<String> = ["input", "output", "yaml-input"].iter().map(|s| s.to_string()).collect();
                    return Err(Failure::usage(invalid_choice("--generate-cli-skeleton", &kind, &choices)));
                }
                if kind == "output" {
                    return Err(Failure::not_simulated(&service, &format!("{} --generate-cli-skeleton output", model::kebab(op))));
                }
                let mut stack = Vec::new();
                let sk = skeleton(m.shape(input_ref), &mut stack);
                return Ok(if kind == "yaml-input" { format::yaml(&sk) } else { format!("{}\n", format::json(&sk)) });
            }
            "cli-input-json" => input_json = Some(raw),
            _ => real.values.push((j, raw)),
        }
    }
    let mut params = args::build_params(&service, op, &table, &real, files)?;
    if let Some(args::Raw::Str(text)) = input_json {
        let text = match text.strip_prefix("file://") {
            Some(p) => {
                let path = files.expand(p);
                match files.read(&path) {
                    Some(b) => String::from_utf8_lossy(&b).into_owned(),
                    None => {
                        return Err(Failure::param(format!(
                            "Error parsing parameter '--cli-input-json': Unable to load paramfile file://{p}: [Errno 2] No such file or directory: '{path}'"
                        )))
                    }
                }
            }
            None => text,
        };
        let data: Value = serde_json::from_str(&text).map_err(|e| Failure::param(format!("Error parsing parameter '--cli-input-json': Invalid JSON received: {e}")))?;
        let Value::Object(data) = data else {
            return Err(Failure::param("Error parsing parameter '--cli-input-json': Invalid JSON received."));
        };
        if let Value::Object(p) = &mut params {
            for (k, v) in data {
                p.entry(k).or_insert(v);
            }
        }
    }
    let st = settings()?;
    let out = match m.paginator(&service, op) {
        Some(cfg) => paginate::run(cfg, &params, &paging, g.no_paginate, &mut |p| invoke(backend, &service, op, p, ctx, &st))?,
        None => invoke(backend, &service, op, &params, ctx, &st)?,
    };
    render(&service, op, out, &st)
}

fn jmes_error(e: &jmespath::JmespathError) -> String {
    // The Rust crate's message is multi-line with a caret; keep its first line (the reason).
    let s = e.to_string();
    s.lines().next().unwrap_or("").to_string()
}

/// botocore's ArgumentGenerator (`--generate-cli-skeleton input`).
fn skeleton(s: model::Shape<'_>, stack: &mut Vec<String>) -> Value {
    let name = match s {
        model::Shape::Named(n, _) => n.to_string(),
        _ => String::new(),
    };
    if !name.is_empty() && stack.contains(&name) {
        return Value::Null;
    }
    stack.push(name);
    let v = match model::type_name(s) {
        "structure" => {
            let mut o = serde_json::Map::new();
            for (k, r) in model::members(s) {
                o.insert(k.to_string(), skeleton(model::model().shape(r), stack));
            }
            Value::Object(o)
        }
        "list" => Value::Array(vec![skeleton(model::list_member(s), stack)]),
        "map" => serde_json::json!({"KeyName": skeleton(model::map_value(s), stack)}),
        "integer" | "long" => 0.into(),
        "double" | "float" => serde_json::json!(0.0),
        "boolean" => true.into(),
        "timestamp" => "1970-01-01T00:00:00".into(),
        _ => match model::enum_values(s).first() {
            Some(e) => Value::String(e.to_string()),
            None => "".into(),
        },
    };
    stack.pop();
    v
}

fn check_region(service: &str, region: &str) -> Result<(), Failure> {
    if region == REGION {
        return Ok(());
    }
    let valid = !region.is_empty()
        && region.len() <= 63
        && region.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if !valid {
        return Err(Failure::general(format!("Provided region_name '{region}' doesn't match a supported format.")));
    }
    if REAL_REGIONS.contains(&region) {
        return Err(Failure {
            code: 254,
            stderr: format!("\nec2lab: {region} is a real AWS region, but ec2lab simulates only {REGION}. Use --region {REGION} (or leave --region out).\n"),
        });
    }
    Err(Failure::general(format!("Could not connect to the endpoint URL: \"https://{service}.{region}.amazonaws.com/\"")))
}

/// The backend's answer when the request never reached an endpoint (botocore's
/// ConnectTimeoutError), not an AWS error code.
const CONNECT_TIMEOUT: &str = "ec2lab.ConnectTimeout";

/// Validate, check credentials and region, and call the API.
fn invoke(backend: &mut dyn Backend, service: &str, op: &str, params: &Value, ctx: &AwsContext, st: &Settings) -> Result<Value, Failure> {
    let m = model::model();
    let input_ref = m.find_op(service, &model::kebab(op)).and_then(|(_, e)| e.get("i").and_then(Value::as_str)).unwrap_or("");
    if !input_ref.is_empty() {
        validate::validate(params, input_ref).map_err(Failure::param)?;
    }
    let region = st.region(backend, ctx)?;
    let creds = st.credentials(backend, ctx)?;
    check_region(service, &region)?;
    if !backend.is_simulated(service, op) {
        return Err(Failure::not_simulated(service, &model::kebab(op)));
    }
    match backend.call(&creds, service, op, params) {
        Ok(v) => Ok(v),
        Err(e) if e.code == "NotSimulated" => Err(Failure::not_simulated(service, &model::kebab(op))),
        // Something the simulation does not cover, in its own words (e.g. the partner account).
        Err(e) if e.code == "ec2lab" => Err(Failure { code: 252, stderr: format!("ec2lab: {}\n", e.message) }),
        Err(e) if e.code == CONNECT_TIMEOUT => Err(Failure::general(format!("Connect timeout on endpoint URL: \"https://{service}.{region}.amazonaws.com/\""))),
        Err(e) => Err(Failure::client(&e.code, op, &e.message)),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z` → Python `datetime.isoformat()` (`…+00:00`), as CLI v2 prints.
fn iso_timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 20 || *b.last()? != b'Z' {
        return None;
    }
    let shape_ok = b[..19].iter().enumerate().all(|(i, c)| match i {
        4 | 7 => *c == b'-',
        10 => *c == b'T',
        13 | 16 => *c == b':',
        _ => c.is_ascii_digit(),
    });
    if !shape_ok {
        return None;
    }
    let frac = &s[19..s.len() - 1];
    let frac = match frac.strip_prefix('.') {
        Some(d) if !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()) => d,
        None if frac.is_empty() => "",
        _ => return None,
    };
    let mut micro: String = frac.chars().take(6).collect();
    while micro.len() < 6 {
        micro.push('0');
    }
    if micro.chars().all(|c| c == '0') {
        Some(format!("{}+00:00", &s[..19]))
    } else {
        Some(format!("{}.{}+00:00", &s[..19], micro))
    }
}

fn normalize(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let Some(t) = iso_timestamp(s) {
                *s = t;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(normalize),
        Value::Object(o) => o.values_mut().for_each(normalize),
        _ => {}
    }
}

fn render(service: &str, op: &str, mut out: Value, st: &Settings) -> Result<String, Failure> {
    if let Value::Object(o) = &mut out {
        o.shift_remove("ResponseMetadata");
    }
    normalize(&mut out);
    if service == "ec2" && op == "GetConsoleOutput" {
        // botocore's decode_console_output.
        if let Some(Value::String(s)) = out.get_mut("Output") {
            let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            use base64::Engine as _;
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(clean.as_bytes()) {
                *s = String::from_utf8_lossy(&bytes).into_owned();
            }
        }
    }
    let out = match &st.query {
        Some(q) => apply_query(q, &out)?,
        None => out,
    };
    Ok(match st.output.as_str() {
        "text" => format::text(&out),
        "table" => format::table(op, &out).map_err(Failure::general)?,
        "yaml" | "yaml-stream" => {
            if out == Value::Object(Default::default()) {
                String::new()
            } else {
                format::yaml(&out)
            }
        }
        _ => {
            if out == Value::Object(Default::default()) {
                String::new()
            } else {
                format!("{}\n", format::json(&out))
            }
        }
    })
}

fn apply_query(q: &jmespath::Expression<'static>, v: &Value) -> Result<Value, Failure> {
    let r = q.search(v.clone()).map_err(|e| Failure::general(jmes_error(&e)))?;
    let mut out = serde_json::to_value(&*r).unwrap_or(Value::Null);
    // The jmespath crate keeps objects in BTreeMaps (sorted keys); Python keeps insertion order.
    // Restore it: multi-select hashes in expression order, other objects in the order the same
    // key set has in the input.
    if !has_object(&out) {
        return Ok(out); // scalars and lists of scalars have no key order to restore
    }
    let mut orders: Vec<Vec<String>> = Vec::new();
    hash_orders(q.as_ast(), &mut orders);
    let mut seen: std::collections::HashSet<Vec<String>> = orders.iter().cloned().collect();
    input_orders(v, &mut orders, &mut seen, 0);
    reorder(&mut out, &orders);
    Ok(out)
}

fn hash_orders(a: &jmespath::ast::Ast, out: &mut Vec<Vec<String>>) {
    use jmespath::ast::Ast::*;
    match a {
        MultiHash { elements, .. } => {
            out.push(elements.iter().map(|kv| kv.key.clone()).collect());
            for kv in elements {
                hash_orders(&kv.value, out);
            }
        }
        Comparison { lhs, rhs, .. } | Projection { lhs, rhs, .. } | And { lhs, rhs, .. } | Or { lhs, rhs, .. } | Subexpr { lhs, rhs, .. } => {
            hash_orders(lhs, out);
            hash_orders(rhs, out);
        }
        Condition { predicate, then, .. } => {
            hash_orders(predicate, out);
            hash_orders(then, out);
        }
        Expref { ast, .. } => hash_orders(ast, out),
        Flatten { node, .. } | Not { node, .. } | ObjectValues { node, .. } => hash_orders(node, out),
        Function { args, .. } | MultiList { elements: args, .. } => args.iter().for_each(|x| hash_orders(x, out)),
        _ => {}
    }
}

fn has_object(v: &Value) -> bool {
    match v {
        Value::Object(_) => true,
        Value::Array(a) => a.iter().any(has_object),
        _ => false,
    }
}

fn input_orders(v: &Value, out: &mut Vec<Vec<String>>, seen: &mut std::collections::HashSet<Vec<String>>, depth: usize) {
    if depth > 64 || out.len() > 4096 {
        return;
    }
    match v {
        Value::Object(o) => {
            let keys: Vec<String> = o.keys().cloned().collect();
            if !seen.contains(&keys) {
                seen.insert(keys.clone());
                out.push(keys);
            }
            o.values().for_each(|x| input_orders(x, out, seen, depth + 1));
        }
        Value::Array(a) => a.iter().for_each(|x| input_orders(x, out, seen, depth + 1)),
        _ => {}
    }
}

fn reorder(v: &mut Value, orders: &[Vec<String>]) {
    match v {
        Value::Object(o) => {
            o.values_mut().for_each(|x| reorder(x, orders));
            if let Some(order) = orders.iter().find(|k| k.len() == o.len() && k.iter().all(|x| o.contains_key(x))) {
                let mut n = serde_json::Map::new();
                for k in order {
                    if let Some(x) = o.shift_remove(k) {
                        n.insert(k.clone(), x);
                    }
                }
                *o = n;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| reorder(x, orders)),
        _ => {}
    }
}

/// The AWS CLI's JMESPath (jmespath.py) still accepts a backtick literal that is not JSON, such as
/// `` `us-east-1` ``, as a string (a deprecated leniency the AWS docs rely on). The Rust crate is
/// strict, so quote such literals before compiling.
pub fn lenient_literals(q: &str) -> String {
    let mut out = String::with_capacity(q.len() + 8);
    let mut rest = q;
    let mut in_raw = false; // inside a 'raw string', backticks are plain characters
    while let Some(c) = rest.chars().next() {
        if c == '\'' {
            in_raw = !in_raw;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if c != '`' || in_raw {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        // Find the closing backtick (a `\`` inside is an escaped backtick).
        let body = &rest[1..];
        let mut end = None;
        let mut prev_backslash = false;
        for (i, ch) in body.char_indices() {
            if ch == '`' && !prev_backslash {
                end = Some(i);
                break;
            }
            prev_backslash = ch == '\\' && !prev_backslash;
        }
        let Some(end) = end else {
            out.push_str(rest);
            break;
        };
        let lit = &body[..end];
        let unescaped = lit.replace("\\`", "`");
        if serde_json::from_str::<Value>(unescaped.trim()).is_ok() {
            out.push('`');
            out.push_str(lit);
            out.push('`');
        } else {
            let quoted = serde_json::to_string(&unescaped).unwrap_or_default();
            out.push('`');
            out.push_str(&quoted.replace('`', "\\`"));
            out.push('`');
        }
        rest = &body[end + 1..];
    }
    out
}

fn search(expr: &str, v: &Value) -> Value {
    match jmespath::compile(expr) {
        Ok(q) => apply_query(&q, v).unwrap_or(Value::Null),
        Err(_) => Value::Null,
    }
}

/// `aws SERVICE wait WAITER [args]`: botocore's Waiter over the simulated clock.
fn wait(backend: &mut dyn Backend, service: &str, args_in: &[String], files: &Files<'_>, ctx: &AwsContext, st: Settings) -> Result<String, Failure> {
    let m = model::model();
    let waiters = m.waiters(service);
    let mut name = None;
    let mut rest = Vec::new();
    for a in args_in {
        if name.is_none() && !looks_like_option(a) {
            name = Some(a.clone());
        } else {
            rest.push(a.clone());
        }
    }
    let Some(name) = name else {
        return Err(Failure::usage("the following arguments are required: subcommand"));
    };
    if name == "help" {
        return Ok(help::waiters(service));
    }
    let Some((_, w)) = waiters.iter().find(|(n, _)| *n == name) else {
        let mut choices: Vec<String> = waiters.iter().map(|(n, _)| n.to_string()).collect();
        choices.push("help".into());
        return Err(Failure::usage(invalid_choice("subcommand", &name, &choices)));
    };
    let waiter_name = w.get("n").and_then(Value::as_str).unwrap_or("");
    let op = w.get("o").and_then(Value::as_str).unwrap_or("");
    let delay = w.get("d").and_then(Value::as_u64).unwrap_or(15);
    let max_attempts = w.get("m").and_then(Value::as_u64).unwrap_or(40).max(1);
    let acceptors: Vec<Vec<Value>> = w.get("a").and_then(Value::as_array).map(|a| a.iter().filter_map(|x| x.as_array().cloned()).collect()).unwrap_or_default();
    let Some((_, entry)) = m.find_op(service, &model::kebab(op)) else {
        return Err(Failure::not_simulated(service, &format!("wait {name}")));
    };
    let table = args::arg_table(service, op, entry);
    let (parsed, unknown) = args::parse(&table, &rest).map_err(Failure::usage)?;
    if parsed.help {
        return Ok(help::waiters(service));
    }
    if !unknown.is_empty() {
        return Err(Failure::unknown_options(&unknown));
    }
    let params = args::build_params(service, op, &table, &parsed, files)?;
    let mut last_matched: Option<String> = None;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let response = match invoke(backend, service, op, &params, ctx, &st) {
            Ok(v) => Ok(v),
            Err(f) if f.code == 254 => {
                // Recover the service error code for the `error` matcher.
                Err(f)
            }
            Err(f) => return Err(f),
        };
        let err_code = response.as_ref().err().and_then(|f| {
            let s = f.stderr.strip_prefix("\nAn error occurred (")?;
            Some(s[..s.find(')')?].to_string())
        });
        let mut state = None;
        for a in &acceptors {
            let (st_name, matcher, expected) = (a[0].as_str().unwrap_or(""), a[1].as_str().unwrap_or(""), &a[2]);
            let argument = a.get(3).and_then(Value::as_str).unwrap_or("");
            let matched = match (&response, matcher) {
                (Ok(v), "path") => search(argument, v) == *expected,
                (Ok(v), "pathAll") => matches!(search(argument, v), Value::Array(ref l) if !l.is_empty() && l.iter().all(|x| x == expected)),
                (Ok(v), "pathAny") => matches!(search(argument, v), Value::Array(ref l) if !l.is_empty() && l.iter().any(|x| x == expected)),
                (Err(_), "error") => match expected {
                    Value::Bool(b) => *b,
                    e => err_code.as_deref() == e.as_str(),
                },
                (Ok(_), "error") => expected == &Value::Bool(false),
                (Ok(_), "status") => expected.as_u64() == Some(200),
                _ => false,
            };
            if matched {
                let exp = format::py_str(expected);
                let explanation = match matcher {
                    "path" => format!("For expression \"{argument}\" we matched expected path: \"{exp}\""),
                    "pathAll" => format!("For expression \"{argument}\" all members matched expected path: \"{exp}\""),
                    "pathAny" => format!("For expression \"{argument}\" we matched expected path: \"{exp}\" at least once"),
                    "status" => format!("Matched expected HTTP status code: {exp}"),
                    _ => format!("Matched expected service error code: {exp}"),
                };
                state = Some((st_name.to_string(), explanation.clone()));
                last_matched = Some(explanation);
                break;
            }
        }
        if state.is_none() {
            if let Err(f) = &response {
                let reason = f.stderr.trim().strip_prefix("An error occurred ").map(|s| {
                    // "(Code) when calling the X operation: msg" → "(Code): msg"
                    match (s.find(')'), s.find(" operation: ")) {
                        (Some(p), Some(q)) => format!("An error occurred {}: {}", &s[..=p], &s[q + 12..]),
                        _ => format!("An error occurred {s}"),
                    }
                });
                return Err(Failure::general(format!("Waiter {} failed: {}", waiter_name, reason.unwrap_or_default())));
            }
        }
        match state {
            Some((s, _)) if s == "success" => return Ok(String::new()),
            Some((s, why)) if s == "failure" => {
                return Err(Failure::general(format!("Waiter {waiter_name} failed: Waiter encountered a terminal failure state: {why}")));
            }
            _ => {}
        }
        if attempts >= max_attempts {
            let reason = match last_matched {
                None => "Max attempts exceeded".to_string(),
                Some(e) => format!("Max attempts exceeded. Previously accepted state: {e}"),
            };
            return Err(Failure::general(format!("Waiter {waiter_name} failed: {reason}")));
        }
        backend.advance(delay * 1000);
    }
}

#[cfg(test)]
mod lenient_tests {
    use super::lenient_literals;
    #[test]
    fn bare_backtick_strings_become_json_strings() {
        assert_eq!(lenient_literals("Regions[?RegionName==`us-east-1`]"), "Regions[?RegionName==`\"us-east-1\"`]");
        assert_eq!(lenient_literals("a[?x==`1`]"), "a[?x==`1`]");
        assert_eq!(lenient_literals("a[?x==`\"y\"`]"), "a[?x==`\"y\"`]");
        assert_eq!(lenient_literals("a[?x=='`raw`']"), "a[?x=='`raw`']");
        assert_eq!(lenient_literals("`unterminated"), "`unterminated");
    }
}
