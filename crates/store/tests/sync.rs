//! The sync engine's state in the catalog file: what survives a restart and what a pull
//! applies.

mod common;

use common::{product, shop};
use hanout_domain::{Lang, OperationId, Price, ProductForm};
use hanout_store::LaneOutcome;
use hanout_sync::{
    Confirmed, LaneKey, MarketplaceId, Operation, RemoteChanges, RemoteId, Sale, SendState,
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
    };
    s.catalog
        .finish_operation(&key, create, None, &LaneOutcome::Confirmed(Some(confirmed)))
        .unwrap();
    (s, key)
}

/// One page pulled from Etsy: a sale of listing 900 (no SKU on it, as before the
/// inventory is sent).
fn pulled(sale: &str, quantity: u32, cursor: &str) -> RemoteChanges {
    RemoteChanges {
        sales: vec![Sale {
            id: sale.into(),
            listing: RemoteId::new("900"),
            sku: None,
            quantity,
        }],
        changed: Vec::new(),
        cursor: cursor.into(),
        more: false,
    }
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
