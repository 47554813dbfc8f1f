//! Ending a served connection: shut the write side down, and linger a moment when the client
//! may still be sending.
//!
//! Closing a TCP socket while bytes from the peer sit unread makes the kernel answer with a
//! reset, and a reset can destroy the response the client has not read yet (a `400`, or the
//! response to a request whose body was not wanted). So when the request side is unfinished,
//! the connection first sends its end of file, then reads and discards for up to
//! [`LINGER_TIME`] or [`LINGER_BYTES`], until the client closes too.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

use crate::error::Error;

/// The longest the connection waits for the client's end of file after its own.
const LINGER_TIME: Duration = Duration::from_secs(1);
/// The most bytes read and thrown away while lingering.
const LINGER_BYTES: usize = 1024 * 1024;

/// The connection's last steps, after serving ended with `result`.
pub(super) struct Closing {
    result: Option<Result<(), Error>>,
    shutdown: bool,
    linger: Option<Linger>,
}

struct Linger {
    sleep: Pin<Box<Sleep>>,
    discarded: usize,
}

impl Closing {
    /// `linger`: the client may still be sending (an unfinished request, unread bytes).
    pub(super) fn new(result: Result<(), Error>, linger: bool) -> Self {
        // A transport that failed or stalled gets no more attention.
        let broken = result.as_ref().is_err_and(Error::is_io);
        Self {
            result: Some(result),
            shutdown: !broken,
            linger: (linger && !broken).then(|| Linger {
                sleep: Box::pin(tokio::time::sleep(LINGER_TIME)),
                discarded: 0,
            }),
        }
    }

    /// Shuts down, lingers if needed, drops the transport and yields the result.
    pub(super) fn poll<Io>(
        &mut self,
        io: &mut Option<Io>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), Error>>
    where
        Io: AsyncRead + AsyncWrite + Unpin,
    {
        if let Some(io) = io.as_mut() {
            if self.shutdown {
                match Pin::new(&mut *io).poll_shutdown(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Err(err)) => {
                        // The client may be gone already; the result stays what it was.
                        tracing::debug!(error = %err, "shutdown failed");
                        self.linger = None;
                    }
                    Poll::Ready(Ok(())) => {}
                }
                self.shutdown = false;
            }
            if let Some(linger) = self.linger.as_mut() {
                if linger.poll(io, cx).is_pending() {
                    return Poll::Pending;
                }
                self.linger = None;
            }
        }
        *io = None;
        Poll::Ready(self.result.take().unwrap_or(Ok(())))
    }
}

impl Linger {
    /// Discards what the client still sends; ready at its end of file or a limit.
    fn poll<Io: AsyncRead + Unpin>(&mut self, io: &mut Io, cx: &mut Context<'_>) -> Poll<()> {
        let mut scratch = [0; 8 * 1024];
        loop {
            if self.sleep.as_mut().poll(cx).is_ready() || self.discarded > LINGER_BYTES {
                tracing::debug!(discarded = self.discarded, "stopped lingering");
                return Poll::Ready(());
            }
            let mut buf = ReadBuf::new(&mut scratch);
            match Pin::new(&mut *io).poll_read(cx, &mut buf) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(())) if !buf.filled().is_empty() => {
                    self.discarded += buf.filled().len();
                }
                // End of file or an error: the client is done either way.
                Poll::Ready(_) => return Poll::Ready(()),
            }
        }
    }
}
