//! Instance-role sessions: delivery, rotation on the virtual clock, expiry, the metadata
//! documents for each outcome, the association operations and PassRole.

use super::*;
use crate::api::{self, ApiError};
use crate::clock::MINUTE;
use crate::imds::HttpRequest;
use serde_json::{json, Value};

const AL2023: &str = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
const TRUST_EC2: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const TRUST_LAMBDA: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

fn call(w: &mut World, service: &str, op: &str, input: Value) -> Result<Value, ApiError> {
    api::call(w, service, op, &input)
}

fn ok(w: &mut World, service: &str, op: &str, input: Value) -> Value {
    call(w, service, op, input.clone()).unwrap_or_else(|e| panic!("{service} {op} {input}: {e:?}"))
}

/// A role (trusting `trust`) in a profile of the same name.
fn role_and_profile(w: &mut World, name: &str, trust: &str) {
    ok(w, "iam", "CreateRole", json!({"RoleName": name, "AssumeRolePolicyDocument": trust}));
    ok(w, "iam", "CreateInstanceProfile", json!({"InstanceProfileName": name}));
    ok(w, "iam", "AddRoleToInstanceProfile", json!({"InstanceProfileName": name, "RoleName": name}));
}

fn launch(w: &mut World, profile: Option<&str>) -> String {
    let mut input = json!({"ImageId": AL2023, "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1});
    if let Some(p) = profile {
        input["IamInstanceProfile"] = json!({"Name": p});
    }
    let out = ok(w, "ec2", "RunInstances", input);
    out["Instances"][0]["InstanceId"].as_str().unwrap().to_string()
}

fn running(w: &mut World, id: &str) {
    for _ in 0..100 {
        if w.compute.get(id).unwrap().state == crate::compute::State::Running {
            return;
        }
        w.advance(5 * SECOND);
    }
    panic!("{id} never ran");
}

/// GET a metadata path from the instance itself (IMDSv1; the instances below allow it).
fn md(w: &mut World, id: &str, path: &str) -> (u16, String) {
    let r = crate::imds::request(w, id, &HttpRequest { method: "GET".into(), path: format!("/latest/meta-data/{path}"), ..Default::default() }).expect("an answer");
    (r.status, String::from_utf8_lossy(&r.body).into_owned())
}

fn optional_tokens(w: &mut World, id: &str) {
    crate::imds::modify_options(w, id, &crate::compute::MetadataOptionsRequest { http_tokens: Some("optional".into()), ..Default::default() }).unwrap();
    w.advance(crate::imds::OPTIONS_APPLY_MS);
}

fn creds_doc(w: &mut World, id: &str, role: &str) -> Value {
    let (status, body) = md(w, id, &format!("iam/security-credentials/{role}"));
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn creds_of(doc: &Value) -> Credentials {
    Credentials {
        access_key_id: doc["AccessKeyId"].as_str().unwrap().into(),
        secret_access_key: doc["SecretAccessKey"].as_str().unwrap().into(),
        session_token: doc["Token"].as_str().map(str::to_string),
    }
}

fn ready(seed: u64) -> (World, String) {
    let mut w = World::new(seed);
    role_and_profile(&mut w, "app", TRUST_EC2);
    let id = launch(&mut w, Some("app"));
    running(&mut w, &id);
    optional_tokens(&mut w, &id);
    (w, id)
}

#[test]
fn credentials_are_delivered_in_the_documented_shape_and_sign_as_the_role_session() {
    let (mut w, id) = ready(4);
    let (status, listing) = md(&mut w, &id, "iam/");
    assert_eq!((status, listing.as_str()), (200, "info\nsecurity-credentials/"));
    assert_eq!(md(&mut w, &id, "iam/security-credentials/"), (200, "app".to_string()));
    let info: Value = serde_json::from_str(&md(&mut w, &id, "iam/info").1).unwrap();
    let profile = w.iam.instance_profile("app").unwrap().clone();
    assert_eq!(info["Code"], "Success");
    assert_eq!(info["InstanceProfileArn"], profile.arn);
    assert_eq!(info["InstanceProfileId"], profile.id);
    let raw = md(&mut w, &id, "iam/security-credentials/app").1;
    assert!(raw.starts_with("{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \""), "EC2's pretty form: {raw}");
    let doc: Value = serde_json::from_str(&raw).unwrap();
    let keys: Vec<&str> = doc.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["Code", "LastUpdated", "Type", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"]);
    assert_eq!(doc["Type"], "AWS-HMAC");
    let key = doc["AccessKeyId"].as_str().unwrap();
    assert!(key.starts_with("ASIA") && key.len() == 20, "{key}");
    assert_eq!(doc["SecretAccessKey"].as_str().unwrap().len(), 40);
    let updated = Time::parse_iso(doc["LastUpdated"].as_str().unwrap()).unwrap();
    let expires = Time::parse_iso(doc["Expiration"].as_str().unwrap()).unwrap();
    assert_eq!(expires.0 - updated.0, CREDENTIAL_LIFETIME);
    assert!(expires > w.now());

    let caller = api::sts::authenticate(&w, "sts", &creds_of(&doc)).unwrap();
    assert_eq!(caller, Principal::Role { role: "app".into(), session: id.clone() });
    let who = api::call_signed(&mut w, &creds_of(&doc), "sts", "GetCallerIdentity", &json!({})).unwrap();
    let role_id = w.iam.role("app").unwrap().id.clone();
    assert_eq!(who["UserId"], format!("{role_id}:{id}"));
    assert_eq!(who["Arn"], format!("arn:aws:sts::123456789012:assumed-role/app/{id}"));
    // The learner's long-term key is the administrator.
    let learner = w.sts.keys().find(|k| k.principal == Principal::Admin).unwrap().clone();
    let c = Credentials { access_key_id: learner.id.clone(), secret_access_key: learner.secret.clone(), session_token: None };
    assert_eq!(api::sts::authenticate(&w, "ec2", &c).unwrap(), Principal::Admin);
}

#[test]
fn credentials_rotate_on_the_clock_and_old_ones_work_until_they_expire() {
    let (mut w, id) = ready(5);
    let first = creds_doc(&mut w, &id, "app");
    let first_exp = Time::parse_iso(first["Expiration"].as_str().unwrap()).unwrap();
    // Reading again within the hour: the same credentials.
    w.advance(30 * MINUTE);
    assert_eq!(creds_doc(&mut w, &id, "app")["AccessKeyId"], first["AccessKeyId"]);
    // After the refresh: new ones, well before the old ones expire. A read-only view knows
    // their expiry before anyone has asked the metadata service.
    w.advance(31 * MINUTE);
    let (role, view_expiry) = served_credentials(&w, w.compute.get(&id).unwrap(), w.now()).unwrap();
    let second = creds_doc(&mut w, &id, "app");
    assert_ne!(second["AccessKeyId"], first["AccessKeyId"]);
    let second_updated = Time::parse_iso(second["LastUpdated"].as_str().unwrap()).unwrap();
    assert!(first_exp.0 - second_updated.0 >= 5 * MINUTE, "new credentials at least five minutes before the old expire");
    assert!(Time::parse_iso(second["Expiration"].as_str().unwrap()).unwrap() > first_exp);
    assert_eq!((role.as_str(), Some(view_expiry)), ("app", Time::parse_iso(second["Expiration"].as_str().unwrap())));
    // The old ones still sign requests until their expiry…
    w.advance_to(Time(first_exp.0 - SECOND));
    assert!(api::call_signed(&mut w, &creds_of(&first), "sts", "GetCallerIdentity", &json!({})).is_ok());
    // …and then every service refuses them in its own words.
    w.advance(2 * SECOND);
    let e = api::call_signed(&mut w, &creds_of(&first), "sts", "GetCallerIdentity", &json!({})).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.as_str()), ("ExpiredToken", "The security token included in the request is expired"));
    let e = api::call_signed(&mut w, &creds_of(&first), "ec2", "DescribeInstances", &json!({})).unwrap_err();
    assert_eq!(e.code, "RequestExpired");
    let e = api::call_signed(&mut w, &creds_of(&first), "ssm", "GetParameter", &json!({"Name": "x"})).unwrap_err();
    assert_eq!(e.code, "ExpiredTokenException");
    // The metadata service serves current credentials all along.
    let now_doc = creds_doc(&mut w, &id, "app");
    assert!(Time::parse_iso(now_doc["Expiration"].as_str().unwrap()).unwrap() > w.now());
    assert!(api::call_signed(&mut w, &creds_of(&now_doc), "sts", "GetCallerIdentity", &json!({})).is_ok());
    // Long after, the expired key is still recognised as expired, not unknown.
    w.advance(3 * 24 * HOUR);
    let _ = creds_doc(&mut w, &id, "app"); // a refresh prunes the registry
    let e = api::call_signed(&mut w, &creds_of(&first), "sts", "GetCallerIdentity", &json!({})).unwrap_err();
    assert_eq!(e.code, "ExpiredToken");
}

#[test]
fn wrong_or_unknown_keys_get_each_services_error() {
    let (mut w, id) = ready(6);
    let good = creds_of(&creds_doc(&mut w, &id, "app"));
    let unknown = Credentials { access_key_id: "AKIAIOSFODNN7EXAMPLE".into(), secret_access_key: "x".into(), session_token: None };
    let e = api::call_signed(&mut w, &unknown, "sts", "GetCallerIdentity", &json!({})).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.as_str()), ("InvalidClientTokenId", "The security token included in the request is invalid."));
    let e = api::call_signed(&mut w, &unknown, "ec2", "DescribeInstances", &json!({})).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.as_str()), ("AuthFailure", "AWS was not able to validate the provided access credentials"));
    let e = api::call_signed(&mut w, &unknown, "ssm", "GetParameter", &json!({"Name": "x"})).unwrap_err();
    assert_eq!(e.code, "UnrecognizedClientException");
    // A session key without its token is not a valid key.
    let no_token = Credentials { session_token: None, ..good.clone() };
    assert_eq!(api::call_signed(&mut w, &no_token, "sts", "GetCallerIdentity", &json!({})).unwrap_err().code, "InvalidClientTokenId");
    let bad_secret = Credentials { secret_access_key: "nope".into(), ..good };
    assert_eq!(api::call_signed(&mut w, &bad_secret, "sts", "GetCallerIdentity", &json!({})).unwrap_err().code, "SignatureDoesNotMatch");
    assert_eq!(api::call_signed(&mut w, &bad_secret, "ssm", "GetParameter", &json!({"Name": "x"})).unwrap_err().code, "InvalidSignatureException");
}

