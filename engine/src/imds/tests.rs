use super::*;
use crate::clock::MINUTE;
use crate::compute::RunRequest;

const AL2023: &str = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

fn launch(req: RunRequest) -> (World, String) {
    let mut w = World::new(5);
    crate::api::call(&mut w, "ec2", "CreateKeyPair", &serde_json::json!({"KeyName": "lab-key"})).unwrap();
    let (_, ids) = w.run_instances(req).unwrap();
    w.advance(MINUTE);
    assert_eq!(w.compute.get(&ids[0]).unwrap().state, State::Running);
    (w, ids[0].clone())
}

fn request_for(tokens: Option<&str>) -> RunRequest {
    RunRequest {
        image_id: AL2023.into(),
        instance_type: Some("t3.micro".into()),
        min_count: 1,
        max_count: 1,
        key_name: Some("lab-key".into()),
        tags: vec![("Name".into(), "web".into()), ("team".into(), "blue".into()), ("bad key".into(), "x".into())],
        metadata: MetadataOptionsRequest { http_tokens: tokens.map(String::from), ..Default::default() },
        ..Default::default()
    }
}

/// An AL2023 instance with IMDSv1 allowed (tokens optional), a key pair and a public address.
fn v1() -> (World, String) {
    launch(request_for(Some("optional")))
}

fn req(method: &str, path: &str, headers: &[(&str, &str)]) -> HttpRequest {
    HttpRequest {
        method: method.into(),
        path: path.into(),
        headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        hops: 0,
        ipv6: false,
    }
}

fn get(w: &mut World, id: &str, path: &str) -> HttpResponse {
    request(w, id, &req("GET", path, &[])).expect("an answer")
}

fn text(r: &HttpResponse) -> String {
    String::from_utf8(r.body.clone()).unwrap()
}

fn token(w: &mut World, id: &str, ttl: &str) -> String {
    let r = request(w, id, &req("PUT", "/latest/api/token", &[(TTL_HEADER, ttl)])).unwrap();
    assert_eq!(r.status, 200);
    text(&r)
}

#[test]
fn versions_categories_and_listing_shape() {
    let (mut w, id) = v1();
    let r = get(&mut w, &id, "/");
    assert_eq!((r.status, r.reason), (200, "OK"));
    let body = text(&r);
    assert!(body.starts_with("1.0\n2007-01-19\n"));
    assert!(body.ends_with("\n2021-03-23\nlatest"), "latest last, no newline after it");
    assert_eq!(body.len(), 274, "the documented listing is 274 bytes");
    assert_eq!(text(&get(&mut w, &id, "/latest/")), "dynamic\nmeta-data");
    assert_eq!(text(&get(&mut w, &id, "/latest")), "dynamic\nmeta-data", "the trailing slash is optional");
    let top = text(&get(&mut w, &id, "/latest/meta-data/"));
    assert!(!top.ends_with('\n'));
    let lines: Vec<&str> = top.lines().collect();
    assert_eq!(lines.first(), Some(&"ami-id"));
    for d in ["block-device-mapping/", "events/", "metrics/", "network/", "placement/", "public-keys/", "services/"] {
        assert!(lines.contains(&d), "{d} in {lines:?}");
    }
    assert!(!lines.contains(&"iam/"), "no instance profile, no iam/");
    assert!(!lines.contains(&"tags/"), "metadata tags are off by default");
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "listed in order");
    // Older versions serve the same tree; unknown ones are missing.
    assert_eq!(text(&get(&mut w, &id, "/2021-03-23/meta-data/instance-id")), id);
    assert_eq!(get(&mut w, &id, "/2099-01-01/meta-data/").status, 404);
    assert_eq!(get(&mut w, &id, "/latest/meta-data/no-such-thing").status, 404);
    assert_eq!(get(&mut w, &id, "/latest/meta-data/ami-id/more").status, 404);
    assert_eq!(text(&get(&mut w, &id, "/latest//meta-data//instance-id")), id, "repeated slashes collapse");
}

