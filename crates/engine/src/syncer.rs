//! The background loop the app runs: it waits for [`Signal`]s from the platform and the
//! artisan, asks [`Triggers`] what to do, probes or runs rounds, and tells the UI what
//! happens through [`SyncEvent`]s. It sleeps only on tokio's timer, so a test with paused
//! time runs hours of it in milliseconds.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hanout_domain::Timestamp;
use hanout_store::Catalog;
use hanout_sync::{Marketplace, MarketplaceId, Reply};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::trigger::{DataSaver, Held, Network, Next, Schedule, Triggers};
use crate::{Engine, EngineError, Progress, lock};

/// What the platform and the artisan tell the syncer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "signal", content = "value", rename_all = "snake_case")]
pub enum Signal {
    /// The artisan saved something that may need sending.
    Changed,
    Network(Network),
    DataSaver(DataSaver),
    SyncNow,
}

/// What the syncer tells the UI as it goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SyncEvent {
    /// Sync does not run, and why.
    Held { why: Held },
    /// Sync may run again after being held.
    Resumed,
    /// No marketplace answered: the network is not really there.
    Unreachable,
    /// A marketplace answered a probe: the way is open.
    Reachable,
    /// A round is sending: n of m changes, bytes of photos.
    Progress(Progress),
    /// A round ended.
    Ran { requests: usize, confirmed: usize },
    /// The catalog could not be read or written (a full disk): sync waits and tries again.
    Trouble { message: String },
}

/// Where the syncer's events go (the app forwards them to the window).
pub type EventSink = Arc<dyn Fn(SyncEvent) + Send + Sync>;

pub struct Syncer<M> {
    engine: Engine<M>,
    triggers: Triggers,
    events: EventSink,
    held: Option<Held>,
}

impl<M: Marketplace> Syncer<M> {
    pub fn new(
        engine: Engine<M>,
        schedule: Schedule,
        saver: DataSaver,
        network: Network,
        events: EventSink,
    ) -> Self {
        let progress = events.clone();
        let engine = engine.with_progress(Arc::new(move |p| progress(SyncEvent::Progress(p))));
        let triggers = Triggers::new(schedule, saver, network, engine.clock.now());
        Syncer {
            engine,
            triggers,
            events,
            held: None,
        }
    }

    pub fn triggers(&self) -> &Triggers {
        &self.triggers
    }

    fn apply(&mut self, signal: Signal) {
        match signal {
            Signal::Changed => self.triggers.changed(self.engine.clock.now()),
            Signal::Network(n) => self.triggers.set_network(n),
            Signal::DataSaver(s) => self.triggers.set_data_saver(s),
            Signal::SyncNow => {
                self.triggers.sync_now();
                self.engine.pull_soon();
            }
        }
    }

    /// Runs until every sender of `signals` is gone. Stops early only when a hook stops
    /// the engine; a catalog error is reported and tried again later.
    pub async fn run(
        mut self,
        catalog: &Mutex<Catalog>,
        mut signals: UnboundedReceiver<Signal>,
    ) -> Result<(), EngineError> {
        loop {
            let now = self.engine.clock.now();
            let next = self.triggers.next(now);
            let held = match next {
                Next::Held(why) => Some(why),
                _ => None,
            };
            if held != self.held {
                self.held = held;
                (self.events)(match held {
                    Some(why) => SyncEvent::Held { why },
                    None => SyncEvent::Resumed,
                });
            }
            let wait = match next {
                Next::Probe => {
                    self.probe(catalog).await?;
                    continue;
                }
                Next::Round => {
                    self.round(catalog).await?;
                    continue;
                }
                Next::Wait(at) => Some(until(now, at)),
                Next::Held(_) | Next::Idle => None,
            };
            let signal = match wait {
                Some(wait) => tokio::select! {
                    signal = signals.recv() => signal,
                    () = tokio::time::sleep(wait) => continue,
                },
                None => signals.recv().await,
            };
            let Some(signal) = signal else {
                return Ok(());
            };
            self.apply(signal);
            while let Ok(signal) = signals.try_recv() {
                self.apply(signal);
            }
        }
    }

    /// Asks the marketplaces that may be asked whether they answer, until one does.
    async fn probe(&mut self, catalog: &Mutex<Catalog>) -> Result<(), EngineError> {
        let now = self.engine.clock.now();
        let accounts = lock(catalog).marketplaces();
        let answered = match accounts {
            Ok(accounts) => {
                let askable: BTreeSet<_> = accounts
                    .into_iter()
                    .filter(|a| !a.needs_sign_in && a.paused_until.is_none_or(|u| u <= now))
                    .map(|a| a.id)
                    .collect();
                // With nobody to ask there is nothing to learn: rounds decide what waits.
                askable.is_empty() || self.anyone_answers(&askable, now).await
            }
            Err(e) => {
                self.trouble(&e);
                false
            }
        };
        let random = (self.engine.random)();
        self.triggers
            .probed(answered, self.engine.clock.now(), random);
        (self.events)(if answered {
            SyncEvent::Reachable
        } else {
            SyncEvent::Unreachable
        });
        Ok(())
    }

    async fn anyone_answers(&mut self, askable: &BTreeSet<MarketplaceId>, now: Timestamp) -> bool {
        for (id, market) in &self.engine.markets {
            if !askable.contains(id)
                || self
                    .engine
                    .budgets
                    .get_mut(id)
                    .is_some_and(|budget| !budget.take(now))
            {
                continue;
            }
            // Any answer, an error included, proves the way there is open.
            if let Ok(()) | Err(Reply::Status { .. }) = market.probe().await {
                return true;
            }
        }
        false
    }

    async fn round(&mut self, catalog: &Mutex<Catalog>) -> Result<(), EngineError> {
        let markets = self.engine.markets.len();
        let outcome = self.engine.round(catalog).await;
        let now = self.engine.clock.now();
        let random = (self.engine.random)();
        match outcome {
            Ok(round) => {
                let silent = round.reached_nobody(markets);
                self.triggers.ran(&round, silent, now, random);
                (self.events)(SyncEvent::Ran {
                    requests: round.requests,
                    confirmed: round.confirmed,
                });
                if silent {
                    (self.events)(SyncEvent::Unreachable);
                }
                Ok(())
            }
            Err(EngineError::Store(e)) => {
                self.triggers
                    .ran(&crate::Round::default(), true, now, random);
                self.trouble(&e);
                Ok(())
            }
            Err(stopped @ EngineError::Stopped(_)) => Err(stopped),
        }
    }

    fn trouble(&self, error: &dyn std::error::Error) {
        (self.events)(SyncEvent::Trouble {
            message: error.to_string(),
        });
    }
}

fn until(now: Timestamp, at: Timestamp) -> Duration {
    Duration::from_millis(u64::try_from(at.millis().saturating_sub(now.millis())).unwrap_or(0))
}
