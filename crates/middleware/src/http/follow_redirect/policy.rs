//! [`Policy`], [`Action`], [`Attempt`] and the combinators [`And`] and [`Or`].

use http::{Method, Request, StatusCode, Uri};

/// Decides, for each redirect, whether [`FollowRedirect`](super::FollowRedirect) follows
/// it, and may edit the next request.
///
/// [`FollowRedirect`](super::FollowRedirect) clones its policy for each request, so a
/// policy can keep per-request state in its fields (a hop count, or what it saw in
/// [`redirect`](Self::redirect) for [`on_request`](Self::on_request) to act on).
///
/// For each redirect response with a usable `Location`, the service calls
/// [`redirect`](Self::redirect); on [`Action::Follow`] it builds the next request (method
/// and body as [the module docs](super) say) and hands it to
/// [`on_request`](Self::on_request) before sending it.
///
/// The ready-made policies are [`Limited`](super::Limited), [`SameOrigin`](super::SameOrigin)
/// and [`FilterCredentials`](super::FilterCredentials); combine them with
/// [`and`](Self::and) and [`or`](Self::or).
///
/// # Examples
///
/// A policy that never leaves `example.com`:
///
/// ```
/// use http::Uri;
/// use spire_middleware::http::follow_redirect::{Action, Attempt, Policy};
///
/// #[derive(Clone)]
/// struct StayHome;
///
/// impl Policy for StayHome {
///     fn redirect(&mut self, attempt: &Attempt<'_>) -> Action {
///         if attempt.location().host() == Some("example.com") {
///             Action::Follow
///         } else {
///             Action::Stop
///         }
///     }
/// }
///
/// let previous: Uri = "https://example.com/old".parse().unwrap();
/// let location: Uri = "https://evil.test/".parse().unwrap();
/// let attempt = Attempt::new(http::StatusCode::FOUND, &http::Method::GET, &previous, &location);
/// assert_eq!(StayHome.redirect(&attempt), Action::Stop);
/// ```
pub trait Policy {
    /// Whether to follow the redirect described by `attempt`.
    fn redirect(&mut self, attempt: &Attempt<'_>) -> Action;

    /// Edits the next request before it is sent; called only after
    /// [`redirect`](Self::redirect) returned [`Action::Follow`]. The default does nothing.
    fn on_request<B>(&mut self, request: &mut Request<B>) {
        let _ = request;
    }

    /// A policy that follows when both `self` and `other` do.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::follow_redirect::{Limited, Policy, SameOrigin};
    ///
    /// let _policy = Limited::new(5).and(SameOrigin::new());
    /// ```
    fn and<P: Policy>(self, other: P) -> And<Self, P>
    where
        Self: Sized,
    {
        And::new(self, other)
    }

    /// A policy that follows when `self` or `other` does.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::follow_redirect::{Limited, Policy, SameOrigin};
    ///
    /// let _policy = SameOrigin::new().or(Limited::new(1));
    /// ```
    fn or<P: Policy>(self, other: P) -> Or<Self, P>
    where
        Self: Sized,
    {
        Or::new(self, other)
    }
}

/// What a [`Policy`] decided for a redirect.
///
/// # Examples
///
/// See [`Policy`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Send the next request to the `Location`.
    Follow,
    /// Return the redirect response to the caller.
    Stop,
}

/// One redirect, as a [`Policy`] sees it: the status, the method and URI of the request
/// that got it, and the resolved `Location`.
///
/// # Examples
///
/// ```
/// use http::{Method, StatusCode, Uri};
/// use spire_middleware::http::follow_redirect::Attempt;
///
/// let previous: Uri = "http://example.com/a".parse().unwrap();
/// let location: Uri = "https://example.com/a".parse().unwrap();
/// let attempt = Attempt::new(StatusCode::MOVED_PERMANENTLY, &Method::GET, &previous, &location);
/// assert!(!attempt.is_same_origin()); // the scheme differs
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    status: StatusCode,
    method: &'a Method,
    previous: &'a Uri,
    location: &'a Uri,
}

impl<'a> Attempt<'a> {
    /// The redirect `status` answered to a `method` request for `previous`, pointing at
    /// `location` (already resolved against `previous`).
    ///
    /// [`FollowRedirect`](super::FollowRedirect) makes these; tests of a policy can too.
    ///
    /// # Examples
    ///
    /// See [`Attempt`].
    #[must_use]
    pub const fn new(
        status: StatusCode,
        method: &'a Method,
        previous: &'a Uri,
        location: &'a Uri,
    ) -> Self {
        Self {
            status,
            method,
            previous,
            location,
        }
    }

    /// The redirect status (301, 302, 303, 307 or 308).
    #[must_use]
    pub const fn status(&self) -> StatusCode {
        self.status
    }

    /// The method of the request that got the redirect.
    #[must_use]
    pub const fn method(&self) -> &'a Method {
        self.method
    }

    /// The URI of the request that got the redirect.
    #[must_use]
    pub const fn previous(&self) -> &'a Uri {
        self.previous
    }

    /// The `Location`, resolved against [`previous`](Self::previous).
    #[must_use]
    pub const fn location(&self) -> &'a Uri {
        self.location
    }

    /// Whether the location has the origin (scheme, host, port) of the previous URI.
    #[must_use]
    pub fn is_same_origin(&self) -> bool {
        super::uri::same_origin(self.previous, self.location)
    }
}

/// Follows when both policies do: see [`Policy::and`].
///
/// Both policies see every redirect (no short-circuit), so that a policy keeping state,
/// such as [`FilterCredentials`](super::FilterCredentials), is never out of date; both
/// get [`on_request`](Policy::on_request), `A` first.
///
/// # Examples
///
/// See [`Policy::and`].
#[derive(Clone, Copy, Debug, Default)]
pub struct And<A, B> {
    a: A,
    b: B,
}

impl<A, B> And<A, B> {
    /// Follows when both `a` and `b` do.
    ///
    /// # Examples
    ///
    /// See [`Policy::and`].
    pub const fn new(a: A, b: B) -> Self {
        Self { a, b }
    }
}

impl<A: Policy, B: Policy> Policy for And<A, B> {
    fn redirect(&mut self, attempt: &Attempt<'_>) -> Action {
        let a = self.a.redirect(attempt);
        let b = self.b.redirect(attempt);
        if a == Action::Follow && b == Action::Follow {
            Action::Follow
        } else {
            Action::Stop
        }
    }

    fn on_request<Body>(&mut self, request: &mut Request<Body>) {
        self.a.on_request(request);
        self.b.on_request(request);
    }
}

/// Follows when either policy does: see [`Policy::or`].
///
/// As with [`And`], both policies see every redirect and both get
/// [`on_request`](Policy::on_request), `A` first.
///
/// # Examples
///
/// See [`Policy::or`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Or<A, B> {
    a: A,
    b: B,
}

impl<A, B> Or<A, B> {
    /// Follows when `a` or `b` does.
    ///
    /// # Examples
    ///
    /// See [`Policy::or`].
    pub const fn new(a: A, b: B) -> Self {
        Self { a, b }
    }
}

impl<A: Policy, B: Policy> Policy for Or<A, B> {
    fn redirect(&mut self, attempt: &Attempt<'_>) -> Action {
        let a = self.a.redirect(attempt);
        let b = self.b.redirect(attempt);
        if a == Action::Follow || b == Action::Follow {
            Action::Follow
        } else {
            Action::Stop
        }
    }

    fn on_request<Body>(&mut self, request: &mut Request<Body>) {
        self.a.on_request(request);
        self.b.on_request(request);
    }
}
