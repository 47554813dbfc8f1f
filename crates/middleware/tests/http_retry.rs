//! `http::retry`: idempotent requests retried with their streamed bodies, within the cap
//! and the budget, on tokio's paused clock.
#![cfg(feature = "http")]

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use spire_body::{BodyExt, Channel, Full, channel};
use spire_middleware::http::replay::ReplayBody;
use spire_middleware::http::retry::{Retry, RetryLayer, RetryPolicy};
use spire_middleware::retry::{Budget, ExponentialBackoff};
use spire_service::{BoxError, Layer, Service, ServiceBuilder, ServiceExt, service_fn};
use spire_test::mock::{self, Handle, Mock};
use tokio::time::Instant;

type Streamed = Channel<Bytes, Infallible>;
type Req = Request<ReplayBody<Streamed>>;

fn status(code: StatusCode) -> Response<()> {
    let mut response = Response::new(());
    *response.status_mut() = code;
    response
}

fn pair() -> (Mock<Req, Response<()>>, Handle<Req, Response<()>>) {
    mock::pair()
}

fn request(method: Method, body: Streamed) -> Request<Streamed> {
    Request::builder()
        .method(method)
        .uri("http://backend.test/items/1")
        .header("x-trace", "abc")
        .body(body)
        .unwrap()
}

/// A body that is already complete.
async fn complete(chunks: &[&'static str]) -> Streamed {
    let (mut tx, body) = channel::<Bytes, Infallible>(chunks.len().max(1));
    for chunk in chunks {
        tx.send_data(Bytes::from_static(chunk.as_bytes()))
            .await
            .unwrap();
    }
    body
}

#[tokio::test(start_paused = true)]
async fn retry_503_with_streamed_body_sends_the_full_body_twice() {
    let (mock, mut handle) = pair();
    let mut svc = Retry::new(mock, RetryPolicy::new());
    let (mut tx, body) = channel::<Bytes, Infallible>(1);
    let started = Instant::now();
    let response = tokio::spawn(svc.ready().await.unwrap().call(request(Method::PUT, body)));

    // The first attempt reads half of the body, then the backend gives up.
    let (first, send) = handle.next_request().await.unwrap();
    let mut first_body = first.into_body();
    tx.send_data(Bytes::from("hello ")).await.unwrap();
    let frame = first_body.frame().await.unwrap().unwrap();
    assert_eq!(frame.into_data().unwrap(), "hello ");
    drop(first_body);
    send.send_response(status(StatusCode::SERVICE_UNAVAILABLE));

    // The retry gets the same head and the whole body: the part already sent, then the rest.
    let (second, send) = handle.next_request().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(50), "no backoff");
    assert_eq!(second.method(), Method::PUT);
    assert_eq!(second.uri(), "http://backend.test/items/1");
    assert_eq!(second.headers()["x-trace"], "abc");
    tx.send_data(Bytes::from("world")).await.unwrap();
    drop(tx);
    assert_eq!(
        second.into_body().collect().await.unwrap().to_bytes(),
        "hello world"
    );
    send.send_response(status(StatusCode::OK));
    assert_eq!(response.await.unwrap().unwrap().status(), StatusCode::OK);
}

#[tokio::test(start_paused = true)]
async fn retry_complete_body_is_seen_whole_by_each_attempt() {
    let (mock, mut handle) = pair();
    let mut svc = Retry::new(mock, RetryPolicy::new());
    let body = complete(&["a", "b", "c"]).await;
    let response = tokio::spawn(svc.ready().await.unwrap().call(request(Method::GET, body)));
    for _ in 0..2 {
        let (seen, send) = handle.next_request().await.unwrap();
        assert_eq!(seen.into_body().collect().await.unwrap().to_bytes(), "abc");
        send.send_response(status(StatusCode::BAD_GATEWAY));
    }
    let (seen, send) = handle.next_request().await.unwrap();
    assert_eq!(seen.into_body().collect().await.unwrap().to_bytes(), "abc");
    send.send_response(status(StatusCode::GATEWAY_TIMEOUT));
    // Three attempts by default: the last result is returned.
    let response = response.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    assert!(handle.try_next_request().is_none());
}

