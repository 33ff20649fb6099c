//! Parsing, validation messages, the observer's purity, predicates, and the replay of every
//! built-in lesson.

use crate::*;
use engine::Lab;

const TOPICS: &str = "format = 1\n[[topics]]\nid = \"ec2-basics\"\norder = 1\nsimulated = true\ntitle = \"EC2 basics\"\nsummary = \"s\"\n";

const LESSON: &str = r#"format = 1
id = "demo"
title = "Demo"
topic = "ec2-basics"
summary = "s"
learn = ["x"]
minutes = 5

[[steps]]
title = "Make a file"
prose = "p"
task = "t"
hints = ["first", "second"]
explain = "e"
solution = "echo hi > note.txt"

[[steps.checks]]
query = "cat note.txt"
expect = "hi"
"#;

fn src(path: &str, text: &str) -> Source {
    Source { path: path.into(), text: text.into() }
}

fn load(lesson: &str) -> Result<Catalog, Vec<Problem>> {
    Catalog::from_sources(&[src("c/topics.toml", TOPICS), src("c/lessons/demo.toml", lesson)])
}

fn errors(lesson: &str) -> Vec<String> {
    match load(lesson) {
        Ok(_) => vec![],
        Err(p) => p.iter().map(|p| p.to_string()).collect(),
    }
}

fn questions(q: &str) -> Vec<String> {
    match Catalog::from_sources(&[src("c/topics.toml", TOPICS), src("c/questions/q.toml", q)]) {
        Ok(_) => vec![],
        Err(p) => p.iter().map(|p| p.to_string()).collect(),
    }
}

fn one(errs: Vec<String>, want: &str) {
    assert!(errs.iter().any(|e| e == want), "wanted {want:?}, got {errs:#?}");
}

#[test]
fn a_valid_lesson_loads_and_replays() {
    let c = load(LESSON).expect("valid");
    assert_eq!(c.lessons.len(), 1);
    let l = &c.lessons[0];
    assert_eq!((l.id.as_str(), l.seed, l.steps[0].line, l.steps[0].checks[0].line), ("demo", 1, 9, 17));
    assert_eq!(verify_lesson(l), vec![]);
}

#[test]
fn syntax_and_shape_errors_have_lines() {
    one(errors(&LESSON.replace("minutes = 5", "minutes = 5\ncolour = \"red\"")), "c/lessons/demo.toml:8: unknown field `colour`, expected one of `format`, `id`, `title`, `topic`, `summary`, `learn`, `minutes`, `prerequisites`, `seed`, `disabled_commands`, `start`, `steps`");
    let e = errors(&LESSON.replace("title = \"Demo\"", "title = \"Demo"));
    assert!(e[0].starts_with("c/lessons/demo.toml:3: "), "{e:?}");
    let e = errors(&LESSON.replace("expect = \"hi\"", "expect = \"hi\"\nexpcet = 1"));
    assert!(e[0].starts_with("c/lessons/demo.toml:20: unknown field `expcet`"), "{e:?}");
}

#[test]
fn format_version() {
    one(errors(&LESSON.replace("format = 1", "format = 2")), "c/lessons/demo.toml:1: format 2 is not supported: this ec2lab reads format 1");
    one(errors(&LESSON.replace("format = 1\n", "")), "c/lessons/demo.toml:1: missing `format = 1` (the file format version)");
}

#[test]
fn references_and_ids() {
    one(errors(&LESSON.replace("topic = \"ec2-basics\"", "topic = \"ec2-basic\"")), "c/lessons/demo.toml:4: unknown topic \"ec2-basic\" (not in topics.toml)");
    one(errors(&LESSON.replace("minutes = 5", "minutes = 5\nprerequisites = [\"nope\"]")), "c/lessons/demo.toml:8: unknown prerequisite \"nope\" (no lesson has that id)");
    one(errors(&LESSON.replace("id = \"demo\"", "id = \"other\"")), "c/lessons/demo.toml:2: lesson id \"other\" must match the file name (demo.toml)");
    let dup = Catalog::from_sources(&[src("a/topics.toml", TOPICS), src("b/topics.toml", TOPICS)]).unwrap_err();
    assert_eq!(dup[0].to_string(), "b/topics.toml:3: duplicate topic id \"ec2-basics\" (first at a/topics.toml:3)");
    one(errors(&LESSON.replace("minutes = 5", "minutes = 5\ndisabled_commands = [\"ls\"]")), "c/lessons/demo.toml:8: cannot disable \"ls\": not a lab command (one of aws, lab, help, ssh, curl, ping)");
    one(errors(&LESSON.replace("minutes = 5", "minutes = 0")), "c/lessons/demo.toml:7: minutes = 0: expected 1 to 240");
}

