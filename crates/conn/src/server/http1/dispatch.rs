//! The HTTP/1 server loop: read → spire-h1 → service → spire-h1 → write, as a poll-based state
//! machine.
//!
//! One turn of [`Dispatcher::poll_serve`] runs three steps until none of them makes progress,
//! then writes what they queued (one write, one flush, however many responses it holds):
//!
//! ```text
//!  poll_respond  service future → head; body frames → codec → WriteBuf   (respond.rs)
//!  poll_receive  readiness → next_event → dispatch; read socket          (this file)
//!                request body → Incoming channel, drain if dropped       (body.rs)
//!  poll_cycle    both Done → next cycle; MustClose / switch → end        (this file)
//!  poll_write    WriteBuf → socket (vectored or coalesced), then flush   (write.rs)
//!  poll_timers   header read, keep-alive, stalled write                  (write.rs)
//! ```
//!
//! When serving ends, the connection future shuts the transport down (close.rs) or hands
//! it to an upgrade.
//!
//! Backpressure everywhere: the socket is read only while the request body's channel has room
//! and the read buffer is under `max_buf_size`; the response body is polled only while the
//! write buffer is under `max_buf_size`; the next request is parsed only once the service is
//! ready and the previous exchange is complete.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

use bytes::{BufMut, Bytes, BytesMut};
use http::HeaderMap;
use pin_project_lite::pin_project;
use spire_body::Body;
use spire_h1::{Event, Framing, Received, Role, State, WriteBuf};
use spire_service::{BoxError, Service};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};

use super::Builder;
use super::body::DRAIN_LIMIT;
use super::write::Timers;
use crate::error::{Error, ErrorKind};
use crate::incoming::{Incoming, Sender};
use crate::informational;
use crate::upgrade;

/// The first read's size; it doubles while reads fill it, up to [`MAX_READ_SIZE`].
const INITIAL_READ_SIZE: usize = 8 * 1024;
/// The largest single read. Request body frames are slices of one read, so this also bounds
/// what each frame in the body channel holds.
const MAX_READ_SIZE: usize = 256 * 1024;

