//! Parameter Store and KMS behaviour, case by case after moto's `tests/test_ssm/test_ssm.py`
//! (by path with recursion and filters, labels, versions, history, invalid names, selectors,
//! pagination, delete-parameters, tiers and policies) and `tests/test_kms`.

use crate::api::{self, ApiError, Caller};
use crate::clock::{DAY, HOUR};
use crate::world::World;
use serde_json::{json, Value};

fn call(w: &mut World, service: &str, op: &str, input: Value) -> Result<Value, ApiError> {
    api::call(w, service, op, &input)
}

fn ssm(w: &mut World, op: &str, input: Value) -> Value {
    call(w, "ssm", op, input.clone()).unwrap_or_else(|e| panic!("{op} {input}: {e:?}"))
}

fn ssm_err(w: &mut World, op: &str, input: Value) -> ApiError {
    call(w, "ssm", op, input.clone()).expect_err(&format!("{op} {input} should fail"))
}

fn put(w: &mut World, name: &str, value: &str, ptype: &str) -> Value {
    ssm(w, "PutParameter", json!({"Name": name, "Value": value, "Type": ptype}))
}

fn names(v: &Value) -> Vec<String> {
    let mut n: Vec<String> = v["Parameters"].as_array().unwrap().iter().map(|p| p["Name"].as_str().unwrap().to_string()).collect();
    n.sort();
    n
}

fn by_path_fixture(w: &mut World) {
    put(w, "/foo/name1", "value1", "String");
    put(w, "/foo/name2", "value2", "String");
    put(w, "/bar/name3", "value3", "String");
    put(w, "/bar/name3/name4", "value4", "String");
    ssm(w, "PutParameter", json!({"Name": "/baz/name1", "Value": "value1,value2,value3", "Type": "StringList", "Description": "A test parameter (list)"}));
    put(w, "/baz/name2", "value1", "String");
    ssm(w, "PutParameter", json!({"Name": "/baz/pwd", "Value": "my_secret", "Type": "SecureString", "KeyId": "alias/aws/ssm"}));
    put(w, "foo", "bar", "String");
    put(w, "baz", "qux", "String");
}

