//! [`CallAll`] and [`CallAllUnordered`]: a stream of requests in, a stream of responses out.
//!
//! Both share one driver, [`Driver`], generic over the queue of in-flight futures: a
//! `FuturesOrdered` gives responses in request order, a `FuturesUnordered` in completion
//! order. The driver reserves readiness only once it holds the next request, so it never
//! hoards capacity while the request stream is idle.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_util::Stream;
use futures_util::stream::{FuturesOrdered, FuturesUnordered, StreamExt};
use pin_project_lite::pin_project;

use crate::Service;

/// The queue of in-flight response futures: the only thing that differs between the
/// ordered and the unordered stream.
trait Queue<F: Future> {
    fn push(&mut self, future: F);
    fn is_empty(&self) -> bool;
    fn poll_next_response(&mut self, cx: &mut Context<'_>) -> Poll<Option<F::Output>>;
}

impl<F: Future> Queue<F> for FuturesOrdered<F> {
    fn push(&mut self, future: F) {
        self.push_back(future);
    }
    fn is_empty(&self) -> bool {
        Self::is_empty(self)
    }
    fn poll_next_response(&mut self, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        self.poll_next_unpin(cx)
    }
}

impl<F: Future> Queue<F> for FuturesUnordered<F> {
    fn push(&mut self, future: F) {
        Self::push(self, future);
    }
    fn is_empty(&self) -> bool {
        Self::is_empty(self)
    }
    fn poll_next_response(&mut self, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        self.poll_next_unpin(cx)
    }
}

pin_project! {
    /// The loop both streams run.
    struct Driver<Svc, S, Q>
    where
        S: Stream,
    {
        // `None` once `take_service` took it.
        service: Option<Svc>,
        #[pin]
        requests: S,
        queue: Q,
        // No more calls: the request stream ended or `poll_ready` failed.
        eof: bool,
        // A request taken from the stream, waiting for the service to be ready.
        pending: Option<S::Item>,
    }
}

impl<Svc, S, Q> Driver<Svc, S, Q>
where
    Svc: Service<S::Item>,
    S: Stream,
    Q: Queue<Svc::Future>,
{
    const fn new(service: Svc, requests: S, queue: Q) -> Self {
        Self {
            service: Some(service),
            requests,
            queue,
            eof: false,
            pending: None,
        }
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Svc::Response, Svc::Error>>> {
        let mut this = self.project();
        loop {
            // Responses first: they free capacity in the service.
            if let Poll::Ready(Some(result)) = this.queue.poll_next_response(cx) {
                return Poll::Ready(Some(result));
            }
            if *this.eof {
                return if this.queue.is_empty() {
                    Poll::Ready(None)
                } else {
                    Poll::Pending
                };
            }
            // Hold a request before asking for readiness, so the reservation is used at once.
            if this.pending.is_none() {
                match ready!(this.requests.as_mut().poll_next(cx)) {
                    Some(request) => *this.pending = Some(request),
                    None => {
                        *this.eof = true;
                        continue;
                    }
                }
            }
            let service = this
                .service
                .as_mut()
                .expect("CallAll polled after its service was taken");
            if let Err(error) = ready!(service.poll_ready(cx)) {
                // The service is finished: no more calls, but in-flight responses still drain.
                *this.eof = true;
                *this.pending = None;
                return Poll::Ready(Some(Err(error)));
            }
            let request = this
                .pending
                .take()
                .expect("a request is held at this point");
            this.queue.push(service.call(request));
        }
    }

    fn take_service(self: Pin<&mut Self>) -> Svc {
        self.project()
            .service
            .take()
            .expect("the service was already taken")
    }
}

pin_project! {
    /// A stream of responses, in the order of the requests, from calling a service with
    /// every request of a stream.
    ///
    /// Requests are sent as fast as the service is ready, without waiting for earlier
    /// responses, so several are in flight at once; a response that finishes early waits
    /// until all earlier ones have been yielded. Use [`unordered`](CallAll::unordered) to
    /// get responses as they complete instead. Returned by
    /// [`ServiceExt::call_all`](crate::ServiceExt::call_all).
    ///
    /// How the stream treats errors: an error from a response future is yielded in its
    /// place and the stream continues. An error from `poll_ready` is yielded, no further
    /// request is sent (the service is finished), responses already in flight are still
    /// yielded, and then the stream ends.
    ///
    /// Nothing bounds the number of requests in flight except the service's own readiness:
    /// put a concurrency limit in front of a service that is always ready.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_util::{StreamExt, stream};
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u32| async move { Ok::<_, ()>(x * x) });
    /// let squares: Vec<_> = svc.call_all(stream::iter([1, 2, 3])).collect().await;
    /// assert_eq!(squares, [Ok(1), Ok(4), Ok(9)]);
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if polled after [`take_service`](CallAll::take_service).
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the service, the request stream, the request waiting for
    /// readiness, if any, and every in-flight response future.
    pub struct CallAll<Svc, S>
    where
        Svc: Service<S::Item>,
        S: Stream,
    {
        #[pin]
        driver: Driver<Svc, S, FuturesOrdered<Svc::Future>>,
    }
}

impl<Svc, S> CallAll<Svc, S>
where
    Svc: Service<S::Item>,
    S: Stream,
{
    /// Creates a stream that calls `service` with every request of `requests`.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_util::{StreamExt, stream};
    /// use spire_service::service_fn;
    /// use spire_service::util::CallAll;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|s: &'static str| async move { Ok::<_, ()>(s.len()) });
    /// let lens: Vec<_> = CallAll::new(svc, stream::iter(["a", "bb"])).collect().await;
    /// assert_eq!(lens, [Ok(1), Ok(2)]);
    /// # }
    /// ```
    pub fn new(service: Svc, requests: S) -> Self {
        Self {
            driver: Driver::new(service, requests, FuturesOrdered::new()),
        }
    }

    /// Consumes the stream and returns the service, dropping in-flight requests.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_util::stream;
    /// use spire_service::service_fn;
    /// use spire_service::util::CallAll;
    ///
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// let call_all = CallAll::new(svc, stream::iter([1, 2]));
    /// let _svc = call_all.into_inner();
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if [`take_service`](CallAll::take_service) already took the service.
    pub fn into_inner(self) -> Svc {
        let mut driver = self.driver;
        driver
            .service
            .take()
            .expect("the service was already taken")
    }

    /// Takes the service out of a pinned stream, which cannot be polled afterwards.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::pin;
    ///
    /// use futures_util::{StreamExt, stream};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// let mut responses = pin!(svc.call_all(stream::iter([1, 2])));
    /// assert_eq!(responses.next().await, Some(Ok(1)));
    /// let mut svc = responses.take_service(); // the service is free for other uses
    /// assert_eq!(svc.ready().await.unwrap().call(3).await, Ok(3));
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if the service was already taken.
    pub fn take_service(self: Pin<&mut Self>) -> Svc {
        self.project().driver.take_service()
    }

    /// Turns this stream into one that yields responses as they complete, not in request
    /// order.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_util::{StreamExt, stream};
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// let mut all: Vec<_> = svc.call_all(stream::iter([1, 2, 3])).unordered().collect().await;
    /// all.sort();
    /// assert_eq!(all, [Ok(1), Ok(2), Ok(3)]);
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if responses are in flight (the stream was polled and has not yielded every
    /// response it started): their order is already fixed.
    pub fn unordered(self) -> CallAllUnordered<Svc, S> {
        let driver = self.driver;
        assert!(
            driver.queue.is_empty(),
            "CallAll::unordered called with responses in flight"
        );
        CallAllUnordered {
            driver: Driver {
                service: driver.service,
                requests: driver.requests,
                queue: FuturesUnordered::new(),
                eof: driver.eof,
                pending: driver.pending,
            },
        }
    }
}

impl<Svc, S> Stream for CallAll<Svc, S>
where
    Svc: Service<S::Item>,
    S: Stream,
{
    type Item = Result<Svc::Response, Svc::Error>;

    #[inline]
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project().driver.poll_next(cx)
    }
}

impl<Svc, S> fmt::Debug for CallAll<Svc, S>
where
    Svc: Service<S::Item> + fmt::Debug,
    S: Stream + fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallAll")
            .field("service", &self.driver.service)
            .field("requests", &self.driver.requests)
            .field("in_flight", &self.driver.queue.len())
            .field("eof", &self.driver.eof)
            .finish()
    }
}

