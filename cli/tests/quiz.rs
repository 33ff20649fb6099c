//! `ec2lab quiz` and `ec2lab exam` from a pipe, garbage input, and the exam state's JSON round trip.

use lessons::exam::{letter, Exam, ExamResult, Practice, ShownQuestion};
use std::io::Write;
use std::process::{Command, Stdio};

fn ec2lab(args: &[&str], stdin: &[u8]) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ec2lab")).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("ec2lab runs");
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin);
    }
    let out = child.wait_with_output().expect("ec2lab ends");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code().unwrap_or(-1))
}

fn catalog() -> lessons::Catalog {
    lessons::Catalog::builtin().expect("valid")
}

fn typed(positions: &[usize]) -> String {
    positions.iter().map(|&p| letter(p).to_string()).collect::<Vec<_>>().join(",")
}

fn right(q: &ShownQuestion) -> String {
    typed(&q.correct_positions())
}

fn wrong(q: &ShownQuestion) -> String {
    let w: Vec<usize> = (0..q.options.len()).filter(|&p| !q.options[p].correct).take(q.choose).collect();
    typed(&w)
}

#[test]
fn quiz_from_a_pipe() {
    let c = catalog();
    let mut p = Practice::new(&c, Some("ec2-basics"), 5).unwrap();
    p.limit(3);
    // First answer: the wrong number of options (an error, asked again), then wrong; then right, right.
    let first = &p.questions[0];
    let too_many = typed(&(0..first.choose + 1).collect::<Vec<_>>());
    let input = format!("{too_many}\n{}\n{}\n{}\n", wrong(first), right(&p.questions[1]), right(&p.questions[2]));
    let (out, err, code) = ec2lab(&["quiz", "ec2-basics", "--seed", "5", "--count", "3"], input.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("Practice: ec2-basics — EC2 basics, 3 questions (seed 5;"), "{out}");
    assert!(out.contains("? choose exactly"), "{out}");
    assert!(out.contains(&format!("✗ Wrong: the answer is {}", right(first).replace(',', ", "))), "{out}");
    assert_eq!(out.matches("✓ Right.").count(), 2, "{out}");
    for o in &first.options {
        assert!(out.contains(o.why.trim()), "every option's why is shown");
    }
    assert!(out.contains("── Question 3/3 · ec2-basics"));
    assert!(out.trim_end().ends_with("Score: 2/3 right (1 wrong, 0 skipped, 0 not reached)."), "{out}");
    // Same seed, same text.
    assert_eq!(ec2lab(&["quiz", "ec2-basics", "--seed", "5", "--count", "3"], input.as_bytes()).0, out);
}

#[test]
fn exam_passes_at_seven_of_ten_and_fails_at_six() {
    let c = catalog();
    let e = Exam::new(&c, 10, 21, &[], 0).unwrap();
    for (n_right, line) in [(7, "Scaled score: 730 / 1000, pass mark 720: PASS"), (6, "Scaled score: 640 / 1000, pass mark 720: FAIL")] {
        let mut input = String::new();
        for (i, q) in e.questions.iter().enumerate() {
            input.push_str(&if i < n_right { right(q) } else { wrong(q) });
            input.push('\n');
        }
        input.push_str("review\nfinish\n");
        let (out, err, code) = ec2lab(&["exam", "--length", "10", "--seed", "21"], input.as_bytes());
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("Time limit: 20 minutes"), "{out}");
        assert!(out.contains("Review: 10 answered, 0 unanswered, 0 marked for review."), "{out}");
        assert!(out.contains(&format!("Correct: {n_right} of 10 (10 answered)")), "{out}");
        assert!(out.contains(line), "{out}");
        assert!(out.contains("approximation"));
        // Results by topic: each topic's share of the ten, and how many of those were right.
        let mut by_topic: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for (i, q) in e.questions.iter().enumerate() {
            let t = by_topic.entry(q.topic.as_str()).or_default();
            t.1 += 1;
            if i < n_right {
                t.0 += 1;
            }
        }
        for (topic, (r, total)) in by_topic {
            assert!(out.contains(&format!("  {topic:<24} {r}/{total}")), "{topic} {r}/{total}: {out}");
        }
    }
}

#[test]
fn exam_mark_review_change_and_time_out() {
    let c = catalog();
    let e = Exam::new(&c, 10, 8, &[], 0).unwrap();
    let q1 = &e.questions[0];
    // Answer 1 wrong, mark 2, go back and change 1 to right, review, finish.
    let input = format!("{}\nmark\n1\n{}\nreview\nfinish\n", wrong(q1), right(q1));
    let (out, _, code) = ec2lab(&["exam", "--seed", "8"], input.as_bytes());
    assert_eq!(code, 0);
    assert!(out.contains("Question 2: marked for review."), "{out}");
    assert!(out.contains("Review: 1 answered, 9 unanswered, 1 marked for review."), "{out}");
    assert!(out.contains("   2  unanswered        marked"), "{out}");
    assert!(out.contains("Correct: 1 of 10 (1 answered)"), "{out}");
    assert!(out.contains("Scaled score: 190 / 1000"), "{out}");

    // The virtual clock: one minute per accepted answer, 20 minutes for 10 questions.
    let input = format!("1\n{}\n", right(q1)).repeat(21);
    let (out, _, code) = ec2lab(&["exam", "--seed", "8"], input.as_bytes());
    assert_eq!(code, 0);
    assert_eq!(out.matches("Question 1: answered").count(), 20, "{out}");
    assert!(out.contains("Time is up: that answer came too late."), "{out}");
    assert!(out.contains("Time ran out after 20 minutes."), "{out}");
    assert!(out.contains("Correct: 1 of 10"), "{out}");

    // Quitting gives no result; end of input hands the exam in.
    let (out, _, code) = ec2lab(&["exam", "--seed", "8"], b"quit\n");
    assert_eq!(code, 1);
    assert!(out.contains("Exam abandoned") && !out.contains("Scaled score"));
    let (out, _, code) = ec2lab(&["exam", "--seed", "8"], b"");
    assert_eq!(code, 0);
    assert!(out.contains("(end of input: handing the exam in)") && out.contains("Scaled score: 100 / 1000, pass mark 720: FAIL"), "{out}");
}

