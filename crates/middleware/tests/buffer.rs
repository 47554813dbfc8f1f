//! `Buffer`: a bounded queue in front of a worker; the inner error reaches every waiter.

use std::cell::Cell;
use std::error::Error as _;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use spire_middleware::buffer::{Buffer, BufferLayer, ServiceError};
use spire_middleware::error::Closed;
use spire_service::{BoxError, Layer, Service, ServiceExt};
use spire_test::mock::{self, Mock};

fn poll_ready<S: Service<R>, R>(svc: &mut S) -> Poll<Result<(), S::Error>> {
    svc.poll_ready(&mut Context::from_waker(Waker::noop()))
}

/// The inner error, if `err` is the buffer's `ServiceError`.
fn service_error_source(err: &BoxError) -> Option<String> {
    let err = err.downcast_ref::<ServiceError>()?;
    Some(err.source()?.to_string())
}

/// A service that is neither `Clone` nor `Sync`.
struct NotShareable {
    calls: Cell<u32>,
}

impl Service<u32> for NotShareable {
    type Response = u32;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<u32, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, x: u32) -> Self::Future {
        self.calls.set(self.calls.get() + 1);
        let n = self.calls.get();
        Box::pin(async move { Ok(x * 100 + n) })
    }
}

#[tokio::test]
async fn buffer_makes_a_non_clone_non_sync_service_clone_and_sync() {
    fn assert_traits<T: Send + Sync + Clone + 'static>(_: &T) {}
    let buffer = Buffer::new(
        NotShareable {
            calls: Cell::new(0),
        },
        4,
    );
    assert_traits(&buffer);
    assert_eq!(buffer.clone().oneshot(1).await.unwrap(), 101);
    assert_eq!(buffer.clone().oneshot(2).await.unwrap(), 202);
}

#[tokio::test]
async fn buffer_forwards_requests_in_order_and_responses_back() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = BufferLayer::new(8).layer(mock);
    let first = svc.ready().await.unwrap().call(1);
    let second = svc.ready().await.unwrap().call(2);
    let (a, send_a) = handle.next_request().await.unwrap();
    let (b, send_b) = handle.next_request().await.unwrap();
    assert_eq!((a, b), (1, 2));
    send_b.send_response(20);
    send_a.send_response(10);
    assert_eq!(first.await.unwrap(), 10);
    assert_eq!(second.await.unwrap(), 20);
}

#[tokio::test]
async fn buffer_passes_call_errors_without_failing_the_buffer() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = Buffer::new(mock, 8);
    let response = svc.ready().await.unwrap().call(1);
    handle
        .next_request()
        .await
        .unwrap()
        .1
        .send_error("one request failed");
    let err = response.await.unwrap_err();
    assert_eq!(err.to_string(), "one request failed");
    assert!(!err.is::<ServiceError>());

    let response = svc.ready().await.unwrap().call(2);
    handle.next_request().await.unwrap().1.send_response(2);
    assert_eq!(response.await.unwrap(), 2);
}

#[tokio::test]
async fn buffer_bound_limits_queued_requests() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    handle.allow(0); // the worker cannot hand anything to the inner service
    let mut a = Buffer::new(mock, 2);
    let mut b = a.clone();
    let mut c = a.clone();
    let _ra = a.ready().await.unwrap().call(1);
    let _rb = b.ready().await.unwrap().call(2);
    tokio::task::yield_now().await;
    assert!(poll_ready(&mut c).is_pending(), "both slots are taken");

    handle.allow(1); // the worker hands one request over, freeing its slot
    let (req, _send) = handle.next_request().await.unwrap();
    assert_eq!(req, 1);
    assert!(c.ready().await.is_ok());
}

#[tokio::test]
async fn buffer_poll_ready_twice_reserves_one_slot() {
    let (mock, _handle) = mock::pair::<u32, u32>();
    let mut a = Buffer::new(mock, 1);
    let mut b = a.clone();
    assert!(poll_ready(&mut a).is_ready());
    assert!(poll_ready(&mut a).is_ready());
    assert!(poll_ready(&mut b).is_pending());
    drop(a); // releases the slot it reserved
    assert!(poll_ready(&mut b).is_ready());
}