#[test]
fn put_get_and_already_exists() {
    let mut w = World::new(1);
    let r = ssm(&mut w, "PutParameter", json!({"Name": "test", "Description": "A test parameter", "Value": "value", "Type": "String"}));
    assert_eq!(r, json!({"Version": 1, "Tier": "Standard"}));
    let p = ssm(&mut w, "GetParameter", json!({"Name": "test"}))["Parameter"].clone();
    assert_eq!(p["Value"], "value");
    assert_eq!(p["Type"], "String");
    assert_eq!(p["DataType"], "text");
    assert_eq!(p["ARN"], "arn:aws:ssm:us-east-1:123456789012:parameter/test");
    assert_eq!(p["LastModifiedDate"], "2026-01-05T09:00:00.000Z");
    let e = ssm_err(&mut w, "PutParameter", json!({"Name": "test", "Value": "value 2", "Type": "String"}));
    assert_eq!(e.code, "ParameterAlreadyExists");
    assert_eq!(e.message, "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
    // Tags and overwrite together are refused; overwrite keeps the description and type.
    let e = ssm_err(&mut w, "PutParameter", json!({"Name": "test", "Value": "v", "Overwrite": true, "Tags": [{"Key": "a", "Value": "b"}]}));
    assert_eq!(e.code, "ValidationException");
    w.advance(1000);
    assert_eq!(ssm(&mut w, "PutParameter", json!({"Name": "test", "Value": "value 3", "Overwrite": true}))["Version"], 2);
    let d = ssm(&mut w, "DescribeParameters", json!({}))["Parameters"][0].clone();
    assert_eq!(d["Description"], "A test parameter");
    assert_eq!(d["Type"], "String");
    assert_eq!(d["LastModifiedUser"], "arn:aws:iam::123456789012:user/learner");
    assert_eq!(d["LastModifiedDate"], "2026-01-05T09:00:01.000Z");
    // A missing type on creation, a bad type, an empty value.
    assert_eq!(ssm_err(&mut w, "PutParameter", json!({"Name": "n", "Value": "v"})).message, "A parameter type is required when you create a parameter.");
    assert_eq!(
        ssm_err(&mut w, "PutParameter", json!({"Name": "n", "Value": "v", "Type": "str"})).message,
        "1 validation error detected: Value 'str' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]"
    );
    assert!(ssm_err(&mut w, "PutParameter", json!({"Name": "n", "Value": "", "Type": "String"})).message.contains("Value '' at 'value'"));
    // Changing the type of an existing parameter.
    assert_eq!(ssm_err(&mut w, "PutParameter", json!({"Name": "test", "Value": "v", "Type": "SecureString", "Overwrite": true})).code, "HierarchyTypeMismatchException");
}

#[test]
fn leading_slash_names_are_one_parameter() {
    let mut w = World::new(1);
    put(&mut w, "/with-slash", "a", "String");
    put(&mut w, "without-slash", "b", "String");
    let a = ssm(&mut w, "GetParameter", json!({"Name": "with-slash"}))["Parameter"].clone();
    assert_eq!(a["Name"], "/with-slash");
    assert_eq!(a["ARN"], "arn:aws:ssm:us-east-1:123456789012:parameter/with-slash");
    assert_eq!(ssm(&mut w, "GetParameter", json!({"Name": "/without-slash"}))["Parameter"]["Value"], "b");
    // By ARN too.
    let by_arn = ssm(&mut w, "GetParameter", json!({"Name": "arn:aws:ssm:us-east-1:123456789012:parameter/with-slash"}));
    assert_eq!(by_arn["Parameter"]["Value"], "a");
    assert_eq!(ssm_err(&mut w, "PutParameter", json!({"Name": "with-slash", "Value": "x", "Type": "String"})).code, "ParameterAlreadyExists");
    ssm(&mut w, "DeleteParameter", json!({"Name": "with-slash"}));
    assert_eq!(ssm(&mut w, "GetParameters", json!({"Names": ["/with-slash"]}))["InvalidParameters"], json!(["/with-slash"]));
}

#[test]
fn invalid_names() {
    let mut w = World::new(1);
    let prefix = "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive).";
    for n in ["ssm_test", "SSM_TEST", "aws_test", "AWS_TEST"] {
        let e = ssm_err(&mut w, "PutParameter", json!({"Name": n, "Value": "v", "Type": "String"}));
        assert_eq!((e.code.as_str(), e.message.as_str()), ("ValidationException", prefix), "{n}");
    }
    for n in ["/ssm_test/path/to/var", "/SSM/PATH/TO/VAR"] {
        let e = ssm_err(&mut w, "PutParameter", json!({"Name": n, "Value": "v", "Type": "String"}));
        assert!(e.message.starts_with("Parameter name: can't be prefixed with \"ssm\" (case-insensitive). If formed as a path"), "{n}");
    }
    for n in ["/aws_test/path/to/var", "/AWS/PATH/TO/VAR"] {
        let e = ssm_err(&mut w, "PutParameter", json!({"Name": n, "Value": "v", "Type": "String"}));
        assert_eq!(e.code, "AccessDeniedException");
        assert_eq!(e.message, format!("No access to reserved parameter name: {n}."));
    }
    assert_eq!(ssm_err(&mut w, "PutParameter", json!({"Name": "a/b", "Value": "v", "Type": "String"})).message, "Parameter name must be a fully qualified name.");
    assert!(ssm_err(&mut w, "PutParameter", json!({"Name": "/a b", "Value": "v", "Type": "String"})).message.contains("a mix of letters, numbers and the following 3 symbols .-_"));
    assert_eq!(ssm_err(&mut w, "PutParameter", json!({"Name": "/a//b", "Value": "v", "Type": "String"})).code, "ValidationException");
    // 15 levels are fine, 16 are not.
    let fifteen: String = (0..15).map(|i| format!("/l{i}")).collect();
    put(&mut w, &fifteen, "v", "String");
    let e = ssm_err(&mut w, "PutParameter", json!({"Name": format!("{fifteen}/l15"), "Value": "v", "Type": "String"}));
    assert_eq!(e.code, "HierarchyLevelLimitExceededException");
    // 1011 characters counting the 45-character ARN prefix.
    let ok = format!("/{}", "a".repeat(1011 - 45));
    put(&mut w, &ok, "v", "String");
    let long = format!("/{}", "a".repeat(1011 - 44));
    assert_eq!(ssm_err(&mut w, "PutParameter", json!({"Name": long, "Value": "v", "Type": "String"})).code, "ValidationException");
}

#[test]
fn get_parameters_by_path() {
    let mut w = World::new(1);
    by_path_fixture(&mut w);
    let r = ssm(&mut w, "GetParametersByPath", json!({"Path": "/", "Recursive": false}));
    assert_eq!(names(&r), ["baz", "foo"]);
    let arns: Vec<&str> = r["Parameters"].as_array().unwrap().iter().map(|p| p["ARN"].as_str().unwrap()).collect();
    assert!(arns.contains(&"arn:aws:ssm:us-east-1:123456789012:parameter/foo"));
    // Pages of 10 at most: the API answers 9 at once here.
    assert_eq!(ssm(&mut w, "GetParametersByPath", json!({"Path": "/", "Recursive": true}))["Parameters"].as_array().unwrap().len(), 9);
    assert_eq!(names(&ssm(&mut w, "GetParametersByPath", json!({"Path": "/foo"}))), ["/foo/name1", "/foo/name2"]);
    assert_eq!(names(&ssm(&mut w, "GetParametersByPath", json!({"Path": "/bar", "Recursive": false}))), ["/bar/name3"]);
    assert_eq!(names(&ssm(&mut w, "GetParametersByPath", json!({"Path": "/bar/", "Recursive": true}))), ["/bar/name3", "/bar/name3/name4"]);
    assert_eq!(ssm(&mut w, "GetParametersByPath", json!({"Path": "/baz"}))["Parameters"].as_array().unwrap().len(), 3);
    let f = |key: &str, opt: Option<&str>, vals: &[&str]| {
        let mut o = json!({"Key": key, "Values": vals});
        if let Some(x) = opt {
            o["Option"] = json!(x);
        }
        json!([o])
    };
    assert_eq!(names(&ssm(&mut w, "GetParametersByPath", json!({"Path": "/baz", "ParameterFilters": f("Type", Some("Equals"), &["StringList"])}))), ["/baz/name1"]);
    assert_eq!(names(&ssm(&mut w, "GetParametersByPath", json!({"Path": "/baz", "ParameterFilters": f("Type", None, &["StringList"])}))), ["/baz/name1"]);
    assert_eq!(
        names(&ssm(&mut w, "GetParametersByPath", json!({"Path": "/baz", "ParameterFilters": f("Type", None, &["String", "SecureString"])}))),
        ["/baz/name2", "/baz/pwd"]
    );
    assert_eq!(
        names(&ssm(&mut w, "GetParametersByPath", json!({"Path": "/baz", "ParameterFilters": f("Type", Some("BeginsWith"), &["String"])}))),
        ["/baz/name1", "/baz/name2"]
    );
    assert_eq!(names(&ssm(&mut w, "GetParametersByPath", json!({"Path": "/baz", "ParameterFilters": f("KeyId", None, &["alias/aws/ssm"])}))), ["/baz/pwd"]);
    // Pagination: MaxResults and NextToken.
    let p1 = ssm(&mut w, "GetParametersByPath", json!({"Path": "/", "Recursive": true, "MaxResults": 4}));
    assert_eq!(p1["Parameters"].as_array().unwrap().len(), 4);
    let t1 = p1["NextToken"].as_str().unwrap().to_string();
    let p2 = ssm(&mut w, "GetParametersByPath", json!({"Path": "/", "Recursive": true, "MaxResults": 4, "NextToken": t1}));
    assert_eq!(p2["Parameters"].as_array().unwrap().len(), 4);
    let p3 = ssm(&mut w, "GetParametersByPath", json!({"Path": "/", "Recursive": true, "MaxResults": 4, "NextToken": p2["NextToken"]}));
    assert_eq!(p3["Parameters"].as_array().unwrap().len(), 1);
    assert!(p3.get("NextToken").is_none());
    let mut all = names(&p1);
    all.extend(names(&p2));
    all.extend(names(&p3));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 9, "the pages cover every parameter once");
    assert_eq!(ssm_err(&mut w, "GetParametersByPath", json!({"Path": "/", "NextToken": "garbage"})).code, "InvalidNextToken");
    // Invalid filter keys and sizes.
    for key in ["Name", "Path", "Tier"] {
        let e = ssm_err(&mut w, "GetParametersByPath", json!({"Path": "/baz", "ParameterFilters": f(key, None, &["x"])}));
        assert_eq!(e.message, format!("The following filter key is not valid: {key}. Valid filter keys include: [Type, KeyId]."));
    }
    assert_eq!(
        ssm_err(&mut w, "GetParametersByPath", json!({"Path": "/", "MaxResults": 23})).message,
        "1 validation error detected: Value 23 at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10"
    );
    // A Label filter answers with the labelled version.
    ssm(&mut w, "LabelParameterVersion", json!({"Name": "/foo/name2", "Labels": ["Label1"]}));
    ssm(&mut w, "PutParameter", json!({"Name": "/foo/name2", "Value": "newer", "Overwrite": true}));
    let r = ssm(&mut w, "GetParametersByPath", json!({"Path": "/foo", "ParameterFilters": f("Label", None, &["Label1"])}));
    assert_eq!(names(&r), ["/foo/name2"]);
    assert_eq!(r["Parameters"][0]["Value"], "value2");
    assert_eq!(r["Parameters"][0]["Version"], 1);
    // A path must start with a slash.
    assert_eq!(ssm_err(&mut w, "GetParametersByPath", json!({"Path": "foo"})).code, "ValidationException");
}

#[test]
fn public_parameters_still_answer() {
    let mut w = World::new(1);
    let name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
    let p = ssm(&mut w, "GetParameter", json!({"Name": name}))["Parameter"].clone();
    assert_eq!(p["Value"], "ami-025ada3602fe955f8");
    assert_eq!(p["ARN"], format!("arn:aws:ssm:us-east-1::parameter{name}"));
    assert_eq!(ssm(&mut w, "GetParameter", json!({"Name": format!("{name}:1")}))["Parameter"]["Selector"], ":1");
    assert_eq!(ssm_err(&mut w, "GetParameter", json!({"Name": format!("{name}:2")})).code, "ParameterVersionNotFound");
    let r = ssm(&mut w, "GetParametersByPath", json!({"Path": "/aws/service/ami-amazon-linux-latest"}));
    assert!(r["Parameters"].as_array().unwrap().len() >= 10);
    // They are not the account's: DescribeParameters does not list them.
    assert_eq!(ssm(&mut w, "DescribeParameters", json!({}))["Parameters"], json!([]));
}

