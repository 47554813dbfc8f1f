//! spire's server beside hyper 1.x + hyper-util, end to end over loopback.
//!
//! Both servers run in this process, on one multi-thread tokio runtime, each on its own
//! `127.0.0.1:0` listener, with the same handler logic: `GET /` answers `200`,
//! `content-type: text/plain`, `Hello, world!`; `POST /echo` streams the request body back
//! with the request's `content-length`. spire is served by `spire_server::serve` with its
//! default settings and timeouts; hyper by hyper-util's `server::conn::auto::Builder` behind
//! a plain accept loop, with a `TokioTimer` so that its own default 30 s header read timeout
//! is armed as spire's is (both sockets get `TCP_NODELAY`).
//!
//! One load client drives both, written to be as light as possible so that the figures are
//! the servers' costs: for HTTP/1 it writes raw request bytes on a `TcpStream` and parses
//! only the status line and the framing headers (`content-length` or chunked) to find where
//! each response ends; for HTTP/2 it uses the `h2` client directly. The client tasks run on
//! the same runtime as the servers, so the two cores are shared the same way for both.
//!
//! | group | one iteration | connections |
//! | --- | --- | --- |
//! | `end_to_end/http1_keep_alive_get` | one `GET /`, waiting for its response before the next | 16, kept alive |
//! | `end_to_end/http1_pipelined_get` | 16 `GET /` in one write, then their 16 responses | 4, kept alive |
//! | `end_to_end/http2_get` | one `GET /`; 32 streams in flight at all times | 1 (h2c, prior knowledge) |
//! | `end_to_end/http1_post_echo_1mib` | `POST /echo` with a 1 MiB body, read back whole | 4, kept alive |
//!
//! Connections are opened (and every response checked once, byte for byte) before
//! measuring, and reused by every sample. Each group has a `spire` and a `hyper` function,
//! so `scripts/bench-ratios end_to_end` prints the ratios.
//!
//! Run: `cargo bench --bench end_to_end` (about 80 s of measuring, plus the build).
//! `scripts/load-compare` measures the same two servers with wrk and h2load, out of
//! process; `docs/BENCHMARKS.md` has the latest figures.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

/// The body of `GET /`.
const HELLO: &[u8] = b"Hello, world!";
/// Connections of the keep-alive GET case, each with one request at a time.
const KEEP_ALIVE_CONNECTIONS: usize = 16;
/// Connections of the pipelined GET case.
const PIPELINE_CONNECTIONS: usize = 4;
/// Requests written at once on a connection in the pipelined case.
const PIPELINE_DEPTH: usize = 16;
/// Streams kept in flight on the one HTTP/2 connection.
const H2_STREAMS: usize = 32;
/// Connections of the POST echo case, each with one request at a time.
const ECHO_CONNECTIONS: usize = 4;
/// The size of the echoed body.
const ECHO_LEN: usize = 1 << 20;
/// The request of the HTTP/1 GET cases.
const GET_REQUEST: &[u8] = b"GET / HTTP/1.1\r\nhost: bench\r\n\r\n";

// ---------------------------------------------------------------------------------------
// The two servers
// ---------------------------------------------------------------------------------------

/// The response body of the spire handler: a fixed text or the request's own body.
type SpireBody = spire_body::Either<spire_body::Full<Bytes>, spire_conn::Incoming>;

