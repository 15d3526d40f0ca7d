//! The seller at work on the marketplaces' own websites: edits, drafts and deletions the
//! app did not make, each moving the listing's modification time.

use std::time::Duration;

use base64::Engine;
use hanout_sandbox::credentials::ETSY_SHOP_ID;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Sandbox, json, png};

const SHOP: i64 = ETSY_SHOP_ID;

async fn edit(s: &Sandbox, body: Value) -> reqwest::Response {
    s.control("/sandbox/website-edit", body).await
}

fn image_ids(listing: &Value) -> Vec<i64> {
    listing["images"]
        .as_array()
        .expect("images")
        .iter()
        .map(|i| {
            i["listing_image_id"]
                .as_i64()
                .or_else(|| i["id"].as_i64())
                .expect("image id")
        })
        .collect()
}

#[tokio::test]
async fn an_etsy_edit_on_the_website_goes_through_the_inventory_and_moves_updated() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let id = s.etsy_live(&t, "Coussin brodé", "HNT-C1", 3).await;
    let inventory = s.etsy_json(&t, &format!("/listings/{id}/inventory")).await;
    let created = s.now_secs();

    s.clock.advance(Duration::from_secs(30));
    let priced = edit(
        &s,
        json!({"market": "etsy", "listing_id": id, "price": "135.50"}),
    )
    .await;
    assert_eq!(priced.status(), StatusCode::OK);
    let priced = json(priced).await;
    assert_eq!(priced["price"]["amount"], 13550);
    assert_eq!(priced["skus"], json!(["HNT-C1"]));
    assert_eq!(priced["updated_timestamp"], created + 30);
    assert_eq!(priced["last_modified_timestamp"], created + 30);
    let remade = s.etsy_json(&t, &format!("/listings/{id}/inventory")).await;
    assert_ne!(
        remade["products"][0]["offerings"][0]["offering_id"],
        inventory["products"][0]["offerings"][0]["offering_id"]
    );
    assert_eq!(remade["products"][0]["sku"], "HNT-C1");

    // The website follows the same rule as the API: no way to zero out the stock.
    s.clock.advance(Duration::from_secs(30));
    let zero = edit(
        &s,
        json!({"market": "etsy", "listing_id": id, "quantity": 0}),
    )
    .await;
    assert_eq!(zero.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        json(zero).await["error"],
        "One offering must have quantity greater than 0"
    );
    let unchanged = s.etsy_json(&t, &format!("/listings/{id}")).await;
    assert_eq!(unchanged["quantity"], 3);
    assert_eq!(unchanged["updated_timestamp"], created + 30);

    // Words, photos and quantity together.
    let edited = json(
        edit(
            &s,
            json!({"market": "etsy", "listing_id": id, "title": "Coussin brodé main",
                   "description": "Fil de soie", "quantity": 7, "add_image": "placeholder"}),
        )
        .await,
    )
    .await;
    assert_eq!(edited["title"], "Coussin brodé main");
    assert_eq!(edited["description"], "Fil de soie");
    assert_eq!(edited["quantity"], 7);
    assert_eq!(edited["updated_timestamp"], created + 60);
    let photos = image_ids(&edited);
    assert_eq!(photos.len(), 2);
    let added = s
        .get(&format!("/etsystatic/{}/il_fullxfull.png", photos[1]))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::OK);
    assert!(added.bytes().await.unwrap().starts_with(b"\x89PNG"));

    let removed = json(
        edit(
            &s,
            json!({"market": "etsy", "listing_id": id, "remove_image_id": photos[0]}),
        )
        .await,
    )
    .await;
    assert_eq!(image_ids(&removed), [photos[1]]);
    // An active listing keeps its last photo.
    let last = edit(
        &s,
        json!({"market": "etsy", "listing_id": id, "remove_image_id": photos[1]}),
    )
    .await;
    assert_eq!(last.status(), StatusCode::BAD_REQUEST);

    // Unpublished on the website it does not sell; published again, it sells
    // (etsy/open-api #581).
    let inactive = json(
        edit(
            &s,
            json!({"market": "etsy", "listing_id": id, "state": "inactive"}),
        )
        .await,
    )
    .await;
    assert_eq!(inactive["state"], "inactive");
    assert_eq!(s.sale("etsy", id, 1).await.status(), StatusCode::CONFLICT);
    edit(
        &s,
        json!({"market": "etsy", "listing_id": id, "state": "active"}),
    )
    .await;
    assert_eq!(s.sale("etsy", id, 1).await.status(), StatusCode::CREATED);

    // A photo as base64 bytes; anything else is refused.
    let bytes = base64::engine::general_purpose::STANDARD.encode(png(300, 200));
    let with_bytes = json(
        edit(
            &s,
            json!({"market": "etsy", "listing_id": id, "add_image": bytes}),
        )
        .await,
    )
    .await;
    assert_eq!(with_bytes["images"][1]["full_width"], 300);
    for body in [
        json!({"market": "etsy", "listing_id": id, "add_image": "bm90IGFuIGltYWdl"}),
        json!({"market": "etsy", "listing_id": id, "colour": "red"}),
        json!({"market": "etsy", "listing_id": id, "state": "sold_out"}),
        json!({"market": "etsy", "listing_id": id, "price": "free"}),
        json!({"market": "ebay", "listing_id": id}),
    ] {
        assert_eq!(
            edit(&s, body.clone()).await.status(),
            StatusCode::BAD_REQUEST,
            "{body}"
        );
    }
    let unknown = edit(
        &s,
        json!({"market": "etsy", "listing_id": 42, "title": "x"}),
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_draft_made_on_a_website_has_no_sku() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let draft = |market: &str, quantity: i64| {
        json!({"market": market, "title": "Bol en thuya", "description": "Tourné main",
               "price": "80.00", "quantity": quantity})
    };
    let made = s.control("/sandbox/website-draft", draft("etsy", 2)).await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let made = json(made).await;
    let id = made["listing_id"].as_i64().unwrap();
    let listing = s.etsy_json(&t, &format!("/listings/{id}")).await;
    assert_eq!(listing["state"], "draft");
    assert_eq!(listing["skus"], json!([]));
    assert_eq!(listing["quantity"], 2);
    assert_eq!(listing["price"]["amount"], 8000);
    let drafts = s
        .etsy_json(&t, &format!("/shops/{SHOP}/listings?state=draft"))
        .await;
    assert_eq!(drafts["results"][0]["listing_id"], id);
    let zero = s.control("/sandbox/website-draft", draft("etsy", 0)).await;
    assert_eq!(zero.status(), StatusCode::BAD_REQUEST);

    let made = s
        .control("/sandbox/website-draft", draft("woocommerce", 4))
        .await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let id = json(made).await["listing_id"].clone();
    let product = s.woo_json(&format!("/products/{id}")).await;
    assert_eq!(product["status"], "draft");
    assert_eq!(product["sku"], "");
    assert_eq!(product["regular_price"], "80.00");
    assert_eq!(product["stock_quantity"], 4);
}

