//! When to sync. The platform says what the network is and what the artisan allows; local
//! changes, "sync now" and the engine's own timers say when there is work. [`Triggers`]
//! decides from those alone (no IO, no clock of its own), so every rule is tested with
//! plain timestamps; [`crate::Syncer`] carries its decisions out.
//!
//! The rules, in order:
//! 1. Paused by the artisan: nothing leaves, "sync now" included (the indicator says so).
//! 2. The phone says it is offline: nothing is tried.
//! 3. Wi-Fi only, on mobile data: nothing leaves, unless the artisan taps "sync now".
//! 4. Whether a marketplace answers is not known (start, network back, "sync now" after
//!    a failed probe): probe first. The phone saying "online" proves nothing on a dead
//!    mast or behind a captive portal.
//! 5. Probes that found nobody repeat with full-jitter backoff (15 s doubling, up to
//!    10 min), and local changes wait for them.
//! 6. Otherwise a round runs when "sync now" was tapped, when the engine's timer is due
//!    (a backoff, a `Retry-After`, the periodic pull of sales), or a short while after the
//!    last local change: edits in a burst (typing a price, adding photos) go out together.

use std::time::Duration;

pub use hanout_domain::DataSaver;
use hanout_domain::Timestamp;
use hanout_sync::Backoff;
use serde::{Deserialize, Serialize};

use crate::{Round, later};

/// What the platform says of the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    Offline,
    /// Mobile data: costs money.
    Metered,
    /// Wi-Fi or a cable.
    Unmetered,
}

/// Why sync is not running, for the indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Held {
    Paused,
    Offline,
    WaitingForWifi,
}

/// What to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Nothing until the platform or the artisan changes something.
    Held(Held),
    /// Ask the marketplaces whether they answer.
    Probe,
    /// Run a round now.
    Round,
    /// Nothing before this time, unless something happens.
    Wait(Timestamp),
    /// Nothing to do until something happens.
    Idle,
}

/// How long each trigger waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// Quiet time after a local change before a round.
    pub debounce: Duration,
    /// The longest a stream of changes can hold a round back.
    pub debounce_max: Duration,
    /// How often sales are pulled while nothing else happens.
    pub pull_every: Duration,
    /// Between probes that found nobody.
    pub probe_backoff: Backoff,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            debounce: Duration::from_secs(3),
            debounce_max: Duration::from_secs(20),
            pull_every: Duration::from_secs(5 * 60),
            probe_backoff: Backoff {
                base: Duration::from_secs(15),
                cap: Duration::from_secs(10 * 60),
            },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reach {
    Unknown,
    Answers,
    Silent {
        failures: u32,
        next_probe: Timestamp,
    },
}

/// The trigger state: fed by events, asked [`Triggers::next`].
#[derive(Clone, Debug)]
pub struct Triggers {
    schedule: Schedule,
    saver: DataSaver,
    network: Network,
    reach: Reach,
    /// The first and the last local change not yet carried by a round.
    changes: Option<(Timestamp, Timestamp)>,
    /// When the engine wants its next round.
    due: Option<Timestamp>,
    /// "Sync now" was tapped: a round at once.
    asked: bool,
    /// The tap's leave to use mobile data under Wi-Fi only. It lasts while rounds make
    /// progress, so the queue it asked for drains through budget and backoff waits.
    tapped: bool,
}

impl Triggers {
    /// At start: a probe, then a round (sales may have come in while the app was shut).
    pub fn new(schedule: Schedule, saver: DataSaver, network: Network, now: Timestamp) -> Self {
        Triggers {
            schedule,
            saver,
            network,
            reach: Reach::Unknown,
            changes: None,
            due: Some(now),
            asked: false,
            tapped: false,
        }
    }

    pub fn data_saver(&self) -> DataSaver {
        self.saver
    }

    pub fn network(&self) -> Network {
        self.network
    }

    /// The artisan changed something that may need sending.
    pub fn changed(&mut self, now: Timestamp) {
        self.changes = Some(match self.changes {
            Some((first, _)) => (first, now),
            None => (now, now),
        });
    }

    /// The platform reports the network. Coming back from offline, or changing network,
    /// makes whether the marketplaces answer unknown again.
    pub fn set_network(&mut self, network: Network) {
        if network != self.network {
            self.reach = Reach::Unknown;
        }
        self.network = network;
    }

