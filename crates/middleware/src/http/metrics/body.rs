//! [`ResponseBody`]: the inner body, holding its request's count.

use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use spire_body::{Body, Frame, SizeHint};

use super::counter::Guard;

pin_project! {
    /// The response body of [`InFlightRequests`](super::InFlightRequests) and
    /// [`RequestMetrics`](super::RequestMetrics): the inner body, unchanged, holding its
    /// request's in-flight count until it is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http::{Request, Response};
    /// use spire_body::{BodyExt, Full};
    /// use spire_middleware::http::metrics::{InFlightRequestsLayer, ResponseBody};
    /// use spire_service::{Layer, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("hi")))) });
    /// let (layer, counter) = InFlightRequestsLayer::pair();
    /// let body: ResponseBody<Full<Bytes>> = layer.layer(inner).oneshot(Request::new(())).await.unwrap().into_body();
    /// assert_eq!(counter.get(), 1);
    /// assert_eq!(body.collect().await.unwrap().to_bytes(), "hi");
    /// assert_eq!(counter.get(), 0);
    /// # }
    /// ```
    #[derive(Debug)]
    pub struct ResponseBody<B> {
        #[pin]
        inner: B,
        guard: Option<Guard>,
    }
}

impl<B> ResponseBody<B> {
    pub(super) fn new(inner: B, guard: Option<Guard>) -> Self {
        Self { inner, guard }
    }
}

impl<B: Body> Body for ResponseBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        self.project().inner.poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