#[test]
fn values_come_from_the_world() {
    let (mut w, id) = v1();
    let inst = w.compute.get(&id).unwrap().clone();
    let az = crate::catalog::azs()[inst.az()];
    let key = w.net.key_pair("lab-key").unwrap().public_key.clone();
    let sg_name = w.net.sg(&inst.security_groups[0]).unwrap().name.clone();
    let public = inst.public_ip_string().expect("default subnets map public IPs");
    let mac = inst.mac.clone();
    let mut g = |p: &str| text(&get(&mut w, &id, &format!("/latest/meta-data/{p}")));
    assert_eq!(g("instance-id"), id);
    assert_eq!(g("ami-id"), inst.image_id);
    assert_eq!(g("instance-type"), "t3.micro");
    assert_eq!(g("ami-launch-index"), "0");
    assert_eq!(g("ami-manifest-path"), "(unknown)");
    assert_eq!(g("reservation-id"), inst.reservation_id);
    assert_eq!(g("local-ipv4"), inst.private_ip_string());
    assert_eq!(g("hostname"), net::private_dns(inst.private_ip));
    assert_eq!(g("local-hostname"), net::private_dns(inst.private_ip));
    assert_eq!(g("public-ipv4"), public);
    assert_eq!(g("public-hostname"), net::public_dns(inst.public_ip.unwrap()));
    assert_eq!(g("mac"), mac);
    assert_eq!(g("placement/availability-zone"), az.name);
    assert_eq!(g("placement/availability-zone-id"), az.zone_id);
    assert_eq!(g("placement/region"), "us-east-1");
    assert_eq!(g("placement/"), "availability-zone\navailability-zone-id\nregion");
    assert_eq!(g("security-groups"), sg_name);
    assert_eq!(g("public-keys/"), "0=lab-key");
    assert_eq!(g("public-keys/0/"), "openssh-key");
    assert_eq!(g("public-keys/0/openssh-key"), format!("{key}\n"));
    assert_eq!(g("block-device-mapping/"), "ami\nroot");
    assert_eq!(g("block-device-mapping/root"), "/dev/xvda");
    assert_eq!(g("events/maintenance/scheduled"), "[]");
    assert_eq!(g("instance-life-cycle"), "on-demand");
    assert_eq!(g("instance-action"), "none");
    assert_eq!(g("profile"), "default-hvm");
    assert_eq!(g("services/domain"), "amazonaws.com");
    assert_eq!(g("services/partition"), "aws");
    let nic = format!("network/interfaces/macs/{mac}");
    assert_eq!(g("network/interfaces/macs/"), format!("{mac}/"));
    assert_eq!(g(&format!("{nic}/interface-id")), inst.eni_id);
    assert_eq!(g(&format!("{nic}/security-group-ids")), inst.security_groups.join("\n"));
    assert_eq!(g(&format!("{nic}/ipv4-associations/{public}")), inst.private_ip_string());
    assert_eq!(g(&format!("{nic}/owner-id")), "123456789012");
    let subnet_id = w.net.subnets[inst.subnet].id.clone();
    assert_eq!(text(&get(&mut w, &id, &format!("/latest/meta-data/{nic}/subnet-id"))), subnet_id);
    assert_eq!(text(&get(&mut w, &id, &format!("/latest/meta-data/{nic}/vpc-ipv4-cidr-block"))), "172.31.0.0/16");
}

#[test]
fn no_public_address_means_404() {
    let (mut w, id) = launch(RunRequest { associate_public_ip: Some(false), ..request_for(Some("optional")) });
    let top = text(&get(&mut w, &id, "/latest/meta-data/"));
    assert!(!top.contains("public-ipv4") && !top.contains("public-hostname"), "{top}");
    assert_eq!(get(&mut w, &id, "/latest/meta-data/public-ipv4").status, 404);
    let r = get(&mut w, &id, "/latest/meta-data/public-hostname");
    assert_eq!((r.status, r.reason), (404, "Not Found"));
    assert_eq!(r.header("Content-Type"), Some("text/html"));
    assert!(text(&r).contains("<title>404 - Not Found</title>"));
}

