//! The types [`BodyExt`](crate::BodyExt)'s methods return.
//!
//! Each is named after what it does and has one file: [`NextFrame`] and [`Collect`] are
//! futures; [`MapFrame`], [`MapErr`] and [`WithTrailers`] are bodies wrapping a body.

mod collect;
mod map_err;
mod map_frame;
mod next_frame;
mod with_trailers;

pub use self::collect::Collect;
pub use self::map_err::MapErr;
pub use self::map_frame::MapFrame;
pub use self::next_frame::NextFrame;
pub use self::with_trailers::WithTrailers;
