//! [`TraceLayer`].

use spire_service::Layer;

use super::{DefaultHooks, ServerErrorsAsFailures, Trace};

/// A [`Layer`] that wraps services in [`Trace`], all with clones of the same hooks and
/// classifier.
///
/// [`TraceLayer::for_http()`](TraceLayer::for_http) (also its `Default`) is the
/// server-side setup: [`DefaultHooks`] and [`ServerErrorsAsFailures`].
///
/// # Examples
///
/// ```
/// use spire_middleware::http::trace::{DefaultHooks, StatusInRangeAsFailures, TraceLayer};
///
/// let _server = TraceLayer::for_http();
/// let _client = TraceLayer::new(DefaultHooks::new(), StatusInRangeAsFailures::for_client());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TraceLayer<H = DefaultHooks, C = ServerErrorsAsFailures> {
    hooks: H,
    classifier: C,
}

impl TraceLayer {
    /// Creates the server-side layer: [`DefaultHooks::new()`](DefaultHooks::new) and
    /// [`ServerErrorsAsFailures`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::trace::{DefaultHooks, TraceLayer};
    ///
    /// assert_eq!(*TraceLayer::for_http().hooks(), DefaultHooks::new());
    /// ```
    #[must_use]
    pub const fn for_http() -> Self {
        Self::new(DefaultHooks::new(), ServerErrorsAsFailures::new())
    }
}

impl Default for TraceLayer {
    fn default() -> Self {
        Self::for_http()
    }
}

impl<H, C> TraceLayer<H, C> {
    /// Creates a layer whose services trace with `hooks` and count failures with
    /// `classifier`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::trace::{DefaultHooks, ServerErrorsAsFailures, TraceLayer};
    ///
    /// let _layer = TraceLayer::new(DefaultHooks::new().include_headers(true), ServerErrorsAsFailures::new());
    /// ```
    pub const fn new(hooks: H, classifier: C) -> Self {
        Self { hooks, classifier }
    }

    /// The hooks each service gets a clone of.
    pub const fn hooks(&self) -> &H {
        &self.hooks
    }

    /// The classifier each service gets a clone of.
    pub const fn classifier(&self) -> &C {
        &self.classifier
    }
}

impl<S, H: Clone, C: Clone> Layer<S> for TraceLayer<H, C> {
    type Service = Trace<S, H, C>;

    fn layer(&self, inner: S) -> Trace<S, H, C> {
        Trace::new(inner, self.hooks.clone(), self.classifier.clone())
    }
}
