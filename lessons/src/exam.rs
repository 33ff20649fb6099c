//! Quizzes and practice exams over the question bank: pure logic, no UI, no clock.
//!
//! - [`Practice`]: one topic's questions (or all of them) in a seeded order, one at a time, with
//!   immediate [`Feedback`].
//! - [`Exam`]: a timed practice exam of 10, 20 or 65 questions, balanced across topics, with
//!   answers that can be changed, marks for review, a [`Review`] listing, and an [`ExamResult`]
//!   with a scaled score out of 1000 (720 to pass, see [`scaled_score`]).
//!
//! Everything is deterministic per seed (a small SplitMix64 generator of our own, identical on
//! wasm32 and 64-bit hosts). Time is always given by the caller, in milliseconds. The state types
//! are serde-serializable and self-contained (each [`ShownQuestion`] carries its text), so a saved
//! exam still opens after the bank changes; a deserialized state that is inconsistent or tampered
//! with gives errors, never a panic.
//!
//! ```
//! use lessons::exam::{Exam, Practice};
//! let catalog = lessons::Catalog::builtin().unwrap();
//! let mut p = Practice::new(&catalog, Some("ec2-basics"), 7).unwrap();
//! let q = p.current().unwrap().clone();
//! let right: Vec<usize> = q.correct_positions();
//! assert!(p.answer(&right).unwrap().correct);
//!
//! let mut exam = Exam::new(&catalog, 10, 7, &[], 0).unwrap();
//! assert_eq!(exam.time_limit_minutes(), 20);
//! let result = exam.finish(60_000);
//! assert_eq!((result.correct, result.scaled, result.passed), (0, 100, false));
//! ```

use crate::{Catalog, Question, QuestionKind};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The exam lengths on offer.
pub const EXAM_LENGTHS: [usize; 3] = [10, 20, 65];
/// The real exam: 65 questions in 130 minutes.
pub const FULL_EXAM_QUESTIONS: usize = 65;
pub const FULL_EXAM_MINUTES: u64 = 130;
/// The scaled score's range and pass mark.
pub const MIN_SCORE: u32 = 100;
pub const MAX_SCORE: u32 = 1000;
pub const PASS_MARK: u32 = 720;

/// The scaled score for `correct` right answers out of `total`.
///
/// **An approximation.** AWS reports 100–1000 with 720 to pass but does not publish how raw
/// answers map to the scale (it equates exam forms of different difficulty). ec2lab uses a
/// linear map, `100 + 900 × correct / total`, rounded to the nearest whole point (halves up),
/// so it is monotone: more right answers never score less. This is the only place the
/// formula lives. With 65 questions, 45 right (723) passes and 44 (709) does not; with 10,
/// 7 (730) passes and 6 (640) does not.
pub fn scaled_score(correct: usize, total: usize) -> u32 {
    if total == 0 {
        return MIN_SCORE;
    }
    let c = correct.min(total) as u64;
    let t = total as u64;
    let span = (MAX_SCORE - MIN_SCORE) as u64;
    MIN_SCORE + ((span * c * 2 + t) / (t * 2)) as u32
}

/// Whether a scaled score passes (≥ 720).
pub fn passes(scaled: u32) -> bool {
    scaled >= PASS_MARK
}

/// The time limit for `questions` questions, scaled like the real exam (130 minutes for 65):
/// `130 × n / 65` rounded to whole minutes — 20, 40 and 130 for 10, 20 and 65.
pub fn time_limit_minutes(questions: usize) -> u64 {
    let n = questions as u64;
    let q = FULL_EXAM_QUESTIONS as u64;
    (FULL_EXAM_MINUTES.saturating_mul(n).saturating_add(q / 2)) / q
}

/// The letter shown for option position `pos` (`a`, `b`, …).
pub fn letter(pos: usize) -> char {
    if pos < 26 { (b'a' + pos as u8) as char } else { '?' }
}

