//! The sync engine's proof: a seeded simulation in virtual time.
//!
//! Per seed, an artisan makes about a thousand changes to fifty products listed on two
//! in-memory marketplaces ([`shop`]: one like Etsy, one like WooCommerce) while buyers
//! buy, the network drops, answers are lost after the marketplace acted, 5xx and 429s
//! come back, a title is refused, the seller deletes a listing on the website, and the
//! engine is restarted or stopped dead between any two steps of an operation. Then the
//! network comes back for good and the queue drains. [`simulate`] then checks:
//!
//! - no marketplace holds two listings for one product, or one photo twice;
//! - no change is lost: every lane shows exactly what the artisan wants, or is visibly
//!   failed with the marketplace's reason;
//! - no request touched a listing that was never created (a photo before its listing);
//! - no request came before a `Retry-After` deadline;
//! - the queue drained: nothing waits but failures for a person.
//!
//! The same seed gives the same trace ([`Report::trace`]).

pub mod clock;
pub mod crash;
pub mod shop;

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hanout_domain::{
    ArtisanForm, ArtisanId, Clock, CooperativeForm, CooperativeId, Lang, PhotoHash, ProductForm,
    ProductId, ProductStatus,
};
use hanout_engine::{Engine, EngineError, LaneStatus, lane_status};
use hanout_media::{Format, Processed, Rendition, SourceInfo};
use hanout_store::{Catalog, StoreError};
use hanout_sync::{LaneKey, MarketplaceId};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::clock::VirtualClock;
use crate::shop::{Faults, Kind, REFUSED_TITLE_MARK, SimMarket};

/// How hard a seed is.
#[derive(Clone, Debug)]
pub struct Config {
    /// Local changes the artisan makes.
    pub changes: usize,
    /// Products at most.
    pub products: usize,
    pub faults: Faults,
    /// Chance, per change, that the engine is restarted from the catalog file.
    pub restart: f64,
    /// Chance, per step of an operation, that the engine stops dead there.
    pub crash: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            changes: 1000,
            products: 50,
            faults: Faults::default(),
            restart: 0.01,
            crash: 0.003,
        }
    }
}

/// What one seed did and what it broke.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub seed: u64,
    /// Every guarantee broken; empty when the seed passed.
    pub violations: Vec<String>,
    /// A hash of every request both marketplaces saw, in order, with its virtual time.
    pub trace: u64,
    pub requests: usize,
    pub changes: usize,
    pub sales: usize,
    /// Orders cancelled or refunded after the sale.
    pub cancels: usize,
    /// Sales made when every piece was already sold (two shops sold the last one).
    pub oversells: usize,
    pub restarts: usize,
    pub crashes: usize,
    /// Lanes left failed with a reason for the artisan.
    pub failed: usize,
    /// Lanes in step at the end.
    pub in_step: usize,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.violations.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot use a file of the simulation: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Scenario(String),
}

/// Runs `seeds` on every core, calling `done` with each report as it comes (in no fixed
/// order). A seed whose simulation cannot even run (no temporary folder) reports that
/// as its violation.
pub fn simulate_many(
    seeds: std::ops::RangeInclusive<u64>,
    config: &Config,
    done: impl Fn(Report) + Sync,
) {
    let next = std::sync::atomic::AtomicU64::new(*seeds.start());
    let last = *seeds.end();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let seed = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if seed > last {
                        return;
                    }
                    done(simulate(seed, config).unwrap_or_else(|e| Report {
                        seed,
                        violations: vec![format!("the simulation could not run: {e}")],
                        ..Report::default()
                    }));
                }
            });
        }
    });
}

/// Rounds the drain may take before the queue counts as stuck.
const DRAIN_ROUNDS: usize = 20_000;

