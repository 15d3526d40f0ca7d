//! The planner's rules, case by case: one row of its table (or a corner of one) each.

mod common;

use std::collections::BTreeMap;

use common::*;
use hanout_domain::{
    Category, Lang, Product, ProductFields, ProductPhoto, ProductStatus, Timestamp,
};
use hanout_sync::{
    Confirmed, Done, InFlight, Lane, LaneKey, Listing, MarketplaceId, Operation, RemoteId,
    WhenSoldOut, confirm, plan, plan_all,
};

#[track_caller]
fn check(
    desired: Option<&Listing>,
    confirmed: Option<&Confirmed>,
    in_flight: &[InFlight],
    expected: &[Operation],
) {
    assert_eq!(plan(desired, confirmed, in_flight), expected);
}

fn create(l: &Listing) -> Operation {
    Operation::Create {
        text: l.text.clone(),
        price: l.price,
        quantity: l.quantity,
    }
}

fn upload(n: u8, rank: usize) -> Operation {
    Operation::UploadPhoto {
        hash: photo(n),
        rank,
    }
}

fn remove(n: u8) -> Operation {
    Operation::RemovePhoto {
        hash: photo(n),
        remote_image_id: image_id(&photo(n)),
    }
}

fn price_and_stock(l: &Listing) -> Operation {
    Operation::SetPriceAndStock {
        price: l.price,
        quantity: l.quantity,
    }
}

/// The tajine as the marketplace has it right after `Create`: a draft, no photos.
fn just_created(l: &Listing) -> Confirmed {
    Confirmed {
        photos: Vec::new(),
        published: false,
        ..confirmed(l)
    }
}

// Rows 1 to 3: what is under way.

#[test]
fn a_lookup_under_way_holds_the_lane() {
    let t = tajine();
    check(Some(&t), None, &[sending(Operation::Reconcile)], &[]);
    check(
        None,
        Some(&confirmed(&t)),
        &[sending(Operation::Reconcile), unknown(create(&t))],
        &[],
    );
}

#[test]
fn an_unknown_create_is_looked_up_never_sent_again() {
    let t = tajine();
    check(
        Some(&t),
        None,
        &[unknown(create(&t))],
        &[Operation::Reconcile],
    );
}

#[test]
fn an_unknown_create_of_a_listing_no_longer_wanted_is_looked_up_first() {
    // It may exist: delisting needs its remote id, and an orphan must not stay behind.
    check(
        None,
        None,
        &[unknown(create(&tajine()))],
        &[Operation::Reconcile],
    );
}

#[test]
fn an_unknown_create_or_upload_is_looked_up_before_anything_else() {
    // Etsy appends on upload: sending it again could show the photo twice.
    let t = tajine();
    let more = Listing {
        price: dirhams(150),
        ..t.clone()
    };
    check(
        Some(&more),
        Some(&confirmed(&t)),
        &[unknown(upload(2, 1)), sending(price_and_stock(&more))],
        &[Operation::Reconcile],
    );
    // A look-up a sale asked for stays one, even beside an edit in doubt.
    check(
        Some(&more),
        Some(&confirmed(&t)),
        &[
            unknown(price_and_stock(&more)),
            unknown(Operation::Reconcile),
        ],
        &[Operation::Reconcile],
    );
}

#[test]
fn an_unknown_edit_is_sent_again_before_anything_else() {
    // Its target is absolute: sending it again settles whether it happened, even if the
    // wish has moved on since (a later plan undoes it if need be).
    let t = tajine();
    let more = Listing {
        price: dirhams(150),
        ..t.clone()
    };
    check(
        Some(&t),
        Some(&confirmed(&t)),
        &[unknown(price_and_stock(&more))],
        &[price_and_stock(&more)],
    );
    check(
        None,
        Some(&confirmed(&t)),
        &[unknown(Operation::Delist)],
        &[Operation::Delist],
    );
}

#[test]
fn a_create_or_delist_under_way_holds_the_lane() {
    let t = tajine();
    let cheaper = Listing {
        price: dirhams(90),
        ..t.clone()
    };
    check(Some(&cheaper), None, &[sending(create(&t))], &[]);
    check(None, None, &[sending(create(&t))], &[]);
    // Wanted again while it is being taken down: created anew once the delist lands.
    check(
        Some(&t),
        Some(&confirmed(&t)),
        &[sending(Operation::Delist)],
        &[],
    );
}

