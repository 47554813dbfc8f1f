//! `http::map_request_body`: the function runs on each request body, once, before the inner service.
#![cfg(feature = "http")]

use std::convert::Infallible;

use bytes::Bytes;
use http::Request;
use spire_body::{BodyExt, Full, LengthLimitError, Limited};
use spire_middleware::http::map_request_body::MapRequestBodyLayer;
use spire_service::{Layer, Service, ServiceExt, service_fn};

#[tokio::test]
async fn map_request_body_wraps_each_body_and_keeps_the_head() {
    let inner = service_fn(|request: Request<Limited<Full<Bytes>>>| async move {
        let path = request.uri().path().to_owned();
        let result = request.into_body().collect().await;
        Ok::<_, Infallible>((
            path,
            result
                .map(|c| c.to_bytes())
                .map_err(|e| e.is::<LengthLimitError>()),
        ))
    });
    let mut svc = MapRequestBodyLayer::new(|body: Full<Bytes>| Limited::new(body, 3)).layer(inner);

    let request = Request::builder()
        .uri("/a")
        .body(Full::new(Bytes::from_static(b"abc")))
        .unwrap();
    let (path, body) = svc.ready().await.unwrap().call(request).await.unwrap();
    assert_eq!(path, "/a");
    assert_eq!(body.unwrap(), "abc");

    let request = Request::builder()
        .uri("/b")
        .body(Full::new(Bytes::from_static(b"abcd")))
        .unwrap();
    let (_, body) = svc.ready().await.unwrap().call(request).await.unwrap();
    assert!(
        body.unwrap_err(),
        "the mapped body did not enforce its limit"
    );
}

#[tokio::test]
async fn map_request_body_stateful_function_runs_once_per_request() {
    let mut count = 0_u32;
    let number = move |(): ()| {
        count += 1;
        count
    };
    let inner =
        service_fn(|request: Request<u32>| async move { Ok::<_, Infallible>(*request.body()) });
    let mut svc = MapRequestBodyLayer::new(number).layer(inner);
    for expected in 1..=3 {
        assert_eq!(
            svc.ready()
                .await
                .unwrap()
                .call(Request::new(()))
                .await
                .unwrap(),
            expected
        );
    }
}
