//! `Timeout`: a deadline per call, measured from `call`, on tokio's paused clock.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use spire_middleware::timeout::{Elapsed, Timeout, TimeoutLayer};
use spire_service::{BoxError, Layer, Service, ServiceExt};
use spire_test::mock;
use tokio::time::advance;

fn poll_once<F: Future>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

fn is_elapsed<T>(result: &Result<T, BoxError>) -> bool {
    matches!(result, Err(e) if e.is::<Elapsed>())
}

#[tokio::test(start_paused = true)]
async fn timeout_fires_at_deadline_and_not_before() {
    let (mock, mut handle) = mock::pair::<(), ()>();
    let mut svc = Timeout::new(mock, Duration::from_millis(100));
    let mut response = Box::pin(svc.ready().await.unwrap().call(()));
    let (_req, send) = handle.next_request().await.unwrap();

    advance(Duration::from_millis(99)).await;
    assert!(poll_once(response.as_mut()).is_pending());
    assert!(!send.is_canceled());

    advance(Duration::from_millis(1)).await;
    // polled once, exactly at the deadline: awaiting would let the paused clock run on
    let Poll::Ready(result) = poll_once(response.as_mut()) else {
        panic!("the timeout must fire at its deadline");
    };
    assert!(is_elapsed(&result), "{result:?}");
    drop(response);
    // the inner future was dropped: the request is cancelled
    assert!(send.is_canceled());
}

#[tokio::test(start_paused = true)]
async fn timeout_passes_response_that_arrives_before_deadline() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = Timeout::new(mock, Duration::from_secs(1));
    let response = svc.ready().await.unwrap().call(1);
    let (req, send) = handle.next_request().await.unwrap();
    advance(Duration::from_millis(999)).await;
    send.send_response(req + 1);
    assert_eq!(response.await.unwrap(), 2);
}

#[tokio::test(start_paused = true)]
async fn timeout_passes_inner_error_boxed_unchanged() {
    let (mock, mut handle) = mock::pair::<(), ()>();
    let mut svc = Timeout::new(mock, Duration::from_secs(1));
    let response = svc.ready().await.unwrap().call(());
    handle
        .next_request()
        .await
        .unwrap()
        .1
        .send_error("inner failure");
    let err = response.await.unwrap_err();
    assert!(!err.is::<Elapsed>());
    assert_eq!(err.to_string(), "inner failure");
}

#[tokio::test(start_paused = true)]
async fn timeout_clock_starts_at_call_not_at_poll_ready() {
    let (mock, mut handle) = mock::pair::<(), ()>();
    let mut svc = Timeout::new(mock, Duration::from_millis(100));
    svc.ready().await.unwrap();
    // time spent between readiness and the call is not counted
    advance(Duration::from_secs(10)).await;
    let mut response = pin!(svc.call(()));
    let (_req, _send) = handle.next_request().await.unwrap();
    advance(Duration::from_millis(50)).await;
    assert!(poll_once(response.as_mut()).is_pending());
    advance(Duration::from_millis(50)).await;
    assert!(is_elapsed(&response.await));
}

#[tokio::test(start_paused = true)]
async fn timeout_forwards_inner_readiness_and_its_error() {
    let (mock, mut handle) = mock::pair::<(), ()>();
    let mut svc = TimeoutLayer::new(Duration::from_secs(1)).layer(mock);
    handle.allow(0);
    let mut cx = Context::from_waker(Waker::noop());
    assert!(svc.poll_ready(&mut cx).is_pending());
    handle.send_error("gone");
    match svc.poll_ready(&mut cx) {
        Poll::Ready(Err(e)) => assert_eq!(e.to_string(), "gone"),
        other => panic!("expected the inner error, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn timeout_each_call_has_its_own_deadline() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = Timeout::new(mock, Duration::from_millis(100));
    let mut first = pin!(svc.ready().await.unwrap().call(1));
    advance(Duration::from_millis(60)).await;
    let mut second = pin!(svc.ready().await.unwrap().call(2));
    let (_r1, _s1) = handle.next_request().await.unwrap();
    let (_r2, s2) = handle.next_request().await.unwrap();

    advance(Duration::from_millis(40)).await; // t = 100: only the first has expired
    assert!(is_elapsed(&first.as_mut().await));
    assert!(poll_once(second.as_mut()).is_pending());
    s2.send_response(2);
    assert_eq!(second.await.unwrap(), 2);
}

#[tokio::test(start_paused = true)]
async fn timeout_zero_duration_fails_unanswered_call_at_once() {
    let (mock, mut handle) = mock::pair::<(), ()>();
    let mut svc = Timeout::new(mock, Duration::ZERO);
    let response = svc.ready().await.unwrap().call(());
    let (_req, _send) = handle.next_request().await.unwrap();
    assert!(is_elapsed(&response.await));
}
