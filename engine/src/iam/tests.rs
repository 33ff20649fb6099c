//! Policy evaluation tables, document validation, trust policies, PassRole, authorization of
//! calls.

use super::policy::{self, Context, EvalDecision, Kind, PolicySource, Request, RequestPrincipal};
use super::*;
use crate::api;
use serde_json::{json, Value};

/// Evaluate one identity policy for (action, resource) with a context.
fn eval_ctx(doc: &Value, action: &str, resource: &str, ctx: &Context) -> EvalDecision {
    let src = [PolicySource { id: "P".into(), kind: "role", arn: None, document: doc }];
    policy::evaluate(&src, &Request { action, resource, principal: None, context: ctx }).decision
}

fn eval(doc: &Value, action: &str, resource: &str) -> EvalDecision {
    eval_ctx(doc, action, resource, &Context::new())
}

fn allow(action: Value, resource: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})
}

use EvalDecision::{Allowed as A, ExplicitDeny as D, ImplicitDeny as I};

const PARAM: &str = "arn:aws:ssm:us-east-1:123456789012:parameter/app/db/password";

#[test]
fn allow_explicit_deny_implicit_deny() {
    let doc = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": "ssm:GetParameter*", "Resource": "*"},
        {"Sid": "NoSecrets", "Effect": "Deny", "Action": "ssm:*", "Resource": "arn:aws:ssm:*:*:parameter/app/db/*"}
    ]});
    let cases = [
        ("ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/app/name", A),
        ("ssm:GetParametersByPath", "arn:aws:ssm:us-east-1:123456789012:parameter/app", A),
        ("ssm:GetParameter", PARAM, D),
        ("ssm:PutParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/app/name", I),
        ("ec2:DescribeInstances", "*", I),
    ];
    for (action, resource, want) in cases {
        assert_eq!(eval(&doc, action, resource), want, "{action} on {resource}");
    }
    // The decision names the statement that decided.
    let src = [PolicySource { id: "AppRead".into(), kind: "role", arn: None, document: &doc }];
    let d = policy::evaluate(&src, &Request { action: "ssm:GetParameter", resource: PARAM, principal: None, context: &Context::new() });
    assert_eq!(d.decision, D);
    assert_eq!(d.matched.len(), 1);
    assert_eq!(d.matched[0].sid.as_deref(), Some("NoSecrets"));
    assert_eq!(d.matched[0].index, 1);
    assert_eq!(d.matched[0].describe(), "AppRead statement \"NoSecrets\"");
}

#[test]
fn wildcards_in_actions_are_case_insensitive_in_resources_case_sensitive() {
    let doc = allow(json!(["EC2:describe*", "s3:Get?bject"]), json!("arn:aws:ec2:us-east-1:123456789012:instance/i-0abc*"));
    assert_eq!(eval(&doc, "ec2:DescribeInstances", "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc123"), A);
    assert_eq!(eval(&doc, "ec2:StartInstances", "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc123"), I);
    assert_eq!(eval(&doc, "ec2:DescribeInstances", "arn:aws:ec2:us-east-1:123456789012:instance/I-0ABC123"), I);
    let s3 = allow(json!("s3:Get?bject"), json!("*"));
    assert_eq!(eval(&s3, "s3:GetObject", "*"), A);
    assert_eq!(eval(&s3, "s3:GetObjectAcl", "*"), I);
    // `*` inside an ARN segment does not reach across colons.
    let seg = allow(json!("ssm:*"), json!("arn:aws:ssm:*:123456789012:parameter/*"));
    assert_eq!(eval(&seg, "ssm:GetParameter", PARAM), A);
    assert_eq!(eval(&seg, "ssm:GetParameter", "arn:aws:ssm:us-east-1:999999999999:parameter/x"), I);
    // A specific resource never matches a request on `*`.
    assert_eq!(eval(&seg, "ssm:DescribeParameters", "*"), I);
    assert!(policy::glob("a*b?c", "axxxbyc", false));
    assert!(!policy::glob("a*b?c", "axxxbc", false));
    assert!(policy::glob("**", "", false));
}

#[test]
fn not_action_and_not_resource() {
    let doc = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "ssm:*", "NotResource": "arn:aws:ssm:us-east-1:123456789012:parameter/public/*"}
    ]});
    assert_eq!(eval(&doc, "ec2:RunInstances", "*"), A);
    assert_eq!(eval(&doc, "iam:CreateRole", "*"), I);
    assert_eq!(eval(&doc, "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/public/motd"), A);
    assert_eq!(eval(&doc, "ssm:GetParameter", PARAM), D);
}

fn cond(op: &str, key: &str, values: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {op: {key: values}}}]})
}

fn ctx(pairs: &[(&str, &[&str])]) -> Context {
    let mut c = Context::new();
    for (k, v) in pairs {
        c.set_many(k, v.iter().map(|s| s.to_string()).collect());
    }
    c
}

