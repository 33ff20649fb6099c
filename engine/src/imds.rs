//! The instance metadata service (IMDS) at 169.254.169.254: an HTTP handler over the world.
//!
//! One entry point, [`request`], serves the console's `curl`, `ec2-metadata`, the app's metadata
//! inspector (through the console) and `ec2lab imds` (real HTTP). Per-instance state (tokens, the
//! request log, the `MetadataNoToken` count) lives on [`crate::compute::Instance::imds`].
//!
//! What it answers follows the EC2 user guide and the AWS EC2 metadata mock (AEMM, whose golden
//! files live in `tests/data/aemm/`): `GET /` lists the versions, `/latest/` the categories,
//! `/latest/meta-data/…` the tree built from the world by [`meta_data_tree`], `/latest/dynamic/…`
//! the instance identity document, `/latest/user-data` the decoded user data. Listings have one
//! entry a line, sub-directories end in `/`, and there is no newline after the last line.
//! IMDSv2: `PUT /latest/api/token` hands out session tokens that expire on the virtual clock.
//! Every older version path (`/2021-03-23/…`) serves the same tree as `latest`.

use crate::clock::{Time, SECOND};
use crate::compute::{check_instance_id, Ec2Error, Instance, MetadataOptions, MetadataOptionsRequest, State};
use crate::net;
use crate::World;
use std::collections::VecDeque;

/// How many requests the per-instance log keeps (oldest dropped first).
pub const LOG_CAP: usize = 200;
/// The longest token lifetime the service grants (six hours).
pub const MAX_TTL_SECONDS: i64 = 21_600;
/// Live tokens kept per instance (AWS sets no practical limit; this keeps a runaway loop small).
const TOKEN_CAP: usize = 512;
/// How long `ModifyInstanceMetadataOptions` stays `pending` on a running instance before the new
/// options take over (AWS: "the instance is not ready to process metadata traffic with the new
/// selection" until then; a second or two in practice).
pub const OPTIONS_APPLY_MS: u64 = 2 * SECOND;

/// The request header that carries a session token.
pub const TOKEN_HEADER: &str = "X-aws-ec2-metadata-token";
/// The token PUT's header naming the lifetime in seconds (echoed back on the answer).
pub const TTL_HEADER: &str = "X-aws-ec2-metadata-token-ttl-seconds";

/// What `GET /` lists (as the EC2 documentation's example shows it), `latest` last.
pub const VERSIONS: &[&str] = &[
    "1.0", "2007-01-19", "2007-03-01", "2007-08-29", "2007-10-10", "2007-12-15", "2008-02-01", "2008-09-01",
    "2009-04-04", "2011-01-01", "2011-05-01", "2012-01-12", "2014-02-25", "2014-11-05", "2015-10-20",
    "2016-04-19", "2016-06-30", "2016-09-02", "2018-03-28", "2018-08-17", "2018-09-24", "2019-10-01",
    "2020-10-27", "2021-01-03", "2021-03-23", "latest",
];

/// One IMDSv2 session token.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Token {
    pub value: String,
    pub expires: Time,
}

/// One request as the metadata service saw it (for the inspector's log).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LogEntry {
    pub time: Time,
    pub method: String,
    pub path: String,
    /// A token header was sent (valid or not).
    pub token: bool,
    pub status: u16,
}

/// Per-instance metadata-service state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ImdsState {
    pub tokens: Vec<Token>,
    pub log: VecDeque<LogEntry>,
    /// Successful requests made without a token (CloudWatch's `MetadataNoToken`).
    pub no_token_count: u64,
    /// After `ModifyInstanceMetadataOptions`: the options still in force, and when the new ones
    /// (already in `Instance::metadata`) take over. On a stopped instance they take over when it
    /// next runs.
    pub pending: Option<(MetadataOptions, Time)>,
}

/// An HTTP request as it reaches the metadata service.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    /// Path with any query string, e.g. `/latest/meta-data/`.
    pub path: String,
    /// Header names as sent (matched case-insensitively).
    pub headers: Vec<(String, String)>,
    /// Network hops between the caller and the instance's interface: 0 for a process on the
    /// instance, 1 more for each container bridge. A PUT's response is dropped when
    /// `hops >= HttpPutResponseHopLimit`.
    pub hops: u32,
    /// Sent to the IPv6 endpoint `[fd00:ec2::254]`.
    pub ipv6: bool,
}