#[test]
fn selectors_versions_and_labels() {
    let mut w = World::new(1);
    put(&mut w, "test-1", "value", "String");
    put(&mut w, "test-2", "value", "String");
    ssm(&mut w, "LabelParameterVersion", json!({"Name": "test-2", "ParameterVersion": 1, "Labels": ["test-label"]}));
    let p = ssm(&mut w, "GetParameter", json!({"Name": "test-1:1"}))["Parameter"].clone();
    assert_eq!((p["Name"].as_str(), p["Selector"].as_str()), (Some("test-1"), Some(":1")));
    let p = ssm(&mut w, "GetParameter", json!({"Name": "test-2:test-label"}))["Parameter"].clone();
    assert_eq!((p["Name"].as_str(), p["Selector"].as_str(), p["Version"].as_u64()), (Some("test-2"), Some(":test-label"), Some(1)));
    let e = ssm_err(&mut w, "GetParameter", json!({"Name": "test-2:2"}));
    assert_eq!((e.code.as_str(), e.message.as_str()), ("ParameterVersionNotFound", "Systems Manager could not find version 2 of test-2. Verify the version and try again."));
    assert_eq!(ssm_err(&mut w, "GetParameter", json!({"Name": "test-2:2:3"})).code, "ParameterNotFound");
    assert_eq!(ssm_err(&mut w, "GetParameter", json!({"Name": "test-3:2"})).code, "ParameterNotFound");
    // GetParameters lists the misses, once each.
    for i in 0..4 {
        ssm(&mut w, "PutParameter", json!({"Name": "test-param", "Value": format!("value-{}", i + 1), "Type": "String", "Overwrite": true}));
    }
    ssm(&mut w, "LabelParameterVersion", json!({"Name": "test-param", "ParameterVersion": 1, "Labels": ["test-label"]}));
    let r = ssm(&mut w, "GetParameters", json!({"Names": ["test-param:test-label", "test-param:invalid-label", "test-param", "test-param:2", "test-param:9", "test-param"]}));
    assert_eq!(r["InvalidParameters"], json!(["test-param:invalid-label", "test-param:9"]));
    assert_eq!(r["Parameters"].as_array().unwrap().len(), 3);
    assert_eq!(r["Parameters"][0]["Value"], "value-1");
    assert_eq!(r["Parameters"][2]["Value"], "value-2");
    let eleven: Vec<String> = (0..11).map(|i| format!("p{i}")).collect();
    assert!(ssm_err(&mut w, "GetParameters", json!({"Names": eleven})).message.contains("Member must have length less than or equal to 10."));
}

#[test]
fn labels_move_and_are_checked() {
    let mut w = World::new(1);
    for i in 0..3 {
        ssm(&mut w, "PutParameter", json!({"Name": "test", "Value": format!("value-{i}"), "Type": "String", "Overwrite": true, "Description": format!("A test parameter version {i}")}));
    }
    let r = ssm(&mut w, "LabelParameterVersion", json!({"Name": "test", "ParameterVersion": 1, "Labels": ["test-label1", "test-label2", "test-label3"]}));
    assert_eq!(r, json!({"InvalidLabels": [], "ParameterVersion": 1}));
    ssm(&mut w, "LabelParameterVersion", json!({"Name": "test", "ParameterVersion": 2, "Labels": ["test-label2", "test-label3"]}));
    let h = ssm(&mut w, "GetParameterHistory", json!({"Name": "test"}));
    let labels: Vec<Value> = h["Parameters"].as_array().unwrap().iter().map(|p| p["Labels"].clone()).collect();
    assert_eq!(labels, vec![json!(["test-label1"]), json!(["test-label2", "test-label3"]), json!([])]);
    assert_eq!(h["Parameters"][1]["Description"], "A test parameter version 1");
    // Without a version, the latest.
    assert_eq!(ssm(&mut w, "LabelParameterVersion", json!({"Name": "test", "Labels": ["latest"]}))["ParameterVersion"], 3);
    // Invalid labels come back; too long is an error.
    for bad in ["awsabc", "ssmabc", "9abc", "abc/123"] {
        let r = ssm(&mut w, "LabelParameterVersion", json!({"Name": "test", "ParameterVersion": 1, "Labels": [bad]}));
        assert_eq!(r["InvalidLabels"], json!([bad]));
    }
    let long = "a".repeat(101);
    assert!(ssm_err(&mut w, "LabelParameterVersion", json!({"Name": "test", "ParameterVersion": 1, "Labels": [long]})).message.contains("less than or equal to 100"));
    // Ten per version.
    let five: Vec<String> = (1..=5).map(|i| format!("l{i}")).collect();
    ssm(&mut w, "LabelParameterVersion", json!({"Name": "test", "ParameterVersion": 2, "Labels": five}));
    let more: Vec<String> = (6..=9).map(|i| format!("l{i}")).collect();
    let e = ssm_err(&mut w, "LabelParameterVersion", json!({"Name": "test", "ParameterVersion": 2, "Labels": more}));
    assert_eq!(e.code, "ParameterVersionLabelLimitExceeded");
    // Unknown parameter and version.
    assert_eq!(ssm_err(&mut w, "LabelParameterVersion", json!({"Name": "nope", "Labels": ["x"]})).message, "Parameter nope not found.");
    assert_eq!(
        ssm_err(&mut w, "LabelParameterVersion", json!({"Name": "test", "ParameterVersion": 5, "Labels": ["x"]})).message,
        "Systems Manager could not find version 5 of test. Verify the version and try again."
    );
    // Unlabel.
    let r = ssm(&mut w, "UnlabelParameterVersion", json!({"Name": "test", "ParameterVersion": 1, "Labels": ["test-label1", "nope"]}));
    assert_eq!(r, json!({"RemovedLabels": ["test-label1"], "InvalidLabels": ["nope"]}));
    assert_eq!(ssm_err(&mut w, "UnlabelParameterVersion", json!({"Name": "test", "ParameterVersion": 999, "Labels": ["x"]})).code, "ParameterVersionNotFound");
    assert_eq!(ssm_err(&mut w, "UnlabelParameterVersion", json!({"Name": "/x", "ParameterVersion": 1, "Labels": ["x"]})).code, "ParameterNotFound");
}

#[test]
fn hundred_versions() {
    let mut w = World::new(1);
    for i in 0..101 {
        ssm(&mut w, "PutParameter", json!({"Name": "test-param", "Value": format!("value-{}", i + 1), "Type": "String", "Overwrite": true}));
    }
    let first = ssm(&mut w, "GetParameterHistory", json!({"Name": "test-param"}));
    assert_eq!(first["Parameters"].as_array().unwrap().len(), 50);
    assert_eq!(first["Parameters"][0]["Value"], "value-2", "version 1 was dropped");
    let second = ssm(&mut w, "GetParameterHistory", json!({"Name": "test-param", "NextToken": first["NextToken"]}));
    assert_eq!(second["Parameters"].as_array().unwrap().len(), 50);
    assert!(second.get("NextToken").is_none());
    assert_eq!(second["Parameters"][49]["Value"], "value-101");
    assert_eq!(
        ssm_err(&mut w, "GetParameterHistory", json!({"Name": "test-param", "MaxResults": 51})).message,
        "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50."
    );
    assert_eq!(ssm_err(&mut w, "GetParameterHistory", json!({"Name": "nope"})).message, "Parameter nope not found.");
    // A label on the oldest version blocks the 101st.
    ssm(&mut w, "LabelParameterVersion", json!({"Name": "test-param", "ParameterVersion": 2, "Labels": ["keep"]}));
    let e = ssm_err(&mut w, "PutParameter", json!({"Name": "test-param", "Value": "new", "Overwrite": true}));
    assert_eq!(e.code, "ParameterMaxVersionLimitExceeded");
    assert!(e.message.contains("test-param") && e.message.contains("Version 2, the oldest version, can't be deleted because it has a label"));
}

