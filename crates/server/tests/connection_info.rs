//! Every request carries its connection's peer and local addresses as a `ConnectionInfo`
//! extension, over HTTP/1 and HTTP/2.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use spire_body::Full;
use spire_conn::Incoming;
use spire_server::ConnectionInfo;
use spire_service::service_fn;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(10);

/// Answers with "peer=<addr> local=<addr>", or 500 if the extension is missing.
async fn whoami(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let Some(info) = req.extensions().get::<ConnectionInfo>() else {
        let mut response = Response::new(Full::new(Bytes::from_static(b"no info")));
        *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        return Ok(response);
    };
    let text = format!("peer={} local={}", info.peer_addr(), info.local_addr());
    Ok(Response::new(Full::new(Bytes::from(text))))
}

async fn start() -> (
    SocketAddr,
    tokio::task::JoinHandle<Result<(), spire_server::Error>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = spire_server::serve(listener, service_fn(whoami));
    (addr, tokio::spawn(server.into_future()))
}

#[tokio::test]
async fn http1_request_sees_the_peer_and_local_addresses() {
    let (addr, server) = start().await;
    let mut socket = TcpStream::connect(addr).await.unwrap();
    let me = socket.local_addr().unwrap();
    socket
        .write_all(b"GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    timeout(LIMIT, socket.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    let response = String::from_utf8(out).unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(
        response.ends_with(&format!("peer={me} local={addr}")),
        "{response}"
    );
    server.abort();
}

#[tokio::test]
async fn every_http2_stream_sees_the_addresses() {
    let (addr, server) = start().await;
    let socket = TcpStream::connect(addr).await.unwrap();
    let me = socket.local_addr().unwrap();
    let (mut send, conn) = h2::client::handshake(socket).await.unwrap();
    let conn = tokio::spawn(conn);
    for _ in 0..2 {
        let request = Request::get("http://test/").body(()).unwrap();
        let (response, _) = send.send_request(request, true).unwrap();
        let response = timeout(LIMIT, response).await.unwrap().unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let mut body = response.into_body();
        let data = timeout(LIMIT, body.data()).await.unwrap().unwrap().unwrap();
        assert_eq!(data, format!("peer={me} local={addr}"));
    }
    drop(send);
    conn.abort();
    server.abort();
}