struct World {
    clock: VirtualClock,
    catalog: Mutex<Catalog>,
    markets: BTreeMap<MarketplaceId, SimMarket>,
    rng: ChaCha8Rng,
    /// Shared with the engine's hook, which decides crashes from it.
    crash_rng: Arc<Mutex<ChaCha8Rng>>,
    config: Config,
    makers: Vec<ArtisanId>,
    products: Vec<ProductId>,
    photos: Vec<Processed>,
    report: Report,
    /// Sales that sold more than there was when they were made, by the catalog's count
    /// and every sale not yet pulled: each must end up flagged as an oversell.
    oversold: Vec<Oversold>,
    /// When the artisan last set each product's stock: after that, she counted again.
    stock_set: BTreeMap<ProductId, hanout_domain::Timestamp>,
}

/// A sale made when the pieces were already all sold.
struct Oversold {
    product: ProductId,
    at: hanout_domain::Timestamp,
    /// The order lines, on each marketplace, that held the product's pieces then: if one
    /// is cancelled after all, there was enough.
    lines: Vec<(MarketplaceId, String)>,
}

/// Runs one seed.
pub fn simulate(seed: u64, config: &Config) -> Result<Report, SimError> {
    // tmpfs where there is one: the simulation tests the engine, not the disk.
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm)?
    } else {
        tempfile::tempdir()?
    };
    let clock = VirtualClock::new();
    let mut ids = ChaCha8Rng::seed_from_u64(seed ^ 0x1d5);
    let mut catalog = Catalog::open_with(
        &dir.path().join("sim.db"),
        Box::new(clock.clone()),
        Some(Box::new(move || ids.random())),
    )?;
    let (coop, makers) = workshop(&mut catalog, "Taacchabouna", &["Fatima", "Ito", "Khadija"])?;
    let mut markets = BTreeMap::new();
    for (n, (kind, id, account_kind)) in [
        (Kind::Etsy, "etsy:sim", "etsy"),
        (Kind::Woo, "woo:sim", "woocommerce"),
    ]
    .into_iter()
    .enumerate()
    {
        let id = MarketplaceId::new(id);
        catalog.add_marketplace(&id, coop, account_kind, id.as_str())?;
        let market = SimMarket::new(
            kind,
            seed.wrapping_mul(31).wrapping_add(n as u64),
            clock.clone(),
        );
        market.shop().faults = config.faults;
        markets.insert(id, market);
    }
    let mut world = World {
        clock,
        catalog: Mutex::new(catalog),
        markets,
        rng: ChaCha8Rng::seed_from_u64(seed),
        crash_rng: Arc::new(Mutex::new(ChaCha8Rng::seed_from_u64(seed ^ 0x5eed))),
        config: config.clone(),
        makers,
        products: Vec::new(),
        photos: (0..12).map(sample_photo).collect(),
        report: Report {
            seed,
            ..Report::default()
        },
        oversold: Vec::new(),
        stock_set: BTreeMap::new(),
    };
    world.run()?;
    drop(dir);
    Ok(world.report)
}

/// A cooperative and its artisans, as every scenario starts.
pub fn workshop(
    catalog: &mut Catalog,
    cooperative: &str,
    makers: &[&str],
) -> Result<(CooperativeId, Vec<ArtisanId>), StoreError> {
    let coop = catalog.add_cooperative(&CooperativeForm {
        name: cooperative.into(),
    })?;
    let makers = makers
        .iter()
        .map(|name| {
            catalog
                .add_artisan(&ArtisanForm {
                    name: (*name).into(),
                    cooperative: coop.id.to_string(),
                    nia: String::new(),
                })
                .map(|a| a.id)
        })
        .collect::<Result<_, _>>()?;
    Ok((coop.id, makers))
}

/// A stand-in for a processed photo: distinct bytes, so a distinct hash.
pub fn sample_photo(n: u32) -> Processed {
    let rendition = |side: u32| Rendition {
        jpeg: format!("simulated photo {n} at {side} px").into_bytes(),
        width: side,
        height: side,
    };
    Processed {
        source: SourceInfo {
            format: Format::Jpeg,
            width: 4000,
            height: 4000,
            orientation: 1,
            upright_width: 4000,
            upright_height: 4000,
        },
        upload: rendition(2000),
        thumbnail: rendition(400),
    }
}