#[test]
fn describe_parameters_filters_and_paging() {
    let mut w = World::new(1);
    for i in 0..50 {
        let mut p = json!({"Name": format!("param-{i}"), "Value": format!("value-{i}"), "Type": "String"});
        if i % 5 == 0 {
            p["Type"] = json!("SecureString");
            p["KeyId"] = json!("alias/aws/ssm");
        }
        ssm(&mut w, "PutParameter", p);
    }
    let r = ssm(&mut w, "DescribeParameters", json!({}));
    assert_eq!(r["Parameters"].as_array().unwrap().len(), 10);
    let mut total = 10;
    let mut token = r["NextToken"].clone();
    while token.is_string() {
        let r = ssm(&mut w, "DescribeParameters", json!({"NextToken": token}));
        total += r["Parameters"].as_array().unwrap().len();
        token = r.get("NextToken").cloned().unwrap_or(Value::Null);
    }
    assert_eq!(total, 50);
    assert_eq!(names(&ssm(&mut w, "DescribeParameters", json!({"Filters": [{"Key": "Name", "Values": ["param-22"]}]}))), ["param-22"]);
    assert_eq!(ssm(&mut w, "DescribeParameters", json!({"Filters": [{"Key": "Type", "Values": ["SecureString"]}], "MaxResults": 50}))["Parameters"].as_array().unwrap().len(), 10);
    let e = ssm_err(&mut w, "DescribeParameters", json!({"Filters": [{"Key": "Name", "Values": ["a"]}], "ParameterFilters": [{"Key": "Name", "Values": ["a"]}]}));
    assert_eq!(e.message, "You can use either Filters or ParameterFilters in a single request.");

    let mut w = World::new(1);
    put(&mut w, "/foo/name1", "value1", "String");
    put(&mut w, "/foo/name2", "value2", "String");
    put(&mut w, "/bar/name3", "value3", "String");
    put(&mut w, "/bar/name3/name4", "value4", "String");
    put(&mut w, "foo", "bar", "String");
    let pf = |f: Value| ssm(&mut World::clone(&w), "DescribeParameters", json!({"ParameterFilters": f}));
    assert_eq!(names(&pf(json!([{"Key": "Path", "Values": ["/fo"]}]))), Vec::<String>::new());
    assert_eq!(names(&pf(json!([{"Key": "Path", "Values": ["/"]}]))), ["foo"]);
    assert_eq!(names(&pf(json!([{"Key": "Path", "Values": ["/", "/foo"]}]))), ["/foo/name1", "/foo/name2", "foo"]);
    assert_eq!(names(&pf(json!([{"Key": "Path", "Values": ["/foo/"]}]))), ["/foo/name1", "/foo/name2"]);
    assert_eq!(names(&pf(json!([{"Key": "Path", "Option": "OneLevel", "Values": ["/bar/name3"]}]))), ["/bar/name3/name4"]);
    assert_eq!(pf(json!([{"Key": "Path", "Option": "Recursive", "Values": ["/"]}]))["Parameters"].as_array().unwrap().len(), 5);
    assert_eq!(names(&pf(json!([{"Key": "Path", "Option": "Recursive", "Values": ["/foo", "/bar"]}]))), ["/bar/name3", "/bar/name3/name4", "/foo/name1", "/foo/name2"]);
    assert_eq!(names(&pf(json!([{"Key": "Name", "Values": ["/foo"]}]))), ["foo"]);
    assert_eq!(names(&pf(json!([{"Key": "Name", "Option": "BeginsWith", "Values": ["/foo"]}]))), ["/foo/name1", "/foo/name2", "foo"]);
    assert_eq!(names(&pf(json!([{"Key": "Name", "Option": "Contains", "Values": ["name3"]}]))), ["/bar/name3", "/bar/name3/name4"]);
    assert_eq!(pf(json!([{"Key": "Tier", "Values": ["Standard"]}]))["Parameters"].as_array().unwrap().len(), 5);
    assert_eq!(pf(json!([{"Key": "DataType", "Values": ["text"]}]))["Parameters"].as_array().unwrap().len(), 5);
    // Invalid ParameterFilters, with moto's messages.
    let cases: &[(Value, &str)] = &[
        (json!([{"Key": "key"}]), "Member must satisfy regular expression pattern: tag:.+|Name|Type|KeyId|Path|Label|Tier"),
        (json!([{"Key": format!("tag:{}", "t".repeat(129))}]), "Member must have length less than or equal to 132"),
        (json!([{"Key": "Name", "Option": "over 10 chars"}]), "Member must have length less than or equal to 10"),
        (json!([{"Key": "Name", "Values": vec!["test"; 51]}]), "Member must have length less than or equal to 50"),
        (json!([{"Key": "Name", "Option": "over 10 chars"}, {"Key": "key"}]), "2 validation errors detected:"),
        (json!([{"Key": "Label", "Values": ["x"]}]), "The following filter key is not valid: Label. Valid filter keys include: [Path, Name, Type, KeyId, Tier]"),
        (json!([{"Key": "Name"}]), "The following filter values are missing : null for filter key Name"),
        (json!([{"Key": "Name", "Values": ["test"]}, {"Key": "Name", "Values": ["test test"]}]), "The following filter is duplicated in the request: Name."),
        (json!([{"Key": "Path", "Values": ["/aws", "/ssm"]}]), "Filters for common parameters can't be prefixed with \"aws\" or \"ssm\" (case-insensitive)."),
        (json!([{"Key": "Path", "Option": "Equals", "Values": ["/test"]}]), "The following filter option is not valid: Equals. Valid options include: [Recursive, OneLevel]"),
        (json!([{"Key": "Tier", "Values": ["test"]}]), "The following filter value is not valid: test. Valid values include: [Standard, Advanced, Intelligent-Tiering]"),
        (json!([{"Key": "Type", "Values": ["test"]}]), "The following filter value is not valid: test. Valid values include: [String, StringList, SecureString]"),
        (json!([{"Key": "Name", "Option": "option", "Values": ["test"]}]), "The following filter option is not valid: option. Valid options include: [BeginsWith, Equals]."),
    ];
    for (f, msg) in cases {
        let e = ssm_err(&mut w, "DescribeParameters", json!({"ParameterFilters": f}));
        assert!(e.message.contains(msg), "{f}: {}", e.message);
    }
    for bad in ["/###", "//", "test"] {
        let e = ssm_err(&mut w, "DescribeParameters", json!({"ParameterFilters": [{"Key": "Path", "Values": [bad]}]}));
        assert!(e.message.starts_with("The parameter doesn't meet the parameter name requirements"), "{bad}");
    }
}

