//! [`TraceHooks`], the one trait of the trace layer's hooks; [`DefaultHooks`], its
//! configurable implementation; and [`RedactedHeaders`], headers printed without their
//! sensitive values.

use std::fmt;
use std::time::Duration;

use bytes::Buf;
use http::{HeaderMap, HeaderValue, Request, Response};
use tracing::field::{Empty, debug};
use tracing::{Level, Span};

use super::FailureClass;

/// Makes a span at a level known only at run time: `tracing` needs the level of each
/// call site to be a constant, so there is one call site per level.
macro_rules! span_at {
    ($level:expr, $($rest:tt)+) => {
        match $level {
            Level::ERROR => tracing::span!(Level::ERROR, $($rest)+),
            Level::WARN => tracing::span!(Level::WARN, $($rest)+),
            Level::INFO => tracing::span!(Level::INFO, $($rest)+),
            Level::DEBUG => tracing::span!(Level::DEBUG, $($rest)+),
            _ => tracing::span!(Level::TRACE, $($rest)+),
        }
    };
}

/// Emits an event at a level known only at run time (see `span_at`).
macro_rules! event_at {
    ($level:expr, $($rest:tt)+) => {
        match $level {
            Level::ERROR => tracing::event!(Level::ERROR, $($rest)+),
            Level::WARN => tracing::event!(Level::WARN, $($rest)+),
            Level::INFO => tracing::event!(Level::INFO, $($rest)+),
            Level::DEBUG => tracing::event!(Level::DEBUG, $($rest)+),
            _ => tracing::event!(Level::TRACE, $($rest)+),
        }
    };
}

/// What the [`Trace`](super::Trace) layer does at each point of a request: make its span,
/// and report the request, the response, each body chunk, the end of the body, and
/// failures.
///
/// Every method has a default, which does what [`DefaultHooks::new()`](DefaultHooks::new)
/// does, so an implementation overrides only what it changes. `F` is the failure class of
/// the layer's classifier ([`Classify::Failure`](super::Classify::Failure)).
///
/// The layer calls the hooks with the request's span entered (except `make_span`, which
/// makes it), in this order: `make_span`, `on_request`, then `on_response` (or
/// `on_failure` if the service fails), `on_failure` if the response is classified a
/// failure, `on_body_chunk` for each data frame, and `on_eos` once the body ends (or
/// `on_failure` if it fails). `latency` is always the time since the request reached the
/// layer. The layer itself records the span's `status` and `latency` fields when the
/// response arrives, whatever the hooks do.
///
/// The layer clones its hooks once per call, into the response future and then the
/// response body: keep clones cheap (an `Arc` for shared state).
///
/// # Examples
///
/// Count failures, and keep the default span and events:
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::time::Duration;
///
/// use http::{Request, Response, StatusCode};
/// use spire_middleware::http::trace::{FailureClass, ServerErrorsAsFailures, TraceHooks, TraceLayer};
/// use spire_service::{ServiceBuilder, ServiceExt};
/// use tracing::Span;
///
/// #[derive(Clone, Default)]
/// struct CountFailures(Arc<AtomicUsize>);
///
/// impl TraceHooks for CountFailures {
///     fn on_failure(&self, _: &FailureClass, _: Duration, _: &Span) {
///         self.0.fetch_add(1, Ordering::Relaxed);
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let hooks = CountFailures::default();
/// let svc = ServiceBuilder::new()
///     .layer(TraceLayer::new(hooks.clone(), ServerErrorsAsFailures::new()))
///     .service_fn(|_: Request<()>| async {
///         let mut response = Response::new(String::new());
///         *response.status_mut() = StatusCode::BAD_GATEWAY;
///         Ok::<_, std::convert::Infallible>(response)
///     });
/// let _response = svc.oneshot(Request::new(())).await.unwrap();
/// assert_eq!(hooks.0.load(Ordering::Relaxed), 1);
/// # }
/// ```
pub trait TraceHooks<F: fmt::Display = FailureClass> {
    /// Makes the request's span. The default is a span named `request` with the fields
    /// `method`, `uri`, `version`, and `status` and `latency` (empty until the response).
    fn make_span<B>(&self, request: &Request<B>) -> Span {
        TraceHooks::<F>::make_span(&DefaultHooks::new(), request)
    }

