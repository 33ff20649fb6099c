//! Every recovery path of `load`, the round trips, export/import, the record methods and
//! `prune`.

use super::*;

fn sample() -> Progress {
    let mut p = Progress::new();
    p.pass_step("first-instance", 0);
    p.pass_step("first-instance", 1);
    p.complete_lesson("first-instance");
    p.pass_step("getting-onto-an-instance", 2);
    p.record_quiz(QuizAttempt { question_id: "basics-stop-start-ip".into(), chosen: vec![1], correct: true, at_ms: 1_700_000_000_000 });
    p.record_quiz(QuizAttempt { question_id: "basics-two".into(), chosen: vec![0, 3], correct: false, at_ms: 1_700_000_000_500 });
    let mut by_topic = BTreeMap::new();
    by_topic.insert("ec2-basics".to_string(), (7, 10));
    p.record_exam(ExamResult { taken_at_ms: 1_700_000_100_000, questions: 10, correct: 7, scaled_score: 760, passed: true, by_topic });
    p.log_command("aws ec2 describe-instances --query 'Reservations[].Instances[].State.Name'");
    p.log_command("echo \"héllo\" | jq .");
    p
}

/// A stored value that must come back as a fresh start with a message.
fn assert_fresh(raw: &str) -> String {
    let (p, msg) = load(Some(raw));
    assert_eq!(p, Progress::new(), "{raw:?}");
    let msg = msg.unwrap_or_else(|| panic!("no message for {raw:?}"));
    assert!(msg.starts_with("Your saved progress could not be read (") && msg.ends_with("The unreadable copy was kept as a download."), "{msg}");
    msg
}

/// A stored value of which only a part is kept, with a message.
fn assert_partial(raw: &str) -> (Progress, String) {
    let (p, msg) = load(Some(raw));
    let msg = msg.unwrap_or_else(|| panic!("no message for {raw:?}"));
    assert!(msg.starts_with("Part of your saved progress could not be read ("), "{msg}");
    assert_eq!(p.version, VERSION);
    (p, msg)
}

fn with(field: &str, value: Value) -> String {
    let mut v = to_value(&sample());
    v[field] = value;
    v.to_string()
}

#[test]
fn missing_or_blank_is_fresh_without_message() {
    assert_eq!(load(None), (Progress::new(), None));
    assert_eq!(load(Some("")), (Progress::new(), None));
    assert_eq!(load(Some("  \n")), (Progress::new(), None));
    assert_eq!(Progress::default(), Progress::new());
    assert_eq!(Progress::new().version, 1);
}

#[test]
fn storage_round_trip() {
    let p = sample();
    let s = to_storage(&p);
    assert!(s.starts_with("{\"kind\":\"ec2lab-progress\",\"version\":1,"), "{s}");
    assert_eq!(load(Some(&s)), (p.clone(), None));
    assert_eq!(load(Some(&to_storage(&Progress::new()))), (Progress::new(), None));
    // Pretty or compact, both are read.
    assert_eq!(load(Some(&export(&p))), (p, None));
}

#[test]
fn export_import_round_trip() {
    let p = sample();
    let e = export(&p);
    assert!(e.starts_with("{\n  \"kind\": \"ec2lab-progress\",\n  \"version\": 1,\n"), "{e}");
    assert!(e.ends_with("}\n"));
    assert_eq!(import(&e), Ok(p.clone()));
    assert_eq!(import(&format!("\u{feff}{e}")), Ok(p.clone()));
    assert_eq!(import(&to_storage(&p)), Ok(p));
    assert_eq!(import(&export(&Progress::new())), Ok(Progress::new()));
    // The version written is always ours.
    let mut odd = Progress::new();
    odd.version = 7;
    assert_eq!(import(&export(&odd)), Ok(Progress::new()));
}

