//! [`Retry`].

use std::task::{Context, Poll};

use spire_service::Service;

use super::{Policy, ResponseFuture};

/// A service that tries failed calls again, as its [`Policy`] decides.
///
/// Each call clones the policy and the inner service into its response future, which
/// makes the attempts: the first with the service that `poll_ready` reserved, the later
/// ones with the clone, after waiting for its readiness. Errors and responses are the
/// inner service's, unchanged: the caller sees the result of the last attempt.
///
/// # Examples
///
/// ```
/// use std::future::{Ready, ready};
///
/// use spire_middleware::retry::{Policy, Retry};
/// use spire_service::{Service, ServiceExt};
///
/// /// Retries errors, at once, up to `left` times.
/// #[derive(Clone)]
/// struct Attempts { left: u32 }
///
/// impl<E> Policy<u8, u8, E> for Attempts {
///     type Future = Ready<()>;
///     fn retry(&mut self, _: &mut u8, result: &mut Result<u8, E>) -> Option<Ready<()>> {
///         if result.is_err() && self.left > 0 {
///             self.left -= 1;
///             Some(ready(()))
///         } else {
///             None
///         }
///     }
///     fn clone_request(&mut self, req: &u8) -> Option<u8> {
///         Some(*req)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<u8, u8>();
/// let mut svc = Retry::new(Attempts { left: 1 }, mock);
/// let response = tokio::spawn(svc.ready().await.unwrap().call(7));
/// handle.next_request().await.unwrap().1.send_error("flaky");
/// let (again, send) = handle.next_request().await.unwrap(); // the retry
/// assert_eq!(again, 7);
/// send.send_response(70);
/// assert_eq!(response.await.unwrap().unwrap(), 70);
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Retry<P, S> {
    policy: P,
    service: S,
}

impl<P, S> Retry<P, S> {
    /// Wraps `service` so that its calls are retried as `policy` decides.
    ///
    /// # Examples
    ///
    /// See [`Retry`].
    pub const fn new(policy: P, service: S) -> Self {
        Self { policy, service }
    }

    /// The policy, as each call's future starts with it.
    pub const fn policy(&self) -> &P {
        &self.policy
    }

    /// Returns a reference to the inner service.
    pub const fn get_ref(&self) -> &S {
        &self.service
    }

    /// Returns a mutable reference to the inner service.
    pub const fn get_mut(&mut self) -> &mut S {
        &mut self.service
    }

    /// Consumes `self`, returning the inner service.
    pub fn into_inner(self) -> S {
        self.service
    }

    pub(super) fn parts_mut(&mut self) -> (&mut P, &mut S) {
        (&mut self.policy, &mut self.service)
    }
}

/// # Readiness
/// Ready exactly when the inner service is, reserving what it reserves for the first
/// attempt. Retries wait for the readiness of a clone of the inner service, inside the
/// response future.
impl<P, S, Request> Service<Request> for Retry<P, S>
where
    P: Policy<Request, S::Response, S::Error> + Clone,
    S: Service<Request> + Clone,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = ResponseFuture<P, S, Request>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.service.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let retry_request = self.policy.clone_request(&request);
        let fresh = self.service.clone();
        let response = self.service.call(request);
        ResponseFuture::new(
            retry_request,
            Self::new(self.policy.clone(), fresh),
            response,
        )
    }
}
