//! [`CannotReplay`].

use std::fmt;

/// A [`ReplayBody`](super::ReplayBody) copy could not yield the body.
///
/// It happens when the copy needs frames that are gone or were taken over:
/// - the recording outgrew its cap, so the frames already sent cannot be sent again
///   ([`is_over_cap`](Self::is_over_cap));
/// - a newer copy started reading, so this older one stopped
///   ([`is_superseded`](Self::is_superseded));
/// - the original body failed in an earlier attempt, so the rest of it cannot be read
///   ([`is_failed`](Self::is_failed)).
///
/// It reaches the caller boxed, as the body's error; use `downcast_ref` to find it.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use spire_body::{BodyExt, Full};
/// use spire_middleware::http::replay::{CannotReplay, ReplayBody};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let original = ReplayBody::with_cap(Full::new(Bytes::from("too long")), 4);
/// let copy = original.try_clone().unwrap(); // made before the body was read
/// original.collect().await.unwrap(); // the first attempt streams it all
/// let err = copy.collect().await.unwrap_err();
/// assert!(err.downcast_ref::<CannotReplay>().unwrap().is_over_cap());
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CannotReplay {
    reason: Reason,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    OverCap,
    Superseded,
    Failed,
}

impl CannotReplay {
    pub(super) const fn over_cap() -> Self {
        Self {
            reason: Reason::OverCap,
        }
    }

    pub(super) const fn superseded() -> Self {
        Self {
            reason: Reason::Superseded,
        }
    }

    pub(super) const fn failed() -> Self {
        Self {
            reason: Reason::Failed,
        }
    }

    /// The recording outgrew its cap and was dropped.
    #[must_use]
    pub const fn is_over_cap(&self) -> bool {
        matches!(self.reason, Reason::OverCap)
    }

    /// A newer copy of the body started reading and took the original body over.
    #[must_use]
    pub const fn is_superseded(&self) -> bool {
        matches!(self.reason, Reason::Superseded)
    }

    /// The original body failed while an earlier copy was reading it.
    #[must_use]
    pub const fn is_failed(&self) -> bool {
        matches!(self.reason, Reason::Failed)
    }
}

impl fmt::Display for CannotReplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.reason {
            Reason::OverCap => "body outgrew the replay buffer",
            Reason::Superseded => "body taken over by a newer copy",
            Reason::Failed => "body failed in an earlier attempt",
        })
    }
}

impl std::error::Error for CannotReplay {}
