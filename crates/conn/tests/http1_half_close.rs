//! HTTP/1.1 server: a client that shuts down its write side still gets its whole response.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::Full;
use spire_conn::Incoming;
use spire_service::{Service, service_fn};
use spire_test::wire::read_to_close;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::timeout;

mod support;
use support::{LIMIT, no_date, serve};

/// A response streamed over about 100 ms, so the client's end of file arrives mid-response.
fn slow_stream() -> impl Service<
    Request<Incoming>,
    Response = Response<spire_body::Channel<Bytes, Infallible>>,
    Error = Infallible,
    Future = impl Send + 'static,
> + Send
+ 'static {
    service_fn(|_req: Request<Incoming>| async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        let (mut tx, body) = spire_body::channel::<Bytes, Infallible>(1);
        tokio::spawn(async move {
            for part in ["one ", "two ", "three"] {
                tokio::time::sleep(Duration::from_millis(30)).await;
                if tx
                    .send_data(Bytes::from_static(part.as_bytes()))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
        Ok::<_, Infallible>(Response::new(body))
    })
}

#[tokio::test]
async fn half_closed_client_gets_the_whole_response() {
    let (addr, server) = serve(no_date(), slow_stream()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    client.shutdown().await.unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n\
         4\r\none \r\n4\r\ntwo \r\n5\r\nthree\r\n0\r\n\r\n"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn half_closed_client_gets_all_pipelined_responses() {
    let service = service_fn(|req: Request<Incoming>| async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let path = Bytes::from(req.uri().path().to_owned());
        Ok::<_, Infallible>(Response::new(Full::new(path)))
    });
    let (addr, server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    client.shutdown().await.unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n/1HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n/2"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn half_close_off_drops_the_response_in_progress() {
    let mut builder = no_date();
    builder.half_close(false);
    let (addr, server) = serve(builder, slow_stream()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    client.shutdown().await.unwrap();
    // The end of file reads as "the client is gone": nothing more is sent.
    assert_eq!(read_to_close(&mut client).await, "");
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}