// Rows 4 to 6: whether the listing exists.

#[test]
fn nothing_wanted_and_nothing_there_is_nothing_to_do() {
    check(None, None, &[], &[]);
}

#[test]
fn an_unwanted_listing_is_delisted_with_nothing_before() {
    let t = tajine();
    let changed = Confirmed {
        price: dirhams(300),
        photos: Vec::new(),
        ..confirmed(&t)
    };
    check(None, Some(&changed), &[], &[Operation::Delist]);
    // An edit being sent does not delay it.
    check(
        None,
        Some(&confirmed(&t)),
        &[sending(Operation::Unpublish)],
        &[Operation::Delist],
    );
}

#[test]
fn a_new_listing_is_created_alone() {
    let t = tajine();
    check(Some(&t), None, &[], &[create(&t)]);
}

#[test]
fn after_its_creation_come_photos_then_publishing() {
    let t = Listing {
        photos: vec![photo(1), photo(2)],
        ..tajine()
    };
    check(
        Some(&t),
        Some(&just_created(&t)),
        &[],
        &[upload(1, 0), upload(2, 1), Operation::Publish],
    );
}

// Row 7: the differences.

#[test]
fn the_same_listing_needs_nothing() {
    let t = tajine();
    check(Some(&t), Some(&confirmed(&t)), &[], &[]);
}

#[test]
fn ten_price_edits_are_one_update() {
    let t = tajine();
    let mut edited = t.clone();
    for dh in 121..=130 {
        edited.price = dirhams(dh);
    }
    check(
        Some(&edited),
        Some(&confirmed(&t)),
        &[],
        &[Operation::SetPriceAndStock {
            price: dirhams(130),
            quantity: 3,
        }],
    );
}

#[test]
fn price_and_stock_travel_together() {
    let t = tajine();
    let both = Listing {
        price: dirhams(99),
        quantity: 7,
        ..t.clone()
    };
    check(
        Some(&both),
        Some(&confirmed(&t)),
        &[],
        &[price_and_stock(&both)],
    );
    let stock_only = Listing {
        quantity: 5,
        ..t.clone()
    };
    check(
        Some(&stock_only),
        Some(&confirmed(&t)),
        &[],
        &[Operation::SetPriceAndStock {
            price: dirhams(120),
            quantity: 5,
        }],
    );
}

/// Etsy refuses a stock of 0 (etsy/open-api #560): a piece sold out elsewhere takes its
/// Etsy listing down with its last stock, never a 0, and brings it back when stock returns.
#[test]
fn sold_out_elsewhere_on_etsy_is_inactive_with_its_last_stock() {
    let live = Listing {
        quantity: 1,
        when_sold_out: WhenSoldOut::KeepsLastStock,
        ..tajine()
    };
    let sold_out = Listing {
        quantity: 0,
        ..live.clone()
    };
    check(
        Some(&sold_out),
        Some(&confirmed(&live)),
        &[],
        &[Operation::Unpublish],
    );
    // A price change while sold out keeps the stock Etsy holds.
    let cheaper = Listing {
        price: dirhams(100),
        ..sold_out.clone()
    };
    let mut off = confirmed(&live);
    off.published = false;
    check(
        Some(&cheaper),
        Some(&off),
        &[],
        &[Operation::SetPriceAndStock {
            price: dirhams(100),
            quantity: 1,
        }],
    );
    check(Some(&sold_out), Some(&off), &[], &[]);
    // Stock back: the stock goes up, then the listing goes live again.
    let back = Listing {
        quantity: 2,
        ..sold_out.clone()
    };
    check(
        Some(&back),
        Some(&off),
        &[],
        &[
            Operation::SetPriceAndStock {
                price: dirhams(120),
                quantity: 2,
            },
            Operation::Publish,
        ],
    );
    // Sold out before it was ever on Etsy: nothing is made there until stock returns.
    check(Some(&sold_out), None, &[], &[]);
    // Sold out on Etsy itself (its own sale took it to 0): a new price waits for stock.
    let mut empty = off.clone();
    empty.quantity = 0;
    check(Some(&cheaper), Some(&empty), &[], &[]);
    // Where a stock of 0 is held, it is sent.
    let woo_sold_out = Listing {
        when_sold_out: WhenSoldOut::HoldsZero,
        ..sold_out.clone()
    };
    check(
        Some(&woo_sold_out),
        Some(&off),
        &[],
        &[Operation::SetPriceAndStock {
            price: dirhams(120),
            quantity: 0,
        }],
    );
}

