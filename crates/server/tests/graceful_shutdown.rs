//! Graceful shutdown on a signal: in-flight requests finish, idle connections close, new
//! connections are refused, HTTP/2 clients get GOAWAY, and the drain deadline bounds it all.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use spire_body::Full;
use spire_conn::Incoming;
use spire_server::{Builder, Stats};
use spire_service::service_fn;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(10);
const SLOW: Duration = Duration::from_millis(400);

struct TestServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    /// One message each time the service starts handling a request.
    started: mpsc::UnboundedReceiver<String>,
    stats: Stats,
    handle: JoinHandle<Result<(), spire_server::Error>>,
}

impl TestServer {
    async fn start(drain: Option<Duration>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (started_tx, started) = mpsc::unbounded_channel();
        // `/slow` takes a while, `/hang` never answers, anything else answers at once.
        let service = service_fn(move |req: Request<Incoming>| {
            let started = started_tx.clone();
            async move {
                let path = req.uri().path().to_owned();
                let _ = started.send(path.clone());
                match path.as_str() {
                    "/slow" => tokio::time::sleep(SLOW).await,
                    "/hang" => std::future::pending::<()>().await,
                    _ => {}
                }
                Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(format!(
                    "done {path}"
                )))))
            }
        });
        let mut builder = Builder::new();
        builder.timeouts().drain(drain);
        let (stop, stopped) = oneshot::channel::<()>();
        let server = builder
            .serve(listener, service)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            });
        let stats = server.stats();
        Self {
            addr,
            stop: Some(stop),
            started,
            stats,
            handle: tokio::spawn(server.into_future()),
        }
    }

    async fn wait_started(&mut self, path: &str) {
        let seen = timeout(LIMIT, self.started.recv()).await.unwrap().unwrap();
        assert_eq!(seen, path);
    }

    fn shut_down(&mut self) {
        self.stop.take().unwrap().send(()).unwrap();
    }

    async fn finished(self) -> Result<(), spire_server::Error> {
        timeout(LIMIT, self.handle)
            .await
            .expect("server did not stop")
            .unwrap()
    }
}

async fn send_http1(addr: SocketAddr, path: &str) -> TcpStream {
    let mut socket = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n");
    socket.write_all(request.as_bytes()).await.unwrap();
    socket
}

/// Reads one HTTP/1 response framed by `content-length`: (head, body).
async fn read_response(socket: &mut TcpStream) -> (String, String) {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        let mut chunk = [0; 1024];
        let n = timeout(LIMIT, socket.read(&mut chunk))
            .await
            .unwrap()
            .unwrap();
        assert!(
            n > 0,
            "closed before a full head: {:?}",
            String::from_utf8_lossy(&buf)
        );
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).unwrap();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().unwrap())
        })
        .expect("content-length");
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let mut chunk = [0; 1024];
        let n = timeout(LIMIT, socket.read(&mut chunk))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "closed in the body");
        body.extend_from_slice(&chunk[..n]);
    }
    (head, String::from_utf8(body).unwrap())
}

/// Asserts the server closes `socket` (EOF or reset) without sending anything more.
async fn assert_closed(socket: &mut TcpStream) {
    let mut rest = Vec::new();
    match timeout(LIMIT, socket.read_to_end(&mut rest))
        .await
        .expect("connection left open")
    {
        Ok(_) => assert!(
            rest.is_empty(),
            "unexpected bytes: {:?}",
            String::from_utf8_lossy(&rest)
        ),
        Err(err) => assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset),
    }
}

#[tokio::test]
async fn slow_in_flight_http1_request_completes_then_the_connection_closes() {
    let mut server = TestServer::start(Some(LIMIT)).await;
    let mut socket = send_http1(server.addr, "/slow").await;
    server.wait_started("/slow").await;
    let stopped_at = Instant::now();
    server.shut_down();

    let (head, body) = read_response(&mut socket).await;
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert_eq!(body, "done /slow");
    assert_closed(&mut socket).await;
    server.finished().await.unwrap();
    assert!(stopped_at.elapsed() < LIMIT / 2);
}

#[tokio::test]
async fn idle_keep_alive_connection_is_closed_at_once() {
    let mut server = TestServer::start(Some(LIMIT)).await;
    let mut socket = send_http1(server.addr, "/").await;
    let (head, body) = read_response(&mut socket).await;
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert_eq!(body, "done /");

    // The connection is idle between requests (keep-alive). Shutting down closes it
    // without waiting for the keep-alive timeout or the drain deadline.
    let stopped_at = Instant::now();
    server.shut_down();
    assert_closed(&mut socket).await;
    let stats = server.stats.clone();
    server.finished().await.unwrap();
    assert!(
        stopped_at.elapsed() < Duration::from_secs(2),
        "{:?}",
        stopped_at.elapsed()
    );
    assert_eq!(stats.connections_open(), 0);
    assert_eq!(stats.requests_served(), 1);
}

