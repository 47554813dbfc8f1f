//! One request per HTTP/2 stream: call the service, send the head, pump the body.
//!
//! Each stream runs in its own task, so a slow service or a slow reader holds up only its
//! own stream. The task's steps, and what can cut each short:
//!
//! ```text
//!  wait for readiness ─► call ─► send HEADERS ─► wait for window ─► pull a frame ─► send DATA ─┐
//!  (peer RST_STREAM: drop the call)              ▲ (peer RST_STREAM: drop the body)            │
//!                                                └──────────────────────────────────────────────┘
//!                                                  end: END_STREAM, or trailers
//! ```
//!
//! Backpressure: the body is only polled for its next frame once the peer's window has room,
//! and a frame is sent only as far as the window allows, so a peer that stops reading stops
//! the service's body producer instead of filling memory.
//!
//! Failures, chosen to match what each peer can still be told:
//! - the service returns an error before any response: answer `500 Internal Server Error`
//!   with an empty body, as the HTTP/1 driver does (a status is more useful to a client than
//!   a bare reset, and it does not reveal the error);
//! - the response body fails after the head went out: reset the stream with
//!   `INTERNAL_ERROR`, the only way to tell the client the body is incomplete.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bytes::{Buf, Bytes};
use h2::server::SendResponse;
use h2::{Reason, SendStream};
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use spire_body::Body;
use spire_service::{BoxError, Service, ServiceExt};

use super::ActiveGuard;
use crate::error::{Error, ErrorKind};
use crate::incoming::{Incoming, content_length};
use crate::informational;
use crate::ping::Recorder;
use crate::upgrade::{self, H2Io, Upgraded};

/// Everything one stream task needs.
pub(super) struct Task<S> {
    pub(super) service: S,
    pub(super) request: Request<h2::RecvStream>,
    pub(super) respond: SendResponse<Bytes>,
    pub(super) recorder: Recorder,
    pub(super) guard: ActiveGuard,
    pub(super) date_header: bool,
    /// Give the service an `InformationalSender` and forward its 1xx heads.
    pub(super) informational: bool,
}

/// Why the body pump stopped early.
enum PumpError {
    /// The peer reset the stream or the connection went away: nothing more to send.
    Gone,
    /// The user's body failed.
    Body(BoxError),
}