/// Case 5 of the exactly-once issue, its last rule: Etsy takes the SKU only in a second
/// request after the create. If that one fails the listing is ours all the same, but the
/// create is not done: the SKU goes next, with the price and stock.
#[test]
fn a_create_is_not_done_until_its_sku_is_set() {
    let t = tajine();
    let made = confirm(
        None,
        &create(&t),
        Done::CreatedWithoutSku(RemoteId::new("77")),
    )
    .expect("a listing")
    .expect("there");
    assert!(made.sku_missing);
    let first = plan(Some(&t), Some(&made), &[]);
    assert_eq!(first.first(), Some(&price_and_stock(&t)), "{first:?}");
    let with_sku = confirm(Some(&made), &price_and_stock(&t), Done::Applied)
        .expect("confirmed")
        .expect("there");
    assert!(!with_sku.sku_missing);
    assert!(
        !plan(Some(&t), Some(&with_sku), &[]).contains(&price_and_stock(&t)),
        "once set, not again"
    );
    // While the SKU is being sent, nothing is sent twice.
    assert!(
        !plan(Some(&t), Some(&made), &[sending(price_and_stock(&t))])
            .contains(&price_and_stock(&t))
    );
}

#[test]
fn any_change_of_words_sends_all_of_them() {
    let t = tajine();
    let mut retitled = t.clone();
    retitled
        .text
        .titles
        .insert(Lang::Ar, "طاجين آسفي".to_owned());
    check(
        Some(&retitled),
        Some(&confirmed(&t)),
        &[],
        &[Operation::UpdateFields {
            text: retitled.text.clone(),
        }],
    );
    let mut recategorised = t.clone();
    recategorised.text.category = Category::Other;
    recategorised.text.materials.push("émail".to_owned());
    check(
        Some(&recategorised),
        Some(&confirmed(&t)),
        &[],
        &[Operation::UpdateFields {
            text: recategorised.text.clone(),
        }],
    );
}

#[test]
fn photos_are_uploaded_in_their_place() {
    let t = tajine();
    let second = Listing {
        photos: vec![photo(1), photo(2)],
        ..t.clone()
    };
    check(Some(&second), Some(&confirmed(&t)), &[], &[upload(2, 1)]);
    let new_cover = Listing {
        photos: vec![photo(2), photo(1)],
        ..t.clone()
    };
    check(Some(&new_cover), Some(&confirmed(&t)), &[], &[upload(2, 0)]);
}

#[test]
fn unwanted_photos_are_removed_before_uploads() {
    let both = Listing {
        photos: vec![photo(1), photo(2)],
        ..tajine()
    };
    let first_only = tajine();
    check(
        Some(&first_only),
        Some(&confirmed(&both)),
        &[],
        &[remove(2)],
    );
    let cover_replaced = Listing {
        photos: vec![photo(3), photo(2)],
        ..tajine()
    };
    check(
        Some(&cover_replaced),
        Some(&confirmed(&both)),
        &[],
        &[remove(1), upload(3, 0)],
    );
}

#[test]
fn photos_in_another_order_are_reordered() {
    let ab = Listing {
        photos: vec![photo(1), photo(2), photo(3)],
        ..tajine()
    };
    let ba = Listing {
        photos: vec![photo(3), photo(2), photo(1)],
        ..tajine()
    };
    check(
        Some(&ba),
        Some(&confirmed(&ab)),
        &[],
        &[Operation::ReorderPhotos {
            order: ba.photos.clone(),
        }],
    );
}

