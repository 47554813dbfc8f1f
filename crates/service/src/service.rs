//! The `Service` trait and its contract.

use std::future::Future;
use std::task::{Context, Poll};

/// An asynchronous function from a `Request` to a `Result<Response, Error>`, that says when
/// it can take another request.
///
/// `Service` is the one abstraction spire is built on. A server is a service called once per
/// request a connection reads; a client is a service the application calls; a middleware is
/// a service that wraps another. The trait is tower's `Service`, with the same two methods
/// and the same meaning, so anything learned here carries over.
///
/// ```text
///           poll_ready(cx) ──► Pending ─ (waker fires later) ─┐
///                 │ ▲                                         │
///                 │ └─────────────────────────────────────────┘
///                 ├──► Ready(Err(e)) ── the service is finished: drop it
///                 ▼
///           Ready(Ok(())) ── one slot is now reserved for you
///                 │
///           call(request) ── consumes the slot, returns Self::Future
///                 │
///        future.await ──► Ok(response) | Err(error for this request only)
/// ```
///
/// # The contract
///
/// **1. Readiness before every call.** Before each `call`, the caller must drive
/// [`poll_ready`](Service::poll_ready) until it returns `Poll::Ready(Ok(()))`. One successful
/// `poll_ready` permits exactly one `call`. A service may panic, return an error, or do
/// something worse (overrun a limit it promised to enforce) if it is called without
/// readiness. The easy way to get this right is [`ServiceExt::ready`](crate::ServiceExt::ready)
/// (`svc.ready().await?.call(req)`) or [`ServiceExt::oneshot`](crate::ServiceExt::oneshot).
///
/// **2. Readiness is a reservation.** `Poll::Ready(Ok(()))` does not mean "I am idle right
/// now", it means "I have set aside what the next `call` needs": a permit of a concurrency
/// limit, a slot in a buffer's channel, a pooled connection. That reservation belongs to
/// *this value* of the service and lasts until the next `call` consumes it or the service is
/// dropped, which must release it. Consequences:
/// - calling `poll_ready` again before `call` must not reserve a second slot; a ready
///   service stays ready (returns `Ready(Ok(()))` again) until it is called;
/// - a caller that reserves and then waits for something else (the next request, a timer)
///   keeps that capacity from everyone else, so reserve as late as possible: when the
///   request is already in hand;
/// - a clone does **not** share its original's reservation (see the mistakes below).
///
/// **3. `Poll::Pending` is backpressure.** A service that cannot take a request returns
/// `Poll::Pending` and arranges for `cx`'s waker to be woken when that may have changed,
/// exactly like a future. The caller stops producing work until then: this is how a slow
/// handler slows down the connection that feeds it, instead of queueing without bound.
/// Returning `Pending` without arranging a wake-up hangs the caller forever.
///
/// **4. An error from `poll_ready` means the service is finished.** The service has failed
/// in a way it cannot recover from (its connection closed, its worker died). Do not call
/// `call`, and do not expect later `poll_ready` calls to succeed: drop the service, and make
/// a new one if the application can (a reconnect or retry layer does that). A middleware
/// whose inner `poll_ready` fails returns that error from its own `poll_ready`.
///
/// **5. An error from the response future concerns that request only.** The service is
/// still usable: poll it for readiness again and send the next request.
///
/// **6. `call` starts the work; the future does it.** `call` takes `&mut self` but the
/// returned future does not borrow the service, so the service can be called again while
/// earlier responses are still pending: requests can run concurrently. `call` should do
/// little synchronous work (take the reservation, clone the handles the future needs).
/// Dropping the future cancels the request; any resources it holds must be released then.
///
/// **7. Middleware forwards readiness.** A layer's `poll_ready` must poll its inner
/// service's `poll_ready` (or own the inner service's readiness another way, as a buffer
/// does with its worker), otherwise it would call the inner service without readiness.
///
/// # Common mistakes, and what to use instead
///
/// - *Calling `call` without readiness.* `svc.call(req)` straight away works with services
///   that are always ready and breaks the day a concurrency limit is added. Write
///   `svc.ready().await?.call(req)`, or `svc.oneshot(req)` when the service is used once,
///   or [`call_all`](crate::ServiceExt::call_all) for a stream of requests.
///
/// - *Reserving on one value and calling another.* Inside a middleware's `call`, the
///   future needs an owned inner service, and the tempting code is
///   `let mut inner = self.inner.clone(); async move { inner.call(req).await }`.
///   But readiness was reserved on `self.inner`, not on the clone: the clone is called
///   without readiness, and `self.inner` keeps a reservation nobody will use. Take the ready
///   value and leave the fresh clone behind:
///
///   ```
///   # use spire_service::Service;
///   # use std::task::{Context, Poll};
///   # use std::pin::Pin;
///   # use std::future::Future;
///   # #[derive(Clone)] struct Log<S> { inner: S }
///   # impl<S, R> Service<R> for Log<S>
///   # where S: Service<R> + Clone + Send + 'static, S::Future: Send, R: Send + 'static {
///   #   type Response = S::Response; type Error = S::Error;
///   #   type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;
///   #   fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
///   #       self.inner.poll_ready(cx)
///   #   }
///   fn call(&mut self, req: R) -> Self::Future {
///       let clone = self.inner.clone();
///       // `self.inner` holds the reservation: move it into the future.
///       let mut ready = std::mem::replace(&mut self.inner, clone);
///       Box::pin(async move { ready.call(req).await })
///   }
///   # }
///   # #[tokio::main(flavor = "current_thread")]
///   # async fn main() {
///   #     use spire_service::ServiceExt;
///   #     let svc = Log { inner: spire_service::service_fn(|x: u8| async move { Ok::<_, ()>(x) }) };
///   #     assert_eq!(svc.oneshot(1).await, Ok(1));
///   # }
///   ```
///
///   When the future cannot take the ready value, let it wait for readiness itself:
///   `async move { clone.oneshot(req).await }`.
///
/// - *Reserving too early.* Calling `poll_ready` and then waiting for the next request
///   holds capacity idle. Get the request first; [`call_all`](crate::ServiceExt::call_all)
///   does this for you.
///
/// - *Using a service after `poll_ready` failed.* Drop it (rule 4).
///
/// - *A middleware that answers `Ready` without asking its inner service.* It then calls
///   the inner service without readiness (rule 7).
///
/// # Implementations
///
/// `&mut S` and `Box<S>` are services when `S` is, forwarding both methods, so a function
/// taking `impl Service<R>` accepts a borrowed or boxed service. [`service_fn`](crate::service_fn)
/// makes a service from a closure.
///
/// # Examples
///
/// A service with a capacity of one request at a time, shared by its handles. The
/// reservation is a value, a `Permit`: `poll_ready` takes it, `call` moves it into the
/// response future, and dropping it (with the future, or with a service that was never
/// called) frees the slot and wakes whoever waits.
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
/// use std::sync::{Arc, Mutex};
/// use std::task::{Context, Poll, Waker};
///
/// use spire_service::Service;
///
/// #[derive(Default)]
/// struct Slot { busy: bool, waiting: Vec<Waker> }
///
/// /// Holding it is holding the slot.
/// struct Permit(Arc<Mutex<Slot>>);
///
/// impl Drop for Permit {
///     fn drop(&mut self) {
///         let mut slot = self.0.lock().unwrap();
///         slot.busy = false;
///         slot.waiting.drain(..).for_each(Waker::wake);
///     }
/// }
///
/// struct OneAtATime { slot: Arc<Mutex<Slot>>, permit: Option<Permit> }
///
/// impl Service<u32> for OneAtATime {
///     type Response = u32;
///     type Error = std::convert::Infallible;
///     type Future = Pin<Box<dyn Future<Output = Result<u32, Self::Error>> + Send>>;
///
///     fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
///         if self.permit.is_some() {
///             return Poll::Ready(Ok(())); // a ready service stays ready
///         }
///         let mut slot = self.slot.lock().unwrap();
///         if slot.busy {
///             slot.waiting.push(cx.waker().clone()); // wake me when it frees up
///             return Poll::Pending;
///         }
///         slot.busy = true;
///         self.permit = Some(Permit(Arc::clone(&self.slot)));
///         Poll::Ready(Ok(()))
///     }
///
///     fn call(&mut self, req: u32) -> Self::Future {
///         let permit = self.permit.take().expect("call without poll_ready");
///         Box::pin(async move {
///             let _permit = permit; // released when the response is done or dropped
///             Ok(req * 2)
///         })
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let slot = Arc::new(Mutex::new(Slot::default()));
/// let mut a = OneAtATime { slot: Arc::clone(&slot), permit: None };
/// let mut b = OneAtATime { slot, permit: None };
/// let mut cx = Context::from_waker(Waker::noop());
///
/// assert!(a.poll_ready(&mut cx).is_ready()); // `a` reserves the only slot...
/// assert!(b.poll_ready(&mut cx).is_pending()); // ...so `b` must wait
/// let response = a.call(21); // the response future holds the slot now
/// assert!(b.poll_ready(&mut cx).is_pending());
/// assert_eq!(response.await, Ok(42)); // done: the slot is free again
/// assert!(b.poll_ready(&mut cx).is_ready());
/// # }
/// ```
pub trait Service<Request> {
    /// What the service answers with when a request succeeds.
    type Response;

