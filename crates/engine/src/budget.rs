//! A marketplace's request budget: the engine stays under its published rate by itself,
//! instead of learning it from 429s.

use std::collections::VecDeque;

use hanout_domain::Timestamp;

const SECOND: i64 = 1000;
const DAY: i64 = 24 * 3600 * SECOND;

#[derive(Clone, Debug)]
pub struct Budget {
    per_second: usize,
    per_day: usize,
    /// When each request of the last day was sent, oldest first.
    sent: VecDeque<Timestamp>,
}

impl Budget {
    /// At least one request a second and one a day, whatever is asked.
    pub fn new(per_second: usize, per_day: usize) -> Budget {
        Budget {
            per_second: per_second.max(1),
            per_day: per_day.max(1),
            sent: VecDeque::new(),
        }
    }

    fn forget_before(&mut self, now: Timestamp) {
        while self
            .sent
            .front()
            .is_some_and(|t| t.millis() <= now.millis() - DAY)
        {
            self.sent.pop_front();
        }
    }

    fn in_last_second(&self, now: Timestamp) -> usize {
        self.sent
            .iter()
            .rev()
            .take_while(|t| t.millis() > now.millis() - SECOND)
            .count()
    }

    /// Counts a request at `now` if the budget allows one.
    pub fn take(&mut self, now: Timestamp) -> bool {
        self.forget_before(now);
        let ok = self.sent.len() < self.per_day && self.in_last_second(now) < self.per_second;
        if ok {
            self.sent.push_back(now);
        }
        ok
    }

    /// When the next request will fit.
    pub fn free_at(&self, now: Timestamp) -> Timestamp {
        let mut at = now.millis();
        if self.sent.len() >= self.per_day {
            at = at.max(self.sent.front().map_or(at, |t| t.millis() + DAY));
        }
        let recent = self.in_last_second(now);
        if recent >= self.per_second {
            let oldest_recent = self.sent[self.sent.len() - recent];
            at = at.max(oldest_recent.millis() + SECOND);
        }
        Timestamp(at)
    }
}

impl Default for Budget {
    /// Etsy's published limit is 10 a second and 10,000 a day; half the rate leaves room
    /// for the other devices of the cooperative.
    fn default() -> Self {
        Budget::new(5, 10_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holds_at_most_its_share_and_frees_a_second_later() {
        let mut b = Budget::new(2, 100);
        assert!(b.take(Timestamp(10_000)));
        assert!(b.take(Timestamp(10_400)));
        assert!(!b.take(Timestamp(10_900)));
        assert_eq!(b.free_at(Timestamp(10_900)), Timestamp(11_000));
        assert!(b.take(Timestamp(11_000)));
    }

    #[test]
    fn a_day_holds_at_most_its_share() {
        let mut b = Budget::new(10, 3);
        for t in [0, 2000, 4000] {
            assert!(b.take(Timestamp(t)));
        }
        assert!(!b.take(Timestamp(5000)));
        assert_eq!(b.free_at(Timestamp(5000)), Timestamp(DAY));
        assert!(b.take(Timestamp(DAY)));
    }
}