#[tokio::test(start_paused = true)]
async fn retry_post_is_not_retried() {
    let (mock, mut handle) = pair();
    let mut svc = Retry::new(mock, RetryPolicy::new());
    let body = complete(&["order"]).await;
    let response = tokio::spawn(svc.ready().await.unwrap().call(request(Method::POST, body)));
    handle
        .next_request()
        .await
        .unwrap()
        .1
        .send_response(status(StatusCode::SERVICE_UNAVAILABLE));
    let response = response.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert!(handle.try_next_request().is_none(), "a POST was retried");
}

#[tokio::test(start_paused = true)]
async fn retry_post_error_is_returned() {
    let (mock, mut handle) = pair();
    let mut svc = Retry::new(mock, RetryPolicy::new());
    let body = complete(&[]).await;
    let response = tokio::spawn(svc.ready().await.unwrap().call(request(Method::POST, body)));
    handle.next_request().await.unwrap().1.send_error("reset");
    assert_eq!(response.await.unwrap().unwrap_err().to_string(), "reset");
    assert!(handle.try_next_request().is_none());
}

#[tokio::test(start_paused = true)]
async fn retry_methods_are_configurable() {
    let (mock, mut handle) = pair();
    let policy = RetryPolicy::new().methods([Method::POST]);
    let mut svc = Retry::new(mock, policy);
    let body = complete(&["x"]).await;
    let response = tokio::spawn(svc.ready().await.unwrap().call(request(Method::POST, body)));
    handle.next_request().await.unwrap().1.send_error("reset");
    handle
        .next_request()
        .await
        .unwrap()
        .1
        .send_response(status(StatusCode::OK));
    assert_eq!(response.await.unwrap().unwrap().status(), StatusCode::OK);
}

#[tokio::test(start_paused = true)]
async fn retry_body_over_cap_is_not_retried() {
    let (mock, mut handle) = pair();
    let mut svc = Retry::new(mock, RetryPolicy::new()).replay_cap(4);
    let body = complete(&["12", "345"]).await;
    let response = tokio::spawn(svc.ready().await.unwrap().call(request(Method::PUT, body)));
    let (seen, send) = handle.next_request().await.unwrap();
    // The attempt in progress still gets the whole body.
    assert_eq!(
        seen.into_body().collect().await.unwrap().to_bytes(),
        "12345"
    );
    send.send_response(status(StatusCode::SERVICE_UNAVAILABLE));
    let response = response.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert!(handle.try_next_request().is_none());
}

#[tokio::test(start_paused = true)]
async fn retry_body_within_cap_is_retried() {
    let (mock, mut handle) = pair();
    let mut svc = Retry::new(mock, RetryPolicy::new()).replay_cap(5);
    let body = complete(&["12", "345"]).await;
    let response = tokio::spawn(svc.ready().await.unwrap().call(request(Method::PUT, body)));
    let (seen, send) = handle.next_request().await.unwrap();
    seen.into_body().collect().await.unwrap();
    send.send_response(status(StatusCode::SERVICE_UNAVAILABLE));
    let (seen, send) = handle.next_request().await.unwrap();
    assert_eq!(
        seen.into_body().collect().await.unwrap().to_bytes(),
        "12345"
    );
    send.send_response(status(StatusCode::OK));
    assert_eq!(response.await.unwrap().unwrap().status(), StatusCode::OK);
}

#[tokio::test(start_paused = true)]
async fn retry_other_statuses_are_returned() {
    for code in [
        StatusCode::INTERNAL_SERVER_ERROR,
        StatusCode::NOT_FOUND,
        StatusCode::OK,
    ] {
        let (mock, mut handle) = pair();
        let mut svc = Retry::new(mock, RetryPolicy::new());
        let body = complete(&[]).await;
        let response = tokio::spawn(svc.ready().await.unwrap().call(request(Method::GET, body)));
        handle
            .next_request()
            .await
            .unwrap()
            .1
            .send_response(status(code));
        assert_eq!(response.await.unwrap().unwrap().status(), code);
        assert!(handle.try_next_request().is_none());
    }
}

