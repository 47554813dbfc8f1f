//! The cost of one call through one middleware layer, spire-middleware beside tower and
//! tower-http.
//!
//! Every group wraps the same innermost service, an immediately ready `service_fn`, in one
//! layer from each library, configured alike, and measures one iteration as `ready`, `call`
//! and awaiting the response:
//!
//! | group | settings (both sides) |
//! | --- | --- |
//! | `middleware_timeout` | 30 s deadline; the response is ready first, so the timer never fires |
//! | `middleware_concurrency_limit` | 64 permits; each call takes one and gives it back |
//! | `middleware_rate_limit` | 2⁴⁰ calls per hour: the budget never runs out, so it never waits |
//! | `middleware_buffer` | bound 1024; one worker task on the same runtime |
//! | `middleware_retry` | a policy that clones the request (so a retry would be possible) and never retries |
//! | `middleware_load_shed` | the inner service is always ready, so nothing is shed |
//! | `middleware_set_header` | overrides `server` on the response |
//! | `middleware_cors` | `GET` with an allowed `Origin` (a list of two origins, `GET` and `POST` allowed): a simple, non-preflight request |
//! | `middleware_trace` | spire's `TraceLayer::for_http()`, tower-http's `TraceLayer::new_for_http()`: default span, hooks and classifier; no subscriber at all |
//! | `middleware_trace_subscriber` | the same, with a do-nothing subscriber that wants every span and event |
//! | `middleware_baseline`, `middleware_baseline_http` | no layer: the innermost service alone, the fixed cost inside every other row |
//!
//! The generic layers take a `u64` and answer it plus one. The HTTP layers take a
//! `Request` with an empty body (spire-body's `Empty` on spire's side, http-body-util's on
//! tower-http's: each library's own empty body) and answer `200` with an empty body; the
//! request is built outside the timed loop (`iter_batched`), and the timed part ends with
//! reading the response's status and dropping the response, so no body is polled.
//!
//! Timeout, rate limit and buffer need a tokio runtime: they run on a current-thread
//! runtime with the time driver, one `block_on` per batch of iterations (what criterion's
//! `to_async` does, written out so one service is kept across iterations as a real caller
//! keeps it). The buffer's worker is a task on that runtime, so its rows include a task
//! switch per call, on both sides. The other layers need no runtime: their futures are
//! polled in place with a no-op waker, as in `service_stack.rs`.
//!
//! The trace rows come twice. Without a subscriber, tracing's global level filter is off
//! and every span and event is skipped at its first check: that row is the layer's own
//! bookkeeping (clock reads, hook and classifier clones, the body wrapper). With the
//! `Discard` subscriber below as the thread's default (`set_default`, for those rows only),
//! every span is created, entered and closed and every event dispatched, but nothing is
//! formatted or written: the cost tracing adds to the layer, short of a real subscriber's
//! own work, which would be the same for both sides. Most production subscribers filter
//! at `INFO`, where both layers' default `DEBUG` spans are off, close to the first row.
//!
//! The peer of each row is named `tower` or `tower-http`; `scripts/bench-ratios` pairs the
//! `spire` row with either. `middleware_retry`, `middleware_load_shed` and
//! `middleware_baseline` run below a nanosecond on both sides (the layers inline away
//! around a `u64` service); their ratios are noise.
//!
//! Run: `cargo bench --bench middleware`, then `scripts/bench-ratios middleware` for the
//! spire / peer table, which goes in `docs/BENCHMARKS.md`. Each row warms up for 1 s and
//! measures for 3 s, so the whole file takes about two minutes. On a busy machine run it
//! twice: rows run one after the other, so load that comes and goes moves ratios by 10-30%.

use std::convert::Infallible;
use std::fmt::Debug;
use std::future::{Ready, ready};
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use futures_util::FutureExt;
use http::{HeaderValue, Method, Request, Response, header};
use spire_middleware::ServiceBuilderExt;
use tokio::runtime::Runtime;

