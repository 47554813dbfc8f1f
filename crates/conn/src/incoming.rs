//! [`Incoming`]: the one body type for received messages, over HTTP/1 and HTTP/2.
//!
//! A service never learns which protocol delivered its request body: both drivers hand it an
//! `Incoming`. Inside, an HTTP/2 body reads straight from h2's `RecvStream` and gives
//! flow-control window back as the service consumes data, so a slow service slows the
//! peer down; an HTTP/1 body is a small bounded channel that the connection's dispatcher
//! fills as it parses, so a slow service stops the dispatcher reading the socket.
//!
//! ```text
//!  HTTP/2:  h2 RecvStream ──poll_data──► Incoming ──poll_frame──► service
//!                  ▲                         │
//!                  └──── release_capacity ◄──┘   (WINDOW_UPDATE to the peer)
//!
//!  HTTP/1:  dispatcher ──Sender::try_send_data──► [ bounded queue ] ──► Incoming ──► service
//!                  ▲                                    │
//!                  └──── poll_ready: room again ◄───────┘
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use http::HeaderMap;
use spire_body::{Body, Frame, SizeHint};

use crate::error::{Error, ErrorKind};
use crate::ping::Recorder;

/// The body of a received message: a request on the server side, a response on the client
/// side.
///
/// It implements [`spire_body::Body`] with `Bytes` data and [`Error`] as its error. When the
/// sender declared the length (`content-length`), [`size_hint`](Body::size_hint) is exact
/// and counts down as data is read. Trailers, when the peer sends them, come as the last
/// frame.
///
/// Dropping an `Incoming` before its end tells the connection that nobody will read the rest:
/// HTTP/2 resets the stream's receiving side once the response is done; HTTP/1 has to read and
/// discard the rest (or close the connection) before the next request.
///
/// # Examples
///
/// A service that reads the whole request body:
///
/// ```
/// use bytes::Bytes;
/// use spire_body::{BodyExt, Full};
/// use spire_conn::Incoming;
///
/// async fn echo(req: http::Request<Incoming>) -> Result<http::Response<Full<Bytes>>, spire_conn::Error> {
///     let body = req.into_body().collect().await?.to_bytes();
///     Ok(http::Response::new(Full::new(body)))
/// }
/// # let _ = echo;
/// ```
///
/// # Errors
///
/// [`poll_frame`](Body::poll_frame) yields an [`Error`] whose
/// [`is_body`](Error::is_body) is true when the stream was reset or the connection failed
/// before the body was complete.
pub struct Incoming {
    kind: Kind,
}

enum Kind {
    Empty,
    H2 {
        recv: h2::RecvStream,
        /// Data bytes still to come, when the peer declared a `content-length`.
        remaining: Option<u64>,
        /// Set once `poll_data` returned `None`; then only trailers may follow.
        data_done: bool,
        /// Feeds the connection's adaptive-window estimate.
        recorder: Recorder,
    },
    Chan {
        shared: Arc<Shared>,
        remaining: Option<u64>,
    },
}

impl Incoming {
    /// Returns a body with no data and no trailers.
    ///
    /// The drivers give it to requests that carry no body (an HTTP/2 HEADERS frame with
    /// `END_STREAM`, an HTTP/1 request without framing headers) and to CONNECT requests,
    /// whose bytes belong to the tunnel; it is also handy in tests.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_body::Body;
    /// use spire_conn::Incoming;
    ///
    /// let body = Incoming::empty();
    /// assert!(body.is_end_stream());
    /// assert_eq!(body.size_hint().exact(), Some(0));
    /// ```
    pub fn empty() -> Self {
        Self { kind: Kind::Empty }
    }

    /// Wraps an HTTP/2 stream's receiving side.
    pub(crate) fn h2(
        recv: h2::RecvStream,
        content_length: Option<u64>,
        recorder: Recorder,
    ) -> Self {
        if recv.is_end_stream() {
            return Self::empty();
        }
        Self {
            kind: Kind::H2 {
                recv,
                remaining: content_length,
                data_done: false,
                recorder,
            },
        }
    }