#[test]
fn step_and_check_errors() {
    let no_checks = LESSON.split("[[steps.checks]]").next().unwrap_or("").to_string();
    one(errors(&no_checks), "c/lessons/demo.toml:9: step 1 has no checks: add at least one [[steps.checks]]");
    one(errors(&LESSON.replace("query = \"cat note.txt\"\nexpect = \"hi\"", "check = \"instance_cnt\"\nexact = 1")), "c/lessons/demo.toml:17: unknown check \"instance_cnt\": use one of instance_count, file_on_instance, ssh_reachable, port_open_from_workstation, connected_to");
    one(errors(&LESSON.replace("expect = \"hi\"", "expect_match = \"(hi\"")), "c/lessons/demo.toml:17: expect_match \"(hi\" is not a valid regex: found open group without closing ')'");
    one(errors(&LESSON.replace("expect = \"hi\"", "")), "c/lessons/demo.toml:17: a query needs `expect`, `expect_match` or `expect_exit`");
    one(errors(&LESSON.replace("query = \"cat note.txt\"\nexpect = \"hi\"", "check = \"ssh_reachable\"\nport = 22")), "c/lessons/demo.toml:17: check \"ssh_reachable\" does not take `port` (it takes tag_name)");
    one(errors(&LESSON.replace("query = \"cat note.txt\"\nexpect = \"hi\"", "check = \"ssh_reachable\"")), "c/lessons/demo.toml:17: check \"ssh_reachable\" needs `tag_name`");
    one(errors(&LESSON.replace("query = \"cat note.txt\"\nexpect = \"hi\"", "check = \"instance_count\"\nstate = \"up\"\nmin = 1")), "c/lessons/demo.toml:17: unknown state \"up\": use one of pending, running, shutting-down, terminated, stopping, stopped");
    one(errors(&LESSON.replace("prose = \"p\"", "prose = \" \"")), "c/lessons/demo.toml:9: `step 1: prose` is empty");
}

const Q: &str = r#"format = 1
[[questions]]
id = "q1"
topic = "ec2-basics"
difficulty = 1
kind = "single"
fact = "f"
scenario = "s"
[[questions.options]]
text = "a"
correct = true
why = "w"
[[questions.options]]
text = "b"
correct = false
why = "w"
[[questions.options]]
text = "c"
correct = false
why = "w"
"#;

#[test]
fn question_errors() {
    assert_eq!(questions(Q), Vec::<String>::new());
    one(questions(&Q.replace("correct = false", "correct = true")), "c/questions/q.toml:2: single-answer question \"q1\" has 3 correct options: exactly 1");
    one(questions(&Q.replace("kind = \"single\"", "kind = \"multiple\"\nchoose = 2")), "c/questions/q.toml:2: choose = 2 but 1 options are correct");
    one(questions(&Q.replace("kind = \"single\"", "kind = \"multiple\"")), "c/questions/q.toml:2: a multiple-answer question needs `choose` (how many to pick)");
    let two = Q.rsplitn(2, "[[questions.options]]").nth(1).unwrap_or("").to_string();
    one(questions(&two), "c/questions/q.toml:2: question \"q1\" has 2 options: at least 3");
    one(questions(&Q.replace("text = \"b\"", "text = \"\"")), "c/questions/q.toml:2: `option 2: text` is empty");
    one(questions(&Q.replace("topic = \"ec2-basics\"", "topic = \"nope\"")), "c/questions/q.toml:4: unknown topic \"nope\" (not in topics.toml)");
    let dup = format!("{Q}{}", Q.replace("format = 1\n", ""));
    one(questions(&dup), "c/questions/q.toml:21: duplicate question id \"q1\" (first at c/questions/q.toml:2)");
    one(questions(&Q.replace("difficulty = 1", "difficulty = 4")), "c/questions/q.toml:2: difficulty = 4: expected 1, 2 or 3");
}

#[test]
fn replay_finds_unsolvable_and_already_solved_steps() {
    let pre_solved = LESSON.replace("summary = \"s\"", "summary = \"s\"\nstart = \"echo hi > note.txt\"");
    let l = load(&pre_solved).expect("valid").lessons.remove(0);
    assert_eq!(verify_lesson(&l)[0].to_string(), "c/lessons/demo.toml:10: step 1 (Make a file): the start state already passes its checks");
    let wrong = LESSON.replace("solution = \"echo hi > note.txt\"", "solution = \"echo ho > note.txt\"");
    let l = load(&wrong).expect("valid").lessons.remove(0);
    assert_eq!(verify_lesson(&l)[0].to_string(), "c/lessons/demo.toml:17: step 1 (Make a file): check fails after the solution: `cat note.txt` printed \"ho\", expected \"hi\"");
    let failing = LESSON.replace("solution = \"echo hi > note.txt\"", "solution = \"\"\"\nfalse\necho hi > note.txt\n\"\"\"");
    let l = load(&failing).expect("valid").lessons.remove(0);
    assert_eq!(verify_lesson(&l)[0].to_string(), "c/lessons/demo.toml:9: step 1 (Make a file): solution: `false` exited 1: ");
}

