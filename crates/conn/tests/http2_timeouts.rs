//! HTTP/2 timers on tokio's paused clock: keep-alive PINGs and the idle timeout.
//!
//! These tests use in-memory IO (`tokio::io::duplex`) so that the paused clock only moves
//! when every task is waiting, which makes the timing exact.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use spire_body::Full;
use spire_conn::{Incoming, server::http2::Builder};
use spire_service::service_fn;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::{Instant, timeout};

fn ok_service() -> impl spire_service::Service<
    Request<Incoming>,
    Response = Response<Full<Bytes>>,
    Error = Infallible,
    Future = impl Future<Output = Result<Response<Full<Bytes>>, Infallible>> + Send,
> + Clone
+ Send
+ 'static {
    service_fn(|_req: Request<Incoming>| async {
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"ok"))))
    })
}

/// The client connection preface followed by an empty SETTINGS frame (RFC 9113 section 3.4).
const PREFACE_AND_SETTINGS: &[u8] =
    b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";

#[tokio::test(start_paused = true)]
async fn unanswered_keep_alive_ping_fails_the_connection_with_a_timeout() {
    let mut builder = Builder::new();
    builder
        .keep_alive_interval(Duration::from_secs(10))
        .keep_alive_timeout(Duration::from_secs(5))
        .idle_timeout(None);
    let (server_io, mut peer) = tokio::io::duplex(64 * 1024);
    let start = Instant::now();
    let server = tokio::spawn(builder.serve_connection(server_io, ok_service()));

    // A peer that completes the handshake and then never answers anything.
    peer.write_all(PREFACE_AND_SETTINGS).await.unwrap();
    let drain = tokio::spawn(async move {
        let mut buf = vec![0; 4096];
        while let Ok(n) = peer.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    });

    let err = timeout(Duration::from_secs(60), server)
        .await
        .unwrap()
        .unwrap()
        .expect_err("the connection must fail");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.kind(), spire_conn::ErrorKind::KeepAliveTimeout);
    // One interval until the ping, then the timeout.
    assert_eq!(start.elapsed(), Duration::from_secs(15));
    drain.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn answered_keep_alive_pings_keep_the_connection_open() {
    let mut builder = Builder::new();
    builder
        .keep_alive_interval(Duration::from_secs(10))
        .keep_alive_timeout(Duration::from_secs(5))
        .idle_timeout(None);
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    let mut server = tokio::spawn(builder.serve_connection(server_io, ok_service()));

    // h2's client answers PINGs on its own while its connection task runs.
    let (mut send, conn) = h2::client::handshake(client_io).await.unwrap();
    let client_conn = tokio::spawn(conn);

    // Ten intervals pass: the connection is still there and still serves.
    let still_open = timeout(Duration::from_secs(100), &mut server).await;
    assert!(still_open.is_err(), "the connection ended: {still_open:?}");
    let req = Request::builder()
        .method(Method::GET)
        .uri("http://localhost/")
        .body(())
        .unwrap();
    let (response, _) = send.send_request(req, true).unwrap();
    assert_eq!(response.await.unwrap().status(), StatusCode::OK);

    drop(send);
    client_conn.await.unwrap().unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test(start_paused = true)]
async fn idle_connection_is_closed_gracefully_after_the_idle_timeout() {
    let mut builder = Builder::new();
    builder.idle_timeout(Duration::from_secs(30));
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    let start = Instant::now();
    let server = tokio::spawn(builder.serve_connection(server_io, ok_service()));

    let (mut send, conn) = h2::client::handshake(client_io).await.unwrap();
    let client_conn = tokio::spawn(conn);

    // A request keeps the connection busy only while it runs.
    tokio::time::sleep(Duration::from_secs(20)).await;
    let req = Request::builder()
        .method(Method::GET)
        .uri("http://localhost/")
        .body(())
        .unwrap();
    let (response, _) = send.send_request(req, true).unwrap();
    assert_eq!(response.await.unwrap().status(), StatusCode::OK);
    let request_done = Instant::now();

    timeout(Duration::from_secs(120), server)
        .await
        .expect("the idle connection must close")
        .unwrap()
        .expect("an idle close is not an error");
    // The timer restarted when the stream finished: 30 s after the request, not after the
    // handshake.
    let closed_after = request_done.elapsed();
    assert!(
        closed_after >= Duration::from_secs(30) && closed_after < Duration::from_secs(31),
        "closed {closed_after:?} after the request"
    );
    assert!(start.elapsed() >= Duration::from_secs(50));

    // The client saw a GOAWAY and its connection ended.
    if let Err(err) = client_conn.await.unwrap() {
        assert!(err.is_go_away(), "{err:?}");
    }
    drop(send);
}

#[tokio::test(start_paused = true)]
async fn idle_timeout_can_be_turned_off() {
    let mut builder = Builder::new();
    builder.idle_timeout(None);
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    let mut server = tokio::spawn(builder.serve_connection(server_io, ok_service()));
    let (send, conn) = h2::client::handshake(client_io).await.unwrap();
    let client_conn = tokio::spawn(conn);

    let still_open = timeout(Duration::from_secs(3600), &mut server).await;
    assert!(still_open.is_err(), "the connection ended: {still_open:?}");

    drop(send);
    client_conn.await.unwrap().unwrap();
    server.await.unwrap().unwrap();
}