#[test]
fn tags_on_parameters() {
    let mut w = World::new(1);
    assert_eq!(
        ssm_err(&mut w, "AddTagsToResource", json!({"ResourceId": "test", "ResourceType": "Parameter", "Tags": [{"Key": "k", "Value": "v"}]})).code,
        "InvalidResourceId"
    );
    ssm(&mut w, "PutParameter", json!({"Name": "/spam/eggs", "Value": "eggs", "Type": "String", "Tags": [{"Key": "spam", "Value": "eggs"}]}));
    let r = ssm(&mut w, "ListTagsForResource", json!({"ResourceType": "Parameter", "ResourceId": "spam/eggs"}));
    assert_eq!(r, json!({"TagList": [{"Key": "spam", "Value": "eggs"}]}));
    ssm(&mut w, "AddTagsToResource", json!({"ResourceType": "Parameter", "ResourceId": "/spam/eggs", "Tags": [{"Key": "spam", "Value": "ham"}, {"Key": "x", "Value": "1"}]}));
    let r = ssm(&mut w, "DescribeParameters", json!({"ParameterFilters": [{"Key": "tag:spam", "Values": ["ham"]}]}));
    assert_eq!(names(&r), ["/spam/eggs"]);
    assert_eq!(names(&ssm(&mut w, "DescribeParameters", json!({"ParameterFilters": [{"Key": "tag:x"}]}))), ["/spam/eggs"]);
    ssm(&mut w, "RemoveTagsFromResource", json!({"ResourceType": "Parameter", "ResourceId": "/spam/eggs", "TagKeys": ["spam"]}));
    assert_eq!(ssm(&mut w, "ListTagsForResource", json!({"ResourceType": "Parameter", "ResourceId": "/spam/eggs"}))["TagList"], json!([{"Key": "x", "Value": "1"}]));
    ssm(&mut w, "DeleteParameter", json!({"Name": "/spam/eggs"}));
    assert_eq!(ssm_err(&mut w, "ListTagsForResource", json!({"ResourceType": "Parameter", "ResourceId": "/spam/eggs"})).code, "InvalidResourceId");
    assert_eq!(ssm_err(&mut w, "ListTagsForResource", json!({"ResourceType": "foo", "ResourceId": "bar"})).code, "InvalidResourceType");
}

#[test]
fn delete_parameter_and_parameters() {
    let mut w = World::new(1);
    put(&mut w, "test", "value", "String");
    let r = ssm(&mut w, "DeleteParameters", json!({"Names": ["test", "invalid"]}));
    assert_eq!(r, json!({"DeletedParameters": ["test"], "InvalidParameters": ["invalid"]}));
    assert_eq!(ssm(&mut w, "GetParameters", json!({"Names": ["test"]}))["Parameters"], json!([]));
    let e = ssm_err(&mut w, "DeleteParameter", json!({"Name": "test_noexist"}));
    assert_eq!((e.code.as_str(), e.message.as_str()), ("ParameterNotFound", "Parameter test_noexist not found."));
    // GetParameter answers ParameterNotFound without a message.
    assert_eq!(ssm_err(&mut w, "GetParameter", json!({"Name": "test_noexist"})), ApiError::new("ParameterNotFound", ""));
}

#[test]
fn tiers_sizes_and_allowed_patterns() {
    let mut w = World::new(1);
    let big = "x".repeat(4097);
    let e = ssm_err(&mut w, "PutParameter", json!({"Name": "big", "Value": big, "Type": "String"}));
    assert!(e.message.starts_with("Standard tier parameters support a maximum parameter value of 4096 characters."));
    assert_eq!(ssm(&mut w, "PutParameter", json!({"Name": "big", "Value": big, "Type": "String", "Tier": "Intelligent-Tiering"}))["Tier"], "Advanced");
    assert!(ssm_err(&mut w, "PutParameter", json!({"Name": "huge", "Value": "x".repeat(8193), "Type": "String", "Tier": "Advanced"})).message.contains("8192"));
    assert_eq!(ssm(&mut w, "PutParameter", json!({"Name": "small", "Value": "x", "Type": "String", "Tier": "Intelligent-Tiering"}))["Tier"], "Standard");
    // Standard -> Advanced, never back; an overwrite without a tier keeps Advanced.
    assert_eq!(ssm(&mut w, "PutParameter", json!({"Name": "small", "Value": "y", "Overwrite": true, "Tier": "Advanced"}))["Tier"], "Advanced");
    assert_eq!(ssm(&mut w, "PutParameter", json!({"Name": "small", "Value": "z", "Overwrite": true}))["Tier"], "Advanced");
    assert!(ssm_err(&mut w, "PutParameter", json!({"Name": "small", "Value": "w", "Overwrite": true, "Tier": "Standard"})).message.contains("can't downgrade"));
    assert!(ssm_err(&mut w, "PutParameter", json!({"Name": "t", "Value": "w", "Type": "String", "Tier": "Premium"})).message.contains("enum value set: [Standard, Advanced, Intelligent-Tiering]"));
    // AllowedPattern applies to this and later values.
    ssm(&mut w, "PutParameter", json!({"Name": "num", "Value": "42", "Type": "String", "AllowedPattern": "^\\d+$"}));
    let e = ssm_err(&mut w, "PutParameter", json!({"Name": "num", "Value": "forty", "Overwrite": true}));
    assert_eq!((e.code.as_str(), e.message.as_str()), ("ParameterPatternMismatchException", "Parameter value, cannot be validated against allowedPattern: ^\\d+$"));
    assert_eq!(ssm_err(&mut w, "PutParameter", json!({"Name": "pat", "Value": "1", "Type": "String", "AllowedPattern": "("})).code, "InvalidAllowedPatternException");
    // Data types.
    let e = ssm_err(&mut w, "PutParameter", json!({"Name": "d", "Value": "v", "Type": "String", "DataType": "not_text"}));
    assert_eq!(e.message, "The following data type is not supported: not_text (Data type names are all lowercase.)");
}

#[test]
fn ami_parameters_and_resolve_ssm() {
    let mut w = World::new(1);
    let ami = "ami-025ada3602fe955f8";
    ssm(&mut w, "PutParameter", json!({"Name": "/golden/ami", "Value": ami, "Type": "String", "DataType": "aws:ec2:image"}));
    // An AMI that does not exist: the call succeeds, the version is never stored.
    let r = ssm(&mut w, "PutParameter", json!({"Name": "/golden/ami", "Value": "ami-0123456789abcdef0", "Overwrite": true}));
    assert_eq!(r["Version"], 2);
    assert!(w.take_notes().iter().any(|n| n.contains("ami-0123456789abcdef0")));
    assert_eq!(ssm(&mut w, "GetParameter", json!({"Name": "/golden/ami"}))["Parameter"]["Version"], 1);
    // resolve:ssm with the parameter, a version and a label.
    assert_eq!(w.resolve_image_id("resolve:ssm:/golden/ami").unwrap(), ami);
    assert_eq!(w.ssm_parameter_value("/golden/ami:1").as_deref(), Some(ami));
    ssm(&mut w, "LabelParameterVersion", json!({"Name": "/golden/ami", "Labels": ["prod"]}));
    let newer = "ami-0cdc5ec31b211f930";
    assert_eq!(ssm(&mut w, "PutParameter", json!({"Name": "/golden/ami", "Value": newer, "Overwrite": true}))["Version"], 2);
    assert_eq!(w.ssm_parameter_value("/golden/ami").as_deref(), Some(newer));
    assert_eq!(w.ssm_parameter_value("/golden/ami:prod").as_deref(), Some(ami));
    assert_eq!(w.ssm_parameter_value("/golden/ami:7"), None);
    let public = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
    assert_eq!(w.ssm_parameter_value(&format!("{public}:1")).as_deref(), Some("ami-025ada3602fe955f8"));
    assert_eq!(w.ssm_parameter_value(&format!("{public}:2")), None);
    let out = call(&mut w, "ec2", "RunInstances", json!({"ImageId": "resolve:ssm:/golden/ami:prod", "MinCount": 1, "MaxCount": 1, "InstanceType": "t3.micro"})).unwrap();
    assert_eq!(out["Instances"][0]["ImageId"], ami);
    let out = call(&mut w, "ec2", "RunInstances", json!({"ImageId": "resolve:ssm:/golden/ami", "MinCount": 1, "MaxCount": 1, "InstanceType": "t3.micro"})).unwrap();
    assert_eq!(out["Instances"][0]["ImageId"], newer);
    assert_eq!(ssm_err(&mut w, "PutParameter", json!({"Name": "/x", "Value": ami, "Type": "StringList", "DataType": "aws:ec2:image"})).code, "ValidationException");
}

