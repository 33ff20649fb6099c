//! Behaviour a learner relies on, driven through the console exactly as typed.

use engine::Lab;
use serde_json::Value;

const AL2023: &str = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

fn ok(lab: &mut Lab, cmd: &str) -> String {
    let o = lab.run(cmd);
    assert_eq!(o.exit, 0, "`{cmd}` failed with {}: {}{}", o.exit, o.stderr, o.stdout);
    o.stdout
}

fn json(lab: &mut Lab, cmd: &str) -> Value {
    let out = ok(lab, cmd);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("`{cmd}` did not print JSON ({e}): {out}"))
}

fn launch(lab: &mut Lab, extra: &str) -> Vec<String> {
    let v = json(lab, &format!("aws ec2 run-instances --image-id {AL2023} --instance-type t3.micro {extra}"));
    v["Instances"].as_array().unwrap().iter().map(|i| i["InstanceId"].as_str().unwrap().to_string()).collect()
}

fn state(lab: &mut Lab, id: &str) -> String {
    ok(lab, &format!("aws ec2 describe-instances --instance-ids {id} --query 'Reservations[0].Instances[0].State.Name' --output text")).trim().to_string()
}

#[test]
fn launch_boots_on_the_virtual_clock() {
    let mut lab = Lab::new(1);
    let ids = launch(&mut lab, "--count 3");
    assert_eq!(ids.len(), 3);
    for id in &ids {
        assert_eq!(state(&mut lab, id), "pending");
    }
    ok(&mut lab, "lab advance 10s");
    // Boot takes tens of seconds: after 10 s nothing is up yet, after 60 s everything is.
    for id in &ids {
        assert_eq!(state(&mut lab, id), "pending");
    }
    ok(&mut lab, "lab advance 50s");
    for id in &ids {
        assert_eq!(state(&mut lab, id), "running");
    }
}

#[test]
fn stop_start_moves_host_and_public_ip() {
    let mut lab = Lab::new(7);
    let id = launch(&mut lab, "").remove(0);
    ok(&mut lab, &format!("aws ec2 wait instance-running --instance-ids {id}"));
    let before = engine::view::instance(lab.world(), &id).unwrap();
    assert!(before.public_ip.is_some());
    let attach_query = format!("aws ec2 describe-instances --instance-ids {id} --query 'Reservations[0].Instances[0].[LaunchTime,BlockDeviceMappings[0].Ebs.AttachTime]' --output text");
    let times_before = ok(&mut lab, &attach_query);
    let stop = json(&mut lab, &format!("aws ec2 stop-instances --instance-ids {id}"));
    assert_eq!(stop["StoppingInstances"][0]["CurrentState"]["Code"], 64);
    assert_eq!(stop["StoppingInstances"][0]["PreviousState"]["Name"], "running");
    ok(&mut lab, &format!("aws ec2 wait instance-stopped --instance-ids {id}"));
    let stopped = engine::view::instance(lab.world(), &id).unwrap();
    assert_eq!(stopped.public_ip, None);
    let start = json(&mut lab, &format!("aws ec2 start-instances --instance-ids {id}"));
    assert_eq!(start["StartingInstances"][0]["CurrentState"]["Name"], "pending");
    ok(&mut lab, &format!("aws ec2 wait instance-running --instance-ids {id}"));
    let after = engine::view::instance(lab.world(), &id).unwrap();
    assert_ne!(after.host, before.host, "a start lands on another host");
    assert_ne!(after.public_ip, before.public_ip, "a start brings a new public IP");
    assert_eq!(after.private_ip, before.private_ip, "the private IP stays");
    // LaunchTime moves to the new start; the root volume stays attached since the first launch.
    let times_after = ok(&mut lab, &attach_query);
    let (lb, ab) = times_before.trim().split_once('\t').unwrap();
    let (la, aa) = times_after.trim().split_once('\t').unwrap();
    assert_ne!(lb, la);
    assert_eq!(ab, aa);
}

#[test]
fn incorrect_instance_state() {
    let mut lab = Lab::new(2);
    let id = launch(&mut lab, "").remove(0);
    let o = lab.run(&format!("aws ec2 start-instances --instance-ids {id} && echo never"));
    // Starting a pending instance is accepted (nothing to do); terminating then starting is not.
    assert_eq!(o.exit, 0);
    ok(&mut lab, &format!("aws ec2 terminate-instances --instance-ids {id}"));
    ok(&mut lab, "lab advance 2m");
    let o = lab.run(&format!("aws ec2 start-instances --instance-ids {id}"));
    assert_eq!(o.exit, 254);
    assert!(
        o.stderr.contains(&format!("An error occurred (IncorrectInstanceState) when calling the StartInstances operation: The instance '{id}' is not in a state from which it can be started.")),
        "{}",
        o.stderr
    );
}

#[test]
fn unknown_instance_is_a_service_error() {
    let mut lab = Lab::new(1);
    let o = lab.run("aws ec2 describe-instances --instance-ids i-0123456789abcdef0");
    assert_eq!(o.exit, 254);
    assert!(o.stderr.contains("(InvalidInstanceID.NotFound)"), "{}", o.stderr);
    assert!(o.stderr.contains("The instance ID 'i-0123456789abcdef0' does not exist"));
}

