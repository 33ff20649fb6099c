//! The console pane: scrollback, the prompt and a textarea for input.

use std::sync::Arc;

use engine::Lab;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::{AppState, Entry};

/// Drop one trailing newline: a `<pre>` would otherwise show an empty last line.
fn chomp(s: &str) -> &str {
    s.strip_suffix('\n').unwrap_or(s)
}

/// Continuation lines of a multi-line command are shown after `> `, like bash's PS2.
fn with_ps2(cmd: &str) -> String {
    cmd.replace('\n', "\n> ")
}

fn entry_view(e: Arc<Entry>) -> impl IntoView {
    let stdout = (!e.stdout.is_empty()).then(|| {
        let text = chomp(&e.stdout).to_string();
        view! { <pre class="out stdout">{text}</pre> }
    });
    let stderr = (!e.stderr.is_empty()).then(|| {
        let text = chomp(&e.stderr).to_string();
        view! { <pre class="out stderr">{text}</pre> }
    });
    let failed = e.exit != 0;
    view! {
        <div class="entry" class:failed=failed data-testid="console-entry" data-exit=e.exit.to_string()>
            <pre class="cmdline"><span class="ps1">{e.prompt.clone()}</span><span class="cmd">{with_ps2(&e.command)}</span></pre>
            {stdout}
            {stderr}
        </div>
    }
}

/// UTF-16 caret position → is there a newline before/after it?
fn caret_line(value: &str, caret: u32) -> (bool, bool) {
    let units: Vec<u16> = value.encode_utf16().collect();
    let caret = (caret as usize).min(units.len());
    let before = units[..caret].contains(&10);
    let after = units[caret..].contains(&10);
    (before, after)
}