#[tokio::test(start_paused = true)]
async fn retry_after_in_seconds_is_waited_for() {
    let (mock, mut handle) = pair();
    let mut svc = Retry::new(mock, RetryPolicy::new());
    let body = complete(&[]).await;
    let started = Instant::now();
    let response = tokio::spawn(svc.ready().await.unwrap().call(request(Method::GET, body)));
    let mut unavailable = status(StatusCode::SERVICE_UNAVAILABLE);
    unavailable
        .headers_mut()
        .insert(header::RETRY_AFTER, "3".parse().unwrap());
    handle
        .next_request()
        .await
        .unwrap()
        .1
        .send_response(unavailable);
    handle
        .next_request()
        .await
        .unwrap()
        .1
        .send_response(status(StatusCode::OK));
    assert!(started.elapsed() >= Duration::from_secs(3));
    assert_eq!(response.await.unwrap().unwrap().status(), StatusCode::OK);
}

#[tokio::test(start_paused = true)]
async fn retry_after_longer_than_the_max_returns_the_response() {
    let (mock, mut handle) = pair();
    let mut svc = Retry::new(
        mock,
        RetryPolicy::new().max_retry_after(Duration::from_secs(5)),
    );
    let body = complete(&[]).await;
    let response = tokio::spawn(svc.ready().await.unwrap().call(request(Method::GET, body)));
    let mut unavailable = status(StatusCode::SERVICE_UNAVAILABLE);
    unavailable
        .headers_mut()
        .insert(header::RETRY_AFTER, "3600".parse().unwrap());
    handle
        .next_request()
        .await
        .unwrap()
        .1
        .send_response(unavailable);
    let response = response.await.unwrap().unwrap();
    assert_eq!(response.headers()[header::RETRY_AFTER], "3600");
    assert!(handle.try_next_request().is_none());
}

#[tokio::test(start_paused = true)]
async fn retry_budget_caps_retries_under_total_failure() {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&calls);
    // No reserve; each request earns a fifth of a retry.
    let budget = Arc::new(Budget::new(Duration::from_secs(10), 0, 0.2));
    let policy = RetryPolicy::new()
        .max_attempts(10)
        .backoff(ExponentialBackoff::new(
            Duration::from_millis(1),
            Duration::from_millis(1),
            0.0,
        ))
        .budget(Arc::clone(&budget));
    let mut svc =
        RetryLayer::new(policy).layer(service_fn(move |_: Request<ReplayBody<Full<Bytes>>>| {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Ok::<_, BoxError>(status(StatusCode::SERVICE_UNAVAILABLE)) }
        }));
    for _ in 0..100 {
        let request = Request::get("http://backend.test/")
            .body(Full::new(Bytes::new()))
            .unwrap();
        let response = svc.ready().await.unwrap().call(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
    // 100 requests earned 20 retries: at most 20% more load, not 10 times as much.
    let calls = calls.load(Ordering::SeqCst);
    assert!(
        (101..=120).contains(&calls),
        "{calls} calls for 100 requests"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_layer_in_a_builder_takes_plain_bodies() {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&calls);
    let svc = ServiceBuilder::new()
        .layer(RetryLayer::new(RetryPolicy::new()).replay_cap(1024))
        .service_fn(move |request: Request<ReplayBody<Full<Bytes>>>| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                let body = request.into_body().collect().await?.to_bytes();
                if n == 0 {
                    return Err::<Response<Bytes>, BoxError>("connection reset".into());
                }
                Ok(Response::new(body))
            }
        });
    let request = Request::delete("http://backend.test/")
        .body(Full::new(Bytes::from("bye")))
        .unwrap();
    let response = svc.oneshot(request).await.unwrap();
    assert_eq!(response.body(), "bye");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_waits_for_the_clone_to_be_ready() {
    let (mock, mut handle) = pair();
    let mut svc = Retry::new(mock, RetryPolicy::new());
    let body = complete(&[]).await;
    let response = tokio::spawn(svc.ready().await.unwrap().call(request(Method::GET, body)));
    handle.allow(0);
    handle.next_request().await.unwrap().1.send_error("reset");
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert!(
        handle.try_next_request().is_none(),
        "called without readiness"
    );
    handle.allow(1);
    handle
        .next_request()
        .await
        .unwrap()
        .1
        .send_response(status(StatusCode::OK));
    assert_eq!(response.await.unwrap().unwrap().status(), StatusCode::OK);
}
