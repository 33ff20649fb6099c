//! The console: the learner's terminal. The only module that knows about text.
pub mod aws;
pub mod shell;

pub use shell::Output;
use crate::clock::Time;
use crate::world::World;

pub struct Lab {
    world: World,
}

impl Lab {
    pub fn new(seed: u64) -> Lab {
        Lab { world: World::new(seed) }
    }
    /// Run a complete command (possibly several lines) where the learner currently is.
    pub fn run(&mut self, input: &str) -> Output {
        let _ = input;
        Output::default()
    }
    /// `[learner@workstation ~]$ ` or `[ec2-user@ip-172-31-5-9 ~]$ `.
    pub fn prompt(&self) -> String {
        "[learner@workstation ~]$ ".into()
    }
    /// True when an interactive terminal should read another line before running `input`.
    pub fn needs_more_input(input: &str) -> bool {
        shell::needs_more_input(input)
    }
    pub fn world(&self) -> &World {
        &self.world
    }
    pub fn advance(&mut self, ms: u64) {
        self.world.advance(ms)
    }
    pub fn now(&self) -> Time {
        self.world.now()
    }
    /// Bumped whenever anything visible may have changed (commands, clock events).
    pub fn generation(&self) -> u64 {
        0
    }
}