    /// The request reached the layer; it is about to be passed to the inner service.
    fn on_request<B>(&self, request: &Request<B>, span: &Span) {
        TraceHooks::<F>::on_request(&DefaultHooks::new(), request, span);
    }

    /// The inner service answered with `response` (its head; the body follows).
    fn on_response<B>(&self, response: &Response<B>, latency: Duration, span: &Span) {
        TraceHooks::<F>::on_response(&DefaultHooks::new(), response, latency, span);
    }

    /// The response body yielded a data frame. The default does nothing.
    fn on_body_chunk<D: Buf>(&self, chunk: &D, latency: Duration, span: &Span) {
        TraceHooks::<F>::on_body_chunk(&DefaultHooks::new(), chunk, latency, span);
    }

    /// The response body ended, with `trailers` if it sent any.
    fn on_eos(&self, trailers: Option<&HeaderMap>, latency: Duration, span: &Span) {
        TraceHooks::<F>::on_eos(&DefaultHooks::new(), trailers, latency, span);
    }

    /// The classifier found a failure: an error of the service or the body, or a
    /// response (or end of stream) it counts as one.
    fn on_failure(&self, failure: &F, latency: Duration, span: &Span) {
        DefaultHooks::new().on_failure(failure, latency, span);
    }
}

/// The hooks the layer uses unless told otherwise: a span and a few events at one level,
/// failures at another, headers left out unless asked for.
///
/// | hook | what it does |
/// | --- | --- |
/// | `make_span` | span `request` { `method`, `uri`, `version`, `headers` (only if included), `status`, `latency` } at `level` |
/// | `on_request` | event "started processing request" at `level` |
/// | `on_response` | event "finished processing request" { `status`, `latency`, `headers` (only if included) } at `level` |
/// | `on_body_chunk` | nothing |
/// | `on_eos` | event "end of stream" { `latency`, `trailers` (only if included and present) } at `level` |
/// | `on_failure` | event "response failed" { `classification`, `latency` } at `failure_level` |
///
/// The defaults are `DEBUG` for `level`, `ERROR` for `failure_level`, and no headers.
/// Headers, when included, are printed through [`RedactedHeaders`]: sensitive values never
/// appear. They are formatted only when a subscriber records them.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::trace::{DefaultHooks, ServerErrorsAsFailures, TraceLayer};
/// use tracing::Level;
///
/// let hooks = DefaultHooks::new().level(Level::INFO).include_headers(true);
/// let _layer = TraceLayer::new(hooks, ServerErrorsAsFailures::new());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefaultHooks {
    level: Level,
    failure_level: Level,
    include_headers: bool,
}

impl Default for DefaultHooks {
    fn default() -> Self {
        Self::new()
    }
}

impl DefaultHooks {
    /// Creates the default hooks: `DEBUG`, failures at `ERROR`, no headers.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::trace::DefaultHooks;
    ///
    /// assert_eq!(DefaultHooks::new(), DefaultHooks::default());
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            level: Level::DEBUG,
            failure_level: Level::ERROR,
            include_headers: false,
        }
    }

    /// Sets the level of the span and of every event but failures.
    ///
    /// # Examples
    ///
    /// ```
    /// let _hooks = spire_middleware::http::trace::DefaultHooks::new().level(tracing::Level::INFO);
    /// ```
    #[must_use]
    pub const fn level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// Sets the level of the failure events.
    ///
    /// # Examples
    ///
    /// ```
    /// let _hooks = spire_middleware::http::trace::DefaultHooks::new().failure_level(tracing::Level::WARN);
    /// ```
    #[must_use]
    pub const fn failure_level(mut self, level: Level) -> Self {
        self.failure_level = level;
        self
    }

    /// Sets whether the request headers (in the span), the response headers and the
    /// trailers (in the events) are recorded, sensitive values redacted.
    ///
    /// # Examples
    ///
    /// ```
    /// let _hooks = spire_middleware::http::trace::DefaultHooks::new().include_headers(true);
    /// ```
    #[must_use]
    pub const fn include_headers(mut self, include: bool) -> Self {
        self.include_headers = include;
        self
    }
}

