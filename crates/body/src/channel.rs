//! [`channel()`]: a bounded channel whose receiving side, [`Channel`], is a body.
//!
//! A producer task holds the [`Sender`] and pushes data into it; the [`Channel`] goes into a
//! request or response and is streamed out by whoever polls it. The buffer holds at most
//! `capacity` frames, so a producer that is faster than the network waits in
//! [`Sender::send_data`] (or [`Sender::ready`]) until the consumer has taken a frame. That is
//! backpressure: memory use is bounded by the capacity, whatever the speeds.
//!
//! ```text
//!  producer ──send_data──► [ frame | frame | … capacity ] ──poll_frame──► consumer
//!           ◄──waits while full──────────────── wakes on each frame taken ─┘
//! ```
//!
//! The channel is written with a `Mutex` and two waker slots, one per side, so it works on any
//! executor. Every check of the buffer and every waker registration happen under the same
//! lock, so a wakeup cannot slip between a side looking at the state and going to sleep.

use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use bytes::Buf;
use http::HeaderMap;

use crate::{Body, Frame};

mod error;

pub use self::error::{Closed, SendError, TrySendError};

/// The most slots the buffer reserves up front; beyond this it grows as it fills.
const INITIAL_SLOTS: usize = 16;

/// Creates a bounded channel for a body: a [`Sender`] and the [`Channel`] body it feeds.
///
/// `capacity` is the number of frames the buffer holds before [`Sender::send_data`] waits.
/// The receiving side yields the frames in the order they were sent; it ends when the sender
/// is dropped (after [`send_trailers`](Sender::send_trailers), or without it), and fails with
/// the error given to [`abort`](Sender::abort).
///
/// There is one sender; it is not `Clone`. With one producer, a `Ready` from
/// [`poll_ready`](Sender::poll_ready) stays true until that producer sends, so readiness works
/// as a reservation: [`try_send_data`](Sender::try_send_data) right after it cannot find the
/// buffer full.
///
/// # Panics
///
/// Panics if `capacity` is zero: a channel that can hold nothing could never deliver a frame.
///
/// # Examples
///
/// ```
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use http::HeaderMap;
/// use spire_body::{BodyExt, channel};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mut tx, body) = channel::<Bytes, Infallible>(4);
///
/// tokio::spawn(async move {
///     tx.send_data(Bytes::from_static(b"hello ")).await.unwrap();
///     tx.send_data(Bytes::from_static(b"world")).await.unwrap();
///     let mut trailers = HeaderMap::new();
///     trailers.insert("x-checksum", "42".parse().unwrap());
///     tx.send_trailers(trailers).await.unwrap();
/// });
///
/// let collected = body.collect().await.unwrap();
/// assert_eq!(collected.trailers().unwrap()["x-checksum"], "42");
/// assert_eq!(collected.to_bytes(), "hello world");
/// # }
/// ```
pub fn channel<D, E>(capacity: usize) -> (Sender<D, E>, Channel<D, E>) {
    assert!(
        capacity > 0,
        "a body channel needs a capacity of at least 1"
    );
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            queue: VecDeque::with_capacity(capacity.min(INITIAL_SLOTS)),
            capacity,
            error: None,
            sender_open: true,
            receiver_open: true,
            receiver_waker: None,
            sender_waker: None,
        }),
    });
    let sender = Sender {
        shared: Arc::clone(&shared),
    };
    (sender, Channel { shared })
}

struct Shared<D, E> {
    state: Mutex<State<D, E>>,
}

struct State<D, E> {
    queue: VecDeque<Frame<D>>,
    capacity: usize,
    /// Set by `Sender::abort`; the receiver yields it before anything still buffered.
    error: Option<E>,
    /// False once the sender is dropped (which `send_trailers` and `abort` do).
    sender_open: bool,
    /// False once the receiver is dropped; sends then fail.
    receiver_open: bool,
    /// The receiver's task, parked because the buffer was empty.
    receiver_waker: Option<Waker>,
    /// The sender's task, parked because the buffer was full.
    sender_waker: Option<Waker>,
}