impl<S, B> Task<S>
where
    S: Service<Request<Incoming>, Response = Response<B>>,
    S::Error: Into<BoxError>,
    B: Body,
    B::Error: Into<BoxError>,
{
    pub(super) async fn run(self) {
        let Self {
            mut service,
            request,
            mut respond,
            recorder,
            guard,
            date_header,
            informational,
        } = self;
        let (mut parts, recv) = request.into_parts();
        let method = parts.method.clone();
        // A CONNECT stream's DATA frames belong to the tunnel, not to a request body.
        let (body, tunnel) = if parts.method == Method::CONNECT {
            let pending = upgrade::pending(&mut parts.extensions);
            (Incoming::empty(), Some((recv, pending)))
        } else {
            let length = content_length(&parts.headers);
            (Incoming::h2(recv, length, recorder), None)
        };
        let mut hints = informational.then(|| {
            let (sender, receiver) = informational::channel();
            parts.extensions.insert(sender);
            receiver
        });
        let request = Request::from_parts(parts, body);

        let outcome = {
            let call = pin!(async {
                service.ready().await.map_err(Into::into)?;
                service.call(request).await.map_err(Into::into)
            });
            until_reset(&mut respond, hints.as_mut(), call).await
        };
        // Interim heads queued before the final one still go out first; then the sender
        // is closed, so later ones fail.
        if let Some(mut receiver) = hints.take() {
            let mut cx = Context::from_waker(Waker::noop());
            forward_hints(&mut respond, &mut receiver, &mut cx);
        }
        let result: Result<Response<B>, BoxError> = match outcome {
            Some(result) => result,
            None => {
                // The service's future has been dropped with `call`.
                tracing::debug!("stream reset by the peer before the response");
                return;
            }
        };

        let response = match result {
            Ok(response) => response,
            Err(err) => {
                tracing::debug!(error = %err, "service failed; answering 500");
                if let Some((_, pending)) = tunnel {
                    pending.fail(Error::new(ErrorKind::UserService));
                }
                send_internal_error(&mut respond, date_header);
                return;
            }
        };

        let (mut head, body) = response.into_parts();
        strip_connection_headers(&mut head.headers);
        if date_header && !head.headers.contains_key(header::DATE) {
            head.headers
                .insert(header::DATE, crate::date::now_header_value());
        }

        if let Some((recv, pending)) = tunnel {
            if head.status.is_success() {
                send_tunnel(respond, head, recv, pending, guard);
                return;
            }
            pending.fail(Error::new(ErrorKind::NoUpgrade));
        }

        let status = head.status;
        // HEAD, 1xx, 204 and 304 (a 2xx to CONNECT is a tunnel, above): the same rule the
        // HTTP/1 codec frames by.
        let no_body = spire_h1::response_has_no_body(&method, status);
        if !no_body
            && !head.headers.contains_key(header::CONTENT_LENGTH)
            && let Some(len) = body.size_hint().exact()
        {
            head.headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        }

        // RFC 9110 section 9.3.2: the server SHOULD send the same header fields in response to
        // HEAD as to GET, but the response "contains no content". hyper's HTTP/2 server sends
        // the body anyway; here it ends with the head and the body is dropped unpolled.
        let end_now = no_body || body.is_end_stream();
        let mut send = match respond.send_response(Response::from_parts(head, ()), end_now) {
            Ok(send) => send,
            Err(err) => {
                tracing::debug!(error = %err, "could not send the response head");
                respond.send_reset(Reason::INTERNAL_ERROR);
                return;
            }
        };
        tracing::debug!(
            status = status.as_u16(),
            end_stream = end_now,
            "response head sent"
        );
        if end_now {
            return;
        }

        match pump(&mut send, body).await {
            Ok(()) => tracing::debug!("response complete"),
            Err(PumpError::Gone) => tracing::debug!("stream closed by the peer during the body"),
            Err(PumpError::Body(err)) => {
                tracing::debug!(error = %err, "response body failed; resetting the stream");
                send.send_reset(Reason::INTERNAL_ERROR);
            }
        }
        drop(guard);
    }
}

/// Answers with an empty `500 Internal Server Error`; the service's error stays private.
fn send_internal_error(respond: &mut SendResponse<Bytes>, date_header: bool) {
    let mut head = Response::new(());
    *head.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    head.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    if date_header {
        head.headers_mut()
            .insert(header::DATE, crate::date::now_header_value());
    }
    if let Err(err) = respond.send_response(head, true) {
        tracing::debug!(error = %err, "could not send the 500 response");
    }
}

/// Polls `fut` until it completes, or returns `None` as soon as the peer resets the stream.
///
/// Meanwhile, forwards the service's informational (1xx) heads as interim HEADERS frames.
async fn until_reset<F: Future + Unpin>(
    respond: &mut SendResponse<Bytes>,
    mut hints: Option<&mut informational::Receiver>,
    mut fut: F,
) -> Option<F::Output> {
    poll_fn(|cx| {
        if respond.poll_reset(cx).is_ready() {
            return Poll::Ready(None);
        }
        if let Some(receiver) = hints.as_deref_mut() {
            forward_hints(respond, receiver, cx);
        }
        std::pin::Pin::new(&mut fut).poll(cx).map(Some)
    })
    .await
}

/// Sends every queued informational head.
fn forward_hints(
    respond: &mut SendResponse<Bytes>,
    receiver: &mut informational::Receiver,
    cx: &mut Context<'_>,
) {
    while let Poll::Ready(hint) = receiver.poll_recv(cx) {
        let status = hint.status().as_u16();
        match respond.send_informational(hint) {
            Ok(()) => tracing::debug!(status, "informational response sent"),
            Err(err) => tracing::debug!(error = %err, "informational response not sent"),
        }
    }
}

