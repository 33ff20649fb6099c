//! Operation argument tables and argparse-like parsing (awscli's `ServiceOperation`,
//! `CLIArgument`, `BooleanArgument`, `ListArgument` and the ec2 customizations).

use super::model::{self, Shape};
use super::shorthand;
use super::{Failure, Files};
use base64::Engine as _;
use serde_json::{Map, Value};

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A modelled input member.
    Member { name: String, shape: String },
    /// `--x` / `--no-x` for a boolean member; `value` is what the flag stores.
    Bool { name: String, value: bool },
    Count,
    AssociatePublicIp(bool),
    SecondaryIps,
    SecondaryIpCount,
    Protocol,
    Port,
    Cidr,
    SourceGroup,
    GroupOwner,
}

#[derive(Clone, Debug)]
pub struct Arg {
    pub cli: String,
    pub kind: Kind,
    pub required: bool,
    pub doc: String,
    /// Hidden from help (awscli `_UNDOCUMENTED`).
    pub hidden: bool,
}

impl Arg {
    pub fn takes_list(&self) -> bool {
        match &self.kind {
            Kind::Member { shape, .. } => model::type_name(model::model().shape(shape)) == "list",
            Kind::SecondaryIps => true,
            _ => false,
        }
    }
    pub fn is_flag(&self) -> bool {
        matches!(self.kind, Kind::Bool { .. } | Kind::AssociatePublicIp(_))
    }
    /// Arguments sharing a destination (a boolean and its `--no-` twin).
    fn dest(&self) -> String {
        match &self.kind {
            Kind::Bool { name, .. } => format!("bool:{name}"),
            Kind::AssociatePublicIp(_) => "assoc".into(),
            _ => self.cli.clone(),
        }
    }
    pub fn type_label(&self) -> String {
        match &self.kind {
            Kind::Member { shape, .. } => {
                let s = model::model().shape(shape);
                match s {
                    Shape::ScalarList(t) => format!("list of {t}"),
                    _ => match model::type_name(s) {
                        "list" => {
                            let m = model::list_member(s);
                            format!("list of {}", model::type_name(m))
                        }
                        t => t.to_string(),
                    },
                }
            }
            Kind::Bool { .. } | Kind::AssociatePublicIp(_) => "boolean".into(),
            Kind::SecondaryIps => "list of string".into(),
            Kind::SecondaryIpCount => "integer".into(),
            _ => "string".into(),
        }
    }
}

pub const DRY_RUN_DOC: &str = "Checks whether you have the required permissions for the operation, without actually making the request.";

