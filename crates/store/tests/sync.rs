//! The sync engine's state in the catalog file: what survives a restart and what a pull
//! applies.

mod common;

use common::{product, shop};
use hanout_domain::ProductId;
use hanout_domain::{Lang, OperationId, Price, ProductForm};
use hanout_store::LaneOutcome;
use hanout_sync::{
    Confirmed, LaneKey, MarketplaceId, Operation, OrderLine, OrderState, RemoteChanges, RemoteId,
    SendState,
};

fn etsy() -> MarketplaceId {
    MarketplaceId::new("etsy:42")
}

/// A workshop with one listed product, confirmed on Etsy as listing 900.
fn listed() -> (common::Shop, LaneKey) {
    let mut s = shop();
    let coop = s.catalog.cooperatives().unwrap()[0].id;
    s.catalog
        .add_marketplace(&etsy(), coop, "etsy", "Etsy")
        .unwrap();
    let mut form = product((Lang::Fr, "Tajine de Safi"), "pottery", "120", s.fatima);
    form.quantity = "3".into();
    let id = s.catalog.add_product(&form).unwrap().product.id;
    s.catalog.set_listing(id, &etsy(), true, true).unwrap();
    let key = LaneKey {
        product: id,
        marketplace: etsy(),
    };
    let lane = &s.catalog.sync_lanes().unwrap()[0];
    let Some(Operation::Create {
        text,
        price,
        quantity,
    }) = hanout_sync::plan(lane.lane.desired.as_ref(), None, &[])
        .first()
        .cloned()
    else {
        panic!("a new listing is created first");
    };
    let create = s
        .catalog
        .start_operation(
            &key,
            &Operation::Create {
                text: text.clone(),
                price,
                quantity,
            },
        )
        .unwrap();
    let confirmed = Confirmed {
        remote_id: RemoteId::new("900"),
        text,
        price,
        quantity,
        photos: Vec::new(),
        published: false,
        sku_missing: false,
    };
    s.catalog
        .finish_operation(&key, create, None, &LaneOutcome::Confirmed(Some(confirmed)))
        .unwrap();
    (s, key)
}

/// One page pulled from Etsy: a sale of listing 900 (no SKU on it, as before the
/// inventory is sent).
fn pulled(sale: &str, quantity: u32, cursor: &str) -> RemoteChanges {
    page(vec![line(sale, quantity, OrderState::Sold)], cursor)
}

fn line(id: &str, quantity: u32, state: OrderState) -> OrderLine {
    OrderLine {
        id: id.into(),
        order: format!("receipt-{id}"),
        buyer: Some(format!("buyer of {id}")),
        listing: RemoteId::new("900"),
        sku: None,
        quantity,
        state,
    }
}

fn page(lines: Vec<OrderLine>, cursor: &str) -> RemoteChanges {
    RemoteChanges {
        lines,
        changed: Vec::new(),
        cursor: cursor.into(),
        more: false,
    }
}

fn stock(s: &common::Shop, product: ProductId) -> u32 {
    s.catalog.product(product).unwrap().product.fields.quantity
}

/// Orders change after the sale: a line counts while its order holds the piece, gives
/// its stock back once when cancelled or refunded, and never counts unpaid.
#[test]
fn orders_change_after_the_sale_and_a_cancel_gives_the_stock_back_once() {
    let (mut s, key) = listed();
    let apply = |s: &mut common::Shop, l: OrderLine| {
        s.catalog
            .apply_remote_changes(&etsy(), &page(vec![l], "c"))
            .unwrap()
    };
    assert_eq!(apply(&mut s, line("t1", 1, OrderState::Sold)), 1);
    assert_eq!(stock(&s, key.product), 2);
    // Shipped: the same state for stock, read again.
    assert_eq!(apply(&mut s, line("t1", 1, OrderState::Sold)), 0);
    assert_eq!(apply(&mut s, line("t1", 1, OrderState::Cancelled)), 1);
    assert_eq!(stock(&s, key.product), 3, "the cancel gave the piece back");
    assert_eq!(apply(&mut s, line("t1", 1, OrderState::Cancelled)), 0);
    assert_eq!(stock(&s, key.product), 3, "once");
    // An order never paid never took stock, and its cancel gives none back.
    assert_eq!(apply(&mut s, line("t2", 2, OrderState::Unpaid)), 0);
    assert_eq!(stock(&s, key.product), 3);
    assert_eq!(apply(&mut s, line("t2", 2, OrderState::Cancelled)), 0);
    assert_eq!(stock(&s, key.product), 3);
    // Paid later: then it counts.
    assert_eq!(apply(&mut s, line("t3", 1, OrderState::Unpaid)), 0);
    assert_eq!(apply(&mut s, line("t3", 1, OrderState::Sold)), 1);
    assert_eq!(stock(&s, key.product), 2);
    // What the window shows as sold: the lines whose order holds the piece.
    let sold: Vec<u32> = s
        .catalog
        .recent_sales(10)
        .unwrap()
        .iter()
        .map(|sale| sale.quantity)
        .collect();
    assert_eq!(sold, [1]);
}

