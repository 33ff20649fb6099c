//! The credential chain against the simulated world: its order, the instance profile through
//! the metadata service and how the instance's metadata options affect it, expired sessions,
//! and `aws configure`.

use super::*;
use crate::console::Lab;
use serde_json::json;

const AL2023: &str = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// A role `app` in profile `app`, and an instance wearing it.
fn setup(world: &mut World) -> String {
    let ok = |w: &mut World, s: &str, op: &str, v: Value| crate::api::call(w, s, op, &v).unwrap_or_else(|e| panic!("{op}: {e:?}"));
    ok(world, "iam", "CreateRole", json!({"RoleName": "app", "AssumeRolePolicyDocument": TRUST}));
    ok(world, "iam", "CreateInstanceProfile", json!({"InstanceProfileName": "app"}));
    ok(world, "iam", "AddRoleToInstanceProfile", json!({"InstanceProfileName": "app", "RoleName": "app"}));
    let out = ok(world, "ec2", "RunInstances", json!({"ImageId": AL2023, "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1, "IamInstanceProfile": {"Name": "app"}}));
    let id = out["Instances"][0]["InstanceId"].as_str().unwrap().to_string();
    world.advance(3 * 60 * 1000);
    id
}

fn learner_key(world: &World) -> (String, String) {
    let k = world.sts.keys().find(|k| k.principal == crate::iam::Principal::Admin).unwrap();
    (k.id.clone(), k.secret.clone())
}

/// A lab whose console is on the instance (as ec2-user).
fn on_instance(seed: u64) -> (Lab, String) {
    let mut lab = Lab::new(seed);
    lab.run(&format!("ID=$(aws ec2 run-instances --image-id {AL2023} --instance-type t3.micro --query 'Instances[0].InstanceId' --output text)"));
    let o = lab.run(&format!("printf '%s' '{TRUST}' > trust.json && aws iam create-role --role-name app --assume-role-policy-document file://trust.json > /dev/null && aws iam create-instance-profile --instance-profile-name app > /dev/null && aws iam add-role-to-instance-profile --instance-profile-name app --role-name app"));
    assert_eq!(o.exit, 0, "{}", o.stderr);
    let o = lab.run("aws ec2 associate-iam-instance-profile --instance-id $ID --iam-instance-profile Name=app --query IamInstanceProfileAssociation.State --output text");
    assert_eq!((o.exit, o.stdout.as_str()), (0, "associating\n"), "{}", o.stderr);
    lab.run("aws ec2 wait instance-running --instance-ids $ID && lab advance 1m");
    let id = lab.run("echo $ID").stdout.trim().to_string();
    let o = lab.run(&format!("lab connect {id}"));
    assert_eq!(o.exit, 0, "{}", o.stderr);
    (lab, id)
}

fn arn(lab: &mut Lab, extra: &str) -> (i32, String) {
    let o = lab.run(&format!("{extra} aws sts get-caller-identity --query Arn --output text"));
    (o.exit, if o.exit == 0 { o.stdout.trim().to_string() } else { o.stderr.trim().to_string() })
}

#[test]
fn chain_order_flag_env_credentials_file_config_file_instance_profile() {
    let (mut lab, id) = on_instance(31);
    let (key, secret) = learner_key(lab.world());
    let role = format!("arn:aws:sts::123456789012:assumed-role/app/{id}");
    let learner = "arn:aws:iam::123456789012:user/learner".to_string();
    let invalid = "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.".to_string();
    // Nothing configured on the instance: the instance profile (and the region from metadata).
    assert_eq!(arn(&mut lab, ""), (0, role.clone()));
    // Keys in ~/.aws/config come before the instance profile.
    lab.run(&format!("mkdir -p ~/.aws && printf '[default]\\naws_access_key_id = {key}\\naws_secret_access_key = {secret}\\n[profile good]\\naws_access_key_id = {key}\\naws_secret_access_key = {secret}\\n' > ~/.aws/config"));
    assert_eq!(arn(&mut lab, ""), (0, learner.clone()));
    // ~/.aws/credentials comes before ~/.aws/config (here with a key AWS does not know).
    lab.run("printf '[default]\\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\\naws_secret_access_key = wJalrXUtnFEMI\\n' > ~/.aws/credentials");
    assert_eq!(arn(&mut lab, ""), (254, invalid.clone()));
    // Environment variables come before the files…
    assert_eq!(arn(&mut lab, &format!("AWS_ACCESS_KEY_ID={key} AWS_SECRET_ACCESS_KEY={secret}")), (0, learner.clone()));
    // …and AWS_PROFILE does not change that…
    assert_eq!(arn(&mut lab, "AWS_PROFILE=good AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=x"), (254, invalid.clone()));
    // …but --profile does: an explicit profile skips the environment.
    let o = lab.run("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=x aws sts get-caller-identity --profile good --query Arn --output text");
    assert_eq!((o.exit, o.stdout.trim()), (0, learner.as_str()), "{}", o.stderr);
    // Half a key pair is an error, not a fall-through.
    assert_eq!(arn(&mut lab, "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"), (255, "Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY".into()));
    // Remove the files: back to the role.
    lab.run("rm ~/.aws/config ~/.aws/credentials");
    assert_eq!(arn(&mut lab, ""), (0, role.clone()));
    let o = lab.run("aws configure list");
    assert!(o.stdout.contains("access_key     ****************") && o.stdout.contains(" iam-role    \n"), "{}", o.stdout);
    assert!(o.stdout.contains("    region                us-east-1             imds    \n"), "{}", o.stdout);
    // AWS_EC2_METADATA_DISABLED=true switches the last link off.
    let (code, msg) = arn(&mut lab, "AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true");
    assert_eq!((code, msg.as_str()), (253, "Unable to locate credentials. You can configure credentials by running \"aws configure\"."));
}

#[test]
fn metadata_options_decide_whether_the_cli_finds_the_role() {
    let (mut lab, id) = on_instance(32);
    lab.run("exit");
    let role = format!("arn:aws:sts::123456789012:assumed-role/app/{id}");
    // HttpEndpoint disabled: every metadata request is refused, so no region and no credentials.
    lab.run(&format!("aws ec2 modify-instance-metadata-options --instance-id {id} --http-endpoint disabled > /dev/null && lab advance 5s && lab connect {id}"));
    let (code, msg) = arn(&mut lab, "");
    assert_eq!((code, msg.as_str()), (253, "You must specify a region. You can also configure your region by running \"aws configure\"."));
    let (code, msg) = arn(&mut lab, "AWS_DEFAULT_REGION=us-east-1");
    assert_eq!((code, msg.as_str()), (253, "Unable to locate credentials. You can configure credentials by running \"aws configure\"."));
    lab.run("exit");
    lab.run(&format!("aws ec2 modify-instance-metadata-options --instance-id {id} --http-endpoint enabled > /dev/null && lab advance 5s && lab connect {id}"));
    assert_eq!(arn(&mut lab, ""), (0, role));
}

#[test]
fn imdsv2_required_and_the_hop_limit_in_a_container() {
    let mut world = World::new(33);
    let id = setup(&mut world);
    let argv: Vec<String> = ["aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text"].iter().map(|s| s.to_string()).collect();
    let mut env = BTreeMap::new();
    env.insert("HOME".to_string(), "/root".to_string());
    env.insert("AWS_DEFAULT_REGION".to_string(), "us-east-1".to_string());
    let inv = Invocation { argv: &argv, stdin: &[], env: &env, cwd: "/" };
    let none = |_: &str| None;
    let ctx = |hops| AwsContext { on_instance: true, instance: Some(id.clone()), imds_hops: hops, ..Default::default() };
    let role = format!("arn:aws:sts::123456789012:assumed-role/app/{id}\n");
    // Amazon Linux 2023: tokens required, hop limit 2. On the instance and one hop away: fine.
    for hops in [0, 1] {
        let o = run(&mut world, &inv, &none, &ctx(hops));
        assert_eq!((o.code, String::from_utf8_lossy(&o.stdout).into_owned()), (0, role.clone()), "hops {hops}");
    }
    // Hop limit 1: the container's token answer is lost; tokens are required, so nothing else
    // works either. The CLI waited out its one-second timeout.
    let set = |w: &mut World, tokens: &str| {
        let req = crate::compute::MetadataOptionsRequest { http_tokens: Some(tokens.into()), hop_limit: Some(1), ..Default::default() };
        crate::imds::modify_options(w, &id, &req).unwrap();
        w.advance(crate::imds::OPTIONS_APPLY_MS);
    };
    set(&mut world, "required");
    let before = world.now();
    let o = run(&mut world, &inv, &none, &ctx(1));
    assert_eq!(o.code, 253, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(world.now().0 - before.0, credentials::IMDS_TIMEOUT_MS);
    let o = run(&mut world, &inv, &none, &ctx(0));
    assert_eq!(o.code, 0, "on the instance itself the hop limit does not matter");
    // Tokens optional: after the lost token the CLI carries on with IMDSv1 and finds the role.
    set(&mut world, "optional");
    let o = run(&mut world, &inv, &none, &ctx(1));
    assert_eq!((o.code, String::from_utf8_lossy(&o.stdout).into_owned()), (0, role));
    let log: Vec<(String, String, bool, u16)> = world.compute.get(&id).unwrap().imds.log.iter().rev().take(3).map(|e| (e.method.clone(), e.path.clone(), e.token, e.status)).collect();
    assert_eq!(log[0], ("GET".into(), "/latest/meta-data/iam/security-credentials/app".into(), false, 200));
    assert_eq!(log[1], ("GET".into(), "/latest/meta-data/iam/security-credentials/".into(), false, 200));
    assert_eq!((log[2].0.as_str(), log[2].1.as_str()), ("PUT", "/latest/api/token"));
}

#[test]
fn copied_session_credentials_expire() {
    let (mut lab, _id) = on_instance(34);
    let o = lab.run("curl -s -H \"X-aws-ec2-metadata-token: $(curl -s -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token)\" http://169.254.169.254/latest/meta-data/iam/security-credentials/app > creds.json && jq -r .AccessKeyId creds.json");
    assert!(o.stdout.starts_with("ASIA"), "{o:?}");
    lab.run("export AWS_ACCESS_KEY_ID=$(jq -r .AccessKeyId creds.json) AWS_SECRET_ACCESS_KEY=$(jq -r .SecretAccessKey creds.json) AWS_SESSION_TOKEN=$(jq -r .Token creds.json)");
    assert!(arn(&mut lab, "").1.contains(":assumed-role/app/"));
    lab.run("lab advance 5h");
    assert_eq!(arn(&mut lab, "").0, 0, "still valid after five hours");
    lab.run("lab advance 61m");
    assert_eq!(arn(&mut lab, ""), (254, "An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired".into()));
    let o = lab.run("aws ec2 describe-instances");
    assert_eq!(o.stderr, "\nAn error occurred (RequestExpired) when calling the DescribeInstances operation: Request has expired.\n");
    // Without the copied keys the CLI asks the metadata service, which has current ones.
    lab.run("unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN");
    assert_eq!(arn(&mut lab, "").0, 0);
}

#[test]
fn configure_writes_the_files_the_chain_reads() {
    let mut lab = Lab::new(35);
    let (key, secret) = learner_key(lab.world());
    let o = lab.run(&format!("printf '{key}\\n{secret}\\nus-east-1\\ntable\\n' | aws configure --profile second"));
    assert_eq!(o.exit, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "AWS Access Key ID [None]: AWS Secret Access Key [None]: Default region name [None]: Default output format [None]: ");
    let creds = lab.run("cat ~/.aws/credentials").stdout;
    assert!(creds.ends_with(&format!("[second]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n")), "{creds}");
    assert_eq!(lab.run("cat ~/.aws/config").stdout, "[default]\nregion = us-east-1\noutput = json\n[profile second]\nregion = us-east-1\noutput = table\n");
    assert_eq!(lab.run("aws configure get output --profile second").stdout, "table\n");
    assert_eq!(lab.run("aws configure list-profiles").stdout, "default\nsecond\n");
    let o = lab.run("aws sts get-caller-identity --profile second");
    assert!(o.stdout.starts_with("---") && o.stdout.contains("|  Account|  123456789012") && o.stdout.contains("arn:aws:iam::123456789012:user/learner"), "the profile's output format: {}", o.stdout);
    // Enter keeps a value; a new answer replaces it in place.
    let o = lab.run("printf '\\n\\neu-west-1\\n\\n' | aws configure --profile second");
    assert!(o.stdout.starts_with("AWS Access Key ID [****************") && o.stdout.ends_with("Default region name [us-east-1]: Default output format [table]: "), "{}", o.stdout);
    assert_eq!(lab.run("aws configure get region --profile second").stdout, "eu-west-1\n");
    let o = lab.run("aws ec2 describe-instances --profile second");
    assert_eq!(o.exit, 254);
    assert!(o.stderr.contains("eu-west-1 is a real AWS region, but ec2lab simulates only us-east-1"), "{}", o.stderr);
    // set: keys to the credentials file, the rest to the config file.
    lab.run("aws configure set aws_secret_access_key wrong");
    let o = lab.run("aws sts get-caller-identity");
    assert!(o.stderr.contains("(SignatureDoesNotMatch)"), "{}", o.stderr);
    assert_eq!(lab.run("aws configure get default.aws_secret_access_key").stdout, "wrong\n");
    let o = lab.run("aws configure get nothing");
    assert_eq!((o.exit, o.stdout.as_str(), o.stderr.as_str()), (1, "", ""));
    let o = lab.run("aws sts get-caller-identity --profile nope");
    assert_eq!((o.exit, o.stderr.as_str()), (255, "\nThe config profile (nope) could not be found\n"));
    let o = lab.run("rm ~/.aws/credentials; aws sts get-caller-identity");
    assert_eq!(o.exit, 253);
}
