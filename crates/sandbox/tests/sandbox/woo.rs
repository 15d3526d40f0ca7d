use std::time::Duration;

use hanout_sandbox::credentials::{
    WOO_CONSUMER_KEY, WOO_CONSUMER_SECRET, WP_APPLICATION_PASSWORD, WP_USER,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Sandbox, jpeg, json, png};

#[tokio::test]
async fn a_duplicate_sku_answers_product_invalid_sku_naming_the_holder() {
    let s = Sandbox::start().await;
    let first = s
        .woo_create(
            json!({"name": "Tapis Beni Ouarain", "sku": "HNT-RUG-1", "regular_price": "2400.00"}),
        )
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first = json(first).await;
    let holder = first["id"].as_i64().unwrap();
    assert_eq!(first["status"], "publish");
    assert_eq!(first["regular_price"], "2400.00");

    // Same SKU, other case: MySQL compares case-insensitively.
    let again = s
        .woo_create(
            json!({"name": "Tapis (retry)", "sku": "hnt-rug-1", "regular_price": "2400.00"}),
        )
        .await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let again = json(again).await;
    assert_eq!(again["code"], "product_invalid_sku");
    assert_eq!(again["data"]["status"], 400);
    assert_eq!(again["data"]["resource_id"], holder);
    assert_eq!(again["data"]["unique_sku"], "hnt-rug-1-1");
    assert!(again["message"].is_string());

    // Updating another product to that SKU is refused the same way.
    let other = json(
        s.woo_create(json!({"name": "Kilim", "sku": "HNT-RUG-2"}))
            .await,
    )
    .await;
    let clash = s
        .woo(Method::PUT, &format!("/products/{}", other["id"]))
        .json(&json!({"sku": "HNT-RUG-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json(clash).await["data"]["resource_id"], holder);

    // Only one product holds it; it can be found by SKU.
    let found = s
        .woo(Method::GET, "/products")
        .query(&[("sku", "HNT-RUG-1")])
        .send()
        .await
        .unwrap();
    assert_eq!(found.headers()["x-wp-total"], "1");
    let found = json(found).await;
    assert_eq!(found[0]["id"], holder);

    // In the trash, the SKU is free again.
    let trashed = s
        .woo(Method::DELETE, &format!("/products/{holder}"))
        .send()
        .await
        .unwrap();
    assert_eq!(json(trashed).await["status"], "trash");
    let reuse = s
        .woo_create(json!({"name": "Tapis neuf", "sku": "HNT-RUG-1"}))
        .await;
    assert_eq!(reuse.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_batch_answers_each_item_on_its_own() {
    let s = Sandbox::start().await;
    let kept = json(s.woo_create(json!({"name": "Bol", "sku": "B-1"})).await).await;
    let doomed = json(
        s.woo_create(json!({"name": "Assiette", "sku": "A-1"}))
            .await,
    )
    .await;
    let response = s
        .woo(Method::POST, "/products/batch")
        .json(&json!({
            "create": [
                {"name": "Plat à tajine", "sku": "T-1", "regular_price": "180.00"},
                {"name": "Doublon", "sku": "B-1"},
                {"name": "Prix nombre", "regular_price": 99},
            ],
            "update": [
                {"id": kept["id"], "regular_price": "75.50"},
                {"id": 999_999, "name": "fantôme"},
            ],
            "delete": [doomed["id"], 888_888],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = json(response).await;
    let create = body["create"].as_array().unwrap();
    assert_eq!(create.len(), 3);
    assert_eq!(create[0]["sku"], "T-1");
    assert_eq!(create[1]["id"], 0);
    assert_eq!(create[1]["error"]["code"], "product_invalid_sku");
    assert_eq!(create[1]["error"]["data"]["resource_id"], kept["id"]);
    assert_eq!(create[2]["error"]["code"], "rest_invalid_param");
    let update = body["update"].as_array().unwrap();
    assert_eq!(update[0]["regular_price"], "75.50");
    assert_eq!(
        update[1]["error"]["code"],
        "woocommerce_rest_product_invalid_id"
    );
    let delete = body["delete"].as_array().unwrap();
    assert_eq!(delete[0]["id"], doomed["id"]);
    assert_eq!(delete[1]["error"]["data"]["status"], 404);

    let skus: Vec<String> = s.state().await["woocommerce"]["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sku"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(skus, ["B-1", "T-1"]);

    // More than 100 objects in all: refused whole.
    let many: Vec<Value> = (0..101).map(|i| json!({"name": format!("p{i}")})).collect();
    let too_many = s
        .woo(Method::POST, "/products/batch")
        .json(&json!({"create": many}))
        .send()
        .await
        .unwrap();
    assert_eq!(too_many.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        json(too_many).await["code"],
        "woocommerce_rest_request_entity_too_large"
    );
    assert_eq!(
        s.state().await["woocommerce"]["products"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn orders_are_pulled_by_modified_after() {
    let s = Sandbox::start().await;
    let product = json(
        s.woo_create(json!({
            "name": "Huile d'argan 100 ml", "sku": "ARG-100", "regular_price": "150.00",
            "manage_stock": true, "stock_quantity": 5,
        }))
        .await,
    )
    .await;
    let id = product["id"].as_i64().unwrap();
    assert_eq!(product["stock_status"], "instock");
    assert_eq!(
        s.sale("woocommerce", id, 1).await.status(),
        StatusCode::CREATED
    );
    let cursor =
        json(s.woo(Method::GET, "/orders").send().await.unwrap()).await[0]["date_modified_gmt"]
            .as_str()
            .unwrap()
            .to_string();
    s.clock.advance(Duration::from_secs(5));
    assert_eq!(
        s.sale("woocommerce", id, 2).await.status(),
        StatusCode::CREATED
    );

    let newer = s
        .woo(Method::GET, "/orders")
        .query(&[
            ("modified_after", cursor.as_str()),
            ("orderby", "modified"),
            ("order", "asc"),
            ("per_page", "10"),
            ("page", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(newer.status(), StatusCode::OK);
    assert_eq!(newer.headers()["x-wp-total"], "1");
    assert_eq!(newer.headers()["x-wp-totalpages"], "1");
    let newer = json(newer).await;
    let line = &newer[0]["line_items"][0];
    assert_eq!(line["product_id"], id);
    assert_eq!(line["sku"], "ARG-100");
    assert_eq!(line["quantity"], 2);
    assert!(line["id"].as_i64().unwrap() > 0);

    let all = s
        .woo(Method::GET, "/orders")
        .query(&[("per_page", "1"), ("orderby", "modified"), ("order", "asc")])
        .send()
        .await
        .unwrap();
    assert_eq!(all.headers()["x-wp-total"], "2");
    assert_eq!(all.headers()["x-wp-totalpages"], "2");
    let first = json(all).await;
    let second = json(
        s.woo(Method::GET, "/orders")
            .query(&[
                ("per_page", "1"),
                ("offset", "1"),
                ("orderby", "modified"),
                ("order", "asc"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_ne!(first[0]["id"], second[0]["id"]);
    assert_eq!(second[0]["line_items"][0]["quantity"], 2);

    let product = json(
        s.woo(Method::GET, &format!("/products/{id}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(product["stock_quantity"], 2);

    let bad = s
        .woo(Method::GET, "/orders")
        .query(&[("modified_after", "last tuesday")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(bad).await["code"], "rest_invalid_param");
}

#[tokio::test]
async fn media_needs_the_application_password_not_the_woocommerce_keys() {
    let s = Sandbox::start().await;
    let photo = jpeg(1600, 1200);
    let upload = |user: &'static str, password: &'static str, body: Vec<u8>| {
        let s = &s;
        async move {
            s.request(Method::POST, "/wp-json/wp/v2/media")
                .basic_auth(user, Some(password))
                .header("content-type", "image/jpeg")
                .header(
                    "content-disposition",
                    "attachment; filename=\"tajine rouge.jpg\"",
                )
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let with_keys = upload(WOO_CONSUMER_KEY, WOO_CONSUMER_SECRET, photo.clone()).await;
    assert_eq!(with_keys.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json(with_keys).await["data"]["status"], 401);
    let wrong = upload(WP_USER, "aaaa bbbb cccc dddd eeee ffff", photo.clone()).await;
    assert_eq!(json(wrong).await["code"], "incorrect_password");
    let anonymous = s
        .request(Method::POST, "/wp-json/wp/v2/media")
        .body(photo.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(json(anonymous).await["code"], "rest_cannot_create");

    let done = upload(WP_USER, WP_APPLICATION_PASSWORD, photo.clone()).await;
    assert_eq!(done.status(), StatusCode::CREATED);
    let media = json(done).await;
    let media_id = media["id"].as_i64().unwrap();
    assert_eq!(media["media_details"]["width"], 1600);
    let source = media["source_url"].as_str().unwrap();
    assert!(source.ends_with("/tajine-rouge.jpg"), "{source}");
    let served = s.http.get(source).send().await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert_eq!(served.bytes().await.unwrap().as_ref(), photo.as_slice());

    // Not an image: WordPress fails the sideload with a 500.
    let text = upload(WP_USER, WP_APPLICATION_PASSWORD, b"hello".to_vec()).await;
    assert_eq!(text.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(json(text).await["code"], "rest_upload_sideload_error");

    // A product shows the photo; an unknown media id is refused.
    let second = json(upload(WP_USER, WP_APPLICATION_PASSWORD, png(500, 500)).await).await;
    let product = s
        .woo_create(json!({"name": "Tajine", "images": [{"id": second["id"]}, {"id": media_id}]}))
        .await;
    assert_eq!(product.status(), StatusCode::CREATED);
    let product = json(product).await;
    assert_eq!(product["images"][0]["id"], second["id"]);
    assert_eq!(product["images"][1]["id"], media_id);
    let unknown = s
        .woo_create(json!({"name": "Tajine", "images": [{"id": 4242}]}))
        .await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        json(unknown).await["code"],
        "woocommerce_product_invalid_image_id"
    );

    // Deleting needs force=true.
    let trash = s
        .request(Method::DELETE, &format!("/wp-json/wp/v2/media/{media_id}"))
        .basic_auth(WP_USER, Some(WP_APPLICATION_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(trash.status(), StatusCode::NOT_IMPLEMENTED);
    let deleted = s
        .request(
            Method::DELETE,
            &format!("/wp-json/wp/v2/media/{media_id}?force=true"),
        )
        .basic_auth(WP_USER, Some(WP_APPLICATION_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(json(deleted).await["deleted"], true);
    assert_eq!(
        s.http.get(source).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn woocommerce_wants_its_keys() {
    let s = Sandbox::start().await;
    let none = s.get("/wp-json/wc/v3/products").send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    let none = json(none).await;
    assert_eq!(none["code"], "woocommerce_rest_cannot_view");
    assert_eq!(none["data"]["status"], 401);
    let wrong = s
        .get("/wp-json/wc/v3/products")
        .basic_auth(WOO_CONSUMER_KEY, Some("cs_wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let unknown_route = s.woo(Method::GET, "/products/abc").send().await.unwrap();
    assert_eq!(json(unknown_route).await["code"], "rest_no_route");
}

#[tokio::test]
async fn prices_are_strings_and_stock_at_zero_is_out_of_stock() {
    let s = Sandbox::start().await;
    let number = s
        .woo_create(json!({"name": "Bol", "regular_price": 120}))
        .await;
    assert_eq!(number.status(), StatusCode::BAD_REQUEST);
    let number = json(number).await;
    assert_eq!(number["code"], "rest_invalid_param");
    assert!(number["data"]["params"]["regular_price"].is_string());

    let product = json(
        s.woo_create(json!({
            "name": "Bol", "regular_price": "120.00", "manage_stock": true, "stock_quantity": 1,
            "status": "draft",
        }))
        .await,
    )
    .await;
    let id = product["id"].as_i64().unwrap();
    let modified = product["date_modified_gmt"].clone();
    s.clock.advance(Duration::from_secs(10));
    let updated = json(
        s.woo(Method::PUT, &format!("/products/{id}"))
            .json(&json!({"stock_quantity": 0, "status": "publish"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(updated["stock_status"], "outofstock");
    assert_eq!(updated["status"], "publish");
    assert_ne!(updated["date_modified_gmt"], modified);

    let changed = s
        .woo(Method::GET, "/products")
        .query(&[("modified_after", modified.as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(json(changed).await.as_array().unwrap().len(), 1);

    let deleted = s
        .woo(Method::DELETE, &format!("/products/{id}?force=true"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::OK);
    let gone = s
        .woo(Method::GET, &format!("/products/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        json(gone).await["code"],
        "woocommerce_rest_product_invalid_id"
    );
}
