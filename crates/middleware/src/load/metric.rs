//! [`Load`].

/// A measure of how busy a service is, for a balancer to compare.
///
/// Lower is less loaded. The metric is only compared with other endpoints' metrics of the
/// same type, so its unit is up to the implementation; `PartialOrd` allows `f64` (a
/// comparison with NaN counts as "not lower").
///
/// # Examples
///
/// ```
/// use spire_middleware::load::Load;
///
/// struct Replica {
///     queue_depth: usize,
/// }
///
/// impl Load for Replica {
///     type Metric = usize;
///     fn load(&self) -> usize {
///         self.queue_depth
///     }
/// }
///
/// assert!(Replica { queue_depth: 1 }.load() < Replica { queue_depth: 5 }.load());
/// ```
pub trait Load {
    /// The type of the measure.
    type Metric: PartialOrd;

    /// The current load; lower is less loaded.
    fn load(&self) -> Self::Metric;
}