/// The handler, for spire.
async fn spire_route(
    req: Request<spire_conn::Incoming>,
) -> Result<Response<SpireBody>, Infallible> {
    use spire_body::{Either, Full};
    let response = match (req.method(), req.uri().path()) {
        (&Method::GET, "/") => {
            let mut response = Response::new(Either::left(Full::new(Bytes::from_static(HELLO))));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            response
        }
        (&Method::POST, "/echo") => {
            let length = req.headers().get(CONTENT_LENGTH).cloned();
            let mut response = Response::new(Either::right(req.into_body()));
            if let Some(length) = length {
                response.headers_mut().insert(CONTENT_LENGTH, length);
            }
            response
        }
        _ => {
            let mut response = Response::new(Either::left(Full::new(Bytes::new())));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    };
    Ok(response)
}

/// The response body of the hyper handler: a fixed text or the request's own body.
type HyperBody = http_body_util::Either<http_body_util::Full<Bytes>, hyper::body::Incoming>;

/// The handler, for hyper: the same logic as [`spire_route`], with hyper's types.
async fn hyper_route(
    req: Request<hyper::body::Incoming>,
) -> Result<Response<HyperBody>, Infallible> {
    use http_body_util::{Either, Full};
    let response = match (req.method(), req.uri().path()) {
        (&Method::GET, "/") => {
            let mut response = Response::new(Either::Left(Full::new(Bytes::from_static(HELLO))));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            response
        }
        (&Method::POST, "/echo") => {
            let length = req.headers().get(CONTENT_LENGTH).cloned();
            let mut response = Response::new(Either::Right(req.into_body()));
            if let Some(length) = length {
                response.headers_mut().insert(CONTENT_LENGTH, length);
            }
            response
        }
        _ => {
            let mut response = Response::new(Either::Left(Full::new(Bytes::new())));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    };
    Ok(response)
}

/// Starts spire's server on a fresh loopback port, with its default settings; returns the
/// address. It runs until the runtime is dropped.
async fn start_spire() -> io::Result<SocketAddr> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let server = spire_server::serve(listener, spire_service::service_fn(spire_route));
    let addr = server.local_addr()?;
    tokio::spawn(async move {
        if let Err(err) = server.await {
            eprintln!("spire server failed: {err}");
        }
    });
    Ok(addr)
}

/// Starts a hyper server on a fresh loopback port, the way hyper-util's users write one:
/// an accept loop handing each socket to `auto::Builder::serve_connection` in a task of its
/// own. Returns the address; it runs until the runtime is dropped.
async fn start_hyper() -> io::Result<SocketAddr> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto;

    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new());
    let builder = Arc::new(builder);
    tokio::spawn(async move {
        loop {
            let socket = match listener.accept().await {
                Ok((socket, _peer)) => socket,
                Err(err) => {
                    // Out of descriptors, most likely: give connections time to close.
                    eprintln!("hyper accept failed: {err}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            };
            let _ = socket.set_nodelay(true);
            let builder = Arc::clone(&builder);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(hyper_route);
                let _ = builder
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    Ok(addr)
}

// ---------------------------------------------------------------------------------------
// The load client
// ---------------------------------------------------------------------------------------

/// What the client learns of one HTTP/1 response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Answer {
    status: u16,
    body_len: usize,
}

/// How an HTTP/1 response body ends.
enum Framing {
    Length(usize),
    Chunked,
}

/// A reusable read buffer that finds where each HTTP/1 response ends, and no more: the
/// status code, `content-length` or chunked coding, and the body's length.
struct ResponseReader {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl ResponseReader {
    fn new() -> Self {
        Self {
            buf: vec![0; 64 * 1024],
            start: 0,
            end: 0,
        }
    }

    /// Reads more bytes after the unread ones, making room first.
    async fn fill<R: AsyncRead + Unpin>(&mut self, io: &mut R) -> io::Result<()> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else {
                let len = self.buf.len();
                self.buf.resize(len * 2, 0);
            }
        }
        let read = io.read(&mut self.buf[self.end..]).await?;
        if read == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection before the response ended",
            ));
        }
        self.end += read;
        Ok(())
    }

    /// Waits for `needle` among the unread bytes; returns its offset from `start`.
    async fn find<R: AsyncRead + Unpin>(&mut self, io: &mut R, needle: &[u8]) -> io::Result<usize> {
        loop {
            let unread = &self.buf[self.start..self.end];
            if let Some(at) = unread.windows(needle.len()).position(|w| w == needle) {
                return Ok(at);
            }
            self.fill(io).await?;
        }
    }

    /// Consumes `len` body bytes, appending them to `keep` if given.
    async fn skip<R: AsyncRead + Unpin>(
        &mut self,
        io: &mut R,
        len: usize,
        mut keep: Option<&mut Vec<u8>>,
    ) -> io::Result<()> {
        let mut remaining = len;
        loop {
            let take = remaining.min(self.end - self.start);
            if let Some(keep) = keep.as_deref_mut() {
                keep.extend_from_slice(&self.buf[self.start..self.start + take]);
            }
            self.start += take;
            remaining -= take;
            if remaining == 0 {
                return Ok(());
            }
            self.fill(io).await?;
        }
    }

    /// Reads one whole response, appending its body to `keep` if given.
    async fn read_response<R: AsyncRead + Unpin>(
        &mut self,
        io: &mut R,
        mut keep: Option<&mut Vec<u8>>,
    ) -> io::Result<Answer> {
        let head_len = self.find(io, b"\r\n\r\n").await? + 4;
        let (status, framing) = parse_head(&self.buf[self.start..self.start + head_len])?;
        self.start += head_len;
        let body_len = match framing {
            Framing::Length(len) => {
                self.skip(io, len, keep).await?;
                len
            }
            Framing::Chunked => {
                let mut total = 0;
                loop {
                    let line_len = self.find(io, b"\r\n").await?;
                    let line = &self.buf[self.start..self.start + line_len];
                    let size = parse_chunk_size(line)?;
                    self.start += line_len + 2;
                    if size == 0 {
                        // Trailer fields, if any, up to the empty line.
                        loop {
                            let line_len = self.find(io, b"\r\n").await?;
                            self.start += line_len + 2;
                            if line_len == 0 {
                                break;
                            }
                        }
                        break total;
                    }
                    self.skip(io, size, keep.as_deref_mut()).await?;
                    self.skip(io, 2, None).await?;
                    total += size;
                }
            }
        };
        Ok(Answer { status, body_len })
    }
}

