//! The recommended stacks: what most HTTP servers and most HTTP clients need, in one call.
//!
//! [`ServerStack`] and [`ClientStack`] hold the settings of each layer and build a
//! [`ServiceBuilder`] with those layers in an order that works (below). Extend the builder
//! with `.layer(..)` (the new layer goes inside the stack, nearest your service) or wrap
//! the built service in more layers; pare it down with the settings, which turn a layer
//! into a pass-through where that is meaningful. For a stack with layers taken out or
//! reordered, copy [`ServerStack::into_builder`]'s ten lines: they are plain
//! [`ServiceBuilderExt`] calls.
//!
//! # The server stack
//!
//! ```text
//!   set x-request-id ─► trace ─► propagate x-request-id ─► catch panic (500)
//!     ─► body limit (413) ─► compression ─► timeout (408) ─► load shed (503)
//!     ─► concurrency limit ─► your service
//! ```
//!
//! - The request id is set before the trace, so every request carries one while it is
//!   traced, and echoed on every response, the 500 of a panic included.
//! - The trace is outside everything that answers for the service (500, 413, 408, 503), so
//!   those answers are traced too.
//! - Load shedding sits right outside the concurrency limit: when all permits are taken,
//!   the next request gets a 503 at once instead of waiting (see
//!   [`http::load_shed`](crate::http::load_shed)). The limit is shared by every clone of the
//!   service, so with spire-server it bounds the whole server, not one connection.
//! - The 408 and 503 answers have empty bodies: your service's response body type must be
//!   `Default` (spire-body's `Full`, `Empty`, `BoxBody` and `UnsyncBoxBody` are).
//! - Your service receives `Request<Limited<B>>`: the body limit wraps the request body in
//!   spire-body's [`Limited`](spire_body::Limited), which fails past the limit.
//!
//! Every answer the stack makes is a response, never an error, except the concurrency
//! limit's, which is boxed: the stack's error type is [`BoxError`].
//!
//! # The client stack
//!
//! ```text
//!   trace (4xx and 5xx are failures) ─► timeout (all attempts together)
//!     ─► retry (idempotent requests, within a budget) ─► follow redirects
//!     ─► decompression ─► concurrency limit ─► your client
//! ```
//!
//! - The timeout bounds the whole call: every attempt, every redirect and the waits
//!   between them. It fails the call with [`Elapsed`](crate::error::Elapsed).
//! - Retries replay streamed request bodies up to a cap (a body past it is not retried),
//!   take only idempotent methods, and draw on one [`Budget`] shared by every clone, so a
//!   failing backend sees a bounded share of extra load.
//! - A redirect chain is retried as a whole.
//!
//! # Examples
//!
//! ```
//! use std::convert::Infallible;
//!
//! use bytes::Bytes;
//! use http::{Request, Response, StatusCode};
//! use spire_body::{Full, Limited};
//! use spire_middleware::stacks::ServerStack;
//! use spire_service::ServiceExt;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServerStack::new()
//!     .concurrency_limit(256)
//!     .into_builder()
//!     .service_fn(|_: Request<Limited<Full<Bytes>>>| async {
//!         Ok::<_, Infallible>(Response::new(Full::new(Bytes::from("hello"))))
//!     });
//! let response = svc.oneshot(Request::new(Full::new(Bytes::new()))).await.unwrap();
//! assert_eq!(response.status(), StatusCode::OK);
//! assert!(response.headers().contains_key("x-request-id"));
//! # }
//! ```

use std::sync::Arc;
use std::time::Duration;

#[cfg(doc)]
use spire_service::BoxError;
use spire_service::ServiceBuilder;
use spire_service::layer::{Identity, Stack};
#[cfg(doc)]
use tokio::sync::Semaphore;

use crate::ServiceBuilderExt;
use crate::http::catch_panic::CatchPanicLayer;
use crate::http::compression::CompressionLayer;
use crate::http::decompression::DecompressionLayer;
use crate::http::follow_redirect::FollowRedirectLayer;
use crate::http::limit::RequestBodyLimitLayer;
use crate::http::load_shed::LoadShedLayer as HttpLoadShedLayer;
use crate::http::request_id::{MakeRequestHex, PropagateRequestIdLayer, SetRequestIdLayer};
use crate::http::retry::{RetryLayer as HttpRetryLayer, RetryPolicy};
use crate::http::timeout::TimeoutLayer as HttpTimeoutLayer;
use crate::http::trace::{DefaultHooks, StatusInRangeAsFailures, TraceLayer};
use crate::limit::concurrency::ConcurrencyLimitLayer;
use crate::retry::Budget;
use crate::timeout::TimeoutLayer;

