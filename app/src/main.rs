//! ec2lab in the browser: the routes (`/` home, `/sandbox`, `/lesson/:id`, `/quiz/:topic`,
//! `/exam`), the lab header (clock, speed, theme) and the sandbox page.

mod bench;
mod chart;
mod console;
mod datacenter;
mod exam;
mod home;
mod hosts;
mod iam;
mod inspector;
mod instance;
mod lesson;
mod params;
mod prefs;
mod progress_store;
mod quiz;
mod racks;
mod state;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::console::ConsolePane;
use crate::datacenter::DatacenterPane;
use crate::instance::InstancePane;
use crate::state::AppState;

/// Real milliseconds between clock ticks.
const TICK_MS: u32 = 250;
/// Longest real-time step the clock takes in one tick.
const MAX_STEP_MS: f64 = 2_000.0;

#[component]
pub fn Header(state: AppState) -> impl IntoView {
    let dark = RwSignal::new(prefs::initial_theme());
    let large = RwSignal::new(prefs::initial_large());
    Effect::new(move |_| prefs::apply_theme(dark.get()));
    Effect::new(move |_| prefs::apply_size(large.get()));
    let toggle_theme = move |_| {
        let d = !dark.get_untracked();
        dark.set(d);
        prefs::save(prefs::THEME_KEY, if d { "dark" } else { "light" });
    };
    let toggle_size = move |_| {
        let l = !large.get_untracked();
        large.set(l);
        prefs::save(prefs::SIZE_KEY, if l { "large" } else { "normal" });
    };
    let speed_button = move |n: u64| {
        view! {
            <button
                class="speed"
                class:active=move || state.speed.get() == n
                aria-pressed=move || (state.speed.get() == n).to_string()
                data-testid=format!("speed-{n}")
                on:click=move |_| state.speed.set(n)
            >
                {format!("{n}×")}
            </button>
        }
    };
    view! {
        <header class="topbar">
            <h1 class="title"><A href="/" attr:title="The curriculum">"ec2lab"</A></h1>
            <span class="region-badge">{move || state.region.get()}</span>
            <div class="clockbox" class:paused=move || !state.playing.get() title="Virtual time (UTC)">
                <span class="clock-icon" aria-hidden="true">"◷"</span>
                <time data-testid="clock" class="clock">{move || state.clock.get()}</time>
            </div>
            <Show when=move || state.connected.with(Option::is_some)>
                <span class="connected-badge" data-testid="connected" title="The console is connected to this instance">
                    "⇄ " {move || state.connected.get().unwrap_or_default()}
                </span>
            </Show>
            <div class="controls">
                <button
                    data-testid="btn-play-pause"
                    class="playpause"
                    aria-pressed=move || state.playing.get().to_string()
                    on:click=move |_| state.playing.update(|p| *p = !*p)
                    title="Pause or resume the virtual clock"
                >
                    {move || if state.playing.get() { "❚❚ Pause" } else { "▶ Play" }}
                </button>
                <span class="speeds" role="group" aria-label="Clock speed">
                    {speed_button(1)}
                    {speed_button(10)}
                    {speed_button(60)}
                </span>
                <button data-testid="font-toggle" on:click=toggle_size title="Larger text for projectors">
                    {move || if large.get() { "A−" } else { "A+" }}
                </button>
                <button data-testid="theme-toggle" on:click=toggle_theme title="Light / dark theme">
                    {move || if dark.get() { "☀ Light" } else { "☾ Dark" }}
                </button>
            </div>
        </header>
    }
}

/// Run the virtual clock of `state` while the calling component lives: every TICK_MS, advance by
/// the real time elapsed × speed while playing. Real elapsed time (not a fixed step) keeps the
/// clock honest when the browser throttles timers in a background tab; the cap avoids a huge
/// jump after the laptop slept. The timer is dropped (stopped) with the component's owner.
pub fn run_clock(state: AppState) {
    let last_tick = StoredValue::new(prefs::now_ms());
    let interval = gloo_timers::callback::Interval::new(TICK_MS, move || {
        let now = prefs::now_ms();
        let last = last_tick.try_get_value().unwrap_or(now);
        last_tick.set_value(now);
        let elapsed = (now - last).clamp(0.0, MAX_STEP_MS) as u64;
        let playing = state.playing.try_get_untracked().unwrap_or(false);
        if playing && elapsed > 0 {
            let speed = state.speed.try_get_untracked().unwrap_or(1);
            state.advance(elapsed * speed);
        }
    });
    let _keep = StoredValue::new_local(interval);
}

/// `/sandbox`: the full lab with no lesson.
#[component]
fn SandboxPage() -> impl IntoView {
    let state = AppState::new(prefs::seed_from_url());
    // `?try=<question id>`: set the lab up as the question describes by running its `try_it`
    // script through the console (so the commands show in the scrollback), before the command
    // log is attached so the setup is not recorded as the learner's own commands.
    if let Some(script) = prefs::try_from_url()
        .and_then(|id| progress_store::catalog().questions.iter().find(|q| q.id == id))
        .and_then(|q| q.try_it.clone())
    {
        for command in engine::console::split_commands(&script) {
            state.run_command(&command);
        }
    }
    let state = state.with_command_log(progress_store::use_progress());
    run_clock(state);
    bench::install(state);
    view! {
        <div class="app" data-testid="sandbox">
            <Header state />
            <main class="layout">
                <DatacenterPane state />
                <InstancePane state />
                <ConsolePane state />
                <inspector::InspectorPane state />
                <iam::IdentityPane state />
            </main>
        </div>
    }
}

/// Unknown paths (and unknown lesson ids): a friendly page with a way home.
#[component]
pub fn NotFound(#[prop(into)] what: String) -> impl IntoView {
    view! {
        <div class="page notfound" data-testid="not-found">
            <h1>"Not found"</h1>
            <p>{what}</p>
            <p><A href="/">"← Back to the curriculum"</A></p>
        </div>
    }
}

#[component]
fn App() -> impl IntoView {
    progress_store::provide_progress();
    view! {
        <Router>
            <home::ProgressBanner />
            <Routes fallback=|| view! { <NotFound what="There is no page at this address." /> }>
                <Route path=path!("/") view=home::HomePage />
                <Route path=path!("/sandbox") view=SandboxPage />
                <Route path=path!("/lesson/:id") view=lesson::LessonPage />
                <Route path=path!("/quiz/:topic") view=quiz::QuizPage />
                <Route path=path!("/exam") view=exam::ExamPage />
            </Routes>
        </Router>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