/// The deadline of the timeout rows; never reached.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Permits of the concurrency-limit rows.
const MAX_IN_FLIGHT: usize = 64;
/// Calls per period of the rate-limit rows: far more than a run makes.
const RATE_NUM: u64 = 1 << 40;
/// The period of the rate-limit rows.
const RATE_PER: Duration = Duration::from_secs(3600);
/// Queue bound of the buffer rows.
const BUFFER_BOUND: usize = 1024;
/// The origin the CORS requests come from, and the first of the allowed ones.
const ORIGIN: &str = "https://app.example";
/// The second allowed origin of the CORS rows.
const OTHER_ORIGIN: &str = "https://admin.example";

// ----- the innermost services -----

/// The innermost service of the generic rows.
fn add_one(x: u64) -> Ready<Result<u64, Infallible>> {
    ready(Ok(x.wrapping_add(1)))
}

/// The innermost service of the HTTP rows: `200`, no headers, the empty body `B`.
fn ok_empty<B: Default>(_request: Request<B>) -> Ready<Result<Response<B>, Infallible>> {
    ready(Ok(Response::new(B::default())))
}

/// A plain `GET` without an `Origin`, the request of the set-header rows.
fn plain_request<B: Default>() -> Request<B> {
    Request::builder()
        .method(Method::GET)
        .uri("/api/items/42")
        .body(B::default())
        .expect("a valid request")
}

/// A simple cross-origin `GET` from an allowed origin, the request of the CORS rows.
fn cors_request<B: Default>() -> Request<B> {
    Request::builder()
        .method(Method::GET)
        .uri("/api/items/42")
        .header(header::ORIGIN, HeaderValue::from_static(ORIGIN))
        .body(B::default())
        .expect("a valid request")
}

/// The allowed origins of the CORS rows.
fn allowed_origins() -> [HeaderValue; 2] {
    [
        HeaderValue::from_static(ORIGIN),
        HeaderValue::from_static(OTHER_ORIGIN),
    ]
}

/// The retry policy of the retry rows: it keeps a copy of every request, so a retry could be
/// made, and takes none. Implemented for both libraries' `Policy` traits.
#[derive(Clone, Copy, Debug)]
struct NeverRetry;

impl<Req: Clone, Res, E> spire_middleware::retry::Policy<Req, Res, E> for NeverRetry {
    type Future = Ready<()>;

    fn retry(&mut self, _request: &mut Req, _result: &mut Result<Res, E>) -> Option<Ready<()>> {
        None
    }

    fn clone_request(&mut self, request: &Req) -> Option<Req> {
        Some(request.clone())
    }
}

impl<Req: Clone, Res, E> tower::retry::Policy<Req, Res, E> for NeverRetry {
    type Future = Ready<()>;

    fn retry(&mut self, _request: &mut Req, _result: &mut Result<Res, E>) -> Option<Ready<()>> {
        None
    }

    fn clone_request(&mut self, request: &Req) -> Option<Req> {
        Some(request.clone())
    }
}

// ----- one call, each library -----

/// One call through a spire service, polled in place.
fn call_spire<S, Req>(svc: &mut S, request: Req) -> S::Response
where
    S: spire_service::Service<Req>,
    S::Error: Debug,
{
    use spire_service::ServiceExt;
    let svc = svc
        .ready()
        .now_or_never()
        .expect("the service is ready at once")
        .expect("the service is ready without error");
    svc.call(request)
        .now_or_never()
        .expect("the service answers at once")
        .expect("the service answers without error")
}

/// One call through a tower service, polled in place.
fn call_tower<S, Req>(svc: &mut S, request: Req) -> S::Response
where
    S: tower::Service<Req>,
    S::Error: Debug,
{
    use tower::ServiceExt;
    let svc = svc
        .ready()
        .now_or_never()
        .expect("the service is ready at once")
        .expect("the service is ready without error");
    svc.call(request)
        .now_or_never()
        .expect("the service answers at once")
        .expect("the service answers without error")
}

/// One call through a spire service, awaited on the runtime.
async fn call_spire_async<S, Req>(svc: &mut S, request: Req) -> S::Response
where
    S: spire_service::Service<Req>,
    S::Error: Debug,
{
    use spire_service::ServiceExt;
    let svc = svc
        .ready()
        .await
        .expect("the service is ready without error");
    svc.call(request)
        .await
        .expect("the service answers without error")
}