/// Build the argument table of an operation, in awscli's order.
pub fn arg_table(service: &str, op: &str, entry: &Value) -> Vec<Arg> {
    let m = model::model();
    let mut table: Vec<Arg> = Vec::new();
    let input = entry.get("i").and_then(Value::as_str).unwrap_or("");
    if !input.is_empty() {
        let shape = m.shape(input);
        let req = model::required(shape);
        for (name, r) in model::members(shape) {
            let cli = model::member_cli_name(shape, name);
            let doc = if name == "DryRun" {
                DRY_RUN_DOC.to_string()
            } else {
                entry.get("md").and_then(|d| d.get(name)).and_then(Value::as_str).unwrap_or("").to_string()
            };
            let required = req.contains(&name);
            if model::type_name(m.shape(r)) == "boolean" {
                table.push(Arg { cli: cli.clone(), kind: Kind::Bool { name: name.into(), value: true }, required: false, doc: doc.clone(), hidden: false });
                let mut neg = format!("no-{cli}");
                if service == "ec2" && neg == "no-disable-api-termination" {
                    neg = "enable-api-termination".into();
                }
                table.push(Arg { cli: neg, kind: Kind::Bool { name: name.into(), value: false }, required: false, doc, hidden: false });
            } else {
                table.push(Arg { cli, kind: Kind::Member { name: name.into(), shape: r.into() }, required, doc, hidden: false });
            }
        }
    }
    let custom = |cli: &str, kind: Kind, doc: &str| Arg { cli: cli.into(), kind, required: false, doc: doc.into(), hidden: false };
    match (service, op) {
        ("ec2", "RunInstances") => {
            table.retain(|a| a.cli != "min-count" && a.cli != "max-count");
            table.push(custom("secondary-private-ip-addresses", Kind::SecondaryIps, "[EC2-VPC] A secondary private IP address for the network interface or instance."));
            table.push(custom("secondary-private-ip-address-count", Kind::SecondaryIpCount, "[EC2-VPC] The number of secondary IP addresses to assign to the network interface or instance."));
            table.push(custom("associate-public-ip-address", Kind::AssociatePublicIp(true), "[EC2-VPC] If specified a public IP address will be assigned to the new instance in a VPC."));
            table.push(custom("no-associate-public-ip-address", Kind::AssociatePublicIp(false), "[EC2-VPC] If specified a public IP address will be assigned to the new instance in a VPC."));
            table.push(custom("count", Kind::Count, "Number of instances to launch (min[:max], default 1)."));
        }
        ("ec2", "AuthorizeSecurityGroupIngress") | ("ec2", "RevokeSecurityGroupIngress") => {
            for a in table.iter_mut() {
                if matches!(a.cli.as_str(), "ip-protocol" | "from-port" | "to-port" | "cidr-ip" | "source-security-group-name" | "source-security-group-owner-id") {
                    a.hidden = true;
                }
            }
            table.push(custom("protocol", Kind::Protocol, "The IP protocol: tcp | udp | icmp | all, or a protocol number."));
            table.push(custom("port", Kind::Port, "For TCP or UDP: the range of ports to allow, a single integer or a range (min-max)."));
            table.push(custom("cidr", Kind::Cidr, "The IPv4 address range, in CIDR format."));
            table.push(custom("source-group", Kind::SourceGroup, "The name or ID of the source security group."));
            table.push(custom("group-owner", Kind::GroupOwner, "The AWS account ID that owns the source security group."));
        }
        _ => {}
    }
    table
}

/// A value as argparse stored it.
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    Str(String),
    List(Vec<String>),
    Flag(bool),
}

#[derive(Debug)]
pub struct Parsed {
    /// (index into the table, value) in table order.
    pub values: Vec<(usize, Raw)>,
    pub help: bool,
}

fn looks_like_option(tok: &str) -> bool {
    // argparse: a token starting with '-' is an option unless it looks like a negative number
    // (and the parser has no options that look like negative numbers).
    tok.starts_with('-') && tok.len() > 1 && tok[1..].parse::<f64>().is_err()
}

/// Resolve `--opt` to a table index: exact match, else a unique prefix (argparse allow_abbrev).
pub fn match_option<T>(opts: &[T], name: &str, cli: impl Fn(&T) -> &str) -> Result<Option<usize>, String> {
    if let Some(i) = opts.iter().position(|o| cli(o) == name) {
        return Ok(Some(i));
    }
    let hits: Vec<usize> = (0..opts.len()).filter(|&i| cli(&opts[i]).starts_with(name)).collect();
    match hits.len() {
        0 => Ok(None),
        1 => Ok(Some(hits[0])),
        _ => {
            let names: Vec<String> = hits.iter().map(|&i| format!("--{}", cli(&opts[i]))).collect();
            Err(format!("ambiguous option: --{} could match {}", name, names.join(", ")))
        }
    }
}

