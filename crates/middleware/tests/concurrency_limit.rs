//! `ConcurrencyLimit`: at most N calls in flight, waiting or rejecting, shared or not.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use futures_util::FutureExt;
use proptest::prelude::*;
use spire_middleware::error::{Closed, Overloaded};
use spire_middleware::limit::concurrency::{
    ConcurrencyLimit, ConcurrencyLimitLayer, GlobalConcurrencyLimitLayer, WhenFull,
};
use spire_service::{BoxError, Layer, Service, ServiceExt};
use spire_test::mock::{self, Mock};
use tokio::sync::Semaphore;

fn noop() -> Context<'static> {
    Context::from_waker(Waker::noop())
}

fn poll_ready<S: Service<R>, R>(svc: &mut S) -> Poll<Result<(), S::Error>> {
    svc.poll_ready(&mut noop())
}

#[test]
fn concurrency_limit_is_send_sync_and_clone() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<ConcurrencyLimit<Mock<u8, u8>>>();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency_limit_never_exceeds_n_under_1000_concurrent_callers() {
    const LIMIT: usize = 10;
    const CALLERS: usize = 1000;
    let (mock, mut handle) = mock::pair::<usize, usize>();
    let svc = ConcurrencyLimit::new(mock, LIMIT);

    let callers: Vec<_> = (0..CALLERS)
        .map(|i| tokio::spawn(svc.clone().oneshot(i)))
        .collect();

    let mut outstanding = Vec::new();
    let mut answered = 0;
    let mut most_in_flight = 0;
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    while answered < CALLERS {
        if let Some((req, send)) = handle.try_next_request() {
            outstanding.push((req, send));
            most_in_flight = most_in_flight.max(outstanding.len());
            assert!(
                outstanding.len() <= LIMIT,
                "{} calls in flight, limit {LIMIT}",
                outstanding.len()
            );
            continue;
        }
        if outstanding.is_empty() {
            let next = handle.next_request().await.expect("callers remain");
            outstanding.push(next);
            continue;
        }
        // answer one at random, then let the callers run
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let index = usize::try_from(rng % outstanding.len() as u64).unwrap();
        let (req, send) = outstanding.swap_remove(index);
        send.send_response(req * 2);
        answered += 1;
        tokio::task::yield_now().await;
    }
    assert_eq!(most_in_flight, LIMIT, "the test never filled the limit");
    for (i, caller) in callers.into_iter().enumerate() {
        assert_eq!(caller.await.unwrap().unwrap(), i * 2);
    }
    assert_eq!(svc.available_permits(), LIMIT);
}

#[tokio::test]
async fn concurrency_limit_waiter_is_woken_when_permit_is_released() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut a = ConcurrencyLimit::new(mock, 1);
    let b = a.clone();
    let first = a.ready().await.unwrap().call(1);
    let waiter = tokio::spawn(b.oneshot(2));
    tokio::task::yield_now().await;
    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 1);
    assert!(handle.try_next_request().is_none(), "the second call waits");
    send.send_response(1);
    assert_eq!(first.await.unwrap(), 1);
    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 2);
    send.send_response(2);
    assert_eq!(waiter.await.unwrap().unwrap(), 2);
}

#[tokio::test]
async fn concurrency_limit_releases_permit_when_response_future_is_dropped() {
    let (mock, _handle) = mock::pair::<(), ()>();
    let mut svc = ConcurrencyLimit::new(mock, 1);
    let response = svc.ready().await.unwrap().call(());
    assert_eq!(svc.available_permits(), 0);
    assert!(poll_ready(&mut svc.clone()).is_pending());
    drop(response);
    assert_eq!(svc.available_permits(), 1);
}

#[tokio::test]
async fn concurrency_limit_dropping_a_ready_service_releases_its_permit() {
    let (mock, _handle) = mock::pair::<(), ()>();
    let mut a = ConcurrencyLimit::new(mock, 1);
    let mut b = a.clone();
    assert!(poll_ready(&mut a).is_ready());
    assert!(poll_ready(&mut b).is_pending());
    drop(a);
    assert!(poll_ready(&mut b).is_ready());
}

#[tokio::test]
async fn concurrency_limit_holds_permit_while_inner_is_not_ready() {
    let (mock, mut handle) = mock::pair::<(), ()>();
    handle.allow(0);
    let mut a = ConcurrencyLimit::new(mock, 1);
    let mut b = a.clone();
    assert!(poll_ready(&mut a).is_pending());
    assert_eq!(
        a.available_permits(),
        0,
        "a holds the permit while its inner waits"
    );
    assert!(poll_ready(&mut b).is_pending());
    handle.allow(1);
    assert!(poll_ready(&mut a).is_ready());
    // stays ready, takes no second permit
    assert!(poll_ready(&mut a).is_ready());
}

#[tokio::test]
async fn concurrency_limit_poll_ready_twice_reserves_one_permit() {
    let (mock, _handle) = mock::pair::<(), ()>();
    let mut svc = ConcurrencyLimit::new(mock, 2);
    assert!(poll_ready(&mut svc).is_ready());
    assert!(poll_ready(&mut svc).is_ready());
    assert_eq!(svc.available_permits(), 1);
}

