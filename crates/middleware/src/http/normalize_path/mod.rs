//! Normalize the trailing slash of request paths: [`NormalizePath`].
//!
//! Two modes, as tower-http's `NormalizePath`:
//!
//! ```text
//!   trim_trailing_slash    /foo/ → /foo     //foo// → /foo     / → /
//!   append_trailing_slash  /foo  → /foo/    //foo// → /foo/    / → /
//! ```
//!
//! Leading slashes collapse to one in both modes (a path starting with `//` would
//! otherwise read as a network-path reference). The query is kept. Paths that do not
//! start with `/` (`OPTIONS *`, `CONNECT host:port`) are left alone, and a path that is
//! already normal is not rebuilt, so the common case allocates nothing. Put this layer
//! outside the router, so routing sees the normal path.
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing.
//! **Errors:** none added; the inner error passes through unchanged.
//!
//! # Examples
//!
//! ```
//! use http::Request;
//! use spire_middleware::http::normalize_path::NormalizePathLayer;
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(NormalizePathLayer::trim_trailing_slash())
//!     .service_fn(|request: Request<()>| async move {
//!         Ok::<_, std::convert::Infallible>(request.uri().to_string())
//!     });
//! let request = Request::builder().uri("/users/?page=2").body(()).unwrap();
//! assert_eq!(svc.oneshot(request).await.unwrap(), "/users?page=2");
//! # }
//! ```

mod layer;
mod service;

pub use self::layer::NormalizePathLayer;
pub use self::service::NormalizePath;

use http::Uri;
use http::uri::PathAndQuery;

/// Which way a trailing slash goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Trim,
    Append,
}

impl Mode {
    /// Rewrites `uri`'s path to the normal form, if it is not already.
    fn normalize(self, uri: &mut Uri) {
        let path = uri.path();
        if !path.starts_with('/') {
            return;
        }
        let trimmed = path.trim_matches('/');
        // `trimmed` lies inside `path`, so counting the slashes around it is enough.
        let is_normal = if trimmed.is_empty() {
            path == "/"
        } else {
            match self {
                // One leading slash (path starts with one), none trailing.
                Self::Trim => path.len() == trimmed.len() + 1,
                // One leading slash and one trailing.
                Self::Append => path.len() == trimmed.len() + 2 && path.ends_with('/'),
            }
        };
        if is_normal {
            return;
        }

        let query = uri.query();
        let mut normal = String::with_capacity(trimmed.len() + 3 + query.map_or(0, str::len));
        normal.push('/');
        normal.push_str(trimmed);
        if self == Self::Append && !trimmed.is_empty() {
            normal.push('/');
        }
        if let Some(query) = query {
            normal.push('?');
            normal.push_str(query);
        }
        // The new path is made of the old one's characters, so it parses; if it somehow
        // did not, the request keeps its original target.
        let Ok(path_and_query) = PathAndQuery::try_from(normal) else {
            return;
        };
        let mut parts = std::mem::take(uri).into_parts();
        parts.path_and_query = Some(path_and_query);
        if let Ok(normal_uri) = Uri::from_parts(parts) {
            *uri = normal_uri;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Mode;

    fn normalize(mode: Mode, target: &str) -> String {
        let mut uri: http::Uri = target.parse().unwrap();
        mode.normalize(&mut uri);
        uri.to_string()
    }

    #[test]
    fn mode_normal_paths_are_left_alone() {
        assert_eq!(normalize(Mode::Trim, "/"), "/");
        assert_eq!(normalize(Mode::Trim, "/a/b"), "/a/b");
        assert_eq!(normalize(Mode::Append, "/a/b/"), "/a/b/");
        assert_eq!(normalize(Mode::Append, "*"), "*");
    }
}
