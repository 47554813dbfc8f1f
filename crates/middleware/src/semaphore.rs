//! [`PollSemaphore`]: acquire owned permits of a tokio [`Semaphore`] from a `poll_*`
//! method, without allocating per acquisition.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use tokio::sync::{AcquireError, OwnedSemaphorePermit, Semaphore, TryAcquireError};

/// Acquires permits of a shared [`Semaphore`] from a `poll_ready`.
///
/// The fast path, a free permit, is `try_acquire_owned`: no future, no allocation. Only a
/// caller that has to wait needs tokio's `acquire_owned` future (which keeps its place in
/// the semaphore's FIFO queue). That future is boxed once, the first time this value
/// waits, and the box is reused by every later wait: [`AcquireSlot`] remembers the
/// function that makes the future, so a new future of the same type can be written into
/// the old box.
pub(crate) struct PollSemaphore {
    semaphore: Arc<Semaphore>,
    /// The reusable box. The `Mutex` is never locked: it is reached through `get_mut`,
    /// which needs `&mut self` and costs nothing. It is there only because tokio's acquire
    /// future is not `Sync`, and a service should be.
    slot: Mutex<Option<Pin<Box<dyn Acquire + Send>>>>,
    /// The slot holds a future that has not finished yet.
    waiting: bool,
}

/// A boxed acquire future that can be restarted in place.
trait Acquire {
    fn poll_acquire(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<OwnedSemaphorePermit, AcquireError>>;
    fn restart(self: Pin<&mut Self>, semaphore: Arc<Semaphore>);
}

pin_project! {
    struct AcquireSlot<F> {
        #[pin]
        future: F,
        make: fn(Arc<Semaphore>) -> F,
    }
}

impl<F> Acquire for AcquireSlot<F>
where
    F: Future<Output = Result<OwnedSemaphorePermit, AcquireError>>,
{
    fn poll_acquire(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<OwnedSemaphorePermit, AcquireError>> {
        self.project().future.poll(cx)
    }

    fn restart(self: Pin<&mut Self>, semaphore: Arc<Semaphore>) {
        let mut this = self.project();
        let make = *this.make;
        this.future.set(make(semaphore));
    }
}

fn acquire_owned(
    semaphore: Arc<Semaphore>,
) -> impl Future<Output = Result<OwnedSemaphorePermit, AcquireError>> + Send {
    semaphore.acquire_owned()
}

impl PollSemaphore {
    pub(crate) const fn new(semaphore: Arc<Semaphore>) -> Self {
        Self {
            semaphore,
            slot: Mutex::new(None),
            waiting: false,
        }
    }

    pub(crate) const fn semaphore(&self) -> &Arc<Semaphore> {
        &self.semaphore
    }

    /// Takes a free permit now, if there is one. `Err(true)` means the semaphore is
    /// closed, `Err(false)` that it is full.
    pub(crate) fn try_acquire(&self) -> Result<OwnedSemaphorePermit, bool> {
        Arc::clone(&self.semaphore)
            .try_acquire_owned()
            .map_err(|e| matches!(e, TryAcquireError::Closed))
    }

    /// Polls for a permit, queueing behind earlier waiters. `Ready(None)` means the
    /// semaphore is closed.
    #[inline]
    pub(crate) fn poll_acquire(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<OwnedSemaphorePermit>> {
        let slot = self.slot.get_mut().unwrap_or_else(PoisonError::into_inner);
        if !self.waiting {
            match Arc::clone(&self.semaphore).try_acquire_owned() {
                Ok(permit) => return Poll::Ready(Some(permit)),
                Err(TryAcquireError::Closed) => return Poll::Ready(None),
                Err(TryAcquireError::NoPermits) => {}
            }
            let semaphore = Arc::clone(&self.semaphore);
            match slot {
                Some(acquire) => acquire.as_mut().restart(semaphore),
                None => {
                    *slot = Some(Box::pin(AcquireSlot {
                        future: acquire_owned(semaphore),
                        make: acquire_owned,
                    }));
                }
            }
            self.waiting = true;
        }
        let acquire = slot.as_mut().expect("a waiting PollSemaphore has a slot");
        let result = std::task::ready!(acquire.as_mut().poll_acquire(cx));
        self.waiting = false;
        Poll::Ready(result.ok())
    }
}

impl Clone for PollSemaphore {
    /// A clone shares the semaphore, not the place in its queue.
    fn clone(&self) -> Self {
        Self::new(Arc::clone(&self.semaphore))
    }
}

impl fmt::Debug for PollSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PollSemaphore")
            .field("semaphore", &self.semaphore)
            .field("waiting", &self.waiting)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use super::*;

    #[test]
    fn poll_semaphore_reuses_its_box_across_waits() {
        let semaphore = Arc::new(Semaphore::new(1));
        let mut a = PollSemaphore::new(Arc::clone(&semaphore));
        let mut b = PollSemaphore::new(semaphore);
        let mut cx = Context::from_waker(Waker::noop());

        for _ in 0..3 {
            let Poll::Ready(Some(permit)) = a.poll_acquire(&mut cx) else {
                panic!("a free permit is taken at once");
            };
            assert!(b.poll_acquire(&mut cx).is_pending());
            let first_box = b
                .slot
                .get_mut()
                .unwrap()
                .as_ref()
                .map(|p| std::ptr::from_ref::<dyn Acquire + Send>(&**p).cast::<u8>());
            drop(permit);
            let Poll::Ready(Some(permit)) = b.poll_acquire(&mut cx) else {
                panic!("the released permit goes to the waiter");
            };
            drop(permit);
            // wait again: same allocation
            let permit = a.poll_acquire(&mut cx);
            assert!(b.poll_acquire(&mut cx).is_pending());
            let second_box = b
                .slot
                .get_mut()
                .unwrap()
                .as_ref()
                .map(|p| std::ptr::from_ref::<dyn Acquire + Send>(&**p).cast::<u8>());
            assert_eq!(first_box, second_box);
            drop(permit);
            assert!(matches!(b.poll_acquire(&mut cx), Poll::Ready(Some(_))));
        }
    }

    #[test]
    fn poll_semaphore_reports_closed() {
        let semaphore = Arc::new(Semaphore::new(0));
        let mut a = PollSemaphore::new(Arc::clone(&semaphore));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(a.poll_acquire(&mut cx).is_pending());
        semaphore.close();
        assert!(matches!(a.poll_acquire(&mut cx), Poll::Ready(None)));
        assert_eq!(a.try_acquire().err(), Some(true));
    }
}