    /// Creates an HTTP/1 body fed through a bounded channel of `capacity` frames.
    ///
    /// `content_length` is the length the message head declared, if any; the dispatcher
    /// must send exactly that many bytes (spire-h1 checks the framing).
    pub(crate) fn channel(content_length: Option<u64>, capacity: usize) -> (Sender, Self) {
        let shared = Arc::new(Shared {
            state: Mutex::new(ChanState {
                queue: VecDeque::new(),
                capacity: capacity.max(1),
                error: None,
                sender_open: true,
                receiver_open: true,
                wanted: false,
                receiver_waker: None,
                sender_waker: None,
            }),
        });
        let sender = Sender {
            shared: Arc::clone(&shared),
        };
        let body = Self {
            kind: Kind::Chan {
                shared,
                remaining: content_length,
            },
        };
        (sender, body)
    }
}

impl Body for Incoming {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        match &mut self.kind {
            Kind::Empty => Poll::Ready(None),
            Kind::H2 {
                recv,
                remaining,
                data_done,
                recorder,
            } => poll_h2(recv, remaining, data_done, recorder, cx),
            Kind::Chan { shared, remaining } => {
                let polled = shared.poll_frame(cx);
                if let Poll::Ready(Some(Ok(frame))) = &polled
                    && let (Some(data), Some(left)) = (frame.data_ref(), remaining.as_mut())
                {
                    *left = left.saturating_sub(len_u64(data.len()));
                }
                polled
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Empty => true,
            Kind::H2 { recv, .. } => recv.is_end_stream(),
            Kind::Chan { shared, .. } => shared.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Empty => SizeHint::with_exact(0),
            Kind::H2 { remaining, .. } | Kind::Chan { remaining, .. } => {
                remaining.map_or_else(SizeHint::default, SizeHint::with_exact)
            }
        }
    }
}

fn poll_h2(
    recv: &mut h2::RecvStream,
    remaining: &mut Option<u64>,
    data_done: &mut bool,
    recorder: &Recorder,
    cx: &mut Context<'_>,
) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
    if !*data_done {
        match recv.poll_data(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Some(Ok(data))) => {
                let len = data.len();
                // The data now belongs to the reader: give the window back so the peer can
                // send more. An error here only means the stream is already gone.
                let _ = recv.flow_control().release_capacity(len);
                recorder.record_data(len);
                if let Some(left) = remaining.as_mut() {
                    *left = left.saturating_sub(len_u64(len));
                }
                return Poll::Ready(Some(Ok(Frame::data(data))));
            }
            Poll::Ready(Some(Err(err))) => {
                *data_done = true;
                return Poll::Ready(Some(Err(Error::new(ErrorKind::Body).with(err))));
            }
            Poll::Ready(None) => *data_done = true,
        }
    }
    match recv.poll_trailers(cx) {
        Poll::Pending => Poll::Pending,
        Poll::Ready(Ok(Some(trailers))) => Poll::Ready(Some(Ok(Frame::trailers(trailers)))),
        Poll::Ready(Ok(None)) => Poll::Ready(None),
        Poll::Ready(Err(err)) => Poll::Ready(Some(Err(Error::new(ErrorKind::Body).with(err)))),
    }
}

impl fmt::Debug for Incoming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.kind {
            Kind::Empty => "empty",
            Kind::H2 { .. } => "h2",
            Kind::Chan { .. } => "channel",
        };
        f.debug_struct("Incoming")
            .field("kind", &kind)
            .field("size_hint", &self.size_hint())
            .finish()
    }
}