#[test]
fn a_short_bank_says_so() {
    let c = catalog();
    let (out, _, code) = ec2lab(&["exam", "--length", "65", "--seed", "2"], b"finish\n");
    assert_eq!(code, 0);
    let e = Exam::new(&c, 65, 2, &[], 0).unwrap();
    if e.len() < 65 {
        assert!(out.contains(&e.shortfall().unwrap()), "{out}");
    }
    assert!(out.contains(&format!("Time limit: {} minutes", e.time_limit_minutes())), "{out}");
}

#[test]
fn garbage_input_and_bad_arguments() {
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut junk = Vec::new();
    for _ in 0..4000 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        junk.push(if rng.is_multiple_of(7) { b'\n' } else { (rng >> 24) as u8 });
    }
    let words = "\n\n,,,\n a , , c \nz\nA,A\n9999999999999999999999\n0\n-1\ngoto\ngoto x\nmark\nmark\nunmark\nclear\nclear\nprev\nprev\nnext\nreview\ntime\nhelp\n🙂\n\u{0}\n".repeat(3);
    for args in [&["quiz", "--seed", "1"][..], &["exam", "--seed", "1"][..], &["exam", "--length", "20", "--seed", "1"][..]] {
        for input in [words.as_bytes(), &junk[..], b"\xff\xfe\n"] {
            let (out, err, code) = ec2lab(args, input);
            assert!(!err.contains("panicked"), "{args:?}: {err}");
            assert_eq!(code, 0, "{args:?}: {err}\n{out}");
            if args[0] == "exam" {
                assert!(out.contains("Scaled score:"), "{args:?}: the exam is handed in at the end of input\n{out}");
            } else {
                assert!(out.contains("Score:"), "{out}");
            }
        }
    }
    for (args, msg) in [
        (&["exam", "--length", "7"][..], "an exam has 10, 20 or 65 questions, not 7"),
        (&["exam", "--length"][..], "--length needs 10, 20 or 65"),
        (&["exam", "--topic", "nope"][..], "no topic \"nope\""),
        (&["exam", "extra"][..], "unexpected extra"),
        (&["quiz", "nope"][..], "no topic \"nope\""),
        (&["quiz", "--count", "0"][..], "--count needs a number above 0"),
        (&["quiz", "--seed", "x"][..], "--seed needs a number"),
        (&["quiz", "a", "b"][..], "only one TOPIC"),
    ] {
        let (_, err, code) = ec2lab(args, b"");
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(msg), "{args:?}: {err}");
    }
    let (out, _, code) = ec2lab(&["quiz", "--help"], b"");
    assert!(code == 0 && out.starts_with("usage: ec2lab quiz"));
}

#[test]
fn exam_state_and_results_survive_json() {
    let c = catalog();
    let mut e = Exam::new(&c, 20, 3, &[], 1_000).unwrap();
    let q0 = e.questions[0].clone();
    e.answer(0, &q0.correct_positions(), 2_000).unwrap();
    e.mark_for_review(4).unwrap();
    let saved = serde_json::to_string(&e).unwrap();
    let mut back: Exam = serde_json::from_str(&saved).unwrap();
    assert_eq!(back, e);
    let r = back.finish(3_000);
    let r2: ExamResult = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(r2, r);
    assert_eq!(r.correct, 1);
    let mut p = Practice::new(&c, None, 9).unwrap();
    let q = p.current().unwrap().clone();
    let fb = p.answer(&q.correct_positions()).unwrap();
    let back: Practice = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    assert_eq!(back, p);
    assert_eq!(serde_json::from_str::<lessons::exam::Feedback>(&serde_json::to_string(&fb).unwrap()).unwrap(), fb);

    // Foreign or broken JSON is an error, not a panic; an edited but well-formed state still works.
    for bad in ["", "{}", "[]", "null", "{\"seed\": -1}", &saved[..saved.len() / 2]] {
        assert!(serde_json::from_str::<Exam>(bad).is_err(), "{bad}");
    }
    let mut v: serde_json::Value = serde_json::from_str(&saved).unwrap();
    v["answers"] = serde_json::json!([[99, 100], null, []]);
    v["marked"] = serde_json::json!([]);
    v["limit_ms"] = serde_json::json!(u64::MAX);
    v["questions"][1]["options"] = serde_json::json!([]);
    let mut edited: Exam = serde_json::from_value(v).unwrap();
    let _ = edited.review();
    let _ = edited.answer(1, &[0], 5_000);
    let _ = edited.mark_for_review(19);
    let r = edited.finish(u64::MAX);
    assert_eq!(r.questions, 20);
    assert_eq!(r.correct, 0);
}
