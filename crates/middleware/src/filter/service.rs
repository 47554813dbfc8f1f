//! [`Filter`] and [`AsyncFilter`].

use std::fmt;
use std::task::{Context, Poll};

use spire_service::{BoxError, Service};

use super::{AsyncPredicate, AsyncResponseFuture, Predicate, ResponseFuture};

/// A service that checks each request with a [`Predicate`] and calls the inner service
/// only with the requests it lets through.
///
/// Errors are boxed: the predicate's rejection or the inner service's error.
///
/// # Examples
///
/// ```
/// use spire_middleware::filter::Filter;
/// use spire_service::{Service, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<u32, u32>();
/// let mut svc = Filter::new(mock, |x: u32| if x.is_multiple_of(2) { Ok(x) } else { Err("odd") });
///
/// let err = svc.ready().await.unwrap().call(3).await.unwrap_err();
/// assert_eq!(err.to_string(), "odd");
/// assert!(handle.try_next_request().is_none()); // rejected before the inner service
///
/// let response = svc.ready().await.unwrap().call(4);
/// handle.next_request().await.unwrap().1.send_response(40);
/// assert_eq!(response.await.unwrap(), 40);
/// # }
/// ```
#[derive(Clone)]
pub struct Filter<S, P> {
    inner: S,
    predicate: P,
}

impl<S, P> Filter<S, P> {
    /// Wraps `inner` so that every request goes through `predicate` first.
    ///
    /// # Examples
    ///
    /// See [`Filter`].
    pub const fn new(inner: S, predicate: P) -> Self {
        Self { inner, predicate }
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
/// Ready exactly when the inner service is; reserves nothing of its own. A rejected
/// request leaves the inner service's reservation for the next call.
impl<S, P, Request> Service<Request> for Filter<S, P>
where
    P: Predicate<Request>,
    S: Service<P::Request>,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match self.predicate.check(request) {
            Ok(request) => ResponseFuture::called(self.inner.call(request)),
            Err(rejection) => ResponseFuture::rejected(rejection),
        }
    }
}

/// A service that checks each request with an [`AsyncPredicate`] and calls the inner
/// service only with the requests it lets through.
///
/// The check runs inside the response future, so the inner service is called later, from
/// there: `call` moves the ready inner service into the future (leaving a clone in its
/// place), which is why the inner service must be `Clone`.
///
/// # Examples
///
/// ```
/// use spire_middleware::filter::AsyncFilter;
/// use spire_service::{BoxError, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|name: String| async move { Ok::<_, BoxError>(format!("hi {name}")) });
/// let svc = AsyncFilter::new(inner, |name: String| async move {
///     // imagine a lookup here
///     if name == "root" { Err("forbidden") } else { Ok(name) }
/// });
/// assert_eq!(svc.clone().oneshot("ana".to_owned()).await.unwrap(), "hi ana");
/// assert_eq!(svc.oneshot("root".to_owned()).await.unwrap_err().to_string(), "forbidden");
/// # }
/// ```
#[derive(Clone)]
pub struct AsyncFilter<S, P> {
    inner: S,
    predicate: P,
}

impl<S, P> AsyncFilter<S, P> {
    /// Wraps `inner` so that every request goes through `predicate` first.
    ///
    /// # Examples
    ///
    /// See [`AsyncFilter`].
    pub const fn new(inner: S, predicate: P) -> Self {
        Self { inner, predicate }
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
/// Ready exactly when the inner service is. `call` moves that ready service, with its
/// reservation, into the response future, which calls it once the check passes (or drops
/// it, releasing the reservation, if the check fails).
impl<S, P, Request> Service<Request> for AsyncFilter<S, P>
where
    P: AsyncPredicate<Request>,
    S: Service<P::Request> + Clone,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = AsyncResponseFuture<P, S, Request>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let fresh = self.inner.clone();
        let ready = std::mem::replace(&mut self.inner, fresh);
        AsyncResponseFuture::new(self.predicate.check(request), ready)
    }
}

impl<S: fmt::Debug, P> fmt::Debug for Filter<S, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Filter")
            .field("inner", &self.inner)
            .field("predicate", &format_args!("{}", std::any::type_name::<P>()))
            .finish()
    }
}

impl<S: fmt::Debug, P> fmt::Debug for AsyncFilter<S, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFilter")
            .field("inner", &self.inner)
            .field("predicate", &format_args!("{}", std::any::type_name::<P>()))
            .finish()
    }
}
