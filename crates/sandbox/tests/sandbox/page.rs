use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{Sandbox, json, png};

#[tokio::test]
async fn the_buyer_page_escapes_html_and_shows_arabic_and_tifinagh() {
    let s = Sandbox::start().await;
    let name = "<script>alert(1)</script> طاجين ⵜⴰⵊⵉⵏ \"Safi\"";
    let created = s
        .woo_create(json!({
            "name": name, "regular_price": "1200.00", "manage_stock": true, "stock_quantity": 3,
        }))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    s.woo_create(json!({"name": "Brouillon caché", "status": "draft"}))
        .await;

    let page = s.get("/").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("img-src 'self'"),
        "{csp}"
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; طاجين ⵜⴰⵊⵉⵏ &quot;Safi&quot;"));
    assert!(html.contains("dir=\"auto\""));
    assert!(html.contains("1\u{202F}200,00 DH"));
    assert!(html.contains("3 in stock"));
    assert!(html.contains("Simulate a sale"));
    assert!(!html.contains("Brouillon caché"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing remote"
    );

    let css = s
        .get("/page.css")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(css.contains(r#""Noto Sans Arabic","Noto Sans Tifinagh","Noto Sans",sans-serif"#));
    assert!(!css.contains("url("), "no web fonts");
}

#[tokio::test]
async fn the_page_shows_etsy_listings_with_their_first_photo_and_price() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let id = s.etsy_live(&t, "Tapis berbère", "HNT-T1", 2).await;
    s.etsy_draft(&t, "Brouillon Etsy").await;
    let html = s.get("/").send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Tapis berbère"));
    assert!(!html.contains("Brouillon Etsy"));
    assert!(html.contains("120,00 DH"));
    assert!(html.contains(&format!("id=\"etsy-{id}\"")));
    let src = html
        .split("<img src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    let photo = s.get(src).send().await.unwrap();
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(
        photo.bytes().await.unwrap().as_ref(),
        png(800, 600).as_slice()
    );
}

#[tokio::test]
async fn simulating_a_sale_lowers_stock_and_is_refused_when_sold_out() {
    let s = Sandbox::start().await;
    let product = json(
        s.woo_create(json!({
            "name": "Savon beldi", "sku": "SAV-1", "regular_price": "45.00",
            "manage_stock": true, "stock_quantity": 1,
        }))
        .await,
    )
    .await;
    let id = product["id"].as_i64().unwrap();

    // From the page, as a plain form.
    let bought = s
        .request(Method::POST, "/buy")
        .form(&[
            ("market", "woocommerce"),
            ("listing_id", &id.to_string()),
            ("quantity", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bought.status(), StatusCode::SEE_OTHER);
    assert!(
        bought.headers()["location"]
            .to_str()
            .unwrap()
            .contains("notice=sold")
    );
    let state = s.state().await;
    let stored = &state["woocommerce"]["products"][0];
    assert_eq!(stored["stock_quantity"], 0);
    assert_eq!(stored["stock_status"], "outofstock");
    assert_eq!(
        state["woocommerce"]["orders"][0]["line_items"][0]["sku"],
        "SAV-1"
    );
    let page = s.get("/").send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sold out"));

    // Sold out now: refused, on the page and through the API.
    let again = s
        .request(Method::POST, "/buy")
        .form(&[("market", "woocommerce"), ("listing_id", &id.to_string())])
        .send()
        .await
        .unwrap();
    assert!(
        again.headers()["location"]
            .to_str()
            .unwrap()
            .contains("notice=sold_out")
    );
    let refused = s.sale("woocommerce", id, 1).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        json(refused).await["error"]
            .as_str()
            .unwrap()
            .contains("out of stock")
    );
    assert_eq!(
        s.state().await["woocommerce"]["orders"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Etsy: the last one sells the listing out.
    let t = s.etsy_login().await;
    let listing = s.etsy_live(&t, "Bracelet en argent", "HNT-BR", 1).await;
    let sold = s.sale("etsy", listing, 1).await;
    assert_eq!(sold.status(), StatusCode::CREATED);
    assert_eq!(json(sold).await["state"], "sold_out");
    let refused = s.sale("etsy", listing, 1).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(json(refused).await["reason"], "sold_out");

    // A draft is not live.
    let draft = s.etsy_draft(&t, "Pas encore en ligne").await["listing_id"]
        .as_i64()
        .unwrap();
    let refused = s.sale("etsy", draft, 1).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(json(refused).await["reason"], "not_live");
}

#[tokio::test]
async fn a_website_delete_removes_the_listing_as_the_seller_would() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let listing = s.etsy_live(&t, "Pouf en cuir", "HNT-P1", 1).await;
    let deleted = s
        .request(Method::POST, "/sandbox/website-delete")
        .json(&json!({"market": "etsy", "listing_id": listing}))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::OK);
    let gone = s
        .etsy(&t, Method::GET, &format!("/listings/{listing}"))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    let missing = s
        .request(Method::POST, "/sandbox/website-delete")
        .json(&json!({"market": "etsy", "listing_id": listing}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
