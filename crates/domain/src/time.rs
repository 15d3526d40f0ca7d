use serde::{Deserialize, Serialize};

/// A moment, in milliseconds since the Unix epoch (UTC). Made by an injected clock at the
/// edge; the domain never reads the time itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn millis(self) -> i64 {
        self.0
    }
}

/// Tells the time. Injected everywhere the engine needs "now", so tests and simulations
/// run in a time of their own.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}
