//! Hanout's sync executor. [`Engine::round`] reads every lane from the catalog, asks the
//! planner ([`hanout_sync::plan`]) what to send, and sends it, one operation at a time per
//! lane: it records `sending` before each request and the outcome after it, so that a
//! restart rebuilds everything from the catalog file alone ([`Engine::new`] recovers the
//! requests a crash left behind).
//!
//! Time, randomness and the marketplaces are given to it: the app passes the real ones,
//! the simulation virtual ones. It never retries by itself within a request and never
//! sleeps: a round returns when it should be called again ([`Round::next_wake`]).

mod budget;
mod status;
mod syncer;
mod trigger;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use hanout_domain::{Clock, OperationId, Timestamp};
use hanout_store::{Catalog, LaneOutcome, LaneState, PhotoSize, StoreError, SyncLock};
use hanout_sync::{
    Backoff, Done, Failure, LookUp, Marketplace, MarketplaceId, Operation, Reconciled, Reply,
    Request, batchable, classify, confirm, reconcile,
};
use serde::{Deserialize, Serialize};

pub use budget::Budget;
use status::upload_bytes;
pub use status::{LaneStatus, SyncStatus, lane_status, status};
pub use syncer::{Signal, SyncEvent, Syncer};
pub use trigger::{DataSaver, Held, Network, Next, Schedule, Triggers};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A [`Hook`] asked the engine to stop where it stood, as a crash would.
    #[error("stopped at {0:?}")]
    Stopped(Step),
}

/// A point in carrying out one operation where the process could die.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// `sending` is recorded; the request has not left.
    Recorded(&'static str),
    /// The marketplace answered; its outcome is not recorded.
    Answered(&'static str),
    /// The outcome is recorded.
    Finished(&'static str),
}

/// Watches each step; answering `false` stops the engine there (crash-point tests).
pub type Hook = Box<dyn FnMut(Step) -> bool + Send>;

/// Where one round got to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// Requests sent, look-ups and pulls included.
    pub requests: usize,
    /// Operations whose outcome was confirmed.
    pub confirmed: usize,
    /// Marketplaces that could not be reached.
    pub unreachable: BTreeSet<MarketplaceId>,
    /// When there is work again (a backoff or a `Retry-After` ending), if there is any
    /// that waits for time rather than a person or a connection.
    pub next_wake: Option<Timestamp>,
    /// How far the round got through what it found to send.
    pub progress: Progress,
}

impl Round {
    /// Whether the round tried and reached none of the `markets`: the network is not
    /// there, whatever the phone says.
    pub fn reached_nobody(&self, markets: usize) -> bool {
        self.requests > 0 && self.confirmed == 0 && self.unreachable.len() >= markets
    }
}

/// "Sending n of m": operations and photo bytes a round sent, of those it found to send.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub changes_sent: usize,
    pub changes: usize,
    pub bytes_sent: u64,
    pub bytes: u64,
}

/// Told of progress as a round goes, photo bytes included.
pub type ProgressSink = Arc<dyn Fn(Progress) + Send + Sync>;

/// How recent a pull of a marketplace must be for its stock to be written. Stock goes out
/// as an absolute number planned from the catalog: written over a sale the catalog has
/// not pulled yet, it would put the sold piece back on sale. So a stock write follows a
/// pull of its marketplace by at most this long; a sale in that gap is caught as an
/// oversell when it is pulled.
pub const FRESH_PULL: Duration = Duration::from_secs(30);

/// Pages one pull reads at most: a shop with years of orders, or one whose orders keep
/// moving, cannot hold the round (or a 2G phone's data) hostage. The rest comes next time.
pub const PULL_PAGES: usize = 20;

/// The longest a marketplace's `Retry-After` holds it: a broken or hostile answer
/// (`Retry-After: 31536000`) must not silence a shop for a year. "Send now" clears it.
pub const LONGEST_PAUSE: Duration = Duration::from_secs(60 * 60);

