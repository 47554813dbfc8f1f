//! [`DecompressionLayer`] and [`RequestDecompressionLayer`].

use spire_service::Layer;

use super::limits::Limits;
use super::{Decompression, RequestDecompression};
use crate::http::compression::coding::Enabled;

/// A [`Layer`] that wraps services in [`Decompression`] (client side: decode responses),
/// all with the same settings.
///
/// The defaults: gzip and deflate on; at most 64 MiB decoded per body
/// ([`max_size`](Self::max_size)); at most 100 decoded bytes per compressed byte once
/// 1 MiB has been decoded ([`max_ratio`](Self::max_ratio)).
///
/// # Examples
///
/// ```
/// use spire_middleware::http::decompression::DecompressionLayer;
///
/// let _layer = DecompressionLayer::new().deflate(false).max_size(8 * 1024 * 1024);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct DecompressionLayer {
    enabled: Enabled,
    limits: Limits,
}

/// A [`Layer`] that wraps services in [`RequestDecompression`] (server side: decode
/// requests, 415 for unknown codings), all with the same settings.
///
/// The defaults are those of [`DecompressionLayer`]: gzip and deflate; 64 MiB; ratio 100.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::decompression::RequestDecompressionLayer;
///
/// let _layer = RequestDecompressionLayer::new().max_size(1024 * 1024).max_ratio(20);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestDecompressionLayer {
    enabled: Enabled,
    limits: Limits,
}

impl DecompressionLayer {
    /// Creates a layer with the defaults.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::decompression::DecompressionLayer::new();
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Turns gzip on or off (on by default): whether it is asked for in
    /// `Accept-Encoding` and decoded.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::decompression::DecompressionLayer::new().gzip(false);
    /// ```
    #[must_use]
    pub const fn gzip(mut self, on: bool) -> Self {
        self.enabled.gzip = on;
        self
    }

    /// Turns deflate on or off (on by default).
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::decompression::DecompressionLayer::new().deflate(false);
    /// ```
    #[must_use]
    pub const fn deflate(mut self, on: bool) -> Self {
        self.enabled.deflate = on;
        self
    }

    /// Sets the most bytes a body may decode to (64 MiB by default); past it the body
    /// ends with a [`DecompressionLimitError`](super::DecompressionLimitError).
    /// `u64::MAX` turns the limit off.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::decompression::DecompressionLayer::new().max_size(1 << 20);
    /// ```
    #[must_use]
    pub const fn max_size(mut self, bytes: u64) -> Self {
        self.limits.max_size = bytes;
        self
    }

    /// Sets the most decoded bytes per compressed byte read so far (100 by default),
    /// checked once 1 MiB has been decoded; past it the body ends with a
    /// [`DecompressionLimitError`](super::DecompressionLimitError). `u64::MAX` turns the
    /// limit off.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::decompression::DecompressionLayer::new().max_ratio(50);
    /// ```
    #[must_use]
    pub const fn max_ratio(mut self, ratio: u64) -> Self {
        self.limits.max_ratio = ratio;
        self
    }
}

impl RequestDecompressionLayer {
    /// Creates a layer with the defaults.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::decompression::RequestDecompressionLayer::new();
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Turns gzip on or off (on by default): whether it is decoded and listed in the
    /// 415's `Accept-Encoding`.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::decompression::RequestDecompressionLayer::new().gzip(false);
    /// ```
    #[must_use]
    pub const fn gzip(mut self, on: bool) -> Self {
        self.enabled.gzip = on;
        self
    }

    /// Turns deflate on or off (on by default).
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::decompression::RequestDecompressionLayer::new().deflate(false);
    /// ```
    #[must_use]
    pub const fn deflate(mut self, on: bool) -> Self {
        self.enabled.deflate = on;
        self
    }

    /// Sets the most bytes a request body may decode to (64 MiB by default). `u64::MAX`
    /// turns the limit off.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::decompression::RequestDecompressionLayer::new().max_size(1 << 20);
    /// ```
    #[must_use]
    pub const fn max_size(mut self, bytes: u64) -> Self {
        self.limits.max_size = bytes;
        self
    }

    /// Sets the most decoded bytes per compressed byte read so far (100 by default),
    /// checked once 1 MiB has been decoded. `u64::MAX` turns the limit off.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::decompression::RequestDecompressionLayer::new().max_ratio(50);
    /// ```
    #[must_use]
    pub const fn max_ratio(mut self, ratio: u64) -> Self {
        self.limits.max_ratio = ratio;
        self
    }
}

impl<S> Layer<S> for DecompressionLayer {
    type Service = Decompression<S>;

    fn layer(&self, inner: S) -> Decompression<S> {
        Decompression::with_settings(inner, self.enabled, self.limits)
    }
}

impl<S> Layer<S> for RequestDecompressionLayer {
    type Service = RequestDecompression<S>;

    fn layer(&self, inner: S) -> RequestDecompression<S> {
        RequestDecompression::with_settings(inner, self.enabled, self.limits)
    }
}
