//! `CircuitBreaker`: closed, open, half-open, on tokio's paused clock.

use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures_util::FutureExt;
use spire_middleware::circuit_breaker::{CircuitBreaker, CircuitBreakerLayer, CircuitOpen};
use spire_service::{BoxError, Layer, Service, ServiceExt};
use spire_test::mock::{self, Handle, Mock};
use tokio::time::advance;

const OPEN_FOR: Duration = Duration::from_secs(10);

type Breaker = CircuitBreaker<Mock<u8, u8>>;

fn poll_ready<S: Service<R>, R>(svc: &mut S) -> Poll<Result<(), S::Error>> {
    svc.poll_ready(&mut Context::from_waker(Waker::noop()))
}

/// One call that the inner service answers with success or failure.
async fn call(
    svc: &mut Breaker,
    handle: &mut Handle<u8, u8>,
    succeed: bool,
) -> Result<u8, BoxError> {
    let response = svc.ready().await.unwrap().call(1);
    let (req, send) = handle
        .next_request()
        .await
        .expect("the call reached the inner service");
    if succeed {
        send.send_response(req);
    } else {
        send.send_error("inner failure");
    }
    response.await
}

async fn assert_rejected(svc: &mut Breaker, handle: &mut Handle<u8, u8>) {
    let err = svc
        .ready()
        .await
        .unwrap()
        .call(9)
        .now_or_never()
        .expect("rejected at once")
        .unwrap_err();
    assert!(err.is::<CircuitOpen>(), "{err}");
    assert!(
        handle.try_next_request().is_none(),
        "a rejected call never reaches inner"
    );
}

#[tokio::test(start_paused = true)]
async fn circuit_breaker_opens_after_threshold_failures_in_a_row() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = CircuitBreakerLayer::new(3, OPEN_FOR).layer(mock);
    for _ in 0..2 {
        assert!(call(&mut svc, &mut handle, false).await.is_err());
    }
    assert!(!svc.is_open());
    assert!(call(&mut svc, &mut handle, false).await.is_err());
    assert!(svc.is_open());
    assert_rejected(&mut svc, &mut handle).await;
}

#[tokio::test(start_paused = true)]
async fn circuit_breaker_success_resets_the_failure_count() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = CircuitBreaker::new(mock, 2, OPEN_FOR);
    for _ in 0..5 {
        assert!(call(&mut svc, &mut handle, false).await.is_err());
        assert_eq!(call(&mut svc, &mut handle, true).await.unwrap(), 1);
    }
    assert!(!svc.is_open());
}

#[tokio::test(start_paused = true)]
async fn circuit_breaker_probes_once_after_open_for_and_closes_on_success() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = CircuitBreaker::new(mock, 1, OPEN_FOR);
    let mut other = svc.clone();
    assert!(call(&mut svc, &mut handle, false).await.is_err());

    advance(OPEN_FOR - Duration::from_millis(1)).await;
    assert_rejected(&mut svc, &mut handle).await;
    advance(Duration::from_millis(1)).await;

    // the probe
    let probe = svc.ready().await.unwrap().call(2);
    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 2);
    // while it is in flight, other callers are still turned away
    assert_rejected(&mut other, &mut handle).await;
    send.send_response(2);
    assert_eq!(probe.await.unwrap(), 2);

    assert!(!svc.is_open());
    assert_eq!(call(&mut other, &mut handle, true).await.unwrap(), 1);
}

#[tokio::test(start_paused = true)]
async fn circuit_breaker_failed_probe_reopens_for_another_period() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = CircuitBreaker::new(mock, 1, OPEN_FOR);
    assert!(call(&mut svc, &mut handle, false).await.is_err());
    advance(OPEN_FOR).await;
    assert!(call(&mut svc, &mut handle, false).await.is_err()); // the probe fails
    assert_rejected(&mut svc, &mut handle).await;
    advance(OPEN_FOR).await;
    assert_eq!(call(&mut svc, &mut handle, true).await.unwrap(), 1);
}

#[tokio::test(start_paused = true)]
async fn circuit_breaker_cancelled_probe_lets_another_caller_probe() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = CircuitBreaker::new(mock, 1, OPEN_FOR);
    let mut other = svc.clone();
    assert!(call(&mut svc, &mut handle, false).await.is_err());
    advance(OPEN_FOR).await;

    let probe = svc.ready().await.unwrap().call(2);
    let (_req, _send) = handle.next_request().await.unwrap();
    assert!(other.is_open());
    drop(probe);
    assert!(!other.is_open(), "the cancelled probe gave its slot back");
    assert_eq!(call(&mut other, &mut handle, true).await.unwrap(), 1);
}

#[tokio::test(start_paused = true)]
async fn circuit_breaker_dropping_a_service_that_reserved_the_probe_frees_it() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = CircuitBreaker::new(mock, 1, OPEN_FOR);
    let mut other = svc.clone();
    assert!(call(&mut svc, &mut handle, false).await.is_err());
    advance(OPEN_FOR).await;
    assert!(poll_ready(&mut svc).is_ready()); // reserves the probe
    drop(svc);
    assert_eq!(call(&mut other, &mut handle, true).await.unwrap(), 1);
}

#[tokio::test(start_paused = true)]
async fn circuit_breaker_rejection_does_not_poll_inner() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = CircuitBreaker::new(mock, 1, OPEN_FOR);
    assert!(call(&mut svc, &mut handle, false).await.is_err());
    handle.allow(0); // the inner service is not ready, and a rejection does not care
    assert!(poll_ready(&mut svc).is_ready());
    assert!(
        svc.call(3)
            .now_or_never()
            .expect("rejected at once")
            .unwrap_err()
            .is::<CircuitOpen>()
    );
}

#[test]
#[should_panic(expected = "at least one failure")]
fn circuit_breaker_with_zero_threshold_panics() {
    let _ = CircuitBreakerLayer::new(0, OPEN_FOR);
}