/// The sync executor for one catalog and the cooperative's marketplaces.
pub struct Engine<M> {
    markets: BTreeMap<MarketplaceId, M>,
    budgets: BTreeMap<MarketplaceId, Budget>,
    clock: Box<dyn Clock + Send>,
    random: Box<dyn FnMut() -> u64 + Send>,
    backoff: Backoff,
    /// How often sales are pulled while the engine runs.
    pull_every: Duration,
    /// When each marketplace was last pulled to its end, for `pull_every`.
    last_pull: BTreeMap<MarketplaceId, Timestamp>,
    /// When each marketplace was last read from at all, for [`FRESH_PULL`].
    pulled_at: BTreeMap<MarketplaceId, Timestamp>,
    hook: Option<Hook>,
    progress: Option<ProgressSink>,
    /// Held while the engine lives: no other engine sends this catalog's changes.
    _sync_lock: SyncLock,
}

/// Randomness for backoff jitter from the operating system's seed: a fresh `RandomState`
/// hashes nothing into a different number each time. Tests inject their own.
pub fn os_random() -> Box<dyn FnMut() -> u64 + Send> {
    use std::hash::{BuildHasher, Hasher};
    Box::new(|| {
        std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish()
    })
}

fn lock(catalog: &Mutex<Catalog>) -> MutexGuard<'_, Catalog> {
    // A panic elsewhere while holding the catalog cannot leave SQLite half-written: each
    // write is one transaction. Carry on with it.
    catalog.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn later(now: Timestamp, wait: Duration) -> Timestamp {
    Timestamp(
        now.millis()
            .saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX)),
    )
}

impl<M: Marketplace> Engine<M> {
    /// Starts an engine on `catalog` for `holder` (who syncs, as a person would name it:
    /// "the Hanout app"), refused while another engine syncs it. Then settles what a
    /// previous run left: a request recorded as sending may or may not have left.
    pub fn new(
        catalog: &Mutex<Catalog>,
        holder: &str,
        markets: BTreeMap<MarketplaceId, M>,
        clock: Box<dyn Clock + Send>,
        random: Box<dyn FnMut() -> u64 + Send>,
    ) -> Result<Self, EngineError> {
        let sync_lock = lock(catalog).lock_sync(holder)?;
        lock(catalog).recover_operations()?;
        Ok(Engine {
            _sync_lock: sync_lock,
            budgets: markets
                .keys()
                .map(|id| (id.clone(), Budget::default()))
                .collect(),
            markets,
            clock,
            random,
            backoff: Backoff::default(),
            pull_every: Duration::from_secs(5 * 60),
            last_pull: BTreeMap::new(),
            pulled_at: BTreeMap::new(),
            hook: None,
            progress: None,
        })
    }

    /// Keeps each marketplace under its own published rate.
    pub fn with_budget(mut self, market: &MarketplaceId, budget: Budget) -> Self {
        self.budgets.insert(market.clone(), budget);
        self
    }

    pub fn with_hook(mut self, hook: Hook) -> Self {
        self.hook = Some(hook);
        self
    }

    pub fn with_progress(mut self, sink: ProgressSink) -> Self {
        self.progress = Some(sink);
        self
    }

    fn report(&self, progress: Progress) {
        if let Some(sink) = &self.progress {
            sink(progress);
        }
    }

    pub fn markets(&self) -> &BTreeMap<MarketplaceId, M> {
        &self.markets
    }

    /// Pulls sales from every marketplace at the next round ("sync now", a reconnect).
    pub fn pull_soon(&mut self) {
        self.last_pull.clear();
    }

    fn step(&mut self, step: Step) -> Result<(), EngineError> {
        let go_on = self.hook.as_mut().is_none_or(|hook| hook(step));
        if go_on {
            Ok(())
        } else {
            Err(EngineError::Stopped(step))
        }
    }

    /// Whether `market` may be sent a request now, counting it if so.
    fn may_send(&mut self, market: &MarketplaceId, round: &Round) -> Result<bool, EngineError> {
        if round.unreachable.contains(market) || !self.markets.contains_key(market) {
            return Ok(false);
        }
        Ok(self
            .budgets
            .get_mut(market)
            .is_none_or(|b| b.take(self.clock.now())))
    }