/// Letters for a list of positions: `"a, c"`.
pub fn letters(positions: &[usize]) -> String {
    positions.iter().map(|&p| letter(p).to_string()).collect::<Vec<_>>().join(", ")
}

/// Read an answer typed as letters: `b`, `a,c`, `A C`, `ac`. Returns option positions in the
/// order typed (validation of count and range is [`ShownQuestion::check`]'s job).
pub fn parse_letters(input: &str) -> Result<Vec<usize>, ExamError> {
    let mut out = Vec::new();
    for ch in input.chars() {
        match ch {
            'a'..='z' => out.push(ch as usize - 'a' as usize),
            'A'..='Z' => out.push(ch as usize - 'A' as usize),
            ',' | ' ' | '\t' | ';' => {}
            _ => return Err(ExamError::Unreadable(input.trim().to_string())),
        }
    }
    if out.is_empty() {
        return Err(ExamError::Unreadable(input.trim().to_string()));
    }
    Ok(out)
}

/// Everything that can go wrong, in words for the learner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExamError {
    UnknownTopic(String),
    /// No questions (for this topic, if any).
    NoQuestions(Option<String>),
    BadLength(usize),
    NoSuchQuestion(usize),
    /// An option position that the question does not have.
    NoSuchOption(usize),
    /// The same option chosen twice.
    Duplicate(usize),
    /// The number of options chosen is not the number asked for.
    WrongCount { expected: usize, got: usize },
    /// Practice: this question has been answered already.
    AlreadyAnswered,
    /// The exam is over (finished).
    Finished,
    /// The time ran out: the exam is now finished.
    TimeUp,
    /// Typed input that is not letters.
    Unreadable(String),
}

impl fmt::Display for ExamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExamError::UnknownTopic(t) => write!(f, "no topic {t:?}"),
            ExamError::NoQuestions(Some(t)) => write!(f, "no questions for topic {t:?} yet"),
            ExamError::NoQuestions(None) => write!(f, "the question bank is empty"),
            ExamError::BadLength(n) => write!(f, "an exam has 10, 20 or 65 questions, not {n}"),
            ExamError::NoSuchQuestion(i) => write!(f, "there is no question {}", i.saturating_add(1)),
            ExamError::NoSuchOption(p) => write!(f, "there is no option {}", letter(*p)),
            ExamError::Duplicate(p) => write!(f, "option {} is chosen twice", letter(*p)),
            ExamError::WrongCount { expected: 1, got } => write!(f, "choose exactly one option (you chose {got})"),
            ExamError::WrongCount { expected, got } => write!(f, "choose exactly {} options (you chose {got})", number_word(*expected)),
            ExamError::AlreadyAnswered => write!(f, "this question is answered already"),
            ExamError::Finished => write!(f, "the exam is finished"),
            ExamError::TimeUp => write!(f, "time is up: the exam is finished"),
            ExamError::Unreadable(s) => write!(f, "{s:?} is not an answer: type option letters, like b or a,c"),
        }
    }
}

impl std::error::Error for ExamError {}

/// `two`, `three`, … for "choose two".
pub fn number_word(n: usize) -> String {
    match n {
        1 => "one".into(),
        2 => "two".into(),
        3 => "three".into(),
        4 => "four".into(),
        5 => "five".into(),
        n => n.to_string(),
    }
}

/// SplitMix64: small, seeded, the same on every platform.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03))
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 when n is 0).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

const STREAM_PRACTICE: u64 = 1;
const STREAM_EXAM: u64 = 2;

/// One option as shown: position in the list is the letter; `index` is its place in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownOption {
    /// The option's index in the question file (`[[questions.options]]` order).
    pub index: usize,
    pub text: String,
    pub correct: bool,
    pub why: String,
}

/// A question as presented, options in their shuffled order. Self-contained: it carries the
/// text, so a saved state does not depend on the bank staying the same.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownQuestion {
    pub id: String,
    pub topic: String,
    pub difficulty: u8,
    /// A "choose two" (multiple-answer) question.
    pub multiple: bool,
    /// How many options to choose (1 for single-answer questions).
    pub choose: usize,
    /// The fact the question tests.
    pub fact: String,
    /// Markdown.
    pub scenario: String,
    pub try_it: Option<String>,
    pub options: Vec<ShownOption>,
}

