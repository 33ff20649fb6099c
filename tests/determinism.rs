//! Same seed + same commands = same world, byte for byte; another seed, another world.

use engine::Lab;

const SCENARIO: &str = r#"
aws ec2 create-key-pair --key-name demo --query KeyMaterial --output text > demo.pem
chmod 400 demo.pem
SG=$(aws ec2 create-security-group --group-name web --description "web servers" --query GroupId --output text)
aws ec2 authorize-security-group-ingress --group-id $SG --protocol tcp --port 22 --cidr 0.0.0.0/0
aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --instance-type t3.micro --count 3 --key-name demo --security-group-ids $SG
aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --instance-type m5.large --count 2
lab advance 2m
ID=$(aws ec2 describe-instances --filters Name=instance-type,Values=m5.large --query 'Reservations[0].Instances[0].InstanceId' --output text)
aws ec2 stop-instances --instance-ids $ID
aws ec2 wait instance-stopped --instance-ids $ID
aws ec2 start-instances --instance-ids $ID
lab advance 5m
aws ec2 describe-instances --output json
"#;

fn run(seed: u64) -> (u64, String) {
    let mut lab = Lab::new(seed);
    let mut transcript = String::new();
    for (cmd, o) in lab.run_script(SCENARIO) {
        transcript.push_str(&format!("$ {cmd}\n{}{}[{}]\n", o.stdout, o.stderr, o.exit));
    }
    (lab.world().state_hash(), transcript)
}

#[test]
fn same_seed_same_world() {
    for seed in [1u64, 42, 9_999_999_999] {
        let (h1, t1) = run(seed);
        let (h2, t2) = run(seed);
        assert_eq!(h1, h2, "state hash differs between two runs of seed {seed}; reproduce with `ec2lab --seed {seed}`");
        assert_eq!(t1, t2, "output differs between two runs of seed {seed}");
    }
}

#[test]
fn another_seed_another_world() {
    let (h1, t1) = run(1);
    let (h2, t2) = run(2);
    assert_ne!(h1, h2);
    assert_ne!(t1, t2);
}

#[test]
fn the_scenario_really_ran() {
    // Guard against the determinism tests passing because everything failed the same way.
    let mut lab = Lab::new(5);
    let results = lab.run_script(SCENARIO);
    for (cmd, o) in &results {
        assert_eq!(o.exit, 0, "`{cmd}` failed: {}", o.stderr);
    }
    assert_eq!(lab.world().compute.len(), 5);
}

#[test]
fn seed_and_steps_rebuild_the_world() {
    // Commands and live-clock ticks interleaved, as in the browser.
    let mut lab = Lab::new(11);
    for (i, cmd) in engine::console::split_commands(SCENARIO).iter().enumerate() {
        lab.run(cmd);
        lab.advance(250 * (i as u64 % 3));
        lab.advance(1_000);
    }
    let replayed = Lab::replay(11, lab.history());
    assert_eq!(replayed.world().state_hash(), lab.world().state_hash());
    assert_eq!(replayed.state_hash(), lab.state_hash());
    assert_eq!(replayed.now(), lab.now());
    // Ticks in a row are one step.
    assert!(!lab.history().windows(2).any(|w| matches!(w, [engine::Step::Advance(_), engine::Step::Advance(_)])));
}
