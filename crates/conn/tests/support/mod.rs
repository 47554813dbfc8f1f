//! What the wire tests share: a one-connection HTTP/1 server on loopback and the builder
//! they start from, and (in [`http2`]) an h2 client on a one-connection HTTP/2 server.

#![allow(
    dead_code,
    reason = "each test file is its own crate and uses only part of this module"
)]

pub(crate) mod http2;

use std::net::SocketAddr;
use std::time::Duration;

use http::{Request, Response};
use spire_body::Body;
use spire_conn::{Incoming, server::http1::Builder};
use spire_service::{BoxError, Service};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// How long a test waits for anything before it fails instead of hanging.
pub(crate) const LIMIT: Duration = Duration::from_secs(20);

/// Accepts one connection and serves it; the handle yields the connection's result.
pub(crate) async fn serve<S, B>(
    builder: Builder,
    service: S,
) -> (SocketAddr, JoinHandle<Result<(), spire_conn::Error>>)
where
    S: Service<Request<Incoming>, Response = Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Error: Into<BoxError>,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        builder.serve_connection(socket, service).await
    });
    (addr, handle)
}

/// A builder without the `Date` header, so responses can be compared byte for byte.
pub(crate) fn no_date() -> Builder {
    let mut builder = Builder::new();
    builder.date_header(false);
    builder
}
