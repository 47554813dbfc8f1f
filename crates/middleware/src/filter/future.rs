//! The response futures of [`Filter`](super::Filter) and
//! [`AsyncFilter`](super::AsyncFilter).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use spire_service::{BoxError, Service};

use super::AsyncPredicate;

pin_project! {
    /// The response future of [`Filter`](super::Filter): the inner future, or the
    /// predicate's rejection at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::filter::{Filter, ResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let echo = service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) });
    /// let mut svc = Filter::new(echo, |x: u8| Ok::<_, std::io::Error>(x));
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(1);
    /// assert_eq!(future.await.unwrap(), 1);
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The predicate's rejection, or the inner service's error, boxed.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future, cancelling the request as the inner service
    /// defines.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: Option<F>,
        rejection: Option<BoxError>,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) const fn called(inner: F) -> Self {
        Self {
            inner: Some(inner),
            rejection: None,
        }
    }

    pub(super) const fn rejected(rejection: BoxError) -> Self {
        Self {
            inner: None,
            rejection: Some(rejection),
        }
    }
}

impl<F, T, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Output = Result<T, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match this.inner.as_pin_mut() {
            Some(inner) => Poll::Ready(ready!(inner.poll(cx)).map_err(Into::into)),
            None => Poll::Ready(Err(this
                .rejection
                .take()
                .expect("filter ResponseFuture polled after completion"))),
        }
    }
}

impl<F: fmt::Debug> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("inner", &self.inner)
            .field("rejection", &self.rejection)
            .finish()
    }
}

pin_project! {
    /// The response future of [`AsyncFilter`](super::AsyncFilter): the check, then the
    /// call to the inner service and its response.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::filter::{AsyncFilter, AsyncResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let echo = service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) });
    /// let mut svc = AsyncFilter::new(echo, |x: u8| async move { Ok::<_, std::io::Error>(x) });
    /// let future: AsyncResponseFuture<_, _, u8> = svc.ready().await.unwrap().call(1);
    /// assert_eq!(future.await.unwrap(), 1);
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The predicate's rejection, or the inner service's error, boxed.
    ///
    /// # Cancel safety
    ///
    /// Dropping it during the check drops the check and the ready inner service (releasing
    /// its reservation) without calling it; dropping it later drops the inner response
    /// future, cancelling the request as the inner service defines.
    pub struct AsyncResponseFuture<P, S, Request>
    where
        P: AsyncPredicate<Request>,
        S: Service<P::Request>,
    {
        #[pin]
        state: State<P::Future, S::Future>,
        // The ready service, until the check passes.
        service: Option<S>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<C, F> {
        Checking { #[pin] check: C },
        Called { #[pin] response: F },
    }
}

impl<P, S, Request> AsyncResponseFuture<P, S, Request>
where
    P: AsyncPredicate<Request>,
    S: Service<P::Request>,
{
    pub(super) const fn new(check: P::Future, service: S) -> Self {
        Self {
            state: State::Checking { check },
            service: Some(service),
        }
    }
}

impl<P, S, Request> Future for AsyncResponseFuture<P, S, Request>
where
    P: AsyncPredicate<Request>,
    S: Service<P::Request>,
    S::Error: Into<BoxError>,
{
    type Output = Result<S::Response, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Checking { check } => {
                    let request = match ready!(check.poll(cx)) {
                        Ok(request) => request,
                        Err(rejection) => {
                            // Release the inner service's reservation now.
                            *this.service = None;
                            return Poll::Ready(Err(rejection));
                        }
                    };
                    let mut service = this
                        .service
                        .take()
                        .expect("AsyncResponseFuture polled after completion");
                    let response = service.call(request);
                    this.state.set(State::Called { response });
                }
                StateProj::Called { response } => {
                    return Poll::Ready(ready!(response.poll(cx)).map_err(Into::into));
                }
            }
        }
    }
}

impl<P, S, Request> fmt::Debug for AsyncResponseFuture<P, S, Request>
where
    P: AsyncPredicate<Request>,
    S: Service<P::Request>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Checking { .. } => "checking",
            State::Called { .. } => "called",
        };
        f.debug_struct("AsyncResponseFuture")
            .field("state", &state)
            .finish_non_exhaustive()
    }
}