#[tokio::test]
async fn a_connection_still_in_detection_is_closed_at_once() {
    let mut server = TestServer::start(Some(LIMIT)).await;
    let mut socket = TcpStream::connect(server.addr).await.unwrap();
    // Wait until the server has accepted it.
    let accepted = Instant::now();
    while server.stats.connections_accepted() == 0 {
        assert!(accepted.elapsed() < LIMIT);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let stopped_at = Instant::now();
    server.shut_down();
    assert_closed(&mut socket).await;
    server.finished().await.unwrap();
    assert!(
        stopped_at.elapsed() < Duration::from_secs(2),
        "{:?}",
        stopped_at.elapsed()
    );
}

#[tokio::test]
async fn new_connections_are_refused_while_draining() {
    let mut server = TestServer::start(Some(LIMIT)).await;
    let mut socket = send_http1(server.addr, "/slow").await;
    server.wait_started("/slow").await;
    server.shut_down();

    // The listener closes as soon as the signal is seen; the slow request keeps the
    // server draining meanwhile.
    let deadline = Instant::now() + LIMIT;
    loop {
        match TcpStream::connect(server.addr).await {
            Err(err) if err.kind() == std::io::ErrorKind::ConnectionRefused => break,
            // Connected (or reset while in the backlog) just before the listener closed.
            Ok(_) | Err(_) => {
                assert!(Instant::now() < deadline, "the listener was never closed");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    assert!(
        !server.handle.is_finished(),
        "still draining the slow request"
    );
    let (_, body) = read_response(&mut socket).await;
    assert_eq!(body, "done /slow");
    server.finished().await.unwrap();
}

#[tokio::test]
async fn http2_client_gets_goaway_and_its_in_flight_stream_finishes() {
    let mut server = TestServer::start(Some(LIMIT)).await;
    let socket = TcpStream::connect(server.addr).await.unwrap();
    let (mut send, conn) = h2::client::handshake(socket).await.unwrap();
    let mut conn = tokio::spawn(conn);
    let request = Request::get("http://test/slow").body(()).unwrap();
    let (response, _) = send.send_request(request, true).unwrap();
    server.wait_started("/slow").await;
    server.shut_down();

    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let data = timeout(LIMIT, body.data()).await.unwrap().unwrap().unwrap();
    assert_eq!(data, "done /slow");

    // The GOAWAY ends the client's connection cleanly (NO_ERROR), and the client may not
    // open new streams on it.
    timeout(LIMIT, &mut conn).await.unwrap().unwrap().unwrap();
    let late = Request::get("http://test/late").body(()).unwrap();
    let refused = match send.send_request(late, true) {
        Err(err) => err,
        Ok((response, _)) => timeout(LIMIT, response).await.unwrap().unwrap_err(),
    };
    assert!(refused.is_go_away(), "{refused:?}");
    server.finished().await.unwrap();
}

#[tokio::test]
async fn drain_deadline_cuts_off_a_request_that_never_finishes() {
    let drain = Duration::from_millis(300);
    let mut server = TestServer::start(Some(drain)).await;
    let mut socket = send_http1(server.addr, "/hang").await;
    server.wait_started("/hang").await;
    let stopped_at = Instant::now();
    server.shut_down();

    assert_closed(&mut socket).await;
    let stats = server.stats.clone();
    server.finished().await.unwrap();
    let took = stopped_at.elapsed();
    assert!(took >= drain, "cut off before the deadline: {took:?}");
    assert!(took < LIMIT / 2, "{took:?}");
    assert_eq!(stats.connections_open(), 0);
    assert_eq!(stats.requests_served(), 0);
}

#[tokio::test]
async fn without_a_drain_deadline_the_server_waits_for_the_request() {
    let mut server = TestServer::start(None).await;
    let mut socket = send_http1(server.addr, "/slow").await;
    server.wait_started("/slow").await;
    let stopped_at = Instant::now();
    server.shut_down();
    let (_, body) = read_response(&mut socket).await;
    assert_eq!(body, "done /slow");
    server.finished().await.unwrap();
    assert!(stopped_at.elapsed() >= SLOW / 2);
}

#[tokio::test]
async fn dropping_the_server_future_closes_its_connections_at_once() {
    let server = TestServer::start(Some(LIMIT)).await;
    let mut socket = send_http1(server.addr, "/").await;
    let (_, body) = read_response(&mut socket).await;
    assert_eq!(body, "done /");
    // Aborting the task drops the server future: no drain, the connection is just closed.
    server.handle.abort();
    assert_closed(&mut socket).await;
    let stats = server.stats.clone();
    let started = Instant::now();
    while stats.connections_open() > 0 {
        assert!(
            started.elapsed() < LIMIT,
            "the connection task kept running"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
