//! `/quiz/:topic`: practice one topic's questions, one at a time, with immediate feedback.
//!
//! The logic is `lessons::exam::Practice`; this page only shows it. Every answer is recorded in
//! the learner's progress as a `QuizAttempt`. Scenario, option and explanation text is Markdown,
//! rendered by `lessons::markdown::to_html` (safe to set as inner HTML).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use lessons::Catalog;
use lessons::exam::{ExamError, Feedback, Practice, ShownQuestion, letter, letters, number_word};
use lessons::markdown::to_html;
use lessons::progress::QuizAttempt;

/// The built-in curriculum (parsed once by the progress store).
pub(crate) fn catalog() -> &'static Catalog {
    crate::progress_store::catalog()
}

/// Wall-clock milliseconds since the Unix epoch (the browser's `Date.now()`).
pub(crate) fn epoch_ms() -> u64 {
    let now = js_sys::Date::now();
    if now.is_finite() && now > 0.0 { now as u64 } else { 0 }
}

/// A topic's title, or its id when the catalog has no such topic.
pub(crate) fn topic_title(id: &str) -> String {
    catalog().topic(id).map(|t| t.title.clone()).unwrap_or_else(|| id.to_string())
}

/// "(Choose two.)" for a multiple-answer question, nothing for a single-answer one.
pub(crate) fn choose_note(q: &ShownQuestion) -> Option<String> {
    q.multiple.then(|| format!("(Choose {}.)", number_word(q.choose)))
}

/// The new selection after the learner clicks option `pos`.
pub(crate) fn toggle(selected: &[usize], pos: usize, multiple: bool) -> Vec<usize> {
    if !multiple {
        return vec![pos];
    }
    let mut v: Vec<usize> = selected.to_vec();
    if let Some(i) = v.iter().position(|&p| p == pos) {
        v.remove(i);
    } else {
        v.push(pos);
        v.sort_unstable();
    }
    v
}

#[component]
pub fn QuizPage() -> impl IntoView {
    let params = use_params_map();
    let topic = Memo::new(move |_| params.read().get("topic").unwrap_or_default());
    view! {
        <div class="qx-page quiz-page" data-testid="quiz-page">
            {move || {
                let t = topic.get();
                view! { <QuizBody topic=t /> }
            }}
        </div>
    }
}

/// A friendly dead end with a way home.
fn notice(title: String, text: String) -> AnyView {
    view! {
        <section class="qx-card qx-notice" data-testid="quiz-notice">
            <h2>{title}</h2>
            <p>{text}</p>
            <p>
                <a href="/" data-testid="link-home">"← Back to the curriculum"</a>
            </p>
        </section>
    }
    .into_any()
}