#[test]
fn import_explains_a_wrong_file() {
    let err = |s: &str| import(s).expect_err(s);
    assert!(err("").contains("empty"));
    assert!(err("   ").contains("empty"));
    let e = err("hello");
    assert!(e.starts_with("This progress file cannot be imported: it is not valid JSON"), "{e}");
    for foreign in ["null", "[]", "42", "\"x\"", "{}", "{\"version\":1}", "{\"kind\":\"other\",\"version\":1}", "{\"name\":\"my-package\"}"] {
        let e = err(foreign);
        assert!(e.starts_with("This file is not an ec2lab progress export"), "{foreign}: {e}");
    }
    let e = err(&with("version", 99.into()));
    assert!(e.contains("newer version of ec2lab, format 99"), "{e}");
    let e = err(&with("version", 0.into()));
    assert!(e.contains("older version of ec2lab, format 0"), "{e}");
    let e = err(&with("sandbox_log", Value::from(vec![1, 2])));
    assert!(e.starts_with("This progress file is damaged and was not imported: unreadable sandbox log"), "{e}");
    let trunc = export(&sample());
    let e = err(&trunc[..trunc.len() / 2]);
    assert!(e.contains("not valid JSON"), "{e}");
}

#[test]
fn not_json_or_foreign_starts_fresh() {
    for raw in [
        "{not json",
        "undefined",
        "NaN",
        "[object Object]",
        "{'kind': 'ec2lab-progress'}",
        "{\"kind\":\"ec2lab-progress\",\"version\":1,}",
        "\u{0}\u{1}\u{2}",
        "1e400",
        "\u{feff}{}",
        "ÿþ{\"kind\"",
        "{\"kind\":\"ec2lab-progress\",\"version\":1} trailing",
    ] {
        let msg = assert_fresh(raw);
        assert!(msg.contains("it is not valid JSON"), "{raw:?}: {msg}");
    }
    for raw in ["null", "[]", "[1,2,3]", "0", "-1", "true", "\"ec2lab-progress\"", "{}", "{\"version\":1}", "{\"kind\":\"ec2lab-settings\",\"version\":1}", "{\"kind\":5}"] {
        let msg = assert_fresh(raw);
        assert!(msg.contains("it is not an ec2lab progress record"), "{raw:?}: {msg}");
    }
}

#[test]
fn other_versions_start_fresh() {
    let msg = assert_fresh(&with("version", 0.into()));
    assert!(msg.contains("older version of ec2lab, format 0; this version reads format 1"), "{msg}");
    let msg = assert_fresh(&with("version", 99.into()));
    assert!(msg.contains("newer version of ec2lab, format 99"), "{msg}");
    let msg = assert_fresh(&with("version", Value::from(u64::MAX)));
    assert!(msg.contains("newer version"), "{msg}");
    let msg = assert_fresh(&with("version", (-3).into()));
    assert!(msg.contains("older version"), "{msg}");
    for v in [Value::from("1"), Value::from(1.5), Value::Null, Value::from(vec![1])] {
        let msg = assert_fresh(&with("version", v));
        assert!(msg.contains("no valid format version"), "{msg}");
    }
    let mut v = to_value(&sample());
    v.as_object_mut().unwrap().remove("version");
    assert!(assert_fresh(&v.to_string()).contains("no valid format version"));
}

#[test]
fn truncated_json_starts_fresh() {
    let s = to_storage(&sample());
    for end in 1..s.len() {
        if s.is_char_boundary(end) {
            let msg = assert_fresh(&s[..end]);
            assert!(msg.contains("not valid JSON") || msg.contains("not an ec2lab"), "{end}: {msg}");
        }
    }
}

