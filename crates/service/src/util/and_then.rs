//! [`AndThen`]: run an asynchronous step after every successful call.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_util::TryFuture;
use pin_project_lite::pin_project;

use crate::{Layer, Service};

/// A service that feeds each successful response into an asynchronous closure.
///
/// The asynchronous cousin of [`MapResponse`](crate::util::MapResponse): the closure gets
/// the response and returns a future that may fail, so a second asynchronous step (a
/// lookup, a validation) can follow the call. Errors from the inner service skip the
/// closure and are converted with `Into` into the closure future's error type, as are
/// `poll_ready` errors. Built by
/// [`ServiceExt::and_then`](crate::ServiceExt::and_then),
/// [`ServiceBuilder::and_then`](crate::ServiceBuilder::and_then) or [`AndThenLayer`].
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceExt, service_fn};
/// use spire_service::util::AndThen;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let lookup = service_fn(|id: u32| async move { Ok::<_, String>(format!("user-{id}")) });
/// let svc = AndThen::new(lookup, |name: String| async move {
///     if name.ends_with('0') { Err(format!("{name} is banned")) } else { Ok(name) }
/// });
/// assert_eq!(svc.oneshot(10).await, Err("user-10 is banned".to_owned()));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct AndThen<S, F> {
    inner: S,
    f: F,
}

impl<S, F> AndThen<S, F> {
    /// Wraps `inner` so that every successful response is passed to `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceExt, service_fn};
    /// use spire_service::util::AndThen;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// let svc = AndThen::new(svc, |x: u8| async move { Ok::<_, ()>(x + 1) });
    /// assert_eq!(svc.oneshot(1).await, Ok(2));
    /// # }
    /// ```
    pub const fn new(inner: S, f: F) -> Self {
        Self { inner, f }
    }

    /// Returns a [`Layer`] that wraps services in `AndThen` with a clone of `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Layer, ServiceExt, service_fn};
    /// use spire_service::util::AndThen;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// // The service parameter plays no part here; `AndThenLayer::new` is the same.
    /// let layer = AndThen::<(), _>::layer(|x: u8| async move { Ok::<_, ()>(x * 3) });
    /// let svc = layer.layer(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
    /// assert_eq!(svc.oneshot(2).await, Ok(6));
    /// # }
    /// ```
    pub const fn layer(f: F) -> AndThenLayer<F> {
        AndThenLayer { f }
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
impl<S, F, Request, Fut> Service<Request> for AndThen<S, F>
where
    S: Service<Request>,
    S::Error: Into<Fut::Error>,
    F: FnOnce(S::Response) -> Fut + Clone,
    Fut: TryFuture,
{
    type Response = Fut::Ok;
    type Error = Fut::Error;
    type Future = AndThenFuture<S::Future, Fut, F>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Fut::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    #[inline]
    fn call(&mut self, request: Request) -> Self::Future {
        AndThenFuture::new(self.inner.call(request), self.f.clone())
    }
}

impl<S: fmt::Debug, F> fmt::Debug for AndThen<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AndThen")
            .field("inner", &self.inner)
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

/// A [`Layer`] that wraps services in [`AndThen`].
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceBuilder, ServiceExt};
/// use spire_service::util::AndThenLayer;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(AndThenLayer::new(|x: u8| async move { x.checked_mul(100).ok_or("overflow") }))
///     .service_fn(|x: u8| async move { Ok::<_, &str>(x) });
/// assert_eq!(svc.oneshot(5).await, Err("overflow"));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct AndThenLayer<F> {
    f: F,
}

impl<F> AndThenLayer<F> {
    /// Creates a layer that passes every successful response to `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::util::AndThenLayer;
    ///
    /// let _layer = AndThenLayer::new(|x: u8| async move { Ok::<_, ()>(x) });
    /// ```
    pub const fn new(f: F) -> Self {
        Self { f }
    }
}

impl<S, F: Clone> Layer<S> for AndThenLayer<F> {
    type Service = AndThen<S, F>;

    #[inline]
    fn layer(&self, inner: S) -> Self::Service {
        AndThen::new(inner, self.f.clone())
    }
}

impl<F> fmt::Debug for AndThenLayer<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AndThenLayer")
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

pin_project! {
    /// The response future of [`AndThen`]: the inner future, then, if it succeeded, the
    /// future `f` builds from its response.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Service, ServiceExt, service_fn};
    /// use spire_service::util::future::AndThenFuture;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) })
    ///     .and_then(|x: u8| async move { Ok::<_, ()>(x + 1) });
    /// let future: AndThenFuture<_, _, _> = svc.ready().await.unwrap().call(1);
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
    pub struct AndThenFuture<F1, F2, N> {
        #[pin]
        state: AndThenState<F1, F2, N>,
    }
}

pin_project! {
    #[project = AndThenStateProj]
    enum AndThenState<F1, F2, N> {
        // Waiting for the inner service's response; `f` is taken when it arrives.
        First { #[pin] future: F1, f: Option<N> },
        // Waiting for the future `f` returned.
        Second { #[pin] future: F2 },
        // The inner call failed and its error was returned.
        Done,
    }
}

impl<F1, F2, N> AndThenFuture<F1, F2, N> {
    #[inline]
    pub(crate) const fn new(future: F1, f: N) -> Self {
        Self {
            state: AndThenState::First { future, f: Some(f) },
        }
    }
}

impl<F1, F2, N> Future for AndThenFuture<F1, F2, N>
where
    F1: TryFuture,
    F2: TryFuture,
    F1::Error: Into<F2::Error>,
    N: FnOnce(F1::Ok) -> F2,
{
    type Output = Result<F2::Ok, F2::Error>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.project().state;
        loop {
            match state.as_mut().project() {
                AndThenStateProj::First { future, f } => match ready!(future.try_poll(cx)) {
                    Ok(response) => {
                        let f = f.take().expect("AndThenFuture polled after completion");
                        state.set(AndThenState::Second {
                            future: f(response),
                        });
                    }
                    Err(error) => {
                        state.set(AndThenState::Done);
                        return Poll::Ready(Err(error.into()));
                    }
                },
                AndThenStateProj::Second { future } => return future.try_poll(cx),
                AndThenStateProj::Done => panic!("AndThenFuture polled after completion"),
            }
        }
    }
}

impl<F1, F2, N> fmt::Debug for AndThenFuture<F1, F2, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            AndThenState::First { .. } => "waiting for the inner response",
            AndThenState::Second { .. } => "running the closure's future",
            AndThenState::Done => "done",
        };
        f.debug_struct("AndThenFuture")
            .field("state", &state)
            .finish()
    }
}
