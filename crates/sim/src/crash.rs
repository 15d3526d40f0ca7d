//! Crash points: a real engine process, stopped dead at one step of one kind of
//! operation, then started again on the same catalog file and shop file.
//!
//! [`prepare`] builds a catalog whose next operation is of the kind asked for;
//! [`run_engine`] runs the engine until the queue drains, or until its hook stops it.
//! `hanout dev crash-point` puts the two together for the crash-point tests, which kill
//! that process with SIGKILL where it stands.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use hanout_domain::{Clock, Lang, ProductForm, ProductId};
use hanout_engine::{Budget, Engine, EngineError, Hook, Step};
use hanout_store::{Catalog, StoreError};
use hanout_sync::MarketplaceId;

use crate::clock::VirtualClock;
use crate::shop::{Kind, SimMarket};
use crate::{Checked, SimError, check, sample_photo, workshop};

/// The kinds of operation a crash-point test stops in, by [`hanout_sync::Operation::name`].
pub const OPERATIONS: [&str; 10] = [
    "create",
    "update_fields",
    "set_price_and_stock",
    "upload_photo",
    "remove_photo",
    "reorder_photos",
    "publish",
    "unpublish",
    "delist",
    "reconcile",
];

const MARKET: &str = "etsy:crash";
/// Rounds before a queue with no faults counts as stuck.
const ROUNDS: usize = 100;

fn market_id() -> MarketplaceId {
    MarketplaceId::new(MARKET)
}

fn open(
    db: &Path,
    shop: &Path,
    clock: VirtualClock,
) -> Result<(Mutex<Catalog>, BTreeMap<MarketplaceId, SimMarket>), SimError> {
    // The real clock: each process is a real run, and ids stay time-ordered across them.
    let catalog = Catalog::open(db)?;
    // The shop's time is the real time the catalog's ids carry, moved on by the engine's
    // waits: a look-up compares when a listing was made with when its create was sent.
    let market = SimMarket::persistent(Kind::Etsy, shop, clock)?;
    Ok((Mutex::new(catalog), [(market_id(), market)].into()))
}

/// A clock at the real time, as the catalog's ids are.
fn now() -> VirtualClock {
    VirtualClock::starting_at(hanout_store::SystemClock.now())
}

/// Runs rounds until nothing is left to send. `hook` may stop the engine at any step.
pub fn run_engine(db: &Path, shop: &Path, hook: Option<Hook>) -> Result<Checked, SimError> {
    // Real time to start from, then virtual: the engine's waits (a lost create's look-ups
    // while Etsy's lists lag) pass at once rather than on a wall clock.
    let clock = now();
    let (catalog, markets) = open(db, shop, clock.clone())?;
    // No backoff and no budget to wait out: the shop has no faults.
    let mut engine = Engine::new(
        &catalog,
        "the crash-point engine",
        markets.clone(),
        Box::new(clock.clone()),
        Box::new(|| 0),
    )?
    .with_budget(&market_id(), Budget::new(10_000, 1_000_000));
    if let Some(hook) = hook {
        engine = engine.with_hook(hook);
    }
    engine.pull_soon();
    for _ in 0..ROUNDS {
        let round = futures_executor::block_on(engine.round(&catalog))?;
        match round.next_wake {
            Some(at) => clock.advance_to(at),
            None if round.requests == 0 => break,
            None => {}
        }
    }
    let catalog = catalog.lock().unwrap_or_else(PoisonError::into_inner);
    Ok(check(&catalog, &markets)?)
}

