//! [`Budget`]: Finagle's retry budget.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use crate::sync::lock;
use tokio::time::Instant;

/// How many slots the window is cut into: deposits and withdrawals expire one slot at a
/// time.
const SLOTS: usize = 10;
/// Balances are kept in thousandths of a retry, so that a deposit can be a fraction.
const SCALE: i64 = 1000;

/// Limits retries to a share of recent requests: Finagle's retry budget.
///
/// Each request that is not a retry [`deposit`](Self::deposit)s a fraction of a retry
/// (`retry_percent`, e.g. 0.2 for "retries may add 20% to the load"); each retry must
/// [`withdraw`](Self::withdraw) a whole one, and is not made if the balance is too low.
/// Deposits and withdrawals count for `ttl` and then expire, so the budget follows recent
/// traffic. A reserve of `min_per_sec` retries per second is always available, so that a
/// service with little traffic can still retry.
///
/// Share one budget between the clones of a policy with an `Arc`. The clock is tokio's,
/// so tests can run it paused.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::retry::Budget;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// // retries may add 50% to the load, no reserve
/// let budget = Budget::new(Duration::from_secs(10), 0, 0.5);
/// assert!(!budget.withdraw()); // nothing deposited yet
/// budget.deposit();
/// budget.deposit();
/// assert!(budget.withdraw()); // two requests earned one retry
/// assert!(!budget.withdraw());
/// # }
/// ```
pub struct Budget {
    window: Mutex<Window>,
    slot_len: Duration,
    /// The reserve, scaled.
    reserve: i64,
    /// One deposit, scaled.
    deposit: i64,
}

struct Window {
    /// Net balance (deposits minus withdrawals, scaled) of each slot.
    slots: [i64; SLOTS],
    /// The slot the current time falls into.
    current: usize,
    /// When the current slot started.
    current_start: Instant,
}

impl Budget {
    /// A budget whose deposits and withdrawals count for `ttl`, with a reserve of
    /// `min_per_sec` retries per second, where each request deposits `retry_percent` of a
    /// retry.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::retry::Budget;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let budget = Budget::new(Duration::from_secs(10), 10, 0.2);
    /// assert!(budget.withdraw()); // from the reserve of 10 a second over 10 seconds
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `ttl` is shorter than 1 second or longer than 60 seconds, or if
    /// `retry_percent` is not within `0.0..=1000.0`.
    #[must_use]
    pub fn new(ttl: Duration, min_per_sec: u32, retry_percent: f64) -> Self {
        assert!(
            ttl >= Duration::from_secs(1) && ttl <= Duration::from_secs(60),
            "the budget's ttl must be between 1 and 60 seconds"
        );
        assert!(
            (0.0..=1000.0).contains(&retry_percent),
            "retry_percent must be between 0 and 1000"
        );
        let ttl_ms = i64::try_from(ttl.as_millis()).expect("ttl is at most 60 seconds");
        // retry_percent is at most 1000, so the product fits an i64 easily
        let deposit = (retry_percent * SCALE as f64).round() as i64;
        Self {
            window: Mutex::new(Window {
                slots: [0; SLOTS],
                current: 0,
                current_start: Instant::now(),
            }),
            slot_len: ttl / SLOTS as u32,
            reserve: i64::from(min_per_sec) * ttl_ms * SCALE / 1000,
            deposit,
        }
    }

    /// Records a request that was not a retry: adds `retry_percent` of a retry to the
    /// balance.
    ///
    /// # Examples
    ///
    /// See [`Budget`].
    pub fn deposit(&self) {
        let mut window = lock(&self.window);
        window.advance(self.slot_len);
        let current = window.current;
        window.slots[current] += self.deposit;
    }

    /// Takes one retry from the balance; `false`, and nothing taken, if the balance is
    /// less than one retry.
    ///
    /// # Examples
    ///
    /// See [`Budget`].
    #[must_use]
    pub fn withdraw(&self) -> bool {
        let mut window = lock(&self.window);
        window.advance(self.slot_len);
        let balance = self.reserve + window.slots.iter().sum::<i64>();
        if balance < SCALE {
            return false;
        }
        let current = window.current;
        window.slots[current] -= SCALE;
        true
    }

    /// How many whole retries the balance allows right now.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::retry::Budget;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let budget = Budget::new(Duration::from_secs(1), 5, 0.0);
    /// assert_eq!(budget.available(), 5);
    /// # }
    /// ```
    #[must_use]
    pub fn available(&self) -> u64 {
        let mut window = lock(&self.window);
        window.advance(self.slot_len);
        let balance = self.reserve + window.slots.iter().sum::<i64>();
        u64::try_from(balance / SCALE).unwrap_or(0)
    }
}

impl Window {
    /// Moves to the slot the current time falls into, emptying the slots that expired.
    fn advance(&mut self, slot_len: Duration) {
        let elapsed = Instant::now().saturating_duration_since(self.current_start);
        let steps = elapsed.as_nanos() / slot_len.as_nanos().max(1);
        if steps == 0 {
            return;
        }
        for _ in 0..steps.min(SLOTS as u128) {
            self.current = (self.current + 1) % SLOTS;
            self.slots[self.current] = 0;
        }
        // Whole slots only, so that slot boundaries do not drift.
        let steps = u32::try_from(steps).unwrap_or(u32::MAX);
        self.current_start += slot_len.saturating_mul(steps);
    }
}

impl Default for Budget {
    /// Finagle's defaults: a 10 second window, 10 retries a second in reserve, and 20%
    /// of the requests as extra retries.
    fn default() -> Self {
        Self::new(Duration::from_secs(10), 10, 0.2)
    }
}

impl fmt::Debug for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Budget")
            .field("slot_len", &self.slot_len)
            .field("reserve", &(self.reserve / SCALE))
            .field("deposit", &(self.deposit as f64 / SCALE as f64))
            .finish_non_exhaustive()
    }
}
