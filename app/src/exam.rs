//! `/exam`: a timed practice exam (10, 20 or 65 questions) in the style of the AWS Solutions
//! Architect Associate exam.
//!
//! The logic is `lessons::exam::Exam`, which never reads a clock: this page passes the browser's
//! wall clock (`Date.now()`, so a saved exam's deadline survives a reload) to every call. The
//! running exam is saved to localStorage (`ec2lab.exam.v1`, the `Exam` as JSON) after every
//! change, so a reload resumes it; a value that cannot be read is discarded with a visible
//! message. A finished exam's result goes into the learner's progress (exam history).

use gloo_timers::callback::Interval;
use leptos::prelude::*;
use leptos::serde_json;
use lessons::exam::{EXAM_LENGTHS, Exam, ExamError, ExamResult, PASS_MARK, ShownQuestion, letter, letters, time_limit_minutes};
use lessons::markdown::to_html;
use lessons::progress;

use crate::quiz::{catalog, choose_note, epoch_ms, toggle, topic_title};

/// The localStorage key of the exam in progress.
pub const STORAGE_KEY: &str = "ec2lab.exam.v1";
/// A saved exam larger than this is not read (a 65-question exam is well under 200 KB).
const MAX_SAVED_LEN: usize = 4 * 1024 * 1024;
/// How often the countdown is refreshed (real milliseconds).
const TICK_MS: u32 = 500;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn save_exam(exam: &Exam) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(exam)) {
        let _ = s.set_item(STORAGE_KEY, &json);
    }
}

fn forget_saved_exam() {
    if let Some(s) = storage() {
        let _ = s.remove_item(STORAGE_KEY);
    }
}

/// The saved exam, if there is a usable one, and a message when something was discarded.
fn load_saved() -> (Option<Exam>, Option<String>) {
    let Some(raw) = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()) else {
        return (None, None);
    };
    let discard = |why: String| {
        forget_saved_exam();
        (None, Some(format!("A saved exam could not be resumed and was discarded: {why}.")))
    };
    if raw.len() > MAX_SAVED_LEN {
        return discard("it is too large".into());
    }
    match serde_json::from_str::<Exam>(&raw) {
        Err(e) => discard(format!("it is not a readable exam ({e})")),
        Ok(exam) if exam.questions.is_empty() => discard("it has no questions".into()),
        Ok(exam) if exam.finished_ms.is_some() => {
            forget_saved_exam();
            (None, None)
        }
        Ok(exam) => (Some(exam), None),
    }
}

/// `mm:ss`, or `h:mm:ss` from an hour up.
fn clock_text(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m:02}:{s:02}") }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Question,
    Review,
}

