//! `http::sensitive_headers`: the listed headers, and only those, are marked sensitive.
#![cfg(feature = "http")]

use std::convert::Infallible;

use http::{HeaderMap, Request, Response, header};
use spire_middleware::http::sensitive_headers::{
    SetSensitiveHeadersLayer, SetSensitiveRequestHeadersLayer, SetSensitiveResponseHeadersLayer,
};
use spire_service::{Layer, ServiceExt, service_fn};

fn flags(map: &HeaderMap, name: header::HeaderName) -> Vec<bool> {
    map.get_all(name)
        .iter()
        .map(http::HeaderValue::is_sensitive)
        .collect()
}

fn request() -> Request<()> {
    Request::builder()
        .header(header::AUTHORIZATION, "Bearer a")
        .header(header::COOKIE, "a=1")
        .header(header::COOKIE, "b=2")
        .header(header::ACCEPT, "*/*")
        .body(())
        .unwrap()
}

#[tokio::test]
async fn sensitive_request_headers_marks_every_value_of_listed_headers_only() {
    let inner =
        service_fn(
            |request: Request<()>| async move { Ok::<_, Infallible>(request.headers().clone()) },
        );
    let svc =
        SetSensitiveRequestHeadersLayer::new([header::AUTHORIZATION, header::COOKIE]).layer(inner);
    let seen = svc.oneshot(request()).await.unwrap();
    assert_eq!(flags(&seen, header::AUTHORIZATION), [true]);
    assert_eq!(flags(&seen, header::COOKIE), [true, true]);
    assert_eq!(flags(&seen, header::ACCEPT), [false]);
    assert!(format!("{:?}", seen[header::AUTHORIZATION]).contains("Sensitive"));
}

#[tokio::test]
async fn sensitive_response_headers_marks_response_not_request() {
    let inner = service_fn(|request: Request<()>| async move {
        assert!(!request.headers()[header::AUTHORIZATION].is_sensitive());
        Ok::<_, Infallible>(
            Response::builder()
                .header(header::SET_COOKIE, "s=1")
                .header(header::ETAG, "\"x\"")
                .body(())
                .unwrap(),
        )
    });
    let svc = SetSensitiveResponseHeadersLayer::new([header::SET_COOKIE, header::AUTHORIZATION])
        .layer(inner);
    let response = svc.oneshot(request()).await.unwrap();
    assert_eq!(flags(response.headers(), header::SET_COOKIE), [true]);
    assert_eq!(flags(response.headers(), header::ETAG), [false]);
}

#[tokio::test]
async fn sensitive_headers_marks_both_directions() {
    let inner = service_fn(|request: Request<()>| async move {
        let sensitive = request.headers()[header::AUTHORIZATION].is_sensitive();
        Ok::<_, Infallible>(
            Response::builder()
                .header(header::AUTHORIZATION, "echo")
                .body(sensitive)
                .unwrap(),
        )
    });
    let svc = SetSensitiveHeadersLayer::new([header::AUTHORIZATION]).layer(inner);
    let response = svc.oneshot(request()).await.unwrap();
    assert!(*response.body(), "request header was not marked");
    assert_eq!(flags(response.headers(), header::AUTHORIZATION), [true]);
}

#[tokio::test]
async fn sensitive_headers_absent_header_is_not_added() {
    let inner =
        service_fn(
            |request: Request<()>| async move { Ok::<_, Infallible>(request.headers().clone()) },
        );
    let svc = SetSensitiveRequestHeadersLayer::new([header::PROXY_AUTHORIZATION]).layer(inner);
    let seen = svc.oneshot(request()).await.unwrap();
    assert!(!seen.contains_key(header::PROXY_AUTHORIZATION));
    assert_eq!(seen.len(), 4);
}