#[test]
fn each_condition_operator() {
    type Case<'a> = (&'a str, &'a str, Value, Vec<(&'a str, &'a [&'a str])>, EvalDecision);
    let cases: Vec<Case> = vec![
        ("StringEquals", "aws:username", json!("learner"), vec![("aws:username", &["learner"])], A),
        ("StringEquals", "aws:username", json!("learner"), vec![("aws:username", &["Learner"])], I),
        ("StringEquals", "AWS:USERNAME", json!(["bob", "learner"]), vec![("aws:username", &["learner"])], A),
        ("StringNotEquals", "aws:username", json!("bob"), vec![("aws:username", &["learner"])], A),
        ("StringNotEquals", "aws:username", json!("learner"), vec![("aws:username", &["learner"])], I),
        ("StringEqualsIgnoreCase", "aws:username", json!("LEARNER"), vec![("aws:username", &["learner"])], A),
        ("StringNotEqualsIgnoreCase", "aws:username", json!("LEARNER"), vec![("aws:username", &["learner"])], I),
        ("StringLike", "ec2:InstanceProfile", json!("arn:aws:iam::*:instance-profile/web-*"), vec![("ec2:InstanceProfile", &["arn:aws:iam::123456789012:instance-profile/web-1"])], A),
        ("StringNotLike", "aws:userid", json!("AROA*"), vec![("aws:userid", &["AIDAX"])], A),
        ("StringNotLike", "aws:userid", json!("AROA*"), vec![("aws:userid", &["AROAX:i-1"])], I),
        ("ArnEquals", "aws:PrincipalArn", json!("arn:aws:iam::123456789012:role/web"), vec![("aws:PrincipalArn", &["arn:aws:iam::123456789012:role/web"])], A),
        ("ArnLike", "aws:PrincipalArn", json!("arn:aws:iam::*:role/w*"), vec![("aws:PrincipalArn", &["arn:aws:iam::123456789012:role/web"])], A),
        ("ArnLike", "aws:PrincipalArn", json!("arn:aws:iam::*:role/w*"), vec![("aws:PrincipalArn", &["arn:aws:iam::123456789012:user/web"])], I),
        ("ArnNotEquals", "aws:PrincipalArn", json!("arn:aws:iam::123456789012:role/web"), vec![("aws:PrincipalArn", &["arn:aws:iam::123456789012:role/db"])], A),
        ("ArnNotLike", "aws:PrincipalArn", json!("arn:aws:iam::*:role/*"), vec![("aws:PrincipalArn", &["arn:aws:iam::123456789012:role/db"])], I),
        ("Bool", "aws:SecureTransport", json!("true"), vec![("aws:SecureTransport", &["true"])], A),
        ("Bool", "aws:SecureTransport", json!(false), vec![("aws:SecureTransport", &["true"])], I),
        ("NumericEquals", "s3:max-keys", json!("10"), vec![("s3:max-keys", &["10"])], A),
        ("NumericNotEquals", "s3:max-keys", json!("10"), vec![("s3:max-keys", &["10"])], I),
        ("NumericLessThan", "s3:max-keys", json!(10), vec![("s3:max-keys", &["9"])], A),
        ("NumericLessThan", "s3:max-keys", json!(10), vec![("s3:max-keys", &["10"])], I),
        ("NumericLessThanEquals", "s3:max-keys", json!("10"), vec![("s3:max-keys", &["10"])], A),
        ("NumericGreaterThan", "s3:max-keys", json!("10"), vec![("s3:max-keys", &["10.5"])], A),
        ("NumericGreaterThanEquals", "s3:max-keys", json!("10"), vec![("s3:max-keys", &["9"])], I),
        ("NumericLessThan", "s3:max-keys", json!("10"), vec![("s3:max-keys", &["ten"])], I),
        ("DateLessThan", "aws:CurrentTime", json!("2026-01-06T00:00:00Z"), vec![("aws:CurrentTime", &["2026-01-05T09:00:00Z"])], A),
        ("DateLessThan", "aws:CurrentTime", json!("2026-01-05"), vec![("aws:CurrentTime", &["2026-01-05T09:00:00Z"])], I),
        ("DateGreaterThan", "aws:CurrentTime", json!("1767225600"), vec![("aws:CurrentTime", &["2026-01-05T09:00:00Z"])], A),
        ("DateEquals", "aws:CurrentTime", json!("2026-01-05T09:00:00Z"), vec![("aws:CurrentTime", &["2026-01-05T09:00:00Z"])], A),
        ("DateNotEquals", "aws:CurrentTime", json!("2026-01-05T09:00:00Z"), vec![("aws:CurrentTime", &["2026-01-05T09:00:00Z"])], I),
        ("DateLessThanEquals", "aws:CurrentTime", json!("2026-01-05T09:00:00Z"), vec![("aws:CurrentTime", &["2026-01-05T09:00:00Z"])], A),
        ("DateGreaterThanEquals", "aws:CurrentTime", json!("2026-01-05T09:00:01Z"), vec![("aws:CurrentTime", &["2026-01-05T09:00:00Z"])], I),
        ("IpAddress", "aws:SourceIp", json!("203.0.113.0/24"), vec![("aws:SourceIp", &["203.0.113.10"])], A),
        ("IpAddress", "aws:SourceIp", json!(["10.0.0.0/8", "203.0.113.10"]), vec![("aws:SourceIp", &["203.0.113.10"])], A),
        ("IpAddress", "aws:SourceIp", json!("203.0.113.0/25"), vec![("aws:SourceIp", &["203.0.113.200"])], I),
        ("IpAddress", "aws:SourceIp", json!("2001:db8::/32"), vec![("aws:SourceIp", &["2001:db8::1"])], A),
        ("NotIpAddress", "aws:SourceIp", json!("203.0.113.0/24"), vec![("aws:SourceIp", &["198.51.100.7"])], A),
        ("NotIpAddress", "aws:SourceIp", json!("203.0.113.0/24"), vec![("aws:SourceIp", &["203.0.113.7"])], I),
        ("Null", "ec2:SourceInstanceARN", json!("true"), vec![], A),
        ("Null", "ec2:SourceInstanceARN", json!("false"), vec![], I),
        ("Null", "ec2:SourceInstanceARN", json!("false"), vec![("ec2:SourceInstanceARN", &["arn:aws:ec2:us-east-1:123456789012:instance/i-1"])], A),
        ("BinaryEquals", "k", json!("QmluYXJ5"), vec![("k", &["QmluYXJ5"])], A),
    ];
    for (op, key, values, context, want) in cases {
        let doc = cond(op, key, values.clone());
        assert_eq!(eval_ctx(&doc, "ec2:RunInstances", "*", &ctx(&context)), want, "{op} {key} {values} with {context:?}");
    }
}