/// The layers of the server stack, outermost first in reading order (a [`Stack`] nests
/// the last one added outermost in the type).
pub type ServerLayers = Stack<
    ConcurrencyLimitLayer,
    Stack<
        HttpLoadShedLayer,
        Stack<
            HttpTimeoutLayer,
            Stack<
                CompressionLayer,
                Stack<
                    RequestBodyLimitLayer,
                    Stack<
                        CatchPanicLayer,
                        Stack<
                            PropagateRequestIdLayer,
                            Stack<TraceLayer, Stack<SetRequestIdLayer<MakeRequestHex>, Identity>>,
                        >,
                    >,
                >,
            >,
        >,
    >,
>;

/// The layers of the client stack.
pub type ClientLayers = Stack<
    ConcurrencyLimitLayer,
    Stack<
        DecompressionLayer,
        Stack<
            FollowRedirectLayer,
            Stack<
                HttpRetryLayer<RetryPolicy>,
                Stack<
                    TimeoutLayer,
                    Stack<TraceLayer<DefaultHooks, StatusInRangeAsFailures>, Identity>,
                >,
            >,
        >,
    >,
>;

/// The recommended server stack: catch panic, trace, request id, timeout, body limit,
/// concurrency limit, load shed and compression, with safe defaults.
///
/// | setting | default | off |
/// | --- | --- | --- |
/// | [`timeout`](Self::timeout) (408) | 30 s | `Duration::MAX` |
/// | [`body_limit`](Self::body_limit) (413) | 2 MiB | `usize::MAX` |
/// | [`concurrency_limit`](Self::concurrency_limit) (503 past it) | 1,024 requests in flight | [`Semaphore::MAX_PERMITS`] |
/// | [`compression`](Self::compression) | gzip and deflate, level 6, 32 bytes and up | [`without_compression`](Self::without_compression) |
/// | [`trace`](Self::trace) | [`TraceLayer::for_http`] | a [`DefaultHooks`] level no subscriber enables |
///
/// See [the module docs](self) for the order and why.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::stacks::ServerStack;
///
/// let _builder = ServerStack::new()
///     .timeout(Duration::from_secs(10))
///     .body_limit(64 * 1024)
///     .without_compression()
///     .into_builder();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ServerStack {
    timeout: Duration,
    body_limit: usize,
    concurrency_limit: usize,
    compression: CompressionLayer,
    trace: TraceLayer,
}

impl Default for ServerStack {
    fn default() -> Self {
        Self::new()
    }
}

impl ServerStack {
    /// The default request timeout.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default request body limit: 2 MiB.
    pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;
    /// The default number of requests in flight before new ones are answered 503.
    pub const DEFAULT_CONCURRENCY_LIMIT: usize = 1024;

    /// The stack with its defaults (see the table on [`ServerStack`]).
    pub fn new() -> Self {
        Self {
            timeout: Self::DEFAULT_TIMEOUT,
            body_limit: Self::DEFAULT_BODY_LIMIT,
            concurrency_limit: Self::DEFAULT_CONCURRENCY_LIMIT,
            compression: CompressionLayer::new(),
            trace: TraceLayer::for_http(),
        }
    }

    /// How long the service may take to produce a response head before the request is
    /// answered `408 Request Timeout`.
    pub const fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest request body in bytes: a larger `Content-Length` is answered
    /// `413 Content Too Large` up front; a streamed body that grows past it fails.
    pub const fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How many requests may be in flight in the service, across all its clones; past
    /// that, requests are answered `503 Service Unavailable` at once.
    ///
    /// # Panics
    ///
    /// [`into_builder`](Self::into_builder) panics if `max` is above
    /// [`Semaphore::MAX_PERMITS`].
    pub const fn concurrency_limit(mut self, max: usize) -> Self {
        self.concurrency_limit = max;
        self
    }

    /// Replaces the compression settings.
    pub fn compression(mut self, layer: CompressionLayer) -> Self {
        self.compression = layer;
        self
    }

    /// Turns compression off: the layer stays and passes every body through.
    pub fn without_compression(self) -> Self {
        let off = CompressionLayer::new().gzip(false).deflate(false);
        self.compression(off)
    }

    /// Replaces the trace settings (its hooks' levels, for instance).
    pub fn trace(mut self, layer: TraceLayer) -> Self {
        self.trace = layer;
        self
    }