#[test]
fn capacity_is_finite() {
    let mut lab = Lab::new(1);
    // One AZ has 8 m5 racks × 4 hosts; an m5.24xlarge takes a whole 48-core host, so only hosts
    // without other accounts' instances can take one.
    let empty = lab.world().hardware.hosts.iter().filter(|h| h.az == 0 && h.family == "m5" && h.is_empty()).count();
    assert!(empty > 4 && empty < 32, "{empty} empty m5 hosts");
    let o = lab.run(&format!("aws ec2 run-instances --image-id {AL2023} --instance-type m5.24xlarge --count {} --placement AvailabilityZone=us-east-1a", empty + 1));
    assert_eq!(o.exit, 254, "{}", o.stdout);
    assert!(o.stderr.contains("(InsufficientInstanceCapacity)"), "{}", o.stderr);
    assert!(o.stderr.contains("We currently do not have sufficient m5.24xlarge capacity in the Availability Zone you requested (us-east-1a)."), "{}", o.stderr);
    // MinCount 1 with a larger MaxCount launches what fits.
    let v = json(&mut lab, &format!("aws ec2 run-instances --image-id {AL2023} --instance-type m5.24xlarge --count 1:{} --placement AvailabilityZone=us-east-1a", empty + 5));
    assert_eq!(v["Instances"].as_array().unwrap().len(), empty);
}

#[test]
fn ssh_needs_key_group_and_permissions() {
    let mut lab = Lab::new(4);
    ok(&mut lab, "aws ec2 create-key-pair --key-name lab --query KeyMaterial --output text > lab.pem");
    let id = launch(&mut lab, "--key-name lab").remove(0);
    ok(&mut lab, &format!("aws ec2 wait instance-running --instance-ids {id}"));
    ok(&mut lab, "lab advance 30s");
    let ip = ok(&mut lab, &format!("aws ec2 describe-instances --instance-ids {id} --query 'Reservations[0].Instances[0].PublicIpAddress' --output text")).trim().to_string();

    // The default security group lets nothing in from the internet: the connection times out.
    let t0 = lab.now();
    let o = lab.run(&format!("ssh -i lab.pem ec2-user@{ip}"));
    assert_eq!(o.exit, 255);
    assert!(o.stderr.contains(&format!("ssh: connect to host {ip} port 22: Connection timed out")), "{}", o.stderr);
    assert!(lab.now().0 > t0.0 + 60_000, "a timeout takes time");

    ok(&mut lab, "aws ec2 authorize-security-group-ingress --group-name default --protocol tcp --port 22 --cidr 0.0.0.0/0");
    // The key file is world-readable: ssh refuses to use it.
    let o = lab.run(&format!("ssh -i lab.pem ec2-user@{ip}"));
    assert_eq!(o.exit, 255);
    assert!(o.stderr.contains("UNPROTECTED PRIVATE KEY FILE"), "{}", o.stderr);
    assert!(o.stderr.contains("Permission denied (publickey"), "{}", o.stderr);

    ok(&mut lab, "chmod 400 lab.pem");
    let o = lab.run(&format!("ssh -i lab.pem ubuntu@{ip}"));
    assert_eq!(o.exit, 255, "wrong login user for Amazon Linux");

    let o = lab.run(&format!("ssh -i lab.pem ec2-user@{ip}"));
    assert_eq!(o.exit, 0, "{}", o.stderr);
    assert!(o.stdout.contains("Amazon Linux 2023"));
    assert!(lab.prompt().starts_with("[ec2-user@ip-172-31-"), "{}", lab.prompt());
    assert_eq!(ok(&mut lab, "whoami"), "ec2-user\n");
    let o = lab.run("exit");
    assert!(o.stderr.contains(&format!("Connection to {ip} closed.")));
    assert_eq!(lab.prompt(), "[learner@workstation ~]$ ");
}

#[test]
fn lab_connect_and_stop_closes_the_session() {
    let mut lab = Lab::new(5);
    let id = launch(&mut lab, "").remove(0);
    let o = lab.run(&format!("lab connect {id}"));
    assert_eq!(o.exit, 1, "cannot connect while pending");
    ok(&mut lab, "lab advance 2m");
    ok(&mut lab, &format!("lab connect {id}"));
    assert!(lab.prompt().starts_with("[ec2-user@ip-"));
    ok(&mut lab, "echo hello > note.txt");
    // From the instance the CLI has no credentials yet (instance roles come later).
    let o = lab.run("aws ec2 describe-instances");
    assert_eq!(o.exit, 253);
    assert!(o.stderr.contains("Unable to locate credentials"));
    // `exit` keeps the last status, as bash does.
    assert_eq!(lab.run("exit").exit, 253);
    assert_eq!(lab.prompt(), "[learner@workstation ~]$ ");
    // The file was written on the instance, not on the workstation.
    assert_ne!(lab.run("cat note.txt").exit, 0);
    ok(&mut lab, &format!("lab connect {id}"));
    assert_eq!(ok(&mut lab, "cat note.txt"), "hello\n");
    ok(&mut lab, "exit");
}

#[test]
fn status_checks_initialize_then_pass() {
    let mut lab = Lab::new(6);
    let id = launch(&mut lab, "").remove(0);
    ok(&mut lab, "lab advance 1m");
    let v = json(&mut lab, &format!("aws ec2 describe-instance-status --instance-ids {id}"));
    assert_eq!(v["InstanceStatuses"][0]["InstanceStatus"]["Status"], "initializing");
    ok(&mut lab, "lab advance 5m");
    let v = json(&mut lab, &format!("aws ec2 describe-instance-status --instance-ids {id}"));
    assert_eq!(v["InstanceStatuses"][0]["InstanceStatus"]["Status"], "ok");
    assert_eq!(v["InstanceStatuses"][0]["SystemStatus"]["Details"][0]["Status"], "passed");
    ok(&mut lab, &format!("aws ec2 stop-instances --instance-ids {id}"));
    ok(&mut lab, "lab advance 2m");
    let v = json(&mut lab, "aws ec2 describe-instance-status");
    assert_eq!(v["InstanceStatuses"].as_array().unwrap().len(), 0, "stopped instances are hidden without --include-all-instances");
}

