//! [`RetryLayer`].

use spire_service::Layer;

use super::Retry;

/// A [`Layer`] that wraps services in [`Retry`] with a clone of one policy.
///
/// # Examples
///
/// See the [module](super) docs for a complete policy.
///
/// ```
/// use std::future::{Ready, ready};
///
/// use spire_middleware::retry::{Policy, RetryLayer};
/// use spire_service::{BoxError, ServiceBuilder, ServiceExt};
///
/// #[derive(Clone)]
/// struct NoRetry;
/// impl<Req, Res, E> Policy<Req, Res, E> for NoRetry {
///     type Future = Ready<()>;
///     fn retry(&mut self, _: &mut Req, _: &mut Result<Res, E>) -> Option<Ready<()>> { None }
///     fn clone_request(&mut self, _: &Req) -> Option<Req> { None }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(RetryLayer::new(NoRetry))
///     .service_fn(|x: u8| async move { Ok::<_, BoxError>(x) });
/// assert_eq!(svc.oneshot(2).await.unwrap(), 2);
/// # let _ = ready(());
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RetryLayer<P> {
    policy: P,
}

impl<P> RetryLayer<P> {
    /// Creates a layer that retries as `policy` decides.
    ///
    /// # Examples
    ///
    /// See [`RetryLayer`].
    pub const fn new(policy: P) -> Self {
        Self { policy }
    }
}

impl<S, P: Clone> Layer<S> for RetryLayer<P> {
    type Service = Retry<P, S>;

    fn layer(&self, service: S) -> Retry<P, S> {
        Retry::new(self.policy.clone(), service)
    }
}
