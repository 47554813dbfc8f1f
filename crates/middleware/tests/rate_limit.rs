//! `RateLimit` and `KeyedRateLimit`: N calls per period, on tokio's paused clock.

use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures_util::FutureExt;
use spire_middleware::limit::rate::{KeyedRateLimit, Rate, RateLimit, RateLimitLayer, RateLimited};
use spire_service::{Layer, Service, ServiceExt};
use spire_test::mock::{self, Handle, Mock};
use tokio::time::{Instant, advance};

const PERIOD: Duration = Duration::from_secs(1);
const MS: Duration = Duration::from_millis(1);

fn poll_ready<S: Service<R>, R>(svc: &mut S) -> Poll<Result<(), S::Error>> {
    svc.poll_ready(&mut Context::from_waker(Waker::noop()))
}

/// Calls `svc` once and answers through the handle.
async fn call_once(svc: &mut RateLimit<Mock<u32, u32>>, handle: &mut Handle<u32, u32>, x: u32) {
    let response = svc.call(x);
    let (req, send) = handle.next_request().await.unwrap();
    send.send_response(req);
    assert_eq!(response.await.unwrap(), x);
}

#[test]
fn rate_limit_is_clone_send_sync() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<RateLimit<Mock<u8, u8>>>();
}

#[tokio::test(start_paused = true)]
async fn rate_limit_allows_exactly_n_per_period() {
    const N: u32 = 3;
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = RateLimitLayer::new(N.into(), PERIOD).layer(mock);

    for period in 0..4 {
        for i in 0..N {
            assert!(
                poll_ready(&mut svc).is_ready(),
                "call {i} of period {period} should be allowed"
            );
            call_once(&mut svc, &mut handle, i).await;
        }
        assert!(
            poll_ready(&mut svc).is_pending(),
            "call {N} of period {period} must wait"
        );
        advance(PERIOD - MS).await;
        assert!(
            poll_ready(&mut svc).is_pending(),
            "not before the period ends"
        );
        advance(MS).await;
    }
}

#[tokio::test(start_paused = true)]
async fn rate_limit_clones_share_one_budget() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut a = RateLimit::new(mock, 2, PERIOD);
    let mut b = a.clone();
    let mut c = a.clone();
    assert!(poll_ready(&mut a).is_ready());
    call_once(&mut a, &mut handle, 1).await;
    assert!(poll_ready(&mut b).is_ready());
    call_once(&mut b, &mut handle, 2).await;
    assert!(poll_ready(&mut c).is_pending());
    assert!(poll_ready(&mut a).is_pending());
    advance(PERIOD).await;
    assert!(poll_ready(&mut c).is_ready());
}

#[tokio::test(start_paused = true)]
async fn rate_limit_clone_made_mid_period_inherits_what_is_spent() {
    // Until it is cloned, a rate limit keeps its budget without a lock; the first clone
    // must carry over what was already spent in the period.
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut a = RateLimit::new(mock, 3, PERIOD);
    assert!(poll_ready(&mut a).is_ready());
    call_once(&mut a, &mut handle, 1).await;
    assert!(poll_ready(&mut a).is_ready());
    call_once(&mut a, &mut handle, 2).await;

    let mut b = a.clone();
    assert!(poll_ready(&mut b).is_ready());
    call_once(&mut b, &mut handle, 3).await;
    assert!(
        poll_ready(&mut a).is_pending(),
        "three calls spent in this period"
    );
    assert!(poll_ready(&mut b).is_pending());
    let mut c = b.clone();
    assert!(poll_ready(&mut c).is_pending());

    advance(PERIOD).await;
    assert!(poll_ready(&mut c).is_ready());
}

#[tokio::test(start_paused = true)]
async fn rate_limit_waiter_is_woken_when_the_period_ends() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = RateLimit::new(mock, 1, PERIOD);
    let start = Instant::now();
    assert!(poll_ready(&mut svc).is_ready());
    call_once(&mut svc, &mut handle, 1).await;

    let waiter = tokio::spawn(svc.clone().oneshot(2));
    // the paused clock jumps straight to the next timer: the end of the period
    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 2);
    assert_eq!(Instant::now() - start, PERIOD);
    send.send_response(2);
    assert_eq!(waiter.await.unwrap().unwrap(), 2);
}