/// The verdict on one answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// All and only the correct options were chosen (no partial credit, as on the exam).
    pub correct: bool,
    /// The chosen positions, sorted.
    pub chosen: Vec<usize>,
    /// The correct positions, sorted.
    pub correct_options: Vec<usize>,
    /// Every option in shown order, with its explanation.
    pub options: Vec<OptionFeedback>,
}

impl Feedback {
    /// The chosen options as indexes in the question file (sorted), e.g. for a saved attempt.
    pub fn chosen_indexes(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.options.iter().filter(|o| o.chosen).map(|o| o.index).collect();
        v.sort_unstable();
        v
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionFeedback {
    /// Position as shown (the letter).
    pub position: usize,
    /// Index in the question file.
    pub index: usize,
    pub chosen: bool,
    pub correct: bool,
    pub why: String,
}

impl ShownQuestion {
    /// Present `q` with its options shuffled by `rng`.
    fn shuffled(q: &Question, rng: &mut Rng) -> ShownQuestion {
        let mut order: Vec<usize> = (0..q.options.len()).collect();
        rng.shuffle(&mut order);
        ShownQuestion {
            id: q.id.clone(),
            topic: q.topic.clone(),
            difficulty: q.difficulty,
            multiple: q.kind == QuestionKind::Multiple,
            choose: if q.kind == QuestionKind::Multiple { q.choose } else { 1 },
            fact: q.fact.clone(),
            scenario: q.scenario.clone(),
            try_it: q.try_it.clone(),
            options: order
                .into_iter()
                .filter_map(|i| q.options.get(i).map(|o| ShownOption { index: i, text: o.text.clone(), correct: o.correct, why: o.why.clone() }))
                .collect(),
        }
    }

    /// The positions of the correct options, sorted.
    pub fn correct_positions(&self) -> Vec<usize> {
        self.options.iter().enumerate().filter(|(_, o)| o.correct).map(|(p, _)| p).collect()
    }

    /// Map a shown position back to the option's index in the file.
    pub fn file_index(&self, position: usize) -> Option<usize> {
        self.options.get(position).map(|o| o.index)
    }

    /// Validate a choice: every position exists, none twice, exactly `choose` of them. Returns
    /// the positions sorted.
    pub fn validate(&self, chosen: &[usize]) -> Result<Vec<usize>, ExamError> {
        let mut seen = vec![false; self.options.len()];
        for &c in chosen {
            match seen.get_mut(c) {
                None => return Err(ExamError::NoSuchOption(c)),
                Some(true) => return Err(ExamError::Duplicate(c)),
                Some(s) => *s = true,
            }
        }
        if chosen.len() != self.choose {
            return Err(ExamError::WrongCount { expected: self.choose, got: chosen.len() });
        }
        Ok(seen.iter().enumerate().filter(|(_, s)| **s).map(|(p, _)| p).collect())
    }

    /// Judge a choice (see [`validate`](Self::validate) for what is an error rather than a
    /// wrong answer).
    pub fn check(&self, chosen: &[usize]) -> Result<Feedback, ExamError> {
        let chosen = self.validate(chosen)?;
        Ok(self.feedback(&chosen))
    }

    /// Feedback for positions already validated (sorted, in range).
    fn feedback(&self, chosen: &[usize]) -> Feedback {
        let options: Vec<OptionFeedback> = self
            .options
            .iter()
            .enumerate()
            .map(|(p, o)| OptionFeedback { position: p, index: o.index, chosen: chosen.contains(&p), correct: o.correct, why: o.why.clone() })
            .collect();
        Feedback {
            correct: !options.is_empty() && options.iter().all(|o| o.chosen == o.correct),
            chosen: chosen.to_vec(),
            correct_options: self.correct_positions(),
            options,
        }
    }
}

/// Topic ids in curriculum order, then any topic only the questions name.
fn topic_order(catalog: &Catalog) -> Vec<String> {
    let mut ids: Vec<String> = catalog.topics.iter().map(|t| t.id.clone()).collect();
    for q in &catalog.questions {
        if !ids.contains(&q.topic) {
            ids.push(q.topic.clone());
        }
    }
    ids
}

fn known_topic(catalog: &Catalog, topic: &str) -> bool {
    catalog.topic(topic).is_some() || catalog.questions.iter().any(|q| q.topic == topic)
}

/// Practice by topic: questions one at a time, immediate feedback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Practice {
    /// The topic practised (`None`: every topic).
    pub topic: Option<String>,
    pub seed: u64,
    pub questions: Vec<ShownQuestion>,
    /// The question being shown (== `questions.len()` when done).
    pub position: usize,
    /// Per question: `Some(right?)` once answered.
    pub results: Vec<Option<bool>>,
}

impl Practice {
    /// Every question of `topic` (or of all topics) in a seeded shuffled order, options
    /// shuffled too.
    pub fn new(catalog: &Catalog, topic: Option<&str>, seed: u64) -> Result<Practice, ExamError> {
        if let Some(t) = topic
            && !known_topic(catalog, t)
        {
            return Err(ExamError::UnknownTopic(t.to_string()));
        }
        let mut pool: Vec<&Question> = catalog.questions.iter().filter(|q| topic.is_none_or(|t| q.topic == t)).collect();
        if pool.is_empty() {
            return Err(ExamError::NoQuestions(topic.map(str::to_string)));
        }
        let mut rng = Rng::new(seed, STREAM_PRACTICE);
        rng.shuffle(&mut pool);
        let questions: Vec<ShownQuestion> = pool.into_iter().map(|q| ShownQuestion::shuffled(q, &mut rng)).collect();
        let results = vec![None; questions.len()];
        Ok(Practice { topic: topic.map(str::to_string), seed, questions, position: 0, results })
    }

