//! Reading and validating the files (format 1, documented in lessons/README.md).
//!
//! Every problem is reported as `file:line: what is wrong`, and loading goes on past a bad file so
//! one run lists them all. Nothing here panics on file data.

use crate::model::*;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use toml::Spanned;

pub const FORMAT: i64 = 1;

/// One file to load: a name for messages and its text.
#[derive(Clone, Debug)]
pub struct Source {
    /// Path shown in messages; its shape decides the kind: `…/topics.toml`, `…/lessons/ID.toml`,
    /// `…/questions/NAME.toml`.
    pub path: String,
    pub text: String,
}

/// All topics, lessons and questions, validated together.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// Sorted by `order`.
    pub topics: Vec<Topic>,
    /// In file-name order.
    pub lessons: Vec<Lesson>,
    pub questions: Vec<Question>,
}

const STATES: &[&str] = &["pending", "running", "shutting-down", "terminated", "stopping", "stopped"];

#[derive(Deserialize)]
struct Head {
    format: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopics {
    #[allow(dead_code)]
    format: i64,
    #[serde(default)]
    topics: Vec<Spanned<RawTopic>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    id: Spanned<String>,
    title: String,
    summary: String,
    order: u32,
    simulated: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    #[allow(dead_code)]
    format: i64,
    id: Spanned<String>,
    title: String,
    topic: Spanned<String>,
    summary: String,
    learn: Vec<String>,
    minutes: Spanned<u32>,
    #[serde(default)]
    prerequisites: Vec<Spanned<String>>,
    seed: Option<u64>,
    #[serde(default)]
    disabled_commands: Vec<Spanned<String>>,
    #[serde(default)]
    start: String,
    #[serde(default)]
    steps: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    title: String,
    prose: String,
    demo: Option<String>,
    task: String,
    #[serde(default)]
    hints: Vec<String>,
    explain: String,
    solution: String,
    #[serde(default)]
    checks: Vec<Spanned<RawCheck>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    label: Option<String>,
    query: Option<String>,
    expect: Option<String>,
    expect_match: Option<String>,
    expect_exit: Option<i32>,
    check: Option<String>,
    state: Option<String>,
    #[serde(rename = "type")]
    instance_type: Option<String>,
    tag_name: Option<String>,
    instance_id: Option<String>,
    min: Option<u32>,
    max: Option<u32>,
    exact: Option<u32>,
    path: Option<String>,
    contains: Option<String>,
    port: Option<u16>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestions {
    #[allow(dead_code)]
    format: i64,
    #[serde(default)]
    questions: Vec<Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    topic: Spanned<String>,
    difficulty: u8,
    kind: String,
    choose: Option<usize>,
    fact: String,
    scenario: String,
    try_it: Option<String>,
    #[serde(default)]
    options: Vec<RawOption>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    text: String,
    correct: bool,
    why: String,
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    problems: &'a mut Vec<Problem>,
}

impl Ctx<'_> {
    fn at(&mut self, offset: usize, msg: impl Into<String>) {
        let line = line_of(self.text, offset);
        self.problems.push(Problem::new(self.file, Some(line), msg));
    }
    fn nonempty(&mut self, offset: usize, what: &str, value: &str) {
        if value.trim().is_empty() {
            self.at(offset, format!("`{what}` is empty"));
        }
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') && !id.starts_with('-')
}

/// Parse one file as `T`, after checking its `format`. Syntax and shape errors become problems.
fn parse<T: for<'de> Deserialize<'de>>(src: &Source, problems: &mut Vec<Problem>) -> Option<T> {
    let syntax = |e: toml::de::Error, problems: &mut Vec<Problem>| {
        let line = e.span().map(|s| line_of(&src.text, s.start));
        let msg = e.message().trim().replace('\n', " ");
        problems.push(Problem::new(&src.path, line, msg));
    };
    let head: Head = match toml::from_str(&src.text) {
        Ok(h) => h,
        Err(e) => {
            syntax(e, problems);
            return None;
        }
    };
    match head.format {
        None => {
            problems.push(Problem::new(&src.path, Some(1), format!("missing `format = {FORMAT}` (the file format version)")));
            return None;
        }
        Some(v) if v.get_ref().as_integer() != Some(FORMAT) => {
            let line = line_of(&src.text, v.span().start);
            problems.push(Problem::new(&src.path, Some(line), format!("format {} is not supported: this ec2lab reads format {FORMAT}", v.get_ref())));
            return None;
        }
        Some(_) => {}
    }
    match toml::from_str(&src.text) {
        Ok(t) => Some(t),
        Err(e) => {
            syntax(e, problems);
            None
        }
    }
}

fn file_stem(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.strip_suffix(".toml").unwrap_or(name)
}

fn parent_dir(path: &str) -> &str {
    let mut parts = path.rsplit(['/', '\\']);
    parts.next();
    parts.next().unwrap_or("")
}

impl Catalog {
    /// Load and validate a set of files together. Either everything is valid, or every problem
    /// found is returned.
    pub fn from_sources(sources: &[Source]) -> Result<Catalog, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut topics: Vec<(Topic, String, usize)> = Vec::new();
        let mut lessons: Vec<(Lesson, RawRefs)> = Vec::new();
        let mut questions: Vec<(Question, usize)> = Vec::new();
        let mut saw_topics = false;
        for src in sources {
            let name = src.path.rsplit(['/', '\\']).next().unwrap_or(&src.path);
            if name == "topics.toml" {
                saw_topics = true;
                if let Some(raw) = parse::<RawTopics>(src, &mut problems) {
                    let mut cx = Ctx { file: &src.path, text: &src.text, problems: &mut problems };
                    for t in raw.topics {
                        let at = t.span().start;
                        let t = t.into_inner();
                        let id_at = t.id.span().start;
                        let id = t.id.into_inner();
                        if !valid_id(&id) {
                            cx.at(id_at, format!("topic id {id:?}: use lowercase letters, digits and '-'"));
                        }
                        cx.nonempty(at, "title", &t.title);
                        cx.nonempty(at, "summary", &t.summary);
                        topics.push((Topic { id, title: t.title, summary: t.summary, order: t.order, simulated: t.simulated }, src.path.clone(), line_of(&src.text, id_at)));
                    }
                }
            } else if parent_dir(&src.path) == "lessons" {
                if let Some(raw) = parse::<RawLesson>(src, &mut problems) {
                    if let Some(l) = lesson(src, raw, &mut problems) {
                        lessons.push(l);
                    }
                }
            } else if parent_dir(&src.path) == "questions" {
                if let Some(raw) = parse::<RawQuestions>(src, &mut problems) {
                    let mut cx = Ctx { file: &src.path, text: &src.text, problems: &mut problems };
                    for q in raw.questions {
                        if let Some(q) = question(&mut cx, q) {
                            questions.push(q);
                        }
                    }
                }
            } else {
                problems.push(Problem::new(&src.path, None, "not a topics.toml, lessons/*.toml or questions/*.toml file"));
            }
        }
        if !saw_topics && (!lessons.is_empty() || !questions.is_empty()) {
            problems.push(Problem::new("topics.toml", None, "missing: lessons and questions need the topics file"));
        }

        // Across files: unique ids, known topics and prerequisites.
        let mut topic_ids: HashMap<String, (String, usize)> = HashMap::new();
        for (t, file, line) in &topics {
            if let Some((f0, l0)) = topic_ids.get(&t.id) {
                problems.push(Problem::new(file, Some(*line), format!("duplicate topic id {:?} (first at {f0}:{l0})", t.id)));
            } else {
                topic_ids.insert(t.id.clone(), (file.clone(), *line));
            }
        }
        let known_topics = saw_topics;
        let lesson_ids: HashSet<String> = lessons.iter().map(|(l, _)| l.id.clone()).collect();
        let mut seen_lessons: HashMap<String, String> = HashMap::new();
        for (l, refs) in &lessons {
            if let Some(first) = seen_lessons.get(&l.id) {
                problems.push(Problem::new(&l.file, Some(refs.id_line), format!("duplicate lesson id {:?} (also in {first})", l.id)));
            } else {
                seen_lessons.insert(l.id.clone(), l.file.clone());
            }
            if known_topics && !topic_ids.contains_key(&l.topic) {
                problems.push(Problem::new(&l.file, Some(refs.topic_line), format!("unknown topic {:?} (not in topics.toml)", l.topic)));
            }
            for (p, line) in l.prerequisites.iter().zip(&refs.prereq_lines) {
                if p == &l.id {
                    problems.push(Problem::new(&l.file, Some(*line), "a lesson cannot be its own prerequisite"));
                } else if !lesson_ids.contains(p) {
                    problems.push(Problem::new(&l.file, Some(*line), format!("unknown prerequisite {p:?} (no lesson has that id)")));
                }
            }
        }
        let mut seen_q: HashMap<String, (String, usize)> = HashMap::new();
        for (q, topic_line) in &questions {
            if let Some((f0, l0)) = seen_q.get(&q.id) {
                problems.push(Problem::new(&q.file, Some(q.line), format!("duplicate question id {:?} (first at {f0}:{l0})", q.id)));
            } else {
                seen_q.insert(q.id.clone(), (q.file.clone(), q.line));
            }
            if known_topics && !topic_ids.contains_key(&q.topic) {
                problems.push(Problem::new(&q.file, Some(*topic_line), format!("unknown topic {:?} (not in topics.toml)", q.topic)));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut topics: Vec<Topic> = topics.into_iter().map(|(t, _, _)| t).collect();
        topics.sort_by_key(|t| t.order);
        Ok(Catalog { topics, lessons: lessons.into_iter().map(|(l, _)| l).collect(), questions: questions.into_iter().map(|(q, _)| q).collect() })
    }

    /// The files in `lessons/content`, compiled into the program.
    pub fn builtin() -> Result<Catalog, Vec<Problem>> {
        Catalog::from_sources(&builtin_sources())
    }

    /// The files in a content directory on disk: `DIR/topics.toml`, `DIR/lessons/*.toml`,
    /// `DIR/questions/*.toml`.
    pub fn load_dir(dir: &std::path::Path) -> Result<Catalog, Vec<Problem>> {
        let mut sources = Vec::new();
        let mut problems = Vec::new();
        let mut read = |p: std::path::PathBuf, sources: &mut Vec<Source>| match std::fs::read_to_string(&p) {
            Ok(text) => sources.push(Source { path: p.display().to_string(), text }),
            Err(e) => problems.push(Problem::new(&p.display().to_string(), None, format!("cannot read: {e}"))),
        };
        read(dir.join("topics.toml"), &mut sources);
        for sub in ["lessons", "questions"] {
            let d = dir.join(sub);
            let Ok(rd) = std::fs::read_dir(&d) else { continue };
            let mut files: Vec<_> = rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
            files.sort();
            for f in files {
                read(f, &mut sources);
            }
        }
        match Catalog::from_sources(&sources) {
            Ok(c) if problems.is_empty() => Ok(c),
            Ok(_) => Err(problems),
            Err(mut more) => {
                problems.append(&mut more);
                Err(problems)
            }
        }
    }

    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// The questions of one topic, in file order.
    pub fn questions_for<'a>(&'a self, topic: &'a str) -> impl Iterator<Item = &'a Question> + 'a {
        self.questions.iter().filter(move |q| q.topic == topic)
    }
}

mod generated {
    include!(concat!(env!("OUT_DIR"), "/content.rs"));
}

/// The compiled-in files, named `lessons/content/…`.
pub fn builtin_sources() -> Vec<Source> {
    generated::CONTENT.iter().map(|(rel, text)| Source { path: format!("lessons/content/{rel}"), text: text.to_string() }).collect()
}

struct RawRefs {
    id_line: usize,
    topic_line: usize,
    prereq_lines: Vec<usize>,
}

fn lesson(src: &Source, raw: RawLesson, problems: &mut Vec<Problem>) -> Option<(Lesson, RawRefs)> {
    let before = problems.len();
    let mut cx = Ctx { file: &src.path, text: &src.text, problems };
    let id_at = raw.id.span().start;
    let id = raw.id.into_inner();
    if !valid_id(&id) {
        cx.at(id_at, format!("lesson id {id:?}: use lowercase letters, digits and '-'"));
    } else if id != file_stem(&src.path) {
        cx.at(id_at, format!("lesson id {id:?} must match the file name ({}.toml)", file_stem(&src.path)));
    }
    cx.nonempty(0, "title", &raw.title);
    cx.nonempty(0, "summary", &raw.summary);
    if raw.learn.is_empty() || raw.learn.iter().any(|s| s.trim().is_empty()) {
        cx.at(0, "`learn` needs at least one non-empty entry");
    }
    let minutes_at = raw.minutes.span().start;
    let minutes = raw.minutes.into_inner();
    if !(1..=240).contains(&minutes) {
        cx.at(minutes_at, format!("minutes = {minutes}: expected 1 to 240"));
    }
    let mut disabled = Vec::new();
    for d in raw.disabled_commands {
        let at = d.span().start;
        let d = d.into_inner();
        if !engine::console::LAB_COMMANDS.contains(&d.as_str()) {
            cx.at(at, format!("cannot disable {d:?}: not a lab command (one of {})", engine::console::LAB_COMMANDS.join(", ")));
        }
        disabled.push(d);
    }
    if raw.steps.is_empty() {
        cx.at(0, "a lesson needs at least one [[steps]]");
    }
    let mut steps = Vec::new();
    for (n, s) in raw.steps.into_iter().enumerate() {
        let at = s.span().start;
        let s = s.into_inner();
        let which = format!("step {}", n + 1);
        for (what, v) in [("title", &s.title), ("prose", &s.prose), ("task", &s.task), ("explain", &s.explain), ("solution", &s.solution)] {
            cx.nonempty(at, &format!("{which}: {what}"), v);
        }
        if s.hints.iter().any(|h| h.trim().is_empty()) {
            cx.at(at, format!("{which}: a hint is empty"));
        }
        if s.checks.is_empty() {
            cx.at(at, format!("{which} has no checks: add at least one [[steps.checks]]"));
        }
        let mut checks = Vec::new();
        for c in s.checks {
            let cat = c.span().start;
            if let Some(k) = check(&mut cx, cat, c.into_inner()) {
                checks.push(k);
            }
        }
        steps.push(LessonStep {
            title: s.title,
            prose: s.prose,
            demo: s.demo.filter(|d| !d.trim().is_empty()),
            task: s.task,
            hints: s.hints,
            explain: s.explain,
            solution: s.solution,
            checks,
            line: line_of(&src.text, at),
        });
    }
    let refs = RawRefs {
        id_line: line_of(&src.text, id_at),
        topic_line: line_of(&src.text, raw.topic.span().start),
        prereq_lines: raw.prerequisites.iter().map(|p| line_of(&src.text, p.span().start)).collect(),
    };
    if problems.len() > before {
        return None;
    }
    Some((
        Lesson {
            id,
            title: raw.title,
            topic: raw.topic.into_inner(),
            summary: raw.summary,
            learn: raw.learn,
            minutes,
            prerequisites: raw.prerequisites.into_iter().map(Spanned::into_inner).collect(),
            seed: raw.seed.unwrap_or(1),
            disabled_commands: disabled,
            start: raw.start,
            steps,
            file: src.path.clone(),
        },
        refs,
    ))
}

fn check(cx: &mut Ctx, at: usize, c: RawCheck) -> Option<Check> {
    let line = line_of(cx.text, at);
    let before = cx.problems.len();
    let present: Vec<&str> = [
        ("state", c.state.is_some()),
        ("type", c.instance_type.is_some()),
        ("tag_name", c.tag_name.is_some()),
        ("instance_id", c.instance_id.is_some()),
        ("min", c.min.is_some()),
        ("max", c.max.is_some()),
        ("exact", c.exact.is_some()),
        ("path", c.path.is_some()),
        ("contains", c.contains.is_some()),
        ("port", c.port.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, p)| p.then_some(k))
    .collect();
    let expects = [("expect", c.expect.is_some()), ("expect_match", c.expect_match.is_some()), ("expect_exit", c.expect_exit.is_some())];
    let kind = match (&c.query, &c.check) {
        (Some(_), Some(_)) => {
            cx.at(at, "a check has either `query` or `check`, not both");
            return None;
        }
        (None, None) => {
            cx.at(at, "a check needs `query = \"…\"` (a console command) or `check = \"…\"` (a predicate)");
            return None;
        }
        (Some(q), None) => {
            if q.trim().is_empty() {
                cx.at(at, "`query` is empty");
            }
            if let Some(k) = present.first() {
                cx.at(at, format!("`{k}` belongs to a predicate check, not to a query"));
            }
            if c.expect.is_some() && c.expect_match.is_some() {
                cx.at(at, "use `expect` or `expect_match`, not both");
            }
            if !expects.iter().any(|(_, p)| *p) {
                cx.at(at, "a query needs `expect`, `expect_match` or `expect_exit`");
            }
            if let Some(re) = &c.expect_match {
                if let Err(e) = regex_bites::Regex::new(re) {
                    cx.at(at, format!("expect_match {re:?} is not a valid regex: {e}"));
                }
            }
            CheckKind::Query { query: q.clone(), expect: c.expect.clone(), expect_match: c.expect_match.clone(), expect_exit: c.expect_exit }
        }
        (None, Some(name)) => {
            if let Some((k, _)) = expects.iter().find(|(_, p)| *p) {
                cx.at(at, format!("`{k}` belongs to a query check, not to check = {name:?}"));
            }
            let allowed: &[&str] = match name.as_str() {
                "instance_count" => &["state", "type", "tag_name", "min", "max", "exact"],
                "file_on_instance" => &["tag_name", "instance_id", "path", "contains"],
                "ssh_reachable" => &["tag_name"],
                "port_open_from_workstation" => &["tag_name", "port"],
                "connected_to" => &["tag_name"],
                _ => {
                    cx.at(at, format!("unknown check {name:?}: use one of {}", PREDICATES.join(", ")));
                    return None;
                }
            };
            for k in &present {
                if !allowed.contains(k) {
                    cx.at(at, format!("check {name:?} does not take `{k}` (it takes {})", allowed.join(", ")));
                }
            }
            let need = |cx: &mut Ctx, k: &str, ok: bool| {
                if !ok {
                    cx.at(at, format!("check {name:?} needs `{k}`"));
                }
            };
            let filter = InstanceFilter { tag_name: c.tag_name.clone(), instance_id: c.instance_id.clone() };
            match name.as_str() {
                "instance_count" => {
                    need(cx, "exact, min or max", c.exact.is_some() || c.min.is_some() || c.max.is_some());
                    if c.exact.is_some() && (c.min.is_some() || c.max.is_some()) {
                        cx.at(at, "use `exact`, or `min`/`max`, not both");
                    }
                    if let (Some(a), Some(b)) = (c.min, c.max) {
                        if a > b {
                            cx.at(at, format!("min {a} is more than max {b}"));
                        }
                    }
                    if let Some(s) = &c.state {
                        if !STATES.contains(&s.as_str()) {
                            cx.at(at, format!("unknown state {s:?}: use one of {}", STATES.join(", ")));
                        }
                    }
                    let (min, max) = match c.exact { Some(e) => (Some(e), Some(e)), None => (c.min, c.max) };
                    CheckKind::InstanceCount { filter, state: c.state.clone(), instance_type: c.instance_type.clone(), min, max }
                }
                "file_on_instance" => {
                    need(cx, "tag_name or instance_id", c.tag_name.is_some() != c.instance_id.is_some());
                    need(cx, "path", c.path.as_ref().is_some_and(|p| p.starts_with('/')));
                    CheckKind::FileOnInstance { filter, path: c.path.clone().unwrap_or_default(), contains: c.contains.clone() }
                }
                "ssh_reachable" => {
                    need(cx, "tag_name", c.tag_name.is_some());
                    CheckKind::SshReachable { tag_name: c.tag_name.clone().unwrap_or_default() }
                }
                "port_open_from_workstation" => {
                    need(cx, "tag_name", c.tag_name.is_some());
                    need(cx, "port", c.port.is_some_and(|p| p > 0));
                    CheckKind::PortOpenFromWorkstation { tag_name: c.tag_name.clone().unwrap_or_default(), port: c.port.unwrap_or(0) }
                }
                _ => CheckKind::ConnectedTo { tag_name: c.tag_name.clone() },
            }
        }
    };
    if cx.problems.len() > before {
        return None;
    }
    Some(Check { label: c.label, kind, line })
}

fn question(cx: &mut Ctx, q: Spanned<RawQuestion>) -> Option<(Question, usize)> {
    let before = cx.problems.len();
    let at = q.span().start;
    let q = q.into_inner();
    let id_at = q.id.span().start;
    let id = q.id.into_inner();
    if !valid_id(&id) {
        cx.at(id_at, format!("question id {id:?}: use lowercase letters, digits and '-'"));
    }
    cx.nonempty(at, "fact", &q.fact);
    cx.nonempty(at, "scenario", &q.scenario);
    if !(1..=3).contains(&q.difficulty) {
        cx.at(at, format!("difficulty = {}: expected 1, 2 or 3", q.difficulty));
    }
    if q.options.len() < 3 {
        cx.at(at, format!("question {id:?} has {} options: at least 3", q.options.len()));
    }
    for (n, o) in q.options.iter().enumerate() {
        cx.nonempty(at, &format!("option {}: text", n + 1), &o.text);
        cx.nonempty(at, &format!("option {}: why", n + 1), &o.why);
    }
    let correct = q.options.iter().filter(|o| o.correct).count();
    let (kind, choose) = match q.kind.as_str() {
        "single" => {
            if q.choose.is_some() {
                cx.at(at, "`choose` is only for kind = \"multiple\"");
            }
            if correct != 1 {
                cx.at(at, format!("single-answer question {id:?} has {correct} correct options: exactly 1"));
            }
            (QuestionKind::Single, 1)
        }
        "multiple" => {
            match q.choose {
                None => cx.at(at, "a multiple-answer question needs `choose` (how many to pick)"),
                Some(n) if n != correct => cx.at(at, format!("choose = {n} but {correct} options are correct")),
                Some(n) if n < 2 => cx.at(at, "choose must be at least 2 (use kind = \"single\" for one answer)"),
                Some(_) => {}
            }
            (QuestionKind::Multiple, q.choose.unwrap_or(0))
        }
        other => {
            cx.at(at, format!("kind = {other:?}: use \"single\" or \"multiple\""));
            (QuestionKind::Single, 1)
        }
    };
    let topic_line = line_of(cx.text, q.topic.span().start);
    if cx.problems.len() > before {
        return None;
    }
    Some((
        Question {
            id,
            topic: q.topic.into_inner(),
            difficulty: q.difficulty,
            kind,
            choose,
            fact: q.fact,
            scenario: q.scenario,
            try_it: q.try_it.filter(|t| !t.trim().is_empty()),
            options: q.options.into_iter().map(|o| AnswerOption { text: o.text, correct: o.correct, why: o.why }).collect(),
            file: cx.file.to_string(),
            line: line_of(cx.text, at),
        },
        topic_line,
    ))
}