/// Two shops sold the last piece: the second line is an oversell, shown with both buyers,
/// until the artisan deals with it or a cancel frees a piece for it.
#[test]
fn an_oversell_is_kept_with_every_buyer_until_dealt_with() {
    let (mut s, key) = listed();
    let woo = MarketplaceId::new("woo:atelier");
    let coop = s.catalog.cooperatives().unwrap()[0].id;
    s.catalog
        .add_marketplace(&woo, coop, "woocommerce", "Atelier")
        .unwrap();
    let by_sku = |id: &str, quantity, state| OrderLine {
        sku: Some(key.product),
        listing: RemoteId::new("77"),
        ..line(id, quantity, state)
    };
    s.catalog
        .apply_remote_changes(&etsy(), &page(vec![line("t1", 3, OrderState::Sold)], "c"))
        .unwrap();
    assert_eq!(stock(&s, key.product), 0);
    assert!(s.catalog.oversells().unwrap().is_empty());
    s.catalog
        .apply_remote_changes(&woo, &page(vec![by_sku("o9-1", 1, OrderState::Sold)], "c"))
        .unwrap();
    assert_eq!(stock(&s, key.product), 0, "never below zero");
    let oversells = s.catalog.oversells().unwrap();
    assert_eq!(oversells.len(), 1);
    let o = &oversells[0];
    assert_eq!((o.product, o.missing), (key.product, 1));
    assert_eq!(o.line.marketplace, woo);
    assert_eq!(o.line.buyer.as_deref(), Some("buyer of o9-1"));
    assert_eq!(o.line.order.as_deref(), Some("receipt-o9-1"));
    assert_eq!(o.holders.len(), 1);
    assert_eq!(o.holders[0].marketplace, etsy());
    assert_eq!(o.holders[0].buyer.as_deref(), Some("buyer of t1"));

    // The Etsy buyer cancels: the piece goes to the WooCommerce buyer who waits for it,
    // not back to the stock.
    s.catalog
        .apply_remote_changes(
            &etsy(),
            &page(vec![line("t1", 3, OrderState::Cancelled)], "c"),
        )
        .unwrap();
    assert!(s.catalog.oversells().unwrap().is_empty());
    assert_eq!(stock(&s, key.product), 2);
    // Cancelled in turn, the WooCommerce line gives back the piece it now holds.
    s.catalog
        .apply_remote_changes(
            &woo,
            &page(vec![by_sku("o9-1", 1, OrderState::Cancelled)], "c"),
        )
        .unwrap();
    assert_eq!(stock(&s, key.product), 3);

    // Another oversell, settled by the artisan.
    s.catalog
        .apply_remote_changes(&woo, &page(vec![by_sku("o10-1", 4, OrderState::Sold)], "c"))
        .unwrap();
    assert_eq!(s.catalog.oversells().unwrap()[0].missing, 1);
    s.catalog.settle_oversell(&woo, "o10-1").unwrap();
    assert!(s.catalog.oversells().unwrap().is_empty());
    assert!(s.catalog.settle_oversell(&woo, "o10-1").is_err());
}

/// One engine per catalog: a second one is refused, and says who holds it.
#[test]
fn two_engines_never_sync_one_catalog() {
    let (s, _) = listed();
    let app = s.catalog.lock_sync("the Hanout app").unwrap();
    let other = hanout_store::Catalog::open(&s.path).unwrap();
    let refused = other.lock_sync("hanout sync").unwrap_err();
    assert!(
        matches!(&refused, hanout_store::StoreError::SyncBusy { holder } if holder.starts_with("the Hanout app")),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("the Hanout app"), "{refused}");
    drop(app);
    other.lock_sync("hanout sync").unwrap();
}

#[test]
fn a_sale_pulled_twice_lowers_stock_once_and_never_below_zero() {
    let (mut s, key) = listed();
    let page = pulled("order-1", 1, "1");
    assert_eq!(s.catalog.apply_remote_changes(&etsy(), &page).unwrap(), 1);
    assert_eq!(s.catalog.apply_remote_changes(&etsy(), &page).unwrap(), 0);
    assert_eq!(
        s.catalog
            .product(key.product)
            .unwrap()
            .product
            .fields
            .quantity,
        2
    );
    assert_eq!(
        s.catalog
            .marketplace(&etsy())
            .unwrap()
            .pull_cursor
            .as_deref(),
        Some("1")
    );
    // The lane it sold on is looked up: Etsy changed the listing by itself.
    let lane = &s.catalog.sync_lanes().unwrap()[0];
    assert_eq!(lane.lane.in_flight.len(), 1);
    assert_eq!(lane.lane.in_flight[0].op, Operation::Reconcile);
    assert_eq!(lane.lane.in_flight[0].state, SendState::Unknown);

    s.catalog
        .apply_remote_changes(&etsy(), &pulled("order-2", 5, "2"))
        .unwrap();
    assert_eq!(
        s.catalog
            .product(key.product)
            .unwrap()
            .product
            .fields
            .quantity,
        0
    );
    // Still one look-up, not one per sale.
    assert_eq!(s.catalog.sync_lanes().unwrap()[0].lane.in_flight.len(), 1);
}

