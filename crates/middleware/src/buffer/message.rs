//! [`Message`]: one request on its way to the worker.

use tokio::sync::{OwnedSemaphorePermit, oneshot};

use super::ServiceError;

/// A request, the channel its response future goes back on, and the queue slot it
/// occupies until the worker hands it to the inner service.
pub(super) struct Message<Req, F> {
    pub(super) request: Req,
    pub(super) tx: oneshot::Sender<Result<F, ServiceError>>,
    pub(super) span: tracing::Span,
    pub(super) _permit: OwnedSemaphorePermit,
}
