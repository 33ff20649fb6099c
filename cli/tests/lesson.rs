//! `ec2lab lesson …`: check (built-in and a directory on disk), list, and run from a pipe.

use std::io::Write;
use std::process::{Command, Stdio};

fn ec2lab(args: &[&str], stdin: &str) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ec2lab")).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("ec2lab runs");
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin.as_bytes());
    }
    let out = child.wait_with_output().expect("ec2lab ends");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code().unwrap_or(-1))
}

#[test]
fn check_builtin_content() {
    let c = lessons::Catalog::builtin().expect("valid");
    let (out, err, code) = ec2lab(&["lesson", "check"], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, format!("{} lessons, {} questions: all solvable\n", c.lessons.len(), c.questions.len()));
    let (out, _, code) = ec2lab(&["lesson", "list"], "");
    assert_eq!(code, 0);
    assert!(out.contains("ec2-basics — EC2 basics"));
}

#[test]
fn check_a_directory_with_problems() {
    let dir = std::env::temp_dir().join(format!("ec2lab-lesson-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("lessons")).expect("temp dir");
    std::fs::write(dir.join("topics.toml"), include_str!("../../lessons/content/topics.toml")).expect("write");
    std::fs::write(dir.join("lessons/bad.toml"), "format = 1\nid = \"bad\"\ntitle = \"Bad\"\ntopic = \"nope\"\nsummary = \"s\"\nlearn = [\"x\"]\nminutes = 3\n").expect("write");
    let d = dir.display().to_string();
    let (out, err, code) = ec2lab(&["lesson", "check", &d], "");
    assert_eq!(code, 1, "{out}");
    let bad = dir.join("lessons/bad.toml").display().to_string();
    assert!(err.contains(&format!("{bad}:1: a lesson needs at least one [[steps]]")), "{err}");
    assert!(err.ends_with("1 problem\n"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_a_lesson_from_a_pipe() {
    let c = lessons::Catalog::builtin().expect("valid");
    let Some(l) = c.lessons.first() else { return };
    let mut input = String::from("hint\nsolution\n");
    for s in &l.steps {
        input.push_str(s.solution.trim_end());
        input.push('\n');
    }
    let (out, err, code) = ec2lab(&["lesson", "run", &l.id], &input);
    assert_eq!(code, 0, "{out}\n{err}");
    for (n, s) in l.steps.iter().enumerate() {
        assert!(out.contains(&format!("✓ step {}: {}", n + 1, s.title)), "step {} did not tick:\n{out}", n + 1);
    }
    if let Some(h) = l.steps[0].hints.first() {
        assert!(out.contains(&format!("hint: {h}")));
    }
    assert!(out.contains("solution:\n"));
    assert!(out.contains(&format!("Lesson complete: {}.", l.title)));
    let (_, _, code) = ec2lab(&["lesson", "run", &l.id], "quit\n");
    assert_eq!(code, 1, "an unfinished lesson exits 1");
    let (_, err, code) = ec2lab(&["lesson", "run", "no-such-lesson"], "");
    assert_eq!((code, err.as_str()), (2, "ec2lab: no lesson \"no-such-lesson\" (see `ec2lab lesson list`)\n"));
}
