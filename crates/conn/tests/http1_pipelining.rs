//! HTTP/1.1 server: pipelined requests are answered in order.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::{BodyExt, Full};
use spire_conn::Incoming;
use spire_service::service_fn;
use spire_test::wire::read_to_close;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::timeout;

mod support;
use support::{LIMIT, no_date, serve};

#[tokio::test]
async fn pipelined_requests_are_answered_in_order() {
    // The first request is the slowest: its response must still come first.
    let service = service_fn(|req: Request<Incoming>| async move {
        let path = req.uri().path().to_owned();
        let delay = match path.as_str() {
            "/1" => 60,
            "/2" => 30,
            _ => 0,
        };
        tokio::time::sleep(Duration::from_millis(delay)).await;
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(path))))
    });
    let (addr, server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(
            b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n\
              GET /2 HTTP/1.1\r\nHost: a\r\n\r\n\
              GET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n/1\
         HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n/2\
         HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n/3"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn pipelined_request_with_a_body_is_read_after_the_previous_exchange() {
    let service = service_fn(|req: Request<Incoming>| async move {
        let body = req.into_body().collect().await?.to_bytes();
        Ok::<_, spire_conn::Error>(Response::new(Full::new(body)))
    });
    let (addr, server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(
            b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\none\
              POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n\
              POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nthree",
        )
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\none\
         HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\ntwo\
         HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nthree"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}
