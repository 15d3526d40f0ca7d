//! The trainer's demo against the real sandbox on loopback: the starting state, reset, a
//! sale, and the link's offline switch that the sync engine must live with.

use std::sync::Arc;

use hanout_demo::{Connectivity, DemoFiles, DemoMarket, ETSY, SAMPLES, WOO};
use hanout_engine::{LaneStatus, status};
use hanout_store::Catalog;
use hanout_sync::{LaneKey, MarketplaceId};
use serde_json::Value;

async fn sandbox_state(market: &DemoMarket) -> Value {
    reqwest::get(format!("{}/sandbox/state", market.shop_url()))
        .await
        .expect("the sandbox answers")
        .json()
        .await
        .expect("its state is JSON")
}

/// Etsy listings and WooCommerce products a buyer can see.
fn live(state: &Value) -> (usize, usize) {
    let count = |list: &Value, key: &str, value: &str| {
        list.as_array()
            .map_or(0, |l| l.iter().filter(|x| x[key] == value).count())
    };
    (
        count(&state["etsy"]["listings"], "state", "active"),
        count(&state["woocommerce"]["products"], "status", "publish"),
    )
}

/// The WooCommerce product whose name holds `title` (JSON null if there is none).
fn woo_product(state: &Value, title: &str) -> Value {
    state["woocommerce"]["products"]
        .as_array()
        .and_then(|p| {
            p.iter()
                .find(|p| p["name"].as_str().is_some_and(|n| n.contains(title)))
        })
        .cloned()
        .unwrap_or_default()
}

/// One "sync once" of the demo's catalog, as `hanout demo sale` runs it.
async fn sync(files: &DemoFiles) -> Result<(), hanout_demo::DemoError> {
    let catalog = Catalog::open(&files.catalog()).expect("the demo's catalog");
    hanout_demo::send_all(catalog, &Arc::new(files.vault())).await
}

fn lane(catalog: &Catalog, key: &LaneKey) -> Option<LaneStatus> {
    status(catalog)
        .expect("status")
        .lanes
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, s)| s)
}

