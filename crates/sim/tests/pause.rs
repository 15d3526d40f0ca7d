//! Case 8 of the exactly-once issue, the engine's side of a bounded wire: a marketplace's
//! `Retry-After` holds it for at most an hour, and "send now" lifts it.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use hanout_domain::{Clock, Lang, ProductForm};
use hanout_engine::{Engine, LONGEST_PAUSE, status};
use hanout_sim::clock::VirtualClock;
use hanout_sim::workshop;
use hanout_store::Catalog;
use hanout_sync::{Done, Found, LookUp, Marketplace, MarketplaceId, RemoteChanges, Reply, Request};

/// A shop that answers every request "429, come back in a year".
struct Sulking;

fn a_year() -> Reply {
    Reply::Status {
        code: 429,
        retry_after: Some(Duration::from_secs(365 * 24 * 60 * 60)),
        message: "too many requests".into(),
    }
}

impl Marketplace for Sulking {
    async fn probe(&self) -> Result<(), Reply> {
        Err(a_year())
    }
    async fn send(&self, _: Request<'_>) -> Result<Done, Reply> {
        Err(a_year())
    }
    async fn look_up(&self, _: LookUp<'_>) -> Result<Option<Found>, Reply> {
        Err(a_year())
    }
    async fn changes_since(&self, _: Option<&str>) -> Result<RemoteChanges, Reply> {
        Err(a_year())
    }
}

#[test]
fn a_retry_after_of_a_year_holds_a_shop_for_an_hour_and_send_now_lifts_it() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let clock = VirtualClock::new();
    let mut catalog =
        Catalog::open_with(&dir.path().join("hanout.db"), Box::new(clock.clone()), None)
            .expect("a catalog");
    let (coop, makers) = workshop(&mut catalog, "Tifawin", &["Itto"]).expect("a workshop");
    let shop = MarketplaceId::new("woo:coop");
    catalog
        .add_marketplace(&shop, coop, "woocommerce", "Boutique")
        .expect("an account");
    let form = ProductForm {
        titles: [(Lang::Fr, "Panier".to_owned())].into(),
        category: "basketry".into(),
        price: "150".into(),
        quantity: "2".into(),
        maker: makers[0].to_string(),
        status: "ready".into(),
        ..ProductForm::default()
    };
    let product = catalog.add_product(&form).expect("a product").product.id;
    catalog
        .set_listing(product, &shop, true, true)
        .expect("listed");
    let catalog = Mutex::new(catalog);
    let mut engine = Engine::new(
        &catalog,
        "the pause test",
        BTreeMap::from([(shop.clone(), Sulking)]),
        Box::new(clock.clone()),
        Box::new(|| 0),
    )
    .expect("an engine");
    let start = clock.now();
    futures_executor::block_on(engine.round(&catalog)).expect("a round");
    let paused = |catalog: &Mutex<Catalog>| {
        status(&catalog.lock().expect("the catalog"))
            .expect("a status")
            .paused
    };
    let until = paused(&catalog);
    assert_eq!(until.len(), 1, "the shop is paused: {until:?}");
    let held = until[0].1.millis() - start.millis();
    assert!(
        held > 0 && held <= LONGEST_PAUSE.as_millis() as i64 + 1_000,
        "held for {held} ms"
    );
    // The artisan taps "send now": the pause is lifted, and the next round asks again.
    catalog
        .lock()
        .expect("the catalog")
        .sync_now()
        .expect("send now");
    assert!(paused(&catalog).is_empty());
    let round = futures_executor::block_on(engine.round(&catalog)).expect("a round");
    assert!(round.requests > 0, "the shop was asked again");
}