impl World {
    fn catalog(&self) -> std::sync::MutexGuard<'_, Catalog> {
        self.catalog.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn engine(&mut self) -> Result<Engine<SimMarket>, SimError> {
        let mut random = ChaCha8Rng::seed_from_u64(self.rng.random());
        let crash_rng = self.crash_rng.clone();
        let crash = self.config.crash;
        let engine = Engine::new(
            &self.catalog,
            "the simulation",
            self.markets.clone(),
            Box::new(self.clock.clone()),
            Box::new(move || random.random()),
        )?;
        Ok(engine.with_hook(Box::new(move |_step| {
            !crash_rng
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .random_bool(crash)
        })))
    }

    /// Starts the engine again from the catalog file, as a new process would: the old one
    /// is gone (and its sync lock with it) before the new one starts.
    fn restart(&mut self, engine: &mut Option<Engine<SimMarket>>) -> Result<(), SimError> {
        *engine = None;
        *engine = Some(self.engine()?);
        Ok(())
    }

    /// One round; a stop is a crash: the next engine starts from the catalog file.
    fn round(
        &mut self,
        engine: &mut Option<Engine<SimMarket>>,
    ) -> Result<hanout_engine::Round, SimError> {
        if engine.is_none() {
            self.restart(engine)?;
        }
        let Some(running) = engine.as_mut() else {
            return Ok(hanout_engine::Round::default());
        };
        match futures_executor::block_on(running.round(&self.catalog)) {
            Ok(round) => Ok(round),
            Err(EngineError::Stopped(_)) => {
                self.report.crashes += 1;
                self.restart(engine)?;
                Ok(hanout_engine::Round::default())
            }
            Err(EngineError::Store(e)) => Err(e.into()),
        }
    }

    fn run(&mut self) -> Result<(), SimError> {
        let mut engine = None;
        self.restart(&mut engine)?;
        let mut offline_until = None;
        for _ in 0..self.config.changes {
            let now = self.clock.now();
            match offline_until {
                Some(until) if now >= until => {
                    self.set_offline(false);
                    offline_until = None;
                }
                None if self.rng.random_bool(0.01) => {
                    let minutes = self.rng.random_range(1..30);
                    offline_until = Some(hanout_domain::Timestamp(now.millis() + minutes * 60_000));
                    self.set_offline(true);
                }
                _ => {}
            }
            self.change()?;
            self.report.changes += 1;
            if self.rng.random_bool(0.05) {
                let pick = self.rng.random_range(0..usize::MAX);
                let market = self.pick_market();
                let sold = market.shop().buy(pick);
                if let Some(product) = sold {
                    self.report.sales += 1;
                    self.note_if_oversold(product)?;
                }
            }
            if self.rng.random_bool(0.01) {
                let pick = self.rng.random_range(0..usize::MAX);
                if self.pick_market().shop().cancel(pick).is_some() {
                    self.report.cancels += 1;
                }
            }
            if self.rng.random_bool(0.002) {
                let pick = self.rng.random_range(0..usize::MAX);
                self.pick_market().shop().delete_on_website(pick);
            }
            if self.rng.random_bool(self.config.restart) {
                self.report.restarts += 1;
                self.restart(&mut engine)?;
            }
            self.clock
                .advance(Duration::from_millis(self.rng.random_range(1_000..20_000)));
            self.round(&mut engine)?;
        }
        self.set_offline(false);
        self.drain(&mut engine)?;
        self.check()
    }

    fn set_offline(&self, offline: bool) {
        for m in self.markets.values() {
            m.shop().offline = offline;
        }
    }

    fn pick_market(&mut self) -> SimMarket {
        let n = self.rng.random_range(0..self.markets.len());
        self.markets.values().nth(n).cloned().expect("two markets")
    }

