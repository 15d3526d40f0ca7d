//! Etsy receipts change after the sale: status, `is_paid`, `is_shipped`, and
//! `updated_timestamp`, which is what `getShopReceipts` filters and sorts on.

use std::time::Duration;

use hanout_sandbox::credentials::ETSY_SHOP_ID;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Sandbox, Tokens, json};

const SHOP: i64 = ETSY_SHOP_ID;

async fn receipts(s: &Sandbox, t: &Tokens, query: &str) -> Value {
    s.etsy_json(t, &format!("/shops/{SHOP}/receipts?{query}"))
        .await
}

fn ids(page: &Value) -> Vec<i64> {
    page["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["receipt_id"].as_i64().expect("receipt_id"))
        .collect()
}

/// Sells one piece of `listing` and answers the receipt id.
async fn sell(s: &Sandbox, listing: i64) -> i64 {
    let sold = s.sale("etsy", listing, 1).await;
    assert_eq!(sold.status(), StatusCode::CREATED);
    json(sold).await["order_id"].as_i64().expect("order_id")
}

#[tokio::test]
async fn a_receipt_moves_on_after_the_sale_and_its_updated_timestamp_with_it() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let listing = s.etsy_live(&t, "Tajine de Safi", "HNT-T1", 3).await;
    let t0 = s.now_secs();
    let sold = s
        .control(
            "/sandbox/sale",
            json!({"market": "etsy", "listing_id": listing, "buyer": "Khadija Ait Ali"}),
        )
        .await;
    assert_eq!(sold.status(), StatusCode::CREATED);
    let sold = json(sold).await;
    assert_eq!(sold["order_id"], sold["receipt_id"]);
    assert!(sold["transaction_id"].as_i64().unwrap() > 0);
    assert_eq!(sold["status"], "paid");
    let id = sold["order_id"].clone();

    let paid = &receipts(&s, &t, "").await["results"][0];
    assert_eq!(paid["receipt_id"], id);
    assert_eq!(paid["name"], "Khadija Ait Ali");
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["is_paid"], true);
    assert_eq!(paid["is_shipped"], false);
    for key in [
        "create_timestamp",
        "created_timestamp",
        "update_timestamp",
        "updated_timestamp",
    ] {
        assert_eq!(paid[key], t0, "{key}");
    }
    assert_eq!(paid["transactions"][0]["paid_timestamp"], t0);
    assert_eq!(paid["transactions"][0]["shipped_timestamp"], Value::Null);

    // Shipped a minute later: completed, and updated_timestamp moves.
    s.clock.advance(Duration::from_secs(60));
    let shipped = s.order_status("etsy", &id, "shipped").await;
    assert_eq!(shipped.status(), StatusCode::OK);
    let shipped = json(shipped).await;
    assert_eq!(shipped["status"], "completed");
    assert_eq!(shipped["is_shipped"], true);
    assert_eq!(shipped["created_timestamp"], t0);
    assert_eq!(shipped["updated_timestamp"], t0 + 60);
    assert_eq!(shipped["update_timestamp"], t0 + 60);
    assert_eq!(shipped["transactions"][0]["shipped_timestamp"], t0 + 60);
    let since = |at: i64| format!("min_last_modified={at}");
    assert_eq!(receipts(&s, &t, &since(t0 + 60)).await["count"], 1);
    assert_eq!(receipts(&s, &t, &since(t0 + 61)).await["count"], 0);
    assert_eq!(
        receipts(&s, &t, &format!("max_last_modified={}", t0 + 59)).await["count"],
        0
    );

    // Canceled: Etsy's spelling, and the piece does not come back to the listing.
    s.clock.advance(Duration::from_secs(60));
    let canceled = json(s.order_status("etsy", &id, "cancelled").await).await;
    assert_eq!(canceled["status"], "canceled");
    assert_eq!(canceled["updated_timestamp"], t0 + 120);
    let after = s.etsy_json(&t, &format!("/listings/{listing}")).await;
    assert_eq!(after["quantity"], 2);

    // A canceled receipt stays canceled; unknown statuses and orders are refused.
    let reopen = s.order_status("etsy", &id, "paid").await;
    assert_eq!(reopen.status(), StatusCode::CONFLICT);
    let on_hold = s.order_status("etsy", &id, "on-hold").await;
    assert_eq!(on_hold.status(), StatusCode::BAD_REQUEST);
    assert!(
        json(on_hold).await["error"]
            .as_str()
            .unwrap()
            .contains("on-hold")
    );
    let unknown = s.order_status("etsy", &json!(42), "shipped").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    // A refund: "fully refunded", stock untouched.
    let other = sell(&s, listing).await;
    let refunded = json(s.order_status("etsy", &json!(other), "refunded").await).await;
    assert_eq!(refunded["status"], "fully refunded");
    assert_eq!(
        s.etsy_json(&t, &format!("/listings/{listing}")).await["quantity"],
        1
    );
}

