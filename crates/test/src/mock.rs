//! A mock [`Service`] and the [`Handle`] that drives it, for testing middleware by hand.
//!
//! [`pair`] returns a [`Mock`], which a test wraps in the middleware under test, and a
//! [`Handle`], which plays the inner service: it receives every request the middleware
//! forwards ([`Handle::next_request`]), answers each one through its [`SendResponse`], and
//! decides when the mock is ready ([`Handle::allow`]) or fails ([`Handle::send_error`]).
//! Nothing happens on its own, so a test can stop at any step and assert what the
//! middleware did: this is tower-test's mock, for spire.
//!
//! ```text
//!   test ──► middleware ──► Mock ══ channel ══► Handle ──► test
//!                            ▲                     │
//!                            └── allow / send_error┘
//!   response ◄── middleware ◄── ResponseFuture ◄── SendResponse::send_response
//! ```
//!
//! The mock holds to the [`Service`] contract more strictly than a real service would:
//! `call` panics unless `poll_ready` returned `Ready(Ok(()))` on the same value since its last
//! call, and a clone starts without its original's reservation. A middleware that forgets
//! readiness fails its tests at once.
//!
//! # Examples
//!
//! ```
//! use futures_util::FutureExt;
//! use spire_service::{Service, ServiceExt};
//!
//! let (mut mock, mut handle) = spire_test::mock::pair::<&str, usize>();
//!
//! // Nothing here waits, so `now_or_never` stands in for a runtime.
//! let response = mock.ready().now_or_never().unwrap().unwrap().call("hello");
//! let (request, send) = handle.try_next_request().unwrap();
//! assert_eq!(request, "hello");
//! send.send_response(request.len());
//! assert_eq!(response.now_or_never().unwrap().unwrap(), 5);
//! ```

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use spire_service::{BoxError, Service};
use tokio::sync::{mpsc, oneshot};

/// Creates a connected [`Mock`] and [`Handle`].
///
/// The mock starts with unlimited readiness: until [`Handle::allow`] sets a budget, every
/// `poll_ready` succeeds.
///
/// # Examples
///
/// ```
/// let (_mock, _handle) = spire_test::mock::pair::<String, String>();
/// ```
#[must_use]
pub fn pair<T, U>() -> (Mock<T, U>, Handle<T, U>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let state = Arc::new(Mutex::new(State {
        budget: None,
        error: None,
        handle_dropped: false,
        waiting: HashMap::new(),
        next_id: 1,
    }));
    let mock = Mock {
        id: 0,
        state: Arc::clone(&state),
        reserved: false,
        tx,
    };
    (mock, Handle { rx, state })
}

/// What the mocks and the handle share.
struct State {
    /// How many more `poll_ready` calls may succeed; `None` is unlimited.
    budget: Option<u64>,
    /// The error the next `poll_ready` returns.
    error: Option<BoxError>,
    /// The handle is gone: every `poll_ready` fails.
    handle_dropped: bool,
    /// The waker of each mock (by id) waiting for readiness.
    waiting: HashMap<u64, Waker>,
    /// The id the next clone gets.
    next_id: u64,
}

impl State {
    fn wake_all(&mut self) {
        for (_, waker) in self.waiting.drain() {
            waker.wake();
        }
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A test that panicked while holding the lock has failed already; keep going so its
    // own panic message is the one reported.
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The error a mock returns when its [`Handle`] is gone, or a response future when its
/// [`SendResponse`] was dropped without an answer.
///
/// # Examples
///
/// ```
/// use futures_util::FutureExt;
/// use spire_service::ServiceExt;
/// use spire_test::mock::{self, Closed};
///
/// let (mock, handle) = mock::pair::<(), ()>();
/// drop(handle);
/// let err = mock.oneshot(()).now_or_never().unwrap().unwrap_err();
/// assert!(err.is::<Closed>());
/// ```
#[derive(Debug)]
pub struct Closed {
    _private: (),
}

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("mock handle or response sender dropped")
    }
}

impl std::error::Error for Closed {}