/// Parses a message's `content-length`, if it has exactly one valid value.
pub(crate) fn content_length(headers: &HeaderMap) -> Option<u64> {
    let mut values = headers.get_all(http::header::CONTENT_LENGTH).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    let text = value.to_str().ok()?;
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn len_u64(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}

// ---------------------------------------------------------------------------------------
// The HTTP/1 channel: the dispatcher's side is `Sender`, the service's side is `Incoming`.

struct Shared {
    state: Mutex<ChanState>,
}

struct ChanState {
    queue: VecDeque<Frame<Bytes>>,
    capacity: usize,
    /// Set by `Sender::abort`; yielded before anything still queued.
    error: Option<Error>,
    sender_open: bool,
    receiver_open: bool,
    /// Set the first time the receiver asks for a frame (drives `100 Continue`).
    wanted: bool,
    receiver_waker: Option<Waker>,
    sender_waker: Option<Waker>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, ChanState> {
        // Nothing panics while the state is half-updated, so a poisoned lock is consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn poll_frame(&self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let mut state = self.lock();
        let first_want = !state.wanted;
        state.wanted = true;
        if let Some(err) = state.error.take() {
            state.sender_open = false;
            return Poll::Ready(Some(Err(err)));
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
        // The sender may be parked in `poll_want`, waiting for this first poll.
        let waker = if first_want {
            state.sender_waker.take()
        } else {
            None
        };
        drop(state);
        wake(waker);
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        let state = self.lock();
        !state.sender_open && state.queue.is_empty() && state.error.is_none()
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        if let Kind::Chan { shared, .. } = &self.kind {
            let mut state = shared.lock();
            state.receiver_open = false;
            let dropped = std::mem::take(&mut state.queue);
            let waker = state.sender_waker.take();
            drop(state);
            drop(dropped);
            wake(waker);
        }
    }
}

fn register(slot: &mut Option<Waker>, cx: &Context<'_>) {
    match slot {
        Some(waker) if waker.will_wake(cx.waker()) => {}
        _ => *slot = Some(cx.waker().clone()),
    }
}

fn wake(waker: Option<Waker>) {
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// The HTTP/1 dispatcher's end of an [`Incoming`] channel.
///
/// The dispatcher polls [`poll_ready`](Self::poll_ready) before parsing more body bytes off
/// the socket, so a service that reads slowly stops the connection reading: the queue never
/// holds more than its capacity in frames. Dropping the sender ends the body cleanly; the
/// dispatcher must only do so once spire-h1 reported the end of the message, and call
/// [`abort`](Self::abort) otherwise.
pub(crate) struct Sender {
    shared: Arc<Shared>,
}

impl Sender {
    /// Polls for room for one more frame; fails once the body has been dropped.
    pub(crate) fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        let mut state = self.shared.lock();
        if !state.receiver_open {
            return Poll::Ready(Err(Error::new(ErrorKind::Canceled)));
        }
        if state.queue.len() < state.capacity {
            return Poll::Ready(Ok(()));
        }
        register(&mut state.sender_waker, cx);
        Poll::Pending
    }

    /// Ready once the service has polled the body for the first time, or dropped it.
    ///
    /// A server that got `Expect: 100-continue` sends `100 Continue` only when this is
    /// ready, so a service that answers without reading never makes the client send its
    /// body.
    pub(crate) fn poll_want(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        let mut state = self.shared.lock();
        if !state.receiver_open {
            return Poll::Ready(Err(Error::new(ErrorKind::Canceled)));
        }
        if state.wanted {
            return Poll::Ready(Ok(()));
        }
        register(&mut state.sender_waker, cx);
        Poll::Pending
    }

    /// Queues a data frame; hands it back if the queue is full or the body was dropped.
    pub(crate) fn try_send_data(&mut self, data: Bytes) -> Result<(), Bytes> {
        self.try_send(Frame::data(data))
            .map_err(|frame| frame.into_data().unwrap_or_default())
    }

    /// Queues the trailers, which end the body; hands them back if there is no room.
    pub(crate) fn try_send_trailers(&mut self, trailers: HeaderMap) -> Result<(), HeaderMap> {
        self.try_send(Frame::trailers(trailers))
            .map_err(|frame| frame.into_trailers().unwrap_or_default())
    }

    fn try_send(&mut self, frame: Frame<Bytes>) -> Result<(), Frame<Bytes>> {
        let mut state = self.shared.lock();
        if !state.receiver_open || state.queue.len() >= state.capacity {
            return Err(frame);
        }
        state.queue.push_back(frame);
        let waker = state.receiver_waker.take();
        drop(state);
        wake(waker);
        Ok(())
    }

    /// Fails the body: the reader gets `error` next, before anything still queued.
    pub(crate) fn abort(self, error: Error) {
        let mut state = self.shared.lock();
        if state.receiver_open {
            state.error = Some(error);
            let dropped = std::mem::take(&mut state.queue);
            drop(state);
            drop(dropped);
        }
    }

    /// Returns `true` once the body has been dropped: nobody will read what is sent.
    pub(crate) fn is_closed(&self) -> bool {
        !self.shared.lock().receiver_open
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.sender_open = false;
        let waker = state.receiver_waker.take();
        drop(state);
        wake(waker);
    }
}

impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