#[tokio::test]
async fn get_shop_receipts_filters_sorts_and_pages_as_the_document_says() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let listing = s.etsy_live(&t, "Tapis Beni Ouarain", "HNT-R1", 10).await;
    // Three sales in the same second, a fourth ten seconds later.
    let r1 = sell(&s, listing).await;
    let r2 = sell(&s, listing).await;
    let r3 = sell(&s, listing).await;
    s.clock.advance(Duration::from_secs(10));
    let r4 = sell(&s, listing).await;

    // Ties are ordered by receipt_id: ascending in an ascending sort, and the reverse.
    assert_eq!(
        ids(&receipts(&s, &t, "sort_on=created&sort_order=asc").await),
        [r1, r2, r3, r4]
    );
    assert_eq!(ids(&receipts(&s, &t, "").await), [r4, r3, r2, r1]);
    assert_eq!(
        ids(&receipts(&s, &t, "sort_on=receipt_id&sort_order=up").await),
        [r1, r2, r3, r4]
    );

    // Paging by offset while a receipt changes: the first receipt is shipped between
    // two pages, moves to the end of an `updated` sort, and r3 is never seen.
    let first = receipts(&s, &t, "sort_on=updated&sort_order=asc&limit=2&offset=0").await;
    assert_eq!(ids(&first), [r1, r2]);
    s.clock.advance(Duration::from_secs(10));
    s.order_status("etsy", &json!(r1), "shipped").await;
    let second = receipts(&s, &t, "sort_on=updated&sort_order=asc&limit=2&offset=2").await;
    assert_eq!(second["count"], 4);
    assert_eq!(ids(&second), [r4, r1]);

    // The flags.
    assert_eq!(ids(&receipts(&s, &t, "was_shipped=true").await), [r1]);
    assert_eq!(
        ids(&receipts(&s, &t, "was_shipped=false&sort_order=asc").await),
        [r2, r3, r4]
    );
    assert_eq!(receipts(&s, &t, "was_paid=true").await["count"], 4);
    assert_eq!(receipts(&s, &t, "was_paid=false").await["count"], 0);
    assert_eq!(receipts(&s, &t, "was_delivered=true").await["count"], 0);
    s.order_status("etsy", &json!(r2), "cancelled").await;
    assert_eq!(ids(&receipts(&s, &t, "was_canceled=true").await), [r2]);
    assert_eq!(
        ids(&receipts(
            &s,
            &t,
            "was_canceled=false&sort_on=receipt_id&sort_order=asc"
        )
        .await),
        [r1, r3, r4]
    );

    // Bad parameters are refused as Etsy refuses them.
    for bad in [
        "sort_on=price",
        "sort_order=sideways",
        "limit=101",
        "was_paid=maybe",
    ] {
        let r = s
            .etsy(
                &t,
                reqwest::Method::GET,
                &format!("/shops/{SHOP}/receipts?{bad}"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
}
