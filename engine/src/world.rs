//! The world: every simulated system, one seeded generator and one virtual clock.
use crate::clock::{Time, EPOCH_START_MS};
use crate::fs::Fs;
use crate::rng::Rng;

#[derive(Clone, Debug)]
pub struct World {
    pub seed: u64,
    now: Time,
    pub rng: Rng,
    pub workstation_fs: Fs,
}

impl World {
    pub fn new(seed: u64) -> World {
        World { seed, now: Time(EPOCH_START_MS), rng: Rng::new(seed), workstation_fs: Fs::linux("learner", "/home/learner") }
    }
    pub fn now(&self) -> Time {
        self.now
    }
    /// Move the virtual clock forward by `ms`, running every event that falls due, in order.
    pub fn advance(&mut self, ms: u64) {
        self.now = self.now.plus(ms);
    }
}
