//! [`ResponseFuture`].

use http::Request;

use crate::http::replay::ReplayBody;

/// The response future of the HTTP [`Retry`](super::Retry): the generic
/// [`retry::ResponseFuture`](crate::retry::ResponseFuture) over requests with a
/// [`ReplayBody`].
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use http::{Request, Response};
/// use spire_body::Full;
/// use spire_middleware::http::replay::ReplayBody;
/// use spire_middleware::http::retry::{ResponseFuture, Retry, RetryPolicy};
/// use spire_service::{BoxError, Service, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|_: Request<ReplayBody<Full<Bytes>>>| async {
///     Ok::<_, BoxError>(Response::new(()))
/// });
/// let mut svc = Retry::new(inner, RetryPolicy::new());
/// let future: ResponseFuture<RetryPolicy, _, Full<Bytes>> =
///     svc.ready().await.unwrap().call(Request::new(Full::new(Bytes::new())));
/// assert!(future.await.is_ok());
/// # }
/// ```
///
/// # Errors
///
/// The inner service's error from the last attempt, or from `poll_ready` before a retry.
///
/// # Cancel safety
///
/// Dropping it drops the current attempt or the wait before the next one; no further
/// attempt is made.
pub type ResponseFuture<P, S, B> = crate::retry::ResponseFuture<P, S, Request<ReplayBody<B>>>;