#[test]
fn a_photo_shown_twice_loses_its_second_copy() {
    // What a retried Etsy upload leaves behind, once reconciled.
    let t = tajine();
    let mut twice = confirmed(&t);
    twice.photos.push(hanout_sync::RemotePhoto {
        hash: photo(1),
        remote_image_id: hanout_sync::RemoteImageId::new("img-again"),
    });
    check(
        Some(&t),
        Some(&twice),
        &[],
        &[Operation::RemovePhoto {
            hash: photo(1),
            remote_image_id: hanout_sync::RemoteImageId::new("img-again"),
        }],
    );
}

#[test]
fn a_photo_named_twice_is_wanted_once() {
    let t = tajine();
    let doubled = Listing {
        photos: vec![photo(1), photo(1)],
        ..t.clone()
    };
    check(Some(&doubled), Some(&confirmed(&t)), &[], &[]);
}

#[test]
fn publishing_waits_for_a_photo() {
    let bare = Listing {
        photos: Vec::new(),
        ..tajine()
    };
    check(Some(&bare), Some(&just_created(&bare)), &[], &[]);
}

#[test]
fn the_first_photo_and_publishing_go_in_one_plan() {
    let t = tajine();
    check(
        Some(&t),
        Some(&just_created(&t)),
        &[],
        &[upload(1, 0), Operation::Publish],
    );
}

#[test]
fn a_sold_out_listing_comes_down_first() {
    let t = tajine();
    let sold_out = Listing {
        quantity: 0,
        ..t.clone()
    };
    check(
        Some(&sold_out),
        Some(&confirmed(&t)),
        &[],
        &[Operation::Unpublish, price_and_stock(&sold_out)],
    );
}

#[test]
fn a_restocked_listing_goes_back_up_last() {
    let sold_out = Listing {
        quantity: 0,
        ..tajine()
    };
    let restocked = tajine();
    check(
        Some(&restocked),
        Some(&confirmed(&sold_out)),
        &[],
        &[price_and_stock(&restocked), Operation::Publish],
    );
}

#[test]
fn the_seller_can_take_a_listing_down_and_put_it_back() {
    let t = tajine();
    let hidden = Listing {
        published: false,
        ..t.clone()
    };
    check(
        Some(&hidden),
        Some(&confirmed(&t)),
        &[],
        &[Operation::Unpublish],
    );
    check(
        Some(&t),
        Some(&confirmed(&hidden)),
        &[],
        &[Operation::Publish],
    );
}

#[test]
fn the_last_photo_goes_only_after_the_listing_comes_down() {
    let t = tajine();
    let bare = Listing {
        photos: Vec::new(),
        ..t.clone()
    };
    check(
        Some(&bare),
        Some(&confirmed(&t)),
        &[],
        &[Operation::Unpublish, remove(1)],
    );
}

#[test]
fn every_difference_in_dependency_order() {
    let hidden = Listing {
        photos: vec![photo(1), photo(2), photo(3)],
        published: false,
        ..tajine()
    };
    let wanted = Listing {
        text: text("Grand tajine de Safi"),
        price: dirhams(180),
        quantity: 2,
        photos: vec![photo(4), photo(3), photo(1)],
        published: true,
        when_sold_out: WhenSoldOut::HoldsZero,
    };
    check(
        Some(&wanted),
        Some(&confirmed(&hidden)),
        &[],
        &[
            Operation::UpdateFields {
                text: wanted.text.clone(),
            },
            price_and_stock(&wanted),
            remove(2),
            upload(4, 0),
            Operation::ReorderPhotos {
                order: wanted.photos.clone(),
            },
            Operation::Publish,
        ],
    );
}

#[test]
fn an_edit_being_sent_is_not_planned_again() {
    let t = tajine();
    let cheaper = Listing {
        price: dirhams(90),
        ..t.clone()
    };
    let have = confirmed(&t);
    check(
        Some(&cheaper),
        Some(&have),
        &[sending(price_and_stock(&cheaper))],
        &[],
    );
    // Edited again while the first edit travels: the new target follows it.
    let cheapest = Listing {
        price: dirhams(80),
        ..t.clone()
    };
    check(
        Some(&cheapest),
        Some(&have),
        &[sending(price_and_stock(&cheaper))],
        &[price_and_stock(&cheapest)],
    );
    // Back to what is confirmed: the edit under way is undone.
    check(
        Some(&t),
        Some(&have),
        &[sending(price_and_stock(&cheaper))],
        &[price_and_stock(&t)],
    );
    let hidden = Listing {
        published: false,
        ..t.clone()
    };
    check(
        Some(&hidden),
        Some(&have),
        &[sending(Operation::Unpublish)],
        &[],
    );
    check(
        Some(&t),
        Some(&confirmed(&hidden)),
        &[sending(Operation::Publish)],
        &[],
    );
    check(
        Some(&t),
        Some(&have),
        &[sending(Operation::UpdateFields {
            text: text("Tajine"),
        })],
        &[Operation::UpdateFields {
            text: t.text.clone(),
        }],
    );
}