    /// Runs rounds, jumping virtual time to each wake, until nothing is left to do.
    fn drain(&mut self, engine: &mut Option<Engine<SimMarket>>) -> Result<(), SimError> {
        if let Some(running) = engine.as_mut() {
            running.pull_soon();
        }
        for _ in 0..DRAIN_ROUNDS {
            let round = self.round(engine)?;
            if round.requests == 0 && round.next_wake.is_none() && self.queue_empty()? {
                return Ok(());
            }
            match round.next_wake {
                Some(at) => self.clock.advance_to(at),
                None => self.clock.advance(Duration::from_secs(1)),
            }
        }
        self.report
            .violations
            .push(format!("the queue did not drain in {DRAIN_ROUNDS} rounds"));
        Ok(())
    }

    fn queue_empty(&self) -> Result<bool, SimError> {
        Ok(self.catalog().sync_lanes()?.iter().all(|l| {
            matches!(
                lane_status(l, &l.plan(), None),
                LaneStatus::Sent | LaneStatus::SoldOut | LaneStatus::Failed { .. }
            )
        }))
    }

    /// One thing the artisan does.
    fn change(&mut self) -> Result<(), SimError> {
        let roll = self.rng.random_range(0..100);
        if self.products.is_empty() || (roll < 8 && self.products.len() < self.config.products) {
            return self.new_product();
        }
        let product = self.products[self.rng.random_range(0..self.products.len())];
        let entry = self.catalog().product(product)?;
        if entry.product.fields.status == ProductStatus::Archived {
            return Ok(());
        }
        let mut form = ProductForm::from(&entry.product.fields);
        let photos: Vec<PhotoHash> = entry
            .product
            .photos
            .iter()
            .map(|p| p.hash.clone())
            .collect();
        let market = self
            .markets
            .keys()
            .nth(self.rng.random_range(0..2))
            .cloned()
            .expect("two markets");
        let key = LaneKey {
            product,
            marketplace: market.clone(),
        };
        match roll {
            0..=27 => {
                form.price = format!("{}", self.rng.random_range(20..2000));
                self.update(product, &form)
            }
            28..=42 => {
                form.quantity = format!("{}", self.rng.random_range(0..6));
                self.update(product, &form)
            }
            43..=52 => {
                let title = self.title();
                form.titles.insert(Lang::Fr, title);
                self.update(product, &form)
            }
            53..=62 if photos.len() < 5 => {
                let photo = self.photos[self.rng.random_range(0..self.photos.len())].clone();
                ignore_invalid(self.catalog().add_photo(product, &photo, &[], ""))
            }
            63..=69 if !photos.is_empty() => {
                let hash = &photos[self.rng.random_range(0..photos.len())];
                ignore_invalid(self.catalog().remove_photo(product, hash))
            }
            70..=76 if photos.len() > 1 => {
                let hash = &photos[self.rng.random_range(0..photos.len())];
                let to = self.rng.random_range(0..photos.len());
                ignore_invalid(self.catalog().move_photo(product, hash, to))
            }
            77..=86 => {
                let published = self.rng.random_bool(0.8);
                let wanted = self.rng.random_bool(0.85);
                ignore_invalid(
                    self.catalog()
                        .set_listing(product, &market, wanted, published),
                )
            }
            87..=88 => ignore_invalid(self.catalog().archive_product(product)),
            89..=93 => {
                // The artisan taps Retry on whatever failed.
                Ok(self.catalog().retry_lane(&key)?)
            }
            _ => Ok(()),
        }
    }

    fn title(&mut self) -> String {
        const WORDS: [&str; 6] = ["Tajine", "Tapis", "Panier", "Coussin", "Babouches", "Plat"];
        let word = WORDS[self.rng.random_range(0..WORDS.len())];
        if self.rng.random_bool(0.1) {
            // A title the marketplace refuses, until the artisan writes another.
            format!("{word} {REFUSED_TITLE_MARK} co")
        } else {
            format!("{word} {}", self.rng.random_range(1..40))
        }
    }

    fn update(&mut self, product: ProductId, form: &ProductForm) -> Result<(), SimError> {
        let before = self.catalog().product(product)?.product.fields.quantity;
        if form.quantity != before.to_string() {
            self.stock_set.insert(product, self.clock.now());
        }
        ignore_invalid(self.catalog().update_product(product, form))
    }

