//! `Hedge`: slow calls get a second copy after the percentile delay; first answer wins.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use spire_middleware::hedge::{Hedge, HedgeLayer, Policy};
use spire_service::{Layer, Service, ServiceExt};
use spire_test::mock::{self, Handle, Mock};
use tokio::time::{Instant, advance};

const PERIOD: Duration = Duration::from_secs(1);

#[derive(Clone)]
struct Hedgeable {
    /// Only even requests may be sent twice.
    even_only: bool,
    allowed: Arc<AtomicBool>,
}

impl Policy<u32> for Hedgeable {
    fn clone_request(&self, req: &u32) -> Option<u32> {
        (!self.even_only || req.is_multiple_of(2)).then_some(*req)
    }

    fn can_retry(&self, _req: &u32) -> bool {
        self.allowed.load(Ordering::SeqCst)
    }
}

fn policy() -> Hedgeable {
    Hedgeable {
        even_only: false,
        allowed: Arc::new(AtomicBool::new(true)),
    }
}

type Svc = Hedge<Mock<u32, u32>, Hedgeable>;

/// Makes `n` calls that each take `latency`, then starts a new period so they count.
async fn warm_up(svc: &mut Svc, handle: &mut Handle<u32, u32>, n: u32, latency: Duration) {
    for i in 0..n {
        let response = svc.ready().await.unwrap().call(i * 2);
        let (req, send) = handle.next_request().await.unwrap();
        advance(latency).await;
        send.send_response(req);
        response.await.unwrap();
    }
    advance(PERIOD).await;
}

#[tokio::test(start_paused = true)]
async fn hedge_is_not_sent_without_enough_data() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = HedgeLayer::new(policy(), 5, 0.5, PERIOD).layer(mock);
    warm_up(&mut svc, &mut handle, 4, Duration::from_millis(10)).await;
    assert_eq!(svc.hedge_delay(), None, "4 calls are fewer than 5");
    let response = tokio::spawn(svc.ready().await.unwrap().call(2));
    let (_, send) = handle.next_request().await.unwrap();
    advance(Duration::from_secs(5)).await;
    assert!(handle.try_next_request().is_none(), "no hedge");
    send.send_response(2);
    assert_eq!(response.await.unwrap().unwrap(), 2);
}

#[tokio::test(start_paused = true)]
async fn hedge_is_sent_after_the_percentile_delay_and_the_first_answer_wins() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = Hedge::new(mock, policy(), 5, 0.5, PERIOD);
    warm_up(&mut svc, &mut handle, 5, Duration::from_millis(10)).await;
    // 10 ms falls in the bucket [8.192 ms, 16.384 ms)
    let delay = svc.hedge_delay().expect("enough data");
    assert_eq!(delay, Duration::from_micros(1 << 14));

    let start = Instant::now();
    let response = tokio::spawn(svc.ready().await.unwrap().call(4));
    let (first, primary) = handle.next_request().await.unwrap();
    let (second, hedge) = handle.next_request().await.unwrap();
    assert_eq!((first, second), (4, 4));
    // tokio's timer has millisecond resolution: the delay is rounded up to it
    let waited = Instant::now() - start;
    assert!(
        waited >= delay && waited <= delay + Duration::from_millis(1),
        "the hedge waits the delay: {waited:?} for {delay:?}"
    );
    hedge.send_response(40);
    assert_eq!(response.await.unwrap().unwrap(), 40);
    assert!(primary.is_canceled(), "the slower call is dropped");
}

#[tokio::test(start_paused = true)]
async fn hedge_is_not_sent_when_the_primary_answers_in_time() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = Hedge::new(mock, policy(), 1, 0.5, PERIOD);
    warm_up(&mut svc, &mut handle, 3, Duration::from_millis(100)).await;
    let response = tokio::spawn(svc.ready().await.unwrap().call(6));
    let (_, send) = handle.next_request().await.unwrap();
    advance(Duration::from_millis(50)).await;
    send.send_response(60);
    assert_eq!(response.await.unwrap().unwrap(), 60);
    advance(Duration::from_secs(1)).await;
    assert!(handle.try_next_request().is_none());
}

#[tokio::test(start_paused = true)]
async fn hedge_primary_can_still_win_after_the_hedge_is_sent() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = Hedge::new(mock, policy(), 1, 0.5, PERIOD);
    warm_up(&mut svc, &mut handle, 3, Duration::from_millis(1)).await;
    let response = tokio::spawn(svc.ready().await.unwrap().call(8));
    let (_, primary) = handle.next_request().await.unwrap();
    let (_, hedge) = handle.next_request().await.unwrap();
    primary.send_response(80);
    assert_eq!(response.await.unwrap().unwrap(), 80);
    assert!(hedge.is_canceled());
}

#[tokio::test(start_paused = true)]
async fn hedge_respects_the_policy() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let allowed = Arc::new(AtomicBool::new(true));
    let policy = Hedgeable {
        even_only: true,
        allowed: Arc::clone(&allowed),
    };
    let mut svc = Hedge::new(mock, policy, 1, 0.5, PERIOD);
    warm_up(&mut svc, &mut handle, 3, Duration::from_millis(1)).await;

    // odd requests are never cloned
    let response = tokio::spawn(svc.ready().await.unwrap().call(3));
    let (_, send) = handle.next_request().await.unwrap();
    advance(Duration::from_secs(1)).await;
    assert!(handle.try_next_request().is_none());
    send.send_response(3);
    response.await.unwrap().unwrap();

    // can_retry says no when the delay has passed
    allowed.store(false, Ordering::SeqCst);
    let response = tokio::spawn(svc.ready().await.unwrap().call(2));
    let (_, send) = handle.next_request().await.unwrap();
    advance(Duration::from_secs(1)).await;
    assert!(handle.try_next_request().is_none());
    send.send_response(2);
    assert_eq!(response.await.unwrap().unwrap(), 2);
}

#[tokio::test(start_paused = true)]
async fn hedge_waits_for_the_spare_services_readiness() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = Hedge::new(mock, policy(), 1, 0.5, PERIOD);
    warm_up(&mut svc, &mut handle, 3, Duration::from_millis(1)).await;
    handle.allow(1); // enough for the primary only
    let response = tokio::spawn(svc.ready().await.unwrap().call(2));
    let (_, primary) = handle.next_request().await.unwrap();
    advance(Duration::from_millis(100)).await;
    assert!(
        handle.try_next_request().is_none(),
        "the spare clone is not ready"
    );
    handle.allow(1);
    let (_, hedge) = handle.next_request().await.unwrap();
    hedge.send_response(22);
    assert_eq!(response.await.unwrap().unwrap(), 22);
    assert!(primary.is_canceled());
}