/// argparse over the operation's table. `Err` is a usage error message (after `aws: error: `)
/// or, for unknown options, `Ok` with them listed in `unknown`.
pub fn parse(table: &[Arg], args: &[String]) -> Result<(Parsed, Vec<String>), String> {
    if args.len() == 1 && args[0] == "help" {
        return Ok((Parsed { values: vec![], help: true }, vec![]));
    }
    let mut values: Vec<(usize, Raw)> = Vec::new();
    let mut extras: Vec<String> = Vec::new();
    let mut help_pos: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let tok = &args[i];
        i += 1;
        if tok == "--" {
            extras.extend(args[i..].iter().cloned());
            break;
        }
        if tok.starts_with("--") && tok.len() > 2 {
            let (name, explicit) = match tok[2..].split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (tok[2..].to_string(), None),
            };
            let Some(idx) = match_option(table, &name, |a| a.cli.as_str())? else {
                extras.push(tok.clone());
                continue;
            };
            let arg = &table[idx];
            let raw = if arg.is_flag() {
                if let Some(v) = explicit {
                    return Err(format!("argument --{}: ignored explicit argument '{}'", arg.cli, v));
                }
                match arg.kind {
                    Kind::Bool { value, .. } | Kind::AssociatePublicIp(value) => Raw::Flag(value),
                    _ => Raw::Flag(true),
                }
            } else if arg.takes_list() {
                let mut items = Vec::new();
                if let Some(v) = explicit {
                    items.push(v);
                } else {
                    while i < args.len() && !looks_like_option(&args[i]) && args[i] != "--" {
                        items.push(args[i].clone());
                        i += 1;
                    }
                }
                Raw::List(items)
            } else if let Some(v) = explicit {
                Raw::Str(v)
            } else if i < args.len() && !looks_like_option(&args[i]) {
                i += 1;
                Raw::Str(args[i - 1].clone())
            } else {
                return Err(format!("argument --{}: expected one argument", arg.cli));
            };
            // Mutually exclusive --x / --no-x.
            let dest = arg.dest();
            if let Some(pos) = values.iter().position(|(j, _)| table[*j].dest() == dest) {
                let other = values[pos].0;
                if other != idx && arg.is_flag() {
                    return Err(format!("argument --{}: not allowed with argument --{}", arg.cli, table[other].cli));
                }
                values.remove(pos);
            }
            values.push((idx, raw));
        } else if tok.starts_with('-') && looks_like_option(tok) {
            extras.push(tok.clone());
        } else if help_pos.is_none() {
            help_pos = Some(tok.clone());
        } else {
            extras.push(tok.clone());
        }
    }
    let missing: Vec<String> = table
        .iter()
        .enumerate()
        .filter(|(j, a)| a.required && !values.iter().any(|(k, _)| k == j))
        .map(|(_, a)| format!("--{}", a.cli))
        .collect();
    if !missing.is_empty() {
        return Err(format!("the following arguments are required: {}", missing.join(", ")));
    }
    let mut help = false;
    match help_pos {
        Some(h) if h == "help" => help = true,
        Some(h) => extras.push(h),
        None => {}
    }
    values.sort_by_key(|(j, _)| *j);
    Ok((Parsed { values, help }, extras))
}

/// What `file://`/`fileb://` gave.
enum Loaded {
    Text(String),
    Bytes(Vec<u8>),
}

fn load_paramfile(files: &Files<'_>, v: &str) -> Result<Option<Loaded>, String> {
    let (prefix, path, binary) = if let Some(p) = v.strip_prefix("file://") {
        ("file://", p, false)
    } else if let Some(p) = v.strip_prefix("fileb://") {
        ("fileb://", p, true)
    } else {
        return Ok(None);
    };
    let expanded = files.expand(path);
    match files.read(&expanded) {
        Some(bytes) if binary => Ok(Some(Loaded::Bytes(bytes))),
        Some(bytes) => match String::from_utf8(bytes) {
            Ok(s) => Ok(Some(Loaded::Text(s))),
            Err(_) => Err(format!("Unable to load paramfile ({prefix}{path}), text contents could not be decoded.  If this is a binary file, please use the fileb:// prefix instead of the file:// prefix.")),
        },
        None => Err(format!("Unable to load paramfile {prefix}{path}: [Errno 2] No such file or directory: '{expanded}'")),
    }
}

/// Text of a shorthand `@=` paramfile.
pub fn shorthand_paramfile(files: &Files<'_>, v: &str) -> Result<Option<String>, String> {
    match load_paramfile(files, v)? {
        Some(Loaded::Text(s)) => Ok(Some(s)),
        Some(Loaded::Bytes(b)) => Ok(Some(String::from_utf8_lossy(&b).into_owned())),
        None => Ok(None),
    }
}

fn param_error(cli: &str, msg: impl std::fmt::Display) -> Failure {
    Failure::param(format!("Error parsing parameter '--{cli}': {msg}"))
}