    /// Builds the stack; add your service with `.service(..)` or `.service_fn(..)`.
    pub fn into_builder(self) -> ServiceBuilder<ServerLayers> {
        ServiceBuilder::new()
            .set_x_request_id(MakeRequestHex::new())
            .layer(self.trace)
            .propagate_x_request_id()
            .layer(CatchPanicLayer::new())
            .request_body_limit(self.body_limit)
            .layer(self.compression)
            .http_timeout(self.timeout)
            .http_load_shed()
            .concurrency_limit(self.concurrency_limit)
    }
}

/// The recommended client stack: trace, timeout, retry with a budget on idempotent
/// requests only, follow redirects, decompression and a concurrency limit.
///
/// | setting | default |
/// | --- | --- |
/// | [`timeout`](Self::timeout) (the whole call) | 30 s (`Duration::MAX` turns it off) |
/// | [`retry`](Self::retry) | [`RetryPolicy::new`]: idempotent methods, errors and 502/503/504, 3 attempts, with one shared [`Budget::default`] |
/// | [`follow_redirects`](Self::follow_redirects) | up to 20 hops, credentials dropped across origins |
/// | [`decompression`](Self::decompression) | gzip and deflate, at most 64 MiB and a ratio of 100 |
/// | [`concurrency_limit`](Self::concurrency_limit) | 1,024 requests in flight (callers wait) |
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::stacks::ClientStack;
///
/// let _builder = ClientStack::new().timeout(Duration::from_secs(5)).into_builder();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ClientStack {
    timeout: Duration,
    retry: RetryPolicy,
    follow_redirects: FollowRedirectLayer,
    decompression: DecompressionLayer,
    concurrency_limit: usize,
}

impl Default for ClientStack {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientStack {
    /// The default timeout of a whole call.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default number of requests in flight; more wait for a permit.
    pub const DEFAULT_CONCURRENCY_LIMIT: usize = 1024;

    /// The stack with its defaults (see the table on [`ClientStack`]).
    pub fn new() -> Self {
        Self {
            timeout: Self::DEFAULT_TIMEOUT,
            retry: RetryPolicy::new().budget(Arc::new(Budget::default())),
            follow_redirects: FollowRedirectLayer::new(),
            decompression: DecompressionLayer::new(),
            concurrency_limit: Self::DEFAULT_CONCURRENCY_LIMIT,
        }
    }

    /// How long a whole call may take, attempts and redirects included; past it the call
    /// fails with [`Elapsed`](crate::error::Elapsed).
    pub const fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Replaces the retry policy (`RetryPolicy::new().max_attempts(1)` turns retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Replaces the redirect settings.
    pub fn follow_redirects(mut self, layer: FollowRedirectLayer) -> Self {
        self.follow_redirects = layer;
        self
    }

    /// Replaces the decompression settings (codings and limits).
    pub fn decompression(mut self, layer: DecompressionLayer) -> Self {
        self.decompression = layer;
        self
    }

    /// How many requests may be in flight through the client; more wait.
    ///
    /// # Panics
    ///
    /// [`into_builder`](Self::into_builder) panics if `max` is above
    /// [`Semaphore::MAX_PERMITS`].
    pub const fn concurrency_limit(mut self, max: usize) -> Self {
        self.concurrency_limit = max;
        self
    }

    /// Builds the stack; add your client with `.service(..)`.
    pub fn into_builder(self) -> ServiceBuilder<ClientLayers> {
        ServiceBuilder::new()
            .layer(TraceLayer::new(
                DefaultHooks::new(),
                StatusInRangeAsFailures::for_client(),
            ))
            .timeout(self.timeout)
            .retry_http(self.retry)
            .layer(self.follow_redirects)
            .layer(self.decompression)
            .concurrency_limit(self.concurrency_limit)
    }
}

/// [`ServerStack::new`]`().into_builder()`: the recommended server stack with its defaults.
///
/// # Examples
///
/// ```
/// let _builder = spire_middleware::stacks::server();
/// ```
pub fn server() -> ServiceBuilder<ServerLayers> {
    ServerStack::new().into_builder()
}

/// [`ClientStack::new`]`().into_builder()`: the recommended client stack with its defaults.
///
/// # Examples
///
/// ```
/// let _builder = spire_middleware::stacks::client();
/// ```
pub fn client() -> ServiceBuilder<ClientLayers> {
    ClientStack::new().into_builder()
}
