//! `/lesson/:id`: the narrative and step list on the left, the lesson's lab (console and
//! datacenter) on the right. The lab is built like `lessons::Runner` builds it (the lesson's
//! seed, its start script run, then its disabled commands); after every command and every clock
//! event that changed the world, the current step's checks are evaluated on it (an observer that
//! changes nothing) and passing steps tick, in order, and are recorded in the progress.

use engine::Lab;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use lessons::Lesson;

use crate::console::ConsolePane;
use crate::datacenter::DatacenterPane;
use crate::instance::InstancePane;
use crate::progress_store::{catalog, use_progress};
use crate::state::AppState;
use crate::{Header, NotFound};

/// Real milliseconds between the commands of "Show solution" and "Watch the demo".
const SOLUTION_GAP_MS: u32 = 700;

/// The lesson's lab as the learner finds it.
fn lesson_lab(lesson: &Lesson) -> Lab {
    let mut lab = Lab::new(lesson.seed);
    lab.run_script(&lesson.start);
    lab.set_disabled_commands(lesson.disabled_commands.clone());
    lab
}

/// Markdown from a lesson file, rendered by the safe renderer (raw HTML escaped, only safe
/// links): the only HTML this page sets as `innerHTML`.
fn md(text: &str) -> impl IntoView + use<> {
    view! { <div class="md" inner_html=lessons::markdown::to_html(text)></div> }
}

#[component]
pub fn LessonPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    move || {
        let id = id.get();
        match catalog().lesson(&id) {
            Some(lesson) => view! { <LessonView lesson /> }.into_any(),
            None => view! { <NotFound what=format!("There is no lesson called “{id}”.") /> }.into_any(),
        }
    }
}

