//! [`LatencyHistogram`], its fixed [`LATENCY_BUCKETS`], and the atomic histogram the
//! service records into.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The upper bounds (inclusive) of the latency buckets: a 1–2.5–5 series from 100 µs to
/// 10 s, then 30 s and 60 s. A latency above 60 s goes to one more bucket, the overflow,
/// so a [`LatencyHistogram`] has [`BUCKETS`] counts.
///
/// | bucket | latencies |
/// | --- | --- |
/// | 0 | up to 100 µs |
/// | 1 … 17 | over the bound before, up to 250 µs, 500 µs, 1 ms, 2.5 ms, 5 ms, 10 ms, 25 ms, 50 ms, 100 ms, 250 ms, 500 ms, 1 s, 2.5 s, 5 s, 10 s, 30 s, 60 s |
/// | 18 | over 60 s (overflow) |
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::http::metrics::LATENCY_BUCKETS;
///
/// assert_eq!(LATENCY_BUCKETS[0], Duration::from_micros(100));
/// assert_eq!(LATENCY_BUCKETS.last(), Some(&Duration::from_secs(60)));
/// ```
pub const LATENCY_BUCKETS: [Duration; 18] = [
    Duration::from_micros(100),
    Duration::from_micros(250),
    Duration::from_micros(500),
    Duration::from_millis(1),
    Duration::from_micros(2_500),
    Duration::from_millis(5),
    Duration::from_millis(10),
    Duration::from_millis(25),
    Duration::from_millis(50),
    Duration::from_millis(100),
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_millis(2_500),
    Duration::from_secs(5),
    Duration::from_secs(10),
    Duration::from_secs(30),
    Duration::from_secs(60),
];

/// The number of counts in a [`LatencyHistogram`]: one per bound of
/// [`LATENCY_BUCKETS`], plus the overflow.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::metrics::{BUCKETS, LatencyHistogram};
///
/// assert_eq!(BUCKETS, 19);
/// assert_eq!(LatencyHistogram::default().buckets.len(), BUCKETS);
/// ```
pub const BUCKETS: usize = LATENCY_BUCKETS.len() + 1;

/// A latency histogram as read at one moment: a plain value, no atomics.
///
/// `buckets[i]` counts the latencies in bucket `i` only (not cumulative): over
/// `LATENCY_BUCKETS[i - 1]` and up to `LATENCY_BUCKETS[i]`; the last one counts those over
/// 60 s. [`cumulative`](Self::cumulative) gives the running totals a Prometheus histogram
/// exports.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::http::metrics::LatencyHistogram;
///
/// let histogram = LatencyHistogram::default();
/// assert_eq!(histogram.count(), 0);
/// assert_eq!(LatencyHistogram::bucket_of(Duration::from_millis(3)), 5); // up to 5 ms
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LatencyHistogram {
    /// The count of each bucket.
    pub buckets: [u64; BUCKETS],
    /// The sum of every latency counted (for a mean, with [`count`](Self::count)).
    pub sum: Duration,
}

impl LatencyHistogram {
    /// The index of the bucket that `latency` falls in.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::http::metrics::{BUCKETS, LatencyHistogram};
    ///
    /// assert_eq!(LatencyHistogram::bucket_of(Duration::ZERO), 0);
    /// assert_eq!(LatencyHistogram::bucket_of(Duration::from_micros(100)), 0); // bounds are inclusive
    /// assert_eq!(LatencyHistogram::bucket_of(Duration::from_micros(101)), 1);
    /// assert_eq!(LatencyHistogram::bucket_of(Duration::from_secs(61)), BUCKETS - 1);
    /// ```
    #[must_use]
    pub fn bucket_of(latency: Duration) -> usize {
        LATENCY_BUCKETS.partition_point(|&bound| bound < latency)
    }

    /// The number of latencies counted: the sum of the buckets.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.buckets.iter().sum()
    }

    /// The running totals: entry `i` counts every latency up to `LATENCY_BUCKETS[i]`, and
    /// the last one counts them all.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::metrics::LatencyHistogram;
    ///
    /// let mut histogram = LatencyHistogram::default();
    /// histogram.buckets[0] = 2;
    /// histogram.buckets[3] = 1;
    /// let cumulative = histogram.cumulative();
    /// assert_eq!(cumulative[2], 2);
    /// assert_eq!(cumulative[3], 3);
    /// assert_eq!(*cumulative.last().unwrap(), histogram.count());
    /// ```
    #[must_use]
    pub fn cumulative(&self) -> [u64; BUCKETS] {
        let mut total = 0;
        self.buckets.map(|count| {
            total += count;
            total
        })
    }
}

/// The histogram the service records into: one atomic per bucket and one for the sum.
#[derive(Debug, Default)]
pub(super) struct AtomicHistogram {
    buckets: [AtomicU64; BUCKETS],
    sum_nanos: AtomicU64,
}

impl AtomicHistogram {
    pub(super) fn record(&self, latency: Duration) {
        // Relaxed: each counter is read on its own; nothing else is ordered by them.
        self.buckets[LatencyHistogram::bucket_of(latency)].fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    pub(super) fn snapshot(&self) -> LatencyHistogram {
        LatencyHistogram {
            buckets: std::array::from_fn(|i| self.buckets[i].load(Ordering::Relaxed)),
            sum: Duration::from_nanos(self.sum_nanos.load(Ordering::Relaxed)),
        }
    }
}
