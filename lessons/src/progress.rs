//! The learner's saved progress: steps passed, lessons completed, where to continue, quiz and
//! exam history, and the sandbox's command log — a versioned serde record the app keeps in
//! localStorage and lets the learner export and import as a JSON file.
//!
//! Reading it never fails hard and never panics: [`load`] turns whatever is in storage (nothing,
//! garbage, an old or newer format, a foreign value, absurd sizes) into a usable [`Progress`]
//! and, when something was lost, a plain message for the learner. Lists are capped (see the
//! `MAX_*` constants) so a record cannot grow without bound.
//!
//! ```
//! use lessons::progress::{self, Progress};
//! let mut p = Progress::new();
//! p.pass_step("first-instance", 0);
//! p.log_command("aws ec2 describe-instances");
//! let stored = progress::to_storage(&p);
//! assert_eq!(progress::load(Some(&stored)), (p.clone(), None));
//! assert_eq!(progress::load(None), (Progress::new(), None));
//! let (fresh, message) = progress::load(Some("{not json"));
//! assert_eq!(fresh, Progress::new());
//! assert!(message.unwrap().contains("starting fresh"));
//! assert_eq!(progress::import(&progress::export(&p)), Ok(p));
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Catalog;

/// The format version this code writes and reads.
pub const VERSION: u32 = 1;
/// The marker in every stored or exported record: `"kind": "ec2lab-progress"`.
pub const KIND: &str = "ec2lab-progress";
/// The sandbox log keeps the last this many commands.
pub const MAX_SANDBOX_LOG: usize = 500;
/// One logged command is cut to this many bytes.
pub const MAX_COMMAND_LEN: usize = 2000;
/// The quiz history keeps the last this many attempts.
pub const MAX_QUIZ_HISTORY: usize = 5000;
/// The exam history keeps the last this many results.
pub const MAX_EXAM_HISTORY: usize = 500;
/// At most this many lessons (steps passed, lessons completed).
pub const MAX_LESSONS: usize = 1000;
/// Step indexes at or beyond this are dropped.
pub const MAX_STEPS: usize = 1000;
/// Lesson, question and topic ids longer than this are dropped.
pub const MAX_ID_LEN: usize = 200;
/// At most this many options chosen in one quiz attempt, topics in one exam result.
pub const MAX_SMALL_LIST: usize = 100;
/// A stored value longer than this is not read at all.
pub const MAX_RAW_LEN: usize = 16 * 1024 * 1024;

/// What the learner has done, as saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Always [`VERSION`].
    pub version: u32,
    /// Lesson id → indexes of the steps that passed.
    pub steps_passed: BTreeMap<String, BTreeSet<usize>>,
    pub lessons_completed: BTreeSet<String>,
    /// Where "continue where I left off" goes: (lesson id, step index).
    pub last_lesson: Option<(String, usize)>,
    /// Oldest first; the last [`MAX_QUIZ_HISTORY`].
    pub quiz_history: Vec<QuizAttempt>,
    /// Oldest first; the last [`MAX_EXAM_HISTORY`].
    pub exam_history: Vec<ExamResult>,
    /// The sandbox's commands, oldest first; the last [`MAX_SANDBOX_LOG`].
    pub sandbox_log: Vec<String>,
}

/// One answer to one practice question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizAttempt {
    pub question_id: String,
    /// Indexes of the options chosen.
    pub chosen: Vec<usize>,
    pub correct: bool,
    /// When, in ms since the Unix epoch (the caller's clock).
    pub at_ms: u64,
}

/// The result of one practice exam.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamResult {
    /// When it was submitted, in ms since the Unix epoch.
    pub taken_at_ms: u64,
    /// How many questions the exam had.
    pub questions: u32,
    /// How many were answered correctly.
    pub correct: u32,
    /// Out of 1000.
    pub scaled_score: u32,
    pub passed: bool,
    /// Topic id → (correct, total).
    pub by_topic: BTreeMap<String, (u32, u32)>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new()
    }
}

impl Progress {
    /// Nothing done yet.
    pub fn new() -> Progress {
        Progress {
            version: VERSION,
            steps_passed: BTreeMap::new(),
            lessons_completed: BTreeSet::new(),
            last_lesson: None,
            quiz_history: Vec::new(),
            exam_history: Vec::new(),
            sandbox_log: Vec::new(),
        }
    }

    /// Record that `step` of `lesson` passed and remember it as the place to continue. Returns
    /// whether it is new.
    pub fn pass_step(&mut self, lesson: &str, step: usize) -> bool {
        if !valid_id(lesson) || step >= MAX_STEPS {
            return false;
        }
        self.last_lesson = Some((lesson.to_string(), step));
        if !self.steps_passed.contains_key(lesson) && self.steps_passed.len() >= MAX_LESSONS {
            return false;
        }
        self.steps_passed.entry(lesson.to_string()).or_default().insert(step)
    }

