//! [`Reconnect`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use spire_service::{BoxError, Service};

use super::ResponseFuture;

/// A service that makes its inner service with a maker, and makes a new one whenever the
/// current one fails.
///
/// Errors are boxed: the maker's errors (a failed `poll_ready` of the maker ends the
/// `Reconnect`; a failed make fails the next call) and the inner service's call errors.
///
/// # Examples
///
/// ```
/// use spire_middleware::reconnect::Reconnect;
/// use spire_service::{Service, ServiceExt};
/// use spire_test::mock::{self, Mock};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // the maker turns a port into a connection
/// let (maker, mut makes) = mock::pair::<u16, Mock<u8, u8>>();
/// let mut svc = Reconnect::new(maker, 5432);
///
/// let ready = tokio::spawn(async move {
///     svc.ready().await.unwrap();
///     svc
/// });
/// let (target, send) = makes.next_request().await.unwrap();
/// assert_eq!(target, 5432);
/// let (connection, mut connection_handle) = mock::pair::<u8, u8>();
/// send.send_response(connection);
///
/// let mut svc = ready.await.unwrap();
/// let response = svc.call(1);
/// connection_handle.next_request().await.unwrap().1.send_response(2);
/// assert_eq!(response.await.unwrap(), 2);
/// # }
/// ```
pub struct Reconnect<M, Target>
where
    M: Service<Target>,
{
    make: M,
    target: Target,
    state: State<M::Future, M::Response>,
    /// A failed make, for the next call to report.
    error: Option<BoxError>,
}

enum State<F, S> {
    Idle,
    Connecting(Pin<Box<F>>),
    Connected(S),
}

impl<M, Target> Reconnect<M, Target>
where
    M: Service<Target>,
{
    /// Creates a `Reconnect` that makes its service from `target` with `make` on first
    /// use.
    ///
    /// # Examples
    ///
    /// See [`Reconnect`].
    pub const fn new(make: M, target: Target) -> Self {
        Self {
            make,
            target,
            state: State::Idle,
            error: None,
        }
    }

    /// Creates a `Reconnect` that starts with `service`, already made, and uses `make`
    /// when it fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::reconnect::Reconnect;
    /// use spire_service::{BoxError, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let connect = |port: u16| service_fn(move |()| async move { Ok::<_, BoxError>(port) });
    /// let make = service_fn(move |port: u16| async move { Ok::<_, BoxError>(connect(port)) });
    /// let svc = Reconnect::with_connection(connect(8080), make, 8080);
    /// assert_eq!(svc.oneshot(()).await.unwrap(), 8080);
    /// # }
    /// ```
    pub const fn with_connection(service: M::Response, make: M, target: Target) -> Self {
        Self {
            make,
            target,
            state: State::Connected(service),
            error: None,
        }
    }

    /// The target services are made for.
    pub const fn target(&self) -> &Target {
        &self.target
    }

    /// Whether a made service is held right now.
    #[must_use]
    pub const fn is_connected(&self) -> bool {
        matches!(self.state, State::Connected(_))
    }
}

/// # Readiness
/// Reserves what the made service's readiness reserves. Without a service, it first
/// waits for the maker's readiness and makes one for the target (`Pending` while that
/// runs). When the service's `poll_ready` fails, the service is dropped and a new one
/// made. When making fails, `poll_ready` returns `Ready(Ok)` so that the next call
/// reports the error; the following `poll_ready` makes again. Fails only if the maker's
/// own `poll_ready` fails.
///
/// # Panics
///
/// `call` panics if `poll_ready` has not returned `Ready(Ok(()))` first.
impl<M, Target, S, Request> Service<Request> for Reconnect<M, Target>
where
    M: Service<Target, Response = S>,
    M::Error: Into<BoxError>,
    S: Service<Request>,
    S::Error: Into<BoxError>,
    Target: Clone,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        if self.error.is_some() {
            return Poll::Ready(Ok(()));
        }
        loop {
            match &mut self.state {
                State::Idle => {
                    ready!(self.make.poll_ready(cx)).map_err(Into::into)?;
                    let making = self.make.call(self.target.clone());
                    self.state = State::Connecting(Box::pin(making));
                }
                State::Connecting(making) => match ready!(making.as_mut().poll(cx)) {
                    Ok(service) => self.state = State::Connected(service),
                    Err(error) => {
                        let error: BoxError = error.into();
                        tracing::debug!(%error, "reconnect: making the service failed");
                        self.state = State::Idle;
                        self.error = Some(error);
                        return Poll::Ready(Ok(()));
                    }
                },
                State::Connected(service) => match service.poll_ready(cx) {
                    Poll::Ready(Ok(())) => return Poll::Ready(Ok(())),
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Err(error)) => {
                        let error: BoxError = error.into();
                        tracing::debug!(%error, "reconnect: service failed, making a new one");
                        self.state = State::Idle;
                    }
                },
            }
        }
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if let Some(error) = self.error.take() {
            return ResponseFuture::failed(error);
        }
        match &mut self.state {
            State::Connected(service) => ResponseFuture::new(service.call(request)),
            _ => panic!("Reconnect called without poll_ready returning Ready(Ok(())) first"),
        }
    }
}

impl<M, Target> fmt::Debug for Reconnect<M, Target>
where
    M: Service<Target> + fmt::Debug,
    Target: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Idle => "idle",
            State::Connecting(_) => "connecting",
            State::Connected(_) => "connected",
        };
        f.debug_struct("Reconnect")
            .field("make", &self.make)
            .field("target", &self.target)
            .field("state", &state)
            .field("error", &self.error)
            .finish()
    }
}
