//! A recording `tracing` subscriber: what spans and events were made, with their fields, so
//! tests can assert on what a layer traced.
//!
//! [`Recorder`] keeps every span and event in memory, each field value as a string: `str`
//! values as they are, numbers and booleans printed, everything else through its `Debug`
//! (which is how `?value` and `%value` fields arrive). The `message` of an event is a field
//! like the others. Install it for the current thread with [`Recorder::set_default`], which
//! suits tests on tokio's `current_thread` runtime.
//!
//! The span stack is one list for the whole recorder, not one per thread: drive the code
//! under test from one thread.
//!
//! # Examples
//!
//! ```
//! use spire_test::tracing::Recorder;
//!
//! let recorder = Recorder::new();
//! {
//!     let _guard = recorder.set_default();
//!     let span = tracing::info_span!("request", method = "GET", status = tracing::field::Empty);
//!     let _entered = span.enter();
//!     tracing::info!(answer = 42, "inside");
//!     span.record("status", 200);
//! }
//! let spans = recorder.spans();
//! assert_eq!(spans[0].name, "request");
//! assert_eq!(spans[0].field("method"), Some("GET"));
//! assert_eq!(spans[0].field("status"), Some("200"));
//! let events = recorder.events();
//! assert_eq!(events[0].message(), Some("inside"));
//! assert_eq!(events[0].field("answer"), Some("42"));
//! assert_eq!(events[0].span, Some(spans[0].id));
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::DefaultGuard;
use tracing::{Event, Level, Metadata, Subscriber};

/// One span the [`Recorder`] saw: its name, level, fields (as first given, then as
/// recorded) and parent.
///
/// # Examples
///
/// ```
/// let recorder = spire_test::tracing::Recorder::new();
/// let _guard = recorder.set_default();
/// let _span = tracing::debug_span!("work", n = 1);
/// assert_eq!(recorder.spans()[0].field("n"), Some("1"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanRecord {
    /// The span's id, as events refer to it in [`EventRecord::span`].
    pub id: u64,
    /// The span's name.
    pub name: &'static str,
    /// The span's level.
    pub level: Level,
    /// The fields that have a value: given at creation or recorded since.
    pub fields: BTreeMap<&'static str, String>,
    /// The id of the parent span, if there was one.
    pub parent: Option<u64>,
}

impl SpanRecord {
    /// The value of field `name`, if it has one.
    #[must_use]
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// One event the [`Recorder`] saw: its level, fields and the span it happened in.
///
/// # Examples
///
/// ```
/// let recorder = spire_test::tracing::Recorder::new();
/// let _guard = recorder.set_default();
/// tracing::warn!(code = 7, "careful");
/// let event = &recorder.events()[0];
/// assert_eq!(event.level, tracing::Level::WARN);
/// assert_eq!(event.message(), Some("careful"));
/// assert_eq!(event.span, None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRecord {
    /// The event's level.
    pub level: Level,
    /// Every field of the event, `message` included.
    pub fields: BTreeMap<&'static str, String>,
    /// The id of the span the event belongs to (its explicit parent, or the span entered
    /// when it happened).
    pub span: Option<u64>,
}

impl EventRecord {
    /// The value of field `name`, if the event has it.
    #[must_use]
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// The event's message: its `message` field.
    #[must_use]
    pub fn message(&self) -> Option<&str> {
        self.field("message")
    }
}

#[derive(Debug, Default)]
struct Records {
    spans: Vec<SpanRecord>,
    events: Vec<EventRecord>,
    /// The spans entered and not yet exited, innermost last.
    stack: Vec<u64>,
}

/// A [`Subscriber`] that records every span and event, at every level. Clones share the
/// records.
///
/// See [the module docs](self) for how values are recorded.
///
/// # Examples
///
/// ```
/// let recorder = spire_test::tracing::Recorder::new();
/// tracing::subscriber::with_default(recorder.clone(), || tracing::trace!("hello"));
/// assert_eq!(recorder.events()[0].message(), Some("hello"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    records: Arc<Mutex<Records>>,
}

/// What [`Recorder::set_default`] returns: while it lives, the recorder is the current
/// thread's subscriber and no other recorder is.
#[derive(Debug)]
pub struct RecorderGuard {
    // Dropped first: the subscriber is unset before the next recorder may start.
    _default: DefaultGuard,
    _turn: MutexGuard<'static, ()>,
}

impl Recorder {
    /// Creates a recorder with nothing recorded.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(spire_test::tracing::Recorder::new().events().is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes a clone of this recorder the current thread's subscriber until the guard is
    /// dropped.
    ///
    /// Recorders of one test binary take turns: the guard also holds a process-wide lock.
    /// `tracing` caches, per call site, whether any subscriber wants it, and that cache is
    /// shared by every thread; with tests setting and dropping their own subscribers in
    /// parallel, a call site could be cached as unwanted while a recorder was active, and
    /// its spans and events silently lost. One recorder at a time, and the cache rebuilt
    /// once it is in place, makes what a test records depend only on the test.
    ///
    /// # Examples
    ///
    /// ```
    /// let recorder = spire_test::tracing::Recorder::new();
    /// let guard = recorder.set_default();
    /// tracing::info!("seen");
    /// drop(guard);
    /// tracing::info!("not seen");
    /// assert_eq!(recorder.events().len(), 1);
    /// ```
    #[must_use = "the recorder is the default only while the guard lives"]
    pub fn set_default(&self) -> RecorderGuard {
        static TURN: Mutex<()> = Mutex::new(());
        let turn = TURN.lock().unwrap_or_else(PoisonError::into_inner);
        let default = tracing::subscriber::set_default(self.clone());
        tracing::callsite::rebuild_interest_cache();
        RecorderGuard {
            _default: default,
            _turn: turn,
        }
    }

    /// Every span made so far, oldest first.
    #[must_use]
    pub fn spans(&self) -> Vec<SpanRecord> {
        self.lock().spans.clone()
    }

    /// Every event so far, oldest first.
    #[must_use]
    pub fn events(&self) -> Vec<EventRecord> {
        self.lock().events.clone()
    }

    fn lock(&self) -> MutexGuard<'_, Records> {
        // A panicking test must not hide its records from the next assertion.
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Writes each visited field into a map, as a string.
struct Fields<'a>(&'a mut BTreeMap<&'static str, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name(), format!("{value:?}"));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut records = self.lock();
        let id = records.spans.len() as u64 + 1;
        let parent = if let Some(parent) = attributes.parent() {
            Some(parent.into_u64())
        } else if attributes.is_contextual() {
            records.stack.last().copied()
        } else {
            None
        };
        let mut fields = BTreeMap::new();
        attributes.record(&mut Fields(&mut fields));
        records.spans.push(SpanRecord {
            id,
            name: attributes.metadata().name(),
            level: *attributes.metadata().level(),
            fields,
            parent,
        });
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut records = self.lock();
        let index = usize::try_from(span.into_u64() - 1).expect("span ids are indexes + 1");
        if let Some(record) = records.spans.get_mut(index) {
            values.record(&mut Fields(&mut record.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut records = self.lock();
        let span = if let Some(parent) = event.parent() {
            Some(parent.into_u64())
        } else if event.is_contextual() {
            records.stack.last().copied()
        } else {
            None
        };
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        records.events.push(EventRecord {
            level: *event.metadata().level(),
            fields,
            span,
        });
    }

    fn enter(&self, span: &Id) {
        self.lock().stack.push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut records = self.lock();
        if let Some(at) = records.stack.iter().rposition(|&id| id == span.into_u64()) {
            records.stack.remove(at);
        }
    }
}