#[test]
fn wrong_types_keep_the_rest() {
    let good = sample();
    let cases: [(&str, Value, &str); 10] = [
        ("steps_passed", Value::from(vec![1, 2]), "steps passed"),
        ("steps_passed", serde_json::json!({"first-instance": "all"}), "steps passed"),
        ("steps_passed", serde_json::json!({"first-instance": [0, -1, "2", 1.5, null]}), "steps passed"),
        ("lessons_completed", Value::from("first-instance"), "lessons completed"),
        ("lessons_completed", serde_json::json!(["first-instance", 7, ""]), "lessons completed"),
        ("last_lesson", Value::from(5), "where you left off"),
        ("last_lesson", serde_json::json!({"id": "x", "step": 1}), "where you left off"),
        ("quiz_history", serde_json::json!({}), "quiz history"),
        ("exam_history", serde_json::json!([{"taken_at_ms": "yesterday"}]), "exam history"),
        ("sandbox_log", serde_json::json!(["ls", 5, {"cmd": "ls"}]), "sandbox log"),
    ];
    for (field, value, what) in cases {
        let (p, msg) = assert_partial(&with(field, value.clone()));
        assert!(msg.contains(what), "{field}={value}: {msg}");
        // Every other field survived.
        let mut expect = good.clone();
        let mut got = p.clone();
        for q in [&mut expect, &mut got] {
            match field {
                "steps_passed" => q.steps_passed.clear(),
                "lessons_completed" => q.lessons_completed.clear(),
                "last_lesson" => q.last_lesson = None,
                "quiz_history" => q.quiz_history.clear(),
                "exam_history" => q.exam_history.clear(),
                _ => q.sandbox_log.clear(),
            }
        }
        assert_eq!(got, expect, "{field}={value}");
    }
    // Valid entries of a damaged list are kept.
    let (p, _) = assert_partial(&with("steps_passed", serde_json::json!({"first-instance": [0, -1, "2", 3], "": [1], "x": []})));
    assert_eq!(p.steps_passed.len(), 1);
    assert_eq!(p.steps_passed["first-instance"], BTreeSet::from([0, 3]));
    let (p, _) = assert_partial(&with("sandbox_log", serde_json::json!(["ls", 5, "pwd", "   "])));
    assert_eq!(p.sandbox_log, vec!["ls", "pwd"]);
    let (p, _) = assert_partial(&with(
        "quiz_history",
        serde_json::json!([{"question_id": "q", "chosen": [1], "correct": true, "at_ms": 5}, {"question_id": "q"}, null, {"question_id": "r", "chosen": [-1], "correct": true, "at_ms": 5}]),
    ));
    assert_eq!(p.quiz_history, vec![QuizAttempt { question_id: "q".into(), chosen: vec![1], correct: true, at_ms: 5 }]);
}

#[test]
fn missing_fields_and_unknown_fields_are_fine() {
    assert_eq!(load(Some("{\"kind\":\"ec2lab-progress\",\"version\":1}")), (Progress::new(), None));
    let mut v = to_value(&sample());
    v["added_later"] = serde_json::json!({"anything": [1, 2]});
    v["last_lesson"] = Value::Null;
    let mut expect = sample();
    expect.last_lesson = None;
    assert_eq!(load(Some(&v.to_string())), (expect, None));
}

