//! [`Predicate`] and [`AsyncPredicate`].

use std::future::Future;

use futures_util::TryFutureExt;
use futures_util::future::MapErr;
use spire_service::BoxError;

/// Checks a request synchronously: lets it through (possibly changed) or rejects it.
///
/// Implemented for every `FnMut(Req) -> Result<Req2, E>` with `E: Into<BoxError>`.
///
/// # Examples
///
/// ```
/// use spire_middleware::filter::Predicate;
/// use spire_service::BoxError;
///
/// struct MaxLen(usize);
///
/// impl Predicate<String> for MaxLen {
///     type Request = String;
///     fn check(&mut self, request: String) -> Result<String, BoxError> {
///         if request.len() <= self.0 { Ok(request) } else { Err("request too long".into()) }
///     }
/// }
///
/// let mut max = MaxLen(3);
/// assert!(max.check("abc".to_owned()).is_ok());
/// assert!(max.check("abcd".to_owned()).is_err());
/// ```
pub trait Predicate<Request> {
    /// The request that goes on to the inner service.
    type Request;

    /// Lets `request` through, or rejects it.
    ///
    /// # Errors
    ///
    /// The reason the request is rejected; the caller gets it instead of a response.
    fn check(&mut self, request: Request) -> Result<Self::Request, BoxError>;
}

impl<F, T, U, E> Predicate<T> for F
where
    F: FnMut(T) -> Result<U, E>,
    E: Into<BoxError>,
{
    type Request = U;

    fn check(&mut self, request: T) -> Result<U, BoxError> {
        self(request).map_err(Into::into)
    }
}

/// Checks a request asynchronously (against a database, an authorization service):
/// resolves to the request to let through, or to an error.
///
/// Implemented for every `FnMut(Req) -> Fut` where `Fut` resolves to
/// `Result<Req2, E>` with `E: Into<BoxError>`.
///
/// # Examples
///
/// ```
/// use spire_middleware::filter::AsyncPredicate;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut known_user = |id: u64| async move {
///     if id == 7 { Ok(id) } else { Err(format!("unknown user {id}")) }
/// };
/// assert_eq!(AsyncPredicate::check(&mut known_user, 7).await.unwrap(), 7);
/// assert!(AsyncPredicate::check(&mut known_user, 8).await.is_err());
/// # }
/// ```
pub trait AsyncPredicate<Request> {
    /// The request that goes on to the inner service.
    type Request;

    /// The future of the check.
    type Future: Future<Output = Result<Self::Request, BoxError>>;

    /// Starts checking `request`.
    fn check(&mut self, request: Request) -> Self::Future;
}

impl<F, T, U, E, Fut> AsyncPredicate<T> for F
where
    F: FnMut(T) -> Fut,
    Fut: Future<Output = Result<U, E>>,
    E: Into<BoxError>,
{
    type Request = U;
    type Future = MapErr<Fut, fn(E) -> BoxError>;

    fn check(&mut self, request: T) -> Self::Future {
        self(request).map_err(Into::into as fn(E) -> BoxError)
    }
}
