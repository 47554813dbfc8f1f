//! `http::validate_request`: accept (406), bearer and basic (401), custom checks.
#![cfg(feature = "http")]

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http::{Request, Response, StatusCode, header};
use spire_middleware::http::validate_request::{
    AcceptHeader, Basic, Bearer, ValidateRequestHeader, ValidateRequestHeaderLayer,
};
use spire_service::{Layer, Service, ServiceExt, service_fn};

fn counting() -> (
    impl Service<Request<()>, Response = Response<String>, Error = Infallible> + Clone,
    Arc<AtomicUsize>,
) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let svc = service_fn(move |_: Request<()>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async { Ok::<_, Infallible>(Response::new(String::from("ok"))) }
    });
    (svc, calls)
}

fn with_header(name: header::HeaderName, value: &str) -> Request<()> {
    Request::builder().header(name, value).body(()).unwrap()
}

#[tokio::test]
async fn validate_bearer_accepts_the_token_and_rejects_others_without_calling_inner() {
    let (inner, calls) = counting();
    let svc = ValidateRequestHeaderLayer::<Bearer<String>>::bearer("t0ken").layer(inner);

    let ok = svc
        .clone()
        .oneshot(with_header(header::AUTHORIZATION, "Bearer t0ken"))
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    for request in [
        Request::new(()),
        with_header(header::AUTHORIZATION, "Bearer t0ke"),
        with_header(header::AUTHORIZATION, "Bearer t0ken2"),
        with_header(header::AUTHORIZATION, "Basic t0ken"),
    ] {
        let response = svc.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.body().is_empty());
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn validate_basic_checks_credentials_and_asks_with_www_authenticate() {
    let (inner, calls) = counting();
    let svc = ValidateRequestHeader::custom(inner, Basic::new("aladdin", "opensesame"));
    // RFC 7617's example credentials.
    let ok = svc
        .clone()
        .oneshot(with_header(
            header::AUTHORIZATION,
            "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
        ))
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);

    let wrong = svc
        .oneshot(with_header(
            header::AUTHORIZATION,
            "Basic YWxhZGRpbjpvcGVuc2VzYW1m",
        ))
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.headers()[header::WWW_AUTHENTICATE], "Basic");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn validate_accept_cases() {
    let cases = [
        (None, StatusCode::OK),
        (Some("application/json"), StatusCode::OK),
        (Some("Application/JSON"), StatusCode::OK),
        (Some("*/*"), StatusCode::OK),
        (Some("application/*"), StatusCode::OK),
        (Some("text/html, application/json;q=0.5"), StatusCode::OK),
        (Some("text/html"), StatusCode::NOT_ACCEPTABLE),
        (Some("text/*"), StatusCode::NOT_ACCEPTABLE),
        (Some("application/xml"), StatusCode::NOT_ACCEPTABLE),
        (Some("application/json;q=0"), StatusCode::NOT_ACCEPTABLE),
    ];
    for (accept, expected) in cases {
        let (inner, _) = counting();
        let svc = ValidateRequestHeader::custom(inner, AcceptHeader::new("application/json"));
        let request = match accept {
            Some(value) => with_header(header::ACCEPT, value),
            None => Request::new(()),
        };
        assert_eq!(
            svc.oneshot(request).await.unwrap().status(),
            expected,
            "{accept:?}"
        );
    }
}

#[tokio::test]
async fn validate_custom_can_change_the_request() {
    let inner = service_fn(|request: Request<()>| async move {
        Ok::<_, Infallible>(Response::new(
            request
                .extensions()
                .get::<&'static str>()
                .copied()
                .unwrap_or("none")
                .to_owned(),
        ))
    });
    #[expect(
        clippy::result_large_err,
        reason = "ValidateRequest's contract: the error is the response to send"
    )]
    let check = |request: &mut Request<()>| -> Result<(), Response<String>> {
        if request.headers().contains_key("x-api-key") {
            request.extensions_mut().insert("checked");
            Ok(())
        } else {
            let mut response = Response::new(String::from("no key"));
            *response.status_mut() = StatusCode::FORBIDDEN;
            Err(response)
        }
    };
    let svc = ValidateRequestHeaderLayer::custom(check).layer(inner);
    let response = svc.clone().oneshot(Request::new(())).await.unwrap();
    assert_eq!(
        (response.status(), response.body().as_str()),
        (StatusCode::FORBIDDEN, "no key")
    );
    let response = svc
        .oneshot(with_header(
            header::HeaderName::from_static("x-api-key"),
            "k",
        ))
        .await
        .unwrap();
    assert_eq!(response.body(), "checked");
}
