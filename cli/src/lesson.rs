//! `ec2lab lesson check [DIR] | list [DIR] | run ID [--dir DIR]`.

use lessons::{verify_catalog, Catalog, Problem, Runner};
use std::io::{self, BufRead, Write};

pub const USAGE: &str = "usage: ec2lab lesson check [DIR]      validate every lesson and question file and replay each lesson's solution\n       ec2lab lesson list [DIR]       list the lessons\n       ec2lab lesson run ID [--dir DIR]  play a lesson in the terminal (hint, check, solution, quit)\n\n  DIR  a content directory (topics.toml, lessons/, questions/); default: the built-in lessons\n";

pub fn main(args: &[String]) -> i32 {
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => {
            eprint!("{USAGE}");
            return 2;
        }
    };
    match cmd {
        "check" => match rest {
            [] => check(None),
            [d] => check(Some(d)),
            _ => usage(),
        },
        "list" => match rest {
            [] => list(None),
            [d] => list(Some(d)),
            _ => usage(),
        },
        "run" => match rest {
            [id] => run(id, None),
            [id, flag, d] if flag == "--dir" => run(id, Some(d)),
            _ => usage(),
        },
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            0
        }
        _ => usage(),
    }
}

fn usage() -> i32 {
    eprint!("{USAGE}");
    2
}

fn load(dir: Option<&String>) -> Result<Catalog, Vec<Problem>> {
    match dir {
        Some(d) => Catalog::load_dir(std::path::Path::new(d)),
        None => Catalog::builtin(),
    }
}

fn report(problems: &[Problem]) -> i32 {
    for p in problems {
        eprintln!("{p}");
    }
    eprintln!("{} problem{}", problems.len(), if problems.len() == 1 { "" } else { "s" });
    1
}

fn check(dir: Option<&String>) -> i32 {
    let c = match load(dir) {
        Ok(c) => c,
        Err(p) => return report(&p),
    };
    let problems = verify_catalog(&c);
    if !problems.is_empty() {
        return report(&problems);
    }
    println!("{} lessons, {} questions: all solvable", c.lessons.len(), c.questions.len());
    0
}

fn list(dir: Option<&String>) -> i32 {
    let c = match load(dir) {
        Ok(c) => c,
        Err(p) => return report(&p),
    };
    for t in &c.topics {
        let ls: Vec<_> = c.lessons.iter().filter(|l| l.topic == t.id).collect();
        let qs = c.questions_for(&t.id).count();
        println!("{} — {}{} ({} question{})", t.id, t.title, if t.simulated { "" } else { " [not simulated yet]" }, qs, if qs == 1 { "" } else { "s" });
        for l in ls {
            println!("  {:<28} {} ({} min, {} steps)", l.id, l.title, l.minutes, l.steps.len());
        }
    }
    0
}

fn print_step(r: &mut Runner, out: &mut impl Write) {
    let total = r.lesson().steps.len();
    let Some(n) = r.current() else { return };
    let Some(step) = r.current_step().cloned() else { return };
    let _ = writeln!(out, "\n── step {}/{total}: {} ──\n\n{}\n\nTask: {}\n", n + 1, step.title, step.prose.trim(), step.task.trim());
    let (log, ticked) = r.run_demo();
    if !log.is_empty() {
        let _ = writeln!(out, "(watch: the lab types these for you)");
        for (cmd, o) in log {
            let _ = writeln!(out, "{}{cmd}", r.lab().prompt());
            let _ = write!(out, "{}{}", o.stdout, o.stderr);
        }
    }
    ticks(r, &ticked, out);
}

fn ticks(r: &mut Runner, ticked: &[usize], out: &mut impl Write) {
    if ticked.is_empty() {
        return;
    }
    for &i in ticked {
        if let Some(s) = r.lesson().steps.get(i) {
            let _ = writeln!(out, "\n✓ step {}: {}\n\n{}", i + 1, s.title, s.explain.trim());
        }
    }
    if r.finished() {
        let _ = writeln!(out, "\nLesson complete: {}.", r.lesson().title);
    } else {
        print_step(r, out);
    }
}

fn run(id: &str, dir: Option<&String>) -> i32 {
    let c = match load(dir) {
        Ok(c) => c,
        Err(p) => return report(&p),
    };
    let Some(lesson) = c.lesson(id) else {
        eprintln!("ec2lab: no lesson {id:?} (see `ec2lab lesson list`)");
        return 2;
    };
    let mut r = Runner::new(lesson);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let _ = writeln!(out, "{}\n\n{}\n\nYou will learn:", lesson.title, lesson.summary.trim());
    for l in &lesson.learn {
        let _ = writeln!(out, "  - {l}");
    }
    let _ = writeln!(out, "\nType commands as in the lab; `hint`, `check`, `solution`, `quit` talk to the lesson.");
    print_step(&mut r, &mut out);
    let stdin = io::stdin();
    let mut lines = stdin.lock().lines();
    let mut pending = String::new();
    while !r.finished() {
        let _ = write!(out, "{}", if pending.is_empty() { r.lab().prompt() } else { "> ".into() });
        let _ = out.flush();
        let Some(Ok(line)) = lines.next() else { break };
        if pending.is_empty() {
            match line.trim() {
                "quit" => break,
                "hint" => {
                    match r.next_hint() {
                        Some(h) => writeln!(out, "hint: {h}"),
                        None => writeln!(out, "no more hints for this step (`solution` shows the answer)"),
                    }
                    .ok();
                    continue;
                }
                "solution" => {
                    let sol = r.current_step().map(|s| s.solution.trim().to_string()).unwrap_or_default();
                    let _ = writeln!(out, "solution:\n{sol}");
                    continue;
                }
                "check" => {
                    let steps = r.current_step().map(|s| s.checks.clone()).unwrap_or_default();
                    for (c, res) in steps.iter().zip(r.check_current()) {
                        let mark = if res.passed { "✓" } else { "✗" };
                        let _ = writeln!(out, "{mark} {}", c.label.as_deref().unwrap_or(&res.detail));
                    }
                    continue;
                }
                _ => {}
            }
        }
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(&line);
        if engine::Lab::needs_more_input(&pending) {
            continue;
        }
        let input = std::mem::take(&mut pending);
        if input.trim().is_empty() {
            continue;
        }
        let (o, ticked) = r.run(&input);
        let _ = write!(out, "{}", o.stdout);
        let _ = out.flush();
        eprint!("{}", o.stderr);
        ticks(&mut r, &ticked, &mut out);
    }
    let _ = writeln!(out);
    if r.finished() { 0 } else { 1 }
}
