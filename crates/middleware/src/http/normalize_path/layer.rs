//! [`NormalizePathLayer`].

use spire_service::Layer;

use super::{Mode, NormalizePath};

/// A [`Layer`] that wraps services in [`NormalizePath`].
///
/// # Examples
///
/// ```
/// use spire_middleware::http::normalize_path::NormalizePathLayer;
///
/// let _layer = NormalizePathLayer::trim_trailing_slash();
/// ```
#[derive(Clone, Copy, Debug)]
pub struct NormalizePathLayer {
    mode: Mode,
}

impl NormalizePathLayer {
    /// Creates a layer whose services remove trailing slashes: `/foo/` becomes `/foo`.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::normalize_path::NormalizePathLayer::trim_trailing_slash();
    /// ```
    #[must_use]
    pub const fn trim_trailing_slash() -> Self {
        Self { mode: Mode::Trim }
    }

    /// Creates a layer whose services add a trailing slash: `/foo` becomes `/foo/`.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::normalize_path::NormalizePathLayer::append_trailing_slash();
    /// ```
    #[must_use]
    pub const fn append_trailing_slash() -> Self {
        Self { mode: Mode::Append }
    }
}

impl<S> Layer<S> for NormalizePathLayer {
    type Service = NormalizePath<S>;

    fn layer(&self, inner: S) -> NormalizePath<S> {
        NormalizePath::with_mode(inner, self.mode)
    }
}