fn invalid(message: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// Reads the status code and the body framing of a response head (CRLF CRLF included).
fn parse_head(head: &[u8]) -> io::Result<(u16, Framing)> {
    let status = head
        .strip_prefix(b"HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| std::str::from_utf8(code).ok())
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| invalid("not an HTTP/1.1 status line"))?;
    let mut framing = None;
    for line in head.split(|&b| b == b'\n').skip(1) {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if name.eq_ignore_ascii_case(b"content-length") {
            let len = std::str::from_utf8(value)
                .ok()
                .and_then(|text| text.parse().ok())
                .ok_or_else(|| invalid("bad content-length"))?;
            framing = Some(Framing::Length(len));
        } else if name.eq_ignore_ascii_case(b"transfer-encoding")
            && value.len() >= 7
            && value[value.len() - 7..].eq_ignore_ascii_case(b"chunked")
        {
            framing = Some(Framing::Chunked);
        }
    }
    framing
        .map(|framing| (status, framing))
        .ok_or_else(|| invalid("response without content-length or chunked coding"))
}

/// Reads a chunk-size line (without its CRLF), ignoring any extensions.
fn parse_chunk_size(line: &[u8]) -> io::Result<usize> {
    let digits = line
        .split(|&b| b == b';')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    std::str::from_utf8(digits)
        .ok()
        .and_then(|text| usize::from_str_radix(text, 16).ok())
        .ok_or_else(|| invalid("bad chunk size"))
}

/// One HTTP/1 client connection.
struct H1Conn {
    stream: TcpStream,
    reader: ResponseReader,
}

impl H1Conn {
    async fn open(addr: SocketAddr) -> io::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            reader: ResponseReader::new(),
        })
    }

    /// Sends `GET /` and reads its response.
    async fn get(&mut self) -> io::Result<()> {
        self.stream.write_all(GET_REQUEST).await?;
        expect_hello(self.reader.read_response(&mut self.stream, None).await?)
    }

    /// Writes `batch` (`PIPELINE_DEPTH` requests) at once and reads their responses.
    async fn get_pipelined(&mut self, batch: &[u8]) -> io::Result<()> {
        self.stream.write_all(batch).await?;
        for _ in 0..PIPELINE_DEPTH {
            expect_hello(self.reader.read_response(&mut self.stream, None).await?)?;
        }
        Ok(())
    }

    /// Sends `head` and `body` while reading the response; returns it, with its body in
    /// `keep` if given.
    async fn post(
        &mut self,
        head: &[u8],
        body: &[u8],
        keep: Option<&mut Vec<u8>>,
    ) -> io::Result<Answer> {
        let (mut read_half, mut write_half) = self.stream.split();
        // The echo comes back while the body is still going out: read and write at once.
        let send = async {
            write_half.write_all(head).await?;
            write_half.write_all(body).await
        };
        let receive = self.reader.read_response(&mut read_half, keep);
        let (sent, answer) = tokio::join!(send, receive);
        sent?;
        answer
    }
}

fn expect_hello(answer: Answer) -> io::Result<()> {
    if answer
        == (Answer {
            status: 200,
            body_len: HELLO.len(),
        })
    {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "unexpected answer to GET /: {answer:?}"
        )))
    }
}

/// The request head of the POST echo case.
fn echo_head() -> String {
    format!("POST /echo HTTP/1.1\r\nhost: bench\r\ncontent-length: {ECHO_LEN}\r\n\r\n")
}

/// The body of the POST echo case: a pattern, so that a misplaced byte shows.
fn echo_body() -> Bytes {
    (0..ECHO_LEN)
        .map(|i| (i % 251) as u8)
        .collect::<Vec<u8>>()
        .into()
}