#[test]
fn expiration_policy_deletes_on_the_clock() {
    let mut w = World::new(1);
    let at = w.now().plus(2 * HOUR).iso();
    let policies = format!(
        r#"[{{"Type":"Expiration","Version":"1.0","Attributes":{{"Timestamp":"{at}"}}}},{{"Type":"ExpirationNotification","Version":"1.0","Attributes":{{"Before":"1","Unit":"Hours"}}}}]"#
    );
    let e = ssm_err(&mut w, "PutParameter", json!({"Name": "/tmp/token", "Value": "t", "Type": "String", "Policies": policies, "Tier": "Standard"}));
    assert_eq!(e.code, "ValidationException");
    let r = ssm(&mut w, "PutParameter", json!({"Name": "/tmp/token", "Value": "t", "Type": "String", "Policies": policies, "Tier": "Intelligent-Tiering"}));
    assert_eq!(r["Tier"], "Advanced");
    let d = ssm(&mut w, "DescribeParameters", json!({}))["Parameters"][0]["Policies"].clone();
    assert_eq!(d[0]["PolicyType"], "Expiration");
    assert_eq!(d[0]["PolicyStatus"], "Pending");
    assert_eq!(d[1]["PolicyStatus"], "Pending");
    w.advance(HOUR + 1);
    let d = ssm(&mut w, "DescribeParameters", json!({}))["Parameters"][0]["Policies"].clone();
    assert_eq!(d[1]["PolicyStatus"], "Finished", "the notification is due an hour before");
    w.advance(HOUR);
    assert_eq!(ssm_err(&mut w, "GetParameter", json!({"Name": "/tmp/token"})).code, "ParameterNotFound");
    assert!(w.take_notes().iter().any(|n| n.contains("/tmp/token")));
    // A policy replaced by an overwrite no longer deletes.
    let later = w.now().plus(DAY).iso();
    let p = format!(r#"[{{"Type":"Expiration","Version":"1.0","Attributes":{{"Timestamp":"{later}"}}}}]"#);
    ssm(&mut w, "PutParameter", json!({"Name": "/tmp/keep", "Value": "t", "Type": "String", "Policies": p, "Tier": "Advanced"}));
    ssm(&mut w, "PutParameter", json!({"Name": "/tmp/keep", "Value": "u", "Overwrite": true, "Policies": "[]"}));
    w.advance(2 * DAY);
    assert_eq!(ssm(&mut w, "GetParameter", json!({"Name": "/tmp/keep"}))["Parameter"]["Value"], "u");
}

#[test]
fn secure_strings_round_trip_through_kms() {
    let mut w = World::new(1);
    ssm(&mut w, "PutParameter", json!({"Name": "/app/db/password", "Value": "hunter2", "Type": "SecureString"}));
    let p = ssm(&mut w, "GetParameter", json!({"Name": "/app/db/password"}))["Parameter"].clone();
    let cipher = p["Value"].as_str().unwrap().to_string();
    assert!(cipher.starts_with("AQICAH"), "looks like KMS ciphertext: {cipher}");
    assert!(!cipher.contains("hunter2"));
    let plain = ssm(&mut w, "GetParameter", json!({"Name": "/app/db/password", "WithDecryption": true}))["Parameter"]["Value"].clone();
    assert_eq!(plain, "hunter2");
    // The AWS managed key appeared, with its alias.
    let d = ssm(&mut w, "DescribeParameters", json!({}))["Parameters"][0].clone();
    assert_eq!(d["KeyId"], "alias/aws/ssm");
    let k = call(&mut w, "kms", "DescribeKey", json!({"KeyId": "alias/aws/ssm"})).unwrap();
    assert_eq!(k["KeyMetadata"]["KeyManager"], "AWS");
    // kms decrypt of the stored value needs the parameter's encryption context, and the AWS
    // managed key is only usable through Parameter Store.
    let e = call(&mut w, "kms", "Decrypt", json!({"CiphertextBlob": cipher})).unwrap_err();
    assert_eq!(e.code, "AccessDeniedException", "{e:?}");
    // History decrypts too.
    let h = ssm(&mut w, "GetParameterHistory", json!({"Name": "/app/db/password", "WithDecryption": true}));
    assert_eq!(h["Parameters"][0]["Value"], "hunter2");
    assert_eq!(h["Parameters"][0]["KeyId"], "alias/aws/ssm");
    // String values ignore WithDecryption.
    put(&mut w, "/app/db/host", "db.internal", "String");
    assert_eq!(ssm(&mut w, "GetParameter", json!({"Name": "/app/db/host", "WithDecryption": true}))["Parameter"]["Value"], "db.internal");
}

#[test]
fn customer_keys_for_secure_strings() {
    let mut w = World::new(1);
    let key = call(&mut w, "kms", "CreateKey", json!({"Description": "app secrets"})).unwrap()["KeyMetadata"].clone();
    let id = key["KeyId"].as_str().unwrap().to_string();
    call(&mut w, "kms", "CreateAlias", json!({"AliasName": "alias/app", "TargetKeyId": id})).unwrap();
    ssm(&mut w, "PutParameter", json!({"Name": "/app/key", "Value": "s3cret", "Type": "SecureString", "KeyId": "alias/app"}));
    assert_eq!(ssm(&mut w, "GetParameter", json!({"Name": "/app/key", "WithDecryption": true}))["Parameter"]["Value"], "s3cret");
    // The stored ciphertext decrypts with KMS given the parameter's ARN as context.
    let cipher = ssm(&mut w, "GetParameter", json!({"Name": "/app/key"}))["Parameter"]["Value"].clone();
    assert_eq!(call(&mut w, "kms", "Decrypt", json!({"CiphertextBlob": cipher})).unwrap_err().code, "InvalidCiphertextException");
    let d = call(&mut w, "kms", "Decrypt", json!({"CiphertextBlob": cipher, "EncryptionContext": {"PARAMETER_ARN": "arn:aws:ssm:us-east-1:123456789012:parameter/app/key"}})).unwrap();
    assert_eq!(d["Plaintext"], "czNjcmV0");
    assert_eq!(d["KeyId"], key["Arn"]);
    // A disabled key: neither encrypt nor decrypt.
    call(&mut w, "kms", "DisableKey", json!({"KeyId": id})).unwrap();
    let e = ssm_err(&mut w, "GetParameter", json!({"Name": "/app/key", "WithDecryption": true}));
    assert_eq!(e.code, "InvalidKeyId");
    assert!(e.message.starts_with(&format!("{} is disabled. (Service: AWSKMS; Status Code: 400; Error Code: DisabledException;", key["Arn"].as_str().unwrap())), "{}", e.message);
    assert_eq!(ssm(&mut w, "GetParameter", json!({"Name": "/app/key"}))["Parameter"]["Value"], cipher, "without decryption it still reads");
    let e = ssm_err(&mut w, "PutParameter", json!({"Name": "/app/key2", "Value": "x", "Type": "SecureString", "KeyId": id}));
    assert_eq!(e.code, "InvalidKeyId");
    // An unknown key.
    let e = ssm_err(&mut w, "PutParameter", json!({"Name": "/app/key3", "Value": "x", "Type": "SecureString", "KeyId": "alias/nope"}));
    assert_eq!(e.code, "InvalidKeyId");
    assert!(e.message.starts_with("Alias arn:aws:kms:us-east-1:123456789012:alias/nope is not found."));
}

#[test]
fn kms_keys_aliases_and_policies() {
    let mut w = World::new(1);
    let kms = |w: &mut World, op: &str, input: Value| call(w, "kms", op, input);
    let meta = kms(&mut w, "CreateKey", json!({"Description": "my key"})).unwrap()["KeyMetadata"].clone();
    let id = meta["KeyId"].as_str().unwrap().to_string();
    let arn = meta["Arn"].as_str().unwrap().to_string();
    assert_eq!(arn, format!("arn:aws:kms:us-east-1:123456789012:key/{id}"));
    assert_eq!((meta["KeyState"].as_str(), meta["KeyManager"].as_str(), meta["Enabled"].as_bool()), (Some("Enabled"), Some("CUSTOMER"), Some(true)));
    let policy = kms(&mut w, "GetKeyPolicy", json!({"KeyId": id, "PolicyName": "default"})).unwrap();
    let doc: Value = serde_json::from_str(policy["Policy"].as_str().unwrap()).unwrap();
    assert_eq!(doc["Statement"][0]["Principal"]["AWS"], "arn:aws:iam::123456789012:root");
    assert_eq!(doc["Statement"][0]["Action"], "kms:*");
    assert_eq!(kms(&mut w, "GetKeyPolicy", json!({"KeyId": id, "PolicyName": "other"})).unwrap_err().message, "No such policy exists");
    assert_eq!(kms(&mut w, "ListKeyPolicies", json!({"KeyId": id})).unwrap()["PolicyNames"], json!(["default"]));
    // Aliases.
    kms(&mut w, "CreateAlias", json!({"AliasName": "alias/my-alias", "TargetKeyId": id})).unwrap();
    assert_eq!(kms(&mut w, "DescribeKey", json!({"KeyId": "alias/my-alias"})).unwrap()["KeyMetadata"]["Description"], "my key");
    let e = kms(&mut w, "CreateAlias", json!({"AliasName": "alias/my-alias", "TargetKeyId": id})).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.as_str()), ("AlreadyExistsException", "An alias with the name arn:aws:kms:us-east-1:123456789012:alias/my-alias already exists"));
    assert_eq!(kms(&mut w, "CreateAlias", json!({"AliasName": "alias/aws/ebs", "TargetKeyId": id})).unwrap_err().code, "NotAuthorizedException");
    assert_eq!(kms(&mut w, "CreateAlias", json!({"AliasName": "my-alias", "TargetKeyId": id})).unwrap_err().message, "Invalid identifier");
    assert_eq!(kms(&mut w, "CreateAlias", json!({"AliasName": "alias/other", "TargetKeyId": "alias/my-alias"})).unwrap_err().message, "Aliases must refer to keys. Not aliases");
    let aliases = kms(&mut w, "ListAliases", json!({})).unwrap()["Aliases"].clone();
    let alias_names: Vec<&str> = aliases.as_array().unwrap().iter().map(|a| a["AliasName"].as_str().unwrap()).collect();
    assert_eq!(alias_names, ["alias/aws/ssm", "alias/my-alias"]);
    assert!(aliases[0].get("TargetKeyId").is_none(), "the AWS managed key does not exist yet");
    let key2 = kms(&mut w, "CreateKey", json!({})).unwrap()["KeyMetadata"]["KeyId"].as_str().unwrap().to_string();
    kms(&mut w, "UpdateAlias", json!({"AliasName": "alias/my-alias", "TargetKeyId": key2})).unwrap();
    assert_eq!(kms(&mut w, "DescribeKey", json!({"KeyId": "alias/my-alias"})).unwrap()["KeyMetadata"]["KeyId"], key2);
    assert_eq!(kms(&mut w, "ListAliases", json!({"KeyId": key2})).unwrap()["Aliases"].as_array().unwrap().len(), 1);
    kms(&mut w, "DeleteAlias", json!({"AliasName": "alias/my-alias"})).unwrap();
    assert_eq!(kms(&mut w, "DeleteAlias", json!({"AliasName": "alias/my-alias"})).unwrap_err().message, "Alias arn:aws:kms:us-east-1:123456789012:alias/my-alias is not found.");
    // Operations that take only a key id reject aliases.
    kms(&mut w, "CreateAlias", json!({"AliasName": "alias/a", "TargetKeyId": id})).unwrap();
    assert_eq!(kms(&mut w, "PutKeyPolicy", json!({"KeyId": "alias/a", "PolicyName": "default", "Policy": "{}"})).unwrap_err().message, "Invalid keyId alias/a");
    // Encrypt / decrypt round trip, and generate-data-key.
    let c = kms(&mut w, "Encrypt", json!({"KeyId": "alias/a", "Plaintext": "aGVsbG8="})).unwrap();
    assert_eq!(c["KeyId"], arn);
    let d = kms(&mut w, "Decrypt", json!({"CiphertextBlob": c["CiphertextBlob"]})).unwrap();
    assert_eq!(d["Plaintext"], "aGVsbG8=");
    assert_eq!(kms(&mut w, "Decrypt", json!({"CiphertextBlob": c["CiphertextBlob"], "KeyId": key2})).unwrap_err().code, "IncorrectKeyException");
    let dk = kms(&mut w, "GenerateDataKey", json!({"KeyId": id, "KeySpec": "AES_256"})).unwrap();
    let again = kms(&mut w, "Decrypt", json!({"CiphertextBlob": dk["CiphertextBlob"]})).unwrap();
    assert_eq!(again["Plaintext"], dk["Plaintext"]);
    assert_eq!(kms(&mut w, "GenerateDataKey", json!({"KeyId": id})).unwrap_err().message, "Please specify either number of bytes or key spec.");
    // Disabled, then pending deletion.
    kms(&mut w, "DisableKey", json!({"KeyId": id})).unwrap();
    let e = kms(&mut w, "Encrypt", json!({"KeyId": id, "Plaintext": "aGVsbG8="})).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.clone()), ("DisabledException", format!("{arn} is disabled.")));
    kms(&mut w, "EnableKey", json!({"KeyId": id})).unwrap();
    let s = kms(&mut w, "ScheduleKeyDeletion", json!({"KeyId": id, "PendingWindowInDays": 7})).unwrap();
    assert_eq!(s["KeyState"], "PendingDeletion");
    assert_eq!(s["KeyId"], arn);
    assert_eq!(s["DeletionDate"], w.now().plus(7 * DAY).iso_millis());
    assert_eq!(kms(&mut w, "ScheduleKeyDeletion", json!({"KeyId": key2, "PendingWindowInDays": 3})).unwrap_err().code, "ValidationException");
    let e = kms(&mut w, "Decrypt", json!({"CiphertextBlob": c["CiphertextBlob"]})).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.clone()), ("KMSInvalidStateException", format!("{arn} is pending deletion.")));
    assert_eq!(kms(&mut w, "EnableKey", json!({"KeyId": id})).unwrap_err().code, "KMSInvalidStateException");
    kms(&mut w, "CancelKeyDeletion", json!({"KeyId": id})).unwrap();
    assert_eq!(kms(&mut w, "DescribeKey", json!({"KeyId": id})).unwrap()["KeyMetadata"]["KeyState"], "Disabled");
    assert_eq!(kms(&mut w, "CancelKeyDeletion", json!({"KeyId": id})).unwrap_err().code, "KMSInvalidStateException");
    // After the waiting period the key is gone, and so is its alias.
    kms(&mut w, "ScheduleKeyDeletion", json!({"KeyId": id, "PendingWindowInDays": 7})).unwrap();
    w.advance(7 * DAY);
    assert_eq!(kms(&mut w, "DescribeKey", json!({"KeyId": id})).unwrap_err().message, format!("Key '{arn}' does not exist"));
    assert_eq!(kms(&mut w, "DescribeKey", json!({"KeyId": "alias/a"})).unwrap_err().code, "NotFoundException");
    // A policy that locks the caller out is refused (the lockout safety check).
    let locked = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/Other"},"Action":"kms:Decrypt","Resource":"*"}]}"#;
    let e = kms(&mut w, "PutKeyPolicy", json!({"KeyId": key2, "Policy": locked})).unwrap_err();
    assert_eq!(e.code, "MalformedPolicyDocumentException");
    assert_eq!(kms(&mut w, "PutKeyPolicy", json!({"KeyId": key2, "Policy": "not json"})).unwrap_err().code, "MalformedPolicyDocumentException");
    // With the safety check bypassed the learner is locked out for good.
    kms(&mut w, "PutKeyPolicy", json!({"KeyId": key2, "Policy": locked, "BypassPolicyLockoutSafetyCheck": true})).unwrap();
    assert_eq!(kms(&mut w, "DescribeKey", json!({"KeyId": key2})).unwrap_err().code, "AccessDeniedException");
}

