//! [`CompressionLayer`].

use spire_service::Layer;

use super::service::Settings;
use super::{Compression, DefaultPredicate, Level, Predicate};

/// A [`Layer`] that wraps services in [`Compression`], all with the same settings.
///
/// The defaults: gzip and deflate on, [`Level::DEFAULT`], and the [`DefaultPredicate`]
/// (skip bodies under 32 bytes, event streams and images).
///
/// # Examples
///
/// ```
/// use spire_middleware::http::compression::{CompressionLayer, Level};
///
/// let _layer = CompressionLayer::new().deflate(false).level(Level::FASTEST).min_size(256);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct CompressionLayer<P = DefaultPredicate> {
    settings: Settings<P>,
}

impl CompressionLayer {
    /// Creates a layer with the defaults.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::compression::CompressionLayer::new();
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self {
            settings: Settings::default(),
        }
    }

    /// Sets the [`DefaultPredicate`]'s minimum size: bodies known to be shorter are sent
    /// as they are. The default is 32 bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::compression::CompressionLayer::new().min_size(1024);
    /// ```
    #[must_use]
    pub const fn min_size(mut self, min_size: u64) -> Self {
        self.settings.predicate = self.settings.predicate.min_size(min_size);
        self
    }
}

impl Default for CompressionLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl<P> CompressionLayer<P> {
    /// Turns gzip on or off (on by default).
    ///
    /// # Examples
    ///
    /// ```
    /// let _deflate_only = spire_middleware::http::compression::CompressionLayer::new().gzip(false);
    /// ```
    #[must_use]
    pub const fn gzip(mut self, on: bool) -> Self {
        self.settings.enabled.gzip = on;
        self
    }

    /// Turns deflate (zlib-wrapped, RFC 9110 §8.4.1.2) on or off (on by default).
    ///
    /// # Examples
    ///
    /// ```
    /// let _gzip_only = spire_middleware::http::compression::CompressionLayer::new().deflate(false);
    /// ```
    #[must_use]
    pub const fn deflate(mut self, on: bool) -> Self {
        self.settings.enabled.deflate = on;
        self
    }

    /// Sets the compression level ([`Level::DEFAULT`] unless set).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::compression::{CompressionLayer, Level};
    ///
    /// let _layer = CompressionLayer::new().level(Level::BEST);
    /// ```
    #[must_use]
    pub const fn level(mut self, level: Level) -> Self {
        self.settings.level = level;
        self
    }

    /// Replaces the [`Predicate`] that decides which responses to compress. The fixed
    /// rules (no `Content-Encoding`, not `HEAD`, not `1xx`/`204`/`304`, not partial)
    /// still apply first.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::compression::{CompressionLayer, DefaultPredicate};
    ///
    /// let _layer = CompressionLayer::new().predicate(DefaultPredicate::new().min_size(1400));
    /// ```
    #[must_use]
    pub fn predicate<Q: Predicate>(self, predicate: Q) -> CompressionLayer<Q> {
        CompressionLayer {
            settings: Settings {
                enabled: self.settings.enabled,
                level: self.settings.level,
                predicate,
            },
        }
    }
}

impl<S, P: Clone> Layer<S> for CompressionLayer<P> {
    type Service = Compression<S, P>;

    fn layer(&self, inner: S) -> Compression<S, P> {
        Compression::with_settings(inner, self.settings.clone())
    }
}