impl<D, E> Shared<D, E> {
    fn lock(&self) -> MutexGuard<'_, State<D, E>> {
        // No code panics while holding the lock with the state half-updated, so a poisoned
        // lock still guards a consistent state.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Stores the waker of `cx` in `slot` unless the one there already wakes the same task.
fn register(slot: &mut Option<Waker>, cx: &Context<'_>) {
    match slot {
        Some(waker) if waker.will_wake(cx.waker()) => {}
        _ => *slot = Some(cx.waker().clone()),
    }
}

/// Wakes a waker taken out of the state, after the lock has been released.
fn wake(waker: Option<Waker>) {
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// The sending half of a body [`channel()`].
///
/// Send data with [`send_data`](Self::send_data) (waits for room) or
/// [`try_send_data`](Self::try_send_data) (never waits), finish with
/// [`send_trailers`](Self::send_trailers) or by dropping the sender, or fail the body with
/// [`abort`](Self::abort).
///
/// # Examples
///
/// ```
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use spire_body::channel;
///
/// let (mut tx, body) = channel::<Bytes, Infallible>(1);
/// tx.try_send_data(Bytes::from_static(b"one")).unwrap();
/// // The buffer holds one frame: the second send is refused, and the data handed back.
/// let refused = tx.try_send_data(Bytes::from_static(b"two")).unwrap_err();
/// assert!(refused.is_full());
/// assert_eq!(refused.into_inner(), "two");
///
/// drop(body);
/// assert!(tx.is_closed());
/// ```
pub struct Sender<D, E> {
    shared: Arc<Shared<D, E>>,
}

impl<D, E> Sender<D, E> {
    /// Polls for room in the buffer.
    ///
    /// Returns `Ready(Ok(()))` when the next [`try_send_data`](Self::try_send_data) will be
    /// accepted, and `Pending` (waking the task when the consumer takes a frame) while the
    /// buffer is full. Because there is only one sender, the room stays there until this
    /// sender uses it.
    ///
    /// # Errors
    ///
    /// Returns [`Closed`] once the receiving [`Channel`] has been dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    /// use std::task::{Context, Waker};
    ///
    /// use bytes::Bytes;
    /// use spire_body::channel;
    ///
    /// let (mut tx, _body) = channel::<Bytes, Infallible>(1);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(tx.poll_ready(&mut cx).is_ready());
    /// tx.try_send_data(Bytes::from_static(b"x")).unwrap();
    /// assert!(tx.poll_ready(&mut cx).is_pending());
    /// ```
    pub fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Closed>> {
        let mut state = self.shared.lock();
        if !state.receiver_open {
            return Poll::Ready(Err(Closed::new()));
        }
        if state.queue.len() < state.capacity {
            return Poll::Ready(Ok(()));
        }
        register(&mut state.sender_waker, cx);
        Poll::Pending
    }

    /// Waits for room in the buffer.
    ///
    /// The `async` form of [`poll_ready`](Self::poll_ready): once it returns `Ok`, the next
    /// [`try_send_data`](Self::try_send_data) is accepted. Use it to hold on to data until it
    /// can really be sent.
    ///
    /// # Errors
    ///
    /// Returns [`Closed`] once the receiving [`Channel`] has been dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: it sends nothing, so dropping the future loses nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use spire_body::channel;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (mut tx, _body) = channel::<Bytes, Infallible>(8);
    /// tx.ready().await.unwrap();
    /// tx.try_send_data(Bytes::from_static(b"guaranteed room")).unwrap();
    /// # }
    /// ```
    pub async fn ready(&mut self) -> Result<(), Closed> {
        poll_fn(|cx| self.poll_ready(cx)).await
    }

    /// Sends a data frame, waiting while the buffer is full.
    ///
    /// # Errors
    ///
    /// Returns a [`SendError`] holding `data` if the receiving [`Channel`] has been dropped,
    /// before or while waiting.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: if the future is dropped before it completes, `data` has not been
    /// sent and is dropped with it. To keep the data when a send is cancelled, wait with
    /// [`ready`](Self::ready) (cancel safe) and then call [`try_send_data`](Self::try_send_data).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use spire_body::channel;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (mut tx, body) = channel::<Bytes, Infallible>(1);
    /// tx.send_data(Bytes::from_static(b"a")).await.unwrap();
    /// drop(body);
    /// let err = tx.send_data(Bytes::from_static(b"b")).await.unwrap_err();
    /// assert_eq!(err.into_inner(), "b");
    /// # }
    /// ```
    pub async fn send_data(&mut self, data: D) -> Result<(), SendError<D>> {
        self.send_value(data, Frame::data).await
    }

    /// Sends the trailers and closes the channel, waiting while the buffer is full.
    ///
    /// Trailers are the last frame of a body, so this consumes the sender: nothing can be
    /// sent after them. The consumer sees the data sent before, then the trailers, then the
    /// end of the body.
    ///
    /// # Errors
    ///
    /// Returns a [`SendError`] holding `trailers` if the receiving [`Channel`] has been
    /// dropped, before or while waiting.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: if the future is dropped before it completes, the trailers are not
    /// sent, the sender is dropped, and the body ends without trailers.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use http::HeaderMap;
    /// use spire_body::{BodyExt, channel};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut body) = channel::<Bytes, Infallible>(1);
    /// let mut trailers = HeaderMap::new();
    /// trailers.insert("grpc-status", "0".parse().unwrap());
    /// tx.send_trailers(trailers).await.unwrap();
    ///
    /// let frame = body.frame().await.unwrap().unwrap();
    /// assert_eq!(frame.into_trailers().unwrap()["grpc-status"], "0");
    /// assert!(body.frame().await.is_none());
    /// # }
    /// ```
    pub async fn send_trailers(mut self, trailers: HeaderMap) -> Result<(), SendError<HeaderMap>> {
        // `self` is dropped on return, which closes the channel right after the trailers.
        self.send_value(trailers, Frame::trailers).await
    }

    /// Sends a data frame if there is room, without waiting.
    ///
    /// # Errors
    ///
    /// Returns [`TrySendError::Full`] when the buffer is full and [`TrySendError::Closed`]
    /// when the receiving [`Channel`] has been dropped; both hand `data` back.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use spire_body::channel;
    ///
    /// let (mut tx, body) = channel::<Bytes, Infallible>(2);
    /// tx.try_send_data(Bytes::from_static(b"x")).unwrap();
    /// drop(body);
    /// assert!(tx.try_send_data(Bytes::from_static(b"y")).unwrap_err().is_closed());
    /// ```
    pub fn try_send_data(&mut self, data: D) -> Result<(), TrySendError<D>> {
        let mut state = self.shared.lock();
        if !state.receiver_open {
            return Err(TrySendError::Closed(data));
        }
        if state.queue.len() >= state.capacity {
            return Err(TrySendError::Full(data));
        }
        state.queue.push_back(Frame::data(data));
        let waker = state.receiver_waker.take();
        drop(state);
        wake(waker);
        Ok(())
    }

    /// Fails the body with `error`.
    ///
    /// The receiving [`Channel`] yields `Err(error)` on its next poll, ahead of any frames
    /// still buffered (they are dropped: a body that failed is incomplete anyway), and ends
    /// after it. If the receiver is already gone, the error is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{BodyExt, channel};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (mut tx, body) = channel::<Bytes, &'static str>(4);
    /// tx.send_data(Bytes::from_static(b"partial")).await.unwrap();
    /// tx.abort("upstream reset");
    /// assert_eq!(body.collect().await.unwrap_err(), "upstream reset");
    /// # }
    /// ```
    pub fn abort(self, error: E) {
        let mut state = self.shared.lock();
        if state.receiver_open {
            state.error = Some(error);
            let dropped = std::mem::take(&mut state.queue);
            drop(state);
            drop(dropped);
        }
        // Dropping `self` marks the sender closed and wakes the receiver.
    }

    /// Returns `true` once the receiving [`Channel`] has been dropped: nothing more can be sent.
    pub fn is_closed(&self) -> bool {
        !self.shared.lock().receiver_open
    }

    /// Pushes `value` as a frame, waiting for room; hands it back if the receiver is gone.
    async fn send_value<T>(
        &mut self,
        value: T,
        into_frame: fn(T) -> Frame<D>,
    ) -> Result<(), SendError<T>> {
        let mut slot = Some(value);
        poll_fn(|cx| {
            let mut state = self.shared.lock();
            if state.receiver_open && state.queue.len() >= state.capacity {
                register(&mut state.sender_waker, cx);
                return Poll::Pending;
            }
            // `slot` is only empty if this future is polled after it completed, which an
            // `async fn` never does.
            let Some(value) = slot.take() else {
                return Poll::Ready(Ok(()));
            };
            if !state.receiver_open {
                return Poll::Ready(Err(SendError::new(value)));
            }
            state.queue.push_back(into_frame(value));
            let waker = state.receiver_waker.take();
            drop(state);
            wake(waker);
            Poll::Ready(Ok(()))
        })
        .await
    }
}

impl<D, E> Drop for Sender<D, E> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.sender_open = false;
        let waker = state.receiver_waker.take();
        drop(state);
        wake(waker);
    }
}