    /// Pulls sales, then rounds until nothing is left to send now ("sync once"). Short
    /// waits (the request budget, a brief `Retry-After` or backoff, up to `short`) are
    /// waited out; longer ones are left to a later sync. A marketplace that keeps failing
    /// is given up on after a few fruitless rounds. Returns the requests sent.
    pub async fn send_all(
        &mut self,
        catalog: &Mutex<Catalog>,
        short: Duration,
    ) -> Result<usize, EngineError> {
        const FRUITLESS: u32 = 5;
        self.pull_soon();
        let mut sent = 0;
        let mut fruitless = 0;
        loop {
            let round = self.round(catalog).await?;
            sent += round.requests;
            fruitless = if round.confirmed > 0 {
                0
            } else {
                fruitless + 1
            };
            let wait = round
                .next_wake
                .map(|at| at.millis().saturating_sub(self.clock.now().millis()).max(0));
            match wait {
                Some(ms) if ms <= short.as_millis() as i64 && fruitless < FRUITLESS => {
                    tokio::time::sleep(Duration::from_millis(ms.unsigned_abs())).await;
                }
                _ if round.confirmed > 0 => {}
                _ => return Ok(sent),
            }
        }
    }

    /// One pass over every marketplace: pull sales when due, then send each lane's next
    /// operations until the lane is in step, fails or must wait.
    pub async fn round(&mut self, catalog: &Mutex<Catalog>) -> Result<Round, EngineError> {
        let mut round = Round::default();
        let accounts = lock(catalog).marketplaces()?;
        let now = self.clock.now();
        let mut open = BTreeSet::new();
        for account in &accounts {
            if account.needs_sign_in {
                continue;
            }
            if let Some(until) = account.paused_until.filter(|u| *u > now) {
                wake_at(&mut round, until);
                continue;
            }
            open.insert(account.id.clone());
        }
        for market in &open {
            let due = self
                .last_pull
                .get(market)
                .is_none_or(|at| later(*at, self.pull_every) <= now);
            if due {
                self.pull(catalog, market, &mut round).await?;
            }
        }
        let mut lanes = lock(catalog).sync_lanes()?;
        let stale: BTreeSet<MarketplaceId> = lanes
            .iter()
            .filter(|lane| {
                lane.failure.is_none()
                    && open.contains(&lane.key.marketplace)
                    && lane.next_attempt <= now
                    && writes_stock(&lane.plan())
                    && !self.fresh(&lane.key.marketplace)
            })
            .map(|lane| lane.key.marketplace.clone())
            .collect();
        if !stale.is_empty() {
            for market in &stale {
                self.pull(catalog, market, &mut round).await?;
            }
            // The sales just pulled changed the stock to write.
            lanes = lock(catalog).sync_lanes()?;
        }
        let mut claimed: BTreeMap<MarketplaceId, BTreeSet<_>> = BTreeMap::new();
        for lane in &lanes {
            if let Some(c) = &lane.lane.confirmed {
                claimed
                    .entry(lane.key.marketplace.clone())
                    .or_default()
                    .insert(c.remote_id.clone());
            }
        }
        let now = self.clock.now();
        let mut due = Vec::new();
        for lane in lanes {
            if lane.failure.is_some() || !open.contains(&lane.key.marketplace) {
                continue;
            }
            let ops = lane.ahead();
            if lane.next_attempt > now {
                if !ops.is_empty() {
                    wake_at(&mut round, lane.next_attempt);
                }
                continue;
            }
            round.progress.changes += ops.len();
            round.progress.bytes += upload_bytes(&lock(catalog), &ops);
            due.push(lane);
        }
        if round.progress.changes > 0 {
            self.report(round.progress);
        }
        let due = self.run_batches(catalog, due, &mut round).await?;
        for mut lane in due {
            let none = BTreeSet::new();
            let owned = claimed.get(&lane.key.marketplace).unwrap_or(&none);
            self.run_lane(catalog, &mut lane, owned, &mut round).await?;
            if let Some(c) = &lane.lane.confirmed {
                claimed
                    .entry(lane.key.marketplace.clone())
                    .or_default()
                    .insert(c.remote_id.clone());
            }
        }
        Ok(round)
    }