#[tokio::test]
async fn buffer_hands_the_inner_error_to_every_waiter() {
    const CALLERS: u32 = 6;
    let (mock, mut handle) = mock::pair::<u32, u32>();
    handle.allow(0);
    // 3 requests fit in the queue; the other 3 callers wait for a slot
    let svc = Buffer::new(mock, 3);
    let callers: Vec<_> = (0..CALLERS)
        .map(|i| tokio::spawn(svc.clone().oneshot(i)))
        .collect();
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert!(handle.try_next_request().is_none());

    handle.send_error("inner service broke");
    for caller in callers {
        let err = caller.await.unwrap().unwrap_err();
        assert_eq!(
            service_error_source(&err).as_deref(),
            Some("inner service broke"),
            "every waiter gets the inner error, got {err}"
        );
    }
    // and so does every later caller
    let err = svc.clone().oneshot(99).await.unwrap_err();
    assert_eq!(
        service_error_source(&err).as_deref(),
        Some("inner service broke")
    );
    assert!(
        handle.try_next_request().is_none(),
        "no request reached the failed service"
    );
}

#[tokio::test]
async fn buffer_waiter_for_a_slot_gets_the_inner_error() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    handle.allow(0);
    let mut a = Buffer::new(mock, 1);
    let mut b = a.clone();
    let queued = a.ready().await.unwrap().call(1);
    tokio::task::yield_now().await;
    assert!(poll_ready(&mut b).is_pending());
    handle.send_error("boom");
    let err = b.ready().await.unwrap_err();
    assert_eq!(service_error_source(&err).as_deref(), Some("boom"));
    let err = queued.await.unwrap_err();
    assert_eq!(service_error_source(&err).as_deref(), Some("boom"));
}

#[tokio::test]
async fn buffer_without_its_worker_is_closed() {
    let (mock, _handle) = mock::pair::<u32, u32>();
    let (mut a, worker) = Buffer::pair(mock, 4);
    let mut b = a.clone();
    let queued = a.ready().await.unwrap().call(1);
    drop(worker);
    let err = queued.await.unwrap_err();
    assert!(err.is::<Closed>(), "{err}");
    let err = b.ready().await.unwrap_err();
    assert!(err.is::<Closed>(), "{err}");
}

#[tokio::test]
async fn buffer_waiter_for_a_slot_is_woken_when_the_worker_is_dropped() {
    let (mock, _handle) = mock::pair::<u32, u32>();
    let (mut a, worker) = Buffer::pair(mock, 1);
    let b = a.clone();
    let _queued = a.ready().await.unwrap().call(1);
    let waiter = tokio::spawn(async move {
        let mut b = b;
        b.ready().await.map(|_| ())
    });
    tokio::task::yield_now().await;
    drop(worker);
    let err = waiter.await.unwrap().unwrap_err();
    assert!(err.is::<Closed>(), "{err}");
}

#[tokio::test]
async fn buffer_worker_finishes_and_drops_the_service_when_handles_are_gone() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let (buffer, worker) = Buffer::pair(mock, 4);
    let worker = tokio::spawn(worker);
    drop(buffer);
    worker.await.unwrap();
    assert!(
        handle.next_request().await.is_none(),
        "the mock was dropped"
    );
}

#[tokio::test]
async fn buffer_skips_requests_whose_caller_gave_up() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    handle.allow(0);
    let mut svc: Buffer<u32, <Mock<u32, u32> as Service<u32>>::Future> = Buffer::new(mock, 4);
    let abandoned = svc.ready().await.unwrap().call(1);
    let kept = svc.ready().await.unwrap().call(2);
    tokio::task::yield_now().await;
    drop(abandoned);
    handle.allow(1);
    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 2, "the abandoned request never reached the service");
    send.send_response(2);
    assert_eq!(kept.await.unwrap(), 2);
}

#[tokio::test]
#[should_panic(expected = "at least one request")]
async fn buffer_with_zero_bound_panics() {
    let (mock, _handle) = mock::pair::<u32, u32>();
    let _ = Buffer::new(mock, 0);
}
