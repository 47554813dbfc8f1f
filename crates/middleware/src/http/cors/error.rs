//! [`WildcardWithCredentials`]: a CORS configuration browsers would reject.

use std::fmt;

/// A [`CorsLayer`](super::CorsLayer) allows credentials together with a `*` wildcard.
///
/// The Fetch standard makes browsers refuse `Access-Control-Allow-Origin: *` on a
/// credentialed request, and read `*` in the method, header and expose lists literally
/// then, so the combination never works as meant. Use
/// [`AllowOrigin::mirror_request`](super::AllowOrigin::mirror_request) or explicit lists
/// instead. The wording of its `Display` is not part of the API.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::cors::{Any, CorsLayer};
///
/// let err = CorsLayer::new().allow_origin(Any).allow_credentials(true).check().unwrap_err();
/// assert_eq!(err.setting(), "allow_origin");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WildcardWithCredentials {
    setting: &'static str,
}

impl WildcardWithCredentials {
    pub(super) const fn new(setting: &'static str) -> Self {
        Self { setting }
    }

    /// The setting that holds the wildcard: `"allow_origin"`, `"allow_methods"`,
    /// `"allow_headers"` or `"expose_headers"`.
    #[must_use]
    pub const fn setting(&self) -> &'static str {
        self.setting
    }
}

impl fmt::Display for WildcardWithCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cors: `{}` is a wildcard but credentials are allowed",
            self.setting
        )
    }
}

impl std::error::Error for WildcardWithCredentials {}
