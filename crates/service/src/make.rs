//! Services that make services: [`MakeService`], [`Shared`], [`IntoService`], [`AsService`].
//!
//! A server needs one service per connection, and a client one per destination. The thing
//! that makes them is itself a service, from a *target* (the connection's address, the
//! destination URI) to a new service. [`MakeService`] names that shape, so a signature can
//! say "something that makes `Service<Request>`s from `Target`s" instead of spelling out the
//! nested bounds.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::Service;

mod sealed {
    // Public so it can bound a public trait, in a private module so nobody outside can
    // name it, let alone implement it.
    pub trait Sealed<T> {}
}

/// A service that, for each `Target`, makes a new `Service<Request>`.
///
/// Implemented for every `M: Service<Target, Response = S>` where `S: Service<Request>`; it
/// cannot be implemented directly (it is sealed). It adds names, not behaviour:
/// [`make_service`](MakeService::make_service) is `call`, and its readiness is the maker's
/// readiness (a connection limit, for instance), separate from the readiness of each
/// service made.
///
/// # Examples
///
/// ```
/// use std::convert::Infallible;
///
/// use spire_service::make::MakeService;
/// use spire_service::{Service, ServiceExt, service_fn};
///
/// // For each peer address, a service that greets that peer.
/// async fn serve<M>(mut make: M, peers: &[&'static str]) -> Vec<String>
/// where
///     M: MakeService<&'static str, (), Response = String, Error = Infallible, MakeError = Infallible>,
/// {
///     let mut out = Vec::new();
///     for peer in peers {
///         let svc = make.as_service().ready().await.unwrap().call(peer).await.unwrap();
///         out.push(svc.oneshot(()).await.unwrap());
///     }
///     out
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let make = service_fn(|peer: &'static str| async move {
///     Ok::<_, Infallible>(service_fn(move |()| async move { Ok::<_, Infallible>(format!("hi {peer}")) }))
/// });
/// assert_eq!(serve(make, &["a", "b"]).await, ["hi a", "hi b"]);
/// # }
/// ```
pub trait MakeService<Target, Request>: sealed::Sealed<(Target, Request)> {
    /// The response type of the services made.
    type Response;

    /// The error type of the services made.
    type Error;

    /// The services made.
    type Service: Service<Request, Response = Self::Response, Error = Self::Error>;

    /// The error making a service can fail with.
    type MakeError;

    /// The future that resolves to a new service.
    type Future: Future<Output = Result<Self::Service, Self::MakeError>>;

    /// Reserves capacity to make one service; the maker's readiness, as
    /// [`Service::poll_ready`].
    ///
    /// # Errors
    ///
    /// An error means the maker is finished and must be dropped.
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::MakeError>>;

    /// Makes a service for `target`, consuming the reservation of
    /// [`poll_ready`](MakeService::poll_ready).
    fn make_service(&mut self, target: Target) -> Self::Future;

    /// Turns the maker into a plain [`Service`] from `Target` to the made service, to use
    /// with [`ServiceExt`](crate::ServiceExt) and layers.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::make::{MakeService, Shared};
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let make = Shared::new(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
    /// let make = MakeService::<(), u8>::into_service(make);
    /// let svc = make.oneshot(()).await.unwrap();
    /// assert_eq!(svc.oneshot(1).await, Ok(1));
    /// # }
    /// ```
    fn into_service(self) -> IntoService<Self, Request>
    where
        Self: Sized,
    {
        IntoService {
            make: self,
            _request: PhantomData,
        }
    }

    /// Borrows the maker as a plain [`Service`] from `Target` to the made service.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::make::{MakeService, Shared};
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut make = Shared::new(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
    /// for _ in 0..2 {
    ///     let svc = MakeService::<(), u8>::as_service(&mut make).oneshot(()).await.unwrap();
    ///     assert_eq!(svc.oneshot(3).await, Ok(3));
    /// }
    /// # }
    /// ```
    fn as_service(&mut self) -> AsService<'_, Self, Request>
    where
        Self: Sized,
    {
        AsService {
            make: self,
            _request: PhantomData,
        }
    }
}

impl<M, S, Target, Request> sealed::Sealed<(Target, Request)> for M
where
    M: Service<Target, Response = S>,
    S: Service<Request>,
{
}

impl<M, S, Target, Request> MakeService<Target, Request> for M
where
    M: Service<Target, Response = S>,
    S: Service<Request>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Service = S;
    type MakeError = M::Error;
    type Future = M::Future;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), M::Error>> {
        Service::poll_ready(self, cx)
    }

    #[inline]
    fn make_service(&mut self, target: Target) -> M::Future {
        Service::call(self, target)
    }
}

/// A [`MakeService`] as a [`Service`] from targets to made services, by value.
///
/// Returned by [`MakeService::into_service`].
///
/// # Examples
///
/// ```
/// use spire_service::make::{IntoService, MakeService, Shared};
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let make = Shared::new(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
/// let make: IntoService<_, u8> = MakeService::<(), u8>::into_service(make);
/// assert!(make.oneshot(()).await.is_ok());
/// # }
/// ```
pub struct IntoService<M, Request> {
    make: M,
    _request: PhantomData<fn(Request)>,
}

/// # Readiness
/// The maker's readiness ([`MakeService::poll_ready`]).
impl<M, Target, Request> Service<Target> for IntoService<M, Request>
where
    M: MakeService<Target, Request>,
{
    type Response = M::Service;
    type Error = M::MakeError;
    type Future = M::Future;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), M::MakeError>> {
        self.make.poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, target: Target) -> M::Future {
        self.make.make_service(target)
    }
}

impl<M: Clone, Request> Clone for IntoService<M, Request> {
    fn clone(&self) -> Self {
        Self {
            make: self.make.clone(),
            _request: PhantomData,
        }
    }
}

impl<M: fmt::Debug, Request> fmt::Debug for IntoService<M, Request> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntoService")
            .field("make", &self.make)
            .finish()
    }
}