#[component]
pub fn ExamPage() -> impl IntoView {
    let progress = crate::progress_store::use_progress();
    let (saved, load_message) = load_saved();
    let exam = RwSignal::new(saved);
    let message = RwSignal::new(load_message);
    let current = RwSignal::new(0usize);
    let draft = RwSignal::new(Vec::<usize>::new());
    let error = RwSignal::new(None::<String>);
    let mode = RwSignal::new(Mode::Question);
    let length = RwSignal::new(EXAM_LENGTHS[0]);
    let now = RwSignal::new(epoch_ms());
    // Whether the finished exam's result went into the history (once per exam).
    let recorded = StoredValue::new(false);

    // Show question `i` with its saved answer as the starting selection.
    let go = move |i: usize| {
        let (len, answer) = exam.with_untracked(|e| match e {
            Some(e) => (e.len(), e.answer_of(i).map(<[usize]>::to_vec)),
            None => (0, None),
        });
        if i < len {
            current.set(i);
            draft.set(answer.unwrap_or_default());
            error.set(None);
            mode.set(Mode::Question);
        }
    };

    // Once the exam is finished (by the learner, by an answer after the deadline, or by the
    // clock): record the result, forget the saved copy.
    let conclude = move || {
        let Some(Some(result)) = exam.try_with_untracked(|e| e.as_ref().and_then(Exam::result)) else {
            return;
        };
        forget_saved_exam();
        if recorded.try_get_value().unwrap_or(true) {
            return;
        }
        recorded.set_value(true);
        progress.try_update(|p| p.record_exam(progress::ExamResult::from(&result)));
        message.try_set(result.timed_out.then(|| "Time is up: the exam was handed in at its deadline.".to_string()));
    };

    // A saved exam that ran out of time while the page was closed finishes now.
    if exam.with_untracked(|e| e.as_ref().is_some_and(|e| e.is_over(now.get_untracked()))) {
        let t = now.get_untracked();
        exam.update(|e| {
            if let Some(e) = e {
                e.finish(t);
            }
        });
        conclude();
    } else if exam.with_untracked(Option::is_some) {
        go(0);
        if message.with_untracked(Option::is_none) {
            message.set(Some("Your exam in progress was restored.".into()));
        }
    }

    // Save the running exam after every change.
    Effect::new(move |_| {
        exam.with(|e| {
            if let Some(e) = e.as_ref().filter(|e| e.finished_ms.is_none()) {
                save_exam(e);
            }
        });
    });

    // The countdown: the browser clock, and the automatic finish at the deadline.
    let interval = Interval::new(TICK_MS, move || {
        let t = epoch_ms();
        if now.try_set(t).is_some() {
            return; // disposed
        }
        let over = exam.try_with_untracked(|e| e.as_ref().is_some_and(|e| e.finished_ms.is_none() && e.is_over(t)));
        if over == Some(true) {
            exam.try_update(|e| {
                if let Some(e) = e {
                    e.finish(t);
                }
            });
            conclude();
        }
    });
    let handle = StoredValue::new_local(Some(interval));
    on_cleanup(move || {
        let _ = handle.try_update_value(|h| h.take());
    });

    let start = move |_| {
        let n = length.get_untracked();
        let t = epoch_ms();
        match Exam::new(catalog(), n, t, &[], t) {
            Ok(e) => {
                recorded.set_value(false);
                now.set(t);
                exam.set(Some(e));
                message.set(None);
                go(0);
            }
            Err(e) => message.set(Some(format!("The exam could not start: {e}."))),
        }
    };

    // Finish: with questions still unanswered, the first press shows the review screen and says
    // so; pressing again there hands the exam in.
    let finish = move |_| {
        let unanswered = exam.with_untracked(|e| e.as_ref().map_or(0, |e| e.review().unanswered));
        if unanswered > 0 && mode.get_untracked() != Mode::Review {
            mode.set(Mode::Review);
            error.set(Some(format!(
                "{unanswered} question{} still unanswered (unanswered counts as wrong). Answer {}, or press Finish exam again to hand in now.",
                if unanswered == 1 { " is" } else { "s are" },
                if unanswered == 1 { "it" } else { "them" },
            )));
            return;
        }
        let t = epoch_ms();
        exam.update(|e| {
            if let Some(e) = e {
                e.finish(t);
            }
        });
        conclude();
    };

    let new_exam = move |_| {
        forget_saved_exam();
        exam.set(None);
        message.set(None);
        error.set(None);
        mode.set(Mode::Question);
    };

    // Which screen: setup, running, or result.
    let stage = Memo::new(move |_| {
        exam.with(|e| match e {
            None => 0u8,
            Some(e) if e.finished_ms.is_none() => 1,
            Some(_) => 2,
        })
    });

    let body = move || match stage.get() {
        0 => setup_view(length, start, progress).into_any(),
        1 => running_view(exam, current, draft, error, mode, now, go, conclude, finish).into_any(),
        _ => exam
            .with_untracked(|e| e.as_ref().and_then(|e| e.result().map(|r| (e.clone(), r))))
            .map(|(e, r)| result_view(&e, &r, new_exam).into_any())
            .unwrap_or_else(|| ().into_any()),
    };

    view! {
        <div class="qx-page exam-page" data-testid="exam-page">
            <header class="qx-head">
                <p class="qx-crumbs">
                    <a href="/">"Curriculum"</a>
                    " › Practice exam"
                </p>
                <h2 class="qx-title">"Practice exam — AWS Solutions Architect Associate style"</h2>
            </header>
            {move || {
                message
                    .get()
                    .map(|m| {
                        view! {
                            <p class="qx-message" role="status" data-testid="exam-message">
                                {m}
                                " "
                                <button class="qx-dismiss" aria-label="Dismiss" on:click=move |_| message.set(None)>
                                    "×"
                                </button>
                            </p>
                        }
                    })
            }}
            {body}
        </div>
    }
}