pin_project! {
    /// A stream of responses, in the order they complete, from calling a service with
    /// every request of a stream.
    ///
    /// The same driver as [`CallAll`], with the same readiness and error behaviour, but a
    /// fast response is yielded at once instead of waiting behind slower earlier ones.
    /// Returned by [`CallAll::unordered`].
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_util::{StreamExt, stream};
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u32| async move { Ok::<_, ()>(x + 1) });
    /// let mut total = 0;
    /// let mut responses = svc.call_all(stream::iter([1, 2, 3])).unordered();
    /// while let Some(response) = responses.next().await {
    ///     total += response.unwrap();
    /// }
    /// assert_eq!(total, 9);
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if polled after [`take_service`](CallAllUnordered::take_service).
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the service, the request stream, the request waiting for
    /// readiness, if any, and every in-flight response future.
    pub struct CallAllUnordered<Svc, S>
    where
        Svc: Service<S::Item>,
        S: Stream,
    {
        #[pin]
        driver: Driver<Svc, S, FuturesUnordered<Svc::Future>>,
    }
}

impl<Svc, S> CallAllUnordered<Svc, S>
where
    Svc: Service<S::Item>,
    S: Stream,
{
    /// Creates a stream that calls `service` with every request of `requests`.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_util::{StreamExt, stream};
    /// use spire_service::service_fn;
    /// use spire_service::util::CallAllUnordered;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// let n = CallAllUnordered::new(svc, stream::iter([5, 6])).count().await;
    /// assert_eq!(n, 2);
    /// # }
    /// ```
    pub fn new(service: Svc, requests: S) -> Self {
        Self {
            driver: Driver::new(service, requests, FuturesUnordered::new()),
        }
    }

    /// Consumes the stream and returns the service, dropping in-flight requests.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_util::stream;
    /// use spire_service::service_fn;
    /// use spire_service::util::CallAllUnordered;
    ///
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// let _svc = CallAllUnordered::new(svc, stream::iter([1])).into_inner();
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if [`take_service`](CallAllUnordered::take_service) already took the service.
    pub fn into_inner(self) -> Svc {
        let mut driver = self.driver;
        driver
            .service
            .take()
            .expect("the service was already taken")
    }

    /// Takes the service out of a pinned stream, which cannot be polled afterwards.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::pin;
    ///
    /// use futures_util::stream;
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// let mut responses = pin!(svc.call_all(stream::iter([1])).unordered());
    /// let _svc = responses.as_mut().take_service();
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if the service was already taken.
    pub fn take_service(self: Pin<&mut Self>) -> Svc {
        self.project().driver.take_service()
    }
}

impl<Svc, S> Stream for CallAllUnordered<Svc, S>
where
    Svc: Service<S::Item>,
    S: Stream,
{
    type Item = Result<Svc::Response, Svc::Error>;

    #[inline]
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project().driver.poll_next(cx)
    }
}

impl<Svc, S> fmt::Debug for CallAllUnordered<Svc, S>
where
    Svc: Service<S::Item> + fmt::Debug,
    S: Stream + fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallAllUnordered")
            .field("service", &self.driver.service)
            .field("requests", &self.driver.requests)
            .field("in_flight", &self.driver.queue.len())
            .field("eof", &self.driver.eof)
            .finish()
    }
}