/// A borrowed [`MakeService`] as a [`Service`] from targets to made services.
///
/// Returned by [`MakeService::as_service`].
///
/// # Examples
///
/// ```
/// use spire_service::make::{AsService, MakeService, Shared};
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut make = Shared::new(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
/// let svc: AsService<'_, _, u8> = MakeService::<(), u8>::as_service(&mut make);
/// assert!(svc.oneshot(()).await.is_ok());
/// # }
/// ```
pub struct AsService<'a, M, Request> {
    make: &'a mut M,
    _request: PhantomData<fn(Request)>,
}

/// # Readiness
/// The maker's readiness ([`MakeService::poll_ready`]).
impl<M, Target, Request> Service<Target> for AsService<'_, M, Request>
where
    M: MakeService<Target, Request>,
{
    type Response = M::Service;
    type Error = M::MakeError;
    type Future = M::Future;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), M::MakeError>> {
        self.make.poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, target: Target) -> M::Future {
        self.make.make_service(target)
    }
}

impl<M: fmt::Debug, Request> fmt::Debug for AsService<'_, M, Request> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsService")
            .field("make", &self.make)
            .finish()
    }
}

/// A [`MakeService`] that answers every target with a clone of one service.
///
/// For the common case where every connection gets the same application service: the
/// target is ignored, the clone is made at once, and making never fails. Each clone has
/// its own readiness, as the [`Service`] contract says of clones.
///
/// # Examples
///
/// ```
/// use spire_service::make::Shared;
/// use spire_service::{Service, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut make = Shared::new(service_fn(|x: u8| async move { Ok::<_, ()>(x * 2) }));
/// // `Shared` accepts any target type, so name it when calling through `ServiceExt`.
/// let for_peer_a = ServiceExt::<&str>::ready(&mut make).await.unwrap().call("10.0.0.1").await.unwrap();
/// let for_peer_b = ServiceExt::<&str>::ready(&mut make).await.unwrap().call("10.0.0.2").await.unwrap();
/// assert_eq!(for_peer_a.oneshot(1).await, Ok(2));
/// assert_eq!(for_peer_b.oneshot(2).await, Ok(4));
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Shared<S> {
    service: S,
}

impl<S> Shared<S> {
    /// Creates a maker that hands out clones of `service`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::make::Shared;
    /// use spire_service::service_fn;
    ///
    /// let _make = Shared::new(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
    /// ```
    pub const fn new(service: S) -> Self {
        Self { service }
    }
}

/// # Readiness
/// Always ready, and reserves nothing: cloning needs no capacity.
impl<S, T> Service<T> for Shared<S>
where
    S: Clone,
{
    type Response = S;
    type Error = Infallible;
    type Future = future::SharedFuture<S>;

    #[inline]
    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    #[inline]
    fn call(&mut self, _target: T) -> Self::Future {
        future::SharedFuture::new(self.service.clone())
    }
}

pub mod future {
    //! The future types of [`make`](crate::make).
    //!
    //! # Examples
    //!
    //! ```
    //! use spire_service::make::Shared;
    //! use spire_service::make::future::SharedFuture;
    //! use spire_service::{Service, service_fn};
    //!
    //! let mut make = Shared::new(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
    //! let _future: SharedFuture<_> = make.call(());
    //! ```

    use super::{Context, Future, Infallible, Pin, Poll, fmt};

    /// The future of [`Shared`](super::Shared): already resolved to a clone of the service.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::make::Shared;
    /// use spire_service::{Service, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut make = Shared::new(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
    /// let svc = make.call(()).await;
    /// assert!(svc.is_ok());
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if polled again after it returned `Poll::Ready`.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the clone; nothing else happens.
    pub struct SharedFuture<S> {
        service: Option<S>,
    }

    impl<S> SharedFuture<S> {
        pub(super) const fn new(service: S) -> Self {
            Self {
                service: Some(service),
            }
        }
    }

    // Holds the service by value and never pins it.
    impl<S> Unpin for SharedFuture<S> {}

    impl<S> Future for SharedFuture<S> {
        type Output = Result<S, Infallible>;

        #[inline]
        fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
            let service = self
                .service
                .take()
                .expect("SharedFuture polled after completion");
            Poll::Ready(Ok(service))
        }
    }

    impl<S: fmt::Debug> fmt::Debug for SharedFuture<S> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SharedFuture")
                .field("service", &self.service)
                .finish()
        }
    }
}
