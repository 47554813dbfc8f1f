//! What each `ServiceExt` combinator does to requests, responses and errors, and when its
//! closure runs.

use std::future::{Ready, ready};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use spire_service::{BoxError, Service, ServiceExt, service_fn};
use tokio::sync::oneshot;

/// Answers `Ok(x)` for odd `x` and `Err(x)` for even `x`.
fn odd_ok()
-> impl Service<u32, Response = u32, Error = u32, Future = Ready<Result<u32, u32>>> + Clone {
    service_fn(|x: u32| ready(if x % 2 == 1 { Ok(x) } else { Err(x) }))
}

fn counter() -> (Arc<AtomicUsize>, impl Fn() -> usize) {
    let count = Arc::new(AtomicUsize::new(0));
    let read = {
        let count = Arc::clone(&count);
        move || count.load(Ordering::SeqCst)
    };
    (count, read)
}

#[tokio::test]
async fn map_request_converts_each_request_with_a_stateful_closure() {
    let mut seen = 0;
    let mut svc = odd_ok().map_request(move |s: &str| {
        seen += 1;
        s.len() as u32 + seen
    });
    assert_eq!(svc.ready().await.unwrap().call("ab").await, Ok(3)); // 2 + 1
    assert_eq!(svc.ready().await.unwrap().call("ab").await, Err(4)); // 2 + 2
}

#[tokio::test]
async fn map_response_maps_successes_and_leaves_errors_alone() {
    let (count, calls) = counter();
    let svc = odd_ok().map_response(move |x: u32| {
        count.fetch_add(1, Ordering::SeqCst);
        format!("ok {x}")
    });
    assert_eq!(svc.clone().oneshot(1).await, Ok("ok 1".to_owned()));
    assert_eq!(svc.oneshot(2).await, Err(2));
    assert_eq!(calls(), 1, "the closure must not run for an error");
}

#[tokio::test]
async fn map_err_maps_errors_and_leaves_successes_alone() {
    let (count, calls) = counter();
    let svc = odd_ok().map_err(move |e: u32| {
        count.fetch_add(1, Ordering::SeqCst);
        BoxError::from(format!("even: {e}"))
    });
    assert_eq!(svc.clone().oneshot(1).await.unwrap(), 1);
    assert_eq!(svc.oneshot(4).await.unwrap_err().to_string(), "even: 4");
    assert_eq!(calls(), 1);
}

#[tokio::test]
async fn map_result_sees_both_outcomes_and_can_swap_them() {
    // The new error type must be `From` the old one (for readiness errors).
    let svc = odd_ok().map_result(|r: Result<u32, u32>| match r {
        Ok(x) => Err(AppError::Rejected(x)),
        Err(x) => Ok(x * 10),
    });
    assert_eq!(svc.clone().oneshot(1).await, Err(AppError::Rejected(1)));
    assert_eq!(svc.oneshot(2).await, Ok(20));
}

#[tokio::test]
async fn then_runs_an_async_step_on_both_outcomes() {
    let svc = odd_ok().then(|r: Result<u32, u32>| async move {
        tokio::task::yield_now().await;
        Ok::<_, u32>(match r {
            Ok(x) => format!("ok {x}"),
            Err(x) => format!("recovered {x}"),
        })
    });
    assert_eq!(svc.clone().oneshot(3).await, Ok("ok 3".to_owned()));
    assert_eq!(svc.oneshot(4).await, Ok("recovered 4".to_owned()));
}

#[derive(Debug, PartialEq)]
enum AppError {
    Inner(u32),
    Rejected(u32),
}

impl From<u32> for AppError {
    fn from(e: u32) -> Self {
        Self::Inner(e)
    }
}

#[tokio::test]
async fn and_then_runs_only_on_success_and_converts_inner_errors() {
    let (count, calls) = counter();
    let svc = odd_ok().and_then(move |x: u32| {
        count.fetch_add(1, Ordering::SeqCst);
        async move {
            if x > 4 {
                Err(AppError::Rejected(x))
            } else {
                Ok(x * 2)
            }
        }
    });
    assert_eq!(svc.clone().oneshot(3).await, Ok(6));
    assert_eq!(svc.clone().oneshot(5).await, Err(AppError::Rejected(5)));
    assert_eq!(svc.oneshot(2).await, Err(AppError::Inner(2)));
    assert_eq!(
        calls(),
        2,
        "the closure must not run when the inner call failed"
    );
}

#[tokio::test]
async fn map_future_receives_the_inner_future() {
    let svc = odd_ok().map_future(|fut: Ready<Result<u32, u32>>| async move {
        match fut.await {
            Ok(x) => Ok::<_, u32>(x + 1000),
            Err(x) => Ok(x),
        }
    });
    assert_eq!(svc.clone().oneshot(1).await, Ok(1001));
    assert_eq!(svc.oneshot(2).await, Ok(2));
}

/// Where the reply channel of the request in flight waits for the test.
type Slot = Arc<std::sync::Mutex<Option<oneshot::Sender<u32>>>>;

/// A service whose response arrives when the test sends it.
fn manual() -> (
    impl Service<(), Response = u32, Error = &'static str> + use<>,
    Slot,
) {
    let slot = Slot::default();
    let svc = {
        let slot = Arc::clone(&slot);
        service_fn(move |()| {
            let (tx, rx) = oneshot::channel();
            *slot.lock().unwrap() = Some(tx);
            async move { rx.await.map_err(|_| "cancelled") }
        })
    };
    (svc, slot)
}

#[test]
fn response_closures_run_only_after_the_inner_response_and_never_if_dropped() {
    let mut cx = Context::from_waker(Waker::noop());

    // then: not before the response arrives
    let (count, calls) = counter();
    let (svc, slot) = manual();
    let mut fut = pin!(
        svc.then(move |r: Result<u32, &'static str>| {
            count.fetch_add(1, Ordering::SeqCst);
            ready(r)
        })
        .oneshot(())
    );
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    assert_eq!(calls(), 0);
    slot.lock().unwrap().take().unwrap().send(7).unwrap();
    assert_eq!(fut.as_mut().poll(&mut cx), Poll::Ready(Ok(7)));
    assert_eq!(calls(), 1);

    // map_response: dropped before the response, the closure never runs
    let (count, calls) = counter();
    let (svc, slot) = manual();
    let mut svc = svc.map_response(move |x: u32| {
        count.fetch_add(1, Ordering::SeqCst);
        x
    });
    assert!(svc.poll_ready(&mut cx).is_ready());
    let fut = svc.call(());
    drop(fut);
    assert!(
        slot.lock().unwrap().take().unwrap().send(1).is_err(),
        "dropping the future must drop the inner future"
    );
    assert_eq!(calls(), 0);
}

#[tokio::test]
async fn service_fn_closures_may_keep_state() {
    let mut total = 0;
    let mut svc = service_fn(move |x: u32| {
        total += x;
        ready(Ok::<_, ()>(total))
    });
    assert_eq!(svc.ready().await.unwrap().call(2).await, Ok(2));
    assert_eq!(svc.ready().await.unwrap().call(3).await, Ok(5));
}

#[tokio::test]
async fn mutable_references_and_boxes_are_services() {
    let mut svc = odd_ok();
    {
        let by_ref = &mut svc;
        assert_eq!(by_ref.oneshot(1).await, Ok(1));
    }
    let boxed: Box<
        dyn Service<u32, Response = u32, Error = u32, Future = Ready<Result<u32, u32>>>,
    > = Box::new(svc);
    assert_eq!(boxed.oneshot(2).await, Err(2));
}