fn setup_view(length: RwSignal<usize>, start: impl Fn(leptos::ev::MouseEvent) + 'static, progress: RwSignal<progress::Progress>) -> impl IntoView {
    let bank = catalog().questions.len();
    let choices = EXAM_LENGTHS
        .iter()
        .map(|&n| {
            let minutes = time_limit_minutes(n);
            let short = (bank < n).then(|| format!("the bank has {bank} so far: {} minutes", time_limit_minutes(bank)));
            view! {
                <button
                    class="qx-length"
                    class:active=move || length.get() == n
                    aria-pressed=move || (length.get() == n).to_string()
                    data-testid=format!("exam-length-{n}")
                    on:click=move |_| length.set(n)
                >
                    <strong>{format!("{n} questions")}</strong>
                    <span>{format!("{minutes} minutes")}</span>
                    {short.map(|t| view! { <span class="qx-short">{t}</span> })}
                </button>
            }
        })
        .collect_view();
    let shortfall = move || {
        let n = length.get();
        (bank < n).then(|| {
            format!(
                "The question bank has only {bank} question{} so far: a {n}-question exam uses all of them, with the time scaled to match ({} minutes).",
                if bank == 1 { "" } else { "s" },
                time_limit_minutes(bank)
            )
        })
    };
    let history = move || {
        progress.with(|p| {
            let last: Vec<_> = p.exam_history.iter().rev().take(5).cloned().collect();
            (!last.is_empty()).then(|| {
                let rows = last
                    .into_iter()
                    .map(|r| {
                        let verdict = if r.passed { "PASS" } else { "FAIL" };
                        view! {
                            <li>
                                {format!("{} / 1000 · {} of {} right · ", r.scaled_score, r.correct, r.questions)}
                                <span class="qx-verdict-tag" class:pass=r.passed class:fail=!r.passed>
                                    {verdict}
                                </span>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="qx-history">
                        <h3>"Your recent exams"</h3>
                        <ul>{rows}</ul>
                    </div>
                }
            })
        })
    };
    view! {
        <section class="qx-card qx-setup" data-testid="exam-setup">
            <p>
                "Like the real exam: questions from every topic, a time limit scaled from the real 130 minutes for 65 questions, "
                "marks for review, and a score out of 1000 with "
                {PASS_MARK.to_string()}
                " to pass. Nothing is scored until you finish."
            </p>
            <div class="qx-lengths" role="group" aria-label="Exam length">{choices}</div>
            <p class="qx-shortfall" data-testid="exam-shortfall">{shortfall}</p>
            <p>
                <button class="primary" data-testid="btn-start-exam" on:click=start>
                    "Start the exam"
                </button>
            </p>
            {history}
        </section>
    }
}

#[allow(clippy::too_many_arguments)]
fn running_view(
    exam: RwSignal<Option<Exam>>,
    current: RwSignal<usize>,
    draft: RwSignal<Vec<usize>>,
    error: RwSignal<Option<String>>,
    mode: RwSignal<Mode>,
    now: RwSignal<u64>,
    go: impl Fn(usize) + Copy + Send + Sync + 'static,
    conclude: impl Fn() + Copy + Send + Sync + 'static,
    finish: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let remaining = Memo::new(move |_| {
        let t = now.get();
        exam.with(|e| e.as_ref().map_or(0, |e| e.remaining_ms(t)))
    });
    let total = Memo::new(move |_| exam.with(|e| e.as_ref().map_or(0, Exam::len)));
    let shortfall = exam.with_untracked(|e| e.as_ref().and_then(Exam::shortfall));
    let limit = exam.with_untracked(|e| e.as_ref().map_or(0, Exam::time_limit_minutes));
    let status = Memo::new(move |_| {
        exam.with(|e| {
            e.as_ref().map(|e| {
                let r = e.review();
                r.items.into_iter().map(|i| (i.answered, i.marked)).collect::<Vec<_>>()
            })
        })
        .unwrap_or_default()
    });

    // Choose option `pos` of question `i`: the answer is saved once the right number of options
    // is chosen (a half-made "choose two" leaves the question unanswered).
    let choose = move |i: usize, pos: usize, multiple: bool, need: usize| {
        let sel = draft.with_untracked(|d| toggle(d, pos, multiple));
        draft.set(sel.clone());
        let t = epoch_ms();
        let mut outcome: Result<(), ExamError> = Ok(());
        exam.update(|e| {
            if let Some(e) = e {
                if sel.len() == need {
                    outcome = e.answer(i, &sel, t);
                } else if e.answer_of(i).is_some() {
                    outcome = e.clear_answer(i, t);
                }
            }
        });
        match outcome {
            Ok(()) => error.set(None),
            Err(ExamError::TimeUp | ExamError::Finished) => conclude(),
            Err(e) => error.set(Some(e.to_string())),
        }
    };

    let toggle_mark = move |_| {
        let i = current.get_untracked();
        exam.update(|e| {
            if let Some(e) = e {
                let _ = if e.is_marked(i) { e.unmark(i) } else { e.mark_for_review(i) };
            }
        });
    };

    let navigator = move || {
        let cur = current.get();
        let in_review = mode.get() == Mode::Review;
        status
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, (answered, marked))| {
                let label = format!(
                    "Question {}: {}{}",
                    i + 1,
                    if answered { "answered" } else { "unanswered" },
                    if marked { ", marked for review" } else { "" }
                );
                view! {
                    <button
                        class="qx-nav-item"
                        class:answered=answered
                        class:marked=marked
                        class:current=!in_review && i == cur
                        title=label.clone()
                        aria-label=label
                        data-testid=format!("exam-nav-{i}")
                        on:click=move |_| go(i)
                    >
                        {(i + 1).to_string()}
                    </button>
                }
            })
            .collect_view()
    };

    let question = move || {
        let i = current.get();
        let Some(q) = exam.with_untracked(|e| e.as_ref().and_then(|e| e.question(i).cloned())) else {
            return ().into_any();
        };
        let multiple = q.multiple;
        let need = q.choose;
        let input_type = if multiple { "checkbox" } else { "radio" };
        let group = format!("exam-q-{i}");
        let options = q
            .options
            .iter()
            .enumerate()
            .map(|(pos, o)| {
                let html = to_html(&o.text);
                let group = group.clone();
                let is_chosen = move || draft.with(|d| d.contains(&pos));
                view! {
                    <li>
                        <label class="qx-option" class:chosen=is_chosen data-testid=format!("exam-option-{pos}")>
                            <input
                                type=input_type
                                name=group
                                prop:checked=is_chosen
                                on:change=move |_| choose(i, pos, multiple, need)
                            />
                            <span class="qx-letter">{format!("{})", letter(pos))}</span>
                            <span class="qx-text" inner_html=html></span>
                        </label>
                    </li>
                }
            })
            .collect_view();
        let note = choose_note(&q).map(|n| {
            view! {
                <p class="qx-choose" data-testid="exam-choose">
                    {n}
                    {move || format!(" {} chosen.", draft.with(Vec::len))}
                </p>
            }
        });
        view! {
            <section class="qx-card" data-testid="exam-question" data-question-id=q.id.clone()>
                <p class="qx-meta">
                    {format!("Question {} of {}", i + 1, total.get_untracked())}
                    {move || {
                        exam.with(|e| e.as_ref().is_some_and(|e| e.is_marked(i)))
                            .then(|| view! { <span class="qx-marked-tag">" · marked for review"</span> })
                    }}
                </p>
                <div class="qx-scenario md" inner_html=to_html(&q.scenario)></div>
                {note}
                <ul class="qx-options">{options}</ul>
                <p class="qx-error" role="alert" data-testid="exam-error">{move || error.get()}</p>
            </section>
        }
        .into_any()
    };

    let review = move || {
        let Some(r) = exam.with(|e| e.as_ref().map(Exam::review)) else {
            return ().into_any();
        };
        let rows = r
            .items
            .into_iter()
            .map(|item| {
                let i = item.index;
                let state = if item.answered { "answered" } else { "unanswered" };
                view! {
                    <li class="qx-review-item" class:unanswered=!item.answered class:marked=item.marked>
                        <button data-testid=format!("exam-review-{i}") on:click=move |_| go(i)>
                            {format!("Question {}", i + 1)}
                        </button>
                        <span>{state}</span>
                        {item.marked.then(|| view! { <span class="qx-marked-tag">"marked for review"</span> })}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="qx-card qx-review" data-testid="exam-review">
                <h3>"Review"</h3>
                <p>
                    {format!(
                        "{} answered, {} unanswered, {} marked for review. Unanswered questions count as wrong; you can still change any answer until you finish.",
                        r.answered,
                        r.unanswered,
                        r.marked,
                    )}
                </p>
                <p class="qx-error" role="alert" data-testid="exam-finish-warning">{move || error.get()}</p>
                <ul class="qx-review-list">{rows}</ul>
            </section>
        }
        .into_any()
    };

    view! {
        <div class="qx-exam">
            <div class="qx-toolbar">
                <span
                    class="qx-timer"
                    class:low=move || remaining.get() < 5 * 60_000
                    data-testid="exam-timer"
                    title=format!("Time left of {limit} minutes")
                    role="timer"
                >
                    {move || format!("Time left {}", clock_text(remaining.get()))}
                </span>
                <button
                    data-testid="btn-prev"
                    disabled=move || mode.get() == Mode::Question && current.get() == 0
                    on:click=move |_| {
                        if mode.get_untracked() == Mode::Review {
                            go(current.get_untracked());
                        } else {
                            go(current.get_untracked().saturating_sub(1));
                        }
                    }
                >
                    "← Previous"
                </button>
                <button
                    data-testid="btn-next"
                    disabled=move || mode.get() == Mode::Review
                    on:click=move |_| {
                        let i = current.get_untracked();
                        if i + 1 >= total.get_untracked() {
                            error.set(None);
                            mode.set(Mode::Review);
                        } else {
                            go(i + 1);
                        }
                    }
                >
                    {move || if current.get() + 1 >= total.get() { "Review →" } else { "Next →" }}
                </button>
                <button
                    data-testid="btn-mark"
                    disabled=move || mode.get() == Mode::Review
                    aria-pressed=move || {
                        let i = current.get();
                        exam.with(|e| e.as_ref().is_some_and(|e| e.is_marked(i))).to_string()
                    }
                    on:click=toggle_mark
                >
                    {move || {
                        let i = current.get();
                        if exam.with(|e| e.as_ref().is_some_and(|e| e.is_marked(i))) { "⚑ Unmark" } else { "⚐ Mark for review" }
                    }}
                </button>
                <button
                    data-testid="btn-review"
                    on:click=move |_| {
                        error.set(None);
                        mode.set(Mode::Review);
                    }
                >
                    "Review all"
                </button>
                <button class="primary" data-testid="btn-finish-exam" on:click=finish>
                    "Finish exam"
                </button>
            </div>
            {shortfall.map(|s| view! { <p class="qx-shortfall" data-testid="exam-shortfall">{s}</p> })}
            <nav class="qx-nav" aria-label="Questions" data-testid="exam-navigator">
                {navigator}
            </nav>
            <p class="qx-legend">
                <span class="qx-nav-item answered">"1"</span>
                " answered "
                <span class="qx-nav-item">"2"</span>
                " unanswered "
                <span class="qx-nav-item marked">"3"</span>
                " marked for review"
            </p>
            {move || match mode.get() {
                Mode::Question => question().into_any(),
                Mode::Review => review().into_any(),
            }}
        </div>
    }
}

fn result_view(exam: &Exam, r: &ExamResult, new_exam: impl Fn(leptos::ev::MouseEvent) + 'static) -> impl IntoView {
    let verdict = if r.passed { "PASS" } else { "FAIL" };
    let took = r.finished_ms.saturating_sub(r.started_ms);
    let topics = r
        .by_topic
        .iter()
        .map(|t| {
            let pct = (t.correct * 100).checked_div(t.total).unwrap_or(0);
            view! {
                <tr data-testid=format!("exam-topic-{}", t.topic)>
                    <td>{topic_title(&t.topic)}</td>
                    <td class="num">{format!("{} / {}", t.correct, t.total)}</td>
                    <td class="qx-bar-cell">
                        <span class="qx-bar">
                            <span class="qx-bar-fill" style=format!("width: {pct}%")></span>
                        </span>
                        {format!(" {pct}%")}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let questions = exam
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let chosen = exam.answer_of(i).map(<[usize]>::to_vec).unwrap_or_default();
            let correct = r.outcomes.get(i).is_some_and(|o| o.correct);
            question_explained(i, q, &chosen, correct)
        })
        .collect_view();
    view! {
        <section class="qx-card qx-result" data-testid="exam-result" data-passed=r.passed.to_string()>
            <p class="qx-score-line">
                <span class="qx-score" data-testid="exam-score">
                    {format!("{} / 1000", r.scaled)}
                </span>
                " "
                <span class="qx-verdict-tag big" class:pass=r.passed class:fail=!r.passed data-testid="exam-verdict">
                    {verdict}
                </span>
            </p>
            <p>
                {format!(
                    "{} of {} correct ({} answered) · {} to pass · time used {}{}",
                    r.correct,
                    r.questions,
                    r.answered,
                    PASS_MARK,
                    clock_text(took),
                    if r.timed_out { " · time ran out" } else { "" },
                )}
            </p>
            <p class="qx-note">
                "The scaled score is an approximation. AWS reports 100–1000 with 720 to pass but does not publish how right answers map to that scale; ec2lab uses a straight line, 100 + 900 × right ÷ total (7 of 10, 14 of 20 or 45 of 65 pass). The real exam also has unscored questions; here every question counts."
            </p>
            <h3>"Results by topic"</h3>
            <table class="qx-topics" data-testid="exam-by-topic">
                <thead>
                    <tr>
                        <th>"Topic"</th>
                        <th>"Right"</th>
                        <th></th>
                    </tr>
                </thead>
                <tbody>{topics}</tbody>
            </table>
            <p>
                <button class="primary" data-testid="btn-new-exam" on:click=new_exam>
                    "Take another exam"
                </button>
                " "
                <a href="/">"Back to the curriculum"</a>
            </p>
            <h3>"Every question"</h3>
            <ol class="qx-explained">{questions}</ol>
        </section>
    }
}

/// One question of a finished exam: your answer, the right one, every option's explanation.
fn question_explained(i: usize, q: &ShownQuestion, chosen: &[usize], correct: bool) -> AnyView {
    let right = q.correct_positions();
    let status = if chosen.is_empty() {
        "not answered".to_string()
    } else if correct {
        format!("right: you chose {}", letters(chosen))
    } else {
        format!("wrong: you chose {}, the answer is {}", letters(chosen), letters(&right))
    };
    let options = q
        .options
        .iter()
        .enumerate()
        .map(|(pos, o)| {
            let was_chosen = chosen.contains(&pos);
            let mark = match (o.correct, was_chosen) {
                (true, true) => "✔ your answer, correct",
                (true, false) => "✔ correct",
                (false, true) => "✘ your answer",
                (false, false) => "",
            };
            view! {
                <li class="qx-why" class:correct=o.correct class:wrong=!o.correct && was_chosen>
                    <div class="qx-why-head">
                        <span class="qx-letter">{format!("{})", letter(pos))}</span>
                        <span class="qx-text" inner_html=to_html(&o.text)></span>
                        <span class="qx-mark">{mark}</span>
                    </div>
                    <div class="qx-why-text md" inner_html=to_html(&o.why)></div>
                </li>
            }
        })
        .collect_view();
    view! {
        <li class="qx-explained-item" class:correct=correct class:wrong=!correct data-testid=format!("exam-answer-{i}")>
            <details open=!correct>
                <summary>
                    <span class="qx-mark">{if correct { "✔" } else { "✘" }}</span>
                    {format!(" Question {} · {} · {}", i + 1, topic_title(&q.topic), status)}
                </summary>
                <div class="qx-scenario md" inner_html=to_html(&q.scenario)></div>
                {choose_note(q).map(|n| view! { <p class="qx-choose">{n}</p> })}
                <ul class="qx-whys">{options}</ul>
                <p class="qx-fact">
                    <strong>"The fact tested: "</strong>
                    {q.fact.clone()}
                </p>
            </details>
        </li>
    }
    .into_any()
}