#[test]
fn a_role_that_does_not_trust_ec2_gets_the_error_document_until_the_next_refresh_after_a_fix() {
    let mut w = World::new(7);
    role_and_profile(&mut w, "lambda-only", TRUST_LAMBDA);
    let id = launch(&mut w, Some("lambda-only"));
    running(&mut w, &id);
    optional_tokens(&mut w, &id);
    assert_eq!(md(&mut w, &id, "iam/security-credentials/").1, "lambda-only");
    let doc = creds_doc(&mut w, &id, "lambda-only");
    assert_eq!(doc["Code"], "AssumeRoleUnauthorizedAccess");
    assert!(doc["Message"].as_str().unwrap().starts_with("EC2 cannot assume the role lambda-only."));
    assert!(doc.get("AccessKeyId").is_none());
    let delivered_at = w.compute.get(&id).unwrap().iam.delivered.as_ref().unwrap().base;
    // Fix the trust policy: nothing changes until the next scheduled refresh.
    ok(&mut w, "iam", "UpdateAssumeRolePolicy", json!({"RoleName": "lambda-only", "PolicyDocument": TRUST_EC2}));
    assert_eq!(creds_doc(&mut w, &id, "lambda-only")["Code"], "AssumeRoleUnauthorizedAccess");
    w.advance_to(delivered_at.plus(REFRESH_INTERVAL));
    let doc = creds_doc(&mut w, &id, "lambda-only");
    assert_eq!(doc["Code"], "Success");
    assert_eq!(Time::parse_iso(doc["LastUpdated"].as_str().unwrap()), Some(delivered_at.plus(REFRESH_INTERVAL)));
}

