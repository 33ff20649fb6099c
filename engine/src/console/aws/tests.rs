//! End-to-end tests of the `aws` front end with a fake backend.

use super::*;
use serde_json::json;
use std::collections::BTreeMap;

type Handler = Box<dyn FnMut(&str, &str, &Value) -> Result<Value, ApiError>>;

struct Fake {
    handler: Handler,
    calls: Vec<(String, String, Value)>,
    advanced: Vec<u64>,
    /// The access key id each call was signed with.
    signed_with: Vec<String>,
}

impl Backend for Fake {
    fn call(&mut self, creds: &crate::sts::Credentials, service: &str, operation: &str, input: &Value) -> Result<Value, ApiError> {
        self.signed_with.push(creds.access_key_id.clone());
        self.calls.push((service.into(), operation.into(), input.clone()));
        (self.handler)(service, operation, input)
    }
    fn is_simulated(&self, service: &str, operation: &str) -> bool {
        model::model().find_op(service, &model::kebab(operation)).is_some()
    }
    fn advance(&mut self, ms: u64) {
        self.advanced.push(ms);
    }
}

fn fake(h: impl FnMut(&str, &str, &Value) -> Result<Value, ApiError> + 'static) -> Fake {
    Fake { handler: Box::new(h), calls: vec![], advanced: vec![], signed_with: vec![] }
}

