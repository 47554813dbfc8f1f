//! HTTP/1.1 server: upgrades (101 and CONNECT) hand the raw connection to the service.

use std::convert::Infallible;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::Empty;
use spire_conn::{Incoming, upgrade};
use spire_service::{Service, service_fn};
use spire_test::wire::{read_exactly, read_to_close};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

mod support;
use support::{LIMIT, no_date, serve};

/// Echoes everything read from the upgraded connection, prefixed by `prefix` once.
async fn echo(mut io: upgrade::Upgraded, prefix: &'static [u8]) {
    io.write_all(prefix).await.unwrap();
    let mut buf = [0; 1024];
    loop {
        let n = io.read(&mut buf).await.unwrap();
        if n == 0 {
            io.shutdown().await.unwrap();
            return;
        }
        io.write_all(&buf[..n]).await.unwrap();
    }
}

/// Accepts `Upgrade: echo` with a 101, and CONNECT with a 200; echoes on the new connection.
fn echo_service() -> impl Service<
    Request<Incoming>,
    Response = Response<Empty<Bytes>>,
    Error = Infallible,
    Future = impl Send + 'static,
> + Send
+ 'static {
    service_fn(|mut req: Request<Incoming>| async move {
        let on_upgrade = upgrade::on(&mut req);
        let wants_echo = req.headers().get("upgrade").is_some_and(|v| v == "echo");
        let response = if req.method() == http::Method::CONNECT {
            tokio::spawn(async move { echo(on_upgrade.await.unwrap(), b"tunnel:").await });
            Response::new(Empty::new())
        } else if wants_echo {
            tokio::spawn(async move { echo(on_upgrade.await.unwrap(), b"echo:").await });
            Response::builder()
                .status(101)
                .header("connection", "upgrade")
                .header("upgrade", "echo")
                .body(Empty::new())
                .unwrap()
        } else {
            // Not accepted: the upgrade future learns it.
            tokio::spawn(async move {
                assert!(on_upgrade.await.unwrap_err().is_user());
            });
            Response::new(Empty::new())
        };
        Ok::<_, Infallible>(response)
    })
}

#[tokio::test]
async fn upgrade_101_hands_over_the_connection_with_pipelined_bytes() {
    let (addr, server) = serve(no_date(), echo_service()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    // "early" is sent right behind the request, before the 101: it belongs to the new
    // protocol and must reach the upgraded connection.
    client
        .write_all(
            b"GET /chat HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\nearly",
        )
        .await
        .unwrap();
    let head = "HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: echo\r\n\r\n";
    assert_eq!(read_exactly(&mut client, head.len()).await, head);
    assert_eq!(read_exactly(&mut client, 10).await, "echo:early");

    client.write_all(b"ping").await.unwrap();
    assert_eq!(read_exactly(&mut client, 4).await, "ping");
    client.shutdown().await.unwrap();
    let mut rest = Vec::new();
    timeout(LIMIT, client.read_to_end(&mut rest))
        .await
        .unwrap()
        .unwrap();
    assert!(rest.is_empty());
    // The HTTP connection ended when it handed the IO over.
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn connect_2xx_opens_a_tunnel() {
    let (addr, server) = serve(no_date(), echo_service()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        .await
        .unwrap();
    let head = "HTTP/1.1 200 OK\r\n\r\n";
    assert_eq!(read_exactly(&mut client, head.len()).await, head);
    assert_eq!(read_exactly(&mut client, 7).await, "tunnel:");
    client.write_all(b"\x16\x03\x01").await.unwrap();
    assert_eq!(
        read_exactly(&mut client, 3).await.as_bytes(),
        b"\x16\x03\x01"
    );
    drop(client);
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn declined_upgrade_keeps_speaking_http() {
    let (addr, server) = serve(no_date(), echo_service()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(
            b"GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: other\r\n\r\n\
              GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n\
         HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn without_shutdown_returns_the_io_after_a_switch() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let service = service_fn(|_req: Request<Incoming>| async {
            let response = Response::builder()
                .status(101)
                .header("connection", "upgrade")
                .header("upgrade", "raw")
                .body(Empty::<Bytes>::new())
                .unwrap();
            Ok::<_, Infallible>(response)
        });
        let parts = no_date()
            .serve_connection(socket, service)
            .without_shutdown()
            .await
            .unwrap();
        let mut io = parts.io;
        io.write_all(b"took over, got ").await.unwrap();
        io.write_all(&parts.read_buf).await.unwrap();
    });
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: raw\r\n\r\nhi")
        .await
        .unwrap();
    let response = read_to_close(&mut client).await;
    assert!(
        response.starts_with("HTTP/1.1 101 Switching Protocols\r\n"),
        "{response}"
    );
    assert!(
        response.ends_with("\r\n\r\ntook over, got hi"),
        "{response}"
    );
    timeout(LIMIT, server).await.unwrap().unwrap();
}