/// Builds, in `db` and `shop` (both new), a catalog whose next operation is `operation`.
pub fn prepare(db: &Path, shop: &Path, operation: &str) -> Result<(), SimError> {
    if !OPERATIONS.contains(&operation) {
        return Err(SimError::Scenario(format!(
            "no crash-point scenario for {operation:?}; one of: {}",
            OPERATIONS.join(", ")
        )));
    }
    let product = {
        let (catalog, _) = open(db, shop, now())?;
        let mut c = catalog.lock().unwrap_or_else(PoisonError::into_inner);
        let (coop, makers) = workshop(&mut c, "Tifawin", &["Itto"])?;
        c.add_marketplace(&market_id(), coop, "etsy", "Etsy")?;
        let form = ProductForm {
            titles: [(Lang::Fr, "Tapis de Taznakht".to_owned())].into(),
            category: "carpets".into(),
            price: "2400".into(),
            quantity: "2".into(),
            maker: makers[0].to_string(),
            status: "ready".into(),
            ..ProductForm::default()
        };
        let id = c.add_product(&form)?.product.id;
        for n in 0..2 {
            c.add_photo(id, &sample_photo(n), &[], "")?;
        }
        // Publishing waits for its own scenario.
        c.set_listing(id, &market_id(), true, operation != "publish")?;
        id
    };
    if operation != "create" {
        let checked = run_engine(db, shop, None)?;
        if !checked.violations.is_empty() {
            return Err(SimError::Scenario(checked.violations.join("; ")));
        }
        let (catalog, markets) = open(db, shop, now())?;
        let mut c = catalog.lock().unwrap_or_else(PoisonError::into_inner);
        change_for(&mut c, &markets, product, operation)?;
    }
    let (catalog, _) = open(db, shop, now())?;
    let c = catalog.lock().unwrap_or_else(PoisonError::into_inner);
    let lanes = c.sync_lanes()?;
    let next = lanes
        .first()
        .and_then(|l| l.plan().first().map(|op| op.name()));
    match next {
        Some(name) if name == operation => Ok(()),
        // A sale is seen only once pulled: the look-up it causes comes in the next round.
        _ if operation == "reconcile" => Ok(()),
        other => Err(SimError::Scenario(format!(
            "the scenario for {operation} plans {other:?} first"
        ))),
    }
}

/// The artisan's (or a buyer's) change that makes `operation` the next one.
fn change_for(
    c: &mut Catalog,
    markets: &BTreeMap<MarketplaceId, SimMarket>,
    product: ProductId,
    operation: &str,
) -> Result<(), StoreError> {
    let entry = c.product(product)?;
    let mut form = ProductForm::from(&entry.product.fields);
    let photos: Vec<_> = entry
        .product
        .photos
        .iter()
        .map(|p| p.hash.clone())
        .collect();
    match operation {
        "update_fields" => {
            form.titles.insert(Lang::Ar, "زربية تازناخت".into());
            c.update_product(product, &form)?;
        }
        "set_price_and_stock" => {
            form.price = "2600".into();
            c.update_product(product, &form)?;
        }
        "upload_photo" => {
            c.add_photo(product, &sample_photo(7), &[], "")?;
        }
        "remove_photo" => {
            c.remove_photo(product, &photos[1])?;
        }
        "reorder_photos" => {
            c.move_photo(product, &photos[1], 0)?;
        }
        "publish" => c.set_listing(product, &market_id(), true, true)?,
        "unpublish" => {
            form.quantity = "0".into();
            c.update_product(product, &form)?;
        }
        "delist" => {
            c.archive_product(product)?;
        }
        "reconcile" => {
            if let Some(m) = markets.get(&market_id()) {
                m.shop().buy(0);
            }
        }
        _ => {}
    }
    Ok(())
}

/// A hook that stops at `operation:step` (step: recorded, answered or finished) and
/// calls `stop` there: the crash-point process announces itself and waits to be killed.
pub fn stop_at(
    operation: String,
    step: String,
    mut stop: impl FnMut(Step) + Send + 'static,
) -> Hook {
    Box::new(move |s| {
        let (name, at) = match s {
            Step::Recorded(n) => (n, "recorded"),
            Step::Answered(n) => (n, "answered"),
            Step::Finished(n) => (n, "finished"),
        };
        if name == operation && at == step {
            stop(s);
            return false;
        }
        true
    })
}

impl From<EngineError> for SimError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Store(e) => SimError::Store(e),
            EngineError::Stopped(step) => SimError::Scenario(format!("stopped at {step:?}")),
        }
    }
}
