//! [`Window`]: the budget of one period.

use tokio::time::Instant;

use super::Rate;

/// What is left of the current period.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Window {
    /// When the current window ends; `None` before the first call.
    until: Option<Instant>,
    remaining: u64,
}

impl Window {
    /// Takes one call from the budget, opening a new window if the last one is over.
    /// Returns `Err(end)` with the end of the current window if the budget is spent.
    #[inline]
    pub(super) fn try_take(&mut self, rate: Rate, now: Instant) -> Result<(), Instant> {
        match self.until {
            Some(until) if now < until => {}
            _ => {
                self.until = Some(now + rate.per());
                self.remaining = rate.num();
            }
        }
        if self.remaining == 0 {
            return Err(self.until.expect("a window was opened above"));
        }
        self.remaining -= 1;
        Ok(())
    }

    /// Whether the window is over at `now`, so forgetting it changes nothing.
    pub(super) fn is_over(&self, now: Instant) -> bool {
        self.until.is_none_or(|until| now >= until)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn window_allows_num_calls_then_reports_its_end() {
        let rate = Rate::new(2, Duration::from_secs(1));
        let start = Instant::now();
        let mut window = Window::default();
        assert!(window.is_over(start));
        assert_eq!(window.try_take(rate, start), Ok(()));
        assert_eq!(window.try_take(rate, start), Ok(()));
        let end = start + Duration::from_secs(1);
        assert_eq!(window.try_take(rate, start), Err(end));
        assert_eq!(
            window.try_take(rate, end - Duration::from_nanos(1)),
            Err(end)
        );
        assert!(!window.is_over(start));
        assert!(window.is_over(end));
        assert_eq!(window.try_take(rate, end), Ok(()));
    }
}
