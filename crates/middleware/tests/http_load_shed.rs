//! HTTP `LoadShed`: a 503 exactly when the inner service is not ready, and the inner
//! service's errors unchanged.

use std::task::{Context, Poll, Waker};

use futures_util::FutureExt;
use http::{Request, Response, StatusCode};
use spire_middleware::http::load_shed::{LoadShed, LoadShedLayer};
use spire_middleware::limit::concurrency::ConcurrencyLimitLayer;
use spire_service::{Layer, Service, ServiceBuilder, ServiceExt};
use spire_test::mock::{self, Mock};

type Req = Request<&'static str>;
type Res = Response<String>;

fn poll_ready<S: Service<R>, R>(svc: &mut S) -> Poll<Result<(), S::Error>> {
    svc.poll_ready(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn load_shed_is_clone_send_sync() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<LoadShed<Mock<Req, Res>>>();
}

#[tokio::test]
async fn a_ready_inner_service_gets_the_call() {
    let (mock, mut handle) = mock::pair::<Req, Res>();
    let mut svc = LoadShedLayer::new().layer(mock);
    assert!(poll_ready(&mut svc).is_ready());
    let response = svc.call(Request::new("first"));
    let (request, send) = handle.next_request().await.unwrap();
    assert_eq!(*request.body(), "first");
    send.send_response(Response::new(String::from("served")));
    let response = response.await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), "served");
}

#[tokio::test]
async fn a_busy_inner_service_means_503_at_once_without_a_call() {
    let (mock, mut handle) = mock::pair::<Req, Res>();
    let mut svc = LoadShed::new(mock);

    handle.allow(0);
    assert!(poll_ready(&mut svc).is_ready(), "load shed never waits");
    let response = svc
        .call(Request::new("shed"))
        .now_or_never()
        .expect("answered at once")
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.body().is_empty());
    assert!(handle.try_next_request().is_none(), "never reached inner");

    // Readiness is decided again on every poll_ready.
    handle.allow(1);
    assert!(poll_ready(&mut svc).is_ready());
    let response = svc.call(Request::new("served"));
    let (_request, send) = handle.next_request().await.unwrap();
    send.send_response(Response::new(String::from("ok")));
    assert_eq!(response.await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn a_call_without_poll_ready_is_shed() {
    let (mock, mut handle) = mock::pair::<Req, Res>();
    let mut svc = LoadShed::new(mock);
    let response = svc.call(Request::new("no reservation")).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(handle.try_next_request().is_none());
}

#[tokio::test]
async fn inner_errors_pass_through_unchanged() {
    let (mock, mut handle) = mock::pair::<Req, Res>();
    let mut svc = LoadShed::new(mock);

    handle.send_error("poll_ready failed");
    let err = svc.ready().await.unwrap_err();
    assert_eq!(err.to_string(), "poll_ready failed");
}

#[tokio::test]
async fn outside_a_concurrency_limit_it_sheds_what_the_limit_would_queue() {
    let (mock, mut handle) = mock::pair::<Req, Res>();
    let mut svc = ServiceBuilder::new()
        .layer(LoadShedLayer::new())
        .layer(ConcurrencyLimitLayer::new(2))
        .service(mock);

    let first = svc.ready().await.unwrap().call(Request::new("1"));
    let second = svc.ready().await.unwrap().call(Request::new("2"));
    let third = svc
        .ready()
        .await
        .unwrap()
        .call(Request::new("3"))
        .await
        .unwrap();
    assert_eq!(third.status(), StatusCode::SERVICE_UNAVAILABLE);

    // Finishing one call frees a permit: the next request goes through again.
    let (_r1, send1) = handle.next_request().await.unwrap();
    let (_r2, send2) = handle.next_request().await.unwrap();
    send1.send_response(Response::new(String::from("one")));
    assert_eq!(first.await.unwrap().body(), "one");
    let fourth = svc.ready().await.unwrap().call(Request::new("4"));
    let (r4, send4) = handle.next_request().await.unwrap();
    assert_eq!(*r4.body(), "4");
    send4.send_response(Response::new(String::from("four")));
    send2.send_response(Response::new(String::from("two")));
    assert_eq!(fourth.await.unwrap().body(), "four");
    assert_eq!(second.await.unwrap().body(), "two");
}
