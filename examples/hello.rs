//! The smallest useful spire server: one function, one line to serve it, Ctrl-C to stop.
//!
//! What it shows: a handler made from an `async fn` with `service_fn`, served on a port
//! with `spire_server::serve`, HTTP/1 and HTTP/2 (prior knowledge) alike, with the default
//! timeouts, and a graceful shutdown when Ctrl-C is pressed.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example hello
//! curl -i http://127.0.0.1:3000/
//! curl -i --http2-prior-knowledge http://127.0.0.1:3000/
//! ```
//!
//! What to look at: there is no protocol choice, no timer set-up and no accept loop in this
//! file. Both curl commands get `Hello, world!`; the first answer says `HTTP/1.1`, the
//! second `HTTP/2`. Press Ctrl-C: the server stops accepting, lets in-flight requests
//! finish, and exits.

use std::convert::Infallible;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::Full;
use spire_conn::Incoming;
use spire_service::service_fn;
use tokio::net::TcpListener;

async fn hello(_req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::new(Bytes::from_static(
        b"Hello, world!\n",
    ))))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://{}", listener.local_addr()?);

    spire_server::serve(listener, service_fn(hello))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
