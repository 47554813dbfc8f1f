//! Resolving a `Location` against the request URI (RFC 3986 §5), and comparing origins.

use http::{HeaderValue, Uri};

/// The URI `location` refers to, resolved against `base` (RFC 9110 §10.2.2: a relative
/// `Location` is resolved against the target URI of the request).
///
/// Any fragment is dropped (the request target has none). `None` if the value is not a
/// URI reference, if it names a scheme other than http or https, or if it is
/// scheme-relative while `base` has no scheme.
pub(super) fn resolve(base: &Uri, location: &HeaderValue) -> Option<Uri> {
    let location = location.to_str().ok()?;
    let location = location.split('#').next().unwrap_or_default();
    if let Some((scheme, rest)) = split_scheme(location) {
        return absolute(scheme, rest);
    }
    if location.starts_with("//") {
        return absolute(base.scheme_str()?, location);
    }

    // RFC 3986 §5.2.2, for a reference without scheme or authority.
    let (path, query) = match location.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (location, None),
    };
    let (path, query) = if path.is_empty() {
        (base.path().to_owned(), query.or_else(|| base.query()))
    } else if path.starts_with('/') {
        (remove_dot_segments(path), query)
    } else {
        (remove_dot_segments(&merge(base.path(), path)), query)
    };
    let mut resolved = String::new();
    if let (Some(scheme), Some(authority)) = (base.scheme_str(), base.authority()) {
        resolved.push_str(scheme);
        resolved.push_str("://");
        resolved.push_str(authority.as_str());
    }
    resolved.push_str(&path);
    if let Some(query) = query {
        resolved.push('?');
        resolved.push_str(query);
    }
    Uri::try_from(resolved).ok()
}

/// Splits `scheme:rest` if `reference` starts with a scheme (RFC 3986 §3.1).
fn split_scheme(reference: &str) -> Option<(&str, &str)> {
    let colon = reference.find(':')?;
    let scheme = &reference[..colon];
    let mut bytes = scheme.bytes();
    let valid = bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    valid.then(|| (scheme, &reference[colon + 1..]))
}

/// `scheme://authority/path?query` from a scheme and what follows its colon; only http
/// and https, with an authority.
fn absolute(scheme: &str, rest: &str) -> Option<Uri> {
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = rest.strip_prefix("//")?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path_and_query) = rest.split_at(end);
    if authority.is_empty() {
        return None;
    }
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    let path = if path.is_empty() {
        String::from("/")
    } else {
        remove_dot_segments(path)
    };
    let mut resolved = format!("{scheme}://{authority}{path}");
    if let Some(query) = query {
        resolved.push('?');
        resolved.push_str(query);
    }
    Uri::try_from(resolved).ok()
}

/// RFC 3986 §5.2.3: the base path up to its last `/`, then the reference.
fn merge(base: &str, reference: &str) -> String {
    let directory = base.rfind('/').map_or("/", |slash| &base[..=slash]);
    let mut merged = String::with_capacity(directory.len() + reference.len() + 1);
    if !directory.starts_with('/') {
        merged.push('/');
    }
    merged.push_str(directory);
    merged.push_str(reference);
    merged
}

/// RFC 3986 §5.2.4, for a path starting with `/`: `.` segments go, `..` removes the
/// segment before it (never above the root).
fn remove_dot_segments(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let mut parts = path.strip_prefix('/').unwrap_or(path).split('/').peekable();
    while let Some(segment) = parts.next() {
        let last = parts.peek().is_none();
        match segment {
            "." | ".." => {
                if segment == ".." {
                    segments.pop();
                }
                // "/a/b/.." is the directory "/a/", with its trailing slash.
                if last {
                    segments.push("");
                }
            }
            _ => segments.push(segment),
        }
    }
    let mut out = String::with_capacity(path.len());
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Whether `a` and `b` have the same origin: scheme, host and port (RFC 6454 §4), with
/// the scheme's default port filled in.
pub(super) fn same_origin(a: &Uri, b: &Uri) -> bool {
    let scheme = |uri: &Uri| uri.scheme_str().map(str::to_ascii_lowercase);
    let port = |uri: &Uri| {
        uri.port_u16().or(match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("https") => Some(443),
            Some(s) if s.eq_ignore_ascii_case("http") => Some(80),
            _ => None,
        })
    };
    let host = |uri: &Uri| uri.host().map(str::to_ascii_lowercase);
    scheme(a) == scheme(b) && host(a) == host(b) && port(a) == port(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3986 §5.4.1 (normal examples) and §5.4.2 (abnormal ones), with the base
    /// `http://a/b/c/d;p?q`, for the forms an HTTP `Location` can take.
    #[test]
    fn rfc3986_5_4_examples_resolve() {
        let base: Uri = "http://a/b/c/d;p?q".parse().unwrap();
        let cases = [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g/"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q"),
            ("g#s", "http://a/b/c/g"),
            (";x", "http://a/b/c/;x"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("../../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            (".g", "http://a/b/c/.g"),
            ("g..", "http://a/b/c/g.."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
            ("g;x=1/../y", "http://a/b/c/y"),
            ("https://other:8443/x/../y?z", "https://other:8443/y?z"),
            ("HTTP://Other", "http://Other/"),
        ];
        for (reference, expected) in cases {
            let resolved = resolve(&base, &HeaderValue::from_str(reference).unwrap());
            assert_eq!(
                resolved.map(|uri| uri.to_string()).as_deref(),
                Some(expected),
                "{reference:?}"
            );
        }
    }

    #[test]
    fn resolve_refuses_other_schemes_and_junk() {
        let base: Uri = "https://a/b".parse().unwrap();
        for reference in [
            "ftp://a/x",
            "javascript:alert(1)",
            "http:/no-authority",
            "http://",
        ] {
            let value = HeaderValue::from_str(reference).unwrap();
            assert_eq!(resolve(&base, &value), None, "{reference:?}");
        }
        let not_utf8 = HeaderValue::from_bytes(b"/caf\xe9").unwrap();
        assert_eq!(resolve(&base, &not_utf8), None);
    }

    #[test]
    fn resolve_against_an_origin_form_base_stays_origin_form() {
        let base: Uri = "/a/b".parse().unwrap();
        let value = HeaderValue::from_static("c");
        assert_eq!(resolve(&base, &value).unwrap(), "/a/c");
        assert_eq!(resolve(&base, &HeaderValue::from_static("//host/x")), None);
    }

    #[test]
    fn same_origin_fills_in_default_ports() {
        let uri = |s: &str| s.parse::<Uri>().unwrap();
        assert!(same_origin(
            &uri("http://A.test/x"),
            &uri("http://a.test:80/y")
        ));
        assert!(same_origin(
            &uri("https://a.test/"),
            &uri("https://a.test:443/")
        ));
        assert!(!same_origin(
            &uri("http://a.test/"),
            &uri("https://a.test/")
        ));
        assert!(!same_origin(
            &uri("http://a.test/"),
            &uri("http://a.test:8080/")
        ));
        assert!(!same_origin(&uri("http://a.test/"), &uri("http://b.test/")));
    }
}