#[tokio::test(start_paused = true)]
async fn rate_limit_window_opens_with_first_call_after_idle() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = RateLimit::new(mock, 1, PERIOD);
    advance(Duration::from_secs(10)).await;
    assert!(poll_ready(&mut svc).is_ready());
    call_once(&mut svc, &mut handle, 1).await;
    advance(PERIOD / 2).await;
    assert!(poll_ready(&mut svc).is_pending());
    advance(PERIOD / 2).await;
    assert!(poll_ready(&mut svc).is_ready());
}

#[tokio::test(start_paused = true)]
async fn rate_limit_keeps_its_reservation_while_inner_is_not_ready() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    handle.allow(0);
    let mut a = RateLimit::new(mock, 1, PERIOD);
    let mut b = a.clone();
    assert!(poll_ready(&mut a).is_pending()); // took the budget, inner not ready
    assert!(poll_ready(&mut a).is_pending()); // polling again takes nothing more
    handle.allow(2);
    assert!(poll_ready(&mut a).is_ready());
    assert!(
        poll_ready(&mut b).is_pending(),
        "the period's only call is a's"
    );
    call_once(&mut a, &mut handle, 1).await;
}

#[tokio::test(start_paused = true)]
async fn rate_limit_forwards_inner_poll_ready_error() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = RateLimit::new(mock, 1, PERIOD);
    handle.send_error("down");
    match poll_ready(&mut svc) {
        Poll::Ready(Err(e)) => assert_eq!(e.to_string(), "down"),
        other => panic!("expected the inner error, got {other:?}"),
    }
}

#[test]
#[should_panic(expected = "at least one call")]
fn rate_with_zero_calls_panics() {
    let _ = Rate::new(0, PERIOD);
}

#[test]
#[should_panic(expected = "must not be zero")]
fn rate_with_zero_period_panics() {
    let _ = Rate::new(1, Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn keyed_rate_limit_gives_each_key_its_own_budget() {
    let (mock, mut handle) = mock::pair::<(u8, u32), u32>();
    let mut svc = KeyedRateLimit::new(mock, 2, PERIOD, |req: &(u8, u32)| req.0);

    for (key, n) in [(1, 10), (1, 11), (2, 20), (2, 21)] {
        let response = svc.ready().await.unwrap().call((key, n));
        let ((_, got), send) = handle.next_request().await.unwrap();
        send.send_response(got);
        assert_eq!(response.await.unwrap(), n);
    }
    advance(PERIOD / 4).await;
    let limited = svc.ready().await.unwrap().call((1, 12));
    let err = limited
        .now_or_never()
        .expect("rejected at once")
        .unwrap_err();
    let limited = err.downcast_ref::<RateLimited>().expect("RateLimited");
    assert_eq!(limited.retry_after(), PERIOD * 3 / 4);
    assert!(
        handle.try_next_request().is_none(),
        "a limited call never reaches inner"
    );

    advance(PERIOD * 3 / 4).await;
    let response = svc.ready().await.unwrap().call((1, 13));
    let ((_, got), send) = handle.next_request().await.unwrap();
    send.send_response(got);
    assert_eq!(response.await.unwrap(), 13);
}

#[tokio::test(start_paused = true)]
async fn keyed_rate_limit_forgets_windows_that_are_over() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = KeyedRateLimit::new(mock, 1, PERIOD, |req: &u32| *req);
    for key in 0..64 {
        let response = svc.ready().await.unwrap().call(key);
        handle.next_request().await.unwrap().1.send_response(key);
        response.await.unwrap();
    }
    assert_eq!(svc.tracked_keys(), 64);
    advance(PERIOD).await;
    // the next call finds the map full and sweeps the 64 finished windows
    let response = svc.ready().await.unwrap().call(1000);
    handle.next_request().await.unwrap().1.send_response(1000);
    response.await.unwrap();
    assert_eq!(svc.tracked_keys(), 1);
}

#[tokio::test(start_paused = true)]
async fn keyed_rate_limit_clones_share_windows() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut a = KeyedRateLimit::new(mock, 1, PERIOD, |req: &u32| *req % 2);
    let mut b = a.clone();
    let response = a.ready().await.unwrap().call(2);
    handle.next_request().await.unwrap().1.send_response(2);
    response.await.unwrap();
    let limited = b.ready().await.unwrap().call(4);
    let err = limited
        .now_or_never()
        .expect("rejected at once")
        .unwrap_err();
    assert!(err.is::<RateLimited>());
}
