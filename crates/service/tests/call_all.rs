//! `call_all`: responses in request order; `unordered()`: responses in completion order;
//! readiness reserved only with a request in hand; service recoverable afterwards.

use std::collections::HashMap;
use std::future::{Ready, ready};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures_util::{Stream, StreamExt, stream};
use spire_service::{Service, ServiceExt, service_fn};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

/// The reply channel of every request in flight, by request.
type Senders = Arc<Mutex<HashMap<u32, oneshot::Sender<u32>>>>;

/// A service whose response to request `n` arrives when the test sends on channel `n`.
fn controlled() -> (
    impl Service<u32, Response = u32, Error = &'static str> + use<>,
    Senders,
) {
    let senders = Senders::default();
    let svc = {
        let senders = Arc::clone(&senders);
        service_fn(move |n: u32| {
            let (tx, rx) = oneshot::channel();
            senders.lock().unwrap().insert(n, tx);
            async move { rx.await.map_err(|_| "dropped") }
        })
    };
    (svc, senders)
}

fn reply(senders: &Senders, n: u32) {
    let tx = senders
        .lock()
        .unwrap()
        .remove(&n)
        .expect("request was sent");
    tx.send(n * 100).unwrap();
}

fn poll_now<S: Stream + Unpin>(s: &mut S) -> Poll<Option<S::Item>> {
    s.poll_next_unpin(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn call_all_keeps_request_order_when_later_requests_finish_first() {
    let (svc, senders) = controlled();
    let mut responses = pin!(svc.call_all(stream::iter([1, 2, 3])));

    assert!(poll_now(&mut responses).is_pending());
    assert_eq!(
        senders.lock().unwrap().len(),
        3,
        "all three are in flight at once"
    );

    reply(&senders, 3);
    reply(&senders, 2);
    assert!(
        poll_now(&mut responses).is_pending(),
        "2 and 3 must wait for 1"
    );
    reply(&senders, 1);
    assert_eq!(poll_now(&mut responses), Poll::Ready(Some(Ok(100))));
    assert_eq!(poll_now(&mut responses), Poll::Ready(Some(Ok(200))));
    assert_eq!(poll_now(&mut responses), Poll::Ready(Some(Ok(300))));
    assert_eq!(poll_now(&mut responses), Poll::Ready(None));
}

#[test]
fn call_all_unordered_yields_responses_as_they_complete() {
    let (svc, senders) = controlled();
    let mut responses = pin!(svc.call_all(stream::iter([1, 2, 3])).unordered());

    assert!(poll_now(&mut responses).is_pending());
    reply(&senders, 3);
    assert_eq!(poll_now(&mut responses), Poll::Ready(Some(Ok(300))));
    assert!(poll_now(&mut responses).is_pending());
    reply(&senders, 1);
    assert_eq!(poll_now(&mut responses), Poll::Ready(Some(Ok(100))));
    reply(&senders, 2);
    assert_eq!(poll_now(&mut responses), Poll::Ready(Some(Ok(200))));
    assert_eq!(poll_now(&mut responses), Poll::Ready(None));
}

fn sleeper() -> impl Service<u64, Response = u64, Error = (), Future: Send> + Clone {
    service_fn(|ms: u64| async move {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        Ok(ms)
    })
}

#[tokio::test(start_paused = true)]
async fn call_all_runs_requests_concurrently_and_orders_by_request() {
    let start = Instant::now();
    let responses: Vec<_> = sleeper()
        .call_all(stream::iter([30, 10, 20]))
        .collect()
        .await;
    assert_eq!(responses, [Ok(30), Ok(10), Ok(20)]);
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(30),
        "concurrent, not 60ms in sequence"
    );
}

#[tokio::test(start_paused = true)]
async fn call_all_unordered_orders_by_completion_time() {
    let responses: Vec<_> = sleeper()
        .call_all(stream::iter([30, 10, 20]))
        .unordered()
        .collect()
        .await;
    assert_eq!(responses, [Ok(10), Ok(20), Ok(30)]);
}

/// Counts `poll_ready` calls; always ready.
#[derive(Clone, Default)]
struct CountsReadiness {
    polls: Arc<AtomicUsize>,
}

impl Service<u32> for CountsReadiness {
    type Response = u32;
    type Error = ();
    type Future = Ready<Result<u32, ()>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), ()>> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: u32) -> Self::Future {
        ready(Ok(req))
    }
}

#[tokio::test]
async fn call_all_reserves_readiness_only_with_a_request_in_hand() {
    let svc = CountsReadiness::default();
    let polls = Arc::clone(&svc.polls);
    let (tx, mut rx) = mpsc::unbounded_channel::<u32>();
    let requests = stream::poll_fn(move |cx| rx.poll_recv(cx));
    let mut responses = pin!(svc.call_all(requests));

    assert!(poll_now(&mut responses).is_pending());
    assert_eq!(
        polls.load(Ordering::SeqCst),
        0,
        "no request yet, so no reservation"
    );

    tx.send(7).unwrap();
    assert_eq!(responses.next().await, Some(Ok(7)));
    assert_eq!(polls.load(Ordering::SeqCst), 1);

    drop(tx);
    assert_eq!(responses.next().await, None);
    assert_eq!(polls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn call_all_yields_response_errors_and_continues() {
    let svc = service_fn(|x: u32| ready(if x.is_multiple_of(2) { Err(x) } else { Ok(x) }));
    let responses: Vec<_> = svc.call_all(stream::iter(1..=4)).collect().await;
    assert_eq!(responses, [Ok(1), Err(2), Ok(3), Err(4)]);
}

#[tokio::test]
async fn call_all_gives_the_service_back() {
    let svc = CountsReadiness::default();
    let polls = Arc::clone(&svc.polls);

    let mut responses = pin!(svc.call_all(stream::iter([1, 2, 3])));
    assert_eq!(responses.next().await, Some(Ok(1)));
    let mut svc = responses.as_mut().take_service();
    assert_eq!(svc.ready().await.unwrap().call(9).await, Ok(9));
    assert_eq!(polls.load(Ordering::SeqCst), 2);

    let call_all = CountsReadiness::default().call_all(stream::iter([1]));
    let _svc: CountsReadiness = call_all.into_inner();
    let unordered = CountsReadiness::default()
        .call_all(stream::iter([1]))
        .unordered();
    let _svc: CountsReadiness = unordered.into_inner();
}

#[tokio::test]
async fn call_all_unordered_after_draining_continues_the_same_stream() {
    let svc = service_fn(|x: u32| ready(Ok::<_, ()>(x)));
    let mut ordered = svc.call_all(stream::iter([1, 2, 3]));
    assert_eq!(ordered.next().await, Some(Ok(1)));
    // Nothing in flight now: switching keeps the remaining requests.
    let rest: Vec<_> = ordered.unordered().collect().await;
    assert_eq!(rest, [Ok(2), Ok(3)]);
}

#[test]
#[should_panic(expected = "responses in flight")]
fn call_all_unordered_with_responses_in_flight_panics() {
    let (svc, _senders) = controlled();
    let mut ordered = svc.call_all(stream::iter([1, 2]));
    assert!(poll_now(&mut ordered).is_pending());
    let _ = ordered.unordered();
}

#[tokio::test]
async fn call_all_on_an_empty_stream_ends_without_touching_the_service() {
    let svc = CountsReadiness::default();
    let polls = Arc::clone(&svc.polls);
    let responses: Vec<_> = svc
        .call_all(stream::iter(Vec::<u32>::new()))
        .collect()
        .await;
    assert!(responses.is_empty());
    assert_eq!(polls.load(Ordering::SeqCst), 0);
}
