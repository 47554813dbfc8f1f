//! HTTP/1.1 server: keep-alive, connection close, the Date header and header case, over a
//! loopback socket with a raw client.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::Full;
use spire_conn::{Incoming, server::http1::Builder};
use spire_service::{Service, service_fn};
use spire_test::wire::{read_exactly, read_to_close};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

mod support;
use support::{LIMIT, no_date, serve};

fn hello() -> impl Service<
    Request<Incoming>,
    Response = Response<Full<Bytes>>,
    Error = Infallible,
    Future = impl Send,
> + Send
+ 'static {
    service_fn(|req: Request<Incoming>| async move {
        let text = format!("hello {}", req.uri().path());
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(text))))
    })
}

#[tokio::test]
async fn keep_alive_serves_two_requests_on_one_connection() {
    let (addr, server) = serve(no_date(), hello()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();

    client
        .write_all(b"GET /one HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    let first = "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhello /one";
    assert_eq!(read_exactly(&mut client, first.len()).await, first);

    client
        .write_all(b"GET /two HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    let second = "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhello /two";
    assert_eq!(read_exactly(&mut client, second.len()).await, second);

    // Closing between requests ends the connection cleanly.
    drop(client);
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn connection_close_request_gets_close_and_the_connection_ends() {
    let (addr, server) = serve(no_date(), hello()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 8\r\nconnection: close\r\n\r\nhello /x"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn http10_without_keep_alive_closes_after_the_response() {
    let (addr, server) = serve(no_date(), hello()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET /old HTTP/1.0\r\n\r\n")
        .await
        .unwrap();
    let response = read_to_close(&mut client).await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.ends_with("\r\n\r\nhello /old"), "{response}");
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn keep_alive_off_closes_after_one_response() {
    let mut builder = no_date();
    builder.keep_alive(false);
    let (addr, server) = serve(builder, hello()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 8\r\nconnection: close\r\n\r\nhello /a"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn keep_alive_timeout_closes_an_idle_connection_quietly() {
    let mut builder = no_date();
    builder.keep_alive_timeout(Duration::from_millis(200));
    let (addr, server) = serve(builder, hello()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET /a HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    // Nothing after the response: the server closes without another word.
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 8\r\n\r\nhello /a"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn date_header_is_added_by_default() {
    let (addr, _server) = serve(Builder::new(), hello()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let response = read_to_close(&mut client).await;
    let date = response
        .lines()
        .find_map(|line| line.strip_prefix("date: "))
        .expect("a date header");
    // IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
    assert_eq!(date.len(), 29, "{date}");
    assert!(date.ends_with(" GMT"), "{date}");
}

#[tokio::test]
async fn title_case_headers_are_written_in_title_case() {
    let mut builder = no_date();
    builder.title_case_headers(true);
    let service = service_fn(|_req: Request<Incoming>| async {
        let mut response = Response::new(Full::new(Bytes::from_static(b"ok")));
        response
            .headers_mut()
            .insert("x-request-id", "7".parse().unwrap());
        Ok::<_, Infallible>(response)
    });
    let (addr, _server) = serve(builder, service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\nX-Request-Id: 7\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
    );
}

#[tokio::test]
async fn graceful_shutdown_finishes_the_exchange_then_closes() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    let release_rx = std::sync::Mutex::new(Some(release_rx));
    let service = service_fn(move |_req: Request<Incoming>| {
        let release = release_rx.lock().unwrap().take();
        async move {
            if let Some(release) = release {
                let _ = release.await;
            }
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"done"))))
        }
    });
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let conn = no_date().serve_connection(socket, service);
        let mut conn = std::pin::pin!(conn);
        tokio::select! {
            result = conn.as_mut() => result,
            _ = stop_rx => {
                conn.as_mut().graceful_shutdown();
                conn.await
            }
        }
    });
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    stop_tx.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    release_tx.send(()).unwrap();
    // The response still arrives, marked as the last one, and the connection closes.
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 4\r\nconnection: close\r\n\r\ndone"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}