#[test]
fn identity_document_and_user_data() {
    let (mut w, id) = v1();
    let inst = w.compute.get(&id).unwrap().clone();
    let doc = text(&get(&mut w, &id, "/latest/dynamic/instance-identity/document"));
    assert!(doc.starts_with("{\n  \"accountId\" : \"123456789012\",\n"), "{doc}");
    assert!(doc.ends_with("\n}"));
    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(v["instanceId"], id.as_str());
    assert_eq!(v["imageId"], inst.image_id.as_str());
    assert_eq!(v["privateIp"], inst.private_ip_string().as_str());
    assert_eq!(v["availabilityZone"], crate::catalog::azs()[inst.az()].name);
    assert_eq!(v["region"], "us-east-1");
    assert_eq!(v["architecture"], "x86_64");
    assert_eq!(v["version"], "2017-09-30");
    assert_eq!(v["pendingTime"], inst.launch_time.iso().as_str());
    assert!(v["kernelId"].is_null() && v["billingProducts"].is_null());
    assert_eq!(v.as_object().unwrap().len(), 15);
    let sig = text(&get(&mut w, &id, "/latest/dynamic/instance-identity/signature"));
    assert!(!sig.is_empty() && sig.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)));
    assert_eq!(text(&get(&mut w, &id, "/latest/dynamic/fws/instance-monitoring")), "disabled");
    // No user data: not listed, 404.
    assert_eq!(get(&mut w, &id, "/latest/user-data").status, 404);
    // With user data: listed, returned raw.
    use base64::Engine as _;
    let script = "#!/bin/bash\necho hello > /tmp/hi\n";
    let ud = base64::engine::general_purpose::STANDARD.encode(script);
    let (mut w, id) = launch(RunRequest { user_data: Some(ud), ..request_for(Some("optional")) });
    assert_eq!(text(&get(&mut w, &id, "/latest/")), "dynamic\nmeta-data\nuser-data");
    let r = get(&mut w, &id, "/latest/user-data");
    assert_eq!(r.header("Content-Type"), Some("application/octet-stream"));
    assert_eq!(text(&r), script);
}

#[test]
fn tokens_ttl_validation_and_headers() {
    let (mut w, id) = v1();
    for bad in [None, Some("0"), Some("-5"), Some("21601"), Some("abc"), Some("")] {
        let headers: Vec<(&str, &str)> = bad.map(|b| vec![(TTL_HEADER, b)]).unwrap_or_default();
        let r = request(&mut w, &id, &req("PUT", "/latest/api/token", &headers)).unwrap();
        assert_eq!(r.status, 400, "ttl {bad:?}");
        assert_eq!(text(&r), include_str!("../../../tests/data/aemm/400_response.golden"));
    }
    let r = request(&mut w, &id, &req("PUT", "/latest/api/token", &[("x-aws-ec2-metadata-token-ttl-seconds", "21600")])).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("X-Aws-Ec2-Metadata-Token-Ttl-Seconds"), Some("21600"), "the TTL is echoed");
    let tok = text(&r);
    assert_eq!(tok.len(), 56);
    // Reads with the token carry its remaining lifetime.
    w.advance(100 * SECOND);
    let r = request(&mut w, &id, &req("GET", "/latest/meta-data/instance-id", &[(TOKEN_HEADER, &tok)])).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("X-Aws-Ec2-Metadata-Token-Ttl-Seconds"), Some("21500"));
    assert_eq!(r.header("Server"), Some("EC2ws"));
    assert_eq!(r.header("Content-Length"), Some(id.len().to_string().as_str()));
    assert_eq!(r.header("Date"), Some(http_date(w.now()).as_str()));
}

#[test]
fn invalid_and_expired_tokens_are_refused_even_when_optional() {
    let (mut w, id) = v1();
    let bad = request(&mut w, &id, &req("GET", "/latest/meta-data/", &[(TOKEN_HEADER, "not-a-token")])).unwrap();
    assert_eq!(bad.status, 401);
    assert_eq!(text(&bad), include_str!("../../../tests/data/aemm/401_response.golden"));
    let tok = token(&mut w, &id, "1");
    w.advance(999);
    assert_eq!(request(&mut w, &id, &req("GET", "/latest/meta-data/", &[(TOKEN_HEADER, &tok)])).unwrap().status, 200);
    w.advance(1);
    assert_eq!(request(&mut w, &id, &req("GET", "/latest/meta-data/", &[(TOKEN_HEADER, &tok)])).unwrap().status, 401, "expired");
    assert!(w.compute.get(&id).unwrap().imds.tokens.iter().all(|t| t.value != tok), "an expired token is forgotten once seen");
    // Without a token, v1 still works here.
    assert_eq!(get(&mut w, &id, "/latest/meta-data/").status, 200);
}

