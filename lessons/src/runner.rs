//! Playing a lesson: a lab built from the lesson's seed and start script, the lesson's disabled
//! commands, and the current step's checks evaluated after every command.

use crate::checks::{evaluate_all, CheckResult};
use crate::model::{Lesson, LessonStep};
use engine::{Lab, Output};

pub struct Runner {
    lesson: Lesson,
    lab: Lab,
    /// Index of the current step; `steps.len()` once the lesson is complete.
    step: usize,
    /// Hints shown for the current step.
    hints_shown: usize,
    /// Whether the current step's demo has run.
    demo_done: bool,
    /// What the start script printed: (command, output).
    start_log: Vec<(String, Output)>,
}

impl Runner {
    /// A fresh lab from the lesson's seed with its start script run (before the lesson's disabled
    /// commands take effect, so a start script may use `lab`).
    pub fn new(lesson: &Lesson) -> Runner {
        let mut lab = Lab::new(lesson.seed);
        let start_log = lab.run_script(&lesson.start);
        lab.set_disabled_commands(lesson.disabled_commands.clone());
        Runner { lesson: lesson.clone(), lab, step: 0, hints_shown: 0, demo_done: false, start_log }
    }

    pub fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    pub fn lab(&self) -> &Lab {
        &self.lab
    }

    /// The start script's commands and their outputs.
    pub fn start_log(&self) -> &[(String, Output)] {
        &self.start_log
    }

    /// Index of the current step, or `None` once every step has passed.
    pub fn current(&self) -> Option<usize> {
        (self.step < self.lesson.steps.len()).then_some(self.step)
    }

    pub fn current_step(&self) -> Option<&LessonStep> {
        self.lesson.steps.get(self.step)
    }

    pub fn finished(&self) -> bool {
        self.current().is_none()
    }

    /// Run the current step's demonstration, once: the commands it types and their outputs
    /// (empty when the step has none or it already ran). Checks are then re-evaluated.
    pub fn run_demo(&mut self) -> (Vec<(String, Output)>, Vec<usize>) {
        if self.demo_done {
            return (Vec::new(), Vec::new());
        }
        self.demo_done = true;
        let Some(demo) = self.current_step().and_then(|s| s.demo.clone()) else { return (Vec::new(), Vec::new()) };
        let log = self.lab.run_script(&demo);
        let ticked = self.update();
        (log, ticked)
    }

    /// Run one learner command, then evaluate the checks. Returns the output and the steps (by
    /// index) that ticked because of it.
    pub fn run(&mut self, input: &str) -> (Output, Vec<usize>) {
        let out = self.lab.run(input);
        let ticked = self.update();
        (out, ticked)
    }

    /// Move the lab's clock (a live clock), then evaluate the checks.
    pub fn advance(&mut self, ms: u64) -> Vec<usize> {
        self.lab.advance(ms);
        self.update()
    }

    /// Evaluate the current step; while it passes, tick it and move to the next. Returns the
    /// ticked steps.
    pub fn update(&mut self) -> Vec<usize> {
        let mut ticked = Vec::new();
        while let Some(step) = self.current_step() {
            if !self.check_current().iter().all(|r| r.passed) || step.checks.is_empty() {
                break;
            }
            ticked.push(self.step);
            self.step += 1;
            self.hints_shown = 0;
            self.demo_done = false;
        }
        ticked
    }

    /// The current step's checks, evaluated now (nothing changes).
    pub fn check_current(&self) -> Vec<CheckResult> {
        self.current_step().map(|s| evaluate_all(&s.checks, &self.lab)).unwrap_or_default()
    }

    /// The next hint of the current step (`None` when all were shown or there are none).
    pub fn next_hint(&mut self) -> Option<String> {
        let h = self.current_step()?.hints.get(self.hints_shown)?.clone();
        self.hints_shown += 1;
        Some(h)
    }

    /// Start the lesson over: a fresh lab, first step.
    pub fn reset(&mut self) {
        *self = Runner::new(&self.lesson);
    }
}