fn h2_error(err: h2::Error) -> io::Error {
    io::Error::other(err)
}

/// Opens an HTTP/2 connection with prior knowledge; the connection's task runs until the
/// runtime is dropped.
async fn open_h2(addr: SocketAddr) -> io::Result<h2::client::SendRequest<Bytes>> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (send, connection) = h2::client::handshake(stream).await.map_err(h2_error)?;
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            eprintln!("h2 client connection failed: {err}");
        }
    });
    Ok(send)
}

/// Sends `count` `GET /` requests one after another on an HTTP/2 stream handle, reading
/// each response's body to its end; returns the handle. Returns the body of the last
/// response, for the check before measuring.
async fn h2_gets(
    mut send: h2::client::SendRequest<Bytes>,
    uri: http::Uri,
    count: u64,
) -> io::Result<(h2::client::SendRequest<Bytes>, Vec<u8>)> {
    let mut last = Vec::new();
    for _ in 0..count {
        send = send.ready().await.map_err(h2_error)?;
        let request = Request::get(uri.clone())
            .body(())
            .map_err(io::Error::other)?;
        let (response, _) = send.send_request(request, true).map_err(h2_error)?;
        let response = response.await.map_err(h2_error)?;
        if response.status() != StatusCode::OK {
            return Err(io::Error::other(format!("h2 GET /: {}", response.status())));
        }
        let mut body = response.into_body();
        last.clear();
        while let Some(data) = body.data().await {
            let data = data.map_err(h2_error)?;
            body.flow_control()
                .release_capacity(data.len())
                .map_err(h2_error)?;
            last.extend_from_slice(&data);
        }
    }
    Ok((send, last))
}

/// Checks, once and byte for byte, that a server answers as the handler says: `GET /` over
/// HTTP/1 and HTTP/2, the 1 MiB echo, and a 404.
async fn verify(name: &str, addr: SocketAddr) -> io::Result<()> {
    let mut conn = H1Conn::open(addr).await?;
    let mut body = Vec::new();
    let answer = conn.post(GET_REQUEST, b"", Some(&mut body)).await?;
    let hello_ok = answer.status == 200 && body == HELLO;
    body.clear();
    let echo = echo_body();
    let answer = conn
        .post(echo_head().as_bytes(), &echo, Some(&mut body))
        .await?;
    let echo_ok = answer.status == 200 && body == echo;
    body.clear();
    let head = "GET /nowhere HTTP/1.1\r\nhost: bench\r\n\r\n";
    let missing_ok = conn.post(head.as_bytes(), b"", None).await?.status == 404;
    let uri: http::Uri = format!("http://{addr}/")
        .parse()
        .map_err(io::Error::other)?;
    let (_, h2_body) = h2_gets(open_h2(addr).await?, uri, 1).await?;
    let h2_ok = h2_body == HELLO;
    if hello_ok && echo_ok && missing_ok && h2_ok {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "{name} answers wrongly: GET / {hello_ok}, echo {echo_ok}, 404 {missing_ok}, h2 {h2_ok}"
        )))
    }
}

// ---------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------

/// Client handles (connections or HTTP/2 stream handles) kept between samples.
type Pool<C> = Arc<Mutex<Vec<C>>>;

/// Runs `iters` iterations spread evenly over the pooled handles, one task per handle, and
/// returns the wall time they took together. Every handle comes back to the pool.
async fn spread<C, F, Fut>(pool: Pool<C>, iters: u64, work: F) -> Duration
where
    C: Send + 'static,
    F: Fn(C, u64) -> Fut,
    Fut: Future<Output = io::Result<C>> + Send + 'static,
{
    let handles = std::mem::take(&mut *pool.lock().expect("pool lock"));
    let count = handles.len() as u64;
    let start = Instant::now();
    let tasks: Vec<_> = handles
        .into_iter()
        .enumerate()
        .map(|(i, handle)| {
            let share = iters / count + u64::from((i as u64) < iters % count);
            tokio::spawn(work(handle, share))
        })
        .collect();
    let mut back = Vec::with_capacity(tasks.len());
    for task in tasks {
        back.push(
            task.await
                .expect("client task panicked")
                .expect("request failed"),
        );
    }
    let elapsed = start.elapsed();
    *pool.lock().expect("pool lock") = back;
    elapsed
}

/// Opens `count` HTTP/1 connections to `addr`.
fn h1_pool(rt: &Runtime, addr: SocketAddr, count: usize) -> Pool<H1Conn> {
    let conns = rt.block_on(async {
        let mut conns = Vec::with_capacity(count);
        for _ in 0..count {
            conns.push(H1Conn::open(addr).await.expect("connect"));
        }
        conns
    });
    Arc::new(Mutex::new(conns))
}

