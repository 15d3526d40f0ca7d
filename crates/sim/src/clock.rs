//! Virtual time: the simulation moves it; the catalog, the engine and the shops read it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use hanout_domain::{Clock, Timestamp};

#[derive(Clone, Debug)]
pub struct VirtualClock(Arc<AtomicI64>);

impl VirtualClock {
    /// 2026-11-24, a fixed start so that a seed always sees the same times.
    pub fn new() -> VirtualClock {
        VirtualClock(Arc::new(AtomicI64::new(1_795_478_400_000)))
    }

    /// A clock that starts at `start` (a real time, for processes that share a catalog
    /// whose ids come from the real clock) and then moves only when told.
    pub fn starting_at(start: Timestamp) -> VirtualClock {
        VirtualClock(Arc::new(AtomicI64::new(start.millis())))
    }

    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_millis() as i64, Ordering::SeqCst);
    }

    /// Moves time forward to `to`, never back.
    pub fn advance_to(&self, to: Timestamp) {
        self.0.fetch_max(to.millis(), Ordering::SeqCst);
    }
}

impl Default for VirtualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}