#[test]
fn profile_changes_show_at_the_next_refresh_and_disassociation_removes_iam() {
    let (mut w, id) = ready(8);
    assert_eq!(md(&mut w, &id, "iam/security-credentials/").1, "app");
    let base = w.compute.get(&id).unwrap().iam.delivered.as_ref().unwrap().base;
    ok(&mut w, "iam", "RemoveRoleFromInstanceProfile", json!({"InstanceProfileName": "app", "RoleName": "app"}));
    assert_eq!(md(&mut w, &id, "iam/security-credentials/").1, "app", "still the old delivery");
    w.advance_to(base.plus(REFRESH_INTERVAL));
    let info: Value = serde_json::from_str(&md(&mut w, &id, "iam/info").1).unwrap();
    assert_eq!((info["Code"].as_str(), info["Message"].as_str()), (Some("Success"), Some("Instance Profile does not contain a role.")));
    assert_eq!(md(&mut w, &id, "iam/").1, "info");
    assert_eq!(md(&mut w, &id, "iam/security-credentials/").0, 404);
    ok(&mut w, "iam", "DeleteInstanceProfile", json!({"InstanceProfileName": "app"}));
    w.advance(REFRESH_INTERVAL);
    let info: Value = serde_json::from_str(&md(&mut w, &id, "iam/info").1).unwrap();
    assert_eq!(info["Code"], "InstanceProfileNotFound");
    // Disassociate: `disassociating`, then gone from the API and from metadata.
    let assoc = ok(&mut w, "ec2", "DescribeIamInstanceProfileAssociations", json!({}))["IamInstanceProfileAssociations"][0]["AssociationId"].clone();
    let out = ok(&mut w, "ec2", "DisassociateIamInstanceProfile", json!({"AssociationId": assoc}));
    assert_eq!(out["IamInstanceProfileAssociation"]["State"], "disassociating");
    assert_eq!(md(&mut w, &id, "iam/").0, 200, "removal takes a moment");
    w.advance(DELIVERY_DELAY);
    assert_eq!(md(&mut w, &id, "iam/").0, 404);
    assert!(!md(&mut w, &id, "").1.contains("iam/"));
    assert_eq!(ok(&mut w, "ec2", "DescribeIamInstanceProfileAssociations", json!({}))["IamInstanceProfileAssociations"], json!([]));
    let e = call(&mut w, "ec2", "DisassociateIamInstanceProfile", json!({"AssociationId": assoc})).unwrap_err();
    assert_eq!(e.code, "InvalidAssociationID.NotFound");
}

