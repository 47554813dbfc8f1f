//! The response future of [`Cors`](super::Cors).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use http::{HeaderMap, HeaderValue, Response, header};
use pin_project_lite::pin_project;

use super::CorsLayer;

pin_project! {
    /// The response future of [`Cors`](super::Cors): a ready preflight answer, or the
    /// inner future with CORS headers added to its response.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response, header};
    /// use spire_middleware::http::cors::{CorsLayer, ResponseFuture};
    /// use spire_service::{Layer, Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(String::new())) });
    /// let mut svc = CorsLayer::permissive().layer(inner);
    /// let request = Request::builder().header(header::ORIGIN, "https://a.example").body(()).unwrap();
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(request);
    /// assert_eq!(future.await.unwrap().headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future, if there is one.
    pub struct ResponseFuture<F> {
        #[pin]
        kind: Kind<F>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<F> {
        Preflight { headers: Option<HeaderMap> },
        Actual {
            #[pin]
            future: F,
            // The `Access-Control-Allow-Origin` value, when the origin is allowed.
            allowed: Option<(HeaderValue, Arc<CorsLayer>)>,
            vary_origin: bool,
        },
    }
}

impl<F> ResponseFuture<F> {
    pub(super) fn preflight(headers: HeaderMap) -> Self {
        Self {
            kind: Kind::Preflight {
                headers: Some(headers),
            },
        }
    }

    pub(super) fn actual(
        future: F,
        allowed: Option<(HeaderValue, Arc<CorsLayer>)>,
        vary_origin: bool,
    ) -> Self {
        Self {
            kind: Kind::Actual {
                future,
                allowed,
                vary_origin,
            },
        }
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().kind.project() {
            KindProj::Preflight { headers } => {
                let mut response = Response::new(B::default());
                *response.headers_mut() = headers
                    .take()
                    .expect("ResponseFuture polled after completion");
                Poll::Ready(Ok(response))
            }
            KindProj::Actual {
                future,
                allowed,
                vary_origin,
            } => {
                let mut response = ready!(future.poll(cx))?;
                let headers = response.headers_mut();
                if let Some((allow_origin, config)) = allowed.take() {
                    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
                    if config.allow_credentials {
                        headers.insert(
                            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                            HeaderValue::from_static("true"),
                        );
                    }
                    if let Some(expose) = config.expose_headers.header() {
                        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, expose.clone());
                    }
                }
                if *vary_origin {
                    headers.append(header::VARY, HeaderValue::from_static("origin"));
                }
                Poll::Ready(Ok(response))
            }
        }
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
