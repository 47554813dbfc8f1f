//! `echo_server`'s contract served by hyper 1.x + hyper-util: it exists only as the
//! comparison peer for `scripts/load-compare` (wrk, h2load and memory per connection). It is
//! not part of spire and shows nothing about it; read `echo_server.rs` for that.
//!
//! Run it with:
//!
//! ```text
//! cargo run --release --example hyper_echo_server -- --addr 127.0.0.1:0
//! ```
//!
//! The contract is `echo_server`'s, so the same load runs against both:
//! - flags: `--addr IP:PORT` (default `127.0.0.1:3000`), `--header-read-timeout SECS`;
//! - the first line on stdout is `listening on http://IP:PORT`, the real bound address,
//!   flushed at once;
//! - `GET /` and `HEAD /`: `200`, `content-type: text/plain`, `Hello, world!`;
//! - any method on `/echo`: `200`, the request body streamed back, with `content-length`
//!   when the request had one, chunked otherwise;
//! - anything else: `404`;
//! - HTTP/1.0, HTTP/1.1 and HTTP/2 with prior knowledge on the same port (hyper-util's
//!   `server::conn::auto::Builder`);
//! - SIGTERM or Ctrl-C: graceful shutdown, exit status 0 within 10 s.
//!
//! It is written the way hyper-util's users write a server: a plain accept loop handing each
//! socket to the auto builder in a task of its own, with `TCP_NODELAY`, and a `TokioTimer`
//! so that hyper's 30 s header read timeout is armed as spire's is. hyper has no idle
//! keep-alive timeout; spire closes idle connections after 75 s. Graceful shutdown is by
//! hand (the `server-graceful` feature of hyper-util is not enabled here): every
//! connection task watches a channel and calls `graceful_shutdown` on its connection.

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{Either, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// A fixed answer, or the request's own body.
type EchoBody = Either<Full<Bytes>, Incoming>;

/// How long open connections may take to finish after the shutdown signal.
const DRAIN: Duration = Duration::from_secs(5);

async fn route(req: Request<Incoming>) -> Result<Response<EchoBody>, Infallible> {
    let response = match (req.method(), req.uri().path()) {
        (&Method::GET | &Method::HEAD, "/") => {
            let mut response = Response::new(Either::Left(Full::new(Bytes::from_static(
                b"Hello, world!",
            ))));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            response
        }
        (_, "/echo") => {
            let length = req.headers().get(CONTENT_LENGTH).cloned();
            let mut response = Response::new(Either::Right(req.into_body()));
            if let Some(length) = length {
                response.headers_mut().insert(CONTENT_LENGTH, length);
            }
            response
        }
        _ => {
            let mut response =
                Response::new(Either::Left(Full::new(Bytes::from_static(b"Not Found"))));
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
                let timeout = text
                    .parse::<f64>()
                    .map_err(|err| err.to_string())
                    .and_then(|secs| {
                        Duration::try_from_secs_f64(secs).map_err(|err| err.to_string())
                    })
                    .map_err(|err| format!("--header-read-timeout {text}: {err}"))?;
                args.header_read_timeout = Some(timeout);
            }
            "--help" | "-h" => {
                return Err(
                    "usage: hyper_echo_server [--addr IP:PORT] [--header-read-timeout SECS]"
                        .to_owned(),
                );
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(args)
}

/// Resolves on SIGTERM or Ctrl-C (SIGINT).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(err) => {
                eprintln!("cannot listen for SIGTERM ({err}); Ctrl-C still works");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Accepts connections until the shutdown signal, then winds them down.
async fn run(listener: TcpListener, builder: auto::Builder<TokioExecutor>) {
    let builder = Arc::new(builder);
    let (stop, stopped) = watch::channel(());
    let mut connections = JoinSet::new();
    let signal = shutdown_signal();
    tokio::pin!(signal);
    loop {
        tokio::select! {
            () = &mut signal => break,
            // Reap finished connection tasks as they end, so none piles up.
            Some(_) = connections.join_next() => {}
            accepted = listener.accept() => {
                let socket = match accepted {
                    Ok((socket, _peer)) => socket,
                    Err(err) => {
                        // Most likely out of file descriptors: let some connections close.
                        eprintln!("accept failed: {err}");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = socket.set_nodelay(true);
                let builder = Arc::clone(&builder);
                let mut stopped = stopped.clone();
                connections.spawn(async move {
                    let connection =
                        builder.serve_connection(TokioIo::new(socket), service_fn(route));
                    tokio::pin!(connection);
                    tokio::select! {
                        _ = connection.as_mut() => {}
                        _ = stopped.changed() => {
                            // HTTP/1: close after the current response; HTTP/2: GOAWAY.
                            connection.as_mut().graceful_shutdown();
                            let _ = connection.await;
                        }
                    }
                });
            }
        }
    }
    // Refuse new connections, then ask the open ones to finish.
    drop(listener);
    drop(stop);
    let drained = tokio::time::timeout(DRAIN, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        eprintln!(
            "{} connections still open after {DRAIN:?}; closing them",
            connections.len()
        );
        connections.shutdown().await;
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

    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new());
    if let Some(timeout) = args.header_read_timeout {
        builder.http1().header_read_timeout(timeout);
    }

    let announced = listener.local_addr().and_then(|addr| {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on http://{addr}").and_then(|()| stdout.flush())
    });
    if let Err(err) = announced {
        eprintln!("cannot announce the address: {err}");
        return ExitCode::FAILURE;
    }

    run(listener, builder).await;
    ExitCode::SUCCESS
}
