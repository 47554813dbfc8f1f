//! [`ServiceExt`]: calling services correctly, and combinators.

use std::future::Future;

use futures_util::Stream;

use crate::Service;
use crate::util::{
    AndThen, BoxCloneService, BoxCloneSyncService, BoxService, CallAll, MapErr, MapFuture,
    MapRequest, MapResponse, MapResult, Oneshot, Ready, ReadyOneshot, Then,
};

/// Methods for every [`Service`]: waiting for readiness, calling, composing and boxing.
///
/// The first four are the right ways to call a service, and follow the contract on
/// [`Service`] for you:
///
/// | method | use it when |
/// | --- | --- |
/// | [`ready`](ServiceExt::ready) | you keep the service and call it many times: `svc.ready().await?.call(req)` |
/// | [`ready_oneshot`](ServiceExt::ready_oneshot) | you want the ready service by value |
/// | [`oneshot`](ServiceExt::oneshot) | the service value is used for one request |
/// | [`call_all`](ServiceExt::call_all) | you have a stream of requests |
///
/// The combinators wrap the service in one of the types of [`util`](crate::util); each has
/// a layer form for [`ServiceBuilder`](crate::ServiceBuilder). The `boxed*` methods erase
/// the type.
///
/// # Examples
///
/// ```
/// use spire_service::{Service, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut svc = service_fn(|x: i32| async move { Ok::<_, String>(x) })
///     .map_request(|s: &str| s.parse::<i32>().unwrap_or(0))
///     .and_then(|x| async move { if x >= 0 { Ok(x) } else { Err("negative".to_owned()) } });
///
/// assert_eq!(svc.ready().await.unwrap().call("12").await, Ok(12));
/// assert_eq!(svc.ready().await.unwrap().call("-1").await, Err("negative".to_owned()));
/// # }
/// ```
pub trait ServiceExt<Request>: Service<Request> {
    /// Waits until the service is ready, then yields `&mut self` for one call.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// let response = svc.ready().await.unwrap().call(1).await;
    /// assert_eq!(response, Ok(1));
    /// # }
    /// ```
    #[inline]
    fn ready(&mut self) -> Ready<'_, Self, Request>
    where
        Self: Sized,
    {
        Ready::new(self)
    }

    /// Waits until the service is ready, then yields it by value for one call.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// let mut svc = svc.ready_oneshot().await.unwrap();
    /// assert_eq!(svc.call(2).await, Ok(2));
    /// # }
    /// ```
    #[inline]
    fn ready_oneshot(self) -> ReadyOneshot<Self, Request>
    where
        Self: Sized,
    {
        ReadyOneshot::new(self)
    }

    /// Waits for readiness, calls the service once with `req`, and resolves to the response.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x + 1) });
    /// assert_eq!(svc.oneshot(1).await, Ok(2));
    /// # }
    /// ```
    #[inline]
    fn oneshot(self, req: Request) -> Oneshot<Self, Request>
    where
        Self: Sized,
    {
        Oneshot::new(self, req)
    }

