//! One port, both protocols: HTTP/1.1 over a raw socket and HTTP/2 with prior knowledge
//! through the `h2` client, served by the one-line `serve` and by a `Builder`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use spire_body::Full;
use spire_conn::Incoming;
use spire_service::service_fn;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(10);

async fn hello(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let text = format!("hello {} over {:?}", req.uri().path(), req.version());
    Ok(Response::new(Full::new(Bytes::from(text))))
}

/// Sends one HTTP/1.1 request with `Connection: close` and returns everything the server
/// sent back.
async fn http1_get(addr: SocketAddr, path: &str) -> String {
    let mut socket = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    timeout(LIMIT, socket.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8(out).unwrap()
}

/// Sends one HTTP/2 GET with prior knowledge and returns the status and body.
async fn h2_get(addr: SocketAddr, path: &str) -> (StatusCode, Bytes) {
    let socket = TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) = h2::client::handshake(socket).await.unwrap();
    let conn = tokio::spawn(conn);
    let request = Request::get(format!("http://test{path}")).body(()).unwrap();
    let (response, _) = send.send_request(request, true).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    let status = response.status();
    let mut body = response.into_body();
    let mut data = Vec::new();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.unwrap();
        body.flow_control().release_capacity(chunk.len()).unwrap();
        data.extend_from_slice(&chunk);
    }
    drop(send);
    drop(body);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    (status, Bytes::from(data))
}

#[tokio::test]
async fn serve_answers_http1_and_h2_prior_knowledge_on_one_port() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(spire_server::serve(listener, service_fn(hello)).into_future());

    let response = http1_get(addr, "/one").await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(
        response.ends_with("\r\n\r\nhello /one over HTTP/1.1"),
        "{response}"
    );

    let (status, body) = h2_get(addr, "/two").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "hello /two over HTTP/2.0");

    // And HTTP/1 again after HTTP/2: detection is per connection.
    let response = http1_get(addr, "/three").await;
    assert!(
        response.ends_with("hello /three over HTTP/1.1"),
        "{response}"
    );

    assert!(!server.is_finished(), "the server runs until stopped");
    server.abort();
}

#[tokio::test]
async fn builder_server_reports_its_address_and_serves_http1_0() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bound = listener.local_addr().unwrap();
    let server = spire_server::Builder::new().serve(listener, service_fn(hello));
    assert_eq!(server.local_addr().unwrap(), bound);
    let server = tokio::spawn(server.into_future());

    let mut socket = TcpStream::connect(bound).await.unwrap();
    socket
        .write_all(b"GET /old HTTP/1.0\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    timeout(LIMIT, socket.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    let response = String::from_utf8(out).unwrap();
    assert!(
        response.starts_with("HTTP/1.") && response.contains(" 200 "),
        "{response}"
    );
    assert!(response.ends_with("hello /old over HTTP/1.0"), "{response}");
    server.abort();
}

#[tokio::test]
async fn pipelined_bytes_after_the_sniffed_prefix_are_not_lost() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(spire_server::serve(listener, service_fn(hello)).into_future());

    // The request arrives a byte at a time: the first byte decides the protocol, the rest
    // must reach the HTTP/1 driver intact.
    let mut socket = TcpStream::connect(addr).await.unwrap();
    for byte in b"GET /slowly HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n" {
        socket.write_all(&[*byte]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let mut out = Vec::new();
    timeout(LIMIT, socket.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    let response = String::from_utf8(out).unwrap();
    assert!(
        response.ends_with("hello /slowly over HTTP/1.1"),
        "{response}"
    );
    server.abort();
}

#[tokio::test]
async fn http1_upgrade_hands_the_connection_to_the_service() {
    // Answers `Upgrade: echo` with 101, then echoes raw bytes on the upgraded connection.
    let service = service_fn(|mut req: Request<Incoming>| async move {
        let on_upgrade = spire_conn::upgrade::on(&mut req);
        tokio::spawn(async move {
            let mut io = on_upgrade.await.expect("the connection is handed over");
            let mut buf = [0; 64];
            let n = io.read(&mut buf).await.unwrap();
            io.write_all(&buf[..n]).await.unwrap();
            io.shutdown().await.unwrap();
        });
        let response = Response::builder()
            .status(StatusCode::SWITCHING_PROTOCOLS)
            .header("connection", "upgrade")
            .header("upgrade", "echo")
            .body(Full::new(Bytes::new()))
            .unwrap();
        Ok::<_, Infallible>(response)
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(spire_server::serve(listener, service).into_future());

    let mut socket = TcpStream::connect(addr).await.unwrap();
    socket
        .write_all(b"GET / HTTP/1.1\r\nHost: test\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\n")
        .await
        .unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0; 1];
        let n = timeout(LIMIT, socket.read(&mut byte))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            n,
            1,
            "closed in the head: {:?}",
            String::from_utf8_lossy(&head)
        );
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    assert!(
        head.starts_with("HTTP/1.1 101 Switching Protocols\r\n"),
        "{head}"
    );

    socket.write_all(b"not http any more").await.unwrap();
    let mut echoed = Vec::new();
    timeout(LIMIT, socket.read_to_end(&mut echoed))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(echoed, b"not http any more");
    server.abort();
}
