//! The world's only source of randomness: a portable, seeded ChaCha generator.

use rand::{Rng as _, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Clone, Debug)]
pub struct Rng(ChaCha8Rng);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(ChaCha8Rng::seed_from_u64(seed))
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.0.random_range(0..n) }
    }
    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo { lo } else { self.0.random_range(lo..=hi) }
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.0.random_bool(p.clamp(0.0, 1.0))
    }
    /// `n` lowercase hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        const H: &[u8; 16] = b"0123456789abcdef";
        (0..n).map(|_| H[self.below(16) as usize] as char).collect()
    }
    /// An EC2 resource id: `prefix-` and 17 hex digits (`i-0abc…`).
    pub fn resource_id(&mut self, prefix: &str) -> String {
        format!("{prefix}-0{}", self.hex(16))
    }
    /// Characters from `alphabet`.
    pub fn string_from(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n).map(|_| alphabet[self.below(alphabet.len() as u64) as usize] as char).collect()
    }
    /// Pick an element index with equal odds.
    pub fn pick<T>(&mut self, items: &[T]) -> Option<usize> {
        if items.is_empty() { None } else { Some(self.below(items.len() as u64) as usize) }
    }
    /// Stable digest of the generator's position, for the world's state hash.
    pub fn word_pos(&self) -> u128 {
        self.0.get_word_pos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn same_seed_same_sequence() {
        let (mut a, mut b, mut c) = (Rng::new(7), Rng::new(7), Rng::new(8));
        let sa: Vec<u64> = (0..10).map(|_| a.below(1000)).collect();
        let sb: Vec<u64> = (0..10).map(|_| b.below(1000)).collect();
        let sc: Vec<u64> = (0..10).map(|_| c.below(1000)).collect();
        assert_eq!(sa, sb);
        assert_ne!(sa, sc);
        let id = a.resource_id("i");
        assert_eq!(id.len(), 19);
        assert!(id.starts_with("i-0"));
    }
}
