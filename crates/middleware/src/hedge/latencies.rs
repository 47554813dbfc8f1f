//! [`Latencies`]: a small rotating histogram of call latencies.

use std::time::Duration;

use tokio::time::Instant;

/// Bucket `i` counts latencies below `2^i` microseconds (and at least `2^(i-1)`), so 40
/// buckets reach past 6 days: plenty, with a relative error of at most 2x, which is what a
/// hedge delay needs.
const BUCKETS: usize = 40;

#[derive(Clone, Debug)]
struct Buckets {
    counts: [u64; BUCKETS],
    total: u64,
}

impl Buckets {
    const EMPTY: Self = Self {
        counts: [0; BUCKETS],
        total: 0,
    };
}

/// Latencies of the current period (being written) and of the last full one (being read).
#[derive(Debug)]
pub(super) struct Latencies {
    current: Buckets,
    previous: Buckets,
    period: Duration,
    period_start: Instant,
}

impl Latencies {
    pub(super) fn new(period: Duration) -> Self {
        Self {
            current: Buckets::EMPTY,
            previous: Buckets::EMPTY,
            period,
            period_start: Instant::now(),
        }
    }

    fn rotate(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.period_start);
        if elapsed < self.period {
            return;
        }
        self.previous = if elapsed < self.period * 2 {
            std::mem::replace(&mut self.current, Buckets::EMPTY)
        } else {
            // a whole period went by without a rotation: it had no calls
            self.current = Buckets::EMPTY;
            Buckets::EMPTY
        };
        self.period_start = now;
    }

    pub(super) fn record(&mut self, latency: Duration) {
        self.rotate(Instant::now());
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        let index = (u64::BITS - micros.leading_zeros()) as usize;
        self.current.counts[index.min(BUCKETS - 1)] += 1;
        self.current.total += 1;
    }

    /// The latency below which a `percentile` (0 to 1) of the last period's calls
    /// finished (rounded up to its bucket's bound), or `None` with fewer than
    /// `min_data_points` calls to go on.
    pub(super) fn percentile(&mut self, percentile: f64, min_data_points: u64) -> Option<Duration> {
        self.rotate(Instant::now());
        let buckets = &self.previous;
        if buckets.total == 0 || buckets.total < min_data_points {
            return None;
        }
        // percentile is in 0..=1, so the rank is in 1..=total
        let rank = ((percentile * buckets.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (index, count) in buckets.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return Some(Duration::from_micros(1u64 << index));
            }
        }
        Some(Duration::from_micros(1u64 << (BUCKETS - 1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn latencies_read_the_last_full_period() {
        let period = Duration::from_secs(1);
        let mut latencies = Latencies::new(period);
        for ms in 1..=100 {
            latencies.record(Duration::from_millis(ms));
        }
        assert_eq!(
            latencies.percentile(0.5, 1),
            None,
            "the period is not over yet"
        );
        tokio::time::advance(period).await;
        // 50 ms lies in [32.768 ms, 65.536 ms): the bucket bound is 2^16 µs
        assert_eq!(
            latencies.percentile(0.5, 1),
            Some(Duration::from_micros(1 << 16))
        );
        // 95 ms lies in [65.536 ms, 131.072 ms)
        assert_eq!(
            latencies.percentile(0.95, 1),
            Some(Duration::from_micros(1 << 17))
        );
        assert_eq!(latencies.percentile(0.5, 101), None, "too few data points");
        tokio::time::advance(period * 2).await;
        assert_eq!(
            latencies.percentile(0.5, 1),
            None,
            "an idle period empties the window"
        );
    }
}
