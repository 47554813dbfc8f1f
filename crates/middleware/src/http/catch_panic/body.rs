//! [`ResponseBody`]: the inner body or the panic response's.

use std::convert::Infallible;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use spire_body::{Body, Frame, SizeHint};

pin_project! {
    /// The response body of [`CatchPanic`](super::CatchPanic): the inner service's body
    /// `B`, or the body `P` of the response made for a panic.
    ///
    /// It yields the inner body's data type and error; the panic body must have the same
    /// data type and never fail (`Error = Infallible`, as ready-made bodies such as
    /// [`Full`](spire_body::Full) do), so nothing is boxed.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http::{Request, Response};
    /// use spire_body::{BodyExt, Full};
    /// use spire_middleware::http::catch_panic::{CatchPanic, ResponseBody};
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async {
    ///     panic!("bug");
    ///     #[expect(unreachable_code, reason = "gives the block its type")]
    ///     Ok::<Response<Full<Bytes>>, std::convert::Infallible>(Response::new(Full::default()))
    /// });
    /// let body: ResponseBody<Full<Bytes>, Full<Bytes>> = CatchPanic::new(inner).oneshot(Request::new(())).await.unwrap().into_body();
    /// assert_eq!(body.collect().await.unwrap().to_bytes(), "internal server error");
    /// # }
    /// ```
    pub struct ResponseBody<B, P> {
        #[pin]
        kind: Kind<B, P>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<B, P> {
        Inner { #[pin] body: B },
        Panic { #[pin] body: P },
    }
}

impl<B, P> ResponseBody<B, P> {
    pub(super) fn inner(body: B) -> Self {
        Self {
            kind: Kind::Inner { body },
        }
    }

    pub(super) fn panic(body: P) -> Self {
        Self {
            kind: Kind::Panic { body },
        }
    }

    /// Returns `true` if this is the body of a response made for a panic.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response};
    /// use spire_middleware::http::catch_panic::CatchPanic;
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(Response::new(spire_body::Full::new(bytes::Bytes::new())))
    /// });
    /// let response = CatchPanic::new(inner).oneshot(Request::new(())).await.unwrap();
    /// assert!(!response.body().is_panic());
    /// # }
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self.kind, Kind::Panic { .. })
    }
}

impl<B, P> Body for ResponseBody<B, P>
where
    B: Body,
    P: Body<Data = B::Data, Error = Infallible>,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        match self.project().kind.project() {
            KindProj::Inner { body } => body.poll_frame(cx),
            KindProj::Panic { body } => body
                .poll_frame(cx)
                .map(|frame| frame.map(|result| result.map_err(|never| match never {}))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Inner { body } => body.is_end_stream(),
            Kind::Panic { body } => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Inner { body } => body.size_hint(),
            Kind::Panic { body } => body.size_hint(),
        }
    }
}

impl<B: fmt::Debug, P: fmt::Debug> fmt::Debug for ResponseBody<B, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Inner { body } => f.debug_tuple("ResponseBody::Inner").field(body).finish(),
            Kind::Panic { body } => f.debug_tuple("ResponseBody::Panic").field(body).finish(),
        }
    }
}
