//! Random and hostile console input never panics (a panic in wasm kills the page).

use engine::Lab;
use rand::{Rng, SeedableRng};

const FRAGMENTS: &[&str] = &[
    "aws", "ec2", "ssm", "run-instances", "describe-instances", "stop-instances", "--instance-ids", "i-0123456789abcdef0",
    "--image-id", "resolve:ssm:", "--count", "0", "-1", "99999999999999999999", "--filters", "Name=,Values=", "[{", "}]",
    "--query", "'Reservations[].Instances[]'", "--output", "table", "text", "json", "lab", "advance", "connect", "reset",
    "ssh", "-i", "key.pem", "ec2-user@", "curl", "http://", "169.254.169.254", "echo", "$(", ")", "`", "'", "\"", "\\",
    "|", "&&", "||", ";", ">", ">>", "<", "2>&1", "<<EOF", "EOF", "$?", "${", "}", "*", "~", "jq", ".[]", "base64", "-d",
    "sleep", "1e309", "exit", "cat", "/dev/null", "\u{0}", "é", "💥", "\n", "\t", "--tag-specifications",
    "ResourceType=instance,Tags=[{Key=Name,Value=x}]", "--user-data", "file://nope", "--cli-input-json", "{}", "wait",
    "instance-running", "help", "--region", "moon-1", "for", "in", "do", "done", "while", "true", "if", "then", "fi",
];

#[test]
fn random_input_never_panics() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
    let mut lab = Lab::new(3);
    for round in 0..1500 {
        let n = rng.random_range(1..12);
        let mut line = String::new();
        for _ in 0..n {
            if rng.random_bool(0.1) {
                let bytes: Vec<u8> = (0..rng.random_range(1..8)).map(|_| rng.random()).collect();
                line.push_str(&String::from_utf8_lossy(&bytes));
            } else {
                line.push_str(FRAGMENTS[rng.random_range(0..FRAGMENTS.len())]);
            }
            line.push(' ');
        }
        let _ = lab.run(&line);
        if round % 300 == 299 {
            lab = Lab::new(round);
        }
    }
}

#[test]
fn known_nasty_inputs() {
    let mut lab = Lab::new(1);
    let nasty = [
        "", " ", "\n\n", "$(", "`", "'", "\"", "echo $(((((((", "$((1/0))", "echo ${x:?boom}", "aws", "aws ec2",
        "aws ec2 run-instances", "aws ec2 run-instances --image-id", "aws ec2 run-instances --image-id ami-x --count 5:2",
        "aws ec2 describe-instances --filters '[{\"Name\": 5}]'", "aws ec2 describe-instances --query '[[['",
        "aws ec2 wait instance-running --instance-ids i-0000000000000000", "lab advance 99999999999d", "lab connect",
        "ssh", "ssh -i", "ssh @", "curl", "curl http://:99999", "jq", "jq '.[' ", "echo '{' | jq .", "base64 -d <<< '!!!'",
        "cat < /nonexistent", "yes", "x=$(x=$(x=$(x=$(echo hi))))", "printf '%'", "printf '%999999999d' 1",
        "head -n -99999999999999999999", "sort -k 0", "cut -f 0", "tr", "sleep -5", "sleep 1e400", "exit 999999999999",
        "for i in $(seq 1 1000000); do :; done", "while true; do echo; done",
        "aws ec2 create-key-pair --key-name ''", "aws ec2 authorize-security-group-ingress --group-name default --protocol tcp --port 99999 --cidr 1.2.3.4/99",
    ];
    for n in nasty {
        let _ = lab.run(n);
    }
    // The console still works afterwards.
    let o = lab.run("echo still here");
    assert_eq!(o.stdout, "still here\n");
}

/// User data is opaque to EC2 and handed to cloud-init at boot: random bytes, broken YAML, broken
/// MIME, truncated gzip and deep nesting must all boot without a panic, and the instance must
/// still be running afterwards (a bad bootstrap never stops an instance).
#[test]
fn hostile_user_data_boots_without_panic() {
    use base64::Engine as _;
    use engine::compute::{RunRequest, State};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
    let mut samples: Vec<Vec<u8>> = vec![
        b"#cloud-config\n".to_vec(),
        b"#cloud-config\npackages: [httpd\nruncmd: {".to_vec(),
        b"#cloud-config\nwrite_files:\n  - path: \n    content: !!binary |\n      ***\n".to_vec(),
        format!("#cloud-config\nruncmd: {}{}\n", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
        b"#cloud-config\nusers: 7\nbootcmd: 'x'\nwrite_files: [{path: /etc/x, encoding: gz+b64, content: '!!'}]\n".to_vec(),
        b"Content-Type: multipart/mixed; boundary=\"\"\n\n--\n".to_vec(),
        b"Content-Type: multipart/mixed; boundary=\"X\"\nMIME-Version: 1.0\n\n--X\nContent-Type: text/x-shellscript\n\n#!/bin/sh\nexit 3\n--X".to_vec(),
        vec![0x1f, 0x8b, 0x08, 0x00, 0xff, 0xff],
        b"#!/bin/bash\nwhile true; do :; done\n".to_vec(),
        b"#!/bin/bash\nsleep 99999999999; rm -rf /; echo $((1/0))\n".to_vec(),
        b"#cloud-boothook\n#!/bin/sh\nfor i in $(seq 1 100000); do echo $i; done\n".to_vec(),
        b"#include\nhttp://169.254.169.254/\n".to_vec(),
        b"## template: jinja\n#cloud-config\n{{ v1.x }}\n".to_vec(),
        b"\xff\xfe\x00#!".to_vec(),
    ];
    for _ in 0..12 {
        let n = rng.random_range(1..600);
        samples.push((0..n).map(|_| rng.random()).collect());
    }
    for (i, data) in samples.iter().enumerate() {
        let mut world = engine::World::new(i as u64);
        let req = RunRequest {
            image_id: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64".into(),
            instance_type: Some("t3.micro".into()),
            min_count: 1,
            max_count: 1,
            user_data: Some(base64::engine::general_purpose::STANDARD.encode(data)),
            ..Default::default()
        };
        let Ok((_, ids)) = world.run_instances(req) else { continue };
        world.advance(10 * 60 * 1000);
        let inst = world.compute.get(&ids[0]).expect("launched");
        assert_eq!(inst.state, State::Running, "sample {i}");
        // A reboot runs the per-boot stages again.
        world.reboot_instances(&ids).expect("reboot");
        world.advance(10 * 60 * 1000);
    }
}
