//! [`ReadyCache`].

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use futures_util::stream::FuturesUnordered;
use spire_service::{BoxError, Service};
use tokio::sync::oneshot;

use super::Failed;
use super::future::{NotReady, Pending};

/// Keyed services, split into those waiting for readiness and those ready to be called
/// (see the [module docs](super)).
///
/// Ready services are kept in an ordered list: index `0..ready_len()`. Indices are stable
/// until a ready service leaves the list (called, evicted, found not ready or failed);
/// then the last one takes its place.
///
/// # Examples
///
/// ```
/// use std::task::{Context, Poll, Waker};
///
/// use spire_middleware::ready_cache::ReadyCache;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (svc, mut handle) = spire_test::mock::pair::<&str, &str>();
/// let mut cache = ReadyCache::default();
/// cache.push("backend-1", svc);
/// let mut cx = Context::from_waker(Waker::noop());
/// assert!(matches!(cache.poll_pending(&mut cx), Poll::Ready(Ok(()))));
///
/// let response = cache.call_ready_index(0, "ping");
/// assert_eq!(cache.pending_len(), 1); // back to pending until it is ready again
/// let (request, send) = handle.next_request().await.unwrap();
/// assert_eq!(request, "ping");
/// send.send_response("pong");
/// assert_eq!(response.await.unwrap(), "pong");
/// # }
/// ```
pub struct ReadyCache<K, S, Req> {
    /// Services waiting for readiness, each cancelable through `pending_cancel`.
    pending: FuturesUnordered<Pending<K, S, Req>>,
    /// Dropping a key's sender cancels its pending future.
    pending_cancel: HashMap<K, oneshot::Sender<()>>,
    ready: Vec<(K, S)>,
    /// The position of each key in `ready`.
    ready_index: HashMap<K, usize>,
}

impl<K, S, Req> Default for ReadyCache<K, S, Req> {
    fn default() -> Self {
        Self {
            pending: FuturesUnordered::new(),
            pending_cancel: HashMap::new(),
            ready: Vec::new(),
            ready_index: HashMap::new(),
        }
    }
}

impl<K, S, Req> fmt::Debug for ReadyCache<K, S, Req> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadyCache")
            .field("pending", &self.pending_cancel.len())
            .field("ready", &self.ready.len())
            .finish_non_exhaustive()
    }
}

impl<K, S, Req> ReadyCache<K, S, Req>
where
    K: Clone + Hash + Eq,
{
    /// An empty cache.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ready_cache::ReadyCache;
    ///
    /// let cache: ReadyCache<u32, spire_test::mock::Mock<(), ()>, ()> = ReadyCache::new();
    /// assert!(cache.is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of services, ready or pending.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ready_len() + self.pending_len()
    }

    /// Whether the cache holds no service.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of ready services.
    #[must_use]
    pub fn ready_len(&self) -> usize {
        self.ready.len()
    }

    /// The number of services waiting for readiness.
    #[must_use]
    pub fn pending_len(&self) -> usize {
        self.pending_cancel.len()
    }

    /// Whether a service is held under `key`, ready or pending.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ready_cache::ReadyCache;
    ///
    /// let (svc, _handle) = spire_test::mock::pair::<(), ()>();
    /// let mut cache = ReadyCache::new();
    /// cache.push('a', svc);
    /// assert!(cache.contains_key(&'a'));
    /// assert!(!cache.contains_key(&'b'));
    /// ```
    pub fn contains_key(&self, key: &K) -> bool {
        self.ready_index.contains_key(key) || self.pending_cancel.contains_key(key)
    }

    /// The ready service under `key`, with its index.
    pub fn get_ready(&self, key: &K) -> Option<(usize, &K, &S)> {
        let index = *self.ready_index.get(key)?;
        let (key, service) = &self.ready[index];
        Some((index, key, service))
    }

    /// The ready service under `key`, with its index, mutably.
    pub fn get_ready_mut(&mut self, key: &K) -> Option<(usize, &K, &mut S)> {
        let index = *self.ready_index.get(key)?;
        let (key, service) = &mut self.ready[index];
        Some((index, &*key, service))
    }

    /// The ready service at `index`.
    ///
    /// # Examples
    ///
    /// See the [module docs](super).
    pub fn get_ready_index(&self, index: usize) -> Option<(&K, &S)> {
        self.ready.get(index).map(|(key, service)| (key, service))
    }

    /// The ready service at `index`, mutably.
    pub fn get_ready_index_mut(&mut self, index: usize) -> Option<(&K, &mut S)> {
        self.ready
            .get_mut(index)
            .map(|(key, service)| (&*key, service))
    }

    /// Drops the service under `key`, ready or pending; returns whether there was one.
    ///
    /// A pending service's readiness future is canceled: it will never come out as ready,
    /// and the service is dropped on the next [`poll_pending`](Self::poll_pending).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ready_cache::ReadyCache;
    ///
    /// let (svc, _handle) = spire_test::mock::pair::<(), ()>();
    /// let mut cache = ReadyCache::new();
    /// cache.push(1, svc);
    /// assert!(cache.evict(&1));
    /// assert!(!cache.evict(&1));
    /// assert!(cache.is_empty());
    /// ```
    pub fn evict(&mut self, key: &K) -> bool {
        if self.pending_cancel.remove(key).is_some() {
            return true;
        }
        match self.ready_index.get(key) {
            Some(&index) => {
                drop(self.remove_ready(index));
                true
            }
            None => false,
        }
    }

    /// Removes the ready entry at `index`, moving the last one into its place.
    fn remove_ready(&mut self, index: usize) -> (K, S) {
        let (key, service) = self.ready.swap_remove(index);
        self.ready_index.remove(&key);
        if let Some((moved, _)) = self.ready.get(index) {
            self.ready_index.insert(moved.clone(), index);
        }
        (key, service)
    }
}