#[test]
fn required_tokens_and_the_no_token_count() {
    let (mut w, id) = launch(request_for(None)); // AL2023 defaults to HttpTokens=required
    assert_eq!(w.compute.get(&id).unwrap().metadata.http_tokens, "required");
    assert_eq!(get(&mut w, &id, "/latest/meta-data/instance-id").status, 401);
    let tok = token(&mut w, &id, "60");
    let r = request(&mut w, &id, &req("GET", "/latest/meta-data/instance-id", &[(TOKEN_HEADER, &tok)])).unwrap();
    assert_eq!((r.status, text(&r)), (200, id.clone()));
    assert_eq!(w.compute.get(&id).unwrap().imds.no_token_count, 0, "neither the 401 nor token reads count");
    let (mut w, id) = v1();
    get(&mut w, &id, "/latest/meta-data/");
    get(&mut w, &id, "/latest/meta-data/missing");
    let tok = token(&mut w, &id, "60");
    request(&mut w, &id, &req("GET", "/latest/meta-data/", &[(TOKEN_HEADER, &tok)]));
    let st = &w.compute.get(&id).unwrap().imds;
    assert_eq!(st.no_token_count, 1, "only the successful tokenless read");
    let log: Vec<(String, String, bool, u16)> = st.log.iter().map(|e| (e.method.clone(), e.path.clone(), e.token, e.status)).collect();
    assert_eq!(
        log,
        vec![
            ("GET".into(), "/latest/meta-data/".into(), false, 200),
            ("GET".into(), "/latest/meta-data/missing".into(), false, 404),
            ("PUT".into(), "/latest/api/token".into(), false, 200),
            ("GET".into(), "/latest/meta-data/".into(), true, 200),
        ]
    );
}

#[test]
fn tokens_are_bound_to_their_instance() {
    let mut w = World::new(8);
    let r = RunRequest { image_id: AL2023.into(), instance_type: Some("t3.micro".into()), min_count: 2, max_count: 2, ..Default::default() };
    let (_, ids) = w.run_instances(r).unwrap();
    w.advance(MINUTE);
    let tok = token(&mut w, &ids[0], "300");
    let on_b = request(&mut w, &ids[1], &req("GET", "/latest/meta-data/", &[(TOKEN_HEADER, &tok)])).unwrap();
    assert_eq!(on_b.status, 401);
    let own = token(&mut w, &ids[1], "300");
    let r = request(&mut w, &ids[1], &req("GET", "/latest/meta-data/ami-launch-index", &[(TOKEN_HEADER, &own)])).unwrap();
    assert_eq!(text(&r), "1");
}

#[test]
fn forbidden_and_not_allowed() {
    let (mut w, id) = v1();
    let xff = request(&mut w, &id, &req("PUT", "/latest/api/token", &[(TTL_HEADER, "60"), ("X-Forwarded-For", "203.0.113.9")])).unwrap();
    assert_eq!((xff.status, xff.reason), (403, "Forbidden"));
    assert!(text(&xff).contains("<title>403 - Forbidden</title>"));
    let versioned = request(&mut w, &id, &req("PUT", "/2021-03-23/api/token", &[(TTL_HEADER, "60")])).unwrap();
    assert_eq!(versioned.status, 403);
    for m in ["POST", "DELETE", "PATCH"] {
        let r = request(&mut w, &id, &req(m, "/latest/meta-data/", &[])).unwrap();
        assert_eq!((r.status, r.reason), (405, "Method Not Allowed"), "{m}");
    }
    assert_eq!(get(&mut w, &id, "/latest/api/token").status, 405);
    let head = request(&mut w, &id, &req("HEAD", "/latest/meta-data/instance-id", &[])).unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("Content-Length"), Some(id.len().to_string().as_str()));
    // The endpoint turned off: 403 for everything, tokens included.
    modify_options(&mut w, &id, &MetadataOptionsRequest { http_endpoint: Some("disabled".into()), ..Default::default() }).unwrap();
    w.advance(OPTIONS_APPLY_MS);
    assert_eq!(get(&mut w, &id, "/latest/meta-data/").status, 403);
    assert_eq!(request(&mut w, &id, &req("PUT", "/latest/api/token", &[(TTL_HEADER, "60")])).unwrap().status, 403);
}

#[test]
fn hop_limit_drops_token_answers_to_containers() {
    let (mut w, id) = v1();
    assert_eq!(w.compute.get(&id).unwrap().metadata.hop_limit, 2, "AL2023 launches with hop limit 2");
    let in_container = |w: &mut World, method: &str, path: &str, headers: &[(&str, &str)]| {
        request(w, &id, &HttpRequest { hops: 1, ..req(method, path, headers) })
    };
    assert_eq!(in_container(&mut w, "PUT", "/latest/api/token", &[(TTL_HEADER, "60")]).unwrap().status, 200);
    modify_options(&mut w, &id, &MetadataOptionsRequest { hop_limit: Some(1), ..Default::default() }).unwrap();
    w.advance(OPTIONS_APPLY_MS);
    assert_eq!(in_container(&mut w, "PUT", "/latest/api/token", &[(TTL_HEADER, "60")]), None, "the answer never arrives");
    assert_eq!(in_container(&mut w, "GET", "/latest/meta-data/instance-id", &[]).unwrap().status, 200, "v1 GETs still do");
    let last = w.compute.get(&id).unwrap().imds.log.iter().rev().nth(1).cloned().unwrap();
    assert_eq!((last.method.as_str(), last.status), ("PUT", 200), "the service answered; the answer was lost on the way");
    assert!(request(&mut w, &id, &req("PUT", "/latest/api/token", &[(TTL_HEADER, "60")])).is_some(), "on the instance itself: 0 hops");
}

