//! Unit tests of the HTTP/1 server driver over in-memory transports that count writes and
//! flushes.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use spire_body::Full;
use spire_service::service_fn;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::*;

/// A transport with a fixed input, that records what is written and counts the calls.
#[derive(Clone, Default)]
struct Recorder {
    input: Arc<Mutex<Vec<u8>>>,
    output: Arc<Mutex<Vec<u8>>>,
    writes: Arc<AtomicUsize>,
    flushes: Arc<AtomicUsize>,
    vectored: bool,
}

impl AsyncRead for Recorder {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let mut input = self.input.lock().unwrap();
        let n = input.len().min(buf.remaining());
        buf.put_slice(&input[..n]);
        input.drain(..n);
        // Empty input reads as end of file: the client half-closed after its requests.
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Recorder {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.output.lock().unwrap().extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        let mut output = self.output.lock().unwrap();
        let mut n = 0;
        for buf in bufs {
            output.extend_from_slice(buf);
            n += buf.len();
        }
        Poll::Ready(Ok(n))
    }

    fn is_write_vectored(&self) -> bool {
        self.vectored
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flushes.fetch_add(1, Ordering::SeqCst);
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

const THREE_PIPELINED: &[u8] = b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n\
    GET /2 HTTP/1.1\r\nHost: a\r\n\r\n\
    GET /3 HTTP/1.1\r\nHost: a\r\n\r\n";

async fn serve_pipelined(vectored: bool, pipeline_flush: bool) -> Recorder {
    let io = Recorder {
        vectored,
        ..Recorder::default()
    };
    io.input.lock().unwrap().extend_from_slice(THREE_PIPELINED);
    let service = service_fn(|req: http::Request<Incoming>| async move {
        let body = Bytes::from(format!("path {}", req.uri().path()));
        Ok::<_, Infallible>(http::Response::new(Full::new(body)))
    });
    let mut builder = Builder::new();
    builder.date_header(false).pipeline_flush(pipeline_flush);
    builder
        .serve_connection(io.clone(), service)
        .await
        .expect("the connection ends cleanly");
    io
}

fn expected_three() -> String {
    (1..=3)
        .map(|i| format!("HTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\npath /{i}"))
        .collect()
}

#[tokio::test]
async fn pipelined_batch_is_written_in_one_vectored_write_and_one_flush() {
    let io = serve_pipelined(true, true).await;
    let output = String::from_utf8(io.output.lock().unwrap().clone()).unwrap();
    assert_eq!(output, expected_three());
    assert_eq!(io.writes.load(Ordering::SeqCst), 1);
    assert_eq!(io.flushes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn pipelined_batch_is_coalesced_without_vectored_writes() {
    let io = serve_pipelined(false, true).await;
    let output = String::from_utf8(io.output.lock().unwrap().clone()).unwrap();
    assert_eq!(output, expected_three());
    assert_eq!(io.writes.load(Ordering::SeqCst), 1);
    assert_eq!(io.flushes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn pipeline_flush_off_writes_each_response_alone() {
    let io = serve_pipelined(true, false).await;
    let output = String::from_utf8(io.output.lock().unwrap().clone()).unwrap();
    assert_eq!(output, expected_three());
    assert_eq!(io.flushes.load(Ordering::SeqCst), 3);
}

#[test]
fn defaults_are_the_documented_ones() {
    let builder = Builder::new();
    assert!(builder.keep_alive);
    assert!(builder.half_close);
    assert_eq!(builder.max_buf_size, 400 * 1024);
    assert_eq!(builder.max_head_size, 64 * 1024);
    assert_eq!(builder.max_headers, 100);
    assert_eq!(builder.header_read_timeout, Some(Duration::from_secs(30)));
    assert_eq!(builder.keep_alive_timeout, Some(Duration::from_secs(75)));
    assert_eq!(builder.write_timeout, Some(Duration::from_secs(30)));
    assert!(builder.date_header);
    assert!(builder.pipeline_flush);
    assert!(!builder.title_case_headers);
    assert!(!builder.informational_responses);
}

#[test]
fn small_buffer_sizes_are_raised_and_bound_the_head() {
    let mut builder = Builder::new();
    builder.max_buf_size(1);
    assert_eq!(builder.max_buf_size, MIN_BUF_SIZE);
    assert_eq!(builder.limits().max_head_size(), MIN_BUF_SIZE);
}