impl<F: fmt::Display> TraceHooks<F> for DefaultHooks {
    fn make_span<B>(&self, request: &Request<B>) -> Span {
        let span = span_at!(
            self.level,
            "request",
            method = %request.method(),
            uri = %request.uri(),
            version = ?request.version(),
            headers = Empty,
            status = Empty,
            latency = Empty,
        );
        if self.include_headers {
            span.record("headers", debug(RedactedHeaders::new(request.headers())));
        }
        span
    }

    fn on_request<B>(&self, _: &Request<B>, _: &Span) {
        event_at!(self.level, "started processing request");
    }

    fn on_response<B>(&self, response: &Response<B>, latency: Duration, _: &Span) {
        let status = response.status().as_u16();
        if self.include_headers {
            let headers = RedactedHeaders::new(response.headers());
            event_at!(self.level, status, latency = ?latency, headers = ?headers, "finished processing request");
        } else {
            event_at!(self.level, status, latency = ?latency, "finished processing request");
        }
    }

    #[inline]
    fn on_body_chunk<D: Buf>(&self, _: &D, _: Duration, _: &Span) {}

    fn on_eos(&self, trailers: Option<&HeaderMap>, latency: Duration, _: &Span) {
        match trailers {
            Some(trailers) if self.include_headers => {
                let trailers = RedactedHeaders::new(trailers);
                event_at!(self.level, latency = ?latency, trailers = ?trailers, "end of stream");
            }
            _ => event_at!(self.level, latency = ?latency, "end of stream"),
        }
    }

    fn on_failure(&self, failure: &F, latency: Duration, _: &Span) {
        event_at!(self.failure_level, classification = %failure, latency = ?latency, "response failed");
    }
}

/// Headers as `Debug` prints them in a trace: a map of names to values, with every
/// [sensitive](HeaderValue::is_sensitive) value replaced by [`REDACTED`].
///
/// Mark values sensitive with the
/// [`sensitive_headers`](crate::http::sensitive_headers) layer, outside the trace layer
/// for requests and inside it for responses.
///
/// # Examples
///
/// ```
/// use http::{HeaderMap, HeaderValue, header};
/// use spire_middleware::http::trace::RedactedHeaders;
///
/// let mut headers = HeaderMap::new();
/// let mut token = HeaderValue::from_static("Bearer secret");
/// token.set_sensitive(true);
/// headers.insert(header::AUTHORIZATION, token);
/// headers.insert(header::HOST, HeaderValue::from_static("example.com"));
/// let printed = format!("{:?}", RedactedHeaders::new(&headers));
/// assert_eq!(printed, r#"{"authorization": [redacted], "host": "example.com"}"#);
/// ```
#[derive(Clone, Copy)]
pub struct RedactedHeaders<'a> {
    headers: &'a HeaderMap,
}

/// What [`RedactedHeaders`] prints in place of a sensitive value.
///
/// # Examples
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// use spire_middleware::http::trace::{REDACTED, RedactedHeaders};
///
/// let mut value = HeaderValue::from_static("secret");
/// value.set_sensitive(true);
/// let mut headers = HeaderMap::new();
/// headers.insert("x-api-key", value);
/// assert!(format!("{:?}", RedactedHeaders::new(&headers)).contains(REDACTED));
/// ```
pub const REDACTED: &str = "[redacted]";

impl<'a> RedactedHeaders<'a> {
    /// Wraps `headers` for printing.
    ///
    /// # Examples
    ///
    /// ```
    /// let headers = http::HeaderMap::new();
    /// assert_eq!(format!("{:?}", spire_middleware::http::trace::RedactedHeaders::new(&headers)), "{}");
    /// ```
    #[must_use]
    pub const fn new(headers: &'a HeaderMap) -> Self {
        Self { headers }
    }
}

/// One value, printed as `HeaderValue` prints it unless it is sensitive.
struct RedactedValue<'a>(&'a HeaderValue);

impl fmt::Debug for RedactedValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_sensitive() {
            f.write_str(REDACTED)
        } else {
            fmt::Debug::fmt(self.0, f)
        }
    }
}

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.headers
                    .iter()
                    .map(|(name, value)| (name, RedactedValue(value))),
            )
            .finish()
    }
}