#[test]
fn a_request_sending_when_the_process_died_is_unknown_after_a_restart() {
    let (mut s, key) = listed();
    let price = Operation::SetPriceAndStock {
        price: Price::from_centimes(15_000).unwrap(),
        quantity: 3,
    };
    s.catalog.start_operation(&key, &price).unwrap();
    drop(s.catalog);
    let mut catalog = hanout_store::Catalog::open(&s.path).unwrap();
    assert_eq!(catalog.recover_operations().unwrap(), 1);
    let lane = &catalog.sync_lanes().unwrap()[0];
    assert_eq!(lane.lane.in_flight[0].op, price);
    assert_eq!(lane.lane.in_flight[0].state, SendState::Unknown);
}

#[test]
fn a_refusal_holds_until_the_artisan_changes_the_product() {
    let (mut s, key) = listed();
    let lane = &s.catalog.sync_lanes().unwrap()[0];
    let desired = lane.lane.desired.clone();
    let op = Operation::Publish;
    let id: OperationId = s.catalog.start_operation(&key, &op).unwrap();
    let refused = LaneOutcome::Failed {
        reason: "a listing needs at least one photo to be active".into(),
        confirmed: lane.lane.confirmed.clone(),
    };
    s.catalog
        .finish_operation(&key, id, desired.as_ref(), &refused)
        .unwrap();
    let lane = &s.catalog.sync_lanes().unwrap()[0];
    assert_eq!(
        lane.failure.as_deref(),
        Some("a listing needs at least one photo to be active")
    );
    assert!(lane.lane.in_flight.is_empty());

    let mut form = ProductForm::from(&s.catalog.product(key.product).unwrap().product.fields);
    form.price = "130".into();
    s.catalog.update_product(key.product, &form).unwrap();
    assert_eq!(s.catalog.sync_lanes().unwrap()[0].failure, None);
}

#[test]
fn an_account_with_unsent_changes_cannot_be_removed_and_comes_back_with_its_listings() {
    let (mut s, key) = listed();
    // The listing exists on Etsy; a new price has not been sent.
    let mut form = ProductForm::from(&s.catalog.product(key.product).unwrap().product.fields);
    form.price = "150".into();
    s.catalog.update_product(key.product, &form).unwrap();
    let refused = s.catalog.remove_marketplace(&etsy()).unwrap_err();
    assert!(
        matches!(refused, hanout_store::StoreError::Unsent { changes, .. } if changes > 0),
        "{refused:?}"
    );
    assert!(
        refused.to_string().contains("reached Etsy yet (1 waiting)"),
        "{refused}"
    );
    assert_eq!(s.catalog.marketplaces().unwrap().len(), 1);

    // Once nothing waits for it, it goes: no lane of it is planned any more.
    form.price = "120".into();
    s.catalog.update_product(key.product, &form).unwrap();
    let lane = &s.catalog.sync_lanes().unwrap()[0];
    assert_eq!(lane.ahead(), Vec::new(), "back to what Etsy shows");
    s.catalog.remove_marketplace(&etsy()).unwrap();
    assert!(s.catalog.marketplaces().unwrap().is_empty());
    assert_eq!(s.catalog.wanted_on(key.product).unwrap(), Vec::new());
    assert!(s.catalog.sync_lanes().unwrap().is_empty());
    assert!(
        s.catalog
            .set_listing(key.product, &etsy(), true, true)
            .is_err()
    );

    // Added again, it still knows listing 900: nothing is created twice.
    let coop = s.catalog.cooperatives().unwrap()[0].id;
    s.catalog
        .add_marketplace(&etsy(), coop, "etsy", "Etsy")
        .unwrap();
    assert_eq!(s.catalog.wanted_on(key.product).unwrap(), [etsy()]);
    let lanes = s.catalog.sync_lanes().unwrap();
    assert_eq!(lanes.len(), 1);
    assert_eq!(
        lanes[0]
            .lane
            .confirmed
            .as_ref()
            .map(|c| c.remote_id.clone()),
        Some(RemoteId::new("900"))
    );
    assert_eq!(lanes[0].ahead(), Vec::new());
}
