//! Where a balancer's endpoints come from: the [`Discover`] trait and [`ServiceList`].
//!
//! A [`Discover`] is a stream of [`Change`]s: [`Change::Insert`] adds an endpoint (or
//! replaces the one with the same key), [`Change::Remove`] takes one away. A balancer such
//! as [`Balance`](crate::balance::p2c::Balance) polls it before each choice, so the set of
//! endpoints can follow DNS, a service registry or a config file while requests flow.
//!
//! Any [`Stream`](futures_util::Stream) of `Result<Change<K, S>, E>` is a `Discover`:
//! that blanket impl is the adapter, so a channel receiver turned into a stream, or
//! `futures_util::stream::iter`, needs no wrapper. [`ServiceList`] is the fixed case: it
//! inserts each service once, keyed by its position, and then never changes.
//!
//! ```text
//!   registry / DNS / config ──► Stream<Item = Result<Change<K, S>, E>> ──► Balance
//!                                Insert(k, svc) | Remove(k)
//! ```
//!
//! # Examples
//!
//! ```
//! use futures_util::stream;
//! use spire_middleware::discover::{Change, Discover};
//!
//! fn is_discover<D: Discover>(_: &D) {}
//!
//! let changes = stream::iter([
//!     Ok::<_, std::io::Error>(Change::Insert("a", "service a")),
//!     Ok(Change::Insert("b", "service b")),
//!     Ok(Change::Remove("a")),
//! ]);
//! is_discover(&changes);
//! ```

mod change;
mod list;

pub use self::change::{Change, Discover};
pub use self::list::ServiceList;
