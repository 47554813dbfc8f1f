//! A small HTTP server with a fixed contract, used to test spire-server from outside.
//!
//! What it shows: routing on method and path in one `match`, streaming a request body
//! straight back as the response body, a response body type that is one of two
//! (`spire_body::Either`), the server `Builder` with a timeout set from the command line
//! and without the per-request `ConnectionInfo` it does not use, and a graceful shutdown
//! on SIGTERM or Ctrl-C.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example echo_server -- --addr 127.0.0.1:0 --header-read-timeout 5
//! ```
//!
//! The contract (`tests/echo_server.rs` checks it):
//! - flags: `--addr IP:PORT` (default `127.0.0.1:3000`), `--header-read-timeout SECS`;
//! - the first line on stdout is `listening on http://IP:PORT`, the real bound address,
//!   flushed at once (so `--addr 127.0.0.1:0` tells you the port);
//! - `GET /` and `HEAD /`: `200`, `content-type: text/plain`, `Hello, world!`;
//! - any method on `/echo`: `200`, the request body streamed back, with `content-length`
//!   when the request had one, chunked otherwise;
//! - anything else: `404`;
//! - HTTP/1.0, HTTP/1.1 and HTTP/2 with prior knowledge, all on the same port;
//! - SIGTERM or Ctrl-C: graceful shutdown, exit status 0 within 10 s.
//!
//! What to look at: `echo` never buffers. `curl -T big.file http://127.0.0.1:3000/echo`
//! streams through in constant memory, because the response body *is* the request body.
//! With `--header-read-timeout 2`, `nc 127.0.0.1 3000` and a half-typed request line get a
//! `408` after two seconds.

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use spire_body::{Either, Full};
use spire_conn::Incoming;
use spire_service::service_fn;
use tokio::net::TcpListener;

/// A fixed answer, or the request's own body.
type EchoBody = Either<Full<Bytes>, Incoming>;

async fn route(req: Request<Incoming>) -> Result<Response<EchoBody>, Infallible> {
    let response = match (req.method(), req.uri().path()) {
        (&Method::GET | &Method::HEAD, "/") => {
            let mut response = Response::new(Either::left(Full::new(Bytes::from_static(
                b"Hello, world!",
            ))));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            response
        }
        (_, "/echo") => {
            // Keep the request's framing: its length if it declared one; otherwise the
            // connection picks chunked (HTTP/1.1) or DATA frames until END_STREAM (HTTP/2).
            let length = req.headers().get(CONTENT_LENGTH).cloned();
            let mut response = Response::new(Either::right(req.into_body()));
            if let Some(length) = length {
                response.headers_mut().insert(CONTENT_LENGTH, length);
            }
            response
        }
        _ => {
            let mut response =
                Response::new(Either::left(Full::new(Bytes::from_static(b"Not Found"))));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    };
    Ok(response)
}

struct Args {
    addr: SocketAddr,
    header_read_timeout: Option<Duration>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
        header_read_timeout: None,
    };
    let mut argv = std::env::args().skip(1);
    while let Some(flag) = argv.next() {
        let mut value = || argv.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => {
                let text = value()?;
                args.addr = text
                    .parse()
                    .map_err(|err| format!("--addr {text}: {err}"))?;
            }
            "--header-read-timeout" => {
                let text = value()?;
                let secs: f64 = text
                    .parse()
                    .map_err(|err| format!("--header-read-timeout {text}: {err}"))?;
                let timeout = Duration::try_from_secs_f64(secs)
                    .map_err(|err| format!("--header-read-timeout {text}: {err}"))?;
                args.header_read_timeout = Some(timeout);
            }
            "--help" | "-h" => {
                return Err(
                    "usage: echo_server [--addr IP:PORT] [--header-read-timeout SECS]".to_owned(),
                );
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(args)
}

/// Installs the SIGTERM and Ctrl-C (SIGINT) handlers now, and returns a future that
/// resolves when either signal arrives.
///
/// The handlers must exist before the address is announced: whoever reads that line may
/// send SIGTERM at once, and a signal that arrives before its handler kills the process.
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = interrupt.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(args.addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cannot listen on {}: {err}", args.addr);
            return ExitCode::FAILURE;
        }
    };

    let mut builder = spire_server::Builder::new();
    if let Some(timeout) = args.header_read_timeout {
        builder.timeouts().header_read(timeout);
    }
    // Well inside the 10 s the contract allows for a shutdown.
    builder.timeouts().drain(Duration::from_secs(5));
    // The routes never look at the client's address: skip the per-request extension
    // (three small allocations), as a server without the feature would.
    builder.connection_info_in_requests(false);
    let signal = match shutdown_signal() {
        Ok(signal) => signal,
        Err(err) => {
            eprintln!("cannot listen for SIGTERM and SIGINT: {err}");
            return ExitCode::FAILURE;
        }
    };
    let server = builder
        .serve(listener, service_fn(route))
        .with_graceful_shutdown(signal);

    let announced = server.local_addr().map(|addr| {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on http://{addr}").and_then(|()| stdout.flush())
    });
    if let Err(err) = announced.and_then(|written| written) {
        eprintln!("cannot announce the address: {err}");
        return ExitCode::FAILURE;
    }

    match server.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("server failed: {err}");
            ExitCode::FAILURE
        }
    }
}
