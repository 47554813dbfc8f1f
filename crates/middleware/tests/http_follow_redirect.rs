//! `http::follow_redirect`: the method and body rules, the policies, `Location` resolution
//! and replayed bodies, driven through the mock.
#![cfg(feature = "http")]

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use spire_body::{BodyExt, Channel, channel};
use spire_middleware::http::follow_redirect::{
    FollowRedirect, FollowRedirectLayer, Limited, Policy, RequestUri, SameOrigin,
};
use spire_middleware::http::replay::ReplayBody;
use spire_service::{Layer, Service, ServiceExt};
use spire_test::mock::{self, Handle, Mock};
use tokio::task::JoinHandle;

type Streamed = Channel<Bytes, Infallible>;
type Req = Request<ReplayBody<Streamed>>;
type Res = Response<()>;

fn pair() -> (Mock<Req, Res>, Handle<Req, Res>) {
    mock::pair()
}

fn redirect(status: StatusCode, location: &str) -> Res {
    let mut response = Response::new(());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::LOCATION, location.parse().unwrap());
    response
}

fn ok() -> Res {
    Response::new(())
}

/// A complete body.
async fn body(data: &'static str) -> Streamed {
    let (mut tx, body) = channel::<Bytes, Infallible>(1);
    if !data.is_empty() {
        tx.send_data(Bytes::from_static(data.as_bytes()))
            .await
            .unwrap();
    }
    body
}

async fn request(method: Method, uri: &str, data: &'static str) -> Request<Streamed> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "text/plain")
        .header(header::CONTENT_LENGTH, data.len())
        .header("x-custom", "kept")
        .body(body(data).await)
        .unwrap()
}

/// Starts `request` through `svc` in a task.
async fn start<S>(svc: &mut S, request: Request<Streamed>) -> JoinHandle<Result<Res, S::Error>>
where
    S: Service<Request<Streamed>, Response = Res>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    tokio::spawn(svc.ready().await.ok().unwrap().call(request))
}

/// Takes the next request the inner service gets and answers it.
async fn answer(handle: &mut Handle<Req, Res>, response: Res) -> Req {
    let (request, send) = handle.next_request().await.expect("a request");
    send.send_response(response);
    request
}

async fn read(request: Req) -> Bytes {
    request.into_body().collect().await.unwrap().to_bytes()
}

fn final_uri(response: &Res) -> String {
    response
        .extensions()
        .get::<RequestUri>()
        .unwrap()
        .0
        .to_string()
}

#[tokio::test]
async fn redirect_301_302_post_becomes_get_without_body() {
    for status in [StatusCode::MOVED_PERMANENTLY, StatusCode::FOUND] {
        let (mock, mut handle) = pair();
        let mut svc = FollowRedirect::new(mock);
        let response = start(
            &mut svc,
            request(Method::POST, "http://a.test/form", "a=1").await,
        )
        .await;
        let first = answer(&mut handle, redirect(status, "/done")).await;
        assert_eq!(first.method(), Method::POST);
        let next = answer(&mut handle, ok()).await;
        assert_eq!(next.method(), Method::GET, "{status}");
        assert_eq!(next.uri(), "http://a.test/done");
        assert!(next.headers().get(header::CONTENT_TYPE).is_none());
        assert!(next.headers().get(header::CONTENT_LENGTH).is_none());
        assert_eq!(next.headers()["x-custom"], "kept");
        assert!(read(next).await.is_empty());
        let response = response.await.unwrap().unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(final_uri(&response), "http://a.test/done");
    }
}