impl<K, S, Req> ReadyCache<K, S, Req>
where
    K: Clone + Hash + Eq,
    S: Service<Req>,
    S::Error: Into<BoxError>,
{
    /// Adds `service` under `key`, as pending, replacing (and dropping) any service already
    /// under that key.
    ///
    /// # Examples
    ///
    /// See [`ReadyCache`].
    pub fn push(&mut self, key: K, service: S) {
        self.evict(&key);
        self.push_pending(key, service);
    }

    fn push_pending(&mut self, key: K, service: S) {
        let (tx, rx) = oneshot::channel();
        self.pending_cancel.insert(key.clone(), tx);
        self.pending.push(Pending::new(key, service, rx));
    }

    /// Polls the pending services, moving each one that is ready to the ready list.
    ///
    /// Returns `Ready(Ok(()))` when no service is pending any more, and `Pending` while
    /// some still are (the task is woken when one of them may be ready). Evicted services
    /// are dropped here.
    ///
    /// # Errors
    ///
    /// [`Failed`] with the key of a service whose `poll_ready` failed; that service is
    /// dropped, and the others stay where they are: call again to go on.
    ///
    /// # Examples
    ///
    /// See the [module docs](super).
    pub fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Failed<K>>> {
        loop {
            match Pin::new(&mut self.pending).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Ready(Some(Ok((key, service)))) => {
                    // Only a future whose sender is still in place can get here (a
                    // canceled one resolves as Canceled), so this entry is its own.
                    self.pending_cancel.remove(&key);
                    self.ready_index.insert(key.clone(), self.ready.len());
                    self.ready.push((key, service));
                }
                Poll::Ready(Some(Err(NotReady::Canceled))) => {}
                Poll::Ready(Some(Err(NotReady::Failed(key, error)))) => {
                    self.pending_cancel.remove(&key);
                    return Poll::Ready(Err(Failed::new(key, error)));
                }
            }
        }
    }

    /// Checks that the ready service at `index` is still ready.
    ///
    /// Returns `Ok(true)` if it is. If it is not, it moves back to pending and `Ok(false)`
    /// is returned; the last ready service then takes index `index`.
    ///
    /// # Errors
    ///
    /// [`Failed`] if its `poll_ready` failed; it is dropped.
    ///
    /// # Panics
    ///
    /// Panics if `index` is not below [`ready_len`](Self::ready_len).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Waker};
    ///
    /// use spire_middleware::ready_cache::ReadyCache;
    ///
    /// let (svc, mut handle) = spire_test::mock::pair::<(), ()>();
    /// let mut cache = ReadyCache::new();
    /// cache.push(0, svc);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(cache.poll_pending(&mut cx).is_ready());
    /// assert!(cache.check_ready_index(&mut cx, 0).unwrap()); // holds its reservation
    /// handle.send_error("gone");
    /// assert!(cache.check_ready_index(&mut cx, 0).is_err());
    /// assert!(cache.is_empty());
    /// ```
    pub fn check_ready_index(
        &mut self,
        cx: &mut Context<'_>,
        index: usize,
    ) -> Result<bool, Failed<K>> {
        let (_, service) = self
            .ready
            .get_mut(index)
            .expect("check_ready_index: index out of bounds");
        match service.poll_ready(cx) {
            Poll::Ready(Ok(())) => Ok(true),
            Poll::Pending => {
                let (key, service) = self.remove_ready(index);
                self.push_pending(key, service);
                Ok(false)
            }
            Poll::Ready(Err(error)) => {
                let (key, _service) = self.remove_ready(index);
                Err(Failed::new(key, error.into()))
            }
        }
    }

    /// Checks that the service under `key` is ready: `Ok(false)` if it is pending, absent,
    /// or no longer ready (then it moves back to pending).
    ///
    /// # Errors
    ///
    /// [`Failed`] if its `poll_ready` failed; it is dropped.
    pub fn check_ready(&mut self, cx: &mut Context<'_>, key: &K) -> Result<bool, Failed<K>> {
        match self.ready_index.get(key) {
            Some(&index) => self.check_ready_index(cx, index),
            None => Ok(false),
        }
    }

    /// Calls the ready service at `index` with `req`; the service then moves back to
    /// pending until it is ready again, and the last ready service takes index `index`.
    ///
    /// The caller must know the service is ready: it came out of
    /// [`poll_pending`](Self::poll_pending) or [`check_ready_index`](Self::check_ready_index)
    /// and has not been called since.
    ///
    /// # Panics
    ///
    /// Panics if `index` is not below [`ready_len`](Self::ready_len).
    ///
    /// # Examples
    ///
    /// See [`ReadyCache`].
    pub fn call_ready_index(&mut self, index: usize, req: Req) -> S::Future {
        assert!(
            index < self.ready.len(),
            "call_ready_index: index out of bounds"
        );
        let (key, mut service) = self.remove_ready(index);
        let future = service.call(req);
        self.push_pending(key, service);
        future
    }

    /// Calls the ready service under `key`, as [`call_ready_index`](Self::call_ready_index).
    ///
    /// # Panics
    ///
    /// Panics if no ready service is held under `key`.
    pub fn call_ready(&mut self, key: &K, req: Req) -> S::Future {
        let index = *self
            .ready_index
            .get(key)
            .expect("call_ready: no ready service under this key");
        self.call_ready_index(index, req)
    }
}