    pub fn set_data_saver(&mut self, saver: DataSaver) {
        self.saver = saver;
    }

    /// "Sync now": a round at once, probing first if the marketplaces were silent.
    pub fn sync_now(&mut self) {
        self.asked = true;
        self.tapped = true;
        if matches!(self.reach, Reach::Silent { .. }) {
            self.reach = Reach::Unknown;
        }
    }

    /// A probe ended: `answered` when any marketplace answered anything at all (even an
    /// error: it is reachable). `random` times the next probe.
    pub fn probed(&mut self, answered: bool, now: Timestamp, random: u64) {
        self.reach = if answered {
            Reach::Answers
        } else {
            self.silent(now, random)
        };
        if !answered {
            // A tap that met no network is spent: the indicator says "offline".
            self.asked = false;
            self.tapped = false;
        }
    }

    /// A round ended at `now`. `silent` when no marketplace could be reached at all.
    pub fn ran(&mut self, round: &Round, silent: bool, now: Timestamp, random: u64) {
        self.asked = false;
        self.tapped &= round.confirmed > 0 && round.next_wake.is_some();
        self.changes = None;
        let pull = later(now, self.schedule.pull_every);
        self.due = Some(round.next_wake.map_or(pull, |w| w.min(pull)));
        if silent {
            self.reach = self.silent(now, random);
        }
    }

    fn silent(&self, now: Timestamp, random: u64) -> Reach {
        let failures = match self.reach {
            Reach::Silent { failures, .. } => failures + 1,
            Reach::Unknown | Reach::Answers => 0,
        };
        Reach::Silent {
            failures,
            next_probe: later(now, self.schedule.probe_backoff.delay(failures, random)),
        }
    }

