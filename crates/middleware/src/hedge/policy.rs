//! [`Policy`].

/// Says which requests may be hedged (sent twice) and clones them.
///
/// # Examples
///
/// ```
/// use spire_middleware::hedge::Policy;
///
/// /// Hedge GETs only: sending a POST twice could do its work twice.
/// #[derive(Clone)]
/// struct IdempotentOnly;
///
/// impl Policy<(&'static str, String)> for IdempotentOnly {
///     fn clone_request(&self, req: &(&'static str, String)) -> Option<(&'static str, String)> {
///         (req.0 == "GET").then(|| req.clone())
///     }
///     fn can_retry(&self, _req: &(&'static str, String)) -> bool {
///         true
///     }
/// }
///
/// assert!(IdempotentOnly.clone_request(&("GET", "/".to_owned())).is_some());
/// assert!(IdempotentOnly.clone_request(&("POST", "/".to_owned())).is_none());
/// ```
pub trait Policy<Request> {
    /// Clones the request at `call` time for a possible hedge; `None` means it is never
    /// hedged.
    fn clone_request(&self, req: &Request) -> Option<Request>;

    /// Asked with the clone when the hedge delay has passed: `false` cancels the hedge
    /// (for instance, because a retry budget is spent).
    fn can_retry(&self, req: &Request) -> bool;
}
