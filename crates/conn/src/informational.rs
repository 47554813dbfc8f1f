//! Informational (1xx) responses: a way for a service to send `103 Early Hints` and other
//! interim responses before its final response.
//!
//! The driver puts an [`InformationalSender`] into the extensions of every request it hands
//! to the service. The service takes a clone, sends interim heads through it while it works
//! on the final response, and the driver writes them out, in order, before the final head:
//!
//! ```text
//!  driver: request + InformationalSender ──► service
//!          ◄── send(103 Early Hints) ──────── (while computing the response)
//!  driver: write "HTTP/1.1 103 Early Hints"
//!          ◄── final response ─────────────── service
//!  driver: write the final head; later sends fail with is_closed()
//! ```
//!
//! The queue between the service and the driver is small and bounded: [`send`](InformationalSender::send)
//! waits for room, [`try_send`](InformationalSender::try_send) never waits. The type knows
//! nothing about the protocol: the HTTP/1 server writes each message as an interim head
//! (dropping it for an HTTP/1.0 client, which must not receive one, RFC 9110 section 15.2), and
//! an HTTP/2 driver can send them as interim HEADERS frames on the stream.

use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use http::StatusCode;

use crate::error::{Error, ErrorKind};

/// How many interim responses may wait for the driver at once.
const CAPACITY: usize = 8;

/// Sends informational (1xx) responses ahead of the final response of one request.
///
/// Every request a spire server driver hands to a service carries one in its extensions
/// (`req.extensions().get::<InformationalSender>()`). Clones share one queue. Only `1xx`
/// statuses other than `101 Switching Protocols` are accepted (a protocol switch is a final
/// response, see [`upgrade`](crate::upgrade)); once the final response head has been sent, or
/// the connection has ended, sending fails.
///
/// # Examples
///
/// ```
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use spire_body::Full;
/// use spire_conn::Incoming;
/// use spire_conn::informational::InformationalSender;
///
/// async fn handle(req: http::Request<Incoming>) -> Result<http::Response<Full<Bytes>>, Infallible> {
///     if let Some(hints) = req.extensions().get::<InformationalSender>() {
///         let early = http::Response::builder()
///             .status(103)
///             .header("link", "</style.css>; rel=preload; as=style")
///             .body(())
///             .unwrap();
///         // A hint is optional: if it cannot be sent, answer anyway.
///         let _ = hints.send(early).await;
///     }
///     Ok(http::Response::new(Full::new(Bytes::from_static(b"<html>...</html>"))))
/// }
/// # let _ = handle;
/// ```
#[derive(Clone)]
pub struct InformationalSender {
    shared: Arc<Shared>,
}

/// Why [`InformationalSender::try_send`] did not queue a response; it hands the response back.
///
/// # Examples
///
/// ```
/// use spire_conn::informational::InformationalSender;
///
/// let sender = InformationalSender::detached();
/// let err = sender.try_send(http::Response::builder().status(103).body(()).unwrap()).unwrap_err();
/// assert!(err.is_closed());
/// assert_eq!(err.into_response().status(), 103);
/// ```
pub struct TrySendError {
    response: http::Response<()>,
    reason: Reason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    Full,
    Closed,
    NotInformational,
}

struct Shared {
    state: Mutex<State>,
}

struct State {
    queue: VecDeque<http::Response<()>>,
    closed: bool,
    /// The driver, parked until a response is queued.
    receiver: Option<Waker>,
    /// Senders parked until the queue has room.
    senders: Vec<Waker>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // No code panics while holding the lock half-way through an update.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl InformationalSender {
    /// A sender that is not attached to any connection: every send fails as closed.
    ///
    /// Useful to call code that takes a sender in tests, or for a request built by hand.
    ///
    /// # Examples
    ///
    /// ```
    /// let sender = spire_conn::informational::InformationalSender::detached();
    /// assert!(sender.is_closed());
    /// ```
    pub fn detached() -> Self {
        let (sender, receiver) = channel();
        drop(receiver);
        sender
    }

