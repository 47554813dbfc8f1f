//! The response future of [`CatchPanic`](super::CatchPanic).

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_util::FutureExt;
use futures_util::future::CatchUnwind;
use http::Response;
use pin_project_lite::pin_project;

use super::{ResponseBody, ResponseForPanic};

pin_project! {
    /// The response future of [`CatchPanic`](super::CatchPanic): the inner future, with a
    /// panic while polling it turned into the [`ResponseForPanic`]'s response.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response, StatusCode};
    /// use spire_middleware::http::catch_panic::{CatchPanic, ResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(Response::new(spire_body::Full::new(bytes::Bytes::new())))
    /// });
    /// let mut svc = CatchPanic::new(inner);
    /// let future: ResponseFuture<_, _> = svc.ready().await.unwrap().call(Request::new(()));
    /// assert_eq!(future.await.unwrap().status(), StatusCode::OK);
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future (or the caught panic's payload).
    pub struct ResponseFuture<F, T> {
        #[pin]
        kind: Kind<F>,
        response_for_panic: T,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<F> {
        Future { #[pin] future: CatchUnwind<AssertUnwindSafe<F>> },
        // `call` itself panicked; `None` once the response was made.
        Panicked { panic: Option<Box<dyn Any + Send + 'static>> },
    }
}

impl<F: Future, T> ResponseFuture<F, T> {
    pub(super) fn new(future: F, response_for_panic: T) -> Self {
        Self {
            kind: Kind::Future {
                future: AssertUnwindSafe(future).catch_unwind(),
            },
            response_for_panic,
        }
    }

    pub(super) fn panicked(panic: Box<dyn Any + Send + 'static>, response_for_panic: T) -> Self {
        Self {
            kind: Kind::Panicked { panic: Some(panic) },
            response_for_panic,
        }
    }
}

impl<F, T, B, E> Future for ResponseFuture<F, T>
where
    F: Future<Output = Result<Response<B>, E>>,
    T: ResponseForPanic,
{
    type Output = Result<Response<ResponseBody<B, T::ResponseBody>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let panic = match this.kind.project() {
            KindProj::Future { future } => match ready!(future.poll(cx)) {
                Ok(result) => {
                    return Poll::Ready(result.map(|response| response.map(ResponseBody::inner)));
                }
                Err(panic) => panic,
            },
            KindProj::Panicked { panic } => panic
                .take()
                .expect("ResponseFuture polled after completion"),
        };
        let response = this.response_for_panic.response_for_panic(panic);
        Poll::Ready(Ok(response.map(ResponseBody::panic)))
    }
}

impl<F, T> fmt::Debug for ResponseFuture<F, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
