//! Services, layers and backpressure with spire-service, in one small program.
//!
//! What it shows:
//! 1. a handler made from an `async fn` with `service_fn`, wrapped in layers: a logging
//!    layer written by hand (`layer_fn` plus a small `Service` impl), `map_request` and
//!    `map_response`, stacked with `ServiceBuilder`;
//! 2. driving it with `oneshot` (one request) and `call_all` (a stream of requests);
//! 3. backpressure: a service with a capacity of one request, whose second caller waits
//!    in `ready()` until the first response frees the slot.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example service_basics
//! ```
//!
//! What to look at: in parts 1 and 2, the order of the printed lines. The request passes
//! the layers top to bottom as they were added to the builder (`outer`, `map_request`,
//! `inner`) and the response comes back bottom to top. In part 3, the `[limit]` line: the
//! second caller is told "not ready" and waits, and is only called after the first
//! response. Nothing is called before it is ready. The output is the same on every run.
//! Chapter 1 of the study guide (`docs/01-service.md`) walks through it.

use std::convert::Infallible;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use futures_util::{StreamExt, stream};
use spire_service::{BoxError, Layer, Service, ServiceBuilder, ServiceExt, layer_fn, service_fn};
use tokio::sync::Notify;

/// The response future of the hand-written services below.
type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

/// A middleware that prints each request and response going through it.
#[derive(Clone)]
struct Log<S> {
    name: &'static str,
    inner: S,
}

impl<S, R> Service<R> for Log<S>
where
    S: Service<R>,
    S::Response: Debug,
    S::Error: Debug,
    S::Future: Send + 'static,
    R: Debug,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<S::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        // A middleware never answers for its inner service's readiness: it forwards.
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        println!("[{}] -> {req:?}", self.name);
        let name = self.name;
        let future = self.inner.call(req);
        Box::pin(async move {
            let result = future.await;
            println!("[{name}] <- {result:?}");
            result
        })
    }
}

/// A layer that wraps any service in [`Log`], made with `layer_fn`.
fn log<S>(name: &'static str) -> impl Layer<S, Service = Log<S>> + Clone {
    layer_fn(move |inner| Log { name, inner })
}

/// The application's handler.
async fn greet(name: String) -> Result<String, Infallible> {
    println!("[handler] greeting {name}");
    Ok(format!("hello, {name}"))
}

/// The shared state of [`OneAtATime`]: is the only slot taken, and who waits for it.
#[derive(Default)]
struct Slot {
    busy: bool,
    waiting: Vec<Waker>,
}

/// A service with a capacity of one request in flight, shared by all its clones.
///
/// `poll_ready` reserves the slot (readiness is a reservation); the response future gives
/// it back when it finishes or is dropped, and wakes whoever waits in `poll_ready`.
#[derive(Clone)]
struct OneAtATime<S> {
    inner: S,
    slot: Arc<Mutex<Slot>>,
    reserved: bool,
}

impl<S> OneAtATime<S> {
    fn new(inner: S) -> Self {
        Self {
            inner,
            slot: Arc::default(),
            reserved: false,
        }
    }
}

/// Frees the slot when the response future that owns it is done or dropped.
struct SlotGuard(Arc<Mutex<Slot>>);

impl Drop for SlotGuard {
    fn drop(&mut self) {
        let mut slot = self
            .0
            .lock()
            .expect("no code panics while holding the lock");
        slot.busy = false;
        for waker in slot.waiting.drain(..) {
            waker.wake();
        }
    }
}

impl<S, R> Service<R> for OneAtATime<S>
where
    S: Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<S::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        if !self.reserved {
            let mut slot = self
                .slot
                .lock()
                .expect("no code panics while holding the lock");
            if slot.busy {
                println!("[limit] a request is in flight: not ready, the caller must wait");
                slot.waiting.push(cx.waker().clone());
                return Poll::Pending;
            }
            slot.busy = true;
            self.reserved = true;
        }
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        assert!(self.reserved, "OneAtATime called without poll_ready");
        self.reserved = false;
        let guard = SlotGuard(Arc::clone(&self.slot));
        let future = self.inner.call(req);
        Box::pin(async move {
            let _guard = guard;
            future.await
        })
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    println!("== 1. one request through the stack, with oneshot ==");
    let svc = ServiceBuilder::new()
        .layer(log("outer"))
        .map_request(|raw: &str| {
            println!("[map_request] trim and capitalise {raw:?}");
            let name = raw.trim();
            let mut chars = name.chars();
            chars.next().map_or_else(String::new, |first| {
                first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect()
            })
        })
        .layer(log("inner"))
        .map_response(|greeting: String| {
            println!("[map_response] add the punctuation");
            format!("{greeting}!")
        })
        .service_fn(greet);

    let response = svc.clone().oneshot("  ada ").await?;
    println!("response: {response}\n");

    println!("== 2. a stream of requests, with call_all ==");
    let names = stream::iter(["grace", "LINUS", "barbara"]);
    let responses: Vec<_> = svc.call_all(names).collect().await;
    for response in responses {
        println!("response: {}", response?);
    }
    println!();

    println!("== 3. backpressure: a capacity of one ==");
    // Each response waits for a signal from `main`, so the order of events is ours.
    let release = Arc::new(Notify::new());
    let slow = service_fn({
        let release = Arc::clone(&release);
        move |req: &'static str| {
            let release = Arc::clone(&release);
            async move {
                release.notified().await;
                Ok::<_, Infallible>(format!("{req} done"))
            }
        }
    });
    let limited = OneAtATime::new(slow);
    let mut first = limited.clone();
    let mut second = limited;

    let in_flight = first.ready().await?.call("first request");
    println!("[main] the first request is in flight");

    let waiter = tokio::spawn(async move {
        println!("[second] waiting in ready()");
        let svc = second.ready().await?;
        println!("[second] ready: the slot is free again, calling");
        svc.call("second request").await
    });
    // Let the second caller run until it blocks in `ready()`.
    tokio::task::yield_now().await;

    println!("[main] letting the first request finish");
    release.notify_one();
    println!("[main] {}", in_flight.await?);

    release.notify_one();
    println!("[main] {}", waiter.await??);
    Ok(())
}
