//! [`ReplayBody`].

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use http::HeaderMap;
use spire_body::{Body, Frame, SizeHint};
use spire_service::BoxError;

use super::CannotReplay;
use crate::sync::lock;

/// The default cap on the bytes a [`ReplayBody`] records: 64 KiB.
///
/// Large enough for the JSON or form bodies that are usually retried, small enough that
/// a client with many requests in flight does not hold much memory for them.
pub const DEFAULT_CAP: usize = 64 * 1024;

/// A request body that records what it yields, so that a copy can send it again.
///
/// See [the module docs](super) for the rules: the cap, and which copy reads when
/// several are polled.
///
/// The data frames come out as [`Bytes`] whatever the original body's buffer type is
/// (`Bytes` itself is passed through without copying). The trailers are recorded too and
/// do not count toward the cap. [`size_hint`](Body::size_hint) and
/// [`is_end_stream`](Body::is_end_stream) are exact for the copy reading and for copies
/// that have not started: the recorded bytes the copy has still to replay plus what the
/// original body reports. For a copy whose next poll is a [`CannotReplay`] error they
/// are the defaults (any size, not ended).
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use spire_body::{Body, BodyExt, Full};
/// use spire_middleware::http::replay::ReplayBody;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let body = ReplayBody::new(Full::new(Bytes::from("ping")));
/// let again = body.try_clone().unwrap();
/// assert_eq!(body.collect().await.unwrap().to_bytes(), "ping");
/// assert_eq!(again.size_hint().exact(), Some(4));
/// assert_eq!(again.collect().await.unwrap().to_bytes(), "ping");
/// # }
/// ```
pub struct ReplayBody<B> {
    shared: Arc<Mutex<Shared<B>>>,
    /// Tells this copy apart from the others in [`Shared::reader`].
    id: u64,
    /// This copy has started reading (so it is, or was, the reader).
    started: bool,
}

/// What the copies share: the original body and the recording.
///
/// It stays consistent if the inner body panics in `poll_frame` (every update is made
/// after the inner poll returns), so a poisoned lock is taken anyway.
struct Shared<B> {
    /// `None` for [`ReplayBody::empty`].
    body: Option<Pin<Box<B>>>,
    cap: usize,
    /// The data frames read from the original body so far (empty once over the cap).
    recorded: Vec<Bytes>,
    recorded_len: usize,
    /// The trailers read from the original body, if it had any.
    trailers: Option<HeaderMap>,
    /// The original body has returned `None`.
    body_done: bool,
    /// The original body has returned an error.
    body_failed: bool,
    /// The recording outgrew `cap` and was dropped.
    over_cap: bool,
    /// The copy that reads now, and how far it has got.
    reader: Option<u64>,
    position: Position,
    next_id: u64,
}

/// How far the reading copy has got through the recording.
#[derive(Clone, Copy, Default)]
struct Position {
    /// Recorded data frames yielded.
    frames: usize,
    /// Recorded bytes yielded.
    bytes: usize,
    /// The trailers (recorded or read) have been yielded.
    trailers: bool,
}

impl<B> ReplayBody<B> {
    /// Wraps `body`, recording up to [`DEFAULT_CAP`] bytes.
    ///
    /// # Examples
    ///
    /// See [`ReplayBody`].
    pub fn new(body: B) -> Self {
        Self::with_cap(body, DEFAULT_CAP)
    }

    /// Wraps `body`, recording up to `cap` bytes; a body longer than that streams once
    /// and cannot be replayed.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::Full;
    /// use spire_middleware::http::replay::ReplayBody;
    ///
    /// let body = ReplayBody::with_cap(Full::new(Bytes::from("ping")), 1024);
    /// assert_eq!(body.cap(), 1024);
    /// ```
    pub fn with_cap(body: B, cap: usize) -> Self {
        Self::from_shared(Shared::new(Some(Box::pin(body)), cap))
    }