/// One call through a tower service, awaited on the runtime.
async fn call_tower_async<S, Req>(svc: &mut S, request: Req) -> S::Response
where
    S: tower::Service<Req>,
    S::Error: Debug,
{
    use tower::ServiceExt;
    let svc = svc
        .ready()
        .await
        .expect("the service is ready without error");
    svc.call(request)
        .await
        .expect("the service answers without error")
}

/// The runtime of the rows that need one: current-thread, with the time driver.
fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a current-thread runtime")
}

// ----- the groups -----

/// A group of two rows over `u64` services polled in place: `spire` and `tower`.
macro_rules! bench_in_place {
    ($c:expr, $group:literal, $spire:expr, $tower:expr $(,)?) => {{
        let mut group = $c.benchmark_group($group);
        let mut spire = $spire;
        let mut tower = $tower;
        group.bench_function("spire", |b| {
            b.iter(|| call_spire(&mut spire, black_box(7_u64)))
        });
        group.bench_function("tower", |b| {
            b.iter(|| call_tower(&mut tower, black_box(7_u64)))
        });
        group.finish();
    }};
}

/// A group of two rows over `u64` services awaited on `$rt`: `spire` and `tower`.
///
/// Each sample is one `block_on` around its iterations, timed inside, so the runtime's
/// entry and exit are not in the figure and the service lives across iterations.
macro_rules! bench_on_runtime {
    ($c:expr, $rt:expr, $group:literal, $spire:expr, $tower:expr $(,)?) => {{
        let rt: &Runtime = $rt;
        let mut group = $c.benchmark_group($group);
        // Built inside the runtime: layers that spawn or make timers need its context.
        let (mut spire, mut tower) = {
            let _entered = rt.enter();
            ($spire, $tower)
        };
        group.bench_function("spire", |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        black_box(call_spire_async(&mut spire, black_box(7_u64)).await);
                    }
                    start.elapsed()
                })
            })
        });
        group.bench_function("tower", |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        black_box(call_tower_async(&mut tower, black_box(7_u64)).await);
                    }
                    start.elapsed()
                })
            })
        });
        group.finish();
    }};
}

