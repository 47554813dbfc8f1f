//! [`KeyedRateLimit`].

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use spire_service::{BoxError, Service};
use tokio::time::Instant;

use super::window::Window;
use super::{Rate, RateLimited, ResponseFuture};
use crate::sync::lock;

/// A service that allows each key (a client address, a user id) at most N calls per
/// period, and rejects the others with [`RateLimited`].
///
/// `key` computes the key of each request. Each key has its own window; windows that
/// are over are forgotten from time to time (whenever the map has doubled since the last
/// sweep), so memory follows the number of recently active keys. Clones share the
/// windows.
///
/// # Examples
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// use std::time::Duration;
///
/// use spire_middleware::limit::rate::{KeyedRateLimit, RateLimited};
/// use spire_service::{Service, ServiceExt, service_fn};
///
/// struct Request { peer: IpAddr }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let handler = service_fn(|_req: Request| async { Ok::<_, std::io::Error>("ok") });
/// let mut svc = KeyedRateLimit::new(handler, 1, Duration::from_secs(60), |req: &Request| req.peer);
///
/// let a = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
/// let b = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
/// assert!(svc.ready().await.unwrap().call(Request { peer: a }).await.is_ok());
/// assert!(svc.ready().await.unwrap().call(Request { peer: b }).await.is_ok());
/// let err = svc.ready().await.unwrap().call(Request { peer: a }).await.unwrap_err();
/// assert_eq!(err.downcast_ref::<RateLimited>().unwrap().retry_after(), Duration::from_secs(60));
/// # }
/// ```
pub struct KeyedRateLimit<S, K, F> {
    inner: S,
    rate: Rate,
    key: F,
    windows: Arc<Mutex<Windows<K>>>,
}

struct Windows<K> {
    by_key: HashMap<K, Window>,
    /// Sweep the windows that are over when the map reaches this size.
    sweep_at: usize,
}

const MIN_SWEEP: usize = 64;

impl<S, K, F> KeyedRateLimit<S, K, F> {
    /// Wraps `inner` so that each key, computed by `key`, gets at most `num` calls per
    /// `per`.
    ///
    /// # Examples
    ///
    /// See [`KeyedRateLimit`].
    ///
    /// # Panics
    ///
    /// Panics if `num` or `per` is zero, as [`Rate::new`] does.
    pub fn new<Request>(inner: S, num: u64, per: Duration, key: F) -> Self
    where
        F: Fn(&Request) -> K,
    {
        Self::with_rate(inner, Rate::new(num, per), key)
    }

    /// Wraps `inner` so that each key, computed by `key`, gets at most `rate`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::limit::rate::{KeyedRateLimit, Rate};
    /// use spire_service::service_fn;
    ///
    /// let per_user = Rate::new(10, Duration::from_secs(1));
    /// let _svc = KeyedRateLimit::with_rate(
    ///     service_fn(|(user, _body): (u64, String)| async move { Ok::<_, std::io::Error>(user) }),
    ///     per_user,
    ///     |req: &(u64, String)| req.0,
    /// );
    /// ```
    pub fn with_rate<Request>(inner: S, rate: Rate, key: F) -> Self
    where
        F: Fn(&Request) -> K,
    {
        Self::from_parts(inner, rate, key)
    }

    /// [`with_rate`](Self::with_rate) without the bound that guides type inference, for
    /// the layer, which does not know the request type.
    pub(super) fn from_parts(inner: S, rate: Rate, key: F) -> Self {
        Self {
            inner,
            rate,
            key,
            windows: Arc::new(Mutex::new(Windows {
                by_key: HashMap::new(),
                sweep_at: MIN_SWEEP,
            })),
        }
    }

    /// The rate each key gets.
    #[must_use]
    pub const fn rate(&self) -> Rate {
        self.rate
    }

    /// How many keys have a window in memory (some of which may be over).
    #[must_use]
    pub fn tracked_keys(&self) -> usize {
        lock(&self.windows).by_key.len()
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
}

impl<K: Hash + Eq> Windows<K> {
    fn try_take(&mut self, key: K, rate: Rate, now: Instant) -> Result<(), Instant> {
        if self.by_key.len() >= self.sweep_at {
            self.by_key.retain(|_, window| !window.is_over(now));
            self.sweep_at = (self.by_key.len() * 2).max(MIN_SWEEP);
        }
        self.by_key.entry(key).or_default().try_take(rate, now)
    }
}

/// A clone shares the windows of every key.
impl<S: Clone, K, F: Clone> Clone for KeyedRateLimit<S, K, F> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            rate: self.rate,
            key: self.key.clone(),
            windows: Arc::clone(&self.windows),
        }
    }
}

/// # Readiness
/// Ready exactly when the inner service is; reserves nothing of its own, since the key is
/// only known in `call`. A call over its key's budget fails with [`RateLimited`] without
/// using the inner service's reservation, which stays for the next call.
impl<S, K, F, Request> Service<Request> for KeyedRateLimit<S, K, F>
where
    S: Service<Request>,
    S::Error: Into<BoxError>,
    F: Fn(&Request) -> K,
    K: Hash + Eq,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let key = (self.key)(&request);
        let now = Instant::now();
        let taken = lock(&self.windows).try_take(key, self.rate, now);
        match taken {
            Ok(()) => ResponseFuture::new(self.inner.call(request)),
            Err(end) => ResponseFuture::limited(RateLimited::new(end - now)),
        }
    }
}

impl<S: fmt::Debug, K, F> fmt::Debug for KeyedRateLimit<S, K, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyedRateLimit")
            .field("inner", &self.inner)
            .field("rate", &self.rate)
            .field("key", &format_args!("{}", std::any::type_name::<F>()))
            .finish_non_exhaustive()
    }
}