    /// Notes a sale just made if, with every sale not yet pulled, more pieces are sold
    /// than the catalog has.
    fn note_if_oversold(&mut self, product: ProductId) -> Result<(), SimError> {
        let mut stock = self.catalog().product(product)?.product.fields.quantity;
        let mut lines = Vec::new();
        let mut unpulled = 0;
        for (id, market) in &self.markets {
            for (p, line) in &market.shop().state.orders {
                if *p != product {
                    continue;
                }
                let pulled = self.catalog().order_line(id, &line.id)?;
                let counted = pulled.filter(|l| l.state == hanout_sync::OrderState::Sold);
                if line.state != hanout_sync::OrderState::Sold {
                    // A cancel not pulled yet: its piece comes back to the catalog.
                    stock += counted.map_or(0, |l| l.taken);
                    continue;
                }
                // Every sale holding a piece: if one is cancelled after all, its piece
                // may go to this buyer.
                lines.push((id.clone(), line.id.clone()));
                if counted.is_none() {
                    unpulled += line.quantity;
                }
            }
        }
        if unpulled > stock {
            self.oversold.push(Oversold {
                product,
                at: self.clock.now(),
                lines,
            });
        }
        Ok(())
    }

    fn new_product(&mut self) -> Result<(), SimError> {
        let maker = self.makers[self.rng.random_range(0..self.makers.len())];
        let title = self.title();
        let form = ProductForm {
            titles: [(Lang::Fr, title)].into(),
            category: "pottery".into(),
            price: format!("{}", self.rng.random_range(20..2000)),
            quantity: format!(
                "{}",
                if self.rng.random_bool(0.3) {
                    1
                } else {
                    self.rng.random_range(1..6)
                }
            ),
            maker: maker.to_string(),
            status: "ready".into(),
            ..ProductForm::default()
        };
        let id = self.catalog().add_product(&form)?.product.id;
        for _ in 0..self.rng.random_range(0..3) {
            let photo = self.photos[self.rng.random_range(0..self.photos.len())].clone();
            self.catalog().add_photo(id, &photo, &[], "")?;
        }
        let markets: Vec<MarketplaceId> = self.markets.keys().cloned().collect();
        for market in markets {
            if self.rng.random_bool(0.8) {
                let published = self.rng.random_bool(0.9);
                self.catalog().set_listing(id, &market, true, published)?;
            }
        }
        self.products.push(id);
        Ok(())
    }

    fn check(&mut self) -> Result<(), SimError> {
        for o in &self.oversold {
            let counted_again = self.stock_set.get(&o.product).is_some_and(|at| *at > o.at);
            let all_sold = o.lines.iter().all(|(id, line)| {
                self.markets[id]
                    .shop()
                    .state
                    .orders
                    .iter()
                    .any(|(_, l)| l.id == *line && l.state == hanout_sync::OrderState::Sold)
            });
            if all_sold && !counted_again && !self.catalog().ever_oversold(o.product)? {
                self.report.violations.push(format!(
                    "{} was sold more times than there were pieces, and nobody was told",
                    o.product
                ));
            }
        }
        self.report.oversells = self.oversold.len();
        let checked = check(&self.catalog(), &self.markets)?;
        self.report.violations.extend(checked.violations);
        self.report.trace = checked.trace;
        self.report.requests = checked.requests;
        self.report.failed = checked.failed;
        self.report.in_step = checked.in_step;
        Ok(())
    }
}

/// What [`check`] found.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    pub violations: Vec<String>,
    pub trace: u64,
    pub requests: usize,
    pub failed: usize,
    pub in_step: usize,
}

