//! HTTP/1.1 server: a request body the service does not read is drained (small) or ends
//! the connection after the response (large).

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::Full;
use spire_conn::Incoming;
use spire_service::{Service, service_fn};
use spire_test::wire::{read_exactly, read_to_close};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

mod support;
use support::{LIMIT, no_date, serve};

/// Answers without touching the request body.
fn ignores_body() -> impl Service<
    Request<Incoming>,
    Response = Response<Full<Bytes>>,
    Error = Infallible,
    Future = impl Send + 'static,
> + Send
+ 'static {
    service_fn(|req: Request<Incoming>| async move {
        drop(req);
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"ignored"))))
    })
}

const IGNORED: &str = "HTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\nignored";

#[tokio::test]
async fn small_unread_body_is_drained_and_the_connection_reused() {
    let (addr, server) = serve(no_date(), ignores_body()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    let mut request = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10000\r\n\r\n".to_vec();
    request.extend(std::iter::repeat_n(b'q', 10_000));
    client.write_all(&request).await.unwrap();
    assert_eq!(read_exactly(&mut client, IGNORED.len()).await, IGNORED);

    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 7\r\nconnection: close\r\n\r\nignored"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn large_unread_body_closes_the_connection_after_the_response() {
    let (addr, server) = serve(no_date(), ignores_body()).await;
    let client = TcpStream::connect(addr).await.unwrap();
    let (mut reader, mut writer) = client.into_split();
    let upload = tokio::spawn(async move {
        writer
            .write_all(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4194304\r\n\r\n")
            .await
            .unwrap();
        let chunk = vec![b'q'; 64 * 1024];
        for _ in 0..64 {
            // The server stops reading at some point and closes: later writes may fail.
            if writer.write_all(&chunk).await.is_err() {
                break;
            }
        }
    });
    let mut response = vec![0; IGNORED.len()];
    timeout(LIMIT, reader.read_exact(&mut response))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(String::from_utf8(response).unwrap(), IGNORED);
    // Then the connection ends (end of file or, with unread bytes on the server, a reset).
    let mut rest = Vec::new();
    if let Ok(n) = timeout(LIMIT, reader.read_to_end(&mut rest)).await.unwrap() {
        assert_eq!(n, 0, "nothing after the response: {rest:?}");
    }
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
    let _ = upload.await;
    let _ = Duration::ZERO;
}