#[tokio::test]
async fn redirect_301_302_other_methods_keep_method_and_body() {
    for (status, method) in [
        (StatusCode::MOVED_PERMANENTLY, Method::PUT),
        (StatusCode::FOUND, Method::PATCH),
        (StatusCode::FOUND, Method::GET),
    ] {
        let (mock, mut handle) = pair();
        let mut svc = FollowRedirect::new(mock);
        let response = start(
            &mut svc,
            request(method.clone(), "http://a.test/x", "data").await,
        )
        .await;
        let first = answer(&mut handle, redirect(status, "/y")).await;
        assert_eq!(read(first).await, "data");
        let next = answer(&mut handle, ok()).await;
        assert_eq!(next.method(), method);
        assert_eq!(next.headers()[header::CONTENT_LENGTH], "4");
        assert_eq!(read(next).await, "data");
        assert_eq!(response.await.unwrap().unwrap().status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn redirect_303_becomes_get_except_for_head() {
    for method in [
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::GET,
        Method::HEAD,
    ] {
        let (mock, mut handle) = pair();
        let mut svc = FollowRedirect::new(mock);
        let response = start(
            &mut svc,
            request(method.clone(), "http://a.test/x", "data").await,
        )
        .await;
        answer(&mut handle, redirect(StatusCode::SEE_OTHER, "/other")).await;
        let next = answer(&mut handle, ok()).await;
        let expected = if method == Method::HEAD {
            Method::HEAD
        } else {
            Method::GET
        };
        assert_eq!(next.method(), expected, "{method}");
        assert!(next.headers().get(header::CONTENT_TYPE).is_none());
        assert!(read(next).await.is_empty());
        assert_eq!(response.await.unwrap().unwrap().status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn redirect_307_308_keep_method_and_replay_the_streamed_body() {
    for status in [
        StatusCode::TEMPORARY_REDIRECT,
        StatusCode::PERMANENT_REDIRECT,
    ] {
        let (mock, mut handle) = pair();
        let mut svc = FollowRedirect::new(mock);
        let (mut tx, streamed) = channel::<Bytes, Infallible>(1);
        let request = Request::post("http://a.test/upload")
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(streamed)
            .unwrap();
        let response = start(&mut svc, request).await;

        // The first server reads a part, then redirects.
        let (first, send) = handle.next_request().await.unwrap();
        let mut first_body = first.into_body();
        tx.send_data(Bytes::from("part one, ")).await.unwrap();
        first_body.frame().await.unwrap().unwrap();
        drop(first_body);
        send.send_response(redirect(status, "https://b.test/upload"));

        // The second gets it all: the replayed part, then the rest of the stream.
        let (next, send) = handle.next_request().await.unwrap();
        assert_eq!(next.method(), Method::POST);
        assert_eq!(
            next.headers()[header::CONTENT_TYPE],
            "application/octet-stream"
        );
        tx.send_data(Bytes::from("part two")).await.unwrap();
        drop(tx);
        assert_eq!(read(next).await, "part one, part two");
        send.send_response(ok());
        let response = response.await.unwrap().unwrap();
        assert_eq!(final_uri(&response), "https://b.test/upload");
    }
}

#[tokio::test]
async fn redirect_307_with_body_over_cap_returns_the_307() {
    let (mock, mut handle) = pair();
    let mut svc = FollowRedirect::new(mock).replay_cap(4);
    let response = start(
        &mut svc,
        request(Method::PUT, "http://a.test/big", "0123456789").await,
    )
    .await;
    let first = answer(
        &mut handle,
        redirect(StatusCode::TEMPORARY_REDIRECT, "/elsewhere"),
    )
    .await;
    assert_eq!(read(first).await, "0123456789");
    let response = response.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(final_uri(&response), "http://a.test/big");
    assert!(handle.try_next_request().is_none());
}

#[tokio::test]
async fn redirect_303_after_body_over_cap_is_still_followed() {
    let (mock, mut handle) = pair();
    let mut svc = FollowRedirect::new(mock).replay_cap(4);
    let response = start(
        &mut svc,
        request(Method::POST, "http://a.test/big", "0123456789").await,
    )
    .await;
    let first = answer(&mut handle, redirect(StatusCode::SEE_OTHER, "/status")).await;
    read(first).await;
    // The GET that follows needs no body, so the cap does not matter; a 307 after it
    // replays the empty body.
    answer(
        &mut handle,
        redirect(StatusCode::TEMPORARY_REDIRECT, "/status2"),
    )
    .await;
    let last = answer(&mut handle, ok()).await;
    assert_eq!(last.method(), Method::GET);
    assert!(read(last).await.is_empty());
    assert_eq!(response.await.unwrap().unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn redirect_without_usable_location_is_returned() {
    let mut missing = ok();
    *missing.status_mut() = StatusCode::FOUND;
    for response in [
        missing,
        redirect(StatusCode::FOUND, "ftp://a.test/file"),
        redirect(StatusCode::MOVED_PERMANENTLY, "http://"),
        redirect(StatusCode::FOUND, "/with space"),
    ] {
        let (mock, mut handle) = pair();
        let mut svc = FollowRedirect::new(mock);
        let pending = start(&mut svc, request(Method::GET, "http://a.test/", "").await).await;
        let location = response.headers().get(header::LOCATION).cloned();
        answer(&mut handle, response).await;
        let response = pending.await.unwrap().unwrap();
        assert_eq!(response.status().as_u16() / 100, 3, "{location:?}");
        assert_eq!(final_uri(&response), "http://a.test/");
        assert!(handle.try_next_request().is_none());
    }
}

#[tokio::test]
async fn redirect_other_3xx_statuses_are_returned() {
    for status in [
        StatusCode::MULTIPLE_CHOICES,
        StatusCode::NOT_MODIFIED,
        StatusCode::from_u16(399).unwrap(),
    ] {
        let (mock, mut handle) = pair();
        let mut svc = FollowRedirect::new(mock);
        let pending = start(&mut svc, request(Method::GET, "http://a.test/", "").await).await;
        answer(&mut handle, redirect(status, "/x")).await;
        assert_eq!(pending.await.unwrap().unwrap().status(), status);
        assert!(handle.try_next_request().is_none());
    }
}

#[tokio::test]
async fn redirect_relative_locations_resolve_against_the_request_uri() {
    let cases = [
        (
            "http://a.test/docs/guide/page",
            "next",
            "http://a.test/docs/guide/next",
        ),
        (
            "http://a.test/docs/guide/page",
            "../api/?v=2",
            "http://a.test/docs/api/?v=2",
        ),
        (
            "http://a.test/docs/guide/page",
            "./../../x/./y",
            "http://a.test/x/y",
        ),
        (
            "http://a.test/docs/guide/page",
            "/root#frag",
            "http://a.test/root",
        ),
        (
            "http://a.test/docs/page?q=1",
            "?q=2",
            "http://a.test/docs/page?q=2",
        ),
        ("https://a.test:8443/p", "//b.test/q", "https://b.test/q"),
        (
            "http://a.test/p",
            "https://b.test:444/q/../r",
            "https://b.test:444/r",
        ),
    ];
    for (from, location, expected) in cases {
        let (mock, mut handle) = pair();
        let mut svc = FollowRedirect::new(mock);
        let pending = start(&mut svc, request(Method::GET, from, "").await).await;
        answer(&mut handle, redirect(StatusCode::FOUND, location)).await;
        let next = answer(&mut handle, ok()).await;
        assert_eq!(next.uri().to_string(), expected, "{location} from {from}");
        assert_eq!(final_uri(&pending.await.unwrap().unwrap()), expected);
    }
}

#[tokio::test]
async fn redirect_hop_limit_returns_the_last_redirect() {
    let (mock, mut handle) = pair();
    let mut svc = FollowRedirectLayer::with_policy(Limited::new(2)).layer(mock);
    let pending = start(&mut svc, request(Method::GET, "http://a.test/0", "").await).await;
    for hop in 1..=3 {
        let seen = answer(&mut handle, redirect(StatusCode::FOUND, &format!("/{hop}"))).await;
        assert_eq!(seen.uri().path(), format!("/{}", hop - 1));
    }
    let response = pending.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()[header::LOCATION], "/3");
    assert_eq!(final_uri(&response), "http://a.test/2");
    assert!(handle.try_next_request().is_none());
}

#[tokio::test]
async fn redirect_default_policy_follows_20_hops() {
    let (mock, mut handle) = pair();
    let mut svc = FollowRedirect::new(mock);
    let pending = start(&mut svc, request(Method::GET, "http://a.test/", "").await).await;
    for _ in 0..21 {
        answer(&mut handle, redirect(StatusCode::FOUND, "/loop")).await;
    }
    assert_eq!(pending.await.unwrap().unwrap().status(), StatusCode::FOUND);
    assert!(handle.try_next_request().is_none());
}

#[tokio::test]
async fn redirect_same_origin_refuses_other_origins() {
    let (mock, mut handle) = pair();
    let mut svc = FollowRedirect::with_policy(mock, SameOrigin::new());
    let pending = start(&mut svc, request(Method::GET, "http://a.test/", "").await).await;
    answer(
        &mut handle,
        redirect(StatusCode::FOUND, "http://A.test:80/same"),
    )
    .await;
    answer(
        &mut handle,
        redirect(StatusCode::FOUND, "https://a.test/other-scheme"),
    )
    .await;
    let response = pending.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(final_uri(&response), "http://A.test:80/same");
    assert!(handle.try_next_request().is_none());
}

#[tokio::test]
async fn redirect_or_combinator_follows_when_either_does() {
    let (mock, mut handle) = pair();
    let policy = SameOrigin::new().or(Limited::new(1));
    let mut svc = FollowRedirect::with_policy(mock, policy);
    let pending = start(&mut svc, request(Method::GET, "http://a.test/", "").await).await;
    answer(&mut handle, redirect(StatusCode::FOUND, "http://b.test/")).await; // Limited allows one
    answer(&mut handle, redirect(StatusCode::FOUND, "/same")).await; // same origin
    answer(&mut handle, redirect(StatusCode::FOUND, "http://c.test/")).await; // neither
    let response = pending.await.unwrap().unwrap();
    assert_eq!(final_uri(&response), "http://b.test/same");
}

async fn with_credentials(uri: &str) -> Request<Streamed> {
    let mut request = request(Method::GET, uri, "").await;
    let headers = request.headers_mut();
    headers.insert(header::AUTHORIZATION, "Bearer secret".parse().unwrap());
    headers.insert(
        header::PROXY_AUTHORIZATION,
        "Basic cHJveHk=".parse().unwrap(),
    );
    headers.insert(header::COOKIE, "session=1".parse().unwrap());
    headers.insert(header::REFERER, "https://a.test/from".parse().unwrap());
    headers.insert(header::HOST, "a.test".parse().unwrap());
    request
}

#[tokio::test]
async fn redirect_credentials_are_kept_within_the_origin() {
    let (mock, mut handle) = pair();
    let mut svc = FollowRedirect::new(mock);
    let pending = start(&mut svc, with_credentials("https://a.test/x").await).await;
    answer(&mut handle, redirect(StatusCode::FOUND, "/y")).await;
    let next = answer(&mut handle, ok()).await;
    for name in [
        header::AUTHORIZATION,
        header::PROXY_AUTHORIZATION,
        header::COOKIE,
        header::REFERER,
        header::HOST,
    ] {
        assert!(next.headers().contains_key(&name), "{name} dropped");
    }
    pending.await.unwrap().unwrap();
}

#[tokio::test]
async fn redirect_credentials_are_dropped_across_origins_and_stay_dropped() {
    let (mock, mut handle) = pair();
    let mut svc = FollowRedirect::new(mock);
    let pending = start(&mut svc, with_credentials("https://a.test/x").await).await;
    answer(
        &mut handle,
        redirect(StatusCode::FOUND, "https://cdn.test/y"),
    )
    .await;
    let next = answer(
        &mut handle,
        redirect(StatusCode::FOUND, "https://a.test/back"),
    )
    .await;
    for name in [
        header::AUTHORIZATION,
        header::PROXY_AUTHORIZATION,
        header::COOKIE,
        header::HOST,
    ] {
        assert!(
            !next.headers().contains_key(&name),
            "{name} kept across origins"
        );
    }
    // https to https: the Referer may go.
    assert!(next.headers().contains_key(header::REFERER));
    assert_eq!(next.headers()["x-custom"], "kept");
    let back = answer(&mut handle, ok()).await;
    assert!(!back.headers().contains_key(header::AUTHORIZATION));
    pending.await.unwrap().unwrap();
}

#[tokio::test]
async fn redirect_https_to_http_drops_the_referer() {
    let (mock, mut handle) = pair();
    let mut svc = FollowRedirect::new(mock);
    let pending = start(&mut svc, with_credentials("https://a.test/x").await).await;
    answer(
        &mut handle,
        redirect(StatusCode::MOVED_PERMANENTLY, "http://a.test/x"),
    )
    .await;
    let next = answer(&mut handle, ok()).await;
    assert!(!next.headers().contains_key(header::REFERER));
    assert!(
        !next.headers().contains_key(header::AUTHORIZATION),
        "the scheme is part of the origin"
    );
    pending.await.unwrap().unwrap();
}

#[tokio::test(start_paused = true)]
async fn redirect_waits_for_the_clone_to_be_ready() {
    let (mock, mut handle) = pair();
    let mut svc = FollowRedirect::new(mock);
    let pending = start(&mut svc, request(Method::GET, "http://a.test/", "").await).await;
    handle.allow(0);
    answer(&mut handle, redirect(StatusCode::FOUND, "/next")).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        handle.try_next_request().is_none(),
        "called without readiness"
    );
    handle.allow(1);
    answer(&mut handle, ok()).await;
    assert_eq!(pending.await.unwrap().unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn redirect_inner_error_is_returned() {
    let (mock, mut handle) = pair();
    let mut svc = FollowRedirect::new(mock);
    let pending = start(&mut svc, request(Method::GET, "http://a.test/", "").await).await;
    answer(&mut handle, redirect(StatusCode::FOUND, "/next")).await;
    handle.next_request().await.unwrap().1.send_error("refused");
    assert_eq!(pending.await.unwrap().unwrap_err().to_string(), "refused");
}

#[tokio::test]
async fn redirect_response_without_redirect_gets_the_request_uri() {
    let (mock, mut handle) = pair();
    let mut svc = FollowRedirect::new(mock);
    let pending = start(
        &mut svc,
        request(Method::GET, "http://a.test/plain", "").await,
    )
    .await;
    answer(&mut handle, ok()).await;
    assert_eq!(
        final_uri(&pending.await.unwrap().unwrap()),
        "http://a.test/plain"
    );
}