/// The checks every seed (and every crash point) must pass once the queue has drained:
/// no listing or photo twice, every lane in step with the wish or visibly failed, and
/// every rule the shops saw broken.
pub fn check(
    catalog: &Catalog,
    markets: &BTreeMap<MarketplaceId, SimMarket>,
) -> Result<Checked, StoreError> {
    let mut checked = Checked::default();
    let mut hasher = DefaultHasher::new();
    for (id, market) in markets {
        let shop = market.shop();
        checked.requests += shop.requests;
        shop.trace.hash(&mut hasher);
        for v in &shop.state.violations {
            checked.violations.push(format!("{id}: {v}"));
        }
        let mut by_product: BTreeMap<ProductId, usize> = BTreeMap::new();
        for (remote, l) in shop.state.listings.iter().filter(|(_, l)| !l.deleted) {
            *by_product.entry(l.origin).or_default() += 1;
            let mut hashes: Vec<_> = l.images.iter().map(|(_, h)| h).collect();
            hashes.sort();
            if hashes.windows(2).any(|w| w[0] == w[1]) {
                checked
                    .violations
                    .push(format!("{id}: listing {remote} holds a photo twice"));
            }
        }
        for (product, n) in by_product.into_iter().filter(|(_, n)| *n > 1) {
            checked
                .violations
                .push(format!("{id}: {n} listings for product {product}"));
        }
    }
    checked.trace = hasher.finish();
    for (id, market) in markets {
        for (product, line) in &market.shop().state.orders {
            let applied = catalog.order_line(id, &line.id)?;
            if applied.as_ref().map(|a| a.state) != Some(line.state) {
                checked.violations.push(format!(
                    "{id}: order line {} of {product} is {:?} on the marketplace, {applied:?} in the catalog",
                    line.id, line.state
                ));
            }
        }
    }
    for lane in catalog.sync_lanes()? {
        match lane_status(&lane, &lane.plan(), None) {
            LaneStatus::Failed { reason } => {
                checked.failed += 1;
                // The shops refuse only a title with the mark; a listing is gone only
                // when deleted on the website. Anything else failed a lane for nothing.
                let refused_title = lane.lane.desired.as_ref().is_some_and(|d| {
                    d.text
                        .titles
                        .values()
                        .any(|t| t.contains(REFUSED_TITLE_MARK))
                });
                if !refused_title && reason != hanout_engine::GONE {
                    checked.violations.push(format!(
                        "{:?} failed while the marketplace was fine: {reason}",
                        lane.key
                    ));
                }
                continue;
            }
            LaneStatus::Sent | LaneStatus::SoldOut => {}
            other => {
                checked
                    .violations
                    .push(format!("{:?} still {other:?} after the drain", lane.key));
            }
        }
        let Some(market) = markets.get(&lane.key.marketplace) else {
            continue;
        };
        let shop = market.shop();
        let remote = shop
            .state
            .listings
            .values()
            .find(|l| !l.deleted && l.origin == lane.key.product);
        let want = lane.lane.desired.as_ref();
        let same = match (want, remote) {
            (None, None) => true,
            // Sold out before it was ever listed where a stock of 0 is refused.
            (Some(w), None) => w.waits_for_stock(),
            (Some(w), Some(r)) => {
                // Sold out at 0 on a marketplace that refuses a stock of 0: neither price
                // nor stock can be written until stock returns.
                let writable = w.stock_given(r.quantity);
                r.text == w.text
                    && (r.price == w.price || writable.is_none())
                    && writable.is_none_or(|q| q == r.quantity)
                    && r.images.iter().map(|(_, h)| h).eq(w.photos.iter())
                    && r.published == w.goes_live()
            }
            _ => false,
        };
        if same {
            checked.in_step += 1;
        } else {
            checked.violations.push(format!(
                "lost change on {} for {}: want {want:?}, the marketplace shows {remote:?}",
                lane.key.marketplace, lane.key.product
            ));
        }
    }
    Ok(checked)
}

/// A change the catalog refuses (a photo too many, an archived product) is the artisan's
/// mistake, not the simulation's: it changes nothing and the run goes on.
fn ignore_invalid<T>(r: Result<T, StoreError>) -> Result<(), SimError> {
    match r {
        Ok(_) | Err(StoreError::Invalid(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
