//! [`SteerLayer`].

use std::fmt;
use std::marker::PhantomData;

use spire_service::Layer;

use super::Steer;

/// A [`Layer`] that takes a list of services and builds a [`Steer`] over them, with a
/// clone of one picker.
///
/// It wraps a collection of services rather than one service: apply it to a `Vec` (or
/// any `IntoIterator`) of them.
///
/// # Examples
///
/// ```
/// use spire_middleware::steer::SteerLayer;
/// use spire_service::{BoxError, Layer, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let double = |x: u32| async move { Ok::<_, BoxError>(x * 2) };
/// let layer = SteerLayer::new(|x: &u32, _: &[_]| usize::from(*x >= 100));
/// let svc = layer.layer(vec![service_fn(double), service_fn(double)]);
/// assert_eq!(svc.oneshot(7).await.unwrap(), 14);
/// # }
/// ```
pub struct SteerLayer<P, Req> {
    picker: P,
    _request: PhantomData<fn(Req)>,
}

impl<P, Req> SteerLayer<P, Req> {
    /// Creates a layer that steers with `picker`.
    ///
    /// # Examples
    ///
    /// See [`SteerLayer`].
    pub const fn new(picker: P) -> Self {
        Self {
            picker,
            _request: PhantomData,
        }
    }
}

impl<P: Clone, Req> Clone for SteerLayer<P, Req> {
    fn clone(&self) -> Self {
        Self::new(self.picker.clone())
    }
}

impl<I, P, Req> Layer<I> for SteerLayer<P, Req>
where
    I: IntoIterator,
    P: Clone,
{
    type Service = Steer<I::Item, P, Req>;

    /// # Panics
    ///
    /// Panics if `services` is empty, as [`Steer::new`] does.
    fn layer(&self, services: I) -> Self::Service {
        Steer::new(services, self.picker.clone())
    }
}

impl<P, Req> fmt::Debug for SteerLayer<P, Req> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SteerLayer")
            .field("picker", &format_args!("{}", std::any::type_name::<P>()))
            .finish()
    }
}
