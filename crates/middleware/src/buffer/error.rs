//! [`ServiceError`].

use std::fmt;
use std::sync::Arc;

use spire_service::BoxError;

/// The buffered service failed in `poll_ready`; every caller of the [`Buffer`](super::Buffer)
/// gets this error from then on.
///
/// The inner error is shared by all of them (behind an `Arc`); reach it with
/// [`source`](std::error::Error::source) or [`inner`](Self::inner).
///
/// # Examples
///
/// ```
/// use std::error::Error;
///
/// use spire_middleware::buffer::{Buffer, ServiceError};
/// use spire_service::ServiceExt;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<(), ()>();
/// let buffer = Buffer::new(mock, 8);
/// handle.send_error("database gone");
/// let err = buffer.oneshot(()).await.unwrap_err();
/// let err = err.downcast_ref::<ServiceError>().unwrap();
/// assert_eq!(err.source().unwrap().to_string(), "database gone");
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct ServiceError {
    inner: Arc<BoxError>,
}

impl ServiceError {
    pub(super) fn new(inner: BoxError) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The error the inner service failed with.
    #[must_use]
    pub fn inner(&self) -> &BoxError {
        &self.inner
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("buffered service failed")
    }
}

impl std::error::Error for ServiceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&**self.inner)
    }
}