#[test]
fn missing_keys_if_exists_and_negated_operators() {
    let empty = Context::new();
    // A positive operator on a missing key fails; a negated one holds; IfExists holds.
    assert_eq!(eval_ctx(&cond("StringEquals", "aws:username", json!("x")), "a:b", "*", &empty), I);
    assert_eq!(eval_ctx(&cond("StringNotEquals", "aws:username", json!("x")), "a:b", "*", &empty), A);
    assert_eq!(eval_ctx(&cond("StringEqualsIfExists", "aws:username", json!("x")), "a:b", "*", &empty), A);
    let c = ctx(&[("aws:username", &["y"])]);
    assert_eq!(eval_ctx(&cond("StringEqualsIfExists", "aws:username", json!("x")), "a:b", "*", &c), I);
    assert_eq!(eval_ctx(&cond("NumericLessThanIfExists", "s3:max-keys", json!("5")), "a:b", "*", &empty), A);
    // The simulator lists the keys it lacked.
    let doc = cond("StringEquals", "aws:username", json!("x"));
    let src = [PolicySource { id: "P".into(), kind: "role", arn: None, document: &doc }];
    let d = policy::evaluate(&src, &Request { action: "a:b", resource: "*", principal: None, context: &empty });
    assert_eq!(d.missing_context, vec!["aws:username".to_string()]);
}

#[test]
fn for_any_value_and_for_all_values() {
    let tags = |v: &[&str]| ctx(&[("aws:TagKeys", v)]);
    let any = cond("ForAnyValue:StringEquals", "aws:TagKeys", json!(["env", "team"]));
    assert_eq!(eval_ctx(&any, "a:b", "*", &tags(&["owner", "env"])), A);
    assert_eq!(eval_ctx(&any, "a:b", "*", &tags(&["owner"])), I);
    assert_eq!(eval_ctx(&any, "a:b", "*", &Context::new()), I);
    let all = cond("ForAllValues:StringEquals", "aws:TagKeys", json!(["env", "team"]));
    assert_eq!(eval_ctx(&all, "a:b", "*", &tags(&["env", "team"])), A);
    assert_eq!(eval_ctx(&all, "a:b", "*", &tags(&["env", "owner"])), I);
    // ForAllValues holds for a missing key (nothing to disagree): the classic trap.
    assert_eq!(eval_ctx(&all, "a:b", "*", &Context::new()), A);
    let any_like = cond("ForAnyValue:StringLike", "aws:TagKeys", json!("t*"));
    assert_eq!(eval_ctx(&any_like, "a:b", "*", &tags(&["x", "team"])), A);
    let all_not = cond("ForAllValues:StringNotLike", "aws:TagKeys", json!("secret*"));
    assert_eq!(eval_ctx(&all_not, "a:b", "*", &tags(&["x", "team"])), A);
    assert_eq!(eval_ctx(&all_not, "a:b", "*", &tags(&["x", "secret-1"])), I);
}

#[test]
fn policy_variables_in_resources() {
    let doc = allow(json!("ssm:GetParameter"), json!("arn:aws:ssm:us-east-1:123456789012:parameter/home/${aws:username}/*"));
    let c = ctx(&[("aws:username", &["learner"])]);
    assert_eq!(eval_ctx(&doc, "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/home/learner/key", &c), A);
    assert_eq!(eval_ctx(&doc, "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/home/bob/key", &c), I);
    assert_eq!(eval_ctx(&doc, "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/home/learner/key", &Context::new()), I);
    // A substituted value is literal text, not a wildcard.
    let star = ctx(&[("aws:username", &["*"])]);
    assert_eq!(eval_ctx(&doc, "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/home/bob/key", &star), I);
    // Version 2008-10-17 documents have no variables: `${…}` is plain text.
    let old = json!({"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/${aws:username}"}]});
    assert_eq!(eval_ctx(&old, "s3:GetObject", "arn:aws:s3:::b/learner", &c), I);
    assert_eq!(eval_ctx(&old, "s3:GetObject", "arn:aws:s3:::b/${aws:username}", &c), A);
}

#[test]
fn statement_positions_follow_the_compact_document() {
    // The example IAM's documentation shows for SimulateCustomPolicy.
    let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}"#;
    let doc: Value = serde_json::from_str(text).unwrap();
    assert_eq!(policy::statement_spans(&doc), vec![((1, 38), (1, 167))]);
}