    /// Keep only the first `n` questions (at least one).
    pub fn limit(&mut self, n: usize) {
        let n = n.max(1);
        self.questions.truncate(n);
        self.results.truncate(n);
        self.position = self.position.min(self.questions.len());
    }

    pub fn len(&self) -> usize {
        self.questions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }

    /// The question being shown, `None` when the practice is over.
    pub fn current(&self) -> Option<&ShownQuestion> {
        self.questions.get(self.position)
    }

    /// Answer the current question. Choosing the wrong number of options, or an option that does
    /// not exist, is an error (try again), not a wrong answer; so is answering twice.
    pub fn answer(&mut self, chosen: &[usize]) -> Result<Feedback, ExamError> {
        let q = self.questions.get(self.position).ok_or(ExamError::NoSuchQuestion(self.position))?;
        if self.results.get(self.position).copied().flatten().is_some() {
            return Err(ExamError::AlreadyAnswered);
        }
        let fb = q.check(chosen)?;
        if self.results.len() < self.questions.len() {
            self.results.resize(self.questions.len(), None);
        }
        if let Some(r) = self.results.get_mut(self.position) {
            *r = Some(fb.correct);
        }
        Ok(fb)
    }

    /// Move on (answered or skipped); returns the next question, if any.
    pub fn next_question(&mut self) -> Option<&ShownQuestion> {
        self.position = self.position.saturating_add(1).min(self.questions.len());
        self.current()
    }

    pub fn is_finished(&self) -> bool {
        self.position >= self.questions.len()
    }