/// The mock service: forwards each request to its [`Handle`].
///
/// Its error type is [`BoxError`], so a test can make it fail with any error.
///
/// # Examples
///
/// ```
/// use futures_util::FutureExt;
/// use spire_service::{Service, ServiceExt};
///
/// let (mut mock, mut handle) = spire_test::mock::pair::<u8, u8>();
/// let future = mock.ready().now_or_never().unwrap().unwrap().call(1);
/// let (_, send) = handle.try_next_request().unwrap();
/// send.send_error("boom");
/// assert_eq!(future.now_or_never().unwrap().unwrap_err().to_string(), "boom");
/// ```
///
/// A reservation is not given back to the [`Handle::allow`] budget when a reserved mock is
/// dropped: the budget counts successful `poll_ready` calls, not calls in flight.
///
/// # Panics
///
/// [`call`](Service::call) panics if `poll_ready` has not returned `Ready(Ok(()))` on this
/// value since the last call.
pub struct Mock<T, U> {
    id: u64,
    state: Arc<Mutex<State>>,
    /// `poll_ready` succeeded and no call has used it yet.
    reserved: bool,
    tx: mpsc::UnboundedSender<(T, SendResponse<U>)>,
}

impl<T, U> Mock<T, U> {
    /// Whether this value holds a reservation from `poll_ready` that no call has used.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_util::FutureExt;
    /// use spire_service::ServiceExt;
    ///
    /// let (mut mock, _handle) = spire_test::mock::pair::<(), ()>();
    /// assert!(!mock.is_reserved());
    /// mock.ready().now_or_never().unwrap().unwrap();
    /// assert!(mock.is_reserved());
    /// assert!(!mock.clone().is_reserved()); // a clone starts not ready
    /// ```
    #[must_use]
    pub const fn is_reserved(&self) -> bool {
        self.reserved
    }
}

/// A clone has its own id and starts **not ready**: readiness belongs to the value that
/// polled for it.
impl<T, U> Clone for Mock<T, U> {
    fn clone(&self) -> Self {
        let id = {
            let mut state = lock(&self.state);
            let id = state.next_id;
            state.next_id += 1;
            id
        };
        Self {
            id,
            state: Arc::clone(&self.state),
            reserved: false,
            tx: self.tx.clone(),
        }
    }
}

impl<T, U> Drop for Mock<T, U> {
    fn drop(&mut self) {
        lock(&self.state).waiting.remove(&self.id);
    }
}

/// # Readiness
/// Takes one unit of the budget set by [`Handle::allow`] (unlimited until then) and keeps it
/// until `call`; a value that is already reserved stays ready without taking more. Fails
/// with the error given to [`Handle::send_error`] (once), or with [`Closed`] once the handle
/// is dropped.
impl<T, U> Service<T> for Mock<T, U> {
    type Response = U;
    type Error = BoxError;
    type Future = ResponseFuture<U>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        let mut state = lock(&self.state);
        if state.handle_dropped {
            return Poll::Ready(Err(Box::new(Closed { _private: () })));
        }
        if let Some(err) = state.error.take() {
            return Poll::Ready(Err(err));
        }
        if self.reserved {
            return Poll::Ready(Ok(()));
        }
        match &mut state.budget {
            None => {}
            Some(0) => {
                state.waiting.insert(self.id, cx.waker().clone());
                return Poll::Pending;
            }
            Some(n) => *n -= 1,
        }
        self.reserved = true;
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: T) -> ResponseFuture<U> {
        assert!(
            std::mem::take(&mut self.reserved),
            "mock service called without poll_ready returning Ready(Ok(())) first"
        );
        let (tx, rx) = oneshot::channel();
        // If the handle is gone the request is dropped here and the future reports `Closed`.
        let _ = self.tx.send((req, SendResponse { tx }));
        ResponseFuture { rx }
    }
}

impl<T, U> fmt::Debug for Mock<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mock")
            .field("id", &self.id)
            .field("reserved", &self.reserved)
            .finish_non_exhaustive()
    }
}

