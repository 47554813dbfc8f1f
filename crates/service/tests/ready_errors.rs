//! A `poll_ready` error means the service is finished: every caller and every wrapper must
//! surface it (converted as the wrapper documents) and never call the service.

use std::future::{Ready, ready};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use futures_util::{StreamExt, stream};
use spire_service::util::Either;
use spire_service::{BoxError, Service, ServiceBuilder, ServiceExt, UnsyncBoxService};

/// Accepts `ok_calls` calls, then fails readiness for good. Panics if called after that.
#[derive(Clone)]
struct FailsAfter {
    ok_calls: usize,
    calls: Arc<AtomicUsize>,
}

impl Service<u32> for FailsAfter {
    type Response = u32;
    type Error = &'static str;
    type Future = Ready<Result<u32, &'static str>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        if self.calls.load(Ordering::SeqCst) >= self.ok_calls {
            Poll::Ready(Err("broken"))
        } else {
            Poll::Ready(Ok(()))
        }
    }

    fn call(&mut self, req: u32) -> Self::Future {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        assert!(n < self.ok_calls, "called after poll_ready failed");
        ready(Ok(req))
    }
}

fn broken() -> (FailsAfter, Arc<AtomicUsize>) {
    fails_after(0)
}

fn fails_after(ok_calls: usize) -> (FailsAfter, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = FailsAfter {
        ok_calls,
        calls: Arc::clone(&calls),
    };
    (svc, calls)
}

fn poll_ready_now<S: Service<R>, R>(svc: &mut S) -> Poll<Result<(), S::Error>> {
    svc.poll_ready(&mut Context::from_waker(Waker::noop()))
}

#[tokio::test]
async fn oneshot_returns_the_readiness_error_without_calling() {
    let (svc, calls) = broken();
    assert_eq!(svc.oneshot(1).await, Err("broken"));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn ready_and_ready_oneshot_return_the_readiness_error() {
    let (mut svc, _) = broken();
    assert_eq!(svc.ready().await.err(), Some("broken"));
    assert_eq!(svc.ready_oneshot().await.err(), Some("broken"));
}

#[tokio::test]
async fn call_all_yields_the_readiness_error_once_then_ends() {
    let (svc, calls) = broken();
    let responses: Vec<_> = svc.call_all(stream::iter([1, 2, 3])).collect().await;
    assert_eq!(responses, [Err("broken")]);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn call_all_yields_earlier_responses_before_the_readiness_error() {
    let (svc, calls) = fails_after(2);
    let responses: Vec<_> = svc.call_all(stream::iter([1, 2, 3, 4])).collect().await;
    assert_eq!(responses, [Ok(1), Ok(2), Err("broken")]);
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    let (svc, calls) = fails_after(1);
    let responses: Vec<_> = svc
        .call_all(stream::iter([1, 2, 3]))
        .unordered()
        .collect()
        .await;
    assert_eq!(responses, [Ok(1), Err("broken")]);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn map_err_maps_the_readiness_error() {
    let (svc, _) = broken();
    let mut svc = svc.map_err(|e: &'static str| format!("mapped: {e}"));
    assert_eq!(
        poll_ready_now(&mut svc),
        Poll::Ready(Err("mapped: broken".to_owned()))
    );
}

#[derive(Debug, PartialEq)]
struct AppError(&'static str);

impl From<&'static str> for AppError {
    fn from(e: &'static str) -> Self {
        Self(e)
    }
}

#[test]
fn map_result_then_and_then_map_future_convert_the_readiness_error() {
    let (svc, _) = broken();
    let mut svc = svc.map_result(|r: Result<u32, &'static str>| -> Result<u32, AppError> {
        panic!("the result closure must not see readiness errors: {r:?}")
    });
    assert_eq!(
        poll_ready_now(&mut svc),
        Poll::Ready(Err(AppError("broken")))
    );

    let (svc, _) = broken();
    let mut svc = svc.then(|r: Result<u32, &'static str>| ready(r.map_err(AppError)));
    assert_eq!(
        poll_ready_now(&mut svc),
        Poll::Ready(Err(AppError("broken")))
    );

    let (svc, _) = broken();
    let mut svc = svc.and_then(|x: u32| ready(Ok::<u32, AppError>(x)));
    assert_eq!(
        poll_ready_now(&mut svc),
        Poll::Ready(Err(AppError("broken")))
    );

    let (svc, _) = broken();
    let mut svc = svc
        .map_future(|f: Ready<Result<u32, &'static str>>| async move { f.await.map_err(AppError) });
    assert_eq!(
        poll_ready_now(&mut svc),
        Poll::Ready(Err(AppError("broken")))
    );
}

#[test]
fn map_request_map_response_and_either_pass_the_readiness_error_through() {
    let (svc, _) = broken();
    let mut svc = svc.map_request(|x: u8| u32::from(x));
    assert_eq!(poll_ready_now(&mut svc), Poll::Ready(Err("broken")));

    let (svc, _) = broken();
    let mut svc = svc.map_response(|x: u32| x + 1);
    assert_eq!(poll_ready_now(&mut svc), Poll::Ready(Err("broken")));

    let (svc, _) = broken();
    let mut svc: Either<FailsAfter, FailsAfter> = Either::Right(svc);
    assert_eq!(poll_ready_now(&mut svc), Poll::Ready(Err("broken")));
}

#[tokio::test]
async fn boxed_services_pass_the_readiness_error_through() {
    let (svc, calls) = broken();
    assert_eq!(svc.clone().boxed().oneshot(1).await, Err("broken"));
    assert_eq!(svc.clone().boxed_clone().oneshot(1).await, Err("broken"));
    assert_eq!(
        svc.clone().boxed_clone_sync().oneshot(1).await,
        Err("broken")
    );
    assert_eq!(UnsyncBoxService::new(svc).oneshot(1).await, Err("broken"));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_builder_stack_surfaces_the_readiness_error_through_every_layer() {
    let (svc, calls) = broken();
    let svc = ServiceBuilder::new()
        .map_err(|e: &'static str| BoxError::from(format!("outer: {e}")))
        .map_request(|x: u32| x + 1)
        .map_response(|x: u32| x * 2)
        .and_then(|x: u32| ready(Ok::<_, &'static str>(x)))
        .service(svc);
    let err = svc.oneshot(1).await.unwrap_err();
    assert_eq!(err.to_string(), "outer: broken");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn response_errors_do_not_finish_the_service() {
    let mut flaky =
        spire_service::service_fn(|x: u32| ready(if x == 2 { Err("two") } else { Ok(x) }));
    assert_eq!(flaky.ready().await.unwrap().call(1).await, Ok(1));
    assert_eq!(flaky.ready().await.unwrap().call(2).await, Err("two"));
    assert_eq!(flaky.ready().await.unwrap().call(3).await, Ok(3));

    let responses: Vec<_> = flaky.call_all(stream::iter([1, 2, 3])).collect().await;
    assert_eq!(responses, [Ok(1), Err("two"), Ok(3)]);
}
