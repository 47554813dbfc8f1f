//! `load`: `Constant`, `PendingRequests` and `PeakEwma`, and their discover wrappers.

use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use spire_middleware::discover::{Change, Discover, ServiceList};
use spire_middleware::load::peak_ewma::{PeakEwma, PeakEwmaDiscover};
use spire_middleware::load::pending_requests::{PendingRequests, PendingRequestsDiscover};
use spire_middleware::load::{CompleteOnResponse, Constant, Load, TrackCompletion};
use spire_service::{Service, ServiceExt};
use spire_test::mock;
use tokio::time::sleep;

fn noop() -> Context<'static> {
    Context::from_waker(Waker::noop())
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < expected * 0.02 + 1e-9
}

#[tokio::test]
async fn pending_requests_counts_and_releases() {
    let (m, mut handle) = mock::pair::<u8, u8>();
    let mut svc = PendingRequests::new(m, CompleteOnResponse::default());
    let first = svc.ready().await.unwrap().call(1);
    let second = svc.ready().await.unwrap().call(2);
    let third = svc.ready().await.unwrap().call(3);
    assert_eq!(svc.load().get(), 3);

    handle.next_request().await.unwrap().1.send_response(10);
    assert_eq!(first.await.unwrap(), 10);
    assert_eq!(
        svc.load().get(),
        2,
        "a completed response releases its count"
    );

    drop(second);
    assert_eq!(
        svc.load().get(),
        1,
        "a dropped response future releases its count"
    );

    let _ = handle.next_request().await.unwrap();
    handle.next_request().await.unwrap().1.send_error("failed");
    assert!(third.await.is_err());
    assert_eq!(svc.load().get(), 0, "an error releases its count");
}

#[derive(Clone)]
struct KeepHandle;

impl<H, V> TrackCompletion<H, V> for KeepHandle {
    type Output = (V, H);
    fn track_completion(&self, handle: H, value: V) -> (V, H) {
        (value, handle)
    }
}

#[tokio::test]
async fn pending_requests_custom_completion_counts_until_the_output_is_dropped() {
    let (m, mut handle) = mock::pair::<u8, u8>();
    let mut svc = PendingRequests::new(m, KeepHandle);
    let response = svc.ready().await.unwrap().call(1);
    handle.next_request().await.unwrap().1.send_response(5);
    let (value, kept) = response.await.unwrap();
    assert_eq!(value, 5);
    assert_eq!(
        svc.load().get(),
        1,
        "still counted while the output holds the handle"
    );
    drop(kept);
    assert_eq!(svc.load().get(), 0);
}

#[tokio::test]
async fn pending_requests_discover_wraps_each_insert() {
    let (a, _ha) = mock::pair::<u8, u8>();
    let mut discover = pin!(PendingRequestsDiscover::new(
        ServiceList::new([a]),
        CompleteOnResponse::default()
    ));
    let Poll::Ready(Some(Ok(Change::Insert(0, mut svc)))) =
        discover.as_mut().poll_discover(&mut noop())
    else {
        panic!("expected an insert");
    };
    assert_eq!(svc.load().get(), 0);
    let _response = svc.ready().await.unwrap().call(1);
    assert_eq!(svc.load().get(), 1);
    assert!(matches!(
        discover.poll_discover(&mut noop()),
        Poll::Ready(None)
    ));
}

#[tokio::test]
async fn constant_forwards_calls_and_reports_its_load() {
    let (m, mut handle) = mock::pair::<u8, u8>();
    let mut svc = Constant::new(m, 7u8);
    let response = svc.ready().await.unwrap().call(1);
    assert_eq!(svc.load(), 7);
    handle.next_request().await.unwrap().1.send_response(2);
    assert_eq!(response.await.unwrap(), 2);

    let (a, _ha) = mock::pair::<u8, u8>();
    let mut discover = pin!(Constant::new(ServiceList::new([a]), 3u8));
    let Poll::Ready(Some(Ok(Change::Insert(0, svc)))) =
        discover.as_mut().poll_discover(&mut noop())
    else {
        panic!("expected an insert");
    };
    assert_eq!(svc.load(), 3);
}

