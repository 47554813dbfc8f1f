//! [`ConnService`]: the wrapper the server puts around each connection's service, to give
//! every request its [`ConnectionInfo`] and a place in [`Stats`].
//!
//! The per-request `tracing` span is spire-conn's (`request` for HTTP/1, `stream` for
//! HTTP/2, with method and path); it sits inside the server's `connection` span, which
//! carries the addresses and the protocol.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::{Request, Response};
use pin_project_lite::pin_project;
use spire_service::Service;

use crate::accept::ConnectionInfo;
use crate::stats::Stats;

/// A connection's service, as the connection driver sees it.
#[derive(Debug, Clone)]
pub(crate) struct ConnService<S> {
    inner: S,
    /// Inserted into every request, unless the server was told not to.
    info: Option<ConnectionInfo>,
    stats: Stats,
}

impl<S> ConnService<S> {
    pub(crate) fn new(inner: S, info: Option<ConnectionInfo>, stats: Stats) -> Self {
        Self { inner, info, stats }
    }
}

/// # Readiness
/// The inner service's readiness; the wrapper reserves nothing of its own.
impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for ConnService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<ReqBody>) -> Self::Future {
        if let Some(info) = self.info {
            req.extensions_mut().insert(info);
        }
        ResponseFuture {
            inner: self.inner.call(req),
            stats: self.stats.clone(),
        }
    }
}

pin_project! {
    /// The response future of [`ConnService`]: the inner one, counted in [`Stats`] when it
    /// yields a response.
    pub(crate) struct ResponseFuture<F> {
        #[pin]
        inner: F,
        stats: Stats,
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let output = std::task::ready!(this.inner.poll(cx));
        if output.is_ok() {
            this.stats.request_served();
        }
        Poll::Ready(output)
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use spire_service::{ServiceExt, service_fn};

    use super::*;

    #[tokio::test]
    async fn inserts_the_connection_info_and_counts_responses() {
        let info = ConnectionInfo::new(
            "10.1.2.3:4567".parse().unwrap(),
            "127.0.0.1:80".parse().unwrap(),
        );
        let stats = Stats::default();
        let inner = service_fn(|req: Request<()>| async move {
            let seen = req.extensions().get::<ConnectionInfo>().copied();
            Ok::<_, Infallible>(Response::new(seen))
        });
        let svc = ConnService::new(inner, Some(info), stats.clone());
        let response = svc.clone().oneshot(Request::new(())).await.unwrap();
        assert_eq!(*response.body(), Some(info));
        svc.oneshot(Request::new(())).await.unwrap();
        assert_eq!(stats.requests_served(), 2);
    }

    #[tokio::test]
    async fn without_connection_info_requests_have_no_extension() {
        let inner = service_fn(|req: Request<()>| async move {
            Ok::<_, Infallible>(Response::new(req.extensions().len()))
        });
        let stats = Stats::default();
        let response = ConnService::new(inner, None, stats.clone())
            .oneshot(Request::new(()))
            .await
            .unwrap();
        assert_eq!(*response.body(), 0);
        assert_eq!(stats.requests_served(), 1);
    }

    #[tokio::test]
    async fn a_failed_call_is_not_counted() {
        let info = ConnectionInfo::new(
            "10.1.2.3:4567".parse().unwrap(),
            "127.0.0.1:80".parse().unwrap(),
        );
        let stats = Stats::default();
        let inner = service_fn(|_req: Request<()>| async { Err::<Response<()>, _>("boom") });
        let svc = ConnService::new(inner, Some(info), stats.clone());
        assert!(svc.oneshot(Request::new(())).await.is_err());
        assert_eq!(stats.requests_served(), 0);
    }
}
