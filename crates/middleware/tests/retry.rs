//! `Retry`, `ExponentialBackoff` and `Budget`, on tokio's paused clock.

use std::future::{Ready, ready};
use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;
use spire_middleware::retry::{Budget, ExponentialBackoff, Policy, Retry, RetryLayer};
use spire_service::{BoxError, Layer, Service, ServiceExt};
use spire_test::mock;
use tokio::time::{Instant, Sleep};

/// Retries errors at once, up to `left` more times.
#[derive(Clone)]
struct Attempts {
    left: u32,
}

impl Policy<u32, u32, BoxError> for Attempts {
    type Future = Ready<()>;

    fn retry(&mut self, _: &mut u32, result: &mut Result<u32, BoxError>) -> Option<Ready<()>> {
        if result.is_err() && self.left > 0 {
            self.left -= 1;
            Some(ready(()))
        } else {
            None
        }
    }

    fn clone_request(&mut self, req: &u32) -> Option<u32> {
        Some(*req)
    }
}

/// Retries errors after a backoff, within a budget.
#[derive(Clone)]
struct Backoff {
    attempt: u32,
    backoff: ExponentialBackoff,
    budget: Arc<Budget>,
}

impl Policy<u32, u32, BoxError> for Backoff {
    type Future = Sleep;

    fn retry(&mut self, _: &mut u32, result: &mut Result<u32, BoxError>) -> Option<Sleep> {
        if result.is_ok() {
            self.budget.deposit();
            return None;
        }
        if !self.budget.withdraw() {
            return None;
        }
        self.attempt += 1;
        Some(tokio::time::sleep(self.backoff.delay(self.attempt)))
    }

    fn clone_request(&mut self, req: &u32) -> Option<u32> {
        Some(*req)
    }
}

#[tokio::test]
async fn retry_tries_again_until_the_policy_stops() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = RetryLayer::new(Attempts { left: 2 }).layer(mock);
    let response = tokio::spawn(svc.ready().await.unwrap().call(9));
    for attempt in 0..3 {
        let (req, send) = handle.next_request().await.unwrap();
        assert_eq!(req, 9);
        send.send_error(format!("attempt {attempt} failed"));
    }
    let err = response.await.unwrap().unwrap_err();
    assert_eq!(
        err.to_string(),
        "attempt 2 failed",
        "the caller sees the last error"
    );
    assert!(handle.try_next_request().is_none());
}

#[tokio::test]
async fn retry_stops_at_the_first_success() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = Retry::new(Attempts { left: 5 }, mock);
    let response = tokio::spawn(svc.ready().await.unwrap().call(1));
    handle.next_request().await.unwrap().1.send_error("flaky");
    handle.next_request().await.unwrap().1.send_response(10);
    assert_eq!(response.await.unwrap().unwrap(), 10);
    tokio::task::yield_now().await;
    assert!(handle.try_next_request().is_none());
}

#[tokio::test]
async fn retry_each_call_starts_with_a_fresh_policy() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = Retry::new(Attempts { left: 1 }, mock);
    for x in 0..2 {
        let response = tokio::spawn(svc.ready().await.unwrap().call(x));
        handle.next_request().await.unwrap().1.send_error("first");
        handle.next_request().await.unwrap().1.send_response(x);
        assert_eq!(response.await.unwrap().unwrap(), x);
    }
}

#[tokio::test]
async fn retry_without_a_cloned_request_does_not_retry() {
    #[derive(Clone)]
    struct CannotClone;
    impl Policy<u32, u32, BoxError> for CannotClone {
        type Future = Ready<()>;
        fn retry(&mut self, _: &mut u32, _: &mut Result<u32, BoxError>) -> Option<Ready<()>> {
            panic!("retry is never asked without a request to retry");
        }
        fn clone_request(&mut self, _: &u32) -> Option<u32> {
            None
        }
    }
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = Retry::new(CannotClone, mock);
    let response = svc.ready().await.unwrap().call(1);
    handle.next_request().await.unwrap().1.send_error("once");
    assert_eq!(response.await.unwrap_err().to_string(), "once");
}

#[tokio::test]
async fn retry_waits_for_inner_readiness_before_a_retry() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    handle.allow(1);
    let mut svc = Retry::new(Attempts { left: 1 }, mock);
    let response = tokio::spawn(svc.ready().await.unwrap().call(4));
    handle.next_request().await.unwrap().1.send_error("busy");
    for _ in 0..5 {
        tokio::task::yield_now().await;
    }
    assert!(
        handle.try_next_request().is_none(),
        "the retry waits for readiness"
    );
    handle.allow(1);
    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 4);
    send.send_response(40);
    assert_eq!(response.await.unwrap().unwrap(), 40);
}