    /// An empty body (no frames, no trailers), which can be replayed any number of times.
    ///
    /// Redirects use it when a 303 turns a request into a GET without a body.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{Body, Full};
    /// use spire_middleware::http::replay::ReplayBody;
    ///
    /// let body = ReplayBody::<Full<Bytes>>::empty();
    /// assert!(body.is_end_stream());
    /// assert_eq!(body.size_hint().exact(), Some(0));
    /// ```
    pub fn empty() -> Self {
        let mut shared = Shared::new(None, 0);
        shared.body_done = true;
        Self::from_shared(shared)
    }

    fn from_shared(shared: Shared<B>) -> Self {
        Self {
            shared: Arc::new(Mutex::new(shared)),
            id: 0,
            started: false,
        }
    }

    /// The most bytes this body records.
    pub fn cap(&self) -> usize {
        lock(&self.shared).cap
    }

    /// Whether a copy of the body can still be sent: the recording is within its cap and
    /// the original body has not failed.
    ///
    /// This is shared by all the copies, so a policy can look at the copy it kept while
    /// another one was being sent.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{BodyExt, Full};
    /// use spire_middleware::http::replay::ReplayBody;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let body = ReplayBody::with_cap(Full::new(Bytes::from("five!")), 4);
    /// let kept = body.try_clone().unwrap();
    /// assert!(kept.is_replayable());
    /// body.collect().await.unwrap();
    /// assert!(!kept.is_replayable());
    /// assert!(kept.try_clone().is_none());
    /// # }
    /// ```
    pub fn is_replayable(&self) -> bool {
        let shared = lock(&self.shared);
        !shared.over_cap && !shared.body_failed
    }

    /// A new copy of the body, which yields it from the start; `None` if it is no longer
    /// replayable (see [`is_replayable`](Self::is_replayable)).
    ///
    /// The copy does nothing until it is polled; its first poll takes the original body
    /// over from the copy reading it (see [the module docs](super)).
    ///
    /// # Examples
    ///
    /// See [`ReplayBody`].
    #[must_use]
    pub fn try_clone(&self) -> Option<Self> {
        let mut shared = lock(&self.shared);
        if shared.over_cap || shared.body_failed {
            return None;
        }
        shared.next_id += 1;
        Some(Self {
            shared: Arc::clone(&self.shared),
            id: shared.next_id,
            started: false,
        })
    }
}

impl<B> Shared<B> {
    fn new(body: Option<Pin<Box<B>>>, cap: usize) -> Self {
        Self {
            body,
            cap,
            recorded: Vec::new(),
            recorded_len: 0,
            trailers: None,
            body_done: false,
            body_failed: false,
            over_cap: false,
            reader: None,
            position: Position::default(),
            next_id: 0,
        }
    }

    /// Records a data frame the reader is about to yield, or drops the recording if it
    /// outgrows the cap.
    fn record_data(&mut self, data: &Bytes) {
        if self.over_cap {
            return;
        }
        if self.recorded_len.saturating_add(data.len()) > self.cap {
            self.over_cap = true;
            self.recorded = Vec::new();
            self.recorded_len = 0;
            self.trailers = None;
            // The reader goes on from the original body, with nothing left to replay.
            self.position.frames = 0;
            self.position.bytes = 0;
            return;
        }
        self.recorded.push(data.clone());
        self.recorded_len += data.len();
        self.position.frames += 1;
        self.position.bytes += data.len();
    }
}

/// How a copy stands with respect to the shared body.
enum Role {
    /// It reads now.
    Reader,
    /// It has not started: it would read from the start.
    Fresh,
    /// It read, and another copy took over.
    Superseded,
}

impl<B> ReplayBody<B> {
    fn role(&self, shared: &Shared<B>) -> Role {
        if shared.reader == Some(self.id) {
            Role::Reader
        } else if self.started {
            Role::Superseded
        } else {
            Role::Fresh
        }
    }
}