/// Turn the parsed values into the operation's input (awscli `_build_call_parameters` plus the
/// ec2 customizations and botocore's `before-parameter-build` handlers).
pub fn build_params(service: &str, op: &str, table: &[Arg], parsed: &Parsed, files: &Files<'_>) -> Result<Value, Failure> {
    let m = model::model();
    let mut params = Map::new();
    let given = |cli: &str| parsed.values.iter().any(|(j, _)| table[*j].cli == cli);
    // operation-args-parsed checks.
    if service == "ec2" && op == "RunInstances" && given("network-interfaces") {
        for k in ["secondary-private-ip-addresses", "secondary-private-ip-address-count", "associate-public-ip-address"] {
            if given(k) {
                return Err(Failure::general("Mixing the --network-interfaces option with the simple, scalar options is not supported."));
            }
        }
    }
    if given("ip-permissions") {
        for k in ["protocol", "port", "cidr", "source-group", "group-owner"] {
            if given(k) {
                return Err(Failure::general(format!("The --{k} option is not compatible with the --ip-permissions option ")));
            }
        }
    }
    for (j, raw) in &parsed.values {
        let arg = &table[*j];
        match (&arg.kind, raw) {
            (Kind::Bool { name, .. }, Raw::Flag(b)) => {
                params.insert(name.clone(), Value::Bool(*b));
            }
            (Kind::Member { name, shape }, raw) => {
                let s = m.shape(shape);
                let v = unpack(service, op, &arg.cli, name, s, raw, files)?;
                check_blobs(s, &v, 0)?;
                params.insert(name.clone(), v);
            }
            (Kind::Count, Raw::Str(v)) => {
                let parsed = (|| -> Option<(i64, i64)> {
                    let (a, b) = if v.contains(':') {
                        let mut it = v.split(':');
                        let a = it.next()?;
                        let b = it.next()?;
                        if it.next().is_some() {
                            return None;
                        }
                        (a, b)
                    } else {
                        (v.as_str(), v.as_str())
                    };
                    Some((shorthand::py_int(a).ok()?, shorthand::py_int(b).ok()?))
                })();
                let Some((min, max)) = parsed else {
                    return Err(Failure::general("count parameter should be of form min[:max] (e.g. 1 or 1:10)"));
                };
                params.insert("MinCount".into(), min.into());
                params.insert("MaxCount".into(), max.into());
            }
            (Kind::SecondaryIps, Raw::List(items)) => {
                if !items.is_empty() {
                    let v: Vec<Value> = items.iter().map(|ip| serde_json::json!({"PrivateIpAddress": ip, "Primary": false})).collect();
                    network_interface(&mut params, "PrivateIpAddresses", Value::Array(v));
                }
            }
            (Kind::SecondaryIpCount, Raw::Str(v)) => {
                let n = shorthand::py_int(v).map_err(|_| Failure::usage(format!("argument --secondary-private-ip-address-count: invalid int value: '{v}'")))?;
                if n != 0 {
                    network_interface(&mut params, "SecondaryPrivateIpAddressCount", n.into());
                }
            }
            (Kind::AssociatePublicIp(b), Raw::Flag(_)) => {
                network_interface(&mut params, "AssociatePublicIpAddress", Value::Bool(*b));
            }
            (Kind::Protocol, Raw::Str(v)) if !v.is_empty() => {
                let mut value = v.clone();
                match v.trim().parse::<i64>() {
                    Ok(n) if (0..=255).contains(&n) || n == -1 => {}
                    _ => {
                        if !matches!(v.as_str(), "tcp" | "udp" | "icmp" | "all") {
                            return Err(Failure::general("protocol parameter should be one of: tcp|udp|icmp|all or any valid protocol number."));
                        }
                        if v == "all" {
                            value = "-1".into();
                        }
                    }
                }
                ip_permission(&mut params, "IpProtocol", Value::String(value));
            }
            (Kind::Port, Raw::Str(v)) if !v.is_empty() => {
                let (a, b) = if v == "-1" || v == "all" {
                    ("-1", "-1")
                } else if let Some((a, b)) = v.split_once('-') {
                    (a, b)
                } else {
                    (v.as_str(), v.as_str())
                };
                match (shorthand::py_int(a), shorthand::py_int(b)) {
                    (Ok(a), Ok(b)) => {
                        ip_permission(&mut params, "FromPort", a.into());
                        ip_permission(&mut params, "ToPort", b.into());
                    }
                    _ => return Err(Failure::general("port parameter should be of the form <from[-to]> (e.g. 22 or 22-25)")),
                }
            }
            (Kind::Cidr, Raw::Str(v)) if !v.is_empty() => {
                ip_permission(&mut params, "IpRanges", serde_json::json!([{"CidrIp": v}]));
            }
            (Kind::SourceGroup, Raw::Str(v)) if !v.is_empty() => {
                let key = if v.starts_with("sg-") { "GroupId" } else { "GroupName" };
                ip_permission(&mut params, key, Value::String(v.clone()));
            }
            (Kind::GroupOwner, Raw::Str(v)) if !v.is_empty() => {
                ip_permission(&mut params, "UserId", Value::String(v.clone()));
            }
            _ => {}
        }
    }
    if service == "ec2" && op == "RunInstances" {
        // before-parameter-build: set_default_count, _fix_args, base64_encode_user_data.
        params.entry("MaxCount").or_insert(1.into());
        params.entry("MinCount").or_insert(1.into());
        fix_network_interface_args(&mut params);
    }
    Ok(Value::Object(params))
}

