//! [`Cors`].

use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderMap, HeaderValue, Method, Request, Response, header};
use spire_service::Service;

use super::{CorsLayer, ResponseFuture, VARY_PREFLIGHT};

/// A service that answers CORS preflights itself and adds CORS headers to the inner
/// service's responses. Built by [`CorsLayer`].
///
/// See [the module docs](super) for what is sent when.
///
/// # Examples
///
/// ```
/// use http::{HeaderValue, Method, Request, Response, StatusCode, header};
/// use spire_middleware::http::cors::{Cors, CorsLayer};
/// use spire_service::{Layer, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(String::new())) });
/// let svc: Cors<_> = CorsLayer::new()
///     .allow_origin(HeaderValue::from_static("https://app.example"))
///     .allow_methods([Method::PUT])
///     .layer(inner);
/// let preflight = Request::builder()
///     .method(Method::OPTIONS)
///     .header(header::ORIGIN, "https://app.example")
///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
///     .body(())
///     .unwrap();
/// let response = svc.oneshot(preflight).await.unwrap();
/// assert_eq!(response.status(), StatusCode::OK);
/// assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_METHODS], "PUT");
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Cors<S> {
    inner: S,
    config: Arc<CorsLayer>,
}

impl<S> Cors<S> {
    pub(super) fn from_config(inner: S, config: Arc<CorsLayer>) -> Self {
        Self { inner, config }
    }

    /// The configuration this service applies.
    pub fn config(&self) -> &CorsLayer {
        &self.config
    }

    /// Returns a reference to the inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Returns a mutable reference to the inner service.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Consumes `self`, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// # Readiness
/// Ready exactly when the inner service is; reserves nothing of its own. A preflight is
/// answered without calling the inner service, but still uses up the readiness it was
/// called with, as any call does.
impl<S, ReqB, ResB> Service<Request<ReqB>> for Cors<S>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
    ResB: Default,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        let config = &self.config;
        let vary_origin = config.allow_origin.varies();
        let (parts, body) = request.into_parts();

        // Without `Origin` this is not a CORS request (same-origin, or not a browser).
        let Some(origin) = parts.headers.get(header::ORIGIN) else {
            let future = self.inner.call(Request::from_parts(parts, body));
            return ResponseFuture::actual(future, None, vary_origin);
        };
        let allow_origin = config.allow_origin.to_header(origin, &parts);

        // Fetch standard, CORS-preflight request: `OPTIONS` with
        // `Access-Control-Request-Method`.
        if parts.method == Method::OPTIONS
            && parts
                .headers
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
        {
            let mut headers = HeaderMap::new();
            if let Some(allow_origin) = allow_origin {
                headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
                if config.allow_credentials {
                    headers.insert(
                        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                        HeaderValue::from_static("true"),
                    );
                }
                if let Some(methods) = config.allow_methods.to_header(&parts) {
                    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, methods);
                }
                if let Some(allowed) = config.allow_headers.to_header(&parts) {
                    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, allowed);
                }
                if let Some(max_age) = &config.max_age {
                    headers.insert(header::ACCESS_CONTROL_MAX_AGE, max_age.clone());
                }
            }
            headers.insert(header::VARY, VARY_PREFLIGHT);
            return ResponseFuture::preflight(headers);
        }

        let allowed = allow_origin.map(|value| (value, Arc::clone(config)));
        let future = self.inner.call(Request::from_parts(parts, body));
        ResponseFuture::actual(future, allowed, vary_origin)
    }
}