/// The response future of [`Mock`]: resolves when the test answers through
/// [`SendResponse`].
///
/// # Examples
///
/// ```
/// use futures_util::FutureExt;
/// use spire_service::{Service, ServiceExt};
/// use spire_test::mock::ResponseFuture;
///
/// let (mut mock, mut handle) = spire_test::mock::pair::<u8, u8>();
/// let future: ResponseFuture<u8> = mock.ready().now_or_never().unwrap().unwrap().call(3);
/// handle.try_next_request().unwrap().1.send_response(4);
/// assert_eq!(future.now_or_never().unwrap().unwrap(), 4);
/// ```
///
/// # Errors
///
/// Resolves to the error given to [`SendResponse::send_error`], or to [`Closed`] if the
/// `SendResponse` was dropped without an answer.
///
/// # Cancel safety
///
/// Dropping it makes [`SendResponse::is_canceled`] true; the answer, if sent, is dropped.
#[derive(Debug)]
pub struct ResponseFuture<U> {
    rx: oneshot::Receiver<Result<U, BoxError>>,
}

impl<U> Future for ResponseFuture<U> {
    type Output = Result<U, BoxError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match Pin::new(&mut self.rx).poll(cx) {
            Poll::Ready(Ok(result)) => Poll::Ready(result),
            Poll::Ready(Err(_)) => Poll::Ready(Err(Box::new(Closed { _private: () }))),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Answers one request taken from a [`Handle`].
///
/// # Examples
///
/// ```
/// use std::pin::pin;
/// use std::task::{Context, Poll, Waker};
/// use spire_service::ServiceExt;
///
/// let (mock, mut handle) = spire_test::mock::pair::<u8, u8>();
/// let mut cx = Context::from_waker(Waker::noop());
/// let mut response = pin!(mock.oneshot(1));
/// assert!(response.as_mut().poll(&mut cx).is_pending()); // sent, waiting for the answer
/// let (request, send) = handle.try_next_request().unwrap();
/// send.send_response(request + 1);
/// assert!(matches!(response.poll(&mut cx), Poll::Ready(Ok(2))));
/// ```
#[derive(Debug)]
pub struct SendResponse<U> {
    tx: oneshot::Sender<Result<U, BoxError>>,
}

impl<U> SendResponse<U> {
    /// Resolves the request's response future with `response`.
    ///
    /// Nothing happens if the future was dropped.
    ///
    /// # Examples
    ///
    /// See [`SendResponse`].
    pub fn send_response(self, response: U) {
        let _ = self.tx.send(Ok(response));
    }

    /// Resolves the request's response future with `error`.
    ///
    /// # Examples
    ///
    /// See [`Mock`].
    pub fn send_error(self, error: impl Into<BoxError>) {
        let _ = self.tx.send(Err(error.into()));
    }

    /// Whether the response future has been dropped (the caller cancelled the request).
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_util::FutureExt;
    /// use spire_service::{Service, ServiceExt};
    ///
    /// let (mut mock, mut handle) = spire_test::mock::pair::<u8, u8>();
    /// let future = mock.ready().now_or_never().unwrap().unwrap().call(1);
    /// let (_, send) = handle.try_next_request().unwrap();
    /// assert!(!send.is_canceled());
    /// drop(future);
    /// assert!(send.is_canceled());
    /// ```
    #[must_use]
    pub fn is_canceled(&self) -> bool {
        self.tx.is_closed()
    }
}

/// The test's side of a [`Mock`]: receives its requests and controls its readiness.
///
/// Dropping the handle makes every mock fail `poll_ready` with [`Closed`].
///
/// # Examples
///
/// ```
/// use std::task::{Context, Poll, Waker};
/// use spire_service::Service;
///
/// let (mut mock, mut handle) = spire_test::mock::pair::<(), ()>();
/// let mut cx = Context::from_waker(Waker::noop());
/// handle.allow(1);
/// assert!(mock.poll_ready(&mut cx).is_ready());
/// let _response = mock.call(());
/// assert!(mock.poll_ready(&mut cx).is_pending()); // the budget is spent
/// handle.send_error("broken");
/// assert!(matches!(mock.poll_ready(&mut cx), Poll::Ready(Err(_))));
/// ```
pub struct Handle<T, U> {
    rx: mpsc::UnboundedReceiver<(T, SendResponse<U>)>,
    state: Arc<Mutex<State>>,
}

impl<T, U> Handle<T, U> {
    /// Waits for the next request a mock was called with.
    ///
    /// Returns `None` once every mock is dropped and all their requests were taken.
    ///
    /// # Examples
    ///
    /// See [`SendResponse`].
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no request is lost.
    pub async fn next_request(&mut self) -> Option<(T, SendResponse<U>)> {
        self.rx.recv().await
    }

    /// Polls for the next request a mock was called with; the poll form of
    /// [`next_request`](Self::next_request).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Waker};
    ///
    /// let (_mock, mut handle) = spire_test::mock::pair::<(), ()>();
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(handle.poll_request(&mut cx).is_pending());
    /// ```
    pub fn poll_request(&mut self, cx: &mut Context<'_>) -> Poll<Option<(T, SendResponse<U>)>> {
        self.rx.poll_recv(cx)
    }

    /// Takes the next request if one has already arrived, without waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Waker};
    /// use spire_service::Service;
    ///
    /// let (mut mock, mut handle) = spire_test::mock::pair::<u8, ()>();
    /// assert!(handle.try_next_request().is_none());
    /// assert!(mock.poll_ready(&mut Context::from_waker(Waker::noop())).is_ready());
    /// let _response = mock.call(7);
    /// assert_eq!(handle.try_next_request().map(|(req, _)| req), Some(7));
    /// ```
    pub fn try_next_request(&mut self) -> Option<(T, SendResponse<U>)> {
        self.rx.try_recv().ok()
    }

    /// Lets `n` more `poll_ready` calls succeed (in total, over all clones), replacing the
    /// current budget; `allow(0)` makes every unreserved mock wait.
    ///
    /// Mocks already holding a reservation keep it. Waiting mocks are woken.
    ///
    /// # Examples
    ///
    /// See [`Handle`].
    pub fn allow(&mut self, n: u64) {
        let mut state = lock(&self.state);
        state.budget = Some(n);
        if n > 0 {
            state.wake_all();
        }
    }

    /// Makes the next `poll_ready` of any mock fail with `error`, once.
    ///
    /// Waiting mocks are woken so that one of them sees it.
    ///
    /// # Examples
    ///
    /// See [`Handle`].
    pub fn send_error(&mut self, error: impl Into<BoxError>) {
        let mut state = lock(&self.state);
        state.error = Some(error.into());
        state.wake_all();
    }
}

impl<T, U> Drop for Handle<T, U> {
    fn drop(&mut self) {
        let mut state = lock(&self.state);
        state.handle_dropped = true;
        state.wake_all();
    }
}

impl<T, U> fmt::Debug for Handle<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.state);
        f.debug_struct("Handle")
            .field("budget", &state.budget)
            .field("waiting", &state.waiting.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    use futures_util::FutureExt;

    use super::*;

    struct CountWaker(AtomicUsize);

    impl Wake for CountWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counting() -> (Arc<CountWaker>, Waker) {
        let count = Arc::new(CountWaker(AtomicUsize::new(0)));
        (Arc::clone(&count), Waker::from(count))
    }

    fn noop() -> Context<'static> {
        Context::from_waker(Waker::noop())
    }