pin_project! {
    /// What the service is doing for the current exchange.
    #[project = CallProj]
    pub(super) enum Call<F, B> {
        /// No request in progress, or its response is fully queued.
        Idle,
        /// The service is computing the response.
        Pending { #[pin] future: F },
        /// The head is queued; the body is being pumped.
        Body { #[pin] body: B },
    }
}

impl<F, B> Call<F, B> {
    pub(super) fn is_idle(&self) -> bool {
        matches!(self, Self::Idle)
    }
}

pin_project! {
    /// The connection's state: the pinned service call, and everything else.
    pub(super) struct Dispatcher<Io, S, F, B> {
        #[pin]
        pub(super) call: Call<F, B>,
        pub(super) inner: Inner<Io, S>,
    }
}

/// A request body event that did not fit in the channel yet.
pub(super) enum Held {
    Data(Bytes),
    Trailers(HeaderMap),
}

/// Per-exchange state, reset at every new cycle.
pub(super) struct Exchange {
    pub(super) body_tx: Option<Sender>,
    pub(super) held: Option<Held>,
    /// Body bytes thrown away because the service dropped the body.
    pub(super) discarded: usize,
    pub(super) upgrade: Option<upgrade::Pending>,
    pub(super) hints: Option<informational::Receiver>,
    /// `100 Continue` still to be sent once the service reads the body.
    pub(super) continue_pending: bool,
    pub(super) span: tracing::Span,
}

impl Exchange {
    fn new() -> Self {
        Self {
            body_tx: None,
            held: None,
            discarded: 0,
            upgrade: None,
            hints: None,
            continue_pending: false,
            span: tracing::Span::none(),
        }
    }
}

/// Everything but the service call.
pub(super) struct Inner<Io, S> {
    /// Present until the connection hands it back (`without_shutdown`, or an upgrade).
    pub(super) io: Option<Io>,
    /// Present until `without_shutdown` hands it back.
    pub(super) service: Option<S>,
    pub(super) conn: spire_h1::Connection,
    pub(super) out: WriteBuf,
    /// Small pieces of `out` copied together, for transports without vectored writes.
    pub(super) staging: BytesMut,
    pub(super) needs_flush: bool,
    pub(super) config: Builder,
    pub(super) exchange: Exchange,
    pub(super) read_eof: bool,
    read_size: usize,
    /// No request has started on this connection yet.
    pub(super) fresh: bool,
    /// The service said it is ready for the next request.
    pub(super) ready: bool,
    pub(super) timers: Timers,
    /// `graceful_shutdown` was called.
    pub(super) shutdown: bool,
    /// Serving is over: write out what is queued, then end with this result.
    pub(super) end: Option<Result<(), Error>>,
    /// The end came from a stalled write: nothing more can be written.
    pub(super) abandon: bool,
    /// The exchange switched protocols: the IO goes to the upgrade.
    pub(super) switched: bool,
}

impl<Io, S, F, B> Dispatcher<Io, S, F, B> {
    pub(super) fn new(io: Io, service: S, config: Builder) -> Self {
        let mut conn = spire_h1::Connection::with_limits(Role::Server, config.limits());
        conn.set_title_case_headers(config.title_case_headers);
        conn.set_preserve_header_case(config.preserve_header_case);
        if !config.keep_alive {
            conn.disable_keep_alive();
        }
        Self {
            call: Call::Idle,
            inner: Inner {
                io: Some(io),
                service: Some(service),
                conn,
                out: WriteBuf::new(),
                staging: BytesMut::new(),
                needs_flush: false,
                exchange: Exchange::new(),
                read_eof: false,
                read_size: INITIAL_READ_SIZE.min(config.max_buf_size),
                fresh: true,
                ready: false,
                timers: Timers::default(),
                shutdown: false,
                end: None,
                abandon: false,
                switched: false,
                config,
            },
        }
    }
}

impl<Io, S, B> Dispatcher<Io, S, S::Future, B>
where
    Io: AsyncRead + AsyncWrite + Unpin,
    S: Service<http::Request<Incoming>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
    B: Body,
    B::Error: Into<BoxError>,
{
    /// Serves requests until the connection must end, and everything queued is written.
    ///
    /// Resolves with the connection's result; the IO is still in `inner` (not shut down).
    pub(super) fn poll_serve(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), Error>> {
        let this = self.project();
        let mut call = this.call;
        let inner = this.inner;
        loop {
            let mut progress = false;
            if inner.end.is_none() {
                progress |= inner.poll_respond(call.as_mut(), cx);
                progress |= inner.poll_receive(call.as_mut(), cx);
                progress |= inner.poll_cycle(call.as_mut());
                if progress && inner.end.is_none() && inner.out.len() < inner.config.max_buf_size {
                    // Keep producing: everything ready now goes out in one write.
                    continue;
                }
            }
            if inner.abandon {
                return Poll::Ready(inner.end.take().unwrap_or(Ok(())));
            }
            match inner.poll_write(cx) {
                Poll::Ready(Ok(wrote)) => {
                    if let Some(end) = inner.end.take() {
                        return Poll::Ready(end);
                    }
                    if wrote || progress {
                        continue;
                    }
                }
                Poll::Ready(Err(err)) => {
                    tracing::debug!(error = %err, "write failed");
                    call.set(Call::Idle);
                    inner.fail_exchange();
                    // The reason the connection was ending (a bad request, say) explains
                    // more than the failed write of its answer.
                    return Poll::Ready(match inner.end.take() {
                        Some(Err(reason)) => Err(reason),
                        _ => Err(err),
                    });
                }
                Poll::Pending => {}
            }
            if inner.poll_timers(call.as_ref().get_ref().is_idle(), cx) {
                continue;
            }
            return Poll::Pending;
        }
    }
}

impl<Io, S> Inner<Io, S>
where
    Io: AsyncRead + AsyncWrite + Unpin,
{
    /// Reads more bytes into the codec's buffer.
    fn poll_read(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        let Some(io) = self.io.as_mut() else {
            return Poll::Ready(Err(Error::new(ErrorKind::Closed)));
        };
        let buf = self.conn.read_buf();
        let start = buf.len();
        let room = self
            .read_size
            .min(self.config.max_buf_size.saturating_sub(start).max(1));
        // Read into the buffer's spare capacity without zeroing it first: tokio's `read_buf`
        // handles the uninitialised memory (spire needs no unsafe code for it), and pages the
        // socket never writes stay untouched, so an idle connection's buffer costs no RSS.
        // The future is polled once and dropped; a `Pending` read has consumed nothing.
        buf.reserve(room);
        let polled = {
            let mut limited = BufMut::limit(&mut *buf, room);
            pin!(io.read_buf(&mut limited)).poll(cx)
        };
        let filled = match polled {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(err)) => return Poll::Ready(Err(Error::new(ErrorKind::Io).with(err))),
            Poll::Ready(Ok(filled)) => filled,
        };
        match filled {
            0 => {
                tracing::debug!("peer closed its write side");
                self.read_eof = true;
                self.conn.receive_eof();
                Poll::Ready(Ok(()))
            }
            _ => {
                if filled == room {
                    self.read_size = (self.read_size * 2)
                        .min(MAX_READ_SIZE)
                        .min(self.config.max_buf_size);
                }
                Poll::Ready(Ok(()))
            }
        }
    }
}

impl<Io, S> Inner<Io, S> {
    /// Parses and dispatches what the codec has, reading the socket when it needs more.
    fn poll_receive<F, B>(&mut self, mut call: Pin<&mut Call<F, B>>, cx: &mut Context<'_>) -> bool
    where
        Io: AsyncRead + AsyncWrite + Unpin,
        S: Service<http::Request<Incoming>, Future = F>,
        S::Error: Into<BoxError>,
    {
        let mut progress = false;
        loop {
            if self.end.is_some() {
                return progress;
            }
            if let Some(held) = self.exchange.held.take() {
                match self.feed_held(held, cx) {
                    Some(held) => {
                        self.exchange.held = Some(held);
                        return progress;
                    }
                    None => progress = true,
                }
            }
            if self.conn.their_state() == State::Closed {
                // The codec would repeat `ConnectionClosed` forever.
                return progress;
            }
            if self.exchange.discarded > DRAIN_LIMIT {
                // Closing after the response: stop reading what nobody wants.
                return progress;
            }
            if self.conn.their_state() == State::Idle && call.as_ref().get_ref().is_idle() {
                if self.shutdown && self.conn.read_buf().is_empty() {
                    self.end = Some(Ok(()));
                    return true;
                }
                if !self.ready {
                    let Some(service) = self.service.as_mut() else {
                        return progress;
                    };
                    match service.poll_ready(cx) {
                        Poll::Pending => return progress,
                        Poll::Ready(Err(err)) => {
                            let err: BoxError = err.into();
                            tracing::debug!(error = %err, "service failed in poll_ready");
                            self.end = Some(Err(Error::new(ErrorKind::UserService).with(err)));
                            return true;
                        }
                        Poll::Ready(Ok(())) => self.ready = true,
                    }
                }
            }
            match self.conn.next_event() {
                Ok(Received::Event(event)) => {
                    progress = true;
                    self.on_event(event, call.as_mut());
                }
                Ok(Received::Paused) => return progress,
                Ok(Received::NeedData) => {
                    if self.read_eof || self.conn.read_buf().len() >= self.config.max_buf_size {
                        return progress;
                    }
                    if let Some(tx) = self.exchange.body_tx.as_mut()
                        && tx.poll_ready(cx).is_pending()
                    {
                        // The body's queue is full: what we would read has nowhere to go.
                        // Waiting for the service to take a frame keeps at most the queue's
                        // frames alive, so the next read can reuse the buffer they were cut
                        // from instead of allocating a new one.
                        return progress;
                    }
                    match self.poll_read(cx) {
                        Poll::Ready(Ok(())) => progress = true,
                        Poll::Ready(Err(err)) => {
                            tracing::debug!(error = %err, "read failed");
                            call.set(Call::Idle);
                            self.fail_exchange();
                            self.end = Some(Err(err));
                            return true;
                        }
                        Poll::Pending => return progress,
                    }
                }
                Err(err) => {
                    call.set(Call::Idle);
                    self.on_remote_error(err);
                    return true;
                }
            }
        }
    }

    fn on_event<F, B>(&mut self, event: Event, mut call: Pin<&mut Call<F, B>>)
    where
        S: Service<http::Request<Incoming>, Future = F>,
    {
        match event {
            Event::Request(head) => self.on_request(head, call),
            Event::Data(data) => self.on_data(data),
            Event::EndOfMessage(trailers) => self.on_end(trailers),
            Event::ConnectionClosed => {
                if !self.config.half_close && !call.as_ref().get_ref().is_idle() {
                    tracing::debug!("peer closed before the response; half-close is off");
                    call.set(Call::Idle);
                    self.fail_exchange();
                    self.end = Some(Ok(()));
                }
            }
            // A client never sends responses; the codec only yields requests to a server.
            Event::Informational(_) | Event::Response(_) => {}
        }
    }

    fn on_request<F, B>(&mut self, head: spire_h1::RequestHead, mut call: Pin<&mut Call<F, B>>)
    where
        S: Service<http::Request<Incoming>, Future = F>,
    {
        let span = tracing::debug_span!(
            "request",
            method = %head.method,
            path = head.target.as_str(),
            version = ?head.version,
        );
        let entered = span.enter();
        tracing::debug!("request head received");
        self.fresh = false;
        self.ready = false;
        self.timers.disarm_read();
        let mut parts = match head.into_parts() {
            Ok(parts) => parts,
            Err(err) => {
                drop(entered);
                self.on_remote_error(err);
                return;
            }
        };
        let body = match self.conn.their_framing() {
            None | Some(Framing::Empty | Framing::Length(0)) => Incoming::empty(),
            Some(Framing::Length(len)) => self.body_channel(Some(len)),
            Some(_) => self.body_channel(None),
        };
        if self.conn.is_switch_proposed() {
            self.exchange.upgrade = Some(upgrade::pending(&mut parts.extensions));
        }
        if self.config.informational_responses {
            let (sender, receiver) = informational::channel();
            parts.extensions.insert(sender);
            self.exchange.hints = Some(receiver);
        }
        self.exchange.continue_pending =
            self.conn.peer_expects_continue() && self.exchange.body_tx.is_some();
        let request = http::Request::from_parts(parts, body);
        let Some(service) = self.service.as_mut() else {
            return;
        };
        // A guard rather than `in_scope`: a closure would move the request once more.
        let future = service.call(request);
        drop(entered);
        self.exchange.span = span;
        call.set(Call::Pending { future });
    }

    /// The peer's bytes broke the protocol: answer with the codec's status if no response has
    /// started, then close.
    fn on_remote_error(&mut self, err: spire_h1::Error) {
        tracing::debug!(error = %err, "invalid request");
        if let Some(tx) = self.exchange.body_tx.take() {
            tx.abort(Error::new(ErrorKind::Body).with(err));
        }
        self.exchange.held = None;
        self.fail_exchange();
        let status = err.status().unwrap_or(http::StatusCode::BAD_REQUEST);
        self.send_error_response(status);
        let kind = if err.kind() == spire_h1::ErrorKind::IncompleteMessage {
            ErrorKind::Closed
        } else {
            ErrorKind::Parse
        };
        self.end = Some(Err(Error::new(kind).with(err)));
    }

    /// Ends the current exchange's side channels: no upgrade, no more interim responses.
    pub(super) fn fail_exchange(&mut self) {
        if let Some(pending) = self.exchange.upgrade.take() {
            pending.fail(Error::new(ErrorKind::Canceled));
        }
        self.exchange.hints = None;
    }

    /// Moves to the next exchange, or decides the connection is over.
    fn poll_cycle<F, B>(&mut self, call: Pin<&mut Call<F, B>>) -> bool {
        if self.end.is_some() || !call.as_ref().get_ref().is_idle() {
            return false;
        }
        match (self.conn.our_state(), self.conn.their_state()) {
            (State::Done, State::Done) => {
                if !self.config.pipeline_flush && !self.out.is_empty() {
                    // Write this response out before looking at the next request.
                    return false;
                }
                if self.conn.start_next_cycle().is_err() {
                    self.end = Some(Ok(()));
                    return true;
                }
                tracing::debug!("exchange complete; connection kept alive");
                self.exchange = Exchange::new();
                true
            }
            (State::SwitchedProtocol, _) => {
                tracing::debug!("protocol switched; handing the connection over");
                self.switched = true;
                self.end = Some(Ok(()));
                true
            }
            // Still receiving a request body after the response: keep reading (and draining).
            (State::Done, State::SendBody) => false,
            (State::Idle, State::Idle) => false,
            (ours, theirs) => {
                let over = matches!(ours, State::MustClose | State::Closed | State::Error)
                    || matches!(theirs, State::MustClose | State::Closed | State::Error);
                if over {
                    tracing::debug!(?ours, ?theirs, "connection will not be reused; closing");
                    self.end = Some(Ok(()));
                }
                over
            }
        }
    }

    /// Whether the client may still be sending when the connection closes: a request not
    /// fully received, or bytes read but not used.
    pub(super) fn client_may_be_sending(&mut self) -> bool {
        let unfinished = !matches!(
            self.conn.their_state(),
            State::Idle | State::Done | State::MustClose | State::Closed
        );
        !self.read_eof && (unfinished || !self.conn.read_buf().is_empty())
    }

    /// Starts a graceful shutdown: finish the exchange in progress, then close.
    pub(super) fn start_shutdown(&mut self) {
        if !self.shutdown {
            tracing::debug!("graceful shutdown requested");
            self.shutdown = true;
            self.conn.disable_keep_alive();
        }
    }
}
