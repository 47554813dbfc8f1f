//! The leaf errors of the layers, in one place: [`Elapsed`], [`Overloaded`], [`Closed`].
//!
//! Each is a small struct with private fields, reached by callers through a
//! [`BoxError`](spire_service::BoxError): test for one with
//! `is::<T>()` or `downcast_ref::<T>()`. `Overloaded` and `Closed` live here
//! because more than one layer returns them; `Elapsed` lives in [`timeout`](crate::timeout)
//! and is re-exported. The wording of each `Display` is not part of the API.
//!
//! # Examples
//!
//! ```
//! use spire_middleware::error::{Closed, Elapsed, Overloaded};
//! use spire_service::BoxError;
//!
//! fn describe(err: &BoxError) -> &'static str {
//!     if err.is::<Elapsed>() {
//!         "too slow"
//!     } else if err.is::<Overloaded>() {
//!         "too busy"
//!     } else if err.is::<Closed>() {
//!         "gone"
//!     } else {
//!         "failed"
//!     }
//! }
//! assert_eq!(describe(&Overloaded::new().into()), "too busy");
//! ```

use std::fmt;

pub use crate::timeout::Elapsed;

/// The service was at capacity and turned the request away instead of waiting.
///
/// Returned by [`LoadShed`](crate::load_shed::LoadShed) when the inner service is not
/// ready, and by a [`ConcurrencyLimit`](crate::limit::concurrency::ConcurrencyLimit) set to
/// [`WhenFull::Reject`](crate::limit::concurrency::WhenFull::Reject) when all its permits are
/// taken. The request never reached the inner service, so it is always safe to retry.
///
/// # Examples
///
/// ```
/// use spire_middleware::error::Overloaded;
///
/// let err = Overloaded::new();
/// assert_eq!(err.to_string(), "service overloaded");
/// ```
#[derive(Debug, Default)]
pub struct Overloaded {
    _private: (),
}

impl Overloaded {
    /// Creates the error.
    ///
    /// # Examples
    ///
    /// ```
    /// let _err = spire_middleware::error::Overloaded::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl fmt::Display for Overloaded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("service overloaded")
    }
}

impl std::error::Error for Overloaded {}

/// What a layer shares with other services is gone: a buffer's worker has stopped, or a
/// shared semaphore was closed.
///
/// Returned from `poll_ready`, so, as the [`Service`](spire_service::Service) contract
/// says, the service that returns it is finished: drop it.
///
/// # Examples
///
/// ```
/// use spire_middleware::error::Closed;
///
/// assert_eq!(Closed::new().to_string(), "service closed");
/// ```
#[derive(Debug, Default)]
pub struct Closed {
    _private: (),
}

impl Closed {
    /// Creates the error.
    ///
    /// # Examples
    ///
    /// ```
    /// let _err = spire_middleware::error::Closed::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("service closed")
    }
}

impl std::error::Error for Closed {}