impl HttpRequest {
    /// The value of header `name` (case-insensitive), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What came back. `None` from [`request`] means nothing came back at all (endpoint disabled for
/// IPv6, or a token response lost to the hop limit): the caller times out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub reason: &'static str,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The reason phrase for the status codes the service and the guest's web servers use.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// `Mon, 05 Jan 2026 09:00:00 GMT`: the HTTP date form (RFC 9110 IMF-fixdate).
pub fn http_date(t: Time) -> String {
    let iso = t.iso(); // 2026-01-05T09:00:00Z
    let secs = t.0 / 1000;
    const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MO: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let wd = WD[((secs / 86_400) % 7) as usize];
    let month: usize = iso.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    let mo = MO.get(month.saturating_sub(1)).copied().unwrap_or("Jan");
    let day = iso.get(8..10).unwrap_or("01");
    let year = iso.get(0..4).unwrap_or("1970");
    let hms = iso.get(11..19).unwrap_or("00:00:00");
    format!("{wd}, {day} {mo} {year} {hms} GMT")
}

/// The XHTML page AWS (and AEMM) answer an error with. 400 and 401 use the UTF-8 page of AEMM's
/// golden files; the others the ISO-8859-1 page AEMM (and EC2) send for 404. Each ends in a
/// newline.
pub fn error_page(status: u16) -> String {
    let title = format!("{status} - {}", reason(status));
    if status == 400 || status == 401 {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n   <head>\n      <title>{title}</title>\n   </head>\n   <body>\n      <h1>{title}</h1>\n   </body>\n</html>\n"
        )
    } else {
        format!(
            "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n\t\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n <head>\n  <title>{title}</title>\n </head>\n <body>\n  <h1>{title}</h1>\n </body>\n</html>\n"
        )
    }
}

// ---------------------------------------------------------------------------------------------
// The metadata tree
// ---------------------------------------------------------------------------------------------

/// One item of the metadata tree: a value or a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Value(String),
    Dir(Vec<Entry>),
}

/// A named item in a directory. `listed` is how the directory listing shows it: the name, with
/// `/` for a directory, except `public-keys/`'s `0=key-name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub listed: String,
    pub item: Item,
}

fn val(name: &str, v: impl Into<String>) -> Entry {
    Entry { name: name.into(), listed: name.into(), item: Item::Value(v.into()) }
}

fn dir(name: &str, entries: Vec<Entry>) -> Entry {
    Entry { name: name.into(), listed: format!("{name}/"), item: Item::Dir(entries) }
}

/// The listing of a directory: one entry a line, no newline after the last.
pub fn listing(entries: &[Entry]) -> String {
    entries.iter().map(|e| e.listed.as_str()).collect::<Vec<_>>().join("\n")
}

/// Find `segments` under `entries` (the empty path is the directory itself).
pub fn lookup<'a>(entries: &'a [Entry], segments: &[&str]) -> Option<&'a Item> {
    let (first, rest) = segments.split_first()?;
    let e = entries.iter().find(|e| e.name == *first)?;
    if rest.is_empty() {
        return Some(&e.item);
    }
    match &e.item {
        Item::Dir(sub) => lookup(sub, rest),
        Item::Value(_) => None,
    }
}

/// Is this instance type built on the Nitro system (the IPv6 endpoint exists only there)?
pub fn is_nitro(inst: &Instance) -> bool {
    crate::catalog::instance_type(&inst.instance_type).is_some_and(|t| t.hypervisor == "nitro")
}

/// Security group names of the instance, in its order.
fn group_names(world: &World, inst: &Instance) -> Vec<String> {
    inst.security_groups.iter().filter_map(|g| world.net.sg(g)).map(|g| g.name.clone()).collect()
}

