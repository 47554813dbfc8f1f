//! `balance::p2c::Balance`: power of two choices over a changing set of endpoints.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use futures_util::{Stream, stream};
use proptest::prelude::*;
use spire_middleware::balance::p2c::{Balance, DiscoverFailed};
use spire_middleware::discover::{Change, ServiceList};
use spire_middleware::load::pending_requests::{PendingRequests, PendingRequestsDiscover};
use spire_middleware::load::{CompleteOnResponse, Constant};
use spire_service::{Service, ServiceExt};
use spire_test::mock::{self, Handle, Mock, SendResponse};
use tokio::sync::mpsc;

type Endpoint = Mock<u32, u32>;

fn noop() -> Context<'static> {
    Context::from_waker(Waker::noop())
}

/// What the test discovers yield.
type Changed<S> = Result<Change<u32, S>, Infallible>;

/// A discover fed by hand through a channel.
fn channel_discover<S>() -> (
    mpsc::UnboundedSender<Change<u32, S>>,
    impl Stream<Item = Changed<S>> + Unpin,
) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let changes = stream::poll_fn(move |cx| rx.poll_recv(cx).map(|change| change.map(Ok)));
    (tx, changes)
}

/// Which handle received the one request just sent, and its responder.
fn who_got_it(handles: &mut [Handle<u32, u32>]) -> (usize, SendResponse<u32>) {
    let mut got = handles
        .iter_mut()
        .enumerate()
        .filter_map(|(i, h)| h.try_next_request().map(|(_, send)| (i, send)));
    let first = got.next().expect("one endpoint got the request");
    assert!(got.next().is_none(), "a request reached two endpoints");
    first
}

/// Whether every mock of this handle has been dropped (and all its requests taken).
fn is_dropped(handle: &mut Handle<u32, u32>) -> bool {
    matches!(handle.poll_request(&mut noop()), Poll::Ready(None))
}

struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[tokio::test(start_paused = true)]
async fn p2c_sends_nearly_everything_to_the_idle_endpoint() {
    let (mocks, mut handles): (Vec<Endpoint>, Vec<_>) = (0..3).map(|_| mock::pair()).unzip();
    let discover =
        PendingRequestsDiscover::new(ServiceList::new(mocks), CompleteOnResponse::default());
    let mut svc = Balance::with_seed(discover, 1);

    // Endpoint 0 never answers, so its requests pile up; 1 and 2 answer at once.
    let mut held = Vec::new();
    let mut counts = [0usize; 3];
    for i in 0..1000 {
        let response = svc.ready().await.unwrap().call(i);
        let (endpoint, send) = who_got_it(&mut handles);
        counts[endpoint] += 1;
        if endpoint == 0 {
            held.push((response, send));
        } else {
            send.send_response(i);
            assert_eq!(response.await.unwrap(), i);
        }
    }
    // Endpoint 0 wins only a tie at zero; once it holds one request it always loses.
    assert!(counts[0] <= 1, "the loaded endpoint got {counts:?}");
    assert!(
        counts[1] > 300 && counts[2] > 300,
        "idle endpoints share: {counts:?}"
    );
    assert_eq!(held.len(), counts[0]);
}

#[tokio::test(start_paused = true)]
async fn p2c_shares_by_rank_of_load() {
    // With four endpoints of loads 1 < 2 < 3 < 4, each is in a random pair half the time
    // and wins against the higher ones only: 1/2, 1/3, 1/6 and 0 of the requests.
    let (mocks, mut handles): (Vec<Endpoint>, Vec<_>) = (0..4).map(|_| mock::pair()).unzip();
    let endpoints = mocks
        .into_iter()
        .enumerate()
        .map(|(i, m)| Ok::<_, Infallible>(Change::Insert(i as u32, Constant::new(m, i + 1))));
    let mut svc = Balance::with_seed(stream::iter(endpoints.collect::<Vec<_>>()), 9);

    let mut counts = [0usize; 4];
    for i in 0..3000 {
        let response = svc.ready().await.unwrap().call(i);
        let (endpoint, send) = who_got_it(&mut handles);
        counts[endpoint] += 1;
        send.send_response(i);
        response.await.unwrap();
    }
    assert!((1300..1700).contains(&counts[0]), "{counts:?}");
    assert!((850..1150).contains(&counts[1]), "{counts:?}");
    assert!((380..620).contains(&counts[2]), "{counts:?}");
    assert_eq!(counts[3], 0, "{counts:?}");
}

