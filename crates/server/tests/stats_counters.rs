//! The counters a user can read: connections accepted and open, requests served.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use spire_body::Full;
use spire_conn::Incoming;
use spire_server::Stats;
use spire_service::service_fn;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(10);

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let started = tokio::time::Instant::now();
    while !done() {
        assert!(started.elapsed() < LIMIT, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Reads one response whose body is `ok;` or `failed` (500), returning its status line.
async fn read_one(socket: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    loop {
        let mut chunk = [0; 512];
        let n = timeout(LIMIT, socket.read(&mut chunk))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "closed early: {:?}", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.strip_prefix("content-length: ")
                        .map(|v| v.parse().unwrap())
                })
                .expect("content-length");
            if body.len() >= length {
                return head.lines().next().unwrap().to_owned();
            }
        }
    }
}

#[tokio::test]
async fn counters_follow_connections_and_requests() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // `/fail` makes the service fail: answered 500 by the connection, not counted.
    let service = service_fn(|req: Request<Incoming>| async move {
        if req.uri().path() == "/fail" {
            return Err("failed on purpose");
        }
        Ok(Response::new(Full::new(Bytes::from_static(b"ok;"))))
    });
    let server = spire_server::serve(listener, service);
    let stats: Stats = server.stats();
    assert_eq!(
        (
            stats.connections_accepted(),
            stats.connections_open(),
            stats.requests_served()
        ),
        (0, 0, 0)
    );
    let server = tokio::spawn(server.into_future());

    // Three requests on one HTTP/1 connection.
    let mut h1 = TcpStream::connect(addr).await.unwrap();
    for _ in 0..3 {
        h1.write_all(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            .await
            .unwrap();
        assert_eq!(read_one(&mut h1).await, "HTTP/1.1 200 OK");
    }

    // Two streams on one HTTP/2 connection.
    let socket = TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) = h2::client::handshake(socket).await.unwrap();
    let conn = tokio::spawn(conn);
    for _ in 0..2 {
        let request = Request::get("http://test/").body(()).unwrap();
        let (response, _) = send.send_request(request, true).unwrap();
        let response = timeout(LIMIT, response).await.unwrap().unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }

    assert_eq!(stats.connections_accepted(), 2);
    assert_eq!(stats.connections_open(), 2);
    wait_for("five requests served", || stats.requests_served() == 5).await;

    // A failed service call is answered 500 but not counted as served.
    let mut failing = TcpStream::connect(addr).await.unwrap();
    failing
        .write_all(b"GET /fail HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    timeout(LIMIT, failing.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    let response = String::from_utf8_lossy(&out);
    assert!(response.starts_with("HTTP/1.1 500"), "{response}");
    assert_eq!(stats.connections_accepted(), 3);
    assert_eq!(stats.requests_served(), 5);

    // Closing the clients closes the connections.
    drop(h1);
    drop(send);
    conn.abort();
    wait_for("no open connections", || stats.connections_open() == 0).await;
    assert_eq!(stats.connections_accepted(), 3);
    server.abort();
}

#[tokio::test]
async fn a_cloned_handle_reads_the_same_counters_from_another_task() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = service_fn(|_req: Request<Incoming>| async {
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"ok;"))))
    });
    let server = spire_server::serve(listener, service);
    let stats = server.stats();
    let server = tokio::spawn(server.into_future());
    let reader = tokio::spawn({
        let stats = stats.clone();
        async move {
            wait_for("one accepted connection", || {
                stats.connections_accepted() == 1
            })
            .await;
            stats.connections_accepted()
        }
    });
    let _socket = TcpStream::connect(addr).await.unwrap();
    assert_eq!(timeout(LIMIT, reader).await.unwrap().unwrap(), 1);
    server.abort();
}