/// Tag keys instance metadata can carry: letters, digits and `+ - = . , _ : @`, not `.`, `..`
/// or `_index`. Other tags are left out of `tags/instance/`.
fn metadata_tag_key_ok(k: &str) -> bool {
    !k.is_empty()
        && k != "."
        && k != ".."
        && k != "_index"
        && k.chars().all(|c| c.is_ascii_alphanumeric() || "+-=.,_:@".contains(c))
}

/// The entries of `iam/` (`info`, `security-credentials/<role>`) for what EC2 delivered for the
/// instance's profile (empty when it has none: then `iam/` is not in the tree). Built in
/// [`iam`]; deliveries and credential rotation come from [`crate::sts`].
pub fn iam_entries(inst: &Instance) -> Vec<Entry> {
    iam::entries(inst)
}

/// `/latest/meta-data/` for `inst`, every value read from the world.
pub fn meta_data_tree(world: &World, inst: &Instance) -> Vec<Entry> {
    let ami = inst.ami();
    let root_device = ami.map(|a| a.root_device_name).unwrap_or("/dev/xvda");
    let private = inst.private_ip_string();
    let private_dns = net::private_dns(inst.private_ip);
    let public = inst.public_ip_string();
    let public_dns = inst.public_ip.map(net::public_dns);
    let az = crate::catalog::azs().get(inst.az());
    let subnet = world.net.subnets.get(inst.subnet);
    let vpc = subnet.and_then(|s| world.net.vpcs.iter().find(|v| v.id == s.vpc_id));
    let names = group_names(world, inst).join("\n");

    let mut e = vec![
        val("ami-id", inst.image_id.clone()),
        val("ami-launch-index", inst.launch_index.to_string()),
        val("ami-manifest-path", "(unknown)"),
        dir("block-device-mapping", vec![val("ami", root_device), val("root", root_device)]),
        // Scheduled events (faults.rs): active ones, and completed or canceled ones.
        dir("events", vec![dir("maintenance", vec![val("history", crate::faults::imds_history(inst)), val("scheduled", crate::faults::imds_scheduled(inst))])]),
        val("hostname", private_dns.clone()),
    ];
    let iam = iam_entries(inst);
    if !iam.is_empty() {
        e.push(dir("iam", iam));
    }
    e.push(val("instance-action", "none"));
    e.push(val("instance-id", inst.id.clone()));
    e.push(val("instance-life-cycle", "on-demand"));
    e.push(val("instance-type", inst.instance_type.clone()));
    e.push(val("local-hostname", private_dns.clone()));
    e.push(val("local-ipv4", private.clone()));
    e.push(val("mac", inst.mac.clone()));
    e.push(dir("metrics", vec![val("vhostmd", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")]));

    // network/interfaces/macs/<mac>/: the primary interface.
    let mut nic = vec![val("device-number", "0"), val("interface-id", inst.eni_id.clone())];
    if let Some(p) = &public {
        nic.push(dir("ipv4-associations", vec![val(p, private.clone())]));
    }
    nic.push(val("local-hostname", private_dns.clone()));
    nic.push(val("local-ipv4s", private.clone()));
    nic.push(val("mac", inst.mac.clone()));
    nic.push(val("network-card", "0"));
    nic.push(val("owner-id", world.account_id()));
    if let (Some(p), Some(d)) = (&public, &public_dns) {
        nic.push(val("public-hostname", d.clone()));
        nic.push(val("public-ipv4s", p.clone()));
    }
    nic.push(val("security-group-ids", inst.security_groups.join("\n")));
    nic.push(val("security-groups", names.clone()));
    if let Some(s) = subnet {
        nic.push(val("subnet-id", s.id.clone()));
        nic.push(val("subnet-ipv4-cidr-block", s.cidr()));
    }
    if let Some(v) = vpc {
        nic.push(val("vpc-id", v.id.clone()));
        nic.push(val("vpc-ipv4-cidr-block", v.cidr.clone()));
        nic.push(val("vpc-ipv4-cidr-blocks", v.cidr.clone()));
    }
    e.push(dir("network", vec![dir("interfaces", vec![dir("macs", vec![dir(&inst.mac, nic)])])]));

    let mut placement = Vec::new();
    if let Some(a) = az {
        placement.push(val("availability-zone", a.name));
        placement.push(val("availability-zone-id", a.zone_id));
    }
    if let Some(g) = &inst.placement.group_name {
        placement.push(val("group-name", g.clone()));
    }
    if inst.placement.tenancy == "host"
        && let Some(h) = &inst.placement.host_id
    {
        placement.push(val("host-id", h.clone()));
    }
    if let Some(p) = inst.placement.partition_number {
        placement.push(val("partition-number", p.to_string()));
    }
    placement.push(val("region", crate::catalog::REGION));
    e.push(dir("placement", placement));
    e.push(val("profile", "default-hvm"));
    if let (Some(p), Some(d)) = (&public, &public_dns) {
        e.push(val("public-hostname", d.clone()));
        e.push(val("public-ipv4", p.clone()));
    }
    if let Some(k) = inst.key_name.as_deref().and_then(|k| world.net.key_pair(k)) {
        let line = format!("{}\n", k.public_key.trim_end());
        e.push(Entry {
            name: "public-keys".into(),
            listed: "public-keys/".into(),
            item: Item::Dir(vec![Entry {
                name: "0".into(),
                listed: format!("0={}", k.name),
                item: Item::Dir(vec![val("openssh-key", line)]),
            }]),
        });
    }
    e.push(val("reservation-id", inst.reservation_id.clone()));
    e.push(val("security-groups", names));
    e.push(dir("services", vec![val("domain", "amazonaws.com"), val("partition", "aws")]));
    if effective_options(inst, world.now()).instance_metadata_tags == "enabled" {
        let tags: Vec<Entry> = inst.tags.iter().filter(|(k, _)| metadata_tag_key_ok(k)).map(|(k, v)| val(k, v.clone())).collect();
        e.push(dir("tags", vec![dir("instance", tags)]));
    }
    e
}

/// `/latest/dynamic/instance-identity/document`: the documented fields, pretty-printed the way
/// EC2 prints it (two-space indent, `"key" : value`), no newline at the end.
pub fn identity_document(world: &World, inst: &Instance) -> String {
    let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let az = crate::catalog::azs().get(inst.az()).map(|a| a.name).unwrap_or("us-east-1a");
    let arch = inst.ami().map(|a| a.architecture).unwrap_or("x86_64");
    let fields: Vec<(&str, String)> = vec![
        ("accountId", q(world.account_id())),
        ("architecture", q(arch)),
        ("availabilityZone", q(az)),
        ("billingProducts", "null".into()),
        ("devpayProductCodes", "null".into()),
        ("marketplaceProductCodes", "null".into()),
        ("imageId", q(&inst.image_id)),
        ("instanceId", q(&inst.id)),
        ("instanceType", q(&inst.instance_type)),
        ("kernelId", "null".into()),
        ("pendingTime", q(&inst.launch_time.iso())),
        ("privateIp", q(&inst.private_ip_string())),
        ("ramdiskId", "null".into()),
        ("region", q(crate::catalog::REGION)),
        ("version", q("2017-09-30")),
    ];
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("  \"{k}\" : {v}")).collect();
    format!("{{\n{}\n}}", body.join(",\n"))
}

/// Deterministic stand-in bytes for the identity document's signatures: ec2lab cannot sign with
/// AWS's key, so these have the shape (base64) but verify against nothing.
fn pseudo_signature(doc: &str, salt: u64, len: usize) -> String {
    use base64::Engine as _;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    let mut out = Vec::with_capacity(len);
    for b in doc.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    while out.len() < len {
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 29;
        out.extend_from_slice(&h.to_le_bytes());
    }
    out.truncate(len);
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// `/latest/dynamic/`.
pub fn dynamic_tree(world: &World, inst: &Instance) -> Vec<Entry> {
    let doc = identity_document(world, inst);
    let pkcs7 = pseudo_signature(&doc, 7, 1044);
    let pkcs7: Vec<&str> = pkcs7.as_bytes().chunks(64).filter_map(|c| std::str::from_utf8(c).ok()).collect();
    let signature = pseudo_signature(&doc, 1, 128);
    vec![
        dir("fws", vec![val("instance-monitoring", if inst.monitoring { "enabled" } else { "disabled" })]),
        dir(
            "instance-identity",
            vec![val("document", doc), val("pkcs7", pkcs7.join("\n")), val("signature", signature)],
        ),
    ]
}

/// The decoded user data of `inst`, if it has any.
pub fn user_data(inst: &Instance) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let ud = inst.user_data.as_deref()?;
    base64::engine::general_purpose::STANDARD.decode(ud.trim()).ok()
}

// ---------------------------------------------------------------------------------------------
// Options in force, and changing them
// ---------------------------------------------------------------------------------------------

/// The metadata options the service applies right now (the previous ones while a modification is
/// still pending).
pub fn effective_options(inst: &Instance, now: Time) -> &MetadataOptions {
    match &inst.imds.pending {
        Some((old, at)) if now < *at => old,
        _ => &inst.metadata,
    }
}

/// `MetadataOptions.State` as describe-instances reports it: `pending` while the instance is
/// launching or a modification has not been applied yet (on a stopped instance, until it runs).
pub fn options_state(inst: &Instance, now: Time) -> &'static str {
    if inst.state == State::Pending {
        return "pending";
    }
    match &inst.imds.pending {
        Some((_, at)) if now < *at => "pending",
        Some(_) if matches!(inst.state, State::Stopped | State::Stopping) => "pending",
        _ => "applied",
    }
}

/// Would the IPv6 endpoint `[fd00:ec2::254]` answer a connection from this instance?
pub fn ipv6_endpoint_answers(inst: &Instance, now: Time) -> bool {
    let o = effective_options(inst, now);
    o.http_endpoint == "enabled" && o.http_protocol_ipv6 == "enabled" && is_nitro(inst)
}

/// `ModifyInstanceMetadataOptions`: change the named options (the others stay). Returns the new
/// options; they take effect after [`OPTIONS_APPLY_MS`] on a running instance, at the next
/// start on a stopped one.
pub fn modify_options(world: &mut World, id: &str, req: &MetadataOptionsRequest) -> Result<MetadataOptions, Ec2Error> {
    check_instance_id(world, id)?;
    let pick = |v: &Option<String>, a: &str, b: &str, param: &str| -> Result<Option<String>, Ec2Error> {
        match v {
            None => Ok(None),
            Some(x) if x == a || x == b => Ok(Some(x.clone())),
            Some(x) => Err(Ec2Error::new(
                "InvalidParameterValue",
                format!("A value of '{x}' is not valid for {param}. Specify either '{a}' or '{b}' and try again."),
            )),
        }
    };
    let tokens = pick(&req.http_tokens, "optional", "required", "HttpTokens")?;
    let endpoint = pick(&req.http_endpoint, "enabled", "disabled", "HttpEndpoint")?;
    let ipv6 = pick(&req.http_protocol_ipv6, "enabled", "disabled", "HttpProtocolIpv6")?;
    let tags = pick(&req.instance_metadata_tags, "enabled", "disabled", "InstanceMetadataTags")?;
    let hop = match req.hop_limit {
        None | Some(-1) => None,
        Some(h) if (1..=64).contains(&h) => Some(h as u32),
        Some(h) => {
            return Err(Ec2Error::new(
                "InvalidParameterValue",
                format!("The HttpPutResponseHopLimit value {h} is invalid. Specify a value between 1 and 64."),
            ))
        }
    };
    let now = world.now();
    let Some(inst) = world.compute.get_mut(id) else {
        return Err(Ec2Error::new("InvalidInstanceID.NotFound", format!("The instance ID '{id}' does not exist")));
    };
    if matches!(inst.state, State::ShuttingDown | State::Terminated) {
        return Err(Ec2Error::new("IncorrectInstanceState", format!("The instance '{id}' is not in a state from which it can be modified.")));
    }
    let before = effective_options(inst, now).clone();
    let mut md = inst.metadata.clone();
    if let Some(t) = tokens {
        md.http_tokens = t;
    }
    if let Some(e) = endpoint {
        md.http_endpoint = e;
    }
    if let Some(v) = ipv6 {
        md.http_protocol_ipv6 = v;
    }
    if let Some(t) = tags {
        md.instance_metadata_tags = t;
    }
    if let Some(h) = hop {
        md.hop_limit = h;
    }
    inst.metadata = md.clone();
    inst.imds.pending = Some((before, now.plus(OPTIONS_APPLY_MS)));
    world.bump();
    Ok(md)
}

// ---------------------------------------------------------------------------------------------
// Serving requests
// ---------------------------------------------------------------------------------------------

/// What a request came to, before the headers are put on.
struct Answer {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    /// `X-Aws-Ec2-Metadata-Token-Ttl-Seconds` to send back (the token PUT, and reads made with
    /// a valid token: its remaining lifetime).
    ttl: Option<u64>,
}

impl Answer {
    fn ok(body: impl Into<Vec<u8>>) -> Answer {
        Answer { status: 200, content_type: "text/plain", body: body.into(), ttl: None }
    }
    fn error(status: u16) -> Answer {
        Answer { status, content_type: "text/html", body: error_page(status).into_bytes(), ttl: None }
    }
}

/// Split `/latest//meta-data/x?y` into its segments (empty ones dropped, as EC2 collapses
/// repeated slashes).
fn segments(path: &str) -> Vec<&str> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn is_version(s: &str) -> bool {
    VERSIONS.contains(&s)
}

/// Serve one request from a process on instance `instance_id` (see [`HttpRequest::hops`]).
/// Logs it on the instance. `None`: no response reaches the caller (it times out).
pub fn request(world: &mut World, instance_id: &str, req: &HttpRequest) -> Option<HttpResponse> {
    crate::sts::sync(world, instance_id); // the instance profile's delivery, up to this moment
    let now = world.now();
    let inst = world.compute.get(instance_id)?;
    if inst.state != State::Running {
        return None; // no OS, no network: nothing answers
    }
    if req.ipv6 && !ipv6_endpoint_answers(inst, now) {
        return None; // nothing listens on the IPv6 address: the connection attempt goes unanswered
    }
    let opts = effective_options(inst, now).clone();
    let last_modified = inst.launch_time;
    let token_sent = req.header(TOKEN_HEADER).is_some_and(|v| !v.trim().is_empty());
    let segs: Vec<String> = segments(&req.path).into_iter().map(String::from).collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();

    let answer = if opts.http_endpoint != "enabled" {
        Answer::error(403)
    } else {
        match req.method.as_str() {
            "PUT" => put(world, instance_id, req, &segs, now),
            "GET" | "HEAD" => get(world, instance_id, req, &segs, &opts, now),
            _ => Answer::error(405),
        }
    };

    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(ttl) = answer.ttl {
        headers.push(("X-Aws-Ec2-Metadata-Token-Ttl-Seconds".into(), ttl.to_string()));
    }
    headers.push(("Content-Type".into(), answer.content_type.into()));
    if answer.status == 200 {
        headers.push(("Accept-Ranges".into(), "none".into()));
        if req.method != "PUT" {
            headers.push(("Last-Modified".into(), http_date(last_modified)));
        }
    }
    headers.push(("Content-Length".into(), answer.body.len().to_string()));
    headers.push(("Date".into(), http_date(now)));
    headers.push(("Server".into(), "EC2ws".into()));
    headers.push(("Connection".into(), "close".into()));
    let status = answer.status;
    let body = if req.method == "HEAD" { Vec::new() } else { answer.body };

    let inst = world.compute.get_mut(instance_id)?;
    inst.imds.log.push_back(LogEntry { time: now, method: req.method.clone(), path: req.path.clone(), token: token_sent, status });
    while inst.imds.log.len() > LOG_CAP {
        inst.imds.log.pop_front();
    }
    if status == 200 && !token_sent && req.method != "PUT" {
        inst.imds.no_token_count += 1;
    }
    world.bump();
    // The answer to a PUT leaves with an IP TTL of HttpPutResponseHopLimit: each hop (a container
    // bridge) takes one off, and at zero the packet is dropped before it reaches the caller.
    if req.method == "PUT" && req.hops >= opts.hop_limit {
        return None;
    }
    Some(HttpResponse { status, reason: reason(status), headers, body })
}

/// `PUT`: only `/latest/api/token` hands out tokens.
fn put(world: &mut World, id: &str, req: &HttpRequest, segs: &[&str], now: Time) -> Answer {
    if req.header("X-Forwarded-For").is_some() {
        return Answer::error(403); // a PUT that went through a proxy is refused (SSRF defence)
    }
    match segs {
        ["latest", "api", "token"] => {}
        [v, "api", "token"] if is_version(v) => return Answer::error(403),
        _ => return Answer::error(405),
    }
    let ttl = match req.header(TTL_HEADER).map(str::trim).and_then(|v| v.parse::<i64>().ok()) {
        Some(t) if (1..=MAX_TTL_SECONDS).contains(&t) => t as u64,
        _ => return Answer::error(400),
    };
    let value = {
        use base64::Engine as _;
        let raw: Vec<u8> = (0..42).map(|_| world.rng.below(256) as u8).collect();
        base64::engine::general_purpose::STANDARD.encode(raw)
    };
    if let Some(inst) = world.compute.get_mut(id) {
        inst.imds.tokens.retain(|t| t.expires > now);
        if inst.imds.tokens.len() >= TOKEN_CAP {
            inst.imds.tokens.sort_by_key(|t| t.expires);
            inst.imds.tokens.remove(0);
        }
        inst.imds.tokens.push(Token { value: value.clone(), expires: now.plus(ttl * SECOND) });
    }
    Answer { ttl: Some(ttl), ..Answer::ok(value) }
}

/// `GET`/`HEAD`: the token check, then the path.
fn get(world: &mut World, id: &str, req: &HttpRequest, segs: &[&str], opts: &MetadataOptions, now: Time) -> Answer {
    let mut remaining = None;
    match req.header(TOKEN_HEADER).map(str::trim).filter(|v| !v.is_empty()) {
        Some(tok) => {
            let Some(inst) = world.compute.get_mut(id) else { return Answer::error(401) };
            match inst.imds.tokens.iter().position(|t| t.value == tok) {
                Some(i) if inst.imds.tokens[i].expires > now => {
                    remaining = Some((inst.imds.tokens[i].expires.0 - now.0).div_ceil(SECOND));
                }
                Some(i) => {
                    inst.imds.tokens.remove(i); // expired: forgotten once seen
                    return Answer::error(401);
                }
                None => return Answer::error(401),
            }
        }
        None if opts.http_tokens == "required" => return Answer::error(401),
        None => {}
    }
    let Some(inst) = world.compute.get(id) else { return Answer::error(404) };
    let mut a = route(world, inst, segs);
    if a.status == 200 {
        a.ttl = remaining;
    }
    a
}

fn route(world: &World, inst: &Instance, segs: &[&str]) -> Answer {
    let listing_or_value = |item: Option<&Item>| match item {
        Some(Item::Dir(entries)) => Answer::ok(listing(entries)),
        Some(Item::Value(v)) => Answer::ok(v.clone()),
        None => Answer::error(404),
    };
    match segs {
        [] => Answer::ok(VERSIONS.join("\n")),
        [v, ..] if !is_version(v) => Answer::error(404),
        [_] => {
            let mut cats = vec!["dynamic", "meta-data"];
            if inst.user_data.is_some() {
                cats.push("user-data");
            }
            Answer::ok(cats.join("\n"))
        }
        [_, "meta-data", rest @ ..] => {
            let tree = meta_data_tree(world, inst);
            if rest.is_empty() {
                Answer::ok(listing(&tree))
            } else {
                listing_or_value(lookup(&tree, rest))
            }
        }
        [_, "dynamic", rest @ ..] => {
            let tree = dynamic_tree(world, inst);
            if rest.is_empty() {
                Answer::ok(listing(&tree))
            } else {
                listing_or_value(lookup(&tree, rest))
            }
        }
        [_, "user-data"] => match user_data(inst) {
            Some(raw) => Answer { content_type: "application/octet-stream", ..Answer::ok(raw) },
            None => Answer::error(404),
        },
        [_, "api", "token"] => Answer::error(405),
        _ => Answer::error(404),
    }
}

pub mod iam;

#[cfg(test)]
mod tests;
