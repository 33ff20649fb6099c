//! Transcript tests: `transcripts/NAME.txt` holds console input; `NAME.out` beside it holds what the
//! console answered, command by command. Re-record with `UPDATE_TRANSCRIPTS=1 cargo test -p ec2lab-tests`.
//!
//! Output format, per command: `$ ` and the command (continuation lines `> `), then stdout as-is,
//! stderr lines prefixed with `! `, and `[exit N]` when the status is not 0 (not after a comment-only line).

use engine::Lab;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("transcripts")
}

pub fn render(lab: &mut Lab, script: &str) -> String {
    let mut out = String::new();
    for (cmd, o) in lab.run_script(script) {
        for (i, line) in cmd.lines().enumerate() {
            out.push_str(if i == 0 { "$ " } else { "> " });
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&o.stdout);
        if !o.stdout.is_empty() && !o.stdout.ends_with('\n') {
            out.push_str("\n[no newline at end of stdout]\n");
        }
        for line in o.stderr.lines() {
            out.push_str("! ");
            out.push_str(line);
            out.push('\n');
        }
        // A comment-only line runs nothing (bash keeps the previous `$?`): no status to show.
        let comment_only = cmd.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
        if o.exit != 0 && !comment_only {
            out.push_str(&format!("[exit {}]\n", o.exit));
        }
    }
    out
}

#[test]
fn transcripts_match() {
    // `UPDATE_TRANSCRIPTS=1` re-records every transcript; `UPDATE_TRANSCRIPTS=04-shell,ssm-parameters`
    // only those (by file stem), leaving the others checked as usual.
    let update_list: Option<Vec<String>> = std::env::var("UPDATE_TRANSCRIPTS").ok().map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/transcripts exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no transcripts found");
    let mut failures = Vec::new();
    for input in inputs {
        let script = std::fs::read_to_string(&input).expect("readable transcript");
        // A transcript may pin its seed on its first line: `# seed: 7`.
        let seed = script
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# seed:"))
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(1);
        let mut lab = Lab::new(seed);
        let got = render(&mut lab, &script);
        let expected_path = input.with_extension("out");
        let stem = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let update = update_list.as_ref().is_some_and(|l| l.iter().any(|n| n == "1" || *n == stem));
        if update {
            std::fs::write(&expected_path, &got).expect("write transcript");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != got {
            let first = expected.lines().zip(got.lines()).position(|(a, b)| a != b).unwrap_or(expected.lines().count().min(got.lines().count()));
            failures.push(format!(
                "{}: differs at line {}\n  expected: {:?}\n  got:      {:?}",
                input.display(),
                first + 1,
                expected.lines().nth(first).unwrap_or("<end>"),
                got.lines().nth(first).unwrap_or("<end>")
            ));
        }
    }
    assert!(failures.is_empty(), "transcripts differ (re-record with UPDATE_TRANSCRIPTS=1 if the change is intended):\n{}", failures.join("\n"));
}
