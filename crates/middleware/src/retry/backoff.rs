//! [`ExponentialBackoff`], with jitter from the crate's small PRNG.

use std::time::Duration;

/// Delays that double with each attempt, up to a cap, with random jitter.
///
/// The delay before retry `attempt` (1 for the first retry) is `min × 2^(attempt-1)`,
/// capped at `max`, then shortened by a random fraction of at most `jitter` (0 to 1):
/// with `jitter = 0.5`, a 400 ms delay becomes anything from 200 ms to 400 ms. Jitter
/// spreads out clients that failed together, so they do not all retry at the same moment;
/// the delay never exceeds `max`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::retry::ExponentialBackoff;
///
/// let no_jitter = ExponentialBackoff::new(Duration::from_millis(100), Duration::from_secs(1), 0.0);
/// assert_eq!(no_jitter.delay(1), Duration::from_millis(100));
/// assert_eq!(no_jitter.delay(2), Duration::from_millis(200));
/// assert_eq!(no_jitter.delay(4), Duration::from_millis(800));
/// assert_eq!(no_jitter.delay(5), Duration::from_secs(1)); // capped
///
/// let jittered = ExponentialBackoff::new(Duration::from_millis(100), Duration::from_secs(1), 0.5);
/// let d = jittered.delay(3);
/// assert!(d >= Duration::from_millis(200) && d <= Duration::from_millis(400));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExponentialBackoff {
    min: Duration,
    max: Duration,
    jitter: f64,
}

impl ExponentialBackoff {
    /// Delays from `min`, doubling, capped at `max`, shortened by up to the fraction
    /// `jitter` at random.
    ///
    /// # Examples
    ///
    /// See [`ExponentialBackoff`].
    ///
    /// # Panics
    ///
    /// Panics if `min > max`, or if `jitter` is not within `0.0..=1.0`.
    #[must_use]
    pub fn new(min: Duration, max: Duration, jitter: f64) -> Self {
        assert!(
            min <= max,
            "the minimum backoff must not exceed the maximum"
        );
        assert!(
            (0.0..=1.0).contains(&jitter),
            "jitter must be a fraction between 0 and 1"
        );
        Self { min, max, jitter }
    }

    /// The delay before retry number `attempt` (1 for the first retry; 0 counts as 1).
    ///
    /// # Examples
    ///
    /// See [`ExponentialBackoff`].
    #[must_use]
    pub fn delay(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(63);
        let capped = self
            .min
            .checked_mul(1u32.checked_shl(doublings).unwrap_or(u32::MAX))
            .map_or(self.max, |d| d.min(self.max));
        if self.jitter == 0.0 {
            return capped;
        }
        capped.mul_f64(1.0 - self.jitter * crate::rng::unit_random())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_random_stays_in_range_and_varies() {
        let samples: Vec<f64> = (0..1000).map(|_| crate::rng::unit_random()).collect();
        assert!(samples.iter().all(|x| (0.0..1.0).contains(x)));
        let low = samples.iter().filter(|x| **x < 0.5).count();
        assert!((300..700).contains(&low), "{low} of 1000 below one half");
    }

    #[test]
    fn delay_saturates_for_huge_attempts() {
        let b = ExponentialBackoff::new(Duration::from_secs(1), Duration::from_secs(30), 0.0);
        assert_eq!(b.delay(u32::MAX), Duration::from_secs(30));
        assert_eq!(b.delay(0), Duration::from_secs(1));
    }
}
