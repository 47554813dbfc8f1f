//! [`Either`]: one of two services (or layers), chosen at run time, as one type.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::layer::Identity;
use crate::{Layer, Service};

/// One of two services, or one of two layers, behind a single type.
///
/// `if` branches that build different service types cannot be returned from one function;
/// wrapping each in `Either::Left` or `Either::Right` gives them one type without boxing.
/// As a service, both sides must have the same response and error types. As a layer, it
/// applies whichever side it holds; [`option_layer`] builds `Either<L, Identity>` from an
/// `Option<L>`.
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceExt, service_fn};
/// use spire_service::util::Either;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let loud = true;
/// let svc = if loud {
///     Either::Left(service_fn(|s: &'static str| async move { Ok::<_, ()>(s.to_uppercase()) }))
/// } else {
///     Either::Right(service_fn(|s: &'static str| async move { Ok::<_, ()>(s.to_owned()) }))
/// };
/// assert_eq!(svc.oneshot("hi").await, Ok("HI".to_owned()));
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Either<A, B> {
    /// The first choice.
    Left(A),
    /// The second choice.
    Right(B),
}

/// # Readiness
/// Exactly the readiness of the side it holds.
impl<A, B, Request> Service<Request> for Either<A, B>
where
    A: Service<Request>,
    B: Service<Request, Response = A::Response, Error = A::Error>,
{
    type Response = A::Response;
    type Error = A::Error;
    type Future = EitherResponseFuture<A::Future, B::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), A::Error>> {
        match self {
            Self::Left(a) => a.poll_ready(cx),
            Self::Right(b) => b.poll_ready(cx),
        }
    }

    #[inline]
    fn call(&mut self, request: Request) -> Self::Future {
        let kind = match self {
            Self::Left(a) => Kind::Left {
                future: a.call(request),
            },
            Self::Right(b) => Kind::Right {
                future: b.call(request),
            },
        };
        EitherResponseFuture { kind }
    }
}

impl<S, A, B> Layer<S> for Either<A, B>
where
    A: Layer<S>,
    B: Layer<S>,
{
    type Service = Either<A::Service, B::Service>;

    #[inline]
    fn layer(&self, inner: S) -> Self::Service {
        match self {
            Self::Left(a) => Either::Left(a.layer(inner)),
            Self::Right(b) => Either::Right(b.layer(inner)),
        }
    }
}

/// Turns an optional layer into a layer: `Some(l)` applies `l`, `None` applies nothing.
///
/// [`ServiceBuilder::option_layer`](crate::ServiceBuilder::option_layer) calls this; use it
/// directly when composing layers by hand.
///
/// # Examples
///
/// ```
/// use spire_service::{Layer, ServiceExt, service_fn};
/// use spire_service::util::{MapResponseLayer, option_layer};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let verbose = false;
/// let layer = option_layer(verbose.then(|| MapResponseLayer::new(|x: u8| x * 100)));
/// let svc = layer.layer(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
/// assert_eq!(svc.oneshot(1).await, Ok(1)); // `None`: no layer applied
/// # }
/// ```
pub fn option_layer<L>(layer: Option<L>) -> Either<L, Identity> {
    layer.map_or_else(|| Either::Right(Identity::new()), Either::Left)
}

pin_project! {
    /// The response future of [`Either`]: the future of whichever side was called.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Service, ServiceExt, service_fn};
    /// use spire_service::util::Either;
    /// use spire_service::util::future::EitherResponseFuture;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let echo = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// let use_left = true;
    /// let mut svc = if use_left { Either::Left(echo) } else { Either::Right(echo) };
    /// let future: EitherResponseFuture<_, _> = svc.ready().await.unwrap().call(1);
    /// assert_eq!(future.await, Ok(1));
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the chosen side's future, with that side's cancel behaviour.
    pub struct EitherResponseFuture<A, B> {
        #[pin]
        kind: Kind<A, B>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<A, B> {
        Left { #[pin] future: A },
        Right { #[pin] future: B },
    }
}

impl<A, B> Future for EitherResponseFuture<A, B>
where
    A: Future,
    B: Future<Output = A::Output>,
{
    type Output = A::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<A::Output> {
        match self.project().kind.project() {
            KindProj::Left { future } => future.poll(cx),
            KindProj::Right { future } => future.poll(cx),
        }
    }
}

impl<A, B> fmt::Debug for EitherResponseFuture<A, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = match self.kind {
            Kind::Left { .. } => "Left",
            Kind::Right { .. } => "Right",
        };
        f.debug_struct("EitherResponseFuture")
            .field("side", &side)
            .finish()
    }
}
