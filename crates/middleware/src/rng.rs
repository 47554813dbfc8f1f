//! A tiny xorshift64* generator, shared by the layers that need chance: p2c picks its two
//! endpoints with it and retry jitters its back-off. Fast and good enough for spreading
//! load; never for secrets.

use std::cell::RefCell;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

#[derive(Clone, Debug)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    /// Seeded from the standard library's randomly keyed hasher.
    pub(crate) fn from_entropy() -> Self {
        Self::with_seed(RandomState::new().hash_one(0x5eed_u64))
    }

    /// A reproducible sequence for `seed`.
    pub(crate) const fn with_seed(seed: u64) -> Self {
        // One splitmix64 step, so that nearby seeds start far apart; xorshift needs a
        // state that is not zero.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Self {
            state: (z ^ (z >> 31)) | 1,
        }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`, for `n > 0` (multiply-shift: no modulo bias worth a branch).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Two distinct numbers in `0..len`, for `len >= 2`.
    pub(crate) fn pick_two(&mut self, len: usize) -> (usize, usize) {
        let a = self.below(len);
        let mut b = self.below(len - 1);
        if b >= a {
            b += 1;
        }
        (a, b)
    }

    /// A number in `0.0..1.0`: the top 53 bits, which convert to `f64` exactly.
    pub(crate) fn unit_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A number in `0.0..1.0` from this thread's generator, seeded once per thread.
pub(crate) fn unit_random() -> f64 {
    thread_local! {
        static RNG: RefCell<Rng> = RefCell::new(Rng::from_entropy());
    }
    RNG.with(|rng| rng.borrow_mut().unit_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_two_is_distinct_in_range_and_covers_every_pair() {
        let mut rng = Rng::with_seed(7);
        let mut seen = [[0u32; 4]; 4];
        for _ in 0..10_000 {
            let (a, b) = rng.pick_two(4);
            assert!(a < 4 && b < 4 && a != b);
            seen[a][b] += 1;
        }
        for (a, row) in seen.iter().enumerate() {
            for (b, count) in row.iter().enumerate() {
                if a != b {
                    // 10,000 / 12 ordered pairs ≈ 833 each
                    assert!(
                        (600..1100).contains(count),
                        "pair ({a}, {b}) seen {count} times"
                    );
                }
            }
        }
    }

    #[test]
    fn seeds_give_reproducible_and_different_sequences() {
        let run = |seed| {
            let mut rng = Rng::with_seed(seed);
            (0..8).map(|_| rng.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(run(1), run(1));
        assert_ne!(run(1), run(2));
        assert_ne!(Rng::from_entropy().next_u64(), 0);
    }
}