impl<B> Body for ReplayBody<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        let mut guard = lock(&this.shared);
        let shared = &mut *guard;
        match this.role(shared) {
            Role::Reader => {}
            Role::Superseded => return Poll::Ready(Some(Err(CannotReplay::superseded().into()))),
            Role::Fresh => {
                // Over the cap, the bytes read so far are gone: this copy cannot start.
                if shared.over_cap {
                    return Poll::Ready(Some(Err(CannotReplay::over_cap().into())));
                }
                this.started = true;
                shared.reader = Some(this.id);
                shared.position = Position::default();
            }
        }

        // First what earlier copies recorded, then the original body.
        if let Some(data) = shared.recorded.get(shared.position.frames) {
            let data = data.clone();
            shared.position.frames += 1;
            shared.position.bytes += data.len();
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        if let (false, Some(trailers)) = (shared.position.trailers, &shared.trailers) {
            shared.position.trailers = true;
            return Poll::Ready(Some(Ok(Frame::trailers(trailers.clone()))));
        }
        if shared.body_done {
            return Poll::Ready(None);
        }
        if shared.body_failed {
            return Poll::Ready(Some(Err(CannotReplay::failed().into())));
        }
        let Some(body) = shared.body.as_mut() else {
            shared.body_done = true;
            return Poll::Ready(None);
        };
        match body.as_mut().poll_frame(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => {
                shared.body_done = true;
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(err))) => {
                shared.body_failed = true;
                Poll::Ready(Some(Err(err.into())))
            }
            Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                Ok(mut data) => {
                    let data = data.copy_to_bytes(data.remaining());
                    shared.record_data(&data);
                    Poll::Ready(Some(Ok(Frame::data(data))))
                }
                Err(frame) => {
                    let trailers = frame
                        .into_trailers()
                        .unwrap_or_else(|_| unreachable!("a frame is data or trailers"));
                    shared.position.trailers = true;
                    if !shared.over_cap {
                        shared.trailers = Some(trailers.clone());
                    }
                    Poll::Ready(Some(Ok(Frame::trailers(trailers))))
                }
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        let shared = lock(&self.shared);
        let position = match self.role(&shared) {
            Role::Reader => shared.position,
            Role::Fresh if !shared.over_cap => Position::default(),
            // The next poll is an error, not the end.
            Role::Fresh | Role::Superseded => return false,
        };
        let replayed_all = position.frames >= shared.recorded.len()
            && (position.trailers || shared.trailers.is_none());
        replayed_all
            && (shared.body_done
                || (!shared.body_failed
                    && shared
                        .body
                        .as_ref()
                        .is_some_and(|body| body.is_end_stream())))
    }

    fn size_hint(&self) -> SizeHint {
        let shared = lock(&self.shared);
        let position = match self.role(&shared) {
            Role::Reader => shared.position,
            Role::Fresh if !shared.over_cap => Position::default(),
            Role::Fresh | Role::Superseded => return SizeHint::default(),
        };
        let to_replay = u64::try_from(shared.recorded_len - position.bytes).unwrap_or(u64::MAX);
        let rest = match &shared.body {
            _ if shared.body_done => SizeHint::with_exact(0),
            Some(body) if !shared.body_failed => body.size_hint(),
            _ => SizeHint::default(),
        };
        let mut hint = SizeHint::new();
        if let Some(upper) = rest.upper() {
            hint.set_upper(upper.saturating_add(to_replay));
        }
        hint.set_lower(rest.lower().saturating_add(to_replay));
        hint
    }
}

impl<B> fmt::Debug for ReplayBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = lock(&self.shared);
        f.debug_struct("ReplayBody")
            .field("cap", &shared.cap)
            .field("recorded_len", &shared.recorded_len)
            .field("over_cap", &shared.over_cap)
            .field("body_done", &shared.body_done)
            .finish_non_exhaustive()
    }
}
