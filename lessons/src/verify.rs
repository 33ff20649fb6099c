//! Proving lessons solvable: what `ec2lab lesson check` and `cargo test` run.

use crate::checks::evaluate_all;
use crate::load::Catalog;
use crate::model::{Lesson, Problem};
use crate::runner::Runner;
use engine::{Lab, Output};

fn first_failure(log: &[(String, Output)]) -> Option<String> {
    log.iter().find(|(_, o)| o.exit != 0).map(|(c, o)| {
        let err = o.stderr.lines().next().unwrap_or("").trim();
        let cmd = c.lines().next().unwrap_or("");
        format!("`{cmd}` exited {}: {err}", o.exit)
    })
}

/// Replay a lesson: the start script runs cleanly; before each step's solution its checks do
/// not pass yet (the first step: right after the start script); after its solution they all
/// pass. Demos run where a learner would see them (when their step begins). Every problem found
/// is returned; replay stops at the first step whose solution does not pass.
pub fn verify_lesson(lesson: &Lesson) -> Vec<Problem> {
    let mut problems = Vec::new();
    let file = lesson.file.as_str();
    let mut r = Runner::new(lesson);
    if let Some(e) = first_failure(r.start_log()) {
        problems.push(Problem::new(file, None, format!("start: {e}")));
    }
    for (n, step) in lesson.steps.iter().enumerate() {
        let at = Some(step.line);
        let which = format!("step {} ({})", n + 1, step.title);
        if step.demo.is_some() {
            r.run_demo();
        }
        if r.current() != Some(n) {
            let why = if n == 0 { "the start state already passes its checks" } else { "its checks already pass before its solution" };
            problems.push(Problem::new(file, at, format!("{which}: {why}")));
            return problems;
        }
        if evaluate_all(&step.checks, r.lab()).iter().all(|c| c.passed) {
            let why = if n == 0 { "the start state already passes its checks" } else { "its checks already pass before its solution" };
            problems.push(Problem::new(file, at, format!("{which}: {why}")));
        }
        let mut log = Vec::new();
        for cmd in engine::console::split_commands(&step.solution) {
            let (o, _) = r.run(&cmd);
            log.push((cmd, o));
        }
        if let Some(e) = first_failure(&log) {
            problems.push(Problem::new(file, at, format!("{which}: solution: {e}")));
        }
        let results = evaluate_all(&step.checks, r.lab());
        let mut failed = false;
        for (c, res) in step.checks.iter().zip(&results) {
            if !res.passed {
                failed = true;
                problems.push(Problem::new(file, Some(c.line), format!("{which}: check fails after the solution: {}", res.detail)));
            }
        }
        if failed {
            return problems;
        }
        r.update();
    }
    if !r.finished() && problems.is_empty() {
        problems.push(Problem::new(file, None, "the lesson does not finish after its last solution"));
    }
    problems
}

/// Check every lesson and question of a catalog: lessons replayed, `try_it` scripts run on a
/// fresh lab without errors.
pub fn verify_catalog(c: &Catalog) -> Vec<Problem> {
    let mut problems = Vec::new();
    for l in &c.lessons {
        problems.extend(verify_lesson(l));
    }
    for q in &c.questions {
        if let Some(t) = &q.try_it {
            let mut lab = Lab::new(1);
            if let Some(e) = first_failure(&lab.run_script(t)) {
                problems.push(Problem::new(&q.file, Some(q.line), format!("question {}: try_it: {e}", q.id)));
            }
        }
    }
    problems
}