    /// Calls the service with every request of `reqs`, yielding the responses in request
    /// order; [`CallAll::unordered`] yields them as they complete.
    ///
    /// Readiness is awaited before each call, and reserved only once the next request is in
    /// hand. See [`CallAll`] for how errors end the stream.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_util::{StreamExt, stream};
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x * 2) });
    /// let responses: Vec<_> = svc.call_all(stream::iter([1, 2, 3])).collect().await;
    /// assert_eq!(responses, [Ok(2), Ok(4), Ok(6)]);
    /// # }
    /// ```
    fn call_all<S>(self, reqs: S) -> CallAll<Self, S>
    where
        Self: Sized,
        S: Stream<Item = Request>,
    {
        CallAll::new(self, reqs)
    }

    /// Runs the asynchronous `f` on every successful response; see [`AndThen`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Ok::<_, String>(x) })
    ///     .and_then(|x: u8| async move { x.checked_add(250).ok_or_else(|| "overflow".to_owned()) });
    /// assert_eq!(svc.oneshot(10).await, Err("overflow".to_owned()));
    /// # }
    /// ```
    fn and_then<F>(self, f: F) -> AndThen<Self, F>
    where
        Self: Sized,
        F: Clone,
    {
        AndThen::new(self, f)
    }

    /// Runs the asynchronous `f` on the result of every call, success or error; see
    /// [`Then`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Err::<u8, _>(x) })
    ///     .then(|result: Result<u8, u8>| async move { Ok::<_, u8>(result.unwrap_or_default()) });
    /// assert_eq!(svc.oneshot(7).await, Ok(0));
    /// # }
    /// ```
    fn then<F, Response, Error, Fut>(self, f: F) -> Then<Self, F>
    where
        Self: Sized,
        Error: From<Self::Error>,
        F: FnOnce(Result<Self::Response, Self::Error>) -> Fut + Clone,
        Fut: Future<Output = Result<Response, Error>>,
    {
        Then::new(self, f)
    }

    /// Maps every request with `f` before the service sees it; see [`MapRequest`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|len: usize| async move { Ok::<_, ()>(len) })
    ///     .map_request(|s: &str| s.len());
    /// assert_eq!(svc.oneshot("hello").await, Ok(5));
    /// # }
    /// ```
    fn map_request<F, NewRequest>(self, f: F) -> MapRequest<Self, F>
    where
        Self: Sized,
        F: FnMut(NewRequest) -> Request,
    {
        MapRequest::new(self, f)
    }

    /// Maps every successful response with `f`; see [`MapResponse`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) }).map_response(|x| x == 0);
    /// assert_eq!(svc.oneshot(0).await, Ok(true));
    /// # }
    /// ```
    fn map_response<F, Response>(self, f: F) -> MapResponse<Self, F>
    where
        Self: Sized,
        F: FnOnce(Self::Response) -> Response + Clone,
    {
        MapResponse::new(self, f)
    }

    /// Maps every error, from `poll_ready` and from responses, with `f`; see [`MapErr`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{BoxError, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|_: ()| async move { Err::<(), _>(std::fmt::Error) })
    ///     .map_err(|e| BoxError::from(format!("formatting failed: {e}")));
    /// let err = svc.oneshot(()).await.unwrap_err();
    /// assert!(err.to_string().starts_with("formatting failed"));
    /// # }
    /// ```
    fn map_err<F, Error>(self, f: F) -> MapErr<Self, F>
    where
        Self: Sized,
        F: FnOnce(Self::Error) -> Error + Clone,
    {
        MapErr::new(self, f)
    }

    /// Maps the result of every call with `f`, which can turn errors into responses and back;
    /// see [`MapResult`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|s: &'static str| async move { s.parse::<i64>() })
    ///     .map_result(|r| Ok::<_, std::num::ParseIntError>(r.unwrap_or(-1)));
    /// assert_eq!(svc.oneshot("nope").await, Ok(-1));
    /// # }
    /// ```
    fn map_result<F, Response, Error>(self, f: F) -> MapResult<Self, F>
    where
        Self: Sized,
        Error: From<Self::Error>,
        F: FnOnce(Result<Self::Response, Self::Error>) -> Result<Response, Error> + Clone,
    {
        MapResult::new(self, f)
    }

    /// Replaces every response future with the one `f` builds from it; see [`MapFuture`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) })
    ///     .map_future(|fut| async move { Ok::<_, ()>(fut.await? + 1) });
    /// assert_eq!(svc.oneshot(1).await, Ok(2));
    /// # }
    /// ```
    fn map_future<F, Fut, Response, Error>(self, f: F) -> MapFuture<Self, F>
    where
        Self: Sized,
        F: FnMut(Self::Future) -> Fut,
        Error: From<Self::Error>,
        Fut: Future<Output = Result<Response, Error>>,
    {
        MapFuture::new(self, f)
    }

    /// Boxes the service into a [`BoxService`] (`Send + Sync`, not `Clone`).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{BoxService, ServiceExt, service_fn};
    ///
    /// let svc: BoxService<u8, u8, ()> = service_fn(|x: u8| async move { Ok(x) }).boxed();
    /// # drop(svc);
    /// ```
    fn boxed(self) -> BoxService<Request, Self::Response, Self::Error>
    where
        Self: Sized + Send + 'static,
        Self::Future: Send + 'static,
    {
        BoxService::new(self)
    }

    /// Boxes the service into a [`BoxCloneService`] (`Send + Clone`, not `Sync`).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{BoxCloneService, ServiceExt, service_fn};
    ///
    /// let svc: BoxCloneService<u8, u8, ()> =
    ///     service_fn(|x: u8| async move { Ok(x) }).boxed_clone();
    /// let _clone = svc.clone();
    /// ```
    fn boxed_clone(self) -> BoxCloneService<Request, Self::Response, Self::Error>
    where
        Self: Clone + Sized + Send + 'static,
        Self::Future: Send + 'static,
    {
        BoxCloneService::new(self)
    }

    /// Boxes the service into a [`BoxCloneSyncService`] (`Send + Sync + Clone`).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{BoxCloneSyncService, ServiceExt, service_fn};
    ///
    /// let svc: BoxCloneSyncService<u8, u8, ()> =
    ///     service_fn(|x: u8| async move { Ok(x) }).boxed_clone_sync();
    /// let _clone = svc.clone();
    /// ```
    fn boxed_clone_sync(self) -> BoxCloneSyncService<Request, Self::Response, Self::Error>
    where
        Self: Clone + Sized + Send + Sync + 'static,
        Self::Future: Send + 'static,
    {
        BoxCloneSyncService::new(self)
    }
}

impl<S, Request> ServiceExt<Request> for S where S: Service<Request> + ?Sized {}