#[test]
fn associate_replace_and_describe() {
    let mut w = World::new(9);
    role_and_profile(&mut w, "a", TRUST_EC2);
    role_and_profile(&mut w, "b", TRUST_EC2);
    let id = launch(&mut w, None);
    running(&mut w, &id);
    optional_tokens(&mut w, &id);
    assert_eq!(md(&mut w, &id, "iam/").0, 404, "no profile, no iam/");
    let e = call(&mut w, "ec2", "AssociateIamInstanceProfile", json!({"InstanceId": id, "IamInstanceProfile": {"Name": "nope"}})).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.as_str()), ("InvalidParameterValue", "Value (nope) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name"));
    let arn_a = w.iam.instance_profile("a").unwrap().arn.clone();
    let out = ok(&mut w, "ec2", "AssociateIamInstanceProfile", json!({"InstanceId": id, "IamInstanceProfile": {"Arn": arn_a}}));
    let a = &out["IamInstanceProfileAssociation"];
    assert_eq!(a["State"], "associating");
    assert!(a["AssociationId"].as_str().unwrap().starts_with("iip-assoc-0"));
    assert_eq!(md(&mut w, &id, "iam/").0, 404, "not delivered yet");
    let e = call(&mut w, "ec2", "AssociateIamInstanceProfile", json!({"InstanceId": id, "IamInstanceProfile": {"Name": "b"}})).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.clone()), ("IncorrectState", format!("There is an existing association for instance {id}")));
    w.advance(DELIVERY_DELAY);
    assert_eq!(md(&mut w, &id, "iam/security-credentials/").1, "a");
    let d = ok(&mut w, "ec2", "DescribeIamInstanceProfileAssociations", json!({"Filters": [{"Name": "state", "Values": ["associated"]}]}));
    assert_eq!(d["IamInstanceProfileAssociations"][0]["InstanceId"], id.as_str());
    assert_eq!(d["IamInstanceProfileAssociations"][0]["IamInstanceProfile"]["Arn"], arn_a.as_str());
    let d = ok(&mut w, "ec2", "DescribeIamInstanceProfileAssociations", json!({"Filters": [{"Name": "state", "Values": ["associating"]}]}));
    assert_eq!(d["IamInstanceProfileAssociations"], json!([]));
    let e = call(&mut w, "ec2", "DescribeIamInstanceProfileAssociations", json!({"Filters": [{"Name": "role", "Values": ["x"]}]})).unwrap_err();
    assert_eq!(e.code, "InvalidParameterValue");
    // describe-instances carries the profile, and filters on it.
    let di = ok(&mut w, "ec2", "DescribeInstances", json!({"Filters": [{"Name": "iam-instance-profile.arn", "Values": [arn_a]}]}));
    assert_eq!(di["Reservations"][0]["Instances"][0]["IamInstanceProfile"]["Arn"], arn_a.as_str());
    // Replace: a new association id; the old role serves until the new one is delivered.
    let old = a["AssociationId"].clone();
    let out = ok(&mut w, "ec2", "ReplaceIamInstanceProfileAssociation", json!({"AssociationId": old, "IamInstanceProfile": {"Name": "b"}}));
    let new = out["IamInstanceProfileAssociation"]["AssociationId"].clone();
    assert_ne!(new, old);
    assert_eq!(md(&mut w, &id, "iam/security-credentials/").1, "a");
    w.advance(DELIVERY_DELAY);
    assert_eq!(md(&mut w, &id, "iam/security-credentials/").1, "b");
    let e = call(&mut w, "ec2", "ReplaceIamInstanceProfileAssociation", json!({"AssociationId": old, "IamInstanceProfile": {"Name": "a"}})).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.clone()), ("InvalidAssociationID.NotFound", format!("An invalid association-id of '{}' was given", old.as_str().unwrap())));
    // A stopped instance keeps its association; termination ends it.
    ok(&mut w, "ec2", "StopInstances", json!({"InstanceIds": [id]}));
    w.advance(5 * MINUTE);
    assert_eq!(ok(&mut w, "ec2", "DescribeIamInstanceProfileAssociations", json!({}))["IamInstanceProfileAssociations"].as_array().unwrap().len(), 1);
    ok(&mut w, "ec2", "TerminateInstances", json!({"InstanceIds": [id]}));
    w.advance(5 * MINUTE);
    assert_eq!(ok(&mut w, "ec2", "DescribeIamInstanceProfileAssociations", json!({}))["IamInstanceProfileAssociations"], json!([]));
    let e = call(&mut w, "ec2", "AssociateIamInstanceProfile", json!({"InstanceId": id, "IamInstanceProfile": {"Name": "a"}})).unwrap_err();
    assert_eq!(e.code, "IncorrectInstanceState");
}

