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
