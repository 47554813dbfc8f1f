//! [`Worker`]: the task that owns the buffered service.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use spire_service::{BoxError, Service};
use tokio::sync::{Semaphore, mpsc};

use super::ServiceError;
use super::message::Message;

/// The future that owns a [`Buffer`](super::Buffer)'s service and feeds it the queued
/// requests, one at a time.
///
/// [`Buffer::new`](super::Buffer::new) spawns it; [`Buffer::pair`](super::Buffer::pair)
/// returns it for the caller to run. It completes when every `Buffer` handle is dropped
/// and the queue is empty, or after the inner service fails and every queued request has
/// been answered with the error. It then drops the service.
///
/// # Examples
///
/// ```
/// use spire_middleware::buffer::Buffer;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (buffer, worker) = Buffer::pair(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }), 1);
/// let worker = tokio::spawn(worker);
/// assert_eq!(buffer.oneshot(1).await.unwrap(), 1); // the last handle is dropped here
/// worker.await.unwrap(); // so the worker finishes
/// # }
/// ```
///
/// # Cancel safety
///
/// Dropping it drops the service and the queued requests: their callers, and every later
/// call, get [`Closed`](crate::error::Closed).
pub struct Worker<S, Req>
where
    S: Service<Req>,
{
    service: S,
    rx: mpsc::UnboundedReceiver<Message<Req, S::Future>>,
    /// A message taken off the queue, waiting for the service to be ready.
    current: Option<Message<Req, S::Future>>,
    semaphore: Arc<Semaphore>,
    failed: Arc<OnceLock<ServiceError>>,
}

impl<S, Req> Worker<S, Req>
where
    S: Service<Req>,
    S::Error: Into<BoxError>,
{
    pub(super) const fn new(
        service: S,
        rx: mpsc::UnboundedReceiver<Message<Req, S::Future>>,
        semaphore: Arc<Semaphore>,
        failed: Arc<OnceLock<ServiceError>>,
    ) -> Self {
        Self {
            service,
            rx,
            current: None,
            semaphore,
            failed,
        }
    }

    /// Records the failure and stops taking new requests; queued ones still get answered.
    fn fail(&mut self, error: BoxError) -> ServiceError {
        let error = self.failed.get_or_init(|| ServiceError::new(error)).clone();
        tracing::debug!(%error, "buffered service failed");
        self.semaphore.close();
        self.rx.close();
        error
    }
}

// The worker never pins its fields: the service is polled through `&mut`.
impl<S: Service<Req>, Req> Unpin for Worker<S, Req> {}

impl<S, Req> Future for Worker<S, Req>
where
    S: Service<Req>,
    S::Error: Into<BoxError>,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        loop {
            let message = match this.current.take() {
                Some(message) => message,
                None => match this.rx.poll_recv(cx) {
                    Poll::Ready(Some(message)) => message,
                    // Every handle is gone (or the worker failed) and the queue is empty.
                    Poll::Ready(None) => return Poll::Ready(()),
                    Poll::Pending => return Poll::Pending,
                },
            };
            if let Some(error) = this.failed.get() {
                let _ = message.tx.send(Err(error.clone()));
                continue;
            }
            if message.tx.is_closed() {
                // The caller gave up on this request; don't spend the service on it.
                continue;
            }
            let ready = {
                let _span = message.span.enter();
                this.service.poll_ready(cx)
            };
            match ready {
                Poll::Pending => {
                    this.current = Some(message);
                    return Poll::Pending;
                }
                Poll::Ready(Err(error)) => {
                    let error = this.fail(error.into());
                    let _ = message.tx.send(Err(error));
                }
                Poll::Ready(Ok(())) => {
                    if message.tx.is_closed() {
                        // The reservation stays with the service, for the next request.
                        continue;
                    }
                    let Message {
                        request, tx, span, ..
                    } = message;
                    let future = {
                        let _span = span.enter();
                        this.service.call(request)
                    };
                    let _ = tx.send(Ok(future));
                }
            }
        }
    }
}

impl<S: Service<Req>, Req> Drop for Worker<S, Req> {
    fn drop(&mut self) {
        // Wake the callers waiting for a slot: nobody will free one any more.
        self.semaphore.close();
    }
}

impl<S, Req> fmt::Debug for Worker<S, Req>
where
    S: Service<Req> + fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Worker")
            .field("service", &self.service)
            .field("waiting_for_ready", &self.current.is_some())
            .field("failed", &self.failed.get())
            .finish_non_exhaustive()
    }
}
