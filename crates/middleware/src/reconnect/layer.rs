//! [`ReconnectLayer`].

use spire_service::{Layer, Service};

use super::Reconnect;

/// A [`Layer`] that turns a maker into a [`Reconnect`] for one target.
///
/// It wraps the maker (a service from targets to services), not a service.
///
/// # Examples
///
/// ```
/// use spire_middleware::reconnect::ReconnectLayer;
/// use spire_service::{BoxError, Layer, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let make = service_fn(|n: u32| async move {
///     Ok::<_, BoxError>(service_fn(move |x: u32| async move { Ok::<_, BoxError>(x + n) }))
/// });
/// let svc = ReconnectLayer::new(100).layer(make);
/// assert_eq!(svc.oneshot(1).await.unwrap(), 101);
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ReconnectLayer<Target> {
    target: Target,
}

impl<Target> ReconnectLayer<Target> {
    /// Creates a layer whose services are made for `target`.
    ///
    /// # Examples
    ///
    /// See [`ReconnectLayer`].
    pub const fn new(target: Target) -> Self {
        Self { target }
    }
}

impl<M, Target> Layer<M> for ReconnectLayer<Target>
where
    M: Service<Target>,
    Target: Clone,
{
    type Service = Reconnect<M, Target>;

    fn layer(&self, make: M) -> Reconnect<M, Target> {
        Reconnect::new(make, self.target.clone())
    }
}