    /// Sends the first operation of many lanes together where a marketplace takes
    /// batches, when that first operation may travel in one ([`batchable`]). Lanes are
    /// independent, so this is the same as sending each alone, in fewer requests. Returns
    /// the lanes that may go on in this round: those not batched, and those whose
    /// batched operation was confirmed.
    async fn run_batches(
        &mut self,
        catalog: &Mutex<Catalog>,
        lanes: Vec<LaneState>,
        round: &mut Round,
    ) -> Result<Vec<LaneState>, EngineError> {
        let mut rest = Vec::new();
        let mut groups: BTreeMap<MarketplaceId, Vec<(LaneState, Operation)>> = BTreeMap::new();
        for lane in lanes {
            let size = self
                .markets
                .get(&lane.key.marketplace)
                .map_or(1, Marketplace::batch_size);
            match lane.plan().into_iter().next() {
                Some(op)
                    if size > 1
                        && batchable(&op)
                        && lane.lane.in_flight.is_empty()
                        && lane.lane.confirmed.is_some() =>
                {
                    groups
                        .entry(lane.key.marketplace.clone())
                        .or_default()
                        .push((lane, op));
                }
                _ => rest.push(lane),
            }
        }
        for (market, group) in groups {
            if group.len() < 2 {
                rest.extend(group.into_iter().map(|(lane, _)| lane));
                continue;
            }
            let size = self.markets.get(&market).map_or(1, Marketplace::batch_size);
            let mut group = group.into_iter();
            loop {
                let chunk: Vec<_> = group.by_ref().take(size).collect();
                if chunk.is_empty() {
                    break;
                }
                if !self.may_send(&market, round)? {
                    if let Some(at) = self
                        .budgets
                        .get(&market)
                        .map(|b| b.free_at(self.clock.now()))
                    {
                        wake_at(round, at);
                    }
                    rest.extend(chunk.into_iter().chain(group).map(|(lane, _)| lane));
                    break;
                }
                self.send_chunk(catalog, &market, chunk, round, &mut rest)
                    .await?;
            }
        }
        Ok(rest)
    }

    /// One batch request: every operation recorded `sending` before it leaves, and each
    /// outcome recorded after, as for a single request.
    async fn send_chunk(
        &mut self,
        catalog: &Mutex<Catalog>,
        market: &MarketplaceId,
        chunk: Vec<(LaneState, Operation)>,
        round: &mut Round,
        rest: &mut Vec<LaneState>,
    ) -> Result<(), EngineError> {
        let mut ids = Vec::with_capacity(chunk.len());
        for (lane, op) in &chunk {
            ids.push(lock(catalog).start_operation(&lane.key, op)?);
            self.step(Step::Recorded(op.name()))?;
        }
        round.requests += 1;
        let answers = match self.markets.get(market) {
            Some(client) => {
                let requests: Vec<Request<'_>> = chunk
                    .iter()
                    .map(|(lane, op)| Request {
                        sku: lane.key.product,
                        remote_id: lane.lane.confirmed.as_ref().map(|c| &c.remote_id),
                        op,
                        photos: lane.lane.confirmed.as_ref().map_or(&[], |c| &c.photos),
                        photo: None,
                        progress: &|_| {},
                    })
                    .collect();
                client.send_batch(&requests).await
            }
            None => Vec::new(),
        };
        // An answer missing from the batch's is an outcome nobody knows.
        let answers = answers.into_iter().map(Some).chain(std::iter::repeat(None));
        for (((mut lane, op), id), answer) in chunk.into_iter().zip(ids).zip(answers) {
            self.step(Step::Answered(op.name()))?;
            let answer = answer.unwrap_or(Err(Reply::Lost));
            let outcome = self.judge(catalog, &lane, &op, answer, round)?;
            if self.settle(catalog, &mut lane, id, &op, outcome, round)? {
                rest.push(lane);
            }
        }
        Ok(())
    }

