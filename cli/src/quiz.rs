//! `ec2lab quiz [TOPIC] [--seed N] [--count N]` and `ec2lab exam [--length 10|20|65] [--seed N]
//! [--topic T]…`: the question bank in a terminal (lessons::exam does the work). Both read answers
//! line by line, so they work from a pipe; the exam's clock is virtual (see EXAM_USAGE).

use lessons::exam::{letter, letters, number_word, parse_letters, Exam, ExamError, ExamResult, Practice, ShownQuestion, PASS_MARK};
use lessons::Catalog;
use std::io::{self, BufRead, Write};

pub const QUIZ_USAGE: &str = "usage: ec2lab quiz [TOPIC] [--seed N] [--count N]\n\n  practice questions with immediate feedback; answer with letters (b, or a,c for \"choose two\"),\n  `skip` or `quit`\n  TOPIC      a topic id (see `ec2lab lesson list`); default: every topic\n  --seed N   the order of questions and options (default: from the time; printed)\n  --count N  ask at most N questions\n";

pub const EXAM_USAGE: &str = "usage: ec2lab exam [--length 10|20|65] [--seed N] [--topic T]...\n\n  a timed practice exam: 130 minutes for 65 questions, scaled (20 for 10, 40 for 20)\n  The terminal's clock is virtual: it moves one minute per answer given, never with the wall\n  clock. Commands: letters to answer (b, a,c), a number to go to that question, next, prev,\n  mark, unmark, clear, review, time, finish, quit.\n  --length N  10, 20 or 65 questions (default 10)\n  --seed N    which questions and their order (default: from the time; printed)\n  --topic T   only questions of topic T (repeat for more)\n";

/// Virtual time one answer takes in the terminal exam.
const MINUTE_PER_ANSWER_MS: u64 = 60_000;

fn usage(text: &str, msg: &str) -> i32 {
    eprint!("ec2lab: {msg}\n{text}");
    2
}

fn default_seed() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() % 100_000).unwrap_or(1)
}

fn number(v: Option<&String>) -> Option<u64> {
    v.and_then(|s| s.parse().ok())
}

fn catalog() -> Result<Catalog, i32> {
    Catalog::builtin().map_err(|ps| {
        for p in ps {
            eprintln!("{p}");
        }
        1
    })
}

pub fn quiz_main(args: &[String]) -> i32 {
    let mut topic: Option<String> = None;
    let mut seed = None;
    let mut count = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => match number(it.next()) {
                Some(s) => seed = Some(s),
                None => return usage(QUIZ_USAGE, "--seed needs a number"),
            },
            "--count" => match number(it.next()) {
                Some(n) if n > 0 => count = Some(n as usize),
                _ => return usage(QUIZ_USAGE, "--count needs a number above 0"),
            },
            "-h" | "--help" => {
                print!("{QUIZ_USAGE}");
                return 0;
            }
            s if s.starts_with('-') => return usage(QUIZ_USAGE, &format!("unknown option {s}")),
            s if topic.is_none() => topic = Some(s.to_string()),
            _ => return usage(QUIZ_USAGE, "only one TOPIC"),
        }
    }
    let c = match catalog() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let seed = seed.unwrap_or_else(default_seed);
    let mut p = match Practice::new(&c, topic.as_deref(), seed) {
        Ok(p) => p,
        Err(e) => return topic_error(&c, e),
    };
    if let Some(n) = count {
        p.limit(n);
    }
    let title = match topic.as_deref().and_then(|t| c.topic(t)) {
        Some(t) => format!("{} — {}", t.id, t.title),
        None => "every topic".to_string(),
    };
    let stdin = io::stdin();
    let stdout = io::stdout();
    quiz(p, &title, stdin.lock(), &mut stdout.lock())
}

fn topic_error(c: &Catalog, e: ExamError) -> i32 {
    eprintln!("ec2lab: {e}");
    let with: Vec<&str> = c.topics.iter().filter(|t| c.questions_for(&t.id).next().is_some()).map(|t| t.id.as_str()).collect();
    eprintln!("topics with questions: {}", with.join(", "));
    2
}

