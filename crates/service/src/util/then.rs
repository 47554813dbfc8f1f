//! [`Then`]: run an asynchronous step after every call, whatever its outcome.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use crate::{Layer, Service};

/// A service that feeds the `Result` of each call into an asynchronous closure.
///
/// The asynchronous cousin of [`MapResult`](crate::util::MapResult): the closure gets
/// `Ok(response)` or `Err(error)` and returns a future, whose output is the final result.
/// Use it to recover from an error with another request, or to log after the fact. A
/// `poll_ready` error does not go through the closure: it is converted with `Into`. Built by
/// [`ServiceExt::then`](crate::ServiceExt::then),
/// [`ServiceBuilder::then`](crate::ServiceBuilder::then) or [`ThenLayer`].
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceExt, service_fn};
/// use spire_service::util::Then;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let flaky = service_fn(|x: u32| async move { if x % 2 == 0 { Ok(x) } else { Err("odd") } });
/// let svc = Then::new(flaky, |result: Result<u32, &'static str>| async move {
///     Ok::<_, &'static str>(result.unwrap_or(0)) // an error becomes a default answer
/// });
/// assert_eq!(svc.oneshot(3).await, Ok(0));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct Then<S, F> {
    inner: S,
    f: F,
}

impl<S, F> Then<S, F> {
    /// Wraps `inner` so that the result of every call is passed to `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceExt, service_fn};
    /// use spire_service::util::Then;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// let svc = Then::new(svc, |r: Result<u8, ()>| async move { r.map(|x| x + 1) });
    /// assert_eq!(svc.oneshot(1).await, Ok(2));
    /// # }
    /// ```
    pub const fn new(inner: S, f: F) -> Self {
        Self { inner, f }
    }

    /// Returns a [`Layer`] that wraps services in `Then` with a clone of `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Layer, ServiceExt, service_fn};
    /// use spire_service::util::Then;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// // The service parameter plays no part here; `ThenLayer::new` is the same.
    /// let layer = Then::<(), _>::layer(|r: Result<u8, ()>| async move { r.map(|x| x * 3) });
    /// let svc = layer.layer(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
    /// assert_eq!(svc.oneshot(2).await, Ok(6));
    /// # }
    /// ```
    pub const fn layer(f: F) -> ThenLayer<F> {
        ThenLayer { f }
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
/// Ready exactly when the inner service is; a `poll_ready` error is converted with `Into`.
impl<S, F, Request, Response, Error, Fut> Service<Request> for Then<S, F>
where
    S: Service<Request>,
    S::Error: Into<Error>,
    F: FnOnce(Result<S::Response, S::Error>) -> Fut + Clone,
    Fut: Future<Output = Result<Response, Error>>,
{
    type Response = Response;
    type Error = Error;
    type Future = ThenFuture<S::Future, Fut, F>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    #[inline]
    fn call(&mut self, request: Request) -> Self::Future {
        ThenFuture::new(self.inner.call(request), self.f.clone())
    }
}

impl<S: fmt::Debug, F> fmt::Debug for Then<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Then")
            .field("inner", &self.inner)
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

/// A [`Layer`] that wraps services in [`Then`].
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceBuilder, ServiceExt};
/// use spire_service::util::ThenLayer;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(ThenLayer::new(|r: Result<u8, u8>| async move { Ok::<_, u8>(r.unwrap_or_else(|e| e)) }))
///     .service_fn(|x: u8| async move { Err::<u8, _>(x) });
/// assert_eq!(svc.oneshot(5).await, Ok(5));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct ThenLayer<F> {
    f: F,
}

impl<F> ThenLayer<F> {
    /// Creates a layer that passes the result of every call to `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::util::ThenLayer;
    ///
    /// let _layer = ThenLayer::new(|r: Result<u8, ()>| async move { r });
    /// ```
    pub const fn new(f: F) -> Self {
        Self { f }
    }
}

impl<S, F: Clone> Layer<S> for ThenLayer<F> {
    type Service = Then<S, F>;

    #[inline]
    fn layer(&self, inner: S) -> Self::Service {
        Then::new(inner, self.f.clone())
    }
}

impl<F> fmt::Debug for ThenLayer<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThenLayer")
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

pin_project! {
    /// The response future of [`Then`]: the inner future, then the future `f` builds from
    /// its result.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Service, ServiceExt, service_fn};
    /// use spire_service::util::future::ThenFuture;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) })
    ///     .then(|r: Result<u8, ()>| async move { r.map(|x| x + 1) });
    /// let future: ThenFuture<_, _, _> = svc.ready().await.unwrap().call(1);
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
    /// Dropping it drops whichever future is running: before the inner call finished, the
    /// request is cancelled and `f` is never called; after, the future `f` built is dropped.
    pub struct ThenFuture<F1, F2, N> {
        #[pin]
        state: ThenState<F1, F2, N>,
    }
}

pin_project! {
    #[project = ThenStateProj]
    enum ThenState<F1, F2, N> {
        // Waiting for the inner service's response; `f` is taken when it arrives.
        First { #[pin] future: F1, f: Option<N> },
        // Waiting for the future `f` returned.
        Second { #[pin] future: F2 },
    }
}

impl<F1, F2, N> ThenFuture<F1, F2, N> {
    #[inline]
    pub(crate) const fn new(future: F1, f: N) -> Self {
        Self {
            state: ThenState::First { future, f: Some(f) },
        }
    }
}

impl<F1, F2, N> Future for ThenFuture<F1, F2, N>
where
    F1: Future,
    F2: Future,
    N: FnOnce(F1::Output) -> F2,
{
    type Output = F2::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.project().state;
        loop {
            match state.as_mut().project() {
                ThenStateProj::First { future, f } => {
                    let output = ready!(future.poll(cx));
                    let f = f.take().expect("ThenFuture polled after completion");
                    state.set(ThenState::Second { future: f(output) });
                }
                ThenStateProj::Second { future } => return future.poll(cx),
            }
        }
    }
}

impl<F1, F2, N> fmt::Debug for ThenFuture<F1, F2, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            ThenState::First { .. } => "waiting for the inner response",
            ThenState::Second { .. } => "running the closure's future",
        };
        f.debug_struct("ThenFuture").field("state", &state).finish()
    }
}