    /// Records `op`'s outcome, counts it in the round's progress, and brings `lane` to
    /// what the catalog now holds (without reading it back). Says whether it was
    /// confirmed, so the lane may go on in this round.
    fn settle(
        &mut self,
        catalog: &Mutex<Catalog>,
        lane: &mut LaneState,
        id: OperationId,
        op: &Operation,
        outcome: LaneOutcome,
        round: &mut Round,
    ) -> Result<bool, EngineError> {
        lock(catalog).finish_operation(&lane.key, id, lane.lane.desired.as_ref(), &outcome)?;
        self.step(Step::Finished(op.name()))?;
        // A lane can find more to send than the round counted (photos after a create).
        round.progress.changes_sent += 1;
        round.progress.changes = round.progress.changes.max(round.progress.changes_sent);
        round.progress.bytes = round.progress.bytes.max(round.progress.bytes_sent);
        self.report(round.progress);
        Ok(match outcome {
            LaneOutcome::Confirmed(confirmed) => {
                round.confirmed += 1;
                lane.lane.confirmed = confirmed;
                true
            }
            LaneOutcome::Unknown { next_attempt }
            | LaneOutcome::Retry { next_attempt }
            | LaneOutcome::LookUp { next_attempt } => {
                wake_at(round, next_attempt);
                false
            }
            LaneOutcome::Failed { .. } => false,
        })
    }

    /// Whether `market` was read from recently enough for its stock to be written.
    fn fresh(&self, market: &MarketplaceId) -> bool {
        self.pulled_at
            .get(market)
            .is_some_and(|at| later(*at, FRESH_PULL) > self.clock.now())
    }