fn files(path: &str) -> Option<Vec<u8>> {
    match path {
        "/home/learner/filters.json" | "filters.json" => Some(br#"[{"Name":"instance-type","Values":["t2.micro"]}]"#.to_vec()),
        "user-data.sh" => Some(b"#!/bin/bash\necho hi\n".to_vec()),
        "/home/learner/.ssh/id.pub" => Some(b"ssh-ed25519 AAAA learner".to_vec()),
        "bin" => Some(vec![0xff, 0x00, 0x01]),
        // The workstation's shared files, as World::new writes them.
        "/home/learner/.aws/config" => Some(b"[default]\nregion = us-east-1\noutput = json\n".to_vec()),
        "/home/learner/.aws/credentials" => Some(b"[default]\naws_access_key_id = AKIAEXAMPLEKEY000001\naws_secret_access_key = secret\n".to_vec()),
        _ => None,
    }
}

fn run_env(b: &mut Fake, cmd: &[&str], env: &[(&str, &str)], ctx: &AwsContext) -> CmdOut {
    let argv: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
    let mut e = BTreeMap::new();
    e.insert("HOME".to_string(), "/home/learner".to_string());
    for (k, v) in env {
        e.insert(k.to_string(), v.to_string());
    }
    let inv = Invocation { argv: &argv, stdin: &[], env: &e, cwd: "/home/learner" };
    run_with(b, &inv, &files, ctx)
}

fn run(b: &mut Fake, cmd: &[&str]) -> CmdOut {
    run_env(b, cmd, &[], &AwsContext::default())
}

fn out(o: &CmdOut) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn err(o: &CmdOut) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn echo() -> Fake {
    fake(|_, _, input| Ok(input.clone()))
}

fn last_input(b: &Fake) -> Value {
    b.calls.last().map(|c| c.2.clone()).unwrap_or(Value::Null)
}

fn describe_instances_response() -> Value {
    json!({"Reservations": [{"Groups": [], "Instances": [
        {"InstanceId": "i-0aaa", "InstanceType": "t2.micro", "LaunchTime": "2024-05-01T12:00:00.000Z", "State": {"Code": 16, "Name": "running"}, "Tags": [{"Key": "Name", "Value": "web"}]},
        {"InstanceId": "i-0bbb", "InstanceType": "t3.small", "LaunchTime": "2024-05-01T12:00:00.250Z", "State": {"Code": 80, "Name": "stopped"}}
    ], "OwnerId": "123456789012", "ReservationId": "r-0123"}]})
}

const USAGE_HEAD: &str = "\nusage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n\n";

#[test]
fn filters_shorthand_and_json() {
    let mut b = echo();
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--filters", "Name=instance-state-name,Values=running,stopped", "Name=tag:Name,Values=web"]);
    assert_eq!(o.code, 0, "{}", err(&o));
    assert_eq!(
        last_input(&b),
        json!({"Filters": [{"Name": "instance-state-name", "Values": ["running", "stopped"]}, {"Name": "tag:Name", "Values": ["web"]}]})
    );
    run(&mut b, &["aws", "ec2", "describe-instances", "--filters", r#"[{"Name":"tag:Name","Values":["web"]}]"#]);
    assert_eq!(last_input(&b), json!({"Filters": [{"Name": "tag:Name", "Values": ["web"]}]}));
    run(&mut b, &["aws", "ec2", "describe-instances", "--filters", "file://filters.json", "--instance-ids", "i-1", "i-2"]);
    assert_eq!(last_input(&b), json!({"InstanceIds": ["i-1", "i-2"], "Filters": [{"Name": "instance-type", "Values": ["t2.micro"]}]}));
    run(&mut b, &["aws", "ec2", "describe-instances", "--instance-ids", r#"["i-1"]"#]);
    assert_eq!(last_input(&b), json!({"InstanceIds": ["i-1"]}));
}

#[test]
fn run_instances_customizations() {
    let mut b = echo();
    let o = run(
        &mut b,
        &[
            "aws", "ec2", "run-instances", "--image-id", "ami-1", "--instance-type", "t2.micro", "--count", "2:3", "--tag-specifications",
            "ResourceType=instance,Tags=[{Key=Name,Value=web},{Key=Env,Value=dev}]", "--user-data", "file://user-data.sh", "--no-dry-run",
        ],
    );
    assert_eq!(o.code, 0, "{}", err(&o));
    let input = last_input(&b);
    assert_eq!(input["MinCount"], 2);
    assert_eq!(input["MaxCount"], 3);
    assert_eq!(input["DryRun"], false);
    assert_eq!(input["UserData"], "IyEvYmluL2Jhc2gKZWNobyBoaQo=");
    assert_eq!(input["TagSpecifications"], json!([{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}, {"Key": "Env", "Value": "dev"}]}]));
    // Defaults to one instance.
    run(&mut b, &["aws", "ec2", "run-instances", "--image-id", "ami-1"]);
    assert_eq!(last_input(&b), json!({"ImageId": "ami-1", "MaxCount": 1, "MinCount": 1}));
    run(&mut b, &["aws", "ec2", "run-instances", "--image-id", "ami-1", "--count", "4"]);
    assert_eq!((last_input(&b)["MinCount"].clone(), last_input(&b)["MaxCount"].clone()), (json!(4), json!(4)));
    let o = run(&mut b, &["aws", "ec2", "run-instances", "--image-id", "ami-1", "--count", "x"]);
    assert_eq!((o.code, err(&o)), (255, "\ncount parameter should be of form min[:max] (e.g. 1 or 1:10)\n".into()));
    // --associate-public-ip-address moves subnet and groups into the interface.
    run(&mut b, &["aws", "ec2", "run-instances", "--image-id", "ami-1", "--subnet-id", "subnet-1", "--security-group-ids", "sg-1", "--associate-public-ip-address"]);
    assert_eq!(
        last_input(&b),
        json!({"ImageId": "ami-1", "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": true, "SubnetId": "subnet-1", "Groups": ["sg-1"]}], "MaxCount": 1, "MinCount": 1})
    );
}

#[test]
fn security_group_simplified_args() {
    let mut b = echo();
    let o = run(&mut b, &["aws", "ec2", "authorize-security-group-ingress", "--group-id", "sg-1", "--protocol", "tcp", "--port", "22", "--cidr", "0.0.0.0/0"]);
    assert_eq!(o.code, 0, "{}", err(&o));
    assert_eq!(last_input(&b), json!({"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}));
    run(&mut b, &["aws", "ec2", "authorize-security-group-ingress", "--group-id", "sg-1", "--protocol", "all", "--source-group", "sg-2"]);
    assert_eq!(last_input(&b), json!({"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-2"}]}]}));
    let o = run(&mut b, &["aws", "ec2", "authorize-security-group-ingress", "--group-id", "sg-1", "--protocol", "tcp", "--port", "a-b"]);
    assert_eq!(o.code, 255);
    assert_eq!(err(&o), "\nport parameter should be of the form <from[-to]> (e.g. 22 or 22-25)\n");
    run(&mut b, &["aws", "ec2", "authorize-security-group-ingress", "--group-id", "sg-1", "--ip-permissions", "IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=10.0.0.0/8}]"]);
    assert_eq!(last_input(&b), json!({"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]}));
}

#[test]
fn tags_and_blobs() {
    let mut b = echo();
    run(&mut b, &["aws", "ec2", "create-tags", "--resources", "i-1", "--tags", "Key=Name,Value=web", "Key=Env,Value=dev"]);
    assert_eq!(last_input(&b), json!({"Resources": ["i-1"], "Tags": [{"Key": "Name", "Value": "web"}, {"Key": "Env", "Value": "dev"}]}));
    let o = run(&mut b, &["aws", "ec2", "import-key-pair", "--key-name", "k", "--public-key-material", "fileb://~/.ssh/id.pub"]);
    assert_eq!(o.code, 0, "{}", err(&o));
    assert_eq!(last_input(&b)["PublicKeyMaterial"], "c3NoLWVkMjU1MTkgQUFBQSBsZWFybmVy");
    let o = run(&mut b, &["aws", "ec2", "import-key-pair", "--key-name", "k", "--public-key-material", "file://~/.ssh/id.pub"]);
    assert_eq!((o.code, err(&o)), (252, "\nInvalid base64: \"ssh-ed25519 AAAA learner\"\n".into()));
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--filters", "file://nope.json"]);
    assert_eq!(o.code, 252);
    assert_eq!(err(&o), "\nError parsing parameter '--filters': Unable to load paramfile file://nope.json: [Errno 2] No such file or directory: 'nope.json'\n");
    // modify-instance-attribute's {Value: string} special case.
    run(&mut b, &["aws", "ec2", "modify-instance-attribute", "--instance-id", "i-1", "--instance-type", "t3.micro"]);
    assert_eq!(last_input(&b), json!({"InstanceId": "i-1", "InstanceType": {"Value": "t3.micro"}}));
}

#[test]
fn usage_errors() {
    let mut b = echo();
    let o = run(&mut b, &["aws", "ec2", "create-key-pair"]);
    assert_eq!(o.code, 252);
    assert_eq!(err(&o), format!("{USAGE_HEAD}aws: error: the following arguments are required: --key-name\n\n"));
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--foo", "bar"]);
    assert_eq!(o.code, 252);
    assert_eq!(err(&o), format!("{USAGE_HEAD}Unknown options: --foo, bar\n\n"));
    let o = run(&mut b, &["aws"]);
    assert_eq!(err(&o), format!("{USAGE_HEAD}aws: error: the following arguments are required: command\n\n"));
    let o = run(&mut b, &["aws", "ec2"]);
    assert_eq!(err(&o), format!("{USAGE_HEAD}aws: error: the following arguments are required: operation\n\n"));
    let o = run(&mut b, &["aws", "ec2", "descrbe-instances"]);
    assert_eq!(o.code, 252);
    let e = err(&o);
    assert!(e.contains("aws: error: argument operation: Invalid choice, valid choices are:\n\naccept-address-transfer                  | "), "{e}");
    assert!(e.ends_with("\n\n\nInvalid choice: 'descrbe-instances', maybe you meant:\n\n  * describe-instances\n  * describe-instance-types\n  * describe-instance-status\n\n"), "{e}");
    let o = run(&mut b, &["aws", "foo", "bar"]);
    assert!(err(&o).contains("aws: error: argument command: Invalid choice, valid choices are:\n\n"));
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--output", "xml"]);
    assert_eq!(o.code, 252);
    assert!(err(&o).contains("argument --output: Invalid choice, valid choices are:\n\njson                                     | text                                    \n"));
    assert_eq!(b.calls.len(), 0);
}

#[test]
fn honest_messages_and_exit_codes() {
    let mut b = echo();
    let o = run(&mut b, &["aws", "ec2", "create-vpc", "--cidr-block", "10.0.0.0/16"]);
    assert_eq!((o.code, err(&o)), (252, "ec2lab: 'aws ec2 create-vpc' is a real AWS CLI command, but ec2lab does not simulate it yet.\n".into()));
    let o = run(&mut b, &["aws", "iam", "list-users"]);
    assert_eq!(o.code, 252);
    assert!(err(&o).contains("'aws iam list-users' is a real AWS CLI command"));
    let o = run(&mut b, &["aws", "s3", "ls"]);
    assert_eq!(o.code, 252);
    let mut ns = fake(|_, _, _| Err(ApiError::new("NotSimulated", "no")));
    let o = run(&mut ns, &["aws", "ec2", "describe-vpcs"]);
    assert_eq!((o.code, err(&o)), (252, "ec2lab: 'aws ec2 describe-vpcs' is a real AWS CLI command, but ec2lab does not simulate it yet.\n".into()));
    let mut e = fake(|_, _, _| Err(ApiError::new("InvalidInstanceID.NotFound", "The instance ID 'i-1' does not exist")));
    let o = run(&mut e, &["aws", "ec2", "stop-instances", "--instance-ids", "i-1"]);
    assert_eq!((o.code, err(&o)), (254, "\nAn error occurred (InvalidInstanceID.NotFound) when calling the StopInstances operation: The instance ID 'i-1' does not exist\n".into()));
    let o = run_env(&mut b, &["aws", "ec2", "describe-instances"], &[("HOME", "/home/ec2-user"), ("AWS_DEFAULT_REGION", "us-east-1")], &AwsContext { on_instance: true, ..Default::default() });
    assert_eq!((o.code, err(&o)), (253, "\nUnable to locate credentials. You can configure credentials by running \"aws configure\".\n".into()));
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--region", "moon"]);
    assert_eq!((o.code, err(&o)), (255, "\nCould not connect to the endpoint URL: \"https://ec2.moon.amazonaws.com/\"\n".into()));
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--region", "eu-west-1"]);
    assert_eq!(o.code, 254);
    assert!(err(&o).contains("simulates only us-east-1"));
    let o = run_env(&mut b, &["aws", "ec2", "describe-instances"], &[("AWS_DEFAULT_REGION", "eu-west-1")], &AwsContext::default());
    assert_eq!(o.code, 254);
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--profile", "prod"]);
    assert_eq!((o.code, err(&o)), (255, "\nThe config profile (prod) could not be found\n".into()));
    let o = run(&mut b, &["aws", "ec2", "run-instances", "--image-id", "ami-1", "--block-device-mappings", r#"[{"DeviceName":"/dev/xvda","Ebs":{"VolumeSize":"big"}}]"#]);
    assert_eq!(o.code, 252);
    assert_eq!(err(&o), "\nParameter validation failed:\nInvalid type for parameter BlockDeviceMappings[0].Ebs.VolumeSize, value: big, type: <class 'str'>, valid types: <class 'int'>\n");
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--max-results", "x"]);
    assert_eq!((o.code, err(&o)), (255, "\ninvalid literal for int() with base 10: 'x'\n".into()));
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--filters", "Name=a,Name=b"]);
    assert_eq!(o.code, 252);
    assert!(err(&o).starts_with("\nError parsing parameter '--filters': Second instance of key \"Name\""));
    let o = run(&mut b, &["aws", "--version"]);
    assert_eq!((o.code, out(&o)), (0, format!("{VERSION}\n")));
}

#[test]
fn output_formats_and_query() {
    let mut b = fake(|_, _, _| Ok(describe_instances_response()));
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--query", "Reservations[].Instances[].InstanceId", "--output", "text"]);
    assert_eq!(out(&o), "i-0aaa\ti-0bbb\n");
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--query", "Reservations[0].Instances[0].LaunchTime"]);
    assert_eq!(out(&o), "\"2024-05-01T12:00:00+00:00\"\n");
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--query", "Reservations[0].Instances[1].LaunchTime", "--output", "text"]);
    assert_eq!(out(&o), "2024-05-01T12:00:00.250000+00:00\n");
    let o = run(&mut b, &["aws", "--output", "text", "ec2", "describe-instances"]);
    assert_eq!(
        out(&o),
        "RESERVATIONS\t123456789012\tr-0123\n\
INSTANCES\ti-0aaa\tt2.micro\t2024-05-01T12:00:00+00:00\n\
STATE\t16\trunning\n\
TAGS\tName\tweb\n\
INSTANCES\ti-0bbb\tt3.small\t2024-05-01T12:00:00.250000+00:00\n\
STATE\t80\tstopped\n"
    );
    let o = run_env(&mut b, &["aws", "ec2", "describe-instances", "--query", "Reservations[0].OwnerId"], &[("AWS_DEFAULT_OUTPUT", "text")], &AwsContext::default());
    assert_eq!(out(&o), "123456789012\n");
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--query", "Reservations[0].Groups"]);
    assert_eq!(out(&o), "[]\n");
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--query", "nothing"]);
    assert_eq!(out(&o), "null\n");
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--query", "Reservations[0].Instances[].[InstanceId,State.Name]", "--output", "table"]);
    assert_eq!(
        out(&o),
        "-----------------------\n|  DescribeInstances  |\n+---------+-----------+\n|  i-0aaa |  running  |\n|  i-0bbb |  stopped  |\n+---------+-----------+\n"
    );
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--query", "Reservations[", "--output", "text"]);
    assert_eq!(o.code, 252);
    assert!(err(&o).starts_with("\nBad value for --query Reservations[: "), "{}", err(&o));
    // Key order survives --query (the jmespath crate sorts keys; we restore Python's order).
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--query", "Reservations[0].Instances[0].{Type:InstanceType,Id:InstanceId}"]);
    assert_eq!(out(&o), "{\n    \"Type\": \"t2.micro\",\n    \"Id\": \"i-0aaa\"\n}\n");
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--query", "Reservations[0].Instances[0].State"]);
    assert_eq!(out(&o), "{\n    \"Code\": 16,\n    \"Name\": \"running\"\n}\n");
    let o = run(&mut b, &["aws", "ec2", "describe-instances", "--query", "Reservations[0].Instances[1]"]);
    assert!(out(&o).starts_with("{\n    \"InstanceId\": \"i-0bbb\",\n    \"InstanceType\""), "{}", out(&o));
    // Full JSON keeps AWS's key order.
    let o = run(&mut b, &["aws", "ec2", "describe-instances"]);
    assert!(out(&o).starts_with("{\n    \"Reservations\": [\n        {\n            \"Groups\": [],\n            \"Instances\": [\n                {\n                    \"InstanceId\": \"i-0aaa\",\n"));
    // Ops without output print nothing.
    let mut e = fake(|_, _, _| Ok(json!({})));
    let o = run(&mut e, &["aws", "ec2", "reboot-instances", "--instance-ids", "i-1"]);
    assert_eq!((o.code, out(&o), err(&o)), (0, String::new(), String::new()));
}

#[test]
fn waiter_success_and_timeout() {
    let mut n = 0;
    let mut b = fake(move |_, op, _| {
        assert_eq!(op, "DescribeInstances");
        n += 1;
        let state = if n < 3 { "pending" } else { "running" };
        Ok(json!({"Reservations": [{"Instances": [{"InstanceId": "i-1", "State": {"Name": state}}]}]}))
    });
    let o = run(&mut b, &["aws", "ec2", "wait", "instance-running", "--instance-ids", "i-1"]);
    assert_eq!((o.code, out(&o), err(&o)), (0, String::new(), String::new()));
    assert_eq!(b.advanced, vec![15_000, 15_000]);
    assert_eq!(last_input(&b), json!({"InstanceIds": ["i-1"]}));

    let mut b = fake(|_, _, _| Ok(json!({"Reservations": [{"Instances": [{"State": {"Name": "pending"}}]}]})));
    let o = run(&mut b, &["aws", "ec2", "wait", "instance-running", "--instance-ids", "i-1"]);
    assert_eq!((o.code, err(&o)), (255, "\nWaiter InstanceRunning failed: Max attempts exceeded\n".into()));
    assert_eq!(b.calls.len(), 40);
    assert_eq!(b.advanced.len(), 39);

    let mut b = fake(|_, _, _| Ok(json!({"Reservations": [{"Instances": [{"State": {"Name": "terminated"}}]}]})));
    let o = run(&mut b, &["aws", "ec2", "wait", "instance-running", "--instance-ids", "i-1"]);
    assert_eq!(
        err(&o),
        "\nWaiter InstanceRunning failed: Waiter encountered a terminal failure state: For expression \"Reservations[].Instances[].State.Name\" we matched expected path: \"terminated\" at least once\n"
    );
    let mut b = fake(|_, _, _| Err(ApiError::new("InvalidInstanceID.NotFound", "nope")));
    let o = run(&mut b, &["aws", "ec2", "wait", "instance-exists", "--instance-ids", "i-1"]);
    assert_eq!(
        err(&o),
        "\nWaiter InstanceExists failed: Max attempts exceeded. Previously accepted state: Matched expected service error code: InvalidInstanceID.NotFound\n"
    );
    assert_eq!(b.advanced, vec![5_000; 39]);
    let mut b = fake(|_, _, _| Err(ApiError::new("UnauthorizedOperation", "no")));
    let o = run(&mut b, &["aws", "ec2", "wait", "instance-stopped", "--instance-ids", "i-1"]);
    assert_eq!(err(&o), "\nWaiter InstanceStopped failed: An error occurred (UnauthorizedOperation): no\n");
}

#[test]
fn help_and_skeleton() {
    let mut b = echo();
    for cmd in [&["aws", "help"][..], &["aws", "ec2", "help"], &["aws", "ssm", "help"], &["aws", "ec2", "run-instances", "help"], &["aws", "ec2", "wait", "help"]] {
        let o = run(&mut b, cmd);
        assert_eq!(o.code, 0, "{cmd:?}: {}", err(&o));
        assert!(!out(&o).is_empty());
    }
    let o = run(&mut b, &["aws", "ec2", "run-instances", "help"]);
    assert!(out(&o).contains("--user-data (string)"));
    assert!(out(&o).contains("--count (string)"));
    let o = run(&mut b, &["aws", "ec2", "create-key-pair", "--generate-cli-skeleton"]);
    assert!(out(&o).starts_with("{\n    \"KeyName\": \"\",\n"), "{}", out(&o));
    let o = run(&mut b, &["aws", "ec2", "create-key-pair", "--cli-input-json", r#"{"KeyName":"k1"}"#]);
    assert_eq!(o.code, 0, "{}", err(&o));
    assert_eq!(last_input(&b), json!({"KeyName": "k1"}));
    let o = run(&mut b, &["aws", "ssm", "get-parameters-by-path", "--path", "/aws/service", "--recursive"]);
    assert_eq!(o.code, 0, "{}", err(&o));
    assert_eq!(last_input(&b), json!({"Path": "/aws/service", "Recursive": true}));
}

/// A tiny deterministic generator (xorshift) for the no-panic test.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn random_argv_never_panics() {
    let words = [
        "ec2", "ssm", "sts", "help", "wait", "describe-instances", "run-instances", "instance-running", "--filters", "--instance-ids",
        "--query", "--output", "text", "table", "yaml", "json", "--region", "--count", "1:2", "x", "--tag-specifications", "Name=",
        "a=b,c", "[{", "{\"a\":", "[]", "'", "\"", "\\", "=", ",", "--", "-", "--dry-run", "--no-dry-run", "file://", "fileb://bin",
        "Key=Name,Value=[a,{b=c}]", "Name=x,Values=y", "--port", "-1", "--protocol", "all", "--cidr", "é", "日本", "--image-id",
        "create-tags", "--tags", "Reservations[].Instances[]", "[?State.Name=='running']", "--user-data", "--cli-input-json",
        "--generate-cli-skeleton", "authorize-security-group-ingress", "--group-id", "--ip-permissions", "a@=file://x", "ResourceType=instance,Tags=[{Key=a,Value=b}",
        "--block-device-mappings", "DeviceName=/dev/sda1,Ebs={VolumeSize=8}", "get-parameter", "--name", "--with-decryption", "",
    ];
    let mut seed = 0x9E3779B97F4A7C15u64;
    let mut n = 0;
    let mut b = fake(move |_, _, input| {
        n += 1;
        if n % 3 == 0 {
            Err(ApiError::new("X", "y"))
        } else {
            Ok(json!({"Reservations": [{"Instances": [input.clone()]}], "Weird": [[1, [2]], {"a": null}, 1.5]}))
        }
    });
    for _ in 0..3000 {
        let len = (next(&mut seed) % 9) as usize;
        let mut argv = vec!["aws"];
        for _ in 0..len {
            argv.push(words[(next(&mut seed) % words.len() as u64) as usize]);
        }
        let _ = run(&mut b, &argv);
    }
    // Random shorthand strings.
    let chars = ['a', '=', ',', '[', ']', '{', '}', '\'', '"', '\\', ' ', '@', 'é', 'x', ':'];
    for _ in 0..3000 {
        let len = (next(&mut seed) % 14) as usize;
        let s: String = (0..len).map(|_| chars[(next(&mut seed) % chars.len() as u64) as usize]).collect();
        let _ = run(&mut b, &["aws", "ec2", "describe-instances", "--filters", &s]);
        let _ = run(&mut b, &["aws", "ec2", "run-instances", "--tag-specifications", &s, "--output", "table"]);
        let _ = run(&mut b, &["aws", "ec2", "describe-instances", "--query", &s, "--output", "text"]);
    }
}
