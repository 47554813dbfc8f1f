//! [`RetryPolicy`].

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, Method, Request, Response, StatusCode, header};
use tokio::time::Sleep;

use crate::http::replay::ReplayBody;
use crate::retry::{Budget, ExponentialBackoff, Policy};

/// The retry [`Policy`] for HTTP clients: idempotent methods, on errors and on 502, 503
/// and 504, at most 3 attempts, with backoff and within a shared budget.
///
/// Each setting has a setter; the defaults are those of [the module docs](super):
///
/// | setting | default |
/// | --- | --- |
/// | [`methods`](Self::methods) | GET, HEAD, OPTIONS, TRACE, PUT, DELETE |
/// | [`statuses`](Self::statuses) | 502, 503, 504 |
/// | [`max_attempts`](Self::max_attempts) | 3 (the first attempt and 2 retries) |
/// | [`backoff`](Self::backoff) | 100 ms doubling up to 10 s, jitter 0.5 |
/// | [`max_retry_after`](Self::max_retry_after) | 10 s |
/// | [`budget`](Self::budget) | [`Budget::default`]: 20% of requests, 10 a second in reserve |
///
/// The policy is cloned for each request (it counts the attempts); the settings and the
/// budget are shared behind an `Arc`, so cloning is cheap and every clone draws from the
/// same budget. Each request that could be retried deposits into the budget once, and each
/// retry withdraws one.
///
/// Errors are always retried (for the methods allowed), whatever they are: for an
/// idempotent request, trying again is safe even if the first attempt reached the server.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
///
/// use http::{Method, StatusCode};
/// use spire_middleware::http::retry::RetryPolicy;
/// use spire_middleware::retry::{Budget, ExponentialBackoff};
///
/// let budget = Arc::new(Budget::new(Duration::from_secs(10), 5, 0.1));
/// let _policy = RetryPolicy::new()
///     .max_attempts(4)
///     .statuses([StatusCode::TOO_MANY_REQUESTS, StatusCode::SERVICE_UNAVAILABLE])
///     .methods([Method::GET])
///     .backoff(ExponentialBackoff::new(Duration::from_millis(50), Duration::from_secs(2), 0.5))
///     .budget(budget);
/// ```
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    config: Arc<Config>,
    /// Attempts made so far for this request.
    attempts: u32,
}

#[derive(Clone, Debug)]
struct Config {
    methods: Vec<Method>,
    statuses: Vec<StatusCode>,
    max_attempts: u32,
    backoff: ExponentialBackoff,
    max_retry_after: Duration,
    budget: Arc<Budget>,
}

impl RetryPolicy {
    /// The policy with the defaults listed on [`RetryPolicy`], and a budget of its own.
    ///
    /// # Examples
    ///
    /// See [`RetryPolicy`].
    #[must_use]
    pub fn new() -> Self {
        Self {
            config: Arc::new(Config {
                methods: vec![
                    Method::GET,
                    Method::HEAD,
                    Method::OPTIONS,
                    Method::TRACE,
                    Method::PUT,
                    Method::DELETE,
                ],
                statuses: vec![
                    StatusCode::BAD_GATEWAY,
                    StatusCode::SERVICE_UNAVAILABLE,
                    StatusCode::GATEWAY_TIMEOUT,
                ],
                max_attempts: 3,
                backoff: ExponentialBackoff::new(
                    Duration::from_millis(100),
                    Duration::from_secs(10),
                    0.5,
                ),
                max_retry_after: Duration::from_secs(10),
                budget: Arc::new(Budget::default()),
            }),
            attempts: 0,
        }
    }

    /// Retries requests with these methods only (replacing the list). Only list methods
    /// that are safe to send twice.
    ///
    /// # Examples
    ///
    /// See [`RetryPolicy`].
    #[must_use]
    pub fn methods(mut self, methods: impl IntoIterator<Item = Method>) -> Self {
        Arc::make_mut(&mut self.config).methods = methods.into_iter().collect();
        self
    }

