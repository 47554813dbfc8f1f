//! [`NormalizePath`].

use std::task::{Context, Poll};

use http::Request;
use spire_service::Service;

use super::Mode;

/// A service that normalizes the trailing slash of each request's path before passing
/// the request on.
///
/// See [the module docs](super) for the rules.
///
/// # Examples
///
/// ```
/// use http::Request;
/// use spire_middleware::http::normalize_path::NormalizePath;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|request: Request<()>| async move {
///     Ok::<_, std::convert::Infallible>(request.uri().path().to_owned())
/// });
/// let svc = NormalizePath::append_trailing_slash(inner);
/// let request = Request::builder().uri("/docs").body(()).unwrap();
/// assert_eq!(svc.oneshot(request).await.unwrap(), "/docs/");
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct NormalizePath<S> {
    inner: S,
    mode: Mode,
}

impl<S> NormalizePath<S> {
    /// Wraps `inner` so that trailing slashes are removed: `/foo/` becomes `/foo`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::normalize_path::NormalizePath;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(()) });
    ///
    /// let _svc = NormalizePath::trim_trailing_slash(inner);
    /// ```
    pub const fn trim_trailing_slash(inner: S) -> Self {
        Self::with_mode(inner, Mode::Trim)
    }

    /// Wraps `inner` so that a trailing slash is added: `/foo` becomes `/foo/`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::normalize_path::NormalizePath;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(()) });
    ///
    /// let _svc = NormalizePath::append_trailing_slash(inner);
    /// ```
    pub const fn append_trailing_slash(inner: S) -> Self {
        Self::with_mode(inner, Mode::Append)
    }

    pub(super) const fn with_mode(inner: S, mode: Mode) -> Self {
        Self { inner, mode }
    }

    /// Returns a reference to the inner service.
    pub const fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Returns a mutable reference to the inner service.
    pub const fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Consumes `self`, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// # Readiness
/// Ready exactly when the inner service is; reserves nothing of its own.
impl<S, B> Service<Request<B>> for NormalizePath<S>
where
    S: Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> S::Future {
        self.mode.normalize(request.uri_mut());
        self.inner.call(request)
    }
}
