//! Backpressure: nothing calls a service before it is ready, and every wrapper forwards
//! `Poll::Pending` (and the wake-up) from the service it wraps.

use std::future::{Ready, ready};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use futures_util::task::{ArcWake, waker};
use futures_util::{Stream, StreamExt, stream};
use spire_service::layer::Identity;
use spire_service::util::Either;
use spire_service::{Service, ServiceBuilder, ServiceExt};

/// What the test controls: how many calls the service may accept.
#[derive(Default)]
struct Permits {
    available: usize,
    waiting: Option<Waker>,
    calls: Vec<u32>,
}

type Handle = Arc<Mutex<Permits>>;

/// A service that is ready only while the test has granted permits, and panics if it is
/// called without a reservation.
#[derive(Clone)]
struct Gated {
    permits: Handle,
    reserved: bool,
}

impl Service<u32> for Gated {
    type Response = u32;
    type Error = &'static str;
    type Future = Ready<Result<u32, &'static str>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        if self.reserved {
            return Poll::Ready(Ok(()));
        }
        let mut permits = self.permits.lock().unwrap();
        if permits.available == 0 {
            permits.waiting = Some(cx.waker().clone());
            return Poll::Pending;
        }
        permits.available -= 1;
        self.reserved = true;
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: u32) -> Self::Future {
        assert!(self.reserved, "Gated called without readiness");
        self.reserved = false;
        self.permits.lock().unwrap().calls.push(req);
        ready(Ok(req))
    }
}

fn gated() -> (Gated, Handle) {
    let permits = Handle::default();
    let svc = Gated {
        permits: Arc::clone(&permits),
        reserved: false,
    };
    (svc, permits)
}

fn grant(permits: &Handle, n: usize) {
    let mut permits = permits.lock().unwrap();
    permits.available += n;
    if let Some(waker) = permits.waiting.take() {
        waker.wake();
    }
}

fn calls(permits: &Handle) -> Vec<u32> {
    permits.lock().unwrap().calls.clone()
}

/// A waker that remembers whether it was woken.
#[derive(Default)]
struct Flag(AtomicBool);

impl ArcWake for Flag {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.0.store(true, Ordering::SeqCst);
    }
}

impl Flag {
    fn woken(&self) -> bool {
        self.0.swap(false, Ordering::SeqCst)
    }
}

#[test]
fn ready_is_pending_until_a_permit_is_granted_and_wakes_the_caller() {
    let (mut svc, permits) = gated();
    let flag = Arc::new(Flag::default());
    let waker = waker(Arc::clone(&flag));
    let mut cx = Context::from_waker(&waker);

    {
        let mut ready_fut = pin!(svc.ready());
        assert!(ready_fut.as_mut().poll(&mut cx).is_pending());
        assert!(ready_fut.as_mut().poll(&mut cx).is_pending());
        assert!(!flag.woken());

        grant(&permits, 1);
        assert!(
            flag.woken(),
            "granting capacity must wake the task waiting in ready()"
        );
        match ready_fut.as_mut().poll(&mut cx) {
            Poll::Ready(Ok(_)) => {}
            other => panic!("expected ready, got {:?}", other.map(|r| r.map(|_| ()))),
        }
    }
    assert!(
        calls(&permits).is_empty(),
        "ready() must not call the service"
    );
    assert!(svc.call(7).into_inner().is_ok());
    assert_eq!(calls(&permits), [7]);
}

#[test]
fn oneshot_waits_for_readiness_and_never_calls_early() {
    let (svc, permits) = gated();
    let flag = Arc::new(Flag::default());
    let waker = waker(Arc::clone(&flag));
    let mut cx = Context::from_waker(&waker);

    let mut fut = pin!(svc.oneshot(5));
    for _ in 0..3 {
        assert!(fut.as_mut().poll(&mut cx).is_pending());
    }
    assert!(calls(&permits).is_empty());

    grant(&permits, 1);
    assert!(flag.woken());
    assert_eq!(fut.as_mut().poll(&mut cx), Poll::Ready(Ok(5)));
    assert_eq!(calls(&permits), [5]);
}

#[test]
fn ready_oneshot_yields_the_service_only_once_ready() {
    let (svc, permits) = gated();
    let waker = Waker::noop();
    let mut cx = Context::from_waker(waker);

    let mut fut = pin!(svc.ready_oneshot());
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    grant(&permits, 1);
    let Poll::Ready(Ok(mut svc)) = fut.as_mut().poll(&mut cx) else {
        panic!("the service should be ready after a grant");
    };
    assert!(svc.call(3).into_inner().is_ok());
    assert_eq!(calls(&permits), [3]);
}

#[test]
fn call_all_calls_once_per_permit_and_waits_in_between() {
    let (svc, permits) = gated();
    let flag = Arc::new(Flag::default());
    let waker = waker(Arc::clone(&flag));
    let mut cx = Context::from_waker(&waker);

    let mut responses = pin!(svc.call_all(stream::iter([1, 2, 3])));
    assert!(responses.as_mut().poll_next(&mut cx).is_pending());
    assert!(calls(&permits).is_empty());

    grant(&permits, 1);
    assert!(flag.woken());
    assert_eq!(
        responses.as_mut().poll_next(&mut cx),
        Poll::Ready(Some(Ok(1)))
    );
    assert!(responses.as_mut().poll_next(&mut cx).is_pending());
    assert_eq!(
        calls(&permits),
        [1],
        "the second call must wait for the second permit"
    );

    grant(&permits, 2);
    assert_eq!(
        responses.as_mut().poll_next(&mut cx),
        Poll::Ready(Some(Ok(2)))
    );
    assert_eq!(
        responses.as_mut().poll_next(&mut cx),
        Poll::Ready(Some(Ok(3)))
    );
    assert_eq!(responses.as_mut().poll_next(&mut cx), Poll::Ready(None));
    assert_eq!(calls(&permits), [1, 2, 3]);
}

