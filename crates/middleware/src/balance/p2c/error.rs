//! [`DiscoverFailed`].

use std::fmt;

use spire_service::BoxError;

/// The [`Discover`](crate::discover::Discover) of a [`Balance`](super::Balance) failed.
///
/// `poll_ready` returns it, boxed; the discover's own error is the
/// [`source`](std::error::Error::source).
///
/// # Examples
///
/// ```
/// use futures_util::stream;
/// use spire_middleware::balance::p2c::{Balance, DiscoverFailed};
/// use spire_middleware::discover::Change;
/// use spire_middleware::load::Constant;
/// use spire_service::ServiceExt;
/// use spire_test::mock::Mock;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let registry = stream::iter([Err::<Change<u8, Constant<Mock<u8, u8>, u8>>, _>(
///     std::io::Error::other("registry unreachable"),
/// )]);
/// let mut svc = Balance::new(registry);
/// let err = svc.ready().await.unwrap_err();
/// let failed = err.downcast_ref::<DiscoverFailed>().unwrap();
/// assert_eq!(std::error::Error::source(failed).unwrap().to_string(), "registry unreachable");
/// # }
/// ```
#[derive(Debug)]
pub struct DiscoverFailed {
    source: BoxError,
}

impl DiscoverFailed {
    pub(super) const fn new(source: BoxError) -> Self {
        Self { source }
    }
}

impl fmt::Display for DiscoverFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("endpoint discovery failed")
    }
}

impl std::error::Error for DiscoverFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}