#[test]
fn roles_need_kms_decrypt_for_customer_keys() {
    let mut w = World::new(1);
    let admin = |w: &mut World, service: &str, op: &str, input: Value| call(w, service, op, input).unwrap_or_else(|e| panic!("{op}: {e:?}"));
    admin(
        &mut w,
        "iam",
        "CreateRole",
        json!({"RoleName": "app", "AssumeRolePolicyDocument": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#}),
    );
    admin(
        &mut w,
        "iam",
        "PutRolePolicy",
        json!({"RoleName": "app", "PolicyName": "read", "PolicyDocument": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:GetParameter*"],"Resource":"*"}]}"#}),
    );
    let key = admin(&mut w, "kms", "CreateKey", json!({}))["KeyMetadata"].clone();
    let key_id = key["KeyId"].as_str().unwrap().to_string();
    ssm(&mut w, "PutParameter", json!({"Name": "/app/default", "Value": "managed", "Type": "SecureString"}));
    ssm(&mut w, "PutParameter", json!({"Name": "/app/custom", "Value": "customer", "Type": "SecureString", "KeyId": key_id}));
    let role = Caller::Role { role: "app".into(), session: "i-0123456789abcdef0".into() };
    let get = |w: &mut World, name: &str| api::call_as(w, &role, "ssm", "GetParameter", &json!({"Name": name, "WithDecryption": true}));
    // The AWS managed key lets any principal of the account decrypt through SSM.
    assert_eq!(get(&mut w, "/app/default").unwrap()["Parameter"]["Value"], "managed");
    // A customer key with the default policy hands the decision to IAM: no kms:Decrypt, no value.
    let e = get(&mut w, "/app/custom").unwrap_err();
    assert_eq!(e.code, "AccessDeniedException");
    let expected = format!(
        "User: arn:aws:sts::123456789012:assumed-role/app/i-0123456789abcdef0 is not authorized to perform: kms:Decrypt on resource: {} because no identity-based policy allows the kms:Decrypt action (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: ",
        key["Arn"].as_str().unwrap()
    );
    assert!(e.message.starts_with(&expected), "{}", e.message);
    // Without decryption the ciphertext is readable.
    assert!(api::call_as(&mut w, &role, "ssm", "GetParameter", &json!({"Name": "/app/custom"})).is_ok());
    // Granting kms:Decrypt on the key opens it.
    admin(
        &mut w,
        "iam",
        "PutRolePolicy",
        json!({"RoleName": "app", "PolicyName": "decrypt", "PolicyDocument": format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"kms:Decrypt","Resource":"{}"}}]}}"#, key["Arn"].as_str().unwrap())}),
    );
    assert_eq!(get(&mut w, "/app/custom").unwrap()["Parameter"]["Value"], "customer");
    // An explicit deny on the key wins over the AWS managed key's allowance too.
    admin(
        &mut w,
        "iam",
        "PutRolePolicy",
        json!({"RoleName": "app", "PolicyName": "deny", "PolicyDocument": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}]}"#}),
    );
    let e = get(&mut w, "/app/default").unwrap_err();
    assert!(e.message.contains("with an explicit deny in an identity-based policy"), "{}", e.message);
    // The role may not write SecureStrings (no ssm:PutParameter).
    let e = api::call_as(&mut w, &role, "ssm", "PutParameter", &json!({"Name": "/app/x", "Value": "v", "Type": "String"})).unwrap_err();
    assert_eq!(e.code, "AccessDeniedException");
}