    #[test]
    #[should_panic(expected = "without poll_ready")]
    fn mock_call_without_ready_panics() {
        let (mut mock, _handle) = pair::<(), ()>();
        drop(mock.call(()));
    }

    #[test]
    #[should_panic(expected = "without poll_ready")]
    fn mock_second_call_after_one_ready_panics() {
        let (mut mock, _handle) = pair::<(), ()>();
        assert!(mock.poll_ready(&mut noop()).is_ready());
        let _first = mock.call(());
        drop(mock.call(()));
    }

    #[test]
    #[should_panic(expected = "without poll_ready")]
    fn mock_clone_of_ready_mock_is_not_ready() {
        let (mut mock, _handle) = pair::<(), ()>();
        assert!(mock.poll_ready(&mut noop()).is_ready());
        let mut clone = mock.clone();
        assert!(mock.is_reserved());
        drop(clone.call(()));
    }

    #[test]
    fn mock_forwards_request_and_response() {
        let (mut mock, mut handle) = pair::<String, usize>();
        assert!(mock.poll_ready(&mut noop()).is_ready());
        let mut future = mock.call("abc".to_owned());
        assert!(Pin::new(&mut future).poll(&mut noop()).is_pending());
        let (req, send) = handle
            .next_request()
            .now_or_never()
            .flatten()
            .expect("a request");
        assert_eq!(req, "abc");
        send.send_response(3);
        assert_eq!(future.now_or_never().unwrap().unwrap(), 3);
    }

