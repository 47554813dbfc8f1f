//! `http::set_header`: the three modes, fixed and computed values, requests and responses.
#![cfg(feature = "http")]

use std::convert::Infallible;

use http::{HeaderMap, HeaderValue, Request, Response, header};
use spire_middleware::http::set_header::{SetRequestHeaderLayer, SetResponseHeaderLayer};
use spire_service::{Layer, ServiceExt, service_fn};

fn echo_headers()
-> impl spire_service::Service<Request<()>, Response = HeaderMap, Error = Infallible, Future: Send>
+ Clone {
    service_fn(|request: Request<()>| async move { Ok::<_, Infallible>(request.headers().clone()) })
}

fn request_with_accept() -> Request<()> {
    Request::builder()
        .header(header::ACCEPT, "text/html")
        .body(())
        .unwrap()
}

fn values(map: &HeaderMap, name: header::HeaderName) -> Vec<&str> {
    map.get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect()
}

#[tokio::test]
async fn set_request_header_overriding_replaces_existing_values() {
    let svc = SetRequestHeaderLayer::overriding(header::ACCEPT, HeaderValue::from_static("*/*"))
        .layer(echo_headers());
    let headers = svc.oneshot(request_with_accept()).await.unwrap();
    assert_eq!(values(&headers, header::ACCEPT), ["*/*"]);
}

#[tokio::test]
async fn set_request_header_appending_keeps_existing_values() {
    let svc = SetRequestHeaderLayer::appending(header::ACCEPT, HeaderValue::from_static("*/*"))
        .layer(echo_headers());
    let headers = svc.oneshot(request_with_accept()).await.unwrap();
    assert_eq!(values(&headers, header::ACCEPT), ["text/html", "*/*"]);
}

#[tokio::test]
async fn set_request_header_if_not_present_leaves_existing_value() {
    let layer =
        SetRequestHeaderLayer::if_not_present(header::ACCEPT, HeaderValue::from_static("*/*"));
    let headers = layer
        .layer(echo_headers())
        .oneshot(request_with_accept())
        .await
        .unwrap();
    assert_eq!(values(&headers, header::ACCEPT), ["text/html"]);
    let headers = layer
        .layer(echo_headers())
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(values(&headers, header::ACCEPT), ["*/*"]);
}

#[tokio::test]
async fn set_request_header_computed_value_sees_the_request() {
    let make = |request: &Request<()>| HeaderValue::from_str(request.uri().path()).ok();
    let svc = SetRequestHeaderLayer::overriding(header::HeaderName::from_static("x-path"), make)
        .layer(echo_headers());
    let request = Request::builder().uri("/a/b").body(()).unwrap();
    let headers = svc.oneshot(request).await.unwrap();
    assert_eq!(headers["x-path"], "/a/b");
}

#[tokio::test]
async fn set_request_header_none_sets_nothing() {
    let svc = SetRequestHeaderLayer::overriding(header::ACCEPT, None::<HeaderValue>)
        .layer(echo_headers());
    let headers = svc.oneshot(request_with_accept()).await.unwrap();
    assert_eq!(values(&headers, header::ACCEPT), ["text/html"]);
}

fn responder()
-> impl spire_service::Service<Request<()>, Response = Response<&'static str>, Error = Infallible>
+ Clone {
    service_fn(|_: Request<()>| async {
        Ok::<_, Infallible>(
            Response::builder()
                .header(header::CACHE_CONTROL, "no-store")
                .body("body")
                .unwrap(),
        )
    })
}

#[tokio::test]
async fn set_response_header_three_modes() {
    let value = HeaderValue::from_static("max-age=60");
    let response = SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, value.clone())
        .layer(responder())
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(
        values(response.headers(), header::CACHE_CONTROL),
        ["max-age=60"]
    );

    let response = SetResponseHeaderLayer::appending(header::CACHE_CONTROL, value.clone())
        .layer(responder())
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(
        values(response.headers(), header::CACHE_CONTROL),
        ["no-store", "max-age=60"]
    );

    let response = SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, value)
        .layer(responder())
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(
        values(response.headers(), header::CACHE_CONTROL),
        ["no-store"]
    );
}

#[tokio::test]
async fn set_response_header_computed_from_body() {
    let make = |response: &Response<&'static str>| {
        HeaderValue::from_str(&response.body().len().to_string()).ok()
    };
    let response = SetResponseHeaderLayer::overriding(header::CONTENT_LENGTH, make)
        .layer(responder())
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(response.headers()[header::CONTENT_LENGTH], "4");
}

#[tokio::test]
async fn set_response_header_if_not_present_does_not_compute_when_present() {
    let make = |_: &Response<&'static str>| -> Option<HeaderValue> { panic!("must not be called") };
    let response = SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, make)
        .layer(responder())
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn set_response_header_passes_inner_error_through() {
    let failing = service_fn(|_: Request<()>| async {
        Err::<Response<()>, _>(std::io::Error::other("boom"))
    });
    let err = SetResponseHeaderLayer::overriding(header::SERVER, HeaderValue::from_static("spire"))
        .layer(failing)
        .oneshot(Request::new(()))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "boom");
}
