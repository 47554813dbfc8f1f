//! [`BufferLayer`].

use std::fmt;
use std::marker::PhantomData;

use spire_service::{BoxError, Layer, Service};

use super::Buffer;

/// A [`Layer`] that moves each service into a [`Buffer`]'s worker task, spawned on the
/// current tokio runtime.
///
/// # Examples
///
/// ```
/// use spire_middleware::buffer::BufferLayer;
/// use spire_service::{BoxError, ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(BufferLayer::new(32))
///     .service_fn(|x: u8| async move { Ok::<_, BoxError>(x) });
/// let copy = svc.clone(); // a Buffer is always Clone
/// assert_eq!(copy.oneshot(7).await.unwrap(), 7);
/// # }
/// ```
///
/// # Panics
///
/// [`layer`](Layer::layer) panics outside a tokio runtime, as [`Buffer::new`] does.
pub struct BufferLayer<Req> {
    bound: usize,
    _request: PhantomData<fn(Req)>,
}

impl<Req> BufferLayer<Req> {
    /// Creates a layer whose buffers queue up to `bound` requests.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::buffer::BufferLayer::<String>::new(100);
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `bound` is zero.
    #[must_use]
    pub const fn new(bound: usize) -> Self {
        assert!(bound > 0, "a buffer needs room for at least one request");
        Self {
            bound,
            _request: PhantomData,
        }
    }
}

impl<S, Req> Layer<S> for BufferLayer<Req>
where
    S: Service<Req> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    Req: Send + 'static,
{
    type Service = Buffer<Req, S::Future>;

    fn layer(&self, service: S) -> Self::Service {
        Buffer::new(service, self.bound)
    }
}

impl<Req> Clone for BufferLayer<Req> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Req> Copy for BufferLayer<Req> {}

impl<Req> fmt::Debug for BufferLayer<Req> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferLayer")
            .field("bound", &self.bound)
            .finish()
    }
}