    /// (right, answered).
    pub fn score(&self) -> (usize, usize) {
        let answered = self.results.iter().flatten().count();
        let right = self.results.iter().flatten().filter(|r| **r).count();
        (right, answered)
    }
}

/// A timed practice exam.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exam {
    pub seed: u64,
    /// The length asked for (10, 20 or 65).
    pub requested: usize,
    /// The topics the exam draws from, in curriculum order (those with questions).
    pub topics: Vec<String>,
    pub questions: Vec<ShownQuestion>,
    /// Per question: the chosen positions (sorted), once answered.
    pub answers: Vec<Option<Vec<usize>>>,
    /// Per question: marked for review.
    pub marked: Vec<bool>,
    pub started_ms: u64,
    pub limit_ms: u64,
    /// Set when finished (never later than the deadline).
    pub finished_ms: Option<u64>,
    /// Finished because the time ran out.
    pub timed_out: bool,
}

/// One line of the review screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub index: usize,
    pub id: String,
    pub topic: String,
    pub answered: bool,
    pub marked: bool,
}

/// The review screen: every question's status and the counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub items: Vec<ReviewItem>,
    pub answered: usize,
    pub unanswered: usize,
    pub marked: usize,
}

/// Correct / total for one topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicResult {
    pub topic: String,
    pub correct: usize,
    pub total: usize,
}

/// How one question went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionOutcome {
    pub id: String,
    pub topic: String,
    pub answered: bool,
    pub correct: bool,
}

/// The result of a finished exam: small, to keep in the learner's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamResult {
    pub seed: u64,
    pub requested: usize,
    pub questions: usize,
    pub answered: usize,
    /// Raw count of right answers.
    pub correct: usize,
    /// 100–1000 ([`scaled_score`], an approximation).
    pub scaled: u32,
    pub passed: bool,
    pub by_topic: Vec<TopicResult>,
    pub outcomes: Vec<QuestionOutcome>,
    pub started_ms: u64,
    pub finished_ms: u64,
    pub limit_ms: u64,
    pub timed_out: bool,
}

impl Exam {
    /// A new exam of `length` (10, 20 or 65) questions drawn from `topics` (empty: every topic),
    /// started at `started_ms`. Questions are spread evenly over the topics that have any (the
    /// seed decides which topics get one more when it does not divide, and which questions);
    /// a topic with too few questions gives all it has and the others make up the difference.
    /// If the bank holds fewer questions than asked, the exam takes them all: see
    /// [`shortfall`](Self::shortfall). The time limit scales with the questions actually in it.
    pub fn new(catalog: &Catalog, length: usize, seed: u64, topics: &[&str], started_ms: u64) -> Result<Exam, ExamError> {
        if !EXAM_LENGTHS.contains(&length) {
            return Err(ExamError::BadLength(length));
        }
        for t in topics {
            if !known_topic(catalog, t) {
                return Err(ExamError::UnknownTopic(t.to_string()));
            }
        }
        let ids: Vec<String> = topic_order(catalog).into_iter().filter(|t| topics.is_empty() || topics.contains(&t.as_str())).collect();
        let mut rng = Rng::new(seed, STREAM_EXAM);
        let mut used: Vec<String> = Vec::new();
        let mut pools: Vec<Vec<&Question>> = Vec::new();
        for t in ids {
            let mut pool: Vec<&Question> = catalog.questions.iter().filter(|q| q.topic == t).collect();
            if pool.is_empty() {
                continue;
            }
            rng.shuffle(&mut pool);
            pools.push(pool);
            used.push(t);
        }
        if pools.is_empty() {
            return Err(ExamError::NoQuestions(match topics {
                [one] => Some(one.to_string()),
                _ => None,
            }));
        }
        // Round-robin over the topics in a seeded order: quotas differ by at most one between
        // topics that still have questions left.
        let available: usize = pools.iter().map(Vec::len).sum();
        let mut left = length.min(available);
        let mut turn: Vec<usize> = (0..pools.len()).collect();
        rng.shuffle(&mut turn);
        let mut quota = vec![0usize; pools.len()];
        while left > 0 {
            for &t in &turn {
                if left > 0 && quota[t] < pools[t].len() {
                    quota[t] += 1;
                    left -= 1;
                }
            }
        }
        let mut chosen: Vec<&Question> = pools.iter().zip(&quota).flat_map(|(p, &n)| p.iter().take(n).copied()).collect();
        rng.shuffle(&mut chosen);
        let questions: Vec<ShownQuestion> = chosen.into_iter().map(|q| ShownQuestion::shuffled(q, &mut rng)).collect();
        let n = questions.len();
        Ok(Exam {
            seed,
            requested: length,
            topics: used,
            answers: vec![None; n],
            marked: vec![false; n],
            started_ms,
            limit_ms: time_limit_minutes(n).saturating_mul(60_000),
            finished_ms: None,
            timed_out: false,
            questions,
        })
    }

