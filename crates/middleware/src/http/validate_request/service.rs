//! [`ValidateRequestHeader`].

use std::task::{Context, Poll};

use http::{Request, Response};
use spire_service::Service;

use super::{ResponseFuture, ValidateRequest};

/// A service that checks each request with a [`ValidateRequest`] and answers the ones
/// that fail without calling the inner service.
///
/// See [the module docs](super) for the built-in checks.
///
/// # Examples
///
/// ```
/// use http::{Request, Response, StatusCode, header};
/// use spire_middleware::http::validate_request::{Basic, ValidateRequestHeader};
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(String::new())) });
/// let svc = ValidateRequestHeader::custom(inner, Basic::new("aladdin", "opensesame"));
/// let response = svc.oneshot(Request::new(())).await.unwrap();
/// assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
/// assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Basic");
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct ValidateRequestHeader<S, T> {
    inner: S,
    validate: T,
}

impl<S, T> ValidateRequestHeader<S, T> {
    /// Wraps `inner` so that requests are checked with `validate` first.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::validate_request::{Bearer, ValidateRequestHeader};
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(String::new())) });
    ///
    /// let _svc = ValidateRequestHeader::custom(inner, Bearer::<String>::new("t0ken"));
    /// ```
    pub const fn custom(inner: S, validate: T) -> Self {
        Self { inner, validate }
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
impl<S, T, ReqB, ResB> Service<Request<ReqB>> for ValidateRequestHeader<S, T>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
    T: ValidateRequest<ReqB, ResponseBody = ResB>,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResB>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqB>) -> Self::Future {
        match self.validate.validate(&mut request) {
            Ok(()) => ResponseFuture::new(self.inner.call(request)),
            Err(response) => ResponseFuture::rejected(response),
        }
    }
}
