//! The readiness future of one pending service, cancelable by its key's owner.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use spire_service::{BoxError, Service};
use tokio::sync::oneshot;

/// Why a pending service left the pending set without becoming ready.
pub(super) enum NotReady<K> {
    /// Its cancel sender was dropped (evicted, or replaced by a push of the same key).
    Canceled,
    Failed(K, BoxError),
}

pin_project! {
    /// Resolves to the service once it is ready, unless canceled first.
    pub(super) struct Pending<K, S, Req> {
        key: Option<K>,
        service: Option<S>,
        #[pin]
        cancel: oneshot::Receiver<()>,
        _request: PhantomData<fn(Req)>,
    }
}

impl<K, S, Req> Pending<K, S, Req> {
    pub(super) const fn new(key: K, service: S, cancel: oneshot::Receiver<()>) -> Self {
        Self {
            key: Some(key),
            service: Some(service),
            cancel,
            _request: PhantomData,
        }
    }
}

impl<K, S, Req> Future for Pending<K, S, Req>
where
    S: Service<Req>,
    S::Error: Into<BoxError>,
{
    type Output = Result<(K, S), NotReady<K>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        // Checked first, and on every poll: once its key is evicted, a service must never
        // come out of here as ready.
        if this.cancel.poll(cx).is_ready() {
            this.service.take();
            return Poll::Ready(Err(NotReady::Canceled));
        }
        let service = this
            .service
            .as_mut()
            .expect("pending readiness future polled after it completed");
        let result = ready!(service.poll_ready(cx));
        let key = this.key.take().expect("key is present until completion");
        let service = this
            .service
            .take()
            .expect("service is present until completion");
        Poll::Ready(match result {
            Ok(()) => Ok((key, service)),
            Err(e) => Err(NotReady::Failed(key, e.into())),
        })
    }
}