#[test]
fn observer_changes_nothing() {
    let mut lab = Lab::new(3);
    lab.run("aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --instance-type t3.micro --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=web}]'");
    let (hash, now) = (lab.state_hash(), lab.now());
    let wait = Check { label: None, line: 1, kind: CheckKind::Query { query: "aws ec2 wait instance-running && echo up".into(), expect: Some("up".into()), expect_match: None, expect_exit: None } };
    assert!(evaluate(&wait, &lab).passed, "the observer's copy may wait");
    let count = Check { label: None, line: 1, kind: CheckKind::InstanceCount { filter: InstanceFilter { tag_name: Some("web".into()), instance_id: None }, state: Some("running".into()), instance_type: None, min: Some(1), max: Some(1) } };
    assert!(!evaluate(&count, &lab).passed, "…but the real lab's instance is still pending");
    assert_eq!((lab.state_hash(), lab.now()), (hash, now));
    lab.run("aws ec2 wait instance-running");
    assert!(evaluate(&count, &lab).passed);
}

#[test]
fn predicates() {
    let mut lab = Lab::new(2);
    let c = |kind| Check { label: None, line: 1, kind };
    let ssh = c(CheckKind::SshReachable { tag_name: "web".into() });
    let port = c(CheckKind::PortOpenFromWorkstation { tag_name: "web".into(), port: 22 });
    let conn = c(CheckKind::ConnectedTo { tag_name: Some("web".into()) });
    let file = c(CheckKind::FileOnInstance { filter: InstanceFilter { tag_name: Some("web".into()), instance_id: None }, path: "/home/ec2-user/hello".into(), contains: Some("hi".into()) });
    assert_eq!(evaluate(&ssh, &lab).detail, "no instance named web");
    lab.run_script("aws ec2 create-key-pair --key-name k --query KeyMaterial --output text > k.pem\naws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --instance-type t3.micro --key-name k --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=web}]'\naws ec2 wait instance-running\nlab advance 2m");
    assert!(!evaluate(&port, &lab).passed);
    assert!(evaluate(&ssh, &lab).detail.contains("port 22"), "{:?}", evaluate(&ssh, &lab));
    lab.run("aws ec2 authorize-security-group-ingress --group-name default --protocol tcp --port 22 --cidr 203.0.113.10/32");
    assert!(evaluate(&port, &lab).passed);
    assert!(evaluate(&ssh, &lab).detail.contains("readable by others"), "{:?}", evaluate(&ssh, &lab));
    lab.run("chmod 400 k.pem");
    assert!(evaluate(&ssh, &lab).passed, "{:?}", evaluate(&ssh, &lab));
    assert!(!evaluate(&conn, &lab).passed);
    assert!(!evaluate(&file, &lab).passed);
    let o = lab.run("ssh -i k.pem ec2-user@$(aws ec2 describe-instances --query 'Reservations[0].Instances[0].PublicIpAddress' --output text)");
    assert_eq!(o.exit, 0, "{}", o.stderr);
    lab.run("echo hi > hello");
    assert!(evaluate(&conn, &lab).passed);
    assert!(evaluate(&file, &lab).passed);
}

#[test]
fn runner_ticks_hints_and_disabled_commands() {
    let l = load(&LESSON.replace("minutes = 5", "minutes = 5\ndisabled_commands = [\"lab\"]")).expect("valid").lessons.remove(0);
    let mut r = Runner::new(&l);
    assert_eq!(r.next_hint().as_deref(), Some("first"));
    assert_eq!(r.next_hint().as_deref(), Some("second"));
    assert_eq!(r.next_hint(), None);
    let (o, t) = r.run("lab advance 1m");
    assert_eq!((o.exit, o.stderr.as_str(), t), (127, "bash: lab: disabled in this lesson\n", vec![]));
    let (_, t) = r.run("echo hi > note.txt");
    assert_eq!(t, vec![0]);
    assert!(r.finished());
}

/// The README's worked example is a valid lesson and replays.
#[test]
fn readme_example_is_valid() {
    let readme = include_str!("../README.md");
    let example = readme.split("## Worked example").nth(1).and_then(|s| s.split("```toml\n").nth(1)).and_then(|s| s.split("\n```").next()).expect("a toml block after ## Worked example");
    let topics = include_str!("../content/topics.toml");
    let c = Catalog::from_sources(&[src("content/topics.toml", topics), src("content/lessons/example-web.toml", example)]).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(verify_lesson(&c.lessons[0]), vec![]);
}

/// Every built-in lesson and question is valid and every lesson replays (as `ec2lab lesson check`).
#[test]
fn builtin_content_is_valid_and_solvable() {
    let c = Catalog::builtin().unwrap_or_else(|p| panic!("{}", p.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")));
    assert!(!c.topics.is_empty());
    let problems = verify_catalog(&c);
    assert!(problems.is_empty(), "{}", problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"));
}

/// Nothing in a file may panic the loader (the app runs it in wasm).
#[test]
fn garbage_does_not_panic() {
    for text in ["", "format = 1", "format = \"1\"", "[[steps]]\n", "format = 1\nsteps = 3", "format = 1\n[[steps]]\n[[steps.checks]]\n", "\u{0}\u{ffff}", "format = 1\n[[questions]]\n"] {
        for path in ["x/topics.toml", "x/lessons/a.toml", "x/questions/a.toml", "x/other.toml"] {
            let _ = Catalog::from_sources(&[src(path, text)]);
        }
    }
}