#[tokio::test]
async fn ready_then_call_in_a_loop_waits_for_each_permit() {
    let (mut svc, permits) = gated();
    let granter = {
        let permits = Arc::clone(&permits);
        tokio::spawn(async move {
            for _ in 0..3 {
                tokio::task::yield_now().await;
                grant(&permits, 1);
            }
        })
    };
    for i in 0..3 {
        let response = svc.ready().await.unwrap().call(i).await;
        assert_eq!(response, Ok(i));
    }
    granter.await.unwrap();
    assert_eq!(calls(&permits), [0, 1, 2]);
}

/// Polls `svc` for readiness without permits (must be pending and wake later), then grants
/// one and checks it becomes ready and can be called.
fn assert_forwards_pending<S>(mut svc: S, permits: &Handle, name: &str)
where
    S: Service<u32>,
    S::Error: std::fmt::Debug,
{
    let flag = Arc::new(Flag::default());
    let waker = waker(Arc::clone(&flag));
    let mut cx = Context::from_waker(&waker);

    assert!(
        svc.poll_ready(&mut cx).is_pending(),
        "{name}: ready without capacity"
    );
    grant(permits, 1);
    assert!(flag.woken(), "{name}: the inner wake-up was lost");
    assert!(
        matches!(svc.poll_ready(&mut cx), Poll::Ready(Ok(()))),
        "{name}: not ready after a grant"
    );
    drop(svc.call(1));
    assert_eq!(calls(permits), [1], "{name}");
}

#[test]
fn every_wrapper_forwards_pending_readiness() {
    macro_rules! check {
        ($name:literal, |$svc:ident| $wrap:expr) => {{
            let ($svc, permits) = gated();
            assert_forwards_pending($wrap, &permits, $name);
        }};
    }
    check!("map_request", |s| s.map_request(|x: u32| x));
    check!("map_response", |s| s.map_response(|x: u32| x));
    check!("map_err", |s| s.map_err(|e: &'static str| e.len()));
    check!("map_result", |s| s
        .map_result(|r: Result<u32, &'static str>| r));
    check!("map_future", |s| s
        .map_future(|f: Ready<Result<u32, &'static str>>| f));
    check!("then", |s| s.then(|r: Result<u32, &'static str>| ready(r)));
    check!("and_then", |s| s
        .and_then(|x: u32| ready(Ok::<_, &'static str>(x))));
    check!("boxed", |s| s.boxed());
    check!("boxed_clone", |s| s.boxed_clone());
    check!("boxed_clone_sync", |s| s.boxed_clone_sync());
    check!("unsync boxed", |s| spire_service::UnsyncBoxService::new(s));
    check!("Box<S>", |s| Box::new(s));
    check!("Either::Left", |s| Either::<_, Gated>::Left(s));
    check!("Either::Right", |s| Either::<Gated, _>::Right(s));
    check!("option_layer(None)", |s| ServiceBuilder::new()
        .option_layer(None::<Identity>)
        .service(s));
    check!("builder stack", |s| ServiceBuilder::new()
        .map_request(|x: u32| x)
        .map_response(|x: u32| x)
        .and_then(|x: u32| ready(Ok::<_, &'static str>(x)))
        .service(s));

    let (mut svc, permits) = gated();
    assert_forwards_pending(&mut svc, &permits, "&mut S");
}

#[tokio::test]
async fn call_all_consumes_requests_only_as_fast_as_the_service_allows() {
    let (svc, permits) = gated();
    grant(&permits, 2);
    let responses = svc.call_all(stream::iter(1..=4));
    let mut responses = pin!(responses);
    assert_eq!(responses.next().await, Some(Ok(1)));
    assert_eq!(responses.next().await, Some(Ok(2)));
    // Out of permits: the third request is held, not sent.
    let waker = Waker::noop();
    assert!(
        responses
            .as_mut()
            .poll_next(&mut Context::from_waker(waker))
            .is_pending()
    );
    assert_eq!(calls(&permits), [1, 2]);
    grant(&permits, 2);
    let rest: Vec<_> = responses.collect().await;
    assert_eq!(rest, [Ok(3), Ok(4)]);
}

#[test]
fn ready_dropped_after_success_leaves_the_reservation_with_the_service() {
    let (mut svc, permits) = gated();
    grant(&permits, 1);
    let mut cx = Context::from_waker(Waker::noop());
    {
        let mut ready_fut = pin!(svc.ready());
        assert!(ready_fut.as_mut().poll(&mut cx).is_ready());
    }
    // No new permit: the next poll_ready must succeed on the reservation already held.
    assert_eq!(permits.lock().unwrap().available, 0);
    assert_eq!(svc.poll_ready(&mut cx), Poll::Ready(Ok(())));
    assert!(svc.call(4).into_inner().is_ok());
    assert_eq!(calls(&permits), [4]);
}
