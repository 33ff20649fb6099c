//! The curriculum as the rest of ec2lab sees it: plain, validated data (see `load` for the files).

/// One entry of the curriculum map (`content/topics.toml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub order: u32,
    /// The lab simulates this topic (hands-on lessons are possible).
    pub simulated: bool,
}

/// A lesson (`content/lessons/ID.toml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub topic: String,
    pub summary: String,
    pub learn: Vec<String>,
    pub minutes: u32,
    pub prerequisites: Vec<String>,
    /// The world's seed (default 1).
    pub seed: u64,
    /// Lab commands the console refuses during the lesson.
    pub disabled_commands: Vec<String>,
    /// Console script run before the learner arrives.
    pub start: String,
    pub steps: Vec<LessonStep>,
    /// Where the lesson came from, for messages (`lessons/content/lessons/ID.toml`).
    pub file: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonStep {
    pub title: String,
    /// Markdown.
    pub prose: String,
    /// Commands the lab types for the learner when the step begins.
    pub demo: Option<String>,
    /// Markdown.
    pub task: String,
    pub hints: Vec<String>,
    /// Markdown, shown once the step passes.
    pub explain: String,
    /// The reference solution: a console script.
    pub solution: String,
    /// All must pass for the step to tick.
    pub checks: Vec<Check>,
    /// Line of the step in its file.
    pub line: usize,
}

/// One check of a step: it looks at the world, never at what was typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// A short description for the learner, if the file gives one.
    pub label: Option<String>,
    pub kind: CheckKind,
    /// Line of the check in its file.
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckKind {
    /// A console command run by the observer; the expectations that are set must all hold. With
    /// no `expect_exit`, the command must exit 0.
    Query { query: String, expect: Option<String>, expect_match: Option<String>, expect_exit: Option<i32> },
    InstanceCount { filter: InstanceFilter, state: Option<String>, instance_type: Option<String>, min: Option<u32>, max: Option<u32> },
    FileOnInstance { filter: InstanceFilter, path: String, contains: Option<String> },
    SshReachable { tag_name: String },
    PortOpenFromWorkstation { tag_name: String, port: u16 },
    ConnectedTo { tag_name: Option<String> },
}

/// Which instances a predicate looks at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceFilter {
    /// The `Name` tag.
    pub tag_name: Option<String>,
    pub instance_id: Option<String>,
}

/// The predicate names a check may use (`check = "…"`).
pub const PREDICATES: &[&str] = &["instance_count", "file_on_instance", "ssh_reachable", "port_open_from_workstation", "connected_to"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuestionKind {
    /// Exactly one correct option.
    Single,
    /// `choose` correct options ("choose two").
    Multiple,
}

/// An exam-style question (`content/questions/*.toml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub topic: String,
    /// 1 (recall) ..= 3 (tricky scenario).
    pub difficulty: u8,
    pub kind: QuestionKind,
    /// How many options to pick (1 for single).
    pub choose: usize,
    /// The seed-notes fact the question tests.
    pub fact: String,
    /// Markdown.
    pub scenario: String,
    /// A start script that opens the lab in the state the question describes.
    pub try_it: Option<String>,
    pub options: Vec<AnswerOption>,
    pub file: String,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerOption {
    pub text: String,
    pub correct: bool,
    /// Why this option is right or wrong.
    pub why: String,
}

/// Something wrong with a file: `file:line: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl Problem {
    pub fn new(file: &str, line: Option<usize>, message: impl Into<String>) -> Problem {
        Problem { file: file.to_string(), line, message: message.into() }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}
