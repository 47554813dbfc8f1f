//! The response side of the HTTP/1 server loop: interim responses (`100 Continue`, hints),
//! the service's answer, and the response body pumped through the codec.
//!
//! ```text
//!  Call::Pending ── hints / 100 Continue (when the service reads the body) ──► WriteBuf
//!       │ future ready
//!       ├─ Err ─────────► 500, close
//!       ├─ 101 / 2xx CONNECT ─► head, then hand the IO over (dispatch.rs ends serving)
//!       ▼
//!  Call::Body ── poll_frame while the WriteBuf is under max_buf_size ──► Data / EndOfMessage
//! ```

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Buf;
use http::StatusCode;
use http::header::{CONTENT_LENGTH, HeaderValue};
use spire_body::{Body, Frame};
use spire_h1::{Event, Framing, ResponseHead, State};
use spire_service::BoxError;

use super::dispatch::{Call, CallProj, Inner};
use crate::date;
use crate::error::{Error, ErrorKind};

impl<Io, S> Inner<Io, S> {
    /// Moves the service's side of the exchange forward; returns whether anything happened.
    pub(super) fn poll_respond<F, B, E>(
        &mut self,
        mut call: Pin<&mut Call<F, B>>,
        cx: &mut Context<'_>,
    ) -> bool
    where
        F: Future<Output = Result<http::Response<B>, E>>,
        E: Into<BoxError>,
        B: Body,
        B::Error: Into<BoxError>,
    {
        let mut progress = false;
        loop {
            if self.end.is_some() {
                return progress;
            }
            match call.as_mut().project() {
                CallProj::Idle => return progress,
                CallProj::Pending { future } => {
                    progress |= self.poll_interim(cx);
                    let polled = {
                        let _entered = self.exchange.span.enter();
                        future.poll(cx)
                    };
                    match polled {
                        Poll::Pending => return progress,
                        Poll::Ready(Ok(response)) => {
                            progress = true;
                            call.set(Call::Idle);
                            // Hints queued just before the response still go out first.
                            self.poll_interim(cx);
                            self.start_response(response, call.as_mut());
                        }
                        Poll::Ready(Err(err)) => {
                            progress = true;
                            call.set(Call::Idle);
                            self.service_failed(err.into());
                        }
                    }
                }
                CallProj::Body { body } => {
                    if self.out.len() >= self.config.max_buf_size {
                        // Wait for the socket to take what is queued.
                        return progress;
                    }
                    let polled = {
                        let _entered = self.exchange.span.enter();
                        body.poll_frame(cx)
                    };
                    match polled {
                        Poll::Pending => return progress,
                        Poll::Ready(Some(Ok(frame))) => {
                            progress = true;
                            if !self.send_frame(frame) {
                                call.set(Call::Idle);
                            }
                        }
                        Poll::Ready(None) => {
                            progress = true;
                            call.set(Call::Idle);
                            self.finish_body(None);
                        }
                        Poll::Ready(Some(Err(err))) => {
                            progress = true;
                            call.set(Call::Idle);
                            let err: BoxError = err.into();
                            tracing::debug!(error = %err, "response body failed; closing");
                            self.end = Some(Err(Error::new(ErrorKind::UserBody).with(err)));
                        }
                    }
                }
            }
        }
    }

    /// Writes interim responses the service asked for; returns whether one was queued.
    fn poll_interim(&mut self, cx: &mut Context<'_>) -> bool {
        let mut progress = false;
        if let Some(hints) = self.exchange.hints.as_mut() {
            while let Poll::Ready(response) = hints.poll_recv(cx) {
                let (parts, ()) = response.into_parts();
                let head = ResponseHead::from_parts(parts);
                if let Err(err) = self.conn.send(Event::Informational(head), &mut self.out) {
                    tracing::debug!(error = %err, "informational response not sent");
                }
                progress = true;
            }
        }
        if self.exchange.continue_pending {
            if !self.conn.peer_expects_continue() {
                // The client sent its body without waiting.
                self.exchange.continue_pending = false;
            } else if let Some(tx) = self.exchange.body_tx.as_mut() {
                match tx.poll_want(cx) {
                    Poll::Pending => {}
                    Poll::Ready(Err(_)) => self.exchange.continue_pending = false,
                    Poll::Ready(Ok(())) => {
                        self.exchange.continue_pending = false;
                        tracing::debug!("service reads the body; sending 100 Continue");
                        let head = ResponseHead::new(StatusCode::CONTINUE);
                        if let Err(err) = self.conn.send(Event::Informational(head), &mut self.out)
                        {
                            tracing::debug!(error = %err, "100 Continue not sent");
                        }
                        progress = true;
                    }
                }
            }
        }
        progress
    }

