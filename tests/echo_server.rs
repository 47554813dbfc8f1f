//! The `echo_server` example's contract, checked from outside: the built binary is started
//! as a child process and spoken to over loopback sockets (and curl, for h2c, when it is
//! installed).
//!
//! The example must be built first (`cargo build --example echo_server`, which CI does
//! before the tests); the tests fail with that instruction if it is missing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(10);

/// `target/<profile>/examples/echo_server`, next to this test's own `deps/` directory.
fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the test binary lives in target/<profile>/deps");
    let path = profile_dir
        .join("examples")
        .join(format!("echo_server{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{} is missing: run `cargo build --example echo_server` (same profile) before these tests",
        path.display()
    );
    path
}

/// A running `echo_server`, killed when dropped if it is still running.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(extra: &[&str]) -> Self {
        let mut child = Command::new(binary())
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("echo_server starts");
        let stdout = child.stdout.take().expect("piped stdout");
        // Read the first line on a thread, so a server that never prints fails the test
        // instead of hanging it.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let result = BufReader::new(stdout).read_line(&mut line).map(|_| line);
            let _ = tx.send(result);
        });
        let line = match rx.recv_timeout(LIMIT) {
            Ok(Ok(line)) => line,
            other => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("no first line from echo_server: {other:?}");
            }
        };
        let addr = line
            .trim_end()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .parse()
            .unwrap_or_else(|err| panic!("first line {line:?} has no address: {err}"));
        Self { child, addr }
    }

    fn connect(&self) -> TcpStream {
        let socket = TcpStream::connect(self.addr).expect("connect to echo_server");
        socket.set_read_timeout(Some(LIMIT)).unwrap();
        socket
    }

    /// Sends `request` and reads until the server closes the connection.
    fn exchange(&self, request: &[u8]) -> Vec<u8> {
        let mut socket = self.connect();
        socket.write_all(request).unwrap();
        let mut out = Vec::new();
        socket.read_to_end(&mut out).expect("response, then close");
        out
    }

    /// Sends SIGTERM and waits for the exit; returns how long it took.
    fn terminate(&mut self) -> (std::process::ExitStatus, Duration) {
        let pid = self.child.id().to_string();
        let sent = Instant::now();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM {pid} failed");
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, sent.elapsed());
            }
            assert!(
                sent.elapsed() < LIMIT,
                "echo_server did not exit within {LIMIT:?} of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A response split into its status line, headers (lowercase names) and raw body.
struct Parsed {
    status_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Parsed {
    fn new(raw: &[u8]) -> Self {
        let end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no complete head in {:?}", String::from_utf8_lossy(raw)));
        let head = std::str::from_utf8(&raw[..end]).unwrap();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap().to_owned();
        let headers = lines
            .map(|line| {
                let (name, value) = line.split_once(':').expect("header line");
                (name.to_ascii_lowercase(), value.trim().to_owned())
            })
            .collect();
        Self {
            status_line,
            headers,
            body: raw[end + 4..].to_vec(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn status(&self) -> u16 {
        self.status_line.split(' ').nth(1).unwrap().parse().unwrap()
    }

    /// The body with chunked framing removed.
    fn dechunked(&self) -> Vec<u8> {
        let mut rest = &self.body[..];
        let mut out = Vec::new();
        loop {
            let line_end = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .expect("chunk size line");
            let size_text = std::str::from_utf8(&rest[..line_end]).unwrap();
            let size =
                usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
            rest = &rest[line_end + 2..];
            if size == 0 {
                return out;
            }
            out.extend_from_slice(&rest[..size]);
            assert_eq!(&rest[size..size + 2], b"\r\n", "chunk data ends with CRLF");
            rest = &rest[size + 2..];
        }
    }
}

#[test]
fn first_line_is_the_real_bound_address() {
    let server = Server::start(&[]);
    assert!(server.addr.ip().is_loopback());
    assert_ne!(server.addr.port(), 0, "the real port, not the requested 0");
    drop(server.connect());
}

#[test]
fn get_and_head_on_root_say_hello_in_plain_text() {
    let server = Server::start(&[]);
    let get =
        Parsed::new(&server.exchange(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
    assert!(
        get.status_line.starts_with("HTTP/1.1 200"),
        "{}",
        get.status_line
    );
    assert_eq!(get.header("content-type"), Some("text/plain"));
    assert_eq!(get.body, b"Hello, world!");

    let head =
        Parsed::new(&server.exchange(b"HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
    assert_eq!(head.status(), 200);
    assert_eq!(head.header("content-type"), Some("text/plain"));
    assert!(head.body.is_empty(), "HEAD has no body: {:?}", head.body);
}

#[test]
fn echo_with_content_length_answers_with_the_same_length() {
    let server = Server::start(&[]);
    let raw = server.exchange(
        b"POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 11\r\n\r\nhello world",
    );
    let response = Parsed::new(&raw);
    assert_eq!(response.status(), 200);
    assert_eq!(response.header("content-length"), Some("11"));
    assert_eq!(response.header("transfer-encoding"), None);
    assert_eq!(response.body, b"hello world");
}

#[test]
fn echo_of_a_chunked_request_is_chunked() {
    let server = Server::start(&[]);
    let raw = server.exchange(
        b"PUT /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n\
          5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    );
    let response = Parsed::new(&raw);
    assert_eq!(response.status(), 200);
    assert_eq!(response.header("transfer-encoding"), Some("chunked"));
    assert_eq!(response.header("content-length"), None);
    assert_eq!(response.dechunked(), b"hello world");
}

#[test]
fn anything_else_is_404() {
    let server = Server::start(&[]);
    for request in [
        &b"GET /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"[..],
        b"POST / HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
    ] {
        let response = Parsed::new(&server.exchange(request));
        assert_eq!(
            response.status(),
            404,
            "{}",
            String::from_utf8_lossy(request)
        );
    }
}

#[test]
fn http1_0_request_is_answered_and_closed() {
    let server = Server::start(&[]);
    let response = Parsed::new(&server.exchange(b"GET / HTTP/1.0\r\n\r\n"));
    assert!(
        response.status_line.starts_with("HTTP/1."),
        "{}",
        response.status_line
    );
    assert_eq!(response.status(), 200);
    assert_eq!(response.body, b"Hello, world!");
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let server = Server::start(&[]);
    let mut socket = server.connect();
    for _ in 0..3 {
        socket
            .write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            .unwrap();
        let mut buf = Vec::new();
        while !buf.ends_with(b"Hello, world!") {
            let mut chunk = [0; 1024];
            let n = socket.read(&mut chunk).expect("a response");
            assert!(n > 0, "closed: {:?}", String::from_utf8_lossy(&buf));
            buf.extend_from_slice(&chunk[..n]);
        }
        assert!(buf.starts_with(b"HTTP/1.1 200"));
    }
}

/// Runs curl with HTTP/2 prior knowledge; `None` when curl is not installed.
fn curl_h2(addr: SocketAddr, extra: &[&str], path: &str) -> Option<String> {
    let output = Command::new("curl")
        .args([
            "--silent",
            "--show-error",
            "--http2-prior-knowledge",
            "--max-time",
            "10",
        ])
        .args(["--write-out", "\n%{http_version} %{http_code}"])
        .args(extra)
        .arg(format!("http://{addr}{path}"))
        .output();
    match output {
        Ok(output) => {
            assert!(
                output.status.success(),
                "curl failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            Some(String::from_utf8(output.stdout).unwrap())
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => panic!("running curl: {err}"),
    }
}

#[test]
fn h2c_prior_knowledge_on_the_same_port() {
    let server = Server::start(&[]);
    let Some(hello) = curl_h2(server.addr, &[], "/") else {
        eprintln!("curl is not installed: h2c is covered by spire-server's own tests instead");
        return;
    };
    assert_eq!(hello, "Hello, world!\n2 200");
    let echo = curl_h2(server.addr, &["--data-binary", "over h2"], "/echo").unwrap();
    assert_eq!(echo, "over h2\n2 200");
    let missing = curl_h2(server.addr, &[], "/missing").unwrap();
    assert!(missing.ends_with("\n2 404"), "{missing}");
}

#[test]
fn sigterm_exits_zero_within_ten_seconds_even_with_an_idle_connection() {
    let mut server = Server::start(&[]);
    // An idle keep-alive connection must not hold the shutdown up.
    let mut idle = server.connect();
    idle.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut buf = [0; 1024];
    assert!(idle.read(&mut buf).unwrap() > 0);

    let (status, took) = server.terminate();
    assert!(status.success(), "exit status {status:?}");
    assert!(took < LIMIT, "{took:?}");
    // And the idle connection was closed.
    let mut rest = Vec::new();
    let closed = idle.read_to_end(&mut rest);
    assert!(closed.is_ok() || closed.unwrap_err().kind() == std::io::ErrorKind::ConnectionReset);
}

#[test]
fn header_read_timeout_flag_bounds_a_slow_head() {
    let server = Server::start(&["--header-read-timeout", "1"]);
    let mut socket = server.connect();
    let started = Instant::now();
    socket.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n").unwrap(); // never finished
    let mut out = Vec::new();
    let _ = socket.read_to_end(&mut out);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900),
        "closed before the timeout: {took:?}"
    );
    assert!(
        took < Duration::from_secs(8),
        "the 1 s timeout did not apply: {took:?}"
    );
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("HTTP/1.1 408"), "expected a 408: {text:?}");
}