#[component]
fn LessonView(lesson: &'static Lesson) -> impl IntoView {
    let state = AppState::from_lab(lesson_lab(lesson));
    crate::run_clock(state);
    crate::bench::install(state);
    let progress = use_progress();
    let n = lesson.steps.len();
    // The first step not passed in this session (n when the lesson is done).
    let current = RwSignal::new(0usize);
    // The step shown in the reading pane.
    let shown = RwSignal::new(0usize);
    let hints_shown = RwSignal::new(0usize);
    // Labels of the shown step's checks that do not pass yet.
    let waiting = RwSignal::new(Vec::<String>::new());
    // Bumped on reset: a "Show solution" still typing stops.
    let run_id = StoredValue::new(0u64);
    let typing = RwSignal::new(false);

    progress.update(|p| p.set_last(&lesson.id, 0));

    // After every command and clock event: tick the current step while its checks pass.
    Effect::new(move |_| {
        state.tick.track();
        let Some(mut cur) = current.try_get_untracked() else { return };
        let mut ticked = Vec::new();
        while let Some(step) = lesson.steps.get(cur) {
            let results = state.with_lab(|lab| lessons::evaluate_all(&step.checks, lab)).unwrap_or_default();
            if step.checks.is_empty() || results.is_empty() || !results.iter().all(|r| r.passed) {
                let labels = step
                    .checks
                    .iter()
                    .zip(&results)
                    .filter(|(_, r)| !r.passed)
                    .filter_map(|(c, _)| c.label.clone())
                    .collect::<Vec<_>>();
                if waiting.with_untracked(|w| *w != labels) {
                    waiting.set(labels);
                }
                break;
            }
            ticked.push(cur);
            cur += 1;
        }
        if !ticked.is_empty() {
            current.set(cur);
            progress.update(|p| {
                for &i in &ticked {
                    p.pass_step_of(lesson, i);
                }
            });
            if cur >= n {
                waiting.set(Vec::new());
            }
        }
    });

    let reset = move |_| {
        run_id.update_value(|r| *r += 1);
        typing.set(false);
        state.replace_lab(lesson_lab(lesson));
        current.set(0);
        shown.set(0);
        hints_shown.set(0);
    };

    // Types a script into the console one command at a time, through the same path as typed
    // input ("Show solution" and "Watch the demo"); a reset stops it.
    let type_script = move |script: &str| {
        let commands = engine::console::split_commands(script);
        let my_run = run_id.get_value();
        typing.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            for (k, command) in commands.into_iter().enumerate() {
                if k > 0 {
                    gloo_timers::future::TimeoutFuture::new(SOLUTION_GAP_MS).await;
                }
                if run_id.try_get_value() != Some(my_run) || state.prompt.try_get_untracked().is_none() {
                    return;
                }
                state.run_command(&command);
            }
            typing.try_set(false);
        });
    };

    let show_solution = move |_| {
        if let Some(step) = lesson.steps.get(shown.get_untracked()) {
            type_script(&step.solution);
        }
    };

    let watch_demo = move |_| {
        if let Some(demo) = lesson.steps.get(shown.get_untracked()).and_then(|s| s.demo.as_deref()) {
            type_script(demo);
        }
    };

    let step_list = lesson
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let passed = move || current.get() > i;
            view! {
                <li
                    class="step"
                    class:passed=passed
                    class:current=move || current.get() == i
                    class:shown=move || shown.get() == i
                    data-testid=format!("step-{}", i + 1)
                    data-passed=move || passed().to_string()
                >
                    <button class="step-button" on:click=move |_| { shown.set(i); hints_shown.set(0); }>
                        <span class="tick" aria-hidden="true">{move || if passed() { "✓" } else { "○" }}</span>
                        " " {step.title.clone()}
                        {move || progress.with(|p| p.step_passed(&lesson.id, i) && current.get() <= i).then_some(view! {
                            <span class="muted" title="Passed in an earlier visit">" (done before)"</span>
                        })}
                    </button>
                </li>
            }
        })
        .collect_view();

    let reading = move || {
        let i = shown.get();
        let Some(step) = lesson.steps.get(i) else { return ().into_any() };
        let passed = current.get() > i;
        let hints = hints_shown.get().min(step.hints.len());
        let more_hints = hints < step.hints.len();
        view! {
            <article class="step-body" data-testid="step-body" data-step=(i + 1).to_string()>
                <h2>{format!("Step {} of {n}: {}", i + 1, step.title)}</h2>
                {md(&step.prose)}
                <div class="task" data-testid="step-task">
                    <h3>"Your task"</h3>
                    {md(&step.task)}
                </div>
                {(!passed && current.get() == i).then(|| view! {
                    <ul class="waiting">
                        {waiting.get().into_iter().map(|l| view! { <li>"Not yet: " {l}</li> }).collect_view()}
                    </ul>
                })}
                <div class="step-actions">
                    {(!step.hints.is_empty()).then(|| view! {
                        <button data-testid="btn-hint" disabled=!more_hints on:click=move |_| hints_shown.update(|h| *h += 1)>
                            {if hints == 0 { "Hint".to_string() } else if more_hints { "Another hint".to_string() } else { "No more hints".to_string() }}
                        </button>
                    })}
                    {step.demo.is_some().then(|| view! {
                        <button data-testid="btn-demo" disabled=move || typing.get() on:click=watch_demo
                            title="Types this step's demonstration into the console while you watch">
                            "Watch the demo"
                        </button>
                    })}
                    <button data-testid="btn-show-solution" disabled=move || typing.get() on:click=show_solution
                        title="Types this step's solution into the console, one command at a time">
                        "Show solution"
                    </button>
                </div>
                {step.hints.iter().take(hints).enumerate().map(|(k, h)| view! {
                    <div class="hint" data-testid="hint"><b>{format!("Hint {}: ", k + 1)}</b>{md(h)}</div>
                }).collect_view()}
                {passed.then(|| view! {
                    <div class="explain" data-testid="step-explain">
                        <h3>"✓ Passed: why it matters"</h3>
                        {md(&step.explain)}
                        {(i + 1 < n).then(|| view! {
                            <button class="primary" data-testid="btn-next-step" on:click=move |_| { shown.set(i + 1); hints_shown.set(0); }>
                                "Next step →"
                            </button>
                        })}
                    </div>
                })}
            </article>
        }
        .into_any()
    };

    view! {
        <div class="app lesson-app" data-testid="lesson-page" data-lesson=lesson.id.clone()>
            <Header state />
            <main class="lesson-layout">
                <aside class="lesson-side pane">
                    <p class="crumbs"><A href="/">"← Curriculum"</A></p>
                    <h1 class="lesson-title">{lesson.title.clone()}</h1>
                    <p class="muted">{format!("About {} minutes", lesson.minutes)}</p>
                    <details class="learn" open>
                        <summary>"What you will learn"</summary>
                        <ul>{lesson.learn.iter().map(|l| view! { <li>{md(l)}</li> }).collect_view()}</ul>
                    </details>
                    <ol class="steps">{step_list}</ol>
                    <Show when=move || { current.get() >= n }>
                        <div class="lesson-done" data-testid="lesson-done">
                            "🎉 Lesson complete. " <A href="/">"Back to the curriculum"</A>
                        </div>
                    </Show>
                    {reading}
                    <p class="lesson-reset">
                        <button data-testid="btn-reset-lesson" on:click=reset title="A fresh lab, back to step 1 (your saved progress stays)">
                            "Reset lesson"
                        </button>
                    </p>
                </aside>
                <div class="lesson-lab">
                    <DatacenterPane state />
                    <InstancePane state />
                    <ConsolePane state />
                    <crate::inspector::InspectorPane state />
                    <crate::iam::IdentityPane state />
                </div>
            </main>
        </div>
    }
}