    /// What the service fails with, from [`poll_ready`](Service::poll_ready) (the service is
    /// finished) or from the response future (this request failed).
    type Error;

    /// The future [`call`](Service::call) returns; it resolves to the response.
    type Future: Future<Output = Result<Self::Response, Self::Error>>;

    /// Reserves capacity for one [`call`](Service::call), or says when to try again.
    ///
    /// Returns `Poll::Ready(Ok(()))` once the next `call` may be made, `Poll::Pending`
    /// (having arranged for `cx`'s waker to be woken) while the service is at capacity, and
    /// `Poll::Ready(Err(_))` if the service has failed for good. See the trait docs for the
    /// full contract.
    ///
    /// # Errors
    ///
    /// An error means the service can no longer process requests and must be dropped.
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>>;

    /// Processes one request, consuming the readiness reserved by
    /// [`poll_ready`](Service::poll_ready), and returns the future of its response.
    ///
    /// The caller must have had `Poll::Ready(Ok(()))` from `poll_ready` since the previous
    /// `call`. Implementations may panic otherwise.
    fn call(&mut self, req: Request) -> Self::Future;
}

/// Calling through a mutable reference calls the service it points to.
///
/// # Readiness
/// Exactly the referenced service's readiness.
impl<S, Request> Service<Request> for &mut S
where
    S: Service<Request> + ?Sized,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        (**self).poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, req: Request) -> S::Future {
        (**self).call(req)
    }
}

/// A boxed service is a service: both methods forward to the box's contents.
///
/// # Readiness
/// Exactly the boxed service's readiness.
impl<S, Request> Service<Request> for Box<S>
where
    S: Service<Request> + ?Sized,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        (**self).poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, req: Request) -> S::Future {
        (**self).call(req)
    }
}