#[test]
fn absurd_sizes_are_capped() {
    let log: Vec<String> = (0..100_000).map(|i| format!("echo {i}")).collect();
    let (p, msg) = assert_partial(&with("sandbox_log", Value::from(log)));
    assert!(msg.contains("sandbox log (too long)"), "{msg}");
    assert_eq!(p.sandbox_log.len(), MAX_SANDBOX_LOG);
    assert_eq!(p.sandbox_log.last().map(String::as_str), Some("echo 99999"));
    assert_eq!(p.sandbox_log[0], format!("echo {}", 100_000 - MAX_SANDBOX_LOG));

    let quiz: Vec<Value> = (0..20_000).map(|i| serde_json::json!({"question_id": "q", "chosen": [0], "correct": i % 2 == 0, "at_ms": i})).collect();
    let (p, msg) = assert_partial(&with("quiz_history", Value::from(quiz)));
    assert!(msg.contains("quiz history (too long)"), "{msg}");
    assert_eq!(p.quiz_history.len(), MAX_QUIZ_HISTORY);
    assert_eq!(p.quiz_history.last().unwrap().at_ms, 19_999);

    let lessons: Map<String, Value> = (0..5000).map(|i| (format!("l{i}"), Value::from(vec![0]))).collect();
    let (p, msg) = assert_partial(&with("steps_passed", Value::Object(lessons)));
    assert!(msg.contains("too many lessons"), "{msg}");
    assert_eq!(p.steps_passed.len(), MAX_LESSONS);

    let (p, _) = assert_partial(&with("steps_passed", serde_json::json!({"a": [0, 1_000_000, 18_446_744_073_709_551_615u64, 1e300]})));
    assert_eq!(p.steps_passed["a"], BTreeSet::from([0]));

    let long_id = "x".repeat(MAX_ID_LEN + 1);
    let (p, _) = assert_partial(&with("lessons_completed", serde_json::json!([long_id, "ok"])));
    assert_eq!(p.lessons_completed, BTreeSet::from(["ok".to_string()]));
    let (p, _) = assert_partial(&with("sandbox_log", serde_json::json!(["y".repeat(MAX_COMMAND_LEN + 1), "ls"])));
    assert_eq!(p.sandbox_log, vec!["ls"]);

    let big = format!("{{\"kind\":\"ec2lab-progress\",\"version\":1,\"sandbox_log\":[\"{}\"]}}", "z".repeat(MAX_RAW_LEN));
    assert!(assert_fresh(&big).contains("too large: 17 MB"));
}

#[test]
fn deep_nesting_does_not_overflow() {
    for depth in [200, 100_000] {
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert_fresh(&arrays);
        let inside = format!("{{\"kind\":\"ec2lab-progress\",\"version\":1,\"sandbox_log\":{arrays}}}");
        let (p, msg) = load(Some(&inside));
        assert!(msg.is_some());
        assert!(p.sandbox_log.is_empty());
    }
}

