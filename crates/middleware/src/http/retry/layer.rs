//! [`RetryLayer`].

use spire_service::Layer;

use super::{Retry, RetryPolicy};
use crate::http::replay::DEFAULT_CAP;

/// A [`Layer`] that wraps services in the HTTP [`Retry`], with a clone of one policy.
///
/// Clones of [`RetryPolicy`] share its [`Budget`](crate::retry::Budget), so every
/// service this layer builds draws from the same budget.
///
/// # Examples
///
/// ```
/// use http::StatusCode;
/// use spire_middleware::http::retry::{RetryLayer, RetryPolicy};
///
/// let policy = RetryPolicy::new().max_attempts(2).statuses([StatusCode::SERVICE_UNAVAILABLE]);
/// let _layer = RetryLayer::new(policy).replay_cap(16 * 1024);
/// ```
#[derive(Clone, Debug)]
pub struct RetryLayer<P = RetryPolicy> {
    policy: P,
    cap: usize,
}

impl<P> RetryLayer<P> {
    /// Creates a layer that retries as `policy` decides, replaying bodies of up to
    /// [`DEFAULT_CAP`] bytes.
    ///
    /// # Examples
    ///
    /// See [`RetryLayer`].
    pub const fn new(policy: P) -> Self {
        Self {
            policy,
            cap: DEFAULT_CAP,
        }
    }

    /// Records up to `cap` bytes of each request body for the retries; a longer body is
    /// sent once and not retried.
    ///
    /// # Examples
    ///
    /// See [`RetryLayer`].
    #[must_use]
    pub const fn replay_cap(mut self, cap: usize) -> Self {
        self.cap = cap;
        self
    }
}

impl<S, P: Clone> Layer<S> for RetryLayer<P> {
    type Service = Retry<S, P>;

    fn layer(&self, inner: S) -> Retry<S, P> {
        Retry::new(inner, self.policy.clone()).replay_cap(self.cap)
    }
}
