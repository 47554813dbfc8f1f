//! Writing and timers for the HTTP/1 server loop.
//!
//! Writes take whatever the codec queued in the `WriteBuf`: with `poll_write_vectored` when
//! the transport supports it (up to [`MAX_IO_SLICES`] pieces per call), otherwise small
//! pieces are copied together into one staging buffer of up to [`COALESCE_SIZE`] bytes and
//! large ones written as they are. One flush follows each batch.
//!
//! Three timers, each armed only while it applies:
//!
//! | timer | runs while | on expiry |
//! | --- | --- | --- |
//! | header read | waiting for a request head on a fresh connection, or once its first byte arrived | `408`, close, [`ErrorKind::HeaderTimeout`] |
//! | keep-alive | idle between requests, nothing received yet | close quietly |
//! | write | queued bytes the transport does not take | close at once, [`ErrorKind::WriteTimeout`] |

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Buf;
use http::StatusCode;
use spire_h1::State;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::{Instant, Sleep};

use super::dispatch::Inner;
use crate::error::{Error, ErrorKind};

/// The most pieces handed to one vectored write (Linux's `UIO_MAXIOV` is 1024; a few dozen
/// cover a batch of responses).
const MAX_IO_SLICES: usize = 64;
/// Pieces up to this size are copied together for transports without vectored writes; larger
/// ones are written from their own memory.
const COALESCE_SIZE: usize = 16 * 1024;

/// Which read-side timer is armed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadTimer {
    Header,
    KeepAlive,
}

/// The connection's timers; each `Sleep` is allocated on first use and then reset.
#[derive(Default)]
pub(super) struct Timers {
    read: Option<Pin<Box<Sleep>>>,
    read_armed: Option<ReadTimer>,
    write: Option<Pin<Box<Sleep>>>,
    write_armed: bool,
}

impl Timers {
    /// A request head arrived: whatever read timer ran is over (the next one starts afresh).
    pub(super) fn disarm_read(&mut self) {
        self.read_armed = None;
    }
}

fn arm(slot: &mut Option<Pin<Box<Sleep>>>, deadline: Instant) {
    match slot {
        Some(sleep) => sleep.as_mut().reset(deadline),
        None => *slot = Some(Box::pin(tokio::time::sleep_until(deadline))),
    }
}

fn fired(slot: &mut Option<Pin<Box<Sleep>>>, cx: &mut Context<'_>) -> bool {
    slot.as_mut()
        .is_some_and(|sleep| sleep.as_mut().poll(cx).is_ready())
}

/// Where the bytes of one write came from.
enum Source {
    Staging,
    Out,
}

impl<Io, S> Inner<Io, S>
where
    Io: AsyncRead + AsyncWrite + Unpin,
{
    /// Writes everything queued, then flushes; `Ready(Ok(wrote))` once nothing is left.
    pub(super) fn poll_write(&mut self, cx: &mut Context<'_>) -> Poll<Result<bool, Error>> {
        let Some(io) = self.io.as_mut() else {
            return Poll::Ready(Ok(false));
        };
        let mut io = Pin::new(io);
        let mut wrote = false;
        loop {
            let (polled, source) = if !self.staging.is_empty() {
                (io.as_mut().poll_write(cx, &self.staging), Source::Staging)
            } else if self.out.is_empty() {
                break;
            } else if io.is_write_vectored() {
                let mut slices = [IoSlice::new(&[]); MAX_IO_SLICES];
                let count = self.out.chunks_vectored(&mut slices);
                (
                    io.as_mut().poll_write_vectored(cx, &slices[..count]),
                    Source::Out,
                )
            } else if self.out.pieces() == 1 || self.out.chunk().len() > COALESCE_SIZE {
                (io.as_mut().poll_write(cx, self.out.chunk()), Source::Out)
            } else {
                while !self.out.is_empty()
                    && self.staging.len() + self.out.chunk().len() <= COALESCE_SIZE
                {
                    let piece = self.out.chunk();
                    self.staging.extend_from_slice(piece);
                    let len = piece.len();
                    self.out.advance(len);
                }
                continue;
            };
            match polled {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(err)) => {
                    return Poll::Ready(Err(Error::new(ErrorKind::Io).with(err)));
                }
                Poll::Ready(Ok(0)) => {
                    let err = io::Error::from(io::ErrorKind::WriteZero);
                    return Poll::Ready(Err(Error::new(ErrorKind::Io).with(err)));
                }
                Poll::Ready(Ok(n)) => {
                    match source {
                        Source::Staging => self.staging.advance(n),
                        Source::Out => self.out.advance(n),
                    }
                    wrote = true;
                    self.needs_flush = true;
                    self.timers.write_armed = false;
                }
            }
        }
        if self.needs_flush {
            match io.poll_flush(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(err)) => {
                    return Poll::Ready(Err(Error::new(ErrorKind::Io).with(err)));
                }
                Poll::Ready(Ok(())) => {
                    self.needs_flush = false;
                    self.timers.write_armed = false;
                }
            }
        }
        Poll::Ready(Ok(wrote))
    }

    /// Arms, disarms and polls the timers; returns `true` when one fired and changed the
    /// connection's course.
    pub(super) fn poll_timers(&mut self, call_idle: bool, cx: &mut Context<'_>) -> bool {
        let writing = !self.out.is_empty() || !self.staging.is_empty() || self.needs_flush;
        match (writing, self.config.write_timeout) {
            (true, Some(timeout)) => {
                if !self.timers.write_armed {
                    self.timers.write_armed = true;
                    arm(&mut self.timers.write, Instant::now() + timeout);
                }
                if fired(&mut self.timers.write, cx) {
                    tracing::debug!("write stalled past the write timeout; closing");
                    self.timers.write_armed = false;
                    self.abandon = true;
                    self.fail_exchange();
                    self.end = Some(Err(Error::new(ErrorKind::WriteTimeout)));
                    return true;
                }
            }
            _ => self.timers.write_armed = false,
        }

        let wanted = self.read_timer_wanted(call_idle);
        if wanted != self.timers.read_armed {
            self.timers.read_armed = wanted;
            let timeout = match wanted {
                Some(ReadTimer::Header) => self.config.header_read_timeout,
                Some(ReadTimer::KeepAlive) => self.config.keep_alive_timeout,
                None => None,
            };
            match timeout {
                Some(timeout) => arm(&mut self.timers.read, Instant::now() + timeout),
                None => self.timers.read_armed = None,
            }
        }
        let Some(kind) = self.timers.read_armed else {
            return false;
        };
        if !fired(&mut self.timers.read, cx) {
            return false;
        }
        self.timers.read_armed = None;
        match kind {
            ReadTimer::Header => {
                tracing::debug!("request head not received in time; answering 408");
                self.send_error_response(StatusCode::REQUEST_TIMEOUT);
                self.end = Some(Err(Error::new(ErrorKind::HeaderTimeout)));
            }
            ReadTimer::KeepAlive => {
                tracing::debug!("idle past the keep-alive timeout; closing");
                self.end = Some(Ok(()));
            }
        }
        true
    }

    /// Which read timer applies now: only while waiting for a request head, with the service
    /// ready (a service that is not ready is the server's delay, not the client's).
    fn read_timer_wanted(&mut self, call_idle: bool) -> Option<ReadTimer> {
        if self.end.is_some()
            || !call_idle
            || !self.ready
            || self.read_eof
            || self.conn.their_state() != State::Idle
        {
            return None;
        }
        if self.fresh || !self.conn.read_buf().is_empty() {
            Some(ReadTimer::Header)
        } else {
            Some(ReadTimer::KeepAlive)
        }
    }
}
