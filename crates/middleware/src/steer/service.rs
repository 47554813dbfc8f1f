//! [`Steer`].

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::task::{Context, Poll};

use spire_service::Service;

use super::Picker;

/// A service that routes each request to one of several services, chosen by a [`Picker`].
///
/// All services have the same request, response and error types (box them, for
/// instance as `BoxService`, to mix different ones). Errors and responses pass through
/// unchanged, and the response future is the chosen service's.
///
/// # Examples
///
/// ```
/// use spire_middleware::steer::Steer;
/// use spire_service::{Service, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (even, mut even_handle) = spire_test::mock::pair::<u32, &str>();
/// let (odd, _odd_handle) = spire_test::mock::pair::<u32, &str>();
/// let mut svc = Steer::new(vec![even, odd], |x: &u32, _: &[_]| (*x % 2) as usize);
///
/// let response = svc.ready().await.unwrap().call(4);
/// let (request, send) = even_handle.next_request().await.unwrap();
/// assert_eq!(request, 4);
/// send.send_response("even");
/// assert_eq!(response.await.unwrap(), "even");
/// # }
/// ```
pub struct Steer<S, P, Req> {
    services: Vec<S>,
    picker: P,
    /// Indices of the services not known to be ready, in the order to poll them.
    not_ready: VecDeque<usize>,
    _request: PhantomData<fn(Req)>,
}

impl<S, P, Req> Steer<S, P, Req> {
    /// Routes requests to `services` with `picker`.
    ///
    /// # Examples
    ///
    /// See [`Steer`].
    ///
    /// # Panics
    ///
    /// Panics if `services` is empty: no request could be routed.
    pub fn new(services: impl IntoIterator<Item = S>, picker: P) -> Self {
        let services: Vec<S> = services.into_iter().collect();
        assert!(!services.is_empty(), "Steer needs at least one service");
        let not_ready = (0..services.len()).collect();
        Self {
            services,
            picker,
            not_ready,
            _request: PhantomData,
        }
    }

    /// The services, in the order the picker indexes them.
    #[must_use]
    pub fn services(&self) -> &[S] {
        &self.services
    }

    /// Consumes `self`, returning the services.
    pub fn into_inner(self) -> Vec<S> {
        self.services
    }
}

impl<S: Clone, P: Clone, Req> Clone for Steer<S, P, Req> {
    /// A clone clones every service; none of them is ready in the clone.
    fn clone(&self) -> Self {
        Self::new(self.services.clone(), self.picker.clone())
    }
}

/// # Readiness
/// Ready when every service is ready: each one's readiness is reserved (services that are
/// ready stay reserved while the others are polled). `call` consumes the reservation of
/// the chosen service only; the others keep theirs for later calls. Fails with the first
/// error a service's `poll_ready` returns.
///
/// # Panics
///
/// `call` panics if the picker returns an index out of range.
impl<S, P, Req> Service<Req> for Steer<S, P, Req>
where
    S: Service<Req>,
    P: Picker<S, Req>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        while let Some(&index) = self.not_ready.front() {
            match self.services[index].poll_ready(cx) {
                Poll::Ready(Ok(())) => {
                    self.not_ready.pop_front();
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Req) -> S::Future {
        assert!(
            self.not_ready.is_empty(),
            "Steer called without poll_ready returning Ready(Ok(())) first"
        );
        let index = self.picker.pick(&request, &self.services);
        assert!(
            index < self.services.len(),
            "Steer's picker chose service {index} of {}",
            self.services.len()
        );
        self.not_ready.push_back(index);
        self.services[index].call(request)
    }
}

impl<S: fmt::Debug, P, Req> fmt::Debug for Steer<S, P, Req> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Steer")
            .field("services", &self.services)
            .field("not_ready", &self.not_ready)
            .field("picker", &format_args!("{}", std::any::type_name::<P>()))
            .finish()
    }
}
