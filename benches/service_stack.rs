//! The cost of one call through a stack of layers, spire-service beside tower.
//!
//! Each row builds the same stack twice, once with `spire_service::ServiceBuilder` and once
//! with `tower::ServiceBuilder`: 0, 1, 5 or 10 layers cycling through `map_request`,
//! `map_response` and `and_then` around a `service_fn` that adds one. Every row is measured
//! plain (the fully typed stack) and boxed (the stack behind `BoxService`).
//!
//! One iteration is `poll_ready` followed by `call` and awaiting the response. Every future in
//! these stacks is ready at once, so they are polled to completion in place with a no-op
//! waker: the figures are the stacks' own overhead, with no executor in them.
//!
//! Run: `cargo bench --bench service_stack`. Compare the `spire` and `tower` rows of each
//! group; `docs/BENCHMARKS.md` has the latest ratios.

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use futures_util::FutureExt;

/// Builds a stack of layers on `$builder`, one layer per token, innermost last.
///
/// `req` adds a `map_request`, `res` a `map_response` and `then` an `and_then`. The same
/// method names exist on both builders, so one list describes both stacks.
macro_rules! stack {
    ($builder:expr $(,)?) => { $builder };
    ($builder:expr, req $(, $rest:ident)*) => {
        stack!($builder.map_request(|x: u64| x.wrapping_add(1)) $(, $rest)*)
    };
    ($builder:expr, res $(, $rest:ident)*) => {
        stack!($builder.map_response(|x: u64| x.wrapping_mul(3)) $(, $rest)*)
    };
    ($builder:expr, then $(, $rest:ident)*) => {
        stack!($builder.and_then(|x: u64| ready(Ok::<u64, Infallible>(x ^ 0x55))) $(, $rest)*)
    };
}

/// The innermost service of every stack.
fn add_one(x: u64) -> Ready<Result<u64, Infallible>> {
    ready(Ok(x.wrapping_add(1)))
}

/// One call through a spire service, polled in place.
fn call_spire<S>(svc: &mut S, req: u64) -> u64
where
    S: spire_service::Service<u64, Response = u64, Error = Infallible>,
{
    use spire_service::ServiceExt;
    let ready = svc.ready().now_or_never().expect("stack is always ready");
    let svc = ready.unwrap_or_else(|never| match never {});
    let response = svc.call(req).now_or_never().expect("stack answers at once");
    response.unwrap_or_else(|never| match never {})
}

/// One call through a tower service, polled in place.
fn call_tower<S>(svc: &mut S, req: u64) -> u64
where
    S: tower::Service<u64, Response = u64, Error = Infallible>,
{
    use tower::ServiceExt;
    let ready = svc.ready().now_or_never().expect("stack is always ready");
    let svc = ready.unwrap_or_else(|never| match never {});
    let response = svc.call(req).now_or_never().expect("stack answers at once");
    response.unwrap_or_else(|never| match never {})
}

/// Measures one stack shape, plain and boxed, for both libraries.
macro_rules! bench_depth {
    ($c:expr, $depth:expr $(, $layer:ident)*) => {{
        let depth: usize = $depth;

        let mut group = $c.benchmark_group("service_stack/plain");
        let mut spire = stack!(spire_service::ServiceBuilder::new() $(, $layer)*)
            .service_fn(add_one);
        let mut tower = stack!(tower::ServiceBuilder::new() $(, $layer)*)
            .service_fn(add_one);
        group.bench_function(BenchmarkId::new("spire", depth), |b| {
            b.iter(|| call_spire(&mut spire, black_box(7)))
        });
        group.bench_function(BenchmarkId::new("tower", depth), |b| {
            b.iter(|| call_tower(&mut tower, black_box(7)))
        });
        group.finish();

        let mut group = $c.benchmark_group("service_stack/boxed");
        let mut spire = spire_service::BoxService::new(
            stack!(spire_service::ServiceBuilder::new() $(, $layer)*).service_fn(add_one),
        );
        let mut tower = tower::util::BoxService::new(
            stack!(tower::ServiceBuilder::new() $(, $layer)*).service_fn(add_one),
        );
        group.bench_function(BenchmarkId::new("spire", depth), |b| {
            b.iter(|| call_spire(&mut spire, black_box(7)))
        });
        group.bench_function(BenchmarkId::new("tower", depth), |b| {
            b.iter(|| call_tower(&mut tower, black_box(7)))
        });
        group.finish();
    }};
}

fn service_stack(c: &mut Criterion) {
    bench_depth!(c, 0);
    bench_depth!(c, 1, req);
    bench_depth!(c, 5, req, res, then, req, res);
    bench_depth!(c, 10, req, res, then, req, res, then, req, res, then, req);
}

criterion_group!(benches, service_stack);
criterion_main!(benches);
