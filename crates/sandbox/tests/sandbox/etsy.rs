use std::time::Duration;

use hanout_sandbox::credentials::{ETSY_KEYSTRING, ETSY_SHOP_ID, ETSY_USER_ID};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::{Sandbox, draft_form, json, png};

const SHOP: i64 = ETSY_SHOP_ID;

/// Fields to replace in the draft form (`None` leaves the field out).
type Changes = Vec<(&'static str, Option<&'static str>)>;

#[tokio::test]
async fn the_whole_etsy_flow() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    assert!(t.access.starts_with(&format!("{ETSY_USER_ID}.")));

    let me = json(s.etsy(&t, Method::GET, "/users/me").send().await.unwrap()).await;
    assert_eq!(me["user_id"], ETSY_USER_ID);
    assert_eq!(me["shop_id"], SHOP);

    let profiles = json(
        s.etsy(&t, Method::GET, &format!("/shops/{SHOP}/shipping-profiles"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(profiles["count"], 1);
    let taxonomy = json(
        s.etsy_public(Method::GET, "/seller-taxonomy/nodes")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let names = taxonomy.to_string();
    assert!(names.contains("Argan Oil") && names.contains("Tagines"));

    // Create: a draft, no SKU yet.
    let draft = s.etsy_draft(&t, "Tajine de Safi: émaillé").await;
    let id = draft["listing_id"].as_i64().unwrap();
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["price"]["amount"], 12000);
    assert_eq!(draft["price"]["currency_code"], "MAD");
    assert_eq!(draft["tags"][2], "fait main");

    // Publishing without a photo is refused.
    let refused = s.etsy_set_state(&t, id, "active").await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(
        json(refused).await["error"]
            .as_str()
            .unwrap()
            .contains("image")
    );

    // Two photos, then the SKU, price and stock through the inventory.
    let first = json(s.etsy_upload(&t, id, png(2000, 1500)).await).await;
    let second = json(s.etsy_upload(&t, id, png(1000, 1000)).await).await;
    assert_eq!(
        (first["rank"].clone(), second["rank"].clone()),
        (1.into(), 2.into())
    );
    assert_eq!(first["full_width"], 2000);
    let inventory = s.etsy_inventory(&t, id, "HNT-0001", 150.5, 3).await;
    assert_eq!(inventory.status(), StatusCode::OK);
    let inventory = json(inventory).await;
    assert_eq!(inventory["products"][0]["sku"], "HNT-0001");
    assert_eq!(
        inventory["products"][0]["offerings"][0]["price"]["amount"],
        15050
    );

    // Read back as the adapter reconciles: drafts with their SKUs and photos.
    let drafts = json(
        s.etsy(&t, Method::GET, &format!("/shops/{SHOP}/listings"))
            .query(&[
                ("state", "draft"),
                ("sort_on", "created"),
                ("includes", "Images,Inventory"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(drafts["count"], 1);
    let found = &drafts["results"][0];
    assert_eq!(found["skus"][0], "HNT-0001");
    assert_eq!(found["images"].as_array().unwrap().len(), 2);
    assert_eq!(
        found["inventory"]["products"][0]["offerings"][0]["quantity"],
        3
    );
    assert_eq!(found["quantity"], 3);

    // Publish, then edit.
    let active = json(s.etsy_set_state(&t, id, "active").await).await;
    assert_eq!(active["state"], "active");
    let edited = s
        .etsy(&t, Method::PATCH, &format!("/shops/{SHOP}/listings/{id}"))
        .form(&[
            ("title", "Tajine de Safi, grand"),
            ("description", "Nouveau texte"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), StatusCode::OK);
    assert_eq!(json(edited).await["title"], "Tajine de Safi, grand");

    // A buyer buys two; the sale comes back through the receipts.
    s.clock.advance(Duration::from_secs(60));
    let since = (s
        .clock
        .now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()) as i64;
    assert_eq!(s.sale("etsy", id, 2).await.status(), StatusCode::CREATED);
    let receipts = json(
        s.etsy(&t, Method::GET, &format!("/shops/{SHOP}/receipts"))
            .query(&[("min_last_modified", since.to_string())])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(receipts["count"], 1);
    let line = &receipts["results"][0]["transactions"][0];
    assert_eq!(line["listing_id"], id);
    assert_eq!(line["sku"], "HNT-0001");
    assert_eq!(line["quantity"], 2);
    assert!(line["transaction_id"].as_i64().unwrap() > 0);
    let later = json(
        s.etsy(&t, Method::GET, &format!("/shops/{SHOP}/receipts"))
            .query(&[("min_last_modified", (since + 1).to_string())])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(later["count"], 0);
    let listing = json(
        s.etsy(&t, Method::GET, &format!("/listings/{id}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(listing["quantity"], 1);

    // Delete.
    let deleted = s
        .etsy(&t, Method::DELETE, &format!("/listings/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = s
        .etsy(&t, Method::GET, &format!("/listings/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert!(json(gone).await["error"].is_string());
    assert!(
        s.state().await["etsy"]["listings"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_upload_without_overwrite_appends_and_overwrite_replaces() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let id = s.etsy_draft(&t, "Panier en palmier").await["listing_id"]
        .as_i64()
        .unwrap();
    let photo = png(1200, 900);
    // The same photo twice (a retry after a lost answer): two copies.
    assert_eq!(
        s.etsy_upload(&t, id, photo.clone()).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        s.etsy_upload(&t, id, photo.clone()).await.status(),
        StatusCode::CREATED
    );
    let state = s.state().await;
    let images = state["etsy"]["listings"][0]["images"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(images.len(), 2);
    assert_eq!(images[0]["sha256"], images[1]["sha256"]);

    // overwrite=true at rank 2 replaces the second copy with another photo.
    let other = png(640, 640);
    let form = reqwest::multipart::Form::new()
        .text("rank", "2")
        .text("overwrite", "true")
        .text("alt_text", "سلة من سعف النخيل")
        .part(
            "image",
            reqwest::multipart::Part::bytes(other).file_name("b.png"),
        );
    let replaced = s
        .etsy(
            &t,
            Method::POST,
            &format!("/shops/{SHOP}/listings/{id}/images"),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(replaced.status(), StatusCode::CREATED);
    let replaced = json(replaced).await;
    assert_eq!(replaced["rank"], 2);
    assert_eq!(replaced["alt_text"], "سلة من سعف النخيل");
    let images = s.state().await["etsy"]["listings"][0]["images"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(images.len(), 2);
    assert_eq!(
        images[0]["sha256"],
        state["etsy"]["listings"][0]["images"][0]["sha256"]
    );
    assert_ne!(images[1]["sha256"], images[0]["sha256"]);
    assert_eq!(images[1]["width"], 640);

    // A rank without overwrite inserts in front.
    let form = reqwest::multipart::Form::new().text("rank", "1").part(
        "image",
        reqwest::multipart::Part::bytes(png(300, 300)).file_name("c.png"),
    );
    let inserted = s
        .etsy(
            &t,
            Method::POST,
            &format!("/shops/{SHOP}/listings/{id}/images"),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(json(inserted).await["rank"], 1);
    let listed = json(
        s.etsy(&t, Method::GET, &format!("/listings/{id}/images"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(listed["count"], 3);
    let widths: Vec<i64> = listed["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["full_width"].as_i64().unwrap())
        .collect();
    assert_eq!(widths, [300, 1200, 640]);

    // The file itself is served back.
    let url = listed["results"][0]["url_fullxfull"].as_str().unwrap();
    let bytes = s.http.get(url).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), png(300, 300).as_slice());

    // Not an image: refused.
    let refused = s
        .etsy_upload(&t, id, b"GIF? no, a text file".to_vec())
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_refresh_token_rotates_and_the_old_one_is_refused() {
    let s = Sandbox::start().await;
    let first = s.etsy_login().await;
    let refresh = |token: String| {
        let s = &s;
        async move {
            s.http
                .post(format!("{}/v3/public/oauth/token", s.url))
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("client_id", ETSY_KEYSTRING),
                    ("refresh_token", &token),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let rotated = refresh(first.refresh.clone()).await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let rotated = json(rotated).await;
    let new_refresh = rotated["refresh_token"].as_str().unwrap().to_string();
    let new_access = rotated["access_token"].as_str().unwrap().to_string();
    assert_ne!(new_refresh, first.refresh);
    assert_eq!(rotated["expires_in"], 3600);

    let again = refresh(first.refresh.clone()).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(again).await["error"], "invalid_grant");

    let me = s
        .etsy_public(Method::GET, "/users/me")
        .bearer_auth(&new_access)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(refresh(new_refresh).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_expired_or_missing_token_or_key_is_refused() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let me = |r: reqwest::RequestBuilder| async move { r.send().await.unwrap() };
    assert_eq!(
        me(s.etsy(&t, Method::GET, "/users/me")).await.status(),
        StatusCode::OK
    );

    s.clock.advance(Duration::from_secs(3599));
    assert_eq!(
        me(s.etsy(&t, Method::GET, "/users/me")).await.status(),
        StatusCode::OK
    );
    s.clock.advance(Duration::from_secs(1));
    let expired = me(s.etsy(&t, Method::GET, "/users/me")).await;
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json(expired).await["error"], "invalid_token");

    let missing = me(s.etsy_public(Method::GET, "/users/me")).await;
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json(missing).await["error"], "invalid_token");

    let unknown = me(s
        .etsy_public(Method::GET, "/users/me")
        .bearer_auth("71000001.forged"))
    .await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);

    // The key must be keystring:secret.
    let fresh = s.etsy_login().await;
    let key_only = me(s
        .get("/v3/application/users/me")
        .header("x-api-key", ETSY_KEYSTRING)
        .bearer_auth(&fresh.access))
    .await;
    assert_eq!(key_only.status(), StatusCode::UNAUTHORIZED);
    assert!(key_only.headers().contains_key("x-etsy-request-uuid"));
    let no_key = me(s.get("/v3/application/users/me").bearer_auth(&fresh.access)).await;
    assert_eq!(no_key.status(), StatusCode::UNAUTHORIZED);
    assert!(
        json(no_key).await["error"]
            .as_str()
            .unwrap()
            .contains("x-api-key")
    );

    // A token without the scope: 403.
    let reader = s.etsy_login_with("listings_r").await;
    let create = s
        .etsy(&reader, Method::POST, &format!("/shops/{SHOP}/listings"))
        .form(&draft_form("Bol"))
        .send()
        .await
        .unwrap();
    assert_eq!(create.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pkce_needs_the_right_verifier_and_a_code_works_once() {
    let s = Sandbox::start().await;
    let code = s.etsy_code("listings_r").await;
    let exchange = |verifier: &'static str, code: String| {
        let s = &s;
        async move {
            s.http
                .post(format!("{}/v3/public/oauth/token", s.url))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("client_id", ETSY_KEYSTRING),
                    ("redirect_uri", crate::common::REDIRECT_URI),
                    ("code", &code),
                    ("code_verifier", verifier),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let wrong = exchange(
        "another-verifier-of-enough-length-0123456789abcdef",
        code.clone(),
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(wrong).await["error"], "invalid_grant");
    let right = exchange(crate::common::VERIFIER, code.clone()).await;
    assert_eq!(right.status(), StatusCode::OK);
    let twice = exchange(crate::common::VERIFIER, code).await;
    assert_eq!(twice.status(), StatusCode::BAD_REQUEST);

    // Only S256.
    let plain = s
        .get("/oauth/connect")
        .query(&[
            ("response_type", "code"),
            ("client_id", ETSY_KEYSTRING),
            ("redirect_uri", crate::common::REDIRECT_URI),
            ("scope", "listings_r"),
            ("state", "x"),
            ("code_challenge", crate::common::VERIFIER),
            ("code_challenge_method", "plain"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::FOUND);
    let location = plain.headers()["location"].to_str().unwrap();
    assert!(location.contains("error=invalid_request"), "{location}");
}

#[tokio::test]
async fn the_per_second_limit_answers_429_with_retry_after_and_the_headers() {
    // The default limits: 10 a second, 10,000 a day.
    let s = Sandbox::start_with(|_| {}).await;
    let t = s.etsy_login().await;
    for i in 0..10u32 {
        let r = s.etsy(&t, Method::GET, "/users/me").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "request {i}");
        let h = r.headers();
        assert_eq!(h["x-limit-per-second"], "10");
        assert_eq!(h["x-remaining-this-second"], (9 - i).to_string().as_str());
        assert_eq!(h["x-limit-per-day"], "10000");
        assert_eq!(h["x-remaining-today"], (9999 - i).to_string().as_str());
        assert!(!h["x-etsy-request-uuid"].is_empty());
    }
    let limited = s.etsy(&t, Method::GET, "/users/me").send().await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers()["retry-after"], "1");
    assert_eq!(limited.headers()["x-remaining-this-second"], "0");
    assert!(limited.headers().contains_key("x-etsy-request-uuid"));
    assert!(json(limited).await["error"].is_string());

    s.clock.advance(Duration::from_millis(1000));
    let again = s.etsy(&t, Method::GET, "/users/me").send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["x-remaining-today"], "9989");
}

#[tokio::test]
async fn the_daily_limit_is_configurable() {
    let s = Sandbox::start_with(|c| {
        c.limits.per_day = 3;
        c.limits.per_second = 100;
    })
    .await;
    let t = s.etsy_login().await;
    for _ in 0..3 {
        let r = s.etsy(&t, Method::GET, "/users/me").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let limited = s.etsy(&t, Method::GET, "/users/me").send().await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers()["retry-after"], "86400");
    s.clock.advance(Duration::from_secs(86_400));
    let t = s.etsy_login().await;
    let r = s.etsy(&t, Method::GET, "/users/me").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn create_draft_listing_refuses_what_etsy_refuses() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let create = |changes: Changes| {
        let s = &s;
        let t = &t;
        async move {
            let mut form = draft_form("Bol en céramique");
            for (key, value) in changes {
                form.retain(|(k, _)| *k != key);
                if let Some(v) = value {
                    form.push((key, v.to_string()));
                }
            }
            let r = s
                .etsy(t, Method::POST, &format!("/shops/{SHOP}/listings"))
                .form(&form)
                .send()
                .await
                .unwrap();
            (r.status(), json(r).await)
        }
    };
    let cases: Vec<(Changes, &str)> = vec![
        (vec![("quantity", None)], "quantity"),
        (vec![("quantity", Some("0"))], "quantity"),
        (vec![("title", None)], "title"),
        (vec![("title", Some("طَاجِين"))], "title"),
        (vec![("title", Some("a: b: c"))], "once"),
        (vec![("price", Some("abc"))], "price"),
        (vec![("price", Some("0"))], "price"),
        (vec![("who_made", Some("a_robot"))], "who_made"),
        (vec![("when_made", None)], "when_made"),
        (vec![("taxonomy_id", Some("999999"))], "taxonomy_id"),
        (vec![("shipping_profile_id", None)], "shipping_profile_id"),
        (vec![("tags", Some("a,b,c,d,e,f,g,h,i,j,k,l,m,n"))], "tags"),
        (vec![("tags", Some("-dash"))], "tags"),
    ];
    for (changes, word) in cases {
        let (status, body) = create(changes.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{changes:?}");
        let error = body["error"].as_str().unwrap_or_default();
        assert!(error.contains(word), "{changes:?}: {error}");
    }
    let (status, body) = create(vec![("title", Some("ⵜⴰⵊⵉⵏ طاجين Tajine"))]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Nothing refused was created.
    assert_eq!(
        s.state().await["etsy"]["listings"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn an_inventory_with_nothing_to_sell_is_refused_and_only_a_sale_sells_out() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let id = s.etsy_live(&t, "Babouches en cuir", "HNT-B1", 2).await;
    let inventory_path = format!("/listings/{id}/inventory");
    let before = s.etsy_json(&t, &inventory_path).await;

    // etsy/open-api #560, #395: no way to zero out all of the inventory.
    let zero = s.etsy_inventory(&t, id, "HNT-B1", 120.0, 0).await;
    assert_eq!(zero.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        json(zero).await["error"],
        "One offering must have quantity greater than 0"
    );
    // Nor by disabling the only offering that has stock.
    let disabled = s
        .etsy(&t, Method::PUT, &format!("/listings/{id}/inventory"))
        .json(&serde_json::json!({"products": [{
            "sku": "HNT-B1", "property_values": [],
            "offerings": [{"price": 120.0, "quantity": 3, "is_enabled": false}],
        }]}))
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), StatusCode::BAD_REQUEST);
    // Nothing changed, not even the ids.
    assert_eq!(s.etsy_json(&t, &inventory_path).await, before);

    // A sale on Etsy itself is what takes a listing to 0.
    assert_eq!(s.sale("etsy", id, 2).await.status(), StatusCode::CREATED);
    let listing: Value = json(
        s.etsy(&t, Method::GET, &format!("/listings/{id}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(listing["state"], "sold_out");
    assert_eq!(listing["quantity"], 0);
    let sold_out = json(
        s.etsy(&t, Method::GET, &format!("/shops/{SHOP}/listings"))
            .query(&[("state", "sold_out")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(sold_out["count"], 1);

    // Stock back: active again, and inventory ids are new on every update.
    let before = s.etsy_json(&t, &inventory_path).await;
    assert_eq!(
        s.etsy_inventory(&t, id, "HNT-B1", 120.0, 5).await.status(),
        StatusCode::OK
    );
    let after = s.etsy_json(&t, &inventory_path).await;
    assert_ne!(
        before["products"][0]["product_id"],
        after["products"][0]["product_id"]
    );
    assert_ne!(
        before["products"][0]["offerings"][0]["offering_id"],
        after["products"][0]["offerings"][0]["offering_id"]
    );
    let listing = json(
        s.etsy(&t, Method::GET, &format!("/listings/{id}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(listing["state"], "active");
    assert_eq!(listing["quantity"], 5);
}

#[tokio::test]
async fn drafts_are_invisible_without_the_owners_token() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let id = s.etsy_draft(&t, "Coussin brodé").await["listing_id"]
        .as_i64()
        .unwrap();
    let anonymous = s
        .etsy_public(Method::GET, &format!("/listings/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::NOT_FOUND);
    let owner = s
        .etsy(&t, Method::GET, &format!("/listings/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(owner.status(), StatusCode::OK);
}
