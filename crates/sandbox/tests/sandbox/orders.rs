//! WooCommerce orders change after the sale, and the stock follows their status as
//! WooCommerce's stock hooks move it.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Sandbox, json};

async fn product(s: &Sandbox, stock: i64) -> i64 {
    let created = s
        .woo_create(json!({
            "name": "Huile d'argan 100 ml", "sku": "ARG-100", "regular_price": "150.00",
            "manage_stock": true, "stock_quantity": stock,
        }))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    json(created).await["id"].as_i64().unwrap()
}

async fn sale(s: &Sandbox, id: i64, quantity: i64, status: Option<&str>) -> Value {
    let mut body = json!({"market": "woocommerce", "listing_id": id, "quantity": quantity});
    if let Some(status) = status {
        body["status"] = json!(status);
    }
    let sold = s.control("/sandbox/sale", body).await;
    assert_eq!(sold.status(), StatusCode::CREATED);
    json(sold).await
}

async fn stock(s: &Sandbox, id: i64) -> (Value, Value, Value) {
    let p = s.woo_json(&format!("/products/{id}")).await;
    (
        p["stock_quantity"].clone(),
        p["stock_status"].clone(),
        p["date_modified_gmt"].clone(),
    )
}

/// Moves the order a minute later and answers it as the REST API shows it.
async fn move_to(s: &Sandbox, order: &Value, status: &str) -> Value {
    s.clock.advance(Duration::from_secs(60));
    let moved = s.order_status("woocommerce", order, status).await;
    assert_eq!(moved.status(), StatusCode::OK, "{status}");
    let moved = json(moved).await;
    assert_eq!(
        moved,
        s.woo_json(&format!("/orders/{order}")).await,
        "the answer is the order as the API shows it"
    );
    moved
}

#[tokio::test]
async fn the_stock_goes_down_once_per_order_and_comes_back_on_cancel_or_refund() {
    let s = Sandbox::start().await;
    let id = product(&s, 5).await;
    let (_, _, product_modified) = stock(&s, id).await;

    let sold = sale(&s, id, 2, None).await;
    assert_eq!(sold["status"], "processing");
    assert!(sold["line_item_id"].as_i64().unwrap() > 0);
    let order = sold["order_id"].clone();
    let placed = s.woo_json(&format!("/orders/{order}")).await;
    assert_eq!(placed["status"], "processing");
    assert_eq!(placed["date_paid_gmt"], placed["date_created_gmt"]);
    assert_eq!(stock(&s, id).await.0, 3);

    // Completed: no second reduction; date_modified and date_completed move.
    let completed = move_to(&s, &order, "completed").await;
    assert_eq!(completed["status"], "completed");
    assert_ne!(completed["date_modified_gmt"], placed["date_modified_gmt"]);
    assert_eq!(completed["date_modified"], completed["date_modified_gmt"]);
    assert_eq!(
        completed["date_completed_gmt"],
        completed["date_modified_gmt"]
    );
    assert_eq!(completed["date_created_gmt"], placed["date_created_gmt"]);
    assert_eq!(stock(&s, id).await.0, 3);

    // Cancelled: the stock comes back, the product's date_modified does not move.
    let cancelled = move_to(&s, &order, "cancelled").await;
    assert_ne!(
        cancelled["date_modified_gmt"],
        completed["date_modified_gmt"]
    );
    assert_eq!(
        stock(&s, id).await,
        (json!(5), json!("instock"), product_modified.clone())
    );

    // Processing again lowers it again; refunded gives it back.
    move_to(&s, &order, "paid").await;
    assert_eq!(stock(&s, id).await.0, 3);
    let refunded = move_to(&s, &order, "refunded").await;
    assert_eq!(refunded["status"], "refunded");
    assert_eq!(stock(&s, id).await.0, 5);
    // Moving to the status it has changes nothing.
    let again = s.order_status("woocommerce", &order, "refunded").await;
    assert_eq!(
        json(again).await["date_modified_gmt"],
        refunded["date_modified_gmt"]
    );
    assert_eq!(stock(&s, id).await.0, 5);

    // A pulled cursor sees the order again after each change.
    let changed = s
        .woo(reqwest::Method::GET, "/orders")
        .query(&[(
            "modified_after",
            cancelled["date_modified_gmt"].as_str().unwrap(),
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(json(changed).await[0]["id"], order);
}

#[tokio::test]
async fn pending_orders_do_not_hold_stock_and_on_hold_ones_do() {
    let s = Sandbox::start().await;
    let id = product(&s, 5).await;

    let pending = sale(&s, id, 1, Some("pending")).await;
    assert_eq!(pending["status"], "pending");
    assert_eq!(pending["stock_quantity"], 5);
    let order = pending["order_id"].clone();
    assert_eq!(
        s.woo_json(&format!("/orders/{order}")).await["date_paid"],
        Value::Null
    );

    move_to(&s, &order, "on-hold").await;
    assert_eq!(stock(&s, id).await.0, 4);
    // A failed payment gives nothing back (no WooCommerce hook does); pending does.
    move_to(&s, &order, "failed").await;
    assert_eq!(stock(&s, id).await.0, 4);
    move_to(&s, &order, "pending").await;
    assert_eq!(stock(&s, id).await.0, 5);

    let on_hold = sale(&s, id, 2, Some("on-hold")).await;
    assert_eq!(on_hold["status"], "on-hold");
    assert_eq!(on_hold["stock_quantity"], 3);

    // Statuses WooCommerce does not have, and orders it does not know.
    for status in ["canceled", "open", "shipped!"] {
        let r = s.order_status("woocommerce", &order, status).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{status}");
    }
    let unknown = s
        .order_status("woocommerce", &json!(999_999), "completed")
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    // A checkout does not leave an order completed.
    let refused = s
        .control(
            "/sandbox/sale",
            json!({"market": "woocommerce", "listing_id": id, "status": "completed"}),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = s
        .control(
            "/sandbox/sale",
            json!({"market": "etsy", "listing_id": id, "status": "on-hold"}),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(refused).await["reason"], "bad_status");
}

#[tokio::test]
async fn a_sold_out_product_refuses_the_next_sale_until_a_cancel_restocks_it() {
    let s = Sandbox::start().await;
    let id = product(&s, 2).await;
    let sold = sale(&s, id, 2, None).await;
    assert_eq!(sold["stock_quantity"], 0);
    assert_eq!(sold["stock_status"], "outofstock");
    let refused = s.sale("woocommerce", id, 1).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(json(refused).await["reason"], "sold_out");

    move_to(&s, &sold["order_id"], "cancelled").await;
    let (quantity, status, _) = stock(&s, id).await;
    assert_eq!((quantity, status), (json!(2), json!("instock")));
    assert_eq!(
        s.sale("woocommerce", id, 1).await.status(),
        StatusCode::CREATED
    );

    // The buyer's name is the order's billing name.
    let named = s
        .control(
            "/sandbox/sale",
            json!({"market": "woocommerce", "listing_id": id, "buyer": "Omar Berrada"}),
        )
        .await;
    let order = json(named).await["order_id"].clone();
    let billing = &s.woo_json(&format!("/orders/{order}")).await["billing"];
    assert_eq!(
        (billing["first_name"].clone(), billing["last_name"].clone()),
        (json!("Omar"), json!("Berrada"))
    );
}