impl<D, E> fmt::Debug for Sender<D, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

/// The receiving half of a body [`channel()`]: a [`Body`] of whatever the [`Sender`] sends.
///
/// It yields the frames in the order they were sent. It ends when the sender is dropped and
/// everything buffered has been yielded, and fails with the error passed to
/// [`Sender::abort`]. Dropping it closes the channel: the sender's next send fails and the
/// buffered frames are dropped. Its size hint is the default (the producer decides the size
/// as it goes), so HTTP/1 streams it with chunked coding unless a `Content-Length` is set.
///
/// # Examples
///
/// ```
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use spire_body::{BodyExt, Channel};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mut tx, body) = Channel::<Bytes, Infallible>::new(2);
/// tx.send_data(Bytes::from_static(b"only frame")).await.unwrap();
/// drop(tx); // no trailers: the body just ends
/// let collected = body.collect().await.unwrap();
/// assert!(collected.trailers().is_none());
/// assert_eq!(collected.to_bytes(), "only frame");
/// # }
/// ```
pub struct Channel<D, E> {
    shared: Arc<Shared<D, E>>,
}

impl<D, E> Channel<D, E> {
    /// Creates a bounded channel; the same as [`channel()`].
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use spire_body::Channel;
    ///
    /// let (_tx, _body) = Channel::<Bytes, Infallible>::new(16);
    /// ```
    pub fn new(capacity: usize) -> (Sender<D, E>, Self) {
        channel(capacity)
    }
}

impl<D: Buf, E> Body for Channel<D, E> {
    type Data = D;
    type Error = E;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<D>, E>>> {
        let mut state = self.shared.lock();
        if let Some(error) = state.error.take() {
            return Poll::Ready(Some(Err(error)));
        }
        if let Some(frame) = state.queue.pop_front() {
            let waker = state.sender_waker.take();
            drop(state);
            wake(waker);
            return Poll::Ready(Some(Ok(frame)));
        }
        if !state.sender_open {
            return Poll::Ready(None);
        }
        register(&mut state.receiver_waker, cx);
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        let state = self.shared.lock();
        !state.sender_open && state.queue.is_empty() && state.error.is_none()
    }
}

impl<D, E> Drop for Channel<D, E> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.receiver_open = false;
        let dropped = std::mem::take(&mut state.queue);
        let error = state.error.take();
        let waker = state.sender_waker.take();
        drop(state);
        // User data and errors are dropped outside the lock: their destructors may do anything.
        drop(dropped);
        drop(error);
        wake(waker);
    }
}

impl<D, E> fmt::Debug for Channel<D, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.debug_struct("Channel")
            .field("buffered", &state.queue.len())
            .field("capacity", &state.capacity)
            .field("sender_open", &state.sender_open)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