fn show_question(out: &mut impl Write, q: &ShownQuestion, n: usize, total: usize) {
    let _ = writeln!(out, "\n── Question {n}/{total} · {} · difficulty {} ──\n\n{}\n", q.topic, q.difficulty, q.scenario.trim());
    for (p, o) in q.options.iter().enumerate() {
        let _ = writeln!(out, "  {}) {}", letter(p), o.text.trim());
    }
    let _ = writeln!(out, "(choose {})", number_word(q.choose));
}

/// Practice: a question, an answer, the verdict and every option's why.
pub fn quiz(mut p: Practice, title: &str, input: impl BufRead, out: &mut impl Write) -> i32 {
    let _ = writeln!(out, "Practice: {title}, {} question{} (seed {s}; `--seed {s}` asks them in this order again).", p.len(), if p.len() == 1 { "" } else { "s" }, s = p.seed);
    let _ = writeln!(out, "Answer with letters (b, or a,c for \"choose two\"); `skip` moves on, `quit` stops.");
    let mut lines = input.lines();
    let mut skipped = 0;
    'questions: while let Some(q) = p.current().cloned() {
        show_question(out, &q, p.position + 1, p.len());
        loop {
            let _ = write!(out, "answer> ");
            let _ = out.flush();
            let Some(Ok(line)) = lines.next() else { break 'questions };
            let line = line.trim();
            match line {
                "" => continue,
                "quit" | "q" | "exit" => break 'questions,
                "skip" | "s" => {
                    skipped += 1;
                    p.next_question();
                    continue 'questions;
                }
                "help" | "?" => {
                    let _ = writeln!(out, "type the letter(s) of your answer, `skip` or `quit`");
                    continue;
                }
                _ => {}
            }
            let fb = match parse_letters(line).and_then(|c| p.answer(&c)) {
                Ok(fb) => fb,
                Err(e) => {
                    let _ = writeln!(out, "? {e}");
                    continue;
                }
            };
            if fb.correct {
                let _ = writeln!(out, "\n✓ Right.");
            } else {
                let _ = writeln!(out, "\n✗ Wrong: the answer is {} (you chose {}).", letters(&fb.correct_options), letters(&fb.chosen));
            }
            for o in &fb.options {
                let verdict = if o.correct { "right" } else { "wrong" };
                let yours = if o.chosen { ", your choice" } else { "" };
                let _ = writeln!(out, "  {}) {verdict}{yours}: {}", letter(o.position), o.why.trim());
            }
            let _ = writeln!(out, "Fact: {}", q.fact.trim());
            p.next_question();
            continue 'questions;
        }
    }
    let (right, answered) = p.score();
    let _ = writeln!(out, "\nScore: {right}/{answered} right ({} wrong, {skipped} skipped, {} not reached).", answered - right, p.len().saturating_sub(answered + skipped));
    let _ = out.flush();
    0
}

pub fn exam_main(args: &[String]) -> i32 {
    let mut length = 10usize;
    let mut seed = None;
    let mut topics: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--length" => match number(it.next()) {
                Some(n) => length = n as usize,
                None => return usage(EXAM_USAGE, "--length needs 10, 20 or 65"),
            },
            "--seed" => match number(it.next()) {
                Some(s) => seed = Some(s),
                None => return usage(EXAM_USAGE, "--seed needs a number"),
            },
            "--topic" => match it.next() {
                Some(t) => topics.push(t.clone()),
                None => return usage(EXAM_USAGE, "--topic needs a topic id"),
            },
            "-h" | "--help" => {
                print!("{EXAM_USAGE}");
                return 0;
            }
            s => return usage(EXAM_USAGE, &format!("unexpected {s}")),
        }
    }
    let c = match catalog() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let seed = seed.unwrap_or_else(default_seed);
    let filter: Vec<&str> = topics.iter().map(String::as_str).collect();
    let exam = match Exam::new(&c, length, seed, &filter, 0) {
        Ok(e) => e,
        Err(e @ ExamError::BadLength(_)) => return usage(EXAM_USAGE, &e.to_string()),
        Err(e) => return topic_error(&c, e),
    };
    let stdin = io::stdin();
    let stdout = io::stdout();
    exam_session(exam, stdin.lock(), &mut stdout.lock())
}