/// A group of two rows over HTTP services polled in place: `spire` and `$peer`.
///
/// `$request` is a generic function that builds the request for either body type; it runs
/// outside the timed part. The timed part ends with the response's status; the response is
/// dropped inside it.
macro_rules! bench_http {
    ($c:expr, $group:literal, $request:ident, $spire:expr, $peer:literal, $tower:expr $(,)?) => {{
        let mut group = $c.benchmark_group($group);
        let mut spire = $spire;
        let mut tower = $tower;
        group.bench_function("spire", |b| {
            b.iter_batched(
                $request::<spire_body::Empty<bytes::Bytes>>,
                |request| call_spire(&mut spire, request).status(),
                BatchSize::SmallInput,
            )
        });
        group.bench_function($peer, |b| {
            b.iter_batched(
                $request::<http_body_util::Empty<bytes::Bytes>>,
                |request| call_tower(&mut tower, request).status(),
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }};
}

fn generic_layers(c: &mut Criterion) {
    let rt = runtime();

    bench_in_place!(
        c,
        "middleware_baseline",
        spire_service::service_fn(add_one),
        tower::service_fn(add_one),
    );

    bench_on_runtime!(
        c,
        &rt,
        "middleware_timeout",
        spire_service::ServiceBuilder::new()
            .timeout(TIMEOUT)
            .service_fn(add_one),
        tower::ServiceBuilder::new()
            .timeout(TIMEOUT)
            .service_fn(add_one),
    );

    bench_in_place!(
        c,
        "middleware_concurrency_limit",
        spire_service::ServiceBuilder::new()
            .concurrency_limit(MAX_IN_FLIGHT)
            .service_fn(add_one),
        tower::ServiceBuilder::new()
            .concurrency_limit(MAX_IN_FLIGHT)
            .service_fn(add_one),
    );

    bench_on_runtime!(
        c,
        &rt,
        "middleware_rate_limit",
        spire_service::ServiceBuilder::new()
            .rate_limit(RATE_NUM, RATE_PER)
            .service_fn(add_one),
        tower::ServiceBuilder::new()
            .rate_limit(RATE_NUM, RATE_PER)
            .service_fn(add_one),
    );

    bench_on_runtime!(
        c,
        &rt,
        "middleware_buffer",
        spire_service::ServiceBuilder::new()
            .buffer(BUFFER_BOUND)
            .service_fn(add_one),
        tower::ServiceBuilder::new()
            .buffer(BUFFER_BOUND)
            .service_fn(add_one),
    );

    bench_in_place!(
        c,
        "middleware_retry",
        spire_service::ServiceBuilder::new()
            .retry(NeverRetry)
            .service_fn(add_one),
        tower::ServiceBuilder::new()
            .retry(NeverRetry)
            .service_fn(add_one),
    );

    bench_in_place!(
        c,
        "middleware_load_shed",
        spire_service::ServiceBuilder::new()
            .load_shed()
            .service_fn(add_one),
        tower::ServiceBuilder::new().load_shed().service_fn(add_one),
    );
}

fn http_layers(c: &mut Criterion) {
    let server = header::SERVER;
    let value = HeaderValue::from_static("bench");

    bench_http!(
        c,
        "middleware_baseline_http",
        plain_request,
        spire_service::service_fn(ok_empty),
        "tower",
        tower::service_fn(ok_empty),
    );

    bench_http!(
        c,
        "middleware_set_header",
        plain_request,
        spire_service::ServiceBuilder::new()
            .override_response_header(server.clone(), value.clone())
            .service_fn(ok_empty),
        "tower-http",
        tower::ServiceBuilder::new()
            .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
                server.clone(),
                value.clone(),
            ),)
            .service_fn(ok_empty),
    );

    bench_http!(
        c,
        "middleware_cors",
        cors_request,
        spire_service::ServiceBuilder::new()
            .layer(
                spire_middleware::http::cors::CorsLayer::new()
                    .allow_origin(allowed_origins())
                    .allow_methods([Method::GET, Method::POST]),
            )
            .service_fn(ok_empty),
        "tower-http",
        tower::ServiceBuilder::new()
            .layer(
                tower_http::cors::CorsLayer::new()
                    .allow_origin(allowed_origins())
                    .allow_methods([Method::GET, Method::POST]),
            )
            .service_fn(ok_empty),
    );

    bench_http!(
        c,
        "middleware_trace",
        plain_request,
        spire_service::ServiceBuilder::new()
            .layer(spire_middleware::http::trace::TraceLayer::for_http())
            .service_fn(ok_empty),
        "tower-http",
        tower::ServiceBuilder::new()
            .layer(tower_http::trace::TraceLayer::new_for_http())
            .service_fn(ok_empty),
    );

    // The same again, with a subscriber that wants everything and keeps nothing, the
    // thread's default while these rows run (and only then: rows above saw no subscriber).
    let subscribed = tracing::subscriber::set_default(Discard);
    bench_http!(
        c,
        "middleware_trace_subscriber",
        plain_request,
        spire_service::ServiceBuilder::new()
            .layer(spire_middleware::http::trace::TraceLayer::for_http())
            .service_fn(ok_empty),
        "tower-http",
        tower::ServiceBuilder::new()
            .layer(tower_http::trace::TraceLayer::new_for_http())
            .service_fn(ok_empty),
    );
    drop(subscribed);
}

/// A subscriber that is interested in every span and event at every level and does
/// nothing with them: what the trace rows cost when tracing is on, short of the
/// subscriber's own work (formatting, writing). Field values are never visited.
#[derive(Clone, Copy, Debug)]
struct Discard;

impl tracing::Subscriber for Discard {
    fn enabled(&self, _metadata: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _span: &tracing::span::Id, _values: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _span: &tracing::span::Id, _follows: &tracing::span::Id) {}

    fn event(&self, _event: &tracing::Event<'_>) {}

    fn enter(&self, _span: &tracing::span::Id) {}

    fn exit(&self, _span: &tracing::span::Id) {}
}

/// Short rows: about twenty of them run in one go.
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = generic_layers, http_layers
}
criterion_main!(benches);
