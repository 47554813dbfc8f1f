//! `http::normalize_path`: trailing-slash trim and append, as tower-http's `NormalizePath`.
#![cfg(feature = "http")]

use std::convert::Infallible;

use http::{Method, Request};
use spire_middleware::http::normalize_path::NormalizePathLayer;
use spire_service::{Layer, ServiceExt, service_fn};

async fn seen(layer: NormalizePathLayer, method: Method, target: &str) -> String {
    let inner =
        service_fn(
            |request: Request<()>| async move { Ok::<_, Infallible>(request.uri().to_string()) },
        );
    let request = Request::builder()
        .method(method)
        .uri(target)
        .body(())
        .unwrap();
    layer.layer(inner).oneshot(request).await.unwrap()
}

async fn trim(target: &str) -> String {
    seen(
        NormalizePathLayer::trim_trailing_slash(),
        Method::GET,
        target,
    )
    .await
}

async fn append(target: &str) -> String {
    seen(
        NormalizePathLayer::append_trailing_slash(),
        Method::GET,
        target,
    )
    .await
}

#[tokio::test]
async fn normalize_path_trim_cases() {
    let cases = [
        ("/", "/"),
        ("/foo", "/foo"),
        ("/foo/", "/foo"),
        ("/foo///", "/foo"),
        ("//foo", "/foo"),
        ("//foo//", "/foo"),
        ("/a/b/", "/a/b"),
        ("/a//b/", "/a//b"),
        ("//", "/"),
        ("///", "/"),
        ("/foo/?a=1&b=/", "/foo?a=1&b=/"),
        ("/?q", "/?q"),
        ("//?q", "/?q"),
    ];
    for (input, expected) in cases {
        assert_eq!(trim(input).await, expected, "trim {input}");
    }
}

#[tokio::test]
async fn normalize_path_append_cases() {
    let cases = [
        ("/", "/"),
        ("/foo", "/foo/"),
        ("/foo/", "/foo/"),
        ("/foo///", "/foo/"),
        ("//foo", "/foo/"),
        ("/a/b", "/a/b/"),
        ("//", "/"),
        ("/foo?a=1", "/foo/?a=1"),
        ("/foo//?a=1", "/foo/?a=1"),
    ];
    for (input, expected) in cases {
        assert_eq!(append(input).await, expected, "append {input}");
    }
}

#[tokio::test]
async fn normalize_path_keeps_scheme_and_authority_of_absolute_form() {
    assert_eq!(
        trim("http://example.com/foo/?x=1").await,
        "http://example.com/foo?x=1"
    );
    assert_eq!(
        append("http://example.com/foo").await,
        "http://example.com/foo/"
    );
}

#[tokio::test]
async fn normalize_path_leaves_asterisk_and_authority_forms_alone() {
    assert_eq!(
        seen(
            NormalizePathLayer::trim_trailing_slash(),
            Method::OPTIONS,
            "*"
        )
        .await,
        "*"
    );
    assert_eq!(
        seen(
            NormalizePathLayer::append_trailing_slash(),
            Method::OPTIONS,
            "*"
        )
        .await,
        "*"
    );
    assert_eq!(
        seen(
            NormalizePathLayer::append_trailing_slash(),
            Method::CONNECT,
            "example.com:443"
        )
        .await,
        "example.com:443"
    );
}
