//! `http::cors`: the Fetch standard's cases, simple requests and preflights.
#![cfg(feature = "http")]

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use http::{HeaderName, HeaderValue, Method, Request, Response, StatusCode, header};
use spire_middleware::http::cors::{AllowHeaders, AllowMethods, AllowOrigin, Any, CorsLayer};
use spire_service::{Layer, Service, ServiceExt, service_fn};

const APP: &str = "https://app.example";
const EVIL: &str = "https://evil.example";

/// An inner service that counts its calls and sets `Vary: accept-encoding`.
fn counting() -> (
    impl Service<Request<()>, Response = Response<String>, Error = Infallible> + Clone,
    Arc<AtomicUsize>,
) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let svc = service_fn(move |_: Request<()>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async {
            Ok::<_, Infallible>(
                Response::builder()
                    .header(VARY, "accept-encoding")
                    .header(header::ETAG, "\"v1\"")
                    .body(String::from("data"))
                    .unwrap(),
            )
        }
    });
    (svc, calls)
}

fn app_layer() -> CorsLayer {
    CorsLayer::new()
        .allow_origin([HeaderValue::from_static(APP)])
        .allow_methods([Method::GET, Method::PUT])
        .allow_headers([header::CONTENT_TYPE, HeaderName::from_static("x-custom")])
        .expose_headers([header::ETAG])
        .max_age(Duration::from_secs(600))
}

fn simple(origin: &str) -> Request<()> {
    Request::builder()
        .method(Method::GET)
        .header(ORIGIN, origin)
        .body(())
        .unwrap()
}

fn preflight(origin: &str, method: &str, headers: Option<&str>) -> Request<()> {
    let mut builder = Request::builder()
        .method(Method::OPTIONS)
        .header(ORIGIN, origin)
        .header(ACCESS_CONTROL_REQUEST_METHOD, method);
    if let Some(headers) = headers {
        builder = builder.header(ACCESS_CONTROL_REQUEST_HEADERS, headers);
    }
    builder.body(()).unwrap()
}

fn vary(response: &Response<String>) -> Vec<&str> {
    response
        .headers()
        .get_all(VARY)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect()
}

#[tokio::test]
async fn cors_simple_request_from_allowed_origin_gets_allow_origin_and_expose() {
    let (inner, calls) = counting();
    let response = app_layer().layer(inner).oneshot(simple(APP)).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(response.body(), "data");
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert_eq!(response.headers()[ACCESS_CONTROL_EXPOSE_HEADERS], "etag");
    assert!(
        !response
            .headers()
            .contains_key(ACCESS_CONTROL_ALLOW_CREDENTIALS)
    );
    // Preflight-only headers stay off actual responses.
    assert!(
        !response
            .headers()
            .contains_key(ACCESS_CONTROL_ALLOW_METHODS)
    );
    assert!(!response.headers().contains_key(ACCESS_CONTROL_MAX_AGE));
    assert_eq!(vary(&response), ["accept-encoding", "origin"]);
}

#[tokio::test]
async fn cors_simple_request_from_disallowed_origin_gets_no_allow_origin_but_vary() {
    let (inner, calls) = counting();
    let response = app_layer()
        .layer(inner)
        .oneshot(simple(EVIL))
        .await
        .unwrap();
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the request is still served; the browser blocks the read"
    );
    assert!(!response.headers().contains_key(ACCESS_CONTROL_ALLOW_ORIGIN));
    assert!(
        !response
            .headers()
            .contains_key(ACCESS_CONTROL_EXPOSE_HEADERS)
    );
    assert_eq!(vary(&response), ["accept-encoding", "origin"]);
}

#[tokio::test]
async fn cors_request_without_origin_is_untouched_except_vary() {
    let (inner, _) = counting();
    let response = app_layer()
        .layer(inner)
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert!(
        !response
            .headers()
            .keys()
            .any(|name| name.as_str().starts_with("access-control-"))
    );
    assert_eq!(vary(&response), ["accept-encoding", "origin"]);
}

#[tokio::test]
async fn cors_preflight_allowed_origin_is_answered_without_inner_service() {
    let (inner, calls) = counting();
    let request = preflight(APP, "PUT", Some("content-type,x-custom"));
    let response = app_layer().layer(inner).oneshot(request).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.body().is_empty());
    let headers = response.headers();
    assert_eq!(headers[ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert_eq!(headers[ACCESS_CONTROL_ALLOW_METHODS], "GET,PUT");
    assert_eq!(
        headers[ACCESS_CONTROL_ALLOW_HEADERS],
        "content-type,x-custom"
    );
    assert_eq!(headers[ACCESS_CONTROL_MAX_AGE], "600");
    assert!(!headers.contains_key(ACCESS_CONTROL_ALLOW_CREDENTIALS));
    assert!(!headers.contains_key(ACCESS_CONTROL_EXPOSE_HEADERS));
    assert_eq!(
        vary(&response),
        ["origin, access-control-request-method, access-control-request-headers"]
    );
}

#[tokio::test]
async fn cors_preflight_disallowed_origin_gets_no_allow_headers() {
    let (inner, calls) = counting();
    let response = app_layer()
        .layer(inner)
        .oneshot(preflight(EVIL, "PUT", None))
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        !response
            .headers()
            .keys()
            .any(|name| name.as_str().starts_with("access-control-"))
    );
    assert_eq!(
        vary(&response),
        ["origin, access-control-request-method, access-control-request-headers"]
    );
}

