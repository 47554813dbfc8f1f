//! [`Failed`].

use std::fmt;

use spire_service::BoxError;

/// A service in a [`ReadyCache`](super::ReadyCache) failed its readiness check; it has been
/// dropped from the cache.
///
/// Carries the service's key and its error, which is also the [`source`](std::error::Error::source).
///
/// # Examples
///
/// ```
/// use std::task::{Context, Poll, Waker};
///
/// use spire_middleware::ready_cache::ReadyCache;
///
/// let (svc, mut handle) = spire_test::mock::pair::<u8, u8>();
/// handle.send_error("broken");
/// let mut cache = ReadyCache::default();
/// cache.push(7, svc);
/// let Poll::Ready(Err(failed)) = cache.poll_pending(&mut Context::from_waker(Waker::noop())) else {
///     panic!("expected a failure");
/// };
/// assert_eq!(*failed.key(), 7);
/// assert_eq!(failed.error().to_string(), "broken");
/// assert!(cache.is_empty());
/// ```
#[derive(Debug)]
pub struct Failed<K> {
    key: K,
    error: BoxError,
}

impl<K> Failed<K> {
    pub(super) const fn new(key: K, error: BoxError) -> Self {
        Self { key, error }
    }

    /// The key of the service that failed.
    pub const fn key(&self) -> &K {
        &self.key
    }

    /// The service's error.
    #[must_use]
    pub fn error(&self) -> &BoxError {
        &self.error
    }

    /// Consumes `self`, returning the key and the error.
    pub fn into_parts(self) -> (K, BoxError) {
        (self.key, self.error)
    }
}

impl<K> fmt::Display for Failed<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("service failed its readiness check")
    }
}

impl<K: fmt::Debug> std::error::Error for Failed<K> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.error)
    }
}