#[test]
fn malformed_documents() {
    let id = |t: &str| policy::validate(t, Kind::Identity).err();
    let tr = |t: &str| policy::validate(t, Kind::Trust).err();
    let cases: Vec<(Option<String>, &str)> = vec![
        (id("not json"), "Syntax errors in policy."),
        (id("[]"), "Syntax errors in policy."),
        (id(r#"{"Version":"2012-10-17"}"#), "Syntax errors in policy."),
        (id(r#"{"Version":"2012-10-17","Statement":[]}"#), "Syntax errors in policy."),
        (id(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"*","Resource":"*"}]}"#), "Syntax errors in policy."),
        (id(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Extra":1}]}"#), "Syntax errors in policy."),
        (id(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}]}"#), "Syntax errors in policy."),
        (id(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}}]}"#), "Syntax errors in policy."),
        (id(r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#), "Policy document must be version 2012-10-17 or greater."),
        (id(r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#), "Policy document must be version 2012-10-17 or greater."),
        (id(r#"{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}"#), "The policy failed legacy parsing"),
        (
            id(r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]}"#),
            "Statement IDs (SID) in a single policy must be unique.",
        ),
        (id(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#), "Policy statement must contain actions."),
        (id(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*"}]}"#), "Policy statement must contain resources."),
        (id(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:*","Resource":"parameter/x"}]}"#), "Resource parameter/x must be in ARN format or \"*\"."),
        (id(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"getparameter","Resource":"*"}]}"#), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
        (id(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:a:b","Resource":"*"}]}"#), "Actions/Condition can contain only one colon."),
        (id(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s s:Get","Resource":"*"}]}"#), "Vendor s s is not valid"),
        (id(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam:us-east-1:123456789012:role/x"}]}"#), "IAM resource arn:aws:iam:us-east-1:123456789012:role/x cannot contain region information."),
        (
            id(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}"#),
            "Policy document should not specify a principal.",
        ),
        (tr(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"s3:GetObject"}]}"#), policy::msg::TRUST_ACTIONS),
        (tr(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}"#), "Has prohibited field Resource."),
        (tr(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#), "Missing required field Principal."),
        (tr(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.co"},"Action":"sts:AssumeRole"}]}"#), "Invalid principal in policy: \"SERVICE\":\"ec2.amazonaws.co\""),
    ];
    for (got, want) in cases {
        assert_eq!(got.as_deref(), Some(want));
    }
    // Good ones, including every AWS form of values.
    for ok in [
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["ssm:Get*"],"Resource":["arn:aws:ssm:*:*:parameter/a/*"],"Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:max-keys":10},"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*"]}}}}"#,
        r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"","Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:s3:::bucket/*"}]}"#,
    ] {
        assert!(policy::validate(ok, Kind::Identity).is_ok(), "{ok}");
    }
    assert!(policy::validate(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}"#, Kind::Resource).is_ok());
}

#[test]
fn hostile_documents_never_panic() {
    let nasty = [
        "", "{", "null", "1", "\"x\"", "{\"Statement\":null}", "{\"Version\":\"2012-10-17\",\"Statement\":[1,2]}",
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":[null],\"Resource\":\"*\"}}",
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\":::::::::\"}}",
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"arn\"}}",
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"a:b\"}}",
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"arn:aws\"}}",
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":{\"k\":\"9999999999999999999999\"}}}}",
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"k\":\"1.2.3.4/99\"}}}}",
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"arn:aws:s3:::${\"}}",
    ];
    for t in nasty {
        for kind in [Kind::Identity, Kind::Trust, Kind::Resource] {
            let _ = policy::validate(t, kind);
        }
        if let Ok(v) = serde_json::from_str::<Value>(t) {
            let c = ctx(&[("k", &["1.2.3.4"])]);
            let _ = eval_ctx(&v, "a:b", "arn:aws:s3:::x", &c);
            let _ = policy::statement_spans(&v);
        }
    }
}

fn ec2_trust() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
}

fn world_with_role(policies: &[&str], inline: Option<Value>) -> World {
    let mut w = World::new(3);
    let mut r = Role::new("app", "/", "AROAAPPAPPAPPAPPAPPAP".into(), w.now(), ec2_trust());
    r.attached = policies.iter().map(|s| s.to_string()).collect();
    if let Some(doc) = inline {
        r.inline.insert("inline".into(), doc);
    }
    w.iam.roles.insert("app".into(), r);
    w
}

fn session() -> Principal {
    Principal::Role { role: "app".into(), session: "i-0123456789abcdef0".into() }
}

#[test]
fn trust_policies() {
    let w = world_with_role(&[], None);
    let r = w.iam.role("app").unwrap();
    assert!(trust_allows(r, "ec2.amazonaws.com"));
    assert!(!trust_allows(r, "lambda.amazonaws.com"));
    let mut both = r.clone();
    both.trust_policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]}, "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]});
    assert!(trust_allows(&both, "ec2.amazonaws.com"));
    assert!(!trust_allows(&both, "lambda.amazonaws.com"));
    let mut wrong_action = r.clone();
    wrong_action.trust_policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:TagSession"}]});
    assert!(!trust_allows(&wrong_action, "ec2.amazonaws.com"));
    // A user may assume a role whose trust policy names the account.
    let mut account = r.clone();
    account.trust_policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]});
    let user = request_principal("arn:aws:iam::123456789012:user/learner", None);
    let d = trust_decision(&account, &user, &Context::new());
    assert!(d.allowed() && d.matched[0].via_account);
    assert!(!trust_allows(&account, "ec2.amazonaws.com"));
    assert_eq!(
        assume_role_denied("arn:aws:iam::123456789012:user/learner", r).message,
        "User: arn:aws:iam::123456789012:user/learner is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/app"
    );
}

#[test]
fn role_sessions_are_decided_by_their_policies() {
    let w = world_with_role(&["arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"], Some(json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/secret/*"}
    ]})));
    let who = session();
    assert!(authorize(&w, &who, "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/app/name").is_ok());
    let e = authorize(&w, &who, "ssm:PutParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/app/name").unwrap_err();
    assert!(!e.explicit);
    assert_eq!(
        e.message,
        "User: arn:aws:sts::123456789012:assumed-role/app/i-0123456789abcdef0 is not authorized to perform: ssm:PutParameter on resource: arn:aws:ssm:us-east-1:123456789012:parameter/app/name because no identity-based policy allows the ssm:PutParameter action"
    );
    let e = authorize(&w, &who, "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/secret/db").unwrap_err();
    assert!(e.explicit);
    assert!(e.message.ends_with("on resource: arn:aws:ssm:us-east-1:123456789012:parameter/secret/db with an explicit deny in an identity-based policy"));
    // The administrator may do everything; a session of a deleted role nothing.
    assert!(authorize(&w, &Principal::Admin, "iam:DeleteRole", "*").is_ok());
    let ghost = Principal::Role { role: "gone".into(), session: "s".into() };
    assert!(authorize(&w, &ghost, "ssm:GetParameter", "*").is_err());
}

#[test]
fn pass_role_honours_passed_to_service() {
    let pass = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/web-*",
        "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}]});
    let w = world_with_role(&[], Some(pass));
    let who = session();
    assert!(check_pass_role(&w, &Principal::Admin, "arn:aws:iam::123456789012:role/anything", "ec2.amazonaws.com").is_ok());
    assert!(check_pass_role(&w, &who, "arn:aws:iam::123456789012:role/web-1", "ec2.amazonaws.com").is_ok());
    assert!(check_pass_role(&w, &who, "arn:aws:iam::123456789012:role/web-1", "lambda.amazonaws.com").is_err());
    let e = check_pass_role(&w, &who, "arn:aws:iam::123456789012:role/db", "ec2.amazonaws.com").unwrap_err();
    assert!(e.message.contains("is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/db because no identity-based policy allows the iam:PassRole action"));
}

#[test]
fn resource_policies_and_account_delegation() {
    let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let delegating = json!({"Version": "2012-10-17", "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}]});
    let d = evaluate_resource_policy(&delegating, "arn:aws:sts::123456789012:assumed-role/app/i-1", "kms:Decrypt", key, &Context::new());
    assert!(d.allowed() && d.matched[0].via_account);
    // Delegation: the role's own policies decide.
    let w = world_with_role(&[], None);
    let e = authorize_with_resource_policy(&w, &session(), "kms:Decrypt", key, &delegating, &Context::new()).unwrap_err();
    assert!(e.message.ends_with("because no identity-based policy allows the kms:Decrypt action"));
    assert!(authorize_with_resource_policy(&w, &Principal::Admin, "kms:Decrypt", key, &delegating, &Context::new()).is_ok());
    let w2 = world_with_role(&[], Some(allow(json!("kms:Decrypt"), json!(key))));
    assert!(authorize_with_resource_policy(&w2, &session(), "kms:Decrypt", key, &delegating, &Context::new()).is_ok());
    // A key policy naming the role grants by itself (a role ARN matches its sessions).
    let direct = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"}, "Action": "kms:Decrypt", "Resource": "*"}]});
    assert!(authorize_with_resource_policy(&w, &session(), "kms:Decrypt", key, &direct, &Context::new()).is_ok());
    // A key policy naming someone else locks out even the administrator.
    let other = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/other"}, "Action": "kms:*", "Resource": "*"}]});
    let e = authorize_with_resource_policy(&w, &Principal::Admin, "kms:Decrypt", key, &other, &Context::new()).unwrap_err();
    assert_eq!(e.message, format!("User: arn:aws:iam::123456789012:user/learner is not authorized to perform: kms:Decrypt on resource: {key} because no resource-based policy allows the kms:Decrypt action"));
    // An explicit deny in the key policy wins over everything.
    let deny = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"}, "Action": "kms:Decrypt", "Resource": "*"}
    ]});
    let e = authorize_with_resource_policy(&w2, &session(), "kms:Decrypt", key, &deny, &Context::new()).unwrap_err();
    assert!(e.explicit && e.message.ends_with("with an explicit deny in a resource-based policy"));
    // Services as principals.
    let svc = RequestPrincipal::Service("ec2.amazonaws.com".into());
    assert_eq!(request_principal("ec2.amazonaws.com", None), svc);
}

#[test]
fn request_context_for_the_admin_and_for_an_instance_role() {
    let w = world_with_role(&[], None);
    let c = request_context(&w, &Principal::Admin);
    assert_eq!(c.get("aws:SourceIp"), Some(&["203.0.113.10".to_string()][..]));
    assert_eq!(c.get("AWS:USERNAME"), Some(&["learner".to_string()][..]));
    assert_eq!(c.get("aws:CurrentTime"), Some(&["2026-01-05T09:00:00Z".to_string()][..]));
    let c = request_context(&w, &session());
    assert_eq!(c.get("aws:PrincipalArn"), Some(&["arn:aws:iam::123456789012:role/app".to_string()][..]));
    assert_eq!(c.get("aws:userid"), Some(&["AROAAPPAPPAPPAPPAPPAP:i-0123456789abcdef0".to_string()][..]));
    assert!(c.get("aws:username").is_none());
}

#[test]
fn every_call_is_authorized_in_the_service_words() {
    let mut w = world_with_role(&["arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess"], None);
    let who = session();
    // Allowed by AmazonEC2ReadOnlyAccess.
    assert!(api::call_as(&mut w, &who, "ec2", "DescribeInstances", &json!({})).is_ok());
    let e = api::call_as(&mut w, &who, "ec2", "TerminateInstances", &json!({"InstanceIds": ["i-0aaaaaaaaaaaaaaaa"]})).unwrap_err();
    assert_eq!(e.code, "UnauthorizedOperation");
    assert!(e.message.starts_with("You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/app/i-0123456789abcdef0 is not authorized to perform: ec2:TerminateInstances on resource: arn:aws:ec2:us-east-1:123456789012:instance/i-0aaaaaaaaaaaaaaaa because no identity-based policy allows the ec2:TerminateInstances action. Encoded authorization failure message: "));
    // An action without resource-level permissions names no resource.
    let mut bare = world_with_role(&[], None);
    let e = api::call_as(&mut bare, &who, "ec2", "DescribeInstances", &json!({})).unwrap_err();
    assert!(e.message.contains("is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action. Encoded"));
    let e = api::call_as(&mut bare, &who, "ssm", "DescribeParameters", &json!({})).unwrap_err();
    assert!(e.message.contains("ssm:DescribeParameters on resource: arn:aws:ssm:us-east-1:123456789012:* because"));
    // DryRun is authorized too: allowed calls say DryRunOperation, refused ones UnauthorizedOperation.
    let e = api::call_as(&mut w, &who, "ec2", "RunInstances", &json!({"DryRun": true, "ImageId": "ami-1", "MinCount": 1, "MaxCount": 1})).unwrap_err();
    assert_eq!(e.code, "UnauthorizedOperation");
    let e = api::call_as(&mut w, &who, "iam", "GetRole", &json!({"RoleName": "app"})).unwrap_err();
    assert_eq!(e.code, "AccessDenied");
    assert_eq!(e.message, "User: arn:aws:sts::123456789012:assumed-role/app/i-0123456789abcdef0 is not authorized to perform: iam:GetRole on resource: role app because no identity-based policy allows the iam:GetRole action");
    let e = api::call_as(&mut w, &who, "iam", "ListPolicies", &json!({})).unwrap_err();
    assert!(e.message.contains("iam:ListPolicies on resource: policy path / because"));
    let e = api::call_as(&mut w, &who, "ssm", "GetParameter", &json!({"Name": "/app/db"})).unwrap_err();
    assert_eq!(e.code, "AccessDeniedException");
    assert!(e.message.contains("ssm:GetParameter on resource: arn:aws:ssm:us-east-1:123456789012:parameter/app/db because"));
    // GetCallerIdentity is never refused.
    assert!(api::call_as(&mut w, &who, "sts", "GetCallerIdentity", &json!({})).is_ok());
    // The administrator passes.
    assert!(api::call(&mut w, "iam", "GetRole", &json!({"RoleName": "app"})).is_ok());
}

#[test]
fn parameter_arns() {
    assert_eq!(parameter_arn("/app/db/password"), "arn:aws:ssm:us-east-1:123456789012:parameter/app/db/password");
    assert_eq!(parameter_arn("plain"), "arn:aws:ssm:us-east-1:123456789012:parameter/plain");
    assert_eq!(parameter_arn("/app/db:3"), "arn:aws:ssm:us-east-1:123456789012:parameter/app/db");
    assert_eq!(parameter_arn("/app/db:prod"), "arn:aws:ssm:us-east-1:123456789012:parameter/app/db");
    assert_eq!(
        parameter_arn("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"),
        "arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    );
    assert_eq!(parameter_arn("arn:aws:ssm:us-east-1:123456789012:parameter/a/b:2"), "arn:aws:ssm:us-east-1:123456789012:parameter/a/b");
    assert_eq!(parameter_arn("arn:aws:ssm:us-east-1:123456789012:parameter/a/b"), "arn:aws:ssm:us-east-1:123456789012:parameter/a/b");
    assert_eq!(parameter_arn(""), "arn:aws:ssm:us-east-1:123456789012:parameter/");
}

#[test]
fn iam_api_lifecycle_and_errors() {
    let mut w = World::new(9);
    let trust = ec2_trust().to_string();
    let call = |w: &mut World, op: &str, input: Value| api::call(w, "iam", op, &input);
    let r = call(&mut w, "CreateRole", json!({"RoleName": "web", "AssumeRolePolicyDocument": trust})).unwrap();
    assert!(r["Role"]["RoleId"].as_str().unwrap().starts_with("AROA"));
    assert_eq!(r["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"], "ec2.amazonaws.com");
    let e = call(&mut w, "CreateRole", json!({"RoleName": "web", "AssumeRolePolicyDocument": trust})).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.as_str()), ("EntityAlreadyExists", "Role with name web already exists."));
    let e = call(&mut w, "CreateRole", json!({"RoleName": "bad name", "AssumeRolePolicyDocument": trust})).unwrap_err();
    assert_eq!(e.code, "ValidationError");
    let e = call(&mut w, "CreateRole", json!({"RoleName": "x", "AssumeRolePolicyDocument": "{"})).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.as_str()), ("MalformedPolicyDocument", "Syntax errors in policy."));
    let e = call(&mut w, "CreateRole", json!({"RoleName": "x", "AssumeRolePolicyDocument": json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/nobody"}, "Action": "sts:AssumeRole"}]}).to_string()})).unwrap_err();
    assert_eq!(e.message, "Invalid principal in policy: \"AWS\":\"arn:aws:iam::123456789012:role/nobody\"");
    let e = call(&mut w, "GetRole", json!({"RoleName": "nope"})).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.as_str()), ("NoSuchEntity", "The role with name nope cannot be found."));
    let e = call(&mut w, "AttachRolePolicy", json!({"RoleName": "web", "PolicyArn": "arn:aws:iam::aws:policy/Nope"})).unwrap_err();
    assert_eq!(e.message, "Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable.");
    call(&mut w, "AttachRolePolicy", json!({"RoleName": "web", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})).unwrap();
    let e = call(&mut w, "DeleteRole", json!({"RoleName": "web"})).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.as_str()), ("DeleteConflict", "Cannot delete entity, must detach all policies first."));
    call(&mut w, "DetachRolePolicy", json!({"RoleName": "web", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})).unwrap();
    let e = call(&mut w, "DetachRolePolicy", json!({"RoleName": "web", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})).unwrap_err();
    assert_eq!(e.message, "Policy arn:aws:iam::aws:policy/ReadOnlyAccess was not found.");
    let inline = allow(json!("s3:GetObject"), json!("*")).to_string();
    call(&mut w, "PutRolePolicy", json!({"RoleName": "web", "PolicyName": "read", "PolicyDocument": inline})).unwrap();
    let e = call(&mut w, "DeleteRole", json!({"RoleName": "web"})).unwrap_err();
    assert_eq!(e.message, "Cannot delete entity, must delete policies first.");
    call(&mut w, "DeleteRolePolicy", json!({"RoleName": "web", "PolicyName": "read"})).unwrap();
    // Customer managed policies and their five versions.
    let p = call(&mut w, "CreatePolicy", json!({"PolicyName": "p", "PolicyDocument": inline})).unwrap();
    let arn = p["Policy"]["Arn"].as_str().unwrap().to_string();
    assert_eq!(arn, "arn:aws:iam::123456789012:policy/p");
    for i in 2..=5 {
        let v = call(&mut w, "CreatePolicyVersion", json!({"PolicyArn": arn, "PolicyDocument": inline, "SetAsDefault": i == 3})).unwrap();
        assert_eq!(v["PolicyVersion"]["VersionId"], format!("v{i}"));
    }
    let e = call(&mut w, "CreatePolicyVersion", json!({"PolicyArn": arn, "PolicyDocument": inline})).unwrap_err();
    assert_eq!(e.code, "LimitExceeded");
    let e = call(&mut w, "DeletePolicyVersion", json!({"PolicyArn": arn, "VersionId": "v3"})).unwrap_err();
    assert_eq!(e.message, "Cannot delete the default version of a policy.");
    let e = call(&mut w, "DeletePolicy", json!({"PolicyArn": arn})).unwrap_err();
    assert_eq!(e.code, "DeleteConflict");
    for v in ["v1", "v2", "v4", "v5"] {
        call(&mut w, "DeletePolicyVersion", json!({"PolicyArn": arn, "VersionId": v})).unwrap();
    }
    let vs = call(&mut w, "ListPolicyVersions", json!({"PolicyArn": arn})).unwrap();
    assert_eq!(vs["Versions"].as_array().unwrap().len(), 1);
    call(&mut w, "DeletePolicy", json!({"PolicyArn": arn})).unwrap();
    // Instance profiles: one role each.
    call(&mut w, "CreateInstanceProfile", json!({"InstanceProfileName": "web"})).unwrap();
    call(&mut w, "CreateRole", json!({"RoleName": "other", "AssumeRolePolicyDocument": trust})).unwrap();
    call(&mut w, "AddRoleToInstanceProfile", json!({"InstanceProfileName": "web", "RoleName": "web"})).unwrap();
    let e = call(&mut w, "AddRoleToInstanceProfile", json!({"InstanceProfileName": "web", "RoleName": "other"})).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.as_str()), ("LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"));
    let e = call(&mut w, "DeleteInstanceProfile", json!({"InstanceProfileName": "web"})).unwrap_err();
    assert_eq!(e.message, "Cannot delete entity, must remove roles from instance profile first.");
    let e = call(&mut w, "DeleteRole", json!({"RoleName": "web"})).unwrap_err();
    assert_eq!(e.message, "Cannot delete entity, must remove roles from instance profile first.");
    let listed = call(&mut w, "ListInstanceProfilesForRole", json!({"RoleName": "web"})).unwrap();
    assert_eq!(listed["InstanceProfiles"][0]["InstanceProfileName"], "web");
    call(&mut w, "RemoveRoleFromInstanceProfile", json!({"InstanceProfileName": "web", "RoleName": "web"})).unwrap();
    call(&mut w, "DeleteInstanceProfile", json!({"InstanceProfileName": "web"})).unwrap();
    call(&mut w, "DeleteRole", json!({"RoleName": "web"})).unwrap();
    let e = call(&mut w, "GetInstanceProfile", json!({"InstanceProfileName": "web"})).unwrap_err();
    assert_eq!(e.message, "Instance Profile web cannot be found.");
    // Paging.
    for n in ["a", "b", "c"] {
        call(&mut w, "CreateRole", json!({"RoleName": n, "AssumeRolePolicyDocument": trust})).unwrap();
    }
    let page = call(&mut w, "ListRoles", json!({"MaxItems": 2})).unwrap();
    assert_eq!(page["Roles"].as_array().unwrap().len(), 2);
    assert_eq!(page["IsTruncated"], true);
    let rest = call(&mut w, "ListRoles", json!({"MaxItems": 2, "Marker": page["Marker"]})).unwrap();
    assert_eq!(rest["Roles"].as_array().unwrap().len(), 2);
    assert_eq!(rest["IsTruncated"], false);
}

#[test]
fn simulator_reports_the_deciding_statements() {
    let mut w = World::new(4);
    let trust = ec2_trust().to_string();
    api::call(&mut w, "iam", "CreateRole", &json!({"RoleName": "r", "AssumeRolePolicyDocument": trust})).unwrap();
    api::call(&mut w, "iam", "AttachRolePolicy", &json!({"RoleName": "r", "PolicyArn": "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"})).unwrap();
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoLogs","Effect":"Deny","Action":"logs:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;
    api::call(&mut w, "iam", "PutRolePolicy", &json!({"RoleName": "r", "PolicyName": "guard", "PolicyDocument": deny})).unwrap();
    let out = api::call(
        &mut w,
        "iam",
        "SimulatePrincipalPolicy",
        &json!({
            "PolicySourceArn": "arn:aws:iam::123456789012:role/r",
            "ActionNames": ["ssm:GetParameter", "logs:PutLogEvents"],
            "ResourceArns": ["arn:aws:ssm:us-east-1:123456789012:parameter/AmazonCloudWatch-linux"],
            "ContextEntries": [{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"], "ContextKeyType": "ip"}]
        }),
    )
    .unwrap();
    let r = out["EvaluationResults"].as_array().unwrap();
    assert_eq!(r[0]["EvalDecision"], "allowed");
    assert_eq!(r[0]["MatchedStatements"][0]["SourcePolicyId"], "CloudWatchAgentServerPolicy");
    assert_eq!(r[0]["MatchedStatements"][0]["SourcePolicyType"], "aws-managed");
    assert_eq!(r[1]["EvalDecision"], "explicitDeny");
    assert_eq!(r[1]["MatchedStatements"][0]["SourcePolicyId"], "guard");
    assert_eq!(r[1]["MatchedStatements"][0]["SourcePolicyType"], "role");
    let custom = api::call(
        &mut w,
        "iam",
        "SimulateCustomPolicy",
        &json!({"PolicyInputList": [r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}"#],
                "ActionNames": ["dynamodb:CreateBackup"],
                "ContextEntries": [{"ContextKeyName": "aws:CurrentTime", "ContextKeyValues": ["2019-04-25T11:00:00Z"], "ContextKeyType": "date"}]}),
    )
    .unwrap();
    assert_eq!(
        custom,
        json!({"EvaluationResults": [{"EvalActionName": "dynamodb:CreateBackup", "EvalResourceName": "*", "EvalDecision": "allowed",
            "MatchedStatements": [{"SourcePolicyId": "PolicyInputList.1", "StartPosition": {"Line": 1, "Column": 38}, "EndPosition": {"Line": 1, "Column": 167}}],
            "MissingContextValues": []}]})
    );
}

#[test]
fn kms_calls_are_decided_by_key_policy_and_role_policies() {
    let mut w = World::new(6);
    let key = api::call(&mut w, "kms", "CreateKey", &json!({})).unwrap()["KeyMetadata"]["Arn"].as_str().unwrap().to_string();
    let inline = allow(json!(["kms:Encrypt", "kms:Decrypt"]), json!(key));
    let mut r = Role::new("app", "/", "AROAAPPAPPAPPAPPAPPAP".into(), w.now(), ec2_trust());
    r.inline.insert("use-key".into(), inline);
    w.iam.roles.insert("app".into(), r);
    let who = session();
    // The default key policy delegates to the account: the role's policy on the key's ARN decides.
    let out = api::call_as(&mut w, &who, "kms", "Encrypt", &json!({"KeyId": key, "Plaintext": "aGVsbG8="})).unwrap();
    let blob = out["CiphertextBlob"].as_str().unwrap().to_string();
    assert!(api::call_as(&mut w, &who, "kms", "Decrypt", &json!({"CiphertextBlob": blob})).is_ok());
    let e = api::call_as(&mut w, &who, "kms", "DescribeKey", &json!({"KeyId": key})).unwrap_err();
    assert_eq!(e.code, "AccessDeniedException");
    assert!(e.message.contains(&format!("kms:DescribeKey on resource: {key} because no identity-based policy allows the kms:DescribeKey action")), "{}", e.message);
    let e = api::call_as(&mut w, &who, "kms", "ListKeys", &json!({})).unwrap_err();
    assert!(e.message.ends_with("is not authorized to perform: kms:ListKeys because no identity-based policy allows the kms:ListKeys action"), "{}", e.message);
}
