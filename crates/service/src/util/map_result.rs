//! [`MapResult`]: turn the whole `Result` of each call into another `Result`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use crate::{Layer, Service};

/// A service that passes the `Result` of each call, success or failure, through a closure.
///
/// The closure sees both outcomes, so it can recover from an error (turn it into a
/// response) or reject a response (turn it into an error). A `poll_ready` error does not go
/// through the closure, since there is no call result yet: it is converted with `From`
/// into the new error type. Built by
/// [`ServiceExt::map_result`](crate::ServiceExt::map_result),
/// [`ServiceBuilder::map_result`](crate::ServiceBuilder::map_result) or
/// [`MapResultLayer`].
///
/// # Examples
///
/// ```
/// use spire_service::{Service, ServiceExt, service_fn};
/// use spire_service::util::MapResult;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let parse = service_fn(|s: &'static str| async move { s.parse::<u8>() });
/// // Recover: anything that is not a number counts as zero.
/// let mut svc = MapResult::new(parse, |r: Result<u8, std::num::ParseIntError>| {
///     Ok::<_, std::num::ParseIntError>(r.unwrap_or(0))
/// });
/// assert_eq!(svc.ready().await.unwrap().call("7").await, Ok(7));
/// assert_eq!(svc.ready().await.unwrap().call("x").await, Ok(0));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct MapResult<S, F> {
    inner: S,
    f: F,
}

impl<S, F> MapResult<S, F> {
    /// Wraps `inner` so that the result of every call goes through `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceExt, service_fn};
    /// use spire_service::util::MapResult;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let fail = service_fn(|x: u8| async move { Err::<u8, _>(x) });
    /// let svc = MapResult::new(fail, |r: Result<u8, u8>| r.or_else(|e| Ok::<_, u8>(e * 10)));
    /// assert_eq!(svc.oneshot(2).await, Ok(20));
    /// # }
    /// ```
    pub const fn new(inner: S, f: F) -> Self {
        Self { inner, f }
    }

    /// Returns a [`Layer`] that wraps services in `MapResult` with a clone of `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Layer, ServiceExt, service_fn};
    /// use spire_service::util::MapResult;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// // The service parameter plays no part here; `MapResultLayer::new` is the same.
    /// let layer = MapResult::<(), _>::layer(|r: Result<u8, ()>| r.map(|x| x + 1));
    /// let svc = layer.layer(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
    /// assert_eq!(svc.oneshot(1).await, Ok(2));
    /// # }
    /// ```
    pub const fn layer(f: F) -> MapResultLayer<F> {
        MapResultLayer { f }
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
/// Ready exactly when the inner service is; a `poll_ready` error is converted with
/// `Error::from`.
impl<S, F, Request, Response, Error> Service<Request> for MapResult<S, F>
where
    S: Service<Request>,
    Error: From<S::Error>,
    F: FnOnce(Result<S::Response, S::Error>) -> Result<Response, Error> + Clone,
{
    type Response = Response;
    type Error = Error;
    type Future = MapResultFuture<S::Future, F>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(Error::from)
    }

    #[inline]
    fn call(&mut self, request: Request) -> Self::Future {
        MapResultFuture::new(self.inner.call(request), self.f.clone())
    }
}

impl<S: fmt::Debug, F> fmt::Debug for MapResult<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapResult")
            .field("inner", &self.inner)
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

/// A [`Layer`] that wraps services in [`MapResult`].
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceBuilder, ServiceExt};
/// use spire_service::util::MapResultLayer;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // Reject empty answers.
/// let svc = ServiceBuilder::new()
///     .layer(MapResultLayer::new(|r: Result<String, String>| {
///         r.and_then(|s| if s.is_empty() { Err("empty".to_owned()) } else { Ok(s) })
///     }))
///     .service_fn(|s: &'static str| async move { Ok::<_, String>(s.to_owned()) });
/// assert_eq!(svc.oneshot("").await, Err("empty".to_owned()));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct MapResultLayer<F> {
    f: F,
}

impl<F> MapResultLayer<F> {
    /// Creates a layer that maps the result of every call with `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::util::MapResultLayer;
    ///
    /// let _layer = MapResultLayer::new(|r: Result<u32, ()>| r.map_err(|()| "failed"));
    /// ```
    pub const fn new(f: F) -> Self {
        Self { f }
    }
}

impl<S, F: Clone> Layer<S> for MapResultLayer<F> {
    type Service = MapResult<S, F>;

    #[inline]
    fn layer(&self, inner: S) -> Self::Service {
        MapResult::new(inner, self.f.clone())
    }
}

impl<F> fmt::Debug for MapResultLayer<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapResultLayer")
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

pin_project! {
    /// The response future of [`MapResult`]: the inner future, then `f` on its output.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Service, ServiceExt, service_fn};
    /// use spire_service::util::future::MapResultFuture;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) })
    ///     .map_result(|r: Result<u8, ()>| r.map(|x| x + 1));
    /// let future: MapResultFuture<_, _> = svc.ready().await.unwrap().call(1);
    /// assert_eq!(future.await, Ok(2));
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// May panic if polled again after it returned `Poll::Ready`, as futures may.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future, which cancels the request as the inner service
    /// defines; `f` is then never called.
    pub struct MapResultFuture<F, N> {
        #[pin]
        inner: F,
        f: Option<N>,
    }
}

impl<F, N> MapResultFuture<F, N> {
    #[inline]
    pub(crate) const fn new(inner: F, f: N) -> Self {
        Self { inner, f: Some(f) }
    }
}

impl<F, N, T> Future for MapResultFuture<F, N>
where
    F: Future,
    N: FnOnce(F::Output) -> T,
{
    type Output = T;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        let f = this
            .f
            .take()
            .expect("MapResultFuture polled after completion");
        Poll::Ready(f(result))
    }
}

impl<F: fmt::Debug, N> fmt::Debug for MapResultFuture<F, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapResultFuture")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}
