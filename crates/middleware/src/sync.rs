//! [`lock`]: the one way this crate takes a mutex.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `mutex`, going on past poisoning.
///
/// Every mutex here guards counters, estimates or queues that stay usable when a panic
/// interrupted an update (a window count, an RTT estimate, recorded chunks); failing
/// every later caller because one panicked would turn one bug into an outage.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
