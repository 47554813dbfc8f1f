//! [`RateLimit`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use spire_service::Service;
use tokio::time::{Instant, Sleep};

use super::Rate;
use super::window::Window;
use crate::sync::lock;

/// A service that lets at most N calls through per period, waiting in `poll_ready` when
/// the period's budget is spent.
///
/// Clones share the budget: however many clones a framework makes, together they make at
/// most N calls per period. Each value has its own timer (a [`Sleep`], allocated the first
/// time that value has to wait and reset for every later wait), so waiting allocates
/// nothing per period or per call. The response future is the inner one, untouched.
///
/// # Examples
///
/// ```
/// use std::task::{Context, Waker};
/// use std::time::Duration;
///
/// use spire_middleware::limit::rate::RateLimit;
/// use spire_service::{Service, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let echo = service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) });
/// let mut svc = RateLimit::new(echo, 2, Duration::from_secs(1));
/// svc.ready().await.unwrap().call(1).await.unwrap();
/// svc.ready().await.unwrap().call(2).await.unwrap();
///
/// let mut cx = Context::from_waker(Waker::noop());
/// assert!(svc.poll_ready(&mut cx).is_pending()); // two per second: wait
/// tokio::time::advance(Duration::from_secs(1)).await;
/// assert!(svc.poll_ready(&mut cx).is_ready());
/// # }
/// ```
pub struct RateLimit<S> {
    inner: S,
    rate: Rate,
    /// The budget while this value has never been cloned: no lock on the hot path.
    own: Window,
    /// The budget shared with clones, made from `own` by the first clone; once it is set,
    /// `own` is unused.
    shared: OnceLock<Arc<Mutex<Window>>>,
    /// This value's timer; `None` until it first has to wait.
    sleep: Option<Pin<Box<Sleep>>>,
    /// `poll_ready` took a call from the budget that `call` has not used yet.
    reserved: bool,
}

impl<S> RateLimit<S> {
    /// Wraps `inner` so that at most `num` calls go through per `per`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::limit::rate::RateLimit;
    /// use spire_service::service_fn;
    ///
    /// let svc = RateLimit::new(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }), 10, Duration::from_secs(1));
    /// assert_eq!(svc.rate().num(), 10);
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `num` or `per` is zero, as [`Rate::new`] does.
    pub fn new(inner: S, num: u64, per: Duration) -> Self {
        Self::with_rate(inner, Rate::new(num, per))
    }

    /// Wraps `inner` so that at most `rate` calls go through.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::limit::rate::{Rate, RateLimit};
    /// use spire_service::service_fn;
    ///
    /// let rate = Rate::new(10, Duration::from_secs(1));
    /// let _svc = RateLimit::with_rate(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }), rate);
    /// ```
    pub fn with_rate(inner: S, rate: Rate) -> Self {
        Self {
            inner,
            rate,
            own: Window::default(),
            shared: OnceLock::new(),
            sleep: None,
            reserved: false,
        }
    }

    /// The rate this service enforces.
    #[must_use]
    pub const fn rate(&self) -> Rate {
        self.rate
    }

    /// Returns a reference to the inner service.
    pub const fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Returns a mutable reference to the inner service.
    pub const fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Consumes `self`, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// The budget shared with clones, made from this value's own budget on first use.
    fn shared(&self) -> &Arc<Mutex<Window>> {
        // `clone` takes `&self` while no `poll_ready` (which needs `&mut self`) can run, so
        // `own` is not changing under this copy.
        self.shared.get_or_init(|| Arc::new(Mutex::new(self.own)))
    }

    /// Waits until this value holds one call of the budget.
    #[inline]
    fn poll_budget(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        while !self.reserved {
            // The clock is read before any lock, so clones never wait through it.
            let now = Instant::now();
            let taken = match self.shared.get() {
                None => self.own.try_take(self.rate, now),
                Some(shared) => lock(shared).try_take(self.rate, now),
            };
            match taken {
                Ok(()) => self.reserved = true,
                Err(end) => {
                    let sleep = self
                        .sleep
                        .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(end)));
                    if sleep.deadline() != end {
                        sleep.as_mut().reset(end);
                    }
                    ready!(sleep.as_mut().poll(cx));
                }
            }
        }
        Poll::Ready(())
    }
}

/// A clone shares the budget; it starts with no reservation and no timer.
impl<S: Clone> Clone for RateLimit<S> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            rate: self.rate,
            own: Window::default(),
            shared: OnceLock::from(Arc::clone(self.shared())),
            sleep: None,
            reserved: false,
        }
    }
}

/// # Readiness
/// Takes one call from the shared budget of the current period, waiting for the next
/// period if it is spent, then polls the inner service. The call taken is kept, not
/// returned, if the service is dropped before `call`: it counts against the period.
///
/// # Panics
///
/// Waiting for the next period needs a tokio runtime with the time driver enabled;
/// `poll_ready` panics without one, as [`tokio::time::sleep`] does.
impl<S, Request> Service<Request> for RateLimit<S>
where
    S: Service<Request>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        ready!(self.poll_budget(cx));
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> S::Future {
        assert!(
            std::mem::take(&mut self.reserved),
            "RateLimit called without poll_ready returning Ready(Ok(())) first"
        );
        self.inner.call(request)
    }
}

impl<S: fmt::Debug> fmt::Debug for RateLimit<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimit")
            .field("inner", &self.inner)
            .field("rate", &self.rate)
            .field("reserved", &self.reserved)
            .finish_non_exhaustive()
    }
}
