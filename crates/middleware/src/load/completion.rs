//! [`TrackCompletion`], [`CompleteOnResponse`] and [`TrackCompletionFuture`].

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

/// Decides when a request stops counting as in flight, given the measure's handle `H` and
/// the response `V`.
///
/// The handle counts the request for as long as it lives. [`CompleteOnResponse`] drops it
/// when the response arrives; an implementation may instead move it into its output (a
/// response body, say) so the request counts until that is dropped.
///
/// # Examples
///
/// ```
/// use spire_middleware::load::TrackCompletion;
///
/// /// Keeps the handle with the response, so the request counts until the caller drops both.
/// #[derive(Clone)]
/// struct UntilDropped;
///
/// impl<H, V> TrackCompletion<H, V> for UntilDropped {
///     type Output = (V, H);
///     fn track_completion(&self, handle: H, value: V) -> (V, H) {
///         (value, handle)
///     }
/// }
/// # let _ = UntilDropped.track_completion((), 1);
/// ```
pub trait TrackCompletion<H, V>: Clone {
    /// What the response becomes.
    type Output;

    /// Takes the `handle` of a request whose response `value` has arrived.
    fn track_completion(&self, handle: H, value: V) -> Self::Output;
}

/// The default [`TrackCompletion`]: a request is done when its response arrives.
///
/// # Examples
///
/// ```
/// use spire_middleware::load::{CompleteOnResponse, TrackCompletion};
///
/// let complete = CompleteOnResponse::default();
/// assert_eq!(complete.track_completion("handle", 7), 7);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct CompleteOnResponse {
    _private: (),
}

impl<H, V> TrackCompletion<H, V> for CompleteOnResponse {
    type Output = V;

    fn track_completion(&self, handle: H, value: V) -> V {
        drop(handle);
        value
    }
}

pin_project! {
    /// The response future of the load measures: the inner future, and the handle that
    /// counts the request until the [`TrackCompletion`] hook takes it.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::load::{CompleteOnResponse, TrackCompletionFuture};
    /// use spire_middleware::load::pending_requests::PendingRequests;
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) });
    /// let mut svc = PendingRequests::new(inner, CompleteOnResponse::default());
    /// let future: TrackCompletionFuture<_, _, _> = svc.ready().await.unwrap().call(4);
    /// assert_eq!(future.await.unwrap(), 4);
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The inner future's error, unchanged; the handle is dropped then.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future and the handle: the request stops counting.
    #[derive(Debug)]
    pub struct TrackCompletionFuture<F, C, H> {
        #[pin]
        future: F,
        handle: Option<H>,
        completion: C,
    }
}

impl<F, C, H> TrackCompletionFuture<F, C, H> {
    pub(crate) const fn new(completion: C, handle: H, future: F) -> Self {
        Self {
            future,
            handle: Some(handle),
            completion,
        }
    }
}

impl<F, C, H, T, E> Future for TrackCompletionFuture<F, C, H>
where
    F: Future<Output = Result<T, E>>,
    C: TrackCompletion<H, T>,
{
    type Output = Result<C::Output, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = ready!(this.future.poll(cx));
        let handle = this
            .handle
            .take()
            .expect("TrackCompletionFuture polled after it completed");
        Poll::Ready(response.map(|value| this.completion.track_completion(handle, value)))
    }
}