#[test]
fn hostile_inputs_do_not_panic() {
    let mut w = World::new(1);
    let weird = [
        json!({}),
        json!({"Name": null}),
        json!({"Name": ":"}),
        json!({"Name": "::"}),
        json!({"Name": "/"}),
        json!({"Name": "a:"}),
        json!({"Name": ":1"}),
        json!({"Name": "arn:aws:ssm:us-east-1:123456789012:parameter"}),
        json!({"Name": "x".repeat(5000), "Value": "v", "Type": "String"}),
        json!({"Name": "/é/ü", "Value": "v", "Type": "String"}),
        json!({"Path": "/", "MaxResults": -1}),
        json!({"Names": []}),
        json!({"Name": "p", "Value": "v", "Type": "String", "Policies": "[{\"Type\":\"Expiration\",\"Attributes\":{\"Timestamp\":\"9999-99-99T99:99:99Z\"}}]", "Tier": "Advanced"}),
        json!({"Name": "p2", "Value": "v", "Type": "String", "Policies": "[{\"Type\":\"NoChangeNotification\",\"Attributes\":{\"After\":\"99999999999999999999\",\"Unit\":\"Days\"}}]", "Tier": "Advanced"}),
        json!({"Name": "p3", "Value": "v", "Type": "String", "AllowedPattern": "(a*)*b".repeat(100)}),
    ];
    for op in crate::api::ssm::OPERATIONS {
        for input in &weird {
            let _ = call(&mut w, "ssm", op, input.clone());
        }
    }
    for op in crate::api::kms::OPERATIONS {
        for input in [json!({}), json!({"KeyId": "arn:aws:kms:"}), json!({"KeyId": "alias/"}), json!({"CiphertextBlob": "AQICAHg="}), json!({"Limit": 0, "Marker": "%%%"})] {
            let _ = call(&mut w, "kms", op, input);
        }
    }
}
