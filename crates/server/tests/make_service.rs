//! A `MakeService` makes one service per connection, from its `ConnectionInfo`; a failure
//! to make one closes that connection only, and a maker whose readiness fails ends the
//! server.

use std::convert::Infallible;
use std::future::Ready;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use spire_body::Full;
use spire_conn::Incoming;
use spire_server::{Builder, ConnectionInfo, ErrorKind};
use spire_service::{BoxCloneService, BoxError, Service, service_fn};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(10);

type AppService = BoxCloneService<Request<Incoming>, Response<Full<Bytes>>, Infallible>;

/// A service that answers every request with `text`.
fn answer(text: String) -> AppService {
    BoxCloneService::new(service_fn(move |_req: Request<Incoming>| {
        let body = Full::new(Bytes::from(text.clone()));
        async move { Ok::<_, Infallible>(Response::new(body)) }
    }))
}

async fn get_keep_alive(socket: &mut TcpStream) -> String {
    socket
        .write_all(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    // The answers here are short and end with a known body suffix.
    loop {
        let mut chunk = [0; 512];
        let n = timeout(LIMIT, socket.read(&mut chunk))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "closed early: {:?}", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some((head, body)) = text.split_once("\r\n\r\n")
            && body.ends_with(';')
        {
            assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
            return body.to_owned();
        }
    }
}

async fn h2_get(send: &mut h2::client::SendRequest<Bytes>) -> String {
    let request = Request::get("http://test/").body(()).unwrap();
    let (response, _) = send.send_request(request, true).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let data = timeout(LIMIT, body.data()).await.unwrap().unwrap().unwrap();
    String::from_utf8(data.to_vec()).unwrap()
}

#[tokio::test]
async fn maker_is_called_once_per_connection_with_its_addresses() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let made = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::<ConnectionInfo>::new()));
    let make = {
        let made = Arc::clone(&made);
        let seen = Arc::clone(&seen);
        service_fn(move |info: ConnectionInfo| {
            let n = made.fetch_add(1, Ordering::SeqCst) + 1;
            seen.lock().unwrap().push(info);
            async move { Ok::<_, Infallible>(answer(format!("connection {n};"))) }
        })
    };
    let server = tokio::spawn(
        Builder::new()
            .serve_make_service(listener, make)
            .into_future(),
    );

    // Two requests on one HTTP/1 connection: one service.
    let mut first = TcpStream::connect(addr).await.unwrap();
    assert_eq!(get_keep_alive(&mut first).await, "connection 1;");
    assert_eq!(get_keep_alive(&mut first).await, "connection 1;");

    // Two streams on one HTTP/2 connection: one more service.
    let second = TcpStream::connect(addr).await.unwrap();
    let second_addr = second.local_addr().unwrap();
    let (mut send, conn) = h2::client::handshake(second).await.unwrap();
    let conn = tokio::spawn(conn);
    assert_eq!(h2_get(&mut send).await, "connection 2;");
    assert_eq!(h2_get(&mut send).await, "connection 2;");

    assert_eq!(made.load(Ordering::SeqCst), 2);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen[0].peer_addr(), first.local_addr().unwrap());
    assert_eq!(seen[1].peer_addr(), second_addr);
    assert!(seen.iter().all(|info| info.local_addr() == addr));
    conn.abort();
    server.abort();
}

#[tokio::test]
async fn failing_to_make_a_service_closes_only_that_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let made = Arc::new(AtomicUsize::new(0));
    let make = {
        let made = Arc::clone(&made);
        service_fn(move |_info: ConnectionInfo| {
            let n = made.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                if n == 1 {
                    Err::<AppService, BoxError>("no service for the first connection".into())
                } else {
                    Ok(answer(format!("connection {n};")))
                }
            }
        })
    };
    let server = tokio::spawn(
        Builder::new()
            .serve_make_service(listener, make)
            .into_future(),
    );

    let mut first = TcpStream::connect(addr).await.unwrap();
    first
        .write_all(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    let read = timeout(LIMIT, first.read_to_end(&mut out)).await.unwrap();
    assert!(
        read.is_err() || out.is_empty(),
        "got {:?}",
        String::from_utf8_lossy(&out)
    );

    let mut second = TcpStream::connect(addr).await.unwrap();
    assert_eq!(get_keep_alive(&mut second).await, "connection 2;");
    assert!(!server.is_finished());
    server.abort();
}

/// A maker whose readiness fails once it is broken, after `ok_readies` successes. The
/// services it makes break it when they handle a request.
#[derive(Clone)]
struct Breakable {
    ok_readies: usize,
    readies: Arc<AtomicUsize>,
    broken: Arc<AtomicBool>,
    /// The accept loop, waiting in `poll_ready` until the maker breaks.
    waiting: Arc<Mutex<Option<Waker>>>,
}

impl Breakable {
    fn new(ok_readies: usize, broken: bool) -> Self {
        Self {
            ok_readies,
            readies: Arc::new(AtomicUsize::new(0)),
            broken: Arc::new(AtomicBool::new(broken)),
            waiting: Arc::new(Mutex::new(None)),
        }
    }
}

impl Service<ConnectionInfo> for Breakable {
    type Response = AppService;
    type Error = &'static str;
    type Future = Ready<Result<AppService, &'static str>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        if self.readies.load(Ordering::SeqCst) < self.ok_readies {
            self.readies.fetch_add(1, Ordering::SeqCst);
            return Poll::Ready(Ok(()));
        }
        if self.broken.load(Ordering::SeqCst) {
            return Poll::Ready(Err("the maker is finished"));
        }
        *self.waiting.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }

    fn call(&mut self, _info: ConnectionInfo) -> Self::Future {
        let maker = self.clone();
        let service = service_fn(move |_req: Request<Incoming>| {
            maker.broken.store(true, Ordering::SeqCst);
            if let Some(waker) = maker.waiting.lock().unwrap().take() {
                waker.wake();
            }
            async {
                // Still answering while the server shuts down around this request.
                tokio::time::sleep(Duration::from_millis(100)).await;
                Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"made;"))))
            }
        });
        std::future::ready(Ok(BoxCloneService::new(service)))
    }
}

async fn serve_breakable(
    maker: Breakable,
) -> (
    SocketAddr,
    tokio::task::JoinHandle<Result<(), spire_server::Error>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Builder::new().serve_make_service(listener, maker);
    (addr, tokio::spawn(server.into_future()))
}

#[tokio::test]
async fn maker_readiness_failure_ends_the_server_with_a_make_service_error() {
    let (_addr, server) = serve_breakable(Breakable::new(0, true)).await;
    let err = timeout(LIMIT, server).await.unwrap().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MakeService);
    assert!(err.is_make_service());
    let source = std::error::Error::source(&err).expect("the maker's error");
    assert_eq!(source.to_string(), "the maker is finished");
}

#[tokio::test]
async fn maker_readiness_failure_lets_the_open_connection_finish() {
    let (addr, server) = serve_breakable(Breakable::new(1, false)).await;
    let mut socket = TcpStream::connect(addr).await.unwrap();
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
    assert!(response.ends_with("made;"), "{response}");
    let err = timeout(LIMIT, server).await.unwrap().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MakeService);
}