#[test]
fn ipv6_endpoint_only_when_enabled_on_nitro() {
    let (mut w, id) = v1();
    let v6 = HttpRequest { ipv6: true, ..req("GET", "/latest/meta-data/instance-id", &[]) };
    assert_eq!(request(&mut w, &id, &v6), None);
    modify_options(&mut w, &id, &MetadataOptionsRequest { http_protocol_ipv6: Some("enabled".into()), ..Default::default() }).unwrap();
    assert_eq!(request(&mut w, &id, &v6), None, "still pending");
    w.advance(OPTIONS_APPLY_MS);
    assert_eq!(request(&mut w, &id, &v6).unwrap().status, 200);
    // t2 is a Xen type: no IPv6 endpoint at all.
    let (mut w, id) = launch(RunRequest { instance_type: Some("t2.micro".into()), ..request_for(Some("optional")) });
    modify_options(&mut w, &id, &MetadataOptionsRequest { http_protocol_ipv6: Some("enabled".into()), ..Default::default() }).unwrap();
    w.advance(OPTIONS_APPLY_MS);
    assert_eq!(request(&mut w, &id, &v6), None);
}

#[test]
fn modify_options_is_pending_then_applied() {
    let (mut w, id) = v1();
    let inst = |w: &World| w.compute.get(&id).unwrap().clone();
    assert_eq!(options_state(&inst(&w), w.now()), "applied");
    let md = modify_options(&mut w, &id, &MetadataOptionsRequest { http_tokens: Some("required".into()), ..Default::default() }).unwrap();
    assert_eq!((md.http_tokens.as_str(), md.hop_limit), ("required", 2), "unnamed options stay");
    assert_eq!(options_state(&inst(&w), w.now()), "pending");
    assert_eq!(get(&mut w, &id, "/latest/meta-data/").status, 200, "the old options serve until applied");
    w.advance(OPTIONS_APPLY_MS);
    assert_eq!(options_state(&inst(&w), w.now()), "applied");
    assert_eq!(get(&mut w, &id, "/latest/meta-data/").status, 401);
    let bad = |r: MetadataOptionsRequest, w: &mut World| modify_options(w, &id, &r).unwrap_err();
    let e = bad(MetadataOptionsRequest { http_tokens: Some("sometimes".into()), ..Default::default() }, &mut w);
    assert_eq!(e.code, "InvalidParameterValue");
    assert!(e.message.contains("'sometimes' is not valid for HttpTokens"), "{}", e.message);
    let e = bad(MetadataOptionsRequest { hop_limit: Some(65), ..Default::default() }, &mut w);
    assert!(e.message.contains("between 1 and 64"));
    assert_eq!(modify_options(&mut w, "i-0123456789abcdef0", &MetadataOptionsRequest::default()).unwrap_err().code, "InvalidInstanceID.NotFound");
    assert_eq!(modify_options(&mut w, "nope", &MetadataOptionsRequest::default()).unwrap_err().code, "InvalidInstanceID.Malformed");
    // -1: no preference, the hop limit stays.
    let md = modify_options(&mut w, &id, &MetadataOptionsRequest { hop_limit: Some(-1), ..Default::default() }).unwrap();
    assert_eq!(md.hop_limit, 2);
}

#[test]
fn metadata_tags_when_enabled() {
    let (mut w, id) = v1();
    assert_eq!(get(&mut w, &id, "/latest/meta-data/tags/instance/").status, 404);
    modify_options(&mut w, &id, &MetadataOptionsRequest { instance_metadata_tags: Some("enabled".into()), ..Default::default() }).unwrap();
    w.advance(OPTIONS_APPLY_MS);
    assert!(text(&get(&mut w, &id, "/latest/meta-data/")).ends_with("services/\ntags/"));
    assert_eq!(text(&get(&mut w, &id, "/latest/meta-data/tags/")), "instance/");
    assert_eq!(text(&get(&mut w, &id, "/latest/meta-data/tags/instance")), "Name\nteam", "a key with a space cannot appear");
    assert_eq!(text(&get(&mut w, &id, "/latest/meta-data/tags/instance/team")), "blue");
}

