//! [`Compression`].

use std::task::{Context, Poll};

use http::{Method, Request, Response};
use spire_body::Body;
use spire_service::Service;

use super::coding::{self, Enabled};
use super::future::RequestFacts;
use super::{CompressionBody, DefaultPredicate, Level, Predicate, ResponseFuture};

/// A service that compresses response bodies with the coding the request's
/// `Accept-Encoding` prefers: gzip or deflate.
///
/// See [the module docs](super) for the rules. Build one with defaults with
/// [`Compression::new`], or with other settings through
/// [`CompressionLayer`](super::CompressionLayer).
///
/// **Readiness:** ready exactly when the inner service is; reserves nothing. Clones
/// share nothing.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use http::{Request, Response, header};
/// use spire_body::{BodyExt, Full};
/// use spire_middleware::http::compression::Compression;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|_: Request<()>| async {
///     Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("a".repeat(1000)))))
/// });
/// let request = Request::builder().header(header::ACCEPT_ENCODING, "gzip;q=0.8, deflate;q=0.9").body(()).unwrap();
/// let response = Compression::new(inner).oneshot(request).await.unwrap();
/// assert_eq!(response.headers()[header::CONTENT_ENCODING], "deflate");
/// assert_eq!(response.headers()[header::VARY], "accept-encoding");
/// assert!(response.into_body().collect().await.unwrap().to_bytes().len() < 100);
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Compression<S, P = DefaultPredicate> {
    inner: S,
    settings: Settings<P>,
}

/// What a [`CompressionLayer`](super::CompressionLayer) configures.
#[derive(Clone, Copy, Debug)]
pub(super) struct Settings<P> {
    pub(super) enabled: Enabled,
    pub(super) level: Level,
    pub(super) predicate: P,
}

impl Default for Settings<DefaultPredicate> {
    fn default() -> Self {
        Self {
            enabled: Enabled::default(),
            level: Level::DEFAULT,
            predicate: DefaultPredicate::new(),
        }
    }
}

impl<S> Compression<S> {
    /// Wraps `inner` with the defaults: gzip and deflate, [`Level::DEFAULT`], and the
    /// [`DefaultPredicate`] (bodies of 32 bytes and more).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::compression::Compression;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(String::new())) });
    ///
    /// let _svc = Compression::new(inner);
    /// ```
    pub fn new(inner: S) -> Self {
        Self::with_settings(inner, Settings::default())
    }
}

impl<S, P> Compression<S, P> {
    pub(super) const fn with_settings(inner: S, settings: Settings<P>) -> Self {
        Self { inner, settings }
    }

    /// Returns a reference to the inner service.
    pub const fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Returns a mutable reference to the inner service.
    pub const fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Consumes `self`, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// # Readiness
/// Ready exactly when the inner service is; reserves nothing of its own.
impl<S, P, ReqB, ResB> Service<Request<ReqB>> for Compression<S, P>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
    ResB: Body,
    P: Predicate,
{
    type Response = Response<CompressionBody<ResB>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, P>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        let facts = RequestFacts {
            coding: coding::negotiate(request.headers(), self.settings.enabled),
            is_head: request.method() == Method::HEAD,
        };
        ResponseFuture::new(
            self.inner.call(request),
            facts,
            self.settings.predicate.clone(),
            self.settings.level,
        )
    }
}