#[tokio::test]
async fn cors_preflight_disallowed_method_and_header_are_not_listed() {
    let (inner, _) = counting();
    let request = preflight(APP, "DELETE", Some("x-secret"));
    let response = app_layer().layer(inner).oneshot(request).await.unwrap();
    let methods = response.headers()[ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap();
    assert!(!methods.split(',').any(|m| m == "DELETE"), "{methods}");
    let allowed = response.headers()[ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap();
    assert!(!allowed.split(',').any(|h| h == "x-secret"), "{allowed}");
}

#[tokio::test]
async fn cors_options_without_request_method_is_not_a_preflight() {
    let (inner, calls) = counting();
    let request = Request::builder()
        .method(Method::OPTIONS)
        .header(ORIGIN, APP)
        .body(())
        .unwrap();
    let response = app_layer().layer(inner).oneshot(request).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(response.body(), "data");
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], APP);
}

#[tokio::test]
async fn cors_any_origin_sends_wildcard_and_no_vary_origin() {
    let (inner, _) = counting();
    let layer = CorsLayer::new().allow_origin(Any);
    let response = layer.layer(inner).oneshot(simple(EVIL)).await.unwrap();
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(vary(&response), ["accept-encoding"]);
}

#[tokio::test]
async fn cors_permissive_preflight_is_all_wildcards() {
    let (inner, _) = counting();
    let response = CorsLayer::permissive()
        .layer(inner)
        .oneshot(preflight(EVIL, "PATCH", Some("x-a")))
        .await
        .unwrap();
    for name in [
        ACCESS_CONTROL_ALLOW_ORIGIN,
        ACCESS_CONTROL_ALLOW_METHODS,
        ACCESS_CONTROL_ALLOW_HEADERS,
    ] {
        assert_eq!(response.headers()[&name], "*", "{name}");
    }
}

#[tokio::test]
async fn cors_predicate_origin_is_echoed_when_true() {
    let layer = CorsLayer::new().allow_origin(AllowOrigin::predicate(|origin, parts| {
        origin.as_bytes().ends_with(b".example") && parts.uri.path().starts_with("/api")
    }));
    let (inner, _) = counting();
    let svc = layer.layer(inner);
    let request = Request::builder()
        .uri("/api/x")
        .header(ORIGIN, APP)
        .body(())
        .unwrap();
    let response = svc.clone().oneshot(request).await.unwrap();
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    let request = Request::builder()
        .uri("/other")
        .header(ORIGIN, APP)
        .body(())
        .unwrap();
    let response = svc.oneshot(request).await.unwrap();
    assert!(!response.headers().contains_key(ACCESS_CONTROL_ALLOW_ORIGIN));
}

#[tokio::test]
async fn cors_credentials_with_allowed_origin_sends_allow_credentials() {
    let layer = CorsLayer::new()
        .allow_origin(HeaderValue::from_static(APP))
        .allow_methods(AllowMethods::mirror_request())
        .allow_headers(AllowHeaders::mirror_request())
        .allow_credentials(true);
    let (inner, _) = counting();
    let svc = layer.layer(inner);
    let response = svc.clone().oneshot(simple(APP)).await.unwrap();
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    assert_eq!(
        vary(&response),
        ["accept-encoding"],
        "an exact origin does not vary"
    );

    let response = svc
        .oneshot(preflight(APP, "DELETE", Some("x-a,x-b")))
        .await
        .unwrap();
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_METHODS], "DELETE");
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_HEADERS], "x-a,x-b");
}

#[tokio::test]
async fn cors_very_permissive_mirrors_origin_with_credentials() {
    let (inner, _) = counting();
    let response = CorsLayer::very_permissive()
        .layer(inner)
        .oneshot(simple(EVIL))
        .await
        .unwrap();
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], EVIL);
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    assert_eq!(vary(&response), ["accept-encoding", "origin"]);
}

#[test]
fn cors_credentials_with_wildcard_is_rejected_at_construction() {
    let cases = [
        (CorsLayer::new().allow_origin(Any), "allow_origin"),
        (CorsLayer::new().allow_methods(Any), "allow_methods"),
        (CorsLayer::new().allow_headers(Any), "allow_headers"),
        (CorsLayer::new().expose_headers(Any), "expose_headers"),
    ];
    for (layer, setting) in cases {
        assert!(
            layer.check().is_ok(),
            "{setting} without credentials is fine"
        );
        let err = layer.allow_credentials(true).check().unwrap_err();
        assert_eq!(err.setting(), setting);
    }
    assert!(CorsLayer::very_permissive().check().is_ok());
}

#[test]
#[should_panic(expected = "invalid CORS configuration")]
fn cors_layer_panics_on_credentials_with_wildcard() {
    let (inner, _) = counting();
    let _svc = CorsLayer::permissive().allow_credentials(true).layer(inner);
}

#[tokio::test]
async fn cors_inner_error_passes_through() {
    let failing = service_fn(|_: Request<()>| async {
        Err::<Response<String>, _>(std::io::Error::other("down"))
    });
    let err = app_layer()
        .layer(failing)
        .oneshot(simple(APP))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "down");
}
