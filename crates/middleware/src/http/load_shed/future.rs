//! The response future of the HTTP [`LoadShed`](super::LoadShed).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::{Response, StatusCode};
use pin_project_lite::pin_project;

pin_project! {
    /// The response future of the HTTP [`LoadShed`](super::LoadShed): the inner future,
    /// or a 503 answered at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response, StatusCode};
    /// use spire_middleware::http::load_shed::{LoadShed, ResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(())) });
    /// let mut svc = LoadShed::new(inner);
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(Request::new(()));
    /// assert_eq!(future.await.unwrap().status(), StatusCode::OK);
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future, if the call reached the inner service.
    #[derive(Debug)]
    pub struct ResponseFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProj]
    #[derive(Debug)]
    enum State<F> {
        Called { #[pin] future: F },
        Shed,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) const fn called(future: F) -> Self {
        Self {
            state: State::Called { future },
        }
    }

    pub(super) const fn shed() -> Self {
        Self { state: State::Shed }
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Called { future } => future.poll(cx),
            StateProj::Shed => {
                let mut response = Response::new(B::default());
                *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                Poll::Ready(Ok(response))
            }
        }
    }
}
