//! The building blocks: one module per combinator, plus boxing, [`Either`], [`Oneshot`],
//! [`Ready`] and [`CallAll`].
//!
//! Every combinator comes as a service (`MapRequest<S, F>`), a layer (`MapRequestLayer<F>`)
//! and, when it changes the response future, a future type in [`future`]. Most code reaches
//! them through [`ServiceExt`](crate::ServiceExt) or [`ServiceBuilder`](crate::ServiceBuilder)
//! rather than by name; the names matter when a type must be written down.
//!
//! # Boxing
//!
//! A stack of layers has a long, unnameable type. Boxing erases it down to the request,
//! response and error types, at the cost of one allocation when the service is boxed and
//! one per call (the response future). Which box to use depends on what the code holding
//! it needs:
//!
//! | type | service is | future is | use it when |
//! | --- | --- | --- | --- |
//! | [`BoxService`] | `Send + Sync` | `Send` | one owner, possibly another thread |
//! | [`UnsyncBoxService`] | neither | neither | single-threaded code, `!Send` handlers |
//! | [`BoxCloneService`] | `Send + Clone` | `Send` | one clone per connection or task |
//! | [`BoxCloneSyncService`] | `Send + Sync + Clone` | `Send` | also shared by `&` across threads (e.g. in an `Arc`) |
//!
//! The compiler enforces each promise: the docs of [`UnsyncBoxService`] and
//! [`BoxCloneService`] show it refusing to send the one or share the other. [`BoxLayer`],
//! [`BoxCloneServiceLayer`] and [`BoxCloneSyncServiceLayer`] erase a stack of layers the
//! same way.
//!
//! # Examples
//!
//! ```
//! use spire_service::{ServiceExt, service_fn};
//! use spire_service::util::{MapRequest, MapResponse, ServiceFn};
//!
//! // The type `ServiceExt` builds, written out.
//! type Handler = ServiceFn<fn(u32) -> std::future::Ready<Result<u32, ()>>>;
//! fn handler(x: u32) -> std::future::Ready<Result<u32, ()>> {
//!     std::future::ready(Ok(x))
//! }
//! let _svc: MapResponse<MapRequest<Handler, fn(u8) -> u32>, fn(u32) -> String> =
//!     service_fn(handler as fn(u32) -> _)
//!         .map_request(u32::from as fn(u8) -> u32)
//!         .map_response(|x: u32| x.to_string());
//! ```

mod and_then;
mod boxed;
mod call_all;
mod either;
mod map_err;
mod map_future;
mod map_request;
mod map_response;
mod map_result;
mod oneshot;
mod ready;
mod service_fn;
mod then;

pub use self::and_then::{AndThen, AndThenLayer};
pub use self::boxed::{
    BoxCloneService, BoxCloneServiceLayer, BoxCloneSyncService, BoxCloneSyncServiceLayer, BoxLayer,
    BoxService, UnsyncBoxService,
};
pub use self::call_all::{CallAll, CallAllUnordered};
pub use self::either::{Either, option_layer};
pub use self::map_err::{MapErr, MapErrLayer};
pub use self::map_future::{MapFuture, MapFutureLayer};
pub use self::map_request::{MapRequest, MapRequestLayer};
pub use self::map_response::{MapResponse, MapResponseLayer};
pub use self::map_result::{MapResult, MapResultLayer};
pub use self::oneshot::Oneshot;
pub use self::ready::{Ready, ReadyOneshot};
pub use self::service_fn::{ServiceFn, service_fn};
pub use self::then::{Then, ThenLayer};

pub mod future {
    //! The response futures of the combinators in [`util`](crate::util).
    //!
    //! They are named so that a service's `Future` type can be written down; each one
    //! documents its cancel safety.
    //!
    //! # Examples
    //!
    //! ```
    //! use spire_service::Service;
    //! use spire_service::util::MapResponse;
    //! use spire_service::util::future::MapResponseFuture;
    //!
    //! fn future_type<S: Service<u8>>(_: &S) -> &'static str {
    //!     std::any::type_name::<S::Future>()
    //! }
    //! # let svc = MapResponse::new(spire_service::service_fn(|x: u8| async move { Ok::<_, ()>(x) }), |x: u8| x);
    //! assert!(future_type(&svc).contains("MapResponseFuture"));
    //! # let _: Option<MapResponseFuture<std::future::Ready<Result<u8, ()>>, fn(u8) -> u8>> = None;
    //! ```

    pub use super::and_then::AndThenFuture;
    pub use super::either::EitherResponseFuture;
    pub use super::map_err::MapErrFuture;
    pub use super::map_response::MapResponseFuture;
    pub use super::map_result::MapResultFuture;
    pub use super::then::ThenFuture;
}
