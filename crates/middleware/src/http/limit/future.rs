//! The response future of [`RequestBodyLimit`](super::RequestBodyLimit).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::{HeaderValue, Response, StatusCode, header};
use pin_project_lite::pin_project;

use super::ResponseBody;

pin_project! {
    /// The response future of [`RequestBodyLimit`](super::RequestBodyLimit): the inner
    /// future, or a ready 413 when the request was rejected up front.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response, StatusCode, header};
    /// use spire_middleware::http::limit::{RequestBodyLimit, ResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<spire_body::Limited<String>>| async {
    ///     Ok::<_, std::convert::Infallible>(Response::new(String::new()))
    /// });
    /// let mut svc = RequestBodyLimit::new(inner, 1);
    /// let request = Request::builder().header(header::CONTENT_LENGTH, "2").body("ab".to_owned()).unwrap();
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(request);
    /// assert_eq!(future.await.unwrap().status(), StatusCode::PAYLOAD_TOO_LARGE);
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future, if the inner service was called.
    #[derive(Debug)]
    pub struct ResponseFuture<F> {
        // `None`: rejected up front, answer 413.
        #[pin]
        future: Option<F>,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) fn new(future: F) -> Self {
        Self {
            future: Some(future),
        }
    }

    pub(super) fn payload_too_large() -> Self {
        Self { future: None }
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<ResponseBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Some(future) = self.project().future.as_pin_mut() else {
            let mut response = Response::new(ResponseBody::payload_too_large());
            *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            return Poll::Ready(Ok(response));
        };
        let response = ready!(future.poll(cx))?;
        Poll::Ready(Ok(response.map(ResponseBody::new)))
    }
}
