//! The `ec2lab` binary (this test lives beside the binary so cargo builds it first).

use serde_json::Value;

#[test]
fn binary_prints_jsonl() {
    let bin = env!("CARGO_BIN_EXE_ec2lab");
    let mut child = std::process::Command::new(bin)
        .args(["--seed", "3", "--jsonl"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("ec2lab runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"echo one\nlab advance 90s\ncat <<EOF\nmulti\nline\nEOF\nnosuchcommand\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["stdout"], "one\n");
    assert_eq!(lines[0]["clock"], "2026-01-05T09:00:00Z");
    assert_eq!(lines[1]["clock"], "2026-01-05T09:01:30Z");
    assert_eq!(lines[2]["input"], "cat <<EOF\nmulti\nline\nEOF");
    assert_eq!(lines[2]["stdout"], "multi\nline\n");
    assert_eq!(lines[3]["exit"], 127);
    assert_eq!(lines[3]["stderr"], "bash: nosuchcommand: command not found\n");
}

#[test]
fn exit_on_the_workstation_ends_the_script() {
    let bin = env!("CARGO_BIN_EXE_ec2lab");
    let mut child = std::process::Command::new(bin)
        .args(["--seed", "1"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("ec2lab runs");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"echo before\nexit 3\necho after\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "before\n");
    assert_eq!(out.status.code(), Some(3));
}