fn network_interface(params: &mut Map<String, Value>, key: &str, value: Value) {
    let nis = params.entry("NetworkInterfaces").or_insert_with(|| serde_json::json!([{"DeviceIndex": 0}]));
    if let Some(first) = nis.get_mut(0).and_then(Value::as_object_mut) {
        if key == "PrivateIpAddresses" {
            first.entry(key).or_insert(value);
        } else {
            first.insert(key.into(), value);
        }
    }
}

fn fix_network_interface_args(params: &mut Map<String, Value>) {
    let Some(ni) = params.get("NetworkInterfaces").and_then(|v| v.get(0)).and_then(Value::as_object) else { return };
    if !["PrivateIpAddresses", "SecondaryPrivateIpAddressCount", "AssociatePublicIpAddress"].iter().any(|k| ni.contains_key(*k)) {
        return;
    }
    let mut moves: Vec<(String, Value)> = Vec::new();
    for (from, to) in [("SubnetId", "SubnetId"), ("SecurityGroupIds", "Groups"), ("Ipv6AddressCount", "Ipv6AddressCount"), ("Ipv6Addresses", "Ipv6Addresses"), ("EnablePrimaryIpv6", "PrimaryIpv6")] {
        if let Some(v) = params.shift_remove(from) {
            moves.push((to.into(), v));
        }
    }
    if let Some(ip) = params.shift_remove("PrivateIpAddress") {
        moves.push(("PrivateIpAddresses".into(), serde_json::json!([{"PrivateIpAddress": ip, "Primary": true}])));
    }
    if let Some(first) = params.get_mut("NetworkInterfaces").and_then(|v| v.get_mut(0)).and_then(Value::as_object_mut) {
        for (k, v) in moves {
            first.insert(k, v);
        }
    }
}

fn ip_permission(params: &mut Map<String, Value>, key: &str, value: Value) {
    let perms = params.entry("IpPermissions").or_insert_with(|| serde_json::json!([{}]));
    let Some(first) = perms.get_mut(0).and_then(Value::as_object_mut) else { return };
    if matches!(key, "GroupId" | "GroupName" | "UserId") {
        let pairs = first.entry("UserIdGroupPairs").or_insert_with(|| serde_json::json!([{}]));
        if let Some(p) = pairs.get_mut(0).and_then(Value::as_object_mut) {
            p.insert(key.into(), value);
        }
    } else {
        first.insert(key.into(), value);
    }
}

fn is_complex(s: Shape<'_>) -> bool {
    match model::type_name(s) {
        "structure" | "map" => true,
        "list" => !model::is_scalar(model::list_member(s)),
        _ => false,
    }
}

fn parse_json(cli: &str, text: &str) -> Result<Value, Failure> {
    serde_json::from_str::<Value>(text).map_err(|e| param_error(cli, format!("Invalid JSON: {}\nJSON received: {}", py_json_error(&e), text)))
}

/// serde_json's error in the words of Python's `json` module (approximately).
fn py_json_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let what = msg.split(" at line").next().unwrap_or(&msg);
    let py = match what {
        "expected value" => "Expecting value",
        "key must be a string" => "Expecting property name enclosed in double quotes",
        "expected `,` or `]`" => "Expecting ',' delimiter",
        "expected `,` or `}`" => "Expecting ',' delimiter",
        "expected `:`" => "Expecting ':' delimiter",
        "trailing characters" => "Extra data",
        "EOF while parsing a list" | "EOF while parsing an object" | "EOF while parsing a value" | "EOF while parsing a string" => "Expecting value",
        other => other,
    };
    format!("{}: line {} column {}", py, e.line(), e.column())
}