#[tokio::test(start_paused = true)]
async fn p2c_adapts_when_endpoints_come_and_go() {
    let (tx, changes) = channel_discover();
    let mut svc = Balance::with_seed(
        PendingRequestsDiscover::new(changes, CompleteOnResponse::default()),
        3,
    );
    let mut handles = Vec::new();
    let insert = |key: u32, handles: &mut Vec<Handle<u32, u32>>| {
        let (m, h) = mock::pair();
        tx.send(Change::Insert(key, m)).unwrap();
        handles.push(h);
    };
    insert(0, &mut handles);
    insert(1, &mut handles);

    let run = |svc: &mut Balance<_, u32>, handles: &mut Vec<Handle<u32, u32>>, n| {
        let mut counts = vec![0usize; handles.len()];
        for i in 0..n {
            let Poll::Ready(Ok(())) = svc.poll_ready(&mut noop()) else {
                panic!("every endpoint answers at once, so one is always ready");
            };
            let response: spire_middleware::balance::p2c::ResponseFuture<_> = svc.call(i);
            let (endpoint, send) = who_got_it(handles);
            counts[endpoint] += 1;
            send.send_response(i);
            drop(response);
        }
        counts
    };

    let counts = run(&mut svc, &mut handles, 200);
    assert!(counts.iter().all(|&c| c > 50), "{counts:?}");

    insert(2, &mut handles);
    let counts = run(&mut svc, &mut handles, 300);
    assert!(
        counts[2] > 50,
        "the new endpoint gets its share: {counts:?}"
    );
    assert_eq!(svc.len(), 3);

    tx.send(Change::Remove(0)).unwrap();
    let counts = run(&mut svc, &mut handles, 300);
    assert_eq!(counts[0], 0, "a removed endpoint gets nothing: {counts:?}");
    assert!(counts[1] > 50 && counts[2] > 50, "{counts:?}");
    assert!(
        is_dropped(&mut handles[0]),
        "the balancer let go of the removed endpoint"
    );
    assert_eq!(svc.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn p2c_removing_a_pending_endpoint_cancels_its_readiness() {
    let (tx, changes) = channel_discover();
    let mut svc = Balance::new(PendingRequestsDiscover::new(
        changes,
        CompleteOnResponse::default(),
    ));
    let (a, mut ha) = mock::pair::<u32, u32>();
    let (b, mut hb) = mock::pair::<u32, u32>();
    hb.allow(0);
    tx.send(Change::Insert(0, a)).unwrap();
    tx.send(Change::Insert(1, b)).unwrap();
    assert!(svc.poll_ready(&mut noop()).is_ready());
    assert_eq!(svc.len(), 2);

    tx.send(Change::Remove(1)).unwrap();
    assert!(svc.poll_ready(&mut noop()).is_ready());
    assert_eq!(svc.len(), 1);
    assert!(is_dropped(&mut hb), "the pending endpoint was dropped");
    let _response = svc.call(5);
    assert_eq!(ha.try_next_request().map(|(r, _)| r), Some(5));
}

#[tokio::test(start_paused = true)]
async fn p2c_never_calls_an_endpoint_that_is_not_ready() {
    let (a, mut ha) = mock::pair::<u32, u32>();
    let (b, mut hb) = mock::pair::<u32, u32>();
    ha.allow(0);
    let discover =
        PendingRequestsDiscover::new(ServiceList::new([a, b]), CompleteOnResponse::default());
    let mut svc = Balance::with_seed(discover, 5);
    for i in 0..100 {
        let response = svc.ready().await.unwrap().call(i);
        // (the mock would also panic if it were called without a reservation)
        assert!(ha.try_next_request().is_none());
        hb.try_next_request().unwrap().1.send_response(i);
        response.await.unwrap();
    }
    // Once `a` is ready and `b` is not, `a` gets the next request.
    ha.allow(1);
    hb.allow(0);
    let response = svc.ready().await.unwrap().call(100);
    assert!(hb.try_next_request().is_none());
    let (request, send) = ha.try_next_request().expect("`a` got a request once ready");
    assert_eq!(request, 100);
    send.send_response(request);
    assert_eq!(response.await.unwrap(), 100);
}

#[tokio::test(start_paused = true)]
async fn p2c_with_no_endpoints_waits_and_wakes_on_insert() {
    let (tx, changes) = channel_discover();
    let mut svc = Balance::new(PendingRequestsDiscover::new(
        changes,
        CompleteOnResponse::default(),
    ));
    let flag = Arc::new(Flag(AtomicBool::new(false)));
    let waker = Waker::from(Arc::clone(&flag));
    assert!(
        svc.poll_ready(&mut Context::from_waker(&waker))
            .is_pending()
    );
    assert!(!flag.0.load(Ordering::SeqCst));

    let (a, mut ha) = mock::pair::<u32, u32>();
    tx.send(Change::Insert(7, a)).unwrap();
    assert!(
        flag.0.load(Ordering::SeqCst),
        "an insert wakes the waiting task"
    );
    assert!(svc.poll_ready(&mut noop()).is_ready());
    let _response = svc.call(1);
    assert_eq!(ha.try_next_request().map(|(r, _)| r), Some(1));
}

#[tokio::test(start_paused = true)]
async fn p2c_drops_an_endpoint_that_fails_readiness() {
    let (a, mut ha) = mock::pair::<u32, u32>();
    let (b, mut hb) = mock::pair::<u32, u32>();
    ha.allow(0);
    hb.allow(0);
    let discover =
        PendingRequestsDiscover::new(ServiceList::new([a, b]), CompleteOnResponse::default());
    let mut svc = Balance::new(discover);
    assert!(svc.poll_ready(&mut noop()).is_pending());
    assert_eq!(svc.len(), 2);
    // The mock's error goes to the first mock polled after it; both share one state, so
    // fail each in turn.
    ha.send_error("a broke");
    assert!(svc.poll_ready(&mut noop()).is_pending());
    assert_eq!(svc.len(), 1, "the failed endpoint is dropped, not reported");
    ha.allow(1);
    hb.allow(1);
    assert!(svc.poll_ready(&mut noop()).is_ready());
    let _response = svc.call(3);
    let got_a = ha.try_next_request().is_some();
    let got_b = hb.try_next_request().is_some();
    assert!(got_a ^ got_b);
}

#[tokio::test]
async fn p2c_discover_failure_is_discover_failed() {
    let changes = stream::iter([Err::<Change<u32, Constant<Endpoint, u8>>, _>(
        std::io::Error::other("dns"),
    )]);
    let mut svc = Balance::new(changes);
    let err = svc.ready().await.unwrap_err();
    let failed = err
        .downcast_ref::<DiscoverFailed>()
        .expect("DiscoverFailed");
    assert_eq!(failed.to_string(), "endpoint discovery failed");
    assert_eq!(
        std::error::Error::source(failed).unwrap().to_string(),
        "dns"
    );
}

#[tokio::test]
#[should_panic(expected = "without poll_ready")]
async fn p2c_call_without_ready_panics() {
    let (a, _ha) = mock::pair::<u32, u32>();
    let mut svc = Balance::new(ServiceList::new([Constant::new(a, 1)]));
    drop(svc.call(1));
}

#[derive(Clone, Debug)]
enum Op {
    Insert(u32),
    Remove(u32),
    Call,
    Block(u32),
    Unblock(u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..4u32).prop_map(Op::Insert),
        (0..4u32).prop_map(Op::Remove),
        Just(Op::Call),
        Just(Op::Call),
        (0..4u32).prop_map(Op::Block),
        (0..4u32).prop_map(Op::Unblock),
    ]
}

proptest! {
    /// Random inserts, removals and readiness changes: a request only ever reaches a
    /// live, ready endpoint, and a removed or replaced endpoint is dropped.
    #[test]
    fn p2c_never_calls_a_removed_endpoint(ops in proptest::collection::vec(op(), 1..60), seed: u64) {
        let (tx, changes) = channel_discover::<PendingRequests<Endpoint, CompleteOnResponse>>();
        let mut svc = Balance::with_seed(changes, seed);
        // Every endpoint ever inserted, with its handle; `live` maps key -> latest one.
        let mut handles: Vec<Handle<u32, u32>> = Vec::new();
        let mut live: HashMap<u32, usize> = HashMap::new();
        let mut blocked: Vec<bool> = Vec::new();
        let mut request = 0;
        for op in ops {
            match op {
                Op::Insert(key) => {
                    let (m, h) = mock::pair();
                    tx.send(Change::Insert(key, PendingRequests::new(m, CompleteOnResponse::default()))).unwrap();
                    handles.push(h);
                    blocked.push(false);
                    live.insert(key, handles.len() - 1);
                }
                Op::Remove(key) => {
                    tx.send(Change::Remove(key)).unwrap();
                    live.remove(&key);
                }
                Op::Block(key) | Op::Unblock(key) => {
                    if let Some(&i) = live.get(&key) {
                        let block = matches!(op, Op::Block(_));
                        handles[i].allow(if block { 0 } else { u64::MAX });
                        blocked[i] = block;
                    }
                }
                Op::Call => {
                    // A blocked mock may still hold the reservation it took before.
                    if svc.poll_ready(&mut noop()).is_ready() {
                        request += 1;
                        let _response = svc.call(request);
                        let got: Vec<usize> = handles.iter_mut().enumerate()
                            .filter_map(|(i, h)| h.try_next_request().map(|_| i)).collect();
                        prop_assert_eq!(got.len(), 1);
                        prop_assert!(live.values().any(|&i| i == got[0]), "called endpoint {} is not live", got[0]);
                    } else {
                        prop_assert!(live.values().all(|&i| blocked[i]), "pending with an unblocked endpoint");
                    }
                }
            }
            let _ = svc.poll_ready(&mut noop());
            prop_assert_eq!(svc.len(), live.len());
            for (i, handle) in handles.iter_mut().enumerate() {
                if !live.values().any(|&l| l == i) {
                    prop_assert!(is_dropped(handle), "endpoint {} was removed but not dropped", i);
                }
            }
        }
    }
}

#[tokio::test]
async fn make_balance_builds_one_balancer_per_target() {
    use spire_middleware::balance::p2c::MakeBalanceLayer;
    use spire_service::{BoxError, Layer, service_fn};

    // The target names the cluster; each cluster has one endpoint that tags its answers.
    let discover_cluster = service_fn(|cluster: u32| async move {
        let endpoint =
            service_fn(move |x: u32| async move { Ok::<_, BoxError>(cluster * 100 + x) });
        Ok::<_, BoxError>(ServiceList::new([Constant::new(endpoint, 1)]))
    });
    let mut make = MakeBalanceLayer::<u32>::new().layer(discover_cluster);
    let mut one = make.ready().await.unwrap().call(1).await.unwrap();
    let mut two = make.ready().await.unwrap().call(2).await.unwrap();
    assert_eq!(one.ready().await.unwrap().call(5).await.unwrap(), 105);
    assert_eq!(two.ready().await.unwrap().call(5).await.unwrap(), 205);
    assert_eq!((one.len(), two.len()), (1, 1));
}