/// Answers a CONNECT with its 2xx head and hands the stream to the tunnel's owner.
fn send_tunnel(
    mut respond: SendResponse<Bytes>,
    head: http::response::Parts,
    recv: h2::RecvStream,
    pending: upgrade::Pending,
    guard: ActiveGuard,
) {
    // RFC 9110 section 9.3.6: a 2xx answer to CONNECT has no content and no framing headers.
    let mut head = head;
    head.headers.remove(header::CONTENT_LENGTH);
    match respond.send_response(Response::from_parts(head, ()), false) {
        Ok(send) => {
            tracing::debug!("tunnel established");
            let io = H2Io::new(send, recv, Box::new(guard));
            pending.fulfill(Upgraded::new(io, Bytes::new()));
        }
        Err(err) => {
            tracing::debug!(error = %err, "could not send the CONNECT response");
            pending.fail(Error::new(ErrorKind::UserHead).with(err));
            respond.send_reset(Reason::INTERNAL_ERROR);
        }
    }
}

/// Connection-specific header fields, which HTTP/2 forbids (RFC 9113 section 8.2.2).
///
/// A service written for HTTP/1 may set them; h2 would refuse the whole response, so they are
/// dropped here.
fn strip_connection_headers(headers: &mut HeaderMap) {
    for name in [
        header::CONNECTION,
        header::TRANSFER_ENCODING,
        header::UPGRADE,
        HeaderName::from_static("keep-alive"),
        HeaderName::from_static("proxy-connection"),
    ] {
        if headers.remove(&name).is_some() {
            tracing::debug!(header = %name, "removed a connection-specific header");
        }
    }
}

/// Streams `body` into `send`, never pulling more from the body than the peer's window takes.
async fn pump<B>(send: &mut SendStream<Bytes>, body: B) -> Result<(), PumpError>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let mut body = pin!(body);
    loop {
        // Ask for window before pulling: a peer that does not read holds the body back.
        send.reserve_capacity(1);
        wait_for_capacity(send).await?;

        let frame = poll_fn(|cx| {
            if send.poll_reset(cx).is_ready() {
                return Poll::Ready(Err(PumpError::Gone));
            }
            // Convert the error here so no `B::Error` is held across an await.
            body.as_mut()
                .poll_frame(cx)
                .map(|frame| Ok(frame.map(|result| result.map_err(Into::into))))
        })
        .await?;

        let frame = match frame {
            None => {
                send.send_data(Bytes::new(), true)
                    .map_err(|_| PumpError::Gone)?;
                return Ok(());
            }
            Some(Err(err)) => return Err(PumpError::Body(err)),
            Some(Ok(frame)) => frame,
        };

        match frame.into_data() {
            Ok(mut data) => {
                let mut data = data.copy_to_bytes(data.remaining());
                while !data.is_empty() {
                    send.reserve_capacity(data.len());
                    let capacity = wait_for_capacity(send).await?;
                    let chunk = data.split_to(capacity.min(data.len()));
                    let end = data.is_empty() && body.is_end_stream();
                    send.send_data(chunk, end).map_err(|_| PumpError::Gone)?;
                    if end {
                        return Ok(());
                    }
                }
            }
            Err(frame) => {
                if let Ok(trailers) = frame.into_trailers() {
                    send.send_trailers(trailers).map_err(|_| PumpError::Gone)?;
                    return Ok(());
                }
            }
        }
    }
}

/// Waits until the stream has send window assigned, returning how much.
async fn wait_for_capacity(send: &mut SendStream<Bytes>) -> Result<usize, PumpError> {
    poll_fn(|cx| poll_capacity(send, cx)).await
}

fn poll_capacity(
    send: &mut SendStream<Bytes>,
    cx: &mut Context<'_>,
) -> Poll<Result<usize, PumpError>> {
    loop {
        let capacity = send.capacity();
        if capacity > 0 {
            return Poll::Ready(Ok(capacity));
        }
        if send.poll_reset(cx).is_ready() {
            return Poll::Ready(Err(PumpError::Gone));
        }
        match send.poll_capacity(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Some(Ok(_))) => {}
            Poll::Ready(Some(Err(_)) | None) => return Poll::Ready(Err(PumpError::Gone)),
        }
    }
}
