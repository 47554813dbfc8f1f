//! [`HedgeLayer`].

use std::time::Duration;

use spire_service::Layer;

use super::Hedge;

/// A [`Layer`] that wraps services in [`Hedge`]; each service built has its own latency
/// histogram, shared with its clones.
///
/// # Examples
///
/// See the [module](super) docs.
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::hedge::HedgeLayer;
///
/// # #[derive(Clone)] struct Reads;
/// let _layer = HedgeLayer::new(Reads, 100, 0.99, Duration::from_secs(30));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct HedgeLayer<P> {
    policy: P,
    min_data_points: u64,
    percentile: f64,
    period: Duration,
}

impl<P> HedgeLayer<P> {
    /// Creates a layer with the arguments of [`Hedge::new`].
    ///
    /// # Examples
    ///
    /// See [`HedgeLayer`].
    ///
    /// # Panics
    ///
    /// Panics if `percentile` is not within `0.0..=1.0` or `period` is zero.
    pub fn new(policy: P, min_data_points: u64, percentile: f64, period: Duration) -> Self {
        assert!(
            (0.0..=1.0).contains(&percentile),
            "the hedge percentile must be between 0 and 1"
        );
        assert!(!period.is_zero(), "the hedge period must not be zero");
        Self {
            policy,
            min_data_points,
            percentile,
            period,
        }
    }
}

impl<S, P: Clone> Layer<S> for HedgeLayer<P> {
    type Service = Hedge<S, P>;

    fn layer(&self, service: S) -> Hedge<S, P> {
        Hedge::new(
            service,
            self.policy.clone(),
            self.min_data_points,
            self.percentile,
            self.period,
        )
    }
}
