//! [`LoadShedLayer`].

use spire_service::Layer;

use super::LoadShed;

/// A [`Layer`] that wraps services in [`LoadShed`].
///
/// # Examples
///
/// ```
/// use spire_middleware::load_shed::LoadShedLayer;
/// use spire_service::{BoxError, ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(LoadShedLayer::new())
///     .service_fn(|x: u8| async move { Ok::<_, BoxError>(x) });
/// assert_eq!(svc.oneshot(4).await.unwrap(), 4);
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadShedLayer {
    _private: (),
}

impl LoadShedLayer {
    /// Creates the layer.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::load_shed::LoadShedLayer::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl<S> Layer<S> for LoadShedLayer {
    type Service = LoadShed<S>;

    fn layer(&self, inner: S) -> LoadShed<S> {
        LoadShed::new(inner)
    }
}