    /// Retries responses with these statuses (replacing the list); errors are always
    /// retried.
    ///
    /// # Examples
    ///
    /// See [`RetryPolicy`].
    #[must_use]
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = StatusCode>) -> Self {
        Arc::make_mut(&mut self.config).statuses = statuses.into_iter().collect();
        self
    }

    /// Makes at most `max` attempts per request, the first one included; 1 turns retries
    /// off.
    ///
    /// # Examples
    ///
    /// See [`RetryPolicy`].
    #[must_use]
    pub fn max_attempts(mut self, max: u32) -> Self {
        Arc::make_mut(&mut self.config).max_attempts = max;
        self
    }

    /// Waits as `backoff` says before each retry (unless `Retry-After` asks for longer).
    ///
    /// # Examples
    ///
    /// See [`RetryPolicy`].
    #[must_use]
    pub fn backoff(mut self, backoff: ExponentialBackoff) -> Self {
        Arc::make_mut(&mut self.config).backoff = backoff;
        self
    }

    /// Honours a `Retry-After` in seconds up to `max`; a response asking for a longer wait
    /// is returned instead of retried. (`Retry-After` as an HTTP date is ignored.)
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let _policy = spire_middleware::http::retry::RetryPolicy::new()
    ///     .max_retry_after(Duration::from_secs(2));
    /// ```
    #[must_use]
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        Arc::make_mut(&mut self.config).max_retry_after = max;
        self
    }

    /// Draws retries from `budget`; share one `Arc` between policies to share a budget
    /// between clients.
    ///
    /// # Examples
    ///
    /// See [`RetryPolicy`].
    #[must_use]
    pub fn budget(mut self, budget: Arc<Budget>) -> Self {
        Arc::make_mut(&mut self.config).budget = budget;
        self
    }

    /// Whether `method` is one this policy retries.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::Method;
    /// use spire_middleware::http::retry::RetryPolicy;
    ///
    /// let policy = RetryPolicy::new();
    /// assert!(policy.is_retryable_method(&Method::PUT));
    /// assert!(!policy.is_retryable_method(&Method::POST));
    /// ```
    #[must_use]
    pub fn is_retryable_method(&self, method: &Method) -> bool {
        self.config.methods.contains(method)
    }

    /// Whether a response with `status` is retried.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::StatusCode;
    /// use spire_middleware::http::retry::RetryPolicy;
    ///
    /// let policy = RetryPolicy::new();
    /// assert!(policy.is_retryable_status(StatusCode::BAD_GATEWAY));
    /// assert!(!policy.is_retryable_status(StatusCode::INTERNAL_SERVER_ERROR));
    /// ```
    #[must_use]
    pub fn is_retryable_status(&self, status: StatusCode) -> bool {
        self.config.statuses.contains(&status)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

/// A `Retry-After` in delay-seconds (RFC 9110 §10.2.3); `None` if absent or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Too many digits to parse is "a very long time".
    Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)))
}

impl<B, ResB, E> Policy<Request<ReplayBody<B>>, Response<ResB>, E> for RetryPolicy {
    type Future = Sleep;

    fn retry(
        &mut self,
        request: &mut Request<ReplayBody<B>>,
        result: &mut Result<Response<ResB>, E>,
    ) -> Option<Sleep> {
        let config = &*self.config;
        if self.attempts == 0 {
            config.budget.deposit();
        }
        self.attempts += 1;
        let asked_wait = match result {
            Ok(response) if config.statuses.contains(&response.status()) => {
                retry_after(response.headers())
            }
            Ok(_) => return None,
            Err(_) => None,
        };
        if self.attempts >= config.max_attempts
            || asked_wait.is_some_and(|wait| wait > config.max_retry_after)
            || !request.body().is_replayable()
            || !config.budget.withdraw()
        {
            return None;
        }
        let delay = config.backoff.delay(self.attempts);
        let delay = asked_wait.map_or(delay, |wait| wait.max(delay));
        Some(tokio::time::sleep(delay))
    }

    fn clone_request(
        &mut self,
        request: &Request<ReplayBody<B>>,
    ) -> Option<Request<ReplayBody<B>>> {
        if !self.config.methods.contains(request.method()) {
            return None;
        }
        let mut clone = Request::new(request.body().try_clone()?);
        *clone.method_mut() = request.method().clone();
        *clone.uri_mut() = request.uri().clone();
        *clone.version_mut() = request.version();
        *clone.headers_mut() = request.headers().clone();
        *clone.extensions_mut() = request.extensions().clone();
        Some(clone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::RETRY_AFTER, http::HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn retry_after_reads_seconds_only() {
        assert_eq!(retry_after(&headers("3")), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(&headers(" 0 ")), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("Wed, 21 Oct 2015 07:28:00 GMT")), None);
        assert_eq!(retry_after(&headers("-1")), None);
        assert_eq!(retry_after(&headers("")), None);
        assert_eq!(
            retry_after(&headers("99999999999999999999999")),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}