    /// Pulls the pages of order lines and website changes from `market` (at most
    /// [`PULL_PAGES`]) and applies them.
    async fn pull(
        &mut self,
        catalog: &Mutex<Catalog>,
        market: &MarketplaceId,
        round: &mut Round,
    ) -> Result<(), EngineError> {
        for _ in 0..PULL_PAGES {
            if !self.may_send(market, round)? {
                // Over budget: the pull is still due, as soon as the budget allows.
                if !round.unreachable.contains(market)
                    && let Some(budget) = self.budgets.get(market)
                {
                    wake_at(round, budget.free_at(self.clock.now()));
                }
                return Ok(());
            }
            let cursor = lock(catalog).marketplace(market)?.pull_cursor;
            let Some(client) = self.markets.get(market) else {
                return Ok(());
            };
            round.requests += 1;
            let answer = client.changes_since(cursor.as_deref()).await;
            let now = self.clock.now();
            match answer {
                Ok(changes) => {
                    lock(catalog).apply_remote_changes(market, &changes)?;
                    self.pulled_at.insert(market.clone(), now);
                    if !changes.more {
                        self.last_pull.insert(market.clone(), now);
                        return Ok(());
                    }
                }
                Err(reply) => {
                    // Pulling is safe to repeat: any failure simply ends this pull.
                    self.unreachable_or_paused(
                        catalog,
                        market,
                        &Operation::Reconcile,
                        &reply,
                        round,
                    )?;
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Notes what a failed reply says about the whole marketplace.
    fn unreachable_or_paused(
        &mut self,
        catalog: &Mutex<Catalog>,
        market: &MarketplaceId,
        op: &Operation,
        reply: &Reply,
        round: &mut Round,
    ) -> Result<Option<Failure>, EngineError> {
        let failure = classify(op, reply);
        if *reply == Reply::NotSent {
            round.unreachable.insert(market.clone());
        }
        match &failure {
            Some(Failure::RateLimited { retry_after }) => {
                let wait = self
                    .backoff
                    .retry_after(
                        &Failure::RateLimited {
                            retry_after: *retry_after,
                        },
                        0,
                        (self.random)(),
                    )
                    .unwrap_or_default()
                    .min(LONGEST_PAUSE);
                let until = later(self.clock.now(), wait);
                lock(catalog).pause_marketplace(market, until)?;
                round.unreachable.insert(market.clone());
                wake_at(round, until);
            }
            Some(Failure::NeedsSignIn) => {
                lock(catalog).set_needs_sign_in(market, true)?;
                round.unreachable.insert(market.clone());
            }
            _ => {}
        }
        Ok(failure)
    }

    /// Sends one lane's operations, one after the other, until it is in step with the
    /// wish or must wait.
    async fn run_lane(
        &mut self,
        catalog: &Mutex<Catalog>,
        lane: &mut LaneState,
        claimed: &BTreeSet<hanout_sync::RemoteId>,
        round: &mut Round,
    ) -> Result<(), EngineError> {
        let market = lane.key.marketplace.clone();
        loop {
            let Some(op) = lane.plan().into_iter().next() else {
                return Ok(());
            };
            if writes_stock(std::slice::from_ref(&op)) && !self.fresh(&market) {
                // A long round (photos on 2G) left the last pull behind: pull again, and
                // plan from the stock it brings.
                self.pull(catalog, &market, round).await?;
                if !self.fresh(&market) {
                    return Ok(());
                }
                match lock(catalog).sync_lane(&lane.key)? {
                    Some(fresh) if fresh.failure.is_none() => *lane = fresh,
                    _ => return Ok(()),
                }
                continue;
            }
            if !self.may_send(&market, round)? {
                if let Some(at) = self
                    .budgets
                    .get(&market)
                    .map(|b| b.free_at(self.clock.now()))
                {
                    wake_at(round, at);
                }
                return Ok(());
            }
            let id = lock(catalog).start_operation(&lane.key, &op)?;
            self.step(Step::Recorded(op.name()))?;
            round.requests += 1;
            let outcome = self.send(catalog, lane, &op, claimed, round).await?;
            self.step(Step::Answered(op.name()))?;
            // Settling a doubt changes what is in flight: the next round reads it afresh.
            let settled_doubt = !lane.lane.in_flight.is_empty();
            if !self.settle(catalog, lane, id, &op, outcome, round)? || settled_doubt {
                return Ok(());
            }
        }
    }

    /// Sends `op` and judges the answer.
    async fn send(
        &mut self,
        catalog: &Mutex<Catalog>,
        lane: &LaneState,
        op: &Operation,
        claimed: &BTreeSet<hanout_sync::RemoteId>,
        round: &mut Round,
    ) -> Result<LaneOutcome, EngineError> {
        let market = &lane.key.marketplace;
        let Some(client) = self.markets.get(market) else {
            return Ok(LaneOutcome::Retry {
                next_attempt: self.clock.now(),
            });
        };
        let confirmed = lane.lane.confirmed.as_ref();
        let remote_id = confirmed.map(|c| &c.remote_id);
        if *op == Operation::Reconcile {
            let (create, sent_at) = lane
                .lane
                .in_flight
                .iter()
                .zip(&lane.operations)
                .find(|(i, _)| matches!(i.op, Operation::Create { .. }))
                .map(|(i, id)| (&i.op, sent_at(id)))
                .unzip();
            let answer = client
                .look_up(LookUp {
                    sku: lane.key.product,
                    remote_id,
                    create,
                    sent_at: sent_at.flatten(),
                    claimed,
                })
                .await;
            let lag = client.lists_lag();
            if let (Ok(None), Some(Some(sent)), None) = (&answer, sent_at, confirmed)
                && !lag.is_zero()
            {
                // Nothing found of a create nobody knows the fate of, on a marketplace
                // whose lists lag: it is sent again only once the lag is over and two
                // look-ups in a row found nothing.
                let settled = later(sent, lag);
                if lane.failures < 2 || self.clock.now() < settled {
                    let next = self.next_attempt(lane, &Failure::Unknown);
                    return Ok(LaneOutcome::Unknown {
                        next_attempt: next.max(settled),
                    });
                }
            }
            return match answer {
                Ok(found) => Ok(match reconcile(confirmed, &lane.lane.in_flight, found) {
                    Reconciled::Known(c) => LaneOutcome::Confirmed(c),
                    Reconciled::Gone => LaneOutcome::Failed {
                        reason: GONE.to_owned(),
                        confirmed: None,
                    },
                }),
                Err(reply) => self.failed(catalog, lane, op, &reply, round),
            };
        }
        let photo = match op {
            Operation::UploadPhoto { hash, .. } => {
                let path = lock(catalog).photo_path(hash, PhotoSize::Upload);
                match std::fs::read(&path) {
                    Ok(bytes) => Some(bytes),
                    Err(e) => {
                        return Ok(LaneOutcome::Failed {
                            reason: format!(
                                "the photo file {} cannot be read: {e}",
                                path.display()
                            ),
                            confirmed: confirmed.cloned(),
                        });
                    }
                }
            }
            _ => None,
        };
        let before = round.progress;
        let sink = self.progress.as_deref();
        let progress = move |sent: u64| {
            if let Some(sink) = sink {
                sink(Progress {
                    bytes_sent: before.bytes_sent + sent,
                    bytes: before.bytes.max(before.bytes_sent + sent),
                    ..before
                });
            }
        };
        let answer = client
            .send(Request {
                sku: lane.key.product,
                remote_id,
                op,
                photos: confirmed.map_or(&[], |c| &c.photos),
                photo: photo.as_deref(),
                progress: &progress,
            })
            .await;
        round.progress.bytes_sent += photo.as_ref().map_or(0, |p| p.len() as u64);
        self.judge(catalog, lane, op, answer, round)
    }

    /// What an answer to `op` means for its lane.
    fn judge(
        &mut self,
        catalog: &Mutex<Catalog>,
        lane: &LaneState,
        op: &Operation,
        answer: Result<Done, Reply>,
        round: &mut Round,
    ) -> Result<LaneOutcome, EngineError> {
        match answer {
            Ok(done) => Ok(match confirm(lane.lane.confirmed.as_ref(), op, done) {
                Ok(c) => LaneOutcome::Confirmed(c),
                Err(_) => LaneOutcome::Unknown {
                    next_attempt: self.next_attempt(lane, &Failure::Unknown),
                },
            }),
            Err(reply) => self.failed(catalog, lane, op, &reply, round),
        }
    }

    fn next_attempt(&mut self, lane: &LaneState, failure: &Failure) -> Timestamp {
        let wait = self
            .backoff
            .retry_after(failure, lane.failures, (self.random)())
            .unwrap_or_default();
        later(self.clock.now(), wait)
    }

    fn failed(
        &mut self,
        catalog: &Mutex<Catalog>,
        lane: &LaneState,
        op: &Operation,
        reply: &Reply,
        round: &mut Round,
    ) -> Result<LaneOutcome, EngineError> {
        let failure = self
            .unreachable_or_paused(catalog, &lane.key.marketplace, op, reply, round)?
            // A 2xx is not a failure, but an answer we could not read: unknown.
            .unwrap_or(Failure::Unknown);
        Ok(match &failure {
            Failure::Rejected { reason } => LaneOutcome::Failed {
                reason: reason.clone(),
                confirmed: lane.lane.confirmed.clone(),
            },
            Failure::Unknown => LaneOutcome::Unknown {
                next_attempt: self.next_attempt(lane, &failure),
            },
            Failure::Gone => LaneOutcome::LookUp {
                next_attempt: self.next_attempt(lane, &failure),
            },
            Failure::Retry | Failure::RateLimited { .. } | Failure::NeedsSignIn => {
                LaneOutcome::Retry {
                    next_attempt: self.next_attempt(lane, &failure),
                }
            }
        })
    }
}

/// The reason a lane shows when its listing was deleted on the marketplace's website.
pub const GONE: &str = "deleted on the marketplace: create it again, or take it off";

/// When an operation was recorded as sending: its id is a UUIDv7, made from the
/// catalog's clock just before the request left.
fn sent_at(id: &OperationId) -> Option<Timestamp> {
    let (seconds, nanos) = id.as_uuid().get_timestamp()?.to_unix();
    let millis = i64::try_from(seconds).ok()?.checked_mul(1000)? + i64::from(nanos / 1_000_000);
    Some(Timestamp(millis))
}

/// Whether any of `ops` writes a listing's stock.
fn writes_stock(ops: &[Operation]) -> bool {
    ops.iter()
        .any(|op| matches!(op, Operation::SetPriceAndStock { .. }))
}

fn wake_at(round: &mut Round, at: Timestamp) {
    round.next_wake = Some(round.next_wake.map_or(at, |w| w.min(at)));
}

#[cfg(test)]
mod tests {
    #[test]
    fn os_random_draws_differ() {
        let mut random = super::os_random();
        let draws: std::collections::BTreeSet<u64> = (0..1000).map(|_| random()).collect();
        assert_eq!(draws.len(), 1000);
    }
}
