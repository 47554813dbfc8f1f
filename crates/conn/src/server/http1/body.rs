//! The request body: feeding [`Incoming`] through its bounded channel, and draining a body
//! the service dropped.
//!
//! ```text
//!  codec Data / EndOfMessage ──try_send──► channel (2 frames) ──► Incoming ──► service
//!        │ full: hold the event, stop parsing and reading until poll_ready
//!        │ body dropped: discard, up to DRAIN_LIMIT, then close after the response
//! ```

use std::task::{Context, Poll};

use bytes::Bytes;
use http::HeaderMap;

use super::dispatch::{Held, Inner};
use crate::incoming::Incoming;

/// Frames the request body channel holds before the dispatcher stops reading the socket.
const BODY_CHANNEL_CAPACITY: usize = 2;
/// Request body bytes read and thrown away, after the service dropped the body, to keep the
/// connection usable; past this the connection closes after the response instead.
pub(super) const DRAIN_LIMIT: usize = 64 * 1024;

impl<Io, S> Inner<Io, S> {
    /// Creates the body for a request with a body, keeping the sender.
    pub(super) fn body_channel(&mut self, content_length: Option<u64>) -> Incoming {
        let (tx, body) = Incoming::channel(content_length, BODY_CHANNEL_CAPACITY);
        self.exchange.body_tx = Some(tx);
        body
    }

    /// A piece of request body: queue it, hold it while the channel is full, or discard it.
    pub(super) fn on_data(&mut self, data: Bytes) {
        let len = data.len();
        let fed = match self.exchange.body_tx.as_mut() {
            Some(tx) => match tx.try_send_data(data) {
                Ok(()) => true,
                Err(data) if !tx.is_closed() => {
                    self.exchange.held = Some(Held::Data(data));
                    true
                }
                Err(_) => false,
            },
            None => false,
        };
        if !fed {
            self.discard(len);
        }
    }

    /// The end of the request body, with its trailers.
    pub(super) fn on_end(&mut self, trailers: Option<HeaderMap>) {
        if let (Some(trailers), Some(tx)) = (trailers, self.exchange.body_tx.as_mut()) {
            match tx.try_send_trailers(trailers) {
                Ok(()) => {}
                Err(trailers) if !tx.is_closed() => {
                    self.exchange.held = Some(Held::Trailers(trailers));
                    return;
                }
                Err(_) => {}
            }
        }
        // Dropping the sender ends the body cleanly.
        self.exchange.body_tx = None;
    }

    /// Retries a held body event; hands it back while the channel is still full.
    pub(super) fn feed_held(&mut self, held: Held, cx: &mut Context<'_>) -> Option<Held> {
        // Without a sender the body is gone: the held event is dropped.
        let tx = self.exchange.body_tx.as_mut()?;
        match tx.poll_ready(cx) {
            Poll::Pending => Some(held),
            Poll::Ready(Err(_)) => {
                // The service dropped the body: nobody will read this.
                self.exchange.body_tx = None;
                if let Held::Data(data) = held {
                    self.discard(data.len());
                }
                None
            }
            Poll::Ready(Ok(())) => match held {
                Held::Data(data) => tx.try_send_data(data).err().map(Held::Data),
                Held::Trailers(trailers) => match tx.try_send_trailers(trailers) {
                    Ok(()) => {
                        self.exchange.body_tx = None;
                        None
                    }
                    Err(trailers) => Some(Held::Trailers(trailers)),
                },
            },
        }
    }

    /// Counts request body bytes nobody reads; past the limit the connection will close.
    pub(super) fn discard(&mut self, len: usize) {
        self.exchange.body_tx = None;
        self.exchange.discarded = self.exchange.discarded.saturating_add(len);
        if self.exchange.discarded > DRAIN_LIMIT {
            tracing::debug!("unread request body over the drain limit; closing after the response");
            self.conn.disable_keep_alive();
        }
    }
}
