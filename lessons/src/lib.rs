//! ec2lab's curriculum crate: lesson and question files (format 1, see lessons/README.md), their
//! loader and validator, the checks that decide each step, a headless [`Runner`], and the replay
//! that proves every lesson solvable ([`verify_catalog`]).
//!
//! ```
//! let catalog = lessons::Catalog::builtin().expect("the built-in content is valid");
//! assert!(lessons::verify_catalog(&catalog).is_empty());
//! ```

mod checks;
pub mod exam;
mod load;
pub mod markdown;
mod model;
pub mod progress;
mod runner;
mod verify;

pub use checks::{evaluate, evaluate_all, CheckResult};
pub use load::{builtin_sources, Catalog, Source, FORMAT};
pub use model::*;
pub use runner::Runner;
pub use verify::{verify_catalog, verify_lesson};

#[cfg(test)]
mod tests;