    /// [`pass_step`](Self::pass_step) for a lesson in hand; marks the lesson completed once every
    /// step has passed. Returns whether the lesson became completed just now.
    pub fn pass_step_of(&mut self, lesson: &crate::Lesson, step: usize) -> bool {
        if step >= lesson.steps.len() {
            return false;
        }
        self.pass_step(&lesson.id, step);
        if self.steps_done(&lesson.id) >= lesson.steps.len() {
            return self.complete_lesson(&lesson.id);
        }
        false
    }

    /// Mark a lesson completed. Returns whether it is new.
    pub fn complete_lesson(&mut self, lesson: &str) -> bool {
        if !valid_id(lesson) || (self.lessons_completed.len() >= MAX_LESSONS && !self.lessons_completed.contains(lesson)) {
            return false;
        }
        self.lessons_completed.insert(lesson.to_string())
    }

    /// Remember where the learner is (opening a lesson at a step), without passing anything.
    pub fn set_last(&mut self, lesson: &str, step: usize) {
        if valid_id(lesson) && step < MAX_STEPS {
            self.last_lesson = Some((lesson.to_string(), step));
        }
    }

    /// Forget one lesson's steps and completion (the learner chose to start it over).
    pub fn reset_lesson(&mut self, lesson: &str) {
        self.steps_passed.remove(lesson);
        self.lessons_completed.remove(lesson);
        if self.last_lesson.as_ref().is_some_and(|(l, _)| l == lesson) {
            self.last_lesson = None;
        }
    }

    pub fn step_passed(&self, lesson: &str, step: usize) -> bool {
        self.steps_passed.get(lesson).is_some_and(|s| s.contains(&step))
    }

    /// How many steps of `lesson` have passed.
    pub fn steps_done(&self, lesson: &str) -> usize {
        self.steps_passed.get(lesson).map_or(0, BTreeSet::len)
    }

    pub fn lesson_completed(&self, lesson: &str) -> bool {
        self.lessons_completed.contains(lesson)
    }

    /// Add a quiz answer (the oldest is dropped past [`MAX_QUIZ_HISTORY`]).
    pub fn record_quiz(&mut self, attempt: QuizAttempt) {
        let mut attempt = attempt;
        attempt.chosen.truncate(MAX_SMALL_LIST);
        if valid_id(&attempt.question_id) {
            push_capped(&mut self.quiz_history, attempt, MAX_QUIZ_HISTORY);
        }
    }

    /// Add an exam result (the oldest is dropped past [`MAX_EXAM_HISTORY`]).
    pub fn record_exam(&mut self, result: ExamResult) {
        let mut result = result;
        result.by_topic.retain(|t, _| valid_id(t));
        while result.by_topic.len() > MAX_SMALL_LIST {
            result.by_topic.pop_last();
        }
        push_capped(&mut self.exam_history, result, MAX_EXAM_HISTORY);
    }

    /// Add a sandbox command (cut to [`MAX_COMMAND_LEN`] bytes; the oldest is dropped past
    /// [`MAX_SANDBOX_LOG`]). Blank commands are not logged.
    pub fn log_command(&mut self, command: &str) {
        if command.trim().is_empty() {
            return;
        }
        push_capped(&mut self.sandbox_log, cut(command, MAX_COMMAND_LEN).to_string(), MAX_SANDBOX_LOG);
    }

    /// The latest answer to each question: question id → correct.
    pub fn latest_answers(&self) -> BTreeMap<&str, bool> {
        self.quiz_history.iter().map(|a| (a.question_id.as_str(), a.correct)).collect()
    }

    /// Drop what `catalog` does not know: unknown lessons, step indexes beyond a lesson's steps,
    /// a `last_lesson` that no longer exists (a step beyond the end goes back to the last step).
    /// Quiz and exam history is kept (it is history). Returns how many entries were dropped.
    pub fn prune(&mut self, catalog: &Catalog) -> usize {
        let mut dropped = 0;
        let steps_of = |id: &str| catalog.lesson(id).map(|l| l.steps.len());
        self.steps_passed.retain(|id, steps| match steps_of(id) {
            None => {
                dropped += steps.len().max(1);
                false
            }
            Some(n) => {
                let before = steps.len();
                steps.retain(|s| *s < n);
                dropped += before - steps.len();
                !steps.is_empty()
            }
        });
        let before = self.lessons_completed.len();
        self.lessons_completed.retain(|id| steps_of(id).is_some());
        dropped += before - self.lessons_completed.len();
        if let Some((id, step)) = &mut self.last_lesson {
            match steps_of(id) {
                None | Some(0) => {
                    self.last_lesson = None;
                    dropped += 1;
                }
                Some(n) if *step >= n => *step = n - 1,
                Some(_) => {}
            }
        }
        dropped
    }
}