#[tokio::test]
async fn a_woocommerce_edit_in_the_admin_is_a_product_save() {
    let s = Sandbox::start().await;
    let product = json(
        s.woo_create(
            json!({"name": "Tapis", "sku": "HNT-T9", "regular_price": "2400.00",
                            "manage_stock": true, "stock_quantity": 1}),
        )
        .await,
    )
    .await;
    let id = product["id"].as_i64().unwrap();
    s.clock.advance(Duration::from_secs(90));
    let edited = edit(
        &s,
        json!({"market": "woocommerce", "listing_id": id, "price": "2200.00", "quantity": 3,
               "title": "Tapis berbère", "description": "Laine", "state": "private",
               "add_image": "placeholder"}),
    )
    .await;
    assert_eq!(edited.status(), StatusCode::OK);
    let edited = json(edited).await;
    assert_eq!(edited["regular_price"], "2200.00");
    assert_eq!(edited["stock_quantity"], 3);
    assert_eq!(edited["stock_status"], "instock");
    assert_eq!(edited["name"], "Tapis berbère");
    assert_eq!(edited["status"], "private");
    assert_eq!(edited["sku"], "HNT-T9");
    assert_ne!(edited["date_modified_gmt"], product["date_modified_gmt"]);
    let photos = image_ids(&edited);
    assert_eq!(photos.len(), 1);

    // A photo removed from the gallery stays in the media library.
    let removed = json(
        edit(
            &s,
            json!({"market": "woocommerce", "listing_id": id, "remove_image_id": photos[0]}),
        )
        .await,
    )
    .await;
    assert!(image_ids(&removed).is_empty());
    assert_eq!(s.state().await["woocommerce"]["media"][0]["id"], photos[0]);

    for body in [
        json!({"market": "woocommerce", "listing_id": id, "price": "cheap"}),
        json!({"market": "woocommerce", "listing_id": id, "state": "active"}),
        json!({"market": "woocommerce", "listing_id": id, "remove_image_id": 4242}),
    ] {
        let refused = edit(&s, body.clone()).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{body}");
        assert!(json(refused).await["code"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn deleted_on_the_website_the_listing_answers_as_the_service_does() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let etsy_id = s.etsy_live(&t, "Lanterne en laiton", "HNT-L1", 1).await;
    let deleted = s
        .control(
            "/sandbox/website-delete",
            json!({"market": "etsy", "listing_id": etsy_id}),
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::OK);
    let get = s
        .etsy(&t, Method::GET, &format!("/listings/{etsy_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), StatusCode::NOT_FOUND);
    let update = s
        .etsy(
            &t,
            Method::PATCH,
            &format!("/shops/{SHOP}/listings/{etsy_id}"),
        )
        .form(&[("title", "Lanterne")])
        .send()
        .await
        .unwrap();
    assert_eq!(update.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        s.etsy_inventory(&t, etsy_id, "HNT-L1", 120.0, 2)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // WooCommerce: the trash still takes updates and reads as "trash".
    let id = json(s.woo_create(json!({"name": "Plat", "sku": "HNT-P1"})).await).await["id"]
        .as_i64()
        .unwrap();
    s.control(
        "/sandbox/website-delete",
        json!({"market": "woocommerce", "listing_id": id}),
    )
    .await;
    assert_eq!(
        s.woo_json(&format!("/products/{id}")).await["status"],
        "trash"
    );
    let updated = s
        .woo(Method::PUT, &format!("/products/{id}"))
        .json(&json!({"regular_price": "55.00"}))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), StatusCode::OK);
    let updated = json(updated).await;
    assert_eq!(
        (updated["status"].clone(), updated["regular_price"].clone()),
        (json!("trash"), json!("55.00"))
    );

    // Deleted for good: 400 to an update, 404 to a read, both "Invalid ID.".
    s.control(
        "/sandbox/website-delete",
        json!({"market": "woocommerce", "listing_id": id, "permanent": true}),
    )
    .await;
    let update = s
        .woo(Method::PUT, &format!("/products/{id}"))
        .json(&json!({"regular_price": "60.00"}))
        .send()
        .await
        .unwrap();
    assert_eq!(update.status(), StatusCode::BAD_REQUEST);
    let update = json(update).await;
    assert_eq!(update["code"], "woocommerce_rest_product_invalid_id");
    assert_eq!(update["message"], "Invalid ID.");
    let read = s
        .woo(Method::GET, &format!("/products/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        json(read).await["code"],
        "woocommerce_rest_product_invalid_id"
    );
}