#[test]
fn launching_or_associating_needs_pass_role() {
    let mut w = World::new(10);
    role_and_profile(&mut w, "worker", TRUST_EC2);
    role_and_profile(&mut w, "admin", TRUST_EC2);
    // The worker may launch and associate, and pass only itself.
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ec2:RunInstances", "ec2:AssociateIamInstanceProfile", "ec2:DescribeInstances", "ssm:GetParameters", "ssm:GetParameter"], "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/worker"}
    ]});
    ok(&mut w, "iam", "PutRolePolicy", json!({"RoleName": "worker", "PolicyName": "launch", "PolicyDocument": policy.to_string()}));
    let id = launch(&mut w, Some("worker"));
    running(&mut w, &id);
    optional_tokens(&mut w, &id);
    let creds = creds_of(&creds_doc(&mut w, &id, "worker"));
    let run = |profile: &str| json!({"ImageId": AL2023, "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1, "IamInstanceProfile": {"Name": profile}});
    let e = api::call_signed(&mut w, &creds, "ec2", "RunInstances", &run("admin")).unwrap_err();
    assert_eq!(e.code, "UnauthorizedOperation");
    assert!(e.message.contains("is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/admin"), "{}", e.message);
    let before = w.compute.iter().count();
    assert_eq!(w.compute.iter().count(), before, "nothing launched");
    assert!(api::call_signed(&mut w, &creds, "ec2", "RunInstances", &run("worker")).is_ok(), "passing its own role is allowed");
    let other = launch(&mut w, None);
    let e = api::call_signed(&mut w, &creds, "ec2", "AssociateIamInstanceProfile", &json!({"InstanceId": other, "IamInstanceProfile": {"Name": "admin"}})).unwrap_err();
    assert_eq!(e.code, "UnauthorizedOperation");
}

#[test]
fn same_seed_same_credentials() {
    let doc = |seed| {
        let (mut w, id) = ready(seed);
        creds_doc(&mut w, &id, "app")
    };
    assert_eq!(doc(11), doc(11));
    assert_ne!(doc(11)["AccessKeyId"], doc(12)["AccessKeyId"]);
}

