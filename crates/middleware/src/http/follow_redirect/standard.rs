//! The ready-made policies: [`Limited`], [`SameOrigin`], [`FilterCredentials`], and
//! [`Standard`], the default.

use http::{Request, header};

use super::{Action, And, Attempt, Policy};

/// The default policy: at most 20 hops, and credentials dropped when the origin changes.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::follow_redirect::{FilterCredentials, Limited, Policy, Standard};
///
/// let _policy: Standard = Standard::default();
/// let _same: Standard = Limited::default().and(FilterCredentials::new());
/// ```
pub type Standard = And<Limited, FilterCredentials>;

/// Follows at most a number of redirects per request (20 by default, as browsers and
/// curl allow about that many), then returns the last redirect response.
///
/// # Examples
///
/// ```
/// use http::{Method, StatusCode, Uri};
/// use spire_middleware::http::follow_redirect::{Action, Attempt, Limited, Policy};
///
/// let uri: Uri = "http://example.com/".parse().unwrap();
/// let attempt = Attempt::new(StatusCode::FOUND, &Method::GET, &uri, &uri);
/// let mut policy = Limited::new(1);
/// assert_eq!(policy.redirect(&attempt), Action::Follow);
/// assert_eq!(policy.redirect(&attempt), Action::Stop);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Limited {
    remaining: usize,
}

impl Limited {
    /// Follows at most `max` redirects; 0 follows none.
    ///
    /// # Examples
    ///
    /// See [`Limited`].
    #[must_use]
    pub const fn new(max: usize) -> Self {
        Self { remaining: max }
    }
}

impl Default for Limited {
    /// 20 redirects.
    fn default() -> Self {
        Self::new(20)
    }
}

impl Policy for Limited {
    fn redirect(&mut self, _attempt: &Attempt<'_>) -> Action {
        if self.remaining == 0 {
            return Action::Stop;
        }
        self.remaining -= 1;
        Action::Follow
    }
}

/// Follows only redirects to the same origin (scheme, host and port) as the request that
/// got them.
///
/// # Examples
///
/// ```
/// use http::{Method, StatusCode, Uri};
/// use spire_middleware::http::follow_redirect::{Action, Attempt, Policy, SameOrigin};
///
/// let from: Uri = "https://example.com/a".parse().unwrap();
/// let here: Uri = "https://example.com/b".parse().unwrap();
/// let there: Uri = "https://example.org/b".parse().unwrap();
/// let mut policy = SameOrigin::new();
/// assert_eq!(policy.redirect(&Attempt::new(StatusCode::FOUND, &Method::GET, &from, &here)), Action::Follow);
/// assert_eq!(policy.redirect(&Attempt::new(StatusCode::FOUND, &Method::GET, &from, &there)), Action::Stop);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SameOrigin {
    _private: (),
}

impl SameOrigin {
    /// The same-origin policy.
    ///
    /// # Examples
    ///
    /// See [`SameOrigin`].
    #[must_use]
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl Policy for SameOrigin {
    fn redirect(&mut self, attempt: &Attempt<'_>) -> Action {
        if attempt.is_same_origin() {
            Action::Follow
        } else {
            Action::Stop
        }
    }
}

/// Follows every redirect, but drops credentials the next origin must not see.
///
/// When the origin (scheme, host, port) changes, the next request loses its
/// `Authorization`, `Proxy-Authorization` and `Cookie` headers; when the redirect goes
/// from https to http, it also loses `Referer`, as browsers do (RFC 9110 §10.1.3). Headers
/// dropped once stay dropped for the hops after, even back to the first origin.
///
/// # Examples
///
/// ```
/// use http::{Method, Request, StatusCode, Uri, header};
/// use spire_middleware::http::follow_redirect::{Action, Attempt, FilterCredentials, Policy};
///
/// let from: Uri = "https://example.com/".parse().unwrap();
/// let to: Uri = "https://cdn.example.net/".parse().unwrap();
/// let mut policy = FilterCredentials::new();
/// let attempt = Attempt::new(StatusCode::FOUND, &Method::GET, &from, &to);
/// assert_eq!(policy.redirect(&attempt), Action::Follow);
///
/// let mut next = Request::builder().header(header::AUTHORIZATION, "Bearer secret").body(()).unwrap();
/// policy.on_request(&mut next);
/// assert!(next.headers().get(header::AUTHORIZATION).is_none());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct FilterCredentials {
    /// The last redirect changed the origin.
    cross_origin: bool,
    /// The last redirect went from https to http.
    downgrade: bool,
}

impl FilterCredentials {
    /// The policy; it keeps what it learns from each redirect for the next request.
    ///
    /// # Examples
    ///
    /// See [`FilterCredentials`].
    #[must_use]
    pub const fn new() -> Self {
        Self {
            cross_origin: false,
            downgrade: false,
        }
    }
}

impl Policy for FilterCredentials {
    fn redirect(&mut self, attempt: &Attempt<'_>) -> Action {
        self.cross_origin = !attempt.is_same_origin();
        let scheme = |uri: &http::Uri| uri.scheme_str().map(str::to_ascii_lowercase);
        self.downgrade = scheme(attempt.previous()).as_deref() == Some("https")
            && scheme(attempt.location()).as_deref() == Some("http");
        Action::Follow
    }

    fn on_request<B>(&mut self, request: &mut Request<B>) {
        let headers = request.headers_mut();
        if self.cross_origin {
            headers.remove(header::AUTHORIZATION);
            headers.remove(header::PROXY_AUTHORIZATION);
            headers.remove(header::COOKIE);
        }
        if self.downgrade {
            headers.remove(header::REFERER);
        }
    }
}
