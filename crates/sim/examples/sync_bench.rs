//! How many requests a local change costs, with the planner merging what waits and
//! without (syncing after every change, as a queue that sends each edit would), and how
//! long planning and carrying out 1,000 queued changes takes against an in-memory
//! marketplace with no faults.
//!
//! cargo run -p hanout-sim --release --example sync_bench

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use hanout_domain::{Lang, ProductForm, ProductId};
use hanout_engine::Engine;
use hanout_sim::clock::VirtualClock;
use hanout_sim::shop::{Faults, Kind, SimMarket};
use hanout_sim::{sample_photo, workshop};
use hanout_store::Catalog;
use hanout_sync::MarketplaceId;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const PRODUCTS: usize = 50;
const CHANGES: usize = 1000;

struct Run {
    requests: usize,
    /// Making the changes and syncing them.
    seconds: f64,
    /// The last sync alone: for the merged run, planning and carrying out all 1,000.
    last_sync: f64,
}

/// Makes 50 listed products, then 1,000 edits (price, stock, title, photos), running the
/// engine after every edit (`eager`) or once after all of them.
fn run(eager: bool) -> Run {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let clock = VirtualClock::new();
    let catalog = Catalog::open_with_clock(&dir.path().join("bench.db"), Box::new(clock.clone()))
        .expect("opens");
    let catalog = Mutex::new(catalog);
    let market_id = MarketplaceId::new("woo:bench");
    let market = SimMarket::new(Kind::Woo, 1, clock.clone());
    market.shop().faults = Faults::NONE;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut products: Vec<ProductId> = Vec::new();
    {
        let mut c = catalog.lock().expect("one thread");
        let (coop, makers) = workshop(&mut c, "Bench", &["Aicha"]).expect("adds");
        c.add_marketplace(&market_id, coop, "woocommerce", "Bench")
            .expect("adds");
        for n in 0..PRODUCTS {
            let form = ProductForm {
                titles: [(Lang::Fr, format!("Panier {n}"))].into(),
                category: "basketry".into(),
                price: "150".into(),
                quantity: "3".into(),
                maker: makers[0].to_string(),
                status: "ready".into(),
                ..ProductForm::default()
            };
            let id = c.add_product(&form).expect("adds").product.id;
            c.add_photo(id, &sample_photo(n as u32), &[], "")
                .expect("adds");
            c.set_listing(id, &market_id, true, true).expect("lists");
            products.push(id);
        }
    }
    let markets: BTreeMap<_, _> = [(market_id.clone(), market.clone())].into();
    let mut engine = Engine::new(
        &catalog,
        "the bench",
        markets,
        Box::new(clock.clone()),
        Box::new(|| 0),
    )
    .expect("starts")
    .with_budget(&market_id, hanout_engine::Budget::new(1_000_000, 1_000_000));
    let sync = |engine: &mut Engine<SimMarket>| loop {
        let round = futures_executor::block_on(engine.round(&catalog)).expect("a round");
        if round.requests == 0 {
            break;
        }
    };
    sync(&mut engine);
    let before = market.shop().requests;
    let started = Instant::now();
    for _ in 0..CHANGES {
        let id = products[rng.random_range(0..PRODUCTS)];
        {
            let mut c = catalog.lock().expect("one thread");
            let entry = c.product(id).expect("there");
            let mut form = ProductForm::from(&entry.product.fields);
            match rng.random_range(0..4) {
                0 => form.price = rng.random_range(100..900).to_string(),
                1 => form.quantity = rng.random_range(1..9).to_string(),
                2 => {
                    form.titles
                        .insert(Lang::Fr, format!("Panier {}", rng.random_range(0..99)));
                }
                _ => {
                    let photo = sample_photo(100 + rng.random_range(0..20));
                    let _ = c.add_photo(id, &photo, &[], "");
                }
            }
            let _ = c.update_product(id, &form);
        }
        if eager {
            sync(&mut engine);
        }
    }
    let last = Instant::now();
    sync(&mut engine);
    Run {
        requests: market.shop().requests - before,
        seconds: started.elapsed().as_secs_f64(),
        last_sync: last.elapsed().as_secs_f64(),
    }
}

fn main() {
    let merged = run(false);
    let eager = run(true);
    println!(
        "{CHANGES} local changes over {PRODUCTS} listings, one WooCommerce-like marketplace, no faults\n"
    );
    println!("| sync | requests | requests per change | changes and syncs | the last sync |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, r) in [
        ("once, merged (offline, then back)", &merged),
        ("after every change (no merging)", &eager),
    ] {
        println!(
            "| {name} | {} | {:.3} | {:.1} ms | {:.1} ms |",
            r.requests,
            r.requests as f64 / CHANGES as f64,
            r.seconds * 1000.0,
            r.last_sync * 1000.0
        );
    }
}
