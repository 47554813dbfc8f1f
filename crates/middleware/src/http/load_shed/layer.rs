//! [`LoadShedLayer`].

use spire_service::Layer;

use super::LoadShed;

/// A [`Layer`] that wraps services in the HTTP [`LoadShed`].
///
/// # Examples
///
/// ```
/// use http::{Request, Response};
/// use spire_middleware::http::load_shed::LoadShedLayer;
/// use spire_service::{ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(LoadShedLayer::new())
///     .service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(String::from("hi"))) });
/// assert_eq!(svc.oneshot(Request::new(())).await.unwrap().body(), "hi");
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
    /// let _layer = spire_middleware::http::load_shed::LoadShedLayer::new();
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
