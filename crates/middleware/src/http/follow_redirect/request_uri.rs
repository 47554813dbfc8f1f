//! [`RequestUri`].

use http::Uri;

/// The URI of the request that got the final response, after any redirects: a response
/// extension set by [`FollowRedirect`](super::FollowRedirect).
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use http::{Request, Response};
/// use spire_body::Full;
/// use spire_middleware::http::follow_redirect::{FollowRedirect, RequestUri};
/// use spire_middleware::http::replay::ReplayBody;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|_: Request<ReplayBody<Full<Bytes>>>| async {
///     Ok::<_, std::convert::Infallible>(Response::new(()))
/// });
/// let request = Request::get("http://example.com/").body(Full::new(Bytes::new())).unwrap();
/// let response = FollowRedirect::new(inner).oneshot(request).await.unwrap();
/// let RequestUri(uri) = response.extensions().get::<RequestUri>().unwrap();
/// assert_eq!(uri, "http://example.com/");
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestUri(pub Uri);
