//! The response future of [`Buffer`](super::Buffer).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use spire_service::BoxError;
use tokio::sync::oneshot;

use super::ServiceError;
use crate::error::Closed;

pin_project! {
    /// The response future of [`Buffer`](super::Buffer): first waits for the worker to
    /// call the inner service, then drives the inner response future in the caller's task.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::buffer::{Buffer, ResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut buffer = Buffer::new(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }), 4);
    /// let future: ResponseFuture<_> = buffer.ready().await.unwrap().call(5);
    /// assert_eq!(future.await.unwrap(), 5);
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The inner service's error, boxed; [`ServiceError`] if the inner service failed
    /// before this request was called; [`Closed`] if the worker went away first.
    ///
    /// # Cancel safety
    ///
    /// Dropping it before the worker reaches the request makes the worker skip it (the
    /// inner service is never called with it); dropping it later drops the inner
    /// response future, cancelling the request as the inner service defines.
    pub struct ResponseFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F> {
        Queued { rx: oneshot::Receiver<Result<F, ServiceError>> },
        Called { #[pin] future: F },
        Failed { error: Option<BoxError> },
    }
}

impl<F> ResponseFuture<F> {
    pub(super) const fn new(rx: oneshot::Receiver<Result<F, ServiceError>>) -> Self {
        Self {
            state: State::Queued { rx },
        }
    }

    pub(super) const fn failed(error: BoxError) -> Self {
        Self {
            state: State::Failed { error: Some(error) },
        }
    }
}

impl<F, T, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Output = Result<T, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.project().state;
        loop {
            match state.as_mut().project() {
                StateProj::Queued { rx } => match ready!(Pin::new(rx).poll(cx)) {
                    Ok(Ok(future)) => state.set(State::Called { future }),
                    Ok(Err(error)) => return Poll::Ready(Err(Box::new(error))),
                    // The worker dropped the request without answering: it is gone.
                    Err(_) => return Poll::Ready(Err(Box::new(Closed::new()))),
                },
                StateProj::Called { future } => {
                    return Poll::Ready(ready!(future.poll(cx)).map_err(Into::into));
                }
                StateProj::Failed { error } => {
                    let error = error
                        .take()
                        .expect("buffer ResponseFuture polled after completion");
                    return Poll::Ready(Err(error));
                }
            }
        }
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Queued { .. } => "queued",
            State::Called { .. } => "called",
            State::Failed { .. } => "failed",
        };
        f.debug_struct("ResponseFuture")
            .field("state", &state)
            .finish()
    }
}
