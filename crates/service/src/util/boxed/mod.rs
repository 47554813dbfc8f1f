//! Type-erased services and layers: [`BoxService`], [`UnsyncBoxService`],
//! [`BoxCloneService`], [`BoxCloneSyncService`], [`BoxLayer`], [`BoxCloneServiceLayer`] and
//! [`BoxCloneSyncServiceLayer`].
//!
//! Which one to use, and what each promises, is in the [`util`](crate::util) module docs.

mod clone;
mod layer;
mod sync;
mod unsync;

pub use self::clone::{BoxCloneService, BoxCloneSyncService};
pub use self::layer::{BoxCloneServiceLayer, BoxCloneSyncServiceLayer, BoxLayer};
pub use self::sync::BoxService;
pub use self::unsync::UnsyncBoxService;