/// The servers under test, by function name.
struct Targets {
    servers: [(&'static str, SocketAddr); 2],
}

fn keep_alive_get(c: &mut Criterion, rt: &Runtime, targets: &Targets) {
    let mut group = c.benchmark_group("end_to_end/http1_keep_alive_get");
    group.throughput(Throughput::Elements(1));
    for (name, addr) in targets.servers {
        let pool = h1_pool(rt, addr, KEEP_ALIVE_CONNECTIONS);
        group.bench_function(name, |b| {
            b.to_async(rt).iter_custom(|iters| {
                spread(Arc::clone(&pool), iters, |mut conn: H1Conn, n| async move {
                    for _ in 0..n {
                        conn.get().await?;
                    }
                    Ok(conn)
                })
            });
        });
    }
    group.finish();
}

fn pipelined_get(c: &mut Criterion, rt: &Runtime, targets: &Targets) {
    let mut group = c.benchmark_group("end_to_end/http1_pipelined_get");
    group.throughput(Throughput::Elements(PIPELINE_DEPTH as u64));
    let batch: Arc<[u8]> = GET_REQUEST.repeat(PIPELINE_DEPTH).into();
    for (name, addr) in targets.servers {
        let pool = h1_pool(rt, addr, PIPELINE_CONNECTIONS);
        group.bench_function(name, |b| {
            b.to_async(rt).iter_custom(|iters| {
                spread(Arc::clone(&pool), iters, |mut conn: H1Conn, n| {
                    let batch = Arc::clone(&batch);
                    async move {
                        for _ in 0..n {
                            conn.get_pipelined(&batch).await?;
                        }
                        Ok(conn)
                    }
                })
            });
        });
    }
    group.finish();
}

fn http2_get(c: &mut Criterion, rt: &Runtime, targets: &Targets) {
    let mut group = c.benchmark_group("end_to_end/http2_get");
    group.throughput(Throughput::Elements(1));
    for (name, addr) in targets.servers {
        let send = rt.block_on(open_h2(addr)).expect("h2 connect");
        let uri: http::Uri = format!("http://{addr}/").parse().expect("uri");
        let pool: Pool<_> = Arc::new(Mutex::new(vec![send; H2_STREAMS]));
        group.bench_function(name, |b| {
            b.to_async(rt).iter_custom(|iters| {
                spread(Arc::clone(&pool), iters, |send, n| {
                    let uri = uri.clone();
                    async move { Ok(h2_gets(send, uri, n).await?.0) }
                })
            });
        });
    }
    group.finish();
}

fn post_echo(c: &mut Criterion, rt: &Runtime, targets: &Targets) {
    let mut group = c.benchmark_group("end_to_end/http1_post_echo_1mib");
    group.throughput(Throughput::Bytes(ECHO_LEN as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    let head = Bytes::from(echo_head());
    let body = echo_body();
    for (name, addr) in targets.servers {
        let pool = h1_pool(rt, addr, ECHO_CONNECTIONS);
        group.bench_function(name, |b| {
            b.to_async(rt).iter_custom(|iters| {
                spread(Arc::clone(&pool), iters, |mut conn: H1Conn, n| {
                    let (head, body) = (head.clone(), body.clone());
                    async move {
                        for _ in 0..n {
                            let answer = conn.post(&head, &body, None).await?;
                            if answer.status != 200 || answer.body_len != ECHO_LEN {
                                return Err(io::Error::other(format!("echo: {answer:?}")));
                            }
                        }
                        Ok(conn)
                    }
                })
            });
        });
    }
    group.finish();
}

fn end_to_end(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let targets = rt.block_on(async {
        let spire = start_spire().await.expect("start spire");
        let hyper = start_hyper().await.expect("start hyper");
        verify("spire", spire).await.expect("check spire");
        verify("hyper", hyper).await.expect("check hyper");
        Targets {
            servers: [("spire", spire), ("hyper", hyper)],
        }
    });
    keep_alive_get(c, &rt, &targets);
    pipelined_get(c, &rt, &targets);
    http2_get(c, &rt, &targets);
    post_echo(c, &rt, &targets);
    // Dropping the runtime stops both servers and closes every connection.
    drop(rt);
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6))
}

criterion_group! {
    name = benches;
    config = config();
    targets = end_to_end
}
criterion_main!(benches);
