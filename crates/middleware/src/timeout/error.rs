//! [`Elapsed`]: the deadline passed.

use std::fmt;

/// The error of a call that did not finish before its [`Timeout`](super::Timeout)'s deadline.
///
/// It reaches the caller boxed, as a [`BoxError`](spire_service::BoxError); find it with
/// `is::<T>()` or `downcast_ref::<T>()`. The wording of its `Display` is not
/// part of the API.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::timeout::{Elapsed, Timeout};
/// use spire_service::{BoxError, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let never = service_fn(|()| std::future::pending::<Result<(), BoxError>>());
/// let err = Timeout::new(never, Duration::from_millis(10)).oneshot(()).await.unwrap_err();
/// assert!(err.downcast_ref::<Elapsed>().is_some());
/// assert_eq!(err.to_string(), "request timed out");
/// # }
/// ```
#[derive(Debug, Default)]
pub struct Elapsed {
    _private: (),
}

impl Elapsed {
    /// Creates the error.
    ///
    /// # Examples
    ///
    /// ```
    /// let _err = spire_middleware::timeout::Elapsed::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("request timed out")
    }
}

impl std::error::Error for Elapsed {}
