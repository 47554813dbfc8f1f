//! [`Picker`].

/// Chooses which service of a [`Steer`](super::Steer) takes a request.
///
/// Implemented for every `Fn(&Req, &[S]) -> usize`.
///
/// # Examples
///
/// ```
/// use spire_middleware::steer::Picker;
///
/// /// Spreads requests by a hash of their key.
/// struct ByKey;
///
/// impl<S> Picker<S, u64> for ByKey {
///     fn pick(&mut self, request: &u64, services: &[S]) -> usize {
///         usize::try_from(*request % services.len() as u64).unwrap()
///     }
/// }
///
/// assert_eq!(ByKey.pick(&7, &["a", "b", "c"]), 1);
/// ```
pub trait Picker<S, Req> {
    /// Returns the index in `services` of the service that takes `request`.
    ///
    /// It must be less than `services.len()`; [`Steer`](super::Steer) panics otherwise.
    fn pick(&mut self, request: &Req, services: &[S]) -> usize;
}

impl<S, F, Req> Picker<S, Req> for F
where
    F: Fn(&Req, &[S]) -> usize,
{
    fn pick(&mut self, request: &Req, services: &[S]) -> usize {
        self(request, services)
    }
}
