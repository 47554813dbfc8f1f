//! HTTP/1.1 server: informational responses (`103 Early Hints`) before the final response.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::Full;
use spire_conn::informational::InformationalSender;
use spire_conn::{Incoming, server::http1::Builder};
use spire_service::{Service, service_fn};
use spire_test::wire::read_to_close;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::timeout;

mod support;
use support::{LIMIT, no_date, serve};

fn with_hints() -> Builder {
    let mut builder = no_date();
    builder.informational_responses(true);
    builder
}

type Kept = Arc<Mutex<Option<InformationalSender>>>;

/// Sends one hint, then the final response; keeps a clone of the sender in `kept`.
fn hinting_service(
    kept: Kept,
) -> impl Service<
    Request<Incoming>,
    Response = Response<Full<Bytes>>,
    Error = Infallible,
    Future = impl Send + 'static,
> + Send
+ 'static {
    service_fn(move |req: Request<Incoming>| {
        let kept = Arc::clone(&kept);
        async move {
            let hints = req.extensions().get::<InformationalSender>().cloned();
            let Some(hints) = hints else {
                return Ok(Response::new(Full::new(Bytes::from_static(b"no hints"))));
            };
            let early = Response::builder()
                .status(103)
                .header("link", "</style.css>; rel=preload")
                .body(())
                .unwrap();
            hints.send(early).await.unwrap();
            // Give the connection time to write the hint before the final response exists.
            tokio::time::sleep(Duration::from_millis(30)).await;
            *kept.lock().unwrap() = Some(hints);
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"page"))))
        }
    })
}

#[tokio::test]
async fn early_hints_are_sent_before_the_final_response() {
    let kept = Kept::default();
    let (addr, server) = serve(with_hints(), hinting_service(Arc::clone(&kept))).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 103 Early Hints\r\nlink: </style.css>; rel=preload\r\n\r\n\
         HTTP/1.1 200 OK\r\ncontent-length: 4\r\nconnection: close\r\n\r\npage"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();

    // After the final response, hints are refused.
    let hints = kept
        .lock()
        .unwrap()
        .take()
        .expect("the service kept its sender");
    assert!(hints.is_closed());
    let late = Response::builder().status(103).body(()).unwrap();
    assert!(hints.send(late).await.unwrap_err().is_closed());
}

#[tokio::test]
async fn http10_clients_never_receive_hints() {
    let (addr, server) = serve(with_hints(), hinting_service(Kept::default())).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client.write_all(b"GET / HTTP/1.0\r\n\r\n").await.unwrap();
    let response = read_to_close(&mut client).await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(!response.contains("103"), "{response}");
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn requests_carry_no_sender_unless_enabled() {
    let (addr, server) = serve(no_date(), hinting_service(Kept::default())).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 8\r\nconnection: close\r\n\r\nno hints"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn hint_queued_just_before_the_response_still_comes_first() {
    let service = service_fn(|req: Request<Incoming>| async move {
        let hints = req.extensions().get::<InformationalSender>().unwrap();
        let early = Response::builder().status(103).body(()).unwrap();
        hints.try_send(early).unwrap();
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"now"))))
    });
    let (addr, server) = serve(with_hints(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 103 Early Hints\r\n\r\n\
         HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\nnow"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}