    /// Queues `response`, waiting while the queue is full.
    ///
    /// Only the status and headers are sent; extensions and the version are ignored.
    ///
    /// # Errors
    ///
    /// An [`Error`] whose [`is_user`](Error::is_user) is true if the status is not `1xx` or is
    /// `101`, and whose [`is_closed`](Error::is_closed) is true once the final response has
    /// been sent or the connection has ended.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let sender = spire_conn::informational::InformationalSender::detached();
    /// let hint = http::Response::builder().status(103).body(()).unwrap();
    /// assert!(sender.send(hint).await.unwrap_err().is_closed());
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping the future before it completes drops the response without sending it.
    pub async fn send(&self, response: http::Response<()>) -> Result<(), Error> {
        let mut response = Some(response);
        poll_fn(|cx| {
            let Some(pending) = response.take() else {
                return Poll::Ready(Ok(()));
            };
            match self.queue(pending, Some(cx)) {
                Ok(()) => Poll::Ready(Ok(())),
                Err(err) => match err.reason {
                    Reason::Full => {
                        response = Some(err.response);
                        Poll::Pending
                    }
                    Reason::Closed => Poll::Ready(Err(Error::new(ErrorKind::Closed))),
                    Reason::NotInformational => Poll::Ready(Err(Error::new(ErrorKind::UserHead))),
                },
            }
        })
        .await
    }

    /// Queues `response` if there is room, without waiting.
    ///
    /// # Errors
    ///
    /// A [`TrySendError`] holding the response when the queue is full, the exchange is over,
    /// or the status is not an interim one.
    ///
    /// # Examples
    ///
    /// ```
    /// let sender = spire_conn::informational::InformationalSender::detached();
    /// let hint = http::Response::builder().status(200).body(()).unwrap();
    /// assert!(sender.try_send(hint).unwrap_err().is_not_informational());
    /// ```
    pub fn try_send(&self, response: http::Response<()>) -> Result<(), TrySendError> {
        self.queue(response, None)
    }

    /// Returns `true` once nothing more can be sent: the final response went out or the
    /// connection ended.
    ///
    /// # Examples
    ///
    /// ```
    /// let sender = spire_conn::informational::InformationalSender::detached();
    /// assert!(sender.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.lock().closed
    }

    fn queue(
        &self,
        response: http::Response<()>,
        cx: Option<&mut Context<'_>>,
    ) -> Result<(), TrySendError> {
        let status = response.status();
        if !status.is_informational() || status == StatusCode::SWITCHING_PROTOCOLS {
            return Err(TrySendError {
                response,
                reason: Reason::NotInformational,
            });
        }
        let mut state = self.shared.lock();
        if state.closed {
            return Err(TrySendError {
                response,
                reason: Reason::Closed,
            });
        }
        if state.queue.len() >= CAPACITY {
            if let Some(cx) = cx
                && !state.senders.iter().any(|w| w.will_wake(cx.waker()))
            {
                state.senders.push(cx.waker().clone());
            }
            return Err(TrySendError {
                response,
                reason: Reason::Full,
            });
        }
        state.queue.push_back(response);
        let waker = state.receiver.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }
}

impl fmt::Debug for InformationalSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InformationalSender")
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

impl TrySendError {
    /// Returns `true` if the queue was full; [`send`](InformationalSender::send) would wait.
    pub fn is_full(&self) -> bool {
        self.reason == Reason::Full
    }

    /// Returns `true` if the final response was already sent or the connection ended.
    pub fn is_closed(&self) -> bool {
        self.reason == Reason::Closed
    }

    /// Returns `true` if the status was not `1xx`, or was `101 Switching Protocols`.
    pub fn is_not_informational(&self) -> bool {
        self.reason == Reason::NotInformational
    }

    /// Returns the response that was not sent.
    pub fn into_response(self) -> http::Response<()> {
        self.response
    }
}

impl fmt::Debug for TrySendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrySendError")
            .field("reason", &self.reason)
            .field("status", &self.response.status())
            .finish()
    }
}