    pub fn len(&self) -> usize {
        self.questions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }

    pub fn question(&self, i: usize) -> Option<&ShownQuestion> {
        self.questions.get(i)
    }

    /// The answer given to question `i` (positions, sorted).
    pub fn answer_of(&self, i: usize) -> Option<&[usize]> {
        self.answers.get(i).and_then(|a| a.as_deref())
    }

    pub fn is_marked(&self, i: usize) -> bool {
        self.marked.get(i).copied().unwrap_or(false)
    }

    /// When a bank has fewer questions than asked: a sentence saying so.
    pub fn shortfall(&self) -> Option<String> {
        (self.questions.len() < self.requested).then(|| {
            format!(
                "The question bank has only {} question{} for this exam, not {}: the exam uses all of them ({} minutes).",
                self.questions.len(),
                if self.questions.len() == 1 { "" } else { "s" },
                self.requested,
                self.time_limit_minutes()
            )
        })
    }

    pub fn time_limit_minutes(&self) -> u64 {
        self.limit_ms / 60_000
    }

    pub fn deadline_ms(&self) -> u64 {
        self.started_ms.saturating_add(self.limit_ms)
    }

    /// Milliseconds left at `now_ms` (0 once over).
    pub fn remaining_ms(&self, now_ms: u64) -> u64 {
        if self.finished_ms.is_some() {
            return 0;
        }
        self.deadline_ms().saturating_sub(now_ms.max(self.started_ms))
    }

    /// Finished, or out of time at `now_ms`.
    pub fn is_over(&self, now_ms: u64) -> bool {
        self.finished_ms.is_some() || now_ms >= self.deadline_ms()
    }

    /// Closed for changes at `now_ms`? Out of time finishes the exam (at its deadline).
    fn open(&mut self, now_ms: u64) -> Result<(), ExamError> {
        if self.finished_ms.is_some() {
            return Err(ExamError::Finished);
        }
        if now_ms >= self.deadline_ms() {
            self.finish(now_ms);
            return Err(ExamError::TimeUp);
        }
        Ok(())
    }

    fn fit(&mut self) {
        let n = self.questions.len();
        self.answers.resize(n, None);
        self.marked.resize(n, false);
    }

    /// Answer (or change the answer to) question `i` at `now_ms`. The wrong number of options is
    /// an error, not a wrong answer. After the deadline the exam finishes and this is `TimeUp`.
    pub fn answer(&mut self, i: usize, chosen: &[usize], now_ms: u64) -> Result<(), ExamError> {
        self.open(now_ms)?;
        let q = self.questions.get(i).ok_or(ExamError::NoSuchQuestion(i))?;
        let sorted = q.validate(chosen)?;
        self.fit();
        if let Some(a) = self.answers.get_mut(i) {
            *a = Some(sorted);
        }
        Ok(())
    }

    /// Take back the answer to question `i`.
    pub fn clear_answer(&mut self, i: usize, now_ms: u64) -> Result<(), ExamError> {
        self.open(now_ms)?;
        if i >= self.questions.len() {
            return Err(ExamError::NoSuchQuestion(i));
        }
        self.fit();
        if let Some(a) = self.answers.get_mut(i) {
            *a = None;
        }
        Ok(())
    }

    /// Mark question `i` for review.
    pub fn mark_for_review(&mut self, i: usize) -> Result<(), ExamError> {
        self.set_mark(i, true)
    }