async fn demo() -> (tempfile::TempDir, DemoFiles, DemoMarket) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let files = DemoFiles::new(dir.path().join("demo"));
    let market = DemoMarket::start(0)
        .await
        .expect("the demo's marketplace starts");
    hanout_demo::prepare(&files, &market.shop_url(), &market.link().url())
        .await
        .expect("the demo is prepared");
    (dir, files, market)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_starts_with_every_sample_live_on_both_shops_and_reset_starts_it_again() {
    let (_dir, files, market) = demo().await;
    let catalog = Catalog::open(&files.catalog()).expect("the demo's catalog");
    assert_eq!(catalog.artisans().expect("artisans").len(), 3);
    let s = status(&catalog).expect("status");
    assert_eq!(s.lanes.len(), SAMPLES.len() * 2);
    assert!(
        s.lanes.iter().all(|(_, l)| *l == LaneStatus::Sent),
        "{:?}",
        s.lanes
    );
    assert_eq!(
        live(&sandbox_state(&market).await),
        (SAMPLES.len(), SAMPLES.len())
    );

    // Something happens during the lesson: a piece is sold and the catalog learns of it.
    let rug = hanout_demo::find_product(&catalog, "Tapis").expect("the rug");
    hanout_demo::sell(&catalog, &market.shop_url(), rug, &MarketplaceId::new(ETSY))
        .await
        .expect("a buyer buys the rug");
    drop(catalog);
    sync(&files).await.expect("sync");
    assert_eq!(
        live(&sandbox_state(&market).await),
        (SAMPLES.len() - 1, SAMPLES.len() - 1)
    );

    // Reset: the shops hold the samples once each again, the rug back in stock.
    hanout_demo::prepare(&files, &market.shop_url(), &market.link().url())
        .await
        .expect("reset");
    let state = sandbox_state(&market).await;
    assert_eq!(live(&state), (SAMPLES.len(), SAMPLES.len()));
    assert_eq!(
        state["etsy"]["listings"].as_array().map(Vec::len),
        Some(SAMPLES.len())
    );
    assert_eq!(state["etsy"]["receipts"].as_array().map(Vec::len), Some(0));
    let catalog = Catalog::open(&files.catalog()).expect("the fresh catalog");
    let rug = hanout_demo::find_product(&catalog, "Tapis").expect("the rug");
    assert_eq!(
        catalog.product(rug).expect("rug").product.fields.quantity,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_lowers_the_stock_and_takes_a_sold_out_piece_off_the_other_shop() {
    let (_dir, files, market) = demo().await;
    let catalog = Catalog::open(&files.catalog()).expect("the demo's catalog");
    let tajine = hanout_demo::find_product(&catalog, "Tajine").expect("the tajine");
    let fibula = hanout_demo::find_product(&catalog, "Fibule").expect("the fibula");
    let etsy = MarketplaceId::new(ETSY);
    hanout_demo::sell(&catalog, &market.shop_url(), tajine, &etsy)
        .await
        .expect("tajine sold");
    hanout_demo::sell(&catalog, &market.shop_url(), fibula, &etsy)
        .await
        .expect("fibula sold");
    let before = catalog
        .product(tajine)
        .expect("tajine")
        .product
        .fields
        .quantity;
    drop(catalog);
    sync(&files).await.expect("sync");

    let catalog = Catalog::open(&files.catalog()).expect("catalog");
    assert_eq!(
        catalog
            .product(tajine)
            .expect("tajine")
            .product
            .fields
            .quantity,
        before - 1
    );
    assert_eq!(
        catalog
            .product(fibula)
            .expect("fibula")
            .product
            .fields
            .quantity,
        0
    );
    let state = sandbox_state(&market).await;
    let woo = |title: &str| woo_product(&state, title);
    assert_eq!(
        woo("Tajine")["stock_quantity"],
        before - 1,
        "the tajine's stock follows on WooCommerce"
    );
    assert_eq!(woo("Tajine")["status"], "publish");
    assert_ne!(
        woo("Fibule")["status"],
        "publish",
        "the sold fibula is off WooCommerce"
    );
    // A piece that is gone cannot be sold twice.
    let again = hanout_demo::sell(&catalog, &market.shop_url(), fibula, &etsy).await;
    assert!(again.is_err(), "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_the_change_waits_and_when_the_network_comes_back_it_goes() {
    let (_dir, files, market) = demo().await;
    market.link().set(Connectivity::Offline);
    let mut catalog = Catalog::open(&files.catalog()).expect("the demo's catalog");
    let basket = hanout_demo::find_product(&catalog, "Panier").expect("the basket");
    let mut form =
        hanout_domain::ProductForm::from(&catalog.product(basket).expect("basket").product.fields);
    form.price = "99".into();
    catalog
        .update_product(basket, &form)
        .expect("the new price is saved offline");
    drop(catalog);
    sync(&files)
        .await
        .expect("sync offline reports nothing broken");
    let key = LaneKey {
        product: basket,
        marketplace: MarketplaceId::new(WOO),
    };
    let catalog = Catalog::open(&files.catalog()).expect("catalog");
    assert!(
        matches!(lane(&catalog, &key), Some(LaneStatus::Waiting { .. })),
        "{:?}",
        lane(&catalog, &key)
    );
    drop(catalog);

    market.link().set(Connectivity::Online);
    sync(&files).await.expect("sync");
    let catalog = Catalog::open(&files.catalog()).expect("catalog");
    assert_eq!(lane(&catalog, &key), Some(LaneStatus::Sent));
    let state = sandbox_state(&market).await;
    assert_eq!(
        woo_product(&state, "Panier")["regular_price"],
        Value::from("99.00")
    );
}
