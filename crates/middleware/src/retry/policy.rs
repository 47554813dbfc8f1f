//! [`Policy`].

use std::future::Future;

/// Decides whether a call is tried again, and clones requests for the attempts.
///
/// A [`Retry`](super::Retry) clones its policy into each response future, so the policy
/// value is per request (count attempts in a field); share state between requests, such
/// as a [`Budget`](super::Budget), behind an `Arc`.
///
/// # Examples
///
/// A policy that retries errors once, at once:
///
/// ```
/// use std::future::{Ready, ready};
///
/// use spire_middleware::retry::Policy;
///
/// #[derive(Clone)]
/// struct Once(bool);
///
/// impl<Req: Clone, Res, E> Policy<Req, Res, E> for Once {
///     type Future = Ready<()>;
///
///     fn retry(&mut self, _req: &mut Req, result: &mut Result<Res, E>) -> Option<Ready<()>> {
///         if result.is_err() && !self.0 {
///             self.0 = true;
///             Some(ready(()))
///         } else {
///             None
///         }
///     }
///
///     fn clone_request(&mut self, req: &Req) -> Option<Req> {
///         Some(req.clone())
///     }
/// }
///
/// let mut once = Once(false);
/// let mut failed: Result<(), &str> = Err("boom");
/// assert!(Policy::<u8, (), &str>::retry(&mut once, &mut 1, &mut failed).is_some());
/// assert!(Policy::<u8, (), &str>::retry(&mut once, &mut 1, &mut failed).is_none());
/// ```
pub trait Policy<Req, Res, E> {
    /// What to wait for before the next attempt: a backoff's sleep, or a ready future to
    /// retry at once.
    type Future: Future<Output = ()>;

    /// Looks at the result of an attempt; returns `Some(wait)` to try again after `wait`,
    /// or `None` to hand `result` to the caller.
    ///
    /// It may change the request for the next attempt (`req`) or the result the caller
    /// gets (`result`), for instance to record the number of attempts.
    fn retry(&mut self, req: &mut Req, result: &mut Result<Res, E>) -> Option<Self::Future>;

    /// Clones the request before an attempt, so that it can be sent again; `None` means
    /// this request cannot be retried (a streaming body, for instance).
    fn clone_request(&mut self, req: &Req) -> Option<Req>;
}