#[component]
pub fn ConsolePane(state: AppState) -> impl IntoView {
    let input = RwSignal::new(String::new());
    // Position in the command history while walking it with ↑/↓, and the draft being typed.
    let hist_pos: StoredValue<Option<usize>> = StoredValue::new(None);
    let draft = StoredValue::new(String::new());
    let scroller: NodeRef<html::Div> = NodeRef::new();
    let textarea: NodeRef<html::Textarea> = NodeRef::new();

    let focus_input = move || {
        if let Some(t) = textarea.get_untracked() {
            let _ = t.focus();
        }
    };

    // Scroll to the bottom after output (after the DOM update has happened).
    Effect::new(move |_| {
        state.entries.track();
        state.prompt.track();
        gloo_timers::callback::Timeout::new(0, move || {
            if let Some(el) = scroller.get_untracked() {
                el.set_scroll_top(el.scroll_height());
            }
        })
        .forget();
    });

    // Stay pinned to the bottom while the learner has not scrolled up, also when the pane or its
    // content changes size (window resize, larger font, theme): a ResizeObserver on the content.
    let stick = StoredValue::new(true);
    let on_scroll = move |_ev: leptos::ev::Event| {
        if let Some(el) = scroller.get_untracked() {
            let at_bottom = el.scroll_top() + el.client_height() >= el.scroll_height() - 8;
            stick.set_value(at_bottom);
        }
    };
    let content: NodeRef<html::Div> = NodeRef::new();
    Effect::new(move |_| {
        let (Some(content), Some(pane)) = (content.get(), scroller.get()) else { return };
        let callback = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            if stick.try_get_value().unwrap_or(false) {
                if let Some(el) = scroller.try_get_untracked().flatten() {
                    el.set_scroll_top(el.scroll_height());
                }
            }
        });
        if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            observer.observe(&content);
            observer.observe(&pane);
            callback.forget();
            std::mem::forget(observer);
        }
    });

    // Autofocus once mounted.
    Effect::new(move |_| {
        if let Some(t) = textarea.get() {
            let _ = t.focus();
        }
    });

    let submit = move || {
        let text = input.get_untracked();
        input.set(String::new());
        hist_pos.set_value(None);
        draft.set_value(String::new());
        state.run_command(&text);
        focus_input();
    };

    let walk_history = move |up: bool| {
        let history = state.history.get_value();
        if history.is_empty() {
            return;
        }
        let pos = hist_pos.get_value();
        let next = match (pos, up) {
            (None, true) => {
                draft.set_value(input.get_untracked());
                Some(history.len() - 1)
            }
            (None, false) => return,
            (Some(p), true) => Some(p.saturating_sub(1)),
            (Some(p), false) if p + 1 < history.len() => Some(p + 1),
            (Some(_), false) => None,
        };
        hist_pos.set_value(next);
        match next {
            Some(p) => input.set(history.get(p).cloned().unwrap_or_default()),
            None => input.set(draft.get_value()),
        }
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.is_composing() {
            return;
        }
        let key = ev.key();
        let ctrl = ev.ctrl_key() || ev.meta_key();
        match key.as_str() {
            "Enter" if !ev.shift_key() => {
                let text = input.get_untracked();
                if Lab::needs_more_input(&text) {
                    // Let the textarea insert the newline: the command continues on the next line.
                    return;
                }
                ev.prevent_default();
                submit();
            }
            "l" | "L" if ev.ctrl_key() => {
                ev.prevent_default();
                state.clear_screen();
            }
            "c" | "C" if ctrl => {
                // Copy when something is selected; otherwise cancel the line like a terminal.
                let selected = textarea
                    .get_untracked()
                    .and_then(|t| Some((t.selection_start().ok()??, t.selection_end().ok()??)))
                    .map(|(a, b)| a != b)
                    .unwrap_or(false);
                let page_selection = web_sys::window()
                    .and_then(|w| w.get_selection().ok().flatten())
                    .map(|s| !String::from(s.to_string()).is_empty())
                    .unwrap_or(false);
                if !selected && !page_selection && ev.ctrl_key() {
                    ev.prevent_default();
                    let text = input.get_untracked();
                    input.set(String::new());
                    hist_pos.set_value(None);
                    state.push_cancelled(&text);
                }
            }
            "ArrowUp" | "ArrowDown" => {
                let up = key == "ArrowUp";
                let value = input.get_untracked();
                let caret = textarea
                    .get_untracked()
                    .and_then(|t| t.selection_start().ok().flatten())
                    .unwrap_or(0);
                let (before, after) = caret_line(&value, caret);
                if (up && !before) || (!up && !after) {
                    ev.prevent_default();
                    walk_history(up);
                }
            }
            _ => {}
        }
    };

    // Clicking in the pane focuses the input, unless the learner is selecting text.
    let on_mouseup = move |_ev: leptos::ev::MouseEvent| {
        let selecting = web_sys::window()
            .and_then(|w| w.get_selection().ok().flatten())
            .map(|s| !String::from(s.to_string()).is_empty())
            .unwrap_or(false);
        if !selecting {
            focus_input();
        }
    };

    let rows = move || input.with(|s| s.lines().count().max(1) + usize::from(s.ends_with('\n'))).min(12);
    let ps2 = move || {
        let extra = rows().saturating_sub(1);
        "\n> ".repeat(extra)
    };

    view! {
        <section class="pane console-pane" aria-label="Console">
            <div class="console-scroll" node_ref=scroller on:mouseup=on_mouseup on:scroll=on_scroll>
                <div class="console-output" node_ref=content data-testid="console-output" role="log" aria-live="polite">
                    <For
                        each=move || state.entries.get()
                        key=|e| e.id
                        children=entry_view
                    />
                </div>
                <div class="console-inputline">
                    <pre class="ps1 gutter"><span data-testid="prompt">{move || state.prompt.get()}</span>{ps2}</pre>
                    <textarea
                        class="console-input"
                        data-testid="console-input"
                        node_ref=textarea
                        rows=move || rows().to_string()
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        aria-label="Command input"
                        prop:value=move || input.get()
                        on:input=move |ev| {
                            let v = ev
                                .target()
                                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                                .map(|t| t.value())
                                .unwrap_or_default();
                            input.set(v);
                        }
                        on:keydown=on_keydown
                    ></textarea>
                </div>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn caret() {
        assert_eq!(super::caret_line("ab\ncd", 1), (false, true));
        assert_eq!(super::caret_line("ab\ncd", 4), (true, false));
        assert_eq!(super::caret_line("abc", 99), (false, false));
    }
}