#[tokio::test]
async fn retry_returns_a_poll_ready_error_met_before_a_retry() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    handle.allow(1);
    let mut svc = Retry::new(Attempts { left: 1 }, mock);
    let response = tokio::spawn(svc.ready().await.unwrap().call(4));
    handle
        .next_request()
        .await
        .unwrap()
        .1
        .send_error("attempt failed");
    handle.send_error("service gone");
    let err = response.await.unwrap().unwrap_err();
    assert_eq!(err.to_string(), "service gone");
}

#[tokio::test(start_paused = true)]
async fn retry_attempts_are_spaced_by_the_backoff() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let policy = Backoff {
        attempt: 0,
        backoff: ExponentialBackoff::new(Duration::from_millis(100), Duration::from_secs(10), 0.0),
        budget: Arc::new(Budget::new(Duration::from_secs(10), 10, 0.2)),
    };
    let mut svc = Retry::new(policy, mock);
    let start = Instant::now();
    let response = tokio::spawn(svc.ready().await.unwrap().call(1));
    let mut arrivals = Vec::new();
    for _ in 0..3 {
        let (_, send) = handle.next_request().await.unwrap();
        arrivals.push(Instant::now() - start);
        send.send_error("down");
    }
    let (_, send) = handle.next_request().await.unwrap();
    arrivals.push(Instant::now() - start);
    send.send_response(1);
    assert_eq!(response.await.unwrap().unwrap(), 1);
    let ms = |n| Duration::from_millis(n);
    assert_eq!(arrivals, [ms(0), ms(100), ms(300), ms(700)]);
}

#[tokio::test(start_paused = true)]
async fn retry_stops_when_the_budget_is_spent() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let policy = Backoff {
        attempt: 0,
        backoff: ExponentialBackoff::new(Duration::from_millis(1), Duration::from_millis(1), 0.0),
        // no reserve: only deposits pay for retries
        budget: Arc::new(Budget::new(Duration::from_secs(10), 0, 0.5)),
    };
    let mut svc = Retry::new(policy, mock);
    // two successes deposit one retry
    for _ in 0..2 {
        let response = tokio::spawn(svc.ready().await.unwrap().call(0));
        handle.next_request().await.unwrap().1.send_response(0);
        response.await.unwrap().unwrap();
    }
    let response = tokio::spawn(svc.ready().await.unwrap().call(1));
    handle.next_request().await.unwrap().1.send_error("first");
    handle.next_request().await.unwrap().1.send_error("second"); // the one paid retry
    let err = response.await.unwrap().unwrap_err();
    assert_eq!(err.to_string(), "second");
    assert!(handle.try_next_request().is_none());
}

#[tokio::test(start_paused = true)]
async fn budget_deposits_expire_after_ttl() {
    let budget = Budget::new(Duration::from_secs(10), 0, 1.0);
    budget.deposit();
    budget.deposit();
    assert_eq!(budget.available(), 2);
    tokio::time::advance(Duration::from_secs(5)).await;
    budget.deposit();
    assert_eq!(budget.available(), 3);
    tokio::time::advance(Duration::from_secs(5)).await;
    assert_eq!(
        budget.available(),
        1,
        "the first two deposits are older than ttl"
    );
    tokio::time::advance(Duration::from_secs(5)).await;
    assert_eq!(budget.available(), 0);
    assert!(!budget.withdraw());
}

#[tokio::test(start_paused = true)]
async fn budget_reserve_allows_min_per_sec_over_ttl() {
    let budget = Budget::new(Duration::from_secs(2), 3, 0.0);
    for _ in 0..6 {
        assert!(budget.withdraw());
    }
    assert!(!budget.withdraw(), "3 a second over 2 seconds is 6");
    tokio::time::advance(Duration::from_secs(2)).await;
    assert!(budget.withdraw(), "the withdrawals expired");
}

#[test]
#[should_panic(expected = "jitter")]
fn backoff_rejects_jitter_above_one() {
    let _ = ExponentialBackoff::new(Duration::ZERO, Duration::from_secs(1), 1.5);
}

proptest! {
    /// The delay doubles up to the cap, and jitter only ever shortens it, by at most
    /// the jitter fraction.
    #[test]
    fn backoff_delay_stays_within_jitter_of_the_capped_doubling(
        min_ms in 1..1_000u64,
        cap_factor in 1..100u64,
        jitter in 0.0..=1.0f64,
        attempt in 0..80u32,
    ) {
        let min = Duration::from_millis(min_ms);
        let max = min * u32::try_from(cap_factor).unwrap();
        let backoff = ExponentialBackoff::new(min, max, jitter);
        let doubled = 2u128.saturating_pow(attempt.saturating_sub(1)).saturating_mul(min.as_nanos());
        let expected = Duration::from_nanos(u64::try_from(doubled.min(max.as_nanos())).unwrap());
        let delay = backoff.delay(attempt);
        prop_assert!(delay <= expected, "{delay:?} > {expected:?}");
        let floor = expected.mul_f64(1.0 - jitter);
        // allow one nanosecond of float rounding
        prop_assert!(delay + Duration::from_nanos(1) >= floor, "{delay:?} < {floor:?}");
    }
}