fn push_capped<T>(v: &mut Vec<T>, item: T, cap: usize) {
    v.push(item);
    if v.len() > cap {
        let extra = v.len() - cap;
        v.drain(..extra);
    }
}

/// `s` cut to at most `max` bytes, on a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_LEN && !id.chars().any(char::is_control)
}

// ---------------------------------------------------------------------------------------------
// Writing

fn to_value(p: &Progress) -> Value {
    let mut obj = Map::new();
    obj.insert("kind".into(), Value::String(KIND.into()));
    if let Ok(Value::Object(fields)) = serde_json::to_value(p) {
        obj.extend(fields);
    }
    // Always the version this code writes, whatever the field says.
    obj.insert("version".into(), Value::from(VERSION));
    Value::Object(obj)
}

/// The compact JSON the app keeps in localStorage (read back with [`load`]).
pub fn to_storage(p: &Progress) -> String {
    serde_json::to_string(&to_value(p)).unwrap_or_default()
}

/// The pretty JSON of an exported progress file (read back with [`import`]), starting
/// `{"kind": "ec2lab-progress", "version": 1, …`.
pub fn export(p: &Progress) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(p)).unwrap_or_default();
    s.push('\n');
    s
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Why a stored value could not be used at all.
enum Unreadable {
    TooLarge(usize),
    NotJson(String),
    Foreign,
    Version(Option<i128>),
}

impl Unreadable {
    fn reason(&self, what: &str) -> String {
        match self {
            Unreadable::TooLarge(n) => format!("it is too large: {} MB", n.div_ceil(1024 * 1024)),
            Unreadable::NotJson(e) => format!("it is not valid JSON: {e}"),
            Unreadable::Foreign => format!("it is not an ec2lab {what}"),
            Unreadable::Version(Some(v)) if *v < VERSION as i128 => {
                format!("it was saved by an older version of ec2lab, format {v}; this version reads format {VERSION}")
            }
            Unreadable::Version(Some(v)) => {
                format!("it was saved by a newer version of ec2lab, format {v}; this version reads format {VERSION}")
            }
            Unreadable::Version(None) => "it has no valid format version".into(),
        }
    }
}

/// Parse and check the envelope: JSON, an object, our `kind`, our `version`.
fn envelope(raw: &str) -> Result<Map<String, Value>, Unreadable> {
    if raw.len() > MAX_RAW_LEN {
        return Err(Unreadable::TooLarge(raw.len()));
    }
    let value: Value = serde_json::from_str(raw).map_err(|e| Unreadable::NotJson(e.to_string()))?;
    let Value::Object(obj) = value else { return Err(Unreadable::Foreign) };
    if obj.get("kind").and_then(Value::as_str) != Some(KIND) {
        return Err(Unreadable::Foreign);
    }
    let version = match obj.get("version") {
        Some(Value::Number(n)) => n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from)),
        _ => None,
    };
    if version != Some(VERSION as i128) {
        return Err(Unreadable::Version(version));
    }
    Ok(obj)
}

