//! The learner's progress in the browser: one [`Progress`] in a signal, provided as context by
//! the app, loaded at startup from localStorage (`ec2lab.progress.v1`) through
//! [`lessons::progress::load`] (which never fails: a damaged value gives a fresh or partial record
//! and a message for the banner) and saved after every change.
//!
//! For pages: `let progress = use_progress();` then `progress.update(|p| p.record_quiz(…))` —
//! the save-on-change effect writes it to storage; [`save_progress`] saves at once if needed.
//! [`catalog`] is the compiled-in curriculum (parsed once).

use std::sync::OnceLock;

use leptos::prelude::*;
use lessons::progress::{self, Progress};
use lessons::Catalog;

/// The localStorage key of the progress record.
pub const KEY: &str = "ec2lab.progress.v1";

/// The built-in curriculum, parsed once. Never panics: invalid built-in content (which
/// `ec2lab lesson check` and the tests rule out) gives an empty catalog.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::builtin().unwrap_or_default())
}

/// What the app provides as context.
#[derive(Clone, Copy)]
pub struct ProgressStore {
    pub progress: RwSignal<Progress>,
    /// The message from loading or importing, shown in a dismissible banner (`progress-banner`).
    pub message: RwSignal<Option<String>>,
    /// The stored value that could not be read completely, offered as a download.
    pub unreadable: RwSignal<Option<String>>,
}

/// Load the progress from storage, prune it against the catalog, provide it as context and save
/// it after every change. Called once by the app's root component.
pub fn provide_progress() -> ProgressStore {
    let raw = crate::prefs::load(KEY);
    let (mut p, message) = progress::load(raw.as_deref());
    p.prune(catalog());
    let store = ProgressStore {
        progress: RwSignal::new(p),
        unreadable: RwSignal::new(if message.is_some() { raw } else { None }),
        message: RwSignal::new(message),
    };
    // Save on change; not on the first run, so an unreadable value stays in storage until the
    // learner does something (and can still download it from the banner).
    Effect::new(move |prev: Option<()>| {
        store.progress.track();
        if prev.is_some() {
            save_now(store);
        }
    });
    provide_context(store);
    store
}

fn save_now(store: ProgressStore) {
    if let Some(json) = store.progress.try_with_untracked(progress::to_storage) {
        crate::prefs::save(KEY, &json);
    }
}

/// The store from context. Outside the app (no context) a detached, fresh store, so a page never
/// panics.
pub fn use_store() -> ProgressStore {
    use_context::<ProgressStore>().unwrap_or_else(|| ProgressStore {
        progress: RwSignal::new(Progress::new()),
        message: RwSignal::new(None),
        unreadable: RwSignal::new(None),
    })
}

/// The learner's progress; changes through `.update(…)` are saved automatically.
pub fn use_progress() -> RwSignal<Progress> {
    use_store().progress
}

#[allow(dead_code)] // for the quiz and exam pages
/// Save the progress to storage now (changes are also saved automatically, a moment later).
pub fn save_progress() {
    save_now(use_store());
}