fn peak_ewma(m: mock::Mock<u8, u8>) -> PeakEwma<mock::Mock<u8, u8>, CompleteOnResponse> {
    PeakEwma::new(
        m,
        Duration::from_millis(10),
        Duration::from_secs(1),
        CompleteOnResponse::default(),
    )
}

#[tokio::test(start_paused = true)]
async fn peak_ewma_takes_a_slow_response_at_once_then_decays() {
    let (m, mut handle) = mock::pair::<u8, u8>();
    let mut svc = peak_ewma(m);
    assert!(close(svc.load().get(), 0.010), "starts at the default RTT");

    let response = svc.ready().await.unwrap().call(1);
    sleep(Duration::from_millis(500)).await;
    handle.next_request().await.unwrap().1.send_response(1);
    response.await.unwrap();
    assert!(
        close(svc.load().get(), 0.5),
        "the peak: {}",
        svc.load().get()
    );

    // One decay time idle: about e^-1 of it is left.
    sleep(Duration::from_secs(1)).await;
    let after_one = svc.load().get();
    assert!(close(after_one, 0.5 * (-1.0f64).exp()), "{after_one}");

    sleep(Duration::from_secs(5)).await;
    assert!(svc.load().get() < 0.002, "{}", svc.load().get());
}

#[tokio::test(start_paused = true)]
async fn peak_ewma_fast_responses_pull_the_estimate_down_gradually() {
    let (m, mut handle) = mock::pair::<u8, u8>();
    let mut svc = peak_ewma(m);
    let slow = svc.ready().await.unwrap().call(1);
    sleep(Duration::from_millis(400)).await;
    handle.next_request().await.unwrap().1.send_response(1);
    slow.await.unwrap();

    let fast = svc.ready().await.unwrap().call(2);
    sleep(Duration::from_millis(10)).await;
    handle.next_request().await.unwrap().1.send_response(2);
    fast.await.unwrap();
    // w = e^(-10ms / 1s) ≈ 0.99: the fast sample moves it by about 1%.
    let load = svc.load().get();
    assert!(load > 0.38 && load < 0.399, "{load}");
}

#[tokio::test(start_paused = true)]
async fn peak_ewma_multiplies_by_requests_in_flight() {
    let (m, _handle) = mock::pair::<u8, u8>();
    let mut svc = PeakEwma::new(
        m,
        Duration::from_millis(100),
        Duration::from_secs(10),
        CompleteOnResponse::default(),
    );
    let first = svc.ready().await.unwrap().call(1);
    let second = svc.ready().await.unwrap().call(2);
    assert!(close(svc.load().get(), 0.3), "{}", svc.load().get());
    drop(first);
    drop(second);
    // The two canceled requests took no time: samples of zero barely move the estimate.
    assert!(close(svc.load().get(), 0.1), "{}", svc.load().get());
}

#[tokio::test(start_paused = true)]
async fn peak_ewma_discover_applies_its_settings() {
    let (a, _ha) = mock::pair::<u8, u8>();
    let mut discover = pin!(PeakEwmaDiscover::new(
        ServiceList::new([a]),
        Duration::from_millis(250),
        Duration::from_secs(1),
        CompleteOnResponse::default(),
    ));
    let Poll::Ready(Some(Ok(Change::Insert(0, svc)))) =
        discover.as_mut().poll_discover(&mut noop())
    else {
        panic!("expected an insert");
    };
    assert!(close(svc.load().get(), 0.25));
    assert!(matches!(
        discover.poll_discover(&mut noop()),
        Poll::Ready(None)
    ));
}

#[test]
#[should_panic(expected = "must not be zero")]
fn peak_ewma_zero_decay_panics() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let _guard = rt.enter();
    let (m, _h) = mock::pair::<u8, u8>();
    drop(PeakEwma::new(
        m,
        Duration::from_millis(1),
        Duration::ZERO,
        CompleteOnResponse::default(),
    ));
}
