//! `/`: the curriculum map (topics in order, their lessons and quizzes, the learner's progress),
//! "continue where I left off", export and import of progress; and the progress banner shown on
//! every page when the stored progress could not be read (or an import failed).

use leptos::prelude::*;
use leptos_router::components::A;
use lessons::progress;
use wasm_bindgen::JsCast;

use crate::progress_store::{catalog, use_store};

/// A `data:` URL holding `text` as JSON, for a download link.
fn json_data_url(text: &str) -> String {
    format!("data:application/json;charset=utf-8,{}", String::from(js_sys::encode_uri_component(text)))
}

/// The lessons of a topic in file order, each after its prerequisites in the same topic.
fn lessons_of(topic: &str) -> Vec<&'static lessons::Lesson> {
    let mut pending: Vec<&lessons::Lesson> = catalog().lessons.iter().filter(|l| l.topic == topic).collect();
    let mut out: Vec<&lessons::Lesson> = Vec::new();
    while !pending.is_empty() {
        let ready = pending.iter().position(|l| {
            l.prerequisites.iter().all(|p| out.iter().any(|o| &o.id == p) || !pending.iter().any(|q| &q.id == p))
        });
        // A cycle (ruled out by validation) would leave none ready: take the first.
        out.push(pending.remove(ready.unwrap_or(0)));
    }
    out
}

/// Shown on every page while there is a message about the learner's progress.
#[component]
pub fn ProgressBanner() -> impl IntoView {
    let store = use_store();
    let download = move || {
        store.unreadable.get().map(|raw| {
            view! {
                " "
                <a href=json_data_url(&raw) download="ec2lab-progress-unreadable.json">"Download the unreadable copy"</a>
            }
        })
    };
    view! {
        <Show when=move || store.message.with(Option::is_some)>
            <div class="progress-banner" role="alert" data-testid="progress-banner">
                <span>{move || store.message.get().unwrap_or_default()}</span>
                {download}
                <button class="dismiss" data-testid="btn-dismiss-banner" on:click=move |_| store.message.set(None) title="Dismiss">
                    "✕"
                </button>
            </div>
        </Show>
    }
}

#[component]
fn LessonItem(lesson: &'static lessons::Lesson) -> impl IntoView {
    let progress = use_store().progress;
    let id = lesson.id.clone();
    let n = lesson.steps.len();
    let status = {
        let id = id.clone();
        move || {
            progress.with(|p| {
                if p.lesson_completed(&id) {
                    ("done", "✓ done".to_string())
                } else {
                    match p.steps_done(&id) {
                        0 => ("new", String::new()),
                        k => ("doing", format!("in progress: {k} of {n} steps")),
                    }
                }
            })
        }
    };
    let status2 = status.clone();
    view! {
        <li class="lesson-item" data-status=move || status().0>
            <A href=format!("/lesson/{id}") attr:data-testid=format!("lesson-link-{id}")>{lesson.title.clone()}</A>
            <span class="minutes">{format!(" · {} min", lesson.minutes)}</span>
            <span class="lesson-status">{move || { let s = status2().1; if s.is_empty() { s } else { format!(" · {s}") } }}</span>
            <div class="lesson-summary">{lesson.summary.clone()}</div>
        </li>
    }
}

#[component]
fn TopicCard(topic: &'static lessons::Topic) -> impl IntoView {
    let lessons = lessons_of(&topic.id);
    let questions = catalog().questions_for(&topic.id).count();
    let quiz = if questions > 0 {
        view! {
            <A href=format!("/quiz/{}", topic.id) attr:data-testid=format!("quiz-link-{}", topic.id)>
                {format!("Quiz: {questions} question{}", if questions == 1 { "" } else { "s" })}
            </A>
        }
        .into_any()
    } else {
        view! { <span class="muted">"Questions come with this topic's lesson."</span> }.into_any()
    };
    let body = if !topic.simulated {
        view! { <p class="muted">"Coming: the lab does not simulate this topic yet."</p> }.into_any()
    } else if lessons.is_empty() {
        view! { <p class="muted">"Lessons are on their way."</p> }.into_any()
    } else {
        view! { <ul class="lesson-list">{lessons.into_iter().map(|lesson| view! { <LessonItem lesson /> }).collect_view()}</ul> }
            .into_any()
    };
    view! {
        <section class="topic" class:coming=!topic.simulated data-testid=format!("topic-{}", topic.id)>
            <h2>
                <span class="topic-order">{topic.order}". "</span>{topic.title.clone()}
                {(!topic.simulated).then(|| view! { <span class="badge coming-badge">"coming"</span> })}
            </h2>
            <p class="topic-summary">{topic.summary.clone()}</p>
            {body}
            <p class="quiz-line">{quiz}</p>
        </section>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let store = use_store();
    let progress = store.progress;
    let continue_link = move || {
        let (id, step) = progress.with(|p| p.last_lesson.clone())?;
        let lesson = catalog().lesson(&id)?;
        let label = if progress.with(|p| p.lesson_completed(&id)) {
            format!("Continue where I left off: {} (completed)", lesson.title)
        } else {
            format!("Continue where I left off: {} (step {})", lesson.title, (step + 1).min(lesson.steps.len()))
        };
        Some(view! { <A href=format!("/lesson/{id}") attr:class="button primary" attr:data-testid="continue">{label}</A> })
    };
    let export_href = move || progress.with(|p| json_data_url(&progress::export(p)));
    let on_import = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        wasm_bindgen_futures::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|v| v.as_string());
            let result = match text {
                Some(t) => progress::import(&t),
                None => Err("This file could not be read.".to_string()),
            };
            match result {
                Ok(mut p) => {
                    p.prune(catalog());
                    store.progress.try_set(p);
                    store.unreadable.try_set(None);
                    store.message.try_set(Some("Progress imported.".to_string()));
                }
                Err(msg) => {
                    store.message.try_set(Some(msg));
                }
            }
        });
    };
    let lessons_total = catalog().lessons.len();
    let done = move || progress.with(|p| catalog().lessons.iter().filter(|l| p.lesson_completed(&l.id)).count());
    view! {
        <div class="page home" data-testid="home">
            <header class="home-head">
                <h1>"ec2lab"</h1>
                <p class="tagline">"Learn Amazon EC2 by doing it: real " <code>"aws ec2"</code> " commands on a simulated datacenter."</p>
                <nav class="home-nav">
                    {continue_link}
                    <A href="/sandbox" attr:class="button" attr:data-testid="sandbox-link">"Sandbox: the full lab"</A>
                    <A href="/exam" attr:class="button" attr:data-testid="exam-link">"Practice exam"</A>
                </nav>
                <p class="muted">{move || format!("{} of {lessons_total} lessons completed.", done())}</p>
            </header>
            <main class="curriculum">
                {catalog().topics.iter().map(|topic| view! { <TopicCard topic /> }).collect_view()}
            </main>
            <footer class="home-foot">
                <h2>"Your progress"</h2>
                <p class="muted">"Progress is saved in this browser. Take it to another one as a file:"</p>
                <a class="button" data-testid="btn-export" href=export_href download="ec2lab-progress.json">"Export progress"</a>
                " "
                <label class="button import">
                    "Import progress… "
                    <input type="file" accept=".json,application/json" data-testid="import-input" on:change=on_import />
                </label>
            </footer>
        </div>
    }
}
