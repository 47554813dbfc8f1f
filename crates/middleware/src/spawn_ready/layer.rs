//! [`SpawnReadyLayer`].

use spire_service::Layer;

use super::SpawnReady;

/// A [`Layer`] that wraps services in [`SpawnReady`].
///
/// # Examples
///
/// ```
/// use spire_middleware::spawn_ready::SpawnReadyLayer;
/// use spire_service::{BoxError, ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(SpawnReadyLayer::new())
///     .service_fn(|s: &'static str| async move { Ok::<_, BoxError>(s.len()) });
/// assert_eq!(svc.oneshot("four").await.unwrap(), 4);
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SpawnReadyLayer {
    _private: (),
}

impl SpawnReadyLayer {
    /// Creates the layer.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::spawn_ready::SpawnReadyLayer::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl<S> Layer<S> for SpawnReadyLayer {
    type Service = SpawnReady<S>;

    fn layer(&self, inner: S) -> SpawnReady<S> {
        SpawnReady::new(inner)
    }
}
