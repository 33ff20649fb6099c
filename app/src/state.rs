//! Application state: the `Lab` plus the signals the views read.
//!
//! The UI never mutates the world directly: every action is a console command that goes
//! through [`AppState::run_command`], the same path as typed input, and lands in the history.

use std::sync::Arc;

use engine::Lab;
use engine::view::{AzView, InstanceChip};
use leptos::prelude::*;

/// Keep the scrollback bounded so a runaway loop cannot grow the DOM forever.
const MAX_ENTRIES: usize = 500;
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
}

#[derive(Clone, Copy)]
pub struct AppState {
    lab: StoredValue<Lab, LocalStorage>,
    /// Last generation the views were computed for.
    last_gen: StoredValue<Option<u64>>,
    next_entry: StoredValue<u64>,
    pub history: StoredValue<Vec<String>>,

    pub region: RwSignal<String>,
    /// One `Arc` per AZ; an unchanged AZ keeps its old `Arc` so per-AZ memos stay quiet.
    pub azs: RwSignal<Vec<Arc<AzView>>>,
    pub unplaced: RwSignal<Vec<InstanceChip>>,
    pub entries: RwSignal<Vec<Arc<Entry>>>,
    pub prompt: RwSignal<String>,
    pub clock: RwSignal<String>,
    /// Bumped whenever the views were recomputed (commands, clock events).
    pub tick: RwSignal<u64>,
    pub selected: RwSignal<Option<String>>,
    pub playing: RwSignal<bool>,
    pub speed: RwSignal<u64>,
}

impl AppState {
    pub fn new(seed: u64) -> AppState {
        let lab = Lab::new(seed);
        let prompt = lab.prompt();
        let clock = lab.now().iso();
        let state = AppState {
            lab: StoredValue::new_local(lab),
            last_gen: StoredValue::new(None),
            next_entry: StoredValue::new(0),
            history: StoredValue::new(Vec::new()),
            region: RwSignal::new(String::new()),
            azs: RwSignal::new(Vec::new()),
            unplaced: RwSignal::new(Vec::new()),
            entries: RwSignal::new(Vec::new()),
            prompt: RwSignal::new(prompt),
            clock: RwSignal::new(clock),
            tick: RwSignal::new(0),
            selected: RwSignal::new(None),
            playing: RwSignal::new(true),
            speed: RwSignal::new(1),
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
        let out = self.lab.try_update_value(|lab| lab.run(&command));
        let (stdout, stderr, exit) = match &out {
            Some(o) => (o.stdout.clone(), o.stderr.clone(), o.exit),
            None => (String::new(), "ec2lab: the lab is busy\n".to_string(), 1),
        };
        self.push_entry(prompt, command, stdout, stderr, exit);
        // Commands may change anything (including the prompt); always recompute.
        self.refresh(true);
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
        let entry = Arc::new(Entry { id, prompt, command, stdout, stderr, exit });
        self.entries.update(|v| {
            v.push(entry);
            if v.len() > MAX_ENTRIES {
                let drop = v.len() - MAX_ENTRIES;
                v.drain(..drop);
            }
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
            let dc = engine::view::datacenter(world);
            let unplaced = engine::view::unplaced(world);
            (generation, clock, Some((dc, unplaced, lab.prompt())))
        });
        let Some((generation, clock, views)) = snapshot else { return };
        if self.clock.get_untracked() != clock {
            self.clock.set(clock);
        }
        let Some((dc, unplaced, prompt)) = views else { return };
        self.last_gen.set_value(Some(generation));

        if self.region.get_untracked() != dc.region {
            self.region.set(dc.region);
        }
        let changed = self.azs.with_untracked(|old| {
            old.len() != dc.azs.len() || old.iter().zip(&dc.azs).any(|(o, n)| **o != *n)
        });
        if changed {
            let old = self.azs.get_untracked();
            let new: Vec<Arc<AzView>> = dc
                .azs
                .into_iter()
                .map(|az| match old.iter().find(|o| o.name == az.name) {
                    Some(o) if **o == az => o.clone(),
                    _ => Arc::new(az),
                })
                .collect();
            self.azs.set(new);
        }
        if self.unplaced.with_untracked(|u| *u != unplaced) {
            self.unplaced.set(unplaced);
        }
        if self.prompt.get_untracked() != prompt {
            self.prompt.set(prompt);
        }
        self.tick.update(|t| *t += 1);
    }

    pub fn instance(&self, id: &str) -> Option<engine::view::InstanceDetail> {
        self.lab.try_with_value(|lab| engine::view::instance(lab.world(), id)).flatten()
    }
}
