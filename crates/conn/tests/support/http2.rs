//! An h2 client connected to one server connection, for the HTTP/2 tests.

use bytes::Bytes;
use http::{Request, Response};
use spire_conn::{Incoming, server::http2::Builder};
use spire_service::{BoxError, Service};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::timeout;

use super::LIMIT;

pub(crate) type ClientConn = JoinHandle<Result<(), h2::Error>>;
pub(crate) type ServerConn = JoinHandle<Result<(), spire_conn::Error>>;

/// Connects an h2 client to a server connection built by `builder`, then waits one PING
/// round trip so the server's SETTINGS are applied on the client.
pub(crate) async fn start<S, B>(
    builder: Builder,
    svc: S,
) -> (h2::client::SendRequest<Bytes>, ClientConn, ServerConn)
where
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: spire_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        builder.serve_connection(socket, svc).await
    });
    let socket = TcpStream::connect(addr).await.unwrap();
    let (send, mut conn) = h2::client::handshake(socket).await.unwrap();
    let mut ping_pong = conn.ping_pong().unwrap();
    let conn = tokio::spawn(conn);
    timeout(LIMIT, ping_pong.ping(h2::Ping::opaque()))
        .await
        .unwrap()
        .unwrap();
    (send, conn, server)
}