/// Read each field of a version-1 record on its own, keeping every entry that is valid and
/// noting what had to be dropped or trimmed.
fn salvage(mut obj: Map<String, Value>) -> (Progress, Vec<String>) {
    let mut p = Progress::new();
    let mut issues: Vec<String> = Vec::new();
    let mut note = |s: &str| {
        if !issues.iter().any(|i| i == s) {
            issues.push(s.to_string());
        }
    };

    match obj.remove("steps_passed") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (id, steps) in m {
                if !valid_id(&id) {
                    note("steps passed");
                    continue;
                }
                if p.steps_passed.len() >= MAX_LESSONS {
                    note("steps passed (too many lessons)");
                    break;
                }
                let Value::Array(steps) = steps else {
                    note("steps passed");
                    continue;
                };
                let mut set = BTreeSet::new();
                for s in steps {
                    match as_index(&s) {
                        Some(i) if i < MAX_STEPS => {
                            set.insert(i);
                        }
                        _ => note("steps passed"),
                    }
                }
                if !set.is_empty() {
                    p.steps_passed.insert(id, set);
                }
            }
        }
        Some(_) => note("steps passed"),
    }

    match obj.remove("lessons_completed") {
        None | Some(Value::Null) => {}
        Some(Value::Array(ids)) => {
            for id in ids {
                match id {
                    Value::String(id) if valid_id(&id) => {
                        if p.lessons_completed.len() >= MAX_LESSONS {
                            note("lessons completed (too many)");
                            break;
                        }
                        p.lessons_completed.insert(id);
                    }
                    _ => note("lessons completed"),
                }
            }
        }
        Some(_) => note("lessons completed"),
    }

    match obj.remove("last_lesson") {
        None | Some(Value::Null) => {}
        Some(v) => match serde_json::from_value::<(String, usize)>(v) {
            Ok((id, step)) if valid_id(&id) && step < MAX_STEPS => p.last_lesson = Some((id, step)),
            _ => note("where you left off"),
        },
    }

    p.quiz_history = list(obj.remove("quiz_history"), MAX_QUIZ_HISTORY, "quiz history", &mut note, |v| {
        serde_json::from_value::<QuizAttempt>(v).ok().filter(|a| valid_id(&a.question_id) && a.chosen.len() <= MAX_SMALL_LIST)
    });
    p.exam_history = list(obj.remove("exam_history"), MAX_EXAM_HISTORY, "exam history", &mut note, |v| {
        serde_json::from_value::<ExamResult>(v).ok().filter(|r| r.by_topic.len() <= MAX_SMALL_LIST && r.by_topic.keys().all(|t| valid_id(t)))
    });
    p.sandbox_log = list(obj.remove("sandbox_log"), MAX_SANDBOX_LOG, "sandbox log", &mut note, |v| match v {
        Value::String(s) if !s.trim().is_empty() && s.len() <= MAX_COMMAND_LEN => Some(s),
        _ => None,
    });
    (p, issues)
}

/// A JSON list read entry by entry, keeping the last `cap` valid ones.
fn list<T>(v: Option<Value>, cap: usize, what: &str, note: &mut impl FnMut(&str), mut read: impl FnMut(Value) -> Option<T>) -> Vec<T> {
    let items = match v {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            note(what);
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    let skip = items.len().saturating_sub(cap);
    if skip > 0 {
        note(&format!("{what} (too long)"));
    }
    for item in items.into_iter().skip(skip) {
        match read(item) {
            Some(x) => out.push(x),
            None => note(what),
        }
    }
    out
}

fn as_index(v: &Value) -> Option<usize> {
    v.as_u64().and_then(|n| usize::try_from(n).ok())
}

/// The message shown with a fresh start.
fn fresh_message(reason: &str) -> String {
    format!("Your saved progress could not be read ({reason}); starting fresh. The unreadable copy was kept as a download.")
}

/// Read the progress the app stored. Never fails: missing → a fresh [`Progress`] and no message;
/// a valid version-1 record → it; a record of version 1 with damaged parts → the valid parts
/// and a message naming what was lost; anything else (not JSON, truncated, `null`, a foreign
/// value, an older or newer format, too large) → a fresh [`Progress`] and a message. Whenever
/// there is a message the app should offer `raw` to the learner as a download (the messages say
/// it was kept).
pub fn load(raw: Option<&str>) -> (Progress, Option<String>) {
    let Some(raw) = raw else { return (Progress::new(), None) };
    if raw.trim().is_empty() {
        return (Progress::new(), None);
    }
    match envelope(raw) {
        Err(why) => (Progress::new(), Some(fresh_message(&why.reason("progress record")))),
        Ok(obj) => {
            let (p, issues) = salvage(obj);
            if issues.is_empty() {
                (p, None)
            } else {
                let msg = format!(
                    "Part of your saved progress could not be read ({}); the rest was kept. The unreadable copy was kept as a download.",
                    issues.join(", ")
                );
                (p, Some(msg))
            }
        }
    }
}

/// Read an exported progress file (see [`export`]). Unlike [`load`] it refuses anything it
/// cannot read completely, with a message for the learner.
pub fn import(s: &str) -> Result<Progress, String> {
    if s.trim().is_empty() {
        return Err("This file is empty: choose a progress file exported from ec2lab.".into());
    }
    match envelope(s.trim_start_matches('\u{feff}')) {
        Err(Unreadable::Foreign) => Err(format!(
            "This file is not an ec2lab progress export (it has no \"kind\": \"{KIND}\"): choose a file exported from ec2lab."
        )),
        Err(why) => Err(format!("This progress file cannot be imported: {}.", why.reason("progress export"))),
        Ok(obj) => {
            let (p, issues) = salvage(obj);
            if issues.is_empty() {
                Ok(p)
            } else {
                Err(format!("This progress file is damaged and was not imported: unreadable {}.", issues.join(", ")))
            }
        }
    }
}

#[cfg(test)]
mod tests;
