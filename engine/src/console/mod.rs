//! The console: the learner's terminal. The only module that knows about text.
pub mod aws;
pub mod shell;

pub use shell::Output;
use crate::world::World;

pub struct Lab {
    pub world: World,
}

impl Lab {
    pub fn new(seed: u64) -> Lab {
        Lab { world: World::new(seed) }
    }
}