    /// Remove the review mark from question `i`.
    pub fn unmark(&mut self, i: usize) -> Result<(), ExamError> {
        self.set_mark(i, false)
    }

    fn set_mark(&mut self, i: usize, on: bool) -> Result<(), ExamError> {
        if self.finished_ms.is_some() {
            return Err(ExamError::Finished);
        }
        if i >= self.questions.len() {
            return Err(ExamError::NoSuchQuestion(i));
        }
        self.fit();
        if let Some(m) = self.marked.get_mut(i) {
            *m = on;
        }
        Ok(())
    }

    /// The review listing.
    pub fn review(&self) -> Review {
        let items: Vec<ReviewItem> = self
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| ReviewItem { index: i, id: q.id.clone(), topic: q.topic.clone(), answered: self.answer_of(i).is_some(), marked: self.is_marked(i) })
            .collect();
        let answered = items.iter().filter(|r| r.answered).count();
        let marked = items.iter().filter(|r| r.marked).count();
        Review { unanswered: items.len() - answered, answered, marked, items }
    }

    /// Feedback on question `i` as answered (`None` if unanswered or not valid any more).
    pub fn feedback(&self, i: usize) -> Option<Feedback> {
        let q = self.questions.get(i)?;
        q.check(self.answer_of(i)?).ok()
    }

    /// Hand the exam in at `at_ms` (or, past the deadline, at the deadline: a time-out). Calling
    /// it again returns the same result.
    pub fn finish(&mut self, at_ms: u64) -> ExamResult {
        if self.finished_ms.is_none() {
            let deadline = self.deadline_ms();
            self.timed_out = at_ms >= deadline;
            self.finished_ms = Some(at_ms.max(self.started_ms).min(deadline));
        }
        self.compute_result()
    }

    /// The result, once finished.
    pub fn result(&self) -> Option<ExamResult> {
        self.finished_ms.map(|_| self.compute_result())
    }

    fn compute_result(&self) -> ExamResult {
        let outcomes: Vec<QuestionOutcome> = self
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| QuestionOutcome {
                id: q.id.clone(),
                topic: q.topic.clone(),
                answered: self.answer_of(i).is_some(),
                correct: self.feedback(i).is_some_and(|f| f.correct),
            })
            .collect();
        let mut order = self.topics.clone();
        for q in &self.questions {
            if !order.contains(&q.topic) {
                order.push(q.topic.clone());
            }
        }
        let by_topic: Vec<TopicResult> = order
            .into_iter()
            .map(|t| {
                let of: Vec<&QuestionOutcome> = outcomes.iter().filter(|o| o.topic == t).collect();
                TopicResult { correct: of.iter().filter(|o| o.correct).count(), total: of.len(), topic: t }
            })
            .filter(|r| r.total > 0)
            .collect();
        let correct = outcomes.iter().filter(|o| o.correct).count();
        let scaled = scaled_score(correct, outcomes.len());
        ExamResult {
            seed: self.seed,
            requested: self.requested,
            questions: outcomes.len(),
            answered: outcomes.iter().filter(|o| o.answered).count(),
            correct,
            scaled,
            passed: passes(scaled),
            by_topic,
            outcomes,
            started_ms: self.started_ms,
            finished_ms: self.finished_ms.unwrap_or(self.started_ms),
            limit_ms: self.limit_ms,
            timed_out: self.timed_out,
        }
    }
}

/// The compact record kept in the learner's history (`progress::ExamResult`); `taken_at_ms` is the
/// finish time, so pass epoch milliseconds as the exam's times when saving history.
impl From<&ExamResult> for crate::progress::ExamResult {
    fn from(r: &ExamResult) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        crate::progress::ExamResult {
            taken_at_ms: r.finished_ms,
            questions: n(r.questions),
            correct: n(r.correct),
            scaled_score: r.scaled,
            passed: r.passed,
            by_topic: r.by_topic.iter().map(|t| (t.topic.clone(), (n(t.correct), n(t.total)))).collect(),
        }
    }
}

#[cfg(test)]
mod tests;
