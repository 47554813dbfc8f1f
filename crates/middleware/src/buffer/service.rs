//! [`Buffer`].

use std::fmt;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, ready};

use spire_service::{BoxError, Service};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

use super::message::Message;
use super::{ResponseFuture, ServiceError, Worker};
use crate::error::Closed;
use crate::semaphore::PollSemaphore;

/// A handle to a service running in a [`Worker`] task, through a bounded queue.
///
/// `Buffer` is `Clone`, `Send` and `Sync` whatever the inner service is (the inner
/// service must only be `Send`): clones share the queue and the worker. It is generic
/// over the request type and the inner service's future type `F`, not over the service,
/// so its type stays short.
///
/// Errors are boxed: the inner service's call errors (with `Into<BoxError>`), a
/// [`ServiceError`] once the inner service failed, and [`Closed`] if the worker is gone.
///
/// # Examples
///
/// ```
/// use spire_middleware::buffer::Buffer;
/// use spire_service::{Service, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<&str, usize>();
/// let mut buffer = Buffer::new(mock, 16);
/// let mut other = buffer.clone();
///
/// let a = buffer.ready().await.unwrap().call("one");
/// let b = other.ready().await.unwrap().call("three");
/// for _ in 0..2 {
///     let (request, send) = handle.next_request().await.unwrap();
///     send.send_response(request.len());
/// }
/// assert_eq!(a.await.unwrap(), 3);
/// assert_eq!(b.await.unwrap(), 5);
/// # }
/// ```
pub struct Buffer<Req, F> {
    tx: mpsc::UnboundedSender<Message<Req, F>>,
    semaphore: PollSemaphore,
    /// The queue slot `poll_ready` reserved for the next call.
    permit: Option<OwnedSemaphorePermit>,
    /// Set by the worker when the inner service fails.
    failed: Arc<OnceLock<ServiceError>>,
}

impl<Req, F> Buffer<Req, F> {
    /// Moves `service` into a new [`Worker`] spawned on the current tokio runtime, and
    /// returns a handle to it with a queue of `bound` requests.
    ///
    /// `bound` is how many requests may wait for the worker at once; choose at least the
    /// number of callers that may call concurrently, so that none of them waits for a slot
    /// that a caller holding a reservation is not using.
    ///
    /// # Examples
    ///
    /// See [`Buffer`].
    ///
    /// # Panics
    ///
    /// Panics outside a tokio runtime, as [`tokio::spawn`] does, and if `bound` is zero.
    pub fn new<S>(service: S, bound: usize) -> Self
    where
        S: Service<Req, Future = F> + Send + 'static,
        S::Error: Into<BoxError>,
        Req: Send + 'static,
        F: Send + 'static,
    {
        let (buffer, worker) = Self::pair(service, bound);
        tokio::spawn(worker);
        buffer
    }

    /// Like [`new`](Self::new), but returns the [`Worker`] instead of spawning it, to run
    /// on an executor or task of the caller's choice.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::buffer::Buffer;
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) });
    /// let (buffer, worker) = Buffer::pair(svc, 4);
    /// // run the worker on a LocalSet, for instance
    /// let local = tokio::task::LocalSet::new();
    /// local
    ///     .run_until(async move {
    ///         let worker = tokio::task::spawn_local(worker);
    ///         assert_eq!(buffer.oneshot(9).await.unwrap(), 9);
    ///         worker.await.unwrap(); // every handle is gone: the worker is done
    ///     })
    ///     .await;
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `bound` is zero.
    pub fn pair<S>(service: S, bound: usize) -> (Self, Worker<S, Req>)
    where
        S: Service<Req, Future = F>,
        S::Error: Into<BoxError>,
    {
        assert!(bound > 0, "a buffer needs room for at least one request");
        let (tx, rx) = mpsc::unbounded_channel();
        let semaphore = Arc::new(Semaphore::new(bound));
        let failed = Arc::new(OnceLock::new());
        let worker = Worker::new(service, rx, Arc::clone(&semaphore), Arc::clone(&failed));
        let buffer = Self {
            tx,
            semaphore: PollSemaphore::new(semaphore),
            permit: None,
            failed,
        };
        (buffer, worker)
    }

    /// The error every caller gets now that the worker is gone.
    fn error(&self) -> BoxError {
        match self.failed.get() {
            Some(error) => Box::new(error.clone()),
            None => Box::new(Closed::new()),
        }
    }
}

/// A clone shares the queue and the worker; it starts without a reserved slot.
impl<Req, F> Clone for Buffer<Req, F> {
    fn clone(&self) -> Self {
        Self {
            tx: self.tx.clone(),
            semaphore: self.semaphore.clone(),
            permit: None,
            failed: Arc::clone(&self.failed),
        }
    }
}

/// # Readiness
/// Reserves one slot of the queue: `Pending` while all `bound` slots are taken, until
/// the worker takes a request off the queue. It does **not** wait for the inner service:
/// that is the worker's job. Fails with [`ServiceError`] once the inner service has
/// failed, or with [`Closed`] if the worker is gone.
impl<Req, F, T, E> Service<Req> for Buffer<Req, F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Response = T;
    type Error = BoxError;
    type Future = ResponseFuture<F>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        if self.tx.is_closed() {
            // The worker is gone; its slots may not have been closed yet.
            self.permit = None;
            return Poll::Ready(Err(self.error()));
        }
        if self.permit.is_none() {
            match ready!(self.semaphore.poll_acquire(cx)) {
                Some(permit) => self.permit = Some(permit),
                None => return Poll::Ready(Err(self.error())),
            }
        }
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Req) -> Self::Future {
        let permit = self
            .permit
            .take()
            .expect("Buffer called without poll_ready returning Ready(Ok(())) first");
        let (tx, rx) = oneshot::channel();
        let message = Message {
            request,
            tx,
            span: tracing::Span::current(),
            _permit: permit,
        };
        match self.tx.send(message) {
            Ok(()) => ResponseFuture::new(rx),
            Err(_) => ResponseFuture::failed(self.error()),
        }
    }
}

impl<Req, F> fmt::Debug for Buffer<Req, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Buffer")
            .field("semaphore", &self.semaphore)
            .field("reserved", &self.permit.is_some())
            .field("failed", &self.failed.get())
            .finish()
    }
}
