//! [`MakeBalanceLayer`].

use std::fmt;
use std::marker::PhantomData;

use spire_service::Layer;

use super::MakeBalance;

/// A [`Layer`] that turns a service making [`Discover`](crate::discover::Discover)s into a
/// [`MakeBalance`], for requests of type `Req`.
///
/// # Examples
///
/// ```
/// use spire_middleware::balance::p2c::MakeBalanceLayer;
/// use spire_middleware::discover::ServiceList;
/// use spire_middleware::load::Constant;
/// use spire_service::{BoxError, Layer, service_fn};
///
/// let discover_cluster = service_fn(|_cluster: &'static str| async move {
///     let (svc, _handle) = spire_test::mock::pair::<u32, u32>();
///     Ok::<_, BoxError>(ServiceList::new([Constant::new(svc, 1)]))
/// });
/// let _make = MakeBalanceLayer::<u32>::new().layer(discover_cluster);
/// ```
pub struct MakeBalanceLayer<Req> {
    _request: PhantomData<fn(Req)>,
}

impl<Req> MakeBalanceLayer<Req> {
    /// Creates the layer.
    ///
    /// # Examples
    ///
    /// See [`MakeBalanceLayer`].
    #[must_use]
    pub const fn new() -> Self {
        Self {
            _request: PhantomData,
        }
    }
}

impl<Req> Default for MakeBalanceLayer<Req> {
    fn default() -> Self {
        Self::new()
    }
}

impl<Req> Clone for MakeBalanceLayer<Req> {
    fn clone(&self) -> Self {
        Self::new()
    }
}

impl<Req> fmt::Debug for MakeBalanceLayer<Req> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MakeBalanceLayer").finish()
    }
}

impl<S, Req> Layer<S> for MakeBalanceLayer<Req> {
    type Service = MakeBalance<S, Req>;

    fn layer(&self, inner: S) -> MakeBalance<S, Req> {
        MakeBalance::new(inner)
    }
}