fn unpack(service: &str, op: &str, cli: &str, member: &str, s: Shape<'_>, raw: &Raw, files: &Files<'_>) -> Result<Value, Failure> {
    // URIArgumentHandler: a single value (or one-element list) may be file:// or fileb://.
    let single = match raw {
        Raw::Str(v) => Some(v.clone()),
        Raw::List(l) if l.len() == 1 => Some(l[0].clone()),
        _ => None,
    };
    let mut value = raw.clone();
    if let Some(v) = &single {
        match load_paramfile(files, v).map_err(|e| param_error(cli, e))? {
            Some(Loaded::Text(t)) => value = Raw::Str(t),
            Some(Loaded::Bytes(b)) => {
                // Binary content: blobs and RunInstances user data take bytes as-is.
                let t = model::type_name(s);
                if t == "blob" || (service == "ec2" && op == "RunInstances" && member == "UserData") {
                    return Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(&b)));
                }
                value = Raw::Str(String::from_utf8_lossy(&b).into_owned());
            }
            None => {}
        }
    }
    if service == "ec2" && op == "RunInstances" && member == "UserData" {
        if let Raw::Str(t) = &value {
            return Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(t.as_bytes())));
        }
    }
    let files_fn = |v: &str| shorthand_paramfile(files, v);
    let first = match &value {
        Raw::Str(v) => Some(v.as_str()),
        Raw::List(l) => l.first().map(String::as_str),
        Raw::Flag(_) => None,
    };
    let looks_json = first.is_some_and(|v| v.trim_start().starts_with('[') || v.trim_start().starts_with('{'));
    if is_complex(s) && !looks_json {
        // Special case: a structure whose only member is a string `Value`.
        let members = model::members(s);
        if model::type_name(s) == "structure" && members.len() == 1 && members[0].0 == "Value" && model::type_name(model::model().shape(members[0].1)) == "string" {
            if let Raw::Str(v) = &value {
                if !v.contains('=') {
                    return Ok(serde_json::json!({"Value": v}));
                }
            }
        }
        let parse_one = |v: &str| shorthand::parse(v, &files_fn).map_err(|e| param_error(cli, e.0));
        return match &value {
            Raw::List(items) => {
                let mut parsed = Vec::new();
                for it in items {
                    parsed.push(parse_one(it)?);
                }
                shorthand::to_json(&shorthand::SValue::List(parsed), s).map_err(Failure::general)
            }
            Raw::Str(v) => {
                let p = parse_one(v)?;
                shorthand::to_json(&p, s).map_err(Failure::general)
            }
            Raw::Flag(b) => Ok(Value::Bool(*b)),
        };
    }
    unpack_cli_arg(cli, s, &value)
}

fn unpack_cli_arg(cli: &str, s: Shape<'_>, value: &Raw) -> Result<Value, Failure> {
    match model::type_name(s) {
        "structure" | "map" => {
            let Raw::Str(v) = value else { return Err(param_error(cli, "Invalid JSON")) };
            if v.trim_start().starts_with('{') {
                parse_json(cli, v)
            } else {
                Err(param_error(cli, format!("Invalid JSON:\n{v}")))
            }
        }
        "list" => {
            let items: Vec<String> = match value {
                Raw::Str(v) if v.trim_start().starts_with('[') => return parse_json(cli, v),
                Raw::Str(v) => v.chars().map(|c| c.to_string()).collect(),
                Raw::List(l) if l.len() == 1 && l[0].trim_start().starts_with('[') => return parse_json(cli, &l[0]),
                Raw::List(l) => l.clone(),
                Raw::Flag(_) => vec![],
            };
            let ms = model::list_member(s);
            let mut out = Vec::new();
            for it in &items {
                out.push(unpack_cli_arg(cli, ms, &Raw::Str(it.clone())).map_err(|e| match e.code {
                    255 => param_error(cli, items.first().cloned().unwrap_or_default()),
                    _ => e,
                })?);
            }
            Ok(Value::Array(out))
        }
        t => {
            let Raw::Str(v) = value else { return Ok(Value::Null) };
            scalar(t, v)
        }
    }
}

