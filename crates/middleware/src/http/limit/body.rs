//! [`ResponseBody`]: the inner body or the 413's.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use spire_body::{Body, Frame, SizeHint};

/// The text of the 413 answer.
const PAYLOAD_TOO_LARGE: &[u8] = b"length limit exceeded";

pin_project! {
    /// The response body of [`RequestBodyLimit`](super::RequestBodyLimit): the inner
    /// service's body, or the short text of a 413 answered up front.
    ///
    /// It yields the inner body's data type and error, so no boxing or conversion happens
    /// on the normal path.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http::{Request, Response, header};
    /// use spire_body::{BodyExt, Full, Limited};
    /// use spire_middleware::http::limit::{RequestBodyLimit, ResponseBody};
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<Limited<Full<Bytes>>>| async {
    ///     Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("ok"))))
    /// });
    /// let request = Request::builder().header(header::CONTENT_LENGTH, "9").body(Full::new(Bytes::new())).unwrap();
    /// let body: ResponseBody<Full<Bytes>> = RequestBodyLimit::new(inner, 1).oneshot(request).await.unwrap().into_body();
    /// assert_eq!(body.collect().await.unwrap().to_bytes(), "length limit exceeded");
    /// # }
    /// ```
    pub struct ResponseBody<B> {
        #[pin]
        inner: Inner<B>,
    }
}

pin_project! {
    #[project = InnerProj]
    enum Inner<B> {
        Body { #[pin] body: B },
        PayloadTooLarge { message: Option<&'static [u8]> },
    }
}

impl<B> ResponseBody<B> {
    pub(super) fn new(body: B) -> Self {
        Self {
            inner: Inner::Body { body },
        }
    }

    pub(super) fn payload_too_large() -> Self {
        Self {
            inner: Inner::PayloadTooLarge {
                message: Some(PAYLOAD_TOO_LARGE),
            },
        }
    }
}

impl<B> Body for ResponseBody<B>
where
    B: Body,
    B::Data: From<&'static [u8]>,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        match self.project().inner.project() {
            InnerProj::Body { body } => body.poll_frame(cx),
            InnerProj::PayloadTooLarge { message } => Poll::Ready(
                message
                    .take()
                    .map(|text| Ok(Frame::data(B::Data::from(text)))),
            ),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Inner::Body { body } => body.is_end_stream(),
            Inner::PayloadTooLarge { message } => message.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Body { body } => body.size_hint(),
            Inner::PayloadTooLarge { message } => {
                SizeHint::with_exact(message.map_or(0, |text| text.len() as u64))
            }
        }
    }
}

impl<B: fmt::Debug> fmt::Debug for ResponseBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Body { body } => f.debug_tuple("ResponseBody").field(body).finish(),
            Inner::PayloadTooLarge { .. } => f.write_str("ResponseBody(PayloadTooLarge)"),
        }
    }
}
