//! [`SpawnReady`].

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};

use spire_service::{BoxError, Service};
use tokio::task::JoinHandle;

use super::ResponseFuture;
use crate::error::Closed;

/// A service that, when its inner service is not ready, polls it to readiness in a
/// spawned tokio task.
///
/// Errors are boxed: the inner service's errors, with `Into<BoxError>`. If the background
/// task panics, the panic is resumed in the caller's `poll_ready`; if it is cancelled
/// (the runtime is shutting down), `poll_ready` fails with [`Closed`].
///
/// # Examples
///
/// ```
/// use spire_middleware::spawn_ready::SpawnReady;
/// use spire_service::{Service, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<u8, u8>();
/// handle.allow(0);
/// let mut svc = SpawnReady::new(mock);
/// let ready = tokio::spawn(async move {
///     svc.ready().await.unwrap();
///     svc
/// });
/// handle.allow(1); // the background task sees it and makes the service ready
/// let mut svc = ready.await.unwrap();
/// let response = svc.call(1);
/// handle.next_request().await.unwrap().1.send_response(2);
/// assert_eq!(response.await.unwrap(), 2);
/// # }
/// ```
pub struct SpawnReady<S> {
    state: State<S>,
}

enum State<S> {
    /// The service is here, in this value.
    Here(S),
    /// A background task is polling the service to readiness.
    Spawned(JoinHandle<Result<S, BoxError>>),
    /// The background task failed; the service is gone.
    Gone,
}

impl<S> SpawnReady<S> {
    /// Wraps `inner`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::spawn_ready::SpawnReady;
    /// use spire_service::service_fn;
    ///
    /// let _svc = SpawnReady::new(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }));
    /// ```
    pub const fn new(inner: S) -> Self {
        Self {
            state: State::Here(inner),
        }
    }

    /// Whether a background task holds the service right now.
    #[must_use]
    pub const fn is_spawned(&self) -> bool {
        matches!(self.state, State::Spawned(_))
    }
}

/// # Readiness
/// Reserves what the inner service's readiness reserves. When the inner service is not
/// ready, it is moved into a task spawned on the current tokio runtime, which polls it
/// until it is ready (or fails); `poll_ready` returns `Pending` until that task is done,
/// then takes the ready service back. The inner service's `poll_ready` error is passed
/// on; after it, or after the task was cancelled ([`Closed`]), the service is gone and
/// every later `poll_ready` fails with [`Closed`].
///
/// # Panics
///
/// `poll_ready` panics outside a tokio runtime when it has to spawn, and resumes the
/// panic of a background task that panicked.
impl<S, Request> Service<Request> for SpawnReady<S>
where
    S: Service<Request> + Send + 'static,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        loop {
            self.state = match &mut self.state {
                State::Here(service) => match service.poll_ready(cx) {
                    Poll::Ready(result) => return Poll::Ready(result.map_err(Into::into)),
                    Poll::Pending => {
                        let State::Here(mut service) =
                            std::mem::replace(&mut self.state, State::Gone)
                        else {
                            unreachable!("matched State::Here above");
                        };
                        State::Spawned(tokio::spawn(async move {
                            poll_fn(|cx| service.poll_ready(cx))
                                .await
                                .map_err(Into::into)?;
                            Ok(service)
                        }))
                    }
                },
                State::Spawned(task) => match Pin::new(task).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(Ok(service))) => State::Here(service),
                    Poll::Ready(Ok(Err(error))) => {
                        self.state = State::Gone;
                        return Poll::Ready(Err(error));
                    }
                    Poll::Ready(Err(join_error)) => {
                        self.state = State::Gone;
                        if join_error.is_panic() {
                            std::panic::resume_unwind(join_error.into_panic());
                        }
                        return Poll::Ready(Err(Box::new(Closed::new())));
                    }
                },
                State::Gone => return Poll::Ready(Err(Box::new(Closed::new()))),
            };
        }
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match &mut self.state {
            State::Here(service) => ResponseFuture::new(service.call(request)),
            _ => panic!("SpawnReady called without poll_ready returning Ready(Ok(())) first"),
        }
    }
}

impl<S> Drop for SpawnReady<S> {
    fn drop(&mut self) {
        // Nobody will take the service back: stop polling it.
        if let State::Spawned(task) = &self.state {
            task.abort();
        }
    }
}

impl<S: fmt::Debug> fmt::Debug for SpawnReady<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("SpawnReady");
        match &self.state {
            State::Here(service) => debug.field("inner", service),
            State::Spawned(_) => debug.field("inner", &"in a background task"),
            State::Gone => debug.field("inner", &"gone"),
        };
        debug.finish()
    }
}