/// cli_binary_format = base64 (the v2 default) applies to every blob in the input, also inside
/// structures given as shorthand or JSON (awscli's Base64DecodeVisitor on provide-client-params),
/// e.g. `modify-instance-attribute --user-data Value=…`.
fn check_blobs(s: Shape<'_>, v: &Value, depth: usize) -> Result<(), Failure> {
    if depth > 32 {
        return Ok(());
    }
    match (model::type_name(s), v) {
        ("blob", Value::String(text)) => {
            let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            if base64::engine::general_purpose::STANDARD.decode(clean.as_bytes()).is_err() {
                return Err(Failure::param(format!("Invalid base64: \"{text}\"")));
            }
        }
        ("structure", Value::Object(o)) => {
            for (name, r) in model::members(s) {
                if let Some(x) = o.get(name) {
                    check_blobs(model::model().shape(r), x, depth + 1)?;
                }
            }
        }
        ("list", Value::Array(items)) => {
            for x in items {
                check_blobs(model::list_member(s), x, depth + 1)?;
            }
        }
        ("map", Value::Object(o)) => {
            for x in o.values() {
                check_blobs(model::map_value(s), x, depth + 1)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn scalar(t: &str, v: &str) -> Result<Value, Failure> {
    Ok(match t {
        "integer" | "long" => Value::from(shorthand::py_int(v).map_err(Failure::general)?),
        "double" | "float" => {
            let f = shorthand::py_float(v).map_err(Failure::general)?;
            serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)
        }
        "boolean" => Value::Bool(!v.eq_ignore_ascii_case("false")),
        "blob" => {
            // cli_binary_format = base64 (the v2 default): the text must be base64.
            let clean: String = v.chars().filter(|c| !c.is_whitespace()).collect();
            match base64::engine::general_purpose::STANDARD.decode(clean.as_bytes()) {
                Ok(_) => Value::String(clean),
                Err(_) => return Err(Failure::param(format!("Invalid base64: \"{v}\""))),
            }
        }
        _ => Value::String(v.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(service: &str, op: &str) -> Vec<Arg> {
        let (_, entry) = model::model().supported_ops(service).into_iter().find(|(n, _)| *n == op).unwrap();
        arg_table(service, op, entry)
    }
    fn sv(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn table_has_bool_pairs_and_customizations() {
        let t = ops("ec2", "RunInstances");
        let names: Vec<&str> = t.iter().map(|a| a.cli.as_str()).collect();
        assert!(names.contains(&"dry-run") && names.contains(&"no-dry-run"));
        assert!(names.contains(&"enable-api-termination"));
        assert!(names.contains(&"count") && !names.contains(&"min-count"));
        assert!(names.contains(&"tag-specifications"));
        let t = ops("ec2", "AuthorizeSecurityGroupIngress");
        assert!(t.iter().any(|a| a.cli == "cidr"));
    }

    #[test]
    fn argparse_semantics() {
        let t = ops("ec2", "DescribeInstances");
        let (p, extra) = parse(&t, &sv(&["--instance-ids", "i-1", "i-2", "--dry-run"])).unwrap();
        assert!(extra.is_empty());
        assert_eq!(p.values.len(), 2);
        // Abbreviation.
        let (p, _) = parse(&t, &sv(&["--instance-id", "i-1"])).unwrap();
        assert_eq!(p.values[0].1, Raw::List(sv(&["i-1"])));
        let (_, extra) = parse(&t, &sv(&["--foo", "bar"])).unwrap();
        assert_eq!(extra, sv(&["--foo", "bar"]));
        assert!(parse(&t, &sv(&["--dry-run", "--no-dry-run"])).unwrap_err().contains("not allowed with"));
        let t = ops("ec2", "CreateKeyPair");
        assert_eq!(parse(&t, &sv(&[])).unwrap_err(), "the following arguments are required: --key-name");
        assert_eq!(parse(&t, &sv(&["--key-name"])).unwrap_err(), "argument --key-name: expected one argument");
        let (p, _) = parse(&t, &sv(&["--key-name=my key"])).unwrap();
        assert_eq!(p.values[0].1, Raw::Str("my key".into()));
    }
}
