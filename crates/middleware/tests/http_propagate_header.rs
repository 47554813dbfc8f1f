//! `http::propagate_header`: a request header is copied to the response.
#![cfg(feature = "http")]

use std::convert::Infallible;

use http::{HeaderName, Request, Response};
use spire_middleware::http::propagate_header::PropagateHeaderLayer;
use spire_service::{Layer, Service, ServiceExt, service_fn};

const X_TRACE: HeaderName = HeaderName::from_static("x-trace");

#[tokio::test]
async fn propagate_header_copies_request_value_over_response_value() {
    let inner = service_fn(|_: Request<()>| async {
        Ok::<_, Infallible>(
            Response::builder()
                .header(X_TRACE, "from-inner")
                .body(())
                .unwrap(),
        )
    });
    let svc = PropagateHeaderLayer::new(X_TRACE).layer(inner);
    let request = Request::builder()
        .header(X_TRACE, "from-client")
        .body(())
        .unwrap();
    let response = svc.oneshot(request).await.unwrap();
    let all: Vec<_> = response.headers().get_all(X_TRACE).iter().collect();
    assert_eq!(all, ["from-client"]);
}

#[tokio::test]
async fn propagate_header_without_request_header_leaves_response_alone() {
    let inner = service_fn(|_: Request<()>| async {
        Ok::<_, Infallible>(
            Response::builder()
                .header(X_TRACE, "from-inner")
                .body(())
                .unwrap(),
        )
    });
    let response = PropagateHeaderLayer::new(X_TRACE)
        .layer(inner)
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(response.headers()[X_TRACE], "from-inner");
}

#[tokio::test]
async fn propagate_header_uses_the_mock_and_each_request_own_value() {
    let (mock, mut handle) = spire_test::mock::pair::<Request<()>, Response<()>>();
    let mut svc = PropagateHeaderLayer::new(X_TRACE).layer(mock);

    let first = svc
        .ready()
        .await
        .unwrap()
        .call(Request::builder().header(X_TRACE, "1").body(()).unwrap());
    let second = svc
        .ready()
        .await
        .unwrap()
        .call(Request::builder().header(X_TRACE, "2").body(()).unwrap());
    let (_, send_first) = handle.next_request().await.unwrap();
    let (_, send_second) = handle.next_request().await.unwrap();
    send_second.send_response(Response::new(()));
    send_first.send_response(Response::new(()));
    assert_eq!(second.await.unwrap().headers()[X_TRACE], "2");
    assert_eq!(first.await.unwrap().headers()[X_TRACE], "1");
}
