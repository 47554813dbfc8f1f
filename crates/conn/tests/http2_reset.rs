//! Stream resets: a client's `RST_STREAM` cancels the service call, and a rapid-reset flood
//! trips the configured limit without taking the server down.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use spire_body::Full;
use spire_conn::{Incoming, server::http2::Builder};
use spire_service::service_fn;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(20);

fn get(path: &str) -> Request<()> {
    Request::builder()
        .method(Method::GET)
        .uri(format!("http://localhost{path}"))
        .body(())
        .unwrap()
}

/// Sends a message when dropped: proves a future was dropped.
struct DropSignal(Option<oneshot::Sender<()>>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send(());
        }
    }
}

#[tokio::test]
async fn client_reset_drops_the_service_future() {
    let (started_tx, mut started_rx) = mpsc::unbounded_channel::<()>();
    let (dropped_tx, dropped_rx) = oneshot::channel::<()>();
    let dropped_tx = Arc::new(std::sync::Mutex::new(Some(dropped_tx)));
    let svc = service_fn(move |_req: Request<Incoming>| {
        let signal = DropSignal(dropped_tx.lock().unwrap().take());
        let started_tx = started_tx.clone();
        async move {
            let _signal = signal;
            started_tx.send(()).unwrap();
            // Never answers: only a reset can end this call.
            std::future::pending::<()>().await;
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
        }
    });

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        Builder::new().serve_connection(socket, svc).await
    });

    let socket = TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) = h2::client::handshake(socket).await.unwrap();
    let client_conn = tokio::spawn(conn);

    let (response, mut stream) = send.send_request(get("/hang"), false).unwrap();
    timeout(LIMIT, started_rx.recv()).await.unwrap().unwrap();
    stream.send_reset(h2::Reason::CANCEL);

    timeout(LIMIT, dropped_rx)
        .await
        .expect("the service future must be dropped after the reset")
        .expect("the drop signal fires");
    let err = timeout(LIMIT, response).await.unwrap().unwrap_err();
    assert_eq!(err.reason(), Some(h2::Reason::CANCEL));

    // The connection is still usable for other streams... but this service never answers,
    // so just close it cleanly.
    drop(stream);
    drop(send);
    timeout(LIMIT, client_conn).await.unwrap().unwrap().unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

/// Serves every connection accepted on a fresh listener; each connection's result is sent
/// on the returned channel. Abort the handle to stop accepting.
async fn serve_many(
    builder: Builder,
) -> (
    SocketAddr,
    mpsc::UnboundedReceiver<Result<(), spire_conn::Error>>,
    JoinHandle<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (results_tx, results_rx) = mpsc::unbounded_channel();
    let accept = tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            let svc = service_fn(|_req: Request<Incoming>| async {
                // Slow enough that a burst of resets arrives before the first answer.
                tokio::time::sleep(Duration::from_millis(10)).await;
                Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"ok"))))
            });
            let conn = builder.serve_connection(socket, svc);
            let results_tx = results_tx.clone();
            tokio::spawn(async move {
                let _ = results_tx.send(conn.await);
            });
        }
    });
    (addr, results_rx, accept)
}

/// Opens `count` streams and resets each right away, all written in one burst.
async fn rapid_reset_burst(
    addr: SocketAddr,
    count: usize,
) -> (
    h2::client::SendRequest<Bytes>,
    JoinHandle<Result<(), h2::Error>>,
) {
    let socket = TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) = h2::client::handshake(socket).await.unwrap();
    // Open and cancel the streams before the connection task runs, so HEADERS and
    // RST_STREAM frames go out together.
    for i in 0..count {
        let (_, mut stream) = send.send_request(get(&format!("/{i}")), false).unwrap();
        stream.send_reset(h2::Reason::CANCEL);
    }
    (send, tokio::spawn(conn))
}

async fn get_ok(send: &mut h2::client::SendRequest<Bytes>) {
    let (response, _) = send.send_request(get("/after"), true).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn rapid_reset_flood_is_stopped_with_enhance_your_calm() {
    // 15 resets trip a limit of 10 (but would not trip the default of 20).
    let mut builder = Builder::new();
    builder.max_pending_accept_reset_streams(10);
    let (addr, mut results, accept) = serve_many(builder).await;

    let (send, client_conn) = rapid_reset_burst(addr, 15).await;
    let client_result = timeout(LIMIT, client_conn).await.unwrap().unwrap();
    let err = client_result.expect_err("the flood must close the connection");
    assert!(err.is_go_away(), "{err:?}");
    assert_eq!(err.reason(), Some(h2::Reason::ENHANCE_YOUR_CALM));
    drop(send);

    let server_result = timeout(LIMIT, results.recv()).await.unwrap().unwrap();
    let server_err = server_result.expect_err("the connection future reports the flood");
    assert!(server_err.is_protocol(), "{server_err:?}");
    let source = std::error::Error::source(&server_err)
        .and_then(|s| s.downcast_ref::<h2::Error>())
        .expect("the h2 error is the source");
    assert_eq!(source.reason(), Some(h2::Reason::ENHANCE_YOUR_CALM));

    // The server itself is fine: a new connection is served.
    let socket = TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) = h2::client::handshake(socket).await.unwrap();
    let client_conn = tokio::spawn(conn);
    get_ok(&mut send).await;
    drop(send);
    timeout(LIMIT, client_conn).await.unwrap().unwrap().unwrap();
    assert!(
        timeout(LIMIT, results.recv())
            .await
            .unwrap()
            .unwrap()
            .is_ok()
    );
    accept.abort();
}

#[tokio::test]
async fn resets_under_the_limit_keep_the_connection_open() {
    // 30 resets stay under a limit of 50 (but would trip the default of 20).
    let mut builder = Builder::new();
    builder.max_pending_accept_reset_streams(50);
    let (addr, mut results, accept) = serve_many(builder).await;

    let (mut send, client_conn) = rapid_reset_burst(addr, 30).await;
    // The same connection still serves requests.
    get_ok(&mut send).await;
    drop(send);
    timeout(LIMIT, client_conn).await.unwrap().unwrap().unwrap();
    assert!(
        timeout(LIMIT, results.recv())
            .await
            .unwrap()
            .unwrap()
            .is_ok()
    );
    accept.abort();
}