impl fmt::Display for TrySendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.reason {
            Reason::Full => "informational response queue is full",
            Reason::Closed => "final response already sent",
            Reason::NotInformational => "status is not an informational one",
        })
    }
}

impl std::error::Error for TrySendError {}

/// The driver's end: interim responses to write before the final head.
pub(crate) struct Receiver {
    shared: Arc<Shared>,
}

/// Creates the sender for a request's extensions and the driver's receiver.
pub(crate) fn channel() -> (InformationalSender, Receiver) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            queue: VecDeque::new(),
            closed: false,
            receiver: None,
            senders: Vec::new(),
        }),
    });
    let sender = InformationalSender {
        shared: Arc::clone(&shared),
    };
    (sender, Receiver { shared })
}

impl Receiver {
    /// Takes the next queued response; `Pending` (with the waker kept) when there is none.
    pub(crate) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<http::Response<()>> {
        let mut state = self.shared.lock();
        match state.queue.pop_front() {
            Some(response) => {
                let senders = std::mem::take(&mut state.senders);
                drop(state);
                senders.into_iter().for_each(Waker::wake);
                Poll::Ready(response)
            }
            None => {
                match &state.receiver {
                    Some(waker) if waker.will_wake(cx.waker()) => {}
                    _ => state.receiver = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
        }
    }

    /// The final response is going out: later sends fail, and queued ones are dropped.
    pub(crate) fn close(&mut self) {
        let mut state = self.shared.lock();
        state.closed = true;
        let queued = std::mem::take(&mut state.queue);
        let senders = std::mem::take(&mut state.senders);
        drop(state);
        drop(queued);
        senders.into_iter().for_each(Waker::wake);
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.close();
    }
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use super::*;

    fn hint(status: u16) -> http::Response<()> {
        http::Response::builder().status(status).body(()).unwrap()
    }

    #[test]
    fn queued_hints_come_out_in_order() {
        let (sender, mut receiver) = channel();
        sender.try_send(hint(103)).unwrap();
        sender.try_send(hint(102)).unwrap();
        let mut cx = Context::from_waker(Waker::noop());
        assert!(matches!(receiver.poll_recv(&mut cx), Poll::Ready(r) if r.status() == 103));
        assert!(matches!(receiver.poll_recv(&mut cx), Poll::Ready(r) if r.status() == 102));
        assert!(receiver.poll_recv(&mut cx).is_pending());
    }

    #[test]
    fn queue_is_bounded() {
        let (sender, _receiver) = channel();
        for _ in 0..CAPACITY {
            sender.try_send(hint(103)).unwrap();
        }
        assert!(sender.try_send(hint(103)).unwrap_err().is_full());
    }

    #[test]
    fn final_and_switching_statuses_are_refused() {
        let (sender, _receiver) = channel();
        assert!(
            sender
                .try_send(hint(200))
                .unwrap_err()
                .is_not_informational()
        );
        assert!(
            sender
                .try_send(hint(101))
                .unwrap_err()
                .is_not_informational()
        );
    }

    #[tokio::test]
    async fn send_after_close_fails_as_closed() {
        let (sender, mut receiver) = channel();
        sender.try_send(hint(103)).unwrap();
        receiver.close();
        assert!(sender.is_closed());
        let err = sender.send(hint(103)).await.unwrap_err();
        assert!(err.is_closed());
        let mut cx = Context::from_waker(Waker::noop());
        assert!(receiver.poll_recv(&mut cx).is_pending());
    }

    #[tokio::test]
    async fn send_waits_for_room() {
        let (sender, mut receiver) = channel();
        for _ in 0..CAPACITY {
            sender.try_send(hint(103)).unwrap();
        }
        let waiting = tokio::spawn({
            let sender = sender.clone();
            async move { sender.send(hint(102)).await }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        let mut cx = Context::from_waker(Waker::noop());
        assert!(receiver.poll_recv(&mut cx).is_ready());
        waiting.await.unwrap().unwrap();
    }
}
