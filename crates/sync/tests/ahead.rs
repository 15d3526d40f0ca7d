//! `ahead`: the whole road of a lane, for the counts the artisan sees.

mod common;

use common::{confirmed, dirhams, tajine, unknown};
use hanout_sync::{Operation, ahead};

fn names(ops: &[Operation]) -> Vec<&'static str> {
    ops.iter().map(Operation::name).collect()
}

#[test]
fn a_new_listing_counts_its_create_its_photos_and_going_live() {
    let mut wish = tajine();
    wish.photos.push(common::photo(2));
    assert_eq!(
        names(&ahead(Some(&wish), None, &[])),
        ["create", "upload_photo", "upload_photo", "publish"]
    );
}

#[test]
fn a_listing_in_step_has_nothing_ahead() {
    let wish = tajine();
    assert_eq!(ahead(Some(&wish), Some(&confirmed(&wish)), &[]), []);
}

#[test]
fn edits_to_a_live_listing_are_what_the_plan_sends() {
    let mut wish = tajine();
    let before = confirmed(&wish);
    wish.price = dirhams(150);
    assert_eq!(
        names(&ahead(Some(&wish), Some(&before), &[])),
        ["set_price_and_stock"]
    );
}

#[test]
fn nothing_is_foreseen_past_a_look_up() {
    let wish = tajine();
    let create = Operation::Create {
        text: wish.text.clone(),
        price: wish.price,
        quantity: wish.quantity,
    };
    assert_eq!(
        names(&ahead(Some(&wish), None, &[unknown(create)])),
        ["reconcile"]
    );
}