/// A small deterministic generator for the garbage tests.
struct Xs(u64);
impl Xs {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn garbage_never_panics() {
    let mut r = Xs(0x9E37_79B9_7F4A_7C15);
    let good = export(&sample());
    let pieces = ["{", "}", "[", "]", ",", ":", "\"", "kind", "ec2lab-progress", "version", "1", "99", "-1", "null", "true", "steps_passed", "sandbox_log", "quiz_history", "last_lesson", "exam_history", "lessons_completed", "\\u0000", "\\", "é", "1e999", " "];
    for i in 0..4000 {
        let raw = if i % 2 == 0 {
            // A valid export with a few bytes changed.
            let mut b = good.clone().into_bytes();
            for _ in 0..(1 + r.next() % 4) {
                let at = (r.next() % b.len() as u64) as usize;
                let alphabet = b" {}[]\",:0123456789-abcnulltrue\\";
                b[at] = alphabet[(r.next() % alphabet.len() as u64) as usize];
            }
            String::from_utf8_lossy(&b).into_owned()
        } else {
            (0..r.next() % 30).map(|_| pieces[(r.next() % pieces.len() as u64) as usize]).collect()
        };
        let (p, msg) = load(Some(&raw));
        assert_eq!(p.version, VERSION);
        assert!(p.sandbox_log.len() <= MAX_SANDBOX_LOG);
        if msg.is_none() {
            // Whatever loads cleanly round-trips.
            assert_eq!(load(Some(&to_storage(&p))), (p.clone(), None));
        }
        let _ = import(&raw);
    }
}

#[test]
fn record_methods() {
    let mut p = Progress::new();
    assert!(p.pass_step("a", 0));
    assert!(!p.pass_step("a", 0));
    assert!(p.step_passed("a", 0) && !p.step_passed("a", 1) && !p.step_passed("b", 0));
    assert_eq!(p.steps_done("a"), 1);
    assert_eq!(p.last_lesson, Some(("a".into(), 0)));
    assert!(!p.pass_step("", 0));
    assert!(!p.pass_step("a", MAX_STEPS));
    p.set_last("b", 3);
    assert_eq!(p.last_lesson, Some(("b".into(), 3)));
    assert!(p.complete_lesson("a") && !p.complete_lesson("a") && p.lesson_completed("a"));
    p.reset_lesson("a");
    assert!(!p.lesson_completed("a") && p.steps_done("a") == 0);
    assert_eq!(p.last_lesson, Some(("b".into(), 3)));
    p.reset_lesson("b");
    assert_eq!(p.last_lesson, None);

    for i in 0..(MAX_SANDBOX_LOG + 10) {
        p.log_command(&format!("cmd {i}"));
    }
    p.log_command("   ");
    assert_eq!(p.sandbox_log.len(), MAX_SANDBOX_LOG);
    assert_eq!(p.sandbox_log[0], "cmd 10");
    let long = "é".repeat(MAX_COMMAND_LEN); // two bytes each
    p.log_command(&long);
    let last = p.sandbox_log.last().unwrap();
    assert!(last.len() <= MAX_COMMAND_LEN && last.chars().all(|c| c == 'é'));

    for i in 0..(MAX_EXAM_HISTORY + 3) {
        p.record_exam(ExamResult { taken_at_ms: i as u64, ..Default::default() });
    }
    assert_eq!(p.exam_history.len(), MAX_EXAM_HISTORY);
    assert_eq!(p.exam_history[0].taken_at_ms, 3);
    p.record_quiz(QuizAttempt { question_id: "q1".into(), chosen: vec![0], correct: false, at_ms: 1 });
    p.record_quiz(QuizAttempt { question_id: "q1".into(), chosen: vec![1], correct: true, at_ms: 2 });
    p.record_quiz(QuizAttempt { question_id: "".into(), chosen: vec![1], correct: true, at_ms: 3 });
    assert_eq!(p.quiz_history.len(), 2);
    assert_eq!(p.latest_answers().get("q1"), Some(&true));
    // Whatever the methods build loads back cleanly.
    assert_eq!(load(Some(&to_storage(&p))), (p.clone(), None));
}

#[test]
fn pass_step_of_completes_the_lesson() {
    let catalog = Catalog::builtin().expect("built-in content");
    let lesson = &catalog.lessons[0];
    let mut p = Progress::new();
    let n = lesson.steps.len();
    assert!(n >= 2);
    for s in 0..n - 1 {
        assert!(!p.pass_step_of(lesson, s));
    }
    assert!(!p.pass_step_of(lesson, n)); // beyond the end: ignored
    assert!(!p.lesson_completed(&lesson.id));
    assert!(p.pass_step_of(lesson, n - 1));
    assert!(p.lesson_completed(&lesson.id));
    assert!(!p.pass_step_of(lesson, n - 1));
}

#[test]
fn prune_drops_what_the_catalog_does_not_know() {
    let catalog = Catalog::builtin().expect("built-in content");
    let lesson = &catalog.lessons[0];
    let n = lesson.steps.len();
    let mut p = sample();
    p.steps_passed.clear();
    p.lessons_completed.clear();
    p.pass_step(&lesson.id, 0);
    p.pass_step(&lesson.id, n + 5);
    p.pass_step("no-such-lesson", 0);
    p.pass_step("no-such-lesson", 1);
    p.complete_lesson(&lesson.id);
    p.complete_lesson("gone");
    p.set_last(&lesson.id, n + 5);
    let quiz = p.quiz_history.clone();
    assert_eq!(p.prune(&catalog), 4);
    assert_eq!(p.steps_passed.keys().collect::<Vec<_>>(), vec![&lesson.id]);
    assert_eq!(p.steps_passed[&lesson.id], BTreeSet::from([0]));
    assert_eq!(p.lessons_completed, BTreeSet::from([lesson.id.clone()]));
    assert_eq!(p.last_lesson, Some((lesson.id.clone(), n - 1)));
    assert_eq!(p.quiz_history, quiz);
    p.set_last("gone", 0);
    assert_eq!(p.prune(&catalog), 1);
    assert_eq!(p.last_lesson, None);
    assert_eq!(p.prune(&catalog), 0);
}