#[test]
fn photos_and_publishing_wait_for_a_photo_being_sent() {
    let t = Listing {
        text: text("Tajine bleu"),
        photos: vec![photo(1), photo(2)],
        ..tajine()
    };
    check(
        Some(&t),
        Some(&just_created(&tajine())),
        &[sending(upload(1, 0))],
        &[Operation::UpdateFields {
            text: t.text.clone(),
        }],
    );
}

#[test]
fn a_listing_is_made_from_a_product() {
    let product = Product {
        id: "01900000-0000-7000-8000-000000000001"
            .parse()
            .expect("a product id"),
        fields: ProductFields {
            titles: [(Lang::Fr, "Tapis de Taznakht".to_owned())].into(),
            descriptions: BTreeMap::new(),
            category: Category::Carpets,
            price: dirhams(2400),
            quantity: 1,
            maker: "01900000-0000-7000-8000-0000000000aa"
                .parse()
                .expect("an artisan id"),
            materials: vec!["laine".to_owned()],
            dimensions: None,
            weight: None,
            status: ProductStatus::Listed,
        },
        photos: vec![
            ProductPhoto {
                hash: photo(7),
                alt: "Le tapis déroulé".to_owned(),
                width: 2000,
                height: 1500,
            },
            ProductPhoto {
                hash: photo(8),
                alt: String::new(),
                width: 2000,
                height: 2000,
            },
        ],
        created_at: Timestamp(0),
        updated_at: Timestamp(0),
    };
    let l = Listing::from_product(&product, true);
    assert_eq!(l.text.titles, product.fields.titles);
    assert_eq!(l.text.category, Category::Carpets);
    assert_eq!(l.text.materials, vec!["laine".to_owned()]);
    assert_eq!((l.price, l.quantity), (dirhams(2400), 1));
    assert_eq!(l.photos, vec![photo(7), photo(8)]);
    assert!(l.published && l.goes_live());
    assert!(!Listing::from_product(&product, false).goes_live());
}

fn key(product: u8, marketplace: &str) -> LaneKey {
    LaneKey {
        product: format!("01900000-0000-7000-8000-0000000000{product:02x}")
            .parse()
            .expect("a product id"),
        marketplace: MarketplaceId::new(marketplace),
    }
}

#[test]
fn every_lane_is_planned_on_its_own_in_key_order() {
    let t = tajine();
    let lanes: BTreeMap<LaneKey, Lane> = [
        (
            key(2, "etsy:1"),
            Lane {
                desired: Some(t.clone()),
                ..Lane::default()
            },
        ),
        (
            key(1, "woo:safi"),
            Lane {
                desired: Some(t.clone()),
                confirmed: Some(confirmed(&t)),
                in_flight: Vec::new(),
            },
        ),
        // Stuck on an unknown outcome: it blocks only itself.
        (
            key(1, "etsy:1"),
            Lane {
                desired: Some(t.clone()),
                confirmed: None,
                in_flight: vec![unknown(create(&t))],
            },
        ),
        (
            key(3, "etsy:1"),
            Lane {
                confirmed: Some(confirmed(&t)),
                ..Lane::default()
            },
        ),
    ]
    .into_iter()
    .collect();
    let planned = plan_all(&lanes);
    assert_eq!(
        planned,
        vec![
            (key(1, "etsy:1"), vec![Operation::Reconcile]),
            (key(2, "etsy:1"), vec![create(&t)]),
            (key(3, "etsy:1"), vec![Operation::Delist]),
        ]
    );
    assert_eq!(plan_all(&lanes), planned, "the same lanes, the same plan");
}
