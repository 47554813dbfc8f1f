//! [`FollowRedirectLayer`].

use spire_service::Layer;

use super::{FollowRedirect, Standard};
use crate::http::replay::DEFAULT_CAP;

/// A [`Layer`] that wraps services in [`FollowRedirect`], with a clone of one policy.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::follow_redirect::{FollowRedirectLayer, Limited, Policy, SameOrigin};
///
/// let _default = FollowRedirectLayer::new();
/// let _strict = FollowRedirectLayer::with_policy(Limited::new(5).and(SameOrigin::new()))
///     .replay_cap(8 * 1024);
/// ```
#[derive(Clone, Debug)]
pub struct FollowRedirectLayer<P = Standard> {
    policy: P,
    cap: usize,
}

impl FollowRedirectLayer {
    /// Follows redirects with the [`Standard`] policy: at most 20 hops, credentials
    /// dropped across origins.
    ///
    /// # Examples
    ///
    /// See [`FollowRedirectLayer`].
    #[must_use]
    pub fn new() -> Self {
        Self::with_policy(Standard::default())
    }
}

impl Default for FollowRedirectLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl<P> FollowRedirectLayer<P> {
    /// Follows redirects as `policy` decides.
    ///
    /// # Examples
    ///
    /// See [`FollowRedirectLayer`].
    pub const fn with_policy(policy: P) -> Self {
        Self {
            policy,
            cap: DEFAULT_CAP,
        }
    }

    /// Records up to `cap` bytes of each request body, for 307 and 308; a longer body is
    /// sent once, and a 307 or 308 for it is returned instead of followed.
    ///
    /// # Examples
    ///
    /// See [`FollowRedirectLayer`].
    #[must_use]
    pub const fn replay_cap(mut self, cap: usize) -> Self {
        self.cap = cap;
        self
    }
}

impl<S, P: Clone> Layer<S> for FollowRedirectLayer<P> {
    type Service = FollowRedirect<S, P>;

    fn layer(&self, inner: S) -> FollowRedirect<S, P> {
        FollowRedirect::with_policy(inner, self.policy.clone()).replay_cap(self.cap)
    }
}