fn minutes(ms: u64) -> String {
    let m = ms / 60_000;
    format!("{m} minute{}", if m == 1 { "" } else { "s" })
}

fn show_exam_question(out: &mut impl Write, e: &Exam, i: usize) {
    let Some(q) = e.question(i) else { return };
    show_question(out, q, i + 1, e.len());
    let mut status = Vec::new();
    if let Some(a) = e.answer_of(i) {
        status.push(format!("your answer: {}", letters(a)));
    }
    if e.is_marked(i) {
        status.push("marked for review".to_string());
    }
    if !status.is_empty() {
        let _ = writeln!(out, "[{}]", status.join("; "));
    }
}

fn show_review(out: &mut impl Write, e: &Exam) {
    let r = e.review();
    let _ = writeln!(out, "\nReview: {} answered, {} unanswered, {} marked for review.", r.answered, r.unanswered, r.marked);
    for item in &r.items {
        let ans = match e.answer_of(item.index) {
            Some(a) => format!("answered ({})", letters(a)),
            None => "unanswered".to_string(),
        };
        let _ = writeln!(out, "  {:>2}  {:<16}{}", item.index + 1, ans, if item.marked { "  marked" } else { "" });
    }
}

fn show_result(out: &mut impl Write, e: &Exam, r: &ExamResult) {
    let _ = writeln!(out, "\n── Result ──");
    if r.timed_out {
        let _ = writeln!(out, "Time ran out after {}.", minutes(r.limit_ms));
    }
    let _ = writeln!(out, "Correct: {} of {} ({} answered)", r.correct, r.questions, r.answered);
    let _ = writeln!(out, "Scaled score: {} / 1000, pass mark {PASS_MARK}: {}", r.scaled, if r.passed { "PASS" } else { "FAIL" });
    let _ = writeln!(out, "(The scaled score is an approximation: 100 + 900 × the fraction correct. AWS does not publish its scaling.)");
    let _ = writeln!(out, "By topic:");
    for t in &r.by_topic {
        let _ = writeln!(out, "  {:<24} {}/{}", t.topic, t.correct, t.total);
    }
    let missed: Vec<usize> = (0..r.outcomes.len()).filter(|&i| !r.outcomes[i].correct).collect();
    if !missed.is_empty() {
        let _ = writeln!(out, "Missed:");
        for i in missed {
            let Some(q) = e.question(i) else { continue };
            let yours = e.answer_of(i).map(letters).unwrap_or_else(|| "none".to_string());
            let _ = writeln!(out, "  {:>2}  answer {} (yours: {yours})  {}", i + 1, letters(&q.correct_positions()), q.fact.trim());
        }
    }
}