    pub fn next(&self, now: Timestamp) -> Next {
        if self.saver == DataSaver::Paused {
            return Next::Held(Held::Paused);
        }
        if self.network == Network::Offline {
            return Next::Held(Held::Offline);
        }
        if self.saver == DataSaver::WifiOnly && self.network == Network::Metered && !self.tapped {
            return Next::Held(Held::WaitingForWifi);
        }
        match self.reach {
            Reach::Unknown => return Next::Probe,
            Reach::Silent { next_probe, .. } if next_probe <= now => return Next::Probe,
            Reach::Silent { next_probe, .. } => return Next::Wait(next_probe),
            Reach::Answers => {}
        }
        if self.asked {
            return Next::Round;
        }
        let settled = self.changes.map(|(first, last)| {
            later(last, self.schedule.debounce).min(later(first, self.schedule.debounce_max))
        });
        match [settled, self.due].into_iter().flatten().min() {
            Some(at) if at <= now => Next::Round,
            Some(at) => Next::Wait(at),
            None => Next::Idle,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1000;

    fn at(seconds: i64) -> Timestamp {
        Timestamp(seconds * S)
    }

    /// Started on Wi-Fi at 0, probed and ran once: idle until the next pull at 300 s.
    fn settled() -> Triggers {
        let mut t = Triggers::new(
            Schedule::default(),
            DataSaver::AnyNetwork,
            Network::Unmetered,
            at(0),
        );
        assert_eq!(t.next(at(0)), Next::Probe);
        t.probed(true, at(0), 0);
        assert_eq!(t.next(at(0)), Next::Round);
        t.ran(&Round::default(), false, at(0), 0);
        t
    }

    #[test]
    fn a_start_probes_then_runs_then_waits_for_the_pull() {
        let t = settled();
        assert_eq!(t.next(at(1)), Next::Wait(at(300)));
        assert_eq!(t.next(at(300)), Next::Round);
    }

    #[test]
    fn a_change_runs_after_a_quiet_spell() {
        let mut t = settled();
        t.changed(at(10));
        assert_eq!(t.next(at(11)), Next::Wait(at(13)));
        t.changed(at(12));
        assert_eq!(t.next(at(13)), Next::Wait(at(15)));
        assert_eq!(t.next(at(15)), Next::Round);
    }

    #[test]
    fn a_stream_of_changes_holds_a_round_back_at_most_debounce_max() {
        let mut t = settled();
        for s in 10..40 {
            t.changed(at(s));
        }
        assert_eq!(
            t.next(at(30)),
            Next::Round,
            "first change at 10 s, cap 20 s"
        );
    }

    #[test]
    fn a_round_carries_the_changes_before_it() {
        let mut t = settled();
        t.changed(at(10));
        t.ran(&Round::default(), false, at(13), 0);
        assert_eq!(t.next(at(14)), Next::Wait(at(313)));
    }

    #[test]
    fn the_engine_timer_wakes_a_round_before_the_pull() {
        let mut t = settled();
        let round = Round {
            next_wake: Some(at(42)),
            ..Round::default()
        };
        t.ran(&round, false, at(0), 0);
        assert_eq!(t.next(at(1)), Next::Wait(at(42)));
        assert_eq!(t.next(at(42)), Next::Round);
    }

    #[test]
    fn sync_now_runs_at_once() {
        let mut t = settled();
        t.sync_now();
        assert_eq!(t.next(at(1)), Next::Round);
    }

    #[test]
    fn offline_and_paused_hold_everything() {
        let mut t = settled();
        t.changed(at(1));
        t.sync_now();
        t.set_network(Network::Offline);
        assert_eq!(t.next(at(100)), Next::Held(Held::Offline));
        t.set_data_saver(DataSaver::Paused);
        t.set_network(Network::Unmetered);
        assert_eq!(t.next(at(100)), Next::Held(Held::Paused));
    }

    #[test]
    fn wifi_only_holds_on_mobile_data_until_sync_now() {
        let mut t = settled();
        t.set_data_saver(DataSaver::WifiOnly);
        t.set_network(Network::Metered);
        t.changed(at(1));
        assert_eq!(t.next(at(100)), Next::Held(Held::WaitingForWifi));
        t.sync_now();
        assert_eq!(
            t.next(at(100)),
            Next::Probe,
            "a new network is probed first"
        );
        t.probed(true, at(100), 0);
        assert_eq!(t.next(at(100)), Next::Round);
        let budget_spent = Round {
            confirmed: 5,
            next_wake: Some(at(101)),
            ..Round::default()
        };
        t.ran(&budget_spent, false, at(100), 0);
        assert_eq!(
            t.next(at(100)),
            Next::Wait(at(101)),
            "the tap drains its queue"
        );
        assert_eq!(t.next(at(101)), Next::Round);
        t.ran(&Round::default(), false, at(101), 0);
        t.changed(at(101));
        assert_eq!(t.next(at(200)), Next::Held(Held::WaitingForWifi));
        t.set_network(Network::Unmetered);
        assert_eq!(t.next(at(200)), Next::Probe);
    }

    #[test]
    fn the_network_coming_back_is_probed_before_anything_is_sent() {
        let mut t = settled();
        t.set_network(Network::Offline);
        t.changed(at(5));
        t.set_network(Network::Metered);
        assert_eq!(t.next(at(10)), Next::Probe);
        t.probed(true, at(10), 0);
        assert_eq!(t.next(at(10)), Next::Round);
    }

    #[test]
    fn silent_probes_back_off_with_jitter_and_changes_wait_for_them() {
        let mut t = settled();
        t.set_network(Network::Metered);
        // A draw equal to the ceiling waits the whole ceiling: 15 s, then 30 s.
        t.probed(false, at(0), 15_000);
        t.changed(at(1));
        assert_eq!(t.next(at(5)), Next::Wait(at(15)));
        t.probed(false, at(15), 30_000);
        assert_eq!(t.next(at(16)), Next::Wait(at(45)));
        t.probed(false, at(45), 0);
        assert_eq!(t.next(at(45)), Next::Probe, "full jitter can draw no wait");
        t.probed(true, at(45), 0);
        assert_eq!(t.next(at(45)), Next::Round);
    }

    #[test]
    fn a_round_that_reached_nobody_probes_next() {
        let mut t = settled();
        t.ran(&Round::default(), true, at(0), 15_000);
        assert_eq!(t.next(at(1)), Next::Wait(at(15)));
        t.sync_now();
        assert_eq!(t.next(at(1)), Next::Probe, "sync now probes at once");
        t.probed(false, at(1), 0);
        assert_eq!(
            t.next(at(1)),
            Next::Probe,
            "the tap is spent; jitter drew 0"
        );
    }
}