#[test]
fn log_is_capped_and_nothing_answers_a_stopped_instance() {
    let (mut w, id) = v1();
    for _ in 0..LOG_CAP + 25 {
        get(&mut w, &id, "/latest/meta-data/ami-id");
    }
    let st = &w.compute.get(&id).unwrap().imds;
    assert_eq!(st.log.len(), LOG_CAP);
    assert_eq!(st.no_token_count, (LOG_CAP + 25) as u64);
    w.stop_instances(std::slice::from_ref(&id), false).unwrap();
    assert_eq!(request(&mut w, &id, &req("GET", "/", &[])), None);
    assert_eq!(request(&mut w, "i-0000000000000000f", &req("GET", "/", &[])), None);
}

#[test]
fn tokens_come_from_the_seed() {
    let (mut a, ida) = v1();
    let (mut b, idb) = v1();
    assert_eq!(ida, idb);
    assert_eq!(token(&mut a, &ida, "60"), token(&mut b, &idb, "60"));
    assert_eq!(a.state_hash(), b.state_hash());
}

/// ec2lab's answers against the AEMM golden files (tests/data/aemm/README.md). Where the two
/// differ, AEMM serves a fixed mock configuration and ec2lab serves this instance: the
/// differences are listed with their reasons.
#[test]
fn matches_aemm_golden_files() {
    let (mut w, id) = v1();
    modify_options(&mut w, &id, &MetadataOptionsRequest { instance_metadata_tags: Some("enabled".into()), ..Default::default() }).unwrap();
    w.advance(OPTIONS_APPLY_MS);
    let lines = |s: &str| s.lines().map(String::from).collect::<Vec<_>>();
    let without = |mut v: Vec<String>, drop: &[&str]| {
        v.retain(|l| !drop.contains(&l.as_str()));
        v
    };
    // Error pages, byte for byte.
    assert_eq!(error_page(400), include_str!("../../../tests/data/aemm/400_response.golden"));
    assert_eq!(error_page(401), include_str!("../../../tests/data/aemm/401_response.golden"));
    assert_eq!(text(&get(&mut w, &id, "/latest/meta-data/nope")), include_str!("../../../tests/data/aemm/404_response.txt"));
    // The meta-data index. AEMM's mock instance also has an Auto Scaling group, an Elastic
    // Inference accelerator, an IAM role, a kernel/ramdisk and product codes, and is a Spot
    // Instance; this one is none of those. AEMM leaves out `metrics/` and `profile`, which EC2
    // lists (EC2 user guide, instance metadata categories).
    let ours = text(&get(&mut w, &id, "/latest/meta-data/"));
    assert!(!ours.ends_with('\n'));
    let golden = include_str!("../../../tests/data/aemm/meta-data-index.golden");
    assert_eq!(
        without(lines(&ours), &["metrics/", "profile"]),
        without(lines(golden), &["autoscaling/", "elastic-inference/", "iam/", "kernel-id", "product-codes", "ramdisk-id", "spot/"])
    );
    // Dynamic data: exact.
    assert_eq!(text(&get(&mut w, &id, "/latest/dynamic/")), include_str!("../../../tests/data/aemm/dynamic-index.golden"));
    assert_eq!(text(&get(&mut w, &id, "/latest/dynamic/fws/")), include_str!("../../../tests/data/aemm/dynamic-fws.golden"));
    assert_eq!(
        text(&get(&mut w, &id, "/latest/dynamic/instance-identity/")),
        include_str!("../../../tests/data/aemm/dynamic-instance-identity.golden")
    );
    // The interface: the default VPC here has no IPv6, so no IPv6 items.
    let mac = w.compute.get(&id).unwrap().mac.clone();
    let nic = text(&get(&mut w, &id, &format!("/latest/meta-data/network/interfaces/macs/{mac}/")));
    assert_eq!(
        lines(&nic),
        without(lines(include_str!("../../../tests/data/aemm/mac-index.golden")), &["ipv6s", "subnet-ipv6-cidr-blocks", "vpc-ipv6-cidr-blocks"])
    );
}

#[test]
fn http_dates() {
    assert_eq!(http_date(Time(crate::clock::EPOCH_START_MS)), "Mon, 05 Jan 2026 09:00:00 GMT");
    assert_eq!(http_date(Time(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
}