/// The exam in a terminal. The clock starts at the exam's start and moves one minute after each
/// accepted answer, so a 10-question exam (20 minutes) takes 20 answers; the 21st is too late.
pub fn exam_session(mut e: Exam, input: impl BufRead, out: &mut impl Write) -> i32 {
    let _ = writeln!(out, "Practice exam: {} questions from {} (seed {s}; `--seed {s}` gives this exam again).", e.len(), e.topics.join(", "), s = e.seed);
    if let Some(note) = e.shortfall() {
        let _ = writeln!(out, "{note}");
    }
    let _ = writeln!(
        out,
        "Time limit: {} (130 minutes for 65 questions, scaled). The clock here is virtual: it moves one minute per answer you give.",
        minutes(e.limit_ms)
    );
    let _ = writeln!(out, "Answer with letters (b, or a,c); a number goes to that question; next, prev, mark, unmark, clear, review, time, finish, quit.");
    let mut now = e.started_ms;
    let mut at = 0usize;
    let mut lines = input.lines();
    show_exam_question(out, &e, at);
    loop {
        let _ = write!(out, "exam {}/{}> ", at + 1, e.len());
        let _ = out.flush();
        let Some(Ok(line)) = lines.next() else {
            let _ = writeln!(out, "\n(end of input: handing the exam in)");
            break;
        };
        let line = line.trim();
        let words: Vec<&str> = line.split_whitespace().collect();
        let goto = |n: &str| n.parse::<usize>().ok().filter(|&n| n >= 1 && n <= e.len()).map(|n| n - 1);
        match words.as_slice() {
            [] => continue,
            ["finish"] | ["submit"] | ["end"] => break,
            ["quit"] | ["exit"] => {
                let _ = writeln!(out, "Exam abandoned (no result).");
                return 1;
            }
            ["help"] | ["?"] => {
                let _ = writeln!(out, "letters answer the question shown (b, a,c); N goes to question N; next, prev; mark, unmark; clear; review; time; finish; quit");
                continue;
            }
            ["next"] | ["n"] => {
                if at + 1 < e.len() {
                    at += 1;
                    show_exam_question(out, &e, at);
                } else {
                    let _ = writeln!(out, "That is the last question: `review`, a question number, or `finish`.");
                }
                continue;
            }
            ["prev"] | ["p"] | ["previous"] => {
                if at > 0 {
                    at -= 1;
                    show_exam_question(out, &e, at);
                } else {
                    let _ = writeln!(out, "That is the first question.");
                }
                continue;
            }
            ["mark"] | ["unmark"] | ["clear"] => {
                let r = match words[0] {
                    "mark" => e.mark_for_review(at),
                    "unmark" => e.unmark(at),
                    _ => e.clear_answer(at, now),
                };
                match r {
                    Ok(()) => {
                        let what = match words[0] {
                            "mark" => "marked for review",
                            "unmark" => "no longer marked",
                            _ => "answer cleared",
                        };
                        let _ = writeln!(out, "Question {}: {what}.", at + 1);
                    }
                    Err(err) => {
                        let _ = writeln!(out, "? {err}");
                    }
                }
                continue;
            }
            ["review"] => {
                show_review(out, &e);
                continue;
            }
            ["time"] => {
                let _ = writeln!(out, "{} of {} left (virtual: one minute per answer).", minutes(e.remaining_ms(now)), minutes(e.limit_ms));
                continue;
            }
            [n] | ["goto", n] | ["go", n] if n.chars().all(|c| c.is_ascii_digit()) => {
                match goto(n) {
                    Some(i) => {
                        at = i;
                        show_exam_question(out, &e, at);
                    }
                    None => {
                        let _ = writeln!(out, "? there is no question {n} (1–{})", e.len());
                    }
                }
                continue;
            }
            _ => {}
        }
        let chosen = match parse_letters(line) {
            Ok(c) => c,
            Err(err) => {
                let _ = writeln!(out, "? {err} (or `help`)");
                continue;
            }
        };
        match e.answer(at, &chosen, now) {
            Ok(()) => {
                // The answer is in; it took a (virtual) minute.
                now = now.saturating_add(MINUTE_PER_ANSWER_MS);
                let _ = writeln!(out, "Question {}: answered {}.", at + 1, letters(e.answer_of(at).unwrap_or(&[])));
                let next = (at + 1..e.len()).chain(0..at).find(|&i| e.answer_of(i).is_none());
                match next {
                    Some(i) => {
                        at = i;
                        show_exam_question(out, &e, at);
                    }
                    None => {
                        let _ = writeln!(out, "Every question is answered: `review`, a question number to change an answer, or `finish`.");
                    }
                }
            }
            Err(ExamError::TimeUp) | Err(ExamError::Finished) => {
                let _ = writeln!(out, "Time is up: that answer came too late.");
                break;
            }
            Err(err) => {
                // Not an answer: the clock does not move for it.
                let _ = writeln!(out, "? {err}");
            }
        }
    }
    let r = e.finish(now);
    show_result(out, &e, &r);
    let _ = out.flush();
    0
}