#[tokio::test]
async fn concurrency_limit_reject_mode_fails_fast_without_reaching_inner() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut a = ConcurrencyLimitLayer::new(1)
        .when_full(WhenFull::Reject)
        .layer(mock);
    let mut b = a.clone();
    let first = a.ready().await.unwrap().call(1);

    assert!(poll_ready(&mut b).is_ready(), "reject mode never waits");
    let err = b
        .call(2)
        .now_or_never()
        .expect("rejected at once")
        .unwrap_err();
    assert!(err.is::<Overloaded>(), "{err}");

    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 1);
    assert!(
        handle.try_next_request().is_none(),
        "the rejected call never reached inner"
    );
    send.send_response(1);
    first.await.unwrap();

    // capacity is back: the next call goes through
    let second = b.ready().await.unwrap().call(3);
    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 3);
    send.send_response(3);
    assert_eq!(second.await.unwrap(), 3);
}

#[tokio::test]
async fn global_concurrency_limit_is_shared_by_every_service_it_builds() {
    let layer = GlobalConcurrencyLimitLayer::new(1);
    let (mock_a, mut handle_a) = mock::pair::<(), ()>();
    let (mock_b, _handle_b) = mock::pair::<(), ()>();
    let mut a = layer.layer(mock_a);
    let mut b = layer.layer(mock_b);

    let response = a.ready().await.unwrap().call(());
    assert!(poll_ready(&mut b).is_pending());
    handle_a.next_request().await.unwrap().1.send_response(());
    response.await.unwrap();
    assert!(poll_ready(&mut b).is_ready());
}

#[tokio::test]
async fn concurrency_limit_layer_gives_each_service_its_own_limit() {
    let layer = ConcurrencyLimitLayer::new(1);
    let (mock_a, _ha) = mock::pair::<(), ()>();
    let (mock_b, _hb) = mock::pair::<(), ()>();
    let mut a = layer.layer(mock_a);
    let mut b = layer.layer(mock_b);
    let _in_flight = a.ready().await.unwrap().call(());
    assert!(poll_ready(&mut b).is_ready());
}

#[tokio::test]
async fn concurrency_limit_closed_semaphore_fails_poll_ready() {
    let semaphore = Arc::new(Semaphore::new(0));
    let (mock, _handle) = mock::pair::<(), ()>();
    let mut svc = ConcurrencyLimit::with_semaphore(mock, Arc::clone(&semaphore));
    assert!(poll_ready(&mut svc).is_pending());
    semaphore.close();
    match poll_ready(&mut svc) {
        Poll::Ready(Err(e)) => assert!(e.is::<Closed>()),
        other => panic!("expected Closed, got {other:?}"),
    }
}

#[tokio::test]
async fn concurrency_limit_passes_inner_errors() {
    let (mock, mut handle) = mock::pair::<(), ()>();
    let mut svc = ConcurrencyLimit::new(mock, 1);
    let response = svc.ready().await.unwrap().call(());
    handle.next_request().await.unwrap().1.send_error("inner");
    assert_eq!(response.await.unwrap_err().to_string(), "inner");
    assert_eq!(svc.available_permits(), 1);
    handle.send_error("broken");
    let err: BoxError = svc.ready().await.unwrap_err();
    assert_eq!(err.to_string(), "broken");
}

#[derive(Clone, Debug)]
enum Op {
    PollReady(usize),
    Call(usize),
    Finish(usize),
    Cancel(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..4usize).prop_map(Op::PollReady),
        (0..4usize).prop_map(Op::Call),
        (0..16usize).prop_map(Op::Finish),
        (0..16usize).prop_map(Op::Cancel),
    ]
}

type Pending = Pin<Box<dyn Future<Output = Result<(), BoxError>>>>;

proptest! {
    /// Whatever four clones do, permits are conserved: reserved + in flight never exceeds
    /// the limit, and everything comes back at the end.
    #[test]
    fn concurrency_limit_conserves_permits(limit in 1..4usize, ops in proptest::collection::vec(op(), 0..64)) {
        let (mock, mut handle) = mock::pair::<(), ()>();
        let semaphore = Arc::new(Semaphore::new(limit));
        let first = ConcurrencyLimit::with_semaphore(mock, Arc::clone(&semaphore));
        let mut services = vec![first.clone(), first.clone(), first.clone(), first];
        let mut ready = [false; 4];
        let mut in_flight: Vec<(Pending, mock::SendResponse<()>)> = Vec::new();
        for op in ops {
            match op {
                Op::PollReady(i) => {
                    if let Poll::Ready(result) = poll_ready(&mut services[i]) {
                        prop_assert!(result.is_ok());
                        ready[i] = true;
                    }
                }
                Op::Call(i) if ready[i] => {
                    ready[i] = false;
                    let future: Pending = Box::pin(services[i].call(()));
                    let (_, send) = handle.try_next_request().expect("the call reached the mock");
                    in_flight.push((future, send));
                }
                Op::Finish(j) if j < in_flight.len() => {
                    let (future, send) = in_flight.swap_remove(j);
                    send.send_response(());
                    prop_assert!(future.now_or_never().expect("answered").is_ok());
                }
                Op::Cancel(j) if j < in_flight.len() => drop(in_flight.swap_remove(j)),
                _ => {}
            }
            let reserved = ready.iter().filter(|r| **r).count();
            let available = services[0].available_permits();
            prop_assert!(reserved + in_flight.len() <= limit);
            prop_assert!(available + reserved + in_flight.len() <= limit);
        }
        drop(in_flight);
        drop(services);
        prop_assert_eq!(semaphore.available_permits(), limit);
    }
}