    fn start_response<F, B>(&mut self, response: http::Response<B>, mut call: Pin<&mut Call<F, B>>)
    where
        B: Body,
    {
        // No interim response may follow the final one.
        self.exchange.hints = None;
        let (parts, body) = response.into_parts();
        let head = ResponseHead::from_parts(parts);
        if self.config.date_header {
            self.conn.set_date(date::now_header_value());
        }
        let status = head.status;
        // A body that knows its exact size gets `Content-Length` from the codec (unless the
        // head frames itself), so that it need not be chunked.
        let sent = match body.size_hint().exact() {
            Some(length) => self
                .conn
                .send_response_with_length(head, length, &mut self.out),
            None => self.conn.send(Event::Response(head), &mut self.out),
        };
        if let Err(err) = sent {
            tracing::debug!(error = %err, %status, "response head cannot be sent");
            self.fail_exchange();
            if err.kind() == spire_h1::ErrorKind::InvalidHead {
                self.send_error_response(StatusCode::INTERNAL_SERVER_ERROR);
            }
            self.end = Some(Err(Error::new(ErrorKind::UserHead).with(err)));
            return;
        }
        self.exchange
            .span
            .in_scope(|| tracing::debug!(%status, "response head queued"));
        if self.conn.our_state() == State::SwitchedProtocol {
            // The body of a switching response is meaningless; the IO is the new body.
            return;
        }
        if let Some(pending) = self.exchange.upgrade.take() {
            pending.fail(Error::new(ErrorKind::NoUpgrade));
        }
        // A response that cannot carry a body (to HEAD, or a 204 or 304: the codec framed it
        // `Empty`) ends with its head. Its body is dropped unpolled: the codec would discard
        // the data anyway, and a body that is always ready would otherwise be polled forever
        // without filling the buffer.
        if body.is_end_stream() || self.conn.our_framing() == Some(Framing::Empty) {
            self.finish_body(None);
        } else {
            call.set(Call::Body { body });
        }
    }

    /// Queues one body frame; returns `false` when the exchange ended (trailers, or an error).
    fn send_frame<D: Buf>(&mut self, frame: Frame<D>) -> bool {
        match frame.into_data() {
            Ok(mut data) => {
                let bytes = data.copy_to_bytes(data.remaining());
                if bytes.is_empty() {
                    return true;
                }
                if let Err(err) = self.conn.send(Event::Data(bytes), &mut self.out) {
                    tracing::debug!(error = %err, "response body does not fit its framing");
                    self.end = Some(Err(Error::new(ErrorKind::UserBody).with(err)));
                    return false;
                }
                true
            }
            Err(frame) => {
                self.finish_body(frame.into_trailers().ok());
                false
            }
        }
    }

    /// Ends the response body, with trailers when the framing can carry them.
    fn finish_body(&mut self, trailers: Option<http::HeaderMap>) {
        let trailers = trailers.filter(|_| self.conn.our_framing() == Some(Framing::Chunked));
        if let Err(err) = self.conn.send(Event::EndOfMessage(trailers), &mut self.out) {
            tracing::debug!(error = %err, "response body does not match its framing");
            self.end = Some(Err(Error::new(ErrorKind::UserBody).with(err)));
            return;
        }
        self.exchange
            .span
            .in_scope(|| tracing::debug!("response complete"));
    }

    fn service_failed(&mut self, err: BoxError) {
        self.exchange
            .span
            .in_scope(|| tracing::debug!(error = %err, "service failed; answering 500"));
        if let Some(tx) = self.exchange.body_tx.take() {
            tx.abort(Error::new(ErrorKind::Canceled));
        }
        self.exchange.held = None;
        self.fail_exchange();
        self.send_error_response(StatusCode::INTERNAL_SERVER_ERROR);
        self.end = Some(Err(Error::new(ErrorKind::UserService).with(err)));
    }

    /// Queues an empty response with `status` and `Connection: close`, if no response has
    /// started yet; the connection ends after it.
    pub(super) fn send_error_response(&mut self, status: StatusCode) {
        if !matches!(self.conn.our_state(), State::Idle | State::SendResponse) {
            return;
        }
        if self.config.date_header {
            self.conn.set_date(date::now_header_value());
        }
        self.conn.disable_keep_alive();
        let mut head = ResponseHead::new(status);
        head.headers
            .insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        let sent = self
            .conn
            .send(Event::Response(head), &mut self.out)
            .and_then(|()| self.conn.send(Event::EndOfMessage(None), &mut self.out));
        if let Err(err) = sent {
            tracing::debug!(error = %err, %status, "error response not sent");
        }
    }
}
