//! `Reconnect`: the service is made lazily and remade after it fails.

use std::task::{Context, Poll, Waker};

use spire_middleware::reconnect::{Reconnect, ReconnectLayer};
use spire_service::{Layer, Service, ServiceExt};
use spire_test::mock::{self, Handle, Mock};

type Conn = Mock<u8, u8>;

fn poll_ready<S: Service<R>, R>(svc: &mut S) -> Poll<Result<(), S::Error>> {
    svc.poll_ready(&mut Context::from_waker(Waker::noop()))
}

/// Answers the next make request with a fresh connection, returning its handle.
async fn accept_make(makes: &mut Handle<&'static str, Conn>) -> Handle<u8, u8> {
    let (target, send) = makes.next_request().await.expect("a make request");
    assert_eq!(target, "db");
    let (conn, handle) = mock::pair::<u8, u8>();
    send.send_response(conn);
    handle
}

async fn call_through(
    svc: &mut Reconnect<Mock<&'static str, Conn>, &'static str>,
    conn: &mut Handle<u8, u8>,
    x: u8,
) {
    let response = svc.call(x);
    let (req, send) = conn.next_request().await.unwrap();
    assert_eq!(req, x);
    send.send_response(x + 1);
    assert_eq!(response.await.unwrap(), x + 1);
}

#[tokio::test]
async fn reconnect_makes_the_service_lazily_on_first_poll_ready() {
    let (maker, mut makes) = mock::pair::<&'static str, Conn>();
    let mut svc = ReconnectLayer::new("db").layer(maker);
    assert!(
        makes.try_next_request().is_none(),
        "nothing is made before use"
    );
    assert!(!svc.is_connected());

    assert!(poll_ready(&mut svc).is_pending()); // making
    let mut conn = accept_make(&mut makes).await;
    assert!(poll_ready(&mut svc).is_ready());
    assert!(svc.is_connected());
    call_through(&mut svc, &mut conn, 1).await;
    // the same connection serves later calls: no new make
    assert!(poll_ready(&mut svc).is_ready());
    call_through(&mut svc, &mut conn, 2).await;
    assert!(makes.try_next_request().is_none());
}

#[tokio::test]
async fn reconnect_remakes_the_service_after_it_fails() {
    let (maker, mut makes) = mock::pair::<&'static str, Conn>();
    let mut svc = Reconnect::new(maker, "db");
    assert!(poll_ready(&mut svc).is_pending());
    let mut first = accept_make(&mut makes).await;
    assert!(poll_ready(&mut svc).is_ready());
    call_through(&mut svc, &mut first, 1).await;

    first.send_error("connection reset");
    assert!(
        poll_ready(&mut svc).is_pending(),
        "failed service dropped, remaking"
    );
    let mut second = accept_make(&mut makes).await;
    assert!(poll_ready(&mut svc).is_ready());
    call_through(&mut svc, &mut second, 2).await;
    assert!(
        first.next_request().await.is_none(),
        "the failed connection was dropped"
    );
}

#[tokio::test]
async fn reconnect_make_error_fails_the_next_call_then_retries() {
    let (maker, mut makes) = mock::pair::<&'static str, Conn>();
    let mut svc = Reconnect::new(maker, "db");
    assert!(poll_ready(&mut svc).is_pending());
    let (_, send) = makes.next_request().await.unwrap();
    send.send_error("connection refused");

    assert!(poll_ready(&mut svc).is_ready(), "the error is for the call");
    let err = svc.call(1).await.unwrap_err();
    assert_eq!(err.to_string(), "connection refused");

    assert!(poll_ready(&mut svc).is_pending(), "tries again");
    let mut conn = accept_make(&mut makes).await;
    assert!(poll_ready(&mut svc).is_ready());
    call_through(&mut svc, &mut conn, 3).await;
}

#[tokio::test]
async fn reconnect_fails_when_the_maker_fails() {
    let (maker, mut makes) = mock::pair::<&'static str, Conn>();
    let mut svc = Reconnect::new(maker, "db");
    makes.send_error("maker is gone");
    assert!(
        matches!(poll_ready(&mut svc), Poll::Ready(Err(e)) if e.to_string() == "maker is gone")
    );
}

#[tokio::test]
async fn reconnect_with_connection_uses_it_first() {
    let (maker, mut makes) = mock::pair::<&'static str, Conn>();
    let (conn, mut conn_handle) = mock::pair::<u8, u8>();
    let mut svc = Reconnect::with_connection(conn, maker, "db");
    assert!(svc.is_connected());
    let response = svc.ready().await.unwrap().call(7);
    conn_handle.next_request().await.unwrap().1.send_response(8);
    assert_eq!(response.await.unwrap(), 8);
    assert!(makes.try_next_request().is_none());
}