#[component]
fn QuizBody(topic: String) -> impl IntoView {
    let cat = catalog();
    let progress = crate::progress_store::use_progress();
    let seed = epoch_ms();
    let practice = match Practice::new(cat, Some(&topic), seed) {
        Ok(p) => p,
        Err(ExamError::UnknownTopic(_)) => {
            return notice(
                "No such topic".into(),
                format!("There is no topic called “{topic}”. Pick one from the curriculum on the home page."),
            );
        }
        Err(ExamError::NoQuestions(_)) => {
            return notice(
                format!("{}: no questions yet", topic_title(&topic)),
                "This topic has no practice questions yet. Try its lessons, or another topic's questions.".into(),
            );
        }
        Err(e) => return notice("Questions unavailable".into(), e.to_string()),
    };
    let title = topic_title(&topic);
    let practice = RwSignal::new(practice);
    let selected = RwSignal::new(Vec::<usize>::new());
    let feedback = RwSignal::new(None::<Feedback>);
    let error = RwSignal::new(None::<String>);
    let position = Memo::new(move |_| practice.with(|p| p.position));
    let total = Memo::new(move |_| practice.with(Practice::len));
    let score = Memo::new(move |_| practice.with(Practice::score));

    let submit = move |_| {
        if feedback.with_untracked(Option::is_some) {
            return;
        }
        let chosen = selected.get_untracked();
        let mut outcome = None;
        practice.update(|p| outcome = Some((p.current().map(|q| q.id.clone()), p.answer(&chosen))));
        match outcome {
            Some((Some(id), Ok(fb))) => {
                let attempt = QuizAttempt { question_id: id, chosen: fb.chosen_indexes(), correct: fb.correct, at_ms: epoch_ms() };
                progress.update(|p| p.record_quiz(attempt));
                error.set(None);
                feedback.set(Some(fb));
            }
            Some((_, Err(e))) => error.set(Some(capitalize(&e.to_string()))),
            _ => {}
        }
    };
    let next = move |_| {
        practice.update(|p| {
            p.next_question();
        });
        selected.set(Vec::new());
        feedback.set(None);
        error.set(None);
    };
    let topic_id = StoredValue::new(topic.clone());
    let again = move |_| {
        let seed = epoch_ms();
        if let Some(Ok(p)) = topic_id.try_with_value(|t| Practice::new(cat, Some(t), seed)) {
            practice.set(p);
        }
        selected.set(Vec::new());
        feedback.set(None);
        error.set(None);
    };

    let question_view = move || {
        let pos = position.get();
        let Some(q) = practice.with_untracked(|p| p.current().cloned()) else {
            let (right, answered) = score.get_untracked();
            return view! {
                <section class="qx-card qx-done" data-testid="quiz-done">
                    <h2>"Practice complete"</h2>
                    <p class="qx-big">{format!("{right} of {answered} answered correctly")}</p>
                    <p>
                        <button class="primary" data-testid="btn-practice-again" on:click=again>
                            "Practice again (new order)"
                        </button>
                        " "
                        <a href="/exam">"Take a timed practice exam"</a>
                        " · "
                        <a href="/">"Back to the curriculum"</a>
                    </p>
                </section>
            }
            .into_any();
        };
        let multiple = q.multiple;
        let input_type = if multiple { "checkbox" } else { "radio" };
        let group = format!("quiz-q-{pos}");
        let options = q
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let html = to_html(&o.text);
                let group = group.clone();
                let is_chosen = move || selected.with(|s| s.contains(&i));
                let fb_class = move || {
                    let verdict = feedback.with(|f| match f.as_ref().and_then(|f| f.options.get(i)) {
                        Some(of) if of.correct => " correct",
                        Some(of) if of.chosen => " wrong",
                        Some(_) => " dim",
                        None => "",
                    });
                    let chosen = if is_chosen() { " chosen" } else { "" };
                    format!("qx-option{verdict}{chosen}")
                };
                view! {
                    <li>
                        <label class=fb_class data-testid=format!("quiz-option-{i}")>
                            <input
                                type=input_type
                                name=group
                                prop:checked=is_chosen
                                disabled=move || feedback.with(Option::is_some)
                                on:change=move |_| selected.update(|s| *s = toggle(s, i, multiple))
                            />
                            <span class="qx-letter">{format!("{})", letter(i))}</span>
                            <span class="qx-text" inner_html=html></span>
                        </label>
                    </li>
                }
            })
            .collect_view();
        let note = choose_note(&q);
        let scenario = to_html(&q.scenario);
        let q_fb = q.clone();
        view! {
            <section class="qx-card" data-testid="quiz-question" data-question-id=q.id.clone()>
                <p class="qx-meta">
                    {format!("Question {} of {}", pos + 1, total.get_untracked())}
                    <span class="qx-diff">{format!(" · difficulty {}", q.difficulty)}</span>
                </p>
                <div class="qx-scenario md" inner_html=scenario></div>
                {note.map(|n| view! { <p class="qx-choose" data-testid="quiz-choose">{n}</p> })}
                {q.try_it.as_ref().map(|_| {
                    let href = format!("/sandbox?try={}", q.id);
                    view! {
                        <p class="qx-try-it">
                            <a href=href target="_blank" rel="noopener" data-testid="quiz-try-it">
                                "Try it in the lab"
                            </a>
                        </p>
                    }
                })}
                <ul class="qx-options">{options}</ul>
                <p class="qx-error" role="alert" data-testid="quiz-error">{move || error.get()}</p>
                <div class="qx-actions">
                    <Show
                        when=move || feedback.with(Option::is_some)
                        fallback=move || {
                            view! {
                                <button class="primary" data-testid="btn-submit-answer" on:click=submit>
                                    "Submit answer"
                                </button>
                            }
                        }
                    >
                        <button class="primary" data-testid="btn-next-question" on:click=next>
                            {move || if position.get() + 1 >= total.get() { "See my score" } else { "Next question →" }}
                        </button>
                    </Show>
                </div>
                {move || feedback.get().map(|fb| feedback_view(&q_fb, &fb))}
            </section>
        }
        .into_any()
    };

    view! {
        <header class="qx-head">
            <p class="qx-crumbs">
                <a href="/">"Curriculum"</a>
                " › Practice"
            </p>
            <h2 class="qx-title">{format!("Practice: {title}")}</h2>
            <p class="qx-score" data-testid="quiz-score">
                {move || {
                    let (right, answered) = score.get();
                    format!("Score: {right} / {answered} answered · {} questions in this topic", total.get())
                }}
            </p>
        </header>
        {question_view}
    }
    .into_any()
}

/// The verdict, the right answer, every option's explanation and the fact tested.
pub(crate) fn feedback_view(q: &ShownQuestion, fb: &Feedback) -> AnyView {
    let verdict = if fb.correct { "✔ Correct" } else { "✘ Not quite" };
    let whys = fb
        .options
        .iter()
        .map(|of| {
            let text = q.options.get(of.position).map(|o| to_html(&o.text)).unwrap_or_default();
            let why = to_html(&of.why);
            let mark = match (of.correct, of.chosen) {
                (true, true) => "✔ your answer, correct",
                (true, false) => "✔ correct",
                (false, true) => "✘ your answer",
                (false, false) => "",
            };
            view! {
                <li class="qx-why" class:correct=of.correct class:wrong=!of.correct && of.chosen>
                    <div class="qx-why-head">
                        <span class="qx-letter">{format!("{})", letter(of.position))}</span>
                        <span class="qx-text" inner_html=text></span>
                        <span class="qx-mark">{mark}</span>
                    </div>
                    <div class="qx-why-text md" inner_html=why></div>
                </li>
            }
        })
        .collect_view();
    view! {
        <div
            class="qx-feedback"
            class:correct=fb.correct
            class:wrong=!fb.correct
            data-testid="quiz-feedback"
            data-correct=fb.correct.to_string()
            role="status"
        >
            <p class="qx-verdict">{verdict}</p>
            <p>
                {format!("The right answer: {}. ", letters(&fb.correct_options))}
                {(!fb.chosen.is_empty()).then(|| format!("You chose: {}.", letters(&fb.chosen)))}
            </p>
            <ul class="qx-whys">{whys}</ul>
            <p class="qx-fact">
                <strong>"The fact tested: "</strong>
                {q.fact.clone()}
            </p>
        </div>
    }
    .into_any()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