    #[test]
    fn mock_response_error_reaches_caller() {
        let (mut mock, mut handle) = pair::<(), ()>();
        assert!(mock.poll_ready(&mut noop()).is_ready());
        let future = mock.call(());
        handle.try_next_request().unwrap().1.send_error("nope");
        let err = future.now_or_never().unwrap().unwrap_err();
        assert_eq!(err.to_string(), "nope");
    }

    #[test]
    fn mock_dropped_send_response_gives_closed() {
        let (mut mock, mut handle) = pair::<(), ()>();
        assert!(mock.poll_ready(&mut noop()).is_ready());
        let future = mock.call(());
        drop(handle.try_next_request().unwrap().1);
        let err = future.now_or_never().unwrap().unwrap_err();
        assert!(err.is::<Closed>());
    }

    #[test]
    fn mock_allow_limits_readiness_across_clones() {
        let (mut a, mut handle) = pair::<(), ()>();
        let mut b = a.clone();
        handle.allow(1);
        assert!(a.poll_ready(&mut noop()).is_ready());
        // already reserved: stays ready without spending budget
        assert!(a.poll_ready(&mut noop()).is_ready());
        assert!(b.poll_ready(&mut noop()).is_pending());
        drop(a.call(()));
        assert!(a.poll_ready(&mut noop()).is_pending());
        handle.allow(2);
        assert!(a.poll_ready(&mut noop()).is_ready());
        assert!(b.poll_ready(&mut noop()).is_ready());
        drop(b.call(()));
        assert!(b.poll_ready(&mut noop()).is_pending());
    }

    #[test]
    fn mock_allow_wakes_waiting_mocks() {
        let (mut mock, mut handle) = pair::<(), ()>();
        handle.allow(0);
        let (count, waker) = counting();
        assert!(
            mock.poll_ready(&mut Context::from_waker(&waker))
                .is_pending()
        );
        assert_eq!(count.0.load(Ordering::SeqCst), 0);
        handle.allow(1);
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        assert!(mock.poll_ready(&mut noop()).is_ready());
    }

    #[test]
    fn mock_send_error_fails_one_poll_ready_and_wakes() {
        let (mut mock, mut handle) = pair::<(), ()>();
        handle.allow(0);
        let (count, waker) = counting();
        assert!(
            mock.poll_ready(&mut Context::from_waker(&waker))
                .is_pending()
        );
        handle.send_error("dead");
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        match mock.poll_ready(&mut noop()) {
            Poll::Ready(Err(e)) => assert_eq!(e.to_string(), "dead"),
            other => panic!("expected an error, got {other:?}"),
        }
        assert!(mock.poll_ready(&mut noop()).is_pending());
    }

    #[test]
    fn mock_handle_dropped_fails_poll_ready() {
        let (mut mock, handle) = pair::<(), ()>();
        drop(handle);
        match mock.poll_ready(&mut noop()) {
            Poll::Ready(Err(e)) => assert!(e.is::<Closed>()),
            other => panic!("expected Closed, got {other:?}"),
        }
    }

    #[test]
    fn handle_requests_end_when_mocks_are_dropped() {
        let (mock, mut handle) = pair::<(), ()>();
        assert!(handle.poll_request(&mut noop()).is_pending());
        drop(mock);
        assert!(matches!(
            handle.poll_request(&mut noop()),
            Poll::Ready(None)
        ));
    }

    #[test]
    fn send_response_sees_cancellation() {
        let (mut mock, mut handle) = pair::<(), ()>();
        assert!(mock.poll_ready(&mut noop()).is_ready());
        let future = mock.call(());
        let (_, send) = handle.try_next_request().expect("request already sent");
        assert!(!send.is_canceled());
        drop(future);
        assert!(send.is_canceled());
    }
}
