//! Application state: the `Lab` plus the signals the views read.
//!
//! The UI never mutates the world directly: every action is a console command that goes
//! through [`AppState::run_command`], the same path as typed input, and lands in the history.

use std::sync::Arc;

use engine::Lab;
use engine::view::{AzView, InstanceChip};
use leptos::prelude::*;

/// Keep the scrollback bounded (like a terminal's) so big outputs and long sessions do not
/// grow the DOM forever: at most this many entries and this many lines of output in total.
const MAX_ENTRIES: usize = 500;
const MAX_SCROLLBACK_LINES: usize = 4000;
const MAX_HISTORY: usize = 500;

/// One console history entry: the prompt, what was typed, and what it printed.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: u64,
    pub prompt: String,
    pub command: String,
    pub stdout: String,
    pub stderr: String,
    pub exit: i32,
    /// Lines of text in the entry (for the scrollback limit).
    pub lines: usize,
}

/// Keep the last `max` lines of `text`, with a note about the ones dropped.
fn tail_lines(text: String, max: usize) -> String {
    let n = text.lines().count();
    if n <= max {
        return text;
    }
    let skip = n - max;
    let mut out = format!("[… {skip} earlier lines not kept in the scrollback …]\n");
    for line in text.lines().skip(skip) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[derive(Clone, Copy)]
pub struct AppState {
    lab: StoredValue<Lab, LocalStorage>,
    /// Last generation the views were computed for.
    last_gen: StoredValue<Option<u64>>,
    /// `engine::view::az_fingerprints` at the last refresh: only AZs whose digest changed are
    /// rebuilt.
    az_prints: StoredValue<Vec<u64>>,
    next_entry: StoredValue<u64>,
    pub history: StoredValue<Vec<String>>,
    /// Milliseconds spent by the last command in `Lab::run` and in recomputing the views.
    pub last_timing: StoredValue<(f64, f64)>,

    pub region: RwSignal<String>,
    /// One `Arc` per AZ; an unchanged AZ keeps its old `Arc` so per-AZ memos stay quiet.
    pub azs: RwSignal<Vec<Arc<AzView>>>,
    pub unplaced: RwSignal<Vec<InstanceChip>>,
    pub entries: RwSignal<Vec<Arc<Entry>>>,
    pub prompt: RwSignal<String>,
    /// The instance the console is connected to (`lab connect`, `ssh`), if any.
    pub connected: RwSignal<Option<String>>,
    pub clock: RwSignal<String>,
    /// Bumped whenever the views were recomputed (commands, clock events).
    pub tick: RwSignal<u64>,
    pub selected: RwSignal<Option<String>>,
    pub playing: RwSignal<bool>,
    pub speed: RwSignal<u64>,
    /// Where typed commands are also logged (the sandbox's saved command log), if anywhere.
    pub command_log: Option<RwSignal<lessons::progress::Progress>>,
}

impl AppState {
    pub fn new(seed: u64) -> AppState {
        AppState::from_lab(Lab::new(seed))
    }

    /// The state around a lab that is already set up (a lesson's: seeded, start script run).
    pub fn from_lab(lab: Lab) -> AppState {
        let prompt = lab.prompt();
        let clock = lab.now().iso();
        let state = AppState {
            lab: StoredValue::new_local(lab),
            last_gen: StoredValue::new(None),
            az_prints: StoredValue::new(Vec::new()),
            next_entry: StoredValue::new(0),
            history: StoredValue::new(Vec::new()),
            last_timing: StoredValue::new((0.0, 0.0)),
            region: RwSignal::new(String::new()),
            azs: RwSignal::new(Vec::new()),
            unplaced: RwSignal::new(Vec::new()),
            entries: RwSignal::new(Vec::new()),
            prompt: RwSignal::new(prompt),
            connected: RwSignal::new(None),
            clock: RwSignal::new(clock),
            tick: RwSignal::new(0),
            selected: RwSignal::new(None),
            playing: RwSignal::new(true),
            speed: RwSignal::new(1),
            command_log: None,
        };
        state.refresh(true);
        state
    }

    /// Run one complete command line exactly as if it had been typed, record it in the
    /// scrollback and the command history, and refresh the views.
    pub fn run_command(&self, command: &str) -> Option<engine::Output> {
        let prompt = self.prompt.get_untracked();
        let command = command.trim_end_matches(['\n', '\r']).to_string();
        if command.trim().is_empty() {
            self.push_entry(prompt, command, String::new(), String::new(), 0);
            return None;
        }
        self.push_history(&command);
        if let Some(progress) = self.command_log {
            progress.update(|p| p.log_command(&command));
        }
        let t0 = crate::prefs::now_ms();
        let out = self.lab.try_update_value(|lab| lab.run(&command));
        let t1 = crate::prefs::now_ms();
        let quit = self.lab.try_update_value(|lab| lab.take_quit_request()).unwrap_or(false);
        let (stdout, stderr, exit) = match &out {
            Some(o) if quit => (
                o.stdout.clone(),
                format!("{}ec2lab: this is your workstation, there is nothing to log out of (`lab reset` starts over).\n", o.stderr),
                o.exit,
            ),
            Some(o) => (o.stdout.clone(), o.stderr.clone(), o.exit),
            None => (String::new(), "ec2lab: the lab is busy\n".to_string(), 1),
        };
        let (stdout, clear) = clean_terminal_text(&stdout);
        let (stderr, _) = clean_terminal_text(&stderr);
        if clear {
            // `clear` (or anything printing ESC[2J / ESC c) wipes the screen, command included.
            self.clear_screen();
            if !stdout.is_empty() || !stderr.is_empty() {
                self.push_entry(prompt, command, stdout, stderr, exit);
            }
        } else {
            self.push_entry(prompt, command, stdout, stderr, exit);
        }
        // Commands may change anything (including the prompt); always recompute.
        self.refresh(true);
        self.last_timing.set_value((t1 - t0, crate::prefs::now_ms() - t1));
        out
    }

    /// Record a line that was not run (e.g. Ctrl-C on a half-typed command).
    pub fn push_cancelled(&self, command: &str) {
        let prompt = self.prompt.get_untracked();
        self.push_entry(prompt, format!("{command}^C"), String::new(), String::new(), 130);
    }

    pub fn clear_screen(&self) {
        self.entries.set(Vec::new());
    }

    fn push_entry(&self, prompt: String, command: String, stdout: String, stderr: String, exit: i32) {
        let id = self.next_entry.try_update_value(|n| {
            *n += 1;
            *n
        });
        let id = id.unwrap_or(0);
        let stdout = tail_lines(stdout, MAX_SCROLLBACK_LINES);
        let stderr = tail_lines(stderr, MAX_SCROLLBACK_LINES / 4);
        let lines = 1 + command.matches('\n').count() + stdout.lines().count() + stderr.lines().count();
        let entry = Arc::new(Entry { id, prompt, command, stdout, stderr, exit, lines });
        self.entries.update(|v| {
            v.push(entry);
            let mut total: usize = v.iter().map(|e| e.lines).sum();
            let mut drop = v.len().saturating_sub(MAX_ENTRIES);
            for e in &v[..drop] {
                total -= e.lines;
            }
            while total > MAX_SCROLLBACK_LINES && drop + 1 < v.len() {
                total -= v[drop].lines;
                drop += 1;
            }
            v.drain(..drop);
        });
    }

    fn push_history(&self, command: &str) {
        self.history.try_update_value(|h| {
            if h.last().map(String::as_str) != Some(command) {
                h.push(command.to_string());
                if h.len() > MAX_HISTORY {
                    h.remove(0);
                }
            }
        });
    }

    /// Log typed commands into the learner's progress, and start ↑/↓ history from what was logged
    /// before (the sandbox keeps its command log across reloads).
    pub fn with_command_log(mut self, progress: RwSignal<lessons::progress::Progress>) -> AppState {
        let earlier = progress.with_untracked(|p| p.sandbox_log.clone());
        self.history.set_value(earlier);
        self.command_log = Some(progress);
        self
    }

    /// Advance the virtual clock by `ms` and refresh the views if anything visible changed.
    pub fn advance(&self, ms: u64) {
        if self.lab.try_update_value(|lab| lab.advance(ms)).is_some() {
            self.refresh(false);
        }
    }

    /// Recompute the views from the world when its generation changed (or when `force`).
    pub fn refresh(&self, force: bool) {
        let last = self.last_gen.try_get_value().flatten();
        let snapshot = self.lab.try_with_value(|lab| {
            let clock = lab.now().iso();
            let generation = lab.generation();
            if !force && last == Some(generation) {
                return (generation, clock, None);
            }
            let world = lab.world();
            // Rebuild only the AZs whose digest changed (all of them when forced).
            let prints = engine::view::az_fingerprints(world);
            let old_prints = if force { Vec::new() } else { self.az_prints.try_get_value().unwrap_or_default() };
            let azs: Vec<Option<AzView>> = prints
                .iter()
                .enumerate()
                .map(|(a, p)| if old_prints.get(a) == Some(p) { None } else { engine::view::az_view(world, a) })
                .collect();
            let unplaced = engine::view::unplaced(world);
            let connected = match lab.place() {
                engine::console::Place::Instance(id) => Some(id.clone()),
                engine::console::Place::Workstation => None,
            };
            (generation, clock, Some((prints, azs, unplaced, lab.prompt(), connected)))
        });
        let Some((generation, clock, views)) = snapshot else { return };
        if self.clock.get_untracked() != clock {
            self.clock.set(clock);
        }
        let Some((prints, fresh, unplaced, prompt, connected)) = views else { return };
        self.last_gen.set_value(Some(generation));
        self.az_prints.set_value(prints);

        if self.region.get_untracked() != engine::catalog::REGION {
            self.region.set(engine::catalog::REGION.to_string());
        }
        // An AZ with no fresh view keeps its Arc, so its pane does no work.
        let old = self.azs.get_untracked();
        let mut changed = old.len() != fresh.len();
        let new: Vec<Arc<AzView>> = fresh
            .into_iter()
            .enumerate()
            .filter_map(|(a, az)| match (az, old.get(a)) {
                (None, Some(o)) => Some(o.clone()),
                (Some(az), Some(o)) if **o == az => Some(o.clone()),
                (Some(az), _) => {
                    changed = true;
                    Some(Arc::new(az))
                }
                (None, None) => None,
            })
            .collect();
        if changed {
            self.azs.set(new);
        }
        if self.unplaced.with_untracked(|u| *u != unplaced) {
            self.unplaced.set(unplaced);
        }
        if self.prompt.get_untracked() != prompt {
            self.prompt.set(prompt);
        }
        if self.connected.get_untracked() != connected {
            self.connected.set(connected);
        }
        self.tick.update(|t| *t += 1);
    }

    /// Read the lab (lesson checks evaluate on it; nothing changes). `None` once disposed.
    pub fn with_lab<R>(&self, f: impl FnOnce(&Lab) -> R) -> Option<R> {
        self.lab.try_with_value(f)
    }

    /// Start over on another lab (a lesson's reset): empty scrollback, no selection, fresh views.
    pub fn replace_lab(&self, lab: Lab) {
        if self.lab.try_update_value(|l| *l = lab).is_none() {
            return;
        }
        self.entries.set(Vec::new());
        self.selected.set(None);
        self.last_gen.set_value(None);
        self.refresh(true);
    }

    pub fn instance(&self, id: &str) -> Option<engine::view::InstanceDetail> {
        self.lab.try_with_value(|lab| engine::view::instance(lab.world(), id)).flatten()
    }
}

/// Make program output safe and tidy for a `<pre>`: drop ANSI escape sequences and control
/// characters other than newline and tab, turn CRLF into LF. Returns whether the output asked
/// to clear the screen (`ESC[2J`, `ESC[3J` or `ESC c`).
pub fn clean_terminal_text(s: &str) -> (String, bool) {
    if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return (s.to_string(), false);
    }
    let mut out = String::with_capacity(s.len());
    let mut clear = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                Some('[') => {
                    let mut params = String::new();
                    while let Some(&p) = chars.peek() {
                        chars.next();
                        if ('\u{40}'..='\u{7e}').contains(&p) {
                            if p == 'J' && (params == "2" || params == "3") {
                                clear = true;
                            }
                            break;
                        }
                        params.push(p);
                    }
                }
                Some(']') => {
                    // OSC: up to BEL or ESC \\.
                    while let Some(p) = chars.next() {
                        if p == '\u{7}' || (p == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                Some('c') => clear = true,
                _ => {}
            },
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    (out, clear)
}

#[cfg(test)]
mod tests {
    use super::clean_terminal_text as clean;

    #[test]
    fn ansi() {
        assert_eq!(clean("plain\n"), ("plain\n".into(), false));
        assert_eq!(clean("\u{1b}[1;31mred\u{1b}[0m\r\n"), ("red\n".into(), false));
        assert_eq!(clean("\u{1b}[H\u{1b}[2J"), (String::new(), true));
        assert_eq!(clean("\u{1b}]0;title\u{7}x"), ("x".into(), false));
    }

    #[test]
    fn tail() {
        assert_eq!(super::tail_lines("a\nb\n".into(), 5), "a\nb\n");
        assert_eq!(super::tail_lines("a\nb\nc\n".into(), 2), "[… 1 earlier lines not kept in the scrollback …]\nb\nc\n");
    }
}
